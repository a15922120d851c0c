/* kbtf.c - a kernel's BTF read in place (see kbtf.h).
 *
 * The file is mapped where the kernel allows it (/sys/kernel/btf/vmlinux
 * can be mapped since Linux 6.16, a regular file always), else read whole
 * in one buffer.  Every type's extent is checked against its section and
 * every string against the string section, so a damaged or foreign file
 * is refused rather than read past.  Nothing here prints.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbtf.h"
#include "util.h"

/* Bytes that follow a type's struct btf_type, by its kind; -1 for a kind
 * this reader does not know. */
static long type_extra(const struct btf_type *t)
{
	long vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return (long)sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return vlen * (long)sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * (long)sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * (long)sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return vlen * (long)sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return vlen * 12;   /* struct btf_enum64 */
	default:
		return -1;
	}
}

/* Index the types section (len bytes at types): 0 or -EINVAL. */
static int index_types(struct kbtf *k, const char *types, __u32 len)
{
	k->types = xcalloc(len / sizeof(struct btf_type) + 1, sizeof(*k->types));   /* (the most there can be) */
	k->cnt = 1;   /* (id 0 is void) */
	for (__u32 at = 0; at < len;) {
		const struct btf_type *t = (const struct btf_type *)(types + at);
		long extra;

		if (len - at < sizeof(*t) || (extra = type_extra(t)) < 0 ||
		    (size_t)extra > len - at - sizeof(*t) || t->name_off >= k->strs_len)
			return -EINVAL;
		k->types[k->cnt++] = t;
		at += (__u32)sizeof(*t) + (__u32)extra;
	}
	return 0;
}

int kbtf_init(struct kbtf *k, const void *data, size_t size)
{
	const struct btf_header *h = data;

	memset(k, 0, sizeof(*k));
	k->data = data;
	k->size = size;
	if (size < sizeof(*h) || h->magic != BTF_MAGIC || h->version != BTF_VERSION ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > size || h->type_off % 4 ||
	    (size_t)h->type_off + h->type_len > size - h->hdr_len ||
	    (size_t)h->str_off + h->str_len > size - h->hdr_len || h->str_len == 0)
		return -EINVAL;
	k->strs = k->data + h->hdr_len + h->str_off;
	k->strs_len = h->str_len;
	if (k->strs[k->strs_len - 1] != '\0' || (h->hdr_len % 4))
		return -EINVAL;
	return index_types(k, k->data + h->hdr_len + h->type_off, h->type_len);
}

/* Read size bytes of fd into a new buffer (*buf): 0 or -errno. */
static int read_whole(int fd, size_t size, void **buf)
{
	size_t got = 0;

	*buf = xmalloc(size);
	while (got < size) {
		ssize_t n = read(fd, (char *)*buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(*buf);
			*buf = NULL;
			return n < 0 ? -errno : -EINVAL;
		}
		got += (size_t)n;
	}
	return 0;
}

int kbtf_open(struct kbtf *k, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	void *p = MAP_FAILED, *buf = NULL;
	struct stat st;
	size_t size = 0;

	memset(k, 0, sizeof(*k));
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (st.st_size <= 0)
		err = -EINVAL;
	else
		size = (size_t)st.st_size;
	if (!err)
		p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (!err && p == MAP_FAILED)
		err = read_whole(fd, size, &buf);   /* (a kernel before 6.16: no mmap) */
	close(fd);
	if (err)
		return err;
	err = kbtf_init(k, buf ? buf : p, size);
	k->mapped = !buf;
	k->buf = buf;
	if (err)
		kbtf_release(k);
	return err;
}

const struct btf_type *kbtf_type(const struct kbtf *k, __u32 id)
{
	return id > 0 && id < k->cnt ? k->types[id] : NULL;
}

const char *kbtf_name(const struct kbtf *k, __u32 off)
{
	return off < k->strs_len ? k->strs + off : "";
}

int kbtf_find(const struct kbtf *k, const char *name, __u32 kind)
{
	for (__u32 id = 1; id < k->cnt; id++) {
		const struct btf_type *t = k->types[id];

		if (BTF_INFO_KIND(t->info) == kind && strcmp(k->strs + t->name_off, name) == 0)
			return (int)id;
	}
	return -ENOENT;
}

void kbtf_release(struct kbtf *k)
{
	if (k->mapped && k->data)
		munmap((void *)(uintptr_t)k->data, k->size);
	free(k->buf);
	free(k->types);
	memset(k, 0, sizeof(*k));
}

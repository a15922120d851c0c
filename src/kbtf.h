/* kbtf.h - a kernel's BTF read in place: its file mapped (or, where the
 * file cannot be mapped, read once), its types found by id and by name,
 * nothing copied.
 *
 * libbpf's btf__parse reads the 5 MiB of the kernel's BTF 4 KiB at a time
 * and copies it again into its own buffer: about 5 ms of faults and copies
 * each time, and the start-up of the BPF loaders did it twice.  This view
 * costs one mmap and one walk over the types.  Used only by the BPF
 * loaders (src/ebpf*.c, src/btfslice.c); nothing here prints.
 */
#ifndef COMPENDIUM_KBTF_H
#define COMPENDIUM_KBTF_H
#include <stdbool.h>
#include <stddef.h>

#include <linux/btf.h>

struct kbtf {
	const char *data;                /* the whole raw BTF */
	size_t size;
	bool mapped;                     /* data is mapped (kbtf_open) */
	void *buf;                       /* else read into this (kbtf_open), or NULL */
	const char *strs;                /* the string section (NUL-terminated) */
	__u32 strs_len;
	const struct btf_type **types;   /* by id; [0] (void) is NULL */
	__u32 cnt;                       /* ids 0 .. cnt - 1 */
};

/* Map (or read) the raw BTF at path and index its types: 0, or -errno
 * (-EINVAL for a file that is not well-formed native-endian BTF). */
int kbtf_open(struct kbtf *k, const char *path);
/* Index the raw BTF in data, which the caller keeps while k is used: 0 or -errno. */
int kbtf_init(struct kbtf *k, const void *data, size_t size);
/* Type id, or NULL for void and ids out of range. */
const struct btf_type *kbtf_type(const struct kbtf *k, __u32 id);
/* The string at off ("" out of range). */
const char *kbtf_name(const struct kbtf *k, __u32 off);
/* The id of the first type of kind named name, or -ENOENT. */
int kbtf_find(const struct kbtf *k, const char *name, __u32 kind);
void kbtf_release(struct kbtf *k);
#endif

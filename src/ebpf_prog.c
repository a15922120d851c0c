/* ebpf_prog.c - the kernel's tracepoint shapes, the choice of programs,
 * the slice of the kernel's BTF to relocate against and the targets of the
 * tp_btf programs, for the loaders of both BPF objects.
 *
 * The kernel's BTF is read in place once for the process (src/kbtf.h).
 * Shapes come from the btf_trace_ typedefs in it (the number of arguments
 * a tracepoint passes), never from the kernel's version; so do the tp_btf
 * programs' targets, which libbpf would otherwise find by parsing the
 * whole of that BTF again for each object.  The slice (src/btfslice.c) is
 * handed from the thread that makes it to the one that loads through a
 * memfd libbpf opens by its /proc path.  Nothing here prints.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btfslice.h"
#include "ebpf_prog.h"
#include "hmap.h"
#include "kbtf.h"

#define BTF_KERNEL "/sys/kernel/btf/vmlinux"
#define TP_PREFIX "btf_trace_"

static bool tp_btf_handler;      /* tp_btf_prepare is libbpf's handler of tp_btf/ */

/* The running kernel's BTF, read in place once for the process, and its
 * tracepoints' btf_trace_ typedefs by name (the targets of tp_btf
 * programs): never released. */
static struct kbtf kernel_btf;
static int kernel_btf_err;
static struct smap kernel_tps;   /* tracepoint name -> (void *)(uintptr_t)typedef id */
static pthread_once_t kernel_btf_once = PTHREAD_ONCE_INIT;

/* Read the running kernel's BTF and index its tracepoints. */
static void kernel_btf_open(void)
{
	kernel_btf_err = kbtf_open(&kernel_btf, BTF_KERNEL);
	for (__u32 id = 1; !kernel_btf_err && id < kernel_btf.cnt; id++) {
		const struct btf_type *t = kernel_btf.types[id];
		const char *name = kbtf_name(&kernel_btf, t->name_off);

		if (btf_is_typedef(t) && strncmp(name, TP_PREFIX, strlen(TP_PREFIX)) == 0)
			smap_put(&kernel_tps, name + strlen(TP_PREFIX), (void *)(uintptr_t)id);
	}
}

const struct kbtf *ebpf_prog_kernel_btf(void)
{
	pthread_once(&kernel_btf_once, kernel_btf_open);
	errno = -kernel_btf_err;
	return kernel_btf_err ? NULL : &kernel_btf;
}

/* The id of tracepoint name's btf_trace_ typedef in k, or -ENOENT. */
static int tp_typedef(const struct kbtf *k, const char *name)
{
	char tname[128];

	if (k == &kernel_btf) {
		uintptr_t id = (uintptr_t)smap_get(&kernel_tps, name);
		return id ? (int)id : -ENOENT;
	}
	snprintf(tname, sizeof(tname), TP_PREFIX "%s", name);
	return kbtf_find(k, tname, BTF_KIND_TYPEDEF);
}

/* Parameters of tracepoint name (its btf_trace_ typedef), or -1 if it is unknown. */
static int tp_nargs(const struct kbtf *k, const char *name)
{
	int id = tp_typedef(k, name);
	const struct btf_type *t;

	if (id < 0)
		return -1;
	t = kbtf_type(k, kbtf_type(k, (__u32)id)->type);
	if (!t || !btf_is_ptr(t))
		return -1;
	t = kbtf_type(k, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1;   /* the first parameter is the tracepoint's data */
}

int ebpf_prog_check_btf(const char *path, char *why, size_t whylen)
{
	if (access(path, R_OK) < 0) {
		snprintf(why, whylen, "--ebpf needs the kernel's BTF type information, and %s %s "
			 "(use a kernel built with CONFIG_DEBUG_INFO_BTF=y)", path,
			 errno == ENOENT ? "does not exist" : "cannot be read");
		return -ESRCH;
	}
	return 0;
}

int ebpf_prog_read_shape(const char *path, struct ebpf_shape *s, char *why, size_t whylen)
{
	int err = ebpf_prog_check_btf(path, why, whylen);
	const struct kbtf *btf;
	struct kbtf own;

	if (err)
		return err;
	btf = strcmp(path, BTF_KERNEL) == 0 ? ebpf_prog_kernel_btf() :
	      (err = kbtf_open(&own, path)) == 0 ? &own : NULL;
	if (!btf) {
		snprintf(why, whylen, "--ebpf could not read the kernel's BTF from %s (%s)", path,
			 strerror(err ? -err : errno));
		return -ESRCH;
	}
	s->prev_state = tp_nargs(btf, "sched_switch") >= 4;
	s->rq_queue = tp_nargs(btf, "block_rq_issue") >= 2;
	s->block = tp_nargs(btf, "block_rq_issue") > 0 && tp_nargs(btf, "block_rq_complete") > 0 &&
		   tp_nargs(btf, "block_rq_insert") > 0 && tp_nargs(btf, "block_rq_requeue") > 0;
	s->io_start = tp_nargs(btf, "block_io_start") == 1;   /* 6.5+ */
	if (btf == &own)
		kbtf_release(&own);
	return 0;
}

void ebpf_prog_choose(struct bpf_object *obj, bool raw, const struct ebpf_shape *s)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);
		bool is_raw = strncmp(sec, "raw_tp/", 7) == 0;
		bool is_block = strstr(sec, "/block_") != NULL;
		bool unused = strstr(sec, s->io_start ? "/block_rq_insert" : "/block_io_start") != NULL;

		/* A bare "raw_tp" program is run (io_sweep), never attached: always load it. */
		bpf_program__set_autoload(p, strcmp(sec, "raw_tp") == 0 ||
					  (is_raw == raw && (s->block || !is_block) && !unused));
	}
}

/* The BTF a task storage map must be made with (the kernel asks for its
 * key's and value's types): an int, and bytes of the value's size.  Its
 * fd, with the two type ids, or -errno. */
static int storage_btf(__u32 value_size, __u32 *key_id, __u32 *value_id)
{
	struct btf *b = btf__new_empty();
	int key, byte, value, fd = -EINVAL;

	if (!b)
		return -errno;
	key = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	byte = btf__add_int(b, "unsigned char", 1, 0);
	value = key > 0 && byte > 0 ? btf__add_array(b, key, byte, value_size) : -EINVAL;
	if (value > 0 && btf__load_into_kernel(b) == 0) {
		fd = dup(btf__fd(b));   /* (btf__free closes its own) */
		if (fd < 0)
			fd = -errno;
		*key_id = (__u32)key;
		*value_id = (__u32)value;
	}
	btf__free(b);
	return fd;
}

ssize_t ebpf_prog_tasks(int fd, size_t vsize, uint32_t want, pid_t *tids, pid_t *tgids,
			size_t cap)
{
	uint32_t vals[256 * 8], keys[256], batch = 0;
	size_t n = 0, w = vsize / sizeof(uint32_t);
	bool first = true;

	if (vsize > 8 * sizeof(uint32_t) || vsize < 2 * sizeof(uint32_t))
		return -1;
	while (n < cap) {
		uint32_t count = 256;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &batch, &batch, keys, vals,
					       &count, NULL);

		if (err && errno != ENOENT)
			return -1;
		for (uint32_t i = 0; i < count && n < cap; i++)
			if ((vals[i * w + 1] & want) == want) {
				tids[n] = (pid_t)keys[i];
				tgids[n++] = (pid_t)vals[i * w];
			}
		if (err)
			break;   /* ENOENT: those were the last */
		first = false;
	}
	return (ssize_t)n;
}

int ebpf_prog_map_like(const struct bpf_map *m)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = bpf_map__map_flags(m));
	int btf_fd = -1, fd;

	if (bpf_map__type(m) == BPF_MAP_TYPE_TASK_STORAGE) {
		btf_fd = storage_btf(bpf_map__value_size(m), &mo.btf_key_type_id,
				     &mo.btf_value_type_id);
		if (btf_fd < 0)
			return btf_fd;
		mo.btf_fd = (__u32)btf_fd;
	}
	fd = bpf_map_create(bpf_map__type(m), bpf_map__name(m), bpf_map__key_size(m),
			    bpf_map__value_size(m), bpf_map__max_entries(m), &mo);
	if (fd < 0)
		fd = -errno;
	if (btf_fd >= 0)
		close(btf_fd);   /* (the map holds its own) */
	return fd;
}

/* Make map m as defined (an internal one with its initial value, frozen
 * if the programs only read it) for its object to take: 0 or -errno. */
static int make_map(struct bpf_map *m)
{
	int fd = ebpf_prog_map_like(m), err = 0;
	size_t size = 0;
	const void *init = bpf_map__is_internal(m) ? bpf_map__initial_value(m, &size) : NULL;
	__u32 zero = 0;

	if (fd < 0)
		return fd;
	if (init && size == bpf_map__value_size(m) && bpf_map_update_elem(fd, &zero, init, 0) < 0)
		err = -errno;
	else if (init && size != bpf_map__value_size(m))
		err = -EINVAL;
	if (!err && init && (bpf_map__map_flags(m) & BPF_F_RDONLY_PROG) && bpf_map_freeze(fd) < 0)
		err = -errno;
	if (!err)
		err = bpf_map__reuse_fd(m, fd);
	close(fd);   /* (the object holds its own) */
	return err;
}

int ebpf_prog_make_maps(struct bpf_object *obj)
{
	struct bpf_map *m;
	int err = 0;

	bpf_object__for_each_map(m, obj)
		if (bpf_map__autocreate(m) && bpf_map__fd(m) < 0 && (err = make_map(m)) < 0)
			break;
	return err;
}

int ebpf_prog_core_init(struct ebpf_core *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = memfd_create("compendium-core-btf", MFD_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	snprintf(c->path, sizeof(c->path), "/proc/self/fd/%d", c->fd);
	if (access(c->path, R_OK) < 0) {   /* (no /proc: libbpf could not open it) */
		close(c->fd);
		return -ENOENT;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	return 0;
}

/* The slice of the kernel's BTF for local, written to c's memfd: 0 or -errno. */
static int core_write(struct ebpf_core *c, const char *btf_path, const struct btf *const *local,
		      int nlocal)
{
	struct kbtf own;
	const struct kbtf *kernel = !btf_path ? ebpf_prog_kernel_btf() :
				    kbtf_open(&own, btf_path) == 0 ? &own : NULL;
	struct btf *slice;
	int err;

	if (!kernel)
		return -ESRCH;
	slice = nlocal > 0 ? btfslice_new(kernel, local, nlocal) : NULL;
	err = slice ? btfslice_write(slice, c->fd) : nlocal > 0 ? -errno : -EINVAL;
	btf__free(slice);
	if (kernel == &own)
		kbtf_release(&own);
	return err;
}

void ebpf_prog_core_make(struct ebpf_core *c, const char *btf_path,
			 const struct btf *const *local, int nlocal)
{
	int err = core_write(c, btf_path, local, nlocal);

	pthread_mutex_lock(&c->lock);
	c->err = err;
	c->done = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

int ebpf_prog_core_wait(struct ebpf_core *c)
{
	int err;

	pthread_mutex_lock(&c->lock);
	while (!c->done)
		pthread_cond_wait(&c->cond, &c->lock);
	err = c->err;
	pthread_mutex_unlock(&c->lock);
	return err;
}

void ebpf_prog_core_release(struct ebpf_core *c)
{
	close(c->fd);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

/* libbpf's last step before it loads a tp_btf program: its target's BTF
 * id, found in the kernel's BTF read in place, where libbpf would have
 * parsed all of that BTF for it.  ebpf_prog_skip_vmlinux's stand-in for a
 * target program is taken back. */
static int tp_btf_prepare(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
			  long cookie)
{
	const struct kbtf *k = ebpf_prog_kernel_btf();
	int id = k ? tp_typedef(k, bpf_program__section_name(prog) + strlen("tp_btf/")) : -ESRCH;

	(void)cookie;
	if (id < 0)
		return id;
	opts->attach_prog_fd = 0;
	opts->attach_btf_obj_fd = 0;
	opts->attach_btf_id = (__u32)id;
	return 0;
}

/* Attach a tp_btf program (as libbpf's own handler of the section does). */
static int tp_btf_attach(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	(void)cookie;
	*link = bpf_program__attach_trace(prog);
	return *link ? 0 : -errno;
}

/* Register the tp_btf/ handler. */
static void register_tp_btf(void)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .prog_prepare_load_fn = tp_btf_prepare,
		    .prog_attach_fn = tp_btf_attach);

	tp_btf_handler = libbpf_register_prog_handler("tp_btf/", BPF_PROG_TYPE_TRACING,
						      BPF_TRACE_RAW_TP, &ho) > 0;
}

void ebpf_prog_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, register_tp_btf);
}

void ebpf_prog_skip_vmlinux(struct bpf_object *obj)
{
	const struct kbtf *k = tp_btf_handler ? ebpf_prog_kernel_btf() : NULL;
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);
		int id = k && bpf_program__autoload(p) && strncmp(sec, "tp_btf/", 7) == 0 ?
			 tp_typedef(k, sec + 7) : -ENOENT;

		/* libbpf parses the kernel's BTF for a tracing program
		 * unless it attaches to another program: it is told it does
		 * (the id stands in for the program's fd), and tp_btf_prepare
		 * takes that back before the program is loaded. */
		if (id > 0)
			bpf_program__set_attach_target(p, id, NULL);
	}
}

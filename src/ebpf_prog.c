/* ebpf_prog.c - the kernel's tracepoint shapes, the choice of programs and
 * the slice of the kernel's BTF to relocate against, for the loaders of
 * both BPF objects.
 *
 * Shapes come from the btf_trace_ typedefs in the kernel's BTF (the number
 * of arguments a tracepoint passes), never from the kernel's version.  The
 * slice (src/btfslice.c) is handed from the thread that makes it to the
 * one that loads through a memfd libbpf opens by its /proc path.
 * Nothing here prints.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "btfslice.h"
#include "ebpf_prog.h"

/* Parameters of tracepoint name (its btf_trace_ typedef), or -1 if it is unknown. */
static int tp_nargs(const struct btf *btf, const char *name)
{
	char tname[128];
	const struct btf_type *t;
	int id;

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, btf__type_by_id(btf, (__u32)id)->type);
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type);
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
	struct btf *btf;

	if (err)
		return err;
	btf = btf__parse(path, NULL);
	if (!btf) {
		snprintf(why, whylen, "--ebpf could not read the kernel's BTF from %s (%s)", path,
			 strerror(errno));
		return -ESRCH;
	}
	s->prev_state = tp_nargs(btf, "sched_switch") >= 4;
	s->rq_queue = tp_nargs(btf, "block_rq_issue") >= 2;
	s->block = tp_nargs(btf, "block_rq_issue") > 0 && tp_nargs(btf, "block_rq_complete") > 0 &&
		   tp_nargs(btf, "block_rq_insert") > 0 && tp_nargs(btf, "block_rq_requeue") > 0;
	s->io_start = tp_nargs(btf, "block_io_start") == 1;   /* 6.5+ */
	btf__free(btf);
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

int ebpf_prog_map_like(const struct bpf_map *m)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = bpf_map__map_flags(m));
	int fd = bpf_map_create(bpf_map__type(m), bpf_map__name(m), bpf_map__key_size(m),
				bpf_map__value_size(m), bpf_map__max_entries(m), &mo);

	return fd < 0 ? -errno : fd;
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
	struct btf *kernel = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	struct btf *slice;
	int err;

	if (!kernel)
		return -errno;
	slice = nlocal > 0 ? btfslice_new(kernel, local, nlocal) : NULL;
	err = slice ? btfslice_write(slice, c->fd) : nlocal > 0 ? -errno : -EINVAL;
	btf__free(slice);
	btf__free(kernel);
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

void ebpf_prog_preload_btf(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);

		if (bpf_program__autoload(p) && strncmp(sec, "tp_btf/", 7) == 0) {
			/* (failing, it leaves the target for the load to find, as it would) */
			bpf_program__set_attach_target(p, 0, sec + 7);
			return;
		}
	}
}

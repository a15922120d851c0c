/* vmlinux.h - the few kernel types the BPF programs in bpf/ touch.
 *
 * A hand-trimmed stand-in for `bpftool btf dump file /sys/kernel/btf/vmlinux
 * format c`.  Every struct is marked preserve_access_index, so clang records
 * each field access as a CO-RE relocation that libbpf resolves by name
 * against the running kernel's BTF at load time: only names matter here, not
 * offsets or sizes, and a field missing from a kernel is detected with
 * bpf_core_field_exists().  Types named x___y are "flavours" of x (older
 * layouts); libbpf ignores the ___y suffix when matching.  Enum values that
 * are ABI (map types, update flags) must stay exactly as the kernel has them.
 * Never add a field the programs do not read.
 */
#ifndef COMPENDIUM_VMLINUX_H
#define COMPENDIUM_VMLINUX_H

typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };
typedef int pid_t;
typedef unsigned short umode_t;
typedef u64 sector_t;
typedef u32 dev_t;
typedef u32 blk_opf_t;
typedef u8 blk_status_t;

/* ABI values from include/uapi/linux/bpf.h. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_STACK = 23,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};

enum {
	BPF_F_NO_PREALLOC = 1,
};

enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1,
};

enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};

enum {
	BPF_RB_AVAIL_DATA = 0,
};

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	unsigned long sig[1];     /* x86_64: 64 signals in one word */
} sigset_t;

struct sigpending {
	sigset_t signal;
};

struct signal_struct {
	struct sigpending shared_pending;   /* signals sent to the whole process */
	atomic_t live;            /* threads not yet past do_exit's accounting */
	int group_exit_code;      /* the process's wait status once SIGNAL_GROUP_EXIT */
	unsigned int flags;       /* SIGNAL_GROUP_EXIT (4): exit_group or a fatal signal */
	struct task_struct *group_exec_task;   /* 5.16+: a thread exec'ing kills the others */
};

struct mm_struct {
	unsigned long arg_start, arg_end;   /* argv in the process's memory */
	unsigned long env_start, env_end;   /* its environment */
	unsigned long start_code;           /* the program's lowest executable address */
	unsigned long saved_auxv[24];       /* its auxiliary vector (longer; --stack reads this much) */
};

struct linux_binprm {
	struct file *file;        /* the program exec'd */
	const char *filename;     /* the path the exec was given */
	const char *interp;       /* the same, or a script's interpreter's */
};

struct kernel_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
};

struct thread_info {
	u32 status;               /* TS_COMPAT (0x2): an i386 system call */
};

struct sched_info {
	unsigned long long run_delay;   /* CONFIG_SCHED_INFO: run-queue time so far */
};

struct qstr {
	u64 hash_len;             /* in a union: len << 32 | hash */
	const unsigned char *name;
};

struct hlist_bl_node {
	struct hlist_bl_node *next, **pprev;
};

struct dentry {
	struct hlist_bl_node d_hash;   /* pprev NULL: unhashed (unlinked, if not a root) */
	struct dentry *d_parent;
	struct qstr d_name;
};

struct vfsmount {
	struct dentry *mnt_root;
};

struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct fs_struct {
	struct path pwd;
};

struct task_struct {
	struct thread_info thread_info;
	struct sched_info sched_info;
	unsigned int __state;     /* 5.14+; older kernels: task_struct___o */
	int on_cpu;
	pid_t pid;
	pid_t tgid;
	struct signal_struct *signal;
	struct files_struct *files;
	struct fs_struct *fs;
	int exit_code;            /* wait status of this thread, at its exit */
	struct task_struct *group_leader;
	struct mm_struct *mm;
	void *stack;              /* its kernel stack: the user registers sit at the top */
	unsigned long jobctl;     /* JOBCTL_TRAP_FREEZE: its cgroup is freezing it */
	sigset_t blocked;
	struct sigpending pending;   /* signals sent to this thread */
};

/* task_struct before 5.14 named its state "state" and made it a long. */
struct task_struct___o {
	long state;
};

struct gendisk {
	int major;
	int first_minor;
};

struct request_queue {
	struct gendisk *disk;     /* 5.15+ */
};

struct request {
	struct request_queue *q;
	blk_opf_t cmd_flags;
	unsigned int __data_len;
	sector_t __sector;
};

/* struct request before 5.15 pointed at its disk directly. */
struct request___old {
	struct gendisk *rq_disk;
};

struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

struct super_block {
	dev_t s_dev;
	unsigned long s_magic;
};

struct inode {
	umode_t i_mode;
	struct super_block *i_sb;
	unsigned long i_ino;
};

struct file {
	struct inode *f_inode;
	void *private_data;       /* a socket file: its struct socket */
	struct path f_path;
};

struct in6_addr {
	u8 s6_addr[16];
};

struct sock_common {
	__be32 skc_daddr;         /* IPv4 remote, local address */
	__be32 skc_rcv_saddr;
	__be16 skc_dport;         /* remote port (network order), local port (host order) */
	u16 skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
};

struct sock {
	struct sock_common __sk_common;
};

struct inet_sock {
	struct sock sk;
	__be16 inet_sport;        /* the local port getsockname gives (network order) */
};

struct sockaddr_un {
	unsigned short sun_family;
	char sun_path[108];
};

struct unix_address {
	int len;                  /* bytes of name: family and path */
	struct sockaddr_un name[];
};

struct unix_sock {
	struct sock sk;
	struct unix_address *addr;
	struct sock *peer;
};

struct netlink_sock {
	struct sock sk;
	u32 portid;
	u32 dst_portid;
	u32 dst_group;
	unsigned long *groups;    /* the first word is getsockname's nl_groups */
};

struct socket {
	short type;
	struct sock *sk;
};

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
	unsigned long *open_fds;  /* bit per fd */
};

struct files_struct {
	struct fdtable *fdt;
};

#pragma clang attribute pop

#endif /* COMPENDIUM_VMLINUX_H */

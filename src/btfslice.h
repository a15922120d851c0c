/* btfslice.h - the part of the kernel's BTF a BPF object's CO-RE
 * relocations read, as a BTF of its own.
 *
 * libbpf looks for each relocated type by scanning every type of the BTF it
 * relocates against (about a millisecond per type on the kernel's 125,000);
 * against a slice holding only the kernel types named as the object's own
 * types are, the relocations come out the same and cost almost nothing.
 * Used only by the BPF loaders (src/ebpf*.c); nothing here prints.
 */
#ifndef COMPENDIUM_BTFSLICE_H
#define COMPENDIUM_BTFSLICE_H

struct btf;
struct kbtf;

/* A new BTF with every type of kernel whose name, without a ___flavour
 * suffix, is the name (so cut) of a type of one of the nlocal BTFs in
 * local, and every type those hold by value: members, array elements,
 * typedefs and modifiers, whole.  A pointer keeps its kind but points to
 * void (field relocations look no further).  kernel is read in place
 * (src/kbtf.h).  NULL with errno on failure, EINVAL too for a type
 * libbpf's writer would not make byte for byte as the kernel has it. */
struct btf *btfslice_new(const struct kbtf *kernel, const struct btf *const *local, int nlocal);
/* Write btf's raw form to fd (from its start): 0, or -errno. */
int btfslice_write(const struct btf *btf, int fd);
#endif

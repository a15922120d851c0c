/* stackkeep.c - the stacks of stored events (see stackkeep.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "stackkeep.h"
#include "util.h"

struct stackkeep {
	struct imap by_idx;   /* event index -> copy of its REC_STACK payload */
};

struct stackkeep *stackkeep_new(void)
{
	return xcalloc(1, sizeof(struct stackkeep));
}

void stackkeep_free(struct stackkeep *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->by_idx.cap; i++)
		free(k->by_idx.vals[i]);
	imap_release(&k->by_idx);
	free(k);
}

void stackkeep_reset(struct stackkeep *k)
{
	for (size_t i = 0; i < k->by_idx.cap; i++)
		free(k->by_idx.vals[i]);
	imap_release(&k->by_idx);
	memset(k, 0, sizeof(*k));
}

void stackkeep_put(struct stackkeep *k, size_t idx, const struct rec_stack *st)
{
	size_t n = sizeof(*st) + (size_t)st->nframes * sizeof(struct rec_frame) + st->mods_len;
	void *copy = xmalloc(n);

	memcpy(copy, st, n);
	free(imap_del(&k->by_idx, idx));
	imap_put(&k->by_idx, idx, copy);
}

const struct rec_stack *stackkeep_get(const struct stackkeep *k, size_t idx)
{
	return imap_get(&k->by_idx, idx);
}

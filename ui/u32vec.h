/* u32vec.h - a growable array of 32-bit store indices (views' index lists).
 *
 * Used for the filtered index and the per-lane indices, so a million shown
 * events cost 4 bytes each.  It never shrinks on its own and never returns
 * on allocation failure (util.h aborts).
 */
#ifndef COMPENDIUM_UI_U32VEC_H
#define COMPENDIUM_UI_U32VEC_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util.h"

struct u32vec {
	uint32_t *v;
	size_t n, cap;
};

/* Append x. */
static inline void u32vec_push(struct u32vec *a, uint32_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap + a->cap / 2 : 64;   /* 1.5x: at most 6 B per index */
		a->v = xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

/* Free the memory and leave the vector empty. */
static inline void u32vec_release(struct u32vec *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* Position of the first element >= x (the vector is ascending). */
static inline size_t u32vec_lower_bound(const struct u32vec *a, size_t x)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
#endif

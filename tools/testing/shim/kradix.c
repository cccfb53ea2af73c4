// SPDX-License-Identifier: GPL-2.0
/*
 * The XArray of linux/xarray.h, for the shim: a radix tree of slots. Nodes
 * are kept until xa_destroy() (lockless readers may be in them), but each
 * counts the entries below it, so that finds step over emptied subtrees as
 * the kernel's, which frees them, does.
 */
#include "linux/xarray.h"

#define XR_SHIFT	6
#define XR_LEVELS	6	/* 36 bits of index */
#define XR_ARY		(1UL << XR_SHIFT)

struct xr_node {
	long entries;		/* in the subtree */
	void *slot[XR_ARY];
};

int kshim_xa_fail;
long kshim_xa_entries;

static unsigned int xr_shift(int level)
{
	return XR_SHIFT * level;
}

void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	spin_lock_init(&xa->xa_lock);
	xa->root = NULL;
}

/*
 * The slot of @index, its nodes made if @make (else NULL when one is
 * missing); the nodes on the way in @path (root first).
 */
static void **xr_slot(struct xarray *xa, unsigned long index, bool make,
		      struct xr_node **path)
{
	void **slot = &xa->root;
	int level;

	if (index >> xr_shift(XR_LEVELS))
		return NULL;
	for (level = XR_LEVELS - 1; level >= 0; level--) {
		struct xr_node *node = __atomic_load_n(slot, __ATOMIC_ACQUIRE), *old = NULL;

		if (!node) {
			struct xr_node *new;

			if (!make)
				return NULL;
			new = calloc(1, sizeof(*new));
			if (!new)
				return NULL;
			if (__atomic_compare_exchange_n((struct xr_node **)slot, &old, new, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				node = new;
			} else {
				free(new);
				node = old;
			}
		}
		if (path)
			path[XR_LEVELS - 1 - level] = node;
		slot = &node->slot[(index >> xr_shift(level)) & (XR_ARY - 1)];
	}
	return slot;
}

static void xr_count(struct xr_node **path, long delta)
{
	int i;

	for (i = 0; i < XR_LEVELS; i++)
		__atomic_add_fetch(&path[i]->entries, delta, __ATOMIC_RELAXED);
	__atomic_add_fetch(&kshim_xa_entries, delta, __ATOMIC_RELAXED);
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	void **slot = xr_slot(xa, index, false, NULL);

	return slot ? __atomic_load_n(slot, __ATOMIC_ACQUIRE) : NULL;
}

bool xas_nomem(struct xa_state *xas, gfp_t gfp)
{
	kshim_gfp_check(gfp);
#if KSHIM_THREADS
	/* kbuddy makes leaves only with its pool's lock dropped. */
	if (in_atomic())
		kshim_bug(__FILE__, __LINE__, "xas_nomem() in atomic context");
#endif
	return false;
}

void *kshim_xa_store_locked(struct xarray *xa, unsigned long index, void *entry)
{
	struct xr_node *path[XR_LEVELS];
	void **slot = xr_slot(xa, index, entry != NULL, path);
	void *old;

	if (!slot)
		return NULL;
	old = *slot;
	__atomic_store_n(slot, entry, __ATOMIC_RELEASE);
	if ((entry != NULL) != (old != NULL))
		xr_count(path, entry ? 1 : -1);
	return old;
}

static void *xr_find(struct xr_node *node, int level, unsigned long base,
		     unsigned long *index, unsigned long max)
{
	unsigned long i, span = 1UL << xr_shift(level);

	for (i = *index > base ? (*index - base) / span : 0; i < XR_ARY; i++) {
		void *child = __atomic_load_n(&node->slot[i], __ATOMIC_ACQUIRE);
		unsigned long start = base + i * span;

		if (start > max)
			return NULL;
		if (!child)
			continue;
		if (level == 0) {
			*index = start;
			return child;
		}
		if (!__atomic_load_n(&((struct xr_node *)child)->entries, __ATOMIC_RELAXED))
			continue;
		if (*index < start)
			*index = start;
		child = xr_find(child, level - 1, start, index, max);
		if (child)
			return child;
	}
	return NULL;
}

void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max,
	      unsigned int filter)
{
	struct xr_node *root = __atomic_load_n(&xa->root, __ATOMIC_ACQUIRE);
	unsigned long i = *index;
	void *entry;

	if (!root || i >> xr_shift(XR_LEVELS) || i > max)
		return NULL;
	entry = xr_find(root, XR_LEVELS - 1, 0, &i, max);
	if (entry)
		*index = i;
	return entry;
}

static void xr_free(struct xr_node *node, int level)
{
	unsigned long i;

	for (i = 0; i < XR_ARY; i++) {
		if (!node->slot[i])
			continue;
		if (level > 0)
			xr_free(node->slot[i], level - 1);
		else
			__atomic_sub_fetch(&kshim_xa_entries, 1, __ATOMIC_RELAXED);
	}
	free(node);
}

void xa_destroy(struct xarray *xa)
{
	if (xa->root)
		xr_free(xa->root, XR_LEVELS - 1);
	xa->root = NULL;
}

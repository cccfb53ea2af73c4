// SPDX-License-Identifier: GPL-2.0
/* The generic radix tree of linux/generic-radix-tree.h, for the shim. */
#include "linux/generic-radix-tree.h"

/* Nodes of 512 bytes, as the kernel's since 6.10 (GENRADIX_NODE_SHIFT). */
#define GR_LEAF_SHIFT	9
#define GR_ARY_SHIFT	6
#define GR_LEVELS	6	/* interior levels above the leaves: 45 bits */
#define GR_ARY		(1UL << GR_ARY_SHIFT)

int kshim_genradix_fail;
unsigned long kshim_genradix_leaves;

static size_t gr_shift(int level)	/* level GR_LEVELS - 1 is the root */
{
	return GR_LEAF_SHIFT + GR_ARY_SHIFT * level;
}

void *__genradix_ptr(struct __genradix *radix, size_t offset)
{
	void **node = __atomic_load_n(&radix->root, __ATOMIC_ACQUIRE);
	int level;

	if (offset >> gr_shift(GR_LEVELS))
		return NULL;
	for (level = GR_LEVELS - 1; node && level >= 0; level--)
		node = __atomic_load_n(&node[(offset >> gr_shift(level)) & (GR_ARY - 1)],
				       __ATOMIC_ACQUIRE);
	return node ? (char *)node + (offset & ((1UL << GR_LEAF_SHIFT) - 1)) : NULL;
}

static void *gr_install(void **slot, bool leaf)
{
	void *old = __atomic_load_n(slot, __ATOMIC_ACQUIRE), *new;

	if (old)
		return old;
	if (__atomic_load_n(&kshim_genradix_fail, __ATOMIC_RELAXED) > 0 &&
	    __atomic_sub_fetch(&kshim_genradix_fail, 1, __ATOMIC_RELAXED) >= 0)
		return NULL;
	new = calloc(1, leaf ? 1UL << GR_LEAF_SHIFT : GR_ARY * sizeof(void *));
	if (!new)
		return NULL;
	if (__atomic_compare_exchange_n(slot, &old, new, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		if (leaf)
			__atomic_add_fetch(&kshim_genradix_leaves, 1, __ATOMIC_RELAXED);
		return new;
	}
	free(new);
	return old;
}

void *__genradix_ptr_alloc(struct __genradix *radix, size_t offset, gfp_t gfp)
{
	void **slot = &radix->root, **node;
	int level;

	kshim_gfp_check(gfp);
#if KSHIM_THREADS
	/* kbuddy makes leaves only with its pool's lock dropped. */
	if (in_atomic())
		kshim_bug(__FILE__, __LINE__, "radix tree leaf allocated in atomic context");
#endif
	if (offset >> gr_shift(GR_LEVELS))
		return NULL;
	for (level = GR_LEVELS - 1; level >= -1; level--) {
		node = gr_install(slot, level < 0);
		if (!node)
			return NULL;
		if (level < 0)
			return (char *)node + (offset & ((1UL << GR_LEAF_SHIFT) - 1));
		slot = &node[(offset >> gr_shift(level)) & (GR_ARY - 1)];
	}
	return NULL;
}

static size_t gr_next(void **node, int level, size_t base, size_t offset)
{
	size_t i, span = 1UL << gr_shift(level), r;

	for (i = offset > base ? (offset - base) / span : 0; i < GR_ARY; i++) {
		void **child = __atomic_load_n(&node[i], __ATOMIC_ACQUIRE);
		size_t start = base + i * span;

		if (!child)
			continue;
		if (level == 0)
			return offset > start ? offset : start;
		r = gr_next(child, level - 1, start, offset > start ? offset : start);
		if (r != (size_t)-1)
			return r;
	}
	return (size_t)-1;
}

size_t __genradix_next(struct __genradix *radix, size_t offset)
{
	void **root = __atomic_load_n(&radix->root, __ATOMIC_ACQUIRE);

	if (!root || offset >> gr_shift(GR_LEVELS))
		return (size_t)-1;
	return gr_next(root, GR_LEVELS - 1, 0, offset);
}

static void gr_free(void **node, int level)
{
	size_t i;

	if (level >= 0)
		for (i = 0; i < GR_ARY; i++)
			if (node[i])
				gr_free(node[i], level - 1);
	if (level < 0)
		__atomic_sub_fetch(&kshim_genradix_leaves, 1, __ATOMIC_RELAXED);
	free(node);
}

void __genradix_free(struct __genradix *radix)
{
	if (radix->root)
		gr_free(radix->root, GR_LEVELS - 1);
	radix->root = NULL;
}

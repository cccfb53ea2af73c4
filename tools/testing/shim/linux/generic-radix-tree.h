/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's generic radix tree (lib/generic-radix-tree.c), as far as
 * kernel/ uses it: a sparse array of fixed-size objects in zeroed leaves,
 * lookups without a lock, leaves installed with a release cmpxchg and
 * freed only with the whole tree. Here: six levels of 64 pointers over
 * 512-byte leaves (45 bits of byte offset), the node size of the kernel's
 * since 6.10, built on the same contract; see kradix.c.
 * kshim_genradix_fail makes the next allocations fail.
 */
#ifndef _KSHIM_GENRADIX_H
#define _KSHIM_GENRADIX_H

#include "../kshim.h"

struct __genradix {
	void *root;
};

#define GENRADIX(_type)					\
struct {						\
	union {						\
		struct __genradix	tree;		\
		_type			*type[0];	\
	};						\
}

#define genradix_init(_radix)	((_radix)->tree.root = NULL)
#define genradix_free(_radix)	__genradix_free(&(_radix)->tree)

#define __genradix_objsize(_radix)	sizeof((_radix)->type[0][0])
#define __genradix_cast(_radix)		(typeof((_radix)->type[0]))

void *__genradix_ptr(struct __genradix *radix, size_t offset);
void *__genradix_ptr_alloc(struct __genradix *radix, size_t offset, gfp_t gfp);
void __genradix_free(struct __genradix *radix);
/* The first byte offset at or after @offset in a leaf that exists, or -1. */
size_t __genradix_next(struct __genradix *radix, size_t offset);
extern int kshim_genradix_fail;
extern unsigned long kshim_genradix_leaves;

#define genradix_ptr(_radix, _idx)					\
	(__genradix_cast(_radix)					\
	 __genradix_ptr(&(_radix)->tree, (size_t)(_idx) * __genradix_objsize(_radix)))

#define genradix_ptr_alloc(_radix, _idx, _gfp)				\
	(__genradix_cast(_radix)					\
	 __genradix_ptr_alloc(&(_radix)->tree,				\
			      (size_t)(_idx) * __genradix_objsize(_radix), _gfp))

struct genradix_iter {
	size_t offset;
	size_t pos;
};

#define genradix_iter_init(_radix, _idx)				\
	((struct genradix_iter) {					\
		.pos	= (_idx),					\
		.offset	= (size_t)(_idx) * __genradix_objsize(_radix),	\
	})

#define genradix_iter_peek(_iter, _radix)				\
	(__genradix_cast(_radix)					\
	 __genradix_iter_peek(_iter, &(_radix)->tree, __genradix_objsize(_radix)))

static inline void *__genradix_iter_peek(struct genradix_iter *iter,
					 struct __genradix *radix, size_t objsize)
{
	size_t next = __genradix_next(radix, iter->offset);

	if (next == (size_t)-1)
		return NULL;
	if (next != iter->offset) {
		iter->offset = next;
		iter->pos = next / objsize;
	}
	return __genradix_ptr(radix, iter->offset);
}

#define genradix_iter_advance(_iter, _radix)				\
	((_iter)->offset += __genradix_objsize(_radix), (_iter)->pos++)

#define genradix_for_each(_radix, _iter, _p)				\
	for (_iter = genradix_iter_init(_radix, 0);			\
	     (_p = genradix_iter_peek(&_iter, _radix)) != NULL;		\
	     genradix_iter_advance(&_iter, _radix))

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - kmemleak told about what kbuddy hands out and takes back.
 *
 * With CONFIG_DEBUG_KMEMLEAK (the debug kernel; not Debian's), every block
 * of kbuddy_alloc_pages() and kbuddy_malloc() and every object of a cache
 * becomes a kmemleak object when it is handed out, with its allocating
 * stack, and stops being one when a free has claimed it (before anyone else
 * can have it again). kmemleak then scans them and reports one a driver
 * lost its last pointer to, as it does for kmalloc(); blocks a pool or an
 * unload leaves behind are reported too, once nothing points to them. Blocks and objects in
 * memory the caller gave with kbuddy_pool_add_mem() are left out: that
 * memory may itself be a kmemleak object (vmalloc, kmalloc), which a block
 * inside it cannot be. Without kmemleak every call here is an empty inline.
 */
#ifndef _KBUDDY_LEAK_H
#define _KBUDDY_LEAK_H

#include <linux/kmemleak.h>
#include <linux/string.h>

#include "internal.h"

/* Whether kmemleak may be told about @addr, which lies in @pool. */
static inline bool kbuddy_leak_tracks(struct kbuddy_pool *pool,
				      const void *addr)
{
	struct kbuddy_region *r;

	if (!IS_ENABLED(CONFIG_DEBUG_KMEMLEAK) || ZERO_OR_NULL_PTR(addr))
		return false;
	r = kbuddy_find_region(pool, addr);
	return r && r->kind != KBUDDY_REGION_MEM;
}

/* @addr, @size bytes of @pool, was just handed out. */
static __always_inline void kbuddy_leak_alloc(struct kbuddy_pool *pool,
					      const void *addr, size_t size,
					      gfp_t gfp)
{
	if (kbuddy_leak_tracks(pool, addr))
		kmemleak_alloc(addr, size, 1, gfp);
}

/* A free claimed @addr: nobody else can have it yet. */
static __always_inline void kbuddy_leak_free(struct kbuddy_pool *pool,
					     const void *addr)
{
	if (kbuddy_leak_tracks(pool, addr))
		kmemleak_free(addr);
}

/*
 * A slot of a per-CPU cache or magazine that no longer holds a block or
 * object: cleared where kmemleak scans it, or its stale address would keep
 * a block handed out since then "referenced" (a lost buffer never reported).
 */
static __always_inline void kbuddy_leak_clear(void *slot, size_t size)
{
	if (IS_ENABLED(CONFIG_DEBUG_KMEMLEAK))
		memset(slot, 0, size);
}

/*
 * A magazine slot a lockless pop (magazine.h) took @obj from: cleared as
 * kbuddy_leak_clear() does, but only if it still holds @obj - an interrupt
 * on this CPU may already have pushed another object into it.
 */
static __always_inline void kbuddy_leak_forget_round(struct kbuddy_round *r,
						     void *obj)
{
	if (IS_ENABLED(CONFIG_DEBUG_KMEMLEAK))
		cmpxchg(&r->obj, obj, NULL);
}

/* The same for a slot of a CPU's page cache (pcp.c) that held @addr. */
static __always_inline void kbuddy_leak_forget_pcp(struct kbuddy_pcp_block *b,
						   void *addr)
{
	if (IS_ENABLED(CONFIG_DEBUG_KMEMLEAK))
		cmpxchg(&b->addr, addr, NULL);
}

#endif /* _KBUDDY_LEAK_H */

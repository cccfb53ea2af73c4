// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - the malloc family over a pool.
 *
 * Requests up to PAGE_SIZE go to power-of-two size classes (8 .. 4096,
 * with 96 and 192 as the kernel has), each a slab cache, so that a page-sized
 * request is served from a CPU's magazine as SLUB serves it from kmalloc-4k;
 * larger ones take a whole buddy block tagged KBUDDY_KIND_LARGE, as ptmalloc
 * sends large requests to mmap. Semantics follow kmalloc/kfree/krealloc.
 *
 * This file owns the whole family. kbuddy_free() reads the tag of the
 * pointer's page once and goes straight to the object free (a slab) or to
 * the whole-block free of the page layer, which claims the block from
 * exactly "malloc block of this order": a malloc block never passes through
 * the public page interface, so it never reads as a plain page block.
 */

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "histogram.h"
#include "internal.h"
#include "leak.h"
#include "magazine.h"
#include "report.h"

#define KBUDDY_KMALLOC_MAX_CACHE_SIZE	PAGE_SIZE

/* The size of class @i, smallest first. */
static unsigned int class_size(unsigned int i)
{
	static const unsigned int small[] = { 8, 16, 32, 64, 96, 128, 192 };

	if (i < ARRAY_SIZE(small))
		return small[i];
	return 256U << (i - ARRAY_SIZE(small));
}

/* The class of sizes 1 .. 192 by (size - 1) / 8, as SLUB's size_index. */
static const u8 small_class[24] = {
	0, 1, 2, 2, 3, 3, 3, 3,		/* 8, 16, 32, 64 */
	4, 4, 4, 4, 5, 5, 5, 5,		/* 96, 128 */
	6, 6, 6, 6, 6, 6, 6, 6,		/* 192 */
};

/* The smallest class for @size, 1 .. KBUDDY_KMALLOC_MAX_CACHE_SIZE. */
static inline unsigned int class_index(size_t size)
{
	if (likely(size <= 192))
		return small_class[(size - 1) / 8];
	return fls(size - 1) - 1;
}

static_assert(KBUDDY_NR_KMALLOC == 12 || PAGE_SIZE != 4096);

/**
 * kbuddy_kmalloc_init() - create a pool's size-class caches
 * @pool: the new pool
 *
 * Context: Process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kbuddy_kmalloc_init(struct kbuddy_pool *pool)
{
	char name[KBUDDY_NAME_LEN + 1];
	unsigned int i;

	for (i = 0; i < KBUDDY_NR_KMALLOC; i++) {
		unsigned int size = class_size(i);
		struct kbuddy_cache *c;

		snprintf(name, sizeof(name), "kmalloc-%u", size);
		/* Natural alignment: the largest power of two dividing size. */
		c = kbuddy_cache_create_flags(pool, name, size, size & -size,
					      KBUDDY_CACHE_KMALLOC, NULL);
		if (IS_ERR(c)) {
			kbuddy_kmalloc_fini(pool);
			return PTR_ERR(c);
		}
		pool->kmalloc[i] = c;
	}
	return 0;
}

/**
 * kbuddy_kmalloc_fini() - destroy a pool's size-class caches
 * @pool: the pool being destroyed
 *
 * Context: Process context; may sleep.
 */
void kbuddy_kmalloc_fini(struct kbuddy_pool *pool)
{
	unsigned int i;

	for (i = 0; i < KBUDDY_NR_KMALLOC; i++) {
		if (pool->kmalloc[i])
			kbuddy_cache_destroy_forced(pool->kmalloc[i]);
		pool->kmalloc[i] = NULL;
	}
}

/* Say why a pool without size classes refuses the malloc family. */
static noinline void *kbuddy_malloc_refused(struct kbuddy_pool *pool, const char *what)
{
	if (pool->kind == KBUDDY_POOL_RAM)
		pr_err_ratelimited("pool %s: %s() refused: the pool's memory is write-combined (KBUDDY_POOL_WC); allocate blocks with kbuddy_alloc_pages() or runs with kbuddy_alloc_contig()\n",
				   pool->name, what);
	return kbuddy_unmapped_refused(pool, what);
}

/*
 * kbuddy_malloc() but for its fast path: the refusals, size 0, fault
 * injection, whole blocks; @caller for the debug checks' owner record.
 */
static noinline void *malloc_slow(struct kbuddy_pool *pool, size_t size,
				  gfp_t gfp, unsigned long caller)
{
	struct kbuddy_cache *c;
	unsigned int order;
	void *p;

	/* Not a RAM pool, or a write-combined one. */
	if (unlikely(!pool->page_orders || pool->wc))
		return kbuddy_malloc_refused(pool, "kbuddy_malloc");
	if (!size)
		return ZERO_SIZE_PTR;
	if (kbuddy_should_fail(&pool->fault, KBUDDY_FAULT_MALLOC, size))
		return NULL;
	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: allocation from atomic context on PREEMPT_RT\n"))
		return NULL;
	if (size <= KBUDDY_KMALLOC_MAX_CACHE_SIZE) {
		c = pool->kmalloc[class_index(size)];
		/* Only a pool made without them (the userspace harness's). */
		if (unlikely(!c))
			return NULL;
		kbuddy_hist_size(pool, class_index(size));
		p = kbuddy_obj_alloc(c, gfp, caller);
		kbuddy_leak_alloc(pool, p, c->object_size, gfp);
		return p;
	}
	if (size > PAGE_SIZE << (pool->max_order - 1))
		return NULL;
	kbuddy_hist_size(pool, KBUDDY_HIST_LARGE);
	order = get_order(size);
	p = kbuddy_alloc_kind(pool, order, gfp, KBUDDY_KIND_LARGE);
	kbuddy_leak_alloc(pool, p, PAGE_SIZE << order, gfp);
	kbuddy_debug_block_alloc(pool, p, caller);
	kbuddy_large_red_zone_init(pool, p, size);
	return p;
}

/**
 * kbuddy_malloc() - allocate memory from a pool
 * @pool: the pool
 * @size: bytes
 * @gfp: allocation flags; __GFP_ZERO zeroes the memory
 *
 * Up to PAGE_SIZE bytes come from a size class and are aligned to the
 * largest power of two dividing the class size (so naturally for
 * power-of-two sizes, at least 8); larger requests get a whole buddy block,
 * aligned to its size.
 *
 * Context: As kbuddy_alloc_pages(), with a gfp that does not sleep where
 * sleeping is not allowed.
 * Return: the memory; ZERO_SIZE_PTR for @size 0 (kbuddy_free() takes it);
 * NULL if there is no memory or @size exceeds the pool's largest block.
 */
void *kbuddy_malloc(struct kbuddy_pool *pool, size_t size, gfp_t gfp)
{
	struct kbuddy_cache *c;
	void *p;

	/*
	 * The fast path: a size class, straight through. kbuddy_pool_create()
	 * gives every RAM pool that is not write-combined its size classes,
	 * and no other pool any, so a pool that malloc_slow() refuses has a
	 * NULL class; size 0, an armed fault site and a refused context go
	 * there too.
	 */
	if (likely(size - 1 < KBUDDY_KMALLOC_MAX_CACHE_SIZE)) {
		c = pool->kmalloc[class_index(size)];
		if (likely(c) && !static_branch_unlikely(&kbuddy_fault_key) &&
		    !kbuddy_context_refused()) {
			kbuddy_hist_size(pool, class_index(size));
			p = kbuddy_obj_alloc(c, gfp, _RET_IP_);
			kbuddy_leak_alloc(pool, p, c->object_size, gfp);
			return p;
		}
	}
	return malloc_slow(pool, size, gfp, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kbuddy_malloc);

/**
 * kbuddy_calloc() - allocate a zeroed array
 * @pool: the pool
 * @n: number of elements
 * @size: bytes per element
 * @gfp: allocation flags
 *
 * Context: As kbuddy_malloc().
 * Return: the zeroed memory, ZERO_SIZE_PTR if it is empty, or NULL if
 * @n * @size overflows or there is no memory.
 */
void *kbuddy_calloc(struct kbuddy_pool *pool, size_t n, size_t size,
		    gfp_t gfp)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kbuddy_malloc(pool, bytes, gfp | __GFP_ZERO);
}
EXPORT_SYMBOL_GPL(kbuddy_calloc);

/*
 * Not an object of a slab: a whole block, or nothing of ours. The order
 * read here only picks the claim; kbuddy_free_kind() claims from exactly
 * "malloc block of this order" and refuses anything else with the pool
 * unchanged.
 */
static noinline int free_block(struct kbuddy_pool *pool, const void *ptr,
			       unsigned long caller)
{
	int order = kbuddy_block_order(pool, ptr, KBUDDY_KIND_LARGE);

	kbuddy_race_hook("large_free_claim");
	return kbuddy_free_kind(pool, (void *)ptr, order < 0 ? 0 : order,
				KBUDDY_KIND_LARGE, caller);
}

/*
 * The one free of the family: one lookup of the page's tag picks the object
 * free (a slab of a size class) or the whole-block free; each claims what it
 * frees from its exact state, so a stale tag read here decides nothing.
 * Inline: kbuddy_free() of a small object is one function.
 */
static __always_inline int free_caller(struct kbuddy_pool *pool,
				       const void *ptr, unsigned long caller)
{
	unsigned long tag;
	int ret;

	if (ZERO_OR_NULL_PTR(ptr))
		return 0;
	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: free from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	kbuddy_lookup_begin();
	tag = kbuddy_tag_of(pool, ptr);
	if (kbuddy_tag_is_slab(tag)) {
		struct kbuddy_slab *slab = (struct kbuddy_slab *)tag;
		struct kbuddy_cache *c = slab->cache;

		kbuddy_race_hook("obj_lookup");
		if (likely(c->flags & KBUDDY_CACHE_KMALLOC))
			ret = kbuddy_obj_free(c, slab, (void *)ptr, caller);
		else
			ret = kbuddy_cache_refuse_free(c, ptr,
						       KBUDDY_CACHE_BAD_FREE_WRONG_CACHE,
						       caller);
		kbuddy_lookup_end();
		return ret;
	}
	kbuddy_lookup_end();
	return free_block(pool, ptr, caller);
}

/**
 * kbuddy_free() - free memory from kbuddy_malloc() and friends
 * @pool: the pool it came from
 * @ptr: the memory; NULL and ZERO_SIZE_PTR are ignored
 *
 * A pointer the malloc family of @pool did not hand out, or already freed,
 * is refused and reported as kbuddy_cache_free() and kbuddy_free_pages() do.
 *
 * Context: As kbuddy_alloc_pages().
 * Return: 0, or -EINVAL for a refused free.
 */
int kbuddy_free(struct kbuddy_pool *pool, const void *ptr)
{
	return free_caller(pool, ptr, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kbuddy_free);

/**
 * kbuddy_ksize() - usable size of memory from kbuddy_malloc()
 * @pool: the pool
 * @ptr: the memory
 *
 * Context: Any context.
 * Return: the bytes usable at @ptr (the size class, or the whole block;
 * in a pool with red zones, debug=Z, the bytes a whole block was asked
 * for, the rest being its red zone), 0
 * for NULL, ZERO_SIZE_PTR or a pointer the malloc family did not hand out.
 */
size_t kbuddy_ksize(struct kbuddy_pool *pool, const void *ptr)
{
	struct kbuddy_cache *c;
	size_t size = 0;
	int order;

	if (ZERO_OR_NULL_PTR(ptr))
		return 0;
	/* The cache may be destroyed meanwhile: read it under RCU. */
	rcu_read_lock();
	c = kbuddy_obj_cache(pool, ptr);
	if (c && (c->flags & KBUDDY_CACHE_KMALLOC))
		size = c->object_size;
	rcu_read_unlock();
	if (c)
		return size;
	order = kbuddy_block_order(pool, ptr, KBUDDY_KIND_LARGE);
	if (order < 0)
		return 0;
	/* With a red zone, the bytes asked for. */
	if (kbuddy_large_red_zones(pool))
		return kbuddy_debug_large_size(pool, ptr, order);
	return PAGE_SIZE << order;
}
EXPORT_SYMBOL_GPL(kbuddy_ksize);

/* Report a refused realloc; no counter: its free, if any, counted already. */
static void refuse_realloc(struct kbuddy_pool *pool, const void *ptr,
			   const char *reason, unsigned long caller)
{
	kbuddy_refuse(&(struct kbuddy_refusal){
		.pool = pool, .what = "realloc", .addr = ptr, .order = -1,
		.reason = reason, .caller = caller,
	});
}

/**
 * kbuddy_realloc() - resize memory from kbuddy_malloc()
 * @pool: the pool
 * @ptr: the memory, or NULL (or ZERO_SIZE_PTR) to allocate
 * @size: the new size; 0 frees @ptr and returns ZERO_SIZE_PTR
 * @gfp: allocation flags; with __GFP_ZERO, memory past @size is zeroed (for
 *	this to hold, every call for the same memory must pass it)
 *
 * Works in place whenever it can: if @size still fits, @ptr is returned; a
 * whole block that shrinks is split and its tail freed; a whole block that
 * grows takes its free buddies (in a pool with red zones, debug=Z, a whole
 * block that changes order moves instead, so that its free checks its red
 * zone). Otherwise the data moves to a new allocation and @ptr is freed.
 * Each of these claims @ptr from the state it was seen in, so two racing
 * reallocs or frees of one pointer never both succeed; the loser gets NULL.
 * (A realloc that returns @ptr unchanged claims nothing: like krealloc(),
 * it cannot detect a free racing with it.)
 *
 * Context: As kbuddy_malloc().
 * Return: the memory, ZERO_SIZE_PTR for @size 0, or NULL if there is no
 * memory (then @ptr is untouched) or @ptr was not handed out by the pool's
 * malloc family (reported).
 */
void *kbuddy_realloc(struct kbuddy_pool *pool, void *ptr, size_t size,
		     gfp_t gfp)
{
	bool zone;
	size_t ks;
	int order;
	void *p;

	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: realloc from atomic context on PREEMPT_RT\n"))
		return NULL;
	if (ZERO_OR_NULL_PTR(ptr))
		return kbuddy_malloc(pool, size, gfp);
	if (!size) {
		/* A refused free (reported) is no free: say so. */
		if (free_caller(pool, ptr, _RET_IP_))
			return NULL;
		return ZERO_SIZE_PTR;
	}
	/*
	 * A whole block or an object, by kind, not by size: a block shrunk in
	 * place to one page has the size of the largest class. What is read
	 * here only picks the path; each path claims from the exact state it
	 * read, so a racing call makes it refuse, never both succeed.
	 */
	order = kbuddy_block_order(pool, ptr, KBUDDY_KIND_LARGE);
	ks = order >= 0 ? PAGE_SIZE << order : kbuddy_ksize(pool, ptr);
	zone = order >= 0 && kbuddy_large_red_zones(pool);
	if (zone)
		ks = kbuddy_debug_large_size(pool, ptr, order);
	kbuddy_race_hook("realloc_after_ksize");
	if (!ks) {
		refuse_realloc(pool, ptr, "not from kbuddy_malloc()", _RET_IP_);
		return NULL;
	}
	/* Growing may fail for want of memory, @ptr untouched: so may a fault. */
	if (size > ks && kbuddy_should_fail(&pool->fault, KBUDDY_FAULT_REALLOC, size))
		return NULL;
	if (order >= 0) {
		/* A whole block: split it, or take its free buddies. */
		unsigned int new_order = get_order(size);
		int err = 0;

		/*
		 * With a red zone: a new zone in the same block, or a move
		 * (whose free checks the old zone), never a resize.
		 */
		if (zone && new_order == order) {
			kbuddy_debug_large_resize(pool, ptr, order, size, gfp);
			return ptr;
		}
		if (zone)
			err = -ENOMEM;
		else if (new_order != order)
			err = kbuddy_block_resize(pool, ptr, order, new_order);
		if (!err) {
			size_t now = PAGE_SIZE << new_order;
			size_t from = min(ks, size);

			/* kbuddy_block_resize() made kmemleak forget it. */
			if (new_order != order)
				kbuddy_leak_alloc(pool, ptr, now, gfp);

			if (gfp & __GFP_ZERO)
				memset(ptr + from, 0, now - from);
			return ptr;
		}
		/*
		 * -EINVAL: no longer the block ksize saw (freed or resized
		 * by a racing call). Refused, never moved.
		 */
		if (err != -ENOMEM)
			goto refused;
		p = kbuddy_malloc(pool, size, gfp);
		if (!p)
			return NULL;
		memcpy(p, ptr, min(ks, size));
		/* Claim exactly the block that was copied, or give up. */
		if (kbuddy_free_kind(pool, ptr, order, KBUDDY_KIND_LARGE, _RET_IP_))
			goto undo;
		return p;
	}
	/* Not a block a moment ago, a block now: a racing call. */
	if (ks > KBUDDY_KMALLOC_MAX_CACHE_SIZE)
		goto refused;
	if (size <= ks) {
		if (gfp & __GFP_ZERO)
			memset(ptr + size, 0, ks - size);
		return ptr;
	}
	p = kbuddy_malloc(pool, size, gfp);
	if (!p)
		return NULL;
	memcpy(p, ptr, ks);
	/* The object is claimed from "allocated": a racing free makes this fail. */
	if (free_caller(pool, ptr, _RET_IP_))
		goto undo;
	return p;

undo:
	free_caller(pool, p, _RET_IP_);
refused:
	refuse_realloc(pool, ptr, "freed or resized meanwhile", _RET_IP_);
	return NULL;
}
EXPORT_SYMBOL_GPL(kbuddy_realloc);

/**
 * kbuddy_reallocarray() - resize an array from kbuddy_malloc()
 * @pool: the pool
 * @ptr: the array, or NULL
 * @n: new number of elements
 * @size: bytes per element
 * @gfp: allocation flags
 *
 * Context: As kbuddy_malloc().
 * Return: as kbuddy_realloc(); NULL, with @ptr untouched, if @n * @size
 * overflows.
 */
void *kbuddy_reallocarray(struct kbuddy_pool *pool, void *ptr, size_t n,
			  size_t size, gfp_t gfp)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kbuddy_realloc(pool, ptr, bytes, gfp);
}
EXPORT_SYMBOL_GPL(kbuddy_reallocarray);

/**
 * kbuddy_kmalloc_shrink() - give the size classes' empty slabs back
 * @pool: the pool
 *
 * kbuddy_cache_shrink() on every size class of the malloc family, so that
 * the pages of objects freed through kbuddy_free() return to the free lists.
 *
 * Context: Process context; may sleep.
 * Return: the number of slabs freed.
 */
unsigned long kbuddy_kmalloc_shrink(struct kbuddy_pool *pool)
{
	unsigned long slabs = 0;
	unsigned int i;

	/*
	 * The size classes live as long as the pool: no list lock. A pool
	 * that is not KBUDDY_POOL_RAM has none.
	 */
	for (i = 0; i < KBUDDY_NR_KMALLOC && pool->kmalloc[i]; i++)
		slabs += kbuddy_cache_shrink(pool->kmalloc[i]);
	return slabs;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_kmalloc_shrink, KBUDDY_INTERNAL);

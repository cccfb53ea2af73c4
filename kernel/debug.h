/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - debug checks of slab objects and blocks (debug.c): poisoning of
 * free objects and free blocks, checked when they are handed out again; red
 * zones after objects, checked on free, when handed out and by validate;
 * owner tracking, the
 * stacks that allocated and freed each object (and, pool-wide, allocated
 * each block) in the stack depot. Included at the end of internal.h; off
 * unless a cache asks (KBUDDY_CACHE_POISON, KBUDDY_CACHE_RED_ZONE,
 * KBUDDY_CACHE_STORE_USER, or debug= letters for every cache and pool), and
 * a static branch while none does.
 */
#ifndef _KBUDDY_DEBUG_H
#define _KBUDDY_DEBUG_H

#include <linux/jump_label.h>
#include <linux/stackdepot.h>
#include <linux/string.h>

/* The byte a free object is filled with (the kernel's POISON_FREE). */
#define KBUDDY_POISON_FREE	0x6b
/* The byte of a red zone (the kernel's SLUB_RED_ACTIVE). */
#define KBUDDY_RED_ZONE		0xcc

/* The debug flags of a cache; every one of them turns kbuddy_debug_key on. */
#define KBUDDY_CACHE_DEBUG_FLAGS \
	(KBUDDY_CACHE_POISON | KBUDDY_CACHE_RED_ZONE | KBUDDY_CACHE_STORE_USER)

/* Frames kept of an owner's stack. */
#define KBUDDY_TRACK_DEPTH	16

/**
 * struct kbuddy_track - who allocated or freed an object or a block
 * @stack: the stack, in the stack depot; 0 if none was recorded (tracking
 *	off when it happened, or the depot had no memory)
 * @pid: the task it ran in (the interrupted one in an interrupt)
 * @cpu: the CPU
 * @order: a block's order (page and malloc blocks; 0 for objects)
 * @seq: a block's allocation number, pool-wide increasing (0 for objects),
 *	so that a poison report finds the newest block over a page
 */
struct kbuddy_track {
	depot_stack_handle_t stack;
	int pid;
	unsigned int cpu;
	unsigned int order;
	u64 seq;
};

/* The tracks of an object: slab->track[index * KBUDDY_NR_TRACKS + which]. */
enum kbuddy_track_which {
	KBUDDY_TRACK_ALLOC,
	KBUDDY_TRACK_FREE,
	KBUDDY_NR_TRACKS,
};

DECLARE_STATIC_KEY_FALSE(kbuddy_debug_key);
extern unsigned long kbuddy_debug_default;

int kbuddy_debug_parse(const char *letters, unsigned long *flags);
unsigned long kbuddy_debug_cache_flags(unsigned long flags,
				       void (*ctor)(void *obj));
void kbuddy_debug_cache_init(struct kbuddy_cache *c);
void kbuddy_debug_cache_fini(struct kbuddy_cache *c);
void kbuddy_debug_obj_alloc(struct kbuddy_cache *c, void *obj,
			    unsigned long caller);
void kbuddy_debug_obj_free(struct kbuddy_cache *c, void *obj,
			   unsigned long caller);
bool kbuddy_red_zone_check(struct kbuddy_cache *c, void *obj, bool locked);
int kbuddy_debug_pool_init(struct kbuddy_pool *pool);
void kbuddy_debug_pool_fini(struct kbuddy_pool *pool);
int kbuddy_debug_region_init(struct kbuddy_pool *pool, struct kbuddy_region *r);
void kbuddy_debug_region_fini(struct kbuddy_region *r);
void kbuddy_debug_block_track(struct kbuddy_pool *pool, void *addr,
			      unsigned long caller);
void kbuddy_debug_block_check(struct kbuddy_pool *pool, void *addr,
			      unsigned long from, unsigned long to,
			      unsigned int order);
void kbuddy_debug_large_alloc(struct kbuddy_pool *pool, void *addr,
			      size_t size);
size_t kbuddy_debug_large_size(struct kbuddy_pool *pool, const void *addr,
			       unsigned int order);
void kbuddy_debug_large_check(struct kbuddy_pool *pool, void *addr,
			      struct kbuddy_page *page, unsigned int order);
void kbuddy_debug_large_resize(struct kbuddy_pool *pool, void *addr,
			       unsigned int order, size_t size, gfp_t gfp);
void kbuddy_debug_report_track(kbuddy_report_fn report, void *ctx,
			       const char *what, const struct kbuddy_track *t);
void kbuddy_debug_obj_owner(struct kbuddy_cache *c, void *obj);
long kbuddy_owners_report(struct kbuddy_pool *pool, kbuddy_report_fn report,
			  void *ctx);

/* Whether @c has any debug check: one static branch while none has. */
static __always_inline bool kbuddy_debugs(const struct kbuddy_cache *c)
{
	return static_branch_unlikely(&kbuddy_debug_key) &&
	       (c->flags & KBUDDY_CACHE_DEBUG_FLAGS);
}

/* Whether @c poisons its free objects. */
static __always_inline bool kbuddy_poisons(const struct kbuddy_cache *c)
{
	return static_branch_unlikely(&kbuddy_debug_key) &&
	       (c->flags & KBUDDY_CACHE_POISON);
}

/* Whether @c has red zones; its layout says so, whatever the key. */
static inline bool kbuddy_red_zones(const struct kbuddy_cache *c)
{
	return c->flags & KBUDDY_CACHE_RED_ZONE;
}

/*
 * An object was freed (claimed by the caller): check it, poison it, record
 * who freed it. @caller: the return address into the caller of kbuddy's
 * interface (_RET_IP_ there), where a recorded stack starts.
 */
static __always_inline void kbuddy_debug_free(struct kbuddy_cache *c,
					      void *obj, unsigned long caller)
{
	if (kbuddy_debugs(c))
		kbuddy_debug_obj_free(c, obj, caller);
}

/* An object is handed out: check its poison and red zone, record who. */
static __always_inline void kbuddy_debug_alloc(struct kbuddy_cache *c,
					       void *obj, unsigned long caller)
{
	if (kbuddy_debugs(c) && obj)
		kbuddy_debug_obj_alloc(c, obj, caller);
}

/*
 * Whether @pool keeps its free memory poisoned (debug=P when it was
 * created): every block is filled with KBUDDY_POISON_FREE when it is freed
 * (kbuddy_block_free(), outside the pool's lock) and checked when it is
 * handed out again (kbuddy_block_checked()); the region's memory is
 * poisoned when it joins the pool.
 */
static __always_inline bool kbuddy_poisons_blocks(const struct kbuddy_pool *pool)
{
	return static_branch_unlikely(&kbuddy_debug_key) &&
	       (pool->debug & KBUDDY_CACHE_POISON);
}

/*
 * A block of @order at @addr (NULL: none) was taken from the free lists or
 * a CPU's cache by its new owner: check its poison, if the pool poisons.
 */
static __always_inline void kbuddy_block_checked(struct kbuddy_pool *pool,
						 void *addr, unsigned int order)
{
	if (kbuddy_poisons_blocks(pool) && addr)
		kbuddy_debug_block_check(pool, addr, 0, PAGE_SIZE << order,
					 order);
}

/*
 * Whether @pool's malloc whole blocks have red zones (debug=Z when it was
 * created): the bytes of the block past the size asked for are filled with
 * KBUDDY_RED_ZONE when it is handed out and checked when it is freed or
 * reallocated (kbuddy_debug_large_check()).
 */
static __always_inline bool kbuddy_large_red_zones(const struct kbuddy_pool *pool)
{
	return static_branch_unlikely(&kbuddy_debug_key) &&
	       (pool->debug & KBUDDY_CACHE_RED_ZONE);
}

/* A malloc whole block of @size bytes asked for was handed out at @addr. */
static __always_inline void kbuddy_large_red_zone_init(struct kbuddy_pool *pool,
						       void *addr, size_t size)
{
	if (kbuddy_large_red_zones(pool) && addr)
		kbuddy_debug_large_alloc(pool, addr, size);
}

/* A block was handed out by kbuddy_alloc_pages() or kbuddy_malloc(). */
static __always_inline void kbuddy_debug_block_alloc(struct kbuddy_pool *pool,
						     void *addr, unsigned long caller)
{
	if (static_branch_unlikely(&kbuddy_debug_key) &&
	    (pool->debug & KBUDDY_CACHE_STORE_USER) && addr)
		kbuddy_debug_block_track(pool, addr, caller);
}

/*
 * The leak report of a block still allocated at @pfn (buddy.c): who
 * allocated it, if the pool tracks owners and it is a page or malloc block.
 */
static inline void kbuddy_debug_block_owner(struct kbuddy_region *r,
					    unsigned long pfn, unsigned long tag,
					    kbuddy_report_fn report, void *ctx)
{
	unsigned int kind = kbuddy_tag_kind(tag);

	if (r->owner && report &&
	    (kind == KBUDDY_KIND_PAGES || kind == KBUDDY_KIND_LARGE))
		kbuddy_debug_report_track(report, ctx, "allocated",
					  &r->owner[pfn - r->base_pfn]);
}

/* A new slab's object: write its red zone. */
static inline void kbuddy_red_zone_init(const struct kbuddy_cache *c, void *obj)
{
	if (kbuddy_red_zones(c))
		memset(obj + c->object_size, KBUDDY_RED_ZONE,
		       c->offset - c->object_size);
}

#endif /* _KBUDDY_DEBUG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - structures shared by the files of kernel/. Not an interface for
 * other modules: they use kbuddy.h.
 */
#ifndef _KBUDDY_INTERNAL_H
#define _KBUDDY_INTERNAL_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/reciprocal_div.h>
#include <linux/spinlock.h>
#include <linux/stdarg.h>
#include <linux/types.h>

#include "kbuddy.h"

struct dentry;
struct page;
struct resource;

/* What a page descriptor says about its page. */
enum kbuddy_page_state {
	/* Not the head of a block: inside a block, whatever that block is. */
	KBUDDY_PAGE_NONE = 0,
	/* Head of a free block, linked on free_area[order].free_list. */
	KBUDDY_PAGE_FREE,
	/* Head of an allocated block. */
	KBUDDY_PAGE_ALLOC,
};

/**
 * struct kbuddy_page - descriptor of one page of a region
 * @lru: link on free_area[@order].free_list while @state is FREE
 * @order: order of the block this page heads (FREE and ALLOC only)
 * @state: an enum kbuddy_page_state
 * @owner: on every page of an allocated block: the slab it holds, or
 *	KBUDDY_OWNER_LARGE for a kbuddy_malloc() block; NULL for a
 *	kbuddy_alloc_pages() block and for free pages. Written under the pool's
 *	lock, read locklessly to find an object's slab.
 *
 * Descriptors live outside the managed memory, so a stray write into an
 * allocated block cannot corrupt the allocator. Only block heads carry a
 * state: a split sets the head of the upper half, a merge clears the head of
 * the absorbed buddy, so finding a block never scans its pages.
 * All fields are protected by the pool's lock.
 */
struct kbuddy_page {
	struct list_head lru;
	u8 order;
	u8 state;
	void *owner;
};

/* Size classes of the malloc family: 8 .. PAGE_SIZE / 2, with 96 and 192. */
#define KBUDDY_NR_KMALLOC	(PAGE_SHIFT - 3 + 2)

/* Owner of the blocks of the malloc family that bypass the slab caches. */
#define KBUDDY_OWNER_LARGE	((void *)1UL)
/* Owner of free blocks held in a CPU's page cache. */
#define KBUDDY_OWNER_PCP	((void *)2UL)
/* Is @owner a slab (rather than NULL or one of the markers above)? */
#define KBUDDY_OWNER_IS_SLAB(owner)	((unsigned long)(owner) > 2UL)

/* ==== Per-CPU page caches (pcp.c) ======================================== */

/* Orders 0 .. KBUDDY_PCP_ORDERS - 1 are cached per CPU, as the kernel's pcp. */
#define KBUDDY_PCP_ORDERS	4
/* Blocks a CPU keeps per order, and how many move to or from the pool at once. */
#define KBUDDY_PCP_HIGH		64
#define KBUDDY_PCP_BATCH	16

/* A cached block: its address and its head's descriptor. */
struct kbuddy_pcp_block {
	void *addr;
	struct kbuddy_page *page;
};

/* Per-CPU counters of the page caches; kbuddy_pcp_counter_names[] in pcp.c. */
enum kbuddy_pcp_counter {
	KBUDDY_PCP_HIT,		/* allocations served by the CPU's cache */
	KBUDDY_PCP_FREE,	/* frees taken by the CPU's cache */
	KBUDDY_PCP_REFILL,	/* batches taken from the pool */
	KBUDDY_PCP_DRAIN,	/* batches given back to the pool */
	KBUDDY_NR_PCP_COUNTERS,
};

extern const char *const kbuddy_pcp_counter_names[KBUDDY_NR_PCP_COUNTERS];

/**
 * struct kbuddy_pcp - one CPU's cache of free small blocks of a pool
 * @count: blocks held per order
 * @alloc: allocations served per order
 * @free: frees taken per order
 * @events: the enum kbuddy_pcp_counter counters
 * @block: the blocks, a stack per order
 *
 * Only its CPU touches it, with interrupts off; other CPUs reach it through
 * an IPI (validate) or when the CPU is offline (drain).
 */
struct kbuddy_pcp {
	unsigned int count[KBUDDY_PCP_ORDERS];
	unsigned long alloc[KBUDDY_PCP_ORDERS];
	unsigned long free[KBUDDY_PCP_ORDERS];
	unsigned long events[KBUDDY_NR_PCP_COUNTERS];
	struct kbuddy_pcp_block block[KBUDDY_PCP_ORDERS][KBUDDY_PCP_HIGH];
};

/* For kbuddy_free_owned(): whatever order the block has. */
#define KBUDDY_ANY_ORDER	(~0U)

/**
 * struct kbuddy_free_area - free blocks of one order in one region
 * @free_list: heads of the free blocks of this order
 * @nr_free: number of blocks on @free_list
 * @map: one bit per buddy pair (Linux 2.4): toggled whenever either buddy of
 *	the pair enters or leaves @free_list, so a set bit means exactly one of
 *	the two is free. NULL for the top order, whose blocks never merge.
 *
 * All fields are protected by the pool's lock.
 */
struct kbuddy_free_area {
	struct list_head free_list;
	unsigned long nr_free;
	unsigned long *map;
};

/* Where a region's memory came from, so destroy gives it back the same way. */
enum kbuddy_region_kind {
	KBUDDY_REGION_MEM,	/* the caller's memory: left to the caller */
	KBUDDY_REGION_PHYS,	/* claimed and memremap()ed by kbuddy */
	KBUDDY_REGION_PAGES,	/* taken from the kernel's page allocator */
};

/**
 * struct kbuddy_region - one physically contiguous range of a pool
 * @virt: kernel virtual address of the first byte
 * @phys: physical address of the first byte, page aligned
 * @nr_pages: pages in the region
 * @base_pfn: @phys >> PAGE_SHIFT; blocks are aligned in pfn space
 * @pages: @nr_pages descriptors, kvmalloc()ed
 * @free_area: pool->max_order free areas, kvmalloc()ed with their maps
 * @nr_free: free pages in the region
 * @kind: an enum kbuddy_region_kind
 * @res: the claimed resource (KBUDDY_REGION_PHYS)
 * @chunk: the pages taken from the kernel (KBUDDY_REGION_PAGES)
 * @chunk_order: order of @chunk
 *
 * @virt, @phys, @nr_pages, @base_pfn and the ownership fields are set before
 * the region is published and never change after; the rest is protected by
 * the pool's lock.
 */
struct kbuddy_region {
	void *virt;
	phys_addr_t phys;
	unsigned long nr_pages;
	unsigned long base_pfn;
	struct kbuddy_page *pages;
	struct kbuddy_free_area *free_area;
	unsigned long nr_free;
	enum kbuddy_region_kind kind;
	struct resource *res;
	struct page *chunk;
	unsigned int chunk_order;
};

/* Pool-wide event counters; kbuddy_counter_names[] in buddy.c. */
enum kbuddy_counter {
	KBUDDY_SPLIT,
	KBUDDY_MERGE,
	KBUDDY_BAD_FREE_OUTSIDE,
	KBUDDY_BAD_FREE_MISALIGNED,
	KBUDDY_BAD_FREE_NOT_HEAD,
	KBUDDY_BAD_FREE_DOUBLE,
	KBUDDY_BAD_FREE_WRONG_ORDER,
	KBUDDY_BAD_FREE_WRONG_ALLOCATOR,
	KBUDDY_NR_COUNTERS,
};

extern const char *const kbuddy_counter_names[KBUDDY_NR_COUNTERS];

/**
 * struct kbuddy_stats - what a pool has done, for debugfs and tests
 * @alloc: successful allocations per order
 * @free: successful frees per order
 * @fail: failed allocations per order
 * @counter: the enum kbuddy_counter events
 */
struct kbuddy_stats {
	unsigned long alloc[KBUDDY_MAX_ORDER_LIMIT];
	unsigned long free[KBUDDY_MAX_ORDER_LIMIT];
	unsigned long fail[KBUDDY_MAX_ORDER_LIMIT];
	unsigned long counter[KBUDDY_NR_COUNTERS];
};

/**
 * struct kbuddy_pool - a buddy allocator over one or more regions
 * @lock: protects everything below it but @node and @debugfs, and the
 *	mutable fields of every region; taken with irqsave
 * @max_order: blocks have orders 0 .. @max_order - 1; fixed at creation
 * @nr_regions: regions in use in @regions; grows only, under @lock, with
 *	release semantics so that kbuddy_find_region() may read it locklessly
 * @regions: the regions, filled in before @nr_regions counts them
 * @nr_pages: pages in all regions
 * @nr_free: free pages in all regions
 * @stats: counters
 * @pcp: per-CPU caches of small free blocks, or NULL when disabled
 * @caches_lock: protects @caches
 * @caches: the pool's slab caches, kmalloc size classes first
 * @kmalloc: the malloc family's size classes, smallest first; set when
 *	the pool is created
 * @node: on the list of all pools, under kbuddy_pools_mutex
 * @debugfs: debugfs.c's state for this pool, or NULL
 * @name: the pool's name, as in /sys/kernel/debug/kbuddy/<name>/
 */
struct kbuddy_pool {
	spinlock_t lock; /* see above */
	unsigned int max_order;
	unsigned int nr_regions;
	struct kbuddy_region regions[KBUDDY_MAX_REGIONS];
	unsigned long nr_pages;
	unsigned long nr_free;
	struct kbuddy_stats stats;
	struct kbuddy_pcp __percpu *pcp;

	struct mutex caches_lock; /* see above */
	struct list_head caches;
	struct kbuddy_cache *kmalloc[KBUDDY_NR_KMALLOC];

	struct list_head node;
	void *debugfs;
	char name[KBUDDY_NAME_LEN + 1];
};

/* ==== The slab layer (slab.c) =========================================== */

/* Where an object is; one byte per object, outside the slab. */
enum kbuddy_obj_state {
	KBUDDY_OBJ_FREE = 0,	/* on its slab's freelist */
	KBUDDY_OBJ_CACHED,	/* in a magazine (per-CPU or depot) */
	KBUDDY_OBJ_ALLOC,	/* handed out */
};

/**
 * struct kbuddy_slab - one buddy block cut into objects
 * @node: on the cache's full, partial or empty list
 * @cache: the cache; set at creation
 * @base: the first object; set at creation
 * @freelist: first free object; the chain runs through the objects, each
 *	pointer XORed with the cache's key and its own address
 * @inuse: objects not on @freelist (handed out or in magazines)
 * @rcu: the descriptor is freed after a grace period, so that a lockless
 *	lookup from a page descriptor never touches freed memory
 * @state: an enum kbuddy_obj_state per object
 *
 * The descriptor lives outside the pool's memory. @node, @freelist, @inuse
 * and the FREE state are protected by the cache's lock; an object's CACHED
 * and ALLOC states belong to whoever holds the object.
 */
struct kbuddy_slab {
	struct list_head node;
	struct kbuddy_cache *cache;
	void *base;
	void *freelist;
	unsigned int inuse;
	struct rcu_head rcu;
	u8 state[];
};

/* One object in a magazine, with its state byte so a pop needs no lookup. */
struct kbuddy_round {
	void *obj;
	u8 *state;
};

/**
 * struct kbuddy_magazine - a stack of free objects (Bonwick)
 * @node: on the depot's full or empty list
 * @rounds: objects in @round
 * @round: up to the cache's magazine size of objects
 */
struct kbuddy_magazine {
	struct list_head node;
	unsigned int rounds;
	struct kbuddy_round round[];
};

/* Per-CPU counters of a cache; kbuddy_cpu_counter_names[] in slab.c. */
enum kbuddy_cpu_counter {
	KBUDDY_CPU_ALLOC,	/* allocations served from a magazine */
	KBUDDY_CPU_FREE,	/* frees taken by a magazine */
	KBUDDY_NR_CPU_COUNTERS,
};

/**
 * struct kbuddy_cache_cpu - a cache's objects on one CPU
 * @loaded: the magazine allocations pop from and frees push to
 * @previous: the other magazine, full or empty, swapped in when @loaded runs
 *	out (Bonwick's two-magazine rule bounds depot trips)
 * @count: the enum kbuddy_cpu_counter counters
 *
 * Only its CPU touches it, with interrupts off; other CPUs reach it through
 * an IPI (drain, validate) or when the CPU is offline.
 */
struct kbuddy_cache_cpu {
	struct kbuddy_magazine *loaded;
	struct kbuddy_magazine *previous;
	unsigned long count[KBUDDY_NR_CPU_COUNTERS];
};

/* Locked counters of a cache; kbuddy_cache_counter_names[] in slab.c. */
enum kbuddy_cache_counter {
	KBUDDY_CACHE_ALLOC_SLOW,	/* allocations that went to the depot or slabs */
	KBUDDY_CACHE_FREE_SLOW,		/* frees that went to the depot or slabs */
	KBUDDY_CACHE_ALLOC_FAIL,
	KBUDDY_CACHE_DEPOT_EXCHANGE,	/* magazines swapped with the depot */
	KBUDDY_CACHE_SLAB_NEW,
	KBUDDY_CACHE_SLAB_FREE,
	KBUDDY_CACHE_FREELIST_REPAIR,	/* corrupted freelists rebuilt */
	KBUDDY_CACHE_BAD_FREE_OUTSIDE,	/* not in the cache's pool */
	KBUDDY_CACHE_BAD_FREE_NOT_OBJECT, /* in the pool, not in a slab */
	KBUDDY_CACHE_BAD_FREE_WRONG_CACHE,
	KBUDDY_CACHE_BAD_FREE_INTERIOR,	/* not the start of an object */
	KBUDDY_CACHE_BAD_FREE_DOUBLE,
	KBUDDY_NR_CACHE_COUNTERS,
};

extern const char *const kbuddy_cache_counter_names[KBUDDY_NR_CACHE_COUNTERS];
extern const char *const kbuddy_cpu_counter_names[KBUDDY_NR_CPU_COUNTERS];

/* Flags of kbuddy_cache_create() that are not public. */
#define KBUDDY_CACHE_KMALLOC	BIT(31)	/* a malloc size class */

/**
 * struct kbuddy_cache - a cache of fixed-size objects on a pool
 * @pool: the pool its slabs come from
 * @object_size: bytes the user asked for
 * @size: stride between objects: object, free pointer if outside, alignment
 * @align: alignment of every object
 * @offset: where the free pointer sits in a free object
 * @order: order of every slab
 * @objects: objects per slab
 * @mag_size: rounds per magazine
 * @depot_max: full magazines the depot keeps before flushing to slabs
 * @flags: KBUDDY_CACHE_* flags
 * @ctor: constructor run once per object when its slab is made, or NULL
 * @random: the key free pointers are XORed with
 * @reciprocal_size: for dividing by @size without a division
 * @cpu: per-CPU magazines
 * @lock: protects everything below, and slabs' freelists (see
 *	struct kbuddy_slab); taken with irqsave, after no other kbuddy lock,
 *	before the pool's
 * @partial: slabs with free and used objects
 * @full: slabs with no free object
 * @empty: slabs with no used object
 * @nr_partial: slabs on @partial
 * @nr_full: slabs on @full
 * @nr_empty: slabs on @empty
 * @depot_full: full magazines
 * @depot_empty: empty magazines
 * @nr_depot_full: magazines on @depot_full
 * @nr_depot_empty: magazines on @depot_empty
 * @count: the enum kbuddy_cache_counter counters
 * @node: on the pool's list of caches, under the pool's caches_lock
 * @name: shown in slabinfo
 *
 * The fields above @cpu are set at creation and never change.
 */
struct kbuddy_cache {
	struct kbuddy_pool *pool;
	unsigned int object_size;
	unsigned int size;
	unsigned int align;
	unsigned int offset;
	unsigned int order;
	unsigned int objects;
	unsigned int mag_size;
	unsigned int depot_max;
	unsigned long flags;
	void (*ctor)(void *obj);
	unsigned long random;
	struct reciprocal_value reciprocal_size;
	struct kbuddy_cache_cpu __percpu *cpu;

	spinlock_t lock; /* see above */
	struct list_head partial;
	struct list_head full;
	struct list_head empty;
	unsigned long nr_partial;
	unsigned long nr_full;
	unsigned long nr_empty;
	struct list_head depot_full;
	struct list_head depot_empty;
	unsigned long nr_depot_full;
	unsigned long nr_depot_empty;
	unsigned long count[KBUDDY_NR_CACHE_COUNTERS];

	struct list_head node;
	char name[KBUDDY_NAME_LEN + 1];
};

/**
 * struct kbuddy_cache_info - what slabinfo and stats show of a cache
 * @active_objs: objects handed out
 * @num_objs: objects in all slabs
 * @active_slabs: slabs with at least one object not on their freelist
 * @num_slabs: all slabs
 * @cached_objs: objects in magazines (per-CPU and depot)
 * @count: the cache's locked counters
 * @cpu_count: the per-CPU counters, summed
 */
struct kbuddy_cache_info {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned long cached_objs;
	unsigned long count[KBUDDY_NR_CACHE_COUNTERS];
	unsigned long cpu_count[KBUDDY_NR_CPU_COUNTERS];
};

/* Called once per problem found, with a printf format and its arguments. */
typedef void (*kbuddy_report_fn)(void *ctx, const char *fmt, va_list args)
	__printf(2, 0);

/* buddy.c: the page allocator proper. */
__printf(3, 4) void kbuddy_report(kbuddy_report_fn report, void *ctx,
				  const char *fmt, ...);
int kbuddy_region_init(struct kbuddy_pool *pool, struct kbuddy_region *r);
void kbuddy_region_fini(struct kbuddy_pool *pool, struct kbuddy_region *r);
unsigned long kbuddy_region_report_used(struct kbuddy_pool *pool,
					struct kbuddy_region *r,
					kbuddy_report_fn report, void *ctx);
unsigned long kbuddy_validate(struct kbuddy_pool *pool,
			      kbuddy_report_fn report, void *ctx);
void kbuddy_pool_init(struct kbuddy_pool *pool, const char *name,
		      unsigned int max_order);
void *kbuddy_alloc_owned(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp, void *owner);
int kbuddy_free_owned(struct kbuddy_pool *pool, void *addr, unsigned int order,
		      void *owner, unsigned long caller);
int kbuddy_owned_order(struct kbuddy_pool *pool, void *addr, void *owner);
int kbuddy_resize_owned(struct kbuddy_pool *pool, void *addr,
			unsigned int order, unsigned int new_order, void *owner);
void *kbuddy_page_owner(struct kbuddy_pool *pool, const void *addr);
unsigned int kbuddy_alloc_batch(struct kbuddy_pool *pool, unsigned int order,
				struct kbuddy_pcp_block *out, unsigned int n);
void kbuddy_free_batch(struct kbuddy_pool *pool, unsigned int order,
		       struct kbuddy_pcp_block *blocks, unsigned int n);
void kbuddy_count_fail(struct kbuddy_pool *pool, unsigned int order);
void kbuddy_stats_snapshot(struct kbuddy_pool *pool, struct kbuddy_stats *st,
			   unsigned long *nr_pages, unsigned long *nr_free);

/* debugfs.c */
int kbuddy_debugfs_init(void);
void kbuddy_debugfs_exit(void);
void kbuddy_debugfs_add_pool(struct kbuddy_pool *pool);
void kbuddy_debugfs_remove_pool(struct kbuddy_pool *pool);

/* pcp.c */
void *kbuddy_alloc_large(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp);
int kbuddy_free_large(struct kbuddy_pool *pool, void *addr,
		      unsigned long caller);
int kbuddy_pcp_init(struct kbuddy_pool *pool);
void kbuddy_pcp_fini(struct kbuddy_pool *pool);
void kbuddy_pcp_drain_cpu(struct kbuddy_pool *pool, int cpu);
void kbuddy_pcp_drain(struct kbuddy_pool *pool);
void kbuddy_pcp_disable(struct kbuddy_pool *pool);
unsigned long kbuddy_pcp_validate(struct kbuddy_pool *pool,
				  kbuddy_report_fn report, void *ctx);
void kbuddy_pcp_stats(struct kbuddy_pool *pool, unsigned long *alloc,
		      unsigned long *free, unsigned long *events,
		      unsigned long *held_pages);

/*
 * The region holding @addr, or NULL. Regions are published whole before
 * nr_regions counts them and never change after, so no lock is needed. An
 * address below a region's start wraps to a huge offset, so one unsigned
 * compare bounds both ends.
 */
static inline struct kbuddy_region *kbuddy_find_region(struct kbuddy_pool *pool,
						       const void *addr)
{
	/* Pairs with the release in pool_add_region(). */
	unsigned int i, nr = smp_load_acquire(&pool->nr_regions);

	for (i = 0; i < nr; i++) {
		struct kbuddy_region *r = &pool->regions[i];
		unsigned long off = (unsigned long)addr - (unsigned long)r->virt;

		if (off < r->nr_pages << PAGE_SHIFT)
			return r;
	}
	return NULL;
}

/*
 * The owner recorded for the page holding @addr (see kbuddy_page_owner()),
 * inline for the slab layer's fast paths.
 */
static inline void *kbuddy_owner_of(struct kbuddy_pool *pool, const void *addr)
{
	struct kbuddy_region *r = kbuddy_find_region(pool, addr);

	if (!r)
		return NULL;
	return READ_ONCE(r->pages[((unsigned long)addr - (unsigned long)r->virt) >>
				  PAGE_SHIFT].owner);
}

/* slab.c */
void kbuddy_cache_drain_cpu(struct kbuddy_cache *c, int cpu);
noinline int kbuddy_cache_refuse_free(struct kbuddy_cache *c, const void *obj,
				      enum kbuddy_cache_counter bad,
				      unsigned long caller);
struct kbuddy_cache *kbuddy_obj_cache(struct kbuddy_pool *pool,
				      const void *obj);
int kbuddy_kmalloc_free(struct kbuddy_pool *pool, void *obj,
			unsigned long caller);
void kbuddy_cache_info(struct kbuddy_cache *c, struct kbuddy_cache_info *info);
unsigned long kbuddy_cache_validate(struct kbuddy_cache *c,
				    kbuddy_report_fn report, void *ctx);
unsigned long kbuddy_cache_validate_cpus_locked(struct kbuddy_cache *c,
						kbuddy_report_fn report,
						void *ctx);
void kbuddy_cache_destroy_forced(struct kbuddy_cache *c);

/* kmalloc.c */
int kbuddy_kmalloc_init(struct kbuddy_pool *pool);
void kbuddy_kmalloc_fini(struct kbuddy_pool *pool);

/* pool.c */
int kbuddy_cpu_dead(unsigned int cpu);
unsigned long kbuddy_pool_check(struct kbuddy_pool *pool,
				kbuddy_report_fn report, void *ctx);
u64 kbuddy_pool_add_kernel_pages(struct kbuddy_pool *pool, u64 size);

#endif /* _KBUDDY_INTERNAL_H */

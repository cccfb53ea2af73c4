/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - structures shared by the files of kernel/. Not an interface for
 * other modules: they use kbuddy.h.
 */
#ifndef _KBUDDY_INTERNAL_H
#define _KBUDDY_INTERNAL_H

#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/list.h>
/* Before local_lock.h, whose PREEMPT_RT guards use spin_lock(). */
#include <linux/spinlock.h>
#include <linux/local_lock.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/reciprocal_div.h>
#include <linux/refcount.h>
#include <linux/stdarg.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "kbuddy.h"
#include "kbuddy_bench.h"

struct module;

struct dentry;
struct kbuddy_hist;
struct page;
struct resource;
struct kbuddy_track;

/* ==== Ownership ==========================================================
 *
 * Who owns a block of pages is one word, the tag of the block's head
 * descriptor; who owns a slab object is one byte, its state. Every change of
 * owner is one of the transitions below, made by the helpers named there and
 * nowhere else.
 *
 * Blocks (struct kbuddy_page.tag of the head page):
 *
 *   state    tag                          state owned by
 *   free     KBUDDY_TAG(FREE, order)      pool->lock
 *   cached   KBUDDY_TAG(PCP, order)       the CPU cache holding it (the
 *                                         fast path whose cmpxchg of the
 *                                         cache's top took it, or the slow
 *                                         paths under its local_lock)
 *   pages    KBUDDY_TAG(PAGES, order)     the caller of kbuddy_alloc_pages()
 *   malloc   KBUDDY_TAG(LARGE, order)     the caller of kbuddy_malloc()
 *   run      KBUDDY_TAG(CONTIG, order)    the caller of kbuddy_alloc_contig()
 *   slab     the struct kbuddy_slab *     the slab's cache
 *
 * A page that heads no block has tag 0, except in a slab, where every page
 * carries the slab pointer (slabs are at most order 3, so this stays cheap)
 * so that an object finds its slab in one load. A tag never needs more than
 * the head: a block's owner is O(1) to set and to read whatever its order.
 *
 * Transitions:
 *   free   -> any      alloc_from_region(), under pool->lock (plain store:
 *                      the lock owns free blocks)
 *   cached -> pages, malloc
 *                      the holding CPU, once its pop took the block from
 *                      its cache (plain store)
 *   free   -> run      contig.c's carve(), under pool->lock
 *   run    -> free     kbuddy_free_contig(), kbuddy_trim_contig(), under
 *                      pool->lock, every block of the run checked first
 *   cached -> free     kbuddy_free_batch(), by the holder, under pool->lock
 *   pages, malloc -> cached
 *                      a free, lockless: kbuddy_block_claim() from exactly
 *                      KBUDDY_TAG(kind, order)
 *   pages, malloc, slab -> free
 *                      a free under pool->lock: kbuddy_block_claim() too
 *   pages, malloc, slab -> cached, on no list
 *                      a free in a pool that poisons its free memory
 *                      (kbuddy_poisons_blocks()): kbuddy_block_claim()
 *                      under pool->lock; the freeing caller holds the
 *                      block while it writes the poison outside the lock,
 *                      then frees it as a cache does (cached -> free)
 *
 * The rule that makes frees race-free: a state owned by a caller (pages,
 * malloc, and an allocated object) is left only by a cmpxchg from its exact
 * value, which includes the kind and the order. Of two frees of one block or
 * object, however they interleave with drains, refills and other frees,
 * exactly one cmpxchg succeeds; the other free finds a different value and
 * is refused with nothing changed. A lockless read of a tag or a state
 * decides nothing by itself: it only picks the path that then claims.
 *
 * Objects (struct kbuddy_slab.state[i]):
 *   FREE    on its slab's freelist             the cache's lock
 *   CACHED  in a magazine                      the magazine's holder: its
 *                                              CPU (the top's cmpxchg, or
 *                                              its local_lock) or the depot
 *                                              (the cache's lock); or, on
 *                                              the nocpu paths (magazine.c),
 *                                              the call moving it between
 *                                              its slab and its caller
 *   ALLOC   handed out                         the caller
 *   FREE -> CACHED, ALLOC   slab_pop() (slab.c), under the cache's lock
 *   CACHED -> ALLOC         the holder (plain store)
 *   CACHED -> FREE          slab_push(), by mag_flush() (magazine.c)
 *                           through kbuddy_slab_obj_put(), under the
 *                           cache's lock
 *   ALLOC -> CACHED         a free: kbuddy_obj_claim(), a cmpxchg
 *
 * Lifetimes: slab descriptors and caches are freed after an RCU grace
 * period. A lockless lookup (tag -> slab -> cache) runs inside an RCU
 * read-side section until it has claimed the object or finished refusing
 * it: rcu_read_lock(), or on a free's fast path kbuddy_lookup_begin().
 *
 * Lock order: the CPU hotplug lock, kbuddy_pools_mutex, a pool's
 * caches_lock, kbuddy_cpu_work_mutex (kbuddy_run_on_cpus()), a per-CPU
 * local_lock (page cache or magazines), a cache's lock, a pool's lock, a
 * check's problem sink lock (report.h). histogram.c's kbuddy_hist_mutex is
 * taken with none of them held, before the CPU hotplug lock (a static key's
 * change takes it).
 */

/* What a page descriptor says about its place in the buddy structure. */
enum kbuddy_page_state {
	/* Not the head of a block: inside a block, whatever that block is. */
	KBUDDY_PAGE_NONE = 0,
	/* Head of a free block, linked on free_area[order].free_list. */
	KBUDDY_PAGE_FREE,
	/* Head of an allocated block. */
	KBUDDY_PAGE_ALLOC,
};

/* Slabs are at most this order; bigger objects belong to whole blocks. */
#define KBUDDY_SLAB_MAX_ORDER	3
/*
 * Below 64 KiB slabs (4 KiB pages), an object's index is one multiply:
 * with m = ceil(2^32 / size) = (2^32 + e) / size, 0 <= e < size,
 * offset * m / 2^32 = offset / size + offset * e / (size * 2^32), and the
 * second term is below 1 / size when offset * size < 2^32 (both are below
 * 2^16), so the floor is exactly offset / size. Larger slabs divide by
 * reciprocal_divide().
 */
#define KBUDDY_SLAB_MUL_INDEX	((PAGE_SIZE << KBUDDY_SLAB_MAX_ORDER) <= (1UL << 16))

/* Kinds of block a tag names; a slab's tag is its descriptor instead. */
enum kbuddy_kind {
	KBUDDY_KIND_FREE = 1,	/* free, in the buddy lists */
	KBUDDY_KIND_PCP,	/* free, held in a CPU's page cache */
	KBUDDY_KIND_PAGES,	/* a kbuddy_alloc_pages() block */
	KBUDDY_KIND_LARGE,	/* a kbuddy_malloc() whole block */
	KBUDDY_KIND_CONTIG,	/* a block of a kbuddy_alloc_contig() run */
};

/*
 * A non-slab tag: bit 0 set (slab descriptors are aligned, so their bit 0
 * is clear), the kind in bits 1-3, the order from bit 8.
 */
#define KBUDDY_TAG(kind, order) \
	((((unsigned long)(order)) << 8) | ((unsigned long)(kind) << 1) | 1UL)

static inline bool kbuddy_tag_is_slab(unsigned long tag)
{
	return tag && !(tag & 1UL);
}

static inline unsigned int kbuddy_tag_kind(unsigned long tag)
{
	return (tag & 1UL) ? (tag >> 1) & 7 : 0;
}

static inline unsigned int kbuddy_tag_order(unsigned long tag)
{
	return tag >> 8;
}

/**
 * struct kbuddy_page - descriptor of one page of a region
 * @lru: link on free_area[@order].free_list while @state is FREE
 * @run_pages: the first head of a kbuddy_alloc_contig() run: its length in
 *	pages (0 on the run's other heads), so that a free of part of a run is
 *	refused
 * @req_bytes: the head of a kbuddy_malloc() whole block in a pool with red
 *	zones (debug=Z): the bytes asked for; the rest of the block is its red
 *	zone (debug.c)
 * @order: order of the block this page heads (FREE and ALLOC only)
 * @state: an enum kbuddy_page_state
 * @clear: on a FREE head, true if every byte of the block is known to be
 *	zero (its run was freed with KBUDDY_FREE_CLEARED, or it was split off
 *	or merged only from such blocks); on the head of a block a contig
 *	run or kbuddy_block_alloc() just took, whether it was, so that the
 *	taker zeroes only what is not
 * @idx_hi: in a sparse region, bits 32-39 of the page's index in the
 *	region, set when it becomes a free head (a list entry's pfn); 64-bit
 *	only, as sparse regions are
 * @idx_lo: bits 0-31 of that index
 * @tag: who owns the block this page heads (see "Ownership" above); read
 *	locklessly, changed only by the transitions listed there
 *
 * Descriptors live outside the managed memory, so a stray write into an
 * allocated block cannot corrupt the allocator. Only block heads carry a
 * state: a split sets the head of the upper half, a merge clears the head of
 * the absorbed buddy, so finding a block never scans its pages.
 * @lru, @run_pages, @order, @state and @clear are protected by the pool's
 * lock; a taken block's @clear is its taker's, a malloc block's @req_bytes
 * its owner's (set when handed out, read by the free that claimed it).
 */
struct kbuddy_page {
	union {
		struct list_head lru;
		unsigned long run_pages;
		unsigned long req_bytes;
	};
	u8 order;
	u8 state;
	u8 clear;
#ifdef CONFIG_64BIT
	u8 idx_hi;
	u32 idx_lo;
#endif
	unsigned long tag;
};

/* The index fills what was padding: a descriptor stays four words. */
static_assert(!IS_ENABLED(CONFIG_64BIT) || sizeof(struct kbuddy_page) == 32);

/*
 * Take ownership of the block headed by @page from exactly the state @from
 * (a tag) to @to. Return: true if this caller won.
 */
static inline bool kbuddy_block_claim(struct kbuddy_page *page,
				      unsigned long from, unsigned long to)
{
	return try_cmpxchg(&page->tag, &from, to);
}

/* Hand a block whose state this caller owns (free or cached) to @tag. */
static inline void kbuddy_block_hand(struct kbuddy_page *page,
				     unsigned long tag)
{
	WRITE_ONCE(page->tag, tag);
}

/*
 * A point where a lockless read precedes an atomic claim. Empty in the
 * kernel; the userspace build stops threads here to force each race.
 */
#ifndef kbuddy_race_hook
#define kbuddy_race_hook(name) do { } while (0)
#endif

/* Size classes of the malloc family: 8 .. PAGE_SIZE, with 96 and 192. */
#define KBUDDY_NR_KMALLOC	(PAGE_SHIFT - 3 + 3)

/*
 * Pages a region may have: its descriptor array must fit one kvmalloc()
 * (at most INT_MAX bytes), just under 256 GiB with 4 KiB pages.
 */
#define KBUDDY_REGION_MAX_PAGES \
	((unsigned long)INT_MAX / sizeof(struct kbuddy_page))

/*
 * Pages a sparse region may have: its descriptors' index is 40 bits
 * (kbuddy_page.idx_hi, .idx_lo), 4 PiB with 4 KiB pages.
 */
#define KBUDDY_SPARSE_MAX_PAGES	(IS_ENABLED(CONFIG_64BIT) ? 1UL << 40 : KBUDDY_REGION_MAX_PAGES)

/*
 * Top-order blocks a sparse region may start as: each is a head in a leaf
 * of its own, so a range of millions of them would cost by the range again
 * (and take that long to add). A larger range needs a larger max_order.
 */
#define KBUDDY_SPARSE_MAX_TOP_BLOCKS	BIT(16)

/* ==== Per-CPU page caches (pcp.c) ======================================== */

/*
 * Orders 0 .. KBUDDY_PCP_ORDERS - 1 are cached per CPU: the small orders
 * 0-3, as the kernel's pcp lists, up to KBUDDY_PCP_HIGH blocks each, moved
 * to or from the pool KBUDDY_PCP_BATCH at a time; and orders 4-6, which
 * would otherwise split and merge 4 to 6 levels on every allocation and
 * free, up to KBUDDY_PCP_LARGE_PAGES pages each, a quarter of those per move.
 */
#define KBUDDY_PCP_ORDERS	7
#define KBUDDY_PCP_SMALL_ORDERS	4
#define KBUDDY_PCP_HIGH		64
#define KBUDDY_PCP_BATCH	16
#define KBUDDY_PCP_LARGE_PAGES	128U

/* Every stack fits struct kbuddy_pcp's rows of KBUDDY_PCP_HIGH blocks. */
static_assert(KBUDDY_PCP_ORDERS == 7 &&
	      (KBUDDY_PCP_LARGE_PAGES >> KBUDDY_PCP_SMALL_ORDERS) <= KBUDDY_PCP_HIGH);

/*
 * The orders a pool of @nr_pages caches per CPU: the small ones always;
 * of orders 4-6, as many as keep every possible CPU's caches of them at an
 * eighth of the pool at most (an atomic request drains only its own CPU's
 * cache before it fails, so what other CPUs park must stay small), as the
 * kernel scales its pcp high marks with the zone's size.
 */
static inline unsigned int kbuddy_pcp_orders_for(unsigned long nr_pages)
{
	unsigned long per_order = (unsigned long)KBUDDY_PCP_LARGE_PAGES *
				  num_possible_cpus();
	unsigned long large = nr_pages / 8 / per_order;

	return KBUDDY_PCP_SMALL_ORDERS +
	       min_t(unsigned long, large,
		     KBUDDY_PCP_ORDERS - KBUDDY_PCP_SMALL_ORDERS);
}

/*
 * Blocks of @order a CPU keeps at most: 64 for orders 0-3, then 8, 4, 2.
 * A table: the free fast path compares with it.
 */
static inline unsigned int kbuddy_pcp_high(unsigned int order)
{
	static const u8 high[KBUDDY_PCP_ORDERS] = {
		KBUDDY_PCP_HIGH, KBUDDY_PCP_HIGH, KBUDDY_PCP_HIGH, KBUDDY_PCP_HIGH,
		KBUDDY_PCP_LARGE_PAGES >> 4, KBUDDY_PCP_LARGE_PAGES >> 5,
		KBUDDY_PCP_LARGE_PAGES >> 6,
	};

	return high[order];
}

/* Blocks of @order moved to or from the pool at once: 16, then 2, 1, 1. */
static inline unsigned int kbuddy_pcp_batch(unsigned int order)
{
	return order < KBUDDY_PCP_SMALL_ORDERS ? KBUDDY_PCP_BATCH :
	       max(KBUDDY_PCP_LARGE_PAGES >> (order + 2), 1U);
}

/* A cached block: its address and its head's descriptor. */
struct kbuddy_pcp_block {
	void *addr;
	struct kbuddy_page *page;
};

/* Per-CPU counters of the page caches; kbuddy_pcp_counter_names[] in report.c. */
enum kbuddy_pcp_counter {
	KBUDDY_PCP_ALLOC,	/* allocations served by the CPU's cache */
	KBUDDY_PCP_FREE,	/* frees taken by the CPU's cache */
	KBUDDY_PCP_REFILL,	/* batches taken from the pool */
	KBUDDY_PCP_DRAIN,	/* batches given back to the pool */
	KBUDDY_NR_PCP_COUNTERS,
};

extern const char *const kbuddy_pcp_counter_names[KBUDDY_NR_PCP_COUNTERS];

/*
 * A per-CPU stack's top word (struct kbuddy_pcp, struct kbuddy_mag_cpu): the
 * number of entries below the shift, a transaction id above it.
 */
#define KBUDDY_MAG_TID_SHIFT	8
#define KBUDDY_MAG_TID_STEP	BIT(KBUDDY_MAG_TID_SHIFT)

static inline unsigned int kbuddy_mag_top_rounds(unsigned long top)
{
	return top & (KBUDDY_MAG_TID_STEP - 1);
}

/**
 * struct kbuddy_pcp - one CPU's cache of free small blocks of a pool
 * @lock: taken by the slow paths (refill, spill), drains and checks on the
 *	CPU itself with local_lock_irqsave(), and by the fast paths on
 *	PREEMPT_RT only (there a per-CPU sleeping lock). It protects @block
 *	and the counters but @alloc and @free, and the slow paths' use of
 *	@top. Another CPU never touches them: drains and checks run on the
 *	CPU, from a work item (kbuddy_run_on_cpus()), or once the CPU is dead;
 *	other CPUs read @top and the counters for statistics only.
 * @top: per order, the blocks held (the low KBUDDY_MAG_TID_SHIFT bits) and
 *	a transaction id above them. The fast paths change it only by
 *	this_cpu_cmpxchg() with preemption off, each adding
 *	KBUDDY_MAG_TID_STEP, so that a fast path an interrupt came into
 *	retries (SLUB's tid, mm/slub.c); the slow paths write it under @lock
 *	with interrupts off, adding a step too.
 * @pushing: set while a fast path free on the CPU writes a slot (two words)
 *	above a top; an interrupt's free then goes to the pool, and an
 *	interrupt's allocation does not refill (which writes from slot 0 up)
 * @alloc: allocations served per order, this_cpu_inc()ed
 * @free: frees taken per order, this_cpu_inc()ed
 * @events: the enum kbuddy_pcp_counter counters
 * @block: the blocks, a stack per order
 */
struct kbuddy_pcp {
	local_lock_t lock; /* see above */
	unsigned long top[KBUDDY_PCP_ORDERS];
	unsigned int pushing;
	unsigned long alloc[KBUDDY_PCP_ORDERS];
	unsigned long free[KBUDDY_PCP_ORDERS];
	unsigned long events[KBUDDY_NR_PCP_COUNTERS];
	struct kbuddy_pcp_block block[KBUDDY_PCP_ORDERS][KBUDDY_PCP_HIGH];
};

static_assert(KBUDDY_PCP_HIGH < KBUDDY_MAG_TID_STEP);

/* Blocks of @order @pcp holds; a snapshot unless on its CPU under its lock. */
static inline unsigned int kbuddy_pcp_count(const struct kbuddy_pcp *pcp,
					    unsigned int order)
{
	return kbuddy_mag_top_rounds(READ_ONCE(pcp->top[order]));
}

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

/*
 * A leaf of a sparse region's descriptors: KBUDDY_LEAF_PAGES consecutive
 * pages' (512 bytes). Freed with kfree_rcu() once no block head is in it;
 * by then only presence is read locklessly, so the RCU head may overlay
 * the descriptors.
 */
#define KBUDDY_LEAF_SHIFT	4
#define KBUDDY_LEAF_PAGES	BIT(KBUDDY_LEAF_SHIFT)

struct kbuddy_leaf {
	union {
		struct kbuddy_page desc[KBUDDY_LEAF_PAGES];
		struct rcu_head rcu;
	};
};

/*
 * A sparse region's leaves (kbuddy_region.descs), by page index >>
 * KBUDDY_LEAF_SHIFT, in an XArray: loads without a lock; inserts (outside
 * the pool's lock) and erases (under it) under the XArray's own lock, taken
 * with interrupts off (XA_FLAGS_LOCK_IRQ), nested inside the pool's.
 */
struct kbuddy_descs {
	struct xarray leaves;
};

/* Where a region's memory came from, so destroy gives it back the same way. */
enum kbuddy_region_kind {
	KBUDDY_REGION_MEM,	/* the caller's memory: left to the caller */
	KBUDDY_REGION_PHYS,	/* claimed and memremap()ed by kbuddy */
	KBUDDY_REGION_PAGES,	/* taken from the kernel's page allocator */
	KBUDDY_REGION_RANGE,	/* an address range with no mapping */
	KBUDDY_REGION_IOMEM,	/* the caller's I/O memory, at @io */
};

/**
 * struct kbuddy_region - one physically contiguous range of a pool
 * @virt: kernel virtual address of the first byte; NULL in a pool that is
 *	not KBUDDY_POOL_RAM
 * @io: the caller's __iomem mapping (KBUDDY_REGION_IOMEM), else NULL
 * @phys: physical address of the first byte, page aligned
 * @nr_pages: pages in the region
 * @bytes: bytes mapped at @virt, for kbuddy_find_region(): @nr_pages <<
 *	PAGE_SHIFT, or 0 without a mapping, which no address then matches
 * @base_pfn: @phys >> PAGE_SHIFT; blocks are aligned in pfn space
 * @pages: @nr_pages descriptors, kvmalloc()ed; NULL in a sparse region
 * @descs: a sparse region's descriptors, in leaves of KBUDDY_LEAF_PAGES
 *	pages: a leaf is made when a block head is about to be written there
 *	(kbuddy_need_fill(), outside the pool's lock), and freed when a free
 *	leaves no head in it (under the lock, after a grace period); a page
 *	in no leaf reads as an all-zero descriptor (kbuddy_absent_desc:
 *	inside a block)
 * @sparse: descriptors in @descs instead of @pages, and no pair bitmaps:
 *	metadata sized by the blocks there are, not by the range (a nomap
 *	region of KBUDDY_POOL_SPARSE, or one too large for flat descriptors:
 *	KBUDDY_REGION_MAX_PAGES or more)
 * @free_area: pool->max_order free areas, kvmalloc()ed with their maps
 * @nr_free: free pages in the region
 * @kind: an enum kbuddy_region_kind
 * @owner: with owner tracking on in the pool, who allocated each block
 *	(debug.c): one struct kbuddy_track per page, the head's; else NULL.
 *	Written by the block's owner, read as a snapshot
 * @res: the claimed resource (KBUDDY_REGION_PHYS); its name is on the heap,
 *	so that a region left claimed outlives the module
 * @chunk: the pages taken from the kernel (KBUDDY_REGION_PAGES)
 * @chunk_order: order of @chunk
 *
 * @virt, @io, @phys, @nr_pages, @bytes, @base_pfn and the ownership fields are set before
 * the region is published and never change after; the rest is protected by
 * the pool's lock.
 */
struct kbuddy_region {
	void *virt;
	void __iomem *io;
	phys_addr_t phys;
	unsigned long nr_pages;
	unsigned long bytes;
	unsigned long base_pfn;
	struct kbuddy_page *pages;
	bool sparse;
	struct kbuddy_descs descs;
	struct kbuddy_free_area *free_area;
	unsigned long nr_free;
	enum kbuddy_region_kind kind;
	struct kbuddy_track *owner;
	struct resource *res;
	struct page *chunk;
	unsigned int chunk_order;
};

/*
 * Descriptors of a sparse region an operation found missing, to be created
 * with kbuddy_need_fill() once the pool's lock is dropped; the operation is
 * then tried again. A few at a time: each try creates at least one leaf,
 * which only a free of a block wholly around it gives back, so the tries
 * end unless other CPUs keep freeing around that very place.
 */
#define KBUDDY_NEED_MAX	8

struct kbuddy_need {
	struct kbuddy_region *region;
	unsigned int nr;
	unsigned long pfn[KBUDDY_NEED_MAX];
};

/* Pool-wide event counters; kbuddy_counter_names[] in report.c. */
enum kbuddy_counter {
	KBUDDY_SPLITS,
	KBUDDY_MERGES,
	KBUDDY_RECLAIMS,	/* requests served only after a reclaim */
	KBUDDY_BAD_FREE_OUTSIDE,
	KBUDDY_BAD_FREE_MISALIGNED,
	KBUDDY_BAD_FREE_NOT_HEAD,
	KBUDDY_BAD_FREE_DOUBLE,
	KBUDDY_BAD_FREE_WRONG_ORDER,
	KBUDDY_BAD_FREE_WRONG_ALLOCATOR,
	KBUDDY_PAGE_POISON_OVERWRITTEN,	/* free blocks written to (debug.c) */
	KBUDDY_CLEAR_FREED,	/* pages freed with KBUDDY_FREE_CLEARED */
	KBUDDY_CLEAR_REUSED,	/* pages a zeroing request found zero */
	KBUDDY_RED_ZONE_OVERWRITTEN,	/* malloc blocks' red zones (debug.c) */
	KBUDDY_NR_COUNTERS,
};

extern const char *const kbuddy_counter_names[KBUDDY_NR_COUNTERS];

/**
 * struct kbuddy_stats - what a pool has done, for debugfs and tests
 * @alloc: successful allocations per order
 * @free: successful frees per order
 * @fail: failed allocations per order
 * @counter: the enum kbuddy_counter events
 * @held_peak: most pages ever out of the free lists at once (allocated,
 *	cached per CPU or in slabs)
 */
struct kbuddy_stats {
	unsigned long alloc[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long free[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long fail[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long counter[KBUDDY_NR_COUNTERS];
	unsigned long held_peak;
};

/**
 * struct kbuddy_pool_stats - a pool's page counters, CPUs' caches merged in
 * @max_order: the pool's max_order
 * @nr_regions: regions in the pool
 * @nr_pages: pages in all regions
 * @nr_free: free pages in the free lists
 * @pcp_pages: free pages held in CPUs' caches, at most the pages not in the
 *	free lists
 * @stats: the pool's counters, with the allocations and frees the CPUs'
 *	caches served added to their orders
 * @pcp_events: the enum kbuddy_pcp_counter counters, summed over the CPUs
 */
struct kbuddy_pool_stats {
	unsigned int max_order;
	unsigned int nr_regions;
	unsigned long nr_pages;
	unsigned long nr_free;
	unsigned long pcp_pages;
	struct kbuddy_stats stats;
	unsigned long pcp_events[KBUDDY_NR_PCP_COUNTERS];
};

#include "fault.h"

/**
 * struct kbuddy_pool - a buddy allocator over one or more regions
 * @lock: protects @nr_pages, @nr_free, @seq, @stats, @contig_cursor, the free
 *	areas, nr_free and descriptors' order and state of every region, and the
 *	growth of @nr_regions; taken with irqsave. Block tags follow "Ownership" above.
 * @max_order: blocks have orders 0 .. @max_order - 1; fixed at creation
 * @page_orders: @max_order for a KBUDDY_POOL_RAM pool, else 0: the orders
 *	kbuddy_alloc_pages() and the malloc family serve, so that one compare
 *	refuses both a bad order and a pool without a mapping; fixed at creation
 * @kind: an enum kbuddy_pool_kind; fixed at creation
 * @nr_regions: regions in use in @regions; grows only, under @lock, with
 *	release semantics so that kbuddy_find_region() may read it locklessly
 * @regions: the regions, filled in before @nr_regions counts them
 * @nr_pages: pages in all regions
 * @nr_free: free pages in all regions
 * @seq: bumped by every change to the free areas, so that a check done in
 *	chunks (validate) knows whether the pool changed between two chunks
 * @stats: counters
 * @contig_cursor: the pfn just past the last run KBUDDY_CONTIG_NEXT_FIT
 *	placed, where the next next-fit search starts (contig.c); 0 at first
 * @pcp: per-CPU caches of small free blocks, or NULL when disabled; set
 *	before the pool is visible and never changed after
 * @pcp_orders: orders below this are cached per CPU
 *	(kbuddy_pcp_orders_for() of @nr_pages); grows as regions are added,
 *	under @lock, read locklessly
 * @caches_lock: protects @caches
 * @caches: the pool's slab caches, kmalloc size classes first
 * @kmalloc: the malloc family's size classes, smallest first; set when
 *	the pool is created
 * @fault: fault injection at the pool's allocation sites (fault.c)
 * @debug: KBUDDY_CACHE_STORE_USER if the pool records who allocated each
 *	block (debug=U when it was created), KBUDDY_CACHE_POISON if it keeps
 *	its free memory poisoned (debug=P); set at creation
 * @node: on the list of all pools, under kbuddy_pools_mutex
 * @debugfs: debugfs.c's state for this pool, or NULL
 * @hist: the request and latency histogram (histogram.h), or NULL until
 *	it is first turned on; set once under histogram.c's
 *	kbuddy_hist_mutex, read locklessly, freed with the pool
 * @name: the pool's name, as in /sys/kernel/debug/kbuddy/<name>/
 * @offer_id: the id /dev/kbuddy knows the pool by (offer.c), 0 while it
 *	is not offered; written under offer.c's kbuddy_offer_mutex and the
 *	lock of its id table together, read under either, or locklessly
 *	(READ_ONCE) as a snapshot by debugfs
 * @wc: KBUDDY_POOL_WC: the memory is mapped write-combined (an iomem
 *	pool's by its owner, a RAM pool's by kbuddy: memremap() of reserved
 *	ranges, set_memory_wc() of the linear map's pages);
 *	set at creation, never changed
 * @sparse: KBUDDY_POOL_SPARSE: every region it adds is sparse
 *	(kbuddy_region.sparse); set at creation, never changed
 * @offer_owner: the module kbuddy_pool_offer() was given, pinned by each
 *	buffer of the pool; written and read as @offer_id
 * @users: 1 for the pool itself, plus 1 per /dev/kbuddy buffer of it
 *	(offer.c); taken only under the id table's lock while the pool is
 *	offered; kbuddy_pool_destroy() refuses while it is above 1, so it never
 *	drops to 0 but in the destroy
 */
struct kbuddy_pool {
	/*
	 * Read by every fast path and written rarely: first, in a few cache
	 * lines (and, under emulation, one page) with the first regions,
	 * away from the lock and the pool's counters written under it (a
	 * region's own nr_free still sits among the regions).
	 */
	unsigned int max_order;
	unsigned int page_orders;
	unsigned int pcp_orders;
	unsigned int nr_regions;
	struct kbuddy_pcp __percpu *pcp;
	unsigned long debug;
	enum kbuddy_pool_kind kind;
	bool wc;
	bool sparse;
	struct kbuddy_cache *kmalloc[KBUDDY_NR_KMALLOC];
	struct kbuddy_region regions[KBUDDY_MAX_REGIONS];

	spinlock_t lock; /* see above */
	unsigned long nr_pages;
	unsigned long nr_free;
	unsigned long seq;
	struct kbuddy_stats stats;
	unsigned long contig_cursor;

	struct mutex caches_lock; /* see above */
	struct list_head caches;

	struct kbuddy_fault fault;

	struct list_head node;
	void *debugfs;
	struct kbuddy_hist *hist;
	char name[KBUDDY_NAME_LEN + 1];
	u32 offer_id;
	struct module *offer_owner;
	refcount_t users;
};

/* ==== The map of a pool (map.c) ========================================== */

/* What a block is, as the map file names it (kbuddy_map_state_name()). */
enum kbuddy_map_state {
	KBUDDY_MAP_FREE,	/* in the free lists */
	KBUDDY_MAP_PCP,		/* free, parked in a CPU's page cache */
	KBUDDY_MAP_PAGES,	/* a kbuddy_alloc_pages() block */
	KBUDDY_MAP_MALLOC,	/* a kbuddy_malloc() whole block */
	KBUDDY_MAP_CONTIG,	/* a block of a contig run or a block list */
	KBUDDY_MAP_SLAB,	/* a slab of a cache */
	KBUDDY_MAP_UNKNOWN,	/* a page no block head accounts for */
	KBUDDY_NR_MAP_STATES,
};

/**
 * struct kbuddy_map_rec - @count consecutive blocks of one order and state
 * @page: the first block's page, counted from its region's first page
 * @count: blocks
 * @order: each block's order
 * @state: an enum kbuddy_map_state
 * @cache: for KBUDDY_MAP_SLAB, the cache's name; else empty
 */
struct kbuddy_map_rec {
	unsigned long page;
	unsigned long count;
	u8 order;
	u8 state;
	char cache[KBUDDY_NAME_LEN + 1];
};

/* Blocks a read of the map file examines per hold of the pool's lock. */
#define KBUDDY_MAP_STEP	256

/**
 * struct kbuddy_map_cursor - where kbuddy_map_step() goes on
 * @region: the region's index
 * @page: the page in it, from 0
 */
struct kbuddy_map_cursor {
	unsigned int region;
	unsigned long page;
};

typedef void (*kbuddy_pool_fn)(struct kbuddy_pool *pool, void *ctx);
void kbuddy_pools_walk(kbuddy_pool_fn fn, void *ctx);
const char *kbuddy_map_state_name(unsigned int state);
unsigned int kbuddy_map_step(struct kbuddy_pool *pool,
			     struct kbuddy_map_cursor *cur,
			     struct kbuddy_map_rec *rec, unsigned int max);

/* ==== Slab caches: slabs (slab.c) and magazines (magazine.c) ============= */

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
 * @cpu: the CPU whose magazines were filled from it, or -1 (a placement
 *	hint: kbuddy_slab_obj_get())
 * @rcu: the descriptor is freed after a grace period, so that a lockless
 *	lookup from a page descriptor never touches freed memory
 * @track: with KBUDDY_CACHE_STORE_USER, KBUDDY_NR_TRACKS per object (who
 *	allocated and who freed it, debug.c), in the descriptor's allocation
 *	after @state; else NULL. Written by the object's owner
 * @state: an enum kbuddy_obj_state per object
 *
 * The descriptor lives outside the pool's memory. @node, @freelist, @inuse,
 * @cpu and the FREE state are protected by the cache's lock; an object's CACHED
 * and ALLOC states belong to whoever holds the object.
 */
struct kbuddy_slab {
	struct list_head node;
	struct kbuddy_cache *cache;
	void *base;
	void *freelist;
	unsigned int inuse;
	int cpu;
	struct rcu_head rcu;
	struct kbuddy_track *track;
	u8 state[];
};

/*
 * One object in a magazine, with its state byte and its slab, so that
 * neither a pop nor a return to the slab needs a lookup.
 */
struct kbuddy_round {
	void *obj;
	u8 *state;
	struct kbuddy_slab *slab;
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

/*
 * Per-CPU counters of a cache's magazine layer;
 * kbuddy_mag_counter_names[] in report.c.
 */
enum kbuddy_mag_counter {
	KBUDDY_MAG_ALLOC_FAST,	/* allocations served from a magazine */
	KBUDDY_MAG_FREE_FAST,	/* frees taken by a magazine */
	KBUDDY_NR_MAG_COUNTERS,
};

/**
 * struct kbuddy_mag_cpu - a cache's magazines on one CPU (magazine.c)
 * @lock: taken by the slow paths, drains and checks on the CPU, with
 *	interrupts off (local_lock_irqsave()), and by the fast paths on
 *	PREEMPT_RT only. It protects @loaded and @previous (which magazine is
 *	which, and their rounds but the loaded one's count) and the slow
 *	paths' use of @top. Only the CPU changes them, or the hotplug callback
 *	once the CPU is dead. A swap with the depot also holds the cache's
 *	lock, under which kbuddy_mag_info() reads @top, @previous's rounds
 *	and @count from other CPUs without this lock (a snapshot).
 * @top: the loaded magazine's rounds (the low KBUDDY_MAG_TID_SHIFT bits;
 *	its ->rounds is stale while it is loaded) and a transaction id above
 *	them. The fast paths change it only by this_cpu_cmpxchg() with
 *	preemption off, each adding KBUDDY_MAG_TID_STEP, so that a fast path
 *	an interrupt came into retries (SLUB's tid, mm/slub.c); the slow paths
 *	write it under @lock with interrupts off, adding a step too.
 * @loaded: the magazine allocations pop from and frees push to; changed
 *	only in task context under @lock (an interrupt's slow path goes to
 *	the slabs instead), so a fast path's round is in it
 * @previous: the other magazine, full or empty, swapped in when @loaded runs
 *	out (Bonwick's two-magazine rule bounds depot trips)
 * @pushing: set while a fast path free on the CPU writes a round (three
 *	words) above the top; an interrupt's free then goes to the slab
 * @count: the enum kbuddy_mag_counter counters, this_cpu_inc()ed
 */
struct kbuddy_mag_cpu {
	local_lock_t lock; /* see above */
	unsigned long top;
	unsigned int pushing;
	struct kbuddy_magazine *loaded;
	struct kbuddy_magazine *previous;
	unsigned long count[KBUDDY_NR_MAG_COUNTERS];
};

/*
 * Counters of a cache under its lock, of both layers (the depot's are
 * magazine.c's, the slabs' slab.c's); kbuddy_cache_counter_names[] in report.c.
 */
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
	KBUDDY_CACHE_POISON_OVERWRITTEN, /* free objects written to (debug.c) */
	KBUDDY_CACHE_RED_ZONE_OVERWRITTEN, /* red zones written to (debug.c) */
	KBUDDY_CACHE_NOCPU,	/* went past the magazines (an interrupt) */
	KBUDDY_NR_CACHE_COUNTERS,
};

extern const char *const kbuddy_cache_counter_names[KBUDDY_NR_CACHE_COUNTERS];
extern const char *const kbuddy_mag_counter_names[KBUDDY_NR_MAG_COUNTERS];

/* Flags of kbuddy_cache_create() that are not public. */
#define KBUDDY_CACHE_KMALLOC	BIT(31)	/* a malloc size class */

/**
 * struct kbuddy_cache - a cache of fixed-size objects on a pool
 * @pool: the pool its slabs come from
 * @object_size: bytes the user asked for
 * @size: stride between objects: object, red zone, free pointer if
 *	outside, alignment (Documentation/design.rst, "Object layout")
 * @align: alignment of every object
 * @offset: where the free pointer sits in a free object; with
 *	KBUDDY_CACHE_RED_ZONE also the end of the red zone, which runs from
 *	@object_size
 * @order: order of every slab
 * @objects: objects per slab
 * @span: @objects * @size, the bytes of a slab its objects cover
 * @mag_size: rounds per magazine (set by kbuddy_mag_init())
 * @depot_max: full magazines the depot keeps before flushing to slabs (set
 *	by kbuddy_mag_init())
 * @flags: KBUDDY_CACHE_* flags
 * @ctor: constructor run once per object when its slab is made, or NULL
 * @random: the key free pointers are XORed with
 * @index_mul: ceil(2^32 / @size), to divide by @size with one multiply
 *	(where KBUDDY_SLAB_MUL_INDEX)
 * @reciprocal_size: for dividing by @size without a division (elsewhere)
 * @cpu: per-CPU magazines (see struct kbuddy_mag_cpu for their lock)
 * @lock: protects everything below but @node, @rcu and @name, and slabs'
 *	freelists (see struct kbuddy_slab); taken with irqsave, or plainly
 *	under a CPU's magazine local_lock with interrupts already off; inside
 *	that local_lock and before the pool's lock (see "Lock order")
 * @partial: slabs with free and used objects
 * @full: slabs with no free object
 * @empty: slabs with no used object
 * @nr_partial: slabs on @partial
 * @nr_full: slabs on @full
 * @nr_empty: slabs on @empty
 * @nr_inuse: objects not on a freelist, in all slabs (handed out or cached)
 * @seq: bumped by every change to the slab lists, freelists and depot, so
 *	that a check done in steps (validate) knows whether the cache changed
 * @depot_full: full magazines (the depot: magazine.c)
 * @depot_empty: empty magazines
 * @nr_depot_full: magazines on @depot_full
 * @nr_depot_empty: magazines on @depot_empty
 * @count: the enum kbuddy_cache_counter counters
 * @node: on the pool's list of caches, under the pool's caches_lock
 * @rcu: the cache is freed after a grace period: a lockless lookup from an
 *	object (tag -> slab -> cache) may still read it
 * @name: shown in slabinfo
 *
 * The fields above @lock are set at creation and never change.
 */
struct kbuddy_cache {
	struct kbuddy_pool *pool;
	unsigned int object_size;
	unsigned int size;
	unsigned int align;
	unsigned int offset;
	unsigned int order;
	unsigned int objects;
	unsigned int span;
	unsigned int mag_size;
	unsigned int depot_max;
	unsigned long flags;
	void (*ctor)(void *obj);
	unsigned long random;
	u32 index_mul;
	struct reciprocal_value reciprocal_size;
	struct kbuddy_mag_cpu __percpu *cpu;

	spinlock_t lock; /* see above */
	struct list_head partial;
	struct list_head full;
	struct list_head empty;
	unsigned long nr_partial;
	unsigned long nr_full;
	unsigned long nr_empty;
	unsigned long nr_inuse;
	unsigned long seq;
	struct list_head depot_full;
	struct list_head depot_empty;
	unsigned long nr_depot_full;
	unsigned long nr_depot_empty;
	unsigned long count[KBUDDY_NR_CACHE_COUNTERS];

	struct list_head node;
	struct rcu_head rcu;
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
 * @mag_count: the per-CPU counters, summed
 */
struct kbuddy_cache_info {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned long cached_objs;
	unsigned long count[KBUDDY_NR_CACHE_COUNTERS];
	unsigned long mag_count[KBUDDY_NR_MAG_COUNTERS];
};

/* Called once per problem found, with a printf format and its arguments. */
typedef void (*kbuddy_report_fn)(void *ctx, const char *fmt, va_list args)
	__printf(2, 0);

/*
 * Long walks (validate, leak reports) take a lock for at most this many
 * pages, list entries or bits at a time, so that interrupts stay off for a
 * bounded time whatever the size of a region.
 */
#define KBUDDY_CHECK_CHUNK	1024
/* Passes such a walk makes before it gives up on a pool that keeps changing. */
#define KBUDDY_CHECK_TRIES	16

/*
 * On PREEMPT_RT kbuddy's locks sleep: a caller that cannot sleep there (hard
 * interrupt, interrupts or preemption disabled by hand, a raw spinlock held)
 * is refused, as kmalloc() refuses it. Elsewhere every context but NMI works.
 */
static inline bool kbuddy_context_refused(void)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible();
}

/* report.c (the sink and the refusals: report.h) */
__printf(3, 4) void kbuddy_report(kbuddy_report_fn report, void *ctx,
				  const char *fmt, ...);

/* buddy.c: the page allocator proper. */
int kbuddy_region_init(struct kbuddy_pool *pool, struct kbuddy_region *r);
void kbuddy_region_fini(struct kbuddy_pool *pool, struct kbuddy_region *r);
unsigned long kbuddy_region_report_used(struct kbuddy_pool *pool,
					struct kbuddy_region *r,
					kbuddy_report_fn report, void *ctx);
long kbuddy_regions_validate(struct kbuddy_pool *pool, kbuddy_report_fn report,
			     void *ctx);
int kbuddy_region_free_map(struct kbuddy_pool *pool, unsigned int idx, u8 *map);
void kbuddy_pool_init(struct kbuddy_pool *pool, const char *name,
		      unsigned int max_order, enum kbuddy_pool_kind kind);
void *kbuddy_unmapped_refused(struct kbuddy_pool *pool, const char *what);
void *kbuddy_block_alloc(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp, unsigned long tag);
int kbuddy_block_free(struct kbuddy_pool *pool, void *addr, unsigned int order,
		      unsigned long tag, unsigned long caller);
int kbuddy_block_order(struct kbuddy_pool *pool, const void *addr,
		       unsigned int kind);
int kbuddy_block_resize(struct kbuddy_pool *pool, void *addr,
			unsigned int order, unsigned int new_order);
struct kbuddy_slab *kbuddy_page_slab(struct kbuddy_pool *pool,
				     const void *addr);
unsigned int kbuddy_alloc_batch(struct kbuddy_pool *pool, unsigned int order,
				struct kbuddy_pcp_block *out, unsigned int n);
void kbuddy_free_batch(struct kbuddy_pool *pool, unsigned int order,
		       struct kbuddy_pcp_block *blocks, unsigned int n);
void kbuddy_count_fail(struct kbuddy_pool *pool, unsigned int order);
void kbuddy_count(struct kbuddy_pool *pool, enum kbuddy_counter counter);
void *kbuddy_alloc_reclaim(struct kbuddy_pool *pool, unsigned int order,
			   gfp_t gfp, unsigned long tag);
bool kbuddy_reclaim(struct kbuddy_pool *pool, gfp_t gfp);
struct kbuddy_region *kbuddy_region_of_phys(struct kbuddy_pool *pool,
					    phys_addr_t phys);
/* The buddy core's steps, for contig.c; under the pool's lock. */
void kbuddy_add_free_block(struct kbuddy_region *r, unsigned long pfn,
			   unsigned int order, bool clear);
void kbuddy_del_free_block(struct kbuddy_region *r, struct kbuddy_page *page,
			   unsigned long pfn, unsigned int order);
unsigned int kbuddy_free_one_block(unsigned int max_order,
				   struct kbuddy_region *r, unsigned long pfn,
				   unsigned int order, bool clear);
struct kbuddy_region *kbuddy_block_take(struct kbuddy_pool *pool,
					unsigned int order, unsigned long tag,
					unsigned long *pfnp, struct kbuddy_need *need);
int kbuddy_need_fill(struct kbuddy_need *need, gfp_t gfp);
bool kbuddy_span_ready(struct kbuddy_pool *pool, struct kbuddy_region *r,
		       unsigned long pfn, unsigned long end,
		       struct kbuddy_need *need);
void kbuddy_set_tag(struct kbuddy_region *r, unsigned long pfn,
		    unsigned int order, unsigned long tag);
enum kbuddy_counter kbuddy_check_block(struct kbuddy_pool *pool, void *addr,
				       unsigned int order, unsigned long tag,
				       struct kbuddy_region **rp,
				       unsigned long *pfnp);
enum kbuddy_counter kbuddy_check_block_pfn(struct kbuddy_pool *pool,
					   struct kbuddy_region *r,
					   unsigned long pfn, unsigned int order,
					   unsigned long tag);
void kbuddy_refuse_free(struct kbuddy_pool *pool, void *addr,
			unsigned int order, enum kbuddy_counter bad,
			unsigned long caller);
void kbuddy_stats_snapshot(struct kbuddy_pool *pool, struct kbuddy_stats *st,
			   unsigned long *nr_pages, unsigned long *nr_free);
unsigned int kbuddy_region_free_counts(struct kbuddy_pool *pool,
				       unsigned int i, unsigned long *nr_free);

/* dmabuf.c: /dev/kbuddy, where the kernel has dma-bufs */
#if IS_ENABLED(CONFIG_DMA_SHARED_BUFFER)
int kbuddy_dev_init(void);
void kbuddy_dev_exit(void);
int kbuddy_dev_revoke(struct kbuddy_pool *pool);
struct dma_buf *kbuddy_dev_export(u64 pool_id, u64 size);
#else
static inline int kbuddy_dev_init(void) { return 0; }
static inline void kbuddy_dev_exit(void) { }
static inline int kbuddy_dev_revoke(struct kbuddy_pool *pool) { return 0; }
#endif

/* offer.c: pools offered to userspace by id */

/**
 * struct kbuddy_offered - what /dev/kbuddy tells of an offered pool
 * @id: its id
 * @kind: its enum kbuddy_pool_kind
 * @wc: its memory is mapped write-combined (KBUDDY_POOL_WC)
 * @nr_pages: pages in it
 * @nr_free: free pages in it (not counting the CPUs' caches)
 * @name: its name
 */
struct kbuddy_offered {
	u32 id;
	enum kbuddy_pool_kind kind;
	bool wc;
	unsigned long nr_pages;
	unsigned long nr_free;
	char name[KBUDDY_NAME_LEN + 1];
};

/* The default pool's id: offered first, at load. */
#define KBUDDY_OFFER_DEFAULT_ID	1

struct kbuddy_pool *kbuddy_offer_get(u64 id, struct module **owner);
void kbuddy_offer_put(struct kbuddy_pool *pool, struct module *owner);
int kbuddy_offer_find(u64 id, bool after, struct kbuddy_offered *out);
int kbuddy_offer_destroy(struct kbuddy_pool *pool);
u32 kbuddy_pool_offer_id(struct kbuddy_pool *pool);
void kbuddy_offer_module_going(struct module *owner);
int kbuddy_offer_init(void);
void kbuddy_offer_exit(void);

/* debugfs.c */
int kbuddy_debugfs_init(void);
void kbuddy_debugfs_exit(void);
void kbuddy_debugfs_add_pool(struct kbuddy_pool *pool);
void kbuddy_debugfs_remove_pool(struct kbuddy_pool *pool);

/* histogram.c: a pool's histogram file and its end (the hooks: histogram.h) */
void kbuddy_hist_debugfs(struct kbuddy_pool *pool, struct dentry *dir);
void kbuddy_hist_fini(struct kbuddy_pool *pool);

/* pcp.c: the page interface, through the per-CPU page caches. */
void *kbuddy_alloc_kind(struct kbuddy_pool *pool, unsigned int order,
			gfp_t gfp, unsigned int kind);
int kbuddy_free_kind(struct kbuddy_pool *pool, void *addr, unsigned int order,
		     unsigned int kind, unsigned long caller);
int kbuddy_pcp_init(struct kbuddy_pool *pool);
void kbuddy_pcp_fini(struct kbuddy_pool *pool);
void kbuddy_pcp_drain_cpu(struct kbuddy_pool *pool, int cpu);
long kbuddy_pcp_validate(struct kbuddy_pool *pool, kbuddy_report_fn report,
			 void *ctx);
void kbuddy_pcp_stats(struct kbuddy_pool *pool, unsigned long *alloc,
		      unsigned long *free, unsigned long *events,
		      unsigned long *held_pages);
void kbuddy_pool_stats(struct kbuddy_pool *pool, struct kbuddy_pool_stats *ps);

/* Page frame arithmetic of a region, for buddy.c and buddy_check.c. */
static inline unsigned long kbuddy_region_end_pfn(const struct kbuddy_region *r)
{
	return r->base_pfn + r->nr_pages;
}

/*
 * The order of the largest aligned block at @pfn that fits below @end, at
 * most the pool's top order: how free pages around a held range, a run's
 * blocks and a freed range lie (buddy.c, contig.c).
 */
static inline unsigned int kbuddy_span_order(const struct kbuddy_pool *pool,
					     unsigned long pfn, unsigned long end)
{
	unsigned int order = __fls(end - pfn);

	if (pfn)
		order = min_t(unsigned int, order, __ffs(pfn));
	return min(order, pool->max_order - 1);
}

/* The bit of the buddy pair holding @pfn at @order. */
static inline unsigned long kbuddy_pair_bit(const struct kbuddy_region *r,
					    unsigned long pfn, unsigned int order)
{
	return (pfn >> (order + 1)) - (r->base_pfn >> (order + 1));
}

static inline unsigned long kbuddy_map_bits(const struct kbuddy_region *r,
					    unsigned int order)
{
	return kbuddy_pair_bit(r, kbuddy_region_end_pfn(r) - 1, order) + 1;
}

/*
 * What a page of a sparse region that no leaf holds reads as: inside a
 * block, no state, no tag. Read-only data: a write through it faults
 * rather than change every absent page of every sparse pool at once.
 */
extern const struct kbuddy_page kbuddy_absent_desc;

/* Out of line: the flat path's inline lookup stays a load and a branch. */
struct kbuddy_page *kbuddy_sparse_desc(const struct kbuddy_region *r,
				       unsigned long pfn);

/*
 * The descriptor of @pfn. In a sparse region, one no leaf holds reads as
 * kbuddy_absent_desc: only a descriptor made ready (kbuddy_desc_ready())
 * may be written.
 */
static __always_inline struct kbuddy_page *
kbuddy_desc(const struct kbuddy_region *r, unsigned long pfn, bool sparse)
{
	if (unlikely(sparse))
		return kbuddy_sparse_desc(r, pfn);
	return &r->pages[pfn - r->base_pfn];
}

static inline struct kbuddy_page *kbuddy_pfn_desc(const struct kbuddy_region *r,
						  unsigned long pfn)
{
	return kbuddy_desc(r, pfn, r->sparse);
}

/* The pfn of @page, a descriptor of @r (in a sparse region, a free head's). */
static inline unsigned long kbuddy_desc_pfn(const struct kbuddy_region *r,
					    const struct kbuddy_page *page)
{
#ifdef CONFIG_64BIT
	if (unlikely(r->sparse))
		return r->base_pfn + ((unsigned long)page->idx_hi << 32 | page->idx_lo);
#endif
	return r->base_pfn + (page - r->pages);
}

/* Record @pfn in @page, about to be a free head, if @r is sparse. */
static inline void kbuddy_desc_set_pfn(const struct kbuddy_region *r,
				       struct kbuddy_page *page, unsigned long pfn)
{
#ifdef CONFIG_64BIT
	if (unlikely(r->sparse)) {
		/* A list entry's pfn, which no pointer arithmetic gives here. */
		page->idx_hi = (pfn - r->base_pfn) >> 32;
		page->idx_lo = pfn - r->base_pfn;
	}
#endif
}

/*
 * May the descriptor of @pfn in @r be written? Always in a flat region; in
 * a sparse one if its leaf exists, else it is noted in @need. A lookup
 * only: nothing is allocated under the pool's lock.
 */
static inline bool kbuddy_desc_ready(struct kbuddy_region *r, unsigned long pfn,
				     struct kbuddy_need *need)
{
	if (likely(!r->sparse) ||
	    xa_load(&r->descs.leaves, (pfn - r->base_pfn) >> KBUDDY_LEAF_SHIFT))
		return true;
	if (need->nr < KBUDDY_NEED_MAX) {
		need->region = r;
		need->pfn[need->nr++] = pfn;
	}
	return false;
}

/*
 * The next pfn from @pfn, below @end, whose descriptor may be other than
 * all zero: @pfn itself in a flat region; in a sparse one the first page of
 * a leaf that exists, or @end. Walkers step over absent leaves with it.
 */
static inline unsigned long kbuddy_desc_next(const struct kbuddy_region *r,
					     unsigned long pfn, unsigned long end)
{
	struct kbuddy_region *w = (struct kbuddy_region *)r;
	unsigned long i;

	if (likely(!r->sparse) || pfn >= end)
		return pfn;
	i = (pfn - r->base_pfn) >> KBUDDY_LEAF_SHIFT;
	if (!xa_find(&w->descs.leaves, &i, ULONG_MAX, XA_PRESENT))
		return end;
	return clamp(r->base_pfn + (i << KBUDDY_LEAF_SHIFT), pfn, end);
}

static inline void *kbuddy_pfn_virt(const struct kbuddy_region *r, unsigned long pfn)
{
	return r->virt + ((pfn - r->base_pfn) << PAGE_SHIFT);
}

static inline bool kbuddy_pfn_in_region(const struct kbuddy_region *r,
					unsigned long pfn)
{
	return pfn >= r->base_pfn && pfn < kbuddy_region_end_pfn(r);
}

/* Is @pfn, in @r, the head of a free block of exactly @order? */
static inline bool kbuddy_is_free_head(const struct kbuddy_region *r, unsigned long pfn,
				       unsigned int order)
{
	const struct kbuddy_page *page;

	if (!kbuddy_pfn_in_region(r, pfn))
		return false;
	page = kbuddy_pfn_desc(r, pfn);
	return page->state == KBUDDY_PAGE_FREE && page->order == order;
}

/* A slab object's free pointer and address, for slab.c and slab_check.c. */
static inline unsigned long *kbuddy_freeptr_slot(const struct kbuddy_cache *c,
						 void *obj)
{
	return obj + c->offset;
}

/* The hardened free pointer of mm/slub.c: key ^ pointer ^ swab(address). */
static inline void kbuddy_set_freeptr(const struct kbuddy_cache *c, void *obj,
				      void *next)
{
	unsigned long *slot = kbuddy_freeptr_slot(c, obj);

	*slot = (unsigned long)next ^ c->random ^ swab((unsigned long)slot);
}

static inline void *kbuddy_get_freeptr(const struct kbuddy_cache *c, void *obj)
{
	unsigned long *slot = kbuddy_freeptr_slot(c, obj);

	return (void *)(*slot ^ c->random ^ swab((unsigned long)slot));
}

/* Pool memory is named by physical address in messages, not by pointer. */
static inline u64 kbuddy_obj_phys(const struct kbuddy_cache *c, const void *p)
{
	return kbuddy_virt_to_phys(c->pool, p);
}

static inline unsigned long kbuddy_slab_bytes(const struct kbuddy_cache *c)
{
	return PAGE_SIZE << c->order;
}

/*
 * The region holding @addr, or NULL. Regions are published whole before
 * nr_regions counts them and never change after, so no lock is needed. An
 * address below a region's start wraps to a huge offset, so one unsigned
 * compare bounds both ends.
 */
static inline struct kbuddy_region *kbuddy_find_region(struct kbuddy_pool *pool,
						       const void *addr)
{
	/* Pairs with the release in kbuddy_region_publish(). */
	unsigned int nr = smp_load_acquire(&pool->nr_regions);
	struct kbuddy_region *r = pool->regions, *end;

	/* Most pools have one region: it is tried before the loop is set up. */
	if (likely(nr) &&
	    (unsigned long)addr - (unsigned long)r->virt < r->bytes)
		return r;
	for (end = r + nr, r++; r < end; r++)
		if ((unsigned long)addr - (unsigned long)r->virt < r->bytes)
			return r;
	return NULL;
}

/*
 * The tag of the page holding @addr, or 0 outside the pool: a lockless
 * read, which picks a path but decides nothing (see "Ownership").
 */
static inline unsigned long kbuddy_tag_of(struct kbuddy_pool *pool,
					  const void *addr)
{
	struct kbuddy_region *r = kbuddy_find_region(pool, addr);

	if (!r)
		return 0;
	return READ_ONCE(r->pages[((unsigned long)addr - (unsigned long)r->virt) >>
				  PAGE_SHIFT].tag);
}

/* ==== Between the slab layer (slab.c) and the magazine layer (magazine.c)
 *
 * magazine.c owns the per-CPU magazines and the depot, and the alloc and free
 * paths through them; slab.c owns slabs, freelists and the cache's
 * lifecycle. What one asks of the other is declared here and nowhere else.
 * The helpers that the free fast path needs are inline, so that it stays in
 * one function.
 */

/*
 * Index of @obj in @slab, or -1 if @obj is not the start of one of its
 * objects.
 */
static inline long kbuddy_obj_index(const struct kbuddy_cache *c,
				    const struct kbuddy_slab *slab,
				    const void *obj)
{
	/* Below the slab, the offset wraps and fails the bound. */
	unsigned long offset = (unsigned long)obj - (unsigned long)slab->base;
	unsigned long idx;

	/* Below @span, an exact multiple of @size is an object's start. */
	if (unlikely(offset >= c->span))
		return -1;
	if (KBUDDY_SLAB_MUL_INDEX)
		idx = ((u64)offset * c->index_mul) >> 32;
	else
		idx = reciprocal_divide(offset, c->reciprocal_size);
	if (unlikely(idx * c->size != offset))
		return -1;
	return idx;
}

/*
 * The RCU read-side section of a free's lockless lookup (see "Lifetimes").
 * Preemption off is one on every kernel since RCU's flavours were
 * consolidated (v5.0): synchronize_rcu() and kfree_rcu() wait for it, and
 * it costs no call, where rcu_read_lock() is a call on PREEMPT_RCU kernels
 * (Debian's). On PREEMPT_RT the local_lock taken inside may sleep, so there
 * it is rcu_read_lock().
 */
static __always_inline void kbuddy_lookup_begin(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		rcu_read_lock();
	else
		preempt_disable();
}

static __always_inline void kbuddy_lookup_end(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		rcu_read_unlock();
	else
		preempt_enable();
}

/* The slab holding @obj, if any; caller in an RCU read-side section. */
static inline struct kbuddy_slab *kbuddy_obj_slab(struct kbuddy_pool *pool,
						  const void *obj)
{
	unsigned long tag = kbuddy_tag_of(pool, obj);

	return kbuddy_tag_is_slab(tag) ? (struct kbuddy_slab *)tag : NULL;
}

/*
 * Take an object from ALLOC to CACHED by its state byte: the one way a free
 * takes an object (see "Ownership"). Return: true if this caller won.
 */
static inline bool kbuddy_obj_claim(u8 *state)
{
	u8 old = KBUDDY_OBJ_ALLOC;

	return try_cmpxchg(state, &old, KBUDDY_OBJ_CACHED);
}

/*
 * slab.c, for magazine.c: under the cache's lock, take a FREE object off a
 * slab as CACHED (NULL if none) and give a CACHED one back; without it,
 * grow the cache by a slab and take one object ALLOC; classify and refuse
 * a free the fast path found bad.
 */
unsigned int kbuddy_slab_obj_get(struct kbuddy_cache *c, int cpu,
				 struct kbuddy_round *round, unsigned int n);
void kbuddy_slab_obj_put(struct kbuddy_cache *c, struct kbuddy_slab *slab,
			 void *obj, u8 *state);
void *kbuddy_slab_grow(struct kbuddy_cache *c, gfp_t gfp);
int kbuddy_cache_bad_free(struct kbuddy_cache *c, void *obj,
			  unsigned long caller);

struct kbuddy_sink;

/*
 * magazine.c, for slab.c: make and free a cache's magazines, drain them
 * into the slabs, count them (under the cache's lock), check them.
 */
int kbuddy_mag_init(struct kbuddy_cache *c);
void kbuddy_mag_fini(struct kbuddy_cache *c);
void kbuddy_mag_drain_all(struct kbuddy_cache *c, bool dead_too);
void kbuddy_mag_drain_cpus_locked(struct kbuddy_cache *c, bool dead_too);
unsigned long kbuddy_mag_parked(struct kbuddy_cache *c);
bool kbuddy_caches_reclaim(struct kbuddy_pool *pool);
unsigned long kbuddy_mag_info(struct kbuddy_cache *c,
			      struct kbuddy_cache_info *info);
void kbuddy_mag_check_cpus(struct kbuddy_cache *c, struct kbuddy_sink *sink);
void kbuddy_mag_check_depot(struct kbuddy_cache *c, struct kbuddy_sink *sink,
			    struct kbuddy_magazine *mag, bool full);

/* magazine.c, for pool.c and kmalloc.c */
void kbuddy_cache_drain_cpu(struct kbuddy_cache *c, int cpu);

/* slab.c */
struct kbuddy_cache *kbuddy_obj_cache(struct kbuddy_pool *pool,
				      const void *obj);
int kbuddy_cache_refuse_free(struct kbuddy_cache *c, const void *obj,
			     enum kbuddy_cache_counter bad,
			     unsigned long caller);
void kbuddy_cache_info(struct kbuddy_cache *c, struct kbuddy_cache_info *info);
long kbuddy_cache_validate(struct kbuddy_cache *c, kbuddy_report_fn report,
			   void *ctx);
long kbuddy_cache_validate_cpus_locked(struct kbuddy_cache *c,
				       kbuddy_report_fn report, void *ctx);
void kbuddy_cache_destroy_forced(struct kbuddy_cache *c);
struct kbuddy_cache *kbuddy_cache_create_flags(struct kbuddy_pool *pool,
					       const char *name,
					       unsigned int size,
					       unsigned int align,
					       unsigned long flags,
					       void (*ctor)(void *obj));
int kbuddy_visit_caches(struct kbuddy_pool *pool,
			int (*fn)(const struct kbuddy_cache *c,
				  const struct kbuddy_cache_info *info,
				  void *arg),
			void *arg);

/* kmalloc.c */
int kbuddy_kmalloc_init(struct kbuddy_pool *pool);
void kbuddy_kmalloc_fini(struct kbuddy_pool *pool);

/* region.c */
void kbuddy_region_publish(struct kbuddy_pool *pool, struct kbuddy_region *r);

/* pool.c (and the userspace harness) */
void kbuddy_run_on_cpus(void (*fn)(void *arg), void *arg);
const char *kbuddy_pool_kind_name(const struct kbuddy_pool *pool);
int kbuddy_cpu_dead(unsigned int cpu);
long kbuddy_pool_check(struct kbuddy_pool *pool, kbuddy_report_fn report,
		       void *ctx);
u64 kbuddy_pool_add_kernel_pages(struct kbuddy_pool *pool, u64 size);
u64 kbuddy_kernel_pages_max(void);

#include "debug.h"

#endif /* _KBUDDY_INTERNAL_H */

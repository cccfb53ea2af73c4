/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - structures shared by the files of kernel/. Not an interface for
 * other modules: they use kbuddy.h.
 */
#ifndef _KBUDDY_INTERNAL_H
#define _KBUDDY_INTERNAL_H

#include <linux/list.h>
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
};

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
 * @nr_regions: regions in use in @regions; grows only, under @lock
 * @regions: the regions, filled in before @nr_regions counts them
 * @nr_pages: pages in all regions
 * @nr_free: free pages in all regions
 * @stats: counters
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

	struct list_head node;
	void *debugfs;
	char name[KBUDDY_NAME_LEN + 1];
};

/* Called once per problem found, with a printf format and its arguments. */
typedef void (*kbuddy_report_fn)(void *ctx, const char *fmt, va_list args)
	__printf(2, 0);

/* buddy.c: the page allocator proper. */
int kbuddy_region_init(struct kbuddy_pool *pool, struct kbuddy_region *r);
void kbuddy_region_fini(struct kbuddy_pool *pool, struct kbuddy_region *r);
unsigned long kbuddy_region_report_used(struct kbuddy_pool *pool,
					struct kbuddy_region *r,
					kbuddy_report_fn report, void *ctx);
unsigned long kbuddy_validate(struct kbuddy_pool *pool,
			      kbuddy_report_fn report, void *ctx);
void kbuddy_pool_init(struct kbuddy_pool *pool, const char *name,
		      unsigned int max_order);
struct kbuddy_region *kbuddy_find_region(struct kbuddy_pool *pool,
					 const void *addr);
void kbuddy_stats_snapshot(struct kbuddy_pool *pool, struct kbuddy_stats *st,
			   unsigned long *nr_pages, unsigned long *nr_free);

/* debugfs.c */
int kbuddy_debugfs_init(void);
void kbuddy_debugfs_exit(void);
void kbuddy_debugfs_add_pool(struct kbuddy_pool *pool);
void kbuddy_debugfs_remove_pool(struct kbuddy_pool *pool);

/* pool.c */
u64 kbuddy_pool_add_kernel_pages(struct kbuddy_pool *pool, u64 size);

#endif /* _KBUDDY_INTERNAL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - the buddy page allocator.
 *
 * Each region has free_area[0 .. max_order - 1]: a free list of block heads,
 * nr_free, and a bitmap with one bit per buddy pair, toggled whenever either
 * buddy enters or leaves the free list (Linux 2.4). Freeing a block toggles
 * its pair's bit: if the bit was set, the buddy is free and the two merge, so
 * merging never searches a list.
 *
 * Blocks are aligned in pfn space, so a block of order n is aligned to
 * PAGE_SIZE << n physically. A region that is not aligned to the top order is
 * carved into the largest aligned blocks; a buddy lying outside its region
 * never toggles its pair's bit and so is never seen free.
 *
 * This file uses no kernel-only service (no debugfs, no memremap, no struct
 * page) so that it can be compiled in userspace against a small shim.
 */

#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "internal.h"
#include "leak.h"
#include "report.h"

/* ==== Internals ========================================================== */

const struct kbuddy_page kbuddy_absent_desc = {};

struct kbuddy_page *kbuddy_sparse_desc(const struct kbuddy_region *r,
				       unsigned long pfn)
{
	struct kbuddy_region *w = (struct kbuddy_region *)r;
	unsigned long idx = pfn - r->base_pfn;
	struct kbuddy_leaf *leaf = xa_load(&w->descs.leaves, idx >> KBUDDY_LEAF_SHIFT);

	/* Only read: every write is to a head made ready first. */
	if (!leaf)
		return (struct kbuddy_page *)&kbuddy_absent_desc;
	return &leaf->desc[idx & (KBUDDY_LEAF_PAGES - 1)];
}

/*
 * Make the leaf holding @pfn's descriptor, if it is not there. Without the
 * pool's lock. Return: 0, or -ENOMEM.
 */
static int sparse_make_leaf(struct kbuddy_region *r, unsigned long pfn, gfp_t gfp)
{
	XA_STATE(xas, &r->descs.leaves, (pfn - r->base_pfn) >> KBUDDY_LEAF_SHIFT);
	struct kbuddy_leaf *leaf;
	unsigned long flags;

	if (xa_load(&r->descs.leaves, xas.xa_index))
		return 0;
	leaf = kzalloc(sizeof(*leaf), gfp | __GFP_NOWARN);
	if (!leaf)
		return -ENOMEM;
	/* The caller's interrupts as they were: it may have them off. */
	do {
		xas_lock_irqsave(&xas, flags);
		if (xas_load(&xas)) {
			/* Another CPU made it meanwhile. */
			xas_unlock_irqrestore(&xas, flags);
			kfree(leaf);
			return 0;
		}
		xas_store(&xas, leaf);
		xas_unlock_irqrestore(&xas, flags);
	} while (xas_nomem(&xas, gfp | __GFP_NOWARN));
	if (xas_error(&xas)) {
		kfree(leaf);
		return -ENOMEM;
	}
	return 0;
}

/* Is a block head in @leaf? (Under the pool's lock.) */
static bool leaf_in_use(const struct kbuddy_leaf *leaf)
{
	unsigned int i;

	for (i = 0; i < KBUDDY_LEAF_PAGES; i++)
		if (leaf->desc[i].state != KBUDDY_PAGE_NONE || leaf->desc[i].tag)
			return true;
	return false;
}

/*
 * Leaves a free may give back at once; more are left to later frees of the
 * block (an operation makes at most about 2 x max_order + 64 heads, so the
 * leaves do not pile up), so that interrupts stay off for a bounded time.
 */
#define KBUDDY_RECLAIM_MAX	256

/*
 * Free the leaves wholly inside [@pfn, @pfn + 2^@order), a block just freed
 * (and merged), in which no head is left: inside a free block there is
 * none but its own. Not a leaf across its edges: it may hold the head of a
 * block beside it that the caller is about to free (a run's next block,
 * made NONE but not yet given back) and was made ready for that. Under the
 * pool's lock; the leaves go after a grace period, for lockless lookups
 * (kbuddy_desc_next()).
 */
static void sparse_reclaim(struct kbuddy_region *r, unsigned long pfn, unsigned int order)
{
	unsigned long first = DIV_ROUND_UP(pfn - r->base_pfn, KBUDDY_LEAF_PAGES);
	unsigned long end = (pfn + (1UL << order) - r->base_pfn) >> KBUDDY_LEAF_SHIFT;
	XA_STATE(xas, &r->descs.leaves, first);
	struct kbuddy_leaf *leaf;
	unsigned long flags;
	unsigned int n = 0;

	if (first >= end)
		return;
	/* Under the pool's lock, or in a region init no interrupt sees. */
	xas_lock_irqsave(&xas, flags);
	xas_for_each(&xas, leaf, end - 1) {
		if (leaf_in_use(leaf))
			continue;
		xas_store(&xas, NULL);
		kfree_rcu(leaf, rcu);
		if (++n == KBUDDY_RECLAIM_MAX)
			break;
	}
	xas_unlock_irqrestore(&xas, flags);
}

/*
 * The functions below that find descriptors in loops are built twice, for
 * flat regions and sparse ones (@sparse a constant), so that the flat
 * build calls nothing and saves no registers for the sparse lookup.
 */
static __always_inline void add_free_block(struct kbuddy_region *r, unsigned long pfn,
					   unsigned int order, bool clear, bool sparse)
{
	struct kbuddy_page *page = kbuddy_desc(r, pfn, sparse);
	struct kbuddy_free_area *area = &r->free_area[order];

	if (sparse)
		kbuddy_desc_set_pfn(r, page, pfn);
	page->order = order;
	page->state = KBUDDY_PAGE_FREE;
	page->clear = clear;
	kbuddy_block_hand(page, KBUDDY_TAG(KBUDDY_KIND_FREE, order));
	list_add(&page->lru, &area->free_list);
	area->nr_free++;
	if (area->map)
		__change_bit(kbuddy_pair_bit(r, pfn, order), area->map);
}

static noinline void add_free_block_sparse(struct kbuddy_region *r, unsigned long pfn,
					   unsigned int order, bool clear)
{
	add_free_block(r, pfn, order, clear, true);
}

void kbuddy_add_free_block(struct kbuddy_region *r, unsigned long pfn,
			   unsigned int order, bool clear)
{
	if (unlikely(r->sparse))
		add_free_block_sparse(r, pfn, order, clear);
	else
		add_free_block(r, pfn, order, clear, false);
}

void kbuddy_del_free_block(struct kbuddy_region *r, struct kbuddy_page *page,
			   unsigned long pfn, unsigned int order)
{
	struct kbuddy_free_area *area = &r->free_area[order];

	list_del(&page->lru);
	area->nr_free--;
	page->state = KBUDDY_PAGE_NONE;
	kbuddy_block_hand(page, 0);
	if (area->map)
		__change_bit(kbuddy_pair_bit(r, pfn, order), area->map);
}

/*
 * Put the block of @order at @pfn, which is not on any list, back into the
 * free areas of @r, merging it with its buddy for as long as the buddy is
 * free; @clear if its bytes are all zero (a merged block is clear if both
 * halves were). Pool-wide accounting is the caller's. The caller holds the
 * pool's lock or owns a region nobody else sees yet.
 * Return: the number of merges.
 */
static __always_inline unsigned int free_one_block(unsigned int max_order,
						   struct kbuddy_region *r, unsigned long pfn,
						   unsigned int order, bool clear, bool sparse)
{
	struct kbuddy_page *head = kbuddy_desc(r, pfn, sparse);
	unsigned int merges = 0;

	r->nr_free += 1UL << order;
	head->state = KBUDDY_PAGE_NONE;
	kbuddy_block_hand(head, 0);
	while (order < max_order - 1) {
		struct kbuddy_free_area *area = &r->free_area[order];
		struct kbuddy_page *buddy;

		/*
		 * The bit says whether exactly one of the pair is free. Our
		 * block is not, so a set bit means the buddy is. Toggling it
		 * records our block as free; if the buddy was free too, taking
		 * the buddy off its list toggles it back. A sparse region has
		 * no bitmaps: the buddy's descriptor says (an absent one reads
		 * as inside a block).
		 */
		if (!sparse ?
		    !__test_and_change_bit(kbuddy_pair_bit(r, pfn, order), area->map) :
		    !kbuddy_is_free_head(r, pfn ^ (1UL << order), order))
			break;
		buddy = kbuddy_desc(r, pfn ^ (1UL << order), sparse);
		clear = clear && buddy->clear;
		list_del(&buddy->lru);
		area->nr_free--;
		buddy->state = KBUDDY_PAGE_NONE;
		kbuddy_block_hand(buddy, 0);
		merges++;
		pfn &= ~(1UL << order);
		order++;
	}
	/* At the top order there is no map: its blocks never merge. */
	head = kbuddy_desc(r, pfn, sparse);
	if (sparse)
		kbuddy_desc_set_pfn(r, head, pfn);
	head->order = order;
	head->state = KBUDDY_PAGE_FREE;
	head->clear = clear;
	kbuddy_block_hand(head, KBUDDY_TAG(KBUDDY_KIND_FREE, order));
	list_add(&head->lru, &r->free_area[order].free_list);
	r->free_area[order].nr_free++;
	/* The heads the merges cleared leave leaves with none: give them back. */
	if (sparse && order >= KBUDDY_LEAF_SHIFT)
		sparse_reclaim(r, pfn, order);
	return merges;
}

static noinline unsigned int free_one_block_sparse(unsigned int max_order,
						   struct kbuddy_region *r,
						   unsigned long pfn, unsigned int order,
						   bool clear)
{
	return free_one_block(max_order, r, pfn, order, clear, true);
}

unsigned int kbuddy_free_one_block(unsigned int max_order,
				   struct kbuddy_region *r, unsigned long pfn,
				   unsigned int order, bool clear)
{
	if (unlikely(r->sparse))
		return free_one_block_sparse(max_order, r, pfn, order, clear);
	return free_one_block(max_order, r, pfn, order, clear, false);
}

/*
 * Record @tag as the owner of the allocated block of @order at @pfn: on its
 * head, and for a slab on every page (see "Ownership" in internal.h).
 */
void kbuddy_set_tag(struct kbuddy_region *r, unsigned long pfn,
		    unsigned int order, unsigned long tag)
{
	unsigned long i, n = kbuddy_tag_is_slab(tag) ? 1UL << order : 1;
	/* Slabs are in RAM pools, whose descriptors are one array. */
	struct kbuddy_page *page = kbuddy_pfn_desc(r, pfn);

	for (i = 0; i < n; i++)
		kbuddy_block_hand(page + i, tag);
}

/*
 * Take a block of @order from @r, splitting the free block of @current_order
 * that pick_region() found (expand() in mm/page_alloc.c).
 * Return: its pfn.
 */
static unsigned long alloc_from_region(struct kbuddy_pool *pool,
				       struct kbuddy_region *r,
				       unsigned int current_order,
				       unsigned int order, unsigned long tag)
{
	struct kbuddy_page *page;
	unsigned long pfn;

	page = list_first_entry(&r->free_area[current_order].free_list,
				struct kbuddy_page, lru);
	pfn = kbuddy_desc_pfn(r, page);
	kbuddy_del_free_block(r, page, pfn, current_order);
	/* The halves split off keep the block's clear state; so does @page. */
	while (current_order > order) {
		current_order--;
		kbuddy_add_free_block(r, pfn + (1UL << current_order), current_order,
				      page->clear);
		pool->stats.counter[KBUDDY_SPLITS]++;
	}
	page->order = order;
	page->state = KBUDDY_PAGE_ALLOC;
	r->nr_free -= 1UL << order;
	pool->nr_free -= 1UL << order;
	pool->stats.held_peak = max(pool->stats.held_peak,
				    pool->nr_pages - pool->nr_free);
	pool->seq++;
	kbuddy_set_tag(r, pfn, order, tag);
	return pfn;
}

/*
 * The region to take a block of @order from: the first holding a free block
 * of exactly @order, else the first holding the smallest larger one, so that
 * no region splits a block while another has one of the right size.
 * Return: the region, with the order of the free block to split in
 * *@fromp, or NULL if no block of @order or above is free.
 */
static struct kbuddy_region *pick_region(struct kbuddy_pool *pool,
					 unsigned int order,
					 unsigned int *fromp)
{
	unsigned int o, i;

	for (o = order; o < pool->max_order; o++)
		for (i = 0; i < pool->nr_regions; i++)
			if (pool->regions[i].free_area[o].nr_free) {
				*fromp = o;
				return &pool->regions[i];
			}
	return NULL;
}

/**
 * kbuddy_block_take() - take a free block of @order, as the page path does
 * @pool: the pool, its lock held by the caller
 * @order: the block's order, below max_order
 * @tag: its owner's tag (see "Ownership" in internal.h)
 * @pfnp: where to store its first pfn
 * @need: where descriptors a sparse region lacks are noted
 *
 * A free block of exactly @order if any region has one, else one split off
 * the smallest larger free block: no search of the address space, so
 * constant time whatever the pool's fill. The head keeps the clear state of
 * the block it came from (kbuddy_page.clear), for the caller to read.
 *
 * In a sparse region the heads the split makes need descriptors: if one's
 * leaf is missing, nothing is taken, and @need says what to create before
 * trying again.
 *
 * Context: Under the pool's lock.
 * Return: the block's region, or NULL if no block of @order or above is
 * free (@need->nr unchanged) or descriptors are missing (@need->nr > 0).
 */
struct kbuddy_region *kbuddy_block_take(struct kbuddy_pool *pool,
					unsigned int order, unsigned long tag,
					unsigned long *pfnp, struct kbuddy_need *need)
{
	struct kbuddy_region *r;
	unsigned int from;

	lockdep_assert_held(&pool->lock);
	r = pick_region(pool, order, &from);
	if (!r)
		return NULL;
	if (r->sparse) {
		struct kbuddy_page *page;
		unsigned long pfn;

		/* The split's upper halves: [pfn + 2^order, pfn + 2^from). */
		page = list_first_entry(&r->free_area[from].free_list,
					struct kbuddy_page, lru);
		pfn = kbuddy_desc_pfn(r, page);
		if (!kbuddy_span_ready(pool, r, pfn + (1UL << order),
				       pfn + (1UL << from), need))
			return NULL;
	}
	*pfnp = alloc_from_region(pool, r, from, order, tag);
	pool->stats.alloc[order]++;
	return r;
}

/* ==== Sparse regions ===================================================== */

/**
 * kbuddy_span_ready() - may the heads of a span's blocks be written?
 * @pool: the pool, its lock held
 * @r: the region holding [@pfn, @end)
 * @pfn: the span's first page
 * @end: the page after it
 * @need: where missing descriptors are noted
 *
 * The span's largest aligned blocks are what a split, a carve or a give
 * back leaves there; their heads are the descriptors such an operation
 * writes. A flat region has them all.
 *
 * Return: true if every head's descriptor exists; false, with the missing
 * ones (up to KBUDDY_NEED_MAX) in @need, if not.
 */
bool kbuddy_span_ready(struct kbuddy_pool *pool, struct kbuddy_region *r,
		       unsigned long pfn, unsigned long end,
		       struct kbuddy_need *need)
{
	bool ready = true;

	if (!r->sparse)
		return true;
	for (; pfn < end; pfn += 1UL << kbuddy_span_order(pool, pfn, end))
		ready &= kbuddy_desc_ready(r, pfn, need);
	return ready;
}

/**
 * kbuddy_need_fill() - create the descriptors an operation found missing
 * @need: what kbuddy_desc_ready() noted; emptied
 * @gfp: how to allocate, the caller's context: without the pool's lock
 *
 * Leaves are published whole (zeroed, then stored in the XArray, which
 * publishes with release semantics); a leaf another CPU made meanwhile is
 * simply found. A free may give a leaf back again before the caller's
 * retry (only one wholly inside the block it freed, with no head left),
 * and the retry then asks again.
 *
 * Return: 0, or -ENOMEM (nothing of the pool's state changed either way).
 */
int kbuddy_need_fill(struct kbuddy_need *need, gfp_t gfp)
{
	struct kbuddy_region *r = need->region;
	unsigned int i, nr = need->nr;

	need->nr = 0;
	/* How the caller may wait, not its zone or mobility: leaves are kmalloc()ed. */
	gfp &= __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HIGH | __GFP_NORETRY |
	       __GFP_RETRY_MAYFAIL | __GFP_NOMEMALLOC | __GFP_MEMALLOC;
	for (i = 0; i < nr; i++)
		if (sparse_make_leaf(r, need->pfn[i], gfp))
			return -ENOMEM;
	return 0;
}

/* ==== Regions ============================================================ */

/**
 * kbuddy_region_init() - allocate a region's metadata and free its memory
 * @pool: the pool the region will belong to (max_order and debug are read)
 * @r: the region, with virt, phys, nr_pages and base_pfn set
 *
 * Carves the region into the largest naturally aligned blocks and puts them
 * on the free lists; a pool that poisons its free memory has the region
 * filled with poison first. The region is not yet visible to allocations.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
int kbuddy_region_init(struct kbuddy_pool *pool, struct kbuddy_region *r)
{
	unsigned int order, top = pool->max_order - 1;
	unsigned long pfn, end;

	if (r->sparse)
		xa_init_flags(&r->descs.leaves, XA_FLAGS_LOCK_IRQ);
	if (!r->sparse)
		r->pages = kvcalloc(r->nr_pages, sizeof(*r->pages), GFP_KERNEL);
	r->free_area = kvcalloc(pool->max_order, sizeof(*r->free_area),
				GFP_KERNEL);
	if ((!r->sparse && !r->pages) || !r->free_area)
		goto err;
	for (order = 0; order < pool->max_order; order++) {
		struct kbuddy_free_area *area = &r->free_area[order];

		INIT_LIST_HEAD(&area->free_list);
		/* A sparse region merges by its buddies' descriptors. */
		if (order == top || r->sparse)
			continue;
		area->map = kvcalloc(BITS_TO_LONGS(kbuddy_map_bits(r, order)),
				     sizeof(unsigned long), GFP_KERNEL);
		if (!area->map)
			goto err;
	}

	/* Free memory of a poisoning pool is poison from the start. */
	if (pool->debug & KBUDDY_CACHE_POISON) {
		for (pfn = 0; pfn < r->nr_pages; pfn += KBUDDY_CHECK_CHUNK) {
			memset(r->virt + (pfn << PAGE_SHIFT), KBUDDY_POISON_FREE,
			       min_t(unsigned long, r->nr_pages - pfn,
				     KBUDDY_CHECK_CHUNK) << PAGE_SHIFT);
			cond_resched();
		}
	}
	/* Every page starts allocated (map bits clear); free them in blocks. */
	r->nr_free = 0;
	end = kbuddy_region_end_pfn(r);
	for (pfn = r->base_pfn; pfn < end; pfn += 1UL << order) {
		order = kbuddy_span_order(pool, pfn, end);
		if (r->sparse) {
			if (sparse_make_leaf(r, pfn, GFP_KERNEL))
				goto err;
			cond_resched();
		}
		kbuddy_free_one_block(pool->max_order, r, pfn, order, false);
	}
	return 0;

err:
	kbuddy_region_fini(pool, r);
	return -ENOMEM;
}

/**
 * kbuddy_region_fini() - free a region's metadata
 * @pool: the pool the region belonged to
 * @r: the region, no longer visible to allocations
 *
 * Context: Process context.
 */
void kbuddy_region_fini(struct kbuddy_pool *pool, struct kbuddy_region *r)
{
	unsigned int order;

	if (r->free_area) {
		for (order = 0; order < pool->max_order; order++)
			kvfree(r->free_area[order].map);
		kvfree(r->free_area);
		r->free_area = NULL;
	}
	kvfree(r->pages);
	r->pages = NULL;
	if (r->sparse) {
		struct kbuddy_leaf *leaf;
		unsigned long n;

		/* Nobody looks the region up any more. */
		xa_for_each(&r->descs.leaves, n, leaf)
			kfree(leaf);
		xa_destroy(&r->descs.leaves);
	}
}

/**
 * kbuddy_region_report_used() - report the blocks still allocated in a region
 * @pool: the pool
 * @r: the region
 * @report: called for each allocated block, or NULL to only count
 * @ctx: passed to @report
 *
 * Context: Process context; takes the pool's lock for at most
 * KBUDDY_CHECK_CHUNK pages at a time.
 * Return: the number of allocated blocks.
 */
unsigned long kbuddy_region_report_used(struct kbuddy_pool *pool,
					struct kbuddy_region *r,
					kbuddy_report_fn report, void *ctx)
{
	unsigned long pfn = r->base_pfn, end = kbuddy_region_end_pfn(r), nr = 0;
	unsigned long flags, stop;

	/* Heads only: a sparse region's absent leaves hold none. */
	while ((pfn = kbuddy_desc_next(r, pfn, end)) < end) {
		stop = min(end, pfn + KBUDDY_CHECK_CHUNK);
		spin_lock_irqsave(&pool->lock, flags);
		for (; (pfn = kbuddy_desc_next(r, pfn, stop)) < stop; pfn++) {
			struct kbuddy_page *page = kbuddy_pfn_desc(r, pfn);
			phys_addr_t phys = PFN_PHYS(pfn);

			if (page->state != KBUDDY_PAGE_ALLOC)
				continue;
			if (report)
				kbuddy_report(report, ctx, "block %pa order %u still allocated\n",
					      &phys, page->order);
			kbuddy_debug_block_owner(r, pfn, page->tag, report, ctx);
			nr++;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
		cond_resched();
	}
	return nr;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_region_report_used, KBUDDY_INTERNAL);

/**
 * kbuddy_unmapped_refused() - refuse an interface that needs a mapping
 * @pool: the pool
 * @what: the interface, for the message
 *
 * Called when an order is at or above @pool->page_orders: a bad order, or
 * any order in a pool that is not KBUDDY_POOL_RAM, which gets a message
 * saying what to use instead.
 *
 * Context: Any context.
 * Return: NULL.
 */
void *kbuddy_unmapped_refused(struct kbuddy_pool *pool, const char *what)
{
	if (pool->kind != KBUDDY_POOL_RAM)
		pr_err_ratelimited("pool %s: %s() refused: the pool's memory has no kernel mapping (kind %s); allocate runs with kbuddy_alloc_contig()\n",
				   pool->name, what, kbuddy_pool_kind_name(pool));
	return NULL;
}

/**
 * kbuddy_pool_init() - set up an empty pool
 * @pool: zeroed memory for the pool
 * @name: its name, already checked
 * @max_order: its max_order, already checked
 * @kind: its kind, already checked
 *
 * Context: Any context.
 */
void kbuddy_pool_init(struct kbuddy_pool *pool, const char *name,
		      unsigned int max_order, enum kbuddy_pool_kind kind)
{
	spin_lock_init(&pool->lock);
	pool->max_order = max_order;
	pool->kind = kind;
	pool->page_orders = kind == KBUDDY_POOL_RAM ? max_order : 0;
	pool->pcp_orders = KBUDDY_PCP_SMALL_ORDERS;
	INIT_LIST_HEAD(&pool->node);
	mutex_init(&pool->caches_lock);
	INIT_LIST_HEAD(&pool->caches);
	strscpy(pool->name, name, sizeof(pool->name));
	kbuddy_fault_init(&pool->fault);
}

/**
 * kbuddy_stats_snapshot() - copy a pool's counters consistently
 * @pool: the pool
 * @st: where to copy the counters
 * @nr_pages: where to store the pages in the pool
 * @nr_free: where to store the free pages in the pool
 *
 * Context: Any context; takes the pool's lock.
 */
void kbuddy_stats_snapshot(struct kbuddy_pool *pool, struct kbuddy_stats *st,
			   unsigned long *nr_pages, unsigned long *nr_free)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	*st = pool->stats;
	*nr_pages = pool->nr_pages;
	*nr_free = pool->nr_free;
	spin_unlock_irqrestore(&pool->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_stats_snapshot, KBUDDY_INTERNAL);

/* ==== Blocks and their owners ============================================ */

/**
 * kbuddy_block_alloc() - take a block from the free lists for an owner
 * @pool: the pool
 * @order: order of the block
 * @gfp: allocation flags
 * @tag: the block's owner: KBUDDY_TAG(PAGES or LARGE, @order) or a slab
 *
 * Only the buddy free lists are looked at: a failure is not counted here,
 * since the caller may reclaim what the per-CPU caches and empty slabs hold
 * and try again (kbuddy_alloc_reclaim()), which counts it.
 *
 * Context: Any context allowed by the pool's lock.
 * Return: the block's address, or NULL.
 */
void *kbuddy_block_alloc(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp, unsigned long tag)
{
	bool zero = (gfp & __GFP_ZERO) || want_init_on_alloc(gfp);
	struct kbuddy_region *r;
	unsigned long flags, pfn;
	unsigned int from;
	void *addr = NULL;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (order >= pool->max_order ||
	    kbuddy_should_fail(&pool->fault, KBUDDY_FAULT_BLOCK, PAGE_SIZE << order))
		return NULL;

	spin_lock_irqsave(&pool->lock, flags);
	r = pick_region(pool, order, &from);
	if (r) {
		pfn = alloc_from_region(pool, r, from, order, tag);
		addr = kbuddy_pfn_virt(r, pfn);
		pool->stats.alloc[order]++;
		/* Known to be zero already: no need to write it. */
		if (zero && kbuddy_pfn_desc(r, pfn)->clear) {
			pool->stats.counter[KBUDDY_CLEAR_REUSED] += 1UL << order;
			zero = false;
		}
	}
	spin_unlock_irqrestore(&pool->lock, flags);

	kbuddy_block_checked(pool, addr, order);
	if (addr && zero)
		memset(addr, 0, PAGE_SIZE << order);
	return addr;
}

/**
 * kbuddy_alloc_batch() - take up to @n blocks for a CPU's page cache
 * @pool: the pool
 * @order: order of the blocks
 * @out: where to put each block's address and descriptor
 * @n: how many are wanted
 *
 * The blocks are tagged cached (KBUDDY_KIND_PCP): they belong to the CPU
 * cache that asked, and are not counted as allocations until handed out.
 * Blocks of exactly @order come first, from any region: @out[0] is the one
 * a pool without CPU caches would have handed out, and is split off a larger
 * block only if no block of @order was free.
 *
 * Context: Any context allowed by the pool's lock.
 * Return: how many blocks were taken.
 */
unsigned int kbuddy_alloc_batch(struct kbuddy_pool *pool, unsigned int order,
				struct kbuddy_pcp_block *out, unsigned int n)
{
	unsigned long flags, pfn, tag = KBUDDY_TAG(KBUDDY_KIND_PCP, order);
	struct kbuddy_region *r;
	unsigned int got = 0, from;

	spin_lock_irqsave(&pool->lock, flags);
	while (got < n) {
		r = pick_region(pool, order, &from);
		if (!r)
			break;
		pfn = alloc_from_region(pool, r, from, order, tag);
		out[got].addr = kbuddy_pfn_virt(r, pfn);
		out[got].page = kbuddy_pfn_desc(r, pfn);
		got++;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return got;
}

/**
 * kbuddy_free_batch() - give blocks of a CPU's page cache back
 * @pool: the pool
 * @order: order of the blocks
 * @blocks: the blocks, tagged cached and held by the caller's CPU cache
 * @n: how many
 *
 * Context: Any context allowed by the pool's lock.
 */
void kbuddy_free_batch(struct kbuddy_pool *pool, unsigned int order,
		       struct kbuddy_pcp_block *blocks, unsigned int n)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&pool->lock, flags);
	for (i = 0; i < n; i++) {
		struct kbuddy_region *r = kbuddy_find_region(pool, blocks[i].addr);
		unsigned long pfn = kbuddy_desc_pfn(r, blocks[i].page);

		pool->stats.counter[KBUDDY_MERGES] +=
			kbuddy_free_one_block(pool->max_order, r, pfn, order, false);
		pool->nr_free += 1UL << order;
	}
	pool->seq++;
	spin_unlock_irqrestore(&pool->lock, flags);
}

/**
 * kbuddy_count_fail() - count an allocation that found no block
 * @pool: the pool
 * @order: its order
 *
 * Context: Any context allowed by the pool's lock.
 */
void kbuddy_count_fail(struct kbuddy_pool *pool, unsigned int order)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	pool->stats.fail[order]++;
	spin_unlock_irqrestore(&pool->lock, flags);
}

/**
 * kbuddy_count() - count an event of the pool
 * @pool: the pool
 * @counter: the enum kbuddy_counter
 *
 * Context: Any context allowed by the pool's lock.
 */
void kbuddy_count(struct kbuddy_pool *pool, enum kbuddy_counter counter)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	pool->stats.counter[counter]++;
	spin_unlock_irqrestore(&pool->lock, flags);
}

/*
 * Is @pfn, which heads no block, inside a free block? Heads tile the region,
 * so the first head met going up the orders is that of the containing block.
 */
static bool inside_free_block(struct kbuddy_pool *pool,
			      struct kbuddy_region *r, unsigned long pfn)
{
	unsigned int order;

	for (order = 1; order < pool->max_order; order++) {
		unsigned long head = pfn & ~((1UL << order) - 1);
		struct kbuddy_page *page;

		if (!kbuddy_pfn_in_region(r, head))
			return false;
		page = kbuddy_pfn_desc(r, head);
		if (page->state != KBUDDY_PAGE_NONE)
			return page->state == KBUDDY_PAGE_FREE;
	}
	return false;
}

/*
 * Does @addr head an allocated block of @order whose tag is @tag? The caller
 * holds the pool's lock, which keeps every state but the tags of allocated
 * and cached blocks still.
 * Return: KBUDDY_NR_COUNTERS if so, else the kind of bad free; *@rp and
 * *@pfnp describe the block.
 */
enum kbuddy_counter kbuddy_check_block(struct kbuddy_pool *pool, void *addr,
				       unsigned int order, unsigned long tag,
				       struct kbuddy_region **rp,
				       unsigned long *pfnp)
{
	struct kbuddy_region *r;

	*rp = r = kbuddy_find_region(pool, addr);
	if (!r)
		return KBUDDY_BAD_FREE_OUTSIDE;
	*pfnp = r->base_pfn + ((addr - r->virt) >> PAGE_SHIFT);
	if (order < pool->max_order && !PAGE_ALIGNED(addr - r->virt))
		return KBUDDY_BAD_FREE_MISALIGNED;
	return kbuddy_check_block_pfn(pool, r, *pfnp, order, tag);
}

/*
 * kbuddy_check_block() of the block at @pfn of @r, for a pool without a
 * mapping (contig.c). Under the pool's lock.
 */
static __always_inline enum kbuddy_counter check_block_pfn(struct kbuddy_pool *pool,
							   struct kbuddy_region *r,
							   unsigned long pfn,
							   unsigned int order,
							   unsigned long tag, bool sparse)
{
	struct kbuddy_page *page;
	unsigned long now;

	if (order >= pool->max_order)
		return KBUDDY_BAD_FREE_WRONG_ORDER;
	if (pfn & ((1UL << order) - 1))
		return KBUDDY_BAD_FREE_MISALIGNED;
	page = kbuddy_desc(r, pfn, sparse);
	if (page->state == KBUDDY_PAGE_NONE)
		return inside_free_block(pool, r, pfn) ? KBUDDY_BAD_FREE_DOUBLE :
							 KBUDDY_BAD_FREE_NOT_HEAD;
	if (page->state == KBUDDY_PAGE_FREE)
		return KBUDDY_BAD_FREE_DOUBLE;
	now = READ_ONCE(page->tag);
	/* Freed already, and held in a CPU's page cache. */
	if (kbuddy_tag_kind(now) == KBUDDY_KIND_PCP)
		return KBUDDY_BAD_FREE_DOUBLE;
	if (kbuddy_tag_is_slab(now) != kbuddy_tag_is_slab(tag) ||
	    kbuddy_tag_kind(now) != kbuddy_tag_kind(tag) ||
	    (kbuddy_tag_is_slab(now) && now != tag))
		return KBUDDY_BAD_FREE_WRONG_ALLOCATOR;
	if (page->order != order || now != tag)
		return KBUDDY_BAD_FREE_WRONG_ORDER;
	return KBUDDY_NR_COUNTERS;
}

static noinline enum kbuddy_counter check_block_pfn_sparse(struct kbuddy_pool *pool,
							   struct kbuddy_region *r,
							   unsigned long pfn,
							   unsigned int order,
							   unsigned long tag)
{
	return check_block_pfn(pool, r, pfn, order, tag, true);
}

enum kbuddy_counter kbuddy_check_block_pfn(struct kbuddy_pool *pool,
					   struct kbuddy_region *r,
					   unsigned long pfn, unsigned int order,
					   unsigned long tag)
{
	if (unlikely(r->sparse))
		return check_block_pfn_sparse(pool, r, pfn, order, tag);
	return check_block_pfn(pool, r, pfn, order, tag, false);
}

/* Count and report a refused free. The caller holds the pool's lock. */
void kbuddy_refuse_free(struct kbuddy_pool *pool, void *addr,
			unsigned int order, enum kbuddy_counter bad,
			unsigned long caller)
{
	kbuddy_refuse(&(struct kbuddy_refusal){
		.pool = pool, .what = "free", .addr = addr, .order = order,
		.reason = kbuddy_bad_free_reasons[bad], .caller = caller,
		.counter = &pool->stats.counter[bad],
	});
}

/*
 * Fill the block of @order at @addr with poison (if @poison) and give it to
 * the free lists. The caller holds it tagged cached and on no list, so the
 * memset, however long, runs without the pool's lock (a slab's block, at most
 * order KBUDDY_SLAB_MAX_ORDER, may be freed under its cache's lock).
 */
static void free_poisoned(struct kbuddy_pool *pool, void *addr,
			  struct kbuddy_page *page, unsigned int order,
			  bool poison)
{
	struct kbuddy_pcp_block b = { .addr = addr, .page = page };

	kbuddy_race_hook("pages_free_poison");
	if (poison)
		memset(addr, KBUDDY_POISON_FREE, PAGE_SIZE << order);
	kbuddy_free_batch(pool, order, &b, 1);
}

/**
 * kbuddy_block_free() - give an allocated block back to the free lists
 * @pool: the pool
 * @addr: the block's address
 * @order: its order
 * @tag: its owner, as given to kbuddy_block_alloc()
 * @caller: the address reported for a bad free
 *
 * The block is claimed from exactly @tag (kbuddy_block_claim()) under the
 * pool's lock: of two frees of one block, however they race with each other
 * and with a lockless free into a CPU's page cache, exactly one succeeds.
 *
 * Context: Any context allowed by the pool's lock.
 * Return: 0, or -EINVAL for a refused free (the pool unchanged).
 */
int kbuddy_block_free(struct kbuddy_pool *pool, void *addr, unsigned int order,
		      unsigned long tag, unsigned long caller)
{
	unsigned long cached = KBUDDY_TAG(KBUDDY_KIND_PCP, order);
	bool poison = kbuddy_poisons_blocks(pool);
	/* The static key first: nothing else is looked at while it is off. */
	bool zone = kbuddy_large_red_zones(pool) && !kbuddy_tag_is_slab(tag) &&
		    kbuddy_tag_kind(tag) == KBUDDY_KIND_LARGE;
	enum kbuddy_counter bad;
	struct kbuddy_region *r;
	struct kbuddy_page *page;
	unsigned long flags, pfn = 0, i;

	spin_lock_irqsave(&pool->lock, flags);
	bad = kbuddy_check_block(pool, addr, order, tag, &r, &pfn);
	if (bad == KBUDDY_NR_COUNTERS) {
		page = kbuddy_pfn_desc(r, pfn);
		/*
		 * A poisoning pool holds the block cached, on no list, while
		 * it writes the poison outside the lock (and a pool with red
		 * zones while it checks a malloc block's): a second free of it
		 * meanwhile is refused as a double free, as it should be.
		 */
		if (!kbuddy_block_claim(page, tag, poison || zone ? cached : 0))
			bad = KBUDDY_BAD_FREE_DOUBLE;	/* a lockless free won */
	}
	if (bad != KBUDDY_NR_COUNTERS) {
		kbuddy_refuse_free(pool, addr, order, bad, caller);
		spin_unlock_irqrestore(&pool->lock, flags);
		return -EINVAL;
	}
	if (kbuddy_tag_is_slab(tag))
		for (i = 1; i < 1UL << order; i++)
			kbuddy_block_hand(page + i, 0);
	else if (kbuddy_tag_kind(tag) != KBUDDY_KIND_PCP)
		kbuddy_leak_free(pool, addr);	/* a page block or malloc block */
	pool->stats.free[order]++;
	if (poison || zone) {
		pool->seq++;
		spin_unlock_irqrestore(&pool->lock, flags);
		if (zone)
			kbuddy_debug_large_check(pool, addr, page, order);
		free_poisoned(pool, addr, page, order, poison);
		return 0;
	}
	pool->stats.counter[KBUDDY_MERGES] +=
		kbuddy_free_one_block(pool->max_order, r, pfn, order, false);
	pool->nr_free += 1UL << order;
	pool->seq++;
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}

/**
 * kbuddy_block_order() - order of the allocated block at @addr, if of @kind
 * @pool: the pool
 * @addr: an address
 * @kind: KBUDDY_KIND_PAGES or KBUDDY_KIND_LARGE
 *
 * A lockless read: the answer may be stale by the time it is used, so it
 * may inform (kbuddy_ksize()) but never decide a free.
 *
 * Context: Any context.
 * Return: the order, or -EINVAL if @addr heads no block of @kind.
 */
int kbuddy_block_order(struct kbuddy_pool *pool, const void *addr,
		       unsigned int kind)
{
	struct kbuddy_region *r = kbuddy_find_region(pool, addr);
	unsigned long off, tag;

	if (!r)
		return -EINVAL;
	off = addr - r->virt;
	if (!PAGE_ALIGNED(off))
		return -EINVAL;
	tag = READ_ONCE(r->pages[off >> PAGE_SHIFT].tag);
	return kbuddy_tag_kind(tag) == kind ? kbuddy_tag_order(tag) : -EINVAL;
}

/**
 * kbuddy_block_resize() - shrink or grow a malloc whole block in place
 * @pool: the pool
 * @addr: the block's address
 * @order: its order now
 * @new_order: the order it should have
 *
 * Shrinking splits the block and frees the tail (orders @new_order ..
 * @order - 1) back to the free areas. Growing takes, for each order from
 * @order up, the buddy above the block, which must be free as a whole block
 * of that order; the block must be aligned to @new_order. The block changes
 * order by a claim from exactly KBUDDY_TAG(LARGE, @order), so a free racing
 * with the resize either wins (and the resize is refused) or loses.
 * In a pool that poisons its free memory, the tail is poisoned after the
 * pool's lock is dropped (held cached meanwhile, as kbuddy_block_free()
 * does) and the buddies a grow takes are checked.
 *
 * Context: Any context allowed by the pool's lock.
 * Return: 0, -ENOMEM if the buddies needed to grow are not all free, or
 * -EINVAL if @addr is not a malloc whole block of @order.
 */
int kbuddy_block_resize(struct kbuddy_pool *pool, void *addr,
			unsigned int order, unsigned int new_order)
{
	unsigned long tag = KBUDDY_TAG(KBUDDY_KIND_LARGE, order);
	unsigned long new_tag = KBUDDY_TAG(KBUDDY_KIND_LARGE, new_order);
	bool poison = kbuddy_poisons_blocks(pool);
	struct kbuddy_region *r;
	struct kbuddy_page *page;
	unsigned long flags, pfn;
	unsigned int k;
	int err = 0;

	if (new_order >= pool->max_order)
		return -ENOMEM;
	spin_lock_irqsave(&pool->lock, flags);
	if (kbuddy_check_block(pool, addr, order, tag, &r, &pfn) != KBUDDY_NR_COUNTERS) {
		err = -EINVAL;
		goto out;
	}
	page = kbuddy_pfn_desc(r, pfn);
	if (new_order > order) {
		if (pfn & ((1UL << new_order) - 1) ||
		    pfn + (1UL << new_order) > kbuddy_region_end_pfn(r)) {
			err = -ENOMEM;
			goto out;
		}
		for (k = order; k < new_order; k++)
			if (!kbuddy_is_free_head(r, pfn + (1UL << k), k)) {
				err = -ENOMEM;
				goto out;
			}
	}
	if (new_order == order)
		goto out;
	/*
	 * A poisoning pool's grow holds the block cached while it checks the
	 * buddies outside the lock: a racing free or resize is refused.
	 */
	if (!kbuddy_block_claim(page, tag, poison && new_order > order ?
				KBUDDY_TAG(KBUDDY_KIND_PCP, new_order) : new_tag)) {
		err = -EINVAL;	/* freed meanwhile */
		goto out;
	}
	/*
	 * kmemleak forgets the block before a shrink frees its tail, which
	 * another CPU may take and register at once; the caller registers
	 * it again at its new size.
	 */
	kbuddy_leak_free(pool, addr);
	pool->seq++;
	page->order = new_order;
	if (new_order < order && poison) {
		/* The tail's blocks are held cached until poisoned. */
		for (k = new_order; k < order; k++) {
			struct kbuddy_page *tail = page + (1UL << k);

			tail->order = k;
			tail->state = KBUDDY_PAGE_ALLOC;
			kbuddy_block_hand(tail, KBUDDY_TAG(KBUDDY_KIND_PCP, k));
			pool->stats.counter[KBUDDY_SPLITS]++;
		}
	} else if (new_order < order) {
		for (k = new_order; k < order; k++) {
			pool->stats.counter[KBUDDY_MERGES] +=
				kbuddy_free_one_block(pool->max_order, r,
						      pfn + (1UL << k), k, false);
			pool->stats.counter[KBUDDY_SPLITS]++;
		}
		pool->nr_free += (1UL << order) - (1UL << new_order);
	} else {
		for (k = order; k < new_order; k++) {
			unsigned long buddy = pfn + (1UL << k);

			kbuddy_del_free_block(r, kbuddy_pfn_desc(r, buddy), buddy, k);
			r->nr_free -= 1UL << k;
			pool->stats.counter[KBUDDY_MERGES]++;
		}
		pool->nr_free -= (1UL << new_order) - (1UL << order);
	}
out:
	spin_unlock_irqrestore(&pool->lock, flags);
	if (err || !poison || new_order == order)
		return err;
	if (new_order < order) {
		for (k = new_order; k < order; k++)
			free_poisoned(pool, addr + (PAGE_SIZE << k), page + (1UL << k), k,
				      true);
	} else {
		/* The buddies taken were free: their poison must be whole. */
		kbuddy_race_hook("large_grow_check");
		kbuddy_debug_block_check(pool, addr, PAGE_SIZE << order,
					 PAGE_SIZE << new_order, new_order);
		/* cached -> malloc: the caller's again. */
		kbuddy_block_hand(page, new_tag);
	}
	return err;
}

/**
 * kbuddy_page_slab() - the slab holding @addr, for tests
 * @pool: the pool
 * @addr: any address
 *
 * Lockless: dereference the result only under rcu_read_lock().
 *
 * Context: Any context.
 * Return: the slab, or NULL if @addr lies in no slab of the pool.
 */
struct kbuddy_slab *kbuddy_page_slab(struct kbuddy_pool *pool, const void *addr)
{
	unsigned long tag = kbuddy_tag_of(pool, addr);

	return kbuddy_tag_is_slab(tag) ? (struct kbuddy_slab *)tag : NULL;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_page_slab, KBUDDY_INTERNAL);

/* ==== Information ======================================================== */

/**
 * kbuddy_region_free_counts() - free blocks per order of one region
 * @pool: the pool
 * @i: the region's index, from 0
 * @nr_free: where to store nr_free of each order; KBUDDY_NOMAP_MAX_ORDER_LIMIT
 *	entries, of which the first max_order are written
 *
 * One consistent snapshot of the region's free areas, as buddyinfo and the
 * extfrag files show them. Blocks cached per CPU are not counted: drain the
 * pool first for a figure that counts every free page.
 *
 * Context: Any context; takes the pool's lock for a time that grows with
 * max_order only.
 * Return: the pool's max_order (the entries written), or 0 if the pool has
 * no region @i.
 */
unsigned int kbuddy_region_free_counts(struct kbuddy_pool *pool,
				       unsigned int i, unsigned long *nr_free)
{
	unsigned int order, orders = 0;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	if (i < pool->nr_regions) {
		orders = pool->max_order;
		for (order = 0; order < orders; order++)
			nr_free[order] = pool->regions[i].free_area[order].nr_free;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return orders;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_region_free_counts, KBUDDY_INTERNAL);

/**
 * kbuddy_pool_free_counts() - free blocks per order of a whole pool
 * @pool: the pool
 * @nr_free: where to store nr_free of each order, summed over the regions;
 *	KBUDDY_NOMAP_MAX_ORDER_LIMIT entries, of which the first max_order are
 *	written
 *
 * One consistent snapshot of all the pool's free areas. Blocks cached per
 * CPU are not counted: call kbuddy_pool_drain() first for a figure that
 * counts every free page.
 *
 * Context: Any context; takes the pool's lock for a time that grows with
 * the number of regions and max_order (at most KBUDDY_MAX_REGIONS times
 * KBUDDY_NOMAP_MAX_ORDER_LIMIT reads), not with their size.
 * Return: the pool's max_order, the number of entries written.
 */
unsigned int kbuddy_pool_free_counts(struct kbuddy_pool *pool,
				     unsigned long *nr_free)
{
	unsigned int i, order, orders = pool->max_order;
	unsigned long flags;

	memset(nr_free, 0, orders * sizeof(*nr_free));
	spin_lock_irqsave(&pool->lock, flags);
	for (i = 0; i < pool->nr_regions; i++)
		for (order = 0; order < orders; order++)
			nr_free[order] += pool->regions[i].free_area[order].nr_free;
	spin_unlock_irqrestore(&pool->lock, flags);
	return orders;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pool_free_counts, KBUDDY_INTERNAL);

/**
 * kbuddy_pool_metadata_bytes() - memory kbuddy keeps about a pool's pages
 * @pool: the pool
 *
 * The page descriptors and the buddy-pair bitmaps of every region, all of
 * it outside the managed memory: what grows with the memory managed. The
 * per-order list heads (a few hundred bytes a region) are left out.
 *
 * A sparse region counts the leaves it has now (walked without the lock,
 * under RCU, so a snapshot) and no bitmaps.
 *
 * Context: Any context. Regions are read without the pool's lock: what is
 * counted is fixed once a region is published.
 * Return: the bytes of page descriptors and bitmaps.
 */
unsigned long kbuddy_pool_metadata_bytes(struct kbuddy_pool *pool)
{
	/* Pairs with the release in pool_add_region(). */
	unsigned int i, order, nr = smp_load_acquire(&pool->nr_regions);
	unsigned long bytes = 0;

	for (i = 0; i < nr; i++) {
		struct kbuddy_region *r = &pool->regions[i];

		if (r->sparse) {
			struct kbuddy_leaf *leaf;
			unsigned long n;

			xa_for_each(&r->descs.leaves, n, leaf)
				bytes += sizeof(*leaf);
			continue;
		}
		bytes += r->nr_pages * sizeof(*r->pages);
		/* The top order has no map: its blocks never merge. */
		for (order = 0; order + 1 < pool->max_order; order++)
			bytes += BITS_TO_LONGS(kbuddy_map_bits(r, order)) *
				 sizeof(unsigned long);
	}
	return bytes;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pool_metadata_bytes, KBUDDY_INTERNAL);

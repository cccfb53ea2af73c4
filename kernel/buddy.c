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

const char *const kbuddy_counter_names[KBUDDY_NR_COUNTERS] = {
	[KBUDDY_SPLIT]			= "splits",
	[KBUDDY_MERGE]			= "merges",
	[KBUDDY_BAD_FREE_OUTSIDE]	= "bad_free_outside",
	[KBUDDY_BAD_FREE_MISALIGNED]	= "bad_free_misaligned",
	[KBUDDY_BAD_FREE_NOT_HEAD]	= "bad_free_not_head",
	[KBUDDY_BAD_FREE_DOUBLE]	= "bad_free_double",
	[KBUDDY_BAD_FREE_WRONG_ORDER]	= "bad_free_wrong_order",
	[KBUDDY_BAD_FREE_WRONG_ALLOCATOR] = "bad_free_wrong_allocator",
};

static_assert(ARRAY_SIZE(kbuddy_counter_names) == KBUDDY_NR_COUNTERS);

/* kbuddy's KUnit module uses these internals; no other module should. */
EXPORT_SYMBOL_NS_GPL(kbuddy_counter_names, KBUDDY_INTERNAL);

/* ==== Internals ========================================================== */

static inline unsigned long region_end_pfn(const struct kbuddy_region *r)
{
	return r->base_pfn + r->nr_pages;
}

/* The bit of the buddy pair holding @pfn at @order. */
static inline unsigned long pair_bit(const struct kbuddy_region *r,
				     unsigned long pfn, unsigned int order)
{
	return (pfn >> (order + 1)) - (r->base_pfn >> (order + 1));
}

static inline unsigned long map_bits(const struct kbuddy_region *r,
				     unsigned int order)
{
	return pair_bit(r, region_end_pfn(r) - 1, order) + 1;
}

static inline struct kbuddy_page *pfn_desc(const struct kbuddy_region *r,
					   unsigned long pfn)
{
	return &r->pages[pfn - r->base_pfn];
}

static inline void *pfn_virt(const struct kbuddy_region *r, unsigned long pfn)
{
	return r->virt + ((pfn - r->base_pfn) << PAGE_SHIFT);
}

static inline bool pfn_in_region(const struct kbuddy_region *r,
				 unsigned long pfn)
{
	return pfn >= r->base_pfn && pfn < region_end_pfn(r);
}

static void add_free_block(struct kbuddy_region *r, unsigned long pfn,
			   unsigned int order)
{
	struct kbuddy_page *page = pfn_desc(r, pfn);
	struct kbuddy_free_area *area = &r->free_area[order];

	page->order = order;
	page->state = KBUDDY_PAGE_FREE;
	list_add(&page->lru, &area->free_list);
	area->nr_free++;
	if (area->map)
		__change_bit(pair_bit(r, pfn, order), area->map);
}

static void del_free_block(struct kbuddy_region *r, struct kbuddy_page *page,
			   unsigned long pfn, unsigned int order)
{
	struct kbuddy_free_area *area = &r->free_area[order];

	list_del(&page->lru);
	area->nr_free--;
	page->state = KBUDDY_PAGE_NONE;
	if (area->map)
		__change_bit(pair_bit(r, pfn, order), area->map);
}

/*
 * Put the block of @order at @pfn, which is not on any list, back into the
 * free areas of @r, merging it with its buddy for as long as the buddy is
 * free. Pool-wide accounting is the caller's. The caller holds the pool's
 * lock or owns a region nobody else sees yet.
 * Return: the number of merges.
 */
static unsigned int free_one_block(unsigned int max_order,
				   struct kbuddy_region *r, unsigned long pfn,
				   unsigned int order)
{
	unsigned int merges = 0;

	r->nr_free += 1UL << order;
	pfn_desc(r, pfn)->state = KBUDDY_PAGE_NONE;
	while (order < max_order - 1) {
		struct kbuddy_free_area *area = &r->free_area[order];
		struct kbuddy_page *buddy;

		/*
		 * The bit says whether exactly one of the pair is free. Our
		 * block is not, so a set bit means the buddy is. Toggling it
		 * records our block as free; if the buddy was free too, taking
		 * the buddy off its list toggles it back.
		 */
		if (!__test_and_change_bit(pair_bit(r, pfn, order), area->map))
			break;
		buddy = pfn_desc(r, pfn ^ (1UL << order));
		list_del(&buddy->lru);
		area->nr_free--;
		buddy->state = KBUDDY_PAGE_NONE;
		merges++;
		pfn &= ~(1UL << order);
		order++;
	}
	/* At the top order there is no map: its blocks never merge. */
	pfn_desc(r, pfn)->order = order;
	pfn_desc(r, pfn)->state = KBUDDY_PAGE_FREE;
	list_add(&pfn_desc(r, pfn)->lru, &r->free_area[order].free_list);
	r->free_area[order].nr_free++;
	return merges;
}

/*
 * Take a block of @order from @r, splitting a larger one if needed (expand()
 * in mm/page_alloc.c). Return: true with its pfn in *@pfnp, or false.
 */
static bool alloc_from_region(struct kbuddy_pool *pool, struct kbuddy_region *r,
			      unsigned int order, unsigned long *pfnp)
{
	struct kbuddy_page *page;
	unsigned int current_order;
	unsigned long pfn;

	for (current_order = order; current_order < pool->max_order;
	     current_order++)
		if (r->free_area[current_order].nr_free)
			goto found;
	return false;

found:
	page = list_first_entry(&r->free_area[current_order].free_list,
				struct kbuddy_page, lru);
	pfn = r->base_pfn + (page - r->pages);
	del_free_block(r, page, pfn, current_order);
	while (current_order > order) {
		current_order--;
		add_free_block(r, pfn + (1UL << current_order), current_order);
		pool->stats.counter[KBUDDY_SPLIT]++;
	}
	page->order = order;
	page->state = KBUDDY_PAGE_ALLOC;
	r->nr_free -= 1UL << order;
	pool->nr_free -= 1UL << order;
	*pfnp = pfn;
	return true;
}

/* ==== Regions ============================================================ */

/**
 * kbuddy_region_init() - allocate a region's metadata and free its memory
 * @pool: the pool the region will belong to (only max_order is read)
 * @r: the region, with virt, phys, nr_pages and base_pfn set
 *
 * Carves the region into the largest naturally aligned blocks and puts them
 * on the free lists. The region is not yet visible to allocations.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
int kbuddy_region_init(struct kbuddy_pool *pool, struct kbuddy_region *r)
{
	unsigned int order, top = pool->max_order - 1;
	unsigned long pfn, end;

	r->pages = kvcalloc(r->nr_pages, sizeof(*r->pages), GFP_KERNEL);
	r->free_area = kvcalloc(pool->max_order, sizeof(*r->free_area),
				GFP_KERNEL);
	if (!r->pages || !r->free_area)
		goto err;
	for (order = 0; order < pool->max_order; order++) {
		struct kbuddy_free_area *area = &r->free_area[order];

		INIT_LIST_HEAD(&area->free_list);
		if (order == top)
			continue;
		area->map = kvcalloc(BITS_TO_LONGS(map_bits(r, order)),
				     sizeof(unsigned long), GFP_KERNEL);
		if (!area->map)
			goto err;
	}

	/* Every page starts allocated (map bits clear); free them in blocks. */
	r->nr_free = 0;
	end = region_end_pfn(r);
	for (pfn = r->base_pfn; pfn < end; pfn += 1UL << order) {
		order = min_t(unsigned int, top, ilog2(end - pfn));
		if (pfn)
			order = min_t(unsigned int, order, __ffs(pfn));
		free_one_block(pool->max_order, r, pfn, order);
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
}

/**
 * kbuddy_report() - call a report function with a format and arguments
 * @report: the function
 * @ctx: its context
 * @fmt: printf format
 *
 * Context: Whatever @report allows.
 */
void kbuddy_report(kbuddy_report_fn report, void *ctx, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	report(ctx, fmt, args);
	va_end(args);
}

/**
 * kbuddy_region_report_used() - report the blocks still allocated in a region
 * @pool: the pool
 * @r: the region
 * @report: called for each allocated block, or NULL to only count
 * @ctx: passed to @report
 *
 * Context: Any context; takes the pool's lock.
 * Return: the number of allocated blocks.
 */
unsigned long kbuddy_region_report_used(struct kbuddy_pool *pool,
					struct kbuddy_region *r,
					kbuddy_report_fn report, void *ctx)
{
	unsigned long pfn, end = region_end_pfn(r), nr = 0;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	for (pfn = r->base_pfn; pfn < end; pfn++) {
		struct kbuddy_page *page = pfn_desc(r, pfn);
		phys_addr_t phys = PFN_PHYS(pfn);

		if (page->state != KBUDDY_PAGE_ALLOC)
			continue;
		if (report)
			kbuddy_report(report, ctx, "block %pa order %u still allocated\n",
				      &phys, page->order);
		nr++;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return nr;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_region_report_used, KBUDDY_INTERNAL);

/**
 * kbuddy_pool_init() - set up an empty pool
 * @pool: zeroed memory for the pool
 * @name: its name, already checked
 * @max_order: its max_order, already checked
 *
 * Context: Any context.
 */
void kbuddy_pool_init(struct kbuddy_pool *pool, const char *name,
		      unsigned int max_order)
{
	spin_lock_init(&pool->lock);
	pool->max_order = max_order;
	INIT_LIST_HEAD(&pool->node);
	mutex_init(&pool->caches_lock);
	INIT_LIST_HEAD(&pool->caches);
	strscpy(pool->name, name, sizeof(pool->name));
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

/* ==== Validation ========================================================= */

#define KBUDDY_REPORT_MAX 32

struct validate_state {
	kbuddy_report_fn report;
	void *ctx;
	unsigned long problems;
};

static __printf(2, 3) void problem(struct validate_state *vs,
				   const char *fmt, ...)
{
	va_list args;

	if (vs->problems++ >= KBUDDY_REPORT_MAX || !vs->report)
		return;
	va_start(args, fmt);
	vs->report(vs->ctx, fmt, args);
	va_end(args);
}

/* Is @pfn, in @r, the head of a free block of exactly @order? */
static bool is_free_head(const struct kbuddy_region *r, unsigned long pfn,
			 unsigned int order)
{
	const struct kbuddy_page *page;

	if (!pfn_in_region(r, pfn))
		return false;
	page = pfn_desc(r, pfn);
	return page->state == KBUDDY_PAGE_FREE && page->order == order;
}

static void validate_region(struct kbuddy_pool *pool, unsigned int idx,
			    struct validate_state *vs)
{
	struct kbuddy_region *r = &pool->regions[idx];
	unsigned long pfn, end = region_end_pfn(r);
	unsigned long free_pages = 0, used_pages = 0;
	unsigned long heads[KBUDDY_MAX_ORDER_LIMIT] = { 0 };
	unsigned int order;
	void *owner;

	/* Walk the region block by block: heads tile it exactly. */
	for (pfn = r->base_pfn; pfn < end;) {
		struct kbuddy_page *page = pfn_desc(r, pfn);
		unsigned long nr, i;

		if (page->state != KBUDDY_PAGE_FREE &&
		    page->state != KBUDDY_PAGE_ALLOC) {
			problem(vs, "region %u: pfn %#lx: no block head (state %u)\n",
				idx, pfn, page->state);
			pfn++;
			continue;
		}
		order = page->order;
		if (order >= pool->max_order) {
			problem(vs, "region %u: pfn %#lx: order %u >= max_order %u\n",
				idx, pfn, order, pool->max_order);
			pfn++;
			continue;
		}
		nr = 1UL << order;
		if (pfn & (nr - 1))
			problem(vs, "region %u: pfn %#lx: order %u block misaligned\n",
				idx, pfn, order);
		if (nr > end - pfn) {
			problem(vs, "region %u: pfn %#lx: block of order %u runs past the region\n",
				idx, pfn, order);
			nr = end - pfn;
		}
		for (i = 1; i < nr; i++)
			if (pfn_desc(r, pfn + i)->state != KBUDDY_PAGE_NONE)
				problem(vs, "region %u: pfn %#lx: head inside block %#lx/%u\n",
					idx, pfn + i, pfn, order);
		owner = page->state == KBUDDY_PAGE_FREE ? NULL : page->owner;
		if (owner != page->owner)
			problem(vs, "region %u: pfn %#lx: free block has an owner\n",
				idx, pfn);
		/* A block cached per CPU is marked on its head alone. */
		if (owner == KBUDDY_OWNER_PCP)
			owner = NULL;
		for (i = 1; i < nr; i++)
			if (pfn_desc(r, pfn + i)->owner != owner)
				problem(vs, "region %u: pfn %#lx: owner differs in block %#lx/%u\n",
					idx, pfn + i, pfn, order);
		if (page->state == KBUDDY_PAGE_FREE) {
			free_pages += nr;
			heads[order]++;
		} else {
			used_pages += nr;
		}
		pfn += nr;
	}
	if (free_pages != r->nr_free)
		problem(vs, "region %u: %lu pages in free blocks but nr_free says %lu\n",
			idx, free_pages, r->nr_free);
	if (free_pages + used_pages != r->nr_pages)
		problem(vs, "region %u: free %lu + allocated %lu != %lu pages\n",
			idx, free_pages, used_pages, r->nr_pages);

	for (order = 0; order < pool->max_order; order++) {
		struct kbuddy_free_area *area = &r->free_area[order];
		struct kbuddy_page *page;
		unsigned long n = 0, bit;

		list_for_each_entry(page, &area->free_list, lru) {
			pfn = r->base_pfn + (page - r->pages);

			if (page < r->pages || page >= r->pages + r->nr_pages) {
				problem(vs, "region %u: order %u: list entry outside the region\n",
					idx, order);
				break;
			}
			if (page->state != KBUDDY_PAGE_FREE ||
			    page->order != order)
				problem(vs, "region %u: order %u: pfn %#lx: state %u order %u\n",
					idx, order, pfn, page->state,
					page->order);
			if (++n > r->nr_pages) {
				problem(vs, "region %u: order %u: free list loops\n",
					idx, order);
				break;
			}
		}
		if (n != area->nr_free)
			problem(vs, "region %u: order %u: %lu listed, nr_free %lu\n",
				idx, order, n, area->nr_free);
		if (heads[order] != area->nr_free)
			problem(vs, "region %u: order %u: %lu free heads but nr_free says %lu\n",
				idx, order, heads[order], area->nr_free);
		if (!area->map)
			continue;
		for (bit = 0; bit < map_bits(r, order); bit++) {
			unsigned long lo = ((r->base_pfn >> (order + 1)) + bit)
					   << (order + 1);
			unsigned long hi = lo + (1UL << order);
			bool a = is_free_head(r, lo, order);
			bool b = is_free_head(r, hi, order);

			if (a && b)
				problem(vs, "region %u: order %u: %#lx and %#lx free, unmerged\n",
					idx, order, lo, hi);
			if (test_bit(bit, area->map) != (a ^ b))
				problem(vs, "region %u: order %u: bit %lu is %d, %#lx/%#lx %s/%s\n",
					idx, order, bit,
					test_bit(bit, area->map), lo, hi,
					a ? "free" : "used", b ? "free" : "used");
		}
	}
}

/**
 * kbuddy_validate() - cross-check every structure of a pool
 * @pool: the pool
 * @report: called once per problem found (at most KBUDDY_REPORT_MAX times),
 *	or NULL
 * @ctx: passed to @report
 *
 * Checks that block heads tile every region, that each block is aligned to
 * its size and inside its region, that the free lists hold exactly the free
 * heads of their order, that nr_free agrees, that no two free buddies are
 * left unmerged, that every map bit is the XOR of its buddies' freedom, and
 * that free and allocated pages add up to the pool.
 *
 * Context: Any context; takes the pool's lock for a time linear in the size
 * of the pool.
 * Return: the number of problems found, 0 when consistent.
 */
unsigned long kbuddy_validate(struct kbuddy_pool *pool,
			      kbuddy_report_fn report, void *ctx)
{
	struct validate_state vs = { .report = report, .ctx = ctx };
	unsigned long flags, free_pages = 0, nr_pages = 0;
	unsigned int i;

	spin_lock_irqsave(&pool->lock, flags);
	for (i = 0; i < pool->nr_regions; i++) {
		validate_region(pool, i, &vs);
		free_pages += pool->regions[i].nr_free;
		nr_pages += pool->regions[i].nr_pages;
	}
	if (free_pages != pool->nr_free)
		problem(&vs, "pool: regions hold %lu free pages but the pool says %lu\n",
			free_pages, pool->nr_free);
	if (nr_pages != pool->nr_pages)
		problem(&vs, "pool: regions hold %lu pages but the pool says %lu\n",
			nr_pages, pool->nr_pages);
	spin_unlock_irqrestore(&pool->lock, flags);
	return vs.problems;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_validate, KBUDDY_INTERNAL);

/* ==== Owned blocks: the slab layer and the malloc family ================= */

static void set_owner(struct kbuddy_region *r, unsigned long pfn,
		      unsigned int order, void *owner)
{
	unsigned long i;

	for (i = 0; i < 1UL << order; i++)
		WRITE_ONCE(pfn_desc(r, pfn + i)->owner, owner);
}

/**
 * kbuddy_alloc_owned() - allocate a block and mark who owns it
 * @pool: the pool
 * @order: order of the block
 * @gfp: allocation flags
 * @owner: stored in the descriptor of every page of the block (a slab, or
 *	KBUDDY_OWNER_LARGE), NULL for a plain kbuddy_alloc_pages() block
 *
 * Context: Any context.
 * Return: the block's address, or NULL.
 */
void *kbuddy_alloc_owned(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp, void *owner)
{
	unsigned long flags, pfn;
	unsigned int i;
	void *addr = NULL;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (order >= pool->max_order)
		return NULL;

	spin_lock_irqsave(&pool->lock, flags);
	for (i = 0; i < pool->nr_regions; i++) {
		struct kbuddy_region *r = &pool->regions[i];

		if (alloc_from_region(pool, r, order, &pfn)) {
			addr = pfn_virt(r, pfn);
			if (owner)
				set_owner(r, pfn, order, owner);
			break;
		}
	}
	if (addr)
		pool->stats.alloc[order]++;
	else
		pool->stats.fail[order]++;
	spin_unlock_irqrestore(&pool->lock, flags);

	if (addr && ((gfp & __GFP_ZERO) || want_init_on_alloc(gfp)))
		memset(addr, 0, PAGE_SIZE << order);
	return addr;
}

/**
 * kbuddy_alloc_batch() - allocate up to @n blocks under one lock hold
 * @pool: the pool
 * @order: order of the blocks
 * @out: where to put each block's address and descriptor
 * @n: how many are wanted
 *
 * The blocks are marked owned by KBUDDY_OWNER_PCP: they fill a CPU's page
 * cache and are not counted as allocations until handed out.
 *
 * Context: Any context.
 * Return: how many blocks were allocated.
 */
unsigned int kbuddy_alloc_batch(struct kbuddy_pool *pool, unsigned int order,
				struct kbuddy_pcp_block *out, unsigned int n)
{
	unsigned int i = 0, got = 0;
	unsigned long flags, pfn;

	spin_lock_irqsave(&pool->lock, flags);
	while (got < n && i < pool->nr_regions) {
		struct kbuddy_region *r = &pool->regions[i];

		if (!alloc_from_region(pool, r, order, &pfn)) {
			i++;
			continue;
		}
		/* The head alone marks a cached block (pcp.c claims it so). */
		WRITE_ONCE(pfn_desc(r, pfn)->owner, KBUDDY_OWNER_PCP);
		out[got].addr = pfn_virt(r, pfn);
		out[got].page = pfn_desc(r, pfn);
		got++;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return got;
}

/**
 * kbuddy_free_batch() - give blocks of a CPU's page cache back
 * @pool: the pool
 * @order: order of the blocks
 * @blocks: the blocks, owned by KBUDDY_OWNER_PCP
 * @n: how many
 *
 * Context: Any context.
 */
void kbuddy_free_batch(struct kbuddy_pool *pool, unsigned int order,
		       struct kbuddy_pcp_block *blocks, unsigned int n)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&pool->lock, flags);
	for (i = 0; i < n; i++) {
		struct kbuddy_region *r = kbuddy_find_region(pool, blocks[i].addr);
		unsigned long pfn = r->base_pfn + (blocks[i].page - r->pages);

		WRITE_ONCE(blocks[i].page->owner, NULL);
		pool->stats.counter[KBUDDY_MERGE] +=
			free_one_block(pool->max_order, r, pfn, order);
		pool->nr_free += 1UL << order;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

/**
 * kbuddy_count_fail() - count an allocation that found no block
 * @pool: the pool
 * @order: its order
 *
 * Context: Any context.
 */
void kbuddy_count_fail(struct kbuddy_pool *pool, unsigned int order)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	pool->stats.fail[order]++;
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

		if (!pfn_in_region(r, head))
			return false;
		page = pfn_desc(r, head);
		if (page->state != KBUDDY_PAGE_NONE)
			return page->state == KBUDDY_PAGE_FREE;
	}
	return false;
}

static const char *bad_free_reason(enum kbuddy_counter kind)
{
	switch (kind) {
	case KBUDDY_BAD_FREE_OUTSIDE:
		return "address outside the pool";
	case KBUDDY_BAD_FREE_MISALIGNED:
		return "address not aligned to the order";
	case KBUDDY_BAD_FREE_NOT_HEAD:
		return "not the start of an allocated block";
	case KBUDDY_BAD_FREE_DOUBLE:
		return "memory already free (double free)";
	case KBUDDY_BAD_FREE_WRONG_ORDER:
		return "order differs from the allocation's";
	case KBUDDY_BAD_FREE_WRONG_ALLOCATOR:
		return "block belongs to another interface (slab, malloc or pages)";
	default:
		return "bad free";
	}
}

/*
 * Check that @addr heads an allocated block of @order (or of any order, for
 * KBUDDY_ANY_ORDER) owned by @owner. The caller holds the pool's lock.
 * Return: KBUDDY_NR_COUNTERS if so, else the kind of bad free; *@rp, *@pfnp
 * and *@orderp describe the block.
 */
static enum kbuddy_counter check_owned(struct kbuddy_pool *pool, void *addr,
				       unsigned int *orderp, void *owner,
				       struct kbuddy_region **rp,
				       unsigned long *pfnp)
{
	unsigned int order = *orderp;
	struct kbuddy_region *r;
	struct kbuddy_page *page;
	unsigned long pfn;

	*rp = r = kbuddy_find_region(pool, addr);
	if (!r)
		return KBUDDY_BAD_FREE_OUTSIDE;
	*pfnp = pfn = r->base_pfn + ((addr - r->virt) >> PAGE_SHIFT);
	if (order != KBUDDY_ANY_ORDER && order >= pool->max_order)
		return KBUDDY_BAD_FREE_WRONG_ORDER;
	if (!PAGE_ALIGNED(addr - r->virt) ||
	    (order != KBUDDY_ANY_ORDER && (pfn & ((1UL << order) - 1))))
		return KBUDDY_BAD_FREE_MISALIGNED;
	page = pfn_desc(r, pfn);
	if (page->state == KBUDDY_PAGE_NONE)
		return inside_free_block(pool, r, pfn) ? KBUDDY_BAD_FREE_DOUBLE :
							 KBUDDY_BAD_FREE_NOT_HEAD;
	if (page->state == KBUDDY_PAGE_FREE)
		return KBUDDY_BAD_FREE_DOUBLE;
	/* Freed already, and held in a CPU's page cache. */
	if (page->owner == KBUDDY_OWNER_PCP)
		return KBUDDY_BAD_FREE_DOUBLE;
	if (page->owner != owner)
		return KBUDDY_BAD_FREE_WRONG_ALLOCATOR;
	if (order == KBUDDY_ANY_ORDER)
		*orderp = page->order;
	else if (page->order != order)
		return KBUDDY_BAD_FREE_WRONG_ORDER;
	return KBUDDY_NR_COUNTERS;
}

static void report_bad_free(struct kbuddy_pool *pool, void *addr,
			    struct kbuddy_region *r, unsigned long pfn,
			    unsigned int order, enum kbuddy_counter bad,
			    unsigned long caller)
{
	phys_addr_t phys = PFN_PHYS(pfn);

	if (order == KBUDDY_ANY_ORDER)
		order = 0;
	if (r)
		pr_warn_ratelimited("pool %s: refused free of %pa order %u: %s (caller %pS)\n",
				    pool->name, &phys, order,
				    bad_free_reason(bad), (void *)caller);
	else
		pr_warn_ratelimited("pool %s: refused free of %p order %u: %s (caller %pS)\n",
				    pool->name, addr, order,
				    bad_free_reason(bad), (void *)caller);
}

/**
 * kbuddy_free_owned() - free a block allocated by kbuddy_alloc_owned()
 * @pool: the pool
 * @addr: the block's address
 * @order: its order, or KBUDDY_ANY_ORDER to take the order it has
 * @owner: the owner it was allocated with
 * @caller: the address reported for a bad free
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a refused free (the pool unchanged).
 */
int kbuddy_free_owned(struct kbuddy_pool *pool, void *addr, unsigned int order,
		      void *owner, unsigned long caller)
{
	enum kbuddy_counter bad;
	struct kbuddy_region *r;
	unsigned long flags, pfn = 0;

	spin_lock_irqsave(&pool->lock, flags);
	bad = check_owned(pool, addr, &order, owner, &r, &pfn);
	if (bad != KBUDDY_NR_COUNTERS) {
		pool->stats.counter[bad]++;
		spin_unlock_irqrestore(&pool->lock, flags);
		report_bad_free(pool, addr, r, pfn, order, bad, caller);
		return -EINVAL;
	}
	if (owner)
		set_owner(r, pfn, order, NULL);
	pool->stats.counter[KBUDDY_MERGE] +=
		free_one_block(pool->max_order, r, pfn, order);
	pool->nr_free += 1UL << order;
	pool->stats.free[order]++;
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}

/**
 * kbuddy_owned_order() - order of an allocated block owned by @owner
 * @pool: the pool
 * @addr: the block's address
 * @owner: its owner
 *
 * Context: Any context.
 * Return: the order, or -EINVAL if @addr is not such a block.
 */
int kbuddy_owned_order(struct kbuddy_pool *pool, void *addr, void *owner)
{
	unsigned int order = KBUDDY_ANY_ORDER;
	struct kbuddy_region *r;
	unsigned long flags, pfn;
	enum kbuddy_counter bad;

	spin_lock_irqsave(&pool->lock, flags);
	bad = check_owned(pool, addr, &order, owner, &r, &pfn);
	spin_unlock_irqrestore(&pool->lock, flags);
	return bad == KBUDDY_NR_COUNTERS ? order : -EINVAL;
}

/**
 * kbuddy_resize_owned() - shrink or grow an allocated block in place
 * @pool: the pool
 * @addr: the block's address
 * @order: its order now
 * @new_order: the order it should have
 * @owner: its owner
 *
 * Shrinking splits the block and frees the tail (orders @new_order ..
 * @order - 1) back to the free areas. Growing takes, for each order from
 * @order up, the buddy above the block, which must be free as a whole block
 * of that order; the block must be aligned to @new_order.
 *
 * Context: Any context.
 * Return: 0, -ENOMEM if the buddies needed to grow are not all free, or
 * -EINVAL if @addr is not an allocated block of @order owned by @owner.
 */
int kbuddy_resize_owned(struct kbuddy_pool *pool, void *addr,
			unsigned int order, unsigned int new_order, void *owner)
{
	struct kbuddy_region *r;
	unsigned long flags, pfn;
	unsigned int k;
	int err = 0;

	if (new_order >= pool->max_order)
		return -ENOMEM;
	spin_lock_irqsave(&pool->lock, flags);
	if (check_owned(pool, addr, &order, owner, &r, &pfn) !=
	    KBUDDY_NR_COUNTERS) {
		err = -EINVAL;
		goto out;
	}
	if (new_order < order) {
		pfn_desc(r, pfn)->order = new_order;
		for (k = new_order; k < order; k++) {
			unsigned long tail = pfn + (1UL << k);

			set_owner(r, tail, k, NULL);
			pool->stats.counter[KBUDDY_MERGE] +=
				free_one_block(pool->max_order, r, tail, k);
			pool->stats.counter[KBUDDY_SPLIT]++;
		}
		pool->nr_free += (1UL << order) - (1UL << new_order);
	} else if (new_order > order) {
		if (pfn & ((1UL << new_order) - 1) ||
		    pfn + (1UL << new_order) > region_end_pfn(r)) {
			err = -ENOMEM;
			goto out;
		}
		for (k = order; k < new_order; k++)
			if (!is_free_head(r, pfn + (1UL << k), k)) {
				err = -ENOMEM;
				goto out;
			}
		for (k = order; k < new_order; k++) {
			unsigned long buddy = pfn + (1UL << k);

			del_free_block(r, pfn_desc(r, buddy), buddy, k);
			r->nr_free -= 1UL << k;
			set_owner(r, buddy, k, owner);
			pool->stats.counter[KBUDDY_MERGE]++;
		}
		pfn_desc(r, pfn)->order = new_order;
		pool->nr_free -= (1UL << new_order) - (1UL << order);
	}
out:
	spin_unlock_irqrestore(&pool->lock, flags);
	return err;
}

/**
 * kbuddy_page_owner() - the owner recorded for the page holding @addr
 * @pool: the pool
 * @addr: any address
 *
 * Lockless: the owner of a block that is being freed at the same time may be
 * stale; callers that dereference a slab owner do so under RCU.
 *
 * Context: Any context.
 * Return: the owner, or NULL if there is none or @addr is not in the pool.
 */
void *kbuddy_page_owner(struct kbuddy_pool *pool, const void *addr)
{
	return kbuddy_owner_of(pool, addr);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_page_owner, KBUDDY_INTERNAL);

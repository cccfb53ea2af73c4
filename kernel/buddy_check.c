// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - the page allocator's checker: kbuddy_regions_validate() walks
 * every region's block heads, free lists and pair bitmaps in bounded chunks
 * under the pool's lock and reports through report.c. buddy.c owns the
 * structures it reads; this file only reads them.
 */

#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "internal.h"
#include "report.h"

/* ==== Validation ========================================================= */

enum validate_phase {
	CHECK_TILES,	/* block heads tile the region */
	CHECK_LISTS,	/* free lists hold exactly the free heads */
	CHECK_MAPS,	/* each pair bit is the XOR of its buddies' freedom */
	CHECK_DONE,
};

/*
 * A validate pass, resumable: each step examines at most KBUDDY_CHECK_CHUNK
 * pages, list entries or bits under the pool's lock, so interrupts stay off
 * for a bounded time whatever the region size. A step runs only if the pool
 * has not changed (pool->seq) since the pass began, so every step sees the
 * same pool.
 */
struct validate_state {
	struct kbuddy_sink sink;
	unsigned long seq;
	unsigned int region;
	enum validate_phase phase;
	unsigned int order;
	/* CHECK_TILES: the block being walked, and the next page in it */
	unsigned long pfn, head, nr, i, tag;
	/* CHECK_LISTS: the next list entry and the entries seen */
	struct list_head *pos;
	unsigned long listed;
	/* CHECK_MAPS: the next bit */
	unsigned long bit;
	unsigned long free_pages, used_pages;
	unsigned long heads[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long pool_free, pool_pages;
};

/* Does @tag fit a head of @state and @order? */
static bool tag_fits(unsigned long tag, unsigned int state, unsigned int order)
{
	if (state == KBUDDY_PAGE_FREE)
		return tag == KBUDDY_TAG(KBUDDY_KIND_FREE, order);
	if (kbuddy_tag_is_slab(tag))
		return true;
	switch (kbuddy_tag_kind(tag)) {
	case KBUDDY_KIND_PCP:
	case KBUDDY_KIND_PAGES:
	case KBUDDY_KIND_LARGE:
	case KBUDDY_KIND_CONTIG:
		return kbuddy_tag_order(tag) == order;
	default:
		return false;
	}
}

/* Start a block at vs->pfn. Return: false if none starts there. */
static bool tile_head(struct kbuddy_pool *pool, struct kbuddy_region *r,
		      struct validate_state *vs)
{
	unsigned long pfn = vs->pfn, end = kbuddy_region_end_pfn(r);
	struct kbuddy_page *page = kbuddy_pfn_desc(r, pfn);
	unsigned int idx = vs->region, order = page->order;
	unsigned long nr, tag = READ_ONCE(page->tag);

	if (page->state != KBUDDY_PAGE_FREE && page->state != KBUDDY_PAGE_ALLOC) {
		kbuddy_problem(&vs->sink, "region %u: pfn %#lx: no block head (state %u)\n",
			       idx, pfn, page->state);
		return false;
	}
	if (order >= pool->max_order) {
		kbuddy_problem(&vs->sink, "region %u: pfn %#lx: order %u >= max_order %u\n",
			       idx, pfn, order, pool->max_order);
		return false;
	}
	nr = 1UL << order;
	if (pfn & (nr - 1))
		kbuddy_problem(&vs->sink, "region %u: pfn %#lx: order %u block misaligned\n",
			       idx, pfn, order);
	if (nr > end - pfn) {
		kbuddy_problem(&vs->sink,
			       "region %u: pfn %#lx: block of order %u runs past the region\n",
			       idx, pfn, order);
		nr = end - pfn;
	}
	if (!tag_fits(tag, page->state, order))
		kbuddy_problem(&vs->sink,
			       "region %u: pfn %#lx: %s block of order %u has tag %#lx\n",
			       idx, pfn, page->state == KBUDDY_PAGE_FREE ? "free" : "allocated",
			       order, tag);
	if (page->state == KBUDDY_PAGE_FREE) {
		vs->free_pages += nr;
		vs->heads[order]++;
		/* No pair bits to check against: check the merge here. */
		if (r->sparse && order < pool->max_order - 1 &&
		    kbuddy_is_free_head(r, pfn ^ (1UL << order), order))
			kbuddy_problem(&vs->sink,
				       "region %u: order %u: %#lx and %#lx free, unmerged\n",
				       idx, order, pfn, pfn ^ (1UL << order));
	} else {
		vs->used_pages += nr;
	}
	vs->head = pfn;
	vs->nr = nr;
	vs->i = 1;
	/* Only a slab marks the pages inside its block. */
	vs->tag = kbuddy_tag_is_slab(tag) ? tag : 0;
	return true;
}

/* Walk the region block by block. Return: true when the region is done. */
static bool check_tiles(struct kbuddy_pool *pool, struct kbuddy_region *r,
			struct validate_state *vs, unsigned int *budget)
{
	unsigned long end = kbuddy_region_end_pfn(r);

	while (*budget) {
		if (!vs->i) {
			if (vs->pfn >= end)
				return true;
			(*budget)--;
			if (!tile_head(pool, r, vs)) {
				vs->pfn++;
				continue;
			}
		}
		for (; vs->i < vs->nr && *budget; vs->i++, (*budget)--) {
			struct kbuddy_page *page;

			/* A sparse region's absent leaves are all zero. */
			vs->i = kbuddy_desc_next(r, vs->head + vs->i,
						 vs->head + vs->nr) - vs->head;
			if (vs->i >= vs->nr)
				break;
			page = kbuddy_pfn_desc(r, vs->head + vs->i);

			if (page->state != KBUDDY_PAGE_NONE)
				kbuddy_problem(&vs->sink,
					       "region %u: pfn %#lx: head inside block %#lx+%lu\n",
					       vs->region, vs->head + vs->i, vs->head, vs->nr);
			if (READ_ONCE(page->tag) != vs->tag)
				kbuddy_problem(&vs->sink,
					       "region %u: pfn %#lx: tag differs in block %#lx+%lu\n",
					       vs->region, vs->head + vs->i, vs->head, vs->nr);
		}
		if (vs->i >= vs->nr) {
			vs->pfn = vs->head + vs->nr;
			vs->i = 0;
		}
	}
	return false;
}

/* The free list of vs->order. Return: true when it is done. */
static bool check_list(struct kbuddy_region *r, struct validate_state *vs,
		       unsigned int *budget)
{
	struct kbuddy_free_area *area = &r->free_area[vs->order];
	unsigned int idx = vs->region, order = vs->order;

	if (!vs->pos)
		vs->pos = area->free_list.next;
	for (; vs->pos != &area->free_list && *budget;
	     vs->pos = vs->pos->next, (*budget)--) {
		struct kbuddy_page *page = list_entry(vs->pos, struct kbuddy_page, lru);
		unsigned long pfn = kbuddy_desc_pfn(r, page);
		bool inside = r->sparse ?
			      kbuddy_pfn_in_region(r, pfn) && kbuddy_pfn_desc(r, pfn) == page :
			      page >= r->pages && page < r->pages + r->nr_pages;

		if (!inside) {
			kbuddy_problem(&vs->sink,
				       "region %u: order %u: list entry outside the region\n",
				       idx, order);
			break;
		}
		if (page->state != KBUDDY_PAGE_FREE || page->order != order)
			kbuddy_problem(&vs->sink,
				       "region %u: order %u: pfn %#lx: state %u order %u\n",
				       idx, order, pfn, page->state, page->order);
		if (++vs->listed > r->nr_pages) {
			kbuddy_problem(&vs->sink, "region %u: order %u: free list loops\n",
				       idx, order);
			break;
		}
	}
	if (*budget && vs->pos != &area->free_list)
		vs->pos = &area->free_list;	/* broken list: stop walking it */
	if (vs->pos != &area->free_list)
		return false;
	if (vs->listed != area->nr_free)
		kbuddy_problem(&vs->sink, "region %u: order %u: %lu listed, nr_free %lu\n",
			       idx, order, vs->listed, area->nr_free);
	if (vs->heads[order] != area->nr_free)
		kbuddy_problem(&vs->sink,
			       "region %u: order %u: %lu free heads but nr_free says %lu\n",
			       idx, order, vs->heads[order], area->nr_free);
	return true;
}

/* The pair bits of vs->order. Return: true when they are done. */
static bool check_map(struct kbuddy_region *r, struct validate_state *vs,
		      unsigned int *budget)
{
	struct kbuddy_free_area *area = &r->free_area[vs->order];
	unsigned int idx = vs->region, order = vs->order;

	if (!area->map)
		return true;
	for (; vs->bit < kbuddy_map_bits(r, order) && *budget; vs->bit++, (*budget)--) {
		unsigned long lo = ((r->base_pfn >> (order + 1)) + vs->bit)
				   << (order + 1);
		unsigned long hi = lo + (1UL << order);
		bool a = kbuddy_is_free_head(r, lo, order);
		bool b = kbuddy_is_free_head(r, hi, order);

		if (a && b)
			kbuddy_problem(&vs->sink,
				       "region %u: order %u: %#lx and %#lx free, unmerged\n",
				       idx, order, lo, hi);
		if (test_bit(vs->bit, area->map) != (a ^ b))
			kbuddy_problem(&vs->sink,
				       "region %u: order %u: bit %lu is %d, %#lx/%#lx %s/%s\n",
				       idx, order, vs->bit, test_bit(vs->bit, area->map),
				       lo, hi, a ? "free" : "used", b ? "free" : "used");
	}
	return vs->bit >= kbuddy_map_bits(r, order);
}

/* Begin the checks of region vs->region. */
static void check_region_start(struct kbuddy_region *r,
			       struct validate_state *vs)
{
	vs->phase = CHECK_TILES;
	vs->pfn = r->base_pfn;
	vs->i = 0;
	vs->nr = 0;
	vs->free_pages = 0;
	vs->used_pages = 0;
	memset(vs->heads, 0, sizeof(vs->heads));
}

/* One step of a pass. The caller holds the lock. Return: true when done. */
static bool validate_step(struct kbuddy_pool *pool, struct validate_state *vs)
{
	unsigned int budget = KBUDDY_CHECK_CHUNK;
	struct kbuddy_region *r;

	while (budget) {
		if (vs->region >= pool->nr_regions) {
			if (vs->pool_free != pool->nr_free)
				kbuddy_problem(&vs->sink,
					       "pool: regions hold %lu free pages, pool says %lu\n",
					       vs->pool_free, pool->nr_free);
			if (vs->pool_pages != pool->nr_pages)
				kbuddy_problem(&vs->sink,
					       "pool: regions hold %lu pages but the pool says %lu\n",
					       vs->pool_pages, pool->nr_pages);
			return true;
		}
		r = &pool->regions[vs->region];
		switch (vs->phase) {
		case CHECK_TILES:
			if (!check_tiles(pool, r, vs, &budget))
				break;
			if (vs->free_pages != r->nr_free)
				kbuddy_problem(&vs->sink,
					       "region %u: %lu free pages, nr_free says %lu\n",
					       vs->region, vs->free_pages, r->nr_free);
			if (vs->free_pages + vs->used_pages != r->nr_pages)
				kbuddy_problem(&vs->sink,
					       "region %u: free %lu + allocated %lu != %lu pages\n",
					       vs->region, vs->free_pages, vs->used_pages,
					       r->nr_pages);
			vs->phase = CHECK_LISTS;
			vs->order = 0;
			vs->pos = NULL;
			vs->listed = 0;
			break;
		case CHECK_LISTS:
			if (!check_list(r, vs, &budget))
				break;
			vs->pos = NULL;
			vs->listed = 0;
			if (++vs->order == pool->max_order) {
				vs->phase = CHECK_MAPS;
				vs->order = 0;
				vs->bit = 0;
			}
			break;
		case CHECK_MAPS:
			if (!check_map(r, vs, &budget))
				break;
			vs->bit = 0;
			if (++vs->order == pool->max_order)
				vs->phase = CHECK_DONE;
			break;
		case CHECK_DONE:
			vs->pool_free += r->nr_free;
			vs->pool_pages += r->nr_pages;
			vs->region++;
			if (vs->region < pool->nr_regions)
				check_region_start(&pool->regions[vs->region], vs);
			break;
		}
	}
	return false;
}

/**
 * kbuddy_regions_validate() - cross-check every region of a pool: heads, free lists, bitmaps
 * @pool: the pool
 * @report: called once per problem found (the first KBUDDY_REPORT_MAX;
 *	then once with how many more), or NULL
 * @ctx: passed to @report
 *
 * Checks that block heads tile every region, that each block is aligned to
 * its size and inside its region and carries a tag that fits it, that the
 * free lists hold exactly the free heads of their order, that nr_free
 * agrees, that no two free buddies are left unmerged, that every map bit is
 * the XOR of its buddies' freedom, and that free and allocated pages add up
 * to the pool. Blocks held in per-CPU caches are checked by
 * kbuddy_pcp_validate().
 *
 * The pool's lock is taken for at most KBUDDY_CHECK_CHUNK pages, list
 * entries or bits at a time. A pass whose pool changed between two chunks
 * starts again, up to KBUDDY_CHECK_TRIES times.
 *
 * Context: Process context.
 * Return: the number of problems found (0 when consistent), or -EBUSY if
 * the pool changed under every pass, so that nothing could be concluded.
 */
long kbuddy_regions_validate(struct kbuddy_pool *pool, kbuddy_report_fn report,
			     void *ctx)
{
	struct validate_state *vs;
	unsigned long flags;
	unsigned int tries;
	long ret = -EBUSY;
	bool done = false;

	vs = kmalloc(sizeof(*vs), GFP_KERNEL);
	if (!vs)
		return -ENOMEM;
	for (tries = 0; tries < KBUDDY_CHECK_TRIES && !done; tries++) {
		memset(vs, 0, sizeof(*vs));
		kbuddy_sink_init(&vs->sink, report, ctx);
		spin_lock_irqsave(&pool->lock, flags);
		vs->seq = pool->seq;
		if (pool->nr_regions)
			check_region_start(&pool->regions[0], vs);
		spin_unlock_irqrestore(&pool->lock, flags);
		for (;;) {
			spin_lock_irqsave(&pool->lock, flags);
			if (pool->seq != vs->seq) {
				spin_unlock_irqrestore(&pool->lock, flags);
				break;
			}
			done = validate_step(pool, vs);
			spin_unlock_irqrestore(&pool->lock, flags);
			if (done)
				break;
			cond_resched();
		}
		/* What a step found was found in a consistent pool. */
		if (done || vs->sink.problems) {
			kbuddy_sink_finish(&vs->sink);
			ret = vs->sink.problems;
			done = true;
		}
	}
	kfree(vs);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_regions_validate, KBUDDY_INTERNAL);

/**
 * kbuddy_region_free_map() - which pages of a region the free lists hold
 * @pool: the pool
 * @idx: the region's index in @pool
 * @map: one byte per page of the region: set to 1 where a block in the free
 *	lists holds the page, 0 elsewhere (allocated, cached per CPU, a
 *	hole)
 *
 * For the tests' placement models (kunit/contig_kunit.c,
 * tools/testing/fuzz.c). A snapshot of one moment: the pool's lock is
 * taken for at most KBUDDY_CHECK_CHUNK pages at a time (a large block is
 * filled in over several), and a walk the pool changed under starts
 * again, up to KBUDDY_CHECK_TRIES times.
 *
 * Context: Process context.
 * Return: 0; -EINVAL for a region the pool does not have; -EBUSY if the
 * pool changed under every walk (@map then holds no one moment's state).
 */
int kbuddy_region_free_map(struct kbuddy_pool *pool, unsigned int idx, u8 *map)
{
	unsigned long i, k, rem, budget, seq, flags;
	struct kbuddy_region *r;
	unsigned int tries;
	bool changed;
	u8 val = 0;

	if (idx >= READ_ONCE(pool->nr_regions))
		return -EINVAL;
	r = &pool->regions[idx];
	for (tries = 0; tries < KBUDDY_CHECK_TRIES; tries++) {
		i = 0;
		rem = 0;
		changed = false;
		spin_lock_irqsave(&pool->lock, flags);
		seq = pool->seq;
		while (i < r->nr_pages && !changed) {
			/* @rem pages of the block at hand are left to fill. */
			for (budget = KBUDDY_CHECK_CHUNK; budget && i < r->nr_pages;
			     budget -= k) {
				if (!rem) {
					struct kbuddy_page *page =
						kbuddy_pfn_desc(r, r->base_pfn + i);

					val = page->state == KBUDDY_PAGE_FREE;
					rem = page->state == KBUDDY_PAGE_NONE ?
					      1 : 1UL << page->order;
				}
				k = min3(rem, budget, r->nr_pages - i);
				memset(map + i, val, k);
				i += k;
				rem -= k;
			}
			spin_unlock_irqrestore(&pool->lock, flags);
			cond_resched();
			spin_lock_irqsave(&pool->lock, flags);
			changed = pool->seq != seq;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
		if (!changed)
			return 0;
	}
	return -EBUSY;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_region_free_map, KBUDDY_INTERNAL);

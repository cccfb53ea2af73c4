// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - a pool's map: every block of every region, in address order, with
 * its order and its state (free, parked in a CPU's cache, or whose it is),
 * read in bounded steps under the pool's lock for debugfs's map file. Like
 * buddy_check.c, this file only reads buddy.c's structures.
 */

#include <linux/log2.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "internal.h"

static const char *const kbuddy_map_state_names[KBUDDY_NR_MAP_STATES] = {
	[KBUDDY_MAP_FREE] = "free",
	[KBUDDY_MAP_PCP] = "pcp",
	[KBUDDY_MAP_PAGES] = "pages",
	[KBUDDY_MAP_MALLOC] = "malloc",
	[KBUDDY_MAP_CONTIG] = "contig",
	[KBUDDY_MAP_SLAB] = "slab",
	[KBUDDY_MAP_UNKNOWN] = "unknown",
};

/**
 * kbuddy_map_state_name() - a map state's name, as the map file shows it
 * @state: an enum kbuddy_map_state
 *
 * Context: Any context.
 * Return: its name, or "unknown" for a value out of range.
 */
const char *kbuddy_map_state_name(unsigned int state)
{
	if (state >= KBUDDY_NR_MAP_STATES)
		state = KBUDDY_MAP_UNKNOWN;
	return kbuddy_map_state_names[state];
}
EXPORT_SYMBOL_NS_GPL(kbuddy_map_state_name, KBUDDY_INTERNAL);

/*
 * The state of the block headed by @page, and for a slab its cache's name
 * in @cache. Under the pool's lock and rcu_read_lock(): a slab's descriptor
 * and its cache are freed after a grace period.
 */
static unsigned int map_head_state(const struct kbuddy_page *page, char *cache)
{
	unsigned long tag = READ_ONCE(page->tag);
	const struct kbuddy_slab *slab;

	if (page->state == KBUDDY_PAGE_FREE)
		return KBUDDY_MAP_FREE;
	if (kbuddy_tag_is_slab(tag)) {
		slab = (const struct kbuddy_slab *)tag;
		strscpy(cache, READ_ONCE(slab->cache)->name, KBUDDY_NAME_LEN + 1);
		return KBUDDY_MAP_SLAB;
	}
	switch (kbuddy_tag_kind(tag)) {
	case KBUDDY_KIND_PCP:
		return KBUDDY_MAP_PCP;
	case KBUDDY_KIND_PAGES:
		return KBUDDY_MAP_PAGES;
	case KBUDDY_KIND_LARGE:
		return KBUDDY_MAP_MALLOC;
	case KBUDDY_KIND_CONTIG:
		return KBUDDY_MAP_CONTIG;
	default:
		return KBUDDY_MAP_UNKNOWN;
	}
}

/* Does a well-formed block of the page at @pfn start there? */
static bool map_is_head(const struct kbuddy_pool *pool,
			const struct kbuddy_region *r, unsigned long pfn)
{
	const struct kbuddy_page *page = kbuddy_pfn_desc(r, pfn);
	unsigned long nr = 1UL << page->order;

	return (page->state == KBUDDY_PAGE_FREE ||
		page->state == KBUDDY_PAGE_ALLOC) &&
	       page->order < pool->max_order && !(pfn & (nr - 1)) &&
	       nr <= kbuddy_region_end_pfn(r) - pfn;
}

/*
 * Describe the block at @pfn in @rec (order, state, cache): the block @pfn
 * heads; or, if a merge since the previous step made @pfn the inside of a
 * larger block, the largest aligned piece of that block from @pfn, in its
 * state; or one page of state unknown if no block holds it (a corrupt
 * pool: validate says more). Return: the pages described.
 */
static unsigned long map_block(const struct kbuddy_pool *pool,
			       const struct kbuddy_region *r, unsigned long pfn,
			       struct kbuddy_map_rec *rec)
{
	unsigned long head, end, nr;
	unsigned int order;

	rec->cache[0] = '\0';
	if (map_is_head(pool, r, pfn)) {
		rec->order = kbuddy_pfn_desc(r, pfn)->order;
		rec->state = map_head_state(kbuddy_pfn_desc(r, pfn), rec->cache);
		return 1UL << rec->order;
	}
	for (order = 1; order < pool->max_order; order++) {
		head = pfn & ~((1UL << order) - 1);
		if (head < r->base_pfn)
			break;
		if (kbuddy_pfn_desc(r, head)->state == KBUDDY_PAGE_NONE)
			continue;
		if (!map_is_head(pool, r, head))
			break;
		end = head + (1UL << kbuddy_pfn_desc(r, head)->order);
		if (end <= pfn)
			break;
		/* @pfn > @head, so it has a lowest set bit. */
		nr = min(1UL << __ffs(pfn), rounddown_pow_of_two(end - pfn));
		rec->order = ilog2(nr);
		rec->state = map_head_state(kbuddy_pfn_desc(r, head), rec->cache);
		return nr;
	}
	rec->order = 0;
	rec->state = KBUDDY_MAP_UNKNOWN;
	return 1;
}

/**
 * kbuddy_map_step() - the next records of a pool's map
 * @pool: the pool
 * @cur: where to start: a region and a page in it (both 0 for the start of
 *	the map); moved past what was described
 * @rec: where to store the records
 * @max: room in @rec, and the most blocks examined under the lock
 *
 * Describes at most @max blocks of region @cur->region, from @cur, in one hold of
 * the pool's lock, so that interrupts stay off for a bounded time however
 * large the region. Consecutive blocks of one order and state (and cache)
 * make one record. Each step is a consistent snapshot; the pool may change
 * between two steps, so a map read in several steps shows each stretch as
 * it was when that step ran (a block merged across the point where a step
 * ended is shown from there as aligned pieces of its state).
 *
 * Context: Process context; takes the pool's lock.
 * Return: the records stored, 0 once @cur is past the last region.
 */
unsigned int kbuddy_map_step(struct kbuddy_pool *pool,
			     struct kbuddy_map_cursor *cur,
			     struct kbuddy_map_rec *rec, unsigned int max)
{
	struct kbuddy_map_rec *last = NULL, next;
	unsigned long flags, pfn, end;
	struct kbuddy_region *r;
	unsigned int n = 0, seen;

	spin_lock_irqsave(&pool->lock, flags);
	rcu_read_lock();
	if (cur->region >= pool->nr_regions || !max)
		goto out;
	r = &pool->regions[cur->region];
	end = kbuddy_region_end_pfn(r);
	pfn = r->base_pfn + cur->page;
	for (seen = 0; seen < max && pfn < end; seen++) {
		unsigned long nr = map_block(pool, r, pfn, &next);

		if (last && last->order == next.order &&
		    last->state == next.state &&
		    !strcmp(last->cache, next.cache)) {
			last->count++;
		} else {
			if (n == max)
				break;
			last = &rec[n++];
			*last = next;
			last->page = pfn - r->base_pfn;
			last->count = 1;
		}
		pfn += nr;
	}
	if (pfn < end) {
		cur->page = pfn - r->base_pfn;
	} else {
		cur->region++;
		cur->page = 0;
	}
out:
	rcu_read_unlock();
	spin_unlock_irqrestore(&pool->lock, flags);
	return n;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_map_step, KBUDDY_INTERNAL);

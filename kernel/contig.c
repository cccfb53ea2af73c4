// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - constrained contiguous allocations: kbuddy_alloc_contig() and
 * its kbuddy_free_contig() and kbuddy_trim_contig().
 *
 * An allocation of any number of pages, placed under the caller's
 * constraints (alignment, a physical range, a boundary not to cross,
 * lowest or highest place first), as drm_buddy_alloc_blocks() with
 * DRM_BUDDY_CONTIGUOUS_ALLOCATION and vmem_xalloc() place theirs. It is
 * held as the naturally aligned buddy blocks that tile it, largest first
 * (5 pages at a multiple of 4: an order-2 block and an order-0 block),
 * each tagged KBUDDY_KIND_CONTIG: no page beyond the size is taken (no
 * covering power of two to trim), and the run may span several free
 * blocks, which is drm_buddy's "try harder" fallback as the only path.
 *
 * The search walks candidate places in address order (or from the top),
 * checking the run at each block by block through the page descriptors
 * (only block heads carry a state, so the block holding a page is found in
 * at most max_order steps), and jumps past the block that stopped it. It
 * runs under the pool's lock, at most CONTIG_STEPS blocks per lock hold:
 * the lock is dropped in between so that interrupts come back, and a place
 * is taken only in the same hold that found its run free, so a free or an
 * allocation in between cannot make it take memory that is not free.
 *
 * That walk is first fit (last fit top-down). Next fit is the same walk
 * from the pool's cursor, then from the range's start up to the cursor.
 * Best and worst fit scan every block of the range instead, measuring the
 * maximal free extents, in the same bounded holds; the place chosen is
 * checked again, block by block, in the hold that takes it, and the scan
 * redone if it was taken meanwhile (CONTIG_TRIES times, then first fit).
 */

#include <linux/bitops.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "internal.h"
#include "leak.h"
#include "report.h"

/*
 * Blocks the search looks at per hold of the pool's lock, and the most
 * blocks a run may have (so that checking, taking or giving back a run is
 * bounded too): a run is at most 64 times the pool's largest block.
 */
#define CONTIG_STEPS	64

/*
 * Scans of best or worst fit whose place was taken before it could be
 * taken; after that many, the search falls back to first fit, which takes
 * the place in the hold that finds it.
 */
#define CONTIG_TRIES	4

/* A search for a free run of @npages pages, resumable between lock holds. */
struct contig_search {
	unsigned long npages;
	unsigned long step;		/* candidate starts: multiples of this */
	unsigned long lo, hi;		/* pfns the run must lie in: [lo, hi) */
	unsigned long boundary;		/* pages; 0: none */
	bool topdown;
	bool zero;			/* the run is to be zeroed */
	unsigned int policy;		/* KBUDDY_CONTIG_*_FIT */
	unsigned int policy_asked;	/* policy falls back to first fit */
	unsigned int nr_regions;	/* when the search started */
	unsigned int region;		/* in search order */
	unsigned long pos;		/* next candidate in it, or ULONG_MAX */
	/* Next fit: the range asked for, the cursor, the second pass. */
	unsigned long lo_asked, hi_asked;
	unsigned long cursor;
	bool cursor_read, wrapped;
	/* Best and worst fit: the free extent being measured, and the pick. */
	unsigned long ext;		/* its first pfn, or ULONG_MAX: none */
	bool scanned, picked;
	unsigned int tries;
	unsigned int pick_region;
	unsigned long pick_pos, pick_size;
	/* A sparse region's descriptors the take found missing. */
	struct kbuddy_need need;
	bool no_meta;			/* and they could not be made */
};

/*
 * The order of the block that starts @n pages into a run of @npages: the
 * largest that fits in what is left, at most the pool's top order. A run
 * starts at a multiple of its first block, so every block is aligned.
 */
static unsigned int run_block_order(struct kbuddy_pool *pool,
				    unsigned long npages, unsigned long n)
{
	return min_t(unsigned int, __fls(npages - n), pool->max_order - 1);
}

/*
 * The block of @r holding @pfn: its head's descriptor, with the head's pfn
 * in *@headp. The caller holds the pool's lock.
 */
static struct kbuddy_page *block_at(struct kbuddy_pool *pool,
				    struct kbuddy_region *r, unsigned long pfn,
				    unsigned long *headp)
{
	unsigned int order;

	for (order = 0; order < pool->max_order; order++) {
		unsigned long head = pfn & ~((1UL << order) - 1);
		struct kbuddy_page *page;

		if (!kbuddy_pfn_in_region(r, head))
			break;
		page = kbuddy_pfn_desc(r, head);
		if (page->state != KBUDDY_PAGE_NONE && page->order >= order) {
			*headp = head;
			return page;
		}
	}
	return NULL;
}

/*
 * Is the run of @cs->npages at @pfn free? Free blocks are merged as soon as
 * their buddy is free, so a block of the run whose pages are all free lies
 * inside one free block: one lookup per block of the run, counted in
 * *@steps. Return: true, or false with a block that is not free and
 * overlaps the run in [*@stop_head, *@stop_end).
 */
static __always_inline bool run_free(struct kbuddy_pool *pool,
				     struct kbuddy_region *r,
				     const struct contig_search *cs,
				     unsigned long pfn, unsigned int *steps,
				     unsigned long *stop_head,
				     unsigned long *stop_end)
{
	unsigned long n, head, end;
	unsigned int order;

	for (n = 0; n < cs->npages; n += 1UL << order) {
		struct kbuddy_page *page = block_at(pool, r, pfn + n, &head);

		order = run_block_order(pool, cs->npages, n);
		(*steps)++;
		if (page && page->state == KBUDDY_PAGE_FREE && page->order >= order) {
			/* A free block holding the rest of the run: all free. */
			if (head + (1UL << page->order) >= pfn + cs->npages)
				return true;
			continue;
		}
		/*
		 * Not all free: find a block in it that is not free, walking
		 * from here while the budget lasts (else give the next place).
		 */
		end = pfn + n + (1UL << order);
		while (page && page->state == KBUDDY_PAGE_FREE &&
		       head + (1UL << page->order) < end &&
		       *steps < CONTIG_STEPS) {
			page = block_at(pool, r, head + (1UL << page->order), &head);
			(*steps)++;
		}
		if (!page || page->state == KBUDDY_PAGE_FREE) {
			/* Unknown: the next place either way. */
			*stop_head = pfn + cs->npages - 1;
			*stop_end = pfn + 1;
		} else {
			*stop_head = head;
			*stop_end = head + (1UL << page->order);
		}
		return false;
	}
	return true;
}

/* The first candidate of region @r, or ULONG_MAX if it has none. */
static unsigned long first_candidate(struct contig_search *cs,
				     struct kbuddy_region *r)
{
	unsigned long lo = max(cs->lo, r->base_pfn);
	unsigned long hi = min(cs->hi, kbuddy_region_end_pfn(r));
	unsigned long pos;

	if (lo >= hi || hi - lo < cs->npages)
		return ULONG_MAX;
	if (!cs->topdown) {
		pos = round_up(lo, cs->step);
		return pos >= lo && pos <= hi - cs->npages ? pos : ULONG_MAX;
	}
	pos = round_down(hi - cs->npages, cs->step);
	return pos >= lo ? pos : ULONG_MAX;
}

/*
 * The next candidate after one whose run hit [@head, @end), which no run
 * that overlaps it can use; ULONG_MAX when the region has no more.
 */
static unsigned long next_candidate(struct contig_search *cs,
				    struct kbuddy_region *r, unsigned long pos,
				    unsigned long head, unsigned long end)
{
	unsigned long lo = max(cs->lo, r->base_pfn);
	unsigned long hi = min(cs->hi, kbuddy_region_end_pfn(r));
	unsigned long next;

	if (!cs->topdown) {
		next = round_up(max(end, pos + 1), cs->step);
		return next > pos && next <= hi - cs->npages ? next : ULONG_MAX;
	}
	head = min(head, pos + cs->npages - 1);
	if (head < lo + cs->npages || pos == 0)
		return ULONG_MAX;
	next = round_down(min(head - cs->npages, pos - 1), cs->step);
	return next >= lo && next < pos ? next : ULONG_MAX;
}

/* Does the run at @pos cross a multiple of the boundary? */
static bool crosses(const struct contig_search *cs, unsigned long pos)
{
	return cs->boundary &&
	       (pos / cs->boundary) != ((pos + cs->npages - 1) / cs->boundary);
}

/*
 * Make the block of @order at @pfn, out of the free lists, a head of
 * KBUDDY_KIND_CONTIG, @clear as the free block it came from. The caller
 * holds the pool's lock.
 */
static __always_inline void carve_head(struct kbuddy_pool *pool,
				       const struct contig_search *cs,
				       struct kbuddy_region *r, unsigned long pfn,
				       unsigned int order, bool clear)
{
	struct kbuddy_page *page = kbuddy_pfn_desc(r, pfn);

	page->order = order;
	page->state = KBUDDY_PAGE_ALLOC;
	page->clear = clear;
	if (clear && cs->zero)
		pool->stats.counter[KBUDDY_CLEAR_REUSED] += 1UL << order;
	page->run_pages = 0;
	kbuddy_set_tag(r, pfn, order, KBUDDY_TAG(KBUDDY_KIND_CONTIG, order));
	r->nr_free -= 1UL << order;
	pool->nr_free -= 1UL << order;
	pool->stats.alloc[order]++;
}

/*
 * Take the free block of @order at @pfn out of the free block holding it,
 * splitting that block down to it (the other halves stay free, clear if it
 * was), and make it a head of KBUDDY_KIND_CONTIG, its clear state kept for
 * contig_hand_out() (counted as reused if the run is to be zeroed: @cs).
 * The caller holds the pool's lock and found the page free.
 */
static void carve(struct kbuddy_pool *pool, const struct contig_search *cs,
		  struct kbuddy_region *r, unsigned long pfn, unsigned int order)
{
	unsigned long head;
	struct kbuddy_page *page = block_at(pool, r, pfn, &head);
	unsigned int o = page->order;
	bool clear = page->clear;

	kbuddy_del_free_block(r, page, head, o);
	while (o > order) {
		o--;
		if (pfn >= head + (1UL << o)) {
			kbuddy_add_free_block(r, head, o, clear);
			head += 1UL << o;
		} else {
			kbuddy_add_free_block(r, head + (1UL << o), o, clear);
		}
		pool->stats.counter[KBUDDY_SPLITS]++;
	}
	carve_head(pool, cs, r, pfn, order, clear);
}

/*
 * Take the run of @cs->npages at @pfn out of the free block of order @o at
 * @head that holds all of it, in one go: the block off its list, the parts
 * below and above the run back on the lists as the blocks that carve() run
 * by run would leave, without the blocks it adds and takes again. Each part
 * is the binary digits of its length, at most one block per order, in
 * maximal aligned blocks. The lists end as carve() leaves them (list_add()
 * puts a block first) because, of two blocks of one order, carve() adds the
 * one below the run first: its first descent adds every block below. As
 * many splits are counted: each block left, run or free, but the first
 * came of one.
 */
static void carve_run(struct kbuddy_pool *pool, const struct contig_search *cs,
		      struct kbuddy_region *r, unsigned long pfn,
		      unsigned long head, struct kbuddy_page *page)
{
	unsigned long end = pfn + cs->npages, top, x, n;
	unsigned int o = page->order, k, blocks = 0;
	bool clear = page->clear;

	top = head + (1UL << o);
	kbuddy_del_free_block(r, page, head, o);
	/* Below the run: from @head up, the largest aligned block that fits. */
	for (x = head; x < pfn; x += 1UL << k, blocks++) {
		k = min_t(unsigned int, __ffs(x | (1UL << o)), __fls(pfn - x));
		kbuddy_add_free_block(r, x, k, clear);
	}
	/* Above it, after them: from @top down, the largest aligned block. */
	for (x = top; x > end; x -= 1UL << k, blocks++) {
		k = min_t(unsigned int, __ffs(x | (1UL << o)), __fls(x - end));
		kbuddy_add_free_block(r, x - (1UL << k), k, clear);
	}
	for (n = 0; n < cs->npages; n += 1UL << k, blocks++) {
		k = run_block_order(pool, cs->npages, n);
		carve_head(pool, cs, r, pfn + n, k, clear);
	}
	pool->stats.counter[KBUDDY_SPLITS] += blocks - 1;
}

/*
 * May the heads that taking the free run at [@pfn, @end) makes be written?
 * In a sparse region they are: the run's blocks, and the pieces left of the
 * free blocks at its two ends, each the largest aligned blocks of its span
 * (carve() and carve_run() leave those; every head they write on the way is
 * one of them, as a split's halves inside the run are the run's blocks).
 * Missing descriptors go to @cs->need. Under the pool's lock.
 */
static bool contig_ready(struct kbuddy_pool *pool, struct contig_search *cs,
			 struct kbuddy_region *r, unsigned long pfn,
			 unsigned long end)
{
	unsigned long first, last;
	struct kbuddy_page *page;

	if (likely(!r->sparse))
		return true;
	page = block_at(pool, r, end - 1, &last);
	last += 1UL << page->order;
	block_at(pool, r, pfn, &first);
	/* All three, so that one refill creates what each lacks. */
	return kbuddy_span_ready(pool, r, pfn, end, &cs->need) &
	       kbuddy_span_ready(pool, r, first, pfn, &cs->need) &
	       kbuddy_span_ready(pool, r, end, last, &cs->need);
}

/*
 * Take the run of @cs->npages at @pfn of @r, which the caller found free in
 * this hold of the pool's lock.
 * Return: true; false, nothing taken, if descriptors are missing
 * (contig_ready()).
 */
static __always_inline bool contig_take(struct kbuddy_pool *pool,
					struct contig_search *cs,
					struct kbuddy_region *r, unsigned long pfn)
{
	struct kbuddy_page *page = NULL;
	unsigned long n, head = 0;
	unsigned int order;

	if (!contig_ready(pool, cs, r, pfn, pfn + cs->npages))
		return false;

	/*
	 * run_free() found it free: in one free block, or in several. A run
	 * of one block is carve()'s alone.
	 */
	if (!is_power_of_2(cs->npages))
		page = block_at(pool, r, pfn, &head);
	if (page && page->state == KBUDDY_PAGE_FREE &&
	    head + (1UL << page->order) >= pfn + cs->npages) {
		carve_run(pool, cs, r, pfn, head, page);
	} else {
		for (n = 0; n < cs->npages; n += 1UL << order) {
			order = run_block_order(pool, cs->npages, n);
			carve(pool, cs, r, pfn + n, order);
		}
	}
	/* The first head says how long the run is. */
	kbuddy_pfn_desc(r, pfn)->run_pages = cs->npages;
	pool->stats.held_peak = max(pool->stats.held_peak,
				    pool->nr_pages - pool->nr_free);
	pool->seq++;
	if (cs->policy == KBUDDY_CONTIG_NEXT_FIT)
		pool->contig_cursor = pfn + cs->npages;
	return true;
}

/* Start the walk or the scan again from the first region. */
static void contig_restart(struct contig_search *cs)
{
	cs->region = 0;
	cs->pos = ULONG_MAX - 1;
	cs->ext = ULONG_MAX;
	cs->scanned = false;
	cs->picked = false;
}

/* Set @cs back to the request contig_prepare() made of it. */
static void contig_reset(struct contig_search *cs)
{
	cs->lo = cs->lo_asked;
	cs->hi = cs->hi_asked;
	cs->policy = cs->policy_asked;
	cs->tries = 0;
	cs->cursor_read = false;
	cs->wrapped = false;
	contig_restart(cs);
}

/*
 * First fit (and next fit's passes): walk on from where @cs stopped, for at
 * most CONTIG_STEPS blocks, and take the run if found. Under the pool's lock.
 * Return: 1 with the run's region and first pfn set, 0 if the search must go
 * on in another hold, -ENOMEM if there is no place, -EAGAIN if the place
 * found needs descriptors created first (@cs->need), to be tried again.
 */
static __always_inline int contig_walk_step(struct kbuddy_pool *pool,
					    struct contig_search *cs,
					    struct kbuddy_region **rp,
					    unsigned long *pfnp)
{
	unsigned int steps = 0, nr = cs->nr_regions;
	unsigned long head, end;

	while (cs->region < nr) {
		struct kbuddy_region *r =
			&pool->regions[cs->topdown ? nr - 1 - cs->region : cs->region];

		if (cs->pos == ULONG_MAX - 1)
			cs->pos = first_candidate(cs, r);
		while (cs->pos != ULONG_MAX) {
			if (steps >= CONTIG_STEPS)
				return 0;
			if (crosses(cs, cs->pos)) {
				/* Start the run at the next multiple (or below it). */
				head = round_down(cs->pos + cs->npages - 1, cs->boundary);
				cs->pos = next_candidate(cs, r, cs->pos, head,
							 head);
				steps++;
				continue;
			}
			if (run_free(pool, r, cs, cs->pos, &steps, &head, &end)) {
				if (!contig_take(pool, cs, r, cs->pos))
					return -EAGAIN;
				*rp = r;
				*pfnp = cs->pos;
				return 1;
			}
			cs->pos = next_candidate(cs, r, cs->pos, head, end);
		}
		cs->region++;
		cs->pos = ULONG_MAX - 1;
	}
	return -ENOMEM;
}

/*
 * The place for the run in the free extent [@es, @ee) (clipped to the
 * range already): the lowest that meets the alignment and the boundary
 * (the highest top-down), or ULONG_MAX if none does. A run no longer than
 * the boundary that crosses a multiple of it fits next to that multiple.
 */
static unsigned long place_in(const struct contig_search *cs, unsigned long es,
			      unsigned long ee)
{
	unsigned long s, b;

	if (ee - es < cs->npages)
		return ULONG_MAX;
	if (!cs->topdown) {
		s = round_up(es, cs->step);
		if (s >= es && crosses(cs, s))
			s = round_up(s + 1, cs->boundary);
		return s >= es && s <= ee - cs->npages ? s : ULONG_MAX;
	}
	s = round_down(ee - cs->npages, cs->step);
	if (crosses(cs, s)) {
		b = round_down(s + cs->npages - 1, cs->boundary);
		s = round_down(b - cs->npages, cs->step);
	}
	return s >= es && s <= ee - cs->npages ? s : ULONG_MAX;
}

/*
 * Best or worst fit: the free extent [@es, @ee) of region @ri, clipped to
 * the range, is over. Pick it if it holds the run and is smaller (best) or
 * larger (worst) than the pick so far; on a tie the first in search order
 * wins: the lowest, or top-down the highest (the scan goes up, so the last).
 */
static void contig_consider(struct contig_search *cs, unsigned int ri,
			    unsigned long es, unsigned long ee)
{
	unsigned long pos = place_in(cs, es, ee), size = ee - es;
	bool better;

	if (pos == ULONG_MAX)
		return;
	if (!cs->picked)
		better = true;
	else if (size == cs->pick_size)
		better = cs->topdown;
	else if (cs->policy == KBUDDY_CONTIG_BEST_FIT)
		better = size < cs->pick_size;
	else
		better = size > cs->pick_size;
	if (!better)
		return;
	cs->picked = true;
	cs->pick_region = ri;
	cs->pick_pos = pos;
	cs->pick_size = size;
}

/*
 * Best or worst fit: scan on from where @cs stopped, for at most
 * CONTIG_STEPS blocks, every block of the range in address order, region by
 * region, measuring the maximal free extents. An extent that spans two
 * holds is measured as the blocks were when the scan passed them. Under the
 * pool's lock. Return: true when the scan is over.
 */
static bool contig_scan_step(struct kbuddy_pool *pool, struct contig_search *cs)
{
	unsigned int steps = 0;
	unsigned long head, end, lo, hi;

	for (; cs->region < cs->nr_regions; cs->region++, cs->pos = ULONG_MAX - 1) {
		struct kbuddy_region *r = &pool->regions[cs->region];

		lo = max(cs->lo, r->base_pfn);
		hi = min(cs->hi, kbuddy_region_end_pfn(r));
		if (cs->pos == ULONG_MAX - 1) {
			cs->pos = lo;
			cs->ext = ULONG_MAX;
		}
		while (cs->pos < hi) {
			struct kbuddy_page *page;

			if (steps++ >= CONTIG_STEPS)
				return false;
			page = block_at(pool, r, cs->pos, &head);
			/* Past the head after the first: each block is one step. */
			end = page ? min(head + (1UL << page->order), hi) : cs->pos + 1;
			if (page && page->state == KBUDDY_PAGE_FREE) {
				if (cs->ext == ULONG_MAX)
					cs->ext = cs->pos;
			} else if (cs->ext != ULONG_MAX) {
				contig_consider(cs, cs->region, cs->ext, cs->pos);
				cs->ext = ULONG_MAX;
			}
			cs->pos = end;
		}
		if (cs->ext != ULONG_MAX && lo < hi)
			contig_consider(cs, cs->region, cs->ext, hi);
		cs->ext = ULONG_MAX;
	}
	return true;
}

/*
 * Best or worst fit, one hold: scan, or once the scan is over take the
 * place it picked if that is still free, else scan again (at most
 * CONTIG_TRIES times, then first fit). Under the pool's lock.
 * Return: as contig_walk_step().
 */
static int contig_pick_step(struct kbuddy_pool *pool, struct contig_search *cs,
			    struct kbuddy_region **rp, unsigned long *pfnp)
{
	unsigned long head, end;
	unsigned int steps = 0;
	struct kbuddy_region *r;

	if (!cs->scanned) {
		cs->scanned = contig_scan_step(pool, cs);
		return 0;
	}
	if (!cs->picked)
		return -ENOMEM;
	r = &pool->regions[cs->pick_region];
	if (run_free(pool, r, cs, cs->pick_pos, &steps, &head, &end)) {
		if (!contig_take(pool, cs, r, cs->pick_pos))
			return -EAGAIN;
		*rp = r;
		*pfnp = cs->pick_pos;
		return 1;
	}
	/* Taken since the scan saw it free. */
	if (++cs->tries >= CONTIG_TRIES)
		cs->policy = KBUDDY_CONTIG_FIRST_FIT;
	contig_restart(cs);
	return 0;
}

/*
 * One hold of the search @cs, whatever its policy. Under the pool's lock.
 * Return: as contig_walk_step().
 */
static int contig_search_step(struct kbuddy_pool *pool, struct contig_search *cs,
			      struct kbuddy_region **rp, unsigned long *pfnp)
{
	int ret;

	switch (cs->policy) {
	case KBUDDY_CONTIG_BEST_FIT:
	case KBUDDY_CONTIG_WORST_FIT:
		return contig_pick_step(pool, cs, rp, pfnp);
	case KBUDDY_CONTIG_NEXT_FIT:
		if (!cs->cursor_read) {
			/* From the cursor up; then below it (wrapped). */
			cs->cursor = pool->contig_cursor;
			cs->lo = max(cs->lo_asked, cs->cursor);
			cs->cursor_read = true;
		}
		ret = contig_walk_step(pool, cs, rp, pfnp);
		if (ret != -ENOMEM || cs->wrapped)
			return ret;
		/* Every place starting below the cursor: the run ends before cursor + npages. */
		cs->wrapped = true;
		cs->lo = cs->lo_asked;
		cs->hi = min(cs->hi_asked, cs->cursor + cs->npages - 1);
		contig_restart(cs);
		return 0;
	default:
		return contig_walk_step(pool, cs, rp, pfnp);
	}
}

/*
 * A block of 2^@order pages of a list with no placement constraint (no
 * range, not top-down; a boundary is never crossed by a block no larger
 * than it): any free block will do, so it is taken from the free lists as
 * kbuddy_alloc_pages() takes one, in constant time, instead of searched
 * for in address order.
 * Return: 0 with the block's region and pfn set, or -ENOMEM.
 */
static int contig_take_block(struct kbuddy_pool *pool,
			     struct contig_search *cs, unsigned int order,
			     gfp_t gfp, struct kbuddy_region **rp,
			     unsigned long *pfnp)
{
	struct kbuddy_region *r;
	struct kbuddy_page *page;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	while (!(r = kbuddy_block_take(pool, order, KBUDDY_TAG(KBUDDY_KIND_CONTIG, order),
				       pfnp, &cs->need)) && cs->need.nr) {
		/* A sparse region's split needs descriptors: make them, retry. */
		spin_unlock_irqrestore(&pool->lock, flags);
		kbuddy_race_hook("contig_need_fill");
		if (kbuddy_need_fill(&cs->need, gfp)) {
			cs->no_meta = true;
			return -ENOMEM;
		}
		spin_lock_irqsave(&pool->lock, flags);
	}
	if (r) {
		page = kbuddy_pfn_desc(r, *pfnp);
		/* A one-block run: its first head says how long it is. */
		page->run_pages = 1UL << order;
		if (page->clear && cs->zero)
			pool->stats.counter[KBUDDY_CLEAR_REUSED] += 1UL << order;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	*rp = r;
	return r ? 0 : -ENOMEM;
}

/*
 * Run a whole search, one lock hold per CONTIG_STEPS blocks, over the
 * regions the pool had when it started (one added meanwhile is not
 * searched), letting others run between holds if @gfp may sleep.
 */
static int contig_search(struct kbuddy_pool *pool, struct contig_search *cs,
			 gfp_t gfp, struct kbuddy_region **rp,
			 unsigned long *pfnp)
{
	unsigned long flags;
	int ret;

	contig_reset(cs);
	/* Pairs with the release that publishes a region (pool.c). */
	cs->nr_regions = smp_load_acquire(&pool->nr_regions);
	for (;;) {
		spin_lock_irqsave(&pool->lock, flags);
		ret = contig_search_step(pool, cs, rp, pfnp);
		spin_unlock_irqrestore(&pool->lock, flags);
		if (ret == -EAGAIN) {
			/* Then the same place is checked again. */
			kbuddy_race_hook("contig_need_fill");
			ret = kbuddy_need_fill(&cs->need, gfp);
			if (ret) {
				cs->no_meta = true;
				break;
			}
			continue;
		}
		if (ret)
			break;
		if (cs->scanned)
			kbuddy_race_hook("contig_picked");
		if (gfpflags_allow_blocking(gfp))
			cond_resched();
	}
	return ret < 0 ? ret : 0;
}

/* Blocks of a run of @npages: its top-order blocks and the rest's bits. */
static unsigned long run_blocks(struct kbuddy_pool *pool, unsigned long npages)
{
	unsigned int top = pool->max_order - 1;

	return (npages >> top) + hweight_long(npages & ((1UL << top) - 1));
}

/* Refuse a bad request: -EINVAL and a ratelimited line saying why. */
static int contig_refuse(struct kbuddy_pool *pool, const char *why, u64 value)
{
	pr_warn_ratelimited("pool %s: contiguous allocation refused: %s (%#llx)\n",
			    pool->name, why, value);
	return -EINVAL;
}

/* Fill @cs from the request; refuse what cannot be met. */
static int contig_prepare(struct kbuddy_pool *pool, size_t size,
			  const struct kbuddy_constraint *con, gfp_t gfp,
			  struct contig_search *cs)
{
	static const struct kbuddy_constraint none;
	unsigned long max_run = 1UL << (pool->max_order - 1);

	if (!con)
		con = &none;
	memset(cs, 0, sizeof(*cs));
	if ((gfp & __GFP_ZERO) && pool->kind == KBUDDY_POOL_NOMAP)
		return contig_refuse(pool, "__GFP_ZERO in a nomap pool, never written to",
				     (__force u64)gfp);
	if (!size || size > (u64)pool->nr_pages << PAGE_SHIFT)
		return contig_refuse(pool, "size 0 or larger than the pool", size);
	if (con->flags & ~(KBUDDY_CONTIG_TOPDOWN | KBUDDY_CONTIG_POLICY))
		return contig_refuse(pool, "unknown flags", con->flags);
	/* More than one bit of the policy field. */
	if ((con->flags & KBUDDY_CONTIG_POLICY) & ((con->flags & KBUDDY_CONTIG_POLICY) - 1))
		return contig_refuse(pool, "more than one placement policy", con->flags);
	if ((con->flags & KBUDDY_CONTIG_NEXT_FIT) && (con->flags & KBUDDY_CONTIG_TOPDOWN))
		return contig_refuse(pool, "next fit is bottom-up only, not with TOPDOWN",
				     con->flags);
	if (con->align && (!is_power_of_2(con->align) || con->align < PAGE_SIZE))
		return contig_refuse(pool, "alignment not a power of two of at least a page",
				     con->align);
	if (con->boundary &&
	    (!is_power_of_2(con->boundary) || con->boundary < PAGE_SIZE))
		return contig_refuse(pool, "boundary not a power of two of at least a page",
				     con->boundary);
	if (con->boundary && size > con->boundary)
		return contig_refuse(pool, "size larger than the boundary", size);
	if (con->end && con->start >= con->end)
		return contig_refuse(pool, "empty physical range", con->start);
	if (con->start > (phys_addr_t)-1 - PAGE_SIZE)
		return contig_refuse(pool, "range starting past the last page", con->start);
	if (con->align > (u64)max_run << PAGE_SHIFT)
		return contig_refuse(pool, "alignment above the pool's largest block",
				     con->align);
	cs->npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	if (run_blocks(pool, cs->npages) > CONTIG_STEPS)
		return contig_refuse(pool, "run of more than 64 blocks (64 times the largest)",
				     size);
	/* The run's first block is its largest: align to it, or more. */
	cs->step = max(1UL << run_block_order(pool, cs->npages, 0),
		       (unsigned long)(con->align >> PAGE_SHIFT));
	cs->lo = PHYS_PFN(con->start + PAGE_SIZE - 1);
	cs->hi = con->end ? PHYS_PFN(con->end) : ULONG_MAX;
	cs->boundary = con->boundary >> PAGE_SHIFT;
	cs->topdown = con->flags & KBUDDY_CONTIG_TOPDOWN;
	cs->policy_asked = con->flags & KBUDDY_CONTIG_POLICY;
	cs->lo_asked = cs->lo;
	cs->hi_asked = cs->hi;
	cs->zero = (gfp & __GFP_ZERO) ||
		   (pool->kind == KBUDDY_POOL_RAM && want_init_on_alloc(gfp));
	return 0;
}

/*
 * The run of @npages at @pfn of @r is the caller's: describe it in @out,
 * check its poison and zero it as @gfp and the pool's kind say, and tell
 * kmemleak. Without the pool's lock.
 */
static void contig_hand_out(struct kbuddy_pool *pool, struct kbuddy_region *r,
			    unsigned long pfn, unsigned long npages, gfp_t gfp,
			    struct kbuddy_contig *out)
{
	unsigned int order;
	unsigned long n;

	bool zero = (gfp & __GFP_ZERO) || (r->virt && want_init_on_alloc(gfp));
	void __iomem *io;

	out->addr = r->virt ? kbuddy_pfn_virt(r, pfn) : NULL;
	out->phys = PFN_PHYS(pfn);
	out->size = npages << PAGE_SHIFT;
	/* An I/O pool zeroes on request only; a nomap pool refused it. */
	io = !out->addr && zero ? kbuddy_contig_iomem(pool, out) : NULL;
	for (n = 0; n < npages; n += 1UL << order) {
		order = run_block_order(pool, npages, n);
		if (out->addr)
			kbuddy_block_checked(pool, out->addr + (n << PAGE_SHIFT), order);
		/* A block known to be zero (carve() kept its state) stays as it is. */
		if (!zero || kbuddy_pfn_desc(r, pfn + n)->clear)
			continue;
		if (io)
			memset_io(io + (n << PAGE_SHIFT), 0, PAGE_SIZE << order);
		else if (out->addr)
			memset(out->addr + (n << PAGE_SHIFT), 0, PAGE_SIZE << order);
	}
	if (out->addr)
		kbuddy_leak_alloc(pool, out->addr, out->size, gfp);
}

/**
 * kbuddy_alloc_contig() - allocate a contiguous run of pages under constraints
 * @pool: the pool
 * @size: bytes, rounded up to whole pages; need not be a power of two
 * @con: where the run may lie (struct kbuddy_constraint), or NULL for
 *	anywhere, at the lowest address that fits
 * @gfp: allocation flags; __GFP_ZERO (or init_on_alloc) zeroes the run; one
 *	that allows blocking lets a failed search reclaim every CPU's cached
 *	pages and try again (else only this CPU's)
 * @out: filled in on success: the run's kernel address, physical address
 *	and size in bytes (@size rounded up to pages)
 *
 * The run starts at a multiple of the largest power of two of pages not
 * above its size (and of @con->align), so that it is held as naturally
 * aligned buddy blocks; it takes exactly its pages. Where, the placement
 * policy in @con->flags says; each search looks at blocks under the pool's
 * lock, at most 64 per hold, and costs:
 *
 * "Lowest" and "first" below are in search order: the regions in the order
 * they were added (the last first with KBUDDY_CONTIG_TOPDOWN), addresses
 * ascending in each.
 *
 * KBUDDY_CONTIG_FIRST_FIT (default): the lowest place that fits (the
 * highest with KBUDDY_CONTIG_TOPDOWN); a walk of the blocks between the
 * range's start and the place found, jumping past each block in the way.
 *
 * KBUDDY_CONTIG_NEXT_FIT: the first place at or above the pool's cursor
 * (the end of the last next-fit run), else the first below it; the same
 * walk from the cursor, wrapping once: at most the blocks of the range.
 * Not with KBUDDY_CONTIG_TOPDOWN.
 *
 * KBUDDY_CONTIG_BEST_FIT, KBUDDY_CONTIG_WORST_FIT: a place in the smallest
 * (largest) maximal free extent of the range - free pages side by side, cut
 * at the range's ends and at regions' - that holds the run under the
 * alignment and the boundary, at its lowest place (highest top-down); a
 * tie goes to the lowest extent (highest top-down). Every block of the range
 * is scanned, found or not: O(blocks in the range). The place is checked
 * again in the hold that takes it; if it was taken meanwhile the scan is
 * redone, at most 4 scans in all, then the run is placed by first fit.
 * Between holds only a @gfp that may sleep lets other tasks run: an atomic
 * caller's whole scan is one non-preemptible stretch (interrupts on
 * between holds), so best and worst fit on a large pool belong in
 * sleepable context or under a @con range.
 *
 * Context: As kbuddy_alloc_pages().
 * Return: 0; -EINVAL for a request that cannot be met (a line in the log
 * says why: bad constraints, unknown flags, two policies, next fit with
 * KBUDDY_CONTIG_TOPDOWN), nothing changed; -ENOMEM if no place in the pool
 * fits, or if a sparse region (KBUDDY_POOL_SPARSE, or a nomap range too
 * large for per-page records) could not allocate the records of the blocks
 * the run would make, with @gfp; nothing changed.
 */
int kbuddy_alloc_contig(struct kbuddy_pool *pool, size_t size,
			const struct kbuddy_constraint *con, gfp_t gfp,
			struct kbuddy_contig *out)
{
	struct contig_search cs;
	struct kbuddy_region *r;
	unsigned long pfn;
	int ret;

	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: allocation from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	might_sleep_if(gfpflags_allow_blocking(gfp));
	ret = contig_prepare(pool, size, con, gfp, &cs);
	if (ret)
		return ret;
	ret = contig_search(pool, &cs, gfp, &r, &pfn);
	if (ret && !cs.no_meta && kbuddy_reclaim(pool, gfp)) {
		ret = contig_search(pool, &cs, gfp, &r, &pfn);
		if (!ret)
			kbuddy_count(pool, KBUDDY_RECLAIMS);
	}
	if (ret) {
		kbuddy_count_fail(pool, min_t(unsigned int, order_base_2(cs.npages),
					      pool->max_order - 1));
		return ret;
	}
	contig_hand_out(pool, r, pfn, cs.npages, gfp, out);
	return 0;
}
EXPORT_SYMBOL_GPL(kbuddy_alloc_contig);

/*
 * Is @c a run this pool handed out, as it is now? Checks every block of it
 * under the pool's lock. Return: KBUDDY_NR_COUNTERS, or the kind of bad
 * free, with the region in *@rp and the run's first pfn in *@pfnp.
 */
static enum kbuddy_counter contig_check(struct kbuddy_pool *pool,
					const struct kbuddy_contig *c,
					struct kbuddy_region **rp,
					unsigned long *pfnp, void **addrp)
{
	unsigned long npages = c->size >> PAGE_SHIFT, n, pfn;
	struct kbuddy_region *r = kbuddy_region_of_phys(pool, c->phys);
	enum kbuddy_counter bad;
	unsigned int order;

	if (!r)
		return KBUDDY_BAD_FREE_OUTSIDE;
	if (!npages || !PAGE_ALIGNED(c->size) || !PAGE_ALIGNED(c->phys))
		return KBUDDY_BAD_FREE_MISALIGNED;
	/* No run is longer: this bounds the check below. */
	if (run_blocks(pool, npages) > CONTIG_STEPS)
		return KBUDDY_BAD_FREE_WRONG_ORDER;
	pfn = PHYS_PFN(c->phys);
	if (npages > kbuddy_region_end_pfn(r) - pfn)
		return KBUDDY_BAD_FREE_OUTSIDE;
	for (n = 0; n < npages; n += 1UL << order) {
		order = run_block_order(pool, npages, n);
		bad = kbuddy_check_block_pfn(pool, r, pfn + n, order,
					     KBUDDY_TAG(KBUDDY_KIND_CONTIG, order));
		if (bad != KBUDDY_NR_COUNTERS)
			return bad;
	}
	/* Blocks of the run, but not all of it, or not from its start. */
	if (kbuddy_pfn_desc(r, pfn)->run_pages != npages)
		return KBUDDY_BAD_FREE_WRONG_ORDER;
	*rp = r;
	*pfnp = pfn;
	*addrp = r->virt ? kbuddy_pfn_virt(r, pfn) : NULL;
	return KBUDDY_NR_COUNTERS;
}

/*
 * Are the pages [@pfn, @end) of @r free as their largest aligned blocks
 * (which is how free pages around a held range lie: buddies merge)? AND
 * their clear state into *@clear.
 */
static bool rest_free(struct kbuddy_pool *pool, struct kbuddy_region *r,
		      unsigned long pfn, unsigned long end, bool *clear)
{
	unsigned int order;

	for (; pfn < end; pfn += 1UL << order) {
		order = kbuddy_span_order(pool, pfn, end);
		if (!kbuddy_is_free_head(r, pfn, order))
			return false;
		*clear = *clear && kbuddy_pfn_desc(r, pfn)->clear;
	}
	return true;
}

/* Take the free blocks rest_free() found in [@pfn, @end) off their lists. */
static void rest_take(struct kbuddy_pool *pool, struct kbuddy_region *r,
		      unsigned long pfn, unsigned long end)
{
	unsigned int order;

	for (; pfn < end; pfn += 1UL << order) {
		order = kbuddy_span_order(pool, pfn, end);
		kbuddy_del_free_block(r, kbuddy_pfn_desc(r, pfn), pfn, order);
		r->nr_free -= 1UL << order;
	}
}

/*
 * contig_give_back() of [@pfn, @end) in one free when the rest of the
 * smallest aligned block holding it is free: the rest's blocks come off
 * their lists and the block is freed whole. That leaves the lists (in
 * order), maps and counters exactly as freeing the range block by block
 * would - every block of the range and of the rest merges into that block
 * either way, one merge fewer than there are blocks - for one free and its
 * merges above, instead of one free per block with a list insertion and
 * removal per merge. The caller leaves a range of fewer than 8 pages to
 * its loop, which frees its few blocks as cheaply.
 *
 * The block of order c holding [@pfn, @end), @end - @pfn < 2^c, has its
 * middle m inside the range; the largest aligned blocks of [@pfn, m) are
 * the set bits of m - @pfn, those of [m, @end) the set bits of @end - m,
 * and likewise for the rest on either side: the counts need no walk.
 * Return: false, nothing changed, if the rest is not all free.
 */
static bool give_back_whole(struct kbuddy_pool *pool, struct kbuddy_region *r,
			    unsigned long pfn, unsigned long end, bool clear)
{
	unsigned int order = end - pfn > 1 ? __fls(pfn ^ (end - 1)) + 1 : 0;
	unsigned long start = pfn & ~((1UL << order) - 1);
	unsigned long stop = start + (1UL << order), mid, blocks;

	if (order >= pool->max_order ||
	    (pfn == start && end == stop) ||
	    start < r->base_pfn || stop > kbuddy_region_end_pfn(r) ||
	    !rest_free(pool, r, start, pfn, &clear) ||
	    !rest_free(pool, r, end, stop, &clear))
		return false;
	rest_take(pool, r, start, pfn);
	rest_take(pool, r, end, stop);
	mid = start + (1UL << (order - 1));
	blocks = hweight_long(pfn - start) + hweight_long(mid - pfn) +
		 hweight_long(end - mid) + hweight_long(stop - end);
	pool->stats.counter[KBUDDY_MERGES] += blocks - 1 +
		kbuddy_free_one_block(pool->max_order, r, start, order, clear);
	pool->nr_free += end - pfn;
	return true;
}

/*
 * Give the pages [@pfn, @end) of @r, which the caller holds and which head
 * no block any more, back as the largest aligned blocks, @clear if the
 * caller promised they are all zero. A poisoning pool holds them as cached
 * blocks instead, for contig_free_held() to poison and free once the lock
 * is dropped (never clear). Under the pool's lock.
 */
static void contig_give_back(struct kbuddy_pool *pool, struct kbuddy_region *r,
			     unsigned long pfn, unsigned long end, bool clear)
{
	bool poison = kbuddy_poisons_blocks(pool);
	unsigned int order;

	if (!poison && end - pfn >= 8 && give_back_whole(pool, r, pfn, end, clear))
		return;
	for (; pfn < end; pfn += 1UL << order) {
		order = kbuddy_span_order(pool, pfn, end);
		if (poison) {
			struct kbuddy_page *page = kbuddy_pfn_desc(r, pfn);

			page->order = order;
			page->state = KBUDDY_PAGE_ALLOC;
			kbuddy_block_hand(page, KBUDDY_TAG(KBUDDY_KIND_PCP, order));
		} else {
			pool->stats.counter[KBUDDY_MERGES] +=
				kbuddy_free_one_block(pool->max_order, r, pfn, order,
						      clear);
			pool->nr_free += 1UL << order;
		}
	}
}

/* Poison and free what contig_give_back() held, without the pool's lock. */
static void contig_free_held(struct kbuddy_pool *pool, struct kbuddy_region *r,
			     unsigned long pfn, unsigned long end)
{
	struct kbuddy_pcp_block b;
	unsigned int order;

	if (!kbuddy_poisons_blocks(pool))
		return;
	for (; pfn < end; pfn += 1UL << order) {
		order = kbuddy_span_order(pool, pfn, end);
		b.addr = kbuddy_pfn_virt(r, pfn);
		b.page = kbuddy_pfn_desc(r, pfn);
		memset(b.addr, KBUDDY_POISON_FREE, PAGE_SIZE << order);
		kbuddy_free_batch(pool, order, &b, 1);
	}
}

/*
 * Unmake the heads of the run of @npages at @pfn (checked by
 * contig_check()): its pages are the caller's, on no list. Under the
 * pool's lock.
 */
static void contig_unmake(struct kbuddy_pool *pool, struct kbuddy_region *r,
			  unsigned long pfn, unsigned long npages)
{
	unsigned long n;
	unsigned int order;

	for (n = 0; n < npages; n += 1UL << order) {
		struct kbuddy_page *page = kbuddy_pfn_desc(r, pfn + n);

		order = run_block_order(pool, npages, n);
		page->state = KBUDDY_PAGE_NONE;
		kbuddy_block_hand(page, 0);
		pool->stats.free[order]++;
	}
}

/* Refuse a bad free or trim of @c, as kbuddy_free_pages() does. */
static int contig_refuse_free(struct kbuddy_pool *pool,
			      const struct kbuddy_contig *c,
			      enum kbuddy_counter bad, unsigned long caller)
{
	unsigned long npages = c->size >> PAGE_SHIFT;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	kbuddy_refuse(&(struct kbuddy_refusal){
		.pool = pool, .what = "free of run", .by_phys = true,
		.phys = c->phys,
		.order = npages ? run_block_order(pool, npages, 0) : 0,
		.reason = kbuddy_bad_free_reasons[bad], .caller = caller,
		.counter = &pool->stats.counter[bad],
	});
	spin_unlock_irqrestore(&pool->lock, flags);
	return -EINVAL;
}

/* Free the run @c, or refuse it naming @caller. Takes the pool's lock. */
static int contig_free_run(struct kbuddy_pool *pool, const struct kbuddy_contig *c,
			   unsigned long caller, bool clear)
{
	enum kbuddy_counter bad;
	struct kbuddy_region *r;
	unsigned long flags, pfn, npages;
	void *addr;

	npages = c->size >> PAGE_SHIFT;
	spin_lock_irqsave(&pool->lock, flags);
	bad = contig_check(pool, c, &r, &pfn, &addr);
	if (bad != KBUDDY_NR_COUNTERS) {
		spin_unlock_irqrestore(&pool->lock, flags);
		return contig_refuse_free(pool, c, bad, caller);
	}
	kbuddy_leak_free(pool, addr);
	contig_unmake(pool, r, pfn, npages);
	clear = clear && !kbuddy_poisons_blocks(pool);
	if (clear)
		pool->stats.counter[KBUDDY_CLEAR_FREED] += npages;
	contig_give_back(pool, r, pfn, pfn + npages, clear);
	pool->seq++;
	spin_unlock_irqrestore(&pool->lock, flags);
	contig_free_held(pool, r, pfn, pfn + npages);
	return 0;
}

/**
 * kbuddy_free_contig() - free a run from kbuddy_alloc_contig()
 * @pool: the pool it came from
 * @c: the run, as kbuddy_alloc_contig() (or kbuddy_trim_contig()) left it;
 *	NULL is a no-op
 *
 * Every block of the run is checked first, under the pool's lock: a run
 * that is not allocated as @c says - freed already, trimmed to another size,
 * not from this function, outside the pool - is refused whole, the pool
 * unchanged, a bad_free_* counter up and a ratelimited warning naming the
 * caller. Of two racing frees of one run, exactly one succeeds.
 *
 * Context: As kbuddy_alloc_pages().
 * Return: 0, or -EINVAL for a refused free.
 */
int kbuddy_free_contig(struct kbuddy_pool *pool, const struct kbuddy_contig *c)
{
	if (!c)
		return 0;
	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: free from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	return contig_free_run(pool, c, _RET_IP_, false);
}
EXPORT_SYMBOL_GPL(kbuddy_free_contig);

/**
 * kbuddy_free_contig_flags() - free a run, saying what is known of its bytes
 * @pool: the pool it came from
 * @c: the run, or a block of kbuddy_alloc_blocks(); NULL is a no-op
 * @flags: 0, or KBUDDY_FREE_CLEARED: the caller promises every byte of the
 *	run is zero (its device cleared it, or it was never written since a
 *	zeroing allocation), so that a later __GFP_ZERO (or init_on_alloc)
 *	allocation of these pages does not clear them again
 *
 * As kbuddy_free_contig(), plus clear tracking as drm_buddy's: the free
 * blocks remember the promise; a block split off keeps it, two buddies merge
 * into a clear block only if both were clear, and a block freed any other
 * way is not clear. A zeroing allocation then writes only the blocks that
 * are not (clear_reused_pages in stats counts the pages it skipped;
 * clear_freed_pages the pages freed with the promise). A pool that poisons
 * its free memory (debug=P) ignores the promise. A false promise hands
 * dirty memory to the next zeroing request: make it only when true.
 *
 * Context: As kbuddy_alloc_pages().
 * Return: 0, or -EINVAL for a refused free or unknown @flags (nothing
 * freed).
 */
int kbuddy_free_contig_flags(struct kbuddy_pool *pool, const struct kbuddy_contig *c,
			     unsigned int flags)
{
	if (flags & ~KBUDDY_FREE_CLEARED) {
		pr_warn_ratelimited("pool %s: free refused: unknown flags (%#x)\n",
				    pool->name, flags);
		return -EINVAL;
	}
	if (!c)
		return 0;
	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: free from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	return contig_free_run(pool, c, _RET_IP_, flags & KBUDDY_FREE_CLEARED);
}
EXPORT_SYMBOL_GPL(kbuddy_free_contig_flags);

/**
 * kbuddy_trim_contig() - shrink a run in place, giving its tail back
 * @pool: the pool it came from
 * @c: the run; on success its size is @new_size rounded up to pages
 * @new_size: bytes to keep from the run's start, at least one
 *
 * As drm_buddy_block_trim(): the run keeps its start, and the pages past
 * the new size go back to the free lists. A run that is not allocated as @c
 * says is refused as kbuddy_free_contig() refuses it, the pool unchanged.
 *
 * In a sparse region (KBUDDY_POOL_SPARSE, or a nomap range too large for
 * per-page records) the new heads' records may have to be allocated, with
 * GFP_NOWAIT: if that fails, -ENOMEM and the run is as it was.
 *
 * Context: As kbuddy_alloc_pages().
 * Return: 0; -EINVAL for a refused run, or a @new_size of 0 or larger than
 * the run; -ENOMEM (sparse regions only), nothing changed.
 */
int kbuddy_trim_contig(struct kbuddy_pool *pool, struct kbuddy_contig *c,
		       size_t new_size)
{
	unsigned long flags, pfn, npages, keep, n;
	struct kbuddy_need need;
	enum kbuddy_counter bad;
	struct kbuddy_region *r;
	unsigned int order;
	void *addr;

	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: free from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	if (!c)
		return contig_refuse(pool, "trim of no run", 0);
	if (!new_size || new_size > c->size)
		return contig_refuse(pool, "trim to 0 or above the run's size", new_size);
	npages = c->size >> PAGE_SHIFT;
	keep = PAGE_ALIGN(new_size) >> PAGE_SHIFT;
	need.nr = 0;
	spin_lock_irqsave(&pool->lock, flags);
	for (;;) {
		bad = contig_check(pool, c, &r, &pfn, &addr);
		if (bad != KBUDDY_NR_COUNTERS) {
			spin_unlock_irqrestore(&pool->lock, flags);
			return contig_refuse_free(pool, c, bad, _RET_IP_);
		}
		if (keep == npages) {
			spin_unlock_irqrestore(&pool->lock, flags);
			return 0;
		}
		/*
		 * The kept blocks and the tail's are new heads; in a sparse
		 * region their descriptors are made first, the lock dropped,
		 * and the run checked again.
		 */
		if (kbuddy_span_ready(pool, r, pfn, pfn + keep, &need) &
		    kbuddy_span_ready(pool, r, pfn + keep, pfn + npages, &need))
			break;
		spin_unlock_irqrestore(&pool->lock, flags);
		if (kbuddy_need_fill(&need, GFP_NOWAIT))
			return -ENOMEM;
		spin_lock_irqsave(&pool->lock, flags);
	}
	contig_unmake(pool, r, pfn, npages);
	/* The run's start is a multiple of its largest block: so of the new. */
	for (n = 0; n < keep; n += 1UL << order) {
		struct kbuddy_page *page = kbuddy_pfn_desc(r, pfn + n);

		order = run_block_order(pool, keep, n);
		page->order = order;
		page->state = KBUDDY_PAGE_ALLOC;
		page->run_pages = 0;
		kbuddy_set_tag(r, pfn + n, order, KBUDDY_TAG(KBUDDY_KIND_CONTIG, order));
		pool->stats.alloc[order]++;
	}
	kbuddy_pfn_desc(r, pfn)->run_pages = keep;
	/* kmemleak forgets the whole run before its tail can be reused. */
	kbuddy_leak_free(pool, addr);
	contig_give_back(pool, r, pfn + keep, pfn + npages, false);
	pool->seq++;
	spin_unlock_irqrestore(&pool->lock, flags);
	contig_free_held(pool, r, pfn + keep, pfn + npages);
	kbuddy_leak_alloc(pool, addr, keep << PAGE_SHIFT, GFP_NOWAIT);
	c->size = keep << PAGE_SHIFT;
	return 0;
}
EXPORT_SYMBOL_GPL(kbuddy_trim_contig);

/* Free what a failed kbuddy_alloc_blocks() took: runs it holds. */
static void blocks_undo(struct kbuddy_pool *pool, struct kbuddy_contig *blocks,
			unsigned int n)
{
	while (n--)
		WARN_ON_ONCE(contig_free_run(pool, &blocks[n], _RET_IP_, false));
}

/**
 * kbuddy_alloc_blocks() - allocate memory that need not be contiguous
 * @pool: the pool
 * @size: bytes, rounded up to whole pages (and to @con->align)
 * @con: where the blocks may lie, or NULL for anywhere (no placement policy
 *	flag: they are for kbuddy_alloc_contig()): @con->align is the
 *	smallest block (drm_buddy's min_block_size: every block is at least
 *	that large and aligned to it); @con->start, @con->end and
 *	KBUDDY_CONTIG_TOPDOWN place every block; no block crosses a multiple
 *	of @con->boundary
 * @gfp: as kbuddy_alloc_contig(); __GFP_ZERO zeroes every block
 * @blocks: filled with the blocks, largest first, each a run of one
 *	naturally aligned buddy block, freed with kbuddy_free_blocks() (or
 *	one by one with kbuddy_free_contig())
 * @max_blocks: room in @blocks, 1 to KBUDDY_MAX_BLOCKS
 * @nr_blocks: set to the number of blocks on success
 *
 * As drm_buddy_alloc_blocks() without DRM_BUDDY_CONTIGUOUS_ALLOCATION: the
 * largest blocks that fit what is left are taken first, smaller ones when no
 * larger is free, so a fragmented pool still serves the request. With
 * @con->start, @con->end or KBUDDY_CONTIG_TOPDOWN each block is a search as
 * kbuddy_alloc_contig()'s (first fit in address order, or last fit
 * top-down); without them any free block will do, and each is taken from
 * the free lists as kbuddy_alloc_pages() takes one, in constant time. All or
 * nothing: on failure every block taken is given back.
 *
 * Context: As kbuddy_alloc_contig().
 * Return: 0; -EINVAL for a request that cannot be met (a line in the log says
 * why: bad constraints, no array, @size needing more than @max_blocks blocks
 * of the largest size); -ENOSPC if the free memory was too fragmented for
 * @max_blocks blocks; -ENOMEM if there is not enough free memory where
 * @con allows, or a sparse pool could not allocate its records. After a
 * failure the pool's free memory is as it was.
 */
int kbuddy_alloc_blocks(struct kbuddy_pool *pool, size_t size,
			const struct kbuddy_constraint *con, gfp_t gfp,
			struct kbuddy_contig *blocks, unsigned int max_blocks,
			unsigned int *nr_blocks)
{
	static const struct kbuddy_constraint none;
	unsigned int n = 0, order, min_order, top;
	unsigned long left, min_pages, pfn;
	struct kbuddy_constraint one;
	struct contig_search cs;
	struct kbuddy_region *r;
	bool reclaimed = false;
	int ret;

	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: allocation from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (!con)
		con = &none;
	if (!blocks || !nr_blocks || !max_blocks || max_blocks > KBUDDY_MAX_BLOCKS)
		return contig_refuse(pool, "no array, or room for 0 or over KBUDDY_MAX_BLOCKS",
				     max_blocks);
	if (con->flags & KBUDDY_CONTIG_POLICY)
		return contig_refuse(pool, "a placement policy for a block list",
				     con->flags);
	/* Every constraint checked once, as for a run of the smallest block. */
	ret = contig_prepare(pool, max_t(u64, con->align, PAGE_SIZE), con, gfp, &cs);
	if (ret)
		return ret;
	if (!size || size > (u64)pool->nr_pages << PAGE_SHIFT)
		return contig_refuse(pool, "size 0 or larger than the pool", size);
	min_pages = max_t(unsigned long, con->align >> PAGE_SHIFT, 1);
	min_order = ilog2(min_pages);
	left = round_up(PAGE_ALIGN(size) >> PAGE_SHIFT, min_pages);
	top = pool->max_order - 1;
	if (con->boundary)
		top = min_t(unsigned int, top, ilog2(con->boundary >> PAGE_SHIFT));
	/* The fewest blocks it can take: the largest, then the bits left. */
	if ((left >> top) + hweight_long(left & ((1UL << top) - 1)) > max_blocks)
		return contig_refuse(pool, "size needs more blocks than max_blocks", size);
	one = (struct kbuddy_constraint){ .start = con->start, .end = con->end,
					  .flags = con->flags };
	order = top;
	while (left) {
		order = min_t(unsigned int, order, __fls(left));
		ret = -ENOSPC;
		if (n == max_blocks)
			goto undo;
		ret = contig_prepare(pool, PAGE_SIZE << order, &one, gfp, &cs);
		if (!ret && !one.start && !one.end && !cs.topdown)
			ret = contig_take_block(pool, &cs, order, gfp, &r, &pfn);
		else if (!ret)
			ret = contig_search(pool, &cs, gfp, &r, &pfn);
		/* Out of memory for a sparse region's records: give up. */
		if (ret == -ENOMEM && cs.no_meta)
			goto undo;
		if (ret == -ENOMEM && order > min_order) {
			order--;
			continue;
		}
		if (ret == -ENOMEM && !reclaimed && kbuddy_reclaim(pool, gfp)) {
			reclaimed = true;
			order = top;
			continue;
		}
		if (ret)
			goto undo;
		contig_hand_out(pool, r, pfn, 1UL << order, gfp, &blocks[n++]);
		left -= 1UL << order;
	}
	if (reclaimed)
		kbuddy_count(pool, KBUDDY_RECLAIMS);
	*nr_blocks = n;
	return 0;

undo:
	blocks_undo(pool, blocks, n);
	if (ret == -ENOMEM)
		kbuddy_count_fail(pool, min_order);
	return ret;
}
EXPORT_SYMBOL_GPL(kbuddy_alloc_blocks);

/**
 * kbuddy_free_blocks() - free the blocks of kbuddy_alloc_blocks()
 * @pool: the pool they came from
 * @blocks: the blocks, as kbuddy_alloc_blocks() filled them in; NULL with
 *	@nr_blocks 0 is a no-op
 * @nr_blocks: how many, at most KBUDDY_MAX_BLOCKS
 *
 * Every block is checked before any is freed: a list with a block that is
 * not allocated as it says (freed already, listed twice, outside the pool)
 * is refused whole, as kbuddy_free_contig() refuses a run, nothing freed.
 * A block freed by someone else between the check and its free (two racing
 * frees of one list) is refused then, and the rest still freed.
 *
 * Context: As kbuddy_alloc_contig().
 * Return: 0, or -EINVAL for a refused list or block.
 */
int kbuddy_free_blocks(struct kbuddy_pool *pool, const struct kbuddy_contig *blocks,
		       unsigned int nr_blocks)
{
	enum kbuddy_counter bad = KBUDDY_NR_COUNTERS;
	unsigned long flags, pfn;
	struct kbuddy_region *r;
	unsigned int i, j;
	int ret = 0;
	void *addr;

	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: free from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	if (!nr_blocks)
		return 0;
	if (!blocks || nr_blocks > KBUDDY_MAX_BLOCKS)
		return contig_refuse(pool, "free of no blocks, or of more than KBUDDY_MAX_BLOCKS",
				     nr_blocks);
	for (i = 0; i < nr_blocks && bad == KBUDDY_NR_COUNTERS; i++) {
		spin_lock_irqsave(&pool->lock, flags);
		bad = contig_check(pool, &blocks[i], &r, &pfn, &addr);
		spin_unlock_irqrestore(&pool->lock, flags);
		for (j = 0; j < i && bad == KBUDDY_NR_COUNTERS; j++)
			if (blocks[j].phys == blocks[i].phys)
				bad = KBUDDY_BAD_FREE_DOUBLE;
		cond_resched();
	}
	if (bad != KBUDDY_NR_COUNTERS)
		return contig_refuse_free(pool, &blocks[i - 1], bad, _RET_IP_);
	for (i = 0; i < nr_blocks; i++)
		if (contig_free_run(pool, &blocks[i], _RET_IP_, false))
			ret = -EINVAL;
	return ret;
}
EXPORT_SYMBOL_GPL(kbuddy_free_blocks);

/**
 * kbuddy_contig_iomem() - the __iomem address of a run of an I/O pool
 * @pool: a KBUDDY_POOL_IOMEM pool
 * @c: a run of it, from kbuddy_alloc_contig()
 *
 * The run lies in the caller's mapping given to kbuddy_pool_add_iomem();
 * read and write it with the I/O accessors (memcpy_toio(), writel()).
 *
 * Context: Any context.
 * Return: the address, or NULL if @c does not lie in a region of @pool
 * with an I/O mapping.
 */
void __iomem *kbuddy_contig_iomem(struct kbuddy_pool *pool,
				  const struct kbuddy_contig *c)
{
	struct kbuddy_region *r = c ? kbuddy_region_of_phys(pool, c->phys) : NULL;

	if (!r || !r->io || c->size > ((u64)r->nr_pages << PAGE_SHIFT) -
				      (c->phys - r->phys))
		return NULL;
	return r->io + (c->phys - r->phys);
}
EXPORT_SYMBOL_GPL(kbuddy_contig_iomem);

// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - the slab layer's information and checker: kbuddy_cache_info()
 * from counters, and kbuddy_cache_validate(), which walks a cache's slabs in
 * bounded chunks under its lock and has each CPU check its own magazines
 * (magazine.c), reporting through report.c. slab.c owns the structures
 * read here.
 */

#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "internal.h"
#include "report.h"

/* ==== Information and validation ========================================= */

/**
 * kbuddy_cache_info() - count a cache's slabs and objects
 * @c: the cache
 * @info: filled in
 *
 * Counts come from counters, not from a walk of the slabs, so the cache's
 * lock is held for a constant time. Objects in other CPUs' magazines are
 * read while those CPUs run: the split between handed out and cached may
 * be a moment old, but never exceeds the objects in use.
 *
 * Context: Any context; takes the cache's lock for a time that grows with
 * the number of CPUs only.
 */
void kbuddy_cache_info(struct kbuddy_cache *c, struct kbuddy_cache_info *info)
{
	unsigned long flags, cached;

	memset(info, 0, sizeof(*info));
	spin_lock_irqsave(&c->lock, flags);
	cached = kbuddy_mag_info(c, info);
	info->cached_objs = min(cached, c->nr_inuse);
	info->active_objs = c->nr_inuse - info->cached_objs;
	info->active_slabs = c->nr_partial + c->nr_full;
	info->num_slabs = info->active_slabs + c->nr_empty;
	info->num_objs = info->num_slabs * c->objects;
	memcpy(info->count, c->count, sizeof(info->count));
	spin_unlock_irqrestore(&c->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_cache_info, KBUDDY_INTERNAL);

/* A check of one cache: the problems of every CPU and of the walk. */
struct cache_check {
	struct kbuddy_cache *c;
	struct kbuddy_sink sink;
};

/*
 * Every object's red zone, whatever its state: a write past an object's end
 * is reported in SLUB's shape (debug.c) and restored, and is a problem.
 */
static void check_red_zones(struct cache_check *cc, struct kbuddy_slab *slab)
{
	struct kbuddy_cache *c = cc->c;
	unsigned int i;

	if (!kbuddy_red_zones(c))
		return;
	for (i = 0; i < c->objects; i++) {
		void *obj = slab->base + i * c->size;

		if (kbuddy_red_zone_check(c, obj, true))
			kbuddy_problem(&cc->sink,
				       "cache %s: object %#llx: red zone overwritten (reported, restored)\n",
				       c->name, kbuddy_obj_phys(c, obj));
	}
}

static void check_slab(struct cache_check *cc, struct kbuddy_slab *slab,
		       unsigned long *seen)
{
	struct kbuddy_cache *c = cc->c;
	unsigned long nfree = 0, chain = 0;
	unsigned int i;
	void *obj;

	if (kbuddy_page_slab(c->pool, slab->base) != slab ||
	    kbuddy_page_slab(c->pool, slab->base + kbuddy_slab_bytes(c) - 1) != slab)
		kbuddy_problem(&cc->sink, "cache %s: slab %#llx: its pages do not point to it\n",
			       c->name, kbuddy_obj_phys(c, slab->base));
	for (i = 0; i < c->objects; i++)
		nfree += slab->state[i] == KBUDDY_OBJ_FREE;
	if (nfree != c->objects - slab->inuse)
		kbuddy_problem(&cc->sink,
			       "cache %s: slab %#llx: %lu free objects, inuse says %u of %u\n",
			       c->name, kbuddy_obj_phys(c, slab->base), nfree, slab->inuse,
			       c->objects);
	bitmap_zero(seen, c->objects);
	for (obj = slab->freelist; obj; obj = kbuddy_get_freeptr(c, obj)) {
		long idx = kbuddy_obj_index(c, slab, obj);

		if (idx < 0 || slab->state[idx] != KBUDDY_OBJ_FREE ||
		    test_and_set_bit(idx, seen)) {
			kbuddy_problem(&cc->sink,
				       "cache %s: slab %#llx: free pointer %p leads astray\n",
				       c->name, kbuddy_obj_phys(c, slab->base), obj);
			return;
		}
		chain++;
	}
	if (chain != nfree)
		kbuddy_problem(&cc->sink,
			       "cache %s: slab %#llx: freelist holds %lu of %lu free objects\n",
			       c->name, kbuddy_obj_phys(c, slab->base), chain, nfree);
	check_red_zones(cc, slab);
}

/* Is @slab on the list its use count says? */
static void check_slab_list(struct cache_check *cc, struct kbuddy_slab *slab,
			    struct list_head *list, const char *name)
{
	struct kbuddy_cache *c = cc->c;
	bool ok = list == &c->full ? slab->inuse == c->objects :
		  list == &c->empty ? !slab->inuse :
		  slab->inuse && slab->inuse < c->objects;

	if (!ok)
		kbuddy_problem(&cc->sink, "cache %s: slab %#llx, %u of %u in use, on the %s list\n",
			       c->name, kbuddy_obj_phys(c, slab->base), slab->inuse,
			       c->objects, name);
}

/*
 * The lists a cache check walks, one entry (a magazine or a slab, so at
 * most a few thousand objects) per lock hold.
 */
struct cache_walk {
	unsigned int list;
	struct list_head *pos;
	unsigned long n;
	unsigned long seq;
};

static const char *const walk_names[] = {
	"depot full", "depot empty", "full", "partial", "empty",
};

/* List @i of walk_names[] and its count. */
static struct list_head *walk_list(struct kbuddy_cache *c, unsigned int i,
				   unsigned long *nr)
{
	struct list_head *heads[] = {
		&c->depot_full, &c->depot_empty, &c->full, &c->partial, &c->empty,
	};
	unsigned long counts[] = {
		c->nr_depot_full, c->nr_depot_empty, c->nr_full, c->nr_partial,
		c->nr_empty,
	};

	*nr = counts[i];
	return heads[i];
}

/* Check one entry, or finish a list. Locked. Return: true when all done. */
static bool cache_walk_step(struct cache_check *cc, struct cache_walk *w,
			    unsigned long *seen)
{
	struct kbuddy_cache *c = cc->c;
	struct list_head *head;
	unsigned long nr;

	if (w->list >= ARRAY_SIZE(walk_names))
		return true;
	head = walk_list(c, w->list, &nr);
	if (!w->pos)
		w->pos = head->next;
	if (w->pos == head) {
		if (w->n != nr)
			kbuddy_problem(&cc->sink, "cache %s: %lu on the %s list, count says %lu\n",
				       c->name, w->n, walk_names[w->list], nr);
		w->list++;
		w->pos = NULL;
		w->n = 0;
		return w->list >= ARRAY_SIZE(walk_names);
	}
	if (w->list < 2) {
		struct kbuddy_magazine *mag = list_entry(w->pos, struct kbuddy_magazine,
							 node);

		kbuddy_mag_check_depot(c, &cc->sink, mag, w->list == 0);
	} else {
		struct kbuddy_slab *slab = list_entry(w->pos, struct kbuddy_slab, node);

		check_slab_list(cc, slab, head, walk_names[w->list]);
		check_slab(cc, slab, seen);
	}
	w->pos = w->pos->next;
	if (++w->n > nr + 1) {
		kbuddy_problem(&cc->sink, "cache %s: the %s list loops\n", c->name,
			       walk_names[w->list]);
		w->pos = head;
	}
	return false;
}

/*
 * Walk the depot and the slabs, one entry per lock hold. A pass starts
 * again if the cache changed (c->seq) between two entries.
 * Return: true if a pass completed or found a problem.
 */
static bool cache_walk(struct cache_check *cc, unsigned long *seen)
{
	struct kbuddy_cache *c = cc->c;
	unsigned int tries;
	struct cache_walk w;
	unsigned long flags;
	bool done = false;

	for (tries = 0; tries < KBUDDY_CHECK_TRIES; tries++) {
		memset(&w, 0, sizeof(w));
		spin_lock_irqsave(&c->lock, flags);
		w.seq = c->seq;
		spin_unlock_irqrestore(&c->lock, flags);
		for (;;) {
			spin_lock_irqsave(&c->lock, flags);
			if (c->seq != w.seq) {
				spin_unlock_irqrestore(&c->lock, flags);
				break;
			}
			done = cache_walk_step(cc, &w, seen);
			spin_unlock_irqrestore(&c->lock, flags);
			if (done)
				return true;
			cond_resched();
		}
		if (kbuddy_sink_problems(&cc->sink))
			return true;
	}
	return false;
}

/**
 * kbuddy_cache_validate() - cross-check a cache
 * @c: the cache
 * @report: called once per problem found (as kbuddy_regions_validate()), or NULL
 * @ctx: passed to @report
 *
 * Checks that every slab is on the list its use count says, that its free
 * object count agrees, that its free pointers stay inside it and reach
 * exactly its free objects, that its pages point back to it, that every
 * magazine, per-CPU and in the depot, holds only free objects of the cache,
 * and, with KBUDDY_CACHE_RED_ZONE, that every object's red zone is whole
 * (a damaged one is reported, restored and counted as a problem).
 *
 * Context: Process context (each CPU checks its own magazines from a work
 * item), without the pool's caches_lock held (CPU hotplug takes it).
 * Return: the number of problems found, or -ENOMEM if the check could not
 * be made.
 */
long kbuddy_cache_validate(struct kbuddy_cache *c, kbuddy_report_fn report,
			   void *ctx)
{
	long problems;

	cpus_read_lock();
	problems = kbuddy_cache_validate_cpus_locked(c, report, ctx);
	cpus_read_unlock();
	return problems;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_cache_validate, KBUDDY_INTERNAL);

/**
 * kbuddy_cache_validate_cpus_locked() - kbuddy_cache_validate(), CPUs held
 * @c: the cache
 * @report: called once per problem, or NULL
 * @ctx: passed to @report
 *
 * Context: Process context, with cpus_read_lock() held.
 * Return: the number of problems found, or -ENOMEM if the check could not
 * be made (never 0 for a cache that was not looked at).
 */
long kbuddy_cache_validate_cpus_locked(struct kbuddy_cache *c,
				       kbuddy_report_fn report, void *ctx)
{
	struct cache_check cc = { .c = c };
	unsigned long *seen;

	seen = bitmap_zalloc(c->objects, GFP_KERNEL);
	if (!seen) {
		if (report)
			kbuddy_report(report, ctx, "cache %s: not checked: no memory\n",
				      c->name);
		return -ENOMEM;
	}
	kbuddy_sink_init(&cc.sink, report, ctx);
	/* Problems are found on each CPU and under the cache's lock. */
	kbuddy_sink_hold(&cc.sink);

	kbuddy_mag_check_cpus(c, &cc.sink);

	if (!cache_walk(&cc, seen) && !cc.sink.problems) {
		kbuddy_sink_release(&cc.sink);
		if (report)
			kbuddy_report(report, ctx, "cache %s: not checked: always changing\n",
				      c->name);
		bitmap_free(seen);
		return -EBUSY;
	}
	kbuddy_sink_finish(&cc.sink);
	bitmap_free(seen);
	return cc.sink.problems;
}

/**
 * kbuddy_visit_caches() - call a function on every cache of a pool
 * @pool: the pool
 * @fn: called once per cache, oldest first (the size classes first), with
 *	the cache and its kbuddy_cache_info(); a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * For readers such as slabinfo, which must not walk the pool's list of
 * caches themselves. @fn runs with the pool's caches_lock held: it may
 * sleep and read the cache's fields that never change after creation, but
 * must not create or destroy a cache of @pool.
 *
 * Context: Process context; may sleep. Takes the pool's caches_lock, and
 * each cache's lock in turn while its counts are read.
 * Return: 0 once every cache was seen, the first non-zero value @fn
 * returned, or -ENOMEM.
 */
int kbuddy_visit_caches(struct kbuddy_pool *pool,
			int (*fn)(const struct kbuddy_cache *c,
				  const struct kbuddy_cache_info *info,
				  void *arg),
			void *arg)
{
	struct kbuddy_cache_info *info;
	struct kbuddy_cache *c;
	int ret = 0;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	mutex_lock(&pool->caches_lock);
	list_for_each_entry(c, &pool->caches, node) {
		kbuddy_cache_info(c, info);
		ret = fn(c, info, arg);
		if (ret)
			break;
	}
	mutex_unlock(&pool->caches_lock);
	kfree(info);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - the slab layer of slab caches (Bonwick's slabs).
 *
 * This file owns slabs, their freelists and the full, partial and empty
 * lists, the cache's lifecycle (create, shrink, destroy), its information
 * (slabinfo) and the check of its slabs, and the lookup of an object's
 * cache. The per-CPU magazines and the depot in front of the slabs are
 * magazine.c's: it takes objects from the slabs and gives them back through
 * kbuddy_slab_obj_get() and kbuddy_slab_obj_put(), grows the cache through
 * kbuddy_slab_grow(), and has a bad free classified by
 * kbuddy_cache_bad_free(); this file calls kbuddy_mag_*() to make, drain,
 * count and check the magazines (internal.h).
 *
 * A slab is one buddy block cut into objects, its order chosen so that at
 * most 1/8 of it is wasted (Bonwick). Slab descriptors live outside the pool
 * (kmalloc), with one state byte per object; every page of a slab block
 * carries its slab as its tag (kbuddy_page.tag), so a free finds its slab
 * without a search. Free objects chain through a free pointer XORed with a
 * per-cache key and the pointer's own address, and every pointer is
 * range-checked before it is followed: a stray write is caught and the chain
 * rebuilt from the state bytes.
 */

#include <linux/cpu.h>
#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/kmemleak.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/swab.h>

#include "internal.h"
#include "report.h"

/* ==== Internals ========================================================== */

/*
 * @slab's use count went from @old_inuse to slab->inuse, across a class
 * boundary (empty, partial or full): move it to its list. The caller holds
 * the cache's lock; out of line, as only one change in a slab's worth of
 * objects crosses one.
 */
static noinline void slab_list_update(struct kbuddy_cache *c,
				      struct kbuddy_slab *slab,
				      unsigned int old_inuse)
{
	struct list_head *to;

	if (slab->inuse == c->objects)
		to = &c->full;
	else if (slab->inuse)
		to = &c->partial;
	else
		to = &c->empty;
	if (old_inuse == c->objects)
		c->nr_full--;
	else if (old_inuse)
		c->nr_partial--;
	else
		c->nr_empty--;
	c->seq++;
	if (to == &c->full)
		c->nr_full++;
	else if (to == &c->partial)
		c->nr_partial++;
	else
		c->nr_empty++;
	list_move(&slab->node, to);
}

/*
 * A free pointer failed its checks: rebuild the slab's freelist from the
 * state bytes, which live outside the pool and cannot be hit by a stray
 * write. The caller holds the cache's lock.
 */
static void freelist_repair(struct kbuddy_cache *c, struct kbuddy_slab *slab)
{
	void *head = NULL;
	long i;

	for (i = c->objects - 1; i >= 0; i--) {
		void *obj = slab->base + i * c->size;

		if (slab->state[i] != KBUDDY_OBJ_FREE)
			continue;
		kbuddy_set_freeptr(c, obj, head);
		head = obj;
	}
	slab->freelist = head;
	c->count[KBUDDY_CACHE_FREELIST_REPAIR]++;
	pr_err_ratelimited("cache %s: slab %#llx: freelist corrupted (a write after free?), rebuilt\n",
			   c->name, kbuddy_obj_phys(c, slab->base));
}

/* Is @next a sound next free object of @slab? */
static bool freeptr_ok(struct kbuddy_cache *c, struct kbuddy_slab *slab,
		       void *next)
{
	long idx;

	if (!next)
		return true;
	idx = kbuddy_obj_index(c, slab, next);
	return idx >= 0 && slab->state[idx] == KBUDDY_OBJ_FREE;
}

/*
 * Take an object off @slab's freelist and give it @state. The caller holds
 * the cache's lock and knows the slab has a free object.
 */
static __always_inline void *slab_pop(struct kbuddy_cache *c,
				      struct kbuddy_slab *slab, u8 state,
				      u8 **statep)
{
	unsigned int old_inuse = slab->inuse;
	void *obj = slab->freelist, *next;
	long idx;

	idx = kbuddy_obj_index(c, slab, obj);
	if (idx < 0 || slab->state[idx] != KBUDDY_OBJ_FREE) {
		freelist_repair(c, slab);
		obj = slab->freelist;
		idx = kbuddy_obj_index(c, slab, obj);
	}
	next = kbuddy_get_freeptr(c, obj);
	if (!freeptr_ok(c, slab, next)) {
		/* The rebuilt list starts elsewhere: start over from it. */
		freelist_repair(c, slab);
		obj = slab->freelist;
		idx = kbuddy_obj_index(c, slab, obj);
		next = kbuddy_get_freeptr(c, obj);
	}
	slab->freelist = next;
	/* Poison where the free pointer was: the whole object is poison. */
	if (kbuddy_poisons(c))
		memset(obj + c->offset, KBUDDY_POISON_FREE, sizeof(void *));
	WRITE_ONCE(slab->state[idx], state);
	*statep = &slab->state[idx];
	slab->inuse++;
	c->nr_inuse++;
	/* Empty -> partial or full, partial -> full: another list. */
	if (unlikely(!old_inuse || slab->inuse == c->objects))
		slab_list_update(c, slab, old_inuse);
	return obj;
}

/* Put @obj, of @slab, back on its freelist. The caller holds the lock. */
static void slab_push(struct kbuddy_cache *c, struct kbuddy_slab *slab,
		      void *obj, u8 *state)
{
	unsigned int old_inuse = slab->inuse;

	kbuddy_set_freeptr(c, obj, slab->freelist);
	slab->freelist = obj;
	WRITE_ONCE(*state, KBUDDY_OBJ_FREE);
	slab->inuse--;
	c->nr_inuse--;
	/* Full -> partial or empty, partial -> empty: another list. */
	if (unlikely(old_inuse == c->objects || !slab->inuse))
		slab_list_update(c, slab, old_inuse);
}

/* A slab with a free object, partial first; NULL if none. Locked. */
static struct kbuddy_slab *slab_with_free(struct kbuddy_cache *c)
{
	if (c->nr_partial)
		return list_first_entry(&c->partial, struct kbuddy_slab, node);
	if (c->nr_empty)
		return list_first_entry(&c->empty, struct kbuddy_slab, node);
	return NULL;
}

/*
 * Make a new slab: a descriptor, a buddy block owned by it, constructed
 * objects on a freelist. Not yet on any list. No lock held; may sleep if
 * @gfp allows.
 */
static struct kbuddy_slab *slab_new(struct kbuddy_cache *c, gfp_t gfp)
{
	gfp_t meta_gfp = (gfp & (GFP_KERNEL | __GFP_HIGH)) | __GFP_NOWARN;
	size_t size, track = 0;
	struct kbuddy_slab *slab;
	long i;

	/* Owner tracking's records follow the state bytes (debug.c). */
	size = struct_size(slab, state, c->objects);
	if (c->flags & KBUDDY_CACHE_STORE_USER) {
		track = ALIGN(size, __alignof__(struct kbuddy_track));
		size = track + array3_size(c->objects, KBUDDY_NR_TRACKS,
					   sizeof(struct kbuddy_track));
	}
	if (kbuddy_should_fail(&c->pool->fault, KBUDDY_FAULT_SLAB_DESC, size))
		return NULL;
	slab = kzalloc(size, meta_gfp);
	if (!slab)
		return NULL;
	/*
	 * kmemleak scans only the list links: @base points at the first
	 * object, which must not count as referenced (leak.h).
	 */
	kmemleak_scan_area(&slab->node, sizeof(slab->node), meta_gfp);
	if (track)
		slab->track = (void *)slab + track;
	slab->cache = c;
	slab->cpu = -1;
	INIT_LIST_HEAD(&slab->node);
	/*
	 * The block's tags publish the slab to lockless readers (a stale or
	 * bad pointer into the block): its cache and zeroed states first.
	 * Pairs with the address dependency tag -> slab -> fields.
	 */
	smp_wmb();
	if (kbuddy_should_fail(&c->pool->fault, KBUDDY_FAULT_SLAB, PAGE_SIZE << c->order))
		slab->base = NULL;
	else
		slab->base = kbuddy_alloc_reclaim(c->pool, c->order, gfp & ~__GFP_ZERO,
						  (unsigned long)slab);
	if (!slab->base) {
		kfree(slab);
		return NULL;
	}
	if (kbuddy_poisons(c))
		memset(slab->base, KBUDDY_POISON_FREE, PAGE_SIZE << c->order);
	for (i = c->objects - 1; i >= 0; i--) {
		void *obj = slab->base + i * c->size;

		if (c->ctor)
			c->ctor(obj);
		kbuddy_red_zone_init(c, obj);
		kbuddy_set_freeptr(c, obj, slab->freelist);
		slab->freelist = obj;
	}
	return slab;
}

/* Give an empty slab, off its list, back to the buddy allocator. */
static void slab_free(struct kbuddy_cache *c, struct kbuddy_slab *slab)
{
	kbuddy_block_free(c->pool, slab->base, c->order, (unsigned long)slab,
			  _RET_IP_);
	/* Lockless lookups through the page owner may still hold it. */
	kfree_rcu(slab, rcu);
}

/* ==== What the magazine layer asks of the slabs ========================== */

/* How many partial slabs a refill looks through for one of its CPU's. */
#define KBUDDY_SLAB_CPU_SCAN	4

/*
 * A slab for a refill of @cpu's magazines: one of the first partial slabs
 * if @cpu filled from it before or no CPU has, else an empty slab. Two
 * CPUs filling from one slab would each write, on every allocation and
 * free, state bytes in the same cache lines (false sharing): SLUB avoids it
 * with a slab per CPU. NULL if there is none; then the cache grows a slab
 * for @cpu, or, with no memory for one, takes any free object
 * (kbuddy_slab_grow()). But once there are as many partial slabs as online
 * CPUs, the first is taken whoever filled from it: a CPU never grows a
 * slab while the others' partial slabs pile up. Locked.
 */
static struct kbuddy_slab *slab_for_cpu(struct kbuddy_cache *c, int cpu)
{
	struct kbuddy_slab *slab;
	unsigned int n = 0;

	list_for_each_entry(slab, &c->partial, node) {
		if (slab->cpu == cpu || slab->cpu < 0)
			return slab;
		if (++n == KBUDDY_SLAB_CPU_SCAN)
			break;
	}
	if (c->nr_empty)
		return list_first_entry(&c->empty, struct kbuddy_slab, node);
	if (c->nr_partial >= num_online_cpus())
		return list_first_entry(&c->partial, struct kbuddy_slab, node);
	return NULL;
}

/*
 * FREE -> CACHED: up to @n objects into @round, for @cpu's magazines, from
 * slabs of its own (see slab_for_cpu()), each slab's free objects taken in
 * one go as SLUB takes a slab's whole freelist. Locked.
 * Return: the number taken, 0 if @cpu has no slab with a free object.
 */
unsigned int kbuddy_slab_obj_get(struct kbuddy_cache *c, int cpu,
				 struct kbuddy_round *round, unsigned int n)
{
	struct kbuddy_slab *slab;
	unsigned int got = 0;

	while (got < n) {
		slab = slab_for_cpu(c, cpu);
		if (!slab)
			break;
		slab->cpu = cpu;
		do {
			round[got].obj = slab_pop(c, slab, KBUDDY_OBJ_CACHED,
						  &round[got].state);
			round[got].slab = slab;
			got++;
		} while (got < n && slab->inuse < c->objects);
	}
	return got;
}

/*
 * Empty slabs a cache keeps for its next allocations. A slab that becomes
 * empty beyond these goes back to the buddy allocator at once, as SLUB
 * discards empty slabs beyond a node's min_partial: what a cache parks in
 * empty slabs stays below KBUDDY_CACHE_EMPTY_KEEP << order pages.
 */
#define KBUDDY_CACHE_EMPTY_KEEP	2

/* Take an empty @slab off its list and give it back. Locked. */
static void slab_release(struct kbuddy_cache *c, struct kbuddy_slab *slab)
{
	list_del(&slab->node);
	c->nr_empty--;
	c->seq++;
	c->count[KBUDDY_CACHE_SLAB_FREE]++;
	slab_free(c, slab);
}

/*
 * CACHED -> FREE: a magazine's object back on its slab's freelist; a slab
 * that becomes empty beyond the ones kept goes back. Locked.
 */
void kbuddy_slab_obj_put(struct kbuddy_cache *c, struct kbuddy_slab *slab,
			 void *obj, u8 *state)
{
	slab_push(c, slab, obj, state);
	if (!slab->inuse && c->nr_empty > KBUDDY_CACHE_EMPTY_KEEP)
		slab_release(c, slab);
}

/*
 * Grow the cache by one slab and take an object from it, ALLOC; if no slab
 * could be made, take any free object of the cache's slabs (one another
 * CPU fills from: slab_for_cpu() passed it over); NULL (counted as
 * alloc_fail) if there is none. Takes the cache's lock.
 */
void *kbuddy_slab_grow(struct kbuddy_cache *c, gfp_t gfp)
{
	struct kbuddy_slab *slab = slab_new(c, gfp);
	unsigned long flags;
	void *obj;
	u8 *state;

	spin_lock_irqsave(&c->lock, flags);
	if (!slab) {
		/* No memory for a slab of this CPU's: any free object will do. */
		slab = slab_with_free(c);
		if (!slab) {
			c->count[KBUDDY_CACHE_ALLOC_FAIL]++;
			spin_unlock_irqrestore(&c->lock, flags);
			return NULL;
		}
	} else {
		c->count[KBUDDY_CACHE_SLAB_NEW]++;
		c->seq++;
		list_add(&slab->node, &c->empty);
		c->nr_empty++;
	}
	/* This CPU's from now on, new or not: its next refill looks here. */
	slab->cpu = raw_smp_processor_id();
	obj = slab_pop(c, slab, KBUDDY_OBJ_ALLOC, &state);
	spin_unlock_irqrestore(&c->lock, flags);
	return obj;
}

/**
 * kbuddy_cache_refuse_free() - count and report a bad free
 * @c: the cache charged with it
 * @obj: the pointer
 * @bad: which kind of bad free
 * @caller: the return address reported
 *
 * Context: Any context; @c must stay valid (the caller's, or read inside
 * an RCU read-side section the caller still holds: rcu_read_lock() or
 * kbuddy_lookup_begin()).
 * Return: -EINVAL.
 */
noinline int kbuddy_cache_refuse_free(struct kbuddy_cache *c,
				      const void *obj,
				      enum kbuddy_cache_counter bad,
				      unsigned long caller)
{
	kbuddy_refuse(&(struct kbuddy_refusal){
		.pool = c->pool, .cache = c->name, .what = "free", .addr = obj,
		.order = -1, .reason = kbuddy_cache_bad_free_reasons[bad], .caller = caller,
		.counter = &c->count[bad], .lock = &c->lock,
	});
	return -EINVAL;
}

/*
 * Why @obj is no object of @c in use: called off the free fast path, only
 * once it has found that it is not. Return: -EINVAL.
 */
noinline int kbuddy_cache_bad_free(struct kbuddy_cache *c, void *obj,
				   unsigned long caller)
{
	enum kbuddy_cache_counter bad = KBUDDY_CACHE_BAD_FREE_DOUBLE;
	struct kbuddy_slab *slab;

	rcu_read_lock();
	slab = kbuddy_obj_slab(c->pool, obj);
	if (!slab)
		bad = kbuddy_find_region(c->pool, obj) ?
		      KBUDDY_CACHE_BAD_FREE_NOT_OBJECT :
		      KBUDDY_CACHE_BAD_FREE_OUTSIDE;
	else if (slab->cache != c)
		bad = KBUDDY_CACHE_BAD_FREE_WRONG_CACHE;
	else if (kbuddy_obj_index(c, slab, obj) < 0)
		bad = KBUDDY_CACHE_BAD_FREE_INTERIOR;
	rcu_read_unlock();
	return kbuddy_cache_refuse_free(c, obj, bad, caller);
}

/* ==== Allocation and free ================================================ */

/**
 * kbuddy_obj_cache() - the cache of an object in use
 * @pool: the pool
 * @obj: an address
 *
 * A lockless answer: the cache may be destroyed as soon as this returns,
 * so only a caller that keeps @obj allocated, or holds rcu_read_lock()
 * across the call and its use of the result, may use the cache.
 *
 * Context: Any context.
 * Return: the cache whose object, handed out, starts at @obj, or NULL.
 */
struct kbuddy_cache *kbuddy_obj_cache(struct kbuddy_pool *pool,
				      const void *obj)
{
	struct kbuddy_cache *c = NULL;
	struct kbuddy_slab *slab;
	long idx;

	rcu_read_lock();
	slab = kbuddy_obj_slab(pool, obj);
	if (slab) {
		kbuddy_race_hook("obj_lookup");
		idx = kbuddy_obj_index(slab->cache, slab, obj);
		if (idx >= 0 && READ_ONCE(slab->state[idx]) == KBUDDY_OBJ_ALLOC)
			c = slab->cache;
	}
	rcu_read_unlock();
	return c;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_obj_cache, KBUDDY_INTERNAL);

/* ==== Drain, shrink, create, destroy ===================================== */

/* Give back every empty slab of @c; return how many. */
static unsigned long release_empty(struct kbuddy_cache *c)
{
	struct kbuddy_slab *slab, *tmp;
	unsigned long flags, n;
	LIST_HEAD(victims);

	spin_lock_irqsave(&c->lock, flags);
	list_splice_init(&c->empty, &victims);
	n = c->nr_empty;
	c->nr_empty = 0;
	c->seq++;
	c->count[KBUDDY_CACHE_SLAB_FREE] += n;
	spin_unlock_irqrestore(&c->lock, flags);
	list_for_each_entry_safe(slab, tmp, &victims, node) {
		list_del(&slab->node);
		slab_free(c, slab);
	}
	return n;
}

/**
 * kbuddy_cache_shrink() - give empty slabs back to the buddy allocator
 * @c: the cache
 *
 * Drains the magazines of every CPU and the depot into the slabs first, so
 * that every slab with no object in use is freed.
 *
 * Context: Process context; may sleep.
 * Return: the number of slabs freed.
 */
unsigned long kbuddy_cache_shrink(struct kbuddy_cache *c)
{
	kbuddy_mag_drain_all(c, false);
	return release_empty(c);
}
EXPORT_SYMBOL_GPL(kbuddy_cache_shrink);

/**
 * kbuddy_caches_reclaim() - give back what every cache of a pool parks
 * @pool: the pool
 *
 * For an allocation that found no free block: every cache's magazines (on
 * every CPU and in the depot) go back to their slabs, and every empty slab
 * to the buddy allocator.
 *
 * Context: Process context; may sleep. The caller holds no kbuddy lock and
 * not the CPU hotplug lock.
 * Return: whether anything was given back, so that a retry may succeed.
 */
bool kbuddy_caches_reclaim(struct kbuddy_pool *pool)
{
	struct kbuddy_cache *c;
	bool any = false;

	/* CPU hotplug takes the caches_lock: take the CPUs first. */
	cpus_read_lock();
	mutex_lock(&pool->caches_lock);
	list_for_each_entry(c, &pool->caches, node) {
		unsigned long flags, parked;

		/* Work on every CPU only for a cache that holds something. */
		spin_lock_irqsave(&c->lock, flags);
		parked = kbuddy_mag_parked(c);
		spin_unlock_irqrestore(&c->lock, flags);
		if (parked) {
			kbuddy_mag_drain_cpus_locked(c, false);
			any = true;
		}
		if (release_empty(c))
			any = true;
	}
	mutex_unlock(&pool->caches_lock);
	cpus_read_unlock();
	return any;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_caches_reclaim, KBUDDY_INTERNAL);

static bool cache_name_ok(const char *name)
{
	size_t len = strnlen(name, KBUDDY_NAME_LEN + 1);
	size_t i;

	if (!len || len > KBUDDY_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isgraph(name[i]))
			return false;
	return true;
}

/*
 * The order of a slab: the smallest that wastes at most 1/8 of it (Bonwick),
 * else the one that wastes the least, up to @max_order.
 */
static unsigned int slab_order(unsigned int size, unsigned int max_order)
{
	unsigned long best_waste = 1, best_bytes = 0;
	unsigned int order, best = max_order;

	for (order = 0; order <= max_order; order++) {
		unsigned long bytes = PAGE_SIZE << order;
		unsigned long waste = bytes % size;

		if (bytes < size)
			continue;
		if (waste * 8 <= bytes)
			return order;
		/* waste / bytes < best_waste / best_bytes */
		if (!best_bytes || waste * best_bytes < best_waste * bytes) {
			best_waste = waste;
			best_bytes = bytes;
			best = order;
		}
	}
	return best;
}

/*
 * The stride of a cache's objects and the offset of the free pointer in
 * one (Documentation/design.rst, "Object layout"): the object first, so
 * that its alignment is the stride's; with a constructor or a red zone the
 * free pointer goes after it (a free object keeps its constructed state;
 * the red zone runs from the object's end to the free pointer, at least a
 * word); else it sits in the free object's first word.
 */
static unsigned int cache_layout(unsigned int size, unsigned int align,
				 unsigned long flags, void (*ctor)(void *obj),
				 unsigned int *offset)
{
	unsigned int stride;

	if (flags & KBUDDY_CACHE_RED_ZONE) {
		*offset = ALIGN(size, sizeof(void *)) + sizeof(void *);
		stride = *offset + sizeof(void *);
	} else if (ctor) {
		*offset = ALIGN(size, sizeof(void *));
		stride = *offset + sizeof(void *);
	} else {
		*offset = 0;
		stride = max_t(unsigned int, size, sizeof(void *));
	}
	return ALIGN(stride, align);
}

/* After a grace period: no lockless lookup can still hold @c. */
static void cache_free_rcu(struct rcu_head *rcu)
{
	struct kbuddy_cache *c = container_of(rcu, struct kbuddy_cache, rcu);

	kbuddy_mag_fini(c);
	kfree(c);
}

/**
 * kbuddy_cache_create_flags() - kbuddy_cache_create() with private flags
 * @pool: the pool
 * @name: as kbuddy_cache_create()
 * @size: as kbuddy_cache_create()
 * @align: as kbuddy_cache_create()
 * @flags: KBUDDY_CACHE_HWCACHE_ALIGN, the debug flags and
 *	KBUDDY_CACHE_KMALLOC; the debug= defaults are added (a red zone only
 *	where the object still fits a slab with it)
 * @ctor: as kbuddy_cache_create()
 *
 * Context: Process context; may sleep.
 * Return: as kbuddy_cache_create().
 */
struct kbuddy_cache *kbuddy_cache_create_flags(struct kbuddy_pool *pool,
					       const char *name,
					       unsigned int size,
					       unsigned int align,
					       unsigned long flags,
					       void (*ctor)(void *obj))
{
	unsigned int stride, offset, order, top;
	struct kbuddy_cache *c, *other;
	unsigned long debug;

	if (pool->kind != KBUDDY_POOL_RAM) {
		pr_err("pool %s: cache %s refused: slab caches keep free pointers in their objects, and the pool's memory has no kernel mapping (kind %s)\n",
		       pool->name, name ? name : "(null)", kbuddy_pool_kind_name(pool));
		return ERR_PTR(-EINVAL);
	}
	if (pool->wc) {
		pr_err("pool %s: cache %s refused: the pool's memory is write-combined (KBUDDY_POOL_WC), no place for objects' free pointers and atomics\n",
		       pool->name, name ? name : "(null)");
		return ERR_PTR(-EINVAL);
	}
	top = min_t(unsigned int, KBUDDY_SLAB_MAX_ORDER, pool->max_order - 1);
	if (!name || !cache_name_ok(name) || !size ||
	    (align && (!is_power_of_2(align) || align > PAGE_SIZE)) ||
	    (flags & ~(KBUDDY_CACHE_HWCACHE_ALIGN | KBUDDY_CACHE_DEBUG_FLAGS |
		       KBUDDY_CACHE_KMALLOC)) ||
	    size > PAGE_SIZE << top) {
		pr_err("pool %s: cache %s: bad arguments (size %u, align %u, flags %#lx)\n",
		       pool->name, name ? name : "(null)", size, align, flags);
		return ERR_PTR(-EINVAL);
	}
	align = max_t(unsigned int, align, sizeof(void *));
	if (flags & KBUDDY_CACHE_HWCACHE_ALIGN) {
		unsigned int ralign = cache_line_size();

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	debug = kbuddy_debug_cache_flags(flags, ctor);
	stride = cache_layout(size, align, debug, ctor, &offset);
	/* debug=Z gives a red zone where it fits; a creator's flag must fit. */
	if (stride > PAGE_SIZE << top && !(flags & KBUDDY_CACHE_RED_ZONE)) {
		debug &= ~KBUDDY_CACHE_RED_ZONE;
		stride = cache_layout(size, align, debug, ctor, &offset);
	}
	order = slab_order(stride, top);
	if (PAGE_SIZE << order < stride) {
		pr_err("pool %s: cache %s: objects of %u bytes do not fit a slab\n",
		       pool->name, name, stride);
		return ERR_PTR(-EINVAL);
	}

	if (kbuddy_should_fail(&pool->fault, KBUDDY_FAULT_CACHE_CREATE, sizeof(*c)))
		return ERR_PTR(-ENOMEM);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->pool = pool;
	c->object_size = size;
	c->size = stride;
	c->align = align;
	c->offset = offset;
	c->order = order;
	c->objects = (PAGE_SIZE << order) / stride;
	c->span = c->objects * stride;
	c->flags = debug;
	c->ctor = ctor;
	c->random = get_random_long();
	if (KBUDDY_SLAB_MUL_INDEX)
		c->index_mul = DIV_ROUND_UP_ULL(1ULL << 32, stride);
	else
		c->reciprocal_size = reciprocal_value(stride);
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->partial);
	INIT_LIST_HEAD(&c->full);
	INIT_LIST_HEAD(&c->empty);
	strscpy(c->name, name, sizeof(c->name));
	if (kbuddy_mag_init(c))
		goto err_mag;

	mutex_lock(&pool->caches_lock);
	list_for_each_entry(other, &pool->caches, node) {
		if (!strcmp(other->name, name)) {
			mutex_unlock(&pool->caches_lock);
			pr_err("pool %s: cache %s already exists\n", pool->name,
			       name);
			kbuddy_mag_fini(c);
			kfree(c);
			return ERR_PTR(-EEXIST);
		}
	}
	list_add_tail(&c->node, &pool->caches);
	mutex_unlock(&pool->caches_lock);
	/*
	 * Not under caches_lock: the static key takes the CPU hotplug lock,
	 * which nests outside it. Nobody has the cache to use before this
	 * returns.
	 */
	kbuddy_debug_cache_init(c);
	return c;

err_mag:
	kbuddy_mag_fini(c);
	kfree(c);
	return ERR_PTR(-ENOMEM);
}

/**
 * kbuddy_cache_create() - create a cache of objects on a pool
 * @pool: the pool the slabs come from
 * @name: 1 to 31 printable characters without spaces, unique in the pool;
 *	the row's name in slabinfo
 * @size: bytes per object, at least 1; a slab of at most order 3 (or the
 *	pool's top order) must hold one, with its free pointer after it when
 *	there is a constructor (so at most that slab minus a pointer)
 * @align: alignment of every object, 0 or a power of two up to PAGE_SIZE;
 *	at least the size of a pointer is always used
 * @flags: 0 or KBUDDY_CACHE_HWCACHE_ALIGN (align to a cache line, or to
 *	the largest power-of-two fraction of one the object fits in) and
 *	KBUDDY_CACHE_POISON (fill free objects with 0x6b and report a write
 *	after free when one is handed out again; not with @ctor) and
 *	KBUDDY_CACHE_RED_ZONE (a red zone after every object, checked on free,
 *	when handed out and by validate; the object must fit a slab with its
 *	red zone and free pointer after it); any other bit is refused.
 *	debug=P gives every cache without @ctor poisoning, debug=Z every
 *	cache a red zone where it fits. KBUDDY_CACHE_STORE_USER records who
 *	allocated and who freed each object (stacks in the stack depot),
 *	shown in every report, the owners file and the leak report; debug=U
 *	gives it to every cache.
 * @ctor: called on each object once, when its slab is made, or NULL; an
 *	object must be freed in its constructed state (Bonwick). With a
 *	constructor the free pointer is kept after the object, not in it.
 *
 * Context: Process context; may sleep.
 * Return: the cache, ERR_PTR(-EINVAL) for bad arguments (KBUDDY_CACHE_POISON
 * with @ctor among them), ERR_PTR(-EEXIST)
 * if the name is taken in the pool, or ERR_PTR(-ENOMEM).
 */
struct kbuddy_cache *kbuddy_cache_create(struct kbuddy_pool *pool,
					 const char *name, unsigned int size,
					 unsigned int align, unsigned long flags,
					 void (*ctor)(void *obj))
{
	if (flags & ~(KBUDDY_CACHE_HWCACHE_ALIGN | KBUDDY_CACHE_DEBUG_FLAGS)) {
		pr_err("pool %s: cache %s: unknown flags %#lx (only KBUDDY_CACHE_HWCACHE_ALIGN, _POISON, _RED_ZONE and _STORE_USER)\n",
		       pool->name, name ? name : "(null)", flags);
		return ERR_PTR(-EINVAL);
	}
	if ((flags & KBUDDY_CACHE_POISON) && ctor) {
		pr_err("pool %s: cache %s: KBUDDY_CACHE_POISON with a constructor: poison would destroy the constructed objects\n",
		       pool->name, name ? name : "(null)");
		return ERR_PTR(-EINVAL);
	}
	return kbuddy_cache_create_flags(pool, name, size, align, flags, ctor);
}
EXPORT_SYMBOL_GPL(kbuddy_cache_create);

/*
 * Count the objects still in use, after a drain, and report up to 16 of
 * them, with who allocated each if the cache tracks owners. The count is
 * a counter; each slab on the partial and full lists holds an object in
 * use, so at most 16 slabs are read under the lock. Process context.
 */
static unsigned long report_in_use(struct kbuddy_cache *c, bool print)
{
	struct list_head *lists[] = { &c->partial, &c->full };
	unsigned long flags, n, shown = 0;
	struct kbuddy_slab *slab;
	unsigned int l, i;

	spin_lock_irqsave(&c->lock, flags);
	n = c->nr_inuse;
	for (l = 0; print && l < ARRAY_SIZE(lists); l++) {
		list_for_each_entry(slab, lists[l], node) {
			for (i = 0; i < c->objects; i++) {
				if (READ_ONCE(slab->state[i]) != KBUDDY_OBJ_ALLOC)
					continue;
				pr_warn("cache %s: object %#llx still allocated\n",
					c->name, kbuddy_obj_phys(c, slab->base + i * c->size));
				kbuddy_debug_obj_owner(c, slab->base + i * c->size);
				if (++shown == 16)
					goto out;
			}
		}
	}
out:
	spin_unlock_irqrestore(&c->lock, flags);
	return n;
}

static void cache_release(struct kbuddy_cache *c)
{
	mutex_lock(&c->pool->caches_lock);
	list_del(&c->node);
	mutex_unlock(&c->pool->caches_lock);
	kbuddy_debug_cache_fini(c);
	/* Lockless lookups (tag -> slab -> cache) may still read it. */
	call_rcu(&c->rcu, cache_free_rcu);
}

/**
 * kbuddy_cache_destroy() - destroy a cache with no object in use
 * @c: the cache; NULL or an ERR_PTR() is ignored
 *
 * Refused if objects are still allocated: they are reported (up to 16, with
 * their addresses) and the cache stays usable.
 *
 * Context: Process context; may sleep. No allocation or free may race.
 * Return: 0, or -EBUSY if objects are still allocated.
 */
int kbuddy_cache_destroy(struct kbuddy_cache *c)
{
	unsigned long used;

	if (IS_ERR_OR_NULL(c))
		return 0;
	kbuddy_mag_drain_all(c, true);
	used = report_in_use(c, true);
	if (used) {
		pr_warn("cache %s: not destroyed: %lu objects still allocated\n",
			c->name, used);
		return -EBUSY;
	}
	/* The magazines are empty: one pass over the CPUs is enough. */
	release_empty(c);
	cache_release(c);
	return 0;
}
EXPORT_SYMBOL_GPL(kbuddy_cache_destroy);

/**
 * kbuddy_cache_destroy_forced() - destroy a cache whose pool is going away
 * @c: the cache
 *
 * Objects still allocated are reported and their slabs left allocated in
 * the pool, which reports and keeps their memory in turn.
 *
 * Context: Process context; may sleep.
 */
void kbuddy_cache_destroy_forced(struct kbuddy_cache *c)
{
	struct kbuddy_slab *slab, *tmp;
	unsigned long used;

	kbuddy_mag_drain_all(c, true);
	used = report_in_use(c, true);
	if (used)
		pr_warn("cache %s: destroyed with %lu objects still allocated\n",
			c->name, used);
	release_empty(c);
	/*
	 * Slabs still in use stay allocated in the pool, which reports them
	 * as it goes; their descriptors go now.
	 */
	list_splice_init(&c->full, &c->partial);
	list_for_each_entry_safe(slab, tmp, &c->partial, node)
		kfree_rcu(slab, rcu);
	cache_release(c);
}

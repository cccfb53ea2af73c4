// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - caches of fixed-size objects on buddy blocks.
 *
 * A slab is one buddy block cut into objects, its order chosen so that at
 * most 1/8 of it is wasted (Bonwick). Slab descriptors live outside the pool
 * (kmalloc), with one state byte per object; every page of a slab block
 * points to its slab (kbuddy_page.owner), so a free finds its slab without a
 * search. Free objects chain through a free pointer XORed with a per-cache
 * key and the pointer's own address, and every pointer is range-checked
 * before it is followed: a stray write is caught and the chain rebuilt from
 * the state bytes.
 *
 * In front of the slabs sit Bonwick's magazines: per CPU a loaded and a
 * previous magazine, per cache a depot of full and empty ones. The common
 * allocation and free touch only the CPU's own magazines, under its
 * local_lock (interrupts off, or a per-CPU sleeping lock on PREEMPT_RT), and
 * take no other lock. A free claims its object with one cmpxchg of the
 * object's state byte from ALLOC (see "Ownership" in internal.h), so of two
 * CPUs freeing one object exactly one wins.
 */

#include <linux/cpu.h>
#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/err.h>
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

#include "compat.h"
#include "internal.h"

const char *const kbuddy_cache_counter_names[KBUDDY_NR_CACHE_COUNTERS] = {
	[KBUDDY_CACHE_ALLOC_SLOW]		= "alloc_slow",
	[KBUDDY_CACHE_FREE_SLOW]		= "free_slow",
	[KBUDDY_CACHE_ALLOC_FAIL]		= "alloc_fail",
	[KBUDDY_CACHE_DEPOT_EXCHANGE]		= "depot_exchange",
	[KBUDDY_CACHE_SLAB_NEW]			= "slab_new",
	[KBUDDY_CACHE_SLAB_FREE]		= "slab_free",
	[KBUDDY_CACHE_FREELIST_REPAIR]		= "freelist_repair",
	[KBUDDY_CACHE_BAD_FREE_OUTSIDE]		= "bad_free_outside",
	[KBUDDY_CACHE_BAD_FREE_NOT_OBJECT]	= "bad_free_not_object",
	[KBUDDY_CACHE_BAD_FREE_WRONG_CACHE]	= "bad_free_wrong_cache",
	[KBUDDY_CACHE_BAD_FREE_INTERIOR]	= "bad_free_interior",
	[KBUDDY_CACHE_BAD_FREE_DOUBLE]		= "bad_free_double",
};
EXPORT_SYMBOL_NS_GPL(kbuddy_cache_counter_names, KBUDDY_INTERNAL);
static_assert(ARRAY_SIZE(kbuddy_cache_counter_names) == KBUDDY_NR_CACHE_COUNTERS);

const char *const kbuddy_cpu_counter_names[KBUDDY_NR_CPU_COUNTERS] = {
	[KBUDDY_CPU_ALLOC]	= "alloc_fast",
	[KBUDDY_CPU_FREE]	= "free_fast",
};

static_assert(ARRAY_SIZE(kbuddy_cpu_counter_names) == KBUDDY_NR_CPU_COUNTERS);

/* Slabs are at most this order; bigger objects belong to whole blocks. */
#define KBUDDY_SLAB_MAX_ORDER	3

/* ==== Internals ========================================================== */

static inline unsigned long *freeptr_slot(const struct kbuddy_cache *c,
					  void *obj)
{
	return obj + c->offset;
}

/* The hardened free pointer of mm/slub.c: key ^ pointer ^ swab(address). */
static inline void set_freeptr(const struct kbuddy_cache *c, void *obj,
			       void *next)
{
	unsigned long *slot = freeptr_slot(c, obj);

	*slot = (unsigned long)next ^ c->random ^ swab((unsigned long)slot);
}

static inline void *get_freeptr(const struct kbuddy_cache *c, void *obj)
{
	unsigned long *slot = freeptr_slot(c, obj);

	return (void *)(*slot ^ c->random ^ swab((unsigned long)slot));
}

/* Pool memory is named by physical address in messages, not by pointer. */
static inline u64 pa(const struct kbuddy_cache *c, const void *p)
{
	return kbuddy_virt_to_phys(c->pool, p);
}

static inline unsigned long slab_bytes(const struct kbuddy_cache *c)
{
	return PAGE_SIZE << c->order;
}

/*
 * Index of @obj in @slab, or -1 if @obj is not the start of one of its
 * objects.
 */
static inline long obj_index(const struct kbuddy_cache *c,
			     const struct kbuddy_slab *slab, const void *obj)
{
	/* Below the slab, the offset wraps and fails the bound. */
	unsigned long offset = (unsigned long)obj - (unsigned long)slab->base;
	unsigned long idx;

	if (unlikely(offset >= slab_bytes(c)))
		return -1;
	idx = reciprocal_divide(offset, c->reciprocal_size);
	if (unlikely(idx * c->size != offset || idx >= c->objects))
		return -1;
	return idx;
}

/* The slab holding @obj, if any; caller in an RCU read-side section. */
static inline struct kbuddy_slab *obj_slab(struct kbuddy_pool *pool,
					   const void *obj)
{
	unsigned long tag = kbuddy_tag_of(pool, obj);

	return kbuddy_tag_is_slab(tag) ? (struct kbuddy_slab *)tag : NULL;
}

/* allocated -> cached: the one way a free takes an object (cmpxchg). */
static inline bool obj_claim(u8 *state)
{
	u8 old = KBUDDY_OBJ_ALLOC;

	return try_cmpxchg(state, &old, KBUDDY_OBJ_CACHED);
}

static void slab_list_update(struct kbuddy_cache *c, struct kbuddy_slab *slab,
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
		set_freeptr(c, obj, head);
		head = obj;
	}
	slab->freelist = head;
	c->count[KBUDDY_CACHE_FREELIST_REPAIR]++;
	pr_err_ratelimited("cache %s: slab %#llx: freelist corrupted (a write after free?), rebuilt\n",
			   c->name, pa(c, slab->base));
}

/* Is @next a sound next free object of @slab? */
static bool freeptr_ok(struct kbuddy_cache *c, struct kbuddy_slab *slab,
		       void *next)
{
	long idx;

	if (!next)
		return true;
	idx = obj_index(c, slab, next);
	return idx >= 0 && slab->state[idx] == KBUDDY_OBJ_FREE;
}

/*
 * Take an object off @slab's freelist and give it @state. The caller holds
 * the cache's lock and knows the slab has a free object.
 */
static void *slab_pop(struct kbuddy_cache *c, struct kbuddy_slab *slab,
		      u8 state, u8 **statep)
{
	unsigned int old_inuse = slab->inuse;
	void *obj = slab->freelist, *next;
	long idx;

	idx = obj_index(c, slab, obj);
	if (idx < 0 || slab->state[idx] != KBUDDY_OBJ_FREE) {
		freelist_repair(c, slab);
		obj = slab->freelist;
		idx = obj_index(c, slab, obj);
	}
	next = get_freeptr(c, obj);
	if (!freeptr_ok(c, slab, next)) {
		/* The rebuilt list starts elsewhere: start over from it. */
		freelist_repair(c, slab);
		obj = slab->freelist;
		idx = obj_index(c, slab, obj);
		next = get_freeptr(c, obj);
	}
	slab->freelist = next;
	WRITE_ONCE(slab->state[idx], state);
	*statep = &slab->state[idx];
	slab->inuse++;
	c->nr_inuse++;
	slab_list_update(c, slab, old_inuse);
	return obj;
}

/* Put @obj, of @slab, back on its freelist. The caller holds the lock. */
static void slab_push(struct kbuddy_cache *c, struct kbuddy_slab *slab,
		      void *obj, u8 *state)
{
	unsigned int old_inuse = slab->inuse;

	set_freeptr(c, obj, slab->freelist);
	slab->freelist = obj;
	WRITE_ONCE(*state, KBUDDY_OBJ_FREE);
	slab->inuse--;
	c->nr_inuse--;
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
	struct kbuddy_slab *slab;
	long i;

	slab = kzalloc(struct_size(slab, state, c->objects), meta_gfp);
	if (!slab)
		return NULL;
	slab->cache = c;
	INIT_LIST_HEAD(&slab->node);
	/*
	 * The block's tags publish the slab to lockless readers (a stale or
	 * bad pointer into the block): its cache and zeroed states first.
	 * Pairs with the address dependency tag -> slab -> fields.
	 */
	smp_wmb();
	slab->base = kbuddy_block_alloc(c->pool, c->order, gfp & ~__GFP_ZERO,
					(unsigned long)slab);
	if (!slab->base) {
		kfree(slab);
		return NULL;
	}
	for (i = c->objects - 1; i >= 0; i--) {
		void *obj = slab->base + i * c->size;

		if (c->ctor)
			c->ctor(obj);
		set_freeptr(c, obj, slab->freelist);
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

/* Push one object into @mag; the caller checked there is room. */
static inline void mag_push(struct kbuddy_magazine *mag, void *obj, u8 *state)
{
	mag->round[mag->rounds].obj = obj;
	mag->round[mag->rounds].state = state;
	mag->rounds++;
}

static struct kbuddy_magazine *mag_alloc(struct kbuddy_cache *c, gfp_t gfp)
{
	struct kbuddy_magazine *mag;

	mag = kmalloc(struct_size(mag, round, c->mag_size), gfp | __GFP_NOWARN);
	if (mag) {
		mag->rounds = 0;
		INIT_LIST_HEAD(&mag->node);
	}
	return mag;
}

/* Return every round of @mag to its slab. The caller holds the lock. */
static void mag_flush(struct kbuddy_cache *c, struct kbuddy_magazine *mag)
{
	while (mag->rounds) {
		struct kbuddy_round *r = &mag->round[--mag->rounds];
		struct kbuddy_slab *slab = obj_slab(c->pool, r->obj);

		slab_push(c, slab, r->obj, r->state);
	}
}

/* ==== Allocation and free ================================================ */

/*
 * The loaded and the previous magazine are empty: swap the previous for a
 * full one from the depot, or fill the loaded one from the slabs. Interrupts
 * are off. Return: the object, or NULL if the slabs have no free object.
 */
static noinline void *alloc_refill(struct kbuddy_cache *c,
				   struct kbuddy_cache_cpu *cc)
{
	struct kbuddy_magazine *mag;
	struct kbuddy_slab *slab;
	void *obj = NULL;
	u8 *state;

	spin_lock(&c->lock);
	c->count[KBUDDY_CACHE_ALLOC_SLOW]++;
	if (c->nr_depot_full) {
		mag = list_first_entry(&c->depot_full, struct kbuddy_magazine,
				       node);
		list_del(&mag->node);
		c->nr_depot_full--;
		list_add(&cc->previous->node, &c->depot_empty);
		c->nr_depot_empty++;
		cc->previous = cc->loaded;
		cc->loaded = mag;
		c->seq++;
		c->count[KBUDDY_CACHE_DEPOT_EXCHANGE]++;
	} else {
		/* Half a magazine: leave room for frees that follow. */
		while (cc->loaded->rounds < c->mag_size / 2) {
			slab = slab_with_free(c);
			if (!slab)
				break;
			obj = slab_pop(c, slab, KBUDDY_OBJ_CACHED, &state);
			mag_push(cc->loaded, obj, state);
		}
	}
	if (cc->loaded->rounds) {
		struct kbuddy_round *r = &cc->loaded->round[--cc->loaded->rounds];

		WRITE_ONCE(*r->state, KBUDDY_OBJ_ALLOC);
		obj = r->obj;
	} else {
		obj = NULL;
	}
	spin_unlock(&c->lock);
	return obj;
}

/* Grow the cache by one slab and take an object from it. */
static void *alloc_new_slab(struct kbuddy_cache *c, gfp_t gfp)
{
	struct kbuddy_slab *slab = slab_new(c, gfp);
	unsigned long flags;
	void *obj;
	u8 *state;

	spin_lock_irqsave(&c->lock, flags);
	if (!slab) {
		c->count[KBUDDY_CACHE_ALLOC_FAIL]++;
		spin_unlock_irqrestore(&c->lock, flags);
		return NULL;
	}
	c->count[KBUDDY_CACHE_SLAB_NEW]++;
	c->seq++;
	list_add(&slab->node, &c->empty);
	c->nr_empty++;
	obj = slab_pop(c, slab, KBUDDY_OBJ_ALLOC, &state);
	spin_unlock_irqrestore(&c->lock, flags);
	return obj;
}

static inline bool want_zero(struct kbuddy_cache *c, gfp_t gfp)
{
	return (gfp & __GFP_ZERO) || (!c->ctor && want_init_on_alloc(gfp));
}

/*
 * The loaded magazine is empty: swap in the previous one, or go to the depot
 * and the slabs, and only then make a new slab. Entered under the CPU's
 * local_lock (@flags saved); returns with it released.
 */
static noinline void *cache_alloc_slow(struct kbuddy_cache *c,
				       struct kbuddy_cache_cpu *cc, gfp_t gfp,
				       unsigned long flags)
	kbuddy_releases_local_lock(&c->cpu->lock)
{
	struct kbuddy_magazine *mag = cc->loaded;
	void *obj;

	if (cc->previous->rounds) {
		cc->loaded = cc->previous;
		cc->previous = mag;
		mag = cc->loaded;
		mag->rounds--;
		WRITE_ONCE(*mag->round[mag->rounds].state, KBUDDY_OBJ_ALLOC);
		obj = mag->round[mag->rounds].obj;
		cc->count[KBUDDY_CPU_ALLOC]++;
		local_unlock_irqrestore(&c->cpu->lock, flags);
	} else {
		obj = alloc_refill(c, cc);
		local_unlock_irqrestore(&c->cpu->lock, flags);
		if (!obj)
			obj = alloc_new_slab(c, gfp);
	}
	if (obj && want_zero(c, gfp))
		memset(obj, 0, c->object_size);
	return obj;
}

/**
 * kbuddy_cache_alloc() - allocate an object
 * @c: the cache
 * @gfp: allocation flags; __GFP_ZERO zeroes the object (as does
 *	init_on_alloc, for a cache without a constructor)
 *
 * Served from this CPU's magazines when they hold an object: no shared lock,
 * no atomic operation. Otherwise from the depot or the slabs under the
 * cache's lock, and only then from a new slab, which may sleep if @gfp
 * allows.
 *
 * Context: As kbuddy_alloc_pages(), with a gfp that does not sleep where
 * sleeping is not allowed.
 * Return: the object, aligned as the cache was created, or NULL.
 */
void *kbuddy_cache_alloc(struct kbuddy_cache *c, gfp_t gfp)
{
	struct kbuddy_magazine *mag;
	struct kbuddy_cache_cpu *cc;
	unsigned long flags;
	void *obj;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: allocation from atomic context on PREEMPT_RT\n"))
		return NULL;
	local_lock_irqsave(&c->cpu->lock, flags);
	cc = this_cpu_ptr(c->cpu);
	mag = cc->loaded;
	if (unlikely(!mag->rounds))
		return cache_alloc_slow(c, cc, gfp, flags);
	mag->rounds--;
	/* cached -> allocated: this CPU holds the magazine. */
	WRITE_ONCE(*mag->round[mag->rounds].state, KBUDDY_OBJ_ALLOC);
	obj = mag->round[mag->rounds].obj;
	cc->count[KBUDDY_CPU_ALLOC]++;
	local_unlock_irqrestore(&c->cpu->lock, flags);
	if (unlikely(want_zero(c, gfp)))
		memset(obj, 0, c->object_size);
	return obj;
}
EXPORT_SYMBOL_GPL(kbuddy_cache_alloc);

static const char *const bad_free_reasons[KBUDDY_NR_CACHE_COUNTERS] = {
	[KBUDDY_CACHE_BAD_FREE_OUTSIDE]		= "not in the cache's pool",
	[KBUDDY_CACHE_BAD_FREE_NOT_OBJECT]	= "not in a slab",
	[KBUDDY_CACHE_BAD_FREE_WRONG_CACHE]	= "object of another cache",
	[KBUDDY_CACHE_BAD_FREE_INTERIOR]	= "not the start of an object",
	[KBUDDY_CACHE_BAD_FREE_DOUBLE]		= "object already free (double free)",
};

/**
 * kbuddy_cache_refuse_free() - count and report a bad free
 * @c: the cache charged with it
 * @obj: the pointer
 * @bad: which kind of bad free
 * @caller: the return address reported
 *
 * Context: Any context; @c must stay valid (the caller's, or read under
 * rcu_read_lock() which the caller still holds).
 * Return: -EINVAL.
 */
noinline int kbuddy_cache_refuse_free(struct kbuddy_cache *c,
				      const void *obj,
				      enum kbuddy_cache_counter bad,
				      unsigned long caller)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->count[bad]++;
	spin_unlock_irqrestore(&c->lock, flags);
	if (bad == KBUDDY_CACHE_BAD_FREE_OUTSIDE)
		pr_warn_ratelimited("cache %s: refused free of %p: %s (caller %pS)\n",
				    c->name, obj, bad_free_reasons[bad],
				    (void *)caller);
	else
		pr_warn_ratelimited("cache %s: refused free of %#llx: %s (caller %pS)\n",
				    c->name, pa(c, obj), bad_free_reasons[bad],
				    (void *)caller);
	return -EINVAL;
}

/*
 * The loaded and the previous magazine are full: park the previous one in
 * the depot and load an empty one, or return the loaded rounds to the slabs.
 * Under the CPU's local_lock.
 */
static noinline void free_spill(struct kbuddy_cache *c,
				struct kbuddy_cache_cpu *cc)
{
	struct kbuddy_magazine *empty = NULL;

	spin_lock(&c->lock);
	c->count[KBUDDY_CACHE_FREE_SLOW]++;
	if (c->nr_depot_full < c->depot_max) {
		if (c->nr_depot_empty) {
			empty = list_first_entry(&c->depot_empty,
						 struct kbuddy_magazine, node);
			list_del(&empty->node);
			c->nr_depot_empty--;
		} else {
			spin_unlock(&c->lock);
			empty = mag_alloc(c, GFP_ATOMIC);
			spin_lock(&c->lock);
		}
	}
	if (empty) {
		list_add(&cc->previous->node, &c->depot_full);
		c->nr_depot_full++;
		cc->previous = cc->loaded;
		cc->loaded = empty;
		c->seq++;
		c->count[KBUDDY_CACHE_DEPOT_EXCHANGE]++;
	} else {
		mag_flush(c, cc->loaded);
	}
	spin_unlock(&c->lock);
}

/*
 * Why @obj is no object of @c in use; called, off the fast path, only once
 * the fast path has found that it is not.
 */
static noinline int cache_free_bad(struct kbuddy_cache *c, void *obj,
				   unsigned long caller)
{
	enum kbuddy_cache_counter bad = KBUDDY_CACHE_BAD_FREE_DOUBLE;
	struct kbuddy_slab *slab;

	rcu_read_lock();
	slab = obj_slab(c->pool, obj);
	if (!slab)
		bad = kbuddy_find_region(c->pool, obj) ?
		      KBUDDY_CACHE_BAD_FREE_NOT_OBJECT :
		      KBUDDY_CACHE_BAD_FREE_OUTSIDE;
	else if (slab->cache != c)
		bad = KBUDDY_CACHE_BAD_FREE_WRONG_CACHE;
	else if (obj_index(c, slab, obj) < 0)
		bad = KBUDDY_CACHE_BAD_FREE_INTERIOR;
	rcu_read_unlock();
	return kbuddy_cache_refuse_free(c, obj, bad, caller);
}

/* The loaded magazine is full: swap, or spill to the depot, then push. */
static noinline void cache_free_slow(struct kbuddy_cache *c,
				     struct kbuddy_cache_cpu *cc, void *obj,
				     u8 *state)
{
	struct kbuddy_magazine *mag = cc->loaded;

	if (cc->previous->rounds < c->mag_size) {
		cc->loaded = cc->previous;
		cc->previous = mag;
	} else {
		free_spill(c, cc);
	}
	mag_push(cc->loaded, obj, state);
	cc->count[KBUDDY_CPU_FREE]++;
}

/*
 * Free @obj, which lies in @slab of @c. The caller is in an RCU read-side
 * section, which keeps @slab and @c alive until the object is claimed or
 * the free refused.
 */
static __always_inline int free_in_slab(struct kbuddy_cache *c,
					struct kbuddy_slab *slab, void *obj,
					unsigned long caller)
{
	struct kbuddy_cache_cpu *cc;
	struct kbuddy_magazine *mag;
	unsigned long flags;
	long idx;
	u8 *state;

	idx = obj_index(c, slab, obj);
	if (unlikely(idx < 0))
		goto bad;
	state = &slab->state[idx];
	kbuddy_race_hook("slab_free_claim");
	if (unlikely(!obj_claim(state)))
		goto bad;

	local_lock_irqsave(&c->cpu->lock, flags);
	cc = this_cpu_ptr(c->cpu);
	mag = cc->loaded;
	if (unlikely(mag->rounds == c->mag_size)) {
		cache_free_slow(c, cc, obj, state);
	} else {
		mag_push(mag, obj, state);
		cc->count[KBUDDY_CPU_FREE]++;
	}
	local_unlock_irqrestore(&c->cpu->lock, flags);
	return 0;
bad:
	return cache_free_bad(c, obj, caller);
}

static __always_inline int cache_free(struct kbuddy_cache *c, void *obj,
				      unsigned long caller)
{
	struct kbuddy_slab *slab;
	int ret;

	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: free from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	rcu_read_lock();
	slab = obj_slab(c->pool, obj);
	kbuddy_race_hook("obj_lookup");
	if (unlikely(!slab || slab->cache != c))
		ret = cache_free_bad(c, obj, caller);
	else
		ret = free_in_slab(c, slab, obj, caller);
	rcu_read_unlock();
	return ret;
}

/**
 * kbuddy_obj_free() - free an object whose slab the caller looked up
 * @c: the cache, read from @slab
 * @slab: the slab holding @obj
 * @obj: the pointer
 * @caller: the return address reported for a bad free
 *
 * For kbuddy_free(), which finds the slab once to choose between an object
 * and a whole block.
 *
 * Context: Any context kbuddy_free() allows, inside the rcu_read_lock()
 * section in which @slab was looked up.
 * Return: 0, or -EINVAL for a refused free.
 */
int kbuddy_obj_free(struct kbuddy_cache *c, struct kbuddy_slab *slab,
		    void *obj, unsigned long caller)
{
	return free_in_slab(c, slab, obj, caller);
}

/**
 * kbuddy_cache_free() - free an object
 * @c: the cache it came from
 * @obj: the object
 *
 * A pointer that is not an object of @c now in use - outside the pool, not
 * in a slab, of another cache, inside an object, or already free - is
 * refused: the cache is unchanged, a bad_free_* counter goes up and a
 * ratelimited warning names the caller.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a refused free.
 */
int kbuddy_cache_free(struct kbuddy_cache *c, void *obj)
{
	return cache_free(c, obj, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kbuddy_cache_free);

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
	slab = obj_slab(pool, obj);
	if (slab) {
		kbuddy_race_hook("obj_lookup");
		idx = obj_index(slab->cache, slab, obj);
		if (idx >= 0 && READ_ONCE(slab->state[idx]) == KBUDDY_OBJ_ALLOC)
			c = slab->cache;
	}
	rcu_read_unlock();
	return c;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_obj_cache, KBUDDY_INTERNAL);

/* ==== Drain, shrink, create, destroy ===================================== */

/* Move one CPU's magazines' rounds back to the slabs. Their holder only. */
static void drain_cpu(struct kbuddy_cache *c, struct kbuddy_cache_cpu *cc)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	mag_flush(c, cc->loaded);
	mag_flush(c, cc->previous);
	spin_unlock_irqrestore(&c->lock, flags);
}

/**
 * kbuddy_cache_drain_cpu() - empty the magazines of a CPU that is dead
 * @c: the cache
 * @cpu: the CPU; nothing runs on it any more
 *
 * Context: Process context (the CPU hotplug "dead" callback).
 */
void kbuddy_cache_drain_cpu(struct kbuddy_cache *c, int cpu)
{
	drain_cpu(c, per_cpu_ptr(c->cpu, cpu));
}

/* Runs on each CPU in process context: empty its own magazines. */
static void drain_this_cpu(void *arg)
{
	struct kbuddy_cache *c = arg;
	unsigned long flags;

	local_lock_irqsave(&c->cpu->lock, flags);
	drain_cpu(c, this_cpu_ptr(c->cpu));
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

/*
 * Empty every magazine: each online CPU its own, from a work item, then the
 * depot, one magazine per lock hold. Offline CPUs were emptied when they
 * went down; @dead_too empties them again, for a cache being destroyed
 * (a CPU may have died after its pool left the list the hotplug callback
 * walks). Process context.
 */
static void drain_all(struct kbuddy_cache *c, bool dead_too)
{
	struct kbuddy_magazine *mag, *tmp;
	unsigned long flags;
	LIST_HEAD(spare);
	int cpu;

	cpus_read_lock();
	kbuddy_run_on_cpus(drain_this_cpu, c);
	if (dead_too)
		for_each_possible_cpu(cpu)
			if (!cpu_online(cpu))
				drain_cpu(c, per_cpu_ptr(c->cpu, cpu));
	cpus_read_unlock();

	for (;;) {
		spin_lock_irqsave(&c->lock, flags);
		mag = list_first_entry_or_null(&c->depot_full,
					       struct kbuddy_magazine, node);
		if (mag) {
			list_del(&mag->node);
			c->nr_depot_full--;
			mag_flush(c, mag);
		} else {
			list_splice_init(&c->depot_empty, &spare);
			c->nr_depot_empty = 0;
		}
		c->seq++;
		spin_unlock_irqrestore(&c->lock, flags);
		if (!mag)
			break;
		kfree(mag);
	}
	list_for_each_entry_safe(mag, tmp, &spare, node)
		kfree(mag);
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
	struct kbuddy_slab *slab, *tmp;
	unsigned long flags, n = 0;
	LIST_HEAD(victims);

	drain_all(c, false);
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
EXPORT_SYMBOL_GPL(kbuddy_cache_shrink);

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

static void free_cpu_magazines(struct kbuddy_cache *c)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kbuddy_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		kfree(cc->loaded);
		kfree(cc->previous);
	}
	free_percpu(c->cpu);
}

/* After a grace period: no lockless lookup can still hold @c. */
static void cache_free_rcu(struct rcu_head *rcu)
{
	struct kbuddy_cache *c = container_of(rcu, struct kbuddy_cache, rcu);

	free_cpu_magazines(c);
	kfree(c);
}

/**
 * kbuddy_cache_create_flags() - kbuddy_cache_create() with private flags
 * @pool: the pool
 * @name: as kbuddy_cache_create()
 * @size: as kbuddy_cache_create()
 * @align: as kbuddy_cache_create()
 * @flags: KBUDDY_CACHE_HWCACHE_ALIGN and KBUDDY_CACHE_KMALLOC
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
	int cpu;

	top = min_t(unsigned int, KBUDDY_SLAB_MAX_ORDER, pool->max_order - 1);
	if (!name || !cache_name_ok(name) || !size ||
	    (align && (!is_power_of_2(align) || align > PAGE_SIZE)) ||
	    (flags & ~(KBUDDY_CACHE_HWCACHE_ALIGN | KBUDDY_CACHE_KMALLOC)) ||
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
	if (ctor) {
		offset = ALIGN(size, sizeof(void *));
		stride = offset + sizeof(void *);
	} else {
		offset = 0;
		stride = max_t(unsigned int, size, sizeof(void *));
	}
	stride = ALIGN(stride, align);
	order = slab_order(stride, top);
	if (PAGE_SIZE << order < stride) {
		pr_err("pool %s: cache %s: objects of %u bytes do not fit a slab\n",
		       pool->name, name, stride);
		return ERR_PTR(-EINVAL);
	}

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
	c->mag_size = stride <= 256 ? 32 : stride <= 1024 ? 16 : 8;
	c->depot_max = 2 * num_possible_cpus() + 2;
	c->flags = flags;
	c->ctor = ctor;
	c->random = get_random_long();
	c->reciprocal_size = reciprocal_value(stride);
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->partial);
	INIT_LIST_HEAD(&c->full);
	INIT_LIST_HEAD(&c->empty);
	INIT_LIST_HEAD(&c->depot_full);
	INIT_LIST_HEAD(&c->depot_empty);
	strscpy(c->name, name, sizeof(c->name));

	c->cpu = alloc_percpu(struct kbuddy_cache_cpu);
	if (!c->cpu)
		goto err_free;
	for_each_possible_cpu(cpu) {
		struct kbuddy_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		local_lock_init(&cc->lock);
		cc->loaded = mag_alloc(c, GFP_KERNEL);
		cc->previous = mag_alloc(c, GFP_KERNEL);
		if (!cc->loaded || !cc->previous)
			goto err_cpu;
	}

	mutex_lock(&pool->caches_lock);
	list_for_each_entry(other, &pool->caches, node) {
		if (!strcmp(other->name, name)) {
			mutex_unlock(&pool->caches_lock);
			pr_err("pool %s: cache %s already exists\n", pool->name,
			       name);
			free_cpu_magazines(c);
			kfree(c);
			return ERR_PTR(-EEXIST);
		}
	}
	list_add_tail(&c->node, &pool->caches);
	mutex_unlock(&pool->caches_lock);
	return c;

err_cpu:
	free_cpu_magazines(c);
err_free:
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
 *	the largest power-of-two fraction of one the object fits in); any
 *	other bit is refused
 * @ctor: called on each object once, when its slab is made, or NULL; an
 *	object must be freed in its constructed state (Bonwick). With a
 *	constructor the free pointer is kept after the object, not in it.
 *
 * Context: Process context; may sleep.
 * Return: the cache, ERR_PTR(-EINVAL) for bad arguments, ERR_PTR(-EEXIST)
 * if the name is taken in the pool, or ERR_PTR(-ENOMEM).
 */
struct kbuddy_cache *kbuddy_cache_create(struct kbuddy_pool *pool,
					 const char *name, unsigned int size,
					 unsigned int align, unsigned long flags,
					 void (*ctor)(void *obj))
{
	if (flags & ~KBUDDY_CACHE_HWCACHE_ALIGN) {
		pr_err("pool %s: cache %s: unknown flags %#lx (only KBUDDY_CACHE_HWCACHE_ALIGN)\n",
		       pool->name, name ? name : "(null)", flags);
		return ERR_PTR(-EINVAL);
	}
	return kbuddy_cache_create_flags(pool, name, size, align, flags, ctor);
}
EXPORT_SYMBOL_GPL(kbuddy_cache_create);

/*
 * Count the objects still in use, after a drain, and report up to 16 of
 * them. The count is a counter; each slab on the partial and full lists
 * holds an object in use, so at most 16 slabs are read under the lock.
 * Process context.
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
					c->name, pa(c, slab->base + i * c->size));
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
	drain_all(c, true);
	used = report_in_use(c, true);
	if (used) {
		pr_warn("cache %s: not destroyed: %lu objects still allocated\n",
			c->name, used);
		return -EBUSY;
	}
	kbuddy_cache_shrink(c);
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

	drain_all(c, true);
	used = report_in_use(c, true);
	if (used)
		pr_warn("cache %s: destroyed with %lu objects still allocated\n",
			c->name, used);
	kbuddy_cache_shrink(c);
	/*
	 * Slabs still in use stay allocated in the pool, which reports them
	 * as it goes; their descriptors go now.
	 */
	list_splice_init(&c->full, &c->partial);
	list_for_each_entry_safe(slab, tmp, &c->partial, node)
		kfree_rcu(slab, rcu);
	cache_release(c);
}

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
	unsigned long flags, cached = 0;
	unsigned int i;
	int cpu;

	memset(info, 0, sizeof(*info));
	spin_lock_irqsave(&c->lock, flags);
	/*
	 * Other CPUs' magazines change meanwhile: a snapshot, clamped. Under
	 * the lock no magazine moves to the depot, where a drain could free
	 * it under this read.
	 */
	for_each_possible_cpu(cpu) {
		struct kbuddy_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		cached += READ_ONCE(READ_ONCE(cc->loaded)->rounds);
		cached += READ_ONCE(READ_ONCE(cc->previous)->rounds);
		for (i = 0; i < KBUDDY_NR_CPU_COUNTERS; i++)
			info->cpu_count[i] += READ_ONCE(cc->count[i]);
	}
	cached += c->nr_depot_full * c->mag_size;
	info->cached_objs = min(cached, c->nr_inuse);
	info->active_objs = c->nr_inuse - info->cached_objs;
	info->active_slabs = c->nr_partial + c->nr_full;
	info->num_slabs = info->active_slabs + c->nr_empty;
	info->num_objs = info->num_slabs * c->objects;
	memcpy(info->count, c->count, sizeof(info->count));
	spin_unlock_irqrestore(&c->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_cache_info, KBUDDY_INTERNAL);

/* Problems found while validating; filled from several CPUs. */
struct cache_check {
	struct kbuddy_cache *c;
	kbuddy_report_fn report;
	void *ctx;
	spinlock_t lock; /* protects the fields below */
	unsigned long problems;
	char msg[4][96];
};

static __printf(2, 3) void check_problem(struct cache_check *cc,
					 const char *fmt, ...)
{
	unsigned long flags;
	va_list args;

	spin_lock_irqsave(&cc->lock, flags);
	if (cc->problems < ARRAY_SIZE(cc->msg)) {
		va_start(args, fmt);
		vscnprintf(cc->msg[cc->problems], sizeof(cc->msg[0]), fmt, args);
		va_end(args);
	}
	cc->problems++;
	spin_unlock_irqrestore(&cc->lock, flags);
}

/* Every round of @mag is a CACHED object of the cache. */
static void check_magazine(struct cache_check *cc, struct kbuddy_magazine *mag,
			   const char *where)
{
	struct kbuddy_cache *c = cc->c;
	unsigned int i;

	if (mag->rounds > c->mag_size) {
		check_problem(cc, "cache %s: %s magazine holds %u rounds\n",
			      c->name, where, mag->rounds);
		return;
	}
	for (i = 0; i < mag->rounds; i++) {
		struct kbuddy_round *r = &mag->round[i];
		struct kbuddy_slab *slab = obj_slab(c->pool, r->obj);
		long idx = slab && slab->cache == c ?
			   obj_index(c, slab, r->obj) : -1;

		if (idx < 0 || &slab->state[idx] != r->state ||
		    *r->state != KBUDDY_OBJ_CACHED)
			check_problem(cc, "cache %s: %s magazine: %p is no free object of it\n",
				      c->name, where, r->obj);
	}
}

/* Runs on each CPU in process context: check its own magazines. */
static void check_this_cpu(void *arg)
{
	struct cache_check *cc = arg;
	struct kbuddy_cache_cpu *cpu;
	unsigned long flags;

	local_lock_irqsave(&cc->c->cpu->lock, flags);
	cpu = this_cpu_ptr(cc->c->cpu);
	check_magazine(cc, cpu->loaded, "per-CPU");
	check_magazine(cc, cpu->previous, "per-CPU");
	local_unlock_irqrestore(&cc->c->cpu->lock, flags);
}

static void check_slab(struct cache_check *cc, struct kbuddy_slab *slab,
		       unsigned long *seen)
{
	struct kbuddy_cache *c = cc->c;
	unsigned long nfree = 0, chain = 0;
	unsigned int i;
	void *obj;

	if (kbuddy_page_slab(c->pool, slab->base) != slab ||
	    kbuddy_page_slab(c->pool, slab->base + slab_bytes(c) - 1) != slab)
		check_problem(cc, "cache %s: slab %#llx: its pages do not point to it\n",
			      c->name, pa(c, slab->base));
	for (i = 0; i < c->objects; i++)
		nfree += slab->state[i] == KBUDDY_OBJ_FREE;
	if (nfree != c->objects - slab->inuse)
		check_problem(cc, "cache %s: slab %#llx: %lu free objects, inuse says %u of %u\n",
			      c->name, pa(c, slab->base), nfree, slab->inuse,
			      c->objects);
	bitmap_zero(seen, c->objects);
	for (obj = slab->freelist; obj; obj = get_freeptr(c, obj)) {
		long idx = obj_index(c, slab, obj);

		if (idx < 0 || slab->state[idx] != KBUDDY_OBJ_FREE ||
		    test_and_set_bit(idx, seen)) {
			check_problem(cc, "cache %s: slab %#llx: free pointer %p leads astray\n",
				      c->name, pa(c, slab->base), obj);
			return;
		}
		chain++;
	}
	if (chain != nfree)
		check_problem(cc, "cache %s: slab %#llx: freelist holds %lu of %lu free objects\n",
			      c->name, pa(c, slab->base), chain, nfree);
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
		check_problem(cc, "cache %s: slab %#llx, %u of %u in use, on the %s list\n",
			      c->name, pa(c, slab->base), slab->inuse,
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
			check_problem(cc, "cache %s: %lu on the %s list, count says %lu\n",
				      c->name, w->n, walk_names[w->list], nr);
		w->list++;
		w->pos = NULL;
		w->n = 0;
		return w->list >= ARRAY_SIZE(walk_names);
	}
	if (w->list < 2) {
		struct kbuddy_magazine *mag = list_entry(w->pos, struct kbuddy_magazine,
							 node);

		if (w->list == 0)
			check_magazine(cc, mag, "depot");
		else if (mag->rounds)
			check_problem(cc, "cache %s: empty depot magazine holds %u rounds\n",
				      c->name, mag->rounds);
	} else {
		struct kbuddy_slab *slab = list_entry(w->pos, struct kbuddy_slab, node);

		check_slab_list(cc, slab, head, walk_names[w->list]);
		check_slab(cc, slab, seen);
	}
	w->pos = w->pos->next;
	if (++w->n > nr + 1) {
		check_problem(cc, "cache %s: the %s list loops\n", c->name,
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
		if (cc->problems)
			return true;
	}
	return false;
}

/**
 * kbuddy_cache_validate() - cross-check a cache
 * @c: the cache
 * @report: called once per problem (at most 4 are described), or NULL
 * @ctx: passed to @report
 *
 * Checks that every slab is on the list its use count says, that its free
 * object count agrees, that its free pointers stay inside it and reach
 * exactly its free objects, that its pages point back to it, and that every
 * magazine, per-CPU and in the depot, holds only free objects of the cache.
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
	struct cache_check *cc;
	unsigned long *seen;
	unsigned int i;
	long problems;
	int cpu;

	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	seen = bitmap_zalloc(c->objects, GFP_KERNEL);
	if (!cc || !seen) {
		kfree(cc);
		bitmap_free(seen);
		if (report)
			kbuddy_report(report, ctx, "cache %s: not checked: no memory\n",
				      c->name);
		return -ENOMEM;
	}
	cc->c = c;
	spin_lock_init(&cc->lock);

	kbuddy_run_on_cpus(check_this_cpu, cc);
	/* Offline CPUs were emptied when they went down. */
	for_each_possible_cpu(cpu) {
		if (cpu_online(cpu))
			continue;
		if (per_cpu_ptr(c->cpu, cpu)->loaded->rounds ||
		    per_cpu_ptr(c->cpu, cpu)->previous->rounds)
			check_problem(cc, "cache %s: offline CPU %d holds objects\n",
				      c->name, cpu);
	}

	if (!cache_walk(cc, seen) && !cc->problems) {
		if (report)
			kbuddy_report(report, ctx, "cache %s: not checked: always changing\n",
				      c->name);
		kfree(cc);
		bitmap_free(seen);
		return -EBUSY;
	}

	problems = cc->problems;
	for (i = 0; report && i < min_t(long, problems, ARRAY_SIZE(cc->msg)); i++)
		kbuddy_report(report, ctx, "%s", cc->msg[i]);
	kfree(cc);
	bitmap_free(seen);
	return problems;
}

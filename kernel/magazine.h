/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - the object fast paths (magazine.c), inline for their two users:
 * kbuddy_cache_alloc() and kbuddy_cache_free() in magazine.c, and
 * kbuddy_malloc() and kbuddy_free() in kmalloc.c, so that a malloc of a
 * size class costs no more calls than a cache allocation. The slow paths
 * stay out of line in magazine.c.
 */
#ifndef _KBUDDY_MAGAZINE_H
#define _KBUDDY_MAGAZINE_H

#include <linux/gfp.h>
#include <linux/local_lock.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "compat.h"
#include "internal.h"
#include "leak.h"

void *kbuddy_cache_alloc_slow(struct kbuddy_cache *c,
			      struct kbuddy_mag_cpu *cc, gfp_t gfp,
			      unsigned long flags, unsigned long caller)
	kbuddy_releases_local_lock(&c->cpu->lock);
void kbuddy_cache_free_slow(struct kbuddy_cache *c, struct kbuddy_mag_cpu *cc,
			    void *obj, struct kbuddy_slab *slab, u8 *state);

/* Whether an object of @c handed out for @gfp is zeroed first. */
static inline bool want_zero(struct kbuddy_cache *c, gfp_t gfp)
{
	return (gfp & __GFP_ZERO) || (!c->ctor && want_init_on_alloc(gfp));
}

/* Push one object into @mag; the caller checked there is room. */
static inline void mag_push(struct kbuddy_magazine *mag, void *obj,
			    struct kbuddy_slab *slab, u8 *state)
{
	struct kbuddy_round *r = &mag->round[mag->rounds++];

	r->obj = obj;
	r->state = state;
	r->slab = slab;
}

/*
 * Pop the top object of @mag, which holds one, for the caller: cached ->
 * allocated, a plain store, as @mag's holder (its CPU, or the depot's lock).
 */
static inline void *mag_pop(struct kbuddy_magazine *mag)
{
	struct kbuddy_round *r = &mag->round[--mag->rounds];
	void *obj = r->obj;

	WRITE_ONCE(*r->state, KBUDDY_OBJ_ALLOC);
	kbuddy_leak_clear(r, sizeof(*r));
	return obj;
}

/*
 * kbuddy_obj_alloc() - kbuddy_cache_alloc() once the context is allowed
 * @c: the cache
 * @gfp: allocation flags
 *
 * Served from this CPU's loaded magazine when it holds an object: no shared
 * lock, no atomic operation; else kbuddy_cache_alloc_slow().
 *
 * Context: As kbuddy_cache_alloc(), which checked kbuddy_context_refused().
 * Return: the object, or NULL.
 */
static __always_inline void *kbuddy_obj_alloc(struct kbuddy_cache *c,
					      gfp_t gfp)
{
	struct kbuddy_magazine *mag;
	struct kbuddy_mag_cpu *cc;
	unsigned long flags;
	void *obj;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	local_lock_irqsave(&c->cpu->lock, flags);
	cc = this_cpu_ptr(c->cpu);
	mag = cc->loaded;
	if (unlikely(!mag->rounds))
		return kbuddy_cache_alloc_slow(c, cc, gfp, flags, _RET_IP_);
	/* cached -> allocated: this CPU holds the magazine. */
	obj = mag_pop(mag);
	cc->count[KBUDDY_MAG_ALLOC_FAST]++;
	local_unlock_irqrestore(&c->cpu->lock, flags);
	kbuddy_debug_alloc(c, obj, _RET_IP_);
	if (unlikely(want_zero(c, gfp)))
		memset(obj, 0, c->object_size);
	return obj;
}

/*
 * kbuddy_obj_free() - free an object whose slab the caller looked up
 * @c: the cache, read from @slab
 * @slab: the slab holding @obj
 * @obj: the pointer
 * @caller: the return address reported for a bad free, where the debug
 *	checks' owner record of the free starts
 *
 * @obj must be the start of an object of @slab that is allocated: it is
 * claimed from ALLOC by one cmpxchg of its state byte, so of two racing
 * frees exactly one wins, and pushed into this CPU's loaded magazine (or,
 * if that is full, kbuddy_cache_free_slow()). Anything else is refused by
 * kbuddy_cache_bad_free(), the cache unchanged.
 *
 * Context: Any context kbuddy_cache_free() allows, inside the RCU
 * read-side section (kbuddy_lookup_begin()) in which @slab was looked up,
 * which keeps @slab and @c alive until the object is claimed or the free
 * refused.
 * Return: 0, or -EINVAL for a refused free.
 */
static __always_inline int kbuddy_obj_free(struct kbuddy_cache *c,
					   struct kbuddy_slab *slab, void *obj,
					   unsigned long caller)
{
	struct kbuddy_mag_cpu *cc;
	struct kbuddy_magazine *mag;
	unsigned long flags;
	long idx;
	u8 *state;

	idx = kbuddy_obj_index(c, slab, obj);
	if (unlikely(idx < 0))
		goto bad;
	state = &slab->state[idx];
	kbuddy_race_hook("slab_free_claim");
	if (unlikely(!kbuddy_obj_claim(state)))
		goto bad;
	kbuddy_leak_free(c->pool, obj);
	kbuddy_debug_free(c, obj, caller);

	local_lock_irqsave(&c->cpu->lock, flags);
	cc = this_cpu_ptr(c->cpu);
	mag = cc->loaded;
	if (unlikely(mag->rounds == c->mag_size)) {
		kbuddy_cache_free_slow(c, cc, obj, slab, state);
	} else {
		mag_push(mag, obj, slab, state);
		cc->count[KBUDDY_MAG_FREE_FAST]++;
	}
	local_unlock_irqrestore(&c->cpu->lock, flags);
	return 0;
bad:
	return kbuddy_cache_bad_free(c, obj, caller);
}

#endif /* _KBUDDY_MAGAZINE_H */

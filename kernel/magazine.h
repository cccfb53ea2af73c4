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
#include "histogram.h"
#include "internal.h"
#include "leak.h"

void *kbuddy_cache_alloc_slow(struct kbuddy_cache *c, gfp_t gfp,
			      unsigned long caller);
void kbuddy_cache_free_slow(struct kbuddy_cache *c, void *obj,
			    struct kbuddy_slab *slab, u8 *state);
void kbuddy_cache_free_nocpu(struct kbuddy_cache *c, struct kbuddy_slab *slab,
			     void *obj, u8 *state);

/*
 * The fast paths' section on a CPU's magazines: preemption off, so that
 * only an interrupt or softirq on this CPU can come between a fast path's
 * read of its CPU's top and its this_cpu_cmpxchg() of it, which then
 * fails; on PREEMPT_RT the CPU's local_lock, which the slow paths also
 * take, as SLUB's fast paths do there (see struct kbuddy_mag_cpu).
 */
static __always_inline void mag_fast_begin(struct kbuddy_cache *c)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		local_lock(&c->cpu->lock);
	else
		preempt_disable();
}

static __always_inline void mag_fast_end(struct kbuddy_cache *c)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		local_unlock(&c->cpu->lock);
	else
		preempt_enable();
}

/*
 * The free's section: a free runs inside kbuddy_lookup_begin(), which on a
 * kernel without PREEMPT_RT already disabled preemption - all that
 * mag_fast_begin() would add - so only PREEMPT_RT takes the local_lock.
 */
static __always_inline void mag_free_begin(struct kbuddy_cache *c)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		local_lock(&c->cpu->lock);
	else
		lockdep_assert_preemption_disabled();
}

static __always_inline void mag_free_end(struct kbuddy_cache *c)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		local_unlock(&c->cpu->lock);
}

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
 * @caller: the allocating function's caller, for the debug checks' owner
 *	record
 *
 * Served from this CPU's loaded magazine when it holds an object, without
 * a lock and with interrupts on, as SLUB's fast path: read the CPU's top
 * (transaction id and rounds), read the top round, then move the top from
 * (id, n) to (id + 1, n - 1) with one this_cpu_cmpxchg(). An interrupt on
 * this CPU that allocated or freed in between changed the id: read again.
 * The round read is ours once the cmpxchg succeeds - cached -> allocated.
 * An empty magazine: kbuddy_cache_alloc_slow().
 *
 * Context: As kbuddy_cache_alloc(), which checked kbuddy_context_refused().
 * Return: the object, or NULL.
 */
static __always_inline void *kbuddy_obj_alloc(struct kbuddy_cache *c,
					      gfp_t gfp, unsigned long caller)
{
	u64 t0 = kbuddy_hist_begin(c->pool);
	struct kbuddy_mag_cpu *cc;
	struct kbuddy_round *r;
	unsigned long top;
	void *obj;
	u8 *state;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	mag_fast_begin(c);
	cc = this_cpu_ptr(c->cpu);
	do {
		top = READ_ONCE(cc->top);
		if (unlikely(!kbuddy_mag_top_rounds(top))) {
			mag_fast_end(c);
			obj = kbuddy_cache_alloc_slow(c, gfp, caller);
			kbuddy_hist_end(c->pool, KBUDDY_HIST_ALLOC,
					KBUDDY_HIST_SLAB_SLOW, t0);
			return obj;
		}
		r = &cc->loaded->round[kbuddy_mag_top_rounds(top) - 1];
		obj = READ_ONCE(r->obj);
		state = READ_ONCE(r->state);
		kbuddy_race_hook("mag_pop");
	} while (unlikely(this_cpu_cmpxchg(c->cpu->top, top,
					   top + KBUDDY_MAG_TID_STEP - 1) != top));
	/* cached -> allocated: the cmpxchg made the round this call's. */
	WRITE_ONCE(*state, KBUDDY_OBJ_ALLOC);
	kbuddy_leak_forget_round(r, obj);
	this_cpu_inc(c->cpu->count[KBUDDY_MAG_ALLOC_FAST]);
	mag_fast_end(c);
	kbuddy_debug_alloc(c, obj, caller);
	if (unlikely(want_zero(c, gfp)))
		memset(obj, 0, c->object_size);
	kbuddy_hist_end(c->pool, KBUDDY_HIST_ALLOC, KBUDDY_HIST_SLAB_FAST, t0);
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
 * frees exactly one wins, and pushed into this CPU's loaded magazine
 * without a lock, as kbuddy_obj_alloc() pops (or, if that is full,
 * kbuddy_cache_free_slow()). Anything else is refused by
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
	u64 t0 = kbuddy_hist_begin(c->pool);
	struct kbuddy_mag_cpu *cc;
	struct kbuddy_round *r;
	unsigned long top;
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

	/*
	 * Write the round above the top, then publish it with the cmpxchg;
	 * an interrupt that popped meanwhile made the cmpxchg fail, and the
	 * round is written again at the new top. A round is three words: an
	 * interrupt must not push while this push writes them (it would
	 * publish a slot whose words this push then overwrites), so @pushing
	 * sends such an interrupt's free to the slab. Only this CPU's task
	 * context changes which magazine is loaded (kbuddy_cache_free_slow()),
	 * never while this section runs.
	 */
	mag_free_begin(c);
	cc = this_cpu_ptr(c->cpu);
	if (unlikely(READ_ONCE(cc->pushing))) {
		mag_free_end(c);
		kbuddy_cache_free_nocpu(c, slab, obj, state);
		kbuddy_hist_end(c->pool, KBUDDY_HIST_FREE,
				KBUDDY_HIST_SLAB_SLOW, t0);
		return 0;
	}
	WRITE_ONCE(cc->pushing, 1);
	barrier();
	do {
		top = READ_ONCE(cc->top);
		if (unlikely(kbuddy_mag_top_rounds(top) == c->mag_size)) {
			barrier();
			WRITE_ONCE(cc->pushing, 0);
			mag_free_end(c);
			kbuddy_cache_free_slow(c, obj, slab, state);
			kbuddy_hist_end(c->pool, KBUDDY_HIST_FREE,
					KBUDDY_HIST_SLAB_SLOW, t0);
			return 0;
		}
		r = &cc->loaded->round[kbuddy_mag_top_rounds(top)];
		WRITE_ONCE(r->obj, obj);
		kbuddy_race_hook("mag_push_words");
		WRITE_ONCE(r->state, state);
		WRITE_ONCE(r->slab, slab);
		kbuddy_race_hook("mag_push");
		if (likely(this_cpu_cmpxchg(c->cpu->top, top,
					    top + KBUDDY_MAG_TID_STEP + 1) == top))
			break;
		/* Above the top now: no stale reference for kmemleak. */
		kbuddy_leak_forget_round(r, obj);
	} while (1);
	barrier();
	WRITE_ONCE(cc->pushing, 0);
	this_cpu_inc(c->cpu->count[KBUDDY_MAG_FREE_FAST]);
	mag_free_end(c);
	kbuddy_hist_end(c->pool, KBUDDY_HIST_FREE, KBUDDY_HIST_SLAB_FAST, t0);
	return 0;
bad:
	return kbuddy_cache_bad_free(c, obj, caller);
}

#endif /* _KBUDDY_MAGAZINE_H */

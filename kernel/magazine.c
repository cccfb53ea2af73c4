// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - the magazine layer of slab caches (Bonwick's magazines and depot).
 *
 * This file owns a cache's per-CPU magazines (struct kbuddy_mag_cpu: a
 * loaded and a previous one per CPU), its depot of full and empty
 * magazines, and the paths through them: kbuddy_cache_alloc() and
 * kbuddy_cache_free() (their fast paths inline in magazine.h, which
 * kmalloc.c shares), the refill of a CPU from the
 * depot or the slabs and its spill to them, the drains of one CPU and of
 * all, and the check of every magazine. It is to slab.c what pcp.c is to
 * buddy.c: slabs, freelists and the cache's lifecycle are slab.c's, reached
 * through the few kbuddy_slab_*() calls declared in internal.h, under the
 * cache's lock.
 *
 * The common allocation and free touch only the CPU's own magazines,
 * without a lock and with interrupts on, as SLUB's fast paths: one
 * this_cpu_cmpxchg() of the CPU's top (the loaded magazine's count and a
 * transaction id) with preemption off (see struct kbuddy_mag_cpu); on
 * PREEMPT_RT under the CPU's local_lock, as SLUB does there. The slow
 * paths change the magazines under that local_lock with interrupts off,
 * from task context only; an interrupt's slow path goes to the slabs. A
 * free claims its object with one cmpxchg of the object's state byte from
 * ALLOC (kbuddy_obj_claim(), see "Ownership" in internal.h), so of two CPUs
 * freeing one object exactly one wins. Another CPU never touches a CPU's
 * magazines: drains and checks run on each CPU from a work item
 * (kbuddy_run_on_cpus()), and a dead CPU's magazines are emptied by the
 * hotplug callback.
 */

#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "compat.h"
#include "internal.h"
#include "magazine.h"
#include "report.h"

/* ==== Magazines ========================================================== */

static struct kbuddy_magazine *mag_alloc(struct kbuddy_cache *c, gfp_t gfp)
{
	struct kbuddy_magazine *mag;

	if (kbuddy_should_fail(&c->pool->fault, KBUDDY_FAULT_MAGAZINE,
			       struct_size(mag, round, c->mag_size)))
		return NULL;
	mag = kmalloc(struct_size(mag, round, c->mag_size), gfp | __GFP_NOWARN);
	if (mag) {
		mag->rounds = 0;
		INIT_LIST_HEAD(&mag->node);
	}
	return mag;
}

/* Return every round of @mag to its slab. The caller holds the cache's lock. */
static void mag_flush(struct kbuddy_cache *c, struct kbuddy_magazine *mag)
{
	while (mag->rounds) {
		struct kbuddy_round *r = &mag->round[--mag->rounds];

		kbuddy_slab_obj_put(c, r->slab, r->obj, r->state);
		kbuddy_leak_clear(r, sizeof(*r));
	}
}

/**
 * kbuddy_mag_init() - give a new cache its magazine layer
 * @c: the cache, its object size set, not yet visible to anyone
 *
 * Sizes the magazines (Bonwick: more rounds for smaller objects) and the
 * depot, and gives every possible CPU an empty loaded and previous
 * magazine.
 *
 * Context: Process context; may sleep.
 * Return: 0 or -ENOMEM; on failure kbuddy_mag_fini() frees what was made.
 */
int kbuddy_mag_init(struct kbuddy_cache *c)
{
	int cpu;

	c->mag_size = c->size <= 256 ? 32 : c->size <= 1024 ? 16 : 8;
	c->depot_max = 2 * num_possible_cpus() + 2;
	INIT_LIST_HEAD(&c->depot_full);
	INIT_LIST_HEAD(&c->depot_empty);
	c->cpu = alloc_percpu(struct kbuddy_mag_cpu);
	if (!c->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct kbuddy_mag_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		local_lock_init(&cc->lock);
		cc->top = 0;
		cc->loaded = mag_alloc(c, GFP_KERNEL);
		cc->previous = mag_alloc(c, GFP_KERNEL);
		if (!cc->loaded || !cc->previous)
			return -ENOMEM;
	}
	return 0;
}

/**
 * kbuddy_mag_fini() - free a cache's per-CPU magazines
 * @c: the cache; its magazines and depot drained, or never used
 *
 * Context: Any context that may kfree().
 */
void kbuddy_mag_fini(struct kbuddy_cache *c)
{
	int cpu;

	if (!c->cpu)
		return;
	for_each_possible_cpu(cpu) {
		struct kbuddy_mag_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		kfree(cc->loaded);
		kfree(cc->previous);
	}
	free_percpu(c->cpu);
}

/* ==== Allocation and free ================================================ */

/* A magazine's rounds must fit below the transaction id in @top. */
static_assert(32 < KBUDDY_MAG_TID_STEP);

/*
 * A slow path, a drain or a check begins: the loaded magazine's count, kept
 * in the CPU's top while it is loaded, into its ->rounds. Under the CPU's
 * lock with interrupts off (or the CPU dead): no fast path can run there.
 */
static void mag_sync(struct kbuddy_mag_cpu *cc)
{
	cc->loaded->rounds = kbuddy_mag_top_rounds(cc->top);
}

/*
 * ... and ends: the (maybe other) loaded magazine's count back into the
 * top, with the next transaction id.
 */
static void mag_publish(struct kbuddy_mag_cpu *cc)
{
	WRITE_ONCE(cc->top, (cc->top & ~(KBUDDY_MAG_TID_STEP - 1)) +
			    KBUDDY_MAG_TID_STEP + cc->loaded->rounds);
}

/*
 * Whether this slow path may change the CPU's magazines: not from an
 * interrupt or softirq on a normal kernel, which may have come between
 * the read of the loaded magazine and the cmpxchg of a fast path in the
 * task it interrupted (that fast path writes into the loaded magazine).
 * On PREEMPT_RT the fast paths hold the CPU's lock instead.
 */
static bool mag_slow_may_swap(void)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) || in_task();
}

/*
 * The loaded and the previous magazine are empty: swap the previous for a
 * full one from the depot, or fill the loaded one from the slabs. Interrupts
 * are off. Return: the object, or NULL if the slabs have no free object.
 */
static noinline void *alloc_refill(struct kbuddy_cache *c,
				   struct kbuddy_mag_cpu *cc)
{
	struct kbuddy_magazine *mag;
	void *obj;

	spin_lock(&c->lock);	/* interrupts are off */
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
		mag = cc->loaded;
		if (mag->rounds < c->mag_size / 2)
			mag->rounds += kbuddy_slab_obj_get(c, smp_processor_id(),
							   mag->round + mag->rounds,
							   c->mag_size / 2 - mag->rounds);
	}
	obj = cc->loaded->rounds ? mag_pop(cc->loaded) : NULL;
	spin_unlock(&c->lock);
	return obj;
}

/*
 * kbuddy_cache_alloc_nocpu() - an allocation whose slow path may not change
 * its CPU's magazines (see mag_slow_may_swap()): one object straight from
 * the slabs under the cache's lock, or from a new slab.
 */
static noinline void *kbuddy_cache_alloc_nocpu(struct kbuddy_cache *c,
					       gfp_t gfp)
{
	struct kbuddy_round r;
	unsigned long flags;
	void *obj = NULL;

	spin_lock_irqsave(&c->lock, flags);
	c->count[KBUDDY_CACHE_NOCPU]++;
	if (kbuddy_slab_obj_get(c, raw_smp_processor_id(), &r, 1)) {
		/* cached -> allocated: no magazine saw it. */
		WRITE_ONCE(*r.state, KBUDDY_OBJ_ALLOC);
		obj = r.obj;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return obj ? obj : kbuddy_slab_grow(c, gfp);
}

/*
 * The loaded magazine was empty: pop what an interrupt may have pushed
 * since, or swap in the previous one, or go to the depot and the slabs,
 * and only then make a new slab. @caller: the caller of
 * kbuddy_cache_alloc() or kbuddy_malloc(), for the debug checks' owner
 * records.
 */
noinline void *kbuddy_cache_alloc_slow(struct kbuddy_cache *c, gfp_t gfp,
				       unsigned long caller)
{
	struct kbuddy_magazine *mag;
	struct kbuddy_mag_cpu *cc;
	unsigned long flags;
	void *obj;

	if (!mag_slow_may_swap()) {
		obj = kbuddy_cache_alloc_nocpu(c, gfp);
		goto out;
	}
	local_lock_irqsave(&c->cpu->lock, flags);
	cc = this_cpu_ptr(c->cpu);
	mag_sync(cc);
	mag = cc->loaded;
	if (mag->rounds) {
		obj = mag_pop(mag);
		cc->count[KBUDDY_MAG_ALLOC_FAST]++;
	} else if (cc->previous->rounds) {
		cc->loaded = cc->previous;
		cc->previous = mag;
		obj = mag_pop(cc->loaded);
		cc->count[KBUDDY_MAG_ALLOC_FAST]++;
	} else {
		obj = alloc_refill(c, cc);	/* counted as alloc_slow */
	}
	mag_publish(cc);
	local_unlock_irqrestore(&c->cpu->lock, flags);
	if (!obj)
		obj = kbuddy_slab_grow(c, gfp);
out:
	kbuddy_debug_alloc(c, obj, caller);
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
 * Served from this CPU's magazines when they hold an object: no lock and
 * no locked instruction (a this_cpu_cmpxchg(), see kbuddy_obj_alloc()).
 * Otherwise from the depot or the slabs under the cache's lock, and only
 * then from a new slab, which may sleep if @gfp allows.
 *
 * Context: As kbuddy_alloc_pages(), with a gfp that does not sleep where
 * sleeping is not allowed.
 * Return: the object, aligned as the cache was created, or NULL.
 */
void *kbuddy_cache_alloc(struct kbuddy_cache *c, gfp_t gfp)
{
	void *obj;

	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: allocation from atomic context on PREEMPT_RT\n"))
		return NULL;
	obj = kbuddy_obj_alloc(c, gfp, _RET_IP_);
	kbuddy_leak_alloc(c->pool, obj, c->object_size, gfp);
	return obj;
}
EXPORT_SYMBOL_GPL(kbuddy_cache_alloc);

/*
 * The loaded and the previous magazine are full: park the previous one in
 * the depot and load an empty one, or return the loaded rounds to the slabs.
 * Under the CPU's local_lock, interrupts off.
 */
static noinline void free_spill(struct kbuddy_cache *c,
				struct kbuddy_mag_cpu *cc)
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
 * kbuddy_cache_free_nocpu() - a free that may not use its CPU's magazines:
 * from an interrupt whose slow path may not change them, or that came into
 * a push on its CPU (see kbuddy_obj_free()). The object, claimed, goes
 * straight back to its slab under the cache's lock.
 */
noinline void kbuddy_cache_free_nocpu(struct kbuddy_cache *c,
				      struct kbuddy_slab *slab, void *obj,
				      u8 *state)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->count[KBUDDY_CACHE_NOCPU]++;
	kbuddy_slab_obj_put(c, slab, obj, state);
	spin_unlock_irqrestore(&c->lock, flags);
}

/*
 * The loaded magazine was full: push if an interrupt made room since, or
 * swap, or spill to the depot, then push; from an interrupt, the object
 * goes straight back to its slab (see mag_slow_may_swap()).
 */
noinline void kbuddy_cache_free_slow(struct kbuddy_cache *c, void *obj,
				     struct kbuddy_slab *slab, u8 *state)
{
	struct kbuddy_magazine *mag;
	struct kbuddy_mag_cpu *cc;
	unsigned long flags;

	if (!mag_slow_may_swap()) {
		kbuddy_cache_free_nocpu(c, slab, obj, state);
		return;
	}
	local_lock_irqsave(&c->cpu->lock, flags);
	cc = this_cpu_ptr(c->cpu);
	mag_sync(cc);
	mag = cc->loaded;
	if (mag->rounds == c->mag_size) {
		if (cc->previous->rounds < c->mag_size) {
			cc->loaded = cc->previous;
			cc->previous = mag;
		} else {
			free_spill(c, cc);
		}
	}
	mag_push(cc->loaded, obj, slab, state);
	cc->count[KBUDDY_MAG_FREE_FAST]++;
	mag_publish(cc);
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

static __always_inline int cache_free(struct kbuddy_cache *c, void *obj,
				      unsigned long caller)
{
	struct kbuddy_slab *slab;
	int ret;

	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: free from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	kbuddy_lookup_begin();
	slab = kbuddy_obj_slab(c->pool, obj);
	kbuddy_race_hook("obj_lookup");
	if (unlikely(!slab || slab->cache != c))
		ret = kbuddy_cache_bad_free(c, obj, caller);
	else
		ret = kbuddy_obj_free(c, slab, obj, caller);
	kbuddy_lookup_end();
	return ret;
}

/**
 * kbuddy_cache_free() - free an object
 * @c: the cache it came from
 * @obj: the object
 *
 * NULL is ignored, as kmem_cache_free() ignores it. A pointer that is not
 * an object of @c now in use - outside the pool, not in a slab, of another
 * cache, inside an object, or already free - is refused: the cache is
 * unchanged, a bad_free_* counter goes up and a ratelimited warning names
 * the caller.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a refused free.
 */
int kbuddy_cache_free(struct kbuddy_cache *c, void *obj)
{
	if (unlikely(!obj))
		return 0;
	return cache_free(c, obj, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kbuddy_cache_free);

/* ==== Drains ============================================================= */

/*
 * Rounds in the loaded and previous magazines of every CPU, or of the
 * online ones only (@online; offline ones were emptied when they died). The
 * caller holds the cache's lock: a CPU's magazine leaves it only for the
 * depot, under that lock, so each one read here stays allocated. The CPUs
 * change their counts meanwhile: a snapshot, which decides nothing about
 * an object, only whether a pass over the CPUs has anything to do.
 */
static unsigned long mag_cpus_rounds(struct kbuddy_cache *c, bool online)
{
	unsigned long rounds = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kbuddy_mag_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		if (online && !cpu_online(cpu))
			continue;
		rounds += kbuddy_mag_top_rounds(READ_ONCE(cc->top));
		rounds += READ_ONCE(READ_ONCE(cc->previous)->rounds);
	}
	return rounds;
}

/*
 * Whether a pass over the online CPUs (a work item on each) has anything
 * to drain or check. A pass costs every CPU a wakeup; a pool destroy or a
 * pool check visits every cache of the pool, most of which hold nothing
 * on any CPU. An object a CPU parks after this read is one parked after
 * the drain or the check: both are snapshots of a moment.
 */
static bool mag_cpus_hold(struct kbuddy_cache *c)
{
	unsigned long flags, rounds;

	spin_lock_irqsave(&c->lock, flags);
	rounds = mag_cpus_rounds(c, true);
	spin_unlock_irqrestore(&c->lock, flags);
	return rounds;
}

/*
 * Move one CPU's magazines' rounds back to the slabs. Their holder only:
 * under the CPU's lock with interrupts off, or the CPU dead.
 */
static void mag_drain_cpu(struct kbuddy_cache *c, struct kbuddy_mag_cpu *cc)
{
	unsigned long flags;

	mag_sync(cc);
	spin_lock_irqsave(&c->lock, flags);
	mag_flush(c, cc->loaded);
	mag_flush(c, cc->previous);
	spin_unlock_irqrestore(&c->lock, flags);
	mag_publish(cc);
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
	mag_drain_cpu(c, per_cpu_ptr(c->cpu, cpu));
}

/* Runs on each CPU in process context: empty its own magazines. */
static void mag_drain_this_cpu(void *arg)
{
	struct kbuddy_cache *c = arg;
	unsigned long flags;

	local_lock_irqsave(&c->cpu->lock, flags);
	mag_drain_cpu(c, this_cpu_ptr(c->cpu));
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

/**
 * kbuddy_mag_drain_all() - return every magazine's objects to the slabs
 * @c: the cache
 * @dead_too: also empty offline CPUs, for a cache being destroyed
 *
 * Each online CPU empties its own magazines from a work item, then the
 * depot is emptied one magazine per lock hold and its magazines freed.
 * Offline CPUs were emptied when they went down; @dead_too empties them
 * again (a CPU may have died after its pool left the list the hotplug
 * callback walks).
 *
 * Context: Process context; may sleep.
 */
void kbuddy_mag_drain_all(struct kbuddy_cache *c, bool dead_too)
{
	cpus_read_lock();
	kbuddy_mag_drain_cpus_locked(c, dead_too);
	cpus_read_unlock();
}

/**
 * kbuddy_mag_drain_cpus_locked() - kbuddy_mag_drain_all(), CPUs held
 * @c: the cache
 * @dead_too: also empty offline CPUs
 *
 * Context: Process context; may sleep. The caller holds cpus_read_lock(),
 * so that it can hold the pool's caches_lock too (which CPU hotplug takes
 * after the CPUs).
 */
void kbuddy_mag_drain_cpus_locked(struct kbuddy_cache *c, bool dead_too)
{
	struct kbuddy_magazine *mag, *tmp;
	unsigned long flags;
	LIST_HEAD(spare);
	int cpu;

	if (mag_cpus_hold(c))
		kbuddy_run_on_cpus(mag_drain_this_cpu, c);
	if (dead_too)
		for_each_possible_cpu(cpu)
			if (!cpu_online(cpu))
				mag_drain_cpu(c, per_cpu_ptr(c->cpu, cpu));

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

/* ==== Information and validation ========================================= */

/**
 * kbuddy_mag_info() - count the objects in a cache's magazines
 * @c: the cache; the caller holds its lock, so that no magazine moves to
 *	the depot, where a drain could free it under this read
 * @info: its mag_count[] is added to
 *
 * Other CPUs' magazines change meanwhile: a snapshot, which the caller
 * clamps to the objects in use.
 *
 * Context: Any context, under the cache's lock.
 * Return: the objects in per-CPU magazines and full depot magazines.
 */
unsigned long kbuddy_mag_info(struct kbuddy_cache *c,
			      struct kbuddy_cache_info *info)
{
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kbuddy_mag_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		for (i = 0; i < KBUDDY_NR_MAG_COUNTERS; i++)
			info->mag_count[i] += READ_ONCE(cc->count[i]);
	}
	return kbuddy_mag_parked(c);
}

/**
 * kbuddy_mag_parked() - objects held in a cache's magazines
 * @c: the cache; the caller holds its lock, so that no magazine it reads
 *	moves to the depot (where a drain could free it) under the read
 *
 * Context: Any context, under the cache's lock. Other CPUs' magazines are
 * read while they run, so the figure is a snapshot.
 * Return: rounds in every CPU's loaded and previous magazines and in the
 * depot's full ones.
 */
unsigned long kbuddy_mag_parked(struct kbuddy_cache *c)
{
	lockdep_assert_held(&c->lock);
	return mag_cpus_rounds(c, false) +
	       c->nr_depot_full * c->mag_size;
}

/* Every round of @mag is a CACHED object of @c. */
static void check_magazine(struct kbuddy_cache *c, struct kbuddy_sink *sink,
			   struct kbuddy_magazine *mag, const char *where)
{
	unsigned int i;

	if (mag->rounds > c->mag_size) {
		kbuddy_problem(sink, "cache %s: %s magazine holds %u rounds\n",
			       c->name, where, mag->rounds);
		return;
	}
	for (i = 0; i < mag->rounds; i++) {
		struct kbuddy_round *r = &mag->round[i];
		struct kbuddy_slab *slab = kbuddy_obj_slab(c->pool, r->obj);
		long idx = slab && slab->cache == c ?
			   kbuddy_obj_index(c, slab, r->obj) : -1;

		if (idx < 0 || r->slab != slab || &slab->state[idx] != r->state ||
		    *r->state != KBUDDY_OBJ_CACHED)
			kbuddy_problem(sink,
				       "cache %s: %s magazine: %p is no free object of it\n",
				       c->name, where, r->obj);
	}
}

/* A check of every CPU's magazines, each CPU checking its own. */
struct mag_check {
	struct kbuddy_cache *c;
	struct kbuddy_sink *sink;
};

/* Runs on each CPU in process context: check its own magazines. */
static void mag_check_this_cpu(void *arg)
{
	struct mag_check *mc = arg;
	struct kbuddy_mag_cpu *cpu;
	unsigned long flags;

	local_lock_irqsave(&mc->c->cpu->lock, flags);
	cpu = this_cpu_ptr(mc->c->cpu);
	mag_sync(cpu);
	check_magazine(mc->c, mc->sink, cpu->loaded, "per-CPU");
	check_magazine(mc->c, mc->sink, cpu->previous, "per-CPU");
	local_unlock_irqrestore(&mc->c->cpu->lock, flags);
}

/**
 * kbuddy_mag_check_cpus() - check every CPU's magazines
 * @c: the cache
 * @sink: where problems go; it must hold (kbuddy_sink_hold()), as each CPU
 *	reports from its own work item
 *
 * Every round is a CACHED object of @c; offline CPUs hold nothing.
 *
 * Context: Process context, with cpus_read_lock() held.
 */
void kbuddy_mag_check_cpus(struct kbuddy_cache *c, struct kbuddy_sink *sink)
{
	struct mag_check mc = { .c = c, .sink = sink };
	int cpu;

	/* A magazine with no rounds has nothing to check. */
	if (mag_cpus_hold(c))
		kbuddy_run_on_cpus(mag_check_this_cpu, &mc);
	/* Offline CPUs were emptied when they went down. */
	for_each_possible_cpu(cpu) {
		if (cpu_online(cpu))
			continue;
		/* The loaded magazine's count is in the top. */
		if (kbuddy_mag_top_rounds(per_cpu_ptr(c->cpu, cpu)->top) ||
		    per_cpu_ptr(c->cpu, cpu)->previous->rounds)
			kbuddy_problem(sink, "cache %s: offline CPU %d holds objects\n",
				       c->name, cpu);
	}
}

/**
 * kbuddy_mag_check_depot() - check one magazine of a cache's depot
 * @c: the cache; the caller holds its lock
 * @sink: where problems go
 * @mag: the magazine
 * @full: whether it is on the depot's full list (else the empty one)
 *
 * Context: Any context, under the cache's lock.
 */
void kbuddy_mag_check_depot(struct kbuddy_cache *c, struct kbuddy_sink *sink,
			    struct kbuddy_magazine *mag, bool full)
{
	if (full)
		check_magazine(c, sink, mag, "depot");
	else if (mag->rounds)
		kbuddy_problem(sink, "cache %s: empty depot magazine holds %u rounds\n",
			       c->name, mag->rounds);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - per-CPU caches of small free blocks, and the page interface.
 *
 * As the kernel's pcp lists do for orders 0-3, each CPU keeps up to
 * KBUDDY_PCP_HIGH free blocks per small order, and a few of each of the
 * orders 4-6 (kbuddy_pcp_high()). kbuddy_alloc_pages() and
 * kbuddy_free_pages() of such orders touch only the CPU's cache; a cache
 * that runs dry takes a batch of blocks (kbuddy_pcp_batch()) from the pool
 * under one lock hold, one that fills up gives a batch back. Cached blocks
 * stay allocated in the buddy allocator, tagged KBUDDY_KIND_PCP.
 *
 * Locking, as mm/slub.c does it: the fast paths pop and push with
 * preemption off and interrupts on, publishing with one this_cpu_cmpxchg()
 * of the order's top word (count and transaction id, struct kbuddy_pcp), and
 * retry if an interrupt on the CPU changed it meanwhile; on PREEMPT_RT they
 * take the CPU's local_lock_t instead. The slow paths (refill, spill),
 * drains and checks take the local_lock_t with interrupts off (on
 * PREEMPT_RT a per-CPU sleeping lock). Another CPU never touches a cache:
 * drains and checks run on each CPU from a work item (kbuddy_run_on_cpus()),
 * and the cache of a CPU that went offline is emptied by the hotplug
 * callback once nothing can run there. No IPI takes a lock, so nothing here
 * sleeps in hard-irq context on PREEMPT_RT.
 */

#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "histogram.h"
#include "internal.h"
#include "leak.h"
#include "report.h"

/**
 * kbuddy_pcp_init() - give a new pool its per-CPU page caches
 * @pool: the pool, not yet visible to anyone
 *
 * Context: Process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kbuddy_pcp_init(struct kbuddy_pool *pool)
{
	int cpu;

	pool->pcp = alloc_percpu(struct kbuddy_pcp);
	if (!pool->pcp)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		local_lock_init(&per_cpu_ptr(pool->pcp, cpu)->lock);
	return 0;
}

/*
 * Set @pcp's count of @order, adding a step to the id so that a fast path
 * this came into (as an interrupt) retries. On its CPU under its lock.
 */
static void pcp_set_count(struct kbuddy_pcp *pcp, unsigned int order,
			  unsigned int n)
{
	unsigned long top = pcp->top[order];

	WRITE_ONCE(pcp->top[order], (top & ~(KBUDDY_MAG_TID_STEP - 1)) +
				    KBUDDY_MAG_TID_STEP + n);
}

/*
 * Give at most a batch of blocks of @pcp back, newest first.
 * Its holder: its CPU, under its lock. Return: false once @pcp is empty.
 */
static bool pcp_give_batch(struct kbuddy_pool *pool, struct kbuddy_pcp *pcp)
{
	unsigned int order, n, left;

	for (order = 0; order < KBUDDY_PCP_ORDERS; order++) {
		n = kbuddy_pcp_count(pcp, order);
		if (!n)
			continue;
		n = min(n, kbuddy_pcp_batch(order));
		left = kbuddy_pcp_count(pcp, order) - n;
		pcp_set_count(pcp, order, left);
		kbuddy_free_batch(pool, order, pcp->block[order] + left, n);
		kbuddy_leak_clear(pcp->block[order] + left,
				  n * sizeof(pcp->block[order][0]));
		pcp->events[KBUDDY_PCP_DRAIN]++;
		return true;
	}
	return false;
}

/**
 * kbuddy_pcp_drain_cpu() - empty the page cache of a CPU that is dead
 * @pool: the pool
 * @cpu: the CPU; nothing runs on it any more
 *
 * Context: Process context (the CPU hotplug "dead" callback).
 */
void kbuddy_pcp_drain_cpu(struct kbuddy_pool *pool, int cpu)
{
	if (!pool->pcp)
		return;
	while (pcp_give_batch(pool, per_cpu_ptr(pool->pcp, cpu)))
		cond_resched();
}

/*
 * Empty this CPU's cache, one batch per lock hold, so that interrupts come
 * back between batches; @may_sleep also lets others run between them.
 * Return: whether anything was given back.
 */
static bool pcp_drain_local(struct kbuddy_pool *pool, bool may_sleep)
{
	/*
	 * Enough batches for a full cache (orders 0-3: 4 each, 4-6: 4 or 2
	 * each); what is freed meanwhile may stay.
	 */
	unsigned int batches = KBUDDY_PCP_ORDERS *
			       (KBUDDY_PCP_HIGH / KBUDDY_PCP_BATCH + 1);
	bool more, any = false;
	unsigned long flags;

	do {
		local_lock_irqsave(&pool->pcp->lock, flags);
		more = pcp_give_batch(pool, this_cpu_ptr(pool->pcp));
		local_unlock_irqrestore(&pool->pcp->lock, flags);
		any |= more;
		if (may_sleep)
			cond_resched();
	} while (more && --batches);
	return any;
}

/* Runs on each CPU in process context: empty its own cache. */
static void pcp_drain_this_cpu(void *arg)
{
	pcp_drain_local(arg, true);
}

/* Pages in the CPUs' caches, read while they run: a snapshot. */
static unsigned long pcp_held(struct kbuddy_pool *pool)
{
	unsigned long held = 0;
	unsigned int order;
	int cpu;

	if (!pool->pcp)
		return 0;
	for_each_possible_cpu(cpu)
		for (order = 0; order < KBUDDY_PCP_ORDERS; order++)
			held += kbuddy_pcp_count(per_cpu_ptr(pool->pcp, cpu),
						 order);
	return held;
}

/*
 * Each online CPU empties its own cache from a work item. @dead_too also
 * empties offline CPUs, for a pool being destroyed: a CPU that died after
 * the pool left the list the hotplug callback walks still holds blocks;
 * nothing runs there, and hotplug waits for cpus_read_unlock().
 */
static void pcp_drain_all(struct kbuddy_pool *pool, bool dead_too)
{
	int cpu;

	if (!pool->pcp)
		return;
	cpus_read_lock();
	/* A pass wakes every CPU: only when some CPU's cache holds a block. */
	if (pcp_held(pool))
		kbuddy_run_on_cpus(pcp_drain_this_cpu, pool);
	if (dead_too)
		for_each_possible_cpu(cpu)
			if (!cpu_online(cpu))
				kbuddy_pcp_drain_cpu(pool, cpu);
	cpus_read_unlock();
}

/**
 * kbuddy_pcp_fini() - drain and free a pool's page caches
 * @pool: the pool being destroyed; nothing allocates from it any more
 *
 * Context: Process context; may sleep.
 */
void kbuddy_pcp_fini(struct kbuddy_pool *pool)
{
	if (!pool->pcp)
		return;
	pcp_drain_all(pool, true);
	free_percpu(pool->pcp);
	pool->pcp = NULL;
}

/**
 * kbuddy_pcp_stats() - sum the page caches' counters
 * @pool: the pool
 * @alloc: allocations served per order (KBUDDY_PCP_ORDERS entries), added to
 * @free: frees taken per order, added to
 * @events: the enum kbuddy_pcp_counter counters, added to
 * @held_pages: pages held in the caches, added to
 *
 * Context: Any context; other CPUs' counters are read without stopping them.
 */
void kbuddy_pcp_stats(struct kbuddy_pool *pool, unsigned long *alloc,
		      unsigned long *free, unsigned long *events,
		      unsigned long *held_pages)
{
	unsigned int order, i;
	int cpu;

	if (!pool->pcp)
		return;
	for_each_possible_cpu(cpu) {
		struct kbuddy_pcp *pcp = per_cpu_ptr(pool->pcp, cpu);

		for (order = 0; order < KBUDDY_PCP_ORDERS; order++) {
			alloc[order] += READ_ONCE(pcp->alloc[order]);
			free[order] += READ_ONCE(pcp->free[order]);
			*held_pages += (unsigned long)kbuddy_pcp_count(pcp, order)
				       << order;
		}
		for (i = 0; i < KBUDDY_NR_PCP_COUNTERS; i++)
			events[i] += READ_ONCE(pcp->events[i]);
	}
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pcp_stats, KBUDDY_INTERNAL);

/* A check of every CPU's cache, each CPU checking its own. */
struct pcp_check {
	struct kbuddy_pool *pool;
	struct kbuddy_sink sink;
};

/* Runs on each CPU in process context: check its own cache. */
static void pcp_check_this_cpu(void *arg)
{
	struct pcp_check *pc = arg;
	struct kbuddy_pcp *pcp;
	unsigned int order, i, n;
	unsigned long flags;
	int cpu;

	local_lock_irqsave(&pc->pool->pcp->lock, flags);
	cpu = smp_processor_id();
	pcp = this_cpu_ptr(pc->pool->pcp);
	for (order = 0; order < KBUDDY_PCP_ORDERS; order++) {
		n = kbuddy_pcp_count(pcp, order);
		if (n > kbuddy_pcp_high(order)) {
			kbuddy_problem(&pc->sink,
				       "pcp: CPU %d order %u: holds %u blocks, at most %u\n",
				       cpu, order, n, kbuddy_pcp_high(order));
			continue;
		}
		for (i = 0; i < n; i++) {
			struct kbuddy_pcp_block *b = &pcp->block[order][i];
			struct kbuddy_region *r = kbuddy_find_region(pc->pool, b->addr);

			if (!r || b->page != &r->pages[(b->addr - r->virt) >> PAGE_SHIFT] ||
			    READ_ONCE(b->page->tag) != KBUDDY_TAG(KBUDDY_KIND_PCP, order))
				kbuddy_problem(&pc->sink,
					       "pcp: CPU %d order %u: block %p is no cached head\n",
					       cpu, order, b->addr);
		}
	}
	local_unlock_irqrestore(&pc->pool->pcp->lock, flags);
}

/**
 * kbuddy_pcp_validate() - check every CPU's page cache
 * @pool: the pool
 * @report: called once per problem found (as kbuddy_regions_validate()), or NULL
 * @ctx: passed to @report
 *
 * Each CPU checks its own cache from a work item: every block is the head
 * of a block of its order tagged cached.
 *
 * Context: Process context, with cpus_read_lock() held.
 * Return: the number of problems found.
 */
long kbuddy_pcp_validate(struct kbuddy_pool *pool, kbuddy_report_fn report,
			 void *ctx)
{
	struct pcp_check pc = { .pool = pool };

	if (!pool->pcp)
		return 0;
	kbuddy_sink_init(&pc.sink, report, ctx);
	/* Each CPU reports from its work item: hold the lines till all are done. */
	kbuddy_sink_hold(&pc.sink);
	kbuddy_run_on_cpus(pcp_check_this_cpu, &pc);
	kbuddy_sink_finish(&pc.sink);
	return pc.sink.problems;
}

/* ==== Reclaim =========================================================== */

/*
 * Give back memory that is free but parked where the free lists do not see
 * it: the CPUs' page caches, whose blocks keep their buddies from merging,
 * and the slab caches' magazines and empty slabs. A caller that may sleep
 * has every CPU empty its page cache and every cache its magazines and
 * empty slabs; an atomic one can wait for no other CPU and take no mutex:
 * it empties only its own CPU's page cache (the empty slabs a cache keeps
 * are bounded, see KBUDDY_CACHE_EMPTY_KEEP). Whether there is anything to
 * give back is read while the CPUs run: work is queued on every CPU only
 * if something is parked. A block parked after that read was parked by a
 * free that raced with this request, which may then fail as it could have
 * before that free.
 * Return: false if there was nothing to reclaim, true if a retry may succeed.
 */
bool kbuddy_reclaim(struct kbuddy_pool *pool, gfp_t gfp)
{
	bool any;

	if (!gfpflags_allow_blocking(gfp))
		return pool->pcp && pcp_drain_local(pool, false);
	any = kbuddy_caches_reclaim(pool);
	/* pcp_drain_all() works on every CPU only if some cache holds a block. */
	if (pcp_held(pool)) {
		pcp_drain_all(pool, false);
		any = true;
	}
	return any;
}

/* The free lists had no block of @order: reclaim, try once more. */
static noinline void *alloc_reclaim_slow(struct kbuddy_pool *pool,
					 unsigned int order, gfp_t gfp,
					 unsigned long tag)
{
	void *addr;

	if (kbuddy_reclaim(pool, gfp)) {
		addr = kbuddy_block_alloc(pool, order, gfp, tag);
		if (addr) {
			kbuddy_count(pool, KBUDDY_RECLAIMS);
			return addr;
		}
	}
	kbuddy_count_fail(pool, order);
	return NULL;
}

/**
 * kbuddy_alloc_reclaim() - take a block, reclaiming parked memory if needed
 * @pool: the pool
 * @order: order of the block, below the pool's max_order
 * @gfp: allocation flags; whether they allow blocking decides how much is
 *	reclaimed
 * @tag: the block's owner, as for kbuddy_block_alloc()
 *
 * As the kernel's page allocator drains the per-CPU lists before it fails,
 * a request the free lists cannot serve first reclaims what is free but
 * parked - if @gfp allows blocking, every CPU's page cache and every slab
 * cache's magazines and empty slabs; else only this CPU's page cache - and
 * is tried once more. Only then is it counted as failed.
 *
 * Context: Any context allowed by kbuddy_context_refused(); if @gfp allows
 * blocking, process context without a kbuddy lock or the CPU hotplug lock
 * held, and may sleep.
 * Return: the block's address, or NULL.
 */
void *kbuddy_alloc_reclaim(struct kbuddy_pool *pool, unsigned int order,
			   gfp_t gfp, unsigned long tag)
{
	void *addr = kbuddy_block_alloc(pool, order, gfp, tag);

	if (likely(addr) || order >= pool->max_order)
		return addr;
	return alloc_reclaim_slow(pool, order, gfp, tag);
}

/* ==== The page interface ================================================= */

/*
 * The CPU's cache of @order is empty: refill it with a batch from the free
 * lists. Out of line, so that the fast paths keep few registers. Under the
 * CPU's local_lock. Return: the number of blocks now cached (0: none free).
 */
static noinline unsigned int pcp_refill(struct kbuddy_pool *pool,
					struct kbuddy_pcp *pcp,
					unsigned int order)
{
	unsigned int n = kbuddy_pcp_batch(order);

	if (kbuddy_should_fail(&pool->fault, KBUDDY_FAULT_PCP_REFILL,
			       (PAGE_SIZE << order) * n))
		return 0;
	n = kbuddy_alloc_batch(pool, order, pcp->block[order], n);
	if (!n)
		return 0;
	/*
	 * Hand out the block a pool without caches would have: the first
	 * taken, of exactly @order if one was free, not one split off a
	 * larger block for the cache.
	 */
	swap(pcp->block[order][0], pcp->block[order][n - 1]);
	pcp->events[KBUDDY_PCP_REFILL]++;
	return n;
}

/*
 * The CPU's cache of @order is full: give back the oldest batch (the newest
 * are cache-hot). Under the CPU's local_lock. Return: the blocks left.
 */
static noinline unsigned int pcp_spill(struct kbuddy_pool *pool,
				       struct kbuddy_pcp *pcp,
				       unsigned int order)
{
	unsigned int batch = kbuddy_pcp_batch(order);
	unsigned int n = kbuddy_pcp_count(pcp, order) - batch;

	pcp_set_count(pcp, order, n);
	kbuddy_free_batch(pool, order, pcp->block[order], batch);
	memmove(pcp->block[order], pcp->block[order] + batch,
		n * sizeof(pcp->block[order][0]));
	kbuddy_leak_clear(pcp->block[order] + n, batch * sizeof(pcp->block[order][0]));
	pcp->events[KBUDDY_PCP_DRAIN]++;
	return n;
}

/*
 * The fast paths' section on a CPU's page cache: preemption off, so that
 * only an interrupt or softirq on this CPU can come between a fast path's
 * read of a top and its this_cpu_cmpxchg() of it, which then fails; on
 * PREEMPT_RT the CPU's local_lock, which the slow paths also take, as
 * SLUB's fast paths do there.
 */
static __always_inline void pcp_fast_begin(struct kbuddy_pool *pool)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		local_lock(&pool->pcp->lock);
	else
		preempt_disable();
}

static __always_inline void pcp_fast_end(struct kbuddy_pool *pool)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		local_unlock(&pool->pcp->lock);
	else
		preempt_enable();
}

/* A block taken from a CPU's cache: checked if poisoned, zeroed if asked. */
static __always_inline void *pcp_handed(struct kbuddy_pool *pool, void *addr,
					unsigned int order, gfp_t gfp)
{
	kbuddy_block_checked(pool, addr, order);
	if ((gfp & __GFP_ZERO) || want_init_on_alloc(gfp))
		memset(addr, 0, PAGE_SIZE << order);
	return addr;
}

/*
 * This CPU's cache of @order was empty: refill it and take a block, under
 * its lock. An interrupt that came into a fast path free writing a slot
 * leaves the cache alone (a refill writes from slot 0 up) and takes from
 * the pool. Return: the block, handed to @kind, or NULL.
 */
static noinline void *pcp_alloc_slow(struct kbuddy_pool *pool,
				     unsigned int order, gfp_t gfp,
				     unsigned int kind)
{
	unsigned long tag = KBUDDY_TAG(kind, order);
	struct kbuddy_pcp_block *b;
	struct kbuddy_pcp *pcp;
	unsigned long flags;
	unsigned int n;
	void *addr;

	local_lock_irqsave(&pool->pcp->lock, flags);
	pcp = this_cpu_ptr(pool->pcp);
	if (unlikely(READ_ONCE(pcp->pushing))) {
		local_unlock_irqrestore(&pool->pcp->lock, flags);
		return kbuddy_alloc_reclaim(pool, order, gfp, tag);
	}
	/* An interrupt may have refilled it since the fast path looked. */
	n = kbuddy_pcp_count(pcp, order);
	if (!n)
		n = pcp_refill(pool, pcp, order);
	if (!n) {
		local_unlock_irqrestore(&pool->pcp->lock, flags);
		/* The cache is dry and so are the free lists. */
		return alloc_reclaim_slow(pool, order, gfp, tag);
	}
	b = &pcp->block[order][--n];
	addr = b->addr;
	/* cached -> pages or malloc: this CPU holds the block. */
	kbuddy_block_hand(b->page, tag);
	kbuddy_leak_clear(b, sizeof(*b));
	pcp_set_count(pcp, order, n);
	pcp->alloc[order]++;
	local_unlock_irqrestore(&pool->pcp->lock, flags);
	return pcp_handed(pool, addr, order, gfp);
}

/*
 * alloc_kind() - allocate a block for kbuddy_alloc_pages() or malloc
 * @pool: the pool
 * @order: its order, below the pool's max_order
 * @gfp: allocation flags
 * @kind: KBUDDY_KIND_PAGES or KBUDDY_KIND_LARGE, recorded in its tag
 *
 * Small orders come from this CPU's page cache without a lock and with
 * interrupts on, as SLUB's fast path: read the order's top (id and count)
 * and the top slot, then move the top from (id, n) to (id + 1, n - 1) with
 * one this_cpu_cmpxchg(). An interrupt on this CPU that allocated or freed
 * in between changed the id: read again. The slot read is this call's once
 * the cmpxchg succeeds. An empty cache: pcp_alloc_slow() refills it.
 *
 * Untimed (@path NULL, constant), every way out but the fast one is a tail
 * call, so the fast path saves no registers; alloc_kind_timed() times it.
 *
 * Context: Any context allowed by kbuddy_context_refused().
 * Return: the block, or NULL; @path, if not NULL, says which layer served.
 */
static __always_inline void *alloc_kind(struct kbuddy_pool *pool,
					unsigned int order, gfp_t gfp,
					unsigned int kind,
					enum kbuddy_hist_path *path)
{
	struct kbuddy_pcp_block *b;
	struct kbuddy_page *page;
	struct kbuddy_pcp *pcp;
	unsigned long top;
	void *addr;

	if (path)
		*path = KBUDDY_HIST_POOL;
	if (order >= READ_ONCE(pool->pcp_orders) || !pool->pcp)
		return kbuddy_alloc_reclaim(pool, order, gfp,
					    KBUDDY_TAG(kind, order));
	might_sleep_if(gfpflags_allow_blocking(gfp));

	pcp_fast_begin(pool);
	pcp = this_cpu_ptr(pool->pcp);
	do {
		top = READ_ONCE(pcp->top[order]);
		if (unlikely(!kbuddy_mag_top_rounds(top))) {
			pcp_fast_end(pool);
			return pcp_alloc_slow(pool, order, gfp, kind);
		}
		b = &pcp->block[order][kbuddy_mag_top_rounds(top) - 1];
		addr = READ_ONCE(b->addr);
		page = READ_ONCE(b->page);
		kbuddy_race_hook("pcp_pop");
	} while (unlikely(this_cpu_cmpxchg(pool->pcp->top[order], top,
					   top + KBUDDY_MAG_TID_STEP - 1) != top));
	/* cached -> pages or malloc: the cmpxchg made the block this call's. */
	kbuddy_block_hand(page, KBUDDY_TAG(kind, order));
	kbuddy_leak_forget_pcp(b, addr);
	this_cpu_inc(pool->pcp->alloc[order]);
	pcp_fast_end(pool);
	if (path)
		*path = KBUDDY_HIST_PCP;
	return pcp_handed(pool, addr, order, gfp);
}

/* alloc_kind() timed for the histogram, once some pool's is on. */
static noinline void *alloc_kind_timed(struct kbuddy_pool *pool,
				       unsigned int order, gfp_t gfp,
				       unsigned int kind)
{
	u64 t0 = kbuddy_hist_start(pool);
	enum kbuddy_hist_path path;
	void *addr;

	addr = alloc_kind(pool, order, gfp, kind, &path);
	kbuddy_hist_end(pool, KBUDDY_HIST_ALLOC, path, t0);
	return addr;
}

/* alloc_kind(), timed only while a histogram is on (a static key). */
static __always_inline void *alloc_kind_hist(struct kbuddy_pool *pool,
					     unsigned int order, gfp_t gfp,
					     unsigned int kind)
{
	if (kbuddy_hist_enabled())
		return alloc_kind_timed(pool, order, gfp, kind);
	return alloc_kind(pool, order, gfp, kind, NULL);
}

/*
 * This CPU's cache of @order was full: give its oldest batch back and push
 * @addr, which the caller claimed to cached, under the cache's lock.
 * Return: 0, for the fast path's tail call.
 */
static noinline int pcp_free_slow(struct kbuddy_pool *pool, unsigned int order,
				  void *addr, struct kbuddy_page *page)
{
	struct kbuddy_pcp_block *b;
	struct kbuddy_pcp *pcp;
	unsigned long flags;
	unsigned int n;

	local_lock_irqsave(&pool->pcp->lock, flags);
	pcp = this_cpu_ptr(pool->pcp);
	n = kbuddy_pcp_count(pcp, order);
	if (n >= kbuddy_pcp_high(order))
		n = pcp_spill(pool, pcp, order);
	b = &pcp->block[order][n];
	b->addr = addr;
	b->page = page;
	pcp_set_count(pcp, order, n + 1);
	pcp->free[order]++;
	local_unlock_irqrestore(&pool->pcp->lock, flags);
	return 0;
}

/*
 * free_kind() - free a block from alloc_kind()
 * @pool: the pool
 * @addr: the block
 * @order: its order, below the pool's max_order
 * @kind: the kind it was allocated with
 * @caller: the address reported for a bad free
 *
 * A small block goes to this CPU's page cache: it is claimed from exactly
 * KBUDDY_TAG(@kind, @order) to cached by one cmpxchg, so the kind and the
 * order are part of the claim and two racing frees cannot both win, then
 * pushed without a lock as alloc_kind() pops: the slot above the top is
 * written, then published by the cmpxchg of the top; an interrupt that
 * popped meanwhile made it fail, and the slot is written again at the new
 * top. A slot is two words: an interrupt must not push while this push
 * writes them, so @pushing sends such an interrupt's free to the pool. A
 * block the fast path cannot claim goes to kbuddy_block_free(), which frees
 * it under the pool's lock - claiming it the same way - or classifies and
 * refuses it. Untimed (@path NULL), as alloc_kind(): every way out but the
 * fast one is a tail call.
 *
 * Context: Any context allowed by kbuddy_context_refused().
 * Return: 0, or -EINVAL for a refused free (the pool unchanged); @path, if
 * not NULL, says which layer took the block.
 */
static __always_inline int free_kind(struct kbuddy_pool *pool, void *addr,
				     unsigned int order, unsigned int kind,
				     unsigned long caller,
				     enum kbuddy_hist_path *path)
{
	unsigned long tag = KBUDDY_TAG(kind, order);
	struct kbuddy_pcp_block *b;
	struct kbuddy_region *r;
	struct kbuddy_page *page;
	struct kbuddy_pcp *pcp;
	unsigned long top, off;

	/*
	 * A poisoning pool poisons the block outside every lock; one with
	 * red zones checks a malloc block's there.
	 */
	if (order >= READ_ONCE(pool->pcp_orders) || !pool->pcp ||
	    kbuddy_poisons_blocks(pool) ||
	    (kbuddy_large_red_zones(pool) && kind == KBUDDY_KIND_LARGE))
		goto slow;
	r = kbuddy_find_region(pool, addr);
	if (unlikely(!r))
		goto slow;
	off = addr - r->virt;
	/* A block starts at a physical multiple of its size (so on a page). */
	if (unlikely((r->phys + off) & ((PAGE_SIZE << order) - 1)))
		goto slow;
	page = &r->pages[off >> PAGE_SHIFT];
	kbuddy_race_hook("pages_free_claim");

	pcp_fast_begin(pool);
	pcp = this_cpu_ptr(pool->pcp);
	/* pages or malloc -> cached, from exactly this kind and order. */
	if (unlikely(READ_ONCE(pcp->pushing) ||
		     !kbuddy_block_claim(page, tag,
					 KBUDDY_TAG(KBUDDY_KIND_PCP, order)))) {
		pcp_fast_end(pool);
		goto slow;
	}
	kbuddy_leak_free(pool, addr);
	WRITE_ONCE(pcp->pushing, 1);
	barrier();
	do {
		top = READ_ONCE(pcp->top[order]);
		if (unlikely(kbuddy_mag_top_rounds(top) >= kbuddy_pcp_high(order))) {
			barrier();
			WRITE_ONCE(pcp->pushing, 0);
			pcp_fast_end(pool);
			if (path)
				*path = KBUDDY_HIST_POOL;
			return pcp_free_slow(pool, order, addr, page);
		}
		b = &pcp->block[order][kbuddy_mag_top_rounds(top)];
		WRITE_ONCE(b->addr, addr);
		kbuddy_race_hook("pcp_push_words");
		WRITE_ONCE(b->page, page);
		kbuddy_race_hook("pcp_push");
		if (likely(this_cpu_cmpxchg(pool->pcp->top[order], top,
					    top + KBUDDY_MAG_TID_STEP + 1) == top))
			break;
		/* Above the top now: no stale reference for kmemleak. */
		kbuddy_leak_forget_pcp(b, addr);
	} while (1);
	barrier();
	WRITE_ONCE(pcp->pushing, 0);
	this_cpu_inc(pool->pcp->free[order]);
	pcp_fast_end(pool);
	if (path)
		*path = KBUDDY_HIST_PCP;
	return 0;

slow:
	if (path)
		*path = KBUDDY_HIST_POOL;
	return kbuddy_block_free(pool, addr, order, tag, caller);
}

/* free_kind() timed for the histogram, once some pool's is on. */
static noinline int free_kind_timed(struct kbuddy_pool *pool, void *addr,
				    unsigned int order, unsigned int kind,
				    unsigned long caller)
{
	u64 t0 = kbuddy_hist_start(pool);
	enum kbuddy_hist_path path;
	int ret;

	ret = free_kind(pool, addr, order, kind, caller, &path);
	/* A refused free is no operation. */
	if (!ret)
		kbuddy_hist_end(pool, KBUDDY_HIST_FREE, path, t0);
	return ret;
}

/* free_kind(), timed only while a histogram is on (a static key). */
static __always_inline int free_kind_hist(struct kbuddy_pool *pool, void *addr,
					  unsigned int order, unsigned int kind,
					  unsigned long caller)
{
	if (kbuddy_hist_enabled())
		return free_kind_timed(pool, addr, order, kind, caller);
	return free_kind(pool, addr, order, kind, caller, NULL);
}

/**
 * kbuddy_alloc_kind() - alloc_kind(), out of line, for the malloc family
 * @pool: the pool
 * @order: its order, below the pool's max_order
 * @gfp: allocation flags
 * @kind: KBUDDY_KIND_PAGES or KBUDDY_KIND_LARGE, recorded in its tag
 *
 * Context: Any context allowed by kbuddy_context_refused().
 * Return: the block, or NULL.
 */
void *kbuddy_alloc_kind(struct kbuddy_pool *pool, unsigned int order,
			gfp_t gfp, unsigned int kind)
{
	return alloc_kind_hist(pool, order, gfp, kind);
}

/**
 * kbuddy_free_kind() - free_kind(), out of line, for the malloc family
 * @pool: the pool
 * @addr: the block
 * @order: its order, below the pool's max_order
 * @kind: the kind it was allocated with
 * @caller: the address reported for a bad free
 *
 * Context: Any context allowed by kbuddy_context_refused().
 * Return: 0, or -EINVAL for a refused free (the pool unchanged).
 */
int kbuddy_free_kind(struct kbuddy_pool *pool, void *addr, unsigned int order,
		     unsigned int kind, unsigned long caller)
{
	return free_kind_hist(pool, addr, order, kind, caller);
}

/**
 * kbuddy_alloc_pages() - allocate a block of 2^@order pages
 * @pool: the pool
 * @order: the order of the block, below the pool's max_order
 * @gfp: allocation flags; __GFP_ZERO (or init_on_alloc) zeroes the block
 *
 * The block is naturally aligned: its physical address is a multiple of
 * PAGE_SIZE << @order. Orders below KBUDDY_PCP_ORDERS come from this CPU's
 * page cache without the pool's lock when it holds a block. When no free
 * block is left, memory parked in per-CPU caches, magazines and empty slabs
 * is reclaimed first: all of it, waiting for every CPU, if @gfp allows
 * blocking (GFP_KERNEL); else only this CPU's page cache, without sleeping
 * (GFP_ATOMIC, GFP_NOWAIT).
 *
 * Context: Process, softirq or hard-irq context, with or without a spinlock
 * held, with a gfp that does not block; a blocking gfp only in process
 * context without a kbuddy lock or the CPU hotplug lock held. Not NMI. On
 * PREEMPT_RT, not hard-irq context and not with interrupts or preemption
 * disabled by hand (refused with a warning), as kmalloc().
 * Return: the kernel virtual address of the block, or NULL if no block of
 * @order is free, @order is out of range, the pool has no mapping (not
 * KBUDDY_POOL_RAM: refused with a message) or the context is refused.
 */
void *kbuddy_alloc_pages(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp)
{
	void *addr;

	if (unlikely(order >= pool->page_orders))
		return kbuddy_unmapped_refused(pool, __func__);
	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: allocation from atomic context on PREEMPT_RT\n"))
		return NULL;
	kbuddy_hist_order(pool, order);
	addr = alloc_kind_hist(pool, order, gfp, KBUDDY_KIND_PAGES);
	kbuddy_leak_alloc(pool, addr, PAGE_SIZE << order, gfp);
	kbuddy_debug_block_alloc(pool, addr, _RET_IP_);
	return addr;
}
EXPORT_SYMBOL_GPL(kbuddy_alloc_pages);

/**
 * kbuddy_free_pages() - free a block allocated by kbuddy_alloc_pages()
 * @pool: the pool it came from
 * @addr: the address kbuddy_alloc_pages() returned; NULL is ignored, as
 *	free_pages(0, order) is
 * @order: the order it was allocated with
 *
 * A bad free - an address outside the pool, not aligned to @order, not the
 * start of an allocated block, a block already free (in the pool or in a
 * CPU's cache), the wrong @order (any order at or above the pool's
 * max_order, -1 included), or a block of a slab cache or of kbuddy_malloc()
 * - is refused: the pool is left exactly as it was, a bad_free_* counter
 * goes up and a ratelimited warning names the caller. Of two frees of one
 * block racing on two CPUs, exactly one succeeds.
 *
 * Context: As kbuddy_alloc_pages().
 * Return: 0, or -EINVAL for a refused free.
 */
int kbuddy_free_pages(struct kbuddy_pool *pool, void *addr,
		      unsigned int order)
{
	if (unlikely(!addr))
		return 0;
	if (WARN_ONCE(kbuddy_context_refused(),
		      "kbuddy: free from atomic context on PREEMPT_RT\n"))
		return -EINVAL;
	if (unlikely(order >= pool->page_orders))
		return kbuddy_block_free(pool, addr, order,
					 KBUDDY_TAG(KBUDDY_KIND_PAGES, 0),
					 _RET_IP_);
	return free_kind_hist(pool, addr, order, KBUDDY_KIND_PAGES, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kbuddy_free_pages);

/**
 * kbuddy_pool_drain() - give blocks cached per CPU back to the pool
 * @pool: the pool
 *
 * Afterwards kbuddy_pool_free_pages() and buddyinfo count every free page.
 *
 * Context: Process context; may sleep.
 */
void kbuddy_pool_drain(struct kbuddy_pool *pool)
{
	pcp_drain_all(pool, false);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_drain);

/* ==== Information ======================================================== */

/**
 * kbuddy_pool_stats() - a pool's page counters with its CPUs' caches merged
 * @pool: the pool
 * @ps: filled in
 *
 * The page allocator's counters (kbuddy_stats_snapshot()) with the
 * allocations and frees the per-CPU caches served added to their orders,
 * as one figure per order whichever layer served it, and the caches' own
 * events and pages.
 *
 * Context: Any context; takes the pool's lock once, and reads other CPUs'
 * counters without stopping them.
 */
void kbuddy_pool_stats(struct kbuddy_pool *pool, struct kbuddy_pool_stats *ps)
{
	unsigned long alloc[KBUDDY_PCP_ORDERS] = { 0 };
	unsigned long freed[KBUDDY_PCP_ORDERS] = { 0 };
	unsigned int order;

	memset(ps, 0, sizeof(*ps));
	ps->max_order = pool->max_order;
	ps->nr_regions = READ_ONCE(pool->nr_regions);
	kbuddy_stats_snapshot(pool, &ps->stats, &ps->nr_pages, &ps->nr_free);
	kbuddy_pcp_stats(pool, alloc, freed, ps->pcp_events, &ps->pcp_pages);
	/*
	 * The caches are read after the pool, without its lock: a refill in
	 * between moves pages from free to cached. Clamp rather than wrap.
	 */
	ps->pcp_pages = min(ps->pcp_pages, ps->nr_pages - ps->nr_free);
	for (order = 0; order < KBUDDY_PCP_ORDERS; order++) {
		ps->stats.alloc[order] += alloc[order];
		ps->stats.free[order] += freed[order];
	}
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pool_stats, KBUDDY_INTERNAL);

// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - per-CPU caches of small free blocks, and the page interface.
 *
 * As the kernel's pcp lists do for orders 0-3, each CPU keeps up to
 * KBUDDY_PCP_HIGH free blocks per small order. kbuddy_alloc_pages() and
 * kbuddy_free_pages() of such orders touch only the CPU's cache, with
 * interrupts off; a cache that runs dry takes KBUDDY_PCP_BATCH blocks from
 * the pool under one lock hold, one that fills up gives a batch back. Cached
 * blocks stay allocated in the buddy allocator, owned by KBUDDY_OWNER_PCP.
 */

#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "internal.h"

const char *const kbuddy_pcp_counter_names[KBUDDY_NR_PCP_COUNTERS] = {
	[KBUDDY_PCP_HIT]	= "pcp_alloc",
	[KBUDDY_PCP_FREE]	= "pcp_free",
	[KBUDDY_PCP_REFILL]	= "pcp_refill",
	[KBUDDY_PCP_DRAIN]	= "pcp_drain",
};

static_assert(ARRAY_SIZE(kbuddy_pcp_counter_names) == KBUDDY_NR_PCP_COUNTERS);

/**
 * kbuddy_pcp_init() - give a new pool its per-CPU page caches
 * @pool: the pool
 *
 * Context: Process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int kbuddy_pcp_init(struct kbuddy_pool *pool)
{
	pool->pcp = alloc_percpu(struct kbuddy_pcp);
	return pool->pcp ? 0 : -ENOMEM;
}

/* Give every block of @pcp back. Interrupts off, or @pcp's CPU offline. */
static void pcp_empty(struct kbuddy_pool *pool, struct kbuddy_pcp *pcp)
{
	unsigned int order;

	for (order = 0; order < KBUDDY_PCP_ORDERS; order++) {
		if (!pcp->count[order])
			continue;
		kbuddy_free_batch(pool, order, pcp->block[order],
				  pcp->count[order]);
		pcp->count[order] = 0;
		pcp->events[KBUDDY_PCP_DRAIN]++;
	}
}

/**
 * kbuddy_pcp_drain_cpu() - empty the page cache of a CPU that is offline
 * @pool: the pool
 * @cpu: the CPU, which must not be running
 *
 * Context: Process context.
 */
void kbuddy_pcp_drain_cpu(struct kbuddy_pool *pool, int cpu)
{
	unsigned long flags;

	if (!pool->pcp)
		return;
	local_irq_save(flags);
	pcp_empty(pool, per_cpu_ptr(pool->pcp, cpu));
	local_irq_restore(flags);
}

static void drain_this_cpu(void *arg)
{
	struct kbuddy_pool *pool = arg;

	pcp_empty(pool, this_cpu_ptr(pool->pcp));
}

/**
 * kbuddy_pcp_drain() - give every CPU's cached blocks back to the pool
 * @pool: the pool
 *
 * Context: Process context.
 */
void kbuddy_pcp_drain(struct kbuddy_pool *pool)
{
	int cpu;

	if (!pool->pcp)
		return;
	cpus_read_lock();
	on_each_cpu(drain_this_cpu, pool, 1);
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			kbuddy_pcp_drain_cpu(pool, cpu);
	cpus_read_unlock();
}

/**
 * kbuddy_pcp_fini() - drain and free a pool's page caches
 * @pool: the pool being destroyed; nothing allocates from it any more
 *
 * Context: Process context.
 */
void kbuddy_pcp_fini(struct kbuddy_pool *pool)
{
	kbuddy_pcp_drain(pool);
	free_percpu(pool->pcp);
	pool->pcp = NULL;
}

/**
 * kbuddy_pcp_disable() - turn a pool's page caches off
 * @pool: a pool with nothing allocated yet
 *
 * For tests of the buddy allocator itself, whose counts a cache would blur.
 *
 * Context: Process context.
 */
void kbuddy_pcp_disable(struct kbuddy_pool *pool)
{
	kbuddy_pcp_fini(pool);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pcp_disable, KBUDDY_INTERNAL);

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
			*held_pages += (unsigned long)READ_ONCE(pcp->count[order])
				       << order;
		}
		for (i = 0; i < KBUDDY_NR_PCP_COUNTERS; i++)
			events[i] += READ_ONCE(pcp->events[i]);
	}
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pcp_stats, KBUDDY_INTERNAL);

/* Problems a CPU found in its own cache. */
struct pcp_check {
	struct kbuddy_pool *pool;
	atomic_long_t problems;
};

static void check_this_cpu(void *arg)
{
	struct pcp_check *pc = arg;
	struct kbuddy_pcp *pcp = this_cpu_ptr(pc->pool->pcp);
	unsigned int order, i;

	for (order = 0; order < KBUDDY_PCP_ORDERS; order++) {
		if (pcp->count[order] > KBUDDY_PCP_HIGH) {
			atomic_long_inc(&pc->problems);
			continue;
		}
		for (i = 0; i < pcp->count[order]; i++) {
			struct kbuddy_pcp_block *b = &pcp->block[order][i];
			struct kbuddy_region *r = kbuddy_find_region(pc->pool, b->addr);

			if (!r || b->page != &r->pages[(b->addr - r->virt) >> PAGE_SHIFT] ||
			    READ_ONCE(b->page->state) != KBUDDY_PAGE_ALLOC ||
			    READ_ONCE(b->page->order) != order ||
			    READ_ONCE(b->page->owner) != KBUDDY_OWNER_PCP)
				atomic_long_inc(&pc->problems);
		}
	}
}

/**
 * kbuddy_pcp_validate() - check every CPU's page cache
 * @pool: the pool
 * @report: called once if problems are found, or NULL
 * @ctx: passed to @report
 *
 * Each CPU checks its own cache in an IPI: every block is the head of an
 * allocated block of its order, owned by the page caches.
 *
 * Context: Process context, with cpus_read_lock() held.
 * Return: the number of problems found.
 */
unsigned long kbuddy_pcp_validate(struct kbuddy_pool *pool,
				  kbuddy_report_fn report, void *ctx)
{
	struct pcp_check pc = { .pool = pool };
	unsigned long problems;

	if (!pool->pcp)
		return 0;
	on_each_cpu(check_this_cpu, &pc, 1);
	problems = atomic_long_read(&pc.problems);
	if (problems && report)
		kbuddy_report(report, ctx, "pcp: %lu cached blocks are not heads of their order\n",
			      problems);
	return problems;
}

/* ==== Public interface =================================================== */

/**
 * kbuddy_alloc_pages() - allocate a block of 2^@order pages
 * @pool: the pool
 * @order: the order of the block, below the pool's max_order
 * @gfp: allocation flags; __GFP_ZERO (or init_on_alloc) zeroes the block
 *
 * The block is naturally aligned: its physical address is a multiple of
 * PAGE_SIZE << @order. Orders below KBUDDY_PCP_ORDERS come from this CPU's
 * page cache without the pool's lock when it holds a block. kbuddy never
 * sleeps to find memory, so any gfp works from any context; a blocking gfp
 * only lets the debug kernel check that the caller could sleep.
 *
 * Context: Any context.
 * Return: the kernel virtual address of the block, or NULL if no block of
 * @order is free or @order is out of range.
 */
void *kbuddy_alloc_pages(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp)
{
	struct kbuddy_pcp *pcp;
	unsigned long flags;
	unsigned int n;
	void *addr;

	if (order >= KBUDDY_PCP_ORDERS || !pool->pcp)
		return kbuddy_alloc_owned(pool, order, gfp, NULL);
	might_sleep_if(gfpflags_allow_blocking(gfp));

	local_irq_save(flags);
	pcp = this_cpu_ptr(pool->pcp);
	n = pcp->count[order];
	if (unlikely(!n)) {
		n = kbuddy_alloc_batch(pool, order, pcp->block[order],
				       KBUDDY_PCP_BATCH);
		if (!n) {
			local_irq_restore(flags);
			/* The cache is dry and so is the pool. */
			kbuddy_count_fail(pool, order);
			return NULL;
		}
		pcp->events[KBUDDY_PCP_REFILL]++;
	}
	n--;
	addr = pcp->block[order][n].addr;
	WRITE_ONCE(pcp->block[order][n].page->owner, NULL);
	pcp->count[order] = n;
	pcp->alloc[order]++;
	local_irq_restore(flags);

	if ((gfp & __GFP_ZERO) || want_init_on_alloc(gfp))
		memset(addr, 0, PAGE_SIZE << order);
	return addr;
}
EXPORT_SYMBOL_GPL(kbuddy_alloc_pages);

/**
 * kbuddy_free_pages() - free a block allocated by kbuddy_alloc_pages()
 * @pool: the pool it came from
 * @addr: the address kbuddy_alloc_pages() returned
 * @order: the order it was allocated with
 *
 * A bad free - an address outside the pool, not aligned to @order, not the
 * start of an allocated block, a block already free (in the pool or in a
 * CPU's cache), the wrong @order, or a block of a slab cache or of
 * kbuddy_malloc() - is refused: the pool is left exactly as it was, a
 * bad_free_* counter goes up and a ratelimited warning names the caller.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a refused free.
 */
int kbuddy_free_pages(struct kbuddy_pool *pool, void *addr,
		      unsigned int order)
{
	struct kbuddy_region *r;
	struct kbuddy_page *page;
	struct kbuddy_pcp *pcp;
	unsigned long flags, off;
	unsigned int n;

	if (order >= KBUDDY_PCP_ORDERS || !pool->pcp)
		goto slow;
	r = kbuddy_find_region(pool, addr);
	if (unlikely(!r))
		goto slow;
	off = addr - r->virt;
	if (unlikely(off & ((PAGE_SIZE << order) - 1)) ||
	    unlikely((r->base_pfn + (off >> PAGE_SHIFT)) & ((1UL << order) - 1)))
		goto slow;
	page = &r->pages[off >> PAGE_SHIFT];
	if (unlikely(READ_ONCE(page->state) != KBUDDY_PAGE_ALLOC ||
		     READ_ONCE(page->order) != order))
		goto slow;
	/*
	 * Claim the block for the cache. Two frees of one block racing each
	 * other cannot both win; the loser is classified under the lock.
	 */
	if (unlikely(cmpxchg(&page->owner, NULL, KBUDDY_OWNER_PCP)))
		goto slow;

	local_irq_save(flags);
	pcp = this_cpu_ptr(pool->pcp);
	n = pcp->count[order];
	if (unlikely(n == KBUDDY_PCP_HIGH)) {
		/* Give back the oldest batch: the newest are cache-hot. */
		kbuddy_free_batch(pool, order, pcp->block[order],
				  KBUDDY_PCP_BATCH);
		n -= KBUDDY_PCP_BATCH;
		memmove(pcp->block[order], pcp->block[order] + KBUDDY_PCP_BATCH,
			n * sizeof(pcp->block[order][0]));
		pcp->events[KBUDDY_PCP_DRAIN]++;
	}
	pcp->block[order][n].addr = addr;
	pcp->block[order][n].page = page;
	pcp->count[order] = n + 1;
	pcp->free[order]++;
	local_irq_restore(flags);
	return 0;

slow:
	return kbuddy_free_owned(pool, addr, order, NULL, _RET_IP_);
}
EXPORT_SYMBOL_GPL(kbuddy_free_pages);

/**
 * kbuddy_alloc_large() - a whole block for the malloc family
 * @pool: the pool
 * @order: its order
 * @gfp: allocation flags
 *
 * Small orders come through this CPU's page cache, as kbuddy_alloc_pages()
 * does; every page of the block is then marked KBUDDY_OWNER_LARGE.
 *
 * Context: Any context.
 * Return: the block, or NULL.
 */
void *kbuddy_alloc_large(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp)
{
	struct kbuddy_region *r;
	unsigned long i, first;
	void *addr;

	if (order >= KBUDDY_PCP_ORDERS || !pool->pcp)
		return kbuddy_alloc_owned(pool, order, gfp, KBUDDY_OWNER_LARGE);
	addr = kbuddy_alloc_pages(pool, order, gfp);
	if (!addr)
		return NULL;
	/* The block is ours alone: no one else writes its descriptors. */
	r = kbuddy_find_region(pool, addr);
	first = (addr - r->virt) >> PAGE_SHIFT;
	for (i = 0; i < 1UL << order; i++)
		WRITE_ONCE(r->pages[first + i].owner, KBUDDY_OWNER_LARGE);
	return addr;
}

/**
 * kbuddy_free_large() - free a block from kbuddy_alloc_large()
 * @pool: the pool
 * @addr: the block
 * @caller: the return address reported for a bad free
 *
 * A small block of the malloc family is handed back to its owner NULL and
 * goes to this CPU's page cache; anything else goes through the pool's lock,
 * which frees it or classifies and refuses it.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a refused free.
 */
int kbuddy_free_large(struct kbuddy_pool *pool, void *addr,
		      unsigned long caller)
{
	struct kbuddy_region *r = kbuddy_find_region(pool, addr);
	struct kbuddy_page *page;
	unsigned long off, i;
	unsigned int order;

	if (unlikely(!r || !pool->pcp))
		goto slow;
	off = addr - r->virt;
	if (unlikely(!PAGE_ALIGNED(off)))
		goto slow;
	page = &r->pages[off >> PAGE_SHIFT];
	order = READ_ONCE(page->order);
	if (unlikely(READ_ONCE(page->state) != KBUDDY_PAGE_ALLOC ||
		     order >= KBUDDY_PCP_ORDERS ||
		     ((r->base_pfn + (off >> PAGE_SHIFT)) & ((1UL << order) - 1))))
		goto slow;
	/* Claim it back from the malloc family; a racing second free loses. */
	if (unlikely(cmpxchg(&page->owner, KBUDDY_OWNER_LARGE, NULL) !=
		     KBUDDY_OWNER_LARGE))
		goto slow;
	for (i = 1; i < 1UL << order; i++)
		WRITE_ONCE(page[i].owner, NULL);
	return kbuddy_free_pages(pool, addr, order);
slow:
	return kbuddy_free_owned(pool, addr, KBUDDY_ANY_ORDER,
				 KBUDDY_OWNER_LARGE, caller);
}

/**
 * kbuddy_pool_drain() - give blocks cached per CPU back to the pool
 * @pool: the pool
 *
 * Afterwards kbuddy_pool_free_pages() and buddyinfo count every free page.
 *
 * Context: Process context.
 */
void kbuddy_pool_drain(struct kbuddy_pool *pool)
{
	kbuddy_pcp_drain(pool);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_drain);

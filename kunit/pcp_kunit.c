// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_pcp: the per-CPU page caches in front of the pool lock.
 *
 * Every case ends with check_pcp(): kbuddy's validator (which has each CPU
 * check its own cache) and the page count: free pages in the pool, pages
 * held in the caches and pages the case holds add up to the pool.
 */

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include "helpers.h"

struct pcp_counts {
	unsigned long alloc[KBUDDY_PCP_ORDERS];
	unsigned long free[KBUDDY_PCP_ORDERS];
	unsigned long events[KBUDDY_NR_PCP_COUNTERS];
	unsigned long held;
};

static void pcp_counts(struct kbuddy_pool *pool, struct pcp_counts *pc)
{
	memset(pc, 0, sizeof(*pc));
	kbuddy_pcp_stats(pool, pc->alloc, pc->free, pc->events, &pc->held);
}

static void check_pcp(struct kunit *test, struct kbuddy_pool *pool,
		      unsigned long held_by_test)
{
	struct pcp_counts pc;

	kbt_expect_pool_ok(test, pool);
	pcp_counts(pool, &pc);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool) + pc.held + held_by_test,
			kbuddy_pool_total_pages(pool));
}

static void expect_pristine(struct kunit *test, struct kbuddy_pool *pool)
{
	kbuddy_pool_drain(pool);
	check_pcp(test, pool, 0);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), kbuddy_pool_total_pages(pool));
}

static void kbuddy_pcp_serves_small_orders(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	struct pcp_counts before, after;
	unsigned int order, i;

	kbt_add_mem(test, pool, KBT_PHYS, SZ_4M);
	pcp_counts(pool, &before);
	/* One CPU throughout: one refill per order, then only cache hits. */
	migrate_disable();
	for (order = 0; order < KBUDDY_PCP_ORDERS; order++)
		for (i = 0; i < 1000; i++) {
			void *p = kbuddy_alloc_pages(pool, order, GFP_ATOMIC);

			kbuddy_free_pages(pool, p, order);
		}
	migrate_enable();
	pcp_counts(pool, &after);
	/* The orders this pool caches (kbuddy_pcp_orders_for()); the rest not. */
	for (order = 0; order < KBUDDY_PCP_ORDERS; order++) {
		unsigned long n = order < pool->pcp_orders ? 1000 : 0;

		KUNIT_EXPECT_EQ(test, after.alloc[order] - before.alloc[order], n);
		KUNIT_EXPECT_EQ(test, after.free[order] - before.free[order], n);
		KUNIT_EXPECT_EQ(test, pool->stats.free[order], 1000 - n);
	}
	KUNIT_EXPECT_EQ(test, after.events[KBUDDY_PCP_REFILL] - before.events[KBUDDY_PCP_REFILL],
			(unsigned long)pool->pcp_orders);
	KUNIT_EXPECT_EQ(test, after.events[KBUDDY_PCP_DRAIN], before.events[KBUDDY_PCP_DRAIN]);
	/* The pool's lock saw only the refills. */
	KUNIT_EXPECT_EQ(test, pool->stats.alloc[0], 0UL);
	check_pcp(test, pool, 0);
	expect_pristine(test, pool);
}

static void kbuddy_pcp_spills_a_batch_when_full(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	void **p = kunit_kcalloc(test, 200, sizeof(*p), GFP_KERNEL);
	struct pcp_counts pc;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	kbt_add_mem(test, pool, KBT_PHYS, SZ_4M);
	migrate_disable();
	for (i = 0; i < 200; i++)
		p[i] = kbuddy_alloc_pages(pool, 0, GFP_ATOMIC);
	for (i = 0; i < 200; i++)
		kbuddy_free_pages(pool, p[i], 0);
	migrate_enable();
	pcp_counts(pool, &pc);
	/* Never more than KBUDDY_PCP_HIGH held; the rest went back in batches. */
	KUNIT_EXPECT_LE(test, pc.held, (unsigned long)KBUDDY_PCP_HIGH);
	KUNIT_EXPECT_GE(test, pc.events[KBUDDY_PCP_DRAIN], 1UL);
	check_pcp(test, pool, 0);
	expect_pristine(test, pool);
}

/*
 * Orders 4-6 are cached too, but a few blocks each (kbuddy_pcp_high()):
 * a CPU that frees many keeps at most that many and gives the rest back a
 * batch at a time; what it keeps is what the stats count as held.
 */
static void kbuddy_pcp_large_orders_bounded(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	void **p = kunit_kcalloc(test, 32, sizeof(*p), GFP_KERNEL);
	unsigned long held_before;
	struct pcp_counts pc;
	unsigned int order, i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	kbt_add_mem(test, pool, KBT_PHYS, SZ_8M);
	KUNIT_EXPECT_EQ(test, pool->pcp_orders, kbuddy_pcp_orders_for(SZ_8M >> PAGE_SHIFT));
	for (order = KBUDDY_PCP_SMALL_ORDERS; order < pool->pcp_orders; order++) {
		unsigned int n = 3 * kbuddy_pcp_high(order);

		KUNIT_ASSERT_LE(test, n, 32U);
		migrate_disable();
		pcp_counts(pool, &pc);
		held_before = pc.held;
		for (i = 0; i < n; i++) {
			p[i] = kbuddy_alloc_pages(pool, order, GFP_ATOMIC);
			KUNIT_ASSERT_NOT_NULL(test, p[i]);
		}
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[i], order), 0);
		pcp_counts(pool, &pc);
		migrate_enable();
		/* This CPU's cache of @order holds at most its high mark. */
		KUNIT_EXPECT_LE(test, pc.held - held_before,
				(unsigned long)kbuddy_pcp_high(order) << order);
		KUNIT_EXPECT_GE(test, pc.events[KBUDDY_PCP_DRAIN], 1UL);
		check_pcp(test, pool, 0);
	}
	expect_pristine(test, pool);
}

/*
 * Orders 4-6 are cached only as far as every possible CPU's caches of them
 * stay within an eighth of the pool: a 1 MiB pool caches none of them (an
 * order-4 free goes straight back to the free lists), and the limit grows
 * with the pool's regions.
 */
static void kbuddy_pcp_orders_scale_with_pool(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	unsigned long cpus = num_possible_cpus(), large;
	struct pcp_counts pc;
	void *p;

	for (large = 0; large <= 3; large++) {
		unsigned long pages = 8 * 128 * cpus * large;

		KUNIT_EXPECT_EQ(test, kbuddy_pcp_orders_for(pages), 4 + large);
		if (pages)
			KUNIT_EXPECT_EQ(test, kbuddy_pcp_orders_for(pages - 1), 3 + large);
	}
	KUNIT_EXPECT_EQ(test, kbuddy_pcp_orders_for(ULONG_MAX), (unsigned int)KBUDDY_PCP_ORDERS);
	KUNIT_EXPECT_EQ(test, pool->pcp_orders, (unsigned int)KBUDDY_PCP_SMALL_ORDERS);

	kbt_add_mem(test, pool, KBT_PHYS, SZ_1M);
	KUNIT_EXPECT_EQ(test, pool->pcp_orders, kbuddy_pcp_orders_for(SZ_1M >> PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, pool->pcp_orders, (unsigned int)KBUDDY_PCP_SMALL_ORDERS);
	migrate_disable();
	p = kbuddy_alloc_pages(pool, 4, GFP_ATOMIC);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 4), 0);
	pcp_counts(pool, &pc);
	migrate_enable();
	/* Nothing of order 4 parked: the block went back to the free lists. */
	KUNIT_EXPECT_EQ(test, pc.alloc[4] + pc.free[4], 0UL);
	KUNIT_EXPECT_EQ(test, pool->stats.free[4], 1UL);
	check_pcp(test, pool, 0);
	expect_pristine(test, pool);
}

static void kbuddy_pcp_double_free_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11), *nopcp;
	unsigned long before;
	void *p;

	kbt_add_mem(test, pool, KBT_PHYS, SZ_1M);
	p = kbuddy_alloc_pages(pool, 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 1), 0);
	before = pool->stats.counter[KBUDDY_BAD_FREE_DOUBLE];
	/* p sits in this CPU's cache: still allocated to the buddy allocator. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_BAD_FREE_DOUBLE], before + 1);
	/* Whatever the order given, it is free already. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_BAD_FREE_DOUBLE], before + 2);
	/* Order -1 is no "any order", with the caches on too. */
	p = kbuddy_alloc_pages(pool, 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 2), 0);
	nopcp = kbuddy_pool_create_kind("kunit-nopcp", 0, KBUDDY_POOL_RAM,
					KBUDDY_POOL_NO_PCP);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, nopcp);
	/* Decided before CPU hotplug or debugfs could see the pool. */
	KUNIT_EXPECT_TRUE(test, !nopcp->pcp);
	kbuddy_pool_destroy(nopcp);
	check_pcp(test, pool, 0);
	expect_pristine(test, pool);
	/* And once drained, a plain double free. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_BAD_FREE_DOUBLE], before + 3);
	check_pcp(test, pool, 0);
}

static void kbuddy_pcp_drained_before_destroy(struct kunit *test)
{
	struct kbt_ctx *c = test->priv;
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	void *p[40];
	unsigned int i;

	kbt_add_mem(test, pool, KBT_PHYS, SZ_1M);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = kbuddy_alloc_pages(pool, i % 4, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[i], i % 4), 0);
	check_pcp(test, pool, 0);
	/* Cached blocks are allocated to the buddy allocator until drained. */
	KUNIT_EXPECT_GT(test, kbuddy_region_report_used(pool, &pool->regions[0], NULL, NULL), 0UL);
	kbuddy_pool_drain(pool);
	KUNIT_EXPECT_EQ(test, kbuddy_region_report_used(pool, &pool->regions[0], NULL, NULL), 0UL);
	/* Destroy drains too: cache some again and destroy with them cached. */
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		kbuddy_free_pages(pool, p[i], 0);
	kbuddy_pool_destroy(pool);
	c->nr_pools--;
}

struct remote {
	struct kbuddy_pool *pool;
	void **p;
	unsigned int n;
	struct completion done;
	int errors;
};

static int remote_free_fn(void *arg)
{
	struct remote *r = arg;

	while (r->n) {
		r->n--;
		r->errors += !!kbuddy_free_pages(r->pool, r->p[r->n], 0);
	}
	complete(&r->done);
	return 0;
}

static int other_cpu(void)
{
	int this = get_cpu();

	put_cpu();
	return cpumask_any_but(cpu_online_mask, this);
}

/* Free @n order-0 blocks from @p on @cpu and wait. */
static void free_on(struct kunit *test, struct kbuddy_pool *pool, void **p,
		    unsigned int n, int cpu)
{
	struct remote *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->pool = pool;
	r->p = p;
	r->n = n;
	init_completion(&r->done);
	t = kthread_create(remote_free_fn, r, "kbuddy-pcp");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	kthread_bind(t, cpu);
	wake_up_process(t);
	wait_for_completion(&r->done);
	KUNIT_EXPECT_EQ(test, r->errors, 0);
}

static void kbuddy_pcp_remote_free(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	void **p = kunit_kcalloc(test, 48, sizeof(*p), GFP_KERNEL);
	int other = other_cpu();
	struct pcp_counts pc;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	if (other >= nr_cpu_ids)
		kunit_skip(test, "needs a second online CPU");
	kbt_add_mem(test, pool, KBT_PHYS, SZ_1M);
	for (i = 0; i < 48; i++) {
		p[i] = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	check_pcp(test, pool, 48);
	free_on(test, pool, p, 48, other);
	pcp_counts(pool, &pc);
	/* Now in the other CPU's cache, and validated there. */
	KUNIT_EXPECT_GE(test, pc.held, 48UL);
	check_pcp(test, pool, 0);
	expect_pristine(test, pool);
}

static void kbuddy_pcp_drained_when_cpu_goes_offline(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	void **p = kunit_kcalloc(test, 32, sizeof(*p), GFP_KERNEL);
	struct pcp_counts before, after;
	/* CPU 0 may not go offline; any other may, even the one we run on. */
	int other = cpumask_next(0, cpu_online_mask);
	unsigned int i;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, p);
	if (other >= nr_cpu_ids)
		kunit_skip(test, "needs an online CPU other than CPU 0");
	kbt_add_mem(test, pool, KBT_PHYS, SZ_1M);
	for (i = 0; i < 32; i++)
		p[i] = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	/* Empty every cache, so that only @other holds blocks. */
	kbuddy_pool_drain(pool);
	free_on(test, pool, p, 32, other);
	pcp_counts(pool, &before);
	KUNIT_EXPECT_GE(test, before.held, 32UL);
	err = remove_cpu(other);
	if (err)
		kunit_skip(test, "CPU %d cannot go offline: %d", other, err);
	pcp_counts(pool, &after);
	KUNIT_EXPECT_LE(test, after.held, before.held - 32);
	check_pcp(test, pool, 0);
	KUNIT_EXPECT_EQ(test, add_cpu(other), 0);
	expect_pristine(test, pool);
}

static void kbuddy_pcp_random_sequence(struct kunit *test)
{
	struct kbt_ctx *c = test->priv;
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	unsigned long i, held_pages = 0;
	struct rnd_state rnd;

	kbt_add_mem(test, pool, KBT_PHYS, SZ_8M);
	prandom_seed_state(&rnd, 4242);
	for (i = 0; i < 50000; i++) {
		u32 x = prandom_u32_state(&rnd);

		if (c->nr_held && (x % 100 >= 55 || c->nr_held == 2048)) {
			unsigned int k = (x >> 8) % c->nr_held;

			KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, c->held[k].addr,
								c->held[k].order), 0);
			held_pages -= 1UL << c->held[k].order;
			c->held[k] = c->held[--c->nr_held];
		} else {
			unsigned int order = (x >> 8) % 6;
			void *p = kbuddy_alloc_pages(pool, order, GFP_KERNEL);

			if (p) {
				c->held[c->nr_held++] = (struct kbt_held){ pool, p, order };
				held_pages += 1UL << order;
			}
		}
		if (i % 10000 == 9999) {
			check_pcp(test, pool, held_pages);
			cond_resched();
		}
	}
	while (c->nr_held) {
		c->nr_held--;
		kbuddy_free_pages(pool, c->held[c->nr_held].addr, c->held[c->nr_held].order);
	}
	expect_pristine(test, pool);
}

static void kbuddy_pcp_serves_malloc_blocks(struct kunit *test)
{
	/* Up to a page, a malloc takes a size class: these take blocks. */
	static const size_t sizes[] = { 5000, 8000, 3 * PAGE_SIZE, 5 * PAGE_SIZE,
					9 * PAGE_SIZE };
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	void *p[ARRAY_SIZE(sizes)];
	unsigned long held = 0;
	struct pcp_counts pc;
	unsigned int i;
	u8 *q;

	kbt_add_mem(test, pool, KBT_PHYS, SZ_1M);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kbuddy_malloc(pool, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p[i]),
				(size_t)(PAGE_SIZE << get_order(sizes[i])));
		held += kbuddy_ksize(pool, p[i]) >> PAGE_SHIFT;
	}
	pcp_counts(pool, &pc);
	/* Orders 1-3 came from the page cache. */
	KUNIT_EXPECT_GE(test, pc.alloc[1] + pc.alloc[2] + pc.alloc[3], 4UL);
	check_pcp(test, pool, held);
	/* A block of the malloc family is no pages block, and the reverse. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[0], 1), -EINVAL);
	/* In-place growth and shrink keep the owner on every page. */
	q = kbuddy_realloc(pool, p[1], 3 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	p[1] = q;
	held = 0;
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		held += kbuddy_ksize(pool, p[i]) >> PAGE_SHIFT;
	check_pcp(test, pool, held);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p[i]), 0);
	/* Freed into the cache: a second free is refused. */
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p[0]), -EINVAL);
	check_pcp(test, pool, 0);
	expect_pristine(test, pool);
}

/*
 * Issue 10, defect 1: with every page freed, part of the pool sits in a
 * CPU's cache and keeps its buddies from merging. A request for the whole
 * pool must still succeed without the caller draining: from the same CPU
 * even atomically (its own cache is reclaimed), and from any CPU when the
 * caller may sleep (every CPU's cache is).
 */
static void kbuddy_pcp_reclaimed_before_failing(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	unsigned long n = SZ_4M >> PAGE_SHIFT, i;
	struct pcp_counts pc;
	gfp_t gfp;
	void **p;
	void *big;

	p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kbt_add_mem(test, pool, KBT_PHYS, SZ_4M);
	for (gfp = GFP_ATOMIC; ; gfp = GFP_KERNEL) {
		migrate_disable();
		for (i = 0; i < n; i++) {
			p[i] = kbuddy_alloc_pages(pool, 0, GFP_ATOMIC);
			KUNIT_ASSERT_NOT_NULL(test, p[i]);
		}
		for (i = 0; i < n; i++)
			KUNIT_ASSERT_EQ(test, kbuddy_free_pages(pool, p[i], 0), 0);
		pcp_counts(pool, &pc);
		KUNIT_EXPECT_GT(test, pc.held, 0UL);
		check_pcp(test, pool, 0);
		if (gfp == GFP_KERNEL)
			migrate_enable();
		big = kbuddy_alloc_pages(pool, 10, gfp);
		if (gfp != GFP_KERNEL)
			migrate_enable();
		KUNIT_ASSERT_NOT_NULL(test, big);
		check_pcp(test, pool, 1UL << 10);
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, big, 10), 0);
		if (gfp == GFP_KERNEL)
			break;
	}
	KUNIT_EXPECT_GE(test, pool->stats.counter[KBUDDY_RECLAIMS], 2UL);
	KUNIT_EXPECT_EQ(test, pool->stats.fail[10], 0UL);
	expect_pristine(test, pool);
}

/*
 * Issue 10, defect 2: a refill hands out the block a pool without caches
 * would have, of exactly the requested order when one is free. On a pool
 * holding one free block of each order, allocating orders 0, 1, 2, ... in
 * turn (draining after each) takes exactly those blocks and never fails.
 */
static void kbuddy_pcp_refill_hands_out_exact_order(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	void *base, *first, *p[10];
	unsigned int order;

	base = kbt_add_mem(test, pool, KBT_PHYS, SZ_4M);
	/* Hold the first page: orders 0..9 are then free once each. */
	first = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	KUNIT_ASSERT_PTR_EQ(test, first, base);
	kbuddy_pool_drain(pool);
	for (order = 0; order < 10; order++)
		KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[order].nr_free, 1UL);
	for (order = 0; order < 10; order++) {
		p[order] = kbuddy_alloc_pages(pool, order, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[order]);
		KUNIT_EXPECT_PTR_EQ(test, p[order],
				    base + (PAGE_SIZE << order));
		kbuddy_pool_drain(pool);
		check_pcp(test, pool, (2UL << order));
	}
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), 0UL);
	for (order = 0; order < 10; order++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[order], order), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, first, 0), 0);
	expect_pristine(test, pool);
}

static struct kunit_case kbuddy_pcp_cases[] = {
	KUNIT_CASE(kbuddy_pcp_reclaimed_before_failing),
	KUNIT_CASE(kbuddy_pcp_refill_hands_out_exact_order),
	KUNIT_CASE(kbuddy_pcp_serves_malloc_blocks),
	KUNIT_CASE(kbuddy_pcp_serves_small_orders),
	KUNIT_CASE(kbuddy_pcp_spills_a_batch_when_full),
	KUNIT_CASE(kbuddy_pcp_large_orders_bounded),
	KUNIT_CASE(kbuddy_pcp_orders_scale_with_pool),
	KUNIT_CASE(kbuddy_pcp_double_free_refused),
	KUNIT_CASE(kbuddy_pcp_drained_before_destroy),
	KUNIT_CASE(kbuddy_pcp_remote_free),
	KUNIT_CASE(kbuddy_pcp_drained_when_cpu_goes_offline),
	KUNIT_CASE(kbuddy_pcp_random_sequence),
	{}
};

static struct kunit_suite kbuddy_pcp_suite = {
	.name = "kbuddy_pcp",
	.init = kbt_init,
	.exit = kbt_exit,
	.test_cases = kbuddy_pcp_cases,
};

kunit_test_suite(kbuddy_pcp_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_fault: fault injection (kernel/fault.c).
 *
 * The main case runs one scenario that reaches every allocation site of a
 * pool - a region's metadata, a cache's creation and its magazines, slab
 * descriptors and slab blocks, per-CPU page cache refills, blocks off the
 * free lists, malloc and a growing realloc - once per step: run n makes the
 * n-th site check fail (the nth knob) and nothing else. After every run the
 * caller got NULL or -ENOMEM where the failure hit, memory the scenario
 * wrote is intact, kbuddy's validator finds nothing, and once everything is
 * freed the pool's pages are all free again: nothing leaked into the pool
 * (kmemleak, scanning at the end of the VM run, watches the kernel's heap).
 * The runs stop when a run reaches the end without a failure; by then every
 * site must have failed at least once.
 *
 * The other cases cover the knobs themselves: probability with times and
 * interval (the kernel's fault_attr on a kernel with fault injection, else
 * kbuddy's own, with the same meaning), the sites mask, a refused value that
 * changes nothing, and pool creation through the global knobs.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include "helpers.h"

#define FT_PHYS		(KBT_PHYS * 6)
#define FT_SIZE		SZ_2M
#define FT_OBJS		80
#define FT_PAGES	8
/* Far more runs than the scenario has site checks: a bound, not a goal. */
#define FT_MAX_RUNS	4000

struct ft_run {
	struct kbuddy_pool *pool;
	void *obj[FT_OBJS];
	void *page[FT_PAGES];
};

static long ft_injected(struct kbuddy_fault *f, unsigned long *sites)
{
	long n = 0, k;
	unsigned int i;

	for (i = 0; i < KBUDDY_NR_FAULT_SITES; i++) {
		k = atomic_long_read(&f->injected[i]);
		if (k && sites)
			*sites |= BIT(i);
		n += k;
	}
	return n;
}

/*
 * The scenario: every call may fail (NULL or -ENOMEM, nothing else), and
 * whatever succeeded is freed again by the end.
 */
static void ft_scenario(struct kunit *test, struct ft_run *r, void *mem)
{
	struct kbuddy_pool *pool = r->pool;
	struct kbuddy_cache *c;
	void *big, *m, *m2, *q;
	unsigned int i;
	int err;

	err = kbuddy_pool_add_mem(pool, mem, FT_PHYS, FT_SIZE);
	if (err) {
		KUNIT_EXPECT_EQ(test, err, -ENOMEM);
		return;
	}
	c = kbuddy_cache_create(pool, "ft", 200, 0, 0, NULL);
	if (IS_ERR(c)) {
		KUNIT_EXPECT_EQ(test, PTR_ERR(c), -ENOMEM);
		c = NULL;
	}
	for (i = 0; c && i < FT_OBJS; i++) {
		r->obj[i] = kbuddy_cache_alloc(c, GFP_KERNEL);
		if (r->obj[i])
			memset(r->obj[i], i, 200);
	}
	for (i = 0; i < FT_PAGES; i++)
		r->page[i] = kbuddy_alloc_pages(pool, i % 3, GFP_KERNEL);
	big = kbuddy_alloc_pages(pool, 6, GFP_KERNEL);
	m = kbuddy_malloc(pool, 100, GFP_KERNEL);
	m2 = kbuddy_malloc(pool, 3 * PAGE_SIZE, GFP_KERNEL);
	if (m) {
		memset(m, 0x5a, 100);
		q = kbuddy_realloc(pool, m, 3000, GFP_KERNEL);
		/* Moved or not, the first 100 bytes are what was written. */
		if (q)
			m = q;
		KUNIT_EXPECT_NULL(test, memchr_inv(m, 0x5a, 100));
	}
	/* Freed in an order that spills magazines to the depot. */
	for (i = 0; c && i < FT_OBJS; i++) {
		if (!r->obj[i])
			continue;
		KUNIT_EXPECT_NULL(test, memchr_inv(r->obj[i], i & 0xff, 200));
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, r->obj[i]), 0);
		r->obj[i] = NULL;
	}
	for (i = 0; i < FT_PAGES; i++) {
		if (r->page[i])
			KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, r->page[i], i % 3), 0);
		r->page[i] = NULL;
	}
	if (big)
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, big, 6), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, m), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, m2), 0);
	if (c)
		KUNIT_EXPECT_EQ(test, kbuddy_cache_destroy(c), 0);
}

/* Every site, at every step of the scenario: one failure per run. */
static void kbuddy_fault_every_site_every_step(struct kunit *test)
{
	unsigned long sites = 0, want;
	struct ft_run *r;
	unsigned int n;
	long got;
	void *mem;
	char name[KBUDDY_NAME_LEN + 1];

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	mem = vmalloc(FT_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	for (n = 1; n <= FT_MAX_RUNS; n++) {
		snprintf(name, sizeof(name), "ft-%u", n);
		r->pool = kbuddy_pool_create(name, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r->pool);
		KUNIT_ASSERT_EQ(test, kbuddy_fault_set(&r->pool->fault, KBUDDY_FAULT_NTH, n), 0);
		ft_scenario(test, r, mem);
		KUNIT_ASSERT_EQ(test, kbuddy_fault_set(&r->pool->fault, KBUDDY_FAULT_NTH, 0), 0);
		got = ft_injected(&r->pool->fault, &sites);
		KUNIT_EXPECT_LE_MSG(test, got, 1L, "run %u", n);
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_pool_check(r->pool, kbt_report, test), 0L,
				    "run %u", n);
		/* Nothing leaked into the pool: what is parked goes back. */
		kbuddy_kmalloc_shrink(r->pool);
		kbuddy_pool_drain(r->pool);
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_pool_free_pages(r->pool),
				    kbuddy_pool_total_pages(r->pool), "run %u", n);
		kbuddy_pool_destroy(r->pool);
		if (!got)
			break;
	}
	vfree(mem);
	kunit_info(test, "%u runs, the last without a failure\n", n);
	KUNIT_EXPECT_LT(test, n, (unsigned int)FT_MAX_RUNS);
	want = BIT(KBUDDY_NR_FAULT_SITES) - 1 - BIT(KBUDDY_FAULT_POOL_CREATE);
	KUNIT_EXPECT_EQ_MSG(test, sites, want,
			    "sites that failed %#lx, want every pool site %#lx", sites, want);
}

/* probability 100 with times 3: three failures, then none. */
static void kbuddy_fault_probability_times(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_fault *f = &pool->fault;
	void *p[6];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_TIMES, 3), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_PROBABILITY, 100), 0);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = kbuddy_malloc(pool, 64, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, kbuddy_fault_get(f, KBUDDY_FAULT_TIMES), 0L);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		if (i < 3)
			KUNIT_EXPECT_NULL(test, p[i]);
		else
			KUNIT_EXPECT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->injected[KBUDDY_FAULT_MALLOC]), 3L);
	KUNIT_EXPECT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_PROBABILITY, 0), 0);
	kbt_expect_pool_ok(test, pool);
}

/* interval 4, no limit: every fourth check fails. */
static void kbuddy_fault_interval(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_fault *f = &pool->fault;
	unsigned int i, failed = 0;
	void *p;

	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_SITES,
					       BIT(KBUDDY_FAULT_MALLOC)), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_INTERVAL, 4), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_TIMES, -1), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_PROBABILITY, 100), 0);
	for (i = 0; i < 40; i++) {
		p = kbuddy_malloc(pool, 64, GFP_KERNEL);
		failed += !p;
		KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p), 0);
	}
	KUNIT_EXPECT_EQ(test, failed, 10U);
	KUNIT_EXPECT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_PROBABILITY, 0), 0);
	kbt_expect_pool_ok(test, pool);
}

/* A site left out of the mask never fails; the others do. */
static void kbuddy_fault_sites_mask(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_fault *f = &pool->fault;
	unsigned long mask;
	void *p;

	KUNIT_ASSERT_EQ(test, kbuddy_fault_parse_sites("block, pcp_refill\n", &mask), 0);
	KUNIT_EXPECT_EQ(test, mask, BIT(KBUDDY_FAULT_BLOCK) | BIT(KBUDDY_FAULT_PCP_REFILL));
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_SITES, mask), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_TIMES, -1), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_PROBABILITY, 100), 0);
	/* Pages fail, from the page cache's refill and from the free lists. */
	KUNIT_EXPECT_NULL(test, kbuddy_alloc_pages(pool, 0, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kbuddy_alloc_pages(pool, 5, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_SITES,
					       BIT(KBUDDY_FAULT_REALLOC)), 0);
	p = kbuddy_alloc_pages(pool, 5, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 5), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->injected[KBUDDY_FAULT_MALLOC]), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&f->injected[KBUDDY_FAULT_BLOCK]), 0L);
	KUNIT_EXPECT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_PROBABILITY, 0), 0);
	kbt_expect_pool_ok(test, pool);
}

/* Out-of-range values and unknown sites are refused and change nothing. */
static void kbuddy_fault_bad_values_refused(struct kunit *test)
{
	static const struct {
		enum kbuddy_fault_knob knob;
		long val;
	} bad[] = {
		{ KBUDDY_FAULT_PROBABILITY, -1 }, { KBUDDY_FAULT_PROBABILITY, 101 },
		{ KBUDDY_FAULT_INTERVAL, 0 }, { KBUDDY_FAULT_INTERVAL, -5 },
		{ KBUDDY_FAULT_INTERVAL, (long)INT_MAX + 1 },
		{ KBUDDY_FAULT_TIMES, -2 }, { KBUDDY_FAULT_TIMES, LONG_MIN },
		{ KBUDDY_FAULT_NTH, -1 }, { KBUDDY_FAULT_NTH, LONG_MAX },
		{ KBUDDY_FAULT_SITES, -1 }, { KBUDDY_FAULT_SITES, BIT(KBUDDY_NR_FAULT_SITES) },
		{ KBUDDY_NR_FAULT_KNOBS, 0 },
	};
	static const char * const bad_sites[] = {
		"bogus", "block,bogus", "blocks", "bloc", "all none x", "block\tslab",
		",", ", ,", "", "all none", "none block", "block all",
	};
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_fault *f = &pool->fault;
	long before[KBUDDY_NR_FAULT_KNOBS];
	unsigned long mask = 0x5;
	unsigned int i, k;

	for (k = 0; k < KBUDDY_NR_FAULT_KNOBS; k++)
		before[k] = kbuddy_fault_get(f, k);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_fault_set(f, bad[i].knob, bad[i].val), -EINVAL,
				    "knob %d value %ld", bad[i].knob, bad[i].val);
		for (k = 0; k < KBUDDY_NR_FAULT_KNOBS; k++)
			KUNIT_EXPECT_EQ(test, kbuddy_fault_get(f, k), before[k]);
	}
	for (i = 0; i < ARRAY_SIZE(bad_sites); i++) {
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_fault_parse_sites(bad_sites[i], &mask), -EINVAL,
				    "\"%s\"", bad_sites[i]);
		KUNIT_EXPECT_EQ(test, mask, 0x5UL);
	}
	KUNIT_EXPECT_EQ(test, kbuddy_fault_parse_sites("none", &mask), 0);
	KUNIT_EXPECT_EQ(test, mask, 0UL);
	KUNIT_EXPECT_EQ(test, kbuddy_fault_parse_sites("all", &mask), 0);
	KUNIT_EXPECT_EQ(test, mask, BIT(KBUDDY_NR_FAULT_SITES) - 1);
}

/* Pool creation fails through the global knobs, and leaves nothing. */
static void kbuddy_fault_pool_create(struct kunit *test)
{
	struct kbuddy_fault *f = &kbuddy_fault_global;
	long before = atomic_long_read(&f->injected[KBUDDY_FAULT_POOL_CREATE]);
	struct kbuddy_pool *pool;

	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(f, KBUDDY_FAULT_NTH, 1), 0);
	pool = kbuddy_pool_create("ft-create", 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pool), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->injected[KBUDDY_FAULT_POOL_CREATE]),
			before + 1);
	KUNIT_EXPECT_EQ(test, kbuddy_fault_get(f, KBUDDY_FAULT_NTH), 0L);
	/* The name was not taken by the failed attempt. */
	pool = kbuddy_pool_create("ft-create", 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	kbuddy_pool_destroy(pool);
}

static struct kunit_case kbuddy_fault_cases[] = {
	KUNIT_CASE(kbuddy_fault_every_site_every_step),
	KUNIT_CASE(kbuddy_fault_probability_times),
	KUNIT_CASE(kbuddy_fault_interval),
	KUNIT_CASE(kbuddy_fault_sites_mask),
	KUNIT_CASE(kbuddy_fault_bad_values_refused),
	KUNIT_CASE(kbuddy_fault_pool_create),
	{}
};

static struct kunit_suite kbuddy_fault_suite = {
	.name = "kbuddy_fault",
	/* One CPU: every run of the scenario makes the same site checks. */
	.init = kbt_init_one_cpu,
	.exit = kbt_exit,
	.test_cases = kbuddy_fault_cases,
};

kunit_test_suite(kbuddy_fault_suite);

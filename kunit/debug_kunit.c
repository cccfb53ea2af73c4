// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_debug: the debug checks of slab objects (kernel/debug.c).
 *
 * Each case holds a KUnit resource named "kbuddy_reports", as slub_kunit
 * holds "slab_errors": kbuddy counts its reports there instead of printing
 * them (and tainting the kernel), so that a case asserts how many reports
 * a corruption made while the run's log stays clean. Every case ends with
 * kbuddy's validator over the pool.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/sizes.h>

#include "helpers.h"

struct dbg_ctx {
	struct kunit_resource res;
	int reports;
};

static int dbg_init(struct kunit *test)
{
	struct dbg_ctx *d;
	int ret = kbt_init_one_cpu(test);

	if (ret)
		return ret;
	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	kunit_add_named_resource(test, NULL, NULL, &d->res, "kbuddy_reports",
				 &d->reports);
	return 0;
}

static int *dbg_reports(struct kunit *test)
{
	struct kunit_resource *res = kunit_find_named_resource(test, "kbuddy_reports");
	int *n;

	KUNIT_ASSERT_NOT_NULL(test, res);
	n = res->data;
	kunit_put_resource(res);
	return n;
}

static unsigned long poison_count(struct kbuddy_cache *c)
{
	struct kbuddy_cache_info info;

	kbuddy_cache_info(c, &info);
	return info.count[KBUDDY_CACHE_POISON_OVERWRITTEN];
}

/* A write into an object parked in a magazine, found when it goes out. */
static void kbuddy_poison_write_after_free_magazine(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "poison", 96, 0,
					       KBUDDY_CACHE_POISON, NULL);
	int *reports = dbg_reports(test);
	u8 *p, *q;

	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x11, 96);
	KUNIT_ASSERT_EQ(test, kbuddy_cache_free(c, p), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, KBUDDY_POISON_FREE, 96));
	/* The write after free. */
	p[40] = 0x41;
	p[41] = 0x42;
	q = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, poison_count(c), 1UL);
	/* Repaired: the object goes out as poison, the next cycle is clean. */
	KUNIT_EXPECT_NULL(test, memchr_inv(q, KBUDDY_POISON_FREE, 96));
	KUNIT_ASSERT_EQ(test, kbuddy_cache_free(c, q), 0);
	q = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, q), 0);
	kbt_expect_pool_ok(test, pool);
}

/*
 * A write into an object back on its slab's freelist (the magazines drained
 * by a shrink), past the free pointer: found when a refill takes it.
 */
static void kbuddy_poison_write_after_free_slab(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "poison", 64, 0,
					       KBUDDY_CACHE_POISON, NULL);
	int *reports = dbg_reports(test);
	u8 *keep, *p, *q[PAGE_SIZE / 64];
	unsigned int i;
	bool seen = false;

	/* Keep the slab alive with one object, so the shrink leaves it. */
	keep = kbuddy_cache_alloc(c, GFP_KERNEL);
	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keep);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, kbuddy_cache_free(c, p), 0);
	kbuddy_cache_shrink(c);
	/* On the freelist: the free pointer is in its first bytes. */
	p[60] = 0x00;
	/* Take every free object of the slab: p among them. */
	for (i = 0; i < ARRAY_SIZE(q); i++) {
		q[i] = kbuddy_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, q[i]);
		seen |= q[i] == p;
		/* No object goes out with its free pointer showing. */
		KUNIT_EXPECT_NULL(test, memchr_inv(q[i], KBUDDY_POISON_FREE, 64));
	}
	KUNIT_EXPECT_TRUE(test, seen);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, poison_count(c), 1UL);
	for (i = 0; i < ARRAY_SIZE(q); i++)
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, q[i]), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, keep), 0);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	kbt_expect_pool_ok(test, pool);
}

/* Many clean cycles through magazines, depot and slabs: no report. */
static void kbuddy_poison_clean_cycles_no_report(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "poison", 200, 0,
					       KBUDDY_CACHE_POISON, NULL);
	int *reports = dbg_reports(test);
	void **obj = kunit_kcalloc(test, 300, sizeof(*obj), GFP_KERNEL);
	unsigned int round, i;

	KUNIT_ASSERT_NOT_NULL(test, obj);
	for (round = 0; round < 4; round++) {
		for (i = 0; i < 300; i++) {
			obj[i] = kbuddy_cache_alloc(c, round & 1 ? GFP_KERNEL | __GFP_ZERO :
							     GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, obj[i]);
			memset(obj[i], round, 200);
		}
		for (i = 0; i < 300; i++)
			KUNIT_ASSERT_EQ(test, kbuddy_cache_free(c, obj[i]), 0);
		if (round == 2)
			kbuddy_cache_shrink(c);
	}
	KUNIT_EXPECT_EQ(test, *reports, 0);
	KUNIT_EXPECT_EQ(test, poison_count(c), 0UL);
	kbt_expect_pool_ok(test, pool);
}

/* Without the flag nothing is poisoned or checked. */
static void kbuddy_poison_off_by_default(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "plain", 96, 0, 0, NULL);
	int *reports = dbg_reports(test);
	u8 *p, *q;

	if (kbuddy_debug_default & KBUDDY_CACHE_POISON)
		kunit_skip(test, "kbuddy was loaded with debug=P: every cache poisons");
	KUNIT_EXPECT_FALSE(test, c->flags & KBUDDY_CACHE_POISON);
	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x11, 96);
	KUNIT_ASSERT_EQ(test, kbuddy_cache_free(c, p), 0);
	/* Not poisoned on free: the bytes are as the owner left them. */
	KUNIT_EXPECT_EQ(test, p[40], 0x11);
	p[40] = 0x41;
	q = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, q), 0);
	kbt_expect_pool_ok(test, pool);
}

/* Poison and a constructor do not mix; unknown flags are refused. */
static void ctor(void *obj)
{
	memset(obj, 0x5c, 32);
}

static void kbuddy_poison_flag_checks(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	unsigned long f;

	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "pc", 32, 0,
							  KBUDDY_CACHE_POISON, ctor)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "pc", 32, 0, BIT(2), NULL)),
			-EINVAL);
	/* The debug= letters. */
	f = 7;
	KUNIT_EXPECT_EQ(test, kbuddy_debug_parse("P", &f), 0);
	KUNIT_EXPECT_EQ(test, f, (unsigned long)KBUDDY_CACHE_POISON);
	KUNIT_EXPECT_EQ(test, kbuddy_debug_parse("-", &f), 0);
	KUNIT_EXPECT_EQ(test, f, 0UL);
	f = 7;
	KUNIT_EXPECT_EQ(test, kbuddy_debug_parse("PX", &f), -EINVAL);
	KUNIT_EXPECT_EQ(test, f, 7UL);
	/* The defaults skip caches with a constructor. */
	KUNIT_EXPECT_EQ(test, kbuddy_debug_cache_flags(KBUDDY_CACHE_POISON, ctor), 0UL);
	kbt_expect_pool_ok(test, pool);
}

static struct kunit_case kbuddy_debug_cases[] = {
	KUNIT_CASE(kbuddy_poison_write_after_free_magazine),
	KUNIT_CASE(kbuddy_poison_write_after_free_slab),
	KUNIT_CASE(kbuddy_poison_clean_cycles_no_report),
	KUNIT_CASE(kbuddy_poison_off_by_default),
	KUNIT_CASE(kbuddy_poison_flag_checks),
	{}
};

static struct kunit_suite kbuddy_debug_suite = {
	.name = "kbuddy_debug",
	.init = dbg_init,
	.exit = kbt_exit,
	.test_cases = kbuddy_debug_cases,
};

kunit_test_suite(kbuddy_debug_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_debug: the debug checks of slab objects and blocks
 * (kernel/debug.c): poisoning, red zones, owner tracking.
 *
 * Each case holds a KUnit resource named "kbuddy_reports", as slub_kunit
 * holds "slab_errors": kbuddy counts its reports there instead of printing
 * them (and tainting the kernel), so that a case asserts how many reports
 * a corruption made while the run's log stays clean. Every case ends with
 * kbuddy's validator over the pool.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/stackdepot.h>

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
	u8 *keep, *p, **q = kunit_kcalloc(test, PAGE_SIZE / 64, sizeof(*q), GFP_KERNEL);
	unsigned int i;
	bool seen = false;

	KUNIT_ASSERT_NOT_NULL(test, q);

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
	for (i = 0; i < PAGE_SIZE / 64; i++) {
		q[i] = kbuddy_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, q[i]);
		seen |= q[i] == p;
		/* No object goes out with its free pointer showing. */
		KUNIT_EXPECT_NULL(test, memchr_inv(q[i], KBUDDY_POISON_FREE, 64));
	}
	KUNIT_EXPECT_TRUE(test, seen);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, poison_count(c), 1UL);
	for (i = 0; i < PAGE_SIZE / 64; i++)
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

static unsigned long red_zone_count(struct kbuddy_cache *c)
{
	struct kbuddy_cache_info info;

	kbuddy_cache_info(c, &info);
	return info.count[KBUDDY_CACHE_RED_ZONE_OVERWRITTEN];
}

/* Every red zone byte of @obj is KBUDDY_RED_ZONE. */
static bool red_zone_whole(struct kbuddy_cache *c, u8 *obj)
{
	return !memchr_inv(obj + c->object_size, KBUDDY_RED_ZONE,
			   c->offset - c->object_size);
}

/* A write one byte past the end, found when the object is freed. */
static void kbuddy_red_zone_overflow_found_on_free(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "rz", 100, 0,
					       KBUDDY_CACHE_RED_ZONE, NULL);
	int *reports = dbg_reports(test);
	u8 *p, *q;

	/* 100 bytes, a red zone to the next word and one word more. */
	KUNIT_EXPECT_EQ(test, c->offset, 112U);
	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, red_zone_whole(c, p));
	/* The whole object is the owner's: no report. */
	memset(p, 0x11, 100);
	q = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_EQ(test, kbuddy_cache_free(c, q), 0);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	/* One byte too many. */
	p[100] = 0;
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p), 0);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, red_zone_count(c), 1UL);
	KUNIT_EXPECT_TRUE(test, red_zone_whole(c, p));
	kbt_expect_pool_ok(test, pool);
	/* Repaired: the next cycle is clean. */
	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p), 0);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	kbt_expect_pool_ok(test, pool);
}

/*
 * An overflow into an object in use is found by validate (a problem, and
 * a report), restored, and the next validate is clean; its free then finds
 * nothing more. Also a write into a free object's red zone, found when
 * the object is handed out.
 */
static void kbuddy_red_zone_overflow_found_by_validate(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "rz", 64, 0,
					       KBUDDY_CACHE_RED_ZONE, NULL);
	int *reports = dbg_reports(test);
	u8 *p, *q;

	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p[64] = 0x41;
	p[70] = 0x42;
	KUNIT_EXPECT_EQ(test, kbuddy_pool_check(pool, NULL, NULL), 1L);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, red_zone_count(c), 1UL);
	KUNIT_EXPECT_TRUE(test, red_zone_whole(c, p));
	kbt_expect_pool_ok(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p), 0);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	/* Into the red zone of the free object on top of the magazine. */
	p[71] = 0;
	q = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	KUNIT_EXPECT_EQ(test, *reports, 2);
	KUNIT_EXPECT_EQ(test, red_zone_count(c), 2UL);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, q), 0);
	kbt_expect_pool_ok(test, pool);
}

/*
 * With red zones (as debug=Z gives them), the malloc family's size classes
 * keep their sizes and natural alignment; a write past the size class is
 * found when the memory is freed, a write inside it is not.
 */
static void kbuddy_red_zone_malloc(struct kunit *test)
{
	unsigned long saved = kbuddy_debug_default;
	struct kbuddy_pool *pool;
	int *reports = dbg_reports(test);
	unsigned int i, sizes[] = { 8, 24, 64, 96, 192, 512, 4096 };
	u8 *p;

	kbuddy_debug_default = KBUDDY_CACHE_RED_ZONE;
	pool = kbt_simple_pool(test, 0, SZ_4M);
	kbuddy_debug_default = saved;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t ks, align = 1;

		p = kbuddy_malloc(pool, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		ks = kbuddy_ksize(pool, p);
		while (!(ks & align) && align < ks)
			align <<= 1;
		KUNIT_EXPECT_GE(test, ks, (size_t)sizes[i]);
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_virt_to_phys(pool, p) & (align - 1), 0ULL,
				    "malloc(%u) aligned to %zu", sizes[i], align);
		KUNIT_EXPECT_TRUE(test, kbuddy_obj_cache(pool, p)->flags &
					KBUDDY_CACHE_RED_ZONE);
		memset(p, 0x22, ks);
		KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p), 0);
		KUNIT_EXPECT_EQ(test, *reports, (int)i);
		p = kbuddy_malloc(pool, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		p[ks] = 0x33;
		KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p), 0);
		KUNIT_EXPECT_EQ(test, *reports, (int)i + 1);
	}
	kbt_expect_pool_ok(test, pool);
}

static unsigned long large_zone_count(struct kbuddy_pool *pool)
{
	return READ_ONCE(pool->stats.counter[KBUDDY_RED_ZONE_OVERWRITTEN]);
}

/*
 * debug=Z gives malloc's whole blocks a red zone from the size asked for
 * to the block's end: a write past it is found on free and on a realloc
 * in the block, counted, restored; a realloc to another order moves the
 * data and the zone.
 */
static void kbuddy_red_zone_malloc_large(struct kunit *test)
{
	unsigned long saved = kbuddy_debug_default;
	struct kbuddy_pool *pool;
	int *reports = dbg_reports(test);
	u8 *p, *q, *r;

	kbuddy_debug_default = KBUDDY_CACHE_RED_ZONE;
	pool = kbt_simple_pool(test, 0, SZ_4M);
	kbuddy_debug_default = saved;
	p = kbuddy_malloc(pool, 5000, GFP_KERNEL);
	q = kbuddy_malloc(pool, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)5000);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, q), 2 * PAGE_SIZE);
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 5000, KBUDDY_RED_ZONE,
					   2 * PAGE_SIZE - 5000));
	memset(p, 0x11, 5000);
	memset(q, 0x22, 2 * PAGE_SIZE);
	kbt_expect_pool_ok(test, pool);
	p[5000] = 0x41;
	p[5003] = 0x42;
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p), 0);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, large_zone_count(pool), 1UL);
	/* Restored before the block went back. */
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 5000, KBUDDY_RED_ZONE, 4));
	/* A block used to its last byte has no zone to damage. */
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, q), 0);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	kbt_expect_pool_ok(test, pool);

	/* In its block the zone moves; a write past the old size is found. */
	p = kbuddy_malloc(pool, 5000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x33, 5000);
	r = kbuddy_realloc(pool, p, 7000, GFP_KERNEL | __GFP_ZERO);
	KUNIT_EXPECT_PTR_EQ(test, r, p);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, r), (size_t)7000);
	KUNIT_EXPECT_NULL(test, memchr_inv(r + 5000, 0, 2000));
	KUNIT_EXPECT_NULL(test, memchr_inv(r + 7000, KBUDDY_RED_ZONE,
					   2 * PAGE_SIZE - 7000));
	KUNIT_EXPECT_EQ(test, *reports, 1);
	r[7100] = 0x44;
	q = kbuddy_realloc(pool, r, 6000, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, r);
	KUNIT_EXPECT_EQ(test, *reports, 2);
	KUNIT_EXPECT_EQ(test, large_zone_count(pool), 2UL);
	KUNIT_EXPECT_NULL(test, memchr_inv(q + 6000, KBUDDY_RED_ZONE,
					   2 * PAGE_SIZE - 6000));
	kbt_expect_pool_ok(test, pool);
	/* Another order: moved, the data and a new zone with it. */
	r = kbuddy_realloc(pool, q, 20000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_PTR_NE(test, r, q);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, r), (size_t)20000);
	KUNIT_EXPECT_NULL(test, memchr_inv(r, 0x33, 5000));
	KUNIT_EXPECT_NULL(test, memchr_inv(r + 20000, KBUDDY_RED_ZONE,
					   8 * PAGE_SIZE - 20000));
	KUNIT_EXPECT_EQ(test, *reports, 2);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, r), 0);
	/* A double free is refused (and reported), the zone not rechecked. */
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, r), -EINVAL);
	KUNIT_EXPECT_EQ(test, large_zone_count(pool), 2UL);
	kbt_expect_pool_ok(test, pool);
}

/* Without the flag the layout is the plain one, and nothing is checked. */
static void kbuddy_red_zone_off_by_default(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "plain", 96, 0, 0, NULL);
	struct kbuddy_cache *rz = kbt_new_cache(test, pool, "rz", 64, 64,
						KBUDDY_CACHE_RED_ZONE, NULL);
	int *reports = dbg_reports(test);
	u8 *p, *q[8];
	unsigned int i;

	/* Red zones keep the alignment asked for. */
	KUNIT_EXPECT_EQ(test, rz->size, 128U);
	for (i = 0; i < ARRAY_SIZE(q); i++) {
		q[i] = kbuddy_cache_alloc(rz, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, q[i]);
		KUNIT_EXPECT_EQ(test, (unsigned long)q[i] & 63, 0UL);
	}
	for (i = 0; i < ARRAY_SIZE(q); i++)
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(rz, q[i]), 0);
	if (kbuddy_debug_default & KBUDDY_CACHE_RED_ZONE)
		kunit_skip(test, "kbuddy was loaded with debug=Z: every cache has red zones");
	KUNIT_EXPECT_EQ(test, c->size, 96U);
	KUNIT_EXPECT_EQ(test, c->offset, 0U);
	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	/* The next object's first byte: no red zone between them. */
	p[96] = p[96];
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p), 0);
	KUNIT_EXPECT_EQ(test, *reports, 0);
	kbt_expect_pool_ok(test, pool);
}

/* Lines a report function got, in one buffer. */
struct collect {
	char *buf;
	size_t len, size;
	unsigned int lines;
};

static __printf(2, 0) void collect(void *ctx, const char *fmt, va_list args)
{
	struct collect *cl = ctx;

	cl->len += vscnprintf(cl->buf + cl->len, cl->size - cl->len, fmt, args);
	cl->lines++;
}

static struct collect *new_collect(struct kunit *test)
{
	struct collect *cl = kunit_kzalloc(test, sizeof(*cl), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cl);
	cl->size = 32 * 1024;
	cl->buf = kunit_kzalloc(test, cl->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cl->buf);
	return cl;
}

/*
 * Two allocating stacks, each one call site in a loop the compiler cannot
 * unroll into several (@n hidden from it); the barrier keeps each call out
 * of a tail call.
 */
static noinline void owner_alloc_a(struct kbuddy_cache *c, void **p, unsigned int n)
{
	unsigned int i;

	OPTIMIZER_HIDE_VAR(n);
	for (i = 0; i < n; i++) {
		p[i] = kbuddy_cache_alloc(c, GFP_KERNEL);
		barrier();
	}
}

/* Not the same code as owner_alloc_a(), or the compiler folds the two. */
static noinline void owner_alloc_b(struct kbuddy_cache *c, void **p, unsigned int n)
{
	unsigned int i;

	OPTIMIZER_HIDE_VAR(n);
	for (i = 0; i < n; i++) {
		p[i] = kbuddy_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
		barrier();
	}
}

static noinline void owner_pages(struct kbuddy_pool *pool, void **p, unsigned int n)
{
	unsigned int i;

	OPTIMIZER_HIDE_VAR(n);
	for (i = 0; i < n; i++) {
		p[i] = kbuddy_alloc_pages(pool, 1, GFP_KERNEL);
		barrier();
	}
}

static noinline int owner_free(struct kbuddy_cache *c, void *p)
{
	int ret = kbuddy_cache_free(c, p);

	barrier();
	return ret;
}

/* Whether the stack @h holds the function named @fn. */
static bool stack_has(depot_stack_handle_t h, const char *fn)
{
	char *buf;
	bool has;

	if (!h)
		return false;
	buf = kmalloc(2048, GFP_KERNEL);
	if (!buf)
		return false;
	stack_depot_snprint(h, buf, 2048, 0);
	has = strstr(buf, fn);
	kfree(buf);
	return has;
}

static struct kbuddy_track *track_of(struct kbuddy_pool *pool, void *obj)
{
	struct kbuddy_slab *slab = kbuddy_page_slab(pool, obj);

	if (!slab || !slab->track)
		return NULL;
	return &slab->track[kbuddy_obj_index(slab->cache, slab, obj) * KBUDDY_NR_TRACKS];
}

/* Each object knows the stack, task and CPU that allocated and freed it. */
static void kbuddy_owner_tracks_alloc_and_free(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "owned", 64, 0,
					       KBUDDY_CACHE_STORE_USER, NULL);
	struct kbuddy_track *t;
	void *p, *q;

	owner_alloc_a(c, &p, 1);
	owner_alloc_b(c, &q, 1);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	t = track_of(pool, p);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_TRUE(test, stack_has(t[KBUDDY_TRACK_ALLOC].stack, "owner_alloc_a"));
	KUNIT_EXPECT_EQ(test, t[KBUDDY_TRACK_ALLOC].pid, task_pid_nr(current));
	KUNIT_EXPECT_EQ(test, t[KBUDDY_TRACK_ALLOC].cpu, raw_smp_processor_id());
	KUNIT_EXPECT_TRUE(test, stack_has(track_of(pool, q)[KBUDDY_TRACK_ALLOC].stack,
					  "owner_alloc_b"));
	KUNIT_EXPECT_EQ(test, t[KBUDDY_TRACK_FREE].stack, 0U);
	KUNIT_EXPECT_EQ(test, owner_free(c, p), 0);
	KUNIT_EXPECT_TRUE(test, stack_has(t[KBUDDY_TRACK_FREE].stack, "owner_free"));
	KUNIT_EXPECT_TRUE(test, stack_has(t[KBUDDY_TRACK_ALLOC].stack, "owner_alloc_a"));
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, q), 0);
	kbt_expect_pool_ok(test, pool);
}

/*
 * The owners file: what is allocated, grouped by stack and cache or kind
 * of block, with counts and bytes, most bytes first.
 */
static void kbuddy_owners_groups_by_stack(struct kunit *test)
{
	unsigned long saved = kbuddy_debug_default;
	struct collect *cl = new_collect(test);
	struct kbuddy_pool *pool;
	struct kbuddy_cache *c;
	void *a[3], *b[2], *pg[2];
	char *pa, *pb;
	unsigned int i;

	kbuddy_debug_default = KBUDDY_CACHE_STORE_USER;
	pool = kbt_simple_pool(test, 0, SZ_1M);
	kbuddy_debug_default = saved;
	c = kbt_new_cache(test, pool, "owned", 100, 0, KBUDDY_CACHE_STORE_USER, NULL);
	owner_alloc_a(c, a, 3);
	owner_alloc_b(c, b, 2);
	owner_pages(pool, pg, 2);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_NOT_NULL(test, b[i]);
		KUNIT_ASSERT_NOT_NULL(test, pg[i]);
	}
	KUNIT_ASSERT_NOT_NULL(test, a[2]);
	KUNIT_EXPECT_EQ(test, kbuddy_owners_report(pool, collect, cl), 3L);
	/* Most bytes first: two order-1 blocks, then 300 and 200 bytes. */
	KUNIT_EXPECT_TRUE(test, str_has_prefix(cl->buf,
					       "2 blocks of pages, 16384 bytes, allocated by:\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(cl->buf, "owner_pages"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(cl->buf,
					   "3 objects of owned, 300 bytes, allocated by:\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(cl->buf,
					   "2 objects of owned, 200 bytes, allocated by:\n"));
	/* Three objects of A's stack before two of B's. */
	pa = strstr(cl->buf, "owner_alloc_a");
	pb = strstr(cl->buf, "owner_alloc_b");
	KUNIT_EXPECT_TRUE(test, pa && pb && pa < pb);
	/* Freed: no longer listed. */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, a[i]), 0);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, b[i]), 0);
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, pg[i], 1), 0);
	}
	cl->len = 0;
	cl->buf[0] = 0;
	KUNIT_EXPECT_EQ(test, kbuddy_owners_report(pool, collect, cl), 0L);
	KUNIT_EXPECT_EQ(test, cl->len, (size_t)0);
	kbt_expect_pool_ok(test, pool);
}

/*
 * The leak report of a pool that tracks owners names each block still
 * held with the stack that allocated it; a malloc block too.
 */
static void kbuddy_owners_in_leak_report(struct kunit *test)
{
	unsigned long saved = kbuddy_debug_default;
	struct collect *cl = new_collect(test);
	struct kbuddy_pool *pool;
	void *pg, *big;

	kbuddy_debug_default = KBUDDY_CACHE_STORE_USER;
	pool = kbt_simple_pool(test, 0, SZ_1M);
	kbuddy_debug_default = saved;
	owner_pages(pool, &pg, 1);
	big = kbuddy_malloc(pool, 3 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pg);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, kbuddy_region_report_used(pool, &pool->regions[0], collect, cl),
			2UL);
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(cl->buf, "order 1 still allocated\n  allocated by task"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(cl->buf, "owner_pages"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(cl->buf, "kbuddy_owners_in_leak_report"));
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, pg, 1), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, big), 0);
	kbt_expect_pool_ok(test, pool);
}

/* Without debug=U a pool keeps no owner records and lists no stacks. */
static void kbuddy_owners_off_by_default(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	struct collect *cl = new_collect(test);
	void *pg, *obj;

	if (kbuddy_debug_default & KBUDDY_CACHE_STORE_USER)
		kunit_skip(test, "kbuddy was loaded with debug=U: every pool tracks owners");
	KUNIT_EXPECT_NULL(test, pool->regions[0].owner);
	owner_pages(pool, &pg, 1);
	obj = kbuddy_malloc(pool, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pg);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_NULL(test, track_of(pool, obj));
	KUNIT_EXPECT_EQ(test, kbuddy_owners_report(pool, collect, cl), 2L);
	KUNIT_EXPECT_TRUE(test, strstr(cl->buf,
				       "1 blocks of pages, 8192 bytes, no stack recorded\n"));
	KUNIT_EXPECT_TRUE(test, strstr(cl->buf,
				       "1 objects of kmalloc-64, 64 bytes, no stack recorded\n"));
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, pg, 1), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, obj), 0);
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
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "pc", 32, 0, BIT(7), NULL)),
			-EINVAL);
	/* The debug= letters. */
	f = 7;
	KUNIT_EXPECT_EQ(test, kbuddy_debug_parse("P", &f), 0);
	KUNIT_EXPECT_EQ(test, f, (unsigned long)KBUDDY_CACHE_POISON);
	KUNIT_EXPECT_EQ(test, kbuddy_debug_parse("-", &f), 0);
	KUNIT_EXPECT_EQ(test, f, 0UL);
	KUNIT_EXPECT_EQ(test, kbuddy_debug_parse("ZPU\n", &f), 0);
	KUNIT_EXPECT_EQ(test, f, (unsigned long)(KBUDDY_CACHE_POISON | KBUDDY_CACHE_RED_ZONE |
						 KBUDDY_CACHE_STORE_USER));
	f = 7;
	KUNIT_EXPECT_EQ(test, kbuddy_debug_parse("PX", &f), -EINVAL);
	KUNIT_EXPECT_EQ(test, f, 7UL);
	/* The defaults skip caches with a constructor; red zones do not. */
	KUNIT_EXPECT_EQ(test, kbuddy_debug_cache_flags(KBUDDY_CACHE_POISON, ctor), 0UL);
	KUNIT_EXPECT_EQ(test, kbuddy_debug_cache_flags(KBUDDY_CACHE_RED_ZONE, ctor),
			(unsigned long)KBUDDY_CACHE_RED_ZONE);
	/* A red zone must fit: no slab holds a 32 KiB object and a word more. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "rz", 8 * PAGE_SIZE, 0,
							  KBUDDY_CACHE_RED_ZONE, NULL)),
			-EINVAL);
	kbt_expect_pool_ok(test, pool);
}

/* ==== Page poisoning ===================================================== */

static struct kbuddy_pool *poison_pool(struct kunit *test)
{
	unsigned long saved = kbuddy_debug_default;
	struct kbuddy_pool *pool;

	kbuddy_debug_default = KBUDDY_CACHE_POISON;
	pool = kbt_simple_pool(test, 0, SZ_1M);
	kbuddy_debug_default = saved;
	return pool;
}

static unsigned long page_poison_count(struct kbuddy_pool *pool)
{
	return READ_ONCE(pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN]);
}

/*
 * debug=P: a pool's free memory is poison, from the start and after every
 * free; a write to a free block is found when the block goes out again.
 */
static void kbuddy_page_poison_write_after_free(struct kunit *test)
{
	struct kbuddy_pool *pool = poison_pool(test);
	unsigned long nr = pool->nr_pages, n, i;
	int *reports = dbg_reports(test);
	void **held = kunit_kcalloc(test, nr, sizeof(*held), GFP_KERNEL);
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_EXPECT_NULL(test, memchr_inv(pool->regions[0].virt, KBUDDY_POISON_FREE,
					   nr << PAGE_SHIFT));
	p = kbuddy_alloc_pages(pool, 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x11, 4 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, kbuddy_free_pages(pool, p, 2), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, KBUDDY_POISON_FREE, 4 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 2), -EINVAL);
	/* The write after free; then every page of the pool goes out. */
	p[PAGE_SIZE + 7] = 0x41;
	for (n = 0; n < nr; n++) {
		held[n] = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
		if (!held[n])
			break;
	}
	KUNIT_EXPECT_EQ(test, n, nr);
	KUNIT_EXPECT_EQ(test, *reports, 1);
	KUNIT_EXPECT_EQ(test, page_poison_count(pool), 1UL);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, KBUDDY_POISON_FREE, 4 * PAGE_SIZE));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, held[i], 0), 0);
	kbt_expect_pool_ok(test, pool);
}

/*
 * Nothing kbuddy does writes free memory: page blocks of every cached and
 * uncached order, malloc blocks shrunk and grown in place, slabs given back.
 */
static void kbuddy_page_poison_clean_cycles_no_report(struct kunit *test)
{
	struct kbuddy_pool *pool = poison_pool(test);
	int *reports = dbg_reports(test);
	struct kbuddy_cache *c;
	unsigned int order, i;
	void *p[8], *big, *q;

	for (order = 0; order < 9; order++) {
		for (i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = kbuddy_alloc_pages(pool, order, GFP_KERNEL);
			if (p[i])
				memset(p[i], 0x22, PAGE_SIZE << order);
		}
		for (i = 0; i < ARRAY_SIZE(p); i++)
			if (p[i])
				KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[i], order), 0);
		kbt_expect_pool_ok(test, pool);
	}
	big = kbuddy_malloc(pool, 5 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	memset(big, 0x33, 5 * PAGE_SIZE);
	q = kbuddy_realloc(pool, big, PAGE_SIZE + 1, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, big);
	KUNIT_EXPECT_NULL(test, memchr_inv(big + 2 * PAGE_SIZE, KBUDDY_POISON_FREE,
					   6 * PAGE_SIZE));
	/* Grown in place; zeroed from the old ksize (2 pages), as krealloc. */
	q = kbuddy_realloc(pool, big, 8 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	KUNIT_EXPECT_PTR_EQ(test, q, big);
	KUNIT_EXPECT_EQ(test, ((u8 *)big)[PAGE_SIZE], 0x33);
	KUNIT_EXPECT_NULL(test, memchr_inv(big + 2 * PAGE_SIZE, 0, 6 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, big), 0);
	c = kbt_new_cache(test, pool, "plain", 192, 0, 0, NULL);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = kbuddy_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		memset(p[i], 0x44, 192);
	}
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p[i]), 0);
	kbuddy_cache_shrink(c);
	kbuddy_pool_drain(pool);
	/* All of the pool is free again, and all of it is poison. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), pool->nr_pages);
	KUNIT_EXPECT_NULL(test, memchr_inv(pool->regions[0].virt, KBUDDY_POISON_FREE,
					   pool->nr_pages << PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, *reports, 0);
	KUNIT_EXPECT_EQ(test, page_poison_count(pool), 0UL);
	kbt_expect_pool_ok(test, pool);
}

/* Without debug=P a freed block keeps what was in it. */
static void kbuddy_page_poison_off_by_default(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 0, SZ_1M);
	u8 *p = kbuddy_alloc_pages(pool, 5, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, pool->debug & KBUDDY_CACHE_POISON, 0UL);
	memset(p, 0x55, 32 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, kbuddy_free_pages(pool, p, 5), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0x55, 32 * PAGE_SIZE));
	kbt_expect_pool_ok(test, pool);
}

static struct kunit_case kbuddy_debug_cases[] = {
	KUNIT_CASE(kbuddy_poison_write_after_free_magazine),
	KUNIT_CASE(kbuddy_poison_write_after_free_slab),
	KUNIT_CASE(kbuddy_poison_clean_cycles_no_report),
	KUNIT_CASE(kbuddy_poison_off_by_default),
	KUNIT_CASE(kbuddy_poison_flag_checks),
	KUNIT_CASE(kbuddy_page_poison_write_after_free),
	KUNIT_CASE(kbuddy_page_poison_clean_cycles_no_report),
	KUNIT_CASE(kbuddy_page_poison_off_by_default),
	KUNIT_CASE(kbuddy_red_zone_overflow_found_on_free),
	KUNIT_CASE(kbuddy_red_zone_overflow_found_by_validate),
	KUNIT_CASE(kbuddy_red_zone_malloc),
	KUNIT_CASE(kbuddy_red_zone_malloc_large),
	KUNIT_CASE(kbuddy_red_zone_off_by_default),
	KUNIT_CASE(kbuddy_owner_tracks_alloc_and_free),
	KUNIT_CASE(kbuddy_owners_groups_by_stack),
	KUNIT_CASE(kbuddy_owners_in_leak_report),
	KUNIT_CASE(kbuddy_owners_off_by_default),
	{}
};

static struct kunit_suite kbuddy_debug_suite = {
	.name = "kbuddy_debug",
	.init = dbg_init,
	.exit = kbt_exit,
	.test_cases = kbuddy_debug_cases,
};

kunit_test_suite(kbuddy_debug_suite);

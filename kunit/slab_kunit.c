// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_slab: caches of fixed-size objects on buddy blocks,
 * their magazines, and the refusal of bad frees.
 *
 * Every case ends with check_cache(): kbuddy's validator over the buddy
 * allocator and every cache (slab lists, free counts, free pointers,
 * magazines), and an independent count: the cache's objects in use are
 * exactly those the case holds, each found in the cache from its address.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "helpers.h"

#define MAX_OBJS 4096

/* Objects a case holds, per cache. */
struct objs {
	void *p[MAX_OBJS];
	unsigned int n;
};

static struct objs *objs_new(struct kunit *test)
{
	struct objs *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	return o;
}

static void check_cache(struct kunit *test, struct kbuddy_cache *c,
			struct objs *o)
{
	unsigned int i;

	kbt_expect_pool_ok(test, c->pool);
	KUNIT_EXPECT_EQ(test, kbt_active_objs(c), (unsigned long)(o ? o->n : 0));
	for (i = 0; o && i < o->n; i++)
		KUNIT_EXPECT_PTR_EQ(test, kbuddy_obj_cache(c->pool, o->p[i]), c);
}

static unsigned int fill(struct kunit *test, struct kbuddy_cache *c,
			 struct objs *o, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && o->n < MAX_OBJS; i++) {
		void *p = kbuddy_cache_alloc(c, GFP_KERNEL);

		if (!p)
			break;
		o->p[o->n++] = p;
	}
	return i;
}

static void drain(struct kunit *test, struct kbuddy_cache *c, struct objs *o)
{
	while (o->n)
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, o->p[--o->n]), 0);
}

/* The cache's counters and slab counts, to show a refused free changed nothing. */
struct cache_snap {
	struct kbuddy_cache_info info;
	unsigned long pool_free;
};

static void cache_snap(struct kbuddy_cache *c, struct cache_snap *s)
{
	kbuddy_cache_info(c, &s->info);
	s->pool_free = kbuddy_pool_free_pages(c->pool);
}

static void expect_refused(struct kunit *test, struct kbuddy_cache *c, void *p,
			   enum kbuddy_cache_counter kind, struct objs *o)
{
	struct cache_snap before, after;

	cache_snap(c, &before);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p), -EINVAL);
	cache_snap(c, &after);
	KUNIT_EXPECT_EQ_MSG(test, after.info.count[kind], before.info.count[kind] + 1,
			    "counter %s", kbuddy_cache_counter_names[kind]);
	after.info.count[kind]--;
	KUNIT_EXPECT_EQ(test, memcmp(&before, &after, sizeof(before)), 0);
	check_cache(test, c, o);
}

/* ==== Cases ============================================================== */

static void kbuddy_cache_create_rejects_bad_arguments(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);

	kbt_new_cache(test, pool, "taken", 64, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "a", 0, 0, 0, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "a", 64, 3, 0, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "a", 64, 2 * PAGE_SIZE, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "a", 64, 0, 1UL << 7, NULL)),
			-EINVAL);
	/* The malloc size classes' private flag is not for other caches. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "a", 64, 0, BIT(31), NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "a", 64, 0, ~0UL, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "a b", 64, 0, 0, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "", 64, 0, 0, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "big", 16 * PAGE_SIZE, 0, 0, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_cache_create(pool, "taken", 32, 0, 0, NULL)), -EEXIST);
	kbt_expect_pool_ok(test, pool);
}

static void kbuddy_slab_order_wastes_at_most_an_eighth(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 24, 100, 500, 700, 1000, 1500, 3000, 5000, 9000 };
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct kbuddy_cache *c;
		unsigned long bytes, waste;
		char name[16];

		snprintf(name, sizeof(name), "s%u", sizes[i]);
		c = kbuddy_cache_create(pool, name, sizes[i], 0, 0, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
		bytes = PAGE_SIZE << c->order;
		waste = bytes - c->objects * c->size;
		KUNIT_EXPECT_EQ(test, c->objects, (unsigned int)(bytes / c->size));
		KUNIT_EXPECT_GE(test, c->objects, 1U);
		KUNIT_EXPECT_LE(test, c->order, 3U);
		if (waste * 8 > bytes) {
			unsigned int o;

			/* No order up to the cap does it: the least waste. */
			KUNIT_EXPECT_EQ(test, c->order, 3U);
			for (o = 0; o <= 3; o++) {
				unsigned long b = PAGE_SIZE << o;

				bool worse = b < c->size || (b % c->size) * bytes >= waste * b;

				KUNIT_EXPECT_TRUE_MSG(test, worse, "size %u: order %u wastes less",
						      sizes[i], o);
			}
		} else if (c->order) {
			/* The smallest order that does: one less wastes more. */
			unsigned long b = bytes / 2;

			KUNIT_EXPECT_TRUE_MSG(test, b < c->size || (b % c->size) * 8 > b,
					      "size %u: order %u would do", sizes[i], c->order - 1);
		}
		KUNIT_EXPECT_EQ(test, kbuddy_cache_destroy(c), 0);
	}
	kbt_expect_pool_ok(test, pool);
}

static atomic_t ctor_calls;

static void ctor_pattern(void *obj)
{
	atomic_inc(&ctor_calls);
	memset(obj, 0x5c, 200);
}

static void kbuddy_constructor_runs_once_per_object(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "ctor", 200, 0, 0, ctor_pattern);
	struct objs *o = objs_new(test);
	unsigned int i, j, calls;
	struct kbuddy_cache_info info;

	atomic_set(&ctor_calls, 0);
	fill(test, c, o, 3 * c->objects);
	kbuddy_cache_info(c, &info);
	calls = atomic_read(&ctor_calls);
	KUNIT_EXPECT_EQ(test, (unsigned long)calls, info.num_objs);
	for (i = 0; i < o->n; i++)
		for (j = 0; j < 200; j++)
			if (((u8 *)o->p[i])[j] != 0x5c) {
				KUNIT_FAIL(test, "object %u byte %u not constructed", i, j);
				return;
			}
	check_cache(test, c, o);
	/* Freed objects come back constructed, without a second ctor call. */
	drain(test, c, o);
	kbuddy_cache_shrink(c);
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_EQ(test, info.num_slabs, 0UL);
	fill(test, c, o, 10);
	drain(test, c, o);
	fill(test, c, o, 10);
	for (i = 0; i < o->n; i++)
		KUNIT_EXPECT_EQ(test, ((u8 *)o->p[i])[0], 0x5c);
	KUNIT_EXPECT_EQ(test, (unsigned int)atomic_read(&ctor_calls), calls + c->objects);
	check_cache(test, c, o);
	drain(test, c, o);
	check_cache(test, c, o);
}

static void kbuddy_objects_are_aligned(struct kunit *test)
{
	static const unsigned int aligns[] = { 0, 8, 16, 64, 256, 1024, 4096 };
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_4M);
	struct objs *o = objs_new(test);
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(aligns) + 1; i++) {
		bool hw = i == ARRAY_SIZE(aligns);
		unsigned int align = hw ? 0 : aligns[i];
		unsigned int want = hw ? cache_line_size() : max(align, 8U);
		struct kbuddy_cache *c;
		char name[16];

		snprintf(name, sizeof(name), "a%u%s", align, hw ? "hw" : "");
		c = kbuddy_cache_create(pool, name, 40, align,
					hw ? KBUDDY_CACHE_HWCACHE_ALIGN : 0, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
		fill(test, c, o, 2 * c->objects + 3);
		for (k = 0; k < o->n; k++)
			KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)o->p[k], want),
					      "align %u: %p", want, o->p[k]);
		check_cache(test, c, o);
		drain(test, c, o);
		KUNIT_EXPECT_EQ(test, kbuddy_cache_destroy(c), 0);
	}
	kbt_expect_pool_ok(test, pool);
}

static void kbuddy_fill_pool_then_empty_to_pristine(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_512K);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "fill", 256, 0, 0, NULL);
	unsigned long total = kbuddy_pool_total_pages(pool);
	struct objs *o = objs_new(test);
	struct kbuddy_cache_info info;

	fill(test, c, o, MAX_OBJS);
	/* 128 pages of 16 objects, nothing left in the pool. */
	KUNIT_EXPECT_EQ(test, o->n, 128U * 16);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), 0UL);
	KUNIT_EXPECT_NULL(test, kbuddy_cache_alloc(c, GFP_KERNEL));
	kbuddy_cache_info(c, &info);
	/* fill()'s last try and ours. */
	KUNIT_EXPECT_EQ(test, info.count[KBUDDY_CACHE_ALLOC_FAIL], 2UL);
	check_cache(test, c, o);
	drain(test, c, o);
	check_cache(test, c, o);
	/*
	 * Slabs that emptied beyond the few a cache keeps went back at once;
	 * the shrink gives back the rest (kept, or held by magazine objects):
	 * all 128 in all.
	 */
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_GT(test, info.count[KBUDDY_CACHE_SLAB_FREE], 0UL);
	kbuddy_cache_shrink(c);
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_EQ(test, info.count[KBUDDY_CACHE_SLAB_FREE], 128UL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), total);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[7].nr_free, 1UL);
	check_cache(test, c, o);
}

/*
 * A refill prefers slabs of its own CPU, but not without bound: once there
 * are as many partial slabs as CPUs, another CPU takes one of them rather
 * than grow the cache.
 */
static void kbuddy_refill_bounds_slabs_per_cpu(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "percpu", 64, 0, 0, NULL);
	struct objs *o = objs_new(test);
	struct kbuddy_cache_info info;
	unsigned int i, n, other;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	/* kbt_init_one_cpu() keeps this case on its first CPU until here. */
	other = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	/* Eight slabs filled on this CPU, then every second object freed. */
	fill(test, c, o, 8 * c->objects);
	KUNIT_ASSERT_EQ(test, o->n, 8 * c->objects);
	for (i = 0, n = 0; i < o->n; i++) {
		if (i % 2)
			KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, o->p[i]), 0);
		else
			o->p[n++] = o->p[i];
	}
	o->n = n;
	kbuddy_cache_shrink(c);
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_EQ(test, info.num_slabs, 8UL);
	/*
	 * The other CPU takes the freed half from those slabs. Only when one
	 * partial slab is left (fewer than the CPUs) does it grow one of its
	 * own: nine at most, where an unbounded preference would make twelve.
	 */
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(other)), 0);
	fill(test, c, o, 4 * c->objects);
	KUNIT_EXPECT_EQ(test, o->n, 8 * c->objects);
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_LE(test, info.num_slabs, 9UL);
	check_cache(test, c, o);
	drain(test, c, o);
	check_cache(test, c, o);
}

static void kbuddy_shrink_frees_only_empty_slabs(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "shrink", 512, 0, 0, NULL);
	struct objs *o = objs_new(test);
	struct kbuddy_cache_info info;
	void *keep;

	fill(test, c, o, 3 * c->objects);
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_EQ(test, info.num_slabs, 3UL);
	/* Keep the first object; its slab must survive. */
	keep = o->p[0];
	o->p[0] = o->p[--o->n];
	drain(test, c, o);
	o->p[o->n++] = keep;
	KUNIT_EXPECT_EQ(test, kbuddy_cache_shrink(c), 2UL);
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_EQ(test, info.num_slabs, 1UL);
	KUNIT_EXPECT_EQ(test, info.active_slabs, 1UL);
	check_cache(test, c, o);
	drain(test, c, o);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_shrink(c), 1UL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), kbuddy_pool_total_pages(pool));
	check_cache(test, c, o);
}

static void kbuddy_bad_free_outside_pool_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "outside", 64, 0, 0, NULL);
	struct objs *o = objs_new(test);
	u64 on_stack = 0;
	void *heap = kunit_kzalloc(test, 64, GFP_KERNEL);

	fill(test, c, o, 5);
	expect_refused(test, c, &on_stack, KBUDDY_CACHE_BAD_FREE_OUTSIDE, o);
	expect_refused(test, c, heap, KBUDDY_CACHE_BAD_FREE_OUTSIDE, o);
	drain(test, c, o);
	check_cache(test, c, o);
}

static void kbuddy_bad_free_not_object_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "notobj", 64, 0, 0, NULL);
	struct objs *o = objs_new(test);
	void *page = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	fill(test, c, o, 5);
	expect_refused(test, c, page, KBUDDY_CACHE_BAD_FREE_NOT_OBJECT, o);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, page, 0), 0);
	/* A freed page is no object either. */
	expect_refused(test, c, page, KBUDDY_CACHE_BAD_FREE_NOT_OBJECT, o);
	drain(test, c, o);
	check_cache(test, c, o);
}

static void kbuddy_bad_free_wrong_cache_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *a = kbt_new_cache(test, pool, "a", 64, 0, 0, NULL);
	struct kbuddy_cache *b = kbt_new_cache(test, pool, "b", 64, 0, 0, NULL);
	struct objs *oa = objs_new(test), *ob = objs_new(test);

	fill(test, a, oa, 3);
	fill(test, b, ob, 3);
	expect_refused(test, b, oa->p[0], KBUDDY_CACHE_BAD_FREE_WRONG_CACHE, ob);
	check_cache(test, a, oa);
	/* Also a slab page freed as pages: refused by the page allocator. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, oa->p[0], 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_BAD_FREE_WRONG_ALLOCATOR] +
			pool->stats.counter[KBUDDY_BAD_FREE_MISALIGNED], 1UL);
	drain(test, a, oa);
	drain(test, b, ob);
	check_cache(test, a, oa);
	check_cache(test, b, ob);
}

static void kbuddy_bad_free_interior_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	/* 4096 / 1000 = 4 objects per page and 96 bytes of tail. */
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "interior", 1000, 8, 0, NULL);
	struct objs *o = objs_new(test);
	void *base;

	fill(test, c, o, 3);
	base = (void *)ALIGN_DOWN((unsigned long)o->p[0], PAGE_SIZE << c->order);
	expect_refused(test, c, o->p[0] + 8, KBUDDY_CACHE_BAD_FREE_INTERIOR, o);
	expect_refused(test, c, o->p[0] + c->size - 1, KBUDDY_CACHE_BAD_FREE_INTERIOR, o);
	expect_refused(test, c, base + c->objects * c->size, KBUDDY_CACHE_BAD_FREE_INTERIOR, o);
	drain(test, c, o);
	check_cache(test, c, o);
}

static void kbuddy_bad_free_double_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "double", 128, 0, 0, NULL);
	struct objs *o = objs_new(test);
	void *p, *q;

	fill(test, c, o, 40);
	p = o->p[--o->n];
	q = o->p[o->n - 1];
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p), 0);
	/* p sits in this CPU's magazine. */
	expect_refused(test, c, p, KBUDDY_CACHE_BAD_FREE_DOUBLE, o);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, q), 0);
	o->n--;
	/* After a shrink q is back on its slab's freelist. */
	kbuddy_cache_shrink(c);
	expect_refused(test, c, q, KBUDDY_CACHE_BAD_FREE_DOUBLE, o);
	drain(test, c, o);
	check_cache(test, c, o);
}

static void kbuddy_destroy_refused_while_objects_remain(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbuddy_cache_create(pool, "busy", 96, 0, 0, NULL);
	struct objs *o = objs_new(test);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	fill(test, c, o, 50);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_destroy(c), -EBUSY);
	/* Still usable. */
	fill(test, c, o, 50);
	check_cache(test, c, o);
	drain(test, c, o);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), kbuddy_pool_total_pages(pool));
	kbt_expect_pool_ok(test, pool);
}

static void kbuddy_freelist_corruption_is_repaired(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "corrupt", 64, 0, 0, NULL);
	struct objs *o = objs_new(test);
	struct kbuddy_cache_info info;
	unsigned int i, j;

	fill(test, c, o, c->objects);
	/* Free all but the first into the magazines, then back to the slab. */
	while (o->n > 1)
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, o->p[--o->n]), 0);
	kbuddy_cache_shrink(c);
	check_cache(test, c, o);
	/* A write after free over every free object's free pointer. */
	for (i = 0; i < c->objects; i++) {
		void *obj = (void *)((unsigned long)o->p[0] & PAGE_MASK) + i * c->size;

		if (obj != o->p[0])
			memset(obj, 0xa5, 16);
	}
	KUNIT_EXPECT_GT(test, kbuddy_cache_validate(c, NULL, NULL), 0L);
	fill(test, c, o, c->objects - 1);
	KUNIT_EXPECT_EQ(test, o->n, c->objects);
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_GE(test, info.count[KBUDDY_CACHE_FREELIST_REPAIR], 1UL);
	KUNIT_EXPECT_EQ(test, info.num_slabs, 1UL);
	for (i = 0; i < o->n; i++)
		for (j = i + 1; j < o->n; j++)
			KUNIT_EXPECT_PTR_NE(test, o->p[i], o->p[j]);
	check_cache(test, c, o);
	drain(test, c, o);
	check_cache(test, c, o);
}

static void kbuddy_validate_detects_bad_object_state(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "state", 64, 0, 0, NULL);
	struct objs *o = objs_new(test);
	struct kbuddy_slab *slab;
	unsigned long flags;
	u8 saved;

	fill(test, c, o, 10);
	check_cache(test, c, o);
	slab = kbuddy_page_slab(pool, o->p[0]);
	spin_lock_irqsave(&c->lock, flags);
	saved = slab->state[c->objects - 1];
	slab->state[c->objects - 1] = KBUDDY_OBJ_ALLOC;
	spin_unlock_irqrestore(&c->lock, flags);
	KUNIT_EXPECT_GT(test, kbuddy_cache_validate(c, NULL, NULL), 0L);
	spin_lock_irqsave(&c->lock, flags);
	slab->state[c->objects - 1] = saved;
	spin_unlock_irqrestore(&c->lock, flags);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_validate(c, kbt_report, test), 0L);
	drain(test, c, o);
	check_cache(test, c, o);
}

struct remote {
	struct kbuddy_cache *c;
	struct objs *o;
	struct completion done;
	int errors;
};

static int remote_free_fn(void *arg)
{
	struct remote *r = arg;

	while (r->o->n)
		r->errors += !!kbuddy_cache_free(r->c, r->o->p[--r->o->n]);
	complete(&r->done);
	return 0;
}

static void kbuddy_objects_freed_on_another_cpu(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "remote", 64, 0, 0, NULL);
	struct remote *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t;
	struct kbuddy_cache_info info;
	int this, other;

	KUNIT_ASSERT_NOT_NULL(test, r);
	this = get_cpu();
	put_cpu();
	other = cpumask_any_but(cpu_online_mask, this);
	if (other >= nr_cpu_ids)
		kunit_skip(test, "needs a second online CPU");
	r->c = c;
	r->o = objs_new(test);
	init_completion(&r->done);
	fill(test, c, r->o, 1000);
	KUNIT_ASSERT_EQ(test, r->o->n, 1000U);
	t = kthread_create(remote_free_fn, r, "kbuddy-remote");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	kthread_bind(t, other);
	wake_up_process(t);
	wait_for_completion(&r->done);
	KUNIT_EXPECT_EQ(test, r->errors, 0);
	check_cache(test, c, r->o);
	/* The other CPU's magazines hold objects this CPU can allocate again. */
	fill(test, c, r->o, 1000);
	check_cache(test, c, r->o);
	drain(test, c, r->o);
	kbuddy_cache_shrink(c);
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_GE(test, info.count[KBUDDY_CACHE_SLAB_FREE], 1000UL / c->objects);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), kbuddy_pool_total_pages(pool));
	check_cache(test, c, r->o);
}

static void kbuddy_atomic_alloc_with_irqs_off(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "atomic", 192, 0, 0, NULL);
	struct objs *o = objs_new(test);
	unsigned long flags;
	unsigned int i, got = 0;

	/* api.rst: on PREEMPT_RT such callers are refused, as kmalloc's are. */
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		kunit_skip(test, "PREEMPT_RT refuses interrupts-off callers");

	local_irq_save(flags);
	for (i = 0; i < 300; i++) {
		void *p = kbuddy_cache_alloc(c, GFP_ATOMIC);

		if (p)
			o->p[o->n++] = p;
	}
	got = o->n;
	while (o->n > 100)
		kbuddy_cache_free(c, o->p[--o->n]);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, got, 300U);
	check_cache(test, c, o);
	drain(test, c, o);
	check_cache(test, c, o);
}

static void kbuddy_magazines_serve_the_fast_path(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "fast", 32, 0, 0, NULL);
	struct kbuddy_cache_info before, after;
	unsigned int i;
	void *p;

	/* Stay on one CPU so that every pair hits the same magazine. */
	migrate_disable();
	/* Warm up: one slab, a loaded magazine. */
	p = kbuddy_cache_alloc(c, GFP_ATOMIC);
	kbuddy_cache_free(c, p);
	kbuddy_cache_info(c, &before);
	for (i = 0; i < 10000; i++) {
		p = kbuddy_cache_alloc(c, GFP_ATOMIC);
		kbuddy_cache_free(c, p);
	}
	migrate_enable();
	kbuddy_cache_info(c, &after);
	KUNIT_EXPECT_EQ(test, after.mag_count[KBUDDY_MAG_ALLOC_FAST],
			before.mag_count[KBUDDY_MAG_ALLOC_FAST] + 10000);
	KUNIT_EXPECT_EQ(test, after.mag_count[KBUDDY_MAG_FREE_FAST],
			before.mag_count[KBUDDY_MAG_FREE_FAST] + 10000);
	KUNIT_EXPECT_EQ(test, after.count[KBUDDY_CACHE_ALLOC_SLOW],
			before.count[KBUDDY_CACHE_ALLOC_SLOW]);
	KUNIT_EXPECT_EQ(test, after.count[KBUDDY_CACHE_FREE_SLOW],
			before.count[KBUDDY_CACHE_FREE_SLOW]);
	check_cache(test, c, NULL);
}

static void kbuddy_depot_exchanges_full_magazines(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "depot", 64, 0, 0, NULL);
	struct objs *o = objs_new(test);
	struct kbuddy_cache_info info;

	/*
	 * One CPU throughout: a task that moved between the frees and the
	 * allocations would find the other CPU's two magazines empty.
	 */
	migrate_disable();
	while (o->n < 4 * c->mag_size)
		o->p[o->n++] = kbuddy_cache_alloc(c, GFP_ATOMIC);
	while (o->n)
		kbuddy_cache_free(c, o->p[--o->n]);
	kbuddy_cache_info(c, &info);
	/* Two magazines per CPU fill up; the rest went to the depot. */
	KUNIT_EXPECT_GE(test, info.count[KBUDDY_CACHE_DEPOT_EXCHANGE], 1UL);
	KUNIT_EXPECT_EQ(test, info.cached_objs, 4UL * c->mag_size);
	check_cache(test, c, o);
	/* And come back from it. */
	while (o->n < 4 * c->mag_size)
		o->p[o->n++] = kbuddy_cache_alloc(c, GFP_ATOMIC);
	migrate_enable();
	kbuddy_cache_info(c, &info);
	KUNIT_EXPECT_EQ(test, info.cached_objs, 0UL);
	check_cache(test, c, o);
	drain(test, c, o);
}

static void kbuddy_gfp_zero_zeroes_objects(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "zero", 300, 0, 0, NULL);
	struct objs *o = objs_new(test);
	u8 *p;
	unsigned int i;

	fill(test, c, o, 20);
	for (i = 0; i < o->n; i++)
		memset(o->p[i], 0xee, 300);
	drain(test, c, o);
	p = kbuddy_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	o->p[o->n++] = p;
	for (i = 0; i < 300; i++)
		if (p[i])
			break;
	KUNIT_EXPECT_EQ(test, i, 300U);
	check_cache(test, c, o);
	drain(test, c, o);
}

static struct kunit_case kbuddy_slab_cases[] = {
	KUNIT_CASE(kbuddy_cache_create_rejects_bad_arguments),
	KUNIT_CASE(kbuddy_slab_order_wastes_at_most_an_eighth),
	KUNIT_CASE(kbuddy_constructor_runs_once_per_object),
	KUNIT_CASE(kbuddy_objects_are_aligned),
	KUNIT_CASE(kbuddy_fill_pool_then_empty_to_pristine),
	KUNIT_CASE(kbuddy_shrink_frees_only_empty_slabs),
	KUNIT_CASE(kbuddy_refill_bounds_slabs_per_cpu),
	KUNIT_CASE(kbuddy_bad_free_outside_pool_refused),
	KUNIT_CASE(kbuddy_bad_free_not_object_refused),
	KUNIT_CASE(kbuddy_bad_free_wrong_cache_refused),
	KUNIT_CASE(kbuddy_bad_free_interior_refused),
	KUNIT_CASE(kbuddy_bad_free_double_refused),
	KUNIT_CASE(kbuddy_destroy_refused_while_objects_remain),
	KUNIT_CASE(kbuddy_freelist_corruption_is_repaired),
	KUNIT_CASE(kbuddy_validate_detects_bad_object_state),
	KUNIT_CASE(kbuddy_objects_freed_on_another_cpu),
	KUNIT_CASE(kbuddy_atomic_alloc_with_irqs_off),
	KUNIT_CASE(kbuddy_magazines_serve_the_fast_path),
	KUNIT_CASE(kbuddy_depot_exchanges_full_magazines),
	KUNIT_CASE(kbuddy_gfp_zero_zeroes_objects),
	{}
};

static struct kunit_suite kbuddy_slab_suite = {
	.name = "kbuddy_slab",
	.init = kbt_init_one_cpu,
	.exit = kbt_exit,
	.test_cases = kbuddy_slab_cases,
};

kunit_test_suite(kbuddy_slab_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_kmalloc: the malloc family over a pool.
 *
 * Every case ends with check_malloc(): kbuddy's validator over the buddy
 * allocator and every cache, and an independent count of what the case
 * holds against the size classes' objects in use and the pool's used pages.
 */

#include <linux/overflow.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "helpers.h"

#define MAX_PTRS 2048

struct ptrs {
	void *p[MAX_PTRS];
	size_t size[MAX_PTRS];
	unsigned int n;
};

static struct ptrs *ptrs_new(struct kunit *test)
{
	struct ptrs *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	return o;
}

/* The case holds exactly the objects in use and the whole blocks it has. */
static void check_malloc(struct kunit *test, struct kbuddy_pool *pool,
			 struct ptrs *o)
{
	unsigned long objs = 0, large_pages = 0, slab_pages = 0, active = 0;
	struct kbuddy_cache *c;
	unsigned int i;

	kbt_expect_pool_ok(test, pool);
	for (i = 0; o && i < o->n; i++) {
		if (kbuddy_obj_cache(pool, o->p[i]))
			objs++;
		else
			large_pages += kbuddy_ksize(pool, o->p[i]) >> PAGE_SHIFT;
	}
	mutex_lock(&pool->caches_lock);
	list_for_each_entry(c, &pool->caches, node) {
		struct kbuddy_cache_info info;

		kbuddy_cache_info(c, &info);
		if (c->flags & KBUDDY_CACHE_KMALLOC)
			active += info.active_objs;
		slab_pages += info.num_slabs << c->order;
	}
	mutex_unlock(&pool->caches_lock);
	KUNIT_EXPECT_EQ(test, objs, active);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_total_pages(pool) - kbuddy_pool_free_pages(pool),
			large_pages + slab_pages);
}

static void hold(struct kunit *test, struct ptrs *o, void *p, size_t size)
{
	KUNIT_ASSERT_LT(test, o->n, MAX_PTRS);
	o->p[o->n] = p;
	o->size[o->n++] = size;
}

static void release_all(struct kunit *test, struct kbuddy_pool *pool,
			struct ptrs *o)
{
	while (o->n)
		KUNIT_EXPECT_EQ(test, kbuddy_free(pool, o->p[--o->n]), 0);
}

/* The smallest size class that holds @size. */
static size_t class_of(size_t size)
{
	static const size_t classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048,
						4096 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i])
			return classes[i];
	return 0;
}

/* ==== Cases ============================================================== */

static void kbuddy_malloc_zero_and_free_null(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	void *p = kbuddy_malloc(pool, 0, GFP_KERNEL);

	KUNIT_EXPECT_PTR_EQ(test, p, ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, NULL), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)0);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_calloc(pool, 0, 8, GFP_KERNEL), ZERO_SIZE_PTR);
	check_malloc(test, pool, NULL);
}

static void kbuddy_size_classes_are_naturally_aligned(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_2M);
	struct ptrs *o = ptrs_new(test);
	size_t size;

	for (size = 1; size <= PAGE_SIZE; size += size < 64 ? 1 : 7) {
		void *p = kbuddy_malloc(pool, size, GFP_KERNEL);
		size_t ks = kbuddy_ksize(pool, p);
		size_t natural = ks & -ks;

		KUNIT_ASSERT_NOT_NULL(test, p);
		hold(test, o, p, size);
		KUNIT_EXPECT_EQ_MSG(test, ks, class_of(size), "size %zu", size);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)p, max_t(size_t, natural, 8)),
				      "size %zu at %p", size, p);
	}
	check_malloc(test, pool, o);
	release_all(test, pool, o);
	check_malloc(test, pool, o);
}

static void kbuddy_large_requests_take_whole_blocks(struct kunit *test)
{
	static const size_t sizes[] = { PAGE_SIZE + 1, 5000, 3 * PAGE_SIZE,
					SZ_64K, SZ_64K + 1, SZ_1M };
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_4M);
	struct ptrs *o = ptrs_new(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		void *p = kbuddy_malloc(pool, sizes[i], GFP_KERNEL);
		size_t block = PAGE_SIZE << get_order(sizes[i]);

		KUNIT_ASSERT_NOT_NULL(test, p);
		hold(test, o, p, sizes[i]);
		KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), block);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(kbuddy_virt_to_phys(pool, p), block));
		check_malloc(test, pool, o);
	}
	KUNIT_EXPECT_NULL(test, kbuddy_malloc(pool, SZ_8M, GFP_KERNEL));
	release_all(test, pool, o);
	check_malloc(test, pool, o);
}

static void kbuddy_calloc_zeroes_and_refuses_overflow(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	u8 *p;
	size_t i;

	/* Dirty a class first so that zeroing is not luck. */
	p = kbuddy_malloc(pool, 500, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xff, 500);
	kbuddy_free(pool, p);
	p = kbuddy_calloc(pool, 50, 10, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	hold(test, o, p, 500);
	for (i = 0; i < 500; i++)
		if (p[i])
			break;
	KUNIT_EXPECT_EQ(test, i, (size_t)500);
	KUNIT_EXPECT_NULL(test, kbuddy_calloc(pool, SIZE_MAX / 2, 3, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kbuddy_calloc(pool, 3, SIZE_MAX / 2, GFP_KERNEL));
	check_malloc(test, pool, o);
	release_all(test, pool, o);
}

static void kbuddy_reallocarray_refuses_overflow(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	u32 *p = kbuddy_malloc(pool, 64, GFP_KERNEL), *q;

	KUNIT_ASSERT_NOT_NULL(test, p);
	p[0] = 0xfeedface;
	KUNIT_EXPECT_NULL(test, kbuddy_reallocarray(pool, p, SIZE_MAX / 4 + 1, 4, GFP_KERNEL));
	/* Untouched. */
	KUNIT_EXPECT_EQ(test, p[0], 0xfeedfaceU);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)64);
	q = kbuddy_reallocarray(pool, p, 100, 4, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, q[0], 0xfeedfaceU);
	hold(test, o, q, 400);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
}

static void kbuddy_realloc_null_and_zero(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	void *p = kbuddy_realloc(pool, NULL, 100, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)128);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_realloc(pool, p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	/* p is gone: freeing it again is a double free. */
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p), -EINVAL);
	p = kbuddy_realloc(pool, ZERO_SIZE_PTR, 3000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	hold(test, o, p, 3000);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
}

static void kbuddy_realloc_in_place_when_it_fits(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	u8 *p = kbuddy_malloc(pool, 100, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x11, 100);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_realloc(pool, p, 128, GFP_KERNEL), p);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_realloc(pool, p, 20, GFP_KERNEL), p);
	KUNIT_EXPECT_EQ(test, p[19], 0x11);
	/* __GFP_ZERO clears what lies past the new size. */
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_realloc(pool, p, 50, GFP_KERNEL | __GFP_ZERO), p);
	KUNIT_EXPECT_EQ(test, p[49], 0x11);
	KUNIT_EXPECT_EQ(test, p[50], 0);
	hold(test, o, p, 50);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
}

static void kbuddy_realloc_moves_small_objects(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	u8 *p = kbuddy_malloc(pool, 60, GFP_KERNEL), *q;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 60; i++)
		p[i] = i;
	q = kbuddy_realloc(pool, p, 1500, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_NE(test, q, p);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, q), (size_t)2048);
	for (i = 0; i < 60; i++)
		KUNIT_EXPECT_EQ(test, q[i], (u8)i);
	/* Small to large moves too. */
	p = kbuddy_realloc(pool, q, 10000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)(4 * PAGE_SIZE));
	for (i = 0; i < 60; i++)
		KUNIT_EXPECT_EQ(test, p[i], (u8)i);
	hold(test, o, p, 10000);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
}

static void kbuddy_realloc_shrinks_large_in_place(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	unsigned long free_before;
	u8 *p = kbuddy_malloc(pool, SZ_64K, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0x3c, 5000);
	free_before = kbuddy_pool_free_pages(pool);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_realloc(pool, p, 5000, GFP_KERNEL), p);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)(2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), free_before + 14);
	KUNIT_EXPECT_EQ(test, p[4999], 0x3c);
	/* Down to a small size: still the same memory, now one page. */
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_realloc(pool, p, 10, GFP_KERNEL), p);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)PAGE_SIZE);
	/* A one-page block stays a block, not a 4096-byte object: it grows in place. */
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_realloc(pool, p, 8000, GFP_KERNEL), p);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)(2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, p[9], 0x3c);
	hold(test, o, p, 2 * PAGE_SIZE);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), kbuddy_pool_total_pages(pool));
}

static void kbuddy_realloc_grows_into_free_buddy(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	u8 *p = kbuddy_malloc(pool, 2 * PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	/* A split keeps the lower half: the buddies above p are free. */
	memset(p, 0x77, 2 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_realloc(pool, p, 16 * PAGE_SIZE, GFP_KERNEL), p);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, p), (size_t)(16 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, p[2 * PAGE_SIZE - 1], 0x77);
	hold(test, o, p, 16 * PAGE_SIZE);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), kbuddy_pool_total_pages(pool));
	check_malloc(test, pool, o);
}

static void kbuddy_realloc_grow_moves_when_buddy_used(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	u8 *a = kbuddy_malloc(pool, 2 * PAGE_SIZE, GFP_KERNEL);
	u8 *b = kbuddy_malloc(pool, 2 * PAGE_SIZE, GFP_KERNEL);
	u8 *q;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	/* b took a's buddy. */
	KUNIT_EXPECT_PTR_EQ(test, b, a + 2 * PAGE_SIZE);
	memset(a, 0x42, 2 * PAGE_SIZE);
	q = kbuddy_realloc(pool, a, 4 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_NE(test, q, a);
	KUNIT_EXPECT_EQ(test, q[0], 0x42);
	KUNIT_EXPECT_EQ(test, q[2 * PAGE_SIZE - 1], 0x42);
	hold(test, o, q, 4 * PAGE_SIZE);
	hold(test, o, b, 2 * PAGE_SIZE);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
}

static void kbuddy_free_refuses_foreign_pointers(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbuddy_cache *user = kbt_new_cache(test, pool, "user", 64, 0, 0, NULL);
	struct ptrs *o = ptrs_new(test);
	u64 on_stack;
	void *obj = kbuddy_cache_alloc(user, GFP_KERNEL);
	void *page = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	u8 *small = kbuddy_malloc(pool, 64, GFP_KERNEL);
	u8 *large = kbuddy_malloc(pool, 3 * PAGE_SIZE, GFP_KERNEL);
	unsigned long before = pool->stats.counter[KBUDDY_BAD_FREE_WRONG_ALLOCATOR];

	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_NOT_NULL(test, small);
	KUNIT_ASSERT_NOT_NULL(test, large);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, &on_stack), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, obj), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, page), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_BAD_FREE_WRONG_ALLOCATOR], before + 1);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, small + 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, large + PAGE_SIZE), -EINVAL);
	/* And the other way round: malloc memory is no pages block. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, large, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, &on_stack), (size_t)0);
	KUNIT_EXPECT_EQ(test, kbuddy_ksize(pool, page), (size_t)0);
	KUNIT_EXPECT_NULL(test, kbuddy_realloc(pool, page, 100, GFP_KERNEL));
	hold(test, o, small, 64);
	hold(test, o, large, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(user, obj), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, page, 0), 0);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
	/* Double frees of both kinds. */
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, small), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, large), -EINVAL);
	check_malloc(test, pool, o);
}

static void kbuddy_malloc_gfp_zero(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct ptrs *o = ptrs_new(test);
	static const size_t sizes[] = { 24, 200, 2000, 6000 };
	unsigned int i;
	size_t k;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *p = kbuddy_malloc(pool, sizes[i], GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, p);
		memset(p, 0x99, sizes[i]);
		kbuddy_free(pool, p);
		p = kbuddy_malloc(pool, sizes[i], GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, p);
		hold(test, o, p, sizes[i]);
		for (k = 0; k < sizes[i]; k++)
			if (p[k])
				break;
		KUNIT_EXPECT_EQ_MSG(test, k, sizes[i], "size %zu", sizes[i]);
	}
	check_malloc(test, pool, o);
	release_all(test, pool, o);
}

static void kbuddy_malloc_irqs_off_gfp_atomic(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_4M);
	struct ptrs *o = ptrs_new(test);
	unsigned long flags;
	unsigned int i;

	/* api.rst: on PREEMPT_RT such callers are refused, as kmalloc's are. */
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		kunit_skip(test, "PREEMPT_RT refuses interrupts-off callers");

	local_irq_save(flags);
	for (i = 0; i < 200; i++) {
		size_t size = 8 + (i * 37) % 6000;
		void *p = kbuddy_malloc(pool, size, GFP_ATOMIC);

		if (p) {
			o->p[o->n] = p;
			o->size[o->n++] = size;
		}
	}
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, o->n, 200U);
	check_malloc(test, pool, o);
	release_all(test, pool, o);
}

static u8 pattern_of(unsigned long seq)
{
	return (u8)(seq * 131 + 7);
}

static bool pattern_ok(const u8 *p, size_t n, u8 v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void kbuddy_random_malloc_realloc_free(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_8M);
	struct ptrs *o = ptrs_new(test);
	u8 *pat = kunit_kcalloc(test, MAX_PTRS, 1, GFP_KERNEL);
	unsigned long i, seq = 0, moved = 0, bad = 0, nomem = 0;
	struct rnd_state rnd;
	unsigned int k;

	KUNIT_ASSERT_NOT_NULL(test, pat);
	prandom_seed_state(&rnd, 1122);
	for (i = 0; i < 100000; i++) {
		u32 x = prandom_u32_state(&rnd);
		u32 y = prandom_u32_state(&rnd);
		size_t size = x % 100 < 90 ? 1 + y % 512 : 1 + y % 8192;

		if (o->n && (x % 3 == 0 || o->n == MAX_PTRS)) {
			k = y % o->n;
			bad += !pattern_ok(o->p[k], o->size[k], pat[k]);
			KUNIT_EXPECT_EQ(test, kbuddy_free(pool, o->p[k]), 0);
			o->n--;
			o->p[k] = o->p[o->n];
			o->size[k] = o->size[o->n];
			pat[k] = pat[o->n];
		} else if (o->n && x % 3 == 1) {
			void *q;

			k = y % o->n;
			bad += !pattern_ok(o->p[k], o->size[k], pat[k]);
			q = kbuddy_realloc(pool, o->p[k], size, GFP_KERNEL);
			if (!q) {
				nomem++;
				continue;
			}
			bad += !pattern_ok(q, min(size, o->size[k]), pat[k]);
			moved += q != o->p[k];
			o->p[k] = q;
			o->size[k] = size;
			pat[k] = pattern_of(++seq);
			memset(q, pat[k], size);
		} else {
			void *p = kbuddy_malloc(pool, size, GFP_KERNEL);

			if (!p) {
				nomem++;
				continue;
			}
			pat[o->n] = pattern_of(++seq);
			memset(p, pat[o->n], size);
			hold(test, o, p, size);
		}
		if (i % 20000 == 19999) {
			check_malloc(test, pool, o);
			cond_resched();
		}
	}
	kunit_info(test, "%u live, %lu moved by realloc, %lu out of memory\n", o->n, moved, nomem);
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	check_malloc(test, pool, o);
	for (k = 0; k < o->n; k++)
		bad += !pattern_ok(o->p[k], o->size[k], pat[k]);
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	release_all(test, pool, o);
	for (k = 0; k < KBUDDY_NR_KMALLOC; k++)
		kbuddy_cache_shrink(pool->kmalloc[k]);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), kbuddy_pool_total_pages(pool));
	check_malloc(test, pool, o);
}

/*
 * Issue 10, defect 3: the empty slabs and magazines of the size classes
 * hold memory that is free. After filling a pool with 64-byte objects and
 * freeing them all, a request for the whole pool must succeed: the
 * allocation reclaims every cache's magazines and empty slabs first. Slabs
 * that empty beyond the few a cache keeps go back on their own.
 */
static void kbuddy_malloc_empty_slabs_reclaimed(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, 11);
	unsigned long max = SZ_2M / 64, n, total, before;
	struct kbuddy_cache_info info;
	void **p, *big;

	p = kunit_kcalloc(test, max, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kbt_add_mem(test, pool, KBT_PHYS, SZ_2M);
	total = kbuddy_pool_total_pages(pool);
	for (n = 0; n < max; n++) {
		p[n] = kbuddy_malloc(pool, 64, GFP_KERNEL);
		if (!p[n])
			break;
	}
	KUNIT_EXPECT_EQ(test, n, max);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), 0UL);
	kbt_expect_pool_ok(test, pool);
	while (n)
		KUNIT_ASSERT_EQ(test, kbuddy_free(pool, p[--n]), 0);
	/* Beyond the kept ones, slabs went back as they emptied. */
	kbuddy_cache_info(pool->kmalloc[3], &info);
	KUNIT_EXPECT_EQ(test, info.active_objs, 0UL);
	KUNIT_EXPECT_GT(test, info.count[KBUDDY_CACHE_SLAB_FREE], 0UL);
	check_malloc(test, pool, NULL);
	before = pool->stats.counter[KBUDDY_RECLAIMS];
	big = kbuddy_alloc_pages(pool, 9, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), 0UL);
	KUNIT_EXPECT_EQ(test, pool->stats.fail[9], 0UL);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, big, 9), 0);
	kbuddy_pool_drain(pool);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), total);
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_RECLAIMS], before + 1);
	check_malloc(test, pool, NULL);
}

static struct kunit_case kbuddy_kmalloc_cases[] = {
	KUNIT_CASE(kbuddy_malloc_empty_slabs_reclaimed),
	KUNIT_CASE(kbuddy_malloc_zero_and_free_null),
	KUNIT_CASE(kbuddy_size_classes_are_naturally_aligned),
	KUNIT_CASE(kbuddy_large_requests_take_whole_blocks),
	KUNIT_CASE(kbuddy_calloc_zeroes_and_refuses_overflow),
	KUNIT_CASE(kbuddy_reallocarray_refuses_overflow),
	KUNIT_CASE(kbuddy_realloc_null_and_zero),
	KUNIT_CASE(kbuddy_realloc_in_place_when_it_fits),
	KUNIT_CASE(kbuddy_realloc_moves_small_objects),
	KUNIT_CASE(kbuddy_realloc_shrinks_large_in_place),
	KUNIT_CASE(kbuddy_realloc_grows_into_free_buddy),
	KUNIT_CASE(kbuddy_realloc_grow_moves_when_buddy_used),
	KUNIT_CASE(kbuddy_free_refuses_foreign_pointers),
	KUNIT_CASE(kbuddy_malloc_gfp_zero),
	KUNIT_CASE(kbuddy_malloc_irqs_off_gfp_atomic),
	KUNIT_CASE(kbuddy_random_malloc_realloc_free),
	{}
};

static struct kunit_suite kbuddy_kmalloc_suite = {
	.name = "kbuddy_kmalloc",
	.init = kbt_init_one_cpu,
	.exit = kbt_exit,
	.test_cases = kbuddy_kmalloc_cases,
};

kunit_test_suite(kbuddy_kmalloc_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of kbuddy_alloc_contig(), kbuddy_free_contig() and
 * kbuddy_trim_contig(): drm_buddy's test scenarios that apply (contiguous
 * sizes that are no power of two, ranges and range bias, top-down, try
 * harder across free blocks, trim; drivers/gpu/drm/tests/drm_buddy_test.c)
 * plus alignment, boundaries and refused requests and frees, with the
 * invariant checker after every step. The random case and the placement
 * policy cases compare every placement with a brute-force search over a
 * page map: first, next, best or worst fit, bottom-up or top-down, exactly.
 */

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "helpers.h"
#include "kbuddy.h"
#include "debug.h"

#define PAGES(n)	((size_t)(n) << PAGE_SHIFT)

static void check(struct kunit *test, struct kbuddy_pool *pool)
{
	kbt_expect_pool_ok(test, pool);
}

/* A pool of @pages pages in one region, without per-CPU caches. */
static struct kbuddy_pool *contig_pool(struct kunit *test, unsigned long pages)
{
	return kbt_simple_pool(test, 0, PAGES(pages));
}

static unsigned long pool_free(struct kbuddy_pool *pool)
{
	return kbuddy_pool_free_pages(pool);
}

/* The pool's free blocks exactly as in @s. */
static void expect_same(struct kunit *test, struct kbuddy_pool *pool,
			struct kbt_snapshot *s)
{
	struct kbt_snapshot *now = kbt_snap_alloc(test, pool);

	KUNIT_EXPECT_EQ(test, now->free, s->free);
	KUNIT_EXPECT_EQ(test, memcmp(now->nr_free, s->nr_free, sizeof(s->nr_free)), 0);
}

/* Every size from 1 to 40 pages: exactly its pages, aligned to its first block. */
static void kbuddy_contig_sizes(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 256);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	struct kbuddy_contig c;
	unsigned long n;

	for (n = 1; n <= 40; n++) {
		unsigned long before = pool_free(pool);

		KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(n) - 100, NULL,
							  GFP_KERNEL, &c), 0);
		KUNIT_EXPECT_EQ(test, c.size, PAGES(n));
		KUNIT_EXPECT_EQ(test, pool_free(pool), before - n);
		KUNIT_EXPECT_EQ(test, c.phys & (PAGES(1UL << __fls(n)) - 1), 0ULL);
		KUNIT_EXPECT_EQ(test, kbuddy_virt_to_phys(pool, c.addr), c.phys);
		memset(c.addr, 0x5a, c.size);
		check(test, pool);
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c), 0);
		check(test, pool);
	}
	expect_same(test, pool, pristine);
}

/* Alignment larger than the size; and a 64 KiB boundary never crossed. */
static void kbuddy_contig_align_and_boundary(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 256);
	struct kbuddy_constraint con = { .align = SZ_64K };
	struct kbuddy_contig *c = kunit_kcalloc(test, 32, sizeof(*c), GFP_KERNEL);
	int i, n;

	KUNIT_ASSERT_NOT_NULL(test, c);

	/* A page off the start, so that the first fit is not aligned anyway. */
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGE_SIZE, NULL, GFP_KERNEL, &c[0]), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGE_SIZE, &con, GFP_KERNEL, &c[1]), 0);
	KUNIT_EXPECT_EQ(test, c[1].phys & (SZ_64K - 1), 0ULL);
	KUNIT_EXPECT_EQ(test, c[1].phys, c[0].phys + SZ_64K);
	check(test, pool);
	kbuddy_free_contig(pool, &c[1]);
	kbuddy_free_contig(pool, &c[0]);

	/*
	 * A page taken, then 3-page runs (at even pages) that must not cross
	 * a multiple of 8 pages: [2, 5), then [8, 11), not [6, 9).
	 */
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGE_SIZE, NULL, GFP_KERNEL, &c[0]), 0);
	con = (struct kbuddy_constraint){ .boundary = PAGES(8) };
	for (n = 1; n < 32; n++) {
		KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(3), &con,
							  GFP_KERNEL, &c[n]), 0);
		KUNIT_EXPECT_EQ(test, c[n].phys / PAGES(8),
				(c[n].phys + c[n].size - 1) / PAGES(8));
		check(test, pool);
	}
	KUNIT_EXPECT_EQ(test, c[1].phys, KBT_PHYS + PAGES(2));
	KUNIT_EXPECT_EQ(test, c[2].phys, KBT_PHYS + PAGES(8));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c[i]), 0);
	check(test, pool);
}

/* A range: every run lies in it, until it is full; top-down from its end. */
static void kbuddy_contig_range_and_topdown(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 256);
	phys_addr_t start = KBT_PHYS + PAGES(40), end = KBT_PHYS + PAGES(100);
	struct kbuddy_constraint con = { .start = start, .end = end };
	struct kbuddy_contig *c = kunit_kcalloc(test, 64, sizeof(*c), GFP_KERNEL), top;
	unsigned long outside;
	int i, n;

	KUNIT_ASSERT_NOT_NULL(test, c);

	outside = pool_free(pool) - 60;
	for (n = 0; n < 64; n++) {
		if (kbuddy_alloc_contig(pool, PAGES(3), &con, GFP_KERNEL, &c[n]))
			break;
		KUNIT_EXPECT_GE(test, c[n].phys, start);
		KUNIT_EXPECT_LE(test, c[n].phys + c[n].size, end);
		check(test, pool);
	}
	/*
	 * 3-page runs start at even pages: one every 4 in [40, 100), 15; the
	 * odd pages between are left, and no 2-page run fits.
	 */
	KUNIT_EXPECT_EQ(test, n, 15);
	KUNIT_EXPECT_EQ(test, pool_free(pool), outside + 15);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_contig(pool, PAGES(2), &con, GFP_KERNEL, &top),
			-ENOMEM);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c[i]), 0);

	con.flags = KBUDDY_CONTIG_TOPDOWN;
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(5), &con, GFP_KERNEL, &top), 0);
	/* The highest multiple of 4 pages with 5 pages below 100: 92. */
	KUNIT_EXPECT_EQ(test, top.phys, KBT_PHYS + PAGES(92));
	check(test, pool);
	con = (struct kbuddy_constraint){ .flags = KBUDDY_CONTIG_TOPDOWN };
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(1), &con, GFP_KERNEL, &c[0]), 0);
	KUNIT_EXPECT_EQ(test, c[0].phys, KBT_PHYS + PAGES(255));
	kbuddy_free_contig(pool, &c[0]);
	kbuddy_free_contig(pool, &top);
	check(test, pool);
}

/*
 * drm_buddy's try-harder case: no free block is as large as the run, but
 * free blocks side by side are. Every page alone, then [2, 6) freed: free
 * blocks of order 1 at 2 and at 4; a 3-page run fits at 2.
 */
static void kbuddy_contig_across_free_blocks(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 16);
	struct kbuddy_contig c[16], run;
	int i;

	for (i = 0; i < 16; i++)
		KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGE_SIZE, NULL,
							  GFP_KERNEL, &c[i]), 0);
	for (i = 2; i < 6; i++)
		KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &c[i]), 0);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[1].nr_free, 2UL);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[2].nr_free, 0UL);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(3), NULL, GFP_KERNEL, &run), 0);
	KUNIT_EXPECT_EQ(test, run.phys, KBT_PHYS + PAGES(2));
	check(test, pool);
	/* 4 pages need a multiple of 4: none is free. */
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_contig(pool, PAGES(4), NULL, GFP_KERNEL, &c[2]),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &run), 0);
	for (i = 0; i < 16; i++)
		if (i < 2 || i >= 6)
			KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c[i]), 0);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[4].nr_free, 1UL);
	check(test, pool);
}

/* Trim keeps the start and gives the tail back; the old size is refused. */
static void kbuddy_contig_trim(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	struct kbuddy_contig c, old;
	phys_addr_t phys;

	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(16), NULL, GFP_KERNEL, &c), 0);
	phys = c.phys;
	old = c;
	KUNIT_EXPECT_EQ(test, kbuddy_trim_contig(pool, &c, PAGES(5) - 1), 0);
	KUNIT_EXPECT_EQ(test, c.phys, phys);
	KUNIT_EXPECT_EQ(test, c.size, PAGES(5));
	KUNIT_EXPECT_EQ(test, pool_free(pool), 64UL - 5);
	check(test, pool);
	/* The old size, 0, more than the run: refused. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &old), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_trim_contig(pool, &c, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_trim_contig(pool, &c, PAGES(6)), -EINVAL);
	/* Trimming to the same pages changes nothing. */
	KUNIT_EXPECT_EQ(test, kbuddy_trim_contig(pool, &c, PAGES(5)), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_trim_contig(pool, &c, PAGES(1)), 0);
	KUNIT_EXPECT_EQ(test, pool_free(pool), 64UL - 1);
	check(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c), 0);
	expect_same(test, pool, pristine);
}

/* A refused free: -EINVAL, one more @kind, nothing else changed. */
static void expect_refused(struct kunit *test, struct kbuddy_pool *pool,
			   const struct kbuddy_contig *c, enum kbuddy_counter kind)
{
	struct kbt_snapshot *before = kbt_snap_alloc(test, pool), *after;

	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, c), -EINVAL);
	after = kbt_snap_alloc(test, pool);
	KUNIT_EXPECT_EQ_MSG(test, after->st.counter[kind], before->st.counter[kind] + 1,
			    "counter %s", kbuddy_counter_names[kind]);
	after->st.counter[kind]--;
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*before)), 0);
	check(test, pool);
}

/* Every bad free is refused whole, the pool unchanged. */
static void kbuddy_contig_bad_frees(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbuddy_contig c, bad;
	void *pages;

	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(5), NULL, GFP_KERNEL, &c), 0);
	/* Part of the run: its first block alone, or its last. */
	bad = c;
	bad.size = PAGES(4);
	expect_refused(test, pool, &bad, KBUDDY_BAD_FREE_WRONG_ORDER);
	bad.phys = c.phys + PAGES(4);
	bad.size = PAGES(1);
	expect_refused(test, pool, &bad, KBUDDY_BAD_FREE_WRONG_ORDER);
	/* More than the run. */
	bad = c;
	bad.size = PAGES(6);
	expect_refused(test, pool, &bad, KBUDDY_BAD_FREE_WRONG_ORDER);
	/* Outside the pool, misaligned, empty. */
	bad = c;
	bad.phys = KBT_PHYS - PAGES(8);
	expect_refused(test, pool, &bad, KBUDDY_BAD_FREE_OUTSIDE);
	bad.phys = c.phys + 1;
	expect_refused(test, pool, &bad, KBUDDY_BAD_FREE_MISALIGNED);
	bad = c;
	bad.size = 0;
	expect_refused(test, pool, &bad, KBUDDY_BAD_FREE_MISALIGNED);
	/* A block of kbuddy_alloc_pages(), and the other way round. */
	pages = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	bad.phys = kbuddy_virt_to_phys(pool, pages);
	bad.size = PAGE_SIZE;
	expect_refused(test, pool, &bad, KBUDDY_BAD_FREE_WRONG_ALLOCATOR);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, c.addr, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, pages, 0), 0);
	/* The real free, then a double free. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c), 0);
	expect_refused(test, pool, &c, KBUDDY_BAD_FREE_DOUBLE);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, NULL), 0);
}

/*
 * A run is at most 64 blocks: with a largest block of 2 pages, 128 pages
 * go, 129 are refused; a free claiming more blocks is refused too.
 */
static void kbuddy_contig_run_limit(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool(test, 2);
	struct kbuddy_contig c, bad;

	kbt_add_mem(test, pool, KBT_PHYS, PAGES(256));
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_contig(pool, PAGES(129), NULL, GFP_KERNEL, &c),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(128), NULL, GFP_KERNEL, &c), 0);
	check(test, pool);
	bad = c;
	bad.size = PAGES(129);
	expect_refused(test, pool, &bad, KBUDDY_BAD_FREE_WRONG_ORDER);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_trim_contig(pool, NULL, PAGE_SIZE), -EINVAL);
	check(test, pool);
}

/* Requests that cannot be met: -EINVAL, nothing changed. */
static void kbuddy_contig_bad_requests(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	static const struct {
		size_t size;
		struct kbuddy_constraint con;
	} bad[] = {
		{ 0, {} },
		{ PAGES(65), {} },
		{ PAGE_SIZE, { .align = 3 * PAGE_SIZE } },
		{ PAGE_SIZE, { .align = PAGE_SIZE / 2 } },
		{ PAGE_SIZE, { .align = PAGES(1UL << KBUDDY_DEFAULT_MAX_ORDER) } },
		{ PAGE_SIZE, { .boundary = 3 * PAGE_SIZE } },
		{ PAGES(3), { .boundary = PAGES(2) } },
		{ PAGE_SIZE, { .start = KBT_PHYS + PAGES(8), .end = KBT_PHYS + PAGES(8) } },
		{ PAGE_SIZE, { .flags = BIT(7) } },
		{ PAGE_SIZE, { .start = (phys_addr_t)-1 - 100 } },
	};
	struct kbuddy_contig c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_alloc_contig(pool, bad[i].size, &bad[i].con,
							      GFP_KERNEL, &c),
				    -EINVAL, "request %u", i);
	/* A range outside the pool is no error: nothing there is free. */
	c.size = 0;
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_contig(pool, PAGE_SIZE,
						  &(struct kbuddy_constraint){ .end = KBT_PHYS },
						  GFP_KERNEL, &c), -ENOMEM);
	expect_same(test, pool, pristine);
	check(test, pool);
}

/* __GFP_ZERO zeroes the run; the run's pages are all the caller's. */
static void kbuddy_contig_zero(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbuddy_contig c;

	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(7), NULL, GFP_KERNEL, &c), 0);
	memset(c.addr, 0xa5, c.size);
	KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &c), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(7), NULL,
						  GFP_KERNEL | __GFP_ZERO, &c), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(c.addr, 0, c.size));
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c), 0);
	check(test, pool);
}

/* debug=P: what a free or a trim gives back is poisoned, and checked. */
static void kbuddy_contig_poisoned(struct kunit *test)
{
	unsigned long saved = kbuddy_debug_default;
	struct kbuddy_pool *pool;
	struct kbuddy_contig c;

	kbuddy_debug_default = KBUDDY_CACHE_POISON;
	pool = contig_pool(test, 64);
	kbuddy_debug_default = saved;
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(12), NULL, GFP_KERNEL, &c), 0);
	memset(c.addr, 0x11, c.size);
	KUNIT_ASSERT_EQ(test, kbuddy_trim_contig(pool, &c, PAGES(9)), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(c.addr + PAGES(9), KBUDDY_POISON_FREE, PAGES(3)));
	check(test, pool);
	KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &c), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(pool->regions[0].virt, KBUDDY_POISON_FREE,
					   PAGES(64)));
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN], 0UL);
	check(test, pool);
}

/* ==== Random requests against a brute-force page map ===================== */

#define RND_PAGES	256	/* per region; two regions, 1 MiB apart */
#define RND_RUNS	64

struct contig_rnd {
	struct kbuddy_pool *pool;
	bool used[2][RND_PAGES];
	struct kbuddy_contig run[RND_RUNS];
	unsigned int nr;
};

/*
 * The free extent around the free run of @npages at page @idx of @used (a
 * region's page map from @base): free pages side by side, cut at [@lo, @hi).
 */
static unsigned long extent_size(const bool *used, unsigned long nr, unsigned long base,
				 unsigned long idx, unsigned long npages,
				 unsigned long lo, unsigned long hi)
{
	unsigned long a = idx, b = idx + npages;

	while (a > 0 && !used[a - 1] && base + a - 1 >= lo)
		a--;
	while (b < nr && !used[b] && base + b < hi)
		b++;
	return b - a;
}

/*
 * The place a request must get, by brute force over page maps (@used[i]
 * the map of region i of @pool, @nr pages each): every candidate in search
 * order (regions in order, each from its bottom; all reversed top-down);
 * first fit takes the first that is free, next fit the first at or above
 * @cursor and else the first below it, best (worst) fit the first whose
 * free extent is smaller (larger) than every other's.
 */
static bool model_place(struct kbuddy_pool *pool, bool *const *used, unsigned int nregions,
			unsigned long nr, unsigned long npages, unsigned long step,
			unsigned long lo, unsigned long hi, unsigned long boundary,
			unsigned int flags, unsigned long cursor, phys_addr_t *phys)
{
	unsigned int policy = flags & KBUDDY_CONTIG_POLICY;
	bool topdown = flags & KBUDDY_CONTIG_TOPDOWN, found = false;
	unsigned long best_size = 0;
	int pass, k;

	for (pass = 0; pass < 2 && !found; pass++) {
		if (pass && policy != KBUDDY_CONTIG_NEXT_FIT)
			break;
		for (k = 0; k < nregions; k++) {
			unsigned int i = topdown ? nregions - 1 - k : k;
			unsigned long base = pool->regions[i].base_pfn, s, j, size;
			long idx, last = (long)nr - (long)npages;

			for (idx = topdown ? last : 0; idx >= 0 && idx <= last;
			     idx += topdown ? -1 : 1) {
				s = base + idx;
				if (s % step || s < lo || s + npages > hi)
					continue;
				if (boundary && s / boundary != (s + npages - 1) / boundary)
					continue;
				/* Next fit: at or above the cursor, then below it. */
				if (policy == KBUDDY_CONTIG_NEXT_FIT &&
				    (pass ? s >= cursor : s < cursor))
					continue;
				for (j = 0; j < npages && !used[i][idx + j]; j++)
					;
				if (j < npages)
					continue;
				if (policy != KBUDDY_CONTIG_BEST_FIT &&
				    policy != KBUDDY_CONTIG_WORST_FIT) {
					*phys = PFN_PHYS(s);
					return true;
				}
				size = extent_size(used[i], nr, base, idx, npages, lo, hi);
				if (found && (policy == KBUDDY_CONTIG_BEST_FIT ?
					      size >= best_size : size <= best_size))
					continue;
				found = true;
				best_size = size;
				*phys = PFN_PHYS(s);
			}
		}
	}
	return found;
}

/* The place the request must get, by brute force: a region and pfn. */
static bool oracle(struct contig_rnd *st, unsigned long npages, unsigned long step,
		   unsigned long lo, unsigned long hi, unsigned long boundary,
		   unsigned int flags, unsigned long cursor, phys_addr_t *phys)
{
	bool *maps[2] = { st->used[0], st->used[1] };

	return model_place(st->pool, maps, 2, RND_PAGES, npages, step, lo, hi, boundary,
			   flags, cursor, phys);
}

static void mark(struct contig_rnd *st, phys_addr_t phys, size_t size, bool used)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct kbuddy_region *r = &st->pool->regions[i];
		unsigned long pfn = PHYS_PFN(phys), n;

		if (pfn < r->base_pfn || pfn >= r->base_pfn + RND_PAGES)
			continue;
		for (n = 0; n < size >> PAGE_SHIFT; n++)
			st->used[i][pfn - r->base_pfn + n] = used;
	}
}

static unsigned long oracle_free(struct contig_rnd *st)
{
	unsigned long n = 0;
	int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < RND_PAGES; j++)
			n += !st->used[i][j];
	return n;
}

static const unsigned int policies[] = {
	KBUDDY_CONTIG_FIRST_FIT, KBUDDY_CONTIG_NEXT_FIT, KBUDDY_CONTIG_BEST_FIT,
	KBUDDY_CONTIG_WORST_FIT,
};

/*
 * 3000 random allocations (sizes up to 40 pages, alignments, ranges,
 * boundaries, top-down, every placement policy), trims and frees: each
 * placement is exactly the brute-force one, -ENOMEM exactly when it finds
 * none, and the pool checks out after every step.
 */
static void kbuddy_contig_random_vs_brute_force(struct kunit *test)
{
	struct contig_rnd *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	u32 seed = 12345;
	int step;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->pool = kbt_new_pool(test, 9);
	kbt_add_mem(test, s->pool, KBT_PHYS, PAGES(RND_PAGES));
	kbt_add_mem(test, s->pool, KBT_PHYS + SZ_2M, PAGES(RND_PAGES));
	for (step = 0; step < 3000; step++) {
		u32 op, x;

		seed = seed * 1103515245 + 12345;
		op = (seed >> 16) % 100;
		seed = seed * 1103515245 + 12345;
		x = seed >> 8;
		if (op < 55 && s->nr < RND_RUNS) {
			unsigned long npages = 1 + x % (x & 0x100000 ? 40 : 6);
			struct kbuddy_constraint con = {};
			unsigned long lo = 0, hi = ULONG_MAX, bnd = 0, stp, cursor;
			phys_addr_t want;
			bool fits;
			int ret;

			if (x & 0x10)
				con.align = PAGE_SIZE << ((x >> 5) % 7);
			if (x & 0x1000) {
				unsigned long a = PHYS_PFN(KBT_PHYS) + (x >> 13) % 800;
				unsigned long b = a + 1 + (x >> 3) % 300;

				con.start = PFN_PHYS(a);
				con.end = PFN_PHYS(b);
				lo = a;
				hi = b;
			}
			if (x & 0x2000) {
				bnd = 1UL << ((x >> 20) % 8);
				con.boundary = PAGES(bnd);
			}
			if (x & 0x4000)
				con.flags = KBUDDY_CONTIG_TOPDOWN;
			con.flags |= policies[(x >> 24) % ARRAY_SIZE(policies)];
			if (con.flags == (KBUDDY_CONTIG_TOPDOWN | KBUDDY_CONTIG_NEXT_FIT))
				con.flags = KBUDDY_CONTIG_NEXT_FIT;
			cursor = s->pool->contig_cursor;
			ret = kbuddy_alloc_contig(s->pool, PAGES(npages) - (x & 0xff), &con,
						  GFP_KERNEL, &s->run[s->nr]);
			if (bnd && npages > bnd) {
				KUNIT_ASSERT_EQ(test, ret, -EINVAL);
				continue;
			}
			stp = max(1UL << __fls(npages), (unsigned long)(con.align >> PAGE_SHIFT));
			fits = oracle(s, npages, stp, lo, hi, bnd, con.flags, cursor, &want);
			KUNIT_ASSERT_EQ_MSG(test, ret, fits ? 0 : -ENOMEM,
					    "step %d: %lu pages align %llx range [%lx, %lx) boundary %lu flags %#x",
					    step, npages, con.align, lo, hi, bnd, con.flags);
			if (ret)
				continue;
			KUNIT_ASSERT_EQ_MSG(test, s->run[s->nr].phys, want,
					    "step %d: %lu pages align %llx range [%lx, %lx) boundary %lu flags %#x",
					    step, npages, con.align, lo, hi, bnd, con.flags);
			mark(s, want, PAGES(npages), true);
			s->nr++;
		} else if (op < 70 && s->nr) {
			struct kbuddy_contig *c = &s->run[x % s->nr];
			size_t keep = PAGES(1 + (x >> 8) % (c->size >> PAGE_SHIFT));
			size_t old = c->size;

			KUNIT_ASSERT_EQ(test, kbuddy_trim_contig(s->pool, c, keep), 0);
			KUNIT_ASSERT_EQ(test, c->size, keep);
			mark(s, c->phys + keep, old - keep, false);
		} else if (s->nr) {
			unsigned int i = x % s->nr;

			KUNIT_ASSERT_EQ(test, kbuddy_free_contig(s->pool, &s->run[i]), 0);
			mark(s, s->run[i].phys, s->run[i].size, false);
			s->run[i] = s->run[--s->nr];
		}
		KUNIT_ASSERT_EQ_MSG(test, kbuddy_pool_free_pages(s->pool), oracle_free(s),
				    "step %d", step);
		KUNIT_ASSERT_EQ_MSG(test, kbuddy_pool_check(s->pool, kbt_report, test), 0L,
				    "step %d", step);
	}
	while (s->nr) {
		s->nr--;
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(s->pool, &s->run[s->nr]), 0);
	}
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(s->pool), 2UL * RND_PAGES);
	check(test, s->pool);
}

/* ==== Placement policies against the model ============================== */

#define POL_PAGES	256

/*
 * Region 0 of @pool page by page, read from its page descriptors under the
 * pool's lock: true where no free block covers the page.
 */
static void pool_used_map(struct kunit *test, struct kbuddy_pool *pool, bool *used)
{
	unsigned long i, n = pool->regions[0].nr_pages;
	u8 *free = kunit_kmalloc(test, n, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, free);
	KUNIT_ASSERT_EQ(test, kbuddy_region_free_map(pool, 0, free), 0);
	for (i = 0; i < n; i++)
		used[i] = !free[i];
	kunit_kfree(test, free);
}

/* Free extents (in pages of a 256-page pool) the policy cases start from. */
static const struct { unsigned int start, end; } pol_extents[] = {
	{ 10, 15 }, { 20, 32 }, { 40, 47 }, { 64, 94 }, { 100, 112 },
	{ 128, 144 }, { 150, 153 }, { 160, 210 }, { 220, 226 }, { 240, 252 },
};

/* Every page taken as a one-page run, then the extents above freed. */
static struct kbuddy_pool *policy_pool(struct kunit *test, struct kbuddy_contig *one)
{
	struct kbuddy_pool *pool = contig_pool(test, POL_PAGES);
	unsigned int i, p;

	for (p = 0; p < POL_PAGES; p++) {
		KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGE_SIZE, NULL, GFP_KERNEL,
							  &one[p]), 0);
		KUNIT_ASSERT_EQ(test, one[p].phys, KBT_PHYS + PAGES(p));
	}
	for (i = 0; i < ARRAY_SIZE(pol_extents); i++)
		for (p = pol_extents[i].start; p < pol_extents[i].end; p++)
			KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &one[p]), 0);
	check(test, pool);
	return pool;
}

/*
 * Allocate @npages under @con from @pool (one region) and expect the place the model
 * computes from the pool's pages as they are (or -ENOMEM when it finds
 * none); @expect, unless negative, is that place in pages from the pool's start.
 * Return: whether a run was allocated into @c.
 */
static bool expect_model(struct kunit *test, struct kbuddy_pool *pool, unsigned long npages,
			 const struct kbuddy_constraint *con, long expect,
			 struct kbuddy_contig *c)
{
	unsigned long step, lo, hi, bnd, cursor = pool->contig_cursor;
	unsigned long nr = pool->regions[0].nr_pages;
	bool *used = kunit_kcalloc(test, nr, sizeof(*used), GFP_KERNEL);
	phys_addr_t want = 0;
	bool fits;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, used);
	pool_used_map(test, pool, used);
	step = max(1UL << __fls(npages), (unsigned long)(con->align >> PAGE_SHIFT));
	lo = PHYS_PFN(con->start + PAGE_SIZE - 1);
	hi = con->end ? PHYS_PFN(con->end) : ULONG_MAX;
	bnd = con->boundary >> PAGE_SHIFT;
	fits = model_place(pool, &used, 1, nr, npages, step, lo, hi, bnd,
			   con->flags, cursor, &want);
	ret = kbuddy_alloc_contig(pool, PAGES(npages), con, GFP_KERNEL, c);
	KUNIT_EXPECT_EQ_MSG(test, ret, fits ? 0 : -ENOMEM, "%lu pages flags %#x",
			    npages, con->flags);
	if (ret) {
		KUNIT_EXPECT_EQ(test, pool->contig_cursor, cursor);
		check(test, pool);
		return false;
	}
	KUNIT_EXPECT_EQ_MSG(test, c->phys, want, "%lu pages flags %#x align %llx boundary %llx",
			    npages, con->flags, con->align, con->boundary);
	if (expect >= 0)
		KUNIT_EXPECT_EQ_MSG(test, c->phys, KBT_PHYS + PAGES(expect),
				    "%lu pages flags %#x", npages, con->flags);
	/* The constraints hold whatever the policy. */
	KUNIT_EXPECT_EQ(test, c->phys & (PAGES(step) - 1), 0ULL);
	KUNIT_EXPECT_GE(test, c->phys, con->start);
	if (con->end)
		KUNIT_EXPECT_LE(test, c->phys + c->size, con->end);
	if (con->boundary)
		KUNIT_EXPECT_EQ(test, c->phys / con->boundary,
				(c->phys + c->size - 1) / con->boundary);
	if ((con->flags & KBUDDY_CONTIG_POLICY) == KBUDDY_CONTIG_NEXT_FIT)
		KUNIT_EXPECT_EQ(test, pool->contig_cursor, PHYS_PFN(c->phys) + npages);
	else
		KUNIT_EXPECT_EQ(test, pool->contig_cursor, cursor);
	check(test, pool);
	return true;
}

/*
 * Places worked out by hand on the extents above: best fit's 3 pages in
 * the 3-page extent, worst fit's in the 50-page one; 10 pages (at a
 * multiple of 8) fit neither [20, 32) nor [100, 109), so best fit takes
 * [240, 252); 5 pages (a multiple of 4) do not fit [10, 15) and best fit
 * prefers [220, 226) to [40, 47); 8 pages (a multiple of 8) fit three
 * extents of 12 pages best: [20, 32), [100, 112) and [240, 252).
 */
static void kbuddy_contig_policy_places(struct kunit *test)
{
	struct kbuddy_contig *one = kunit_kcalloc(test, POL_PAGES, sizeof(*one), GFP_KERNEL);
	static const struct {
		unsigned long npages;
		unsigned int flags;
		long page;
	} want[] = {
		{ 3, KBUDDY_CONTIG_FIRST_FIT, 10 },
		{ 3, KBUDDY_CONTIG_BEST_FIT, 150 },
		{ 3, KBUDDY_CONTIG_WORST_FIT, 160 },
		{ 3, KBUDDY_CONTIG_WORST_FIT | KBUDDY_CONTIG_TOPDOWN, 206 },
		{ 10, KBUDDY_CONTIG_FIRST_FIT, 64 },
		{ 10, KBUDDY_CONTIG_BEST_FIT, 240 },
		{ 10, KBUDDY_CONTIG_BEST_FIT | KBUDDY_CONTIG_TOPDOWN, 240 },
		{ 10, KBUDDY_CONTIG_WORST_FIT, 160 },
		{ 10, KBUDDY_CONTIG_WORST_FIT | KBUDDY_CONTIG_TOPDOWN, 200 },
		{ 5, KBUDDY_CONTIG_BEST_FIT, 220 },
		{ 12, KBUDDY_CONTIG_BEST_FIT, 240 },
		/* In the extent: its lowest place, or top-down its highest. */
		{ 1, KBUDDY_CONTIG_BEST_FIT, 150 },
		{ 1, KBUDDY_CONTIG_BEST_FIT | KBUDDY_CONTIG_TOPDOWN, 152 },
		/* A tie of three 12-page extents: the lowest, or the highest. */
		{ 8, KBUDDY_CONTIG_BEST_FIT, 24 },
		{ 8, KBUDDY_CONTIG_BEST_FIT | KBUDDY_CONTIG_TOPDOWN, 240 },
	};
	struct kbuddy_pool *pool;
	struct kbuddy_contig c;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, one);
	pool = policy_pool(test, one);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct kbuddy_constraint con = { .flags = want[i].flags };

		if (expect_model(test, pool, want[i].npages, &con, want[i].page, &c))
			KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c), 0);
		check(test, pool);
	}
}

/*
 * Every size from 1 to 40 pages under every policy, bottom-up and
 * top-down, plain and under an alignment, a boundary and a range: each
 * place is the model's, each run freed again.
 */
static void kbuddy_contig_policy_vs_model(struct kunit *test)
{
	struct kbuddy_contig *one = kunit_kcalloc(test, POL_PAGES, sizeof(*one), GFP_KERNEL);
	const struct kbuddy_constraint cons[] = {
		{},
		{ .align = PAGES(16) },
		{ .boundary = PAGES(32) },
		{ .start = KBT_PHYS + PAGES(30), .end = KBT_PHYS + PAGES(200) },
		{ .start = KBT_PHYS + PAGES(66), .end = KBT_PHYS + PAGES(150),
		  .boundary = PAGES(16), .align = PAGES(2) },
	};
	struct kbt_snapshot *pattern;
	struct kbuddy_pool *pool;
	unsigned int p, k, td;
	unsigned long n;
	struct kbuddy_contig c;

	KUNIT_ASSERT_NOT_NULL(test, one);
	pool = policy_pool(test, one);
	pattern = kbt_snap_alloc(test, pool);
	for (k = 0; k < ARRAY_SIZE(cons); k++) {
		for (p = 0; p < ARRAY_SIZE(policies); p++) {
			for (td = 0; td < 2; td++) {
				struct kbuddy_constraint con = cons[k];

				if (td && policies[p] == KBUDDY_CONTIG_NEXT_FIT)
					continue;
				con.flags = policies[p] | (td ? KBUDDY_CONTIG_TOPDOWN : 0);
				for (n = 1; n <= 40; n++) {
					if (con.boundary && PAGES(n) > con.boundary)
						break;
					if (!expect_model(test, pool, n, &con, -1, &c))
						continue;
					KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &c), 0);
					check(test, pool);
				}
				expect_same(test, pool, pattern);
			}
		}
	}
}

/*
 * Next fit goes on from the end of its last run, not from the start, and
 * wraps once to the start when nothing above fits; -ENOMEM when nothing
 * does, the cursor left where it was.
 */
static void kbuddy_contig_next_fit_wraps(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbuddy_constraint nf = { .flags = KBUDDY_CONTIG_NEXT_FIT };
	struct kbuddy_contig a, b, r[7], w, x, y, z;
	struct kbt_snapshot *before;
	int i;

	KUNIT_EXPECT_EQ(test, pool->contig_cursor, 0UL);
	KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 3, &nf, 0, &a));
	KUNIT_EXPECT_EQ(test, pool->contig_cursor, PHYS_PFN(KBT_PHYS) + 3);
	KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &a), 0);
	/* First fit would take page 0 again; next fit goes on at 4 (3 pages at a multiple of 2). */
	KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 3, &nf, 4, &b));
	/* Eight pages at a multiple of 8, from 8 up to the end. */
	for (i = 0; i < 7; i++)
		KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 8, &nf, 8 + 8 * i, &r[i]));
	KUNIT_EXPECT_EQ(test, pool->contig_cursor, PHYS_PFN(KBT_PHYS) + 64);
	/* Nothing at or above the cursor: wrapped to the start. */
	KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 3, &nf, 0, &w));
	KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 1, &nf, 3, &x));
	KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 1, &nf, 7, &y));
	/* Full: refused for want of room, nothing changed, the cursor kept. */
	before = kbt_snap_alloc(test, pool);
	KUNIT_EXPECT_FALSE(test, expect_model(test, pool, 1, &nf, -1, &z));
	expect_same(test, pool, before);
	KUNIT_EXPECT_EQ(test, pool->contig_cursor, PHYS_PFN(KBT_PHYS) + 8);
	/* A hole below the cursor is found by wrapping. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &x), 0);
	KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 1, &nf, 3, &x));
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &r[i]), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &b), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &w), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &x), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &y), 0);
	KUNIT_EXPECT_EQ(test, pool_free(pool), 64UL);
	check(test, pool);
}

/*
 * Wrapped, next fit looks at every place starting below the cursor, also
 * one that ends above it: pages [6, 8) free, the cursor at 7, 2 pages.
 */
static void kbuddy_contig_next_fit_straddles(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 16);
	struct kbuddy_constraint nf = { .flags = KBUDDY_CONTIG_NEXT_FIT };
	struct kbuddy_contig one[16], run;
	int i;

	for (i = 0; i < 16; i++)
		KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 1, i < 7 ? &nf :
						     &(struct kbuddy_constraint){}, i, &one[i]));
	KUNIT_EXPECT_EQ(test, pool->contig_cursor, PHYS_PFN(KBT_PHYS) + 7);
	KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &one[6]), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &one[7]), 0);
	KUNIT_ASSERT_TRUE(test, expect_model(test, pool, 2, &nf, 6, &run));
	KUNIT_EXPECT_EQ(test, pool->contig_cursor, PHYS_PFN(KBT_PHYS) + 8);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &run), 0);
	for (i = 0; i < 16; i++)
		if (i != 6 && i != 7)
			KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &one[i]), 0);
	KUNIT_EXPECT_EQ(test, pool_free(pool), 16UL);
	check(test, pool);
}

/*
 * Unknown flags, two policies at once, next fit top-down, a policy for a
 * block list: -EINVAL, the pool and the cursor exactly as they were.
 */
static void kbuddy_contig_policy_bad_flags(struct kunit *test)
{
	static const unsigned int bad[] = {
		KBUDDY_CONTIG_NEXT_FIT | KBUDDY_CONTIG_BEST_FIT,
		KBUDDY_CONTIG_BEST_FIT | KBUDDY_CONTIG_WORST_FIT,
		KBUDDY_CONTIG_NEXT_FIT | KBUDDY_CONTIG_WORST_FIT,
		KBUDDY_CONTIG_POLICY,
		KBUDDY_CONTIG_NEXT_FIT | KBUDDY_CONTIG_TOPDOWN,
		BIT(4),
		KBUDDY_CONTIG_BEST_FIT | BIT(9),
		~0U,
	};
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbuddy_constraint nf = { .flags = KBUDDY_CONTIG_NEXT_FIT };
	struct kbuddy_contig held, c, b[4];
	struct kbt_snapshot *before, *after;
	unsigned long cursor;
	unsigned int i, n;

	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(5), &nf, GFP_KERNEL, &held), 0);
	cursor = pool->contig_cursor;
	KUNIT_EXPECT_NE(test, cursor, 0UL);
	before = kbt_snap_alloc(test, pool);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct kbuddy_constraint con = { .flags = bad[i] };

		KUNIT_EXPECT_EQ_MSG(test, kbuddy_alloc_contig(pool, PAGES(3), &con, GFP_KERNEL,
							      &c), -EINVAL, "flags %#x", bad[i]);
	}
	for (i = 0; i < ARRAY_SIZE(policies); i++) {
		struct kbuddy_constraint con = { .flags = policies[i] };

		if (!policies[i])
			continue;
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_alloc_blocks(pool, PAGES(3), &con, GFP_KERNEL,
							      b, 4, &n), -EINVAL,
				    "flags %#x", policies[i]);
	}
	after = kbt_snap_alloc(test, pool);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*before)), 0);
	KUNIT_EXPECT_EQ(test, pool->contig_cursor, cursor);
	check(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &held), 0);
	check(test, pool);
}

/* Blocks of one list: none overlaps another, and they hold @pages pages. */
static void expect_blocks(struct kunit *test, const struct kbuddy_contig *b,
			  unsigned int n, unsigned long pages)
{
	unsigned long total = 0;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE(test, is_power_of_2(b[i].size));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(b[i].phys, b[i].size));
		if (i)
			KUNIT_EXPECT_LE(test, b[i].size, b[i - 1].size);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_TRUE(test, b[i].phys + b[i].size <= b[j].phys ||
					  b[j].phys + b[j].size <= b[i].phys);
		total += b[i].size >> PAGE_SHIFT;
	}
	KUNIT_EXPECT_EQ(test, total, pages);
}

/*
 * A list of blocks from a pool whose free memory is every other page: no
 * run of two is free, yet 20 pages are served as 20 blocks, all or none.
 */
static void kbuddy_blocks_fragmented(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	struct kbuddy_contig *one = kunit_kcalloc(test, 64, sizeof(*one), GFP_KERNEL);
	struct kbuddy_contig *b = kunit_kcalloc(test, KBUDDY_MAX_BLOCKS, sizeof(*b),
						GFP_KERNEL);
	struct kbt_snapshot *before;
	struct kbuddy_contig dup[2];
	unsigned int i, n;

	KUNIT_ASSERT_TRUE(test, one && b);

	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGE_SIZE, NULL, GFP_KERNEL,
							  &one[i]), 0);
	for (i = 0; i < 64; i += 2)
		KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &one[i]), 0);
	check(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_contig(pool, PAGES(2), NULL, GFP_KERNEL, &b[0]),
			-ENOMEM);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(20) - 1, NULL, GFP_KERNEL, b,
						  KBUDDY_MAX_BLOCKS, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 20U);
	expect_blocks(test, b, n, 20);
	KUNIT_EXPECT_EQ(test, pool_free(pool), 12UL);
	check(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, b, n), 0);
	check(test, pool);

	/* Too fragmented for 10 blocks, more than free, a block too large: nothing kept. */
	before = kbt_snap_alloc(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(20), NULL, GFP_KERNEL, b, 10,
						  &n), -ENOSPC);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(33), NULL, GFP_KERNEL, b,
						  KBUDDY_MAX_BLOCKS, &n), -ENOMEM);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(2), &(struct kbuddy_constraint){
						  .align = PAGES(2) }, GFP_KERNEL, b,
						  KBUDDY_MAX_BLOCKS, &n), -ENOMEM);
	expect_same(test, pool, before);
	check(test, pool);

	/* A list with a block listed twice, or freed, is refused whole. */
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(2), NULL, GFP_KERNEL, b,
						  KBUDDY_MAX_BLOCKS, &n), 0);
	KUNIT_ASSERT_EQ(test, n, 2U);
	dup[0] = b[0];
	dup[1] = b[0];
	before = kbt_snap_alloc(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, dup, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &b[1]), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, b, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool_free(pool), before->free + 1);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, b, 1), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, NULL, 0), 0);
	check(test, pool);

	for (i = 1; i < 64; i += 2)
		KUNIT_ASSERT_EQ(test, kbuddy_free_contig(pool, &one[i]), 0);
	expect_same(test, pool, pristine);
}

/* Largest blocks first; the smallest block, a range, a boundary, top-down. */
static void kbuddy_blocks_constraints(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 6, PAGES(256));
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	struct kbuddy_contig *b = kunit_kcalloc(test, KBUDDY_MAX_BLOCKS, sizeof(*b),
						GFP_KERNEL);
	struct kbuddy_constraint con = { 0 };
	unsigned int i, n;

	KUNIT_ASSERT_NOT_NULL(test, b);

	/* 100 pages of a pool whose largest block is 32: 32+32+32+4. */
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(100), NULL,
						  GFP_KERNEL | __GFP_ZERO, b,
						  KBUDDY_MAX_BLOCKS, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 4U);
	expect_blocks(test, b, n, 100);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, !memchr_inv(b[i].addr, 0, b[i].size));
	check(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, b, n), 0);

	/* At least 8 pages per block: 20 pages are 24, in two blocks. */
	con.align = PAGES(8);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(20), &con, GFP_KERNEL, b,
						  KBUDDY_MAX_BLOCKS, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 2U);
	expect_blocks(test, b, n, 24);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, b, n), 0);

	/* Inside [64, 128) pages, no block crossing 16 pages, from the top. */
	con = (struct kbuddy_constraint){ .start = KBT_PHYS + PAGES(64),
		.end = KBT_PHYS + PAGES(128), .boundary = PAGES(16),
		.flags = KBUDDY_CONTIG_TOPDOWN };
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(40), &con, GFP_KERNEL, b,
						  KBUDDY_MAX_BLOCKS, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 3U);
	expect_blocks(test, b, n, 40);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_GE(test, b[i].phys, con.start);
		KUNIT_EXPECT_LE(test, b[i].phys + b[i].size, con.end);
		KUNIT_EXPECT_LE(test, b[i].size, PAGES(16));
	}
	KUNIT_EXPECT_EQ(test, b[0].phys, KBT_PHYS + PAGES(112));
	check(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, b, n), 0);

	/* Refused whole, nothing taken. */
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, 0, NULL, GFP_KERNEL, b, 8, &n),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(257), NULL, GFP_KERNEL, b, 8,
						  &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGE_SIZE, NULL, GFP_KERNEL, NULL, 8,
						  &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGE_SIZE, NULL, GFP_KERNEL, b, 0,
						  &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGE_SIZE, NULL, GFP_KERNEL, b,
						  KBUDDY_MAX_BLOCKS + 1, &n), -EINVAL);
	/* 7 pages need at least 3 blocks. */
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGES(7), NULL, GFP_KERNEL, b, 2,
						  &n), -EINVAL);
	con = (struct kbuddy_constraint){ .align = PAGES(3) };
	KUNIT_EXPECT_EQ(test, kbuddy_alloc_blocks(pool, PAGE_SIZE, &con, GFP_KERNEL, b, 8,
						  &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, b, KBUDDY_MAX_BLOCKS + 1), -EINVAL);
	expect_same(test, pool, pristine);
	check(test, pool);
}

/* A counter of the pool's, read under its lock. */
static unsigned long pool_counter(struct kbuddy_pool *pool, enum kbuddy_counter c)
{
	unsigned long flags, v;

	spin_lock_irqsave(&pool->lock, flags);
	v = pool->stats.counter[c];
	spin_unlock_irqrestore(&pool->lock, flags);
	return v;
}

static bool all_bytes_are(const void *p, u8 byte, size_t size)
{
	return !memchr_inv(p, byte, size);
}

/* A zeroing allocation of @n pages: where, and how many pages it skipped. */
static unsigned long zero_alloc(struct kunit *test, struct kbuddy_pool *pool,
				unsigned long n, struct kbuddy_contig *c)
{
	unsigned long before = pool_counter(pool, KBUDDY_CLEAR_REUSED);

	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(n), NULL,
						  GFP_KERNEL | __GFP_ZERO, c), 0);
	check(test, pool);
	return pool_counter(pool, KBUDDY_CLEAR_REUSED) - before;
}

static void free_cleared(struct kunit *test, struct kbuddy_pool *pool,
			 struct kbuddy_contig *c)
{
	KUNIT_ASSERT_EQ(test, kbuddy_free_contig_flags(pool, c, KBUDDY_FREE_CLEARED), 0);
	check(test, pool);
}

/*
 * Clear tracking, drm_buddy's "clear" scenarios: a run freed with the
 * promise that it is zero is handed to the next zeroing request without
 * being written (a deliberate false promise shows it); a split keeps the
 * state in both halves; a merge is clear only if both buddies were; a
 * plain free or an unknown flag leaves nothing clear; the page allocator's
 * zeroing takes it too.
 */
static void kbuddy_contig_clear(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbuddy_contig a[4], x, y, z, h[3];
	struct kbt_snapshot *before;
	unsigned long freed;
	void *page;
	int i;

	/* Four runs of 16 pages hold the pool: no free buddy to merge with. */
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(16), NULL, GFP_KERNEL,
							  &a[i]), 0);
	KUNIT_ASSERT_EQ(test, pool_free(pool), 0UL);
	memset(a[0].addr, 0, a[0].size);
	freed = pool_counter(pool, KBUDDY_CLEAR_FREED);
	free_cleared(test, pool, &a[0]);
	KUNIT_EXPECT_EQ(test, pool_counter(pool, KBUDDY_CLEAR_FREED), freed + 16);

	/* Reused as it is: 16 pages not written, and zero. */
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 16, &x), 16UL);
	KUNIT_EXPECT_EQ(test, x.phys, a[0].phys);
	KUNIT_EXPECT_TRUE(test, all_bytes_are(x.addr, 0, x.size));

	/* A false promise: the next zeroing request gets the bytes as they are. */
	memset(x.addr, 0x5a, x.size);
	free_cleared(test, pool, &x);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 16, &y), 16UL);
	KUNIT_EXPECT_TRUE(test, all_bytes_are(y.addr, 0x5a, y.size));

	/* A plain free forgets: zeroed for real. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &y), 0);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 16, &z), 0UL);
	KUNIT_EXPECT_TRUE(test, all_bytes_are(z.addr, 0, z.size));

	/* A split keeps it: 4, 4 and 8 pages of a clear 16, none written. */
	free_cleared(test, pool, &z);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 4, &h[0]), 4UL);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 4, &h[1]), 4UL);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 8, &h[2]), 8UL);

	/* A merge of a clear block and one that is not: not clear. */
	free_cleared(test, pool, &h[0]);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &h[1]), 0);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 8, &h[0]), 0UL);
	/* Two clear buddies: clear, and so on up (with a[1], 32 pages). */
	free_cleared(test, pool, &h[0]);
	free_cleared(test, pool, &h[2]);
	memset(a[1].addr, 0, a[1].size);
	free_cleared(test, pool, &a[1]);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 32, &x), 32UL);
	KUNIT_EXPECT_EQ(test, x.phys, a[0].phys);
	KUNIT_EXPECT_TRUE(test, all_bytes_are(x.addr, 0, x.size));

	/* kbuddy_alloc_pages(__GFP_ZERO) skips a clear block too. */
	free_cleared(test, pool, &x);
	freed = pool_counter(pool, KBUDDY_CLEAR_REUSED);
	page = kbuddy_alloc_pages(pool, 2, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, pool_counter(pool, KBUDDY_CLEAR_REUSED), freed + 4);
	KUNIT_EXPECT_TRUE(test, all_bytes_are(page, 0, PAGES(4)));
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, page, 2), 0);
	check(test, pool);

	/* An unknown flag is refused, the run still held, nothing changed. */
	before = kbt_snap_alloc(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig_flags(pool, &a[2], 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig_flags(pool, &a[2], ~0U), -EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(kbt_snap_alloc(test, pool), before, sizeof(*before)), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig_flags(pool, NULL, KBUDDY_FREE_CLEARED), 0);
	for (i = 2; i < 4; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &a[i]), 0);
	check(test, pool);
	KUNIT_EXPECT_EQ(test, pool_free(pool), 64UL);
}

/*
 * A run whose block's rest is free goes back in one free (contig.c's
 * give_back_whole()): the lists, the merge count and the clear state as
 * block-by-block frees leave them. 13 pages at 0 of a 64-page pool are
 * blocks 8 + 4 + 1; the rest of their 16-page block is 1 + 2 pages, free;
 * all five merge into it (four merges), then it merges with 16 and 32
 * (two more). Beside a held page the run goes back block by block.
 */
static void kbuddy_contig_free_whole(struct kunit *test)
{
	struct kbuddy_pool *pool = contig_pool(test, 64);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	struct kbuddy_constraint at13 = {
		.start = KBT_PHYS + PAGES(13), .end = KBT_PHYS + PAGES(14),
	};
	struct kbuddy_constraint at16 = {
		.start = KBT_PHYS + PAGES(16), .end = KBT_PHYS + PAGES(32),
	};
	struct kbuddy_contig all, run, page;
	unsigned long merges;

	/*
	 * A promise for the run alone, with pages 16-31 held so that the
	 * 16-page block stays: its rest was never zeroed, so it is not clear.
	 */
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 13, &run), 0UL);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(16), &at16, GFP_KERNEL, &page), 0);
	free_cleared(test, pool, &run);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[4].nr_free, 1UL);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 16, &run), 0UL);
	KUNIT_EXPECT_EQ(test, run.phys, KBT_PHYS);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &run), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &page), 0);
	check(test, pool);
	expect_same(test, pool, pristine);

	/* The whole pool known to be zero. */
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(64), NULL, GFP_KERNEL, &all), 0);
	memset(all.addr, 0, all.size);
	free_cleared(test, pool, &all);

	/* Freed with the promise: one clear 64-page block again. */
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 13, &run), 13UL);
	KUNIT_EXPECT_EQ(test, run.phys, KBT_PHYS);
	merges = pool_counter(pool, KBUDDY_MERGES);
	free_cleared(test, pool, &run);
	KUNIT_EXPECT_EQ(test, pool_counter(pool, KBUDDY_MERGES), merges + 6);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[6].nr_free, 1UL);
	expect_same(test, pool, pristine);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 64, &all), 64UL);
	free_cleared(test, pool, &all);

	/* Without it: the merged block is not clear, though its rest was. */
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 13, &run), 13UL);
	merges = pool_counter(pool, KBUDDY_MERGES);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &run), 0);
	check(test, pool);
	KUNIT_EXPECT_EQ(test, pool_counter(pool, KBUDDY_MERGES), merges + 6);
	expect_same(test, pool, pristine);
	KUNIT_EXPECT_EQ(test, zero_alloc(test, pool, 64, &all), 0UL);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &all), 0);

	/* A page held in the rest: block by block, that page left alone. */
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(13), NULL, GFP_KERNEL, &run), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGE_SIZE, &at13, GFP_KERNEL, &page), 0);
	KUNIT_EXPECT_EQ(test, page.phys, KBT_PHYS + PAGES(13));
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &run), 0);
	check(test, pool);
	KUNIT_EXPECT_EQ(test, pool_free(pool), 63UL);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[6].nr_free, 0UL);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &page), 0);
	check(test, pool);
	expect_same(test, pool, pristine);
}

/* ==== Sparse nomap pools (KBUDDY_POOL_SPARSE) ============================ */

#define SPARSE_RUNS	48

/* A nomap pool of @flags over @pages pages at @base, freed at the test's end. */
static struct kbuddy_pool *nomap_pool(struct kunit *test, const char *name,
				      unsigned int max_order, unsigned int flags,
				      phys_addr_t base, u64 pages)
{
	struct kbt_ctx *c = test->priv;
	struct kbuddy_pool *pool;

	pool = kbuddy_pool_create_kind(name, max_order, KBUDDY_POOL_NOMAP, flags);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	KUNIT_ASSERT_LT(test, c->nr_pools, KBT_MAX_POOLS);
	c->pools[c->nr_pools++] = pool;
	KUNIT_ASSERT_EQ(test, kbuddy_pool_add_range(pool, base, pages << PAGE_SHIFT), 0);
	return pool;
}

/* Descriptors a sparse region has now: the entries of its leaves. */
static unsigned long sparse_descs(struct kbuddy_region *r)
{
	struct kbuddy_leaf *leaf;
	unsigned long i, n = 0;

	xa_for_each(&r->descs.leaves, i, leaf)
		n += KBUDDY_LEAF_PAGES;
	return n;
}

/*
 * The same random constrained requests (every placement policy, ranges,
 * alignment, boundaries, top-down; trims; frees with and without the
 * clear promise; block lists) to a flat and a sparse nomap pool over the
 * same unaligned range, with the kernel's own XArray: the same
 * answers, the same free blocks per order, both pools valid after every
 * step, and the sparse one's records made only where blocks are.
 */
static void kbuddy_contig_sparse_vs_flat(struct kunit *test)
{
	const phys_addr_t base = ((phys_addr_t)1 << 44) + PAGES(3);
	const unsigned long pages = 8189;
	struct kbuddy_pool *flat = nomap_pool(test, "kunit-flat", 11, 0, base, pages);
	struct kbuddy_pool *sp = nomap_pool(test, "kunit-sparse", 11, KBUDDY_POOL_SPARSE,
					    base, pages);
	/* The runs held, then room for two block lists of 8. */
	struct kbuddy_contig *runs = kunit_kcalloc(test, SPARSE_RUNS + 16, sizeof(*runs),
						   GFP_KERNEL);
	unsigned long *nf = kunit_kcalloc(test, 2 * KBUDDY_NOMAP_MAX_ORDER_LIMIT,
					  sizeof(*nf), GFP_KERNEL);
	unsigned long *nf_sp;
	unsigned int nr = 0, step, o;
	u32 seed = 2024;

	KUNIT_ASSERT_NOT_NULL(test, runs);
	KUNIT_ASSERT_NOT_NULL(test, nf);
	nf_sp = nf + KBUDDY_NOMAP_MAX_ORDER_LIMIT;
	KUNIT_EXPECT_FALSE(test, flat->regions[0].sparse);
	KUNIT_EXPECT_TRUE(test, sp->regions[0].sparse);
	KUNIT_EXPECT_NULL(test, sp->regions[0].pages);
	for (step = 0; step < 1500; step++) {
		struct kbuddy_contig a, b;
		u32 op, x;
		int ra, rb;

		seed = seed * 1103515245 + 12345;
		op = (seed >> 16) % 100;
		seed = seed * 1103515245 + 12345;
		x = seed >> 8;
		if (op < 50 && nr < SPARSE_RUNS) {
			struct kbuddy_constraint con = {};
			size_t size = PAGES(1 + x % (x & 0x100000 ? 700 : 9));

			if (x & 0x10)
				con.align = PAGE_SIZE << ((x >> 5) % 9);
			if (x & 0x1000) {
				con.start = base + PAGES((x >> 13) % pages);
				con.end = con.start + PAGES(1 + (x >> 3) % 2000);
			}
			if (x & 0x40000)
				con.boundary = PAGE_SIZE << (6 + (x >> 7) % 5);
			if (x & 0x80000)
				con.flags |= KBUDDY_CONTIG_TOPDOWN;
			else if (x & 0x200000)
				con.flags |= KBUDDY_CONTIG_NEXT_FIT << ((x >> 22) % 3);
			ra = kbuddy_alloc_contig(flat, size, &con, GFP_KERNEL, &a);
			rb = kbuddy_alloc_contig(sp, size, &con, GFP_KERNEL, &b);
			KUNIT_ASSERT_EQ(test, ra, rb);
			if (!ra) {
				KUNIT_ASSERT_EQ(test, a.phys, b.phys);
				runs[nr++] = a;
			}
		} else if (op < 65 && nr) {
			struct kbuddy_contig *r = &runs[x % nr];
			size_t keep = PAGES(1 + (x >> 8) % (r->size >> PAGE_SHIFT));

			a = *r;
			KUNIT_ASSERT_EQ(test, kbuddy_trim_contig(flat, r, keep), 0);
			KUNIT_ASSERT_EQ(test, kbuddy_trim_contig(sp, &a, keep), 0);
		} else if (op < 75) {
			struct kbuddy_contig *la = runs + SPARSE_RUNS, *lb = la + 8;
			struct kbuddy_constraint con = {};
			unsigned int na = 0, nb = 0, i;

			if (x & 0x10)
				con.flags = KBUDDY_CONTIG_TOPDOWN;
			ra = kbuddy_alloc_blocks(flat, PAGES(1 + x % 300), &con, GFP_KERNEL,
						 la, 8, &na);
			rb = kbuddy_alloc_blocks(sp, PAGES(1 + x % 300), &con, GFP_KERNEL,
						 lb, 8, &nb);
			KUNIT_ASSERT_EQ(test, ra, rb);
			KUNIT_ASSERT_EQ(test, na, nb);
			for (i = 0; i < na; i++)
				KUNIT_ASSERT_EQ(test, la[i].phys, lb[i].phys);
			if (!ra) {
				KUNIT_ASSERT_EQ(test, kbuddy_free_blocks(flat, la, na), 0);
				KUNIT_ASSERT_EQ(test, kbuddy_free_blocks(sp, lb, nb), 0);
			}
		} else if (nr) {
			unsigned int i = x % nr, fl = x & 0x100 ? KBUDDY_FREE_CLEARED : 0;

			KUNIT_ASSERT_EQ(test, kbuddy_free_contig_flags(flat, &runs[i], fl), 0);
			KUNIT_ASSERT_EQ(test, kbuddy_free_contig_flags(sp, &runs[i], fl), 0);
			/* A second free: refused by both, nothing changed. */
			if (x & 0x200) {
				KUNIT_EXPECT_EQ(test, kbuddy_free_contig(sp, &runs[i]), -EINVAL);
				KUNIT_EXPECT_EQ(test, kbuddy_free_contig(flat, &runs[i]), -EINVAL);
			}
			runs[i] = runs[--nr];
		}
		KUNIT_ASSERT_EQ(test, kbuddy_region_free_counts(flat, 0, nf), 11U);
		KUNIT_ASSERT_EQ(test, kbuddy_region_free_counts(sp, 0, nf_sp), 11U);
		for (o = 0; o < 11; o++)
			KUNIT_ASSERT_EQ_MSG(test, nf[o], nf_sp[o], "step %u order %u", step, o);
		KUNIT_ASSERT_EQ(test, pool_counter(flat, KBUDDY_MERGES),
				pool_counter(sp, KBUDDY_MERGES));
		KUNIT_ASSERT_EQ(test, kbuddy_pool_validate(sp), 0);
		if (step % 16 == 0)
			KUNIT_ASSERT_EQ(test, kbuddy_pool_validate(flat), 0);
	}
	while (nr--) {
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(flat, &runs[nr]), 0);
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(sp, &runs[nr]), 0);
	}
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(sp), pages);
	check(test, sp);
	/* At most a leaf per block boundary there ever was: under a flat array. */
	KUNIT_EXPECT_LT(test, sparse_descs(&sp->regions[0]), pages);
	kunit_info(test, "sparse region of %lu pages: %lu descriptors left after the frees\n",
		   pages,
		   sparse_descs(&sp->regions[0]));
}

/*
 * 2^36 pages (256 TiB) with max_order 40: one free block. Runs spread over
 * it cost descriptors by the blocks they make, not by the range (flat,
 * the range's records would be 2 TiB); validate and the leak walk run over
 * it; all freed, it is one free block in one leaf again. A 2^40-page range
 * is refused.
 */
static void kbuddy_contig_sparse_huge(struct kunit *test)
{
	const phys_addr_t base = (phys_addr_t)1 << 50;
	const u64 pages = 1ULL << 36;
	struct kbuddy_pool *pool = nomap_pool(test, "kunit-huge", 40, 0, base, pages);
	struct kbuddy_contig *runs = kunit_kcalloc(test, SPARSE_RUNS, sizeof(*runs), GFP_KERNEL);
	struct kbuddy_region *r = &pool->regions[0];
	unsigned long made, blocks = 0;
	unsigned int i;
	u32 seed = 7;

	KUNIT_ASSERT_NOT_NULL(test, runs);
	/* Too large for per-page records: sparse without the flag. */
	KUNIT_EXPECT_TRUE(test, r->sparse);
	KUNIT_EXPECT_EQ(test, r->free_area[36].nr_free, 1UL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_range(pool, base + (pages << PAGE_SHIFT),
						    (u64)KBUDDY_SPARSE_MAX_PAGES << PAGE_SHIFT),
			-E2BIG);
	for (i = 0; i < SPARSE_RUNS; i++) {
		struct kbuddy_constraint con = {};
		unsigned long n;

		seed = seed * 1103515245 + 12345;
		n = 1 + (seed >> 8) % 1000;
		con.start = base + PAGES(((u64)seed << 20) % (pages - 2048));
		if (i % 4 == 3)
			con.flags = KBUDDY_CONTIG_TOPDOWN;
		KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, PAGES(n), &con, GFP_KERNEL,
							  &runs[i]), 0);
		KUNIT_EXPECT_GE(test, runs[i].phys, con.start);
		blocks += hweight_long(n);
	}
	made = sparse_descs(r);
	/* Each run: its blocks and the pieces at its ends, ~2 x 36 heads. */
	KUNIT_EXPECT_LT(test, made, (unsigned long)SPARSE_RUNS * 80 * KBUDDY_LEAF_PAGES);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_validate(pool), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_region_report_used(pool, r, NULL, NULL), blocks);
	for (i = 0; i < SPARSE_RUNS; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &runs[i]), 0);
	KUNIT_EXPECT_EQ(test, r->free_area[36].nr_free, 1UL);
	/* The leaves went with the heads: one block, one leaf. */
	KUNIT_EXPECT_EQ(test, sparse_descs(r), KBUDDY_LEAF_PAGES);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), (unsigned long)pages);
	check(test, pool);
	kunit_info(test, "2^36 pages, %u runs of %lu blocks: %lu descriptors (%lu KiB)\n",
		   SPARSE_RUNS, blocks, made, made * sizeof(struct kbuddy_page) >> 10);
}

static struct kunit_case kbuddy_contig_cases[] = {
	KUNIT_CASE(kbuddy_contig_sizes),
	KUNIT_CASE(kbuddy_contig_align_and_boundary),
	KUNIT_CASE(kbuddy_contig_range_and_topdown),
	KUNIT_CASE(kbuddy_contig_across_free_blocks),
	KUNIT_CASE(kbuddy_contig_trim),
	KUNIT_CASE(kbuddy_contig_bad_frees),
	KUNIT_CASE(kbuddy_contig_run_limit),
	KUNIT_CASE(kbuddy_contig_bad_requests),
	KUNIT_CASE(kbuddy_contig_zero),
	KUNIT_CASE(kbuddy_contig_clear),
	KUNIT_CASE(kbuddy_contig_free_whole),
	KUNIT_CASE(kbuddy_contig_sparse_vs_flat),
	KUNIT_CASE(kbuddy_contig_sparse_huge),
	KUNIT_CASE(kbuddy_contig_poisoned),
	KUNIT_CASE(kbuddy_contig_random_vs_brute_force),
	KUNIT_CASE(kbuddy_contig_policy_places),
	KUNIT_CASE(kbuddy_contig_policy_vs_model),
	KUNIT_CASE(kbuddy_contig_next_fit_wraps),
	KUNIT_CASE(kbuddy_contig_next_fit_straddles),
	KUNIT_CASE(kbuddy_contig_policy_bad_flags),
	KUNIT_CASE(kbuddy_blocks_fragmented),
	KUNIT_CASE(kbuddy_blocks_constraints),
	{}
};

static struct kunit_suite kbuddy_contig_suite = {
	.name = "kbuddy_contig",
	.init = kbt_init,
	.exit = kbt_exit,
	.test_cases = kbuddy_contig_cases,
};

kunit_test_suite(kbuddy_contig_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_buddy: the buddy page allocator.
 *
 * Pools are built over vmalloc()ed memory given a made-up physical address
 * (kbuddy_pool_add_mem()), so a case can choose the alignment of its region.
 * Every case ends, and most steps are followed, by check_pool(): kbuddy's own
 * validator plus an independent check in the spirit of drm_buddy_test's
 * check_mm: every free block aligned to its size and inside its region, no
 * page in two free blocks, nr_free agreeing with the lists, no block both free
 * and held by the test, and free + held = the region.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/io.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "helpers.h"

static void *take(struct kunit *test, struct kbuddy_pool *pool,
		  unsigned int order)
{
	struct kbt_ctx *c = test->priv;
	void *addr = kbuddy_alloc_pages(pool, order, GFP_KERNEL);

	if (addr) {
		KUNIT_ASSERT_LT(test, c->nr_held, KBT_MAX_HELD);
		c->held[c->nr_held++] = (struct kbt_held){ pool, addr, order };
	}
	return addr;
}

static void give(struct kunit *test, unsigned int i)
{
	struct kbt_ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(c->held[i].pool,
						c->held[i].addr,
						c->held[i].order), 0);
	c->held[i] = c->held[--c->nr_held];
}

static void give_all(struct kunit *test)
{
	struct kbt_ctx *c = test->priv;

	while (c->nr_held)
		give(test, c->nr_held - 1);
}

/* The independent check; returns the number of problems, first in @why. */
static unsigned long check_region(struct kunit *test, struct kbuddy_pool *pool,
				  struct kbuddy_region *r, unsigned long *marks,
				  char *why, size_t len)
{
	struct kbt_ctx *c = test->priv;
	unsigned long problems = 0, free_pages = 0, held_pages = 0, flags;
	unsigned long end = r->base_pfn + r->nr_pages;
	unsigned int order, i;

#define BAD(fmt, ...) do { if (!problems++) scnprintf(why, len, fmt, ##__VA_ARGS__); } while (0)
	spin_lock_irqsave(&pool->lock, flags);
	for (order = 0; order < pool->max_order; order++) {
		struct kbuddy_page *page;
		unsigned long n = 0;

		list_for_each_entry(page, &r->free_area[order].free_list, lru) {
			unsigned long pfn = r->base_pfn + (page - r->pages);
			unsigned long nr = 1UL << order, idx = pfn - r->base_pfn;

			n++;
			if (pfn & (nr - 1))
				BAD("order %u block at pfn %#lx not aligned", order, pfn);
			if (pfn < r->base_pfn || pfn + nr > end) {
				BAD("order %u block at pfn %#lx outside region", order, pfn);
				continue;
			}
			if (find_next_bit(marks, idx + nr, idx) < idx + nr)
				BAD("order %u block at pfn %#lx overlaps another", order, pfn);
			bitmap_set(marks, idx, nr);
			free_pages += nr;
		}
		if (n != r->free_area[order].nr_free)
			BAD("order %u: %lu on list, nr_free %lu", order, n,
			    r->free_area[order].nr_free);
	}
	if (free_pages != r->nr_free)
		BAD("free blocks hold %lu pages, nr_free %lu", free_pages, r->nr_free);
	for (i = 0; i < c->nr_held; i++) {
		struct kbt_held *h = &c->held[i];
		unsigned long idx, nr = 1UL << h->order;

		if (h->pool != pool || h->addr < r->virt ||
		    h->addr >= r->virt + (r->nr_pages << PAGE_SHIFT))
			continue;
		idx = (h->addr - r->virt) >> PAGE_SHIFT;
		if (find_next_bit(marks, idx + nr, idx) < idx + nr)
			BAD("held block at page %lu order %u is also free", idx, h->order);
		if (((r->base_pfn + idx) & (nr - 1)) || idx + nr > r->nr_pages)
			BAD("held block at page %lu order %u misplaced", idx, h->order);
		held_pages += nr;
	}
	if (free_pages + held_pages != r->nr_pages)
		BAD("free %lu + held %lu != %lu pages", free_pages, held_pages, r->nr_pages);
	spin_unlock_irqrestore(&pool->lock, flags);
#undef BAD
	return problems;
}

static void check_pool(struct kunit *test, struct kbuddy_pool *pool)
{
	char why[128];
	unsigned int i;

	KUNIT_EXPECT_EQ(test, kbuddy_regions_validate(pool, kbt_report, test), 0L);
	for (i = 0; i < pool->nr_regions; i++) {
		struct kbuddy_region *r = &pool->regions[i];
		unsigned long *marks = bitmap_zalloc(r->nr_pages, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, marks);
		why[0] = 0;
		KUNIT_EXPECT_EQ_MSG(test, check_region(test, pool, r, marks, why,
						       sizeof(why)), 0UL,
				    "region %u: %s", i, why);
		bitmap_free(marks);
	}
}

/* The pool's free areas are as in @s (the counters may have moved). */
static void expect_free_areas(struct kunit *test, struct kbuddy_pool *pool,
			      struct kbt_snapshot *s)
{
	struct kbt_snapshot *now = kbt_snap_alloc(test, pool);

	KUNIT_EXPECT_EQ(test, now->free, s->free);
	KUNIT_EXPECT_EQ(test, now->pages, s->pages);
	KUNIT_EXPECT_EQ(test, memcmp(now->nr_free, s->nr_free, sizeof(s->nr_free)), 0);
}

/* A refused free: -EINVAL, one more @kind, nothing else changed. */
static void expect_refused(struct kunit *test, struct kbuddy_pool *pool,
			   void *addr, unsigned int order,
			   enum kbuddy_counter kind)
{
	struct kbt_snapshot *before = kbt_snap_alloc(test, pool), *after;

	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, addr, order), -EINVAL);
	after = kbt_snap_alloc(test, pool);
	KUNIT_EXPECT_EQ_MSG(test, after->st.counter[kind], before->st.counter[kind] + 1,
			    "counter %s", kbuddy_counter_names[kind]);
	after->st.counter[kind]--;
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(*before)), 0);
	check_pool(test, pool);
}

static phys_addr_t phys_of(struct kbuddy_pool *pool, void *addr)
{
	return kbuddy_virt_to_phys(pool, addr);
}

/* ==== Cases ============================================================== */

static void kbuddy_empty_pool_allocates_nothing(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool(test, 0);

	KUNIT_EXPECT_EQ(test, pool->max_order, (unsigned int)KBUDDY_DEFAULT_MAX_ORDER);
	KUNIT_EXPECT_NULL(test, kbuddy_alloc_pages(pool, 0, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, kbuddy_pool_total_pages(pool), 0UL);
	KUNIT_EXPECT_EQ(test, pool->stats.fail[0], 1UL);
	check_pool(test, pool);
}

static void kbuddy_pool_create_rejects_bad_arguments(struct kunit *test)
{
	static const char too_long[] = "a-name-that-is-far-too-long-for-kbuddy";
	struct kbuddy_pool *pool = kbt_new_pool(test, 4);

	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_pool_create("", 4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_pool_create("a/b", 4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_pool_create(too_long, 4)), -EINVAL);
	/* Names debugfs cannot make a directory of. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_pool_create(".", 4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_pool_create("..", 4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_pool_create(NULL, 4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_pool_create("ok", KBUDDY_MAX_ORDER_LIMIT + 1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kbuddy_pool_create(pool->name, 4)), -EEXIST);
	check_pool(test, pool);
}

static void kbuddy_add_mem_rejects_bad_ranges(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbt_snapshot *before = kbt_snap_alloc(test, pool);
	void *mem = vmalloc(SZ_1M);
	struct kbt_ctx *c = test->priv;

	KUNIT_ASSERT_NOT_NULL(test, mem);
	c->mem[c->nr_mem++] = mem;
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem + 8, KBT_PHYS * 2, SZ_64K), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, KBT_PHYS * 2 + 8, SZ_64K), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, KBT_PHYS * 2, SZ_64K + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, KBT_PHYS * 2, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, (phys_addr_t)-PAGE_SIZE,
						  SZ_64K), -EINVAL);
	/* Overlaps the first region's physical range. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, KBT_PHYS + SZ_512K, SZ_1M),
			-EBUSY);
	/*
	 * 256 GiB: its descriptors would pass INT_MAX bytes and trip
	 * kvmalloc()'s WARN. Refused before anything is allocated or touched.
	 */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, SZ_1G * 512ULL,
						  SZ_1G * 256ULL), -E2BIG);
	expect_free_areas(test, pool, before);
	KUNIT_EXPECT_EQ(test, pool->nr_regions, 1U);
	check_pool(test, pool);
}

#ifdef CONFIG_X86
#include <asm/pgtable.h>

/* The cache-type bits of the linear map's entry for @addr, in 4K form. */
static unsigned long linear_cache_bits(void *addr)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)addr, &level);
	pgprot_t prot;

	if (!pte)
		return ~0UL;
	prot = pte_pgprot(*pte);
	if (level != PG_LEVEL_4K)
		prot = pgprot_large_2_4k(prot);
	return pgprot_val(prot) & _PAGE_CACHE_MASK;
}

static void expect_linear_cache(struct kunit *test, void *addr,
				unsigned long pages, unsigned long bits)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		KUNIT_EXPECT_EQ_MSG(test, linear_cache_bits(addr + i * PAGE_SIZE), bits,
				    "page %lu of %lu", i, pages);
}

/*
 * A write-combined RAM pool takes pages of the kernel's linear map and
 * switches their mapping to write-combined (set_memory_wc(); without PAT
 * that is UC-, which cachemode2protval() says too), and back to write-back
 * when the pool is destroyed. Memory that is not the linear map's RAM at
 * the physical address given is refused with nothing changed.
 */
static void kbuddy_wc_pool_remaps_linear_map(struct kunit *test)
{
	const unsigned long wc = cachemode2protval(_PAGE_CACHE_MODE_WC);
	const unsigned long wb = cachemode2protval(_PAGE_CACHE_MODE_WB);
	struct kbt_ctx *c = test->priv;
	struct kbuddy_pool *pool;
	struct kbt_snapshot *before;
	struct page *pages;
	void *mem, *vmem, *a, *slab;
	phys_addr_t phys;

	KUNIT_ASSERT_NE(test, wc, wb);
	vmem = vmalloc(SZ_16K);
	KUNIT_ASSERT_NOT_NULL(test, vmem);
	c->mem[c->nr_mem++] = vmem;
	pages = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	mem = page_address(pages);
	phys = page_to_phys(pages);
	/* No per-CPU caches: check_pool() sees every free block. */
	pool = kbuddy_pool_create_kind("kbt-wc", 3, KBUDDY_POOL_RAM,
				       KBUDDY_POOL_WC | KBUDDY_POOL_NO_PCP);
	if (IS_ERR(pool)) {
		__free_pages(pages, 2);
		KUNIT_FAIL(test, "pool not created: %ld", PTR_ERR(pool));
		return;
	}
	before = kbt_snap_alloc(test, pool);
	expect_linear_cache(test, mem, 4, wb);

	/* A vmalloc() alias, another physical address, no memory: refused. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, vmem,
						  page_to_phys(vmalloc_to_page(vmem)),
						  PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, phys + PAGE_SIZE, SZ_8K),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, KBT_PHYS * 64, SZ_16K),
			-EINVAL);
	/* A page the caller cannot own whole: a slab's. */
	slab = kmalloc(PAGE_SIZE, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, slab);
	if (slab) {
		KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, slab, virt_to_phys(slab),
							  PAGE_SIZE), -EINVAL);
		expect_linear_cache(test, slab, 1, wb);
		kfree(slab);
	}
	KUNIT_EXPECT_EQ(test, pool->nr_regions, 0U);
	expect_free_areas(test, pool, before);
	expect_linear_cache(test, mem, 4, wb);

	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_mem(pool, mem, phys, SZ_16K), 0);
	KUNIT_EXPECT_EQ(test, pool->nr_regions, 1U);
	expect_linear_cache(test, mem, 4, wc);
	check_pool(test, pool);

	/* The pool's blocks are the pages given, zeroed through the new type. */
	memset(mem, 0xa5, SZ_16K);
	a = take(test, pool, 2);
	KUNIT_EXPECT_PTR_EQ(test, a, mem);
	check_pool(test, pool);
	give_all(test);
	a = kbuddy_alloc_pages(pool, 1, GFP_KERNEL | __GFP_ZERO);
	KUNIT_EXPECT_NOT_NULL(test, a);
	if (a) {
		KUNIT_EXPECT_NULL(test, memchr_inv(a, 0, SZ_8K));
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, a, 1), 0);
	}
	check_pool(test, pool);

	/* Write-back again before the caller may free them. */
	if (kbuddy_pool_destroy(pool)) {
		KUNIT_FAIL(test, "destroy refused: the pages are leaked");
		return;
	}
	expect_linear_cache(test, mem, 4, wb);
	__free_pages(pages, 2);
}

/*
 * The page allocator's pages of a write-combined pool (the module's size=
 * with wc=1): write-combined while the pool has them, write-back when the
 * destroy gives them back - checked right after it, when the freed pages'
 * linear-map entries are still those set_memory_wb() left.
 */
static void kbuddy_wc_pool_kernel_pages(struct kunit *test)
{
	const unsigned long wc = cachemode2protval(_PAGE_CACHE_MODE_WC);
	const unsigned long wb = cachemode2protval(_PAGE_CACHE_MODE_WB);
	struct { void *virt; unsigned long pages; } *was;
	struct kbuddy_pool *pool;
	unsigned int i, n;
	void *a;

	was = kunit_kcalloc(test, KBUDDY_MAX_REGIONS, sizeof(*was), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, was);

	pool = kbuddy_pool_create_kind("kbt-wc-pages", 11, KBUDDY_POOL_RAM,
				       KBUDDY_POOL_WC | KBUDDY_POOL_NO_PCP);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	KUNIT_EXPECT_EQ(test, kbuddy_pool_add_kernel_pages(pool, SZ_1M + SZ_64K),
			(u64)(SZ_1M + SZ_64K));
	n = pool->nr_regions;
	KUNIT_EXPECT_GE(test, n, 2U);
	for (i = 0; i < n; i++) {
		was[i].virt = pool->regions[i].virt;
		was[i].pages = pool->regions[i].nr_pages;
		expect_linear_cache(test, was[i].virt, was[i].pages, wc);
	}
	check_pool(test, pool);
	a = kbuddy_alloc_pages(pool, 4, GFP_KERNEL | __GFP_ZERO);
	KUNIT_EXPECT_NOT_NULL(test, a);
	if (a) {
		KUNIT_EXPECT_NULL(test, memchr_inv(a, 0, PAGE_SIZE << 4));
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, a, 4), 0);
	}
	check_pool(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), 0);
	for (i = 0; i < n; i++)
		expect_linear_cache(test, was[i].virt, was[i].pages, wb);
}
#endif

static void kbuddy_alloc_free_every_order(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_8M);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	unsigned int order;

	for (order = 0; order < pool->max_order; order++) {
		void *addr = take(test, pool, order);
		phys_addr_t phys;

		KUNIT_ASSERT_NOT_NULL(test, addr);
		phys = phys_of(pool, addr);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(phys, PAGE_SIZE << order),
				      "order %u at %pa", order, &phys);
		KUNIT_EXPECT_GE(test, phys, KBT_PHYS);
		KUNIT_EXPECT_LE(test, phys + (PAGE_SIZE << order), KBT_PHYS + SZ_8M);
		KUNIT_EXPECT_EQ(test, pool->stats.alloc[order], 1UL);
		check_pool(test, pool);
		give(test, 0);
		KUNIT_EXPECT_EQ(test, pool->stats.free[order], 1UL);
		check_pool(test, pool);
		expect_free_areas(test, pool, pristine);
	}
	KUNIT_EXPECT_NULL(test, kbuddy_alloc_pages(pool, pool->max_order, GFP_KERNEL));
}

static void kbuddy_exhaust_and_refill_every_order(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_4M);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	struct kbt_ctx *c = test->priv;
	unsigned int order;

	for (order = 0; order < pool->max_order; order++) {
		unsigned long n = 0, want = 1024UL >> order;

		while (take(test, pool, order))
			n++;
		KUNIT_EXPECT_EQ_MSG(test, n, want, "order %u", order);
		KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), 0UL);
		KUNIT_EXPECT_EQ(test, pool->stats.fail[order], 1UL);
		check_pool(test, pool);
		/* Free from the middle out, so merges happen in every order. */
		while (c->nr_held)
			give(test, c->nr_held / 2);
		check_pool(test, pool);
		expect_free_areas(test, pool, pristine);
	}
}

static void kbuddy_split_then_merge_to_pristine(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_8M);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	unsigned int order;

	KUNIT_EXPECT_EQ(test, pristine->nr_free[0][10], 2UL);
	KUNIT_ASSERT_NOT_NULL(test, take(test, pool, 0));
	/* One 4 MiB block split ten times: one free block of each order. */
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_SPLITS], 10UL);
	for (order = 0; order < 10; order++)
		KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[order].nr_free, 1UL);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[10].nr_free, 1UL);
	check_pool(test, pool);
	give(test, 0);
	KUNIT_EXPECT_EQ(test, pool->stats.counter[KBUDDY_MERGES], 10UL);
	check_pool(test, pool);
	expect_free_areas(test, pool, pristine);
}

static void kbuddy_unaligned_region_is_carved(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool(test, 11);
	/* 3 pages past a 4 MiB boundary, 1021 + 1024 + 5 pages long. */
	unsigned long pages = 1021 + 1024 + 5;
	struct kbt_snapshot *carved;
	struct kbuddy_region *r;
	unsigned int order;

	kbt_add_mem(test, pool, KBT_PHYS + 3 * PAGE_SIZE, pages * PAGE_SIZE);
	r = &pool->regions[0];
	/*
	 * 1021 = 1 + 4 + 8 + ... + 512 pages up to the boundary (pfn +3 is
	 * odd, +4 is aligned to 4, ...), then one 1024, then 4 + 1.
	 */
	KUNIT_EXPECT_EQ(test, r->free_area[10].nr_free, 1UL);
	KUNIT_EXPECT_EQ(test, r->free_area[0].nr_free, 2UL);
	KUNIT_EXPECT_EQ(test, r->free_area[1].nr_free, 0UL);
	KUNIT_EXPECT_EQ(test, r->free_area[2].nr_free, 2UL);
	for (order = 3; order < 10; order++)
		KUNIT_EXPECT_EQ(test, r->free_area[order].nr_free, 1UL);
	check_pool(test, pool);
	carved = kbt_snap_alloc(test, pool);
	while (take(test, pool, 0))
		;
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), 0UL);
	check_pool(test, pool);
	give_all(test);
	check_pool(test, pool);
	expect_free_areas(test, pool, carved);
}

static void kbuddy_orders_above_10(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 14, SZ_32M);
	void *a, *b, *c;

	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[13].nr_free, 1UL);
	a = take(test, pool, 13);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(phys_of(pool, a), SZ_32M));
	KUNIT_EXPECT_NULL(test, take(test, pool, 0));
	check_pool(test, pool);
	give(test, 0);
	b = take(test, pool, 12);
	c = take(test, pool, 12);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, abs((long)(phys_of(pool, b) - phys_of(pool, c))), (long)SZ_16M);
	check_pool(test, pool);
	give_all(test);
	KUNIT_EXPECT_EQ(test, pool->regions[0].free_area[13].nr_free, 1UL);
	check_pool(test, pool);
}

static void kbuddy_bad_free_outside_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbt_ctx *c = test->priv;
	void *addr = take(test, pool, 0);

	KUNIT_ASSERT_NOT_NULL(test, addr);
	expect_refused(test, pool, c, 0, KBUDDY_BAD_FREE_OUTSIDE);
	expect_refused(test, pool, c->mem[0] + SZ_1M, 0, KBUDDY_BAD_FREE_OUTSIDE);
	expect_refused(test, pool, (void *)PAGE_SIZE, 0, KBUDDY_BAD_FREE_OUTSIDE);
	/* NULL is no bad free: ignored, as kfree(NULL). */
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, NULL, 0), 0);
	check_pool(test, pool);
}

static void kbuddy_bad_free_misaligned_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	void *a = take(test, pool, 0), *b = take(test, pool, 0);
	void *odd;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	odd = (phys_of(pool, a) >> PAGE_SHIFT) & 1 ? a : b;
	expect_refused(test, pool, a + 64, 0, KBUDDY_BAD_FREE_MISALIGNED);
	expect_refused(test, pool, odd, 1, KBUDDY_BAD_FREE_MISALIGNED);
}

static void kbuddy_bad_free_not_head_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	void *a = take(test, pool, 2);

	KUNIT_ASSERT_NOT_NULL(test, a);
	expect_refused(test, pool, a + PAGE_SIZE, 0, KBUDDY_BAD_FREE_NOT_HEAD);
	expect_refused(test, pool, a + 2 * PAGE_SIZE, 1, KBUDDY_BAD_FREE_NOT_HEAD);
}

static void kbuddy_bad_free_double_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbt_ctx *c = test->priv;
	void *a = take(test, pool, 0), *b;

	KUNIT_ASSERT_NOT_NULL(test, a);
	give(test, 0);
	/* a merged back into the whole region: its page heads nothing now. */
	expect_refused(test, pool, a, 0, KBUDDY_BAD_FREE_DOUBLE);
	a = take(test, pool, 0);
	b = take(test, pool, 0);
	KUNIT_ASSERT_NOT_NULL(test, b);
	give(test, c->nr_held - 1);
	/* b's buddy a is held: b stays a free head of order 0. */
	expect_refused(test, pool, b, 0, KBUDDY_BAD_FREE_DOUBLE);
}

static void kbuddy_bad_free_wrong_order_refused(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	void *a = take(test, pool, 3);

	KUNIT_ASSERT_NOT_NULL(test, a);
	expect_refused(test, pool, a, 2, KBUDDY_BAD_FREE_WRONG_ORDER);
	expect_refused(test, pool, a, 4, KBUDDY_BAD_FREE_WRONG_ORDER);
	expect_refused(test, pool, a, pool->max_order, KBUDDY_BAD_FREE_WRONG_ORDER);
	/* An unset order or ilog2(0): never "whatever order it has". */
	expect_refused(test, pool, a, -1, KBUDDY_BAD_FREE_WRONG_ORDER);
	expect_refused(test, pool, a, KBUDDY_MAX_ORDER_LIMIT, KBUDDY_BAD_FREE_WRONG_ORDER);
	give(test, 0);
	check_pool(test, pool);
}

static void kbuddy_gfp_zero_zeroes(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbt_ctx *c = test->priv;
	u8 *p;
	size_t i;

	memset(c->mem[0], 0xa5, SZ_1M);
	p = kbuddy_alloc_pages(pool, 2, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 4 * PAGE_SIZE; i++)
		if (p[i])
			break;
	KUNIT_EXPECT_EQ(test, i, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 2), 0);
	check_pool(test, pool);
}

static void kbuddy_virt_phys_round_trip(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	struct kbt_ctx *c = test->priv;
	void *a = take(test, pool, 1);
	phys_addr_t phys;

	KUNIT_ASSERT_NOT_NULL(test, a);
	phys = kbuddy_virt_to_phys(pool, a + 100);
	KUNIT_EXPECT_EQ(test, phys, KBT_PHYS + (a + 100 - c->mem[0]));
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_phys_to_virt(pool, phys), a + 100);
	KUNIT_EXPECT_EQ(test, kbuddy_virt_to_phys(pool, c), KBUDDY_PHYS_INVALID);
	KUNIT_EXPECT_NULL(test, kbuddy_phys_to_virt(pool, KBT_PHYS + SZ_1M));
	check_pool(test, pool);
}

static void kbuddy_two_regions_serve_one_pool(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool(test, 11);
	struct kbt_snapshot *pristine;
	unsigned long n = 0;

	kbt_add_mem(test, pool, KBT_PHYS, SZ_1M);
	kbt_add_mem(test, pool, KBT_PHYS + SZ_8M, SZ_2M);
	pristine = kbt_snap_alloc(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_total_pages(pool), 768UL);
	while (take(test, pool, 4))
		n++;
	KUNIT_EXPECT_EQ(test, n, 48UL);
	check_pool(test, pool);
	give_all(test);
	check_pool(test, pool);
	expect_free_areas(test, pool, pristine);
}

static void kbuddy_alloc_with_irqs_disabled(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);
	unsigned long flags;
	void *a, *b;

	/* api.rst: on PREEMPT_RT such callers are refused, as kmalloc's are. */
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		kunit_skip(test, "PREEMPT_RT refuses interrupts-off callers");

	local_irq_save(flags);
	a = kbuddy_alloc_pages(pool, 0, GFP_ATOMIC);
	b = kbuddy_alloc_pages(pool, 3, GFP_NOWAIT);
	if (a)
		kbuddy_free_pages(pool, a, 0);
	local_irq_restore(flags);
	KUNIT_EXPECT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, b, 3), 0);
	check_pool(test, pool);
}

static void kbuddy_validate_detects_corruption(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_8M);
	struct kbuddy_region *r = &pool->regions[0];
	unsigned long flags;

	KUNIT_ASSERT_NOT_NULL(test, take(test, pool, 0));
	KUNIT_EXPECT_EQ(test, kbuddy_regions_validate(pool, NULL, NULL), 0L);

	spin_lock_irqsave(&pool->lock, flags);
	__change_bit(0, r->free_area[3].map);
	spin_unlock_irqrestore(&pool->lock, flags);
	KUNIT_EXPECT_GT(test, kbuddy_regions_validate(pool, NULL, NULL), 0L);
	spin_lock_irqsave(&pool->lock, flags);
	__change_bit(0, r->free_area[3].map);
	r->free_area[5].nr_free++;
	spin_unlock_irqrestore(&pool->lock, flags);
	KUNIT_EXPECT_GT(test, kbuddy_regions_validate(pool, NULL, NULL), 0L);
	spin_lock_irqsave(&pool->lock, flags);
	r->free_area[5].nr_free--;
	spin_unlock_irqrestore(&pool->lock, flags);
	check_pool(test, pool);
}

static void kbuddy_destroy_with_blocks_held(struct kunit *test)
{
	struct kbt_ctx *c = test->priv;
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_1M);

	KUNIT_ASSERT_NOT_NULL(test, take(test, pool, 0));
	KUNIT_ASSERT_NOT_NULL(test, take(test, pool, 5));
	KUNIT_EXPECT_EQ(test, kbuddy_region_report_used(pool, &pool->regions[0], NULL, NULL), 2UL);
	check_pool(test, pool);
	/* Reports the two blocks, frees the metadata and says it leaked. */
	c->nr_held = 0;
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), -EBUSY);
	c->nr_pools--;
}

static void kbuddy_random_sequence(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_simple_pool(test, 11, SZ_16M);
	struct kbt_snapshot *pristine = kbt_snap_alloc(test, pool);
	struct kbt_ctx *c = test->priv;
	struct rnd_state rnd;
	unsigned long i, allocs = 0, fails = 0;

	prandom_seed_state(&rnd, 20261122);
	for (i = 0; i < 100000; i++) {
		u32 x = prandom_u32_state(&rnd);

		if (c->nr_held && (x % 100 >= 55 || c->nr_held == 2048)) {
			give(test, (x >> 8) % c->nr_held);
		} else {
			unsigned int order = x % 100 < 80 ? (x >> 8) % 4 :
							   (x >> 8) % pool->max_order;

			if (take(test, pool, order))
				allocs++;
			else
				fails++;
		}
		if (i % 10000 == 9999) {
			check_pool(test, pool);
			cond_resched();
		}
	}
	kunit_info(test, "%lu allocations, %lu failed, %u held at the end\n",
		   allocs, fails, c->nr_held);
	KUNIT_EXPECT_GT(test, allocs, 40000UL);
	give_all(test);
	check_pool(test, pool);
	expect_free_areas(test, pool, pristine);
}

static struct kunit_case kbuddy_buddy_cases[] = {
	KUNIT_CASE(kbuddy_empty_pool_allocates_nothing),
	KUNIT_CASE(kbuddy_pool_create_rejects_bad_arguments),
	KUNIT_CASE(kbuddy_add_mem_rejects_bad_ranges),
#ifdef CONFIG_X86
	KUNIT_CASE(kbuddy_wc_pool_remaps_linear_map),
	KUNIT_CASE(kbuddy_wc_pool_kernel_pages),
#endif
	KUNIT_CASE(kbuddy_alloc_free_every_order),
	KUNIT_CASE(kbuddy_exhaust_and_refill_every_order),
	KUNIT_CASE(kbuddy_split_then_merge_to_pristine),
	KUNIT_CASE(kbuddy_unaligned_region_is_carved),
	KUNIT_CASE(kbuddy_orders_above_10),
	KUNIT_CASE(kbuddy_bad_free_outside_refused),
	KUNIT_CASE(kbuddy_bad_free_misaligned_refused),
	KUNIT_CASE(kbuddy_bad_free_not_head_refused),
	KUNIT_CASE(kbuddy_bad_free_double_refused),
	KUNIT_CASE(kbuddy_bad_free_wrong_order_refused),
	KUNIT_CASE(kbuddy_gfp_zero_zeroes),
	KUNIT_CASE(kbuddy_virt_phys_round_trip),
	KUNIT_CASE(kbuddy_two_regions_serve_one_pool),
	KUNIT_CASE(kbuddy_alloc_with_irqs_disabled),
	KUNIT_CASE(kbuddy_validate_detects_corruption),
	KUNIT_CASE(kbuddy_destroy_with_blocks_held),
	KUNIT_CASE(kbuddy_random_sequence),
	{}
};

static struct kunit_suite kbuddy_buddy_suite = {
	.name = "kbuddy_buddy",
	.init = kbt_init,
	.exit = kbt_exit,
	.test_cases = kbuddy_buddy_cases,
};

kunit_test_suite(kbuddy_buddy_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_map: the map file (kernel/map.c, debugfs.c's map
 * reader) under splits and merges. After every step of a workload the map
 * is read as a reader of the file gets it and parsed: its records must tile
 * every region in address order, each block aligned to its size; its free
 * blocks per order must be buddyinfo's (kbuddy_region_free_counts()); its
 * blocks parked per CPU and its free pages those of the pool's statistics;
 * its page, malloc and contig blocks exactly what the case holds; its slabs
 * named after their caches.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "helpers.h"
#include "debugfs.h"

#define MT_TEXT		SZ_64K
#define MT_ORDERS	11

/* What a map says, summed per region. */
struct mt_summary {
	unsigned int regions;
	unsigned long pages[KBUDDY_MAX_REGIONS];
	unsigned long free[KBUDDY_MAX_REGIONS][KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	/* Per state and order, over all regions. */
	unsigned long blocks[KBUDDY_NR_MAP_STATES][KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long records;
	char slab_cache[KBUDDY_NAME_LEN + 1];
};

/* What the case holds, per state and order, for the map to show. */
struct mt_held {
	unsigned long blocks[KBUDDY_NR_MAP_STATES][KBUDDY_NOMAP_MAX_ORDER_LIMIT];
};

static int mt_state(const char *name)
{
	unsigned int s;

	for (s = 0; s < KBUDDY_NR_MAP_STATES; s++)
		if (!strcmp(name, kbuddy_map_state_name(s)))
			return s;
	return -1;
}

/* Read @pool's map and parse it into @sum, failing the case on any flaw. */
static void mt_read(struct kunit *test, struct kbuddy_pool *pool,
		    struct mt_summary *sum)
{
	char *text = kunit_kzalloc(test, MT_TEXT, GFP_KERNEL);
	char *line, *p, kind[8], name[KBUDDY_NAME_LEN + 1], state[16];
	unsigned long long start, end;
	unsigned long page, count, pages = 0, at = 0, base_pfn = 0;
	unsigned int order, idx, max_order, regions, n;
	int s, fields;

	KUNIT_ASSERT_NOT_NULL(test, text);
	KUNIT_ASSERT_GT(test, kbuddy_debugfs_map_text(pool, text, MT_TEXT), 0L);
	memset(sum, 0, sizeof(*sum));
	p = text;
	line = strsep(&p, "\n");
	n = sscanf(line, "pool %31s kind=%7s max_order=%u regions=%u", name, kind,
		   &max_order, &regions);
	KUNIT_ASSERT_EQ_MSG(test, n, 4U, "header \"%s\"", line);
	n = 0;
	KUNIT_EXPECT_STREQ(test, name, pool->name);
	KUNIT_EXPECT_STREQ(test, kind, kbuddy_pool_kind_name(pool));
	KUNIT_EXPECT_EQ(test, max_order, pool->max_order);
	KUNIT_EXPECT_EQ(test, regions, pool->nr_regions);
	while ((line = strsep(&p, "\n")) && *line) {
		if (!strncmp(line, "region ", 7)) {
			if (n)
				KUNIT_EXPECT_EQ_MSG(test, at, pages, "region %u not tiled", n - 1);
			fields = sscanf(line, "region %u %llx-%llx pages=%lu", &idx, &start,
					&end, &pages);
			KUNIT_ASSERT_EQ_MSG(test, fields, 4, "\"%s\"", line);
			KUNIT_ASSERT_EQ(test, idx, n);
			KUNIT_ASSERT_LT(test, idx, (unsigned int)KBUDDY_MAX_REGIONS);
			KUNIT_EXPECT_EQ(test, (u64)start, (u64)pool->regions[idx].phys);
			KUNIT_EXPECT_EQ(test, end - start, (u64)pages << PAGE_SHIFT);
			KUNIT_EXPECT_EQ(test, pages, pool->regions[idx].nr_pages);
			base_pfn = start >> PAGE_SHIFT;
			sum->pages[idx] = pages;
			at = 0;
			n++;
			continue;
		}
		KUNIT_ASSERT_GT_MSG(test, n, 0U, "a record before any region: \"%s\"", line);
		name[0] = '\0';
		fields = sscanf(line, "%lu %u %15s %lu %31s", &page, &order, state, &count,
				name);
		KUNIT_ASSERT_GE_MSG(test, fields, 4, "\"%s\"", line);
		s = mt_state(state);
		KUNIT_ASSERT_GE_MSG(test, s, 0, "state in \"%s\"", line);
		KUNIT_ASSERT_LT(test, order, pool->max_order);
		KUNIT_EXPECT_EQ_MSG(test, page, at, "\"%s\" does not follow on", line);
		KUNIT_EXPECT_EQ_MSG(test, (base_pfn + page) & ((1UL << order) - 1), 0UL,
				    "\"%s\" misaligned", line);
		KUNIT_EXPECT_GT(test, count, 0UL);
		KUNIT_EXPECT_EQ_MSG(test, (int)!!name[0], (int)(s == KBUDDY_MAP_SLAB),
				    "a cache name with slabs only: \"%s\"", line);
		KUNIT_EXPECT_NE_MSG(test, s, KBUDDY_MAP_UNKNOWN, "\"%s\"", line);
		if (s == KBUDDY_MAP_SLAB)
			strscpy(sum->slab_cache, name, sizeof(sum->slab_cache));
		if (s == KBUDDY_MAP_FREE)
			sum->free[n - 1][order] += count;
		sum->blocks[s][order] += count;
		sum->records++;
		at = page + (count << order);
	}
	KUNIT_EXPECT_EQ(test, n, regions);
	if (n)
		KUNIT_EXPECT_EQ_MSG(test, at, pages, "region %u not tiled", n - 1);
	sum->regions = n;
}

/*
 * The map agrees with buddyinfo, the statistics, validate and @held (the
 * blocks the case holds of each state: pages, malloc, contig).
 */
static void mt_check(struct kunit *test, struct kbuddy_pool *pool,
		     const struct mt_held *held, struct mt_summary *sum)
{
	unsigned long nr_free[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	struct kbuddy_pool_stats *ps = kunit_kzalloc(test, sizeof(*ps), GFP_KERNEL);
	unsigned long free = 0, pcp = 0, slab = 0, used = 0;
	unsigned int r, o, s;

	KUNIT_ASSERT_NOT_NULL(test, ps);
	kbt_expect_pool_ok(test, pool);
	mt_read(test, pool, sum);
	kbuddy_pool_stats(pool, ps);
	for (r = 0; r < sum->regions; r++) {
		KUNIT_ASSERT_EQ(test, kbuddy_region_free_counts(pool, r, nr_free),
				pool->max_order);
		for (o = 0; o < pool->max_order; o++) {
			KUNIT_EXPECT_EQ_MSG(test, sum->free[r][o], nr_free[o],
					    "region %u order %u: map and buddyinfo", r, o);
			free += sum->free[r][o] << o;
		}
	}
	for (o = 0; o < pool->max_order; o++) {
		pcp += sum->blocks[KBUDDY_MAP_PCP][o] << o;
		slab += sum->blocks[KBUDDY_MAP_SLAB][o] << o;
		for (s = KBUDDY_MAP_PAGES; s <= KBUDDY_MAP_CONTIG; s++) {
			KUNIT_EXPECT_EQ_MSG(test, sum->blocks[s][o], held->blocks[s][o],
					    "%s blocks of order %u", kbuddy_map_state_name(s), o);
			used += sum->blocks[s][o] << o;
		}
	}
	KUNIT_EXPECT_EQ(test, free, ps->nr_free);
	KUNIT_EXPECT_EQ(test, pcp, ps->pcp_pages);
	KUNIT_EXPECT_EQ(test, free + pcp + slab + used, ps->nr_pages);
}

/*
 * Page blocks of every order, objects, a whole-block malloc and contig runs,
 * taken and given back in an order that splits and merges, with the map
 * checked after every step; then drained and shrunk back to pristine.
 */
static void kbuddy_map_agrees_after_every_step(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool_pcp(test, MT_ORDERS);
	struct mt_summary *sum = kunit_kzalloc(test, sizeof(*sum), GFP_KERNEL);
	struct mt_held *held = kunit_kzalloc(test, sizeof(*held), GFP_KERNEL);
	struct kbuddy_contig run;
	void *pages[MT_ORDERS], *obj, *big;
	unsigned int o;

	KUNIT_ASSERT_NOT_NULL(test, sum);
	KUNIT_ASSERT_NOT_NULL(test, held);
	kbt_add_mem(test, pool, KBT_PHYS, SZ_16M);
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_EQ(test, sum->records, 1UL);
	KUNIT_EXPECT_EQ(test, sum->blocks[KBUDDY_MAP_FREE][MT_ORDERS - 1], 4UL);

	for (o = 0; o < MT_ORDERS - 1; o++) {
		pages[o] = kbuddy_alloc_pages(pool, o, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[o]);
		held->blocks[KBUDDY_MAP_PAGES][o]++;
		mt_check(test, pool, held, sum);
	}
	obj = kbuddy_malloc(pool, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_STREQ(test, sum->slab_cache, "kmalloc-64");
	big = kbuddy_malloc(pool, 3 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	held->blocks[KBUDDY_MAP_MALLOC][2]++;
	mt_check(test, pool, held, sum);
	/* 5 pages: an order-2 block and an order-0 block, trimmed from 8. */
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, 5 * PAGE_SIZE, NULL, GFP_KERNEL,
						  &run), 0);
	held->blocks[KBUDDY_MAP_CONTIG][2]++;
	held->blocks[KBUDDY_MAP_CONTIG][0]++;
	mt_check(test, pool, held, sum);

	for (o = 0; o < MT_ORDERS - 1; o += 2) {
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, pages[o], o), 0);
		held->blocks[KBUDDY_MAP_PAGES][o]--;
		mt_check(test, pool, held, sum);
	}
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &run), 0);
	memset(held->blocks[KBUDDY_MAP_CONTIG], 0, sizeof(held->blocks[0]));
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, big), 0);
	held->blocks[KBUDDY_MAP_MALLOC][2]--;
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, obj), 0);
	for (o = 1; o < MT_ORDERS - 1; o += 2) {
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, pages[o], o), 0);
		held->blocks[KBUDDY_MAP_PAGES][o]--;
		mt_check(test, pool, held, sum);
	}
	kbuddy_caches_reclaim(pool);
	kbuddy_pool_drain(pool);
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_EQ(test, sum->records, 1UL);
	KUNIT_EXPECT_EQ(test, sum->blocks[KBUDDY_MAP_FREE][MT_ORDERS - 1], 4UL);
}

/*
 * 1024 single pages, every other one given back: 1024 records of
 * alternating state, read in several steps of KBUDDY_MAP_STEP blocks, none
 * lost or repeated at a step's edge.
 */
static void kbuddy_map_many_steps(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool(test, MT_ORDERS);
	struct mt_summary *sum = kunit_kzalloc(test, sizeof(*sum), GFP_KERNEL);
	struct mt_held *held = kunit_kzalloc(test, sizeof(*held), GFP_KERNEL);
	void **p = kunit_kcalloc(test, 1024, sizeof(*p), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, sum);
	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kbt_add_mem(test, pool, KBT_PHYS, SZ_4M);
	for (i = 0; i < 1024; i++) {
		p[i] = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	held->blocks[KBUDDY_MAP_PAGES][0] = 1024;
	mt_check(test, pool, held, sum);
	/* One record per step: a record does not reach across steps. */
	KUNIT_EXPECT_EQ(test, sum->records, 1024UL / KBUDDY_MAP_STEP);
	for (i = 0; i < 1024; i += 2)
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[i], 0), 0);
	held->blocks[KBUDDY_MAP_PAGES][0] = 512;
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_EQ(test, sum->records, 1024UL);
	KUNIT_EXPECT_EQ(test, sum->free[0][0], 512UL);
	for (i = 1; i < 1024; i += 2)
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[i], 0), 0);
	held->blocks[KBUDDY_MAP_PAGES][0] = 0;
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_EQ(test, sum->records, 1UL);
}

/*
 * A step that starts inside a block (one merged across the point where the
 * step before ended) shows the rest of it as aligned pieces of its state,
 * largest first as alignment allows, and then goes on after the block.
 */
static void kbuddy_map_step_inside_a_block(struct kunit *test)
{
	static const struct { unsigned long page; unsigned int order; } want[] = {
		{ 5, 0 }, { 6, 1 }, { 8, 3 }, { 16, 4 }, { 32, 5 }, { 64, 6 },
		{ 128, 7 }, { 256, 8 }, { 512, 9 }, { 1024, 10 },
	};
	struct kbuddy_pool *pool = kbt_new_pool(test, MT_ORDERS);
	struct kbuddy_map_rec *rec = kunit_kcalloc(test, 16, sizeof(*rec), GFP_KERNEL);
	struct kbuddy_map_cursor cur = { .region = 0, .page = 5 };
	unsigned int i, n;

	KUNIT_ASSERT_NOT_NULL(test, rec);
	kbt_add_mem(test, pool, KBT_PHYS, SZ_8M);
	n = kbuddy_map_step(pool, &cur, rec, 16);
	KUNIT_ASSERT_EQ(test, n, (unsigned int)ARRAY_SIZE(want));
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, rec[i].page, want[i].page, "record %u", i);
		KUNIT_EXPECT_EQ_MSG(test, rec[i].order, want[i].order, "record %u", i);
		KUNIT_EXPECT_EQ(test, rec[i].state, KBUDDY_MAP_FREE);
		KUNIT_EXPECT_EQ(test, rec[i].count, 1UL);
	}
	/* Past the region: the next step has nothing. */
	KUNIT_EXPECT_EQ(test, cur.region, 1U);
	KUNIT_EXPECT_EQ(test, cur.page, 0UL);
	KUNIT_EXPECT_EQ(test, kbuddy_map_step(pool, &cur, rec, 16), 0U);
	/* A step of at most 3 blocks stops after 3, where it says. */
	cur.region = 0;
	cur.page = 5;
	KUNIT_EXPECT_EQ(test, kbuddy_map_step(pool, &cur, rec, 3), 3U);
	KUNIT_EXPECT_EQ(test, cur.region, 0U);
	KUNIT_EXPECT_EQ(test, cur.page, 16UL);
}

/*
 * A pool with no mapping, two regions: its map is read from the
 * descriptors alone, and shows contig runs and block lists.
 */
static void kbuddy_map_nomap_two_regions(struct kunit *test)
{
	struct kbt_ctx *c = test->priv;
	struct mt_summary *sum = kunit_kzalloc(test, sizeof(*sum), GFP_KERNEL);
	struct mt_held *held = kunit_kzalloc(test, sizeof(*held), GFP_KERNEL);
	struct kbuddy_contig *b = kunit_kcalloc(test, 8, sizeof(*b), GFP_KERNEL);
	/* The top of the first region, two order-11 blocks. */
	struct kbuddy_constraint con = {
		.start = 1ULL << 40, .end = (1ULL << 40) + SZ_16M,
		.flags = KBUDDY_CONTIG_TOPDOWN,
	};
	struct kbuddy_pool *pool;
	struct kbuddy_contig run;
	unsigned int nr, i;

	KUNIT_ASSERT_NOT_NULL(test, sum);
	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_ASSERT_NOT_NULL(test, b);
	pool = kbuddy_pool_create_kind("kunit-map-nomap", 12, KBUDDY_POOL_NOMAP, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	KUNIT_ASSERT_LT(test, c->nr_pools, KBT_MAX_POOLS);
	c->pools[c->nr_pools++] = pool;
	KUNIT_ASSERT_EQ(test, kbuddy_pool_add_range(pool, 1ULL << 40, SZ_16M), 0);
	/* Not aligned to the largest block: carved into smaller ones. */
	KUNIT_ASSERT_EQ(test, kbuddy_pool_add_range(pool, (1ULL << 41) + SZ_64K,
						    SZ_4M + SZ_8K), 0);
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_EQ(test, sum->regions, 2U);
	/* 12 pages from a trimmed order-4 block: one of order 3, one of order 2. */
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_contig(pool, 12 * PAGE_SIZE, &con, GFP_KERNEL,
						  &run), 0);
	KUNIT_EXPECT_PTR_EQ(test, run.addr, (void *)NULL);
	held->blocks[KBUDDY_MAP_CONTIG][3]++;
	held->blocks[KBUDDY_MAP_CONTIG][2]++;
	mt_check(test, pool, held, sum);
	KUNIT_ASSERT_EQ(test, kbuddy_alloc_blocks(pool, 7 * PAGE_SIZE, NULL, GFP_KERNEL,
						  b, 8, &nr), 0);
	for (i = 0; i < nr; i++)
		held->blocks[KBUDDY_MAP_CONTIG][ilog2(b[i].size >> PAGE_SHIFT)]++;
	mt_check(test, pool, held, sum);
	KUNIT_EXPECT_EQ(test, kbuddy_free_blocks(pool, b, nr), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_contig(pool, &run), 0);
	memset(held, 0, sizeof(*held));
	mt_check(test, pool, held, sum);
}

static struct kunit_case kbuddy_map_cases[] = {
	KUNIT_CASE(kbuddy_map_agrees_after_every_step),
	KUNIT_CASE(kbuddy_map_many_steps),
	KUNIT_CASE(kbuddy_map_step_inside_a_block),
	KUNIT_CASE(kbuddy_map_nomap_two_regions),
	{}
};

static struct kunit_suite kbuddy_map_suite = {
	.name = "kbuddy_map",
	.init = kbt_init_one_cpu,
	.exit = kbt_exit,
	.test_cases = kbuddy_map_cases,
};

kunit_test_suite(kbuddy_map_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_api: every exported function of kbuddy, argument by
 * argument, at and just past the limits its kernel-doc gives.
 *
 * As mm/damon/dbgfs-test.h tests its parsers, the calls are tables: one table
 * of rows per export, each row one call - arguments picked from a fixture
 * built afresh for the row - and what the kernel-doc says it returns. A row
 * the export refuses, or is documented to ignore, must leave every pool of
 * the fixture as it was: free areas, page counts, counters, per-CPU page
 * caches, and every cache's counters and slab counts, compared with memcmp()
 * - except the counters the refusal is documented to bump (a bad_free_* or
 * a fail counter), each of which must have gone up by exactly one. A row the
 * export accepts is checked for what it returned and undone. After every row
 * the fixture's pools must pass kbuddy's validator.
 *
 * tools/check-api-table.sh fails when an EXPORT_SYMBOL_GPL of kernel/ has no
 * entry in api_exports[] at the end of this file.
 */

#include <linux/align.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "helpers.h"

/* ==== The fixture ======================================================== */

/*
 * The fixture's pools: A busy, B another pool, E without memory, F untouched;
 * N of kind nomap (a range far above RAM) and I of kind iomem.
 */
enum api_pool { PA, PB, PE, PF, PN, PI, API_NR_POOLS, P_NULL = API_NR_POOLS, P_ERR };
#define API_POOL_LETTERS "abefni"

/* Its caches: two on A, one on B, one on E; and what rows may name besides. */
enum api_cache { CA, CA2, CB, CE, API_NR_CACHES, C_NULL = API_NR_CACHES, C_ERR, C_KM64 };

/* Pointers a row may pass. Up to X_KM_B, the fixture holds what they point to. */
enum api_ptr {
	X_NULL,
	X_ERR,		/* ERR_PTR(-EINVAL) */
	X_ZERO,		/* ZERO_SIZE_PTR */
	X_OUTSIDE,	/* kernel memory in no pool */
	X_A_MEM,	/* the first byte of A's region */
	X_A_END,	/* one past A's region */
	X_EXTRA,	/* memory for the regions rows add */
	X_PAGE0,	/* an order-0 kbuddy_alloc_pages() block of A */
	X_PAGE3,	/* an order-3 block of A */
	X_PAGE_B,	/* an order-0 block of B */
	X_TOP,		/* a block of A's top order (S_TOP rows only) */
	X_OBJ,		/* an object of CA */
	X_OBJ2,		/* an object of CA2 */
	X_OBJ_B,	/* an object of CB */
	X_KM,		/* kbuddy_malloc(A, 64), API_DATA bytes */
	X_KM_LARGE,	/* kbuddy_malloc(A, 2 pages), a whole block, API_DATA bytes */
	X_KM_B,		/* kbuddy_malloc(B, 64) */
	X_PAGE0_FREED,	/* an order-0 block of A, freed (in a CPU's page cache) */
	X_PAGE4_FREED,	/* an order-4 block of A, freed (in the free lists) */
	X_OBJ_FREED,	/* an object of CA, freed (in a magazine) */
	X_KM_FREED,	/* kbuddy_malloc(A, 64), freed */
	X_KML_FREED,	/* kbuddy_malloc(A, 2 pages), freed */
	X_SLAB_PAGE,	/* the page of CA's slab that holds X_OBJ */
	X_RAM,		/* add_phys: the page of X_OUTSIDE, System RAM */
	X_CLAIMED,	/* add_phys: the default pool's first reserved region */
	X_ABS,		/* phys_to_virt and add_phys: the address in .a */
	API_NR_PTRS
};

#define API_A_SIZE	SZ_8M
#define API_B_SIZE	SZ_1M
#define API_F_SIZE	SZ_1M
#define API_F_PAGES	(API_F_SIZE >> PAGE_SHIFT)
#define API_A_PHYS	KBT_PHYS
#define API_B_PHYS	(KBT_PHYS * 2)
#define API_F_PHYS	(KBT_PHYS * 3)
/* N's range, 64 TiB up: no memory there for a stray access to hit. */
#define API_N_SIZE	SZ_16M
#define API_N_PHYS	((phys_addr_t)1 << 46)
#define API_I_SIZE	SZ_1M
#define API_I_PHYS	(KBT_PHYS * 6)
/* The regions rows add: one page each, at most a pool's worth. */
#define API_X_PHYS	(KBT_PHYS * 4)
#define API_X_PAGES	KBUDDY_MAX_REGIONS
/* A's top order and largest block; E's max_order, and its largest block. */
#define API_TOP		(KBUDDY_DEFAULT_MAX_ORDER - 1)
#define API_LARGEST	(PAGE_SIZE << API_TOP)
#define API_E_ORDER	2
#define API_E_LARGEST	(PAGE_SIZE << (API_E_ORDER - 1))
/* Slabs are at most order 3: the largest object of a cache on A. */
#define API_OBJ_MAX	(PAGE_SIZE << 3)
/* A's memory before anything is allocated, and the fixture's malloc data. */
#define API_FILL	0xa5
#define API_DATA	0x3c
#define API_CTOR	0x5c
#define API_MAX_CACHES	16

/* Row setup beyond the fixture, and call options. */
enum {
	S_TOP		= BIT(0),	/* take A's top-order block: X_TOP */
	S_REGIONS_63	= BIT(1),	/* give F one-page regions up to 63 */
	S_REGIONS_64	= BIT(2),	/* ... up to KBUDDY_MAX_REGIONS */
	S_CORRUPT	= BIT(3),	/* flip a pair bit of A around the call */
	S_PCP		= BIT(4),	/* F's page cache holds a batch */
	S_FREE_OBJ2	= BIT(5),	/* free X_OBJ2: CA2's slab is empty */
	S_CTOR		= BIT(6),	/* cache_create: with a constructor */
};

/* What a row returns, as a long (pointers and phys_addr_t cast). */
enum api_want {
	W_EQ,		/* .val; an ERR_PTR(-E) is -E */
	W_NULL,		/* NULL, 0 */
	W_ZSP,		/* ZERO_SIZE_PTR */
	W_PTR,		/* a real pointer; for the malloc family, .val its ksize if set */
	W_SAME,		/* the pointer passed, or the one phys_to_virt() was given */
	W_PHYS,		/* the physical address of the pointer passed */
};

/* What a row leaves: anything, nothing at all, or nothing in the pools. */
enum api_same { U_ANY, U_ALL, U_POOLS };

/* A counter a refusal is documented to bump by one. */
struct api_bump {
	u8 kind;
	u8 which;	/* an enum api_pool or enum api_cache */
	u16 off;	/* in struct kbuddy_stats or struct kbuddy_cache_info */
};

enum { BUMP_NONE, BUMP_POOL, BUMP_CACHE };

#define POOL_CTR(p, ctr) \
	{ BUMP_POOL, p, offsetof(struct kbuddy_stats, counter[KBUDDY_##ctr]) }
#define POOL_FAIL(p, order) \
	{ BUMP_POOL, p, offsetof(struct kbuddy_stats, fail[order]) }
#define CACHE_CTR(c, ctr) \
	{ BUMP_CACHE, c, offsetof(struct kbuddy_cache_info, count[KBUDDY_CACHE_##ctr]) }

/**
 * struct api_row - one call of an export and what its kernel-doc promises
 * @name: what the row passes, printed when it fails
 * @pool: the pool argument
 * @cache: the cache argument
 * @ptr: the pointer argument (for phys_to_virt(), its physical address)
 * @off: bytes added to @ptr
 * @a: the first other argument: order, size, n, phys
 * @b: the second: size, align, max_order
 * @c: the third: flags
 * @str: the name argument
 * @gfp: the gfp argument
 * @setup: S_* flags
 * @want: what the call returns
 * @val: the value @want compares with
 * @same: what the call must leave unchanged
 * @bump: counters the call bumps by one, the rest of the pools unchanged
 */
struct api_row {
	const char *name;
	enum api_pool pool;
	enum api_cache cache;
	enum api_ptr ptr;
	long off;
	u64 a, b, c;
	const char *str;
	gfp_t gfp;
	unsigned int setup;
	enum api_want want;
	long val;
	enum api_same same;
	struct api_bump bump[3];
};

/* What the pools hold, to compare before and after a call. */
struct api_cache_snap {
	const struct kbuddy_cache *c;
	struct kbuddy_cache_info info;
};

struct api_pool_snap {
	struct kbt_snapshot buddy;
	unsigned long pcp_alloc[KBUDDY_PCP_ORDERS];
	unsigned long pcp_free[KBUDDY_PCP_ORDERS];
	unsigned long pcp_events[KBUDDY_NR_PCP_COUNTERS];
	unsigned long pcp_held;
	unsigned long nr_caches;
	struct api_cache_snap caches[API_MAX_CACHES];
};

struct api_snap {
	struct api_pool_snap pool[API_NR_POOLS];
};

struct api_fx {
	bool live;
	struct kbuddy_pool *pool[API_NR_POOLS];
	void *mem[API_NR_POOLS];
	void *extra;
	struct kbuddy_cache *cache[API_NR_CACHES];
	void *ptr[API_NR_PTRS];
	struct api_snap *before, *after;
};

static const struct {
	u64 size;
	phys_addr_t phys;
	unsigned int max_order;
	enum kbuddy_pool_kind kind;
} api_pools[API_NR_POOLS] = {
	[PA] = { API_A_SIZE, API_A_PHYS, 0, KBUDDY_POOL_RAM },
	[PB] = { API_B_SIZE, API_B_PHYS, 0, KBUDDY_POOL_RAM },
	[PE] = { 0, 0, API_E_ORDER, KBUDDY_POOL_RAM },
	[PF] = { API_F_SIZE, API_F_PHYS, 0, KBUDDY_POOL_RAM },
	[PN] = { API_N_SIZE, API_N_PHYS, 0, KBUDDY_POOL_NOMAP },
	[PI] = { API_I_SIZE, API_I_PHYS, 0, KBUDDY_POOL_IOMEM },
};

static atomic_t api_seq = ATOMIC_INIT(0);

/* Ordinary memory, made to stand in for a device's I/O memory. */
static void __iomem *api_iomem(void *mem)
{
	return (void __force __iomem *)mem;
}

static void fx_teardown(struct kunit *test, struct api_fx *fx)
{
	struct kbuddy_pool *a = fx->pool[PA], *b = fx->pool[PB];
	void **x = fx->ptr;
	unsigned int i;

	if (!fx->live)
		return;
	fx->live = false;
	if (x[X_PAGE0])
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(a, x[X_PAGE0], 0), 0);
	if (x[X_PAGE3])
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(a, x[X_PAGE3], 3), 0);
	if (x[X_TOP])
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(a, x[X_TOP], API_TOP), 0);
	if (x[X_PAGE_B])
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(b, x[X_PAGE_B], 0), 0);
	if (x[X_OBJ])
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(fx->cache[CA], x[X_OBJ]), 0);
	if (x[X_OBJ2])
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(fx->cache[CA2], x[X_OBJ2]), 0);
	if (x[X_OBJ_B])
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(fx->cache[CB], x[X_OBJ_B]), 0);
	if (x[X_KM])
		KUNIT_EXPECT_EQ(test, kbuddy_free(a, x[X_KM]), 0);
	if (x[X_KM_LARGE])
		KUNIT_EXPECT_EQ(test, kbuddy_free(a, x[X_KM_LARGE]), 0);
	if (x[X_KM_B])
		KUNIT_EXPECT_EQ(test, kbuddy_free(b, x[X_KM_B]), 0);
	for (i = API_NR_CACHES; i-- > 0;)
		if (fx->cache[i])
			KUNIT_EXPECT_EQ(test, kbuddy_cache_destroy(fx->cache[i]), 0);
	for (i = API_NR_POOLS; i-- > 0;)
		kbuddy_pool_destroy(fx->pool[i]);
	for (i = 0; i < API_NR_POOLS; i++)
		vfree(fx->mem[i]);
	vfree(fx->extra);
	memset(fx->pool, 0, sizeof(fx->pool));
	memset(fx->mem, 0, sizeof(fx->mem));
	memset(fx->cache, 0, sizeof(fx->cache));
	memset(fx->ptr, 0, sizeof(fx->ptr));
	fx->extra = NULL;
}

static struct kbuddy_cache *fx_cache(struct kunit *test, struct kbuddy_pool *pool,
				     const char *name)
{
	struct kbuddy_cache *c = kbuddy_cache_create(pool, name, 64, 0, 0, NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	return c;
}

static void *fx_take(struct kunit *test, void *p)
{
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	return p;
}

static void fx_setup(struct kunit *test, struct api_fx *fx)
{
	char name[KBUDDY_NAME_LEN + 1];
	struct kbuddy_pool *a, *b;
	void **x = fx->ptr;
	unsigned int i;

	fx->live = true;
	for (i = 0; i < API_NR_POOLS; i++) {
		struct kbuddy_pool *p;

		snprintf(name, sizeof(name), "api-%c-%d", API_POOL_LETTERS[i],
			 atomic_inc_return(&api_seq));
		p = kbuddy_pool_create_kind(name, api_pools[i].max_order,
					    api_pools[i].kind, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		fx->pool[i] = p;
		if (!api_pools[i].size)
			continue;
		if (api_pools[i].kind == KBUDDY_POOL_NOMAP) {
			KUNIT_ASSERT_EQ(test, kbuddy_pool_add_range(p, api_pools[i].phys,
								    api_pools[i].size), 0);
			continue;
		}
		fx->mem[i] = vmalloc(api_pools[i].size);
		KUNIT_ASSERT_NOT_NULL(test, fx->mem[i]);
		memset(fx->mem[i], API_FILL, api_pools[i].size);
		if (api_pools[i].kind == KBUDDY_POOL_IOMEM)
			/* vmalloc()ed memory stands in for the I/O memory. */
			KUNIT_ASSERT_EQ(test, kbuddy_pool_add_iomem(p, api_iomem(fx->mem[i]),
								    api_pools[i].phys,
								    api_pools[i].size), 0);
		else
			KUNIT_ASSERT_EQ(test, kbuddy_pool_add_mem(p, fx->mem[i],
								  api_pools[i].phys,
								  api_pools[i].size), 0);
	}
	fx->extra = vmalloc(API_X_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, fx->extra);
	a = fx->pool[PA];
	b = fx->pool[PB];
	/* The same name in three pools: names are unique per pool only. */
	fx->cache[CA] = fx_cache(test, a, "api-c");
	fx->cache[CA2] = fx_cache(test, a, "api-c2");
	fx->cache[CB] = fx_cache(test, b, "api-c");
	fx->cache[CE] = fx_cache(test, fx->pool[PE], "api-c");

	x[X_ERR] = ERR_PTR(-EINVAL);
	x[X_ZERO] = ZERO_SIZE_PTR;
	x[X_OUTSIDE] = fx;
	x[X_A_MEM] = fx->mem[PA];
	x[X_A_END] = fx->mem[PA] + API_A_SIZE;
	x[X_EXTRA] = fx->extra;
	x[X_PAGE0] = fx_take(test, kbuddy_alloc_pages(a, 0, GFP_KERNEL));
	x[X_PAGE0_FREED] = fx_take(test, kbuddy_alloc_pages(a, 0, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, kbuddy_free_pages(a, x[X_PAGE0_FREED], 0), 0);
	x[X_PAGE3] = fx_take(test, kbuddy_alloc_pages(a, 3, GFP_KERNEL));
	x[X_PAGE4_FREED] = fx_take(test, kbuddy_alloc_pages(a, 4, GFP_KERNEL));
	x[X_PAGE_B] = fx_take(test, kbuddy_alloc_pages(b, 0, GFP_KERNEL));
	x[X_OBJ] = fx_take(test, kbuddy_cache_alloc(fx->cache[CA], GFP_KERNEL));
	x[X_OBJ_FREED] = fx_take(test, kbuddy_cache_alloc(fx->cache[CA], GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, kbuddy_cache_free(fx->cache[CA], x[X_OBJ_FREED]), 0);
	x[X_SLAB_PAGE] = PTR_ALIGN_DOWN(x[X_OBJ], PAGE_SIZE);
	x[X_OBJ2] = fx_take(test, kbuddy_cache_alloc(fx->cache[CA2], GFP_KERNEL));
	x[X_OBJ_B] = fx_take(test, kbuddy_cache_alloc(fx->cache[CB], GFP_KERNEL));
	x[X_KM] = fx_take(test, kbuddy_malloc(a, 64, GFP_KERNEL));
	memset(x[X_KM], API_DATA, 64);
	x[X_KM_FREED] = fx_take(test, kbuddy_malloc(a, 64, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, kbuddy_free(a, x[X_KM_FREED]), 0);
	x[X_KM_LARGE] = fx_take(test, kbuddy_malloc(a, 2 * PAGE_SIZE, GFP_KERNEL));
	memset(x[X_KM_LARGE], API_DATA, 2 * PAGE_SIZE);
	x[X_KML_FREED] = fx_take(test, kbuddy_malloc(a, 2 * PAGE_SIZE, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, kbuddy_free(a, x[X_KML_FREED]), 0);
	x[X_KM_B] = fx_take(test, kbuddy_malloc(b, 64, GFP_KERNEL));
	memset(x[X_KM_B], API_DATA, 64);
	/* Freed last, so that no allocation above lands in it. */
	KUNIT_ASSERT_EQ(test, kbuddy_free_pages(a, x[X_PAGE4_FREED], 4), 0);
}

/* Give F one-page regions until it has @n. */
static void fx_regions(struct kunit *test, struct api_fx *fx, unsigned int n)
{
	struct kbuddy_pool *f = fx->pool[PF];
	unsigned int i;

	for (i = 0; f->nr_regions < n; i++)
		KUNIT_ASSERT_EQ(test, kbuddy_pool_add_mem(f, fx->extra + i * PAGE_SIZE,
							  API_X_PHYS + i * PAGE_SIZE,
							  PAGE_SIZE), 0);
}

static void fx_prepare(struct kunit *test, struct api_fx *fx,
		       const struct api_row *row)
{
	struct kbuddy_pool *f = fx->pool[PF];
	void *p;

	if (row->setup & S_TOP)
		fx->ptr[X_TOP] = fx_take(test, kbuddy_alloc_pages(fx->pool[PA], API_TOP,
								  GFP_KERNEL));
	if (row->setup & S_REGIONS_63)
		fx_regions(test, fx, KBUDDY_MAX_REGIONS - 1);
	if (row->setup & S_REGIONS_64)
		fx_regions(test, fx, KBUDDY_MAX_REGIONS);
	if (row->setup & S_PCP) {
		/* A refill takes a batch; the free puts the block back. */
		p = fx_take(test, kbuddy_alloc_pages(f, 0, GFP_KERNEL));
		KUNIT_ASSERT_EQ(test, kbuddy_free_pages(f, p, 0), 0);
	}
	if (row->setup & S_FREE_OBJ2) {
		KUNIT_ASSERT_EQ(test, kbuddy_cache_free(fx->cache[CA2], fx->ptr[X_OBJ2]), 0);
		fx->ptr[X_OBJ2] = NULL;
	}
}

static struct kbuddy_pool *arg_pool(struct api_fx *fx, enum api_pool p)
{
	if (p == P_NULL)
		return NULL;
	if (p == P_ERR)
		return ERR_PTR(-EINVAL);
	return fx->pool[p];
}

static struct kbuddy_cache *arg_cache(struct api_fx *fx, enum api_cache c)
{
	switch (c) {
	case C_NULL:
		return NULL;
	case C_ERR:
		return ERR_PTR(-EINVAL);
	case C_KM64:
		return fx->pool[PA]->kmalloc[3];
	default:
		return fx->cache[c];
	}
}

static void *arg_ptr(struct api_fx *fx, const struct api_row *row)
{
	return (void *)((unsigned long)fx->ptr[row->ptr] + row->off);
}

/* Where the fixture put @p, independently of kbuddy; one past a region too. */
static phys_addr_t fx_phys(struct api_fx *fx, const void *p)
{
	unsigned int i;

	for (i = 0; i < API_NR_POOLS; i++)
		if (fx->mem[i] && p >= fx->mem[i] && p <= fx->mem[i] + api_pools[i].size)
			return api_pools[i].phys + (p - fx->mem[i]);
	return KBUDDY_PHYS_INVALID;
}

static phys_addr_t arg_phys(struct api_fx *fx, const struct api_row *row)
{
	struct kbuddy_pool *def = kbuddy_default_pool();

	switch (row->ptr) {
	case X_ABS:
		return row->a + row->off;
	case X_RAM:
		return virt_to_phys(fx) & PAGE_MASK;
	case X_CLAIMED:
		if (def && def->nr_regions && def->regions[0].kind == KBUDDY_REGION_PHYS)
			return def->regions[0].phys;
		return KBUDDY_PHYS_INVALID;
	default:
		return fx_phys(fx, arg_ptr(fx, row));
	}
}

/* Does the row pass, unmoved, a pointer the fixture holds? */
static bool fx_holds(const struct api_row *row)
{
	return row->off == 0 && row->ptr >= X_PAGE0 && row->ptr <= X_KM_B;
}

/* The row freed (or moved) what the fixture held. */
static void fx_consumed(struct api_fx *fx, const struct api_row *row)
{
	if (fx_holds(row))
		fx->ptr[row->ptr] = NULL;
}

static bool real_ptr(const void *p)
{
	return !ZERO_OR_NULL_PTR(p) && !IS_ERR(p);
}

/* ==== Snapshots ========================================================== */

static void api_snap(struct api_fx *fx, struct api_snap *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < API_NR_POOLS; i++) {
		struct api_pool_snap *ps = &s->pool[i];
		struct kbuddy_pool *pool = fx->pool[i];
		struct kbuddy_cache *c;

		if (!pool)
			continue;
		kbt_snap(pool, &ps->buddy);
		kbuddy_pcp_stats(pool, ps->pcp_alloc, ps->pcp_free, ps->pcp_events,
				 &ps->pcp_held);
		mutex_lock(&pool->caches_lock);
		list_for_each_entry(c, &pool->caches, node) {
			if (ps->nr_caches < API_MAX_CACHES) {
				ps->caches[ps->nr_caches].c = c;
				kbuddy_cache_info(c, &ps->caches[ps->nr_caches].info);
			}
			ps->nr_caches++;
		}
		mutex_unlock(&pool->caches_lock);
	}
}

static unsigned long *bump_ctr(struct api_fx *fx, struct api_snap *s,
			       const struct api_bump *bump)
{
	const struct kbuddy_cache *c;
	unsigned int i, k;

	if (bump->kind == BUMP_POOL)
		return (void *)&s->pool[bump->which].buddy.st + bump->off;
	c = arg_cache(fx, bump->which);
	for (i = 0; i < API_NR_POOLS; i++)
		for (k = 0; k < min_t(unsigned long, s->pool[i].nr_caches, API_MAX_CACHES); k++)
			if (s->pool[i].caches[k].c == c)
				return (void *)&s->pool[i].caches[k].info + bump->off;
	return NULL;
}

#define ROW_FMT "%s: %s"

static void expect_unchanged(struct kunit *test, struct api_fx *fx,
			     const char *fn, const struct api_row *row)
{
	struct api_snap *b = fx->before, *a = fx->after;
	unsigned int i, k;

	api_snap(fx, a);
	for (i = 0; i < ARRAY_SIZE(row->bump) && row->bump[i].kind; i++) {
		unsigned long *was = bump_ctr(fx, b, &row->bump[i]);
		unsigned long *now = bump_ctr(fx, a, &row->bump[i]);

		KUNIT_ASSERT_TRUE_MSG(test, was && now, ROW_FMT ": no counter %u",
				      fn, row->name, i);
		KUNIT_EXPECT_EQ_MSG(test, *now, *was + 1,
				    ROW_FMT ": counter %u (%s %u at %u) not bumped by one",
				    fn, row->name, i,
				    row->bump[i].kind == BUMP_POOL ? "pool" : "cache",
				    row->bump[i].which, row->bump[i].off);
		*now = *was;
	}
	for (i = 0; i < API_NR_POOLS; i++) {
		struct api_pool_snap *pb = &b->pool[i], *pa = &a->pool[i];
		const char *pool = fx->pool[i] ? fx->pool[i]->name : "(gone)";

		KUNIT_EXPECT_EQ_MSG(test, memcmp(pa->buddy.nr_free, pb->buddy.nr_free,
						 sizeof(pb->buddy.nr_free)), 0,
				    ROW_FMT ": pool %s: free areas changed", fn, row->name, pool);
		KUNIT_EXPECT_EQ_MSG(test, pa->buddy.free, pb->buddy.free,
				    ROW_FMT ": pool %s: nr_free changed", fn, row->name, pool);
		KUNIT_EXPECT_EQ_MSG(test, pa->buddy.pages, pb->buddy.pages,
				    ROW_FMT ": pool %s: nr_pages changed", fn, row->name, pool);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&pa->buddy.st, &pb->buddy.st,
						 sizeof(pb->buddy.st)), 0,
				    ROW_FMT ": pool %s: counters changed", fn, row->name, pool);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(pa->pcp_alloc, pb->pcp_alloc,
						 offsetof(struct api_pool_snap, nr_caches) -
						 offsetof(struct api_pool_snap, pcp_alloc)), 0,
				    ROW_FMT ": pool %s: page caches changed", fn, row->name, pool);
		if (row->same == U_POOLS)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, pa->nr_caches, pb->nr_caches,
				    ROW_FMT ": pool %s: caches added or removed", fn, row->name,
				    pool);
		for (k = 0; k < min_t(unsigned long, pb->nr_caches, API_MAX_CACHES); k++)
			KUNIT_EXPECT_EQ_MSG(test, memcmp(&pa->caches[k], &pb->caches[k],
							 sizeof(pb->caches[k])), 0,
					    ROW_FMT ": pool %s: cache %s changed", fn, row->name,
					    pool, pb->caches[k].c->name);
	}
}

static void expect_return(struct kunit *test, struct api_fx *fx, const char *fn,
			  const struct api_row *row, long ret, void *arg)
{
	switch (row->want) {
	case W_EQ:
		KUNIT_EXPECT_EQ_MSG(test, ret, row->val, ROW_FMT, fn, row->name);
		break;
	case W_NULL:
		KUNIT_EXPECT_EQ_MSG(test, ret, 0L, ROW_FMT ": not NULL", fn, row->name);
		break;
	case W_ZSP:
		KUNIT_EXPECT_EQ_MSG(test, ret, (long)ZERO_SIZE_PTR,
				    ROW_FMT ": not ZERO_SIZE_PTR", fn, row->name);
		break;
	case W_PTR:
		KUNIT_EXPECT_TRUE_MSG(test, real_ptr((void *)ret),
				      ROW_FMT ": %ld is no pointer", fn, row->name, ret);
		break;
	case W_SAME:
		KUNIT_EXPECT_EQ_MSG(test, ret, (long)arg,
				    ROW_FMT ": not the pointer passed", fn, row->name);
		break;
	case W_PHYS:
		KUNIT_EXPECT_EQ_MSG(test, ret, (long)fx_phys(fx, arg_ptr(fx, row)),
				    ROW_FMT ": not its physical address", fn, row->name);
		break;
	}
}

/* ==== Calls ============================================================== */

/* Each call makes one row's call, checks and undoes what it made. */
typedef long (*api_call_fn)(struct kunit *test, struct api_fx *fx,
			    const struct api_row *row);

#define EXPECT_ROW(test, cond, row, what) \
	KUNIT_EXPECT_TRUE_MSG(test, cond, "%s: %s", (row)->name, what)

static bool all_bytes(const void *p, int c, size_t n)
{
	return !memchr_inv(p, c, n);
}

static long call_pool_create(struct kunit *test, struct api_fx *fx,
			     const struct api_row *row)
{
	const char *name = row->str;
	struct kbuddy_pool *p;

	/* .str "api-a" is the name of the fixture's pool A. */
	if (name && !strcmp(name, "api-a"))
		name = fx->pool[PA]->name;
	p = kbuddy_pool_create(name, row->b);
	if (IS_ERR_OR_NULL(p))
		return (long)p;
	EXPECT_ROW(test, p->max_order == (row->b ? row->b : KBUDDY_DEFAULT_MAX_ORDER),
		   row, "max_order");
	EXPECT_ROW(test, !kbuddy_pool_total_pages(p), row, "total pages");
	EXPECT_ROW(test, !kbuddy_alloc_pages(p, 0, GFP_KERNEL), row, "empty pool allocates");
	kbuddy_pool_destroy(p);
	return (long)p;
}

static long call_pool_add_phys(struct kunit *test, struct api_fx *fx,
			       const struct api_row *row)
{
	phys_addr_t base = arg_phys(fx, row);

	if (row->ptr == X_CLAIMED && base == KBUDDY_PHYS_INVALID) {
		kunit_info(test, "%s: the default pool has no reserved region: not run\n",
			   row->name);
		return row->val;
	}
	return kbuddy_pool_add_phys(arg_pool(fx, row->pool), base, row->b);
}

static long call_pool_create_kind(struct kunit *test, struct api_fx *fx,
				  const struct api_row *row)
{
	struct kbuddy_pool *p = kbuddy_pool_create_kind(row->str, row->b, row->a, row->c);
	struct kbuddy_contig run;

	if (IS_ERR_OR_NULL(p))
		return (long)p;
	EXPECT_ROW(test, kbuddy_pool_kind(p) == row->a, row, "kind");
	EXPECT_ROW(test, !p->pcp == (row->a != KBUDDY_POOL_RAM || (row->c & KBUDDY_POOL_NO_PCP)),
		   row, "page caches");
	EXPECT_ROW(test, !p->kmalloc[0] == (row->a != KBUDDY_POOL_RAM ||
					    (row->c & KBUDDY_POOL_WC)), row,
		   "malloc size classes");
	EXPECT_ROW(test, p->wc == !!(row->c & KBUDDY_POOL_WC), row,
		   "write-combined");
	if (row->a == KBUDDY_POOL_RAM && row->c & KBUDDY_POOL_WC) {
		void *mem = vmalloc(PAGE_SIZE);

		/*
		 * Objects, and memory outside the linear map (which kbuddy
		 * could not remap write-combined): refused, with a message.
		 */
		EXPECT_ROW(test, !kbuddy_malloc(p, 64, GFP_KERNEL), row, "malloc refused");
		EXPECT_ROW(test, IS_ERR(kbuddy_cache_create(p, "api-wc", 64, 0, 0, NULL)), row,
			   "a cache refused");
		EXPECT_ROW(test, mem && kbuddy_pool_add_mem(p, mem,
							    page_to_phys(vmalloc_to_page(mem)),
							    PAGE_SIZE) == -EINVAL,
			   row, "vmalloc() memory refused");
		EXPECT_ROW(test, !p->nr_regions, row, "nothing added");
		vfree(mem);
	}
	EXPECT_ROW(test, kbuddy_alloc_contig(p, PAGE_SIZE, NULL, GFP_KERNEL, &run) == -EINVAL,
		   row, "an empty pool allocates nothing");
	kbuddy_pool_destroy(p);
	return (long)p;
}

static long call_pool_add_range(struct kunit *test, struct api_fx *fx,
				const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	unsigned long pages = kbuddy_pool_total_pages(pool);
	int ret = kbuddy_pool_add_range(pool, row->a, row->b);
	struct kbuddy_contig c;
	struct kbuddy_constraint at = { .start = row->a, .end = row->a + PAGE_SIZE };

	if (ret)
		return ret;
	EXPECT_ROW(test, kbuddy_pool_total_pages(pool) == pages + (row->b >> PAGE_SHIFT),
		   row, "pages added");
	/* The new range hands out its first page, by address only. */
	EXPECT_ROW(test, !kbuddy_alloc_contig(pool, PAGE_SIZE, &at, GFP_KERNEL, &c) &&
		   c.phys == row->a && !c.addr, row, "a run of the range");
	EXPECT_ROW(test, !kbuddy_free_contig(pool, &c), row, "the run freed");
	return ret;
}

static long call_pool_add_iomem(struct kunit *test, struct api_fx *fx,
				const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	unsigned long pages = kbuddy_pool_total_pages(pool);
	void *mem = arg_ptr(fx, row);
	int ret = kbuddy_pool_add_iomem(pool, api_iomem(mem), row->a, row->b);
	struct kbuddy_constraint at = { .start = row->a, .end = row->a + PAGE_SIZE };
	struct kbuddy_contig c;

	if (ret)
		return ret;
	EXPECT_ROW(test, kbuddy_pool_total_pages(pool) == pages + (row->b >> PAGE_SHIFT),
		   row, "pages added");
	memset(mem, API_FILL, PAGE_SIZE);
	EXPECT_ROW(test, !kbuddy_alloc_contig(pool, PAGE_SIZE, &at, GFP_KERNEL | __GFP_ZERO,
					      &c) && c.phys == row->a &&
		   kbuddy_contig_iomem(pool, &c) == api_iomem(mem) && all_bytes(mem, 0, PAGE_SIZE),
		   row, "a zeroed run of the memory, at its I/O address");
	EXPECT_ROW(test, !kbuddy_free_contig(pool, &c), row, "the run freed");
	return ret;
}

/*
 * A 3-page run of the row's pool (at its start in a pool without memory),
 * passed to kbuddy_contig_iomem() as row->a says: 0 as it is, 1 NULL, 2 a
 * page past the pool's memory, 3 a page longer than what is left of its
 * region. Return: whether an address came back.
 */
static long call_contig_iomem(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	phys_addr_t base = api_pools[row->pool].phys;
	u64 size = api_pools[row->pool].size;
	struct kbuddy_contig run = { .phys = base, .size = 3 * PAGE_SIZE }, q;
	bool held = !kbuddy_alloc_contig(pool, run.size, NULL, GFP_KERNEL, &run);
	void __iomem *io;

	q = run;
	if (row->a == 2)
		q.phys = base + size;
	if (row->a == 3)
		q.size = size - (q.phys - base) + PAGE_SIZE;
	io = kbuddy_contig_iomem(pool, row->a == 1 ? NULL : &q);
	if (io)
		EXPECT_ROW(test, fx->mem[row->pool] &&
			   io == api_iomem(fx->mem[row->pool] + (q.phys - base)),
			   row, "the run's place in the mapping");
	if (held)
		EXPECT_ROW(test, !kbuddy_free_contig(pool, &run), row, "the run freed");
	return io ? 1 : 0;
}

static long call_pool_kind(struct kunit *test, struct api_fx *fx,
			   const struct api_row *row)
{
	return kbuddy_pool_kind(arg_pool(fx, row->pool));
}

static long call_pool_add_mem(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	unsigned long pages = kbuddy_pool_total_pages(pool);
	int ret = kbuddy_pool_add_mem(pool, arg_ptr(fx, row), row->a, row->b);

	if (!ret)
		EXPECT_ROW(test, kbuddy_pool_total_pages(pool) == pages + (row->b >> PAGE_SHIFT),
			   row, "pages added");
	return ret;
}

static long call_pool_destroy(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	char name[KBUDDY_NAME_LEN + 1];
	unsigned int i;

	if (IS_ERR_OR_NULL(pool)) {
		kbuddy_pool_destroy(pool);
		return 0;
	}
	strscpy(name, pool->name, sizeof(name));
	/* The pool destroys the caches left on it. */
	for (i = 0; i < API_NR_CACHES; i++)
		if (fx->cache[i] && fx->cache[i]->pool == pool)
			fx->cache[i] = NULL;
	EXPECT_ROW(test, kbuddy_pool_destroy(pool) == 0, row, "nothing leaked");
	fx->pool[row->pool] = NULL;
	/* Gone from the list of pools: its name is free again. */
	pool = kbuddy_pool_create(name, 0);
	EXPECT_ROW(test, !IS_ERR_OR_NULL(pool), row, "name free after destroy");
	kbuddy_pool_destroy(pool);
	return 0;
}

/* Offered, found by its id, offered again (refused), withdrawn: 1. */
static long call_pool_offer(struct kunit *test, struct api_fx *fx,
			    const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct kbuddy_offered o;
	int id = kbuddy_pool_offer(pool, THIS_MODULE);

	if (id <= 0)
		return id;
	EXPECT_ROW(test, kbuddy_pool_offer_id(pool) == id, row, "the pool knows its id");
	EXPECT_ROW(test, !kbuddy_offer_find(id, false, &o) && o.id == id &&
		   !strcmp(o.name, pool->name) && o.kind == pool->kind &&
		   o.nr_pages == kbuddy_pool_total_pages(pool), row, "found by its id");
	EXPECT_ROW(test, kbuddy_pool_offer(pool, THIS_MODULE) == -EEXIST, row,
		   "a second offer refused with -EEXIST");
	EXPECT_ROW(test, kbuddy_pool_offer_id(pool) == id, row, "the id kept");
	kbuddy_pool_withdraw(pool);
	EXPECT_ROW(test, !kbuddy_pool_offer_id(pool) &&
		   kbuddy_offer_find(id, false, &o) == -ENOENT, row, "withdrawn");
	return 1;
}

/* With .c set, the pool is offered first; either way not offered after. */
static long call_pool_withdraw(struct kunit *test, struct api_fx *fx,
			       const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct module *owner;
	int id = 0;

	if (row->c) {
		id = kbuddy_pool_offer(pool, THIS_MODULE);
		EXPECT_ROW(test, id > 0, row, "offered");
	}
	kbuddy_pool_withdraw(pool);
	if (id > 0)
		EXPECT_ROW(test, kbuddy_offer_get(id, &owner) == ERR_PTR(-ENOENT), row,
			   "its id finds nothing");
	if (!IS_ERR_OR_NULL(pool))
		EXPECT_ROW(test, !kbuddy_pool_offer_id(pool), row, "not offered");
	return 0;
}

/*
 * The owner of the pools these tests hold buffers of: none. A module's
 * suites run from its init on 6.1 (after it, when it is live, on 6.12), and
 * no buffer may pin a module in its init (offer.c): THIS_MODULE would be
 * refused there. Pinning a real owner is the VM tests' (offer_owner_pinned).
 */
#define API_OWNER	NULL

/*
 * With .c set, the pool is offered first, and with .c 2 a "buffer" (an
 * allocation under way, as /dev/kbuddy holds one between its look-up and
 * listing its buffer) is given back after a while from a work item: the
 * revoke waits for it. Either way the pool is withdrawn after and only
 * its own reference is left.
 */
struct revoke_put_work {
	struct delayed_work work;
	struct kbuddy_pool *pool;
	struct module *owner;
};

static void revoke_put_fn(struct work_struct *w)
{
	struct revoke_put_work *rp = container_of(to_delayed_work(w),
						  struct revoke_put_work, work);

	kbuddy_offer_put(rp->pool, rp->owner);
}

static long call_pool_revoke(struct kunit *test, struct api_fx *fx,
			     const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct revoke_put_work rp = { .pool = pool };
	struct kbuddy_offered o;
	int id = 0, ret;

	if (row->c) {
		id = kbuddy_pool_offer(pool, API_OWNER);
		EXPECT_ROW(test, id > 0, row, "offered");
	}
	if (row->c == 2) {
		/* Given back by the work only if taken. */
		KUNIT_ASSERT_PTR_EQ(test, kbuddy_offer_get(id, &rp.owner), pool);
		INIT_DELAYED_WORK(&rp.work, revoke_put_fn);
		schedule_delayed_work(&rp.work, msecs_to_jiffies(20));
	}
	ret = kbuddy_pool_revoke(pool);
	if (row->c == 2) {
		/* Not before the reference it waited for was given back. */
		EXPECT_ROW(test, !delayed_work_pending(&rp.work), row, "waited");
		flush_delayed_work(&rp.work);
	}
	if (id > 0)
		EXPECT_ROW(test, kbuddy_offer_find(id, false, &o) == -ENOENT, row,
			   "its id finds nothing");
	if (!IS_ERR_OR_NULL(pool))
		EXPECT_ROW(test, !kbuddy_pool_offer_id(pool) &&
			   refcount_read(&pool->users) == 1, row, "withdrawn, not held");
	return ret;
}

static long call_default_pool(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	struct kbuddy_pool *p = kbuddy_default_pool();

	if (p)
		EXPECT_ROW(test, kbuddy_pool_total_pages(p) > 0, row, "default pool has memory");
	return (long)p;
}

static long call_alloc_pages(struct kunit *test, struct api_fx *fx,
			     const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	void *p = kbuddy_alloc_pages(pool, row->a, row->gfp);

	if (!p)
		return 0;
	EXPECT_ROW(test, IS_ALIGNED(fx_phys(fx, p), PAGE_SIZE << row->a), row,
		   "naturally aligned");
	if (row->gfp & __GFP_ZERO)
		EXPECT_ROW(test, all_bytes(p, 0, PAGE_SIZE << row->a), row, "zeroed");
	EXPECT_ROW(test, kbuddy_free_pages(pool, p, row->a) == 0, row, "freed");
	return (long)p;
}

static long call_free_pages(struct kunit *test, struct api_fx *fx,
			    const struct api_row *row)
{
	int ret = kbuddy_free_pages(arg_pool(fx, row->pool), arg_ptr(fx, row), row->a);

	if (!ret)
		fx_consumed(fx, row);
	return ret;
}

static long call_alloc_contig(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct kbuddy_constraint con = { .align = row->b, .boundary = row->c };
	struct kbuddy_contig c;
	int ret = kbuddy_alloc_contig(pool, row->a, &con, row->gfp, &c);

	if (ret)
		return ret;
	EXPECT_ROW(test, c.size == PAGE_ALIGN(row->a), row, "size in whole pages");
	if (api_pools[row->pool].kind == KBUDDY_POOL_RAM) {
		EXPECT_ROW(test, fx_phys(fx, c.addr) == c.phys, row, "address and phys agree");
		if (row->gfp & __GFP_ZERO)
			EXPECT_ROW(test, all_bytes(c.addr, 0, c.size), row, "zeroed");
	} else {
		phys_addr_t base = api_pools[row->pool].phys;
		void __iomem *io = kbuddy_contig_iomem(pool, &c);

		EXPECT_ROW(test, !c.addr, row, "no kernel address");
		EXPECT_ROW(test, c.phys >= base && c.phys + c.size <= base +
			   api_pools[row->pool].size, row, "inside the pool's range");
		if (api_pools[row->pool].kind == KBUDDY_POOL_IOMEM) {
			void *mem = fx->mem[row->pool] + (c.phys - base);

			EXPECT_ROW(test, io == api_iomem(mem), row, "its I/O address");
			/* Zeroed on request only: init_on_alloc is not applied. */
			EXPECT_ROW(test, all_bytes(mem, row->gfp & __GFP_ZERO ? 0 : API_FILL,
						   c.size), row, "zeroed exactly on request");
		} else {
			EXPECT_ROW(test, !io, row, "no I/O address");
		}
	}
	if (row->b)
		EXPECT_ROW(test, IS_ALIGNED(c.phys, row->b), row, "aligned");
	if (row->c)
		EXPECT_ROW(test, c.phys / row->c == (c.phys + c.size - 1) / row->c, row,
			   "inside the boundary");
	EXPECT_ROW(test, kbuddy_free_contig(pool, &c) == 0, row, "freed");
	return 0;
}

/*
 * A 5-page run of the row's pool, freed as row->a says: 0 as it is, 1 a
 * page short, 2 a byte off, 3 at an address of no pool, 4 of size 0, 5 a
 * second time. The run is freed for real afterwards.
 */
static long call_free_contig(struct kunit *test, struct api_fx *fx,
			     const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct kbuddy_contig c, bad;
	int ret;

	if (kbuddy_alloc_contig(pool, 5 * PAGE_SIZE, NULL, GFP_KERNEL, &c))
		return -ENOMEM;
	bad = c;
	switch (row->a) {
	case 1:
		bad.size -= PAGE_SIZE;
		break;
	case 2:
		bad.phys++;
		break;
	case 3:
		bad.phys = 0;
		break;
	case 4:
		bad.size = 0;
		break;
	case 5:
		EXPECT_ROW(test, kbuddy_free_contig(pool, &c) == 0, row, "first free");
		break;
	}
	ret = kbuddy_free_contig(pool, &bad);
	if (ret)
		EXPECT_ROW(test, row->a == 5 || kbuddy_free_contig(pool, &c) == 0, row,
			   "the run freed after the refusal");
	return ret;
}

/*
 * A 5-page run of the row's pool (zeroed by the caller where it has a
 * mapping), freed with kbuddy_free_contig_flags(row->b); freed for real
 * after a refusal.
 */
static long call_free_contig_flags(struct kunit *test, struct api_fx *fx,
				   const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct kbuddy_contig c;
	int ret;

	if (kbuddy_alloc_contig(pool, 5 * PAGE_SIZE, NULL, GFP_KERNEL, &c))
		return -ENOMEM;
	if (c.addr)
		memset(c.addr, 0, c.size);
	ret = kbuddy_free_contig_flags(pool, &c, row->b);
	if (ret)
		EXPECT_ROW(test, kbuddy_free_contig(pool, &c) == 0, row,
			   "the run freed after the refusal");
	return ret;
}

/*
 * kbuddy_alloc_blocks(row->a bytes, blocks of at least row->b, row->c
 * blocks at most): the blocks hold the pages asked for, each aligned to its
 * size and of the pool's kind, and are freed. A failure keeps no memory.
 */
static long call_alloc_blocks(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct kbuddy_constraint con = { .align = row->b };
	struct kbuddy_contig *b = kunit_kcalloc(test, KBUDDY_MAX_BLOCKS + 1, sizeof(*b),
						GFP_KERNEL);
	unsigned long free, pages = 0;
	unsigned int i, n = 0;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, b);
	free = kbuddy_pool_free_pages(pool);
	ret = kbuddy_alloc_blocks(pool, row->a, &con, row->gfp, b, row->c, &n);
	if (ret) {
		/* A failed request may have reclaimed parked pages: never fewer. */
		EXPECT_ROW(test, kbuddy_pool_free_pages(pool) >= free, row, "no page kept");
		return ret;
	}
	for (i = 0; i < n; i++) {
		EXPECT_ROW(test, is_power_of_2(b[i].size) && IS_ALIGNED(b[i].phys, b[i].size) &&
			   b[i].size >= max_t(u64, row->b, PAGE_SIZE), row, "a buddy block");
		EXPECT_ROW(test, !b[i].addr == (api_pools[row->pool].kind != KBUDDY_POOL_RAM),
			   row, "a kernel address in a ram pool only");
		if (b[i].addr && (row->gfp & __GFP_ZERO))
			EXPECT_ROW(test, all_bytes(b[i].addr, 0, b[i].size), row, "zeroed");
		pages += b[i].size >> PAGE_SHIFT;
	}
	EXPECT_ROW(test, pages == round_up(PAGE_ALIGN(row->a), max_t(u64, row->b, PAGE_SIZE)) >>
		   PAGE_SHIFT, row, "the pages asked for");
	EXPECT_ROW(test, kbuddy_free_blocks(pool, b, n) == 0, row, "freed");
	return n;
}

/*
 * Three blocks of the row's pool (a 5-page request), passed to
 * kbuddy_free_blocks() as row->a says: 0 as they are, 1 the first listed
 * twice, 2 the second freed before, 3 NULL and 0 blocks, 4 one more than
 * KBUDDY_MAX_BLOCKS, 5 NULL and one block. A refused list frees nothing;
 * every block is freed for real afterwards.
 */
static long call_free_blocks(struct kunit *test, struct api_fx *fx,
			     const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct kbuddy_contig *b = kunit_kcalloc(test, KBUDDY_MAX_BLOCKS + 1, sizeof(*b),
						GFP_KERNEL);
	unsigned int n, i;
	unsigned long free;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, b);
	if (kbuddy_alloc_blocks(pool, 5 * PAGE_SIZE, NULL, GFP_KERNEL, b, 4, &n))
		return -ENOMEM;
	EXPECT_ROW(test, n == 2, row, "5 pages in 2 blocks");
	if (row->a == 2)
		EXPECT_ROW(test, kbuddy_free_contig(pool, &b[1]) == 0, row, "second freed");
	free = kbuddy_pool_free_pages(pool);
	switch (row->a) {
	case 1:
		b[2] = b[0];
		ret = kbuddy_free_blocks(pool, b, 3);
		break;
	case 3:
		ret = kbuddy_free_blocks(pool, NULL, 0);
		break;
	case 4:
		ret = kbuddy_free_blocks(pool, b, KBUDDY_MAX_BLOCKS + 1);
		break;
	case 5:
		ret = kbuddy_free_blocks(pool, NULL, 1);
		break;
	default:
		ret = kbuddy_free_blocks(pool, b, n);
	}
	if (ret)
		EXPECT_ROW(test, kbuddy_pool_free_pages(pool) == free, row,
			   "a refused list frees nothing");
	if (ret || row->a == 3)
		for (i = 0; i < n; i++)
			if (row->a != 2 || i != 1)
				EXPECT_ROW(test, !kbuddy_free_contig(pool, &b[i]), row,
					   "the blocks freed after");
	return ret;
}

/* An 8-page run of the row's pool, trimmed to row->a bytes, then freed. */
static long call_trim_contig(struct kunit *test, struct api_fx *fx,
			     const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct kbuddy_contig c;
	int ret;

	if (kbuddy_alloc_contig(pool, 8 * PAGE_SIZE, NULL, GFP_KERNEL, &c))
		return -ENOMEM;
	ret = kbuddy_trim_contig(pool, &c, row->a);
	if (!ret)
		EXPECT_ROW(test, c.size == PAGE_ALIGN(row->a), row, "trimmed");
	EXPECT_ROW(test, kbuddy_free_contig(pool, &c) == 0, row, "freed");
	return ret;
}

static long call_virt_to_phys(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	return kbuddy_virt_to_phys(arg_pool(fx, row->pool), arg_ptr(fx, row));
}

static long call_phys_to_virt(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	return (long)kbuddy_phys_to_virt(arg_pool(fx, row->pool), arg_phys(fx, row));
}

static long call_pool_validate(struct kunit *test, struct api_fx *fx,
			       const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	struct kbuddy_region *r = &fx->pool[PA]->regions[0];
	unsigned long flags;
	int ret;

	if (row->setup & S_CORRUPT) {
		spin_lock_irqsave(&fx->pool[PA]->lock, flags);
		__change_bit(0, r->free_area[3].map);
		spin_unlock_irqrestore(&fx->pool[PA]->lock, flags);
	}
	ret = kbuddy_pool_validate(pool);
	if (row->setup & S_CORRUPT) {
		spin_lock_irqsave(&fx->pool[PA]->lock, flags);
		__change_bit(0, r->free_area[3].map);
		spin_unlock_irqrestore(&fx->pool[PA]->lock, flags);
	}
	return ret;
}

/* Returns the pages still held in page caches after the drain. */
static long call_pool_drain(struct kunit *test, struct api_fx *fx,
			    const struct api_row *row)
{
	unsigned long alloc[KBUDDY_PCP_ORDERS] = {}, free[KBUDDY_PCP_ORDERS] = {};
	unsigned long events[KBUDDY_NR_PCP_COUNTERS] = {}, held = 0;
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);

	kbuddy_pool_drain(pool);
	kbuddy_pcp_stats(pool, alloc, free, events, &held);
	if (row->pool == PF)
		EXPECT_ROW(test, kbuddy_pool_free_pages(pool) == kbuddy_pool_total_pages(pool),
			   row, "every page of the untouched pool counted free");
	return held;
}

static long call_pool_free_pages(struct kunit *test, struct api_fx *fx,
				 const struct api_row *row)
{
	return kbuddy_pool_free_pages(arg_pool(fx, row->pool));
}

static long call_pool_total_pages(struct kunit *test, struct api_fx *fx,
				  const struct api_row *row)
{
	return kbuddy_pool_total_pages(arg_pool(fx, row->pool));
}

static long call_pool_cached_pages(struct kunit *test, struct api_fx *fx,
				   const struct api_row *row)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	void *p;

	kbuddy_pool_drain(pool);
	EXPECT_ROW(test, kbuddy_pool_cached_pages(pool) == 0, row, "none after a drain");
	if (!row->a)
		return 0;
	/* An order-0 page freed goes to this CPU's cache. */
	p = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	kbuddy_free_pages(pool, p, 0);
	return kbuddy_pool_cached_pages(pool) > 0;
}

static long call_pool_name(struct kunit *test, struct api_fx *fx,
			   const struct api_row *row)
{
	char want[] = "api-?-";

	want[4] = API_POOL_LETTERS[row->pool];
	return strncmp(kbuddy_pool_name(arg_pool(fx, row->pool)), want, strlen(want));
}

static long call_pool_max_order(struct kunit *test, struct api_fx *fx,
				const struct api_row *row)
{
	return kbuddy_pool_max_order(arg_pool(fx, row->pool));
}

static long call_pool_region(struct kunit *test, struct api_fx *fx,
			     const struct api_row *row)
{
	phys_addr_t phys = 1;
	u64 size = 1;
	int ret = kbuddy_pool_region(arg_pool(fx, row->pool), row->a, &phys, &size);

	if (ret)
		EXPECT_ROW(test, phys == 1 && size == 1, row, "nothing set");
	else if (!row->a)
		EXPECT_ROW(test, phys == api_pools[row->pool].phys &&
			   size == api_pools[row->pool].size, row, "the region's place");
	return ret;
}

static void api_ctor(void *obj)
{
	memset(obj, API_CTOR, 8);
}

static long call_cache_create(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	struct kbuddy_cache *c;
	unsigned int align;
	void *obj;

	c = kbuddy_cache_create(arg_pool(fx, row->pool), row->str, row->a, row->b,
				row->c, row->setup & S_CTOR ? api_ctor : NULL);
	if (IS_ERR_OR_NULL(c))
		return (long)c;
	EXPECT_ROW(test, c->object_size == row->a, row, "object size");
	align = max_t(unsigned int, row->b, sizeof(void *));
	if (row->c & KBUDDY_CACHE_HWCACHE_ALIGN)
		align = max_t(unsigned int, align,
			      min_t(unsigned int, cache_line_size(),
				    roundup_pow_of_two(row->a)));
	obj = kbuddy_cache_alloc(c, GFP_KERNEL);
	if (row->pool == PE) {
		EXPECT_ROW(test, !obj, row, "object from a pool without memory");
	} else if (obj) {
		EXPECT_ROW(test, IS_ALIGNED((unsigned long)obj, align), row, "object aligned");
		if (row->setup & S_CTOR)
			EXPECT_ROW(test, all_bytes(obj, API_CTOR, 8), row, "object constructed");
		EXPECT_ROW(test, kbuddy_cache_free(c, obj) == 0, row, "object freed");
	} else {
		EXPECT_ROW(test, obj, row, "no object");
	}
	EXPECT_ROW(test, kbuddy_cache_destroy(c) == 0, row, "destroyed");
	return (long)c;
}

static long call_cache_destroy(struct kunit *test, struct api_fx *fx,
			       const struct api_row *row)
{
	struct kbuddy_cache *c = arg_cache(fx, row->cache);
	int ret = kbuddy_cache_destroy(c);

	if (!ret && row->cache < API_NR_CACHES)
		fx->cache[row->cache] = NULL;
	return ret;
}

/*
 * A refused destroy leaves the cache usable. Checked after the refusal was
 * seen to change no pool: an allocation on a CPU with no slab of its own
 * may take a new slab from the pool.
 */
static void then_cache_destroy(struct kunit *test, struct api_fx *fx,
			       const struct api_row *row, long ret)
{
	struct kbuddy_cache *c = arg_cache(fx, row->cache);
	void *obj;

	if (ret != -EBUSY)
		return;
	obj = kbuddy_cache_alloc(c, GFP_KERNEL);
	EXPECT_ROW(test, obj, row, "alloc after refused destroy");
	if (obj)
		EXPECT_ROW(test, kbuddy_cache_free(c, obj) == 0, row,
			   "free after refused destroy");
}

static long call_cache_alloc(struct kunit *test, struct api_fx *fx,
			     const struct api_row *row)
{
	struct kbuddy_cache *c = arg_cache(fx, row->cache);
	void *obj = kbuddy_cache_alloc(c, row->gfp);

	if (!obj)
		return 0;
	EXPECT_ROW(test, IS_ALIGNED((unsigned long)obj, c->align), row, "aligned");
	if (row->gfp & __GFP_ZERO)
		EXPECT_ROW(test, all_bytes(obj, 0, c->object_size), row, "zeroed");
	EXPECT_ROW(test, kbuddy_cache_free(c, obj) == 0, row, "freed");
	return (long)obj;
}

static long call_cache_free(struct kunit *test, struct api_fx *fx,
			    const struct api_row *row)
{
	int ret = kbuddy_cache_free(arg_cache(fx, row->cache), arg_ptr(fx, row));

	if (!ret)
		fx_consumed(fx, row);
	return ret;
}

static long call_cache_shrink(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	return kbuddy_cache_shrink(arg_cache(fx, row->cache));
}

/* Check memory of the malloc family the row got, and free it. */
static void check_malloc(struct kunit *test, struct api_fx *fx,
			 const struct api_row *row, void *p, size_t size,
			 bool zeroed)
{
	struct kbuddy_pool *pool = arg_pool(fx, row->pool);
	size_t ks = kbuddy_ksize(pool, p);

	EXPECT_ROW(test, ks >= size, row, "ksize below the size asked");
	if (row->want == W_PTR && row->val)
		EXPECT_ROW(test, ks == row->val, row, "ksize not the documented class");
	if (ks > PAGE_SIZE)
		EXPECT_ROW(test, IS_ALIGNED(fx_phys(fx, p), ks), row, "block aligned to its size");
	else if (ks)
		EXPECT_ROW(test, IS_ALIGNED((unsigned long)p, ks & -ks), row, "class alignment");
	if (zeroed)
		EXPECT_ROW(test, all_bytes(p, 0, size), row, "zeroed");
	EXPECT_ROW(test, kbuddy_free(pool, p) == 0, row, "freed");
}

static long call_malloc(struct kunit *test, struct api_fx *fx,
			const struct api_row *row)
{
	void *p = kbuddy_malloc(arg_pool(fx, row->pool), row->a, row->gfp);

	if (real_ptr(p))
		check_malloc(test, fx, row, p, row->a, row->gfp & __GFP_ZERO);
	return (long)p;
}

static long call_calloc(struct kunit *test, struct api_fx *fx,
			const struct api_row *row)
{
	void *p = kbuddy_calloc(arg_pool(fx, row->pool), row->a, row->b, row->gfp);

	if (real_ptr(p))
		check_malloc(test, fx, row, p, row->a * row->b, true);
	return (long)p;
}

/* What the fixture wrote into the malloc memory it holds. */
static size_t fx_data_size(const struct api_row *row)
{
	if (!fx_holds(row))
		return 0;
	if (row->ptr == X_KM || row->ptr == X_KM_B)
		return 64;
	if (row->ptr == X_KM_LARGE)
		return 2 * PAGE_SIZE;
	return 0;
}

static void check_realloc(struct kunit *test, struct api_fx *fx,
			  const struct api_row *row, void *p, size_t size)
{
	size_t had = fx_data_size(row);
	void *in = arg_ptr(fx, row);

	if (!p) {
		/* Refused or no memory: the memory passed is untouched. */
		if (had) {
			/* In whichever pool it belongs to. */
			EXPECT_ROW(test, max(kbuddy_ksize(fx->pool[PA], in),
					     kbuddy_ksize(fx->pool[PB], in)) >= had, row,
				   "memory passed still allocated");
			EXPECT_ROW(test, all_bytes(in, API_DATA, had), row,
				   "memory passed unchanged");
		}
		return;
	}
	if (had)
		fx_consumed(fx, row);
	if (!real_ptr(p))
		return;
	if (had) {
		size_t kept = min(had, size);

		EXPECT_ROW(test, all_bytes(p, API_DATA, kept), row, "data moved");
	}
	check_malloc(test, fx, row, p, size, false);
}

static long call_realloc(struct kunit *test, struct api_fx *fx,
			 const struct api_row *row)
{
	void *p = kbuddy_realloc(arg_pool(fx, row->pool), arg_ptr(fx, row), row->a,
				 row->gfp);

	check_realloc(test, fx, row, p, row->a);
	return (long)p;
}

static long call_reallocarray(struct kunit *test, struct api_fx *fx,
			      const struct api_row *row)
{
	void *p = kbuddy_reallocarray(arg_pool(fx, row->pool), arg_ptr(fx, row),
				      row->a, row->b, row->gfp);

	check_realloc(test, fx, row, p, row->a * row->b);
	return (long)p;
}

static long call_free(struct kunit *test, struct api_fx *fx,
		      const struct api_row *row)
{
	int ret = kbuddy_free(arg_pool(fx, row->pool), arg_ptr(fx, row));

	if (!ret)
		fx_consumed(fx, row);
	return ret;
}

static long call_ksize(struct kunit *test, struct api_fx *fx,
		       const struct api_row *row)
{
	return kbuddy_ksize(arg_pool(fx, row->pool), arg_ptr(fx, row));
}

/* ==== Rows =============================================================== */

#define NAME_31 "abcdefghijklmnopqrstuvwxyz01234"
#define NAME_32 "abcdefghijklmnopqrstuvwxyz012345"
#define PHYS_INVALID_L ((long)KBUDDY_PHYS_INVALID)
/* Physical memory no machine here has: neither System RAM nor reserved. */
#define PHYS_NONE BIT_ULL(44)

static const struct api_row kbuddy_pool_create_rows[] = {
	{ "max_order 0: the default", .str = "api-new", .b = 0, .want = W_PTR },
	{ "max_order 1", .str = "api-new", .b = 1, .want = W_PTR },
	{ "max_order LIMIT - 1", .str = "api-new", .b = KBUDDY_MAX_ORDER_LIMIT - 1,
	  .want = W_PTR },
	{ "max_order LIMIT", .str = "api-new", .b = KBUDDY_MAX_ORDER_LIMIT, .want = W_PTR },
	{ "max_order LIMIT + 1", .str = "api-new", .b = KBUDDY_MAX_ORDER_LIMIT + 1,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "max_order -1", .str = "api-new", .b = UINT_MAX,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "name NULL", .str = NULL, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "name \"\"", .str = "", .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "name .", .str = ".", .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "name ..", .str = "..", .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "name fault (debugfs's kbuddy/fault)", .str = "fault", .want = W_EQ, .val = -EINVAL,
	  .same = U_ALL },
	{ "name ...", .str = "...", .want = W_PTR },
	{ "name .x", .str = ".x", .want = W_PTR },
	{ "name of 31 characters", .str = NAME_31, .want = W_PTR },
	{ "name of 32 characters", .str = NAME_32, .want = W_EQ, .val = -EINVAL,
	  .same = U_ALL },
	{ "name with a space", .str = "a b", .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "name with a slash", .str = "a/b", .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "name with a tab", .str = "a\tb", .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "name taken by another pool", .str = "api-a", .want = W_EQ, .val = -EEXIST,
	  .same = U_ALL },
	{ "name of the default pool", .str = "default", .want = W_EQ, .val = -EEXIST,
	  .same = U_ALL },
};

static const struct api_row kbuddy_pool_create_kind_rows[] = {
	{ "ram", .str = "api-new", .a = KBUDDY_POOL_RAM, .want = W_PTR },
	{ "ram without page caches", .str = "api-new", .a = KBUDDY_POOL_RAM,
	  .c = KBUDDY_POOL_NO_PCP, .want = W_PTR },
	{ "nomap", .str = "api-new", .a = KBUDDY_POOL_NOMAP, .want = W_PTR },
	{ "nomap, max_order LIMIT", .str = "api-new", .a = KBUDDY_POOL_NOMAP,
	  .b = KBUDDY_MAX_ORDER_LIMIT, .want = W_PTR },
	{ "nomap, KBUDDY_POOL_NO_PCP", .str = "api-new", .a = KBUDDY_POOL_NOMAP,
	  .c = KBUDDY_POOL_NO_PCP, .want = W_PTR },
	{ "iomem", .str = "api-new", .a = KBUDDY_POOL_IOMEM, .want = W_PTR },
	{ "kind 3", .str = "api-new", .a = 3, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "kind -1", .str = "api-new", .a = UINT_MAX, .want = W_EQ, .val = -EINVAL,
	  .same = U_ALL },
	{ "iomem, KBUDDY_POOL_WC", .str = "api-new", .a = KBUDDY_POOL_IOMEM,
	  .c = KBUDDY_POOL_WC, .want = W_PTR },
	{ "ram, KBUDDY_POOL_WC", .str = "api-new", .c = KBUDDY_POOL_WC, .want = W_PTR },
	{ "nomap, KBUDDY_POOL_WC", .str = "api-new", .a = KBUDDY_POOL_NOMAP,
	  .c = KBUDDY_POOL_WC, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "flags BIT(3)", .str = "api-new", .c = BIT(3), .want = W_EQ, .val = -EINVAL,
	  .same = U_ALL },
	{ "flags -1", .str = "api-new", .c = UINT_MAX, .want = W_EQ, .val = -EINVAL,
	  .same = U_ALL },
	{ "nomap, max_order LIMIT + 1: a nomap pool's limit is higher", .str = "api-new",
	  .a = KBUDDY_POOL_NOMAP, .b = KBUDDY_MAX_ORDER_LIMIT + 1, .want = W_PTR },
	{ "nomap, max_order NOMAP_LIMIT", .str = "api-new", .a = KBUDDY_POOL_NOMAP,
	  .b = KBUDDY_NOMAP_MAX_ORDER_LIMIT, .want = W_PTR },
	{ "nomap, max_order NOMAP_LIMIT + 1", .str = "api-new", .a = KBUDDY_POOL_NOMAP,
	  .b = KBUDDY_NOMAP_MAX_ORDER_LIMIT + 1, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "iomem, max_order LIMIT + 1", .str = "api-new", .a = KBUDDY_POOL_IOMEM,
	  .b = KBUDDY_MAX_ORDER_LIMIT + 1, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "nomap, KBUDDY_POOL_SPARSE", .str = "api-new", .a = KBUDDY_POOL_NOMAP,
	  .c = KBUDDY_POOL_SPARSE, .want = W_PTR },
	{ "ram, KBUDDY_POOL_SPARSE", .str = "api-new", .c = KBUDDY_POOL_SPARSE, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "iomem, KBUDDY_POOL_SPARSE", .str = "api-new", .a = KBUDDY_POOL_IOMEM,
	  .c = KBUDDY_POOL_SPARSE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "nomap, name NULL", .str = NULL, .a = KBUDDY_POOL_NOMAP, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "iomem, name of the default pool", .str = "default", .a = KBUDDY_POOL_IOMEM,
	  .want = W_EQ, .val = -EEXIST, .same = U_ALL },
};

/* N's range ends here; the rows that add ranges add them above it. */
#define API_N_END	(API_N_PHYS + API_N_SIZE)

static const struct api_row kbuddy_pool_add_range_rows[] = {
	{ "16 pages", .pool = PN, .a = API_N_END, .b = 16 * PAGE_SIZE, .want = W_EQ, .val = 0 },
	{ "below the pool's range", .pool = PN, .a = API_N_PHYS - SZ_1M, .b = SZ_1M,
	  .want = W_EQ, .val = 0 },
	{ "1 GiB, above the largest block", .pool = PN, .a = API_N_END, .b = SZ_1G,
	  .want = W_EQ, .val = 0 },
	{ "to a ram pool", .pool = PF, .a = API_N_END, .b = PAGE_SIZE, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "to an iomem pool", .pool = PI, .a = API_N_END, .b = PAGE_SIZE, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "base not page aligned", .pool = PN, .a = API_N_END + 8, .b = PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size 0", .pool = PN, .a = API_N_END, .b = 0, .want = W_EQ, .val = -EINVAL,
	  .same = U_ALL },
	{ "size PAGE_SIZE + 1", .pool = PN, .a = API_N_END, .b = PAGE_SIZE + 1, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "range wraps", .pool = PN, .a = -PAGE_SIZE, .b = 2 * PAGE_SIZE, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "2^27 pages, sparse, max_order 11: over 2^16 top blocks", .pool = PN,
	  .a = API_N_END, .b = (u64)1 << (27 + PAGE_SHIFT), .want = W_EQ, .val = -E2BIG,
	  .same = U_ALL },
	{ "KBUDDY_SPARSE_MAX_PAGES (2^40) pages", .pool = PN, .a = API_N_END,
	  .b = (u64)KBUDDY_SPARSE_MAX_PAGES << PAGE_SHIFT, .want = W_EQ, .val = -E2BIG,
	  .same = U_ALL },
	{ "overlaps the pool's range", .pool = PN, .a = API_N_END - PAGE_SIZE,
	  .b = 2 * PAGE_SIZE, .want = W_EQ, .val = -EBUSY, .same = U_ALL },
};

static const struct api_row kbuddy_pool_add_iomem_rows[] = {
	{ "16 pages", .pool = PI, .ptr = X_EXTRA, .a = API_X_PHYS, .b = 16 * PAGE_SIZE,
	  .want = W_EQ, .val = 0 },
	{ "to a ram pool", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS, .b = PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "to a nomap pool", .pool = PN, .ptr = X_EXTRA, .a = API_X_PHYS, .b = PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "NULL", .pool = PI, .ptr = X_NULL, .a = API_X_PHYS, .b = PAGE_SIZE, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "addr not page aligned", .pool = PI, .ptr = X_EXTRA, .off = 8, .a = API_X_PHYS,
	  .b = PAGE_SIZE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "phys not page aligned", .pool = PI, .ptr = X_EXTRA, .a = API_X_PHYS + 8,
	  .b = PAGE_SIZE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size 0", .pool = PI, .ptr = X_EXTRA, .a = API_X_PHYS, .b = 0, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "virtual range wraps", .pool = PI, .ptr = X_NULL, .off = -PAGE_SIZE,
	  .a = API_X_PHYS, .b = 2 * PAGE_SIZE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "phys overlaps the pool's memory", .pool = PI, .ptr = X_EXTRA,
	  .a = API_I_PHYS + PAGE_SIZE, .b = PAGE_SIZE, .want = W_EQ, .val = -EBUSY,
	  .same = U_ALL },
};

static const struct api_row kbuddy_pool_add_phys_rows[] = {
	{ "to a nomap pool", .pool = PN, .ptr = X_ABS, .a = PHYS_NONE, .b = PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "to an iomem pool", .pool = PI, .ptr = X_ABS, .a = PHYS_NONE, .b = PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "neither RAM nor reserved", .pool = PF, .ptr = X_ABS, .a = PHYS_NONE,
	  .b = PAGE_SIZE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "System RAM", .pool = PF, .ptr = X_RAM, .b = PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "reserved, claimed by the default pool", .pool = PF, .ptr = X_CLAIMED,
	  .b = PAGE_SIZE, .want = W_EQ, .val = -EBUSY, .same = U_ALL },
	{ "base not page aligned", .pool = PF, .ptr = X_ABS, .a = PHYS_NONE + 1,
	  .b = PAGE_SIZE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size 0", .pool = PF, .ptr = X_ABS, .a = PHYS_NONE, .b = 0,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size PAGE_SIZE / 2", .pool = PF, .ptr = X_ABS, .a = PHYS_NONE, .b = PAGE_SIZE / 2,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size PAGE_SIZE + 1", .pool = PF, .ptr = X_ABS, .a = PHYS_NONE, .b = PAGE_SIZE + 1,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "range wraps", .pool = PF, .ptr = X_ABS, .a = -PAGE_SIZE, .b = 2 * PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size U64_MAX", .pool = PF, .ptr = X_ABS, .a = PHYS_NONE, .b = U64_MAX,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "256 GiB: refused before it is claimed", .pool = PF, .ptr = X_ABS, .a = PHYS_NONE,
	  .b = SZ_1G * 256ULL, .want = W_EQ, .val = -E2BIG, .same = U_ALL },
};

static const struct api_row kbuddy_pool_add_mem_rows[] = {
	{ "to a nomap pool", .pool = PN, .ptr = X_EXTRA, .a = API_X_PHYS, .b = PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "to an iomem pool", .pool = PI, .ptr = X_EXTRA, .a = API_X_PHYS, .b = PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "16 pages", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS, .b = 16 * PAGE_SIZE,
	  .want = W_EQ, .val = 0 },
	{ "one page to a busy pool", .pool = PA, .ptr = X_EXTRA, .a = API_X_PHYS,
	  .b = PAGE_SIZE, .want = W_EQ, .val = 0 },
	{ "the last page of the physical address space", .pool = PF, .ptr = X_EXTRA,
	  .a = -PAGE_SIZE, .b = PAGE_SIZE, .want = W_EQ, .val = 0 },
	{ "region KBUDDY_MAX_REGIONS", .pool = PF, .ptr = X_EXTRA,
	  .off = (API_X_PAGES - 1) * PAGE_SIZE, .a = API_X_PHYS + (API_X_PAGES - 1) * PAGE_SIZE,
	  .b = PAGE_SIZE, .setup = S_REGIONS_63, .want = W_EQ, .val = 0 },
	{ "region KBUDDY_MAX_REGIONS + 1", .pool = PF, .ptr = X_EXTRA,
	  .off = (API_X_PAGES - 1) * PAGE_SIZE, .a = API_X_PHYS + (API_X_PAGES - 1) * PAGE_SIZE,
	  .b = PAGE_SIZE, .setup = S_REGIONS_64, .want = W_EQ, .val = -ENOSPC, .same = U_ALL },
	{ "addr not page aligned", .pool = PF, .ptr = X_EXTRA, .off = 8, .a = API_X_PHYS,
	  .b = PAGE_SIZE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "phys not page aligned", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS + 8,
	  .b = PAGE_SIZE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size 0", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS, .b = 0,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size PAGE_SIZE / 2", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS, .b = PAGE_SIZE / 2,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size PAGE_SIZE + 1", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS, .b = PAGE_SIZE + 1,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size U64_MAX", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS, .b = U64_MAX,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "phys range wraps", .pool = PF, .ptr = X_EXTRA, .a = -PAGE_SIZE, .b = 2 * PAGE_SIZE,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "virtual range wraps", .pool = PF, .ptr = X_NULL, .off = -PAGE_SIZE, .a = API_X_PHYS,
	  .b = 2 * PAGE_SIZE, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "KBUDDY_REGION_MAX_PAGES pages", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS,
	  .b = (u64)KBUDDY_REGION_MAX_PAGES << PAGE_SHIFT, .want = W_EQ, .val = -E2BIG,
	  .same = U_ALL },
	{ "256 GiB", .pool = PF, .ptr = X_EXTRA, .a = API_X_PHYS, .b = SZ_1G * 256ULL,
	  .want = W_EQ, .val = -E2BIG, .same = U_ALL },
	{ "phys overlaps a region", .pool = PA, .ptr = X_EXTRA, .a = API_A_PHYS + PAGE_SIZE,
	  .b = PAGE_SIZE, .want = W_EQ, .val = -EBUSY, .same = U_ALL },
	{ "memory overlaps a region", .pool = PA, .ptr = X_A_MEM, .off = PAGE_SIZE,
	  .a = API_X_PHYS, .b = PAGE_SIZE, .want = W_EQ, .val = -EBUSY, .same = U_ALL },
};

static const struct api_row kbuddy_pool_destroy_rows[] = {
	{ "NULL", .pool = P_NULL, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "ERR_PTR(-EINVAL)", .pool = P_ERR, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "a pool with memory, nothing allocated", .pool = PF, .want = W_EQ, .val = 0 },
	{ "a pool without memory, a cache left", .pool = PE, .want = W_EQ, .val = 0 },
};

static const struct api_row kbuddy_pool_offer_rows[] = {
	{ "NULL", .pool = P_NULL, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "ERR_PTR(-EINVAL)", .pool = P_ERR, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "a nomap pool", .pool = PN, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "a RAM pool", .pool = PF, .want = W_EQ, .val = 1, .same = U_ALL },
	{ "an iomem pool", .pool = PI, .want = W_EQ, .val = 1, .same = U_ALL },
};

static const struct api_row kbuddy_pool_withdraw_rows[] = {
	{ "NULL", .pool = P_NULL, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "ERR_PTR(-EINVAL)", .pool = P_ERR, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "a pool not offered", .pool = PF, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "an offered pool", .pool = PI, .c = 1, .want = W_EQ, .val = 0, .same = U_ALL },
};

static const struct api_row kbuddy_pool_revoke_rows[] = {
	{ "NULL", .pool = P_NULL, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "ERR_PTR(-EINVAL)", .pool = P_ERR, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "a pool not offered", .pool = PF, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "an offered pool, no buffer", .pool = PI, .c = 1, .want = W_EQ, .val = 0,
	  .same = U_ALL },
	{ "an offered pool, an allocation under way", .pool = PI, .c = 2, .want = W_EQ,
	  .val = 0, .same = U_ALL },
};

static const struct api_row kbuddy_default_pool_rows[] = {
	{ "the default pool", .want = W_PTR, .same = U_ALL },
};

static const struct api_row kbuddy_alloc_pages_rows[] = {
	{ "a nomap pool", .pool = PN, .a = 0, .gfp = GFP_KERNEL, .want = W_NULL, .same = U_ALL },
	{ "an iomem pool", .pool = PI, .a = 0, .gfp = GFP_KERNEL, .want = W_NULL,
	  .same = U_ALL },
	{ "order 0", .pool = PA, .a = 0, .gfp = GFP_KERNEL, .want = W_PTR },
	{ "order 0, __GFP_ZERO", .pool = PA, .a = 0, .gfp = GFP_KERNEL | __GFP_ZERO,
	  .want = W_PTR },
	{ "order 0, gfp 0", .pool = PA, .a = 0, .gfp = 0, .want = W_PTR },
	{ "order 3, GFP_ATOMIC", .pool = PA, .a = 3, .gfp = GFP_ATOMIC, .want = W_PTR },
	{ "order 4, __GFP_ZERO", .pool = PA, .a = 4, .gfp = GFP_KERNEL | __GFP_ZERO,
	  .want = W_PTR },
	{ "order max_order - 1", .pool = PA, .a = API_TOP, .gfp = GFP_KERNEL, .want = W_PTR },
	{ "order max_order - 1, none free", .pool = PA, .a = API_TOP, .gfp = GFP_KERNEL,
	  .setup = S_TOP, .want = W_NULL, .same = U_ALL, .bump = { POOL_FAIL(PA, API_TOP) } },
	{ "order max_order", .pool = PA, .a = KBUDDY_DEFAULT_MAX_ORDER, .gfp = GFP_KERNEL,
	  .want = W_NULL, .same = U_ALL },
	{ "order LIMIT", .pool = PA, .a = KBUDDY_MAX_ORDER_LIMIT, .gfp = GFP_KERNEL,
	  .want = W_NULL, .same = U_ALL },
	{ "order -1", .pool = PA, .a = UINT_MAX, .gfp = GFP_KERNEL, .want = W_NULL,
	  .same = U_ALL },
	{ "order max_order - 1 of a small pool", .pool = PB, .a = API_TOP, .gfp = GFP_KERNEL,
	  .want = W_NULL, .same = U_ALL, .bump = { POOL_FAIL(PB, API_TOP) } },
	{ "order 0 of a pool without memory", .pool = PE, .a = 0, .gfp = GFP_KERNEL,
	  .want = W_NULL, .same = U_ALL, .bump = { POOL_FAIL(PE, 0) } },
	{ "order max_order - 1 of a pool without memory", .pool = PE, .a = API_E_ORDER - 1,
	  .gfp = GFP_KERNEL, .want = W_NULL, .same = U_ALL,
	  .bump = { POOL_FAIL(PE, API_E_ORDER - 1) } },
	{ "order max_order of a pool without memory", .pool = PE, .a = API_E_ORDER,
	  .gfp = GFP_KERNEL, .want = W_NULL, .same = U_ALL },
};

#define FREE_REFUSED(p, ctr) \
	.want = W_EQ, .val = -EINVAL, .same = U_ALL, .bump = { POOL_CTR(p, ctr) }

static const struct api_row kbuddy_free_pages_rows[] = {
	{ "order 0 block", .pool = PA, .ptr = X_PAGE0, .a = 0, .want = W_EQ, .val = 0 },
	{ "order 3 block", .pool = PA, .ptr = X_PAGE3, .a = 3, .want = W_EQ, .val = 0 },
	{ "order max_order - 1 block", .pool = PA, .ptr = X_TOP, .a = API_TOP, .setup = S_TOP,
	  .want = W_EQ, .val = 0 },
	{ "block of the other pool, to it", .pool = PB, .ptr = X_PAGE_B, .a = 0,
	  .want = W_EQ, .val = 0 },
	{ "order 3 block, order 2", .pool = PA, .ptr = X_PAGE3, .a = 2,
	  FREE_REFUSED(PA, BAD_FREE_WRONG_ORDER) },
	{ "order max_order - 1 block, order max_order - 2", .pool = PA, .ptr = X_TOP,
	  .a = API_TOP - 1, .setup = S_TOP, FREE_REFUSED(PA, BAD_FREE_WRONG_ORDER) },
	{ "order 3 block, order max_order", .pool = PA, .ptr = X_PAGE3,
	  .a = KBUDDY_DEFAULT_MAX_ORDER, FREE_REFUSED(PA, BAD_FREE_WRONG_ORDER) },
	{ "order 3 block, order LIMIT", .pool = PA, .ptr = X_PAGE3, .a = KBUDDY_MAX_ORDER_LIMIT,
	  FREE_REFUSED(PA, BAD_FREE_WRONG_ORDER) },
	{ "order 3 block, order -1", .pool = PA, .ptr = X_PAGE3, .a = UINT_MAX,
	  FREE_REFUSED(PA, BAD_FREE_WRONG_ORDER) },
	{ "NULL: ignored", .pool = PA, .ptr = X_NULL, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "NULL, order -1: ignored", .pool = PA, .ptr = X_NULL, .a = UINT_MAX, .want = W_EQ,
	  .val = 0, .same = U_ALL },
	{ "ERR_PTR(-EINVAL)", .pool = PA, .ptr = X_ERR, FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "ZERO_SIZE_PTR", .pool = PA, .ptr = X_ZERO, FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "memory of no pool", .pool = PA, .ptr = X_OUTSIDE, FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "one past the region", .pool = PA, .ptr = X_A_END, FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "block of another pool", .pool = PA, .ptr = X_PAGE_B,
	  FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "block, to another pool", .pool = PB, .ptr = X_PAGE0,
	  FREE_REFUSED(PB, BAD_FREE_OUTSIDE) },
	{ "inside a block, 8 bytes in", .pool = PA, .ptr = X_PAGE0, .off = 8,
	  FREE_REFUSED(PA, BAD_FREE_MISALIGNED) },
	{ "inside a block, PAGE_SIZE / 2 in", .pool = PA, .ptr = X_PAGE0, .off = PAGE_SIZE / 2,
	  FREE_REFUSED(PA, BAD_FREE_MISALIGNED) },
	{ "inside a block, its second page", .pool = PA, .ptr = X_PAGE3, .off = PAGE_SIZE,
	  FREE_REFUSED(PA, BAD_FREE_NOT_HEAD) },
	{ "inside a block, its second half, order 2", .pool = PA, .ptr = X_PAGE3,
	  .off = 4 * PAGE_SIZE, .a = 2, FREE_REFUSED(PA, BAD_FREE_NOT_HEAD) },
	{ "freed, in a page cache", .pool = PA, .ptr = X_PAGE0_FREED,
	  FREE_REFUSED(PA, BAD_FREE_DOUBLE) },
	{ "freed, in the free lists", .pool = PA, .ptr = X_PAGE4_FREED, .a = 4,
	  FREE_REFUSED(PA, BAD_FREE_DOUBLE) },
	{ "a slab", .pool = PA, .ptr = X_SLAB_PAGE, FREE_REFUSED(PA, BAD_FREE_WRONG_ALLOCATOR) },
	{ "a kbuddy_malloc() block", .pool = PA, .ptr = X_KM_LARGE, .a = 1,
	  FREE_REFUSED(PA, BAD_FREE_WRONG_ALLOCATOR) },
};

#define SAME_NO_CHANGE .same = U_ALL

static const struct api_row kbuddy_alloc_contig_rows[] = {
	{ "nomap: 5 pages, 64 KiB aligned", .pool = PN, .a = 5 * PAGE_SIZE, .b = SZ_64K,
	  .gfp = GFP_KERNEL, .want = W_EQ, .val = 0 },
	{ "nomap: the whole range", .pool = PN, .a = API_N_SIZE, .gfp = GFP_KERNEL,
	  .want = W_EQ, .val = 0 },
	{ "nomap: __GFP_ZERO", .pool = PN, .a = PAGE_SIZE, .gfp = GFP_KERNEL | __GFP_ZERO,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "iomem: 3 pages", .pool = PI, .a = 3 * PAGE_SIZE, .gfp = GFP_KERNEL,
	  .want = W_EQ, .val = 0 },
	{ "iomem: 3 pages, __GFP_ZERO", .pool = PI, .a = 3 * PAGE_SIZE,
	  .gfp = GFP_KERNEL | __GFP_ZERO, .want = W_EQ, .val = 0 },
	{ "a page", .pool = PA, .a = PAGE_SIZE, .gfp = GFP_KERNEL, .want = W_EQ, .val = 0 },
	{ "5 pages less a byte, __GFP_ZERO", .pool = PA, .a = 5 * PAGE_SIZE - 1,
	  .gfp = GFP_KERNEL | __GFP_ZERO, .want = W_EQ, .val = 0 },
	{ "3 pages, 64 KiB aligned, GFP_ATOMIC", .pool = PA, .a = 3 * PAGE_SIZE, .b = SZ_64K,
	  .gfp = GFP_ATOMIC, .want = W_EQ, .val = 0 },
	{ "3 pages, inside 16 KiB", .pool = PA, .a = 3 * PAGE_SIZE, .c = SZ_16K,
	  .gfp = GFP_KERNEL, .want = W_EQ, .val = 0 },
	{ "size 0", .pool = PA, .a = 0, .gfp = GFP_KERNEL, .want = W_EQ, .val = -EINVAL,
	  .same = U_ALL },
	{ "size -1", .pool = PA, .a = SIZE_MAX, .gfp = GFP_KERNEL, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "alignment of 3 pages", .pool = PA, .a = PAGE_SIZE, .b = 3 * PAGE_SIZE,
	  .gfp = GFP_KERNEL, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "boundary below the size", .pool = PA, .a = 3 * PAGE_SIZE, .c = 2 * PAGE_SIZE,
	  .gfp = GFP_KERNEL, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "a pool without memory", .pool = PE, .a = PAGE_SIZE, .gfp = GFP_KERNEL,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
};

static const struct api_row kbuddy_free_contig_rows[] = {
	{ "nomap: the run", .pool = PN, .a = 0, .want = W_EQ, .val = 0 },
	{ "nomap: a page short", .pool = PN, .a = 1, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PN, BAD_FREE_WRONG_ORDER) } },
	{ "nomap: a byte off", .pool = PN, .a = 2, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PN, BAD_FREE_MISALIGNED) } },
	{ "nomap: no pool's address", .pool = PN, .a = 3, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PN, BAD_FREE_OUTSIDE) } },
	{ "nomap: freed", .pool = PN, .a = 5, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PN, BAD_FREE_DOUBLE) } },
	{ "iomem: freed", .pool = PI, .a = 5, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PI, BAD_FREE_DOUBLE) } },
	{ "the run", .pool = PA, .a = 0, .want = W_EQ, .val = 0 },
	{ "a page short", .pool = PA, .a = 1, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PA, BAD_FREE_WRONG_ORDER) } },
	{ "a byte off", .pool = PA, .a = 2, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PA, BAD_FREE_MISALIGNED) } },
	{ "no pool's address", .pool = PA, .a = 3, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PA, BAD_FREE_OUTSIDE) } },
	{ "size 0", .pool = PA, .a = 4, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PA, BAD_FREE_MISALIGNED) } },
	{ "freed", .pool = PA, .a = 5, .want = W_EQ, .val = -EINVAL,
	  .bump = { POOL_CTR(PA, BAD_FREE_DOUBLE) } },
};

static const struct api_row kbuddy_free_contig_flags_rows[] = {
	{ "KBUDDY_FREE_CLEARED", .pool = PA, .b = KBUDDY_FREE_CLEARED, .want = W_EQ,
	  .val = 0 },
	{ "no flags", .pool = PA, .b = 0, .want = W_EQ, .val = 0 },
	{ "nomap: KBUDDY_FREE_CLEARED", .pool = PN, .b = KBUDDY_FREE_CLEARED,
	  .want = W_EQ, .val = 0 },
	{ "iomem: KBUDDY_FREE_CLEARED", .pool = PI, .b = KBUDDY_FREE_CLEARED,
	  .want = W_EQ, .val = 0 },
	{ "an unknown flag", .pool = PA, .b = 2, .want = W_EQ, .val = -EINVAL },
	{ "every flag bit", .pool = PA, .b = ~0U, .want = W_EQ, .val = -EINVAL },
};

static const struct api_row kbuddy_alloc_blocks_rows[] = {
	{ "5 pages", .pool = PA, .a = 5 * PAGE_SIZE, .c = 8, .gfp = GFP_KERNEL,
	  .want = W_EQ, .val = 2 },
	{ "5 pages less a byte, blocks of 2 pages, __GFP_ZERO", .pool = PA,
	  .a = 5 * PAGE_SIZE - 1, .b = 2 * PAGE_SIZE, .c = 8,
	  .gfp = GFP_KERNEL | __GFP_ZERO, .want = W_EQ, .val = 2 },
	{ "the largest block and a page", .pool = PA, .a = API_LARGEST + PAGE_SIZE, .c = 2,
	  .gfp = GFP_KERNEL, .want = W_EQ, .val = 2 },
	{ "a page, KBUDDY_MAX_BLOCKS", .pool = PA, .a = PAGE_SIZE, .c = KBUDDY_MAX_BLOCKS,
	  .gfp = GFP_ATOMIC, .want = W_EQ, .val = 1 },
	{ "nomap: 9 MiB", .pool = PN, .a = 9 * SZ_1M, .c = 8, .gfp = GFP_KERNEL,
	  .want = W_EQ, .val = 3 },
	{ "iomem: 3 pages", .pool = PI, .a = 3 * PAGE_SIZE, .c = 8, .gfp = GFP_KERNEL,
	  .want = W_EQ, .val = 2 },
	{ "more than the free pages", .pool = PB, .a = API_B_SIZE - PAGE_SIZE, .c = 64,
	  .gfp = GFP_KERNEL, .want = W_EQ, .val = -ENOMEM },
	{ "nomap: __GFP_ZERO", .pool = PN, .a = PAGE_SIZE, .c = 8,
	  .gfp = GFP_KERNEL | __GFP_ZERO, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "size 0", .pool = PA, .a = 0, .c = 8, .gfp = GFP_KERNEL, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "size -1", .pool = PA, .a = SIZE_MAX, .c = 8, .gfp = GFP_KERNEL, .want = W_EQ,
	  .val = -EINVAL, .same = U_ALL },
	{ "max_blocks 0", .pool = PA, .a = PAGE_SIZE, .c = 0, .gfp = GFP_KERNEL,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "max_blocks KBUDDY_MAX_BLOCKS + 1", .pool = PA, .a = PAGE_SIZE,
	  .c = KBUDDY_MAX_BLOCKS + 1, .gfp = GFP_KERNEL, .want = W_EQ, .val = -EINVAL,
	  .same = U_ALL },
	{ "7 pages in at most 2 blocks", .pool = PA, .a = 7 * PAGE_SIZE, .c = 2,
	  .gfp = GFP_KERNEL, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "blocks of 3 pages", .pool = PA, .a = 6 * PAGE_SIZE, .b = 3 * PAGE_SIZE, .c = 8,
	  .gfp = GFP_KERNEL, .want = W_EQ, .val = -EINVAL, .same = U_ALL },
	{ "a pool without memory", .pool = PE, .a = PAGE_SIZE, .c = 8, .gfp = GFP_KERNEL,
	  .want = W_EQ, .val = -EINVAL, .same = U_ALL },
};

static const struct api_row kbuddy_free_blocks_rows[] = {
	{ "the blocks", .pool = PA, .a = 0, .want = W_EQ, .val = 0 },
	{ "a block listed twice", .pool = PA, .a = 1, .want = W_EQ, .val = -EINVAL },
	{ "a block freed before", .pool = PA, .a = 2, .want = W_EQ, .val = -EINVAL },
	{ "NULL, 0 blocks", .pool = PA, .a = 3, .want = W_EQ, .val = 0 },
	{ "KBUDDY_MAX_BLOCKS + 1", .pool = PA, .a = 4, .want = W_EQ, .val = -EINVAL },
	{ "NULL, 1 block", .pool = PA, .a = 5, .want = W_EQ, .val = -EINVAL },
	{ "nomap: the blocks", .pool = PN, .a = 0, .want = W_EQ, .val = 0 },
	{ "nomap: a block freed before", .pool = PN, .a = 2, .want = W_EQ, .val = -EINVAL },
};

static const struct api_row kbuddy_trim_contig_rows[] = {
	{ "nomap: to 3 pages", .pool = PN, .a = 3 * PAGE_SIZE, .want = W_EQ, .val = 0 },
	{ "iomem: to 3 pages", .pool = PI, .a = 3 * PAGE_SIZE, .want = W_EQ, .val = 0 },
	{ "to 5 pages", .pool = PA, .a = 5 * PAGE_SIZE, .want = W_EQ, .val = 0 },
	{ "to a byte", .pool = PA, .a = 1, .want = W_EQ, .val = 0 },
	{ "to its size", .pool = PA, .a = 8 * PAGE_SIZE, .want = W_EQ, .val = 0 },
	{ "to 0", .pool = PA, .a = 0, .want = W_EQ, .val = -EINVAL },
	{ "above its size", .pool = PA, .a = 8 * PAGE_SIZE + 1, .want = W_EQ, .val = -EINVAL },
};

static const struct api_row kbuddy_virt_to_phys_rows[] = {
	{ "first byte", .pool = PA, .ptr = X_A_MEM, .want = W_PHYS, SAME_NO_CHANGE },
	{ "last byte", .pool = PA, .ptr = X_A_END, .off = -1, .want = W_PHYS, SAME_NO_CHANGE },
	{ "inside a block", .pool = PA, .ptr = X_PAGE0, .off = 100, .want = W_PHYS,
	  SAME_NO_CHANGE },
	{ "inside an object", .pool = PA, .ptr = X_OBJ, .off = 8, .want = W_PHYS,
	  SAME_NO_CHANGE },
	{ "free memory", .pool = PA, .ptr = X_PAGE4_FREED, .want = W_PHYS, SAME_NO_CHANGE },
	{ "block of the other pool, to it", .pool = PB, .ptr = X_PAGE_B, .want = W_PHYS,
	  SAME_NO_CHANGE },
	{ "one past the region", .pool = PA, .ptr = X_A_END, .want = W_EQ,
	  .val = PHYS_INVALID_L, SAME_NO_CHANGE },
	{ "one before the region", .pool = PA, .ptr = X_A_MEM, .off = -1, .want = W_EQ,
	  .val = PHYS_INVALID_L, SAME_NO_CHANGE },
	{ "NULL", .pool = PA, .ptr = X_NULL, .want = W_EQ, .val = PHYS_INVALID_L,
	  SAME_NO_CHANGE },
	{ "ERR_PTR(-EINVAL)", .pool = PA, .ptr = X_ERR, .want = W_EQ, .val = PHYS_INVALID_L,
	  SAME_NO_CHANGE },
	{ "ZERO_SIZE_PTR", .pool = PA, .ptr = X_ZERO, .want = W_EQ, .val = PHYS_INVALID_L,
	  SAME_NO_CHANGE },
	{ "memory of no pool", .pool = PA, .ptr = X_OUTSIDE, .want = W_EQ,
	  .val = PHYS_INVALID_L, SAME_NO_CHANGE },
	{ "block of another pool", .pool = PA, .ptr = X_PAGE_B, .want = W_EQ,
	  .val = PHYS_INVALID_L, SAME_NO_CHANGE },
	{ "a pool without memory", .pool = PE, .ptr = X_A_MEM, .want = W_EQ,
	  .val = PHYS_INVALID_L, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_phys_to_virt_rows[] = {
	{ "a nomap pool's first byte", .pool = PN, .ptr = X_ABS, .a = API_N_PHYS,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "first byte", .pool = PA, .ptr = X_A_MEM, .want = W_SAME, SAME_NO_CHANGE },
	{ "last byte", .pool = PA, .ptr = X_A_END, .off = -1, .want = W_SAME, SAME_NO_CHANGE },
	{ "inside a block", .pool = PA, .ptr = X_PAGE0, .off = 100, .want = W_SAME,
	  SAME_NO_CHANGE },
	{ "block of the other pool, to it", .pool = PB, .ptr = X_PAGE_B, .want = W_SAME,
	  SAME_NO_CHANGE },
	{ "one past the region", .pool = PA, .ptr = X_A_END, .want = W_NULL, SAME_NO_CHANGE },
	{ "one before the region", .pool = PA, .ptr = X_ABS, .a = API_A_PHYS - 1,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "0", .pool = PA, .ptr = X_ABS, .a = 0, .want = W_NULL, SAME_NO_CHANGE },
	{ "KBUDDY_PHYS_INVALID", .pool = PA, .ptr = X_ABS, .a = KBUDDY_PHYS_INVALID,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "block of another pool", .pool = PA, .ptr = X_PAGE_B, .want = W_NULL, SAME_NO_CHANGE },
	{ "a pool without memory", .pool = PE, .ptr = X_A_MEM, .want = W_NULL, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_pool_validate_rows[] = {
	{ "a busy pool", .pool = PA, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "another pool", .pool = PB, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "a pool without memory", .pool = PE, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "a pool of KBUDDY_MAX_REGIONS regions", .pool = PF, .setup = S_REGIONS_64,
	  .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "a pair bit flipped", .pool = PA, .setup = S_CORRUPT, .want = W_EQ, .val = -EUCLEAN,
	  SAME_NO_CHANGE },
};

/* kbuddy_pool_drain() rows return the pages page caches still hold. */
static const struct api_row kbuddy_pool_drain_rows[] = {
	{ "a busy pool", .pool = PA, .want = W_EQ, .val = 0 },
	{ "a page cache holding a batch", .pool = PF, .setup = S_PCP, .want = W_EQ, .val = 0 },
	{ "nothing cached", .pool = PF, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "a pool without memory", .pool = PE, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_pool_free_pages_rows[] = {
	{ "untouched", .pool = PF, .want = W_EQ, .val = API_F_PAGES, SAME_NO_CHANGE },
	{ "a page cache holding a batch", .pool = PF, .setup = S_PCP, .want = W_EQ,
	  .val = API_F_PAGES - KBUDDY_PCP_BATCH, SAME_NO_CHANGE },
	{ "KBUDDY_MAX_REGIONS regions", .pool = PF, .setup = S_REGIONS_64, .want = W_EQ,
	  .val = API_F_PAGES + KBUDDY_MAX_REGIONS - 1, SAME_NO_CHANGE },
	{ "a pool without memory", .pool = PE, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_pool_cached_pages_rows[] = {
	{ "after a drain", .pool = PA, .a = 0, .want = W_EQ, .val = 0 },
	{ "a page freed on this CPU", .pool = PA, .a = 1, .want = W_EQ, .val = 1 },
	{ "a pool without memory", .pool = PE, .a = 0, .want = W_EQ, .val = 0 },
};

static const struct api_row kbuddy_pool_name_rows[] = {
	{ "pool A", .pool = PA, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "a pool without memory", .pool = PE, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_pool_max_order_rows[] = {
	{ "the default", .pool = PA, .want = W_EQ, .val = KBUDDY_DEFAULT_MAX_ORDER,
	  SAME_NO_CHANGE },
	{ "max_order 2", .pool = PE, .want = W_EQ, .val = API_E_ORDER, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_pool_kind_rows[] = {
	{ "ram", .pool = PA, .want = W_EQ, .val = KBUDDY_POOL_RAM, SAME_NO_CHANGE },
	{ "nomap", .pool = PN, .want = W_EQ, .val = KBUDDY_POOL_NOMAP, SAME_NO_CHANGE },
	{ "iomem", .pool = PI, .want = W_EQ, .val = KBUDDY_POOL_IOMEM, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_contig_iomem_rows[] = {
	{ "a run of an iomem pool", .pool = PI, .a = 0, .want = W_EQ, .val = 1 },
	{ "NULL", .pool = PI, .a = 1, .want = W_EQ, .val = 0 },
	{ "past the pool's memory", .pool = PI, .a = 2, .want = W_EQ, .val = 0 },
	{ "a page longer than its region", .pool = PI, .a = 3, .want = W_EQ, .val = 0 },
	{ "a run of a ram pool", .pool = PA, .a = 0, .want = W_EQ, .val = 0 },
	{ "a run of a nomap pool", .pool = PN, .a = 0, .want = W_EQ, .val = 0 },
	{ "a pool without memory", .pool = PE, .a = 0, .want = W_EQ, .val = 0 },
};

static const struct api_row kbuddy_pool_region_rows[] = {
	{ "a nomap pool's", .pool = PN, .a = 0, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "an iomem pool's", .pool = PI, .a = 0, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "the first", .pool = PA, .a = 0, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "past the last", .pool = PA, .a = 1, .want = W_EQ, .val = -ENOENT, SAME_NO_CHANGE },
	{ "index -1", .pool = PA, .a = UINT_MAX, .want = W_EQ, .val = -ENOENT,
	  SAME_NO_CHANGE },
	{ "a pool without memory", .pool = PE, .a = 0, .want = W_EQ, .val = -ENOENT,
	  SAME_NO_CHANGE },
	{ "the 64th", .pool = PF, .a = KBUDDY_MAX_REGIONS - 1, .setup = S_REGIONS_64,
	  .want = W_EQ, .val = 0, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_pool_total_pages_rows[] = {
	{ "a busy pool", .pool = PA, .want = W_EQ, .val = API_A_SIZE >> PAGE_SHIFT,
	  SAME_NO_CHANGE },
	{ "another pool", .pool = PB, .want = W_EQ, .val = API_B_SIZE >> PAGE_SHIFT,
	  SAME_NO_CHANGE },
	{ "KBUDDY_MAX_REGIONS regions", .pool = PF, .setup = S_REGIONS_64, .want = W_EQ,
	  .val = API_F_PAGES + KBUDDY_MAX_REGIONS - 1, SAME_NO_CHANGE },
	{ "a pool without memory", .pool = PE, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
};

#define CREATE_REFUSED(err) .want = W_EQ, .val = (err), .same = U_ALL

static const struct api_row kbuddy_cache_create_rows[] = {
	{ "a nomap pool", .pool = PN, .str = "api-new", .a = 64, CREATE_REFUSED(-EINVAL) },
	{ "an iomem pool", .pool = PI, .str = "api-new", .a = 64, CREATE_REFUSED(-EINVAL) },
	{ "size 64", .pool = PA, .str = "api-new", .a = 64, .want = W_PTR },
	{ "size 0", .pool = PA, .str = "api-new", .a = 0, CREATE_REFUSED(-EINVAL) },
	{ "size 1", .pool = PA, .str = "api-new", .a = 1, .want = W_PTR },
	{ "size PAGE_SIZE / 2", .pool = PA, .str = "api-new", .a = PAGE_SIZE / 2, .want = W_PTR },
	{ "size PAGE_SIZE / 2 + 1", .pool = PA, .str = "api-new", .a = PAGE_SIZE / 2 + 1,
	  .want = W_PTR },
	{ "size of an order-3 slab", .pool = PA, .str = "api-new", .a = API_OBJ_MAX,
	  .want = W_PTR },
	{ "size of an order-3 slab + 1", .pool = PA, .str = "api-new", .a = API_OBJ_MAX + 1,
	  CREATE_REFUSED(-EINVAL) },
	{ "size UINT_MAX", .pool = PA, .str = "api-new", .a = UINT_MAX,
	  CREATE_REFUSED(-EINVAL) },
	{ "size of the top-order slab of a max_order 2 pool", .pool = PE, .str = "api-new",
	  .a = API_E_LARGEST, .want = W_PTR },
	{ "size of the top-order slab of a max_order 2 pool + 1", .pool = PE, .str = "api-new",
	  .a = API_E_LARGEST + 1, CREATE_REFUSED(-EINVAL) },
	{ "constructor, size 64", .pool = PA, .str = "api-new", .a = 64, .setup = S_CTOR,
	  .want = W_PTR },
	{ "constructor, an order-3 slab less a pointer", .pool = PA, .str = "api-new",
	  .a = API_OBJ_MAX - sizeof(void *), .setup = S_CTOR, .want = W_PTR },
	/* The free pointer follows the object: no room for it. */
	{ "constructor, size of an order-3 slab", .pool = PA, .str = "api-new",
	  .a = API_OBJ_MAX, .setup = S_CTOR, CREATE_REFUSED(-EINVAL) },
	{ "align 1", .pool = PA, .str = "api-new", .a = 24, .b = 1, .want = W_PTR },
	{ "align 3", .pool = PA, .str = "api-new", .a = 24, .b = 3, CREATE_REFUSED(-EINVAL) },
	{ "align 48", .pool = PA, .str = "api-new", .a = 24, .b = 48, CREATE_REFUSED(-EINVAL) },
	{ "align PAGE_SIZE", .pool = PA, .str = "api-new", .a = 24, .b = PAGE_SIZE,
	  .want = W_PTR },
	{ "align 2 * PAGE_SIZE", .pool = PA, .str = "api-new", .a = 24, .b = 2 * PAGE_SIZE,
	  CREATE_REFUSED(-EINVAL) },
	{ "align UINT_MAX", .pool = PA, .str = "api-new", .a = 24, .b = UINT_MAX,
	  CREATE_REFUSED(-EINVAL) },
	{ "flags KBUDDY_CACHE_HWCACHE_ALIGN", .pool = PA, .str = "api-new", .a = 64,
	  .c = KBUDDY_CACHE_HWCACHE_ALIGN, .want = W_PTR },
	{ "flags KBUDDY_CACHE_HWCACHE_ALIGN, size 8", .pool = PA, .str = "api-new", .a = 8,
	  .c = KBUDDY_CACHE_HWCACHE_ALIGN, .want = W_PTR },
	{ "flags KBUDDY_CACHE_POISON", .pool = PA, .str = "api-new", .a = 64,
	  .c = KBUDDY_CACHE_POISON, .want = W_PTR },
	{ "flags KBUDDY_CACHE_POISON, constructor", .pool = PA, .str = "api-new", .a = 64,
	  .c = KBUDDY_CACHE_POISON, .setup = S_CTOR, CREATE_REFUSED(-EINVAL) },
	{ "flags KBUDDY_CACHE_RED_ZONE", .pool = PA, .str = "api-new", .a = 64,
	  .c = KBUDDY_CACHE_RED_ZONE, .want = W_PTR },
	{ "flags KBUDDY_CACHE_RED_ZONE, constructor", .pool = PA, .str = "api-new", .a = 64,
	  .c = KBUDDY_CACHE_RED_ZONE, .setup = S_CTOR, .want = W_PTR },
	{ "flags KBUDDY_CACHE_RED_ZONE, no room for it", .pool = PA, .str = "api-new",
	  .a = API_OBJ_MAX, .c = KBUDDY_CACHE_RED_ZONE, CREATE_REFUSED(-EINVAL) },
	{ "flags KBUDDY_CACHE_STORE_USER", .pool = PA, .str = "api-new", .a = 64,
	  .c = KBUDDY_CACHE_STORE_USER, .want = W_PTR },
	{ "flags BIT(4)", .pool = PA, .str = "api-new", .a = 64, .c = BIT(4),
	  CREATE_REFUSED(-EINVAL) },
	{ "flags BIT(31)", .pool = PA, .str = "api-new", .a = 64, .c = BIT(31),
	  CREATE_REFUSED(-EINVAL) },
	{ "flags BIT(63)", .pool = PA, .str = "api-new", .a = 64, .c = BIT_ULL(63),
	  CREATE_REFUSED(-EINVAL) },
	{ "flags ~0UL", .pool = PA, .str = "api-new", .a = 64, .c = ~0UL,
	  CREATE_REFUSED(-EINVAL) },
	{ "name NULL", .pool = PA, .str = NULL, .a = 64, CREATE_REFUSED(-EINVAL) },
	{ "name \"\"", .pool = PA, .str = "", .a = 64, CREATE_REFUSED(-EINVAL) },
	{ "name .", .pool = PA, .str = ".", .a = 64, .want = W_PTR },
	{ "name ..", .pool = PA, .str = "..", .a = 64, .want = W_PTR },
	{ "name with a slash", .pool = PA, .str = "a/b", .a = 64, .want = W_PTR },
	{ "name of 31 characters", .pool = PA, .str = NAME_31, .a = 64, .want = W_PTR },
	{ "name of 32 characters", .pool = PA, .str = NAME_32, .a = 64,
	  CREATE_REFUSED(-EINVAL) },
	{ "name with a space", .pool = PA, .str = "a b", .a = 64, CREATE_REFUSED(-EINVAL) },
	{ "name with a tab", .pool = PA, .str = "a\tb", .a = 64, CREATE_REFUSED(-EINVAL) },
	{ "name taken in the pool", .pool = PA, .str = "api-c", .a = 64,
	  CREATE_REFUSED(-EEXIST) },
	{ "name of a malloc size class", .pool = PA, .str = "kmalloc-64", .a = 64,
	  CREATE_REFUSED(-EEXIST) },
	{ "name taken in another pool only", .pool = PB, .str = "api-c2", .a = 64,
	  .want = W_PTR },
};

static const struct api_row kbuddy_cache_destroy_rows[] = {
	{ "NULL", .cache = C_NULL, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "ERR_PTR(-EINVAL)", .cache = C_ERR, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "an object in use", .cache = CA, .want = W_EQ, .val = -EBUSY, .same = U_POOLS },
	{ "an object in use, another pool", .cache = CB, .want = W_EQ, .val = -EBUSY,
	  .same = U_POOLS },
	{ "never used", .cache = CE, .want = W_EQ, .val = 0 },
	{ "every object freed", .cache = CA2, .setup = S_FREE_OBJ2, .want = W_EQ, .val = 0 },
};

static const struct api_row kbuddy_cache_alloc_rows[] = {
	{ "GFP_KERNEL", .cache = CA, .gfp = GFP_KERNEL, .want = W_PTR },
	{ "__GFP_ZERO", .cache = CA, .gfp = GFP_KERNEL | __GFP_ZERO, .want = W_PTR },
	{ "GFP_ATOMIC", .cache = CA, .gfp = GFP_ATOMIC, .want = W_PTR },
	{ "gfp 0", .cache = CA, .gfp = 0, .want = W_PTR },
	{ "another pool", .cache = CB, .gfp = GFP_KERNEL, .want = W_PTR },
	{ "a pool without memory", .cache = CE, .gfp = GFP_KERNEL, .want = W_NULL,
	  .same = U_ALL, .bump = { CACHE_CTR(CE, ALLOC_FAIL), CACHE_CTR(CE, ALLOC_SLOW),
				   POOL_FAIL(PE, 0) } },
};

#define OBJ_REFUSED(c, ctr) \
	.want = W_EQ, .val = -EINVAL, .same = U_ALL, .bump = { CACHE_CTR(c, ctr) }

static const struct api_row kbuddy_cache_free_rows[] = {
	{ "an object", .cache = CA, .ptr = X_OBJ, .want = W_EQ, .val = 0 },
	{ "an object of the other cache, to it", .cache = CA2, .ptr = X_OBJ2,
	  .want = W_EQ, .val = 0 },
	{ "an object of another pool, to its cache", .cache = CB, .ptr = X_OBJ_B,
	  .want = W_EQ, .val = 0 },
	{ "NULL: ignored", .cache = CA, .ptr = X_NULL, .want = W_EQ, .val = 0, .same = U_ALL },
	{ "ERR_PTR(-EINVAL)", .cache = CA, .ptr = X_ERR, OBJ_REFUSED(CA, BAD_FREE_OUTSIDE) },
	{ "ZERO_SIZE_PTR", .cache = CA, .ptr = X_ZERO, OBJ_REFUSED(CA, BAD_FREE_OUTSIDE) },
	{ "memory of no pool", .cache = CA, .ptr = X_OUTSIDE, OBJ_REFUSED(CA, BAD_FREE_OUTSIDE) },
	{ "one past the region", .cache = CA, .ptr = X_A_END, OBJ_REFUSED(CA, BAD_FREE_OUTSIDE) },
	{ "an object of another pool", .cache = CA, .ptr = X_OBJ_B,
	  OBJ_REFUSED(CA, BAD_FREE_OUTSIDE) },
	{ "an object, to a cache of another pool", .cache = CB, .ptr = X_OBJ,
	  OBJ_REFUSED(CB, BAD_FREE_OUTSIDE) },
	{ "an object of another cache", .cache = CA, .ptr = X_OBJ2,
	  OBJ_REFUSED(CA, BAD_FREE_WRONG_CACHE) },
	{ "kbuddy_malloc() memory", .cache = CA, .ptr = X_KM,
	  OBJ_REFUSED(CA, BAD_FREE_WRONG_CACHE) },
	{ "inside an object, 1 byte in", .cache = CA, .ptr = X_OBJ, .off = 1,
	  OBJ_REFUSED(CA, BAD_FREE_INTERIOR) },
	{ "inside an object, 8 bytes in", .cache = CA, .ptr = X_OBJ, .off = 8,
	  OBJ_REFUSED(CA, BAD_FREE_INTERIOR) },
	{ "freed, in a magazine", .cache = CA, .ptr = X_OBJ_FREED,
	  OBJ_REFUSED(CA, BAD_FREE_DOUBLE) },
	{ "a kbuddy_alloc_pages() block", .cache = CA, .ptr = X_PAGE0,
	  OBJ_REFUSED(CA, BAD_FREE_NOT_OBJECT) },
	{ "a kbuddy_malloc() block", .cache = CA, .ptr = X_KM_LARGE,
	  OBJ_REFUSED(CA, BAD_FREE_NOT_OBJECT) },
	{ "free memory", .cache = CA, .ptr = X_PAGE4_FREED, OBJ_REFUSED(CA, BAD_FREE_NOT_OBJECT) },
};

static const struct api_row kbuddy_cache_shrink_rows[] = {
	{ "an object in use", .cache = CA, .want = W_EQ, .val = 0, .same = U_POOLS },
	{ "an object in use, another pool", .cache = CB, .want = W_EQ, .val = 0,
	  .same = U_POOLS },
	{ "never used", .cache = CE, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "every object freed: one empty slab", .cache = CA2, .setup = S_FREE_OBJ2,
	  .want = W_EQ, .val = 1 },
};

static const struct api_row kbuddy_malloc_rows[] = {
	{ "a nomap pool", .pool = PN, .a = 64, .gfp = GFP_KERNEL, .want = W_NULL, .same = U_ALL },
	{ "an iomem pool, size 0", .pool = PI, .a = 0, .gfp = GFP_KERNEL, .want = W_NULL,
	  .same = U_ALL },
	{ "size 0", .pool = PA, .a = 0, .gfp = GFP_KERNEL, .want = W_ZSP, SAME_NO_CHANGE },
	{ "size 1", .pool = PA, .a = 1, .gfp = GFP_KERNEL, .want = W_PTR, .val = 8 },
	{ "size 9", .pool = PA, .a = 9, .gfp = GFP_KERNEL, .want = W_PTR, .val = 16 },
	{ "size 64", .pool = PA, .a = 64, .gfp = GFP_KERNEL, .want = W_PTR, .val = 64 },
	{ "size 65", .pool = PA, .a = 65, .gfp = GFP_KERNEL, .want = W_PTR, .val = 96 },
	{ "size 97", .pool = PA, .a = 97, .gfp = GFP_KERNEL, .want = W_PTR, .val = 128 },
	{ "size 129", .pool = PA, .a = 129, .gfp = GFP_KERNEL, .want = W_PTR, .val = 192 },
	{ "size 193", .pool = PA, .a = 193, .gfp = GFP_KERNEL, .want = W_PTR, .val = 256 },
	{ "size PAGE_SIZE / 2", .pool = PA, .a = PAGE_SIZE / 2, .gfp = GFP_KERNEL,
	  .want = W_PTR, .val = PAGE_SIZE / 2 },
	{ "size PAGE_SIZE / 2 + 1", .pool = PA, .a = PAGE_SIZE / 2 + 1, .gfp = GFP_KERNEL,
	  .want = W_PTR, .val = PAGE_SIZE },
	{ "size PAGE_SIZE + 1, __GFP_ZERO", .pool = PA, .a = PAGE_SIZE + 1,
	  .gfp = GFP_KERNEL | __GFP_ZERO, .want = W_PTR, .val = 2 * PAGE_SIZE },
	{ "size 100, __GFP_ZERO", .pool = PA, .a = 100, .gfp = GFP_KERNEL | __GFP_ZERO,
	  .want = W_PTR, .val = 128 },
	{ "size 100, GFP_ATOMIC", .pool = PA, .a = 100, .gfp = GFP_ATOMIC, .want = W_PTR,
	  .val = 128 },
	{ "largest block", .pool = PA, .a = API_LARGEST, .gfp = GFP_KERNEL, .want = W_PTR,
	  .val = API_LARGEST },
	{ "largest block + 1", .pool = PA, .a = API_LARGEST + 1, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "SIZE_MAX", .pool = PA, .a = SIZE_MAX, .gfp = GFP_KERNEL, .want = W_NULL,
	  SAME_NO_CHANGE },
	{ "largest block, none free", .pool = PA, .a = API_LARGEST, .gfp = GFP_KERNEL,
	  .setup = S_TOP, .want = W_NULL, .same = U_ALL, .bump = { POOL_FAIL(PA, API_TOP) } },
	{ "another pool", .pool = PB, .a = 64, .gfp = GFP_KERNEL, .want = W_PTR, .val = 64 },
	{ "largest block of a pool without memory", .pool = PE, .a = API_E_LARGEST,
	  .gfp = GFP_KERNEL, .want = W_NULL, .same = U_ALL,
	  .bump = { POOL_FAIL(PE, API_E_ORDER - 1) } },
	{ "largest block + 1 of a pool without memory", .pool = PE, .a = API_E_LARGEST + 1,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
};

static const struct api_row kbuddy_calloc_rows[] = {
	{ "0 x 8", .pool = PA, .a = 0, .b = 8, .gfp = GFP_KERNEL, .want = W_ZSP, SAME_NO_CHANGE },
	{ "8 x 0", .pool = PA, .a = 8, .b = 0, .gfp = GFP_KERNEL, .want = W_ZSP, SAME_NO_CHANGE },
	{ "1 x 1", .pool = PA, .a = 1, .b = 1, .gfp = GFP_KERNEL, .want = W_PTR, .val = 8 },
	{ "2 x PAGE_SIZE / 4 + 1", .pool = PA, .a = 2, .b = PAGE_SIZE / 4 + 1,
	  .gfp = GFP_KERNEL, .want = W_PTR, .val = PAGE_SIZE },
	{ "largest block", .pool = PA, .a = API_LARGEST / PAGE_SIZE, .b = PAGE_SIZE,
	  .gfp = GFP_KERNEL, .want = W_PTR, .val = API_LARGEST },
	{ "largest block + 1 element", .pool = PA, .a = API_LARGEST / PAGE_SIZE + 1,
	  .b = PAGE_SIZE, .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "SIZE_MAX x 1", .pool = PA, .a = SIZE_MAX, .b = 1, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "SIZE_MAX x 2: overflows", .pool = PA, .a = SIZE_MAX, .b = 2, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "2 x (SIZE_MAX / 2 + 1): overflows", .pool = PA, .a = 2, .b = SIZE_MAX / 2 + 1,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "2^32 x 2^32: overflows", .pool = PA, .a = BIT_ULL(32), .b = BIT_ULL(32),
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
};

#define REALLOC_MOVED(size) .want = W_PTR, .val = (size)

static const struct api_row kbuddy_realloc_rows[] = {
	{ "NULL, size 0", .pool = PA, .ptr = X_NULL, .a = 0, .gfp = GFP_KERNEL, .want = W_ZSP,
	  SAME_NO_CHANGE },
	{ "NULL, size 64", .pool = PA, .ptr = X_NULL, .a = 64, .gfp = GFP_KERNEL,
	  REALLOC_MOVED(64) },
	{ "ZERO_SIZE_PTR, size 0", .pool = PA, .ptr = X_ZERO, .a = 0, .gfp = GFP_KERNEL,
	  .want = W_ZSP, SAME_NO_CHANGE },
	{ "ZERO_SIZE_PTR, size 64", .pool = PA, .ptr = X_ZERO, .a = 64, .gfp = GFP_KERNEL,
	  REALLOC_MOVED(64) },
	{ "64 bytes, size 64", .pool = PA, .ptr = X_KM, .a = 64, .gfp = GFP_KERNEL,
	  .want = W_SAME },
	{ "64 bytes, size 1", .pool = PA, .ptr = X_KM, .a = 1, .gfp = GFP_KERNEL, .want = W_SAME },
	{ "64 bytes, size 0: freed", .pool = PA, .ptr = X_KM, .a = 0, .gfp = GFP_KERNEL,
	  .want = W_ZSP },
	{ "64 bytes, size 65", .pool = PA, .ptr = X_KM, .a = 65, .gfp = GFP_KERNEL,
	  REALLOC_MOVED(96) },
	{ "64 bytes, size PAGE_SIZE / 2 + 1", .pool = PA, .ptr = X_KM, .a = PAGE_SIZE / 2 + 1,
	  .gfp = GFP_KERNEL, REALLOC_MOVED(PAGE_SIZE) },
	{ "64 bytes, largest block", .pool = PA, .ptr = X_KM, .a = API_LARGEST,
	  .gfp = GFP_KERNEL, REALLOC_MOVED(API_LARGEST) },
	{ "64 bytes, largest block + 1", .pool = PA, .ptr = X_KM, .a = API_LARGEST + 1,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "64 bytes, SIZE_MAX", .pool = PA, .ptr = X_KM, .a = SIZE_MAX, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "2 pages, size PAGE_SIZE: split", .pool = PA, .ptr = X_KM_LARGE, .a = PAGE_SIZE,
	  .gfp = GFP_KERNEL, .want = W_SAME },
	{ "2 pages, size PAGE_SIZE / 2", .pool = PA, .ptr = X_KM_LARGE, .a = PAGE_SIZE / 2,
	  .gfp = GFP_KERNEL, .want = W_SAME },
	{ "2 pages, largest block", .pool = PA, .ptr = X_KM_LARGE, .a = API_LARGEST,
	  .gfp = GFP_KERNEL, REALLOC_MOVED(API_LARGEST) },
	{ "2 pages, largest block + 1", .pool = PA, .ptr = X_KM_LARGE, .a = API_LARGEST + 1,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "2 pages, size 0: freed", .pool = PA, .ptr = X_KM_LARGE, .a = 0, .gfp = GFP_KERNEL,
	  .want = W_ZSP },
	{ "memory of the other pool, to it", .pool = PB, .ptr = X_KM_B, .a = 32,
	  .gfp = GFP_KERNEL, .want = W_SAME },
	{ "ERR_PTR(-EINVAL)", .pool = PA, .ptr = X_ERR, .a = 64, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "memory of no pool", .pool = PA, .ptr = X_OUTSIDE, .a = 64, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "memory of another pool", .pool = PA, .ptr = X_KM_B, .a = 64, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "inside an object", .pool = PA, .ptr = X_KM, .off = 8, .a = 64, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "inside a block", .pool = PA, .ptr = X_KM_LARGE, .off = PAGE_SIZE, .a = 64,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "an object of a cache", .pool = PA, .ptr = X_OBJ, .a = 64, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "a kbuddy_alloc_pages() block", .pool = PA, .ptr = X_PAGE0, .a = 64,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "freed", .pool = PA, .ptr = X_KM_FREED, .a = 64, .gfp = GFP_KERNEL, .want = W_NULL,
	  SAME_NO_CHANGE },
	{ "freed block", .pool = PA, .ptr = X_KML_FREED, .a = 64, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	/*
	 * Size 0 of memory not handed out: the free is refused and counted,
	 * and the Return: section says NULL for such a pointer.
	 */
	{ "memory of no pool, size 0", .pool = PA, .ptr = X_OUTSIDE, .a = 0, .gfp = GFP_KERNEL,
	  .want = W_NULL, .same = U_ALL, .bump = { POOL_CTR(PA, BAD_FREE_OUTSIDE) } },
	{ "ERR_PTR(-EINVAL), size 0", .pool = PA, .ptr = X_ERR, .a = 0, .gfp = GFP_KERNEL,
	  .want = W_NULL, .same = U_ALL, .bump = { POOL_CTR(PA, BAD_FREE_OUTSIDE) } },
	{ "freed, size 0", .pool = PA, .ptr = X_KM_FREED, .a = 0, .gfp = GFP_KERNEL,
	  .want = W_NULL, .same = U_ALL, .bump = { CACHE_CTR(C_KM64, BAD_FREE_DOUBLE) } },
};

static const struct api_row kbuddy_reallocarray_rows[] = {
	{ "NULL, 2 x 32", .pool = PA, .ptr = X_NULL, .a = 2, .b = 32, .gfp = GFP_KERNEL,
	  REALLOC_MOVED(64) },
	{ "64 bytes, 2 x 32", .pool = PA, .ptr = X_KM, .a = 2, .b = 32, .gfp = GFP_KERNEL,
	  .want = W_SAME },
	{ "64 bytes, 0 x 8: freed", .pool = PA, .ptr = X_KM, .a = 0, .b = 8, .gfp = GFP_KERNEL,
	  .want = W_ZSP },
	{ "64 bytes, 8 x 0: freed", .pool = PA, .ptr = X_KM, .a = 8, .b = 0, .gfp = GFP_KERNEL,
	  .want = W_ZSP },
	{ "64 bytes, largest block", .pool = PA, .ptr = X_KM, .a = API_LARGEST / PAGE_SIZE,
	  .b = PAGE_SIZE, .gfp = GFP_KERNEL, REALLOC_MOVED(API_LARGEST) },
	{ "64 bytes, largest block + 1 element", .pool = PA, .ptr = X_KM,
	  .a = API_LARGEST / PAGE_SIZE + 1, .b = PAGE_SIZE, .gfp = GFP_KERNEL,
	  .want = W_NULL, SAME_NO_CHANGE },
	{ "64 bytes, SIZE_MAX x 2: overflows", .pool = PA, .ptr = X_KM, .a = SIZE_MAX, .b = 2,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "64 bytes, 2^32 x 2^32: overflows", .pool = PA, .ptr = X_KM, .a = BIT_ULL(32),
	  .b = BIT_ULL(32), .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "NULL, SIZE_MAX x 2: overflows", .pool = PA, .ptr = X_NULL, .a = SIZE_MAX, .b = 2,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "memory of no pool, 2 x 32", .pool = PA, .ptr = X_OUTSIDE, .a = 2, .b = 32,
	  .gfp = GFP_KERNEL, .want = W_NULL, SAME_NO_CHANGE },
	{ "memory of no pool, 0 x 8", .pool = PA, .ptr = X_OUTSIDE, .a = 0, .b = 8,
	  .gfp = GFP_KERNEL, .want = W_NULL, .same = U_ALL,
	  .bump = { POOL_CTR(PA, BAD_FREE_OUTSIDE) } },
};

static const struct api_row kbuddy_free_rows[] = {
	{ "64 bytes", .pool = PA, .ptr = X_KM, .want = W_EQ, .val = 0 },
	{ "2 pages", .pool = PA, .ptr = X_KM_LARGE, .want = W_EQ, .val = 0 },
	{ "memory of the other pool, to it", .pool = PB, .ptr = X_KM_B, .want = W_EQ, .val = 0 },
	{ "NULL", .pool = PA, .ptr = X_NULL, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "ZERO_SIZE_PTR", .pool = PA, .ptr = X_ZERO, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "ERR_PTR(-EINVAL)", .pool = PA, .ptr = X_ERR, FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "memory of no pool", .pool = PA, .ptr = X_OUTSIDE, FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "one past the region", .pool = PA, .ptr = X_A_END, FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "memory of another pool", .pool = PA, .ptr = X_KM_B,
	  FREE_REFUSED(PA, BAD_FREE_OUTSIDE) },
	{ "memory, to another pool", .pool = PB, .ptr = X_KM, FREE_REFUSED(PB, BAD_FREE_OUTSIDE) },
	{ "inside an object, 1 byte in", .pool = PA, .ptr = X_KM, .off = 1,
	  OBJ_REFUSED(C_KM64, BAD_FREE_INTERIOR) },
	{ "inside an object, 8 bytes in", .pool = PA, .ptr = X_KM, .off = 8,
	  OBJ_REFUSED(C_KM64, BAD_FREE_INTERIOR) },
	{ "freed object", .pool = PA, .ptr = X_KM_FREED, OBJ_REFUSED(C_KM64, BAD_FREE_DOUBLE) },
	{ "freed block", .pool = PA, .ptr = X_KML_FREED, FREE_REFUSED(PA, BAD_FREE_DOUBLE) },
	{ "inside a block, 8 bytes in", .pool = PA, .ptr = X_KM_LARGE, .off = 8,
	  FREE_REFUSED(PA, BAD_FREE_MISALIGNED) },
	{ "inside a block, its second page", .pool = PA, .ptr = X_KM_LARGE, .off = PAGE_SIZE,
	  FREE_REFUSED(PA, BAD_FREE_NOT_HEAD) },
	{ "a kbuddy_alloc_pages() block", .pool = PA, .ptr = X_PAGE0,
	  FREE_REFUSED(PA, BAD_FREE_WRONG_ALLOCATOR) },
	{ "a kbuddy_alloc_pages() block of order 3", .pool = PA, .ptr = X_PAGE3,
	  FREE_REFUSED(PA, BAD_FREE_WRONG_ALLOCATOR) },
	{ "free memory", .pool = PA, .ptr = X_PAGE4_FREED, FREE_REFUSED(PA, BAD_FREE_DOUBLE) },
	{ "an object of a cache", .pool = PA, .ptr = X_OBJ, OBJ_REFUSED(CA, BAD_FREE_WRONG_CACHE) },
};

static const struct api_row kbuddy_ksize_rows[] = {
	{ "64 bytes", .pool = PA, .ptr = X_KM, .want = W_EQ, .val = 64, SAME_NO_CHANGE },
	{ "2 pages", .pool = PA, .ptr = X_KM_LARGE, .want = W_EQ, .val = 2 * PAGE_SIZE,
	  SAME_NO_CHANGE },
	{ "memory of the other pool, to it", .pool = PB, .ptr = X_KM_B, .want = W_EQ, .val = 64,
	  SAME_NO_CHANGE },
	{ "NULL", .pool = PA, .ptr = X_NULL, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "ZERO_SIZE_PTR", .pool = PA, .ptr = X_ZERO, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "ERR_PTR(-EINVAL)", .pool = PA, .ptr = X_ERR, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "memory of no pool", .pool = PA, .ptr = X_OUTSIDE, .want = W_EQ, .val = 0,
	  SAME_NO_CHANGE },
	{ "memory of another pool", .pool = PA, .ptr = X_KM_B, .want = W_EQ, .val = 0,
	  SAME_NO_CHANGE },
	{ "inside an object", .pool = PA, .ptr = X_KM, .off = 8, .want = W_EQ, .val = 0,
	  SAME_NO_CHANGE },
	{ "inside a block, 8 bytes in", .pool = PA, .ptr = X_KM_LARGE, .off = 8, .want = W_EQ,
	  .val = 0, SAME_NO_CHANGE },
	{ "inside a block, its second page", .pool = PA, .ptr = X_KM_LARGE, .off = PAGE_SIZE,
	  .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "an object of a cache", .pool = PA, .ptr = X_OBJ, .want = W_EQ, .val = 0,
	  SAME_NO_CHANGE },
	{ "a kbuddy_alloc_pages() block", .pool = PA, .ptr = X_PAGE3, .want = W_EQ, .val = 0,
	  SAME_NO_CHANGE },
	{ "freed object", .pool = PA, .ptr = X_KM_FREED, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "freed block", .pool = PA, .ptr = X_KML_FREED, .want = W_EQ, .val = 0, SAME_NO_CHANGE },
	{ "free memory", .pool = PA, .ptr = X_PAGE4_FREED, .want = W_EQ, .val = 0,
	  SAME_NO_CHANGE },
};

/* ==== The table ========================================================== */

/*
 * Run after a row's call has been checked (what it returned, what it left
 * unchanged), with what it returned: for checks that must change things,
 * such as using a cache whose destroy was refused.
 */
typedef void (*api_then_fn)(struct kunit *test, struct api_fx *fx,
			    const struct api_row *row, long ret);

struct api_export {
	const char *name;
	api_call_fn call;
	api_then_fn then;
	const struct api_row *rows;
	unsigned int nr;
};

/* An export, its call and its rows, named <export>_rows; at least one row. */
#define API_EXPORT_THEN(fn, call_fn, then_fn) {				\
	.name = #fn, .call = call_fn, .then = then_fn, .rows = fn##_rows,	\
	.nr = ARRAY_SIZE(fn##_rows) + BUILD_BUG_ON_ZERO(!ARRAY_SIZE(fn##_rows)) \
}

#define API_EXPORT(fn, call_fn) API_EXPORT_THEN(fn, call_fn, NULL)

static const struct api_export api_exports[] = {
	API_EXPORT(kbuddy_pool_create, call_pool_create),
	API_EXPORT(kbuddy_pool_create_kind, call_pool_create_kind),
	API_EXPORT(kbuddy_pool_add_range, call_pool_add_range),
	API_EXPORT(kbuddy_pool_add_iomem, call_pool_add_iomem),
	API_EXPORT(kbuddy_contig_iomem, call_contig_iomem),
	API_EXPORT(kbuddy_alloc_blocks, call_alloc_blocks),
	API_EXPORT(kbuddy_free_blocks, call_free_blocks),
	API_EXPORT(kbuddy_pool_kind, call_pool_kind),
	API_EXPORT(kbuddy_pool_add_phys, call_pool_add_phys),
	API_EXPORT(kbuddy_pool_add_mem, call_pool_add_mem),
	API_EXPORT(kbuddy_pool_destroy, call_pool_destroy),
	API_EXPORT(kbuddy_default_pool, call_default_pool),
	API_EXPORT(kbuddy_pool_offer, call_pool_offer),
	API_EXPORT(kbuddy_pool_withdraw, call_pool_withdraw),
	API_EXPORT(kbuddy_pool_revoke, call_pool_revoke),
	API_EXPORT(kbuddy_alloc_pages, call_alloc_pages),
	API_EXPORT(kbuddy_free_pages, call_free_pages),
	API_EXPORT(kbuddy_alloc_contig, call_alloc_contig),
	API_EXPORT(kbuddy_free_contig, call_free_contig),
	API_EXPORT(kbuddy_free_contig_flags, call_free_contig_flags),
	API_EXPORT(kbuddy_trim_contig, call_trim_contig),
	API_EXPORT(kbuddy_virt_to_phys, call_virt_to_phys),
	API_EXPORT(kbuddy_phys_to_virt, call_phys_to_virt),
	API_EXPORT(kbuddy_pool_validate, call_pool_validate),
	API_EXPORT(kbuddy_pool_drain, call_pool_drain),
	API_EXPORT(kbuddy_pool_free_pages, call_pool_free_pages),
	API_EXPORT(kbuddy_pool_total_pages, call_pool_total_pages),
	API_EXPORT(kbuddy_pool_cached_pages, call_pool_cached_pages),
	API_EXPORT(kbuddy_pool_name, call_pool_name),
	API_EXPORT(kbuddy_pool_max_order, call_pool_max_order),
	API_EXPORT(kbuddy_pool_region, call_pool_region),
	API_EXPORT(kbuddy_cache_create, call_cache_create),
	API_EXPORT_THEN(kbuddy_cache_destroy, call_cache_destroy, then_cache_destroy),
	API_EXPORT(kbuddy_cache_alloc, call_cache_alloc),
	API_EXPORT(kbuddy_cache_free, call_cache_free),
	API_EXPORT(kbuddy_cache_shrink, call_cache_shrink),
	API_EXPORT(kbuddy_malloc, call_malloc),
	API_EXPORT(kbuddy_calloc, call_calloc),
	API_EXPORT(kbuddy_realloc, call_realloc),
	API_EXPORT(kbuddy_reallocarray, call_reallocarray),
	API_EXPORT(kbuddy_free, call_free),
	API_EXPORT(kbuddy_ksize, call_ksize),
};

static void run_row(struct kunit *test, const struct api_export *e,
		    const struct api_row *row)
{
	struct api_fx *fx = test->priv;
	unsigned int i;
	void *arg;
	long ret;

	fx_setup(test, fx);
	fx_prepare(test, fx, row);
	/*
	 * A request that fails has first reclaimed what the CPUs' caches,
	 * the magazines and the empty slabs hold (design.rst, "Memory that
	 * is free but parked"): that moves memory and loses none. Reclaimed
	 * first, the call must change nothing but the counters its row names.
	 */
	if (row->same && row->want == W_NULL)
		for (i = 0; i < API_NR_POOLS; i++)
			if (fx->pool[i]) {
				kbuddy_caches_reclaim(fx->pool[i]);
				kbuddy_pool_drain(fx->pool[i]);
			}
	if (row->same)
		api_snap(fx, fx->before);
	/* The pointer passed, before the call may consume it. */
	arg = arg_ptr(fx, row);
	ret = e->call(test, fx, row);
	expect_return(test, fx, e->name, row, ret, arg);
	if (row->same)
		expect_unchanged(test, fx, e->name, row);
	if (e->then)
		e->then(test, fx, row, ret);
	for (i = 0; i < API_NR_POOLS; i++)
		if (fx->pool[i])
			KUNIT_EXPECT_EQ_MSG(test, kbuddy_pool_check(fx->pool[i], kbt_report, test),
					    0L, ROW_FMT ": pool %s not valid after the call",
					    e->name, row->name, fx->pool[i]->name);
	fx_teardown(test, fx);
}

/* Run the rows of the export whose name is the first @len bytes of @name. */
static void run_export_n(struct kunit *test, const char *name, size_t len)
{
	const struct api_export *e = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(api_exports); i++)
		if (strlen(api_exports[i].name) == len &&
		    !strncmp(api_exports[i].name, name, len))
			e = &api_exports[i];
	KUNIT_ASSERT_NOT_NULL_MSG(test, e, "%.*s has no rows", (int)len, name);
	for (i = 0; i < e->nr; i++)
		run_row(test, e, &e->rows[i]);
}

/* ==== Cases ============================================================== */

static int api_init(struct kunit *test)
{
	struct api_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->before = kunit_kzalloc(test, sizeof(*fx->before), GFP_KERNEL);
	fx->after = kunit_kzalloc(test, sizeof(*fx->after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->before);
	KUNIT_ASSERT_NOT_NULL(test, fx->after);
	test->priv = fx;
	return 0;
}

static void api_exit(struct kunit *test)
{
	fx_teardown(test, test->priv);
}

/*
 * One case per export, named after it: the case's name gives the export
 * whose rows it runs. tools/check-api-table.sh fails when an export of
 * api_exports[] has no API_CASE() below.
 */
static void kbuddy_api_export_case(struct kunit *test)
{
	size_t len = strlen(test->name);

	KUNIT_ASSERT_TRUE(test, len > 5 && !strcmp(test->name + len - 5, "_args"));
	run_export_n(test, test->name, len - 5);
}

/*
 * A buffer's references on an offered pool (what /dev/kbuddy takes for
 * each buffer): destroy refused with -EAGAIN while a buffer is out, offered
 * or withdrawn, nothing changed; withdraw stops look-ups at once; once the
 * buffer is gone the destroy frees the pool (KASAN and kmemleak watch the
 * free). Ids are not reused; bad ids and bad pools are refused.
 */
static void kbuddy_api_offer_lifetime(struct kunit *test)
{
	struct kbuddy_pool *pool, *got, *other;
	struct kbuddy_offered o;
	struct module *owner;
	unsigned long free;
	void *mem;
	int id, id2;

	mem = vzalloc(SZ_256K);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	pool = kbuddy_pool_create("kunit-offer", 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	KUNIT_ASSERT_EQ(test, kbuddy_pool_add_mem(pool, mem, 0x7f000000, SZ_256K), 0);
	id = kbuddy_pool_offer(pool, API_OWNER);
	KUNIT_ASSERT_GT(test, id, 0);
	free = kbuddy_pool_free_pages(pool);

	got = kbuddy_offer_get(id, &owner);
	KUNIT_ASSERT_PTR_EQ(test, got, pool);
	KUNIT_EXPECT_PTR_EQ(test, owner, API_OWNER);
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 2U);

	/* Offered with a "buffer" out: refused, nothing changed. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), -EAGAIN);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_offer_id(pool), (u32)id);
	KUNIT_EXPECT_EQ(test, kbuddy_offer_find(id, false, &o), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), free);
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 2U);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_validate(pool), 0);

	/* Bad input: refused, the offer as it was. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_offer(pool, THIS_MODULE), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_offer_get(0x80000000ULL, &owner), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_offer_get(U64_MAX, &owner), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, kbuddy_offer_find(U64_MAX, true, &o), -ENOENT);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_offer_id(pool), (u32)id);
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 2U);

	/* Listed after every smaller id. */
	KUNIT_EXPECT_EQ(test, kbuddy_offer_find(id - 1, true, &o), 0);
	KUNIT_EXPECT_EQ(test, o.id, (u32)id);
	KUNIT_EXPECT_STREQ(test, o.name, "kunit-offer");

	/* Withdrawn: no look-up finds it; the buffer still holds it. */
	kbuddy_pool_withdraw(pool);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_offer_get(id, &owner), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, kbuddy_offer_find(id, false, &o), -ENOENT);
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 2U);

	/* Ids are not reused soon. */
	other = kbuddy_pool_create("kunit-offer2", 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	id2 = kbuddy_pool_offer(other, NULL);
	KUNIT_EXPECT_GT(test, id2, id);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(other), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_offer_find(id2, false, &o), -ENOENT);

	/* Withdrawn with the buffer out: still refused, nothing changed. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), -EAGAIN);
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 2U);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), free);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_validate(pool), 0);
	/* The buffer gone, the pool is its owner's again, and goes. */
	kbuddy_offer_put(got, owner);
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 1U);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), 0);
	/* The name is free again: the pool is gone. */
	pool = kbuddy_pool_create("kunit-offer", 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR(pool));
	kbuddy_pool_destroy(pool);
	vfree(mem);
}

/*
 * An owner that is not live: a module still in its init (it may yet fail
 * it and be freed, held or not) or going. Its pool is listed but no
 * buffer may hold it; a module going with its pool still offered has it
 * withdrawn. A stand-in module whose state the test sets: no reference
 * is ever taken on it.
 */
static void kbuddy_api_offer_owner_state(struct kunit *test)
{
	struct kbuddy_pool *pool, *other;
	struct kbuddy_offered o;
	struct module *fake, *owner;
	int id, id2;

	fake = kunit_kzalloc(test, sizeof(*fake), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fake);
	strscpy(fake->name, "kunit_fake_owner", sizeof(fake->name));
	fake->state = MODULE_STATE_COMING;
	pool = kbuddy_pool_create("kunit-owner", 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	other = kbuddy_pool_create("kunit-owner2", 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	id = kbuddy_pool_offer(pool, fake);
	KUNIT_ASSERT_GT(test, id, 0);
	id2 = kbuddy_pool_offer(other, THIS_MODULE);
	KUNIT_ASSERT_GT(test, id2, 0);

	/* Coming: listed, not held. */
	KUNIT_EXPECT_EQ(test, kbuddy_offer_find(id, false, &o), 0);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_offer_get(id, &owner), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 1U);
	/* Going: the same. */
	fake->state = MODULE_STATE_GOING;
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_offer_get(id, &owner), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 1U);

	/* Gone with the pool offered: withdrawn; another owner's untouched. */
	kbuddy_offer_module_going(fake);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_offer_id(pool), 0U);
	KUNIT_EXPECT_EQ(test, kbuddy_offer_find(id, false, &o), -ENOENT);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_offer_id(other), (u32)id2);
	kbuddy_offer_module_going(NULL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_offer_id(other), (u32)id2);

	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(other), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_offer_find(id2, false, &o), -ENOENT);
}

/* The iomem pool of the dma-buf case: at 65 TiB, where no memory is. */
#define API_DMABUF_PHYS	0x410000000000ULL

/*
 * A /dev/kbuddy buffer attached and mapped by a device (a platform device
 * with a 64-bit mask, dma-direct; the pool's physical range has no memory, so
 * nothing is ever transferred): a revoke is refused while the device maps
 * it - the buffer, its run and the pool's references as they were - and
 * succeeds once it unmapped: the run back, the pool held by nobody, a new
 * device mapping refused with -ENODEV, the buffer's release after it
 * giving nothing back twice. Under lockdep and KASAN on the debug kernels.
 */
static void kbuddy_api_dmabuf_revoke(struct kunit *test)
{
#if IS_ENABLED(CONFIG_DMA_SHARED_BUFFER)
	struct platform_device *pdev;
	struct dma_buf_attachment *at;
	struct kbuddy_pool *pool;
	struct sg_table *sgt;
	struct dma_buf *d;
	struct device *dev;
	unsigned long free;
	void *mem;
	int id;

	pdev = platform_device_register_simple("kbuddy_kunit_dma", PLATFORM_DEVID_NONE,
					       NULL, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pdev));
	dev = &pdev->dev;
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64))) {
		platform_device_unregister(pdev);
		KUNIT_FAIL(test, "no 64-bit DMA mask");
		return;
	}
	mem = vzalloc(SZ_1M);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	pool = kbuddy_pool_create_kind("kunit-dmabuf", 0, KBUDDY_POOL_IOMEM, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	KUNIT_ASSERT_EQ(test, kbuddy_pool_add_iomem(pool, (void __force __iomem *)mem,
						    API_DMABUF_PHYS, SZ_1M), 0);
	id = kbuddy_pool_offer(pool, API_OWNER);
	KUNIT_ASSERT_GT(test, id, 0);
	free = kbuddy_pool_free_pages(pool);

	d = kbuddy_dev_export(id, SZ_64K);
	KUNIT_ASSERT_FALSE(test, IS_ERR(d));
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 2U);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), free - (SZ_64K >> PAGE_SHIFT));

	at = dma_buf_attach(d, dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(at));
	sgt = dma_buf_map_attachment_unlocked(at, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sgt));
	KUNIT_EXPECT_EQ(test, sgt->nents, 1U);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), (unsigned int)SZ_64K);
	KUNIT_EXPECT_GE(test, (u64)sg_dma_address(sgt->sgl), API_DMABUF_PHYS);
	KUNIT_EXPECT_LT(test, (u64)sg_dma_address(sgt->sgl), API_DMABUF_PHYS + SZ_1M);

	/* A device maps it: refused, the buffer and the pool as they were. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_revoke(pool), -EBUSY);
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 2U);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), free - (SZ_64K >> PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), -EAGAIN);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_validate(pool), 0);
	/* Withdrawn, as documented: no new buffer meanwhile. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_offer_id(pool), 0U);
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_dev_export(id, SZ_4K), ERR_PTR(-ENOENT));

	/* Unmapped: revoked, the run back, no new device mapping. */
	dma_buf_unmap_attachment_unlocked(at, sgt, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_revoke(pool), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&pool->users), 1U);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_free_pages(pool), free);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_validate(pool), 0);
	sgt = dma_buf_map_attachment_unlocked(at, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_PTR_EQ(test, sgt, ERR_PTR(-ENODEV));
	if (!IS_ERR(sgt))
		dma_buf_unmap_attachment_unlocked(at, sgt, DMA_BIDIRECTIONAL);
	/* A second revoke finds nothing; the destroy goes through. */
	KUNIT_EXPECT_EQ(test, kbuddy_pool_revoke(pool), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), 0);
	/* The buffer outlives its pool, empty: its release touches neither. */
	dma_buf_detach(d, at);
	platform_device_unregister(pdev);
	dma_buf_put(d);
	vfree(mem);
#else
	kunit_skip(test, "no dma-bufs in this kernel (CONFIG_DMA_SHARED_BUFFER)");
#endif
}

#define API_CASE(fn) { .run_case = kbuddy_api_export_case, .name = #fn "_args" }

static struct kunit_case kbuddy_api_cases[] = {
	API_CASE(kbuddy_pool_create),
	API_CASE(kbuddy_pool_create_kind),
	API_CASE(kbuddy_pool_add_range),
	API_CASE(kbuddy_pool_add_iomem),
	API_CASE(kbuddy_contig_iomem),
	API_CASE(kbuddy_pool_kind),
	API_CASE(kbuddy_pool_add_phys),
	API_CASE(kbuddy_pool_add_mem),
	API_CASE(kbuddy_pool_destroy),
	API_CASE(kbuddy_default_pool),
	API_CASE(kbuddy_pool_offer),
	API_CASE(kbuddy_pool_withdraw),
	API_CASE(kbuddy_pool_revoke),
	KUNIT_CASE(kbuddy_api_offer_lifetime),
	KUNIT_CASE(kbuddy_api_offer_owner_state),
	KUNIT_CASE(kbuddy_api_dmabuf_revoke),
	API_CASE(kbuddy_alloc_pages),
	API_CASE(kbuddy_free_pages),
	API_CASE(kbuddy_alloc_contig),
	API_CASE(kbuddy_free_contig),
	API_CASE(kbuddy_free_contig_flags),
	API_CASE(kbuddy_trim_contig),
	API_CASE(kbuddy_alloc_blocks),
	API_CASE(kbuddy_free_blocks),
	API_CASE(kbuddy_virt_to_phys),
	API_CASE(kbuddy_phys_to_virt),
	API_CASE(kbuddy_pool_validate),
	API_CASE(kbuddy_pool_drain),
	API_CASE(kbuddy_pool_free_pages),
	API_CASE(kbuddy_pool_total_pages),
	API_CASE(kbuddy_pool_cached_pages),
	API_CASE(kbuddy_pool_name),
	API_CASE(kbuddy_pool_max_order),
	API_CASE(kbuddy_pool_region),
	API_CASE(kbuddy_cache_create),
	API_CASE(kbuddy_cache_destroy),
	API_CASE(kbuddy_cache_alloc),
	API_CASE(kbuddy_cache_free),
	API_CASE(kbuddy_cache_shrink),
	API_CASE(kbuddy_malloc),
	API_CASE(kbuddy_calloc),
	API_CASE(kbuddy_realloc),
	API_CASE(kbuddy_reallocarray),
	API_CASE(kbuddy_free),
	API_CASE(kbuddy_ksize),
	{}
};

static struct kunit_suite kbuddy_api_suite = {
	.name = "kbuddy_api",
	.init = api_init,
	.exit = api_exit,
	.test_cases = kbuddy_api_cases,
};

kunit_test_suite(kbuddy_api_suite);
MODULE_IMPORT_NS(DMA_BUF);

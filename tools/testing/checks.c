// SPDX-License-Identifier: GPL-2.0
/*
 * The checkers' own test: each corruption of the allocator's structures is
 * found by validate, and each is undone to a clean validate again. Also the
 * leak report, the freelist repair after a write after free, and validate's
 * refusal to say "ok" when it could not check.
 *
 *   checks      one line per case, "ok NAME" or "FAIL NAME: why"
 */
#include <linux/kernel.h>

#include "internal.h"
#include "harness.h"

static int failed;

/* The harness never destroys its pools: their memory is not a leak. */
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

static void result(const char *name, bool ok, const char *why)
{
	if (ok) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s: %s\n", name, why);
		failed = 1;
	}
}

static void quiet(void *ctx, const char *fmt, va_list args)
{
	(*(unsigned long *)ctx)++;
}

static long pages_problems(struct kbuddy_pool *pool)
{
	unsigned long n = 0;

	return kbuddy_regions_validate(pool, quiet, &n);
}

static long cache_problems(struct kbuddy_cache *c)
{
	unsigned long n = 0;

	return kbuddy_cache_validate(c, quiet, &n);
}

/* Corrupt with @poke, expect validate to find it, undo, expect it clean. */
#define EXPECT_FOUND(name, pool, poke, undo) do {			\
	long before = pages_problems(pool), found, after;		\
	poke;								\
	found = pages_problems(pool);					\
	undo;								\
	after = pages_problems(pool);					\
	result(name, !before && found > 0 && !after,			\
	       "validate did not find it, or was not clean around it");	\
} while (0)

static void page_checks(void)
{
	struct kbuddy_pool *pool = harness_pool(4 << 20, false);
	struct kbuddy_region *r = &pool->regions[0];
	unsigned long tag = KBUDDY_TAG(KBUDDY_KIND_PAGES, 2), saved, n = 0;
	struct kbuddy_page *head, *free_head = NULL;
	void *a, *b;
	unsigned int i;
	u8 st;

	a = kbuddy_block_alloc(pool, 2, GFP_KERNEL, tag);
	b = kbuddy_block_alloc(pool, 0, GFP_KERNEL,
			       KBUDDY_TAG(KBUDDY_KIND_PAGES, 0));
	head = &r->pages[(a - r->virt) >> PAGE_SHIFT];
	for (i = 0; i < r->nr_pages; i++)
		if (r->pages[i].state == KBUDDY_PAGE_FREE) {
			free_head = &r->pages[i];
			break;
		}

	result("leak-report", kbuddy_region_report_used(pool, r, quiet, &n) == 2 &&
	       n == 2, "two blocks held, two reported");

	EXPECT_FOUND("map-bit", pool, __change_bit(0, r->free_area[0].map),
		     __change_bit(0, r->free_area[0].map));
	EXPECT_FOUND("nr-free-order", pool, r->free_area[1].nr_free++,
		     r->free_area[1].nr_free--);
	EXPECT_FOUND("nr-free-region", pool, r->nr_free++, r->nr_free--);
	EXPECT_FOUND("nr-free-pool", pool, pool->nr_free++, pool->nr_free--);
	EXPECT_FOUND("nr-pages-pool", pool, pool->nr_pages++, pool->nr_pages--);
	saved = head->tag;
	EXPECT_FOUND("tag-order", pool, head->tag = KBUDDY_TAG(KBUDDY_KIND_PAGES, 3),
		     head->tag = saved);
	EXPECT_FOUND("tag-kind", pool, head->tag = 0x12345, head->tag = saved);
	EXPECT_FOUND("tag-inside", pool, head[1].tag = tag, head[1].tag = 0);
	st = head[1].state;
	EXPECT_FOUND("head-inside", pool, head[1].state = KBUDDY_PAGE_ALLOC,
		     head[1].state = st);
	EXPECT_FOUND("order-too-big", pool, head->order = 40, head->order = 2);
	EXPECT_FOUND("order-misaligned", pool, head->order = 3, head->order = 2);
	st = free_head->state;
	EXPECT_FOUND("no-head", pool, free_head->state = KBUDDY_PAGE_NONE,
		     free_head->state = st);
	EXPECT_FOUND("free-tag", pool, free_head->tag = 0,
		     free_head->tag = KBUDDY_TAG(KBUDDY_KIND_FREE, free_head->order));

	kbuddy_block_free(pool, a, 2, tag, 0);
	kbuddy_block_free(pool, b, 0, KBUDDY_TAG(KBUDDY_KIND_PAGES, 0), 0);
	result("pristine-after", !pages_problems(pool) &&
	       pool->nr_free == pool->nr_pages, "every page free and clean");
}

static void slab_checks(void)
{
	struct kbuddy_pool *pool = harness_pool(4 << 20, true);
	struct kbuddy_cache *c = kbuddy_cache_create(pool, "checks", 64, 0, 0,
						     NULL);
	struct kbuddy_cache_info info;
	struct kbuddy_slab *slab;
	void *obj[8], *more[8];
	unsigned int i;
	long found;
	u8 st;

	for (i = 0; i < 8; i++)
		obj[i] = kbuddy_cache_alloc(c, GFP_KERNEL);
	rcu_read_lock();
	slab = kbuddy_page_slab(pool, obj[0]);
	rcu_read_unlock();
	result("slab-clean", !cache_problems(c), "fresh cache validates");

	slab->inuse++;
	found = cache_problems(c);
	slab->inuse--;
	result("slab-inuse", found > 0 && !cache_problems(c), "inuse count off by one");

	/* A handed-out object that says it is cached. */
	st = slab->state[0];
	slab->state[0] = KBUDDY_OBJ_FREE;
	found = cache_problems(c);
	slab->state[0] = st;
	result("slab-state", found > 0 && !cache_problems(c), "object state off");

	/* Write after free: the free object's pointer now leads astray. */
	kbuddy_cache_shrink(c);
	memset(slab->freelist, 0x5a, 8);
	found = cache_problems(c);
	result("freelist-astray", found > 0, "a smashed free pointer is found");
	/* Allocating through it repairs the list from the state bytes. */
	for (i = 0; i < 8; i++)
		more[i] = kbuddy_cache_alloc(c, GFP_KERNEL);
	kbuddy_cache_info(c, &info);
	result("freelist-repair", info.count[KBUDDY_CACHE_FREELIST_REPAIR] >= 1 &&
	       !cache_problems(c), "repaired and clean");
	for (i = 0; i < 8; i++) {
		kbuddy_cache_free(c, obj[i]);
		kbuddy_cache_free(c, more[i]);
	}
	result("slab-pristine", !kbuddy_cache_destroy(c) && !pages_problems(pool),
	       "destroyed, pool clean");
	kshim_rcu_quiescent();
}

/* Poisoning: a write after free is found when the object goes out again. */
static void poison_checks(void)
{
	struct kbuddy_pool *pool = harness_pool(1 << 20, true);
	struct kbuddy_cache *c = kbuddy_cache_create(pool, "poison", 96, 0,
						     KBUDDY_CACHE_POISON, NULL);
	struct kbuddy_cache_info info;
	u8 *p, *q;

	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	kbuddy_cache_free(c, p);
	result("poison-on-free", !memchr_inv(p, KBUDDY_POISON_FREE, 96),
	       "a freed object is filled with 0x6b");
	/* The write after free, then the object handed out again. */
	p[40] = 0x41;
	p[41] = 0x42;
	fprintf(stderr, "checks: poison-write-after-free: the report follows\n");
	q = kbuddy_cache_alloc(c, GFP_KERNEL);
	kbuddy_cache_info(c, &info);
	result("poison-write-after-free",
	       q == p && info.count[KBUDDY_CACHE_POISON_OVERWRITTEN] == 1 &&
	       !memchr_inv(q, KBUDDY_POISON_FREE, 96), "found, counted, poison restored");
	kbuddy_cache_free(c, q);
	result("poison-pristine", !kbuddy_cache_destroy(c) && !pages_problems(pool),
	       "destroyed, pool clean");
	kshim_rcu_quiescent();
}

/*
 * Page poisoning (debug=P): a pool keeps its free memory poisoned; a write
 * to a free block is found when the block is handed out again, counted,
 * the poison restored. Nothing kbuddy does itself sets it off.
 */
static void block_poison_checks(void)
{
	unsigned long saved = kbuddy_debug_default, n, i, nr;
	struct kbuddy_pool *pool;
	struct kbuddy_cache *c;
	u8 *p, *q, *big, **held;
	void *obj;

	kbuddy_debug_default = KBUDDY_CACHE_POISON;
	pool = harness_pool(1 << 20, true);
	kbuddy_debug_default = saved;
	if (!pool || kbuddy_kmalloc_init(pool)) {
		result("block-poison-pool", false, "no pool");
		return;
	}
	nr = pool->nr_pages;
	result("block-poison-region",
	       !memchr_inv(pool->regions[0].virt, KBUDDY_POISON_FREE, nr << PAGE_SHIFT),
	       "a new region is poison throughout");

	p = kbuddy_alloc_pages(pool, 2, GFP_KERNEL);
	memset(p, 0x11, 4 * PAGE_SIZE);
	result("block-poison-on-free", p && !kbuddy_free_pages(pool, p, 2) &&
	       !memchr_inv(p, KBUDDY_POISON_FREE, 4 * PAGE_SIZE) &&
	       !pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN],
	       "a freed block is poison again, and its reuse is no report");
	result("block-poison-double-free", kbuddy_free_pages(pool, p, 2) == -EINVAL &&
	       pool->stats.counter[KBUDDY_BAD_FREE_DOUBLE] == 1 && !pages_problems(pool),
	       "a second free of a poisoned block is refused");

	/* A write while free, then the whole pool taken: found once. */
	p[3 * PAGE_SIZE + 100] = 0x41;
	fprintf(stderr, "checks: block-poison-write-after-free: the report follows\n");
	held = calloc(nr, sizeof(*held));
	for (n = 0; held && n < nr; n++) {
		held[n] = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
		if (!held[n])
			break;
	}
	result("block-poison-write-after-free",
	       held && n == nr && pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN] == 1 &&
	       !memchr_inv(p, KBUDDY_POISON_FREE, 4 * PAGE_SIZE),
	       "found when handed out, counted once, poison restored");
	for (i = 0; held && i < n; i++)
		kbuddy_free_pages(pool, held[i], 0);
	free(held);

	/* realloc: a shrink poisons the tail, a grow checks what it takes. */
	big = kbuddy_malloc(pool, 4 * PAGE_SIZE, GFP_KERNEL);
	memset(big, 0x22, 4 * PAGE_SIZE);
	q = kbuddy_realloc(pool, big, PAGE_SIZE, GFP_KERNEL);
	result("block-poison-shrink", q == big &&
	       !memchr_inv(big + PAGE_SIZE, KBUDDY_POISON_FREE, 3 * PAGE_SIZE) &&
	       !pages_problems(pool), "a shrink leaves the freed tail poisoned");
	big[2 * PAGE_SIZE] = 0x42;
	fprintf(stderr, "checks: block-poison-grow: the report follows\n");
	q = kbuddy_realloc(pool, big, 4 * PAGE_SIZE, GFP_KERNEL);
	result("block-poison-grow", q == big && big[0] == 0x22 &&
	       pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN] == 2 &&
	       !memchr_inv(big + PAGE_SIZE, KBUDDY_POISON_FREE, 3 * PAGE_SIZE),
	       "a grow in place finds the write in the buddy it takes");
	kbuddy_free(pool, big);

	/* A slab given back is poison again. */
	c = kbuddy_cache_create(pool, "plain", 64, 0, 0, NULL);
	obj = kbuddy_cache_alloc(c, GFP_KERNEL);
	memset(obj, 0x33, 64);
	kbuddy_cache_free(c, obj);
	kbuddy_cache_shrink(c);
	/* Everything is free again, so all of the region is poison. */
	result("block-poison-slab", !memchr_inv(pool->regions[0].virt, KBUDDY_POISON_FREE,
						 nr << PAGE_SHIFT),
	       "an empty slab given back is poisoned");
	result("block-poison-pristine", !kbuddy_cache_destroy(c) && !pages_problems(pool) &&
	       pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN] == 2,
	       "clean, no report kbuddy made itself");
	kshim_rcu_quiescent();
}

/*
 * A malloc whole block in a pool with red zones: what is past the size asked
 * for is its red zone, checked when it is freed or reallocated.
 */
static void red_zone_large_checks(struct kbuddy_pool *pool)
{
	unsigned long *found = &pool->stats.counter[KBUDDY_RED_ZONE_OVERWRITTEN];
	u8 *p, *q, *r;

	p = kbuddy_malloc(pool, 5000, GFP_KERNEL);
	q = kbuddy_malloc(pool, 8192, GFP_KERNEL);
	result("red-zone-large-layout",
	       p && q && kbuddy_ksize(pool, p) == 5000 && kbuddy_ksize(pool, q) == 8192 &&
	       !memchr_inv(p + 5000, KBUDDY_RED_ZONE, 8192 - 5000),
	       "ksize is the size asked for; the rest of the block is red zone");
	if (!p || !q)
		return;
	memset(p, 0x11, 5000);
	memset(q, 0x22, 8192);
	p[5000] = 0x41;
	p[5003] = 0x42;
	fprintf(stderr, "checks: red-zone-large-overflow: the report follows\n");
	kbuddy_free(pool, p);
	result("red-zone-large-overflow",
	       *found == 1 && !memchr_inv(p + 5000, KBUDDY_RED_ZONE, 4) &&
	       !kbuddy_free(pool, q) && *found == 1,
	       "a write past malloc(5000) found on free, counted, restored; a full block has none");

	/* In place in the block: the zone moves; a write past the old size is found. */
	p = kbuddy_malloc(pool, 5000, GFP_KERNEL);
	memset(p, 0x33, 5000);
	r = kbuddy_realloc(pool, p, 7000, GFP_KERNEL | __GFP_ZERO);
	result("red-zone-large-realloc-in-block",
	       r == p && *found == 1 && kbuddy_ksize(pool, r) == 7000 &&
	       !memchr_inv(r + 5000, 0, 2000) &&
	       !memchr_inv(r + 7000, KBUDDY_RED_ZONE, 8192 - 7000),
	       "grown in its block: zeroed, the zone after the new size");
	r[7100] = 0x44;
	fprintf(stderr, "checks: red-zone-large-realloc: the report follows\n");
	q = kbuddy_realloc(pool, r, 6000, GFP_KERNEL);
	result("red-zone-large-realloc-checked",
	       q == r && *found == 2 && !memchr_inv(q + 6000, KBUDDY_RED_ZONE, 8192 - 6000),
	       "a write past the old size found by the realloc");
	r = kbuddy_realloc(pool, q, 20000, GFP_KERNEL);
	result("red-zone-large-realloc-moves",
	       r && r != q && *found == 2 && kbuddy_ksize(pool, r) == 20000 &&
	       !memchr_inv(r, 0x33, 5000) &&
	       !memchr_inv(r + 20000, KBUDDY_RED_ZONE, 32768 - 20000),
	       "a change of order moves, the data and a new zone with it");
	result("red-zone-large-clean",
	       r && !kbuddy_free(pool, r) && *found == 2 && !kbuddy_free(pool, NULL) &&
	       kbuddy_free(pool, r) == -EINVAL && !harness_validate_kmalloc(pool),
	       "freed clean; a double free refused; the pool valid");
}

/*
 * Red zones: a write past an object's end is found on free and by
 * validate, restored; debug=Z gives the malloc family's size classes theirs.
 */
static void red_zone_checks(void)
{
	struct kbuddy_pool *pool = harness_pool(1 << 20, true), *mpool;
	struct kbuddy_cache *c = kbuddy_cache_create(pool, "redzone", 100, 0,
						     KBUDDY_CACHE_RED_ZONE, NULL);
	struct kbuddy_cache_info info;
	unsigned long saved = kbuddy_debug_default;
	u8 *p, *q;
	long found;

	p = kbuddy_cache_alloc(c, GFP_KERNEL);
	memset(p, 0x11, 100);
	p[100] = 0x41;
	p[101] = 0x42;
	fprintf(stderr, "checks: red-zone-overflow-on-free: the report follows\n");
	kbuddy_cache_free(c, p);
	kbuddy_cache_info(c, &info);
	result("red-zone-overflow-on-free",
	       info.count[KBUDDY_CACHE_RED_ZONE_OVERWRITTEN] == 1 &&
	       !memchr_inv(p + 100, KBUDDY_RED_ZONE, c->offset - 100),
	       "found on free, counted, red zone restored");
	q = kbuddy_cache_alloc(c, GFP_KERNEL);
	q[111] = 0;
	fprintf(stderr, "checks: red-zone-overflow-validate: the report follows\n");
	found = cache_problems(c);
	kbuddy_cache_info(c, &info);
	result("red-zone-overflow-validate",
	       found == 1 && info.count[KBUDDY_CACHE_RED_ZONE_OVERWRITTEN] == 2 &&
	       !cache_problems(c), "found by validate, restored, clean after");
	kbuddy_cache_free(c, q);
	kbuddy_cache_info(c, &info);
	result("red-zone-pristine",
	       info.count[KBUDDY_CACHE_RED_ZONE_OVERWRITTEN] == 2 &&
	       !kbuddy_cache_destroy(c) && !pages_problems(pool), "destroyed, pool clean");

	kbuddy_debug_default = KBUDDY_CACHE_RED_ZONE;
	mpool = harness_pool(4 << 20, true);
	if (!mpool || kbuddy_kmalloc_init(mpool)) {
		result("red-zone-malloc", false, "no pool");
		return;
	}
	kbuddy_debug_default = saved;
	p = kbuddy_malloc(mpool, 64, GFP_KERNEL);
	q = kbuddy_malloc(mpool, 4096, GFP_KERNEL);
	result("red-zone-malloc-aligned",
	       !((unsigned long)p & 63) && !((unsigned long)q & 4095) &&
	       kbuddy_ksize(mpool, p) == 64 && kbuddy_ksize(mpool, q) == 4096,
	       "size classes keep their size and alignment");
	memset(p, 0, 64);
	q[4096] = 1;
	kbuddy_free(mpool, p);
	kbuddy_free(mpool, q);
	kbuddy_cache_info(mpool->kmalloc[KBUDDY_NR_KMALLOC - 1], &info);
	result("red-zone-malloc-overflow",
	       info.count[KBUDDY_CACHE_RED_ZONE_OVERWRITTEN] == 1 &&
	       !harness_validate_kmalloc(mpool), "a write past malloc(4096) is found on free");
	red_zone_large_checks(mpool);
	kshim_rcu_quiescent();
}

/* Lines a report function got: counted, and the last few kept. */
struct lines {
	unsigned int n;
	char text[4096];
	size_t len;
};

static void keep_line(void *ctx, const char *fmt, va_list args)
{
	struct lines *l = ctx;
	int n = vsnprintf(l->text + l->len, sizeof(l->text) - l->len, fmt, args);

	l->n++;
	if (n > 0)
		l->len = l->len + n < sizeof(l->text) ? l->len + n : sizeof(l->text) - 1;
}

/* Not static: -rdynamic names them in the stacks a report prints. */
noinline void *owner_a(struct kbuddy_cache *c)
{
	void *p = kbuddy_cache_alloc(c, GFP_KERNEL);

	barrier();
	return p;
}

noinline void *owner_b(struct kbuddy_cache *c)
{
	void *p = kbuddy_cache_alloc(c, GFP_KERNEL);

	barrier();
	return p;
}

noinline int owner_free(struct kbuddy_cache *c, void *p)
{
	int ret = kbuddy_cache_free(c, p);

	barrier();
	return ret;
}

/*
 * Owner tracking: each object's allocating and freeing stacks, each
 * block's allocating stack; the owners listing; stacks in every report.
 */
static void owner_checks(void)
{
	unsigned long saved = kbuddy_debug_default, before;
	struct kbuddy_pool *pool;
	struct kbuddy_cache *c;
	struct kbuddy_track *t;
	struct kbuddy_slab *slab;
	struct lines l = { 0 };
	void *a[3], *b[2], *pg, *big;
	long rows;
	int i;

	kbuddy_debug_default = KBUDDY_CACHE_STORE_USER;
	pool = harness_pool(4 << 20, true);
	kbuddy_debug_default = saved;
	if (!pool || kbuddy_kmalloc_init(pool)) {
		result("owners", false, "no pool");
		return;
	}
	c = kbuddy_cache_create(pool, "owned", 100, 0,
				KBUDDY_CACHE_STORE_USER | KBUDDY_CACHE_POISON, NULL);
	for (i = 0; i < 3; i++)
		a[i] = owner_a(c);
	for (i = 0; i < 2; i++)
		b[i] = owner_b(c);
	pg = kbuddy_alloc_pages(pool, 2, GFP_KERNEL);
	big = kbuddy_malloc(pool, 8192, GFP_KERNEL);
	slab = kbuddy_page_slab(pool, a[0]);
	t = &slab->track[kbuddy_obj_index(c, slab, a[0]) * KBUDDY_NR_TRACKS];
	result("owner-track-alloc",
	       t[0].stack && t[0].stack == slab->track[kbuddy_obj_index(c, slab, a[1]) *
						       KBUDDY_NR_TRACKS].stack &&
	       t[0].stack != slab->track[kbuddy_obj_index(c, slab, b[0]) *
					 KBUDDY_NR_TRACKS].stack && !t[1].stack,
	       "one stack per allocating site, none freed yet");
	rows = kbuddy_owners_report(pool, keep_line, &l);
	if (getenv("KSHIM_VERBOSE"))
		fprintf(stderr, "checks: owners:\n%s", l.text);
	result("owners-grouped",
	       rows == 4 && strstr(l.text, "1 blocks of pages, 16384 bytes, allocated by:\n") &&
	       strstr(l.text, "1 blocks of malloc, 8192 bytes, allocated by:\n") &&
	       strstr(l.text, "3 objects of owned, 300 bytes, allocated by:\n") &&
	       strstr(l.text, "2 objects of owned, 200 bytes, allocated by:\n") &&
	       strstr(l.text, "pages") < strstr(l.text, "malloc"),
	       "two stacks of objects and two of blocks, most bytes first");
	owner_free(c, a[0]);
	result("owner-track-free", t[1].stack && t[1].stack != t[0].stack,
	       "the freeing stack is kept beside the allocating one");
	/* A write after free: the report shows both stacks. */
	((u8 *)a[0])[50] = 0;
	before = kshim_messages;
	fprintf(stderr, "checks: owner-stacks-in-report: the report follows\n");
	a[0] = kbuddy_cache_alloc(c, GFP_KERNEL);
	result("owner-stacks-in-report", kshim_messages - before >= 9,
	       "the poison report prints the allocating and freeing stacks");
	memset(&l, 0, sizeof(l));
	result("owner-leak-report",
	       kbuddy_region_report_used(pool, &pool->regions[0], keep_line, &l) >= 3 &&
	       strstr(l.text, "order 2 still allocated\n  allocated by task") &&
	       strstr(l.text, "order 1 still allocated\n  allocated by task"),
	       "each block still held is named with its stack");
	for (i = 0; i < 3; i++)
		kbuddy_cache_free(c, a[i]);
	for (i = 0; i < 2; i++)
		kbuddy_cache_free(c, b[i]);
	kbuddy_free_pages(pool, pg, 2);
	kbuddy_free(pool, big);
	memset(&l, 0, sizeof(l));
	result("owners-empty", !kbuddy_owners_report(pool, keep_line, &l) && !l.n &&
	       !kbuddy_cache_destroy(c) && !harness_validate_kmalloc(pool),
	       "nothing listed once all is freed; pool clean");
	kshim_rcu_quiescent();
}

/* The per-CPU page caches: overflow, stats, a dead CPU, a bad cached block. */
static void pcp_checks(void)
{
	struct kbuddy_pool *pool = harness_pool(4 << 20, true);
	unsigned long alloc[KBUDDY_PCP_ORDERS] = { 0 }, free[KBUDDY_PCP_ORDERS] = { 0 };
	unsigned long events[KBUDDY_NR_PCP_COUNTERS] = { 0 }, held = 0, n = 0;
	struct kbuddy_pcp *pcp;
	static void *p[200];
	unsigned long saved;
	long found;
	int i;

	for (i = 0; i < 200; i++)
		p[i] = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	for (i = 0; i < 200; i++)
		kbuddy_free_pages(pool, p[i], 0);
	kbuddy_pcp_stats(pool, alloc, free, events, &held);
	result("pcp-spill", alloc[0] == 200 && free[0] == 200 &&
	       held <= KBUDDY_PCP_HIGH && events[KBUDDY_PCP_DRAIN] >= 1,
	       "a full cache gives a batch back; stats add up");

	pcp = per_cpu_ptr(pool->pcp, 0);
	saved = pcp->block[0][0].page->tag;
	pcp->block[0][0].page->tag = KBUDDY_TAG(KBUDDY_KIND_PAGES, 0);
	found = kbuddy_pcp_validate(pool, quiet, &n);
	pcp->block[0][0].page->tag = saved;
	result("pcp-bad-block", found > 0 && !kbuddy_pcp_validate(pool, quiet, &n),
	       "a cached block that is not tagged cached is found");

	/* CPU 0 "dies": its cache goes back without running on it. */
	kshim_set_cpu(1);
	kshim_set_cpu_online(0, false);
	kbuddy_pcp_drain_cpu(pool, 0);
	kshim_set_cpu_online(0, true);
	kshim_set_cpu(0);
	result("pcp-dead-cpu", pool->nr_free == pool->nr_pages && !pages_problems(pool),
	       "a dead CPU's cache is drained");
}

/*
 * Built with -DCONFIG_PREEMPT_RT=1 (make checks-rt): a caller that cannot
 * sleep is refused, with nothing changed, as api.rst promises.
 */
static void rt_checks(void)
{
	struct kbuddy_pool *pool = harness_pool(4 << 20, true);
	struct kbuddy_cache *c = kbuddy_cache_create(pool, "rt", 64, 0, 0, NULL);
	void *page = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	void *obj = kbuddy_cache_alloc(c, GFP_KERNEL);
	void *big = kbuddy_malloc(pool, 8192, GFP_KERNEL);
	unsigned long seq = pool->seq, nr_free = pool->nr_free;
	bool refused;

	preempt_disable();
	refused = !kbuddy_alloc_pages(pool, 0, GFP_ATOMIC) &&
		  kbuddy_free_pages(pool, page, 0) == -EINVAL &&
		  !kbuddy_cache_alloc(c, GFP_ATOMIC) &&
		  kbuddy_cache_free(c, obj) == -EINVAL &&
		  !kbuddy_malloc(pool, 8192, GFP_ATOMIC) &&
		  kbuddy_free(pool, big) == -EINVAL &&
		  !kbuddy_realloc(pool, big, 4096, GFP_ATOMIC);
	preempt_enable();
	result("rt-atomic-refused", refused && pool->seq == seq &&
	       pool->nr_free == nr_free && kbuddy_ksize(pool, big) == 8192,
	       "every call refused with preemption off, nothing changed");
	result("rt-preemptible-works", !kbuddy_free_pages(pool, page, 0) &&
	       !kbuddy_cache_free(c, obj) && !kbuddy_free(pool, big) &&
	       !kbuddy_cache_destroy(c), "the same calls succeed when preemptible");
	kshim_rcu_quiescent();
}

/*
 * The edges of giving a run back in one free (contig.c's give_back_whole()),
 * in a pool of two top-order (1024-page) blocks: a run that is a whole
 * aligned block is freed as itself (six merges up to the top, not one more
 * for an empty rest); a run across the two top blocks has no block holding
 * it, and goes back block by block.
 */
static void contig_free_edge_checks(void)
{
	struct kbuddy_pool *pool = harness_pool(8 << 20, false);
	struct kbuddy_constraint con = { 0 };
	struct kbuddy_contig run;
	struct kbuddy_region *r;
	unsigned long merges;
	bool ok;

	if (!pool) {
		result("contig_free_whole_block_run", false, "no pool");
		return;
	}
	r = &pool->regions[0];
	merges = pool->stats.counter[KBUDDY_MERGES];
	ok = !kbuddy_alloc_contig(pool, 16 * PAGE_SIZE, &con, GFP_NOWAIT, &run) &&
	     run.phys == r->phys && !kbuddy_free_contig(pool, &run) &&
	     !pages_problems(pool) && r->nr_free == r->nr_pages;
	result("contig_free_whole_block_run",
	       ok && pool->stats.counter[KBUDDY_MERGES] - merges == 6,
	       "an aligned 16-page run did not go back with six merges");
	/* 20 pages start at a multiple of 16: 1008 to 1028 crosses 1024. */
	con.start = r->phys + 1008 * PAGE_SIZE;
	con.end = r->phys + 1028 * PAGE_SIZE;
	merges = pool->stats.counter[KBUDDY_MERGES];
	ok = !kbuddy_alloc_contig(pool, 20 * PAGE_SIZE, &con, GFP_NOWAIT, &run) &&
	     run.phys == con.start && !kbuddy_free_contig(pool, &run) &&
	     !pages_problems(pool) && r->nr_free == r->nr_pages &&
	     r->free_area[10].nr_free == 2;
	/* 16@1008 merges six times up to 1024@0, 4@1024 eight up to 1024@1024. */
	result("contig_free_run_across_top_blocks",
	       ok && pool->stats.counter[KBUDDY_MERGES] - merges == 14,
	       "a run across two top-order blocks did not go back block by block, fourteen merges");
}

/*
 * A run taken in one go out of one free block (contig.c's carve_run())
 * leaves the lists, in order, and the split count as carving it block by
 * block does. 300 pages (256 + 32 + 8 + 4) at page 256 of a free 1024-page
 * block: below it 256@0; above it, added after, 256@768, 128@640, 64@576,
 * 16@560, 4@556; nine splits. Of the two order-8 blocks the one above was
 * added last, so it comes first.
 */
static void contig_run_checks(void)
{
	static const struct { unsigned int order; unsigned long pfn[2]; } want[] = {
		{ 8, { 768, 0 } }, { 7, { 640 } }, { 6, { 576 } }, { 4, { 560 } },
		{ 2, { 556 } },
	};
	struct kbuddy_pool *pool = harness_pool(4 << 20, false);
	struct kbuddy_constraint con = { 0 }, page_con = { 0 };
	unsigned long splits, merges, before[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	struct kbuddy_contig run, page;
	struct kbuddy_region *r;
	bool ok = true;
	unsigned int i, o;

	if (!pool) {
		result("contig_run_in_one_go", false, "no pool");
		return;
	}
	r = &pool->regions[0];
	con.start = r->phys + 256 * PAGE_SIZE;
	con.end = r->phys + 1024 * PAGE_SIZE;
	splits = pool->stats.counter[KBUDDY_SPLITS];
	for (o = 0; o < pool->max_order; o++)
		before[o] = r->free_area[o].nr_free;
	if (kbuddy_alloc_contig(pool, 300 * PAGE_SIZE, &con, GFP_NOWAIT, &run) ||
	    run.phys != con.start) {
		result("contig_run_in_one_go", false, "the run is not at page 256");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct kbuddy_free_area *a = &r->free_area[want[i].order];
		struct kbuddy_page *page;
		unsigned int n = 0;

		list_for_each_entry(page, &a->free_list, lru) {
			if (n >= 2 || (unsigned long)(page - r->pages) != want[i].pfn[n])
				ok = false;
			n++;
		}
		if (n != (want[i].order == 8 ? 2U : 1U))
			ok = false;
	}
	/* The other three 1024-page blocks untouched, no other order used. */
	for (o = 0; o < pool->max_order; o++)
		if (o != 8 && o != 7 && o != 6 && o != 4 && o != 2 &&
		    r->free_area[o].nr_free != before[o] - (o == 10))
			ok = false;
	result("contig_run_in_one_go", ok &&
	       pool->stats.counter[KBUDDY_SPLITS] - splits == 9 &&
	       !pages_problems(pool),
	       "lists, in order, or split count not as carving block by block leaves them");
	/*
	 * The rest of the 1024-page block is free, so the free takes its six
	 * blocks (256@0 below the run; 4@556, 16@560, 64@576, 128@640 and
	 * 256@768 above) off their lists and frees the block whole
	 * (contig.c's give_back_whole()): nine merges counted, as freeing the
	 * run's four blocks one by one into the rest's six would make.
	 */
	merges = pool->stats.counter[KBUDDY_MERGES];
	result("contig_run_in_one_go_freed",
	       !kbuddy_free_contig(pool, &run) && !pages_problems(pool) &&
	       r->free_area[10].nr_free == before[10] && r->nr_free == r->nr_pages &&
	       pool->stats.counter[KBUDDY_MERGES] - merges == 9,
	       "the run's free did not merge everything back, nine merges");
	/* A page held in the rest: the run goes back block by block. */
	page_con.start = r->phys + 1000 * PAGE_SIZE;
	page_con.end = page_con.start + PAGE_SIZE;
	ok = !kbuddy_alloc_contig(pool, 300 * PAGE_SIZE, &con, GFP_NOWAIT, &run) &&
	     run.phys == con.start &&
	     !kbuddy_alloc_contig(pool, PAGE_SIZE, &page_con, GFP_NOWAIT, &page) &&
	     !kbuddy_free_contig(pool, &run) && !pages_problems(pool) &&
	     r->nr_free == r->nr_pages - 1 && r->free_area[10].nr_free == before[10] - 1;
	ok = ok && !kbuddy_free_contig(pool, &page) && !pages_problems(pool) &&
	     r->free_area[10].nr_free == before[10] && r->nr_free == r->nr_pages;
	result("contig_run_freed_beside_a_held_page", ok,
	       "a run freed beside a held page, or that page, left the pool wrong");
	contig_free_edge_checks();
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kshim_set_cpu(0);
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		rt_checks();
		return failed;
	}
	page_checks();
	slab_checks();
	poison_checks();
	block_poison_checks();
	red_zone_checks();
	owner_checks();
	pcp_checks();
	contig_run_checks();
	return failed;
}

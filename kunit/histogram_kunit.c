// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_hist: a pool's request and latency histogram
 * (kernel/histogram.c, the hooks in histogram.h) and its debugfs file.
 *
 * Every read goes through the file's show function into a seq_file of the
 * case's own and is parsed strictly against the format of
 * Documentation/admin-guide.rst ("histogram"): the order lines from the
 * pool's max_order, the size lines from the size classes the malloc family
 * is documented to have (not from the pool's caches), 32 buckets per
 * latency line, nothing else. What a case did is counted by the case
 * itself and compared with what the file says: requests per order and per
 * size class, and for each latency histogram the total of its buckets.
 * Writes go through the file's write path behind the copy from the writer
 * (kbuddy_hist_command()); a refused one must change nothing the file
 * shows.
 */
#include <kunit/test.h>
#include <linux/jump_label.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "helpers.h"
#include "debugfs.h"
#include "histogram.h"

#define HT_PHYS		(KBT_PHYS * 9)
#define HT_SIZE		SZ_4M
#define HT_MAX_ORDER	11
/* A read of the file fits this with room to spare. */
#define HT_TEXT_MAX	(4 * PAGE_SIZE)
/* Words of a latency line: "latency", OP, PATH and the buckets. */
#define HT_WORDS	(3 + KBUDDY_HIST_BUCKETS)

/* What one read of the file says. */
struct ht_counts {
	int enabled;
	unsigned long order[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long size[KBUDDY_NR_KMALLOC + 1];	/* then large */
	unsigned long latency[KBUDDY_HIST_NR_OPS][KBUDDY_HIST_NR_PATHS]
			     [KBUDDY_HIST_BUCKETS];
};

static const char *const ht_ops[KBUDDY_HIST_NR_OPS] = { "alloc", "free" };
static const char *const ht_paths[KBUDDY_HIST_NR_PATHS] = {
	"pcp", "pool", "slab_fast", "slab_slow",
};

/* The malloc family's size classes, as documented: 8 .. 192, then 256 up. */
static unsigned int ht_class_bytes(unsigned int i)
{
	static const unsigned int small[] = { 8, 16, 32, 64, 96, 128, 192 };

	return i < ARRAY_SIZE(small) ? small[i] :
	       256U << (i - ARRAY_SIZE(small));
}

/* The file's text, from its show function. */
static char *ht_text(struct kunit *test, struct kbuddy_pool *pool)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->size = HT_TEXT_MAX;
	m->buf = kunit_kzalloc(test, m->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	m->private = pool;
	KUNIT_ASSERT_EQ(test, kbuddy_hist_show(m, NULL), 0);
	/* An overflow sets count to size. */
	KUNIT_ASSERT_LT(test, m->count, m->size);
	m->buf[m->count] = '\0';
	return m->buf;
}

/* Cut @line at single spaces. Return: the words, or -1 if malformed. */
static int ht_words(char *line, char **w)
{
	char *tok;
	int n = 0;

	while ((tok = strsep(&line, " ")) != NULL) {
		if (!*tok || n == HT_WORDS)
			return -1;
		w[n++] = tok;
	}
	return n;
}

/* The next line of @text, or NULL; a line must end in '\n'. */
static char *ht_line(char **text)
{
	char *nl = strchr(*text, '\n'), *line = *text;

	if (!nl)
		return NULL;
	*nl = '\0';
	*text = nl + 1;
	return line;
}

/*
 * Parse @text, the file's contents for @pool, line by line.
 * Return: NULL, or what is wrong with it.
 */
static const char *ht_parse(struct kbuddy_pool *pool, char *text,
			    struct ht_counts *hc)
{
	unsigned int i, op, path, v, classes;
	char *w[HT_WORDS], *line;

	memset(hc, 0, sizeof(*hc));
	line = ht_line(&text);
	if (!line || ht_words(line, w) != 2 || strcmp(w[0], "enabled") ||
	    (strcmp(w[1], "0") && strcmp(w[1], "1")))
		return "no enabled line first";
	hc->enabled = w[1][0] == '1';
	for (i = 0; i < pool->max_order; i++) {
		line = ht_line(&text);
		if (!line || ht_words(line, w) != 3 || strcmp(w[0], "order") ||
		    kstrtouint(w[1], 10, &v) || v != i ||
		    kstrtoul(w[2], 10, &hc->order[i]))
			return "an order line missing or malformed";
	}
	classes = pool->kind == KBUDDY_POOL_RAM ? KBUDDY_NR_KMALLOC : 0;
	for (i = 0; i < classes; i++) {
		line = ht_line(&text);
		if (!line || ht_words(line, w) != 3 || strcmp(w[0], "size") ||
		    kstrtouint(w[1], 10, &v) || v != ht_class_bytes(i) ||
		    kstrtoul(w[2], 10, &hc->size[i]))
			return "a size class line missing or malformed";
	}
	line = ht_line(&text);
	if (!line || ht_words(line, w) != 3 || strcmp(w[0], "size") ||
	    strcmp(w[1], "large") ||
	    kstrtoul(w[2], 10, &hc->size[KBUDDY_HIST_LARGE]))
		return "no size large line after the classes";
	for (op = 0; op < KBUDDY_HIST_NR_OPS; op++) {
		for (path = 0; path < KBUDDY_HIST_NR_PATHS; path++) {
			line = ht_line(&text);
			if (!line || ht_words(line, w) != HT_WORDS ||
			    strcmp(w[0], "latency") || strcmp(w[1], ht_ops[op]) ||
			    strcmp(w[2], ht_paths[path]))
				return "a latency line missing or malformed";
			for (i = 0; i < KBUDDY_HIST_BUCKETS; i++)
				if (kstrtoul(w[3 + i], 10,
					     &hc->latency[op][path][i]))
					return "a bucket is not a number";
		}
	}
	return *text ? "more after the last latency line" : NULL;
}

/* Read and parse the file; the case stops if it does not parse. */
static struct ht_counts *ht_read(struct kunit *test, struct kbuddy_pool *pool)
{
	struct ht_counts *hc = kunit_kzalloc(test, sizeof(*hc), GFP_KERNEL);
	char *text = ht_text(test, pool);
	const char *why;

	KUNIT_ASSERT_NOT_NULL(test, hc);
	why = ht_parse(pool, text, hc);
	KUNIT_ASSERT_NULL_MSG(test, why, "histogram: %s", why);
	return hc;
}

static unsigned long ht_total(const struct ht_counts *hc,
			      enum kbuddy_hist_op op,
			      enum kbuddy_hist_path path)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < KBUDDY_HIST_BUCKETS; i++)
		n += hc->latency[op][path][i];
	return n;
}

/* Every count the file shows is 0. */
static void ht_expect_zero(struct kunit *test, const struct ht_counts *hc)
{
	unsigned int i, op, path;

	for (i = 0; i < ARRAY_SIZE(hc->order); i++)
		KUNIT_EXPECT_EQ_MSG(test, hc->order[i], 0UL, "order %u", i);
	for (i = 0; i < ARRAY_SIZE(hc->size); i++)
		KUNIT_EXPECT_EQ_MSG(test, hc->size[i], 0UL, "size line %u", i);
	for (op = 0; op < KBUDDY_HIST_NR_OPS; op++)
		for (path = 0; path < KBUDDY_HIST_NR_PATHS; path++)
			KUNIT_EXPECT_EQ_MSG(test, ht_total(hc, op, path), 0UL,
					    "latency %s %s", ht_ops[op],
					    ht_paths[path]);
}

static bool ht_key(void)
{
	return static_key_enabled(&kbuddy_hist_key);
}

static ssize_t ht_write(struct kbuddy_pool *pool, const char *s)
{
	return kbuddy_hist_command(pool, s, strlen(s));
}

static void ht_on(struct kunit *test, struct kbuddy_pool *pool)
{
	KUNIT_ASSERT_EQ(test, ht_write(pool, "on\n"), 3L);
}

static struct kbuddy_pool *ht_pool(struct kunit *test, bool pcp)
{
	struct kbuddy_pool *pool = pcp ? kbt_new_pool_pcp(test, HT_MAX_ORDER) :
					 kbt_new_pool(test, HT_MAX_ORDER);

	kbt_add_mem(test, pool, HT_PHYS, HT_SIZE);
	return pool;
}

/* A mix of every interface: pages, malloc of both kinds, a cache. */
static void ht_some_operations(struct kunit *test, struct kbuddy_pool *pool)
{
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "ht-mix", 48, 8, 0,
					       NULL);
	void *p[4];

	p[0] = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
	p[1] = kbuddy_alloc_pages(pool, 3, GFP_KERNEL);
	p[2] = kbuddy_malloc(pool, 64, GFP_KERNEL);
	p[3] = kbuddy_malloc(pool, 3 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, p[0] && p[1] && p[2] && p[3]);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[0], 0), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[1], 3), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p[2]), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p[3]), 0);
	p[0] = kbuddy_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p[0]);
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p[0]), 0);
}

/* ==== Off ================================================================ */

static void kbuddy_hist_off_by_default(struct kunit *test)
{
	struct kbuddy_pool *pool = ht_pool(test, true);
	struct ht_counts *hc = ht_read(test, pool);

	KUNIT_EXPECT_EQ(test, hc->enabled, 0);
	ht_expect_zero(test, hc);
	ht_some_operations(test, pool);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->enabled, 0);
	ht_expect_zero(test, hc);
	kbt_expect_pool_ok(test, pool);
}

static void kbuddy_hist_off_stops_counting(struct kunit *test)
{
	struct kbuddy_pool *pool = ht_pool(test, true);
	struct ht_counts *hc;
	void *p[3];
	unsigned int i;

	ht_on(test, pool);
	/* Twice on, once off: off (the pool counts once in the key). */
	ht_on(test, pool);
	for (i = 0; i < 3; i++) {
		p[i] = kbuddy_alloc_pages(pool, 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_EXPECT_EQ(test, ht_write(pool, "off"), 3L);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->enabled, 0);
	/* What was counted stays. */
	KUNIT_EXPECT_EQ(test, hc->order[1], 3UL);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_POOL), 3UL);
	/* The key stays on until the pool goes: off does not patch the hooks. */
	KUNIT_EXPECT_TRUE(test, static_key_enabled(&kbuddy_hist_key));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[i], 1), 0);
	p[0] = kbuddy_alloc_pages(pool, 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p[0]);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->order[1], 3UL);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_POOL), 0UL);
	/* On again: counting goes on from there. */
	ht_on(test, pool);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[0], 1), 0);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->enabled, 1);
	KUNIT_EXPECT_EQ(test, hc->order[1], 3UL);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_POOL), 1UL);
	KUNIT_EXPECT_EQ(test, ht_write(pool, "off"), 3L);
}

/* A pool destroyed with its histogram on takes it out of the key. */
static void kbuddy_hist_destroy_while_on(struct kunit *test)
{
	/* On already if another pool's histogram ever was (make bench's). */
	bool before = static_key_enabled(&kbuddy_hist_key);
	struct kbuddy_pool *pool;

	pool = kbuddy_pool_create("kunit-hist-destroy", HT_MAX_ORDER);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	if (ht_write(pool, "on") != 2L) {
		kbuddy_pool_destroy(pool);
		KUNIT_FAIL(test, "on refused");
		return;
	}
	KUNIT_EXPECT_TRUE(test, static_key_enabled(&kbuddy_hist_key));
	KUNIT_EXPECT_EQ(test, kbuddy_pool_destroy(pool), 0);
	KUNIT_EXPECT_EQ(test, static_key_enabled(&kbuddy_hist_key), before);
}

/* ==== Pages ============================================================== */

#define HT_PAGES	20

/*
 * HT_PAGES blocks of @order, then their frees, each counted once: as a
 * request of its order and in one latency histogram of its kind.
 */
static void ht_pages(struct kunit *test, struct kbuddy_pool *pool,
		     unsigned int order, bool pcp)
{
	struct ht_counts *hc;
	void *p[HT_PAGES];
	unsigned int i;

	ht_on(test, pool);
	/* One CPU: the first allocation refills, the next ones hit. */
	migrate_disable();
	for (i = 0; i < HT_PAGES; i++) {
		p[i] = kbuddy_alloc_pages(pool, order, GFP_KERNEL);
		if (!p[i])
			break;
	}
	migrate_enable();
	KUNIT_ASSERT_EQ(test, i, HT_PAGES);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->enabled, 1);
	for (i = 0; i < pool->max_order; i++)
		KUNIT_EXPECT_EQ_MSG(test, hc->order[i],
				    i == order ? (unsigned long)HT_PAGES : 0UL,
				    "order %u", i);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_POOL),
			(unsigned long)HT_PAGES);
	KUNIT_EXPECT_GE(test, ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_POOL), 1UL);
	if (pcp)
		KUNIT_EXPECT_GE(test, ht_total(hc, KBUDDY_HIST_ALLOC,
					       KBUDDY_HIST_PCP), 1UL);
	else
		KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_ALLOC,
					       KBUDDY_HIST_PCP), 0UL);

	migrate_disable();
	for (i = 0; i < HT_PAGES; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[i], order), 0);
	migrate_enable();
	/* A refused free is no operation. */
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p[0], order), -EINVAL);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->order[order], (unsigned long)HT_PAGES);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_POOL),
			(unsigned long)HT_PAGES);
	if (pcp)
		KUNIT_EXPECT_GE(test, ht_total(hc, KBUDDY_HIST_FREE,
					       KBUDDY_HIST_PCP), 1UL);
	else
		KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_FREE,
					       KBUDDY_HIST_PCP), 0UL);
	/* Pages are neither slab operations nor mallocs. */
	for (i = KBUDDY_HIST_SLAB_FAST; i < KBUDDY_HIST_NR_PATHS; i++) {
		KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_ALLOC, i), 0UL);
		KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_FREE, i), 0UL);
	}
	for (i = 0; i <= KBUDDY_HIST_LARGE; i++)
		KUNIT_EXPECT_EQ(test, hc->size[i], 0UL);
	KUNIT_EXPECT_EQ(test, ht_write(pool, "off"), 3L);
	kbt_expect_pool_ok(test, pool);
}

static void kbuddy_hist_pages_pcp(struct kunit *test)
{
	ht_pages(test, ht_pool(test, true), 2, true);
}

/* Without per-CPU caches every block comes from the pool's lists. */
static void kbuddy_hist_pages_pool_path(struct kunit *test)
{
	ht_pages(test, ht_pool(test, false), 3, false);
}

/* An order the caches do not hold (a 4 MiB pool's hold 0-3) goes to the lists. */
static void kbuddy_hist_pages_large_order(struct kunit *test)
{
	ht_pages(test, ht_pool(test, true), 5, false);
}

/* ==== Slab and malloc ==================================================== */

#define HT_OBJS		100

static void kbuddy_hist_slab_paths(struct kunit *test)
{
	struct kbuddy_pool *pool = ht_pool(test, true);
	struct kbuddy_cache *c = kbt_new_cache(test, pool, "ht-slab", 64, 8, 0,
					       NULL);
	void **p = kunit_kcalloc(test, HT_OBJS, sizeof(*p), GFP_KERNEL);
	struct ht_counts *hc;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	ht_on(test, pool);
	migrate_disable();
	for (i = 0; i < HT_OBJS; i++) {
		p[i] = kbuddy_cache_alloc(c, GFP_KERNEL);
		if (!p[i])
			break;
	}
	migrate_enable();
	KUNIT_ASSERT_EQ(test, i, HT_OBJS);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test,
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_SLAB_FAST) +
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_SLAB_SLOW),
			(unsigned long)HT_OBJS);
	/* A new cache's magazines are empty: the first one went slow. */
	KUNIT_EXPECT_GE(test, ht_total(hc, KBUDDY_HIST_ALLOC,
				       KBUDDY_HIST_SLAB_SLOW), 1UL);
	KUNIT_EXPECT_GE(test, ht_total(hc, KBUDDY_HIST_ALLOC,
				       KBUDDY_HIST_SLAB_FAST), 1UL);
	/* The slabs' own blocks are no page operation. */
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_POOL), 0UL);

	migrate_disable();
	for (i = 0; i < HT_OBJS; i++)
		KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p[i]), 0);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, kbuddy_cache_free(c, p[0]), -EINVAL);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test,
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_SLAB_FAST) +
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_SLAB_SLOW),
			(unsigned long)HT_OBJS);
	KUNIT_EXPECT_GE(test, ht_total(hc, KBUDDY_HIST_FREE,
				       KBUDDY_HIST_SLAB_FAST), 1UL);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_POOL), 0UL);
	/* A cache's objects are no malloc and no page request. */
	for (i = 0; i <= KBUDDY_HIST_LARGE; i++)
		KUNIT_EXPECT_EQ(test, hc->size[i], 0UL);
	for (i = 0; i < pool->max_order; i++)
		KUNIT_EXPECT_EQ(test, hc->order[i], 0UL);
	KUNIT_EXPECT_EQ(test, ht_write(pool, "off"), 3L);
	kbt_expect_pool_ok(test, pool);
}

/* Requests and the class (by its bytes, 0: a whole block) each must count in. */
static const struct {
	size_t size;
	unsigned int class_bytes;
} ht_mallocs[] = {
	{ 1, 8 }, { 8, 8 }, { 9, 16 }, { 33, 64 }, { 64, 64 }, { 65, 96 },
	{ 96, 96 }, { 97, 128 }, { 192, 192 }, { 193, 256 }, { 1000, 1024 },
	{ PAGE_SIZE, PAGE_SIZE }, { PAGE_SIZE + 1, 0 }, { 4 * PAGE_SIZE, 0 },
};

static void kbuddy_hist_malloc_size_classes(struct kunit *test)
{
	struct kbuddy_pool *pool = ht_pool(test, true);
	unsigned long want[KBUDDY_NR_KMALLOC + 1] = { 0 };
	unsigned long small = 0, large = 0;
	void *p[ARRAY_SIZE(ht_mallocs) + 1];
	struct ht_counts *hc;
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(ht_mallocs); i++) {
		if (!ht_mallocs[i].class_bytes) {
			want[KBUDDY_HIST_LARGE]++;
			large++;
			continue;
		}
		for (k = 0; k < KBUDDY_NR_KMALLOC; k++)
			if (ht_class_bytes(k) == ht_mallocs[i].class_bytes)
				break;
		KUNIT_ASSERT_LT(test, k, KBUDDY_NR_KMALLOC);
		want[k]++;
		small++;
	}
	ht_on(test, pool);
	for (i = 0; i < ARRAY_SIZE(ht_mallocs); i++) {
		p[i] = kbuddy_malloc(pool, ht_mallocs[i].size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	/* calloc() is a malloc of n * size: 4 * 16 bytes. */
	p[i] = kbuddy_calloc(pool, 4, 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p[i]);
	want[3]++;
	small++;
	/* No class: nothing requested of one, or more than the pool has. */
	KUNIT_EXPECT_PTR_EQ(test, kbuddy_malloc(pool, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_NULL(test, kbuddy_malloc(pool, PAGE_SIZE << HT_MAX_ORDER,
					      GFP_KERNEL));

	hc = ht_read(test, pool);
	for (k = 0; k <= KBUDDY_HIST_LARGE; k++)
		KUNIT_EXPECT_EQ_MSG(test, hc->size[k], want[k], "size line %u", k);
	KUNIT_EXPECT_EQ(test,
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_SLAB_FAST) +
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_SLAB_SLOW),
			small);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_POOL), large);
	/* Whole blocks of malloc are no kbuddy_alloc_pages() requests. */
	for (k = 0; k < pool->max_order; k++)
		KUNIT_EXPECT_EQ(test, hc->order[k], 0UL);

	for (i = 0; i <= ARRAY_SIZE(ht_mallocs); i++)
		KUNIT_EXPECT_EQ(test, kbuddy_free(pool, p[i]), 0);
	KUNIT_EXPECT_EQ(test, kbuddy_free(pool, ZERO_SIZE_PTR), 0);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test,
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_SLAB_FAST) +
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_SLAB_SLOW),
			small);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_POOL), large);
	KUNIT_EXPECT_EQ(test, ht_write(pool, "off"), 3L);
	kbt_expect_pool_ok(test, pool);
}

/* ==== The file =========================================================== */

static void kbuddy_hist_reset_zeroes(struct kunit *test)
{
	struct kbuddy_pool *pool = ht_pool(test, true);
	struct ht_counts *hc;
	void *p;

	ht_on(test, pool);
	ht_some_operations(test, pool);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->order[3], 1UL);
	KUNIT_EXPECT_EQ(test, hc->size[KBUDDY_HIST_LARGE], 1UL);
	KUNIT_EXPECT_EQ(test, ht_write(pool, "reset\n"), 6L);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->enabled, 1);
	ht_expect_zero(test, hc);
	/* And it counts on from zero. */
	p = kbuddy_alloc_pages(pool, 4, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, kbuddy_free_pages(pool, p, 4), 0);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->order[4], 1UL);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_ALLOC, KBUDDY_HIST_POOL), 1UL);
	KUNIT_EXPECT_EQ(test, ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_PCP) +
			ht_total(hc, KBUDDY_HIST_FREE, KBUDDY_HIST_POOL), 1UL);
	/* Off, a reset still zeroes. */
	KUNIT_EXPECT_EQ(test, ht_write(pool, "off"), 3L);
	KUNIT_EXPECT_EQ(test, ht_write(pool, "reset"), 5L);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->enabled, 0);
	ht_expect_zero(test, hc);
}

/* The lines follow the pool: its orders, its classes (none if not ram). */
static void kbuddy_hist_format_follows_pool(struct kunit *test)
{
	struct kbuddy_pool *small = kbt_new_pool(test, 5);
	struct kbuddy_pool *nomap;
	struct kbt_ctx *ctx = test->priv;
	struct ht_counts *hc;

	hc = ht_read(test, small);
	KUNIT_EXPECT_EQ(test, hc->enabled, 0);
	ht_expect_zero(test, hc);

	nomap = kbuddy_pool_create_kind("kunit-hist-nomap", HT_MAX_ORDER,
					KBUDDY_POOL_NOMAP, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, nomap);
	KUNIT_ASSERT_LT(test, ctx->nr_pools, KBT_MAX_POOLS);
	ctx->pools[ctx->nr_pools++] = nomap;
	KUNIT_EXPECT_EQ(test, ht_write(nomap, "on"), 2L);
	hc = ht_read(test, nomap);
	KUNIT_EXPECT_EQ(test, hc->enabled, 1);
	ht_expect_zero(test, hc);
	/* Its page interface refuses: no request of a page block counted. */
	KUNIT_EXPECT_NULL(test, kbuddy_alloc_pages(nomap, 0, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kbuddy_malloc(nomap, 8, GFP_KERNEL));
	hc = ht_read(test, nomap);
	ht_expect_zero(test, hc);
	KUNIT_EXPECT_EQ(test, ht_write(nomap, "off"), 3L);
}

struct ht_input {
	const char *in;		/* NULL: the writer's buffer is unreadable */
	size_t len;
	int err;		/* 0: accepted */
};

#define HT_OK(s)	{ s, sizeof(s) - 1, 0 }
#define HT_NO(s, e)	{ s, sizeof(s) - 1, e }

static const struct ht_input ht_refused[] = {
	HT_NO("", -EINVAL),
	HT_NO("\n", -EINVAL),
	HT_NO(" \t\n", -EINVAL),
	HT_NO("o", -EINVAL),
	HT_NO("of", -EINVAL),
	HT_NO("onn", -EINVAL),
	HT_NO("ON", -EINVAL),
	HT_NO("Off", -EINVAL),
	HT_NO("on off", -EINVAL),
	HT_NO("on\non", -EINVAL),
	HT_NO("reset now", -EINVAL),
	HT_NO("rese", -EINVAL),
	HT_NO("1", -EINVAL),
	HT_NO("enable", -EINVAL),
	HT_NO("\xff\xfeon", -EINVAL),
	HT_NO("on\0", -EINVAL),
	HT_NO("\0on", -EINVAL),
	HT_NO("o\0n", -EINVAL),
	HT_NO("reset\0\n", -EINVAL),
	/* 17 bytes: one more than the file takes, whatever they are. */
	HT_NO("on               ", -EINVAL),
	HT_NO("reset            ", -EINVAL),
	{ NULL, 3, -EFAULT },
};

static const struct ht_input ht_accepted[] = {
	HT_OK("on"), HT_OK("on\n"), HT_OK(" \ton\t "), HT_OK("\toff"),
	HT_OK("off\n"), HT_OK("reset"),
	/* 16 bytes, the most the file takes. */
	HT_OK("   reset        "),
};

static void ht_expect_refused(struct kunit *test, struct kbuddy_pool *pool)
{
	const char *before = ht_text(test, pool), *after;
	unsigned long refused;
	unsigned int i;
	ssize_t ret;

	for (i = 0; i < ARRAY_SIZE(ht_refused); i++) {
		const struct ht_input *t = &ht_refused[i];

		refused = kbuddy_debugfs_refused(pool);
		ret = kbuddy_hist_command(pool, t->in, t->len);
		KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)t->err,
				    "input \"%*pE\" (%zu bytes)",
				    t->in ? (int)t->len : 0, t->in, t->len);
		/* Counted once, with the pool's other refused writes. */
		KUNIT_EXPECT_EQ(test, kbuddy_debugfs_refused(pool),
				refused + (pool->debugfs ? 1 : 0));
		after = ht_text(test, pool);
		KUNIT_EXPECT_STREQ_MSG(test, after, before,
				       "\"%*pE\" changed something",
				       t->in ? (int)t->len : 0, t->in);
	}
}

static void kbuddy_hist_refused_writes_change_nothing(struct kunit *test)
{
	struct kbuddy_pool *pool = ht_pool(test, true);
	bool key_before = ht_key();
	struct ht_counts *hc;
	unsigned int i;
	ssize_t ret;

	/* Never on: nothing to change, and no histogram made. */
	ht_expect_refused(test, pool);
	KUNIT_EXPECT_NULL(test, pool->hist);
	KUNIT_EXPECT_EQ(test, ht_key(), key_before);
	/* On, with counts a refused reset or off would change. */
	ht_on(test, pool);
	ht_some_operations(test, pool);
	ht_expect_refused(test, pool);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->enabled, 1);
	KUNIT_EXPECT_EQ(test, hc->order[0], 1UL);
	KUNIT_EXPECT_TRUE(test, static_key_enabled(&kbuddy_hist_key));
	/* Off again, counts kept. */
	KUNIT_EXPECT_EQ(test, ht_write(pool, "off"), 3L);
	ht_expect_refused(test, pool);
	hc = ht_read(test, pool);
	KUNIT_EXPECT_EQ(test, hc->enabled, 0);
	KUNIT_EXPECT_EQ(test, hc->order[0], 1UL);

	for (i = 0; i < ARRAY_SIZE(ht_accepted); i++) {
		const struct ht_input *t = &ht_accepted[i];

		ret = kbuddy_hist_command(pool, t->in, t->len);
		KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)t->len,
				    "input \"%*pE\"", (int)t->len, t->in);
		hc = ht_read(test, pool);
		KUNIT_EXPECT_EQ_MSG(test, hc->enabled,
				    strstr(t->in, "on") ? 1 :
				    strstr(t->in, "off") ? 0 : hc->enabled,
				    "input \"%*pE\"", (int)t->len, t->in);
		if (strstr(t->in, "reset"))
			ht_expect_zero(test, hc);
	}
	KUNIT_EXPECT_EQ(test, ht_write(pool, "off"), 3L);
	/* Counted in the key from the first on until the pool goes. */
	KUNIT_EXPECT_TRUE(test, ht_key());
}

static struct kunit_case kbuddy_hist_cases[] = {
	KUNIT_CASE(kbuddy_hist_off_by_default),
	KUNIT_CASE(kbuddy_hist_off_stops_counting),
	KUNIT_CASE(kbuddy_hist_destroy_while_on),
	KUNIT_CASE(kbuddy_hist_pages_pcp),
	KUNIT_CASE(kbuddy_hist_pages_pool_path),
	KUNIT_CASE(kbuddy_hist_pages_large_order),
	KUNIT_CASE(kbuddy_hist_slab_paths),
	KUNIT_CASE(kbuddy_hist_malloc_size_classes),
	KUNIT_CASE(kbuddy_hist_reset_zeroes),
	KUNIT_CASE(kbuddy_hist_format_follows_pool),
	KUNIT_CASE(kbuddy_hist_refused_writes_change_nothing),
	{}
};

static struct kunit_suite kbuddy_hist_suite = {
	.name = "kbuddy_hist",
	.init = kbt_init,
	.exit = kbt_exit,
	.test_cases = kbuddy_hist_cases,
};

kunit_test_suite(kbuddy_hist_suite);

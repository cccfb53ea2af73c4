// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kbuddy_debugfs: the parsers of the writable debugfs files
 * (kernel/debugfs.c), in the manner of mm/damon's dbgfs tests.
 *
 * Tables of inputs - valid ones and malformed, oversized, partial,
 * out-of-range ones, NUL bytes inside, numbers at the edges of their types,
 * garbage before and after - go through the files' write paths behind the
 * copy from the writer (kbuddy_debugfs_blocks_write() and
 * kbuddy_debugfs_fault_write(), so that no shell quoting stands between a
 * byte and the parser). A refused input must return its errno, count one
 * refusal (one log line: debugfs.c logs exactly where it counts), and leave
 * everything as it was: the pool's free areas, page counts and counters,
 * the blocks the file holds, every fault knob of the pool and the global
 * ones, and the failures injected. A valid input must return the bytes
 * written, count no refusal and do what it says.
 *
 * The probability, interval and times parsers are kbuddy's on Debian's
 * kernels only (a kernel with fault_attr files has its own, which set the
 * same fields): the cases drive kbuddy's on every kernel.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "helpers.h"
#include "debugfs.h"

#define DT_PHYS		(KBT_PHYS * 7)
#define DT_SIZE		SZ_4M	/* 1024 pages, one block of order 10 */
#define DT_MAX_ORDER	11

struct dt_input {
	const char *in;		/* NULL: the writer's buffer is unreadable */
	size_t len;
	int err;		/* 0: accepted */
	long held;		/* accepted blocks: held afterwards */
};

#define DT_OK(s, n)	{ s, sizeof(s) - 1, 0, n }
#define DT_NO(s, e)	{ s, sizeof(s) - 1, e, 0 }

/* Everything a write may change. */
struct dt_state {
	struct kbt_snapshot pool;
	unsigned long held;
	unsigned long refused, refused_global;
	long knob[2][KBUDDY_NR_FAULT_KNOBS];
	long injected[2][KBUDDY_NR_FAULT_SITES];
};

static void dt_snap(struct kbuddy_pool *pool, struct dt_state *s)
{
	struct kbuddy_fault *f[2] = { &pool->fault, &kbuddy_fault_global };
	unsigned int i, k;

	memset(s, 0, sizeof(*s));
	kbt_snap(pool, &s->pool);
	s->held = kbuddy_debugfs_held(pool);
	s->refused = kbuddy_debugfs_refused(pool);
	s->refused_global = kbuddy_debugfs_refused(NULL);
	for (i = 0; i < 2; i++) {
		for (k = 0; k < KBUDDY_NR_FAULT_KNOBS; k++)
			s->knob[i][k] = kbuddy_fault_get(f[i], k);
		for (k = 0; k < KBUDDY_NR_FAULT_SITES; k++)
			s->injected[i][k] = atomic_long_read(&f[i]->injected[k]);
	}
}

static struct dt_state *dt_snap_alloc(struct kunit *test,
				      struct kbuddy_pool *pool)
{
	struct dt_state *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	dt_snap(pool, s);
	return s;
}

/*
 * A refused write: its errno, one refusal counted where it belongs, nothing
 * else changed since @before, which then counts the refusal too.
 */
static void dt_expect_refused(struct kunit *test, struct kbuddy_pool *pool,
			      const struct dt_input *t, ssize_t ret,
			      struct dt_state *before, bool global)
{
	struct dt_state *after = dt_snap_alloc(test, pool);
	int len = min_t(size_t, t->len, 40);

	/* Out of memory: the failed allocation is counted, as any is. */
	if (t->err == -ENOMEM)
		memcpy(before->pool.st.fail, after->pool.st.fail,
		       sizeof(before->pool.st.fail));

	KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)t->err, "input \"%*pE\" (%zu bytes)",
			    t->in ? len : 0, t->in, t->len);
	if (global) {
		KUNIT_EXPECT_EQ_MSG(test, after->refused_global, before->refused_global + 1,
				    "refusals of \"%*pE\"", t->in ? len : 0, t->in);
		after->refused_global--;
	} else {
		KUNIT_EXPECT_EQ_MSG(test, after->refused, before->refused + 1,
				    "refusals of \"%*pE\"", t->in ? len : 0, t->in);
		after->refused--;
	}
	KUNIT_EXPECT_EQ_MSG(test, memcmp(before, after, sizeof(*before)), 0,
			    "\"%*pE\" changed something", t->in ? len : 0, t->in);
	/* The next refusal starts from here: one more counted. */
	if (global)
		before->refused_global++;
	else
		before->refused++;
}

static struct kbuddy_pool *dt_pool(struct kunit *test)
{
	struct kbuddy_pool *pool = kbt_new_pool(test, DT_MAX_ORDER);

	kbt_add_mem(test, pool, DT_PHYS, DT_SIZE);
	/* The writes below go through the pool's debugfs state. */
	KUNIT_ASSERT_NOT_NULL(test, pool->debugfs);
	return pool;
}

static ssize_t dt_blocks(struct kbuddy_pool *pool, const char *s)
{
	return kbuddy_debugfs_blocks_write(pool, s, strlen(s));
}

/* Back to a pristine pool: nothing held, nothing parked. */
static void dt_blocks_reset(struct kunit *test, struct kbuddy_pool *pool)
{
	KUNIT_EXPECT_EQ(test, dt_blocks(pool, "free all"), 8L);
	KUNIT_EXPECT_EQ(test, dt_blocks(pool, "drain"), 5L);
	KUNIT_EXPECT_EQ(test, dt_blocks(pool, "shrink"), 6L);
	KUNIT_EXPECT_EQ(test, kbuddy_debugfs_held(pool), 0UL);
	kbt_expect_pool_ok(test, pool);
}

/* ==== blocks ============================================================= */

static const struct dt_input dt_blocks_refused[] = {
	/* Empty, blank, unknown. */
	DT_NO("", -EINVAL),
	DT_NO("\n", -EINVAL),
	DT_NO(" \t\n", -EINVAL),
	DT_NO("bogus", -EINVAL),
	DT_NO("ALLOC 1", -EINVAL),
	DT_NO("allocate 1", -EINVAL),
	DT_NO("\xff\xfe\x80 alloc 1", -EINVAL),
	DT_NO("alloc\n1", -EINVAL),
	DT_NO("alloc,1", -EINVAL),
	/* Partial. */
	DT_NO("alloc", -EINVAL),
	DT_NO("alloc ", -EINVAL),
	DT_NO("malloc", -EINVAL),
	DT_NO("free", -EINVAL),
	DT_NO("fr", -EINVAL),
	/* Garbage before or after. */
	DT_NO("xalloc 1", -EINVAL),
	DT_NO("alloc 1x", -EINVAL),
	DT_NO("alloc x1", -EINVAL),
	DT_NO("alloc 0 1 2", -EINVAL),
	DT_NO("alloc 0 1x", -EINVAL),
	DT_NO("alloc 0x", -EINVAL),
	DT_NO("alloc 08", -EINVAL),
	DT_NO("alloc 1.0", -EINVAL),
	DT_NO("malloc 1 2 3", -EINVAL),
	DT_NO("free all now", -EINVAL),
	DT_NO("free ALL", -EINVAL),
	DT_NO("drain now", -EINVAL),
	DT_NO("drainx", -EINVAL),
	DT_NO("shrink 1", -EINVAL),
	/* NUL bytes inside: never a shorter command. */
	DT_NO("alloc 1\0", -EINVAL),
	DT_NO("alloc 1\0garbage", -EINVAL),
	DT_NO("\0alloc 1", -EINVAL),
	DT_NO("free all\0", -EINVAL),
	DT_NO("drain\0\n", -EINVAL),
	/* Out of range: orders, counts and sizes at the edges of their types. */
	DT_NO("alloc 11", -EINVAL),
	DT_NO("alloc -1", -EINVAL),
	DT_NO("alloc 4294967295", -EINVAL),
	DT_NO("alloc 4294967296", -EINVAL),
	DT_NO("alloc 18446744073709551615", -EINVAL),
	DT_NO("alloc 18446744073709551616", -EINVAL),
	DT_NO("alloc 0xffffffff", -EINVAL),
	DT_NO("alloc 0 0", -EINVAL),
	DT_NO("alloc 0 -1", -EINVAL),
	DT_NO("alloc 0 1025", -EINVAL),
	DT_NO("alloc 10 2", -EINVAL),
	DT_NO("alloc 0 4294967296", -EINVAL),
	DT_NO("alloc 0 9223372036854775808", -EINVAL),
	DT_NO("alloc 0 18446744073709551615", -EINVAL),
	DT_NO("alloc 0 18446744073709551616", -EINVAL),
	DT_NO("malloc 0", -EINVAL),
	DT_NO("malloc -1", -EINVAL),
	DT_NO("malloc 4194305", -EINVAL),
	DT_NO("malloc 2147483648", -EINVAL),
	DT_NO("malloc 18446744073709551615", -EINVAL),
	DT_NO("malloc 18446744073709551616", -EINVAL),
	DT_NO("malloc 8 0", -EINVAL),
	DT_NO("malloc 8 524289", -EINVAL),
	DT_NO("malloc 8 18446744073709551615", -EINVAL),
	/* More than the file holds: refused before anything is allocated. */
	DT_NO("malloc 8 65537", -ENOSPC),
	/* Not a block held here. */
	DT_NO("free 0x1234", -EINVAL),
	DT_NO("free 0", -EINVAL),
	DT_NO("free -1", -EINVAL),
	DT_NO("free 18446744073709551615", -EINVAL),
	DT_NO("free 0x10000000000000000", -EINVAL),
	DT_NO("free 0x700000000 0x700000000", -EINVAL),
	/* Ids: missing, not decimal, not held, out of range, too many words. */
	DT_NO("free id", -EINVAL),
	DT_NO("free id x", -EINVAL),
	DT_NO("free id 0x1", -EINVAL),
	DT_NO("free id -1", -EINVAL),
	DT_NO("free id 0", -EINVAL),
	DT_NO("free id 999999", -EINVAL),
	DT_NO("free id 18446744073709551616", -EINVAL),
	DT_NO("free id 1 2", -EINVAL),
	DT_NO("free ID 1", -EINVAL),
	/* Oversized: refused unread. */
	DT_NO("alloc 0                          \t"
	      "                              1", -EINVAL),
	/* The writer's buffer cannot be read. */
	{ NULL, 7, -EFAULT, 0 },
};

static void kbuddy_debugfs_blocks_refused_change_nothing(struct kunit *test)
{
	struct kbuddy_pool *pool = dt_pool(test);
	struct dt_state *before;
	unsigned int i;

	/* Something held and something parked, so that a change would show. */
	KUNIT_ASSERT_EQ(test, dt_blocks(pool, "alloc 3"), 7L);
	KUNIT_ASSERT_EQ(test, dt_blocks(pool, "malloc 64 3"), 11L);
	before = dt_snap_alloc(test, pool);
	for (i = 0; i < ARRAY_SIZE(dt_blocks_refused); i++) {
		const struct dt_input *t = &dt_blocks_refused[i];

		dt_expect_refused(test, pool, t,
				  kbuddy_debugfs_blocks_write(pool, t->in, t->len),
				  before, false);
	}
	kbt_expect_pool_ok(test, pool);
	dt_blocks_reset(test, pool);
}

static const struct dt_input dt_blocks_accepted[] = {
	DT_OK("alloc 0", 1),
	DT_OK("alloc 0\n", 1),
	DT_OK("  alloc\t3  2\t\n\n", 2),
	DT_OK("alloc 0x3", 1),
	DT_OK("alloc 010", 1),		/* octal: order 8 */
	DT_OK("alloc +2", 1),
	DT_OK("alloc 10", 1),		/* the whole pool */
	DT_OK("alloc 0 1024", 1024),
	DT_OK("malloc 1", 1),
	DT_OK("malloc 4194304", 1),	/* the largest block */
	DT_OK("malloc 64 3\n", 3),
	DT_OK("drain", 0),
	DT_OK("shrink\n", 0),
	DT_OK("free all", 0),
	/* 64 bytes, the most the file takes. */
	DT_OK("alloc 0                         \t"
	      "                              1", 1),
};

static void kbuddy_debugfs_blocks_accepted(struct kunit *test)
{
	struct kbuddy_pool *pool = dt_pool(test);
	unsigned long refused = kbuddy_debugfs_refused(pool);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dt_blocks_accepted); i++) {
		const struct dt_input *t = &dt_blocks_accepted[i];

		KUNIT_EXPECT_EQ_MSG(test, kbuddy_debugfs_blocks_write(pool, t->in, t->len),
				    (ssize_t)t->len, "input \"%*pE\"", (int)t->len, t->in);
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_debugfs_held(pool), (unsigned long)t->held,
				    "held after \"%*pE\"", (int)t->len, t->in);
		KUNIT_EXPECT_EQ(test, kbuddy_debugfs_refused(pool), refused);
		kbt_expect_pool_ok(test, pool);
		dt_blocks_reset(test, pool);
		refused = kbuddy_debugfs_refused(pool);
	}
}

/* free PHYS of a held block, then of the same block again; out of memory. */
static void kbuddy_debugfs_blocks_free_and_exhaustion(struct kunit *test)
{
	static const struct dt_input again = DT_NO("free 0x700000000", -EINVAL);
	static const struct dt_input nomem = DT_NO("alloc 0", -ENOMEM);
	static const struct dt_input nomem_malloc = DT_NO("malloc 8 2", -ENOMEM);
	struct kbuddy_pool *pool = dt_pool(test);
	struct dt_state *before;

	KUNIT_ASSERT_EQ(test, DT_PHYS, (phys_addr_t)0x700000000ULL);
	/* The pool's one order-10 block is at its base. */
	KUNIT_ASSERT_EQ(test, dt_blocks(pool, "alloc 10"), 8L);
	before = dt_snap_alloc(test, pool);
	dt_expect_refused(test, pool, &nomem, dt_blocks(pool, nomem.in), before, false);
	dt_expect_refused(test, pool, &nomem_malloc, dt_blocks(pool, nomem_malloc.in),
			  before, false);
	KUNIT_EXPECT_EQ(test, dt_blocks(pool, "free 0x700000000\n"), 17L);
	KUNIT_EXPECT_EQ(test, kbuddy_debugfs_held(pool), 0UL);
	before = dt_snap_alloc(test, pool);
	dt_expect_refused(test, pool, &again, dt_blocks(pool, again.in), before, false);
	dt_blocks_reset(test, pool);
}

/* ==== fault/ knobs ======================================================= */

struct dt_knob_input {
	enum kbuddy_fault_knob knob;
	struct dt_input t;
	long val;		/* accepted: the knob's value afterwards */
};

#define P KBUDDY_FAULT_PROBABILITY
#define I KBUDDY_FAULT_INTERVAL
#define T KBUDDY_FAULT_TIMES
#define N KBUDDY_FAULT_NTH
#define S KBUDDY_FAULT_SITES
#define DT_KNO(k, s)		{ k, DT_NO(s, -EINVAL), 0 }
#define DT_KOK(k, s, v)		{ k, DT_OK(s, 0), v }

static const struct dt_knob_input dt_knobs_refused[] = {
	/* Every knob: empty, blank, NULs, garbage, not decimal. */
	DT_KNO(P, ""), DT_KNO(I, ""), DT_KNO(T, ""), DT_KNO(N, ""), DT_KNO(S, ""),
	DT_KNO(P, "\n"), DT_KNO(I, " \t"), DT_KNO(T, "\n\n"), DT_KNO(N, " "), DT_KNO(S, "\n"),
	DT_KNO(P, "\0"), DT_KNO(I, "1\0"), DT_KNO(T, "1\0002"), DT_KNO(N, "\0001"),
	DT_KNO(S, "block\0"), DT_KNO(S, "all\0none"),
	DT_KNO(P, "x"), DT_KNO(P, "5x"), DT_KNO(P, "x5"), DT_KNO(P, "5 5"), DT_KNO(P, "1.5"),
	DT_KNO(P, "1e2"), DT_KNO(P, "0x10"), DT_KNO(P, "+"), DT_KNO(P, "--1"), DT_KNO(P, "\xff"),
	DT_KNO(N, "0x10"), DT_KNO(N, "1 2"), DT_KNO(N, "one"), DT_KNO(I, "1,"),
	/* Out of range, at the edges of int and long. */
	DT_KNO(P, "101"), DT_KNO(P, "-1"), DT_KNO(P, "4294967396"),
	DT_KNO(P, "9223372036854775807"), DT_KNO(P, "9223372036854775808"),
	DT_KNO(P, "-9223372036854775808"), DT_KNO(P, "-9223372036854775809"),
	DT_KNO(P, "18446744073709551616"),
	DT_KNO(I, "0"), DT_KNO(I, "-1"), DT_KNO(I, "2147483648"), DT_KNO(I, "4294967297"),
	DT_KNO(T, "-2"), DT_KNO(T, "2147483648"), DT_KNO(T, "-2147483648"),
	DT_KNO(T, "4294967295"),
	DT_KNO(N, "-1"), DT_KNO(N, "2147483648"), DT_KNO(N, "4294967296"),
	DT_KNO(N, "99999999999999999999999999"),
	/* Sites: unknown names, other separators, all/none not alone. */
	DT_KNO(S, "bogus"), DT_KNO(S, "BLOCK"), DT_KNO(S, "block,bogus"),
	DT_KNO(S, "block\tslab"), DT_KNO(S, "block;slab"), DT_KNO(S, ","), DT_KNO(S, " , ,"),
	DT_KNO(S, "all none"), DT_KNO(S, "block all"), DT_KNO(S, "none,none"),
	DT_KNO(S, "blocks"), DT_KNO(S, "bloc"), DT_KNO(S, "0"), DT_KNO(S, "1023"),
};

static const struct dt_knob_input dt_knobs_accepted[] = {
	DT_KOK(P, "0", 0), DT_KOK(P, "100\n", 100), DT_KOK(P, " 50 ", 50), DT_KOK(P, "+7", 7),
	DT_KOK(P, "010", 10),
	DT_KOK(I, "1", 1), DT_KOK(I, "2147483647", 2147483647),
	DT_KOK(T, "-1", -1), DT_KOK(T, "0", 0), DT_KOK(T, "2147483647\n", 2147483647),
	DT_KOK(N, "0", 0), DT_KOK(N, "2147483647", 2147483647), DT_KOK(N, "010", 10),
	DT_KOK(S, "none", 0), DT_KOK(S, "block", BIT(KBUDDY_FAULT_BLOCK)),
	DT_KOK(S, "block,slab slab_desc\n",
	       BIT(KBUDDY_FAULT_BLOCK) | BIT(KBUDDY_FAULT_SLAB) | BIT(KBUDDY_FAULT_SLAB_DESC)),
	DT_KOK(S, " ,pool_create, ", BIT(KBUDDY_FAULT_POOL_CREATE)),
	DT_KOK(S, "all\n", BIT(KBUDDY_NR_FAULT_SITES) - 1),
};

static void dt_knobs_refused_on(struct kunit *test, struct kbuddy_pool *pool,
				struct kbuddy_fault *f)
{
	struct dt_state *before = dt_snap_alloc(test, pool);
	char big[258];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dt_knobs_refused); i++) {
		const struct dt_knob_input *k = &dt_knobs_refused[i];

		dt_expect_refused(test, pool, &k->t,
				  kbuddy_debugfs_fault_write(f, k->knob, k->t.in, k->t.len),
				  before, f == &kbuddy_fault_global);
	}
	/* 256 bytes or more, refused unread; 255 digits are out of range. */
	memset(big, '1', sizeof(big));
	for (i = 0; i < KBUDDY_NR_FAULT_KNOBS; i++) {
		struct dt_input t[] = {
			{ big, 256, -EINVAL, 0 }, { big, 258, -EINVAL, 0 },
			{ big, 255, -EINVAL, 0 }, { NULL, 2, -EFAULT, 0 },
		};
		unsigned int j;

		for (j = 0; j < ARRAY_SIZE(t); j++)
			dt_expect_refused(test, pool, &t[j],
					  kbuddy_debugfs_fault_write(f, i, t[j].in, t[j].len),
					  before, f == &kbuddy_fault_global);
	}
}

static void kbuddy_debugfs_fault_refused_change_nothing(struct kunit *test)
{
	struct kbuddy_pool *pool = dt_pool(test);

	/* Knobs away from their defaults, so that a reset would show. */
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(&pool->fault, KBUDDY_FAULT_INTERVAL, 3), 0);
	KUNIT_ASSERT_EQ(test, kbuddy_fault_set(&pool->fault, KBUDDY_FAULT_SITES,
					       BIT(KBUDDY_FAULT_MALLOC)), 0);
	dt_knobs_refused_on(test, pool, &pool->fault);
	dt_knobs_refused_on(test, pool, &kbuddy_fault_global);
}

static void dt_knobs_accepted_on(struct kunit *test, struct kbuddy_pool *pool,
				 struct kbuddy_fault *f)
{
	unsigned long refused = kbuddy_debugfs_refused(pool);
	unsigned long refused_global = kbuddy_debugfs_refused(NULL);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dt_knobs_accepted); i++) {
		const struct dt_knob_input *k = &dt_knobs_accepted[i];
		long old = kbuddy_fault_get(f, k->knob);

		KUNIT_EXPECT_EQ_MSG(test, kbuddy_debugfs_fault_write(f, k->knob, k->t.in, k->t.len),
				    (ssize_t)k->t.len, "input \"%*pE\"", (int)k->t.len, k->t.in);
		KUNIT_EXPECT_EQ_MSG(test, kbuddy_fault_get(f, k->knob), k->val,
				    "value after \"%*pE\"", (int)k->t.len, k->t.in);
		/* Back at once: an armed global nth would fail the next pool's creation. */
		KUNIT_EXPECT_EQ(test, kbuddy_fault_set(f, k->knob, old), 0);
	}
	KUNIT_EXPECT_EQ(test, kbuddy_debugfs_refused(pool), refused);
	KUNIT_EXPECT_EQ(test, kbuddy_debugfs_refused(NULL), refused_global);
}

static void kbuddy_debugfs_fault_accepted(struct kunit *test)
{
	struct kbuddy_pool *pool = dt_pool(test);

	dt_knobs_accepted_on(test, pool, &pool->fault);
	dt_knobs_accepted_on(test, pool, &kbuddy_fault_global);
}

#undef P
#undef I
#undef T
#undef N
#undef S

static struct kunit_case kbuddy_debugfs_cases[] = {
	KUNIT_CASE(kbuddy_debugfs_blocks_refused_change_nothing),
	KUNIT_CASE(kbuddy_debugfs_blocks_accepted),
	KUNIT_CASE(kbuddy_debugfs_blocks_free_and_exhaustion),
	KUNIT_CASE(kbuddy_debugfs_fault_refused_change_nothing),
	KUNIT_CASE(kbuddy_debugfs_fault_accepted),
	{}
};

static struct kunit_suite kbuddy_debugfs_suite = {
	.name = "kbuddy_debugfs",
	.init = kbt_init_one_cpu,
	.exit = kbt_exit,
	.test_cases = kbuddy_debugfs_cases,
};

kunit_test_suite(kbuddy_debugfs_suite);

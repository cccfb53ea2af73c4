// SPDX-License-Identifier: GPL-2.0
/*
 * Sparse nomap regions (KBUDDY_POOL_SPARSE): descriptors in radix-tree
 * leaves created as block heads appear, merges decided by the buddy's
 * descriptor instead of pair bitmaps. Checked four ways:
 *
 *   differential  the same random constrained operations (kbuddy_alloc_contig()
 *                 with every placement policy, range, alignment, boundary
 *                 and top-down; kbuddy_alloc_blocks(); trims; frees with and
 *                 without KBUDDY_FREE_CLEARED) on a flat and a sparse pool
 *                 over the same pfns: the same answers, and after every step
 *                 the same blocks, the same free lists in the same order, the
 *                 same clear states and counters; both validate clean. Some
 *                 steps have the sparse pool's leaf allocations fail: the
 *                 operation must then refuse with -ENOMEM, the pool exactly
 *                 as it was.
 *   huge          a region of 2^36 pages with max_order 40: what runs cost in
 *                 leaves is bounded by the blocks they make, not the range;
 *                 validate and the leak walk run over it; all freed, the
 *                 region is one free block again.
 *   blocks-nomem  kbuddy_alloc_blocks() whose records fail half way gives
 *                 back what it took.
 *   validate      the checker finds what a sparse region can get wrong:
 *                 unmerged free buddies (no bitmaps to show it), a list
 *                 entry's stored pfn, a missing head; and a write to the
 *                 shared absent descriptor faults (it is read-only).
 *   race          a take that found descriptors missing drops the lock to
 *                 make them; another CPU takes its place meanwhile; the
 *                 first finds another place: nothing handed out twice.
 *
 *   sparse [--seeds A-B] [--steps N]   (1-64, 400: fresh pools often, as
 *                                        leaves are made when a pool is young)
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kernel.h>

#include "internal.h"
#include "harness.h"

static int failed;

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

static void result(const char *name, bool ok, const char *fmt, ...)
{
	va_list args;

	if (ok) {
		printf("ok %s\n", name);
		return;
	}
	printf("FAIL %s: ", name);
	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	printf("\n");
	failed = 1;
}

static void quiet(void *ctx, const char *fmt, va_list args)
{
	if (ctx)
		vfprintf(stderr, fmt, args);
}

static unsigned long problems(struct kbuddy_pool *pool, bool loud)
{
	return kbuddy_regions_validate(pool, quiet, loud ? pool : NULL);
}

static unsigned long long rng;

static unsigned long rnd(unsigned long n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

/* ==== Differential ======================================================== */

static char diff_why[512];

/* Do @a (flat) and @b (sparse) hold the same blocks, lists and counters? */
static bool same_state(struct kbuddy_pool *a, struct kbuddy_pool *b)
{
	struct kbuddy_region *ra = &a->regions[0], *rb = &b->regions[0];
	unsigned long pfn, end = kbuddy_region_end_pfn(ra);
	unsigned int o, c;

	diff_why[0] = '\0';
	if (a->nr_free != b->nr_free || ra->nr_free != rb->nr_free) {
		snprintf(diff_why, sizeof(diff_why), "free pages %lu vs %lu",
			 a->nr_free, b->nr_free);
		return false;
	}
	for (c = 0; c < KBUDDY_NR_COUNTERS; c++)
		if (a->stats.counter[c] != b->stats.counter[c]) {
			snprintf(diff_why, sizeof(diff_why), "counter %s %lu vs %lu",
				 kbuddy_counter_names[c], a->stats.counter[c],
				 b->stats.counter[c]);
			return false;
		}
	for (o = 0; o < a->max_order; o++) {
		struct list_head *x = ra->free_area[o].free_list.next;
		struct list_head *y = rb->free_area[o].free_list.next;

		if (ra->free_area[o].nr_free != rb->free_area[o].nr_free ||
		    a->stats.alloc[o] != b->stats.alloc[o] ||
		    a->stats.free[o] != b->stats.free[o]) {
			snprintf(diff_why, sizeof(diff_why), "order %u: nr_free or counts differ", o);
			return false;
		}
		for (; x != &ra->free_area[o].free_list; x = x->next, y = y->next) {
			struct kbuddy_page *pa = list_entry(x, struct kbuddy_page, lru);
			struct kbuddy_page *pb = list_entry(y, struct kbuddy_page, lru);

			if (kbuddy_desc_pfn(ra, pa) != kbuddy_desc_pfn(rb, pb) ||
			    pa->clear != pb->clear) {
				snprintf(diff_why, sizeof(diff_why),
					 "order %u: list has %#lx (clear %u) vs %#lx (clear %u)", o,
					 kbuddy_desc_pfn(ra, pa), pa->clear,
					 kbuddy_desc_pfn(rb, pb), pb->clear);
				return false;
			}
		}
	}
	for (pfn = ra->base_pfn; pfn < end;) {
		struct kbuddy_page *pa = kbuddy_pfn_desc(ra, pfn);
		struct kbuddy_page *pb = kbuddy_pfn_desc(rb, pfn);

		/*
		 * A held block's clear state was its taker's, read once; after
		 * a trim a kept head keeps whatever its descriptor held, which a
		 * leaf made again has lost. Free blocks' clear state counts.
		 */
		if (pa->state != pb->state || pa->order != pb->order ||
		    (pa->state == KBUDDY_PAGE_FREE && pa->clear != pb->clear) ||
		    pa->tag != pb->tag ||
		    (pa->state == KBUDDY_PAGE_ALLOC && pa->run_pages != pb->run_pages)) {
			snprintf(diff_why, sizeof(diff_why),
				 "pfn %#lx: state %u/%u order %u/%u clear %u/%u tag %#lx/%#lx",
				 pfn, pa->state, pb->state, pa->order, pb->order, pa->clear,
				 pb->clear, pa->tag, pb->tag);
			return false;
		}
		if (pa->state == KBUDDY_PAGE_NONE) {
			snprintf(diff_why, sizeof(diff_why), "pfn %#lx: no block head", pfn);
			return false;
		}
		pfn += 1UL << pa->order;
	}
	return true;
}

/* What the test holds: a run, or a list of blocks. */
struct held {
	bool list;
	unsigned int n;
	struct kbuddy_contig c[16];
};

#define MAX_HELD	64

static struct held held[MAX_HELD];
static unsigned int nr_held;
/* Operations done, and refused for the sparse pool's records. */
static unsigned long nr_ok, nr_refused;

/* A random constraint over region @r: sometimes none, sometimes absurd. */
static struct kbuddy_constraint rnd_con(struct kbuddy_region *r, unsigned int max_order,
					bool policy)
{
	struct kbuddy_constraint con = { 0 };
	u64 bytes = (u64)r->nr_pages << PAGE_SHIFT;

	if (rnd(3) == 0)
		con.align = PAGE_SIZE << rnd(max_order + 1);
	if (rnd(3) == 0) {
		con.start = r->phys + (rnd(r->nr_pages + 8) << PAGE_SHIFT) - 4 * PAGE_SIZE;
		con.end = con.start + ((1 + rnd(r->nr_pages)) << PAGE_SHIFT);
	}
	if (rnd(4) == 0)
		con.boundary = PAGE_SIZE << rnd(max_order + 2);
	if (rnd(3) == 0)
		con.flags |= KBUDDY_CONTIG_TOPDOWN;
	if (policy && rnd(2))
		con.flags |= (KBUDDY_CONTIG_NEXT_FIT << rnd(3)) & KBUDDY_CONTIG_POLICY;
	(void)bytes;
	return con;
}

/*
 * One random operation on @flat and @sparse. @inject: the sparse pool's
 * leaf allocations fail for a while. Return: false with diff_why set.
 */
static bool diff_step(struct kbuddy_pool *flat, struct kbuddy_pool *sparse, bool inject)
{
	struct kbuddy_region *r = &flat->regions[0];
	unsigned int op = rnd(10), i;
	struct kbuddy_constraint con;
	struct held hs = { 0 }, hf = { 0 };
	unsigned long pages;
	int ra = -1, rb, fail_left;

	if (op < 4 && nr_held < MAX_HELD) {
		/* A run: mostly small, sometimes beyond the largest block. */
		pages = rnd(4) ? 1 + rnd(40) : 1 + rnd(4UL << flat->max_order);
		con = rnd_con(r, flat->max_order, true);
		kshim_xa_fail = inject ? 1 + rnd(3) : 0;
		rb = kbuddy_alloc_contig(sparse, pages << PAGE_SHIFT, &con, GFP_KERNEL, &hs.c[0]);
		fail_left = kshim_xa_fail;
		kshim_xa_fail = 0;
		if (inject && rb == -ENOMEM && fail_left < 3) {
			/* Refused for its records: nothing may have changed. */
			nr_refused++;
			return same_state(flat, sparse);
		}
		ra = kbuddy_alloc_contig(flat, pages << PAGE_SHIFT, &con, GFP_KERNEL, &hf.c[0]);
		if (ra != rb || (!ra && (hf.c[0].phys != hs.c[0].phys ||
					 hf.c[0].size != hs.c[0].size))) {
			snprintf(diff_why, sizeof(diff_why),
				 "alloc_contig %lu pages flags %#x: %d at %#llx vs %d at %#llx",
				 pages, con.flags, ra, (u64)hf.c[0].phys, rb, (u64)hs.c[0].phys);
			return false;
		}
		if (!ra) {
			hf.n = 1;
			held[nr_held++] = hf;
		}
	} else if (op < 5 && nr_held < MAX_HELD) {
		unsigned int na = 0, nb = 0;

		pages = 1 + rnd(rnd(2) ? 64 : r->nr_pages / 4);
		/* Half with no constraint: blocks straight off the free lists. */
		con = rnd(2) ? rnd_con(r, flat->max_order, false) : (struct kbuddy_constraint){ 0 };
		rb = kbuddy_alloc_blocks(sparse, pages << PAGE_SHIFT, &con, GFP_KERNEL,
					 hs.c, 16, &nb);
		ra = kbuddy_alloc_blocks(flat, pages << PAGE_SHIFT, &con, GFP_KERNEL,
					 hf.c, 16, &na);
		if (ra != rb || na != nb) {
			snprintf(diff_why, sizeof(diff_why), "alloc_blocks: %d (%u) vs %d (%u)",
				 ra, na, rb, nb);
			return false;
		}
		for (i = 0; !ra && i < na; i++)
			if (hf.c[i].phys != hs.c[i].phys || hf.c[i].size != hs.c[i].size) {
				snprintf(diff_why, sizeof(diff_why), "alloc_blocks: block %u differs", i);
				return false;
			}
		if (!ra) {
			hf.list = true;
			hf.n = na;
			held[nr_held++] = hf;
		}
	} else if (op < 7 && nr_held) {
		struct held *h = &held[rnd(nr_held)];
		size_t new_size;

		if (h->list)
			return true;
		new_size = (1 + rnd(h->c[0].size >> PAGE_SHIFT)) << PAGE_SHIFT;
		hs = *h;
		kshim_xa_fail = inject ? 1 + rnd(3) : 0;
		rb = kbuddy_trim_contig(sparse, &hs.c[0], new_size);
		fail_left = kshim_xa_fail;
		kshim_xa_fail = 0;
		if (inject && rb == -ENOMEM) {
			if (fail_left == 3 || hs.c[0].size != h->c[0].size) {
				snprintf(diff_why, sizeof(diff_why), "trim: -ENOMEM with no injected failure, or size changed");
				return false;
			}
			nr_refused++;
			return same_state(flat, sparse);
		}
		ra = kbuddy_trim_contig(flat, &h->c[0], new_size);
		if (ra != rb || h->c[0].size != hs.c[0].size) {
			snprintf(diff_why, sizeof(diff_why), "trim: %d vs %d", ra, rb);
			return false;
		}
	} else if (nr_held) {
		unsigned int k = rnd(nr_held);
		struct held *h = &held[k];
		unsigned int flags = rnd(2) ? KBUDDY_FREE_CLEARED : 0;

		if (h->list) {
			rb = kbuddy_free_blocks(sparse, h->c, h->n);
			ra = kbuddy_free_blocks(flat, h->c, h->n);
		} else {
			rb = kbuddy_free_contig_flags(sparse, &h->c[0], flags);
			ra = kbuddy_free_contig_flags(flat, &h->c[0], flags);
		}
		if (ra || rb) {
			snprintf(diff_why, sizeof(diff_why), "free: %d vs %d", ra, rb);
			return false;
		}
		/* A second free is refused by both, nothing changed. */
		if (rnd(8) == 0 && !h->list &&
		    (kbuddy_free_contig(sparse, &h->c[0]) != -EINVAL ||
		     kbuddy_free_contig(flat, &h->c[0]) != -EINVAL)) {
			snprintf(diff_why, sizeof(diff_why), "double free not refused");
			return false;
		}
		held[k] = held[--nr_held];
	}
	nr_ok += !ra;
	return same_state(flat, sparse);
}

static void differential(unsigned int seed_lo, unsigned int seed_hi, unsigned int steps)
{
	unsigned int seed, step;
	unsigned long injected = 0;

	for (seed = seed_lo; seed <= seed_hi; seed++) {
		unsigned int max_order;
		unsigned long base, pages;
		struct kbuddy_pool *flat, *sparse;

		rng = 0x9e3779b97f4a7c15ULL * (seed + 1);
		max_order = 2 + rnd(11);
		/* Unaligned starts and ends; sometimes far above 4 GiB. */
		base = (rnd(2) ? 1UL << 20 : 1UL << 36) + rnd(1UL << 12);
		pages = 1 + rnd(rnd(2) ? 300 : 20000);
		flat = harness_nomap_pool(base, pages, max_order, false);
		sparse = harness_nomap_pool(base, pages, max_order, true);
		nr_held = 0;
		if (!flat || !sparse || !same_state(flat, sparse)) {
			result("sparse_differential", false, "seed %u: pools differ from the start: %s",
			       seed, diff_why);
			return;
		}
		for (step = 0; step < steps; step++) {
			bool inject = rnd(6) == 0;

			injected += inject;
			if (!diff_step(flat, sparse, inject)) {
				result("sparse_differential", false, "seed %u step %u (max_order %u, %lu pages at %#lx): %s",
				       seed, step, max_order, pages, base, diff_why);
				return;
			}
			if (problems(sparse, true) || problems(flat, true)) {
				result("sparse_differential", false, "seed %u step %u: validate found problems",
				       seed, step);
				return;
			}
		}
		while (nr_held) {
			struct held *h = &held[--nr_held];

			if (h->list ? kbuddy_free_blocks(sparse, h->c, h->n) ||
				      kbuddy_free_blocks(flat, h->c, h->n) :
				      kbuddy_free_contig(sparse, &h->c[0]) ||
				      kbuddy_free_contig(flat, &h->c[0])) {
				result("sparse_differential", false, "seed %u: final free refused", seed);
				return;
			}
		}
		if (!same_state(flat, sparse) || sparse->nr_free != pages || problems(sparse, true)) {
			result("sparse_differential", false, "seed %u: all freed, not as at the start: %s",
			       seed, diff_why);
			return;
		}
	}
	result("sparse_differential", true, "");
	printf("# sparse_differential: seeds %u-%u, %u steps each: %lu operations done, %lu refused for records (of %lu steps with leaf allocations failing)\n",
	       seed_lo, seed_hi, steps, nr_ok, nr_refused, injected);
}

/* ==== A huge region ======================================================= */

static void huge(void)
{
	const unsigned long pages = 1UL << 36, base = 1UL << 38;
	struct kbuddy_pool *pool = harness_nomap_pool(base, pages, 40, true);
	static struct kbuddy_contig runs[256];
	unsigned long leaves, blocks = 0, i, reported;
	long leaves0;
	struct kbuddy_region *r;
	bool ok = true;

	if (!pool) {
		result("sparse_huge", false, "no pool");
		return;
	}
	r = &pool->regions[0];
	leaves0 = kshim_xa_entries;
	rng = 42;
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		struct kbuddy_constraint con = { 0 };
		unsigned long npages = 1 + rnd(1000);

		/* Spread over the whole range, and at its top. */
		con.start = r->phys + (rnd(pages - 2048) << PAGE_SHIFT);
		if (i % 4 == 3)
			con.flags = KBUDDY_CONTIG_TOPDOWN;
		if (kbuddy_alloc_contig(pool, npages << PAGE_SHIFT, &con, GFP_KERNEL, &runs[i])) {
			ok = false;
			break;
		}
		blocks += hweight_long(npages);
	}
	leaves = kshim_xa_entries - leaves0;
	/*
	 * Each run makes at most its blocks' heads plus the pieces of the free
	 * blocks at its ends, about 2 x 36 heads, each in at most one new leaf:
	 * bounded by what is allocated, not by 2^36 pages (which as flat
	 * descriptors would be 2 TiB).
	 */
	result("sparse_huge_alloc", ok && leaves <= ARRAY_SIZE(runs) * (2 * 36 + 10),
	       "%lu runs: %s, %lu leaves", i, ok ? "allocated" : "refused", leaves);
	result("sparse_huge_validate", !problems(pool, true), "validate found problems");
	reported = kbuddy_region_report_used(pool, r, NULL, NULL);
	result("sparse_huge_leak_walk", reported == blocks,
	       "the leak walk found %lu blocks allocated, want %lu", reported, blocks);
	for (i = 0; i < ARRAY_SIZE(runs); i++)
		if (kbuddy_free_contig(pool, &runs[i]))
			ok = false;
	result("sparse_huge_freed",
	       ok && pool->nr_free == pages && r->free_area[36].nr_free == 1 &&
	       kbuddy_pfn_desc(r, base)->order == 36 && !problems(pool, true),
	       "after the frees the region is not one free block of order 36");
	/* The leaves went with the heads: one block, one leaf again. */
	result("sparse_huge_leaves_given_back", kshim_xa_entries - leaves0 == 0,
	       "%ld leaves left after every run was freed", kshim_xa_entries - leaves0);
	printf("# sparse_huge: 2^36 pages, %lu runs (%lu blocks): %lu leaves of 512 bytes (%lu KiB); %ld after the frees\n",
	       ARRAY_SIZE(runs), blocks, leaves, leaves / 2, kshim_xa_entries - leaves0);

	/*
	 * Churn: a page allocated at a random place and freed, 20,000 times.
	 * Each cuts the one free block into ~2 x 36 pieces in as many leaves;
	 * its free merges them back and gives the leaves back.
	 */
	for (i = 0; i < 20000 && ok; i++) {
		struct kbuddy_constraint con = {
			.start = r->phys + (rnd(pages - 16) << PAGE_SHIFT),
		};

		ok = !kbuddy_alloc_contig(pool, PAGE_SIZE, &con, GFP_KERNEL, &runs[0]) &&
		     !kbuddy_free_contig(pool, &runs[0]);
	}
	result("sparse_huge_churn", ok && kshim_xa_entries - leaves0 == 0 &&
	       pool->nr_free == pages && !problems(pool, true),
	       "%lu pairs, %ld leaves left", i, kshim_xa_entries - leaves0);
}

/* ==== kbuddy_alloc_blocks() out of records half way ====================== */

static void blocks_nomem(void)
{
	struct kbuddy_pool *pool = harness_nomap_pool(1UL << 20, 4096, 11, true);
	struct kbuddy_constraint con = { 0 };
	struct kbuddy_contig b[16];
	unsigned long free0, leaves0;
	unsigned int n = 0;
	int ret;

	if (!pool) {
		result("sparse_blocks_nomem", false, "no pool");
		return;
	}
	free0 = pool->nr_free;
	/*
	 * 1024 + 512 + 256 + 8 pages: the first block is a free top block
	 * (no split, no new head); the second splits one, whose halves need
	 * a leaf of their own (page 1024 + 512 is leaves away), which fails.
	 */
	leaves0 = kshim_xa_entries;
	kshim_xa_fail = 1;
	ret = kbuddy_alloc_blocks(pool, 1800 * PAGE_SIZE, &con, GFP_KERNEL, b, 16, &n);
	kshim_xa_fail = 0;
	result("sparse_blocks_nomem", ret == -ENOMEM && pool->nr_free == free0 &&
	       kshim_xa_entries == leaves0 && !problems(pool, true),
	       "returned %d, %lu of %lu pages free", ret, pool->nr_free, free0);
	ret = kbuddy_alloc_blocks(pool, 1800 * PAGE_SIZE, &con, GFP_KERNEL, b, 16, &n);
	result("sparse_blocks_after_nomem", !ret && n == 4 && !kbuddy_free_blocks(pool, b, n) &&
	       pool->nr_free == free0 && !problems(pool, true),
	       "returned %d, %u blocks", ret, n);
}

/* ==== A take that must make descriptors, raced ============================ */

struct sparse_race {
	struct kbuddy_pool *pool;
	struct kbuddy_contig a, b;
	int ret_a, ret_b;
	int a_at_hook, b_done;
};

static __thread bool is_a;

static bool b_done(void *arg)
{
	return READ_ONCE(((struct sparse_race *)arg)->b_done);
}

static bool a_at_hook(void *arg)
{
	return READ_ONCE(((struct sparse_race *)arg)->a_at_hook);
}

static void hook(const char *name, void *arg)
{
	struct sparse_race *sr = arg;

	if (!is_a || strcmp(name, "contig_need_fill") || sr->a_at_hook)
		return;
	WRITE_ONCE(sr->a_at_hook, 1);
	kshim_event_signal();
	kshim_event_wait(b_done, sr);
}

static void *thread_a(void *arg)
{
	struct sparse_race *sr = arg;
	struct kbuddy_constraint con = { .start = sr->pool->regions[0].phys + 1000 * PAGE_SIZE };

	kshim_set_cpu(0);
	is_a = true;
	sr->ret_a = kbuddy_alloc_contig(sr->pool, 3 * PAGE_SIZE, &con, GFP_KERNEL, &sr->a);
	return NULL;
}

static void *thread_b(void *arg)
{
	struct sparse_race *sr = arg;
	struct kbuddy_constraint con = { .start = sr->pool->regions[0].phys + 1000 * PAGE_SIZE };

	kshim_set_cpu(1);
	kshim_event_wait(a_at_hook, sr);
	/* A dropped the lock to make the leaf: its place is taken now. */
	sr->ret_b = kbuddy_alloc_contig(sr->pool, 3 * PAGE_SIZE, &con, GFP_KERNEL, &sr->b);
	WRITE_ONCE(sr->b_done, 1);
	kshim_event_signal();
	return NULL;
}

static void race(void)
{
	struct sparse_race sr = { 0 };
	pthread_t a, b;
	u64 a_lo, b_lo;

	sr.pool = harness_nomap_pool(1UL << 20, 1UL << 16, 17, true);
	if (!sr.pool) {
		result("sparse_race_need_fill", false, "no pool");
		return;
	}
	kshim_set_race_hook(hook, &sr);
	pthread_create(&b, NULL, thread_b, &sr);
	pthread_create(&a, NULL, thread_a, &sr);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	kshim_set_race_hook(NULL, NULL);
	kshim_set_cpu(0);
	a_lo = sr.a.phys;
	b_lo = sr.b.phys;
	result("sparse_race_need_fill",
	       sr.a_at_hook && !sr.ret_a && !sr.ret_b &&
	       b_lo == sr.pool->regions[0].phys + 1000 * PAGE_SIZE &&
	       a_lo == b_lo + 4 * PAGE_SIZE &&
	       !problems(sr.pool, true) &&
	       sr.pool->nr_free == (1UL << 16) - 6,
	       "hook %s, A %d at page %lld, B %d at page %lld: want B at 1000, A at 1004",
	       sr.a_at_hook ? "reached" : "never reached", sr.ret_a,
	       (long long)((a_lo - sr.pool->regions[0].phys) >> PAGE_SHIFT), sr.ret_b,
	       (long long)((b_lo - sr.pool->regions[0].phys) >> PAGE_SHIFT));
}

/* ==== The validator on a sparse region =================================== */

/* Corrupt with @poke, expect validate to find it, undo, expect it clean. */
#define EXPECT_FOUND(name, pool, poke, undo) do {			\
	unsigned long before = problems(pool, false), found, after;	\
	poke;								\
	found = problems(pool, false);					\
	undo;								\
	after = problems(pool, false);					\
	result(name, !before && found > 0 && !after,			\
	       "%lu problems before, %lu with it, %lu after", before,	\
	       found, after);						\
} while (0)

/*
 * The descriptor every absent page reads as is read-only: a write through it
 * (a head written where no leaf was made) faults at once instead of turning
 * every absent page of every sparse pool into that head.
 */
static void absent_write(void)
{
	struct kbuddy_page *absent = (struct kbuddy_page *)&kbuddy_absent_desc;
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		WRITE_ONCE(absent->clear, 1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	result("sparse_absent_desc_read_only",
	       pid > 0 && WIFSIGNALED(status) && !kbuddy_absent_desc.clear,
	       "a write to the absent descriptor did not fault (status %#x)", status);
}

static void validator_checks(void)
{
	struct kbuddy_pool *pool = harness_nomap_pool(1UL << 20, 1024, 11, true);
	unsigned long pfn = 1UL << 20, half = pfn + 512;
	struct kbuddy_region *r;
	struct kbuddy_page *head;

	if (!pool) {
		result("sparse_validate_unmerged", false, "no pool");
		return;
	}
	r = &pool->regions[0];
	head = kbuddy_pfn_desc(r, pfn);
	/* The region is one free block of order 10: make it two of order 9. */
	{
		struct kbuddy_need need = { .region = r, .nr = 1, .pfn = { half } };

		if (kbuddy_need_fill(&need, GFP_KERNEL)) {
			result("sparse_validate_unmerged", false, "no leaf");
			return;
		}
	}
	EXPECT_FOUND("sparse_validate_unmerged", pool,
		     (kbuddy_del_free_block(r, head, pfn, 10),
		      kbuddy_add_free_block(r, pfn, 9, false),
		      kbuddy_add_free_block(r, half, 9, false)),
		     (kbuddy_del_free_block(r, kbuddy_pfn_desc(r, half), half, 9),
		      kbuddy_del_free_block(r, head, pfn, 9),
		      kbuddy_add_free_block(r, pfn, 10, false)));
	absent_write();
	EXPECT_FOUND("sparse_validate_list_entry_pfn", pool,
		     head->idx_lo++, head->idx_lo--);
	/* A head in a page no leaf holds reads as no head: a hole in the tiles. */
	EXPECT_FOUND("sparse_validate_head_missing", pool,
		     head->state = KBUDDY_PAGE_NONE, head->state = KBUDDY_PAGE_FREE);
}

int main(int argc, char **argv)
{
	unsigned int lo = 1, hi = 64, steps = 400;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seeds") && i + 1 < argc) {
			if (sscanf(argv[++i], "%u-%u", &lo, &hi) == 1 || hi < lo)
				hi = lo;
		} else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
			steps = strtoul(argv[++i], NULL, 0);
		} else {
			fprintf(stderr, "usage: sparse [--seeds A-B] [--steps N]\n");
			return 2;
		}
	}
	kshim_set_cpu(0);
	differential(lo, hi, steps);
	huge();
	blocks_nomem();
	validator_checks();
	race();
	result("sparse_no_shim_bugs", !kshim_bugs,
	       "%lu kernel bugs reported by the shim (see stderr)", kshim_bugs);
	return failed;
}

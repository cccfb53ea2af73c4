// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy_bench - kbuddy against the kernel's own allocators, same VM, same run.
 *
 * Method after prototype-kernel's time_bench: one kthread bound to a CPU; one
 * loop per backend, written out by macro so that no indirect call sits in a
 * timed loop; an untimed warm-up; chunks of at most CHUNK operations timed
 * with preemption off and cond_resched() between them; an empty loop timed
 * and subtracted; rounds with the backends interleaved. Each measurement is
 * printed as
 *
 *	kbench: <round> <pattern> <op> <picoseconds per operation>
 *
 * and tools/bench/report.py turns the rounds into ratios (median and
 * inter-quartile range). The benchmark watches its own noise: after the
 * first @rounds rounds it adds rounds while the relative inter-quartile
 * range of the empty loop or of a key ratio exceeds @noise percent, up to
 * @max_rounds rounds and @max_seconds seconds, and says why it stopped in
 * "kbench-noise:" lines. The fragmentation workloads, in bench_frag.c,
 * print "kbench-frag:" lines. The constrained patterns (power-of-two blocks,
 * contiguous runs of any size, a range, top-down, aligned) set kbuddy's
 * kbuddy_alloc_blocks() and kbuddy_alloc_contig() against drm's buddy
 * allocator (bench_drm.h) and gen_pool_first_fit_align. Nothing here is a
 * test: no figure passes or fails.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/genalloc.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "bench.h"
#include "bench_drm.h"

static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Interleaved rounds, at least (default 7)");

static unsigned int max_rounds = 25;
module_param(max_rounds, uint, 0444);
MODULE_PARM_DESC(max_rounds, "Rounds at most, while the key series stay noisy (default 25, at most 64)");

static unsigned int max_seconds = 600;
module_param(max_seconds, uint, 0444);
MODULE_PARM_DESC(max_seconds, "No round past the first rounds starts after this many seconds (default 600)");

static unsigned int noise = 15;
module_param(noise, uint, 0444);
MODULE_PARM_DESC(noise, "Add rounds while a key series' relative inter-quartile range exceeds this percentage (default 15)");

static unsigned int ops = 8192;
module_param(ops, uint, 0444);
MODULE_PARM_DESC(ops, "Operations per measurement (default 8192)");

/* Not smp_ops: x86 has a global of that name. */
static unsigned int smp_n = 262144;
module_param_named(smp_ops, smp_n, uint, 0444);
MODULE_PARM_DESC(smp_ops, "Operations per CPU in a two-CPU measurement (default 262144)");

static bool smp_only;
module_param(smp_only, bool, 0444);
MODULE_PARM_DESC(smp_only, "Only the two-CPU measurements, for a quick look (default off)");

static bool frag = true;
module_param(frag, bool, 0444);
MODULE_PARM_DESC(frag, "Run the fragmentation workloads too (default on)");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only, "Only the one-CPU patterns starting with this, or with one of a comma list (e.g. pair- or blocks-,contig-), for a quick look: no two-CPU or fragmentation runs, and rounds stop at the first count unless a key series it measures is noisy");

/* Whether @pattern is measured: every pattern unless only= narrows them. */
static bool wanted(const char *pattern)
{
	const char *p = only;
	size_t len;

	if (!p || !*p)
		return true;
	while (*p) {
		len = strcspn(p, ",");
		if (len && !strncmp(pattern, p, len))
			return true;
		p += len;
		if (*p)
			p++;
	}
	return false;
}

#define CHUNK		4096
/* Most rounds kept for the noise rule. */
#define ROUNDS_CAP	64
#define MAX_BATCH	4096

/*
 * The key ratios: the headline comparisons, whose spread over the rounds
 * (with the empty loop's) decides whether to add rounds. The module prints
 * them as "kbench-noise: key" lines, from which report.py takes them.
 */
static const struct bench_key {
	const char *pattern;
	const char *op;
	const char *base;
} keys[] = {
	{ "pair-order0", "kbuddy_pages", "alloc_pages" },
	{ "batch4096-order0", "kbuddy_pages", "alloc_pages" },
	{ "pair-64", "kbuddy_cache", "kmem_cache" },
	{ "pair-64", "kbuddy_malloc", "kmalloc" },
	{ "random4096-64", "kbuddy_cache", "kmem_cache" },
};

/* drm's buddy allocator and its next request (bench_drm.h). */
struct bench_drm {
	struct kbench_drm_mm mm;
	struct list_head blocks;
	struct list_head fill;
	u64 start;
	u64 end;
	u64 size;
	u64 min_block;
	u64 trim;	/* 0, or the size to trim the block to */
	unsigned long flags;
};

/* The most blocks one kbuddy_alloc_blocks() of the benchmark takes. */
#define KB_BLOCKS_MAX	8

/* Everything a measurement needs, set up once. */
struct bench {
	struct kbuddy_pool *kpool;
	/* The constrained patterns: kbuddy's pool and request, drm_buddy. */
	struct kbuddy_pool *cpool;
	struct kbuddy_constraint con;
	size_t csize;
	struct kbuddy_contig contig;
	struct kbuddy_contig kblocks[KB_BLOCKS_MAX];
	unsigned int nr_kblocks;
	struct genpool_data_align gp_align;
	struct bench_drm *drm;
	/* Time chunks with preemption on: drm_buddy allocates with GFP_KERNEL. */
	bool preemptible;
	struct gen_pool *gp_pages;
	struct gen_pool *gp_objs;
	struct kbuddy_cache *kc;
	struct kmem_cache *kmc;
	unsigned int order;
	unsigned int size;
	void **ptrs;
	u32 *perm;
	unsigned int round;
	unsigned long failures;
	u64 empty_ps;
	/* Picoseconds per round, rounds 1 .. ROUNDS_CAP: the noise rule's. */
	u64 empty[ROUNDS_CAP + 1];
	u64 key_ps[ARRAY_SIZE(keys)][2][ROUNDS_CAP + 1];
	u64 scratch[ROUNDS_CAP];
};

/* Keep what the noise rule needs of a measurement of a measured round. */
static void record_key(struct bench *b, const char *pattern, const char *op,
		       u64 ps)
{
	unsigned int k;

	if (!b->round || b->round > ROUNDS_CAP)
		return;
	for (k = 0; k < ARRAY_SIZE(keys); k++) {
		if (strcmp(pattern, keys[k].pattern))
			continue;
		if (!strcmp(op, keys[k].op))
			b->key_ps[k][0][b->round] = ps;
		else if (!strcmp(op, keys[k].base))
			b->key_ps[k][1][b->round] = ps;
	}
}

static void report(struct bench *b, const char *pattern, const char *op,
		   u64 ns, unsigned long n)
{
	u64 ps = div64_u64(ns * 1000, n);

	ps = ps > b->empty_ps ? ps - b->empty_ps : 0;
	pr_info("kbench: %u %s %s %llu\n", b->round, pattern, op, ps);
	record_key(b, pattern, op, ps);
}

/* Chunks of at most CHUNK operations run with preemption off. */
static inline unsigned long chunk_end(unsigned long i, unsigned long n)
{
	return min_t(unsigned long, n, i + CHUNK);
}

static inline u64 chunk_start(const struct bench *b)
{
	if (!b->preemptible)
		preempt_disable();
	return ktime_get_ns();
}

static inline u64 chunk_stop(const struct bench *b, u64 start)
{
	u64 ns = ktime_get_ns() - start;

	if (!b->preemptible)
		preempt_enable();
	cond_resched();
	return ns;
}

/*
 * One backend: pair (allocate and free at once), batch (allocate @N, then
 * free them, oldest first), random (allocate @N, free in a fixed random
 * order). ALLOC yields a void * or NULL; FREE(p) frees it (a NULL counts
 * as a failure). Both are inlined into the timed loops: no indirect call is
 * timed.
 */
#define DEFINE_BACKEND(name, ALLOC, FREE)				\
static __always_inline void *name##_alloc(struct bench *b,		\
					  unsigned long i)		\
{									\
	return ALLOC;							\
}									\
									\
static __always_inline void name##_free(struct bench *b, void *p)	\
{									\
	if (likely(p))							\
		FREE(p);						\
	else								\
		b->failures++;						\
}									\
									\
static u64 name##_pair(struct bench *b, unsigned long n)		\
{									\
	unsigned long i = 0, end;					\
	u64 ns = 0, start;						\
									\
	while (i < n) {							\
		end = chunk_end(i, n);					\
		start = chunk_start(b);					\
		for (; i < end; i++)					\
			name##_free(b, name##_alloc(b, i));		\
		ns += chunk_stop(b, start);				\
	}								\
	return ns;							\
}									\
									\
static __maybe_unused u64 name##_batch(struct bench *b, unsigned long N,	\
				       bool random)			\
{									\
	unsigned long reps = max_t(unsigned long, 1, ops / N), r, i;	\
	u64 ns = 0, start;						\
									\
	for (r = 0; r < reps; r++) {					\
		start = chunk_start(b);					\
		for (i = 0; i < N; i++)					\
			b->ptrs[i] = name##_alloc(b, i);		\
		ns += chunk_stop(b, start);				\
		start = chunk_start(b);					\
		for (i = 0; i < N; i++)					\
			name##_free(b, b->ptrs[random ? b->perm[i] : i]); \
		ns += chunk_stop(b, start);				\
	}								\
	return ns;							\
}

#define KB_PAGES_ALLOC	kbuddy_alloc_pages(b->kpool, b->order, KBENCH_NOWAIT)
#define KB_PAGES_FREE(p) kbuddy_free_pages(b->kpool, p, b->order)
#define K_PAGES_ALLOC	((void *)alloc_pages(KBENCH_NOWAIT | __GFP_COMP, b->order))
#define K_PAGES_FREE(p)	__free_pages(p, b->order)
#define GP_PAGES_ALLOC	((void *)gen_pool_alloc(b->gp_pages, PAGE_SIZE << b->order))
#define GP_PAGES_FREE(p) gen_pool_free(b->gp_pages, (unsigned long)(p), PAGE_SIZE << b->order)
#define KB_CACHE_ALLOC	kbuddy_cache_alloc(b->kc, KBENCH_NOWAIT)
#define KB_CACHE_FREE(p) kbuddy_cache_free(b->kc, p)
#define K_CACHE_ALLOC	kmem_cache_alloc(b->kmc, KBENCH_NOWAIT)
#define K_CACHE_FREE(p)	kmem_cache_free(b->kmc, p)
#define KB_MALLOC_ALLOC	kbuddy_malloc(b->kpool, b->size, KBENCH_NOWAIT)
#define KB_MALLOC_FREE(p) kbuddy_free(b->kpool, p)
#define K_MALLOC_ALLOC	kmalloc(b->size, KBENCH_NOWAIT)
#define K_MALLOC_FREE(p) kfree(p)
#define GP_OBJS_ALLOC	((void *)gen_pool_alloc(b->gp_objs, b->size))
#define GP_OBJS_FREE(p)	gen_pool_free(b->gp_objs, (unsigned long)(p), b->size)
#define KB_BLOCKS_ALLOC	(kbuddy_alloc_blocks(b->cpool, b->csize, &b->con, KBENCH_NOWAIT,	\
					     b->kblocks, KB_BLOCKS_MAX, &b->nr_kblocks) ?	\
			 NULL : b->kblocks)
#define KB_BLOCKS_FREE(p) kbuddy_free_blocks(b->cpool, p, b->nr_kblocks)
#define KB_CONTIG_ALLOC	(kbuddy_alloc_contig(b->cpool, b->csize, &b->con, KBENCH_NOWAIT,	\
					     &b->contig) ? NULL : &b->contig)
#define KB_CONTIG_FREE(p) kbuddy_free_contig(b->cpool, p)
#define DRM_ALLOC	drm_alloc(b->drm)
#define DRM_FREE(p)	kbench_drm_free_list(&b->drm->mm, p)
#define GP_ALIGN_ALLOC	((void *)gen_pool_alloc_algo(b->gp_pages, b->csize,		\
						     gen_pool_first_fit_align, &b->gp_align))
#define GP_ALIGN_FREE(p) gen_pool_free(b->gp_pages, (unsigned long)(p), b->csize)
/* The loop alone: a value the compiler cannot see through, no call. */
#define EMPTY_ALLOC	((void *)(i | 1))
#define EMPTY_FREE(p)	barrier_data(p)

/*
 * drm_buddy's request; a rounded-up contiguous block is trimmed to the size
 * asked for, as a driver would (see drm_request()), so that both sides end
 * up holding the same pages.
 */
static __always_inline struct list_head *drm_alloc(struct bench_drm *d)
{
	if (kbench_drm_alloc_blocks(&d->mm, d->start, d->end, d->size,
				    d->min_block, &d->blocks, d->flags))
		return NULL;
	if (d->trim && kbench_drm_block_trim(&d->mm, d->trim, &d->blocks)) {
		kbench_drm_free_list(&d->mm, &d->blocks);
		return NULL;
	}
	return &d->blocks;
}

DEFINE_BACKEND(kb_pages, KB_PAGES_ALLOC, KB_PAGES_FREE)
DEFINE_BACKEND(k_pages, K_PAGES_ALLOC, K_PAGES_FREE)
DEFINE_BACKEND(gp_pages, GP_PAGES_ALLOC, GP_PAGES_FREE)
DEFINE_BACKEND(kb_cache, KB_CACHE_ALLOC, KB_CACHE_FREE)
DEFINE_BACKEND(k_cache, K_CACHE_ALLOC, K_CACHE_FREE)
DEFINE_BACKEND(kb_malloc, KB_MALLOC_ALLOC, KB_MALLOC_FREE)
DEFINE_BACKEND(k_malloc, K_MALLOC_ALLOC, K_MALLOC_FREE)
DEFINE_BACKEND(gp_objs, GP_OBJS_ALLOC, GP_OBJS_FREE)
DEFINE_BACKEND(kb_blocks, KB_BLOCKS_ALLOC, KB_BLOCKS_FREE)
DEFINE_BACKEND(kb_contig, KB_CONTIG_ALLOC, KB_CONTIG_FREE)
DEFINE_BACKEND(drm_blocks, DRM_ALLOC, DRM_FREE)
DEFINE_BACKEND(gp_align, GP_ALIGN_ALLOC, GP_ALIGN_FREE)
DEFINE_BACKEND(empty, EMPTY_ALLOC, EMPTY_FREE)

/* Measure and report; the call through @fn is outside the timed loops. */
static void run_pair(struct bench *b, const char *pattern, const char *op,
		     u64 (*fn)(struct bench *b, unsigned long n),
		     unsigned long n)
{
	if (wanted(pattern))
		report(b, pattern, op, fn(b, n), n);
}

static void run_batch(struct bench *b, const char *pattern, const char *op,
		      u64 (*fn)(struct bench *b, unsigned long N, bool random),
		      unsigned long N, bool random)
{
	/* The permutation covers exactly MAX_BATCH indices. */
	if (WARN_ON_ONCE(random && N != MAX_BATCH) || !wanted(pattern))
		return;
	report(b, pattern, op, fn(b, N, random),
	       max_t(unsigned long, 1, ops / N) * N);
}

/*
 * Fill the lower half of a gen_pool in one allocation: every first-fit
 * search then scans half of its bitmap, as it would at 50% fill.
 */
static unsigned long gp_fill_half(struct gen_pool *gp, size_t total)
{
	return gen_pool_alloc(gp, total / 2);
}

static void gp_empty(struct gen_pool *gp, unsigned long addr, size_t total)
{
	if (addr)
		gen_pool_free(gp, addr, total / 2);
}

/* Allocate half the kbuddy pool in order-0 pages; return how many. */
static unsigned long kb_fill_half(struct bench *b, void **held,
				  unsigned long max)
{
	unsigned long n = 0, want = kbuddy_pool_total_pages(b->kpool) / 2;

	while (n < want && n < max) {
		held[n] = kbuddy_alloc_pages(b->kpool, 0, KBENCH_NOWAIT);
		if (!held[n])
			break;
		n++;
	}
	return n;
}

static const unsigned int obj_sizes[] = { 8, 64, 256, 1024, 4096 };

#define GP_BASE		((unsigned long)SZ_1G << 4)

/* ==== Constrained allocations: kbuddy, drm_buddy, gen_pool ================ */

/*
 * kbuddy's side runs on a pool of its own, KBUDDY_POOL_NOMAP, of the default
 * pool's size at CON_BASE: an address space kbuddy never maps or writes, as
 * drm_buddy manages a device's memory by offset, so neither side zeroes
 * anything, with init_on_alloc or without. drm_buddy manages the same size
 * from offset 0 in PAGE_SIZE chunks. Every side is timed with preemption on:
 * drm_buddy allocates its block headers with GFP_KERNEL. Drivers call
 * drm_buddy under a mutex of their own, which is not taken here: its figures
 * leave that out, kbuddy's include kbuddy's own lock.
 */
#define CON_BASE	GP_BASE
/* The range-restricted and top-down runs. */
#define CON_PAGES	16
/* The aligned runs: 4 pages at a multiple of 64 KiB. */
#define CON_ALIGNED_PAGES 4
#define CON_ALIGN	SZ_64K

static u64 con_total(struct bench *b)
{
	return (u64)kbuddy_pool_total_pages(b->cpool) << PAGE_SHIFT;
}

/*
 * drm_buddy's next request: @size bytes in [@start, @end) of blocks of at
 * least @min_block. @contiguous with DRM_BUDDY_CONTIGUOUS_ALLOCATION, or
 * where the kernel lacks it as drivers asked before it existed: one block
 * of the size rounded up to a power of two, trimmed back to @size with
 * drm_buddy_block_trim() (amdgpu_vram_mgr_new() on 6.1).
 */
static void drm_request(struct bench *b, u64 start, u64 end, u64 size,
			u64 min_block, unsigned long flags, bool contiguous)
{
	struct bench_drm *d = b->drm;

	if (!d)
		return;
	d->trim = 0;
	if (contiguous && KBENCH_DRM_CONTIGUOUS) {
		flags |= KBENCH_DRM_CONTIGUOUS;
	} else if (contiguous && !is_power_of_2(size)) {
		d->trim = size;
		size = roundup_pow_of_two(size);
		min_block = size;
	} else if (contiguous) {
		min_block = size;
	}
	d->start = start;
	d->end = end;
	d->size = size;
	d->min_block = min_block;
	d->flags = flags;
}

static void run_drm(struct bench *b, const char *pattern, unsigned long n)
{
	if (b->drm)
		run_pair(b, pattern, "drm_buddy", drm_blocks_pair, n);
}

/* Power-of-two blocks of orders 0, 4 and 9, placed anywhere. */
static void con_blocks(struct bench *b, const char *prefix, unsigned long n)
{
	static const unsigned int orders[] = { 0, 4, 9 };
	char pattern[32];
	unsigned int i;

	b->con = (struct kbuddy_constraint){};
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		b->csize = PAGE_SIZE << orders[i];
		drm_request(b, 0, con_total(b), b->csize, PAGE_SIZE, 0, false);
		snprintf(pattern, sizeof(pattern), "%sorder%u", prefix, orders[i]);
		run_pair(b, pattern, "kbuddy_blocks", kb_blocks_pair, n);
		run_drm(b, pattern, n);
	}
}

/*
 * Fill half of both pools with single pages: kbuddy's lower half, page by
 * page (each at the start of what is left, so that filling is not itself a
 * first-fit search), and drm_buddy's where its free lists put them. Return
 * how many kbuddy pages @held has.
 */
static unsigned long con_fill_half(struct bench *b, struct kbuddy_contig *held)
{
	unsigned long half = kbuddy_pool_total_pages(b->cpool) / 2, n, i;
	struct kbuddy_constraint con = {};

	for (n = 0; n < half; n++) {
		con.start = CON_BASE + ((u64)n << PAGE_SHIFT);
		if (kbuddy_alloc_contig(b->cpool, PAGE_SIZE, &con, KBENCH_NOWAIT,
					&held[n]))
			break;
	}
	for (i = 0; b->drm && i < half; i++)
		if (kbench_drm_alloc_blocks(&b->drm->mm, 0, con_total(b), PAGE_SIZE,
					    PAGE_SIZE, &b->drm->fill, 0))
			break;
	return n;
}

static void con_empty(struct bench *b, struct kbuddy_contig *held,
		      unsigned long n)
{
	while (n)
		kbuddy_free_contig(b->cpool, &held[--n]);
	if (b->drm)
		kbench_drm_free_list(&b->drm->mm, &b->drm->fill);
}

static void constrained_round(struct bench *b)
{
	static const unsigned int run_pages[] = { 3, 5, 100, 1000 };
	u64 total = con_total(b);
	struct kbuddy_contig *held;
	unsigned long nr_held;
	char pattern[32];
	unsigned int i;

	if (!b->cpool)
		return;
	b->preemptible = true;

	con_blocks(b, "blocks-", ops);
	/*
	 * Half full: kbuddy's first fit walks the filled half, a block per
	 * step, for every order-0 request: fewer operations.
	 */
	held = kvmalloc_array(kbuddy_pool_total_pages(b->cpool) / 2, sizeof(*held),
			      GFP_KERNEL);
	if (held && wanted("blocks-fill50-")) {
		nr_held = con_fill_half(b, held);
		con_blocks(b, "blocks-fill50-", max(ops / 32, 16U));
		con_empty(b, held, nr_held);
	}
	kvfree(held);

	/* Contiguous runs of sizes that are not powers of two. */
	b->con = (struct kbuddy_constraint){};
	for (i = 0; i < ARRAY_SIZE(run_pages); i++) {
		b->csize = run_pages[i] * PAGE_SIZE;
		drm_request(b, 0, total, b->csize, PAGE_SIZE, 0, true);
		snprintf(pattern, sizeof(pattern), "contig-%up", run_pages[i]);
		run_pair(b, pattern, "kbuddy_contig", kb_contig_pair, ops);
		run_drm(b, pattern, ops);
	}

	/* A run restricted to [5/8, 7/8) of the pool, in its upper half. */
	b->csize = CON_PAGES * PAGE_SIZE;
	b->con = (struct kbuddy_constraint){ .start = CON_BASE + total / 8 * 5,
					     .end = CON_BASE + total / 8 * 7 };
	drm_request(b, total / 8 * 5, total / 8 * 7, b->csize, PAGE_SIZE,
		    KBENCH_DRM_RANGE, true);
	run_pair(b, "contig-range", "kbuddy_contig", kb_contig_pair, ops);
	run_drm(b, "contig-range", ops);

	/* The highest place that fits. */
	b->con = (struct kbuddy_constraint){ .flags = KBUDDY_CONTIG_TOPDOWN };
	drm_request(b, 0, total, b->csize, PAGE_SIZE, KBENCH_DRM_TOPDOWN, true);
	run_pair(b, "contig-topdown", "kbuddy_contig", kb_contig_pair, ops);
	run_drm(b, "contig-topdown", ops);

	/*
	 * 4 pages at a multiple of 64 KiB: drm_buddy's min_block_size is the
	 * alignment, so it takes 64 KiB (its size must be a multiple of it on
	 * 6.1); gen_pool_first_fit_align over the page gen_pool.
	 */
	b->csize = CON_ALIGNED_PAGES * PAGE_SIZE;
	b->con = (struct kbuddy_constraint){ .align = CON_ALIGN };
	b->gp_align.align = CON_ALIGN;
	drm_request(b, 0, total, CON_ALIGN, CON_ALIGN, 0, false);
	run_pair(b, "contig-align64k", "kbuddy_contig", kb_contig_pair, ops);
	run_drm(b, "contig-align64k", ops);
	run_pair(b, "contig-align64k", "gen_pool", gp_align_pair, ops);

	b->preemptible = false;
}

/* ==== One round: every one-CPU pattern =================================== */

static void one_round(struct bench *b)
{
	unsigned long total_bytes = kbuddy_pool_total_pages(b->kpool) << PAGE_SHIFT;
	static const unsigned int batches[] = { 32, 256, 4096 };
	char pattern[32], op[32];
	unsigned long held, gp_half;
	unsigned int i, n_gp;
	void **hold;

	/* The empty loop: subtracted from everything after. */
	b->empty_ps = 0;
	b->empty_ps = div64_u64(empty_pair(b, ops) * 1000, ops);
	pr_info("kbench: %u empty loop %llu\n", b->round, b->empty_ps);
	if (b->round && b->round <= ROUNDS_CAP)
		b->empty[b->round] = b->empty_ps;

	/* Pages, orders 0..10: kbuddy, the page allocator, gen_pool. */
	for (b->order = 0; b->order <= 10; b->order++) {
		/* Fewer of the big ones: with init_on_alloc each is a memset. */
		unsigned long n = max_t(unsigned long, ops >> b->order, 32);

		snprintf(pattern, sizeof(pattern), "pair-order%u", b->order);
		run_pair(b, pattern, "kbuddy_pages", kb_pages_pair, n);
		run_pair(b, pattern, "alloc_pages", k_pages_pair, n);
		run_pair(b, pattern, "gen_pool_pages", gp_pages_pair, n);
	}
	b->order = 0;
	for (i = 0; i < ARRAY_SIZE(batches); i++) {
		snprintf(pattern, sizeof(pattern), "batch%u-order0", batches[i]);
		run_batch(b, pattern, "kbuddy_pages", kb_pages_batch, batches[i], false);
		run_batch(b, pattern, "alloc_pages", k_pages_batch, batches[i], false);
	}
	run_batch(b, "random4096-order0", "kbuddy_pages", kb_pages_batch, 4096, true);
	run_batch(b, "random4096-order0", "alloc_pages", k_pages_batch, 4096, true);

	/* Pages at 50% fill: kbuddy and gen_pool over pools of one size. */
	hold = kvmalloc_array(kbuddy_pool_total_pages(b->kpool), sizeof(void *),
			      GFP_KERNEL);
	if (hold) {
		held = kb_fill_half(b, hold, kbuddy_pool_total_pages(b->kpool));
		gp_half = gp_fill_half(b->gp_pages, total_bytes);
		for (b->order = 0; b->order <= 4; b->order += 4) {
			snprintf(pattern, sizeof(pattern), "fill50-order%u", b->order);
			run_pair(b, pattern, "kbuddy_pages", kb_pages_pair, ops / 4);
			run_pair(b, pattern, "gen_pool_pages", gp_pages_pair, ops / 4);
		}
		b->order = 0;
		gp_empty(b->gp_pages, gp_half, total_bytes);
		while (held)
			kbuddy_free_pages(b->kpool, hold[--held], 0);
		kvfree(hold);
	}

	/* Objects: caches and the malloc family against the kernel's. */
	for (i = 0; i < ARRAY_SIZE(obj_sizes); i++) {
		b->size = obj_sizes[i];
		snprintf(op, sizeof(op), "kbuddy-%u", b->size);
		b->kc = kbuddy_cache_create(b->kpool, op, b->size, 8, 0, NULL);
		snprintf(op, sizeof(op), "kbench-%u", b->size);
		b->kmc = kmem_cache_create(op, b->size, 8, 0, NULL);
		if (IS_ERR_OR_NULL(b->kc) || !b->kmc) {
			pr_err("kbench: cannot create caches of %u bytes\n", b->size);
			goto next;
		}
		snprintf(pattern, sizeof(pattern), "pair-%u", b->size);
		run_pair(b, pattern, "kbuddy_cache", kb_cache_pair, ops);
		run_pair(b, pattern, "kmem_cache", k_cache_pair, ops);
		run_pair(b, pattern, "kbuddy_malloc", kb_malloc_pair, ops);
		run_pair(b, pattern, "kmalloc", k_malloc_pair, ops);
		if (b->size == 64) {
			unsigned int k;

			for (k = 0; k < ARRAY_SIZE(batches); k++) {
				unsigned int nb = batches[k];

				snprintf(pattern, sizeof(pattern), "batch%u-64", nb);
				run_batch(b, pattern, "kbuddy_cache", kb_cache_batch, nb, false);
				run_batch(b, pattern, "kmem_cache", k_cache_batch, nb, false);
				run_batch(b, pattern, "kbuddy_malloc", kb_malloc_batch, nb, false);
				run_batch(b, pattern, "kmalloc", k_malloc_batch, nb, false);
			}
			run_batch(b, "random4096-64", "kbuddy_cache", kb_cache_batch, 4096, true);
			run_batch(b, "random4096-64", "kmem_cache", k_cache_batch, 4096, true);
			run_batch(b, "random4096-64", "kbuddy_malloc", kb_malloc_batch, 4096, true);
			run_batch(b, "random4096-64", "kmalloc", k_malloc_batch, 4096, true);
		}
		if (b->size == 64 || b->size == 256) {
			/* gen_pool at 50% fill: first-fit over half a bitmap. */
			n_gp = ops / 8;
			gp_half = gp_fill_half(b->gp_objs, total_bytes);
			snprintf(pattern, sizeof(pattern), "fill50-%u", b->size);
			run_pair(b, pattern, "gen_pool_objs", gp_objs_pair, n_gp);
			run_pair(b, pattern, "kbuddy_cache", kb_cache_pair, n_gp);
			gp_empty(b->gp_objs, gp_half, total_bytes);
		}
next:
		if (!IS_ERR_OR_NULL(b->kc))
			kbuddy_cache_destroy(b->kc);
		kmem_cache_destroy(b->kmc);
		b->kc = NULL;
		b->kmc = NULL;
	}

	constrained_round(b);
}

/* ==== Two CPUs ============================================================ */

/*
 * SMP_RING: the remote-free ring alone, a constant pointer passed and
 * nothing allocated or freed: what any allocator's remote free pays on top.
 */
enum smp_mode { SMP_KB_CACHE, SMP_K_CACHE, SMP_KB_PAGES, SMP_K_PAGES, SMP_RING };

struct smp_run {
	struct bench *b;
	enum smp_mode mode;
	atomic_t ready;
	unsigned long n;
	u64 ns[2];
	/* When each CPU started and ended its part, to check they overlapped. */
	u64 t0[2], t1[2];
	struct completion done[2];
	/* Remote free: a ring from the producer to the consumer. */
	void **ring;
	unsigned int ring_size;
	unsigned long produced;
	unsigned long consumed;
	bool remote;
};

struct smp_arg {
	struct smp_run *run;
	int idx;
};

/* Pairs of the run's mode, @n times. */
static u64 smp_pairs(struct smp_run *run, unsigned long n)
{
	struct bench *b = run->b;
	u64 ns = 0;

	switch (run->mode) {
	case SMP_KB_CACHE:
		return kb_cache_pair(b, n);
	case SMP_K_CACHE:
		return k_cache_pair(b, n);
	case SMP_KB_PAGES:
		return kb_pages_pair(b, n);
	case SMP_K_PAGES:
		return k_pages_pair(b, n);
	case SMP_RING:
		break;
	}
	return ns;
}

static void *smp_alloc(struct smp_run *run)
{
	switch (run->mode) {
	case SMP_KB_CACHE:
		return kbuddy_cache_alloc(run->b->kc, KBENCH_NOWAIT);
	case SMP_RING:
		return run;
	default:
		return kmem_cache_alloc(run->b->kmc, KBENCH_NOWAIT);
	}
}

static void smp_free(struct smp_run *run, void *p)
{
	if (run->mode == SMP_KB_CACHE)
		kbuddy_cache_free(run->b->kc, p);
	else if (run->mode != SMP_RING)
		kmem_cache_free(run->b->kmc, p);
}

static int smp_fn(void *data)
{
	struct smp_arg *arg = data;
	struct smp_run *run = arg->run;
	unsigned long i;
	u64 start;

	atomic_inc(&run->ready);
	while (atomic_read(&run->ready) < 2)
		cond_resched();
	start = ktime_get_ns();
	run->t0[arg->idx] = start;
	if (!run->remote) {
		run->ns[arg->idx] = smp_pairs(run, run->n);
		run->t1[arg->idx] = ktime_get_ns();
		complete(&run->done[arg->idx]);
		return 0;
	}
	/*
	 * A single-producer single-consumer ring: the producer publishes a slot
	 * with a release of produced, the consumer hands it back with a release
	 * of consumed; each side reads the other's index with an acquire.
	 */
	for (i = 0; i < run->n; i++) {
		if (arg->idx == 0) {
			void *p = smp_alloc(run);

			/* see above */
			while (i - smp_load_acquire(&run->consumed) >= run->ring_size)
				cond_resched();
			run->ring[i % run->ring_size] = p;
			smp_store_release(&run->produced, i + 1); /* see above */
		} else {
			while (smp_load_acquire(&run->produced) <= i) /* see above */
				cond_resched();
			if (run->ring[i % run->ring_size])
				smp_free(run, run->ring[i % run->ring_size]);
			smp_store_release(&run->consumed, i + 1); /* see above */
		}
		if (!(i % CHUNK))
			cond_resched();
	}
	run->t1[arg->idx] = ktime_get_ns();
	run->ns[arg->idx] = run->t1[arg->idx] - start;
	complete(&run->done[arg->idx]);
	return 0;
}

/*
 * How much the two CPUs' parts overlapped in time, per mille of the longer
 * part: under emulation a vCPU may be descheduled by the host, and then
 * "two CPUs" ran one after the other and measured nothing.
 */
static u64 smp_overlap(struct smp_run *run)
{
	u64 from = max(run->t0[0], run->t0[1]), to = min(run->t1[0], run->t1[1]);
	u64 longest = max(run->t1[0] - run->t0[0], run->t1[1] - run->t0[1]);

	if (to <= from || !longest)
		return 0;
	return div64_u64((to - from) * 1000, longest);
}

/* Run on CPUs 0 and 1 at once; return the wall time (the slower of the two). */
static u64 smp_both(struct smp_run *run)
{
	struct smp_arg args[2] = { { run, 0 }, { run, 1 } };
	int i;

	struct task_struct *t[2];

	atomic_set(&run->ready, 0);
	run->produced = 0;
	run->consumed = 0;
	/* Create both before either runs: a spinning thread holds its CPU. */
	for (i = 0; i < 2; i++) {
		init_completion(&run->done[i]);
		t[i] = kthread_create(smp_fn, &args[i], "kbench/%d", i);
		if (IS_ERR(t[i])) {
			if (i)
				kthread_stop(t[0]);
			return 0;
		}
		kthread_bind(t[i], i);
	}
	wake_up_process(t[0]);
	wake_up_process(t[1]);
	wait_for_completion(&run->done[0]);
	wait_for_completion(&run->done[1]);
	return max(run->ns[0], run->ns[1]);
}

static void smp_round(struct bench *b)
{
	static const char *const names[] = { "kbuddy_cache", "kmem_cache",
					     "kbuddy_pages", "alloc_pages" };
	struct smp_run *run;
	unsigned int mode;
	u64 kb_one = 0;

	if (num_online_cpus() < 2 || !cpu_online(1)) {
		pr_info("kbench: %u smp skipped: needs CPUs 0 and 1\n", b->round);
		return;
	}
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return;
	run->b = b;
	/* Longer than one measurement: start skew must not matter. */
	run->n = max(smp_n, 1U);
	run->ring_size = 256;
	run->ring = kcalloc(run->ring_size, sizeof(void *), GFP_KERNEL);
	b->size = 64;
	b->order = 0;
	b->kc = kbuddy_cache_create(b->kpool, "kbench-smp", 64, 8, 0, NULL);
	b->kmc = kmem_cache_create("kbench-smp", 64, 8, 0, NULL);
	if (!run->ring || IS_ERR_OR_NULL(b->kc) || !b->kmc)
		goto out;

	for (mode = 0; mode < ARRAY_SIZE(names); mode++) {
		u64 one, two;

		run->mode = mode;
		run->remote = false;
		one = smp_pairs(run, run->n);
		if (mode == SMP_KB_CACHE)
			kb_one = one;
		two = smp_both(run);
		if (!two)
			continue;
		/* Throughput on two CPUs over one, as a time ratio: 2 t1 / t2. */
		pr_info("kbench: %u smp-own %s %llu %llu %llu\n", b->round, names[mode],
			div64_u64(one * 1000, run->n), div64_u64(two * 1000, run->n),
			smp_overlap(run));
		if (mode > SMP_K_CACHE)
			continue;
		run->remote = true;
		two = smp_both(run);
		if (!two)
			continue;
		pr_info("kbench: %u smp-remote %s %llu %llu %llu\n", b->round, names[mode],
			div64_u64(one * 1000, run->n), div64_u64(two * 1000, run->n),
			smp_overlap(run));
	}
	/* The ring alone, over kbuddy's local pair: remote free's floor. */
	run->mode = SMP_RING;
	run->remote = true;
	if (kb_one && smp_both(run))
		pr_info("kbench: %u smp-ring kbuddy_cache %llu %llu %llu\n", b->round,
			div64_u64(kb_one * 1000, run->n),
			div64_u64(max(run->ns[0], run->ns[1]) * 1000, run->n),
			smp_overlap(run));
out:
	if (!IS_ERR_OR_NULL(b->kc))
		kbuddy_cache_destroy(b->kc);
	kmem_cache_destroy(b->kmc);
	b->kc = NULL;
	b->kmc = NULL;
	kfree(run->ring);
	kfree(run);
}

/* ==== Noise ============================================================== */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Quarter @q (1, 2 or 3) of the sorted @v[0 .. @n - 1], interpolated as
 * Python's statistics.quantiles(method="inclusive") does, so that this and
 * report.py agree.
 */
static u64 quartile(const u64 *v, unsigned int n, unsigned int q)
{
	unsigned int pos = (n - 1) * q, i = pos / 4, frac = pos % 4;

	if (!frac)
		return v[i];
	return v[i] + div_u64((v[i + 1] - v[i]) * frac, 4);
}

/* Inter-quartile range over median of @v[0 .. @n - 1], in thousandths. */
static u64 rel_iqr(u64 *v, unsigned int n)
{
	u64 med;

	if (n < 2)
		return 0;
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	med = quartile(v, n, 2);
	if (!med)
		return 0;
	return div64_u64((quartile(v, n, 3) - quartile(v, n, 1)) * 1000, med);
}

/*
 * The widest relative inter-quartile range, in thousandths, of the empty
 * loop and the key ratios over rounds 1 .. @n; which one in @worst (-1 for
 * the empty loop).
 */
static u64 key_spread(struct bench *b, unsigned int n, int *worst)
{
	u64 spread, w;
	unsigned int k, r, m;

	for (r = 1; r <= n; r++)
		b->scratch[r - 1] = b->empty[r];
	spread = rel_iqr(b->scratch, n);
	*worst = -1;
	for (k = 0; k < ARRAY_SIZE(keys); k++) {
		m = 0;
		for (r = 1; r <= n; r++)
			if (b->key_ps[k][1][r])
				b->scratch[m++] = div64_u64(b->key_ps[k][0][r] * 1000000,
							    b->key_ps[k][1][r]);
		w = rel_iqr(b->scratch, m);
		if (w > spread) {
			spread = w;
			*worst = k;
		}
	}
	return spread;
}

/* Say what the noise rule watches and how far it may go. */
static void noise_rule(unsigned int first, unsigned int last)
{
	unsigned int k;

	pr_info("kbench-noise: rule rounds %u..%u max_seconds %u key_rel_iqr %u%%\n",
		first, last, max_seconds, noise);
	for (k = 0; k < ARRAY_SIZE(keys); k++)
		pr_info("kbench-noise: key %s %s %s\n", keys[k].pattern,
			keys[k].op, keys[k].base);
}

/* ==== Setup ============================================================== */

/*
 * The constrained patterns' pools: kbuddy's own pool of @total bytes, and
 * drm_buddy's where the kernel has it. Say which drm_buddy it is, and how
 * contiguous runs are asked of it.
 */
static void con_setup(struct bench *b, u64 total)
{
	unsigned int max_order = min(ilog2(total >> PAGE_SHIFT) + 1,
				     KBUDDY_MAX_ORDER_LIMIT);
	struct kbuddy_pool *pool;
	int err;

	pool = kbuddy_pool_create_kind("kbench-contig", max_order,
				       KBUDDY_POOL_NOMAP, 0);
	if (IS_ERR(pool)) {
		pr_err("kbench: constrained patterns: no pool: %ld\n", PTR_ERR(pool));
		return;
	}
	err = kbuddy_pool_add_range(pool, CON_BASE, total);
	if (err) {
		pr_err("kbench: constrained patterns: no range: %d\n", err);
		kbuddy_pool_destroy(pool);
		return;
	}
	b->cpool = pool;
	if (!KBENCH_DRM_BUDDY) {
		pr_info("kbench: drm_buddy: not available on this kernel\n");
		return;
	}
	b->drm = kzalloc(sizeof(*b->drm), GFP_KERNEL);
	if (!b->drm)
		return;
	INIT_LIST_HEAD(&b->drm->blocks);
	INIT_LIST_HEAD(&b->drm->fill);
	err = kbench_drm_init(&b->drm->mm, total, PAGE_SIZE);
	if (err) {
		pr_err("kbench: drm_buddy: init failed: %d\n", err);
		kfree(b->drm);
		b->drm = NULL;
		return;
	}
	pr_info("kbench: drm_buddy: %s, contiguous runs %s\n", KBENCH_DRM_NAME,
		KBENCH_DRM_CONTIGUOUS ? "by its contiguous flag" :
		"emulated (no contiguous flag on this kernel): one block of the size rounded up to a power of two, min_block_size the same, trimmed back to the size with drm_buddy_block_trim(), as drivers did before");
}

static void con_teardown(struct bench *b)
{
	if (b->drm) {
		kbench_drm_fini(&b->drm->mm);
		kfree(b->drm);
	}
	if (b->cpool)
		kbuddy_pool_destroy(b->cpool);
}

static DECLARE_COMPLETION(bench_done);

static int bench_fn(void *data)
{
	unsigned int first = clamp(rounds, 1U, ROUNDS_CAP);
	unsigned int last = clamp(max_rounds, first, ROUNDS_CAP);
	struct bench *b = data;
	const char *why;
	unsigned int r;
	u64 start, spread;
	int worst;

	noise_rule(first, last);
	/* Warm-up, untimed: fills caches and per-CPU lists of every backend. */
	b->round = 0;
	if (!smp_only)
		one_round(b);
	start = ktime_get_ns();
	for (r = 1; ; r++) {
		b->round = r;
		if (!smp_only)
			one_round(b);
		if (wanted("smp"))
			smp_round(b);
		if (smp_only && r >= first) {
			why = "smp_only";
			break;
		}
		if (r < first)
			continue;
		spread = key_spread(b, r, &worst);
		if (worst < 0)
			pr_info("kbench-noise: %u widest %llu/1000 empty loop\n",
				r, spread);
		else
			pr_info("kbench-noise: %u widest %llu/1000 %s %s/%s\n", r,
				spread, keys[worst].pattern, keys[worst].op,
				keys[worst].base);
		if (spread <= noise * 10ULL) {
			why = "quiet";
			break;
		}
		if (r >= last) {
			why = "max_rounds";
			break;
		}
		if (ktime_get_ns() - start >= max_seconds * NSEC_PER_SEC) {
			why = "max_seconds";
			break;
		}
	}
	pr_info("kbench-noise: rounds %u stop %s\n", r, why);
	if (frag && !smp_only && wanted("frag"))
		kbuddy_bench_frag();
	pr_info("kbench: done failures %lu validate %s\n", b->failures,
		kbuddy_pool_validate(b->kpool) ? "FAILED" : "ok");
	complete(&bench_done);
	return 0;
}

static int __init kbuddy_bench_init(void)
{
	unsigned long total_bytes;
	struct task_struct *t;
	struct rnd_state rnd;
	struct bench *b;
	u32 i;
	int err = -ENOMEM;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->kpool = kbuddy_default_pool();
	if (!b->kpool) {
		err = -ENODEV;
		goto out;
	}
	total_bytes = kbuddy_pool_total_pages(b->kpool) << PAGE_SHIFT;
	b->ptrs = kvcalloc(MAX_BATCH, sizeof(void *), GFP_KERNEL);
	b->perm = kvcalloc(MAX_BATCH, sizeof(u32), GFP_KERNEL);
	b->gp_pages = gen_pool_create(PAGE_SHIFT, -1);
	b->gp_objs = gen_pool_create(3, -1);
	if (!b->ptrs || !b->perm || !b->gp_pages || !b->gp_objs ||
	    gen_pool_add(b->gp_pages, GP_BASE, total_bytes, -1) ||
	    gen_pool_add(b->gp_objs, GP_BASE, total_bytes, -1))
		goto out;
	/* A fixed random permutation for the random-order frees. */
	prandom_seed_state(&rnd, 7);
	for (i = 0; i < MAX_BATCH; i++)
		b->perm[i] = i;
	for (i = MAX_BATCH - 1; i > 0; i--) {
		u32 j = prandom_u32_state(&rnd) % (i + 1);

		swap(b->perm[i], b->perm[j]);
	}

	pr_info("kbench: start rounds %u ops %u pool %lu bytes\n", rounds, ops,
		total_bytes);
	con_setup(b, total_bytes);
	t = kthread_create(bench_fn, b, "kbench");
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out;
	}
	kthread_bind(t, 0);
	wake_up_process(t);
	wait_for_completion(&bench_done);
	err = 0;
out:
	con_teardown(b);
	if (b->gp_pages)
		gen_pool_destroy(b->gp_pages);
	if (b->gp_objs)
		gen_pool_destroy(b->gp_objs);
	kvfree(b->ptrs);
	kvfree(b->perm);
	kfree(b);
	return err;
}

static void __exit kbuddy_bench_exit(void)
{
}

module_init(kbuddy_bench_init);
module_exit(kbuddy_bench_exit);
MODULE_IMPORT_NS(KBUDDY_INTERNAL);
MODULE_DESCRIPTION("kbuddy against the kernel's allocators, same VM, same run");
MODULE_LICENSE("GPL");

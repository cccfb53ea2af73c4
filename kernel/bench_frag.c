// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy_bench - fragmentation workloads: how a kbuddy pool fragments, not
 * how fast it is. Each workload runs on a pool of its own and prints
 *
 *	kbench-frag: <workload> <figure> <value>...
 *
 * with the per-order free counts (nr_free) and the largest free block once
 * it is done: the adversarial fill (every other page freed), random orders
 * with exponential lifetimes (the fill at which an order-k request first
 * fails), malloc sizes with Pareto lifetimes (peak footprint over peak
 * live bytes, internal waste), and contiguous runs of sizes that are no
 * power of two with exponential lifetimes, once per placement policy (peak
 * utilization). Figures after Documentation/performance.rst.
 */

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "bench.h"

static void frag_report(const char *workload, struct kbuddy_pool *pool)
{
	unsigned long nr_free[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long largest = 0;
	unsigned int o, orders;

	kbuddy_pool_drain(pool);
	orders = kbuddy_pool_free_counts(pool, nr_free);
	for (o = 0; o < orders; o++)
		if (nr_free[o])
			largest = PAGE_SIZE << o;
	pr_info("kbench-frag: %s largest_free %lu free_pages %lu\n", workload,
		largest, kbuddy_pool_free_pages(pool));
	for (o = 0; o < orders; o++)
		pr_info("kbench-frag: %s nr_free %u %lu\n", workload, o, nr_free[o]);
}

/* Fill with order 0, free every other page: the adversarial case. */
static void frag_alternate(struct kbuddy_pool *pool)
{
	unsigned long n = kbuddy_pool_total_pages(pool), i, got = 0;
	void **p = kvmalloc_array(n, sizeof(void *), GFP_KERNEL);

	if (!p)
		return;
	for (i = 0; i < n; i++) {
		p[i] = kbuddy_alloc_pages(pool, 0, KBENCH_NOWAIT);
		got += !!p[i];
	}
	for (i = 0; i < n; i += 2)
		if (p[i])
			kbuddy_free_pages(pool, p[i], 0);
	frag_report("alternate", pool);
	for (i = 1; i < n; i += 2)
		if (p[i])
			kbuddy_free_pages(pool, p[i], 0);
	kvfree(p);
	pr_info("kbench-frag: alternate allocated %lu\n", got);
}

/*
 * An exponentially distributed lifetime of mean @mean: -mean * ln(u) for u
 * uniform in (0, 1], with log2 computed in 16.16 fixed point by repeated
 * squaring.
 */
static unsigned long exp_sample(struct rnd_state *rnd, unsigned long mean)
{
	u32 u = prandom_u32_state(rnd) | 1;
	unsigned int y = ilog2(u), bit;
	u64 m = (u64)u << (31 - y), frac = 0;
	u64 neg_log2;

	for (bit = 16; bit-- > 0;) {
		m = (m * m) >> 31;
		if (m >= (1ULL << 32)) {
			m >>= 1;
			frac |= 1ULL << bit;
		}
	}
	/* -log2(u / 2^32) = 32 - log2(u); ln 2 = 45426 / 65536. */
	neg_log2 = ((u64)(32 - y) << 16) - frac;
	return div64_u64(mean * neg_log2 * 45426, 1ULL << 32);
}

struct live {
	void *p;
	unsigned long die;
	unsigned int order;
	size_t size;
	phys_addr_t phys;
};

/* Live objects in a binary min-heap on their time of death. */
struct heap {
	struct live *v;
	unsigned int n;
	unsigned int max;
};

static void heap_push(struct heap *h, struct live x)
{
	unsigned int i = h->n++;

	while (i && h->v[(i - 1) / 2].die > x.die) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static struct live heap_pop(struct heap *h)
{
	struct live top = h->v[0], x = h->v[--h->n];
	unsigned int i = 0, c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && h->v[c + 1].die < h->v[c].die)
			c++;
		if (x.die <= h->v[c].die)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	h->v[i] = x;
	return top;
}

/*
 * Random orders with exponential lifetimes: record the fill level at which
 * the first order-3, 6 and 9 request failed.
 */
static void frag_exponential(struct kbuddy_pool *pool)
{
	static const unsigned int ks[] = { 3, 6, 9 };
	unsigned long total = kbuddy_pool_total_pages(pool), used = 0, t;
	bool failed[ARRAY_SIZE(ks)] = { false };
	struct heap h = { .max = 4096 };
	struct rnd_state rnd;
	unsigned int j;

	h.v = kvmalloc_array(h.max, sizeof(*h.v), GFP_KERNEL);
	if (!h.v)
		return;
	prandom_seed_state(&rnd, 2026);
	for (t = 0; t < 100000; t++) {
		unsigned int order = prandom_u32_state(&rnd) % 10;
		void *p;

		while (h.n && h.v[0].die <= t) {
			struct live x = heap_pop(&h);

			kbuddy_free_pages(pool, x.p, x.order);
			used -= 1UL << x.order;
		}
		if (h.n == h.max)
			continue;
		p = kbuddy_alloc_pages(pool, order, KBENCH_NOWAIT);
		for (j = 0; j < ARRAY_SIZE(ks); j++) {
			if (order != ks[j] || p || failed[j])
				continue;
			failed[j] = true;
			pr_info("kbench-frag: exponential first_fail order %u fill %lu/1000\n",
				order, used * 1000 / total);
		}
		if (!p)
			continue;
		used += 1UL << order;
		heap_push(&h, (struct live){ p, t + 1 + exp_sample(&rnd, 300), order, 0 });
		if (!(t % 4096))
			cond_resched();
	}
	frag_report("exponential", pool);
	while (h.n) {
		struct live x = heap_pop(&h);

		kbuddy_free_pages(pool, x.p, x.order);
	}
	kvfree(h.v);
}

/*
 * Random malloc sizes 8..8192 with Pareto lifetimes: peak footprint over
 * peak live bytes, and internal waste.
 */
static void frag_pareto(struct kbuddy_pool *pool)
{
	unsigned long live_bytes = 0, peak_live = 0, peak_used = 0, t;
	unsigned long total = kbuddy_pool_total_pages(pool);
	struct heap h = { .max = 16384 };
	u64 requested = 0, granted = 0;
	struct rnd_state rnd;

	h.v = kvmalloc_array(h.max, sizeof(*h.v), GFP_KERNEL);
	if (!h.v)
		return;
	prandom_seed_state(&rnd, 1122);
	for (t = 0; t < 100000; t++) {
		size_t size = 8 + prandom_u32_state(&rnd) % 8185;
		/* Pareto, alpha 1: lifetime = scale / u. */
		unsigned long life = 20UL * 65536 / ((prandom_u32_state(&rnd) >> 16) | 1);
		unsigned long used;
		void *p;

		while (h.n && h.v[0].die <= t) {
			struct live x = heap_pop(&h);

			kbuddy_free(pool, x.p);
			live_bytes -= x.size;
		}
		if (h.n == h.max)
			continue;
		p = kbuddy_malloc(pool, size, KBENCH_NOWAIT);
		if (!p)
			continue;
		requested += size;
		granted += kbuddy_ksize(pool, p);
		live_bytes += size;
		heap_push(&h, (struct live){ p, t + 1 + min(life, 100000UL), 0, size });
		peak_live = max(peak_live, live_bytes);
		used = (total - kbuddy_pool_free_pages(pool)) << PAGE_SHIFT;
		peak_used = max(peak_used, used);
		if (!(t % 4096))
			cond_resched();
	}
	pr_info("kbench-frag: pareto peak_footprint %lu peak_live %lu footprint_over_live %llu/1000 internal_waste %llu/1000\n",
		peak_used, peak_live, div64_u64((u64)peak_used * 1000, max(peak_live, 1UL)),
		div64_u64((granted - requested) * 1000, max_t(u64, granted, 1)));
	frag_report("pareto", pool);
	while (h.n) {
		struct live x = heap_pop(&h);

		kbuddy_free(pool, x.p);
	}
	kvfree(h.v);
}

/*
 * The contiguous-run trace: requests, and the mean lifetime in requests
 * that the last ones get (it grows from 1 with each request).
 */
#define CONTIG_TRACE_STEPS	20000
#define CONTIG_TRACE_LIFE	250

static void contig_trace_free(struct kbuddy_pool *pool, struct live x)
{
	struct kbuddy_contig c = { .addr = x.p, .phys = x.phys, .size = x.size };

	WARN_ON_ONCE(kbuddy_free_contig(pool, &c));
}

/*
 * Contiguous runs of 3 to 96 pages (mean 49), none a power of two, one per
 * step, with exponential lifetimes whose mean grows from 1 to
 * CONTIG_TRACE_LIFE steps over the trace: the load rises slowly, so the
 * pool churns (and fragments) long before it fills - the demand reaches the
 * pool's 4096 pages about a third of the way through and three times it at
 * the end. Placed by @policy; the same seed for every policy, and the
 * random numbers drawn whatever the outcome, so that every policy sees the
 * same requests. Prints peak_util: the most pages live at once before the
 * first failed request (over the whole trace if none failed), per mille of
 * the pool's pages; fails: failed requests of the trace (it goes on after a
 * failure, the pool full); fill_at_fail: pages live when the first request
 * failed, per mille; peak_util_all: the most pages live at once over the
 * whole trace, per mille.
 */
static void frag_contig_policy(struct kbuddy_pool *pool, const char *name,
			       unsigned int policy)
{
	struct kbuddy_constraint con = { .flags = policy };
	unsigned long total = kbuddy_pool_total_pages(pool), live = 0, peak = 0;
	unsigned long peak_all = 0, at_fail = 0, fails = 0, t;
	struct heap h = { .max = 4096 };
	struct rnd_state rnd;

	h.v = kvmalloc_array(h.max, sizeof(*h.v), GFP_KERNEL);
	if (!h.v)
		return;
	if (kbuddy_pool_free_pages(pool) != total)
		pr_info("kbench-frag: contig policy %s: pool not empty at the start (%lu of %lu free)\n",
			name, kbuddy_pool_free_pages(pool), total);
	prandom_seed_state(&rnd, 1013);
	for (t = 0; t < CONTIG_TRACE_STEPS; t++) {
		unsigned long npages = 3 + prandom_u32_state(&rnd) % 94;
		unsigned long mean = 1 + CONTIG_TRACE_LIFE * t / CONTIG_TRACE_STEPS;
		unsigned long die = t + 1 + exp_sample(&rnd, mean);
		struct kbuddy_contig c;

		if (is_power_of_2(npages))
			npages++;
		while (h.n && h.v[0].die <= t) {
			struct live x = heap_pop(&h);

			contig_trace_free(pool, x);
			live -= x.size >> PAGE_SHIFT;
		}
		if (h.n == h.max)
			continue;
		if (kbuddy_alloc_contig(pool, npages << PAGE_SHIFT, &con, KBENCH_NOWAIT, &c)) {
			if (!fails++)
				at_fail = live;
			continue;
		}
		live += npages;
		if (!fails)
			peak = max(peak, live);
		peak_all = max(peak_all, live);
		heap_push(&h, (struct live){
			.p = c.addr, .die = die, .size = c.size, .phys = c.phys,
		});
		if (!(t % 256))
			cond_resched();
	}
	pr_info("kbench-frag: contig policy %s peak_util %lu/1000 fails %lu requests %lu fill_at_fail %lu/1000 peak_util_all %lu/1000\n",
		name, peak * 1000 / total, fails, t, at_fail * 1000 / total,
		peak_all * 1000 / total);
	while (h.n)
		contig_trace_free(pool, heap_pop(&h));
	kvfree(h.v);
}

static void frag_contig_policies(struct kbuddy_pool *pool)
{
	static const struct {
		const char *name;
		unsigned int flags;
	} policies[] = {
		{ "first_fit", KBUDDY_CONTIG_FIRST_FIT },
		{ "next_fit", KBUDDY_CONTIG_NEXT_FIT },
		{ "best_fit", KBUDDY_CONTIG_BEST_FIT },
		{ "worst_fit", KBUDDY_CONTIG_WORST_FIT },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(policies); i++)
		frag_contig_policy(pool, policies[i].name, policies[i].flags);
}

/**
 * kbuddy_bench_frag() - run the fragmentation workloads and print them
 *
 * On a pool of its own (16 MiB of vmalloc()ed memory), so that the timed
 * benchmark's pool is left as it was.
 *
 * Context: Process context; may sleep.
 */
void kbuddy_bench_frag(void)
{
	struct kbuddy_pool *pool = kbuddy_pool_create("kbench-frag", 11);
	unsigned long meta;
	void *mem = NULL;

	if (IS_ERR(pool))
		return;
	mem = vmalloc(SZ_16M);
	if (!mem || kbuddy_pool_add_mem(pool, mem, (phys_addr_t)SZ_4G, SZ_16M))
		goto out;
	/* Metadata: page descriptors and bitmaps, per region byte. */
	meta = kbuddy_pool_metadata_bytes(pool);
	pr_info("kbench-frag: metadata %lu bytes for %u bytes: %lu/1000000\n",
		meta, SZ_16M, meta * 1000000 / SZ_16M);
	frag_alternate(pool);
	frag_exponential(pool);
	frag_pareto(pool);
	kbuddy_kmalloc_shrink(pool);
	kbuddy_pool_drain(pool);
	frag_contig_policies(pool);
	pr_info("kbench-frag: validate %s\n", kbuddy_pool_validate(pool) ? "FAILED" : "ok");
out:
	kbuddy_pool_destroy(pool);
	vfree(mem);
}

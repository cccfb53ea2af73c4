/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - request and latency histograms of a pool (histogram.c), shown in
 * /sys/kernel/debug/kbuddy/<pool>/histogram. Off unless that file is told
 * "on"; while no pool has it on, every hook below is one static branch (a
 * NOP) and nothing else: no timestamp, no load of the pool.
 *
 * The hooks sit where each public entry point decides its path: pcp.c's
 * alloc_kind() and free_kind() (kbuddy_alloc_pages(), kbuddy_free_pages()
 * and the malloc family's whole blocks), magazine.h's kbuddy_obj_alloc()
 * and kbuddy_obj_free() (slab caches and the malloc size classes), and the
 * request counts in kbuddy_alloc_pages() and kbuddy_malloc().
 */
#ifndef _KBUDDY_HISTOGRAM_H
#define _KBUDDY_HISTOGRAM_H

#include <linux/jump_label.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

#include "internal.h"

struct seq_file;

/* What was timed. */
enum kbuddy_hist_op {
	KBUDDY_HIST_ALLOC,
	KBUDDY_HIST_FREE,
	KBUDDY_HIST_NR_OPS,
};

/*
 * Which way it went: the CPU's page cache without the pool's lock, the
 * buddy lists under it (a CPU cache's refill or spill included), a
 * magazine's lockless fast path, or past it (the other magazine, the
 * depot, the slab lists, a new slab).
 */
enum kbuddy_hist_path {
	KBUDDY_HIST_PCP,
	KBUDDY_HIST_POOL,
	KBUDDY_HIST_SLAB_FAST,
	KBUDDY_HIST_SLAB_SLOW,
	KBUDDY_HIST_NR_PATHS,
};

/* Latency buckets: [2^i, 2^(i+1)) ns; 0 ns in the first, >= 2^31 in the last. */
#define KBUDDY_HIST_BUCKETS	32
/* The size line of kbuddy_malloc() requests served by whole blocks. */
#define KBUDDY_HIST_LARGE	KBUDDY_NR_KMALLOC

/**
 * struct kbuddy_hist_cpu - one CPU's counts of a pool's histogram
 * @order: kbuddy_alloc_pages() requests per order
 * @size: kbuddy_malloc() requests per size class, then whole blocks
 *	(KBUDDY_HIST_LARGE)
 * @latency: operations per op, path and log2 bucket of nanoseconds
 *
 * No lock: each counter is this_cpu_inc()ed by its CPU, summed by readers
 * as a snapshot, and zeroed by a reset, which may lose increments that
 * race with it.
 */
struct kbuddy_hist_cpu {
	unsigned long order[KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long size[KBUDDY_NR_KMALLOC + 1];
	unsigned long latency[KBUDDY_HIST_NR_OPS][KBUDDY_HIST_NR_PATHS]
			     [KBUDDY_HIST_BUCKETS];
};

/**
 * struct kbuddy_hist - a pool's histogram, made when it is first turned on
 * @on: whether the hooks count for this pool; written under
 *	kbuddy_hist_mutex (histogram.c), read locklessly by the hooks
 * @keyed: whether this pool counts in kbuddy_hist_key: from its first
 *	``on`` until it is destroyed (``off`` leaves the key as it is, so that
 *	switching on and off does not patch every hook's code each time);
 *	under kbuddy_hist_mutex
 * @cpu: the counts; set at creation and freed with the pool
 *
 * Published once in pool->hist (under kbuddy_hist_mutex, with release
 * semantics) and freed only when the pool is destroyed, when no operation
 * on it may run: a hook that saw it may use it until it returns.
 */
struct kbuddy_hist {
	bool on;
	bool keyed;
	struct kbuddy_hist_cpu __percpu *cpu;
};

/* On while any pool's histogram is: one count per such pool. */
DECLARE_STATIC_KEY_FALSE(kbuddy_hist_key);

/*
 * Is any pool's histogram on? A patched jump in the kernel. The userspace
 * build of the core (tools/testing, -DKBUDDY_HIST_OFF) cannot patch code
 * and never switches a histogram on: there the hooks compile away, so that
 * its instruction counts stay the allocator's own.
 */
#ifdef KBUDDY_HIST_OFF
#define kbuddy_hist_enabled()	false
#else
#define kbuddy_hist_enabled()	static_branch_unlikely(&kbuddy_hist_key)
#endif

int kbuddy_hist_show(struct seq_file *m, void *v);
ssize_t kbuddy_hist_command(struct kbuddy_pool *pool, const char *in,
			    size_t count);

/* @pool's histogram if it counts now, else NULL, once the key is on. */
static __always_inline struct kbuddy_hist *kbuddy_hist_counting(struct kbuddy_pool *pool)
{
	/* Pairs with the release in hist_apply() (histogram.c). */
	struct kbuddy_hist *h = smp_load_acquire(&pool->hist);

	return h && READ_ONCE(h->on) ? h : NULL;
}

/* @pool's histogram if it counts now, else NULL; one NOP while none does. */
static __always_inline struct kbuddy_hist *kbuddy_hist_on(struct kbuddy_pool *pool)
{
	if (!kbuddy_hist_enabled())
		return NULL;
	return kbuddy_hist_counting(pool);
}

/* A kbuddy_alloc_pages() request of @order, below the pool's max_order. */
static __always_inline void kbuddy_hist_order(struct kbuddy_pool *pool,
					      unsigned int order)
{
	struct kbuddy_hist *h = kbuddy_hist_on(pool);

	if (h)
		this_cpu_inc(h->cpu->order[order]);
}

/* A kbuddy_malloc() request of size class @class, or KBUDDY_HIST_LARGE. */
static __always_inline void kbuddy_hist_size(struct kbuddy_pool *pool,
					     unsigned int class)
{
	struct kbuddy_hist *h = kbuddy_hist_on(pool);

	if (h)
		this_cpu_inc(h->cpu->size[class]);
}

/* kbuddy_hist_begin() once some pool's histogram is on. */
static __always_inline u64 kbuddy_hist_start(struct kbuddy_pool *pool)
{
	u64 t0;

	if (!kbuddy_hist_counting(pool))
		return 0;
	t0 = ktime_get_ns();
	return t0 ? t0 : 1;
}

/*
 * An operation on @pool starts. Return: its start time, for
 * kbuddy_hist_end(); 0 if @pool's histogram is off, so that the operation
 * is not timed. A macro, so that @pool (c->pool on the object paths) is
 * not even loaded while the key is off.
 */
#define kbuddy_hist_begin(pool) \
	(kbuddy_hist_enabled() ? kbuddy_hist_start(pool) : 0)

/*
 * The operation begun at @t0 ends, having gone along @path: count it in
 * the bucket of its nanoseconds. ktime_get_ns(), not local_clock(): where
 * the TSC is not trusted, sched_clock() ticks in jiffies even when an HPET
 * or the ACPI PM timer gives nanoseconds.
 */
static __always_inline void kbuddy_hist_end(struct kbuddy_pool *pool,
					    enum kbuddy_hist_op op,
					    enum kbuddy_hist_path path, u64 t0)
{
	struct kbuddy_hist *h;
	u64 ns;

	if (!kbuddy_hist_enabled() || !t0)
		return;
	/* Non-NULL: kbuddy_hist_begin() saw it, and it lives with the pool. */
	h = READ_ONCE(pool->hist);
	ns = ktime_get_ns() - t0;
	this_cpu_inc(h->cpu->latency[op][path]
			[ns ? min_t(unsigned int, ilog2(ns),
				    KBUDDY_HIST_BUCKETS - 1) : 0]);
}

#endif /* _KBUDDY_HISTOGRAM_H */

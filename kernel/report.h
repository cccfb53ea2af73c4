/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - the one checker and reporter (report.c): where validation
 * problems go, and how a refused call is counted and reported.
 */
#ifndef _KBUDDY_REPORT_H
#define _KBUDDY_REPORT_H

#include <linux/spinlock.h>
#include <linux/types.h>

#include "internal.h"

/* Problems one check describes; more are counted, and summed up in a line. */
#define KBUDDY_REPORT_MAX	32
/* Bytes of a problem held for later (see kbuddy_sink_hold()). */
#define KBUDDY_REPORT_LINE	128

/**
 * struct kbuddy_sink - where the problems of one check go
 * @report: called once per problem described, or NULL to only count
 * @ctx: passed to @report
 * @lock: protects @problems, @held and @lines: the CPUs of a check that
 *	runs on each CPU (kbuddy_run_on_cpus()) report at once. Taken with
 *	irqsave, inside every other kbuddy lock, and never around @report.
 * @problems: problems found; the first KBUDDY_REPORT_MAX are described
 * @held: problems described in @lines, not yet passed to @report
 * @lines: while the sink holds (kbuddy_sink_hold()), descriptions wait
 *	here for kbuddy_sink_release(), which passes them to @report in the
 *	caller's context; NULL otherwise
 */
struct kbuddy_sink {
	kbuddy_report_fn report;
	void *ctx;
	spinlock_t lock; /* see above */
	unsigned long problems;
	unsigned int held;
	char (*lines)[KBUDDY_REPORT_LINE];
};

void kbuddy_sink_init(struct kbuddy_sink *s, kbuddy_report_fn report,
		      void *ctx);
void kbuddy_sink_hold(struct kbuddy_sink *s);
void kbuddy_sink_release(struct kbuddy_sink *s);
void kbuddy_sink_finish(struct kbuddy_sink *s);
__printf(2, 3) void kbuddy_problem(struct kbuddy_sink *s, const char *fmt,
				   ...);

static inline unsigned long kbuddy_sink_problems(struct kbuddy_sink *s)
{
	return READ_ONCE(s->problems);
}

/**
 * struct kbuddy_refusal - a call refused with nothing changed
 * @pool: the pool the memory should belong to
 * @cache: the name of the cache charged with it, or NULL for the pool
 * @what: what was refused: "free", "realloc"
 * @addr: the caller's pointer; named by its physical address when it lies
 *	in @pool
 * @by_phys: the caller gave a physical address, @phys, instead of @addr
 * @phys: with @by_phys, the address named
 * @order: the order the caller gave, or -1 for none
 * @reason: why, from one of the reason tables beside the counter names
 * @caller: the return address of the refused call
 * @counter: counted here, or NULL
 * @lock: taken (irqsave) around the count, or NULL if the caller holds
 *	the lock that protects @counter
 */
struct kbuddy_refusal {
	struct kbuddy_pool *pool;
	const char *cache;
	const char *what;
	const void *addr;
	bool by_phys;
	phys_addr_t phys;
	long order;
	const char *reason;
	unsigned long caller;
	unsigned long *counter;
	spinlock_t *lock; /* see above */
};

void kbuddy_refuse(const struct kbuddy_refusal *r);

/* Why a free was refused, per bad_free_* counter, beside their names. */
extern const char *const kbuddy_bad_free_reasons[KBUDDY_NR_COUNTERS];
extern const char *const kbuddy_cache_bad_free_reasons[KBUDDY_NR_CACHE_COUNTERS];

#endif /* _KBUDDY_REPORT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - the one checker and reporter.
 *
 * Every validate (buddy.c, pcp.c, slab.c, magazine.c) puts its problems in
 * a struct kbuddy_sink: it counts them all, describes the first
 * KBUDDY_REPORT_MAX through the caller's report function, and sums up the
 * rest in one line. A check that runs on each CPU from a work item holds
 * its descriptions in the sink and passes them on afterwards, in the
 * caller's context, so that a report function (a seq_file, a KUnit test)
 * is never called from two CPUs at once.
 *
 * Every refused call (a bad free in buddy.c, slab.c, magazine.c, kmalloc.c;
 * a refused realloc) goes through kbuddy_refuse(): one counter, one
 * ratelimited warning in one format, naming the caller.
 *
 * The names debugfs prints for every counter, and the reason printed for
 * each kind of refused free, are kept here side by side.
 */

#include <linux/build_bug.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stdarg.h>

#include "internal.h"
#include "report.h"

/* ==== Names and reasons of the counters =================================
 *
 * Each counter enum of internal.h has its names[] here, as debugfs prints
 * them, and each kind of refusal its reason, as kbuddy_refuse() prints it.
 */

/* The pool's counters (buddy.c). */
const char *const kbuddy_counter_names[KBUDDY_NR_COUNTERS] = {
	[KBUDDY_SPLITS]			= "splits",
	[KBUDDY_MERGES]			= "merges",
	[KBUDDY_RECLAIMS]		= "reclaims",
	[KBUDDY_BAD_FREE_OUTSIDE]	= "bad_free_outside",
	[KBUDDY_BAD_FREE_MISALIGNED]	= "bad_free_misaligned",
	[KBUDDY_BAD_FREE_NOT_HEAD]	= "bad_free_not_head",
	[KBUDDY_BAD_FREE_DOUBLE]	= "bad_free_double",
	[KBUDDY_BAD_FREE_WRONG_ORDER]	= "bad_free_wrong_order",
	[KBUDDY_BAD_FREE_WRONG_ALLOCATOR] = "bad_free_wrong_allocator",
	[KBUDDY_PAGE_POISON_OVERWRITTEN] = "page_poison_overwritten",
	[KBUDDY_CLEAR_FREED]		= "clear_freed_pages",
	[KBUDDY_CLEAR_REUSED]		= "clear_reused_pages",
	[KBUDDY_RED_ZONE_OVERWRITTEN]	= "malloc_red_zone_overwritten",
};

/* kbuddy's KUnit module uses these internals; no other module should. */
EXPORT_SYMBOL_NS_GPL(kbuddy_counter_names, KBUDDY_INTERNAL);
static_assert(ARRAY_SIZE(kbuddy_counter_names) == KBUDDY_NR_COUNTERS);

/* Why a free was refused, for each bad_free_* counter. */
const char *const kbuddy_bad_free_reasons[KBUDDY_NR_COUNTERS] = {
	[KBUDDY_BAD_FREE_OUTSIDE]	= "address outside the pool",
	[KBUDDY_BAD_FREE_MISALIGNED]	= "address not aligned to the order",
	[KBUDDY_BAD_FREE_NOT_HEAD]	= "not the start of an allocated block",
	[KBUDDY_BAD_FREE_DOUBLE]	= "memory already free (double free)",
	[KBUDDY_BAD_FREE_WRONG_ORDER]	= "order differs from the allocation's",
	[KBUDDY_BAD_FREE_WRONG_ALLOCATOR] =
		"block belongs to another interface (slab, malloc or pages)",
};

/* The per-CPU page caches' counters (pcp.c). */
const char *const kbuddy_pcp_counter_names[KBUDDY_NR_PCP_COUNTERS] = {
	[KBUDDY_PCP_ALLOC]	= "pcp_alloc",
	[KBUDDY_PCP_FREE]	= "pcp_free",
	[KBUDDY_PCP_REFILL]	= "pcp_refill",
	[KBUDDY_PCP_DRAIN]	= "pcp_drain",
};

static_assert(ARRAY_SIZE(kbuddy_pcp_counter_names) == KBUDDY_NR_PCP_COUNTERS);

/* A cache's counters under its lock (slab.c, magazine.c). */
const char *const kbuddy_cache_counter_names[KBUDDY_NR_CACHE_COUNTERS] = {
	[KBUDDY_CACHE_ALLOC_SLOW]		= "alloc_slow",
	[KBUDDY_CACHE_FREE_SLOW]		= "free_slow",
	[KBUDDY_CACHE_ALLOC_FAIL]		= "alloc_fail",
	[KBUDDY_CACHE_DEPOT_EXCHANGE]		= "depot_exchange",
	[KBUDDY_CACHE_SLAB_NEW]			= "slab_new",
	[KBUDDY_CACHE_SLAB_FREE]		= "slab_free",
	[KBUDDY_CACHE_FREELIST_REPAIR]		= "freelist_repair",
	[KBUDDY_CACHE_BAD_FREE_OUTSIDE]		= "bad_free_outside",
	[KBUDDY_CACHE_BAD_FREE_NOT_OBJECT]	= "bad_free_not_object",
	[KBUDDY_CACHE_BAD_FREE_WRONG_CACHE]	= "bad_free_wrong_cache",
	[KBUDDY_CACHE_BAD_FREE_INTERIOR]	= "bad_free_interior",
	[KBUDDY_CACHE_BAD_FREE_DOUBLE]		= "bad_free_double",
	[KBUDDY_CACHE_POISON_OVERWRITTEN]	= "poison_overwritten",
	[KBUDDY_CACHE_RED_ZONE_OVERWRITTEN]	= "red_zone_overwritten",
	[KBUDDY_CACHE_NOCPU]			= "nocpu",
};
EXPORT_SYMBOL_NS_GPL(kbuddy_cache_counter_names, KBUDDY_INTERNAL);
static_assert(ARRAY_SIZE(kbuddy_cache_counter_names) == KBUDDY_NR_CACHE_COUNTERS);

/* Why a free was refused, for each bad_free_* counter. */
const char *const kbuddy_cache_bad_free_reasons[KBUDDY_NR_CACHE_COUNTERS] = {
	[KBUDDY_CACHE_BAD_FREE_OUTSIDE]		= "not in the cache's pool",
	[KBUDDY_CACHE_BAD_FREE_NOT_OBJECT]	= "not in a slab",
	[KBUDDY_CACHE_BAD_FREE_WRONG_CACHE]	= "object of another cache",
	[KBUDDY_CACHE_BAD_FREE_INTERIOR]	= "not the start of an object",
	[KBUDDY_CACHE_BAD_FREE_DOUBLE]		= "object already free (double free)",
};

/* A cache's per-CPU magazine counters (magazine.c). */
const char *const kbuddy_mag_counter_names[KBUDDY_NR_MAG_COUNTERS] = {
	[KBUDDY_MAG_ALLOC_FAST]	= "alloc_fast",
	[KBUDDY_MAG_FREE_FAST]	= "free_fast",
};

static_assert(ARRAY_SIZE(kbuddy_mag_counter_names) == KBUDDY_NR_MAG_COUNTERS);

/* ==== Problems ========================================================== */

/**
 * kbuddy_report() - call a report function with a format and arguments
 * @report: the function
 * @ctx: its context
 * @fmt: printf format
 *
 * Context: Whatever @report allows.
 */
void kbuddy_report(kbuddy_report_fn report, void *ctx, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	report(ctx, fmt, args);
	va_end(args);
}

/**
 * kbuddy_sink_init() - start a check
 * @s: the sink
 * @report: called once per problem described, or NULL to only count
 * @ctx: passed to @report
 *
 * Context: Any context.
 */
void kbuddy_sink_init(struct kbuddy_sink *s, kbuddy_report_fn report,
		      void *ctx)
{
	s->report = report;
	s->ctx = ctx;
	spin_lock_init(&s->lock);
	s->problems = 0;
	s->held = 0;
	s->lines = NULL;
}

/**
 * kbuddy_sink_hold() - hold descriptions until kbuddy_sink_release()
 * @s: the sink
 *
 * For a check that runs on other CPUs, or in a context @s's report
 * function does not allow. Without memory for the descriptions, the
 * problems are still counted.
 *
 * Context: Process context; may sleep.
 */
void kbuddy_sink_hold(struct kbuddy_sink *s)
{
	if (s->report && !s->lines)
		s->lines = kmalloc_array(KBUDDY_REPORT_MAX, sizeof(*s->lines),
					 GFP_KERNEL);
}

/**
 * kbuddy_sink_release() - pass held descriptions on, and stop holding
 * @s: the sink
 *
 * Context: Whatever @s's report function allows; no CPU may still report.
 */
void kbuddy_sink_release(struct kbuddy_sink *s)
{
	unsigned int i;

	for (i = 0; s->lines && i < s->held; i++)
		kbuddy_report(s->report, s->ctx, "%s", s->lines[i]);
	kfree(s->lines);
	s->lines = NULL;
	s->held = 0;
}

/**
 * kbuddy_sink_finish() - end a check
 * @s: the sink
 *
 * Passes held descriptions on and sums up the problems not described.
 *
 * Context: As kbuddy_sink_release().
 */
void kbuddy_sink_finish(struct kbuddy_sink *s)
{
	kbuddy_sink_release(s);
	if (s->report && s->problems > KBUDDY_REPORT_MAX)
		kbuddy_report(s->report, s->ctx, "%lu more problems not described\n",
			      s->problems - KBUDDY_REPORT_MAX);
}

/**
 * kbuddy_problem() - count a problem, and describe it if under the limit
 * @s: the sink
 * @fmt: printf format of one line, ending in a newline
 *
 * Context: Any context: from a CPU's work item under its local_lock, or
 * under the lock of what is checked, if the sink holds (or its report
 * function allows that context).
 */
void kbuddy_problem(struct kbuddy_sink *s, const char *fmt, ...)
{
	unsigned long flags, n;
	va_list args;

	spin_lock_irqsave(&s->lock, flags);
	n = s->problems++;
	if (s->lines && n < KBUDDY_REPORT_MAX) {
		va_start(args, fmt);
		vscnprintf(s->lines[s->held++], sizeof(s->lines[0]), fmt, args);
		va_end(args);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	/* Not holding: this caller is the only one reporting. */
	if (!s->lines && s->report && n < KBUDDY_REPORT_MAX) {
		va_start(args, fmt);
		s->report(s->ctx, fmt, args);
		va_end(args);
	}
}

/* ==== Refusals ========================================================== */

/**
 * kbuddy_refuse() - count and report a refused call
 * @r: what was refused, and why
 *
 * The warning is ratelimited; the count is not.
 *
 * Context: Any context; @r->lock must not be held, and when @r->lock is
 * NULL the lock protecting @r->counter must be.
 */
void kbuddy_refuse(const struct kbuddy_refusal *r)
{
	struct kbuddy_region *region = r->by_phys ? NULL :
				       kbuddy_find_region(r->pool, r->addr);
	const char *kind = r->cache ? "cache" : "pool";
	const char *name = r->cache ? r->cache : r->pool->name;
	unsigned long flags;
	char order[32] = "";

	if (r->counter && r->lock) {
		spin_lock_irqsave(r->lock, flags);
		(*r->counter)++;
		spin_unlock_irqrestore(r->lock, flags);
	} else if (r->counter) {
		(*r->counter)++;
	}
	if (r->order >= 0)
		snprintf(order, sizeof(order), " order %ld", r->order);
	if (region || r->by_phys) {
		phys_addr_t phys = r->by_phys ? r->phys :
				   region->phys + (r->addr - region->virt);

		pr_warn_ratelimited("%s %s: refused %s of %pa%s: %s (caller %pS)\n",
				    kind, name, r->what, &phys, order, r->reason,
				    (void *)r->caller);
	} else {
		pr_warn_ratelimited("%s %s: refused %s of %p%s: %s (caller %pS)\n",
				    kind, name, r->what, r->addr, order,
				    r->reason, (void *)r->caller);
	}
}

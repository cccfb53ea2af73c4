/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - fault injection at the allocation sites (fault.c): the sites,
 * struct kbuddy_fault and the static-key check every site makes. Included
 * by internal.h.
 */
#ifndef _KBUDDY_FAULT_H
#define _KBUDDY_FAULT_H

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/types.h>
#if IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS)
#include <linux/fault-inject.h>
#endif

/*
 * The allocation sites that fault injection can make fail, one bit each in
 * struct kbuddy_fault's @sites; kbuddy_fault_site_names[] in fault.c.
 */
enum kbuddy_fault_site {
	KBUDDY_FAULT_BLOCK,		/* a block off the free lists (buddy.c) */
	KBUDDY_FAULT_PCP_REFILL,	/* a batch for a CPU's page cache */
	KBUDDY_FAULT_SLAB,		/* a new slab's block (slab.c) */
	KBUDDY_FAULT_SLAB_DESC,		/* a new slab's descriptor */
	KBUDDY_FAULT_MAGAZINE,		/* an empty magazine (magazine.c) */
	KBUDDY_FAULT_MALLOC,		/* kbuddy_malloc() and kbuddy_calloc() */
	KBUDDY_FAULT_REALLOC,		/* kbuddy_realloc() growing */
	KBUDDY_FAULT_CACHE_CREATE,	/* kbuddy_cache_create() */
	KBUDDY_FAULT_REGION,		/* a region's metadata */
	KBUDDY_FAULT_POOL_CREATE,	/* kbuddy_pool_create() (global knobs) */
	KBUDDY_NR_FAULT_SITES
};

/*
 * With the kernel's fault injection and its debugfs (the debug kernels),
 * probability, interval, times and the task filter are a struct fault_attr
 * (Documentation/fault-injection); without (Debian's kernels), kbuddy's own
 * knobs of the same names and meaning.
 */
#define KBUDDY_FAULT_ATTR IS_ENABLED(CONFIG_FAULT_INJECTION_DEBUG_FS)

/**
 * struct kbuddy_fault - fault injection at a pool's allocation sites
 * @sites: a bit per enum kbuddy_fault_site that may be made to fail
 * @nth: fail the @nth site check from now on, once; 0 for none. Counts
 *	down with each check of an enabled site, on any CPU.
 * @armed: whether this contributes to kbuddy_fault_key; under
 *	kbuddy_fault_mutex, as are the writes of the knobs
 * @attr: the kernel's fault attributes; without them kbuddy's own knobs,
 *	named as struct fault_attr's fields so that one piece of code reads
 *	and writes both: @attr.probability (percent of checks that fail),
 *	@attr.interval (only every interval-th check may fail), @attr.times
 *	(failures left, -1 for no limit) and @attr.checks (site checks made,
 *	for the interval)
 * @injected: failures injected, per site
 */
struct kbuddy_fault {
	unsigned long sites;
	atomic_t nth;
	bool armed;
#if KBUDDY_FAULT_ATTR
	struct fault_attr attr;
#else
	struct {
		unsigned long probability;
		unsigned long interval;
		atomic_t times;
		atomic_long_t checks;
	} attr;
#endif
	atomic_long_t injected[KBUDDY_NR_FAULT_SITES];
};

/* The knobs the own implementation and the KUnit cases set. */
enum kbuddy_fault_knob {
	KBUDDY_FAULT_PROBABILITY,
	KBUDDY_FAULT_INTERVAL,
	KBUDDY_FAULT_TIMES,
	KBUDDY_FAULT_NTH,
	KBUDDY_FAULT_SITES,
	KBUDDY_NR_FAULT_KNOBS
};

extern const char * const kbuddy_fault_site_names[KBUDDY_NR_FAULT_SITES];
extern struct kbuddy_fault kbuddy_fault_global;
DECLARE_STATIC_KEY_FALSE(kbuddy_fault_key);

void kbuddy_fault_init(struct kbuddy_fault *f);
void kbuddy_fault_fini(struct kbuddy_fault *f);
int kbuddy_fault_set(struct kbuddy_fault *f, enum kbuddy_fault_knob knob,
		     long val);
long kbuddy_fault_get(struct kbuddy_fault *f, enum kbuddy_fault_knob knob);
int kbuddy_fault_parse_sites(const char *buf, unsigned long *sites);
bool __kbuddy_should_fail(struct kbuddy_fault *f, enum kbuddy_fault_site site,
			  size_t size);
void kbuddy_fault_module_init(void);
void kbuddy_fault_module_exit(void);

/**
 * kbuddy_should_fail() - whether an allocation site should fail now
 * @f: the pool's fault injection state (or kbuddy_fault_global)
 * @site: the site
 * @size: bytes the site allocates, for the kernel's fault_attr
 *
 * A static branch: nothing but a no-op jump while no fault injection is
 * armed anywhere (always armed on a kernel with CONFIG_FAULT_INJECTION,
 * whose fault_attr can be armed through debugfs behind kbuddy's back).
 *
 * Context: Any context.
 * Return: true if the site must behave as if out of memory.
 */
static __always_inline bool kbuddy_should_fail(struct kbuddy_fault *f,
					       enum kbuddy_fault_site site,
					       size_t size)
{
	if (static_branch_unlikely(&kbuddy_fault_key))
		return __kbuddy_should_fail(f, site, size);
	return false;
}

#endif /* _KBUDDY_FAULT_H */

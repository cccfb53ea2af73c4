// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - fault injection at kbuddy's allocation sites.
 *
 * This file owns struct kbuddy_fault (one per pool, and kbuddy_fault_global
 * for kbuddy_pool_create()), the decision whether a site fails now, and the
 * static key that keeps the sites free while nothing is armed. The sites
 * (enum kbuddy_fault_site) call kbuddy_should_fail() and behave as if out of
 * memory when it says so: the caller gets NULL or -ENOMEM and nothing is
 * lost, which the KUnit suite kbuddy_fault proves at every site and every
 * step of a scenario.
 *
 * Two ways to fail, on every kernel:
 *  - nth: the nth check of an enabled site from now fails, once. It is
 *    kbuddy's own and deterministic: the KUnit cases and the VM tests use it.
 *  - probability, interval, times (and on the debug kernels task-filter,
 *    space, verbose and the task's /proc/<pid>/fail-nth): with
 *    CONFIG_FAULT_INJECTION_DEBUG_FS a struct fault_attr asked through
 *    should_fail(), as failslab's is; without it (Debian's kernels) kbuddy's
 *    own knobs of the same names and meaning.
 *
 * The knobs are written under kbuddy_fault_mutex, which also counts the
 * armed structures into kbuddy_fault_key; the checks read them locklessly
 * (a knob written during a check applies to the next one).
 */

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/string.h>

#include "internal.h"

const char * const kbuddy_fault_site_names[KBUDDY_NR_FAULT_SITES] = {
	[KBUDDY_FAULT_BLOCK]		= "block",
	[KBUDDY_FAULT_PCP_REFILL]	= "pcp_refill",
	[KBUDDY_FAULT_SLAB]		= "slab",
	[KBUDDY_FAULT_SLAB_DESC]	= "slab_desc",
	[KBUDDY_FAULT_MAGAZINE]		= "magazine",
	[KBUDDY_FAULT_MALLOC]		= "malloc",
	[KBUDDY_FAULT_REALLOC]		= "realloc",
	[KBUDDY_FAULT_CACHE_CREATE]	= "cache_create",
	[KBUDDY_FAULT_REGION]		= "region",
	[KBUDDY_FAULT_POOL_CREATE]	= "pool_create",
};

/* Enabled once per armed struct kbuddy_fault (always, with fault_attr). */
DEFINE_STATIC_KEY_FALSE(kbuddy_fault_key);

/* Protects every struct kbuddy_fault's knob writes and @armed. */
static DEFINE_MUTEX(kbuddy_fault_mutex);

/* For kbuddy_pool_create(): no pool exists yet to hold its knobs. */
struct kbuddy_fault kbuddy_fault_global;
EXPORT_SYMBOL_NS_GPL(kbuddy_fault_global, KBUDDY_INTERNAL);

#define KBUDDY_FAULT_ALL_SITES	(BIT(KBUDDY_NR_FAULT_SITES) - 1)

/* Whether @f can make a site fail. Under kbuddy_fault_mutex. */
static bool fault_may_fire(struct kbuddy_fault *f)
{
	/* A fault_attr is armed unseen: its key stays on (module init). */
	return atomic_read(&f->nth) ||
	       (!KBUDDY_FAULT_ATTR && f->attr.probability && atomic_read(&f->attr.times));
}

/* Count @f into the static key, or out of it. Under kbuddy_fault_mutex. */
static void fault_rearm(struct kbuddy_fault *f)
{
	bool armed = fault_may_fire(f);

	if (armed == f->armed)
		return;
	f->armed = armed;
	if (armed)
		static_branch_inc(&kbuddy_fault_key);
	else
		static_branch_dec(&kbuddy_fault_key);
}

/**
 * kbuddy_fault_init() - fault injection off, every site enabled
 * @f: the structure, not yet visible
 *
 * Context: Any context.
 */
void kbuddy_fault_init(struct kbuddy_fault *f)
{
	unsigned int i;

	f->sites = KBUDDY_FAULT_ALL_SITES;
	atomic_set(&f->nth, 0);
	f->armed = false;
#if KBUDDY_FAULT_ATTR
	f->attr = (struct fault_attr)FAULT_ATTR_INITIALIZER;
	/* A lock of its own, not the initializer's static one. */
	ratelimit_state_init(&f->attr.ratelimit_state, 0, DEFAULT_RATELIMIT_BURST);
	/* Quiet unless asked: verbose 2 would put a stack in the log. */
	f->attr.verbose = 0;
#else
	f->attr.probability = 0;
	f->attr.interval = 1;
	atomic_set(&f->attr.times, 1);
	atomic_long_set(&f->attr.checks, 0);
#endif
	for (i = 0; i < KBUDDY_NR_FAULT_SITES; i++)
		atomic_long_set(&f->injected[i], 0);
}

/**
 * kbuddy_fault_fini() - disarm a structure that goes away
 * @f: the structure; no site checks it any more
 *
 * Context: Process context; may sleep.
 */
void kbuddy_fault_fini(struct kbuddy_fault *f)
{
	mutex_lock(&kbuddy_fault_mutex);
	atomic_set(&f->nth, 0);
	f->attr.probability = 0;
	fault_rearm(f);
	mutex_unlock(&kbuddy_fault_mutex);
}

/**
 * kbuddy_fault_set() - set one knob, after checking its range
 * @f: the structure
 * @knob: which
 * @val: probability 0..100 (percent), interval >= 1, times >= -1 (-1: no
 *	limit), nth >= 0 (0: off), sites a mask of enum kbuddy_fault_site bits
 *
 * With a fault_attr, probability, interval and times are its fields (its
 * own debugfs files set them too).
 *
 * Context: Process context; may sleep.
 * Return: 0, or -EINVAL for a value out of range (nothing changed).
 */
int kbuddy_fault_set(struct kbuddy_fault *f, enum kbuddy_fault_knob knob,
		     long val)
{
	static const long min[KBUDDY_NR_FAULT_KNOBS] = {
		[KBUDDY_FAULT_PROBABILITY] = 0, [KBUDDY_FAULT_INTERVAL] = 1,
		[KBUDDY_FAULT_TIMES] = -1, [KBUDDY_FAULT_NTH] = 0,
		[KBUDDY_FAULT_SITES] = 0,
	};
	static const long max[KBUDDY_NR_FAULT_KNOBS] = {
		[KBUDDY_FAULT_PROBABILITY] = 100, [KBUDDY_FAULT_INTERVAL] = INT_MAX,
		[KBUDDY_FAULT_TIMES] = INT_MAX, [KBUDDY_FAULT_NTH] = INT_MAX,
		[KBUDDY_FAULT_SITES] = KBUDDY_FAULT_ALL_SITES,
	};

	if (knob >= KBUDDY_NR_FAULT_KNOBS || val < min[knob] || val > max[knob])
		return -EINVAL;
	mutex_lock(&kbuddy_fault_mutex);
	switch (knob) {
	case KBUDDY_FAULT_PROBABILITY:
		WRITE_ONCE(f->attr.probability, val);
		break;
	case KBUDDY_FAULT_INTERVAL:
		WRITE_ONCE(f->attr.interval, val);
		break;
	case KBUDDY_FAULT_TIMES:
		atomic_set(&f->attr.times, val);
		break;
	case KBUDDY_FAULT_NTH:
		atomic_set(&f->nth, val);
		break;
	case KBUDDY_FAULT_SITES:
		WRITE_ONCE(f->sites, val);
		break;
	default:
		break;
	}
	fault_rearm(f);
	mutex_unlock(&kbuddy_fault_mutex);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_fault_set, KBUDDY_INTERNAL);

/**
 * kbuddy_fault_get() - read one knob
 * @f: the structure
 * @knob: which
 *
 * Context: Any context.
 * Return: its value (nth: the checks left before the failure, 0 if none).
 */
long kbuddy_fault_get(struct kbuddy_fault *f, enum kbuddy_fault_knob knob)
{
	switch (knob) {
	case KBUDDY_FAULT_PROBABILITY:
		return READ_ONCE(f->attr.probability);
	case KBUDDY_FAULT_INTERVAL:
		return READ_ONCE(f->attr.interval);
	case KBUDDY_FAULT_TIMES:
		return atomic_read(&f->attr.times);
	case KBUDDY_FAULT_NTH:
		return atomic_read(&f->nth);
	case KBUDDY_FAULT_SITES:
		return READ_ONCE(f->sites);
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_NS_GPL(kbuddy_fault_get, KBUDDY_INTERNAL);

/**
 * kbuddy_fault_parse_sites() - parse a list of site names
 * @buf: names from kbuddy_fault_site_names[] separated by spaces, commas or
 *	a newline; or "all" alone for every site, "none" alone for none
 * @sites: the mask, set only if all of @buf parses
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown name, no name at all, or "all" or
 * "none" beside other names (@sites unchanged).
 */
int kbuddy_fault_parse_sites(const char *buf, unsigned long *sites)
{
	unsigned int i, names = 0, words = 0;
	unsigned long mask = 0;
	const char *p = buf;
	size_t len;

	for (;; names++) {
		p += strspn(p, " ,\n");
		if (!*p)
			break;
		len = strcspn(p, " ,\n");
		if (len == 3 && !strncmp(p, "all", 3)) {
			mask = KBUDDY_FAULT_ALL_SITES;
			words++;
		} else if (len == 4 && !strncmp(p, "none", 4)) {
			mask = 0;
			words++;
		} else {
			for (i = 0; i < KBUDDY_NR_FAULT_SITES; i++)
				if (strlen(kbuddy_fault_site_names[i]) == len &&
				    !strncmp(p, kbuddy_fault_site_names[i], len))
					break;
			if (i == KBUDDY_NR_FAULT_SITES)
				return -EINVAL;
			mask |= BIT(i);
		}
		p += len;
	}
	/* Something, and "all" or "none" only on their own. */
	if (!names || (words && names > 1))
		return -EINVAL;
	*sites = mask;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_fault_parse_sites, KBUDDY_INTERNAL);

/* nth: the check that takes the count from 1 to 0 fails. */
static bool fault_nth(struct kbuddy_fault *f)
{
	int n = atomic_read(&f->nth);

	do {
		if (n <= 0)
			return false;
	} while (!atomic_try_cmpxchg(&f->nth, &n, n - 1));
	return n == 1;
}

#if !KBUDDY_FAULT_ATTR
/* should_fail() for kernels without fault injection: the same rules. */
static bool fault_own(struct kbuddy_fault *f)
{
	unsigned long probability = READ_ONCE(f->attr.probability);
	unsigned long interval = READ_ONCE(f->attr.interval);

	if (!probability || !atomic_read(&f->attr.times))
		return false;
	if (interval > 1 &&
	    atomic_long_inc_return(&f->attr.checks) % interval)
		return false;
	if (probability < 100 && get_random_u32_below(100) >= probability)
		return false;
	/* -1 is no limit; of two CPUs taking the last one, one fails. */
	return atomic_read(&f->attr.times) == -1 ||
	       atomic_dec_if_positive(&f->attr.times) >= 0;
}
#endif

/**
 * __kbuddy_should_fail() - kbuddy_should_fail() with the key on
 * @f: the structure
 * @site: the site asking
 * @size: bytes it allocates
 *
 * Context: Any context.
 * Return: true if the site must fail.
 */
bool __kbuddy_should_fail(struct kbuddy_fault *f, enum kbuddy_fault_site site,
			  size_t size)
{
	if (!(READ_ONCE(f->sites) & BIT(site)))
		return false;
	if (fault_nth(f))
		goto fail;
#if KBUDDY_FAULT_ATTR
	if (should_fail(&f->attr, size))
		goto fail;
#else
	if (fault_own(f))
		goto fail;
#endif
	return false;
fail:
	atomic_long_inc(&f->injected[site]);
	return true;
}

/**
 * kbuddy_fault_module_init() - set up the global knobs, arm the key
 *
 * With a fault_attr the key stays on for as long as kbuddy is loaded: its
 * knobs are written through the kernel's own debugfs files, which kbuddy
 * does not see.
 *
 * Context: Module init.
 */
void kbuddy_fault_module_init(void)
{
	kbuddy_fault_init(&kbuddy_fault_global);
	if (KBUDDY_FAULT_ATTR)
		static_branch_inc(&kbuddy_fault_key);
}

/**
 * kbuddy_fault_module_exit() - drop what kbuddy_fault_module_init() armed
 *
 * Context: Module exit.
 */
void kbuddy_fault_module_exit(void)
{
	kbuddy_fault_fini(&kbuddy_fault_global);
	if (KBUDDY_FAULT_ATTR)
		static_branch_dec(&kbuddy_fault_key);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * What kernel/pool.c does for a pool, minus claiming and mapping physical
 * memory: a pool over malloc()ed memory, for the userspace build. The rest
 * (publishing the region, address translation) is kernel/region.c itself.
 */
#include <linux/kernel.h>

#include "internal.h"
#include "harness.h"

unsigned long kshim_messages;

struct kbuddy_pool *harness_pool(unsigned long bytes, bool pcp)
{
	struct kbuddy_pool *pool = calloc(1, sizeof(*pool));
	struct kbuddy_region r = { .kind = KBUDDY_REGION_MEM };

	if (!pool || posix_memalign(&r.virt, PAGE_SIZE, bytes))
		return NULL;
	kbuddy_pool_init(pool, "harness", KBUDDY_DEFAULT_MAX_ORDER, KBUDDY_POOL_RAM);
	if (kbuddy_debug_pool_init(pool))
		return NULL;
	if (pcp && kbuddy_pcp_init(pool))
		return NULL;
	/* A physical address aligned far beyond the top order. */
	r.phys = 1ULL << 32;
	r.nr_pages = bytes >> PAGE_SHIFT;
	r.base_pfn = PHYS_PFN(r.phys);
	if (kbuddy_region_init(pool, &r) || kbuddy_debug_region_init(pool, &r))
		return NULL;
	kbuddy_region_publish(pool, &r);
	return pool;
}

/*
 * A nomap pool over @nr_pages pages from pfn @base_pfn, as kernel/pool.c's
 * kbuddy_pool_add_range() makes one: flat descriptors, or @sparse.
 */
struct kbuddy_pool *harness_nomap_pool(unsigned long base_pfn, unsigned long nr_pages,
				       unsigned int max_order, bool sparse)
{
	struct kbuddy_pool *pool = calloc(1, sizeof(*pool));
	struct kbuddy_region r = { .kind = KBUDDY_REGION_RANGE };

	if (!pool)
		return NULL;
	kbuddy_pool_init(pool, sparse ? "sparse" : "flat", max_order, KBUDDY_POOL_NOMAP);
	pool->sparse = sparse;
	r.phys = PFN_PHYS(base_pfn);
	r.nr_pages = nr_pages;
	r.base_pfn = base_pfn;
	r.sparse = sparse;
	if (kbuddy_region_init(pool, &r))
		return NULL;
	kbuddy_region_publish(pool, &r);
	return pool;
}

static void print_problem(void *ctx, const char *fmt, va_list args)
{
	vfprintf(stderr, fmt, args);
}

unsigned long harness_validate(struct kbuddy_pool *pool, struct kbuddy_cache *c)
{
	unsigned long problems = kbuddy_regions_validate(pool, print_problem, NULL);

	problems += kbuddy_pcp_validate(pool, print_problem, NULL);
	if (c)
		problems += kbuddy_cache_validate(c, print_problem, NULL);
	return problems;
}

/* harness_validate() of the pool, and every size class it has. */
unsigned long harness_validate_kmalloc(struct kbuddy_pool *pool)
{
	unsigned long problems = harness_validate(pool, NULL);
	unsigned int i;

	for (i = 0; i < KBUDDY_NR_KMALLOC; i++)
		if (pool->kmalloc[i])
			problems += kbuddy_cache_validate(pool->kmalloc[i],
							  print_problem, NULL);
	return problems;
}

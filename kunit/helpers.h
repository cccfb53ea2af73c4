/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by kbuddy's KUnit suites: pools over vmalloc()ed memory at
 * a made-up physical address, cleaned up when the case ends.
 */
#ifndef _KBUDDY_KUNIT_HELPERS_H
#define _KBUDDY_KUNIT_HELPERS_H

#include <kunit/test.h>

#include "internal.h"

/* A made-up physical base, aligned far beyond any order used here. */
#define KBT_PHYS	((phys_addr_t)SZ_4G)
#define KBT_MAX_HELD	8192
#define KBT_MAX_POOLS	4
#define KBT_MAX_MEM	8
#define KBT_MAX_CACHES	8

struct kbt_held {
	struct kbuddy_pool *pool;
	void *addr;
	unsigned int order;
};

/* What a case made, undone by kbt_exit() in reverse. */
struct kbt_ctx {
	struct kbuddy_pool *pools[KBT_MAX_POOLS];
	unsigned int nr_pools;
	void *mem[KBT_MAX_MEM];
	unsigned int nr_mem;
	struct kbuddy_cache *caches[KBT_MAX_CACHES];
	unsigned int nr_caches;
	struct kbt_held *held;
	unsigned int nr_held;
};

int kbt_init(struct kunit *test);
int kbt_init_one_cpu(struct kunit *test);
void kbt_exit(struct kunit *test);
struct kbuddy_pool *kbt_new_pool(struct kunit *test, unsigned int max_order);
struct kbuddy_pool *kbt_new_pool_pcp(struct kunit *test, unsigned int max_order);
void *kbt_add_mem(struct kunit *test, struct kbuddy_pool *pool,
		  phys_addr_t phys, u64 size);
struct kbuddy_pool *kbt_simple_pool(struct kunit *test, unsigned int max_order,
				    u64 size);
struct kbuddy_cache *kbt_new_cache(struct kunit *test, struct kbuddy_pool *pool,
				   const char *name, unsigned int size,
				   unsigned int align, unsigned long flags,
				   void (*ctor)(void *obj));
/*
 * What a refused call must leave exactly as it was: the free areas of every
 * region, the pool's page counts and its counters. Compare two with memcmp().
 */
struct kbt_snapshot {
	unsigned long nr_free[KBUDDY_MAX_REGIONS][KBUDDY_NOMAP_MAX_ORDER_LIMIT];
	unsigned long pages, free;
	struct kbuddy_stats st;
};

void kbt_snap(struct kbuddy_pool *pool, struct kbt_snapshot *s);
struct kbt_snapshot *kbt_snap_alloc(struct kunit *test, struct kbuddy_pool *pool);
void kbt_report(void *ctx, const char *fmt, va_list args) __printf(2, 0);
void kbt_expect_pool_ok(struct kunit *test, struct kbuddy_pool *pool);
unsigned long kbt_active_objs(struct kbuddy_cache *c);

#endif /* _KBUDDY_KUNIT_HELPERS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by kbuddy's KUnit suites.
 */

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "helpers.h"

static atomic_t kbt_seq = ATOMIC_INIT(0);

int kbt_init(struct kunit *test)
{
	struct kbt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->held = kunit_kcalloc(test, KBT_MAX_HELD, sizeof(*c->held),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->held);
	test->priv = c;
	return 0;
}

/*
 * kbt_init(), and the case's thread kept on the CPU it starts on: a refill
 * prefers a slab of its own CPU (slab_for_cpu()), so a case that counts
 * slabs would see one more if it moved between two refills. The thread
 * ends with the case: nothing to undo.
 */
int kbt_init_one_cpu(struct kunit *test)
{
	int ret = kbt_init(test);

	if (!ret)
		ret = set_cpus_allowed_ptr(current, cpumask_of(raw_smp_processor_id()));
	return ret;
}

void kbt_exit(struct kunit *test)
{
	struct kbt_ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < c->nr_held; i++)
		kbuddy_free_pages(c->held[i].pool, c->held[i].addr,
				  c->held[i].order);
	for (i = c->nr_caches; i-- > 0;)
		kbuddy_cache_destroy(c->caches[i]);
	for (i = c->nr_pools; i-- > 0;)
		kbuddy_pool_destroy(c->pools[i]);
	for (i = 0; i < c->nr_mem; i++)
		vfree(c->mem[i]);
}

static struct kbuddy_pool *new_pool(struct kunit *test, unsigned int max_order,
				    bool pcp)
{
	struct kbt_ctx *c = test->priv;
	struct kbuddy_pool *pool;
	char name[KBUDDY_NAME_LEN + 1];

	snprintf(name, sizeof(name), "kunit-%d", atomic_inc_return(&kbt_seq));
	pool = kbuddy_pool_create_kind(name, max_order, KBUDDY_POOL_RAM,
				       pcp ? 0 : KBUDDY_POOL_NO_PCP);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	KUNIT_ASSERT_LT(test, c->nr_pools, KBT_MAX_POOLS);
	c->pools[c->nr_pools++] = pool;
	return pool;
}

/* A pool without per-CPU page caches: buddy counts are exact. */
struct kbuddy_pool *kbt_new_pool(struct kunit *test, unsigned int max_order)
{
	return new_pool(test, max_order, false);
}

/* A pool as other modules get it, per-CPU page caches on. */
struct kbuddy_pool *kbt_new_pool_pcp(struct kunit *test, unsigned int max_order)
{
	return new_pool(test, max_order, true);
}

/* Add @size bytes of fresh memory at made-up physical address @phys. */
void *kbt_add_mem(struct kunit *test, struct kbuddy_pool *pool,
		  phys_addr_t phys, u64 size)
{
	struct kbt_ctx *c = test->priv;
	void *mem = vmalloc(size);

	KUNIT_ASSERT_NOT_NULL(test, mem);
	KUNIT_ASSERT_LT(test, c->nr_mem, KBT_MAX_MEM);
	c->mem[c->nr_mem++] = mem;
	KUNIT_ASSERT_EQ(test, kbuddy_pool_add_mem(pool, mem, phys, size), 0);
	return mem;
}

struct kbuddy_pool *kbt_simple_pool(struct kunit *test, unsigned int max_order,
				    u64 size)
{
	struct kbuddy_pool *pool = kbt_new_pool(test, max_order);

	kbt_add_mem(test, pool, KBT_PHYS, size);
	return pool;
}

struct kbuddy_cache *kbt_new_cache(struct kunit *test, struct kbuddy_pool *pool,
				   const char *name, unsigned int size,
				   unsigned int align, unsigned long flags,
				   void (*ctor)(void *obj))
{
	struct kbt_ctx *c = test->priv;
	struct kbuddy_cache *cache;

	cache = kbuddy_cache_create(pool, name, size, align, flags, ctor);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	KUNIT_ASSERT_LT(test, c->nr_caches, KBT_MAX_CACHES);
	c->caches[c->nr_caches++] = cache;
	return cache;
}

void kbt_snap(struct kbuddy_pool *pool, struct kbt_snapshot *s)
{
	unsigned int i, o;

	memset(s, 0, sizeof(*s));
	kbuddy_stats_snapshot(pool, &s->st, &s->pages, &s->free);
	for (i = 0; i < pool->nr_regions; i++)
		for (o = 0; o < pool->max_order; o++)
			s->nr_free[i][o] = pool->regions[i].free_area[o].nr_free;
}

struct kbt_snapshot *kbt_snap_alloc(struct kunit *test, struct kbuddy_pool *pool)
{
	struct kbt_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	kbt_snap(pool, s);
	return s;
}

void kbt_report(void *ctx, const char *fmt, va_list args)
{
	struct kunit *test = ctx;
	struct va_format vaf;
	va_list aq;

	va_copy(aq, args);
	vaf.fmt = fmt;
	vaf.va = &aq;
	kunit_err(test, "validate: %pV", &vaf);
	va_end(aq);
}

/* kbuddy's own validator over the buddy allocator and every cache. */
void kbt_expect_pool_ok(struct kunit *test, struct kbuddy_pool *pool)
{
	KUNIT_EXPECT_EQ(test, kbuddy_pool_check(pool, kbt_report, test), 0L);
}

unsigned long kbt_active_objs(struct kbuddy_cache *c)
{
	struct kbuddy_cache_info info;

	kbuddy_cache_info(c, &info);
	return info.active_objs;
}

MODULE_IMPORT_NS(KBUDDY_INTERNAL);
MODULE_DESCRIPTION("KUnit tests for kbuddy");
MODULE_LICENSE("GPL");

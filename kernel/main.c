// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - module parameters, init and exit, and the default pool.
 *
 *   insmod kbuddy.ko region=64M@0x10000000      reserved with memmap=64M$0x10000000
 *   insmod kbuddy.ko size=32M                   memory from the page allocator
 */

#include <linux/cpuhotplug.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

static char *region;
module_param(region, charp, 0444);
MODULE_PARM_DESC(region,
		 "Reserved physical ranges for the default pool: SIZE@BASE[,SIZE@BASE...] in memmap= syntax");

static unsigned int max_order = KBUDDY_DEFAULT_MAX_ORDER;
module_param(max_order, uint, 0444);
MODULE_PARM_DESC(max_order,
		 "Orders of the default pool run 0..max_order-1 (default 11, at most 24)");

static char *size = "16M";
module_param(size, charp, 0444);
MODULE_PARM_DESC(size,
		 "Without region=, take this much from the kernel's page allocator (default 16M)");

static bool pcp = true;
module_param(pcp, bool, 0444);
MODULE_PARM_DESC(pcp,
		 "Per-CPU caches of free blocks of orders 0-3 for the default pool (default on)");

static struct kbuddy_pool *kbuddy_default;
static int kbuddy_hp_state;

/**
 * kbuddy_default_pool() - the pool set up by kbuddy's module parameters
 *
 * Context: Any context.
 * Return: the default pool; it lives until kbuddy is unloaded.
 */
struct kbuddy_pool *kbuddy_default_pool(void)
{
	return kbuddy_default;
}
EXPORT_SYMBOL_GPL(kbuddy_default_pool);

struct range_param {
	u64 size;
	u64 base;
};

/* Parse all of region= before claiming anything. */
static int parse_regions(const char *str, struct range_param *out,
			 unsigned int *nr)
{
	const char *p = str;
	char *end;

	*nr = 0;
	while (*p) {
		if (*nr == KBUDDY_MAX_REGIONS)
			return -EINVAL;
		out[*nr].size = memparse(p, &end);
		if (end == p || *end != '@')
			return -EINVAL;
		p = end + 1;
		out[*nr].base = memparse(p, &end);
		if (end == p || (*end && *end != ','))
			return -EINVAL;
		(*nr)++;
		p = *end ? end + 1 : end;
		if (*end && !*p)
			return -EINVAL;
	}
	return *nr ? 0 : -EINVAL;
}

static int __init kbuddy_add_regions(struct kbuddy_pool *pool)
{
	struct range_param *ranges;
	unsigned int nr, i;
	int err;

	ranges = kcalloc(KBUDDY_MAX_REGIONS, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	err = parse_regions(region, ranges, &nr);
	if (err) {
		pr_err("region=%s: expected SIZE@BASE[,SIZE@BASE...] (memmap= syntax, at most %d ranges)\n",
		       region, KBUDDY_MAX_REGIONS);
		goto out;
	}
	for (i = 0; i < nr; i++) {
		err = kbuddy_pool_add_phys(pool, ranges[i].base,
					   ranges[i].size);
		if (err)
			goto out;
	}
out:
	kfree(ranges);
	return err;
}

static int __init kbuddy_add_fallback(struct kbuddy_pool *pool)
{
	u64 want, got;
	char *end;

	want = memparse(size, &end);
	if (end == size || *end || !want || !PAGE_ALIGNED(want)) {
		pr_err("size=%s: expected a non-zero page-aligned size such as 16M\n",
		       size);
		return -EINVAL;
	}
	got = kbuddy_pool_add_kernel_pages(pool, want);
	if (!got) {
		pr_err("size=%s: the page allocator has no memory to give\n",
		       size);
		return -ENOMEM;
	}
	if (got < want)
		pr_info("pool %s: got %llu of %llu bytes from the page allocator\n",
			pool->name, got, want);
	return 0;
}

static int __init kbuddy_init(void)
{
	struct kbuddy_pool *pool;
	int err;

	if (!max_order || max_order > KBUDDY_MAX_ORDER_LIMIT) {
		pr_err("max_order=%u: must be 1 to %d\n", max_order,
		       KBUDDY_MAX_ORDER_LIMIT);
		return -EINVAL;
	}
	/* A CPU that goes offline gives its caches back (pcp.c, slab.c). */
	err = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "kbuddy:dead",
					NULL, kbuddy_cpu_dead);
	if (err < 0)
		return err;
	kbuddy_hp_state = err;
	kbuddy_debugfs_init();
	pool = kbuddy_pool_create("default", max_order);
	if (IS_ERR(pool)) {
		err = PTR_ERR(pool);
		goto err_debugfs;
	}
	if (!pcp)
		kbuddy_pcp_disable(pool);
	if (region && *region)
		err = kbuddy_add_regions(pool);
	else
		err = kbuddy_add_fallback(pool);
	if (err)
		goto err_pool;
	kbuddy_default = pool;
	pr_info("pool %s: %u regions, %lu pages, max_order %u, pcp %s\n",
		pool->name, pool->nr_regions, kbuddy_pool_total_pages(pool),
		pool->max_order, pcp ? "on" : "off");
	return 0;

err_pool:
	kbuddy_pool_destroy(pool);
err_debugfs:
	kbuddy_debugfs_exit();
	cpuhp_remove_state_nocalls(kbuddy_hp_state);
	return err;
}

static void __exit kbuddy_exit(void)
{
	kbuddy_pool_destroy(kbuddy_default);
	kbuddy_debugfs_exit();
	cpuhp_remove_state_nocalls(kbuddy_hp_state);
}

module_init(kbuddy_init);
module_exit(kbuddy_exit);
MODULE_DESCRIPTION("Buddy page allocator over reserved physical memory");
MODULE_LICENSE("GPL");

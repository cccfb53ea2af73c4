// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - module parameters, init and exit, and the default pool.
 *
 *   insmod kbuddy.ko region=64M@0x10000000      reserved with memmap=64M$0x10000000
 *   insmod kbuddy.ko size=32M                   memory from the page allocator
 *   insmod kbuddy.ko size=32M wc=1              the same, write-combined (x86)
 */

#include <linux/cpuhotplug.h>
#include <linux/ctype.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
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
		 "Without region=, take this much from the kernel's page allocator (default 16M; at most half the memory available)");

static bool pcp = true;
module_param(pcp, bool, 0444);
MODULE_PARM_DESC(pcp,
		 "Per-CPU caches of free blocks of orders 0-3, and 4-6 as the pool's size allows, for the default pool (default on)");

static bool wc;
module_param(wc, bool, 0444);
MODULE_PARM_DESC(wc,
		 "The default pool's memory write-combined (KBUDDY_POOL_WC): region= ranges memremap()ed so, size= pages switched with set_memory_wc() (x86); /dev/kbuddy maps its buffers write-combined, and it has no slab caches or malloc family (default off)");

static char *debug;
module_param(debug, charp, 0444);
MODULE_PARM_DESC(debug,
		 "Debug checks for every pool and cache created while loaded, as letters: P poisons free objects and free pages and reports a write after free, Z puts a red zone after every object and reports a write past its end, U records who allocated and freed every object and block (default: none)");

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

/*
 * memparse() with overflow refused: a number (0x for hex, 0 for octal) and
 * an optional K, M, G, T, P or E suffix. memparse() wraps silently, so that
 * region=20000000T@0 would claim a range nobody asked for.
 * Return: 0, -EINVAL if there is no number, or -ERANGE if it overflows.
 */
static int parse_size(const char *s, const char **end, u64 *val)
{
	static const char units[] = "KMGTPE";
	unsigned int base = 10, digit, shift = 0;
	const char *p = s;
	u64 v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit(p[2])) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	for (*end = p; isxdigit(*p); p++) {
		digit = isdigit(*p) ? *p - '0' : _tolower(*p) - 'a' + 10;
		if (digit >= base)
			break;
		if (check_mul_overflow(v, (u64)base, &v) ||
		    check_add_overflow(v, (u64)digit, &v))
			return -ERANGE;
	}
	if (p == *end)
		return -EINVAL;
	if (*p && strchr(units, toupper(*p))) {
		shift = 10 * (strchr(units, toupper(*p)) - units + 1);
		p++;
	}
	if (shift && v > (U64_MAX >> shift))
		return -ERANGE;
	*val = v << shift;
	*end = p;
	return 0;
}

/* Parse all of region= before claiming anything. */
static int parse_regions(const char *str, struct range_param *out,
			 unsigned int *nr)
{
	const char *p = str, *end;
	int err;

	*nr = 0;
	while (*p) {
		if (*nr == KBUDDY_MAX_REGIONS)
			return -EINVAL;
		err = parse_size(p, &end, &out[*nr].size);
		if (err)
			return err;
		if (*end != '@')
			return -EINVAL;
		p = end + 1;
		err = parse_size(p, &end, &out[*nr].base);
		if (err)
			return err;
		if (*end && *end != ',')
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
	if (err == -ERANGE) {
		pr_err("region=%s: a number does not fit in 64 bits\n", region);
		err = -EINVAL;
		goto out;
	}
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
	const char *end;
	u64 want, got;

	if (parse_size(size, &end, &want) || *end || !want ||
	    !PAGE_ALIGNED(want)) {
		pr_err("size=%s: expected a non-zero page-aligned size such as 16M\n",
		       size);
		return -EINVAL;
	}
	if (want > kbuddy_kernel_pages_max()) {
		pr_err("size=%s: more than half of the memory the page allocator has available (%llu MiB); reserve memory with memmap= and use region= for more\n",
		       size, 2 * kbuddy_kernel_pages_max() >> 20);
		return -EINVAL;
	}
	got = kbuddy_pool_add_kernel_pages(pool, want);
	if (!got) {
		pr_err("size=%s: the page allocator has no memory to give%s\n",
		       size, wc ? ", or none could be made write-combined (see above)" : "");
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

	if (debug && kbuddy_debug_parse(debug, &kbuddy_debug_default)) {
		pr_err("debug=%s: unknown letter; debug= takes P (poison free memory), Z (red zones), U (owner tracking), or - for none\n",
		       debug);
		return -EINVAL;
	}
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
	err = kbuddy_offer_init();
	if (err)
		goto err_hp;
	kbuddy_fault_module_init();
	kbuddy_debugfs_init();
	pool = kbuddy_pool_create_kind("default", max_order, KBUDDY_POOL_RAM,
				       (pcp ? 0 : KBUDDY_POOL_NO_PCP) |
				       (wc ? KBUDDY_POOL_WC : 0));
	if (IS_ERR(pool)) {
		err = PTR_ERR(pool);
		goto err_debugfs;
	}
	if (region && *region)
		err = kbuddy_add_regions(pool);
	else
		err = kbuddy_add_fallback(pool);
	if (err)
		goto err_pool;
	kbuddy_default = pool;
	/* The first offer: the default pool is pool 1 of /dev/kbuddy. */
	err = kbuddy_pool_offer(pool, THIS_MODULE);
	if (err < 0) {
		kbuddy_default = NULL;
		goto err_pool;
	}
	err = kbuddy_dev_init();
	if (err) {
		kbuddy_default = NULL;
		goto err_pool;
	}
	pr_info("pool %s: %u regions, %lu pages, max_order %u, pcp %s%s\n",
		pool->name, pool->nr_regions, kbuddy_pool_total_pages(pool),
		pool->max_order, pcp ? "on" : "off",
		wc ? ", write-combined" : "");
	return 0;

err_pool:
	kbuddy_pool_destroy(pool);
err_debugfs:
	kbuddy_debugfs_exit();
	kbuddy_fault_module_exit();
	kbuddy_offer_exit();
err_hp:
	cpuhp_remove_state_nocalls(kbuddy_hp_state);
	/*
	 * The default pool's caches, destroyed above, are freed by RCU
	 * callbacks in this module's text, which a failed init frees at once
	 * (do_init_module() waits for a grace period, not for callbacks).
	 */
	rcu_barrier();
	return err;
}

static void __exit kbuddy_exit(void)
{
	kbuddy_dev_exit();
	kbuddy_pool_destroy(kbuddy_default);
	kbuddy_debugfs_exit();
	kbuddy_fault_module_exit();
	kbuddy_offer_exit();
	cpuhp_remove_state_nocalls(kbuddy_hp_state);
	/* Caches are freed by RCU callbacks that live in this module. */
	rcu_barrier();
}

module_init(kbuddy_init);
module_exit(kbuddy_exit);
MODULE_DESCRIPTION("Buddy page allocator over reserved physical memory");
MODULE_AUTHOR("The kbuddy developers");
MODULE_LICENSE("GPL");
/* The release, the one place it is written: dkms.conf reads it from here. */
MODULE_VERSION("0.1.0");

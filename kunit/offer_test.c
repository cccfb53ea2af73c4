// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy_offer_test.ko - an iomem pool over a reserved range, offered to
 * userspace through /dev/kbuddy, for the VM tests of pools by id
 * (tools/vm/guest/vmtest.sh). Public API only, as another driver would.
 *
 *   insmod kbuddy_offer_test.ko       base=0x15000000 size=16M by default:
 *                                     memmap=16M$0x15000000 (run-qemu.sh)
 *
 * At load it claims the range, maps it write-combined (ioremap_wc(), as a
 * driver maps a device's memory aperture; uncached, ioremap(), with wc=0),
 * creates the iomem pool "offer-test" over it (KBUDDY_POOL_WC with
 * wc=1) and offers it; it also checks that a nomap pool is
 * refused (nomap_refused reads 1 then). Its parameters in
 * /sys/module/kbuddy_offer_test/parameters/:
 *   id             the pool's id (read-only)
 *   nomap_refused  1 if offering a nomap pool was refused with -EINVAL
 *   withdraw       write 1: kbuddy_pool_withdraw()
 *   revoke         write 1: kbuddy_pool_revoke(); the write fails with its
 *                  errno (EBUSY while a device maps a buffer)
 *   destroy        write 1: kbuddy_pool_destroy(); the write fails with
 *                  its errno (EAGAIN while buffers of the pool exist,
 *                  offered or withdrawn: nothing changed)
 *   wc             1 (default): ioremap_wc() and KBUDDY_POOL_WC;
 *                  0: ioremap(), an uncached pool
 *   ram            1: a RAM pool instead, kbuddy_pool_add_phys() of the
 *                  range, which kbuddy maps itself (write-combined with
 *                  wc=1: KBUDDY_POOL_WC); 0 (default): the iomem pool
 *   mem            with ram=1: the pool's memory from alloc_pages() instead
 *                  of the range (at most 4 MiB, size= rounded up to a
 *                  power of two of pages, base= unused), given with
 *                  kbuddy_pool_add_mem() - which switches it to
 *                  write-combined with wc=1 - and freed at exit, after
 *                  the destroy
 *   init_delay_ms  stay this long in init after the offer (a module whose
 *                  init is still running: no buffer may pin it)
 *   init_fail      then fail init, destroying the pool on the way out
 *   sparse_runs    runs held in "offer-test-sparse", a nomap pool over
 *                  2^36 pages (256 TiB) with max_order 40 and
 *                  KBUDDY_POOL_SPARSE, made at load (64 spread over the
 *                  range, a quarter trimmed, a third freed), freed and the
 *                  pool destroyed at exit: its debugfs files are read while
 *                  the module is loaded (read-only)
 *   sparse_pages   the pages those runs hold (read-only)
 * Buffers of the pool pin this module: rmmod fails while one exists.
 */

#include <linux/delay.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sizes.h>

#include "kbuddy.h"

static ulong base = 0x15000000;
module_param(base, ulong, 0444);
MODULE_PARM_DESC(base, "Physical address of the reserved range (default 0x15000000)");

static ulong size = SZ_16M;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "Bytes of the reserved range (default 16 MiB)");

static bool wc = true;
module_param(wc, bool, 0444);
MODULE_PARM_DESC(wc, "Map the range write-combined (default) or, with 0, uncached");

static bool ram;
module_param(ram, bool, 0444);
MODULE_PARM_DESC(ram, "A RAM pool over the range (kbuddy_pool_add_phys()), not an iomem one");

static bool mem;
module_param(mem, bool, 0444);
MODULE_PARM_DESC(mem, "With ram=1: the pool's memory from alloc_pages() (kbuddy_pool_add_mem()), not the range");

/* mem=1: the pages the pool was given, freed only once it is gone. */
static struct page *pages;

static void free_pool_pages(void)
{
	if (pages)
		__free_pages(pages, get_order(size));
	pages = NULL;
}

static uint init_delay_ms;
module_param(init_delay_ms, uint, 0444);
MODULE_PARM_DESC(init_delay_ms, "Stay this long in init once the pool is offered (default 0)");

static bool init_fail;
module_param(init_fail, bool, 0444);
MODULE_PARM_DESC(init_fail, "Fail init after the delay, destroying the offered pool");

static int id;
module_param(id, int, 0444);
MODULE_PARM_DESC(id, "The pool's id in /dev/kbuddy (read-only)");

static bool nomap_refused;
module_param(nomap_refused, bool, 0444);
MODULE_PARM_DESC(nomap_refused, "Offering a nomap pool was refused with -EINVAL (read-only)");

static uint sparse_runs;
module_param(sparse_runs, uint, 0444);
MODULE_PARM_DESC(sparse_runs, "Runs held in the sparse nomap pool offer-test-sparse (read-only)");

static ulong sparse_pages;
module_param(sparse_pages, ulong, 0444);
MODULE_PARM_DESC(sparse_pages, "Pages those runs hold (read-only)");

#define SPARSE_RUNS	64

static struct kbuddy_pool *sparse;
static struct kbuddy_contig sparse_run[SPARSE_RUNS];

/*
 * A sparse nomap pool far larger than any flat one could be (its flat
 * records would take 2 TiB): runs spread over it, some trimmed, some freed,
 * the rest held until exit. Any failure leaves sparse_runs at 0.
 */
static void make_sparse(void)
{
	const u64 range = 0x400000000000ULL, pages = 1ULL << 36;
	unsigned int i, held = 0;
	u32 seed = 1;

	sparse = kbuddy_pool_create_kind("offer-test-sparse", 40, KBUDDY_POOL_NOMAP,
					 KBUDDY_POOL_SPARSE);
	if (IS_ERR(sparse)) {
		sparse = NULL;
		return;
	}
	if (kbuddy_pool_add_range(sparse, range, pages << PAGE_SHIFT))
		goto fail;
	for (i = 0; i < SPARSE_RUNS; i++) {
		struct kbuddy_constraint con = {};
		unsigned long n;

		seed = seed * 1103515245 + 12345;
		n = 1 + (seed >> 8) % 1000;
		con.start = range + ((((u64)seed << 20) % (pages - 2048)) << PAGE_SHIFT);
		if (i % 4 == 3)
			con.flags = KBUDDY_CONTIG_TOPDOWN;
		if (kbuddy_alloc_contig(sparse, n << PAGE_SHIFT, &con, GFP_KERNEL,
					&sparse_run[held]))
			goto fail;
		if (i % 4 == 1 &&
		    kbuddy_trim_contig(sparse, &sparse_run[held], sparse_run[held].size / 2 + 1))
			goto fail;
		if (i % 3 == 2) {
			if (kbuddy_free_contig(sparse, &sparse_run[held]))
				goto fail;
			continue;
		}
		sparse_pages += sparse_run[held].size >> PAGE_SHIFT;
		held++;
	}
	sparse_runs = held;
	pr_info("pool offer-test-sparse: %u runs of %lu pages held over 2^36 pages\n",
		held, sparse_pages);
	return;

fail:
	pr_err("pool offer-test-sparse: a run was refused\n");
	sparse_runs = held;
}

static void free_sparse(void)
{
	unsigned int i;
	int err;

	if (!sparse)
		return;
	for (i = 0; i < sparse_runs; i++)
		if (kbuddy_free_contig(sparse, &sparse_run[i]))
			pr_err("pool offer-test-sparse: free of run %u refused\n", i);
	err = kbuddy_pool_destroy(sparse);
	if (err)
		pr_err("pool offer-test-sparse: destroy: %d\n", err);
	sparse = NULL;
}

/* Protects pool: the parameter writes and exit. */
static DEFINE_MUTEX(offer_test_mutex);
static struct kbuddy_pool *pool;
static void __iomem *io;
static struct resource *res;

/* The writable parameters' actions: each runs under offer_test_mutex on the pool. */
static int do_withdraw(void)
{
	kbuddy_pool_withdraw(pool);
	return 0;
}

static int do_revoke(void)
{
	int err = kbuddy_pool_revoke(pool);

	pr_info("kbuddy_pool_revoke(): %d\n", err);
	return err;
}

static int do_destroy(void)
{
	int err = kbuddy_pool_destroy(pool);

	pr_info("kbuddy_pool_destroy(): %d\n", err);
	/* -EAGAIN: buffers hold it, nothing changed; else it is gone. */
	if (err != -EAGAIN)
		pool = NULL;
	/*
	 * mem=1: the pages are freed at exit, so that the VM test sees their
	 * type after the destroy; -EBUSY: leaked with the blocks (never
	 * freed).
	 */
	if (err && err != -EAGAIN)
		pages = NULL;
	return err;
}

struct offer_action {
	int (*fn)(void);
};

static struct offer_action withdraw_action = { do_withdraw };
static struct offer_action revoke_action = { do_revoke };
static struct offer_action destroy_action = { do_destroy };

/* Write 1: the parameter's action; ENOENT before init published the pool. */
static int action_set(const char *val, const struct kernel_param *kp)
{
	const struct offer_action *act = kp->arg;
	bool yes;
	int err = kstrtobool(val, &yes);

	if (err || !yes)
		return -EINVAL;
	mutex_lock(&offer_test_mutex);
	err = pool ? act->fn() : -ENOENT;
	mutex_unlock(&offer_test_mutex);
	return err;
}

static const struct kernel_param_ops action_ops = { .set = action_set };
module_param_cb(withdraw, &action_ops, &withdraw_action, 0200);
MODULE_PARM_DESC(withdraw, "Write 1 to withdraw the pool from userspace");
module_param_cb(revoke, &action_ops, &revoke_action, 0200);
MODULE_PARM_DESC(revoke, "Write 1 to revoke the pool's buffers (and withdraw it)");
module_param_cb(destroy, &action_ops, &destroy_action, 0200);
MODULE_PARM_DESC(destroy, "Write 1 to destroy the pool (EAGAIN while buffers of it exist)");

/* A nomap pool has no memory userspace could map: it is not offered. */
static void check_nomap(void)
{
	struct kbuddy_pool *nomap;
	int err;

	nomap = kbuddy_pool_create_kind("offer-test-nomap", 0, KBUDDY_POOL_NOMAP, 0);
	if (IS_ERR(nomap))
		return;
	if (!kbuddy_pool_add_range(nomap, 0x400000000000ULL, SZ_16M)) {
		err = kbuddy_pool_offer(nomap, THIS_MODULE);
		nomap_refused = err == -EINVAL;
		pr_info("offering a nomap pool: %d\n", err);
		if (err > 0)
			kbuddy_pool_withdraw(nomap);
	}
	kbuddy_pool_destroy(nomap);
}

static int __init offer_test_init(void)
{
	struct kbuddy_pool *p;
	int err;

	if (!size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size) || base + size < base) {
		pr_err("base=%#lx size=%#lx: page aligned, non-zero, not wrapping\n",
		       base, size);
		return -EINVAL;
	}
	if (mem && !ram) {
		pr_err("mem=1 needs ram=1: alloc_pages() memory makes a RAM pool\n");
		return -EINVAL;
	}
	check_nomap();
	if (ram && mem) {
		/* Pages of the linear map, as a driver's allocation. */
		if (size > SZ_4M) {
			pr_err("size=%#lx: mem=1 takes one alloc_pages() chunk, at most 4 MiB\n",
			       size);
			return -EINVAL;
		}
		pages = alloc_pages(GFP_KERNEL, get_order(size));
		if (!pages)
			return -ENOMEM;
		p = kbuddy_pool_create_kind("offer-test", 0, KBUDDY_POOL_RAM,
					    wc ? KBUDDY_POOL_WC : 0);
		if (IS_ERR(p)) {
			free_pool_pages();
			return PTR_ERR(p);
		}
		err = kbuddy_pool_add_mem(p, page_address(pages), page_to_phys(pages),
					  PAGE_SIZE << get_order(size));
		/* -EIO: still write-combined, never to be freed. */
		if (err == -EIO)
			pages = NULL;
		if (err)
			goto err_pool;
	} else if (ram) {
		/* kbuddy claims and maps the range itself. */
		p = kbuddy_pool_create_kind("offer-test", 0, KBUDDY_POOL_RAM,
					    wc ? KBUDDY_POOL_WC : 0);
		if (IS_ERR(p))
			return PTR_ERR(p);
		err = kbuddy_pool_add_phys(p, base, size);
		if (err)
			goto err_pool;
	} else {
		res = request_mem_region(base, size, "kbuddy_offer_test");
		if (!res) {
			pr_err("%#lx@%#lx is claimed already (memmap=%#lx$%#lx?)\n", size,
			       base, size, base);
			return -EBUSY;
		}
		io = wc ? ioremap_wc(base, size) : ioremap(base, size);
		if (!io) {
			err = -ENOMEM;
			goto err_release;
		}
		p = kbuddy_pool_create_kind("offer-test", 0, KBUDDY_POOL_IOMEM,
					    wc ? KBUDDY_POOL_WC : 0);
		if (IS_ERR(p)) {
			err = PTR_ERR(p);
			goto err_unmap;
		}
		err = kbuddy_pool_add_iomem(p, io, base, size);
		if (err)
			goto err_pool;
	}
	err = kbuddy_pool_offer(p, THIS_MODULE);
	if (err < 0)
		goto err_pool;
	id = err;
	make_sparse();
	if (init_delay_ms)
		msleep(init_delay_ms);
	if (init_fail) {
		pr_info("pool offer-test: failing init as asked (init_fail=1)\n");
		err = -ENODEV;
		goto err_pool;
	}
	/* The parameters' writes see the pool from here (ENOENT before). */
	mutex_lock(&offer_test_mutex);
	pool = p;
	mutex_unlock(&offer_test_mutex);
	pr_info("pool offer-test: %#lx@%#llx (%s %s) offered as pool %d\n", size,
		pages ? (u64)page_to_phys(pages) : (u64)base,
		ram ? "ram" : "iomem", wc ? "write-combined" :
		ram ? "write-back" : "uncached", id);
	return 0;

err_pool:
	/* Nothing may hold it: no buffer pins a module in its init. */
	if (kbuddy_pool_destroy(p))
		pr_err("pool offer-test: destroy in failed init refused\n");
	else
		free_pool_pages();
err_unmap:
	if (io)
		iounmap(io);
err_release:
	if (res)
		release_mem_region(base, size);
	free_sparse();
	return err;
}

static void __exit offer_test_exit(void)
{
	/* No buffer of the pool is left: each pins this module. */
	if (pool && kbuddy_pool_destroy(pool))
		pr_err("pool offer-test: destroy at exit refused\n");
	else
		free_pool_pages();
	if (io)
		iounmap(io);
	if (res)
		release_mem_region(base, size);
	free_sparse();
}

module_init(offer_test_init);
module_exit(offer_test_exit);
MODULE_DESCRIPTION("kbuddy: an iomem pool offered to userspace, for the VM tests");
MODULE_LICENSE("GPL");

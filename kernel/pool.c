// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - pools and regions: check, claim and map a physical range, or take
 * memory from the caller or from the kernel's page allocator, and hand it to
 * the buddy allocator.
 */

#include <linux/cpu.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif

#include "compat.h"
#include "internal.h"

/* All pools, for unique names; also serializes adding regions. */
static LIST_HEAD(kbuddy_pools);
static DEFINE_MUTEX(kbuddy_pools_mutex);

/* Blocks still allocated at destroy are named up to this many, then counted. */
#define KBUDDY_LEAK_REPORT_MAX 16

static bool pool_name_ok(const char *name)
{
	size_t len = strnlen(name, KBUDDY_NAME_LEN + 1);
	size_t i;

	if (!len || len > KBUDDY_NAME_LEN)
		return false;
	/*
	 * Names debugfs cannot make a directory of, and the global fault
	 * injection knobs' /sys/kernel/debug/kbuddy/fault.
	 */
	if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "fault"))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_-.", name[i]))
			return false;
	return true;
}

/**
 * kbuddy_pool_create_kind() - create an empty pool of a kind
 * @name: as kbuddy_pool_create()
 * @max_order: as kbuddy_pool_create(); up to KBUDDY_NOMAP_MAX_ORDER_LIMIT
 *	for a KBUDDY_POOL_NOMAP pool
 * @kind: what its memory will be: an enum kbuddy_pool_kind
 * @flags: KBUDDY_POOL_NO_PCP: no per-CPU page caches, so that every block
 *	comes from and goes to the free lists under the pool's lock (pools
 *	that are not KBUDDY_POOL_RAM never have them); KBUDDY_POOL_WC: the
 *	memory is mapped write-combined - an iomem pool's by its owner
 *	(ioremap_wc(), not ioremap()), a RAM pool's by kbuddy
 *	(memremap(MEMREMAP_WC) of reserved ranges, set_memory_wc() of the
 *	linear map's pages on x86; no slab caches or malloc family) - so
 *	/dev/kbuddy maps buffers of the pool to userspace write-combined,
 *	and only so; KBUDDY_POOL_SPARSE (nomap pools): block records made as
 *	blocks appear rather than per page of the range (a nomap region too
 *	large for per-page records is sparse anyway), regions of up to 2^40
 *	pages
 *
 * The choices are made before the pool becomes visible (in the list of
 * pools that CPU hotplug walks, and in debugfs) and never change after.
 * A pool that is not KBUDDY_POOL_RAM gets no slab caches, malloc size
 * classes or debug checks (debug=P and U would write to, or track through,
 * its memory).
 *
 * Context: Process context; may sleep.
 * Return: as kbuddy_pool_create(); ERR_PTR(-EINVAL) also for an unknown
 * @kind or @flags, KBUDDY_POOL_WC on a nomap pool, or KBUDDY_POOL_SPARSE
 * on a pool that is not nomap.
 */
struct kbuddy_pool *kbuddy_pool_create_kind(const char *name,
					    unsigned int max_order,
					    enum kbuddy_pool_kind kind,
					    unsigned int flags)
{
	struct kbuddy_pool *pool, *other;
	bool ram = kind == KBUDDY_POOL_RAM;

	if (!max_order)
		max_order = KBUDDY_DEFAULT_MAX_ORDER;
	if (!name || !pool_name_ok(name)) {
		pr_err("pool name must be 1 to %d characters of [A-Za-z0-9_.-], not ., .. or fault\n",
		       KBUDDY_NAME_LEN);
		return ERR_PTR(-EINVAL);
	}
	if ((unsigned int)kind > KBUDDY_POOL_IOMEM ||
	    (flags & ~(KBUDDY_POOL_NO_PCP | KBUDDY_POOL_WC | KBUDDY_POOL_SPARSE))) {
		pr_err("pool %s: unknown kind %u or flags %#x (kinds: 0 ram, 1 nomap, 2 iomem; flags: KBUDDY_POOL_NO_PCP, KBUDDY_POOL_WC, KBUDDY_POOL_SPARSE)\n",
		       name, kind, flags);
		return ERR_PTR(-EINVAL);
	}
	if (max_order > (kind == KBUDDY_POOL_NOMAP ? KBUDDY_NOMAP_MAX_ORDER_LIMIT :
						   KBUDDY_MAX_ORDER_LIMIT)) {
		pr_err("pool %s: max_order %u is above the limit %d (%d for nomap pools)\n",
		       name, max_order, KBUDDY_MAX_ORDER_LIMIT,
		       KBUDDY_NOMAP_MAX_ORDER_LIMIT);
		return ERR_PTR(-EINVAL);
	}
	if (flags & KBUDDY_POOL_WC && kind == KBUDDY_POOL_NOMAP) {
		pr_err("pool %s: KBUDDY_POOL_WC is for ram and iomem pools: a nomap pool's memory is not mapped at all\n",
		       name);
		return ERR_PTR(-EINVAL);
	}
	if (flags & KBUDDY_POOL_SPARSE &&
	    (kind != KBUDDY_POOL_NOMAP || !IS_ENABLED(CONFIG_64BIT))) {
		pr_err("pool %s: KBUDDY_POOL_SPARSE is for nomap pools on 64-bit kernels: the others' records are per page, as their interfaces need\n",
		       name);
		return ERR_PTR(-EINVAL);
	}
	if (kbuddy_should_fail(&kbuddy_fault_global, KBUDDY_FAULT_POOL_CREATE,
			       sizeof(*pool)))
		return ERR_PTR(-ENOMEM);
	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	kbuddy_pool_init(pool, name, max_order, kind);
	pool->wc = flags & KBUDDY_POOL_WC;
	pool->sparse = flags & KBUDDY_POOL_SPARSE;
	refcount_set(&pool->users, 1);
	if (kbuddy_debug_pool_init(pool)) {
		kfree(pool);
		return ERR_PTR(-ENOMEM);
	}
	if (ram && !(flags & KBUDDY_POOL_NO_PCP) && kbuddy_pcp_init(pool)) {
		kbuddy_debug_pool_fini(pool);
		kfree(pool);
		return ERR_PTR(-ENOMEM);
	}
	/* No objects in write-combined memory: no size classes. */
	if (ram && !pool->wc && kbuddy_kmalloc_init(pool)) {
		kbuddy_pcp_fini(pool);
		kbuddy_debug_pool_fini(pool);
		kfree(pool);
		return ERR_PTR(-ENOMEM);
	}

	mutex_lock(&kbuddy_pools_mutex);
	list_for_each_entry(other, &kbuddy_pools, node) {
		if (!strcmp(other->name, name)) {
			mutex_unlock(&kbuddy_pools_mutex);
			pr_err("pool %s already exists\n", name);
			kbuddy_kmalloc_fini(pool);
			kbuddy_pcp_fini(pool);
			kbuddy_debug_pool_fini(pool);
			kfree(pool);
			return ERR_PTR(-EEXIST);
		}
	}
	list_add_tail(&pool->node, &kbuddy_pools);
	mutex_unlock(&kbuddy_pools_mutex);

	kbuddy_debugfs_add_pool(pool);
	return pool;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_create_kind);

/**
 * kbuddy_pool_create() - create an empty pool
 * @name: 1 to 31 characters of [A-Za-z0-9_.-], unique among pools, not
 *	".", ".." or "fault" (the global fault injection knobs' directory);
 *	names the pool's directory in /sys/kernel/debug/kbuddy/
 * @max_order: blocks will have orders 0 .. @max_order - 1; 0 for the default
 *	(KBUDDY_DEFAULT_MAX_ORDER), at most KBUDDY_MAX_ORDER_LIMIT
 *
 * A KBUDDY_POOL_RAM pool with per-CPU page caches: add memory with
 * kbuddy_pool_add_phys() or kbuddy_pool_add_mem(). Other kinds:
 * kbuddy_pool_create_kind().
 *
 * Context: Process context; may sleep.
 * Return: the pool, or ERR_PTR(-EINVAL) for a bad name or order,
 * ERR_PTR(-EEXIST) if the name is taken, ERR_PTR(-ENOMEM).
 */
struct kbuddy_pool *kbuddy_pool_create(const char *name, unsigned int max_order)
{
	return kbuddy_pool_create_kind(name, max_order, KBUDDY_POOL_RAM, 0);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_create);

/**
 * kbuddy_cpu_dead() - give back what a CPU that went offline had cached
 * @cpu: the CPU, now dead
 *
 * Its page caches and slab magazines go back to their pools and slabs.
 *
 * Context: Process context (CPU hotplug teardown on a control CPU).
 * Return: 0.
 */
int kbuddy_cpu_dead(unsigned int cpu)
{
	struct kbuddy_pool *pool;
	struct kbuddy_cache *c;

	mutex_lock(&kbuddy_pools_mutex);
	list_for_each_entry(pool, &kbuddy_pools, node) {
		kbuddy_pcp_drain_cpu(pool, cpu);
		mutex_lock(&pool->caches_lock);
		list_for_each_entry(c, &pool->caches, node)
			kbuddy_cache_drain_cpu(c, cpu);
		mutex_unlock(&pool->caches_lock);
	}
	mutex_unlock(&kbuddy_pools_mutex);
	return 0;
}

/**
 * kbuddy_pools_walk() - call a function on every pool, oldest first
 * @fn: called with each pool and @ctx, under kbuddy_pools_mutex: it may
 *	sleep but not create, destroy or grow a pool
 * @ctx: passed to @fn
 *
 * Context: Process context; may sleep.
 */
void kbuddy_pools_walk(kbuddy_pool_fn fn, void *ctx)
{
	struct kbuddy_pool *pool;

	mutex_lock(&kbuddy_pools_mutex);
	list_for_each_entry(pool, &kbuddy_pools, node)
		fn(pool, ctx);
	mutex_unlock(&kbuddy_pools_mutex);
}

/* One work item per CPU, for kbuddy_run_on_cpus(). */
struct kbuddy_cpu_work {
	struct work_struct work;
	void (*fn)(void *arg);
	void *arg;
};

static DEFINE_PER_CPU(struct kbuddy_cpu_work, kbuddy_cpu_work);
/* Protects kbuddy_cpu_work: one kbuddy_run_on_cpus() at a time. */
static DEFINE_MUTEX(kbuddy_cpu_work_mutex);

static void kbuddy_cpu_work_fn(struct work_struct *work)
{
	struct kbuddy_cpu_work *cw = container_of(work, struct kbuddy_cpu_work,
						  work);

	cw->fn(cw->arg);
}

/**
 * kbuddy_run_on_cpus() - run a function on every online CPU, in a task
 * @fn: the function; it runs on each online CPU from a work item bound to
 *	that CPU, in process context, and may take that CPU's local_locks
 * @arg: passed to @fn
 *
 * What a per-CPU cache needs from another CPU - a drain, a check - is done
 * by the CPU itself, as mm/slub.c's flush_all() does: never from an IPI,
 * whose hard-irq context may not take a sleeping lock on PREEMPT_RT.
 *
 * Context: Process context, with cpus_read_lock() held; sleeps until every
 * CPU has run @fn.
 */
void kbuddy_run_on_cpus(void (*fn)(void *arg), void *arg)
{
	int cpu;

	mutex_lock(&kbuddy_cpu_work_mutex);
	for_each_online_cpu(cpu) {
		struct kbuddy_cpu_work *cw = per_cpu_ptr(&kbuddy_cpu_work, cpu);

		INIT_WORK(&cw->work, kbuddy_cpu_work_fn);
		cw->fn = fn;
		cw->arg = arg;
		queue_work_on(cpu, system_highpri_wq, &cw->work);
	}
	for_each_online_cpu(cpu)
		flush_work(&per_cpu_ptr(&kbuddy_cpu_work, cpu)->work);
	mutex_unlock(&kbuddy_cpu_work_mutex);
}

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Pages of the kernel's linear map that a write-combined RAM pool takes
 * (kbuddy_pool_add_kernel_pages(), kbuddy_pool_add_mem()) are switched to
 * write-combined with set_memory_wc(), which records the type in the PAT's
 * tracking of the pages too, so that every later PFN mapping of them (a
 * /dev/kbuddy buffer's userspace mapping) gets the same type; and back to
 * write-back with set_memory_wb() before they leave the pool. Only x86 has
 * both: elsewhere such memory is refused.
 */
#ifdef CONFIG_X86
static int region_set_wb(struct kbuddy_pool *pool, void *virt,
			 unsigned long pages)
{
	int err = set_memory_wb((unsigned long)virt, pages);

	if (err)
		pr_err("pool %s: set_memory_wb() of %lu pages at %p failed: %d; leaving them write-combined and out of the kernel's hands (leaked)\n",
		       pool->name, pages, virt, err);
	return err;
}

/*
 * Return: 0; the error of set_memory_wc(), the pages write-back again
 * (set_memory_wc() may have changed part of the range before it failed);
 * -EIO if even that failed: the pages are lost to the kernel.
 */
static int region_set_wc(struct kbuddy_pool *pool, void *virt,
			 unsigned long pages)
{
	int err = set_memory_wc((unsigned long)virt, pages);

	if (!err)
		return 0;
	pr_err("pool %s: set_memory_wc() of %lu pages at %p failed: %d\n",
	       pool->name, pages, virt, err);
	return region_set_wb(pool, virt, pages) ? -EIO : err;
}
#else
static int region_set_wc(struct kbuddy_pool *pool, void *virt,
			 unsigned long pages)
{
	pr_err("pool %s: a write-combined pool takes memory of the kernel's linear map only on x86 (set_memory_wc()); add reserved ranges with kbuddy_pool_add_phys()\n",
	       pool->name);
	return -EOPNOTSUPP;
}

static int region_set_wb(struct kbuddy_pool *pool, void *virt,
			 unsigned long pages)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * Is [@addr, @addr + @size) the kernel's linear map of System RAM at @phys,
 * as set_memory_wc() needs? Not a vmalloc() or kernel image alias, not
 * another physical address, no hole, every page online; and, as far as
 * can be told without the page allocator's locks, pages a caller can own
 * whole: not reserved (the kernel image, firmware's), not a slab's (other
 * objects share them), not the head of a free block of the page allocator.
 */
static bool linear_ram(void *addr, phys_addr_t phys, u64 size)
{
	unsigned long first = PHYS_PFN(phys), last = PHYS_PFN(phys + size - 1);
	unsigned long pfn;

	if (region_intersects(phys, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_INTERSECTS)
		return false;
	for (pfn = first; pfn <= last; pfn++) {
		/* Online memory only: an offline section's memmap is garbage. */
		struct page *page = pfn_to_online_page(pfn);

		if (!page || page_address(page) != addr + ((pfn - first) << PAGE_SHIFT) ||
		    (!PageCompound(page) && PageReserved(page)) ||
		    PageSlab(page) || PageBuddy(page))
			return false;
		if (!((pfn - first + 1) % 4096))
			cond_resched();
	}
	return true;
}

/* Does @r's memory go back to write-back when it leaves the pool? */
static bool region_wc_set(struct kbuddy_pool *pool, struct kbuddy_region *r)
{
	return pool->wc && (r->kind == KBUDDY_REGION_PAGES ||
			    r->kind == KBUDDY_REGION_MEM);
}

/*
 * Give @r (virt, phys, nr_pages and the ownership fields set) its metadata
 * and publish it in @pool; in a write-combined pool, linear-map memory is
 * switched to write-combined first (region_wc_set()), once the range is
 * known to fit and not to overlap a region of the pool, under the mutex, so
 * that no refused or racing add ever changes the type of another region's
 * pages. On failure nothing of @r is kept but what the caller owns, at its
 * type as before - or, with -EIO, left write-combined: the caller must not
 * free it.
 */
static int pool_add_region(struct kbuddy_pool *pool, struct kbuddy_region *r)
{
	u64 bytes = (u64)r->nr_pages << PAGE_SHIFT;
	unsigned int i;
	int err;

	r->base_pfn = PHYS_PFN(r->phys);
	if (r->nr_pages >= (r->sparse ? KBUDDY_SPARSE_MAX_PAGES : KBUDDY_REGION_MAX_PAGES)) {
		pr_err("pool %s: region %pa+%#llx: at most %lu pages per region (%lu in a sparse one); add a larger range as several regions\n",
		       pool->name, &r->phys, bytes, KBUDDY_REGION_MAX_PAGES - 1,
		       KBUDDY_SPARSE_MAX_PAGES - 1);
		return -E2BIG;
	}
	mutex_lock(&kbuddy_pools_mutex);
	if (pool->nr_regions == KBUDDY_MAX_REGIONS) {
		pr_err("pool %s: already has %d regions\n", pool->name,
		       KBUDDY_MAX_REGIONS);
		err = -ENOSPC;
		goto out;
	}
	for (i = 0; i < pool->nr_regions; i++) {
		struct kbuddy_region *o = &pool->regions[i];
		u64 obytes = (u64)o->nr_pages << PAGE_SHIFT;

		if (ranges_overlap(r->phys, bytes, o->phys, obytes) ||
		    (r->virt && o->virt &&
		     ranges_overlap((unsigned long)r->virt, bytes,
				    (unsigned long)o->virt, obytes))) {
			pr_err("pool %s: region %pa+%#llx overlaps region %u\n",
			       pool->name, &r->phys, bytes, i);
			err = -EBUSY;
			goto out;
		}
	}
	/* After the checks: a refused range's type is never touched. */
	if (region_wc_set(pool, r)) {
		err = region_set_wc(pool, r->virt, r->nr_pages);
		if (err)
			goto out;
	}
	if (kbuddy_should_fail(&pool->fault, KBUDDY_FAULT_REGION, r->nr_pages))
		err = -ENOMEM;
	else
		err = kbuddy_region_init(pool, r);
	if (!err) {
		err = kbuddy_debug_region_init(pool, r);
		if (err)
			kbuddy_region_fini(pool, r);
	}
	if (err) {
		pr_err("pool %s: no memory for the metadata of %lu pages\n",
		       pool->name, r->nr_pages);
		if (region_wc_set(pool, r) &&
		    region_set_wb(pool, r->virt, r->nr_pages))
			err = -EIO;
		goto out;
	}

	kbuddy_region_publish(pool, r);
out:
	mutex_unlock(&kbuddy_pools_mutex);
	return err;
}

/* Is @pool of @kind, as the function adding memory to it needs? */
static int check_kind(struct kbuddy_pool *pool, enum kbuddy_pool_kind kind,
		      const char *fn)
{
	if (pool->kind == kind)
		return 0;
	pr_err("pool %s: %s() refused: the pool is of kind %s; %s\n", pool->name, fn,
	       kbuddy_pool_kind_name(pool),
	       pool->kind == KBUDDY_POOL_NOMAP ? "add memory with kbuddy_pool_add_range()" :
	       pool->kind == KBUDDY_POOL_IOMEM ? "add memory with kbuddy_pool_add_iomem()" :
	       "add memory with kbuddy_pool_add_phys() or kbuddy_pool_add_mem()");
	return -EINVAL;
}

static int check_range(struct kbuddy_pool *pool, phys_addr_t base, u64 size)
{
	phys_addr_t last;

	if (!size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size) ||
	    check_add_overflow(base, (phys_addr_t)(size - 1), &last)) {
		pr_err("pool %s: region %#llx@%pa: size and base must be page aligned, non-zero and not wrap\n",
		       pool->name, size, &base);
		return -EINVAL;
	}
	/* Refused before anything is claimed or mapped. */
	if (size >> PAGE_SHIFT >= (pool->kind == KBUDDY_POOL_NOMAP ?
				   KBUDDY_SPARSE_MAX_PAGES : KBUDDY_REGION_MAX_PAGES)) {
		pr_err("pool %s: region %#llx@%pa: at most %lu pages per region (%lu in a nomap pool); add it as several regions\n",
		       pool->name, size, &base, KBUDDY_REGION_MAX_PAGES - 1,
		       KBUDDY_SPARSE_MAX_PAGES - 1);
		return -E2BIG;
	}
	return 0;
}

static int sum_covered(struct resource *res, void *arg)
{
	*(u64 *)arg += resource_size(res);
	return 0;
}

/**
 * kbuddy_pool_add_phys() - add a reserved physical range to a pool
 * @pool: the pool
 * @base: physical address, page aligned
 * @size: bytes, page aligned
 *
 * The range must be disjoint from System RAM and covered by reserved ranges
 * (memmap=SIZE$BASE on the kernel command line, or a reserved-memory node).
 * kbuddy claims it with request_mem_region_exclusive(), so it shows as
 * "kbuddy" in /proc/iomem, and maps it with memremap(): write-back, or
 * write-combined in a pool created with KBUDDY_POOL_WC. For device memory
 * the caller maps itself, use kbuddy_pool_add_mem().
 *
 * Context: Process context; may sleep.
 * Return: 0; -EINVAL for a misaligned or wrapping range, one that overlaps
 * System RAM or is not reserved; -E2BIG for a range of
 * KBUDDY_REGION_MAX_PAGES pages or more; -EBUSY if someone else claimed it
 * or it overlaps a region of the pool; -ENOMEM; -ENOSPC if the pool is full.
 */
int kbuddy_pool_add_phys(struct kbuddy_pool *pool, phys_addr_t base, u64 size)
{
	struct kbuddy_region r = { .kind = KBUDDY_REGION_PHYS };
	u64 covered = 0;
	char *name;
	int err;

	err = check_kind(pool, KBUDDY_POOL_RAM, __func__) ?:
	      check_range(pool, base, size);
	if (err)
		return err;
	if (region_intersects(base, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("pool %s: region %#llx@%pa overlaps System RAM; reserve it with memmap=%#llx$%pa\n",
		       pool->name, size, &base, size, &base);
		return -EINVAL;
	}
	walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM, base,
			    base + size - 1, &covered, sum_covered);
	if (covered < size) {
		pr_err("pool %s: region %#llx@%pa is not reserved memory (%#llx bytes reserved); reserve it with memmap=%#llx$%pa\n",
		       pool->name, size, &base, covered, size, &base);
		return -EINVAL;
	}
	/*
	 * The resource's name lives on the heap, not in this module: a region
	 * left claimed at unload because blocks were still allocated must
	 * still read right in /proc/iomem after the module is gone.
	 */
	name = kstrdup("kbuddy", GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	r.res = request_mem_region_exclusive(base, size, name);
	if (!r.res) {
		pr_err("pool %s: region %#llx@%pa is already claimed (see /proc/iomem; a region kbuddy left claimed at an unload with blocks still allocated stays claimed until reboot)\n",
		       pool->name, size, &base);
		kfree(name);
		return -EBUSY;
	}
	r.virt = memremap(base, size, pool->wc ? MEMREMAP_WC : MEMREMAP_WB);
	if (!r.virt) {
		pr_err("pool %s: cannot map region %#llx@%pa\n", pool->name,
		       size, &base);
		err = -ENOMEM;
		goto err_release;
	}
	r.phys = base;
	r.nr_pages = size >> PAGE_SHIFT;
	err = pool_add_region(pool, &r);
	if (err)
		goto err_unmap;
	pr_info("pool %s: region %#llx@%pa added\n", pool->name, size, &base);
	return 0;

err_unmap:
	memunmap(r.virt);
err_release:
	release_mem_region(base, size);
	kfree(name);
	return err;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_add_phys);

/**
 * kbuddy_pool_add_mem() - add memory the caller provides to a pool
 * @pool: the pool
 * @addr: kernel virtual address of the memory, page aligned
 * @phys: its physical (or bus) address, page aligned; blocks are aligned in
 *	this address space and kbuddy_virt_to_phys() translates into it
 * @size: bytes, page aligned
 *
 * The memory stays the caller's, and the caller frees it after
 * kbuddy_pool_destroy(). kbuddy's metadata lives elsewhere, but kbuddy does
 * write into the memory: it zeroes blocks and objects allocated with
 * __GFP_ZERO, and every allocation when init_on_alloc is on; it keeps the
 * free pointer of each free slab object in the object (or, for a cache with
 * a constructor, in the word after it); and it runs constructors on the
 * objects of new slabs; with debug=P (a poisoning pool) it fills all of
 * the memory with poison when it is added and every block when it is
 * freed. Memory that must not be written by the CPU (device memory with
 * side effects) needs a pool used only through kbuddy_alloc_pages() without
 * __GFP_ZERO, with init_on_alloc off and without debug=P.
 *
 * A pool created with KBUDDY_POOL_WC takes only System RAM in the kernel's
 * linear map at its own physical address (alloc_pages() memory and its
 * page_address()), and only on x86: kbuddy switches the pages to
 * write-combined with set_memory_wc() (splitting the linear map's large
 * pages that cover them) and back to write-back with set_memory_wb() in
 * kbuddy_pool_destroy(); a destroy that reports leaked blocks leaves them
 * write-combined, and the caller must then not free them. Any other
 * mapping the caller makes of them must be write-combined too.
 *
 * Context: Process context; may sleep.
 * Return: 0; -EINVAL for a misaligned or wrapping range, a pool that is
 * not KBUDDY_POOL_RAM, or memory a KBUDDY_POOL_WC pool cannot take;
 * -EOPNOTSUPP for the latter on an architecture without set_memory_wc();
 * the error of set_memory_wc(); -E2BIG for a range of
 * KBUDDY_REGION_MAX_PAGES pages or more (its descriptors would not fit one
 * kvmalloc(); add it as several regions); -EBUSY if it overlaps a region of
 * the pool; -ENOMEM; -ENOSPC if the pool is full. On each of these the
 * memory is the caller's again, as it was. -EIO (KBUDDY_POOL_WC only): the
 * add failed and the memory could not be made write-back again; it stays
 * write-combined, and the caller must never free it.
 */
int kbuddy_pool_add_mem(struct kbuddy_pool *pool, void *addr, phys_addr_t phys,
			u64 size)
{
	struct kbuddy_region r = { .kind = KBUDDY_REGION_MEM };
	int err;

	err = check_kind(pool, KBUDDY_POOL_RAM, __func__) ?:
	      check_range(pool, phys, size);
	if (err)
		return err;
	if (!PAGE_ALIGNED(addr) || (unsigned long)addr + (size - 1) <
				   (unsigned long)addr) {
		pr_err("pool %s: memory at %p is not page aligned or wraps\n",
		       pool->name, addr);
		return -EINVAL;
	}
	r.virt = addr;
	r.phys = phys;
	r.nr_pages = size >> PAGE_SHIFT;
	if (pool->wc && !linear_ram(addr, phys, size)) {
		pr_err("pool %s: %s() refused: a write-combined pool takes only System RAM in the kernel's linear map (alloc_pages(), page_address()) at its physical address, not reserved, slab or free pages, which it remaps write-combined; %#llx bytes at %p, %pa are not\n",
		       pool->name, __func__, size, addr, &phys);
		return -EINVAL;
	}
	return pool_add_region(pool, &r);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_add_mem);

/**
 * kbuddy_pool_add_range() - add an address range kbuddy never touches
 * @pool: a KBUDDY_POOL_NOMAP pool
 * @base: the range's first address, page aligned: a physical address,
 *	a device's local address or offset, an IOVA; runs are aligned in
 *	this address space and kbuddy_alloc_contig() hands them out in it
 * @size: bytes, page aligned
 *
 * Nothing is claimed, mapped or written: kbuddy keeps the range's records
 * (free lists, block states) in its own memory and hands out addresses.
 * The range need not be memory the CPU can reach at all. In a pool created
 * with KBUDDY_POOL_SPARSE, and for a range too large for per-page records
 * (KBUDDY_REGION_MAX_PAGES or more) in any nomap pool, the records grow
 * with the blocks in the range, not with its size; else they are 32 bytes
 * a page.
 *
 * Context: Process context; may sleep.
 * Return: 0; -EINVAL for a pool of another kind or a misaligned or wrapping
 * range; -E2BIG for a range of 2^40 pages or more (add it as several
 * regions), or a sparse one of more than 2^16 blocks of the pool's top
 * order (create the pool with a larger max_order); -EBUSY if it overlaps a
 * region of the pool; -ENOMEM; -ENOSPC if the pool is full.
 */
int kbuddy_pool_add_range(struct kbuddy_pool *pool, phys_addr_t base, u64 size)
{
	struct kbuddy_region r = { .kind = KBUDDY_REGION_RANGE };
	int err;

	err = check_kind(pool, KBUDDY_POOL_NOMAP, __func__) ?:
	      check_range(pool, base, size);
	if (err)
		return err;
	r.phys = base;
	r.nr_pages = size >> PAGE_SHIFT;
	r.sparse = pool->sparse || r.nr_pages >= KBUDDY_REGION_MAX_PAGES;
	if (r.sparse && r.nr_pages >> (pool->max_order - 1) > KBUDDY_SPARSE_MAX_TOP_BLOCKS) {
		pr_err("pool %s: range %#llx@%pa: over %lu blocks of the top order %u; create the pool with a larger max_order (up to %d for nomap pools)\n",
		       pool->name, size, &base, KBUDDY_SPARSE_MAX_TOP_BLOCKS,
		       pool->max_order - 1, KBUDDY_NOMAP_MAX_ORDER_LIMIT);
		return -E2BIG;
	}
	return pool_add_region(pool, &r);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_add_range);

/**
 * kbuddy_pool_add_iomem() - add I/O memory the caller has mapped
 * @pool: a KBUDDY_POOL_IOMEM pool
 * @addr: the caller's __iomem mapping of the memory (ioremap(),
 *	devm_ioremap_resource(); ioremap_wc() if the pool was created with
 *	KBUDDY_POOL_WC), page aligned; it must outlive the pool
 * @phys: its physical (or bus) address, page aligned
 * @size: bytes, page aligned
 *
 * kbuddy writes to the memory only to zero a run allocated with
 * __GFP_ZERO, with memset_io(); init_on_alloc is not applied, and nothing
 * of kbuddy's is kept in the memory.
 *
 * Context: Process context; may sleep.
 * Return: as kbuddy_pool_add_range(); -EINVAL also for a misaligned or
 * wrapping @addr.
 */
int kbuddy_pool_add_iomem(struct kbuddy_pool *pool, void __iomem *addr,
			  phys_addr_t phys, u64 size)
{
	struct kbuddy_region r = { .kind = KBUDDY_REGION_IOMEM };
	int err;

	err = check_kind(pool, KBUDDY_POOL_IOMEM, __func__) ?:
	      check_range(pool, phys, size);
	if (err)
		return err;
	if (!addr || !PAGE_ALIGNED((__force unsigned long)addr) ||
	    (__force unsigned long)addr + (size - 1) < (__force unsigned long)addr) {
		pr_err("pool %s: I/O memory at %p is NULL, not page aligned or wraps\n",
		       pool->name, addr);
		return -EINVAL;
	}
	r.io = addr;
	r.phys = phys;
	r.nr_pages = size >> PAGE_SHIFT;
	return pool_add_region(pool, &r);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_add_iomem);

/**
 * kbuddy_kernel_pages_max() - the most a pool may take from the page allocator
 *
 * Half of what the page allocator has available now (si_mem_available()):
 * a pool must never starve the machine it runs on.
 *
 * Context: Any context.
 * Return: bytes.
 */
u64 kbuddy_kernel_pages_max(void)
{
	long avail = si_mem_available();

	return avail > 0 ? ((u64)avail << PAGE_SHIFT) / 2 : 0;
}

/**
 * kbuddy_pool_add_kernel_pages() - add memory from the kernel's allocator
 * @pool: the pool
 * @size: bytes wanted, page aligned
 *
 * Takes @size bytes from alloc_pages() in the largest chunks it can get, one
 * region per chunk, so that a pool works on a machine without reserved
 * memory. Stops early when the pool's regions run out. A @size above
 * kbuddy_kernel_pages_max() (half the memory available) is refused whole,
 * with a message. In a KBUDDY_POOL_WC pool each chunk is switched to
 * write-combined (set_memory_wc(), x86 only) before it is added, and back
 * before it is freed (pool_release_region()).
 *
 * Context: Process context; may sleep.
 * Return: bytes added; 0 if not even one page could be had or @size was
 * refused.
 */
u64 kbuddy_pool_add_kernel_pages(struct kbuddy_pool *pool, u64 size)
{
	unsigned long left = size >> PAGE_SHIFT;
	unsigned int order = KBUDDY_PAGE_ALLOC_TOP_ORDER;
	u64 added = 0, max = kbuddy_kernel_pages_max();
	int err;

	if (check_kind(pool, KBUDDY_POOL_RAM, __func__))
		return 0;
	if (size > max) {
		pr_err("pool %s: %llu bytes from the page allocator refused: more than half of the %llu bytes it has available\n",
		       pool->name, size, 2 * max);
		return 0;
	}

	while (left && pool->nr_regions < KBUDDY_MAX_REGIONS) {
		struct kbuddy_region r = { .kind = KBUDDY_REGION_PAGES };

		order = min_t(unsigned int, order, ilog2(left));
		r.chunk = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
				      order);
		if (!r.chunk) {
			if (!order)
				break;
			order--;
			continue;
		}
		r.chunk_order = order;
		r.virt = page_address(r.chunk);
		r.phys = page_to_phys(r.chunk);
		r.nr_pages = 1UL << order;
		err = pool_add_region(pool, &r);
		if (err) {
			/* -EIO: left write-combined, never to be freed. */
			if (err != -EIO)
				__free_pages(r.chunk, order);
			break;
		}
		left -= 1UL << order;
		added += PAGE_SIZE << order;
	}
	return added;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pool_add_kernel_pages, KBUDDY_INTERNAL);

/* Log a problem of @ctx's pool: leaks as warnings, inconsistencies as errors. */
static void pool_vlog(struct kbuddy_pool *pool, bool err, const char *fmt,
		      va_list args)
{
	struct va_format vaf;
	va_list aq;

	va_copy(aq, args);
	vaf.fmt = fmt;
	vaf.va = &aq;
	if (err)
		pr_err("pool %s: validate: %pV", pool->name, &vaf);
	else
		pr_warn("pool %s: %pV", pool->name, &vaf);
	va_end(aq);
}

/* The blocks a leak report names: the first KBUDDY_LEAK_REPORT_MAX. */
struct leak_report {
	struct kbuddy_pool *pool;
	unsigned long named;
};

static void report_leak(void *ctx, const char *fmt, va_list args)
{
	struct leak_report *lr = ctx;

	/*
	 * An indented line continues the block named before it (who
	 * allocated it, with owner tracking): shown with it, not counted.
	 */
	if (fmt[0] == ' ') {
		if (lr->named <= KBUDDY_LEAK_REPORT_MAX)
			pool_vlog(lr->pool, false, fmt, args);
		return;
	}
	if (lr->named++ < KBUDDY_LEAK_REPORT_MAX)
		pool_vlog(lr->pool, false, fmt, args);
}

/* Give @r's memory back. Return: false if blocks held kept it (leaked). */
static bool pool_release_region(struct kbuddy_pool *pool, struct kbuddy_region *r)
{
	unsigned long used = kbuddy_region_report_used(pool, r, NULL, NULL);
	u64 bytes = (u64)r->nr_pages << PAGE_SHIFT;

	if (used) {
		struct leak_report lr = { .pool = pool };

		/*
		 * Someone still holds blocks here: giving the memory back could
		 * hand it to another user under their feet. Leave it mapped
		 * and claimed, and say so.
		 */
		pr_warn("pool %s: destroyed with %lu blocks still allocated in region %#llx@%pa%s%s\n",
			pool->name, used, bytes, &r->phys,
			r->kind == KBUDDY_REGION_PHYS || r->kind == KBUDDY_REGION_PAGES ?
			"; leaving its memory mapped and claimed (leaked)" : "",
			region_wc_set(pool, r) ? ", write-combined" : "");
		kbuddy_region_report_used(pool, r, report_leak, &lr);
		if (lr.named > KBUDDY_LEAK_REPORT_MAX)
			pr_warn("pool %s: and %lu more blocks still allocated in region %#llx@%pa\n",
				pool->name, lr.named - KBUDDY_LEAK_REPORT_MAX,
				bytes, &r->phys);
		kbuddy_debug_region_fini(r);
		kbuddy_region_fini(pool, r);
		return false;
	}
	kbuddy_debug_region_fini(r);
	kbuddy_region_fini(pool, r);
	/* Memory that stays write-combined cannot go back to the kernel. */
	if (region_wc_set(pool, r) && region_set_wb(pool, r->virt, r->nr_pages))
		return false;
	switch (r->kind) {
	case KBUDDY_REGION_PHYS: {
		const char *name = r->res->name;

		memunmap(r->virt);
		release_mem_region(r->phys, bytes);
		kfree(name);
		break;
	}
	case KBUDDY_REGION_PAGES:
		__free_pages(r->chunk, r->chunk_order);
		break;
	case KBUDDY_REGION_MEM:
	case KBUDDY_REGION_RANGE:
	case KBUDDY_REGION_IOMEM:
		break;
	}
	return true;
}

/**
 * kbuddy_pool_free() - destroy a pool nobody holds any more
 * @pool: the pool, its last reference (pool->users) dropped
 *
 * Context: Process context; may sleep.
 * Return: as kbuddy_pool_destroy().
 */
static int kbuddy_pool_free(struct kbuddy_pool *pool)
{
	unsigned int i;
	int ret = 0;

	kbuddy_debugfs_remove_pool(pool);
	mutex_lock(&kbuddy_pools_mutex);
	list_del(&pool->node);
	mutex_unlock(&kbuddy_pools_mutex);
	kbuddy_kmalloc_fini(pool);
	while (!list_empty(&pool->caches)) {
		struct kbuddy_cache *c = list_first_entry(&pool->caches,
							  struct kbuddy_cache,
							  node);

		pr_warn("pool %s: cache %s still exists; destroying it\n",
			pool->name, c->name);
		kbuddy_cache_destroy_forced(c);
	}
	kbuddy_pcp_fini(pool);
	for (i = 0; i < pool->nr_regions; i++)
		if (!pool_release_region(pool, &pool->regions[i]))
			ret = -EBUSY;
	kbuddy_debug_pool_fini(pool);
	kbuddy_hist_fini(pool);
	mutex_destroy(&pool->caches_lock);
	kbuddy_fault_fini(&pool->fault);
	kfree(pool);
	return ret;
}

/**
 * kbuddy_pool_destroy() - destroy a pool and give its memory back
 * @pool: the pool; NULL or an ERR_PTR() is ignored
 *
 * Destroys the pool's caches (the malloc size classes, and any the caller
 * left, with a warning). Objects and blocks still allocated are reported
 * with their addresses; a region that holds any is left mapped and claimed
 * (leaked) rather than handed back under its users. Memory from
 * kbuddy_pool_add_mem() stays the caller's.
 *
 * A pool offered to userspace (kbuddy_pool_offer()) is withdrawn first.
 * While buffers of /dev/kbuddy hold the pool, offered or withdrawn, it is
 * refused (-EAGAIN, with a message, nothing changed): they use the memory
 * under it. Each pins the module the pool was offered with, so a destroy
 * in that module's exit never meets one. A driver that destroys its pool
 * earlier (remove()) revokes the buffers first (kbuddy_pool_revoke()), or
 * keeps the memory valid while this refuses and retries once they are
 * gone.
 *
 * Context: Process context; may sleep. No allocation may race with it.
 * Return: 0; -EAGAIN if buffers of /dev/kbuddy hold the pool (nothing
 * changed, the pool is still the caller's); -EBUSY if blocks were still
 * allocated, or (KBUDDY_POOL_WC) memory of kbuddy_pool_add_mem() could not
 * be made write-back again: the pool is freed, but those regions were left
 * as they were (a region of kbuddy_pool_add_mem() is then still in use by
 * whoever holds those blocks, or still write-combined: do not free it).
 */
int kbuddy_pool_destroy(struct kbuddy_pool *pool)
{
	int err;

	if (IS_ERR_OR_NULL(pool))
		return 0;
	err = kbuddy_offer_destroy(pool);
	if (err)
		return err;
	/*
	 * The pool's own reference, the only one left (offer.c) unless the
	 * caller offered it again meanwhile, against the rules: then keep it.
	 */
	if (WARN_ON_ONCE(!refcount_dec_if_one(&pool->users)))
		return -EAGAIN;
	return kbuddy_pool_free(pool);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_destroy);

/**
 * kbuddy_pool_check() - validate the page allocator and every cache
 * @pool: the pool
 * @report: called once per problem, or NULL
 * @ctx: passed to @report
 *
 * Context: Process context.
 * Return: the number of problems found, or a negative errno (-EBUSY,
 * -ENOMEM) if some part could not be checked and no problem was found.
 */
long kbuddy_pool_check(struct kbuddy_pool *pool, kbuddy_report_fn report,
		       void *ctx)
{
	long problems, n;
	struct kbuddy_cache *c;
	int err = 0;

	problems = kbuddy_regions_validate(pool, report, ctx);
	if (problems < 0) {
		if (report)
			kbuddy_report(report, ctx, "page allocator not checked: %s\n",
				      problems == -EBUSY ?
				      "it changed under every pass" :
				      "no memory for the check");
		err = problems;
		problems = 0;
	}
	/* CPU hotplug takes the caches_lock: take the CPUs first. */
	cpus_read_lock();
	problems += kbuddy_pcp_validate(pool, report, ctx);
	mutex_lock(&pool->caches_lock);
	list_for_each_entry(c, &pool->caches, node) {
		n = kbuddy_cache_validate_cpus_locked(c, report, ctx);
		if (n < 0)
			err = n;
		else
			problems += n;
	}
	mutex_unlock(&pool->caches_lock);
	cpus_read_unlock();
	/* Problems found are reported first: they are certain. */
	return problems ? problems : err;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pool_check, KBUDDY_INTERNAL);

static void report_problem(void *ctx, const char *fmt, va_list args)
{
	pool_vlog(ctx, true, fmt, args);
}

/**
 * kbuddy_pool_validate() - check a pool's consistency
 * @pool: the pool
 *
 * Cross-checks bitmaps, free lists, nr_free and page descriptors, and every
 * slab and magazine of the pool's caches (see the validate file in debugfs),
 * and logs each problem found.
 *
 * Context: Process context; may sleep. The page allocator is checked in
 * chunks of KBUDDY_CHECK_CHUNK pages under the pool's lock; each cache
 * under its lock.
 * Return: 0 if consistent, -EUCLEAN if a problem was found, -EBUSY if the
 * pool changed under every pass so that it could not be checked, -ENOMEM if
 * there was no memory for the check. Never 0 for something not checked.
 */
int kbuddy_pool_validate(struct kbuddy_pool *pool)
{
	long ret = kbuddy_pool_check(pool, report_problem, pool);

	if (ret < 0)
		return ret;
	return ret ? -EUCLEAN : 0;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_validate);

/**
 * kbuddy_pool_free_pages() - free pages in a pool
 * @pool: the pool
 *
 * Context: Any context.
 * Return: the number of free pages, in blocks of any order.
 */
unsigned long kbuddy_pool_free_pages(struct kbuddy_pool *pool)
{
	return READ_ONCE(pool->nr_free);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_free_pages);

/**
 * kbuddy_pool_total_pages() - pages in a pool
 * @pool: the pool
 *
 * Context: Any context.
 * Return: the number of pages in all of the pool's regions.
 */
unsigned long kbuddy_pool_total_pages(struct kbuddy_pool *pool)
{
	return READ_ONCE(pool->nr_pages);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_total_pages);

/**
 * kbuddy_pool_cached_pages() - free pages held in the CPUs' page caches
 * @pool: the pool
 *
 * Free, but not in kbuddy_pool_free_pages(): kbuddy_pool_drain() gives them
 * back. The caches are read while their CPUs run: a snapshot.
 *
 * Context: Any context.
 * Return: the number of pages in blocks the per-CPU page caches hold.
 */
unsigned long kbuddy_pool_cached_pages(struct kbuddy_pool *pool)
{
	unsigned long alloc[KBUDDY_PCP_ORDERS] = { 0 }, freed[KBUDDY_PCP_ORDERS] = { 0 };
	unsigned long events[KBUDDY_NR_PCP_COUNTERS] = { 0 }, held = 0;

	kbuddy_pcp_stats(pool, alloc, freed, events, &held);
	return held;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_cached_pages);

/**
 * kbuddy_pool_name() - a pool's name
 * @pool: the pool
 *
 * Context: Any context.
 * Return: the name given to kbuddy_pool_create(), valid while the pool is.
 */
const char *kbuddy_pool_name(struct kbuddy_pool *pool)
{
	return pool->name;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_name);

/**
 * kbuddy_pool_max_order() - a pool's max_order
 * @pool: the pool
 *
 * Context: Any context.
 * Return: max_order: blocks have orders 0 to max_order - 1.
 */
unsigned int kbuddy_pool_max_order(struct kbuddy_pool *pool)
{
	return pool->max_order;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_max_order);

/**
 * kbuddy_pool_kind() - what a pool's memory is
 * @pool: the pool
 *
 * Context: Any context.
 * Return: its enum kbuddy_pool_kind, fixed at creation.
 */
enum kbuddy_pool_kind kbuddy_pool_kind(struct kbuddy_pool *pool)
{
	return pool->kind;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_kind);

/**
 * kbuddy_pool_region() - where a pool's region lies
 * @pool: the pool
 * @i: the region, from 0 in the order they were added
 * @phys: set to its physical address
 * @size: set to its size in bytes
 *
 * Context: Any context.
 * Return: 0, or -ENOENT if the pool has no region @i (then nothing is set):
 * a loop from 0 until -ENOENT visits every region.
 */
int kbuddy_pool_region(struct kbuddy_pool *pool, unsigned int i,
		       phys_addr_t *phys, u64 *size)
{
	/* Pairs with the release that publishes a region (pool_add_region()). */
	if (i >= smp_load_acquire(&pool->nr_regions))
		return -ENOENT;
	*phys = pool->regions[i].phys;
	*size = (u64)pool->regions[i].nr_pages << PAGE_SHIFT;
	return 0;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_region);

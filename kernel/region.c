// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - a pool's regions once they exist: publishing one to lockless
 * readers, and translating between virtual and physical addresses.
 *
 * pool.c claims and maps the memory; this file is what remains when that is
 * done, so that the userspace build (tools/testing) compiles it unmodified
 * over malloc()ed memory.
 */

#include <linux/export.h>
#include <linux/spinlock.h>

#include "internal.h"

static const char *const kbuddy_pool_kind_names[] = {
	[KBUDDY_POOL_RAM] = "ram",
	[KBUDDY_POOL_NOMAP] = "nomap",
	[KBUDDY_POOL_IOMEM] = "iomem",
};

/**
 * kbuddy_pool_kind_name() - a pool kind's name, as debugfs shows it
 * @pool: the pool
 *
 * Context: Any context.
 * Return: "ram", "nomap" or "iomem".
 */
const char *kbuddy_pool_kind_name(const struct kbuddy_pool *pool)
{
	return kbuddy_pool_kind_names[pool->kind];
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pool_kind_name, KBUDDY_INTERNAL);

/**
 * kbuddy_region_publish() - make a ready region part of its pool
 * @pool: the pool, with room for one more region
 * @r: the region, its metadata set up by kbuddy_region_init()
 *
 * Copies @r into @pool->regions and counts it, with release semantics so
 * that kbuddy_find_region() and kbuddy_region_of_phys() see the region whole.
 * The caller serializes additions (pool.c: kbuddy_pools_mutex) and has
 * checked that @r overlaps no other region and that there is room.
 *
 * Context: Any context; takes the pool's lock.
 */
void kbuddy_region_publish(struct kbuddy_pool *pool, struct kbuddy_region *r)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	r->bytes = r->virt ? r->nr_pages << PAGE_SHIFT : 0;
	pool->regions[pool->nr_regions] = *r;
	pool->nr_pages += r->nr_pages;
	pool->nr_free += r->nr_free;
	/* Only ever grows: no cached block is of an order no longer cached. */
	WRITE_ONCE(pool->pcp_orders, kbuddy_pcp_orders_for(pool->nr_pages));
	pool->seq++;
	/* Pairs with the acquire in kbuddy_find_region() and kbuddy_region_of_phys(). */
	smp_store_release(&pool->nr_regions, pool->nr_regions + 1);
	spin_unlock_irqrestore(&pool->lock, flags);
}

/**
 * kbuddy_region_of_phys() - the region of @pool holding physical address @phys
 * @pool: the pool
 * @phys: a physical address
 *
 * Lockless, as kbuddy_find_region(): regions never change once counted.
 *
 * Context: Any context.
 * Return: the region, or NULL.
 */
struct kbuddy_region *kbuddy_region_of_phys(struct kbuddy_pool *pool,
					    phys_addr_t phys)
{
	/* Pairs with the release in kbuddy_region_publish(). */
	unsigned int i, nr = smp_load_acquire(&pool->nr_regions);

	for (i = 0; i < nr; i++) {
		struct kbuddy_region *r = &pool->regions[i];

		if (phys >= r->phys &&
		    phys - r->phys < (u64)r->nr_pages << PAGE_SHIFT)
			return r;
	}
	return NULL;
}

/**
 * kbuddy_virt_to_phys() - physical address of pool memory
 * @pool: the pool
 * @addr: any address inside one of the pool's regions
 *
 * Context: Any context.
 * Return: the physical address, or KBUDDY_PHYS_INVALID if @addr is not in
 * the pool.
 */
phys_addr_t kbuddy_virt_to_phys(struct kbuddy_pool *pool, const void *addr)
{
	struct kbuddy_region *r = kbuddy_find_region(pool, addr);

	return r ? r->phys + (addr - r->virt) : KBUDDY_PHYS_INVALID;
}
EXPORT_SYMBOL_GPL(kbuddy_virt_to_phys);

/**
 * kbuddy_phys_to_virt() - kernel virtual address of pool memory
 * @pool: the pool
 * @phys: any physical address inside one of the pool's regions
 *
 * Context: Any context.
 * Return: the virtual address, or NULL if @phys is not in the pool.
 */
void *kbuddy_phys_to_virt(struct kbuddy_pool *pool, phys_addr_t phys)
{
	struct kbuddy_region *r = kbuddy_region_of_phys(pool, phys);

	return r ? r->virt + (phys - r->phys) : NULL;
}
EXPORT_SYMBOL_GPL(kbuddy_phys_to_virt);

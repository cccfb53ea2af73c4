/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - a buddy page allocator over reserved physical memory.
 *
 * The public interface for other modules. A pool owns one or more regions of
 * physically contiguous memory and hands out naturally aligned blocks of
 * 2^order pages from them. The memory need not have struct pages: kbuddy
 * works in virtual addresses of the pool's mapping and physical addresses,
 * never in struct page.
 */
#ifndef _KBUDDY_H
#define _KBUDDY_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/types.h>

struct kbuddy_pool;
struct kbuddy_cache;

/* Orders run from 0 to max_order - 1; max_order is at most this. */
#define KBUDDY_MAX_ORDER_LIMIT	24
/*
 * ... or this in a KBUDDY_POOL_NOMAP pool (64-bit): blocks of up to 2^39
 * pages, for address spaces far beyond what memory a CPU maps. Arrays of
 * per-order figures (kbuddy_region_free_counts()) have this many entries.
 */
#define KBUDDY_NOMAP_MAX_ORDER_LIMIT	(BITS_PER_LONG == 64 ? 40 : KBUDDY_MAX_ORDER_LIMIT)
/* The default max_order, as the kernel's page allocator (MAX_ORDER 11). */
#define KBUDDY_DEFAULT_MAX_ORDER	11
/* Regions a pool may hold. */
#define KBUDDY_MAX_REGIONS	64
/* Longest pool name, without the terminating NUL. */
#define KBUDDY_NAME_LEN		31

/* What kbuddy_virt_to_phys() returns for an address outside the pool. */
#define KBUDDY_PHYS_INVALID	((phys_addr_t)-1)

/**
 * enum kbuddy_pool_kind - what a pool's memory is (kbuddy_pool_create_kind())
 * @KBUDDY_POOL_RAM: memory the CPU maps and writes, added with
 *	kbuddy_pool_add_phys(), kbuddy_pool_add_mem(): every interface
 * @KBUDDY_POOL_NOMAP: an address space kbuddy never touches (device-local
 *	memory, an IOVA range, a bank the CPU cannot map), added with
 *	kbuddy_pool_add_range(): runs by physical address only
 *	(kbuddy_alloc_contig(), @addr NULL), no zeroing
 * @KBUDDY_POOL_IOMEM: memory written only with I/O accessors (device
 *	SRAM), added with kbuddy_pool_add_iomem(): runs by physical address
 *	(kbuddy_contig_iomem() gives the __iomem pointer), __GFP_ZERO
 *	zeroes with memset_io(), init_on_alloc not applied; mapped uncached
 *	by its owner, or write-combined with KBUDDY_POOL_WC
 *
 * Only RAM pools have page blocks (kbuddy_alloc_pages()), slab caches,
 * the malloc family and per-CPU caches; the others refuse them with a
 * message, as a write-combined RAM pool (KBUDDY_POOL_WC) refuses slab
 * caches and the malloc family. No pool keeps anything in its memory: the free lists, block
 * states and every other record are outside it.
 */
enum kbuddy_pool_kind {
	KBUDDY_POOL_RAM,
	KBUDDY_POOL_NOMAP,
	KBUDDY_POOL_IOMEM,
};

/* kbuddy_pool_create_kind() flags: no per-CPU page caches (RAM pools). */
#define KBUDDY_POOL_NO_PCP	BIT(0)
/*
 * The pool's memory is mapped write-combined, and /dev/kbuddy maps its
 * buffers to userspace so: an iomem pool's by its owner (ioremap_wc(); an
 * iomem pool without it is taken to be mapped as ioremap() maps), a RAM
 * pool's memory by kbuddy: reserved ranges with memremap(MEMREMAP_WC),
 * pages of the kernel's linear map (kbuddy_pool_add_mem() of alloc_pages()
 * memory, the module's size=) switched with set_memory_wc() on x86 and
 * back with set_memory_wb() when they leave the pool. A RAM pool with it
 * has no slab caches or malloc family (their atomics and free pointers
 * would live in write-combined memory). Not for nomap pools.
 */
#define KBUDDY_POOL_WC		BIT(1)
/*
 * A nomap pool whose records are sized by the blocks it holds, not by its
 * range: block descriptors are created in small leaves as blocks appear
 * and given back as frees merge the blocks away, and free buddies are
 * found through them instead of per-range bitmaps, so a range of up to 2^40
 * pages costs what is allocated in it. A nomap region too large for
 * per-page records (KBUDDY_REGION_MAX_PAGES, just under 256 GiB, or more)
 * is sparse without the flag. Only for nomap pools, on 64-bit kernels.
 */
#define KBUDDY_POOL_SPARSE	BIT(2)

struct kbuddy_pool *kbuddy_pool_create(const char *name, unsigned int max_order);
struct kbuddy_pool *kbuddy_pool_create_kind(const char *name,
					    unsigned int max_order,
					    enum kbuddy_pool_kind kind,
					    unsigned int flags);
int kbuddy_pool_add_phys(struct kbuddy_pool *pool, phys_addr_t base, u64 size);
int kbuddy_pool_add_mem(struct kbuddy_pool *pool, void *addr, phys_addr_t phys,
			u64 size);
int kbuddy_pool_add_range(struct kbuddy_pool *pool, phys_addr_t base, u64 size);
int kbuddy_pool_add_iomem(struct kbuddy_pool *pool, void __iomem *addr,
			  phys_addr_t phys, u64 size);
int kbuddy_pool_destroy(struct kbuddy_pool *pool);
struct kbuddy_pool *kbuddy_default_pool(void);

struct module;
/* Pools offered to userspace through /dev/kbuddy, by id (offer.c). */
int kbuddy_pool_offer(struct kbuddy_pool *pool, struct module *owner);
void kbuddy_pool_withdraw(struct kbuddy_pool *pool);
int kbuddy_pool_revoke(struct kbuddy_pool *pool);

void *kbuddy_alloc_pages(struct kbuddy_pool *pool, unsigned int order,
			 gfp_t gfp);
int kbuddy_free_pages(struct kbuddy_pool *pool, void *addr,
		      unsigned int order);

/**
 * struct kbuddy_constraint - where kbuddy_alloc_contig() may place a run
 * @align: 0, or a power of two of at least PAGE_SIZE the run's physical
 *	address is a multiple of (larger than the run is allowed)
 * @start: the lowest physical address the run may use
 * @end: one past the highest; 0 for no limit
 * @boundary: 0, or a power of two of at least PAGE_SIZE: the run does not
 *	cross a multiple of it (a DMA engine that cannot cross 64 KiB)
 * @flags: KBUDDY_CONTIG_TOPDOWN: the highest place that fits, not the
 *	lowest; and at most one placement policy (kbuddy_alloc_contig() only):
 *	KBUDDY_CONTIG_FIRST_FIT (0, the default) the first place that fits,
 *	KBUDDY_CONTIG_NEXT_FIT the first at or after the end of the pool's last
 *	next-fit run, wrapping once (not with KBUDDY_CONTIG_TOPDOWN),
 *	KBUDDY_CONTIG_BEST_FIT a place in the smallest free extent that holds
 *	the run, KBUDDY_CONTIG_WORST_FIT in the largest
 */
struct kbuddy_constraint {
	u64 align;
	phys_addr_t start;
	phys_addr_t end;
	u64 boundary;
	unsigned int flags;
};

#define KBUDDY_CONTIG_TOPDOWN	BIT(0)
/*
 * Placement policies: one bit each, so that two ORed together are refused
 * (-EINVAL) rather than read as a third. Costs: Documentation/device-memory.rst.
 */
#define KBUDDY_CONTIG_FIRST_FIT	0U
#define KBUDDY_CONTIG_NEXT_FIT	BIT(1)
#define KBUDDY_CONTIG_BEST_FIT	BIT(2)
#define KBUDDY_CONTIG_WORST_FIT	BIT(3)
#define KBUDDY_CONTIG_POLICY	(KBUDDY_CONTIG_NEXT_FIT | KBUDDY_CONTIG_BEST_FIT | \
				 KBUDDY_CONTIG_WORST_FIT)

/**
 * struct kbuddy_contig - a run kbuddy_alloc_contig() handed out
 * @addr: its kernel virtual address; NULL in a pool that is not
 *	KBUDDY_POOL_RAM
 * @phys: its physical address
 * @size: its size in bytes, whole pages
 */
struct kbuddy_contig {
	void *addr;
	phys_addr_t phys;
	size_t size;
};

int kbuddy_alloc_contig(struct kbuddy_pool *pool, size_t size,
			const struct kbuddy_constraint *con, gfp_t gfp,
			struct kbuddy_contig *out);
int kbuddy_free_contig(struct kbuddy_pool *pool, const struct kbuddy_contig *c);
/* kbuddy_free_contig_flags(): every byte of the run is known to be zero. */
#define KBUDDY_FREE_CLEARED	BIT(0)
int kbuddy_free_contig_flags(struct kbuddy_pool *pool, const struct kbuddy_contig *c,
			     unsigned int flags);
int kbuddy_trim_contig(struct kbuddy_pool *pool, struct kbuddy_contig *c,
		       size_t new_size);
/* The most blocks kbuddy_alloc_blocks() hands out in one list. */
#define KBUDDY_MAX_BLOCKS	256

int kbuddy_alloc_blocks(struct kbuddy_pool *pool, size_t size,
			const struct kbuddy_constraint *con, gfp_t gfp,
			struct kbuddy_contig *blocks, unsigned int max_blocks,
			unsigned int *nr_blocks);
int kbuddy_free_blocks(struct kbuddy_pool *pool, const struct kbuddy_contig *blocks,
		       unsigned int nr_blocks);
void __iomem *kbuddy_contig_iomem(struct kbuddy_pool *pool,
				  const struct kbuddy_contig *c);

phys_addr_t kbuddy_virt_to_phys(struct kbuddy_pool *pool, const void *addr);
void *kbuddy_phys_to_virt(struct kbuddy_pool *pool, phys_addr_t phys);

int kbuddy_pool_validate(struct kbuddy_pool *pool);
void kbuddy_pool_drain(struct kbuddy_pool *pool);
unsigned long kbuddy_pool_free_pages(struct kbuddy_pool *pool);
unsigned long kbuddy_pool_total_pages(struct kbuddy_pool *pool);
unsigned long kbuddy_pool_cached_pages(struct kbuddy_pool *pool);
const char *kbuddy_pool_name(struct kbuddy_pool *pool);
unsigned int kbuddy_pool_max_order(struct kbuddy_pool *pool);
enum kbuddy_pool_kind kbuddy_pool_kind(struct kbuddy_pool *pool);
int kbuddy_pool_region(struct kbuddy_pool *pool, unsigned int i,
		       phys_addr_t *phys, u64 *size);

/*
 * kbuddy_cache_create() flags: align objects to a cache line; the debug
 * checks (Documentation/admin-guide.rst, "Debug checks"): poison free
 * objects, red zones after objects, the owners' stacks of every object.
 */
#define KBUDDY_CACHE_HWCACHE_ALIGN	BIT(0)
#define KBUDDY_CACHE_POISON		BIT(1)
#define KBUDDY_CACHE_RED_ZONE		BIT(2)
#define KBUDDY_CACHE_STORE_USER		BIT(3)

struct kbuddy_cache *kbuddy_cache_create(struct kbuddy_pool *pool,
					 const char *name, unsigned int size,
					 unsigned int align, unsigned long flags,
					 void (*ctor)(void *obj));
int kbuddy_cache_destroy(struct kbuddy_cache *c);
void *kbuddy_cache_alloc(struct kbuddy_cache *c, gfp_t gfp);
int kbuddy_cache_free(struct kbuddy_cache *c, void *obj);
unsigned long kbuddy_cache_shrink(struct kbuddy_cache *c);

void *kbuddy_malloc(struct kbuddy_pool *pool, size_t size, gfp_t gfp);
void *kbuddy_calloc(struct kbuddy_pool *pool, size_t n, size_t size,
		    gfp_t gfp);
void *kbuddy_realloc(struct kbuddy_pool *pool, void *ptr, size_t size,
		     gfp_t gfp);
void *kbuddy_reallocarray(struct kbuddy_pool *pool, void *ptr, size_t n,
			  size_t size, gfp_t gfp);
int kbuddy_free(struct kbuddy_pool *pool, const void *ptr);
size_t kbuddy_ksize(struct kbuddy_pool *pool, const void *ptr);

#endif /* _KBUDDY_H */

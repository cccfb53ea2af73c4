// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation and free pairs on the userspace build of kbuddy's core, for
 * callgrind: each measured loop is a function of its own, so that
 * --toggle-collect counts exactly its instructions.
 *
 *   pairs [N]   N pairs of each kind (default 100000; the batches round N
 *               up to a multiple of 4096), then validate
 */
#include <linux/kernel.h>

#include "internal.h"
#include "harness.h"

/* Order-0 pages through the CPU's page cache (kbuddy_alloc_pages()). */
noinline void pages_pairs(struct kbuddy_pool *pool, long n)
{
	while (n--)
		kbuddy_free_pages(pool, kbuddy_alloc_pages(pool, 0, GFP_NOWAIT), 0);
}

/* Order-0 pages through the free lists and bitmaps (no page cache). */
noinline void buddy_pairs(struct kbuddy_pool *pool, long n)
{
	while (n--)
		kbuddy_block_free(pool,
				  kbuddy_block_alloc(pool, 0, GFP_NOWAIT,
						     KBUDDY_TAG(KBUDDY_KIND_PAGES, 0)),
				  0, KBUDDY_TAG(KBUDDY_KIND_PAGES, 0), 0);
}

/* 64-byte objects of a cache, through the CPU's magazines. */
noinline void slab_pairs(struct kbuddy_cache *c, long n)
{
	while (n--)
		kbuddy_cache_free(c, kbuddy_cache_alloc(c, GFP_NOWAIT));
}

/* 64-byte kbuddy_malloc() and kbuddy_free(), through the size class. */
noinline void malloc_pairs(struct kbuddy_pool *pool, long n)
{
	while (n--)
		kbuddy_free(pool, kbuddy_malloc(pool, 64, GFP_NOWAIT));
}

/* Order-4 pages (64 KiB) through the CPU's page cache. */
noinline void order4_pairs(struct kbuddy_pool *pool, long n)
{
	while (n--)
		kbuddy_free_pages(pool, kbuddy_alloc_pages(pool, 4, GFP_NOWAIT), 4);
}

/* 4096-byte kbuddy_malloc() and kbuddy_free() (the kmalloc-4096 class). */
noinline void malloc4k_pairs(struct kbuddy_pool *pool, long n)
{
	while (n--)
		kbuddy_free(pool, kbuddy_malloc(pool, 4096, GFP_NOWAIT));
}

/*
 * @n runs of @pages pages under @con, each freed at once. Inlined into each
 * measured function below, so that callgrind counts it there.
 */
static __always_inline void contig_loop(struct kbuddy_pool *pool, unsigned long pages,
					const struct kbuddy_constraint *con, long n)
{
	struct kbuddy_contig run;

	while (n--)
		if (!kbuddy_alloc_contig(pool, pages * PAGE_SIZE, con, GFP_NOWAIT, &run))
			kbuddy_free_contig(pool, &run);
}

/* A contiguous run of 3 pages (no power of two), placed by first fit. */
noinline void contig_pairs(struct kbuddy_pool *pool, long n)
{
	struct kbuddy_constraint con = { 0 };

	contig_loop(pool, 3, &con, n);
}

/* 4 pages at a multiple of 64 KiB, top-down. */
noinline void contig_topdown_pairs(struct kbuddy_pool *pool, long n)
{
	struct kbuddy_constraint con = {
		.align = 64 << 10, .flags = KBUDDY_CONTIG_TOPDOWN,
	};

	contig_loop(pool, 4, &con, n);
}

/* 1000 pages: six blocks (512 + 256 + ... + 8), out of one free block. */
noinline void contig1000_pairs(struct kbuddy_pool *pool, long n)
{
	struct kbuddy_constraint con = { 0 };

	contig_loop(pool, 1000, &con, n);
}

#define BATCH 4096
static void *batch[BATCH];
static unsigned int perm[BATCH];

/* n / BATCH times: BATCH 64-byte objects allocated, then freed (in order). */
noinline void slab_batch(struct kbuddy_cache *c, long n)
{
	int i;

	for (; n > 0; n -= BATCH) {
		for (i = 0; i < BATCH; i++)
			batch[i] = kbuddy_cache_alloc(c, GFP_NOWAIT);
		for (i = 0; i < BATCH; i++)
			kbuddy_cache_free(c, batch[i]);
	}
}

/* The same, freed in a fixed random order. */
noinline void slab_random(struct kbuddy_cache *c, long n)
{
	int i;

	for (; n > 0; n -= BATCH) {
		for (i = 0; i < BATCH; i++)
			batch[i] = kbuddy_cache_alloc(c, GFP_NOWAIT);
		for (i = 0; i < BATCH; i++)
			kbuddy_cache_free(c, batch[perm[i]]);
	}
}

/* n / BATCH times: BATCH 64-byte mallocs, then their frees. */
noinline void malloc_batch(struct kbuddy_pool *pool, long n)
{
	int i;

	for (; n > 0; n -= BATCH) {
		for (i = 0; i < BATCH; i++)
			batch[i] = kbuddy_malloc(pool, 64, GFP_NOWAIT);
		for (i = 0; i < BATCH; i++)
			kbuddy_free(pool, batch[i]);
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	struct kbuddy_pool *pool = harness_pool(16 << 20, true);
	struct kbuddy_pool *plain = harness_pool(16 << 20, false);
	struct kbuddy_cache *c;
	unsigned long problems;
	int i;

	if (!pool || !plain)
		return 2;
	if (kbuddy_kmalloc_init(pool))
		return 2;
	c = kbuddy_cache_create(pool, "pairs-64", 64, 8, 0, NULL);
	if (IS_ERR(c))
		return 2;
	/* A fixed random permutation (Fisher-Yates, a fixed seed). */
	srandom(1);
	for (i = 0; i < BATCH; i++)
		perm[i] = i;
	for (i = BATCH - 1; i > 0; i--) {
		unsigned int j = random() % (i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	/* Warm up: page cache filled, slabs made, magazines loaded. */
	pages_pairs(pool, 100);
	buddy_pairs(plain, 100);
	slab_pairs(c, 100);
	malloc_pairs(pool, 100);
	order4_pairs(pool, 100);
	malloc4k_pairs(pool, 100);
	slab_batch(c, BATCH);
	slab_random(c, BATCH);
	malloc_batch(pool, BATCH);
	contig_pairs(plain, 100);
	contig_topdown_pairs(plain, 100);
	contig1000_pairs(plain, 100);
	pages_pairs(pool, n);
	buddy_pairs(plain, n);
	slab_pairs(c, n);
	malloc_pairs(pool, n);
	order4_pairs(pool, n);
	malloc4k_pairs(pool, n);
	slab_batch(c, n);
	slab_random(c, n);
	malloc_batch(pool, n);
	contig_pairs(plain, n);
	contig_topdown_pairs(plain, n);
	contig1000_pairs(plain, n);
	problems = harness_validate(pool, c) + harness_validate(plain, NULL);
	printf("pairs: %ld of each, validate: %s, messages: %lu\n", n,
	       problems ? "FAILED" : "ok", kshim_messages);
	return problems ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy_bench - drm's buddy allocator, the baseline of the constrained
 * patterns, under one set of names whatever the kernel calls it.
 *
 * Debian's 6.1 has it in drm_buddy.ko (CONFIG_DRM_BUDDY=m) as drm_buddy_*,
 * without DRM_BUDDY_CONTIGUOUS_ALLOCATION; upstream from 6.10 (with the
 * clear-page tracking, DRM_BUDDY_CLEARED) drm_buddy_free_list() takes flags.
 * Debian's 6.12 carries its move out of drm into the kernel proper: the same
 * allocator as gpu_buddy_* in <linux/gpu_buddy.h>, built in
 * (CONFIG_GPU_BUDDY=y), drm_buddy.ko keeping only the print helpers.
 *
 * Both export with EXPORT_SYMBOL, which symbol_get() refuses (it takes
 * EXPORT_SYMBOL_GPL symbols only), so the benchmark links to them: on 6.1
 * kbuddy_bench.ko depends on drm_buddy.ko and drm.ko, which
 * tools/bench/run.sh puts in the initramfs and bench.sh loads first. A
 * kernel with neither (the KUnit debug kernels) has KBENCH_DRM_BUDDY 0 and
 * stubs that fail, and the benchmark says "drm_buddy: not available on this
 * kernel".
 */
#ifndef _KBUDDY_BENCH_DRM_H
#define _KBUDDY_BENCH_DRM_H

#include <linux/kconfig.h>

#if IS_REACHABLE(CONFIG_GPU_BUDDY)
#include <linux/gpu_buddy.h>

#define KBENCH_DRM_BUDDY		1
#define KBENCH_DRM_NAME			"gpu_buddy_* (built in)"
#define kbench_drm_mm			gpu_buddy
#define kbench_drm_init			gpu_buddy_init
#define kbench_drm_fini			gpu_buddy_fini
#define kbench_drm_alloc_blocks		gpu_buddy_alloc_blocks
#define kbench_drm_free_list(mm, list)	gpu_buddy_free_list(mm, list, 0)
#define KBENCH_DRM_RANGE		GPU_BUDDY_RANGE_ALLOCATION
#define KBENCH_DRM_TOPDOWN		GPU_BUDDY_TOPDOWN_ALLOCATION
#define KBENCH_DRM_CONTIGUOUS		GPU_BUDDY_CONTIGUOUS_ALLOCATION
#define KBENCH_DRM_TRIMS_ITSELF		1

#elif IS_REACHABLE(CONFIG_DRM_BUDDY)
#include <drm/drm_buddy.h>

#define KBENCH_DRM_BUDDY		1
#define KBENCH_DRM_NAME			"drm_buddy_* (drm_buddy.ko)"
#define kbench_drm_mm			drm_buddy
#define kbench_drm_init			drm_buddy_init
#define kbench_drm_fini			drm_buddy_fini
#define kbench_drm_alloc_blocks		drm_buddy_alloc_blocks
#ifdef DRM_BUDDY_CLEARED
#define kbench_drm_free_list(mm, list)	drm_buddy_free_list(mm, list, 0)
#else
#define kbench_drm_free_list(mm, list)	drm_buddy_free_list(mm, list)
#endif
#define KBENCH_DRM_RANGE		DRM_BUDDY_RANGE_ALLOCATION
#define KBENCH_DRM_TOPDOWN		DRM_BUDDY_TOPDOWN_ALLOCATION
/*
 * 0: no contiguous allocation; the benchmark asks for one block of the
 * size rounded up to a power of two and trims it to the size, as drivers
 * did before it existed (amdgpu_vram_mgr_new() on 6.1:
 * drm_buddy_block_trim()).
 */
#ifdef DRM_BUDDY_CONTIGUOUS_ALLOCATION
#define KBENCH_DRM_CONTIGUOUS		DRM_BUDDY_CONTIGUOUS_ALLOCATION
#define KBENCH_DRM_TRIMS_ITSELF		1
#else
#define KBENCH_DRM_CONTIGUOUS		0
#define kbench_drm_block_trim		drm_buddy_block_trim
#endif

#else
#include <linux/errno.h>
#include <linux/list.h>

/* Neither: stubs that fail, so that the benchmark has no #if of its own. */
#define KBENCH_DRM_BUDDY		0
#define KBENCH_DRM_NAME			"none"
struct kbench_drm_mm {
	u64 size;
};

static inline int kbench_drm_init(struct kbench_drm_mm *mm, u64 size,
				  u64 chunk_size)
{
	return -ENODEV;
}

static inline void kbench_drm_fini(struct kbench_drm_mm *mm)
{
}

static inline int kbench_drm_alloc_blocks(struct kbench_drm_mm *mm, u64 start,
					  u64 end, u64 size, u64 min_block_size,
					  struct list_head *blocks,
					  unsigned long flags)
{
	return -ENODEV;
}

static inline void kbench_drm_free_list(struct kbench_drm_mm *mm,
					struct list_head *blocks)
{
}

static inline int kbench_drm_block_trim(struct kbench_drm_mm *mm, u64 size,
					struct list_head *blocks)
{
	return -ENODEV;
}

#define KBENCH_DRM_RANGE		0
#define KBENCH_DRM_TOPDOWN		0
#define KBENCH_DRM_CONTIGUOUS		0
#endif

#ifdef KBENCH_DRM_TRIMS_ITSELF
/* The contiguous flag trims the block itself: the benchmark never trims. */
static inline int kbench_drm_block_trim(struct kbench_drm_mm *mm, u64 size,
					struct list_head *blocks)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _KBUDDY_BENCH_DRM_H */

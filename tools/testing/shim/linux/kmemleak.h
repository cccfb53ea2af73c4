/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: no kmemleak (CONFIG_DEBUG_KMEMLEAK unset), as Debian's kernels. */
#ifndef _SHIM_LINUX_KMEMLEAK_H
#define _SHIM_LINUX_KMEMLEAK_H
#include <linux/gfp.h>
static inline void kmemleak_alloc(const void *ptr, size_t size, int min_count,
				  gfp_t gfp) { }
static inline void kmemleak_free(const void *ptr) { }
static inline void kmemleak_scan_area(const void *ptr, size_t size, gfp_t gfp) { }
#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - differences between the kernels kbuddy builds on, in one place.
 * Everything else in kbuddy is written against the newest API; this header
 * maps it onto older kernels, keyed on LINUX_VERSION_CODE.
 */
#ifndef _KBUDDY_COMPAT_H
#define _KBUDDY_COMPAT_H

#include <linux/mmzone.h>
#include <linux/version.h>

/*
 * The largest order the kernel's page allocator hands out. MAX_ORDER was
 * exclusive until 6.4, inclusive from 6.4, and renamed MAX_PAGE_ORDER in 6.8.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define KBUDDY_PAGE_ALLOC_TOP_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KBUDDY_PAGE_ALLOC_TOP_ORDER	MAX_ORDER
#else
#define KBUDDY_PAGE_ALLOC_TOP_ORDER	(MAX_ORDER - 1)
#endif

/*
 * For sparse (C=2): mark a function entered with a local_lock held that
 * releases it. sparse counts a local_lock as a lock only on PREEMPT_RT,
 * where it is a spin_lock(), and only where rt_spin_lock() carries a
 * context (__acquires): 6.12's does, 6.1's does not. Elsewhere the
 * annotation would itself be an imbalance.
 */
#if defined(CONFIG_PREEMPT_RT) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define kbuddy_releases_local_lock(lock)	__releases(lock)
#else
#define kbuddy_releases_local_lock(lock)
#endif

/* vm_flags became read-only behind vm_flags_set() in 6.3. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#include <linux/mm_types.h>
static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}
#endif

#endif /* _KBUDDY_COMPAT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refcount_t for the userspace build: struct kbuddy_pool holds one
 * (pool->users, kernel/offer.c), which no file built here touches.
 */
#ifndef _SHIM_LINUX_REFCOUNT_H
#define _SHIM_LINUX_REFCOUNT_H
#include "../kshim.h"

typedef struct { atomic_t refs; } refcount_t;
#endif

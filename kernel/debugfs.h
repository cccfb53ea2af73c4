/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - what debugfs.c offers the KUnit suite kbuddy_debugfs: the write
 * paths of the writable files behind the copy from the writer, and the
 * counts a test compares before and after a write.
 */
#ifndef _KBUDDY_DEBUGFS_H
#define _KBUDDY_DEBUGFS_H

#include <linux/types.h>

#include "fault.h"

struct kbuddy_pool;

unsigned long kbuddy_debugfs_refused(struct kbuddy_pool *pool);
unsigned long kbuddy_debugfs_held(struct kbuddy_pool *pool);
ssize_t kbuddy_debugfs_blocks_write(struct kbuddy_pool *pool, const char *buf,
				    size_t count);
ssize_t kbuddy_debugfs_fault_write(struct kbuddy_fault *f,
				   enum kbuddy_fault_knob knob,
				   const char *buf, size_t count);
__printf(6, 7) int kbuddy_debugfs_refuse(struct kbuddy_pool *pool, const char *file,
					 const char *in, size_t len, int err,
					 const char *fmt, ...);
ssize_t kbuddy_debugfs_map_text(struct kbuddy_pool *pool, char *buf,
				size_t size);

#endif /* _KBUDDY_DEBUGFS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - what kbuddy exports to its benchmark module, kbuddy_bench.ko: the
 * public interface and the few functions of namespace KBUDDY_INTERNAL that
 * the benchmark calls. The benchmark includes this and nothing else of
 * kbuddy's; kbuddy's own files see it through internal.h, so that the
 * compiler holds each definition to its declaration here.
 */
#ifndef _KBUDDY_BENCH_H
#define _KBUDDY_BENCH_H

#include "kbuddy.h"

/* buddy.c */
unsigned int kbuddy_pool_free_counts(struct kbuddy_pool *pool,
				     unsigned long *nr_free);
unsigned long kbuddy_pool_metadata_bytes(struct kbuddy_pool *pool);

/* kmalloc.c */
unsigned long kbuddy_kmalloc_shrink(struct kbuddy_pool *pool);

#endif /* _KBUDDY_BENCH_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy_bench - what the benchmark module's files share. Of kbuddy it sees
 * only kbuddy_bench.h: the public API and the few internal exports it calls.
 */
#ifndef _KBUDDY_BENCH_MODULE_H
#define _KBUDDY_BENCH_MODULE_H

#include <linux/gfp.h>

#include "kbuddy_bench.h"

/* Every benchmark allocation: no sleeping, no warning on failure. */
#define KBENCH_NOWAIT	(GFP_NOWAIT | __GFP_NOWARN)

/* bench_frag.c */
void kbuddy_bench_frag(void);

#endif /* _KBUDDY_BENCH_MODULE_H */

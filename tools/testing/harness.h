/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBUDDY_HARNESS_H
#define _KBUDDY_HARNESS_H

struct kbuddy_pool *harness_pool(unsigned long bytes, bool pcp);
struct kbuddy_pool *harness_nomap_pool(unsigned long base_pfn, unsigned long nr_pages,
				       unsigned int max_order, bool sparse);
unsigned long harness_validate(struct kbuddy_pool *pool, struct kbuddy_cache *c);
unsigned long harness_validate_kmalloc(struct kbuddy_pool *pool);

#endif

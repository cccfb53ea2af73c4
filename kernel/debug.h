/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - debug checks of slab objects (debug.c): poisoning of free
 * objects, checked when they are handed out again. Included at the end of
 * internal.h; off unless a cache asks (KBUDDY_CACHE_POISON, or debug=P for
 * every cache), and a static branch while no cache does.
 */
#ifndef _KBUDDY_DEBUG_H
#define _KBUDDY_DEBUG_H

#include <linux/jump_label.h>
#include <linux/string.h>

/* The byte a free object is filled with (the kernel's POISON_FREE). */
#define KBUDDY_POISON_FREE	0x6b

/* The debug flags of a cache; every one of them turns kbuddy_debug_key on. */
#define KBUDDY_CACHE_DEBUG_FLAGS	KBUDDY_CACHE_POISON

DECLARE_STATIC_KEY_FALSE(kbuddy_debug_key);
extern unsigned long kbuddy_debug_default;

int kbuddy_debug_parse(const char *letters, unsigned long *flags);
unsigned long kbuddy_debug_cache_flags(unsigned long flags,
				       void (*ctor)(void *obj));
void kbuddy_debug_cache_init(struct kbuddy_cache *c);
void kbuddy_debug_cache_fini(struct kbuddy_cache *c);
void kbuddy_poison_check(struct kbuddy_cache *c, void *obj);

/* Whether @c poisons its free objects. */
static __always_inline bool kbuddy_poisons(const struct kbuddy_cache *c)
{
	return static_branch_unlikely(&kbuddy_debug_key) &&
	       (c->flags & KBUDDY_CACHE_POISON);
}

/* An object was freed (claimed by the caller): fill it with poison. */
static __always_inline void kbuddy_poison_free(struct kbuddy_cache *c,
					       void *obj)
{
	if (kbuddy_poisons(c))
		memset(obj, KBUDDY_POISON_FREE, c->object_size);
}

/* An object is handed out: report any byte of its poison overwritten. */
static __always_inline void kbuddy_poison_alloc(struct kbuddy_cache *c,
						void *obj)
{
	if (kbuddy_poisons(c) && obj)
		kbuddy_poison_check(c, obj);
}

#endif /* _KBUDDY_DEBUG_H */

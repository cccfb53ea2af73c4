/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbuddy - debug checks of slab objects (debug.c): poisoning of free
 * objects, checked when they are handed out again; red zones after objects,
 * checked on free, when handed out and by validate. Included at the end of
 * internal.h; off unless a cache asks (KBUDDY_CACHE_POISON,
 * KBUDDY_CACHE_RED_ZONE, or debug= letters for every cache), and a static
 * branch while no cache does.
 */
#ifndef _KBUDDY_DEBUG_H
#define _KBUDDY_DEBUG_H

#include <linux/jump_label.h>
#include <linux/string.h>

/* The byte a free object is filled with (the kernel's POISON_FREE). */
#define KBUDDY_POISON_FREE	0x6b
/* The byte of a red zone (the kernel's SLUB_RED_ACTIVE). */
#define KBUDDY_RED_ZONE		0xcc

/* The debug flags of a cache; every one of them turns kbuddy_debug_key on. */
#define KBUDDY_CACHE_DEBUG_FLAGS	(KBUDDY_CACHE_POISON | KBUDDY_CACHE_RED_ZONE)

DECLARE_STATIC_KEY_FALSE(kbuddy_debug_key);
extern unsigned long kbuddy_debug_default;

int kbuddy_debug_parse(const char *letters, unsigned long *flags);
unsigned long kbuddy_debug_cache_flags(unsigned long flags,
				       void (*ctor)(void *obj));
void kbuddy_debug_cache_init(struct kbuddy_cache *c);
void kbuddy_debug_cache_fini(struct kbuddy_cache *c);
void kbuddy_debug_obj_alloc(struct kbuddy_cache *c, void *obj);
void kbuddy_debug_obj_free(struct kbuddy_cache *c, void *obj);
bool kbuddy_red_zone_check(struct kbuddy_cache *c, void *obj, bool locked);

/* Whether @c has any debug check: one static branch while none has. */
static __always_inline bool kbuddy_debugs(const struct kbuddy_cache *c)
{
	return static_branch_unlikely(&kbuddy_debug_key) &&
	       (c->flags & KBUDDY_CACHE_DEBUG_FLAGS);
}

/* Whether @c poisons its free objects. */
static __always_inline bool kbuddy_poisons(const struct kbuddy_cache *c)
{
	return static_branch_unlikely(&kbuddy_debug_key) &&
	       (c->flags & KBUDDY_CACHE_POISON);
}

/* Whether @c has red zones; its layout says so, whatever the key. */
static inline bool kbuddy_red_zones(const struct kbuddy_cache *c)
{
	return c->flags & KBUDDY_CACHE_RED_ZONE;
}

/* An object was freed (claimed by the caller): check it, poison it. */
static __always_inline void kbuddy_debug_free(struct kbuddy_cache *c,
					      void *obj)
{
	if (kbuddy_debugs(c))
		kbuddy_debug_obj_free(c, obj);
}

/* An object is handed out: report damage to its poison or red zone. */
static __always_inline void kbuddy_debug_alloc(struct kbuddy_cache *c,
					       void *obj)
{
	if (kbuddy_debugs(c) && obj)
		kbuddy_debug_obj_alloc(c, obj);
}

/* A new slab's object: write its red zone. */
static inline void kbuddy_red_zone_init(const struct kbuddy_cache *c, void *obj)
{
	if (kbuddy_red_zones(c))
		memset(obj + c->object_size, KBUDDY_RED_ZONE,
		       c->offset - c->object_size);
}

#endif /* _KBUDDY_DEBUG_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - debug checks of slab objects, off by default.
 *
 * This file owns the debug flags of caches (KBUDDY_CACHE_POISON, and the
 * module's debug= letters that give every new cache one), the static key
 * that keeps the object paths free of them while no cache has one, and the
 * report of what a check found, in the shape of SLUB's: a banner naming the
 * pool and cache, the object, a hex dump of the damaged bytes; the damage
 * repaired (the poison restored) so that the allocator keeps working, and
 * the kernel tainted (TAINT_BAD_PAGE) as SLUB does. Under KUnit, a test that
 * holds a resource named "kbuddy_reports" (an int) has the reports counted
 * there instead of printed, as slub_kunit does with "slab_errors".
 *
 * Poisoning: a freed object is filled with KBUDDY_POISON_FREE (magazine.c,
 * after the free claimed it); a new slab is filled whole (slab.c); an object
 * taken off a slab's freelist gets the poison back over its free pointer
 * (slab.c). When an object is handed out again, every byte must still be
 * poison: a write after free is reported with the address, the expected and
 * the found bytes. One exception: a write over the free pointer of an
 * object that is on its slab's freelist is found as a corrupted freelist
 * (freelist_repair, which rebuilds the list), not as poison damage. Caches
 * with a constructor are not poisoned (it would destroy the constructed
 * state, as SLUB also declines).
 */

#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/string.h>
#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/test.h>
#endif

#include "internal.h"

/* On while any cache has a debug flag: one count per such cache. */
DEFINE_STATIC_KEY_FALSE(kbuddy_debug_key);

/* Debug flags every new cache gets (debug= at load); 0 by default. */
unsigned long kbuddy_debug_default;
EXPORT_SYMBOL_NS_GPL(kbuddy_debug_default, KBUDDY_INTERNAL);

/**
 * kbuddy_debug_parse() - parse the letters of the debug= parameter
 * @letters: "" or "-" for none, or letters: P (poison free objects)
 * @flags: the cache flags they stand for, set only if all of @letters parse
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown letter (@flags unchanged).
 */
int kbuddy_debug_parse(const char *letters, unsigned long *flags)
{
	unsigned long f = 0;
	const char *p;

	for (p = letters; *p && *p != '\n'; p++) {
		switch (*p) {
		case 'P':
		case 'p':
			f |= KBUDDY_CACHE_POISON;
			break;
		case '-':
			break;
		default:
			return -EINVAL;
		}
	}
	*flags = f;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_debug_parse, KBUDDY_INTERNAL);

/**
 * kbuddy_debug_cache_flags() - the debug flags a new cache gets
 * @flags: the flags its creator gave
 * @ctor: its constructor, or NULL
 *
 * Context: Any context.
 * Return: @flags with kbuddy_debug_default added, poisoning taken away
 * again for a cache with a constructor (its objects' constructed state
 * must survive a free).
 */
unsigned long kbuddy_debug_cache_flags(unsigned long flags,
				       void (*ctor)(void *obj))
{
	flags |= kbuddy_debug_default;
	if (ctor)
		flags &= ~KBUDDY_CACHE_POISON;
	return flags;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_debug_cache_flags, KBUDDY_INTERNAL);

/**
 * kbuddy_debug_cache_init() - count a new cache's debug flags in
 * @c: the cache, its flags set, not yet visible
 *
 * Context: Process context; may sleep.
 */
void kbuddy_debug_cache_init(struct kbuddy_cache *c)
{
	if (c->flags & KBUDDY_CACHE_DEBUG_FLAGS)
		static_branch_inc(&kbuddy_debug_key);
}

/**
 * kbuddy_debug_cache_fini() - count a cache that goes away out
 * @c: the cache; no allocation or free of it runs any more
 *
 * Context: Process context; may sleep.
 */
void kbuddy_debug_cache_fini(struct kbuddy_cache *c)
{
	if (c->flags & KBUDDY_CACHE_DEBUG_FLAGS)
		static_branch_dec(&kbuddy_debug_key);
}

/* A KUnit test counting reports takes this one instead of the log. */
static bool kbuddy_kunit_counted(void)
{
#if IS_ENABLED(CONFIG_KUNIT)
	struct kunit_resource *res;

	/* Not a report from an interrupt that hit the test's task. */
	if (!in_task() || !current->kunit_test)
		return false;
	res = kunit_find_named_resource(current->kunit_test, "kbuddy_reports");
	if (!res)
		return false;
	(*(int *)res->data)++;
	kunit_put_resource(res);
	return true;
#else
	return false;
#endif
}

/**
 * kbuddy_poison_check() - check a free object's poison as it is handed out
 * @c: the cache
 * @obj: the object, just taken by its new owner
 *
 * Every byte of the object must be KBUDDY_POISON_FREE. If not, a write
 * after free happened: reported (unless a KUnit test counts it), counted
 * (poison_overwritten, under the cache's lock), the kernel tainted, and the
 * poison restored before the object goes out.
 *
 * Context: Any context the allocation is in.
 */
void kbuddy_poison_check(struct kbuddy_cache *c, void *obj)
{
	unsigned int off, len, row;
	char prefix[32];
	u8 *start = obj, *bad, *end;
	unsigned long flags;

	bad = memchr_inv(start, KBUDDY_POISON_FREE, c->object_size);
	if (likely(!bad))
		return;
	/* The damaged bytes: from the first to the last that is not poison. */
	for (end = start + c->object_size; end > bad && end[-1] == KBUDDY_POISON_FREE;)
		end--;
	spin_lock_irqsave(&c->lock, flags);
	c->count[KBUDDY_CACHE_POISON_OVERWRITTEN]++;
	spin_unlock_irqrestore(&c->lock, flags);
	off = bad - start;
	len = end - bad;
	if (!kbuddy_kunit_counted()) {
		u64 phys = kbuddy_obj_phys(c, obj);

		pr_err("=============================================================================\n");
		pr_err("BUG %s/%s: Poison overwritten\n", c->pool->name, c->name);
		pr_err("-----------------------------------------------------------------------------\n");
		pr_err("Object %#llx of %u bytes: bytes %u-%u written after it was freed. First byte 0x%x instead of 0x%x\n",
		       phys, c->object_size, off, off + len - 1, *bad,
		       KBUDDY_POISON_FREE);
		/* The 16-byte rows with damage, each with its offset: 16 at most. */
		for (row = round_down(off, 16); row < off + len; row += 16) {
			if (row >= round_down(off, 16) + 16 * 16) {
				pr_err("Object ...: %u more bytes to offset %u not shown\n",
				       off + len - row, off + len - 1);
				break;
			}
			snprintf(prefix, sizeof(prefix), "kbuddy: Object %04x: ", row);
			print_hex_dump(KERN_ERR, prefix, DUMP_PREFIX_NONE, 16, 1, start + row,
				       min(16U, c->object_size - row), false);
		}
		pr_err("FIX %s/%s: Restoring Poison %#llx-%#llx=0x%x\n", c->pool->name,
		       c->name, phys + off, phys + off + len - 1, KBUDDY_POISON_FREE);
		add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
	}
	memset(bad, KBUDDY_POISON_FREE, len);
}

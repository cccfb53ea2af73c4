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
 * Red zones: a cache with KBUDDY_CACHE_RED_ZONE has, after each object,
 * at least one word of KBUDDY_RED_ZONE up to the free pointer, which moves
 * out of the object (Documentation/design.rst, "Object layout"). A new slab
 * writes them; nothing of kbuddy's writes them after; an object's red zone
 * is checked when it is freed, when it is handed out, and by validate
 * (slab_check.c), so that a write past the end of an object is reported
 * with its bytes and the zone restored.
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
 * @letters: "" or "-" for none, or letters: P (poison free objects), Z
 *	(red zones)
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
		case 'Z':
		case 'z':
			f |= KBUDDY_CACHE_RED_ZONE;
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

/* What a check found damaged in an object, for report_damage(). */
struct damage {
	const char *bug;	/* the banner's words: "Poison overwritten" */
	const char *how;	/* what the damaged bytes mean */
	const char *fix;	/* what the repair restores: "Poison" */
	const char *row;	/* the hex dump rows' label */
	unsigned int off;	/* first damaged byte, from the object's start */
	unsigned int len;	/* damaged bytes: first to last, both included */
	unsigned int limit;	/* the end of the checked area, for the dump */
	u8 expected;		/* the byte the area must hold */
	enum kbuddy_cache_counter counter;
};

/* Count a damage found by a check made without the cache's lock. */
static void count_damage(struct kbuddy_cache *c, enum kbuddy_cache_counter counter)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->count[counter]++;
	spin_unlock_irqrestore(&c->lock, flags);
}

/*
 * Count a found damage, report it in SLUB's shape (or count it in a KUnit
 * test's resource), taint the kernel, and restore the expected bytes.
 * @locked: the caller holds the cache's lock (validate).
 */
static void report_damage(struct kbuddy_cache *c, u8 *obj,
			  const struct damage *d, bool locked)
{
	unsigned int row, first = round_down(d->off, 16);
	char prefix[32];

	if (locked)
		c->count[d->counter]++;
	else
		count_damage(c, d->counter);
	if (!kbuddy_kunit_counted()) {
		u64 phys = kbuddy_obj_phys(c, obj);

		pr_err("=============================================================================\n");
		pr_err("BUG %s/%s: %s\n", c->pool->name, c->name, d->bug);
		pr_err("-----------------------------------------------------------------------------\n");
		if (d->len == 1)
			pr_err("Object %#llx of %u bytes: byte %u %s. Byte 0x%x instead of 0x%x\n",
			       phys, c->object_size, d->off, d->how, obj[d->off],
			       d->expected);
		else
			pr_err("Object %#llx of %u bytes: bytes %u-%u %s. First byte 0x%x instead of 0x%x\n",
			       phys, c->object_size, d->off, d->off + d->len - 1, d->how,
			       obj[d->off], d->expected);
		/* The 16-byte rows with damage, each with its offset: 16 at most. */
		for (row = first; row < d->off + d->len; row += 16) {
			if (row >= first + 16 * 16) {
				pr_err("%s ...: %u more bytes to offset %u not shown\n",
				       d->row, d->off + d->len - row, d->off + d->len - 1);
				break;
			}
			snprintf(prefix, sizeof(prefix), "kbuddy: %s %04x: ", d->row, row);
			print_hex_dump(KERN_ERR, prefix, DUMP_PREFIX_NONE, 16, 1, obj + row,
				       min(16U, d->limit - row), false);
		}
		pr_err("FIX %s/%s: Restoring %s %#llx-%#llx=0x%x\n", c->pool->name,
		       c->name, d->fix, phys + d->off, phys + d->off + d->len - 1,
		       d->expected);
		add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
	}
	memset(obj + d->off, d->expected, d->len);
}

/*
 * Find the bytes of [@from, @to) of @obj that are not @expected: the first
 * and the last. Return: false if there are none.
 */
static bool find_damage(u8 *obj, unsigned int from, unsigned int to,
			u8 expected, struct damage *d)
{
	u8 *bad = memchr_inv(obj + from, expected, to - from), *end;

	if (likely(!bad))
		return false;
	for (end = obj + to; end > bad && end[-1] == expected;)
		end--;
	d->off = bad - obj;
	d->len = end - bad;
	d->limit = to;
	d->expected = expected;
	return true;
}

/*
 * A free object's poison as it is handed out: every byte must still be
 * KBUDDY_POISON_FREE, or a write after free happened.
 */
static void poison_check(struct kbuddy_cache *c, void *obj)
{
	struct damage d = {
		.bug = "Poison overwritten", .how = "written after it was freed",
		.fix = "Poison", .row = "Object",
		.counter = KBUDDY_CACHE_POISON_OVERWRITTEN,
	};

	if (find_damage(obj, 0, c->object_size, KBUDDY_POISON_FREE, &d))
		report_damage(c, obj, &d, false);
}

/**
 * kbuddy_red_zone_check() - check the red zone after an object
 * @c: the cache, with KBUDDY_CACHE_RED_ZONE
 * @obj: the object, whatever its state
 * @locked: the caller holds the cache's lock (validate)
 *
 * Every byte from the object's end to its free pointer must be
 * KBUDDY_RED_ZONE. If not, something wrote past the object's end: reported
 * (unless a KUnit test counts it), counted (red_zone_overwritten), the
 * kernel tainted, and the zone restored.
 *
 * Context: Any context.
 * Return: whether the red zone was damaged (and is now restored).
 */
bool kbuddy_red_zone_check(struct kbuddy_cache *c, void *obj, bool locked)
{
	struct damage d = {
		.bug = "Right Redzone overwritten",
		.how = "written past its end (red zone)",
		.fix = "Redzone", .row = "Redzone",
		.counter = KBUDDY_CACHE_RED_ZONE_OVERWRITTEN,
	};

	if (!find_damage(obj, c->object_size, c->offset, KBUDDY_RED_ZONE, &d))
		return false;
	report_damage(c, obj, &d, locked);
	return true;
}

/**
 * kbuddy_debug_obj_alloc() - the debug checks of an object handed out
 * @c: the cache, with a debug flag
 * @obj: the object, just taken by its new owner
 *
 * Its red zone must be whole and, in a poisoned cache, its poison too.
 *
 * Context: Any context the allocation is in.
 */
void kbuddy_debug_obj_alloc(struct kbuddy_cache *c, void *obj)
{
	if (kbuddy_red_zones(c))
		kbuddy_red_zone_check(c, obj, false);
	if (c->flags & KBUDDY_CACHE_POISON)
		poison_check(c, obj);
}

/**
 * kbuddy_debug_obj_free() - the debug checks of an object freed
 * @c: the cache, with a debug flag
 * @obj: the object, claimed by the free (CACHED), not yet in a magazine
 *
 * Its red zone must be whole; in a poisoned cache it is filled with poison.
 *
 * Context: Any context the free is in.
 */
void kbuddy_debug_obj_free(struct kbuddy_cache *c, void *obj)
{
	if (kbuddy_red_zones(c))
		kbuddy_red_zone_check(c, obj, false);
	if (c->flags & KBUDDY_CACHE_POISON)
		memset(obj, KBUDDY_POISON_FREE, c->object_size);
}

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
 * Owner tracking: a cache with KBUDDY_CACHE_STORE_USER keeps, outside the
 * pool in its slab descriptors, who allocated and who freed each object
 * (a stack in the stack depot, the task and the CPU); a pool created with
 * debug=U keeps who allocated each page and malloc block, one record per
 * page in the region (the block head's). Every report prints them; the
 * owners file groups what is allocated by stack; the leak report at pool
 * destroy names each block and object with its owner.
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

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
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
 * @letters: "" or "-" for none, or letters: P (poison free memory), Z
 *	(red zones), U (owner tracking)
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
		case 'U':
		case 'u':
			f |= KBUDDY_CACHE_STORE_USER;
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
	if (c->flags & KBUDDY_CACHE_STORE_USER)
		stack_depot_init();
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

/* ==== Owners ============================================================= */

/*
 * The stack of the kbuddy call being made, in the stack depot, from
 * @caller on: kbuddy's own frames, which differ between its fast and slow
 * paths, are left out, so that one call site is one stack. If @caller is
 * not found (a frame the unwinder skipped), the whole stack is kept.
 */
static noinline depot_stack_handle_t save_stack(unsigned long caller)
{
	unsigned long entries[2 * KBUDDY_TRACK_DEPTH];
	unsigned int n = stack_trace_save(entries, ARRAY_SIZE(entries), 1), i;

	for (i = 0; i < n && entries[i] != caller; i++)
		;
	if (i == n)
		i = 0;
	/* Never sleeps: callers are in any context a free may be. */
	return stack_depot_save(entries + i, min(n - i, KBUDDY_TRACK_DEPTH),
				GFP_NOWAIT | __GFP_NOWARN);
}

static void track_set(struct kbuddy_track *t, unsigned long caller)
{
	t->stack = save_stack(caller);
	t->pid = task_pid_nr(current);
	t->cpu = raw_smp_processor_id();
}

/* Numbers the tracked block allocations, for the newest over a page. */
static atomic64_t kbuddy_block_seq = ATOMIC64_INIT(0);

/* The tracks of @obj, an object of @c its caller owns, or NULL. */
static struct kbuddy_track *obj_track(struct kbuddy_cache *c, const void *obj)
{
	struct kbuddy_track *t = NULL;
	struct kbuddy_slab *slab;
	long idx;

	rcu_read_lock();
	slab = kbuddy_obj_slab(c->pool, obj);
	if (slab && slab->cache == c && slab->track) {
		idx = kbuddy_obj_index(c, slab, obj);
		if (idx >= 0)
			t = &slab->track[idx * KBUDDY_NR_TRACKS];
	}
	rcu_read_unlock();
	return t;
}

/* A track in the log, as SLUB's print_track(). */
static void log_track(const char *what, const struct kbuddy_track *t)
{
	if (!t->stack)
		return;
	pr_err("%s by task %d on cpu %u:\n", what, t->pid, t->cpu);
	stack_depot_print(t->stack);
}

/* Both tracks of @obj in the log, if @c keeps them. */
static void log_tracks(struct kbuddy_cache *c, const void *obj)
{
	struct kbuddy_track *t;

	if (!(c->flags & KBUDDY_CACHE_STORE_USER))
		return;
	t = obj_track(c, obj);
	if (!t)
		return;
	log_track("Allocated", &t[KBUDDY_TRACK_ALLOC]);
	log_track("Freed", &t[KBUDDY_TRACK_FREE]);
}

/**
 * kbuddy_debug_report_track() - report a track, a line per frame
 * @report: where the lines go
 * @ctx: passed to @report
 * @what: "allocated" or "freed"
 * @t: the track; nothing is reported if it has no stack
 *
 * Context: Any context.
 */
void kbuddy_debug_report_track(kbuddy_report_fn report, void *ctx,
			       const char *what, const struct kbuddy_track *t)
{
	unsigned long *entries;
	unsigned int i, n;

	if (!t->stack)
		return;
	n = stack_depot_fetch(t->stack, &entries);
	kbuddy_report(report, ctx, "  %s by task %d on cpu %u:\n", what, t->pid,
		      t->cpu);
	for (i = 0; i < n; i++)
		kbuddy_report(report, ctx, "    %pS\n", (void *)entries[i]);
}

/**
 * kbuddy_debug_obj_owner() - log who allocated an object still allocated
 * @c: the cache, being destroyed with objects in use
 * @obj: the object
 *
 * Context: Any context.
 */
void kbuddy_debug_obj_owner(struct kbuddy_cache *c, void *obj)
{
	struct kbuddy_track *t;

	if (!(c->flags & KBUDDY_CACHE_STORE_USER))
		return;
	t = obj_track(c, obj);
	if (t)
		log_track("Allocated", &t[KBUDDY_TRACK_ALLOC]);
}

/**
 * kbuddy_debug_pool_init() - a new pool's debug checks of blocks
 * @pool: the pool, not yet visible
 *
 * With debug=U the pool records who allocated each of its page and malloc
 * blocks, in the regions it gets after this; with debug=P it keeps its
 * free memory poisoned (kbuddy_poisons_blocks()); with debug=Z its malloc
 * whole blocks get red zones (kbuddy_large_red_zones()). A pool that is not
 * KBUDDY_POOL_RAM gets none of these.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOMEM if the stack depot could not be set up.
 */
int kbuddy_debug_pool_init(struct kbuddy_pool *pool)
{
	pool->debug = kbuddy_debug_default & (KBUDDY_CACHE_STORE_USER |
					      KBUDDY_CACHE_POISON |
					      KBUDDY_CACHE_RED_ZONE);
	/* Poison is written into the memory, owners found by its address. */
	if (pool->kind != KBUDDY_POOL_RAM)
		pool->debug = 0;
	if (!pool->debug)
		return 0;
	if ((pool->debug & KBUDDY_CACHE_STORE_USER) && stack_depot_init()) {
		pool->debug = 0;
		return -ENOMEM;
	}
	static_branch_inc(&kbuddy_debug_key);
	return 0;
}

/**
 * kbuddy_debug_pool_fini() - a pool's owner tracking ends
 * @pool: the pool; no allocation or free of it runs any more
 *
 * Context: Process context; may sleep.
 */
void kbuddy_debug_pool_fini(struct kbuddy_pool *pool)
{
	if (pool->debug)
		static_branch_dec(&kbuddy_debug_key);
	pool->debug = 0;
}

/**
 * kbuddy_debug_region_init() - a new region's owner records
 * @pool: the pool
 * @r: the region, its metadata set up, not yet published
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
int kbuddy_debug_region_init(struct kbuddy_pool *pool, struct kbuddy_region *r)
{
	if (!(pool->debug & KBUDDY_CACHE_STORE_USER))
		return 0;
	r->owner = kvcalloc(r->nr_pages, sizeof(*r->owner), GFP_KERNEL);
	return r->owner ? 0 : -ENOMEM;
}

/**
 * kbuddy_debug_region_fini() - free a region's owner records
 * @r: the region, going away
 *
 * Context: Process context; may sleep.
 */
void kbuddy_debug_region_fini(struct kbuddy_region *r)
{
	kvfree(r->owner);
	r->owner = NULL;
}

/**
 * kbuddy_debug_block_track() - record who allocated a block
 * @pool: the pool, tracking owners
 * @addr: the block, just handed out to the caller
 * @caller: the return address into the caller of kbuddy's interface
 *
 * Context: Any context the allocation is in.
 */
void kbuddy_debug_block_track(struct kbuddy_pool *pool, void *addr,
			      unsigned long caller)
{
	struct kbuddy_region *r = kbuddy_find_region(pool, addr);
	struct kbuddy_track *t;
	unsigned long i;

	if (!r || !r->owner)
		return;
	i = (addr - r->virt) >> PAGE_SHIFT;
	t = &r->owner[i];
	track_set(t, caller);
	/* The caller owns the block: its head's tag holds still. */
	t->order = kbuddy_tag_order(READ_ONCE(r->pages[i].tag));
	t->seq = atomic64_inc_return(&kbuddy_block_seq);
}

/* One line of the owners file: what one stack holds of one kind. */
struct owner_row {
	depot_stack_handle_t stack;
	const void *key;		/* the cache, or the kind of block */
	char what[KBUDDY_NAME_LEN + 8];
	unsigned long count;
	u64 bytes;
};

/* Distinct (stack, cache or kind) rows the owners file shows. */
#define KBUDDY_OWNER_ROWS	256

struct owners {
	struct owner_row *rows;
	unsigned int nr;
	unsigned long dropped;		/* allocations beyond the rows */
	u64 dropped_bytes;
};

static const char owner_pages[] = "pages", owner_malloc[] = "malloc";

static void owners_add(struct owners *o, depot_stack_handle_t stack,
		       const void *key, const char *what, u64 bytes)
{
	unsigned int i;

	for (i = 0; i < o->nr; i++) {
		if (o->rows[i].stack == stack && o->rows[i].key == key) {
			o->rows[i].count++;
			o->rows[i].bytes += bytes;
			return;
		}
	}
	if (o->nr == KBUDDY_OWNER_ROWS) {
		o->dropped++;
		o->dropped_bytes += bytes;
		return;
	}
	o->rows[o->nr] = (struct owner_row){ .stack = stack, .key = key,
					     .count = 1, .bytes = bytes };
	strscpy(o->rows[o->nr].what, what, sizeof(o->rows[o->nr].what));
	o->nr++;
}

/* The objects in use of the slab at @slab, read under RCU. */
static void owners_slab(struct owners *o, struct kbuddy_slab *slab)
{
	struct kbuddy_cache *c = slab->cache;
	unsigned int i;

	for (i = 0; i < c->objects; i++) {
		if (READ_ONCE(slab->state[i]) != KBUDDY_OBJ_ALLOC)
			continue;
		owners_add(o, slab->track ?
			   READ_ONCE(slab->track[i * KBUDDY_NR_TRACKS].stack) : 0,
			   c, c->name, c->object_size);
	}
}

/*
 * The blocks and objects in use of @r, read without a lock: each page's
 * tag, under RCU so that a slab it names stays readable, KBUDDY_CHECK_CHUNK
 * pages at a time. A snapshot: what changes meanwhile may be missed or
 * seen twice.
 */
static void owners_region(struct owners *o, struct kbuddy_region *r)
{
	unsigned long pfn = r->base_pfn, end = kbuddy_region_end_pfn(r), stop;

	while ((pfn = kbuddy_desc_next(r, pfn, end)) < end) {
		stop = min(end, pfn + KBUDDY_CHECK_CHUNK);
		rcu_read_lock();
		/* A sparse region's absent leaves have no owner to show. */
		while ((pfn = kbuddy_desc_next(r, pfn, stop)) < stop) {
			unsigned long tag = READ_ONCE(kbuddy_pfn_desc(r, pfn)->tag);
			unsigned int kind = kbuddy_tag_kind(tag);

			if (kbuddy_tag_is_slab(tag)) {
				struct kbuddy_slab *slab = (struct kbuddy_slab *)tag;

				if (slab->base == kbuddy_pfn_virt(r, pfn))
					owners_slab(o, slab);
			} else if (kind == KBUDDY_KIND_PAGES || kind == KBUDDY_KIND_LARGE) {
				unsigned int order = kbuddy_tag_order(tag);

				owners_add(o, r->owner ?
					   READ_ONCE(r->owner[pfn - r->base_pfn].stack) : 0,
					   kind == KBUDDY_KIND_PAGES ? owner_pages : owner_malloc,
					   kind == KBUDDY_KIND_PAGES ? owner_pages : owner_malloc,
					   PAGE_SIZE << order);
				pfn += (1UL << order) - 1;
			}
			pfn++;
		}
		rcu_read_unlock();
		cond_resched();
	}
}

/**
 * kbuddy_owners_report() - what is allocated in a pool, grouped by stack
 * @pool: the pool
 * @report: gets the lines: per allocating stack and cache (or kind of
 *	block), the count and bytes, then the stack; most bytes first
 * @ctx: passed to @report
 *
 * Objects count at their cache's object size, blocks at their whole size.
 * Allocations with no stack recorded (tracking off when they were made)
 * are grouped as such. The regions are read without a lock, in chunks
 * (see owners_region()); the pool's caches_lock is held so that no cache
 * goes away under the walk.
 *
 * Context: Process context; may sleep.
 * Return: the number of distinct rows, or -ENOMEM.
 */
long kbuddy_owners_report(struct kbuddy_pool *pool, kbuddy_report_fn report,
			  void *ctx)
{
	struct owners o = { };
	unsigned int i, j, nr;

	o.rows = kvcalloc(KBUDDY_OWNER_ROWS, sizeof(*o.rows), GFP_KERNEL);
	if (!o.rows)
		return -ENOMEM;
	mutex_lock(&pool->caches_lock);
	/* Pairs with the release in kbuddy_region_publish(). */
	nr = smp_load_acquire(&pool->nr_regions);
	for (i = 0; i < nr; i++)
		owners_region(&o, &pool->regions[i]);
	mutex_unlock(&pool->caches_lock);
	/* Most bytes first: an insertion sort of at most 256 rows. */
	for (i = 1; i < o.nr; i++) {
		struct owner_row row = o.rows[i];

		for (j = i; j && o.rows[j - 1].bytes < row.bytes; j--)
			o.rows[j] = o.rows[j - 1];
		o.rows[j] = row;
	}
	for (i = 0; i < o.nr; i++) {
		struct owner_row *row = &o.rows[i];
		struct kbuddy_track t = { .stack = row->stack };
		unsigned long *entries;
		unsigned int f, n;

		kbuddy_report(report, ctx, "%lu %s of %s, %llu bytes, %s\n", row->count,
			      row->key == owner_pages || row->key == owner_malloc ?
			      "blocks" : "objects", row->what, row->bytes,
			      t.stack ? "allocated by:" : "no stack recorded");
		if (!t.stack)
			continue;
		n = stack_depot_fetch(t.stack, &entries);
		for (f = 0; f < n; f++)
			kbuddy_report(report, ctx, "    %pS\n", (void *)entries[f]);
	}
	if (o.dropped)
		kbuddy_report(report, ctx,
			      "%lu more allocations, %llu bytes, under more than %d stacks\n",
			      o.dropped, o.dropped_bytes, KBUDDY_OWNER_ROWS);
	nr = o.nr;
	kvfree(o.rows);
	return nr;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_owners_report, KBUDDY_INTERNAL);

/* ==== Reports ============================================================ */

/* What a check found damaged in an object or block, for report_damage(). */
struct damage {
	const char *bug;	/* the banner's words: "Poison overwritten" */
	const char *how;	/* what the damaged bytes mean */
	const char *fix;	/* what the repair restores: "Poison" */
	const char *row;	/* the hex dump rows' label */
	unsigned long off;	/* first damaged byte, from the start */
	unsigned long len;	/* damaged bytes: first to last, both included */
	unsigned long limit;	/* the end of the checked area, for the dump */
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
 * Report a found damage in SLUB's shape (unless a KUnit test counts it),
 * taint the kernel, and restore the expected bytes. @pool and @name: the
 * banner's pool and cache (or kind of block); @what: the first line's
 * subject ("Object 0x... of 96 bytes"); @mem: the start of the object or
 * block; @phys: its physical address.
 */
static void report_bytes(const char *pool, const char *name, const char *what,
			 u8 *mem, u64 phys, const struct damage *d,
			 void (*owners)(const void *arg), const void *arg)
{
	unsigned long row, first = round_down(d->off, 16);
	char prefix[32];

	if (!kbuddy_kunit_counted()) {
		pr_err("=============================================================================\n");
		pr_err("BUG %s/%s: %s\n", pool, name, d->bug);
		pr_err("-----------------------------------------------------------------------------\n");
		if (d->len == 1)
			pr_err("%s: byte %lu %s. Byte 0x%x instead of 0x%x\n",
			       what, d->off, d->how, mem[d->off], d->expected);
		else
			pr_err("%s: bytes %lu-%lu %s. First byte 0x%x instead of 0x%x\n",
			       what, d->off, d->off + d->len - 1, d->how,
			       mem[d->off], d->expected);
		/* The 16-byte rows with damage, each with its offset: 16 at most. */
		for (row = first; row < d->off + d->len; row += 16) {
			if (row >= first + 16 * 16) {
				pr_err("%s ...: %lu more bytes to offset %lu not shown\n",
				       d->row, d->off + d->len - row, d->off + d->len - 1);
				break;
			}
			snprintf(prefix, sizeof(prefix), "kbuddy: %s %04lx: ", d->row, row);
			print_hex_dump(KERN_ERR, prefix, DUMP_PREFIX_NONE, 16, 1, mem + row,
				       min(16UL, d->limit - row), false);
		}
		if (owners)
			owners(arg);
		pr_err("FIX %s/%s: Restoring %s %#llx-%#llx=0x%x\n", pool, name,
		       d->fix, phys + d->off, phys + d->off + d->len - 1,
		       d->expected);
		add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
	}
	memset(mem + d->off, d->expected, d->len);
}

struct obj_owner {
	struct kbuddy_cache *c;
	const void *obj;
};

static void log_obj_tracks(const void *arg)
{
	const struct obj_owner *o = arg;

	log_tracks(o->c, o->obj);
}

/*
 * Count a found damage of an object, report it and repair it.
 * @locked: the caller holds the cache's lock (validate).
 */
static void report_damage(struct kbuddy_cache *c, u8 *obj,
			  const struct damage *d, bool locked)
{
	struct obj_owner o = { .c = c, .obj = obj };
	char what[48];
	u64 phys;

	if (locked)
		c->count[d->counter]++;
	else
		count_damage(c, d->counter);
	phys = kbuddy_obj_phys(c, obj);
	snprintf(what, sizeof(what), "Object %#llx of %u bytes", phys,
		 c->object_size);
	report_bytes(c->pool->name, c->name, what, obj, phys, d,
		     log_obj_tracks, &o);
}

/*
 * Find the bytes of [@from, @to) of @obj that are not @expected: the first
 * and the last. Return: false if there are none.
 */
static bool find_damage(u8 *obj, unsigned long from, unsigned long to,
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
 * @caller: the return address into the caller of kbuddy's interface
 *
 * Its red zone must be whole and, in a poisoned cache, its poison too;
 * with KBUDDY_CACHE_STORE_USER the allocating stack is recorded.
 *
 * Context: Any context the allocation is in.
 */
void kbuddy_debug_obj_alloc(struct kbuddy_cache *c, void *obj,
			    unsigned long caller)
{
	struct kbuddy_track *t;

	if (kbuddy_red_zones(c))
		kbuddy_red_zone_check(c, obj, false);
	if (c->flags & KBUDDY_CACHE_POISON)
		poison_check(c, obj);
	if (c->flags & KBUDDY_CACHE_STORE_USER) {
		t = obj_track(c, obj);
		if (t)
			track_set(&t[KBUDDY_TRACK_ALLOC], caller);
	}
}

/**
 * kbuddy_debug_obj_free() - the debug checks of an object freed
 * @c: the cache, with a debug flag
 * @obj: the object, claimed by the free (CACHED), not yet in a magazine
 * @caller: the return address into the caller of kbuddy's interface
 *
 * With KBUDDY_CACHE_STORE_USER the freeing stack is recorded (first, so
 * that a report of its red zone shows it); its red zone must be whole; in a
 * poisoned cache it is filled with poison.
 *
 * Context: Any context the free is in.
 */
void kbuddy_debug_obj_free(struct kbuddy_cache *c, void *obj,
			   unsigned long caller)
{
	struct kbuddy_track *t;

	if (c->flags & KBUDDY_CACHE_STORE_USER) {
		t = obj_track(c, obj);
		if (t)
			track_set(&t[KBUDDY_TRACK_FREE], caller);
	}
	if (kbuddy_red_zones(c))
		kbuddy_red_zone_check(c, obj, false);
	if (c->flags & KBUDDY_CACHE_POISON)
		memset(obj, KBUDDY_POISON_FREE, c->object_size);
}

/* ==== Blocks ============================================================= */

struct block_owner {
	struct kbuddy_region *r;
	unsigned long pfn;	/* the page of the first damaged byte */
	unsigned int max_order;
};

/*
 * Who last had the damaged memory: of the owner records of the blocks
 * that may have covered the damaged page - one per order, at the page
 * rounded down to it - the newest whose block did cover it. Records are
 * kept only with debug=U.
 */
static void log_block_owner(const void *arg)
{
	const struct block_owner *o = arg;
	const struct kbuddy_track *t, *best = NULL;
	unsigned long head;
	unsigned int k;

	if (!o->r->owner)
		return;
	for (k = 0; k < o->max_order; k++) {
		head = o->pfn & ~((1UL << k) - 1);
		if (head < o->r->base_pfn)
			break;
		t = &o->r->owner[head - o->r->base_pfn];
		if (t->stack && t->order < BITS_PER_LONG &&
		    o->pfn - head < (1UL << t->order) &&
		    (!best || t->seq > best->seq))
			best = t;
	}
	if (best)
		log_track("Last allocated", best);
}

/**
 * kbuddy_debug_block_check() - check the poison of a block handed out
 * @pool: the pool, poisoning its free blocks (kbuddy_poisons_blocks())
 * @addr: the block, just taken from the free lists or a CPU's cache by
 *	its new owner
 * @from: the first byte to check, from @addr
 * @to: the end of the bytes to check
 * @order: the block's order, for the report
 *
 * Every byte must still be KBUDDY_POISON_FREE, as kbuddy_block_free() left
 * it: otherwise something wrote to the memory while it was free. Reported
 * as an object's damage is (unless a KUnit test counts it), counted
 * (page_poison_overwritten in stats), the kernel tainted, and the poison
 * restored before the caller gets the block.
 *
 * Context: Any context the allocation is in; takes the pool's lock to
 * count a damage.
 */
void kbuddy_debug_block_check(struct kbuddy_pool *pool, void *addr,
			      unsigned long from, unsigned long to,
			      unsigned int order)
{
	struct damage d = {
		.bug = "Poison overwritten", .how = "written while it was free",
		.fix = "Poison", .row = "Block",
	};
	struct block_owner o;
	unsigned long flags;
	char what[48];
	u64 phys;

	if (likely(!find_damage(addr, from, to, KBUDDY_POISON_FREE, &d)))
		return;
	o.r = kbuddy_find_region(pool, addr);
	if (WARN_ON_ONCE(!o.r))
		return;
	o.pfn = o.r->base_pfn + ((addr - o.r->virt + d.off) >> PAGE_SHIFT);
	o.max_order = pool->max_order;
	phys = o.r->phys + (addr - o.r->virt);
	spin_lock_irqsave(&pool->lock, flags);
	pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN]++;
	spin_unlock_irqrestore(&pool->lock, flags);
	snprintf(what, sizeof(what), "Block %#llx of order %u", phys, order);
	report_bytes(pool->name, "pages", what, addr, phys, &d,
		     log_block_owner, &o);
}

/* ==== Red zones of malloc whole blocks =================================== */

/* The head's descriptor of the block at @addr, or NULL. */
static struct kbuddy_page *large_desc(struct kbuddy_pool *pool,
				      const void *addr)
{
	struct kbuddy_region *r = kbuddy_find_region(pool, addr);

	if (!r || !PAGE_ALIGNED(addr - r->virt))
		return NULL;
	return &r->pages[(addr - r->virt) >> PAGE_SHIFT];
}

/*
 * The bytes asked for of a block of @order whose head is @page, as
 * recorded: a malloc block is larger than half its block and at most the
 * block. Anything else (nothing recorded) means no red zone.
 */
static size_t large_req(const struct kbuddy_page *page, unsigned int order)
{
	size_t req = READ_ONCE(page->req_bytes), bytes = PAGE_SIZE << order;

	return req > bytes / 2 && req <= bytes ? req : bytes;
}

/**
 * kbuddy_debug_large_alloc() - give a malloc whole block its red zone
 * @pool: the pool, with kbuddy_large_red_zones()
 * @addr: the block, just handed out by kbuddy_malloc()
 * @size: the bytes asked for
 *
 * The bytes from @size to the block's end are filled with KBUDDY_RED_ZONE
 * and @size is recorded in the head's descriptor (its owner's now). A size
 * that fills its block leaves no red zone, as a large kmalloc() of SLUB
 * has none.
 *
 * Context: Any context the allocation is in.
 */
void kbuddy_debug_large_alloc(struct kbuddy_pool *pool, void *addr,
			      size_t size)
{
	struct kbuddy_page *page = large_desc(pool, addr);
	unsigned int order;

	if (WARN_ON_ONCE(!page))
		return;
	/* The caller owns the block: its head's tag holds still. */
	order = kbuddy_tag_order(READ_ONCE(page->tag));
	memset(addr + size, KBUDDY_RED_ZONE, (PAGE_SIZE << order) - size);
	WRITE_ONCE(page->req_bytes, size);
}

/**
 * kbuddy_debug_large_size() - the usable bytes of a malloc whole block
 * @pool: the pool, with kbuddy_large_red_zones()
 * @addr: the block, held by the caller
 * @order: its order
 *
 * Context: Any context.
 * Return: the bytes asked for when it was allocated (or reallocated in
 * place): what is past them is its red zone.
 */
size_t kbuddy_debug_large_size(struct kbuddy_pool *pool, const void *addr,
			       unsigned int order)
{
	struct kbuddy_page *page = large_desc(pool, addr);

	return page ? large_req(page, order) : PAGE_SIZE << order;
}

/* Report and repair a damaged red zone of the malloc block at @addr. */
static void large_check(struct kbuddy_pool *pool, void *addr, size_t req,
			unsigned int order)
{
	struct damage d = {
		.bug = "Right Redzone overwritten",
		.how = "written past its end (red zone)",
		.fix = "Redzone", .row = "Redzone",
	};
	struct block_owner o;
	unsigned long flags;
	char what[64];
	u64 phys;

	if (likely(!find_damage(addr, req, PAGE_SIZE << order, KBUDDY_RED_ZONE,
				&d)))
		return;
	o.r = kbuddy_find_region(pool, addr);
	if (WARN_ON_ONCE(!o.r))
		return;
	o.pfn = o.r->base_pfn + ((addr - o.r->virt) >> PAGE_SHIFT);
	o.max_order = pool->max_order;
	phys = o.r->phys + (addr - o.r->virt);
	spin_lock_irqsave(&pool->lock, flags);
	pool->stats.counter[KBUDDY_RED_ZONE_OVERWRITTEN]++;
	spin_unlock_irqrestore(&pool->lock, flags);
	snprintf(what, sizeof(what), "Block %#llx of %zu bytes (order %u)", phys,
		 req, order);
	report_bytes(pool->name, "malloc", what, addr, phys, &d,
		     log_block_owner, &o);
}

/**
 * kbuddy_debug_large_check() - check the red zone of a malloc block freed
 * @pool: the pool, with kbuddy_large_red_zones()
 * @addr: the block, claimed by the free and held cached on no list
 * @page: its head's descriptor
 * @order: its order
 *
 * Every byte past the size asked for must still be KBUDDY_RED_ZONE: if
 * not, something wrote past the end of what it asked for. Reported in
 * SLUB's shape (unless a KUnit test counts it), counted (red_zone_overwritten
 * in stats), the kernel tainted and the zone restored. Called outside the
 * pool's lock: the check is as long as the block.
 *
 * Context: Any context the free is in.
 */
void kbuddy_debug_large_check(struct kbuddy_pool *pool, void *addr,
			      struct kbuddy_page *page, unsigned int order)
{
	large_check(pool, addr, large_req(page, order), order);
}

/**
 * kbuddy_debug_large_resize() - a malloc block reallocated in its block
 * @pool: the pool, with kbuddy_large_red_zones()
 * @addr: the block, of the caller (a realloc that stays in the block)
 * @order: its order, which does not change
 * @size: the new size asked for, in the block's upper half
 * @gfp: the realloc's flags: with __GFP_ZERO what the block grows by is
 *	zeroed
 *
 * The old red zone is checked (a write past the old size is reported
 * before it becomes usable), then the new one written and recorded.
 *
 * Context: Any context the realloc is in.
 */
void kbuddy_debug_large_resize(struct kbuddy_pool *pool, void *addr,
			       unsigned int order, size_t size, gfp_t gfp)
{
	struct kbuddy_page *page = large_desc(pool, addr);
	size_t old;

	if (WARN_ON_ONCE(!page))
		return;
	old = large_req(page, order);
	large_check(pool, addr, old, order);
	if (size > old && (gfp & __GFP_ZERO))
		memset(addr + old, 0, size - old);
	memset(addr + size, KBUDDY_RED_ZONE, (PAGE_SIZE << order) - size);
	WRITE_ONCE(page->req_bytes, size);
}

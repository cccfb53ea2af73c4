// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy_stress - kbuddy under real concurrency, through its public API only.
 *
 * One worker kthread per CPU (bound) allocates and frees at random: blocks of
 * orders 0..5, objects of three caches (one with a constructor), and the
 * malloc family (malloc, calloc, realloc, 8..16384 bytes). Workers hand
 * objects to each other for freeing on another CPU, queue objects for a
 * per-worker timer that frees them in softirq context, and, in pairs, free
 * the same pointer at the same moment: exactly one of the two frees must
 * succeed. Meanwhile the insmod thread drains the pool, shrinks the caches,
 * validates the pool and creates, uses and destroys a temporary cache, in a
 * loop, while the workers probe the temporary cache's objects with
 * kbuddy_ksize().
 *
 * Every allocation is tagged with its owner, a sequence number and a pattern
 * derived from both (the whole object when it is small, the first and last
 * words and one word per 512 bytes otherwise); the tag is checked before the
 * memory is freed. Memory handed to two owners at once shows as a tag
 * overwritten by the other owner.
 *
 * The run ends after @ops operations or @seconds, whichever comes first;
 * then everything is freed, the pool drained and the caches shrunk, and the
 * pool must validate and (if the pool is otherwise unused) have every page
 * free. One line sums it up:
 *
 *	stress: <N> operations on <C> CPUs, <D> double frees refused, validate ok
 *
 * or "stress: FAILED ..." with the count of each kind of failure. insmod
 * succeeds either way (it fails only if the test could not be set up); the
 * module stays loaded but holds nothing.
 */

#undef pr_fmt
#define pr_fmt(fmt) fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>

#include "kbuddy.h"

/*
 * Exported by kbuddy (namespace KBUDDY_INTERNAL), declared in its internal
 * header: the cache of an object in use. The stress test uses it for one
 * thing only, to find the pool's malloc size classes, so that it can shrink
 * them during the run and before the final count of free pages.
 */
struct kbuddy_cache *kbuddy_obj_cache(struct kbuddy_pool *pool,
				      const void *obj);

static unsigned long ops = 1000000;
module_param(ops, ulong, 0444);
MODULE_PARM_DESC(ops, "stop after this many operations (default 1000000)");

static unsigned int seconds = 150;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "stop after this many seconds at most (default 150)");

static unsigned int threads;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "worker kthreads, bound round-robin to online CPUs (default: one per online CPU)");

static unsigned int pool_mb = 32;
module_param(pool_mb, uint, 0444);
MODULE_PARM_DESC(pool_mb, "MiB of the stress pool, from alloc_pages() in 2 MiB chunks (default 32)");

static bool default_pool;
module_param(default_pool, bool, 0444);
MODULE_PARM_DESC(default_pool, "stress kbuddy_default_pool() instead of a pool of its own");

static bool double_frees = true;
module_param(double_frees, bool, 0444);
MODULE_PARM_DESC(double_frees, "pairs of workers free the same pointer at once (default on)");

static bool keep_going;
module_param(keep_going, bool, 0444);
MODULE_PARM_DESC(keep_going, "go on after a failure (default: stop at the first, before the corruption it shows brings the kernel down)");

static unsigned long seed = 1;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "random seed (default 1)");

static unsigned int leak;
module_param(leak, uint, 0444);
MODULE_PARM_DESC(leak, "instead of the stress, take this many pages and 64-byte mallocs of the default pool and never free them, for the unload-with-leak test (tools/vm/guest/leak.sh)");

#define STRESS_CHUNK_ORDER	9	/* 2 MiB: any kernel's page allocator has it */
#define STRESS_MAX_CHUNKS	KBUDDY_MAX_REGIONS
#define STRESS_SLOTS		128	/* objects a worker holds at most */
#define STRESS_RING		256	/* hand-off and softirq queues */
#define STRESS_SOFTIRQ_BATCH	64	/* frees per timer tick */
#define STRESS_MAX_PAGE_ORDER	5
#define STRESS_MAX_MALLOC	16384
#define STRESS_SMALL		256	/* objects up to this are tagged whole */
#define STRESS_STRIDE		512	/* one tagged word per this many bytes */
#define STRESS_CTOR_BYTE	0xc7
#define STRESS_TMP_OBJS		16

enum stress_kind {
	K_PAGES,
	K_CACHE0,	/* 24 bytes */
	K_CACHE1,	/* 200 bytes, constructor */
	K_CACHE2,	/* 1000 bytes */
	K_MALLOC,
	NR_KINDS,
};

static const unsigned int cache_size[3] = { 24, 200, 1000 };

enum stress_failure {
	F_TAG,		/* a tag overwritten: the memory had another owner */
	F_CTOR,		/* a new object of the ctor cache not in its constructed state */
	F_ZERO,		/* calloc memory not zeroed */
	F_REALLOC,	/* realloc lost the data */
	F_KSIZE,	/* kbuddy_ksize() below the size asked for */
	F_FREE,		/* a free of memory we owned refused */
	F_DOUBLE_BOTH,	/* both frees of a concurrent double free succeeded */
	F_DOUBLE_NONE,	/* neither succeeded, or an unexpected return value */
	F_VALIDATE,	/* kbuddy_pool_validate() failed during the run */
	F_TMP_CACHE,	/* the temporary cache misbehaved */
	F_FINAL,	/* validate or page count wrong at the end */
	NR_FAILURES,
};

static const char *const failure_names[NR_FAILURES] = {
	[F_TAG] = "tags_overwritten",
	[F_CTOR] = "ctor_state_lost",
	[F_ZERO] = "calloc_not_zero",
	[F_REALLOC] = "realloc_data_lost",
	[F_KSIZE] = "ksize_short",
	[F_FREE] = "frees_refused",
	[F_DOUBLE_BOTH] = "double_frees_both_accepted",
	[F_DOUBLE_NONE] = "double_frees_both_refused",
	[F_VALIDATE] = "validate_failed_during_run",
	[F_TMP_CACHE] = "temp_cache_errors",
	[F_FINAL] = "final_check_failed",
};

/* One piece of memory a worker holds. */
struct stress_obj {
	void *p;
	u32 size;	/* bytes tagged: the size asked for, or the block's */
	u32 seq;
	u16 owner;
	u8 kind;
	u8 order;	/* K_PAGES */
	u8 arena;	/* index in arenas[] */
};

/* A pool with its caches. */
struct stress_arena {
	struct kbuddy_pool *pool;
	bool borrowed;			/* kbuddy_default_pool() */
	struct kbuddy_cache *cache[3];
	struct kbuddy_cache *kmalloc[16];
	unsigned int nkmalloc;
	struct page *chunk[STRESS_MAX_CHUNKS];
	unsigned int nchunks;
	unsigned long start_free;
};

struct stress_ring {
	spinlock_t lock;	/* protects the fields below */
	unsigned int head, count;
	struct stress_obj obj[STRESS_RING];
};

/* Two workers free the same pointer at the same moment. */
struct stress_pair {
	atomic_t state;		/* PAIR_IDLE, PAIR_OFFERED, PAIR_TAKEN */
	atomic_t arrive;
	atomic_t done;
	struct stress_obj obj;
	int ret[2];
};

enum { PAIR_IDLE, PAIR_OFFERED, PAIR_TAKEN };

struct stress_worker {
	unsigned int id;
	int cpu;
	struct task_struct *task;
	u64 rng;
	u32 seq;
	unsigned long ops;		/* counted in process context */
	unsigned int nheld;
	struct stress_obj slot[STRESS_SLOTS];
	struct stress_ring inbox;	/* objects other workers give us to free */
	struct stress_ring softq;	/* objects our timer frees in softirq */
	struct timer_list timer;
	struct stress_pair *pair;	/* shared with the partner, or NULL */
	bool leader;
};

/*
 * arenas[0] is the pool every worker uses. Each pair of workers has an arena
 * of its own for its double frees, so that no third party can be handed the
 * memory between the two frees: two successes are then kbuddy's fault.
 */
static struct stress_arena *arenas;
static unsigned int narenas;
static struct stress_worker **workers;
static unsigned int nworkers;
static struct stress_pair *pairs;

static atomic64_t total_ops;		/* workers add theirs in batches */
static atomic64_t irq_ops;		/* frees done in softirq */
static atomic_long_t failures[NR_FAILURES];
static atomic_long_t double_refused;
static atomic_long_t nomem;
static atomic_long_t pair_timeouts;
static atomic_t running;
static atomic_t validates_ok;		/* validates during the run: clean */
static atomic_t validates_busy;		/* ... not checked, pool kept changing */
static bool stopping;
static unsigned long deadline;
static void *probe_ptr;			/* an object of the temporary cache */

static void fail(enum stress_failure f)
{
	if (atomic_long_inc_return(&failures[f]) <= 3)
		pr_err("kbuddy_stress: failure: %s\n", failure_names[f]);
	if (!keep_going)
		WRITE_ONCE(stopping, true);
}

static u64 rnd(struct stress_worker *w)
{
	/* xorshift64* */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dULL;
}

/* ==== Tags =============================================================== */

static u64 tag_word(const struct stress_obj *o, unsigned long off)
{
	u64 x = ((u64)o->owner << 48) ^ ((u64)o->seq << 16) ^ o->kind ^
		((u64)off * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* The next tagged word after @off in an object of @size bytes. */
static unsigned long tag_next(unsigned long off, unsigned long size)
{
	unsigned long last = (size & ~7UL) - 8;

	if (size <= STRESS_SMALL || off < 8)
		return off + 8;
	if (off >= last)
		return size;	/* done */
	off = ALIGN(off + 1, STRESS_STRIDE);
	return off < last ? off : last;
}

static void tag_write(const struct stress_obj *o)
{
	unsigned long off, size = o->size;
	u8 *b = o->p;

	for (off = 0; off + 8 <= size; off = tag_next(off, size))
		*(u64 *)(b + off) = tag_word(o, off);
	if (size <= STRESS_SMALL)
		for (off = size & ~7UL; off < size; off++)
			b[off] = (u8)tag_word(o, off);
}

/* Check the tagged words below @limit; true if all are intact. */
static bool tag_ok(const struct stress_obj *o, unsigned long limit)
{
	unsigned long off, size = o->size;
	const u8 *b = o->p;

	for (off = 0; off + 8 <= size; off = tag_next(off, size)) {
		if (off + 8 > limit)
			break;
		if (*(const u64 *)(b + off) != tag_word(o, off))
			return false;
	}
	if (size <= STRESS_SMALL)
		for (off = size & ~7UL; off < min_t(unsigned long, size, limit); off++)
			if (b[off] != (u8)tag_word(o, off))
				return false;
	return true;
}

static void stress_ctor(void *obj)
{
	memset(obj, STRESS_CTOR_BYTE, cache_size[1]);
}

/* ==== Allocation and free ================================================ */

static unsigned int malloc_size(struct stress_worker *w)
{
	unsigned int base = 8U << (rnd(w) % 11);	/* 8 .. 8192 */

	return min_t(unsigned int, base + rnd(w) % base, STRESS_MAX_MALLOC);
}

/* Allocate something of a random kind into @o; false if out of memory. */
static bool stress_alloc(struct stress_worker *w, struct stress_arena *a,
			 struct stress_obj *o)
{
	struct kbuddy_pool *pool = a->pool;
	unsigned int r = rnd(w) % 100;
	bool zeroed = false;

	o->arena = a - arenas;
	o->owner = w->id;
	o->seq = ++w->seq;
	o->order = 0;
	if (r < 25) {
		o->kind = K_PAGES;
		o->order = rnd(w) % (STRESS_MAX_PAGE_ORDER + 1);
		o->size = PAGE_SIZE << o->order;
		o->p = kbuddy_alloc_pages(pool, o->order, GFP_KERNEL);
	} else if (r < 60) {
		o->kind = K_CACHE0 + r % 3;
		o->size = cache_size[o->kind - K_CACHE0];
		o->p = kbuddy_cache_alloc(a->cache[o->kind - K_CACHE0],
					  GFP_KERNEL);
		if (o->p && o->kind == K_CACHE1 &&
		    memchr_inv(o->p, STRESS_CTOR_BYTE, o->size))
			fail(F_CTOR);
	} else {
		o->kind = K_MALLOC;
		o->size = malloc_size(w);
		if (r < 90) {
			o->p = kbuddy_malloc(pool, o->size, GFP_KERNEL);
		} else {
			o->p = kbuddy_calloc(pool, o->size / 8, 8, GFP_KERNEL);
			o->size &= ~7U;
			zeroed = true;
		}
		if (o->p && zeroed && memchr_inv(o->p, 0, o->size))
			fail(F_ZERO);
		if (o->p && kbuddy_ksize(pool, o->p) < o->size)
			fail(F_KSIZE);
	}
	w->ops++;
	if (!o->p) {
		atomic_long_inc(&nomem);
		return false;
	}
	tag_write(o);
	return true;
}

/*
 * Check @o's tag and leave it as its allocator wants it back (the ctor
 * cache's objects in their constructed state).
 */
static void stress_prepare_free(const struct stress_obj *o)
{
	if (!tag_ok(o, o->size)) {
		phys_addr_t pa = kbuddy_virt_to_phys(arenas[o->arena].pool, o->p);

		fail(F_TAG);
		pr_err("kbuddy_stress: %pa (kind %u, %u bytes) of worker %u seq %u: tag overwritten (first word %016llx)\n",
		       &pa, o->kind, o->size, o->owner, o->seq,
		       *(u64 *)o->p);
	}
	if (o->kind == K_CACHE1)
		memset(o->p, STRESS_CTOR_BYTE, o->size);
}

static int stress_do_free(const struct stress_obj *o)
{
	struct stress_arena *a = &arenas[o->arena];

	switch (o->kind) {
	case K_PAGES:
		return kbuddy_free_pages(a->pool, o->p, o->order);
	case K_MALLOC:
		return kbuddy_free(a->pool, o->p);
	default:
		return kbuddy_cache_free(a->cache[o->kind - K_CACHE0], o->p);
	}
}

/* Check and free memory we own; any context. */
static void stress_release(const struct stress_obj *o)
{
	stress_prepare_free(o);
	if (stress_do_free(o)) {
		phys_addr_t pa = kbuddy_virt_to_phys(arenas[o->arena].pool, o->p);

		fail(F_FREE);
		pr_err("kbuddy_stress: free of %pa (kind %u, %u bytes) of worker %u seq %u refused\n",
		       &pa, o->kind, o->size, o->owner, o->seq);
	}
}

static void stress_realloc(struct stress_worker *w, struct stress_obj *o)
{
	struct kbuddy_pool *pool = arenas[o->arena].pool;
	unsigned int nsize = malloc_size(w);
	struct stress_obj n = *o;

	if (!tag_ok(o, o->size)) {
		fail(F_TAG);
		tag_write(o);
	}
	n.p = kbuddy_realloc(pool, o->p, nsize, GFP_KERNEL);
	w->ops++;
	if (!n.p) {
		atomic_long_inc(&nomem);
		return;
	}
	/* What survives of the old tag must be intact where it now is. */
	if (!tag_ok(&n, min(o->size, nsize)))
		fail(F_REALLOC);
	n.size = nsize;
	n.seq = ++w->seq;
	if (kbuddy_ksize(pool, n.p) < nsize)
		fail(F_KSIZE);
	tag_write(&n);
	*o = n;
}

/* ==== Queues: hand-off to another worker, softirq frees ================== */

static bool ring_push(struct stress_ring *q, const struct stress_obj *o)
{
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&q->lock, flags);
	if (q->count < STRESS_RING) {
		q->obj[(q->head + q->count) % STRESS_RING] = *o;
		q->count++;
		ok = true;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return ok;
}

static bool ring_pop(struct stress_ring *q, struct stress_obj *o)
{
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&q->lock, flags);
	if (q->count) {
		*o = q->obj[q->head];
		q->head = (q->head + 1) % STRESS_RING;
		q->count--;
		ok = true;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return ok;
}

/* Free, in process context, what other workers handed us. */
static void drain_inbox(struct stress_worker *w)
{
	struct stress_obj o;

	while (ring_pop(&w->inbox, &o)) {
		stress_release(&o);
		w->ops++;
	}
}

static void stress_timer_fn(struct timer_list *t)
{
	struct stress_worker *w = from_timer(w, t, timer);
	struct stress_obj o;
	unsigned int n;

	for (n = 0; n < STRESS_SOFTIRQ_BATCH && ring_pop(&w->softq, &o); n++)
		stress_release(&o);
	atomic64_add(n, &irq_ops);
	if (!READ_ONCE(stopping))
		mod_timer(&w->timer, jiffies + 1);
}

/* ==== Concurrent double frees ============================================ */

static void pair_free(struct stress_pair *pr, int role)
{
	/*
	 * Meet without being preempted, then free with preemption on: on
	 * PREEMPT_RT kbuddy's locks sleep and a free with preemption off is
	 * refused (as kmalloc's would be).
	 */
	preempt_disable();
	atomic_inc(&pr->arrive);
	while (atomic_read(&pr->arrive) < 2)
		cpu_relax();
	preempt_enable();
	pr->ret[role] = stress_do_free(&pr->obj);
	atomic_inc(&pr->done);
}

/* Leader: offer a fresh object to the partner and free it together. */
static void pair_lead(struct stress_worker *w)
{
	struct stress_pair *pr = w->pair;
	unsigned long until = jiffies + HZ / 10;
	phys_addr_t pa;
	int a, b;

	if (!stress_alloc(w, &arenas[1 + w->id / 2], &pr->obj))
		return;
	stress_prepare_free(&pr->obj);
	atomic_set_release(&pr->state, PAIR_OFFERED);
	while (atomic_read_acquire(&pr->state) != PAIR_TAKEN) {
		if (time_after(jiffies, until) &&
		    atomic_cmpxchg(&pr->state, PAIR_OFFERED, PAIR_IDLE) ==
		    PAIR_OFFERED) {
			/* No partner came (it has stopped): free it alone. */
			atomic_long_inc(&pair_timeouts);
			if (stress_do_free(&pr->obj))
				fail(F_FREE);
			w->ops++;
			return;
		}
		cpu_relax();
		cond_resched();
	}
	pair_free(pr, 0);
	while (atomic_read_acquire(&pr->done) < 2)
		cpu_relax();
	w->ops += 2;
	a = pr->ret[0];
	b = pr->ret[1];
	pa = kbuddy_virt_to_phys(arenas[pr->obj.arena].pool, pr->obj.p);
	if ((!a && b == -EINVAL) || (a == -EINVAL && !b)) {
		atomic_long_inc(&double_refused);
	} else if (!a && !b) {
		fail(F_DOUBLE_BOTH);
		pr_err("kbuddy_stress: double free of %pa (kind %u, order %u, %u bytes): both frees succeeded\n",
		       &pa, pr->obj.kind, pr->obj.order, pr->obj.size);
	} else {
		fail(F_DOUBLE_NONE);
		pr_err("kbuddy_stress: double free of %pa (kind %u, order %u, %u bytes): returned %d and %d\n",
		       &pa, pr->obj.kind, pr->obj.order, pr->obj.size, a, b);
	}
	atomic_set(&pr->arrive, 0);
	atomic_set(&pr->done, 0);
	atomic_set_release(&pr->state, PAIR_IDLE);
}

/* Follower: join the leader's double free if one is offered. */
static void pair_follow(struct stress_worker *w)
{
	struct stress_pair *pr = w->pair;

	if (atomic_read(&pr->state) != PAIR_OFFERED ||
	    atomic_cmpxchg(&pr->state, PAIR_OFFERED, PAIR_TAKEN) != PAIR_OFFERED)
		return;
	pair_free(pr, 1);
}

/* ==== Workers ============================================================ */

static void worker_step(struct stress_worker *w)
{
	struct stress_obj *o = &w->slot[rnd(w) % STRESS_SLOTS];
	unsigned int r = rnd(w) % 100;

	if (!o->p) {
		if (stress_alloc(w, &arenas[0], o))
			w->nheld++;
		return;
	}
	if (o->kind == K_MALLOC && r < 15) {
		stress_realloc(w, o);
		return;
	}
	if (r < 30 && nworkers > 1) {
		struct stress_worker *to;

		to = workers[(w->id + 1 + rnd(w) % (nworkers - 1)) % nworkers];
		if (ring_push(&to->inbox, o))
			goto given;
	} else if (r < 45) {
		if (ring_push(&w->softq, o))
			goto given;
	}
	stress_release(o);
	w->ops++;
given:
	o->p = NULL;
	w->nheld--;
}

static int worker_fn(void *arg)
{
	struct stress_worker *w = arg;
	unsigned long n = 0, i;
	void *probe;

	mod_timer(&w->timer, jiffies + 1);
	while (!READ_ONCE(stopping)) {
		worker_step(w);
		if (w->pair && !w->leader)
			pair_follow(w);
		if (++n % 16 == 0)
			drain_inbox(w);
		if (w->pair && w->leader && n % 128 == 0)
			pair_lead(w);
		if (n % 32 == 16) {
			/* A lookup that may race with the cache's destroy. */
			probe = READ_ONCE(probe_ptr);
			if (probe) {
				kbuddy_ksize(arenas[0].pool, probe);
				w->ops++;
			}
		}
		if (n % 64 == 0) {
			atomic64_add(w->ops, &total_ops);
			w->ops = 0;
			if (atomic64_read(&total_ops) >= (s64)ops ||
			    time_after(jiffies, deadline))
				WRITE_ONCE(stopping, true);
		}
		cond_resched();
	}
	/* The partner may wait on an offer it took. */
	if (w->pair && !w->leader)
		pair_follow(w);
	for (i = 0; i < STRESS_SLOTS; i++) {
		if (w->slot[i].p) {
			stress_release(&w->slot[i]);
			w->slot[i].p = NULL;
			w->ops++;
		}
	}
	atomic64_add(w->ops, &total_ops);
	w->ops = 0;
	atomic_dec(&running);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/* ==== The control loop =================================================== */

static void tmp_cache_round(unsigned long round)
{
	struct stress_obj o[STRESS_TMP_OBJS] = {};
	struct kbuddy_cache *c;
	char name[KBUDDY_NAME_LEN + 1];
	unsigned int i, size = 32 + (round % 8) * 48;

	snprintf(name, sizeof(name), "stress-tmp-%lu", round % 4);
	c = kbuddy_cache_create(arenas[0].pool, name, size, 0, 0, NULL);
	atomic64_inc(&total_ops);
	if (IS_ERR(c)) {
		if (PTR_ERR(c) != -ENOMEM)
			fail(F_TMP_CACHE);
		return;
	}
	for (i = 0; i < STRESS_TMP_OBJS; i++) {
		o[i].p = kbuddy_cache_alloc(c, GFP_KERNEL);
		if (!o[i].p)
			continue;
		o[i].size = size;
		o[i].owner = 0xffff;
		o[i].seq = round * STRESS_TMP_OBJS + i;
		tag_write(&o[i]);
	}
	WRITE_ONCE(probe_ptr, o[round % STRESS_TMP_OBJS].p);
	for (i = 0; i < STRESS_TMP_OBJS; i++) {
		if (!o[i].p)
			continue;
		if (!tag_ok(&o[i], size))
			fail(F_TAG);
		if (kbuddy_cache_free(c, o[i].p))
			fail(F_TMP_CACHE);
	}
	/* probe_ptr stays: the workers' lookups race with the destroy. */
	if (kbuddy_cache_destroy(c))
		fail(F_TMP_CACHE);
	atomic64_add(2 * STRESS_TMP_OBJS + 1, &total_ops);
}

static void control_loop(void)
{
	unsigned long round = 0, n;
	unsigned int i, j;

	while (atomic_read(&running)) {
		n = 0;
		for (i = 0; i < narenas; i++) {
			struct stress_arena *a = &arenas[i];

			kbuddy_pool_drain(a->pool);
			for (j = 0; j < ARRAY_SIZE(a->cache); j++)
				kbuddy_cache_shrink(a->cache[j]);
			kbuddy_cache_shrink(a->kmalloc[round % a->nkmalloc]);
			n += 5;
			if (round % 8 == 0) {
				int err = kbuddy_pool_validate(a->pool);

				/*
				 * Under load the pool may change under every
				 * pass: -EBUSY says "not checked", which is
				 * no finding. -EUCLEAN is.
				 */
				if (err == -EBUSY)
					atomic_inc(&validates_busy);
				else if (err)
					fail(F_VALIDATE);
				else
					atomic_inc(&validates_ok);
				n++;
			}
		}
		tmp_cache_round(round);
		atomic64_add(n, &total_ops);
		round++;
		usleep_range(200, 1000);
	}
}

/* ==== Setup and teardown ================================================= */

static int arena_add_memory(struct stress_arena *a, unsigned int mb)
{
	unsigned int i, want = clamp_t(unsigned int, mb / 2, 1, STRESS_MAX_CHUNKS);
	int err;

	for (i = 0; i < want; i++) {
		struct page *pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					      STRESS_CHUNK_ORDER);

		if (!pg)
			break;
		a->chunk[a->nchunks++] = pg;
		err = kbuddy_pool_add_mem(a->pool, page_address(pg),
					  page_to_phys(pg),
					  PAGE_SIZE << STRESS_CHUNK_ORDER);
		if (err)
			return err;
	}
	return a->nchunks ? 0 : -ENOMEM;
}

/* Find the pool's malloc size classes through one object of each. */
static int arena_find_kmalloc(struct stress_arena *a)
{
	static const unsigned int sizes[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(sizes) && sizes[i] <= PAGE_SIZE; i++) {
		void *p = kbuddy_malloc(a->pool, sizes[i], GFP_KERNEL);
		struct kbuddy_cache *c;

		if (!p)
			return -ENOMEM;
		c = kbuddy_obj_cache(a->pool, p);
		kbuddy_free(a->pool, p);
		if (!c)
			continue;
		for (j = 0; j < a->nkmalloc && a->kmalloc[j] != c; j++)
			;
		if (j == a->nkmalloc && a->nkmalloc < ARRAY_SIZE(a->kmalloc))
			a->kmalloc[a->nkmalloc++] = c;
	}
	return a->nkmalloc ? 0 : -ENOENT;
}

/* A pool (of its own unless @borrow), its three caches, its size classes. */
static int arena_setup(struct stress_arena *a, const char *name,
		       unsigned int mb, bool borrow)
{
	static const char *const names[3] = {
		"stress-24", "stress-200-ctor", "stress-1000"
	};
	unsigned int i;
	int err;

	if (borrow) {
		a->borrowed = true;
		a->pool = kbuddy_default_pool();
		if (!a->pool)
			return -ENODEV;
	} else {
		a->pool = kbuddy_pool_create(name, 0);
		if (IS_ERR(a->pool)) {
			err = PTR_ERR(a->pool);
			a->pool = NULL;
			return err;
		}
		err = arena_add_memory(a, mb);
		if (err)
			return err;
	}
	kbuddy_pool_drain(a->pool);
	a->start_free = kbuddy_pool_free_pages(a->pool);
	for (i = 0; i < ARRAY_SIZE(a->cache); i++) {
		struct kbuddy_cache *c;

		c = kbuddy_cache_create(a->pool, names[i], cache_size[i],
					i == 2 ? 64 : 0,
					i == 1 ? KBUDDY_CACHE_HWCACHE_ALIGN : 0,
					i == 1 ? stress_ctor : NULL);
		if (IS_ERR(c))
			return PTR_ERR(c);
		a->cache[i] = c;
	}
	return arena_find_kmalloc(a);
}

/*
 * Everything is freed: destroy the caches, shrink the size classes (they
 * belong to the pool), drain; the pool must validate and have every page
 * back that it had free at the start.
 */
static void arena_check(struct stress_arena *a)
{
	unsigned int i;

	for (i = 0; i < a->nkmalloc; i++)
		kbuddy_cache_shrink(a->kmalloc[i]);
	for (i = 0; i < ARRAY_SIZE(a->cache); i++) {
		if (a->cache[i] && kbuddy_cache_destroy(a->cache[i])) {
			pr_err("kbuddy_stress: cache %u of arena %td still holds objects\n",
			       i, a - arenas);
			fail(F_FINAL);
		}
		a->cache[i] = NULL;
	}
	kbuddy_pool_drain(a->pool);
	if (kbuddy_pool_validate(a->pool)) {
		pr_err("kbuddy_stress: arena %td: kbuddy_pool_validate() failed at the end\n",
		       a - arenas);
		fail(F_FINAL);
	}
	if (kbuddy_pool_free_pages(a->pool) != a->start_free) {
		pr_err("kbuddy_stress: arena %td: %lu pages free at the end, %lu at the start (%lu in the pool)\n",
		       a - arenas, kbuddy_pool_free_pages(a->pool),
		       a->start_free, kbuddy_pool_total_pages(a->pool));
		fail(F_FINAL);
	}
}

static void arena_destroy(struct stress_arena *a)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(a->cache); i++)
		if (a->cache[i])
			kbuddy_cache_destroy(a->cache[i]);
	if (a->pool && !a->borrowed)
		kbuddy_pool_destroy(a->pool);
	a->pool = NULL;
	for (i = 0; i < a->nchunks; i++)
		__free_pages(a->chunk[i], STRESS_CHUNK_ORDER);
	a->nchunks = 0;
}

static int arenas_setup(void)
{
	char name[KBUDDY_NAME_LEN + 1];
	unsigned int i;
	int err;

	narenas = 1 + (double_frees ? nworkers / 2 : 0);
	arenas = kcalloc(narenas, sizeof(*arenas), GFP_KERNEL);
	if (!arenas)
		return -ENOMEM;
	err = arena_setup(&arenas[0], "stress", pool_mb, default_pool);
	for (i = 1; !err && i < narenas; i++) {
		snprintf(name, sizeof(name), "stress-pair%u", i - 1);
		err = arena_setup(&arenas[i], name, 4, false);
	}
	return err;
}

static void arenas_destroy(void)
{
	unsigned int i;

	for (i = 0; arenas && i < narenas; i++)
		arena_destroy(&arenas[i]);
	kfree(arenas);
	arenas = NULL;
}

static int workers_setup(void)
{
	unsigned int i, n = 0;
	int *cpus, cpu;

	workers = kcalloc(nworkers, sizeof(*workers), GFP_KERNEL);
	pairs = kcalloc(nworkers / 2 + 1, sizeof(*pairs), GFP_KERNEL);
	cpus = kcalloc(nr_cpu_ids, sizeof(*cpus), GFP_KERNEL);
	if (!workers || !pairs || !cpus) {
		kfree(cpus);
		return -ENOMEM;
	}
	for_each_online_cpu(cpu)
		cpus[n++] = cpu;
	for (i = 0; i < nworkers; i++) {
		struct stress_worker *w = kzalloc(sizeof(*w), GFP_KERNEL);

		if (!w) {
			kfree(cpus);
			return -ENOMEM;
		}
		workers[i] = w;
		w->id = i;
		w->cpu = cpus[i % n];
		w->rng = (seed + 1) * 0x9e3779b97f4a7c15ULL + i * 0x632be59bd9b4e019ULL;
		if (!w->rng)
			w->rng = 1;
		spin_lock_init(&w->inbox.lock);
		spin_lock_init(&w->softq.lock);
		timer_setup(&w->timer, stress_timer_fn, 0);
		/* Partners spin for each other: never on one CPU. */
		if (double_frees && (i ^ 1) < nworkers &&
		    cpus[i % n] != cpus[(i ^ 1) % n]) {
			w->pair = &pairs[i / 2];
			w->leader = !(i & 1);
		}
	}
	kfree(cpus);
	for (i = 0; i < nworkers; i++) {
		struct stress_worker *w = workers[i];

		w->task = kthread_create_on_cpu(worker_fn, w, w->cpu,
						"kbuddy_stress/%u");
		if (IS_ERR(w->task)) {
			int err = PTR_ERR(w->task);

			w->task = NULL;
			return err;
		}
	}
	return 0;
}

/* Stop the workers and their timers, and free whatever their queues hold. */
static void workers_teardown(void)
{
	struct stress_obj o;
	unsigned int i;

	for (i = 0; workers && i < nworkers; i++) {
		struct stress_worker *w = workers[i];

		if (!w)
			continue;
		if (w->task)
			kthread_stop(w->task);
		timer_delete_sync(&w->timer);
	}
	for (i = 0; workers && i < nworkers; i++) {
		struct stress_worker *w = workers[i];

		if (!w)
			continue;
		while (ring_pop(&w->softq, &o)) {
			stress_release(&o);
			atomic64_inc(&total_ops);
		}
		while (ring_pop(&w->inbox, &o)) {
			stress_release(&o);
			atomic64_inc(&total_ops);
		}
		kfree(w);
	}
	kfree(workers);
	workers = NULL;
	kfree(pairs);
	pairs = NULL;
}

static unsigned int cpus_used(void)
{
	return min(nworkers, num_online_cpus());
}

/*
 * A careless client: memory of the default pool taken and never given back,
 * even when this module goes. kbuddy must then keep the region claimed, and
 * whatever it leaves behind must outlive it (tools/vm/guest/leak.sh).
 */
static int __init stress_leak(struct kbuddy_pool *pool)
{
	unsigned int i;

	if (!pool)
		return -ENODEV;
	for (i = 0; i < leak; i++) {
		void *page = kbuddy_alloc_pages(pool, 0, GFP_KERNEL);
		phys_addr_t phys;

		if (!page || !kbuddy_malloc(pool, 64, GFP_KERNEL))
			return -ENOMEM;
		/* The leak report at kbuddy's unload must name it. */
		phys = kbuddy_virt_to_phys(pool, page);
		pr_info("kbuddy_stress: leaking page %pa\n", &phys);
	}
	pr_info("kbuddy_stress: holding %u pages and %u mallocs of the default pool, never to free them\n",
		leak, leak);
	return 0;
}

static int __init stress_init(void)
{
	unsigned long start = jiffies, ms = 0;
	unsigned long long n, rate;
	bool failed = false;
	unsigned int i;
	static char buf[512];	/* off the stack: KASAN inflates frames */
	int err, len;

	if (leak)
		return stress_leak(kbuddy_default_pool());
	nworkers = threads ? threads : num_online_cpus();
	err = arenas_setup();
	if (err)
		goto out;
	deadline = jiffies + seconds * HZ;
	err = workers_setup();
	if (err) {
		WRITE_ONCE(stopping, true);
		workers_teardown();
		goto out;
	}
	atomic_set(&running, nworkers);
	for (i = 0; i < nworkers; i++)
		wake_up_process(workers[i]->task);
	control_loop();
	WRITE_ONCE(probe_ptr, NULL);
	ms = jiffies_to_msecs(jiffies - start);
	workers_teardown();
	for (i = 0; i < narenas; i++)
		arena_check(&arenas[i]);

	n = atomic64_read(&total_ops) + atomic64_read(&irq_ops);
	rate = ms ? n * 1000 / ms : 0;
	pr_info("kbuddy_stress: %llu operations (%lld in softirq) in %lu ms, %llu/s, %u workers on %u CPUs, %lu allocations failed for want of memory, %lu double frees without a partner\n",
		n, atomic64_read(&irq_ops), ms, rate, nworkers, cpus_used(),
		atomic_long_read(&nomem), atomic_long_read(&pair_timeouts));
	len = 0;
	for (i = 0; i < NR_FAILURES; i++) {
		long f = atomic_long_read(&failures[i]);

		if (f) {
			failed = true;
			len += scnprintf(buf + len, sizeof(buf) - len, ", %ld %s",
					 f, failure_names[i]);
		}
	}
	if (failed)
		pr_err("stress: FAILED: %llu operations on %u CPUs, %ld double frees refused%s\n",
		       n, cpus_used(), atomic_long_read(&double_refused), buf);
	else
		pr_info("stress: %llu operations on %u CPUs, %ld double frees refused, validate ok\n",
			n, cpus_used(), atomic_long_read(&double_refused));
	pr_info("stress-validate: during the run %d clean, %d not checked (pool changing)\n",
		atomic_read(&validates_ok), atomic_read(&validates_busy));
	/*
	 * Success or not, the module loads: busybox's insmod would run the
	 * whole test again through init_module() after a failed finit_module().
	 */
	arenas_destroy();
	return 0;

out:
	pr_err("stress: FAILED: setup error %d\n", err);
	arenas_destroy();
	return err;
}

static void __exit stress_exit(void)
{
}

module_init(stress_init);
module_exit(stress_exit);
MODULE_DESCRIPTION("kbuddy concurrent stress test");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(KBUDDY_INTERNAL);

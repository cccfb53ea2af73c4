// SPDX-License-Identifier: GPL-2.0
/*
 * Race tests on the userspace build of kbuddy's core, threads as CPUs.
 *
 * Each test runs two operations on two CPUs, A on CPU 0 and B on CPU 1, and
 * forces one interleaving with kbuddy_race_hook(): A stops at the named hook;
 * B then runs its operation to the end, or until it has to wait for A (for
 * A's CPU's interrupts, a lock A holds, a grace period A delays), and only
 * then does A go on. No timing: the same interleaving every run.
 *
 * Afterwards: of two racing frees exactly one returned 0 and the other a
 * negative errno; the pool, its page caches and its caches validate; and
 * allocating everything left hands out nothing twice. Built with ASan and
 * UBSan, so that a use after free fails the test. Each test runs in a child
 * process; one line per test, "ok NAME" or "FAIL NAME: why".
 *
 *   race [NAME...]   the tests named (a prefix matches), or all
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kernel.h>

#include "internal.h"
#include "harness.h"

#define POOL_BYTES	(1UL << 20)
#define CPU_A		0
#define CPU_B		1

const char *__asan_default_options(void)
{
	return "exitcode=23:detect_leaks=0:abort_on_error=0";
}

/* Two racing operations and what they found. */
struct race {
	const char *hook;
	struct kbuddy_pool *pool;
	struct kbuddy_cache *c;
	void *obj;
	unsigned int order;
	long (*op_a)(struct race *r);
	long (*op_b)(struct race *r);
	size_t size_a, size_b;	/* X1, X2: what A's and B's reallocs ask for */
	bool b_on_a_cpu;	/* B is an interrupt on A's CPU */
	void *got_a, *got_b, *obj_b;
	long ret_a, ret_b;
	struct kshim_thread *tb;
	int a_at_hook, a_done, b_done, b_blocked;
};

static __thread bool thread_is_a;

static bool b_finished_or_blocked(void *arg)
{
	struct race *r = arg;

	return READ_ONCE(r->b_done) || kshim_thread_blocked(r->tb);
}

static bool a_stopped_or_done(void *arg)
{
	struct race *r = arg;

	return READ_ONCE(r->a_at_hook) || READ_ONCE(r->a_done);
}

static bool b_started(void *arg)
{
	struct race *r = arg;

	return READ_ONCE(r->tb) != NULL;
}

/* At the hook, A waits for B to finish or to wait for A. */
static void race_hook(const char *name, void *arg)
{
	struct race *r = arg;

	if (!thread_is_a || strcmp(name, r->hook) || r->a_at_hook)
		return;
	WRITE_ONCE(r->a_at_hook, 1);
	kshim_event_signal();
	kshim_event_wait(b_finished_or_blocked, r);
	r->b_blocked = !READ_ONCE(r->b_done);
}

static void *thread_a(void *arg)
{
	struct race *r = arg;

	kshim_set_cpu(CPU_A);
	thread_is_a = true;
	kshim_event_wait(b_started, r);
	r->ret_a = r->op_a(r);
	WRITE_ONCE(r->a_done, 1);
	kshim_event_signal();
	return NULL;
}

static void *thread_b(void *arg)
{
	struct race *r = arg;

	kshim_set_cpu(r->b_on_a_cpu ? CPU_A : CPU_B);
	WRITE_ONCE(r->tb, kshim_thread_self());
	kshim_event_signal();
	kshim_event_wait(a_stopped_or_done, r);
	r->ret_b = r->op_b(r);
	WRITE_ONCE(r->b_done, 1);
	kshim_event_signal();
	return NULL;
}

/* Run A and B, A held at r->hook. Return: false if A never got there. */
static bool run_race(struct race *r)
{
	pthread_t a, b;

	kshim_set_race_hook(race_hook, r);
	pthread_create(&b, NULL, thread_b, r);
	pthread_create(&a, NULL, thread_a, r);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	kshim_set_race_hook(NULL, NULL);
	return r->a_at_hook;
}

/* ==== Checks ============================================================= */

static char why[1024];

static __printf(1, 2) void fail(const char *fmt, ...)
{
	size_t n = strlen(why);
	va_list args;

	if (n && n < sizeof(why) - 2) {
		strcat(why, "; ");
		n += 2;
	}
	va_start(args, fmt);
	vsnprintf(why + n, sizeof(why) - n, fmt, args);
	va_end(args);
}

struct span {
	char *p;
	size_t len;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/*
 * Allocate everything @caches and the pool still hand out, from every CPU,
 * and check that no two allocations overlap.
 */
static void exhaust(struct kbuddy_pool *pool, struct kbuddy_cache **caches,
		    int nc)
{
	size_t cap = POOL_BYTES / 8 + 4096, n = 0, i;
	struct span *s = calloc(cap, sizeof(*s));
	char *lo = pool->regions[0].virt;
	char *hi = lo + (pool->regions[0].nr_pages << PAGE_SHIFT);
	int k, cpu, order;
	void *p;

	for (k = 0; k < nc; k++) {
		if (!caches[k])
			continue;
		for_each_possible_cpu(cpu) {
			kshim_set_cpu(cpu);
			while (n < cap && (p = kbuddy_cache_alloc(caches[k], GFP_NOWAIT)))
				s[n++] = (struct span){ p, caches[k]->size };
		}
	}
	for (order = pool->max_order - 1; order >= 0; order--) {
		for_each_possible_cpu(cpu) {
			kshim_set_cpu(cpu);
			while (n < cap && (p = kbuddy_alloc_pages(pool, order, GFP_NOWAIT)))
				s[n++] = (struct span){ p, PAGE_SIZE << order };
		}
	}
	kshim_set_cpu(0);
	if (n == cap)
		fail("allocations never ran out (%zu)", n);
	qsort(s, n, sizeof(*s), span_cmp);
	for (i = 0; i < n; i++) {
		if (s[i].p < lo || s[i].p + s[i].len > hi) {
			fail("%p handed out, outside the pool", s[i].p);
			break;
		}
		if (i && s[i - 1].p + s[i - 1].len > s[i].p) {
			fail("handed out twice: %p (%zu bytes) overlaps %p (%zu bytes)",
			     s[i].p, s[i].len, s[i - 1].p, s[i - 1].len);
			break;
		}
	}
	free(s);
}

/* The pool, its page caches, the caches given and the size classes. */
static void validate(struct kbuddy_pool *pool, struct kbuddy_cache *c)
{
	unsigned long problems = harness_validate_kmalloc(pool);

	if (c)
		problems += kbuddy_cache_validate(c, NULL, NULL);
	if (problems)
		fail("validate: %lu problems", problems);
}

/* Exactly one of two racing frees won. */
static void one_wins(struct race *r)
{
	if (!((r->ret_a == 0 && r->ret_b < 0) || (r->ret_b == 0 && r->ret_a < 0)))
		fail("frees returned %ld (A, stopped at %s) and %ld (B): want one 0 and one -errno",
		     r->ret_a, r->hook, r->ret_b);
}

/* A checks common to the end of every test; then the verdict. */
static int finish(const char *name, struct race *r, bool hooked,
		  struct kbuddy_cache **caches, int nc)
{
	struct kbuddy_pool *pool = r->pool;

	if (!hooked)
		fail("hook \"%s\" never reached: the interleaving was not forced", r->hook);
	validate(pool, r->c);
	exhaust(pool, caches, nc);
	rcu_barrier();
	if (kshim_bugs)
		fail("%lu kernel bugs reported by the shim (see stderr)", kshim_bugs);
	if (why[0]) {
		printf("FAIL %s: %s\n", name, why);
		return 1;
	}
	printf("ok %s\n", name);
	return 0;
}

static struct kbuddy_pool *new_pool(void)
{
	struct kbuddy_pool *pool = harness_pool(POOL_BYTES, true);

	if (!pool || kbuddy_kmalloc_init(pool)) {
		fprintf(stderr, "race: no pool\n");
		exit(2);
	}
	return pool;
}

/* ==== Operations ========================================================= */

static long op_cache_free(struct race *r)
{
	return kbuddy_cache_free(r->c, r->obj);
}

static long op_free(struct race *r)
{
	return kbuddy_free(r->pool, r->obj);
}

static long op_free_pages(struct race *r)
{
	return kbuddy_free_pages(r->pool, r->obj, r->order);
}

static long op_free_pages_pcp_drain(struct race *r)
{
	long ret = kbuddy_free_pages(r->pool, r->obj, r->order);

	kbuddy_pool_drain(r->pool);
	return ret;
}

static long op_free_pages_pool_drain(struct race *r)
{
	long ret = kbuddy_free_pages(r->pool, r->obj, r->order);

	kbuddy_pool_drain(r->pool);
	return ret;
}

static long op_free_pool_drain(struct race *r)
{
	long ret = kbuddy_free(r->pool, r->obj);

	kbuddy_pool_drain(r->pool);
	return ret;
}

static long op_ksize(struct race *r)
{
	return kbuddy_ksize(r->pool, r->obj);
}

static long op_destroy_forced(struct race *r)
{
	kbuddy_cache_destroy_forced(r->c);
	return 0;
}

static long op_free_destroy(struct race *r)
{
	long ret = kbuddy_cache_free(r->c, r->obj);

	return ret ?: kbuddy_cache_destroy(r->c);
}

/* The size class of @size bytes is index 3 for 64. */
#define KMALLOC_64	3

static long op_destroy_kmalloc_64(struct race *r)
{
	kbuddy_cache_destroy_forced(r->pool->kmalloc[KMALLOC_64]);
	return 0;
}

/* ==== R1: two frees of one slab object =================================== */

/* Two CPUs kbuddy_cache_free() the same object at the same instant. */
static int r1_slab(const char *name)
{
	struct race r = { .hook = "slab_free_claim", .op_a = op_cache_free,
			  .op_b = op_cache_free };
	bool hooked;

	r.pool = new_pool();
	r.c = kbuddy_cache_create(r.pool, "race-64", 64, 8, 0, NULL);
	r.obj = kbuddy_cache_alloc(r.c, GFP_KERNEL);
	hooked = run_race(&r);
	one_wins(&r);
	return finish(name, &r, hooked, &r.c, 1);
}

/* The same with kbuddy_free() of a size-class object. */
static int r1_kmalloc(const char *name)
{
	struct race r = { .hook = "slab_free_claim", .op_a = op_free,
			  .op_b = op_free };
	bool hooked;

	r.pool = new_pool();
	r.obj = kbuddy_malloc(r.pool, 64, GFP_KERNEL);
	hooked = run_race(&r);
	one_wins(&r);
	return finish(name, &r, hooked, &r.pool->kmalloc[KMALLOC_64], 1);
}

/* ==== R2: a stale double free of a block racing with a drain ============= */

static int r2_pages(const char *name, unsigned int order,
		    long (*op_b)(struct race *r))
{
	struct race r = { .hook = "pages_free_claim", .op_a = op_free_pages,
			  .op_b = op_b, .order = order };
	bool hooked;

	r.pool = new_pool();
	r.obj = kbuddy_alloc_pages(r.pool, order, GFP_KERNEL);
	hooked = run_race(&r);
	one_wins(&r);
	return finish(name, &r, hooked, NULL, 0);
}

static int r2_pages_pcp(const char *name)
{
	return r2_pages(name, 0, op_free_pages_pcp_drain);
}

static int r2_pages_pool_order2(const char *name)
{
	return r2_pages(name, 2, op_free_pages_pool_drain);
}

/* The malloc family's whole blocks: kbuddy_free() of a block > 4 KiB. */
static int r2_large(const char *name, size_t size, size_t shrink)
{
	struct race r = { .hook = "large_free_claim", .op_a = op_free,
			  .op_b = op_free_pool_drain };
	bool hooked;

	r.pool = new_pool();
	r.obj = kbuddy_malloc(r.pool, size, GFP_KERNEL);
	if (shrink && r.obj)
		r.obj = kbuddy_realloc(r.pool, r.obj, shrink, GFP_KERNEL);
	hooked = run_race(&r);
	one_wins(&r);
	return finish(name, &r, hooked, NULL, 0);
}

/*
 * A request of up to a page takes a size class: an order-0 malloc block is
 * a larger one shrunk in place by kbuddy_realloc().
 */
static int r2_large_order0(const char *name)
{
	return r2_large(name, 16384, 3000);
}

static int r2_large_order2(const char *name)
{
	return r2_large(name, 16384, 0);
}

/* ==== R3: a stale pointer into a cache being destroyed ================== */

static int r3(const char *name, long (*op_a)(struct race *r),
	      long (*op_b)(struct race *r), bool kmalloc)
{
	struct race r = { .hook = "obj_lookup", .op_a = op_a, .op_b = op_b };
	bool hooked;

	r.pool = new_pool();
	if (kmalloc) {
		r.obj = kbuddy_malloc(r.pool, 64, GFP_KERNEL);
	} else {
		r.c = kbuddy_cache_create(r.pool, "race-victim", 64, 8, 0, NULL);
		r.obj = kbuddy_cache_alloc(r.c, GFP_KERNEL);
	}
	hooked = run_race(&r);
	/* A's result may be either; B's destroy must have worked. */
	if (r.ret_b)
		fail("destroy returned %ld", r.ret_b);
	if (op_a == op_ksize && r.ret_a)
		fail("kbuddy_ksize() of a user cache's object returned %ld", r.ret_a);
	if (kmalloc)
		r.pool->kmalloc[KMALLOC_64] = NULL;
	r.c = NULL;
	return finish(name, &r, hooked, NULL, 0);
}

static int r3_ksize_forced(const char *name)
{
	return r3(name, op_ksize, op_destroy_forced, false);
}

static int r3_ksize_destroy(const char *name)
{
	return r3(name, op_ksize, op_free_destroy, false);
}

static int r3_cache_free_forced(const char *name)
{
	return r3(name, op_cache_free, op_destroy_forced, false);
}

static int r3_free_forced(const char *name)
{
	return r3(name, op_free, op_destroy_kmalloc_64, true);
}

/* ==== Hammers: no hooks, many rounds ===================================== */

#define HAMMER_THREADS	NR_CPUS
#define HAMMER_OBJS	64
#define HAMMER_ROUNDS	200

struct hammer {
	struct kbuddy_pool *pool;
	struct kbuddy_cache *c;
	void *obj[HAMMER_OBJS];
	int wins[HAMMER_OBJS];
	pthread_barrier_t start, done;
	bool pages;
	int round;
};

struct hammer_arg {
	struct hammer *h;
	int cpu;
};

static void *hammer_thread(void *arg)
{
	struct hammer_arg *ha = arg;
	struct hammer *h = ha->h;
	int round, i;

	kshim_set_cpu(ha->cpu);
	for (round = 0; round < HAMMER_ROUNDS; round++) {
		pthread_barrier_wait(&h->start);
		for (i = 0; i < HAMMER_OBJS; i++) {
			/* Odd rounds: all CPUs in step; even: each from its own start. */
			int k = round % 2 ? i : (i + ha->cpu * HAMMER_OBJS / HAMMER_THREADS) % HAMMER_OBJS;
			long ret = h->pages ? kbuddy_free_pages(h->pool, h->obj[k], 0) :
				   kbuddy_cache_free(h->c, h->obj[k]);

			if (!ret)
				__atomic_fetch_add(&h->wins[k], 1, __ATOMIC_SEQ_CST);
			else if (ret > 0)
				__atomic_fetch_add(&h->wins[k], 1000, __ATOMIC_SEQ_CST);
			if (h->pages && ha->cpu == 1 && i % 16 == 0)
				kbuddy_pool_drain(h->pool);
		}
		pthread_barrier_wait(&h->done);
	}
	return NULL;
}

/* Every CPU frees every object of a batch; each must be freed once. */
static int hammer(const char *name, bool pages)
{
	struct hammer h = { .pages = pages };
	struct hammer_arg args[HAMMER_THREADS];
	pthread_t t[HAMMER_THREADS];
	struct race r = { 0 };
	int round, i, bad = 0;

	h.pool = r.pool = new_pool();
	if (!pages)
		h.c = r.c = kbuddy_cache_create(h.pool, "hammer-64", 64, 8, 0, NULL);
	pthread_barrier_init(&h.start, NULL, HAMMER_THREADS + 1);
	pthread_barrier_init(&h.done, NULL, HAMMER_THREADS + 1);
	for (i = 0; i < HAMMER_THREADS; i++) {
		args[i] = (struct hammer_arg){ &h, i };
		pthread_create(&t[i], NULL, hammer_thread, &args[i]);
	}
	for (round = 0; round < HAMMER_ROUNDS; round++) {
		for (i = 0; i < HAMMER_OBJS; i++) {
			h.obj[i] = pages ? kbuddy_alloc_pages(h.pool, 0, GFP_KERNEL) :
				   kbuddy_cache_alloc(h.c, GFP_KERNEL);
			h.wins[i] = 0;
		}
		pthread_barrier_wait(&h.start);
		pthread_barrier_wait(&h.done);
		for (i = 0; i < HAMMER_OBJS; i++)
			if (h.wins[i] != 1 && !bad++)
				fail("round %d: object %d freed %d times", round, i,
				     h.wins[i]);
	}
	for (i = 0; i < HAMMER_THREADS; i++)
		pthread_join(t[i], NULL);
	if (bad)
		fail("%d objects not freed exactly once", bad);
	r.hook = "(none)";
	return finish(name, &r, true, &h.c, 1);
}

static int hammer_slab(const char *name)
{
	return hammer(name, false);
}

static int hammer_pages(const char *name)
{
	return hammer(name, true);
}

/*
 * X1 and X2: two reallocs of one whole block, A stopped after it read the
 * block. A realloc's result: 1 in place, 2 moved, -1 refused (NULL).
 */
static long realloc_result(struct race *r, size_t size)
{
	void *p = kbuddy_realloc(r->pool, r->obj, size, GFP_KERNEL);

	return p == r->obj ? 1 : p ? 2 : -1;
}

static long op_realloc_a(struct race *r)
{
	return realloc_result(r, r->size_a);
}

static long op_realloc_b(struct race *r)
{
	return realloc_result(r, r->size_b);
}

/*
 * A block of @size (shrunk in place to @shrink first, if not 0): B's realloc
 * must work in place and A's be refused, leaving the block @want bytes.
 */
static int x_realloc(const char *name, size_t size, size_t shrink,
		     size_t size_a, size_t size_b, size_t want)
{
	struct race r = { .hook = "realloc_after_ksize", .op_a = op_realloc_a,
			  .op_b = op_realloc_b, .size_a = size_a, .size_b = size_b };
	bool hooked;
	size_t ks;

	r.pool = new_pool();
	r.obj = kbuddy_malloc(r.pool, size, GFP_KERNEL);
	if (shrink && kbuddy_realloc(r.pool, r.obj, shrink, GFP_KERNEL) != r.obj)
		fail("the %zu-byte block did not shrink in place to %zu", size, shrink);
	hooked = run_race(&r);
	ks = kbuddy_ksize(r.pool, r.obj);
	if (!(r.ret_b == 1 && r.ret_a == -1 && ks == want))
		fail("want B in place, A refused (NULL), p %zu bytes: A=%ld B=%ld ksize=%zu",
		     want, r.ret_a, r.ret_b, ks);
	kbuddy_free(r.pool, r.obj);
	return finish(name, &r, hooked, NULL, 0);
}

/*
 * X1: A reads the block's size (order 1) and stops; B shrinks the block in
 * place to order 0; A resumes. A's resize from order 1 must be refused -
 * never "moved", which would free the block B's caller now holds.
 */
static int x1_realloc_realloc(const char *name)
{
	return x_realloc(name, 8192, 0, 3000, 3500, PAGE_SIZE);
}

/*
 * X2: the mirror, on a block shrunk in place to one page (the size of the
 * largest size class, but a block). A reads it (order 0) and stops; B grows
 * it in place to order 1; A resumes. A must be refused - not take the
 * size-class path, whose move would free the block B's caller now holds.
 */
static int x2_realloc_grow_grow(const char *name)
{
	return x_realloc(name, 16384, 3000, 6000, 8192, 2 * PAGE_SIZE);
}

/* ==== R4: a pool that poisons free memory, during the poisoning ========= */

static struct kbuddy_pool *new_poison_pool(void)
{
	unsigned long saved = kbuddy_debug_default;
	struct kbuddy_pool *pool;

	kbuddy_debug_default = KBUDDY_CACHE_POISON;
	pool = new_pool();
	kbuddy_debug_default = saved;
	return pool;
}

/* B takes every page there is while A's block is being poisoned. */
static long op_alloc_all_free(struct race *r)
{
	size_t cap = POOL_BYTES / PAGE_SIZE, n = 0, i;
	void **p = calloc(cap, sizeof(*p));
	long ret = 0;

	while (p && n < cap && (p[n] = kbuddy_alloc_pages(r->pool, 0, GFP_NOWAIT)))
		n++;
	for (i = 0; i < n; i++) {
		if (p[i] >= r->obj && p[i] < r->obj + (PAGE_SIZE << r->order))
			ret = -EEXIST;	/* A's block, still being freed */
		kbuddy_free_pages(r->pool, p[i], 0);
	}
	free(p);
	return ret;
}

static void no_poison_report(struct race *r)
{
	if (r->pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN])
		fail("%lu poison reports: kbuddy wrote to free memory",
		     r->pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN]);
}

/* A's block of r->order from a poisoning pool, then the race. */
static bool r4_run(struct race *r)
{
	r->pool = new_poison_pool();
	r->obj = kbuddy_alloc_pages(r->pool, r->order, GFP_KERNEL);
	return run_race(r);
}

/* A second free of a block that is being poisoned is a double free. */
static int r4_double_free(const char *name)
{
	struct race r = { .hook = "pages_free_poison", .op_a = op_free_pages,
			  .op_b = op_free_pages, .order = 2 };
	bool hooked = r4_run(&r);

	one_wins(&r);
	if (r.ret_a)
		fail("A, which claimed the block first, returned %ld", r.ret_a);
	no_poison_report(&r);
	return finish(name, &r, hooked, NULL, 0);
}

/* Nothing hands out a block while its free is still poisoning it. */
static int r4_alloc_during_poison(const char *name)
{
	struct race r = { .hook = "pages_free_poison", .op_a = op_free_pages,
			  .op_b = op_alloc_all_free, .order = 2 };
	bool hooked = r4_run(&r);

	if (r.ret_a || r.ret_b)
		fail("free returned %ld, the allocations %ld (-EEXIST: A's block handed out)",
		     r.ret_a, r.ret_b);
	no_poison_report(&r);
	return finish(name, &r, hooked, NULL, 0);
}

/*
 * A realloc growing a block in place (order 7 to 8: above the per-CPU
 * caches, so the buddy is free), the buddies being checked: a free of the
 * block meanwhile is refused, and nothing kbuddy did writes memory another
 * caller holds.
 */
static long op_realloc_grow(struct race *r)
{
	void *p = kbuddy_realloc(r->pool, r->obj, 256 * PAGE_SIZE, GFP_KERNEL);

	return p == r->obj ? 0 : -ENOMEM;
}

static long op_free_obj(struct race *r)
{
	return kbuddy_free(r->pool, r->obj);
}

static int r4_grow(const char *name)
{
	struct race r = { .hook = "large_grow_check", .op_a = op_realloc_grow,
			  .op_b = op_free_obj };
	bool hooked;

	r.pool = new_poison_pool();
	r.obj = kbuddy_malloc(r.pool, 128 * PAGE_SIZE, GFP_KERNEL);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b != -EINVAL)
		fail("the grow returned %ld, the free %ld: want 0 and -EINVAL",
		     r.ret_a, r.ret_b);
	no_poison_report(&r);
	if (kbuddy_free(r.pool, r.obj))
		fail("the grown block could not be freed");
	return finish(name, &r, hooked, NULL, 0);
}

/* ==== R5: the lockless magazine fast paths, interrupted ================== */

/*
 * B runs on A's CPU while A is stopped between its read of the CPU's top
 * and its this_cpu_cmpxchg(): as an interrupt would, with only fast paths
 * (the magazine has rounds and room), which is all an interrupt does to
 * the magazines.
 */
static struct race *r5_setup(struct race *r)
{
	r->pool = new_pool();
	r->c = kbuddy_cache_create(r->pool, "r5", 64, 0, 0, NULL);
	r->b_on_a_cpu = true;
	/* A refill loads half a magazine; two out leaves 14 rounds in it. */
	kshim_set_cpu(CPU_A);
	r->obj = kbuddy_cache_alloc(r->c, GFP_KERNEL);
	r->obj_b = kbuddy_cache_alloc(r->c, GFP_KERNEL);
	return r;
}

static long op_alloc_a(struct race *r)
{
	r->got_a = kbuddy_cache_alloc(r->c, GFP_KERNEL);
	return r->got_a ? 0 : -ENOMEM;
}

/* Pop the round A read, then push another into its slot: an ABA. */
static long op_pop_then_push(struct race *r)
{
	r->got_b = kbuddy_cache_alloc(r->c, GFP_NOWAIT);
	if (!r->got_b)
		return -ENOMEM;
	return kbuddy_cache_free(r->c, r->obj_b);
}

static long op_free_a(struct race *r)
{
	return kbuddy_cache_free(r->c, r->obj);
}

static long op_free_b(struct race *r)
{
	return kbuddy_cache_free(r->c, r->obj_b);
}

static int r5_finish(const char *name, struct race *r, bool hooked)
{
	kshim_set_cpu(CPU_A);
	return finish(name, r, hooked, &r->c, 1);
}

/* The pop A read was taken and its slot refilled: A must not get it. */
static int r5_pop(const char *name)
{
	struct race r = { .hook = "mag_pop", .op_a = op_alloc_a,
			  .op_b = op_pop_then_push };
	bool hooked;

	r5_setup(&r);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("A returned %ld, B %ld", r.ret_a, r.ret_b);
	if (r.got_a == r.got_b)
		fail("one object handed out twice: %p", r.got_a);
	if (r.got_a != r.obj_b)
		fail("A got %p, not the object B pushed (%p)", r.got_a, r.obj_b);
	kbuddy_cache_free(r.c, r.got_a);
	kbuddy_cache_free(r.c, r.got_b);
	return r5_finish(name, &r, hooked);
}

/*
 * A free on A's CPU while A writes its round: B's object goes to its slab
 * (a round is three words; B must not publish the slot A is writing).
 */
static int r5_push_free(const char *name)
{
	struct race r = { .hook = "mag_push_words", .op_a = op_free_a,
			  .op_b = op_free_b };
	struct kbuddy_cache_info info;
	unsigned long before;
	bool hooked;

	r5_setup(&r);
	before = kbuddy_mag_top_rounds(per_cpu_ptr(r.c->cpu, CPU_A)->top);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("frees returned %ld and %ld", r.ret_a, r.ret_b);
	if (kbuddy_mag_top_rounds(per_cpu_ptr(r.c->cpu, CPU_A)->top) != before + 1)
		fail("the loaded magazine holds %u rounds, want %lu",
		     kbuddy_mag_top_rounds(per_cpu_ptr(r.c->cpu, CPU_A)->top), before + 1);
	kbuddy_cache_info(r.c, &info);
	if (info.count[KBUDDY_CACHE_NOCPU] != 1)
		fail("%lu frees went to the slabs, want 1", info.count[KBUDDY_CACHE_NOCPU]);
	return r5_finish(name, &r, hooked);
}

static long op_alloc_b(struct race *r)
{
	r->got_b = kbuddy_cache_alloc(r->c, GFP_NOWAIT);
	return r->got_b ? 0 : -ENOMEM;
}

/* An allocation on A's CPU while A writes its round: A pushes again, lower. */
static int r5_push_alloc(const char *name)
{
	struct race r = { .hook = "mag_push", .op_a = op_free_a,
			  .op_b = op_alloc_b };
	unsigned long before;
	bool hooked;

	r5_setup(&r);
	before = kbuddy_mag_top_rounds(per_cpu_ptr(r.c->cpu, CPU_A)->top);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("the free returned %ld, the allocation %ld", r.ret_a, r.ret_b);
	if (kbuddy_mag_top_rounds(per_cpu_ptr(r.c->cpu, CPU_A)->top) != before)
		fail("the loaded magazine holds %u rounds, want %lu",
		     kbuddy_mag_top_rounds(per_cpu_ptr(r.c->cpu, CPU_A)->top), before);
	if (r.got_b == r.obj)
		fail("B got the object A was freeing");
	kbuddy_cache_free(r.c, r.got_b);
	return r5_finish(name, &r, hooked);
}

/*
 * B is an interrupt on A's CPU that runs slow paths too: it empties the
 * magazines and allocates past them, then frees past full, while A is
 * stopped inside a pop, inside the writing of a round, or before a push's
 * cmpxchg. An interrupt's slow path must not change the magazines (A's
 * push writes into the loaded one): its objects go to and come from the
 * slabs, and nothing is lost or handed out twice (validate, exhaust).
 */
static long op_irq_slow_paths(struct race *r)
{
	void *objs[40];
	long ret = 0;
	int i, n = 0;

	kshim_in_irq = 1;
	for (i = 0; i < 20; i++) {
		objs[n] = kbuddy_cache_alloc(r->c, GFP_NOWAIT);
		if (!objs[n]) {
			ret = -ENOMEM;
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		if (kbuddy_cache_free(r->c, objs[i]))
			ret = -EINVAL;
	for (n = 0; n < 40 && !ret; n++) {
		objs[n] = kbuddy_cache_alloc(r->c, GFP_NOWAIT);
		if (!objs[n])
			ret = -ENOMEM;
	}
	for (i = 0; i < n; i++)
		if (objs[i] && kbuddy_cache_free(r->c, objs[i]))
			ret = -EINVAL;
	kshim_in_irq = 0;
	return ret;
}

static int r5_irq_slow(const char *name, const char *hook,
		       long (*op_a)(struct race *r))
{
	struct race r = { .hook = hook, .op_a = op_a, .op_b = op_irq_slow_paths };
	struct kbuddy_cache_info info;
	bool hooked;

	r5_setup(&r);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("A returned %ld, the interrupt %ld", r.ret_a, r.ret_b);
	kbuddy_cache_info(r.c, &info);
	if (!info.count[KBUDDY_CACHE_NOCPU])
		fail("the interrupt's slow paths never went to the slabs");
	if (r.got_a)
		kbuddy_cache_free(r.c, r.got_a);
	return r5_finish(name, &r, hooked);
}

static int r5_irq_slow_pop(const char *name)
{
	return r5_irq_slow(name, "mag_pop", op_alloc_a);
}

static int r5_irq_slow_push_words(const char *name)
{
	return r5_irq_slow(name, "mag_push_words", op_free_a);
}

static int r5_irq_slow_push(const char *name)
{
	return r5_irq_slow(name, "mag_push", op_free_a);
}

/* ==== R6: the lockless page cache fast paths, interrupted =============== */

/*
 * As R5, for the CPUs' page caches (pcp.c): B runs on A's CPU while A is
 * stopped between its read of an order's top and its this_cpu_cmpxchg().
 * A refill takes 16 order-0 blocks; two out leaves 14 in A's CPU's cache.
 */
static void r6_setup(struct race *r)
{
	r->pool = new_pool();
	r->b_on_a_cpu = true;
	kshim_set_cpu(CPU_A);
	r->obj = kbuddy_alloc_pages(r->pool, 0, GFP_KERNEL);
	r->obj_b = kbuddy_alloc_pages(r->pool, 0, GFP_KERNEL);
}

static unsigned int r6_cached(struct race *r)
{
	return kbuddy_pcp_count(per_cpu_ptr(r->pool->pcp, CPU_A), 0);
}

static unsigned long r6_refills(struct race *r)
{
	return per_cpu_ptr(r->pool->pcp, CPU_A)->events[KBUDDY_PCP_REFILL];
}

static long op_page_alloc_a(struct race *r)
{
	r->got_a = kbuddy_alloc_pages(r->pool, 0, GFP_KERNEL);
	return r->got_a ? 0 : -ENOMEM;
}

static long op_page_alloc_b(struct race *r)
{
	r->got_b = kbuddy_alloc_pages(r->pool, 0, GFP_NOWAIT);
	return r->got_b ? 0 : -ENOMEM;
}

static long op_page_free_a(struct race *r)
{
	return kbuddy_free_pages(r->pool, r->obj, 0);
}

static long op_page_free_b(struct race *r)
{
	return kbuddy_free_pages(r->pool, r->obj_b, 0);
}

/* Pop the block A read, then push another into its slot: an ABA. */
static long op_page_pop_then_push(struct race *r)
{
	r->got_b = kbuddy_alloc_pages(r->pool, 0, GFP_NOWAIT);
	if (!r->got_b)
		return -ENOMEM;
	return kbuddy_free_pages(r->pool, r->obj_b, 0);
}

/* Free what the test still holds (each free must be taken) and finish. */
static int r6_finish(const char *name, struct race *r, bool hooked,
		     void **held, int n)
{
	int i;

	kshim_set_cpu(CPU_A);
	for (i = 0; i < n; i++)
		if (held[i] && kbuddy_free_pages(r->pool, held[i], 0))
			fail("block %p, held by the test, refused when freed", held[i]);
	return finish(name, r, hooked, NULL, 0);
}

/* The block A read was taken and its slot refilled: A must not get it. */
static int r6_pop(const char *name)
{
	struct race r = { .hook = "pcp_pop", .op_a = op_page_alloc_a,
			  .op_b = op_page_pop_then_push };
	bool hooked;

	r6_setup(&r);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("A returned %ld, B %ld", r.ret_a, r.ret_b);
	if (r.got_a == r.got_b)
		fail("one block handed out twice: %p", r.got_a);
	if (r.got_a != r.obj_b)
		fail("A got %p, not the block B pushed (%p)", r.got_a, r.obj_b);
	return r6_finish(name, &r, hooked, (void *[]){ r.got_a, r.got_b, r.obj }, 3);
}

/*
 * A free on A's CPU while A writes its slot: B's block goes to the pool (a
 * slot is two words; B must not publish the slot A is writing).
 */
static int r6_push_free(const char *name)
{
	struct race r = { .hook = "pcp_push_words", .op_a = op_page_free_a,
			  .op_b = op_page_free_b };
	unsigned int before;
	bool hooked;

	r6_setup(&r);
	before = r6_cached(&r);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("frees returned %ld and %ld", r.ret_a, r.ret_b);
	if (r6_cached(&r) != before + 1)
		fail("A's CPU caches %u blocks, want %u (B's in the pool)",
		     r6_cached(&r), before + 1);
	if (per_cpu_ptr(r.pool->pcp, CPU_A)->block[0][before].addr != r.obj)
		fail("the top slot holds %p, not A's block %p",
		     per_cpu_ptr(r.pool->pcp, CPU_A)->block[0][before].addr, r.obj);
	return r6_finish(name, &r, hooked, NULL, 0);
}

/* An allocation on A's CPU while A writes its slot: A pushes again, lower. */
static int r6_push_alloc(const char *name)
{
	struct race r = { .hook = "pcp_push", .op_a = op_page_free_a,
			  .op_b = op_page_alloc_b };
	unsigned int before;
	bool hooked;

	r6_setup(&r);
	before = r6_cached(&r);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("the free returned %ld, the allocation %ld", r.ret_a, r.ret_b);
	if (r6_cached(&r) != before)
		fail("A's CPU caches %u blocks, want %u", r6_cached(&r), before);
	if (r.got_b == r.obj)
		fail("B got the block A was freeing");
	if (per_cpu_ptr(r.pool->pcp, CPU_A)->block[0][before - 1].addr != r.obj)
		fail("the top slot holds %p, not A's block %p",
		     per_cpu_ptr(r.pool->pcp, CPU_A)->block[0][before - 1].addr, r.obj);
	return r6_finish(name, &r, hooked, (void *[]){ r.got_b, r.obj_b }, 2);
}

/*
 * B is an interrupt on A's CPU that runs slow paths too: it takes 80
 * blocks (past the cache: refills, or the pool), then frees them all (past
 * full: a spill), while A is stopped inside a pop, inside the writing of a
 * slot, or before a push's cmpxchg. While A writes a slot, B must not
 * refill (a refill writes from slot 0 up). Nothing is lost or handed out
 * twice (every free taken, validate, exhaust).
 */
#define R6_IRQ_BLOCKS	80

static unsigned long r6_irq_refills;

static long op_page_irq_slow_paths(struct race *r)
{
	void *p[R6_IRQ_BLOCKS];
	unsigned long refills = r6_refills(r);
	long ret = 0;
	int i, n;

	kshim_in_irq = 1;
	for (n = 0; n < R6_IRQ_BLOCKS; n++) {
		p[n] = kbuddy_alloc_pages(r->pool, 0, GFP_NOWAIT);
		if (!p[n]) {
			ret = -ENOMEM;
			break;
		}
	}
	for (i = 0; i < n; i++)
		if (kbuddy_free_pages(r->pool, p[i], 0))
			ret = -EINVAL;
	kshim_in_irq = 0;
	r6_irq_refills = r6_refills(r) - refills;
	return ret;
}

static int r6_irq_slow(const char *name, const char *hook,
		       long (*op_a)(struct race *r), bool may_refill)
{
	struct race r = { .hook = hook, .op_a = op_a,
			  .op_b = op_page_irq_slow_paths };
	bool hooked;

	r6_setup(&r);
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("A returned %ld, the interrupt %ld", r.ret_a, r.ret_b);
	if (!may_refill && r6_irq_refills)
		fail("the interrupt refilled A's CPU's cache %lu times while A wrote a slot",
		     r6_irq_refills);
	if (may_refill && !r6_irq_refills)
		fail("the interrupt never refilled: its slow path was not run");
	if (r6_cached(&r) > kbuddy_pcp_high(0))
		fail("A's CPU caches %u blocks, more than %u", r6_cached(&r),
		     kbuddy_pcp_high(0));
	return r6_finish(name, &r, hooked,
			 (void *[]){ r.got_a, r.obj_b, op_a == op_page_alloc_a ? r.obj : NULL },
			 3);
}

static int r6_irq_slow_pop(const char *name)
{
	return r6_irq_slow(name, "pcp_pop", op_page_alloc_a, true);
}

static int r6_irq_slow_push_words(const char *name)
{
	return r6_irq_slow(name, "pcp_push_words", op_page_free_a, false);
}

static int r6_irq_slow_push(const char *name)
{
	return r6_irq_slow(name, "pcp_push", op_page_free_a, false);
}

/* ==== C1: a best-fit pick taken before it is taken ====================== */

static long op_best_fit_3(struct race *r, void **got)
{
	struct kbuddy_constraint con = { .flags = KBUDDY_CONTIG_BEST_FIT };
	struct kbuddy_contig c;
	long ret = kbuddy_alloc_contig(r->pool, 3 * PAGE_SIZE, &con, GFP_KERNEL, &c);

	*got = ret ? NULL : c.addr;
	return ret;
}

static long op_best_fit_a(struct race *r)
{
	return op_best_fit_3(r, &r->got_a);
}

static long op_best_fit_b(struct race *r)
{
	return op_best_fit_3(r, &r->got_b);
}

/*
 * C1: A's best-fit scan has picked pages [0, 3) of a fresh pool and A stops
 * between lock holds; B makes the same request and takes them. A must find
 * its pick gone where it takes it, scan again and take [4, 7): both served,
 * nothing handed out twice.
 */
static int c1_best_fit_pick_taken(const char *name)
{
	struct race r = { .hook = "contig_picked", .op_a = op_best_fit_a,
			  .op_b = op_best_fit_b };
	char *base;
	bool hooked;

	r.pool = new_pool();
	base = r.pool->regions[0].virt;
	hooked = run_race(&r);
	if (r.ret_a || r.ret_b)
		fail("best fit returned %ld (A) and %ld (B): want both 0", r.ret_a, r.ret_b);
	else if (r.got_b != base || r.got_a != base + 4 * PAGE_SIZE)
		fail("B got page %ld, A page %ld: want 0 and 4 (A's pick taken, A scanned again)",
		     ((char *)r.got_b - base) / (long)PAGE_SIZE,
		     ((char *)r.got_a - base) / (long)PAGE_SIZE);
	return finish(name, &r, hooked, NULL, 0);
}

/* ==== Driver ============================================================= */

static const struct {
	const char *name;
	int (*fn)(const char *name);
} tests[] = {
	{ "R1-slab-double-free", r1_slab },
	{ "R1-kmalloc-double-free", r1_kmalloc },
	{ "R2-pages-stale-free-pcp-drain", r2_pages_pcp },
	{ "R2-pages-stale-free-pool-drain-order2", r2_pages_pool_order2 },
	{ "R2-large-stale-free-order0", r2_large_order0 },
	{ "R2-large-stale-free-order2", r2_large_order2 },
	{ "R3-ksize-vs-destroy-forced", r3_ksize_forced },
	{ "R3-ksize-vs-free-and-destroy", r3_ksize_destroy },
	{ "R3-cache-free-vs-destroy-forced", r3_cache_free_forced },
	{ "R3-kmalloc-free-vs-destroy-forced", r3_free_forced },
	{ "X1-realloc-vs-realloc", x1_realloc_realloc },
	{ "X2-realloc-grow-vs-grow-one-page", x2_realloc_grow_grow },
	{ "R4-poisoning-double-free", r4_double_free },
	{ "R4-poisoning-alloc-all", r4_alloc_during_poison },
	{ "R4-poisoning-grow-vs-free", r4_grow },
	{ "R5-mag-pop-interrupted", r5_pop },
	{ "R5-mag-push-interrupted-by-free", r5_push_free },
	{ "R5-mag-push-interrupted-by-alloc", r5_push_alloc },
	{ "R5-mag-irq-slow-paths-in-pop", r5_irq_slow_pop },
	{ "R5-mag-irq-slow-paths-in-push-words", r5_irq_slow_push_words },
	{ "R5-mag-irq-slow-paths-in-push", r5_irq_slow_push },
	{ "R6-pcp-pop-interrupted", r6_pop },
	{ "R6-pcp-push-interrupted-by-free", r6_push_free },
	{ "R6-pcp-push-interrupted-by-alloc", r6_push_alloc },
	{ "R6-pcp-irq-slow-paths-in-pop", r6_irq_slow_pop },
	{ "R6-pcp-irq-slow-paths-in-push-words", r6_irq_slow_push_words },
	{ "R6-pcp-irq-slow-paths-in-push", r6_irq_slow_push },
	{ "C1-best-fit-pick-taken", c1_best_fit_pick_taken },
	{ "hammer-slab-double-free", hammer_slab },
	{ "hammer-pages-double-free-drain", hammer_pages },
};

/* The first line of @log that says what killed the child, and where. */
static void crash_reason(const char *log, char *out, size_t len)
{
	FILE *f = fopen(log, "r");
	char line[512], what[256] = "", where[256] = "";
	int nframes = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char *p;

		line[strcspn(line, "\n")] = 0;
		if (!what[0] && ((p = strstr(line, "ERROR: AddressSanitizer: ")) ||
				 (p = strstr(line, "runtime error: ")) ||
				 (p = strstr(line, "kshim: BUG: "))))
			snprintf(what, sizeof(what), "%.*s", (int)strcspn(p, "0123456789"), p);
		if ((p = strstr(what, " on address")) || (p = strstr(what, " at pc")))
			*p = 0;
		else if (what[0] && strstr(line, " in ") && strstr(line, "kernel/") &&
			 nframes++ < 3) {
			p = strstr(line, " in ") + 4;
			snprintf(where + strlen(where), sizeof(where) - strlen(where),
				 "%s%.*s", where[0] ? " < " : "", (int)strcspn(p, " "), p);
		}
	}
	if (f)
		fclose(f);
	snprintf(out, len, "%s%s%s", what[0] ? what : "crashed",
		 where[0] ? " in " : "", where);
}

static int run_child(int idx)
{
	char log[] = "/tmp/kbuddy-race-XXXXXX";
	int fd = mkstemp(log), status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		dup2(fd, 2);
		alarm(60);
		exit(tests[idx].fn(tests[idx].name));
	}
	waitpid(pid, &status, 0);
	close(fd);
	if (getenv("RACE_VERBOSE")) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "cat %s >&2", log);
		if (system(cmd))
			;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) <= 1) {
		char reason[600];

		/* A sanitizer that exits 1 says nothing on stdout: say it here. */
		crash_reason(log, reason, sizeof(reason));
		if (WEXITSTATUS(status) && strcmp(reason, "crashed")) {
			printf("FAIL %s: %s (log %s)\n", tests[idx].name, reason, log);
			return 1;
		}
		unlink(log);
		return WEXITSTATUS(status);
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		printf("FAIL %s: timed out (deadlock?)\n", tests[idx].name);
	} else {
		char reason[600];

		crash_reason(log, reason, sizeof(reason));
		printf("FAIL %s: %s (log %s)\n", tests[idx].name, reason, log);
		return 1;
	}
	unlink(log);
	return 1;
}

int main(int argc, char **argv)
{
	int i, j, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < (int)ARRAY_SIZE(tests); i++) {
		bool want = argc < 2;

		for (j = 1; j < argc; j++)
			want |= !strncmp(tests[i].name, argv[j], strlen(argv[j]));
		if (want)
			failed += run_child(i);
	}
	return failed ? 1 : 0;
}

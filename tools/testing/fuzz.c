// SPDX-License-Identifier: GPL-2.0
/*
 * A model-based fuzzer of kbuddy's public interface, on the userspace build
 * (threads as CPUs; one thread here, moved between CPUs at random).
 *
 * Random valid and invalid calls - pages of random orders (wrong ones, >=
 * max_order, (unsigned)-1), caches with bad arguments, the malloc family with
 * huge sizes and overflowing counts, misaligned, interior, stale, outside and
 * NULL pointers, double frees, drains - against a model of what is allocated
 * where. The oracle of every free: it succeeds iff the pointer is exactly a
 * live allocation of that interface (and order, and cache); a refused call
 * returns -EINVAL and changes nothing. After every step: no two live
 * allocations overlap, their contents are intact, the pool, page caches and
 * caches validate, every cache's objects in use match the model, and the
 * pool's pages add up. Seeded and deterministic; ASan and UBSan on.
 *
 * With --pressure, a small pool kept nearly full, and every failed request
 * put to an oracle: a fresh pool holding the same live allocations would
 * have refused it too (see "Satisfiability").
 *
 * With --faults P, fault injection (kernel/fault.c) fails P percent of the
 * checks at every allocation site of the pool: every call must then fail
 * cleanly (NULL, an errno, the pointer passed untouched) with everything
 * above still holding after every step. A request refused in a step that
 * injected a failure is not put to the oracle.
 *
 * Contiguous runs and block lists (kbuddy_alloc_contig(), _alloc_blocks())
 * under random constraints are checked against them (aligned, in range,
 * inside the boundary, zeroed when asked); each run under a random placement
 * policy lands exactly where a brute-force placement oracle over the pool's
 * free pages puts it (first, next, best or worst fit), and fails only when
 * the oracle finds no place; conflicting policies are refused; about half the frees promise the
 * run is zero (KBUDDY_FREE_CLEARED), made true by zeroing it first, so that
 * clear tracking's skipped zeroing is checked by every later __GFP_ZERO
 * request.
 *
 * With --poison every pool poisons its free memory and every cache its free
 * objects, has red zones and records its owners, and the pool its blocks'
 * (debug=PZU): after every step no pool or cache may have found a free
 * block's or object's poison or a red zone overwritten, which would mean
 * kbuddy itself wrote to free memory or past an object's end; the owner
 * records run under faults and the model.
 *
 *   fuzz [--seeds A-B] [--steps N] [--pressure] [--faults P] [--poison] [--verbose]
 *
 * Prints one line per distinct finding and "fuzz: ..." at the end; exit
 * status 1 if anything was found.
 */
#include <limits.h>
#include <linux/kernel.h>

#include "internal.h"
#include "harness.h"

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

#define MAX_ENTS	400
#define MAX_CACHES	6
#define GRAVE		64
#define TAG		16
#define CTOR_BYTE	0xc7
#define LARGE_MIN	(PAGE_SIZE + 1)

enum kind { PAGES, MALLOC, OBJ, CONTIG };

/* A live allocation in the model. */
struct ent {
	char *p;
	size_t req;		/* bytes asked for: tagged at both ends */
	size_t usable;		/* ksize() for MALLOC */
	unsigned int order;	/* PAGES, and MALLOC blocks */
	bool block;		/* MALLOC: a whole block, not a size-class object */
	int cache;		/* OBJ */
	enum kind kind;
	u8 tag;
};

struct mcache {
	struct kbuddy_cache *c;
	unsigned int size, align;
	bool ctor;
	long live;
};

static struct kbuddy_pool *pool;
static char *pool_lo, *pool_hi;
static struct ent ents[MAX_ENTS];
static int nents;
static struct mcache caches[MAX_CACHES];
static void *grave[GRAVE];
static unsigned int ngrave;
static u64 rng;
static unsigned long step, seed;
static bool verbose, stop_seed, pressure;
/* --faults: the percentage, and the failures injected before this step. */
static unsigned int faults;
static long step_injected, total_injected;
static char outside[256];

/* ==== Findings =========================================================== */

struct finding {
	char kind[160];
	char first[320];
	unsigned long count;
};

static struct finding findings[64];
static int nfindings;

static __printf(2, 3) void finding(const char *kind, const char *fmt, ...)
{
	struct finding *f;
	va_list args;
	int i;

	for (i = 0; i < nfindings; i++)
		if (!strcmp(findings[i].kind, kind))
			break;
	if (i == ARRAY_SIZE(findings))
		return;
	f = &findings[i];
	if (i == nfindings) {
		nfindings++;
		snprintf(f->kind, sizeof(f->kind), "%s", kind);
		va_start(args, fmt);
		vsnprintf(f->first, sizeof(f->first), fmt, args);
		va_end(args);
		snprintf(f->first + strlen(f->first), sizeof(f->first) - strlen(f->first),
			 " (seed %lu step %lu)", seed, step);
		if (verbose)
			fprintf(stderr, "FINDING %s: %s\n", f->kind, f->first);
	}
	f->count++;
}

/* ==== Model ============================================================== */

static u64 rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned long rnd(unsigned long n)
{
	return n ? rnd64() % n : 0;
}

static int find_exact(const void *p)
{
	int i;

	for (i = 0; i < nents; i++)
		if (ents[i].p == p)
			return i;
	return -1;
}

static size_t ent_len(const struct ent *e)
{
	return e->kind == PAGES ? PAGE_SIZE << e->order : e->req;
}

static void tag_fill(struct ent *e)
{
	size_t len = ent_len(e), n = min_t(size_t, len, TAG);

	memset(e->p, e->tag, n);
	memset(e->p + len - n, e->tag, n);
}

static bool tag_ok(const struct ent *e)
{
	size_t len = ent_len(e), n = min_t(size_t, len, TAG), i;

	for (i = 0; i < n; i++)
		if ((u8)e->p[i] != e->tag || (u8)e->p[len - n + i] != e->tag)
			return false;
	return true;
}

static void check_tag(const struct ent *e, const char *when)
{
	if (!tag_ok(e))
		finding("live allocation overwritten",
			"%s: contents of %p (%zu bytes, kind %d) changed", when, e->p,
			ent_len(e), e->kind);
}

static void bury(void *p)
{
	grave[ngrave++ % GRAVE] = p;
}

static void drop(int i)
{
	if (ents[i].kind == OBJ)
		caches[ents[i].cache].live--;
	bury(ents[i].p);
	ents[i] = ents[--nents];
}

/* Add a new allocation; it must lie in the pool and overlap nothing. */
static void add(struct ent e, const char *what)
{
	size_t len = ent_len(&e);
	int i;

	if (e.p < pool_lo || e.p + len > pool_hi) {
		finding("allocation outside the pool", "%s returned %p", what, e.p);
		return;
	}
	for (i = 0; i < nents; i++) {
		if (e.p < ents[i].p + ent_len(&ents[i]) && ents[i].p < e.p + len) {
			finding("allocation overlaps a live one",
				"%s returned %p (%zu bytes), live %p (%zu bytes)", what,
				e.p, len, ents[i].p, ent_len(&ents[i]));
			stop_seed = true;
			return;
		}
	}
	if (nents == MAX_ENTS) {
		/* The model is full: give it back rather than lose track of it. */
		int ret;

		if (e.kind == OBJ && caches[e.cache].ctor)
			memset(e.p, CTOR_BYTE, 8);
		struct kbuddy_contig c = {
			.addr = e.p, .phys = kbuddy_virt_to_phys(pool, e.p), .size = e.req,
		};

		ret = e.kind == PAGES ? kbuddy_free_pages(pool, e.p, e.order) :
			  e.kind == MALLOC ? kbuddy_free(pool, e.p) :
			  e.kind == CONTIG ? kbuddy_free_contig(pool, &c) :
			  kbuddy_cache_free(caches[e.cache].c, e.p);

		if (ret)
			finding("free of a fresh allocation refused", "%s: %p: %d", what,
				e.p, ret);
		return;
	}
	e.tag = rnd(255) + 1;
	if (e.kind == OBJ)
		caches[e.cache].live++;
	ents[nents] = e;
	tag_fill(&ents[nents++]);
}

static int pick(enum kind kind)
{
	int i, n = 0, k = 0;

	for (i = 0; i < nents; i++)
		n += ents[i].kind == kind;
	if (!n)
		return -1;
	n = rnd(n);
	for (i = 0; i < nents; i++)
		if (ents[i].kind == kind && k++ == n)
			return i;
	return -1;
}

/* A pointer for a bad call, and what it is, for the finding's name. */
static void *pick_ptr(const char **what)
{
	struct ent *e;
	size_t len;

	switch (rnd(10)) {
	case 0:
	case 1:
		if (!nents)
			break;
		e = &ents[rnd(nents)];
		*what = e->kind == PAGES ? "live pages block" :
			e->kind == MALLOC ? "live malloc block" : "live cache object";
		return e->p;
	case 2:
	case 3: {
		static const long offs[] = { 1, 8, 16, 64, PAGE_SIZE, -8 };

		if (!nents)
			break;
		e = &ents[rnd(nents)];
		len = ent_len(e);
		*what = "pointer into or next to a live allocation";
		return e->p + (rnd(2) ? offs[rnd(ARRAY_SIZE(offs))] : len);
	}
	case 4:
	case 5:
		if (!ngrave)
			break;
		*what = "freed pointer (double free)";
		return grave[rnd(min_t(unsigned int, ngrave, GRAVE))];
	case 6:
		*what = "random pool address";
		return pool_lo + (rnd(pool_hi - pool_lo) & (rnd(2) ? PAGE_MASK : ~7UL));
	case 7:
		*what = rnd(2) ? "NULL" : "ZERO_SIZE_PTR";
		return **what == 'N' ? NULL : ZERO_SIZE_PTR;
	case 8:
		*what = "pointer outside the pool";
		return rnd(2) ? (void *)outside : (void *)(pool_lo - PAGE_SIZE);
	default:
		*what = rnd(2) ? "pool end" : "ERR_PTR";
		return **what == 'p' ? (void *)pool_hi : ERR_PTR(-ENOMEM);
	}
	*what = "NULL";
	return NULL;
}

/* ==== What the pool says ================================================= */

struct snap {
	unsigned long nr_free, held;
	unsigned long active[MAX_CACHES + KBUDDY_NR_KMALLOC];
};

static struct kbuddy_cache *any_cache(int i)
{
	return i < MAX_CACHES ? caches[i].c : pool->kmalloc[i - MAX_CACHES];
}

static void take_snap(struct snap *s)
{
	unsigned long a[KBUDDY_PCP_ORDERS] = { 0 }, f[KBUDDY_PCP_ORDERS] = { 0 };
	unsigned long ev[KBUDDY_NR_PCP_COUNTERS] = { 0 }, nr_pages;
	struct kbuddy_cache_info info;
	struct kbuddy_stats st;
	int i;

	memset(s, 0, sizeof(*s));
	kbuddy_stats_snapshot(pool, &st, &nr_pages, &s->nr_free);
	kbuddy_pcp_stats(pool, a, f, ev, &s->held);
	for (i = 0; i < MAX_CACHES + KBUDDY_NR_KMALLOC; i++) {
		if (!any_cache(i))
			continue;
		kbuddy_cache_info(any_cache(i), &info);
		s->active[i] = info.active_objs;
	}
}

static void same_snap(const struct snap *before, const char *call)
{
	struct snap now;
	char kind[160];

	take_snap(&now);
	if (!memcmp(before, &now, sizeof(now)))
		return;
	snprintf(kind, sizeof(kind), "refused %s changed the pool", call);
	finding(kind, "free pages %lu -> %lu, cached %lu -> %lu", before->nr_free,
		now.nr_free, before->held, now.held);
}

/* The refused/accepted verdict of a free against the model. */
static bool check_free(const char *call, const char *what, int ret, int live)
{
	char kind[200];

	/* NULL is ignored, as kfree(NULL): 0, and nothing changes. */
	if (!strncmp(what, "NULL", 4)) {
		if (ret) {
			snprintf(kind, sizeof(kind), "%s refused NULL (%s)", call, what);
			finding(kind, "returned %d", ret);
		}
		return false;
	}
	if (live >= 0 && ret) {
		snprintf(kind, sizeof(kind), "%s refused a valid free (%s)", call, what);
		finding(kind, "returned %d", ret);
		return false;
	}
	if (live < 0 && !ret) {
		snprintf(kind, sizeof(kind), "%s accepted a bad free (%s)", call, what);
		finding(kind, "returned 0");
		return true;
	}
	if (live < 0 && ret != -EINVAL) {
		snprintf(kind, sizeof(kind), "%s refused with %d, not -EINVAL (%s)", call,
			 ret, what);
		finding(kind, "returned %d", ret);
	}
	return !ret;
}

static bool block_aligned(const void *p, unsigned int order)
{
	struct kbuddy_region *r = &pool->regions[0];
	unsigned long pfn = r->base_pfn + (((const char *)p - (char *)r->virt) >> PAGE_SHIFT);

	return PAGE_ALIGNED((const char *)p - (char *)r->virt) &&
	       !(pfn & ((1UL << order) - 1));
}

/* ==== Satisfiability ===================================================== */

/*
 * The property kbuddy's reclaim gives: a request that a fresh pool, with no
 * per-CPU caching and no empty slabs, would serve from the same set of live
 * allocations must succeed. A fresh buddy pool serves a block of @order iff
 * some naturally aligned run of 2^@order pages holds no live allocation, so
 * that is the oracle: the model's live blocks (for an object, its whole
 * slab) marked used, and a search for a free aligned run. An atomic caller
 * reclaims only its own CPU's page cache, so for it the blocks other CPUs'
 * page caches hold and every slab of every cache count as used too.
 */
static void mark_used(unsigned char *used, const void *p, size_t bytes)
{
	struct kbuddy_region *r = &pool->regions[0];
	unsigned long first = ((char *)p - (char *)r->virt) >> PAGE_SHIFT;
	unsigned long n = (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT, i;

	for (i = first; i < first + n && i < r->nr_pages; i++)
		used[i] = 1;
}

/* Every slab the caches hold: an atomic caller reclaims none of them. */
static void mark_slabs(unsigned char *used)
{
	struct kbuddy_cache *c;
	struct kbuddy_slab *slab;

	list_for_each_entry(c, &pool->caches, node) {
		list_for_each_entry(slab, &c->full, node)
			mark_used(used, slab->base, PAGE_SIZE << c->order);
		list_for_each_entry(slab, &c->partial, node)
			mark_used(used, slab->base, PAGE_SIZE << c->order);
		list_for_each_entry(slab, &c->empty, node)
			mark_used(used, slab->base, PAGE_SIZE << c->order);
	}
}

static bool satisfiable(unsigned int order, gfp_t gfp)
{
	struct kbuddy_region *r = &pool->regions[0];
	unsigned long n = r->nr_pages, i, j, run = 1UL << order;
	unsigned char *used = calloc(n, 1);
	bool ok = false;
	int e, cpu;

	for (e = 0; e < nents; e++) {
		const struct ent *x = &ents[e];
		struct kbuddy_slab *slab;

		if (x->kind == PAGES) {
			mark_used(used, x->p, PAGE_SIZE << x->order);
		} else if (x->kind == MALLOC && x->block) {
			mark_used(used, x->p, x->usable);
		} else if (x->kind == CONTIG) {
			mark_used(used, x->p, x->req);
		} else {
			slab = kbuddy_page_slab(pool, x->p);
			if (slab)
				mark_used(used, slab->base,
					  PAGE_SIZE << slab->cache->order);
		}
	}
	if (!gfpflags_allow_blocking(gfp))
		mark_slabs(used);
	if (!gfpflags_allow_blocking(gfp) && pool->pcp) {
		for_each_possible_cpu(cpu) {
			struct kbuddy_pcp *pcp = per_cpu_ptr(pool->pcp, cpu);
			unsigned int o;

			if (cpu == raw_smp_processor_id())
				continue;
			for (o = 0; o < KBUDDY_PCP_ORDERS; o++)
				for (j = 0; j < kbuddy_pcp_count(pcp, o); j++)
					mark_used(used, pcp->block[o][j].addr,
						  PAGE_SIZE << o);
		}
	}
	for (i = 0; i + run <= n && !ok; i++) {
		if ((r->base_pfn + i) & (run - 1))
			continue;
		for (j = 0; j < run && !used[i + j]; j++)
			;
		ok = j == run;
	}
	free(used);
	return ok;
}

static unsigned int class_idx(size_t c);

/* Failures fault injection made so far in the pool. */
static long injected(void)
{
	long n = 0;
	int i;

	for (i = 0; i < KBUDDY_NR_FAULT_SITES; i++)
		n += atomic_long_read(&pool->fault.injected[i]);
	return n;
}

/* A request of a block of @order failed: was that allowed? */
static void check_refusal(const char *call, unsigned int order, gfp_t gfp)
{
	/* An injected failure refuses whatever it likes. */
	if (injected() != step_injected)
		return;
	if (order < pool->max_order && satisfiable(order, gfp))
		finding("refused a request a fresh pool would serve",
			"%s: order %u, gfp %#x", call, order, gfp);
}

/* ==== Operations ========================================================= */

static gfp_t rnd_gfp(void)
{
	static const gfp_t g[] = { GFP_KERNEL, GFP_NOWAIT, GFP_ATOMIC,
				   GFP_KERNEL | __GFP_ZERO };

	return g[rnd(ARRAY_SIZE(g))];
}

static bool zeroed(const char *p, size_t len)
{
	size_t i, n = min_t(size_t, len, 8192);

	for (i = 0; i < n; i++)
		if (p[i] || p[len - 1 - i])
			return false;
	return true;
}

static void op_alloc_pages(void)
{
	unsigned int max = pool->max_order, order;
	gfp_t gfp = rnd_gfp();
	char *p;

	switch (rnd(8)) {
	case 0:
		order = max + rnd(3);
		break;
	case 1:
		order = rnd(2) ? UINT_MAX : KBUDDY_MAX_ORDER_LIMIT + 1;
		break;
	case 2:
		order = rnd(max);
		break;
	default:
		order = rnd(4);
	}
	p = kbuddy_alloc_pages(pool, order, gfp);
	if (order >= max) {
		if (p)
			finding("alloc_pages(order >= max_order) returned memory",
				"order %u gave %p", order, p);
		return;
	}
	if (!p) {
		check_refusal("kbuddy_alloc_pages", order, gfp);
		return;
	}
	if (!block_aligned(p, order))
		finding("alloc_pages block misaligned", "order %u at %p", order, p);
	if ((gfp & __GFP_ZERO) && !zeroed(p, PAGE_SIZE << order))
		finding("alloc_pages(__GFP_ZERO) not zeroed", "order %u", order);
	add((struct ent){ .p = p, .order = order, .kind = PAGES }, "alloc_pages");
}

static void op_free_pages(bool bad)
{
	static const unsigned int orders[] = { 0, 1, 2, 3, 5, 10, 11, 12, 31,
					       UINT_MAX };
	unsigned int order;
	const char *what = "live pages block";
	char desc[160];
	struct snap s;
	void *p;
	int i, live, ret;

	i = pick(PAGES);
	if (!bad) {
		if (i < 0)
			return;
		p = ents[i].p;
		order = ents[i].order;
	} else {
		p = rnd(3) || i < 0 ? pick_ptr(&what) : ents[i].p;
		order = orders[rnd(ARRAY_SIZE(orders))];
		live = find_exact(p);
		if (rnd(2) && live >= 0 && ents[live].kind == PAGES)
			order = ents[live].order + (rnd(2) ? 1 : -1);
	}
	live = find_exact(p);
	if (live >= 0 && (ents[live].kind != PAGES || ents[live].order != order))
		live = -1;
	snprintf(desc, sizeof(desc), "%s, order %s", what,
		 order == UINT_MAX ? "(unsigned)-1" :
		 order >= pool->max_order ? ">= max_order" :
		 find_exact(p) >= 0 && ents[find_exact(p)].kind == PAGES &&
		 ents[find_exact(p)].order != order ? "wrong" : "in range");
	if (live >= 0)
		check_tag(&ents[live], "free_pages");
	else
		take_snap(&s);
	ret = kbuddy_free_pages(pool, p, order);
	if (check_free("kbuddy_free_pages", desc, ret, live)) {
		i = find_exact(p);
		if (i >= 0)
			drop(i);
		else
			bury(p);
	} else if (live < 0) {
		same_snap(&s, "kbuddy_free_pages");
	}
}

/* ==== Contiguous runs and block lists =================================== */

/* A run of the model as the contig interface names it. */
static struct kbuddy_contig ent_run(const struct ent *e)
{
	return (struct kbuddy_contig){
		.addr = e->p, .phys = kbuddy_virt_to_phys(pool, e->p), .size = e->req,
	};
}

/* Random constraints a run of @npages can meet (when there is room). */
static struct kbuddy_constraint rnd_con(unsigned long npages)
{
	phys_addr_t lo = kbuddy_virt_to_phys(pool, pool_lo);
	phys_addr_t hi = lo + (pool_hi - pool_lo);
	struct kbuddy_constraint con = { 0 };

	if (!rnd(3))
		con.align = PAGE_SIZE << rnd(6);
	if (!rnd(3))
		con.boundary = (npages > 1 ? 2ULL << ilog2(npages - 1) : 1ULL) <<
			       (PAGE_SHIFT + rnd(3));
	if (!rnd(3)) {
		con.start = lo + ((u64)rnd((hi - lo) >> PAGE_SHIFT) << PAGE_SHIFT);
		if (rnd(2))
			con.end = con.start + ((u64)(npages + rnd(512)) << PAGE_SHIFT);
	}
	if (!rnd(3))
		con.flags = KBUDDY_CONTIG_TOPDOWN;
	return con;
}

static const unsigned int policies[] = {
	KBUDDY_CONTIG_FIRST_FIT, KBUDDY_CONTIG_NEXT_FIT, KBUDDY_CONTIG_BEST_FIT,
	KBUDDY_CONTIG_WORST_FIT,
};

/* The pages of region 0, 1 where a free block (in the free lists) holds one. */
static unsigned char *free_map(void)
{
	unsigned char *fr = calloc(pool->regions[0].nr_pages, 1);

	if (!fr || kbuddy_region_free_map(pool, 0, fr)) {
		free(fr);
		return NULL;
	}
	return fr;
}

/*
 * The placement oracle: where the policy in @con must put a run of @npages
 * in region 0 whose free pages are @fr, by brute force over every candidate
 * in search order (from the bottom; from the top with TOPDOWN). First fit
 * takes the first free one; next fit the first at or above @cursor, else
 * the first below it; best (worst) fit the first whose maximal free extent,
 * cut at the range, is smaller (larger) than every other's.
 * Return: true with the place in *@phys, false if nothing fits.
 */
static bool model_place(const unsigned char *fr, unsigned long npages,
			const struct kbuddy_constraint *con, unsigned long cursor,
			phys_addr_t *phys)
{
	struct kbuddy_region *r = &pool->regions[0];
	unsigned long nr = r->nr_pages, base = r->base_pfn, step, lo, hi, bnd;
	unsigned int policy = con->flags & KBUDDY_CONTIG_POLICY;
	bool topdown = con->flags & KBUDDY_CONTIG_TOPDOWN, found = false;
	unsigned long best = 0, s, j, a, b;
	long idx, last = (long)nr - (long)npages;
	int pass;

	step = max(1UL << ilog2(npages), (unsigned long)(con->align >> PAGE_SHIFT));
	lo = (con->start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	hi = con->end ? con->end >> PAGE_SHIFT : ULONG_MAX;
	bnd = con->boundary >> PAGE_SHIFT;
	for (pass = 0; pass < (policy == KBUDDY_CONTIG_NEXT_FIT ? 2 : 1) && !found; pass++) {
		for (idx = topdown ? last : 0; idx >= 0 && idx <= last; idx += topdown ? -1 : 1) {
			s = base + idx;
			if (s % step || s < lo || s + npages > hi ||
			    (bnd && s / bnd != (s + npages - 1) / bnd))
				continue;
			if (policy == KBUDDY_CONTIG_NEXT_FIT && (pass ? s >= cursor : s < cursor))
				continue;
			for (j = 0; j < npages && fr[idx + j]; j++)
				;
			if (j < npages)
				continue;
			if (policy != KBUDDY_CONTIG_BEST_FIT && policy != KBUDDY_CONTIG_WORST_FIT) {
				*phys = (phys_addr_t)s << PAGE_SHIFT;
				return true;
			}
			for (a = idx; a > 0 && fr[a - 1] && base + a - 1 >= lo; a--)
				;
			for (b = idx + npages; b < nr && fr[b] && base + b < hi; b++)
				;
			if (found && (policy == KBUDDY_CONTIG_BEST_FIT ? b - a >= best :
						      b - a <= best))
				continue;
			found = true;
			best = b - a;
			*phys = (phys_addr_t)s << PAGE_SHIFT;
		}
	}
	return found;
}

/* Does the run at @phys of @size meet @con? */
static bool meets(const struct kbuddy_constraint *con, phys_addr_t phys, size_t size)
{
	return (!con->align || !(phys & (con->align - 1))) && phys >= con->start &&
	       (!con->end || phys + size <= con->end) &&
	       (!con->boundary || phys / con->boundary == (phys + size - 1) / con->boundary);
}

/*
 * A run under random constraints and a random placement policy (now and
 * then two policies, or next fit top-down: refused, nothing changed). The
 * place is the placement oracle's, worked out from the pool's free pages
 * after the call with the run's own given back (what the search saw; one
 * thread), and -ENOMEM only when the oracle finds no place either.
 */
static void op_alloc_contig(void)
{
	unsigned long npages = 1 + rnd(rnd(4) ? 8 : 40), cursor, flags;
	size_t size = (npages << PAGE_SHIFT) - rnd(PAGE_SIZE);
	struct kbuddy_constraint con = rnd_con(npages);
	unsigned int policy = policies[rnd(ARRAY_SIZE(policies))];
	gfp_t gfp = rnd_gfp();
	struct kbuddy_contig c;
	struct snap s;
	phys_addr_t want = 0;
	unsigned char *fr;
	bool fits;
	int ret;

	if (!rnd(50)) {
		unsigned int i = 1 + rnd(3), j = 1 + (i + rnd(2)) % 3;

		switch (rnd(3)) {
		case 0:
			con.flags |= KBUDDY_CONTIG_NEXT_FIT | KBUDDY_CONTIG_TOPDOWN;
			break;
		case 1:	/* two different policies */
			con.flags |= policies[i] | policies[j];
			break;
		default:
			con.flags |= policy | BIT(4 + rnd(28));
		}
		spin_lock_irqsave(&pool->lock, flags);
		cursor = pool->contig_cursor;
		spin_unlock_irqrestore(&pool->lock, flags);
		take_snap(&s);
		ret = kbuddy_alloc_contig(pool, size, &con, gfp, &c);
		if (ret != -EINVAL)
			finding("alloc_contig with conflicting policies not refused",
				"flags %#x: %d", con.flags, ret);
		else
			same_snap(&s, "alloc_contig(conflicting policies)");
		if (ret == 0)
			add((struct ent){ .p = c.addr, .req = c.size, .kind = CONTIG },
			    "alloc_contig");
		if (pool->contig_cursor != cursor)
			finding("refused alloc_contig moved the next-fit cursor", "flags %#x",
				con.flags);
		return;
	}
	con.flags |= policy;
	if (policy == KBUDDY_CONTIG_NEXT_FIT)
		con.flags &= ~KBUDDY_CONTIG_TOPDOWN;
	spin_lock_irqsave(&pool->lock, flags);
	cursor = pool->contig_cursor;
	spin_unlock_irqrestore(&pool->lock, flags);
	ret = kbuddy_alloc_contig(pool, size, &con, gfp, &c);
	fr = pool->nr_regions == 1 ? free_map() : NULL;
	if (fr && !ret)
		memset(fr + ((c.phys >> PAGE_SHIFT) - pool->regions[0].base_pfn), 1, npages);
	fits = fr && model_place(fr, npages, &con, cursor, &want);
	free(fr);
	if (ret) {
		if (ret != -ENOMEM)
			finding("alloc_contig of a possible run refused", "%zu bytes: %d", size, ret);
		else if (fits)
			finding("alloc_contig refused a run that fits",
				"%lu pages, flags %#x: the oracle has %#llx", npages, con.flags,
				(u64)want);
		return;
	}
	if (fr && c.phys != want)
		finding("alloc_contig placed a run where its policy would not",
			"%lu pages, align %#llx, [%#llx, %#llx), boundary %#llx, flags %#x: %#llx, oracle %#llx",
			npages, con.align, (u64)con.start, (u64)con.end, con.boundary, con.flags,
			(u64)c.phys, fits ? (u64)want : 0ULL);
	if (policy == KBUDDY_CONTIG_NEXT_FIT &&
	    pool->contig_cursor != (c.phys >> PAGE_SHIFT) + npages)
		finding("next fit's cursor is not the end of its run", "%#lx",
			pool->contig_cursor);
	if (c.size != npages << PAGE_SHIFT || !meets(&con, c.phys, c.size) ||
	    kbuddy_virt_to_phys(pool, c.addr) != c.phys)
		finding("alloc_contig run breaks its request",
			"%zu bytes, align %#llx, [%#llx, %#llx), boundary %#llx: %#llx+%zu",
			size, con.align, (u64)con.start, (u64)con.end, con.boundary,
			(u64)c.phys, c.size);
	if ((gfp & __GFP_ZERO) && !zeroed(c.addr, c.size))
		finding("alloc_contig(__GFP_ZERO) not zeroed", "%zu bytes", c.size);
	add((struct ent){ .p = c.addr, .req = c.size, .kind = CONTIG }, "alloc_contig");
}

static void op_alloc_blocks(void)
{
	unsigned long npages = 1 + rnd(64), min_pages, left;
	unsigned int top = pool->max_order - 1, max = 1 + rnd(16), n = 0, i, fewest;
	struct kbuddy_constraint con = rnd_con(1);
	struct kbuddy_contig b[16];
	gfp_t gfp = rnd_gfp();
	struct snap s;
	int ret;

	if (!rnd(40)) {
		/* A placement policy is for runs only: refused, nothing changed. */
		con.flags |= policies[1 + rnd(3)];
		take_snap(&s);
		ret = kbuddy_alloc_blocks(pool, npages << PAGE_SHIFT, &con, gfp, b, max, &n);
		if (ret != -EINVAL)
			finding("alloc_blocks with a placement policy not refused", "flags %#x: %d",
				con.flags, ret);
		else
			same_snap(&s, "alloc_blocks(policy)");
		while (!ret && n--)
			add((struct ent){ .p = b[n].addr, .req = b[n].size, .kind = CONTIG },
			    "alloc_blocks");
		return;
	}
	con.boundary = 0;
	con.align = rnd(2) ? 0 : PAGE_SIZE << rnd(3);
	min_pages = max_t(unsigned long, con.align >> PAGE_SHIFT, 1);
	left = round_up(npages, min_pages);
	fewest = (left >> top) + hweight_long(left & ((1UL << top) - 1));
	ret = kbuddy_alloc_blocks(pool, npages << PAGE_SHIFT, &con, gfp, b, max, &n);
	if (ret) {
		if (ret == -EINVAL ? fewest <= max : ret != -ENOMEM && ret != -ENOSPC)
			finding("alloc_blocks refused wrongly", "%lu pages in %u: %d", npages,
				max, ret);
		return;
	}
	if (fewest > max)
		finding("alloc_blocks served more blocks than allowed", "%lu pages, max %u",
			npages, max);
	for (i = 0, left = 0; i < n; i++) {
		left += b[i].size >> PAGE_SHIFT;
		if (!is_power_of_2(b[i].size) || b[i].size < min_pages << PAGE_SHIFT ||
		    (b[i].phys & (b[i].size - 1)) || !meets(&con, b[i].phys, b[i].size))
			finding("alloc_blocks block breaks its request", "%#llx+%zu",
				(u64)b[i].phys, b[i].size);
		if ((gfp & __GFP_ZERO) && !zeroed(b[i].addr, b[i].size))
			finding("alloc_blocks(__GFP_ZERO) not zeroed", "%zu bytes", b[i].size);
		add((struct ent){ .p = b[i].addr, .req = b[i].size, .kind = CONTIG },
		    "alloc_blocks");
	}
	if (left != round_up(npages, min_pages))
		finding("alloc_blocks took the wrong number of pages", "%lu for %lu", left,
			npages);
}

/*
 * Free a live run: plainly, or zeroed first and promised clear. Or a bad
 * one (a page short, a page off, one freed before), refused unchanged.
 */
static void op_free_contig(bool bad)
{
	int i = pick(CONTIG), ret;
	struct kbuddy_contig c;
	const char *what = "live run";
	struct snap s;

	if (i < 0)
		return;
	c = ent_run(&ents[i]);
	if (bad) {
		switch (rnd(3)) {
		case 0:
			if (c.size == PAGE_SIZE)
				return;
			c.size -= PAGE_SIZE;
			what = "a page short";
			break;
		case 1:
			c.phys += PAGE_SIZE;
			what = "a page off";
			break;
		default:
			if (!ngrave)
				return;
			c.addr = grave[rnd(min_t(unsigned int, ngrave, GRAVE))];
			if (c.addr < (void *)pool_lo || c.addr >= (void *)pool_hi)
				return;
			c.phys = kbuddy_virt_to_phys(pool, c.addr);
			c.size = PAGE_SIZE;
			what = "a freed address";
			if (find_exact(c.addr) >= 0)
				return;
		}
		/* A run that happens to be live as described is not a bad one. */
		if (find_exact(kbuddy_phys_to_virt(pool, c.phys)) >= 0 &&
		    ents[find_exact(kbuddy_phys_to_virt(pool, c.phys))].kind == CONTIG &&
		    ents[find_exact(kbuddy_phys_to_virt(pool, c.phys))].req == c.size)
			return;
		take_snap(&s);
		ret = kbuddy_free_contig_flags(pool, &c, rnd(2) ? KBUDDY_FREE_CLEARED : 0);
		if (check_free("kbuddy_free_contig", what, ret, -1))
			return;
		same_snap(&s, "kbuddy_free_contig");
		return;
	}
	check_tag(&ents[i], "free_contig");
	if (rnd(2)) {
		memset(c.addr, 0, c.size);
		ret = kbuddy_free_contig_flags(pool, &c, KBUDDY_FREE_CLEARED);
	} else {
		ret = kbuddy_free_contig(pool, &c);
	}
	if (check_free("kbuddy_free_contig", what, ret, i))
		drop(i);
}

/* What kbuddy_malloc(@size) hands out: its usable size and alignment. */
static size_t usable_size(size_t size, size_t *align, unsigned int *order)
{
	static const unsigned int small[] = { 8, 16, 32, 64, 96, 128, 192 };
	unsigned int i;
	size_t c;

	*order = 0;
	if (size > PAGE_SIZE) {
		*order = get_order(size);
		*align = PAGE_SIZE << *order;
		return PAGE_SIZE << *order;
	}
	for (i = 0; i < ARRAY_SIZE(small); i++)
		if (size <= small[i])
			break;
	c = i < ARRAY_SIZE(small) ? small[i] : 1UL << (ilog2(size - 1) + 1);
	*align = max_t(size_t, c & -c, 8);
	return c;
}

static size_t rnd_size(void)
{
	size_t top = PAGE_SIZE << (pool->max_order - 1);

	switch (rnd(12)) {
	case 0:
		return 0;
	case 1:
		return rnd(2) ? SIZE_MAX : SIZE_MAX / 2 + 1;
	case 2:
		return top + 1 + rnd(PAGE_SIZE);
	case 3:
	case 4:
		return LARGE_MIN + rnd(PAGE_SIZE << rnd(6));
	default:
		return 1 + rnd(PAGE_SIZE);
	}
}

/* Check a fresh malloc-family pointer and add it to the model. */
static void add_malloc(char *p, size_t size, const char *call)
{
	unsigned int order;
	size_t align, ks, usable = usable_size(size, &align, &order);

	if ((unsigned long)p % (size > PAGE_SIZE ? PAGE_SIZE : align) ||
	    (size > PAGE_SIZE && !block_aligned(p, order)))
		finding("malloc memory misaligned", "%s(%zu) = %p", call, size, p);
	/* With red zones (debug=Z), a whole block's usable bytes are those asked for. */
	if (size > PAGE_SIZE && (pool->debug & KBUDDY_CACHE_RED_ZONE))
		usable = size;
	ks = kbuddy_ksize(pool, p);
	if (ks != usable)
		finding("ksize of a fresh allocation wrong", "%s(%zu): ksize %zu, want %zu",
			call, size, ks, usable);
	add((struct ent){ .p = p, .req = size, .usable = usable, .order = order,
	    .block = size > PAGE_SIZE, .kind = MALLOC }, call);
}

static bool too_big(size_t size)
{
	return size > PAGE_SIZE << (pool->max_order - 1);
}

static void op_malloc(void)
{
	size_t size = rnd_size();
	gfp_t gfp = rnd_gfp();
	char *p = kbuddy_malloc(pool, size, gfp);

	if (!size) {
		if (p != ZERO_SIZE_PTR)
			finding("malloc(0) not ZERO_SIZE_PTR", "got %p", p);
		return;
	}
	if (too_big(size)) {
		if (p)
			finding("malloc(too big) returned memory", "size %zu", size);
		return;
	}
	if (!p) {
		size_t align;
		unsigned int order;
		size_t cls = usable_size(size, &align, &order);

		if (size <= PAGE_SIZE)
			order = pool->kmalloc[class_idx(cls)]->order;
		check_refusal("kbuddy_malloc", order, gfp);
		return;
	}
	if ((gfp & __GFP_ZERO) && !zeroed(p, size))
		finding("malloc(__GFP_ZERO) not zeroed", "size %zu", size);
	add_malloc(p, size, "kbuddy_malloc");
}

static void op_calloc(void)
{
	size_t n = rnd(3) ? 1 + rnd(64) : (rnd(2) ? SIZE_MAX / 2 + 1 : 1UL << 33);
	size_t size = rnd(3) ? rnd(200) : (rnd(2) ? SIZE_MAX / 3 : 1UL << 31), bytes;
	bool ovf = __builtin_mul_overflow(n, size, &bytes);
	char *p = kbuddy_calloc(pool, n, size, GFP_KERNEL);

	if (ovf || too_big(bytes)) {
		if (p)
			finding("calloc overflowing or too big returned memory",
				"n %zu size %zu", n, size);
		return;
	}
	if (!bytes) {
		if (p != ZERO_SIZE_PTR)
			finding("calloc of 0 bytes not ZERO_SIZE_PTR", "got %p", p);
		return;
	}
	if (!p)
		return;
	if (!zeroed(p, bytes))
		finding("calloc memory not zeroed", "%zu bytes", bytes);
	add_malloc(p, bytes, "kbuddy_calloc");
}

static void op_free(bool bad)
{
	const char *what = "live malloc block";
	struct snap s;
	int i = pick(MALLOC), live, ret;
	void *p;

	if (!bad) {
		if (i < 0)
			return;
		p = ents[i].p;
	} else {
		p = pick_ptr(&what);
	}
	live = find_exact(p);
	if (live >= 0 && ents[live].kind != MALLOC)
		live = -1;
	if (live >= 0)
		check_tag(&ents[live], "kbuddy_free");
	else
		take_snap(&s);
	ret = kbuddy_free(pool, p);
	if (ZERO_OR_NULL_PTR(p)) {
		if (ret)
			finding("kbuddy_free(NULL or ZERO_SIZE_PTR) failed", "returned %d", ret);
		return;
	}
	if (check_free("kbuddy_free", what, ret, live)) {
		i = find_exact(p);
		if (i >= 0)
			drop(i);
	} else if (live < 0) {
		same_snap(&s, "kbuddy_free");
	}
}

static void op_ksize(void)
{
	const char *what;
	void *p = pick_ptr(&what);
	int live = find_exact(p);
	size_t ks = kbuddy_ksize(pool, p), want = 0;
	char kind[160];

	if (live >= 0 && ents[live].kind == MALLOC)
		want = ents[live].usable;
	if (ks != want) {
		snprintf(kind, sizeof(kind), "ksize wrong (%s)", what);
		finding(kind, "ksize(%p) = %zu, want %zu", p, ks, want);
	}
}

static void op_realloc(bool array)
{
	const char *what = "live malloc block";
	size_t size = rnd_size(), n = 1, bytes;
	int i = pick(MALLOC), live;
	struct snap s;
	char *p, *q;
	bool ovf;

	if (array) {
		n = rnd(2) ? 1 + rnd(8) : SIZE_MAX / 4;
		size = rnd(2) ? size / n : size;
	}
	ovf = __builtin_mul_overflow(n, size, &bytes);
	if (rnd(4) == 0 || i < 0)
		p = pick_ptr(&what);
	else
		p = ents[i].p;
	live = find_exact(p);
	if (live >= 0 && ents[live].kind != MALLOC)
		live = -1;
	if (live >= 0)
		check_tag(&ents[live], "realloc");
	take_snap(&s);
	q = array ? kbuddy_reallocarray(pool, p, n, size, GFP_KERNEL) :
		    kbuddy_realloc(pool, p, size, GFP_KERNEL);
	if (ovf || too_big(bytes)) {
		if (q)
			finding("realloc too big or overflowing returned memory",
				"n %zu size %zu gave %p", n, size, q);
		else if (live >= 0 && !tag_ok(&ents[live]))
			finding("failed realloc changed the old memory", "%p", p);
		return;
	}
	if (ZERO_OR_NULL_PTR(p)) {
		if (!bytes ? q != ZERO_SIZE_PTR : q == ZERO_SIZE_PTR)
			finding("realloc(NULL) not as malloc", "size %zu gave %p", bytes, q);
		else if (q && bytes)
			add_malloc(q, bytes, "kbuddy_realloc");
		return;
	}
	if (live < 0) {
		/* A pointer the malloc family did not hand out: refused (NULL). */
		if (q) {
			char kind[160];

			snprintf(kind, sizeof(kind), "realloc accepted a bad pointer (%s)", what);
			finding(kind, "size %zu gave %p", bytes, q);
			stop_seed = true;
			return;
		}
		same_snap(&s, "kbuddy_realloc");
		return;
	}
	if (!bytes) {
		if (q != ZERO_SIZE_PTR)
			finding("realloc(p, 0) not ZERO_SIZE_PTR", "gave %p", q);
		drop(live);
		return;
	}
	if (!q) {
		if (!tag_ok(&ents[live]))
			finding("failed realloc changed the old memory", "%p", p);
		return;
	}
	for (i = 0; i < (int)min(min_t(size_t, TAG, ents[live].req), bytes); i++)
		if ((u8)q[i] != ents[live].tag) {
			finding("realloc lost the contents", "%zu -> %zu bytes", ents[live].req,
				bytes);
			break;
		}
	if (q == p) {
		struct ent e = ents[live];
		size_t ks = kbuddy_ksize(pool, q);

		/* A block stays a block, even shrunk to one page. */
		if (e.block && (pool->debug & KBUDDY_CACHE_RED_ZONE)) {
			/* A red zone moves in its block; another order moves the block. */
			if (get_order(max_t(size_t, bytes, 1)) != e.order)
				finding("realloc resized a red-zoned block in place",
					"order %u, %zu bytes", e.order, bytes);
			e.usable = bytes;
		} else if (e.block) {
			e.order = get_order(max_t(size_t, bytes, 1));
			e.usable = PAGE_SIZE << e.order;
		} else if (bytes > e.usable) {
			finding("realloc grew a size-class object in place", "%zu -> %zu",
				e.usable, bytes);
		}
		if (ks != e.usable)
			finding("ksize after realloc in place wrong", "%zu, want %zu", ks,
				e.usable);
		e.req = bytes;
		ents[live] = e;
		tag_fill(&ents[live]);
		return;
	}
	ents[live] = ents[--nents];
	bury(p);
	add_malloc(q, bytes, "kbuddy_realloc");
}

static void ctor(void *obj)
{
	/* The object size is not passed: the smallest cache size is filled. */
	memset(obj, CTOR_BYTE, 8);
}

static int free_cache_slot(void)
{
	int i;

	for (i = 0; i < MAX_CACHES; i++)
		if (!caches[i].c)
			return i;
	return -1;
}

static bool name_taken(const char *name)
{
	struct kbuddy_cache *c;

	list_for_each_entry(c, &pool->caches, node)
		if (!strcmp(c->name, name))
			return true;
	return false;
}

static void op_cache_create(void)
{
	static const char *const names[] = { "fz0", "fz1", "fz2", "fz3",
		"kmalloc-64", "", "has space", "x23456789012345678901234567890123",
		"x234567890123456789012345678901", NULL };
	static const unsigned int aligns[] = { 0, 0, 8, 16, 64, 4096, 3, 48, 8192 };
	static const unsigned long flagset[] = { 0, 0, KBUDDY_CACHE_HWCACHE_ALIGN,
		KBUDDY_CACHE_POISON, KBUDDY_CACHE_POISON | KBUDDY_CACHE_HWCACHE_ALIGN,
		KBUDDY_CACHE_RED_ZONE, KBUDDY_CACHE_RED_ZONE | KBUDDY_CACHE_POISON,
		BIT(31), BIT(31) | KBUDDY_CACHE_HWCACHE_ALIGN, BIT(5), ~0UL };
	unsigned int top = min_t(unsigned int, 3, pool->max_order - 1);
	const char *name = names[rnd(ARRAY_SIZE(names))];
	unsigned int size = rnd(8) ? 1 + rnd(rnd(4) ? 512 : PAGE_SIZE << top) :
			    (rnd(2) ? 0 : (PAGE_SIZE << top) + rnd(2));
	unsigned int align = aligns[rnd(ARRAY_SIZE(aligns))];
	unsigned long flags = flagset[rnd(ARRAY_SIZE(flagset))];
	bool with_ctor = !rnd(4), name_ok;
	unsigned int stride, a;
	struct kbuddy_cache *c;
	int slot = free_cache_slot(), want = 0;
	size_t len, k;
	char kind[160];

	if (slot < 0)
		return;
	/* The constructor and the model write 8 bytes: no smaller objects. */
	if (with_ctor && size && size < 8)
		size = 8;
	name_ok = name && (len = strlen(name)) && len <= KBUDDY_NAME_LEN;
	for (k = 0; name_ok && k < len; k++)
		name_ok = isgraph(name[k]);
	a = max_t(unsigned int, align, 8);
	if (flags & KBUDDY_CACHE_HWCACHE_ALIGN) {
		unsigned int ralign = 64;

		while (size && size <= ralign / 2)
			ralign /= 2;
		a = max(a, ralign);
	}
	stride = flags & KBUDDY_CACHE_RED_ZONE ? ALIGN(size, 8) + 16 :
		 with_ctor ? ALIGN(size, 8) + 8 : max_t(unsigned int, size, 8);
	stride = ALIGN(stride, a);
	if (!name_ok || !size || (align && (!is_power_of_2(align) || align > PAGE_SIZE)) ||
	    (flags & ~(KBUDDY_CACHE_HWCACHE_ALIGN | KBUDDY_CACHE_DEBUG_FLAGS)) ||
	    ((flags & KBUDDY_CACHE_POISON) && with_ctor) || size > PAGE_SIZE << top ||
	    stride > PAGE_SIZE << top)
		want = -EINVAL;
	else if (name_taken(name))
		want = -EEXIST;
	c = kbuddy_cache_create(pool, name, size, align, flags, with_ctor ? ctor : NULL);
	/* A failure injected after the argument checks is -ENOMEM. */
	if (want != -EINVAL && injected() != step_injected)
		want = -ENOMEM;
	if (IS_ERR(c) ? PTR_ERR(c) != want : want) {
		snprintf(kind, sizeof(kind), "cache_create(%s%s) gave %ld, want %d",
			 flags & BIT(31) ? "flags BIT(31)" :
			 flags & ~(KBUDDY_CACHE_HWCACHE_ALIGN | KBUDDY_CACHE_DEBUG_FLAGS) ?
			 "bad flags" : "args",
			 want == -EEXIST ? ", name taken" : "",
			 IS_ERR(c) ? PTR_ERR(c) : 0L, want);
		finding(kind, "name %s size %u align %u flags %#lx ctor %d",
			name ? name : "(null)", size, align, flags, with_ctor);
	}
	if (IS_ERR(c))
		return;
	if (want) {
		/* Accepted though it should not have been: take it away again. */
		if (kbuddy_cache_destroy(c))
			stop_seed = true;
		return;
	}
	caches[slot] = (struct mcache){ .c = c, .size = size, .align = a,
					.ctor = with_ctor };
}

static int pick_cache(void)
{
	int i, n = 0, k = 0;

	for (i = 0; i < MAX_CACHES; i++)
		n += !!caches[i].c;
	if (!n)
		return -1;
	n = rnd(n);
	for (i = 0; i < MAX_CACHES; i++)
		if (caches[i].c && k++ == n)
			return i;
	return -1;
}

static void op_cache_alloc(void)
{
	int ci = pick_cache();
	gfp_t gfp = rnd_gfp();
	struct mcache *m;
	char *p;

	if (ci < 0)
		return;
	m = &caches[ci];
	p = kbuddy_cache_alloc(m->c, gfp);
	if (!p) {
		check_refusal("kbuddy_cache_alloc", m->c->order, gfp);
		return;
	}
	if ((unsigned long)p % m->align)
		finding("cache object misaligned", "%p, align %u", p, m->align);
	if (gfp & __GFP_ZERO ? !zeroed(p, m->size) :
	    m->ctor && memcmp(p, "\xc7\xc7\xc7\xc7\xc7\xc7\xc7\xc7", 8))
		finding("cache object not constructed or zeroed", "%p", p);
	add((struct ent){ .p = p, .req = m->size, .cache = ci, .kind = OBJ },
	    "kbuddy_cache_alloc");
}

static void op_cache_free(bool bad)
{
	const char *what = "live object of the cache";
	int ci = pick_cache(), i, live, ret;
	struct snap s;
	void *p;

	if (ci < 0)
		return;
	if (!bad) {
		for (i = 0; i < nents; i++)
			if (ents[i].kind == OBJ && ents[i].cache == ci)
				break;
		if (i == nents)
			return;
		p = ents[i].p;
	} else {
		p = pick_ptr(&what);
	}
	live = find_exact(p);
	if (live >= 0 && (ents[live].kind != OBJ || ents[live].cache != ci)) {
		live = -1;
		if (!strcmp(what, "live cache object"))
			what = "live object of another cache";
	}
	if (live >= 0) {
		check_tag(&ents[live], "kbuddy_cache_free");
		/* Freed in its constructed state (Bonwick). */
		if (caches[ci].ctor)
			memset(p, CTOR_BYTE, 8);
	} else {
		take_snap(&s);
	}
	ret = kbuddy_cache_free(caches[ci].c, p);
	if (check_free("kbuddy_cache_free", what, ret, live)) {
		i = find_exact(p);
		if (i >= 0)
			drop(i);
	} else if (live < 0) {
		same_snap(&s, "kbuddy_cache_free");
	}
}

static void op_cache_destroy(void)
{
	int ci = pick_cache(), ret, i;

	if (ci < 0 || !rnd(6)) {
		void *bad = rnd(2) ? NULL : ERR_PTR(-EINVAL);

		ret = kbuddy_cache_destroy(bad);
		if (ret)
			finding("cache_destroy(NULL or ERR_PTR) failed", "returned %d", ret);
		return;
	}
	ret = kbuddy_cache_destroy(caches[ci].c);
	if (caches[ci].live ? ret != -EBUSY : ret != 0) {
		finding("cache_destroy verdict wrong", "%ld live objects, returned %d",
			caches[ci].live, ret);
		stop_seed = true;
	}
	if (!ret) {
		for (i = nents - 1; i >= 0; i--)
			if (ents[i].kind == OBJ && ents[i].cache == ci)
				ents[i] = ents[--nents];
		caches[ci].c = NULL;
	}
}

static void op_shrink(void)
{
	int i = rnd(MAX_CACHES + KBUDDY_NR_KMALLOC);

	if (any_cache(i))
		kbuddy_cache_shrink(any_cache(i));
}

static void op_drain(void)
{
	unsigned long a[KBUDDY_PCP_ORDERS] = { 0 }, f[KBUDDY_PCP_ORDERS] = { 0 };
	unsigned long ev[KBUDDY_NR_PCP_COUNTERS] = { 0 }, held = 0;

	kbuddy_pool_drain(pool);
	kbuddy_pcp_stats(pool, a, f, ev, &held);
	if (held)
		finding("pages cached after a drain", "%lu", held);
}

/* ==== After every step =================================================== */

/* The size class of a class size, as kmalloc.c numbers them. */
static unsigned int class_idx(size_t c)
{
	if (c <= 64)
		return ilog2(c) - 3;
	if (c == 96)
		return 4;
	if (c == 128)
		return 5;
	if (c == 192)
		return 6;
	return ilog2(c) - 1;
}

static void check_all(bool tags)
{
	unsigned long problems = harness_validate_kmalloc(pool), pages = 0;
	unsigned long klive[KBUDDY_NR_KMALLOC] = { 0 };
	struct kbuddy_cache_info info;
	struct snap s;
	int i;

	for (i = 0; i < MAX_CACHES; i++)
		if (caches[i].c)
			problems += kbuddy_cache_validate(caches[i].c, NULL, NULL);
	if (problems) {
		finding("validate found problems", "%lu problems", problems);
		stop_seed = true;
		return;
	}
	take_snap(&s);
	for (i = 0; i < nents; i++) {
		struct ent *e = &ents[i];

		if (tags)
			check_tag(e, "periodic check");
		if (e->kind == PAGES)
			pages += 1UL << e->order;
		else if (e->kind == CONTIG)
			pages += e->req >> PAGE_SHIFT;
		else if (e->kind == MALLOC && e->block)
			pages += 1UL << e->order;
		else if (e->kind == MALLOC)
			klive[class_idx(e->usable)]++;
	}
	for (i = 0; i < MAX_CACHES + KBUDDY_NR_KMALLOC; i++) {
		struct kbuddy_cache *c = any_cache(i);
		long want;

		if (!c)
			continue;
		want = i < MAX_CACHES ? caches[i].live : klive[i - MAX_CACHES];
		if ((long)s.active[i] != want)
			finding("objects in use differ from the model", "cache %s: %lu, model %ld",
				c->name, s.active[i], want);
		kbuddy_cache_info(c, &info);
		pages += info.num_slabs << c->order;
		/* Poisoned caches: kbuddy never writes an object that is free. */
		if (info.count[KBUDDY_CACHE_POISON_OVERWRITTEN])
			finding("a free object's poison was overwritten", "cache %s: %lu times",
				c->name, info.count[KBUDDY_CACHE_POISON_OVERWRITTEN]);
		/* Red zones: nobody writes past an object, kbuddy included. */
		if (info.count[KBUDDY_CACHE_RED_ZONE_OVERWRITTEN])
			finding("a red zone was overwritten", "cache %s: %lu times",
				c->name, info.count[KBUDDY_CACHE_RED_ZONE_OVERWRITTEN]);
	}
	/* A poisoning pool: kbuddy never writes a free block either. */
	if (pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN])
		finding("a free block's poison was overwritten", "%lu times",
			pool->stats.counter[KBUDDY_PAGE_POISON_OVERWRITTEN]);
	if (pool->stats.counter[KBUDDY_RED_ZONE_OVERWRITTEN])
		finding("a malloc block's red zone was overwritten", "%lu times",
			pool->stats.counter[KBUDDY_RED_ZONE_OVERWRITTEN]);
	if (pages + s.nr_free + s.held != pool->nr_pages)
		finding("pool pages do not add up",
			"allocated %lu + free %lu + cached %lu != %lu", pages, s.nr_free,
			s.held, pool->nr_pages);
	if (kshim_bugs) {
		finding("shim reported a kernel bug", "%lu (see stderr)", kshim_bugs);
		kshim_bugs = 0;
	}
}

/* ==== Driver ============================================================= */

/*
 * The property run (--pressure): a small pool kept nearly full by valid
 * calls on several CPUs, no drains or shrinks, so that requests fail often
 * and each failure is put to the satisfiability oracle.
 */
static void pressure_step(void)
{
	unsigned int op = rnd(100);

	if (op < 34)
		op_alloc_pages();
	else if (op < 60)
		op_free_pages(false);
	else if (op < 72)
		op_malloc();
	else if (op < 82)
		op_free(false);
	else if (op < 84)
		op_cache_create();
	else if (op < 92)
		op_cache_alloc();
	else if (op < 97)
		op_cache_free(false);
	else
		kshim_set_cpu(rnd(NR_CPUS));
}

static void one_step(void)
{
	unsigned int op = rnd(112);

	if (pressure) {
		pressure_step();
		return;
	}

	if (op < 10)
		op_alloc_pages();
	else if (op < 18)
		op_free_pages(false);
	else if (op < 25)
		op_free_pages(true);
	else if (op < 36)
		op_malloc();
	else if (op < 44)
		op_free(false);
	else if (op < 49)
		op_free(true);
	else if (op < 52)
		op_calloc();
	else if (op < 58)
		op_realloc(false);
	else if (op < 60)
		op_realloc(true);
	else if (op < 64)
		op_ksize();
	else if (op < 67)
		op_cache_create();
	else if (op < 76)
		op_cache_alloc();
	else if (op < 83)
		op_cache_free(false);
	else if (op < 87)
		op_cache_free(true);
	else if (op < 89)
		op_shrink();
	else if (op < 91)
		op_cache_destroy();
	else if (op < 93)
		op_drain();
	else if (op < 100)
		kshim_set_cpu(rnd(NR_CPUS));
	else if (op < 103)
		op_alloc_contig();
	else if (op < 105)
		op_alloc_blocks();
	else if (op < 110)
		op_free_contig(false);
	else
		op_free_contig(true);
}

static void run_seed(unsigned long s, unsigned long steps)
{
	bool pcp = s % 3 != 0;
	unsigned long bytes = (pressure ? 1UL << 20 : 4UL << 20) +
			      (s % 7) * PAGE_SIZE;

	seed = s;
	rng = s * 0x9e3779b97f4a7c15ULL + 1;
	nents = 0;
	ngrave = 0;
	stop_seed = false;
	memset(caches, 0, sizeof(caches));
	kshim_set_cpu(0);
	pool = harness_pool(bytes, pcp);
	if (!pool || kbuddy_kmalloc_init(pool)) {
		finding("setup failed", "no pool");
		return;
	}
	if (faults) {
		kbuddy_fault_set(&pool->fault, KBUDDY_FAULT_TIMES, -1);
		kbuddy_fault_set(&pool->fault, KBUDDY_FAULT_PROBABILITY, faults);
	}
	pool_lo = pool->regions[0].virt;
	pool_hi = pool_lo + (pool->regions[0].nr_pages << PAGE_SHIFT);
	for (step = 0; step < steps && !stop_seed; step++) {
		step_injected = injected();
		one_step();
		kshim_rcu_quiescent();
		check_all(step % 64 == 0);
	}
	if (verbose)
		fprintf(stderr, "seed %lu: %lu steps, %d live, pcp %d, %ld faults injected\n",
			s, step, nents, pcp, injected());
	total_injected += injected();
	/* Disarmed: the static key counts armed structures. */
	kbuddy_fault_fini(&pool->fault);
	/* The pool's memory is left to the process: it may still be in use. */
}

int main(int argc, char **argv)
{
	unsigned long first = 1, last = 4, steps = 3000, s;
	unsigned long total = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seeds") && i + 1 < argc) {
			if (sscanf(argv[++i], "%lu-%lu", &first, &last) == 1)
				last = first;
		} else if (!strcmp(argv[i], "--steps") && i + 1 < argc) {
			steps = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = true;
		} else if (!strcmp(argv[i], "--pressure")) {
			pressure = true;
		} else if (!strcmp(argv[i], "--poison")) {
			/* Every cache, the size classes too, as debug=PZU. */
			kbuddy_debug_default = KBUDDY_CACHE_DEBUG_FLAGS;
		} else if (!strcmp(argv[i], "--faults") && i + 1 < argc) {
			faults = strtoul(argv[++i], NULL, 0);
			if (faults > 100) {
				fprintf(stderr, "fuzz: --faults takes a percentage, 0 to 100\n");
				return 2;
			}
		} else {
			fprintf(stderr, "usage: fuzz [--seeds A-B] [--steps N] [--pressure] [--faults P] [--poison] [--verbose]\n");
			return 2;
		}
	}
	for (s = first; s <= last; s++) {
		run_seed(s, steps);
		total += step;
	}
	rcu_barrier();
	for (i = 0; i < nfindings; i++)
		printf("FINDING %s: %lu times; first: %s\n", findings[i].kind,
		       findings[i].count, findings[i].first);
	printf("fuzz: seeds %lu-%lu, %lu steps, %d distinct findings", first, last,
	       total, nfindings);
	if (faults)
		printf(", %ld failures injected (%u%%)", total_injected, faults);
	printf("\n");
	return nfindings ? 1 : 0;
}

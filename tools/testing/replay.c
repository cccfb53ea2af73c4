// SPDX-License-Identifier: GPL-2.0
/*
 * Replay of the kernel's kmem tracepoints (tools/trace/<phase>.trace.xz, made by
 * tools/trace/capture.sh) through the userspace build of kbuddy, and the
 * peak utilization of kbuddy, of SLUB and of the kernel's page allocator on
 * the same requests.
 *
 *   replay [--pool MiB] [--slabinfo FILE] [--name NAME] TRACE
 *
 * TRACE is the text of /sys/kernel/tracing/trace (xz or gzip compressed
 * files are read through xz -dc / gzip -dc), with the events kmalloc, kfree,
 * kmem_cache_alloc, kmem_cache_free, mm_page_alloc, mm_page_free and
 * mm_page_free_batched. The trace must have real addresses (no_hash_pointers)
 * so that an object's address gives its page frame.
 *
 * Which kernel allocator served what (found in a first pass over the trace):
 *   objects  kmalloc up to 8 KiB and kmem_cache_alloc: SLUB; the trace gives
 *            bytes_req and SLUB's bytes_alloc. Their slab pages are the
 *            mm_page_alloc blocks that some traced object falls in: those
 *            page events are SLUB's, not replayed as pages.
 *   large    kmalloc over 8 KiB: the page allocator (kmalloc_large); the
 *            mm_page_alloc block at the same address is its backing.
 *   pages    every other mm_page_alloc/free: page cache, anonymous memory,
 *            page tables, vmalloc, module text, ...
 * In kbuddy: kmalloc/kfree through kbuddy_malloc/kbuddy_free, each distinct
 * (cache name, object size) through a kbuddy cache of that object size made
 * on first sight, pages through kbuddy_alloc_pages/free_pages of the same
 * order. One CPU, the per-CPU page caches on.
 *
 * Definitions (R = bytes requested and live: bytes_req of live objects and
 * large kmallocs, 4096 << order of live page blocks):
 *   t*              the event after which R is largest (a property of the
 *                   trace, the same instant for every allocator)
 *   kbuddy U        R / H at t*, H = what kbuddy handed out for the live
 *                   requests: ksize() of malloc memory, the cache's object
 *                   stride, 4096 << order of page blocks
 *   slub U          R_obj / sum(bytes_alloc) over live SLUB objects, at the
 *                   instant R_obj (SLUB-served requests) is largest
 *   buddy U         R_pg / H_pg over the kernel page allocator's own
 *                   traffic (large kmallocs at bytes_req, page blocks at
 *                   their size) at the instant R_pg is largest: page blocks
 *                   are requested whole, so only large kmallocs round
 *   parked          memory free but held where only a reclaim gives it
 *                   back, at t*: pages in per-CPU page caches and in empty
 *                   slabs, and objects in magazines (by stride); as % of
 *                   pages held (the "parked" detail line also gives it as %
 *                   of the region, and the room left in partly used slabs,
 *                   which is slab fragmentation, not parked memory)
 *   kbuddy U pages  R / (pages the pool does not have free) at t*
 *   slub U pages    R / (SLUB's slab pages live at t*, from the trace's page
 *                   events + large kmalloc blocks + page blocks)
 * Frees of memory allocated before the trace began are skipped and counted;
 * so are allocations at a live address (the earlier one's free was not
 * traced; the large kmalloc path traces some allocations twice).
 */
#include <linux/kernel.h>

#include <ctype.h>

#include "internal.h"
#include "harness.h"

enum ev_type { EV_KMALLOC, EV_KFREE, EV_CALLOC, EV_CFREE, EV_PALLOC, EV_PFREE };

/* What served a request in the kernel (set by classify()). */
enum cls { CLS_OBJ, CLS_LARGE, CLS_PAGES, CLS_SLAB };

#define SLUB_MAX_CACHE_SIZE	8192	/* KMALLOC_MAX_CACHE_SIZE, 6.12 x86-64 */

struct event {
	u64 key;		/* object address or pfn */
	u32 req, alloc;		/* bytes_req, bytes_alloc */
	u16 cache;		/* kmem_cache_alloc: index in caches[] */
	u8 type, order, cls;
};

static struct event *ev;
static unsigned long nr_ev, cap_ev;

/* ==== A hash table: key -> index, open addressing ========================= */

struct slot {
	u64 key;		/* key + 1; 0 is empty */
	u64 val;
};

struct table {
	struct slot *s;
	unsigned long mask, n;
};

static u64 hash64(u64 k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static void table_init(struct table *t, unsigned int bits)
{
	t->s = calloc(1UL << bits, sizeof(*t->s));
	t->mask = (1UL << bits) - 1;
	t->n = 0;
	if (!t->s) {
		fprintf(stderr, "replay: out of memory\n");
		exit(2);
	}
}

static void table_clear(struct table *t)
{
	memset(t->s, 0, (t->mask + 1) * sizeof(*t->s));
	t->n = 0;
}

static struct slot *table_find(struct table *t, u64 key)
{
	unsigned long i = hash64(key) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		if (!t->s[i].key)
			return NULL;
		if (t->s[i].key == key + 1)
			return &t->s[i];
	}
}

static void table_put(struct table *t, u64 key, u64 val)
{
	unsigned long i = hash64(key) & t->mask;

	if (t->n * 4 >= (t->mask + 1) * 3) {
		fprintf(stderr, "replay: hash table full\n");
		exit(2);
	}
	for (;; i = (i + 1) & t->mask) {
		if (!t->s[i].key || t->s[i].key == key + 1)
			break;
	}
	if (!t->s[i].key)
		t->n++;
	t->s[i].key = key + 1;
	t->s[i].val = val;
}

/* Remove a slot found by table_find(): shift the probe chain back. */
static void table_del(struct table *t, struct slot *sl)
{
	unsigned long i = sl - t->s, j = i, h;

	t->n--;
	for (;;) {
		t->s[i].key = 0;
		for (;;) {
			j = (j + 1) & t->mask;
			if (!t->s[j].key)
				return;
			h = hash64(t->s[j].key - 1) & t->mask;
			/* Stays if its home lies cyclically in (i, j]. */
			if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
				continue;
			break;
		}
		t->s[i] = t->s[j];
		i = j;
	}
}

/* ==== Parsing ============================================================ */

#define MAX_CACHES	4096
static struct {
	char name[64];
	u32 req, alloc;
	struct kbuddy_cache *kc;
	bool failed;
} caches[MAX_CACHES];
static unsigned int nr_caches;

#define NO_CACHE	0xffff

/* The cache of @name with objects of @req bytes, made on first sight. */
static unsigned int cache_id(const char *name, u32 req, u32 alloc)
{
	unsigned int i;

	for (i = 0; i < nr_caches; i++)
		if (caches[i].req == req && !strcmp(caches[i].name, name))
			return i;
	if (nr_caches == MAX_CACHES) {
		fprintf(stderr, "replay: more than %d caches\n", MAX_CACHES);
		exit(2);
	}
	snprintf(caches[i].name, sizeof(caches[i].name), "%s", name);
	caches[i].req = req;
	caches[i].alloc = alloc;
	return nr_caches++;
}

/* Names of caches as kmem_cache_free prints them, interned. */
static char cnames[MAX_CACHES][64];
static unsigned int nr_cnames;

static unsigned int name_id(const char *name, size_t len)
{
	unsigned int i;

	if (len >= sizeof(cnames[0]))
		len = sizeof(cnames[0]) - 1;
	for (i = 0; i < nr_cnames; i++)
		if (!strncmp(cnames[i], name, len) && !cnames[i][len])
			return i;
	if (nr_cnames == MAX_CACHES) {
		fprintf(stderr, "replay: more than %d cache names\n", MAX_CACHES);
		exit(2);
	}
	memcpy(cnames[i], name, len);
	cnames[i][len] = 0;
	return nr_cnames++;
}

static bool field(const char *line, const char *key, u64 *val, int base)
{
	const char *p = strstr(line, key);

	if (!p)
		return false;
	*val = strtoull(p + strlen(key), NULL, base);
	return true;
}

static const struct {
	const char *tag;
	enum ev_type type;
} names[] = {
	{ " kmalloc: ", EV_KMALLOC },
	{ " kfree: ", EV_KFREE },
	{ " kmem_cache_alloc: ", EV_CALLOC },
	{ " kmem_cache_free: ", EV_CFREE },
	{ " mm_page_alloc: ", EV_PALLOC },
	{ " mm_page_free: ", EV_PFREE },
	{ " mm_page_free_batched: ", EV_PFREE },
};

static unsigned long bad_lines, nr_kind[6], rb_pages;

/* How the tracing ring buffer allocates its pages (kernel/trace/ring_buffer.c). */
#define RING_BUFFER_GFP	" gfp_flags=GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_ZERO"


static void parse_line(const char *line)
{
	const char *at = NULL, *q;
	struct event e = { 0 };
	unsigned int i;
	u64 v;

	if (line[0] == '#')
		return;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const char *p = strstr(line, names[i].tag);

		if (p && (!at || p < at)) {
			at = p;
			e.type = names[i].type;
		}
	}
	if (!at)
		return;
	switch (e.type) {
	case EV_KMALLOC:
	case EV_CALLOC:
		if (!field(at, " ptr=", &e.key, 16) || !field(at, " bytes_req=", &v, 10))
			goto bad;
		e.req = v;
		if (!field(at, " bytes_alloc=", &v, 10))
			goto bad;
		e.alloc = v;
		/* 6.12 prints no name here: classify() finds it from the free. */
		e.cache = NO_CACHE;
		break;
	case EV_KFREE:
	case EV_CFREE:
		if (!field(at, " ptr=", &e.key, 16))
			goto bad;
		if (e.type == EV_CFREE) {
			q = strstr(at, " name=");
			if (!q)
				goto bad;
			q += 6;
			e.cache = name_id(q, strcspn(q, " \n"));
		}
		break;
	case EV_PALLOC:
	case EV_PFREE:
		if (!field(at, " pfn=", &e.key, 16) || !field(at, " order=", &v, 10))
			goto bad;
		if (v >= KBUDDY_DEFAULT_MAX_ORDER)
			goto bad;
		e.order = v;
		/* The trace's own buffer, allocated while tracing: not replayed. */
		q = strstr(at, RING_BUFFER_GFP);
		if (e.type == EV_PALLOC && q && isspace(q[strlen(RING_BUFFER_GFP)])) {
			rb_pages += 1UL << e.order;
			return;
		}
		break;
	}
	if (nr_ev == cap_ev) {
		cap_ev = cap_ev ? cap_ev * 2 : 1 << 20;
		ev = realloc(ev, cap_ev * sizeof(*ev));
		if (!ev) {
			fprintf(stderr, "replay: out of memory\n");
			exit(2);
		}
	}
	nr_kind[e.type]++;
	ev[nr_ev++] = e;
	return;
bad:
	bad_lines++;
}

static void read_trace(const char *path)
{
	size_t len = strlen(path), cap = 0;
	char cmd[4200], *line = NULL;
	bool pipe = false;
	FILE *f;

	if (len > 3 && !strcmp(path + len - 3, ".xz"))
		pipe = snprintf(cmd, sizeof(cmd), "xz -dc '%s'", path) > 0;
	else if (len > 3 && !strcmp(path + len - 3, ".gz"))
		pipe = snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", path) > 0;
	f = pipe ? popen(cmd, "r") : fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	while (getline(&line, &cap, f) > 0)
		parse_line(line);
	free(line);
	if (pipe ? pclose(f) != 0 : fclose(f) != 0) {
		fprintf(stderr, "replay: reading %s failed\n", path);
		exit(2);
	}
}

/* ==== Pass 1: what served each request in the kernel ===================== */

/* The direct map's base: 5-level paging (cpu max) or 4-level, nokaslr. */
static u64 obj_pfn(u64 addr)
{
	if (addr >= 0xff11000000000000ULL && addr < 0xff20000000000000ULL)
		return (addr - 0xff11000000000000ULL) >> PAGE_SHIFT;
	if (addr >= 0xffff888000000000ULL && addr < 0xffffc88000000000ULL)
		return (addr - 0xffff888000000000ULL) >> PAGE_SHIFT;
	return ~0ULL;
}

/* Live page blocks: pfn -> event index. The block of @pfn, or NULL. */
static struct slot *block_of(struct table *pages, u64 pfn)
{
	unsigned int o;

	for (o = 0; o < KBUDDY_DEFAULT_MAX_ORDER; o++) {
		struct slot *sl = table_find(pages, pfn & ~((1ULL << o) - 1));

		if (sl && ev[sl->val].order == o)
			return sl;
	}
	return NULL;
}

static unsigned long slab_blocks, large_blocks, unmatched_large;

static unsigned long unnamed;

static void classify(struct table *objs, struct table *pages)
{
	unsigned long i, j;
	struct slot *sl;

	for (i = 0; i < nr_ev; i++) {
		struct event *e = &ev[i];

		switch (e->type) {
		case EV_KFREE:
		case EV_CFREE:
			sl = table_find(objs, e->key);
			if (!sl)
				break;
			if (e->type == EV_CFREE && ev[sl->val].type == EV_CALLOC &&
			    ev[sl->val].cache == NO_CACHE)
				ev[sl->val].cache = cache_id(cnames[e->cache],
							     ev[sl->val].req,
							     ev[sl->val].alloc);
			table_del(objs, sl);
			break;
		case EV_KMALLOC:
		case EV_CALLOC:
			table_put(objs, e->key, i);
			e->cls = CLS_OBJ;
			if (e->type == EV_KMALLOC && e->alloc > SLUB_MAX_CACHE_SIZE)
				e->cls = CLS_LARGE;
			sl = block_of(pages, obj_pfn(e->key));
			if (sl) {
				struct event *b = &ev[sl->val];

				if (e->cls == CLS_LARGE) {
					if (sl->key - 1 == obj_pfn(e->key) &&
					    PAGE_SIZE << b->order == e->alloc &&
					    b->cls != CLS_SLAB) {
						if (b->cls != CLS_LARGE)
							large_blocks++;
						b->cls = CLS_LARGE;
					} else {
						unmatched_large++;
					}
				} else if (b->cls != CLS_SLAB) {
					slab_blocks++;
					b->cls = CLS_SLAB;
				}
			} else if (e->cls == CLS_LARGE) {
				unmatched_large++;
			}
			break;
		case EV_PALLOC:
			e->cls = CLS_PAGES;
			table_put(pages, e->key, i);
			break;
		case EV_PFREE:
			sl = table_find(pages, e->key);
			if (sl && ev[sl->val].order == e->order)
				table_del(pages, sl);
			break;
		}
	}
	/*
	 * Objects never freed in the trace have no name: the first cache of
	 * the same object size and stride, as SLUB's merging would do.
	 */
	for (i = 0; i < nr_ev; i++) {
		struct event *e = &ev[i];

		if (e->type != EV_CALLOC || e->cache != NO_CACHE)
			continue;
		for (j = 0; j < nr_caches; j++)
			if (caches[j].req == e->req && caches[j].alloc == e->alloc)
				break;
		if (j == nr_caches) {
			j = cache_id("(unnamed)", e->req, e->alloc);
			unnamed++;
		}
		e->cache = j;
	}
}

/* ==== Pass 2 and 3: the trace's own figures, then kbuddy ================= */

/* A live request: its allocation event, and kbuddy's memory for it. */
struct live {
	u64 ev;
	void *kb;
};

static struct live *lives;
static unsigned long nr_lives, free_live = ~0UL;

static u64 live_new(u64 evi, void *kb)
{
	u64 i;

	if (free_live != ~0UL) {
		i = free_live;
		free_live = lives[i].ev;
	} else {
		i = nr_lives++;
	}
	lives[i].ev = evi;
	lives[i].kb = kb;
	return i;
}

static void live_del(u64 i)
{
	lives[i].ev = free_live;
	free_live = i;
}

/* Live bytes by who served them; indexed by enum cls. */
struct sums {
	u64 req[4];		/* bytes requested */
	u64 kernel[4];		/* bytes the kernel handed out */
	u64 kb[4];		/* bytes kbuddy handed out */
};

struct peak {
	unsigned long at;	/* event index after which the peak holds */
	struct sums s;
	u64 value;
};

struct counts {
	unsigned long skipped_free;	/* free of memory allocated before the trace */
	unsigned long dup_alloc;	/* same address, same request, traced twice */
	unsigned long stale_alloc;	/* allocation at a live address */
	unsigned long zero;		/* kmalloc(0) */
	unsigned long fail;		/* kbuddy allocations that failed */
	unsigned long cache_fail;	/* caches kbuddy could not make */
	unsigned long free_fail;	/* kbuddy frees refused */
};

static struct kbuddy_pool *pool;
static bool with_kbuddy;
static struct counts cnt;

/* kbuddy's side of one request. */
static void *kb_alloc(struct event *e, u64 *handed)
{
	void *p = NULL;

	*handed = 0;
	if (!with_kbuddy)
		return NULL;
	if (e->type == EV_CALLOC) {
		unsigned int id = e->cache, align = 8;
		char name[16];

		if (!caches[id].kc && !caches[id].failed) {
			while (align < 64 && !(caches[id].alloc & align))
				align <<= 1;
			snprintf(name, sizeof(name), "t%u", id);
			caches[id].kc = kbuddy_cache_create(pool, name, e->req,
							    align, 0, NULL);
			if (IS_ERR(caches[id].kc)) {
				caches[id].kc = NULL;
				caches[id].failed = true;
				cnt.cache_fail++;
			}
		}
		if (caches[id].kc) {
			p = kbuddy_cache_alloc(caches[id].kc, GFP_KERNEL);
			*handed = caches[id].kc->size;
		} else {
			/* No cache for it: malloc memory of the same size. */
			p = kbuddy_malloc(pool, e->req, GFP_KERNEL);
			*handed = p ? kbuddy_ksize(pool, p) : 0;
		}
	} else if (e->type == EV_KMALLOC) {
		p = kbuddy_malloc(pool, e->req, GFP_KERNEL);
		*handed = p ? kbuddy_ksize(pool, p) : 0;
	} else {
		p = kbuddy_alloc_pages(pool, e->order, GFP_KERNEL);
		*handed = PAGE_SIZE << e->order;
	}
	if (!p) {
		cnt.fail++;
		*handed = 0;
	}
	return p;
}

static void kb_free(struct event *a, void *p)
{
	int rc;

	if (!with_kbuddy || !p)
		return;
	if (a->type == EV_CALLOC && caches[a->cache].kc)
		rc = kbuddy_cache_free(caches[a->cache].kc, p);
	else if (a->type == EV_PALLOC)
		rc = kbuddy_free_pages(pool, p, a->order);
	else
		rc = kbuddy_free(pool, p);
	if (rc)
		cnt.free_fail++;
}

static u64 req_of(struct event *e)
{
	return e->type == EV_PALLOC ? PAGE_SIZE << e->order : e->req;
}

static u64 kernel_of(struct event *e)
{
	return e->type == EV_PALLOC ? PAGE_SIZE << e->order : e->alloc;
}

/* kbuddy's handed-out bytes, kept beside the live entry. */
static u64 *kb_handed;

/*
 * The request in slot @sl of @t ends: take it out of the sums (SLUB's slab
 * pages and large kmalloc blocks are not in them) and free kbuddy's memory.
 */
static void drop(struct sums *s, u64 *slab_pages, struct table *t,
		 struct slot *sl)
{
	u64 li = sl->val;
	struct event *a = &ev[lives[li].ev];

	if (a->type == EV_PALLOC && a->cls == CLS_SLAB) {
		*slab_pages -= PAGE_SIZE << a->order;
	} else if (!(a->type == EV_PALLOC && a->cls == CLS_LARGE)) {
		s->req[a->cls] -= req_of(a);
		s->kernel[a->cls] -= kernel_of(a);
		s->kb[a->cls] -= kb_handed[li];
		kb_free(a, lives[li].kb);
	}
	table_del(t, sl);
	live_del(li);
}

static u64 total(const u64 *v)
{
	return v[CLS_OBJ] + v[CLS_LARGE] + v[CLS_PAGES];
}

/* kbuddy's state at one instant. */
struct kb_state {
	unsigned long held, free, pcp, needed, empty_slab, mag_bytes;
	unsigned long ext_free;		/* free pages in blocks below the top order */
	unsigned long slabs_pages;
};

static void kb_snapshot(struct kb_state *k)
{
	unsigned long alloc[KBUDDY_PCP_ORDERS] = { 0 }, fr[KBUDDY_PCP_ORDERS] = { 0 };
	unsigned long events[KBUDDY_NR_PCP_COUNTERS] = { 0 };
	struct kbuddy_region *r = &pool->regions[0];
	struct kbuddy_cache *c;
	unsigned int o;

	memset(k, 0, sizeof(*k));
	k->held = pool->nr_pages - pool->nr_free;
	k->free = pool->nr_free;
	kbuddy_pcp_stats(pool, alloc, fr, events, &k->pcp);
	for (o = 0; o + 1 < pool->max_order; o++)
		k->ext_free += r->free_area[o].nr_free << o;
	list_for_each_entry(c, &pool->caches, node) {
		struct kbuddy_cache_info info;

		kbuddy_cache_info(c, &info);
		k->needed += ((info.active_objs + c->objects - 1) / c->objects) << c->order;
		k->empty_slab += (info.num_slabs - info.active_slabs) << c->order;
		k->slabs_pages += info.num_slabs << c->order;
		k->mag_bytes += info.cached_objs * c->size;
	}
}

struct result {
	struct peak all, obj, pg;
	struct kb_state kb;
	struct sums end;
	u64 slab_pages_at_peak, slab_pages_end;
	unsigned long pfail;
};

/*
 * One pass over the events. Without kbuddy (@snap_at == ~0) it finds the
 * peaks; with kbuddy it replays and takes kbuddy's state at @snap_at.
 */
static void run(struct result *res, unsigned long snap_at)
{
	struct table objs, pages;
	struct sums s = { 0 };
	u64 slab_pages = 0;
	unsigned long i;

	table_init(&objs, 22);
	table_init(&pages, 22);
	nr_lives = 0;
	free_live = ~0UL;
	memset(&cnt, 0, sizeof(cnt));
	memset(&res->all, 0, sizeof(res->all));
	memset(&res->obj, 0, sizeof(res->obj));
	memset(&res->pg, 0, sizeof(res->pg));

	for (i = 0; i < nr_ev; i++) {
		struct event *e = &ev[i];
		bool is_obj = e->type == EV_KMALLOC || e->type == EV_CALLOC;
		struct table *t = is_obj || e->type == EV_KFREE || e->type == EV_CFREE ?
				  &objs : &pages;
		struct slot *sl = table_find(t, e->key);
		u64 handed, li;
		void *p;

		switch (e->type) {
		case EV_KMALLOC:
		case EV_CALLOC:
		case EV_PALLOC:
			if (e->type == EV_KMALLOC && !e->req) {
				cnt.zero++;
				break;
			}
			if (sl) {
				struct event *a = &ev[lives[sl->val].ev];

				if (a->type == e->type && a->req == e->req &&
				    a->alloc == e->alloc && a->order == e->order &&
				    a->cache == e->cache) {
					cnt.dup_alloc++;
					break;
				}
				cnt.stale_alloc++;
				drop(&s, &slab_pages, t, sl);
			}
			if (e->type == EV_PALLOC && e->cls != CLS_PAGES) {
				/*
				 * SLUB's own slab (kbuddy makes its own slabs)
				 * or a large kmalloc's block (counted with the
				 * kmalloc): remembered, not replayed.
				 */
				if (e->cls == CLS_SLAB)
					slab_pages += PAGE_SIZE << e->order;
				li = live_new(i, NULL);
				kb_handed[li] = 0;
				table_put(t, e->key, li);
				break;
			}
			p = kb_alloc(e, &handed);
			li = live_new(i, p);
			kb_handed[li] = handed;
			table_put(t, e->key, li);
			s.req[e->cls] += req_of(e);
			s.kernel[e->cls] += kernel_of(e);
			s.kb[e->cls] += handed;
			break;
		case EV_KFREE:
		case EV_CFREE:
		case EV_PFREE:
			if (!sl || (e->type == EV_PFREE &&
				    ev[lives[sl->val].ev].order != e->order)) {
				cnt.skipped_free++;
				break;
			}
			drop(&s, &slab_pages, t, sl);
			break;
		}
		if (total(s.req) > res->all.value) {
			res->all.value = total(s.req);
			res->all.at = i;
			res->all.s = s;
			res->slab_pages_at_peak = slab_pages;
		}
		if (s.req[CLS_OBJ] > res->obj.value) {
			res->obj.value = s.req[CLS_OBJ];
			res->obj.at = i;
			res->obj.s = s;
		}
		if (s.req[CLS_LARGE] + s.req[CLS_PAGES] > res->pg.value) {
			res->pg.value = s.req[CLS_LARGE] + s.req[CLS_PAGES];
			res->pg.at = i;
			res->pg.s = s;
		}
		if (with_kbuddy && i == snap_at)
			kb_snapshot(&res->kb);
	}
	res->end = s;
	res->slab_pages_end = slab_pages;
	free(objs.s);
	free(pages.s);
}

/* Pages in SLUB's slabs per /proc/slabinfo 2.1: num_slabs * pagesperslab. */
static long slabinfo_pages(const char *path)
{
	char line[1024], name[128];
	unsigned long a, n, sz, per, pps, lim, bc, sf, as, ns, ss;
	long pages = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu",
			   name, &a, &n, &sz, &per, &pps, &lim, &bc, &sf, &as, &ns, &ss) == 12)
			pages += ns * pps;
	}
	fclose(f);
	return pages;
}

static double ratio(u64 a, u64 b)
{
	return b ? (double)a / b : 0;
}

int main(int argc, char **argv)
{
	const char *slabinfo = NULL, *name = NULL, *path = NULL;
	static char base[256];
	unsigned long pool_mib = 1024;	/* the memory of the VM that made the traces */
	struct table objs, pages;
	struct result res;
	struct kb_state *k = &res.kb;
	u64 R, needed;
	double parked;
	long si;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--pool") && a + 1 < argc)
			pool_mib = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--slabinfo") && a + 1 < argc)
			slabinfo = argv[++a];
		else if (!strcmp(argv[a], "--name") && a + 1 < argc)
			name = argv[++a];
		else if (argv[a][0] != '-' && !path)
			path = argv[a];
		else {
			fprintf(stderr, "usage: replay [--pool MiB] [--slabinfo FILE] [--name NAME] TRACE\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: replay [--pool MiB] [--slabinfo FILE] [--name NAME] TRACE\n");
		return 2;
	}
	if (!name) {
		const char *b = strrchr(path, '/');

		b = b ? b + 1 : path;
		snprintf(base, sizeof(base), "%.*s", (int)strcspn(b, "."), b);
		name = base;
	}
	read_trace(path);
	if (nr_ev < 1000) {
		fprintf(stderr, "replay: %s: only %lu events\n", path, nr_ev);
		return 2;
	}
	lives = malloc(nr_ev * sizeof(*lives));
	kb_handed = malloc(nr_ev * sizeof(*kb_handed));
	if (!lives || !kb_handed) {
		fprintf(stderr, "replay: out of memory\n");
		return 2;
	}
	table_init(&objs, 22);
	table_init(&pages, 22);
	classify(&objs, &pages);
	free(objs.s);
	free(pages.s);

	/* Pass 2: the trace alone, for the peaks. */
	with_kbuddy = false;
	run(&res, ~0UL);
	/* Pass 3: kbuddy, its state taken at t*. */
	pool = harness_pool(pool_mib << 20, true);
	if (!pool || kbuddy_kmalloc_init(pool)) {
		fprintf(stderr, "replay: no pool of %lu MiB\n", pool_mib);
		return 2;
	}
	with_kbuddy = true;
	{
		unsigned long at = res.all.at;

		run(&res, at);
		if (res.all.at != at) {
			fprintf(stderr, "replay: the peak moved between passes\n");
			return 2;
		}
	}

	printf("trace %s: %lu events: kmalloc %lu kfree %lu kmem_cache_alloc %lu kmem_cache_free %lu mm_page_alloc %lu mm_page_free %lu; %lu unparsed lines\n",
	       name, nr_ev, nr_kind[EV_KMALLOC], nr_kind[EV_KFREE], nr_kind[EV_CALLOC],
	       nr_kind[EV_CFREE], nr_kind[EV_PALLOC], nr_kind[EV_PFREE], bad_lines);
	printf("classes %s: %lu slab blocks (SLUB's), %lu large kmalloc blocks, %lu large kmallocs with no traced block, %u caches (%lu unnamed), %lu ring buffer pages ignored\n",
	       name, slab_blocks, large_blocks, unmatched_large, nr_caches, unnamed, rb_pages);
	printf("skipped %s: %lu frees of memory allocated before the trace, %lu allocations traced twice, %lu at a live address, %lu kmalloc(0)\n",
	       name, cnt.skipped_free, cnt.dup_alloc, cnt.stale_alloc, cnt.zero);
	printf("kbuddy %s: pool %lu MiB, %lu failed allocations, %lu caches not made, %lu frees refused, validate %s\n",
	       name, pool_mib, cnt.fail, cnt.cache_fail, cnt.free_fail,
	       harness_validate_kmalloc(pool) ? "FAILED" : "ok");

	R = total(res.all.s.req);
	needed = (res.all.s.kb[CLS_LARGE] + res.all.s.kb[CLS_PAGES]) / PAGE_SIZE + k->needed;
	printf("peak %s: event %lu of %lu: requested %llu bytes (objects %llu, large %llu, pages %llu)\n",
	       name, res.all.at + 1, nr_ev, R, res.all.s.req[CLS_OBJ],
	       res.all.s.req[CLS_LARGE], res.all.s.req[CLS_PAGES]);
	printf("handed-out %s: kbuddy %llu bytes (objects %llu, large %llu), kernel %llu bytes (SLUB objects %llu, large %llu)\n",
	       name, total(res.all.s.kb), res.all.s.kb[CLS_OBJ], res.all.s.kb[CLS_LARGE],
	       total(res.all.s.kernel), res.all.s.kernel[CLS_OBJ], res.all.s.kernel[CLS_LARGE]);
	printf("kbuddy-pages %s: held %lu pages: needed %llu, per-CPU cached %lu, empty slabs %lu, magazines %lu bytes; slab pages %lu; free %lu of which %lu in blocks below the top order\n",
	       name, k->held, needed, k->pcp, k->empty_slab, k->mag_bytes, k->slabs_pages,
	       k->free, k->ext_free);
	printf("wastes %s: rounding %llu bytes, external %lu pages (free below the top order; no allocation failed: %s), parked %lld pages\n",
	       name, total(res.all.s.kb) - R, k->ext_free, cnt.fail ? "no" : "yes",
	       (long long)k->held - (long long)needed);
	printf("same-requests %s: objects (at the SLUB peak): kbuddy %.3f slub %.3f; page allocator traffic (at its peak): kbuddy %.3f buddy %.3f; all at t*: kbuddy %.3f kernel %.3f\n",
	       name, ratio(res.obj.s.req[CLS_OBJ], res.obj.s.kb[CLS_OBJ]),
	       ratio(res.obj.s.req[CLS_OBJ], res.obj.s.kernel[CLS_OBJ]),
	       ratio(res.pg.s.req[CLS_LARGE] + res.pg.s.req[CLS_PAGES],
		     res.pg.s.kb[CLS_LARGE] + res.pg.s.kb[CLS_PAGES]),
	       ratio(res.pg.s.req[CLS_LARGE] + res.pg.s.req[CLS_PAGES],
		     res.pg.s.kernel[CLS_LARGE] + res.pg.s.kernel[CLS_PAGES]),
	       ratio(R, total(res.all.s.kb)), ratio(R, total(res.all.s.kernel)));
	si = slabinfo ? slabinfo_pages(slabinfo) : -1;
	if (si >= 0) {
		u64 Re = total(res.end.req);
		u64 pe = (res.end.kernel[CLS_LARGE] + res.end.kernel[CLS_PAGES]) / PAGE_SIZE;

		printf("slabinfo %s: end of trace: /proc/slabinfo %ld slab pages, the trace's page events %llu; U pages at the end: with slabinfo %.3f, with the trace %.3f\n",
		       name, si, res.slab_pages_end / PAGE_SIZE,
		       ratio(Re, (si + pe) * PAGE_SIZE),
		       ratio(Re, res.slab_pages_end + pe * PAGE_SIZE));
	}

	/* Parked: free but held, where only a reclaim gives it back. */
	parked = k->pcp + k->empty_slab + k->mag_bytes / PAGE_SIZE;
	printf("parked %s: %.2f pages: per-CPU cached %lu, empty slabs %lu, magazines %.2f; %.3f%% of held, %.4f%% of the %lu MiB region; room in partly used slabs %lld pages\n",
	       name, parked, k->pcp, k->empty_slab, (double)k->mag_bytes / PAGE_SIZE,
	       k->held ? 100.0 * parked / k->held : 0,
	       100.0 * parked / (pool_mib << (20 - PAGE_SHIFT)), pool_mib,
	       (long long)k->held - (long long)needed - (long long)(k->pcp + k->empty_slab));
	printf("utilization %s: kbuddy %.3f slub %.3f buddy %.3f parked %.1f%%\n", name,
	       ratio(R, total(res.all.s.kb)),
	       ratio(res.obj.s.req[CLS_OBJ], res.obj.s.kernel[CLS_OBJ]),
	       ratio(res.pg.s.req[CLS_LARGE] + res.pg.s.req[CLS_PAGES],
		     res.pg.s.kernel[CLS_LARGE] + res.pg.s.kernel[CLS_PAGES]),
	       k->held ? 100.0 * parked / k->held : 0);
	printf("utilization-pages %s: kbuddy %.3f slub %.3f\n", name,
	       ratio(R, (u64)k->held * PAGE_SIZE),
	       ratio(R, res.slab_pages_at_peak + res.all.s.kernel[CLS_LARGE] +
			res.all.s.kernel[CLS_PAGES]));
	return cnt.fail || cnt.free_fail ? 1 : 0;
}

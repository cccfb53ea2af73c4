// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy-stat - a live, top-like summary of kbuddy's pools, read from its
 * debugfs files (/sys/kernel/debug/kbuddy/, formats in
 * Documentation/admin-guide.rst). Built static, so that it runs in the
 * test VM's busybox initramfs:
 *
 *   gcc -static -O2 -Wall -Wextra -Werror -o kbuddy-stat kbuddy-stat.c
 *
 *   kbuddy-stat [-d SECONDS] [-n N] [-p POOL] [--root DIR]   refresh, as top
 *   kbuddy-stat -1 [-p POOL] [--root DIR]                      one snapshot
 *   kbuddy-stat --json [-p POOL] [--root DIR]                  one, as JSON
 *
 * Every file is parsed by a function over a buffer (parse_pools(),
 * parse_buddyinfo(), parse_stats(), parse_slabinfo(), parse_extfrag(),
 * parse_histogram(), parse_map()), which never trusts it: a line that does
 * not have its file's shape is skipped and counted as malformed, a number
 * that is not a plain decimal fitting in 64 bits is absent ("?" in the
 * text, null in JSON), and a last line without its newline is taken as cut
 * short by the reader and skipped. A missing or unreadable file is said in
 * its pool's section; only a missing root ends the program (exit 1).
 *
 * Built with -DKBUDDY_STAT_NO_MAIN, the file is a library of those parsers
 * for the tests (parsers_test.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ==== Limits ============================================================ */

/* kbuddy's pages (PAGE_SIZE on x86_64, where kbuddy runs and is tested). */
#define PAGE_BYTES	4096ULL
/* Orders and regions a parser keeps (kbuddy: orders < 24, 64 regions). */
#define MAX_ORDERS	32
#define MAX_REGIONS	64
/* Names (kbuddy: 31 characters at most); a longer one makes its line malformed. */
#define NAME_LEN	64
/* A longer line is malformed (a latency line is some 700 bytes at most). */
#define LINE_MAX_LEN	4096
/* Tokens a line may have. */
#define MAX_TOKENS	64
/* The most of a file read; beyond it the file is taken as cut short. */
#define FILE_MAX	(64u << 20)
/* Latency buckets of the histogram file: [2^i, 2^(i+1)) ns. */
#define NR_BUCKETS	32
#define MAX_LATENCY	16
#define MAX_SIZES	64
#define DEFAULT_ROOT	"/sys/kernel/debug/kbuddy"

/* ==== Numbers and tokens ================================================ */

/* A number from a file: ok is false when it was absent or malformed. */
struct num {
	uint64_t v;
	bool ok;
};

struct tok {
	const char *s;
	size_t n;
};

static bool tok_eq(struct tok t, const char *s)
{
	return strlen(s) == t.n && !memcmp(t.s, s, t.n);
}

/* A plain decimal that fits in 64 bits; nothing else. */
static bool parse_u64(struct tok t, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!t.n || t.n > 20)
		return false;
	for (i = 0; i < t.n; i++) {
		unsigned int d = (unsigned char)t.s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static struct num tok_num(struct tok t)
{
	struct num n = { 0, false };

	n.ok = parse_u64(t, &n.v);
	return n;
}

/* "0x" and hex digits, fitting in 64 bits. */
static bool parse_hex(struct tok t, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (t.n < 3 || t.n > 18 || t.s[0] != '0' || t.s[1] != 'x')
		return false;
	for (i = 2; i < t.n; i++) {
		char c = t.s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* An index as the extfrag files print it, "-1.000" or "0.499", in thousandths. */
static bool parse_milli(struct tok t, int64_t *out)
{
	bool neg = t.n && t.s[0] == '-';
	size_t i = neg, dot;
	int64_t v = 0;

	for (dot = i; dot < t.n && t.s[dot] != '.'; dot++)
		;
	/* At most 6 integer digits: the indices lie in [-1, 1]. */
	if (dot == i || dot - i > 6 || dot + 4 != t.n)
		return false;
	for (; i < t.n; i++) {
		if (i == dot)
			continue;
		if (t.s[i] < '0' || t.s[i] > '9')
			return false;
		v = v * 10 + (t.s[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

/* Copy a token as a name: false if empty, too long, or not printable ASCII. */
static bool tok_name(struct tok t, char *out, size_t size)
{
	size_t i;

	if (!t.n || t.n >= size)
		return false;
	for (i = 0; i < t.n; i++)
		if ((unsigned char)t.s[i] <= ' ' || (unsigned char)t.s[i] >= 0x7f)
			return false;
	memcpy(out, t.s, t.n);
	out[t.n] = '\0';
	return true;
}

/* A pool name that is safe as a directory name under the root. */
static bool pool_name_ok(const char *s)
{
	return *s && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/') &&
	       strlen(s) < NAME_LEN;
}

/* Split @len bytes at @line by blanks. Return: the tokens, or -1 if too many. */
static int split(const char *line, size_t len, struct tok *t, int max)
{
	size_t i = 0;
	int n = 0;

	for (;;) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			return n;
		if (n == max)
			return -1;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		t[n].s = line + start;
		t[n].n = i - start;
		n++;
	}
}

/*
 * Lines of a buffer: next_line() gives each complete line in turn
 * (without its newline); a line longer than LINE_MAX_LEN and a last line
 * without its newline are counted in *malformed and skipped.
 */
struct lines {
	const char *p, *end;
};

static bool next_line(struct lines *l, struct tok *line, size_t *malformed)
{
	while (l->p < l->end) {
		const char *nl = memchr(l->p, '\n', l->end - l->p);

		if (!nl) {
			(*malformed)++;
			l->p = l->end;
			return false;
		}
		line->s = l->p;
		line->n = nl - l->p;
		l->p = nl + 1;
		if (line->n > LINE_MAX_LEN) {
			(*malformed)++;
			continue;
		}
		return true;
	}
	return false;
}

static struct lines lines_of(const char *buf, size_t len)
{
	struct lines l = { buf, buf + len };

	return l;
}

/* a + b, a * b with overflow as absence. */
static struct num num_add(struct num a, struct num b)
{
	struct num r = { 0, a.ok && b.ok };

	if (r.ok && __builtin_add_overflow(a.v, b.v, &r.v))
		r.ok = false;
	return r;
}

static struct num num_mul(struct num a, uint64_t b)
{
	struct num r = { 0, a.ok };

	if (r.ok && __builtin_mul_overflow(a.v, b, &r.v))
		r.ok = false;
	return r;
}

static struct num num_of(uint64_t v)
{
	struct num r = { v, true };

	return r;
}

/* ==== pools ============================================================= */

/* One line of kbuddy/pools. */
struct pool_line {
	char name[NAME_LEN];
	char kind[16];
	char regions[1024];
	struct num max_order, pages, free, cached, used;
};

/*
 * kbuddy/pools: "NAME kind=KIND max_order=N pages=N free=N cached=N used=N
 * regions=START-END[,...]". Unknown keys are ignored; a missing or bad value
 * is absent; a line whose name is not a safe directory name, or a second line
 * of a name, is malformed. Return: malformed lines; *out (malloc'ed, *nr of
 * them) the pools in the file's order.
 */
size_t parse_pools(const char *buf, size_t len, struct pool_line **out, size_t *nr)
{
	struct lines l = lines_of(buf, len);
	size_t malformed = 0, n = 0, i;
	struct pool_line *pl = NULL;
	struct tok line, t[MAX_TOKENS];

	while (next_line(&l, &line, &malformed)) {
		struct pool_line p;
		int nt = split(line.s, line.n, t, MAX_TOKENS), k;
		bool dup = false;

		if (nt == 0)
			continue;
		memset(&p, 0, sizeof(p));
		if (nt < 0 || !tok_name(t[0], p.name, sizeof(p.name)) ||
		    !pool_name_ok(p.name) || memchr(t[0].s, '=', t[0].n)) {
			malformed++;
			continue;
		}
		for (i = 0; i < n; i++)
			dup |= !strcmp(pl[i].name, p.name);
		if (dup) {
			malformed++;
			continue;
		}
		for (k = 1; k < nt; k++) {
			const char *eq = memchr(t[k].s, '=', t[k].n);
			struct tok key, val;

			if (!eq)
				continue;
			key.s = t[k].s;
			key.n = eq - t[k].s;
			val.s = eq + 1;
			val.n = t[k].n - key.n - 1;
			if (tok_eq(key, "kind")) {
				if (!tok_name(val, p.kind, sizeof(p.kind)))
					p.kind[0] = '\0';
			} else if (tok_eq(key, "max_order")) {
				p.max_order = tok_num(val);
			} else if (tok_eq(key, "pages")) {
				p.pages = tok_num(val);
			} else if (tok_eq(key, "free")) {
				p.free = tok_num(val);
			} else if (tok_eq(key, "cached")) {
				p.cached = tok_num(val);
			} else if (tok_eq(key, "used")) {
				p.used = tok_num(val);
			} else if (tok_eq(key, "regions")) {
				size_t j;
				bool ok = tok_name(val, p.regions, sizeof(p.regions));

				for (j = 0; ok && p.regions[j]; j++)
					ok = strchr("0123456789abcdefABCDEFx,-", p.regions[j]);
				if (!ok)
					p.regions[0] = '\0';
			}
		}
		pl = realloc(pl, (n + 1) * sizeof(*pl));
		if (!pl) {
			perror("kbuddy-stat");
			exit(1);
		}
		pl[n++] = p;
	}
	*out = pl;
	*nr = n;
	return malformed;
}

/* ==== buddyinfo and extfrag ============================================= */

/* Per region, one value per order: free blocks, or an index in thousandths. */
struct per_order {
	size_t nr_regions;
	unsigned int orders[MAX_REGIONS];	/* values on the region's line */
	struct num region[MAX_REGIONS];		/* its number */
	struct num v[MAX_REGIONS][MAX_ORDERS];	/* v.v as int64_t for extfrag */
	size_t malformed;
};

/*
 * The lines of buddyinfo and of the extfrag files:
 * "Pool NAME, region N V V ...". The text after the last ", region " holds
 * the region's number and its values; each value parsed by @parse, absent
 * if it does not parse. Values past MAX_ORDERS make the line malformed.
 */
static void parse_per_order(const char *buf, size_t len, struct per_order *po,
			    bool (*parse)(struct tok, uint64_t *))
{
	struct lines l = lines_of(buf, len);
	struct tok line, t[MAX_ORDERS + 2];

	memset(po, 0, sizeof(*po));
	while (next_line(&l, &line, &po->malformed)) {
		const char *r = NULL, *p;
		size_t i;
		int nt, k;

		for (p = line.s; (p = memmem(p, line.s + line.n - p, ", region ", 9)); p++)
			r = p;
		if (line.n < 5 || memcmp(line.s, "Pool ", 5) || !r) {
			if (split(line.s, line.n, t, 1))
				po->malformed++;
			continue;
		}
		r += 9;
		nt = split(r, line.s + line.n - r, t, MAX_ORDERS + 1);
		if (nt < 1 || po->nr_regions == MAX_REGIONS) {
			po->malformed++;
			continue;
		}
		i = po->nr_regions++;
		po->region[i] = tok_num(t[0]);
		po->orders[i] = nt - 1;
		for (k = 1; k < nt; k++)
			po->v[i][k - 1].ok = parse(t[k], &po->v[i][k - 1].v);
	}
}

static bool parse_milli_u(struct tok t, uint64_t *v)
{
	int64_t s;

	if (!parse_milli(t, &s))
		return false;
	*v = (uint64_t)s;
	return true;
}

/* buddyinfo: free blocks per order, one line per region. */
void parse_buddyinfo(const char *buf, size_t len, struct per_order *bi)
{
	parse_per_order(buf, len, bi, parse_u64);
}

/* extfrag/unusable_index or extfrag/extfrag_index: thousandths, signed. */
void parse_extfrag(const char *buf, size_t len, struct per_order *ef)
{
	parse_per_order(buf, len, ef, parse_milli_u);
}

/* Orders of a per_order: the most any region's line has. */
static unsigned int po_orders(const struct per_order *po)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < po->nr_regions; i++)
		if (po->orders[i] > n)
			n = po->orders[i];
	return n;
}

/* Free blocks of @order in all regions; absent if any region's is. */
static struct num bi_total(const struct per_order *bi, unsigned int order)
{
	struct num sum = num_of(0);
	size_t i;

	for (i = 0; i < bi->nr_regions; i++) {
		struct num v = order < bi->orders[i] ? bi->v[i][order] : num_of(0);

		sum = num_add(sum, v);
	}
	return sum;
}

/* ==== stats ============================================================= */

struct stat_entry {
	char name[NAME_LEN];
	struct num v;
};

struct stats {
	struct stat_entry *e;
	size_t nr;
	size_t malformed;
};

/* stats: "name value" per line; a bad value is absent, a bad line malformed. */
void parse_stats(const char *buf, size_t len, struct stats *st)
{
	struct lines l = lines_of(buf, len);
	struct tok line, t[3];

	memset(st, 0, sizeof(*st));
	while (next_line(&l, &line, &st->malformed)) {
		struct stat_entry e;
		int nt = split(line.s, line.n, t, 3);

		if (nt == 0)
			continue;
		if (nt != 2 || !tok_name(t[0], e.name, sizeof(e.name))) {
			st->malformed++;
			continue;
		}
		e.v = tok_num(t[1]);
		st->e = realloc(st->e, (st->nr + 1) * sizeof(*st->e));
		if (!st->e) {
			perror("kbuddy-stat");
			exit(1);
		}
		st->e[st->nr++] = e;
	}
}

static struct num stat_get(const struct stats *st, const char *name)
{
	struct num none = { 0, false };
	size_t i;

	for (i = 0; i < st->nr; i++)
		if (!strcmp(st->e[i].name, name))
			return st->e[i].v;
	return none;
}

/* The refusal counters: bad_free_* (pages), slab_bad_free_* (objects). */
static bool stat_is_refusal(const char *name)
{
	return !strncmp(name, "bad_free_", 9) || !strncmp(name, "slab_bad_free_", 14);
}

/* ==== slabinfo ========================================================== */

struct cache {
	char name[NAME_LEN];
	struct num active_objs, num_objs, objsize, objperslab, pagesperslab;
	struct num limit, batchcount, sharedfactor;
	struct num active_slabs, num_slabs, sharedavail;
	struct num bytes;	/* num_slabs * pagesperslab pages */
};

struct slabinfo {
	struct cache *c;
	size_t nr;
	bool version_ok;	/* "slabinfo - version: 2.1" first */
	size_t malformed;
};

/*
 * slabinfo, /proc/slabinfo 2.1: a version line, a "# name" header, then
 * "NAME A N S O P : tunables L B F : slabdata AS NS SA" per cache.
 */
void parse_slabinfo(const char *buf, size_t len, struct slabinfo *si)
{
	struct lines l = lines_of(buf, len);
	struct tok line, t[17];
	bool first = true;

	memset(si, 0, sizeof(*si));
	while (next_line(&l, &line, &si->malformed)) {
		int nt = split(line.s, line.n, t, 17);
		struct cache c;

		if (first && line.n == 23 && !memcmp(line.s, "slabinfo - version: 2.1", 23)) {
			si->version_ok = true;
			first = false;
			continue;
		}
		first = false;
		if (nt == 0 || (line.n && line.s[0] == '#'))
			continue;
		if (nt != 16 || !tok_eq(t[6], ":") || !tok_eq(t[7], "tunables") ||
		    !tok_eq(t[11], ":") || !tok_eq(t[12], "slabdata") ||
		    !tok_name(t[0], c.name, sizeof(c.name))) {
			si->malformed++;
			continue;
		}
		c.active_objs = tok_num(t[1]);
		c.num_objs = tok_num(t[2]);
		c.objsize = tok_num(t[3]);
		c.objperslab = tok_num(t[4]);
		c.pagesperslab = tok_num(t[5]);
		c.limit = tok_num(t[8]);
		c.batchcount = tok_num(t[9]);
		c.sharedfactor = tok_num(t[10]);
		c.active_slabs = tok_num(t[13]);
		c.num_slabs = tok_num(t[14]);
		c.sharedavail = tok_num(t[15]);
		c.bytes = c.pagesperslab.ok ? num_mul(c.num_slabs, c.pagesperslab.v) : c.pagesperslab;
		c.bytes = num_mul(c.bytes, PAGE_BYTES);
		si->c = realloc(si->c, (si->nr + 1) * sizeof(*si->c));
		if (!si->c) {
			perror("kbuddy-stat");
			exit(1);
		}
		si->c[si->nr++] = c;
	}
}

/* Most memory first (unknown last), then by name. */
static int cache_cmp(const void *a, const void *b)
{
	const struct cache *x = a, *y = b;

	if (x->bytes.ok != y->bytes.ok)
		return x->bytes.ok ? -1 : 1;
	if (x->bytes.ok && x->bytes.v != y->bytes.v)
		return x->bytes.v > y->bytes.v ? -1 : 1;
	return strcmp(x->name, y->name);
}

void sort_caches(struct slabinfo *si)
{
	if (si->nr)
		qsort(si->c, si->nr, sizeof(*si->c), cache_cmp);
}

/* ==== histogram ========================================================= */

struct latency {
	char op[16], path[16];
	uint64_t b[NR_BUCKETS];
};

struct size_count {
	bool large;
	uint64_t size;
	struct num count;
};

struct histogram {
	struct num enabled;
	unsigned int nr_orders;
	struct num order[MAX_ORDERS];
	size_t nr_sizes;
	struct size_count sizes[MAX_SIZES];
	size_t nr_latency;
	struct latency latency[MAX_LATENCY];
	size_t malformed;
};

/*
 * histogram: "enabled 0|1", "order ORDER COUNT", "size SIZE|large COUNT",
 * "latency OP PATH B0 ... B31". A latency line with a bucket that is not
 * a number is malformed (its percentiles cannot be computed): skipped.
 */
void parse_histogram(const char *buf, size_t len, struct histogram *h)
{
	struct lines l = lines_of(buf, len);
	struct tok line, t[NR_BUCKETS + 4];

	memset(h, 0, sizeof(*h));
	while (next_line(&l, &line, &h->malformed)) {
		int nt = split(line.s, line.n, t, NR_BUCKETS + 4), k;
		uint64_t v = 0;

		if (nt == 0)
			continue;
		if (nt == 2 && tok_eq(t[0], "enabled")) {
			h->enabled = tok_num(t[1]);
			if (h->enabled.ok && h->enabled.v > 1)
				h->enabled.ok = false;
		} else if (nt == 3 && tok_eq(t[0], "order") && parse_u64(t[1], &v) &&
			   v < MAX_ORDERS) {
			h->order[v] = tok_num(t[2]);
			if (v + 1 > h->nr_orders)
				h->nr_orders = v + 1;
		} else if (nt == 3 && tok_eq(t[0], "size") && h->nr_sizes < MAX_SIZES &&
			   (tok_eq(t[1], "large") || parse_u64(t[1], &v))) {
			struct size_count *s = &h->sizes[h->nr_sizes++];

			s->large = tok_eq(t[1], "large");
			s->size = s->large ? 0 : v;
			s->count = tok_num(t[2]);
		} else if (nt == NR_BUCKETS + 3 && tok_eq(t[0], "latency") &&
			   h->nr_latency < MAX_LATENCY) {
			struct latency *lat = &h->latency[h->nr_latency];
			bool ok = tok_name(t[1], lat->op, sizeof(lat->op)) &&
				  tok_name(t[2], lat->path, sizeof(lat->path));

			for (k = 0; ok && k < NR_BUCKETS; k++)
				ok = parse_u64(t[3 + k], &lat->b[k]);
			if (ok)
				h->nr_latency++;
			else
				h->malformed++;
		} else {
			h->malformed++;
		}
	}
}

/* Operations of a latency line (128 bits: 32 buckets of up to 2^64). */
static unsigned __int128 lat_total(const struct latency *lat)
{
	unsigned __int128 n = 0;
	int i;

	for (i = 0; i < NR_BUCKETS; i++)
		n += lat->b[i];
	return n;
}

/*
 * The bucket holding the @pct-th percentile (nearest rank: the smallest
 * bucket whose operations and those of the buckets below are at least
 * ceil(@pct / 100 * total)). Return: the bucket, or -1 if there are none.
 */
int percentile_bucket(const struct latency *lat, unsigned int pct)
{
	unsigned __int128 total = lat_total(lat), rank, cum = 0;
	int i;

	if (!total)
		return -1;
	rank = (total * pct + 99) / 100;
	if (!rank)
		rank = 1;
	for (i = 0; i < NR_BUCKETS; i++) {
		cum += lat->b[i];
		if (cum >= rank)
			return i;
	}
	return NR_BUCKETS - 1;
}

/* ==== map =============================================================== */

enum map_state { MS_FREE, MS_PCP, MS_PAGES, MS_MALLOC, MS_CONTIG, MS_SLAB, MS_UNKNOWN, NR_MS };

static const char *const map_state_names[NR_MS] = {
	[MS_FREE] = "free", [MS_PCP] = "pcp", [MS_PAGES] = "pages",
	[MS_MALLOC] = "malloc", [MS_CONTIG] = "contig", [MS_SLAB] = "slab",
	[MS_UNKNOWN] = "unknown",
};

struct map_region {
	uint64_t start, end;
	struct num pages;
	uint64_t next;		/* the page the next record must start at */
	bool tiles;		/* records so far in order and contiguous */
};

struct map_info {
	bool header;
	struct num nr_regions_said;
	size_t nr_regions;
	struct map_region region[MAX_REGIONS];
	struct num state_pages[NR_MS];
	size_t malformed;
};

/*
 * map: "pool NAME kind=K max_order=N regions=N", then per region "region IDX
 * START-END pages=N" and its records "PAGE ORDER STATE COUNT [CACHE]":
 * pages per state summed, and whether the records of each region tile it
 * (in order, contiguous, adding up to its pages).
 */
void parse_map(const char *buf, size_t len, struct map_info *m)
{
	struct lines l = lines_of(buf, len);
	struct map_region *r = NULL;
	struct tok line, t[6];
	int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < NR_MS; i++)
		m->state_pages[i] = num_of(0);
	while (next_line(&l, &line, &m->malformed)) {
		int nt = split(line.s, line.n, t, 6), k;
		uint64_t page, order, count, a, pages;
		const char *dash;

		if (nt == 0)
			continue;
		if (tok_eq(t[0], "pool") && nt >= 2) {
			m->header = true;
			for (k = 2; k < nt; k++)
				if (t[k].n > 8 && !memcmp(t[k].s, "regions=", 8)) {
					struct tok v = { t[k].s + 8, t[k].n - 8 };

					m->nr_regions_said = tok_num(v);
				}
			continue;
		}
		if (tok_eq(t[0], "region")) {
			struct tok ta, tb;

			r = NULL;
			dash = nt == 4 ? memchr(t[2].s, '-', t[2].n) : NULL;
			if (!dash || m->nr_regions == MAX_REGIONS || t[3].n < 7 ||
			    memcmp(t[3].s, "pages=", 6)) {
				m->malformed++;
				continue;
			}
			ta.s = t[2].s;
			ta.n = dash - t[2].s;
			tb.s = dash + 1;
			tb.n = t[2].n - ta.n - 1;
			t[3].s += 6;
			t[3].n -= 6;
			r = &m->region[m->nr_regions++];
			r->pages = tok_num(t[3]);
			r->tiles = parse_hex(ta, &r->start) && parse_hex(tb, &r->end) &&
				   r->pages.ok;
			r->next = 0;
			continue;
		}
		for (k = 0; k < NR_MS; k++)
			if (nt >= 4 && tok_eq(t[2], map_state_names[k]))
				break;
		if (k == NR_MS || nt > (k == MS_SLAB ? 5 : 4) || !parse_u64(t[0], &page) ||
		    !parse_u64(t[1], &order) || !parse_u64(t[3], &count) || order >= 64 ||
		    (count && order && count > UINT64_MAX >> order)) {
			m->malformed++;
			if (r)
				r->tiles = false;
			continue;
		}
		pages = count << order;
		m->state_pages[k] = num_add(m->state_pages[k], num_of(pages));
		if (!r)
			continue;
		if (page != r->next || __builtin_add_overflow(page, pages, &a))
			r->tiles = false;
		else
			r->next = a;
	}
}

/* All regions tiled by their records, as many regions as the header said. */
static bool map_tiles(const struct map_info *m)
{
	size_t i;

	if (!m->header || !m->nr_regions_said.ok || m->nr_regions_said.v != m->nr_regions)
		return false;
	for (i = 0; i < m->nr_regions; i++)
		if (!m->region[i].tiles || m->region[i].next != m->region[i].pages.v)
			return false;
	return true;
}

/* ==== Reading a pool ==================================================== */

/* A file read whole: its bytes, or why not. */
struct file {
	char *buf;
	size_t len;
	int err;		/* errno of the open or read, 0 if read */
	bool cut;		/* longer than FILE_MAX */
};

static struct file read_whole(const char *path)
{
	struct file f = { NULL, 0, 0, false };
	size_t cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		f.err = errno;
		return f;
	}
	for (;;) {
		ssize_t n;

		if (f.len == cap) {
			if (cap >= FILE_MAX) {
				f.cut = true;
				break;
			}
			cap = cap ? cap * 2 : 65536;
			f.buf = realloc(f.buf, cap + 1);
			if (!f.buf) {
				perror("kbuddy-stat");
				exit(1);
			}
		}
		n = read(fd, f.buf + f.len, cap - f.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			f.err = errno;
			break;
		}
		if (!n)
			break;
		f.len += n;
	}
	close(fd);
	if (f.err) {
		free(f.buf);
		f.buf = NULL;
		f.len = 0;
	} else if (!f.buf) {
		f.buf = malloc(1);
		if (!f.buf) {
			perror("kbuddy-stat");
			exit(1);
		}
	}
	if (f.buf)
		f.buf[f.len] = '\0';
	return f;
}

enum pool_file { PF_BUDDYINFO, PF_STATS, PF_SLABINFO, PF_UNUSABLE, PF_EXTFRAG,
		 PF_HISTOGRAM, PF_MAP, PF_VALIDATE, NR_PF };

static const char *const pool_file_names[NR_PF] = {
	[PF_BUDDYINFO] = "buddyinfo", [PF_STATS] = "stats",
	[PF_SLABINFO] = "slabinfo", [PF_UNUSABLE] = "extfrag/unusable_index",
	[PF_EXTFRAG] = "extfrag/extfrag_index", [PF_HISTOGRAM] = "histogram",
	[PF_MAP] = "map", [PF_VALIDATE] = "validate",
};

/* What one snapshot knows of a pool. */
struct pool {
	struct pool_line line;	/* from kbuddy/pools, or only the name */
	bool listed;		/* in kbuddy/pools */
	int err[NR_PF];		/* each file's errno, 0 if read */
	bool cut[NR_PF];
	struct num total, free, cached, used;
	struct per_order bi, unusable, extfrag;
	struct stats st;
	struct slabinfo si;
	struct histogram h;
	struct map_info map;
	char validate[128];
};

/* The last non-blank line of validate, printable. */
static void validate_summary(const struct file *f, char *out, size_t size)
{
	size_t end = f->len, start, n, i;

	while (end && (f->buf[end - 1] == '\n' || f->buf[end - 1] == ' '))
		end--;
	for (start = end; start && f->buf[start - 1] != '\n'; start--)
		;
	n = end - start < size - 1 ? end - start : size - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = f->buf[start + i];

		out[i] = c >= ' ' && c < 0x7f ? c : '?';
	}
	out[n] = '\0';
}

static void read_pool(const char *root, struct pool *p)
{
	char path[4096];
	int i;

	for (i = 0; i < NR_PF; i++) {
		struct file f;

		snprintf(path, sizeof(path), "%s/%s/%s", root, p->line.name, pool_file_names[i]);
		f = read_whole(path);
		p->err[i] = f.err;
		p->cut[i] = f.cut;
		if (f.err)
			continue;
		switch (i) {
		case PF_BUDDYINFO:
			parse_buddyinfo(f.buf, f.len, &p->bi);
			break;
		case PF_STATS:
			parse_stats(f.buf, f.len, &p->st);
			break;
		case PF_SLABINFO:
			parse_slabinfo(f.buf, f.len, &p->si);
			sort_caches(&p->si);
			break;
		case PF_UNUSABLE:
			parse_extfrag(f.buf, f.len, &p->unusable);
			break;
		case PF_EXTFRAG:
			parse_extfrag(f.buf, f.len, &p->extfrag);
			break;
		case PF_HISTOGRAM:
			parse_histogram(f.buf, f.len, &p->h);
			break;
		case PF_MAP:
			parse_map(f.buf, f.len, &p->map);
			break;
		case PF_VALIDATE:
			validate_summary(&f, p->validate, sizeof(p->validate));
			break;
		}
		free(f.buf);
	}
	/* Page counts from kbuddy/pools, else from stats. */
	p->total = p->listed && p->line.pages.ok ? p->line.pages : stat_get(&p->st, "pages_total");
	p->free = p->listed && p->line.free.ok ? p->line.free : stat_get(&p->st, "pages_free");
	p->cached = p->listed && p->line.cached.ok ? p->line.cached : stat_get(&p->st, "pages_pcp");
	p->used = p->listed && p->line.used.ok ? p->line.used : stat_get(&p->st, "pages_used");
	if (!p->line.max_order.ok)
		p->line.max_order = stat_get(&p->st, "max_order");
}

static void free_pool(struct pool *p)
{
	free(p->st.e);
	free(p->si.c);
}

/* ==== Text output ======================================================= */

/* A name from a file, its non-printable bytes as '?' (no escapes to the terminal). */
static void put_safe(FILE *o, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s >= ' ' && (unsigned char)*s < 0x7f ? *s : '?', o);
}

static const char *num_str(struct num n, char *buf, size_t size)
{
	if (!n.ok)
		return "?";
	snprintf(buf, size, "%llu", (unsigned long long)n.v);
	return buf;
}

/* "12.3 MiB" */
static const char *human(uint64_t bytes, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (!u)
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}

static void text_file_problem(FILE *o, const struct pool *p, int f)
{
	if (p->err[f])
		fprintf(o, "  %s: %s\n", pool_file_names[f], strerror(p->err[f]));
}

static void text_pages(FILE *o, const struct pool *p)
{
	static const char *const what[] = { "total", "free", "cached", "used" };
	const struct num n[] = { p->total, p->free, p->cached, p->used };
	char a[32], b[32], c[32];
	int i;

	for (i = 0; i < 4; i++) {
		struct num bytes = num_mul(n[i], PAGE_BYTES);

		fprintf(o, "  %-6s %10s pages %14s bytes", what[i], num_str(n[i], a, sizeof(a)),
			num_str(bytes, b, sizeof(b)));
		if (bytes.ok)
			fprintf(o, "  %10s", human(bytes.v, c, sizeof(c)));
		if (i && n[i].ok && p->total.ok && p->total.v)
			fprintf(o, "  %5.1f%%", 100.0 * n[i].v / p->total.v);
		fputc('\n', o);
	}
}

#define BAR_WIDTH 40

static void text_buddyinfo(FILE *o, const struct pool *p)
{
	unsigned int order, orders = po_orders(&p->bi);
	struct num free_pages = num_of(0);
	char a[32], b[32];

	if (p->err[PF_BUDDYINFO])
		return text_file_problem(o, p, PF_BUDDYINFO);
	for (order = 0; order < orders; order++)
		free_pages = num_add(free_pages, num_mul(bi_total(&p->bi, order), 1ULL << order));
	fprintf(o, "  free blocks per order (buddyinfo, %zu region%s), bar: share of free pages\n",
		p->bi.nr_regions, p->bi.nr_regions == 1 ? "" : "s");
	fprintf(o, "    order  blocks      pages\n");
	for (order = 0; order < orders; order++) {
		struct num blocks = bi_total(&p->bi, order);
		struct num pages = num_mul(blocks, 1ULL << order);
		unsigned int w = 0;

		if (pages.ok && free_pages.ok && free_pages.v) {
			w = (unsigned int)((pages.v * (double)BAR_WIDTH + free_pages.v / 2) / free_pages.v);
			if (!w && pages.v)
				w = 1;
		}
		fprintf(o, "    %5u %7s %10s |%.*s\n", order, num_str(blocks, a, sizeof(a)),
			num_str(pages, b, sizeof(b)), (int)w,
			"########################################");
	}
	if (p->bi.malformed)
		fprintf(o, "    (buddyinfo: %zu malformed lines ignored)\n", p->bi.malformed);
}

static void text_milli_row(FILE *o, const char *label, const struct per_order *po, size_t r)
{
	unsigned int order;

	fprintf(o, "    %-8s", label);
	for (order = 0; order < po->orders[r]; order++) {
		struct num v = po->v[r][order];
		int64_t s = (int64_t)v.v;

		if (!v.ok)
			fprintf(o, " %6s", "?");
		else
			fprintf(o, " %c%lld.%03lld", s < 0 ? '-' : ' ',
				(long long)(s < 0 ? -s : s) / 1000, (long long)(s < 0 ? -s : s) % 1000);
	}
	fputc('\n', o);
}

static void text_extfrag(FILE *o, const struct pool *p)
{
	size_t r, nr = p->unusable.nr_regions > p->extfrag.nr_regions ?
		p->unusable.nr_regions : p->extfrag.nr_regions;
	unsigned int order, orders = po_orders(&p->unusable);

	if (po_orders(&p->extfrag) > orders)
		orders = po_orders(&p->extfrag);
	text_file_problem(o, p, PF_UNUSABLE);
	text_file_problem(o, p, PF_EXTFRAG);
	if (nr) {
		fprintf(o, "  fragmentation indices per order (extfrag)\n    %-8s", "order");
		for (order = 0; order < orders; order++)
			fprintf(o, " %6u", order);
		fputc('\n', o);
	}
	for (r = 0; r < nr; r++) {
		const struct per_order *po = r < p->unusable.nr_regions ? &p->unusable : &p->extfrag;
		char a[32];

		fprintf(o, "    region %s\n", num_str(po->region[r], a, sizeof(a)));
		if (r < p->unusable.nr_regions)
			text_milli_row(o, "unusable", &p->unusable, r);
		if (r < p->extfrag.nr_regions)
			text_milli_row(o, "extfrag", &p->extfrag, r);
	}
	if (p->unusable.malformed + p->extfrag.malformed)
		fprintf(o, "    (extfrag: %zu malformed lines ignored)\n",
			p->unusable.malformed + p->extfrag.malformed);
}

static void text_slabinfo(FILE *o, const struct pool *p)
{
	size_t i, empty = 0;

	if (p->err[PF_SLABINFO])
		return text_file_problem(o, p, PF_SLABINFO);
	fprintf(o, "  slab caches by memory (slabinfo, %zu caches)\n", p->si.nr);
	for (i = 0; i < p->si.nr; i++) {
		const struct cache *c = &p->si.c[i];
		struct num used = num_mul(c->active_objs, c->objsize.ok ? c->objsize.v : 0);
		char a[32], b[32], d[32], e[32], f[32];

		if (c->bytes.ok && !c->bytes.v) {
			empty++;
			continue;
		}
		if (i - empty == 0)
			fprintf(o, "    %-18s %9s %9s %7s %7s %12s %5s\n", "name", "active", "objects",
				"objsize", "slabs", "bytes", "use");
		used.ok &= c->objsize.ok;
		fputs("    ", o);
		put_safe(o, c->name);
		fprintf(o, "%*s %9s %9s %7s %7s %12s", (int)(strlen(c->name) < 18 ? 18 - strlen(c->name) : 0), "",
			num_str(c->active_objs, a, sizeof(a)), num_str(c->num_objs, b, sizeof(b)),
			num_str(c->objsize, d, sizeof(d)), num_str(c->num_slabs, e, sizeof(e)),
			num_str(c->bytes, f, sizeof(f)));
		if (used.ok && c->bytes.ok && c->bytes.v)
			fprintf(o, " %4.0f%%", 100.0 * used.v / c->bytes.v);
		fputc('\n', o);
	}
	if (empty)
		fprintf(o, "    (%zu cache%s without slabs)\n", empty, empty == 1 ? "" : "s");
	if (p->si.malformed || (p->si.nr && !p->si.version_ok))
		fprintf(o, "    (slabinfo: %zu malformed lines ignored%s)\n", p->si.malformed,
			p->si.version_ok ? "" : ", no version 2.1 line");
}

static void text_refusals(FILE *o, const struct pool *p, struct num global)
{
	struct num total = num_of(0);
	char a[32];
	size_t i;
	bool any = false;

	if (p->err[PF_STATS])
		return text_file_problem(o, p, PF_STATS);
	for (i = 0; i < p->st.nr; i++)
		if (stat_is_refusal(p->st.e[i].name))
			total = num_add(total, p->st.e[i].v);
	fprintf(o, "  refused: frees %s", num_str(total, a, sizeof(a)));
	for (i = 0; i < p->st.nr; i++) {
		const struct stat_entry *e = &p->st.e[i];

		if (stat_is_refusal(e->name) && (!e->v.ok || e->v.v)) {
			fprintf(o, "%s%s %s", any ? ", " : " (", e->name, num_str(e->v, a, sizeof(a)));
			any = true;
		}
	}
	fprintf(o, "%s; debugfs writes %s", any ? ")" : "",
		num_str(stat_get(&p->st, "debugfs_writes_refused"), a, sizeof(a)));
	fprintf(o, "; global fault/ writes %s\n", num_str(global, a, sizeof(a)));
	if (p->st.malformed)
		fprintf(o, "    (stats: %zu malformed lines ignored)\n", p->st.malformed);
}

static void text_bound(FILE *o, int bucket)
{
	if (bucket < 0)
		fprintf(o, " %10s", "-");
	else if (bucket == NR_BUCKETS - 1)
		fprintf(o, " %10s", "inf");
	else
		fprintf(o, " %10llu", 1ULL << (bucket + 1));
}

static void text_histogram(FILE *o, const struct pool *p)
{
	const struct histogram *h = &p->h;
	char a[32], b[48];
	unsigned int i;
	bool any = false;

	if (p->err[PF_HISTOGRAM])
		return text_file_problem(o, p, PF_HISTOGRAM);
	if (!h->enabled.ok || !h->enabled.v) {
		fprintf(o, "  histogram: %s\n", h->enabled.ok ? "off" : "no enabled line");
		return;
	}
	fprintf(o, "  histogram: on\n    alloc_pages by order:");
	for (i = 0; i < h->nr_orders; i++)
		if (!h->order[i].ok || h->order[i].v) {
			fprintf(o, " %u:%s", i, num_str(h->order[i], a, sizeof(a)));
			any = true;
		}
	fprintf(o, "%s\n    malloc by size:", any ? "" : " none");
	any = false;
	for (i = 0; i < h->nr_sizes; i++)
		if (!h->sizes[i].count.ok || h->sizes[i].count.v) {
			if (h->sizes[i].large)
				snprintf(b, sizeof(b), "large");
			else
				snprintf(b, sizeof(b), "%llu", (unsigned long long)h->sizes[i].size);
			fprintf(o, " %s:%s", b, num_str(h->sizes[i].count, a, sizeof(a)));
			any = true;
		}
	fprintf(o, "%s\n", any ? "" : " none");
	fprintf(o, "    latency, ns (upper bound of the log2 bucket):\n");
	fprintf(o, "    %-6s %-10s %12s %10s %10s %10s\n", "op", "path", "count", "p50", "p90", "p99");
	for (i = 0; i < h->nr_latency; i++) {
		const struct latency *lat = &h->latency[i];
		unsigned __int128 n = lat_total(lat);

		fprintf(o, "    %-6s %-10s ", lat->op, lat->path);
		if (n >> 64)
			fprintf(o, "%12s", ">2^64");
		else
			fprintf(o, "%12llu", (unsigned long long)n);
		text_bound(o, percentile_bucket(lat, 50));
		text_bound(o, percentile_bucket(lat, 90));
		text_bound(o, percentile_bucket(lat, 99));
		fputc('\n', o);
	}
	if (h->malformed)
		fprintf(o, "    (histogram: %zu malformed lines ignored)\n", h->malformed);
}

static void text_map(FILE *o, const struct pool *p)
{
	char a[32];
	int i;

	if (p->err[PF_MAP])
		return text_file_problem(o, p, PF_MAP);
	fprintf(o, "  map: pages by state:");
	for (i = 0; i < NR_MS; i++)
		fprintf(o, " %s %s", map_state_names[i], num_str(p->map.state_pages[i], a, sizeof(a)));
	fprintf(o, "; records tile the %zu region%s: %s\n", p->map.nr_regions,
		p->map.nr_regions == 1 ? "" : "s", map_tiles(&p->map) ? "yes" : "NO");
	if (p->map.malformed)
		fprintf(o, "    (map: %zu malformed lines ignored)\n", p->map.malformed);
}

static void text_pool(FILE *o, const struct pool *p, struct num global)
{
	char a[32];
	int i;

	fputs("pool ", o);
	put_safe(o, p->line.name);
	fprintf(o, "  kind %s  max_order %s  regions %s\n", p->line.kind[0] ? p->line.kind : "?",
		num_str(p->line.max_order, a, sizeof(a)),
		p->line.regions[0] ? p->line.regions : "?");
	if (!p->listed)
		fprintf(o, "  (not in kbuddy/pools: counts from stats)\n");
	for (i = 0; i < NR_PF; i++)
		if (p->cut[i])
			fprintf(o, "  %s: longer than %u bytes, read in part\n", pool_file_names[i], FILE_MAX);
	text_pages(o, p);
	text_buddyinfo(o, p);
	text_extfrag(o, p);
	text_slabinfo(o, p);
	text_refusals(o, p, global);
	text_histogram(o, p);
	text_map(o, p);
	if (p->err[PF_VALIDATE])
		text_file_problem(o, p, PF_VALIDATE);
	else
		fprintf(o, "  validate: %s\n", p->validate);
}

/* ==== JSON output ======================================================= */

/* A JSON string: quotes, backslashes and every byte outside printable ASCII escaped. */
static void jstr(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < ' ' || c >= 0x7f)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void jnum(FILE *o, struct num n)
{
	if (n.ok)
		fprintf(o, "%llu", (unsigned long long)n.v);
	else
		fputs("null", o);
}

static void jmilli(FILE *o, struct num n)
{
	int64_t s = (int64_t)n.v;

	if (!n.ok)
		fputs("null", o);
	else
		fprintf(o, "%s%lld.%03lld", s < 0 ? "-" : "", (long long)(s < 0 ? -s : s) / 1000,
			(long long)(s < 0 ? -s : s) % 1000);
}

static void jerror(FILE *o, const struct pool *p, int f, bool *first)
{
	char msg[256];

	if (!p->err[f] && !p->cut[f])
		return;
	snprintf(msg, sizeof(msg), "%s: %s", pool_file_names[f],
		 p->err[f] ? strerror(p->err[f]) : "read in part (too long)");
	fputs(*first ? "" : ", ", o);
	jstr(o, msg);
	*first = false;
}

static void json_per_order(FILE *o, const struct per_order *po, void (*val)(FILE *, struct num))
{
	size_t r;
	unsigned int i;

	fputc('[', o);
	for (r = 0; r < po->nr_regions; r++) {
		fputs(r ? ", [" : "[", o);
		for (i = 0; i < po->orders[r]; i++) {
			fputs(i ? ", " : "", o);
			val(o, po->v[r][i]);
		}
		fputc(']', o);
	}
	fputc(']', o);
}

static void json_bound(FILE *o, const char *key, int bucket)
{
	fprintf(o, ", \"%s\": ", key);
	if (bucket < 0 || bucket == NR_BUCKETS - 1)
		fputs("null", o);
	else
		fprintf(o, "%llu", 1ULL << (bucket + 1));
}

static void json_pool(FILE *o, const struct pool *p, bool first_pool)
{
	static const char *const what[] = { "total", "free", "cached", "used" };
	const struct num n[] = { p->total, p->free, p->cached, p->used };
	const struct histogram *h = &p->h;
	unsigned int i, orders;
	struct num total;
	bool first;
	size_t k;

	fputs(first_pool ? "\n    {" : ",\n    {", o);
	fputs("\"name\": ", o);
	jstr(o, p->line.name);
	fputs(", \"listed\": ", o);
	fputs(p->listed ? "true" : "false", o);
	fputs(", \"kind\": ", o);
	if (p->line.kind[0])
		jstr(o, p->line.kind);
	else
		fputs("null", o);
	fputs(", \"max_order\": ", o);
	jnum(o, p->line.max_order);
	fputs(", \"regions\": ", o);
	if (p->line.regions[0])
		jstr(o, p->line.regions);
	else
		fputs("null", o);
	fputs(",\n     \"pages\": {", o);
	for (i = 0; i < 4; i++) {
		fprintf(o, "%s\"%s\": ", i ? ", " : "", what[i]);
		jnum(o, n[i]);
	}
	fputs("}, \"bytes\": {", o);
	for (i = 0; i < 4; i++) {
		fprintf(o, "%s\"%s\": ", i ? ", " : "", what[i]);
		jnum(o, num_mul(n[i], PAGE_BYTES));
	}
	fputs("},\n     \"buddyinfo\": ", o);
	if (p->err[PF_BUDDYINFO]) {
		fputs("null", o);
	} else {
		orders = po_orders(&p->bi);
		fputs("{\"free_blocks\": [", o);
		for (i = 0; i < orders; i++) {
			fputs(i ? ", " : "", o);
			jnum(o, bi_total(&p->bi, i));
		}
		fputs("], \"regions\": ", o);
		json_per_order(o, &p->bi, jnum);
		fprintf(o, ", \"malformed_lines\": %zu}", p->bi.malformed);
	}
	fputs(",\n     \"extfrag\": {\"unusable_index\": ", o);
	if (p->err[PF_UNUSABLE])
		fputs("null", o);
	else
		json_per_order(o, &p->unusable, jmilli);
	fputs(", \"extfrag_index\": ", o);
	if (p->err[PF_EXTFRAG])
		fputs("null", o);
	else
		json_per_order(o, &p->extfrag, jmilli);
	fprintf(o, ", \"malformed_lines\": %zu}", p->unusable.malformed + p->extfrag.malformed);
	fputs(",\n     \"slab_caches\": ", o);
	if (p->err[PF_SLABINFO]) {
		fputs("null", o);
	} else {
		fputc('[', o);
		for (k = 0; k < p->si.nr; k++) {
			const struct cache *c = &p->si.c[k];

			fputs(k ? ",\n       {\"name\": " : "\n       {\"name\": ", o);
			jstr(o, c->name);
			fputs(", \"bytes\": ", o);
			jnum(o, c->bytes);
			fputs(", \"active_objs\": ", o);
			jnum(o, c->active_objs);
			fputs(", \"num_objs\": ", o);
			jnum(o, c->num_objs);
			fputs(", \"objsize\": ", o);
			jnum(o, c->objsize);
			fputs(", \"objperslab\": ", o);
			jnum(o, c->objperslab);
			fputs(", \"pagesperslab\": ", o);
			jnum(o, c->pagesperslab);
			fputs(", \"active_slabs\": ", o);
			jnum(o, c->active_slabs);
			fputs(", \"num_slabs\": ", o);
			jnum(o, c->num_slabs);
			fputs(", \"sharedavail\": ", o);
			jnum(o, c->sharedavail);
			fputc('}', o);
		}
		fputc(']', o);
	}
	fputs(",\n     \"refused\": ", o);
	if (p->err[PF_STATS]) {
		fputs("null", o);
	} else {
		total = num_of(0);
		fputs("{", o);
		for (k = 0; k < p->st.nr; k++) {
			if (!stat_is_refusal(p->st.e[k].name))
				continue;
			total = num_add(total, p->st.e[k].v);
			jstr(o, p->st.e[k].name);
			fputs(": ", o);
			jnum(o, p->st.e[k].v);
			fputs(", ", o);
		}
		fputs("\"frees\": ", o);
		jnum(o, total);
		fputs(", \"debugfs_writes_refused\": ", o);
		jnum(o, stat_get(&p->st, "debugfs_writes_refused"));
		fputc('}', o);
	}
	fputs(",\n     \"histogram\": ", o);
	if (p->err[PF_HISTOGRAM]) {
		fputs("null", o);
	} else {
		fputs("{\"enabled\": ", o);
		fputs(!h->enabled.ok ? "null" : h->enabled.v ? "true" : "false", o);
		fputs(", \"orders\": [", o);
		for (i = 0; i < h->nr_orders; i++) {
			fputs(i ? ", " : "", o);
			jnum(o, h->order[i]);
		}
		fputs("], \"sizes\": [", o);
		first = true;
		for (i = 0; i < h->nr_sizes; i++) {
			if (h->sizes[i].large)
				continue;
			fprintf(o, "%s{\"size\": %llu, \"count\": ", first ? "" : ", ",
				(unsigned long long)h->sizes[i].size);
			jnum(o, h->sizes[i].count);
			fputc('}', o);
			first = false;
		}
		fputs("], \"large\": ", o);
		total.ok = false;
		for (i = 0; i < h->nr_sizes; i++)
			if (h->sizes[i].large)
				total = h->sizes[i].count;
		jnum(o, total);
		fputs(", \"latency\": [", o);
		for (i = 0; i < h->nr_latency; i++) {
			const struct latency *lat = &h->latency[i];
			unsigned __int128 cnt = lat_total(lat);
			struct num c = { (uint64_t)cnt, !(cnt >> 64) };

			fputs(i ? ",\n       {\"op\": " : "\n       {\"op\": ", o);
			jstr(o, lat->op);
			fputs(", \"path\": ", o);
			jstr(o, lat->path);
			fputs(", \"count\": ", o);
			jnum(o, c);
			json_bound(o, "p50_ns", percentile_bucket(lat, 50));
			json_bound(o, "p90_ns", percentile_bucket(lat, 90));
			json_bound(o, "p99_ns", percentile_bucket(lat, 99));
			fputc('}', o);
		}
		fprintf(o, "], \"malformed_lines\": %zu}", h->malformed);
	}
	fputs(",\n     \"map\": ", o);
	if (p->err[PF_MAP]) {
		fputs("null", o);
	} else {
		fputs("{\"pages_by_state\": {", o);
		for (i = 0; i < NR_MS; i++) {
			fprintf(o, "%s\"%s\": ", i ? ", " : "", map_state_names[i]);
			jnum(o, p->map.state_pages[i]);
		}
		fprintf(o, "}, \"regions\": %zu, \"tiles\": %s, \"malformed_lines\": %zu}",
			p->map.nr_regions, map_tiles(&p->map) ? "true" : "false", p->map.malformed);
	}
	fputs(",\n     \"validate\": ", o);
	if (p->err[PF_VALIDATE])
		fputs("null", o);
	else
		jstr(o, p->validate);
	fputs(",\n     \"errors\": [", o);
	first = true;
	for (i = 0; i < NR_PF; i++)
		jerror(o, p, i, &first);
	fputs("]}", o);
}

/* ==== Pools of a root =================================================== */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pool_line *)a)->name, ((const struct pool_line *)b)->name);
}

/*
 * The pools under @root: those kbuddy/pools lists, in its order; without
 * that file, the directories of @root but fault/, by name. With @only, that
 * pool alone (listed or not, if its directory exists). Return: the pools
 * (malloc'ed), *nr of them; NULL and *err set if @root cannot be read.
 */
static struct pool *list_pools(const char *root, const char *only, size_t *nr,
			       size_t *malformed, int *err)
{
	char path[4096];
	struct pool_line *pl = NULL;
	struct pool *pools;
	struct stat sb;
	size_t n = 0, i, out = 0;
	struct file f;

	*malformed = 0;
	if (stat(root, &sb) || !S_ISDIR(sb.st_mode)) {
		*err = S_ISDIR(sb.st_mode) ? errno : ENOTDIR;
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/pools", root);
	f = read_whole(path);
	if (!f.err) {
		*malformed = parse_pools(f.buf, f.len, &pl, &n);
		free(f.buf);
	} else {
		DIR *d = opendir(root);
		struct dirent *de;

		if (!d) {
			*err = errno;
			return NULL;
		}
		while ((de = readdir(d))) {
			char sub[4096];

			if (de->d_name[0] == '.' || !strcmp(de->d_name, "fault") ||
			    !pool_name_ok(de->d_name))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", root, de->d_name);
			if (stat(sub, &sb) || !S_ISDIR(sb.st_mode))
				continue;
			pl = realloc(pl, (n + 1) * sizeof(*pl));
			if (!pl) {
				perror("kbuddy-stat");
				exit(1);
			}
			memset(&pl[n], 0, sizeof(pl[n]));
			/* pool_name_ok(): shorter than the name field. */
			memcpy(pl[n].name, de->d_name, strlen(de->d_name) + 1);
			n++;
		}
		closedir(d);
		if (n)
			qsort(pl, n, sizeof(*pl), name_cmp);
	}
	pools = calloc(n + 1, sizeof(*pools));
	if (!pools) {
		perror("kbuddy-stat");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		if (only && strcmp(pl[i].name, only))
			continue;
		pools[out].line = pl[i];
		pools[out].listed = !f.err;
		out++;
	}
	if (only && !out) {
		snprintf(path, sizeof(path), "%s/%s", root, only);
		if (stat(path, &sb) || !S_ISDIR(sb.st_mode)) {
			*err = ENOENT;
			free(pl);
			free(pools);
			return NULL;
		}
		snprintf(pools[0].line.name, sizeof(pools[0].line.name), "%s", only);
		out = 1;
	}
	free(pl);
	*nr = out;
	*err = 0;
	return pools;
}

/* The global fault/refused counter, absent if unreadable. */
static struct num global_refused(const char *root)
{
	char path[4096];
	struct num n = { 0, false };
	struct tok t[2];
	struct file f;

	snprintf(path, sizeof(path), "%s/fault/refused", root);
	f = read_whole(path);
	if (f.err)
		return n;
	if (f.len && f.buf[f.len - 1] == '\n' && split(f.buf, f.len - 1, t, 2) == 1)
		n = tok_num(t[0]);
	free(f.buf);
	return n;
}

#ifndef KBUDDY_STAT_NO_MAIN

/* ==== main ============================================================== */

static void usage(FILE *o)
{
	fprintf(o,
		"usage: kbuddy-stat [-1 | --json] [-d SECONDS] [-n N] [-p POOL] [--root DIR]\n"
		"  (default)     refresh every second, as top (Ctrl-C to quit)\n"
		"  -1            print one snapshot and exit\n"
		"  --json        print one snapshot as JSON and exit\n"
		"  -d SECONDS    refresh interval (default 1; decimals allowed)\n"
		"  -n N          stop after N refreshes\n"
		"  -p POOL       only that pool\n"
		"  --root DIR    read DIR instead of " DEFAULT_ROOT "\n"
		"  -h, --help    this text\n");
}

static void bad_usage(const char *why, const char *arg)
{
	fprintf(stderr, "kbuddy-stat: %s%s%s\n", why, arg ? ": " : "", arg ? arg : "");
	usage(stderr);
	exit(2);
}

/* One snapshot of every pool to stdout. Return: 0, or 1 if the root is gone. */
static int snapshot(const char *root, const char *only, bool json)
{
	size_t nr, malformed, i;
	struct num global;
	struct pool *pools;
	int err;

	pools = list_pools(root, only, &nr, &malformed, &err);
	if (!pools) {
		if (only && err == ENOENT)
			fprintf(stderr, "kbuddy-stat: %s: no pool %s\n", root, only);
		else
			fprintf(stderr, "kbuddy-stat: %s: %s (is debugfs mounted, kbuddy loaded, and are you root?)\n",
				root, strerror(err));
		return 1;
	}
	global = global_refused(root);
	for (i = 0; i < nr; i++)
		read_pool(root, &pools[i]);
	if (json) {
		fputs("{\"fault_refused\": ", stdout);
		jnum(stdout, global);
		fprintf(stdout, ", \"pools_malformed_lines\": %zu,\n \"pools\": [", malformed);
		for (i = 0; i < nr; i++)
			json_pool(stdout, &pools[i], !i);
		fputs("\n  ]\n}\n", stdout);
	} else {
		if (!nr)
			printf("no pools under %s\n", root);
		if (malformed)
			printf("(pools: %zu malformed lines ignored)\n", malformed);
		for (i = 0; i < nr; i++) {
			if (i)
				putchar('\n');
			text_pool(stdout, &pools[i], global);
		}
	}
	for (i = 0; i < nr; i++)
		free_pool(&pools[i]);
	free(pools);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = DEFAULT_ROOT, *only = NULL;
	bool once = false, json = false;
	unsigned long long iterations = 0, it;
	double interval = 1.0;
	char *end;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":1d:n:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case '1':
			once = true;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			root = optarg;
			break;
		case 'd':
			errno = 0;
			interval = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(interval) ||
			    interval < 0.01 || interval > 86400)
				bad_usage("-d takes seconds, 0.01 to 86400", optarg);
			break;
		case 'n':
			errno = 0;
			iterations = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || !iterations)
				bad_usage("-n takes a positive number", optarg);
			break;
		case 'p':
			if (!pool_name_ok(optarg))
				bad_usage("-p takes a pool name", optarg);
			only = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			bad_usage("an option needs a value", argv[optind - 1]);
			break;
		default:
			bad_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument", argv[optind]);
	if (once || json)
		return snapshot(root, only, json);
	for (it = 0; !iterations || it < iterations; it++) {
		struct timespec ts;
		time_t now = time(NULL);
		char when[64];

		if (it) {
			ts.tv_sec = (time_t)interval;
			ts.tv_nsec = (long)((interval - ts.tv_sec) * 1e9);
			while (nanosleep(&ts, &ts) && errno == EINTR)
				;
		}
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		/* As top: cursor home, clear the screen. */
		printf("\033[H\033[2J");
		printf("kbuddy-stat - %s - %s - every %gs\n\n", when, root, interval);
		if (snapshot(root, only, false))
			return 1;
		fflush(stdout);
	}
	return 0;
}

#endif /* KBUDDY_STAT_NO_MAIN */

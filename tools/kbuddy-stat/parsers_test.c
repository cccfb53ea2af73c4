// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy-stat's parsers called directly on buffers: one "PASS name" or
 * "FAIL name: why" line per test; exit status 1 if any failed.
 *
 *   gcc -O2 -Wall -Wextra -Werror -o parsers_test parsers_test.c
 */
#define KBUDDY_STAT_NO_MAIN
#include "kbuddy-stat.c"

static int failed;
static const char *cur;
static bool cur_ok;

#define CHECK(cond)							\
	do {								\
		if (!(cond) && cur_ok) {				\
			printf("FAIL %s: line %d: %s\n", cur, __LINE__, #cond); \
			cur_ok = false;					\
			failed = 1;					\
		}							\
	} while (0)

static void begin(const char *name)
{
	cur = name;
	cur_ok = true;
}

static void end(void)
{
	if (cur_ok)
		printf("PASS %s\n", cur);
}

#define S(lit) lit, sizeof(lit) - 1

static void test_numbers(void)
{
	uint64_t v;
	int64_t m;
	struct tok t;

	begin("parsers_numbers");
	t.s = "18446744073709551615"; t.n = 20;
	CHECK(parse_u64(t, &v) && v == UINT64_MAX);
	t.s = "18446744073709551616"; t.n = 20;
	CHECK(!parse_u64(t, &v));
	t.s = "12a"; t.n = 3;
	CHECK(!parse_u64(t, &v));
	t.s = "-1"; t.n = 2;
	CHECK(!parse_u64(t, &v));
	t.s = ""; t.n = 0;
	CHECK(!parse_u64(t, &v));
	t.s = "-1.000"; t.n = 6;
	CHECK(parse_milli(t, &m) && m == -1000);
	t.s = "0.499"; t.n = 5;
	CHECK(parse_milli(t, &m) && m == 499);
	t.s = "1.0"; t.n = 3;
	CHECK(!parse_milli(t, &m));
	t.s = "-.500"; t.n = 5;
	CHECK(!parse_milli(t, &m));
	t.s = "0x10000000"; t.n = 10;
	CHECK(parse_hex(t, &v) && v == 0x10000000);
	t.s = "0x"; t.n = 2;
	CHECK(!parse_hex(t, &v));
	end();
}

static void test_pools(void)
{
	struct pool_line *pl;
	size_t n, bad;

	begin("parse_pools");
	bad = parse_pools(S("default kind=ram max_order=11 pages=16384 free=16320 cached=48 used=16 regions=0x10000000-0x14000000\n"
			    "sram kind=iomem max_order=7 pages=96 free=x regions=0xfe000000-0xfe040000,0xfe100000-0xfe120000 future=1\n"
			    "../x kind=ram\n"
			    "default kind=nomap\n"
			    "cut kind=ram pa"), &pl, &n);
	CHECK(bad == 3);
	CHECK(n == 2);
	if (n == 2) {
		CHECK(!strcmp(pl[0].name, "default") && !strcmp(pl[0].kind, "ram"));
		CHECK(pl[0].pages.ok && pl[0].pages.v == 16384 && pl[0].cached.v == 48);
		CHECK(pl[0].used.ok && pl[0].used.v == 16 && pl[0].max_order.v == 11);
		CHECK(!strcmp(pl[0].regions, "0x10000000-0x14000000"));
		CHECK(!strcmp(pl[1].name, "sram") && !pl[1].free.ok && !pl[1].cached.ok);
		CHECK(!strcmp(pl[1].regions, "0xfe000000-0xfe040000,0xfe100000-0xfe120000"));
	}
	free(pl);
	bad = parse_pools(S(""), &pl, &n);
	CHECK(bad == 0 && n == 0);
	free(pl);
	end();
}

static void test_buddyinfo(void)
{
	struct per_order *bi = calloc(1, sizeof(*bi));

	begin("parse_buddyinfo");
	parse_buddyinfo(S("Pool default, region  0      1      1      1      1      1      0      1      1      1      1     15 \n"
			  "Pool a, region b, region  1      2      0 99999999999999999999 \n"
			  "nonsense\n"
			  "Pool default, region  2      7"), bi);
	CHECK(bi->nr_regions == 2 && bi->malformed == 2);
	CHECK(bi->orders[0] == 11 && bi->v[0][10].ok && bi->v[0][10].v == 15);
	CHECK(bi->v[0][5].ok && bi->v[0][5].v == 0);
	/* A pool name holding ", region ": the last one counts. */
	CHECK(bi->region[1].ok && bi->region[1].v == 1 && bi->orders[1] == 3);
	CHECK(bi->v[1][0].v == 2 && !bi->v[1][2].ok);
	CHECK(bi_total(bi, 0).ok && bi_total(bi, 0).v == 3);
	CHECK(!bi_total(bi, 2).ok);
	CHECK(bi_total(bi, 10).ok && bi_total(bi, 10).v == 15);
	free(bi);
	end();
}

static void test_extfrag(void)
{
	struct per_order *ef = calloc(1, sizeof(*ef));

	begin("parse_extfrag");
	parse_extfrag(S("Pool default, region  0 -1.000  0.499  0.749 -0.500 1.0 \n"), ef);
	CHECK(ef->nr_regions == 1 && ef->orders[0] == 5 && !ef->malformed);
	CHECK(ef->v[0][0].ok && (int64_t)ef->v[0][0].v == -1000);
	CHECK((int64_t)ef->v[0][1].v == 499 && (int64_t)ef->v[0][3].v == -500);
	CHECK(!ef->v[0][4].ok);
	free(ef);
	end();
}

static void test_stats(void)
{
	struct stats st;

	begin("parse_stats");
	parse_stats(S("pages_free 16320\nbad_free_double 3\nslab_bad_free_interior 1\n"
		      "pages_used 1x\nthree words here\n\npages_pcp 5"), &st);
	CHECK(st.nr == 4 && st.malformed == 2);
	CHECK(stat_get(&st, "pages_free").ok && stat_get(&st, "pages_free").v == 16320);
	CHECK(!stat_get(&st, "pages_used").ok);
	CHECK(!stat_get(&st, "pages_pcp").ok);
	CHECK(stat_is_refusal("bad_free_double") && stat_is_refusal("slab_bad_free_interior"));
	CHECK(!stat_is_refusal("debugfs_writes_refused") && !stat_is_refusal("slab_alloc_fail"));
	free(st.e);
	end();
}

static void test_slabinfo(void)
{
	struct slabinfo si;

	begin("parse_slabinfo");
	parse_slabinfo(S("slabinfo - version: 2.1\n"
			 "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
			 "kmalloc-64           100    128     64   64    1 : tunables   32   16    6 : slabdata      2      2      0\n"
			 "kmalloc-4096           3      4   4096    2    2 : tunables   32   16    6 : slabdata      2      2      0\n"
			 "big                    1      1 8  1    1 : tunables   32   16    6 : slabdata      1  99999999999999999      0\n"
			 "kmalloc-8              0      0      8  512    1 : tunables   32   16    6 : slabdata      0      0      0\n"
			 "kmalloc-32 1 2 3\n"
			 "kmalloc-16             0      0     16  256    1 : tunables   32   16    6 : slab"), &si);
	CHECK(si.version_ok && si.nr == 4 && si.malformed == 2);
	sort_caches(&si);
	if (si.nr == 4) {
		/* 4096: 2 slabs of 2 pages = 16 KiB; 64: 8 KiB; big overflows: last. */
		CHECK(!strcmp(si.c[0].name, "kmalloc-4096") && si.c[0].bytes.v == 16384);
		CHECK(!strcmp(si.c[1].name, "kmalloc-64") && si.c[1].bytes.v == 8192);
		CHECK(!strcmp(si.c[2].name, "kmalloc-8") && si.c[2].bytes.ok && !si.c[2].bytes.v);
		CHECK(!strcmp(si.c[3].name, "big") && !si.c[3].bytes.ok);
		CHECK(si.c[1].active_objs.v == 100 && si.c[1].num_objs.v == 128 && si.c[1].objsize.v == 64);
	}
	free(si.c);
	end();
}

static void test_histogram(void)
{
	struct histogram *h = calloc(1, sizeof(*h));
	struct latency lat;
	int i;

	begin("parse_histogram");
	parse_histogram(S("enabled 1\norder 0 5\norder 3 7\norder 40 1\nsize 64 9\nsize large 2\n"
			  "latency alloc pcp 0 0 0 0 0 0 50 30 15 4 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
			  "latency free pool 1 2 3\n"
			  "bogus\n"), h);
	CHECK(h->enabled.ok && h->enabled.v == 1);
	CHECK(h->nr_orders == 4 && h->order[3].v == 7 && !h->order[1].ok);
	CHECK(h->nr_sizes == 2 && h->sizes[0].size == 64 && h->sizes[1].large && h->sizes[1].count.v == 2);
	CHECK(h->nr_latency == 1 && h->malformed == 3);
	if (h->nr_latency == 1) {
		CHECK(!strcmp(h->latency[0].op, "alloc") && !strcmp(h->latency[0].path, "pcp"));
		/* 100 operations: ranks 50, 90, 99 in buckets 6, 8, 9. */
		CHECK(percentile_bucket(&h->latency[0], 50) == 6);
		CHECK(percentile_bucket(&h->latency[0], 90) == 8);
		CHECK(percentile_bucket(&h->latency[0], 99) == 9);
	}
	memset(&lat, 0, sizeof(lat));
	CHECK(percentile_bucket(&lat, 50) == -1);
	/* Nearest rank: p99 of 10 operations is the 10th (ceil(9.9)), p90 the 9th. */
	lat.b[1] = 9;
	lat.b[2] = 1;
	CHECK(percentile_bucket(&lat, 99) == 2 && percentile_bucket(&lat, 90) == 1);
	lat.b[1] = lat.b[2] = 0;
	lat.b[31] = 1;
	CHECK(percentile_bucket(&lat, 50) == 31);
	/* Totals past 64 bits. */
	for (i = 0; i < NR_BUCKETS; i++)
		lat.b[i] = UINT64_MAX;
	CHECK(percentile_bucket(&lat, 50) == 15 && percentile_bucket(&lat, 99) == 31);
	free(h);
	end();
}

static void test_map(void)
{
	struct map_info *m = calloc(1, sizeof(*m));

	begin("parse_map");
	parse_map(S("pool default kind=ram max_order=11 regions=1\n"
		    "region 0 0x10000000-0x14000000 pages=16384\n"
		    "0 0 pages 1\n1 0 slab 1 kmalloc-64\n2 1 free 1\n4 2 free 1\n8 3 free 1\n"
		    "16 4 free 1\n32 5 free 1\n64 6 free 1\n128 7 free 1\n256 8 free 1\n"
		    "512 9 free 1\n1024 10 free 7\n8192 10 free 8\n"), m);
	CHECK(m->header && m->nr_regions == 1 && !m->malformed && map_tiles(m));
	CHECK(m->state_pages[MS_FREE].v == 16382 && m->state_pages[MS_SLAB].v == 1);
	CHECK(m->state_pages[MS_PAGES].v == 1);
	parse_map(S("pool default kind=ram max_order=11 regions=1\n"
		    "region 0 0x10000000-0x10001000 pages=4\n0 1 free 1\n3 0 pages 1\n"), m);
	CHECK(!map_tiles(m));
	parse_map(S("pool default kind=ram max_order=11 regions=2\n"
		    "region 0 0x10000000-0x10001000 pages=4\n0 2 free 1\n"), m);
	CHECK(!map_tiles(m));
	parse_map(S("pool x kind=ram max_order=11 regions=1\nregion 0 0x0-0x4000 pages=4\n"
		    "0 70 free 1\n0 2 nowhere 1\n0 63 free 18446744073709551615\n"), m);
	CHECK(m->malformed == 3 && !map_tiles(m));
	free(m);
	end();
}

/* A captured tree read as the tool reads it (run from tools/kbuddy-stat). */
static void test_read_root(void)
{
	size_t nr, bad;
	struct pool *pools;
	FILE *null = fopen("/dev/null", "w");
	int err;

	begin("read_root_fragmented");
	pools = list_pools("testdata/fragmented", NULL, &nr, &bad, &err);
	CHECK(pools && nr == 1 && !bad && !err);
	CHECK(global_refused("testdata/fragmented").v == 7);
	if (pools && nr == 1) {
		struct pool *p = &pools[0];

		read_pool("testdata/fragmented", p);
		CHECK(p->listed && p->free.v == 1088 && p->cached.v == 16 && p->used.v == 15280);
		CHECK(bi_total(&p->bi, 0).v == 256 && bi_total(&p->bi, 10).v == 0);
		CHECK(map_tiles(&p->map) && p->map.state_pages[MS_PCP].v == 16);
		CHECK(p->si.nr == 12 && !strcmp(p->si.c[0].name, "kmalloc-256"));
		CHECK(!strcmp(p->validate, "ok") && p->h.nr_latency == 8);
		text_pool(null, p, num_of(7));
		json_pool(null, p, true);
		free_pool(p);
	}
	free(pools);
	CHECK(!list_pools("testdata/no-such-dir", NULL, &nr, &bad, &err) && err == ENOENT);
	CHECK(!list_pools("testdata/fragmented", "nope", &nr, &bad, &err) && err == ENOENT);
	fclose(null);
	end();
}

int main(void)
{
	test_numbers();
	test_pools();
	test_buddyinfo();
	test_extfrag();
	test_stats();
	test_slabinfo();
	test_histogram();
	test_map();
	test_read_root();
	return failed;
}

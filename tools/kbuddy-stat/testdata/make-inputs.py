#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the captured debugfs trees of kbuddy-stat's tests (inputs only).

Each case is a pool layout as the map file describes it (block records);
buddyinfo, extfrag, pools and the page lines of stats are derived from it
with the kernel's own formats and formulas (kernel/debugfs.c, spec/formats.md),
so the files of a case agree with one another as a live pool's do. The
expected outputs (expected.txt, expected.json) are the tool's, checked by
hand; this script does not write them. The malformed case is written by hand
below. Run from anywhere: python3 make-inputs.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

KMALLOC = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096]
COUNTERS = ["splits", "merges", "reclaims", "bad_free_outside", "bad_free_misaligned",
            "bad_free_not_head", "bad_free_double", "bad_free_wrong_order",
            "bad_free_wrong_allocator", "page_poison_overwritten"]
PCP = ["pcp_alloc", "pcp_free", "pcp_refill", "pcp_drain"]
MAG = ["alloc_fast", "free_fast"]
CACHE = ["alloc_slow", "free_slow", "alloc_fail", "depot_exchange", "slab_new", "slab_free",
         "freelist_repair", "bad_free_outside", "bad_free_not_object", "bad_free_wrong_cache",
         "bad_free_interior", "bad_free_double", "poison_overwritten", "red_zone_overwritten",
         "nocpu"]


def write(path, text):
    path = os.path.join(HERE, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def region_free_counts(records, max_order):
    nr = [0] * max_order
    for _page, order, state, count, _cache in records:
        if state == "free":
            nr[order] += count
    return nr


def buddyinfo(name, regions, max_order):
    out = ""
    for i, (_s, _e, recs) in enumerate(regions):
        nr = region_free_counts(recs, max_order)
        out += "Pool %s, region %2u " % (name, i) + "".join("%6u " % n for n in nr) + "\n"
    return out


def extfrag(name, regions, max_order, unusable):
    """kernel/debugfs.c extfrag_show(), integer arithmetic and all."""
    out = ""
    for i, (_s, _e, recs) in enumerate(regions):
        nr = region_free_counts(recs, max_order)
        free_pages = sum(n << o for o, n in enumerate(nr))
        blocks = sum(nr)
        out += "Pool %s, region %2u " % (name, i)
        for order in range(max_order):
            suitable = sum(nr[o] << (o - order) for o in range(order, max_order))
            if unusable:
                index = (free_pages - (suitable << order)) * 1000 // free_pages if free_pages else 0
                out += "%d.%03d " % (index // 1000, index % 1000)
                continue
            if not blocks:
                index = 0
            elif suitable:
                index = -1000
            else:
                index = 1000 - (1000 + free_pages * 1000 // (1 << order)) // blocks
            out += "%c%d.%03d " % ("-" if index < 0 else " ", abs(index) // 1000, abs(index) % 1000)
        out += "\n"
    return out


def map_file(name, kind, max_order, regions):
    out = "pool %s kind=%s max_order=%d regions=%d\n" % (name, kind, max_order, len(regions))
    for i, (start, end, recs) in enumerate(regions):
        out += "region %d 0x%x-0x%x pages=%d\n" % (i, start, end, (end - start) // 4096)
        for page, order, state, count, cache in recs:
            out += "%d %d %s %d%s\n" % (page, order, state, count, " " + cache if cache else "")
    return out


def pages_by_state(regions):
    st = {}
    for _s, _e, recs in regions:
        for _p, order, state, count, _c in recs:
            st[state] = st.get(state, 0) + (count << order)
    return st


def slabinfo(caches):
    out = "slabinfo - version: 2.1\n"
    out += ("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
            " : tunables <limit> <batchcount> <sharedfactor>"
            " : slabdata <active_slabs> <num_slabs> <sharedavail>\n")
    for c in caches:
        out += "%-17s %6u %6u %6u %4u %4u" % (c["name"], c["active"], c["num"], c["size"],
                                              c["per"], c["pages"])
        out += " : tunables %4u %4u %4u" % (c.get("mag", 32), c.get("mag", 32) // 2, 6)
        out += " : slabdata %6u %6u %6u\n" % (c["aslabs"], c["slabs"], c.get("avail", 0))
    return out


def kmalloc_caches(used):
    """The 12 size classes; used: name -> dict of non-zero fields."""
    caches = []
    for size in KMALLOC:
        name = "kmalloc-%d" % size
        order = 1 if size == 4096 else 0
        c = dict(name=name, active=0, num=0, size=size, per=(4096 << order) // size,
                 pages=1 << order, aslabs=0, slabs=0)
        c.update(used.get(name, {}))
        caches.append(c)
    return caches


def stats(max_order, nr_regions, total, free, pcp, counters, caches, extra):
    out = "max_order %d\nregions %d\n" % (max_order, nr_regions)
    out += "pages_total %d\npages_free %d\npages_used %d\npages_pcp %d\n" % (
        total, free, total - free - pcp, pcp)
    for kind in ("alloc", "free", "fail"):
        for o in range(max_order):
            out += "%s_order_%d %d\n" % (kind, o, counters.get("%s_order_%d" % (kind, o), 0))
    for n in COUNTERS + PCP:
        out += "%s %d\n" % (n, counters.get(n, 0))
    out += "slab_caches %d\n" % len(caches)
    out += "slab_slabs %d\n" % sum(c["slabs"] for c in caches)
    out += "slab_objects %d\n" % sum(c["num"] for c in caches)
    out += "slab_objects_active %d\n" % sum(c["active"] for c in caches)
    out += "slab_objects_cached %d\n" % sum(c.get("avail", 0) for c in caches)
    for n in MAG + CACHE:
        out += "slab_%s %d\n" % (n, counters.get("slab_" + n, 0))
    for n in ("pages_held", "pages_held_peak", "bytes_handed_out", "parked_pages_pcp",
              "parked_pages_empty_slabs", "parked_bytes_magazines", "waste_external_pages",
              "debugfs_writes_refused"):
        out += "%s %d\n" % (n, extra.get(n, 0))
    return out


def histogram(enabled, max_order, orders, sizes, large, latency):
    out = "enabled %d\n" % enabled
    for o in range(max_order):
        out += "order %d %d\n" % (o, orders.get(o, 0))
    for s in KMALLOC:
        out += "size %d %d\n" % (s, sizes.get(s, 0))
    out += "size large %d\n" % large
    for op in ("alloc", "free"):
        for path in ("pcp", "pool", "slab_fast", "slab_slow"):
            b = [0] * 32
            for i, n in latency.get((op, path), {}).items():
                b[i] = n
            out += "latency %s %s %s\n" % (op, path, " ".join(str(n) for n in b))
    return out


def pool_line(name, kind, max_order, regions, pcp):
    total = sum((e - s) // 4096 for s, e, _r in regions)
    free = pages_by_state(regions).get("free", 0)
    regs = ",".join("0x%x-0x%x" % (s, e) for s, e, _r in regions) or "-"
    return "%s kind=%s max_order=%d pages=%d free=%d cached=%d used=%d regions=%s\n" % (
        name, kind, max_order, total, free, pcp, total - free - pcp, regs)


def write_pool(case, name, kind, max_order, regions, caches, counters, extra, hist,
               validate="ok\n", files=None):
    d = "%s/%s/" % (case, name)
    st = pages_by_state(regions)
    total = sum((e - s) // 4096 for s, e, _r in regions)
    pcp = st.get("pcp", 0)
    allf = {
        "buddyinfo": buddyinfo(name, regions, max_order),
        "extfrag/unusable_index": extfrag(name, regions, max_order, True),
        "extfrag/extfrag_index": extfrag(name, regions, max_order, False),
        "map": map_file(name, kind, max_order, regions),
        "slabinfo": slabinfo(caches),
        "stats": stats(max_order, len(regions), total, st.get("free", 0), pcp, counters, caches,
                       extra),
        "histogram": hist,
        "validate": validate,
    }
    for f, text in allf.items():
        if files is None or f in files:
            write(d + f, text)
    return pool_line(name, kind, max_order, regions, pcp)


# ---- pristine: a freshly loaded 64 MiB pool (vmtest's region), pcp=0 ----
R64 = (0x10000000, 0x14000000)
pristine = [(R64[0], R64[1], [(0, 10, "free", 16, None)])]
line = write_pool("pristine", "default", "ram", 11, pristine, kmalloc_caches({}), {}, {},
                  histogram(0, 11, {}, {}, 0, {}))
write("pristine/pools", line)
write("pristine/fault/refused", "0\n")

# ---- fragmented: every other page of the first 512 held, slabs of three
# size classes, a CPU's cache, a malloc block, a contig run, page blocks of
# order 10 and 9: no order-10 block is left free. The histogram on.
recs = []
for p in range(512):
    recs.append((p, 0, "pages" if p % 2 == 0 else "free", 1, None))
recs += [(512, 0, "slab", 4, "kmalloc-64"), (516, 0, "slab", 8, "kmalloc-256"),
         (524, 1, "slab", 2, "kmalloc-4096"),
         (528, 0, "pcp", 10, None), (538, 0, "pcp", 6, None),   # one run in two lines
         (544, 5, "malloc", 1, None), (576, 6, "free", 1, None), (640, 7, "contig", 1, None),
         (768, 8, "free", 1, None), (1024, 10, "pages", 14, None), (15360, 9, "free", 1, None),
         (15872, 9, "pages", 1, None)]
frag = [(R64[0], R64[1], recs)]
caches = kmalloc_caches({
    "kmalloc-64": dict(active=200, num=256, aslabs=4, slabs=4, avail=20),
    "kmalloc-256": dict(active=100, num=128, aslabs=7, slabs=8, avail=10),
    "kmalloc-4096": dict(active=3, num=4, aslabs=2, slabs=2),
})
counters = {"alloc_order_0": 300, "free_order_0": 28, "alloc_order_1": 2, "alloc_order_5": 1,
            "alloc_order_7": 1, "alloc_order_9": 1, "alloc_order_10": 14, "fail_order_10": 2, "splits": 25,
            "merges": 9, "bad_free_misaligned": 1, "bad_free_double": 2, "pcp_alloc": 290,
            "pcp_free": 20, "pcp_refill": 19, "pcp_drain": 0, "slab_alloc_fast": 280,
            "slab_free_fast": 60, "slab_alloc_slow": 40, "slab_free_slow": 5,
            "slab_slab_new": 14, "slab_bad_free_interior": 3}
held = 16384 - pages_by_state(frag)["free"]
extra = {"pages_held": held, "pages_held_peak": held + 40,
         # blocks (held less cached and slab pages) and objects at their stride
         "bytes_handed_out": (held - 16 - 16) * 4096 + 200 * 64 + 100 * 256 + 3 * 4096,
         "parked_pages_pcp": 16, "parked_pages_empty_slabs": 1,
         "parked_bytes_magazines": 20 * 64 + 10 * 256,
         "waste_external_pages": pages_by_state(frag)["free"],  # all below order 10
         "debugfs_writes_refused": 5}
lat = {("alloc", "pcp"): {6: 50, 7: 30, 8: 15, 9: 4, 12: 1},
       ("alloc", "pool"): {9: 1, 10: 2, 11: 3, 12: 4},
       ("free", "pcp"): {5: 1000},
       ("alloc", "slab_fast"): {4: 90, 31: 10},
       ("alloc", "slab_slow"): {0: 3},
       ("free", "slab_fast"): {3: 9, 5: 1},   # p99: rank ceil(9.9) = 10
       ("free", "slab_slow"): {7: 2**64 - 1, 8: 2**64 - 1}}
hist = histogram(1, 11, {0: 300, 1: 2, 5: 1, 7: 1, 10: 3}, {64: 200, 256: 100, 4096: 3}, 1, lat)
line = write_pool("fragmented", "default", "ram", 11, frag, caches, counters, extra, hist)
write("fragmented/pools", line)
write("fragmented/fault/refused", "7\n")

# ---- two pools: the default (a little used, pcp on) and an iomem SRAM pool
# of two regions (no slabs: the page, slab and malloc interfaces refuse it).
dflt = [(R64[0], R64[1], [(0, 0, "pages", 1, None), (1, 0, "pcp", 15, None),
                          (16, 4, "free", 1, None), (32, 5, "free", 1, None),
                          (64, 6, "free", 1, None), (128, 7, "free", 1, None),
                          (256, 8, "free", 1, None), (512, 9, "free", 1, None),
                          (1024, 10, "free", 15, None)])]
sram = [(0xfe000000, 0xfe040000, [(0, 2, "contig", 1, None), (4, 2, "free", 1, None),
                                   (8, 3, "free", 1, None), (16, 4, "free", 1, None),
                                   (32, 5, "free", 1, None)]),
        (0xfe100000, 0xfe120000, [(0, 5, "free", 1, None)])]
l1 = write_pool("two-pools", "default", "ram", 11, dflt, kmalloc_caches({}),
                {"alloc_order_0": 1, "splits": 10, "pcp_alloc": 1, "pcp_refill": 1},
                {"pages_held": 16, "pages_held_peak": 16, "bytes_handed_out": 4096,
                 "parked_pages_pcp": 15}, histogram(0, 11, {}, {}, 0, {}))
l2 = write_pool("two-pools", "sram", "iomem", 7, sram, [],
                {"alloc_order_2": 1, "splits": 4, "bad_free_outside": 1},
                {"pages_held": 4, "pages_held_peak": 4, "bytes_handed_out": 16384,
                 "debugfs_writes_refused": 2},
                histogram(1, 7, {2: 1}, {}, 0, {("alloc", "pool"): {13: 1}}))
write("two-pools/pools", l1 + l2)
write("two-pools/fault/refused", "0\n")

# ---- legacy: a kbuddy from before issue 14 (no pools, map or histogram
# files): the pools come from the directories, the counts from stats.
legacy = [(R64[0], R64[1], [(0, 3, "pages", 4, None), (32, 0, "slab", 2, "kmalloc-32"),
                            (34, 1, "free", 1, None), (36, 2, "free", 1, None),
                            (40, 3, "free", 1, None), (48, 4, "free", 1, None),
                            (64, 6, "free", 1, None), (128, 7, "free", 1, None),
                            (256, 8, "free", 1, None), (512, 9, "free", 1, None),
                            (1024, 10, "free", 15, None)])]
write_pool("legacy", "default", "ram", 11, legacy,
           kmalloc_caches({"kmalloc-32": dict(active=200, num=256, aslabs=2, slabs=2)}),
           {"alloc_order_3": 4, "splits": 7}, {"debugfs_writes_refused": 16},
           "", files={"buddyinfo", "stats", "slabinfo", "extfrag/unusable_index",
                      "extfrag/extfrag_index", "validate"})
os.makedirs(os.path.join(HERE, "legacy/fault"), exist_ok=True)
write("legacy/fault/refused", "0\n")

# ---- malformed: cut lines, huge numbers, missing fields, garbage, a
# missing file, a listed pool without a directory, an unsafe pool name.
M = "malformed/broken/"
write("malformed/pools",
      "broken kind=ram max_order=11 pages=99999999999999999999 cached=x used=7 regions=0x10000000-0x10400000\n"
      "../evil kind=ram max_order=11 pages=1 free=1 cached=0 used=0 regions=-\n"
      "ghost kind=nomap max_order=4 pages=8 free=8 cached=0 used=0 regions=0x1000-0x9000\n"
      "broken kind=ram max_order=11 pages=2 free=2 cached=0 used=0 regions=-\n"
      "cut kind=ram max_order=11 pag")
write(M + "buddyinfo",
      "Pool broken, region  0      3      1 184467440737095516160     -1      0      1 \n"
      "garbage line\n"
      "Pool broken, region  1      0      2      0      0")
write(M + "stats",
      "max_order 11\npages_total 1024\npages_free 12abc\npages_used 7\npages_pcp\n"
      "bad_free_double 184467440737095516160\nbad_free_outside 4\nslab_bad_free_interior 2\n"
      "extra words here\n\n\x00\x01 5\nbad_free_not_head 1\ndebugfs_writes_refused 3\npages_held 9")
write(M + "slabinfo",
      "# name            <active_objs> <num_objs> <objsize>\n"
      "kmalloc-64           100    128     64   64    1 : tunables   32   16    6 : slabdata      2      2      0\n"
      "kmalloc-8              1      2      x  512    1 : tunables   32   16    6 : slabdata      1      1      0\n"
      "short   1 2 3\n"
      "kmalloc-\"q\\       1      2      8  512 99999999999 : tunables   32   16    6 : slabdata      1 999999999999999999      0\n"
      "kmalloc-128           10     32    128   32    1 : tunables   32   16    6 : slabdata      1      1      0\n"
      "kmalloc-256           10     16    256   16    1 : tunables   32   16    6 : slabd")
write(M + "extfrag/unusable_index",
      "Pool broken, region  0 0.000 1.0 zz 0.500 -0.250 \nPool broken, region  1 ")
write(M + "histogram",
      "enabled 1\norder 0 5\norder 99 1\norder 2 x\nsize 64 3\nsize large 18446744073709551616\n"
      "latency alloc pcp 1 2 3\n"
      "latency alloc pool " + " ".join(["1"] * 31) + " x\n"
      "latency free pool " + " ".join(["0"] * 10 + ["4"] + ["0"] * 21) + "\n"
      "latency free pcp " + " ".join(["1"] * 32))
write(M + "map",
      "pool broken kind=ram max_order=11 regions=1\n"
      "region 0 0x10000000-0x10400000 pages=1024\n"
      "0 0 pages 1\n2 1 free 1\n4 2 bogus 1\n8 3 slab 1 kmalloc-64 extra\n"
      "16 99 free 1\n16 4 free 1\n32 5 free 1\n")
write(M + "validate",
      "region 0: block 0x10000000 order 0: bitmap bit wrong\n"
      "cache kmalloc-64: slab 0x10008000: on the wrong list\n\x1b[2J spoof\n3 problems\n")

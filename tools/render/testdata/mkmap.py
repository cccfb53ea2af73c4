#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""mkmap.py: synthetic kbuddy debugfs dumps for the renderer's tests.

    mkmap.py OUTPREFIX [--region SIZE@BASE]... [--max-order N] [--ops N] [--seed S]
             [--pool NAME] [--split-runs]

A small buddy allocator (carving unaligned regions into the largest aligned
blocks, splitting on allocation, merging with the buddy on free, as kbuddy
does) runs N random operations: page blocks, whole-block mallocs, contig
blocks, slab pages of a few caches, frees, some of order 0 parked as pcp.
It writes OUTPREFIX.map, OUTPREFIX.buddyinfo, OUTPREFIX.unusable_index and
OUTPREFIX.extfrag_index in the debugfs formats (spec: map; kernel/debugfs.c:
the others, with its integer arithmetic). --split-runs breaks some runs of
equal records in two, as the kernel's chunked reads may.
"""

import argparse
import random
import sys


def memparse(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    s = s.strip()
    if s[-1].upper() in mult:
        return int(s[:-1], 0) * mult[s[-1].upper()]
    return int(s, 0)


class Region:
    def __init__(self, base, size, max_order):
        self.spfn = base >> 12
        self.epfn = (base + size) >> 12
        self.max_order = max_order
        self.blocks = {}          # pfn -> [order, state, cache]
        self.free = [set() for _ in range(max_order)]
        p = self.spfn
        while p < self.epfn:
            o = max_order - 1
            while o and (p & ((1 << o) - 1) or p + (1 << o) > self.epfn):
                o -= 1
            self.add_free(p, o)
            p += 1 << o

    def add_free(self, p, o):
        self.blocks[p] = [o, "free", None]
        self.free[o].add(p)

    def alloc(self, o, state, cache=None):
        for f in range(o, self.max_order):
            if self.free[f]:
                p = min(self.free[f]) if f == self.max_order - 1 else self.free[f].pop()
                self.free[f].discard(p)
                while f > o:        # expand: keep the low half, free the high
                    f -= 1
                    self.add_free(p + (1 << f), f)
                self.blocks[p] = [o, state, cache]
                return p
        return None

    def release(self, p, park=False):
        o = self.blocks.pop(p)[0]
        if park:
            self.blocks[p] = [o, "pcp", None]
            return
        while o < self.max_order - 1:
            b = p ^ (1 << o)
            if b not in self.free[o]:
                break
            self.free[o].discard(b)
            del self.blocks[b]
            p = min(p, b)
            o += 1
        self.add_free(p, o)

    def records(self, split, rng):
        recs = []
        for p in sorted(self.blocks):
            o, s, c = self.blocks[p]
            if recs and recs[-1][1:4] == [o, s, c] and not (split and rng.random() < 0.05):
                recs[-1][4] += 1
            else:
                recs.append([p - self.spfn, o, s, c, 1])
        return recs

    def nr_free(self):
        return [len(x) for x in self.free]


def indices(nr_free, unusable):
    orders = len(nr_free)
    free_pages = sum(n << o for o, n in enumerate(nr_free))
    blocks = sum(nr_free)
    out = []
    for order in range(orders):
        suitable = sum(nr_free[o] << (o - order) for o in range(order, orders))
        if unusable:
            idx = (free_pages - (suitable << order)) * 1000 // free_pages if free_pages else 0
            out.append(f"{idx // 1000}.{idx % 1000:03d} ")
            continue
        if not blocks:
            idx = 0
        elif suitable:
            idx = -1000
        else:
            idx = 1000 - (1000 + free_pages * 1000 // (1 << order)) // blocks
        out.append(f"{'-' if idx < 0 else ' '}{abs(idx) // 1000}.{abs(idx) % 1000:03d} ")
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prefix")
    ap.add_argument("--region", action="append", default=[])
    ap.add_argument("--max-order", type=int, default=11)
    ap.add_argument("--ops", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pool", default="default")
    ap.add_argument("--split-runs", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    regions = []
    for spec in a.region or ["64M@0x10000000"]:
        size, base = spec.split("@")
        regions.append(Region(memparse(base), memparse(size), a.max_order))
    held = []
    caches = [("kmalloc-64", 0), ("kmalloc-256", 0), ("kmalloc-1024", 1), ("dentry-cache", 2)]
    top = min(a.max_order - 1, 6)
    for _ in range(a.ops):
        r = rng.choice(regions)
        x = rng.random()
        if held and x < 0.35:
            i = rng.randrange(len(held))
            held[i], held[-1] = held[-1], held[i]
            rr, p = held.pop()
            park = rr.blocks[p][0] == 0 and rng.random() < 0.3
            rr.release(p, park)
            continue
        if x < 0.65:
            o, s, c = rng.choice((0, 0, 0, 1, 2)), "pages", None
        elif x < 0.75:
            o, s, c = rng.randint(1, top), "malloc", None
        elif x < 0.80:
            o, s, c = rng.randint(2, top), "contig", None
        else:
            c, o = rng.choice(caches)
            s = "slab"
        p = r.alloc(o, s, c)
        if p is not None:
            held.append((r, p))
    name = a.pool
    with open(a.prefix + ".map", "w") as f:
        f.write(f"pool {name} kind=ram max_order={a.max_order} regions={len(regions)}\n")
        for i, r in enumerate(regions):
            f.write(f"region {i} {r.spfn << 12:#x}-{r.epfn << 12:#x} pages={r.epfn - r.spfn}\n")
            for page, o, s, c, n in r.records(a.split_runs, rng):
                f.write(f"{page} {o} {s} {n}{' ' + c if c else ''}\n")
    with open(a.prefix + ".buddyinfo", "w") as f:
        for i, r in enumerate(regions):
            f.write(f"Pool {name}, region {i:2d} " +
                    "".join(f"{n:6d} " for n in r.nr_free()) + "\n")
    for fname, unusable in (("unusable_index", True), ("extfrag_index", False)):
        with open(f"{a.prefix}.{fname}", "w") as f:
            for i, r in enumerate(regions):
                f.write(f"Pool {name}, region {i:2d} " + indices(r.nr_free(), unusable) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""kbuddy-map.py: a picture of a kbuddy pool from its debugfs `map` dump.

    kbuddy-map.py MAP [--buddyinfo F] [--unusable F] [--extfrag F] -o OUT.png [--title T]
    kbuddy-map.py --check MAP [--buddyinfo F] [--unusable F] [--extfrag F]

MAP is a copy of /sys/kernel/debug/kbuddy/<pool>/map (format: the map
section of the debugfs formats; Documentation/admin-guide.rst, "The
picture"). The optional files are copies of the same pool's buddyinfo,
extfrag/unusable_index and extfrag/extfrag_index taken alongside.

The picture: each region as a grid of pages, row by row in address order,
coloured by state (free blocks shaded by order, light to dark); a region of
more than MAX_CELLS pages is drawn in cells of 2^k pages, each coloured by the
state most of its pages are in (a free cell by its largest free block's
order). Rows start at physical addresses aligned to the row's size, so every
buddy block is a rectangle; blocks of several cells are outlined. A second
panel has the free blocks per order from the map (and pcp blocks beside
them), with buddyinfo's counts marked over them when given, and the
unusable / fragmentation indices per order when given. The PNG is
100 * (6 * COLS + 7) pixels wide and 100 * (6 * ROWS + 1.5) tall, for the
regions laid out in a grid of COLS = ceil(sqrt(regions)) columns and
ROWS = ceil(regions / COLS) rows (1300 x 750 for one region).

--check parses and validates only: every region tiled exactly by its
records, every block aligned to its size by absolute pfn, known states; with
the other files, they must parse and agree with the map. Exit status 0 when
everything holds, 1 with "FILE:LINE: what" on stderr otherwise, 2 on a usage
error. When rendering, a disagreement between the map and buddyinfo is a
warning on stderr (the files are read at different moments).
"""

import argparse
import math
import sys

PROG = "kbuddy-map.py"

# State codes in the per-page arrays; 0 is "outside the region" (padding).
STATES = ("free", "pcp", "pages", "malloc", "contig", "slab", "unknown")
CODE = {s: i + 1 for i, s in enumerate(STATES)}
KINDS = ("ram", "nomap", "iomem")
# Colours of the legend (free is shaded by order from FREE_LIGHT to FREE_DARK).
COLOURS = {
    "pcp": "#8ecae6",      # light blue: free, parked in a CPU's cache
    "pages": "#1f4e9c",    # dark blue: kbuddy_alloc_pages
    "malloc": "#f28e2b",   # orange: kbuddy_malloc whole blocks
    "contig": "#7b3fa0",   # purple: contig runs / alloc_blocks
    "slab": "#d62728",     # red: slab pages (any cache)
    "unknown": "#000000",  # black: no valid block head (corrupt pool)
}


def hex_rgb(h):
    return tuple(int(h[i:i + 2], 16) / 255 for i in (1, 3, 5))


FREE_LIGHT = hex_rgb("#ccedc2")  # order 0
FREE_DARK = hex_rgb("#0d6626")   # max_order - 1
PAD_COLOUR = (1.0, 1.0, 1.0)     # outside the region

MAX_CELLS = 65536        # cells per region grid: 256 x 256
MAX_OUTLINES = 4000      # block outlines per region at most
MIN_OUTLINE_CELLS = 4    # blocks smaller than this many cells are not outlined


class InputError(Exception):
    """Malformed or inconsistent input: str() is "FILE:LINE: what"."""

    def __init__(self, path, line, what):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {what}")


class Region:
    def __init__(self, idx, start, end, pages, line):
        self.idx, self.start, self.end, self.pages, self.line = idx, start, end, pages, line
        # Records, as parallel lists (adjacent same-state lines are kept apart).
        self.page, self.order, self.state, self.count, self.cache = [], [], [], [], []
        self.pos = 0  # pages tiled so far


class Pool:
    def __init__(self, name, kind, max_order, nregions):
        self.name, self.kind, self.max_order, self.nregions = name, kind, max_order, nregions
        self.regions = []
        self.nrecords = 0


def decimal(word, path, line, what, low=0, high=None):
    """A plain decimal number (no sign, no '_', no spaces) in [low, high]."""
    if not word.isascii() or not word.isdigit():
        raise InputError(path, line, f"{what} '{word}' is not a decimal number")
    value = int(word)
    if value < low or (high is not None and value > high):
        rng = f"{low}..{high}" if high is not None else f">= {low}"
        raise InputError(path, line, f"{what} {value} is out of range ({rng})")
    return value


def hexaddr(word, path, line, what):
    if not word.startswith("0x") or len(word) < 3:
        raise InputError(path, line, f"{what} '{word}' is not a 0x-hex address")
    digits = word[2:]
    if not digits.isascii() or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise InputError(path, line, f"{what} '{word}' is not a 0x-hex address")
    return int(digits, 16)


def keyval(word, key, path, line):
    if not word.startswith(key + "="):
        raise InputError(path, line, f"expected '{key}=...', got '{word}'")
    return word[len(key) + 1:]


def text_lines(path):
    """(line number, text) of a file, refusing what is not ASCII text."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise InputError(path, 0, f"cannot read: {e.strerror}") from None
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, raw in enumerate(lines, 1):
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            raise InputError(path, n, "not ASCII text") from None
        if "\0" in text:
            raise InputError(path, n, "a NUL byte")
        yield n, text


def finish_region(path, line, r):
    if r is not None and r.pos != r.pages:
        raise InputError(path, line, f"region {r.idx} (line {r.line}) has records for {r.pos} "
                         f"of its {r.pages} pages: pages {r.pos}..{r.pages - 1} are missing")


def parse_map(path, page_size):
    """Parse and validate a map dump; return a Pool or raise InputError."""
    pool = None
    r = None
    last = 0
    header = "'pool NAME kind=KIND max_order=N regions=N'"
    shift = page_size.bit_length() - 1
    for n, text in text_lines(path):
        last = n
        w = text.split()
        if pool is None:
            if len(w) != 5 or w[0] != "pool":
                raise InputError(path, n, f"expected the header {header}, got '{text}'")
            kind = keyval(w[2], "kind", path, n)
            if kind not in KINDS:
                raise InputError(path, n, f"unknown kind '{kind}' (one of {', '.join(KINDS)})")
            mo = decimal(keyval(w[3], "max_order", path, n), path, n, "max_order", 1, 63)
            nr = decimal(keyval(w[4], "regions", path, n), path, n, "regions", 0)
            pool = Pool(w[1], kind, mo, nr)
            continue
        if not w:
            raise InputError(path, n, "an empty line")
        if w[0] == "region":
            finish_region(path, n, r)
            if len(w) != 4:
                raise InputError(path, n, f"expected 'region IDX START-END pages=N', got '{text}'")
            idx = decimal(w[1], path, n, "region IDX")
            if idx != len(pool.regions):
                raise InputError(path, n, f"region {idx} where region {len(pool.regions)} was due")
            if idx >= pool.nregions:
                raise InputError(path, n, f"region {idx}, but the header says regions={pool.nregions}")
            if w[2].count("-") != 1:
                raise InputError(path, n, f"expected START-END, got '{w[2]}'")
            s, e = w[2].split("-")
            start = hexaddr(s, path, n, "START")
            end = hexaddr(e, path, n, "END")
            pages = decimal(keyval(w[3], "pages", path, n), path, n, "pages", 1)
            if start % page_size or end % page_size:
                raise InputError(path, n, f"region {w[2]} is not page-aligned ({page_size} bytes)")
            if end <= start:
                raise InputError(path, n, f"region {w[2]} ends before it starts")
            if (end - start) >> shift != pages:
                raise InputError(path, n, f"region {w[2]} is {(end - start) >> shift} pages, "
                                 f"not pages={pages}")
            for o in pool.regions:
                if start < o.end and o.start < end:
                    raise InputError(path, n, f"region {idx} overlaps region {o.idx} (line {o.line})")
            r = Region(idx, start, end, pages, n)
            pool.regions.append(r)
            continue
        if r is None:
            raise InputError(path, n, f"a record before any 'region' line: '{text}'")
        if len(w) not in (4, 5):
            raise InputError(path, n, f"expected 'PAGE ORDER STATE COUNT [CACHE]', got '{text}'")
        page = decimal(w[0], path, n, "PAGE")
        order = decimal(w[1], path, n, "ORDER", 0, pool.max_order - 1)
        state = w[2]
        if state not in CODE:
            raise InputError(path, n, f"unknown state '{state}' (one of {', '.join(STATES)})")
        count = decimal(w[3], path, n, "COUNT", 1)
        if state == "slab":
            if len(w) != 5:
                raise InputError(path, n, "a slab record without its CACHE name")
            cache = w[4]
        elif len(w) == 5:
            raise InputError(path, n, f"a CACHE name '{w[4]}' on a {state} record (only slab has one)")
        else:
            cache = None
        if state == "unknown" and order:
            raise InputError(path, n, f"an unknown record of order {order} (unknown pages are order 0)")
        if page != r.pos:
            what = "overlaps the previous record" if page < r.pos else \
                f"leaves pages {r.pos}..{page - 1} out"
            raise InputError(path, n, f"record at page {page} where page {r.pos} was due: it {what}")
        pfn = (r.start >> shift) + page
        if pfn & ((1 << order) - 1):
            raise InputError(path, n, f"a block of order {order} at page {page} (pfn {pfn:#x}) "
                             f"is not aligned to {1 << order} pages")
        end = page + (count << order)
        if end > r.pages:
            raise InputError(path, n, f"{count} blocks of order {order} from page {page} end at "
                             f"page {end}, past the region's {r.pages} pages")
        r.page.append(page)
        r.order.append(order)
        r.state.append(state)
        r.count.append(count)
        r.cache.append(cache)
        r.pos = end
        pool.nrecords += 1
    if pool is None:
        raise InputError(path, 1, f"empty: expected the header {header}")
    finish_region(path, last, r)
    if len(pool.regions) != pool.nregions:
        raise InputError(path, last, f"{len(pool.regions)} regions, but the header says "
                         f"regions={pool.nregions}")
    return pool


def parse_per_region(path, kind):
    """buddyinfo (kind "count") or an extfrag file ("index"): returns
    (pool name, {region: [values by order]})."""
    name = None
    rows = {}
    for n, text in text_lines(path):
        w = text.split()
        if len(w) < 5 or w[0] != "Pool" or not w[1].endswith(",") or w[2] != "region":
            raise InputError(path, n, f"expected 'Pool NAME, region IDX VALUE...', got '{text}'")
        if name is not None and w[1][:-1] != name:
            raise InputError(path, n, f"pool '{w[1][:-1]}' after pool '{name}'")
        name = w[1][:-1]
        idx = decimal(w[3], path, n, "region IDX")
        if idx in rows:
            raise InputError(path, n, f"region {idx} twice")
        vals = []
        for o, word in enumerate(w[4:]):
            if kind == "count":
                vals.append(decimal(word, path, n, f"the count of order {o}"))
                continue
            try:
                v = float(word)
            except ValueError:
                v = None
            if v is None or not word.replace("-", "", 1).replace(".", "", 1).isdigit() \
                    or not -1.0 <= v <= 1.0:
                raise InputError(path, n, f"the index of order {o} '{word}' is not a number "
                                 "from -1 to 1")
            vals.append(v)
        rows[idx] = vals
    if name is None:
        raise InputError(path, 1, "empty: expected 'Pool NAME, region IDX VALUE...' lines")
    return name, rows


def free_counts(pool, region, state="free"):
    counts = [0] * pool.max_order
    for o, s, c in zip(region.order, region.state, region.count):
        if s == state:
            counts[o] += c
    return counts


def page_totals(pool):
    tot = dict.fromkeys(STATES, 0)
    for r in pool.regions:
        for o, s, c in zip(r.order, r.state, r.count):
            tot[s] += c << o
    return tot


def cross_check(pool, mappath, extra):
    """Disagreements between the map and the other files, as strings."""
    problems = []
    for path, kind, (name, rows) in extra:
        if name != pool.name:
            problems.append(f"{path}: pool '{name}', the map's is '{pool.name}'")
        for idx in sorted(rows):
            if idx >= len(pool.regions):
                problems.append(f"{path}: region {idx}: the map has {len(pool.regions)} regions")
        for r in pool.regions:
            if r.idx not in rows:
                problems.append(f"{path}: no line for region {r.idx}")
                continue
            vals = rows[r.idx]
            if len(vals) != pool.max_order:
                problems.append(f"{path}: region {r.idx}: {len(vals)} orders, the map's pool "
                                f"has max_order={pool.max_order}")
            if kind != "count":
                continue
            mine = free_counts(pool, r)
            diff = [f"order {o}: map {mine[o] if o < len(mine) else 0}, buddyinfo "
                    f"{vals[o] if o < len(vals) else 0}"
                    for o in range(max(len(mine), len(vals)))
                    if (mine[o] if o < len(mine) else 0) != (vals[o] if o < len(vals) else 0)]
            if diff:
                problems.append(f"{path}: region {r.idx} disagrees with {mappath} on free "
                                f"blocks: {'; '.join(diff)}")
    return problems


# ==== Rendering =============================================================

def human(nbytes):
    """4 KiB, 1.01 MiB, 64 MiB: the largest unit it is at least one of."""
    value, unit = float(nbytes), "B"
    for u in ("KiB", "MiB", "GiB", "TiB"):
        if value < 1024:
            break
        value, unit = value / 1024, u
    return f"{value:.2f}".rstrip("0").rstrip(".") + " " + unit


def region_layout(pages):
    """(pages per cell, cells per row), both powers of two: at most
    MAX_CELLS cells, rows about as long as there are rows."""
    k = 1
    while pages > MAX_CELLS * k:
        k *= 2
    cells = -(-pages // k)
    cols = 1 << max(0, round(math.log2(math.sqrt(cells))))
    return k, cols


def region_image(np, pool, r, page_size):
    """The RGB cell image of a region, its geometry, and block outlines."""
    shift = page_size.bit_length() - 1
    k, cols = region_layout(r.pages)
    row_pages = k * cols
    spfn = r.start >> shift
    lead = spfn % row_pages              # pages of the first row before the region
    rows = -(-(lead + r.pages) // row_pages)
    order = np.array(r.order, dtype=np.int64)
    count = np.array(r.count, dtype=np.int64)
    code = np.array([CODE[s] for s in r.state], dtype=np.int8)
    span = count << order
    st = np.zeros(rows * row_pages, dtype=np.int8)
    st[lead:lead + r.pages] = np.repeat(code, span)
    isfree = (code == CODE["free"]) | (code == CODE["pcp"])
    fo = np.full(rows * row_pages, -1, dtype=np.int8)
    fo[lead:lead + r.pages] = np.repeat(np.where(isfree, order, -1).astype(np.int8), span)
    if k > 1:
        cells = st.reshape(-1, k)
        votes = np.stack([(cells == c).sum(axis=1) for c in range(1, len(STATES) + 1)], axis=1)
        dom = (votes.argmax(axis=1) + 1).astype(np.int8)
        dom[votes.max(axis=1) == 0] = 0
        fo = fo.reshape(-1, k).max(axis=1)
        st = dom
    st = st.reshape(rows, cols)
    fo = fo.reshape(rows, cols)
    img = np.empty((rows, cols, 3), dtype=np.float32)
    img[:] = PAD_COLOUR
    for s, hexcol in COLOURS.items():
        img[st == CODE[s]] = hex_rgb(hexcol)
    freecells = st == CODE["free"]
    top = max(1, pool.max_order - 1)
    t = np.clip(fo[freecells].astype(np.float32) / top, 0.0, 1.0)[:, None]
    img[freecells] = (1 - t) * np.array(FREE_LIGHT) + t * np.array(FREE_DARK)

    # Outlines: blocks of at least MIN_OUTLINE_CELLS cells, as few as fit.
    ncells = (np.int64(1) << order) // k
    thr = MIN_OUTLINE_CELLS
    while int(count[ncells >= thr].sum()) > MAX_OUTLINES:
        thr *= 2
    sel = ncells >= thr
    segs = []
    if sel.any():
        page0 = np.array(r.page, dtype=np.int64)[sel]
        bo, bc, bn = order[sel], count[sel], ncells[sel]
        firsts = np.repeat(page0, bc) + (np.arange(int(bc.sum())) -
                                         np.repeat(np.cumsum(bc) - bc, bc)) * np.repeat(1 << bo, bc)
        sizes = np.repeat(bn, bc)
        c0 = (firsts + lead) // k
        for c, n in zip(c0.tolist(), sizes.tolist()):
            row, col = divmod(c, cols)
            if n <= cols:
                x0, x1, y0, y1 = col - 0.5, col + n - 0.5, row - 0.5, row + 0.5
            else:
                x0, x1, y0, y1 = -0.5, cols - 0.5, row - 0.5, row + n // cols - 0.5
            segs.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    return img, k, cols, rows, lead, spfn - lead, segs, thr


def grid_shape(n):
    ncols = max(1, math.ceil(math.sqrt(n)))
    nrows = max(1, math.ceil(n / ncols))
    return ncols, nrows


def render(pool, out, page_size, title, buddy, unusable, extfrag):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MultipleLocator
    import numpy as np

    n = len(pool.regions)
    ncols, nrows = grid_shape(n)
    fw, fh = 6 * ncols + 7, 6 * nrows + 1.5
    fig = plt.figure(figsize=(fw, fh), dpi=100)

    # Title: heading, page totals, indices (the first two regions).
    tot = page_totals(pool)
    total = sum(tot.values())
    used = total - tot["free"] - tot["pcp"]
    lines = [title or f"kbuddy pool {pool.name}",
             f"pool {pool.name} ({pool.kind}, max_order {pool.max_order}), {n} region"
             f"{'' if n == 1 else 's'}, {total} pages ({human(total * page_size)}): "
             f"free {tot['free']}, pcp {tot['pcp']}, used {used} "
             f"(pages {tot['pages']}, malloc {tot['malloc']}, contig {tot['contig']}, "
             f"slab {tot['slab']}" + (f", unknown {tot['unknown']}" if tot["unknown"] else "") + ")"]
    for label, data in (("unusable_index", unusable), ("extfrag_index", extfrag)):
        if not data:
            continue
        for idx in sorted(data[1])[:2]:
            vals = " ".join(f"{v:.3f}" for v in data[1][idx])
            lines.append(f"{label}, region {idx}, orders 0..{len(data[1][idx]) - 1}: {vals}")
    fig.text(0.5, 1 - 0.12 / fh, lines[0], ha="center", va="top", fontsize=15, weight="bold")
    fig.text(0.5, 1 - 0.42 / fh, "\n".join(lines[1:]), ha="center", va="top", fontsize=9,
             family="monospace", linespacing=1.35)

    # The regions.
    top = fh - 1.5
    for i, r in enumerate(pool.regions):
        row, col = divmod(i, ncols)
        ax = fig.add_axes(((0.95 + 6 * col) / fw, (top - 6 * (row + 1) + 0.45) / fh,
                           4.85 / fw, 5.15 / fh))
        img, k, cols, rows, lead, pfn0, segs, thr = region_image(np, pool, r, page_size)
        ax.imshow(img, interpolation="nearest", aspect="auto" if rows > 4 * cols else "equal")
        if segs:
            ax.add_collection(LineCollection(segs, colors="black", alpha=0.55,
                                             linewidths=0.4 if rows <= 128 else 0.25))
        row_pages = k * cols
        ax.yaxis.set_major_locator(MultipleLocator(1 << max(0, (rows // 6).bit_length() - 1)))
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda y, _p, pfn0=pfn0, rp=row_pages: f"{(pfn0 + int(y) * rp) * page_size:#x}"
            if y >= 0 else ""))
        ax.xaxis.set_major_locator(MultipleLocator(max(1, cols // 8)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p, k=k: f"{int(x) * k}"))
        ax.tick_params(labelsize=7)
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        cell = "1 page per cell" if k == 1 else f"{k} pages per cell (its dominant state)"
        ax.set_title(f"region {r.idx}: {r.start:#x}-{r.end:#x}, {r.pages} pages "
                     f"({human(r.pages * page_size)})\n{row_pages} pages per row, {cell}"
                     f"; blocks of {thr * k}+ pages outlined", fontsize=8)
        ax.set_xlabel("page within the row", fontsize=8)
        ax.set_ylabel("physical address of the row", fontsize=8)
    if not pool.regions:
        fig.text(0.3, 0.5, "no regions", ha="center", fontsize=14)

    # Free blocks per order.
    left = (6 * ncols + 0.8) / fw
    width = 5.2 / fw
    bh = max(3.2, 0.6 * 6 * nrows)
    bax = fig.add_axes((left, (top - bh) / fh, width, (bh - 0.3) / fh))
    mo = pool.max_order
    x = np.arange(mo)
    free = np.zeros(mo, dtype=np.int64)
    pcp = np.zeros(mo, dtype=np.int64)
    for r in pool.regions:
        free += np.array(free_counts(pool, r))
        pcp += np.array(free_counts(pool, r, "pcp"))
    wbar = 0.4
    fcol = [tuple((1 - t) * a + t * b for a, b in zip(FREE_LIGHT, FREE_DARK))
            for t in np.linspace(0, 1, mo)]
    bars = bax.bar(x - wbar / 2, free, wbar, color=fcol, edgecolor="black", linewidth=0.4,
                   label="free (buddy lists)")
    bax.bar(x + wbar / 2, pcp, wbar, color=COLOURS["pcp"], edgecolor="black", linewidth=0.4,
            label="pcp (CPU caches)")
    for b, v in zip(bars, free):
        if v:
            bax.annotate(str(int(v)), (b.get_x() + b.get_width() / 2, v), ha="center",
                         va="bottom", fontsize=6, xytext=(0, 1), textcoords="offset points")
    if buddy:
        bi = np.zeros(mo, dtype=np.int64)
        for r in pool.regions:
            vals = buddy[1].get(r.idx, [])
            for o in range(min(mo, len(vals))):
                bi[o] += vals[o]
        bax.scatter(x - wbar / 2, np.where(bi > 0, bi, np.nan), marker="_", s=160,
                    color="black", linewidths=1.6, zorder=3, label="buddyinfo")
    bax.set_yscale("log")
    ymax = max(1, int(free.max(initial=0)), int(pcp.max(initial=0)))
    bax.set_ylim(0.7, ymax * 3)
    bax.set_xticks(x)
    bax.set_xticklabels([f"{o}\n{human((1 << o) * page_size).replace(' ', '')}" for o in x],
                        fontsize=6)
    bax.set_xlabel("order (block size)", fontsize=8)
    bax.set_ylabel("blocks (log scale)", fontsize=8)
    bax.set_title("free blocks per order, from the map" +
                  (" (bars: map, marks: buddyinfo)" if buddy else ""), fontsize=9)
    bax.tick_params(labelsize=7)
    handles, labels = bax.get_legend_handles_labels()
    if unusable or extfrag:
        iax = bax.twinx()
        shown = sorted(set((unusable or (0, {}))[1]) | set((extfrag or (0, {}))[1]))[:4]
        for idx in shown:
            ls = ("-", "--", ":", "-.")[shown.index(idx)]
            for data, colour, label in ((unusable, "#444444", "unusable_index"),
                                        (extfrag, "#b8860b", "extfrag_index")):
                if data and idx in data[1]:
                    vals = data[1][idx][:mo]
                    iax.plot(range(len(vals)), vals, ls, color=colour, marker=".",
                             linewidth=1, label=f"{label}, region {idx}")
        iax.set_ylim(-1.05, 1.05)
        iax.set_ylabel("index (-1 = a block of that order is free)", fontsize=7)
        iax.tick_params(labelsize=7)
        h2, l2 = iax.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    fig.legend(handles, labels, fontsize=7, loc="upper left", ncol=3, frameon=False,
               bbox_to_anchor=(left - 0.3 / fw, (top - bh - 0.5) / fh))

    # The legend of the regions' colours.
    lax = fig.add_axes((left - 0.3 / fw, 0.1 / fh, width + 0.6 / fw, max(0.5, top - bh - 1.1) / fh))
    lax.axis("off")
    patches = [Patch(facecolor=PAD_COLOUR, edgecolor="grey", label="outside the region")]
    for o in sorted({0, (mo - 1) // 2, mo - 1}):
        t = o / max(1, mo - 1)
        patches.append(Patch(facecolor=tuple((1 - t) * a + t * b for a, b in
                                             zip(FREE_LIGHT, FREE_DARK)),
                             edgecolor="grey",
                             label=f"free, order {o} ({human((1 << o) * page_size)})"))
    what = {"pcp": "pcp: free, in a CPU's page cache", "pages": "pages: kbuddy_alloc_pages",
            "malloc": "malloc: a kbuddy_malloc whole block",
            "contig": "contig: a contig run / alloc_blocks", "slab": "slab: a slab's pages",
            "unknown": "unknown: no valid block head"}
    for s in ("pcp", "pages", "malloc", "contig", "slab", "unknown"):
        patches.append(Patch(facecolor=COLOURS[s], edgecolor="grey", label=what[s]))
    lax.legend(handles=patches, loc="upper left", fontsize=8, ncol=2,
               title="page states (of a region's cells)", title_fontsize=9, frameon=False)

    fig.savefig(out, dpi=100)
    plt.close(fig)


def main(argv):
    ap = argparse.ArgumentParser(prog=PROG, description="Render or check a kbuddy debugfs map dump.")
    ap.add_argument("map", metavar="MAP", help="a copy of /sys/kernel/debug/kbuddy/<pool>/map")
    ap.add_argument("--check", action="store_true", help="only parse and validate; no picture")
    ap.add_argument("--buddyinfo", metavar="F", help="the pool's buddyinfo, read alongside")
    ap.add_argument("--unusable", metavar="F", help="the pool's extfrag/unusable_index")
    ap.add_argument("--extfrag", metavar="F", help="the pool's extfrag/extfrag_index")
    ap.add_argument("-o", "--output", metavar="OUT.png", help="the PNG to write")
    ap.add_argument("--title", metavar="T", help="the picture's heading")
    ap.add_argument("--page-size", type=int, default=4096, metavar="BYTES",
                    help="the kernel's PAGE_SIZE (default 4096)")
    args = ap.parse_args(argv)
    if not args.check and not args.output:
        ap.error("-o OUT.png is required (or --check)")
    if args.page_size < 1 or args.page_size & (args.page_size - 1):
        ap.error("--page-size must be a power of two")
    try:
        pool = parse_map(args.map, args.page_size)
        extra = []
        buddy = unusable = extfrag = None
        if args.buddyinfo:
            buddy = parse_per_region(args.buddyinfo, "count")
            extra.append((args.buddyinfo, "count", buddy))
        if args.unusable:
            unusable = parse_per_region(args.unusable, "index")
            extra.append((args.unusable, "index", unusable))
        if args.extfrag:
            extfrag = parse_per_region(args.extfrag, "index")
            extra.append((args.extfrag, "index", extfrag))
    except InputError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1
    problems = cross_check(pool, args.map, extra)
    if args.check:
        for p in problems:
            print(f"{PROG}: {p}", file=sys.stderr)
        if problems:
            return 1
        tot = page_totals(pool)
        print(f"{args.map}: ok: pool {pool.name} ({pool.kind}, max_order {pool.max_order}), "
              f"{len(pool.regions)} region{'' if len(pool.regions) == 1 else 's'}, "
              f"{sum(tot.values())} pages in {pool.nrecords} records: " +
              ", ".join(f"{s} {tot[s]}" for s in STATES))
        return 0
    for p in problems:
        print(f"{PROG}: warning: {p}", file=sys.stderr)
    try:
        render(pool, args.output, args.page_size, args.title, buddy, unusable, extfrag)
    except ImportError as e:
        print(f"{PROG}: cannot draw: {e} (Debian: apt-get install python3-matplotlib)",
              file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{PROG}: {args.output}: cannot write: {e.strerror or e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)

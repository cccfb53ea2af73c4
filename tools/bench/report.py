#!/usr/bin/env python3
"""Turn kbuddy_bench's console output into a table, ratio lines and CSV.

usage: report.py OUTDIR CONSOLE.log [CONSOLE.log ...]

A ratio is kbuddy's time per operation over the baseline's, per round (the
two measured in the same round of the same run), then the median and the
inter-quartile range over the rounds. Lower is better.
"""
import csv
import os
import re
import statistics
import sys

# (pattern regex, kbuddy op, baseline op): every pattern measured for both.
COMPARISONS = [
    (r"pair-order\d+", "kbuddy_pages", "alloc_pages"),
    (r"pair-order\d+", "kbuddy_pages", "gen_pool_pages"),
    (r"batch\d+-order0", "kbuddy_pages", "alloc_pages"),
    (r"random4096-order0", "kbuddy_pages", "alloc_pages"),
    (r"fill50-order\d+", "kbuddy_pages", "gen_pool_pages"),
    (r"pair-\d+", "kbuddy_cache", "kmem_cache"),
    (r"pair-\d+", "kbuddy_malloc", "kmalloc"),
    (r"batch\d+-64", "kbuddy_cache", "kmem_cache"),
    (r"batch\d+-64", "kbuddy_malloc", "kmalloc"),
    (r"random4096-64", "kbuddy_cache", "kmem_cache"),
    (r"random4096-64", "kbuddy_malloc", "kmalloc"),
    (r"fill50-\d+", "kbuddy_cache", "gen_pool_objs"),
]


def fmt(x):
    """Two decimals, more for ratios far below 1 (gen_pool's)."""
    return f"{x:.2f}" if x >= 0.1 else f"{x:.4f}"


def quartiles(xs):
    xs = sorted(xs)
    if len(xs) < 4:
        return xs[0], statistics.median(xs), xs[-1]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[1], q[2]


def parse(path):
    env, data, smp, frag, other = {}, {}, {}, [], []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        # The module's pr_fmt prefix.
        line = re.sub(r"^kbuddy_bench: ", "", line)
        m = re.match(r"KBENCH-ENV (\w+) (.*)", line)
        if m:
            env[m.group(1)] = m.group(2)
            continue
        m = re.match(r"kbench: (\d+) (smp-\w+) (\w+) (\d+) (\d+)$", line)
        if m:
            r = int(m.group(1))
            if r > 0:
                smp.setdefault((m.group(2), m.group(3)), []).append(
                    (int(m.group(4)), int(m.group(5))))
            continue
        m = re.match(r"kbench: (\d+) (\S+) (\w+) (\d+)$", line)
        if m:
            r, pattern, op, ps = int(m.group(1)), m.group(2), m.group(3), int(m.group(4))
            if r > 0 and pattern != "empty":
                data.setdefault((pattern, op), {})[r] = ps
            continue
        if line.startswith("kbench-frag:"):
            frag.append(line[len("kbench-frag: "):])
        elif line.startswith("kbench: done") or line.startswith("KBENCH-VALIDATE"):
            other.append(line)
    return env, data, smp, frag, other


def main():
    outdir, logs = sys.argv[1], sys.argv[2:]
    rows = []
    for log in logs:
        env, data, smp, frag, other = parse(log)
        label = "init_on_alloc=0" if "init_on_alloc=0" in env.get("cmdline", "") else "init_on_alloc=1"
        print(f"== run {label}")
        for k in ("kernel", "cmdline", "cpu", "cpus"):
            print(f"   {k}: {env.get(k, '?')}")
        print("   accel: TCG (QEMU software emulation)")
        print(f"   {'pattern':<20} {'op':<16} {'median ns/op':>12}")
        for (pattern, op), by_round in sorted(data.items()):
            med = statistics.median(by_round.values()) / 1000
            print(f"   {pattern:<20} {op:<16} {med:>12.1f}")
            for r, ps in sorted(by_round.items()):
                rows.append([label, pattern, op, r, ps / 1000])
        for regex, kb, base in COMPARISONS:
            patterns = sorted({p for (p, o) in data if re.fullmatch(regex, p) and o == kb},
                              key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p)])
            for p in patterns:
                a, b = data.get((p, kb), {}), data.get((p, base), {})
                ratios = [a[r] / b[r] for r in a if r in b and b[r] > 0]
                if not ratios:
                    continue
                lo, med, hi = quartiles(ratios)
                print(f"ratio {p} {kb} vs {base}: median {fmt(med)} iqr {fmt(lo)}-{fmt(hi)} [{label}]")
        for (kind, op), pairs in sorted(smp.items()):
            if kind == "smp-own":
                # Throughput on 2 CPUs over 1: 2 * t1 / t2.
                xs = [2 * one / two for one, two in pairs if two]
                lo, med, hi = quartiles(xs)
                print(f"smp {op} 2-cpu/1-cpu throughput (own objects): median {fmt(med)} iqr {fmt(lo)}-{fmt(hi)} [{label}]")
            else:
                # Remote free: time per object with a producer and a consumer
                # over a local alloc+free pair.
                xs = [two / one for one, two in pairs if one]
                lo, med, hi = quartiles(xs)
                print(f"smp {op} remote-free/local time: median {fmt(med)} iqr {fmt(lo)}-{fmt(hi)} [{label}]")
        for line in frag:
            if " nr_free " not in line:
                print(f"frag {line} [{label}]")
        for line in other:
            print(f"   {line}")
    path = os.path.join(outdir, "bench.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["run", "pattern", "op", "round", "ns_per_op"])
        w.writerows(rows)
    print(f"bench: CSV in {path}")


if __name__ == "__main__":
    main()

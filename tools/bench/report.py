#!/usr/bin/env python3
"""Turn kbuddy_bench's console output into a table, ratio lines and CSV.

usage: report.py [--noise PCT] [--line-noise PCT] OUTDIR CONSOLE.log [...]

A ratio is kbuddy's time per operation over the baseline's, per round (the
two measured in the same round of the same run), then the median and the
inter-quartile range over the rounds. Lower is better.

Every line also gives its relative inter-quartile range (IQR over median)
and ends in NOISY when that exceeds --line-noise percent, or --noise percent
for the key series (the empty loop and the key ratios the module names in
its "kbench-noise: key" lines). The last line is the verdict, also written
to OUTDIR/verdict: trustworthy when, in every run, every key series is
within --noise and at most NOISY_SHARE of the lines are NOISY.
"""
import argparse
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
    (r"blocks-(fill50-)?order\d+", "kbuddy_blocks", "drm_buddy"),
    (r"contig-\w+", "kbuddy_contig", "drm_buddy"),
    (r"contig-align64k", "kbuddy_contig", "gen_pool"),
]

# Issue 13's goal: every constrained pattern (a contiguous run of any size,
# in a range, top-down, aligned) at or under this ratio against drm_buddy.
CONSTRAINED = r"contig-\w+"
DRM_GOAL = 0.5

# Issue 11's table (the speed goals, init_on_alloc=0): (row, pattern regex,
# kbuddy op, baseline op, "<=" or ">=", goal). A row is met when the median
# of every pattern it covers is on the goal's side; "keep" rows have the
# first speed round's bound. smp-own and smp-remote rows are the two-CPU
# lines (throughput 2 CPUs / 1, remote free / local pair).
SPEED_GOALS = [
    ("order-0 pair / alloc_pages (keep)", r"pair-order0", "kbuddy_pages", "alloc_pages", "<=", 0.2),
    ("slab pair 8..4096 / kmem_cache (keep)", r"pair-\d+", "kbuddy_cache", "kmem_cache", "<=", 1.0),
    ("batch of 4096 objects / kmem_cache", r"batch4096-64", "kbuddy_cache", "kmem_cache", "<=", 1.0),
    ("4096 objects freed in random order", r"random4096-64", "kbuddy_cache", "kmem_cache", "<=", 1.0),
    ("kbuddy_malloc pair 8..1024 / kmalloc", r"pair-(8|64|256|1024)", "kbuddy_malloc", "kmalloc", "<=", 1.0),
    ("kbuddy_malloc pair 4096 / kmalloc", r"pair-4096", "kbuddy_malloc", "kmalloc", "<=", 1.0),
    ("malloc batch / random 4096 x 64 B", r"(batch|random)4096-64", "kbuddy_malloc", "kmalloc", "<=", 1.0),
    ("order-4..6 pair / gen_pool", r"pair-order[456]", "kbuddy_pages", "gen_pool_pages", "<=", 0.2),
    ("order-4, pool half full / gen_pool", r"fill50-order4", "kbuddy_pages", "gen_pool_pages", "<=", 0.2),
    ("objects, 2 CPUs / 1", "smp-own", "kbuddy_cache", None, ">=", 1.8),
    ("pages, 2 CPUs / 1", "smp-own", "kbuddy_pages", None, ">=", 1.8),
    ("remote free / local", "smp-remote", "kbuddy_cache", None, "<=", 1.5),
]

# At most this share of a run's lines may be NOISY in a trustworthy run.
NOISY_SHARE = 0.10

# A two-CPU round counts only if the CPUs' parts overlapped in time for at
# least this much (per mille) of the longer part, and a two-CPU line needs
# this many such rounds.
SMP_OVERLAP = 900
SMP_MIN_ROUNDS = 5


def fmt(x):
    """Two decimals, more for ratios far below 1 (gen_pool's)."""
    return f"{x:.2f}" if x >= 0.1 else f"{x:.4f}"


def quartiles(xs):
    """Inclusive quartiles, as kbuddy_bench's noise rule computes them."""
    xs = sorted(xs)
    if len(xs) < 2:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[1], q[2]


def rel_iqr(lo, med, hi):
    return (hi - lo) / med if med else 0.0


class Noise:
    """The lines of one run and how noisy each is."""

    def __init__(self, label, key_limit, line_limit):
        self.label, self.key_limit, self.line_limit = label, key_limit, line_limit
        self.lines = 0
        self.noisy = 0
        self.keys = []  # (name, relative IQR)

    def line(self, text, xs, key=False):
        """Print TEXT with the median and IQR of XS; mark it if noisy."""
        lo, med, hi = quartiles(xs)
        rel = rel_iqr(lo, med, hi)
        limit = self.key_limit if key else self.line_limit
        self.lines += 1
        mark = ""
        if rel > limit:
            self.noisy += 1
            mark = " NOISY"
        if key:
            self.keys.append((text, rel))
        print(f"{text}: median {fmt(med)} iqr {fmt(lo)}-{fmt(hi)} "
              f"({100 * rel:.0f}%{', key' if key else ''}) [{self.label}]{mark}")
        return bool(mark)

    def unmeasured(self, text):
        """A line with too few valid rounds: counted as NOISY."""
        self.lines += 1
        self.noisy += 1
        print(f"{text} [{self.label}] NOISY")


def parse(path):
    env, data, smp, frag, other = {}, {}, {}, [], []
    noise = {"keys": [], "empty": [], "rounds": None, "stop": None, "rule": None}
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        # The module's pr_fmt prefix.
        line = re.sub(r"^kbuddy_bench: ", "", line)
        m = re.match(r"KBENCH-ENV (\w+) (.*)", line)
        if m:
            env[m.group(1)] = m.group(2)
            continue
        m = re.match(r"kbench-noise: key (\S+) (\w+) (\w+)$", line)
        if m:
            noise["keys"].append(m.groups())
            continue
        m = re.match(r"kbench-noise: rounds (\d+) stop (\w+)$", line)
        if m:
            noise["rounds"], noise["stop"] = int(m.group(1)), m.group(2)
            continue
        m = re.match(r"kbench-noise: rule (.*)$", line)
        if m:
            noise["rule"] = m.group(1)
            continue
        m = re.match(r"kbench: (\d+) empty loop (\d+)$", line)
        if m:
            if int(m.group(1)) > 0:
                noise["empty"].append(int(m.group(2)))
            continue
        m = re.match(r"kbench: (\d+) (smp-\w+) (\w+) (\d+) (\d+)(?: (\d+))?$", line)
        if m:
            r = int(m.group(1))
            if r > 0:
                # Overlap of the two CPUs' parts, per mille (1000 if unsaid).
                smp.setdefault((m.group(2), m.group(3)), []).append(
                    (int(m.group(4)), int(m.group(5)), int(m.group(6) or 1000)))
            continue
        m = re.match(r"kbench: (\d+) (\S+) (\w+) (\d+)$", line)
        if m:
            r, pattern, op, ps = int(m.group(1)), m.group(2), m.group(3), int(m.group(4))
            if r > 0 and pattern != "empty":
                data.setdefault((pattern, op), {})[r] = ps
            continue
        if line.startswith("kbench-frag:"):
            frag.append(line[len("kbench-frag: "):])
        elif (line.startswith("kbench: done") or line.startswith("kbench: drm_buddy:")
              or line.startswith("KBENCH-VALIDATE")):
            other.append(line)
    return env, data, smp, frag, other, noise


def main():
    ap = argparse.ArgumentParser(description="kbuddy_bench's console output as ratios")
    ap.add_argument("--noise", type=float, default=15,
                    help="key series: relative IQR limit, percent (default 15)")
    ap.add_argument("--line-noise", type=float, default=25,
                    help="other lines: relative IQR limit, percent (default 25)")
    ap.add_argument("outdir")
    ap.add_argument("logs", nargs="+")
    args = ap.parse_args()
    outdir, logs = args.outdir, args.logs
    rows = []
    verdicts = []
    for log in logs:
        env, data, smp, frag, other, noise = parse(log)
        cmdline = env.get("cmdline", "")
        label = "init_on_alloc=0" if "init_on_alloc=0" in cmdline else "init_on_alloc=1"
        debug = re.search(r"\bkbuddy\.debug=(\S+)", cmdline)
        if debug:
            label += f" debug={debug.group(1)}"
        nz = Noise(label, args.noise / 100, args.line_noise / 100)
        keys = set(noise["keys"])
        print(f"== run {label}")
        for k in ("kernel", "cmdline", "cpu", "cpus"):
            print(f"   {k}: {env.get(k, '?')}")
        print("   accel: TCG (QEMU software emulation)")
        print(f"   noise rule: {noise['rule'] or '?'}; "
              f"{noise['rounds'] or '?'} rounds, stopped: {noise['stop'] or '?'}")
        print(f"   {'pattern':<20} {'op':<16} {'median ns/op':>12} {'iqr/median':>10}")
        for (pattern, op), by_round in sorted(data.items()):
            lo, med, hi = quartiles(list(by_round.values()))
            print(f"   {pattern:<20} {op:<16} {med / 1000:>12.1f} {100 * rel_iqr(lo, med, hi):>9.0f}%")
            for r, ps in sorted(by_round.items()):
                rows.append([label, pattern, op, r, ps / 1000])
        if noise["empty"]:
            nz.line("empty loop ns/op", [ps / 1000 for ps in noise["empty"]], key=True)
        constrained = {}
        medians = {}
        for regex, kb, base in COMPARISONS:
            patterns = sorted({p for (p, o) in data if re.fullmatch(regex, p) and o == kb},
                              key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p)])
            for p in patterns:
                a, b = data.get((p, kb), {}), data.get((p, base), {})
                ratios = [a[r] / b[r] for r in a if r in b and b[r] > 0]
                if not ratios:
                    continue
                noisy = nz.line(f"ratio {p} {kb} vs {base}", ratios, key=(p, kb, base) in keys)
                medians[(p, kb, base)] = (quartiles(ratios)[1], noisy)
                if base == "drm_buddy" and re.fullmatch(CONSTRAINED, p):
                    constrained[p] = quartiles(ratios)[1]
        if constrained:
            over = [f"{p} {fmt(m)}" for p, m in sorted(constrained.items()) if m > DRM_GOAL]
            print(f"goal [{label}]: constrained patterns at or under {DRM_GOAL}x drm_buddy: "
                  f"{len(constrained) - len(over)} of {len(constrained)}"
                  + (f" (over: {', '.join(over)})" if over else ""))
        for (kind, op), pairs in sorted(smp.items()):
            # Only rounds in which both CPUs ran together for most of the
            # longer part (SMP_OVERLAP) measure two CPUs at all.
            kept = [(one, two) for one, two, ov in pairs if ov >= SMP_OVERLAP]
            dropped = f"{len(kept)} of {len(pairs)} rounds overlapped"
            if kind == "smp-own":
                # Throughput on 2 CPUs over 1: 2 * t1 / t2.
                xs = [2 * one / two for one, two in kept if two]
                text = f"smp {op} 2-cpu/1-cpu throughput (own objects)"
            elif kind == "smp-remote":
                # Remote free: time per object with a producer and a consumer
                # over a local alloc+free pair.
                xs = [two / one for one, two in kept if one]
                text = f"smp {op} remote-free/local time"
            else:
                # The producer-consumer ring alone (nothing allocated) over
                # OP's local pair: the part of remote-free/local that is
                # not the allocator's.
                xs = [two / one for one, two in kept if one]
                text = f"smp ring alone (no allocator) / {op} local pair time"
            if len(xs) >= SMP_MIN_ROUNDS:
                noisy = nz.line(f"{text}, {dropped}", xs)
                medians[(kind, op, None)] = (quartiles(xs)[1], noisy)
            else:
                nz.unmeasured(f"{text}: not measured: {dropped} "
                              f"(at least {SMP_MIN_ROUNDS} needed)")
        if label == "init_on_alloc=0":
            speed_goals(label, medians)
        for line in frag:
            if " nr_free " not in line:
                print(f"frag {line} [{label}]")
        for line in other:
            print(f"   {line}")
        verdicts.append(judge(nz, noise, args.noise))
    path = os.path.join(outdir, "bench.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["run", "pattern", "op", "round", "ns_per_op"])
        w.writerows(rows)
    print(f"bench: CSV in {path}")
    verdict = summary(verdicts)
    print(verdict)
    with open(os.path.join(outdir, "verdict"), "w") as f:
        f.write(verdict + "\n")


def speed_goals(label, medians):
    """Issue 11's rows: one line each, then how many are met.

    A row is judged on the patterns of it that were measured (their count
    is printed) and says "noisy" when one of their lines was NOISY.
    """
    met = missed = unmeasured = 0
    for row, regex, kb, base, side, goal in SPEED_GOALS:
        if base is None:
            got = {regex: medians[(regex, kb, None)]} if (regex, kb, None) in medians else {}
        else:
            got = {p: m for (p, k, b), m in medians.items()
                   if k == kb and b == base and re.fullmatch(regex, p)}
        if not got:
            unmeasured += 1
            print(f"goal [{label}]: {row}: not measured (goal {side} {goal})")
            continue
        values = [m for m, _ in got.values()]
        ok = all(m <= goal if side == "<=" else m >= goal for m in values)
        worst = (max if side == "<=" else min)(values)
        shown = side if ok else {"<=": ">", ">=": "<"}[side]
        noisy = ", noisy" if any(n for _, n in got.values()) else ""
        met, missed = met + ok, missed + (not ok)
        print(f"goal [{label}]: {row}: {fmt(worst)} {shown} {goal}: "
              f"{'met' if ok else 'missed'} ({len(got)} pattern{'s' if len(got) > 1 else ''}{noisy})")
    print(f"goal [{label}]: speed rows (issue 11): {met} met, {missed} missed, "
          f"{unmeasured} not measured, of {len(SPEED_GOALS)}")
    ring = medians.get(("smp-ring", "kbuddy_cache", None))
    if ring:
        print(f"goal [{label}]: remote free's floor: the ring alone takes {fmt(ring[0])} "
              f"of kbuddy_cache's local pair time{' (noisy)' if ring[1] else ''}")


def judge(nz, noise, limit_pct):
    """One run: (label, rounds, widest key series, problems)."""
    problems = []
    widest = max(nz.keys, key=lambda k: k[1], default=("no key series", 0.0))
    over = [k for k in nz.keys if k[1] > nz.key_limit]
    if not nz.keys:
        problems.append("no key series measured")
    if over:
        problems.append(f"{len(over)} of {len(nz.keys)} key series over {limit_pct:g}% "
                        f"(widest: {widest[0]} {100 * widest[1]:.0f}%)")
    if nz.lines and nz.noisy > NOISY_SHARE * nz.lines:
        problems.append(f"{nz.noisy} of {nz.lines} lines NOISY")
    if noise["stop"] and noise["stop"] != "quiet":
        problems.append(f"gave up adding rounds at {noise['stop']} ({noise['rounds']} rounds)")
    print(f"noise [{nz.label}]: {noise['rounds'] or '?'} rounds, widest key series "
          f"{widest[0]} {100 * widest[1]:.0f}%, {nz.noisy} of {nz.lines} lines NOISY")
    return nz.label, noise["rounds"] or 0, widest, problems


def summary(verdicts):
    """The one line that says whether the numbers above mean something."""
    rounds = "+".join(str(r) for _, r, _, _ in verdicts)
    widest = max((w[1] for _, _, w, _ in verdicts), default=0.0)
    bad = [f"{label}: {'; '.join(p)}" for label, _, _, p in verdicts if p]
    if not verdicts:
        return "bench: NOT trustworthy: no run to judge"
    if bad:
        return "bench: NOT trustworthy: " + "; ".join(bad)
    return f"bench: trustworthy ({rounds} rounds, max relative IQR of key series {100 * widest:.0f}%)"


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# perf-threads.py: how busy each thread of a profiled run was, a quarter second at a time, and in which
# phase (a frame of the call stack names it). Answers "is one thread the bound, or the whole CPU?", which
# a total CPU time cannot. On this VM perf has no hardware counters; cpu-clock sampling works:
#
#   perf record -F 1999 -g -o run.data -- subledger import w.jsonl --db books.db
#   perf script -i run.data -F tid,time,ip,sym > run.txt
#   tools/bench/perf-threads.py run.txt [HZ]
#
# HZ is the sampling rate given to perf (1999 by default): a thread on CPU for a whole quarter second has
# HZ / 4 samples there (run it on the machine that was profiled: the last table divides by its cores).
# Phases are matched in order; the first whose pattern a frame contains wins.
import collections
import os
import sys

PHASES = [
    ("read", ("ImportInput", "ImportFileReader")),
    ("decide+fold", ("decide", "LedgerState", "EventCatalog")),
    ("fsync", ("fdatasync",)),
    ("io", ("pwrite", "pread")),
    ("unlink", ("unlink",)),
    ("json", ("JSONLine",)),
    ("sqlite", ("sqlite3", "AppendWriter")),
]


def samples(path):
    """(tid, time, frames) per sample of `perf script -F tid,time,ip,sym`."""
    current = None
    for line in open(path, errors="replace"):
        if not line.strip():
            if current:
                yield current
            current = None
        elif not line[0].isspace() or not line.startswith(("\t", " " * 8)):
            fields = line.split()
            current = (fields[0], float(fields[1].rstrip(":")), [])
        elif current is not None:
            current[2].append(line.strip())
    if current:
        yield current


def phase(frames):
    stack = " ".join(frames)
    for name, patterns in PHASES:
        if any(pattern in stack for pattern in patterns):
            return name
    return "other"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: perf-threads.py PERF_SCRIPT_OUTPUT [HZ]")
    hz = float(sys.argv[2]) if len(sys.argv) > 2 else 1999.0
    runs = list(samples(sys.argv[1]))
    if not runs:
        sys.exit("no samples (was perf script run with -F tid,time,ip,sym?)")
    start = min(time for _, time, _ in runs)
    per_thread = collections.Counter(tid for tid, _, _ in runs)
    full = hz / 4
    for tid, count in per_thread.most_common():
        print(f"thread {tid}: {count / hz:.2f} s on CPU")
        quarters = collections.defaultdict(collections.Counter)
        for sample_tid, time, frames in runs:
            if sample_tid == tid:
                quarters[int((time - start) * 4)][phase(frames)] += 1
        for quarter in sorted(quarters):
            row = quarters[quarter]
            busy = 100 * sum(row.values()) / full
            parts = ", ".join(f"{name} {n}" for name, n in row.most_common())
            print(f"  {quarter / 4:6.2f} s  {busy:4.0f}% busy  {parts}")
    cores = os.cpu_count() or 1
    print(f"all threads, as a share of this machine's {cores} cores:")
    quarters = collections.Counter(int((time - start) * 4) for _, time, _ in runs)
    for quarter in sorted(quarters):
        print(f"  {quarter / 4:6.2f} s  {100 * quarters[quarter] / (full * cores):4.0f}% busy")


if __name__ == "__main__":
    main()

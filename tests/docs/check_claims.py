#!/usr/bin/env python3
"""Every performance figure in README.md and docs/performance.md names the
benchmark that produced it (issue 19: figures nobody can reproduce drift
into claims nobody checked).

A figure is a number with a unit of time (s, ms, us, ns, seconds, minutes),
of memory (B, KiB, MiB, GiB, KB, MB, GB, bytes), or a rate ("/s", "per
second", "negotiations/s"), or a speed-up ("30x", "1.8x"). A figure is
attributed when the paragraph, list item or table it stands in names a
benchmark (`bench_<name>` or `bench/<file>`), or, in docs/performance.md,
when a section it belongs to (the text under its "##" heading, or under its
"###" heading within that) does. Every benchmark named must exist in bench/.

    check_claims.py SOURCE_DIR        exit 0 when every figure is attributed
"""
import os
import re
import sys

UNIT = (r"(?:ns|us|µs|ms|s|sec|seconds?|minutes?|min|B|KiB|MiB|GiB|KB|MB|GB|"
        r"bytes|/s|per second|negotiations/s|moves/s|steps/s)")
FIGURE = re.compile(r"(?<![\w.^])\d[\d,]*(?:\.\d+)?\s?" + UNIT + r"(?![\w])"
                    r"|(?<![\w.])\d+(?:\.\d+)?x(?![\w])"
                    r"|\b(?:a|one) (?:half|third|quarter|fifth|tenth) of a second"
                    r"|\b\d+(?:\.\d+)? times (?:faster|slower)")
BENCH = re.compile(r"\bbench(?:/|_)([A-Za-z0-9_.]+)")


def blocks(text):
    """(heading path, block text, first line) for every block: paragraphs,
    list items and tables, split at blank lines; fenced code is skipped
    (commands and their output, not claims)."""
    heading = ("", "")  # the "##" heading and the "###" one under it
    cur, start, fenced = [], 0, False
    for no, line in enumerate(text.split("\n"), 1):
        if line.startswith("```"):
            fenced = not fenced
            if cur:
                yield heading, "\n".join(cur), start
                cur = []
            continue
        if fenced or line.startswith("    "):  # indented code too
            continue
        if line.startswith("#"):
            if cur:
                yield heading, "\n".join(cur), start
                cur = []
            level = len(line) - len(line.lstrip("#"))
            title = line.strip("# ").strip()
            heading = (title, "") if level <= 2 else (heading[0], title)
            continue
        if not line.strip():
            if cur:
                yield heading, "\n".join(cur), start
                cur = []
            continue
        if not cur:
            start = no
        cur.append(line)
    if cur:
        yield heading, "\n".join(cur), start


def benches_in(s):
    return {m.group(0) for m in BENCH.finditer(s)}


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    bench_dir = os.path.join(src, "bench")
    have = set(os.listdir(bench_dir))
    bad = 0
    checked = 0
    for rel, by_section in (("README.md", False), ("docs/performance.md", True)):
        text = open(os.path.join(src, rel), encoding="utf-8").read()
        section_benches = {}
        if by_section:
            for h, b, _ in blocks(text):
                for key in (h[:1], h):
                    section_benches.setdefault(key, set()).update(benches_in(b))
        for h, b, line in blocks(text):
            for name in benches_in(b):
                stem = name.split("/", 1)[-1] if "/" in name else name
                stem = stem.rstrip(".")
                if not any(f == stem or f.startswith(stem + ".") for f in have):
                    print(f"{rel}:{line}: names {name}, which is not in bench/")
                    bad += 1
            figs = FIGURE.findall(b)
            if not figs:
                continue
            checked += 1
            if benches_in(b) or (by_section and (section_benches.get(h) or
                                                 section_benches.get(h[:1]))):
                continue
            print(f"{rel}:{line}: figures {', '.join(figs[:4])} name no "
                  f"benchmark (bench_<name> or bench/<file>)")
            bad += 1
    print(f"{checked} blocks with figures checked, {bad} without a benchmark")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

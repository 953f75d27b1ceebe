"""How fast the duty look-up answers over a large caseload (no UI: the index itself).

    .venv/bin/python bench/lookup.py [--cases 10000] [--queries 400]

Prints p50/p95/max per query for names typed as a duty officer would (exact, without
accents, with a typo, initials run together, a CRN, a Latin reading of a Cyrillic/Greek/Chinese
name, a prefix as it is being typed), the time to build the index, and beside them a baseline
measured in the same run: a plain scan that folds every name at query time and checks each
query word as a substring (no typo or reading support). Target: p95 under 100 ms. "ours" is the
index as used (it remembers the matches of words already asked, as when a name is typed key by
key); "ours cold" forgets them before every query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _names import crns, names  # noqa: E402

from omtui.domain.lookup import LookupIndex, fold, romanised, tokens  # noqa: E402


def queries(pairs: list[tuple[str, str]], n: int, seed: int = 11) -> list[tuple[str, str]]:
    """(kind, query) drawn from the caseload itself."""
    rng = random.Random(seed)
    out = []
    kinds = ["exact", "no accents", "typo", "initials", "crn", "prefix", "reading"]
    for i in range(n):
        crn, name = rng.choice(pairs)
        kind = kinds[i % len(kinds)]
        words = name.split()
        last = words[-1]
        if kind == "exact":
            q = name
        elif kind == "no accents":
            q = " ".join(tokens(name))
        elif kind == "typo":
            t = tokens(last)[0] if tokens(last) else last
            j = rng.randrange(max(1, len(t) - 1))
            q = t[:j] + t[j + 1:j + 2] + t[j:j + 1] + t[j + 2:] if len(t) > 3 else t
        elif kind == "initials":
            q = words[0][:1] + last
        elif kind == "crn":
            q = crn.lower()
        elif kind == "prefix":
            q = last[: max(2, len(last) // 2)]
        else:
            q = romanised(name) if not name.isascii() else name
        out.append((kind, q))
    return out


def baseline_search(pairs: list[tuple[str, str]], query: str, limit: int = 20) -> list[str]:
    words = fold(query).split()
    found = [crn for crn, name in pairs if all(w in fold(name) for w in words)]
    return found[:limit]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def ms(x: float) -> str:
    return f"{x * 1000:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    pairs = list(zip(crns(args.cases), names(args.cases)))
    t = time.perf_counter()
    index = LookupIndex(pairs)
    build = time.perf_counter() - t
    qs = queries(pairs, args.queries)

    ours: list[float] = []
    by_kind: dict[str, list[float]] = {}
    found = 0
    for kind, q in qs:
        t = time.perf_counter()
        result = index.search(q)
        dt = time.perf_counter() - t
        ours.append(dt)
        by_kind.setdefault(kind, []).append(dt)
        found += bool(result)
    cold: list[float] = []
    for _kind, q in qs:
        index._memo.clear()          # nothing remembered from earlier queries
        t = time.perf_counter()
        index.search(q)
        cold.append(time.perf_counter() - t)
    base: list[float] = []
    base_found = 0
    for _kind, q in qs:
        t = time.perf_counter()
        result = baseline_search(pairs, q)
        base.append(time.perf_counter() - t)
        base_found += bool(result)

    print(f"duty look-up over {args.cases:,} cases, {len(qs)} queries, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"  index build            {ms(build)}")
    print(f"  ours      p50 {ms(statistics.median(ours))}  p95 {ms(pct(ours, 95))}  "
          f"max {ms(max(ours))}   target p95 < 100 ms   answered {found}/{len(qs)}")
    print(f"  ours cold p50 {ms(statistics.median(cold))}  p95 {ms(pct(cold, 95))}  "
          f"max {ms(max(cold))}   (no word remembered from earlier queries)")
    print(f"  baseline  p50 {ms(statistics.median(base))}  p95 {ms(pct(base, 95))}  "
          f"max {ms(max(base))}   (substring scan)      answered {base_found}/{len(qs)}")
    print(f"  ratio ours/baseline: p50 {statistics.median(ours) / statistics.median(base):.2f}"
          f"  p95 {pct(ours, 95) / pct(base, 95):.2f}")
    for kind, values in by_kind.items():
        print(f"    {kind:<11} p50 {ms(statistics.median(values))}  p95 {ms(pct(values, 95))}")


if __name__ == "__main__":
    main()

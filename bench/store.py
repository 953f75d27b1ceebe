"""How fast is the store? Import demo caseloads of 10,000 and 100,000 cases into a SQLite file,
then evaluate ``due`` over the database and, in the same run, straight from the JSON file.

    .venv/bin/python bench/store.py [--sizes 10000,100000] [--seed 7] [--keep DIR]

Printed for each size:

* import: validation of the JSON file (parse + check against today + CRN clash check) and the
  database write (one transaction, audited), as events per second (target >= 20,000 events/s
  for the write, and shown end to end);
* database size per case (after a WAL checkpoint);
* ``due`` from the database (open_store + list_cases + the rules engine over every case) versus
  ``due`` from the JSON file (read + parse + the same rules engine): the ratio
  (target: the database path within 2x of the JSON path), and the loading part alone
  (list_cases versus read + parse), which is what the store adds.

The rules engine is ``omtui.domain.agenda.case_agenda`` when present; without it the script
times loading only and says so.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from omtui.domain.caseformat import parse_caseload
from omtui.store import demo, open_store
from omtui.store.exporter import caseload_json
from omtui.store.importer import check_text

try:
    from omtui.domain.agenda import case_agenda
    from omtui.rulepacks import default_packs
except ImportError:  # the rules engine is not there yet
    case_agenda = None


def evaluate(cases, cal, book) -> int:
    if case_agenda is None:
        return 0
    today = demo.DEMO_TODAY
    return sum(len(case_agenda(c, today, cal, book)) for c in cases)


def bench(n: int, seed: int, workdir: Path) -> dict:
    from omtui.domain.calendar import england_and_wales

    cal = england_and_wales()
    book = default_packs() if case_agenda is not None else None
    cal.add_working_days(demo.DEMO_TODAY, 10)        # warm the holiday cache

    t = time.perf_counter()
    cases = demo.generate(n, seed)
    gen_s = time.perf_counter() - t
    events = sum(len(c.events) for c in cases)
    json_file = workdir / f"demo-{n}.json"
    json_file.write_text(caseload_json(cases), encoding="utf-8")
    del cases
    gc.collect()

    db_file = workdir / f"demo-{n}.sqlite"
    store = open_store(db_file, officer="bench")
    t = time.perf_counter()
    checked = check_text(json_file.read_text(encoding="utf-8"), fmt="json",
                         today=demo.DEMO_TODAY, existing=store.crns())
    validate_s = time.perf_counter() - t
    assert not checked.problems, checked.problems[:3]
    t = time.perf_counter()
    summary = store.import_cases(checked.cases, validated=True)
    write_s = time.perf_counter() - t
    assert summary.events == events
    del checked
    store.close()
    gc.collect()
    size = db_file.stat().st_size

    # due from the database
    t = time.perf_counter()
    store = open_store(db_file, officer="bench")
    loaded = store.list_cases()
    db_load_s = time.perf_counter() - t
    db_items = evaluate(loaded, cal, book)
    db_total_s = time.perf_counter() - t
    store.close()
    del loaded
    gc.collect()

    # due from the JSON file
    t = time.perf_counter()
    parsed = parse_caseload(json.loads(json_file.read_text(encoding="utf-8")))
    json_load_s = time.perf_counter() - t
    json_items = evaluate(parsed.cases, cal, book)
    json_total_s = time.perf_counter() - t
    assert db_items == json_items, (db_items, json_items)
    del parsed
    gc.collect()
    return dict(n=n, events=events, gen_s=gen_s, validate_s=validate_s, write_s=write_s,
                size=size, db_load_s=db_load_s, db_total_s=db_total_s, json_load_s=json_load_s,
                json_total_s=json_total_s, items=db_items)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", help="Keep the files in this directory.")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="omtui-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if case_agenda is None:
        print("omtui.domain.agenda is not available: timing loading only (no due evaluation)")
    try:
        for n in sizes:
            r = bench(n, args.seed, workdir)
            ev = r["events"]
            print(f"\n== {n:,} demo cases, {ev:,} events (generated in {r['gen_s']:.1f} s) ==")
            print(f"import: validate {r['validate_s']:.2f} s ({ev / r['validate_s']:,.0f} events/s), "
                  f"write {r['write_s']:.2f} s ({ev / r['write_s']:,.0f} events/s, target >= 20,000), "
                  f"end to end {ev / (r['validate_s'] + r['write_s']):,.0f} events/s")
            print(f"database: {r['size'] / 1e6:,.1f} MB, {r['size'] / n / 1024:.1f} KiB per case, "
                  f"{r['size'] / ev:.0f} bytes per event (audit included)")
            print(f"load only: list_cases {r['db_load_s']:.2f} s vs JSON read+parse "
                  f"{r['json_load_s']:.2f} s: ratio {r['db_load_s'] / r['json_load_s']:.2f}")
            if case_agenda is not None:
                ratio = r["db_total_s"] / r["json_total_s"]
                print(f"due ({r['items']:,} items): database {r['db_total_s']:.2f} s vs JSON file "
                      f"{r['json_total_s']:.2f} s: ratio {ratio:.2f} (target <= 2.00) "
                      f"{'OK' if ratio <= 2 else 'MISSED'}")
            sys.stdout.flush()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

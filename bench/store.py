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


class Timer:
    """Wall and CPU time of a block (CPU time is steadier on a shared, loaded machine)."""

    def __enter__(self):
        self.w, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c

    def lap(self):
        return time.perf_counter() - self.w, time.process_time() - self.c


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
    with Timer() as validate:
        checked = check_text(json_file.read_text(encoding="utf-8"), fmt="json",
                             today=demo.DEMO_TODAY, existing=store.crns())
    assert not checked.problems, checked.problems[:3]
    with Timer() as write:
        summary = store.import_cases(checked.cases, validated=True)
    assert summary.events == events
    del checked
    store.close()
    gc.collect()
    size = db_file.stat().st_size

    # due from the database
    with Timer() as db_total:
        store = open_store(db_file, officer="bench")
        loaded = store.list_cases()
        db_load = db_total.lap()
        db_items = evaluate(loaded, cal, book)
    store.close()
    del loaded
    gc.collect()

    # due from the JSON file
    with Timer() as json_total:
        parsed = parse_caseload(json.loads(json_file.read_text(encoding="utf-8")))
        json_load = json_total.lap()
        json_items = evaluate(parsed.cases, cal, book)
    assert db_items == json_items, (db_items, json_items)
    del parsed
    gc.collect()
    return dict(n=n, events=events, gen_s=gen_s, validate=validate, write=write, size=size,
                db_load=db_load, db_total=(db_total.wall, db_total.cpu), json_load=json_load,
                json_total=(json_total.wall, json_total.cpu), items=db_items)


def _pair(wall_cpu) -> str:
    return f"{wall_cpu[0]:.2f} s ({wall_cpu[1]:.2f} s CPU)"


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
            v, w = r["validate"], r["write"]
            print(f"\n== {n:,} demo cases, {ev:,} events (generated in {r['gen_s']:.1f} s) ==")
            print(f"import write (one audited transaction): {_pair((w.wall, w.cpu))}: "
                  f"{ev / w.wall:,.0f} events/s wall, {ev / w.cpu:,.0f} events/s CPU "
                  f"(target >= 20,000)")
            print(f"import validate (parse + checks): {_pair((v.wall, v.cpu))}; end to end "
                  f"{ev / (v.wall + w.wall):,.0f} events/s wall")
            print(f"database: {r['size'] / 1e6:,.1f} MB, {r['size'] / n / 1024:.1f} KiB per case, "
                  f"{r['size'] / ev:.0f} bytes per event (audit included)")
            dl, jl = r["db_load"], r["json_load"]
            print(f"load only: list_cases {_pair(dl)} vs JSON read+parse {_pair(jl)}: "
                  f"ratio {dl[0] / jl[0]:.2f} wall, {dl[1] / jl[1]:.2f} CPU")
            if case_agenda is not None:
                dt, jt = r["db_total"], r["json_total"]
                ratio, cpu_ratio = dt[0] / jt[0], dt[1] / jt[1]
                print(f"due ({r['items']:,} items): database {_pair(dt)} vs JSON file "
                      f"{_pair(jt)}: ratio {ratio:.2f} wall, {cpu_ratio:.2f} CPU "
                      f"(target <= 2.00) {'OK' if max(ratio, cpu_ratio) <= 2 else 'MISSED'}")
            sys.stdout.flush()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

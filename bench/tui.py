"""How fast the caseload screen is with a large caseload, driven by Textual's Pilot.

    .venv/bin/python bench/tui.py [--cases 5000] [--sqlite]

Prints, from one run:
  * first screen usable: app start until the caseload table has drawn its rows and takes keys
    (target < 1 s), and until every case's due items are worked out and sorted;
  * filter: time per key press until the table has drawn the filtered rows on screen (target
    < 100 ms), typing "smith" then deleting it again, twice over;
  * baselines beside them, measured in the same run: the same app with the caseload in a
    textual DataTable (bench/_datatable_caseload.py: the first 150 matching rows, cleared and
    refilled on each key, as the table was built before), for the first screen and each filter
    key; and the rules engine alone over the same cases. Ratios are ours / baseline. The
    machine's load average is printed: figures from a busy machine are slower in absolute
    terms; the ratios hold better.

Cases are the demo caseload (data/demo/caseload.json) cloned with new CRNs and synthetic names.
"""

from __future__ import annotations

import argparse
import os
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _datatable_caseload  # noqa: E402
from textual import events  # noqa: E402
from _names import crns, names  # noqa: E402

from omtui.app import OmtuiApp  # noqa: E402
from omtui.calendar_file import load_calendar  # noqa: E402
from omtui.caseload_view import build_rows, filter_rows, sort_rows  # noqa: E402
from omtui.domain.caseformat import parse_caseload  # noqa: E402
from omtui.screens import caseload as caseload_screen  # noqa: E402
from omtui.services import InMemoryStore  # noqa: E402
from omtui.widgets.caseload_table import CaseloadTable  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 23)
TYPED = "smith"
ROUNDS = 2


def make_cases(n: int):
    demo = parse_caseload(json.loads((ROOT / "data/demo/caseload.json").read_text("utf-8"))).cases
    return [replace(demo[i % len(demo)], crn=c, name=nm)
            for i, (c, nm) in enumerate(zip(crns(n), names(n)))]


async def wait_until(pilot, test, timeout=60.0, step=0.001):
    """Look every ``step`` seconds until ``test()``; the app runs meanwhile on its own timers."""
    start = time.perf_counter()
    while not test():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the screen did not get there")
        await asyncio.sleep(step)
    return time.perf_counter()


async def run_app(store, calendar, table_class=CaseloadTable) -> dict[str, object]:
    caseload_screen.CaseloadTable = table_class        # the screen looks its table up by this
    try:
        return await _run_app(store, calendar, table_class)
    finally:
        caseload_screen.CaseloadTable = CaseloadTable


async def _run_app(store, calendar, table_class) -> dict[str, object]:
    app = OmtuiApp(clock=lambda: TODAY, calendar=calendar, store=store)
    out: dict[str, object] = {}
    t0 = time.perf_counter()
    async with app.run_test(size=(160, 48)) as pilot:
        def table():
            found = app.screen.query(table_class)
            return found.first() if found else None

        def drawn(t) -> bool:
            return t is not None and t.row_count > 0 and t.painted == t.generation

        t_rows = await wait_until(pilot, lambda: drawn(table()))
        out["first_rows"] = t_rows - t0
        t_all = await wait_until(pilot, lambda: app.screen.working is None and app.screen.loaded
                                 and not any(r.pending for r in app.screen.all_rows), 300)
        out["all_due_items"] = t_all - t0
        out["cases"] = len(app.screen.all_rows)
        await pilot.press("slash")
        await pilot.pause()
        per_key, cpu_per_key = [], []
        for key in [*TYPED, *["backspace"] * len(TYPED)] * ROUNDS:
            await pilot.pause()                        # the last key is done with: start calm
            t, generation, cpu = time.perf_counter(), table().generation, time.process_time()

            def shown() -> bool:
                tb = table()
                return (tb.generation > generation and tb.painted == tb.generation
                        and [r.crn for r in tb.shown_rows] == [
                            r.crn for r in filter_rows(app.screen._sorted,
                                                       app.screen.filter_input.value)])

            # The key goes in as the terminal driver sends it; the app's own timers repaint
            # (Pilot.press would also wait for the whole app to go idle, and pause() forces a
            # repaint: neither is what a person at the keyboard gets).
            app.post_message(events.Key(key, key if len(key) == 1 else None))
            per_key.append(await wait_until(pilot, shown, step=0.0005) - t)
            cpu_per_key.append(time.process_time() - cpu)
        out["per_key"] = per_key
        out["cpu_per_key"] = cpu_per_key
        out["shown_after_typing"] = len(filter_rows(app.screen.all_rows, TYPED))
    return out


def ms(x: float) -> str:
    return f"{x * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--sqlite", action="store_true",
                        help="read the cases from a SQLite store (omtui.store) instead of memory")
    args = parser.parse_args()
    calendar = load_calendar(None)
    cases = make_cases(args.cases)

    tmp = None
    if args.sqlite:
        from omtui.store import open_store

        tmp = tempfile.TemporaryDirectory()
        store = open_store(str(Path(tmp.name) / "bench.sqlite"), "bench")
        store.import_cases(cases)
        t = time.perf_counter()
        store.list_cases()
        list_time = time.perf_counter() - t
    else:
        store = InMemoryStore(cases, label="bench (memory)")
        list_time = None

    print(f"omtui caseload screen, {len(cases):,} cases, 160x48, store: {store.describe()}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ours = asyncio.run(run_app(store, calendar))

    # Baseline 1: the rules engine alone over the same cases, no UI.
    from omtui.app import rules_engine_agenda
    from omtui.rulepacks import default_packs

    agenda = rules_engine_agenda(default_packs())
    t = time.perf_counter()
    sort_rows(build_rows(cases, lambda c: agenda(c, TODAY, calendar)))
    engine_time = time.perf_counter() - t

    # Baseline 2: the same app with the caseload in a DataTable.
    naive = asyncio.run(run_app(store, calendar, _datatable_caseload.CaseloadTable))

    keys, nkeys = ours["per_key"], naive["per_key"]
    print()
    if list_time is not None:
        print(f"  store.list_cases()                     {ms(list_time)}")
    print(f"  first screen usable (rows shown)       {ms(ours['first_rows'])}   target < 1000 ms")
    print(f"    baseline: DataTable                  {ms(naive['first_rows'])}"
          f"   ratio ours/baseline = {ours['first_rows'] / naive['first_rows']:.2f}")
    print(f"  every due item worked out and sorted   {ms(ours['all_due_items'])}")
    print(f"    baseline: rules engine alone, no UI  {ms(engine_time)}"
          f"   ratio = {ours['all_due_items'] / engine_time:.2f}")
    print()
    print(f"  filter per key ('{TYPED}' typed then deleted, x{ROUNDS}: {len(keys)} keys, "
          "press to rows drawn):")
    print(f"    ours      median {ms(statistics.median(keys))}  max {ms(max(keys))}"
          "   target < 100 ms")
    print(f"    DataTable median {ms(statistics.median(nkeys))}  max {ms(max(nkeys))}")
    print(f"    ratio ours/baseline: median {statistics.median(keys) / statistics.median(nkeys):.2f}"
          f"  max {max(keys) / max(nkeys):.2f}")
    cpu, ncpu = ours["cpu_per_key"], naive["cpu_per_key"]
    print(f"  CPU time of this process per key (less hurt by other processes on the machine):")
    print(f"    ours      median {ms(statistics.median(cpu))}  max {ms(max(cpu))}")
    print(f"    DataTable median {ms(statistics.median(ncpu))}  max {ms(max(ncpu))}")
    print(f"  (cases matching '{TYPED}': {ours['shown_after_typing']:,})")
    if tmp is not None:
        store.close()
        tmp.cleanup()


if __name__ == "__main__":
    main()

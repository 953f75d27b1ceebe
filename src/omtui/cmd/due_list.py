"""Due lists of many cases: every due item as a sortable row, made in worker processes for a
big caseload, and the streamed plain table a big list is printed as.

Used by ``omtui due`` (:mod:`omtui.cmd.rules`) and ``bench/due_list.py``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from datetime import date
from operator import itemgetter
from typing import Any

_URGENCY = {"overdue": 0, "due_soon": 1, "due": 2, "done": 3}   # DueItem.sort_key's first part

# -- evaluation, in parallel for big caseloads ------------------------------------------------------

#: Below this many cases the work is done in this process (starting workers costs more).
PARALLEL_FROM = 4000
_JOB: dict[str, Any] = {}


def item_json(item) -> dict[str, Any]:
    """One due item as ``--json`` prints it (DueItem.to_dict(): ``explanation`` is the trace)."""
    return item.to_dict()


class JsonWriter:
    """``json.dumps(item_json(item))``, fast: a trace (the same Trace objects are shared by
    many items) is serialised once and spliced in."""

    def __init__(self) -> None:
        self._traces: dict[int, tuple[Any, str]] = {}

    def _trace_json(self, trace) -> str:
        found = self._traces.get(id(trace))
        if found is None or found[0] is not trace:
            if len(self._traces) >= 50_000:
                self._traces.clear()
            found = (trace, json.dumps(trace.to_dict(), ensure_ascii=False))
            self._traces[id(trace)] = found
        return found[1]

    def text(self, item) -> str:
        head = {
            "crn": item.crn, "rule": item.rule, "title": item.title, "source": item.source,
            "day0": item.day0.isoformat(), "day0_event": item.day0_label,
            "due": item.due.isoformat(), "status": item.status.value,
            "done_on": item.done_on.isoformat() if item.done_on else None,
            "late_by": item.late_by, "kind": item.kind, "satisfied_by": item.satisfied_by,
            "notes": list(item.notes),
        }
        return (json.dumps(head, ensure_ascii=False)[:-1]
                + f', "explanation": {self._trace_json(item.trace)}}}')


#: The sort key of a row that reports a case that could not be evaluated (sorts first).
PROBLEM_KEY = ""


#: Separates the cells of a table row in its payload string (see :func:`table_cells`).
CELL_SEP = "\x00"
_CELLS = 7


def _table_row(*cells: str) -> str:
    """A table row as one string: a worker sends one string per row back to the parent, which
    costs a fraction of a tuple of seven (pickling, unpickling, memory). The case format and
    the store refuse NUL in text; should one turn up anyway it is shown as U+FFFD."""
    row = CELL_SEP.join(cells)
    if row.count(CELL_SEP) != _CELLS - 1:
        row = CELL_SEP.join(c.replace(CELL_SEP, "\ufffd") for c in cells)
    return row


def table_cells(payload: str) -> list[str]:
    """The cells of a table row made by :func:`due_rows`: status value, due date, CRN, name,
    what, source, day 0."""
    return payload.split(CELL_SEP)


def _rows(lo: int, hi: int) -> list[tuple[str, str]]:
    """Due items of cases[lo:hi] as (sort key, payload), sorted: the payload is a JSON text,
    or a table row as one string (:func:`table_cells` splits it). The key is
    ``item.sort_key()`` as one string that sorts the same way (urgency is one digit, the ISO
    date is fixed width): cheap to send back from a worker and to sort."""
    from omtui.domain.agenda import case_items
    from omtui.domain.calendar import CalendarError
    from omtui.domain.due import Status

    job = _JOB
    cases, today, calendar, book = job["cases"], job["today"], job["calendar"], job["book"]
    as_json, open_only = job["as_json"], job["open_only"]
    writer = JsonWriter()
    out: list[tuple[str, str]] = []
    append = out.append
    done_status = Status.DONE
    # per status: its urgency digit and value (looked up by identity, not by string hash)
    urgency = {s: str(_URGENCY[s.value]) for s in Status}
    values = {s: s.value for s in Status}
    iso: dict = {}                 # date -> ISO text: a list repeats a few thousand dates
    for case in cases[lo:hi]:
        try:
            items = case_items(case, today, calendar, book)   # sorted with the rest below
        except CalendarError as exc:     # a count out of the calendar's range
            append((PROBLEM_KEY, f"{case.crn}: cannot evaluate: {exc} (case skipped)"))
            continue
        name = case.name
        for item in items:
            status = item.status
            if open_only and status is done_status:
                continue
            d = item.due
            due = iso.get(d)
            if due is None:
                due = iso[d] = d.isoformat()
            key = urgency[status] + due + item.rule    # sorts as item.sort_key()
            if as_json:
                append((key, writer.text(item)))
                continue
            what = item.title
            d = item.done_on
            if d:
                done = iso.get(d)
                if done is None:
                    done = iso[d] = d.isoformat()
                late = item.late_by
                what = (f"{what} done {done} ({late} wd late)" if late
                        else f"{what} done {done}")
            d = item.day0
            day0 = iso.get(d)
            if day0 is None:
                day0 = iso[d] = d.isoformat()
            row = CELL_SEP.join((values[status], due, item.crn, name, what, item.source,
                                 day0 + " " + item.day0_label))
            if row.count(CELL_SEP) != _CELLS - 1:
                row = _table_row(values[status], due, item.crn, name, what, item.source,
                                 day0 + " " + item.day0_label)
            append((key, row))
    out.sort(key=_first)     # stable: a worker's rows come back as one sorted run
    return out


_first = itemgetter(0)


#: Joins a worker's sort keys (rule ids, ISO dates, digits) and, when no payload holds it,
#: its payloads: two strings cost the pipe a fraction of a million pickled tuples.
_ROW_SEP = "\x1e"


def _worker_rows(bounds: tuple[int, int]) -> tuple[str, str] | list[tuple[str, str]]:
    import gc

    gc.freeze()                # the inherited caseload is never collected: leave it alone
    rows = _rows(*bounds)
    if not rows:
        return rows
    keys = _ROW_SEP.join([row[0] for row in rows])
    payloads = _ROW_SEP.join([row[1] for row in rows])
    if keys.count(_ROW_SEP) + payloads.count(_ROW_SEP) != 2 * (len(rows) - 1):
        return rows                # some text holds the separator: send the rows as they are
    return keys, payloads


def _unpack(chunk: tuple[str, str] | list[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    if isinstance(chunk, list):
        return chunk
    keys, payloads = chunk
    return zip(keys.split(_ROW_SEP), payloads.split(_ROW_SEP))


def due_rows(cases: list, today: date, calendar, book, *, as_json: bool,
             open_only: bool = False, jobs: int | None = None) -> list[tuple[str, str]]:
    """Every due item of every case as (sort key, payload), sorted overdue first, then by due
    date and rule (the key is a string that sorts that way). The payload is the item's JSON
    text, or its table row as one string: :func:`table_cells` gives the cells, the status
    first (a :class:`~omtui.domain.due.Status` value).

    Big caseloads are split across worker processes (forked, so the cases are not copied);
    ``jobs=1`` or a platform without fork does it all here. Problems come back as rows with
    the key ``PROBLEM_KEY`` and a message.
    """
    import multiprocessing as mp

    from omtui.gc_pause import gc_paused

    # Millions of short-lived rows over a heap of cases: the cyclic collector would walk the
    # whole heap again and again (none of this makes cycles), so it waits until the end.
    _JOB.update(cases=cases, today=today, calendar=calendar, book=book, as_json=as_json,
                open_only=open_only)
    try:
        with gc_paused():
            if jobs is None:
                jobs = min(4, os.cpu_count() or 1) if len(cases) >= PARALLEL_FROM else 1
            forkable = "fork" in mp.get_all_start_methods()
            if jobs <= 1 or not forkable or len(cases) < 2:
                rows = _rows(0, len(cases))
            else:
                # warm the shared memo (calendar traces) once, so workers inherit it
                _rows(0, min(len(cases), 200))
                step = max(1, -(-len(cases) // (jobs * 4)))
                bounds = [(lo, min(lo + step, len(cases)))
                          for lo in range(0, len(cases), step)]
                with mp.get_context("fork").Pool(jobs) as pool:
                    rows = [row for chunk in pool.imap(_worker_rows, bounds)
                            for row in _unpack(chunk)]
    finally:
        _JOB.clear()
    rows.sort(key=_first)      # sorted runs from the workers: a merge
    return rows


def summary_line(items: int, cases_count: int, counts: dict[str, int]) -> str:
    """The line under the table: how many items, across how many cases, by status."""
    summary = ", ".join(f"{counts.get(s, 0)} {s.replace('_', ' ')}"
                        for s in ("overdue", "due_soon", "due", "done"))
    return f"{items} item(s) across {cases_count} case(s): {summary}"


#: Over this many rows the plain (not --json) list is a fixed-width text table streamed line
#: by line: a Rich table lays out every row before it prints the first (minutes for 100,000s).
PLAIN_TABLE_FROM = 2000
#: Columns of the streamed table: (heading, width); the last is not padded or cut.
_PLAIN_COLUMNS = (("Status", 12), ("Due", 10), ("CRN", 7), ("Name", 24), ("What", 48),
                  ("Source", 20), ("Day 0", 0))
_CONTROL = dict.fromkeys([*range(32), *range(127, 160), 0x2028, 0x2029], "\ufffd")


def _plain_cell(text: str, width: int) -> str:
    """``text`` shown literally on one line (a control character as U+FFFD), padded to
    ``width`` terminal cells, or cut with "…" when longer; width 0: as it is."""
    if not text.isprintable():
        text = text.translate(_CONTROL)
    if not width:
        return text
    if text.isascii():         # one cell per character
        return text[:width - 1] + "…" if len(text) > width else text.ljust(width)
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _plain_line(cells) -> str:
    return " ".join(_plain_cell(text, width)
                    for text, (_, width) in zip(cells, _PLAIN_COLUMNS)).rstrip()


def print_plain_table(rows: list, cases_count: int, out=None) -> None:
    """The due list as a fixed-width text table, written as it is made (a big list): the same
    columns and order as the Rich table, cells cut to their column with "…"."""
    from omtui.domain.due import Status

    out = out or sys.stdout
    out.write(_plain_line([name for name, _ in _PLAIN_COLUMNS]) + "\n")
    out.write(" ".join("-" * (width or 20) for _, width in _PLAIN_COLUMNS) + "\n")
    counts: dict[str, int] = {}
    status_text = {s.value: f"{s.symbol} {s.label}" for s in Status}
    batch: list[str] = []
    for row in rows:
        cells = table_cells(row)
        value = cells[0]
        counts[value] = counts.get(value, 0) + 1
        cells[0] = status_text[value]
        batch.append(_plain_line(cells))
        if len(batch) >= 5000:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")
    out.write(summary_line(len(rows), cases_count, counts) + "\n")
    out.flush()


__all__ = ["PLAIN_TABLE_FROM", "PROBLEM_KEY", "JsonWriter", "due_rows", "item_json",
           "print_plain_table", "summary_line", "table_cells"]

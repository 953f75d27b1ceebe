"""Due lists of many cases: every due item as a sortable row, made in worker processes for a
big caseload, and the streamed plain table a big list is printed as.

Used by ``omtui due`` (:mod:`omtui.cmd.rules`) and ``bench/due_list.py``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from operator import itemgetter
from typing import Any

_URGENCY = {"overdue": 0, "due_soon": 1, "due": 2, "done": 3}   # DueItem.sort_key's first part

# -- evaluation, in parallel for big caseloads ------------------------------------------------------

#: Below this many cases the work is done in this process (starting workers costs more).
PARALLEL_FROM = 4000
#: The most cases a worker takes at a time.
CHUNK = 2000
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


#: Sort keys of the rows that report a case instead of an item. They sort before every item
#: (an item's key starts with a digit), and the sort is stable, so each kind comes in case
#: order: a count out of the calendar's range (PROBLEM_KEY), then, when the cases are a
#: file's entries, a case its checks refused (REFUSED_KEY + index), then one with a date
#: after today (LATE_KEY + index): one row per problem.
PROBLEM_KEY = ""
REFUSED_KEY = "\x01"
LATE_KEY = "\x02"


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


def _rows(lo: int, hi: int, notes: list | None = None) -> list[tuple[str, str]]:
    """Due items of cases[lo:hi] as (sort key, payload), sorted: the payload is a JSON text,
    a plain-table line, or a table row as one string (:func:`table_cells` splits it). The key
    is ``item.sort_key()`` as one string that sorts the same way (urgency is one digit, the
    ISO date is fixed width): cheap to send back from a worker and to sort. Cases that are
    file entries are checked here first (see :func:`due_rows`): a case they refuse comes
    back as rows of its problems, or, given ``notes``, as (key, problem) there."""
    from omtui.domain.agenda import case_items
    from omtui.domain.calendar import CalendarError
    from omtui.domain.caseformat import check_against_today, parse_case
    from omtui.domain.due import Status

    job = _JOB
    cases, today, calendar, book = job["cases"], job["today"], job["calendar"], job["book"]
    as_json, open_only, entries, plain = (job["as_json"], job["open_only"], job["entries"],
                                          job["plain"])
    writer = JsonWriter()
    out: list[tuple[str, str]] = []
    append = out.append
    done_status = Status.DONE
    # per status: its urgency digit and value (looked up by identity, not by string hash)
    urgency = {s: str(_URGENCY[s.value]) for s in Status}
    values = {s: s.value for s in Status}
    iso: dict = {}                 # date -> ISO text: a list repeats a few thousand dates
    # plain lines: the cells a list repeats (status, source) are made once
    status_cells = {s: _plain_cell(f"{s.symbol} {s.label}", _PLAIN_WIDTHS[0]) for s in Status}
    source_cells: dict[str, str] = {}
    for index in range(lo, hi):
        case = cases[index]
        if entries:
            case, problems = parse_case(case, index)
            kind = REFUSED_KEY
            if case is not None:
                problems, kind = check_against_today(case, today, index), LATE_KEY
            if problems:
                if notes is not None:
                    notes.extend((kind, p) for p in problems)
                else:
                    out.extend(_note_rows((kind, p) for p in problems))
                continue
        try:
            items = case_items(case, today, calendar, book)   # sorted with the rest below
        except CalendarError as exc:     # a count out of the calendar's range
            append((PROBLEM_KEY, f"{case.crn}: cannot evaluate: {exc} (case skipped)"))
            continue
        name = case.name
        crn_cell = name_cell = ""
        if plain:
            crn_cell = _plain_cell(case.crn, _PLAIN_WIDTHS[2])
            name_cell = _plain_cell(name, _PLAIN_WIDTHS[3])
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
            if plain:
                source = source_cells.get(item.source)
                if source is None:
                    source = source_cells[item.source] = _plain_cell(item.source,
                                                                     _PLAIN_WIDTHS[5])
                if item.crn != case.crn:                   # never, but the row says the item's
                    crn_cell = _plain_cell(item.crn, _PLAIN_WIDTHS[2])
                append((key, " ".join((
                    status_cells[status], _plain_cell(due, _PLAIN_WIDTHS[1]), crn_cell,
                    name_cell, _plain_cell(what, _PLAIN_WIDTHS[4]), source,
                    _plain_cell(day0 + " " + item.day0_label, 0))).rstrip()))
                continue
            row = CELL_SEP.join((values[status], due, item.crn, name, what, item.source,
                                 day0 + " " + item.day0_label))
            if row.count(CELL_SEP) != _CELLS - 1:
                row = _table_row(values[status], due, item.crn, name, what, item.source,
                                 day0 + " " + item.day0_label)
            append((key, row))
    out.sort(key=_first)     # stable: a worker's rows come back as one sorted run
    return out


_first = itemgetter(0)
#: progress(done, total)
Progress = Callable[[int, int], None]


def _note_rows(notes: Iterable[tuple[str, Any]], offset: int = 0) -> list[tuple[str, str]]:
    """Rows of (key, problem) notes whose case index is ``offset`` + the problem's."""
    return [(f"{kind}{p.index + offset:012d}", str(replace(p, index=p.index + offset)))
            for kind, p in notes]


#: Joins a worker's sort keys (rule ids, ISO dates, digits) and, when no payload holds it,
#: its payloads: two strings cost the pipe a fraction of a million pickled tuples.
_ROW_SEP = "\x1e"


def _worker_rows(bounds: tuple[int, int]) -> tuple[str, str] | list[tuple[str, str]]:
    import gc

    gc.freeze()                # the inherited caseload is never collected: leave it alone
    return _pack(_rows(*bounds))


def _pack(rows: list[tuple[str, str]]) -> tuple[str, str] | list[tuple[str, str]]:
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


def _part_worker(index: int) -> tuple[int, tuple | None]:
    """Decode part ``index`` of the file's text and make its rows: (index, None) when the
    part is not a run of whole entries (:mod:`omtui.cmd.file_parts`)."""
    import gc

    from omtui.cmd.file_parts import PartError, decode_part
    from omtui.domain.caseformat import crn_texts

    gc.freeze()
    job = _JOB
    try:
        entries = decode_part(job["text"], job["parts"], index)
    except PartError:
        return index, None
    job["cases"] = entries
    notes: list = []
    rows = _rows(0, len(entries), notes)
    return index, (len(entries), crn_texts(entries), notes, _pack(rows))


#: A case file this big (bytes of text) is cut into parts its workers decode themselves.
PARTS_FROM = 8_000_000
#: About this much of the file's text a worker decodes at a time (some 2,000 cases).
PART_SIZE = 6_000_000


def due_rows_from_text(text: str, today: date, calendar, book, *, as_json: bool,
                       open_only: bool = False, jobs: int | None = None,
                       plain: bool = False, progress: Progress | None = None,
                       ) -> tuple[list[tuple[str, str]], int] | None:
    """:func:`due_rows` of a case file's entries (``entries=True``), from the file's text:
    each worker decodes its own part of it (see :mod:`omtui.cmd.file_parts`), so the text is
    never decoded whole in one process and no worker reads objects the parent made. Returns
    the rows and the number of entries, or None when that cannot be done the same way (no
    fork, one worker, a text not in the plain form or not cut at its cases' starts, a CRN
    given twice): the caller then decodes the text whole. ``progress(done, total)``: the
    characters of the text evaluated so far."""
    import multiprocessing as mp

    from omtui.cmd.file_parts import cut
    from omtui.domain.caseformat import repeats_a_crn
    from omtui.gc_pause import gc_paused

    jobs = jobs if jobs is not None else min(4, os.cpu_count() or 1)
    if jobs <= 1 or "fork" not in mp.get_all_start_methods():
        return None
    parts = cut(text, max(jobs * 4, len(text) // PART_SIZE))
    if parts is None or len(parts.spans) < 2:
        return None
    results: list = [None] * len(parts.spans)
    done = 0
    _JOB.update(text=text, parts=parts, cases=None, today=today, calendar=calendar, book=book,
                as_json=as_json, open_only=open_only, entries=True, plain=plain and not as_json)
    try:
        with gc_paused(), mp.get_context("fork").Pool(jobs) as pool:
            for index, got in pool.imap_unordered(_part_worker, range(len(parts.spans))):
                if got is None:
                    return None            # leaving the block stops the other workers
                results[index] = got
                done += parts.spans[index][1] - parts.spans[index][0]
                if progress:
                    progress(done, len(text) - parts.spans[0][0])
    finally:
        _JOB.clear()
    if repeats_a_crn([crn for _, crns, _, _ in results for crn in crns]):
        return None                        # a duplicate is judged against the whole file
    rows: list[tuple[str, str]] = []
    offset = 0
    for count, _, notes, packed in results:
        rows.extend(_unpack(packed))
        rows.extend(_note_rows(notes, offset))
        offset += count
    rows.sort(key=_first)
    return rows, offset


def worker_count(cases: int, jobs: int | None = None) -> int:
    """How many processes evaluate ``cases`` cases: ``jobs`` when given, else several for a
    big caseload (one below :data:`PARALLEL_FROM`)."""
    if jobs is not None:
        return jobs
    return min(4, os.cpu_count() or 1) if cases >= PARALLEL_FROM else 1


def due_rows(cases: list, today: date, calendar, book, *, as_json: bool,
             open_only: bool = False, jobs: int | None = None, entries: bool = False,
             plain: bool = False, progress: Progress | None = None) -> list[tuple[str, str]]:
    """Every due item of every case as (sort key, payload), sorted overdue first, then by due
    date and rule (the key is a string that sorts that way). The payload is the item's JSON
    text; with ``plain``, its line of the plain table (:func:`print_plain_table`); otherwise
    its table row as one string: :func:`table_cells` gives the cells, the status first (a
    :class:`~omtui.domain.due.Status` value).

    ``entries``: ``cases`` are a case file's entries (decoded JSON, one per case, with no
    CRN given twice: :func:`~omtui.domain.caseformat.repeats_a_crn`), each checked where it
    is evaluated, as :func:`~omtui.domain.caseformat.parse_caseload` and
    ``check_against_today`` would: a big file is then read in the workers too, and each
    evaluates cases it made itself.

    Big caseloads are split across worker processes (forked, so the cases are not copied);
    ``jobs=1`` or a platform without fork does it all here. A case not evaluated comes back
    as rows of its problems (:data:`PROBLEM_KEY`, :data:`REFUSED_KEY`, :data:`LATE_KEY`;
    :func:`take_reports` separates them). ``progress(done, total)``: cases evaluated so far
    (as the workers finish their chunks).
    """
    import multiprocessing as mp

    from omtui.gc_pause import gc_paused

    # Millions of short-lived rows over a heap of cases: the cyclic collector would walk the
    # whole heap again and again (none of this makes cycles), so it waits until the end.
    _JOB.update(cases=cases, today=today, calendar=calendar, book=book, as_json=as_json,
                open_only=open_only, entries=entries, plain=plain and not as_json)
    try:
        with gc_paused():
            jobs = worker_count(len(cases), jobs)
            forkable = "fork" in mp.get_all_start_methods()
            if jobs <= 1 or not forkable or len(cases) < 2:
                rows = _rows(0, len(cases))
                if progress:
                    progress(len(cases), len(cases))
            else:
                # warm the shared memo (calendar traces) once, so workers inherit it
                _rows(0, min(len(cases), 200))
                # small chunks: when one worker has finished, the other is never left with
                # long to go (12,500-case chunks left one CPU idle ~0.5 s at 100,000 cases)
                step = max(1, min(CHUNK, -(-len(cases) // (jobs * 4))))
                bounds = [(lo, min(lo + step, len(cases)))
                          for lo in range(0, len(cases), step)]
                rows = []
                with mp.get_context("fork").Pool(jobs) as pool:
                    for (_, hi), chunk in zip(bounds, pool.imap(_worker_rows, bounds)):
                        rows.extend(_unpack(chunk))
                        if progress:
                            progress(hi, len(cases))
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
#: From this many cases (the caseloads evaluated in worker processes) the list is the plain
#: table whatever its length, so that the workers make its lines.
PLAIN_TABLE_CASES = PARALLEL_FROM
#: Columns of the streamed table: (heading, width); the last is not padded or cut.
_PLAIN_COLUMNS = (("Status", 12), ("Due", 10), ("CRN", 7), ("Name", 24), ("What", 48),
                  ("Source", 20), ("Day 0", 0))
_PLAIN_WIDTHS = tuple(width for _, width in _PLAIN_COLUMNS)
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


def print_plain_table(rows: list[tuple[str, str]], cases_count: int, out=None, *,
                      lines: bool = False) -> None:
    """The due list (rows of :func:`due_rows`) as a fixed-width text table, written as it is
    made (a big list): the same columns and order as the Rich table, cells cut to their
    column with "…". ``lines``: the rows are plain lines already (``due_rows(plain=True)``)."""
    from omtui.domain.due import Status

    out = out or sys.stdout
    out.write(_plain_line([name for name, _ in _PLAIN_COLUMNS]) + "\n")
    out.write(" ".join("-" * (width or 20) for _, width in _PLAIN_COLUMNS) + "\n")
    status_text = {s.value: f"{s.symbol} {s.label}" for s in Status}
    by_digit = {str(digit): value for value, digit in _URGENCY.items()}
    counts = dict.fromkeys(_URGENCY, 0)
    batch: list[str] = []
    for key, payload in rows:
        counts[by_digit[key[0]]] += 1
        if lines:
            batch.append(payload)
        else:
            cells = table_cells(payload)
            cells[0] = status_text[cells[0]]
            batch.append(_plain_line(cells))
        if len(batch) >= 5000:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")
    out.write(summary_line(len(rows), cases_count, counts) + "\n")
    out.flush()


@dataclass
class Reports:
    """The cases of a due list that were not evaluated, each problem as a message."""

    refused: list[str] = field(default_factory=list)    # a file's checks refused the case
    late: list[str] = field(default_factory=list)       # a date after today
    unevaluated: list[str] = field(default_factory=list)  # a count out of the calendar
    skipped: int = 0                                     # cases refused or late


def take_reports(rows: list[tuple[str, str]]) -> tuple[Reports, list[tuple[str, str]]]:
    """The reports at the head of sorted :func:`due_rows` rows, and the item rows after."""
    reports = Reports()
    cases: set[str] = set()
    n = 0
    for key, payload in rows:
        if key[:1] >= "0":         # an item: the reports all sort before the first
            break
        n += 1
        if key == PROBLEM_KEY:
            reports.unevaluated.append(payload)
            continue
        (reports.refused if key[0] == REFUSED_KEY else reports.late).append(payload)
        cases.add(key)
    reports.skipped = len(cases)
    return reports, rows[n:]


__all__ = ["LATE_KEY", "PLAIN_TABLE_CASES", "PLAIN_TABLE_FROM", "PROBLEM_KEY", "REFUSED_KEY",
           "JsonWriter", "Reports", "due_rows", "due_rows_from_text", "item_json",
           "print_plain_table", "summary_line", "table_cells", "take_reports", "worker_count"]

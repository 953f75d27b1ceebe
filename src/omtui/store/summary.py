"""Stored due summaries: a team's due list without running the rules engine over every case.

One ``due_summaries`` row per case (migration 0005) holds, **as of one day**, the case's counts
overdue / due soon / due, its open overdue items (everything a :class:`~omtui.domain.due.DueItem`
shows; the trace is rebuilt from the calendar when an item is explained) or the calendar error
that made the case unreadable, and what it was computed with: the case version, a fingerprint
of the rule book and one of the calendar.

A summary is used only when all of these still hold: ``as_of`` is the day asked for (statuses
depend on "today": yesterday's summary is never shown as today's), the case version is the
case's, and both fingerprints match the book and calendar in use. Otherwise the case is
evaluated again and its row written back.

Staleness is kept by deleting: every ORM flush that touches a case's rows (case facts,
requirements, events, plans, induction, enforcement details...) deletes that case's summary in
the same transaction (:func:`install`, on the store's session class), and the bulk importer
deletes the summaries of the cases it replaces (:func:`mark_stale`). Event writes do not bump
the case's version, so the version alone would not do.

A write that commits while a due list is being computed must not be overwritten by a summary
computed from what was read before it. Every change is audited, and the audit chain's head
``last_seq`` grows with each committed write: :func:`compute` notes it *before* reading any
case, and :func:`write_back` (inside a write transaction, which on PostgreSQL takes the chain
head first and so waits for writers in flight) skips every case with a change audited after
it. The due list itself still shows what was read: it is as current as any read.

The cold path (no summaries): the cases are read by id in chunks (ordered Core selects a
chunk, the same cases as ``SqlStore._load``, their rows taken straight from the driver; each
case's events from its **event pack**, one JSON text, where it has one, else from its event
rows with each distinct date and extra parsed once: ``load_cases``) and
evaluated with the cycle collector paused (a chunk's objects would otherwise start collections
that walk every live object). That runs in worker processes forked from this one when the
platform forks, the work is big enough and no other thread is running (forking a threaded
process, the app, is unsafe: there it runs in-process); each worker sends back plain tuples
(counts, error, the overdue items' stored text) and only overdue items are decoded here. The
rows are written back in one statement on PostgreSQL (COPY), in bulk inserts elsewhere, with
the packs of the cases read from their rows.

Event packs (table ``event_packs``, migration 0006, format in ``store/event_rows.py``) are kept
like summaries: deleted with them by every write to the case (:func:`mark_stale`), written by
the importer, written back only for cases not changed since they were read. Reading a pack
instead of forty rows is what the cold list gains: about 100 instead of 150 us a case.
Nothing read this way outlives the computation: what is shown is the rules engine's answer
on what was read, as on the warm path.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from omtui.domain.calendar import (
    CalendarError,
    SkippedDay,
    Trace,
    Unit,
    WorkingCalendar,
)
from omtui.domain.case import Case
from omtui.domain.due import DueItem, Status
from omtui.gc_pause import gc_paused
from omtui.store.tables import AuditHeadRow, AuditRow, CaseRow, DueSummaryRow, EventPackRow

SUMMARIES = DueSummaryRow.__table__
PACKS = EventPackRow.__table__
CASES = CaseRow.__table__
AUDIT = AuditRow.__table__
HEAD = AuditHeadRow.__table__

#: Bumped when the stored item format or the way items are made changes (part of the book's
#: fingerprint, so older rows are recomputed).
FORMAT = 1
CHUNK = 500
#: Below this many cases to evaluate, worker processes cost more than they save.
PARALLEL_MIN = 2000
#: Calendar fingerprint window: closures from this many years before today to 5 after.
YEARS_BACK = 25

Progress = Callable[[int, int], None]


# -- fingerprints -------------------------------------------------------------------------------

_book_fps: dict[int, tuple[Any, str]] = {}
_cal_fps: dict[tuple[int, int], tuple[Any, str]] = {}


def book_fingerprint(book: Any) -> str:
    """A hash of the rule book's contents (its repr without object addresses) and FORMAT."""
    found = _book_fps.get(id(book))
    if found is not None and found[0] is book:
        return found[1]
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(book))
    fp = hashlib.sha256(f"omtui-due-summary {FORMAT}\n{text}".encode()).hexdigest()
    if len(_book_fps) > 16:
        _book_fps.clear()
    _book_fps[id(book)] = (book, fp)
    return fp


def calendar_fingerprint(calendar: WorkingCalendar, today: date) -> str:
    """A hash of the calendar's name and every closure (with its reason) from YEARS_BACK
    years before ``today`` to five years after: a new bank holiday or office closure in that
    span makes every summary computed with the old calendar stale."""
    key = (id(calendar), today.year)
    found = _cal_fps.get(key)
    if found is not None and found[0] is calendar:
        return found[1]
    h = hashlib.sha256(f"{calendar.name}\n".encode())
    d = date(max(1, today.year - YEARS_BACK), 1, 1)
    end = date(min(9999, today.year + 5), 12, 31)
    one = d.resolution
    while d <= end:
        try:
            reason = calendar.reason_closed(d)
        except CalendarError as exc:
            reason = f"error: {exc}"
        if reason is not None:
            h.update(f"{d.isoformat()} {reason}\n".encode())
        d += one
    fp = h.hexdigest()
    if len(_cal_fps) > 16:
        _cal_fps.clear()
    _cal_fps[key] = (calendar, fp)
    return fp


# -- one case -----------------------------------------------------------------------------------

@dataclass
class Summary:
    """What the team due list needs of one case as of one day."""

    case_id: int
    crn: str                       # "" when read back (the caller knows the case's CRN)
    overdue: int
    due_soon: int
    due: int
    error: str | None              # "CRN: reason" when the calendar could not place a date
    items: list[DueItem]           # the open overdue items, in the agenda's order


def _encode_trace(t: Trace, calendar: WorkingCalendar) -> dict[str, Any]:
    out: dict[str, Any] = {"s": t.start.isoformat(), "n": t.n, "u": t.unit.value}
    try:
        base = calendar.explain(t.start, t.n, t.unit)
    except CalendarError:
        base = None
    if base is not None and (base.due, base.counted, base.skipped, base.calendar) == (
            t.due, t.counted, t.skipped, t.calendar) and t.notes[:len(base.notes)] == base.notes:
        if len(t.notes) > len(base.notes):
            out["x"] = list(t.notes[len(base.notes):])
        return out
    out.update(full=True, d=t.due.isoformat(), c=[d.isoformat() for d in t.counted],
               k=[[s.day.isoformat(), s.reason] for s in t.skipped], notes=list(t.notes),
               cal=t.calendar)
    return out


def _decode_trace(raw: dict[str, Any], calendar: WorkingCalendar) -> Callable[[], Trace]:
    def make() -> Trace:
        start, n, unit = date.fromisoformat(raw["s"]), raw["n"], Unit(raw["u"])
        if raw.get("full"):
            return Trace(start, n, unit, date.fromisoformat(raw["d"]),
                         tuple(date.fromisoformat(d) for d in raw["c"]),
                         tuple(SkippedDay(date.fromisoformat(d), r) for d, r in raw["k"]),
                         tuple(raw["notes"]), raw["cal"])
        t = calendar.explain(start, n, unit)
        extra = raw.get("x")
        return replace(t, notes=t.notes + tuple(extra)) if extra else t
    return make


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def encode_items(items: Sequence[DueItem], calendar: WorkingCalendar) -> str | None:
    if not items:
        return None
    return json.dumps([[i.crn, i.rule, i.title, i.source, i.day0.isoformat(), i.day0_label,
                        i.due.isoformat(), i.satisfied_by, _iso(i.done_on), i.late_by, i.kind,
                        list(i.notes), _encode_trace(i.trace, calendar)] for i in items],
                      ensure_ascii=False, separators=(",", ":"))


def decode_items(text: str | None, calendar: WorkingCalendar) -> list[DueItem]:
    if not text:
        return []
    out = []
    fromiso = date.fromisoformat
    for (crn, rule, title, source, day0, label, due, satisfied, done_on, late_by, kind, notes,
         trace) in json.loads(text):
        out.append(DueItem(crn, rule, title, source, fromiso(day0), label, fromiso(due),
                           Status.OVERDUE, _decode_trace(trace, calendar), satisfied,
                           fromiso(done_on) if done_on else None, late_by, kind, tuple(notes)))
    return out


def evaluate(case: Case, case_id: int, today: date, calendar: WorkingCalendar,
             book: Any) -> Summary:
    """Run the rules engine on one case (what ``team_due`` always did, case by case): the
    counts, and the overdue items in agenda order (only they are sorted: sorting a subset
    by the agenda's key gives the order it has in the sorted agenda)."""
    from omtui.domain.agenda import case_items, sort_items

    try:
        items = case_items(case, today, calendar, book)
    except CalendarError as exc:
        return Summary(case_id, case.crn, 0, 0, 0, f"{case.crn}: {exc}", [])
    overdue = due_soon = due = 0
    late = []
    for i in items:
        s = i.status
        if s is Status.OVERDUE:
            overdue += 1
            late.append(i)
        elif s is Status.DUE_SOON:
            due_soon += 1
        elif s is Status.DUE:
            due += 1
    return Summary(case_id, case.crn, overdue, due_soon, due, None, sort_items(late))


# -- reading --------------------------------------------------------------------------------------

def audit_head(conn: sa.Connection) -> int:
    return conn.execute(sa.select(HEAD.c.last_seq).where(HEAD.c.id == 1)).scalar() or 0


def read_fresh(conn: sa.Connection, versions: dict[int, int], today: date,
               calendar: WorkingCalendar, book: Any, *, scan: bool = False
               ) -> dict[int, Summary]:
    """The summaries still valid for ``today`` with this book and calendar, by case id, of
    the cases in ``versions`` (case id -> the case's current version; a summary of another
    version is stale). ``scan``: read the whole table once (most cases wanted) instead of
    chunks of ids. One table, no join: the plan cannot go wrong on fresh, unanalysed rows."""
    book_fp, cal_fp = book_fingerprint(book), calendar_fingerprint(calendar, today)
    cols = (SUMMARIES.c.case_id, SUMMARIES.c.case_version, SUMMARIES.c.overdue,
            SUMMARIES.c.due_soon, SUMMARIES.c.due, SUMMARIES.c.error, SUMMARIES.c.overdue_items)
    base = sa.select(*cols).where(SUMMARIES.c.as_of == today, SUMMARIES.c.book == book_fp,
                                  SUMMARIES.c.calendar == cal_fp)
    rows: list[Any] = []
    if scan:
        rows = conn.execute(base.order_by(SUMMARIES.c.case_id)).all()
    else:
        ids = sorted(versions)
        for start in range(0, len(ids), CHUNK):
            rows.extend(conn.execute(base.where(SUMMARIES.c.case_id.in_(ids[start:start + CHUNK]))
                                     .order_by(SUMMARIES.c.case_id)).all())
    out = {}
    with gc_paused():
        for case_id, version, overdue, due_soon, due, error, items in rows:
            if versions.get(case_id) == version:
                out[case_id] = Summary(case_id, "", overdue, due_soon, due, error,
                                       decode_items(items, calendar))
    return out


# -- computing ------------------------------------------------------------------------------------

@dataclass
class Computed:
    summaries: dict[int, Summary]
    rows: list[dict[str, Any]]           # due_summaries rows to write back
    since_seq: int                       # the audit head before any case was read
    workers: int
    packs: dict[int, str] = field(default_factory=dict)   # new event packs, by case id


#: One evaluated case as it crosses from a worker process: plain values only (case id, CRN,
#: case version, overdue, due soon, due, error, the overdue items' stored text, the case's
#: new event pack or None).
Result = tuple[int, str, int, int, int, int, "str | None", "str | None", "str | None"]


def load_cases(conn: sa.Connection, case_ids: Iterable[int],
               new_packs: dict[int, str] | None = None) -> list[tuple[int, int, Case]]:
    """(case id, version, Case) of ``case_ids`` (at most a few hundred), in id order: the
    same cases as ``SqlStore._load`` reads, from selects whose rows come straight from the
    driver (``convert.driver_rows``). Each case's events come from its event pack (one text,
    ``event_rows.events_from_pack``) where it has one of this format, else from its event
    rows, with each distinct date and extra parsed once (``event_rows.events_by_case``).
    ``new_packs``: given, it gets the pack text of each case read from rows (to store)."""
    from omtui.store.convert import (
        CASE_COLUMNS,
        EVENT_COLUMNS,
        case_from_tuple,
        driver_columns,
        driver_rows,
        id_in,
    )
    from omtui.store.event_rows import (
        PACK_FORMAT,
        Dates,
        PackError,
        events_by_case,
        events_from_pack,
        pack_events,
    )
    from omtui.store.tables import EventRow, RequirementRow

    ids = sorted(case_ids)
    if not ids:
        return []
    events_t, reqs_t = EventRow.__table__, RequirementRow.__table__
    case_rows = driver_rows(conn, sa.select(*driver_columns(conn, CASES, CASE_COLUMNS),
                                            CASES.c.version)
                            .where(id_in(conn, CASES.c.id, ids)).order_by(CASES.c.id))
    if not case_rows:
        return []
    reqs: dict[int, list[str]] = {}
    for case_id, kind in driver_rows(conn, sa.select(reqs_t.c.case_id, reqs_t.c.kind)
                                     .where(id_in(conn, reqs_t.c.case_id, ids))
                                     .order_by(reqs_t.c.case_id, reqs_t.c.position)):
        reqs.setdefault(case_id, []).append(kind)
    events: dict[int, list[Any]] = {}
    dates = Dates()
    for case_id, text in driver_rows(conn, sa.select(PACKS.c.case_id, PACKS.c.pack).where(
            id_in(conn, PACKS.c.case_id, ids), PACKS.c.format == PACK_FORMAT)):
        try:
            events[case_id] = events_from_pack(text, dates)
        except PackError:
            pass                          # not a pack omtui wrote: the rows are the record
    unpacked = [r[0] for r in case_rows if r[0] not in events]
    if unpacked:
        from_rows = events_by_case(driver_rows(
            conn, sa.select(*driver_columns(conn, events_t, EVENT_COLUMNS))
            .where(id_in(conn, events_t.c.case_id, unpacked))
            .order_by(events_t.c.case_id, events_t.c.seq)))
        events.update(from_rows)
        if new_packs is not None:
            for case_id in unpacked:
                new_packs[case_id] = pack_events(from_rows.get(case_id, ()))
    return [(r[0], r[-1], case_from_tuple(r[:-1], reqs.get(r[0], ()), events.get(r[0], ())))
            for r in case_rows]


def _evaluate_chunk(conn: sa.Connection, case_ids: Sequence[int], today: date,
                    calendar: WorkingCalendar, book: Any
                    ) -> list[tuple[Summary, int, str | None, str | None]]:
    """(summary, case version, the overdue items' stored text, the case's new event pack or
    None when it had one) of each case of the chunk."""
    out = []
    packs: dict[int, str] = {}
    with gc_paused():
        for case_id, version, case in load_cases(conn, case_ids, packs):
            s = evaluate(case, case_id, today, calendar, book)
            out.append((s, version, encode_items(s.items, calendar), packs.get(case_id)))
    return out


def _row(r: Result, today: date, book_fp: str, cal_fp: str, at: str) -> dict[str, Any]:
    case_id, _crn, version, overdue, due_soon, due, error, items, _pack = r
    return {"case_id": case_id, "case_version": version, "as_of": today, "book": book_fp,
            "calendar": cal_fp, "overdue": overdue, "due_soon": due_soon, "due": due,
            "error": error, "overdue_items": items, "computed_at": at}


# Set in the parent just before forking; read by the forked workers.
_FORK_STATE: dict[str, Any] = {}


def _worker_init() -> None:
    # The forked child must not touch the parent's pooled connections: fresh ones of its own.
    _FORK_STATE["engine"].dispose(close=False)
    # Everything inherited from the parent stays: the collector need not walk it (and so
    # does not copy its pages either).
    gc.freeze()


def _worker(case_ids: Sequence[int]) -> list[Result]:
    st = _FORK_STATE
    with st["engine"].connect() as conn, conn.begin():
        done = _evaluate_chunk(conn, case_ids, st["today"], st["calendar"], st["book"])
    # Plain tuples cross the pipe; the overdue items as their stored text.
    return [(s.case_id, s.crn, version, s.overdue, s.due_soon, s.due, s.error, text, pack)
            for s, version, text, pack in done]


def default_workers(n_cases: int) -> int:
    if n_cases < PARALLEL_MIN or not hasattr(os, "fork"):
        return 1
    if threading.active_count() > 1:          # forking a threaded process is unsafe
        return 1
    return max(1, min(os.cpu_count() or 1, n_cases // (PARALLEL_MIN // 2)))


def compute(engine: sa.Engine, case_ids: Iterable[int], today: date,
            calendar: WorkingCalendar, book: Any, *, workers: int | None = None,
            progress: Progress | None = None, in_memory: bool = False) -> Computed:
    """Evaluate the cases ``case_ids`` as of ``today`` (read-only): their summaries and the
    rows to write back. ``workers``: processes (default :func:`default_workers`); an
    in-memory database is always evaluated in this process. Worker processes send back
    plain tuples; only the overdue items are decoded here (the team's list shows them)."""
    from omtui.store.audit import now_utc

    ids = sorted(set(case_ids))
    book_fp, cal_fp = book_fingerprint(book), calendar_fingerprint(calendar, today)
    at = now_utc()
    n = 1 if in_memory else (workers if workers is not None else default_workers(len(ids)))
    with engine.connect() as conn, conn.begin():
        since = audit_head(conn)
    size = CHUNK if n <= 1 else max(1, min(CHUNK, -(-len(ids) // (n * 4))))
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    summaries: dict[int, Summary] = {}
    rows: list[dict[str, Any]] = []
    packs: dict[int, str] = {}
    done = 0
    if progress:
        progress(0, len(ids))
    if n <= 1 or len(chunks) <= 1:
        with engine.connect() as conn, conn.begin():
            for chunk in chunks:
                for s, version, text, pack in _evaluate_chunk(conn, chunk, today, calendar,
                                                              book):
                    summaries[s.case_id] = s
                    rows.append(_row((s.case_id, s.crn, version, s.overdue, s.due_soon, s.due,
                                      s.error, text, pack), today, book_fp, cal_fp, at))
                    if pack is not None:
                        packs[s.case_id] = pack
                done += len(chunk)
                if progress:
                    progress(done, len(ids))
        return Computed(summaries, rows, since, 1, packs)
    import multiprocessing

    calendar_ready(calendar, today)
    _FORK_STATE.update(engine=engine, today=today, calendar=calendar, book=book)
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(n, initializer=_worker_init) as pool, gc_paused():
            for got in pool.imap_unordered(_worker, chunks):
                for r in got:
                    case_id, crn, _version, overdue, due_soon, due, error, text, pack = r
                    summaries[case_id] = Summary(case_id, crn, overdue, due_soon, due, error,
                                                 decode_items(text, calendar))
                    rows.append(_row(r, today, book_fp, cal_fp, at))
                    if pack is not None:
                        packs[case_id] = pack
                done += len(got)
                if progress:
                    progress(done, len(ids))
    finally:
        _FORK_STATE.clear()
    return Computed(summaries, rows, since, n, packs)


def calendar_ready(calendar: WorkingCalendar, today: date) -> None:
    """Extend the calendar's span in the parent once, so every forked child inherits it."""
    calendar_fingerprint(calendar, today)


#: Audit actions that change nothing: reads, look-ups, refused attempts.
NOT_CHANGES = ("read", "lookup", "refused")


# -- writing --------------------------------------------------------------------------------------

def changed_since(conn: sa.Connection, since_seq: int) -> set[str]:
    """CRNs with a change (not a read, look-up or refused attempt) audited after
    ``since_seq``."""
    return set(conn.execute(sa.select(AUDIT.c.crn).where(
        AUDIT.c.seq > since_seq, AUDIT.c.crn.is_not(None),
        AUDIT.c.action.not_in(NOT_CHANGES)).order_by(AUDIT.c.seq)).scalars())


def write_back(conn: sa.Connection, computed: Computed) -> int:
    """Store ``computed``'s rows and new event packs (inside the caller's write transaction),
    except those of cases changed since they were read. Returns how many summaries were
    stored."""
    if not computed.rows:
        return 0
    changed = changed_since(conn, computed.since_seq)
    rows = computed.rows
    packs = computed.packs
    if changed:
        skip = {s.case_id for s in computed.summaries.values() if s.crn in changed}
        rows = [r for r in rows if r["case_id"] not in skip]
        packs = {k: v for k, v in packs.items() if k not in skip}
    _delete(conn, SUMMARIES, [r["case_id"] for r in rows])
    _insert(conn, SUMMARIES, rows)
    if packs:
        _delete(conn, PACKS, sorted(packs))   # another due list may have stored one meanwhile
        store_packs(conn, packs)
    if len(rows) >= 1000:
        analyse(conn)
    return len(rows)


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys) into ``table``: PostgreSQL through COPY
    (psycopg's executemany sends one INSERT per row: half a second for 10,000 rows here, COPY
    under a tenth of that), elsewhere the store's bulk insert."""
    if not rows:
        return
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        keys = list(rows[0])
        quote = conn.dialect.identifier_preparer.quote
        sql = (f"COPY {quote(table.name)} ({', '.join(quote(k) for k in keys)}) "
               "FROM STDIN")
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            with cursor.copy(sql) as copy:
                for r in rows:
                    copy.write_row([r[k] for k in keys])
        finally:
            cursor.close()
        return
    from omtui.store.repository import _bulk_insert

    for start in range(0, len(rows), 5000):
        _bulk_insert(conn, table, rows[start:start + 5000])


def store_packs(conn: sa.Connection, packs: dict[int, str]) -> None:
    """Insert event packs (case id -> pack text, ``event_rows.pack_events``) for cases that
    have none (inside the caller's write transaction): the importer's and write_back's."""
    from omtui.store.event_rows import PACK_FORMAT

    _insert(conn, PACKS, [{"case_id": i, "format": PACK_FORMAT, "pack": packs[i]}
                          for i in sorted(packs)])


def mark_stale(conn: sa.Connection, case_ids: Iterable[int]) -> None:
    """Delete the summaries and event packs of ``case_ids`` (inside the caller's write
    transaction)."""
    ids = sorted(set(case_ids))
    _delete(conn, SUMMARIES, ids)
    _delete(conn, PACKS, ids)


def _delete(conn: sa.Connection, table: sa.Table, ids: list[int]) -> None:
    """Delete the rows of ``ids`` from ``table`` (summaries or packs, keyed by case id): on
    PostgreSQL one statement with the ids as one array parameter (``= ANY``), elsewhere
    chunks of ids (SQLite's limit on parameters).
    (One SQLite statement reading the ids from ``json_each`` saved 0.1 s of a cold list, but
    the team list read after the next writes then took 0.7 s instead of 0.1: measured.)"""
    if not ids:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        conn.execute(sa.delete(table).where(table.c.case_id == sa.any_(
            sa.bindparam("ids", ids, type_=ARRAY(sa.Integer)))))
        return
    for start in range(0, len(ids), CHUNK):
        conn.execute(sa.delete(table).where(table.c.case_id.in_(ids[start:start + CHUNK])))


def prune(conn: sa.Connection, today: date) -> int:
    """Delete summaries computed for days before ``today`` (never valid again)."""
    return conn.execute(sa.delete(SUMMARIES).where(SUMMARIES.c.as_of < today)).rowcount or 0


def analyse(conn: sa.Connection) -> None:
    """Refresh the planner's statistics of the table after a bulk write (PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE due_summaries")


# -- the write hook -------------------------------------------------------------------------------

def _after_flush(session: Session, _ctx) -> None:
    """Every flushed change to a case's rows deletes that case's summary, same transaction."""
    ids: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, CaseRow):
            if obj in session.new:
                continue                       # a new case has no summary yet
            if obj in session.dirty and not session.is_modified(obj):
                continue
            if obj.id is not None:
                ids.add(obj.id)
            continue
        case_id = getattr(obj, "case_id", None)
        if case_id is None or isinstance(obj, (DueSummaryRow, EventPackRow)):
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        ids.add(case_id)
    if ids:
        mark_stale(session.connection(), ids)


def install(session_class: type[Session]) -> None:
    event.listen(session_class, "after_flush", _after_flush)


__all__ = [
    "Computed",
    "Summary",
    "book_fingerprint",
    "calendar_fingerprint",
    "compute",
    "decode_items",
    "default_workers",
    "encode_items",
    "evaluate",
    "install",
    "mark_stale",
    "prune",
    "read_fresh",
    "store_packs",
    "write_back",
]

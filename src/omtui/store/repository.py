"""``SqlStore``: the :class:`omtui.services.CaseStore` over a SQL database.

One session per unit of work; reads are plain transactions, writes take the write lock at
``BEGIN`` (SQLite ``BEGIN IMMEDIATE``). Every query has an ORDER BY. Whole caseloads are read
with three ordered selects (cases, requirements, events) grouped in Python: no query per case.
Every change is audited in its own transaction (``omtui.store.audit``).
"""

from __future__ import annotations

import getpass
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from omtui.domain.case import Case, Event
from omtui.domain.caseformat import (
    CRN_PATTERN,
    Problem,
    case_to_dict,
    event_to_dict,
    parse_case,
)
from omtui.services import ConflictError, NotFound, StoreError
from omtui.store import audit
from omtui.store import summary as due_summary
from omtui.store.convert import (
    CASE_COLUMNS,
    EVENT_COLUMNS,
    case_from_tuple,
    case_values,
    event_from_tuple,
    event_values,
    plain_columns,
)
from omtui.store.engine import Target, write_engine
from omtui.store.event_rows import pack_events
from omtui.store.plans import PlanStoreMixin
from omtui.store.roles import PermissionDenied
from omtui.store.tables import (
    AuditRow,
    CaseRow,
    EventRow,
    OfficerRow,
    RequirementRow,
    metadata,
)

T = TypeVar("T")
#: An import writing this many rows (cases and events) or more is followed by
#: :meth:`SqlStore._tidy_after_bulk_load`.
TIDY_AFTER_ROWS = 10_000
CASES = CaseRow.__table__
REQS = RequirementRow.__table__
EVENTS = EventRow.__table__
AUDIT = AuditRow.__table__
CHUNK = 500            # cases per bulk statement (keeps IN lists and memory small)


class StoreBusy(StoreError):
    """Another process held the write lock for too long."""


class InvalidRecord(StoreError):
    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5])
                         + (f" (+{len(self.problems) - 5} more)" if len(self.problems) > 5 else ""))


class DuplicateCases(StoreError):
    def __init__(self, crns: Sequence[str]):
        self.crns = list(crns)
        shown = ", ".join(self.crns[:10]) + (" ..." if len(self.crns) > 10 else "")
        super().__init__(f"{len(self.crns)} case(s) already in the database: {shown} "
                         "(use --replace to replace them)")


def _bulk_insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows that all have the same keys.

    On SQLite the statement is compiled once and the values converted with each column type's
    own bind processor, then handed to the driver's executemany: the same SQL and the same
    stored values as ``conn.execute(insert(table), rows)`` (tests/store/test_bulk_read.py) at
    a fraction of the per-row cost.
    Other databases take SQLAlchemy's ordinary executemany path.
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(sa.insert(table), rows)
        return
    keys = list(rows[0])
    compiled = sa.insert(table).compile(dialect=conn.dialect, column_keys=keys)
    order = list(compiled.positiontup or ())
    defaults = {}
    for k in order:                      # columns the rows leave to their scalar default
        if k not in rows[0]:
            default = table.c[k].default
            if default is None or not default.is_scalar:
                raise ValueError(f"bulk insert into {table.name}: no value for {k}")
            defaults[k] = default.arg
    # The values in statement order as one tuple per row (itemgetter: no Python loop per
    # value), then the bind processor of each column that has one (dates, JSON, booleans),
    # on the values that are not NULL.
    take = itemgetter(*order) if len(order) > 1 and not defaults else None
    procs = [(i, p) for i, k in enumerate(order)
             if (p := table.c[k].type.bind_processor(conn.dialect)) is not None]
    params: list[Any] = []
    for r in rows:
        v = list(take(r)) if take is not None else [
            r[k] if k in r else defaults[k] for k in order]
        for i, proc in procs:
            x = v[i]
            if x is not None:
                v[i] = proc(x)
        params.append(tuple(v))
    conn.exec_driver_sql(str(compiled), params)


class _AuditedSession(Session):
    """Sessions whose every flush writes audit rows."""


audit.install(_AuditedSession)
due_summary.install(_AuditedSession)   # a write to a case deletes its stored due summary


def default_officer() -> str:
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no user name in this environment (containers)
        return "unknown"


def _is_locked(exc: OperationalError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "locked" in text or "busy" in text


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def check_case(case: Case) -> None:
    """Raise :class:`InvalidRecord` unless ``case`` passes the interchange format's checks."""
    _, problems = parse_case(case_to_dict(case))
    if problems:
        raise InvalidRecord(problems)


_STUB = {"crn": "X000000", "name": "check", "order_type": "CO", "sentence_date": "2000-01-01",
         "tier": 1, "rosh": "low", "ppo": False, "requirements": []}


def check_event(crn: str, event: Event) -> None:
    _, problems = parse_case({**_STUB, "events": [event_to_dict(event)]})
    if problems:
        raise InvalidRecord([Problem(None, crn, p.field.removeprefix("events[0]."), p.reason)
                             for p in problems])


@dataclass
class ImportSummary:
    inserted: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    events: int = 0

    @property
    def cases(self) -> int:
        return len(self.inserted) + len(self.replaced)


class SqlStore(PlanStoreMixin):
    """A :class:`~omtui.services.CaseStore` over SQLite or PostgreSQL (see ``open_store``)."""

    def __init__(self, engine: sa.Engine, target: Target, officer: str | None = None) -> None:
        self.engine = engine
        self.target = target
        self.officer = officer or default_officer()
        self._read = sessionmaker(engine, class_=_AuditedSession, expire_on_commit=False)
        self._write = sessionmaker(write_engine(engine), class_=_AuditedSession,
                                   expire_on_commit=False, info={"officer": self.officer})
        self._officer_known = False
        self.upgrade_result = None
        # An in-memory database is one connection shared by every thread (StaticPool): units
        # of work must take turns on it. A file or server database has a connection each.
        self._turns = threading.RLock() if target.is_memory else nullcontext()

    # -- units of work ------------------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[Session]:
        try:
            with self._turns, self._read() as session, session.begin():
                yield session
        except PermissionDenied as exc:
            self._record_refusal(exc)
            raise

    def _record_refusal(self, exc: PermissionDenied) -> None:
        """Write a refused attempt to the audit trail (action ``refused``, the reason in
        ``new``, the case when the reason names one), in its own transaction: the refused
        one was rolled back. Never raises: failing to record must not hide the refusal."""
        if getattr(exc, "recorded", False):
            return
        exc.recorded = True
        found = CRN_PATTERN.search(str(exc))
        crn = found.group(0) if found else None
        try:
            with self._turns, self._write() as session, session.begin():
                audit.append(session.connection(), [audit.Change(
                    "refused", "access", crn or "-", crn, None, {"reason": str(exc)})],
                    self.officer)
        except Exception:  # noqa: BLE001, S110 - e.g. a read-only role: the refusal stands
            pass

    def writing(self, work: Callable[[Session], T], *, retries: int = 2) -> T:
        """Run ``work(session)`` in one write transaction; retry if the database stays locked."""
        for attempt in range(retries + 1):
            try:
                with self._turns, self._write() as session, session.begin():
                    self._ensure_officer(session)
                    result = work(session)
                self._officer_known = True
                return result
            except PermissionDenied as exc:
                self._record_refusal(exc)
                raise
            except IntegrityError as exc:
                raise StoreError(f"not saved: {exc.orig or exc}") from None
            except OperationalError as exc:
                if not _is_locked(exc):
                    raise StoreError(f"database error: {exc.orig or exc}") from None
                if attempt == retries:
                    raise StoreBusy("the database is busy (another omtui is writing to it); "
                                    "try again in a moment") from None
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def _ensure_officer(self, session: Session) -> None:
        if self._officer_known:
            return
        found = session.execute(sa.select(OfficerRow.id).where(
            OfficerRow.username == self.officer).order_by(OfficerRow.id)).first()
        if found is None:
            session.add(OfficerRow(username=self.officer, created_at=audit.now_utc()))
            session.flush()

    # -- CaseStore ----------------------------------------------------------------------------
    def describe(self) -> str:
        return self.target.describe()

    def list_cases(self) -> list[Case]:
        with self.reading() as s:
            return self._load(s.connection())

    def get_case(self, crn: str) -> Case:
        with self.reading() as s:
            found = self._load(s.connection(), crns=[crn])
        if not found:
            raise NotFound(f"no case {crn}")
        return found[0]

    def save_case(self, case: Case, *, expected_version: int | None = None) -> None:
        """Insert a case (with its events) or update its facts and requirements (not events).

        ``expected_version``: the version the caller read (see :meth:`case_version`); if the
        case changed since, :class:`ConflictError` says who changed it and when.
        """
        check_case(case)

        def work(s: Session) -> None:
            row = s.execute(sa.select(CaseRow).where(CaseRow.crn == case.crn)
                            .order_by(CaseRow.id).with_for_update()).scalar_one_or_none()
            values = case_values(case)
            if row is None:
                row = CaseRow(**values)
                s.add(row)
                s.flush()
                s.add_all(RequirementRow(case_id=row.id, position=i, kind=r.value)
                          for i, r in enumerate(case.requirements))
                s.add_all(EventRow(case_id=row.id, seq=i, **event_values(e))
                          for i, e in enumerate(case.events))
                return
            if expected_version is not None and row.version != expected_version:
                raise self._conflict(s, case.crn)
            for key, value in values.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
            self._sync_requirements(s, row.id, [r.value for r in case.requirements])

        self.writing(work)

    def add_event(self, crn: str, event: Event) -> None:
        check_event(crn, event)

        def work(s: Session) -> None:
            case_id = s.execute(sa.select(CaseRow.id).where(CaseRow.crn == crn)
                                .order_by(CaseRow.id).with_for_update()).scalar_one_or_none()
            if case_id is None:
                raise NotFound(f"no case {crn}")
            last = s.execute(sa.select(sa.func.max(EventRow.seq))
                             .where(EventRow.case_id == case_id)).scalar()
            s.add(EventRow(case_id=case_id, seq=(last + 1) if last is not None else 0,
                           **event_values(event)))

        self.writing(work)

    def replace_event(self, crn: str, old: Event, new: Event) -> None:
        """Replace one recorded event (recording an appointment's outcome), audited as an
        update of its row; NotFound if no row of the case matches ``old`` exactly."""
        check_event(crn, new)
        wanted = event_values(old)

        def work(s: Session) -> None:
            case_id = s.execute(sa.select(CaseRow.id).where(CaseRow.crn == crn)
                                .order_by(CaseRow.id).with_for_update()).scalar_one_or_none()
            if case_id is None:
                raise NotFound(f"no case {crn}")
            rows = s.execute(sa.select(EventRow).where(
                EventRow.case_id == case_id, EventRow.date == old.date,
                EventRow.type == old.type.value).order_by(EventRow.seq)).scalars().all()
            for row in rows:
                if all(getattr(row, k) == v for k, v in wanted.items()):
                    for key, value in event_values(new).items():
                        if getattr(row, key) != value:
                            setattr(row, key, value)
                    return
            raise NotFound(f"{crn}: the {old.type.label} of {old.date.isoformat()} is no longer "
                           "recorded")

        self.writing(work)

    # -- more than the protocol ---------------------------------------------------------------
    def case_version(self, crn: str) -> int:
        with self.reading() as s:
            version = s.execute(sa.select(CaseRow.version).where(CaseRow.crn == crn)
                                .order_by(CaseRow.id)).scalar_one_or_none()
        if version is None:
            raise NotFound(f"no case {crn}")
        return version

    def crns(self) -> list[str]:
        with self.reading() as s:
            return list(s.execute(sa.select(CASES.c.crn).order_by(CASES.c.crn)).scalars())

    def has_cases(self) -> bool:
        with self.reading() as s:
            return s.execute(sa.select(CASES.c.id).order_by(CASES.c.id).limit(1)).first() is not None

    def counts(self) -> dict[str, int]:
        """Rows per table, by table name."""
        with self.reading() as s:
            return {t.name: s.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in sorted(metadata().sorted_tables, key=lambda t: t.name)}

    def export_cases(self, crns: Iterable[str] | None = None) -> list[Case]:
        """Cases (all, or the given CRNs) ordered by CRN; NotFound names any missing CRN."""
        if crns is None:
            return self.list_cases()
        wanted = list(dict.fromkeys(crns))
        with self.reading() as s:
            found = self._load(s.connection(), crns=wanted)
        missing = sorted(set(wanted) - {c.crn for c in found})
        if missing:
            raise NotFound(f"no case {', '.join(missing)}")
        return found

    def import_cases(self, cases: Sequence[Case], *, replace: bool = False,
                     validated: bool = False) -> ImportSummary:
        """Insert ``cases`` in ONE transaction: all or nothing.

        A CRN already in the database raises :class:`DuplicateCases` unless ``replace``, which
        replaces that case's facts, requirements and events (the old case is kept in the audit).
        ``validated=True`` skips re-checking cases that come straight from ``parse_case``
        (the importer's path); anything else is checked first.
        """
        if not validated:
            for case in cases:
                check_case(case)
        result = self.writing(lambda s: self._import(s.connection(), cases, replace))
        if result.cases + result.events >= TIDY_AFTER_ROWS:
            self._tidy_after_bulk_load()
        return result

    def existing_crns(self, crns: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(crns))
        found: list[str] = []
        with self.reading() as s:
            for chunk in _chunks(wanted):
                found.extend(s.execute(sa.select(CASES.c.crn).where(CASES.c.crn.in_(chunk))
                                       .order_by(CASES.c.crn)).scalars())
        return sorted(found)

    # audit
    def audit_history(self, crn: str) -> list[audit.AuditEntry]:
        with self.reading() as s:
            return audit.history(s.connection(), crn)

    def verify_audit(self) -> audit.VerifyResult:
        with self.reading() as s:
            return audit.verify(s.connection())

    def backup(self, destination: str) -> Any:
        from omtui.store.backup import backup_sqlite

        return backup_sqlite(self.engine, destination)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------
    def _tidy_after_bulk_load(self) -> None:
        """After a big import on PostgreSQL: ``VACUUM (ANALYZE)`` the tables it filled, as
        PostgreSQL's guide to populating a database advises. Until then every new row's
        commit status is looked up again by each read (hint bits) and the autovacuum that
        follows a bulk insert competes with the first users: measured at 30,000 cases, the
        cold team due list cost the server ~4 CPU s instead of ~1.3. The import has already
        committed: should this fail (say the database user does not own the tables), the
        data is unharmed and autovacuum does the same later."""
        if self.engine.dialect.name != "postgresql":
            return
        names = ", ".join(self.engine.dialect.identifier_preparer.quote(t.name)
                          for t in (CASES, REQS, EVENTS))
        try:
            with self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {names}")
        except sa.exc.DBAPIError:
            pass

    def _conflict(self, s: Session, crn: str) -> ConflictError:
        last = s.execute(sa.select(AUDIT.c.officer, AUDIT.c.at).where(
            AUDIT.c.crn == crn, AUDIT.c.action.not_in(("read", "lookup")))
            .order_by(AUDIT.c.seq.desc()).limit(1)).first()
        who, when = (last.officer, last.at) if last else (None, None)
        hhmm = when[11:16] if when else "?"
        return ConflictError(f"{crn} was changed by {who or 'someone'} at {hhmm} UTC "
                             "since you opened it: reload, or keep yours", who, when)

    def _sync_requirements(self, s: Session, case_id: int, wanted: list[str]) -> None:
        rows = s.execute(sa.select(RequirementRow).where(RequirementRow.case_id == case_id)
                         .order_by(RequirementRow.position)).scalars().all()
        by_kind = {r.kind: r for r in rows}
        for r in rows:
            if r.kind not in wanted:
                s.delete(r)
        s.flush()
        for position, kind in enumerate(wanted):
            existing = by_kind.get(kind)
            if existing is None:
                s.add(RequirementRow(case_id=case_id, position=position, kind=kind))
            elif existing.position != position:
                existing.position = position

    @staticmethod
    def _load(conn: sa.Connection, crns: Sequence[str] | None = None) -> list[Case]:
        """Cases with requirements and events: three ordered selects per chunk, no N+1."""
        case_cols = plain_columns(CASES, CASE_COLUMNS)
        event_cols = plain_columns(EVENTS, EVENT_COLUMNS)
        if crns is None:
            case_rows = conn.execute(sa.select(*case_cols).order_by(CASES.c.crn)).all()
            req_rows = conn.execute(sa.select(REQS.c.case_id, REQS.c.kind)
                                    .order_by(REQS.c.case_id, REQS.c.position)).all()
            event_rows = conn.execute(sa.select(*event_cols).order_by(EVENTS.c.case_id,
                                                                      EVENTS.c.seq)).all()
        else:
            case_rows, req_rows, event_rows = [], [], []
            for chunk in _chunks(sorted(set(crns))):
                rows = conn.execute(sa.select(*case_cols).where(CASES.c.crn.in_(chunk))
                                    .order_by(CASES.c.crn)).all()
                ids = [r[0] for r in rows]
                case_rows.extend(rows)
                if ids:
                    req_rows.extend(conn.execute(
                        sa.select(REQS.c.case_id, REQS.c.kind).where(REQS.c.case_id.in_(ids))
                        .order_by(REQS.c.case_id, REQS.c.position)))
                    event_rows.extend(conn.execute(
                        sa.select(*event_cols).where(EVENTS.c.case_id.in_(ids))
                        .order_by(EVENTS.c.case_id, EVENTS.c.seq)))
            case_rows.sort(key=lambda r: r[1])
        reqs: dict[int, list[str]] = defaultdict(list)
        for case_id, kind in req_rows:
            reqs[case_id].append(kind)
        events: dict[int, list[Event]] = defaultdict(list)
        for r in event_rows:
            events[r[0]].append(event_from_tuple(r))
        return [case_from_tuple(r, reqs.get(r[0], ()), events.get(r[0], ())) for r in case_rows]

    def _import(self, conn: sa.Connection, cases: Sequence[Case], replace: bool) -> ImportSummary:
        summary = ImportSummary()
        existing: dict[str, int] = {}
        for chunk in _chunks([c.crn for c in cases]):
            existing.update((r.crn, r.id) for r in conn.execute(
                sa.select(CASES.c.crn, CASES.c.id).where(CASES.c.crn.in_(chunk))
                .order_by(CASES.c.crn)))
        if existing and not replace:
            raise DuplicateCases(sorted(existing))
        changes: list[audit.Change] = []
        for chunk in _chunks(cases):
            new_cases = [c for c in chunk if c.crn not in existing]
            old_cases = [c for c in chunk if c.crn in existing]
            ids: dict[str, int] = {}
            if new_cases:
                result = conn.execute(
                    sa.insert(CASES).returning(CASES.c.id, sort_by_parameter_order=True),
                    [case_values(c) for c in new_cases])
                for case, case_id in zip(new_cases, result.scalars().all(), strict=True):
                    ids[case.crn] = case_id
            if old_cases:
                before = {c.crn: c for c in self._load(conn, [c.crn for c in old_cases])}
                old_ids = [existing[c.crn] for c in old_cases]
                due_summary.mark_stale(conn, old_ids)
                conn.execute(sa.delete(EVENTS).where(EVENTS.c.case_id.in_(old_ids)))
                conn.execute(sa.delete(REQS).where(REQS.c.case_id.in_(old_ids)))
                for case in old_cases:
                    case_id = existing[case.crn]
                    conn.execute(sa.update(CASES).where(CASES.c.id == case_id)
                                 .values(**case_values(case), version=CASES.c.version + 1))
                    ids[case.crn] = case_id
                    changes.append(audit.Change("replace", "cases", case.crn, case.crn,
                                                case_to_dict(before[case.crn]),
                                                case_to_dict(case)))
            req_rows = [{"case_id": ids[c.crn], "position": i, "kind": r.value}
                        for c in chunk for i, r in enumerate(c.requirements)]
            _bulk_insert(conn, REQS, req_rows)
            event_rows = [{"case_id": ids[c.crn], "seq": i, **event_values(e)}
                          for c in chunk for i, e in enumerate(c.events)]
            _bulk_insert(conn, EVENTS, event_rows)
            # each case's events as one text too, for the cold team due list (derived data)
            due_summary.store_packs(conn, {ids[c.crn]: pack_events(c.events) for c in chunk})
            summary.events += len(event_rows)
            for case in new_cases:
                changes.append(audit.Change("import", "cases", case.crn, case.crn, None,
                                            case_to_dict(case)))
                summary.inserted.append(case.crn)
            summary.replaced.extend(c.crn for c in old_cases)
            if len(changes) >= 5000:
                audit.append(conn, changes, self.officer)
                changes = []
        audit.append(conn, changes, self.officer)
        return summary

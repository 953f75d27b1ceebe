"""The audit trail: who changed which case record, when, from what to what.

Every insert, update and delete of case data writes one ``audit_log`` row in the same
transaction as the change:

* ORM changes (the app's saves) are caught by the session's ``after_flush`` hook
  (:func:`install`), so no repository method can forget to audit;
* the bulk importer writes Core inserts and appends one row per imported case itself, holding
  the whole case (facts, requirements, events) as the new value.

Rows are chained: each row stores the previous row's hash and its own hash, the SHA-256 of a
canonical JSON serialisation of its fields and the previous hash. Editing, deleting or inserting
a row anywhere breaks the chain from that row on; :func:`verify` finds the first bad row.
A one-row ``audit_head`` table holds the last sequence number and hash; every writer locks it
(``SELECT ... FOR UPDATE``) so two writers can never fork the chain.

Nothing in omtui updates or deletes audit rows; the database refuses it too (triggers created
by the first migration on SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from omtui.store.tables import (
    AuditHeadRow,
    AuditRow,
    CaseRow,
    OfficerRow,
)

GENESIS_HASH = "0" * 64
AUDIT = AuditRow.__table__
HEAD = AuditHeadRow.__table__
CASES = CaseRow.__table__

#: Tables whose changes are not audited: the audit trail itself.
NOT_AUDITED = frozenset({AuditRow.__tablename__, AuditHeadRow.__tablename__})


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot record {type(value).__name__} in the audit trail")


def to_json(value: Any) -> str | None:
    """Canonical JSON (sorted keys, no spaces, Unicode kept) or None."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_default)


def row_hash(*, seq: int, at: str, officer: str, action: str, table_name: str,
             record_key: str, crn: str | None, old: str | None, new: str | None,
             prev_hash: str) -> str:
    body = to_json({"seq": seq, "at": at, "officer": officer, "action": action,
                    "table": table_name, "key": record_key, "crn": crn, "old": old,
                    "new": new, "prev": prev_hash})
    assert body is not None
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    """One change to record (before it gets its place in the chain)."""

    action: str                 # insert / update / delete / replace
    table_name: str
    record_key: str
    crn: str | None
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def append(conn: sa.Connection, changes: Iterable[Change], officer: str,
           at: str | None = None) -> int:
    """Chain ``changes`` onto the audit log inside the caller's transaction. Returns the count."""
    changes = list(changes)
    if not changes:
        return 0
    at = at or now_utc()
    head = conn.execute(
        sa.select(HEAD.c.last_seq, HEAD.c.last_hash).where(HEAD.c.id == 1).with_for_update()
    ).one()
    seq, prev = head.last_seq, head.last_hash
    rows = []
    for ch in changes:
        seq += 1
        old, new = to_json(ch.old), to_json(ch.new)
        h = row_hash(seq=seq, at=at, officer=officer, action=ch.action, table_name=ch.table_name,
                     record_key=ch.record_key, crn=ch.crn, old=old, new=new, prev_hash=prev)
        rows.append({"seq": seq, "at": at, "officer": officer, "action": ch.action,
                     "table_name": ch.table_name, "record_key": ch.record_key, "crn": ch.crn,
                     "old": old, "new": new, "prev_hash": prev, "hash": h})
        prev = h
    for start in range(0, len(rows), 2000):
        conn.execute(sa.insert(AUDIT), rows[start:start + 2000])
    # The head row is a pointer, not an audit row: moving it forward is how the chain grows.
    conn.execute(sa.update(HEAD).where(HEAD.c.id == 1).values(last_seq=seq, last_hash=prev))
    return len(rows)


# -- the ORM hook ---------------------------------------------------------------------------

def _column_values(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs}


def _changed(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    old, new = {}, {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old[attr.key] = hist.deleted[0] if hist.deleted else None
            new[attr.key] = hist.added[0] if hist.added else None
    return old, new


def _is_audited(obj: Any) -> bool:
    table = getattr(obj, "__tablename__", None)
    return table is not None and table not in NOT_AUDITED


def _crn_for(session: Session, obj: Any, cache: dict[int, str | None]) -> str | None:
    if isinstance(obj, CaseRow):
        return obj.crn
    case_id = getattr(obj, "case_id", None)
    if case_id is None:
        return None
    if case_id not in cache:
        cache[case_id] = session.connection().execute(
            sa.select(CASES.c.crn).where(CASES.c.id == case_id)).scalar_one_or_none()
    return cache[case_id]


def _key(obj: Any) -> str:
    if isinstance(obj, CaseRow):
        return obj.crn
    if isinstance(obj, OfficerRow):
        return obj.username
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(i) for i in ident)


def _before_flush(session: Session, _ctx, _instances) -> None:
    """Bump ``version`` on every edited row that really changed (optimistic locking)."""
    for obj in session.dirty:
        if hasattr(obj, "version") and _is_audited(obj) and session.is_modified(obj):
            if not inspect(obj).attrs["version"].history.has_changes():
                obj.version = (obj.version or 0) + 1


def _after_flush(session: Session, _ctx) -> None:
    changes: list[Change] = []
    cache: dict[int, str | None] = {}
    for obj in session.new:
        if _is_audited(obj):
            changes.append(Change("insert", obj.__tablename__, _key(obj),
                                  _crn_for(session, obj, cache), None, _column_values(obj)))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj):
            old, new = _changed(obj)
            if old or new:
                changes.append(Change("update", obj.__tablename__, _key(obj),
                                      _crn_for(session, obj, cache), old, new))
    for obj in session.deleted:
        if _is_audited(obj):
            changes.append(Change("delete", obj.__tablename__, _key(obj),
                                  _crn_for(session, obj, cache), _column_values(obj), None))
    if changes:
        officer = session.info.get("officer") or "unknown"
        append(session.connection(), changes, officer)


def install(session_class: type[Session]) -> None:
    """Audit every ORM flush of ``session_class`` sessions."""
    event.listen(session_class, "before_flush", _before_flush)
    event.listen(session_class, "after_flush", _after_flush)


# -- reading and checking -----------------------------------------------------------------

@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    officer: str
    action: str
    table_name: str
    record_key: str
    crn: str | None
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "officer": self.officer, "action": self.action,
                "table": self.table_name, "key": self.record_key, "crn": self.crn,
                "old": self.old, "new": self.new}


def history(conn: sa.Connection, crn: str) -> list[AuditEntry]:
    rows = conn.execute(sa.select(AUDIT).where(AUDIT.c.crn == crn).order_by(AUDIT.c.seq))
    return [AuditEntry(r.seq, r.at, r.officer, r.action, r.table_name, r.record_key, r.crn,
                       json.loads(r.old) if r.old is not None else None,
                       json.loads(r.new) if r.new is not None else None) for r in rows]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    first_bad: int | None = None     # seq of the first row that fails
    reason: str | None = None

    def describe(self) -> str:
        if self.ok:
            return f"audit trail intact: {self.rows} rows, chain verified"
        return f"audit trail BROKEN at row {self.first_bad}: {self.reason}"


def _scan(conn: sa.Connection, batch: int = 5000) -> Iterator[sa.Row]:
    last = 0
    while True:
        rows = conn.execute(sa.select(AUDIT).where(AUDIT.c.seq > last)
                            .order_by(AUDIT.c.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(conn: sa.Connection) -> VerifyResult:
    """Walk the whole chain; report the first row whose link or hash is wrong."""
    expected_seq, prev, count = 1, GENESIS_HASH, 0
    for r in _scan(conn):
        if r.seq != expected_seq:
            return VerifyResult(False, count, expected_seq if r.seq > expected_seq else r.seq,
                                f"row {expected_seq} is missing (found {r.seq} next)")
        if r.prev_hash != prev:
            return VerifyResult(False, count, r.seq, "does not link to the row before it")
        h = row_hash(seq=r.seq, at=r.at, officer=r.officer, action=r.action,
                     table_name=r.table_name, record_key=r.record_key, crn=r.crn, old=r.old,
                     new=r.new, prev_hash=r.prev_hash)
        if h != r.hash:
            return VerifyResult(False, count, r.seq, "its contents do not match its hash "
                                "(the row was edited)")
        prev, expected_seq, count = r.hash, expected_seq + 1, count + 1
    head = conn.execute(sa.select(HEAD.c.last_seq, HEAD.c.last_hash).where(HEAD.c.id == 1)).first()
    if head is None:
        return VerifyResult(False, count, None, "the chain head row is missing")
    if head.last_seq != count or head.last_hash != prev:
        return VerifyResult(False, count, count + 1 if head.last_seq > count else head.last_seq,
                            f"the chain head says {head.last_seq} rows but {count} are present "
                            "(rows were removed or added)")
    return VerifyResult(True, count)

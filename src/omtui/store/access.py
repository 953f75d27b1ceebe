"""Office mode in the store layer: roles enforced on every read and write, reads audited.

:class:`OfficeStore` is the :class:`~omtui.store.repository.SqlStore` that ``open_store``
returns. In sole-officer mode (no officer registered, see ``store/roles.py``) it behaves exactly
like ``SqlStore``. In office mode:

* every write through the ORM (``save_case``, ``add_event``, ``replace_event``, plans,
  induction, officers and teams) passes :func:`_guard_flush`, a ``before_flush`` hook that
  checks each changed row's case against the officer's role, so no write path can skip the
  check; the bulk importer checks every case before it writes;
* ``get_case`` checks the officer may open the case and writes an audit row ``read`` (a duty
  officer's: ``lookup``) in the same transaction as the read; ``lookup_case`` is the duty
  look-up of any (non-training) case, audited ``lookup``; both rows are in the same hash chain
  as the changes (``omtui audit show CRN`` lists them);
* ``list_cases`` is the officer's caseload (an offender manager's own cases, a team manager's
  team and the unallocated cases, a trainer's training cases; a duty officer has none);
  ``lookup_cases`` is the look-up index over every case (facts only, no events: the look-up
  screen's list), not audited: opening one is.

A refused operation raises :class:`~omtui.store.roles.PermissionDenied` (a
``services.StoreError``) with a sentence saying why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from omtui.domain.case import Case
from omtui.gc_pause import gc_paused
from omtui.services import NotFound, StoreError
from omtui.store import audit
from omtui.store.convert import CASE_COLUMNS, case_from_tuple, plain_columns
from omtui.store.repository import SqlStore, _AuditedSession, _chunks
from omtui.store.roles import (
    Access,
    Action,
    Directory,
    Officer,
    PermissionDenied,
    Role,
    Team,
)
from omtui.store.tables import CaseRow, OfficerRow, RequirementRow, TeamRow

CASES = CaseRow.__table__
REQS = RequirementRow.__table__
OFFICERS = OfficerRow.__table__
TEAMS = TeamRow.__table__

#: Audit actions of reads (the same chain as the changes).
READ, LOOKUP = "read", "lookup"


def load_directory(conn: sa.Connection) -> Directory:
    officers = [Officer(r.username, _role(r.role), r.team, r.display_name, bool(r.registered))
                for r in conn.execute(sa.select(OFFICERS.c.username, OFFICERS.c.role,
                                                OFFICERS.c.team, OFFICERS.c.display_name,
                                                OFFICERS.c.registered)
                                      .order_by(OFFICERS.c.registered.desc(), OFFICERS.c.id))]
    teams = [Team(r.name, bool(r.training)) for r in conn.execute(
        sa.select(TEAMS.c.name, TEAMS.c.training).order_by(TEAMS.c.name))]
    # Unregistered rows (names seen in the audit trail) never grant anything.
    return Directory([o for o in officers if o.registered], teams)


def _registered_exist(conn: sa.Connection) -> bool:
    """Office mode: at least one registered officer."""
    return conn.execute(sa.select(OFFICERS.c.id).where(OFFICERS.c.registered)
                        .order_by(OFFICERS.c.id).limit(1)).first() is not None


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        return Role.OFFENDER_MANAGER


# -- the write guard ----------------------------------------------------------------------------

def _case_om(session: Session, case_id: int, cache: dict[int, tuple[str, str | None]]):
    if case_id not in cache:
        row = session.connection().execute(
            sa.select(CASES.c.crn, CASES.c.om).where(CASES.c.id == case_id)).first()
        cache[case_id] = (row.crn, row.om) if row is not None else (None, None)
    return cache[case_id]


def _guard_flush(session: Session, _ctx, _instances) -> None:
    """Refuse (PermissionDenied) any change the officer's role does not allow."""
    username = session.info.get("office_guard")
    if username is None:
        return
    access = Access(username, load_directory(session.connection()))
    if access.sole:
        return
    cache: dict[int, tuple[str, str | None]] = {}
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, OfficerRow):
            if obj in session.new and not obj.registered and obj.username == username:
                continue              # the writer's own name, recorded for the audit trail
            access.check(Action.MANAGE)
        elif isinstance(obj, TeamRow):
            access.check(Action.MANAGE)
        elif isinstance(obj, CaseRow):
            if obj in session.new:
                access.check(Action.CREATE, obj.crn, obj.om)
                continue
            hist = inspect(obj).attrs["om"].history
            old_om = hist.deleted[0] if hist.deleted else obj.om
            access.check(Action.EDIT, obj.crn, old_om)
            if hist.has_changes():
                access.check(Action.REALLOCATE, obj.crn, old_om, obj.om)
        elif getattr(obj, "case_id", None) is not None and audit._is_audited(obj):
            crn, om = _case_om(session, obj.case_id, cache)
            access.check(Action.EDIT, crn, om)


event.listen(_AuditedSession, "before_flush", _guard_flush)


# -- team views ---------------------------------------------------------------------------------

@dataclass
class OfficerDue:
    """One officer's line in a team's due list."""

    officer: str
    cases: int = 0
    overdue: int = 0
    due_soon: int = 0
    due: int = 0
    overdue_cases: int = 0
    #: the officer's cases (CRN order); not in ``to_dict`` (the counts are the JSON)
    crns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"officer": self.officer, "cases": self.cases, "overdue": self.overdue,
                "due_soon": self.due_soon, "due": self.due, "overdue_cases": self.overdue_cases}


@dataclass
class TeamDue:
    team: str
    today: date
    officers: list[OfficerDue] = field(default_factory=list)
    overdue_items: list[Any] = field(default_factory=list)     # DueItem, most urgent first
    skipped: list[str] = field(default_factory=list)
    #: each of the team's cases' name by CRN (the team view lists them; not in ``to_dict``)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> OfficerDue:
        t = OfficerDue("total")
        for o in self.officers:
            t.cases += o.cases
            t.overdue += o.overdue
            t.due_soon += o.due_soon
            t.due += o.due
            t.overdue_cases += o.overdue_cases
        return t

    def to_dict(self) -> dict[str, Any]:
        return {"team": self.team, "today": self.today.isoformat(),
                "officers": [o.to_dict() for o in self.officers],
                "total": self.total.to_dict(),
                "overdue": [i.to_dict() for i in self.overdue_items],
                "skipped": self.skipped}


class OfficeStore(SqlStore):
    """``SqlStore`` with roles enforced and reads audited (office mode); see the module doc."""

    def __init__(self, engine: sa.Engine, target, officer: str | None = None) -> None:
        if officer is None and not target.is_sqlite:
            officer = _server_user(engine)
        super().__init__(engine, target, officer)
        self._write.configure(info={"officer": self.officer, "office_guard": self.officer})
        #: What the last ``team_due`` did: cases, fresh (summaries read), computed, workers,
        #: stored (summaries written back).
        self.last_due_stats: dict[str, int] = {}
        #: Office mode when the store was opened (for screens, which must not query on the UI
        #: thread); the store's own checks always read the database.
        try:
            self.office = self._office_now()
        except sa.exc.SQLAlchemyError:
            self.office = False

    def writing(self, work, *, retries: int = 2):
        """Every write transaction takes the audit chain's head row first (PostgreSQL).

        Every write appends to the chain, so writers are serialised on the head row anyway;
        taking it first gives every transaction the same lock order (head, then case rows)
        and so no deadlock between, say, a first write that records the officer's name and
        another officer's ``add_event`` on the same case. SQLite's ``BEGIN IMMEDIATE``
        already serialises writers.
        """
        if self.target.is_sqlite:
            return super().writing(work, retries=retries)

        def chained(s: Session):
            s.execute(sa.select(audit.HEAD.c.last_seq).where(audit.HEAD.c.id == 1)
                      .with_for_update())
            return work(s)

        return super().writing(chained, retries=retries)

    # -- who am I -------------------------------------------------------------------------
    def access(self, conn: sa.Connection | None = None) -> Access:
        if conn is not None:
            return Access(self.officer, load_directory(conn))
        with self.reading() as s:
            return Access(self.officer, load_directory(s.connection()))

    @property
    def office_mode(self) -> bool:
        return not self.access().sole

    def directory(self) -> Directory:
        return self.access().directory

    # -- reads ----------------------------------------------------------------------------
    def _om_of(self, conn: sa.Connection, crn: str) -> str | None:
        row = conn.execute(sa.select(CASES.c.om).where(CASES.c.crn == crn)
                           .order_by(CASES.c.id)).first()
        if row is None:
            raise NotFound(f"no case {crn}")
        return row.om

    def _audited_read(self, crn: str, lookup: bool) -> Case:
        def work(s: Session) -> Case:
            conn = s.connection()
            access = self.access(conn)
            om = self._om_of(conn, crn)
            if access.sole:
                return self._load(conn, [crn])[0]
            as_lookup = lookup or access.role is Role.DUTY_OFFICER
            access.check(Action.LOOKUP if as_lookup else Action.OPEN, crn, om)
            case = self._load(conn, [crn])[0]
            audit.append(conn, [audit.Change(LOOKUP if as_lookup else READ, "cases", crn, crn,
                                             None, {"role": access.role.value})], self.officer)
            return case

        return self.writing(work)

    def get_case(self, crn: str) -> Case:
        """Open a case (office mode: only within the officer's scope; audited ``read``)."""
        if not self._office_now():
            return super().get_case(crn)
        return self._audited_read(crn, lookup=False)

    def lookup_case(self, crn: str) -> Case:
        """The duty look-up of any case that is not training data (audited ``lookup``)."""
        if not self._office_now():
            return super().get_case(crn)
        return self._audited_read(crn, lookup=True)

    def _office_now(self) -> bool:
        with self.reading() as s:
            return _registered_exist(s.connection())

    def _visible_crns(self, conn: sa.Connection, access: Access) -> list[str] | None:
        names = access.caseload_names()
        if names is None:
            return None
        include_unallocated = access.me is not None and access.me.role is Role.TEAM_MANAGER
        rows = conn.execute(sa.select(CASES.c.crn, CASES.c.om).order_by(CASES.c.crn))
        out = []
        for crn, om in rows:
            folded = (om or "").strip().casefold()
            if folded in names or (include_unallocated and access.unallocated(om)):
                out.append(crn)
        return out

    def list_cases(self) -> list[Case]:
        """The officer's caseload (sole mode: every case), ordered by CRN, with events."""
        with self.reading() as s:
            conn = s.connection()
            if not _registered_exist(conn):          # sole-officer mode: one cheap query
                return self._load(conn)
            crns = self._visible_crns(conn, self.access(conn))
            if crns is None:
                return self._load(conn)
            return self._load(conn, crns) if crns else []

    def lookup_cases(self) -> list[Case]:
        """Every case's facts without events (the look-up index): a trainer sees training
        cases only. Opening one (``lookup_case``) is audited."""
        with self.reading() as s:
            conn = s.connection()
            access = self.access(conn)
            rows = conn.execute(sa.select(*plain_columns(CASES, CASE_COLUMNS))
                                .order_by(CASES.c.crn)).all()
            reqs: dict[int, list[str]] = defaultdict(list)
            for case_id, kind in conn.execute(sa.select(REQS.c.case_id, REQS.c.kind)
                                              .order_by(REQS.c.case_id, REQS.c.position)):
                reqs[case_id].append(kind)
        cases = [case_from_tuple(r, reqs.get(r[0], ()), ()) for r in rows]
        if access.sole:
            return cases
        return [c for c in cases if access.may(Action.LOOKUP, c.crn, c.om)]

    def _check_open(self, crns: Iterable[str]) -> None:
        with self.reading() as s:
            conn = s.connection()
            access = self.access(conn)
            if access.sole:
                return
            for chunk in _chunks(list(crns)):
                for crn, om in conn.execute(sa.select(CASES.c.crn, CASES.c.om)
                                            .where(CASES.c.crn.in_(chunk))
                                            .order_by(CASES.c.crn)):
                    access.check(Action.OPEN, crn, om)

    def get_plan(self, crn: str):
        self._check_open([crn])
        return super().get_plan(crn)

    def get_induction(self, crn: str):
        self._check_open([crn])
        return super().get_induction(crn)

    def audit_history(self, crn: str):
        self._check_open([crn])
        return super().audit_history(crn)

    def export_cases(self, crns: Iterable[str] | None = None) -> list[Case]:
        if crns is None:
            return self.list_cases()
        wanted = list(dict.fromkeys(crns))
        self._check_open(wanted)
        return super().export_cases(wanted)

    # -- writes the ORM guard cannot see --------------------------------------------------
    def import_cases(self, cases: Sequence[Case], *, replace: bool = False,
                     validated: bool = False):
        with self.reading() as s:
            conn = s.connection()
            access = self.access(conn)
            if not access.sole:
                existing: dict[str, str | None] = {}
                for chunk in _chunks([c.crn for c in cases]):
                    existing.update((r.crn, r.om) for r in conn.execute(
                        sa.select(CASES.c.crn, CASES.c.om).where(CASES.c.crn.in_(chunk))
                        .order_by(CASES.c.crn)))
                for case in cases:
                    if case.crn in existing:
                        access.check(Action.EDIT, case.crn, existing[case.crn])
                        if (existing[case.crn] or "") != (case.om or ""):
                            access.check(Action.REALLOCATE, case.crn, existing[case.crn],
                                         case.om)
                    else:
                        access.check(Action.CREATE, case.crn, case.om)
        return super().import_cases(cases, replace=replace, validated=validated)

    # -- officers and teams ---------------------------------------------------------------
    def add_team(self, name: str, *, training: bool = False) -> None:
        name = name.strip()
        if not name:
            raise StoreError("a team needs a name")

        def work(s: Session) -> None:
            found = s.execute(sa.select(TeamRow).where(TeamRow.name == name)
                              .order_by(TeamRow.id)).scalar_one_or_none()
            if found is None:
                s.add(TeamRow(name=name, training=training, created_at=audit.now_utc()))
            elif bool(found.training) != training:
                found.training = training

        self.writing(work)

    def add_officer(self, username: str, role: Role | str, *, team: str | None = None,
                    display_name: str | None = None) -> Officer:
        """Register (or update) an officer. The first registration turns office mode on."""
        role = role if isinstance(role, Role) else Role.parse(role)
        username = username.strip()
        if not username:
            raise StoreError("an officer needs a username")
        if role is not Role.DUTY_OFFICER and not team:
            raise StoreError(f"a {role.label} needs a team (--team)")

        def work(s: Session) -> Officer:
            if team:
                known = s.execute(sa.select(TeamRow.id).where(TeamRow.name == team)
                                  .order_by(TeamRow.id)).first()
                if known is None:
                    self._check_manage(s)
                    s.add(TeamRow(name=team, training=False, created_at=audit.now_utc()))
            row = s.execute(sa.select(OfficerRow).where(OfficerRow.username == username)
                            .order_by(OfficerRow.id)).scalar_one_or_none()
            values = {"role": role.value, "team": team, "registered": True}
            if display_name is not None:
                values["display_name"] = display_name
            if row is None:
                s.add(OfficerRow(username=username, created_at=audit.now_utc(), **values))
            else:
                for key, value in values.items():
                    if getattr(row, key) != value:
                        setattr(row, key, value)
            return Officer(username, role, team, display_name if row is None else
                           values.get("display_name", row.display_name), True)

        return self.writing(work)

    def _check_manage(self, s: Session) -> None:
        access = self.access(s.connection())
        access.check(Action.MANAGE)

    def officers(self) -> list[Officer]:
        return sorted(self.directory().officers, key=lambda o: (o.team or "", o.username))

    def teams(self) -> list[Team]:
        return list(self.directory().teams)

    def reallocate(self, crn: str, officer: str) -> str:
        """Give case ``crn`` to ``officer`` (a registered officer's username or name).
        Returns the name written to the case's ``om``. Audited as an update of the case."""
        def work(s: Session) -> str:
            access = self.access(s.connection())
            target = access.directory.officer(officer)
            if target is None:
                raise StoreError(f"{officer!r} is not a registered officer "
                                 "(omtui officer list)")
            row = s.execute(sa.select(CaseRow).where(CaseRow.crn == crn)
                            .order_by(CaseRow.id)).scalar_one_or_none()
            if row is None:
                raise NotFound(f"no case {crn}")
            access.check(Action.REALLOCATE, crn, row.om, target.label())
            if row.om != target.label():
                row.om = target.label()
            return target.label()

        return self.writing(work)

    # -- team views -----------------------------------------------------------------------
    def _team_scope(self, conn: sa.Connection, team: str | None, names: dict[str, str] | None
                    = None) -> tuple[str, list[str], dict[str, str], dict[str, int],
                                     dict[int, int], int]:
        """Check the officer may see ``team`` (default: their own); return the team's name,
        its officers' labels, each of its cases' owner label by CRN (unallocated cases under
        ``"(not allocated)"``), case ids by CRN, case versions by id, and how many cases the
        database holds. ``names``, when given, gets each of the team's cases' name by CRN."""
        access = self.access(conn)
        me = access.me
        if not access.sole:
            access.check(Action.TEAM_VIEW)
        if team is None:
            if me is None or not me.team:
                raise StoreError("say which team (--team NAME)")
            team = me.team
        if not access.sole:
            if me is not None and me.team != team:
                raise PermissionDenied(f"team {team!r} is not your team ({me.team})")
        directory = access.directory
        if directory.team(team) is None and not directory.members(team):
            raise NotFound(f"no team {team!r} (omtui team list)")
        labels: dict[str, str] = {}
        for o in directory.members(team):
            for n in o.names:
                labels[n] = o.label()
        owner: dict[str, str] = {}
        ids: dict[str, int] = {}
        versions: dict[int, int] = {}
        every = 0
        cols = [CASES.c.id, CASES.c.crn, CASES.c.om, CASES.c.version]
        if names is not None:
            cols.append(CASES.c.name)
        for case_id, crn, om, version, *name in conn.execute(
                sa.select(*cols).order_by(CASES.c.crn)):
            every += 1
            folded = (om or "").strip().casefold()
            if folded in labels:
                owner[crn] = labels[folded]
            elif directory.officer(om) is None:
                owner[crn] = "(not allocated)"
            else:
                continue
            ids[crn] = case_id
            versions[case_id] = version
            if name:
                names[crn] = name[0]
        return team, [o.label() for o in directory.members(team)], owner, ids, versions, every

    def team_cases(self, team: str | None = None) -> tuple[str, dict[str, list[Case]]]:
        """The cases of ``team`` (default: the officer's own) grouped by officer label;
        unallocated cases under ``"(not allocated)"`` for the manager's own team."""
        with self.reading() as s:
            conn = s.connection()
            team, members, owner, _ids, _versions, every = self._team_scope(conn, team)
            crns = list(owner)
            if len(crns) * 2 > every:        # most of the database: one scan is faster
                cases = [c for c in self._load(conn) if c.crn in owner]
            else:
                cases = self._load(conn, crns) if crns else []
        grouped: dict[str, list[Case]] = {label: [] for label in members}
        for case in cases:
            grouped.setdefault(owner[case.crn], []).append(case)
        return team, grouped

    def team_due(self, today: date, calendar, book=None, team: str | None = None, *,
                 workers: int | None = None, progress=None) -> TeamDue:
        """Per officer of the team: cases, overdue / due soon / due items, cases with an
        overdue item; and every overdue item, most urgent first.

        Reads each case's stored due summary when it is valid for ``today``, this rule book
        and this calendar (``store/summary.py``); evaluates the others (in ``workers``
        processes where that helps) and stores their summaries for the next reader. The
        result is the same either way. ``progress(done, total)`` is called while evaluating.
        """
        if book is None:
            from omtui.rulepacks import default_packs

            book = default_packs()
        # Tens of thousands of rows, summaries and items, none in a reference cycle: the
        # cyclic collector would only walk every live object of the process (gc_pause.py).
        with gc_paused():
            return self._team_due(today, calendar, book, team, workers, progress)

    def _team_due(self, today: date, calendar, book, team: str | None, workers: int | None,
                  progress) -> TeamDue:
        from omtui.store import summary

        names: dict[str, str] = {}
        with self.reading() as s:
            conn = s.connection()
            name, members, owner, ids, versions, every = self._team_scope(conn, team, names)
            found = summary.read_fresh(conn, versions, today, calendar, book,
                                       scan=len(ids) * 2 > every)
        missing = [case_id for case_id in ids.values() if case_id not in found]
        self.last_due_stats = {"cases": len(ids), "fresh": len(ids) - len(missing),
                               "computed": len(missing), "workers": 0, "stored": 0}
        if missing:
            with self._turns:
                computed = summary.compute(self.engine, missing, today, calendar, book,
                                           workers=workers, progress=progress,
                                           in_memory=self.target.is_memory)
            found.update(computed.summaries)
            self.last_due_stats["workers"] = computed.workers
            try:
                self.last_due_stats["stored"] = self.writing(
                    lambda s: summary.write_back(s.connection(), computed))
            except StoreError:
                pass                 # the list is right without them; the next reader retries
        result = _assemble(name, today, members, owner, ids, found)
        result.names = names
        return result

    def refresh_due(self, today: date, calendar, book=None, *, workers: int | None = None,
                    progress=None, prune: bool = True) -> dict[str, int]:
        """Compute and store the due summary of every case not already summarised for
        ``today`` (the nightly job: ``omtui office refresh-due``). Office mode: a team
        manager's job. Summaries of earlier days are deleted (``prune``)."""
        from omtui.store import summary

        if book is None:
            from omtui.rulepacks import default_packs

            book = default_packs()
        with self.reading() as s:
            conn = s.connection()
            access = self.access(conn)
            if not access.sole:
                access.check(Action.MANAGE)
            crns, versions = {}, {}
            for case_id, crn, version in conn.execute(
                    sa.select(CASES.c.id, CASES.c.crn, CASES.c.version).order_by(CASES.c.id)):
                crns[case_id], versions[case_id] = crn, version
            found = summary.read_fresh(conn, versions, today, calendar, book, scan=True)
        missing = [case_id for case_id in crns if case_id not in found]
        stats = {"cases": len(crns), "fresh": len(crns) - len(missing),
                 "computed": len(missing), "stored": 0, "pruned": 0, "workers": 0}
        if missing:
            with self._turns:
                computed = summary.compute(self.engine, missing, today, calendar, book,
                                           workers=workers, progress=progress,
                                           in_memory=self.target.is_memory)
            stats["workers"] = computed.workers
        else:
            computed = None

        def work(s: Session) -> None:
            conn = s.connection()
            if computed is not None:
                stats["stored"] = summary.write_back(conn, computed)
            if prune:
                stats["pruned"] = summary.prune(conn, today)

        self.writing(work)
        return stats


def _assemble(name: str, today: date, members: list[str], owner: dict[str, str],
              ids: dict[str, int], found: dict[int, Any]) -> TeamDue:
    """The team's due list from one summary per case (``store/summary.Summary``)."""
    grouped: dict[str, list[str]] = {label: [] for label in members}
    for crn in owner:                                   # CRN order
        grouped.setdefault(owner[crn], []).append(crn)
    result = TeamDue(name, today)
    overdue: list[Any] = []
    for label in sorted(grouped, key=lambda k: (k.startswith("("), k.casefold())):
        line = OfficerDue(label, cases=len(grouped[label]), crns=grouped[label])
        for crn in grouped[label]:
            s = found[ids[crn]]
            if s.error is not None:
                result.skipped.append(s.error)
                continue
            line.overdue += s.overdue
            line.due_soon += s.due_soon
            line.due += s.due
            if s.overdue:
                line.overdue_cases += 1
                overdue.extend(s.items)
        result.officers.append(line)
    overdue.sort(key=lambda i: (i.due, i.crn, i.rule))
    result.overdue_items = overdue
    return result


def _server_user(engine: sa.Engine) -> str | None:
    """The database role (``current_user``): office mode's login when no --officer is given."""
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT current_user")).scalar()
    except Exception:  # noqa: BLE001 - the open that follows reports the real problem
        return None


__all__ = ["OfficeStore", "PermissionDenied", "TeamDue", "OfficerDue", "load_directory",
           "READ", "LOOKUP"]

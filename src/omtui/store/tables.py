"""The database tables (SQLModel, ``table=True``).

These classes are the storage shape only; repositories turn them into the domain dataclasses
(``omtui.domain.case``). Column types are spelled out with plain SQLAlchemy types so that the
Alembic migrations import nothing but SQLAlchemy and run the same on SQLite and PostgreSQL.

Every table that an officer edits has a ``version`` integer, bumped on each update (optimistic
locking: an update states the version it read; see ``repository.SqlStore.save_case``).

Changing a table here needs a new migration in ``store/migrations/versions`` (a test compares
the migrated schema with these models).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

#: Named constraints, so migrations can alter them on every database (SQLite batch mode too).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON that stores an empty value as SQL NULL (keeps the file small: most rows have no extra).
JSONValue = sa.JSON(none_as_null=True)

#: Ordered list of tables holding case data (audited, exported, counted).
CASE_DATA_TABLES = ("cases", "requirements", "events", "plan_objectives", "induction_items",
                    "enforcement_actions", "explanations", "sentence_plans", "induction_records")


def _version() -> Any:
    return Field(default=1, sa_type=sa.Integer, nullable=False)


class OfficerRow(SQLModel, table=True):
    """A user of omtui (offender manager, duty officer, team manager, trainer)."""

    __tablename__ = "officers"

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(sa_type=sa.String(200), nullable=False, unique=True)
    display_name: Optional[str] = Field(default=None, sa_type=sa.String(200))
    role: str = Field(default="offender_manager", sa_type=sa.String(40), nullable=False)
    team: Optional[str] = Field(default=None, sa_type=sa.String(200))
    created_at: str = Field(sa_type=sa.String(40), nullable=False)
    version: int = _version()
    #: Added by ``omtui officer add`` (office mode, migration 0003; see store/roles.py). Rows
    #: created only because someone wrote under that name are not registered.
    registered: bool = Field(default=False, sa_type=sa.Boolean, nullable=False,
                             sa_column_kwargs={"server_default": sa.false()})


class TeamRow(SQLModel, table=True):
    """A team of officers (office mode, migration 0003). A training team holds training data."""

    __tablename__ = "teams"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_type=sa.String(200), nullable=False, unique=True)
    training: bool = Field(default=False, sa_type=sa.Boolean, nullable=False,
                           sa_column_kwargs={"server_default": sa.false()})
    created_at: str = Field(sa_type=sa.String(40), nullable=False)
    version: int = _version()


class CaseRow(SQLModel, table=True):
    """The facts of one case (one person on one order)."""

    __tablename__ = "cases"

    id: Optional[int] = Field(default=None, primary_key=True)
    crn: str = Field(sa_type=sa.String(7), nullable=False, unique=True)
    name: str = Field(sa_type=sa.String(200), nullable=False)
    order_type: str = Field(sa_type=sa.String(20), nullable=False)
    sentence_date: dt.date = Field(sa_type=sa.Date, nullable=False)
    tier: int = Field(sa_type=sa.Integer, nullable=False)
    rosh: str = Field(sa_type=sa.String(20), nullable=False)
    ppo: bool = Field(sa_type=sa.Boolean, nullable=False)
    gender: Optional[str] = Field(default=None, sa_type=sa.String(20))
    dob: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    mappa_category: Optional[int] = Field(default=None, sa_type=sa.Integer)
    mappa_level: Optional[int] = Field(default=None, sa_type=sa.Integer)
    release_date: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    custody_months: Optional[int] = Field(default=None, sa_type=sa.Integer)
    time_to_serve_months: Optional[int] = Field(default=None, sa_type=sa.Integer)
    start_date: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    end_date: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    om: Optional[str] = Field(default=None, sa_type=sa.String(200), index=True)
    flags: Optional[list] = Field(default=None, sa_type=JSONValue)
    extra: Optional[dict] = Field(default=None, sa_type=JSONValue)
    version: int = _version()


class RequirementRow(SQLModel, table=True):
    """One requirement of a case's order, in the order given."""

    __tablename__ = "requirements"
    __table_args__ = (sa.UniqueConstraint("case_id", "kind", name="uq_requirements_case_kind"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=sa.Integer, foreign_key="cases.id", nullable=False, index=True)
    position: int = Field(sa_type=sa.Integer, nullable=False)
    kind: str = Field(sa_type=sa.String(40), nullable=False)
    version: int = _version()


class EventRow(SQLModel, table=True):
    """One dated event of a case: contacts (and appointments: a contact with a future date and
    no outcome), explanations, warnings, breach and recall, reviews...

    ``seq`` keeps the order of the case's events as given. A contact's time, contact type and
    detailed outcome live in their own columns (interchange keys ``time``, ``contact_type``,
    ``outcome_detail``); any other extra key is kept in ``extra``.
    """

    __tablename__ = "events"
    __table_args__ = (sa.UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
                      sa.Index("ix_events_case_date", "case_id", "date"))

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=sa.Integer, foreign_key="cases.id", nullable=False)
    seq: int = Field(sa_type=sa.Integer, nullable=False)
    type: str = Field(sa_type=sa.String(40), nullable=False)
    date: dt.date = Field(sa_type=sa.Date, nullable=False)
    outcome: Optional[str] = Field(default=None, sa_type=sa.String(40))
    for_date: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    acceptable: Optional[bool] = Field(default=None, sa_type=sa.Boolean)
    reason: Optional[str] = Field(default=None, sa_type=sa.Text)
    until: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    note: Optional[str] = Field(default=None, sa_type=sa.Text)
    contact_time: Optional[str] = Field(default=None, sa_type=sa.Text)
    contact_type: Optional[str] = Field(default=None, sa_type=sa.Text)
    outcome_detail: Optional[str] = Field(default=None, sa_type=sa.Text)
    extra: Optional[dict] = Field(default=None, sa_type=JSONValue)
    version: int = _version()


class PlanObjectiveRow(SQLModel, table=True):
    """A sentence plan objective (the plan builder, a later issue)."""

    __tablename__ = "plan_objectives"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=sa.Integer, foreign_key="cases.id", nullable=False, index=True)
    position: int = Field(sa_type=sa.Integer, nullable=False)
    need: Optional[str] = Field(default=None, sa_type=sa.String(80))
    text: str = Field(sa_type=sa.Text, nullable=False)
    target_date: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    status: str = Field(default="open", sa_type=sa.String(40), nullable=False)
    extra: Optional[dict] = Field(default=None, sa_type=JSONValue)
    version: int = _version()


class InductionItemRow(SQLModel, table=True):
    """One item of a case's induction checklist."""

    __tablename__ = "induction_items"
    __table_args__ = (sa.UniqueConstraint("case_id", "item_key", name="uq_induction_case_item"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=sa.Integer, foreign_key="cases.id", nullable=False)
    item_key: str = Field(sa_type=sa.String(80), nullable=False)
    done_on: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    note: Optional[str] = Field(default=None, sa_type=sa.Text)
    ticked: bool = Field(default=False, sa_type=sa.Boolean, nullable=False,
                         sa_column_kwargs={"server_default": sa.false()})      # migration 0002
    version: int = _version()


class SentencePlanRow(SQLModel, table=True):
    """A case's sentence plan (its objectives are ``plan_objectives`` rows). Migration 0002."""

    __tablename__ = "sentence_plans"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=sa.Integer, foreign_key="cases.id", nullable=False, unique=True)
    review_date: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    review_reason: Optional[str] = Field(default=None, sa_type=sa.Text)
    contact_pattern: Optional[str] = Field(default=None, sa_type=sa.Text)
    completed_on: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    interim: bool = Field(default=False, sa_type=sa.Boolean, nullable=False)
    extra: Optional[dict] = Field(default=None, sa_type=JSONValue)
    version: int = _version()


class InductionRecordRow(SQLModel, table=True):
    """A case's induction: the date recorded and by whom (items: ``induction_items``). 0002."""

    __tablename__ = "induction_records"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=sa.Integer, foreign_key="cases.id", nullable=False, unique=True)
    date_recorded: Optional[dt.date] = Field(default=None, sa_type=sa.Date)
    recorded_by: Optional[str] = Field(default=None, sa_type=sa.String(200))
    version: int = _version()


class EnforcementActionRow(SQLModel, table=True):
    """Details of an enforcement step (warning letter, breach, recall) beyond its event.

    The dated fact itself is the event (type warning / breach_initiated / recall_initiated),
    which the rules engine reads; this row holds what the enforcement screen adds.
    """

    __tablename__ = "enforcement_actions"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=sa.Integer, foreign_key="cases.id", nullable=False, index=True)
    event_id: Optional[int] = Field(
        default=None, sa_type=sa.Integer, foreign_key="events.id", ondelete="SET NULL")
    kind: str = Field(sa_type=sa.String(40), nullable=False)
    action_date: dt.date = Field(sa_type=sa.Date, nullable=False)
    authorised_by: Optional[str] = Field(default=None, sa_type=sa.String(200))
    status: str = Field(default="open", sa_type=sa.String(40), nullable=False)
    detail: Optional[dict] = Field(default=None, sa_type=JSONValue)
    version: int = _version()


class ExplanationRow(SQLModel, table=True):
    """Details of an explanation for a failure to comply, beyond its explanation event."""

    __tablename__ = "explanations"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(sa_type=sa.Integer, foreign_key="cases.id", nullable=False, index=True)
    event_id: Optional[int] = Field(default=None, sa_type=sa.Integer,
                                    foreign_key="events.id", ondelete="SET NULL")
    ftc_event_id: Optional[int] = Field(default=None, sa_type=sa.Integer,
                                        foreign_key="events.id", ondelete="SET NULL")
    evidence: Optional[str] = Field(default=None, sa_type=sa.Text)
    decided_by: Optional[str] = Field(default=None, sa_type=sa.String(200))
    version: int = _version()


class DueSummaryRow(SQLModel, table=True):
    """A case's due counts and open overdue items as of one day (migration 0005): derived data,
    not case data (not audited, not exported). Deleted by every write to the case; valid only
    for ``as_of`` with the rule book and calendar fingerprinted. See ``store/summary.py``."""

    __tablename__ = "due_summaries"

    case_id: int = Field(sa_type=sa.Integer, primary_key=True,
                         sa_column_kwargs={"autoincrement": False},
                         foreign_key="cases.id", ondelete="CASCADE")
    case_version: int = Field(sa_type=sa.Integer, nullable=False)
    as_of: dt.date = Field(sa_type=sa.Date, nullable=False)
    book: str = Field(sa_type=sa.String(64), nullable=False)
    calendar: str = Field(sa_type=sa.String(64), nullable=False)
    overdue: int = Field(sa_type=sa.Integer, nullable=False)
    due_soon: int = Field(sa_type=sa.Integer, nullable=False)
    due: int = Field(sa_type=sa.Integer, nullable=False)
    error: Optional[str] = Field(default=None, sa_type=sa.Text)
    overdue_items: Optional[str] = Field(default=None, sa_type=sa.Text)
    computed_at: str = Field(sa_type=sa.String(40), nullable=False)


class EventPackRow(SQLModel, table=True):
    """A case's events as one text (migration 0006; ``store/event_rows.py`` says the format):
    what a cold team due list reads instead of the case's event rows. Derived data, like
    ``due_summaries``: deleted by every write to the case in the same transaction, written by
    the importer and by the next due list that reads the case's rows; not audited, not
    exported. The ``events`` rows stay the record."""

    __tablename__ = "event_packs"

    case_id: int = Field(sa_type=sa.Integer, primary_key=True,
                         sa_column_kwargs={"autoincrement": False},
                         foreign_key="cases.id", ondelete="CASCADE")
    format: int = Field(sa_type=sa.Integer, nullable=False)
    pack: str = Field(sa_type=sa.Text, nullable=False)


class AuditRow(SQLModel, table=True):
    """One change to case data. Append-only; each row carries the hash of the one before."""

    __tablename__ = "audit_log"

    seq: int = Field(sa_type=sa.Integer, primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: str = Field(sa_type=sa.String(40), nullable=False)
    officer: str = Field(sa_type=sa.String(200), nullable=False)
    action: str = Field(sa_type=sa.String(20), nullable=False)
    table_name: str = Field(sa_type=sa.String(60), nullable=False)
    record_key: str = Field(sa_type=sa.String(200), nullable=False)
    crn: Optional[str] = Field(default=None, sa_type=sa.String(7), index=True)
    old: Optional[str] = Field(default=None, sa_type=sa.Text)
    new: Optional[str] = Field(default=None, sa_type=sa.Text)
    prev_hash: str = Field(sa_type=sa.String(64), nullable=False)
    hash: str = Field(sa_type=sa.String(64), nullable=False)


class AuditHeadRow(SQLModel, table=True):
    """The chain's head: one row, locked by every writer so chained rows never fork.

    ``SELECT ... FOR UPDATE`` on this row serialises audit writers on PostgreSQL; on SQLite
    the write transaction (BEGIN IMMEDIATE) already does.
    """

    __tablename__ = "audit_head"

    id: int = Field(sa_type=sa.Integer, primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = Field(sa_type=sa.Integer, nullable=False)
    last_hash: str = Field(sa_type=sa.String(64), nullable=False)


def metadata() -> sa.MetaData:
    return SQLModel.metadata

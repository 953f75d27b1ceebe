"""Induction: the checklist of what must be explained and offered, and when it is complete.

The checklist is data (``omtui/data/induction-checklist.toml``, office-overridable); this module
parses and validates its text, evaluates which items apply to a case, keeps the officer's record
(ticks, a note per item, the date) and says what is still missing. It also prompts re-induction
after 4 weeks without contact, a transfer in or a change of offender manager (NS 2c.7 guidance).

Pure: no file reading, no ``date.today()``; the caller passes the text, the case and today.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from omtui.domain.case import Case, ContactOutcome, Event, EventType
from omtui.domain.caseformat import parse_date
from omtui.domain.rules.conditions import Condition, ConditionError, parse_condition
from omtui.domain.rules.evaluate import CaseView

GROUPS = ("explain", "offer", "barrier")
GROUP_LABELS = {"explain": "Explained and recorded", "offer": "Offers and communication needs",
                "barrier": "Barriers to engagement"}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MAX_NOTE_LENGTH = 20_000

#: NS 2c.7 guidance: obligations are reinforced after periods with no contact (benchmark 4 weeks).
NO_CONTACT_BENCHMARK = timedelta(weeks=4)


class ChecklistError(ValueError):
    """A checklist file that cannot be used. ``problems`` name the file, item and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__("; ".join(problems[:5]) + more)


# -- conditions: the rules engine's language ("gender == female", "order in [licence, PSS]") ----

def case_facts(case: Case, today: date) -> Mapping[str, Any]:
    """The facts an ``applies_when`` condition reads (the same facts as the rule packs)."""
    return CaseView(case, today).facts


# -- the checklist --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    source: str
    group: str
    required: bool
    applies_when: Condition | None = None
    hint: str = ""

    def applies_to(self, case: Case, today: date) -> bool:
        return self.applies_when is None or self.applies_when(case_facts(case, today))

    def applies_with(self, facts: Mapping[str, Any]) -> bool:
        return self.applies_when is None or self.applies_when(facts)


@dataclass(frozen=True)
class Checklist:
    items: tuple[ChecklistItem, ...]
    where: str = ""                        # file the checklist came from (status line, errors)

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def applicable(self, case: Case, today: date) -> tuple[ChecklistItem, ...]:
        """The items that apply to the case as of ``today`` (facts computed once)."""
        facts = case_facts(case, today)
        return tuple(i for i in self.items if i.applies_with(facts))


_ITEM_KEYS = {"id", "text", "source", "group", "required", "applies_when", "hint"}


def parse_checklist(text: str, where: str = "induction checklist") -> Checklist:
    """The checklist in ``text`` (TOML). Raises :class:`ChecklistError` listing every problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError([f"{where}: not valid TOML: {exc}"]) from None
    problems: list[str] = []
    unknown = set(doc) - {"item", "version"}
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (expected [[item]] tables)")
    raw_items = doc.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(f"{where}: no [[item]] entries")
        raise ChecklistError(problems)
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_items, start=1):
        label = f"{where}: item {n}"
        if not isinstance(raw, dict):
            problems.append(f"{label}: must be a table")
            continue
        item_id = raw.get("id")
        if isinstance(item_id, str) and item_id:
            label = f"{where}: item {n} ({item_id})"
        bad = len(problems)
        for key in sorted(set(raw) - _ITEM_KEYS):
            problems.append(f"{label}: unknown field {key!r}")
        if not isinstance(item_id, str) or not _ID.fullmatch(item_id):
            problems.append(f"{label}: id: must be letters, digits, '-' or '_' (got {item_id!r})")
        elif item_id in seen:
            problems.append(f"{label}: id: {item_id!r} is used twice")
        for key in ("text", "source"):
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{label}: {key}: is missing or empty")
        group = raw.get("group")
        if group not in GROUPS:
            problems.append(f"{label}: group: must be one of {', '.join(GROUPS)} (got {group!r})")
        required = raw.get("required")
        if not isinstance(required, bool):
            problems.append(f"{label}: required: must be true or false (got {required!r})")
        hint = raw.get("hint", "")
        if not isinstance(hint, str):
            problems.append(f"{label}: hint: must be text")
        condition = None
        if "applies_when" in raw:
            try:
                condition = parse_condition(raw["applies_when"])
            except ConditionError as exc:
                problems.append(f"{label}: applies_when: {exc} in {exc.text!r}")
        if len(problems) > bad:
            continue
        seen.add(item_id)
        items.append(ChecklistItem(id=item_id, text=raw["text"].strip(), source=raw["source"].strip(),
                                   group=group, required=required, applies_when=condition,
                                   hint=hint.strip()))
    if problems:
        raise ChecklistError(problems)
    return Checklist(tuple(items), where)


# -- the officer's record -------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemEntry:
    ticked: bool = False
    note: str = ""


@dataclass(frozen=True)
class InductionRecord:
    """What the officer recorded at the induction. Entries for unknown ids are kept, not lost."""

    crn: str
    entries: Mapping[str, ItemEntry] = field(default_factory=dict)
    date_recorded: date | None = None
    recorded_by: str | None = None

    def entry(self, item_id: str) -> ItemEntry:
        return self.entries.get(item_id, ItemEntry())

    def is_ticked(self, item_id: str) -> bool:
        return self.entry(item_id).ticked

    def toggled(self, item_id: str) -> InductionRecord:
        old = self.entry(item_id)
        return replace(self, entries={**self.entries, item_id: replace(old, ticked=not old.ticked)})

    def with_note(self, item_id: str, note: str) -> InductionRecord:
        return replace(self, entries={**self.entries, item_id: replace(self.entry(item_id), note=note)})

    def with_date(self, day: date | None, by: str | None = None) -> InductionRecord:
        return replace(self, date_recorded=day, recorded_by=by if by is not None else self.recorded_by)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "omtui-induction", "version": 1, "crn": self.crn,
            "date": self.date_recorded.isoformat() if self.date_recorded else None,
            "recorded_by": self.recorded_by,
            "items": {k: {"ticked": e.ticked, "note": e.note} for k, e in sorted(self.entries.items())},
        }


def record_from_dict(data: Any) -> tuple[InductionRecord | None, list[str]]:
    """An :class:`InductionRecord` from its JSON shape, or ``None`` and the problems (field: reason)."""
    if not isinstance(data, Mapping):
        return None, ["record: must be an object"]
    problems: list[str] = []
    crn = data.get("crn")
    if not isinstance(crn, str) or not crn.strip():
        problems.append("crn: is missing")
    day = None
    if data.get("date") is not None:
        try:
            day = parse_date(data["date"])
        except ValueError as exc:
            problems.append(f"date: {exc}")
    by = data.get("recorded_by")
    if by is not None and not isinstance(by, str):
        problems.append("recorded_by: must be text")
    entries: dict[str, ItemEntry] = {}
    raw_items = data.get("items", {})
    if not isinstance(raw_items, Mapping):
        problems.append("items: must be an object of id -> {ticked, note}")
        raw_items = {}
    for key, raw in raw_items.items():
        if not isinstance(raw, Mapping):
            problems.append(f"items.{key}: must be an object with ticked and note")
            continue
        ticked, note = raw.get("ticked", False), raw.get("note", "")
        if not isinstance(ticked, bool):
            problems.append(f"items.{key}.ticked: must be true or false")
            continue
        if not isinstance(note, str):
            problems.append(f"items.{key}.note: must be text")
            continue
        if len(note) > MAX_NOTE_LENGTH:
            problems.append(f"items.{key}.note: is {len(note)} characters long (at most {MAX_NOTE_LENGTH})")
            continue
        entries[str(key)] = ItemEntry(ticked, note)
    if problems:
        return None, problems
    return InductionRecord(crn.strip(), entries, day, by), []


# -- completion ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InductionStatus:
    done: bool
    applicable: tuple[ChecklistItem, ...]
    missing: tuple[ChecklistItem, ...]          # applicable required items not ticked
    date_missing: bool
    future_date: bool                           # date recorded after today
    unknown_ids: tuple[str, ...]                # ticked ids the checklist no longer has

    @property
    def required_count(self) -> int:
        return sum(1 for i in self.applicable if i.required)

    @property
    def ticked_required(self) -> int:
        return self.required_count - len(self.missing)

    def summary(self) -> str:
        parts = [f"{self.ticked_required}/{self.required_count} required items ticked"]
        if self.date_missing:
            parts.append("no date recorded")
        if self.future_date:
            parts.append("the date recorded is in the future")
        parts.append("induction complete" if self.done else "induction not complete")
        return "; ".join(parts)

    def missing_lines(self) -> list[str]:
        lines = [f"not ticked: {i.text} ({i.source})" for i in self.missing]
        if self.date_missing:
            lines.append("no induction date recorded")
        if self.future_date:
            lines.append("the induction date is after today")
        return lines


def induction_status(case: Case, record: InductionRecord, checklist: Checklist,
                     today: date) -> InductionStatus:
    """Done when every applicable required item is ticked and a date (not after today) is recorded."""
    applicable = checklist.applicable(case, today)
    missing = tuple(i for i in applicable if i.required and not record.is_ticked(i.id))
    known = {i.id for i in checklist.items}
    unknown = tuple(sorted(k for k, e in record.entries.items() if e.ticked and k not in known))
    date_missing = record.date_recorded is None
    future = record.date_recorded is not None and record.date_recorded > today
    return InductionStatus(done=not missing and not date_missing and not future,
                           applicable=applicable, missing=missing, date_missing=date_missing,
                           future_date=future, unknown_ids=unknown)


def completion_event(status: InductionStatus, record: InductionRecord, *,
                     reinduction: bool = False) -> Event | None:
    """The ``induction_completed`` event that completes the induction due item (None if not done)."""
    if not status.done or record.date_recorded is None:
        return None
    what = "re-induction" if reinduction else "induction"
    note = f"{what}: {status.ticked_required}/{status.required_count} required items ticked"
    extra = {"reinduction": True} if reinduction else {}
    return Event(EventType.INDUCTION_COMPLETED, record.date_recorded, note=note, extra=extra)


# -- re-induction prompts ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReinductionPrompt:
    reason: str                 # no_contact | transfer_in | om_changed
    title: str
    source: str
    since: date                 # the event (or the 4-week point) that triggered it
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"reason": self.reason, "title": self.title, "source": self.source,
                "since": self.since.isoformat(), "detail": self.detail}


def _contacts(case: Case, today: date) -> list[date]:
    return sorted({e.date for e in case.events_of(EventType.CONTACT)
                   if e.outcome is ContactOutcome.ATTENDED and e.date <= today})


def reinduction_prompts(case: Case, today: date) -> list[ReinductionPrompt]:
    """Why obligations should be explained again (NS 2c.7 guidance), unless an induction since.

    An ``induction_completed`` event on or after the trigger date satisfies a prompt. A period
    without contact counts when 4 weeks (28 days) or more separate two attended contacts, or the
    last attended contact and today; only periods after the last induction count.
    """
    inductions = [e.date for e in case.events_of(EventType.INDUCTION_COMPLETED) if e.date <= today]
    last_induction = inductions[-1] if inductions else None

    def satisfied(since: date) -> bool:
        return last_induction is not None and last_induction >= since

    prompts: list[ReinductionPrompt] = []
    contacts = _contacts(case, today)
    if last_induction is not None:          # the induction meeting is itself a contact
        contacts = sorted({d for d in contacts if d >= last_induction} | {last_induction})
    gap: tuple[date, date | None] | None = None
    points = contacts + [None]
    for earlier, later in zip(points, points[1:]):
        end = later if later is not None else today
        if end - earlier >= NO_CONTACT_BENCHMARK:
            gap = (earlier, later)
    if gap is not None:
        earlier, later = gap
        since = earlier + NO_CONTACT_BENCHMARK
        if not satisfied(since):
            if later is None:
                days = (today - earlier).days
                detail = (f"no contact since {earlier.isoformat()} ({days} days); reinforce the "
                          "obligations at the next contact")
            else:
                detail = (f"no contact from {earlier.isoformat()} to {later.isoformat()} "
                          f"({(later - earlier).days} days); reinforce the obligations")
            prompts.append(ReinductionPrompt(
                "no_contact", "Re-induction: 4 weeks or more without contact",
                "NS 2c.7 (guidance: benchmark 4 weeks)", since, detail))
    for kind, title, source in (
        (EventType.TRANSFER_IN, "Re-induction after a transfer in", "NS 2c.7 (guidance); HMIP D.2.2.28"),
        (EventType.OM_CHANGED, "Re-induction after a change of offender manager", "NS 2c.7 (guidance)"),
    ):
        last = case.last_event(kind, on_or_before=today)
        if last is not None and not satisfied(last.date):
            prompts.append(ReinductionPrompt(
                kind.value, title, source, last.date,
                f"{kind.label} on {last.date.isoformat()}; no induction recorded since"))
    return sorted(prompts, key=lambda p: p.since)


def checklist_to_dicts(items: Iterable[ChecklistItem]) -> list[dict[str, Any]]:
    """The items as JSON-able dicts (for --json output and the screens' tests)."""
    return [{"id": i.id, "text": i.text, "source": i.source, "group": i.group,
             "required": i.required,
             "applies_when": i.applies_when.text if i.applies_when else None, "hint": i.hint}
            for i in items]

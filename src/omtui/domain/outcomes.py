"""Contact types, absence reasons and contact outcomes, as data, and the contact events they make.

The taxonomy lives in ``omtui/data/contact-outcomes.toml`` (an office may override it); this
module validates it from an already-decoded dict (or TOML text) and turns what the officer picked
into exactly the case-format event:

* ``type = "contact"``, ``date``, ``outcome`` (one of the case format's four) and ``note``;
* ``extra``: ``outcome_detail`` (the taxonomy's outcome code), ``absence_reason`` (a reason
  code, when given), ``contact_type``, ``time`` (``"HH:MM"``) and ``duration_minutes``.

An appointment is the same event with no outcome yet; recording its outcome keeps everything
else about it (:func:`record_outcome`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, time
from enum import StrEnum
from typing import Any

from omtui.domain.case import ContactOutcome, Event, EventType
from omtui.domain.entry import (
    EntryError,
    format_entry_time,
    parse_entry_date,
    parse_entry_duration,
    parse_entry_time,
    parse_stored_time,
)

#: Extra fields of a contact event (the case format keeps them in the event's object).
DETAIL = "outcome_detail"
ABSENCE_REASON = "absence_reason"
CONTACT_TYPE = "contact_type"
TIME = "time"
DURATION = "duration_minutes"

#: The longest appointment omtui accepts (a full day's unpaid work session).
MAX_DURATION_MINUTES = 12 * 60

_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_TOP_KEYS = {"version", "contact_type", "absence_reason", "outcome"}
_ITEM_KEYS = {"code", "label", "key"}
_OUTCOME_KEYS = _ITEM_KEYS | {"outcome", "reason", "source", "why", "judged"}


class TaxonomyError(ValueError):
    """A contact-outcomes file that cannot be used; lists every problem found."""

    def __init__(self, where: str, problems: list[str]):
        self.where, self.problems = where, problems
        shown = "; ".join(problems[:5]) + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else "")
        super().__init__(f"{where}: {shown}")


class ContactError(ValueError):
    """A contact that cannot be recorded as entered; the message says which field and why."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class ReasonRule(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class Choice:
    """A contact type or an absence reason."""

    code: str
    label: str
    key: str | None = None


@dataclass(frozen=True)
class OutcomeKind:
    """One outcome of the service's taxonomy and what it counts as."""

    code: str
    label: str
    outcome: ContactOutcome
    reason: ReasonRule
    source: str
    why: str = ""
    key: str | None = None
    #: The officer judged the reason when recording the absence (``judged = "unacceptable"``):
    #: the explanation is already in and judged, so the next enforcement step is what is due.
    judged_unacceptable: bool = False

    @property
    def is_ftc(self) -> bool:
        return self.outcome is ContactOutcome.FTC

    @property
    def counts_as_contact(self) -> bool:
        """Whether it counts towards the contact level (the case format's ``attended``)."""
        return self.outcome is ContactOutcome.ATTENDED


@dataclass(frozen=True)
class OutcomeTaxonomy:
    contact_types: tuple[Choice, ...]
    absence_reasons: tuple[Choice, ...]
    outcomes: tuple[OutcomeKind, ...]
    where: str = ""

    # -- look-ups (by code, or by the one-key shortcut) -------------------------------------
    @staticmethod
    def _find(items, code: str, what: str, field: str):
        for item in items:
            if item.code == code:
                return item
        for item in items:
            if item.key is not None and item.key == code:
                return item
        allowed = ", ".join(i.code for i in items)
        raise ContactError(field, f"{code!r} is not a {what}: use one of {allowed}")

    def contact_type(self, code: str) -> Choice:
        return self._find(self.contact_types, code, "contact type", "contact_type")

    def absence_reason(self, code: str) -> Choice:
        return self._find(self.absence_reasons, code, "reason for absence", "reason")

    def outcome(self, code: str) -> OutcomeKind:
        return self._find(self.outcomes, code, "contact outcome", "outcome")

    def outcome_of(self, event: Event) -> OutcomeKind | None:
        """The taxonomy outcome of a recorded contact, from its ``outcome_detail`` code.

        None for an appointment, and for a contact whose ``outcome_detail`` is missing, not a
        code of this taxonomy, or disagrees with its case-format outcome (the case-format
        outcome alone then describes it: see :meth:`describe`).
        """
        if event.outcome is None:
            return None
        detail = event.extra.get(DETAIL)
        for kind in self.outcomes:
            if kind.code == detail and kind.outcome is event.outcome:
                return kind
        return None

    def judgement_of(self, contact: Event) -> Event | None:
        """The explanation already judged when ``contact`` was recorded (an outcome with
        ``judged = "unacceptable"``): an ``explanation`` event for the failure, not acceptable,
        on the same day, giving the reason for absence. None for every other contact."""
        kind = self.outcome_of(contact)
        if kind is None or not kind.judged_unacceptable:
            return None
        code = contact.extra.get(ABSENCE_REASON)
        reason = next((r.label for r in self.absence_reasons if r.code == code), code)
        said = f"reason given: {reason}" if reason else "no reason given"
        return Event(EventType.EXPLANATION, contact.date, for_date=contact.date, acceptable=False,
                     reason=f"{kind.label} ({said}), judged not acceptable when recorded")

    # -- making events ---------------------------------------------------------------------
    def make_contact_event(
        self,
        day: date,
        at: time | None,
        contact_type: str,
        outcome_code: str | None,
        reason: str | None = None,
        note: str | None = None,
        *,
        duration_minutes: int | None = None,
        today: date | None = None,
    ) -> Event:
        """The case-format contact event for what the officer entered (see the module text).

        ``outcome_code`` None makes an appointment. With ``today`` given, an outcome for a
        date after today is refused (it has not happened yet).
        """
        if not isinstance(day, date):
            raise ContactError("date", f"{day!r} is not a date")
        ctype = self.contact_type(contact_type)
        extra: dict[str, Any] = {CONTACT_TYPE: ctype.code}
        if at is not None:
            if not isinstance(at, time):
                raise ContactError("time", f"{at!r} is not a time of day")
            extra[TIME] = format_entry_time(at)
        if duration_minutes is not None:
            extra[DURATION] = check_duration(duration_minutes)
        outcome = None
        if outcome_code is None:
            if reason:
                raise ContactError("reason", "a reason for absence goes with an outcome: "
                                   "choose the outcome first")
        else:
            kind = self.outcome(outcome_code)
            if today is not None and day > today:
                raise ContactError("date", f"{day.isoformat()} is after today "
                                   f"({today.isoformat()}): an outcome can only be recorded for "
                                   "a contact that has happened; arrange it as an appointment")
            outcome = kind.outcome
            extra[DETAIL] = kind.code
            reason = reason.strip() if isinstance(reason, str) else reason
            if reason:
                if kind.reason is ReasonRule.NONE:
                    raise ContactError("reason", f"{kind.label} takes no reason for absence")
                extra[ABSENCE_REASON] = self.absence_reason(reason).code
            elif kind.reason is ReasonRule.REQUIRED:
                allowed = ", ".join(r.label for r in self.absence_reasons)
                raise ContactError("reason", f"{kind.label} needs a reason: {allowed}")
        return Event(EventType.CONTACT, day, outcome, note=clean_note(note), extra=extra)

    def record_outcome(self, appointment: Event, outcome_code: str, reason: str | None = None,
                       note: str | None = None, *, today: date | None = None) -> Event:
        """The appointment with its outcome recorded; its time, type, duration and any other
        fields are kept. A new note is added below the appointment's own note."""
        if appointment.type is not EventType.CONTACT:
            raise ContactError("outcome", f"a {appointment.type.label} event has no outcome")
        if appointment.outcome is not None:
            raise ContactError("outcome", f"the contact on {appointment.date.isoformat()} "
                               "already has an outcome")
        # Only the outcome and reason are checked here: the appointment's own time, type and
        # length are kept as they are (an imported one may use a type this office lacks).
        made = self.make_contact_event(appointment.date, None, self.contact_types[0].code,
                                       outcome_code, reason, None, today=today)
        extra = {k: v for k, v in appointment.extra.items() if k != ABSENCE_REASON}
        extra[DETAIL] = made.extra[DETAIL]
        if ABSENCE_REASON in made.extra:
            extra[ABSENCE_REASON] = made.extra[ABSENCE_REASON]
        new_note = clean_note(note)
        notes = [n for n in (appointment.note, new_note) if n]
        return replace(appointment, outcome=made.outcome, note="\n".join(notes) or None,
                       extra=extra)

    def describe(self, event: Event) -> str:
        """One line for the contact log: ``09:30 Office – Acceptable absence (Medical)``."""
        parts = []
        if event.extra.get(TIME):
            parts.append(str(event.extra[TIME]))
        code = event.extra.get(CONTACT_TYPE)
        ctype = next((c for c in self.contact_types if c.code == code), None)
        parts.append(ctype.label if ctype else str(code or "contact"))
        kind = self.outcome_of(event)
        if event.outcome is None:
            text = " ".join(parts) + " – arranged"
        else:
            label = kind.label if kind else event.outcome.label.capitalize()
            text = " ".join(parts) + f" – {label}"
            reason_code = event.extra.get(ABSENCE_REASON)
            if reason_code:
                reason = next((r for r in self.absence_reasons if r.code == reason_code), None)
                text += f" ({reason.label if reason else reason_code})"
        return text


def make_contact_event(day: date, at: time | None, contact_type: str, outcome_code: str | None,
                       reason: str | None = None, note: str | None = None, *,
                       taxonomy: OutcomeTaxonomy, duration_minutes: int | None = None,
                       today: date | None = None) -> Event:
    """Module-level form of :meth:`OutcomeTaxonomy.make_contact_event`."""
    return taxonomy.make_contact_event(day, at, contact_type, outcome_code, reason, note,
                                       duration_minutes=duration_minutes, today=today)


def clean_note(note: str | None) -> str | None:
    """A note as stored: any length, kept as typed, minus NUL characters; blank is None."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise ContactError("note", "the note must be text")
    note = note.replace("\x00", "")
    return note if note.strip() else None


def check_duration(minutes: Any) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ContactError("duration", f"the length {minutes!r} must be a whole number of minutes")
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise ContactError("duration", f"the length {minutes} minutes is outside "
                           f"1-{MAX_DURATION_MINUTES}")
    return minutes


def appointment_time(event: Event) -> time | None:
    """The event's ``time`` field as a time (None when absent or unreadable)."""
    value = event.extra.get(TIME)
    if value is None:
        return None
    try:
        return parse_stored_time(value)
    except ValueError:
        return None


# -- the quick-entry form ---------------------------------------------------------------------

FORM_FIELDS = ("date", "time", "contact_type", "outcome", "reason", "duration", "note")


@dataclass(frozen=True)
class FormResult:
    """The contact event made from a form, or the message for each field that is wrong."""

    event: Event | None
    errors: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return self.event is not None


def contact_from_form(form: Mapping[str, str | None], taxonomy: OutcomeTaxonomy,
                      today: date) -> FormResult:
    """Everything the officer typed in the quick-entry form, checked field by field.

    Fields (all text, as typed; missing or blank as noted): ``date`` (blank: today; a year left
    out means the latest such date not after today), ``time`` (optional), ``contact_type`` and
    ``outcome`` (a code or its one key; a blank outcome arranges an appointment, which must be
    today or later), ``reason`` (a reason code or key, when the outcome takes one),
    ``duration`` (optional, e.g. ``45`` or ``1h``), ``note`` (kept as typed). Every field is
    checked, so the form can mark all the wrong ones at once; nothing typed is changed.
    """
    errors: dict[str, str] = {}

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    outcome_code = text("outcome") or None
    day: date | None = today
    if text("date"):
        try:
            day = parse_entry_date(text("date"), today,
                                   no_year="past" if outcome_code else "future")
        except EntryError as exc:
            errors["date"], day = str(exc), None
    at = None
    if text("time"):
        try:
            at = parse_entry_time(text("time"))
        except EntryError as exc:
            errors["time"] = str(exc)
    duration = None
    if text("duration"):
        try:
            duration = parse_entry_duration(text("duration"), max_minutes=MAX_DURATION_MINUTES)
        except EntryError as exc:
            errors["duration"] = str(exc)
    if not text("contact_type"):
        errors["contact_type"] = "choose the type of contact: " + ", ".join(
            c.label for c in taxonomy.contact_types)
    else:
        try:
            taxonomy.contact_type(text("contact_type"))
        except ContactError as exc:
            errors["contact_type"] = str(exc)
    kind = None
    if outcome_code:
        try:
            kind = taxonomy.outcome(outcome_code)
        except ContactError as exc:
            errors["outcome"] = str(exc)
    elif day is not None and day < today:
        errors["outcome"] = (f"{day.isoformat()} is before today: record what happened "
                             "(choose an outcome), or arrange the appointment for today or later")
    reason = text("reason") or None
    if kind is not None:
        if reason and kind.reason is ReasonRule.NONE:
            errors["reason"] = f"{kind.label} takes no reason for absence"
        elif not reason and kind.reason is ReasonRule.REQUIRED:
            errors["reason"] = f"{kind.label} needs a reason: " + ", ".join(
                r.label for r in taxonomy.absence_reasons)
        elif reason:
            try:
                taxonomy.absence_reason(reason)
            except ContactError as exc:
                errors["reason"] = str(exc)
    elif reason and not outcome_code:
        errors["reason"] = "a reason for absence goes with an outcome: choose the outcome first"
    if errors or day is None:
        return FormResult(None, errors)
    try:
        event = taxonomy.make_contact_event(day, at, text("contact_type"), outcome_code, reason,
                                            form.get("note"), duration_minutes=duration,
                                            today=today)
    except ContactError as exc:
        return FormResult(None, {exc.field: str(exc)})
    return FormResult(event, {})


# -- reading the taxonomy ---------------------------------------------------------------------

def _items(doc: Mapping, name: str, keys: set[str], problems: list[str]) -> list[Mapping]:
    raw = doc.get(name)
    if not isinstance(raw, list) or not raw:
        problems.append(f"needs at least one [[{name}]] entry")
        return []
    good = []
    codes: dict[str, int] = {}
    shortcut: dict[str, int] = {}
    for i, item in enumerate(raw, start=1):
        label = f"[[{name}]] entry {i}"
        if not isinstance(item, Mapping):
            problems.append(f"{label}: must be a table")
            continue
        before = len(problems)
        code = item.get("code")
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            problems.append(f"{label}: code {code!r} must be lower-case letters, digits and _")
        elif code in codes:
            problems.append(f"{label}: code {code!r} is already used by entry {codes[code]}")
        else:
            codes[code] = i
            label = f"[[{name}]] {code!r}"
        unknown = set(item) - keys
        if unknown:
            problems.append(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
        if not isinstance(item.get("label"), str) or not item["label"].strip():
            problems.append(f"{label}: needs a label")
        key = item.get("key")
        if key is not None:
            if not isinstance(key, str) or len(key) != 1 or not key.isprintable() or key.isspace():
                problems.append(f"{label}: key {key!r} must be a single character")
            elif key in shortcut:
                problems.append(f"{label}: key {key!r} is already used by entry {shortcut[key]}")
            else:
                shortcut[key] = i
        if len(problems) == before:
            good.append(item)
    return good


def taxonomy_from_dict(doc: Any, where: str = "contact outcomes") -> OutcomeTaxonomy:
    """Validate a decoded contact-outcomes document; raises TaxonomyError listing every problem."""
    problems: list[str] = []
    if not isinstance(doc, Mapping):
        raise TaxonomyError(where, ["must be a table of [[contact_type]], [[absence_reason]] "
                                    "and [[outcome]] entries"])
    if doc.get("version") != 1:
        problems.append(f"version {doc.get('version')!r} is not supported (use version = 1)")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        problems.append(f"unknown section(s) {', '.join(sorted(unknown))}")
    types = _items(doc, "contact_type", _ITEM_KEYS, problems)
    reasons = _items(doc, "absence_reason", _ITEM_KEYS, problems)
    raw_outcomes = _items(doc, "outcome", _OUTCOME_KEYS, problems)
    outcomes: list[OutcomeKind] = []
    allowed_outcomes = ", ".join(o.value for o in ContactOutcome)
    for item in raw_outcomes:
        label = f"[[outcome]] {item['code']!r}"
        before = len(problems)
        try:
            maps_to = ContactOutcome(item.get("outcome"))
        except ValueError:
            problems.append(f"{label}: outcome {item.get('outcome')!r} is not one of "
                            f"{allowed_outcomes}")
        try:
            rule = ReasonRule(item.get("reason", "none"))
        except ValueError:
            problems.append(f"{label}: reason {item.get('reason')!r} must be none, optional or "
                            "required")
        source = item.get("source")
        if not isinstance(source, str) or not source.strip():
            problems.append(f"{label}: needs a source (the section the mapping rests on)")
        why = item.get("why", "")
        if not isinstance(why, str):
            problems.append(f"{label}: why must be text")
        judged = item.get("judged")
        if judged is not None and (judged != "unacceptable" or item.get("outcome") != "ftc"):
            problems.append(f"{label}: judged can only be \"unacceptable\", on an ftc outcome")
        if len(problems) == before:
            outcomes.append(OutcomeKind(item["code"], item["label"].strip(), maps_to, rule,
                                        source.strip(), why.strip(), item.get("key"),
                                        judged == "unacceptable"))
    if any(o.reason is not ReasonRule.NONE for o in outcomes) and not reasons:
        problems.append("outcomes take a reason but there is no [[absence_reason]] list")
    if problems:
        raise TaxonomyError(where, problems)

    def choice(item: Mapping) -> Choice:
        return Choice(item["code"], item["label"].strip(), item.get("key"))

    return OutcomeTaxonomy(tuple(choice(t) for t in types), tuple(choice(r) for r in reasons),
                           tuple(outcomes), where)


def taxonomy_from_toml(text: str, where: str = "contact-outcomes.toml") -> OutcomeTaxonomy:
    """Validate contact-outcomes TOML text (decoding is pure; reading the file is the caller's)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(where, [f"not valid TOML: {exc}"]) from None
    return taxonomy_from_dict(doc, where)

"""Compiled rule packs: what a rule says, checked and ready to evaluate.

Built from TOML data by :mod:`omtui.domain.rules.loader`; evaluated by
:mod:`omtui.domain.rules.evaluate`. Everything here is immutable and shared by every case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from omtui.domain.calendar import Unit
from omtui.domain.case import ContactOutcome, Event, EventType
from omtui.domain.rules.conditions import Condition, all_of

#: Day-0 names that are dates of the case rather than events.
CASE_ANCHORS: dict[str, str] = {
    "sentence": "the sentence date",
    "commencement": "the start date (the sentence date when no start date is given)",
    "release_date": "the recorded release date (planned or past)",
    "end_date": "the order's or licence's end date",
    "release": "the latest release event, else the recorded release date once it has passed",
}


def _norm(value: Any) -> str:
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):          # an enum value (outcome)
        return str(value.value) if hasattr(value, "value") else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


_EVENT_ATTRS = frozenset({"for_date", "acceptable", "reason", "until", "note"})


def _field_test(key: str, must_equal: bool, want: str) -> Callable[[Event], bool]:
    """One field test, specialised for speed (it runs for every event of every case)."""
    if key == "outcome":
        try:
            outcome: Any = ContactOutcome(want)
        except ValueError:
            outcome = None                    # can never match
        if must_equal:
            return lambda e: e.outcome is outcome
        return lambda e: e.outcome is not outcome

    if key in _EVENT_ATTRS:
        def attr(e: Event) -> bool:
            got = getattr(e, key)
            return (got is not None and _norm(got) == want) is must_equal
        return attr

    def extra(e: Event) -> bool:
        got = e.extra.get(key)
        if got is None:
            return not must_equal
        same = got == want if got.__class__ is str else _norm(got) == want
        return same is must_equal
    return extra


_OUTCOMES = frozenset(o.value for o in ContactOutcome)
_PATTERN_KEYS: dict[tuple[EventType, tuple[tuple[str, str, str], ...]], int] = {}


def _always(e: Event) -> bool:
    return True


def _all_of(tests: tuple[Callable[[Event], bool], ...]) -> Callable[[Event], bool]:
    """One callable for several field tests (it runs for many events of every case)."""
    return all_of(tests) if tests else _always


@dataclass(frozen=True)
class EventPattern:
    """An event type, optionally with field tests: ``contact(outcome=attended, with!=police)``.

    ``field=value`` needs the field present with that value; ``field!=value`` holds when the
    field is absent or has another value. The test is compiled once, when the pattern is made.
    """

    type: EventType
    fields: tuple[tuple[str, str, str], ...] = ()     # (field, "=" or "!=", value)
    _tests: tuple[Callable[[Event], bool], ...] = field(
        default=(), init=False, repr=False, compare=False)
    #: extra fields an event must have to match (a quick "cannot match" for a whole case)
    needs_extra: frozenset[str] = field(default=frozenset(), init=False, repr=False,
                                        compare=False)
    #: the same number for equal patterns (several rules name the same one): a per-case
    #: cache key
    key: int = field(default=0, init=False, repr=False, compare=False)
    #: ``outcome=X``: the outcome every match has (a case's events are indexed by it), and
    #: the other field tests as one callable (None: there are none)
    outcome: ContactOutcome | None = field(default=None, init=False, repr=False, compare=False)
    rest_match: Callable[[Event], bool] | None = field(default=None, init=False, repr=False,
                                                       compare=False)

    def __post_init__(self) -> None:
        tests = tuple(_field_test(key, op == "=", want) for key, op, want in self.fields)
        object.__setattr__(self, "_tests", tests)
        rest = tests
        for i, (key, op, want) in enumerate(self.fields):
            if key == "outcome" and op == "=" and want in _OUTCOMES:
                object.__setattr__(self, "outcome", ContactOutcome(want))
                rest = tests[:i] + tests[i + 1:]
                break
        object.__setattr__(self, "rest_match", _all_of(rest) if rest else None)
        needs = frozenset(key for key, op, _ in self.fields
                          if op == "=" and key != "outcome" and key not in _EVENT_ATTRS)
        object.__setattr__(self, "needs_extra", needs)
        object.__setattr__(self, "key", _PATTERN_KEYS.setdefault((self.type, self.fields),
                                                                 len(_PATTERN_KEYS)))

    def matches(self, event: Event) -> bool:
        if event.type is not self.type:
            return False
        for test in self._tests:
            if not test(event):
                return False
        return True

    def __str__(self) -> str:
        if not self.fields:
            return self.type.value
        inner = ", ".join(f"{k}{op}{v}" for k, op, v in self.fields)
        return f"{self.type.value}({inner})"

    def describe(self) -> str:
        label = self.type.label
        article = "an" if label[0] in "aeiou" else "a"
        if not self.fields:
            return f"{article} {label} event"
        inner = "; ".join(f"{k.replace('_', ' ')} {'' if op == '=' else 'other than '}"
                          f"{v.replace('_', ' ')}" for k, op, v in self.fields)
        return f"{article} {label} event ({inner})"


@dataclass(frozen=True)
class Anchor:
    """One candidate for day 0: a case date (``sentence``) or the latest matching event."""

    name: str                             # as written in the pack
    pattern: EventPattern | None = None   # None: a case date in CASE_ANCHORS
    label: str = field(default="", init=False, compare=False)

    def __post_init__(self) -> None:
        if self.pattern is None:
            text = self.name.replace("_", " ")
        else:
            text = self.pattern.type.label
            shown = [f"{k.replace('_', ' ')} {v.replace('_', ' ')}"
                     for k, op, v in self.pattern.fields if op == "="]
            if shown:
                text += f" ({', '.join(shown)})"
        object.__setattr__(self, "label", text)


@dataclass(frozen=True)
class Offset:
    n: int
    unit: Unit

    def __str__(self) -> str:
        label = self.unit.label
        if abs(self.n) == 1:
            label = label.replace("days", "day").replace("weeks", "week").replace("months", "month")
        return f"{self.n} {label}"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    source: str
    text: str
    trigger: tuple[Anchor, ...]
    offset: Offset
    satisfied_by: tuple[EventPattern, ...]
    when: Condition
    window_start: Offset | None = None
    count: int = 1                 # satisfied on the date of the count-th matching event
    phase_from: Offset | None = None    # only when day 0 >= commencement + this
    phase_until: Offset | None = None   # only when day 0 < commencement + this
    recurring: bool = False        # day 0 moves to the last satisfying event: the next occurrence
    per_event: bool = False        # one item for every trigger event (each letter received)
    kind: str = "rule"
    effective_from: date | None = None
    pack: str = ""                 # id of the pack it came from
    origin: str = ""               # file it came from

    @cached_property
    def closed_by_termination(self) -> bool:
        """A termination event satisfies this rule (so it still applies after one)."""
        return any(p.type is EventType.TERMINATION for p in self.satisfied_by)

    @cached_property
    def satisfied_text(self) -> str:
        text = " or ".join(p.describe() for p in self.satisfied_by)
        return f"{self.count} of: {text}" if self.count > 1 else text

    @cached_property
    def static_notes(self) -> tuple[str, ...]:
        notes = [self.text] if self.text else []
        if self.recurring:
            notes.append("recurring: day 0 is the last satisfying event; this is the next "
                         "occurrence")
        return tuple(notes)

    @cached_property
    def window_text(self) -> str:
        """The window's start in words ("8 weeks"); "" without a window."""
        return str(self.window_start) if self.window_start is not None else ""

    @cached_property
    def trigger_text(self) -> str:
        names = [a.label for a in self.trigger]
        if self.recurring:
            names += [f"last {p.type.label}" for p in self.satisfied_by]
        if len(names) == 1:
            return names[0]
        return "the latest of " + ", ".join(names)


@dataclass(frozen=True)
class PackInfo:
    id: str
    title: str
    effective_from: date
    sources: tuple[str, ...] = ()
    origin: str = ""
    rule_count: int = 0


@dataclass(frozen=True)
class Pack:
    info: PackInfo
    rules: tuple[Rule, ...]
    disabled: tuple[str, ...] = ()     # rule ids this (local) pack switches off


@dataclass(frozen=True)
class RuleVersions:
    """Every version of one rule id, newest effective date first."""

    id: str
    versions: tuple[Rule, ...]

    @property
    def current(self) -> Rule:
        return self.versions[0]


@dataclass(frozen=True)
class RuleBook:
    """The compiled rules an office uses, plus the contact-level and enforcement policies.

    ``contact_levels`` and ``enforcement`` are the policy objects of ``omtui.domain.schedule``
    and ``omtui.domain.enforcement`` (None: those due items are not produced).
    """

    packs: tuple[PackInfo, ...]
    rules: tuple[RuleVersions, ...]
    disabled: tuple[tuple[str, str], ...] = ()     # (rule id, pack that switched it off)
    contact_levels: Any = None
    enforcement: Any = None
    _by_id: dict[str, RuleVersions] = field(default_factory=dict, compare=False, repr=False)
    #: the facts any condition reads (the key of the applicability cache)
    condition_facts: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: condition facts -> the single-version rules that apply (the same for many cases)
    applicable_cache: dict[tuple, tuple[tuple, bool]] = field(default_factory=dict,
                                                              compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({r.id: r for r in self.rules})
        used: set[str] = set()
        for group in self.rules:
            for rule in group.versions:
                used |= rule.when.facts_used
        object.__setattr__(self, "condition_facts", tuple(sorted(used)))

    def rule(self, rule_id: str) -> Rule | None:
        found = self._by_id.get(rule_id)
        return found.current if found else None

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self):
        return (r.current for r in self.rules)

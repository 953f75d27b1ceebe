"""The scenario model: the two questions a scenario asks of the rules engine, the errors a
scenario or answers file can raise, and the parsed scenario itself (event steps, checkpoints and
their expected actions) with the trainee's actions. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from omtui.domain.calendar import Trace
from omtui.domain.case import Case, Event, EventType
from omtui.domain.due import DueItem

# -- the rules the scenarios lean on ------------------------------------------------------------

@dataclass(frozen=True)
class RuleInfo:
    """What a rule pack says about one rule: enough to explain an expected action."""

    id: str
    title: str
    source: str                  # the section cited, e.g. "NS 2f.4"
    text: str = ""               # the source's own words (or a paraphrase), when the pack has it


@dataclass(frozen=True)
class Rules:
    """The two questions a scenario asks of the rules engine (injected: keeps this module pure).

    ``agenda(case, today)`` is the case's due items as of ``today`` (rules, contact schedule,
    enforcement); ``lookup(rule_id)`` describes a rule, or returns None for an unknown id.
    """

    agenda: Callable[[Case, date], Sequence[DueItem]]
    lookup: Callable[[str], RuleInfo | None]


# -- errors -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScenarioProblem:
    """One thing wrong in a scenario or answers file: the file, the step and the field."""

    file: str
    where: str                   # e.g. "steps[3] (checkpoint 'Issue a warning')" or "actions[2]"
    field: str                   # e.g. "expect[0].rule"
    reason: str

    def __str__(self) -> str:
        place = ": ".join(p for p in (self.file, self.where, self.field) if p)
        return f"{place}: {self.reason}"


class ScenarioError(ValueError):
    """A scenario or answers file that cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: Sequence[ScenarioProblem]):
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid scenario"
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


# -- the model ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventStep:
    """Something that happens to a case on a date (a failure to comply, an explanation...)."""

    index: int                   # position in the file's steps
    date: date
    crn: str
    event: Event
    say: str = ""                # what the trainer tells the trainee when it happens

    @property
    def where(self) -> str:
        return f"steps[{self.index}]"


def _norm(value: Any) -> Any:
    if hasattr(value, "value"):          # an enum member: compare its interchange value
        value = value.value
    return value.isoformat() if isinstance(value, date) else value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date) else str(value)


@dataclass(frozen=True)
class Expectation:
    """One action the trainee must record, by a date, because a rule requires it."""

    key: str                     # "steps[3].expect[0]": stable within the file
    checkpoint: str              # the checkpoint's name
    action: EventType
    rule: str
    crn: str
    by: date
    derived: bool                # True: ``by`` came from the rules engine (``by = "rule"``)
    after: date                  # the earliest date an action can count
    title: str
    source: str
    source_text: str = ""
    match: Mapping[str, Any] = field(default_factory=dict)
    unless: Mapping[str, Any] = field(default_factory=dict)   # field values it must not have
    #: other (action, match, unless) that satisfy it too, e.g. a contact of type home visit
    alternatives: tuple[tuple[EventType, Mapping[str, Any], Mapping[str, Any]], ...] = ()
    worked: date | None = None   # the date worked by hand in the file (tests compare)
    why: str = ""
    count: int = 1               # how many such actions are needed (the n-th is the one marked)
    item: DueItem | None = None  # the rules engine's due item, when it gives one for this rule
    notes: tuple[str, ...] = ()

    @property
    def trace(self) -> Trace | None:
        return self.item.trace if self.item is not None and self.item.due == self.by else None

    @property
    def label(self) -> str:
        text = " or ".join(_pattern_label(a, m, u) for a, m, u in self.patterns)
        return f"{self.count} x {text}" if self.count > 1 else text

    @property
    def short_label(self) -> str:
        """The main action only (tables): ``label`` adds the alternatives."""
        text = _pattern_label(self.action, self.match, self.unless)
        text += " (or other)" if self.alternatives else ""
        return f"{self.count} x {text}" if self.count > 1 else text

    @property
    def patterns(self) -> list[tuple[EventType, Mapping[str, Any], Mapping[str, Any]]]:
        """The action with its fields, then each alternative that also satisfies it."""
        return [(self.action, self.match, self.unless), *self.alternatives]

    def accepts(self, crn: str, event: Event) -> bool:
        if crn != self.crn or event.date < self.after:
            return False
        return any(_fits(event, a, m, u) for a, m, u in self.patterns)


def _fits(event: Event, action: EventType, match: Mapping[str, Any],
          unless: Mapping[str, Any]) -> bool:
    if event.type is not action:
        return False
    if any(_norm(event.get(k)) != _norm(v) for k, v in match.items()):
        return False
    return not any(_norm(event.get(k)) == _norm(v) for k, v in unless.items())


def _pattern_label(action: EventType, match: Mapping[str, Any], unless: Mapping[str, Any]) -> str:
    extra = ", ".join([f"{k}={_show(v)}" for k, v in match.items()]
                      + [f"{k} not {_show(v)}" for k, v in unless.items()])
    return f"{action.label} ({extra})" if extra else action.label


@dataclass(frozen=True)
class Checkpoint:
    """A point in the timeline where the trainee must have done something."""

    index: int
    name: str
    crn: str
    expectations: tuple[Expectation, ...]
    avoid: tuple[EventType, ...] = ()
    after: date | None = None
    say: str = ""

    @property
    def where(self) -> str:
        return f"steps[{self.index}]"

    @property
    def date(self) -> date:
        """The latest of its expected dates: the checkpoint is over by the end of this day."""
        return max(e.by for e in self.expectations)


Step = EventStep | Checkpoint


@dataclass(frozen=True)
class Scenario:
    name: str                    # file stem, e.g. "tier4-christmas"
    title: str
    goal: str
    start: date
    end: date
    cases: tuple[Case, ...]
    steps: tuple[Step, ...]
    notes: str = ""

    @property
    def events(self) -> list[EventStep]:
        return [s for s in self.steps if isinstance(s, EventStep)]

    @property
    def checkpoints(self) -> list[Checkpoint]:
        return [s for s in self.steps if isinstance(s, Checkpoint)]

    @property
    def expectations(self) -> list[Expectation]:
        return [e for c in self.checkpoints for e in c.expectations]

    def case(self, crn: str) -> Case:
        for c in self.cases:
            if c.crn == crn:
                return c
        raise KeyError(crn)


@dataclass(frozen=True)
class Action:
    """One thing the trainee recorded: an event on a case, on a date."""

    index: int
    crn: str
    event: Event

    @property
    def date(self) -> date:
        return self.event.date

"""The timeline player: a scenario played on a simulated clock (:class:`ScenarioRun`), used by
the headless runner (:func:`play`) and the in-app training mode. All state is in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from omtui.domain.calendar import WorkingCalendar
from omtui.domain.case import Case, Event
from omtui.domain.due import DueItem
from omtui.domain.scenario.marking import Marking, mark
from omtui.domain.scenario.model import Action, Checkpoint, Expectation, Rules, Scenario


class EntryKind(StrEnum):
    EVENT = "event"              # something the scenario makes happen
    ACTION = "action"            # something the trainee recorded
    DUE = "due"                  # an expected action's date passes
    CHECKPOINT = "checkpoint"    # a checkpoint's expected actions come into view


@dataclass(frozen=True)
class TimelineEntry:
    date: date
    kind: EntryKind
    crn: str
    text: str
    say: str = ""


def _event_text(event: Event) -> str:
    bits = [event.type.label]
    if event.outcome is not None:
        bits.append(f"({event.outcome.label})")
    if event.for_date is not None:
        bits.append(f"for {event.for_date.isoformat()}")
    if event.acceptable is not None:
        bits.append("acceptable" if event.acceptable else "not acceptable")
    if event.reason:
        bits.append(f"- {event.reason}")
    if event.note:
        bits.append(f"- {event.note}")
    return " ".join(bits)


class ScenarioRun:
    """A scenario played on a simulated clock: events happen, the trainee acts, dates pass.

    ``today`` starts at the scenario's start date. :meth:`advance_to` moves the clock forward
    (applying the scenario's events up to and including that day); :meth:`record` adds a
    trainee action dated today (or later: the clock moves to it). All state is in memory.
    """

    def __init__(self, scenario: Scenario, calendar: WorkingCalendar) -> None:
        self.scenario = scenario
        self.calendar = calendar
        self.today = scenario.start
        self.cases: dict[str, Case] = {c.crn: c for c in scenario.cases}
        self.actions: list[Action] = []
        self.log: list[TimelineEntry] = []
        self._next_event = 0
        self._events = scenario.events
        self._dues = sorted(scenario.expectations, key=lambda e: (e.by, e.key))
        self._next_due = 0
        self._revealed: set[int] = set()
        self._apply_events_through(self.today)
        self._reveal()

    def _reveal(self) -> None:
        """Log each checkpoint once the events that bring it about have happened."""
        for cp in self.scenario.checkpoints:
            if cp.index in self._revealed or min(e.after for e in cp.expectations) > self.today:
                continue
            self._revealed.add(cp.index)
            wanted = "; ".join(f"{e.label} by {e.by.isoformat()}" for e in cp.expectations)
            self.log.append(TimelineEntry(self.today, EntryKind.CHECKPOINT, cp.crn,
                                          f"{cp.name}: {wanted}", cp.say))

    # -- the clock ---------------------------------------------------------------------------
    def _apply_events_through(self, day: date) -> None:
        while self._next_event < len(self._events) and self._events[self._next_event].date <= day:
            step = self._events[self._next_event]
            case = self.cases[step.crn]
            self.cases[step.crn] = replace(case, events=case.events + (step.event,))
            self.log.append(TimelineEntry(step.date, EntryKind.EVENT, step.crn,
                                          _event_text(step.event), step.say))
            self._next_event += 1

    def _pass_dues_before(self, day: date) -> None:
        """Log each expected date that ended before ``day`` (end of day: after actions)."""
        while self._next_due < len(self._dues) and self._dues[self._next_due].by < day:
            e = self._dues[self._next_due]
            self.log.append(TimelineEntry(e.by, EntryKind.DUE, e.crn,
                                          f"{e.label} was due by the end of this day [{e.rule}]"))
            self._next_due += 1

    def advance_to(self, day: date) -> None:
        if day < self.today:
            raise ValueError(f"the clock cannot go back from {self.today.isoformat()} "
                             f"to {day.isoformat()}")
        # Step through what happens on the way, in date order: a day's events first, then
        # (at the end of that day) its deadlines.
        events = self._events
        while True:
            ev = events[self._next_event].date if (
                self._next_event < len(events) and events[self._next_event].date <= day) else None
            due = self._dues[self._next_due].by if (
                self._next_due < len(self._dues) and self._dues[self._next_due].by < day) else None
            if ev is None and due is None:
                break
            if ev is not None and (due is None or ev <= due):
                self.today = max(self.today, ev)
                self._apply_events_through(ev)
                self._reveal()
            else:
                self.today = max(self.today, due)
                self._pass_dues_before(due + timedelta(days=1))
        self.today = day
        self._reveal()

    def advance_working_days(self, n: int = 1) -> date:
        self.advance_to(self.calendar.add_working_days(self.today, n))
        return self.today

    def next_stop(self) -> date | None:
        """The next date something happens: an event, or an expected date passing."""
        dates = [s.date for s in self._events[self._next_event:] if s.date > self.today]
        dates += [e.by for e in self._dues[self._next_due:] if e.by >= self.today]
        after = [d for d in dates if d > self.today]
        if after:
            return min(after)
        # Then the day after the last deadline: the scenario closes.
        return None if self.finished else self.scenario.end + timedelta(days=1)

    def advance_to_next(self) -> date | None:
        stop = self.next_stop()
        if stop is not None:
            self.advance_to(stop)
        return stop

    @property
    def finished(self) -> bool:
        """Over: the last day of the scenario (its last deadline) has passed."""
        return self.today > self.scenario.end and self._next_event >= len(self._events)

    # -- the trainee ---------------------------------------------------------------------------
    def record(self, crn: str, event: Event) -> Action:
        """A trainee action. Dated after today: the clock moves to it. Dated earlier (a
        back-dated record) is allowed from the scenario's start; it counts from its date."""
        if crn not in self.cases:
            raise ValueError(f"{crn!r} is not a case in this scenario")
        if event.date < self.scenario.start:
            raise ValueError(f"{event.date.isoformat()} is before the scenario starts "
                             f"({self.scenario.start.isoformat()})")
        if event.date > self.today:
            self.advance_to(event.date)
        action = Action(len(self.actions), crn, event)
        self._add(action)
        return action

    def _add(self, action: Action) -> None:
        self.actions.append(action)
        case = self.cases[action.crn]
        self.cases[action.crn] = replace(case, events=case.events + (action.event,))
        self.log.append(TimelineEntry(action.date, EntryKind.ACTION, action.crn,
                                      _event_text(action.event)))

    def play(self, actions: Sequence[Action]) -> Marking:
        """Headless: merge the scenario's events and the trainee's actions by date, to the end."""
        for action in sorted(actions, key=lambda a: (a.date, a.index)):
            if action.date > self.today:
                self.advance_to(action.date)
            self._add(action)
        self.advance_to(max(self.today, self.scenario.end))
        self._pass_dues_before(date.max)
        return self.final()

    # -- what the trainee sees -----------------------------------------------------------------
    def visible(self, e: Expectation) -> bool:
        """An expected action shows once what brings it about has happened."""
        return e.after <= self.today

    def checkpoint_of(self, e: Expectation) -> Checkpoint:
        return next(c for c in self.scenario.checkpoints if e in c.expectations)

    # -- the marks ---------------------------------------------------------------------------
    def status(self) -> Marking:
        """The marks as of the simulated date (pending / overdue for what is not done)."""
        return mark(self.scenario, self.actions, self.calendar, as_of=self.today)

    def final(self) -> Marking:
        return mark(self.scenario, self.actions, self.calendar)

    def agenda(self, rules: Rules, crn: str) -> list[DueItem]:
        """The rules engine's view of a case as of the simulated date (the in-app mode)."""
        return list(rules.agenda(self.cases[crn], self.today))


def play(scenario: Scenario, actions: Sequence[Action], calendar: WorkingCalendar) -> tuple[ScenarioRun, Marking]:
    run = ScenarioRun(scenario, calendar)
    return run, run.play(actions)

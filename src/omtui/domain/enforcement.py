"""Enforcement (NS 2f.3-2f.8; HMIP D.2.2.16, D.4.2.6): failures to comply and what follows.

A contact with outcome ``ftc`` is a failure to comply; several on one day are one failure.
Each failure opens a clock that ends at the end of the 10th working day after it. An
acceptable explanation closes it; otherwise the next action is a written warning, or breach
(an order with a warning already in the preceding 12 months) / recall (a licence with two).
The counts, windows and rule ids are data (``data/rules/enforcement.toml``, passed in as a
dict); this module interprets them. Every decision taken here is in docs/enforcement.md.

Pure domain: no I/O, no ``date.today()``; ``today`` and the calendar are arguments. Events
dated after ``today`` are not known yet and are ignored.
"""

from __future__ import annotations

import calendar as _months
import dataclasses
import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from omtui.domain.calendar import Trace, Unit, WorkingCalendar
from omtui.domain.case import Case, ContactOutcome, Event, EventType, OrderType
from omtui.domain.due import DueItem, Status, new_item
from omtui.domain.packfields import PackFieldError, PackFields
from omtui.domain.records import fast_frozen_init
from omtui.domain.rules.evaluate import events_by_type, memo_for

#: Extra field on an explanation event: the extenuating circumstances that let a late
#: explanation (after the clock) be accepted.
EXTENUATING_FIELD = "extenuating_circumstances"
#: Extra field on a breach_initiated event: what the court did (``order_continues`` spends
#: earlier warnings) and when (``court_date``; the event's date when absent).
COURT_OUTCOME_FIELD = "court_outcome"
COURT_DATE_FIELD = "court_date"
ORDER_CONTINUES = "order_continues"
#: Extra fields on a contact that make it the letter to a recalled offender (NS 2f.7).
LETTER_PURPOSE = ("purpose", "recall_letter")
LETTER_CONTACT_TYPE = ("contact_type", "letter")


class EnforcementPolicyError(PackFieldError):
    """An enforcement pack that cannot be used; ``field`` names the offending entry."""


_FIELDS = PackFields(EnforcementPolicyError)
_table, _str, _date, _posint = _FIELDS.table, _FIELDS.text, _FIELDS.day, _FIELDS.posint


class Action(StrEnum):
    WARNING = "warning"
    BREACH = "breach"
    RECALL = "recall"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self._value_]


_ACTION_LABELS = {"warning": "written warning", "breach": "breach", "recall": "recall"}


class FailureStatus(StrEnum):
    OPEN = "open"                                   # clock running, no decision yet
    EXPLAINED_ACCEPTABLE = "explained-acceptable"
    WARNING_DUE = "warning-due"
    BREACH_DUE = "breach-due"
    RECALL_DUE = "recall-due"
    ACTIONED = "actioned"

    @property
    def is_open(self) -> bool:
        return self not in (FailureStatus.EXPLAINED_ACCEPTABLE, FailureStatus.ACTIONED)


_ACTION_EVENTS = {EventType.WARNING: Action.WARNING, EventType.BREACH_INITIATED: Action.BREACH,
                  EventType.RECALL_INITIATED: Action.RECALL}
_DUE_STATUS = {Action.WARNING: FailureStatus.WARNING_DUE, Action.BREACH: FailureStatus.BREACH_DUE,
               Action.RECALL: FailureStatus.RECALL_DUE}


# -- the policy ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleRef:
    id: str
    title: str
    source: str


@dataclass(frozen=True)
class Threshold:
    id: str
    title: str
    source: str
    order_types: frozenset[OrderType]
    prior_warnings: int
    action: Action
    senior_manager_warning: int | None = None
    senior_manager_source: str = ""


@dataclass(frozen=True)
class EnforcementPolicy:
    pack_id: str
    title: str
    effective_from: date
    explanation: RuleRef
    explanation_working_days: int
    late_source: str
    lookback: RuleRef
    lookback_months: int
    warning: RuleRef
    thresholds: tuple[Threshold, ...]
    breach: RuleRef
    breach_working_days: int
    recall: RuleRef
    recall_hours: int
    recall_letter: RuleRef
    recall_letter_working_days: int
    spent: RuleRef

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EnforcementPolicy:
        """Validate a parsed enforcement pack; a problem raises EnforcementPolicyError naming
        the field (e.g. ``threshold[1].prior_warnings``)."""
        if not isinstance(d, Mapping):
            raise EnforcementPolicyError("(pack)", "must be a table")
        pack = _table(d, "pack")
        pack_id = _str(pack, "id", "pack.id")
        title = _str(pack, "title", "pack.title")
        effective = _date(pack.get("effective_from"), "pack.effective_from")
        expl_t = _table(d, "explanation")
        explanation = _ref(expl_t, "explanation")
        expl_days = _posint(expl_t.get("working_days"), "explanation.working_days")
        late_source = _str(expl_t, "late_source", "explanation.late_source")
        look_t = _table(d, "lookback")
        lookback = _ref(look_t, "lookback")
        months = _posint(look_t.get("months"), "lookback.months")
        warning = _ref(_table(d, "warning"), "warning")
        raw_thresholds = d.get("threshold")
        if not isinstance(raw_thresholds, list) or not raw_thresholds:
            raise EnforcementPolicyError("threshold", "must be a non-empty list of [[threshold]]")
        thresholds: list[Threshold] = []
        covered: dict[OrderType, int] = {}
        for i, raw in enumerate(raw_thresholds):
            name = f"threshold[{i}]"
            if not isinstance(raw, Mapping):
                raise EnforcementPolicyError(name, "must be a table")
            ref = _ref(raw, name)
            types = raw.get("order_types")
            if not isinstance(types, list) or not types:
                raise EnforcementPolicyError(f"{name}.order_types", "must be a non-empty list")
            ots = set()
            for j, t in enumerate(types):
                try:
                    ot = OrderType(t)
                except ValueError:
                    raise EnforcementPolicyError(f"{name}.order_types[{j}]",
                                                 f"unknown order type {t!r}") from None
                if ot in covered:
                    raise EnforcementPolicyError(
                        f"{name}.order_types[{j}]",
                        f"{t} already has a threshold (threshold[{covered[ot]}])")
                covered[ot] = i
                ots.add(ot)
            prior = _posint(raw.get("prior_warnings"), f"{name}.prior_warnings")
            try:
                action = Action(raw.get("action", ""))
            except ValueError:
                raise EnforcementPolicyError(f"{name}.action",
                                             "must be breach or recall") from None
            if action is Action.WARNING:
                raise EnforcementPolicyError(f"{name}.action", "must be breach or recall")
            senior = raw.get("senior_manager_warning")
            senior_source = ""
            if senior is not None:
                senior = _posint(senior, f"{name}.senior_manager_warning")
                if senior > prior:
                    raise EnforcementPolicyError(
                        f"{name}.senior_manager_warning",
                        f"warning {senior} is never issued when {prior} warning(s) lead to "
                        f"{action.value}")
                senior_source = _str(raw, "senior_manager_source", f"{name}.senior_manager_source")
            thresholds.append(Threshold(ref.id, ref.title, ref.source, frozenset(ots), prior,
                                        action, senior, senior_source))
        breach_t = _table(d, "breach")
        recall_t = _table(d, "recall")
        hours = _posint(recall_t.get("hours"), "recall.hours")
        if hours % 24:
            raise EnforcementPolicyError("recall.hours", "must be a whole number of days (24, 48…)")
        letter_t = _table(d, "recall_letter")
        ids = [explanation.id, lookback.id, warning.id, *(t.id for t in thresholds)]
        policy = cls(
            pack_id, title, effective, explanation, expl_days, late_source, lookback, months,
            warning, tuple(thresholds), _ref(breach_t, "breach"),
            _posint(breach_t.get("working_days"), "breach.working_days"),
            _ref(recall_t, "recall"), hours, _ref(letter_t, "recall_letter"),
            _posint(letter_t.get("working_days"), "recall_letter.working_days"),
            _ref(_table(d, "spent"), "spent"))
        ids += [policy.breach.id, policy.recall.id, policy.recall_letter.id, policy.spent.id]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise EnforcementPolicyError("id", f"rule id {dupes[0]!r} is used twice")
        return policy

    def threshold_for(self, order_type: OrderType) -> Threshold | None:
        for t in self.thresholds:
            if order_type in t.order_types:
                return t
        return None


def _ref(t: Mapping[str, Any], name: str) -> RuleRef:
    return RuleRef(_str(t, "id", f"{name}.id"), _str(t, "title", f"{name}.title"),
                   _str(t, "source", f"{name}.source"))


# -- the state -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WarningRecord:
    date: date
    event: Event
    # (datetime.date: in this class body, ``date`` names the field above)
    spent_on: datetime.date | None = None  # when it became spent (None: never, as of today)
    spent_reason: str | None = None
    for_failure: datetime.date | None = None   # the failure it was issued for, when linked
    senior_manager: bool = False          # the final licence warning (NS 2f.8)

    def spent_by(self, d: datetime.date) -> bool:
        return self.spent_on is not None and self.spent_on <= d


@dataclass(frozen=True)
class ExplanationRecord:
    received: date
    event: Event
    recorded_acceptable: bool             # what the OM recorded
    late: bool                            # received after the clock ended
    counts_as_acceptable: bool            # after the late-explanation rule
    extenuating: str | None = None
    flag: str | None = None

    @property
    def reason(self) -> str | None:
        return self.event.reason

    @property
    def from_whom(self) -> str | None:
        value = self.event.extra.get("from")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Failure:
    date: date
    contacts: tuple[Event, ...]           # the ftc contacts that day (one failure, NS 2f.4)
    # (datetime.date: in this class body, ``date`` names the field above)
    clock_end: datetime.date              # end of the 10th working day after the failure
    clock_trace: Trace
    working_days_left: int                # working days from today to clock_end (<0: passed)
    explanations: tuple[ExplanationRecord, ...]
    decision: str | None                  # "acceptable" / "unacceptable" / None
    status: FailureStatus
    next_action: Action                   # what happens at the deadline without an explanation
    next_action_rule: str
    next_action_source: str
    next_action_reason: str
    window_start: datetime.date           # first day of the preceding 12 months
    warnings_counted: tuple[WarningRecord, ...]
    warning_number: int | None = None     # 1st, 2nd... warning in the window, when warning
    senior_manager: bool = False          # this warning must be issued by a senior manager
    actioned_by: Event | None = None
    action_taken: Action | None = None
    flags: tuple[str, ...] = ()
    rule: str = ""
    source: str = ""

    @property
    def count(self) -> int:
        return len(self.contacts)

    @property
    def at_deadline(self) -> str:
        return f"{self.next_action.label} ({self.next_action_source}): {self.next_action_reason}"


@dataclass(frozen=True)
class RecallLetter:
    returned: date
    due: date
    trace: Trace
    done_on: date | None


# made for every failure and warning of every case in a due list: one dict, not a frozen
# setattr per field
for _record in (WarningRecord, ExplanationRecord, Failure, RecallLetter):
    fast_frozen_init(_record)


@dataclass(frozen=True)
class EnforcementState:
    crn: str
    order_type: OrderType
    failures: tuple[Failure, ...]
    warnings: tuple[WarningRecord, ...]            # every warning known by today
    warnings_in_window: tuple[WarningRecord, ...]  # unspent, in the 12 months up to today
    spent_warnings: tuple[WarningRecord, ...]
    window_start: date                              # of the 12 months up to today
    next_failure_action: Action                     # what a failure today would lead to
    next_failure_reason: str
    recall_letters: tuple[RecallLetter, ...]
    due_items: tuple[DueItem, ...]
    notes: tuple[str, ...] = ()
    policy_id: str = ""

    @property
    def open_failures(self) -> tuple[Failure, ...]:
        return tuple(f for f in self.failures if f.status.is_open)


@lru_cache(maxsize=8192)
def lookback_start(day: date, months: int) -> date:
    """First day of the "preceding ``months`` months" before ``day``: the same date ``months``
    calendar months earlier (29 February clipped to 28 February), inclusive. The same as
    ``day - dateutil.relativedelta(months=months)``, without its cost."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def _spend_points(events: list[Event]) -> tuple[list[tuple[date, str]], list[str]]:
    """Dates on which earlier warnings become spent, with why; and notes on odd records."""
    points: list[tuple[date, str]] = []
    notes: list[str] = []
    recalls = [e.date for e in events if e.type is EventType.RECALL_INITIATED]
    for e in events:
        if e.type is EventType.RELEASE and any(r < e.date for r in recalls):
            points.append((e.date, f"re-released on {e.date.isoformat()} after recall"))
        if e.type is EventType.BREACH_INITIATED and e.extra.get(COURT_OUTCOME_FIELD) == ORDER_CONTINUES:
            raw = e.extra.get(COURT_DATE_FIELD)
            when = e.date
            if raw is not None:
                try:
                    when = date.fromisoformat(str(raw))
                except ValueError:
                    notes.append(f"breach of {e.date.isoformat()}: court_date {raw!r} is not a "
                                 f"date; the breach date is used")
            points.append((when, f"court let the order continue on {when.isoformat()}"))
    points.sort()
    return points, notes


def _is_letter(e: Event) -> bool:
    """A letter sent to the person (a letter received, ``direction: in``, is not)."""
    if e.type is not EventType.CONTACT or e.extra.get("direction") == "in":
        return False
    return (e.extra.get(LETTER_PURPOSE[0]) == LETTER_PURPOSE[1]
            or e.extra.get(LETTER_CONTACT_TYPE[0]) == LETTER_CONTACT_TYPE[1])


def enforcement_state(case: Case, today: date, calendar: WorkingCalendar,
                      policy: EnforcementPolicy) -> EnforcementState:
    """Every failure to comply with its clock, decision and next action, the warnings that
    drive it, and the due items (what the enforcement screen shows)."""
    found = _evaluate(case, today, calendar, policy, events_by_type(case, today), full=True)
    warning_for = found.warning_for
    warnings = [dataclasses.replace(w, for_failure=warning_for[id(w.event)][0],
                                    senior_manager=warning_for[id(w.event)][1])
                if id(w.event) in warning_for else w for w in found.warnings]
    start = lookback_start(today, policy.lookback_months)
    in_window = tuple(w for w in warnings if start <= w.date <= today and not w.spent_by(today))
    spent = tuple(w for w in warnings if w.spent_by(today))
    nact, _, nsource, nwhy, *_ = found.next_action(today + timedelta(days=1))
    return EnforcementState(
        case.crn, case.order_type, tuple(found.failures), tuple(warnings), in_window, spent,
        start, nact, f"{nwhy} ({nsource})", tuple(found.letters), tuple(found.items),
        tuple(found.notes), policy.pack_id)


@dataclass(slots=True)
class _Evaluation:
    """What :func:`_evaluate` works out; :func:`enforcement_state` adds the summary (warnings
    linked to their failures, the 12-month window, what a failure today would lead to)."""

    failures: list[Failure]
    items: list[DueItem]
    warnings: list[WarningRecord]
    warning_for: dict[int, tuple[date, bool]]     # id(warning event) -> (failure, senior)
    letters: list[RecallLetter]
    notes: list[str]
    next_action: Callable[[date], tuple[Action, str, str, str, int | None, bool,
                                        list[WarningRecord]]]


def _date_order(case: Case, groups: list[list[Event]]) -> list[Event]:
    """Events of several types (each list in date order) in date order, events of one date in
    the order recorded: the order of ``events_by_type``."""
    groups = [g for g in groups if g]
    if len(groups) <= 1:
        return groups[0] if groups else []
    position = {id(e): i for i, e in enumerate(case.events)}
    return sorted((e for g in groups for e in g), key=lambda e: (e.date, position[id(e)]))


def _evaluate(case: Case, today: date, calendar: WorkingCalendar, policy: EnforcementPolicy,
              by_type: Mapping[EventType, list[Event]], *, full: bool,
              failed: Sequence[Event] | None = None) -> _Evaluation:
    """Failures, warnings, recall letters and the due items, from the case's events on or
    before today grouped by type (``events_by_type``); with ``full=False`` (the due list)
    failures closed more than the look-back before today are left out, so old history costs
    nothing. ``failed``: the contacts with outcome ftc among them, when the caller has them."""
    none: list[Event] = []
    contacts = by_type.get(EventType.CONTACT, none)
    by_day: dict[date, list[Event]] = {}          # failures: ftc contacts grouped by day
    if failed is None:
        ftc = ContactOutcome.FTC
        failed = [e for e in contacts if e.outcome is ftc]
    for e in failed:
        found = by_day.get(e.date)
        if found is None:
            by_day[e.date] = [e]
        else:
            found.append(e)
    explanations: dict[date, list[Event]] = {}
    for e in by_type.get(EventType.EXPLANATION, none):
        if e.for_date is not None:
            explanations.setdefault(e.for_date, []).append(e)
    warning_events = by_type.get(EventType.WARNING, none)
    breaches = by_type.get(EventType.BREACH_INITIATED, none)
    recalls = by_type.get(EventType.RECALL_INITIATED, none)
    action_events = _date_order(case, [warning_events, breaches, recalls])
    # release / breach / recall: the points where warnings are spent (order does not matter)
    spend_events = by_type.get(EventType.RELEASE, none) + breaches + recalls
    returns = by_type.get(EventType.RETURNED_TO_CUSTODY, none)
    notes: list[str] = []
    threshold = policy.threshold_for(case.order_type)
    if threshold is None:
        notes.append(f"no breach/recall threshold for {case.order_type.label} in "
                     f"{policy.pack_id}: every unexplained failure leads to a warning")

    # warnings and when they are spent
    points, spend_notes = _spend_points(spend_events)
    notes += spend_notes
    warnings: list[WarningRecord] = []
    for e in warning_events:
        spent = next(((d, why) for d, why in points if d >= e.date), None)
        warnings.append(WarningRecord(e.date, e, spent[0] if spent else None,
                                      spent[1] if spent else None))

    def counted(before: date) -> list[WarningRecord]:
        if not warnings:
            return []
        start = lookback_start(before, policy.lookback_months)
        return [w for w in warnings if start <= w.date < before and not w.spent_by(before)]

    def next_action(day: date) -> tuple[Action, str, str, str, int | None, bool, list[WarningRecord]]:
        ws = counted(day)
        listed = ", ".join([w.date.isoformat() for w in ws]) if ws else "none"
        if threshold is not None and len(ws) >= threshold.prior_warnings:
            return (threshold.action, threshold.id, threshold.source,
                    f"{len(ws)} unspent warning(s) in the preceding {policy.lookback_months} "
                    f"months ({listed}); {threshold.title}", None, False, ws)
        number = len(ws) + 1
        senior = threshold is not None and threshold.senior_manager_warning == number
        limit = (f"; {threshold.prior_warnings} lead(s) to {threshold.action._value_}"
                 if threshold else "")
        why = (f"{len(ws)} unspent warning(s) in the preceding {policy.lookback_months} months "
               f"({listed}){limit}")
        if senior and threshold is not None:
            why += f"; warning {number} is issued by a senior manager ({threshold.senior_manager_source})"
        return (Action.WARNING, policy.warning.id, policy.warning.source, why, number, senior, ws)

    for d in sorted(set(explanations) - set(by_day)):
        notes.append(f"explanation(s) for {d.isoformat()}: no failure to comply recorded that day")

    # decisions on each failure
    days = sorted(by_day)
    decided: dict[date, tuple[date, list[ExplanationRecord], str | None]] = {}
    for d in days:
        clock_end = calendar.add_working_days(d, policy.explanation_working_days)
        records = []
        for x in explanations.get(d, []):
            late = x.date > clock_end
            ext = x.extra.get(EXTENUATING_FIELD)
            ext = ext.strip() if isinstance(ext, str) and ext.strip() else None
            ok = bool(x.acceptable)
            flag = None
            if ok and late:
                if ext:
                    flag = (f"late explanation ({x.date.isoformat()}, after "
                            f"{clock_end.isoformat()}) accepted on extenuating circumstances "
                            f"({policy.late_source})")
                else:
                    ok = False
                    flag = (f"late explanation ({x.date.isoformat()}, after "
                            f"{clock_end.isoformat()}) recorded as acceptable without an "
                            f"extenuating-circumstances note: not accepted until one is recorded "
                            f"({policy.late_source})")
            records.append(ExplanationRecord(x.date, x, bool(x.acceptable), late, ok, ext, flag))
        decision = None
        if records:
            decision = "acceptable" if records[-1].counts_as_acceptable else "unacceptable"
        decided[d] = (clock_end, records, decision)

    # link actions (warning / breach / recall) to failures
    linked: dict[date, Event] = {}
    for e in action_events:
        action = _ACTION_EVENTS[e.type]
        if e.for_date is not None:
            if e.for_date in by_day:
                linked.setdefault(e.for_date, e)
            else:
                notes.append(f"{e.type.label} of {e.date.isoformat()} names failure "
                             f"{e.for_date.isoformat()}, which is not recorded")
            continue
        candidates = [d for d in days
                      if d <= e.date and d not in linked and decided[d][2] != "acceptable"]
        if not candidates:
            continue
        if action is Action.WARNING:
            linked[candidates[-1]] = e
        else:
            for d in candidates:
                linked[d] = e

    failures: list[Failure] = []
    items: list[DueItem] = []
    warning_for: dict[int, tuple[date, bool]] = {}
    status = memo_for(calendar).status
    recent = lookback_start(today, policy.lookback_months)
    for d in days:
        clock_end, records, decision = decided[d]
        if not full and clock_end < recent and (
                decision == "acceptable" or d in linked):
            continue     # closed long ago: not on the due list
        trace = calendar.explain(d, policy.explanation_working_days, Unit.WORKING_DAYS)
        act, rule, source, why, number, senior, ws = next_action(d)
        flags = [r.flag for r in records if r.flag]
        actioned = linked.get(d)
        taken = _ACTION_EVENTS[actioned.type] if actioned is not None else None
        if decision == "acceptable":
            state = FailureStatus.EXPLAINED_ACCEPTABLE
            if actioned is not None:
                flags.append(f"{actioned.type.label} of {actioned.date.isoformat()} recorded "
                             f"although the explanation was accepted")
        elif actioned is not None:
            state = FailureStatus.ACTIONED
            if taken is not act:
                flags.append(f"{taken.label if taken else '?'} taken where the standard asks for "
                             f"{act.label} ({source})")
        elif decision == "unacceptable" or today > trace.due:
            state = _DUE_STATUS[act]
        else:
            state = FailureStatus.OPEN
        later = [w for w in warnings if d <= w.date <= trace.due and w.event is not actioned]
        if act is Action.WARNING and later and state is not FailureStatus.EXPLAINED_ACCEPTABLE:
            flags.append(f"a warning was issued on {later[0].date.isoformat()}, after this failure "
                         f"and before its deadline: consider whether {threshold.action.value if threshold else 'enforcement'} applies")
        if len(by_day[d]) > 1:
            flags.append(f"{len(by_day[d])} failures on {d.isoformat()} count as one; an "
                         f"explanation is still sought for each ({policy.explanation.source})")
        if actioned is not None and actioned.type is EventType.WARNING:
            warning_for[id(actioned)] = (d, senior)
        failure = Failure(
            d, tuple(by_day[d]), trace.due, trace,
            calendar.working_days_between(today, trace.due), tuple(records), decision, state,
            act, rule, source, why, lookback_start(d, policy.lookback_months), tuple(ws),
            number, senior, actioned, taken, tuple(flags), policy.explanation.id,
            policy.explanation.source)
        failures.append(failure)
        items.append(_failure_item(case, failure, today, calendar, policy, status))

    # recall letters: each return to custody after a recall
    letters: list[RecallLetter] = []
    last_rtc: date | None = None
    for e in returns:
        recalled = any(r.type is EventType.RECALL_INITIATED and r.date <= e.date
                       and (last_rtc is None or r.date > last_rtc) for r in spend_events)
        last_rtc = e.date
        if not recalled:
            continue
        trace = calendar.explain(e.date, policy.recall_letter_working_days, Unit.WORKING_DAYS)
        done = next((c.date for c in contacts if _is_letter(c) and c.date >= e.date), None)
        letters.append(RecallLetter(e.date, trace.due, trace, done))
        items.append(new_item(
            case.crn, policy.recall_letter.id, policy.recall_letter.title,
            policy.recall_letter.source, e.date, "returned to custody", trace.due,
            status(trace.due, done, today), trace,
            "a contact recorded as the recall letter (purpose: recall_letter)", done,
            _late_by(trace.due, done, calendar), "enforcement", ()))
    return _Evaluation(failures, items, warnings, warning_for, letters, notes, next_action)




def _late_by(due: date, done: date | None, calendar: WorkingCalendar) -> int | None:
    if done is None or done <= due:
        return None
    return calendar.working_days_between(due, done)


def _failure_item(case: Case, f: Failure, today: date, calendar: WorkingCalendar,
                  policy: EnforcementPolicy, status: Callable[[date, date | None, date], Status]
                  ) -> DueItem:
    """The one due item that stands for a failure's current step (``status``: the memoised
    ``status_for`` of the calendar)."""
    day0_label = "failure to comply"
    notes = [f"at the deadline: {f.at_deadline}"] + list(f.flags)
    if f.status in (FailureStatus.OPEN, FailureStatus.EXPLAINED_ACCEPTABLE):
        done = None
        if f.status is FailureStatus.EXPLAINED_ACCEPTABLE:
            done = next(r.received for r in reversed(f.explanations) if r.counts_as_acceptable)
        return new_item(
            case.crn, policy.explanation.id, policy.explanation.title, policy.explanation.source,
            f.date, day0_label, f.clock_end, status(f.clock_end, done, today), f.clock_trace,
            "an acceptable explanation (event: explanation, acceptable: true)", done,
            _late_by(f.clock_end, done, calendar), "enforcement", tuple(notes))
    action = f.action_taken if f.status is FailureStatus.ACTIONED else f.next_action
    assert action is not None
    done = f.actioned_by.date if f.actioned_by is not None else None
    if action is Action.WARNING:
        title = policy.warning.title
        if f.senior_manager:
            title += " (senior manager)"
        rule, source, trace = policy.warning.id, policy.warning.source, f.clock_trace
        satisfied = "a warning event"
    elif action is Action.BREACH:
        trace = calendar.explain(f.date, policy.breach_working_days, Unit.WORKING_DAYS)
        rule, source, title = policy.breach.id, policy.breach.source, policy.breach.title
        satisfied = "a breach_initiated event (summons, warrant or listing applied for)"
    else:
        decided = next((r.received for r in f.explanations
                        if not r.counts_as_acceptable and r.received <= f.clock_end), None)
        day0 = decided if decided is not None and f.decision == "unacceptable" else f.clock_end
        trace = calendar.explain(day0, policy.recall_hours // 24, Unit.DAYS)
        trace = dataclasses.replace(trace, notes=trace.notes + (
            f"{policy.recall_hours} hours from the decision to recommend recall; the decision is "
            f"due by the end of the explanation window ({f.clock_end.isoformat()}), and is taken "
            f"as made on the day the explanation was judged unacceptable, else at that deadline",))
        rule, source, title = policy.recall.id, policy.recall.source, policy.recall.title
        day0_label = "decision to recommend recall"
        satisfied = "a recall_initiated event (recall report received by the Ministry of Justice)"
    if action is not Action.WARNING and f.status is not FailureStatus.ACTIONED:
        notes.insert(0, f"{f.next_action_reason} [{f.next_action_rule}, {f.next_action_source}]")
    return new_item(
        case.crn, rule, title, source, trace.start, day0_label, trace.due,
        status(trace.due, done, today), trace, satisfied, done,
        _late_by(trace.due, done, calendar), "enforcement", tuple(notes))


def enforcement_due_items(case: Case, today: date, calendar: WorkingCalendar,
                          policy: EnforcementPolicy,
                          by_type: Mapping[EventType, list[Event]] | None = None,
                          failed: Sequence[Event] | None = None) -> list[DueItem]:
    """Enforcement due items (kind="enforcement"): one per failure for its current step
    (explanation clock, warning, breach papers or recall), and each recall letter. Failures
    closed (explained or actioned) with a clock that ended more than the look-back (12 months)
    before today are left out; ``enforcement_state`` lists everything.

    ``by_type``: the case's events on or before today grouped by type (``events_by_type``),
    when the caller has made it already, and ``failed`` the contacts among them with outcome
    ftc (in date order)."""
    if by_type is None:
        by_type = events_by_type(case, today)
    if failed is None:
        ftc = ContactOutcome.FTC
        failed = [e for e in by_type.get(EventType.CONTACT, ()) if e.outcome is ftc]
    if not failed and EventType.RETURNED_TO_CUSTODY not in by_type:
        return []              # no failure and no return to custody: nothing to evaluate
    return _evaluate(case, today, calendar, policy, by_type, full=False, failed=failed).items


__all__ = [
    "Action", "EnforcementPolicy", "EnforcementPolicyError", "EnforcementState",
    "ExplanationRecord", "Failure", "FailureStatus", "RecallLetter", "RuleRef",
    "Threshold", "WarningRecord", "enforcement_due_items", "enforcement_state", "lookback_start",
]

"""Property tests: enforcement and the contact schedule never raise on generated event
sequences, and their dates keep their promises."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from importlib import resources

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.domain.case import (
    Case,
    ContactOutcome,
    Event,
    EventType,
    OrderType,
    Requirement,
    Rosh,
)
from omtui.domain.due import Status
from omtui.domain.enforcement import (
    EnforcementPolicy,
    FailureStatus,
    enforcement_due_items,
    enforcement_state,
    lookback_start,
)

LO, HI = date(2022, 1, 1), date(2030, 12, 31)


def _pack(name: str) -> dict:
    return tomllib.loads(resources.files("omtui.data.rules").joinpath(name).read_text("utf-8"))


POLICY = EnforcementPolicy.from_dict(_pack("enforcement.toml"))

days = st.dates(min_value=LO, max_value=HI)
extras = st.dictionaries(
    st.sampled_from(["court_outcome", "court_date", "purpose", "contact_type",
                     "extenuating_circumstances", "from"]),
    st.one_of(st.sampled_from(["order_continues", "recall_letter", "letter", "2024-02-29",
                               "not a date", "", "  "]), st.integers(), st.none()),
    max_size=3)


@st.composite
def events(draw) -> Event:
    etype = draw(st.sampled_from([
        EventType.CONTACT, EventType.CONTACT, EventType.CONTACT, EventType.EXPLANATION,
        EventType.WARNING, EventType.BREACH_INITIATED, EventType.RECALL_INITIATED,
        EventType.RETURNED_TO_CUSTODY, EventType.RELEASE, EventType.SUSPENSION,
        EventType.TERMINATION, EventType.REVIEW]))
    d = draw(days)
    outcome = draw(st.sampled_from(list(ContactOutcome))) if etype is EventType.CONTACT else None
    for_date = None
    if etype is EventType.EXPLANATION or draw(st.booleans()) and etype in (
            EventType.WARNING, EventType.BREACH_INITIATED, EventType.RECALL_INITIATED):
        for_date = d - timedelta(days=draw(st.integers(0, 40)))
    acceptable = draw(st.booleans()) if etype is EventType.EXPLANATION else None
    until = None
    reason = None
    if etype is EventType.SUSPENSION:
        reason = draw(st.sampled_from(["custody", "hospital", "sickness"]))
        if draw(st.booleans()):
            until = d + timedelta(days=draw(st.integers(0, 120)))
    return Event(etype, d, outcome, for_date, acceptable, reason, until, None, draw(extras))


@st.composite
def cases(draw) -> Case:
    order = draw(st.sampled_from(list(OrderType)))
    sentence = draw(days)
    evs = draw(st.lists(events(), max_size=25))
    # make failures on shared days and explanations that match them likely
    ftc_days = [e.date for e in evs if e.is_ftc]
    if ftc_days and draw(st.booleans()):
        target = draw(st.sampled_from(ftc_days))
        evs.append(Event(EventType.CONTACT, target, ContactOutcome.FTC))
        evs.append(Event(EventType.EXPLANATION,
                         target + timedelta(days=draw(st.integers(0, 30))),
                         for_date=target, acceptable=draw(st.booleans())))
    return Case(
        "X123456", "Generated", order, sentence, draw(st.integers(1, 4)),
        draw(st.sampled_from(list(Rosh))),
        requirements=tuple(draw(st.lists(st.sampled_from(list(Requirement)), max_size=3))),
        events=tuple(evs),
        release_date=draw(st.one_of(st.none(), days)),
        end_date=draw(st.one_of(st.none(), days)))


@settings(max_examples=120)
@given(case=cases(), today=days)
def test_enforcement_never_raises_and_clocks_end_on_working_days(fixed_cal, case, today):
    state = enforcement_state(case, today, fixed_cal, POLICY)
    assert [f.date for f in state.failures] == sorted({f.date for f in state.failures})
    for f in state.failures:
        assert f.date <= today
        assert f.clock_end > f.date
        assert fixed_cal.is_working_day(f.clock_end)
        assert f.clock_end == fixed_cal.add_working_days(f.date, POLICY.explanation_working_days)
        assert f.working_days_left == fixed_cal.working_days_between(today, f.clock_end)
        if f.status is FailureStatus.OPEN:
            assert today <= f.clock_end and f.decision is None and f.actioned_by is None
        for w in f.warnings_counted:
            assert f.window_start <= w.date < f.date and not w.spent_by(f.date)
    for item in state.due_items:
        assert item.kind == "enforcement"
        assert item.due >= item.day0
        assert item.trace.due == item.due
        assert (item.status is Status.DONE) == (item.done_on is not None and item.done_on <= today)
    assert len([i for i in state.due_items if i.rule != POLICY.recall_letter.id]) \
        == len(state.failures)
    listed = enforcement_due_items(case, today, fixed_cal, POLICY)
    assert all(item in state.due_items for item in listed)
    left_out = [i for i in state.due_items if i not in listed]
    recent = lookback_start(today, POLICY.lookback_months)
    assert all(i.status is Status.DONE and i.day0 < recent for i in left_out)
    assert all(i in listed for i in state.due_items if i.status is not Status.DONE)


@given(day=st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31)),
       months=st.integers(1, 36))
def test_lookback_start_is_relativedelta(day, months):
    assert lookback_start(day, months) == day - relativedelta(months=months)

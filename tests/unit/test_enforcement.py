"""Enforcement (NS 2f.3-2f.8): failures, the day-10 clock, warnings, breach and recall.

Dates are worked by hand in the comments against the committed England & Wales bank holidays
(``fixed_cal``): 2026 Good Friday 3 Apr, Easter Monday 6 Apr, May Day 4 May, summer 31 Aug,
Christmas Fri 25 Dec, Boxing Day observed Mon 28 Dec, New Year Fri 1 Jan 2027.
"""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources

import pytest

from omtui.domain.case import Case, ContactOutcome, Event, EventType, OrderType, Rosh
from omtui.domain.due import Status
from omtui.domain.enforcement import (
    Action,
    EnforcementPolicy,
    EnforcementPolicyError,
    FailureStatus,
    enforcement_due_items,
    enforcement_state,
    lookback_start,
)

D = date


def load_pack() -> dict:
    text = resources.files("omtui.data.rules").joinpath("enforcement.toml").read_text("utf-8")
    return tomllib.loads(text)


@pytest.fixture(scope="module")
def policy() -> EnforcementPolicy:
    return EnforcementPolicy.from_dict(load_pack())


def ftc(d: date, **extra) -> Event:
    return Event(EventType.CONTACT, d, ContactOutcome.FTC, extra=extra)


def attended(d: date) -> Event:
    return Event(EventType.CONTACT, d, ContactOutcome.ATTENDED)


def warning(d: date, for_date: date | None = None) -> Event:
    return Event(EventType.WARNING, d, for_date=for_date)


def explanation(d: date, for_date: date, acceptable: bool, **extra) -> Event:
    return Event(EventType.EXPLANATION, d, for_date=for_date, acceptable=acceptable,
                 reason="hospital appointment", extra=extra)


def case(order: OrderType = OrderType.CO, *events: Event, sentence: date = D(2025, 1, 6)) -> Case:
    return Case("X123456", "Test Person", order, sentence, 3, Rosh.MEDIUM,
                release_date=sentence if order.is_post_custody else None, events=tuple(events))


# -- the clock ----------------------------------------------------------------------------------

def test_clock_ends_on_the_10th_working_day_across_christmas_and_new_year(fixed_cal, policy):
    # Failure Thu 17 Dec 2026. Fri 18 (1), Mon 21 (2), Tue 22 (3), Wed 23 (4), Thu 24 (5),
    # Fri 25 Christmas, Sat, Sun, Mon 28 Boxing Day (observed) skipped, Tue 29 (6), Wed 30 (7),
    # Thu 31 (8), Fri 1 Jan New Year skipped, Sat, Sun, Mon 4 Jan (9), Tue 5 Jan 2027 (10).
    c = case(OrderType.CO, ftc(D(2026, 12, 17)))
    state = enforcement_state(c, D(2026, 12, 21), fixed_cal, policy)
    [f] = state.failures
    assert f.clock_end == D(2027, 1, 5)
    assert f.status is FailureStatus.OPEN
    # from Mon 21 Dec: Tue 22..Thu 24 (3), Tue 29..Thu 31 (6), Mon 4 (7), Tue 5 (8)
    assert f.working_days_left == 8
    assert f.next_action is Action.WARNING
    skipped = {s.day for s in f.clock_trace.skipped}
    assert {D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1)} <= skipped
    [item] = enforcement_due_items(c, D(2026, 12, 21), fixed_cal, policy)
    assert (item.rule, item.source, item.due, item.status, item.kind) == (
        "ns-2f4-explanation-window", "NS 2f.4", D(2027, 1, 5), Status.DUE, "enforcement")
    assert item.trace.due == item.due and item.day0 == D(2026, 12, 17)
    assert any("at the deadline: written warning" in n for n in item.notes)


def test_failure_on_a_saturday_is_still_day_0(fixed_cal, policy):
    # Unpaid work missed on Sat 19 Dec 2026: Mon 21 (1), Tue 22 (2), Wed 23 (3), Thu 24 (4),
    # Christmas Fri 25 and Boxing Day (observed) Mon 28 skipped, Tue 29 (5), Wed 30 (6),
    # Thu 31 (7), New Year Fri 1 Jan skipped, Mon 4 (8), Tue 5 (9), Wed 6 Jan 2027 (10).
    c = case(OrderType.CO, ftc(D(2026, 12, 19), requirement="unpaid_work"))
    [f] = enforcement_state(c, D(2026, 12, 21), fixed_cal, policy).failures
    assert f.clock_end == D(2027, 1, 6)
    assert any("day 0 is not a working day" in n for n in f.clock_trace.notes)


def test_clock_still_open_on_day_10_and_warning_due_the_day_after(fixed_cal, policy):
    # Failure Wed 1 Apr 2026: Thu 2 (1), Good Friday 3 and Easter Monday 6 skipped, Tue 7 (2),
    # Wed 8 (3), Thu 9 (4), Fri 10 (5), Mon 13 (6), Tue 14 (7), Wed 15 (8), Thu 16 (9), Fri 17 (10).
    c = case(OrderType.CO, ftc(D(2026, 4, 1)))
    on_day_10 = enforcement_state(c, D(2026, 4, 17), fixed_cal, policy).failures[0]
    assert on_day_10.clock_end == D(2026, 4, 17)
    assert on_day_10.status is FailureStatus.OPEN and on_day_10.working_days_left == 0
    after = enforcement_state(c, D(2026, 4, 18), fixed_cal, policy)
    assert after.failures[0].status is FailureStatus.WARNING_DUE
    [item] = after.due_items
    assert item.rule == "ns-2f8-written-warning" and item.source == "NS 2f.8"
    assert item.due == D(2026, 4, 17) and item.status is Status.OVERDUE


def test_several_failures_on_one_day_are_one_failure(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2026, 6, 1)), ftc(D(2026, 6, 1), requirement="unpaid_work"),
             ftc(D(2026, 6, 3)))
    state = enforcement_state(c, D(2026, 6, 4), fixed_cal, policy)
    assert [(f.date, f.count) for f in state.failures] == [(D(2026, 6, 1), 2), (D(2026, 6, 3), 1)]
    assert any("count as one" in flag for flag in state.failures[0].flags)
    assert len(enforcement_due_items(c, D(2026, 6, 4), fixed_cal, policy)) == 2


def test_acceptable_explanation_within_the_clock_closes_the_failure(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2026, 4, 1)), explanation(D(2026, 4, 9), D(2026, 4, 1), True))
    state = enforcement_state(c, D(2026, 5, 1), fixed_cal, policy)
    [f] = state.failures
    assert f.status is FailureStatus.EXPLAINED_ACCEPTABLE and f.decision == "acceptable"
    assert not state.open_failures
    [item] = state.due_items
    assert item.status is Status.DONE and item.done_on == D(2026, 4, 9)


def test_unacceptable_explanation_makes_the_warning_due_before_day_10(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2026, 4, 1)), explanation(D(2026, 4, 2), D(2026, 4, 1), False))
    [f] = enforcement_state(c, D(2026, 4, 7), fixed_cal, policy).failures
    assert f.status is FailureStatus.WARNING_DUE and f.decision == "unacceptable"
    assert f.working_days_left == 8   # Wed 8 .. Fri 17: 8 working days


def test_late_explanation_needs_extenuating_circumstances(fixed_cal, policy):
    # clock ends Fri 17 Apr 2026 (worked above); the explanation comes on Mon 20 Apr
    late = explanation(D(2026, 4, 20), D(2026, 4, 1), True)
    [f] = enforcement_state(case(OrderType.CO, ftc(D(2026, 4, 1)), late), D(2026, 4, 21),
                            fixed_cal, policy).failures
    assert f.status is FailureStatus.WARNING_DUE
    assert f.explanations[0].late and not f.explanations[0].counts_as_acceptable
    assert any("extenuating" in flag for flag in f.flags)

    noted = explanation(D(2026, 4, 20), D(2026, 4, 1), True,
                        extenuating_circumstances="in hospital until 19 April")
    state = enforcement_state(case(OrderType.CO, ftc(D(2026, 4, 1)), noted), D(2026, 4, 21),
                              fixed_cal, policy)
    [f] = state.failures
    assert f.status is FailureStatus.EXPLAINED_ACCEPTABLE
    assert f.explanations[0].extenuating == "in hospital until 19 April"
    [item] = state.due_items
    assert item.status is Status.DONE and item.late_by == 1    # Fri 17 -> Mon 20


def test_warning_issued_closes_the_failure_as_actioned(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2026, 4, 1)), warning(D(2026, 4, 16)))
    state = enforcement_state(c, D(2026, 6, 1), fixed_cal, policy)
    [f] = state.failures
    assert f.status is FailureStatus.ACTIONED and f.action_taken is Action.WARNING
    assert state.warnings[0].for_failure == D(2026, 4, 1)
    [item] = state.due_items
    assert item.status is Status.DONE and item.rule == "ns-2f8-written-warning"


def test_events_after_today_are_not_known_yet(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2026, 4, 1)), warning(D(2026, 4, 16)), ftc(D(2026, 5, 5)))
    state = enforcement_state(c, D(2026, 4, 10), fixed_cal, policy)
    assert [f.date for f in state.failures] == [D(2026, 4, 1)]
    assert state.failures[0].status is FailureStatus.OPEN and not state.warnings


# -- orders: breach -------------------------------------------------------------------------------

def test_co_second_failure_within_12_months_goes_to_breach_not_warning(fixed_cal, policy):
    # Warning on 16 Apr 2026 for the failure of 1 Apr; second failure Wed 14 Oct 2026.
    # Clock: Thu 15 (1) .. Wed 28 Oct (10). Breach papers 20 working days from Wed 14 Oct 2026:
    # Oct 15,16,19,20,21,22,23,26,27,28 (10), 29,30, Nov 2,3,4,5,6,9,10,11 (20) = Wed 11 Nov.
    c = case(OrderType.CO, ftc(D(2026, 4, 1)), warning(D(2026, 4, 16)), ftc(D(2026, 10, 14)))
    state = enforcement_state(c, D(2026, 10, 29), fixed_cal, policy)
    second = state.failures[1]
    assert second.next_action is Action.BREACH
    assert second.status is FailureStatus.BREACH_DUE
    assert second.next_action_rule == "ns-2f4-order-breach"
    assert [w.date for w in second.warnings_counted] == [D(2026, 4, 16)]
    item = state.due_items[1]
    assert (item.rule, item.source, item.day0, item.due) == (
        "ns-2f6-breach-papers", "NS 2f.6", D(2026, 10, 14), D(2026, 11, 11))
    assert item.status is Status.DUE
    assert any("ns-2f4-order-breach" in n for n in item.notes)


def test_breach_papers_deadline_skips_may_day(fixed_cal, policy):
    # Failure Wed 15 Apr 2026; 20 working days: Apr 16,17,20,21,22,23,24,27,28,29 (10),
    # Apr 30, May 1 (12), Mon 4 May skipped (May Day), May 5,6,7,8 (16), 11,12,13,14 (20).
    c = case(OrderType.SSO, ftc(D(2026, 1, 7)), warning(D(2026, 1, 20)), ftc(D(2026, 4, 15)))
    state = enforcement_state(c, D(2026, 4, 30), fixed_cal, policy)
    item = state.due_items[1]
    assert item.due == D(2026, 5, 14)
    assert D(2026, 5, 4) in {s.day for s in item.trace.skipped}


def test_co_second_failure_after_12_months_is_a_warning_again(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2025, 3, 3)), warning(D(2025, 3, 10)), ftc(D(2026, 3, 11)))
    second = enforcement_state(c, D(2026, 3, 12), fixed_cal, policy).failures[1]
    assert second.next_action is Action.WARNING and second.warnings_counted == ()


def test_breach_initiated_actions_the_failure(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2026, 4, 1)), warning(D(2026, 4, 16)), ftc(D(2026, 10, 14)),
             Event(EventType.BREACH_INITIATED, D(2026, 11, 2)))
    state = enforcement_state(c, D(2026, 11, 23), fixed_cal, policy)
    second = state.failures[1]
    assert second.status is FailureStatus.ACTIONED and second.action_taken is Action.BREACH
    assert state.due_items[1].status is Status.DONE


def test_warning_where_breach_was_due_is_flagged(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2026, 4, 1)), warning(D(2026, 4, 16)), ftc(D(2026, 10, 14)),
             warning(D(2026, 10, 20)))
    second = enforcement_state(c, D(2026, 11, 23), fixed_cal, policy).failures[1]
    assert second.status is FailureStatus.ACTIONED
    assert any("where the standard asks for breach" in flag for flag in second.flags)


def test_court_letting_the_order_continue_spends_earlier_warnings(fixed_cal, policy):
    breach = Event(EventType.BREACH_INITIATED, D(2026, 5, 5),
                   extra={"court_outcome": "order_continues", "court_date": "2026-05-20"})
    c = case(OrderType.CO, ftc(D(2026, 3, 2)), warning(D(2026, 3, 10)), ftc(D(2026, 4, 20)),
             breach, ftc(D(2026, 7, 1)))
    state = enforcement_state(c, D(2026, 7, 2), fixed_cal, policy)
    assert state.failures[1].next_action is Action.BREACH
    third = state.failures[2]
    assert third.next_action is Action.WARNING and third.warnings_counted == ()
    [w] = state.spent_warnings
    assert w.spent_on == D(2026, 5, 20) and "continue" in (w.spent_reason or "")
    assert state.warnings_in_window == ()


# -- licences: recall -------------------------------------------------------------------------------

def licence_with_two_warnings(*more: Event) -> Case:
    return case(OrderType.LICENCE, ftc(D(2026, 2, 2)), warning(D(2026, 2, 10)),
                ftc(D(2026, 3, 2)), warning(D(2026, 3, 9)), *more, sentence=D(2026, 1, 5))


def test_licence_two_warnings_then_third_failure_is_recall(fixed_cal, policy):
    # Third failure Wed 1 Apr 2026: clock ends Fri 17 Apr (worked above); no explanation, so
    # the decision to recommend recall falls at that deadline and proceedings are due within
    # 24 hours: Sat 18 Apr (calendar time, not moved to a working day).
    c = licence_with_two_warnings(ftc(D(2026, 4, 1)))
    state = enforcement_state(c, D(2026, 4, 20), fixed_cal, policy)
    first, second, third = state.failures
    assert first.next_action is Action.WARNING and not first.senior_manager
    assert second.next_action is Action.WARNING and second.senior_manager
    assert second.warning_number == 2
    assert third.next_action is Action.RECALL and third.status is FailureStatus.RECALL_DUE
    assert [w.date for w in third.warnings_counted] == [D(2026, 2, 10), D(2026, 3, 9)]
    assert "two warnings" in third.at_deadline
    item = state.due_items[2]
    assert (item.rule, item.day0, item.due, item.status) == (
        "ns-2f4-recall-24-hours", D(2026, 4, 17), D(2026, 4, 18), Status.OVERDUE)
    # the second warning's due item says who must issue it
    assert "senior manager" in state.due_items[1].title
    assert [w.senior_manager for w in state.warnings] == [False, True]


def test_recall_decision_taken_on_an_unacceptable_explanation_starts_the_24_hours(fixed_cal, policy):
    c = licence_with_two_warnings(ftc(D(2026, 4, 1)),
                                  explanation(D(2026, 4, 8), D(2026, 4, 1), False))
    state = enforcement_state(c, D(2026, 4, 8), fixed_cal, policy)
    assert state.failures[2].status is FailureStatus.RECALL_DUE
    item = state.due_items[2]
    assert (item.day0, item.due, item.status) == (D(2026, 4, 8), D(2026, 4, 9), Status.DUE_SOON)


def test_licence_one_warning_then_failure_is_a_senior_manager_warning(fixed_cal, policy):
    c = case(OrderType.LICENCE, ftc(D(2026, 2, 2)), warning(D(2026, 2, 10)), ftc(D(2026, 3, 2)),
             sentence=D(2026, 1, 5))
    state = enforcement_state(c, D(2026, 3, 3), fixed_cal, policy)
    assert state.failures[1].senior_manager and state.failures[1].warning_number == 2
    assert state.next_failure_action is Action.WARNING


def test_recall_letter_within_5_working_days_of_return_to_custody(fixed_cal, policy):
    # Returned to custody Thu 27 Aug 2026: Fri 28 (1), Mon 31 Aug summer bank holiday skipped,
    # Tue 1 Sep (2), Wed 2 (3), Thu 3 (4), Fri 4 Sep (5).
    c = licence_with_two_warnings(ftc(D(2026, 8, 3)),
                                  Event(EventType.RECALL_INITIATED, D(2026, 8, 18)),
                                  Event(EventType.RETURNED_TO_CUSTODY, D(2026, 8, 27)))
    state = enforcement_state(c, D(2026, 9, 1), fixed_cal, policy)
    [letter] = state.recall_letters
    assert letter.due == D(2026, 9, 4) and letter.done_on is None
    item = next(i for i in state.due_items if i.rule == "ns-2f7-recall-letter")
    assert item.source == "NS 2f.7" and item.status is Status.DUE
    assert D(2026, 8, 31) in {s.day for s in item.trace.skipped}
    assert state.failures[2].status is FailureStatus.ACTIONED

    done = licence_with_two_warnings(
        ftc(D(2026, 8, 3)), Event(EventType.RECALL_INITIATED, D(2026, 8, 18)),
        Event(EventType.RETURNED_TO_CUSTODY, D(2026, 8, 27)),
        Event(EventType.CONTACT, D(2026, 9, 2), extra={"purpose": "recall_letter"}))
    letter = enforcement_state(done, D(2026, 9, 7), fixed_cal, policy).recall_letters[0]
    assert letter.done_on == D(2026, 9, 2)

    # a letter *received* from the person (direction: in) is not the letter to them;
    # a letter contact sent on Fri 4 Sep is, on the last day
    mixed = licence_with_two_warnings(
        ftc(D(2026, 8, 3)), Event(EventType.RECALL_INITIATED, D(2026, 8, 18)),
        Event(EventType.RETURNED_TO_CUSTODY, D(2026, 8, 27)),
        Event(EventType.CONTACT, D(2026, 9, 1), extra={"contact_type": "letter", "direction": "in"}),
        Event(EventType.CONTACT, D(2026, 9, 4), extra={"contact_type": "letter"}))
    letter = enforcement_state(mixed, D(2026, 9, 7), fixed_cal, policy).recall_letters[0]
    assert letter.done_on == D(2026, 9, 4)


def test_return_to_custody_without_recall_needs_no_letter(fixed_cal, policy):
    c = case(OrderType.LICENCE, Event(EventType.RETURNED_TO_CUSTODY, D(2026, 8, 27)),
             sentence=D(2026, 1, 5))
    assert enforcement_state(c, D(2026, 9, 1), fixed_cal, policy).recall_letters == ()


def test_warnings_spent_after_recall_and_re_release(fixed_cal, policy):
    c = licence_with_two_warnings(
        ftc(D(2026, 4, 1)), Event(EventType.RECALL_INITIATED, D(2026, 4, 16)),
        Event(EventType.RETURNED_TO_CUSTODY, D(2026, 4, 20)),
        Event(EventType.RELEASE, D(2026, 7, 1)), ftc(D(2026, 7, 15)))
    state = enforcement_state(c, D(2026, 7, 16), fixed_cal, policy)
    last = state.failures[-1]
    assert last.next_action is Action.WARNING and last.warnings_counted == ()
    assert last.warning_number == 1 and not last.senior_manager
    assert [w.date for w in state.spent_warnings] == [D(2026, 2, 10), D(2026, 3, 9)]
    assert all(w.spent_on == D(2026, 7, 1) for w in state.spent_warnings)
    # before the re-release the warnings still count
    before = enforcement_state(c, D(2026, 6, 30), fixed_cal, policy)
    assert len(before.warnings_in_window) == 2 and before.spent_warnings == ()
    assert before.next_failure_action is Action.RECALL


def test_release_without_recall_spends_nothing(fixed_cal, policy):
    c = licence_with_two_warnings(Event(EventType.RELEASE, D(2026, 3, 20)), ftc(D(2026, 4, 1)))
    assert enforcement_state(c, D(2026, 4, 2), fixed_cal, policy).failures[-1].next_action \
        is Action.RECALL


# -- the preceding 12 months -----------------------------------------------------------------------

@pytest.mark.parametrize(("failure", "start"), [
    (D(2026, 3, 10), D(2025, 3, 10)),
    (D(2025, 2, 28), D(2024, 2, 28)),
    (D(2025, 3, 1), D(2024, 3, 1)),
    (D(2024, 2, 29), D(2023, 2, 28)),     # no 29 Feb 2023: clipped to the 28th
    (D(2028, 2, 29), D(2027, 2, 28)),
    (D(2024, 3, 1), D(2023, 3, 1)),
])
def test_lookback_start(failure, start):
    assert lookback_start(failure, 12) == start


@pytest.mark.parametrize(("warned", "failed", "counted"), [
    (D(2025, 3, 10), D(2026, 3, 10), True),     # exactly 12 months before: inside
    (D(2025, 3, 9), D(2026, 3, 10), False),     # one day more: outside
    (D(2024, 2, 29), D(2025, 2, 28), True),     # window starts 28 Feb 2024
    (D(2024, 2, 29), D(2025, 3, 1), False),     # window starts 1 Mar 2024
    (D(2023, 2, 28), D(2024, 2, 29), True),     # leap-day failure: window starts 28 Feb 2023
    (D(2023, 2, 27), D(2024, 2, 29), False),
    (D(2026, 3, 10), D(2026, 3, 10), False),    # a warning on the failure day is not "already"
])
def test_twelve_month_window_edges(fixed_cal, policy, warned, failed, counted):
    c = case(OrderType.CO, ftc(D(2023, 1, 2)), warning(warned), ftc(failed),
             sentence=D(2023, 1, 2))
    f = next(f for f in enforcement_state(c, failed, fixed_cal, policy).failures
             if f.date == failed)
    assert (f.next_action is Action.BREACH) is counted
    assert ([w.date for w in f.warnings_counted] == [warned]) is counted


def test_state_lists_warnings_in_the_window_up_to_today(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2025, 6, 2)), warning(D(2025, 6, 10)))
    state = enforcement_state(c, D(2026, 6, 10), fixed_cal, policy)
    assert [w.date for w in state.warnings_in_window] == [D(2025, 6, 10)]
    assert state.window_start == D(2025, 6, 10)
    assert state.next_failure_action is Action.WARNING   # a failure tomorrow: 11 June 2026
    later = enforcement_state(c, D(2026, 6, 11), fixed_cal, policy)
    assert later.warnings_in_window == ()


# -- the pack -------------------------------------------------------------------------------------------

def test_pack_numbers_come_from_the_data(fixed_cal):
    pack = load_pack()
    pack["explanation"]["working_days"] = 5
    pack["threshold"][0]["prior_warnings"] = 2
    policy = EnforcementPolicy.from_dict(pack)
    # 5 working days from Wed 1 Apr 2026: Thu 2, Tue 7, Wed 8, Thu 9, Fri 10
    c = case(OrderType.CO, ftc(D(2026, 1, 7)), warning(D(2026, 1, 20)), ftc(D(2026, 4, 1)))
    f = enforcement_state(c, D(2026, 4, 2), fixed_cal, policy).failures[1]
    assert f.clock_end == D(2026, 4, 10) and f.next_action is Action.WARNING


@pytest.mark.parametrize(("path", "value", "field"), [
    (("explanation", "working_days"), 0, "explanation.working_days"),
    (("explanation", "working_days"), "ten", "explanation.working_days"),
    (("lookback", "months"), None, "lookback.months"),
    (("pack", "effective_from"), "2007-13-01", "pack.effective_from"),
    (("recall", "hours"), 30, "recall.hours"),
    (("breach", "source"), "", "breach.source"),
])
def test_bad_pack_names_the_field(path, value, field):
    pack = load_pack()
    pack[path[0]][path[1]] = value
    with pytest.raises(EnforcementPolicyError) as err:
        EnforcementPolicy.from_dict(pack)
    assert err.value.field == field and field in str(err.value)


def test_bad_threshold_names_the_field():
    pack = load_pack()
    pack["threshold"][1]["order_types"] = ["licence", "CO"]
    with pytest.raises(EnforcementPolicyError, match=r"threshold\[1\]\.order_types\[1\]"):
        EnforcementPolicy.from_dict(pack)
    pack = load_pack()
    pack["threshold"][0]["action"] = "warning"
    with pytest.raises(EnforcementPolicyError, match=r"threshold\[0\]\.action"):
        EnforcementPolicy.from_dict(pack)
    with pytest.raises(EnforcementPolicyError, match=r"threshold"):
        EnforcementPolicy.from_dict({k: v for k, v in load_pack().items() if k != "threshold"})


def test_every_rule_cites_a_section():
    pack = load_pack()
    tables = [pack[k] for k in ("explanation", "lookback", "warning", "breach", "recall",
                                "recall_letter", "spent")] + pack["threshold"]
    for t in tables:
        assert t["source"].startswith(("NS 2f", "HMIP D.")), t
    assert pack["pack"]["id"] and pack["pack"]["effective_from"]


def test_due_list_leaves_out_failures_closed_long_ago(fixed_cal, policy):
    c = case(OrderType.CO, ftc(D(2024, 5, 1)), warning(D(2024, 5, 8)),
             ftc(D(2026, 1, 5)), explanation(D(2026, 1, 6), D(2026, 1, 5), True),
             ftc(D(2026, 11, 16)))
    state = enforcement_state(c, D(2026, 11, 23), fixed_cal, policy)
    assert [f.status for f in state.failures] == [
        FailureStatus.ACTIONED, FailureStatus.EXPLAINED_ACCEPTABLE, FailureStatus.OPEN]
    listed = enforcement_due_items(c, D(2026, 11, 23), fixed_cal, policy)
    # the 2024 failure closed more than 12 months ago; the January 2026 one is recent enough
    assert [i.day0 for i in listed] == [D(2026, 1, 5), D(2026, 11, 16)]

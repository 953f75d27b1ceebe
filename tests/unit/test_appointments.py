"""Arranging appointments: series, warnings, the next appointment and outcomes to record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.domain.appointments import (
    MAX_OCCURRENCES,
    AppointmentError,
    AppointmentSeries,
    Frequency,
    WarningKind,
    next_appointment,
    outcomes_to_record,
    plan_appointments,
    series_dates,
    slot_of,
    upcoming_appointments,
)
from omtui.domain.case import Case, ContactOutcome, Event, EventType, OrderType, Rosh
from omtui.domain.caseformat import case_to_dict, parse_case
from omtui.outcomes_file import packaged_taxonomy

TODAY = date(2026, 11, 23)  # Monday
TAX = packaged_taxonomy()


def appt(day: date, at: time | None = time(10, 0), minutes: int | None = 60,
         ctype: str = "office") -> Event:
    return TAX.make_contact_event(day, at, ctype, None, duration_minutes=minutes)


def make_case(*events: Event) -> Case:
    return Case(crn="X123456", name="A Person", order_type=OrderType.CO,
                sentence_date=date(2026, 10, 1), tier=2, rosh=Rosh.MEDIUM, events=events)


# -- series ------------------------------------------------------------------------------------

@pytest.mark.parametrize("freq, step", [
    (Frequency.WEEKLY, 7), (Frequency.FORTNIGHTLY, 14), (Frequency.FOUR_WEEKLY, 28)])
def test_repeating_series_by_count(freq, step):
    s = AppointmentSeries(date(2026, 11, 24), time(9, 30), "office", frequency=freq, count=3)
    start = date(2026, 11, 24)
    assert series_dates(s) == [start, start + timedelta(days=step),
                               start + timedelta(days=2 * step)]


def test_series_until_a_date_includes_that_date():
    s = AppointmentSeries(date(2026, 11, 24), None, "office", frequency=Frequency.FORTNIGHTLY,
                          until=date(2026, 12, 22))
    assert series_dates(s) == [date(2026, 11, 24), date(2026, 12, 8), date(2026, 12, 22)]
    s = replace(s, until=date(2026, 12, 21))
    assert series_dates(s) == [date(2026, 11, 24), date(2026, 12, 8)]


def test_one_off():
    assert series_dates(AppointmentSeries(TODAY, None, "phone")) == [TODAY]


def test_frequency_words():
    assert Frequency.parse(" Fortnightly") is Frequency.FORTNIGHTLY
    assert Frequency.parse("four-weekly") is Frequency.FOUR_WEEKLY
    with pytest.raises(AppointmentError, match="'monthly' is not a frequency: use once, weekly"):
        Frequency.parse("monthly")


@pytest.mark.parametrize("kwargs, field, message", [
    (dict(frequency=Frequency.WEEKLY), "count",
     "a weekly series needs how many appointments or an end date"),
    (dict(frequency=Frequency.WEEKLY, count=3, until=date(2027, 1, 1)), "count",
     "give the number of appointments or the end date, not both"),
    (dict(frequency=Frequency.WEEKLY, count=0), "count", "0 appointments is outside 1-104"),
    (dict(frequency=Frequency.WEEKLY, count=105), "count", "105 appointments is outside 1-104"),
    (dict(frequency=Frequency.WEEKLY, until=date(2026, 11, 1)), "until",
     "the end date 2026-11-01 is before the first appointment (2026-11-23)"),
    (dict(frequency=Frequency.WEEKLY, until=date(2029, 1, 1)), "until",
     "weekly until 2029-01-01 makes 111 appointments (at most 104)"),
    (dict(count=2), "frequency", "a one-off appointment has no count or end date"),
    (dict(frequency="weekly", count="3"), "count",
     "the number of appointments '3' must be a whole number"),
])
def test_bad_series_say_which_field(kwargs, field, message):
    with pytest.raises(AppointmentError) as exc:
        series_dates(AppointmentSeries(TODAY, time(9, 0), "office", **kwargs))
    assert exc.value.field == field
    assert str(exc.value).startswith(message)


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
       freq=st.sampled_from([Frequency.WEEKLY, Frequency.FORTNIGHTLY, Frequency.FOUR_WEEKLY]),
       count=st.integers(min_value=1, max_value=MAX_OCCURRENCES))
def test_series_by_count_and_by_until_agree(start, freq, count):
    by_count = series_dates(AppointmentSeries(start, None, "office", frequency=freq, count=count))
    assert len(by_count) == count
    assert all(b - a == timedelta(days=freq.step_days) for a, b in zip(by_count, by_count[1:]))
    assert all(d.weekday() == start.weekday() for d in by_count)
    by_until = series_dates(AppointmentSeries(start, None, "office", frequency=freq,
                                              until=by_count[-1]))
    assert by_until == by_count


# -- plans and warnings ----------------------------------------------------------------------

def test_weekly_over_christmas_warns_of_each_bank_holiday(fixed_cal):
    s = AppointmentSeries(date(2026, 12, 11), time(10, 0), "office",
                          frequency=Frequency.WEEKLY, count=4)
    plan = plan_appointments(s, TAX, fixed_cal, make_case(), today=TODAY)
    assert [e.date for e in plan.events] == [date(2026, 12, 11), date(2026, 12, 18),
                                             date(2026, 12, 25), date(2027, 1, 1)]
    assert [w.message for w in plan.warnings] == [
        "Fri 25/12/2026 is not a working day: Christmas Day",
        "Fri 01/01/2027 is not a working day: New Year's Day",
    ]
    assert all(w.kind is WarningKind.CLOSED for w in plan.warnings)
    assert plan.warnings_for(date(2026, 12, 18)) == []
    assert all(e.outcome is None and e.extra == {"contact_type": "office", "time": "10:00",
                                                 "duration_minutes": 60} for e in plan.events)


def test_weekend_warning_names_the_day_and_any_holiday(fixed_cal):
    plan = plan_appointments(AppointmentSeries(date(2026, 12, 26), None, "home_visit"), TAX,
                             fixed_cal)
    assert [w.message for w in plan.warnings] == [
        "Sat 26/12/2026 is not a working day: Saturday (Boxing Day)"]


def test_overlap_with_another_appointment_of_the_case(fixed_cal):
    case = make_case(appt(date(2026, 11, 25), time(10, 0), 60))
    s = AppointmentSeries(date(2026, 11, 25), time(10, 30), "phone", duration_minutes=30)
    plan = plan_appointments(s, TAX, fixed_cal, case, today=TODAY)
    assert [(w.kind, w.message) for w in plan.warnings] == [
        (WarningKind.OVERLAP, "Wed 25/11/2026 10:30-11:00 overlaps another appointment "
                              "(Wed 25/11/2026 10:00-11:00)")]


def test_back_to_back_is_not_an_overlap(fixed_cal):
    case = make_case(appt(date(2026, 11, 25), time(10, 0), 60))
    s = AppointmentSeries(date(2026, 11, 25), time(11, 0), "office", duration_minutes=30)
    assert plan_appointments(s, TAX, fixed_cal, case).warnings == ()
    s = replace(s, at=time(9, 30))
    assert plan_appointments(s, TAX, fixed_cal, case).warnings == ()
    s = replace(s, at=time(9, 31))
    assert [w.kind for w in plan_appointments(s, TAX, fixed_cal, case).warnings] == [
        WarningKind.OVERLAP]


def test_existing_appointment_without_a_length_counts_as_an_hour(fixed_cal):
    case = make_case(appt(date(2026, 11, 25), time(10, 0), None))
    s = AppointmentSeries(date(2026, 11, 25), time(10, 59), "office", duration_minutes=15)
    assert [w.kind for w in plan_appointments(s, TAX, fixed_cal, case).warnings] == [
        WarningKind.OVERLAP]


def test_untimed_appointments_on_the_same_day_get_a_softer_warning(fixed_cal):
    case = make_case(appt(date(2026, 11, 25), None))
    plan = plan_appointments(AppointmentSeries(date(2026, 11, 25), time(14, 0), "office"), TAX,
                             fixed_cal, case)
    assert [(w.kind, w.message) for w in plan.warnings] == [
        (WarningKind.SAME_DAY, "Wed 25/11/2026: another appointment is arranged that day "
                               "(Wed 25/11/2026 (no time set))")]


def test_a_rescheduled_contact_no_longer_holds_its_slot(fixed_cal):
    moved = TAX.make_contact_event(date(2026, 11, 20), time(10, 0), "office", "to_be_rescheduled")
    case = make_case(moved)
    plan = plan_appointments(AppointmentSeries(date(2026, 11, 20), time(10, 0), "office"), TAX,
                             fixed_cal, case)
    assert plan.warnings == ()
    # while the same contact, still arranged, does
    case = make_case(appt(date(2026, 11, 20), time(10, 0)))
    plan = plan_appointments(AppointmentSeries(date(2026, 11, 20), time(10, 0), "office"), TAX,
                             fixed_cal, case)
    assert [w.kind for w in plan.warnings] == [WarningKind.OVERLAP]


def test_series_in_the_past_is_warned_about(fixed_cal):
    plan = plan_appointments(AppointmentSeries(date(2026, 11, 20), time(10, 0), "office"), TAX,
                             fixed_cal, today=TODAY)
    assert [w.message for w in plan.warnings] == ["Fri 20/11/2026 is before today"]


def test_calendar_out_of_range_is_a_warning_not_a_crash(fixed_cal):
    plan = plan_appointments(AppointmentSeries(date(2040, 1, 2), time(10, 0), "office"), TAX,
                             fixed_cal)
    assert [w.kind for w in plan.warnings] == [WarningKind.UNCHECKED]
    assert "cannot check the calendar" in plan.warnings[0].message


def test_plan_checks_the_contact_type_and_length(fixed_cal):
    with pytest.raises(Exception, match="'carrier pigeon' is not a contact type"):
        plan_appointments(AppointmentSeries(TODAY, None, "carrier pigeon"), TAX, fixed_cal)
    with pytest.raises(Exception, match="the length 0 minutes is outside 1-720"):
        plan_appointments(AppointmentSeries(TODAY, None, "office", duration_minutes=0), TAX,
                          fixed_cal)


def test_planned_events_survive_the_case_format(fixed_cal):
    s = AppointmentSeries(date(2026, 11, 24), time(9, 0), "video", frequency=Frequency.WEEKLY,
                          count=3, note="bring ID")
    case = make_case(*plan_appointments(s, TAX, fixed_cal).events)
    back, problems = parse_case(case_to_dict(case))
    assert problems == []
    assert back.events == case.events


# -- next appointment, outcomes to record ----------------------------------------------------

def test_next_appointment_is_the_earliest_today_or_later():
    past = appt(date(2026, 11, 20))
    later = appt(date(2026, 11, 30), time(9, 0))
    today_untimed = appt(TODAY, None)
    today_afternoon = appt(TODAY, time(14, 0))
    done_tomorrow = TAX.make_contact_event(date(2026, 11, 24), None, "office",
                                           "attended_complied")
    case = make_case(later, past, today_untimed, today_afternoon, done_tomorrow)
    assert next_appointment(case, TODAY) == today_afternoon
    assert upcoming_appointments(case, TODAY) == [today_afternoon, today_untimed, later]
    assert next_appointment(case, date(2026, 11, 24)) == later
    assert next_appointment(case, date(2026, 12, 1)) is None


def test_outcomes_to_record_are_past_appointments_without_outcome():
    old = appt(date(2026, 11, 2))
    recent = appt(date(2026, 11, 20))
    recorded = TAX.make_contact_event(date(2026, 11, 16), None, "office", "failed_to_attend")
    morning = appt(TODAY, time(9, 0), 30)
    future = appt(date(2026, 11, 30))
    case = make_case(recent, recorded, future, old, morning,
                     Event(EventType.WARNING, date(2026, 11, 10)))
    assert outcomes_to_record(case, TODAY) == [old, recent]
    # at 09:29 the morning appointment has not ended; at 09:30 it has
    assert outcomes_to_record(case, TODAY, now=time(9, 29)) == [old, recent]
    assert outcomes_to_record(case, TODAY, now=time(9, 30)) == [old, recent, morning]


def test_letters_and_recorded_actions_are_not_appointments():
    # A PSR sent to the prison or a MAPPA referral is recorded as a contact with a purpose, and a
    # letter is a contact of type "letter": none of them is a meeting that waits for an outcome.
    meeting = appt(date(2026, 11, 20))
    psr = Event(EventType.CONTACT, date(2026, 11, 2),
                extra={"contact_type": "other_agency", "with": "prison", "purpose": "psr_sent"})
    letter = Event(EventType.CONTACT, date(2026, 11, 3), extra={"contact_type": "letter"})
    received = Event(EventType.CONTACT, date(2026, 11, 4),
                     extra={"contact_type": "other_agency", "direction": "in"})
    agency_meeting = appt(date(2026, 11, 19), ctype="other_agency")
    case = make_case(psr, letter, received, agency_meeting, meeting)
    assert outcomes_to_record(case, TODAY) == [agency_meeting, meeting]
    assert next_appointment(make_case(psr, letter), date(2026, 11, 1)) is None


def test_recording_the_outcome_takes_it_off_the_list():
    a = appt(date(2026, 11, 20))
    case = make_case(a)
    assert outcomes_to_record(case, TODAY) == [a]
    done = TAX.record_outcome(a, "failed_to_attend", today=TODAY)
    assert done.outcome is ContactOutcome.FTC
    assert outcomes_to_record(make_case(done), TODAY) == []


def test_slot_of_a_contact_without_time():
    s = slot_of(appt(TODAY, None, None))
    assert s.start is None and s.duration_minutes == 60
    assert s.label() == "Mon 23/11/2026 (no time set)"

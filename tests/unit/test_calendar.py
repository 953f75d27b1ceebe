"""The working-day engine over the hard cases (NS Interpretation Note 9).

Every expected date below was worked out by hand from a wall calendar and the committed
bank-holiday list (tests/data/bank-holidays-2015-2035.json); the reasoning is in the comment
beside it. Day 0 is the event; the due date is the n-th working day after it.
"""

from __future__ import annotations

from datetime import date

import pytest

from omtui.domain.calendar import (
    CalendarError,
    CalendarRangeError,
    Unit,
    WorkingCalendar,
    fixed_calendar,
)

D = date


# -- Christmas and New Year, with weekend substitute days ------------------------------------

@pytest.mark.parametrize(("day0", "n", "due"), [
    # 2020: Thu 24, Fri 25 Christmas, Sat 26 Boxing, Sun 27, Mon 28 Boxing (observed), Tue 29.
    (D(2020, 12, 24), 1, D(2020, 12, 29)),
    # ... Tue 29 (1), Wed 30 (2), Thu 31 (3), Fri 1 Jan New Year, Sat, Sun, Mon 4 Jan (4).
    (D(2020, 12, 24), 4, D(2021, 1, 4)),
    # 2021: Fri 24, Sat 25 Christmas, Sun 26 Boxing, Mon 27 Christmas (obs), Tue 28 Boxing
    # (obs), Wed 29 is day 1.
    (D(2021, 12, 24), 1, D(2021, 12, 29)),
    # ... Wed 29 (1), Thu 30 (2), Fri 31 (3), Sat 1 Jan New Year, Sun 2, Mon 3 New Year (obs),
    # Tue 4 Jan (4).
    (D(2021, 12, 24), 4, D(2022, 1, 4)),
    # Thu 23 Dec 2021 + 1: Fri 24 Dec is an ordinary working day.
    (D(2021, 12, 23), 1, D(2021, 12, 24)),
    # 2022: Fri 23, Sat 24, Sun 25 Christmas, Mon 26 Boxing, Tue 27 Christmas (obs), Wed 28.
    (D(2022, 12, 23), 1, D(2022, 12, 28)),
    # Fri 30 Dec 2022: Sat 31, Sun 1 Jan New Year, Mon 2 Jan New Year (obs), Tue 3 Jan.
    (D(2022, 12, 30), 1, D(2023, 1, 3)),
    # 2026: Thu 24, Fri 25 Christmas, Sat 26 Boxing, Sun 27, Mon 28 Boxing (obs); Tue 29 (1),
    # Wed 30 (2), Thu 31 (3), Fri 1 Jan New Year, Mon 4 Jan (4), Tue 5 Jan (5).
    (D(2026, 12, 24), 5, D(2027, 1, 5)),
    (D(2026, 12, 24), 3, D(2026, 12, 31)),
    # 2027: Fri 24, Sat 25, Sun 26, Mon 27 Christmas (obs), Tue 28 Boxing (obs); Wed 29 (1),
    # Thu 30 (2), Fri 31 (3), Sat 1 Jan, Sun 2, Mon 3 Jan New Year (obs), Tue 4 Jan (4).
    (D(2027, 12, 24), 3, D(2027, 12, 31)),
    (D(2027, 12, 24), 4, D(2028, 1, 4)),
])
def test_christmas_and_new_year(fixed_cal, day0, n, due):
    assert fixed_cal.add_working_days(day0, n) == due


def test_christmas_2026_substitute_day_is_not_a_working_day(fixed_cal):
    # Boxing Day 2026 is a Saturday, so Monday 28 December is the substitute bank holiday.
    assert not fixed_cal.is_working_day(D(2026, 12, 28))
    assert fixed_cal.reason_closed(D(2026, 12, 28)) == "Boxing Day (observed)"
    assert fixed_cal.reason_closed(D(2026, 12, 26)) == "Saturday (Boxing Day)"
    assert fixed_cal.reason_closed(D(2026, 12, 27)) == "Sunday"
    assert fixed_cal.reason_closed(D(2026, 12, 29)) is None


# -- Easter and the one-off bank holidays -------------------------------------------------

@pytest.mark.parametrize(("day0", "n", "due"), [
    # Easter 2026: Thu 2 Apr; Fri 3 Good Friday, Sat, Sun, Mon 6 Easter Monday; Tue 7 Apr.
    (D(2026, 4, 2), 1, D(2026, 4, 7)),
    # Easter 2024: Thu 28 Mar; Fri 29 Good Friday, Sat, Sun, Mon 1 Apr Easter Monday; Tue 2 Apr.
    (D(2024, 3, 28), 1, D(2024, 4, 2)),
    # Day 0 on Good Friday 2026 is still day 0: day 1 is Tue 7, day 2 Wed 8.
    (D(2026, 4, 3), 2, D(2026, 4, 8)),
    # State Funeral, Mon 19 Sep 2022: from Fri 16 Sep, Sat, Sun, Mon 19 skipped -> Tue 20.
    (D(2022, 9, 16), 1, D(2022, 9, 20)),
    # Coronation, Mon 8 May 2023: from Fri 5 May, Sat, Sun, Mon 8 skipped -> Tue 9.
    (D(2023, 5, 5), 1, D(2023, 5, 9)),
    # Fri 28 Apr 2023: Sat, Sun, Mon 1 May (May Day) -> Tue 2 (1), Wed 3, Thu 4, Fri 5 (4),
    # Mon 8 Coronation skipped, Tue 9 May (5).
    (D(2023, 4, 28), 5, D(2023, 5, 9)),
    # Platinum Jubilee 2022: Thu 2 Jun Spring bank holiday, Fri 3 Jun Jubilee. From Wed 1 Jun,
    # Thu, Fri, Sat, Sun skipped -> Mon 6 Jun.
    (D(2022, 6, 1), 1, D(2022, 6, 6)),
])
def test_easter_and_one_off_holidays(fixed_cal, day0, n, due):
    assert fixed_cal.add_working_days(day0, n) == due


def test_one_off_holidays_have_their_names(fixed_cal):
    assert "Funeral" in fixed_cal.reason_closed(D(2022, 9, 19))
    assert "Coronation" in fixed_cal.reason_closed(D(2023, 5, 8))


# -- Day 0 that is not a working day; n = 0; negative n --------------------------------------

def test_day0_on_a_saturday_is_still_day0(fixed_cal):
    # Sat 28 Nov 2026: Sun 29 skipped, Mon 30 Nov is day 1; day 5 is Fri 4 Dec.
    assert fixed_cal.add_working_days(D(2026, 11, 28), 1) == D(2026, 11, 30)
    assert fixed_cal.add_working_days(D(2026, 11, 28), 5) == D(2026, 12, 4)
    # Sun 29 Nov 2026 counts the same: Mon 30 Nov is day 1.
    assert fixed_cal.add_working_days(D(2026, 11, 29), 1) == D(2026, 11, 30)


def test_day0_on_christmas_day(fixed_cal):
    # Fri 25 Dec 2026: Sat 26, Sun 27, Mon 28 (Boxing Day observed) skipped; Tue 29 is day 1.
    assert fixed_cal.add_working_days(D(2026, 12, 25), 1) == D(2026, 12, 29)
    # Sat 25 Dec 2021: Sun 26, Mon 27, Tue 28 skipped; Wed 29 is day 1, Thu 30 day 2.
    assert fixed_cal.add_working_days(D(2021, 12, 25), 2) == D(2021, 12, 30)


@pytest.mark.parametrize("day0", [D(2026, 12, 25), D(2026, 12, 28), D(2026, 11, 28), D(2026, 11, 23)])
def test_n_zero_is_day0_itself_even_on_a_holiday(fixed_cal, day0):
    assert fixed_cal.add_working_days(day0, 0) == day0


@pytest.mark.parametrize(("day0", "n", "due"), [
    # Mon 4 Jan 2021 - 1: Sun 3, Sat 2, Fri 1 (New Year) skipped -> Thu 31 Dec 2020.
    (D(2021, 1, 4), -1, D(2020, 12, 31)),
    # Tue 29 Dec 2020 - 1: Mon 28 (obs), Sun 27, Sat 26, Fri 25 skipped -> Thu 24 Dec.
    (D(2020, 12, 29), -1, D(2020, 12, 24)),
    # Mon 23 Nov 2026 - 5: Fri 20, Thu 19, Wed 18, Tue 17, Mon 16 Nov.
    (D(2026, 11, 23), -5, D(2026, 11, 16)),
    # Day 0 on Sat 28 Nov 2026 - 1: Fri 27 Nov is the first working day before it.
    (D(2026, 11, 28), -1, D(2026, 11, 27)),
    # Day 0 on Mon 28 Dec 2026 (Boxing Day obs) - 1: Sun 27, Sat 26, Fri 25 skipped -> Thu 24.
    (D(2026, 12, 28), -1, D(2026, 12, 24)),
    # Wed 13 Jan 2027 - 10: Tue 12 (1), Mon 11, Fri 8, Thu 7, Wed 6, Tue 5, Mon 4 (7),
    # Fri 1 (New Year) skipped, Thu 31 Dec (8), Wed 30 (9), Tue 29 (10).
    (D(2027, 1, 13), -10, D(2026, 12, 29)),
])
def test_negative_n_counts_back(fixed_cal, day0, n, due):
    assert fixed_cal.add_working_days(day0, n) == due


# -- working_days_between ------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b", "count"), [
    (D(2020, 12, 24), D(2020, 12, 29), 1),     # only Tue 29 counts
    (D(2020, 12, 24), D(2021, 1, 4), 4),       # 29, 30, 31 Dec and 4 Jan
    (D(2026, 11, 23), D(2026, 11, 30), 5),     # Tue 24 .. Fri 27, Mon 30
    (D(2026, 11, 23), D(2026, 11, 23), 0),
    (D(2021, 1, 4), D(2020, 12, 24), -4),      # reversed: negative
    (D(2026, 12, 24), D(2026, 12, 28), 0),     # all four days after are closed
])
def test_working_days_between(fixed_cal, a, b, count):
    assert fixed_cal.working_days_between(a, b) == count


# -- calendar units: weeks, months (clipped, never chained), days ----------------------------

@pytest.mark.parametrize(("day0", "n", "due"), [
    # 31 Oct 2023 + 4 months: February 2024 has 29 days (leap year) -> 29 Feb 2024.
    (D(2023, 10, 31), 4, D(2024, 2, 29)),
    # 31 Oct 2022 + 4 months: February 2023 has 28 days -> 28 Feb 2023.
    (D(2022, 10, 31), 4, D(2023, 2, 28)),
    # 29 Feb 2024 + 12 months: 2025 is not a leap year -> 28 Feb 2025.
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    # 29 Feb 2024 + 48 months: 2028 is a leap year -> 29 Feb 2028.
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    # 31 Jan 2024 + 2 months is 31 Mar, computed from day 0 (chaining +1 +1 would give 29 Mar).
    (D(2024, 1, 31), 2, D(2024, 3, 31)),
    # 31 Aug 2026 + 1 month: September has 30 days.
    (D(2026, 8, 31), 1, D(2026, 9, 30)),
    # 31 Mar 2024 - 1 month: back to 29 Feb 2024.
    (D(2024, 3, 31), -1, D(2024, 2, 29)),
    # 28 Oct 2026 + 1 month = Sat 28 Nov 2026: calendar time is not moved to a working day.
    (D(2026, 10, 28), 1, D(2026, 11, 28)),
])
def test_months_clip_to_month_end(fixed_cal, day0, n, due):
    assert fixed_cal.add(day0, n, Unit.MONTHS) == due
    assert fixed_cal.add(day0, n, "months") == due


@pytest.mark.parametrize(("day0", "n", "due"), [
    # 8 weeks = 56 days: Mon 23 Nov 2026 -> 30 Nov, 7, 14, 21, 28 Dec, 4, 11, 18 Jan 2027.
    (D(2026, 11, 23), 8, D(2027, 1, 18)),
    # 16 weeks = 112 days: 18 Jan 2027 + 56 days = 15 Mar 2027.
    (D(2026, 11, 23), 16, D(2027, 3, 15)),
    # 2 weeks from 18 Dec 2026 lands on Fri 1 Jan 2027 (New Year): not moved.
    (D(2026, 12, 18), 2, D(2027, 1, 1)),
    (D(2026, 11, 23), -2, D(2026, 11, 9)),
])
def test_weeks_are_seven_day_steps(fixed_cal, day0, n, due):
    assert fixed_cal.add(day0, n, Unit.WEEKS) == due


@pytest.mark.parametrize(("day0", "n", "due"), [
    (D(2026, 12, 24), 5, D(2026, 12, 29)),
    (D(2026, 12, 20), 5, D(2026, 12, 25)),     # Christmas Day: calendar days are not moved
    (D(2024, 2, 28), 1, D(2024, 2, 29)),       # leap day
    (D(2023, 2, 28), 1, D(2023, 3, 1)),
])
def test_calendar_days(fixed_cal, day0, n, due):
    assert fixed_cal.add(day0, n, Unit.DAYS) == due


def test_units_parse_aliases_and_reject_nonsense():
    assert Unit.parse("Working-Days") is Unit.WORKING_DAYS
    assert Unit.parse("wd") is Unit.WORKING_DAYS
    assert Unit.parse("week") is Unit.WEEKS
    with pytest.raises(CalendarError, match="fortnights"):
        Unit.parse("fortnights")


@pytest.mark.parametrize("bad", [1.5, True, "3"])
def test_count_must_be_a_whole_number(fixed_cal, bad):
    with pytest.raises(CalendarError):
        fixed_cal.add_working_days(D(2026, 11, 23), bad)


# -- explain(): the trace people and machines see ------------------------------------------

def test_explain_christmas_2020(fixed_cal):
    trace = fixed_cal.explain(D(2020, 12, 24), 1)
    assert trace.due == D(2020, 12, 29)
    assert trace.start_weekday == "Thursday" and trace.due_weekday == "Tuesday"
    assert trace.counted == (D(2020, 12, 29),)
    assert [(s.day, s.reason) for s in trace.skipped] == [
        (D(2020, 12, 25), "Christmas Day"),
        (D(2020, 12, 26), "Saturday (Boxing Day)"),
        (D(2020, 12, 27), "Sunday"),
        (D(2020, 12, 28), "Boxing Day (observed)"),
    ]
    text = "\n".join(trace.lines())
    assert "2020-12-25 Fri  skipped: Christmas Day" in text
    assert "2020-12-29 Tue  working day 1" in text
    assert trace.summary() == ("day 0 2020-12-24 (Thursday) + 1 working day, skipping 4 "
                               "non-working day(s) = 2020-12-29 (Tuesday)")
    data = trace.to_dict()
    assert data["due"] == "2020-12-29" and data["n"] == 1 and data["unit"] == "working-days"
    assert data["skipped"][0] == {"date": "2020-12-25", "reason": "Christmas Day"}


def test_explain_day0_on_a_holiday_says_so(fixed_cal):
    trace = fixed_cal.explain(D(2026, 12, 25), 1)
    assert trace.due == D(2026, 12, 29)
    assert any("day 0 is not a working day (Christmas Day)" in note for note in trace.notes)


def test_explain_negative_lists_days_backwards(fixed_cal):
    trace = fixed_cal.explain(D(2021, 1, 4), -2)
    # Mon 4 Jan 2021 - 2: Sun 3, Sat 2, Fri 1 (New Year) skipped; Thu 31 Dec (1), Wed 30 (2).
    assert trace.due == D(2020, 12, 30)
    assert trace.counted == (D(2020, 12, 31), D(2020, 12, 30))
    assert [s.day for s in trace.skipped] == [D(2021, 1, 3), D(2021, 1, 2), D(2021, 1, 1)]


def test_explain_months_notes_clipping(fixed_cal):
    trace = fixed_cal.explain(D(2023, 10, 31), 4, "months")
    assert trace.due == D(2024, 2, 29)
    assert any("clipped" in note for note in trace.notes)
    assert trace.counted == () and trace.skipped == ()


# -- out of span: extension with a source, a clear error without ---------------------------

def test_fixed_calendar_refuses_dates_outside_its_span(fixed_cal):
    with pytest.raises(CalendarRangeError, match="2036-01-02"):
        fixed_cal.add_working_days(D(2036, 1, 2), 1)
    with pytest.raises(CalendarRangeError):
        fixed_cal.is_working_day(D(2014, 12, 31))
    with pytest.raises(CalendarRangeError):
        fixed_cal.working_days_between(D(2026, 1, 1), D(2040, 1, 1))
    # Day 0 inside the span, but the answer beyond it: an error, never a wrong date.
    with pytest.raises(CalendarRangeError):
        fixed_cal.add_working_days(D(2035, 12, 20), 30)
    with pytest.raises(CalendarRangeError):
        fixed_cal.add_working_days(D(2015, 1, 10), -30)


def test_calendar_with_a_source_extends_on_demand():
    asked: list[tuple[int, int]] = []

    def source(lo: int, hi: int) -> dict[date, str]:
        asked.append((lo, hi))
        # A made-up closure on Mon 7 Jun 2055 so we can see the extension used the source.
        return {D(2055, 6, 7): "Royal event"} if lo <= 2055 <= hi else {}

    cal = WorkingCalendar({}, first_year=2020, last_year=2025, source=source)
    # Fri 4 Jun 2055 + 1: Sat, Sun, Mon 7 (Royal event) skipped -> Tue 8 Jun 2055.
    assert cal.add_working_days(D(2055, 6, 4), 1) == D(2055, 6, 8)
    assert asked and asked[0][0] <= 2055 <= asked[0][1]
    assert cal.reason_closed(D(2055, 6, 7)) == "Royal event"
    first, last = cal.span
    assert first.year <= 2020 and last.year >= 2055


def test_extension_when_the_answer_is_beyond_the_span():
    cal = WorkingCalendar({}, first_year=2020, last_year=2020, source=lambda lo, hi: {})
    # Thu 31 Dec 2020 + 1 (no closures): Fri 1 Jan 2021, outside the first span.
    assert cal.add_working_days(D(2020, 12, 31), 1) == D(2021, 1, 1)
    # Fri 1 Jan 2021 - 1: Thu 31 Dec 2020.
    assert cal.add_working_days(D(2021, 1, 1), -1) == D(2020, 12, 31)


def test_absurd_dates_are_refused_even_with_a_source(ew_cal):
    with pytest.raises(CalendarRangeError, match="1800-01-01"):
        ew_cal.add_working_days(D(1800, 1, 1), 1)
    with pytest.raises(CalendarRangeError):
        ew_cal.add_working_days(D(2026, 1, 1), 10**7)
    with pytest.raises(CalendarRangeError):
        ew_cal.add(D(2026, 1, 1), 10**6, Unit.MONTHS)


def test_real_calendar_extends_beyond_2060(ew_cal):
    # Christmas Day is a bank holiday every year; the library provides 2080 on demand.
    assert "Christmas Day" in ew_cal.reason_closed(D(2080, 12, 25))
    assert not ew_cal.is_working_day(D(2080, 12, 25))


def test_real_holidays_agree_with_the_committed_set(ew_cal, fixed_cal):
    # If the pinned holidays package changes its England & Wales data, this says so.
    real = {d: r for d, r in ew_cal.closures().items() if 2015 <= d.year <= 2035}
    assert real == fixed_cal.closures()


def test_fixed_calendar_is_pure_data():
    cal = fixed_calendar({D(2026, 11, 24): "Office closed"}, first_year=2026, last_year=2026)
    # Mon 23 Nov 2026 + 1: Tue 24 is closed -> Wed 25.
    assert cal.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 25)
    assert cal.reason_closed(D(2026, 11, 24)) == "Office closed"


def test_extension_from_many_threads_at_once_is_consistent():
    from concurrent.futures import ThreadPoolExecutor

    calls: list[tuple[int, int]] = []

    def source(lo: int, hi: int) -> dict[date, str]:
        calls.append((lo, hi))
        return {D(y, 12, 25): "Christmas Day" for y in range(lo, hi + 1)}

    cal = WorkingCalendar(source(2020, 2021), first_year=2020, last_year=2021, source=source)
    # Thu 24 Dec 2099 + 1: Fri 25 is Christmas Day, Sat 26, Sun 27 -> Mon 28 Dec 2099.
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: cal.add_working_days(D(2099, 12, 24), 1), range(32)))
    assert set(answers) == {D(2099, 12, 28)}
    assert len(calls) == 2                     # the first build, then one extension
    assert cal.reason_closed(D(2020, 12, 25)) == "Christmas Day"   # older closures kept

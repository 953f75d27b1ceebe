"""Properties of the working-day engine, checked against a naive day-by-day count.

The reference here never uses the engine: it walks the calendar one day at a time over the
committed bank-holiday set (tests/data), exactly as a person would with a wall calendar.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

# Day 0 well inside the fixed calendar's span (2015-2035) so +/-400 working days stay inside.
DAYS = st.dates(min_value=date(2017, 1, 1), max_value=date(2033, 12, 31))
COUNTS = st.integers(min_value=-400, max_value=400)
NONZERO = COUNTS.filter(lambda n: n != 0)
ONE = timedelta(days=1)


def naive_is_working(d: date, closed) -> bool:
    return d.weekday() < 5 and d not in closed


def naive_add(day0: date, n: int, closed) -> date:
    """Walk from day 0, one day at a time, until |n| working days have been passed."""
    step = ONE if n > 0 else -ONE
    d, left = day0, abs(n)
    while left:
        d += step
        if naive_is_working(d, closed):
            left -= 1
    return d


def naive_between(a: date, b: date, closed) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    count, d = 0, lo + ONE
    while d <= hi:
        count += naive_is_working(d, closed)
        d += ONE
    return sign * count


@given(day0=DAYS, n=COUNTS)
def test_index_agrees_with_naive_loop(fixed_cal, fixed_holidays, day0, n):
    assert fixed_cal.add_working_days(day0, n) == naive_add(day0, n, fixed_holidays)


@given(a=DAYS, span=st.integers(min_value=-600, max_value=600))
def test_between_agrees_with_naive_count(fixed_cal, fixed_holidays, a, span):
    b = a + timedelta(days=span)
    assert fixed_cal.working_days_between(a, b) == naive_between(a, b, fixed_holidays)


@given(day0=DAYS, n=COUNTS)
def test_add_then_count_back_is_identity_on_working_days(fixed_cal, day0, n):
    day0 = fixed_cal.next_working_day(day0)
    due = fixed_cal.add_working_days(day0, n)
    assert fixed_cal.add_working_days(due, -n) == day0
    assert fixed_cal.working_days_between(day0, due) == n


@given(day0=DAYS, n=st.integers(min_value=1, max_value=400))
def test_count_of_a_forward_due_date_is_n_from_any_day0(fixed_cal, day0, n):
    # Even from a weekend or holiday day 0: the working days after day 0 up to the due date.
    assert fixed_cal.working_days_between(day0, fixed_cal.add_working_days(day0, n)) == n


@given(day0=DAYS, n=NONZERO)
def test_due_date_is_a_working_day(fixed_cal, fixed_holidays, day0, n):
    due = fixed_cal.add_working_days(day0, n)
    assert fixed_cal.is_working_day(due)
    assert naive_is_working(due, fixed_holidays)
    assert (due > day0) if n > 0 else (due < day0)


@given(day0=DAYS, n=st.integers(min_value=-399, max_value=399))
def test_later_counts_give_later_dates(fixed_cal, day0, n):
    assert fixed_cal.add_working_days(day0, n + 1) > fixed_cal.add_working_days(day0, n)


@given(day0=DAYS, n=NONZERO)
def test_explain_trace_is_consistent(fixed_cal, fixed_holidays, day0, n):
    trace = fixed_cal.explain(day0, n)
    assert trace.due == naive_add(day0, n, fixed_holidays)
    assert len(trace.counted) == abs(n)
    # Counted and skipped together cover exactly the days between day 0 (excluded) and the due
    # date (included), each day once.
    if n > 0:
        between = [day0 + ONE * i for i in range(1, (trace.due - day0).days + 1)]
    else:
        between = [day0 - ONE * i for i in range(1, (day0 - trace.due).days + 1)]
    listed = list(trace.counted) + [s.day for s in trace.skipped]
    assert sorted(listed) == sorted(between)
    assert len(set(listed)) == len(listed)
    assert all(naive_is_working(d, fixed_holidays) for d in trace.counted)
    assert all(not naive_is_working(s.day, fixed_holidays) and s.reason for s in trace.skipped)
    # Listed in counting order (away from day 0), the last counted day is the due date.
    assert trace.counted[-1] == trace.due
    order = sorted(trace.counted, reverse=n < 0)
    assert list(trace.counted) == order

"""Quick entry of dates and times: what an officer types, read as they mean it."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.domain.entry import (
    EntryError,
    expand_two_digit_year,
    format_entry_date,
    format_entry_time,
    parse_entry_date,
    parse_entry_duration,
    parse_entry_time,
    parse_stored_time,
)

TODAY = date(2026, 11, 23)  # a Monday


# -- dates: examples ------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("today", date(2026, 11, 23)),
    ("  Today ", date(2026, 11, 23)),
    ("yesterday", date(2026, 11, 22)),
    ("TOMORROW", date(2026, 11, 24)),
    ("12/03", date(2026, 3, 12)),
    ("12/3", date(2026, 3, 12)),
    ("1.3", date(2026, 3, 1)),
    ("12/3/26", date(2026, 3, 12)),
    ("12.3.2026", date(2026, 3, 12)),
    ("12-03-2026", date(2026, 3, 12)),
    ("12 3 2026", date(2026, 3, 12)),
    ("12 / 3 / 2026", date(2026, 3, 12)),
    ("2026-03-12", date(2026, 3, 12)),
    ("2026/3/12", date(2026, 3, 12)),
    ("29/2/28", date(2028, 2, 29)),
    ("3/4/85", date(1985, 4, 3)),
])
def test_accepted_dates(typed, expected):
    assert parse_entry_date(typed, TODAY) == expected


def test_day_comes_before_month():
    # 04/05 is the 4th of May in England and Wales, not April the 5th.
    assert parse_entry_date("04/05/2026", TODAY) == date(2026, 5, 4)


def test_two_digit_year_window_edges():
    # Today in 2026: 46 is 20 years ahead (still this century), 47 is last century.
    assert expand_two_digit_year(46, TODAY) == 2046
    assert expand_two_digit_year(47, TODAY) == 1947
    assert expand_two_digit_year(0, TODAY) == 2000
    assert expand_two_digit_year(99, TODAY) == 1999
    assert parse_entry_date("1/1/47", TODAY) == date(1947, 1, 1)
    assert parse_entry_date("1/1/46", TODAY) == date(2046, 1, 1)


def test_no_year_choice_for_past_and_future_entries():
    # Typed on 2 January: "30/12" recorded as a past contact is last December,
    # arranged as an appointment it is next December.
    jan2 = date(2027, 1, 2)
    assert parse_entry_date("30/12", jan2) == date(2027, 12, 30)
    assert parse_entry_date("30/12", jan2, no_year="past") == date(2026, 12, 30)
    assert parse_entry_date("30/12", jan2, no_year="future") == date(2027, 12, 30)
    assert parse_entry_date("1/1", date(2026, 12, 30), no_year="future") == date(2027, 1, 1)
    # today itself counts as both past and future
    assert parse_entry_date("2/1", jan2, no_year="past") == jan2
    assert parse_entry_date("2/1", jan2, no_year="future") == jan2


def test_leap_day_without_year():
    with pytest.raises(EntryError, match="February 2026 has 28 days"):
        parse_entry_date("29/02", TODAY)
    assert parse_entry_date("29/2", TODAY, no_year="past") == date(2024, 2, 29)
    assert parse_entry_date("29/2", TODAY, no_year="future") == date(2028, 2, 29)


# -- dates: bad input, each with a message naming the value ----------------------------------

@pytest.mark.parametrize("typed, message", [
    ("31/02/2026", "'31/02/2026' is not a real date: February 2026 has 28 days"),
    ("31/4", "'31/4' is not a real date: April 2026 has 30 days"),
    ("29/2/2027", "'29/2/2027' is not a real date: February 2027 has 28 days"),
    ("12/13/2026", "'12/13/2026' is not a date: there is no month 13"),
    ("0/3/2026", "'0/3/2026' is not a real date: March 2026 has 31 days"),
    ("2026-02-30", "'2026-02-30' is not a real date: February 2026 has 28 days"),
    ("12/3/202", "'12/3/202': the year '202' must have 2 or 4 digits"),
    ("1/1/1850", "'1/1/1850': the year 1850 is outside 1900-2199"),
    ("next tuesday", "'next tuesday' is not a date: type e.g. today"),
    ("12", "'12' is not a date"),
    ("12//3", "'12//3' is not a date"),
    ("[bold]1/1", "'[bold]1/1' is not a date"),
])
def test_rejected_dates_say_why(typed, message):
    with pytest.raises(EntryError) as exc:
        parse_entry_date(typed, TODAY)
    assert str(exc.value).startswith(message)


def test_empty_date_asks_for_one():
    with pytest.raises(EntryError, match="enter a date, e.g. today"):
        parse_entry_date("   ", TODAY)


def test_non_text_date_is_an_entry_error():
    with pytest.raises(EntryError):
        parse_entry_date(None, TODAY)  # type: ignore[arg-type]


def test_entry_error_is_a_value_error():
    # the CLI's friendly_errors() turns ValueError into a one-line message
    assert issubclass(EntryError, ValueError)


# -- dates: property -------------------------------------------------------------------------

def _styles(d: date, today: date) -> list[str]:
    """Every way an officer might type ``d`` (that unambiguously means ``d``)."""
    out = []
    for sep in ("/", ".", "-", " "):
        for day in (str(d.day), f"{d.day:02d}"):
            for month in (str(d.month), f"{d.month:02d}"):
                out.append(f"{day}{sep}{month}{sep}{d.year}")
                if expand_two_digit_year(d.year % 100, today) == d.year:
                    out.append(f"{day}{sep}{month}{sep}{d.year % 100:02d}")
                if d.year == today.year:
                    out.append(f"{day}{sep}{month}")
        out.append(f"{d.year}{sep}{d.month}{sep}{d.day}")
    out.append(d.isoformat())
    out.append(format_entry_date(d))
    return out


@settings(max_examples=60, deadline=None)
@given(d=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
       today=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       data=st.data())
def test_any_accepted_style_parses_back(d, today, data):
    style = data.draw(st.sampled_from(_styles(d, today)))
    assert parse_entry_date(style, today) == d


@settings(max_examples=60, deadline=None)
@given(d=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       offset=st.integers(min_value=-400, max_value=400))
def test_day_and_month_alone_past_and_future(d, offset):
    today = d + timedelta(days=offset)
    typed = f"{d.day}/{d.month}"
    if (d.month, d.day) == (2, 29):
        return
    past = parse_entry_date(typed, today, no_year="past")
    future = parse_entry_date(typed, today, no_year="future")
    assert past <= today <= future
    assert (past.month, past.day) == (future.month, future.day) == (d.month, d.day)
    assert (today - past).days < 366 and (future - today).days < 366


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=20))
def test_arbitrary_text_never_crashes(text):
    try:
        parse_entry_date(text, TODAY)
    except EntryError as exc:
        assert str(exc)


# -- times -------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("9", time(9, 0)),
    ("09", time(9, 0)),
    ("14", time(14, 0)),
    ("0", time(0, 0)),
    ("9:30", time(9, 30)),
    ("9.30", time(9, 30)),
    ("9 30", time(9, 30)),
    ("0930", time(9, 30)),
    ("930", time(9, 30)),
    ("14:05", time(14, 5)),
    ("2359", time(23, 59)),
    ("2pm", time(14, 0)),
    ("2 PM", time(14, 0)),
    ("2.30pm", time(14, 30)),
    ("2:30 pm", time(14, 30)),
    ("11am", time(11, 0)),
    ("10.15a.m.", time(10, 15)),
    ("12am", time(0, 0)),
    ("12pm", time(12, 0)),
    ("12.30am", time(0, 30)),
    ("noon", time(12, 0)),
    ("Midday", time(12, 0)),
    ("midnight", time(0, 0)),
])
def test_accepted_times(typed, expected):
    assert parse_entry_time(typed) == expected


@pytest.mark.parametrize("typed, message", [
    ("25:00", "'25:00' is not a time: hours go from 0 to 23"),
    ("24", "'24' is not a time: hours go from 0 to 23"),
    ("2500", "'2500' is not a time: hours go from 0 to 23"),
    ("9:75", "'9:75' is not a time: minutes go from 00 to 59"),
    ("960", "'960' is not a time: minutes go from 00 to 59"),
    ("13pm", "'13pm' is not a time: with am/pm the hour goes from 1 to 12"),
    ("0am", "'0am' is not a time: with am/pm the hour goes from 1 to 12"),
    ("2.75pm", "'2.75pm' is not a time: minutes go from 00 to 59"),
    ("9:5", "'9:5' is not a time: minutes need two digits"),
    ("half nine", "'half nine' is not a time: type e.g. 9, 9:30"),
    ("12345", "'12345' is not a time"),
])
def test_rejected_times_say_why(typed, message):
    with pytest.raises(EntryError) as exc:
        parse_entry_time(typed)
    assert str(exc.value).startswith(message)


def test_empty_time_asks_for_one():
    with pytest.raises(EntryError, match="enter a time, e.g. 9"):
        parse_entry_time("")


def _time_styles(t: time) -> list[str]:
    h, m = t.hour, t.minute
    out = [f"{h}:{m:02d}", f"{h:02d}:{m:02d}", f"{h}.{m:02d}", f"{h:02d}{m:02d}",
           format_entry_time(t)]
    if m == 0:
        out.append(str(h))
    h12 = h % 12 or 12
    suffix = "am" if h < 12 else "pm"
    out += [f"{h12}:{m:02d}{suffix}", f"{h12}.{m:02d} {suffix.upper()}"]
    if m == 0:
        out.append(f"{h12}{suffix}")
    if h >= 10 or h == 0:
        pass
    else:
        out.append(f"{h}{m:02d}")
    return out


@settings(max_examples=80, deadline=None)
@given(t=st.times().map(lambda t: time(t.hour, t.minute)), data=st.data())
def test_any_accepted_time_style_parses_back(t, data):
    style = data.draw(st.sampled_from(_time_styles(t)))
    assert parse_entry_time(style) == t


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=12))
def test_arbitrary_time_text_never_crashes(text):
    try:
        parse_entry_time(text)
    except EntryError as exc:
        assert str(exc)


def test_stored_time_is_strict():
    assert parse_stored_time("09:30") == time(9, 30)
    with pytest.raises(EntryError, match="'9:30' is not a time in the form HH:MM"):
        parse_stored_time("9:30")
    with pytest.raises(EntryError, match="hours go from 0 to 23"):
        parse_stored_time("24:00")


# -- lengths -----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, minutes", [
    ("45", 45), ("45m", 45), ("45 mins", 45), ("90 minutes", 90), ("1h", 60), ("1 hour", 60),
    ("1h30", 90), ("1h 30m", 90), ("1 hour 30", 90), ("2 hrs", 120), ("1:30", 90),
    (" 12H ", 720),
])
def test_accepted_lengths(typed, minutes):
    assert parse_entry_duration(typed) == minutes


@pytest.mark.parametrize("typed, message", [
    ("0", "'0' is 0 minutes: a length is 1 to 720 minutes"),
    ("13h", "'13h' is 780 minutes: a length is 1 to 720 minutes"),
    ("1h75", "'1h75': after the hours, minutes go from 0 to 59"),
    ("1:75", "'1:75': after the hours, minutes go from 0 to 59"),
    ("an hour", "'an hour' is not a length: type e.g. 45, 45m, 1h, 1h30 or 1:30"),
    ("", "enter a length"),
])
def test_rejected_lengths_say_why(typed, message):
    with pytest.raises(EntryError) as exc:
        parse_entry_duration(typed)
    assert str(exc.value).startswith(message)


@settings(max_examples=60, deadline=None)
@given(minutes=st.integers(min_value=1, max_value=720), data=st.data())
def test_any_length_style_parses_back(minutes, data):
    h, m = divmod(minutes, 60)
    styles = [str(minutes), f"{minutes}m", f"{minutes} mins"]
    if h:
        styles += [f"{h}h{m:02d}" if m else f"{h}h", f"{h}:{m:02d}", f"{h} hours {m}"]
    assert parse_entry_duration(data.draw(st.sampled_from(styles))) == minutes

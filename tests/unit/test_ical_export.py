"""Appointments as an iCalendar file: the library's own parser reads back what we wrote."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from typer.testing import CliRunner

from omtui.cli import app
from omtui.domain.case import Case, OrderType, Rosh
from omtui.domain.caseformat import caseload_to_dict
from omtui.ical_export import CaseAppointment, appointments_to_ics, case_appointments
from omtui.outcomes_file import packaged_taxonomy

TAX = packaged_taxonomy()
STAMP = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 23)

@pytest.fixture(autouse=True)
def no_office_overrides(monkeypatch):
    """A developer's own OMTUI_OUTCOMES / OMTUI_TEMPLATES must not change these tests."""
    monkeypatch.delenv("OMTUI_OUTCOMES", raising=False)
    monkeypatch.delenv("OMTUI_TEMPLATES", raising=False)



def appt(day, at=time(10, 0), minutes=60, ctype="office", note=None):
    return TAX.make_contact_event(day, at, ctype, None, note=note, duration_minutes=minutes)


def make_case(crn="X123456", om="Sam Jones", *events, name="Darren [bold]Smith[/bold]"):
    return Case(crn=crn, name=name, order_type=OrderType.CO, sentence_date=date(2026, 10, 1),
                tier=3, rosh=Rosh.HIGH, events=events, om=om)


def vevents(data: bytes):
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_one_vevent_per_appointment_with_london_times():
    # 2026-12-01 is GMT (UTC+0); 2027-06-01 is BST (UTC+1)
    items = [CaseAppointment("X123456", appt(date(2026, 12, 1), time(9, 30), 45, "home_visit")),
             CaseAppointment("X123456", appt(date(2027, 6, 1), time(14, 0), 60, "video"))]
    events = vevents(appointments_to_ics(items, stamp=STAMP, taxonomy=TAX))
    assert len(events) == 2
    winter, summer = events
    assert winter.decoded("dtstart") == datetime(2026, 12, 1, 9, 30, tzinfo=LONDON)
    assert winter.decoded("dtend") == datetime(2026, 12, 1, 10, 15, tzinfo=LONDON)
    assert winter.decoded("dtstart").utcoffset() == timedelta(0)
    assert summer.decoded("dtstart").utcoffset() == timedelta(hours=1)
    assert str(winter["summary"]) == "X123456 – Home visit appointment"
    assert str(summer["summary"]) == "X123456 – Video appointment"
    assert str(winter["uid"]) == "X123456-20261201-0930@omtui.invalid"
    assert str(winter["class"]) == "PRIVATE"


def test_the_file_carries_a_london_timezone_definition():
    data = appointments_to_ics([("X123456", appt(date(2026, 12, 1)))], stamp=STAMP)
    cal = Calendar.from_ical(data)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"DTSTART;TZID=Europe/London:20261201T100000" in data
    assert b"PRODID:-//omtui//probation appointments//EN" in data


def test_no_personal_detail_beyond_crn_and_type():
    secret_note = "discussed the victim, lives at 12 Acacia Avenue"
    case = make_case("X123456", "Sam Jones",
                     appt(date(2026, 12, 1), note=secret_note))
    data = appointments_to_ics(case_appointments([case]), stamp=STAMP, taxonomy=TAX)
    text = data.decode("utf-8")
    assert "X123456" in text
    for leak in ("Darren", "Smith", "Acacia", "victim", "Sam Jones", "high"):
        assert leak not in text


def test_untimed_appointment_is_an_all_day_entry():
    (ev,) = vevents(appointments_to_ics([("X123456", appt(date(2026, 12, 2), None))],
                                        stamp=STAMP))
    assert ev.decoded("dtstart") == date(2026, 12, 2)
    assert ev.decoded("dtend") == date(2026, 12, 3)
    assert str(ev["uid"]) == "X123456-20261202-allday@omtui.invalid"


def test_same_input_same_bytes_and_stable_uids():
    items = [("X123456", appt(date(2026, 12, 1))), ("A000001", appt(date(2026, 12, 1)))]
    first = appointments_to_ics(items, stamp=STAMP)
    assert appointments_to_ics(items, stamp=STAMP) == first
    # a clashing pair of the same case keeps both entries, with distinct UIDs
    clash = [("X123456", appt(date(2026, 12, 1))), ("X123456", appt(date(2026, 12, 1)))]
    uids = [str(e["uid"]) for e in vevents(appointments_to_ics(clash, stamp=STAMP))]
    assert uids == ["X123456-20261201-1000@omtui.invalid",
                    "X123456-20261201-1000-2@omtui.invalid"]


def test_stamp_must_have_a_zone():
    with pytest.raises(ValueError, match="time zone"):
        appointments_to_ics([], stamp=datetime(2026, 11, 23))


def test_case_appointments_filters_by_officer_and_date():
    recorded = TAX.make_contact_event(date(2026, 11, 30), None, "office", "attended_complied")
    mine = make_case("X123456", "Sam Jones", appt(date(2026, 11, 20)), appt(date(2026, 12, 1)),
                     recorded)
    also_mine = make_case("A000001", "  sam jones ", appt(date(2026, 11, 24), time(9, 0)))
    theirs = make_case("B000002", "Pat Lee", appt(date(2026, 11, 25)))
    found = case_appointments([mine, also_mine, theirs], from_date=TODAY, officer="Sam Jones")
    assert [(a.crn, a.event.date) for a in found] == [("A000001", date(2026, 11, 24)),
                                                     ("X123456", date(2026, 12, 1))]
    assert len(case_appointments([mine, also_mine, theirs])) == 4


# -- the command ----------------------------------------------------------------------------

@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    cases = [make_case("X123456", "Sam Jones", appt(date(2026, 11, 20)), appt(date(2026, 12, 1)),
                       appt(date(2026, 12, 8), time(11, 0), ctype="phone")),
             make_case("A000001", "Sam Jones", appt(date(2026, 11, 24), time(9, 0))),
             make_case("B000002", "Pat Lee", appt(date(2026, 11, 25)))]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(caseload_to_dict(cases)), "utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_export_one_case_from_a_cases_file(tmp_path, cases_file):
    out = tmp_path / "mine.ics"
    result = run("--today", "2026-11-23", "appointments", "export", "x123456", str(out),
                 "--cases", str(cases_file))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote 2 appointment(s) from 2026-11-23 for X123456 to {out}\n"
    assert [str(e["summary"]) for e in vevents(out.read_bytes())] == [
        "X123456 – Office appointment", "X123456 – Phone appointment"]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_export_for_an_officer(tmp_path, cases_file):
    out = tmp_path / "sam.ics"
    result = run("--today", "2026-11-23", "appointments", "export", "--officer", "sam jones",
                 str(out), "--cases", str(cases_file))
    assert result.exit_code == 0, result.output
    assert "wrote 3 appointment(s) from 2026-11-23 for officer sam jones (2 case(s))" in result.stdout
    assert [str(e["uid"]).split("@")[0] for e in vevents(out.read_bytes())] == [
        "A000001-20261124-0900", "X123456-20261201-1000", "X123456-20261208-1100"]


def test_export_from_the_database(tmp_path):
    from omtui.store import open_store

    db = tmp_path / "cases.sqlite"
    store = open_store(db, "tester")
    store.import_cases([make_case("X123456", "Sam Jones", appt(date(2026, 12, 1)))])
    store.close()
    out = tmp_path / "db.ics"
    result = run("--db", str(db), "--today", "2026-11-23", "appointments", "export", "X123456",
                 str(out))
    assert result.exit_code == 0, result.output
    assert [str(e["summary"]) for e in vevents(out.read_bytes())] == [
        "X123456 – Office appointment"]
    missing = run("--db", str(db), "appointments", "export", "Z999999", str(out))
    assert missing.exit_code != 0
    assert missing.stderr == "omtui: no case Z999999\n"


@pytest.mark.parametrize("args, message", [
    (("appointments", "export", "12345", "x.ics"),
     "omtui: '12345' is not a CRN (one capital letter and six digits, e.g. X123456)\n"),
    (("appointments", "export", "X123456", "cases.json"),
     "omtui: 'cases.json': the file to write must end in .ics\n"),
    (("appointments", "export", "x.ics"),
     "omtui: give a CRN and a file (omtui appointments export CRN FILE.ics) or --officer NAME "
     "FILE.ics\n"),
    (("appointments", "export", "--officer", "Sam", "X123456", "x.ics"),
     "omtui: with --officer give only the file: omtui appointments export --officer NAME "
     "FILE.ics\n"),
    (("--db", "nowhere.sqlite", "appointments", "export", "X123456", "x.ics"),
     "omtui: no database at"),
    (("appointments", "export", "X123456", "x.ics", "--cases", "missing.json"),
     "omtui: cannot read --cases missing.json: No such file or directory\n"),
    (("appointments", "export", "X123456", "x.ics", "--from", "31/02/2026"),
     "omtui: bad --from: '31/02/2026' is not a real date: February 2026 has 28 days\n"),
])
def test_export_errors_are_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code != 0
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_export_from_a_typed_date(tmp_path, cases_file):
    out = tmp_path / "later.ics"
    result = run("--today", "2026-11-23", "appointments", "export", "X123456", str(out),
                 "--cases", str(cases_file), "--from", "2/12")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote 1 appointment(s) from 2026-12-02 for X123456")


def test_export_case_not_in_file(tmp_path, cases_file):
    result = run("appointments", "export", "Z999999", str(tmp_path / "x.ics"), "--cases",
                 str(cases_file))
    assert result.exit_code != 0
    assert result.stderr == f"omtui: no case Z999999 in {cases_file}\n"
    assert not (tmp_path / "x.ics").exists()


def test_timezone_covers_appointments_after_2038():
    data = appointments_to_ics([("X123456", appt(date(2040, 7, 3), time(9, 0)))], stamp=STAMP)
    assert b"COMMENT:This timezone only works from 2039-01-01 to 2042-01-01." in data
    (ev,) = vevents(data)
    assert ev.decoded("dtstart").utcoffset() == timedelta(hours=1)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["X123456", "A000001"]),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    st.none() | st.times().map(lambda t: time(t.hour, t.minute)),
    st.integers(min_value=1, max_value=720),
    st.sampled_from(["office", "home_visit", "phone", "video", "other_agency"])),
    max_size=12))
def test_every_appointment_becomes_one_event_at_its_london_time(items):
    pairs = [(crn, appt(day, at, minutes, ctype)) for crn, day, at, minutes, ctype in items]
    events = vevents(appointments_to_ics(pairs, stamp=STAMP, taxonomy=TAX))
    assert len(events) == len(pairs)
    assert len({str(e["uid"]) for e in events}) == len(pairs)
    for (crn, day, at, minutes, _), ev in zip(items, events):
        assert str(ev["summary"]).startswith(f"{crn} – ")
        if at is None:
            assert ev.decoded("dtstart") == day
        else:
            start = datetime.combine(day, at, tzinfo=LONDON)
            assert ev.decoded("dtstart") == start
            assert ev.decoded("dtend") - ev.decoded("dtstart") == timedelta(minutes=minutes)

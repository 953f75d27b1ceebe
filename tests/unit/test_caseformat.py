"""The JSON case format (docs/case-format.md): reading, writing and every kind of problem."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.domain.case import ContactOutcome, EventType, Requirement, Rosh
from omtui.domain.caseformat import (
    CASE_FIELDS,
    EVENT_FIELDS,
    REQUIRED_FIELDS,
    _Collector,
    _quick_event,
    case_to_dict,
    caseload_to_dict,
    check_against_today,
    parse_case,
    parse_caseload,
    parse_date,
    parse_event,
)

CASES_DIR = Path(__file__).resolve().parents[1] / "data" / "cases"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "case-format.md"


def minimal(**kw):
    raw = {"crn": "X123456", "name": "Ann Example", "order_type": "CO",
           "sentence_date": "2026-11-02", "tier": 2, "rosh": "medium", "ppo": False,
           "requirements": ["supervision"], "events": []}
    raw.update(kw)
    return raw


def problems(raw):
    case, found = parse_case(raw, 7)
    assert case is None
    return {(p.field, p.reason) for p in found}


def test_round_trip_of_the_fixture_caseload():
    doc = json.loads((CASES_DIR / "mixed.json").read_text("utf-8"))
    result = parse_caseload(doc)
    assert result.problems == [] and len(result.cases) == len(doc["cases"])
    assert caseload_to_dict(result.cases) == doc                 # export(import(x)) == x
    assert parse_caseload(caseload_to_dict(result.cases)).cases == result.cases


def test_unknown_fields_are_kept_on_cases_and_events():
    raw = minimal(local_ref="ABC/1", risk_notes={"a": [1, 2]},
                  events=[{"type": "contact", "date": "2026-11-03", "outcome": "attended",
                           "room": "Interview 2", "with": "treatment_provider"}])
    case, found = parse_case(raw)
    assert found == []
    assert case.extra == {"local_ref": "ABC/1", "risk_notes": {"a": [1, 2]}}
    assert case.events[0].get("room") == "Interview 2"
    assert case.events[0].get("with") == "treatment_provider"
    assert case_to_dict(case) == raw


@pytest.mark.parametrize("name", [
    "[bold]Ann[/bold] Smith", "[link=https://example.com]x[/link]", "Zoë Ó'Brien-Łukasz",
    "李雷", "Мария Иванова", "محمد علي", "O'Neil \\[not markup]", "a" * 200])
def test_names_are_kept_exactly(name):
    case, found = parse_case(minimal(name=name))
    assert found == [] and case.name == name
    assert case_to_dict(case)["name"] == name


def test_very_long_note_is_kept():
    note = ("line of notes " * 8000)[:100_000]
    raw = minimal(events=[{"type": "contact", "date": "2026-11-03", "outcome": "attended",
                           "note": note}])
    case, found = parse_case(raw)
    assert found == [] and case.events[0].note == note and len(note) == 100_000
    assert case_to_dict(case)["events"][0]["note"] == note


@pytest.mark.parametrize("change, field, reason", [
    ({"crn": "x123456"}, "crn", "'x123456' is not a CRN (one capital letter and six digits, e.g. X123456)"),
    ({"crn": None}, "crn", "is missing"),
    ({"crn": 123456}, "crn", "must be text, not int"),
    ({"name": ""}, "name", "is empty"),
    ({"name": "a" * 201}, "name", "is 201 characters long (at most 200)"),
    ({"name": "nul\x00"}, "name", "contains a NUL character"),
    ({"order_type": "community"}, "order_type", "'community' is not one of: CO, SSO, licence, PSS"),
    ({"sentence_date": "2026-02-30"}, "sentence_date", "'2026-02-30' is not a real date"),
    ({"sentence_date": "02/11/2026"}, "sentence_date", "'02/11/2026' is not a date in the form YYYY-MM-DD"),
    ({"tier": 5}, "tier", "5 is outside 1-4"),
    ({"tier": "4"}, "tier", "must be a whole number, not '4'"),
    ({"tier": True}, "tier", "must be a whole number, not True"),
    ({"rosh": "very high"}, "rosh", "'very high' is not one of: low, medium, high, very_high"),
    ({"ppo": "no"}, "ppo", "must be true or false, not 'no'"),
    ({"requirements": None}, "requirements", "is missing (use [] for none)"),
    ({"requirements": "drr"}, "requirements", "must be a list of requirement names"),
    ({"requirements": ["drugs"]}, "requirements[0]",
     "'drugs' is not one of: " + ", ".join(r.value for r in Requirement)),
    ({"events": None}, "events", "is missing (use [] for none)"),
    ({"events": {}}, "events", "must be a list"),
    ({"gender": "f"}, "gender", "'f' is not one of: female, male, other, not_stated"),
    ({"mappa": 2}, "mappa", "must be an object with category and level"),
    ({"mappa": {"category": 4, "level": 1}}, "mappa.category", "4 is outside 1-3"),
    ({"custody_months": -1}, "custody_months", "-1 is outside 0-1200"),
    ({"flags": "victim"}, "flags", "must be a list of flag names"),
    ({"dob": "2030-01-01"}, "dob", "2030-01-01 is not before the sentence date"),
    ({"end_date": "2026-01-01"}, "end_date", "2026-01-01 is before the start (2026-11-02)"),
])
def test_every_case_problem_is_named(change, field, reason):
    assert (field, reason) in problems(minimal(**change))


@pytest.mark.parametrize("event, field, reason", [
    ("not an object", "events[0]", "must be an object with at least type and date"),
    ({"date": "2026-11-03"}, "events[0].type", "is missing"),
    ({"type": "meeting", "date": "2026-11-03"}, "events[0].type",
     "'meeting' is not one of: " + ", ".join(e.value for e in EventType)),
    ({"type": "contact"}, "events[0].date", "is missing"),
    ({"type": "contact", "date": "2026-13-01"}, "events[0].date", "'2026-13-01' is not a real date"),
    ({"type": "contact", "date": "2026-11-03", "outcome": "dna"}, "events[0].outcome",
     "'dna' is not one of: " + ", ".join(o.value for o in ContactOutcome)),
    ({"type": "review", "date": "2026-11-03", "outcome": "attended"}, "events[0].outcome",
     "only a contact has an outcome"),
    ({"type": "explanation", "date": "2026-11-03", "acceptable": True}, "events[0].for_date",
     "an explanation needs the date of the failure it explains"),
    ({"type": "explanation", "date": "2026-11-03", "for_date": "2026-11-02"},
     "events[0].acceptable", "an explanation needs acceptable: true or false"),
    ({"type": "suspension", "date": "2026-11-03", "reason": "holiday"}, "events[0].reason",
     "'holiday' is not one of: custody, hospital, sickness"),
    ({"type": "suspension", "date": "2026-11-03", "until": "2026-11-01", "reason": "hospital"},
     "events[0].until", "2026-11-01 is before the suspension starts"),
])
def test_every_event_problem_is_named(event, field, reason):
    assert (field, reason) in problems(minimal(events=[event]))


def test_all_problems_of_a_case_are_reported_together():
    found = problems(minimal(crn="bad", tier=9, rosh="x", events=[{"type": "x"}]))
    assert {f for f, _ in found} >= {"crn", "tier", "rosh", "events[0].type", "events[0].date"}


def test_bad_case_is_rejected_as_a_whole_and_others_kept():
    doc = {"cases": [minimal(), minimal(crn="X000002", tier=0), minimal(crn="X000003"),
                     minimal()]}
    result = parse_caseload(doc)
    assert [c.crn for c in result.cases] == ["X123456", "X000003"]
    assert result.rejected == [1, 3]
    assert [(p.index, p.crn, p.field) for p in result.problems] == [
        (1, "X000002", "tier"), (3, "X123456", "crn")]
    assert str(result.problems[0]) == "case 1, X000002: tier: 0 is outside 1-4"
    assert "duplicate of case 0" in result.problems[1].reason


def test_file_shapes():
    assert parse_caseload([minimal()]).cases                      # a bare list is accepted
    for bad in ({"case": []}, "text", 3, None, {"cases": {}}):
        result = parse_caseload(bad)
        assert not result.cases and result.problems[0].field == "cases"


def test_a_case_that_is_not_an_object():
    result = parse_caseload({"cases": ["X123456", None]})
    assert [(p.index, p.field) for p in result.problems] == [(0, "case"), (1, "case")]


def test_future_dates_are_caught_against_today():
    case, _ = parse_case(minimal(sentence_date="2027-01-05"))
    (p,) = check_against_today(case, date(2026, 11, 23), 4)
    assert str(p) == "case 4, X123456: sentence_date: 2027-01-05 is in the future (today is 2026-11-23)"


def test_the_documented_example_parses_and_round_trips():
    text = DOCS.read_text("utf-8")
    start = text.index("```json\n") + len("```json\n")
    example = json.loads(text[start:text.index("```", start)])
    result = parse_caseload(example)
    assert result.problems == []
    assert caseload_to_dict(result.cases) == example


def test_the_docs_name_every_field_and_value():
    text = DOCS.read_text("utf-8")
    for name in CASE_FIELDS:
        assert f"`{name}`" in text, name
    for enum in (EventType, ContactOutcome, Rosh, Requirement):
        for member in enum:
            assert f"`{member.value}`" in text, member
    for name in REQUIRED_FIELDS:
        assert f"`{name}`" in text


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(list(CASE_FIELDS) + ["x"]), inner,
                                      max_size=6), max_leaves=20))
def test_parsing_never_raises(value):
    result = parse_caseload({"cases": [value]})
    assert len(result.cases) + len(result.rejected) == 1


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_parse_date_round_trip(day):
    assert parse_date(day.isoformat()) == day


# -- the quick path for plain events agrees with the full check --------------------------------

_EVENT_VALUES = (st.none() | st.booleans() | st.integers(-2, 3)
                 | st.sampled_from([t.value for t in EventType] + [o.value for o in ContactOutcome]
                                   + ["custody", "sickness", "hospital", "Contact", "", "x\x00"])
                 | st.sampled_from(["2026-02-28", "2026-02-29", "2026-03-01", " 2026-03-01",
                                    "2026-3-1", "20260301", "2025-12-31"])
                 | st.text(max_size=3)
                 | st.lists(st.integers(), max_size=1))
_EVENTS = st.dictionaries(st.sampled_from(list(EVENT_FIELDS) + ["x"]), _EVENT_VALUES, max_size=8)


_DAYS = st.sampled_from(["2026-02-28", "2026-02-29", "2026-03-01", "2026-03-02", " 2026-03-01",
                         "2026-3-1", "20260301", "2025-12-31"])
_TEXTS = st.sampled_from(["custody", "sickness", "ok", "", "a\x00b", "r" * 2000, "r" * 2001])
_PLAIN_EVENTS = st.fixed_dictionaries(
    {"type": st.sampled_from([t.value for t in EventType]), "date": _DAYS},
    optional={"outcome": st.none() | st.sampled_from([o.value for o in ContactOutcome] + ["x"]),
              "for_date": st.none() | _DAYS, "until": st.none() | _DAYS,
              "acceptable": st.none() | st.booleans() | st.integers(0, 1),
              "reason": st.none() | _TEXTS, "note": st.none() | _TEXTS | st.integers(),
              "x": st.integers()})


@settings(max_examples=1500, deadline=None)
@given(_EVENTS | _PLAIN_EVENTS)
def test_quick_event_is_the_full_check_or_declines(raw):
    quick = _quick_event(raw)
    collector = _Collector(0, None)
    full = parse_event(raw, "events[0]", collector)
    if quick is not None:
        assert collector.problems == [] and full == quick
        assert type(quick.extra) is dict and quick.extra == full.extra


def test_quick_event_takes_the_plain_shapes_a_caseload_is_made_of():
    # declining these would make every file read take the slow path: the check above could
    # then never fail, so the common shapes are pinned here
    for raw in ({"type": "contact", "date": "2026-03-02", "outcome": "attended"},
                {"type": "contact", "date": "2026-03-02", "note": "[bold]Зоя[/bold]"},
                {"type": "explanation", "date": "2026-03-02", "for_date": "2026-02-27",
                 "acceptable": False, "reason": "overslept"},
                {"type": "suspension", "date": "2026-03-02", "reason": "custody",
                 "until": "2026-04-01"},
                {"type": "release", "date": "2026-03-02"},
                {"type": "contact", "date": "2026-03-02", "outcome": "attended",
                 "requirement": "unpaid_work", "by": {"om": ["x"]}}):
        assert _quick_event(raw) == parse_event(raw, "e", _Collector(0, None)), raw
        assert _quick_event(raw) is not None
    # and each of these has a problem the full check names: the quick path leaves it to it
    for raw in ({"type": "contact", "date": "2026-02-30"},
                {"type": "warning", "date": "2026-03-02", "outcome": "attended"},
                {"type": "suspension", "date": "2026-03-02", "reason": "custody",
                 "until": "2026-03-01"},
                {"type": "suspension", "date": "2026-03-02", "reason": "holiday"},
                {"type": "explanation", "date": "2026-03-02", "acceptable": True},
                {"type": "explanation", "date": "2026-03-02"},
                {"type": "suspension", "date": "2026-03-02"},
                {"type": "explanation", "date": "2026-03-02", "for_date": "2026-02-27"},
                {"type": "contact", "date": "2026-03-02", "note": "a\x00b"},
                {"type": "warning", "date": "2026-03-02", "reason": "r" * 2001},
                {"type": "warning", "date": "2026-03-02", "acceptable": 1}):
        collector = _Collector(0, None)
        assert parse_event(raw, "e", collector) is None and collector.problems, raw
        assert _quick_event(raw) is None, raw

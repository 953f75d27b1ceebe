"""The induction checklist: the data file, item applicability, completion and re-induction."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.domain.case import (
    Case,
    ContactOutcome,
    Event,
    EventType,
    Gender,
    OrderType,
    Requirement,
    Rosh,
)
from omtui.domain.induction import (
    ChecklistError,
    InductionRecord,
    ItemEntry,
    completion_event,
    induction_status,
    parse_checklist,
    record_from_dict,
    reinduction_prompts,
)
from omtui.plan_data import load_checklist

TODAY = date(2026, 11, 23)


def make_case(**kw) -> Case:
    base = dict(crn="A123456", name="Sam Example", order_type=OrderType.CO,
                sentence_date=date(2026, 10, 1), tier=2, rosh=Rosh.MEDIUM,
                requirements=(Requirement.SUPERVISION,))
    base.update(kw)
    return Case(**base)


def contact(day: date, outcome=ContactOutcome.ATTENDED) -> Event:
    return Event(EventType.CONTACT, day, outcome=outcome)


# -- the packaged checklist -------------------------------------------------------------------

def test_packaged_checklist_has_every_item_the_standards_name():
    checklist = load_checklist()
    ids = {i.id for i in checklist.items}
    for needed in ("requirements-and-why", "consequences-of-failing-to-comply",
                   "in-force-during-appeal", "what-to-expect", "rights-and-complaints",
                   "access-to-records", "explain-absences-with-evidence", "copy-given-and-signed",
                   "female-om-offered", "female-only-interview-offered", "language-interpreter",
                   "disability", "learning-difficulty", "welsh-language", "barrier-childcare",
                   "barrier-work-pattern", "barrier-fares", "barrier-health", "barrier-religion",
                   "barrier-no-go-areas", "barrier-vulnerability"):
        assert needed in ids
    for item in checklist.items:
        assert item.source.strip(), item.id
    sources = " ".join(i.source for i in checklist.items)
    for cited in ("NS 2c.7", "NS 3.2", "NS 3.3", "CO-spec row 4", "CO-spec row 5",
                  "CO-spec row 6", "CO-spec row 7", "HMIP C.2.1.4", "HMIP C.2.1.6"):
        assert cited in sources


def test_female_offers_apply_only_to_women():
    checklist = load_checklist()
    woman = {i.id for i in checklist.applicable(make_case(gender=Gender.FEMALE), TODAY)}
    man = {i.id for i in checklist.applicable(make_case(gender=Gender.MALE), TODAY)}
    unknown = {i.id for i in checklist.applicable(make_case(gender=None), TODAY)}
    assert {"female-om-offered", "female-only-interview-offered"} <= woman
    assert "female-om-offered" not in man and "female-only-interview-offered" not in man
    assert "female-om-offered" not in unknown


def test_licence_item_applies_to_licences_only():
    checklist = load_checklist()
    licence = {i.id for i in checklist.applicable(make_case(order_type=OrderType.LICENCE), TODAY)}
    order = {i.id for i in checklist.applicable(make_case(), TODAY)}
    assert "legal-requirements-licence-part-of-sentence" in licence
    assert "legal-requirements-licence-part-of-sentence" not in order


def test_office_file_overrides_packaged_via_env(tmp_path, monkeypatch):
    office = tmp_path / "office.toml"
    office.write_text('[[item]]\nid = "only"\ntext = "Only item"\nsource = "local policy"\n'
                      'group = "explain"\nrequired = true\n', encoding="utf-8")
    monkeypatch.setenv("OMTUI_INDUCTION", str(office))
    checklist = load_checklist()
    assert [i.id for i in checklist.items] == ["only"]
    assert checklist.where == str(office)


def test_missing_office_file_is_named(tmp_path):
    with pytest.raises(ChecklistError, match="nope.toml: cannot read"):
        load_checklist(tmp_path / "nope.toml")


# -- parsing errors name file, item and field -------------------------------------------------

GOOD = '[[item]]\nid = "a"\ntext = "A"\nsource = "NS 3.2"\ngroup = "explain"\nrequired = true\n'


@pytest.mark.parametrize("body, expected", [
    ('[[item]]\nid = "a"\nsource = "NS"\ngroup = "explain"\nrequired = true\n',
     "office.toml: item 1 (a): text: is missing"),
    ('[[item]]\nid = "a"\ntext = "A"\ngroup = "explain"\nrequired = true\n',
     "office.toml: item 1 (a): source: is missing"),
    ('[[item]]\nid = "a"\ntext = "A"\nsource = "S"\ngroup = "explain"\nrequired = "yes"\n',
     "office.toml: item 1 (a): required: must be true or false"),
    ('[[item]]\nid = "a"\ntext = "A"\nsource = "S"\ngroup = "other"\nrequired = true\n',
     "office.toml: item 1 (a): group: must be one of"),
    ('[[item]]\nid = "a b"\ntext = "A"\nsource = "S"\ngroup = "offer"\nrequired = true\n',
     "office.toml: item 1 (a b): id:"),
    (GOOD + GOOD, "office.toml: item 2 (a): id: 'a' is used twice"),
    (GOOD.replace("required = true", 'required = true\napplies_when = "gender == woman"'),
     "office.toml: item 1 (a): applies_when: 'woman' is not a value of gender"),
    (GOOD.replace("required = true", 'required = true\napplies_when = "sex == female"'),
     "office.toml: item 1 (a): applies_when: unknown fact 'sex'"),
    (GOOD.replace("required = true", 'required = true\ncolour = "red"'),
     "office.toml: item 1 (a): unknown field 'colour'"),
    ("item = 3", "office.toml: no [[item]] entries"),
    ("[[item]\n", "office.toml: not valid TOML"),
])
def test_checklist_errors_name_the_file_item_and_field(body, expected):
    with pytest.raises(ChecklistError) as info:
        parse_checklist(body, "office.toml")
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_every_problem_is_reported_not_just_the_first():
    body = ('[[item]]\nid = "a"\ngroup = "x"\nrequired = true\n'
            '[[item]]\nid = "b"\ntext = "B"\nsource = "S"\ngroup = "offer"\nrequired = 1\n')
    with pytest.raises(ChecklistError) as info:
        parse_checklist(body, "f.toml")
    text = " | ".join(info.value.problems)
    assert "item 1 (a): text" in text and "item 1 (a): group" in text and "item 2 (b): required" in text


# -- conditions (the rules engine's language) -----------------------------------------------

@pytest.mark.parametrize("text, case_kw, holds", [
    ("gender == female", dict(gender=Gender.FEMALE), True),
    ("gender == female", dict(gender=Gender.MALE), False),
    ("gender == female", dict(gender=None), False),
    ("rosh >= high", dict(rosh=Rosh.VERY_HIGH), True),
    ("rosh >= high", dict(rosh=Rosh.MEDIUM), False),
    ("flags has wales", dict(flags=("wales",)), True),
    ("flags has wales", dict(), False),
    ("order in [licence, PSS]", dict(order_type=OrderType.PSS), True),
])
def test_applies_when_uses_the_case_facts(text, case_kw, holds):
    body = GOOD.replace("required = true", f"required = true\napplies_when = {text!r}")
    checklist = parse_checklist(body, "office.toml")
    assert bool(checklist.applicable(make_case(**case_kw), TODAY)) is holds


# -- completion -------------------------------------------------------------------------------

def tick_all(record: InductionRecord, items) -> InductionRecord:
    for item in items:
        if item.required and not record.is_ticked(item.id):
            record = record.toggled(item.id)
    return record


def test_not_done_until_every_required_item_is_ticked_and_a_date_recorded():
    checklist = load_checklist()
    case = make_case(gender=Gender.FEMALE)
    record = InductionRecord(case.crn)
    status = induction_status(case, record, checklist, TODAY)
    assert not status.done
    assert {i.id for i in status.missing} >= {"female-om-offered", "requirements-and-why"}
    assert status.date_missing

    record = tick_all(record, checklist.applicable(case, TODAY))
    status = induction_status(case, record, checklist, TODAY)
    assert not status.done and status.missing == () and status.date_missing
    assert "no induction date recorded" in status.missing_lines()

    record = record.with_date(date(2026, 11, 20), by="jsmith")
    status = induction_status(case, record, checklist, TODAY)
    assert status.done
    assert status.summary().startswith(f"{status.required_count}/{status.required_count} required")

    # untick one item: not done again, and that item is named
    record = record.toggled("barrier-fares")
    status = induction_status(case, record, checklist, TODAY)
    assert not status.done
    assert [i.id for i in status.missing] == ["barrier-fares"]
    assert any("Fares" in line and "HMIP C.2.1.6" in line for line in status.missing_lines())


def test_optional_and_inapplicable_items_are_not_needed():
    checklist = load_checklist()
    man = make_case(gender=Gender.MALE)
    record = tick_all(InductionRecord(man.crn), checklist.applicable(man, TODAY)).with_date(TODAY)
    status = induction_status(man, record, checklist, TODAY)
    assert status.done
    assert not record.is_ticked("welsh-language")          # optional, never ticked
    assert not record.is_ticked("female-om-offered")       # not applicable to a man


def test_future_date_does_not_complete():
    checklist = load_checklist()
    case = make_case()
    record = tick_all(InductionRecord(case.crn), checklist.applicable(case, TODAY))
    status = induction_status(case, record.with_date(TODAY + timedelta(days=1)), checklist, TODAY)
    assert not status.done and status.future_date


def test_completion_event_completes_the_due_item():
    checklist = load_checklist()
    case = make_case()
    record = InductionRecord(case.crn)
    assert completion_event(induction_status(case, record, checklist, TODAY), record) is None
    record = tick_all(record, checklist.applicable(case, TODAY)).with_date(date(2026, 11, 2))
    event = completion_event(induction_status(case, record, checklist, TODAY), record)
    assert event.type is EventType.INDUCTION_COMPLETED and event.date == date(2026, 11, 2)


def test_record_round_trips_and_keeps_notes_for_unknown_items():
    record = (InductionRecord("A123456").toggled("rights-and-complaints")
              .with_note("rights-and-complaints", "Leaflet given [bold]x[/bold] <b>")
              .with_note("old-item", "kept").with_date(date(2026, 11, 2), by="jsmith"))
    data = record.to_dict()
    assert data["items"]["rights-and-complaints"] == {
        "ticked": True, "note": "Leaflet given [bold]x[/bold] <b>"}
    back, problems = record_from_dict(data)
    assert problems == [] and back == record


@pytest.mark.parametrize("data, message", [
    ({"crn": "A123456", "date": "2026-02-30", "items": {}}, "date:"),
    ({"date": None, "items": {}}, "crn: is missing"),
    ({"crn": "A123456", "items": {"x": {"ticked": "yes"}}}, "items.x.ticked"),
    ({"crn": "A123456", "items": []}, "items: must be an object"),
    ("nonsense", "record: must be an object"),
])
def test_bad_records_are_reported_by_field(data, message):
    record, problems = record_from_dict(data)
    assert record is None and any(message in p for p in problems)


@settings(max_examples=60)
@given(st.dictionaries(st.sampled_from([i.id for i in load_checklist().items]), st.booleans()),
       st.sampled_from(list(Gender) + [None]))
def test_done_exactly_when_every_applicable_required_item_is_ticked(ticks, gender):
    checklist = load_checklist()
    case = make_case(gender=gender)
    record = InductionRecord(case.crn, {k: ItemEntry(v) for k, v in ticks.items()}, TODAY)
    status = induction_status(case, record, checklist, TODAY)
    needed = {i.id for i in checklist.items if i.required and i.applies_to(case, TODAY)}
    assert status.done == all(ticks.get(i, False) for i in needed)


# -- re-induction prompts (NS 2c.7 guidance) --------------------------------------------------

INDUCTED = Event(EventType.INDUCTION_COMPLETED, date(2026, 10, 5))


def test_four_weeks_without_contact_boundary():
    last = date(2026, 10, 26)
    case = make_case(events=(INDUCTED, contact(last)))
    assert reinduction_prompts(case, last + timedelta(days=27)) == []
    prompts = reinduction_prompts(case, last + timedelta(days=28))
    assert [p.reason for p in prompts] == ["no_contact"]
    assert prompts[0].source.startswith("NS 2c.7")
    assert prompts[0].since == last + timedelta(days=28)
    assert "28 days" in prompts[0].detail


def test_gap_between_two_contacts_prompts_until_reinducted():
    events = (INDUCTED, contact(date(2026, 10, 6)), contact(date(2026, 11, 10)),
              contact(date(2026, 11, 17)))
    prompts = reinduction_prompts(make_case(events=events), TODAY)
    assert [p.reason for p in prompts] == ["no_contact"]
    assert "2026-10-06 to 2026-11-10" in prompts[0].detail
    redone = events + (Event(EventType.INDUCTION_COMPLETED, date(2026, 11, 17)),)
    assert reinduction_prompts(make_case(events=redone), TODAY) == []


def test_27_day_gap_between_contacts_does_not_prompt():
    events = (INDUCTED, contact(date(2026, 10, 6)), contact(date(2026, 11, 2)),
              contact(date(2026, 11, 20)))
    assert reinduction_prompts(make_case(events=events), TODAY) == []


def test_missed_appointments_are_not_contact():
    events = (INDUCTED, contact(date(2026, 10, 20)), contact(date(2026, 11, 3), ContactOutcome.FTC),
              contact(date(2026, 11, 10), ContactOutcome.ACCEPTABLE_ABSENCE))
    prompts = reinduction_prompts(make_case(events=events), TODAY + timedelta(days=4))
    assert [p.reason for p in prompts] == ["no_contact"]


def test_weeks_after_the_induction_with_no_contact_prompt():
    case = make_case(events=(INDUCTED,))
    assert reinduction_prompts(case, INDUCTED.date + timedelta(days=27)) == []
    assert [p.reason for p in reinduction_prompts(case, INDUCTED.date + timedelta(days=28))] == ["no_contact"]


def test_future_contacts_do_not_count():
    case = make_case(events=(INDUCTED, contact(date(2026, 10, 20)), contact(date(2026, 12, 1))))
    assert [p.reason for p in reinduction_prompts(case, TODAY)] == ["no_contact"]


@pytest.mark.parametrize("etype, reason, source", [
    (EventType.TRANSFER_IN, "transfer_in", "NS 2c.7"),
    (EventType.OM_CHANGED, "om_changed", "NS 2c.7"),
])
def test_transfer_and_change_of_om_prompt_until_reinducted(etype, reason, source):
    events = (INDUCTED, contact(date(2026, 10, 26)), contact(date(2026, 11, 16)),
              Event(etype, date(2026, 11, 18)))
    prompts = reinduction_prompts(make_case(events=events), TODAY)
    assert [(p.reason, p.since) for p in prompts] == [(reason, date(2026, 11, 18))]
    assert prompts[0].source.startswith(source)
    assert prompts[0].to_dict()["since"] == "2026-11-18"
    done = events + (Event(EventType.INDUCTION_COMPLETED, date(2026, 11, 20)),)
    assert reinduction_prompts(make_case(events=done), TODAY) == []
    # an induction before the change does not satisfy it
    early = (Event(EventType.INDUCTION_COMPLETED, date(2026, 11, 16)), Event(etype, date(2026, 11, 18)))
    assert [p.reason for p in reinduction_prompts(make_case(events=early), TODAY)] == [reason]


def test_events_after_today_do_not_prompt():
    events = (INDUCTED, contact(date(2026, 10, 30)), contact(date(2026, 11, 20)),
              Event(EventType.OM_CHANGED, date(2026, 11, 30)))
    assert reinduction_prompts(make_case(events=events), TODAY) == []

"""The contact-outcome taxonomy (data) and the case-format contact events it makes."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import replace
from datetime import date, time
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.domain.case import ContactOutcome, Event, EventType
from omtui.domain.caseformat import event_to_dict, parse_case
from omtui.domain.outcomes import (
    ContactError,
    OutcomeTaxonomy,
    TaxonomyError,
    make_contact_event,
    taxonomy_from_dict,
    taxonomy_from_toml,
)
from omtui.outcomes_file import load_taxonomy, packaged_taxonomy

TODAY = date(2026, 11, 23)

@pytest.fixture(autouse=True)
def no_office_overrides(monkeypatch):
    """A developer's own OMTUI_OUTCOMES / OMTUI_TEMPLATES must not change these tests."""
    monkeypatch.delenv("OMTUI_OUTCOMES", raising=False)
    monkeypatch.delenv("OMTUI_TEMPLATES", raising=False)



@pytest.fixture(scope="module")
def tax() -> OutcomeTaxonomy:
    return packaged_taxonomy()


@pytest.fixture
def raw() -> dict:
    text = resources.files("omtui.data").joinpath("contact-outcomes.toml").read_text("utf-8")
    return tomllib.loads(text)


def roundtrip(event: Event) -> Event:
    """The event written to the case format and read back inside a case."""
    raw = {"crn": "X123456", "name": "A Person", "order_type": "CO",
           "sentence_date": "2000-01-01", "tier": 2, "rosh": "medium", "ppo": False,
           "requirements": ["supervision"], "events": [event_to_dict(event)]}
    case, problems = parse_case(raw)
    assert problems == []
    (back,) = case.events
    return back


# -- the packaged taxonomy -------------------------------------------------------------------

def test_packaged_taxonomy_has_the_services_outcomes(tax):
    assert [o.label for o in tax.outcomes] == [
        "Attended – complied", "Attended – failed to comply", "Sent home (behaviour)",
        "Sent home (service issues)", "Acceptable absence", "Unacceptable absence",
        "Failed to attend", "To be rescheduled"]
    assert [c.code for c in tax.contact_types] == [
        "office", "home_visit", "phone", "video", "other_agency", "letter"]
    assert [r.label for r in tax.absence_reasons] == [
        "Court / legal", "Employment", "Family / childcare", "Holiday", "Medical", "Religious",
        "Remanded in custody", "Professional judgement"]


@pytest.mark.parametrize("code, maps_to", [
    ("attended_complied", ContactOutcome.ATTENDED),
    ("attended_ftc", ContactOutcome.FTC),
    ("sent_home_behaviour", ContactOutcome.FTC),
    ("sent_home_service", ContactOutcome.ACCEPTABLE_ABSENCE),
    ("acceptable_absence", ContactOutcome.ACCEPTABLE_ABSENCE),
    ("unacceptable_absence", ContactOutcome.FTC),
    ("failed_to_attend", ContactOutcome.FTC),
    ("to_be_rescheduled", ContactOutcome.RESCHEDULED),
])
def test_each_outcome_maps_onto_the_case_format(tax, code, maps_to):
    kind = tax.outcome(code)
    assert kind.outcome is maps_to
    assert kind.source.startswith("NS ")
    assert kind.why


def test_only_attended_complied_counts_as_a_contact(tax):
    assert [o.code for o in tax.outcomes if o.counts_as_contact] == ["attended_complied"]


def test_one_key_shortcuts_pick_items(tax):
    assert tax.outcome("f").code == "failed_to_attend"
    assert tax.contact_type("h").code == "home_visit"
    assert tax.absence_reason("m").code == "medical"


# -- making contact events ----------------------------------------------------------------

def test_acceptable_absence_keeps_its_reason(tax):
    e = tax.make_contact_event(date(2026, 11, 20), time(9, 30), "office", "acceptable_absence",
                               "medical", "GP letter seen", today=TODAY)
    assert e.type is EventType.CONTACT and e.outcome is ContactOutcome.ACCEPTABLE_ABSENCE
    assert event_to_dict(e) == {
        "type": "contact", "date": "2026-11-20", "outcome": "acceptable_absence",
        "note": "GP letter seen", "contact_type": "office", "time": "09:30",
        "outcome_detail": "acceptable_absence", "absence_reason": "medical"}


def test_sent_home_for_behaviour_is_an_ftc(tax):
    e = make_contact_event(date(2026, 11, 20), time(14, 0), "office", "sent_home_behaviour",
                           taxonomy=tax)
    assert e.is_ftc
    assert e.extra["outcome_detail"] == "sent_home_behaviour"


def test_sent_home_for_service_issues_is_not_an_ftc(tax):
    e = make_contact_event(date(2026, 11, 20), None, "office", "sent_home_service", taxonomy=tax)
    assert not e.is_ftc
    assert e.outcome is ContactOutcome.ACCEPTABLE_ABSENCE
    assert "time" not in e.extra


@settings(max_examples=80, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=TODAY),
       at=st.none() | st.times().map(lambda t: time(t.hour, t.minute)),
       data=st.data(),
       note=st.none() | st.text(max_size=300),
       duration=st.none() | st.integers(min_value=1, max_value=720))
def test_every_contact_event_round_trips_through_the_case_format(tax, day, at, data, note,
                                                                   duration):
    kind = data.draw(st.sampled_from(tax.outcomes + (None,)))
    ctype = data.draw(st.sampled_from(tax.contact_types))
    reason = None
    if kind is not None and kind.reason.value != "none":
        reason = data.draw(st.sampled_from(tax.absence_reasons)).code
    e = tax.make_contact_event(day, at, ctype.code, kind.code if kind else None, reason, note,
                               duration_minutes=duration, today=TODAY)
    assert roundtrip(e) == e
    if kind is not None:
        assert tax.outcome_of(e) == kind


def test_contact_event_inside_a_whole_case_round_trips(tax):
    e = tax.make_contact_event(date(2026, 11, 2), time(10, 0), "home_visit", "attended_complied",
                               note="[bold]not markup[/bold] Zoë Ødegård 王")
    raw = {"crn": "X123456", "name": "A Person", "order_type": "CO",
           "sentence_date": "2026-10-01", "tier": 2, "rosh": "medium", "ppo": False,
           "requirements": ["supervision"], "events": [event_to_dict(e)]}
    case, problems = parse_case(raw)
    assert problems == []
    assert case.events == (e,)


def test_very_long_note_is_kept_whole(tax):
    note = "x" * 100_000
    e = tax.make_contact_event(TODAY, None, "phone", "attended_complied", note=note)
    assert e.note == note


def test_nul_is_dropped_from_notes_and_blank_notes_are_none(tax):
    assert tax.make_contact_event(TODAY, None, "phone", "attended_complied",
                                  note="a\x00b").note == "ab"
    assert tax.make_contact_event(TODAY, None, "phone", "attended_complied",
                                  note="   ").note is None


# -- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, field, message", [
    (dict(contact_type="fax", outcome_code="attended_complied"), "contact_type",
     "'fax' is not a contact type: use one of office, home_visit, phone, video, other_agency, "
     "letter"),
    (dict(contact_type="office", outcome_code="late"), "outcome",
     "'late' is not a contact outcome: use one of attended_complied"),
    (dict(contact_type="office", outcome_code="acceptable_absence"), "reason",
     "Acceptable absence needs a reason: Court / legal, Employment"),
    (dict(contact_type="office", outcome_code="acceptable_absence", reason="hangover"), "reason",
     "'hangover' is not a reason for absence: use one of court_legal"),
    (dict(contact_type="office", outcome_code="failed_to_attend", reason="medical"), "reason",
     "Failed to attend takes no reason for absence"),
    (dict(contact_type="office", outcome_code=None, reason="medical"), "reason",
     "a reason for absence goes with an outcome"),
    (dict(contact_type="office", outcome_code=None, duration_minutes=0), "duration",
     "the length 0 minutes is outside 1-720"),
    (dict(contact_type="office", outcome_code=None, duration_minutes="60"), "duration",
     "the length '60' must be a whole number of minutes"),
])
def test_bad_contacts_name_the_field_and_say_why(tax, kwargs, field, message):
    with pytest.raises(ContactError) as exc:
        tax.make_contact_event(TODAY, time(9, 0), **kwargs)
    assert exc.value.field == field
    assert str(exc.value).startswith(message)


def test_unacceptable_absence_may_carry_the_reason_given(tax):
    e = tax.make_contact_event(TODAY, None, "office", "unacceptable_absence", "holiday")
    assert e.is_ftc and e.extra["absence_reason"] == "holiday"
    assert "absence_reason" not in tax.make_contact_event(
        TODAY, None, "office", "unacceptable_absence").extra


def test_no_outcome_for_a_future_date(tax):
    with pytest.raises(ContactError, match="2026-11-24 is after today .2026-11-23.: an outcome"):
        tax.make_contact_event(date(2026, 11, 24), None, "office", "attended_complied",
                               today=TODAY)
    # an appointment for tomorrow is fine
    assert tax.make_contact_event(date(2026, 11, 24), None, "office", None,
                                  today=TODAY).outcome is None


# -- recording the outcome of an appointment ------------------------------------------------

def test_record_outcome_keeps_the_appointment(tax):
    appt = tax.make_contact_event(date(2026, 11, 20), time(9, 30), "video", None,
                                  note="bring payslips", duration_minutes=45)
    appt = Event(appt.type, appt.date, None, note=appt.note, extra={**appt.extra, "series": "s1"})
    done = tax.record_outcome(appt, "acceptable_absence", "employment", "shift changed",
                              today=TODAY)
    assert done.outcome is ContactOutcome.ACCEPTABLE_ABSENCE
    assert done.extra == {"contact_type": "video", "time": "09:30", "duration_minutes": 45,
                          "series": "s1", "outcome_detail": "acceptable_absence",
                          "absence_reason": "employment"}
    assert done.note == "bring payslips\nshift changed"
    assert roundtrip(done) == done


def test_record_outcome_keeps_an_imported_appointments_own_fields(tax):
    odd = Event(EventType.CONTACT, date(2026, 11, 20), None,
                extra={"contact_type": "fax", "time": "9am", "duration_minutes": 0})
    done = tax.record_outcome(odd, "failed_to_attend", today=TODAY)
    assert done.extra == {"contact_type": "fax", "time": "9am", "duration_minutes": 0,
                          "outcome_detail": "failed_to_attend"}
    assert done.is_ftc


def test_record_outcome_refuses_twice_and_non_contacts(tax):
    done = tax.make_contact_event(TODAY, None, "office", "attended_complied")
    with pytest.raises(ContactError, match="already has an outcome"):
        tax.record_outcome(done, "failed_to_attend")
    with pytest.raises(ContactError, match="a warning event has no outcome"):
        tax.record_outcome(Event(EventType.WARNING, TODAY), "failed_to_attend")


def test_describe_for_the_log(tax):
    e = tax.make_contact_event(TODAY, time(9, 30), "office", "acceptable_absence", "medical")
    assert tax.describe(e) == "09:30 Office – Acceptable absence (Medical)"
    appt = tax.make_contact_event(TODAY, None, "home_visit", None)
    assert tax.describe(appt) == "Home visit – arranged"
    # a contact imported without the detail, or with free text there, is described by its
    # case-format outcome alone (no guessing which kind of failure it was)
    bare = Event(EventType.CONTACT, TODAY, ContactOutcome.FTC, extra={"contact_type": "phone"})
    assert tax.outcome_of(bare) is None
    assert tax.describe(bare) == "Phone – Failed to comply"
    texty = Event(EventType.CONTACT, TODAY, ContactOutcome.ACCEPTABLE_ABSENCE,
                  extra={"outcome_detail": "Told us in advance: medical appointment."})
    assert tax.outcome_of(texty) is None
    assert tax.describe(texty) == "contact – Acceptable absence"
    # a detail that disagrees with the outcome is not trusted either
    wrong = Event(EventType.CONTACT, TODAY, ContactOutcome.ATTENDED,
                  extra={"outcome_detail": "failed_to_attend"})
    assert tax.outcome_of(wrong) is None


def test_an_unacceptable_absence_carries_the_judged_explanation(tax):
    contact = tax.make_contact_event(TODAY, None, "office", "unacceptable_absence", "holiday")
    judged = tax.judgement_of(contact)
    assert (judged.type, judged.date, judged.for_date, judged.acceptable) == (
        EventType.EXPLANATION, TODAY, TODAY, False)
    assert judged.reason == ("Unacceptable absence (reason given: Holiday), judged not "
                             "acceptable when recorded")
    no_reason = tax.make_contact_event(TODAY, None, "office", "unacceptable_absence")
    assert "(no reason given)" in tax.judgement_of(no_reason).reason
    # every other outcome leaves the explanation to come (its 10-working-day clock runs)
    for code in ("failed_to_attend", "attended_ftc", "sent_home_behaviour", "attended_complied"):
        assert tax.judgement_of(tax.make_contact_event(TODAY, None, "office", code)) is None


def test_the_judged_explanation_turns_the_due_item_into_the_warning(tax, fixed_cal):
    from omtui.domain.agenda import case_agenda
    from omtui.rulepacks import default_packs

    case, _ = parse_case({"crn": "A123456", "name": "T", "order_type": "CO",
                       "sentence_date": "2026-09-01", "tier": 2, "rosh": "low", "ppo": False,
                       "requirements": ["supervision"],
                       "events": [{"type": "allocated", "date": "2026-09-01"}]})
    failure = tax.make_contact_event(date(2026, 11, 16), None, "office", "unacceptable_absence")

    def enforcement(events):
        items = case_agenda(replace(case, events=events), TODAY, fixed_cal, default_packs())
        return {i.rule: i.due for i in items if i.source.startswith("NS 2f") and i.is_open}

    alone = enforcement((*case.events, failure))
    assert "ns-2f4-explanation-window" in alone
    judged = enforcement((*case.events, failure, tax.judgement_of(failure)))
    assert "ns-2f4-explanation-window" not in judged
    assert judged["ns-2f8-written-warning"] == date(2026, 11, 30)     # 10 wd after 16 Nov


def test_judged_is_only_for_an_ftc_outcome(raw):
    bad = copy.deepcopy(raw)
    attended = next(o for o in bad["outcome"] if o["outcome"] == "attended")
    attended["judged"] = "unacceptable"
    with pytest.raises(TaxonomyError, match="judged can only be \"unacceptable\", on an ftc"):
        taxonomy_from_dict(bad, "office.toml")


# -- validation of an office's own file ------------------------------------------------------

def test_validation_lists_every_problem(raw):
    bad = copy.deepcopy(raw)
    bad["outcome"][0]["outcome"] = "present"
    bad["outcome"][1]["code"] = "attended_complied"
    bad["outcome"][2]["key"] = "a"
    bad["outcome"][3]["source"] = ""
    bad["outcome"][4]["reason"] = "sometimes"
    bad["contact_type"][0]["colour"] = "red"
    bad["version"] = 2
    with pytest.raises(TaxonomyError) as exc:
        taxonomy_from_dict(bad, "office.toml")
    problems = exc.value.problems
    assert "version 2 is not supported (use version = 1)" in problems
    assert "[[contact_type]] 'office': unknown field(s) colour" in problems
    assert "[[outcome]] entry 2: code 'attended_complied' is already used by entry 1" in problems
    assert "[[outcome]] 'sent_home_behaviour': key 'a' is already used by entry 1" in problems
    assert "[[outcome]] 'attended_complied': outcome 'present' is not one of attended, ftc, " \
           "acceptable_absence, rescheduled" in problems
    assert ("[[outcome]] 'sent_home_service': needs a source (the section the mapping rests on)"
            in problems)
    assert ("[[outcome]] 'acceptable_absence': reason 'sometimes' must be none, optional or "
            "required" in problems)
    assert str(exc.value).startswith("office.toml: ")


def test_missing_sections_and_bad_toml():
    with pytest.raises(TaxonomyError, match="needs at least one \\[\\[outcome\\]\\] entry"):
        taxonomy_from_dict({"version": 1, "contact_type": [{"code": "office", "label": "O"}],
                            "absence_reason": [{"code": "m", "label": "M"}]})
    with pytest.raises(TaxonomyError, match="x.toml: not valid TOML"):
        taxonomy_from_toml("version = = 1", "x.toml")
    with pytest.raises(TaxonomyError, match="must be a table"):
        taxonomy_from_dict(["not", "a", "table"])


def test_office_file_overrides_the_packaged_one(tmp_path, monkeypatch, raw):
    monkeypatch.delenv("OMTUI_OUTCOMES", raising=False)
    assert load_taxonomy().where == "packaged contact-outcomes.toml"
    config = tmp_path / "omtui-config"
    config.mkdir(exist_ok=True)
    text = resources.files("omtui.data").joinpath("contact-outcomes.toml").read_text("utf-8")
    text = text.replace('label = "Video"', 'label = "Video call"')
    (config / "contact-outcomes.toml").write_text(text, "utf-8")
    tax = load_taxonomy()
    assert tax.contact_type("video").label == "Video call"
    assert tax.where.endswith("contact-outcomes.toml") and "packaged" not in tax.where


def test_explicit_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(tmp_path / "nope.toml")


def test_a_letter_contact_is_what_the_enforcement_rules_look_for(tax, fixed_cal):
    # NS 2f.7: write to a recalled offender within 5 working days of return to custody
    from omtui.domain.case import Case, OrderType, Rosh
    from omtui.domain.enforcement import enforcement_state
    from omtui.rulepacks import load_rulebook

    letter = tax.make_contact_event(date(2026, 11, 12), None, "letter", "attended_complied")
    case = Case(crn="X123456", name="A Person", order_type=OrderType.LICENCE,
                sentence_date=date(2025, 1, 6), tier=3, rosh=Rosh.MEDIUM,
                events=(Event(EventType.RECALL_INITIATED, date(2026, 11, 2)),
                        Event(EventType.RETURNED_TO_CUSTODY, date(2026, 11, 10)), letter))
    policy = load_rulebook(use_env=False).enforcement
    (recall_letter,) = enforcement_state(case, TODAY, fixed_cal, policy).recall_letters
    assert recall_letter.done_on == date(2026, 11, 12)


# -- the quick-entry form ------------------------------------------------------------------------

from omtui.domain.outcomes import contact_from_form  # noqa: E402


def test_form_with_only_type_and_outcome_is_a_contact_today(tax):
    result = contact_from_form({"contact_type": "o", "outcome": "a"}, tax, TODAY)
    assert result.ok and result.errors == {}
    assert event_to_dict(result.event) == {
        "type": "contact", "date": "2026-11-23", "outcome": "attended",
        "contact_type": "office", "outcome_detail": "attended_complied"}


def test_form_as_typed(tax):
    result = contact_from_form({"date": "yesterday", "time": "2.30pm", "contact_type": "h",
                                "outcome": "e", "reason": "m", "duration": "1h",
                                "note": "  GP letter seen\n"}, tax, TODAY)
    assert event_to_dict(result.event) == {
        "type": "contact", "date": "2026-11-22", "outcome": "acceptable_absence",
        "note": "  GP letter seen\n", "contact_type": "home_visit", "time": "14:30",
        "duration_minutes": 60, "outcome_detail": "acceptable_absence",
        "absence_reason": "medical"}


def test_form_year_left_out_means_past_for_outcomes_and_future_for_appointments(tax):
    jan = date(2027, 1, 4)
    done = contact_from_form({"date": "30/12", "contact_type": "o", "outcome": "f"}, tax, jan)
    assert done.event.date == date(2026, 12, 30)
    arranged = contact_from_form({"date": "6/1", "contact_type": "o"}, tax, jan)
    assert arranged.event.date == date(2027, 1, 6) and arranged.event.outcome is None


def test_form_marks_every_wrong_field_at_once(tax):
    result = contact_from_form({"date": "31/02/2026", "time": "25:00", "contact_type": "",
                                "outcome": "zz", "duration": "13h"}, tax, TODAY)
    assert not result.ok
    assert result.errors == {
        "date": "'31/02/2026' is not a real date: February 2026 has 28 days",
        "time": "'25:00' is not a time: hours go from 0 to 23",
        "duration": "'13h' is 780 minutes: a length is 1 to 720 minutes",
        "contact_type": "choose the type of contact: Office, Home visit, Phone, Video, "
                        "Other agency, Letter",
        "outcome": "'zz' is not a contact outcome: use one of attended_complied, attended_ftc, "
                   "sent_home_behaviour, sent_home_service, acceptable_absence, "
                   "unacceptable_absence, failed_to_attend, to_be_rescheduled",
    }


@pytest.mark.parametrize("form, field, message", [
    ({"contact_type": "o", "outcome": "e"}, "reason",
     "Acceptable absence needs a reason: Court / legal, Employment"),
    ({"contact_type": "o", "outcome": "f", "reason": "m"}, "reason",
     "Failed to attend takes no reason for absence"),
    ({"contact_type": "o", "outcome": "e", "reason": "q"}, "reason",
     "'q' is not a reason for absence"),
    ({"contact_type": "o", "reason": "m", "date": "tomorrow"}, "reason",
     "a reason for absence goes with an outcome"),
    ({"contact_type": "o", "date": "yesterday"}, "outcome",
     "2026-11-22 is before today: record what happened (choose an outcome)"),
    ({"contact_type": "o", "outcome": "a", "date": "tomorrow"}, "date",
     "2026-11-24 is after today (2026-11-23): an outcome can only be recorded"),
])
def test_form_field_messages(tax, form, field, message):
    result = contact_from_form(form, tax, TODAY)
    assert not result.ok
    assert list(result.errors) == [field]
    assert result.errors[field].startswith(message)


@settings(max_examples=60, deadline=None)
@given(form=st.dictionaries(st.sampled_from(["date", "time", "contact_type", "outcome",
                                             "reason", "duration", "note"]),
                            st.none() | st.text(max_size=15), max_size=7))
def test_form_never_crashes_and_either_makes_an_event_or_says_why(tax, form):
    result = contact_from_form(form, tax, TODAY)
    assert (result.event is None) == bool(result.errors)
    if result.event is not None:
        assert roundtrip(result.event) == result.event

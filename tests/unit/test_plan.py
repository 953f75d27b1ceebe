"""Sentence-plan gaps (one test per gap), the need areas, and the plan's JSON shape."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omtui.domain.case import Case, EventType, OrderType, Requirement, Rosh
from omtui.domain.plan import (
    GAP_CHECKS,
    PERSON,
    Objective,
    ObjectiveStatus,
    PlanError,
    SentencePlan,
    objective_from_dict,
    parse_need_areas,
    plan_completed_event,
    plan_from_dict,
    plan_gaps,
    plan_to_dict,
)
from omtui.plan_data import load_need_areas

TODAY = date(2026, 11, 23)
AREAS = load_need_areas()


def make_case(**kw) -> Case:
    base = dict(crn="A123456", name="Sam Example", order_type=OrderType.CO,
                sentence_date=date(2026, 11, 2), tier=3, rosh=Rosh.HIGH,
                requirements=(Requirement.SUPERVISION, Requirement.UNPAID_WORK),
                end_date=date(2027, 11, 1))
    base.update(kw)
    return Case(**base)


def complete_plan() -> SentencePlan:
    """A plan the standards are happy with, for the case above."""
    return SentencePlan(
        crn="A123456",
        objectives=(
            Objective("obj-1", "Complete 120 hours of unpaid work", requirements=(Requirement.UNPAID_WORK,),
                      who=(PERSON, "UPW supervisor"), by_when=date(2027, 6, 30),
                      measure="Hours completed on the UPW record", status=ObjectiveStatus.IN_PROGRESS),
            Objective("obj-2", "Keep away from the ex-partner's street; attend weekly supervision",
                      need_area="relationships", requirements=(Requirement.SUPERVISION,),
                      risks=("risk to known adult (ex-partner)",), risk_management=True,
                      who=("Offender manager", PERSON), by_when=date(2027, 2, 1),
                      measure="No police call-outs; attendance at supervision"),
        ),
        review_date=date(2027, 3, 2), review_reason="4 months after sentence (NS 2e.5)",
        contact_pattern="Weekly reporting at the office while RoSH is high; home visit monthly",
    )


def codes(gaps) -> list[str]:
    return [g.code for g in gaps]


def test_complete_plan_has_no_gaps():
    assert plan_gaps(make_case(), complete_plan(), TODAY, AREAS) == []


def test_every_gap_cites_a_source():
    for code, (title, source) in GAP_CHECKS.items():
        assert title and ("NS " in source or "HMIP " in source), code


def test_no_objectives():
    plan = replace(complete_plan(), objectives=())
    gaps = plan_gaps(make_case(), plan, TODAY)
    assert "no-objectives" in codes(gaps)
    assert codes(gaps).count("requirement-without-objective") == 2
    assert "no-person-objective" not in codes(gaps)      # said once, as no-objectives


def test_requirement_with_no_objective():
    case = make_case(requirements=(Requirement.SUPERVISION, Requirement.UNPAID_WORK, Requirement.CURFEW))
    gaps = plan_gaps(case, complete_plan(), TODAY)
    assert codes(gaps) == ["requirement-without-objective"]
    assert "curfew" in gaps[0].message
    assert gaps[0].source == "NS 2b.4; HMIP C.2.1.14"


@pytest.mark.parametrize("rosh, expected", [(Rosh.HIGH, True), (Rosh.VERY_HIGH, True),
                                            (Rosh.MEDIUM, False), (Rosh.LOW, False)])
def test_high_rosh_with_no_risk_management_objective(rosh, expected):
    plain = tuple(replace(o, risks=(), risk_management=False) for o in complete_plan().objectives)
    gaps = plan_gaps(make_case(rosh=rosh), replace(complete_plan(), objectives=plain), TODAY)
    assert ("no-risk-objective" in codes(gaps)) is expected
    if expected:
        assert "B.4.1.11" in next(g for g in gaps if g.code == "no-risk-objective").source


def test_a_linked_risk_counts_as_risk_management():
    objs = tuple(replace(o, risk_management=False) for o in complete_plan().objectives)
    assert plan_gaps(make_case(), replace(complete_plan(), objectives=objs), TODAY) == []


def test_no_review_date():
    gaps = plan_gaps(make_case(), replace(complete_plan(), review_date=None), TODAY)
    assert codes(gaps) == ["no-review-date"]
    assert gaps[0].field == "review_date" and "C.2.1.18" in gaps[0].source


def test_review_date_without_reason():
    gaps = plan_gaps(make_case(), replace(complete_plan(), review_reason="  "), TODAY)
    assert codes(gaps) == ["no-review-reason"]


def test_review_date_more_than_a_year_ahead():
    ok = plan_gaps(make_case(), replace(complete_plan(), review_date=date(2027, 11, 23)), TODAY)
    far = plan_gaps(make_case(), replace(complete_plan(), review_date=date(2027, 11, 24)), TODAY)
    assert "review-too-far" not in codes(ok)
    assert codes(far) == ["review-too-far"]


def test_no_contact_pattern():
    gaps = plan_gaps(make_case(), replace(complete_plan(), contact_pattern=""), TODAY)
    assert codes(gaps) == ["no-contact-pattern"] and "C.2.1.17" in gaps[0].source


def with_first(**changes) -> SentencePlan:
    plan = complete_plan()
    return plan.with_objective(replace(plan.objectives[0], **changes))


def test_objective_with_no_date():
    gaps = plan_gaps(make_case(), with_first(by_when=None), TODAY)
    assert [(g.code, g.objective_id, g.field) for g in gaps] == [("objective-no-date", "obj-1", "by_when")]


def test_objective_with_no_owner():
    gaps = plan_gaps(make_case(), with_first(who=()), TODAY)
    assert [(g.code, g.objective_id, g.field) for g in gaps] == [("objective-no-owner", "obj-1", "who")]


def test_objective_with_blank_owner_counts_as_no_owner():
    assert codes(plan_gaps(make_case(), with_first(who=("  ",)), TODAY)) == ["objective-no-owner"]


def test_no_objective_owned_by_the_person():
    plan = complete_plan()
    objs = tuple(replace(o, who=tuple(w for w in o.who if w != PERSON)) for o in plan.objectives)
    gaps = plan_gaps(make_case(), replace(plan, objectives=objs), TODAY)
    assert codes(gaps) == ["no-person-objective"]
    assert "C.2.1.16" in gaps[0].source and "2b.5" in gaps[0].source


def test_objective_target_past_and_not_achieved():
    gaps = plan_gaps(make_case(), with_first(by_when=date(2026, 11, 20)), TODAY)
    assert codes(gaps) == ["objective-overdue"]
    assert "2026-11-20" in gaps[0].message and "in progress" in gaps[0].message
    # due today is not overdue; achieved or abandoned objectives are never overdue
    assert plan_gaps(make_case(), with_first(by_when=TODAY), TODAY) == []
    for status in (ObjectiveStatus.ACHIEVED, ObjectiveStatus.ABANDONED):
        assert plan_gaps(make_case(), with_first(by_when=date(2026, 11, 20), status=status), TODAY) == []


def test_objective_with_no_measure():
    assert codes(plan_gaps(make_case(), with_first(measure=""), TODAY)) == ["objective-no-measure"]


def test_objective_linked_to_nothing():
    plan = complete_plan().with_objective(
        Objective("obj-3", "Something", who=(PERSON,), by_when=date(2027, 1, 1), measure="m"))
    gaps = plan_gaps(make_case(), plan, TODAY)
    assert [(g.code, g.objective_id) for g in gaps] == [("objective-unlinked", "obj-3")]


def test_objective_linked_to_a_requirement_the_order_lacks():
    gaps = plan_gaps(make_case(), with_first(requirements=(Requirement.UNPAID_WORK, Requirement.DRR)), TODAY)
    assert codes(gaps) == ["objective-unknown-requirement"] and "DRR" in gaps[0].message


def test_objective_linked_to_an_unknown_need_area():
    gaps = plan_gaps(make_case(), with_first(need_area="astrology"), TODAY, AREAS)
    assert codes(gaps) == ["objective-unknown-need"]


def test_objective_due_after_the_order_ends():
    gaps = plan_gaps(make_case(), with_first(by_when=date(2027, 12, 1)), TODAY)
    assert codes(gaps) == ["objective-after-end"]


def test_gaps_never_raise_on_a_licence_with_no_requirements_and_no_end():
    case = make_case(order_type=OrderType.LICENCE, requirements=(), end_date=None, rosh=Rosh.LOW)
    gaps = plan_gaps(case, complete_plan(), TODAY)
    assert [(g.code, g.objective_id) for g in gaps] == [
        ("objective-unknown-requirement", "obj-1"), ("objective-unknown-requirement", "obj-2")]


# -- need areas -----------------------------------------------------------------------------

def test_the_ten_oasys_need_areas():
    assert [a.label for a in AREAS] == [
        "Accommodation", "Education, training and employment", "Financial management and income",
        "Relationships", "Lifestyle and associates", "Drug misuse", "Alcohol misuse",
        "Emotional well-being", "Thinking and behaviour", "Attitudes"]
    assert [a.oasys_section for a in AREAS] == list(range(3, 13))


def test_bad_need_area_file_names_the_area_and_field():
    with pytest.raises(PlanError, match="areas.toml: area 2: id: 'x' is used twice"):
        parse_need_areas('[[area]]\nid="x"\nlabel="X"\noasys_section=3\n'
                         '[[area]]\nid="x"\nlabel="Y"\noasys_section=4\n', "areas.toml")


# -- JSON shape ------------------------------------------------------------------------------

def test_plan_round_trips_through_json():
    plan = replace(complete_plan(), completed_on=date(2026, 11, 20), interim=True,
                   extra={"local_field": [1, 2]})
    data = json.loads(json.dumps(plan_to_dict(plan)))
    assert data["format"] == "omtui-plan"
    assert data["objectives"][0]["requirements"] == ["unpaid_work"]
    assert data["objectives"][1]["who"] == ["Offender manager", PERSON]
    back, problems = plan_from_dict(data, AREAS)
    assert problems == [] and back == plan


def test_plan_problems_name_the_objective_and_field():
    data = plan_to_dict(complete_plan())
    data["objectives"][1]["by_when"] = "2027-02-30"
    data["objectives"][0]["status"] = "finished"
    data["objectives"][0]["need_area"] = "astrology"
    data["review_date"] = "next week"
    plan, problems = plan_from_dict(data, AREAS)
    assert plan is None
    assert any(p.startswith("objectives[1].by_when:") and "not a real date" in p for p in problems)
    assert any(p.startswith("objectives[0].status:") for p in problems)
    assert any(p.startswith("objectives[0].need_area:") for p in problems)
    assert any(p.startswith("review_date:") for p in problems)


def test_duplicate_objective_ids_are_a_problem():
    data = plan_to_dict(complete_plan())
    data["objectives"][1]["id"] = "obj-1"
    assert any("used twice" in p for p in plan_from_dict(data)[1])


def test_form_values_are_accepted():
    obj, problems = objective_from_dict(
        {"id": "obj-9", "what": "Find a tenancy", "need_area": "accommodation",
         "who": "offender, housing worker", "requirements": "", "by_when": "2027-01-31",
         "status": "in progress", "measure": "Tenancy signed"}, AREAS)
    assert problems == []
    assert obj.who == (PERSON, "housing worker") and obj.status is ObjectiveStatus.IN_PROGRESS
    assert obj.owned_by_person


def test_missing_what_is_reported_at_the_field():
    _, problems = objective_from_dict({"id": "obj-1", "what": "  "})
    assert problems == ["what: is empty"]


def test_ids_and_editing():
    plan = complete_plan()
    assert plan.next_objective_id() == "obj-3"
    smaller = plan.without_objective("obj-1")
    assert [o.id for o in smaller.objectives] == ["obj-2"]
    assert smaller.next_objective_id() == "obj-3"      # never reuses an id still in the plan


def test_completed_plan_gives_the_event_that_completes_the_due_item():
    assert plan_completed_event(complete_plan()) is None
    event = plan_completed_event(replace(complete_plan(), completed_on=date(2026, 11, 20)))
    assert event.type is EventType.PLAN_COMPLETED and event.date == date(2026, 11, 20)


text_st = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                  max_size=40)


@settings(max_examples=80)
@given(st.lists(st.fixed_dictionaries({
    "what": text_st.filter(str.strip), "who": st.lists(text_st, max_size=3),
    "by_when": st.none() | st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    "status": st.sampled_from(list(ObjectiveStatus)), "measure": text_st,
    "requirements": st.lists(st.sampled_from(list(Requirement)), max_size=3, unique=True),
    "risk_management": st.booleans()}), max_size=5),
    st.none() | st.dates(date(2000, 1, 1), date(2040, 1, 1)), st.sampled_from(list(Rosh)))
def test_gaps_never_fail_and_round_trip_holds(objs, review, rosh):
    plan = SentencePlan("A123456", tuple(
        Objective(f"obj-{i}", o["what"], who=tuple(o["who"]), by_when=o["by_when"],
                  status=o["status"], measure=o["measure"], requirements=tuple(o["requirements"]),
                  risk_management=o["risk_management"]) for i, o in enumerate(objs)),
        review_date=review)
    gaps = plan_gaps(make_case(rosh=rosh), plan, TODAY, AREAS)
    assert all(g.code in GAP_CHECKS and g.source for g in gaps)
    back, problems = plan_from_dict(json.loads(json.dumps(plan_to_dict(plan))))
    assert problems == []
    # who entries are normalised (blank removed, aliases of the person unified) but gaps agree
    assert codes(plan_gaps(make_case(rosh=rosh), back, TODAY, AREAS)) == codes(gaps)

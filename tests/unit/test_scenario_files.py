"""Every shipped training scenario, played headless against the real rules engine.

* the model answer passes (every expected action on time);
* an empty answer file misses exactly the expected actions listed here;
* every expected date agrees with the date worked by hand in the file;
* late answers are late by the right number of working days; wrong actions fail the run.

The fixed calendar (committed England & Wales bank holidays) keeps results independent of
a ``holidays`` upgrade.
"""

from __future__ import annotations

from datetime import date

import pytest

from omtui.domain.scenario import Mark, ScenarioRun, parse_answers
from omtui.scenarios import default_answers, list_scenarios, load_answers, load_scenario, scenarios_dir

#: Per scenario: (checkpoint, expected action, rule) of every expected action, in file order.
#: An empty answer file must miss exactly these.
EXPECTED = {
    "tier4-christmas": [
        ("Allocate the case", "allocated", "ns-1-1-allocate-tier4-ppo", "2026-12-24"),
        ("First meeting with the offender manager", "contact", "ns-2c6-first-meeting-tier4",
         "2026-12-29"),
        ("Assessment and sentence plan", "assessment_completed", "ns-2a4-assessment-tier4-ppo",
         "2027-01-04"),
        ("Assessment and sentence plan", "plan_completed", "ns-2b3-plan-tier4-ppo", "2027-01-04"),
        ("Home visit", "home_visit", "ns-2a5-home-visit-high-rosh", "2027-01-11"),
    ],
    "ftc-explanation-day-11": [
        ("Respond to the failure to comply", "warning", "ns-2f8-written-warning", "2027-02-18"),
    ],
    "co-second-failure-breach": [
        ("Enforce the order", "breach_initiated", "ns-2f6-breach-papers", "2027-02-15"),
    ],
    "licence-third-failure-recall": [
        ("Enforce the licence", "recall_initiated", "ns-2f4-recall-24-hours", "2027-02-16"),
        ("After the return to custody", "contact", "ns-2f7-recall-letter", "2027-02-26"),
        ("After the return to custody", "review", "ns-2e5-review-recall", "2027-03-11"),
    ],
    "high-rosh-release-home-visit": [
        ("Contact after release", "contact", "ns-2c13-licence-first-contact", "2027-03-02"),
        ("Contact after release", "contact", "ns-2c13-licence-second-contact", "2027-03-04"),
        ("Review after release", "review", "ns-2e5-review-release-tier4-ppo", "2027-03-08"),
        ("Home visit", "home_visit", "ns-2a5-home-visit-high-rosh", "2027-03-15"),
    ],
    "woman-female-om": [
        ("Induction", "induction_completed", "ns-2c6-first-meeting", "2027-03-15"),
        ("Decide on the explanation", "explanation", "ns-2f4-explanation-window", "2027-04-02"),
        ("Decide on the explanation", "contact", "ns-2c16-tier2", "2027-03-21"),
    ],
    "drr-missed-test": [
        ("First contacts on a DRR", "contact", "ns-2d92-drr-first-contact", "2027-03-25"),
        ("First contacts on a DRR", "contact", "ns-2d93-drr-treatment-contact", "2027-03-30"),
        ("Respond to the missed sample", "warning", "ns-2f8-written-warning", "2027-04-27"),
    ],
    "address-change-not-reported": [
        ("Respond to the unreported move", "warning", "ns-2f8-written-warning", "2027-06-02"),
    ],
    "custody-suspends-contact": [
        ("Resume contact after the remand", "contact", "ns-2c16-tier4-weekly", "2027-05-13"),
    ],
    "high-rosh-da-sentenced-monday": [
        ("The first days", "contact", "hmip-c213-first-appointment-high-rosh", "2027-06-09"),
        ("The first days", "contact", "hmip-d228-high-rosh-weekly", "2027-06-13"),
        ("Plans and the home visit", "plan_completed", "ns-2b3-plan-tier4-ppo", "2027-06-14"),
        ("Plans and the home visit", "home_visit", "ns-2a5-home-visit-high-rosh", "2027-06-21"),
        ("Plans and the home visit", "plan_completed", "hmip-b4111-risk-management-plan",
         "2027-06-28"),
    ],
    "licence-two-failures-one-day": [
        ("Enforce the licence", "warning", "ns-2f8-written-warning", "2027-01-26"),
    ],
    "custody-statutory-victim": [
        ("The first days", "allocated", "ns-1-3-offender-supervisor", "2027-04-28"),
        ("The first days", "allocated", "ns-1-1-allocate", "2027-04-29"),
        ("The first days", "contact", "ns-2c5-psr-to-prison", "2027-05-04"),
        ("Statutory victim contact", "contact", "ns-4-2-victim-contact", "2027-06-23"),
    ],
    "ppo-police-notification": [
        ("Before release", "contact", "ns-2c13-police-notified", "2027-05-17"),
        ("Before release", "review", "ns-2e5-review-before-release", "2027-05-31"),
        ("After release", "contact", "ns-2c13-licence-first-contact", "2027-06-15"),
        ("After release", "contact", "ns-2c13-licence-second-contact", "2027-06-17"),
        ("After release", "review", "ns-2e5-review-release-tier4-ppo", "2027-06-21"),
    ],
}

SHIPPED = sorted(e.name for e in list_scenarios())


@pytest.fixture(autouse=True)
def packaged_rules_only(monkeypatch):
    monkeypatch.delenv("OMTUI_RULES", raising=False)
    monkeypatch.delenv("OMTUI_SCENARIOS_DIR", raising=False)


def _load(name, cal):
    return load_scenario(name, calendar=cal)


def test_at_least_ten_scenarios_are_shipped_and_all_are_listed_here():
    assert len(SHIPPED) >= 10
    assert set(EXPECTED) == set(SHIPPED)
    assert all(e.problem is None for e in list_scenarios())


@pytest.mark.parametrize("name", SHIPPED)
def test_model_answer_passes(name, fixed_cal):
    scenario = _load(name, fixed_cal)
    path = default_answers(scenarios_dir() / f"{name}.toml")
    assert path.is_file(), f"no model answer for {name}"
    marking = ScenarioRun(scenario, fixed_cal).play(load_answers(path, scenario))
    assert [(r.checkpoint, r.status) for r in marking.results] == [
        (r.checkpoint, Mark.ON_TIME) for r in marking.results]
    assert marking.wrong == ()
    assert marking.passed


@pytest.mark.parametrize("name", SHIPPED)
def test_empty_answers_miss_the_expected_actions(name, fixed_cal):
    scenario = _load(name, fixed_cal)
    marking = ScenarioRun(scenario, fixed_cal).play(parse_answers({}, scenario))
    got = [(r.checkpoint, r.expectation.action.value, r.expectation.rule,
            r.expectation.by.isoformat(), r.status) for r in marking.results]
    assert got == [(*row, Mark.MISSED) for row in EXPECTED[name]]
    assert not marking.passed


@pytest.mark.parametrize("name", SHIPPED)
def test_every_expected_date_matches_the_hand_worked_date(name, fixed_cal):
    scenario = _load(name, fixed_cal)
    for e in scenario.expectations:
        assert e.worked is not None, f"{name} {e.key}: no hand-worked date"
        assert e.by == e.worked, f"{name} {e.key}: engine {e.by}, worked by hand {e.worked}"
        assert e.derived and e.trace is not None   # derived from the engine, with its count


def test_the_real_calendar_agrees(ew_cal):
    for name in SHIPPED:
        scenario = _load(name, ew_cal)
        assert [e.by for e in scenario.expectations] == [e.worked for e in scenario.expectations]


def _play(name, cal, *actions):
    scenario = _load(name, cal)
    acts = parse_answers({"actions": [dict(a) for a in actions]}, scenario)
    return ScenarioRun(scenario, cal).play(acts)


def test_warning_after_the_late_explanation_is_one_working_day_late(fixed_cal):
    marking = _play("ftc-explanation-day-11", fixed_cal,
                    {"type": "warning", "date": date(2027, 2, 19)})
    (r,) = marking.results
    assert (r.status, r.done_on, r.late_working_days) == (Mark.LATE, date(2027, 2, 19), 1)


def test_christmas_lateness_skips_the_bank_holidays(fixed_cal):
    marking = _play("tier4-christmas", fixed_cal,
                    {"type": "allocated", "date": date(2026, 12, 29)},       # due Thu 24 Dec
                    {"type": "contact", "outcome": "attended", "date": date(2026, 12, 29)},
                    {"type": "assessment_completed", "date": date(2027, 1, 6)},  # due Mon 4 Jan
                    {"type": "plan_completed", "date": date(2027, 1, 4)},
                    {"type": "home_visit", "date": date(2027, 1, 18)})      # due Mon 11 Jan
    got = [(r.expectation.rule, r.status, r.late_working_days) for r in marking.results]
    assert got == [
        # 25 (Christmas), 26-27 (weekend), 28 (Boxing Day substitute) are skipped: 1 day late
        ("ns-1-1-allocate-tier4-ppo", Mark.LATE, 1),
        ("ns-2c6-first-meeting-tier4", Mark.ON_TIME, 0),
        ("ns-2a4-assessment-tier4-ppo", Mark.LATE, 2),
        ("ns-2b3-plan-tier4-ppo", Mark.ON_TIME, 0),
        ("ns-2a5-home-visit-high-rosh", Mark.LATE, 5),
    ]


def test_a_warning_instead_of_breach_is_a_wrong_action_and_a_miss(fixed_cal):
    marking = _play("co-second-failure-breach", fixed_cal,
                    {"type": "warning", "date": date(2027, 2, 1)})
    assert [r.status for r in marking.results] == [Mark.MISSED]
    assert [(w.checkpoint, w.action.event.type.value, w.action.date) for w in marking.wrong] == [
        ("Enforce the order", "warning", date(2027, 2, 1))]


def test_a_third_warning_on_licence_is_wrong(fixed_cal):
    marking = _play("licence-third-failure-recall", fixed_cal,
                    {"type": "warning", "date": date(2027, 2, 10)},
                    {"type": "recall_initiated", "date": date(2027, 2, 17)})
    assert [(r.expectation.rule, r.status, r.late_working_days) for r in marking.results][0] == (
        "ns-2f4-recall-24-hours", Mark.LATE, 1)
    assert [w.action.event.type.value for w in marking.wrong] == ["warning"]


def test_a_warning_for_an_accepted_absence_is_wrong(fixed_cal):
    marking = _play("woman-female-om", fixed_cal,
                    {"type": "induction_completed", "female_om_offered": True,
                     "date": date(2027, 3, 10)},
                    {"type": "explanation", "for_date": date(2027, 3, 17), "acceptable": True,
                     "date": date(2027, 3, 18)},
                    {"type": "contact", "outcome": "attended", "date": date(2027, 3, 19)},
                    {"type": "warning", "date": date(2027, 3, 19)})
    assert all(r.met for r in marking.results)
    assert [w.action.event.type.value for w in marking.wrong] == ["warning"]
    assert not marking.passed


def test_induction_without_the_female_om_offer_does_not_count(fixed_cal):
    marking = _play("woman-female-om", fixed_cal,
                    {"type": "induction_completed", "date": date(2027, 3, 10)})
    assert marking.results[0].status is Mark.MISSED


def test_a_treatment_provider_contact_is_not_the_om_first_contact(fixed_cal):
    marking = _play("drr-missed-test", fixed_cal,
                    {"type": "contact", "outcome": "attended", "with": "treatment_provider",
                     "date": date(2027, 3, 25)})
    assert [r.status for r in marking.results[:2]] == [Mark.MISSED, Mark.ON_TIME]


def test_one_contact_is_not_two_after_release(fixed_cal):
    marking = _play("high-rosh-release-home-visit", fixed_cal,
                    {"type": "contact", "outcome": "attended", "date": date(2027, 3, 1)},
                    {"type": "contact", "outcome": "attended", "date": date(2027, 3, 5)})
    first, second = marking.results[:2]
    assert (first.status, second.status, second.done_on, second.late_working_days) == (
        Mark.ON_TIME, Mark.LATE, date(2027, 3, 5), 1)


def test_contact_after_the_resumed_week_is_late(fixed_cal):
    # The resumed week ends Thu 13 May; a contact on Fri 14 May is 1 working day late.
    marking = _play("custody-suspends-contact", fixed_cal,
                    {"type": "contact", "outcome": "attended", "date": date(2027, 5, 14)})
    (r,) = marking.results
    assert (r.status, r.late_working_days) == (Mark.LATE, 1)


def test_a_recall_for_two_failures_on_one_day_is_wrong(fixed_cal):
    marking = _play("licence-two-failures-one-day", fixed_cal,
                    {"type": "recall_initiated", "date": date(2027, 1, 27)})
    assert [r.status for r in marking.results] == [Mark.MISSED]
    assert [w.action.event.type.value for w in marking.wrong] == ["recall_initiated"]
    # the engine's item says who signs it
    assert marking.results[0].expectation.title.endswith("(senior manager)")


def test_a_home_visit_recorded_as_a_contact_counts(fixed_cal):
    marking = _play("tier4-christmas", fixed_cal,
                    {"type": "contact", "contact_type": "home_visit", "outcome": "attended",
                     "date": date(2027, 1, 8)})
    home = marking.results[-1]
    assert (home.expectation.rule, home.status) == ("ns-2a5-home-visit-high-rosh", Mark.ON_TIME)


def test_done_on_the_weekend_after_the_due_date_is_late_by_zero_working_days(fixed_cal):
    # Allocation due Thu 24 Dec 2026; Sat 26 Dec is after it, with no working day between.
    marking = _play("tier4-christmas", fixed_cal, {"type": "allocated", "date": date(2026, 12, 26)})
    first = marking.results[0]
    assert (first.status, first.late_working_days) == (Mark.LATE, 0)
    assert first.summary() == ("done 2026-12-26, late: after the due date 2026-12-24 "
                               "(0 working days: only non-working days between)")

"""The scenario model, validation, the timeline player and the marker (pure, with a toy rule set).

The toy rules stand in for the engine so these tests pin the player's own behaviour: the
shipped scenarios are tested against the real rules engine in test_scenario_files.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from omtui.domain.case import Case, EventType
from omtui.domain.due import DueItem, status_for
from omtui.domain.scenario import (
    Mark,
    RuleInfo,
    Rules,
    ScenarioError,
    ScenarioRun,
    parse_answers,
    parse_scenario,
)

RULES = {
    "toy-allocate": RuleInfo("toy-allocate", "Allocate within 1 working day", "NS 1.1",
                             "Cases are allocated within one working day."),
    "toy-warning": RuleInfo("toy-warning", "Warning by the 10th working day after a failure",
                            "NS 2f.8"),
    "toy-breach": RuleInfo("toy-breach", "Breach within 20 working days", "NS 2f.6"),
}


def toy_rules(cal) -> Rules:
    def agenda(case: Case, today: date) -> list[DueItem]:
        items = []
        trace = cal.explain(case.sentence_date, 1)
        items.append(DueItem(case.crn, "toy-allocate", RULES["toy-allocate"].title, "NS 1.1",
                             case.sentence_date, "sentence", trace.due,
                             status_for(trace.due, None, today, cal), trace, "allocated"))
        for ftc in (e for e in case.events if e.is_ftc):
            t = cal.explain(ftc.date, 10)
            items.append(DueItem(case.crn, "toy-warning", RULES["toy-warning"].title, "NS 2f.8",
                                 ftc.date, "failure to comply", t.due,
                                 status_for(t.due, None, today, cal), t, "warning",
                                 kind="enforcement"))
        return items

    return Rules(agenda=agenda, lookup=RULES.get)


CASE = {"crn": "X100001", "name": "[bold]Sam[/bold] Test", "order_type": "CO",
        "sentence_date": date(2026, 12, 23), "tier": 4, "rosh": "high", "ppo": False,
        "requirements": ["supervision"], "events": []}


def scenario_dict(**over):
    raw = {
        "title": "Toy", "goal": "Learn the toy rules", "start": date(2026, 12, 23),
        "cases": [dict(CASE)],
        "steps": [
            {"checkpoint": "Allocate", "expect": [
                {"action": "allocated", "rule": "toy-allocate", "by": "rule"}]},
            {"date": date(2027, 1, 4), "event": {"type": "contact", "outcome": "ftc"},
             "say": "Sam misses the appointment."},
            {"checkpoint": "Warn", "avoid": ["breach_initiated"], "expect": [
                {"action": "warning", "rule": "toy-warning", "by": "rule"}]},
        ],
    }
    raw.update(over)
    return raw


@pytest.fixture
def scenario(fixed_cal):
    return parse_scenario(scenario_dict(), name="toy", rules=toy_rules(fixed_cal),
                          calendar=fixed_cal, file="toy.toml")


def answers(*rows):
    return {"actions": [dict(r) for r in rows]}


def test_rule_dates_come_from_the_engine_across_christmas(scenario):
    alloc, warn = scenario.expectations
    # Wed 23 Dec 2026 + 1 working day = Thu 24 Dec.
    assert alloc.by == date(2026, 12, 24) and alloc.derived
    # Mon 4 Jan 2027 + 10 working days = Mon 18 Jan (no closures in between).
    assert warn.by == date(2027, 1, 18)
    assert warn.after == date(2027, 1, 4)   # a warning only counts after the failure
    assert alloc.title == "Allocate within 1 working day" and alloc.source == "NS 1.1"
    assert alloc.source_text.startswith("Cases are allocated")


def test_all_on_time_passes(scenario, fixed_cal):
    acts = parse_answers(answers({"type": "allocated", "date": date(2026, 12, 24)},
                                 {"type": "warning", "date": date(2027, 1, 18)}), scenario)
    marking = ScenarioRun(scenario, fixed_cal).play(acts)
    assert [r.status for r in marking.results] == [Mark.ON_TIME, Mark.ON_TIME]
    assert marking.passed


def test_late_counts_working_days_over_the_bank_holidays(scenario, fixed_cal):
    # Due Thu 24 Dec; done Tue 29 Dec: Fri 25, Mon 28 (Boxing Day observed) are closed,
    # Sat/Sun skipped, so the only working day after the 24th up to the 29th is the 29th.
    acts = parse_answers(answers({"type": "allocated", "date": date(2026, 12, 29)},
                                 {"type": "warning", "date": date(2027, 1, 20)}), scenario)
    marking = ScenarioRun(scenario, fixed_cal).play(acts)
    alloc, warn = marking.results
    assert (alloc.status, alloc.late_working_days, alloc.done_on) == (Mark.LATE, 1, date(2026, 12, 29))
    assert (warn.status, warn.late_working_days) == (Mark.LATE, 2)
    assert not marking.passed


def test_empty_answers_miss_everything(scenario, fixed_cal):
    marking = ScenarioRun(scenario, fixed_cal).play(parse_answers({}, scenario))
    assert [(r.expectation.rule, r.status) for r in marking.results] == [
        ("toy-allocate", Mark.MISSED), ("toy-warning", Mark.MISSED)]


def test_an_action_before_the_trigger_does_not_count(scenario, fixed_cal):
    acts = parse_answers(answers({"type": "allocated", "date": date(2026, 12, 24)},
                                 {"type": "warning", "date": date(2026, 12, 30)}), scenario)
    marking = ScenarioRun(scenario, fixed_cal).play(acts)
    assert marking.results[1].status is Mark.MISSED
    assert [a.event.type for a in marking.unmatched] == [EventType.WARNING]


def test_an_avoided_action_fails_the_run(scenario, fixed_cal):
    acts = parse_answers(answers({"type": "allocated", "date": date(2026, 12, 24)},
                                 {"type": "warning", "date": date(2027, 1, 5)},
                                 {"type": "breach_initiated", "date": date(2027, 1, 6)}), scenario)
    marking = ScenarioRun(scenario, fixed_cal).play(acts)
    assert all(r.met for r in marking.results)
    assert [(w.checkpoint, w.action.event.type) for w in marking.wrong] == [
        ("Warn", EventType.BREACH_INITIATED)]
    assert not marking.passed


def test_timeline_merges_events_actions_and_deadlines_by_date(scenario, fixed_cal):
    acts = parse_answers(answers({"type": "allocated", "date": date(2026, 12, 24)},
                                 {"type": "warning", "date": date(2027, 1, 6)}), scenario)
    run = ScenarioRun(scenario, fixed_cal)
    run.play(acts)
    assert [(e.date.isoformat(), e.kind.value) for e in run.log] == [
        ("2026-12-23", "checkpoint"), ("2026-12-24", "action"), ("2026-12-24", "due"),
        ("2027-01-04", "event"), ("2027-01-04", "checkpoint"), ("2027-01-06", "action"),
        ("2027-01-18", "due")]
    assert run.log[3].say == "Sam misses the appointment."
    # A checkpoint comes into view once its trigger has happened, saying what is expected.
    assert run.log[4].text == "Warn: warning by 2027-01-18"
    # The simulated case holds the scenario's events and the trainee's actions, in memory.
    assert [e.type for e in run.cases["X100001"].events] == [
        EventType.ALLOCATED, EventType.CONTACT, EventType.WARNING]


def test_live_run_turns_pending_into_overdue_then_late(scenario, fixed_cal):
    run = ScenarioRun(scenario, fixed_cal)
    assert [r.status for r in run.status().results] == [Mark.PENDING, Mark.PENDING]
    run.advance_working_days(1)                   # Thu 24 Dec: allocation due today
    assert run.today == date(2026, 12, 24)
    assert run.status().results[0].status is Mark.PENDING
    run.advance_working_days(1)                   # Tue 29 Dec (25, 26, 27, 28 closed)
    assert run.today == date(2026, 12, 29)
    first = run.status().results[0]
    assert first.status is Mark.OVERDUE and first.late_working_days == 1
    run.record("X100001", _event("allocated", run.today))
    assert run.status().results[0].status is Mark.LATE
    assert run.advance_to_next() == date(2027, 1, 4)   # the failure to comply
    assert run.cases["X100001"].events[-1].is_ftc


def _event(kind, day):
    from omtui.domain.case import Event
    return Event(EventType(kind), day)


# -- bad input --------------------------------------------------------------------------------

def _problems(fixed_cal, raw):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(raw, name="bad", rules=toy_rules(fixed_cal), calendar=fixed_cal,
                       file="bad.toml")
    return [str(p) for p in info.value.problems]


def test_unknown_rule_names_file_step_and_field(fixed_cal):
    raw = scenario_dict()
    raw["steps"][2]["expect"][0]["rule"] = "no-such-rule"
    assert _problems(fixed_cal, raw) == [
        "bad.toml: steps[2] (checkpoint 'Warn'): expect[0].rule: unknown rule 'no-such-rule': "
        "not in the rule packs"]


def test_rule_without_a_due_item_cannot_derive_its_date(fixed_cal):
    raw = scenario_dict()
    del raw["steps"][1]                     # no failure, so no warning is due
    (msg,) = _problems(fixed_cal, raw)
    assert msg.startswith("bad.toml: steps[1] (checkpoint 'Warn'): expect[0].by: by = \"rule\", "
                          "but the rules engine gives no due item for rule 'toy-warning'")


def test_bad_case_dates_and_actions_are_all_reported(fixed_cal):
    raw = scenario_dict()
    raw["cases"][0] = dict(CASE, crn="bad", sentence_date="2026-02-30")
    probs = _problems(fixed_cal, raw)
    assert "bad.toml: cases[0]: crn: 'bad' is not a CRN (one capital letter and six digits, " \
           "e.g. X123456)" in probs
    assert "bad.toml: cases[0]: sentence_date: '2026-02-30' is not a real date" in probs


def test_bad_steps(fixed_cal):
    raw = scenario_dict()
    raw["steps"][0]["expect"][0]["action"] = "wave"
    raw["steps"][1]["event"]["outcome"] = "maybe"
    raw["steps"][2]["expect"][0]["by"] = "soon"
    probs = _problems(fixed_cal, raw)
    assert any(p.startswith("bad.toml: steps[0] (checkpoint 'Allocate'): expect[0].action: "
                            "'wave' is not an action type") for p in probs)
    assert any(p.startswith("bad.toml: steps[1] (event 'contact'): event.outcome: 'maybe' is "
                            "not one of") for p in probs)


def test_events_out_of_order_and_before_start(fixed_cal):
    raw = scenario_dict()
    raw["steps"].insert(2, {"date": date(2026, 12, 1), "event": {"type": "contact"}})
    probs = _problems(fixed_cal, raw)
    assert probs == ["bad.toml: steps[2] (event 'contact'): date: 2026-12-01 is before the "
                     "scenario starts (2026-12-23)"]


def test_missing_top_level_fields(fixed_cal):
    probs = _problems(fixed_cal, {"titel": "x", "cases": [], "steps": []})
    assert "bad.toml: titel: unknown field (allowed: cases, end, format, goal, notes, start, " \
           "steps, title)" in probs
    assert "bad.toml: title: is missing" in probs
    assert "bad.toml: start: is missing (the simulated date the scenario opens on)" in probs


def test_bad_answers(scenario):
    with pytest.raises(ScenarioError) as info:
        parse_answers(answers({"type": "warning", "date": "2027-13-01"},
                              {"type": "warning", "date": date(2026, 1, 1)},
                              {"type": "shrug", "date": date(2027, 1, 5)},
                              {"type": "warning", "date": date(2027, 1, 5), "crn": "Y999999"}),
                      scenario, file="ans.toml")
    msgs = [str(p) for p in info.value.problems]
    assert msgs[0] == "ans.toml: actions[0]: date: '2027-13-01' is not a real date"
    assert msgs[1] == "ans.toml: actions[1]: date: 2026-01-01 is before the scenario starts (2026-12-23)"
    assert msgs[2].startswith("ans.toml: actions[2]: type: 'shrug' is not one of")
    assert msgs[3] == "ans.toml: actions[3]: crn: 'Y999999' is not one of the scenario's cases (X100001)"


def test_answers_for_another_scenario_are_refused(scenario):
    with pytest.raises(ScenarioError, match="these answers are for 'other', not 'toy'"):
        parse_answers({"scenario": "other", "actions": []}, scenario, file="a.toml")

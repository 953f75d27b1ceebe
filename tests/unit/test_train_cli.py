"""``omtui train``: list, run (text and --json), exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omtui.cli import app
from omtui.scenarios import list_scenarios, scenarios_dir

ANSWERS = scenarios_dir() / "answers"


@pytest.fixture(autouse=True)
def packaged_rules_only(monkeypatch):
    monkeypatch.delenv("OMTUI_RULES", raising=False)
    monkeypatch.delenv("OMTUI_SCENARIOS_DIR", raising=False)


def train(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["train", *args])
    return result.exit_code, result.stdout, result.stderr


def empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.toml"
    path.write_text("", "utf-8")
    return path


def test_list_prints_one_line_per_scenario_file_and_title():
    code, out, _ = train("list")
    assert code == 0
    lines = out.splitlines()
    files = sorted(p.name for p in scenarios_dir().glob("*.toml"))
    assert [line.split("  ", 1)[0] for line in lines] == files
    assert "tier4-christmas.toml  Tier 4 order sentenced two days before Christmas" in lines


def test_list_reports_an_unreadable_file_without_failing(tmp_path):
    (tmp_path / "a-good.toml").write_text('title = "Good one"\n', "utf-8")
    (tmp_path / "b-bad.toml").write_text('title = "unterminated\n', "utf-8")
    code, out, _ = train("list", "--dir", str(tmp_path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "a-good.toml  Good one"
    assert lines[1].startswith("b-bad.toml  (cannot be read: ") and "not valid TOML" in lines[1]


def test_run_model_answer_exits_0_and_explains_each_checkpoint():
    code, out, err = train("run", "tier4-christmas", "--answers",
                           str(ANSWERS / "tier4-christmas.toml"))
    assert code == 0, err
    assert "✓ 2. First meeting with the offender manager: contact (outcome=attended) on T100001 " \
           "by 2026-12-29 (Tue) - done 2026-12-24, on time" in out
    assert "rule: ns-2c6-first-meeting-tier4 - First meeting with the offender manager (tier 4)" in out
    assert "source: NS 2c.6" in out
    assert ("count: day 0 2026-12-23 (Wednesday) + 2 working days, skipping 4 non-working day(s) "
            "= 2026-12-29 (Tuesday)") in out
    assert "2026-12-28 Boxing Day (observed)" in out
    assert out.rstrip().endswith("Result: 5 of 5 on time, 0 late, 0 missed - PASS")


def test_run_empty_answers_exits_1_and_json_lists_the_misses(tmp_path):
    code, out, _ = train("run", "co-second-failure-breach", "--answers", str(empty(tmp_path)),
                         "--json")
    assert code == 1
    (row,) = json.loads(out)
    assert {k: row[k] for k in ("scenario", "checkpoint", "expected", "rule", "source", "by",
                                "done_on", "status", "late_working_days")} == {
        "scenario": "co-second-failure-breach", "checkpoint": "Enforce the order",
        "expected": "breach_initiated", "rule": "ns-2f6-breach-papers", "source": "NS 2f.6",
        "by": "2027-02-15", "done_on": None, "status": "missed", "late_working_days": None}
    assert row["explanation"]["due"] == "2027-02-15"


def test_run_late_answer_json_gives_working_days_late(tmp_path):
    answers = tmp_path / "late.toml"
    answers.write_text('[[actions]]\ntype = "warning"\ndate = 2027-02-19\n', "utf-8")
    code, out, _ = train("run", "ftc-explanation-day-11", "--answers", str(answers), "--json")
    assert code == 1
    (row,) = json.loads(out)
    assert (row["status"], row["done_on"], row["late_working_days"]) == ("late", "2027-02-19", 1)


def test_run_wrong_action_is_reported(tmp_path):
    answers = tmp_path / "wrong.toml"
    answers.write_text('[[actions]]\ntype = "warning"\ndate = 2027-02-01\n', "utf-8")
    code, out, _ = train("run", "co-second-failure-breach", "--answers", str(answers))
    assert code == 1
    assert ("✗ wrong action at checkpoint 'Enforce the order': warning recorded 2027-02-01 on "
            "T100003") in out
    assert "0 of 1 on time, 0 late, 1 missed, 1 wrong action(s) - NOT PASSED" in out


def test_every_shipped_scenario_passes_with_its_model_answer_through_the_cli():
    for entry in list_scenarios():
        code, _, err = train("run", str(entry.path), "--answers",
                             str(ANSWERS / f"{entry.name}.toml"), "--json")
        assert code == 0, (entry.name, err)


@pytest.mark.parametrize("body, message", [
    ('title = "x"\n', "bad.toml: goal: is missing"),
    ('title = [\n', "bad.toml: not valid TOML"),
])
def test_bad_scenario_file_exits_2_with_one_line(tmp_path, body, message):
    path = tmp_path / "bad.toml"
    path.write_text(body, "utf-8")
    code, out, err = train("run", str(path), "--answers", str(empty(tmp_path)))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_bad_rule_in_a_scenario_names_the_step_and_field(tmp_path):
    text = (scenarios_dir() / "ftc-explanation-day-11.toml").read_text("utf-8")
    path = tmp_path / "typo.toml"
    path.write_text(text.replace('rule = "ns-2f8-written-warning"', 'rule = "ns-2f8-writen"'), "utf-8")
    code, _, err = train("run", str(path), "--answers", str(empty(tmp_path)))
    assert code == 2
    assert err.strip() == ("omtui: typo.toml: steps[1] (checkpoint 'Respond to the failure to "
                           "comply'): expect[0].rule: unknown rule 'ns-2f8-writen': not in the "
                           "rule packs")


def test_bad_answers_exit_2(tmp_path):
    answers = tmp_path / "ans.toml"
    answers.write_text('[[actions]]\ntype = "warning"\ndate = "18/02/2027"\n', "utf-8")
    code, _, err = train("run", "ftc-explanation-day-11", "--answers", str(answers))
    assert code == 2
    assert err.strip() == ("omtui: ans.toml: actions[0]: date: '18/02/2027' is not a date in "
                           "the form YYYY-MM-DD")


def test_missing_files_exit_2(tmp_path):
    code, _, err = train("run", "no-such-scenario", "--answers", str(empty(tmp_path)))
    assert code == 2 and "no-such-scenario: no such scenario file" in err
    code, _, err = train("run", "tier4-christmas", "--answers", str(tmp_path / "nope.toml"))
    assert code == 2 and "nope.toml: no such file" in err


def test_markup_in_names_prints_literally(tmp_path):
    text = (scenarios_dir() / "ftc-explanation-day-11.toml").read_text("utf-8")
    path = tmp_path / "markup.toml"
    path.write_text(text.replace('title = "First failure', 'title = "[bold]First[/bold] failure'),
                    "utf-8")
    code, out, _ = train("run", str(path), "--answers", str(empty(tmp_path)), "--no-timeline")
    assert code == 1
    assert out.startswith("Scenario: [bold]First[/bold] failure")


def test_train_without_a_subcommand_opens_training_mode_without_the_database(tmp_path, monkeypatch):
    from omtui.app import OmtuiApp
    from omtui.scenarios import SimulatedClock
    from omtui.services import InMemoryStore

    started: list[OmtuiApp] = []
    monkeypatch.setattr(OmtuiApp, "run", lambda self, *a, **k: started.append(self))
    db = tmp_path / "live.sqlite"
    result = CliRunner().invoke(app, ["--db", str(db), "--today", "2026-11-23", "train"])
    assert result.exit_code == 0, result.stderr
    (training,) = started
    assert training.training is True
    assert isinstance(training.store, InMemoryStore)
    assert "TRAINING" in training.store.describe()
    assert isinstance(training.clock, SimulatedClock)
    assert not db.exists()                       # the live database was never opened


def test_an_answer_dated_far_in_the_future_is_bad_input(tmp_path):
    answers = tmp_path / "far.toml"
    answers.write_text('[[actions]]\ntype = "warning"\ndate = 2250-01-01\n', "utf-8")
    code, _, err = train("run", "ftc-explanation-day-11", "--answers", str(answers))
    assert code == 2
    assert err.strip() == ("omtui: far.toml: actions[0]: date: 2250-01-01 is more than 5 years "
                           "after the scenario ends (2027-02-19)")


def test_the_headless_runner_never_touches_the_database(tmp_path):
    db = tmp_path / "live.sqlite"
    result = CliRunner().invoke(app, ["--db", str(db), "train", "run", "tier4-christmas",
                                      "--answers", str(ANSWERS / "tier4-christmas.toml")])
    assert result.exit_code == 0
    assert not db.exists()


def test_a_yaml_scenario_without_pyyaml_says_so(tmp_path):
    # PyYAML is not a dependency; when it is installed YAML is read instead.
    try:
        import yaml  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("PyYAML installed: YAML scenarios are read")
    path = tmp_path / "s.yaml"
    path.write_text("title: x\n", "utf-8")
    code, _, err = train("run", str(path), "--answers", str(empty(tmp_path)))
    assert code == 2
    assert err.strip() == "omtui: " + str(path) + ": YAML scenarios need PyYAML installed; use TOML"

"""The officer from the config file (config.toml in OMTUI_CONFIG_DIR): used when --officer and
OMTUI_OFFICER are not given, recorded in the audit trail; a bad file is a one-line error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omtui.cli import app
from omtui.config_file import ConfigError, load_config

CASES = Path(__file__).resolve().parents[1] / "tui" / "caseload.json"


def write_config(text: str) -> Path:
    path = Path(os.environ["OMTUI_CONFIG_DIR"]) / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def who_imported(tmp_path, *args: str, env: dict | None = None) -> str:
    db = tmp_path / "c.sqlite"
    result = CliRunner().invoke(app, [*args, "--db", str(db), "import", str(CASES)], env=env)
    assert result.exit_code == 0, result.output
    from omtui.store import open_store

    with open_store(db, officer="reader") as s:
        return s.audit_history("X100001")[0].officer


def test_no_file_is_no_setting():
    assert load_config().officer is None


def test_the_officer_in_the_config_file_is_the_one_audited(tmp_path):
    write_config('officer = "ann"\n')
    assert who_imported(tmp_path) == "ann"


def test_the_command_line_and_the_environment_come_first(tmp_path):
    write_config('officer = "ann"\n')
    assert who_imported(tmp_path, "--officer", "mo") == "mo"
    (tmp_path / "c.sqlite").unlink()
    assert who_imported(tmp_path, env={"OMTUI_OFFICER": "dee"}) == "dee"


@pytest.mark.parametrize("text, problem", [
    ('officer = "ann', "not valid TOML"),
    ("officer = 3\n", "officer: must be a name in quotes"),
    ('officer = "  "\n', "officer: is empty"),
    ('oficer = "ann"\n', "unknown setting(s) oficer (known: officer)"),
    ('officer = "a\\u0007b"\n', "control characters"),
])
def test_a_bad_file_is_one_line_naming_the_file_and_the_problem(tmp_path, text, problem):
    path = write_config(text)
    with pytest.raises(ConfigError, match="officer|TOML"):
        load_config()
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "c.sqlite"), "import", str(CASES)])
    assert result.exit_code == 2
    assert problem in result.output
    assert str(path) in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "c.sqlite").exists()

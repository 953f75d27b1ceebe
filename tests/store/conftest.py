"""Store test helpers: a file database in tmp_path and a few hand-made cases."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

from omtui.domain.caseformat import parse_case

ROOT = Path(__file__).resolve().parents[2]


def make_case(crn: str = "A123456", **over) -> object:
    raw = {"crn": crn, "name": "Test Person", "order_type": "CO",
           "sentence_date": "2026-06-01", "tier": 2, "rosh": "medium", "ppo": False,
           "requirements": ["supervision"], "events": [
               {"type": "allocated", "date": "2026-06-02"},
               {"type": "contact", "date": "2026-06-03", "outcome": "attended",
                "time": "10:00", "contact_type": "office", "note": "Seen."},
           ]}
    raw.update(over)
    case, problems = parse_case(raw)
    assert not problems, problems
    return case


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite"


@pytest.fixture
def store(db_path: Path):
    from omtui.store import open_store

    s = open_store(db_path, officer="tester")
    yield s
    s.close()


def run_omtui(*args: str, env: dict | None = None, input: str | None = None):
    """Run the real CLI in a subprocess (exit codes and stderr exactly as a user sees them)."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    full_env.pop("OMTUI_DB", None) if env is None or "OMTUI_DB" not in env else None
    return subprocess.run([sys.executable, "-m", "omtui", *args], capture_output=True,
                          text=True, env=full_env, input=input, timeout=120)


TODAY = date(2026, 11, 23)


def cli(*args: str):
    """Run the CLI in-process (typer's CliRunner); stdout and stderr kept apart."""
    from typer.testing import CliRunner

    from omtui.cli import app

    return CliRunner().invoke(app, list(args))


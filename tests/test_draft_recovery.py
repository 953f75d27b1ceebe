"""Never lose what was typed: the real app, in its own process on a real pseudo-terminal, is
killed with SIGKILL while an objective is half typed; started again, it offers the draft with
the text intact, and resuming puts the text back in the form.

What runs: ``python <script>`` on a pty (Textual's ordinary Linux driver, real key bytes
written to the terminal), with OMTUI_DATA_DIR in tmp_path, an in-memory caseload from
``tests/tui/caseload.json`` and the committed bank holidays. The script is the real
``OmtuiApp``; it only opens the case and its sentence-plan builder at start (the keys an
officer would press to get there are tested in tests/tui). Nothing is flushed on the way
out: SIGKILL gives the process no chance; what is found afterwards is what the debounced
autosave had already written.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.ptyapp import SCRIPT_START, PtyApp

ROOT = Path(__file__).resolve().parents[1]
TYPED = "Find settled housing before the tenancy ends – Zoë"

SCRIPT = SCRIPT_START + r'''

def open_plan(app):
    from omtui.screens.plan_builder import PlanBuilderScreen

    app.open_case("X100001")
    app.push_screen(PlanBuilderScreen("X100001"))


run_with(open_plan)
'''

def _draft_file(data_dir: Path) -> Path:
    return data_dir / "drafts" / "tester@objective%3AX100001%3Aobj-1.json"


def _wait_for_draft(path: Path, text: str, timeout: float = 30.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            doc = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            doc = None
        if doc and doc["payload"]["values"].get("what") == text:
            return doc
        time.sleep(0.1)
    raise AssertionError(f"no draft with the typed text in {path}")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_sigkill_mid_edit_leaves_a_draft_that_is_offered_on_restart(tmp_path):
    script = tmp_path / "recovery_app.py"
    script.write_text(SCRIPT, encoding="utf-8")
    data_dir = tmp_path / "data"

    first = PtyApp(script, data_dir)
    try:
        first.wait_for("Add objective")              # the builder's footer
        first.wait_for("Sentence plan (tier 4 / PPO)")
        first.type("a")
        first.wait_for("New objective obj-1")
        first.type(TYPED)
        doc = _wait_for_draft(_draft_file(data_dir), TYPED)
        assert first.proc.poll() is None             # still running: the draft came from autosave
    finally:
        first.kill()
    assert first.proc.returncode == -signal.SIGKILL
    # What the killed process left: a whole, private draft with the text exactly as typed.
    path = _draft_file(data_dir)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert json.loads(path.read_text("utf-8")) == doc
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]

    second = PtyApp(script, data_dir)
    try:
        second.wait_for("Resume what you typed?")
        second.wait_for("objective obj-1 of X100001")
        second.wait_for(f"what: {TYPED}")
        second.type("r")
        second.wait_for("New objective obj-1")
        time.sleep(0.5)
        screen = second.text()
        after = screen[screen.rindex("New objective obj-1"):]
        assert TYPED in after                        # the form shows the typed text again
        assert path.exists()                         # still kept until saved or discarded
    finally:
        second.kill()

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

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pyte
import pytest

ROOT = Path(__file__).resolve().parents[1]
TYPED = "Find settled housing before the tenancy ends – Zoë"

SCRIPT = r'''
import json, sys
from datetime import date
from pathlib import Path

from omtui.app import OmtuiApp
from omtui.domain.calendar import fixed_calendar
from omtui.domain.caseformat import parse_caseload
from omtui.services import InMemoryStore

root = Path(sys.argv[1])
cases = parse_caseload(json.loads((root / "tests/tui/caseload.json").read_text("utf-8"))).cases
holidays = json.loads((root / "tests/data/bank-holidays-2015-2035.json").read_text("utf-8"))
calendar = fixed_calendar({date.fromisoformat(d): n for d, n in holidays["holidays"].items()})


class RecoveryApp(OmtuiApp):
    CSS_PATH = str(Path(sys.modules["omtui.app"].__file__).with_name("app.tcss"))

    def on_mount(self) -> None:          # runs before OmtuiApp.on_mount (Textual walks the MRO)
        self.call_later(self.open_plan)

    def open_plan(self) -> None:
        from omtui.screens.plan_builder import PlanBuilderScreen

        self.open_case("X100001")
        self.push_screen(PlanBuilderScreen("X100001"))


RecoveryApp(clock=lambda: date(2026, 11, 23), calendar=calendar,
            store=InMemoryStore(cases), officer="tester").run()
'''

class PtyApp:
    """The script running on a pseudo-terminal of 100x30. A thread feeds its output to a
    terminal emulator (pyte), so what is checked is what the screen shows now, as a person
    would see it, not a stream of partial repaints."""

    def __init__(self, script: Path, data_dir: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**os.environ, "OMTUI_DATA_DIR": str(data_dir), "TERM": "xterm-256color",
               "COLUMNS": "100", "LINES": "30", "PYTHONPATH": str(ROOT / "src")}
        for name in ("OMTUI_DB", "OMTUI_OFFICER", "TEXTUAL", "NO_COLOR"):
            env.pop(name, None)
        self.proc = subprocess.Popen([sys.executable, str(script), str(ROOT)], stdin=slave,
                                     stdout=slave, stderr=slave, env=env, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.screen = pyte.Screen(100, 30)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        self.done = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while not self.done:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    with self.lock:
                        self.stream.feed(chunk)
            except OSError:
                return

    def text(self) -> str:
        """The screen as it is now, a line per row, trailing blanks dropped."""
        with self.lock:
            return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, needle: str, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if needle in self.text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} never appeared on the screen; it shows:\n{self.text()}")

    def type(self, text: str, pause: float = 0.03) -> None:
        for ch in text:
            os.write(self.master, ch.encode("utf-8"))
            time.sleep(pause)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        self.close()

    def close(self) -> None:
        self.done = True
        self.reader.join(timeout=2)
        try:
            os.close(self.master)
        except OSError:
            pass


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

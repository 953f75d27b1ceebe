"""The real app in its own process on a pseudo-terminal, read through a terminal emulator.

A thread feeds the process's output to pyte, so a test checks what the screen shows now, as a
person would see it, not a stream of partial repaints."""

from __future__ import annotations

import fcntl
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

ROOT = Path(__file__).resolve().parents[1]


#: The start of a script for :class:`PtyApp`: the real app class, the test caseload
#: (``tests/tui/caseload.json``) in an in-memory store and the committed bank holidays. A test
#: adds a function that opens its screen on the app and ends with ``run_with(that_function)``.
SCRIPT_START = r'''
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


def run_with(open_screen):
    class PtyTestApp(OmtuiApp):
        CSS_PATH = str(Path(sys.modules["omtui.app"].__file__).with_name("app.tcss"))

        def on_mount(self):              # runs before OmtuiApp.on_mount (Textual walks the MRO)
            self.call_later(open_screen, self)

    PtyTestApp(clock=lambda: date(2026, 11, 23), calendar=calendar,
               store=InMemoryStore(cases), officer="tester").run()
'''


def _own_terminal() -> None:
    """In the child: a new session whose controlling terminal is the pty (as a terminal
    window or tmux gives a shell), so closing the pty hangs it up."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyApp:
    """``python script ROOT`` on a 100x30 pty. ``via_make``: started by a recipe of ``make``,
    which leads the terminal session (as ``make run`` does in a terminal); with
    ``controlling`` the pty is the session's controlling terminal."""

    def __init__(self, script: Path, data_dir: Path, *, controlling: bool = False,
                 via_make: bool = False) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**os.environ, "OMTUI_DATA_DIR": str(data_dir), "TERM": "xterm-256color",
               "COLUMNS": "100", "LINES": "30", "PYTHONPATH": str(ROOT / "src")}
        for name in ("OMTUI_DB", "OMTUI_OFFICER", "TEXTUAL", "NO_COLOR"):
            env.pop(name, None)
        self.script = script
        command = [sys.executable, str(script), str(ROOT)]
        if via_make:
            makefile = script.with_suffix(".mk")
            makefile.write_text(f'run:\n\t"{sys.executable}" "{script}" "{ROOT}"\n',
                                encoding="utf-8")
            command = ["make", "-s", "-f", str(makefile), "run"]
        self.proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     close_fds=True, start_new_session=not controlling,
                                     preexec_fn=_own_terminal if controlling else None)
        os.close(slave)
        self.master: int | None = master
        self.screen = pyte.Screen(100, 30)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        self.done = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while not self.done and self.master is not None:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    chunk = os.read(self.master, 65536)
                    if not chunk:
                        return
                    with self.lock:
                        self.stream.feed(chunk)
            except (OSError, TypeError, ValueError):
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
        assert self.master is not None
        for ch in text:
            os.write(self.master, ch.encode("utf-8"))
            time.sleep(pause)

    def app_pid(self) -> int:
        """The process running the script (a descendant of the launcher, if any)."""
        todo = [self.proc.pid]
        while todo:
            pid = todo.pop()
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            if str(self.script).encode() in cmdline and cmdline[0] != b"make":
                return pid
            todo.extend(int(c) for c in children)
        raise AssertionError("the app's process was not found")

    def hang_up(self) -> None:
        """Close the terminal, as closing its window or killing its tmux session does."""
        self.done = True
        self.reader.join(timeout=2)
        master, self.master = self.master, None
        if master is not None:
            os.close(master)

    def kill(self, *also: int) -> None:
        """End the process (and ``also``: pids of its descendants) if still running."""
        for pid in (*also, self.proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=20)
        self.close()

    def close(self) -> None:
        self.hang_up()


def process_gone(pid: int, timeout: float) -> bool:
    """Wait until ``pid`` has exited (or is a zombie); False if it is still running."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False

"""The terminal goes away under the app (window closed, SSH dropped, tmux session killed): what
was typed is kept as a draft and the process ends, whether the app led the terminal session
(it gets SIGHUP) or was started by ``make run`` (make leads the session and gets the SIGHUP;
the app gets no signal, its terminal just returns end-of-file for ever, which once left it
running with no terminal at 35-90% CPU).

The real app runs on a pty that is the session's controlling terminal; keys are typed into the
quick-entry form and the pty is closed straight away, before the debounced autosave (0.8 s
after the last key) would have written them."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from tests.ptyapp import SCRIPT_START, PtyApp, process_gone

NOTE = "Seen at the office – Zoë"

SCRIPT = SCRIPT_START + r'''

def open_form(app):
    from omtui.screens.contact_entry import ContactEntryScreen

    app.push_screen(ContactEntryScreen("X100001", "test"))


run_with(open_form)
'''


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux ptys and /proc")
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("via_make", [False, True], ids=["app-leads-session", "under-make"])
def test_closing_the_terminal_keeps_the_typing_and_ends_the_process(tmp_path, via_make):
    script = tmp_path / "hangup_app.py"
    script.write_text(SCRIPT, encoding="utf-8")
    data_dir = tmp_path / "data"
    app = PtyApp(script, data_dir, controlling=True, via_make=via_make)
    pid = None
    try:
        app.wait_for("Log a contact")
        app.wait_for("Outcome")
        pid = app.app_pid()
        app.type("oa", pause=0.2)                   # office, attended - complied: on to the note
        app.type(NOTE, pause=0.005)
        app.hang_up()                               # at once: the autosave has not run yet
        assert process_gone(pid, timeout=15), "the app kept running after its terminal closed"
    finally:
        app.kill(*([pid] if pid else []))
    draft = data_dir / "drafts" / "tester@contact%3AX100001.json"
    assert draft.exists(), "nothing of what was typed was kept"
    doc = json.loads(draft.read_text("utf-8"))
    assert doc["payload"]["note"] == NOTE
    assert (doc["payload"]["type"], doc["payload"]["outcome"]) == ("office", "attended_complied")
    assert oct(draft.stat().st_mode & 0o777) == "0o600"

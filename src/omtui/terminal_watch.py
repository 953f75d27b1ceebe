"""Leaving cleanly when the terminal goes away: drafts written, the process gone.

A terminal can vanish under the app: the window is closed, an SSH link drops, a tmux session
is killed. What reaches the app depends on how it was started:

* started directly, it leads its terminal session and gets **SIGHUP**, whose default action
  ends the process at once, before the debounced autosave has written the last keys typed;
* started by another program (``make run``, a shell script), the kernel signals only that
  program, the session's leader. The app gets no signal at all: its terminal reads return
  end-of-file at once, for ever, and Textual's input thread spins on them at full CPU.

So the app handles SIGHUP and SIGTERM, and once a second asks the terminal for its settings,
which a hung-up terminal refuses. Either way every form's pending draft is written first
(:func:`omtui.screens.draft_prompt.flush_all_drafts`), then the app exits; if shutting down
hangs on the dead terminal, the process ends after :data:`GRACE` seconds regardless.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

#: Seconds between checks of the terminal.
INTERVAL = 1.0
#: Seconds allowed for a normal exit after the terminal is lost.
GRACE = 5.0
#: Exit status after a hang-up (128 + SIGHUP, as a shell reports it).
HANGUP_STATUS = 128 + signal.SIGHUP


def terminal_alive(fd: int) -> bool:
    """False when ``fd`` is a terminal that has been hung up (or closed)."""
    import termios

    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError, ValueError):
        return False
    return True


def _input_fd() -> int | None:
    stream = sys.__stdin__
    try:
        fd = stream.fileno() if stream is not None else None
    except (OSError, ValueError):
        return None
    if fd is None or not os.isatty(fd):
        return None
    return fd


def watch_terminal(app: Any) -> None:
    """Install the handlers on ``app`` (a running Textual app on a real terminal)."""
    import asyncio

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGHUP, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, terminal_lost, app, signal.Signals(signum).name)
        except (NotImplementedError, RuntimeError, ValueError):
            pass                                  # not the main thread, or no such signal
    fd = _input_fd()
    if fd is not None:
        def check() -> None:
            if not terminal_alive(fd):
                terminal_lost(app, "terminal hung up")

        app.set_interval(INTERVAL, check, name="terminal watch")


def terminal_lost(app: Any, why: str) -> None:
    """Write every pending draft, then exit (forcibly after GRACE seconds)."""
    if getattr(app, "_terminal_lost", False):
        return
    app._terminal_lost = True
    from omtui.screens.draft_prompt import flush_all_drafts

    flush_all_drafts()
    timer = threading.Timer(GRACE, os._exit, args=(HANGUP_STATUS,))
    timer.daemon = True
    timer.start()
    app.exit(return_code=HANGUP_STATUS, message=f"omtui: {why}; drafts saved.")


__all__ = ["terminal_alive", "terminal_lost", "watch_terminal"]

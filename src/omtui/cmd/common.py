"""What every CLI command shares: global options, one-line errors, today, the calendar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import NoReturn

import typer

from omtui.domain.caseformat import parse_date


@dataclass
class GlobalOptions:
    """Options given before the sub-command (``omtui --db X --today Y due ...``)."""

    db: str | None = None
    today: date | None = None
    officer: str | None = None
    calendar_file: str | None = None


def options(ctx: typer.Context) -> GlobalOptions:
    root = ctx.find_root()
    if not isinstance(root.obj, GlobalOptions):
        root.obj = GlobalOptions()
    return root.obj


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error to stderr and exit non-zero (never a traceback)."""
    typer.echo(f"omtui: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn the errors a user can cause into one-line messages."""
    try:
        yield
    except typer.Exit:
        raise
    except (ValueError, OSError, KeyError) as exc:
        fail(str(exc) or exc.__class__.__name__)


def parse_day(value: str, what: str = "date") -> date:
    """A strict ISO date from the command line, or a one-line error naming the value."""
    try:
        return parse_date(value)
    except ValueError as exc:
        fail(f"bad {what}: {exc}")


def resolve_today(ctx: typer.Context, explicit: str | None = None) -> date:
    """The command's --today, else the global --today, else the system date (CLI only)."""
    if explicit is not None:
        return parse_day(explicit, "--today")
    given = options(ctx).today
    return given if given is not None else date.today()


def calendar_for(ctx: typer.Context):
    from omtui.calendar_file import CalendarFileError, load_calendar

    try:
        return load_calendar(options(ctx).calendar_file)
    except CalendarFileError as exc:
        fail(str(exc))


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def stderr_progress(describe: Callable[[int, int], str], *, quiet: bool = False
                    ) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` for slow work: ``describe(done, total)`` on stderr, one
    line rewritten at most twice a second and ended when ``done == total``; nothing when
    stderr is not a terminal (a pipe or a file gets only the results) or ``quiet``."""
    import time

    show = not quiet and sys.stderr.isatty()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if show and (done >= total or now - last[0] >= 0.5):
            last[0] = now
            typer.echo(f"\r{describe(done, total)}", nl=done >= total, err=True)

    return progress

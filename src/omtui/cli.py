"""The ``omtui`` command: opens the app, or runs a headless job.

Thin by design: each family of commands lives in ``omtui.cmd.<family>`` and registers itself
here. Heavy imports (Textual, SQLAlchemy) happen inside the commands that need them.
"""

from __future__ import annotations

import importlib
from typing import Annotated, Optional

import typer

from omtui.cmd.common import GlobalOptions, calendar_for, fail, options, parse_day

app = typer.Typer(
    name="omtui",
    help="Keyboard-first caseload management for probation offender managers.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

#: Command families, each a module in omtui.cmd with a ``register(app)`` function.
COMMAND_MODULES = ("wd", "rules", "store", "train", "plan", "appointments", "office")


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option(
        "--db", envvar="OMTUI_DB", help="Database: a SQLAlchemy URL or a SQLite file path.")] = None,
    today: Annotated[Optional[str], typer.Option(
        "--today", help="Run as of this date (YYYY-MM-DD): training, court lists, tests.")] = None,
    officer: Annotated[Optional[str], typer.Option(
        "--officer", envvar="OMTUI_OFFICER", help="Who is using omtui (recorded in the audit trail).")] = None,
    calendar: Annotated[Optional[str], typer.Option(
        "--calendar", help="Office calendar file of extra closures (TOML).")] = None,
) -> None:
    """With no command, open the app."""
    opts = options(ctx)
    if officer is None:                 # --officer and OMTUI_OFFICER first, then the file
        from omtui.config_file import ConfigError, load_config

        try:
            officer = load_config().officer
        except ConfigError as exc:
            fail(str(exc))
    opts.db, opts.officer, opts.calendar_file = db, officer, calendar
    opts.today = parse_day(today, "--today") if today else None
    if ctx.invoked_subcommand is None:
        launch_app(ctx)


def launch_app(ctx: typer.Context, *, training: bool = False) -> None:
    from omtui.launch import run_app

    run_app(options(ctx), calendar_for(ctx), training=training)


for _name in COMMAND_MODULES:
    importlib.import_module(f"omtui.cmd.{_name}").register(app)


def main() -> None:
    app()


__all__ = ["app", "main", "GlobalOptions", "fail"]

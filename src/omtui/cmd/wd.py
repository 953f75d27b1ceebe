"""The working-day calculator: ``omtui wd`` and ``omtui wd-count``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from omtui.cmd.common import calendar_for, fail, parse_day
from omtui.domain.calendar import CalendarError, Unit

MAX_N = 100_000


def _count(text: str) -> int:
    try:
        n = int(text.strip())
    except ValueError:
        fail(f"bad N: {text!r} is not a whole number")
    if abs(n) > MAX_N:
        fail(f"bad N: {n} is too large (at most {MAX_N:,} either way)")
    return n


def register(app: typer.Typer) -> None:
    @app.command("wd", context_settings={"ignore_unknown_options": True})
    def wd(
        ctx: typer.Context,
        start: Annotated[str, typer.Argument(help="Day 0, the event (YYYY-MM-DD).")],
        n: Annotated[str, typer.Argument(help="How many units after day 0 (negative counts back).")],
        unit: Annotated[str, typer.Option("--unit", "-u",
                        help="working-days, weeks, months or days.")] = "working-days",
        explain: Annotated[bool, typer.Option("--explain", help="Show every counted and skipped day.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    ) -> None:
        """The due date N units after START, counted as National Standards Note 9 says."""
        day0 = parse_day(start, "START")
        count = _count(n)
        try:
            the_unit = Unit.parse(unit)
        except CalendarError as exc:
            fail(f"bad --unit: {exc}")
        calendar = calendar_for(ctx)
        try:
            trace = calendar.explain(day0, count, the_unit)
        except CalendarError as exc:
            fail(str(exc))
        if as_json:
            typer.echo(json.dumps(trace.to_dict(), ensure_ascii=False))
            return
        typer.echo(trace.due.isoformat())
        if explain:
            for line in trace.lines():
                typer.echo(line)
            typer.echo(f"calendar: {calendar.name}")

    @app.command("wd-count")
    def wd_count(
        ctx: typer.Context,
        a: Annotated[str, typer.Argument(help="From (not counted), YYYY-MM-DD.")],
        b: Annotated[str, typer.Argument(help="To (counted), YYYY-MM-DD.")],
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    ) -> None:
        """The number of working days after A up to and including B."""
        first, second = parse_day(a, "A"), parse_day(b, "B")
        calendar = calendar_for(ctx)
        try:
            count = calendar.working_days_between(first, second)
        except CalendarError as exc:
            fail(str(exc))
        if as_json:
            typer.echo(json.dumps({"from": first.isoformat(), "to": second.isoformat(),
                                   "working_days": count, "calendar": calendar.name}))
        else:
            typer.echo(str(count))

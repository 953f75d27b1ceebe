"""CLI commands of office mode: officers, teams, reallocation and a team's due list.

``omtui officer add USERNAME --role ROLE [--team T] [--name "Display Name"]``,
``omtui officer list [--json]``, ``omtui team add NAME [--training]``, ``omtui team list``,
``omtui team due [--team T] [--today D] [--json]``,
``omtui team refresh-due [--today D] [--workers N] [--json]`` (nightly: store the day's due
summaries, see store/summary.py), ``omtui reallocate CRN OFFICER``.

The store enforces the roles (``omtui.store.roles``): the global ``--officer`` (or
``OMTUI_OFFICER``; on PostgreSQL without it, the database role) is who acts. Registering the
first officer turns office mode on for the database (docs/office.md).
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from omtui.cmd.common import calendar_for, fail, resolve_today, stderr_progress
from omtui.cmd.store import _open, _store_errors

officer_app = typer.Typer(help="Officers of an office database (office mode).",
                          no_args_is_help=True, rich_markup_mode=None)
team_app = typer.Typer(help="Teams and a team's due list (office mode).",
                       no_args_is_help=True, rich_markup_mode=None)


@officer_app.command("add")
def officer_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name (what --officer / OMTUI_OFFICER gives).")],
    role: Annotated[str, typer.Option("--role", help="offender_manager, duty_officer, team_manager or trainer.")],
    team: Annotated[Optional[str], typer.Option("--team", help="The officer's team (needed except for a duty officer).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Display name, as cases name their OM.")] = None,
) -> None:
    """Register an officer (or change their role/team). The first one turns office mode on."""
    from omtui.store.roles import Role

    try:
        parsed = Role.parse(role)
    except ValueError as exc:
        fail(str(exc))
    with _store_errors():
        store = _open(ctx)
        try:
            first = not store.office_mode
            officer = store.add_officer(username, parsed, team=team, display_name=name)
        finally:
            store.close()
    where = f" in team {officer.team}" if officer.team else ""
    typer.echo(f"{officer.username}: {officer.role.label}{where}")
    if first:
        typer.echo("office mode is on for this database: roles are enforced from now on")


@officer_app.command("list")
def officer_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON list.")] = False,
) -> None:
    """The registered officers, by team."""
    with _store_errors():
        store = _open(ctx, create=False)
        try:
            officers = store.officers()
        finally:
            store.close()
    rows = [{"username": o.username, "name": o.display_name, "role": o.role.value,
             "team": o.team} for o in officers]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no officers registered (sole-officer mode)")
    for r in rows:
        typer.echo(f"{r['username']:<16} {r['role']:<17} {r['team'] or '-':<16} {r['name'] or ''}")


@team_app.command("add")
def team_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The team's name.")],
    training: Annotated[bool, typer.Option("--training", help="A training team: its cases are training data.")] = False,
) -> None:
    """Add a team (a team manager's job in office mode)."""
    with _store_errors():
        store = _open(ctx)
        try:
            store.add_team(name, training=training)
        finally:
            store.close()
    typer.echo(f"team {name}" + (" (training)" if training else ""))


@team_app.command("list")
def team_list(ctx: typer.Context) -> None:
    """The teams and how many officers each has."""
    with _store_errors():
        store = _open(ctx, create=False)
        try:
            directory = store.directory()
        finally:
            store.close()
    names = sorted({t.name for t in directory.teams}
                   | {o.team for o in directory.officers if o.team})
    if not names:
        typer.echo("no teams")
    for name in names:
        team = directory.team(name)
        flag = " (training)" if team is not None and team.training else ""
        typer.echo(f"{name}{flag}: {len(directory.members(name))} officer(s)")


@team_app.command("due")
def team_due(
    ctx: typer.Context,
    team: Annotated[Optional[str], typer.Option("--team", help="The team (default: yours).")] = None,
    today: Annotated[Optional[str], typer.Option("--today", help="As of this day (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON: team, today, officers, total, overdue, skipped.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Overdue items to list (0: none).")] = 20,
) -> None:
    """A team's caseload over all its officers: cases and overdue / due-soon counts per officer."""
    day = resolve_today(ctx, today)
    calendar = calendar_for(ctx)
    with _store_errors():
        store = _open(ctx, upgrade=False, create=False)
        try:
            result = store.team_due(day, calendar, team=team)
        finally:
            store.close()
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"team {result.team}, as of {day.isoformat()}")
    typer.echo(f"{'officer':<24} {'cases':>6} {'overdue':>8} {'due soon':>9} {'cases overdue':>14}")
    for line in [*result.officers, result.total]:
        typer.echo(f"{line.officer[:24]:<24} {line.cases:>6} {line.overdue:>8} "
                   f"{line.due_soon:>9} {line.overdue_cases:>14}")
    for item in result.overdue_items[:limit]:
        late = f" ({item.late_by} wd late)" if item.late_by else ""
        typer.echo(f"  {item.crn}  {item.due.isoformat()}  {item.title}{late}")
    if len(result.overdue_items) > limit:
        typer.echo(f"  ... {len(result.overdue_items) - limit} more overdue item(s) (--limit)")
    for problem in result.skipped:
        typer.echo(f"omtui: {problem} (case skipped)", err=True)


@team_app.command("refresh-due")
def team_refresh_due(
    ctx: typer.Context,
    today: Annotated[Optional[str], typer.Option("--today", help="As of this day (YYYY-MM-DD).")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Processes evaluating cases (default: one per CPU for big jobs).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON: cases, fresh, computed, stored, pruned, workers, seconds.")] = False,
) -> None:
    """Compute the day's due summary of every case, so team due lists read them instead of
    running the rules engine over every case. Run it nightly (cron) after midnight; a team
    manager's job in office mode. Summaries of earlier days are deleted."""
    import time

    day = resolve_today(ctx, today)
    calendar = calendar_for(ctx)
    progress = stderr_progress(lambda done, total: f"{done}/{total} cases evaluated",
                               quiet=as_json)
    started = time.perf_counter()
    with _store_errors():
        store = _open(ctx, upgrade=False, create=False)
        try:
            stats = store.refresh_due(day, calendar, workers=workers, progress=progress)
        finally:
            store.close()
    stats = {**stats, "seconds": round(time.perf_counter() - started, 2)}
    if as_json:
        typer.echo(json.dumps({"today": day.isoformat(), **stats}))
        return
    typer.echo(f"due summaries for {day.isoformat()}: {stats['cases']} case(s), "
               f"{stats['fresh']} already fresh, {stats['computed']} computed "
               f"({stats['workers'] or 1} process(es)), {stats['stored']} stored, "
               f"{stats['pruned']} of earlier days deleted, in {stats['seconds']:.1f} s")
    if stats["stored"] < stats["computed"]:
        typer.echo(f"omtui: {stats['computed'] - stats['stored']} case(s) changed while "
                   "computing: their summaries are made by the next due list", err=True)


def reallocate_cmd(
    ctx: typer.Context,
    crn: Annotated[str, typer.Argument(help="The case.")],
    officer: Annotated[str, typer.Argument(help="The registered officer (username or name).")],
) -> None:
    """Give a case to another offender manager (a team manager's job; audited)."""
    with _store_errors():
        store = _open(ctx)
        try:
            name = store.reallocate(crn, officer)
        finally:
            store.close()
    typer.echo(f"{crn}: now with {name}")


def register(app: typer.Typer) -> None:
    app.add_typer(officer_app, name="officer")
    app.add_typer(team_app, name="team")
    app.command("reallocate")(reallocate_cmd)

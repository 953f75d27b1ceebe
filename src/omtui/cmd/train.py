"""Training scenarios: ``omtui train list``, ``omtui train run FILE --answers A``, ``omtui train``.

The headless runner plays a scenario's timeline in memory with the trainee's recorded actions
and marks every expected action: on time, late by N working days, or missed, with the rule and
its source. Exit codes: 0 all on time, 1 something late, missed or wrongly done, 2 bad input.
Training never opens the user's database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from omtui.cmd.common import calendar_for, fail
from omtui.domain.calendar import CalendarError
from omtui.domain.scenario import Mark, Marking, ScenarioError, ScenarioRun, TimelineEntry


def _weekday(d) -> str:
    return d.strftime("%a")


def render_text(run: ScenarioRun, marking: Marking, *, timeline: bool = True) -> list[str]:
    """The plain-text report of a headless run (no markup: names print literally)."""
    sc = marking.scenario
    lines = [f"Scenario: {sc.title} ({sc.name})", f"Goal: {sc.goal}",
             f"Simulated dates: {sc.start.isoformat()} to {run.today.isoformat()}"]
    if timeline:
        lines.append("")
        lines.append("Timeline")
        for entry in run.log:
            lines.append(_timeline_line(entry))
    lines.append("")
    lines.append("Checkpoints")
    for i, r in enumerate(marking.results, start=1):
        e = r.expectation
        lines.append(f"{r.status.symbol} {i}. {r.checkpoint}: {e.label} on {e.crn} by "
                     f"{e.by.isoformat()} ({_weekday(e.by)}) - {r.summary()}")
        for extra in r.explanation_lines()[2:]:
            lines.append(f"     {extra}")
    for w in marking.wrong:
        lines.append(f"✗ wrong action at checkpoint {w.checkpoint!r}: {w.action.event.type.label} "
                     f"recorded {w.action.date.isoformat()} on {w.crn} (this case needed "
                     f"something else)")
    if marking.unmatched:
        lines.append("Other actions recorded (not marked): " + "; ".join(
            f"{a.event.type.label} {a.date.isoformat()} {a.crn}" for a in marking.unmatched))
    lines.append("")
    total = len(marking.results)
    lines.append(f"Result: {marking.count(Mark.ON_TIME)} of {total} on time, "
                 f"{marking.count(Mark.LATE)} late, {marking.count(Mark.MISSED)} missed"
                 + (f", {len(marking.wrong)} wrong action(s)" if marking.wrong else "")
                 + (" - PASS" if marking.passed else " - NOT PASSED"))
    return lines


def _timeline_line(entry: TimelineEntry) -> str:
    who = {"event": "happens ", "action": "you     ", "due": "deadline",
           "checkpoint": "expected"}[entry.kind.value]
    text = f"  {entry.date.isoformat()} {_weekday(entry.date)}  {who}  {entry.crn}  {entry.text}"
    if entry.say:
        text += f"\n{'':28}{' '.join(entry.say.split())}"
    return text


def register(app: typer.Typer) -> None:
    train = typer.Typer(help="Training scenarios on a simulated clock (never the live data).",
                        add_completion=False, rich_markup_mode=None)

    @train.callback(invoke_without_command=True)
    def train_root(ctx: typer.Context) -> None:
        """With no sub-command, open the app in training mode (scenario picker)."""
        if ctx.invoked_subcommand is not None:
            return
        from importlib.util import find_spec

        if find_spec("omtui.screens.training") is None:
            fail("the in-app training mode is not built yet: use 'omtui train list' and "
                 "'omtui train run FILE --answers ANSWERS'")
        from omtui.cli import launch_app

        launch_app(ctx, training=True)

    @train.command("list")
    def train_list(
        directory: Annotated[Optional[Path], typer.Option(
            "--dir", help="Scenario directory (default: data/scenarios).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="A JSON list.")] = False,
    ) -> None:
        """One line per scenario: file name and title."""
        from omtui.scenarios import list_scenarios

        try:
            entries = list_scenarios(directory)
        except ScenarioError as exc:
            fail(str(exc))
        if as_json:
            typer.echo(json.dumps([{"file": e.path.name, "name": e.name, "title": e.title,
                                    "problem": e.problem} for e in entries], ensure_ascii=False))
            return
        if not entries:
            typer.echo("no scenarios found")
        for e in entries:
            typer.echo(f"{e.path.name}  {e.title}" if e.problem is None
                       else f"{e.path.name}  (cannot be read: {e.problem})")

    @train.command("run")
    def train_run(
        ctx: typer.Context,
        file: Annotated[str, typer.Argument(help="Scenario file, or its name in data/scenarios.")],
        answers: Annotated[str, typer.Option(
            "--answers", "-a", help="The trainee's recorded actions (TOML).")],
        as_json: Annotated[bool, typer.Option(
            "--json", help="A JSON list of checkpoint results, for marking.")] = False,
        quiet: Annotated[bool, typer.Option(
            "--no-timeline", help="Leave out the day-by-day timeline.")] = False,
    ) -> None:
        """Play a scenario headless with recorded answers and mark every expected action."""
        from omtui.scenarios import load_answers, load_scenario

        calendar = calendar_for(ctx)
        try:
            scenario = load_scenario(file, calendar=calendar)
            actions = load_answers(answers, scenario)
            run = ScenarioRun(scenario, calendar)
            marking = run.play(actions)
        except ScenarioError as exc:
            fail(str(exc))
        except CalendarError as exc:
            fail(f"{file}: {exc}")
        if as_json:
            rows = [r.to_dict() for r in marking.results]
            rows += [{"scenario": scenario.name, "checkpoint": w.checkpoint, "expected": None,
                      "rule": None, "source": None, "by": None,
                      "done_on": w.action.date.isoformat(), "status": "wrong_action",
                      "late_working_days": None, "crn": w.crn,
                      "action": w.action.event.type.value} for w in marking.wrong]
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for line in render_text(run, marking, timeline=not quiet):
                typer.echo(line)
        raise typer.Exit(0 if marking.passed else 1)

    app.add_typer(train, name="train")

"""Training scenario files: find them, read them (TOML; YAML when PyYAML is installed), load them.

The pure model, the player and the marker are in :mod:`omtui.domain.scenario`; this module
does the file I/O and wires in the rules engine. Nothing here opens a case store: training
runs live entirely in memory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from omtui.domain.calendar import WorkingCalendar
from omtui.domain.case import Case
from omtui.domain.due import DueItem
from omtui.domain.scenario import (
    Action,
    RuleInfo,
    Rules,
    Scenario,
    ScenarioError,
    ScenarioProblem,
    parse_answers,
    parse_scenario,
)

SUFFIXES = (".toml", ".yaml", ".yml")


def scenarios_dir() -> Path:
    """``$OMTUI_SCENARIOS_DIR``, else ``data/scenarios`` of the source tree."""
    env = os.environ.get("OMTUI_SCENARIOS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data" / "scenarios"


def answers_dir(directory: Path | None = None) -> Path:
    return (directory or scenarios_dir()) / "answers"


def read_file(path: Path) -> Any:
    """Decode a TOML (or YAML) file; a ScenarioError naming the file and the fault."""
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([ScenarioProblem(label, "", "", "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError([ScenarioProblem(label, "", "", "is a directory, not a file")]) from None
    except UnicodeDecodeError:
        raise ScenarioError([ScenarioProblem(label, "", "", "is not UTF-8 text")]) from None
    except OSError as exc:
        raise ScenarioError([ScenarioProblem(label, "", "", exc.strerror or str(exc))]) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError:
            raise ScenarioError([ScenarioProblem(
                label, "", "", "YAML scenarios need PyYAML installed; use TOML")]) from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ScenarioError([ScenarioProblem(
                label, "", "", f"not valid YAML: {' '.join(str(exc).split())}")]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([ScenarioProblem(label, "", "", f"not valid TOML: {exc}")]) from None


@dataclass(frozen=True)
class ScenarioEntry:
    """One scenario file as listed: its name and title (no rules evaluated)."""

    path: Path
    title: str
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.path.stem


def list_scenarios(directory: Path | None = None) -> list[ScenarioEntry]:
    """Every scenario file in the directory, by file name; unreadable ones carry a problem."""
    directory = directory or scenarios_dir()
    if not directory.is_dir():
        raise ScenarioError([ScenarioProblem(str(directory), "", "",
                                             "no such scenarios directory")])
    out = []
    for path in sorted(p for p in directory.iterdir()
                       if p.is_file() and p.suffix.lower() in SUFFIXES):
        try:
            raw = read_file(path)
            title = raw.get("title") if isinstance(raw, dict) else None
            if not isinstance(title, str) or not title.strip():
                out.append(ScenarioEntry(path, "", "no title"))
            else:
                out.append(ScenarioEntry(path, " ".join(title.split())))
        except ScenarioError as exc:
            out.append(ScenarioEntry(path, "", str(exc)))
    return out


def resolve(spec: str | Path, directory: Path | None = None) -> Path:
    """A scenario by path, or by name in the scenarios directory (``tier4-christmas``)."""
    path = Path(spec)
    if path.exists():
        return path
    directory = directory or scenarios_dir()
    for candidate in (directory / str(spec), *(directory / f"{spec}{s}" for s in SUFFIXES)):
        if candidate.is_file():
            return candidate
    raise ScenarioError([ScenarioProblem(str(spec), "", "",
                                         f"no such scenario file (looked in {directory})")])


def default_answers(scenario_path: Path) -> Path:
    """Where a scenario's model answers live: ``answers/<name>.toml`` beside it."""
    return scenario_path.parent / "answers" / f"{scenario_path.stem}.toml"


def _policy_rule_index() -> dict[str, RuleInfo]:
    """Rule ids named in the packaged policy packs (enforcement, contact levels): any table
    with ``id``, ``title`` and ``source`` is a rule a scenario may cite."""
    from importlib.resources import files

    found: dict[str, RuleInfo] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            rid, title, source = node.get("id"), node.get("title"), node.get("source")
            if all(isinstance(v, str) for v in (rid, title, source)):
                found.setdefault(rid, RuleInfo(rid, title, source, str(node.get("text", ""))))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    folder = files("omtui.data") / "rules"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            try:
                data = tomllib.loads(entry.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue      # the rules loader reports broken packs; here they just cite nothing
            for key, value in data.items():
                if key != "pack":
                    walk(value)
    return found


def default_rules(calendar: WorkingCalendar, packs: Any = None) -> Rules:
    """The rules engine as scenarios see it: the packaged rule book and the full case agenda
    (rules, contact schedule, enforcement). ``packs`` overrides the rule book (tests)."""
    from omtui.domain.agenda import case_agenda
    from omtui.rulepacks import default_packs

    book = packs if packs is not None else default_packs()
    policy = _policy_rule_index()

    def lookup(rule_id: str) -> RuleInfo | None:
        rule = book.rule(rule_id)
        if rule is not None:
            return RuleInfo(rule.id, rule.title, rule.source, rule.text)
        return policy.get(rule_id)

    def agenda(case: Case, today: date) -> list[DueItem]:
        return case_agenda(case, today, calendar, book)

    return Rules(agenda=agenda, lookup=lookup)


def load_scenario(spec: str | Path, *, calendar: WorkingCalendar, rules: Rules | None = None,
                  directory: Path | None = None) -> Scenario:
    path = resolve(spec, directory)
    raw = read_file(path)
    return parse_scenario(raw, name=path.stem, rules=rules or default_rules(calendar),
                          calendar=calendar, file=path.name)


def load_answers(path: str | Path, scenario: Scenario) -> list[Action]:
    path = Path(path)
    raw = read_file(path)
    return parse_answers(raw, scenario, file=path.name)


def training_today(scenario: Scenario) -> date:
    """The simulated date a training run opens on (never the system clock)."""
    return scenario.start


class SimulatedClock:
    """The app's clock in training mode: a date the training screen moves on (never the
    system clock). Callable like any ``OmtuiApp`` clock."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day

    def set(self, day: date) -> None:
        self.day = day

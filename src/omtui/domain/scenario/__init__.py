"""Training scenarios: the model, parsing and validation, the timeline player and the marker.

Pure: no I/O, no clock. A scenario file (TOML, read by ``omtui.scenarios``) decodes to a dict;
:func:`parse_scenario` turns it into a :class:`Scenario`, resolving every expected date (given
in the file, or derived from the rules engine when the file says ``by = "rule"``).
:func:`parse_answers` reads the trainee's recorded actions; :class:`ScenarioRun` plays the
timeline on a simulated clock (the headless runner and the in-app training mode both use it);
:func:`mark` turns a run into one :class:`CheckpointResult` per expected action.

Everything lives in memory: training never touches a case store. The format is documented in
``docs/scenarios.md``.

The modules, each importing only those above it:

- ``model``: RuleInfo and Rules (what a scenario asks of the rules engine), ScenarioProblem and
  ScenarioError, and the model (EventStep, Expectation, Checkpoint, Scenario, Action);
- ``fields``: the fault collectors and one-field readers the parsers share;
- ``steps``: the step parser, deriving expected dates from the rules engine; expected_event;
- ``parse``: parse_scenario and parse_answers;
- ``marking``: Mark, CheckpointResult, WrongAction, Marking and mark;
- ``player``: the timeline player (EntryKind, TimelineEntry, ScenarioRun) and play.

Import the public names from this package (``from omtui.domain.scenario import ...``).
"""

from omtui.domain.scenario.marking import CheckpointResult, Mark, Marking, WrongAction, mark
from omtui.domain.scenario.model import (
    Action,
    Checkpoint,
    EventStep,
    Expectation,
    RuleInfo,
    Rules,
    Scenario,
    ScenarioError,
    ScenarioProblem,
    Step,
)
from omtui.domain.scenario.parse import (
    ANSWER_KEYS,
    MAX_YEARS_AFTER_END,
    SCENARIO_KEYS,
    parse_answers,
    parse_scenario,
)
from omtui.domain.scenario.player import EntryKind, ScenarioRun, TimelineEntry, play
from omtui.domain.scenario.steps import (
    ALTERNATIVE_KEYS,
    CHECKPOINT_KEYS,
    EVENT_STEP_KEYS,
    EXPECT_KEYS,
    MAX_PROBES,
    expected_event,
)

__all__ = [
    "ALTERNATIVE_KEYS", "ANSWER_KEYS", "CHECKPOINT_KEYS", "EVENT_STEP_KEYS", "EXPECT_KEYS",
    "MAX_PROBES", "MAX_YEARS_AFTER_END", "SCENARIO_KEYS", "Action", "Checkpoint",
    "CheckpointResult", "EntryKind", "EventStep", "Expectation", "Mark", "Marking", "RuleInfo",
    "Rules", "Scenario", "ScenarioError", "ScenarioProblem", "ScenarioRun", "Step",
    "TimelineEntry", "WrongAction", "expected_event", "mark", "parse_answers", "parse_scenario",
    "play",
]

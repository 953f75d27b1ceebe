"""The rules engine: rule packs as data, compiled once, evaluated into due items.

* :mod:`.conditions` - the applicability condition language (parsed, checked, compiled)
* :mod:`.model` - compiled rules, packs and the rule book
* :mod:`.loader` - checking a decoded pack and building the rule book (pure)
* :mod:`.evaluate` - rules against a case: due items and decisions
"""

from omtui.domain.rules.conditions import FACTS, Condition, ConditionError, parse_condition
from omtui.domain.rules.evaluate import RuleDecision
from omtui.domain.rules.loader import PackError, PackProblem, build_rulebook, load_pack
from omtui.domain.rules.model import Pack, PackInfo, Rule, RuleBook

__all__ = ["FACTS", "Condition", "ConditionError", "Pack", "PackError", "PackInfo",
           "PackProblem", "Rule", "RuleBook", "RuleDecision", "build_rulebook", "load_pack",
           "parse_condition"]

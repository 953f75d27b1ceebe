"""The applicability condition language of rule packs: small, readable, never ``eval``.

A condition is a boolean expression over the facts of a case::

    order in [CO, SSO] and (tier == 4 or ppo)
    rosh >= high and not released
    requirements has drr
    custody_months >= 12 and time_to_serve_months < 24

Grammar (keywords are lower case)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | atom
    atom       := "(" expr ")" | "true" | "false"
                | FACT                                  (a yes/no fact)
                | FACT ("==" | "!=" | "<" | "<=" | ">" | ">=") VALUE
                | FACT ["not"] "in" "[" VALUE ("," VALUE)* "]"
                | FACT "has" VALUE                      (a list fact: requirements, flags)
    VALUE      := a word (CO, high, drr), a whole number, "quoted text", true or false

Facts are declared in :data:`FACTS` with their kind, so a pack is checked when it is loaded:
an unknown fact, a value the fact can never take, or a comparison that makes no sense is an
error with its position. A fact that is not recorded for a case (``custody_months`` when the
case has none) makes any comparison on it false, and the explanation says so.

Conditions are parsed once, at load, into a tree that is compiled to closures; evaluating a
case is a few function calls. :meth:`Condition.explain` walks the tree to say why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from omtui.domain.case import Gender, OrderType, Requirement, Rosh

Facts = Mapping[str, Any]


class ConditionError(ValueError):
    """A condition that cannot be parsed or checked; ``position`` is 0-based in ``text``."""

    def __init__(self, message: str, text: str, position: int):
        self.message, self.text, self.position = message, text, position
        super().__init__(f"{message} at position {position + 1}")

    def pointer(self) -> str:
        """The condition with a caret under the position of the error (two lines)."""
        return f"{self.text}\n{' ' * self.position}^"


# -- the facts ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    name: str
    kind: str                               # bool | int | enum | set
    doc: str
    values: tuple[str, ...] | None = None   # allowed values (enum, set); None: any text
    ordered: bool = False                   # enum values are in rising order (rosh)


ROSH_ORDER = tuple(r.value for r in Rosh)

FACTS: dict[str, Fact] = {f.name: f for f in (
    Fact("order", "enum", "order type", tuple(o.value for o in OrderType)),
    Fact("community", "bool", "a community order or SSO (an SSO is treated as a CO)"),
    Fact("post_custody", "bool", "a licence or post-sentence supervision"),
    Fact("tier", "int", "tier 1-4"),
    Fact("rosh", "enum", "risk of serious harm (ordered: low < medium < high < very_high)",
         ROSH_ORDER, ordered=True),
    Fact("ppo", "bool", "prolific and other priority offender"),
    Fact("mappa", "bool", "managed under MAPPA (any category and level)"),
    Fact("mappa.category", "int", "MAPPA category 1-3 (not recorded: no MAPPA)"),
    Fact("mappa.level", "int", "MAPPA level 1-3 (not recorded: no MAPPA)"),
    Fact("requirements", "set", "the order's requirements", tuple(r.value for r in Requirement)),
    Fact("flags", "set", "case flags, e.g. statutory_victim, no_psr, hdc, rotl"),
    Fact("gender", "enum", "gender (not recorded when not given)", tuple(g.value for g in Gender)),
    Fact("custody_months", "int", "length of the custodial sentence in months"),
    Fact("time_to_serve_months", "int", "custody still to serve at sentence, in months"),
    Fact("released", "bool", "released from custody (a release event, or a release date "
         "on or before today)"),
    Fact("in_custody", "bool", "in custody today: a licence/PSS case not yet released, or "
         "returned to custody after the last release"),
    Fact("recalled", "bool", "returned to custody on recall after the last release"),
    Fact("has_release_date", "bool", "a release date is recorded"),
    Fact("has_end_date", "bool", "an end date is recorded"),
    Fact("terminated", "bool", "a termination event is recorded"),
    Fact("weeks_since_commencement", "int", "whole weeks from commencement to today"),
)}


# -- tokens -------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<op>==|!=|<=|>=|<|>)
  | (?P<punct>[()\[\],])
  | (?P<string>"[^"]*")
  | (?P<number>-?\d+)(?![\w.])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
""", re.VERBOSE)

_KEYWORDS = {"and", "or", "not", "in", "has", "true", "false"}


@dataclass(frozen=True)
class _Tok:
    kind: str      # op punct string number word kw end
    text: str
    pos: int


def _tokenise(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] == '"':
                raise ConditionError("unterminated quoted text", text, pos)
            hint = " (use == to compare)" if text[pos] == "=" else ""
            raise ConditionError(f"unexpected character {text[pos]!r}{hint}", text, pos)
        kind = m.lastgroup
        if kind != "space":
            value = m.group()
            if kind == "word" and value in _KEYWORDS:
                kind = "kw"
            out.append(_Tok(kind, value, pos))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


# -- the tree ------------------------------------------------------------------------------------

class Node:
    pos: int = 0

    def compile(self) -> Callable[[Facts], bool]:
        raise NotImplementedError

    def explain(self, facts: Facts) -> tuple[bool, str]:
        """Its value for these facts and a reason in words."""
        raise NotImplementedError

    def source(self) -> str:
        raise NotImplementedError


def _show(value: Any) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (set, frozenset, tuple, list)):
        return "[" + ", ".join(sorted(str(v) for v in value)) + "]" if value else "none"
    return str(value)


@dataclass
class Const(Node):
    value: bool
    pos: int = 0

    def compile(self):
        v = self.value
        return lambda facts: v

    def explain(self, facts):
        return self.value, "always" if self.value else "never"

    def source(self):
        return "true" if self.value else "false"


@dataclass
class Truthy(Node):
    fact: str
    pos: int = 0

    def compile(self):
        name = self.fact
        return lambda facts: facts.get(name) is True

    def explain(self, facts):
        value = bool(facts.get(self.fact))
        return value, f"{self.fact} is {_show(value)}"

    def source(self):
        return self.fact


def _rank(fact: Fact, value: Any) -> Any:
    if fact.ordered and value is not None:
        return fact.values.index(value) if value in fact.values else None
    return value


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


@dataclass
class Compare(Node):
    fact: str
    op: str
    value: Any
    pos: int = 0

    def compile(self):
        name, fact = self.fact, FACTS[self.fact]
        cmp = _COMPARE[self.op]
        if fact.ordered:
            ranks = {v: i for i, v in enumerate(fact.values)}
            target = ranks[self.value]

            def ordered(facts: Facts) -> bool:
                got = facts.get(name)
                return got is not None and cmp(ranks.get(got, -1), target)
            return ordered
        target = self.value

        def plain(facts: Facts) -> bool:
            got = facts.get(name)
            return got is not None and cmp(got, target)
        return plain

    def explain(self, facts):
        got = facts.get(self.fact)
        if got is None:
            return False, f"{self.fact} is not recorded (needed for {self.source()})"
        fact = FACTS[self.fact]
        value = _COMPARE[self.op](_rank(fact, got), _rank(fact, self.value))
        return value, f"{self.fact} is {_show(got)}, so {self.source()} is {_show(value)}"

    def source(self):
        return f"{self.fact} {self.op} {self.value}"


@dataclass
class In(Node):
    fact: str
    values: tuple[Any, ...]
    negated: bool = False
    pos: int = 0

    def compile(self):
        name, values, negated = self.fact, frozenset(self.values), self.negated

        def member(facts: Facts) -> bool:
            got = facts.get(name)
            if got is None:
                return False
            return (got in values) != negated
        return member

    def explain(self, facts):
        got = facts.get(self.fact)
        if got is None:
            return False, f"{self.fact} is not recorded (needed for {self.source()})"
        value = (got in self.values) != self.negated
        return value, f"{self.fact} is {_show(got)}, so {self.source()} is {_show(value)}"

    def source(self):
        inside = ", ".join(str(v) for v in self.values)
        return f"{self.fact} {'not in' if self.negated else 'in'} [{inside}]"


@dataclass
class Has(Node):
    fact: str
    value: str
    pos: int = 0

    def compile(self):
        name, value = self.fact, self.value
        return lambda facts: value in facts.get(name, ())

    def explain(self, facts):
        got = facts.get(self.fact, ())
        value = self.value in got
        return value, f"{self.fact} is {_show(got)}, so {self.source()} is {_show(value)}"

    def source(self):
        return f"{self.fact} has {self.value}"


@dataclass
class Not(Node):
    inner: Node
    pos: int = 0

    def compile(self):
        inner = self.inner.compile()
        return lambda facts: not inner(facts)

    def explain(self, facts):
        value, why = self.inner.explain(facts)
        if isinstance(self.inner, Truthy):
            return (not value), why          # "released is no" already says it
        return (not value), f"{why}, so {self.source()} is {_show(not value)}"

    def source(self):
        return f"not {_wrap(self.inner)}"


def all_of(tests: tuple[Callable[[Any], bool], ...]) -> Callable[[Any], bool]:
    """One predicate true when all of ``tests`` (at least one) are, tried in order. These run
    for every case or every event, so the common sizes avoid a loop."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda x: a(x) and b(x)
    if len(tests) == 3:
        a, b, c = tests
        return lambda x: a(x) and b(x) and c(x)

    def every(x: Any) -> bool:
        for test in tests:
            if not test(x):
                return False
        return True
    return every


@dataclass
class And(Node):
    parts: tuple[Node, ...]
    pos: int = 0

    def compile(self):
        return all_of(tuple(p.compile() for p in self.parts))

    def explain(self, facts):
        reasons = []
        for part in self.parts:
            value, why = part.explain(facts)
            if not value:
                return False, why          # the first part that fails is the reason
            reasons.append(why)
        return True, "; ".join(reasons)

    def source(self):
        return " and ".join(_wrap(p) for p in self.parts)


@dataclass
class Or(Node):
    parts: tuple[Node, ...]
    pos: int = 0

    def compile(self):
        parts = tuple(p.compile() for p in self.parts)
        if len(parts) == 2:
            a, b = parts
            return lambda facts: a(facts) or b(facts)

        def some(facts: Facts) -> bool:
            for p in parts:
                if p(facts):
                    return True
            return False
        return some

    def explain(self, facts):
        reasons = []
        for part in self.parts:
            value, why = part.explain(facts)
            if value:
                return True, why           # the first part that holds is the reason
            reasons.append(why)
        return False, "; ".join(reasons)

    def source(self):
        return " or ".join(_wrap(p) for p in self.parts)


def _wrap(node: Node) -> str:
    return f"({node.source()})" if isinstance(node, (And, Or)) else node.source()


# -- the parser ---------------------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokenise(text)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def error(self, message: str, tok: _Tok | None = None) -> ConditionError:
        return ConditionError(message, self.text, (tok or self.tok).pos)

    def take(self, kind: str, text: str | None = None) -> _Tok | None:
        t = self.tok
        if t.kind == kind and (text is None or t.text == text):
            self.i += 1
            return t
        return None

    def expect(self, kind: str, text: str, what: str) -> _Tok:
        t = self.take(kind, text)
        if t is None:
            found = "the end" if self.tok.kind == "end" else repr(self.tok.text)
            raise self.error(f"expected {what}, found {found}")
        return t

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("the condition is empty (use true for every case)")
        node = self.expr()
        if self.tok.kind != "end":
            raise self.error(f"unexpected {self.tok.text!r} (missing 'and' / 'or'?)")
        return node

    def expr(self) -> Node:
        start = self.tok.pos
        parts = [self.and_expr()]
        while self.take("kw", "or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts), start)

    def and_expr(self) -> Node:
        start = self.tok.pos
        parts = [self.not_expr()]
        while self.take("kw", "and"):
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts), start)

    def not_expr(self) -> Node:
        t = self.take("kw", "not")
        if t:
            return Not(self.not_expr(), t.pos)
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        if self.take("punct", "("):
            node = self.expr()
            self.expect("punct", ")", "')'")
            return node
        if t.kind == "kw" and t.text in ("true", "false"):
            self.i += 1
            return Const(t.text == "true", t.pos)
        if t.kind != "word":
            found = "the end" if t.kind == "end" else repr(t.text)
            raise self.error(f"expected a fact name, found {found}")
        fact = FACTS.get(t.text)
        if fact is None:
            raise self.error(f"unknown fact {t.text!r} (known: {', '.join(FACTS)})")
        self.i += 1
        nxt = self.tok
        if nxt.kind == "op":
            self._check_op(fact, nxt)
            self.i += 1
            return Compare(fact.name, nxt.text, self.value(fact, nxt), t.pos)
        if nxt.kind == "kw" and nxt.text == "not" and self.toks[self.i + 1].text == "in":
            self.i += 2
            return In(fact.name, self.value_list(fact), True, t.pos)
        if self.take("kw", "in"):
            return In(fact.name, self.value_list(fact), False, t.pos)
        if self.take("kw", "has"):
            if fact.kind != "set":
                raise self.error(f"'has' needs a list fact (requirements, flags); "
                                 f"{fact.name} is {fact.kind}", nxt)
            return Has(fact.name, self.value(fact, nxt, element=True), t.pos)
        if fact.kind != "bool":
            raise self.error(f"{fact.name} is not yes/no: compare it "
                             f"(e.g. {self._example(fact)})", t)
        return Truthy(fact.name, t.pos)

    @staticmethod
    def _example(fact: Fact) -> str:
        if fact.kind == "int":
            return f"{fact.name} >= 2"
        if fact.kind == "set":
            return f"{fact.name} has {fact.values[0] if fact.values else 'something'}"
        return f"{fact.name} == {fact.values[0] if fact.values else 'x'}"

    def _check_op(self, fact: Fact, op: _Tok) -> None:
        if fact.kind == "set":
            raise self.error(f"{fact.name} is a list: use '{fact.name} has VALUE'", op)
        if op.text not in ("==", "!=") and not (fact.kind == "int" or fact.ordered):
            raise self.error(f"{op.text} needs a number or an ordered fact; {fact.name} "
                             f"is {fact.kind}", op)

    def value_list(self, fact: Fact) -> tuple[Any, ...]:
        if fact.kind == "set":
            raise self.error(f"{fact.name} is a list: use '{fact.name} has VALUE'")
        self.expect("punct", "[", "'[' starting a list of values")
        values = [self.value(fact, self.tok)]
        while self.take("punct", ","):
            values.append(self.value(fact, self.tok))
        self.expect("punct", "]", "',' or ']'")
        return tuple(values)

    def value(self, fact: Fact, where: _Tok, *, element: bool = False) -> Any:
        t = self.tok
        if t.kind in ("end", "op") or (t.kind == "punct") or (t.kind == "kw" and
                                                                t.text not in ("true", "false")):
            found = "the end" if t.kind == "end" else repr(t.text)
            raise self.error(f"expected a value for {fact.name}, found {found}")
        self.i += 1
        if fact.kind == "bool":
            if t.text not in ("true", "false"):
                raise self.error(f"{fact.name} is yes/no: compare it with true or false", t)
            return t.text == "true"
        if fact.kind == "int":
            if t.kind != "number":
                raise self.error(f"{fact.name} is a number, not {t.text!r}", t)
            return int(t.text)
        if t.kind == "number":
            raise self.error(f"{fact.name} is not a number: {t.text!r} can never match", t)
        text = t.text[1:-1] if t.kind == "string" else t.text
        if fact.values is not None and text not in fact.values:
            raise self.error(f"{text!r} is not a value of {fact.name} "
                             f"(one of: {', '.join(fact.values)})", t)
        return text


@dataclass(frozen=True)
class Condition:
    """A parsed, checked and compiled applicability condition."""

    text: str
    tree: Node
    test: Callable[[Facts], bool]

    def __call__(self, facts: Facts) -> bool:
        return self.test(facts)

    def explain(self, facts: Facts) -> tuple[bool, str]:
        return self.tree.explain(facts)

    @property
    def facts_used(self) -> frozenset[str]:
        found: set[str] = set()

        def walk(node: Node) -> None:
            if isinstance(node, (And, Or)):
                for p in node.parts:
                    walk(p)
            elif isinstance(node, Not):
                walk(node.inner)
            elif hasattr(node, "fact"):
                found.add(node.fact)
        walk(self.tree)
        return frozenset(found)


ALWAYS_TEXT = "true"


def parse_condition(text: str) -> Condition:
    """Parse, check and compile a condition. Raises :class:`ConditionError`."""
    if not isinstance(text, str):
        raise ConditionError(f"a condition is text, not {type(text).__name__}", str(text), 0)
    tree = _Parser(text).parse()
    return Condition(text, tree, tree.compile())

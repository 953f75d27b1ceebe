"""Command palette (ctrl+p): every key of the current screen and the app, with a namespaced
title ("view: Sort", "case: Open", "lookup: Find a case"), plus "case: Open CRN name" for every
case of the last caseload loaded.

A binding's namespace is the part of its ``id`` before the dot (``view.sort`` -> "view").
A screen can add its own entries with a ``palette_commands()`` method returning
``(title, help, callback)`` tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

Entry = tuple[str, str, Callable[[], object]]

#: Binding id namespaces shown in the palette, and the order "discover" lists them.
NAMESPACES = ("lookup", "case", "view", "calculator", "help")
_SKIP = {"app.quit-priority", "caseload.select", "caseload.down", "caseload.up", "caseload.first", "caseload.last", "caseload.home",
         "lookup.next", "lookup.previous", "explain.close-enter"}


#: Titles that read better in the palette than "<namespace>: <footer description>".
TITLES = {
    "lookup.find": "lookup: Find a case",
    "calculator.open": "calculator: Working-day calculator",
    "case.open": "case: Open…",
    "app.help": "help: Keys and colours on this screen",
    "app.quit": "app: Quit",
    "view.sort": "view: Sort (cycle urgency, name, CRN, tier, RoSH)",
    "case.explain-item": "case: Explain the highlighted due item",
    "contact.log": "contact: Log…",
    "contact.log-here": "contact: Log…",
    "contact.open-log": "contact: Open the contact log",
    "enforcement.open": "enforcement: Open (failures, warnings, breach, recall)",
    "plan.open": "plan: Open sentence plan",
    "induction.open": "induction: Open checklist",
    "team.open": "team: The team's caseload (overdue per officer)",
}


def _title(binding: Binding) -> str | None:
    if not binding.id or binding.id in _SKIP or not binding.description:
        return None
    if binding.id in TITLES:
        return TITLES[binding.id]
    namespace = binding.id.split(".", 1)[0]
    if namespace == "app":
        namespace = "help" if binding.action == "help" else "app"
    return f"{namespace}: {binding.description}"


class OmtuiCommands(Provider):
    """Keys of the current screen and the app, and the cases of the caseload."""

    def _entries(self) -> list[Entry]:
        screen = self.screen
        app = self.app
        entries: list[Entry] = []
        seen: set[str] = set()
        for node, bindings in ((screen, getattr(type(screen), "BINDINGS", [])),
                               (app, getattr(type(app), "BINDINGS", []))):
            for b in bindings:
                if not isinstance(b, Binding):
                    continue
                title = _title(b)
                if title is None or title in seen:
                    continue
                allows = getattr(node, "palette_allows", None)
                if callable(allows) and not allows(b.action):
                    continue
                seen.add(title)
                key = app.get_key_display(b)
                entries.append((title, f"{b.tooltip or b.description} ({key})",
                                partial(node.run_action, b.action)))
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            entries.extend(extra())
        if not any(t.startswith("calculator:") for t, _h, _c in entries):
            entries.append(("calculator: Working-day calculator",
                            "Day 0 plus N working days, weeks or months, explained.",
                            app.action_calculator))
        return entries

    def _cases(self) -> Iterable[Entry]:
        index = getattr(self.app, "caseload_index", None)
        if index is None:
            return []
        return [(f"case: Open {crn} {case.name}", "Open this case.",
                 partial(self.app.open_case, crn)) for crn, case in index.cases.items()]

    async def discover(self) -> Hits:
        entries = self._entries()
        rank = {ns: i for i, ns in enumerate(NAMESPACES)}
        entries.sort(key=lambda e: rank.get(e[0].split(":", 1)[0], len(rank)))
        for title, help_text, callback in entries:
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        # Cases: only once the query says so ("case", "open", a CRN or part of a name).
        if len(query.strip()) >= 2:
            shown = 0
            for title, help_text, callback in self._cases():
                score = matcher.match(title)
                if score > 0:
                    yield Hit(score * 0.9, matcher.highlight(title), callback, help=help_text)
                    shown += 1
                    if shown >= 50:
                        break

"""Turning people's data into Rich ``Text`` safely: never markup, never a control character.

Names and notes are shown literally (``[bold]`` stays ``[bold]``). Every widget that shows
data a person typed goes through :func:`literal`.
"""

from __future__ import annotations

import re
from datetime import date

from rich.style import Style
from rich.text import Text
from textual.app import App

from omtui.domain.due import Status

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_BREAKS = re.compile(r"[\r\n\t]+")


def one_line(value: str) -> str:
    """Line breaks and tabs become spaces, other control characters are dropped."""
    return _CONTROL.sub("", _BREAKS.sub(" ", value))


def literal(value: object, style: str | Style = "", *, single_line: bool = True) -> Text:
    """``value`` as Text that is never parsed as markup (and, by default, on one line)."""
    text = str(value)
    text = one_line(text) if single_line else _CONTROL.sub("", text.replace("\r\n", "\n"))
    return Text(text, style=style, no_wrap=single_line, overflow="ellipsis" if single_line else "fold")


def long_date(d: date) -> str:
    """'Mon 23 Nov 2026'."""
    return d.strftime("%a %d %b %Y")


def short_date(d: date, today: date | None = None) -> str:
    """'23 Nov' this year (relative to today), '23 Nov 2027' otherwise."""
    if today is not None and d.year == today.year:
        return d.strftime("%d %b")
    return d.strftime("%d %b %Y")


def theme_colour(app: App, name: str, fallback: str) -> str:
    try:
        return app.get_css_variables().get(name) or fallback
    except Exception:  # noqa: BLE001 - no theme yet (unmounted): plain fallback colour
        return fallback


class StatusStyles:
    """Rich styles for due statuses, from the app's theme (error / warning / success)."""

    _cache: dict[tuple[int, str], StatusStyles] = {}

    @classmethod
    def for_app(cls, app: App) -> StatusStyles:
        """The styles for the app's current theme (worked out once per theme)."""
        key = (id(app), str(getattr(app, "theme", "")))
        found = cls._cache.get(key)
        if found is None:
            if len(cls._cache) > 32:
                cls._cache.clear()
            found = cls._cache[key] = cls(app)
        return found

    def __init__(self, app: App) -> None:
        variables = {}
        try:
            variables = app.get_css_variables()
        except Exception:  # noqa: BLE001
            pass
        self.overdue = Style(color=variables.get("error", "red"), bold=True)
        self.due_soon = Style(color=variables.get("warning", "yellow"), bold=True)
        self.done = Style(color=variables.get("success", "green"))
        self.due = Style()
        self.muted = Style(dim=True)

    def for_status(self, status: Status | None) -> Style:
        if status is None:
            return self.muted
        return {Status.OVERDUE: self.overdue, Status.DUE_SOON: self.due_soon,
                Status.DONE: self.done, Status.DUE: self.due}[status]

    def status_text(self, status: Status | None, *, words: bool = True) -> Text:
        """Symbol (and word): the meaning never rests on colour alone."""
        if status is None:
            return Text("–", style=self.muted)
        label = f"{status.symbol} {status.label}" if words else status.symbol
        return Text(label, style=self.for_status(status), no_wrap=True)


#: The colour legend shown by the help screen and the status line.
LEGEND = (
    (Status.OVERDUE, "error colour", "overdue: the due date has passed"),
    (Status.DUE_SOON, "warning colour", "due within 2 working days"),
    (Status.DUE, "normal text", "due later"),
    (Status.DONE, "success colour", "done"),
)


def legend_text(app: App) -> Text:
    styles = StatusStyles.for_app(app)
    out = Text()
    for i, (status, _colour, meaning) in enumerate(LEGEND):
        if i:
            out.append("   ")
        out.append(f"{status.symbol} {status.label}", style=styles.for_status(status))
        out.append(f" {meaning}")
    return out

"""A read-only table of a case's events (contacts, warnings, plan reviews...), newest first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from omtui.domain.case import Event, EventType
from omtui.widgets.text import literal


def event_detail(e: Event) -> str:
    parts = []
    if e.outcome is not None:
        parts.append(e.outcome.label)
    elif e.type is EventType.CONTACT:
        parts.append("arranged, no outcome yet")
    if e.for_date is not None:
        parts.append(f"for {e.for_date.isoformat()}")
    if e.acceptable is not None:
        parts.append("acceptable" if e.acceptable else "not acceptable")
    if e.reason:
        parts.append(e.reason)
    if e.until is not None:
        parts.append(f"until {e.until.isoformat()}")
    for key in ("kind", "by", "with"):
        if key in e.extra and isinstance(e.extra[key], str | int):
            parts.append(f"{key}: {e.extra[key]}")
    if e.note:
        parts.append(e.note)
    return " · ".join(parts)


class EventTable(DataTable):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.events: list[Event] = []

    def show_events(self, events: Sequence[Event]) -> None:
        self.events = sorted(events, key=lambda e: e.date, reverse=True)
        self.clear(columns=True)
        self.add_column("Date", key="date", width=15)
        self.add_column("Event", key="type", width=20)
        self.add_column("Detail", key="detail")
        for i, e in enumerate(self.events):
            self.add_row(Text(e.date.strftime("%a %d %b %Y"), no_wrap=True),
                         Text(e.type.label, no_wrap=True), literal(event_detail(e)), key=str(i))

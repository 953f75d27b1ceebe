"""The caseload's "Outcomes to record" panel: past appointments with no outcome yet, oldest
first, across the caseload. Hidden while there are none. Enter on a row posts
:class:`OutcomesPanel.RecordOutcome` (the screen opens the quick-entry form for it).
Store-agnostic: give it the cases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from omtui.domain.appointments import outcomes_to_record, slot_of
from omtui.domain.case import Case, Event
from omtui.widgets.text import literal

#: Rows shown before the panel scrolls (it stays compact under the caseload).
MAX_ROWS = 4


@dataclass(frozen=True)
class PendingOutcome:
    crn: str
    name: str
    event: Event


def pending_outcomes(cases: Iterable[Case], today: date) -> list[PendingOutcome]:
    found = [PendingOutcome(c.crn, c.name, e) for c in cases
             for e in outcomes_to_record(c, today)]
    found.sort(key=lambda p: (p.event.date, slot_of(p.event).at or time.max, p.crn))
    return found


class OutcomesPanel(DataTable):
    DEFAULT_CSS = """
    OutcomesPanel { height: 2; border-top: solid $warning; overflow-x: hidden; }
    """

    @dataclass
    class RecordOutcome(Message):
        crn: str
        name: str
        event: Event

    def __init__(self, *, id: str | None = "outcomes-panel") -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, show_header=False)
        self.pending: list[PendingOutcome] = []
        self.display = False

    def show_cases(self, cases: Iterable[Case], today: date) -> None:
        self.pending = pending_outcomes(cases, today)
        self.clear(columns=True)
        self.add_column("CRN", key="crn", width=7)
        self.add_column("Name", key="name", width=18)
        self.add_column("Appointment", key="when", width=28)
        self.add_column("What", key="what", width=16)
        n = len(self.pending)
        self.border_title = f"Outcomes to record ({n})" if n else None
        for i, p in enumerate(self.pending):
            self.add_row(Text(p.crn, no_wrap=True), literal(p.name),
                         Text(slot_of(p.event).label(), no_wrap=True),
                         Text("! no outcome yet", style="bold", no_wrap=True), key=str(i))
        self.display = bool(self.pending)
        self.styles.height = min(n, MAX_ROWS) + 1 if n else 0

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        i = event.cursor_row
        if 0 <= i < len(self.pending):
            p = self.pending[i]
            self.post_message(self.RecordOutcome(p.crn, p.name, p.event))


__all__ = ["OutcomesPanel", "PendingOutcome", "pending_outcomes"]

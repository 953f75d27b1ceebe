"""The sentence plan's objectives as a table: need area, links, who, by when, measure, status.

Enter on a row posts :class:`ObjectiveTable.EditRequested`. Never touches the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from omtui.domain.plan import Objective, ObjectiveStatus, PlanGap
from omtui.widgets.text import literal


def links_of(o: Objective) -> str:
    parts = [r.label for r in o.requirements] + list(o.risks)
    if o.risk_management and not o.risks:
        parts.append("risk management")
    return ", ".join(parts)


class ObjectiveTable(DataTable):
    @dataclass
    class EditRequested(Message):
        objective_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.objectives: list[Objective] = []
        self.need_labels: Mapping[str, str] = {}
        self.gaps_by_objective: dict[str, int] = {}
        self._shown_width = 0
        self._gaps: tuple[PlanGap, ...] = ()

    def show(self, objectives: Sequence[Objective], need_labels: Mapping[str, str],
             gaps: Sequence[PlanGap] = (), today: date | None = None) -> None:
        self.objectives = list(objectives)
        self.need_labels = need_labels
        self.gaps_by_objective = {}
        self._gaps = tuple(gaps)
        for g in gaps:
            if g.objective_id:
                self.gaps_by_objective[g.objective_id] = self.gaps_by_objective.get(
                    g.objective_id, 0) + 1
        keep = self.selected_id
        width = self.size.width or self.app.size.width
        self._shown_width = width
        wide = width >= 120
        self.clear(columns=True)
        widths = {"id": 6, "need": 11 if not wide else 16, "who": 12 if not wide else 18,
                  "by": 9 if not wide else 11, "status": 11}
        if wide:
            widths.update(links=24, measure=24)
        padding = 2 * (len(widths) + 1) + 2            # cell padding and the scroll bar
        what_w = max(14, width - sum(widths.values()) - padding)
        self.add_column("Id", key="id", width=widths["id"])
        self.add_column("Objective", key="what", width=what_w)
        self.add_column("Need area", key="need", width=widths["need"])
        if wide:
            self.add_column("Links", key="links", width=widths["links"])
        self.add_column("Who", key="who", width=widths["who"])
        self.add_column("By when", key="by", width=widths["by"])
        if wide:
            self.add_column("Measure", key="measure", width=widths["measure"])
        self.add_column("Status", key="status", width=widths["status"])
        for o in self.objectives:
            flagged = self.gaps_by_objective.get(o.id, 0)
            ident = Text(("!" if flagged else " ") + o.id, style="bold" if flagged else "")
            need = self.need_labels.get(o.need_area or "", o.need_area or "-")
            status_style = {ObjectiveStatus.ACHIEVED: "green",
                            ObjectiveStatus.ABANDONED: "dim"}.get(o.status, "")
            by = o.by_when.strftime("%d %b %Y" if wide else "%d %b %y") if o.by_when else "-"
            row = [ident, literal(o.what), literal(need)]
            if wide:
                row.append(literal(links_of(o) or "-"))
            row += [literal(", ".join(o.who) or "-"), Text(by)]
            if wide:
                row.append(literal(o.measure or "-"))
            row.append(Text(o.status.label, style=status_style))
            self.add_row(*row, key=o.id)
        ids = [o.id for o in self.objectives]
        if keep in ids:
            self.move_cursor(row=ids.index(keep))

    @property
    def selected_id(self) -> str | None:
        if not self.objectives or not self.row_count:
            return None
        row = self.cursor_row
        return self.objectives[row].id if 0 <= row < len(self.objectives) else None

    def on_resize(self, event) -> None:
        width = self.size.width
        if self.objectives and width != self._shown_width:
            self.show(self.objectives, self.need_labels, self._gaps)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table is self:
            event.stop()
            if self.selected_id is not None:
                self.post_message(self.EditRequested(self.selected_id))

"""The team view (a team manager's): the team's caseload over all its officers.

Top: one row per officer of the team (and the unallocated cases): cases, overdue items, items
due soon, items due, and cases with something overdue. Enter on an officer (or just moving
onto one) lists that officer's cases below, those with overdue items first, each with its most
overdue item; Enter on a case opens it (the store checks the manager may open it, and audits
the read). ``r`` reads everything again; escape goes back one level.

The numbers, each officer's cases and their names come from one call,
``OfficeStore.team_due(today, calendar, book)`` (the same as ``omtui team due``), read in a
thread worker, never on the UI loop.

Who may open it: :func:`team_access` (a team manager in office mode); the app's key and
palette entry ask it first, and the store refuses anyone else anyway.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from omtui.domain.due import DueItem
from omtui.widgets.text import StatusStyles, literal, long_date, short_date

UNALLOCATED = "(not allocated)"


def team_access(store: Any) -> tuple[bool, str]:
    """(may this officer open the team view, why not). Blocking: call from a worker."""
    access_of = getattr(store, "access", None)
    if not callable(access_of):
        return False, ("The team view needs an office database (omtui --db ...): this store "
                       "has no officers or teams.")
    try:
        access = access_of()
    except Exception as exc:  # noqa: BLE001 - said to the officer
        return False, f"The team view cannot be opened: {exc}"
    if access.sole:
        return False, ("The team view is for office mode: register a team manager and the "
                       "team's officers first (omtui officer add NAME --role team_manager "
                       "--team TEAM).")
    from omtui.store.roles import Action

    why = access.reason(Action.TEAM_VIEW)
    if why is not None:
        return False, f"The team view is not open to you: {why}."
    me = access.me
    if me is None or not me.team:
        return False, "The team view shows your own team, and you are in no team."
    return True, ""


@dataclass
class TeamCase:
    crn: str
    name: str
    overdue: list[DueItem] = field(default_factory=list)


@dataclass
class TeamData:
    due: Any                                   # store.access.TeamDue
    by_officer: dict[str, list[TeamCase]]      # officer label -> their cases, worst first


def group_cases(due: Any) -> dict[str, list[TeamCase]]:
    """The team's cases by officer label (``team_due``'s lines, each with its cases), each
    with its overdue items; cases with more overdue items first, then by CRN."""
    items: dict[str, list[DueItem]] = defaultdict(list)
    for item in due.overdue_items:
        items[item.crn].append(item)
    names = due.names
    grouped: dict[str, list[TeamCase]] = {}
    for line in due.officers:
        rows = [TeamCase(crn, names.get(crn, ""), items.get(crn, [])) for crn in line.crns]
        rows.sort(key=lambda tc: (-len(tc.overdue),
                                  min((i.due for i in tc.overdue), default=date.max),
                                  tc.crn))
        grouped[line.officer] = rows
    return grouped


def _cut(text: Text) -> Text:
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


class TeamScreen(Screen):
    """The team's caseload, per officer (escape goes back)."""

    AUTO_FOCUS = "#team-officers"
    HELP = (
        "Your team's caseload over all its officers, as of today: for each officer the "
        "number of cases, items overdue, due soon (within a couple of working days) and due, "
        "and how many cases have something overdue. Enter on an officer lists their cases "
        "below, those with overdue items first, with the most overdue item of each; Enter on "
        "a case opens it (recorded in the audit trail). r reads the numbers again."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="team.back",
                tooltip="Back to the officers, or out of the team view."),
        Binding("r", "refresh", "Refresh", id="team.refresh",
                tooltip="Read the team's caseload and due items again."),
        Binding("tab", "app.focus_next", "Next", show=False),
    ]

    DEFAULT_CSS = """
    TeamScreen #team-head { height: auto; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    TeamScreen #team-officers { height: auto; max-height: 40%; min-height: 4; }
    TeamScreen #team-detail-title { height: 1; padding: 0 1; background: $boost;
        text-wrap: nowrap; text-overflow: ellipsis; }
    TeamScreen #team-cases { height: 1fr; min-height: 3; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: TeamData | None = None
        self.officer: str | None = None
        self._officer_rows: list[str] = []
        self._case_rows: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Team: loading…"), id="team-head")
        officers = DataTable(id="team-officers", cursor_type="row", zebra_stripes=True)
        yield officers
        yield Static("", id="team-detail-title")
        yield DataTable(id="team-cases", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "team caseload"
        officers = self.query_one("#team-officers", DataTable)
        officers.add_columns("Officer", "Cases", "Overdue", "Due soon", "Due",
                             "Cases overdue")
        self._case_columns()
        self.load()

    def _case_columns(self) -> None:
        """Fixed widths that fit the screen: names and item titles end with an ellipsis
        rather than pushing the due date off an 80-column screen."""
        width = self.app.size.width
        name = 18 if width < 120 else 32
        item = max(16, width - (7 + name + 7 + 11) - 2 * 5 - 3)
        table = self.query_one("#team-cases", DataTable)
        table.add_column("CRN", width=7)
        table.add_column("Name", width=name)
        table.add_column("Overdue", width=7)
        table.add_column("Most overdue item", width=item)
        table.add_column("Due", width=11)

    # -- loading -----------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        self.query_one("#team-officers", DataTable).loading = True
        self._read()

    @work(thread=True, exclusive=True, group="team-load", exit_on_error=False,
          description="Reading the team's caseload")
    def _read(self) -> None:
        app = self.app
        store = app.store
        try:
            due = store.team_due(app.today, app.calendar, app.rule_book,
                                 progress=self._progress_from_thread)
            data = TeamData(due, group_cases(due))
        except Exception as exc:  # noqa: BLE001 - shown to the officer, never a crash
            app.call_from_thread(self._failed, str(exc))
            return
        app.call_from_thread(self._show, data)

    def _progress_from_thread(self, done: int, total: int) -> None:
        """Cases not yet summarised today are worked out now (the nightly ``omtui team
        refresh-due`` spares this): say how far it has gone."""
        if total:
            self.app.call_from_thread(
                self.query_one("#team-head", Static).update,
                Text(f"Team: working out today's due items, {done:,} of {total:,} case(s)…"))

    def _failed(self, message: str) -> None:
        self.query_one("#team-officers", DataTable).loading = False
        self.query_one("#team-head", Static).update(
            literal(f"The team view could not be read: {message}"))
        self.notify(message, title="Team view", severity="error", timeout=10, markup=False)

    def _show(self, data: TeamData) -> None:
        self.data = data
        due = data.due
        total = due.total
        head = Text()
        head.append("Team ", style="bold")
        head.append_text(literal(due.team, "bold"))
        head.append(f" · {long_date(due.today)} · {total.cases} case(s) · ")
        styles = StatusStyles.for_app(self.app)
        head.append(f"{total.overdue} overdue", style=styles.overdue if total.overdue else "")
        head.append(f" in {total.overdue_cases} case(s) · {total.due_soon} due soon")
        if due.skipped:
            head.append(f" · {len(due.skipped)} case(s) could not be worked out", style="bold")
        self.query_one("#team-head", Static).update(head)
        table = self.query_one("#team-officers", DataTable)
        keep = self.officer
        table.clear()
        self._officer_rows = []
        for line in due.officers:
            table.add_row(literal(line.officer), *self._counts(line, styles), key=line.officer)
            self._officer_rows.append(line.officer)
        table.add_row(Text("Team total", style="bold"), *self._counts(total, styles),
                      key="__total__")
        table.loading = False
        if self._officer_rows:
            row = self._officer_rows.index(keep) if keep in self._officer_rows else 0
            table.move_cursor(row=row)
            self._show_officer(self._officer_rows[row])
        else:
            self._show_officer(None)

    @staticmethod
    def _counts(line: Any, styles: StatusStyles) -> list[Text]:
        def n(value: int, style: str = "") -> Text:
            return Text(str(value), style=style if value else "", justify="right")

        return [n(line.cases), n(line.overdue, styles.overdue), n(line.due_soon, styles.due_soon),
                n(line.due), n(line.overdue_cases, styles.overdue)]

    def _show_officer(self, officer: str | None) -> None:
        self.officer = officer
        cases_table = self.query_one("#team-cases", DataTable)
        cases_table.clear()
        self._case_rows = []
        title = self.query_one("#team-detail-title", Static)
        if self.data is None or officer is None:
            title.update("No officers in this team yet.")
            return
        rows = self.data.by_officer.get(officer, [])
        today = self.app.today
        styles = StatusStyles.for_app(self.app)
        with_overdue = sum(1 for r in rows if r.overdue)
        t = literal(officer, "bold")
        t.append(f": {len(rows)} case(s), {with_overdue} with something overdue"
                 + (" · Enter opens a case" if rows else ""))
        title.update(t)
        for tc in rows:
            worst = min(tc.overdue, key=lambda i: (i.due, i.rule)) if tc.overdue else None
            cases_table.add_row(
                Text(tc.crn), _cut(literal(tc.name)),
                Text(str(len(tc.overdue)), style=styles.overdue if tc.overdue else "",
                     justify="right"),
                _cut(literal(worst.title)) if worst else Text("nothing overdue", style="dim"),
                Text(short_date(worst.due, today), style=styles.overdue) if worst else Text(""),
                key=tc.crn)
            self._case_rows.append(tc.crn)

    # -- keys --------------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#team-officers")
    def _officer_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        if key and key != "__total__" and key != self.officer:
            self._show_officer(key)

    @on(DataTable.RowSelected, "#team-officers")
    def _officer_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value if event.row_key is not None else None
        if not key or key == "__total__":
            return
        if key != self.officer:
            self._show_officer(key)
        cases_table = self.query_one("#team-cases", DataTable)
        if cases_table.row_count:
            cases_table.focus()
        else:
            self.notify("This officer has no cases.", timeout=3)

    @on(DataTable.RowSelected, "#team-cases")
    def _case_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        crn = event.row_key.value if event.row_key is not None else None
        if crn:
            self.app.open_case(crn)

    def action_back(self) -> None:
        cases_table = self.query_one("#team-cases", DataTable)
        if cases_table.has_focus:
            self.query_one("#team-officers", DataTable).focus()
            return
        self.app.pop_screen()

    def case_changed(self, crn: str) -> None:
        if self.data is not None and any(
                tc.crn == crn for rows in self.data.by_officer.values() for tc in rows):
            self.load()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("team: Refresh the team's caseload", "Read the numbers again (r).",
                 self.action_refresh)]


__all__ = ["TeamScreen", "team_access", "group_cases", "TeamData", "TeamCase", "UNALLOCATED"]

"""The contact log of one case: every entry, newest first, the contact level it is measured
against (NS 2c.16), and the keys to add to it.

* ``c`` logs a contact (quick entry), ``a`` arranges appointments, ``s`` enters a suspension
  (custody, hospital, sickness: the contact schedule pauses), ``f`` opens enforcement.
* ``/`` searches the notes (and the entry descriptions) as you type; escape clears it.
* ``p`` shows the contact periods: required against achieved, short periods marked ``✗``.
* Enter on an entry shows it in full; on a past appointment with no outcome it records one.

The case is read, and the schedule worked out, in a thread worker; names and notes are shown
literally (``[bold]`` stays ``[bold]``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from omtui.domain.appointments import next_appointment, outcomes_to_record, slot_of
from omtui.domain.case import Case, Event, EventType
from omtui.domain.outcomes import TIME, OutcomeTaxonomy, appointment_time
from omtui.domain.schedule import ContactSchedule, contact_schedule
from omtui.screens.contact_common import contact_levels, taxonomy
from omtui.widgets.compliance_table import ComplianceTable, schedule_summary
from omtui.widgets.event_table import event_detail
from omtui.widgets.text import StatusStyles, literal, long_date


@dataclass(frozen=True)
class LogEntry:
    """One row of the log: the event and what the row shows."""

    event: Event
    at: time | None
    what: str
    status: str            # "", "arranged", "outcome to record"

    @property
    def sort_key(self) -> tuple:
        return (self.event.date, self.at or time.min)

    def matches(self, query: str) -> bool:
        q = query.strip().casefold()
        if not q:
            return True
        return q in (self.event.note or "").casefold() or q in self.what.casefold()


def log_entries(case: Case, today: date, tax: OutcomeTaxonomy) -> list[LogEntry]:
    """Every event of the case as log rows, newest first."""
    pending = {id(e) for e in outcomes_to_record(case, today)}
    rows = []
    for e in case.events:
        if e.type is EventType.CONTACT:
            what = tax.describe(replace(e, extra={k: v for k, v in e.extra.items()
                                                  if k != TIME}))
            status = ("outcome to record" if id(e) in pending
                      else "arranged" if e.outcome is None else "")
        else:
            detail = event_detail(_without_note(e))
            what = e.type.label.capitalize() + (f": {detail}" if detail else "")
            status = ""
        rows.append(LogEntry(e, appointment_time(e), what, status))
    rows.sort(key=lambda r: r.sort_key, reverse=True)
    return rows


def _without_note(e: Event) -> Event:
    return replace(e, note=None)


def first_line(note: str | None, width: int = 200) -> str:
    if not note:
        return ""
    lines = note.strip().splitlines()
    text = lines[0] if lines else ""
    more = len(lines) > 1 or len(text) > width
    return text[:width] + (" …" if more else "")


@dataclass(frozen=True)
class LogData:
    case: Case
    schedule: ContactSchedule | None
    taxonomy: OutcomeTaxonomy
    problem: str | None


class EntryScreen(ModalScreen[None]):
    """One log entry in full (the note as typed, any length)."""

    BINDINGS = [Binding("escape,enter", "close", "Close", id="log.close-entry",
                        tooltip="Back to the log.")]
    DEFAULT_CSS = """
    EntryScreen { align: center middle; }
    EntryScreen > #entry-detail {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, entry: LogEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        e = self.entry.event
        t = Text()
        t.append(long_date(e.date), style="bold")
        if self.entry.at is not None:
            t.append(f" {self.entry.at.strftime('%H:%M')}", style="bold")
        t.append("\n")
        t.append_text(literal(self.entry.what))
        if self.entry.status:
            t.append(f"  ({self.entry.status})", style="italic")
        t.append("\n\n")
        t.append_text(literal(e.note or "(no note)", single_line=False))
        with VerticalScroll(id="entry-detail") as box:
            box.border_title = "Log entry"
            box.border_subtitle = "escape: close"
            yield Static(t)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)


class ContactLogScreen(Screen):
    """The contact log of one case."""

    AUTO_FOCUS = "#log-table"
    HELP = (
        "The contact log: every entry of the case, newest first. The summary shows the contact "
        "level (NS 2c.16) with its source, this period's contacts, the next contact due and the "
        "periods short of the standard (✗). '! record' marks a past appointment with no outcome: "
        "Enter records it. Quick entry: c, then one key for the type (o office, h home visit, "
        "p phone, v video, g other agency), one for the outcome (a attended, f failed to attend, "
        "e acceptable absence + reason key...), ctrl+s. Dates accept today, yesterday, 12/03, "
        "12/3/26 or 2026-03-12; times 9, 9:30, 0930 or 2pm. A suspension (s) pauses the schedule.")
    BINDINGS = [
        Binding("escape", "back", "Back", id="log.back",
                tooltip="Clear the search, else back to the previous screen."),
        Binding("c", "log_contact", "Log contact", id="contact.log-here",
                tooltip="Quick entry: log a contact for this case."),
        Binding("a", "arrange", "Appointments", id="contact.arrange",
                tooltip="Arrange one appointment or a weekly, fortnightly or 4-weekly series."),
        Binding("slash", "search", "Search", id="log.search",
                tooltip="Search the notes as you type."),
        Binding("p", "periods", "Periods", id="log.periods",
                tooltip="Contact periods: required against achieved (short ones marked ✗)."),
        Binding("s", "suspend", "Suspension", show=False, id="contact.suspension",
                tooltip="Enter a suspension (custody, hospital, sickness): the schedule pauses."),
        Binding("f", "enforcement", "Enforcement", show=False, id="enforcement.open-from-log",
                tooltip="Failures to comply, warnings, breach and recall for this case."),
        Binding("r", "refresh", "Refresh", show=False, id="log.refresh",
                tooltip="Read this case from the store again."),
    ]

    DEFAULT_CSS = """
    ContactLogScreen #log-summary { height: auto; padding: 0 1; }
    ContactLogScreen #log-search { margin: 0 1; display: none; }
    ContactLogScreen #log-search.-active { display: block; }
    ContactLogScreen #log-table { height: 1fr; }
    ContactLogScreen ComplianceTable { height: 1fr; display: none; }
    ContactLogScreen.-periods ComplianceTable { display: block; }
    ContactLogScreen.-periods #log-table { display: none; }
    ContactLogScreen #log-empty { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, crn: str) -> None:
        super().__init__()
        self.crn = crn
        self.data: LogData | None = None
        self.entries: list[LogEntry] = []
        self.shown: list[LogEntry] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"{self.crn}: loading…"), id="log-summary")
        yield Input(placeholder="/ search the notes", id="log-search", compact=True)
        yield DataTable(id="log-table", cursor_type="row", zebra_stripes=True)
        yield ComplianceTable(id="log-periods")
        yield Static("", id="log-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.crn} · contact log"
        table = self.table
        table.add_column("Date", key="date", width=15)
        table.add_column("Time", key="time", width=5)
        table.add_column("Entry", key="what", width=28)
        table.add_column("Status", key="status", width=8)
        table.add_column("Note", key="note")
        table.loading = True
        self.load()

    @property
    def table(self) -> DataTable:
        return self.query_one("#log-table", DataTable)

    # -- loading -------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="contact-log", exit_on_error=False,
          description="Reading the contact log")
    def load(self) -> None:
        app = self.app
        try:
            case = app.store.get_case(self.crn)
            tax, problem = taxonomy()
            levels = contact_levels(app)
            schedule = (contact_schedule(case, app.today, app.calendar, levels)
                        if levels is not None else None)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self._show, LogData(case, schedule, tax, problem))

    def _failed(self, exc: Exception) -> None:
        self.table.loading = False
        self.loaded = True
        self.query_one("#log-summary", Static).update(
            literal(f"{self.crn}: could not be read ({exc}); r to retry", single_line=False))
        self.notify(f"Could not read case {self.crn}: {exc}", title="Store error",
                    severity="error", timeout=10, markup=False)

    def _show(self, data: LogData) -> None:
        self.data = data
        self.loaded = True
        today = self.app.today
        self.entries = log_entries(data.case, today, data.taxonomy)
        self.table.loading = False
        self.query_one("#log-summary", Static).update(self._summary(data))
        self.query_one(ComplianceTable).show_schedule(data.schedule, today)
        self.apply_search(keep_cursor=True)
        if data.problem:
            self.notify(data.problem, severity="warning", markup=False, timeout=8)

    def _summary(self, data: LogData) -> Text:
        case, today = data.case, self.app.today
        t = Text()
        t.append(case.crn, style="bold")
        t.append(" ")
        t.append_text(literal(case.name, "bold"))
        t.append(f" · {case.order_type.label} · tier {case.tier}", style="dim")
        t.append("\n")
        t.append_text(schedule_summary(data.schedule, today, StatusStyles(self.app)))
        nxt = next_appointment(case, today)
        t.append("\nNext appointment ", style="dim")
        t.append(slot_of(nxt).label() if nxt else "none arranged")
        pending = outcomes_to_record(case, today)
        if pending:
            t.append(f" · {len(pending)} outcome(s) to record", style="bold")
        return t

    def case_changed(self, crn: str) -> None:
        if crn == self.crn:
            self.load()

    # -- the table and the search ------------------------------------------------------------------
    @on(Input.Changed, "#log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self.loaded:
            self.apply_search(keep_cursor=False)

    @on(Input.Submitted, "#log-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def apply_search(self, *, keep_cursor: bool) -> None:
        query = self.query_one("#log-search", Input).value
        self.shown = [e for e in self.entries if e.matches(query)]
        table = self.table
        row = table.cursor_row if keep_cursor else 0
        table.clear()
        for i, entry in enumerate(self.shown):
            e = entry.event
            status_style = "bold" if entry.status == "outcome to record" else "dim"
            table.add_row(
                Text(long_date(e.date), no_wrap=True),
                Text(entry.at.strftime("%H:%M") if entry.at else "", no_wrap=True),
                literal(entry.what),
                Text("! record" if entry.status == "outcome to record" else entry.status,
                     style=status_style, no_wrap=True),
                literal(first_line(e.note)),
                key=str(i))
        if self.shown:
            table.move_cursor(row=min(max(row, 0), len(self.shown) - 1))
        empty = self.query_one("#log-empty", Static)
        if query.strip():
            msg = Text(f"{len(self.shown)} of {len(self.entries)} entries match ")
            msg.append_text(literal(repr(query.strip())))
            msg.append(" (escape clears the search)")
            empty.update(msg)
            empty.display = True
        elif not self.entries:
            empty.update(Text("Nothing logged yet: c logs a contact, a arranges appointments."))
            empty.display = True
        else:
            empty.display = False

    @property
    def current_entry(self) -> LogEntry | None:
        row = self.table.cursor_row
        if not self.shown or row is None or not 0 <= row < len(self.shown):
            return None
        return self.shown[row]

    @on(DataTable.RowSelected, "#log-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        entry = self.current_entry
        if entry is None:
            return
        if entry.status == "outcome to record" or (
                entry.event.type is EventType.CONTACT and entry.event.outcome is None
                and entry.event.date <= self.app.today):
            self.record_outcome(entry.event)
        else:
            self.app.push_screen(EntryScreen(entry))

    # -- actions ----------------------------------------------------------------------------------------
    def action_back(self) -> None:
        search = self.query_one("#log-search", Input)
        if self.focused is search or search.value:
            search.value = ""
            search.remove_class("-active")
            self.table.focus()
            return
        if self.has_class("-periods"):
            self.remove_class("-periods")
            self.table.focus()
            return
        self.app.pop_screen()

    def action_search(self) -> None:
        search = self.query_one("#log-search", Input)
        search.add_class("-active")
        self.remove_class("-periods")
        search.focus()

    def action_periods(self) -> None:
        self.toggle_class("-periods")
        if self.has_class("-periods"):
            self.query_one(ComplianceTable).focus()
        else:
            self.table.focus()

    def action_refresh(self) -> None:
        self.load()

    def _person_name(self) -> str:
        return self.data.case.name if self.data else ""

    def action_log_contact(self) -> None:
        from omtui.screens.contact_entry import ContactEntryScreen

        self.app.push_screen(ContactEntryScreen(
            self.crn, self._person_name(), taxonomy=self.data.taxonomy if self.data else None))

    def record_outcome(self, appointment: Event) -> None:
        from omtui.screens.contact_entry import ContactEntryScreen

        self.app.push_screen(ContactEntryScreen(
            self.crn, self._person_name(), appointment=appointment,
            taxonomy=self.data.taxonomy if self.data else None))

    def action_arrange(self) -> None:
        from omtui.screens.appointments import ArrangeAppointmentsScreen

        if self.data is None:
            return
        self.app.push_screen(ArrangeAppointmentsScreen(self.data.case, self.data.taxonomy))

    def action_suspend(self) -> None:
        from omtui.screens.suspension import SuspensionScreen

        self.app.push_screen(SuspensionScreen(self.crn, self._person_name()))

    def action_enforcement(self) -> None:
        from omtui.screens.enforcement import EnforcementScreen

        self.app.push_screen(EnforcementScreen(self.crn))

    def palette_commands(self):
        return [
            ("contact: Log…", "Quick entry: log a contact for this case (c).",
             self.action_log_contact),
            ("contact: Arrange appointments…", "One-off or repeating appointments (a).",
             self.action_arrange),
            ("contact: Enter a suspension…", "Custody, hospital or sickness: the contact "
             "schedule pauses (s).", self.action_suspend),
            ("enforcement: Open", "Failures to comply, warnings, breach and recall (f).",
             self.action_enforcement),
        ]


def open_contact_log(app, crn: str | None) -> None:
    if not crn:
        app.notify("No case selected.", severity="warning", timeout=3)
        return
    app.push_screen(ContactLogScreen(crn))


__all__ = ["ContactLogScreen", "EntryScreen", "LogEntry", "first_line", "log_entries",
           "open_contact_log"]

"""One case: key facts and risk flags, then tabs of due items and events.

Adding a tab (the contact log, the plan builder, enforcement...): write a widget that
subclasses :class:`CasePane` and implements ``show_case(ctx)``, then register it::

    from omtui.screens.case_view import CaseViewScreen
    CaseViewScreen.register_tab("contacts", "Contacts", ContactLogPane)   # replaces by id

Each pane gets a :class:`CaseContext` (the case, its due items, today, the calendar) every time
the case is (re)loaded. Panes never touch the store; to change the case they call the store in
their own thread worker and then post :class:`omtui.messages.CaseChanged`, which makes this
screen (and the caseload) reload.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static, TabbedContent, Tabs, TabPane

from omtui.domain.appointments import next_appointment, outcomes_to_record, slot_of
from omtui.domain.calendar import WorkingCalendar
from omtui.domain.case import Case, Event, EventType
from omtui.domain.due import DueItem
from omtui.widgets.case_header import CaseHeader
from omtui.widgets.due_table import DueTable
from omtui.widgets.event_table import EventTable


@dataclass(frozen=True)
class CaseContext:
    case: Case
    items: tuple[DueItem, ...]       # every due item, most urgent first
    today: date
    calendar: WorkingCalendar


class CasePane(Vertical):
    """A tab's content. Subclasses compose their widgets and fill them in ``show_case``."""

    DEFAULT_CSS = """
    CasePane { height: 1fr; }
    CasePane > .pane-note { height: auto; color: $text-muted; padding: 0 1; }
    CasePane > DueTable { height: auto; max-height: 60%; }
    CasePane > EventTable { height: 1fr; }
    """

    def show_case(self, ctx: CaseContext) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


# -- which due items and events belong to which tab -----------------------------------------

_PLAN_WORDS = ("plan", "review", "assess", "oasys", "rmp", "risk management")
_INDUCTION_WORDS = ("induction", "allocat", "first", "initial appointment", "home visit")
PLAN_EVENTS = (EventType.ASSESSMENT_COMPLETED, EventType.PLAN_COMPLETED, EventType.PLAN_COPIED,
               EventType.REVIEW)
INDUCTION_EVENTS = (EventType.ALLOCATED, EventType.INDUCTION_COMPLETED, EventType.HOME_VISIT,
                    EventType.TRANSFER_IN, EventType.OM_CHANGED, EventType.RELEASE)
ENFORCEMENT_EVENTS = (EventType.EXPLANATION, EventType.WARNING, EventType.BREACH_INITIATED,
                      EventType.RECALL_INITIATED, EventType.RETURNED_TO_CUSTODY)


def _words(item: DueItem) -> str:
    return f"{item.rule} {item.title}".casefold()


def is_enforcement(item: DueItem) -> bool:
    return item.kind == "enforcement" or "breach" in _words(item) or "warning" in _words(item)


def is_plan(item: DueItem) -> bool:
    return item.kind == "rule" and any(w in _words(item) for w in _PLAN_WORDS)


def is_induction(item: DueItem) -> bool:
    return item.kind == "rule" and not is_plan(item) and any(
        w in _words(item) for w in _INDUCTION_WORDS)


def enforcement_events(case: Case) -> list[Event]:
    return [e for e in case.events if e.type in ENFORCEMENT_EVENTS or e.is_ftc]


class DueItemsPane(CasePane):
    """Due items chosen by ``select`` and events of ``event_types`` (both read-only)."""

    def __init__(self, *, title: str, select: Callable[[DueItem], bool],
                 events: Callable[[Case], Iterable[Event]] | None = None,
                 note: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.pane_title = title
        self.select = select
        self.events = events
        self.note = note

    def compose(self) -> ComposeResult:
        yield Static(self.note, classes="pane-note")
        yield DueTable()
        if self.events is not None:
            yield Static("", classes="pane-note events-heading")
            yield EventTable()

    def show_case(self, ctx: CaseContext) -> None:
        items = [i for i in ctx.items if self.select(i)]
        table = self.query_one(DueTable)
        table.show_items(items, ctx.today)
        table.display = bool(items)
        note = Text(self.note)
        if not items:
            note.append(("\n" if self.note else "") + f"No {self.pane_title.lower()} items due.",
                        style="italic")
        self.query_one(".pane-note", Static).update(note)
        if self.events is not None:
            events = list(self.events(ctx.case))
            table = self.query_one(EventTable)
            table.show_events(events)
            table.display = bool(events)
            self.query_one(".events-heading", Static).update(
                Text(f"{len(events)} recorded event(s), newest first (read-only)" if events
                     else "No events recorded yet."))


class DuePane(DueItemsPane):
    def __init__(self) -> None:
        super().__init__(title="Due", select=lambda i: True,
                         note="Every due item for this case. Enter or e explains the date.")


class ContactsPane(CasePane):
    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-note")
        yield EventTable()

    def show_case(self, ctx: CaseContext) -> None:
        contacts = [e for e in ctx.case.events
                    if e.type in (EventType.CONTACT, EventType.HOME_VISIT)]
        nxt = next_appointment(ctx.case, ctx.today)
        pending = outcomes_to_record(ctx.case, ctx.today)
        note = Text()
        note.append("Next appointment: ", style="bold")
        note.append(slot_of(nxt).label() if nxt else "none arranged")
        if pending:
            note.append(f" · {len(pending)} past appointment(s) with no outcome recorded",
                        style="bold")
        note.append(f"\n{len(contacts)} contact(s), newest first (read-only)")
        self.query_one(".pane-note", Static).update(note)
        self.query_one(EventTable).show_events(contacts)


def _plan_pane() -> CasePane:
    return DueItemsPane(title="Plan", select=is_plan,
                        events=lambda c: c.events_of(*PLAN_EVENTS),
                        note="Assessment, sentence plan and review deadlines. "
                             "p opens the sentence-plan builder.")


def _induction_pane() -> CasePane:
    return DueItemsPane(title="Induction", select=is_induction,
                        events=lambda c: c.events_of(*INDUCTION_EVENTS),
                        note="Allocation, first contact, induction and home-visit deadlines. "
                             "i opens the induction checklist.")


def _enforcement_pane() -> CasePane:
    return DueItemsPane(title="Enforcement", select=is_enforcement, events=enforcement_events,
                        note="Failures to comply, explanations, warnings, breach and recall.")


TabFactory = Callable[[], CasePane]


class CaseViewScreen(Screen):
    """A case: header, then tabs. Escape goes back."""

    AUTO_FOCUS = "DueTable"
    HELP = (
        "The header has the case's key facts, the OM and the risk flags. Tabs: Due (every "
        "due item), Contacts, Plan, Induction, Enforcement; 1-5 jump to them. On a due item, "
        "e or Enter explains its date: rule, source section, day 0, each day counted or "
        "skipped and why, and what will satisfy it. Tab titles count open items and overdue ones."
    )

    #: (tab id, title, factory) in display order. Extend with :meth:`register_tab`.
    TABS: list[tuple[str, str, TabFactory]] = [
        ("due", "Due", DuePane),
        ("contacts", "Contacts", ContactsPane),
        ("plan", "Plan", _plan_pane),
        ("induction", "Induction", _induction_pane),
        ("enforcement", "Enforcement", _enforcement_pane),
    ]

    BINDINGS = [
        Binding("escape", "back", "Back", id="case.back", tooltip="Back to the previous screen."),
        Binding("e", "explain", "Explain", id="case.explain-item",
                tooltip="Explain the highlighted due item: rule, source, day 0, days skipped."),
        Binding("r", "refresh", "Refresh", show=False, id="case.reload",
                tooltip="Read this case from the store again."),
        Binding("1", "tab(0)", "Due", show=False, id="case.tab-1", tooltip="Due items tab."),
        Binding("2", "tab(1)", "Contacts", show=False, id="case.tab-2", tooltip="Contacts tab."),
        Binding("3", "tab(2)", "Plan", show=False, id="case.tab-3", tooltip="Plan tab."),
        Binding("4", "tab(3)", "Induction", show=False, id="case.tab-4", tooltip="Induction tab."),
        Binding("5", "tab(4)", "Enforcement", show=False, id="case.tab-5",
                tooltip="Enforcement tab."),
        Binding("c", "log_contact", "Log contact", id="contact.log",
                tooltip="Quick entry: log a contact for this case."),
        Binding("l", "contact_log", "Contact log", id="contact.open-log",
                tooltip="The contact log: every entry, appointments, contact level, search."),
        Binding("f", "enforcement", "Enforcement", id="enforcement.open",
                tooltip="Failures to comply with their day-10 clocks, warnings, breach, recall."),
        Binding("p", "plan", "Plan", id="plan.open", show=False,
                tooltip="The sentence-plan builder: objectives, gaps, plan due dates, reviews."),
        Binding("i", "induction", "Induction", id="induction.open", show=False,
                tooltip="The induction checklist: tick, note, date; re-induction prompts."),
    ]

    @classmethod
    def register_tab(cls, tab_id: str, title: str, factory: TabFactory,
                     before: str | None = None) -> None:
        """Add a tab (or replace the one with the same id)."""
        tabs = [t for t in cls.TABS if t[0] != tab_id]
        existing = [t[0] for t in cls.TABS]
        entry = (tab_id, title, factory)
        if tab_id in existing:
            tabs.insert(existing.index(tab_id), entry)
        elif before is not None and before in [t[0] for t in tabs]:
            tabs.insert([t[0] for t in tabs].index(before), entry)
        else:
            tabs.append(entry)
        cls.TABS = tabs

    def __init__(self, crn: str) -> None:
        super().__init__()
        self.crn = crn
        self.context: CaseContext | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield CaseHeader(f"{self.crn}: loading…", id="case-header")
        with TabbedContent(id="case-tabs"):
            for tab_id, title, factory in self.TABS:
                with TabPane(title, id=f"tab-{tab_id}"):
                    yield factory()
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.crn
        self.query_one("#case-tabs").loading = True
        self.load()

    @work(thread=True, exclusive=True, group="case-view", exit_on_error=False,
          description="Reading the case")
    def load(self) -> None:
        app = self.app
        try:
            case = app.store.get_case(self.crn)
            items = tuple(sorted(app.agenda_for(case), key=DueItem.sort_key))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self._show, CaseContext(case, items, app.today, app.calendar))

    def _failed(self, exc: Exception) -> None:
        self.query_one("#case-tabs").loading = False
        self.query_one(CaseHeader).update(Text(f"{self.crn}: could not be read ({exc})"))
        self.notify(f"Could not read case {self.crn}: {exc}", title="Store error",
                    severity="error", timeout=10, markup=False)

    def _show(self, ctx: CaseContext) -> None:
        self.context = ctx
        self.sub_title = ctx.case.crn
        self.query_one(CaseHeader).show(ctx.case, ctx.today)
        for pane in self.query(CasePane):
            pane.show_case(ctx)
        self._label_tabs(ctx)
        tabs = self.query_one("#case-tabs")
        tabs.loading = False
        due = self.query_one("#tab-due").query_one(DueTable)
        if self.focused is None or isinstance(self.focused, Tabs):
            due.focus()

    def _label_tabs(self, ctx: CaseContext) -> None:
        """Tab titles carry counts of open and overdue items ("Due 7 (2 ✗)")."""
        tabs = self.query_one(TabbedContent)
        for tab_id, title, _factory in self.TABS:
            pane = self.query_one(f"#tab-{tab_id}").query(CasePane).first()
            select = getattr(pane, "select", None)
            if select is None:
                continue
            chosen = [i for i in ctx.items if select(i) and i.is_open]
            overdue = sum(1 for i in chosen if i.status.value == "overdue")
            label = f"{title} {len(chosen)}" + (f" ({overdue} ✗)" if overdue else "")
            tabs.get_tab(f"tab-{tab_id}").label = label

    def case_changed(self, crn: str) -> None:
        if crn == self.crn:
            self.load()

    # -- actions -----------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_log_contact(self) -> None:
        from omtui.screens.contact_entry import ContactEntryScreen

        name = self.context.case.name if self.context is not None else ""
        self.app.push_screen(ContactEntryScreen(self.crn, name))

    def action_contact_log(self) -> None:
        from omtui.screens.contact_log import ContactLogScreen

        self.app.push_screen(ContactLogScreen(self.crn))

    def action_enforcement(self) -> None:
        from omtui.screens.enforcement import EnforcementScreen

        self.app.push_screen(EnforcementScreen(self.crn))

    def action_plan(self) -> None:
        from omtui.screens.plan_builder import PlanBuilderScreen

        self.app.push_screen(PlanBuilderScreen(self.crn))

    def action_induction(self) -> None:
        from omtui.screens.induction import InductionScreen

        self.app.push_screen(InductionScreen(self.crn))

    def action_tab(self, index: int) -> None:
        if 0 <= index < len(self.TABS):
            self.query_one(TabbedContent).active = f"tab-{self.TABS[index][0]}"
            self.call_after_refresh(self._focus_pane)

    def _current_due_table(self) -> DueTable | None:
        if isinstance(self.focused, DueTable):
            return self.focused
        active = self.query_one(TabbedContent).active
        if not active:
            return None
        tables = self.query_one(f"#{active}").query(DueTable)
        return tables.first() if tables else None

    def action_explain(self) -> None:
        table = self._current_due_table()
        item = table.selected_item if table is not None else None
        if item is None:
            self.notify("No due item selected here.", severity="warning", timeout=3)
            return
        self.explain(item)

    def explain(self, item: DueItem) -> None:
        from omtui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen(item, self.app.today))

    @on(DueTable.ExplainRequested)
    def _explain_requested(self, event: DueTable.ExplainRequested) -> None:
        event.stop()
        self.explain(event.item)

    def _focus_pane(self) -> None:
        """Focus the active tab's first table (due items, else events)."""
        active = self.query_one(TabbedContent).active
        if not active:
            return
        pane = self.query_one(f"#{active}")
        for table in pane.query(DueTable):
            if table.display:
                table.focus()
                return
        events = pane.query(EventTable)
        if events:
            events.first().focus()

__all__ = ["CaseViewScreen", "CasePane", "CaseContext", "DueItemsPane", "Widget"]

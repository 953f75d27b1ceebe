"""Duty look-up: find any case by name or CRN and see what matters, on one screen.

Type a name (accents, case and script do not matter; typos and initials are forgiven) or a
CRN. Up/down choose among the matches; the card below shows the highlighted case's risk flags,
MAPPA, next appointment, open failures to comply with their day-10 deadline, warnings in the
last 12 months and the OM. Enter opens the case.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList
from textual.widgets.option_list import Option

from omtui.domain.case import Case
from omtui.domain.lookup import LookupIndex, Match
from omtui.duty_view import duty_card
from omtui.messages import OpenCase
from omtui.widgets.duty_card import DutyCardView
from omtui.widgets.risk_flags import flag_codes, rosh_text
from omtui.widgets.text import literal

MAX_RESULTS = 20


class LookupScreen(Screen):
    AUTO_FOCUS = "#lookup-query"
    HELP = (
        "Type a name or CRN: accents and case do not matter, typos and initials run together "
        "('jsmth') are forgiven, and Cyrillic, Greek or Chinese names are found in their own "
        "script or by their Latin reading. Up and down choose a match; Enter opens the case. "
        "Open failures to comply show the end of the 10th working day after the failure "
        "(NS 2f.4) and what happens then; warnings count over the last 12 months."
    )
    BINDINGS = [
        Binding("escape", "close", "Back", id="lookup.close",
                tooltip="Close the look-up and go back."),
        Binding("enter", "open", "Open case", id="lookup.open", priority=True,
                tooltip="Open the highlighted case."),
        Binding("down", "move(1)", "Next", show=False, id="lookup.next",
                tooltip="Highlight the next match."),
        Binding("up", "move(-1)", "Previous", show=False, id="lookup.previous",
                tooltip="Highlight the previous match."),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.index: LookupIndex | None = None
        self.cases: dict[str, Case] = {}
        self.matches: list[Match] = []
        self.card_crn: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(value=self.initial_query, id="lookup-query", compact=True,
                    placeholder="Name or CRN: accents, case and typos forgiven")
        yield OptionList(id="lookup-results")
        yield DutyCardView(id="lookup-card")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "duty look-up"
        known = getattr(self.app, "caseload_index", None)
        if known is not None and not getattr(self.app.store, "office", False):
            self.index, self.cases = known.lookup, known.cases
            self._search(self.query_one("#lookup-query", Input).value)
        else:
            self.query_one(DutyCardView).show(None, self.app.today, "Reading the cases…")
            self._load_index()

    def focus_query(self) -> None:
        box = self.query_one("#lookup-query", Input)
        box.focus()
        box.action_select_all()

    # -- workers -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="lookup-index", exit_on_error=False,
          description="Reading the cases for the look-up")
    def _load_index(self) -> None:
        app = self.app
        try:
            store = app.store   # office mode: every case, not the officer's caseload
            cases = store.lookup_cases() if getattr(store, "office", False) else store.list_cases()
            index = LookupIndex((c.crn, c.name) for c in cases)
        except Exception as exc:  # noqa: BLE001
            app.call_from_thread(self._failed, f"Could not read the cases: {exc}")
            return
        app.call_from_thread(self._index_ready, index, {c.crn: c for c in cases})

    def _index_ready(self, index: LookupIndex, cases: dict[str, Case]) -> None:
        self.index, self.cases = index, cases
        self._search(self.query_one("#lookup-query", Input).value)

    def _failed(self, message: str) -> None:
        self.query_one(DutyCardView).show(None, self.app.today, message)
        self.notify(message, title="Store error", severity="error", timeout=10, markup=False)

    def _search(self, query: str) -> None:
        if self.index is None:
            return
        self.matches = self.index.search(query, limit=MAX_RESULTS) if query.strip() else []
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(self._option(m) for m in self.matches)
        if self.matches:
            results.highlighted = 0
        else:
            self.card_crn = None
            msg = (f"No case matches {query!r}." if query.strip()
                   else f"Type a name or CRN ({len(self.index)} cases).")
            self.query_one(DutyCardView).show(None, self.app.today, msg)

    def _option(self, m: Match) -> Option:
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(m.key, style="bold")
        t.append("  ")
        t.append_text(literal(m.name))
        case = self.cases.get(m.key)
        if case is not None:
            t.append("  ")
            t.append_text(rosh_text(case, short=True))
            codes = flag_codes(case)
            if codes.plain:
                t.append(" ")
                t.append_text(codes)
            if case.om:
                t.append("  OM ", style="dim")
                t.append_text(literal(case.om, "dim"))
        return Option(t, id=m.key)

    @work(thread=True, exclusive=True, group="duty-card", exit_on_error=False,
          description="Working out the duty card")
    def _load_card(self, crn: str) -> None:
        app = self.app
        try:
            case = getattr(app.store, "lookup_case", app.store.get_case)(crn)   # audited
            book = app.rule_book
            card = duty_card(case, app.today, app.calendar, getattr(book, "enforcement", None))
        except Exception as exc:  # noqa: BLE001
            app.call_from_thread(self._failed, f"Could not read case {crn}: {exc}")
            return
        app.call_from_thread(self._card_ready, crn, card)

    def _card_ready(self, crn: str, card) -> None:
        if crn == self.card_crn:
            self.query_one(DutyCardView).show(card, self.app.today)

    # -- events and actions ------------------------------------------------------------------
    @on(Input.Changed, "#lookup-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#lookup-query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    @on(OptionList.OptionHighlighted, "#lookup-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        crn = event.option.id
        if crn and crn != self.card_crn:
            self.card_crn = crn
            self._load_card(crn)

    @on(OptionList.OptionSelected, "#lookup-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(OpenCase(event.option.id))

    def action_move(self, step: int) -> None:
        results = self.query_one(OptionList)
        if not self.matches:
            return
        current = results.highlighted if results.highlighted is not None else -1
        results.highlighted = max(0, min(len(self.matches) - 1, current + step))

    def action_open(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is None or not self.matches:
            self.notify("No case to open: type a name or CRN.", severity="warning", timeout=3)
            return
        option = results.get_option_at_index(results.highlighted)
        if option.id:
            self.post_message(OpenCase(option.id))

    def action_close(self) -> None:
        self.app.pop_screen()

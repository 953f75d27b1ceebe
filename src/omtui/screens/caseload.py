"""The caseload: the officer's cases, most urgent first, filtered as you type.

The store is read and every case's agenda worked out in a thread worker; the table shows a
loading indicator meanwhile. Filtering and sorting work on the rows already built (no store
call), so each key answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from omtui.caseload_view import (
    CaseRow,
    build_row,
    build_rows,
    filter_rows,
    next_sort,
    parse_filter,
    sort_rows,
    totals,
)
from omtui.domain.case import Case
from omtui.domain.lookup import LookupIndex
from omtui.messages import OpenCase
from omtui.widgets.caseload_table import CaseloadTable, narrowest
from omtui.widgets.status_line import StatusLine
from omtui.widgets.text import literal

#: Below this many columns the table drops its secondary columns: the wide layout at its
#: narrowest, the vertical scrollbar and the screen's edges must fit.
WIDE_FROM = narrowest("wide") + 4
#: From this many cases the rows are shown before their due items are worked out.
PROGRESSIVE_FROM = 400
#: Cases whose due items are worked out between two progress reports.
BATCH = 250
#: Filter results remembered (for the sorted rows shown now): backspace finds them again.
FILTERS_KEPT = 64


@dataclass
class CaseloadIndex:
    """What the app remembers of the last caseload loaded (for the look-up and palette)."""

    cases: dict[str, Case]
    lookup: LookupIndex


class CaseloadScreen(Screen):
    """Home screen: every case of the officer, overdue first."""

    AUTO_FOCUS = "CaseloadTable"
    HELP = (
        "Cases are sorted overdue first, then by the date of their next due item. "
        "Filter words (all must match): part of a name or CRN (accents and case ignored; "
        "Cyrillic, Greek or Chinese names also by their Latin reading), 'overdue', 'soon', "
        "'t4' or 'tier 4', 'ppo', 'mappa'. Flags: PPO prolific and priority offender; "
        "MAPPA L2 (M2 on narrow screens) MAPPA level; CP child concerns or protection; "
        "SG safeguarding; VC victim contact; DA domestic abuse. Large caseloads show their "
        "rows first and their due items when worked out (see the status line)."
    )
    BINDINGS = [
        Binding("enter", "open_case", "Open", id="case.open",
                tooltip="Open the highlighted case."),
        Binding("slash", "focus_filter", "Filter", id="view.filter",
                tooltip="Filter as you type: name, CRN, t4, overdue, soon, ppo, mappa."),
        Binding("escape", "escape", "Back", show=False, id="view.back-to-table",
                tooltip="From the filter: back to the table. In the table: clear the filter."),
        Binding("s", "cycle_sort", "Sort", id="view.sort",
                tooltip="Sort by urgency, name, CRN, tier or RoSH (cycles)."),
        Binding("o", "toggle_overdue", "Overdue only", id="view.overdue-only",
                tooltip="Show only cases with an overdue item (press again for all)."),
        Binding("r", "refresh", "Refresh", show=False, id="case.refresh",
                tooltip="Read the caseload from the store again."),
        Binding("c", "log_contact", "Log contact", id="contact.log",
                tooltip="Quick entry: log a contact for the highlighted case."),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[CaseRow] = []
        self._sorted_rows: list[CaseRow] = []
        #: filter words -> matching rows of ``_sorted`` (emptied when ``_sorted`` changes).
        self._filtered: dict[tuple[str, ...], list[CaseRow]] = {}
        self.sort_mode = "urgency"
        self.overdue_only = False
        self.loaded = False
        self.problems: list[str] = []
        #: (done, total) while due items are being worked out after the first rows are shown.
        self.working: tuple[int, int] | None = None
        self._totals = (0, 0, 0)
        #: A filter change is waiting to be applied (keys typed meanwhile make one repaint).
        self._view_pending = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusLine(id="caseload-status")
        yield Input(placeholder="/ filter: name, CRN, t4, overdue, soon, ppo, mappa",
                    id="caseload-filter", compact=True)
        yield CaseloadTable(id="caseload-table")
        yield Static("", id="caseload-empty")
        # Room for panels below the table (e.g. "Outcomes to record" from the contact log).
        yield Vertical(id="caseload-panels")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "caseload"
        self.table.today = self.app.today
        self._set_layout(self.size.width)
        self._show_status()
        self.load()

    # -- convenience -------------------------------------------------------------------------
    @property
    def table(self) -> CaseloadTable:
        return self.query_one(CaseloadTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#caseload-filter", Input)

    @property
    def shown_rows(self) -> list[CaseRow]:
        return self.table.shown_rows

    # -- loading -----------------------------------------------------------------------------
    def load(self) -> None:
        self.table.loading = True
        self.app.release_caseload_memory()
        self._load()

    @work(thread=True, exclusive=True, group="caseload", exit_on_error=False,
          description="Reading the caseload")
    def _load(self) -> None:
        """Read the cases, then work out every case's due items.

        A large caseload is shown at once without its due items (the officer can filter,
        open a case or look one up), then again, sorted by urgency, when they are all known.
        """
        app = self.app
        problems: list[str] = []
        worker = get_current_worker()
        try:
            cases = app.store.list_cases()
            if len(cases) >= PROGRESSIVE_FROM:
                first = [build_row(c, (), pending=True) for c in cases]
                app.call_from_thread(self._loaded, first, None, [], final=False)
            index = CaseloadIndex({c.crn: c for c in cases},
                                  LookupIndex((c.crn, c.name) for c in cases))
            app.call_from_thread(self._index_ready, index)

            def bad(case: Case, exc: Exception) -> None:
                problems.append(f"{case.crn}: due dates not worked out ({exc})")

            rows: list[CaseRow] = []
            for start in range(0, len(cases), BATCH):
                if worker.is_cancelled:
                    return
                rows.extend(build_rows(cases[start:start + BATCH], app.agenda_for, on_error=bad))
                if len(cases) >= PROGRESSIVE_FROM:
                    app.call_from_thread(self._progress, len(rows), len(cases))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            if not worker.is_cancelled:
                app.call_from_thread(self._failed, exc)
            return
        if not worker.is_cancelled:
            app.call_from_thread(self._loaded, rows, index, problems)

    def _progress(self, done: int, total: int) -> None:
        self.working = (done, total)
        self._show_status()

    def _failed(self, exc: Exception) -> None:
        self.table.loading = False
        self.loaded = True
        self.notify(f"Could not read the caseload: {exc}", title="Store error",
                    severity="error", timeout=10, markup=False)
        self.working = None
        self._show_status(message="caseload not loaded (r to retry)")

    def _index_ready(self, index: CaseloadIndex) -> None:
        """The look-up and the palette can search the caseload from now on."""
        self.app.caseload_index = index

    def _loaded(self, rows: list[CaseRow], index: CaseloadIndex | None, problems: list[str],
                final: bool = True) -> None:
        # Keep the cursor on its case when the officer has moved it; else start at the top.
        keep = bool(self.all_rows) and self.table.cursor_row > 0
        self.all_rows = rows
        self._totals = totals(rows)
        self.table.forget_lines()
        self.problems = problems
        if index is not None:
            self.app.caseload_index = index
        self.working = None if final else (0, len(rows))
        self._sorted = sort_rows(rows, self.sort_mode)
        self.table.loading = False
        self.loaded = True
        self.apply_view(keep_cursor=keep)
        if final:
            self.app.caseload_loaded()
        if index is not None:
            self._show_outcomes_to_record(index)
        if problems:
            self.notify("\n".join(problems[:5]) + (f"\n(+{len(problems) - 5} more)"
                                                    if len(problems) > 5 else ""),
                        title="Some due dates could not be worked out", severity="warning",
                        timeout=10, markup=False)

    def case_changed(self, crn: str) -> None:
        """A case changed elsewhere (contact logged...): read the caseload again."""
        self.load()

    # -- "Outcomes to record" (the contact log's panel under the table) -------------------------
    def _show_outcomes_to_record(self, index: CaseloadIndex) -> None:
        from omtui.widgets.outcomes_panel import OutcomesPanel

        panels = self.query_one("#caseload-panels", Vertical)
        found = panels.query(OutcomesPanel)
        panel = found.first() if found else OutcomesPanel()
        if not found:
            panels.mount(panel)
        panel.show_cases(index.cases.values(), self.app.today)

    def on_outcomes_panel_record_outcome(self, message) -> None:
        from omtui.screens.contact_entry import ContactEntryScreen

        message.stop()
        self.app.push_screen(ContactEntryScreen(message.crn, message.name,
                                                appointment=message.event))

    # -- the view ----------------------------------------------------------------------------
    @property
    def _sorted(self) -> list[CaseRow]:
        """Every row in the current sort order (what the filter picks from)."""
        return self._sorted_rows

    @_sorted.setter
    def _sorted(self, rows: list[CaseRow]) -> None:
        self._sorted_rows = rows
        self._filtered = {}

    def matching(self, text: str) -> list[CaseRow]:
        """``filter_rows(self._sorted, text)``, from the rows an earlier filter kept when it can.

        Typing narrows: when every word of an earlier filter is a word of this one (the last
        may be part of it, if that is not a keyword such as t4), the rows this one matches are
        among the rows that one matched, in the same order. Backspace finds its rows kept."""
        words = parse_filter(text)
        key = tuple(w for w, _test in words)
        found = self._filtered.get(key)
        if found is not None:
            return found
        base = self._sorted
        for old in reversed(self._filtered):
            if _narrows(old, words) and len(self._filtered[old]) < len(base):
                base = self._filtered[old]
                break
        found = filter_rows(base, text)
        if len(self._filtered) >= FILTERS_KEPT:
            del self._filtered[next(iter(self._filtered))]
        self._filtered[key] = found
        return found

    def apply_view(self, *, keep_cursor: bool = True) -> None:
        rows = self.matching(self.filter_input.value)
        if self.overdue_only:
            rows = [r for r in rows if r.overdue]
        self.table.show_rows(rows, keep_cursor=keep_cursor)
        self._show_empty(rows)
        self._show_status()

    def _show_empty(self, rows: list[CaseRow]) -> None:
        empty = self.query_one("#caseload-empty", Static)
        if rows or not self.loaded:
            empty.display = False
            return
        if not self.all_rows:
            msg = Text("No cases in this caseload. Import cases with `omtui import FILE`.")
        else:
            msg = Text("No case matches ")
            if self.filter_input.value:
                msg.append_text(literal(repr(self.filter_input.value)))
            if self.overdue_only:
                msg.append(" with an overdue item" if self.filter_input.value else "the overdue-only view")
            msg.append(". Escape clears the filter; o shows every case.")
        empty.update(msg)
        empty.display = True

    def _show_status(self, message: str | None = None) -> None:
        app = self.app
        status = self.query_one(StatusLine)
        if not self.loaded or (message and not self.all_rows):
            status.show(today=app.today, message=message or "loading the caseload…",
                        calendar=app.calendar.name, store=app.store.describe())
            return
        cases, overdue, soon = self._totals
        sort = self.sort_mode + (" · overdue only" if self.overdue_only else "")
        if self.working is not None:
            done, total = self.working
            status.show(today=app.today, cases=cases, shown=len(self.shown_rows), sort=sort,
                        calendar=app.calendar.name, store=app.store.describe(),
                        message=message or f"working out due dates {done:,}/{total:,}…")
            return
        status.show(today=app.today, cases=cases, overdue=overdue, due_soon=soon,
                    shown=len(self.shown_rows), sort=sort, calendar=app.calendar.name,
                    store=app.store.describe(), message=message)

    def _set_layout(self, width: int) -> None:
        self.table.set_layout("wide" if width >= WIDE_FROM else "narrow")

    def on_resize(self, event) -> None:
        self._set_layout(event.size.width)

    # -- actions -----------------------------------------------------------------------------
    @on(Input.Changed, "#caseload-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # Keys already queued behind this one are applied together: the view is worked out
        # from the filter box as it is when the callback runs, so the last key always shows.
        if self.loaded and not self._view_pending:
            self._view_pending = True
            self.call_later(self._apply_pending)

    def _apply_pending(self) -> None:
        self._view_pending = False
        self.apply_view()

    @on(Input.Submitted, "#caseload-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    @on(CaseloadTable.Selected, "#caseload-table")
    def _row_selected(self, event: CaseloadTable.Selected) -> None:
        event.stop()
        self.post_message(OpenCase(event.crn))

    def action_open_case(self) -> None:
        crn = self.table.current_crn
        if crn:
            self.post_message(OpenCase(crn))

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_escape(self) -> None:
        if self.focused is self.filter_input:
            self.table.focus()
        elif self.filter_input.value:
            self.filter_input.value = ""        # Input.Changed re-applies the view
        elif self.overdue_only:
            self.action_toggle_overdue()

    def action_cycle_sort(self) -> None:
        self.sort_mode = next_sort(self.sort_mode)
        self._sorted = sort_rows(self.all_rows, self.sort_mode)
        self.apply_view()
        self.notify(f"Sorted by {self.sort_mode}", timeout=2)

    def set_sort(self, mode: str) -> None:
        self.sort_mode = mode
        self._sorted = sort_rows(self.all_rows, mode)
        self.apply_view()

    def action_toggle_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.apply_view()

    def action_refresh(self) -> None:
        self.load()

    def action_log_contact(self) -> None:
        from omtui.screens.contact_entry import log_contact_for

        log_contact_for(self.app, self.table.current_crn if self.loaded else None)


def _narrows(old: tuple[str, ...], new: list[tuple[str, object]]) -> bool:
    """Does every row matching the words ``new`` also match the earlier filter ``old``?

    True when ``new`` starts with the words of ``old``, except that the last word of ``old``
    may be part of the same word in ``new`` when that is not a keyword (a keyword such as t4
    also matches rows without the letters: "t" then "t4" is not a narrowing)."""
    if len(old) > len(new):
        return False
    for i, word in enumerate(old):
        now, test = new[i]
        if word == now:
            continue
        if i == len(old) - 1 and test is None and word in now:
            continue
        return False
    return True

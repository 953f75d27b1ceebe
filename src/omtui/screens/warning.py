"""Issuing a written warning (NS 2f.4, 2f.8): the letter from the office's template, shown
before it is issued; ``ctrl+s`` saves it owner-only (0600) under the private data directory
(``letters/``) and records the ``warning`` event (``for_date`` = the failure, the letter's path,
the warning number and the senior-manager flag). The second and final warning on licence is
flagged SENIOR MANAGER at the top. Rendering and saving run in thread workers. Nothing is typed
here (the letter comes from the template), so unlike the other enforcement forms this screen
keeps no draft."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from omtui.domain.case import Case, Event
from omtui.domain.enforcement import Failure
from omtui.domain.outcomes import OutcomeTaxonomy
from omtui.messages import CaseChanged
from omtui.screens.contact_common import letters_dir, officer_name
from omtui.widgets.key_picker import FieldError
from omtui.widgets.text import StatusStyles, literal, long_date


class WarningScreen(ModalScreen[Path | None]):
    BINDINGS = [
        Binding("ctrl+s", "issue", "Issue", priority=True, id="warning.issue",
                tooltip="Save the letter and record the warning."),
        Binding("escape", "cancel", "Cancel", id="warning.cancel", tooltip="Close, not issued."),
    ]
    DEFAULT_CSS = """
    WarningScreen { align: center middle; }
    WarningScreen > #warn-box {
        width: 100; max-width: 100%; height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    WarningScreen #warn-head { height: auto; }
    WarningScreen #warn-letter { height: 1fr; border: round $panel; }
    """

    def __init__(self, case: Case, failure: Failure, policy: object,
                 taxonomy: OutcomeTaxonomy | None = None) -> None:
        super().__init__()
        self.case = case
        self.failure = failure
        self.policy = policy
        self.taxonomy = taxonomy
        self.number = failure.warning_number or 1
        self.letter: str | None = None
        self.issuing = False
        self.path: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="warn-box") as box:
            box.border_title = "Issue a written warning"
            box.border_subtitle = "ctrl+s issue · escape cancel"
            yield Static(self._head(), id="warn-head")
            with VerticalScroll(id="warn-letter"):
                yield Static("Preparing the letter…", id="warn-text")
            yield FieldError(id="error-form")
        yield Footer()

    def _head(self) -> Text:
        f = self.failure
        styles = StatusStyles(self.app)
        t = Text()
        if f.senior_manager:
            t.append("⚠ SENIOR MANAGER", style=styles.overdue)
            t.append(": the second and final warning on licence is issued by a senior manager "
                     "(NS 2f.8)\n")
        t.append(self.case.crn + " ", style="bold")
        t.append_text(literal(self.case.name))
        t.append(f" · warning no. {self.number} for the failure of {long_date(f.date)}")
        t.append(f"\n{f.next_action_source}: ", style="dim")
        t.append_text(literal(f.next_action_reason, single_line=False))
        return t

    def on_mount(self) -> None:
        self._make_letter()

    @work(thread=True, exclusive=True, group="warning-letter", exit_on_error=False)
    def _make_letter(self) -> None:
        from omtui.letters import render_warning_letter

        app = self.app
        try:
            text = render_warning_letter(
                self.case, self.failure.date, self.number, officer_name(app), app.today,
                senior_manager=self.failure.senior_manager, policy=self.policy,
                taxonomy=self.taxonomy)
        except Exception as exc:  # noqa: BLE001 - a broken template is shown, never a crash
            app.call_from_thread(self._render_failed, exc)
            return
        app.call_from_thread(self._rendered, text)

    def _render_failed(self, exc: Exception) -> None:
        self.query_one("#warn-text", Static).update(Text("The letter could not be made."))
        self.query_one("#error-form", FieldError).show_error(f"{exc}")

    def _rendered(self, text: str) -> None:
        self.letter = text
        self.query_one("#warn-text", Static).update(literal(text, single_line=False))

    def action_issue(self) -> None:
        if self.issuing:
            return
        if self.letter is None:
            self.query_one("#error-form", FieldError).show_error(
                "The letter is not ready: nothing issued.")
            return
        self.issuing = True
        self._issue(self.letter)

    @work(thread=True, exclusive=True, group="warning-issue", exit_on_error=False)
    def _issue(self, letter: str) -> None:
        from omtui.letters import letter_filename, save_letter, warning_event

        app = self.app
        path = None
        try:
            path = self.path or save_letter(
                letter, letters_dir(),
                letter_filename(self.case, self.failure.date, self.number, "txt"))
            self.path = path
            event = warning_event(self.failure.date, app.today, self.number,
                                  senior_manager=self.failure.senior_manager,
                                  letter=str(path), officer=officer_name(app))
            app.store.add_event(self.case.crn, event)
        except Exception as exc:  # noqa: BLE001 - shown under the letter
            app.call_from_thread(self._failed, exc, path)
            return
        app.call_from_thread(self._issued, event, path)

    def _failed(self, exc: Exception, path: Path | None) -> None:
        self.issuing = False
        where = f" The letter is saved at {path}; ctrl+s records the warning." if path else ""
        self.query_one("#error-form", FieldError).show_error(
            f"The warning is not recorded: {exc}.{where}")

    def _issued(self, event: Event, path: Path) -> None:
        senior = " (senior manager)" if self.failure.senior_manager else ""
        self.app.notify(f"{self.case.crn}: warning no. {self.number}{senior} recorded; letter "
                        f"saved to {path}", title="Warning issued", markup=False, timeout=6)
        self.app.post_message(CaseChanged(self.case.crn))
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["WarningScreen"]

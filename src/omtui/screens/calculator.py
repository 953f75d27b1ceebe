"""The working-day calculator: day 0 and N in, the due date and its explanation out.

Keyboard only: type day 0, Tab (or Enter) to N, Tab to the unit, Enter to calculate; the
result updates as you type once both fields make sense. Bad input is explained under the
field it came from; nothing a person types can crash the screen.
"""

from __future__ import annotations

import re
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select, Static

from omtui.domain.calendar import MAX_COUNT, CalendarError, CalendarRangeError, Trace, Unit
from omtui.domain.entry import DATE_EXAMPLES, EntryError, parse_entry_date
from omtui.widgets.trace_table import TraceTable

UNIT_CHOICES = [(unit.label, unit) for unit in Unit]
_COUNT = re.compile(r"([+-]?\d+)\s*([A-Za-z][A-Za-z_ -]*)?")
_UNIT_WORDS = {"w": Unit.WEEKS, "m": Unit.MONTHS, "d": Unit.DAYS, "working days": Unit.WORKING_DAYS,
               "calendar days": Unit.DAYS, "calendar months": Unit.MONTHS}


class FieldError(ValueError):
    """Bad input in one field; the message is shown under that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_count(text: str) -> tuple[int, Unit | None]:
    """N as typed: ``5``, ``-3``, ``+10``, or with a unit, ``8 weeks``, ``4m``, ``10 wd``."""
    typed = text.strip()
    if not typed:
        raise FieldError("n", "enter how many, e.g. 5 (or -3 to count back, or 8 weeks)")
    m = _COUNT.fullmatch(typed)
    if not m:
        raise FieldError("n", f"{typed!r} is not a whole number (e.g. 5, -3 or 8 weeks)")
    n = int(m.group(1))
    if abs(n) > MAX_COUNT:
        raise FieldError("n", f"{n:,} is out of range: at most {MAX_COUNT:,} either way")
    unit = None
    if m.group(2):
        word = m.group(2).strip().lower()
        try:
            unit = _UNIT_WORDS.get(word) or Unit.parse(word.replace(" ", "-"))
        except CalendarError:
            raise FieldError("n", f"{m.group(2).strip()!r} is not a unit: use working days, "
                                  "weeks, months or days") from None
    return n, unit


def result_text(trace: Trace) -> Text:
    """The due date in words, how it was reached, and any notes (Rich Text, no markup)."""
    out = Text(no_wrap=False)
    out.append(f"Due {trace.due_weekday} {trace.due.day} {trace.due:%B %Y}", style="bold")
    out.append(f"  ({trace.due.isoformat()})\n")
    start = f"{trace.start:%a} {trace.start.day} {trace.start:%b %Y}"
    if trace.unit is Unit.WORKING_DAYS and trace.n:
        direction = "after" if trace.n > 0 else "before"
        out.append(f"{abs(trace.n)} working day{'s' if abs(trace.n) != 1 else ''} {direction} "
                   f"day 0, {start}; {len(trace.skipped)} non-working day(s) skipped")
    else:
        out.append(trace.summary())
    if trace.notes:
        out.append("\n" + "; ".join(trace.notes), style="italic")
    return out


class CalculatorScreen(Screen):
    """Working days (and weeks, months, days) from day 0, with every day explained."""

    TITLE = "omtui"
    SUB_TITLE = "working-day calculator"
    #: Escape (outside a field) goes back to the screen underneath.
    CAN_GO_BACK = True
    HELP = (
        "Day 0 is the event (sentence, release, failure to comply). The due date of 'within N "
        "working days' is the N-th working day after it, skipping Saturdays, Sundays and the "
        "bank holidays of England and Wales (National Standards Interpretation Note 9). A day 0 "
        "on a weekend or bank holiday is still day 0. Weeks, months and days are calendar time "
        "from day 0 (months clipped to the month's end). Negative N counts back.\n"
        f"Day 0 may be typed as {DATE_EXAMPLES}. N may carry a unit: 8 weeks, 4m, 10 days."
    )

    BINDINGS = [
        Binding("escape", "leave", "Leave field", tooltip="Leave the field (then Escape again "
                "to go back, q to quit).", id="calc.leave"),
        Binding("ctrl+t", "today", "Day 0 = today", tooltip="Put today's date in day 0.",
                id="calc.today"),
        Binding("ctrl+r", "reset", "Clear", tooltip="Clear both fields and the result.",
                id="calc.clear"),
    ]

    DEFAULT_CSS = """
    CalculatorScreen #calc-fields {
        height: auto;
    }
    CalculatorScreen .field {
        height: auto;
        width: 1fr;
        padding: 0 1 0 0;
    }
    CalculatorScreen #day0-field { width: 2fr; }
    CalculatorScreen #n-field { width: 1fr; }
    CalculatorScreen #unit-field { width: 2fr; }
    CalculatorScreen .field Input, CalculatorScreen .field SelectCurrent {
        border-title-color: $text-muted;
    }
    CalculatorScreen .field-msg {
        height: auto;
        max-height: 2;
        padding: 0 1;
        color: $error;
    }
    CalculatorScreen Input.-invalid {
        border: tall $error;
    }
    CalculatorScreen #result {
        height: auto;
        min-height: 3;
        max-height: 5;
        padding: 0 1;
    }
    CalculatorScreen #result.-waiting {
        color: $text-muted;
    }
    CalculatorScreen #result.-error {
        color: $error;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.trace: Trace | None = None
        self._tips: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="calc"):
            with Horizontal(id="calc-fields"):
                with Vertical(classes="field", id="day0-field"):
                    day0 = Input(placeholder="24/12/2026 or 2026-12-24", id="day0",
                                 tooltip=f"The event date: {DATE_EXAMPLES}.")
                    day0.border_title = "Day 0 (the event)"
                    yield day0
                    yield Static("", id="day0-msg", classes="field-msg")
                with Vertical(classes="field", id="n-field"):
                    n = Input(placeholder="5, -3", id="n",
                              tooltip="How many units after day 0; negative counts back.")
                    n.border_title = "N"
                    yield n
                    yield Static("", id="n-msg", classes="field-msg")
                with Vertical(classes="field", id="unit-field"):
                    unit = Select(UNIT_CHOICES, value=Unit.WORKING_DAYS, allow_blank=False,
                                  id="unit", tooltip="Working days, or calendar time.")
                    yield unit
            yield Static(self._waiting_text(), id="result", classes="-waiting")
            yield TraceTable(id="trace")
        yield Footer()

    def on_mount(self) -> None:
        # The select draws its box in an inner widget: the title goes there.
        self.query_one("#unit SelectCurrent").border_title = "Unit"
        self._tips = {field: self.query_one(f"#{field}").tooltip for field in ("day0", "n")}
        self.query_one("#day0", Input).focus()

    # -- what the screen shows ---------------------------------------------------------------
    @staticmethod
    def _waiting_text() -> Text:
        return Text("Type day 0 and N, then Enter: the due date and every day counted or "
                    "skipped appear here.")

    def _set_message(self, field: str, message: str) -> None:
        self.query_one(f"#{field}-msg", Static).update(Text(message))
        widget = self.query_one(f"#{field}")
        widget.set_class(bool(message), "-invalid")
        # The complaint quotes what was typed: Text, never markup. No complaint: the usual tip.
        widget.tooltip = Text(message) if message else self._tips.get(field)

    def _show(self, trace: Trace | None, errors: dict[str, str] | None = None) -> None:
        self.trace = trace
        result = self.query_one("#result", Static)
        result.set_class(trace is None and not errors, "-waiting")
        result.set_class(bool(errors), "-error")
        if errors:
            labels = {"day0": "Day 0", "n": "N"}
            result.update(Text("\n".join(f"✗ {labels[f]}: {m}" for f, m in errors.items())))
        else:
            result.update(result_text(trace) if trace else self._waiting_text())
        self.query_one(TraceTable).show_trace(trace)

    # -- the calculation ------------------------------------------------------------------------
    def _read(self) -> tuple[Trace | None, dict[str, str]]:
        """The trace for what is typed, or the problem with each field."""
        errors: dict[str, str] = {}
        day0: date | None = None
        n: int | None = None
        select = self.query_one("#unit", Select)
        unit = select.value if isinstance(select.value, Unit) else Unit.WORKING_DAYS
        try:
            day0 = parse_entry_date(self.query_one("#day0", Input).value, self.app.today)
        except EntryError as exc:
            errors["day0"] = str(exc)
        try:
            n, typed_unit = parse_count(self.query_one("#n", Input).value)
            if typed_unit is not None:
                unit = typed_unit
        except FieldError as exc:
            errors[exc.field] = str(exc)
        calendar = self.app.calendar
        if day0 is not None:
            try:
                calendar.is_working_day(day0)
            except CalendarRangeError as exc:
                errors["day0"] = f"out of range: {exc}"
        if errors or day0 is None or n is None:
            return None, errors
        try:
            return calendar.explain(day0, n, unit), {}
        except CalendarError as exc:
            return None, {"n": f"out of range: {exc}"}

    def calculate(self, *, show_errors: bool = True) -> Trace | None:
        """Work out the due date; with ``show_errors`` explain every bad field."""
        trace, errors = self._read()
        if show_errors or trace is not None:
            for field in ("day0", "n"):
                self._set_message(field, errors.get(field, ""))
        self._show(trace, errors if show_errors else None)
        return trace

    # -- events ---------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id in ("day0", "n"):
            # While typing: clear that field's old complaint, update the result when it all
            # makes sense; complaints wait for Enter.
            self._set_message(event.input.id, "")
            self.calculate(show_errors=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "day0":
            # Enter on day 0 checks day 0 only, then moves on to N while N is empty.
            _trace, errors = self._read()
            n = self.query_one("#n", Input)
            if "day0" in errors or not n.value.strip():
                self._set_message("day0", errors.get("day0", ""))
                self._show(None, {"day0": errors["day0"]} if "day0" in errors else None)
                if "day0" not in errors:
                    n.focus()
                return
        self.calculate(show_errors=True)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.is_mounted:
            self.calculate(show_errors=False)

    # -- actions ----------------------------------------------------------------------------------
    def action_leave(self) -> None:
        if isinstance(self.focused, (Input, Select)):
            self.query_one(TraceTable).focus()
        elif self.CAN_GO_BACK and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_today(self) -> None:
        day0 = self.query_one("#day0", Input)
        day0.value = self.app.today.isoformat()
        day0.focus()

    def action_reset(self) -> None:
        for field in ("day0", "n"):
            self.query_one(f"#{field}", Input).value = ""
            self._set_message(field, "")
        self._show(None)
        self.query_one("#day0", Input).focus()

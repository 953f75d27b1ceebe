"""Forms of the sentence-plan builder: one objective, and the plan's own details.

Each form shows every problem AT ITS FIELD: errors (red) stop saving and name what to type;
plan-gap warnings (yellow, each with its source) never stop anything. What is typed is
autosaved as a draft (``objective:<CRN>:<id>``, ``plan-details:<CRN>``) while the form is open;
escape closes the form and keeps the draft, which is offered again next time.

The forms return their result with ``dismiss``; the builder saves it to the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Footer,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection

from omtui.domain.case import Case, Requirement
from omtui.domain.entry import EntryError, parse_entry_date
from omtui.domain.plan import (
    PERSON,
    NeedArea,
    Objective,
    ObjectiveStatus,
    SentencePlan,
    objective_from_dict,
    objective_to_dict,
    plan_gaps,
)
from omtui.drafts import DraftKey, DraftStore
from omtui.screens.draft_prompt import FormAutosave
from omtui.widgets.text import literal, long_date
from omtui.widgets.typed_order import FormInput, TypedInOrder

OBJECTIVE_FIELDS = ("what", "need_area", "requirements", "risks", "risk_management", "who",
                    "by_when", "measure", "status", "review_date", "notes")
DETAIL_FIELDS = ("review_date", "review_reason", "contact_pattern", "interim")
DATE_FIELDS = {"by_when", "review_date"}

LABELS = {
    "what": "Objective (what will be done)",
    "need_area": "Need area (OASys section)",
    "requirements": "Requirements of the order it delivers (space to tick)",
    "risks": "Assessed risks it manages (comma-separated)",
    "risk_management": "Part of the risk management plan",
    "who": f"Who (comma-separated; \"{PERSON}\" = the person themselves)",
    "by_when": "By when (target date: DD/MM/YYYY or YYYY-MM-DD)",
    "measure": "How progress is measured",
    "status": "Status",
    "review_date": "Review date (DD/MM/YYYY)",
    "notes": "Notes",
    "review_reason": "Reason for the review date",
    "contact_pattern": "Planned level and pattern of contact, and why",
    "interim": "Interim plan (the full plan follows)",
}


def objective_form_key(crn: str, objective_id: str) -> str:
    return f"objective:{crn}:{objective_id}"


def details_form_key(crn: str) -> str:
    return f"plan-details:{crn}"


def _field_of(problem: str) -> tuple[str, str]:
    """``"by_when: not a date"`` -> ("by_when", "not a date"); unknown fields -> ("", text)."""
    name, sep, reason = problem.partition(": ")
    name = name.rsplit(".", 1)[-1]
    if sep and name in LABELS:
        return name, reason
    return "", problem


def format_day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def parse_form_date(text: str, today: date) -> tuple[str | None, str | None]:
    """(ISO date or None, error or None) for a date typed into a form."""
    if not text.strip():
        return None, None
    try:
        return parse_entry_date(text, today, no_year="future").isoformat(), None
    except EntryError as exc:
        return None, str(exc)


@dataclass
class FormContext:
    """What a form needs to check itself: the case, the plan, today and the need areas."""

    case: Case
    plan: SentencePlan
    today: date
    need_areas: tuple[NeedArea, ...]
    drafts: DraftStore
    officer: str


class FieldForm(TypedInOrder, ModalScreen[Any]):
    """A form of labelled fields with a message line under each (errors and warnings)."""

    FIELDS: tuple[str, ...] = ()
    TITLE_TEXT = "Form"

    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", priority=True, id="form.save",
                tooltip="Check the form and save it (warnings never stop saving)."),
        Binding("escape", "close", "Close", id="form.close",
                tooltip="Close the form; what you typed is kept as a draft."),
    ]

    DEFAULT_CSS = """
    FieldForm { align: center middle; }
    FieldForm > #form-box { width: 100; max-width: 100%; height: 100%; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1; }
    FieldForm .field-label { margin-top: 1; text-style: bold; }
    FieldForm Input, FieldForm Select { width: 1fr; background: $boost; }
    FieldForm .field-message { height: auto; padding-left: 1; }
    FieldForm .field-message.-error { color: $error; }
    FieldForm .field-message.-warning { color: $warning; }
    FieldForm #form-message { height: auto; color: $error; }
    FieldForm SelectionList { height: auto; max-height: 8; }
    """

    def __init__(self, ctx: FormContext, draft_form: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.draft_form = draft_form
        self.autosave: FormAutosave | None = None
        self.tried = False                  # errors show once a save was tried
        self.submitted = False
        self._ready = False

    # subclasses -----------------------------------------------------------------------
    def field_widgets(self) -> Iterable[tuple[str, Widget]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self) -> tuple[Any, dict[str, list[str]], dict[str, list[str]]]:
        """(result or None, errors by field, warnings by field); field "" = the whole form."""
        raise NotImplementedError  # pragma: no cover

    # layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box") as box:
            box.border_title = self.TITLE_TEXT
            box.border_subtitle = "ctrl+s save · escape close (draft kept)"
            yield Static("", id="form-message")
            for name, widget in self.field_widgets():
                yield Label(LABELS[name], classes="field-label", id=f"label-{name}")
                yield widget
                yield Static("", classes="field-message", id=f"msg-{name}")
        yield Footer()

    def on_mount(self) -> None:
        self.autosave = FormAutosave(self, self.ctx.drafts, DraftKey(self.ctx.officer,
                                                                     self.draft_form))
        self.call_after_refresh(self._after_mount)

    def _after_mount(self) -> None:
        self._ready = True
        self.show_messages()

    # values -------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The form's values as typed (JSON-able: the draft payload)."""
        out: dict[str, Any] = {}
        for name in self.FIELDS:
            widget = self.query_one(f"#f-{name}")
            if isinstance(widget, Input):
                out[name] = widget.value
            elif isinstance(widget, Checkbox):
                out[name] = widget.value
            elif isinstance(widget, Select):
                out[name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, SelectionList):
                out[name] = list(widget.selected)
        return out

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name in self.FIELDS:
            if name not in values:
                continue
            widget = self.query_one(f"#f-{name}")
            value = values[name]
            if isinstance(widget, Input) and isinstance(value, str):
                widget.value = value
            elif isinstance(widget, Checkbox) and isinstance(value, bool):
                widget.value = value
            elif isinstance(widget, Select):
                try:
                    widget.value = value if value is not None else Select.NULL
                except Exception:  # noqa: BLE001 - a value the list does not have
                    if widget._allow_blank:
                        widget.value = Select.NULL
            elif isinstance(widget, SelectionList) and isinstance(value, list):
                widget.deselect_all()
                for v in value:
                    try:
                        widget.select(v)
                    except Exception:  # noqa: BLE001 - a value the list no longer has
                        pass

    def draft_payload(self) -> dict[str, Any]:
        return {"form": self.draft_form, "values": self.values()}

    # messages -----------------------------------------------------------------------------
    def show_messages(self) -> tuple[Any, dict[str, list[str]]]:
        result, errors, warnings = self.check()
        general = errors.get("", []) if self.tried else []
        self.query_one("#form-message", Static).update(
            literal("; ".join(general), single_line=False) if general else "")
        for name in self.FIELDS:
            msg = self.query_one(f"#msg-{name}", Static)
            errs = errors.get(name, []) if self.tried else []
            warns = warnings.get(name, [])
            msg.set_class(bool(errs), "-error")
            msg.set_class(not errs and bool(warns), "-warning")
            t = Text()
            for e in errs:
                if t:
                    t.append("\n")
                t.append("✗ ")
                t.append_text(literal(e, single_line=False))
            if not errs:
                for w in warns:
                    if t:
                        t.append("\n")
                    t.append("! ")
                    t.append_text(literal(w, single_line=False))
            msg.update(t)
            msg.display = bool(t)
        return result, errors

    def _edited(self) -> None:
        if not self._ready:
            return
        if self.autosave is not None:
            self.autosave.changed(self.draft_payload())
        self.show_messages()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _any_change(self, event) -> None:
        self._edited()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # actions ------------------------------------------------------------------------------
    def action_submit(self) -> None:
        self.after_typing(self._submit_typed)  # after every key typed before ctrl+s

    def _submit_typed(self) -> None:
        self.tried = True
        result, errors = self.show_messages()
        if result is None or any(errors.values()):
            first = next((n for n in ("", *self.FIELDS) if errors.get(n)), "")
            if first:
                self.query_one(f"#f-{first}").focus()
                self.query_one(f"#label-{first}").scroll_visible()
            count = sum(len(v) for v in errors.values())
            self.notify(f"Not saved: {count} problem(s), shown at the fields.",
                        severity="error", timeout=4)
            return
        self.submitted = True
        if self.autosave is not None:          # the builder discards it once the store has it
            self.autosave.saver.changed(self.draft_payload())
            self.autosave.flush_now()
        self.dismiss(result)

    def action_close(self) -> None:
        if self.autosave is not None and self.autosave.saver.pending:
            self.autosave.flush_now()
            self.notify("Closed: what you typed is kept as a draft.", title="Draft", timeout=4)
        self.dismiss(None)

    def on_unmount(self) -> None:
        if self.autosave is not None and self.autosave.saver.pending and not self.submitted:
            self.autosave.flush_now()


class ObjectiveForm(FieldForm):
    """Add or edit one objective; returns the :class:`Objective` (or None)."""

    FIELDS = OBJECTIVE_FIELDS
    AUTO_FOCUS = "#f-what"          # focused as the form opens: no typed key is lost

    def __init__(self, ctx: FormContext, objective: Objective | None = None,
                 values: Mapping[str, Any] | None = None, objective_id: str | None = None) -> None:
        self.objective = objective
        self.objective_id = objective.id if objective else (objective_id
                                                             or ctx.plan.next_objective_id())
        self.TITLE_TEXT = (f"Edit objective {self.objective_id}" if objective
                           else f"New objective {self.objective_id}")
        super().__init__(ctx, objective_form_key(ctx.case.crn, self.objective_id))
        self.initial = dict(values) if values is not None else self._values_of(objective)

    def _values_of(self, o: Objective | None) -> dict[str, Any]:
        if o is None:
            return {"status": ObjectiveStatus.NOT_STARTED.value, "who": PERSON}
        return {"what": o.what, "need_area": o.need_area,
                "requirements": [r.value for r in o.requirements], "risks": ", ".join(o.risks),
                "risk_management": o.risk_management, "who": ", ".join(o.who),
                "by_when": format_day(o.by_when), "measure": o.measure, "status": o.status.value,
                "review_date": format_day(o.review_date), "notes": o.notes}

    def field_widgets(self) -> Iterable[tuple[str, Widget]]:
        ctx = self.ctx
        linked = list(self.objective.requirements) if self.objective else []
        reqs = list(dict.fromkeys([*ctx.case.requirements, *linked]))
        yield "what", FormInput(compact=True, id="f-what", max_length=20_000,
                            placeholder="e.g. Find settled accommodation")
        yield "need_area", Select([(f"{a.oasys_section}. {a.label}", a.id) for a in ctx.need_areas],
                                  id="f-need_area", prompt="(none)", allow_blank=True,
                                  compact=True)
        yield "requirements", SelectionList[str](
            *[Selection(r.label + ("" if r in ctx.case.requirements
                                   else " (not a requirement of this order)"), r.value)
              for r in reqs], id="f-requirements", compact=True)
        yield "risks", FormInput(compact=True, id="f-risks", max_length=20_000,
                             placeholder="e.g. domestic abuse to ex-partner")
        yield "risk_management", Checkbox("Risk management objective", id="f-risk_management",
                                                compact=True)
        yield "who", FormInput(compact=True, id="f-who", max_length=20_000)
        yield "by_when", FormInput(compact=True, id="f-by_when", max_length=40, placeholder="DD/MM/YYYY")
        yield "measure", FormInput(compact=True, id="f-measure", max_length=20_000,
                               placeholder="e.g. tenancy agreement seen")
        yield "status", Select([(s.label, s.value) for s in ObjectiveStatus], id="f-status",
                               allow_blank=False, value=ObjectiveStatus.NOT_STARTED.value,
                               compact=True)
        yield "review_date", FormInput(compact=True, id="f-review_date", max_length=40, placeholder="DD/MM/YYYY")
        yield "notes", FormInput(compact=True, id="f-notes", max_length=20_000)

    def on_mount(self) -> None:
        if not self.ctx.case.requirements and not (self.objective and self.objective.requirements):
            self.query_one("#f-requirements").display = False
            self.query_one("#label-requirements", Label).update(
                "Requirements of the order: none recorded for this order")
        self.set_values(self.initial)
        super().on_mount()

    def raw(self) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The values as ``objective_from_dict`` takes them, and date errors by field."""
        v = self.values()
        errors: dict[str, list[str]] = {}
        raw: dict[str, Any] = {"id": self.objective_id}
        for name in OBJECTIVE_FIELDS:
            value = v.get(name)
            if name in DATE_FIELDS:
                iso, error = parse_form_date(value or "", self.ctx.today)
                if error:
                    errors.setdefault(name, []).append(error)
                raw[name] = iso
            else:
                raw[name] = value
        if self.objective is not None:         # keep what the form does not show
            raw.update({k: val for k, val in objective_to_dict(self.objective).items()
                        if k not in OBJECTIVE_FIELDS and k != "id"})
        return raw, errors

    def check(self) -> tuple[Objective | None, dict[str, list[str]], dict[str, list[str]]]:
        raw, errors = self.raw()
        obj, problems = objective_from_dict(raw, self.ctx.need_areas)
        for problem in problems:
            name, reason = _field_of(problem)
            if name == "id":
                name = ""
            if name == "what" and reason in ("is missing", "is empty"):
                reason = "is empty: say what will be done"
            errors.setdefault(name, []).append(reason)
        warnings: dict[str, list[str]] = {}
        if obj is not None and not errors:
            plan = self.ctx.plan.with_objective(obj)
            for gap in plan_gaps(self.ctx.case, plan, self.ctx.today, self.ctx.need_areas):
                if gap.objective_id == obj.id:
                    warnings.setdefault(gap.field or "", []).append(str(gap))
        if errors:
            return None, errors, warnings
        return obj, errors, warnings


@dataclass(frozen=True)
class PlanDetails:
    review_date: date | None
    review_reason: str
    contact_pattern: str
    interim: bool

    def apply(self, plan: SentencePlan) -> SentencePlan:
        return replace(plan, review_date=self.review_date, review_reason=self.review_reason,
                       contact_pattern=self.contact_pattern, interim=self.interim)


class PlanDetailsForm(FieldForm):
    """The plan's review date and reason, contact pattern and interim flag."""

    FIELDS = DETAIL_FIELDS
    TITLE_TEXT = "Plan details"
    AUTO_FOCUS = "#f-review_date"

    def __init__(self, ctx: FormContext, values: Mapping[str, Any] | None = None,
                 suggested_review: tuple[date, str] | None = None) -> None:
        super().__init__(ctx, details_form_key(ctx.case.crn))
        plan = ctx.plan
        if values is not None:
            self.initial = dict(values)
        else:
            review, reason = plan.review_date, plan.review_reason
            if review is None and suggested_review is not None:
                review, reason = suggested_review[0], reason or suggested_review[1]
            self.initial = {"review_date": format_day(review), "review_reason": reason,
                            "contact_pattern": plan.contact_pattern, "interim": plan.interim}
        self.suggested_review = suggested_review

    def field_widgets(self) -> Iterable[tuple[str, Widget]]:
        yield "review_date", FormInput(compact=True, id="f-review_date", max_length=40, placeholder="DD/MM/YYYY")
        yield "review_reason", FormInput(compact=True, id="f-review_reason", max_length=20_000,
                                     placeholder="e.g. 4 months after sentence (NS 2e.5)")
        yield "contact_pattern", FormInput(compact=True, id="f-contact_pattern", max_length=20_000,
                                       placeholder="e.g. weekly for 16 weeks, RoSH high")
        yield "interim", Checkbox("Interim plan", id="f-interim", compact=True)

    def on_mount(self) -> None:
        self.set_values(self.initial)
        if self.suggested_review is not None:
            day, reason = self.suggested_review
            label = self.query_one("#label-review_date", Label)
            label.update(Text.assemble(LABELS["review_date"], (" - the rules say ", "dim"),
                                       (f"{long_date(day)}: ", "dim"), literal(reason, "dim")))
        super().on_mount()

    def check(self) -> tuple[PlanDetails | None, dict[str, list[str]], dict[str, list[str]]]:
        v = self.values()
        errors: dict[str, list[str]] = {}
        iso, error = parse_form_date(v.get("review_date") or "", self.ctx.today)
        if error:
            errors["review_date"] = [error]
        for name in ("review_reason", "contact_pattern"):
            if "\x00" in (v.get(name) or ""):
                errors[name] = ["contains a NUL character"]
        details = PlanDetails(date.fromisoformat(iso) if iso else None,
                              (v.get("review_reason") or "").strip(),
                              (v.get("contact_pattern") or "").strip(), bool(v.get("interim")))
        warnings: dict[str, list[str]] = {}
        if not errors:
            plan = details.apply(self.ctx.plan)
            for gap in plan_gaps(self.ctx.case, plan, self.ctx.today, self.ctx.need_areas):
                if gap.objective_id is None and gap.field in DETAIL_FIELDS:
                    warnings.setdefault(gap.field, []).append(str(gap))
        return (None if errors else details), errors, warnings


def requirement_labels(values: Sequence[Requirement]) -> str:
    return ", ".join(r.label for r in values)

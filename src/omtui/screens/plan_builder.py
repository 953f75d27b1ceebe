"""The sentence-plan builder of one case.

Top: the case, the plan's state, the next review date with the rule that sets it, and the plan
due items (5 / 15 working days, 8 / 16 weeks; copy within 2 working days; reviews), each of
which explains itself (Enter or ``e`` on the row). Middle: the objectives (``a`` adds one, Enter
edits the highlighted one, ``x`` removes it after confirmation). Bottom: the gap warnings, each
with its source; they never block anything.

``p`` edits the plan's details (review date and reason, contact pattern); ``c`` completes the
plan today: the ``plan_completed`` event completes the plan due item and starts the rules
engine's "copy to those delivering it within 2 working days" item.

Every change is saved to the store at once (in a thread worker); forms autosave drafts while
they are open, and drafts left by a closed form or a crash are offered when the builder opens.

Two officers editing one plan: the builder keeps the plan's version it read and saves with it.
If someone else saved the plan in between, the save is refused and the officer chooses
(``screens/conflict.py``): reload (their version is shown; an objective or details form's
draft is kept and offered when that form is opened again), keep yours (saved over theirs,
recorded as such in the audit trail) or later (nothing saved, the draft kept).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from omtui.domain.case import Case
from omtui.domain.due import DueItem
from omtui.domain.plan import (
    NeedArea,
    Objective,
    SentencePlan,
    plan_completed_event,
    plan_gaps,
)
from omtui.drafts import Draft, DraftError, DraftInfo, DraftKey, DraftStore
from omtui.messages import CaseChanged
from omtui.screens.conflict import ConflictModal
from omtui.screens.draft_prompt import (
    ConfirmModal,
    draft_store_for,
    offer_draft,
    officer_of,
)
from omtui.screens.objective_form import (
    FormContext,
    ObjectiveForm,
    PlanDetails,
    PlanDetailsForm,
    details_form_key,
    objective_form_key,
)
from omtui.services import ConflictError
from omtui.widgets.due_table import DueTable
from omtui.widgets.gap_list import GapList
from omtui.widgets.objective_table import ObjectiveTable, links_of
from omtui.widgets.text import StatusStyles, literal, long_date

REVIEW_RULE_PREFIX = "ns-2e5-review"


def is_plan_item(item: DueItem) -> bool:
    """Due items the builder shows: plan, copy of the plan, reviews (and assessment)."""
    from omtui.screens.case_view import is_plan

    return is_plan(item)


def next_review(items: tuple[DueItem, ...]) -> DueItem | None:
    """The earliest open review item (rules ns-2e5-review-*), if any."""
    reviews = [i for i in items if i.rule.startswith(REVIEW_RULE_PREFIX) and i.is_open]
    return min(reviews, key=lambda i: i.due) if reviews else None


@dataclass(frozen=True)
class PlanData:
    case: Case
    plan: SentencePlan
    stored: bool
    items: tuple[DueItem, ...]
    need_areas: tuple[NeedArea, ...]
    drafts: tuple[Draft, ...]
    #: The plan's version when it was read (0: none saved); saves state it.
    version: int = 0


class PlanBuilderScreen(Screen):
    """One case's sentence plan (escape goes back)."""

    AUTO_FOCUS = "ObjectiveTable"

    BINDINGS = [
        Binding("escape", "back", "Back", id="plan.back", tooltip="Back to the case."),
        Binding("a", "add", "Add objective", id="plan.add",
                tooltip="Add an objective (SMART fields, links to needs, requirements, risks)."),
        Binding("p", "details", "Plan details", id="plan.details",
                tooltip="Review date and reason, contact pattern, interim."),
        Binding("c", "complete", "Complete", id="plan.complete",
                tooltip="Complete the plan today (completes the plan due item)."),
        Binding("x", "remove", "Remove", show=False, id="plan.remove",
                tooltip="Remove the highlighted objective (asks first)."),
        Binding("tab", "app.focus_next", "Next", show=False),
    ]

    DEFAULT_CSS = """
    PlanBuilderScreen #plan-head { height: auto; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    PlanBuilderScreen #plan-due { height: auto; max-height: 6; }
    PlanBuilderScreen.-tall #plan-due { max-height: 10; }
    PlanBuilderScreen ObjectiveTable { height: 1fr; min-height: 4; }
    PlanBuilderScreen #objective-detail { height: 1; padding: 0 1; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis; }
    PlanBuilderScreen.-wide #objective-detail { display: none; }
    PlanBuilderScreen GapList { max-height: 5; }
    PlanBuilderScreen.-tall GapList { max-height: 14; }
    """

    def __init__(self, crn: str) -> None:
        super().__init__()
        self.crn = crn
        self.data: PlanData | None = None
        self.busy = False

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"{self.crn}: loading…"), id="plan-head")
        yield DueTable(id="plan-due", compact=True)
        yield ObjectiveTable(id="objectives")
        yield Static("", id="objective-detail")
        yield GapList(id="plan-gaps")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.crn} · sentence plan"
        self.query_one(ObjectiveTable).loading = True
        self.load()

    def on_resize(self) -> None:
        self.set_class(self.app.size.height >= 36, "-tall")
        if self.data is not None:
            self._show_gaps(self.data)

    # -- loading -----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="plan-load", exit_on_error=False,
          description="Reading the sentence plan")
    def load(self, offer: bool = True, rekey: str | None = None) -> None:
        app = self.app
        try:
            from omtui.plan_data import load_need_areas

            case = app.store.get_case(self.crn)
            plan, version = app.store.get_plan_versioned(self.crn)
            items = tuple(sorted(app.agenda_for(case), key=DueItem.sort_key))
            areas = load_need_areas()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            app.call_from_thread(self._failed, str(exc))
            return
        drafts: list[Draft] = []
        if rekey is not None:
            moved = self._move_new_objective_draft(rekey, plan)
            if moved is not None:
                app.call_from_thread(
                    self.notify, f"Your new objective is kept as a draft of {moved}: "
                    "a (add objective) offers it.", title="Draft", timeout=8)
        if offer:
            drafts = self._read_drafts()
        data = PlanData(case, plan or SentencePlan(self.crn), plan is not None, items, areas,
                        tuple(drafts), version)
        app.call_from_thread(self._show, data, offer)

    def _read_drafts(self) -> list[Draft]:
        """This case's plan drafts (newest first); damaged files are reported, left alone."""
        store = self._drafts()
        officer = officer_of(self.app)
        wanted = (objective_form_key(self.crn, ""), details_form_key(self.crn))
        out: list[Draft] = []
        try:
            infos: list[DraftInfo] = store.list(officer)
        except (DraftError, OSError):
            return []
        for info in infos:
            if info.key is None:
                continue
            if not (info.key.form.startswith(wanted[0]) or info.key.form == wanted[1]):
                continue
            try:
                draft = store.load(info.key)
            except DraftError as exc:
                self.app.call_from_thread(self.notify, str(exc), title="Draft",
                                          severity="warning", markup=False)
                continue
            if draft is not None:
                out.append(draft)
        return out

    def _move_new_objective_draft(self, form: str, plan: SentencePlan | None) -> str | None:
        """After a reload: the draft of an objective that was new when the other officer's
        plan took its id moves to the next free id (so ``a`` offers it, and it is never
        offered over their objective). Returns the new id, or None if nothing moved."""
        prefix = objective_form_key(self.crn, "")
        if not form.startswith(prefix) or plan is None or self.data is None:
            return None
        oid = form[len(prefix):]
        if plan.objective(oid) is None or self.data.plan.objective(oid) is not None:
            return None                       # not taken, or not new: the draft fits as it is
        store, officer = self._drafts(), officer_of(self.app)
        try:
            draft = store.load(DraftKey(officer, form))
            if draft is None:
                return None
            new_id = plan.next_objective_id()
            new_form = objective_form_key(self.crn, new_id)
            payload = dict(draft.payload) if isinstance(draft.payload, dict) else {}
            payload["form"] = new_form
            store.save(DraftKey(officer, new_form), payload)
            store.discard(DraftKey(officer, form))
        except (DraftError, OSError):
            return None
        return new_id

    def _drafts(self) -> DraftStore:
        store = getattr(self, "_draft_store", None)
        if store is None:
            store = self._draft_store = draft_store_for(self.app)
        return store

    def _failed(self, message: str) -> None:
        self.query_one(ObjectiveTable).loading = False
        self.query_one("#plan-head", Static).update(
            literal(f"{self.crn}: could not be read ({message})"))
        self.notify(message, title="Sentence plan", severity="error", timeout=10, markup=False)

    def _show(self, data: PlanData, offer: bool = False) -> None:
        self.data = data
        today = self.app.today
        table = self.query_one(ObjectiveTable)
        table.loading = False
        gaps = plan_gaps(data.case, data.plan, today, data.need_areas)
        table.show(data.plan.objectives, {a.id: a.label for a in data.need_areas}, gaps, today)
        due = [i for i in data.items if is_plan_item(i)]
        due_table = self.query_one(DueTable)
        due_table.show_items(due, today)
        due_table.display = bool(due)
        self._show_head(data)
        self._show_gaps(data)
        if self.focused is None:
            table.focus()
        if offer and data.drafts:
            self._offer(list(data.drafts))

    def _show_head(self, data: PlanData) -> None:
        case, plan = data.case, data.plan
        styles = StatusStyles(self.app)
        t = Text()
        t.append_text(literal(case.name, "bold"))
        t.append(f"  {case.crn}  ")
        t.append_text(literal(case.order_type.label))
        t.append(f"  RoSH {case.rosh.label}")
        t.append("\nPlan: ", style="bold")
        if plan.completed_on is not None:
            t.append(f"completed {long_date(plan.completed_on)}")
        elif data.stored:
            t.append("not completed (c completes it)")
        else:
            t.append("not started (a adds an objective)")
        if plan.interim:
            t.append(" · interim")
        t.append(f" · {len(plan.objectives)} objective(s)")
        t.append(" · review: ", style="bold")
        if plan.review_date is not None:
            t.append(long_date(plan.review_date))
            if plan.review_reason:
                t.append(" - ")
                t.append_text(literal(plan.review_reason))
        else:
            t.append("none set (p)")
        nxt = next_review(data.items)
        t.append("\nNext review by the rules: ", style="bold")
        if nxt is not None:
            t.append_text(styles.status_text(nxt.status, words=False))
            t.append(f" {long_date(nxt.due)} - ")
            t.append_text(literal(nxt.title))
            t.append(" (")
            t.append_text(literal(nxt.source))
            t.append(")")
        else:
            t.append("none due", style="dim")
        t.append("\nContact: ", style="bold")
        t.append_text(literal(plan.contact_pattern or "no planned level and pattern of contact "
                              "(p sets it)"))
        self.query_one("#plan-head", Static).update(t)

    def _show_gaps(self, data: PlanData) -> None:
        gaps = plan_gaps(data.case, data.plan, self.app.today, data.need_areas)
        limit = 12 if self.app.size.height >= 36 else 3
        self.query_one(GapList).show(gaps, limit)

    # -- drafts ------------------------------------------------------------------------------
    def _offer(self, drafts: list[Draft]) -> None:
        if not drafts:
            return
        draft, rest = drafts[0], drafts[1:]
        what, preview = self._describe_draft(draft)
        offer_draft(self, what, draft, preview, self._resume, self._drafts(),
                    on_discarded=lambda: self._offer(rest))

    def _describe_draft(self, draft: Draft) -> tuple[str, str]:
        payload = draft.payload if isinstance(draft.payload, dict) else {}
        values = payload.get("values") if isinstance(payload.get("values"), dict) else {}
        form = draft.key.form
        if form == details_form_key(self.crn):
            what = f"the plan details of {self.crn}"
        else:
            what = f"objective {form.rsplit(':', 1)[-1]} of {self.crn}"
        lines = [f"{k}: {v}" for k, v in values.items()
                 if isinstance(v, str) and v.strip()][:6]
        return what, "\n".join(lines) or "(empty)"

    def _resume(self, draft: Draft) -> None:
        if self.data is None:
            return
        payload = draft.payload if isinstance(draft.payload, dict) else {}
        values = payload.get("values") if isinstance(payload.get("values"), dict) else {}
        form = draft.key.form
        if form == details_form_key(self.crn):
            self._open_details(values)
            return
        oid = form.rsplit(":", 1)[-1]
        self._open_objective(self.data.plan.objective(oid), values, oid)

    def _existing_draft(self, form: str) -> Draft | None:
        try:
            return self._drafts().load(DraftKey(officer_of(self.app), form))
        except DraftError as exc:
            self.notify(str(exc), title="Draft", severity="warning", markup=False)
            return None

    # -- forms -------------------------------------------------------------------------------
    def _form_context(self) -> FormContext:
        assert self.data is not None
        return FormContext(self.data.case, self.data.plan, self.app.today, self.data.need_areas,
                           self._drafts(), officer_of(self.app))

    def _open_objective(self, objective: Objective | None, values: dict[str, Any] | None = None,
                        objective_id: str | None = None) -> None:
        form = ObjectiveForm(self._form_context(), objective, values, objective_id)

        def done(result: Objective | None) -> None:
            if result is not None:
                self._save(self.data.plan.with_objective(result),
                           f"Objective {result.id} saved.", form.draft_form)

        self.app.push_screen(form, done)

    def _open_details(self, values: dict[str, Any] | None = None) -> None:
        assert self.data is not None
        nxt = next_review(self.data.items)
        suggested = (nxt.due, f"{nxt.title} ({nxt.source})") if nxt is not None else None
        form = PlanDetailsForm(self._form_context(), values, suggested)

        def done(result: PlanDetails | None) -> None:
            if result is not None:
                self._save(result.apply(self.data.plan), "Plan details saved.", form.draft_form)

        self.app.push_screen(form, done)

    def _with_draft_check(self, form: str, open_fresh) -> None:
        """Offer a draft of ``form`` if there is one, else open it fresh."""
        draft = self._existing_draft(form)
        if draft is None:
            open_fresh()
            return
        what, preview = self._describe_draft(draft)
        offer_draft(self, what, draft, preview, self._resume, self._drafts(),
                    on_discarded=open_fresh)

    # -- actions -----------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        if self.data is None:
            return
        oid = self.data.plan.next_objective_id()
        self._with_draft_check(objective_form_key(self.crn, oid),
                               lambda: self._open_objective(None, None, oid))

    @on(ObjectiveTable.EditRequested)
    def _edit(self, event: ObjectiveTable.EditRequested) -> None:
        event.stop()
        if self.data is None:
            return
        objective = self.data.plan.objective(event.objective_id)
        if objective is None:
            return
        self._with_draft_check(objective_form_key(self.crn, objective.id),
                               lambda: self._open_objective(objective))

    def action_details(self) -> None:
        if self.data is None:
            return
        self._with_draft_check(details_form_key(self.crn), lambda: self._open_details())

    def action_remove(self) -> None:
        if self.data is None:
            return
        oid = self.query_one(ObjectiveTable).selected_id
        objective = self.data.plan.objective(oid) if oid else None
        if objective is None:
            self.notify("No objective highlighted.", severity="warning", timeout=3)
            return

        def answered(yes: bool | None) -> None:
            if yes and self.data is not None:
                self._save(self.data.plan.without_objective(objective.id),
                           f"Objective {objective.id} removed.", None)

        question = Text("Remove objective ")
        question.append(objective.id, style="bold")
        question.append(": ")
        question.append_text(literal(objective.what))
        question.append("?\nThe removal is recorded in the audit trail.")
        self.app.push_screen(ConfirmModal(question, yes="Remove", no="Keep"), answered)

    def action_complete(self) -> None:
        if self.data is None:
            return
        plan = self.data.plan
        if plan.completed_on is not None:
            self.notify(f"The plan was completed on {long_date(plan.completed_on)}.",
                        timeout=4)
            return
        today = self.app.today
        gaps = plan_gaps(self.data.case, plan, today, self.data.need_areas)
        question = Text(f"Complete the sentence plan today ({long_date(today)})?")
        if gaps:
            question.append(f"\n{len(gaps)} warning(s) remain (they never stop completion):",
                            style="bold")
            for g in gaps[:4]:
                question.append("\n! ")
                question.append_text(literal(str(g)))
        question.append("\nThis completes the plan due item and starts the 2-working-day "
                        "copy item.")

        def answered(yes: bool | None) -> None:
            if yes and self.data is not None:
                done = replace(self.data.plan, completed_on=today)
                self._save(done, "Sentence plan completed.", None, complete=True)

        self.app.push_screen(ConfirmModal(question, yes="Complete", no="Not yet"), answered)

    # -- saving ------------------------------------------------------------------------------
    def _save(self, plan: SentencePlan, message: str, draft_form: str | None,
              complete: bool = False, *, version: int | None = None,
              keep_mine: bool = False) -> None:
        self.busy = True
        if version is None:
            version = self.data.version if self.data is not None else 0
        self.save(plan, message, draft_form, complete, version, keep_mine)

    @work(thread=True, exclusive=True, group="plan-save", exit_on_error=False,
          description="Saving the sentence plan")
    def save(self, plan: SentencePlan, message: str, draft_form: str | None,
             complete: bool, version: int = 0, keep_mine: bool = False) -> None:
        app = self.app
        try:
            new_version = app.store.save_plan(plan, expected_version=version,
                                              keep_mine=keep_mine)
        except ConflictError as exc:      # someone saved the plan since: the officer decides
            app.call_from_thread(self._conflict, exc, plan, message, draft_form, complete)
            return
        except Exception as exc:  # noqa: BLE001 - shown; the draft (if any) is kept
            app.call_from_thread(self._save_failed, str(exc))
            return
        try:
            if complete:
                event = plan_completed_event(plan)
                if event is not None:
                    app.store.add_event(self.crn, event)
        except Exception as exc:  # noqa: BLE001 - shown; the draft (if any) is kept
            app.call_from_thread(self._save_failed, str(exc))
            return
        if draft_form is not None:
            try:
                self._drafts().discard(DraftKey(officer_of(app), draft_form))
            except (DraftError, OSError):
                pass
        app.call_from_thread(self._saved, message, plan, new_version)

    def _save_failed(self, message: str) -> None:
        self.busy = False
        self.notify(f"Not saved ({message}). What you typed is kept as a draft.",
                    title="Sentence plan", severity="error", timeout=10, markup=False)

    def _conflict(self, conflict: ConflictError, plan: SentencePlan, message: str,
                  draft_form: str | None, complete: bool) -> None:
        """Another officer saved the plan since it was read: reload, keep yours, or later."""
        note = ("What you typed is kept as a draft: open the same form again to see it."
                if draft_form is not None else "Your change is dropped.")

        def chosen(choice: str | None) -> None:
            if choice == "keep":
                self._save(plan, message + " (yours kept over the newer version)", draft_form,
                           complete, version=conflict.version or 0, keep_mine=True)
                return
            self.busy = False
            if choice == "reload":
                who = conflict.changed_by or "the other officer"
                self.notify(f"Showing {who}'s version of the plan. "
                            + ("Your typing is kept as a draft." if draft_form else
                               "Your change was not saved."),
                            title="Sentence plan reloaded", timeout=8, markup=False)
                self.load(offer=False, rekey=draft_form)
            else:
                self.notify("Not saved: the plan was changed by someone else. "
                            + ("What you typed is kept as a draft." if draft_form else
                               "Reload (or reopen the plan) to see their version."),
                            title="Sentence plan", severity="warning", timeout=8,
                            markup=False)

        self.app.push_screen(ConflictModal(f"The sentence plan of {self.crn}", conflict,
                                           reload_note=note), chosen)

    def _saved(self, message: str, plan: SentencePlan | None = None,
               version: int | None = None) -> None:
        self.busy = False
        if self.data is not None and plan is not None and version is not None:
            # What is stored now, until the reload below shows it: a save made before that
            # reload finishes states this version (not the one read before this save).
            self.data = replace(self.data, plan=plan, stored=True, version=version)
        self.notify(message, title="Saved", timeout=3)
        self.app.post_message(CaseChanged(self.crn))
        self.load(offer=False)

    def case_changed(self, crn: str) -> None:
        if crn == self.crn and self.data is not None and not self.busy:
            self.load(offer=False)

    @on(ObjectiveTable.RowHighlighted, "#objectives")
    def _highlighted(self, event: ObjectiveTable.RowHighlighted) -> None:
        """On narrow screens the table leaves out links and measure: show them here."""
        if self.data is None:
            return
        oid = self.query_one(ObjectiveTable).selected_id
        objective = self.data.plan.objective(oid) if oid else None
        detail = Text()
        if objective is not None:
            detail.append(f"{objective.id} links: ", style="bold")
            detail.append_text(literal(links_of(objective) or "none"))
            detail.append(" · measure: ", style="bold")
            detail.append_text(literal(objective.measure or "none"))
        self.query_one("#objective-detail", Static).update(detail)

    @on(DueTable.ExplainRequested)
    def _explain(self, event: DueTable.ExplainRequested) -> None:
        event.stop()
        from omtui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen(event.item, self.app.today))

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("plan: Add an objective", "Add an objective (a).", self.action_add),
                ("plan: Edit the plan details", "Review date, contact pattern (p).",
                 self.action_details),
                ("plan: Complete the sentence plan", "Completes the plan due item (c).",
                 self.action_complete)]


__all__ = ["PlanBuilderScreen", "next_review", "is_plan_item"]

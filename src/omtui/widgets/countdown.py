"""Working days left on a clock (the day-10 explanation clock), in words and symbols so the
meaning never rests on colour alone: ``7 wd left``, ``⚠ 2 wd left``, ``! last day``,
``✗ ended 3 wd ago``."""

from __future__ import annotations

from rich.text import Text

from omtui.domain.enforcement import Failure, FailureStatus
from omtui.widgets.text import StatusStyles

#: From this many working days left the countdown is shown in the warning colour.
SOON = 2


def countdown_words(days_left: int) -> str:
    if days_left > SOON:
        return f"{days_left} wd left"
    if days_left > 0:
        return f"⚠ {days_left} wd left"
    if days_left == 0:
        return "! last day"
    return f"✗ ended {-days_left} wd ago"


def countdown_text(days_left: int, styles: StatusStyles | None = None) -> Text:
    words = countdown_words(days_left)
    if styles is None:
        return Text(words, no_wrap=True)
    style = (styles.due if days_left > SOON else styles.due_soon if days_left >= 0
             else styles.overdue)
    return Text(words, style=style, no_wrap=True)


STATUS_WORDS = {
    FailureStatus.OPEN: "open",
    FailureStatus.EXPLAINED_ACCEPTABLE: "✓ explained",
    FailureStatus.WARNING_DUE: "✗ warning due",
    FailureStatus.BREACH_DUE: "✗ breach due",
    FailureStatus.RECALL_DUE: "✗ recall due",
    FailureStatus.ACTIONED: "✓ actioned",
}


def failure_countdown(f: Failure, styles: StatusStyles | None = None) -> Text:
    """The countdown while the failure's clock matters; a dash once it is closed."""
    if f.status in (FailureStatus.EXPLAINED_ACCEPTABLE, FailureStatus.ACTIONED):
        return Text("–", style=styles.muted if styles else "", no_wrap=True)
    return countdown_text(f.working_days_left, styles)


def status_text(f: Failure, styles: StatusStyles | None = None) -> Text:
    words = STATUS_WORDS.get(f.status, f.status.value)
    if f.status is FailureStatus.ACTIONED and f.action_taken is not None:
        words = f"✓ {f.action_taken.value}"
        if f.actioned_by is not None:
            words += f" {f.actioned_by.date.strftime('%d/%m')}"
    if styles is None:
        return Text(words, no_wrap=True)
    style = {FailureStatus.EXPLAINED_ACCEPTABLE: styles.done, FailureStatus.ACTIONED: styles.done,
             FailureStatus.OPEN: styles.due}.get(f.status, styles.overdue)
    return Text(words, style=style, no_wrap=True)


__all__ = ["countdown_text", "countdown_words", "failure_countdown", "status_text"]

"""What the contact-log and enforcement screens share: the outcome taxonomy, the policies of the
rule book, the officer's name, where letters go, and reading typed dates for a field.

Everything that reads a file (taxonomy, rule book) is called from thread workers.
"""

from __future__ import annotations

import os
import threading
from datetime import date, time
from pathlib import Path
from typing import Any

from omtui.domain.entry import EntryError, NoYear, parse_entry_date, parse_entry_time
from omtui.domain.outcomes import OutcomeTaxonomy, TaxonomyError
from omtui.widgets.key_picker import Option

_lock = threading.Lock()
_taxonomies: dict[tuple[str, str], tuple[OutcomeTaxonomy, str | None]] = {}


def taxonomy() -> tuple[OutcomeTaxonomy, str | None]:
    """The office's contact outcomes, and a problem to tell the user when the office file could
    not be used (then the packaged taxonomy). Reads files: call from a worker."""
    from omtui.outcomes_file import load_taxonomy, packaged_taxonomy
    from omtui.paths import user_config_dir

    key = (os.environ.get("OMTUI_OUTCOMES", ""), str(user_config_dir()))
    with _lock:
        if key in _taxonomies:
            return _taxonomies[key]
    try:
        found: tuple[OutcomeTaxonomy, str | None] = (load_taxonomy(), None)
    except TaxonomyError as exc:
        found = (packaged_taxonomy(), f"office contact outcomes not used ({exc}); "
                 "the packaged list is in use")
    with _lock:
        _taxonomies[key] = found
    return found


def cached_taxonomy() -> tuple[OutcomeTaxonomy, str | None] | None:
    """The taxonomy if it was already read (no file access), else None."""
    from omtui.paths import user_config_dir

    key = (os.environ.get("OMTUI_OUTCOMES", ""), str(user_config_dir()))
    with _lock:
        return _taxonomies.get(key)


def enforcement_policy(app: Any) -> Any:
    """The enforcement policy of the app's rule book (None when the book has none)."""
    return getattr(app.rule_book, "enforcement", None)


def contact_levels(app: Any) -> Any:
    return getattr(app.rule_book, "contact_levels", None)


def officer_name(app: Any) -> str:
    name = getattr(app, "officer", None) or getattr(getattr(app, "store", None), "officer", None)
    return str(name).strip() if name and str(name).strip() else "Offender manager"


def letters_dir() -> Path:
    """Where issued letters are saved: ``<private data dir>/letters`` (0700; files 0600)."""
    from omtui.paths import ensure_private_dir, user_data_dir

    return ensure_private_dir(user_data_dir() / "letters")


def read_date(text: str, today: date, no_year: NoYear = "past") -> tuple[date | None, str | None]:
    """(date, None) or (None, message for the field)."""
    try:
        return parse_entry_date(text, today, no_year=no_year), None
    except EntryError as exc:
        return None, str(exc)


def read_time(text: str, *, required: bool = False) -> tuple[time | None, str | None]:
    if not text.strip() and not required:
        return None, None
    try:
        return parse_entry_time(text), None
    except EntryError as exc:
        return None, str(exc)


def options(choices) -> list[Option]:
    """Picker options from taxonomy choices (contact types, reasons, outcomes)."""
    return [Option(c.code, c.label, c.key) for c in choices]


__all__ = ["contact_levels", "enforcement_policy", "letters_dir", "officer_name", "options",
           "read_date", "read_time", "taxonomy"]

"""Reading the contact-outcomes file (packaged, or the office's own copy) into a taxonomy.

Lives outside ``domain`` because it reads files; the taxonomy itself stays pure.
Order: an explicit path, else $OMTUI_OUTCOMES, else ``<config dir>/contact-outcomes.toml``,
else the packaged ``omtui/data/contact-outcomes.toml``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from omtui.domain.outcomes import OutcomeTaxonomy, TaxonomyError, taxonomy_from_toml
from omtui.paths import user_config_dir

PACKAGED = "contact-outcomes.toml"


def default_user_file() -> Path:
    return user_config_dir() / PACKAGED


def packaged_taxonomy() -> OutcomeTaxonomy:
    text = resources.files("omtui.data").joinpath(PACKAGED).read_text("utf-8")
    return taxonomy_from_toml(text, f"packaged {PACKAGED}")


def load_taxonomy(explicit: str | os.PathLike | None = None) -> OutcomeTaxonomy:
    """The office's taxonomy if it has one, else the packaged one (TaxonomyError if unusable)."""
    candidate = explicit or os.environ.get("OMTUI_OUTCOMES")
    if candidate:
        path = Path(candidate)
        if not path.is_file():
            raise TaxonomyError(str(path), ["the contact-outcomes file does not exist"])
    else:
        path = default_user_file()
    if path.is_file():
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TaxonomyError(str(path), [f"cannot be read: {exc}"]) from None
        return taxonomy_from_toml(text, str(path))
    return packaged_taxonomy()

"""Reading the induction checklist and the need areas (packaged, or an office's own copy).

Lives outside ``domain`` because it reads files; parsing and validation are in
``omtui.domain.induction`` and ``omtui.domain.plan``.

Which checklist is used, first found wins: the path given (``--induction FILE``), the
``OMTUI_INDUCTION`` environment variable, ``induction-checklist.toml`` in the user config
directory (``omtui.paths.user_config_dir()``), then the packaged file.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from omtui.domain.induction import Checklist, ChecklistError, parse_checklist
from omtui.domain.plan import NeedArea, parse_need_areas
from omtui.paths import user_config_dir

CHECKLIST_FILE = "induction-checklist.toml"
NEED_AREAS_FILE = "need-areas.toml"
ENV_CHECKLIST = "OMTUI_INDUCTION"


def _packaged(name: str) -> str:
    return resources.files("omtui.data").joinpath(name).read_text(encoding="utf-8")


def checklist_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The office checklist file in use, or None for the packaged one."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_CHECKLIST)
    if env:
        return Path(env)
    user = user_config_dir() / CHECKLIST_FILE
    return user if user.is_file() else None


def load_checklist(explicit: str | os.PathLike[str] | None = None) -> Checklist:
    """The induction checklist in use. Raises ChecklistError naming the file, item and field."""
    path = checklist_path(explicit)
    if path is None:
        return parse_checklist(_packaged(CHECKLIST_FILE), f"packaged {CHECKLIST_FILE}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError([f"{path}: cannot read the checklist: {exc}"]) from None
    return parse_checklist(text, str(path))


@lru_cache(maxsize=1)
def load_need_areas() -> tuple[NeedArea, ...]:
    """The ten OASys need areas (packaged data)."""
    return parse_need_areas(_packaged(NEED_AREAS_FILE), f"packaged {NEED_AREAS_FILE}")


__all__ = ["load_checklist", "checklist_path", "load_need_areas", "ChecklistError",
           "CHECKLIST_FILE", "ENV_CHECKLIST"]

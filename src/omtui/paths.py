"""Where omtui keeps its files. Nothing is created at import time."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "omtui"


def user_data_dir() -> Path:
    """The private data directory (mode 0700 once created by ``ensure_private_dir``)."""
    override = os.environ.get("OMTUI_DATA_DIR")
    return Path(override) if override else platformdirs.user_data_path(APP, appauthor=False)


def user_config_dir() -> Path:
    override = os.environ.get("OMTUI_CONFIG_DIR")
    return Path(override) if override else platformdirs.user_config_path(APP, appauthor=False)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def repo_root() -> Path | None:
    """The source checkout's root when running from one (for the dev demo data)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "data").is_dir():
            return parent
    return None

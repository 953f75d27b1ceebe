"""The user's config file: ``config.toml`` in the config directory (``omtui.paths``;
``OMTUI_CONFIG_DIR`` overrides it). Today it says who is using omtui::

    # ~/.config/omtui/config.toml
    officer = "ann"

Precedence: ``--officer``, then ``OMTUI_OFFICER``, then this file, then (office mode on
PostgreSQL) the database role, then the login name. A file that cannot be used is an error
naming the file and the problem; no file is no setting.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from omtui.paths import user_config_dir

CONFIG_NAME = "config.toml"
KNOWN_KEYS = ("officer",)
MAX_OFFICER = 200


class ConfigError(ValueError):
    """A config file that cannot be used (the message names the file and the key)."""


@dataclass(frozen=True)
class Config:
    officer: str | None = None


def config_path() -> Path:
    return user_config_dir() / CONFIG_NAME


def check_officer(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: officer: must be a name in quotes, e.g. officer = \"ann\"")
    name = value.strip()
    if not name:
        raise ConfigError(f"{where}: officer: is empty")
    if len(name) > MAX_OFFICER:
        raise ConfigError(f"{where}: officer: longer than {MAX_OFFICER} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ConfigError(f"{where}: officer: contains control characters")
    return name


def load_config(path: Path | None = None) -> Config:
    """The settings in ``path`` (default: :func:`config_path`); an empty Config if absent."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot be read ({exc.strerror or exc})") from None
    where = f"config file {path}"
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - set(KNOWN_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)} "
                          f"(known: {', '.join(KNOWN_KEYS)})")
    officer = check_officer(doc["officer"], where) if "officer" in doc else None
    return Config(officer=officer)


__all__ = ["Config", "ConfigError", "config_path", "load_config", "CONFIG_NAME"]

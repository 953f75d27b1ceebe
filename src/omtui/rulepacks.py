"""Reading rule packs: the packaged National Standards pack and an office's local packs.

The domain (``omtui.domain.rules``) checks and compiles decoded TOML; this module reads the
files. Local packs come from paths given by the caller or from ``OMTUI_RULES`` (a
colon-separated list of TOML files, applied in order after the packaged pack: a local rule
with the same id overrides the packaged one from its effective date, a new id adds a rule,
``disabled = true`` removes one).

The contact-level and enforcement policies (``contact-levels.toml``, ``enforcement.toml``)
are packaged beside the rule pack and carried by the rule book when their modules exist.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from omtui.domain.rules.loader import PackError, PackProblem, build_rulebook, load_pack
from omtui.domain.rules.model import Pack, RuleBook

ENV_VAR = "OMTUI_RULES"
PACKAGED_PACKS = ("national-standards-2007.toml",)
CONTACT_LEVELS = "contact-levels.toml"
ENFORCEMENT = "enforcement.toml"

__all__ = ["ENV_VAR", "PackError", "PackProblem", "RulePackFileError", "default_packs",
           "load_rulebook", "local_pack_paths", "packaged_packs", "read_pack", "read_toml"]


class RulePackFileError(ValueError):
    """A pack file that cannot be read or is not TOML (one line, naming the file)."""


def _packaged(name: str):
    return resources.files("omtui.data").joinpath("rules", name)


def read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulePackFileError(f"{origin}: not valid TOML: {exc}") from None


def read_pack(path: str | os.PathLike[str]) -> Pack:
    """One pack file, checked. Raises RulePackFileError or PackError (every problem)."""
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RulePackFileError(f"{p}: cannot read the rule pack: {reason}") from None
    return load_pack(read_toml(text, str(p)), str(p))


def packaged_packs() -> list[Pack]:
    packs = []
    for name in PACKAGED_PACKS:
        origin = f"omtui/data/rules/{name}"
        packs.append(load_pack(read_toml(_packaged(name).read_text("utf-8"), origin), origin))
    return packs


def local_pack_paths(env: str | None = None) -> list[Path]:
    """Local pack files from ``OMTUI_RULES`` (colon-separated), in order."""
    value = os.environ.get(ENV_VAR, "") if env is None else env
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def _policy(module: str, cls: str, name: str) -> Any:
    """A packaged policy (contact levels, enforcement) when its module exists; else None."""
    try:
        mod = __import__(f"omtui.domain.{module}", fromlist=[cls])
    except ImportError:
        return None
    factory = getattr(mod, cls, None)
    resource = _packaged(name)
    if factory is None or not resource.is_file():
        return None
    return factory.from_dict(read_toml(resource.read_text("utf-8"), f"omtui/data/rules/{name}"))


def load_rulebook(local: Sequence[str | os.PathLike[str]] = (), *, use_env: bool = True,
                  policies: bool = True) -> RuleBook:
    """The packaged packs, then ``OMTUI_RULES`` packs (when ``use_env``), then ``local``."""
    packs = packaged_packs()
    paths = (local_pack_paths() if use_env else []) + [Path(p) for p in local]
    packs += [read_pack(p) for p in paths]
    levels = _policy("schedule", "ContactLevels", CONTACT_LEVELS) if policies else None
    enforcement = _policy("enforcement", "EnforcementPolicy", ENFORCEMENT) if policies else None
    return build_rulebook(packs, contact_levels=levels, enforcement=enforcement)


@functools.lru_cache(maxsize=8)
def _cached(env_value: str) -> RuleBook:
    return load_rulebook(local_pack_paths(env_value), use_env=False)


def default_packs() -> RuleBook:
    """The rule book in use: packaged packs plus ``OMTUI_RULES`` packs, loaded once (cached)."""
    return _cached(os.environ.get(ENV_VAR, ""))

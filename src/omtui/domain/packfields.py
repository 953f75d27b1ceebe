"""Reading the fields of a policy pack (a decoded TOML table) with errors that name the field.

The enforcement and contact-level packs share these readers; each raises its own error type so
a caller knows which pack was wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any


def as_date(value: Any) -> date | None:
    """A pack's date: a TOML date as it is, or ISO text (YYYY-MM-DD); None when it is neither.
    Each reader raises its own error (type and wording) on None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return None


class PackFieldError(ValueError):
    """A pack that cannot be used; ``field`` names the offending entry."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


class PackFields:
    """Field readers that raise ``error(field, reason)``."""

    def __init__(self, error: type[PackFieldError]) -> None:
        self.error = error

    def table(self, d: Mapping[str, Any], key: str, name: str | None = None) -> Mapping[str, Any]:
        value = d.get(key)
        if not isinstance(value, Mapping):
            raise self.error(name or key, "missing or not a table")
        return value

    def text(self, d: Mapping[str, Any], key: str, name: str) -> str:
        value = d.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, "missing or not a non-empty string")
        return value

    def day(self, value: Any, name: str) -> date:
        found = as_date(value)
        if found is None:
            raise self.error(name, f"not a date (YYYY-MM-DD): {value!r}")
        return found

    def posint(self, value: Any, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.error(name, f"must be a whole number of at least 1, not {value!r}")
        return value

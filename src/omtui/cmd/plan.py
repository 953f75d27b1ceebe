"""CLI commands: plan (registered by omtui.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Nothing registered yet."""

"""Alembic migrations for the omtui store (run by ``omtui.store.migrate``; no alembic.ini)."""

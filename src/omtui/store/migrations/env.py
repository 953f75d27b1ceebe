"""Alembic environment for omtui: always run programmatically by ``omtui.store.migrate``.

The caller passes an open SQLAlchemy connection in ``config.attributes["connection"]``; there
is no alembic.ini and no URL here.
"""

from __future__ import annotations

from alembic import context

from omtui.store import tables

config = context.config
target_metadata = tables.metadata()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("omtui migrations are run by omtui.store.migrate with a connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()

"""Event packs: each case's events as one text, for the cold team due list.

Derived data (``omtui.store.event_rows``, ``omtui.store.summary``): a case's events as one JSON
text, which a team due list reads in place of the case's event rows (about forty a case).
Every write to a case deletes its pack in the same transaction; the importer writes packs,
and a due list writes back the packs of the cases it read from rows. Dropping the table loses
nothing: the ``events`` rows are the record.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_packs',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('pack', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_event_packs_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_event_packs'))
    )


def downgrade() -> None:
    op.drop_table('event_packs')

"""Per-case due summaries: a team's due list reads one row per case instead of running the
rules engine over every case's events.

Derived data (``omtui.store.summary``): a case's counts overdue / due soon / due and its open
overdue items as of one day, with the case version and the rule-book and calendar fingerprints
they were computed with. Every write to a case deletes its row; ``omtui office refresh-due``
(nightly) computes the day's rows. Dropping the table loses nothing that cannot be recomputed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('due_summaries',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('book', sa.String(length=64), nullable=False),
    sa.Column('calendar', sa.String(length=64), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('due_soon', sa.Integer(), nullable=False),
    sa.Column('due', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('overdue_items', sa.Text(), nullable=True),
    sa.Column('computed_at', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_due_summaries_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_due_summaries'))
    )


def downgrade() -> None:
    op.drop_table('due_summaries')

"""Drafts live in private files, not the database: drop the unused drafts table.

Every form autosaves through ``omtui.drafts.DraftStore`` (atomic, 0600 files in the private
data directory), which keeps working when an office's database server cannot be reached and
keeps half-typed text out of the shared database. The table from 0001 was never used.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('drafts')


def downgrade() -> None:
    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('form_key', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts')),
    sa.UniqueConstraint('owner', 'form_key', name='uq_drafts_owner_form')
    )

"""Sentence plans and induction records: one row per case each, and whether an induction item
is ticked (a note can be kept on an item that is not ticked).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sentence_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.Column('contact_pattern', sa.Text(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('interim', sa.Boolean(), nullable=False),
    sa.Column('extra', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sentence_plans_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sentence_plans')),
    sa.UniqueConstraint('case_id', name=op.f('uq_sentence_plans_case_id'))
    )
    op.create_table('induction_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('date_recorded', sa.Date(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_induction_records_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_induction_records')),
    sa.UniqueConstraint('case_id', name=op.f('uq_induction_records_case_id'))
    )
    with op.batch_alter_table('induction_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticked', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('induction_items', schema=None) as batch_op:
        batch_op.drop_column('ticked')
    op.drop_table('induction_records')
    op.drop_table('sentence_plans')

"""activity plans and participations

Integrity activities: each fiscal year's imported plan, and one row per participation with a unique
(user_key, fiscal_year, activity_code, item_no, day) so that nothing is counted twice.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 11:33:56.950495
"""

from alembic import op
import sqlalchemy as sa
import db.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activity_plans',
    sa.Column('fiscal_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('imported_at', db.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('fiscal_year')
    )
    op.create_table('participations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_key', sa.String(length=64), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('activity_code', sa.String(length=64), nullable=False),
    sa.Column('item_no', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('confirm_key', sa.String(length=32), nullable=False),
    sa.Column('recorded_at', db.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_key', 'fiscal_year', 'activity_code', 'item_no', 'day', name='uq_participation')
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index('ix_participations_year_day', ['fiscal_year', 'day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index('ix_participations_year_day')

    op.drop_table('participations')
    op.drop_table('activity_plans')

"""adr_drafts: draft PMQA answers a person asked to keep after the ADR checker

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('adr_drafts',
                    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
                              nullable=False),
                    sa.Column('line_user_id', sa.String(length=64), nullable=False),
                    sa.Column('praden', sa.String(length=8), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('chars', sa.Integer(), nullable=False),
                    sa.Column('saved_at', UTCDateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('adr_drafts', schema=None) as batch_op:
        batch_op.create_index('ix_adr_drafts_user', ['line_user_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('adr_drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_adr_drafts_user')
    op.drop_table('adr_drafts')

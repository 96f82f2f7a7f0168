"""inbound events: index for the per-user rate limit; claims no longer need a token

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_events_user_time', ['source_user_id', 'received_at'], unique=False)
        batch_op.drop_column('claim_token')


def downgrade() -> None:
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=False, server_default=''))
        batch_op.drop_index('ix_inbound_events_user_time')

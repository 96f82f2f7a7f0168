"""answered_events: the events answered, committed with their effects (the inbox is a file of its own on SQLite)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answered_events',
                    sa.Column('webhook_event_id', sa.String(length=64), nullable=False),
                    sa.Column('handler', sa.String(length=64), nullable=False),
                    sa.Column('erased_sender', sa.Boolean(), server_default=sa.false(), nullable=False),
                    sa.Column('answered_at', UTCDateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('webhook_event_id'))
    with op.batch_alter_table('answered_events', schema=None) as batch_op:
        batch_op.create_index('ix_answered_events_answered_at', ['answered_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('answered_events', schema=None) as batch_op:
        batch_op.drop_index('ix_answered_events_answered_at')
    op.drop_table('answered_events')

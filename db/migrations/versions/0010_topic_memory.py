"""topic_memory: the last topic each person was answered about, per chat, for follow-up questions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('topic_memory',
                    sa.Column('line_user_id', sa.String(length=64), nullable=False),
                    sa.Column('chat_id', sa.String(length=64), nullable=False),
                    sa.Column('topic', sa.String(length=64), nullable=False),
                    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('line_user_id', 'chat_id'))


def downgrade() -> None:
    op.drop_table('topic_memory')

"""topic_memory.question: the question last answered about the topic, so that "แล้ว PMQA ล่ะ" after "TQA เริ่มใช้ปีไหน"
asks the same of PMQA

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('topic_memory') as batch:
        batch.add_column(sa.Column('question', sa.String(length=200), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('topic_memory') as batch:
        batch.drop_column('question')

"""users: whether the LINE display name was looked up (now done in idle time, not before answering)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_checked', sa.Boolean(), nullable=False, server_default=sa.false()))
    # People already known had their profile looked up when they were first seen.
    op.execute(sa.text("UPDATE users SET profile_checked = :yes").bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('profile_checked')

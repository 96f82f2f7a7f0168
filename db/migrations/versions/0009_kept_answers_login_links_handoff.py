"""kept_answers, login_links, and the answer columns of unanswered_questions (people in the loop)

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('kept_answers',
                    sa.Column('id', ID, autoincrement=True, nullable=False),
                    sa.Column('question', sa.Text(), nullable=False),
                    sa.Column('questions', sa.JSON(), nullable=False),
                    sa.Column('answer', sa.Text(), nullable=False),
                    sa.Column('status', sa.String(length=16), nullable=False),
                    sa.Column('author', sa.String(length=64), nullable=False),
                    sa.Column('author_name', sa.String(length=200), nullable=False),
                    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
                    sa.Column('updated_by', sa.String(length=64), nullable=False),
                    sa.Column('updated_by_name', sa.String(length=200), nullable=False),
                    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('kept_answers', schema=None) as batch_op:
        batch_op.create_index('ix_kept_answers_updated_at', ['updated_at'], unique=False)
    op.create_table('login_links',
                    sa.Column('nonce', sa.String(length=64), nullable=False),
                    sa.Column('line_user_id', sa.String(length=64), nullable=False),
                    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
                    sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
                    sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('nonce'))
    with op.batch_alter_table('login_links', schema=None) as batch_op:
        batch_op.create_index('ix_login_links_user', ['line_user_id'], unique=False)
    with op.batch_alter_table('unanswered_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forwarded_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('answered_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answer', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('kept_answer_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('unanswered_questions', schema=None) as batch_op:
        for column in ('kept_answer_id', 'answer', 'answered_at', 'answered_by', 'forwarded_at'):
            batch_op.drop_column(column)
    with op.batch_alter_table('login_links', schema=None) as batch_op:
        batch_op.drop_index('ix_login_links_user')
    op.drop_table('login_links')
    with op.batch_alter_table('kept_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_kept_answers_updated_at')
    op.drop_table('kept_answers')

"""sending: four-eyes public replies (per queue and per agent), messages by send status"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0013'


def upgrade() -> None:
    with op.batch_alter_table('queues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approve_public_replies', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('approval_minutes', sa.Integer(), nullable=False,
                                      server_default='15'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approve_public_replies', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_send_status', ['send_status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_send_status')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('approve_public_replies')
    with op.batch_alter_table('queues', schema=None) as batch_op:
        batch_op.drop_column('approval_minutes')
        batch_op.drop_column('approve_public_replies')

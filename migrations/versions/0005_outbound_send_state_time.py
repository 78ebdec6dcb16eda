"""outbound send state time"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import inbox.models.base

revision = '0005'
down_revision = '0004'


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('send_state_at', inbox.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_messages_send_state_at'), ['send_state_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_send_state_at'))
        batch_op.drop_column('send_state_at')


"""ingestion: replay keys, conversation threads"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import inbox.models.base

revision = '0002'
down_revision = '0001'


def upgrade() -> None:
    op.create_table('conversation_threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('thread_key', sa.String(length=255), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', inbox.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_conversation_threads_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_conversation_threads_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_threads')),
    sa.UniqueConstraint('channel_id', 'thread_key', name=op.f('uq_conversation_threads_channel_id_thread_key'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replay_key', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, server_default=sa.text("'{}'")))
        batch_op.create_unique_constraint(batch_op.f('uq_deliveries_replay_key'), ['replay_key'])



def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_deliveries_replay_key'), type_='unique')
        batch_op.drop_column('outcome')
        batch_op.drop_column('replay_key')

    op.drop_table('conversation_threads')

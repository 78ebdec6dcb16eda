"""classifier: complaint labels from agents' decisions and trained model versions"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import inbox.models.base

revision = '0013'
down_revision = '0014'

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
WHEN = inbox.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('complaint_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('complaint', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', WHEN, nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_complaint_labels_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_complaint_labels_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_labels')),
    sa.UniqueConstraint('message_id', name=op.f('uq_complaint_labels_message_id'))
    )
    with op.batch_alter_table('complaint_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_labels_updated_at'), ['updated_at'], unique=False)
    op.create_table('complaint_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trained_at', WHEN, nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=True),
    sa.Column('trained_by_id', sa.Integer(), nullable=True),
    sa.Column('labels', sa.Integer(), nullable=False),
    sa.Column('complaints', sa.Integer(), nullable=False),
    sa.Column('precision', sa.Float(), nullable=True),
    sa.Column('recall', sa.Float(), nullable=True),
    sa.Column('f1', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('weights', JSON, nullable=False),
    sa.ForeignKeyConstraint(['trained_by_id'], ['users.id'], name=op.f('fk_complaint_models_trained_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_models'))
    )


def downgrade() -> None:
    op.drop_table('complaint_models')
    with op.batch_alter_table('complaint_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_labels_updated_at'))
    op.drop_table('complaint_labels')

"""listening: crisis settings and the crisis alerts raised and cleared"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import inbox.models.base

revision = '0012'
down_revision = '0011'

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
WHEN = inbox.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('crisis_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('values', JSON, nullable=False),
    sa.Column('updated_at', WHEN, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_settings'))
    )
    op.create_table('crisis_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('observed', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('raised_at', WHEN, nullable=False),
    sa.Column('cleared_at', WHEN, nullable=True),
    sa.Column('cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('actions', JSON, nullable=False),
    sa.Column('cases_changed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cleared_by_id'], ['users.id'], name=op.f('fk_crisis_alerts_cleared_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_alerts'))
    )
    with op.batch_alter_table('crisis_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_crisis_alerts_active', ['cleared_at', 'subject_kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_crisis_alerts_raised_at'), ['raised_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('crisis_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crisis_alerts_raised_at'))
        batch_op.drop_index('ix_crisis_alerts_active')
    op.drop_table('crisis_alerts')
    op.drop_table('crisis_settings')

"""sla warnings, targets met, push offers"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import inbox.models.base

revision = '0003'
down_revision = '0002'


def upgrade() -> None:
    op.create_table('case_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('offered_at', inbox.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', inbox.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', inbox.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_case_offers_agent_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_offers_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_offers'))
    )
    with op.batch_alter_table('case_offers', schema=None) as batch_op:
        batch_op.create_index('ix_case_offers_agent', ['agent_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_offers_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_offers_open', ['state', 'expires_at'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_warn_at', inbox.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_response_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_response_met', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('resolution_met', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('next_response_misses', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_cases_sla_warn', ['status', 'sla_warn_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_sla_warn')
        batch_op.drop_column('next_response_misses')
        batch_op.drop_column('resolution_met')
        batch_op.drop_column('first_response_met')
        batch_op.drop_column('first_response_seconds')
        batch_op.drop_column('sla_warn_at')

    with op.batch_alter_table('case_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_case_offers_open')
        batch_op.drop_index(batch_op.f('ix_case_offers_case_id'))
        batch_op.drop_index('ix_case_offers_agent')

    op.drop_table('case_offers')

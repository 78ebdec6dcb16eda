"""sign-ins: each browser's session, listed and revocable, with a rotating remember-me"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import inbox.models.base

revision = '0008'
down_revision = '0007'


def upgrade() -> None:
    op.create_table('sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('remember_hash', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', inbox.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', inbox.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', inbox.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', inbox.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_ins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_ins'))
    )
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_ins_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_ins_user_id'))
    op.drop_table('sign_ins')

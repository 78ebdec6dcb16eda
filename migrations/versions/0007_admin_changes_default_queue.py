"""admin changes; a fresh install gets a default team and queue

Without a team and a queue every case of a new install would land in no queue and on
no agent's desk; an install that has some keeps what it has.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import inbox.models.base

revision = '0007'
down_revision = '0006'

DEFAULT_TEAM = "Everyone"
DEFAULT_QUEUE = "General"


def upgrade() -> None:
    op.create_table('admin_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target_kind', sa.String(length=30), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', inbox.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_admin_changes_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_changes'))
    )
    with op.batch_alter_table('admin_changes', schema=None) as batch_op:
        batch_op.create_index('ix_admin_changes_target', ['target_kind', 'target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_changes_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prefix', sa.String(length=16), nullable=True))

    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":  # stored naive, in UTC, as the models do
        now = now.replace(tzinfo=None)
    teams = sa.table("teams", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("is_default", sa.Boolean), sa.column("created_at"))
    queues = sa.table("queues", sa.column("id", sa.Integer), sa.column("name", sa.String),
                      sa.column("description", sa.Text), sa.column("mode", sa.String),
                      sa.column("offer_timeout_seconds", sa.Integer),
                      sa.column("created_at"))
    if bind.execute(sa.select(sa.func.count()).select_from(teams)).scalar_one() == 0:
        bind.execute(teams.insert().values(name=DEFAULT_TEAM, is_default=True, created_at=now))
    if bind.execute(sa.select(sa.func.count()).select_from(queues)).scalar_one() == 0:
        bind.execute(queues.insert().values(
            name=DEFAULT_QUEUE, mode="pull", offer_timeout_seconds=30, created_at=now,
            description="Every case no routing rule places; worked by the default team."))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('prefix')
    with op.batch_alter_table('admin_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_changes_created_at'))
        batch_op.drop_index('ix_admin_changes_target')
    op.drop_table('admin_changes')

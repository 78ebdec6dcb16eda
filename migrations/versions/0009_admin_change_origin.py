"""admin changes say from where (the caller's address)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'


def upgrade() -> None:
    with op.batch_alter_table('admin_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('admin_changes', schema=None) as batch_op:
        batch_op.drop_column('origin')

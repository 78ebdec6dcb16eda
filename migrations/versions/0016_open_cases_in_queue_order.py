"""cases: a partial index of open cases in queue order (the desk's list reads its first rows)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'

OPEN = sa.text("status IN ('new', 'queued', 'assigned', 'pending')")


def upgrade() -> None:
    op.create_index('ix_cases_open_queue_order', 'cases',
                    ['queue_id', 'priority', 'sla_due_at', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_cases_open_queue_order', table_name='cases')

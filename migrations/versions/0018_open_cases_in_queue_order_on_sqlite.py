"""SQLite: the index of open cases in queue order reads "SLA due, none last" from an expression

SQLite's indexes sort NULLs first, so the desk's list (cases with no SLA due time last)
sorted every open case of a queue at each refresh. On SQLite the order is written
`sla_due_at IS NULL, sla_due_at` (inbox.services.cases.queues) and the index follows it.
PostgreSQL's index already matches its NULLS LAST: nothing changes there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'

OPEN = sa.text("status IN ('new', 'queued', 'assigned', 'pending')")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index('ix_cases_open_queue_order', table_name='cases')
    op.create_index('ix_cases_open_queue_order_sqlite', 'cases',
                    ['queue_id', 'priority', sa.text('sla_due_at IS NULL'), 'sla_due_at', 'id'],
                    sqlite_where=OPEN)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index('ix_cases_open_queue_order_sqlite', table_name='cases')
    op.create_index('ix_cases_open_queue_order', 'cases',
                    ['queue_id', 'priority', 'sla_due_at', 'id'], sqlite_where=OPEN)

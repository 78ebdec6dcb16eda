"""reports: cases found by when they were first answered and resolved"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'


def upgrade() -> None:
    op.create_index('ix_cases_first_responded_at', 'cases', ['first_responded_at'])
    op.create_index('ix_cases_resolved_at', 'cases', ['resolved_at'])


def downgrade() -> None:
    op.drop_index('ix_cases_resolved_at', table_name='cases')
    op.drop_index('ix_cases_first_responded_at', table_name='cases')

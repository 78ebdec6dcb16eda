"""seal channel secrets at rest

Channel secrets written before sealing existed are sealed with the newest key of
INBOX_SECRETS_KEY (or the instance's generated key). The column stays JSON.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = '0006'
down_revision = '0005'


def _channels(dialect: str) -> sa.TableClause:
    kind = JSONB() if dialect == "postgresql" else sa.JSON()
    return sa.table("channels", sa.column("id", sa.Integer), sa.column("secrets", kind))


def upgrade() -> None:
    from inbox import sealing

    bind = op.get_bind()
    channels = _channels(bind.dialect.name)
    for row in bind.execute(sa.select(channels.c.id, channels.c.secrets)).all():
        if not sealing.is_sealed(row.secrets):
            bind.execute(channels.update().where(channels.c.id == row.id)
                         .values(secrets=sealing.seal(dict(row.secrets or {}))))


def downgrade() -> None:
    from inbox import sealing

    bind = op.get_bind()
    channels = _channels(bind.dialect.name)
    for row in bind.execute(sa.select(channels.c.id, channels.c.secrets)).all():
        if sealing.is_sealed(row.secrets):
            bind.execute(channels.update().where(channels.c.id == row.id)
                         .values(secrets=sealing.unseal(row.secrets)))

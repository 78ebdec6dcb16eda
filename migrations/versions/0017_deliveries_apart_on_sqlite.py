"""SQLite: messages.delivery_id no longer a foreign key (the deliveries move to a file of their own)

On SQLite the deliveries table moves to a database file of its own (inbox.deliveries_file,
run by `inbox db upgrade` after this revision), which a foreign key cannot reach.
PostgreSQL keeps everything in one database and the key with it: nothing changes there.
"""

from __future__ import annotations

from alembic import op

revision = '0017'
down_revision = '0016'


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table('messages', recreate='always') as batch_op:
        batch_op.drop_constraint('fk_messages_delivery_id_deliveries', type_='foreignkey')


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table('messages', recreate='always') as batch_op:
        batch_op.create_foreign_key('fk_messages_delivery_id_deliveries', 'deliveries',
                                    ['delivery_id'], ['id'])

"""contacts: country, region, subdivision and the source of the guess; existing contacts located"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inbox.services.contacts.geography import guess

revision = '0014'
down_revision = '0012'


def upgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('region', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('subdivision', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('location_source', sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f('ix_contacts_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_contacts_region'), ['region'], unique=False)
    _locate_existing()


def _locate_existing() -> None:
    """Contacts known before geography get the guess their profile, phone or email gives
    (their messages' language is left to the next message they send)."""
    contacts = sa.table('contacts', sa.column('id', sa.Integer), sa.column('location'),
                        sa.column('email'), sa.column('phone'), sa.column('country'),
                        sa.column('region'), sa.column('subdivision'),
                        sa.column('location_source'))
    bind = op.get_bind()
    rows = bind.execute(sa.select(contacts.c.id, contacts.c.location, contacts.c.email,
                                  contacts.c.phone)).all()
    located = []
    for row in rows:
        place = guess(row.location, row.email, row.phone)
        if place is not None:
            located.append({'contact_id': row.id, 'country': place.country,
                            'region': place.region, 'subdivision': place.subdivision,
                            'source': place.source})
    if located:
        bind.execute(contacts.update().where(contacts.c.id == sa.bindparam('contact_id'))
                     .values(country=sa.bindparam('country'), region=sa.bindparam('region'),
                             subdivision=sa.bindparam('subdivision'),
                             location_source=sa.bindparam('source')), located)


def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_region'))
        batch_op.drop_index(batch_op.f('ix_contacts_country'))
        batch_op.drop_column('location_source')
        batch_op.drop_column('subdivision')
        batch_op.drop_column('region')
        batch_op.drop_column('country')

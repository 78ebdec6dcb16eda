"""Alembic, driven from code so `inbox db upgrade` needs no alembic.ini.

On the embedded default the deliveries live in a SQLite file of their own from
migration 0017 on (inbox.deliveries_file): upgrading past it moves them there,
downgrading below it brings them back first."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from inbox import deliveries_file
from inbox.db import deliveries_database_url
from inbox.resources import MIGRATIONS


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)
    if _deliveries_apart(database_url):
        deliveries_file.prepare(database_url)


def downgrade(database_url: str, revision: str) -> None:
    if _deliveries_apart(database_url):
        deliveries_file.move(database_url, into_apart=False)
    command.downgrade(alembic_config(database_url), revision)
    if _deliveries_apart(database_url):
        deliveries_file.move(database_url, into_apart=True)


def _deliveries_apart(database_url: str) -> bool:
    """The database is SQLite and stands at or past the migration that sets deliveries apart."""
    if deliveries_database_url(database_url) is None:
        return False
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
    finally:
        engine.dispose()
    script = ScriptDirectory.from_config(alembic_config(database_url))
    return any(rev.revision == deliveries_file.APART_FROM_REVISION
               for head in heads for rev in script.iterate_revisions(head, "base"))

"""The embedded default's deliveries file: its table, and the deliveries moved into it
(or back into the main database) as migrations go up (or down).

Why a file of its own: SQLite has one write lock per database file, and a worker's
batch holds the main file's for as long as it takes its messages in; a webhook storing
its delivery in the same file waited for every batch (docs/ingestion.md). The table has
the model's columns, indexes and unique replay key but no foreign keys: what they point
at is in the other file. The main database keeps an empty `deliveries` table, so the
migrations stay the same for every backend.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import cast

from sqlalchemy import ForeignKeyConstraint, MetaData, Table, create_engine, inspect, make_url
from sqlalchemy.schema import CreateColumn

from inbox.db import deliveries_database_url
from inbox.models import Delivery

# The migration after which deliveries live apart (it drops the one foreign key that
# pointed at them, messages.delivery_id).
APART_FROM_REVISION = "0017"


def deliveries_table() -> Table:
    """The deliveries table as the deliveries file holds it."""
    table = cast(Table, Delivery.__table__).to_metadata(MetaData())
    for constraint in [c for c in table.constraints if isinstance(c, ForeignKeyConstraint)]:
        table.constraints.discard(constraint)
    for column in table.columns:
        column.foreign_keys.clear()
    return table


def prepare(database_url: str) -> None:
    """Create or complete the deliveries file's table, then move into it whatever
    deliveries the main database still holds (those of an instance from before)."""
    apart_url = deliveries_database_url(database_url)
    if apart_url is None:
        return
    table = deliveries_table()
    engine = create_engine(apart_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            table.create(connection, checkfirst=True)
            present = {c["name"] for c in inspect(connection).get_columns(table.name)}
            for column in table.columns:
                # A column added to the model later: SQLite adds it in place.
                if column.name not in present:
                    ddl = CreateColumn(column).compile(dialect=connection.dialect)
                    connection.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {ddl}")
    finally:
        engine.dispose()
    move(database_url, into_apart=True)


def move(database_url: str, *, into_apart: bool) -> int:
    """Move every delivery into the deliveries file (or back into the main database);
    returns how many. Two commits, copy then delete: a crash between them leaves rows in
    both places, and running it again copies none twice (same ids) and deletes them."""
    apart_url = deliveries_database_url(database_url)
    if apart_url is None:
        return 0
    main_path, apart_path = (make_url(u).database for u in (database_url, apart_url))
    with closing(sqlite3.connect(str(main_path), isolation_level=None)) as db:
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("ATTACH DATABASE ? AS apart", (str(apart_path),))
        source, target = ("main", "apart") if into_apart else ("apart", "main")
        columns = [row[1] for row in db.execute(f"PRAGMA {source}.table_info(deliveries)")]
        known = {row[1] for row in db.execute(f"PRAGMA {target}.table_info(deliveries)")}
        if not columns or not known:
            return 0
        names = ", ".join(c for c in columns if c in known)
        db.execute("BEGIN IMMEDIATE")
        moved = db.execute(f"INSERT OR IGNORE INTO {target}.deliveries ({names}) "  # noqa: S608
                           f"SELECT {names} FROM {source}.deliveries").rowcount
        db.execute("COMMIT")
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"DELETE FROM {source}.deliveries")  # noqa: S608 - our names
        db.execute("COMMIT")
    return int(moved)

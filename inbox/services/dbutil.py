"""Multi-row reads and writes for batches, on SQLite and PostgreSQL alike: pairs looked up
in an index, insert-or-ignore (the dedup primitive: never check-then-insert),
upsert-and-lock, update by id, insert returning ids in order."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TextClause,
    and_,
    insert,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

Query = TypeVar("Query", bound=Select[Any])


def is_postgresql(session: Session) -> bool:
    """The one question the services ask of the database: PostgreSQL (row locks, many
    writers at once) or SQLite (one writer at a time, so nothing to lock)."""
    return session.get_bind().dialect.name == "postgresql"


def pairs_in(first: Any, second: Any, pairs: Collection[tuple[Any, Any]]
             ) -> ColumnElement[bool]:
    """`(first, second) IN pairs`, looked up in an index on (first, second) by both
    databases. SQLite answers a bare row-value IN by comparing every entry of the index
    with the list (a batch's lookup grew with the table: 14 ms at 100,000 messages);
    each column's own IN beside it lets it seek the pairs instead (0.2 ms). PostgreSQL
    reads the index either way."""
    return and_(first.in_(sorted({a for a, _ in pairs})),
                second.in_(sorted({b for _, b in pairs})),
                tuple_(first, second).in_(pairs))


def for_update(session: Session, stmt: Query, **options: Any) -> Query:
    """`stmt` taking row locks (FOR UPDATE, with options such as skip_locked) where the
    database has them; unchanged on SQLite, whose writers are serialized anyway."""
    return stmt.with_for_update(**options) if is_postgresql(session) else stmt


def _dialect_insert(session: Session, model: Any) -> Any:
    return (postgresql.insert if is_postgresql(session) else sqlite.insert)(model)


# On PostgreSQL a multi-row write sends its rows as ONE jsonb parameter read by
# jsonb_populate_recordset: a short statement that psycopg caches and PostgreSQL
# plans once, where a VALUES list of a thousand placeholders is parsed anew each time.


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return "\\x" + value.hex()  # bytea's hex input form
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


@lru_cache(maxsize=64)
def _plan(model: Any, keys: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """For rows naming `keys`: the columns a recordset statement names (only ever the
    table's own: the SQL is composed from them, never from data) and the columns whose
    Python-side defaults must be filled in."""
    table = model.__table__
    unknown = set(keys) - set(table.columns.keys())
    if unknown:
        raise ValueError(f"not columns of {model.__tablename__}: {sorted(unknown)}")
    missing = tuple(c for c in table.columns if c.name not in keys and c.default is not None)
    return tuple(c.name for c in table.columns if c.name in keys or c in missing), missing


def _rows_json(model: Any, rows: list[dict[str, Any]]) -> str:
    """The rows as a JSON array, with the Python-side column defaults filled in."""
    _, missing = _plan(model, tuple(rows[0]))
    if missing:
        rows = [{**row, **{c.name: c.default.arg(None) if c.default.is_callable
                           else c.default.arg for c in missing}} for row in rows]
    return json.dumps(rows, default=_json_value, separators=(",", ":"))


@lru_cache(maxsize=64)
def _recordset_insert(table: str, columns: tuple[str, ...], conflict: tuple[str, ...],
                      action: str, returning: tuple[str, ...]) -> TextClause:
    names = ", ".join(columns)
    return text(
        f"INSERT INTO {table} ({names}) SELECT {names} "  # noqa: S608 - names of columns
        f"FROM jsonb_populate_recordset(NULL::{table}, CAST(:rows AS jsonb)) "
        f"ON CONFLICT ({', '.join(conflict)}) {action} RETURNING {', '.join(returning)}")


def _columns(model: Any, rows: list[dict[str, Any]]) -> tuple[str, ...]:
    return _plan(model, tuple(rows[0]))[0]


def insert_ignore_many(
    session: Session, model: Any, rows: list[dict[str, Any]], *, conflict: tuple[str, ...],
    returning: tuple[str, ...],
) -> list[Any]:
    """Insert many rows at once, skipping those whose `conflict` columns exist already;
    returns `returning` of the rows this call inserted (in no promised order).

    Pass rows sorted by their conflict key: concurrent transactions then wait on each
    other's new keys in one order and cannot deadlock on them."""
    if not rows:
        return []
    if is_postgresql(session):
        stmt = _recordset_insert(model.__tablename__, _columns(model, rows), conflict,
                                 "DO NOTHING", returning)
        return list(session.execute(stmt, {"rows": _rows_json(model, rows)}).all())
    stmt = (_dialect_insert(session, model)
            .on_conflict_do_nothing(index_elements=list(conflict))
            .returning(*(getattr(model, name) for name in returning)))
    return list(session.execute(stmt, rows).all())


def upsert_and_lock_many(
    session: Session, model: Any, rows: list[dict[str, Any]], *, conflict: tuple[str, ...],
    touch: str, returning: tuple[str, ...],
) -> list[Any]:
    """Insert the missing rows and row-lock the existing ones in one statement (a no-op
    ON CONFLICT DO UPDATE locks what it touches); returns `returning` of every row.

    Rows must be distinct by `conflict` and sorted by it, so that two transactions lock
    in the same order. The existing rows get `touch` set from the new row."""
    if not rows:
        return []
    if is_postgresql(session):
        stmt = _recordset_insert(model.__tablename__, _columns(model, rows), conflict,
                                 f"DO UPDATE SET {touch} = EXCLUDED.{touch}", returning)
        return list(session.execute(stmt, {"rows": _rows_json(model, rows)}).all())
    insert_stmt = _dialect_insert(session, model)
    stmt = (insert_stmt
            .on_conflict_do_update(index_elements=list(conflict),
                                   set_={touch: getattr(insert_stmt.excluded, touch)})
            .returning(*(getattr(model, name) for name in returning)))
    return list(session.execute(stmt, rows).all())


@lru_cache(maxsize=64)
def _recordset_update(table: str, columns: tuple[str, ...]) -> TextClause:
    assignments = ", ".join(f"{name} = r.{name}" for name in columns if name != "id")
    return text(f"UPDATE {table} AS t SET {assignments} "  # noqa: S608 - names of columns
                f"FROM jsonb_populate_recordset(NULL::{table}, CAST(:rows AS jsonb)) AS r "
                "WHERE t.id = r.id")


def update_many(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Update many rows by primary key `id`, each with its own values, in one statement
    (rows must all name the same columns). The ORM's copies are not refreshed."""
    if not rows:
        return
    if is_postgresql(session):
        _columns(model, rows)  # refuses names that are not the table's columns
        stmt = _recordset_update(model.__tablename__, tuple(rows[0]))
        session.execute(stmt, {"rows": json.dumps(rows, default=_json_value)})
        return
    session.execute(update(model), rows)  # ORM bulk UPDATE by primary key: executemany


def commit_without_waiting_for_disk(session: Session) -> None:
    """For a short transaction of rows a later transaction builds on (contacts, thread
    rows): PostgreSQL answers its COMMIT before the WAL reaches the disk. Safe because
    the later transaction's own (synchronous) commit flushes the WAL up to itself, so
    nothing that refers to these rows is ever durable without them."""
    if is_postgresql(session):
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


@lru_cache(maxsize=16)
def _recordset_insert_in_order(table: str, columns: tuple[str, ...]) -> TextClause:
    names = ", ".join(columns)
    return text(
        f"INSERT INTO {table} ({names}) SELECT {names} "  # noqa: S608 - names of columns
        f"FROM jsonb_populate_recordset(NULL::{table}, CAST(:rows AS jsonb)) "
        "WITH ORDINALITY AS r ORDER BY r.ordinality RETURNING id")


def insert_many_returning_ids(connection: Connection, model: Any,
                              rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in one statement; returns their new ids in the order of the rows."""
    if connection.dialect.name == "postgresql":
        in_order = _recordset_insert_in_order(model.__tablename__, _columns(model, rows))
        # Rows go in in the order of the array, each taking the sequence's next id.
        return sorted(connection.execute(in_order, {"rows": _rows_json(model, rows)}).scalars())
    returning = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(connection.execute(returning, rows).scalars())


def rows_affected(result: Any) -> int:
    """How many rows an UPDATE or DELETE touched (typed Results do not declare it)."""
    return int(getattr(result, "rowcount", 0) or 0)

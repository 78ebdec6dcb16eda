"""Portable insert-or-ignore: the dedup primitive (never check-then-insert)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(
    session: Session, model: Any, values: dict[str, Any], *, conflict: tuple[str, ...]
) -> int | None:
    """Insert a row unless one with the same `conflict` columns exists.

    Returns the new row's id, or None when it already existed (someone else won).
    """
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        dialect_insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model.id)
    )
    return session.execute(stmt).scalar_one_or_none()


def insert_ignore_returning(
    session: Session, model: Any, values: dict[str, Any], *, conflict: tuple[str, ...]
) -> Any:
    """Like insert_ignore, but the new row comes back as an ORM object (one round trip)."""
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        dialect_insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model)
    )
    return session.scalars(stmt).one_or_none()

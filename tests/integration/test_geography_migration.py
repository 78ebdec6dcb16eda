"""Migration 0014 locates the contacts known before geography, from what they already hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text


@pytest.mark.no_backends
def test_existing_contacts_are_located_when_the_columns_arrive(tmp_path: Path) -> None:
    from inbox import migrate

    url = f"sqlite:///{tmp_path / 'before.db'}"
    migrate.upgrade(url, "0014-1")  # the schema just before geography
    engine = create_engine(url)
    with engine.begin() as connection:
        for name, location, email, phone in (("Kim", "Munich, Bavaria", None, None),
                                             ("Ola", None, "ola@web.de", None),
                                             ("Ana", None, None, "+351 21 000 0000"),
                                             ("Pat", "somewhere", "pat@gmail.com", None)):
            connection.execute(text(
                "INSERT INTO contacts (display_name, location, email, phone, followers,"
                " verified, influence_score, tags, created_at, updated_at) VALUES"
                " (:name, :location, :email, :phone, 0, 0, 0, '[]', '2026-01-01 00:00:00',"
                " '2026-01-01 00:00:00')"),
                {"name": name, "location": location, "email": email, "phone": phone})
    migrate.upgrade(url, "0014")
    with engine.connect() as connection:
        rows = {row.display_name: tuple(row[1:]) for row in connection.execute(text(
            "SELECT display_name, country, region, subdivision, location_source FROM contacts"))}
    engine.dispose()
    assert rows == {"Kim": ("DE", "DACH", "DE-BY", "profile"),
                    "Ola": ("DE", "DACH", None, "email"),
                    "Ana": ("PT", "Iberia", None, "phone"),
                    "Pat": (None, None, None, None)}

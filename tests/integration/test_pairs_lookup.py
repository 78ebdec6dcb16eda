"""A batch looks up (channel, key) pairs — the messages its replies refer to, its threads,
its authors' identities — in one read that seeks each pair in the index, on SQLite too
(inbox.services.dbutil.pairs_in)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from inbox.models import ConversationThread
from inbox.services import unit_of_work
from inbox.services.dbutil import pairs_in
from inbox.services.ingest.threads import thread_cases
from tests.factories import make_channel


def lookup() -> Any:
    return select(ConversationThread.channel_id, ConversationThread.thread_key)


def test_only_the_pairs_asked_for_come_back_not_their_crossings(runtime: Any) -> None:
    reviews, mentions = make_channel(name="Reviews").id, make_channel(name="Mentions").id
    with unit_of_work() as session:
        session.execute(insert(ConversationThread), [
            {"channel_id": channel, "thread_key": key}
            for channel in (reviews, mentions) for key in ("t-1", "t-2", "t-3")])
    asked = [(reviews, "t-1"), (mentions, "t-2")]
    with unit_of_work() as session:
        found = {tuple(row) for row in session.execute(lookup().where(pairs_in(
            ConversationThread.channel_id, ConversationThread.thread_key, asked)))}
    assert found == set(asked)  # not (reviews, "t-2") nor (mentions, "t-1")
    with unit_of_work() as session:
        assert set(thread_cases(session, [*asked, (reviews, "t-9")])) == set(asked)


def test_sqlite_seeks_each_pair_instead_of_reading_the_whole_index(runtime: Any) -> None:
    """A bare `(a, b) IN (…)` made SQLite compare every entry of the index with the
    list, so each batch's lookups grew with the table."""
    reviews = make_channel().id
    statement = lookup().where(pairs_in(ConversationThread.channel_id,
                                        ConversationThread.thread_key,
                                        [(reviews, "t-1"), (reviews, "t-2")]))
    with unit_of_work() as session:
        connection = session.connection()
        if connection.dialect.name != "sqlite":
            return  # PostgreSQL reads the index for a row-value IN as it is
        sql = str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
        plan = [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    assert any(step.startswith("SEARCH conversation_threads USING") for step in plan), plan
    assert not any(step.startswith("SCAN conversation_threads") for step in plan), plan

"""Threading a batch: which conversation each message belongs to, and locking those.

Messages sharing a thread key on a channel feed one case; email threads by Message-ID /
In-Reply-To / References, then by subject and sender; a reply joins its parent's
conversation. The thread rows are locked while the batch decides, so racing workers
agree; on PostgreSQL a thread another worker holds is skipped, not waited for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.channels.base import NormalizedMessage
from inbox.models import Channel, ConversationThread, Message, utcnow
from inbox.runtime import unit_of_work
from inbox.services.dbutil import (
    commit_without_waiting_for_disk,
    insert_ignore_many,
    is_postgresql,
    pairs_in,
    upsert_and_lock_many,
)
from inbox.services.ingest.arrivals import Arrival

SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class Known:
    """A stored message a new one may refer to (its parent, an email it references)."""

    id: int
    thread_key: str | None
    direction: str
    case_id: int | None


KnownMessages = dict[tuple[int, str], Known]


IN_BATCH = 1 << 62  # ids given to this batch's own messages while threading


def known_messages(session: Session, arrivals: list[Arrival]) -> KnownMessages:
    """In one read: the stored messages the batch's replies and emails refer to, and
    those of its own messages that are stored already (redeliveries)."""
    wanted = sorted({(a.channel.id, ref) for a in arrivals
                     for ref in ([a.msg.parent_external_id] if a.msg.parent_external_id
                                 else []) + list(a.msg.references)}
                    | {a.key for a in arrivals})
    rows = session.execute(select(
        Message.id, Message.channel_id, Message.external_id, Message.thread_key,
        Message.direction, Message.case_id,
    ).where(pairs_in(Message.channel_id, Message.external_id, wanted)))
    return {(row.channel_id, row.external_id): Known(row.id, row.thread_key, row.direction,
                                                      row.case_id) for row in rows}


def _email_thread_key(known: KnownMessages, channel: Channel,
                      msg: NormalizedMessage) -> str:
    referenced = [known[(channel.id, ref)] for ref in msg.references
                  if (channel.id, ref) in known and known[(channel.id, ref)].thread_key]
    if referenced:
        return str(max(referenced, key=lambda k: k.id).thread_key)
    subject = SUBJECT_PREFIX.sub("", msg.subject or "").strip().lower()
    return f"email:{msg.author.external_id}:{subject}"[:255]


def _thread_key(known: KnownMessages, channel: Channel,
                msg: NormalizedMessage) -> str:
    if msg.channel_kind == "email":
        return _email_thread_key(known, channel, msg)
    parent = known.get((channel.id, msg.parent_external_id)) if msg.parent_external_id else None
    if parent is not None and parent.thread_key is not None:
        # A reply to a reply joins its parent's conversation even where the platform
        # names no conversation id (X v1.1 payloads), so deep chains stay one case.
        # A top-level comment's parent is the post its thread key already names: each
        # commenter keeps their own conversation there, unless they answer our reply.
        names_parent = (msg.thread_key or "").endswith(str(msg.parent_external_id))
        answers_our_reply = parent.direction == "out" and parent.case_id is not None
        if not names_parent or answers_our_reply:
            return parent.thread_key
    key = msg.thread_key or f"msg:{msg.external_id}"
    if msg.visibility == "public" and msg.author.external_id:
        # Under one post (or brand tweet) every customer has their own conversation:
        # two people complaining on the same post are two cases, not one.
        key = f"{key}|by:{msg.author.external_id}"
    return key[:255]


def assign_thread_keys(known: KnownMessages, arrivals: list[Arrival]) -> None:
    for index, arrival in enumerate(arrivals):
        if arrival.listening or arrival.log_only:
            continue
        arrival.thread_key = _thread_key(known, arrival.channel, arrival.msg)
        # A later message of the same batch may answer this one; it is newer than
        # anything stored (email takes the newest referenced message's thread).
        known[arrival.key] = Known(IN_BATCH + index, arrival.thread_key,
                                    arrival.direction, None)


class ThreadRow(NamedTuple):
    id: int
    case_id: int | None


def lock_threads(session: Session, arrivals: list[Arrival]
                  ) -> tuple[dict[tuple[int, str], ThreadRow], set[tuple[int, str]]]:
    """Lock the batch's threads (creating the missing rows), in key order. Returns the
    locked threads and those another worker holds right now (PostgreSQL only)."""
    keys = sorted({a.thread for a in arrivals})
    if not keys:
        return {}, set()
    rows = [{"channel_id": channel_id, "thread_key": key, "case_id": None, "updated_at": utcnow()}
            for channel_id, key in keys]
    returning = ("id", "channel_id", "thread_key", "case_id")
    if not is_postgresql(session):  # writers are serialized there
        return {(r.channel_id, r.thread_key): ThreadRow(r.id, r.case_id) for r in
                upsert_and_lock_many(session, ConversationThread, rows,
                                     conflict=("channel_id", "thread_key"), touch="updated_at",
                                     returning=returning)}, set()
    # New thread rows are committed at once, in a short transaction of their own (a
    # thread without a case is harmless), so no worker waits on another's uncommitted
    # insert. A thread another worker is deciding is then skipped, not waited for: its
    # messages wait for the next batch while this worker goes on with the rest.
    with unit_of_work() as own:
        commit_without_waiting_for_disk(own)
        insert_ignore_many(own, ConversationThread, rows, conflict=("channel_id", "thread_key"),
                           returning=("id",))
    locked = {(r.channel_id, r.thread_key): ThreadRow(r.id, r.case_id) for r in session.execute(
        select(ConversationThread.id, ConversationThread.channel_id,
               ConversationThread.thread_key, ConversationThread.case_id)
        .where(pairs_in(ConversationThread.channel_id, ConversationThread.thread_key, keys))
        .order_by(ConversationThread.channel_id, ConversationThread.thread_key)
        .with_for_update(skip_locked=True))}
    return locked, set(keys) - set(locked)


def thread_cases(session: Session, keys: Iterable[tuple[int, str]]
                  ) -> dict[tuple[int, str], int | None]:
    """Read (without locking) the cases threads feed: where our echoes belong."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return {(row.channel_id, row.thread_key): row.case_id for row in session.execute(
        select(ConversationThread.channel_id, ConversationThread.thread_key,
               ConversationThread.case_id)
        .where(pairs_in(ConversationThread.channel_id, ConversationThread.thread_key,
                        wanted)))}

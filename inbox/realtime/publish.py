"""The one way to publish a real-time event: buffered on the session, sent after commit.

Web and worker processes alike emit through a write-only Socket.IO Redis
manager, so an event reaches every web process's clients through Redis
(Flask-SocketIO, "Emitting from an External Process"). An event published in
a transaction that rolls back is dropped with it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import socketio
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from inbox.outage import report_if_redis_down
from inbox.realtime.events import CATALOGUE

log = logging.getLogger(__name__)

SOCKETIO_CHANNEL = "inbox-socketio"
# Not an event for clients: an order to every web process to re-check which rooms its
# sockets may stay in (inbox.realtime.reach). It travels on the same channel as the
# events, so a web process handles it before any event published after it.
ACCESS_CHANGE = "inbox.access"
CONTROL_ROOM = "inbox:control"  # nobody joins it: a server that cannot handle the order drops it
_PENDING = "inbox.pending_events"
_SCOPES = "inbox.event_scopes"


class UncataloguedEvent(ValueError):
    pass


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict[str, Any]
    rooms: tuple[str, ...]


class _PipelinedRedisManager(socketio.RedisManager):  # type: ignore[misc]
    """A write-only Redis manager that can send the emits of one commit in one
    pipelined round trip (a batch of ingestion announces hundreds of events)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held = threading.local()  # web processes emit from many threads

    def _publish(self, data: Any) -> Any:
        held = getattr(self._held, "messages", None)
        if held is None:
            return super()._publish(data)
        held.append(data)
        return None

    @contextmanager
    def pipelined(self) -> Iterator[None]:
        if getattr(self._held, "messages", None) is not None:  # already inside one
            yield
            return
        self._held.messages = []
        try:
            yield
        finally:
            messages, self._held.messages = self._held.messages, None
            if len(messages) == 1:
                super()._publish(messages[0])
            elif messages:
                self._publish_all(messages)

    def _publish_all(self, messages: list[Any]) -> None:
        if not self.connected:
            self._redis_connect()
        with self.redis.pipeline(transaction=False) as pipe:
            for data in messages:
                pipe.publish(self.channel, self.json.dumps(data))
            pipe.execute()


_redis_url: Callable[[], str] | None = None
_manager: _PipelinedRedisManager | None = None
_manager_url: str | None = None
_observers: list[Callable[[Event], None]] = []


def configure(redis_url: Callable[[], str]) -> None:
    """Say where the Redis is (resolved at the first emit, not before)."""
    global _redis_url
    _redis_url = redis_url


def _emitter() -> _PipelinedRedisManager | None:
    global _manager, _manager_url
    if _redis_url is None:
        return None
    url = _redis_url()
    if _manager is None or _manager_url != url:
        _manager = _PipelinedRedisManager(url, channel=SOCKETIO_CHANNEL, write_only=True)
        _manager_url = url
    return _manager


# Payload shapes (event, field names and value types) already checked in this process:
# a batch of ingestion publishes thousands of events of a handful of shapes.
_checked_shapes: set[tuple[Any, ...]] = set()


def _check_against_catalogue(name: str, payload: dict[str, Any]) -> None:
    shape = (name, *((key, type(value)) for key, value in payload.items()))
    if shape in _checked_shapes:
        return
    schema = CATALOGUE.get(name)
    if schema is None:
        raise UncataloguedEvent(f"{name!r} is not in inbox.realtime.events.CATALOGUE")
    errors = schema.validate(payload)
    if errors:
        raise UncataloguedEvent(f"payload of {name!r} does not fit its schema: {errors}")
    if len(_checked_shapes) < 10_000:
        _checked_shapes.add(shape)


def publish(session: Session, name: str, payload: dict[str, Any], rooms: Iterable[str]) -> None:
    """Queue `name` for `rooms`; it is emitted only if and when `session` commits."""
    _check_against_catalogue(name, payload)
    _hold_until_commit(session, Event(name, payload, tuple(dict.fromkeys(rooms))))


def _hold_until_commit(session: Session, event: Event) -> None:
    scopes = session.info.get(_SCOPES)
    target = scopes[-1] if scopes else session.info.setdefault(_PENDING, [])
    target.append(event)


def publish_access_change(
    session: Session,
    *,
    users: Iterable[int] = (),
    cases: Iterable[int] = (),
    disconnect_users: Iterable[int] = (),
    disconnect_tokens: Iterable[int] = (),
) -> None:
    """After `session` commits, and before its events, every web process re-checks the
    rooms of these users' sockets and of the sockets watching these cases, and closes
    the sockets of these users and tokens."""
    order = {
        "users": sorted(set(users)),
        "cases": sorted(set(cases)),
        "disconnect_users": sorted(set(disconnect_users)),
        "disconnect_tokens": sorted(set(disconnect_tokens)),
    }
    if not any(order.values()):
        return
    _hold_until_commit(session, Event(ACCESS_CHANGE, order, (CONTROL_ROOM,)))


@contextmanager
def event_scope(session: Session) -> Iterator[None]:
    """Events published inside survive only if the block finishes without an error.

    Pair it with a SAVEPOINT (session.begin_nested()): a rolled-back savepoint must
    take its events with it, while the outer transaction goes on to commit.
    """
    scopes = session.info.setdefault(_SCOPES, [])
    scopes.append([])
    try:
        yield
    except BaseException:
        scopes.pop()
        raise
    kept = scopes.pop()
    outer = scopes[-1] if scopes else session.info.setdefault(_PENDING, [])
    outer.extend(kept)


def pending_events(session: Session) -> list[Event]:
    """The events `session` will emit at commit, innermost scope first (for amending)."""
    scopes = session.info.get(_SCOPES) or []
    return [*(event for scope in reversed(scopes) for event in scope),
            *session.info.get(_PENDING, [])]


def _emit(event: Event) -> None:
    if event.name != ACCESS_CHANGE:
        for observer in list(_observers):
            observer(event)
    manager = _emitter()
    if manager is None:
        log.warning("real-time emitter not configured; dropped %s", event.name)
        return
    # One message for all rooms: one Redis publish, and a client in several of the
    # rooms (queue and supervisors) gets the event once.
    manager.emit(event.name, event.payload, room=list(event.rooms), namespace="/")


@sa_event.listens_for(Session, "after_commit")
def _flush_after_commit(session: Session) -> None:
    events = session.info.pop(_PENDING, [])
    if not events:
        return
    # Access orders first: a socket that lost sight of a case leaves its room before
    # the commit's events for that case go out.
    events.sort(key=lambda event: event.name != ACCESS_CHANGE)
    manager = _emitter()
    try:
        with manager.pipelined() if manager is not None else nullcontext():
            for event in events:
                try:
                    _emit(event)
                except Exception as exc:  # committed; a lost notice is caught up by resync
                    if not report_if_redis_down(exc):
                        log.exception("could not emit %s", event.name)
    except Exception as exc:
        if not report_if_redis_down(exc):
            log.exception("could not emit %s events", len(events))


@sa_event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_SCOPES, None)


@contextmanager
def capture_events() -> Iterator[list[Event]]:
    """Collect every event emitted in this process (tests, diagnostics)."""
    captured: list[Event] = []
    _observers.append(captured.append)
    try:
        yield captured
    finally:
        _observers.remove(captured.append)

"""Fetch-and-authorise helpers: one call returns the object or the same 404 as 'missing'."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from inbox.models import Case, Queue, User
from inbox.models.workspace import queue_teams
from inbox.services.access_snapshots import snapshot_queue_ids
from inbox.services.dbutil import for_update as lock_rows
from inbox.services.errors import Forbidden, NotFound


def visible_queue_ids(session: Session, user: User) -> list[int]:
    """Queues an agent works: those of their teams, and, for members of the default
    team, every queue no team has been given yet. Supervisors see every queue."""
    known = snapshot_queue_ids(user)
    if known is not None:
        return known
    if user.is_supervisor:
        return list(session.scalars(select(Queue.id).order_by(Queue.id)))
    team_ids = [t.id for t in user.teams]
    in_default = any(t.is_default for t in user.teams)
    linked = select(queue_teams.c.queue_id).where(queue_teams.c.team_id.in_(team_ids))
    conditions: list[ColumnElement[bool]] = [Queue.id.in_(linked)]
    if in_default:
        conditions.append(~exists().where(queue_teams.c.queue_id == Queue.id))
    return list(session.scalars(select(Queue.id).where(or_(*conditions)).order_by(Queue.id)))


def access_case(session: Session, user: User, case_id: int, *, for_update: bool = False) -> Case:
    stmt = select(Case).where(Case.id == case_id)
    if for_update:
        stmt = lock_rows(session, stmt)
    case = session.scalar(stmt)
    if case is None or not can_see_case(session, user, case):
        raise NotFound(f"case {case_id} not found")
    return case


def can_see_case(session: Session, user: User, case: Case) -> bool:
    if user.is_supervisor or case.assignee_id == user.id:
        return True
    if case.queue_id is None:
        return False
    return case.queue_id in visible_queue_ids(session, user)


def access_queue(session: Session, user: User, queue_id: int) -> Queue:
    queue = session.get(Queue, queue_id)
    if queue is None or queue_id not in visible_queue_ids(session, user):
        raise NotFound(f"queue {queue_id} not found")
    return queue


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"this needs the {' or '.join(roles)} role")

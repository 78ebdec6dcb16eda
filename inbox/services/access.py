"""Fetch-and-authorise helpers: one call returns the object or the same 404 as 'missing'."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
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
    return queues_visible_to(session, [user])[user.id]


def queues_visible_to(session: Session, users: Iterable[User]) -> dict[int, list[int]]:
    """visible_queue_ids for many users at once, in two queries (the wallboard's count
    of agents online per queue)."""
    everyone = list(users)
    all_ids = list(session.scalars(select(Queue.id).order_by(Queue.id)))
    if all(user.is_supervisor for user in everyone):
        return {user.id: all_ids for user in everyone}
    links = session.execute(select(queue_teams.c.queue_id, queue_teams.c.team_id)).all()
    given = {queue_id for queue_id, _ in links}
    seen: dict[int, list[int]] = {}
    for user in everyone:
        if user.is_supervisor:
            seen[user.id] = all_ids
            continue
        team_ids = {t.id for t in user.teams}
        theirs = {queue_id for queue_id, team_id in links if team_id in team_ids}
        in_default = any(t.is_default for t in user.teams)
        seen[user.id] = [queue_id for queue_id in all_ids
                         if queue_id in theirs or (in_default and queue_id not in given)]
    return seen


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

"""Queues: live counts, queue order, and handing an agent the best case they may take.

Queue order is priority (P1 first), then SLA due time (soonest first, none last),
then age (docs/routing-and-sla.md).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, and_, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from inbox.models import Case, CaseOffer, Channel, Queue, User, utcnow
from inbox.services.access import access_queue, queues_visible_to, visible_queue_ids
from inbox.services.cases import states as case_states
from inbox.services.dbutil import for_update


class soonest_first_none_last(FunctionElement[datetime]):  # noqa: N801 - reads as SQL
    """An ORDER BY term: a time ascending, NULLs after every time."""

    type = DateTime()
    inherit_cache = True
    name = "soonest_first_none_last"


@compiles(soonest_first_none_last)
def _soonest_first(element: soonest_first_none_last, compiler: Any, **kw: Any) -> str:
    [moment] = (compiler.process(c, **kw) for c in element.clauses)
    return f"{moment} ASC NULLS LAST"


@compiles(soonest_first_none_last, "sqlite")
def _soonest_first_sqlite(element: soonest_first_none_last, compiler: Any, **kw: Any) -> str:
    # SQLite sorts NULLs first and its indexes cannot say otherwise; ordering by the
    # expression `IS NULL` first gives the same order, read straight from an index on it.
    [moment] = (compiler.process(c, **kw) for c in element.clauses)
    return f"{moment} IS NULL, {moment}"


def queue_order(columns: Any) -> tuple[ColumnElement[Any], ...]:
    """The queue's order on `columns`: the cases table's, or a subquery's of its columns."""
    return (columns.priority.asc(), soonest_first_none_last(columns.sla_due_at),
            columns.id.asc())


QUEUE_ORDER = queue_order(Case)
CANDIDATES = 50  # how deep next-case looks for one this agent may take
AT_RISK_WITHIN = timedelta(minutes=15)
HOLDING = ("assigned", "pending")


def call_blocks_social() -> bool:
    """Per-workspace: an agent on a call takes no new written work (the omnichannel point)."""
    return os.environ.get("INBOX_CALL_BLOCKS_SOCIAL", "1") not in ("0", "false", "no")


def agent_load(session: Session, agent_id: int) -> dict[str, int]:
    """Open cases an agent holds, per channel kind."""
    return agent_loads(session, [agent_id]).get(agent_id, {})


def agent_loads(session: Session, agent_ids: list[int]) -> dict[int, dict[str, int]]:
    """Open cases each of these agents holds, per channel kind, in one grouped query."""
    rows = session.execute(
        select(Case.assignee_id, Channel.kind, func.count(Case.id))
        .join(Channel, Channel.id == Case.channel_id)
        .where(Case.assignee_id.in_(agent_ids), Case.status.in_(HOLDING))
        .group_by(Case.assignee_id, Channel.kind)
    ).all()
    loads: dict[int, dict[str, int]] = {}
    for agent_id, kind, count in rows:
        if agent_id is not None:  # the filter keeps only held cases; this tells mypy
            loads.setdefault(agent_id, {})[kind] = count
    return loads


def free_capacity(agent: User, load: dict[str, int], channel_kind: str) -> int:
    capacity = int((agent.capacity or {}).get(channel_kind, 0))
    return capacity - load.get(channel_kind, 0)


def can_take(agent: User, required_skills: list[str], channel_kind: str,
             load: dict[str, int]) -> bool:
    if agent.presence not in ("online", "on_call"):
        return False
    if agent.presence == "on_call" and channel_kind != "voice" and call_blocks_social():
        return False
    if not set(required_skills) <= {s.name for s in agent.skills}:
        return False
    return free_capacity(agent, load, channel_kind) > 0


def next_case_for(session: Session, agent: User, queue_id: int | None) -> Case | None:
    """Claim the best case this agent is eligible for — in the queue, or with None in all
    the queues they work, merged by queue order — or None."""
    if queue_id is not None:
        access_queue(session, agent, queue_id)
        queue_ids = [queue_id]
    else:
        queue_ids = sorted(visible_queue_ids(session, agent))
    if not queue_ids:
        return None
    load = agent_load(session, agent.id)
    # Light rows first (id, skills, kind); only the chosen case is loaded as an object.
    stmt = (
        select(Case.id, Case.required_skills, Channel.kind)
        .join(Channel, Channel.id == Case.channel_id, isouter=True)
        .where(Case.queue_id.in_(queue_ids), Case.status == "queued",
               # a case offered to someone else (push mode) is theirs until the offer ends
               ~exists().where(CaseOffer.case_id == Case.id, CaseOffer.state == "open",
                               CaseOffer.agent_id != agent.id))
        .order_by(*QUEUE_ORDER)
        .limit(CANDIDATES)
    )
    # Skip rows another agent is claiming right now instead of waiting on them.
    stmt = for_update(session, stmt, of=Case, skip_locked=True)
    for case_id, required_skills, kind in session.execute(stmt).all():
        if can_take(agent, required_skills or [], kind or "generic", load):
            case = session.get(Case, case_id)
            assert case is not None  # locked by the select above
            case_states.do_claim(session, case, agent)
            return case
    return None


def queue_stats(session: Session, user: User) -> list[dict[str, Any]]:
    """Live counts for the queues `user` works: waiting, oldest wait, at risk, breached."""
    return queue_stats_of(session, visible_queue_ids(session, user))


def at_risk_condition(now: datetime) -> ColumnElement[bool]:
    """At risk is what the desk paints amber: past the policy's warning moment (or within
    AT_RISK_WITHIN of due when none is known), not yet breached, and not paused."""
    return and_(
        Case.status.in_(case_states.OPEN), Case.status != "pending",
        Case.sla_breached_at.is_(None), Case.sla_due_at >= now,
        or_(Case.sla_warned_at.is_not(None), Case.sla_warn_at <= now,
            and_(Case.sla_warn_at.is_(None), Case.sla_due_at < now + AT_RISK_WITHIN)),
    )


def breached_condition(now: datetime) -> ColumnElement[bool]:
    """Open and past due (or marked breached by the sweep)."""
    return and_(Case.status.in_(case_states.OPEN),
                or_(Case.sla_breached_at.is_not(None), Case.sla_due_at < now))


def queue_stats_of(session: Session, queue_ids: list[int],
                   now: datetime | None = None) -> list[dict[str, Any]]:
    """Live counts for these queues (as of `now`): waiting, oldest wait, at risk, breached."""
    if not queue_ids:
        return []
    now = now or utcnow()
    queues = session.scalars(select(Queue).where(Queue.id.in_(queue_ids)).order_by(Queue.id))
    waiting = dict(session.execute(
        select(Case.queue_id, func.count(Case.id)).where(
            Case.queue_id.in_(queue_ids), Case.status == "queued").group_by(Case.queue_id)
    ).all())
    oldest = dict(session.execute(
        select(Case.queue_id, func.min(Case.created_at)).where(
            Case.queue_id.in_(queue_ids), Case.status == "queued").group_by(Case.queue_id)
    ).all())
    in_queues = Case.queue_id.in_(queue_ids)
    breached = dict(session.execute(
        select(Case.queue_id, func.count(Case.id)).where(
            in_queues, breached_condition(now)).group_by(Case.queue_id)
    ).all())
    at_risk = dict(session.execute(
        select(Case.queue_id, func.count(Case.id)).where(
            in_queues, at_risk_condition(now)).group_by(Case.queue_id)
    ).all())
    online = session.scalars(select(User).where(User.presence.in_(("online", "on_call")),
                                                User.is_active.is_(True))).all()
    online_by_queue = {qid: 0 for qid in queue_ids}
    for seen in queues_visible_to(session, online).values():
        for qid in seen:
            if qid in online_by_queue:
                online_by_queue[qid] += 1
    return [
        {
            "id": q.id, "name": q.name, "mode": q.mode,
            "waiting": waiting.get(q.id, 0),
            "oldest_wait_seconds": int((now - oldest[q.id]).total_seconds())
            if oldest.get(q.id) else None,
            "at_risk": at_risk.get(q.id, 0), "breached": breached.get(q.id, 0),
            "agents_online": online_by_queue.get(q.id, 0),
        }
        for q in queues
    ]

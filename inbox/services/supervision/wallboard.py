"""The wallboard snapshot: every queue's live counts and today's figures, every agent's
state and load, and the cases at risk or breached — one read, a few grouped queries.

The live counts are queue_stats' and today's figures are the reports' (queue_figures),
so the wallboard, the API and the reports agree by construction. "Today" is the UTC day.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from inbox.models import Case, CaseEvent, Message, Queue, User, utcnow
from inbox.realtime.publish import publish
from inbox.realtime.rooms import SUPERVISORS
from inbox.services.admin.team import CHANNEL_CAPACITY_KINDS
from inbox.services.cases.queues import (
    QUEUE_ORDER,
    agent_loads,
    at_risk_condition,
    breached_condition,
    queue_stats_of,
)
from inbox.services.reports.measures import queue_figures
from inbox.services.sending.approvals import approval_counts

DRILL_DOWN_LIMIT = 50  # cases per list: the worst first, enough to act on


def start_of_day(now: datetime) -> datetime:
    """Midnight (UTC) of `now`'s day."""
    return datetime.combine(now.astimezone(UTC).date(), time.min, tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def wallboard_snapshot(session: Session, now: datetime | None = None) -> dict[str, Any]:
    """The whole wallboard as of `now` (tests give one; the product, the clock's)."""
    now = now or utcnow()
    queue_ids = list(session.scalars(select(Queue.id).order_by(Queue.id)))
    return {
        "computed_at": _iso(now),
        "queues": _queues(session, queue_ids, now),
        "agents": _agents(session, now),
        "at_risk": _cases(session, at_risk_condition(now)),
        "breached": _cases(session, breached_condition(now)),
        "approvals": approval_counts(session, now),
    }


def _queues(session: Session, queue_ids: list[int], now: datetime) -> list[dict[str, Any]]:
    today = queue_figures(session, start_of_day(now), now, queue_ids)
    rows = []
    for stats in queue_stats_of(session, queue_ids, now):
        figures = today[stats["id"]]
        rows.append({**stats, "handled_today": figures.handled,
                     "sla_attainment_today": figures.sla_attainment,
                     "first_response_median_today_seconds":
                         figures.first_response_median_seconds})
    return rows


def _last_activity(session: Session, agent_ids: list[int]) -> dict[int, datetime]:
    """An agent's last activity: their latest case event (claim, transfer, resolve...)
    or message written (reply or note), whichever is later."""
    moments = union_all(
        select(CaseEvent.actor_id.label("agent_id"), func.max(CaseEvent.created_at).label("at"))
        .where(CaseEvent.actor_id.in_(agent_ids)).group_by(CaseEvent.actor_id),
        select(Message.author_id.label("agent_id"), func.max(Message.created_at).label("at"))
        .where(Message.author_id.in_(agent_ids)).group_by(Message.author_id),
    ).subquery()
    rows = session.execute(select(moments.c.agent_id, func.max(moments.c.at))
                           .group_by(moments.c.agent_id)).all()
    return {agent_id: at for agent_id, at in rows if at is not None}


def _agents(session: Session, now: datetime) -> list[dict[str, Any]]:
    # Columns, not User objects: loading a user also loads their teams and skills.
    agents = session.execute(
        select(User.id, User.name, User.presence, User.presence_changed_at, User.capacity)
        .where(User.is_active.is_(True), User.role == "agent").order_by(User.name)).all()
    ids = [agent.id for agent in agents]
    loads = agent_loads(session, ids) if ids else {}
    last = _last_activity(session, ids) if ids else {}
    rows = []
    for agent in agents:
        load = loads.get(agent.id, {})
        capacity = {kind: int((agent.capacity or {}).get(kind, 0))
                    for kind in CHANNEL_CAPACITY_KINDS}
        kinds = [kind for kind in CHANNEL_CAPACITY_KINDS if capacity[kind] or load.get(kind)]
        rows.append({
            "id": agent.id, "name": agent.name, "presence": agent.presence,
            "presence_since": _iso(agent.presence_changed_at),
            "in_state_seconds": max(int((now - agent.presence_changed_at).total_seconds()), 0),
            "open_by_channel": {kind: {"open": load.get(kind, 0), "capacity": capacity[kind]}
                                for kind in kinds},
            "open_total": sum(load.values()),
            "last_activity_at": _iso(last.get(agent.id)),
            "on_call": agent.presence == "on_call",
        })
    return rows


def _cases(session: Session, condition: Any) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Case.id, Case.subject, Case.status, Case.priority, Case.queue_id,
               Case.assignee_id, Case.escalation_level, Case.sla_due_at)
        .where(condition).order_by(*QUEUE_ORDER).limit(DRILL_DOWN_LIMIT)
    ).all()
    return [{"id": r.id, "subject": r.subject or "", "status": r.status,
             "priority": r.priority, "queue_id": r.queue_id, "assignee_id": r.assignee_id,
             "escalation_level": r.escalation_level, "sla_due_at": _iso(r.sla_due_at)}
            for r in rows]


def do_publish_wallboard(session: Session, sequence: int) -> dict[str, Any]:
    """Compute the snapshot once and send it to every supervisor (after commit)."""
    snapshot = {**wallboard_snapshot(session), "sequence": sequence}
    publish(session, "wallboard.updated", snapshot, [SUPERVISORS])
    return snapshot

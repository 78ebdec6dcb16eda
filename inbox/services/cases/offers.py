"""Push mode: offer queued cases to agents instead of waiting for them to pull.

A case in a push queue is offered to the eligible online agent with the most free
capacity for its channel kind (ties: whoever was offered work longest ago, so
offers go round). An offer not accepted within the queue's offer_timeout_seconds
expires and the case goes to the next agent; an agent who declines, goes away or
disconnects is skipped. dispatch() does all of it and is safe to run often and
concurrently (docs/routing-and-sla.md).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from inbox.jobs import DEFAULT, job
from inbox.models import Case, CaseOffer, Channel, Queue, User, utcnow
from inbox.realtime.publish import publish
from inbox.realtime.rooms import agent_room
from inbox.services.access import visible_queue_ids
from inbox.services.cases import states as case_states
from inbox.services.cases.offer_trigger import DISPATCH_WAITING, request_dispatch
from inbox.services.cases.queues import QUEUE_ORDER, agent_load, can_take, free_capacity
from inbox.services.errors import Conflict, NotFound

PER_QUEUE = 100  # cases considered per queue and dispatch


def _open_offer_case_ids(session: Session) -> set[int]:
    return set(session.scalars(select(CaseOffer.case_id).where(CaseOffer.state == "open")))


def _last_offered(session: Session) -> dict[int, object]:
    return dict(session.execute(
        select(CaseOffer.agent_id, func.max(CaseOffer.offered_at)).group_by(CaseOffer.agent_id)
    ).all())


def _tried(session: Session, case_id: int) -> set[int]:
    return set(session.scalars(select(CaseOffer.agent_id).where(
        CaseOffer.case_id == case_id, CaseOffer.state.in_(("declined", "expired",
                                                           "withdrawn")))))


def expire_offers(session: Session) -> int:
    result = session.execute(
        update(CaseOffer).where(CaseOffer.state == "open", CaseOffer.expires_at <= utcnow())
        .values(state="expired", decided_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _offer(session: Session, case: Case, agent: User, timeout: int) -> CaseOffer:
    offer = CaseOffer(case_id=case.id, agent_id=agent.id, state="open",
                      expires_at=utcnow() + timedelta(seconds=timeout))
    session.add(offer)
    session.flush()
    publish(session, "case.offered", {"case_id": case.id, "offer_id": offer.id,
                                      "expires_at": offer.expires_at.isoformat(),
                                      "subject": case.subject, "priority": case.priority},
            [agent_room(agent.id)])
    return offer


@job(DEFAULT, result_ttl=30)
def dispatch() -> int:
    """Expire stale offers, then offer every waiting push-queue case that has none."""
    from inbox.runtime import unit_of_work

    made = 0
    with unit_of_work() as session:
        DISPATCH_WAITING.started()
        expire_offers(session)
        queues = session.scalars(select(Queue).where(Queue.mode == "push")).all()
        if not queues:
            return 0
        agents = session.scalars(select(User).where(
            User.is_active.is_(True), User.presence.in_(("online", "on_call")))).all()
        visible = {a.id: set(visible_queue_ids(session, a)) for a in agents}
        loads = {a.id: agent_load(session, a.id) for a in agents}
        pending_offers = dict(session.execute(
            select(CaseOffer.agent_id, Channel.kind).join(Case, Case.id == CaseOffer.case_id)
            .join(Channel, Channel.id == Case.channel_id, isouter=True)
            .where(CaseOffer.state == "open")).all())
        for agent_id, kind in pending_offers.items():  # an open offer holds a slot
            load = loads.setdefault(agent_id, {})
            load[kind or "generic"] = load.get(kind or "generic", 0) + 1
        offered = _open_offer_case_ids(session)
        last = _last_offered(session)
        for queue in queues:
            rows = session.execute(
                select(Case, Channel.kind).join(Channel, Channel.id == Case.channel_id,
                                                isouter=True)
                .where(Case.queue_id == queue.id, Case.status == "queued")
                .order_by(*QUEUE_ORDER).limit(PER_QUEUE)).all()
            for case, kind in rows:
                if case.id in offered:
                    continue
                kind = kind or "generic"
                tried = _tried(session, case.id)
                eligible = [a for a in agents if queue.id in visible[a.id]
                            and a.id not in tried
                            and can_take(a, case.required_skills or [], kind, loads[a.id])]
                if not eligible:
                    continue
                chosen = max(eligible, key=lambda a: (free_capacity(a, loads[a.id], kind),
                                                      -_stamp(last.get(a.id))))
                _offer(session, case, chosen, queue.offer_timeout_seconds)
                loads[chosen.id][kind] = loads[chosen.id].get(kind, 0) + 1
                last[chosen.id] = utcnow()
                made += 1
    return made


def _stamp(moment: object) -> float:
    return moment.timestamp() if hasattr(moment, "timestamp") else 0.0


def _own_offer(session: Session, offer_id: int, agent: User) -> CaseOffer:
    offer = session.get(CaseOffer, offer_id)
    if offer is None or offer.agent_id != agent.id:
        raise NotFound(f"offer {offer_id} not found")
    if offer.state != "open" or offer.expires_at <= utcnow():
        raise Conflict(f"the offer is no longer open ({offer.state})", state=offer.state)
    return offer


def do_accept_offer(session: Session, offer_id: int, agent: User) -> Case:
    offer = _own_offer(session, offer_id, agent)
    case = session.get(Case, offer.case_id)
    assert case is not None
    offer.state, offer.decided_at = "accepted", utcnow()
    case_states.do_claim(session, case, agent)
    return case


def do_decline_offer(session: Session, offer_id: int, agent: User) -> None:
    offer = _own_offer(session, offer_id, agent)
    offer.state, offer.decided_at = "declined", utcnow()
    request_dispatch(session)


def do_withdraw_offers(session: Session, agent_id: int) -> int:
    """An agent went away or disconnected: their open offers return to the queue."""
    result = session.execute(
        update(CaseOffer).where(CaseOffer.agent_id == agent_id, CaseOffer.state == "open")
        .values(state="withdrawn", decided_at=utcnow()))
    request_dispatch(session)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def open_offers_for(session: Session, agent_id: int) -> list[CaseOffer]:
    return list(session.scalars(select(CaseOffer).where(
        CaseOffer.agent_id == agent_id, CaseOffer.state == "open",
        CaseOffer.expires_at > utcnow()).order_by(CaseOffer.id)))

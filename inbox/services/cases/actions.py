"""What a user does to one case: fetch it as that user (locked) and act. One call per edge,
in the transaction the edge opened."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from inbox.models import Case, Queue, User
from inbox.services.access import access_case, can_see_case
from inbox.services.cases import states as cases
from inbox.services.errors import Forbidden, ValidationFailed


def _act(session: Session, user: User, case_id: int,
         action: Callable[[Session, Case], object]) -> Case:
    case = access_case(session, user, case_id, for_update=True)
    action(session, case)
    return case


def claim(session: Session, user: User, case_id: int) -> Case:
    return _act(session, user, case_id, lambda s, c: cases.do_claim(s, c, user))


def release(session: Session, user: User, case_id: int) -> Case:
    return _act(session, user, case_id, lambda s, c: cases.do_release(s, c, user))


def set_pending(session: Session, user: User, case_id: int) -> Case:
    return _act(session, user, case_id, lambda s, c: cases.do_set_pending(s, c, user))


def resolve(session: Session, user: User, case_id: int, disposition: str) -> Case:
    return _act(session, user, case_id, lambda s, c: cases.do_resolve(s, c, user, disposition))


def reopen(session: Session, user: User, case_id: int, reason: str) -> Case:
    return _act(session, user, case_id, lambda s, c: cases.do_reopen(s, c, user, reason))


def escalate(session: Session, user: User, case_id: int, reason: str, queue_id: int | None) -> Case:
    def action(session: Session, case: Case) -> object:
        if queue_id is not None and session.get(Queue, queue_id) is None:
            raise ValidationFailed("no such queue", fields={"queue_id": "unknown queue"})
        return cases.do_escalate(session, case, user, reason, queue_id=queue_id)

    return _act(session, user, case_id, action)


def deescalate(session: Session, user: User, case_id: int, reason: str) -> Case:
    return _act(session, user, case_id, lambda s, c: cases.do_deescalate(s, c, user, reason))


def set_priority(session: Session, user: User, case_id: int, priority: int) -> Case:
    return _act(session, user, case_id,
                lambda s, c: cases.do_set_priority(s, c, user, priority))


def transfer(session: Session, user: User, case_id: int, *, queue_id: int | None,
             agent_id: int | None) -> Case:
    if (queue_id is None) == (agent_id is None):
        raise ValidationFailed(
            "give exactly one of queue_id or agent_id",
            fields={"queue_id": "give this or agent_id", "agent_id": "give this or queue_id"},
        )

    def action(session: Session, case: Case) -> object:
        if case.assignee_id is not None:
            cases.check_holder_or_supervisor(case, user, "transfer")
        if queue_id is not None:
            if session.get(Queue, queue_id) is None:
                raise ValidationFailed("no such queue", fields={"queue_id": "unknown queue"})
            return cases.do_transfer_to_queue(session, case, queue_id, by=user)
        agent = session.get(User, agent_id)
        if agent is None or not agent.is_active:
            raise ValidationFailed("no such agent", fields={"agent_id": "unknown agent"})
        if not can_see_case(session, agent, case):
            raise Forbidden("that agent does not work this case's queue")
        return cases.do_assign(session, case, agent, by=user)

    return _act(session, user, case_id, action)


"""/api/v1/cases: list, read and act on cases. Thin: validate, one service call, shape."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import ANYONE, SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.cases import (
    CaseDetailOut,
    CaseEventOut,
    CaseListArgs,
    CaseOut,
    CasePage,
    EscalateIn,
    MergeIn,
    MessagePage,
    MessagePageArgs,
    PriorityIn,
    ReasonIn,
    ReopenIn,
    ResolveIn,
    TransferIn,
)
from inbox.services import unit_of_work
from inbox.services.cases import actions as case_actions
from inbox.services.cases import merging
from inbox.services.cases.history import case_messages
from inbox.services.cases.queries import case_detail, case_events, list_cases

blp = protected_blueprint("cases", __name__, "Cases: the unit of work")


@blp.route("/cases", allow=ANYONE)
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, CasePage)
def get_cases(args: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work(read_only=True) as session:
        return list_cases(session, current_api_user(), args)


@blp.route("/cases/<int:case_id>", allow=ANYONE, case="case_id")
@blp.response(200, CaseDetailOut)
def get_case(case_id: int) -> dict[str, Any]:
    with unit_of_work(read_only=True) as session:
        return case_detail(session, current_api_user(), case_id)


@blp.route("/cases/<int:case_id>/events", allow=ANYONE, case="case_id")
@blp.response(200, CaseEventOut(many=True))
def get_case_events(case_id: int) -> Any:
    """The case's record: every change, who made it and when, oldest first."""
    with unit_of_work(read_only=True) as session:
        return case_events(session, case_id)


@blp.route("/cases/<int:case_id>/messages", allow=ANYONE, case="case_id")
@blp.arguments(MessagePageArgs, location="query")
@blp.response(200, MessagePage)
def get_case_messages(args: dict[str, Any], case_id: int) -> dict[str, Any]:
    with unit_of_work(read_only=True) as session:
        return case_messages(session, current_api_user(), case_id, before=args.get("before"),
                             limit=args["limit"])


@blp.route("/cases/<int:case_id>/claim", methods=["POST"], allow=ANYONE, case="case_id")
@blp.response(200, CaseOut)
def claim(case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.claim(session, current_api_user(), case_id)


@blp.route("/cases/<int:case_id>/release", methods=["POST"], allow=ANYONE, case="case_id")
@blp.response(200, CaseOut)
def release(case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.release(session, current_api_user(), case_id)


@blp.route("/cases/<int:case_id>/pending", methods=["POST"], allow=ANYONE, case="case_id")
@blp.response(200, CaseOut)
def pending(case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.set_pending(session, current_api_user(), case_id)


@blp.route("/cases/<int:case_id>/resolve", methods=["POST"], allow=ANYONE, case="case_id")
@blp.arguments(ResolveIn)
@blp.response(200, CaseOut)
def resolve(body: dict[str, Any], case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.resolve(session, current_api_user(), case_id, body["disposition"])


@blp.route("/cases/<int:case_id>/reopen", methods=["POST"], allow=ANYONE, case="case_id")
@blp.arguments(ReopenIn)
@blp.response(200, CaseOut)
def reopen(body: dict[str, Any], case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.reopen(session, current_api_user(), case_id, body["reason"])


@blp.route("/cases/<int:case_id>/escalate", methods=["POST"], allow=ANYONE, case="case_id")
@blp.arguments(EscalateIn)
@blp.response(200, CaseOut)
def escalate(body: dict[str, Any], case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.escalate(session, current_api_user(), case_id, body["reason"],
                                     body.get("queue_id"))


@blp.route("/cases/<int:case_id>/deescalate", methods=["POST"], allow=SUPERVISORS, case="case_id")
@blp.arguments(ReasonIn)
@blp.response(200, CaseOut)
def deescalate(body: dict[str, Any], case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.deescalate(session, current_api_user(), case_id, body["reason"])


@blp.route("/cases/<int:case_id>/priority", methods=["POST"], allow=SUPERVISORS, case="case_id")
@blp.arguments(PriorityIn)
@blp.response(200, CaseOut)
def set_priority(body: dict[str, Any], case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.set_priority(session, current_api_user(), case_id, body["priority"])


@blp.route("/cases/<int:case_id>/transfer", methods=["POST"], allow=ANYONE, case="case_id")
@blp.arguments(TransferIn)
@blp.response(200, CaseOut)
def transfer(body: dict[str, Any], case_id: int) -> Any:
    with unit_of_work() as session:
        return case_actions.transfer(session, current_api_user(), case_id,
                                     queue_id=body.get("queue_id"), agent_id=body.get("agent_id"))


@blp.route("/cases/<int:case_id>/merge", methods=["POST"], allow=ANYONE, case="case_id")
@blp.arguments(MergeIn)
@blp.response(200, CaseOut)
def merge(body: dict[str, Any], case_id: int) -> Any:
    """Merge this case into another open case of the same customer; answers the target."""
    with unit_of_work() as session:
        return merging.merge(session, current_api_user(), case_id, body["into_case_id"])


@blp.route("/cases/<int:case_id>/unmerge", methods=["POST"], allow=ANYONE, case="case_id")
@blp.response(200, CaseOut)
def unmerge(case_id: int) -> Any:
    """Undo this case's merge (within INBOX_MERGE_UNDO_MINUTES); answers this case."""
    with unit_of_work() as session:
        return merging.unmerge(session, current_api_user(), case_id)

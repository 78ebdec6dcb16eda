"""/api/v1/approvals: public replies awaiting a supervisor's approval (four eyes;
docs/sending.md). Thin edges over inbox/services/sending/approvals.py."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.approvals import ApprovalOut, ApproveIn, SendBackIn
from inbox.schemas.cases import MessageOut
from inbox.services import unit_of_work
from inbox.services.sending import approvals

blp = protected_blueprint("approvals_api", __name__, "Public replies awaiting approval")


@blp.route("/approvals", allow=SUPERVISORS)
@blp.response(200, ApprovalOut(many=True))
def list_approvals() -> Any:
    """Every public reply awaiting approval, with its case; the earliest due first."""
    with unit_of_work(read_only=True) as session:
        return approvals.pending_approvals(session)


@blp.route("/approvals/<int:message_id>/approve", methods=["POST"], allow=SUPERVISORS)
@blp.arguments(ApproveIn)
@blp.response(200, MessageOut)
def approve(body: dict[str, Any], message_id: int) -> Any:
    """Send the reply (as edited, with `text`); 409 when it is not awaiting approval or
    is the caller's own."""
    with unit_of_work() as session:
        return approvals.approve(session, current_api_user(), message_id, body["text"])


@blp.route("/approvals/<int:message_id>/return", methods=["POST"], allow=SUPERVISORS)
@blp.arguments(SendBackIn)
@blp.response(200, MessageOut)
def send_back(body: dict[str, Any], message_id: int) -> Any:
    """Send the reply back to its agent with a comment; it is not sent."""
    with unit_of_work() as session:
        return approvals.send_back(session, current_api_user(), message_id, body["comment"])

"""/api/v1/queues: live counts and next case; /api/v1/agents/me/presence; the desk's
directory (colleagues, channels, queues by name)."""

from __future__ import annotations

from typing import Any

from flask import Response

from inbox.api.auth import current_api_user
from inbox.api.authorization import ANYONE
from inbox.api.base import protected_blueprint
from inbox.schemas.cases import CaseOut
from inbox.schemas.routing import OfferOut, PresenceIn, QueueStatsOut
from inbox.services import unit_of_work
from inbox.services.cases.offers import do_accept_offer, do_decline_offer, open_offers_for
from inbox.services.cases.presence import do_set_presence
from inbox.services.cases.queues import next_case_for, queue_stats
from inbox.services.cases.viewing import desk_directory

blp = protected_blueprint("queues", __name__, "Queues, next case and presence")


@blp.route("/queues", allow=ANYONE)
@blp.response(200, QueueStatsOut(many=True))
def get_queues() -> Any:
    with unit_of_work() as session:
        return queue_stats(session, current_api_user())


@blp.route("/desk/directory", allow=ANYONE)
@blp.response(200)
def get_directory() -> Any:
    """Who and what the desk names: read again when a case names a channel, queue or
    colleague the desk did not know when it loaded."""
    with unit_of_work(read_only=True) as session:
        return desk_directory(session, current_api_user())


@blp.route("/queues/<int:queue_id>/next", methods=["POST"], allow=ANYONE)
@blp.response(200, CaseOut)
@blp.alt_response(204, description="no case in this queue that you may take now")
def next_case(queue_id: int) -> Any:
    with unit_of_work() as session:
        case = next_case_for(session, current_api_user(), queue_id)
    if case is None:
        return Response(status=204)
    return case


@blp.route("/queues/next", methods=["POST"], allow=ANYONE)
@blp.response(200, CaseOut)
@blp.alt_response(204, description="no case in your queues that you may take now")
def next_case_anywhere() -> Any:
    """The most urgent case you may take in any queue you work (priority, SLA due, age)."""
    with unit_of_work() as session:
        case = next_case_for(session, current_api_user(), None)
    if case is None:
        return Response(status=204)
    return case


@blp.route("/agents/me/presence", methods=["PUT"], allow=ANYONE)
@blp.arguments(PresenceIn)
@blp.response(200, PresenceIn)
def put_presence(body: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        user = do_set_presence(session, current_api_user().id, body["presence"])
        return {"presence": user.presence}


@blp.route("/offers", allow=ANYONE)
@blp.response(200, OfferOut(many=True))
def get_offers() -> Any:
    with unit_of_work() as session:
        return open_offers_for(session, current_api_user().id)


@blp.route("/offers/<int:offer_id>/accept", methods=["POST"], allow=ANYONE)
@blp.response(200, CaseOut)
def accept_offer(offer_id: int) -> Any:
    with unit_of_work() as session:
        return do_accept_offer(session, offer_id, current_api_user())


@blp.route("/offers/<int:offer_id>/decline", methods=["POST"], allow=ANYONE)
@blp.response(204)
def decline_offer(offer_id: int) -> None:
    with unit_of_work() as session:
        do_decline_offer(session, offer_id, current_api_user())

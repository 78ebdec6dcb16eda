"""/api/v1/watch-terms and /api/v1/monitored: listening before speaking (supervisors)."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.cases import CaseOut, MessageOut
from inbox.schemas.listening import MonitoredArgs, TrendsArgs, WatchTermIn, WatchTermOut
from inbox.services import unit_of_work
from inbox.services.ingest import listening
from inbox.services.listening.trends import listening_trends

blp = protected_blueprint("listening_api", __name__, "Watch list and the monitored stream")


@blp.route("/watch-terms", allow=SUPERVISORS)
@blp.response(200, WatchTermOut(many=True))
def get_terms() -> Any:
    with unit_of_work() as session:
        return listening.list_watch_terms(session)


@blp.route("/watch-terms", methods=["POST"], allow=SUPERVISORS)
@blp.arguments(WatchTermIn)
@blp.response(201, WatchTermOut)
def post_term(body: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        return listening.do_add_watch_term(session, body["term"], current_api_user())


@blp.route("/watch-terms/<int:term_id>", methods=["DELETE"], allow=SUPERVISORS)
@blp.response(204)
def delete_term(term_id: int) -> None:
    with unit_of_work() as session:
        listening.do_remove_watch_term(session, term_id, current_api_user())


@blp.route("/monitored", allow=SUPERVISORS)
@blp.arguments(MonitoredArgs, location="query")
@blp.response(200, MessageOut(many=True))
def get_monitored(args: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        return listening.monitored_stream(session, args)


@blp.route("/listening/trends", allow=SUPERVISORS)
@blp.arguments(TrendsArgs, location="query")
@blp.response(200)
def get_trends(args: dict[str, Any]) -> Any:
    """Volume by channel per 5 minutes, sentiment trend, top hashtags and watch terms over
    the last `hours`; the most influential complainers today."""
    with unit_of_work() as session:
        return listening_trends(session, args["hours"])


@blp.route("/monitored/<int:message_id>/promote", methods=["POST"], allow=SUPERVISORS)
@blp.response(201, CaseOut)
def promote(message_id: int) -> Any:
    user = current_api_user()
    with unit_of_work() as session:
        return listening.do_promote(session, message_id, user)

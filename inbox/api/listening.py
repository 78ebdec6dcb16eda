"""/api/v1/watch-terms and /api/v1/monitored: listening before speaking (supervisors)."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.base import protected_blueprint
from inbox.schemas.cases import CaseOut, MessageOut
from inbox.schemas.listening import MonitoredArgs, WatchTermIn, WatchTermOut
from inbox.services import unit_of_work
from inbox.services.access import require_role
from inbox.services.ingest import listening

blp = protected_blueprint("listening", __name__, "Watch list and the monitored stream")


def _supervisor() -> Any:
    user = current_api_user()
    require_role(user, "supervisor", "admin")
    return user


@blp.route("/watch-terms")
@blp.response(200, WatchTermOut(many=True))
def get_terms() -> Any:
    _supervisor()
    with unit_of_work() as session:
        return listening.list_watch_terms(session)


@blp.route("/watch-terms", methods=["POST"])
@blp.arguments(WatchTermIn)
@blp.response(201, WatchTermOut)
def post_term(body: dict[str, Any]) -> Any:
    _supervisor()
    with unit_of_work() as session:
        return listening.do_add_watch_term(session, body["term"])


@blp.route("/watch-terms/<int:term_id>", methods=["DELETE"])
@blp.response(204)
def delete_term(term_id: int) -> None:
    _supervisor()
    with unit_of_work() as session:
        listening.do_remove_watch_term(session, term_id)


@blp.route("/monitored")
@blp.arguments(MonitoredArgs, location="query")
@blp.response(200, MessageOut(many=True))
def get_monitored(args: dict[str, Any]) -> Any:
    _supervisor()
    with unit_of_work() as session:
        return listening.monitored_stream(session, args.get("q"), args.get("before"),
                                          args["limit"])


@blp.route("/monitored/<int:message_id>/promote", methods=["POST"])
@blp.response(201, CaseOut)
def promote(message_id: int) -> Any:
    user = _supervisor()
    with unit_of_work() as session:
        return listening.do_promote(session, message_id, user)

"""Replies, internal notes, resending and canned responses (docs/sending.md). Thin edges."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import ANYONE, SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.cases import MessageOut
from inbox.schemas.replies import (
    CannedArgs,
    CannedIn,
    CannedOut,
    CannedPatch,
    NoteIn,
    NoteOut,
    ReplyIn,
)
from inbox.services import unit_of_work
from inbox.services.sending import canned, outbound, replies

blp = protected_blueprint("replies", __name__, "Replies, notes and canned responses")


@blp.route("/cases/<int:case_id>/reply", methods=["POST"], allow=ANYONE, case="case_id")
@blp.arguments(ReplyIn)
@blp.response(201, MessageOut)
def reply(body: dict[str, Any], case_id: int) -> Any:
    with unit_of_work() as session:
        return replies.reply(session, current_api_user(), case_id, body["text"],
                             body["visibility"], confirm_public_contact_details=body[
                                 "confirm_public_contact_details"])


@blp.route("/cases/<int:case_id>/notes", methods=["POST"], allow=ANYONE, case="case_id")
@blp.arguments(NoteIn)
@blp.response(201, NoteOut)
def note(body: dict[str, Any], case_id: int) -> Any:
    with unit_of_work() as session:
        return replies.add_note(session, current_api_user(), case_id, body["text"])


@blp.route("/messages/<int:message_id>/retry", methods=["POST"], allow=ANYONE)
@blp.response(202, MessageOut)
def retry(message_id: int) -> Any:
    with unit_of_work() as session:
        return outbound.retry(session, current_api_user(), message_id)


@blp.route("/canned-responses", allow=ANYONE)
@blp.arguments(CannedArgs, location="query")
@blp.response(200, CannedOut(many=True))
def list_canned(args: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        return canned.search(session, args.get("q"))


@blp.route("/canned-responses", methods=["POST"], allow=SUPERVISORS)
@blp.arguments(CannedIn)
@blp.response(201, CannedOut)
def create_canned(body: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        return canned.create(session, current_api_user(), body)


@blp.route("/canned-responses/<int:canned_id>", methods=["PATCH"], allow=SUPERVISORS)
@blp.arguments(CannedPatch)
@blp.response(200, CannedOut)
def update_canned(body: dict[str, Any], canned_id: int) -> Any:
    with unit_of_work() as session:
        return canned.update(session, current_api_user(), canned_id, body)


@blp.route("/canned-responses/<int:canned_id>", methods=["DELETE"], allow=SUPERVISORS)
@blp.response(204)
def delete_canned(canned_id: int) -> None:
    with unit_of_work() as session:
        canned.delete(session, current_api_user(), canned_id)

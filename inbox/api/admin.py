"""Admin resources: /channels and /deliveries (supervisors read, admins change)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from inbox.api.auth import current_api_user
from inbox.api.authorization import ADMINS, SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.jobs import after_commit
from inbox.models import Channel
from inbox.runtime import current
from inbox.schemas.admin import (
    ChannelIn,
    ChannelOut,
    ChannelPatch,
    DeliveryDetailOut,
    DeliveryListArgs,
    DeliveryOut,
    ReplayIn,
    ReplayOut,
    RotateSecretIn,
    RotateSecretOut,
)
from inbox.services import unit_of_work
from inbox.services.admin.channels import (
    channel_view,
    do_add_channel,
    do_delete_channel,
    do_edit_channel,
    do_rotate_secret,
    get_channel,
)
from inbox.services.ingest.deliveries import do_mark_for_replay, get_delivery, list_deliveries
from inbox.services.ingest.trigger import request_drain

blp = protected_blueprint("admin", __name__, "Channels and raw deliveries")


def _view(channel: Channel) -> dict[str, Any]:
    return channel_view(channel, current().settings.public_url)


@blp.route("/channels", allow=SUPERVISORS)
@blp.response(200, ChannelOut(many=True))
def get_channels() -> list[dict[str, Any]]:
    with unit_of_work(read_only=True) as session:
        return [_view(c) for c in session.scalars(select(Channel).order_by(Channel.id))]


@blp.route("/channels", methods=["POST"], allow=ADMINS)
@blp.arguments(ChannelIn)
@blp.response(201, ChannelOut)
def post_channel(body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        channel = do_add_channel(session, body["kind"], body["name"],
                                 external_id=body.get("external_id"), secret=body.get("secret"),
                                 settings=body["settings"], credentials=body["credentials"],
                                 actor=current_api_user())
        shown = _view(channel)
        if body.get("secret") is None:
            shown["signing_secret"] = channel.secrets["signing_secret"]  # shown this once
    return shown


@blp.route("/channels/<int:channel_id>", allow=SUPERVISORS)
@blp.response(200, ChannelOut)
def get_one_channel(channel_id: int) -> dict[str, Any]:
    with unit_of_work(read_only=True) as session:
        return _view(get_channel(session, channel_id))


@blp.route("/channels/<int:channel_id>", methods=["PATCH"], allow=ADMINS)
@blp.arguments(ChannelPatch)
@blp.response(200, ChannelOut)
def patch_channel(body: dict[str, Any], channel_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        return _view(do_edit_channel(session, channel_id, body, actor=current_api_user()))


@blp.route("/channels/<int:channel_id>", methods=["DELETE"], allow=ADMINS)
@blp.response(204)
def delete_channel(channel_id: int) -> None:
    with unit_of_work() as session:
        do_delete_channel(session, channel_id, actor=current_api_user())


@blp.route("/channels/<int:channel_id>/rotate-secret", methods=["POST"], allow=ADMINS)
@blp.arguments(RotateSecretIn)
@blp.response(200, RotateSecretOut)
def rotate_secret(body: dict[str, Any], channel_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        secret = do_rotate_secret(session, channel_id, timedelta(hours=body["grace_hours"]),
                                  actor=current_api_user())
        until = _view(get_channel(session, channel_id))["rotation_grace_until"]
    return {"signing_secret": secret, "rotation_grace_until": until}


@blp.route("/deliveries", allow=SUPERVISORS)
@blp.arguments(DeliveryListArgs, location="query")
@blp.response(200, DeliveryOut(many=True))
def get_deliveries(args: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        return list_deliveries(session, args.get("state"), args["limit"], args.get("before"))


@blp.route("/deliveries/<int:delivery_id>", allow=ADMINS)
@blp.response(200, DeliveryDetailOut)
def get_one_delivery(delivery_id: int) -> Any:
    with unit_of_work() as session:
        return get_delivery(session, delivery_id)


@blp.route("/deliveries/replay", methods=["POST"], allow=ADMINS)
@blp.arguments(ReplayIn)
@blp.response(202, ReplayOut)
def replay(body: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work() as session:
        ids = do_mark_for_replay(session, body["ids"], failed=body["failed"])
        after_commit(session, lambda: request_drain(force=True))
    return {"replayed": ids}

"""Admin resources: /channels and /deliveries (supervisors read, admins change)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inbox.api.auth import current_api_user
from inbox.api.base import protected_blueprint
from inbox.jobs import after_commit
from inbox.models import Channel
from inbox.runtime import current
from inbox.schemas.admin import (
    ChannelIn,
    ChannelOut,
    DeliveryDetailOut,
    DeliveryListArgs,
    DeliveryOut,
    ReplayIn,
    ReplayOut,
)
from inbox.services import unit_of_work
from inbox.services.access import require_role
from inbox.services.admin.channels import do_add_channel, webhook_url
from inbox.services.ingest.deliveries import do_mark_for_replay, get_delivery, list_deliveries
from inbox.services.ingest.drain import request_drain

blp = protected_blueprint("admin", __name__, "Channels and raw deliveries")


def _channel_out(channel: Channel) -> dict[str, Any]:
    return {**{c.key: getattr(channel, c.key) for c in Channel.__table__.columns
               if c.key != "secrets"},
            "webhook_url": webhook_url(channel, current().settings.public_url)}


@blp.route("/channels")
@blp.response(200, ChannelOut(many=True))
def get_channels() -> list[dict[str, Any]]:
    require_role(current_api_user(), "supervisor", "admin")
    with unit_of_work() as session:
        return [_channel_out(c) for c in session.scalars(select(Channel).order_by(Channel.id))]


@blp.route("/channels", methods=["POST"])
@blp.arguments(ChannelIn)
@blp.response(201, ChannelOut)
def post_channel(body: dict[str, Any]) -> dict[str, Any]:
    require_role(current_api_user(), "admin")
    with unit_of_work() as session:
        channel = do_add_channel(session, body["kind"], body["name"],
                                 external_id=body.get("external_id"), secret=body.get("secret"))
    return _channel_out(channel)


@blp.route("/deliveries")
@blp.arguments(DeliveryListArgs, location="query")
@blp.response(200, DeliveryOut(many=True))
def get_deliveries(args: dict[str, Any]) -> Any:
    require_role(current_api_user(), "supervisor", "admin")
    with unit_of_work() as session:
        return list_deliveries(session, args.get("state"), args["limit"], args.get("before"))


@blp.route("/deliveries/<int:delivery_id>")
@blp.response(200, DeliveryDetailOut)
def get_one_delivery(delivery_id: int) -> Any:
    require_role(current_api_user(), "admin")
    with unit_of_work() as session:
        return get_delivery(session, delivery_id)


@blp.route("/deliveries/replay", methods=["POST"])
@blp.arguments(ReplayIn)
@blp.response(202, ReplayOut)
def replay(body: dict[str, Any]) -> dict[str, Any]:
    require_role(current_api_user(), "admin")
    with unit_of_work() as session:
        ids = do_mark_for_replay(session, body["ids"], failed=body["failed"])
        after_commit(session, lambda: request_drain(force=True))
    return {"replayed": ids}

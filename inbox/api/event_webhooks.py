"""/api/v1/event-subscriptions and /event-deliveries: outbound event webhooks (admins)."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import ADMINS
from inbox.api.base import protected_blueprint
from inbox.models import EventDelivery
from inbox.schemas.event_webhooks import (
    EventDeliveryDetailOut,
    EventDeliveryListArgs,
    EventDeliveryOut,
    SecretOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
)
from inbox.services import unit_of_work
from inbox.services.event_webhooks import subscriptions as subs

blp = protected_blueprint("event_webhooks", __name__,
                          "Outbound event webhooks: subscriptions and deliveries")


@blp.route("/event-subscriptions", allow=ADMINS)
@blp.response(200, SubscriptionOut(many=True))
def get_subscriptions() -> list[dict[str, Any]]:
    with unit_of_work(read_only=True) as session:
        return [subs.subscription_view(s) for s in subs.list_subscriptions(session)]


@blp.route("/event-subscriptions", methods=["POST"], allow=ADMINS)
@blp.arguments(SubscriptionIn)
@blp.response(201, SubscriptionOut)
def post_subscription(body: dict[str, Any]) -> dict[str, Any]:
    """A subscription; its secret is in this answer only."""
    with unit_of_work() as session:
        subscription, secret = subs.do_add_subscription(
            session, body["url"], body["events"], description=body["description"],
            enabled=body["enabled"], actor=current_api_user())
        return {**subs.subscription_view(subscription), "secret": secret}


@blp.route("/event-subscriptions/<int:subscription_id>", allow=ADMINS)
@blp.response(200, SubscriptionOut)
def get_subscription(subscription_id: int) -> dict[str, Any]:
    with unit_of_work(read_only=True) as session:
        return subs.subscription_view(subs.get_subscription(session, subscription_id))


@blp.route("/event-subscriptions/<int:subscription_id>", methods=["PATCH"], allow=ADMINS)
@blp.arguments(SubscriptionPatch)
@blp.response(200, SubscriptionOut)
def patch_subscription(body: dict[str, Any], subscription_id: int) -> dict[str, Any]:
    with unit_of_work() as session:
        return subs.subscription_view(subs.do_edit_subscription(
            session, subscription_id, body, actor=current_api_user()))


@blp.route("/event-subscriptions/<int:subscription_id>", methods=["DELETE"], allow=ADMINS)
@blp.response(204)
def delete_subscription(subscription_id: int) -> None:
    with unit_of_work() as session:
        subs.do_remove_subscription(session, subscription_id, actor=current_api_user())


@blp.route("/event-subscriptions/<int:subscription_id>/rotate-secret", methods=["POST"],
           allow=ADMINS)
@blp.response(200, SecretOut)
def rotate_secret(subscription_id: int) -> dict[str, str]:
    """A new secret, in force at once and shown in this answer only."""
    with unit_of_work() as session:
        return {"secret": subs.do_rotate_secret(session, subscription_id,
                                                actor=current_api_user())}


@blp.route("/event-subscriptions/<int:subscription_id>/ping", methods=["POST"], allow=ADMINS)
@blp.response(202, EventDeliveryOut)
def ping(subscription_id: int) -> EventDelivery:
    """Send a test event ("ping") to the subscription's URL."""
    with unit_of_work() as session:
        return subs.do_ping(session, subscription_id, actor=current_api_user())


@blp.route("/event-deliveries", allow=ADMINS)
@blp.arguments(EventDeliveryListArgs, location="query")
@blp.response(200, EventDeliveryOut(many=True))
def get_deliveries(args: dict[str, Any]) -> list[EventDelivery]:
    with unit_of_work(read_only=True) as session:
        return subs.list_deliveries(session, args)


@blp.route("/event-deliveries/<int:row_id>", allow=ADMINS)
@blp.response(200, EventDeliveryDetailOut)
def get_delivery(row_id: int) -> EventDelivery:
    with unit_of_work(read_only=True) as session:
        return subs.get_delivery(session, row_id)


@blp.route("/event-deliveries/<int:row_id>/replay", methods=["POST"], allow=ADMINS)
@blp.response(202, EventDeliveryOut)
def replay(row_id: int) -> EventDelivery:
    """Send the delivery again: the same delivery id and body, a new attempt."""
    with unit_of_work() as session:
        return subs.do_replay(session, row_id, actor=current_api_user())

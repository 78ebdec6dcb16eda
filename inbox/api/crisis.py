"""/api/v1/crisis: alerts raised by crisis detection, clearing them, and its settings."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.schemas.crisis import CrisisAlertArgs, CrisisAlertOut, CrisisSettingsSchema
from inbox.services import unit_of_work
from inbox.services.listening import crisis
from inbox.services.listening.crisis_settings import crisis_settings, do_update_crisis_settings

blp = protected_blueprint("crisis", __name__, "Crisis alerts and their thresholds")


@blp.route("/crisis/alerts", allow=SUPERVISORS)
@blp.arguments(CrisisAlertArgs, location="query")
@blp.response(200, CrisisAlertOut(many=True))
def get_alerts(args: dict[str, Any]) -> Any:
    with unit_of_work() as session:
        if args["active"]:
            return crisis.active_alerts(session)
        return crisis.recent_alerts(session, args["limit"])


@blp.route("/crisis/alerts/<int:alert_id>/clear", methods=["POST"], allow=SUPERVISORS)
@blp.response(200, CrisisAlertOut)
def clear_alert(alert_id: int) -> Any:
    user = current_api_user()
    with unit_of_work() as session:
        return crisis.do_clear_alert(session, alert_id, user)


@blp.route("/crisis/settings", allow=SUPERVISORS)
@blp.response(200, CrisisSettingsSchema)
def get_settings() -> Any:
    with unit_of_work() as session:
        return crisis_settings(session)


@blp.route("/crisis/settings", methods=["PATCH"], allow=SUPERVISORS)
@blp.arguments(CrisisSettingsSchema)
@blp.response(200, CrisisSettingsSchema)
def patch_settings(body: dict[str, Any]) -> Any:
    user = current_api_user()
    with unit_of_work() as session:
        return do_update_crisis_settings(session, body, user)

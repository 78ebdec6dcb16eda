"""/api/v1/wallboard: the supervisors' wallboard, for the first paint (then Socket.IO's
`wallboard.updated` keeps it current; docs/wallboard.md)."""

from __future__ import annotations

from typing import Any

from inbox.api.authorization import SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.services import unit_of_work
from inbox.services.supervision.wallboard import wallboard_snapshot

blp = protected_blueprint("wallboard_api", __name__, "The supervisors' live wallboard")


@blp.route("/wallboard", allow=SUPERVISORS)
@blp.response(200)
def get_wallboard() -> Any:
    with unit_of_work(read_only=True) as session:
        return wallboard_snapshot(session)

"""/api/v1/classifier: the complaint model in force, and training it from agents' labels."""

from __future__ import annotations

from typing import Any

from inbox.api.auth import current_api_user
from inbox.api.authorization import SUPERVISORS
from inbox.api.base import protected_blueprint
from inbox.services import unit_of_work
from inbox.services.classifier import versions

blp = protected_blueprint("classifier", __name__, "The complaint classifier")


@blp.route("/classifier", allow=SUPERVISORS)
@blp.response(200)
def get_status() -> Any:
    """The model in force (None: the rules alone decide), the labels gathered so far."""
    with unit_of_work(read_only=True) as session:
        return versions.status(session)


@blp.route("/classifier/train", methods=["POST"], allow=SUPERVISORS)
@blp.response(202)
def post_train() -> Any:
    """Train a new model from the agents' labels, in a worker; 422 when they are too few."""
    user = current_api_user()
    with unit_of_work() as session:
        return versions.do_request_training(session, user)

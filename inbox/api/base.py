"""The REST API object (flask-smorest: marshmallow in and out, OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import g
from flask_smorest import Api, Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter, Map

from inbox.api.auth import Unauthenticated, authenticate_api_request
from inbox.api.authorization import View
from inbox.api.authorization import allow as authorize
from inbox.api.errors import error_response
from inbox.schemas.errors import ErrorEnvelope

API_PREFIX = "/api/v1"


class DatabaseId(IntegerConverter):
    """<int:…> in a route: a non-negative id no larger than a 32-bit integer column."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


class StrictQueryParser(FlaskParser):
    """A query parameter no schema names is a 422 naming it (say, `assignee_id=1` for
    `assignee`), not silently dropped to answer something else."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
                                   "query": ma.RAISE, "querystring": ma.RAISE}


class ApiBlueprint(Blueprint):
    """Every route says who may call it: `allow=` roles (and `case=` for a case route),
    checked before its body or query is parsed (inbox.api.authorization)."""

    ARGUMENTS_PARSER = StrictQueryParser()

    def route(  # type: ignore[override]
        self, rule: str, *, allow: tuple[str, ...], case: str | None = None, **options: Any
    ) -> Callable[[View], View]:
        register = super().route(rule, **options)
        changes = set(options.get("methods", ["GET"])) - {"GET"}

        def decorator(view: View) -> View:
            # Every error it may answer, in the error envelope (InboxApi.ERROR_SCHEMA).
            documented: Any = self.alt_response(401, "UNAUTHORIZED")(view)
            documented = self.alt_response(403, "FORBIDDEN")(documented)
            if "<" in rule:
                documented = self.alt_response(404, "NOT_FOUND")(documented)
            if changes:
                documented = self.alt_response(409, "CONFLICT")(documented)
            checked = authorize(allow, case=case)(documented)
            if not (view.__doc__ or "").strip():  # a summary from its name, at least
                manual = checked.__dict__.setdefault("_apidoc", {}).setdefault("manual_doc", {})
                manual.setdefault("summary", view.__name__.replace("_", " ").capitalize())
            register(checked)
            return view

        return decorator


class InboxApi(Api):
    """flask-smorest's Api, documenting errors in the envelope the API answers with."""

    ERROR_SCHEMA = ErrorEnvelope


def protected_blueprint(name: str, import_name: str, description: str) -> ApiBlueprint:
    """A blueprint whose every endpoint needs an authenticated user (g.api_user)."""
    blueprint = ApiBlueprint(name, import_name, description=description)

    @blueprint.before_request
    def _authenticate() -> Any:
        try:
            g.api_user = authenticate_api_request()
        except Unauthenticated as exc:
            response = error_response(401, "unauthenticated", str(exc))
            response.headers["WWW-Authenticate"] = 'Bearer realm="inbox"'
            return response
        return None

    return blueprint

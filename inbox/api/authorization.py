"""Who may call each endpoint, declared on the route and checked before anything else.

Every API route declares it — `@blp.route(rule, allow=ROLES[, case="case_id"])`, which
inbox.api.base.ApiBlueprint requires — and `allow()` wraps the view: it runs after the
caller is authenticated (the blueprint's before_request) and before flask-smorest parses
the body or the query, so a caller without the role gets 403 whatever they sent, and one
asking about a case they may not see gets the same 404 as for a case that does not exist.
The declaration is kept on the view for the OpenAPI document and for the test that sweeps
every endpoint with every role (tests/integration/test_authorization.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import request

from inbox.api.auth import current_api_user
from inbox.runtime import unit_of_work
from inbox.services.access import access_case, require_role
from inbox.services.errors import ValidationFailed

ANYONE = ("agent", "supervisor", "admin")
SUPERVISORS = ("supervisor", "admin")
ADMINS = ("admin",)

# What every protected operation accepts (the components are declared in inbox/__init__.py).
SECURITY: list[dict[str, list[str]]] = [
    {"bearerToken": []}, {"sessionCookie": [], "csrfHeader": []}]

View = TypeVar("View", bound=Callable[..., Any])


def takes_query(view: Callable[..., Any]) -> bool:
    """Does the view parse a query (its schema then refuses unknown names itself)?"""
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "query" for p in parameters)


def allow(roles: tuple[str, ...], *, case: str | None = None) -> Callable[[View], View]:
    """Only these roles may call the view; with `case`, only for a case the caller may
    see, named by that URL variable."""

    def decorate(view: View) -> View:
        # Known once, when the route is declared (its parsing decorators are applied).
        parses_query = takes_query(view)

        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            user = current_api_user()
            require_role(user, *roles)
            if case is not None:
                with unit_of_work(read_only=True) as session:
                    access_case(session, user, kwargs[case])
            if request.args and not parses_query:
                raise ValidationFailed("this endpoint takes no query parameters", fields={
                    name: "unknown parameter" for name in request.args})
            return view(*args, **kwargs)

        # flask-smorest reads the operation's documentation from `_apidoc` when the
        # route is registered; wraps() shares the view's, so this adds to it.
        apidoc = checked.__dict__.setdefault("_apidoc", {})
        manual = apidoc.setdefault("manual_doc", {})
        manual.setdefault("security", SECURITY)
        manual["x-roles"] = list(roles)
        checked.__dict__["allowed_roles"] = roles
        checked.__dict__["case_argument"] = case
        return checked  # type: ignore[return-value]

    return decorate

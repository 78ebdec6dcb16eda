"""The API against its own OpenAPI document, with inputs Schemathesis makes from it: no
answer is a server error, whatever the body, query or path, for an admin."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings


def test_no_generated_input_makes_a_server_error(app: Any, admin_ada: Any) -> None:
    from tests.conftest import token_for

    bearer = {"Authorization": f"Bearer {token_for(admin_ada)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    server_errors: list[str] = []
    tried = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=6, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            try:
                response = case.call(headers=bearer)
            except Exception as exc:  # TESTING propagates what would be a 500
                server_errors.append(f"{case.method} {case.formatted_path} "
                                     f"query={case.query} body={case.body!r:.200}: {exc!r:.300}")
                return
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.formatted_path} "
                                     f"query={case.query} body={case.body!r:.200}: "
                                     f"{response.status_code} {response.text[:200]}")

        call()
    assert tried > 60
    assert server_errors == []

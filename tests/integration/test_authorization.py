"""Authorization before anything else: every API endpoint declares who may call it, and
that is checked before its body or query is read. Swept over every endpoint, every role,
with an empty body and with a body of the wrong shape: a role that may not call it gets
403 (a case it may not see, 404) — never 422 naming the fields, never a 5xx."""

from __future__ import annotations

import re
from typing import Any

import pytest

from inbox.api.authorization import ADMINS, ANYONE, SUPERVISORS
from tests.factories import make_case, make_queue

API = "/api/v1/"
NOT_DECLARED = {"api-docs.openapi_json"}  # the OpenAPI document itself, open to all


def endpoints(app: Any) -> list[tuple[str, str, Any]]:
    """(method, rule, view) for every API route."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API) or rule.endpoint in NOT_DECLARED:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule, app.view_functions[rule.endpoint]))
    return found


def url(rule: str, case_id: int) -> str:
    """The rule with ids filled in: the given case, an id that exists nowhere else."""
    path = rule.replace("<int:case_id>", str(case_id))
    return re.sub(r"<int:\w+>", "999999", path)


def test_every_api_endpoint_declares_who_may_call_it(app: Any) -> None:
    undeclared = [f"{method} {rule}" for method, rule, view in endpoints(app)
                  if getattr(view, "allowed_roles", None) not in (ANYONE, SUPERVISORS, ADMINS)]
    assert undeclared == []
    assert len(endpoints(app)) > 60


def test_the_openapi_document_names_security_roles_and_errors_of_each_operation(
        client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert set(spec["components"]["securitySchemes"]) == {
        "bearerToken", "sessionCookie", "csrfHeader"}
    post_channel = spec["paths"]["/api/v1/channels"]["post"]
    assert post_channel["x-roles"] == ["admin"]
    assert {"bearerToken": []} in post_channel["security"]
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert spec["components"]["responses"]["FORBIDDEN"]["content"]["application/json"][
        "schema"] == envelope
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), f"{method} {path} has no summary"
            expected = {"401", "403"} | ({"404"} if "{" in path else set())
            assert expected <= set(operation["responses"]), f"{method} {path}"


@pytest.mark.parametrize("body", [{}, {"name": 12, "text": [], "kind": None}],
                         ids=["empty", "wrong shape"])
def test_not_allowed_is_403_before_any_validation_for_every_endpoint_and_role(
        app: Any, api_as: Any, agent_alice: Any, supervisor_sam: Any, admin_ada: Any,
        body: dict[str, Any]) -> None:
    case = make_case(make_queue())
    clients = {"agent": api_as(agent_alice), "supervisor": api_as(supervisor_sam),
               "admin": api_as(admin_ada)}
    wrong = []
    for method, rule, view in endpoints(app):
        for role, client in clients.items():
            call = getattr(client, method.lower())
            answer = (call(url(rule, case.id)) if method in ("GET", "DELETE")
                      else call(url(rule, case.id), json=body))
            allowed = role in view.allowed_roles
            if answer.status_code >= 500:
                wrong.append(f"{role} {method} {rule}: {answer.status_code}")
            elif not allowed and answer.status_code != 403:
                wrong.append(f"{role} {method} {rule}: {answer.status_code}, not 403")
            elif allowed and answer.status_code in (401, 403) and "is_admin" not in rule:
                # an allowed caller may still be refused by what the case or body says,
                # but never for the role the route declared
                error = answer.json["error"]["message"]
                if "role" in error:
                    wrong.append(f"{role} {method} {rule}: refused for its role ({error})")
    assert wrong == []


def test_a_case_out_of_reach_is_404_before_its_body_is_read(
        api_as: Any, agent_alice: Any) -> None:
    from inbox.services import unit_of_work
    from inbox.services.admin.users import team_by_name

    hidden = make_queue("Legal")
    with unit_of_work() as session:
        from inbox.models import Queue

        queue = session.get(Queue, hidden.id)
        assert queue is not None
        queue.teams = [team_by_name(session, "Lawyers")]  # not Alice's team
    case = make_case(hidden)
    client = api_as(agent_alice)
    for path in (f"/api/v1/cases/{case.id}/resolve", f"/api/v1/cases/{case.id}/reply",
                 "/api/v1/cases/999999/resolve"):
        answer = client.post(path, json={})  # no disposition, no text: would be 422
        assert answer.status_code == 404, (path, answer.json)


def test_ids_too_large_for_the_database_are_not_found(api_as: Any, agent_alice: Any,
                                                       client: Any) -> None:
    assert api_as(agent_alice).get("/api/v1/cases/99999999999").status_code == 404
    assert client.post("/webhooks/generic/99999999999999", data=b"{}").status_code == 404


def test_unknown_query_parameters_are_refused_by_name(api_as: Any, agent_alice: Any) -> None:
    client = api_as(agent_alice)
    misspelt = client.get("/api/v1/cases?assignee_id=1")  # `assignee` was meant
    assert misspelt.status_code == 422
    assert "assignee_id" in misspelt.json["error"]["fields"]
    stray = client.get("/api/v1/queues?sort=waiting")  # an endpoint that takes none
    assert stray.status_code == 422 and "sort" in stray.json["error"]["fields"]
    assert client.get("/api/v1/cases?assignee=me").status_code == 200

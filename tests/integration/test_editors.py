"""The editors page and the API changes behind it: who may open it, and every change an
editor makes is in the record of admin changes (GET /api/v1/audit)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(("who", "status"), [
    ("agent_alice", 403), ("supervisor_sam", 200), ("admin_ada", 200)])
def test_the_editors_page_is_for_supervisors_and_admins(
        app: Any, request: pytest.FixtureRequest, who: str, status: int) -> None:
    from tests.integration.test_signin import PASSWORD, attempt

    user, browser = request.getfixturevalue(who), app.test_client()
    assert attempt(browser, user.email, PASSWORD).status_code in (302, 303)
    page = browser.get("/editors")
    assert page.status_code == status
    assert ('id="to-editors" aria-current="page"' in page.get_data(as_text=True)) == (
        status == 200)


def test_watch_terms_say_their_kind_and_their_changes_are_recorded(
        api_as: Any, supervisor_sam: Any, admin_ada: Any) -> None:
    sam = api_as(supervisor_sam)
    tag = sam.post("/api/v1/watch-terms", json={"term": "#AcmeFail"}).json
    sam.post("/api/v1/watch-terms", json={"term": "Acme Rocket"})
    assert {t["term"]: t["kind"] for t in sam.get("/api/v1/watch-terms").json} == {
        "#AcmeFail": "hashtag", "Acme Rocket": "term"}
    assert sam.delete(f"/api/v1/watch-terms/{tag['id']}").status_code == 204
    record = api_as(admin_ada).get("/api/v1/audit?target_kind=watch_term").json
    assert [(c["action"], c["actor"], c["changes"]) for c in record] == [
        ("watch_term.delete", "sam@example.com", {"term": ["#AcmeFail", None]}),
        ("watch_term.create", "sam@example.com", {"term": [None, "Acme Rocket"]}),
        ("watch_term.create", "sam@example.com", {"term": [None, "#AcmeFail"]}),
    ]


def test_a_bad_watch_term_is_refused_naming_the_field(api_as: Any, supervisor_sam: Any) -> None:
    answer = api_as(supervisor_sam).post("/api/v1/watch-terms", json={"term": "#"})
    assert answer.status_code == 422
    assert "term" in answer.json["error"]["fields"]

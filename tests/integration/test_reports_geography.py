"""Reports filtered by where the case's contact is: by country and by region."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reports_data import arrange, locate_cases

D = "since=2026-11-02&until=2026-11-02"


@pytest.fixture
def sam(api_as: Any, supervisor_sam: Any, agent_alice: Any, agent_bob: Any) -> Any:
    """The reports data set, with c1 from Berlin, c2 from Paris and c8 from Vienna."""
    arrange(agent_alice, agent_bob)
    locate_cases()
    return api_as(supervisor_sam)


def volumes(client: Any, query: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/reports/volumes?{D}&{query}")
    assert answer.status_code == 200, answer.json
    (row,) = answer.json["rows"]
    return {"created": row["created"], "handled": row["handled"]}


def test_a_country_filter_counts_only_its_contacts_cases(sam: Any) -> None:
    assert volumes(sam, "country=DE") == {"created": 1, "handled": 1}
    assert volumes(sam, "country=fr") == {"created": 1, "handled": 1}
    assert volumes(sam, "country=JP") == {"created": 0, "handled": 0}


def test_a_region_filter_counts_every_country_in_it(sam: Any) -> None:
    assert volumes(sam, "region=DACH") == {"created": 2, "handled": 1}
    assert volumes(sam, "region=DACH&country=AT") == {"created": 1, "handled": 0}


@pytest.mark.parametrize(("query", "field"), [
    ("country=Germany", "country"), ("country=XX", "country"), ("region=Mars", "region")])
def test_an_unknown_country_or_region_is_422_naming_it(sam: Any, query: str, field: str) -> None:
    answer = sam.get(f"/api/v1/reports/volumes?{D}&{query}")
    assert answer.status_code == 422 and field in answer.json["error"]["fields"]


"""Of many agents claiming at once, exactly one wins each case; the rest get 409."""

from __future__ import annotations

import random
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from sqlalchemy import select

from inbox.models import Case, CaseEvent
from inbox.services import unit_of_work
from tests.conftest import make_user, token_for
from tests.factories import make_case, make_queue

AGENTS, CASES, CONTENDERS = 50, 200, 5


@pytest.mark.slow
def test_fifty_agents_claiming_two_hundred_cases_over_http(live_server: Any) -> None:
    queue = make_queue()
    case_ids = [make_case(queue).id for _ in range(CASES)]
    agents = [make_user(f"agent{n}@example.com", "agent", f"Agent {n}") for n in range(AGENTS)]
    tokens = {agent.id: token_for(agent) for agent in agents}
    rng = random.Random(7)
    attempts = [(agent.id, case_id) for case_id in case_ids
                for agent in rng.sample(agents, CONTENDERS)]
    rng.shuffle(attempts)
    sessions: dict[int, requests.Session] = defaultdict(requests.Session)

    def claim(attempt: tuple[int, int]) -> tuple[int, int, int, dict[str, Any]]:
        agent_id, case_id = attempt
        response = sessions[agent_id].post(
            f"{live_server.url}/api/v1/cases/{case_id}/claim",
            headers={"Authorization": f"Bearer {tokens[agent_id]}"}, timeout=60)
        return agent_id, case_id, response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=AGENTS) as pool:
        results = list(pool.map(claim, attempts))

    winners: dict[int, list[int]] = defaultdict(list)
    for agent_id, case_id, status, body in results:
        assert status in (200, 409), (status, body)
        if status == 200:
            winners[case_id].append(agent_id)
        else:
            assert body["error"]["assignee_id"] is not None
    assert all(len(winners[case_id]) == 1 for case_id in case_ids)
    with unit_of_work() as session:
        owners = dict(session.execute(select(Case.id, Case.assignee_id)).all())
        claims = session.scalars(select(CaseEvent.case_id).where(CaseEvent.kind == "claim"))
        claim_counts = defaultdict(int)
        for case_id in claims:
            claim_counts[case_id] += 1
    assert {case_id: [owner] for case_id, owner in owners.items()} == dict(winners)
    assert set(claim_counts.values()) == {1}

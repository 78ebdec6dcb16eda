"""/metrics for Prometheus: the workspace's figures as they are when scraped — deliveries,
ingestion lag, job queues, open cases and their SLA state, replies by send state, refused
webhooks and sign-ins — to this host, or to a caller with the metrics token."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.factories import make_case, make_channel, make_queue
from tests.signing import generic_headers


def value(text: str, name: str, labels: str = "") -> float:
    line = re.search(rf"^{re.escape(name)}{re.escape(labels)} (\S+)$", text, re.M)
    assert line is not None, f"{name}{labels} not in:\n{text}"
    return float(line.group(1))


def test_the_figures_follow_what_happens(client: Any) -> None:
    channel = make_channel("generic", "Reviews", secret="test-channel-secret")
    body = json.dumps({"id": "r-1", "text": "Slow delivery"}).encode()
    assert client.post(f"/webhooks/generic/{channel.id}", data=body,
                       headers=generic_headers(body, "test-channel-secret")).status_code == 200
    client.post(f"/webhooks/generic/{channel.id}", data=body,
                headers=generic_headers(body, "not-the-secret"))
    make_case(make_queue("Social care"), status="queued", priority=1)
    scraped = client.get("/metrics")
    assert scraped.status_code == 200 and scraped.mimetype == "text/plain"
    text = scraped.get_data(as_text=True)
    assert value(text, "inbox_deliveries", '{provider="generic",state="pending"}') == 1
    assert value(text, "inbox_ingest_lag_seconds") >= 0
    assert value(text, "inbox_webhook_verification_failures_total", '{provider="generic"}') == 1
    assert value(text, "inbox_open_cases", '{queue="Social care",status="queued"}') == 1
    assert value(text, "inbox_job_queue_depth", '{queue="ingest"}') >= 0
    assert value(text, "inbox_metrics_source_up", '{source="database"}') == 1
    assert value(text, "inbox_sockets_connected") == 0


def test_only_this_host_or_the_token_may_scrape(
        client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from inbox.runtime import current

    away = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=away).status_code == 403
    monkeypatch.setattr(current().settings, "metrics_token", "scrape-me-9f")
    assert client.get("/metrics").status_code == 403  # a token is set: this host needs it too
    assert client.get("/metrics", environ_base=away,
                      headers={"Authorization": "Bearer scrape-me-9f"}).status_code == 200

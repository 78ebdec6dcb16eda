"""Outgrowing one machine: two web processes behind a real nginx, two workers, one cron.

An agent's desk is connected to one web process; the request that changes a case may
reach another, and ingestion runs in workers. Events travel through the Redis message
queue, so the desk hears them wherever they were caused. nginx is configured from
deploy/nginx.conf.template, the file docs/scaling.md shows.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import socketio

from deploy.nginx import TEMPLATE, Nginx, nginx_binary
from inbox.realtime.publish import SOCKETIO_CHANNEL
from tests.conftest import LiveProcess, LiveServer, free_port, make_user, process_env, token_for
from tests.factories import make_channel, make_queue
from tests.signing import compact, generic_headers

pytestmark = pytest.mark.slow

SECRET = "scale-out-channel-secret"
WAIT = 60.0  # seconds; a busy 2-core machine runs seven processes here


class Desk:
    """A Socket.IO client as the desk is one: authenticated, recording every event."""

    def __init__(self, name: str, url: str, token: str, transport: str) -> None:
        self.name, self.url, self.token, self.transport = name, url, token, transport
        self.received: list[tuple[str, Any]] = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)

    def _record(self, event: str, data: Any) -> None:
        with self.changed:
            self.received.append((event, data))
            self.changed.notify_all()

    def connect(self) -> Desk:
        self.client.connect(self.url, auth={"token": self.token},
                            transports=[self.transport], wait_timeout=30)
        return self

    def wait_for(self, event: str, matches: Callable[[Any], bool]) -> Any:
        deadline = time.monotonic() + WAIT
        with self.changed:
            while True:
                for name, data in self.received:
                    if name == event and matches(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [name for name, _ in self.received]
                    raise AssertionError(
                        f"{self.name} (connected: {self.client.connected}) got no matching "
                        f"{event} in {WAIT:.0f} s; of its {len(seen)} events the last were "
                        f"{seen[-6:]}")
                self.changed.wait(left)


@dataclass
class Cluster:
    web_a: LiveServer
    web_b: LiveServer
    workers: list[LiveProcess]
    cron: LiveProcess
    nginx: Nginx

    def all_running(self) -> dict[str, bool]:
        processes = {"web A": self.web_a, "web B": self.web_b, "cron": self.cron,
                     **{f"worker {n}": w for n, w in enumerate(self.workers, 1)}}
        return {name: p.process is not None and p.process.poll() is None
                for name, p in processes.items()}


def _address(server: LiveServer) -> str:
    return f"127.0.0.1:{server.port}"


@pytest.fixture(autouse=True)
def _long_polls_may_carry_a_burst(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-poll answer carries every packet queued since the last one: 20 webhooks
    make ~80 events. python-engineio's client refuses a payload of more than 16 packets
    (a guard of that library; the desk's socket.io-client has none) and drops the
    connection, so the Python desk here accepts what a browser would."""
    from engineio.payload import Payload

    monkeypatch.setattr(Payload, "max_decode_packets", 1000)


@pytest.fixture
def cluster(runtime: Any) -> Iterator[Cluster]:
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx); "
                    "this test puts a real one in front of two web processes")
    env = process_env(runtime)
    started: list[LiveProcess | Nginx] = []
    try:
        web_a, web_b = LiveServer(env), LiveServer(env)
        workers = [LiveProcess(["worker"], env), LiveProcess(["worker"], env)]
        cron = LiveProcess(["cron"], env)
        for process in (web_a, web_b, *workers, cron):
            started.append(process)
            process.start()
        nginx = Nginx([_address(web_a), _address(web_b)], free_port())
        started.append(nginx)
        nginx.start()
        yield Cluster(web_a, web_b, workers, cron, nginx)
    finally:
        for process in reversed(started):
            process.stop()


def _wait_until_both_web_processes_listen(runtime: Any) -> None:
    """Each web process subscribes to the message queue at its first connection; until
    then an event published elsewhere cannot reach its clients."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        subscribed = dict(runtime.redis.pubsub_numsub(SOCKETIO_CHANNEL))
        if int(subscribed.get(SOCKETIO_CHANNEL.encode(), 0)) >= 2:
            return
        time.sleep(0.1)
    raise AssertionError(f"not two subscribers on {SOCKETIO_CHANNEL}: {subscribed}")


def _deliver_review(url: str, channel_id: int, review_id: str, text: str) -> None:
    body = compact({"id": review_id, "type": "review", "text": text,
                    "author": {"id": f"author-{review_id}", "name": "Pat Reviewer"}})
    response = requests.post(f"{url}/webhooks/generic/{channel_id}", data=body,
                             headers=generic_headers(body, SECRET), timeout=30)
    assert response.status_code == 200, response.text


def test_desks_on_either_process_hear_what_the_other_and_the_workers_cause(
    runtime: Any, cluster: Cluster
) -> None:
    make_queue("Social care")
    reviews = make_channel("generic", "Reviews", secret=SECRET)
    alice = make_user("alice@example.com", "agent", "Alice Agent")
    token = token_for(alice)
    desks = [
        Desk("desk on web A", cluster.web_a.url, token, "websocket"),
        Desk("desk through nginx (WebSocket)", cluster.nginx.url, token, "websocket"),
        Desk("desk through nginx (long-polling)", cluster.nginx.url, token, "polling"),
    ]
    try:
        for desk in desks:
            desk.connect()
        # web B has no desk of its own yet; make sure it is listening too, though what
        # matters below is that web A hears what B and the workers publish.
        Desk("probe on web B", cluster.web_b.url, token, "websocket").connect().client.disconnect()
        _wait_until_both_web_processes_listen(runtime)

        # A webhook accepted by web B, ingested by one of the workers: case.created.
        _deliver_review(cluster.web_b.url, reviews.id, "r-1", "My parcel never arrived")
        created = [desk.wait_for("case.created", lambda data: True) for desk in desks]
        case_id = created[0]["id"]
        assert all(data["id"] == case_id for data in created)

        # A claim over the REST API of web B: case.updated, Alice now holds the case.
        response = requests.post(f"{cluster.web_b.url}/api/v1/cases/{case_id}/claim",
                                 headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert response.status_code == 200, response.text
        for desk in desks:
            desk.wait_for("case.updated", lambda data: data["id"] == case_id
                          and data["assignee_id"] == alice.id)

        # Webhooks through nginx (no cookie, like a platform's) are spread over both.
        for n in range(2, 22):
            _deliver_review(cluster.nginx.url, reviews.id, f"r-{n}", f"Still waiting ({n})")
        for desk in desks:
            for n in range(2, 22):
                desk.wait_for("case.created", lambda data, n=n: data["subject"].endswith(
                    f"({n})"))
    finally:
        for desk in desks:
            desk.client.disconnect()

    routed = cluster.nginx.routed()
    webhook_upstreams = {upstream for upstream, _, request in routed
                         if "/webhooks/generic/" in request}
    assert webhook_upstreams == {_address(cluster.web_a), _address(cluster.web_b)}
    # Sticky: every request of one long-polling session reached the same process.
    by_session: dict[str, set[str]] = defaultdict(set)
    for upstream, _, request in routed:
        query = parse_qs(urlsplit(request.split(" ")[1]).query)
        if "sid" in query and query.get("transport") == ["polling"]:
            by_session[query["sid"][0]].add(upstream)
    assert by_session, "the long-polling desk's requests were not logged"
    assert all(len(upstreams) == 1 for upstreams in by_session.values()), by_session
    assert all(status < 400 for _, status, request in routed if "/socket.io/" in request), [
        r for r in routed if r[1] >= 400]
    assert all(cluster.all_running().values()), cluster.all_running()


@pytest.mark.no_backends
def test_the_documented_nginx_config_is_the_one_tested() -> None:
    """docs/scaling.md shows deploy/nginx.conf.template verbatim."""
    doc = (TEMPLATE.parent.parent / "docs" / "scaling.md").read_text()
    assert TEMPLATE.read_text().strip() in doc

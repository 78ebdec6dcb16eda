"""The sandbox's HTTP side: one local server standing in for every platform API a reply
is sent to (apis.py), recording each request, plus its page (page.py).

    with SandboxPlatform() as platform:
        platform.script("POST", "/v21.0/123_456/comments",
                        Reply(429, headers={"Retry-After": "1"}), Reply(200, {"id": "123_789"}))
        ...  # INBOX_META_API_URL=platform.meta_api_url
        assert platform.calls("POST")[0].json == {"message": "..."}

A scripted path answers its replies in turn and then repeats the last one (tests use this
to rehearse failures); any other path answers as its platform would, or 404. Runs a
ThreadingHTTPServer on `host`, on `port` (0: chosen by the OS).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from inbox.sandbox import apis, page
from inbox.sandbox.records import KEPT, Ledger, Recorded, Reply

GRAPH_VERSION = "v21.0"


def local_host(host: str) -> str:
    """Where this machine's processes reach a server bound to `host`."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # noqa: S104


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        recorded = Recorded(self.command, parts.path, parse_qs(parts.query),
                            {k.lower(): v for k, v in self.headers.items()}, body)
        content_type, payload, reply = self.server.platform.respond(recorded)
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        pass  # the ledger is the log


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    platform: SandboxPlatform


class SandboxPlatform:
    def __init__(self, ledger: Ledger | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, service_url: str = "", smtp: str = "") -> None:
        self.ledger = ledger or Ledger()
        self.requests: deque[Recorded] = deque(maxlen=KEPT)
        self._scripts: dict[tuple[str, str], list[Reply]] = {}
        self._lock = threading.Lock()
        self._about = {"service_url": service_url, "smtp": smtp}
        self._server = _Server((host, port), _Handler)
        self._server.platform = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="sandbox-http")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{local_host(str(host))}:{port}"

    @property
    def meta_api_url(self) -> str:
        return f"{self.url}/{GRAPH_VERSION}"

    def script(self, method: str, path: str, *replies: Reply) -> None:
        with self._lock:
            self._scripts[(method.upper(), path)] = list(replies)

    def respond(self, request: Recorded) -> tuple[str, bytes, Reply]:
        """(content type, body, reply) for one request, recorded first."""
        with self._lock:
            self.requests.append(request)
            replies = self._scripts.get((request.method, request.path))
            scripted = (replies.pop(0) if len(replies) > 1 else replies[0]) if replies else None
        if scripted is not None:
            return "application/json", _json(scripted.json), scripted
        if request.method == "GET" and request.path == "/":
            html = page.render(self.ledger.entries(), **self._about)
            return "text/html; charset=utf-8", html.encode(), Reply(200)
        if request.method == "GET" and request.path == "/received.json":
            entries = [entry.as_json() for entry in self.ledger.entries()]
            return "application/json", _json(entries), Reply(200)
        answer = apis.answer(request)
        if answer is None:
            reply = Reply(404, {"error": {"message": f"no platform answers {request.path}"}})
            return "application/json", _json(reply.json), reply
        if answer.summary is not None and 200 <= answer.reply.status < 300:
            self.ledger.add(**answer.summary)
        return "application/json", _json(answer.reply.json), answer.reply

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests
                    if (method is None or r.method == method) and (path is None or r.path == path)]

    def start(self) -> SandboxPlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SandboxPlatform:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _json(value: Any) -> bytes:
    return json.dumps(value).encode() if value is not None else b""

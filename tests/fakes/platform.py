"""A local stand-in for a platform's HTTP API: records every request, answers as scripted.

    with FakePlatform() as graph:
        graph.script("POST", "/v21.0/123_456/comments",
                     Reply(429, headers={"Retry-After": "1"}), Reply(200, {"id": "123_789"}))
        ...  # point INBOX_META_API_URL at graph.url + "/v21.0"
        assert graph.calls("POST")[0].json == {"message": "..."}

A path answers its replies in turn and then repeats the last one; an unscripted path
answers 404. Runs a ThreadingHTTPServer on 127.0.0.1, port chosen by the OS.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        recorded = Recorded(self.command, parts.path, parse_qs(parts.query),
                            {k.lower(): v for k, v in self.headers.items()}, body)
        reply = self.server.platform.record(recorded)
        payload = json.dumps(reply.json).encode() if reply.json is not None else b""
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    platform: FakePlatform


class FakePlatform:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._scripts: dict[tuple[str, str], list[Reply]] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.platform = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, method: str, path: str, *replies: Reply) -> None:
        with self._lock:
            self._scripts[(method.upper(), path)] = list(replies)

    def record(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
            replies = self._scripts.get((request.method, request.path))
            if not replies:
                return Reply(404, {"error": {"message": f"nothing scripted for {request.path}"}})
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests
                    if (method is None or r.method == method) and (path is None or r.path == path)]

    def start(self) -> FakePlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakePlatform:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

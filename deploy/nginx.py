"""nginx in front of web processes, configured from nginx.conf.template beside this file.

The template is what docs/scaling.md shows and what an operator installs. Here it is
rendered and wrapped in a minimal main configuration whose pid, logs and temporary files
live in a folder of their own, so nginx runs in the foreground, unprivileged, on loopback:
the scale-out test and bench/scale_out.py both run it this way.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import requests

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"

# The main configuration around the template. `routed` logs which web process answered
# each request, so a test can check how nginx spread (and pinned) the traffic.
_MAIN = """\
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;

events {{
    worker_connections {worker_connections};
}}

http {{
    log_format routed '$upstream_addr $status "$request"';
    access_log {folder}/access.log routed;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;

    include {folder}/inbox.conf;
}}
"""


def nginx_binary() -> str | None:
    """nginx from PATH, or where Debian puts it (/usr/sbin is not on every user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    debian = Path("/usr/sbin/nginx")
    return str(debian) if debian.is_file() and os.access(debian, os.X_OK) else None


def render(listen: str, web_servers: Sequence[str]) -> str:
    """The template with its two variables filled in, exactly as `envsubst` would."""
    values = {
        "INBOX_LISTEN": listen,
        "INBOX_WEB_SERVERS": "\n    ".join(
            f"server {address} max_fails=1 fail_timeout=5s;" for address in web_servers),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        placeholder = "${" + name + "}"
        if placeholder not in text:
            raise ValueError(f"{TEMPLATE.name} has no {placeholder}")
        text = text.replace(placeholder, value)
    if "$INBOX_" in text or "${INBOX_" in text:
        raise ValueError(f"{TEMPLATE.name} names a variable render() does not fill in")
    return text


class Nginx:
    """nginx on loopback `port` (a free one) in front of `web_servers` ("host:port" each)."""

    def __init__(self, web_servers: Sequence[str], port: int,
                 worker_connections: int = 4096) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
        self.binary = binary
        self.web_servers = list(web_servers)
        self.worker_connections = worker_connections
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="inbox-nginx-"))
        # Started as root, nginx's workers run as an unprivileged user: they must be
        # able to reach the temporary folders the master creates in here.
        self.folder.chmod(0o755)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def config(self) -> Path:
        return self.folder / "nginx.conf"

    def start(self, timeout: float = 30.0) -> Nginx:
        (self.folder / "inbox.conf").write_text(
            render(f"127.0.0.1:{self.port}", self.web_servers))
        self.config.write_text(_MAIN.format(folder=self.folder,
                                            worker_connections=self.worker_connections))
        with (self.folder / "stdout.log").open("ab") as out:
            self.process = subprocess.Popen(
                [self.binary, "-p", str(self.folder), "-c", str(self.config),
                 "-e", str(self.folder / "error.log"), "-g", "daemon off;"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited ({self.process.returncode}):\n{self.errors()}")
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not answer /healthz in {timeout}s:\n{self.errors()}")

    def stop(self) -> None:
        """Stop nginx (master and workers: its own session) and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def errors(self) -> str:
        return "\n".join(path.read_text(errors="replace")
                         for path in (self.folder / "stdout.log", self.folder / "error.log")
                         if path.exists())

    def routed(self) -> list[tuple[str, int, str]]:
        """(web process "host:port", status, request line) of every logged request."""
        log = self.folder / "access.log"
        if not log.exists():
            return []
        found = []
        for line in log.read_text(errors="replace").splitlines():
            match = re.match(r'(\S+) (\d+) "(.*)"$', line)
            if match:
                found.append((match[1], int(match[2]), match[3]))
        return found

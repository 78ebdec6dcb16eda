"""Where the service may send to: URLs that an admin typed (a generic source's reply
URL, later event webhooks) are checked before every call, not only when saved.

A URL is refused when its scheme is not http(s) (https only in production), or when its
host resolves to any address that is loopback, link-local (169.254.0.0/16, the cloud
metadata service), private, multicast, reserved or unspecified — unless
`INBOX_OUTBOUND_ALLOW` names it: comma-separated host names, `host:port` pairs, or
CIDR ranges (`10.1.2.0/24`, `127.0.0.1/32`). Redirects are followed only as 307/308
(method and body kept), at most `MAX_REDIRECTS` times, each target checked again.

The platforms' own API URLs (INBOX_META_API_URL and the like) are the operator's
configuration and are not checked here.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

ALLOW_VARIABLE = "INBOX_OUTBOUND_ALLOW"
MAX_REDIRECTS = 3
Resolver = Callable[[str, int], list[str]]


class UnsafeDestination(ValueError):
    """The URL may not be called; the message says why, for an admin or an agent."""


@dataclass(frozen=True)
class AllowList:
    hosts: frozenset[str] = frozenset()
    host_ports: frozenset[tuple[str, int]] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        hosts: set[str] = set()
        host_ports: set[tuple[str, int]] = set()
        networks = []
        for raw in (part.strip().lower() for part in text.split(",")):
            if not raw:
                continue
            try:
                networks.append(ipaddress.ip_network(raw, strict=False))
                continue
            except ValueError:
                pass
            host, sep, port = raw.rpartition(":")
            if sep and port.isdigit() and not host.endswith(":"):
                host_ports.add((host.strip("[]"), int(port)))
            else:
                hosts.add(raw.strip("[]"))
        return cls(frozenset(hosts), frozenset(host_ports), tuple(networks))

    @classmethod
    def from_env(cls) -> AllowList:
        return cls.parse(os.environ.get(ALLOW_VARIABLE, ""))

    def names(self, host: str, port: int) -> bool:
        return host in self.hosts or (host, port) in self.host_ports

    def covers(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in self.networks)


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeDestination(f"the host {host} cannot be resolved ({exc})") from exc
    return sorted({str(info[4][0]) for info in infos})


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for label, flag in (("loopback", address.is_loopback), ("link-local", address.is_link_local),
                        ("multicast", address.is_multicast),
                        ("unspecified", address.is_unspecified),
                        ("reserved", address.is_reserved), ("private", address.is_private)):
        if flag:
            return label
    return None if address.is_global else "not a public"


def check_destination(url: str, *, production: bool, allow: AllowList | None = None,
                      resolve: Resolver = _resolve) -> None:
    """Raise UnsafeDestination unless the service may call `url`."""
    allow = AllowList.from_env() if allow is None else allow
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeDestination(f"not a URL ({exc})") from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise UnsafeDestination("must be an http(s) URL with a host")
    if parts.username or parts.password:
        raise UnsafeDestination("must not carry a user name or password")
    if production and scheme != "https":
        raise UnsafeDestination("must be https")
    port = port or (443 if scheme == "https" else 80)
    if allow.names(host, port):
        return
    for text in resolve(host, port):
        address = ipaddress.ip_address(text.split("%", 1)[0])
        kind = _not_public(address)
        if kind is not None and not allow.covers(address):
            raise UnsafeDestination(
                f"{host} resolves to {address}, a {kind} address; name it in "
                f"{ALLOW_VARIABLE} to allow it")


def send_checked(method: str, url: str, *, production: bool,
                 timeout: float | tuple[float, float], **kwargs: Any) -> requests.Response:
    """One call to an admin-given URL, each hop checked first. Raises UnsafeDestination
    for a refused URL or redirect, requests' own errors for the rest."""
    for _ in range(MAX_REDIRECTS + 1):
        check_destination(url, production=production)
        response = requests.request(method, url, allow_redirects=False, timeout=timeout,
                                    **kwargs)
        if not response.is_redirect:
            return response
        target = response.headers.get("Location", "")
        response.close()
        if response.status_code not in (307, 308):
            raise UnsafeDestination(
                f"answered HTTP {response.status_code}, a redirect that would drop the "
                f"request's body, to {target or 'nowhere'}; set the final URL instead")
        url = urljoin(url, target)
    raise UnsafeDestination(f"more than {MAX_REDIRECTS} redirects")

"""Which admin-given URLs the service may call."""

from __future__ import annotations

import pytest

from inbox.channels.senders.destinations import AllowList, UnsafeDestination, check_destination

pytestmark = pytest.mark.no_backends
NONE = AllowList()


def resolving_to(*addresses: str):  # type: ignore[no-untyped-def]
    return lambda host, port: list(addresses)


@pytest.mark.parametrize(("url", "address", "kind"), [
    ("http://localhost:8080/hook", "127.0.0.1", "loopback"),
    ("http://metadata.internal/latest", "169.254.169.254", "link-local"),
    ("https://intranet.example/reply", "10.0.0.7", "private"),
    ("https://box.example/reply", "192.168.1.20", "private"),
    ("https://v6.example/reply", "::1", "loopback"),
    ("https://mapped.example/reply", "::ffff:127.0.0.1", "loopback"),
    ("https://group.example/reply", "239.1.2.3", "multicast"),
    ("https://zero.example/reply", "0.0.0.0", "unspecified"),
])
def test_urls_that_reach_inside_are_refused_with_the_reason(url: str, address: str,
                                                            kind: str) -> None:
    with pytest.raises(UnsafeDestination, match=kind):
        check_destination(url, production=False, allow=NONE, resolve=resolving_to(address))


def test_a_host_with_one_inside_address_among_public_ones_is_refused() -> None:
    with pytest.raises(UnsafeDestination, match="loopback"):
        check_destination("https://split.example/r", production=False, allow=NONE,
                          resolve=resolving_to("93.184.216.34", "127.0.0.1"))


def test_a_public_address_is_allowed() -> None:
    check_destination("https://reviews.example/replies", production=True, allow=NONE,
                      resolve=resolving_to("93.184.216.34"))


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://reviews.example/r", "http"),
    ("file:///etc/passwd", "http"),
    ("https://user:pw@reviews.example/r", "user name"),
    ("http://reviews.example/r", "https"),  # production
    ("https://[not-an-ip/r", "not a URL"),
])
def test_malformed_or_plain_http_urls_are_refused_in_production(url: str, reason: str) -> None:
    with pytest.raises(UnsafeDestination, match=reason):
        check_destination(url, production=True, allow=NONE,
                          resolve=resolving_to("93.184.216.34"))


def test_the_allow_list_names_hosts_host_ports_and_ranges() -> None:
    allow = AllowList.parse(" sandbox.local , 127.0.0.1:9900, 10.20.0.0/16 ")
    loopback = resolving_to("127.0.0.1")
    check_destination("http://sandbox.local/x", production=False, allow=allow, resolve=loopback)
    check_destination("http://127.0.0.1:9900/x", production=False, allow=allow,
                      resolve=loopback)
    check_destination("http://crm.corp/x", production=False, allow=allow,
                      resolve=resolving_to("10.20.3.4"))
    with pytest.raises(UnsafeDestination, match="loopback"):
        check_destination("http://127.0.0.1:9901/x", production=False, allow=allow,
                          resolve=loopback)
    with pytest.raises(UnsafeDestination, match="private"):
        check_destination("http://crm.corp/x", production=False, allow=allow,
                          resolve=resolving_to("10.21.0.1"))


def test_an_unresolvable_host_is_refused() -> None:
    with pytest.raises(UnsafeDestination, match="cannot be resolved"):
        check_destination("https://no-such-host.invalid/r", production=False, allow=NONE)

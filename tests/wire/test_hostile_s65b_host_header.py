"""Hostile s65b: ``Host`` values the authority grammar lets through, and what the issuer makes of them.

Keycloak's Vert.x takes ``host [":" port]`` with the port's digits read as a number that may not pass 65535
(``HostAndPortImpl.parsePort``: ``:99999`` is null, a 400; ``:065535`` and ``:`` are valid), and the request URI
built from it gives the port as a number (``java.net.URI``: ``http://h:/`` has none, ``http://h:0080/`` has 80).
So an empty port leaves no ``:`` in the issuer, leading zeros go, and a port past 65535 is refused. The rest
(case, a trailing dot, percent-encoded bytes, an IPvFuture literal) only ever reaches the port under a plain
``--hostname``; zone ids, non-ASCII bytes and control characters are 400s."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

DISCOVERY = "/realms/test/.well-known/openid-configuration"


@pytest.mark.server_options(hostname="id.example")
@pytest.mark.parametrize(
    ("host", "issuer"),
    [
        ("evil.example:", "http://id.example/realms/test"),
        ("evil.example:065535", "http://id.example:65535/realms/test"),
        ("evil.example:0080", "http://id.example/realms/test"),
        ("evil.example:00008443", "http://id.example:8443/realms/test"),
        ("[::1]:", "http://id.example/realms/test"),
        ("A.EXAMPLE", "http://id.example/realms/test"),
        ("a.example.", "http://id.example/realms/test"),
        ("%65vil.example:81", "http://id.example:81/realms/test"),
        ("[v1.x]", "http://id.example/realms/test"),
        ("xn--bcher-kva.example", "http://id.example/realms/test"),
    ],
)
async def test_a_valid_host_gives_only_its_port_as_a_number(realm: Env, host: str, issuer: str) -> None:
    response = await realm.http.get(DISCOVERY, headers={"Host": host})
    assert response.status_code == 200, (host, response.text)
    assert response.json()["issuer"] == issuer


@pytest.mark.parametrize(
    ("host", "issuer"), [("a.example:", "http://a.example"), ("a.example:0443", "http://a.example:443")]
)
async def test_without_a_hostname_the_port_is_a_number_too(realm: Env, host: str, issuer: str) -> None:
    response = await realm.http.get(DISCOVERY, headers={"Host": host})
    assert response.status_code == 200, (host, response.text)
    assert response.json()["issuer"] == f"{issuer}/realms/test"


@pytest.mark.server_options(hostname="id.example")
@pytest.mark.parametrize(
    "host",
    [
        "evil.example:99999",
        "evil.example:65536",
        "evil.example:" + "0" * 4 + "70000",
        "evil.example:" + "9" * 5000,  # past Python's int() digit limit: still a 400, no 500
        "[fe80::1%25eth0]",
        "[fe80::1%eth0]",
        "b\u00fccher.example",
        "a\tb",
        "evil.example%",
        "evil.example\\",
    ],
)
async def test_a_port_past_65535_zone_ids_and_odd_bytes_are_400(realm: Env, host: str) -> None:
    response = await realm.http.get(DISCOVERY, headers={b"Host": host.encode("utf-8")})
    assert response.status_code == 400, (host, response.text)


@pytest.mark.server_options(hostname="id.example", proxy_headers="xforwarded")
async def test_a_forwarded_host_is_held_to_the_same_ports(realm: Env) -> None:
    cases = {"proxy.example:": "http://id.example", "proxy.example:0443": "http://id.example:443", "p:99999": None}
    for forwarded, issuer in cases.items():
        response = await realm.http.get(DISCOVERY, headers={"Host": "localhost:8080", "X-Forwarded-Host": forwarded})
        assert response.status_code == 200
        assert response.json()["issuer"] == f"{issuer or 'http://id.example:8080'}/realms/test", forwarded


async def test_forwarded_headers_are_ignored_when_proxy_headers_are_off(realm: Env) -> None:
    headers = {
        "Host": "localhost:8080",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "9",
        "X-Forwarded-Prefix": "/evil",
        "Forwarded": "host=evil.example;proto=https",
    }
    response = await realm.http.get(DISCOVERY, headers=headers)
    assert response.json()["issuer"] == "http://localhost:8080/realms/test"


@pytest.mark.server_options(hostname="id.example")
@pytest.mark.parametrize("host", ["evil.example:81 ", " evil.example:81", "evil.example:81\t"])
async def test_whitespace_around_the_host_is_not_part_of_it(realm: Env, host: str) -> None:
    """RFC 9110 §5.5: optional whitespace around a field value is not part of it; Vert.x trims it before parsing."""
    response = await realm.http.get(DISCOVERY, headers={"Host": host})
    assert response.status_code == 200, (host, response.text)
    assert response.json()["issuer"] == "http://id.example:81/realms/test"

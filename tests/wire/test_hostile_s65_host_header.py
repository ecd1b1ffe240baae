"""Hostile sweep s65: the ``Host`` header and the forwarded host and scheme (web/host_header.py).

RFC 9112 §3.2 and Keycloak's Vert.x router: an HTTP/1.1 request with no ``Host``, with two, or with one that is
no ``host[:port]`` is a 400 before any handler runs. Before this, such a value built the issuer and every link, and
under a plain ``--hostname`` (which keeps the request's port) ``Host: x:@evil.example`` made the issuer
``http://id.example:@evil.example/realms/test``: browsers take ``evil.example`` as that URL's host."""

from __future__ import annotations

import pytest
from starlette.types import Message

from wire_env import Env

pytestmark = pytest.mark.anyio

DISCOVERY = "/realms/test/.well-known/openid-configuration"
TOKEN = "/realms/test/protocol/openid-connect/token"
MALFORMED = [
    "x:@evil.example",
    "x:1@evil.example",
    "evil.example/x?y",
    "evil.example#frag",
    'evil.example"><script>',
    "http://evil.example",
    "a, b",
    "evil.example:port",
    "evil.example:123456",
    "[::1",
]


@pytest.mark.server_options(hostname="id.example")
@pytest.mark.parametrize("host", MALFORMED)
async def test_a_malformed_host_is_a_400_before_any_url_is_built_from_it(realm: Env, host: str) -> None:
    response = await realm.http.get(DISCOVERY, headers={"Host": host})
    assert response.status_code == 400, (host, response.text)
    assert "evil" not in response.text
    token = await realm.http.post(
        TOKEN,
        data={"grant_type": "password", "username": "user1", "password": "password"},
        auth=("app", "secret"),
        headers={"Host": host},
    )
    assert token.status_code == 400, host
    assert "access_token" not in token.text


@pytest.mark.server_options(hostname="id.example")
@pytest.mark.parametrize(
    ("host", "issuer"),
    [
        ("localhost:8080", "http://id.example:8080/realms/test"),
        ("evil.example", "http://id.example/realms/test"),
        ("[::1]:8443", "http://id.example:8443/realms/test"),
        ("my_host.internal", "http://id.example/realms/test"),
    ],
)
async def test_a_well_formed_host_still_gives_its_port_under_a_plain_hostname(
    realm: Env, host: str, issuer: str
) -> None:
    response = await realm.http.get(DISCOVERY, headers={"Host": host})
    assert response.status_code == 200, host
    assert response.json()["issuer"] == issuer


async def _raw(env: Env, path: str, headers: list[tuple[bytes, bytes]], version: str = "1.1") -> tuple[int, bytes]:
    """The app called with exactly these headers (httpx always sends one ``Host``)."""
    sent: list[Message] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": version,
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await env.apps[0](scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


async def test_an_http_1_1_request_without_a_host_or_with_two_is_a_400(realm: Env) -> None:
    assert (await _raw(realm, DISCOVERY, []))[0] == 400
    two = [(b"host", b"localhost"), (b"host", b"evil.example")]
    assert (await _raw(realm, DISCOVERY, two))[0] == 400
    status, body = await _raw(realm, DISCOVERY, [(b"host", b"localhost:8080")])
    assert status == 200 and b'"issuer":"http://localhost:8080/realms/test"' in body


async def test_http_1_0_without_a_host_and_an_empty_host_use_the_servers_own_address(realm: Env) -> None:
    for version, headers in (("1.0", []), ("1.1", [(b"host", b"")])):
        status, body = await _raw(realm, DISCOVERY, headers, version)
        assert status == 200, (version, headers)
        assert b"evil" not in body and b'"issuer":"http://' in body


@pytest.mark.server_options(hostname="id.example", proxy_headers="xforwarded")
async def test_a_forwarded_host_or_scheme_that_is_no_authority_or_http_is_ignored(realm: Env) -> None:
    cases = {
        ("x:@evil.example", "https"): "https://id.example/realms/test",
        ("evil.example:8443", "javascript"): "http://id.example:8443/realms/test",
        ("proxy.example:9443", "HTTPS"): "https://id.example:9443/realms/test",
    }
    for (host, proto), issuer in cases.items():
        headers = {"Host": "localhost", "X-Forwarded-Host": host, "X-Forwarded-Proto": proto}
        response = await realm.http.get(DISCOVERY, headers=headers)
        assert response.status_code == 200
        assert response.json()["issuer"] == issuer, (host, proto)


@pytest.mark.server_options(hostname="id.example", proxy_headers="forwarded")
async def test_a_forwarded_header_host_that_is_no_authority_is_ignored(realm: Env) -> None:
    headers = {"Host": "localhost", "Forwarded": 'host="x:@evil.example";proto=javascript'}
    response = await realm.http.get(DISCOVERY, headers=headers)
    assert response.json()["issuer"] == "http://id.example/realms/test"
    headers = {"Host": "localhost", "Forwarded": "host=proxy.example:8443;proto=https"}
    response = await realm.http.get(DISCOVERY, headers=headers)
    assert response.json()["issuer"] == "https://id.example:8443/realms/test"

"""Over real HTTP with a client that sends the path exactly as written: Keycloak's RejectNonNormalizedPathFilter
(HttpDistTest.preventNonNormalizedURLs / allowNonNormalizedURLs). httpx would remove the dot segments itself, so
the requests here are written to a socket by hand."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest

from doorkeep.app import create_app
from served_app import serving
from wire_env import Env

pytestmark = pytest.mark.anyio

REFUSED = {"error": "missingNormalization", "error_description": "Request path not normalized"}
HOSTILE = [
    "/realms/xxx/../master",
    "/realms/%2e%2e/realms/master",
    "/realms/%2E/master",
    "//realms/master",
    "/realms/./master",
    "/realms/master/protocol/openid-connect//certs",
    "/realms/master;jsessionid=abc",
]


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def send(base: str, path: str, method: str = "GET", body: bytes = b"") -> Answer:
    """``method path`` sent byte for byte over a new connection, and the answer read to its end."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    if body:
        head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    await writer.wait_closed()
    top, _, payload = raw.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return Answer(int(lines[0].split(" ")[1]), {k.lower(): v for k, v in headers.items()}, payload)


def is_refusal(answer: Answer) -> bool:
    return answer.status == 400 and json.loads(answer.body or b"null") == REFUSED


async def test_non_normalized_paths_are_refused_with_keycloak_s_json_and_no_other_header(env: Env) -> None:
    async with serving(env.apps[0]) as base:
        assert (await send(base, "/realms/master")).status == 200
        for path in HOSTILE:
            answer = await send(base, path)
            assert is_refusal(answer), (path, answer)
            assert answer.headers["content-type"] == "application/json; charset=UTF-8", answer.headers
            assert "x-frame-options" not in answer.headers and "cache-control" not in answer.headers, answer.headers


async def test_the_token_endpoint_s_direct_route_refuses_them_too(env: Env) -> None:
    async with serving(env.apps[0]) as base:
        form = b"grant_type=password&client_id=admin-cli&username=admin&password=admin"
        answer = await send(base, "/realms/x/../master/protocol/openid-connect/token", "POST", form)
        assert is_refusal(answer), answer
        answer = await send(base, "/realms/master/protocol/openid-connect/token;x", "POST", form)
        assert is_refusal(answer), answer


async def test_the_query_is_not_part_of_the_path_and_an_encoded_slash_is_left_to_routing(env: Env) -> None:
    async with serving(env.apps[0]) as base:
        answer = await send(base, "/realms/master/.well-known/openid-configuration?x=/../a//b;c")
        assert answer.status == 200, answer
        answer = await send(base, "/realms/master%2F..%2Fmaster")
        assert not is_refusal(answer) and answer.status == 404, answer


async def test_accepting_non_normalized_paths_routes_them_on_their_normalized_path(env: Env) -> None:
    settings = dataclasses.replace(env.settings, http_accept_non_normalized_paths=True)
    app = create_app(settings, db=env.db, clock=env.clock)
    env.apps.append(app)
    async with serving(app) as base:
        for path in ("/realms/xxx/../master", "/realms/master;xxx", "//realms/master", "/realms/%6Daster"):
            answer = await send(base, path)
            assert answer.status == 200 and json.loads(answer.body)["realm"] == "master", (path, answer)

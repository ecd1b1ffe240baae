"""JSON nested past Python's recursion limit inside the parameters of an anonymous authorization request (the
``claims`` parameter the ACR rules read, an unsigned request object) and of a pushed authorization request: each
is refused or ignored as Keycloak does with malformed input, never a 500 with a RecursionError."""

from __future__ import annotations

import base64

import pytest

from browser_flow import start
from wire_env import Env

pytestmark = pytest.mark.anyio
DEEP = "[" * 5000 + "]" * 5000


def unsigned(payload: str) -> str:
    def part(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()

    header = part('{"alg":"none"}')
    return f"{header}.{part(payload)}."


async def test_a_deep_claims_parameter_is_no_500(realm: Env) -> None:
    """A claims parameter that does not parse is Keycloak's error page (400), never a 500."""
    for claims in (DEEP, '{"id_token": {"acr": ' + DEEP + "}}"):
        page = await start(realm.http, "test", "app", claims=claims)
        assert page.status_code == 400, (page.status_code, page.text[-400:])
        assert "We are sorry" in page.text


async def test_a_deep_request_object_is_no_500(realm: Env) -> None:
    for payload in (DEEP, '{"client_id": "app", "x": ' + DEEP + "}"):
        page = await start(realm.http, "test", "app", request=unsigned(payload))
        assert page.status_code in (302, 400), (page.status_code, page.text[:300])


async def test_a_deep_pushed_request_is_no_500(realm: Env) -> None:
    data = {"client_id": "app", "response_type": "code", "redirect_uri": "http://127.0.0.1:9999/callback"}
    for extra in ({"claims": DEEP}, {"request": unsigned(DEEP)}):
        response = await realm.http.post(
            "/realms/test/protocol/openid-connect/ext/par/request",
            data={**data, **extra},
            auth=("app", "secret"),
        )
        assert response.status_code in (201, 400, 401), (response.status_code, response.text[:300])

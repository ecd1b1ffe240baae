"""The ``acr`` claim and the ACRs a client asks for (oauth/acr.py): Keycloak's AcrUtils and AcrProtocolMapper.getAcr
over the client's and the realm's ``acr.loa.map``, ``default.acr.values`` and ``minimum.acr.value``, the
``acr_values`` and ``claims`` parameters, and AuthorizationEndpoint's "Invalid parameter: claims" for an essential
ACR that cannot be met. The realm's browser flow is the built-in one, which records no level, so a login with
credentials reaches level 1 and an SSO login level 0 (AcrProtocolMapper.getAcr); step-up flows are tested in
test_keycloak_level_of_assurance_flow_test.py. The realm is the one of
test_keycloak_acr_auth_flow_test.py, imported once; each test sets the client's attributes it needs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from acr_realm import CLIENT, PASSWORD, SECRET, acr_realm
from browser_flow import code_from, exchange, start, submit
from group_port import fresh_realm
from keycloak_port import poll, update_client, update_realm
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
GOLD_SILVER = '{"gold":1,"silver":1,"bronze":0}'


@pytest.fixture(scope="module")
async def acr_env(shared_env: Env) -> Env:
    """The realm, its client without the class's map: each test sets what it needs."""
    await fresh_realm(shared_env, acr_realm())
    await update_client(shared_env, CLIENT, attributes={"acr.loa.map": ""})
    return shared_env


@pytest.fixture
async def env(acr_env: Env) -> AsyncIterator[Env]:
    """A browser of its own, no events left over; the client's ACR attributes and the realm's map reset after."""
    acr_env.http.cookies.clear()
    await poll(acr_env)
    yield acr_env
    reset = {"acr.loa.map": "", "default.acr.values": "", "minimum.acr.value": ""}
    await update_client(acr_env, CLIENT, attributes=reset)
    await update_realm(acr_env, attributes={"acr.loa.map": ""})


def essential(*values: str) -> str:
    return json.dumps({"id_token": {"acr": {"essential": True, "values": list(values)}}})


async def login_tokens(env: Env, **params: str) -> dict[str, Any]:
    """A login of no-otp-user asking with ``params``, its code exchanged."""
    page = await start(env.http, "test", CLIENT, **params)
    if page.status_code == 200:
        page = await submit(env.http, page, username="no-otp-user", password=PASSWORD)
    response = await exchange(env.http, "test", CLIENT, code_from(page)["code"], secret=SECRET)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def token_acr(tokens: dict[str, Any]) -> str:
    """The ``acr`` of the access token, the same in the ID token."""
    acr = claims(tokens["access_token"]).get("acr")
    assert claims(tokens["id_token"]).get("acr") == acr, (claims(tokens["id_token"]), acr)
    return str(acr)


async def login_acr(env: Env, **params: str) -> str:
    """A login of no-otp-user asking with ``params``; the ``acr`` of the ID and access tokens."""
    return token_acr(await login_tokens(env, **params))


async def refreshed_acr(env: Env, tokens: dict[str, Any]) -> str:
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    response = await env.http.post("/realms/test/protocol/openid-connect/token", data=form, auth=(CLIENT, SECRET))
    assert response.status_code == 200, response.text
    return token_acr(response.json())


async def assert_invalid_claims(env: Env, page: httpx.Response) -> None:
    """AuthorizationEndpoint's ErrorPageException: a 400 page, never a redirect, and its LOGIN_ERROR."""
    assert page.status_code == 400, (page.status_code, page.text[:300])
    assert "Invalid parameter: claims" in page.text
    (error,) = [event for event in await poll(env) if event["type"] == "LOGIN_ERROR"]
    assert error["error"] == "invalid_request" and error["clientId"] == CLIENT, error
    assert error["details"]["reason"] == "Invalid requested essential acr value", error


async def test_acr_values_names_the_requested_acr_the_level_reaches(env: Env) -> None:
    """mapLoaToAcr over ``acr_values`` first: of two ACRs of level 1, the one asked for."""
    await update_client(env, CLIENT, attributes={"acr.loa.map": GOLD_SILVER})
    assert await login_acr(env, acr_values="silver") == "silver"


async def test_without_a_request_the_first_mapped_acr_of_the_level_is_named(env: Env) -> None:
    """No ACR asked for: the map's first ACR of the highest level reached (1), then an SSO login's level 0."""
    await update_client(env, CLIENT, attributes={"acr.loa.map": GOLD_SILVER})
    assert await login_acr(env) == "gold"
    assert await login_acr(env) == "bronze"  # the SSO cookie answered: level 0


async def test_requested_acr_above_the_level_falls_back_to_the_map(env: Env) -> None:
    """An ACR of a level not reached (``claims``, not essential) is passed over for the map's ACR of level 1."""
    await update_client(env, CLIENT, attributes={"acr.loa.map": '{"basic":1,"strong":2}'})
    claim = json.dumps({"id_token": {"acr": {"values": ["strong"]}}})
    assert await login_acr(env, claims=claim) == "basic"


async def test_realm_map_serves_a_client_without_one(env: Env) -> None:
    """getAcrLoaMap: the realm's ``acr.loa.map`` when the client has none; the client's own wins."""
    await update_realm(env, attributes={"acr.loa.map": '{"realm-basic":1}'})
    assert await login_acr(env) == "realm-basic"
    env.http.cookies.clear()
    await update_client(env, CLIENT, attributes={"acr.loa.map": '{"client-basic":1}'})
    assert await login_acr(env) == "client-basic"


async def test_default_acr_values_stand_in_for_no_request(env: Env) -> None:
    """``default.acr.values`` when neither ``acr_values`` nor ``claims`` asks; a request replaces them."""
    attributes = {"acr.loa.map": GOLD_SILVER, "default.acr.values": "silver##bronze"}
    await update_client(env, CLIENT, attributes=attributes)
    assert await login_acr(env) == "silver"
    env.http.cookies.clear()
    assert await login_acr(env, acr_values="gold") == "gold"


async def test_minimum_acr_value_replaces_lower_requests(env: Env) -> None:
    """enforceMinimumAcr: ``bronze`` (0) is below the minimum ``silver`` (1), so ``silver`` is asked instead."""
    await update_client(env, CLIENT, attributes={"acr.loa.map": GOLD_SILVER, "minimum.acr.value": "silver"})
    assert await login_acr(env, acr_values="bronze") == "silver"


async def test_numeric_acr_without_map_is_the_level(env: Env) -> None:
    """No map anywhere: the claim is the level reached, whatever was asked."""
    assert await login_acr(env, acr_values="2 unknown") == "1"


async def test_unknown_non_essential_acr_is_no_error(env: Env) -> None:
    """An unmapped, non-numeric ACR that is not essential counts as level 0 and the login goes on."""
    await update_client(env, CLIENT, attributes={"acr.loa.map": GOLD_SILVER})
    claim = json.dumps({"id_token": {"acr": {"essential": False, "values": ["platinum"]}}})
    assert await login_acr(env, claims=claim) == "gold"


async def test_essential_unknown_acr_is_invalid_claims(env: Env) -> None:
    """An essential ACR neither mapped nor a number: "Invalid parameter: claims", no login page."""
    await update_client(env, CLIENT, attributes={"acr.loa.map": GOLD_SILVER})
    await assert_invalid_claims(env, await start(env.http, "test", CLIENT, claims=essential("platinum")))


async def test_essential_acr_below_the_minimum_is_invalid_claims(env: Env) -> None:
    """An essential ACR below ``minimum.acr.value`` is refused, not raised to the minimum; one at
    the minimum passes."""
    await update_client(env, CLIENT, attributes={"acr.loa.map": GOLD_SILVER, "minimum.acr.value": "silver"})
    await assert_invalid_claims(env, await start(env.http, "test", CLIENT, claims=essential("bronze")))
    assert await login_acr(env, claims=essential("gold")) == "gold"


async def test_refresh_names_the_acr_of_the_login_again(env: Env) -> None:
    """AcrProtocolMapper reads the client session on a refresh too: the requested ACR of a fresh login, then
    level 0 of an SSO login (which re-attached the client), under the map as it is at the refresh. The SSO login
    asks for no ACR: one asking for level 1 would make CookieAuthenticator ask for the password again, as the
    session holds no level (the built-in flow records none)."""
    await update_client(env, CLIENT, attributes={"acr.loa.map": GOLD_SILVER})
    assert await refreshed_acr(env, await login_tokens(env, acr_values="silver")) == "silver"
    sso = await login_tokens(env)
    assert token_acr(sso) == "bronze"
    assert await refreshed_acr(env, sso) == "bronze"
    await update_client(env, CLIENT, attributes={"acr.loa.map": '{"renamed":0}'})
    assert await refreshed_acr(env, sso) == "renamed"

"""Security sweep s62: step-up bypass at the Account REST's credential removal (CredentialDeleteHelper's level
check, AccountCredentialResource.getCurrentAuthenticatedLevel), by the roads sessions 54-61 opened. The realm is
LevelOfAssuranceFlowTest's (tests/loa_realm.py): OTP at level 2 (gold), the password at level 1 (silver).

Attacks: a level-1 token made lightweight (no ``acr`` in it: the Account REST fills the claims in as introspection
shows them, and the level stays silver); a level-1 token kept from before the session stepped up to gold (the
token's own ``acr`` counts, not the session's); a token of another client of the realm that names no level map
(its ``acr`` "1" is read as the number 1); a token exchanged (standard token exchange V2) by another client from a
level-1 token (its ``acr`` stays the session's level for that client). Each is refused with Keycloak's 403 and
the OTP credential stays."""

from __future__ import annotations

from typing import Any

import pytest

import group_port
import loa_realm as loa_port
from browser_flow import code_from, exchange, start, submit
from keycloak_port import admin_headers, get, poll, update_client, user_id
from loa_realm import APP, PASSWORD, SECRET, TOTP_SECRET, USER
from support import claims
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
loa_env = loa_port.loa_env
INSUFFICIENT = {"error": "Insufficient level of authentication for removing credential of type 'otp'."}
LIGHTWEIGHT = "client.use.lightweight.access.token.enabled"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


@pytest.fixture
async def env(loa_env: Env) -> Env:
    """A browser of its own for each test, the app's tokens full ones."""
    loa_env.http.cookies.clear()
    await update_client(loa_env, APP, attributes={LIGHTWEIGHT: "false"})
    await poll(loa_env)
    return loa_env


async def _otp_id(env: Env) -> str:
    uid = await user_id(env, USER)
    (found,) = [c["id"] for c in await get(env, f"/users/{uid}/credentials") if c["type"] == "otp"]
    return str(found)


async def _tokens(env: Env, done: Any) -> dict[str, Any]:
    response = await exchange(env.http, "test", APP, code_from(done)["code"], secret=SECRET)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


async def _silver(env: Env) -> dict[str, Any]:
    """A level-1 login of the app (the password form only)."""
    page = await start(env.http, "test", APP)
    return await _tokens(env, await submit(env.http, page, username=USER, password=PASSWORD))


async def _gold(env: Env) -> dict[str, Any]:
    """The same browser steps up to level 2 (gold): the OTP form over its SSO session."""
    page = await start(env.http, "test", APP, acr_values="gold")
    assert 'name="otp"' in page.text, page.text[:400]
    return await _tokens(env, await submit(env.http, page, otp=totp(TOTP_SECRET.encode(), now=env.clock.now())))


async def _remove_otp(env: Env, token: str) -> Any:
    otp_id = await _otp_id(env)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    return await env.http.delete(f"/realms/test/account/credentials/{otp_id}", headers=headers)


async def _refused_and_kept(env: Env, token: str) -> None:
    otp_id = await _otp_id(env)
    removed = await _remove_otp(env, token)
    assert removed.status_code == 403, removed.text
    assert removed.json() == INSUFFICIENT
    assert await _otp_id(env) == otp_id


async def test_a_lightweight_level_one_token_cannot_remove_the_second_factor(env: Env) -> None:
    await update_client(env, APP, attributes={LIGHTWEIGHT: "true"})
    token = (await _silver(env))["access_token"]
    assert "acr" not in claims(token) and "aud" not in claims(token)  # lightweight: the level is not in it
    await _refused_and_kept(env, token)


async def test_a_level_one_token_kept_from_before_a_step_up_stays_level_one(env: Env) -> None:
    """The session reaches gold later; the older token still says silver, and the token's own acr counts."""
    old = (await _silver(env))["access_token"]
    new = (await _gold(env))["access_token"]
    assert claims(old)["acr"] == "silver" and claims(new)["acr"] == "gold"
    await _refused_and_kept(env, old)


async def test_a_token_of_another_client_without_the_level_map_is_level_one(env: Env) -> None:
    """A direct grant of a client with no acr.loa.map (the password and the OTP code, as the direct grant flow asks
    of a user with OTP): acr "1", read as the number 1, below the browser flow's level 2 for OTP."""
    made = await env.http.post(
        "/admin/realms/test/clients",
        json={"clientId": "other-app", "secret": "s3cret", "directAccessGrantsEnabled": True},
        headers=await admin_headers(env),
    )
    assert made.status_code in (201, 409), made.text
    answer = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "other-app", "client_secret": "s3cret", "username": USER,
              "password": PASSWORD, "totp": totp(TOTP_SECRET.encode(), now=env.clock.now())},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    assert claims(token)["acr"] == "1"
    await _refused_and_kept(env, token)


async def test_a_token_exchanged_from_a_level_one_token_stays_below_level_two(env: Env) -> None:
    """Another confidential client trades the app's level-1 token for one of its own: what it gets cannot remove
    the second factor either: its acr is "1", the client session made for the exchange having no level of its own."""
    admin = await admin_headers(env)
    made = await env.http.post(
        "/admin/realms/test/clients",
        json={"clientId": "exchanger", "secret": "s3cret", "attributes": {"standard.token.exchange.enabled": "true"}},
        headers=admin,
    )
    assert made.status_code in (201, 409), made.text
    audience = {"name": "exchanger-aud", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
                "config": {"included.client.audience": "exchanger", "access.token.claim": "true"}}  # fmt: skip
    app = (await get(env, "/clients", clientId=APP))[0]["id"]
    await env.http.post(f"/admin/realms/test/clients/{app}/protocol-mappers/models", json=audience, headers=admin)
    subject = (await _silver(env))["access_token"]
    traded = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": TOKEN_EXCHANGE, "client_id": "exchanger", "client_secret": "s3cret",
              "subject_token": subject, "subject_token_type": ACCESS_TOKEN_TYPE, "audience": "account"},
    )  # fmt: skip
    assert traded.status_code == 200, traded.text
    token = traded.json()["access_token"]
    assert (claims(token)["azp"], claims(token)["acr"]) == ("exchanger", "1")
    await _refused_and_kept(env, token)

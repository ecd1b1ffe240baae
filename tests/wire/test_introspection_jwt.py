"""The introspection answer's ``jwt`` field (Keycloak 25+, AccessTokenIntrospectionProvider.introspect).

Added only to an active answer, only when ``Accept`` is exactly ``application/jwt`` (``equals`` on
getHeaderString) and the *authenticated* client has ``client.introspection.response.allow.jwt.claim.enabled``
true (Boolean.parseBoolean); it is the token as introspection rebuilt it, signed by ``session.tokens().encode``
as an access token with the caller's ``access.token.signed.response.alg``. The answer stays application/json.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import jwt
import pytest

from doorkeep.model import ProtocolMapper
from support import claims, header, password_grant, seed_client, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

ENABLED = "client.introspection.response.allow.jwt.claim.enabled"
JWT = {"Accept": "application/jwt"}
ADDED = ("client_id", "username", "token_type", "active", "jwt")  # the answer's fields, not the token's


@pytest.fixture
async def realm(realm: Env) -> Env:
    """``app`` gets the tokens, with ``rs`` and ``plain`` in their audience (Keycloak 26.6.2 answers only a caller
    in it); ``rs`` introspects with the jwt claim enabled, ``plain`` without it."""
    await seed_client(realm.db, "test", "rs", secret="rs-secret", attributes={ENABLED: "true"})
    await seed_client(realm.db, "test", "plain", secret="plain-secret")
    async with realm.db.transaction() as tx:
        app = await tx.clients.get_by_client_id((await tx.realms.get_by_name("test") or _missing()).id, "app")
        assert app is not None
        await tx.mappers.add_many(app.realm_id, app.id, [_audience(name) for name in ("rs", "plain")], client=True)
    return realm


def _missing() -> Any:
    raise AssertionError("realm test missing")


def _audience(client_id: str) -> ProtocolMapper:
    config = {"included.client.audience": client_id, "access.token.claim": "true"}
    return ProtocolMapper(
        id=f"aud-{client_id}", name=f"{client_id} audience", mapper="oidc-audience-mapper", config=config
    )


async def tokens(env: Env) -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", scope="openid")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def introspect(
    env: Env,
    token: str,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    client: tuple[str, str] = ("rs", "rs-secret"),
    **form: str,
) -> httpx.Response:
    data = {"client_id": client[0], "client_secret": client[1], "token": token, **form}
    response = await env.http.post(token_url("test", "token/introspect"), data=data, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response


async def verified(env: Env, token: str) -> dict[str, Any]:
    """The JWT's payload once its signature holds against the realm's published keys."""
    keys = (await env.http.get(token_url("test", "certs"))).json()["keys"]
    kid = header(token)["kid"]
    [jwk] = [k for k in keys if k["kid"] == kid]
    key = jwt.PyJWK(jwk)
    options: jwt.types.Options = {"verify_aud": False, "verify_exp": False}
    return dict(jwt.decode(token, key.key, algorithms=[header(token)["alg"]], options=options))


async def test_an_active_access_token_answer_carries_the_rebuilt_token_signed_as_a_jwt(realm: Env) -> None:
    access = (await tokens(realm))["access_token"]
    answer = (await introspect(realm, access, JWT)).json()
    assert answer["active"] is True and isinstance(answer["jwt"], str)
    assert header(answer["jwt"])["alg"] == "RS256" and header(answer["jwt"])["typ"] == "JWT"
    payload = await verified(realm, answer["jwt"])
    assert payload == {k: v for k, v in answer.items() if k not in ADDED}
    assert payload["jti"] == claims(access)["jti"] and payload["azp"] == "app" and payload["typ"] == "Bearer"
    assert "client_id" not in payload and "active" not in payload


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {"Accept": "application/json"},
        {"Accept": "application/jwt, application/json"},
        {"Accept": "Application/JWT"},
        {"Accept": "application/jwt;q=1"},
        [("Accept", "application/jwt"), ("Accept", "application/json")],  # getHeaderString joins them
    ],
    ids=["none", "json", "jwt-and-json", "other-case", "with-parameter", "two-headers"],
)
async def test_only_an_accept_header_exactly_application_jwt_asks_for_it(
    realm: Env, headers: dict[str, str] | list[tuple[str, str]] | None
) -> None:
    access = (await tokens(realm))["access_token"]
    answer = (await introspect(realm, access, headers)).json()
    assert answer["active"] is True and "jwt" not in answer


@pytest.mark.parametrize(("value", "added"), [("TRUE", True), ("false", False), ("yes", False), ("", False)])
async def test_the_calling_clients_attribute_is_read_as_java_parse_boolean(realm: Env, value: str, added: bool) -> None:
    await update_client(realm.db, "test", "rs", attributes={ENABLED: value})
    answer = (await introspect(realm, (await tokens(realm))["access_token"], JWT)).json()
    assert ("jwt" in answer) is added


async def test_the_attribute_counts_on_the_caller_not_on_the_client_the_token_was_issued_to(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={ENABLED: "true"})
    access = (await tokens(realm))["access_token"]
    answer = (await introspect(realm, access, JWT, client=("plain", "plain-secret"))).json()
    assert answer["active"] is True and "jwt" not in answer


async def test_an_inactive_token_gets_no_jwt(realm: Env) -> None:
    assert (await introspect(realm, "not-a-token", JWT)).json() == {"active": False}
    access = (await tokens(realm))["access_token"]
    tampered = access[:-4] + ("AAAA" if not access.endswith("AAAA") else "BBBB")
    assert (await introspect(realm, tampered, JWT)).json() == {"active": False}


async def test_a_refresh_token_answer_carries_it_rebuilt_with_its_refresh_type(realm: Env) -> None:
    """Introspected by ``app`` itself, with the claim enabled there: since Keycloak 26.8 a refresh token is active
    to the client it was issued to only."""
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        app = await tx.clients.get_by_client_id(test.id, "app")
        assert app is not None
        await tx.clients.update(dataclasses.replace(app, attributes={**app.attributes, ENABLED: "true"}))
    refresh = (await tokens(realm))["refresh_token"]
    answer = (await introspect(realm, refresh, JWT, ("app", "secret"), token_type_hint="refresh_token")).json()
    assert answer["active"] is True and answer["token_type"] == "Refresh"
    payload = await verified(realm, answer["jwt"])
    assert payload["typ"] == "Refresh" and payload["jti"] == claims(refresh)["jti"]
    assert header(answer["jwt"])["alg"] == "RS256"  # signed as an access token, not with the HMAC key


async def test_the_jwt_is_signed_with_the_callers_access_token_algorithm(realm: Env) -> None:
    await update_client(
        realm.db, "test", "rs", attributes={ENABLED: "true", "access.token.signed.response.alg": "ES256"}
    )
    access = (await tokens(realm))["access_token"]
    assert header(access)["alg"] == "RS256"
    answer = (await introspect(realm, access, JWT)).json()
    assert header(answer["jwt"])["alg"] == "ES256"
    assert (await verified(realm, answer["jwt"]))["jti"] == claims(access)["jti"]

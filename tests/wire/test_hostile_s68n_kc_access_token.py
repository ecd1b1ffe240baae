"""Hostile: a keycloak-oidc provider's access token, which session 68 validates and reads claims from first
(KeycloakOIDCIdentityProvider.processAccessTokenResponse; AbstractClaimMapper.getClaimValue). A token the provider's
key did not sign (none, another key, HS256 keyed with the public key), of another issuer, expired, or no JWT at
all fails the login with the broker's error page (502, as Keycloak's IdentityBrokerException): no user made, no
code, never a 500. Junk role claims for the External Role to Role mapper map nothing (the well-formed claims,
last, do)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from broker_support import callback, served_with_fake, to_provider, user_named
from browser_flow import submit
from fake_idp import ATTACKER_KEY, FakeIdp, hs256, public_pem, unsigned
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

KC = {"providerId": "keycloak-oidc"}


def _id_token(idp: FakeIdp, now: int, i: int) -> Callable[[str], str]:
    """The i-th login's ID token: a user of its own (``mal{i}``, ``mal{i}@idp.example``)."""
    claims = idp.claims(now, sub=f"s{i}", preferred_username=f"mal{i}", email=f"mal{i}@idp.example")
    return lambda nonce: idp.signed({**claims, "nonce": nonce})


def _bad_tokens(idp: FakeIdp, now: int) -> list[Any]:
    good = idp.claims(now, nonce=None, aud=None, azp=None, typ="Bearer")
    return [
        "idp-access-token-0815",
        "a.b.c",
        "",
        5,
        ["x"],
        {"a": 1},
        None,
        unsigned(good),
        idp.signed(good, key=ATTACKER_KEY),
        hs256(good, public_pem()),
        idp.signed({**good, "iss": "https://evil.example"}),
        idp.signed({**good, "exp": now - 3600, "iat": now - 7200}),
        idp.signed({**good, "nbf": now + 3600}),
    ]


async def test_bad_access_tokens_fail_the_login(env: Env) -> None:
    async with served_with_fake(env, **KC) as (_broker, idp):
        now = env.clock.now()
        for i, token in enumerate(_bad_tokens(idp, now)):
            idp.extra = {"access_token": token}
            idp.id_token = _id_token(idp, now, i)
            env.http.cookies.clear()
            params = await to_provider(env.http, idp)
            answer = await callback(env.http, params["state"])
            assert answer.status_code in (200, 302, 400, 502), (i, answer.status_code, answer.text[:600])
            assert "code=" not in answer.headers.get("location", ""), (i, answer.headers)
            assert await user_named(env, f"mal{i}") is None, i


JUNK_ROLE_CLAIMS: list[dict[str, Any]] = [
    {"realm_access": "admin"},
    {"realm_access": {"roles": [None, 5, {"x": 1}, ["ADMIN"]]}},
    {"resource_access": ["broker-app"]},
    {"resource_access": {"broker-app": "admin"}},
    {"resource_access": {"broker-app": {"roles": {"admin": True}}}},
    {"realm_access": {"roles": ["ADMIN", "admin "]}},
    # the controls, last: these map (AbstractClaimMapper.valueEquals: a lone string is compared as is, a list's
    # items each, nested lists too)
    {"realm_access": {"roles": "admin"}},
    {"realm_access": {"roles": [None, 5, {"x": 1}, ["admin"]]}},
    {"realm_access": {"roles": ["admin"]}},
]
CONTROLS = 3


async def test_junk_role_claims_map_nothing(env: Env) -> None:
    """An External Role to Role mapper for ``admin`` (realm role) and ``broker-app.admin``: role claims of the
    wrong shapes or case grant nothing and fail nothing."""
    async with served_with_fake(env, **KC) as (_broker, idp):
        await admin(env, "POST", "/admin/realms/test/roles", {"name": "granted"}, 201)
        for name, external in (("realm", "admin"), ("client", "broker-app.admin")):
            body = {
                "name": name,
                "identityProviderAlias": "kc",
                "identityProviderMapper": "keycloak-oidc-role-to-role-idp-mapper",
                "config": {"external.role": external, "role": "granted", "syncMode": "FORCE"},
            }
            await admin(env, "POST", "/admin/realms/test/identity-provider/instances/kc/mappers", body, 201)
        now = env.clock.now()
        for i, junk in enumerate(JUNK_ROLE_CLAIMS):
            claims = {**idp.claims(now, nonce=None, aud=None, azp=None, typ="Bearer"), **junk}
            idp.extra = {"access_token": idp.signed(claims)}
            idp.id_token = _id_token(idp, now, i)
            env.http.cookies.clear()
            params = await to_provider(env.http, idp)
            answer = await callback(env.http, params["state"])
            assert answer.status_code in (200, 302, 400, 502), (i, answer.status_code, answer.text[:600])
            if answer.status_code == 200:  # the first broker login's review page
                profile = {"username": f"mal{i}", "email": f"mal{i}@idp.example", "firstName": "M", "lastName": "L"}
                answer = await submit(env.http, answer, **profile)
            user = await user_named(env, f"mal{i}")
            if user is not None:  # the login made them
                roles = await admin(
                    env, "GET", f"/admin/realms/test/users/{user['id']}/role-mappings/realm", status=200
                )
                control = i >= len(JUNK_ROLE_CLAIMS) - CONTROLS
                assert ("granted" in {r["name"] for r in roles.json()}) == control, (i, junk)
            assert user is not None, (i, answer.status_code, answer.text[:600])

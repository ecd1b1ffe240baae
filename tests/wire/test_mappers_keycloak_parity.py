"""Protocol mappers giving the claims Keycloak 26 gives: role-name and hardcoded-role mappers, a mapped
``sub``, and introspection rebuilding a token from its basic claims and the introspection mappers.

Keycloak sources: HardcodedRole, RoleNameMapper, RoleResolveUtil, ProtocolMapperUtils (priorities),
OIDCAttributeMapperHelper (the ``sub`` setter), TokenManager.generateUserInfoClaims and
AccessTokenIntrospectionProvider; tests OIDCProtocolMappersTest and AccessTokenTest.testKeycloak2221.

``app`` introspects its own access tokens, whose ``aud`` does not name it: since Keycloak 26.6.2 it does so with
the client attribute ``allow.token.introspection.without.audience.check`` (the per-client compatibility mode),
not an audience mapper, which would change the very ``aud`` these tests compare.
"""

from __future__ import annotations

from typing import Any

import pytest

import keycloak_port
from admin_support import client_uuid
from support import claims, password_grant, seed_client, seed_realm, seed_user, token_url, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

DEFAULT_REALM_ROLES = ["default-roles-test", "offline_access", "uma_authorization"]
ACCOUNT_ROLES = ["manage-account", "manage-account-links", "view-profile"]
INTROSPECTS_ANY = {"allow.token.introspection.without.audience.check": "true"}  # Keycloak 26.6.2's client switch


async def add_mappers(env: Env, *mappers: dict[str, Any], client_id: str = "app") -> None:
    url = f"/admin/realms/test/clients/{await client_uuid(env, 'test', client_id)}/protocol-mappers/add-models"
    response = await env.http.post(url, json=list(mappers), headers=await env.admin_headers())
    assert response.status_code == 204, response.text


def mapper(name: str, kind: str, **config: str) -> dict[str, Any]:
    return {"name": name, "protocol": "openid-connect", "protocolMapper": kind, "config": config}


def hardcoded_role(name: str, role: str) -> dict[str, Any]:
    return mapper(name, "oidc-hardcoded-role-mapper", role=role)


def role_name(name: str, role: str, new_name: str) -> dict[str, Any]:
    return mapper(name, "oidc-role-name-mapper", **{"role": role, "new.role.name": new_name})


async def userinfo(env: Env, access_token: str) -> dict[str, Any]:
    response = await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {access_token}"})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def introspect(env: Env, token: str, hint: str | None = None) -> dict[str, Any]:
    form = {"client_id": "app", "client_secret": "secret", "token": token}
    if hint is not None:
        form["token_type_hint"] = hint
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


# --- HardcodedRole and RoleNameMapper -----------------------------------------------------------------


async def test_a_hardcoded_role_joins_the_access_token_roles_and_its_client_the_audience(realm: Env) -> None:
    """HardcodedRole.transformAccessToken adds the name to the resolved roles, existing or not; the role
    mappers and audience resolve (which run after it) show it. It runs with no token flag."""
    await add_mappers(realm, hardcoded_role("hard-realm", "hardcoded"), hardcoded_role("hard-client", "reports.viewer"))
    body = (await password_grant(realm.http, "test", "app", scope="openid microprofile-jwt")).json()
    access = claims(body["access_token"])
    assert access["realm_access"] == {"roles": [*DEFAULT_REALM_ROLES[:1], "hardcoded", *DEFAULT_REALM_ROLES[1:]]}
    assert access["resource_access"] == {"account": {"roles": ACCOUNT_ROLES}, "reports": {"roles": ["viewer"]}}
    assert access["aud"] == ["account", "reports"]
    assert access["groups"] == ["default-roles-test", "hardcoded", "offline_access", "uma_authorization"]
    # The ID token is minted after the access token, in the same request: RoleResolveUtil's roles are shared.
    assert claims(body["id_token"])["groups"] == access["groups"]
    # HardcodedRole is a UserInfoTokenMapper too (Keycloak 21+, #15624): userinfo's role mappers see it.
    assert (await userinfo(realm, body["access_token"]))["groups"] == access["groups"]


async def test_the_role_name_mapper_runs_before_the_hardcoded_role_mapper(realm: Env) -> None:
    """Priorities 10 and 20: renaming a role only a hardcoded-role mapper adds finds nothing to rename."""
    await add_mappers(realm, hardcoded_role("hard", "extra"), role_name("rename", "extra", "renamed"))
    access = claims((await password_grant(realm.http, "test", "app")).json()["access_token"])
    assert "extra" in access["realm_access"]["roles"] and "renamed" not in access["realm_access"]["roles"]


async def test_a_role_name_mapper_moves_roles_between_the_realm_and_clients(realm: Env) -> None:
    """AccessTokenTest.testKeycloak2221: a renamed realm role; a client role moved to the realm, and a
    realm role moved to a client. RoleNameMapper also runs for userinfo (and introspection)."""
    await add_mappers(
        realm,
        role_name("to-realm", "account.view-profile", "viewer"),
        role_name("to-client", "uma_authorization", "app.uma"),
        role_name("absent", "admin", "the-admin"),
    )
    body = (await password_grant(realm.http, "test", "app", scope="openid microprofile-jwt")).json()
    access = claims(body["access_token"])
    assert access["realm_access"] == {"roles": ["default-roles-test", "offline_access", "viewer"]}
    assert access["resource_access"] == {
        "account": {"roles": ["manage-account", "manage-account-links"]},
        "app": {"roles": ["uma"]},
    }
    assert access["aud"] == "account"  # the client itself is never its own resolved audience
    groups = ["default-roles-test", "offline_access", "viewer"]
    assert claims(body["id_token"])["groups"] == groups
    assert (await userinfo(realm, body["access_token"]))["groups"] == groups


async def test_moving_every_role_of_a_client_away_drops_its_roles_and_audience(realm: Env) -> None:
    await add_mappers(realm, *(role_name(f"r{i}", f"account.{r}", f"account-{r}") for i, r in enumerate(ACCOUNT_ROLES)))
    access = claims((await password_grant(realm.http, "test", "app")).json()["access_token"])
    assert "resource_access" not in access and "aud" not in access
    assert access["realm_access"]["roles"] == sorted(DEFAULT_REALM_ROLES + [f"account-{r}" for r in ACCOUNT_ROLES])


async def test_role_mappers_without_a_role_change_nothing(realm: Env) -> None:
    before = claims((await password_grant(realm.http, "test", "app")).json()["access_token"])
    await add_mappers(
        realm, mapper("no-role", "oidc-hardcoded-role-mapper"), mapper("no-name", "oidc-role-name-mapper")
    )
    after = claims((await password_grant(realm.http, "test", "app")).json()["access_token"])
    assert (after["realm_access"], after["resource_access"], after["aud"]) == (
        before["realm_access"],
        before["resource_access"],
        before["aud"],
    )


# --- a mapped sub ----------------------------------------------------------------------------------------


def userid_as_sub(access: str, introspection: str) -> dict[str, Any]:
    """OIDCProtocolMappersTest.testTokenPropertiesMapping's ``userid-as-sub``."""
    return mapper(
        "userid-as-sub",
        "oidc-usermodel-attribute-mapper",
        **{
            "user.attribute": "userid",
            "claim.name": "sub",
            "jsonType.label": "String",
            "access.token.claim": access,
            "id.token.claim": "true",
            "userinfo.token.claim": "true",
            "introspection.token.claim": introspection,
        },
    )


async def test_a_mapper_writing_sub_sets_the_subject_of_the_tokens_it_feeds(env: Env) -> None:
    """The ID token and userinfo take the mapped subject; the access token, not fed, keeps the user's id."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1", attributes={"userid": ["123456789"]})
    await add_mappers(env, userid_as_sub(access="false", introspection="false"))
    body = (await password_grant(env.http, "test", "app", scope="openid")).json()
    assert claims(body["id_token"])["sub"] == "123456789"
    assert claims(body["access_token"])["sub"] == user.id
    info = await userinfo(env, body["access_token"])
    assert info["sub"] == "123456789" and info["preferred_username"] == "user1"


async def test_introspection_takes_the_mapped_sub_when_its_mapper_feeds_introspection(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", attributes=dict(INTROSPECTS_ANY))
    user = await seed_user(env.db, env.clock, "test", "user1", attributes={"userid": ["123456789"]})
    await add_mappers(env, userid_as_sub(access="false", introspection="true"))
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    assert claims(token)["sub"] == user.id
    view = await introspect(env, token)
    assert view["sub"] == "123456789" and view["username"] == "user1" and view["active"] is True


# --- introspection: basic claims, then the introspection mappers ----------------------------------------

BASIC = ("exp", "iat", "jti", "iss", "aud", "sub", "typ", "azp", "nonce", "sid", "scope", "cnf")


def hardcoded_claim(name: str, value: str, **flags: str) -> dict[str, Any]:
    return mapper(
        name,
        "oidc-hardcoded-claim-mapper",
        **{"claim.name": name, "claim.value": value, "jsonType.label": "String"},
        **flags,
    )


async def test_an_introspected_access_token_is_its_basic_claims_and_the_introspection_mappers(realm: Env) -> None:
    await keycloak_port.update_client(realm, "app", attributes=INTROSPECTS_ANY)
    body = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    access = claims(body["access_token"])
    extra = {"client_id": "app", "username": "user1", "token_type": "Bearer", "active": True}
    assert await introspect(realm, body["access_token"]) == {**access, **extra}


async def test_introspection_leaves_out_claims_not_meant_for_it_and_shows_mapper_changes(realm: Env) -> None:
    """AccessTokenIntrospectionProvider.transformAccessToken: introspection.token.claim false hides a
    claim the token carries; mappers added after issuance, RoleNameMapper and HardcodedRole (a
    TokenIntrospectionTokenMapper too, run whatever the flags) apply; aud is basic, kept from the token."""
    await keycloak_port.update_client(realm, "app", attributes=INTROSPECTS_ANY)
    await add_mappers(
        realm,
        hardcoded_claim("tier", "gold", **{"access.token.claim": "true", "introspection.token.claim": "false"}),
        hardcoded_claim("level", "3", **{"access.token.claim": "true"}),  # introspection follows the access token
        hardcoded_role("hard-client", "reports.viewer"),
    )
    body = (await password_grant(realm.http, "test", "app")).json()
    access = claims(body["access_token"])
    assert (access["tier"], access["level"], access["aud"]) == ("gold", "3", ["account", "reports"])
    await add_mappers(realm, hardcoded_claim("late", "yes", **{"access.token.claim": "true"}))
    await add_mappers(realm, role_name("rename", "uma_authorization", "uma"))
    view = await introspect(realm, body["access_token"])
    assert "tier" not in view and (view["level"], view["late"]) == ("3", "yes")
    assert view["aud"] == ["account", "reports"]
    assert view["resource_access"] == {"account": {"roles": ACCOUNT_ROLES}, "reports": {"roles": ["viewer"]}}
    assert view["realm_access"] == {"roles": ["default-roles-test", "offline_access", "uma"]}


async def test_an_introspected_refresh_token_shows_the_introspection_mappers_too(realm: Env) -> None:
    """RefreshTokenIntrospectionProvider inherits transformAccessToken: the refresh token's basic claims
    (its aud is the issuer, audience resolve adds to it; reuse_id is not one), then the mappers."""
    await update_realm(realm.db, "test", revoke_refresh_token=True)
    body = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    access, refreshed = claims(body["access_token"]), claims(body["refresh_token"])
    assert "reuse_id" in refreshed
    mapped = {k: v for k, v in access.items() if k not in BASIC}
    expected = {
        **{k: refreshed[k] for k in BASIC if k in refreshed},
        "aud": [refreshed["iss"], "account"],
        **mapped,
        "client_id": "app",
        "username": "user1",
        "token_type": "Refresh",
        "active": True,
    }
    assert await introspect(realm, body["refresh_token"]) == expected
    assert await introspect(realm, body["refresh_token"], hint="refresh_token") == expected

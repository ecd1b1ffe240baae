"""A realm exported by Keycloak 26 (groups, protocol mappers of every common type, a user in nested
groups who has ``offline_access`` only through a group) imports, and its tokens carry the claims
Keycloak would issue. The expected claim sets are derived from Keycloak's mapper semantics
(OIDCAttributeMapperHelper, KeycloakModelUtils.resolveAttribute, GroupMembershipMapper, ...)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from doorkeep.realms.exportimport import files as realm_io
from support import assert_error, claims, password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
EXPORT = Path(__file__).parent / "data" / "keycloak26-acme-realm.json"
SECRET = "backup-secret"
VOLATILE = {"exp", "iat", "auth_time", "jti", "sid", "at_hash", "sub"}


async def _import(env: Env, *, introspecting: bool = False) -> None:
    """The export imported; with ``introspecting``, backup-agent has the client attribute that lets it introspect
    tokens whose ``aud`` does not name it (Keycloak 26.6.2's per-client compatibility mode): an audience mapper
    would change the very claims these tests compare with Keycloak's."""
    export = json.loads(EXPORT.read_text())
    if introspecting:
        (agent,) = (c for c in export["clients"] if c["clientId"] == "backup-agent")
        agent["attributes"] = {
            **agent.get("attributes", {}),
            "allow.token.introspection.without.audience.check": "true",
        }
    async with env.db.transaction() as tx:
        await realm_io.import_realm(tx, export, env.clock.now(), skip_existing=False)


def _stable(token_claims: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in token_claims.items() if k not in VOLATILE}
    if isinstance(out.get("aud"), list):
        out["aud"] = sorted(out["aud"])
    return out


PROFILE = {
    "name": "Alice Liddell",
    "preferred_username": "alice",
    "given_name": "Alice",
    "family_name": "Liddell",
    "email": "alice@acme.test",
    "email_verified": True,
}
GROUPS = ["/auditors", "/org/backup/nightly"]
REALM_ROLES = ["default-roles-acme", "employee", "offline_access", "staff", "uma_authorization"]


async def test_a_keycloak_26_export_gives_alice_the_claims_keycloak_would(env: Env) -> None:
    await _import(env, introspecting=True)
    response = await password_grant(
        env.http, "acme", "backup-agent", "alice", secret=SECRET, scope="openid offline_access"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    issuer = "http://localhost/realms/acme"
    access = claims(body["access_token"])
    assert _stable(access) == {
        "iss": issuer,
        "aud": ["account", "reports-api"],
        "typ": "Bearer",
        "azp": "backup-agent",
        "acr": "1",
        "realm_access": {"roles": REALM_ROLES},  # offline_access through /org/backup, staff through /auditors
        "resource_access": {
            "account": {"roles": ["manage-account", "manage-account-links", "view-profile"]},
            "reports-api": {"roles": ["read"]},
        },
        "scope": "openid backup email offline_access profile",
        **PROFILE,
        "backup": {"allowed": True},  # hardcoded boolean, nested by the dot in backup.allowed
        "tenant": {"id": "acme-eu"},
        "employee_id": "E-1001",
        "org": {"department": "engineering"},  # the attribute of /org, inherited through /org/backup
        "tiers": ["gold"],
        "groups": GROUPS,  # direct memberships only, full paths
        "reports_roles": ["read"],
        "is_agent": True,
    }
    assert access["auth_time"] == access["iat"] and access["sub"] and access["sid"] == body["session_state"]
    idt = claims(body["id_token"])
    assert _stable(idt) == {
        "iss": issuer,
        "aud": "backup-agent",
        "typ": "ID",
        "azp": "backup-agent",
        "acr": "1",
        **PROFILE,
        "tenant": {"id": "acme-eu"},
        "employee_id": "E-1001",
        "groups": GROUPS,
        "roles": ["realm:" + r for r in REALM_ROLES],
    }
    assert claims(body["refresh_token"])["typ"] == "Offline"

    info = await env.http.get(
        token_url("acme", "userinfo"), headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert info.status_code == 200, info.text
    assert {k: v for k, v in info.json().items() if k != "sub"} == {
        **PROFILE,
        "tenant": {"id": "acme-eu"},
        "employee_id": "E-1001",
        "groups": GROUPS,
        "roles": ["realm:" + r for r in REALM_ROLES],  # no userinfo.token.claim: follows id.token.claim
        "login": "alice",
    }
    assert info.json()["sub"] == access["sub"]

    introspected = await env.http.post(
        token_url("acme", "token/introspect"),
        data={"token": body["access_token"], "client_id": "backup-agent", "client_secret": SECRET},
    )
    assert introspected.json()["active"] is True
    assert introspected.json()["tenant"] == {"id": "acme-eu"} and introspected.json()["groups"] == GROUPS


async def test_bob_without_the_group_may_not_have_an_offline_token(env: Env) -> None:
    await _import(env)
    response = await password_grant(
        env.http, "acme", "backup-agent", "bob", secret=SECRET, scope="openid offline_access"
    )
    assert_error(response, 400, "not_allowed", "Offline tokens not allowed for the user or client")
    online = await password_grant(env.http, "acme", "backup-agent", "bob", secret=SECRET, scope="openid")
    access = claims(online.json()["access_token"])
    assert access["realm_access"] == {"roles": ["default-roles-acme", "uma_authorization"]}
    assert "groups" not in access and "org" not in access and "tiers" not in access
    assert access["tenant"] == {"id": "acme-eu"}


async def test_the_export_round_trips_groups_default_groups_and_mappers(env: Env) -> None:
    await _import(env)
    exported = await realm_io.export_realm(env.db, "acme")
    assert exported["defaultGroups"] == ["/org"]
    org = next(g for g in exported["groups"] if g["name"] == "org")
    assert org["attributes"] == {"department": ["engineering"]} and org["realmRoles"] == ["employee"]
    backup = org["subGroups"][0]
    assert (backup["path"], backup["realmRoles"], backup["clientRoles"]) == (
        "/org/backup",
        ["offline_access"],
        {"reports-api": ["read"]},
    )
    alice = next(u for u in exported["users"] if u["username"] == "alice")
    assert alice["groups"] == GROUPS
    agent = next(c for c in exported["clients"] if c["clientId"] == "backup-agent")
    assert len(agent["protocolMappers"]) == 11
    tenant = next(m for m in agent["protocolMappers"] if m["name"] == "tenant")
    assert tenant["protocolMapper"] == "oidc-hardcoded-claim-mapper" and tenant["config"]["claim.value"] == "acme-eu"

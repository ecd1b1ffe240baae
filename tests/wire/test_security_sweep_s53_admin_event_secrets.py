"""Security sweep s53: admin events since session 52 carry a ``details`` map (AdminEventBuilder.detail) and are
kept with their representations; no admin call that takes a secret leaves it in any event, details or
representation (StripSecretsUtils; UserResource.resetPassword records no representation).

Each call below carries a secret marked ``S3cret-<n>``: a user made with a password credential, a password reset,
a client made and updated with a secret, a regenerated secret (its CredentialRepresentation masked), an identity
provider made and updated with a client secret (the masked-secret fix's update path), the realm's SMTP password,
a key provider's private key, a user joining a group and an organization (the details' username and e-mail only)
and an organization invitation. The realm keeps representations and details; the whole admin-events answer and
each event's details are searched for the marker."""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import admin_headers, get
from role_port import call, create
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

MARK = "S3cret-"
REALM = {
    "realm": "test",
    "enabled": True,
    "adminEventsEnabled": True,
    "adminEventsDetailsEnabled": True,
    "organizationsEnabled": True,
}


async def _ok(env: Env, method: str, path: str, body: Any = None) -> Any:
    answer = await call(env, method, path, body)
    assert answer.status_code < 300, (method, path, answer.status_code, answer.text)
    return answer


async def test_no_admin_event_keeps_a_secret(env: Env) -> None:
    await fresh_realm(env, REALM)
    cred = [{"type": "password", "value": f"{MARK}1", "temporary": False}]
    user = await create(
        env, "/users", {"username": "alice", "email": "alice@example.com", "enabled": True, "credentials": cred}
    )
    await _ok(env, "PUT", f"/users/{user}/reset-password", {"type": "password", "value": f"{MARK}2"})
    client = await create(env, "/clients", {"clientId": "conf", "secret": f"{MARK}3", "publicClient": False})
    rep = await get(env, f"/clients/{client}")
    await _ok(env, "PUT", f"/clients/{client}", {**rep, "secret": f"{MARK}4"})
    regenerated = (await _ok(env, "POST", f"/clients/{client}/client-secret")).json()["value"]
    config = {
        "clientId": "doorkeep",
        "clientSecret": f"{MARK}5",
        "tokenUrl": "https://idp.example/token",
        "authorizationUrl": "https://idp.example/auth",
        "clientAuthMethod": "client_secret_post",
    }
    idp: dict[str, Any] = {
        "alias": "corp",
        "providerId": "oidc",
        "config": config,
    }
    await _ok(env, "POST", "/identity-provider/instances", idp)
    await _ok(
        env,
        "PUT",
        "/identity-provider/instances/corp",
        {**idp, "config": {**config, "clientSecret": f"{MARK}6"}},
    )
    smtp = {"host": "smtp.example", "from": "a@example.com", "auth": "true", "user": "u", "password": f"{MARK}7"}
    await _ok(env, "PUT", "", {"smtpServer": smtp})
    realm_id = (await get(env, ""))["id"]
    key = {
        "name": "hmac",
        "providerId": "hmac-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "parentId": realm_id,
        "config": {"secret": [f"{MARK}8"], "priority": ["1"]},
    }
    await _ok(env, "POST", "/components", key)
    group = await create(env, "/groups", {"name": "team"})
    await _ok(env, "PUT", f"/users/{user}/groups/{group}")
    org = await create(env, "/organizations", {"name": "acme", "alias": "acme", "domains": [{"name": "acme.org"}]})
    added = await env.http.post(
        f"/admin/realms/test/organizations/{org}/members", content=user, headers=await admin_headers(env)
    )
    assert added.status_code == 201, added.text
    answer = await env.http.get(
        "/admin/realms/test/admin-events", params={"max": 1000}, headers=await admin_headers(env)
    )
    assert answer.status_code == 200, answer.text
    events: list[dict[str, Any]] = answer.json()
    assert len(events) >= 12, [e["resourcePath"] for e in events]
    assert MARK not in answer.text and regenerated not in answer.text
    detailed = [e for e in events if e.get("details")]
    assert {e["resourceType"] for e in detailed} == {"GROUP_MEMBERSHIP", "ORGANIZATION_MEMBERSHIP"}, detailed
    for event in detailed:
        assert event["details"] == {"username": "alice", "email": "alice@example.com"}, event

"""The ``organization`` claim over the wire: realm ``test`` with organizations on, its built-in optional
``organization`` scope on ``app`` (the mapper's configuration changed where asked), user1 in ``acme`` and ``beta``,
and tokens from the password grant (test_organization_claim.py, test_kc_new_organization_oidc_mapper.py)."""

from __future__ import annotations

from typing import Any

from admin_support import client_uuid
from support import password_grant
from wire_env import Env

REALM = "/admin/realms/test"
MAPPER = {
    "name": "organization",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-organization-membership-mapper",
    "config": {
        "id.token.claim": "true",
        "access.token.claim": "true",
        "introspection.token.claim": "true",
        "userinfo.token.claim": "true",
        "claim.name": "organization",
        "jsonType.label": "String",
        "multivalued": "true",
    },
}


async def setup(env: Env, **config: str) -> dict[str, str]:
    """Organizations on; an optional ``organization`` scope on ``app``; user1 in ``acme`` and ``beta``."""
    h = await env.admin_headers()
    assert (await env.http.put(REALM, json={"organizationsEnabled": True}, headers=h)).status_code == 204
    scopes = (await env.http.get(f"{REALM}/client-scopes", headers=h)).json()
    [scope] = [s for s in scopes if s["name"] == "organization"]
    [mapper] = scope["protocolMappers"]
    assert {k: v for k, v in mapper.items() if k != "id"} == {**MAPPER, "consentRequired": False}
    if config:
        mapper["config"] |= config
        models = f"{REALM}/client-scopes/{scope['id']}/protocol-mappers/models/{mapper['id']}"
        assert (await env.http.put(models, json=mapper, headers=h)).status_code == 204
    app = await client_uuid(env, "test", "app")
    optional = (await env.http.get(f"{REALM}/clients/{app}/optional-client-scopes", headers=h)).json()
    assert "organization" in [s["name"] for s in optional]  # a new client takes the realm's optional scopes
    users = (await env.http.get(f"{REALM}/users", params={"username": "user1", "exact": "true"}, headers=h)).json()
    for name in ("acme", "beta"):
        body = {"name": name, "attributes": {"tier": [name.upper()]}}
        made = await env.http.post(f"{REALM}/organizations", json=body, headers=h)
        org = made.headers["location"].rsplit("/", 1)[1]
        added = await env.http.post(f"{REALM}/organizations/{org}/members", content=users[0]["id"], headers=h)
        assert added.status_code == 201
    return h


async def tokens(env: Env, scope: str, username: str = "user1") -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", username, scope=scope)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body

"""Organization roles over the wire for the s71-b ports (token mapper, group role mappings, invitations with roles,
export/import): the ``organization`` scope's role mapper, organization / realm / client roles made through the Admin
REST, and a password grant of ``app`` in realm ``test``."""

from __future__ import annotations

from typing import Any

from org_invitations import ORGS
from support import password_grant
from wire_env import Env

REALM = "/admin/realms/test"
MAPPER = "oidc-organization-role-membership-mapper"
SWITCHES = {
    "access.token.claim": "true",
    "id.token.claim": "true",
    "userinfo.token.claim": "true",
    "introspection.token.claim": "true",
}
RESET = ("multivalued", "jsonType.label", "claim.name", "addOrganizationAttributes", "addOrganizationId")


async def _scope(env: Env) -> dict[str, Any]:
    h = await env.admin_headers()
    [scope] = [
        s for s in (await env.http.get(f"{REALM}/client-scopes", headers=h)).json() if s["name"] == "organization"
    ]
    return dict(scope)


async def membership_mapper(env: Env, **config: str) -> None:
    """setMapperConfig: the ``organization`` scope's membership mapper with RESET's keys removed and ``config``."""
    h = await env.admin_headers()
    scope = await _scope(env)
    [mapper] = [m for m in scope["protocolMappers"] if m["protocolMapper"] == "oidc-organization-membership-mapper"]
    mapper["config"] = {k: v for k, v in mapper["config"].items() if k not in RESET} | config
    url = f"{REALM}/client-scopes/{scope['id']}/protocol-mappers/models/{mapper['id']}"
    assert (await env.http.put(url, json=mapper, headers=h)).status_code == 204


async def role_mapper(env: Env) -> None:
    """The @BeforeEach: the membership mapper reset, the role mapper added to the ``organization`` scope."""
    await membership_mapper(env)
    scope = await _scope(env)
    rep = {"name": "organization-roles", "protocol": "openid-connect", "protocolMapper": MAPPER, "config": SWITCHES}
    url = f"{REALM}/client-scopes/{scope['id']}/protocol-mappers/models"
    added = await env.http.post(url, json=rep, headers=await env.admin_headers())
    assert added.status_code == 201, added.text


async def post(env: Env, path: str, body: Any) -> Any:
    sent = await env.http.post(path, json=body, headers=await env.admin_headers())
    assert sent.status_code in (201, 204), sent.text
    return sent


async def org_role(env: Env, org: str, name: str) -> dict[str, Any]:
    made = await post(env, f"{ORGS}/{org}/roles", {"name": name, "description": ""})
    body: dict[str, Any] = (await env.http.get(made.headers["location"], headers=await env.admin_headers())).json()
    return body


async def realm_role(env: Env, name: str) -> dict[str, Any]:
    await post(env, f"{REALM}/roles", {"name": name})
    body: dict[str, Any] = (await env.http.get(f"{REALM}/roles/{name}", headers=await env.admin_headers())).json()
    return body


async def client_role(env: Env, client_id: str, name: str) -> dict[str, Any]:
    made = await post(env, f"{REALM}/clients", {"clientId": client_id, "enabled": True})
    uuid = made.headers["location"].rsplit("/", 1)[1]
    await post(env, f"{REALM}/clients/{uuid}/roles", {"name": name})
    got = await env.http.get(f"{REALM}/clients/{uuid}/roles/{name}", headers=await env.admin_headers())
    body: dict[str, Any] = got.json()
    return body


async def assign(env: Env, org: str, role: dict[str, Any], user: str) -> None:
    await post(env, f"{ORGS}/{org}/roles/{role['id']}/users", [{"id": user}])


async def add_member(env: Env, org: str, user: str) -> None:
    await post(env, f"{ORGS}/{org}/members", user)


async def grant(env: Env, scope: str, username: str = "role-member") -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", username, scope=scope)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body

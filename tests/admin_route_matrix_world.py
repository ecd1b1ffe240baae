"""The world of tests/wire/test_admin_route_matrix.py: one app and database, the realm ``matrix`` with one admin per
realm-management role, the resources its routes name, the path parameters filled in, and each route's body (from
the OpenAPI rules, doorkeep.admin.openapi: an array where the route takes a list, else an empty object)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from admin_route_matrix_data import REALM_ROLES
from admin_support import make_admin
from doorkeep.admin import openapi
from wire_env import Env

REALM = "matrix"
OTHER = "matrix-other"
BASE = f"/admin/realms/{REALM}"
RANDOM = str(uuid.uuid4())
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


@dataclass
class World:
    env: Env
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    async def master(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        """A set-up request as master's admin that must succeed."""
        url = path if path.startswith("/admin/") else BASE + path
        headers = await self.env.admin_headers()
        response = await self.env.http.request(method, url, json=body, params=params or None, headers=headers)
        assert response.status_code in (200, 201, 204), (method, url, response.status_code, response.text)
        return response

    async def made(self, path: str, body: dict[str, Any]) -> str:
        """POST ``body`` as master's admin; the new resource's id from ``Location``."""
        return (await self.master("POST", path, body)).headers["location"].rsplit("/", 1)[1]

    async def log_in(self) -> None:
        """Every caller's bearer header, minted again (after a route ended their sessions)."""
        from admin_support import login

        self.env.forget_admin_token()
        self.headers["master-admin"] = await self.env.admin_headers()
        self.headers["other-admin"] = await login(self.env, OTHER, "admin")
        for name in (*REALM_ROLES, "realm-admin", "none"):
            self.headers[name] = await login(self.env, REALM, name)

    async def log_in_one(self, caller: str) -> None:
        """One caller's bearer header, minted again."""
        from admin_support import login

        if caller == "master-admin":
            self.env.forget_admin_token()
            self.headers[caller] = await self.env.admin_headers()
        else:
            self.headers[caller] = await login(self.env, OTHER if caller == "other-admin" else REALM, caller)

    def url(self, path: str) -> str:
        """``path`` (a route template) with its parameters filled in from this world's resources."""
        segments = path.split("/")
        out: list[str] = []
        for i, segment in enumerate(segments):
            match = _PARAM.fullmatch(segment)
            out.append(self._value(match.group(1), segments[i - 1], segments[:i]) if match else segment)
        return "/".join(out)

    def _value(self, name: str, before: str, prefix: list[str]) -> str:
        if name == "realm":
            return REALM
        kind = {"role_name": "roles", "role_id": "roles-by-id", "client_id": "consents"}.get(name, before)
        if name == "client" and before != "consents":
            kind = "client-uuid"
        if name in ("scope_id", "group", "user", "uuid") and before not in ("groups", "members"):
            kind = {"scope_id": "client-scopes", "group": "groups", "user": "users", "uuid": "clients"}[name]
        if "clients" in prefix and kind == "roles":
            kind = "client-roles"
        if "organizations" in prefix and kind in ("groups", "members"):
            return RANDOM
        if "organizations" in prefix and name == "role":
            return self.ids["organization-roles"]
        return self.ids.get(kind, RANDOM)


def body_for(method: str, path: str) -> tuple[dict[str, str], Any]:
    """The content type and body a route is called with: what its OpenAPI rule says it takes, left empty."""
    if method in ("GET", "DELETE") and not path.endswith(("/role-mappings/realm", "/composites")):
        return {}, None
    rule = openapi.rule_for(method, path)
    if rule is None or rule.request is None:
        return {}, None
    if rule.request_media == openapi.MULTIPART:
        return {"Content-Type": "multipart/form-data; boundary=matrix"}, b"--matrix--\r\n"
    if rule.request_media != openapi.JSON:
        return {"Content-Type": rule.request_media}, b""
    return {}, [] if rule.request.get("type") == "array" else {}


async def build(env: Env) -> World:
    """The realms, their admins, and the resources the routes name."""
    w = World(env)
    realm_rep = {"realm": REALM, "enabled": True, "organizationsEnabled": True}
    await w.master("POST", "/admin/realms", realm_rep)
    await w.master("POST", "/admin/realms", {"realm": OTHER, "enabled": True})
    await make_admin(env, OTHER, "admin", "realm-admin")
    for name in REALM_ROLES:
        await make_admin(env, REALM, name, name)
    await make_admin(env, REALM, "realm-admin", "realm-admin")
    await make_admin(env, REALM, "none")
    client = {"clientId": "target-client", "serviceAccountsEnabled": True, "secret": "s3cret-target"}
    w.ids["clients"] = w.ids["client-uuid"] = await w.made("/clients", client)
    w.ids["consents"] = "target-client"
    await w.master("POST", f"/clients/{w.ids['clients']}/roles", {"name": "crole"})
    w.ids["client-roles"] = "crole"
    w.ids["users"] = await w.made("/users", {"username": "target", "enabled": True})
    w.ids["groups"] = await w.made("/groups", {"name": "grp"})
    w.ids["client-scopes"] = await w.made("/client-scopes", {"name": "scp", "protocol": "openid-connect"})
    # a scope of its own for the deprecated alias, made through it (deleting one must not take the other's away)
    w.ids["client-templates"] = await w.made("/client-templates", {"name": "tpl", "protocol": "openid-connect"})
    await w.master("POST", "/roles", {"name": "rrole"})
    await w.master("POST", "/roles", {"name": "rrole-by-id"})
    w.ids["roles"] = "rrole"
    w.ids["roles-by-id"] = (await w.master("GET", "/roles/rrole-by-id")).json()["id"]
    config = {"clientId": "x", "clientSecret": "y", "authorizationUrl": "https://idp.test/auth"}
    idp = {"alias": "idp", "providerId": "oidc", "config": config | {"tokenUrl": "https://idp.test/token"}}
    await w.master("POST", "/identity-provider/instances", idp)
    w.ids["instances"] = "idp"
    w.ids["organizations"] = await w.made("/organizations", {"name": "org", "domains": [{"name": "org.test"}]})
    w.ids["organization-roles"] = await w.made(f"/organizations/{w.ids['organizations']}/roles", {"name": "orole"})
    w.ids["flows"] = "browser"
    await w.log_in()
    return w

"""Organization groups over the wire: a realm with organizations on, organizations, and their groups made through
the Admin REST (Keycloak 26.6's OrganizationGroupsResource)."""

from __future__ import annotations

from typing import Any

from org_invitations import ORGS, create_org
from wire_env import Env


async def organization(env: Env, name: str = "neworg") -> str:
    """The id of a new organization ``name`` (domain ``name``.org) in realm ``test``, organizations turned on."""
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    return await create_org(env, name=name, domains=[{"name": f"{name}.org"}])


async def group(env: Env, org: str, name: str, parent: str | None = None, **extra: Any) -> str:
    """The id of a new group of ``org``: top-level, or under ``parent``."""
    url = f"{ORGS}/{org}/groups" + (f"/{parent}/children" if parent else "")
    made = await env.http.post(url, json={"name": name, **extra}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def get(env: Env, path: str, **params: Any) -> Any:
    """``GET organizations/{path}`` as the master admin: the body of a 200."""
    found = await env.http.get(f"{ORGS}/{path}", params=params, headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return found.json()

"""Organization invitations over the wire: a realm with organizations on and a mail server, an organization, the
invitation sent through the admin API, the confirmation page's link, the membership as the admin API reads it."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from mail_sink import Sink
from support import seed_realm, update_realm
from wire_env import Env, admin_token

ORGS = "/admin/realms/test/organizations"
ACCOUNT = "http://localhost/realms/test/account/"  # where a member goes without the organization's redirectUrl


async def enable(env: Env, mail: Sink) -> Env:
    """Realm ``test`` with events on, mail through ``mail`` and organizations enabled."""
    await seed_realm(env.db, env.clock, events_enabled=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    return env


async def create_org(env: Env, **extra: Any) -> str:
    """The id of a new organization ``neworg`` (domain neworg.org)."""
    rep = {"name": "neworg", "domains": [{"name": "neworg.org"}], **extra}
    created = await env.http.post(ORGS, json=rep, headers=await env.admin_headers())
    assert created.status_code == 201, created.text
    return str(created.headers["location"].rsplit("/", 1)[1])


async def invite(env: Env, org: str, path: str, **form: str) -> httpx.Response:
    """``members/invite-user`` or ``members/invite-existing-user`` with ``form``."""
    return await env.http.post(f"{ORGS}/{org}/members/{path}", data=form, headers=await env.admin_headers())


async def member(http: httpx.AsyncClient, org: str, user: str) -> dict[str, Any] | None:
    """The user's membership as ``http``'s app reads it, None when not a member."""
    headers = {"Authorization": f"Bearer {await admin_token(http)}"}
    found = await http.get(f"{ORGS}/{org}/members/{user}", headers=headers)
    return found.json() if found.status_code == 200 else None


def proceed(page: str) -> str:
    """The confirmation page's "» Click here to proceed" link."""
    found = re.search(r'id="kc-proceed" href="([^"]+)"', page)
    assert found, page
    return html.unescape(found[1])


async def events(env: Env, kind: str) -> list[Any]:
    """The realm's stored login events of type ``kind``."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return [e for e in await tx.events.find(realm.id) if e.type == kind]


async def stored(env: Env, org: str, **params: str | int) -> list[dict[str, Any]]:
    """``GET organizations/{org}/invitations`` with ``params`` as the master admin (200 asserted)."""
    found = await env.http.get(f"{ORGS}/{org}/invitations", params=params, headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    body: list[dict[str, Any]] = found.json()
    return body

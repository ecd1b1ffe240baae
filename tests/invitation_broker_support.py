"""The organization invitation carried into a first broker login (tests/wire/test_kc_s70f_invitation_broker.py and
its hostile variants): realm ``test`` served with organizations on, organization ``neworg`` inviting
``invited@example.org``, the provider realm's alice of that address behind the realm provider ``kc``."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from broker_support import ALIAS, SAVED, Broker, browser, provider_login, served
from mail_sink import Sink
from register_port import is_register_page
from support import update_realm, update_user
from wire_env import Env, admin_token

ORGS = "/admin/realms/test/organizations"
INVITEE = "invited@example.org"


@dataclass
class Invited:
    broker: Broker
    http: httpx.AsyncClient  # the browser, on the served app (the links name its address)
    headers: dict[str, str]  # the master admin's, for that address
    org: str
    link: str = ""

    async def get(self, path: str) -> Any:
        found = await self.http.get(path, headers=self.headers)
        assert found.status_code == 200, found.text
        return found.json()

    async def members(self) -> list[dict[str, Any]]:
        members: list[dict[str, Any]] = await self.get(f"{ORGS}/{self.org}/members")
        return members

    async def invitations(self) -> list[dict[str, Any]]:
        kept: list[dict[str, Any]] = await self.get(f"{ORGS}/{self.org}/invitations")
        return kept

    async def send(self) -> None:
        """inviteNewUser: ``invited@example.org`` invited to register; the link of its mail."""
        data = {"email": INVITEE, "firstName": "Invited", "lastName": "User"}
        sent = await self.http.post(f"{ORGS}/{self.org}/members/invite-user", data=data, headers=self.headers)
        assert sent.status_code == 204, sent.text


@pytest.fixture
async def invited(env: Env, mail: Sink) -> AsyncIterator[Invited]:
    """Realm ``test`` served, organizations on, mail to ``mail``, registration allowed, INVITE_ORG saved; the
    provider realm's alice (``invited@example.org``) behind the realm provider ``kc``; organization ``neworg``
    (neworg.org) inviting ``invited@example.org``."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email=INVITEE, last_name="User")
        await update_realm(
            env.db,
            "test",
            smtp_server=mail.settings(),
            registration_allowed=True,
            enabled_event_types=(*SAVED, "INVITE_ORG"),
        )
        await broker.add_provider()
        async with browser(broker) as http:
            headers = {"Authorization": f"Bearer {await admin_token(http)}"}
            enabled = await http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=headers)
            assert enabled.status_code == 204, enabled.text
            org = await make_org(http, headers, "neworg", "neworg.org")
            here = Invited(broker, http, headers, org)
            await here.send()
            here.link = mail.received[-1].link()
            yield here


async def make_org(http: httpx.AsyncClient, headers: dict[str, str], name: str, domain: str) -> str:
    made = await http.post(ORGS, json={"name": name, "domains": [{"name": domain}]}, headers=headers)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def to_provider(here: Invited, alias: str = ALIAS) -> httpx.Response:
    """The invitation's registration page, its "Back to Login", the login page's "sign in with" ``alias``: the
    consumer's redirect to the provider."""
    http = here.http
    page = await http.get(here.link)
    assert is_register_page(page), page.text[:800]
    back = re.search(r'<a href="([^"]+)">[^<]*Back to Login', page.text)
    assert back, page.text
    login = await http.get(html.unescape(back[1]))
    assert login.status_code == 200, login.text[:800]
    button = re.search(rf'<a id="social-{alias}" type="button" href="([^"]+)"', login.text)
    assert button, login.text
    return await http.get(html.unescape(button[1]))


async def through_provider(here: Invited, alias: str = ALIAS) -> httpx.Response:
    """``to_provider``, then alice signed in at the provider: the consumer's answer to the provider's redirect."""
    return await here.http.get(await provider_login(here.http, await to_provider(here, alias)))


async def invite_org_events(env: Env) -> list[Any]:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return [e for e in await tx.events.find(realm.id) if e.type == "INVITE_ORG"]

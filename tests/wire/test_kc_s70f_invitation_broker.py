"""Keycloak 26.8's OrganizationInvitationTokenTest#testBrokerConsumesInvitation (tests/organization/admin/), over real
HTTP with the provider another realm of the same server (tests/broker_support.py), and the cases of
IdpAddOrganizationMemberAuthenticator.getPendingInvitation around it.

A new user's invitation link opens the registration page; its "Back to Login" keeps the invitation on the login, and
a "sign in with" a realm provider whose first broker login creates the user with the invited e-mail joins the
invitation's organization as an UNMANAGED member, whichever provider (one linked to another organization too: the
invitation decides, and the provider's links join nothing else then), the invitation gone and its link no longer
working, INVITE_ORG recorded (``username``, ``org_id``), the code sent to the invitation's URI (the account console).
A user of another e-mail, an organization disabled meanwhile, or an invitation an administrator deleted meanwhile
joins nothing through it, and the invitation stays as it was. Keycloak also grants the invitation's roles
(Organizations.grantInvitationRoles): Doorkeep's invitations carry none.
"""

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

pytestmark = pytest.mark.anyio
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
            org = await _org(http, headers, "neworg", "neworg.org")
            here = Invited(broker, http, headers, org)
            await here.send()
            here.link = mail.received[-1].link()
            yield here


async def _org(http: httpx.AsyncClient, headers: dict[str, str], name: str, domain: str) -> str:
    made = await http.post(ORGS, json={"name": name, "domains": [{"name": domain}]}, headers=headers)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _to_provider(here: Invited, alias: str = ALIAS) -> httpx.Response:
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


async def _through_provider(here: Invited, alias: str = ALIAS) -> httpx.Response:
    """``_to_provider``, then alice signed in at the provider: the consumer's answer to the provider's redirect."""
    return await here.http.get(await provider_login(here.http, await _to_provider(here, alias)))


async def _invite_org_events(env: Env) -> list[Any]:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return [e for e in await tx.events.find(realm.id) if e.type == "INVITE_ORG"]


async def test_broker_consumes_invitation(env: Env, invited: Invited) -> None:
    """testBrokerConsumesInvitation: one UNMANAGED member, no invitation left, the link no longer registers; beyond
    it, the code at the invitation's URI and INVITE_ORG with the user and the organization."""
    here = invited
    done = await _through_provider(here)
    assert done.status_code == 302, done.text[:800]
    landing = httpx.URL(done.headers["location"])
    assert str(landing.copy_with(query=None)) == f"{here.broker.base}/realms/test/account/"
    assert landing.params["code"]
    [member] = await here.members()
    assert member["email"] == INVITEE and member["membershipType"] == "UNMANAGED"
    assert await here.invitations() == []
    async with browser(here.broker) as other:
        reopened = await other.get(here.link)
    assert reopened.status_code == 400 and not is_register_page(reopened)
    [event] = await _invite_org_events(env)
    assert event.user_id == member["id"] and event.error is None
    assert event.details["org_id"] == here.org and event.details["username"] == member["username"]


async def test_invitation_decides_over_the_providers_links(env: Env, invited: Invited) -> None:
    """The provider linked to another organization (auto-membership, MANAGED, its domain example.org the user's):
    the invitation's organization is joined, UNMANAGED, and that other one not (authenticateImpl returns after the
    invitation)."""
    here = invited
    other = await _org(here.http, here.headers, "other", "example.org")
    linked = await here.http.post(f"{ORGS}/{other}/identity-providers", json=ALIAS, headers=here.headers)
    assert linked.status_code == 204, linked.text
    link = {"autoMembership": True, "membershipType": "MANAGED"}
    put = await here.http.put(f"{ORGS}/{other}/identity-providers/{ALIAS}", json=link, headers=here.headers)
    assert put.status_code == 204, put.text
    await here.broker.add_provider(alias="visible")  # an organization's provider has no button: its URL
    http = here.http
    page = await http.get(here.link)
    back = re.search(r'<a href="([^"]+)">[^<]*Back to Login', page.text)
    assert back, page.text
    login = await http.get(html.unescape(back[1]))
    button = re.search(r'<a id="social-visible" type="button" href="([^"]+)"', login.text)
    assert button, login.text
    to_kc = html.unescape(button[1]).replace("/broker/visible/login", f"/broker/{ALIAS}/login")
    done = await http.get(await provider_login(http, await http.get(to_kc)))
    assert done.status_code == 302, done.text[:800]
    [member] = await here.members()
    assert member["membershipType"] == "UNMANAGED" and await here.invitations() == []
    assert await here.get(f"{ORGS}/{other}/members") == []


async def test_another_email_joins_nothing(env: Env, invited: Invited) -> None:
    """getPendingInvitation: the brokered user's e-mail is not the invited one; no member, the invitation
    pending, no INVITE_ORG, the code at the login's own URI."""
    here = invited
    await update_user(env.db, "provider", "alice", email="alice@example.org")
    done = await _through_provider(here)
    assert done.status_code == 302, done.text[:800]
    assert "/realms/test/account/" not in done.headers["location"]
    assert await here.members() == []
    [kept] = await here.invitations()
    assert kept["status"] == "PENDING"
    assert await _invite_org_events(env) == []


async def test_invited_email_in_another_case_joins(env: Env, invited: Invited) -> None:
    """getPendingInvitation compares the e-mails ignoring case."""
    here = invited
    await update_user(env.db, "provider", "alice", email="Invited@Example.ORG")
    done = await _through_provider(here)
    assert done.status_code == 302, done.text[:800]
    [member] = await here.members()
    assert member["membershipType"] == "UNMANAGED" and await here.invitations() == []


async def test_organization_disabled_meanwhile_joins_nothing(env: Env, invited: Invited) -> None:
    """getPendingInvitation: the invitation's organization disabled after the link was opened."""
    here = invited
    to_provider = await _to_provider(here)
    rep = await here.get(f"{ORGS}/{here.org}")
    off = await here.http.put(f"{ORGS}/{here.org}", json={**rep, "enabled": False}, headers=here.headers)
    assert off.status_code == 204, off.text
    done = await here.http.get(await provider_login(here.http, to_provider))
    assert done.status_code == 302, done.text[:800]
    assert await here.members() == []
    assert len(await here.invitations()) == 1
    assert await _invite_org_events(env) == []


async def test_invitation_deleted_meanwhile_joins_nothing(env: Env, invited: Invited) -> None:
    """getPendingInvitation: an invitation no longer kept (an administrator deleted it while the login was at the
    provider) is none; the user is made, no member."""
    here = invited
    http = here.http
    to_provider = await _to_provider(here)
    [kept] = await here.invitations()
    gone = await http.delete(f"{ORGS}/{here.org}/invitations/{kept['id']}", headers=here.headers)
    assert gone.status_code == 204, gone.text
    done = await http.get(await provider_login(http, to_provider))
    assert done.status_code == 302, done.text[:800]
    users = await here.get(f"/admin/realms/test/users?email={INVITEE}&exact=true")
    assert len(users) == 1
    assert await here.members() == []
    assert await _invite_org_events(env) == []

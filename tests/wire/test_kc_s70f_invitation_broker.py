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
(Organizations.grantInvitationRoles): test_kc_s71b_organization_invitation_role_broker.py.
"""

from __future__ import annotations

import html
import re

import httpx
import pytest

from broker_support import ALIAS, browser, provider_login
from invitation_broker_support import (
    INVITEE,
    ORGS,
    Invited,
    invite_org_events,
    invited,
    make_org,
    through_provider,
    to_provider,
)
from register_port import is_register_page
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
__all__ = ["invited"]


async def test_broker_consumes_invitation(env: Env, invited: Invited) -> None:
    """testBrokerConsumesInvitation: one UNMANAGED member, no invitation left, the link no longer registers; beyond
    it, the code at the invitation's URI and INVITE_ORG with the user and the organization."""
    here = invited
    done = await through_provider(here)
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
    [event] = await invite_org_events(env)
    assert event.user_id == member["id"] and event.error is None
    assert event.details["org_id"] == here.org and event.details["username"] == member["username"]


async def test_invitation_decides_over_the_providers_links(env: Env, invited: Invited) -> None:
    """The provider linked to another organization (auto-membership, MANAGED, its domain example.org the user's):
    the invitation's organization is joined, UNMANAGED, and that other one not (authenticateImpl returns after the
    invitation)."""
    here = invited
    other = await make_org(here.http, here.headers, "other", "example.org")
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
    done = await through_provider(here)
    assert done.status_code == 302, done.text[:800]
    assert "/realms/test/account/" not in done.headers["location"]
    assert await here.members() == []
    [kept] = await here.invitations()
    assert kept["status"] == "PENDING"
    assert await invite_org_events(env) == []


async def test_invited_email_in_another_case_joins(env: Env, invited: Invited) -> None:
    """getPendingInvitation compares the e-mails ignoring case."""
    here = invited
    await update_user(env.db, "provider", "alice", email="Invited@Example.ORG")
    done = await through_provider(here)
    assert done.status_code == 302, done.text[:800]
    [member] = await here.members()
    assert member["membershipType"] == "UNMANAGED" and await here.invitations() == []


async def test_organization_disabled_meanwhile_joins_nothing(env: Env, invited: Invited) -> None:
    """getPendingInvitation: the invitation's organization disabled after the link was opened."""
    here = invited
    at_provider = await to_provider(here)
    rep = await here.get(f"{ORGS}/{here.org}")
    off = await here.http.put(f"{ORGS}/{here.org}", json={**rep, "enabled": False}, headers=here.headers)
    assert off.status_code == 204, off.text
    done = await here.http.get(await provider_login(here.http, at_provider))
    assert done.status_code == 302, done.text[:800]
    assert await here.members() == []
    assert len(await here.invitations()) == 1
    assert await invite_org_events(env) == []


async def test_invitation_deleted_meanwhile_joins_nothing(env: Env, invited: Invited) -> None:
    """getPendingInvitation: an invitation no longer kept (an administrator deleted it while the login was at the
    provider) is none; the user is made, no member."""
    here = invited
    http = here.http
    at_provider = await to_provider(here)
    [kept] = await here.invitations()
    gone = await http.delete(f"{ORGS}/{here.org}/invitations/{kept['id']}", headers=here.headers)
    assert gone.status_code == 204, gone.text
    done = await http.get(await provider_login(http, at_provider))
    assert done.status_code == 302, done.text[:800]
    users = await here.get(f"/admin/realms/test/users?email={INVITEE}&exact=true")
    assert len(users) == 1
    assert await here.members() == []
    assert await invite_org_events(env) == []

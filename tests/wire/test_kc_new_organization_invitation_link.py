"""Keycloak's new-framework OrganizationInvitationLinkTest and OrganizationInvitationTokenTest
(tests/organization/admin/): the registration link carries a ``state``; an invitation is taken only once its link
is confirmed (an existing user) or a registration through it completes, and a link already used by another browser
registers nobody. Both engines.

Not ported: testBrokerConsumesInvitation (a registration link abandoned for a broker login that joins the
organization: Doorkeep's first broker login does not read the invitation), and the runOnServer checks of the
revoked-token store (``session.revokedTokens()``), asserted here over the wire instead (the link no longer works).
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mail_sink import Sink
from org_invitations import ACCOUNT, ORGS, create_org, enable, events, invite, proceed, stored
from register_port import is_register_page, register
from support import seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
INVITEE = "invited@example.org"


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


async def _members(env: Env, org: str) -> int:
    counted = await env.http.get(f"{ORGS}/{org}/members/count", headers=await env.admin_headers())
    assert counted.status_code == 200, counted.text
    return int(counted.text)


async def test_registration_link_for_new_user_carries_state(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationLinkTest#testRegistrationLinkForNewUserCarriesState; beyond it, the registration's
    redirect carries that state back beside the code, and each invitation has its own."""
    env = realm
    org = await create_org(env)
    sent = await invite(env, org, "invite-user", email="inviteduser@neworg.org", firstName="Homer", lastName="Simpson")
    assert sent.status_code == 204, sent.text
    assert (await invite(env, org, "invite-user", email="other@neworg.org")).status_code == 204
    link, other = (m.link() for m in mail.received)
    [state] = parse_qs(urlsplit(link).query)["state"]
    assert state and parse_qs(urlsplit(other).query)["state"] != [state]
    page = await env.http.get(link)
    done = await register(env, page, "Homer", "Simpson", "inviteduser@neworg.org", "homer", "password", "password")
    assert done.status_code == 302, done.text[:800]
    location = httpx.URL(done.headers["location"])
    assert str(location.copy_with(query=None)) == ACCOUNT
    assert location.params["state"] == state and location.params["code"]


async def test_invitation_is_consumed_only_after_confirmation(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationTokenTest#testInvitationIsConsumedOnlyAfterConfirmation: opening the link joins
    nobody and keeps the invitation; the confirmation makes the member and takes the invitation."""
    env = realm
    org = await create_org(env)
    user = await seed_user(env.db, env.clock, "test", "invitee", email=INVITEE, first_name="Invited", last_name="User")
    assert (await invite(env, org, "invite-existing-user", id=user.id)).status_code == 204
    [message] = mail.received
    info = await env.http.get(message.link())
    assert info.status_code == 200 and "You are about to join organization neworg" in info.text
    assert await _members(env, org) == 0 and len(await stored(env, org)) == 1
    assert (await env.http.get(proceed(info.text))).status_code == 302
    assert await _members(env, org) == 1 and await stored(env, org) == []


async def test_a_confirmed_link_reopened_is_the_error_page(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationTokenTest#testInvitationIsConsumedOnlyAfterConfirmation, its last step: the link
    opened again is the error page (400, INVITE_ORG_ERROR ``invalid_token``), and the member stays one."""
    env = realm
    org = await create_org(env)
    user = await seed_user(env.db, env.clock, "test", "invitee", email=INVITEE, first_name="Invited", last_name="User")
    assert (await invite(env, org, "invite-existing-user", id=user.id)).status_code == 204
    [message] = mail.received
    assert (await env.http.get(proceed((await env.http.get(message.link())).text))).status_code == 302
    again = await env.http.get(message.link())
    assert again.status_code == 400 and await _members(env, org) == 1
    assert "You are already a member" not in again.text and "The link you clicked is no longer valid" in again.text
    assert 'id="kc-error-message"' in again.text and "kc-proceed" not in again.text
    assert [e.error for e in await events(env, "INVITE_ORG_ERROR")] == ["invalid_token"]


async def test_registration_consumes_invitation(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationTokenTest#testRegistrationConsumesInvitation: the member made, the invitation gone, and
    the link no longer opens the registration form."""
    env = realm
    org = await create_org(env)
    assert (
        await invite(env, org, "invite-user", email=INVITEE, firstName="Invited", lastName="User")
    ).status_code == 204
    [message] = mail.received
    page = await env.http.get(message.link())
    assert is_register_page(page)
    done = await register(env, page, "Invited", "User", INVITEE, "invitee", "password", "password")
    assert done.status_code == 302, done.text[:800]
    assert await _members(env, org) == 1 and await stored(env, org) == []
    async with client_at(env, "10.0.0.2") as other:
        reopened = await other.get(message.link())
    assert not is_register_page(reopened) and reopened.status_code == 400


async def test_used_invitation_rolls_back_registration(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationTokenTest#testUsedInvitationRollsBackRegistration, the other acceptance made over the
    wire: a second browser registers through the same link while this one is on the form; this one's registration
    is then refused and makes no user (the first browser's user is the only one with the address)."""
    env = realm
    org = await create_org(env)
    assert (
        await invite(env, org, "invite-user", email=INVITEE, firstName="Invited", lastName="User")
    ).status_code == 204
    [message] = mail.received
    page = await env.http.get(message.link())
    assert is_register_page(page)
    async with client_at(env, "10.0.0.2") as other:
        elsewhere = dataclasses.replace(env, http=other)
        first = await register(
            elsewhere, await other.get(message.link()), "Other", "User", INVITEE, "first", "pw", "pw"
        )
        assert first.status_code == 302, first.text[:800]
    refused = await register(env, page, "Invited", "User", INVITEE, "invitee", "password", "password")
    assert refused.status_code == 400 and not is_register_page(refused)
    assert "The link you clicked is no longer valid" in refused.text
    h = await env.admin_headers()
    found = (await env.http.get("/admin/realms/test/users", params={"username": "invitee"}, headers=h)).json()
    assert found == [] and await _members(env, org) == 1

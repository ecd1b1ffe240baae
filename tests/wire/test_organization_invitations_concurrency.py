"""Organization invitations accepted at once, on another worker, and after a restart: an invitation is a signed
token, so whichever app holds the realm's keys accepts it, and the database makes one membership of two links
followed together (organizations/acceptance.py, store/organizations.py's ``add_member``)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from mail_sink import Sink
from org_invitations import ACCOUNT, create_org, enable, events, invite, member, proceed
from support import seed_user
from wire_env import Env, another_worker, client_at, restarted

pytestmark = pytest.mark.anyio
ALREADY = "You are already a member of the neworg organization."
STALE = "The link you clicked is no longer valid."


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


async def _invited(env: Env, mail: Sink, times: int = 1) -> tuple[str, str, list[str]]:
    """An organization, a user and the links of ``times`` invitations sent to that user."""
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@myemail.com")).id
    for _ in range(times):
        assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    links = [message.link() for message in mail.received]
    assert len(links) == times
    return org, user, links


async def _join(http: httpx.AsyncClient, link: str) -> None:
    """The link opened (the confirmation page) and confirmed (to the account console) through ``http``'s app."""
    confirm = await http.get(link)
    assert confirm.status_code == 200 and "You are about to join organization neworg" in confirm.text
    joined = await http.get(proceed(confirm.text))
    assert (joined.status_code, joined.headers["location"]) == (302, ACCOUNT)


async def test_two_invitations_confirmed_at_once_make_one_membership(realm: Env, mail: Sink) -> None:
    """Two mails, opened in two browsers of the user's, both confirmations followed at the same moment: one joins
    (302 to the account console), the other is told the user is a member already; one membership, no 500."""
    env = realm
    org, user, links = await _invited(env, mail, times=2)
    async with client_at(env, "127.0.0.2") as phone:
        browsers = [env.http, phone]
        pages = [await browser.get(link) for browser, link in zip(browsers, links, strict=True)]
        assert [p.status_code for p in pages] == [200, 200]
        assert await member(env.http, org, user) is None
        confirmed = [browser.get(proceed(p.text)) for browser, p in zip(browsers, pages, strict=True)]
        answers = await asyncio.gather(*confirmed)
    by_status = sorted(answers, key=lambda a: a.status_code)
    assert [a.status_code for a in by_status] == [200, 302], [a.text[:400] for a in answers]
    assert ALREADY in by_status[0].text and by_status[1].headers["location"] == ACCOUNT
    joined = await member(env.http, org, user)
    assert joined is not None and joined["membershipType"] == "UNMANAGED"
    listed = await env.http.get(f"/admin/realms/test/organizations/{org}/members", headers=await env.admin_headers())
    assert [m["id"] for m in listed.json()] == [user]
    assert len(await events(env, "INVITE_ORG")) == 1
    assert [e.error for e in await events(env, "INVITE_ORG_ERROR")] == ["user_org_member_already"]


async def test_another_worker_accepts_an_invitation_the_first_sent(realm: Env, mail: Sink) -> None:
    """The link opened and confirmed on a second app over the same database: it joins, and the first app then
    reads the consumed token and answers a second click with the stale-link error page (keycloak@5f8e11f2's
    OrganizationInvitationTokenTest; the older "already a member" answer was dropped upstream)."""
    env = realm
    org, user, [link] = await _invited(env, mail)
    async with another_worker(env) as other:
        await _join(other, link)
    found = await member(env.http, org, user)
    assert found is not None and found["membershipType"] == "UNMANAGED"
    again = await env.http.get(link)
    assert again.status_code == 400 and STALE in again.text and ALREADY not in again.text


async def test_an_invitation_sent_before_a_restart_is_accepted_after_it(realm: Env, mail: Sink) -> None:
    """The server stops after sending the mail and starts again on the same database: nothing of the first
    process is needed, the new one confirms the link and makes the membership."""
    env = realm
    org, user, [link] = await _invited(env, mail)
    async with restarted(env) as http:
        await _join(http, link)
        found = await member(http, org, user)
        assert found is not None and found["membershipType"] == "UNMANAGED"
    assert [e.user_id for e in await events(env, "INVITE_ORG")] == [user]

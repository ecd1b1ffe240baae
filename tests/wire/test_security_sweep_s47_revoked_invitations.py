"""Security sweep (session 47): an invitation an admin deleted or resent no longer works. The old link, followed
by the user it was sent to, says it is no longer valid and joins nobody; the old registration link registers
nobody; the new link of a resend still works (Keycloak 26.4+: the handlers look the stored invitation up)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from mail_sink import Sink
from org_invitations import ORGS, create_org, enable, events, invite, member, proceed, stored
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
STALE = "The link you clicked is no longer valid."


async def _existing(env: Env, mail: Sink) -> tuple[str, str, str]:
    """An organization, a user invited to it by id, and the mailed link."""
    await enable(env, mail)
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@neworg.org")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    return org, user, mail.received[-1].link()


async def test_a_deleted_invitation_s_link_joins_nobody(env: Env, mail: Sink) -> None:
    org, user, link = await _existing(env, mail)
    [kept] = await stored(env, org)
    h = await env.admin_headers()
    assert (await env.http.delete(f"{ORGS}/{org}/invitations/{kept['id']}", headers=h)).status_code == 204
    followed = await env.http.get(link)
    assert followed.status_code == 200 and STALE in followed.text and "kc-proceed" not in followed.text
    assert await member(env.http, org, user) is None
    assert [e.error for e in await events(env, "INVITE_ORG_ERROR")] == ["invalid_token"]


async def test_a_link_deleted_between_its_confirm_page_and_the_click_joins_nobody(env: Env, mail: Sink) -> None:
    org, user, link = await _existing(env, mail)
    confirm = await env.http.get(link)
    [kept] = await stored(env, org)
    h = await env.admin_headers()
    assert (await env.http.delete(f"{ORGS}/{org}/invitations/{kept['id']}", headers=h)).status_code == 204
    clicked = await env.http.get(proceed(confirm.text))
    assert clicked.status_code == 200 and STALE in clicked.text
    assert await member(env.http, org, user) is None


async def test_a_resent_invitation_s_old_link_is_stale_and_the_new_one_works(env: Env, mail: Sink) -> None:
    org, user, old = await _existing(env, mail)
    [kept] = await stored(env, org)
    h = await env.admin_headers()
    assert (await env.http.post(f"{ORGS}/{org}/invitations/{kept['id']}/resend", headers=h)).status_code == 204
    assert STALE in (await env.http.get(old)).text
    new = mail.received[-1].link()
    assert new != old
    joined = await env.http.get(proceed((await env.http.get(new)).text))
    assert joined.status_code == 302 and await member(env.http, org, user) is not None


async def test_a_deleted_registration_invitation_registers_nobody(env: Env, mail: Sink) -> None:
    await enable(env, mail)
    org = await create_org(env)
    assert (await invite(env, org, "invite-user", email="fresh@neworg.org")).status_code == 204
    link = mail.received[-1].link()
    [kept] = await stored(env, org)
    h = await env.admin_headers()
    assert (await env.http.delete(f"{ORGS}/{org}/invitations/{kept['id']}", headers=h)).status_code == 204
    token = parse_qs(urlsplit(link).query)["token"][0]
    params = {"client_id": "account", "response_type": "code", "token": token}
    refused = await env.http.get("/realms/test/protocol/openid-connect/registrations", params=params)
    assert refused.status_code == 400 and "Action expired" in refused.text
    assert (await env.http.get(f"{ORGS}/{org}/members/count", headers=h)).json() == 0

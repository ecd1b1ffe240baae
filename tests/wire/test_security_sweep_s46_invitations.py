"""Security sweep (session 46): organization invitations under attack. Markup and line breaks in an organization's
name reach neither the mail's headers nor its HTML; a link joins only the user it was sent to, in its own realm
and organization; a registration invitation cannot be replayed as an existing user's link, nor another action
token as an invitation; oversized or malformed invitees are refused without a 500."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from admin_support import forbidden, make_admin, realm_admin
from browser_flow import REDIRECT, start, submit
from console_support import post_pairs, sign_in
from mail_sink import Sink
from org_invitations import ORGS, create_org, enable, invite, member, proceed
from support import seed_client, seed_realm, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test/organizations"


async def test_a_line_break_in_the_organization_s_name_stays_out_of_the_mail_headers(env: Env, mail: Sink) -> None:
    await enable(env, mail)  # realm test, organizations on, mail to the sink
    org = await create_org(env, name="evil\r\nBcc: attacker@evil.example", alias="evil")
    sent = await invite(env, org, "invite-user", email="new@neworg.org")
    assert sent.status_code == 204, sent.text
    [message] = mail.received
    assert message.recipients == ["new@neworg.org"]
    assert "\n" not in message.subject and "attacker" not in str(message.recipients)


async def test_markup_in_the_organization_s_name_is_escaped_in_mail_and_pages(env: Env, mail: Sink) -> None:
    await enable(env, mail)
    script = "<script>alert(1)</script>"
    org = await create_org(env, name=script, alias="markup")
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@neworg.org")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    [message] = mail.received
    assert script not in message.part("html")
    confirm = await env.http.get(message.link())
    assert confirm.status_code == 200 and script not in confirm.text
    assert "&lt;script&gt;" in confirm.text
    new = await invite(env, org, "invite-user", email="fresh@neworg.org")
    assert new.status_code == 204
    registering = await env.http.get(mail.received[-1].link())
    assert registering.status_code == 200 and script not in registering.text


@pytest.mark.parametrize(
    "form",
    [
        {"email": "victim@neworg.org\r\nBcc: attacker@evil.example"},
        {"email": "x" * 5000 + "@neworg.org"},
        {"email": "a@b.c", "firstName": "\x00", "lastName": "y" * 10000},
        {"email": "\x00"},
    ],
)
async def test_odd_invitees_are_refused_without_a_500(env: Env, mail: Sink, form: dict[str, str]) -> None:
    await enable(env, mail)
    org = await create_org(env)
    answer = await invite(env, org, "invite-user", **form)
    assert answer.status_code < 500 or answer.json() == {"errorMessage": "Failed to send invite email"}, answer.text
    assert all("attacker" not in str(m.recipients) for m in mail.received)


@pytest.mark.parametrize("user_id", ["\x00", "x" * 5000, "' OR 1=1 --"])
async def test_odd_user_ids_are_refused_without_a_500(env: Env, mail: Sink, user_id: str) -> None:
    await enable(env, mail)
    org = await create_org(env)
    answer = await invite(env, org, "invite-existing-user", id=user_id)
    assert answer.status_code == 400, answer.text
    assert mail.received == []


def _key(link: str) -> str:
    query = parse_qs(urlsplit(link).query)
    return (query.get("key") or query["token"])[0]


def _tampered(key: str, **claims: str) -> str:
    """The token with claims changed and its signature kept (no longer its own)."""
    head, body, signature = key.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    changed = base64.urlsafe_b64encode(json.dumps({**payload, **claims}).encode()).rstrip(b"=").decode()
    return f"{head}.{changed}.{signature}"


async def test_a_registration_invitation_joins_nobody_as_an_action_link(env: Env, mail: Sink) -> None:
    """The registration's token names no user: the action-token endpoint refuses it and no member appears."""
    await enable(env, mail)
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "bystander", email="bystander@neworg.org")).id
    assert (await invite(env, org, "invite-user", email="fresh@neworg.org")).status_code == 204
    key = _key(mail.received[-1].link())
    answer = await env.http.get("/realms/test/login-actions/action-token", params={"key": key})
    assert answer.status_code < 500 and "kc-proceed" not in answer.text
    assert (await env.http.get(f"{ORGS}/{org}/members/count", headers=await env.admin_headers())).json() == 0
    assert await member(env.http, org, user) is None


async def test_an_invitation_works_only_in_its_realm_and_organization_unaltered(env: Env, mail: Sink) -> None:
    await enable(env, mail)
    org = await create_org(env)
    other_org = await create_org(env, name="other", domains=[{"name": "other.org"}])
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@neworg.org")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    assert (await invite(env, org, "invite-user", email="fresh@neworg.org")).status_code == 204
    existing, fresh = (_key(m.link()) for m in mail.received)
    await seed_realm(env.db, env.clock, "elsewhere")
    h = await env.admin_headers()
    on = {"organizationsEnabled": True, "registrationAllowed": False}
    assert (await env.http.put("/admin/realms/elsewhere", json=on, headers=h)).status_code == 204
    registrations = "/realms/elsewhere/protocol/openid-connect/registrations"
    params = {"client_id": "account", "response_type": "code"}
    moved = await env.http.get(registrations, params={**params, "token": fresh})
    assert moved.status_code == 400 and "Action expired" in moved.text
    moved_link = await env.http.get("/realms/elsewhere/login-actions/action-token", params={"key": existing})
    assert moved_link.status_code < 500 and "kc-proceed" not in moved_link.text
    for forged in (_tampered(existing, org_id=other_org), _tampered(existing, sub="someone-else")):
        answer = await env.http.get("/realms/test/login-actions/action-token", params={"key": forged})
        assert answer.status_code < 500 and "kc-proceed" not in answer.text
    forged_registration = _tampered(fresh, org_id=other_org, eml="attacker@evil.example")
    refused = await env.http.get(
        "/realms/test/protocol/openid-connect/registrations", params={**params, "token": forged_registration}
    )
    assert refused.status_code == 400 and "Action expired" in refused.text
    assert await member(env.http, other_org, user) is None


async def test_another_action_token_is_no_invitation(env: Env, mail: Sink) -> None:
    """An execute-actions link's token presented as a registration's invitation is refused."""
    await enable(env, mail)
    await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@neworg.org")).id
    h = await env.admin_headers()
    sent = await env.http.put(
        f"/admin/realms/test/users/{user}/execute-actions-email", json=["UPDATE_PASSWORD"], headers=h
    )
    assert sent.status_code == 204, sent.text
    key = _key(mail.received[-1].link())
    params = {"client_id": "account", "response_type": "code", "token": key}
    refused = await env.http.get("/realms/test/protocol/openid-connect/registrations", params=params)
    assert refused.status_code == 400 and "Action expired" in refused.text


@pytest.mark.parametrize("roles", [("manage-users",), ("view-realm", "view-users"), ("query-users",)])
async def test_admins_without_manage_realm_invite_nobody(env: Env, mail: Sink, roles: tuple[str, ...]) -> None:
    """OrganizationResource's requireManageRealm guards the invitations too."""
    await enable(env, mail)
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@neworg.org")).id
    caller = await realm_admin(env, "limited", *roles)
    for path, form in (("invite-user", {"email": "x@neworg.org"}), ("invite-existing-user", {"id": user})):
        forbidden(await env.http.post(f"{ORGS}/{org}/members/{path}", data=form, headers=caller))
    assert mail.received == []


async def test_another_realm_s_admin_invites_nobody(env: Env, mail: Sink) -> None:
    await enable(env, mail)
    org = await create_org(env)
    await seed_realm(env.db, env.clock, "other")
    caller = await realm_admin(env, "otheradmin", "realm-admin", realm="other")
    answer = await env.http.post(f"{ORGS}/{org}/members/invite-user", data={"email": "x@neworg.org"}, headers=caller)
    assert answer.status_code in (401, 403), answer.text
    assert mail.received == []


async def test_the_console_s_invite_needs_its_csrf_token_and_manage_realm(env: Env, mail: Sink) -> None:
    await enable(env, mail)
    org = await create_org(env)
    await make_admin(env, "test", "boss", "realm-admin")
    await make_admin(env, "test", "helper", "view-realm", "view-users", "manage-users")
    here = f"{CONSOLE}/{org}/members/invite"
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        for token in ("", "forged"):
            sent = await post_pairs(http, here, [("email", "x@neworg.org")], token_from=CONSOLE, token=token)
            assert sent.status_code == 403, sent.text
        control = await post_pairs(http, here, [("email", "ok@neworg.org")], token_from=f"{CONSOLE}/{org}/members")
        assert control.status_code == 303, control.text  # the same post with the page's token invites
    async with client_at(env, "127.0.0.3") as http:
        await sign_in(http, "/admin/test/console/", "helper")
        users = "/admin/test/console/test/users"
        sent = await post_pairs(http, here, [("email", "x@neworg.org")], token_from=users)
        assert sent.status_code == 403, sent.text
    assert [m.recipients for m in mail.received] == [["ok@neworg.org"]]


async def test_another_user_signed_in_in_the_browser_does_not_join_by_the_link(env: Env, mail: Sink) -> None:
    """Bob, signed in, follows the link mailed to Alice: whatever the page says, Bob never becomes a member."""
    await enable(env, mail)
    org = await create_org(env)
    alice = (await seed_user(env.db, env.clock, "test", "alice", email="alice@neworg.org")).id
    bob = (await seed_user(env.db, env.clock, "test", "bob", email="bob@elsewhere.org")).id
    await seed_client(env.db, "test", "web", public=True, redirect_uris=(REDIRECT,))
    assert (await invite(env, org, "invite-existing-user", id=alice)).status_code == 204
    async with client_at(env, "127.0.0.7") as http:
        named = await submit(http, await start(http, "test", "web"), username="bob")  # identity-first
        signed_in = await submit(http, named, username="bob", password="password")
        assert signed_in.status_code == 302 and "code=" in signed_in.headers["location"]
        page = await http.get(mail.received[-1].link())
        assert page.status_code < 500
        if "kc-proceed" in page.text:
            followed = await http.get(proceed(page.text))
            assert followed.status_code < 500
    assert await member(env.http, org, bob) is None

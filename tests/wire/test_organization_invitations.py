"""Organization invitations: ``members/invite-user`` and ``members/invite-existing-user`` e-mailed through a real
SMTP server, then followed over HTTP (Keycloak 26's OrganizationInvitationResource, InviteOrgActionTokenHandler
and the registration's invitation in RegistrationPage / RegistrationUserCreation).

Ported in part from Keycloak's OrganizationInvitationLinkTest and OrganizationMemberTest; the Keycloak method each
test follows is named in its docstring.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from admin_support import admin_events
from mail_sink import DOWN_PORT, Sink
from org_invitations import ACCOUNT, ORGS, create_org, enable, events, invite, member, proceed
from register_port import field_error, is_register_page, register, value_of
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
CB = "http://127.0.0.1:9999/cb"
EVIL = "https://evil.example/steal"  # an organization redirectUrl the account client does not allow


async def allow_on_account(env: Env, uri: str) -> None:
    """The account client allows ``uri`` as a redirect URI: an invitation's redirect goes through the client's
    redirect URIs (RedirectUtils.verifyRedirectUri), so a custom redirectUrl must be one of them."""
    h = await env.admin_headers()
    [account] = (await env.http.get("/admin/realms/test/clients", params={"clientId": "account"}, headers=h)).json()
    account["redirectUris"] = [*account["redirectUris"], uri]
    updated = await env.http.put(f"/admin/realms/test/clients/{account['id']}", json=account, headers=h)
    assert updated.status_code == 204, updated.text


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


async def test_an_existing_user_confirms_and_becomes_a_member(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationLinkTest.testInviteExistingUser (acceptInvitation): the mail, the confirmation page,
    then the member; OrganizationMemberTest's admin event for the invitation."""
    env = realm
    config = {"eventsEnabled": True, "adminEventsEnabled": True}
    enabled = await env.http.put("/admin/realms/test/events/config", json=config, headers=await env.admin_headers())
    assert enabled.status_code == 204
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@myemail.com")).id
    sent = await invite(env, org, "invite-existing-user", id=user)
    assert (sent.status_code, sent.content) == (204, b"")
    [message] = mail.received
    assert message.recipients == ["invited@myemail.com"]
    assert message.subject == "Invitation to join the neworg organization"
    text = message.part("plain")
    assert 'You were invited to join the "neworg" organization.' in text
    assert "This link will expire within 12 hours." in text
    link = message.link()
    assert link.startswith("http://localhost/realms/test/login-actions/action-token?key=")
    assert f'href="{html.escape(link)}"' in message.part("html")

    confirm = await env.http.get(link)  # not yet a member: only the page that asks
    assert confirm.status_code == 200 and await member(env.http, org, user) is None
    assert "You are about to join organization neworg" in confirm.text
    assert "By clicking on the link below, you will become a member of the neworg organization:" in confirm.text
    joined = await env.http.get(proceed(confirm.text))
    assert (joined.status_code, joined.headers["location"]) == (302, ACCOUNT)
    joined_as = await member(env.http, org, user)
    assert joined_as is not None and joined_as["membershipType"] == "UNMANAGED"
    [event] = await events(env, "INVITE_ORG")
    assert event.user_id == user and event.client_id == "account" and event.details["username"] == "invited"
    [action] = [e for e in await admin_events(env) if e["operationType"] == "ACTION"]
    assert action["resourceType"] == "ORGANIZATION_MEMBERSHIP"
    assert action["resourcePath"] == f"organizations/{org}/members/invite-existing-user"


async def test_a_second_click_is_the_error_page_once_the_invitation_was_consumed(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationLinkTest.testInviteExistingUserCustomRedirectUrl, then the link opened again. The older
    testRedirectAfterClickingSecondTimeOnInvitation read "You are already a member" there; Keycloak replaced it
    (keycloak@5f8e11f2, with OrganizationInvitationTokenTest#testInvitationIsConsumedOnlyAfterConfirmation): the
    accepted invitation's token is revoked, so the link opened again is the error page."""
    env = realm
    await allow_on_account(env, CB)
    org = await create_org(env, redirectUrl=CB)
    user = (await seed_user(env.db, env.clock, "test", "invited", first_name="Homer", last_name="Simpson")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    [message] = mail.received
    assert 'Hi, "Homer" "Simpson".' in message.part("plain")
    confirm = await env.http.get(message.link())
    joined = await env.http.get(proceed(confirm.text))
    assert (joined.status_code, joined.headers["location"]) == (302, CB)
    again = await env.http.get(message.link())
    assert again.status_code == 400 and "The link you clicked is no longer valid." in again.text
    assert "You are already a member" not in again.text and f'href="{CB}"' not in again.text
    assert [e.error for e in await events(env, "INVITE_ORG_ERROR")] == ["invalid_token"]


async def _member_added_otherwise(env: Env, mail: Sink, redirect_url: str) -> httpx.Response:
    """The invitation's link followed by a user an admin made a member without consuming the invitation."""
    org = await create_org(env, redirectUrl=redirect_url)
    user = (await seed_user(env.db, env.clock, "test", "invited", first_name="Homer", last_name="Simpson")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    h = {**await env.admin_headers(), "content-type": "application/json"}
    assert (await env.http.post(f"{ORGS}/{org}/members", content=f'"{user}"', headers=h)).status_code == 201
    [message] = mail.received
    again = await env.http.get(message.link())
    assert again.status_code == 200 and "You are already a member of the neworg organization." in again.text
    assert [e.error for e in await events(env, "INVITE_ORG_ERROR")] == ["user_org_member_already"]
    return again


async def test_a_member_added_otherwise_is_told_so_and_goes_back_to_the_redirect_url(realm: Env, mail: Sink) -> None:
    """testRedirectAfterClickingSecondTimeOnInvitation's page, which keycloak@5f8e11f2 gave to a member added by an
    admin without consuming the invitation: told they are one, "Back to Application" to the organization's URL,
    which the account client allows."""
    await allow_on_account(realm, CB)
    again = await _member_added_otherwise(realm, mail, CB)
    assert f'id="kc-back" href="{CB}"' in again.text, again.text


async def test_already_member_with_a_malicious_redirect_url_goes_back_to_the_account_console(
    realm: Env, mail: Sink
) -> None:
    """OrganizationInvitationLinkTest.testAlreadyMemberMaliciousRedirectUrl (keycloak@5f8e11f2): an organization
    redirectUrl the account client does not allow is not offered; "Back to Application" is the account console."""
    again = await _member_added_otherwise(realm, mail, EVIL)
    assert "evil.example" not in again.text
    assert f'id="kc-back" href="{ACCOUNT}"' in again.text, again.text


async def test_an_invitation_with_a_malicious_redirect_url_lands_on_the_account_console(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationLinkTest.testInviteExistingUserMaliciousRedirectUrl (keycloak@5f8e11f2): the user
    joins, but the organization's redirectUrl, which the account client does not allow, is ignored: the browser
    goes on to the account console."""
    env = realm
    org = await create_org(env, redirectUrl=EVIL)
    user = (await seed_user(env.db, env.clock, "test", "invited", first_name="Homer", last_name="Simpson")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    [message] = mail.received
    confirm = await env.http.get(message.link())
    joined = await env.http.get(proceed(confirm.text))
    assert joined.status_code == 302, joined.text[:800]
    location = httpx.URL(joined.headers["location"])
    assert str(location.copy_with(query=None)) == ACCOUNT, location
    assert "evil.example" not in str(location)
    assert await member(env.http, org, user) is not None


async def test_a_registration_from_an_invitation_with_a_malicious_redirect_url_sends_its_code_to_the_account_console(
    realm: Env, mail: Sink
) -> None:
    """The registration's side of testInviteExistingUserMaliciousRedirectUrl: the new member's code goes to the
    account console, never to an organization redirectUrl the account client does not allow."""
    env = realm
    org = await create_org(env, redirectUrl=EVIL)
    assert (await invite(env, org, "invite-user", email="inviteduser@email")).status_code == 204
    [message] = mail.received
    page = await env.http.get(message.link())
    done = await register(env, page, "Homer", "Simpson", "inviteduser@email", "inviteduser", "password", "password")
    assert done.status_code == 302, done.text[:800]
    location = httpx.URL(done.headers["location"])
    # the registration link names no redirect_uri: the account client's one registered URI, its "/*" cut off
    assert str(location.copy_with(query=None)) == ACCOUNT.rstrip("/") and "code" in location.params, location


async def test_an_invitation_by_the_address_of_an_existing_user_takes_the_action_link(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationLinkTest.testInviteExistingUserWithEmail."""
    env = realm
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "matching", email="matching@myemail.com")).id
    sent = await invite(env, org, "invite-user", email="matching@myemail.com", firstName="Homer", lastName="Simpson")
    assert sent.status_code == 204
    [message] = mail.received
    confirm = await env.http.get(message.link())
    assert "You are about to join organization neworg" in confirm.text
    assert (await env.http.get(proceed(confirm.text))).status_code == 302
    assert await member(env.http, org, user) is not None
    twice = await invite(env, org, "invite-user", email="matching@myemail.com")
    assert (twice.status_code, twice.json()) == (409, {"errorMessage": "User already a member of the organization"})


async def test_a_new_address_registers_even_where_registration_is_off(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationLinkTest.testInviteNewUserRegistration, testRegistrationEnabledWhenInvitingNewUser:
    the registration link, the form headed by the organization with the address filled in, then a MANAGED member
    sent to the account console with a code."""
    env = realm
    org = await create_org(env)
    sent = await invite(env, org, "invite-user", email="inviteduser@email", firstName="Homer", lastName="Simpson")
    assert sent.status_code == 204
    [message] = mail.received
    assert 'Hi, "Homer" "Simpson".' in message.part("plain")
    link = message.link()
    parts = urlsplit(link)
    assert parts.path == "/realms/test/protocol/openid-connect/registrations"
    query = parse_qs(parts.query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["account"] and query["token"]
    page = await env.http.get(link)
    assert is_register_page(page), page.text[:800]
    assert "Create an account to join the neworg organization" in page.text
    assert value_of(page, "email") == "inviteduser@email"
    done = await register(env, page, "Homer", "Simpson", "inviteduser@email", "inviteduser", "password", "password")
    assert done.status_code == 302, done.text[:800]
    location = httpx.URL(done.headers["location"])
    assert str(location.copy_with(query=None)) == ACCOUNT and "code" in location.params
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None and not test.registration_allowed
        created = await tx.users.get_by_username(test.id, "inviteduser")
        assert created is not None
    joined_as = await member(env.http, org, created.id)
    assert joined_as is not None and joined_as["membershipType"] == "MANAGED"
    [registered] = await events(env, "REGISTER")
    assert registered.details["org_id"] == org


async def test_the_registration_keeps_the_invited_address(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationLinkTest.testEmailDoesNotChangeOnRegistration."""
    env = realm
    org = await create_org(env)
    assert (await invite(env, org, "invite-user", email="inviteduser@email")).status_code == 204
    [message] = mail.received
    page = await env.http.get(message.link())
    refused = await register(env, page, "first", "last", "invalid@email.com", "inviteduser", "password", "password")
    assert is_register_page(refused)
    assert field_error(refused, "email") == "Email does not match the invitation"
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None and await tx.users.get_by_username(test.id, "inviteduser") is None
    [error] = await events(env, "REGISTER_ERROR")
    assert error.error == "invalid_token"


async def test_expired_links_join_nobody(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationLinkTest.testLinkExpired, for both links: the realm's
    actionTokenGeneratedByAdminLifespan (12 hours) past."""
    env = realm
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited")).id
    assert (await invite(env, org, "invite-user", email="inviteduser@email")).status_code == 204
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    registration, action = (m.link() for m in mail.received)
    env.clock.advance(24 * 3600)
    page = await env.http.get(registration)
    assert page.status_code == 400 and "Action expired." in page.text
    expired = await env.http.get(action)
    assert expired.status_code == 400 and "Action expired." in expired.text
    assert await member(env.http, org, user) is None


async def test_a_link_to_an_organization_since_deleted_joins_nothing(realm: Env, mail: Sink) -> None:
    """InviteOrgActionTokenHandler's ORG_NOT_FOUND: the organization deleted after the mail was sent."""
    env = realm
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{org}", headers=await env.admin_headers())).status_code == 204
    [message] = mail.received
    page = await env.http.get(message.link())
    assert page.status_code == 200 and "Organization not found." in page.text
    assert [e.error for e in await events(env, "INVITE_ORG_ERROR")] == ["org_not_found"]


@pytest.mark.parametrize(
    ("path", "form", "status", "body"),
    [
        ("invite-user", {}, 400, {"errorMessage": "Email is required to invite a member"}),
        ("invite-user", {"email": "  "}, 400, {"errorMessage": "Email is required to invite a member"}),
        ("invite-existing-user", {}, 400, {"error": "To invite a member you need to provide the user id"}),
        ("invite-existing-user", {"id": "no-such-user"}, 400, {"errorMessage": "User does not exist"}),
    ],
)
async def test_invitation_refusals(
    realm: Env, mail: Sink, path: str, form: dict[str, str], status: int, body: dict[str, str]
) -> None:
    """OrganizationMemberTest's invitation checks, in OrganizationInvitationResource's words."""
    org = await create_org(realm)
    refused = await invite(realm, org, path, **form)
    assert (refused.status_code, refused.json()) == (status, body)
    assert mail.received == []


async def test_the_organization_the_body_and_the_mail_server_are_checked(realm: Env, mail: Sink) -> None:
    """An unknown organization (404), a body neither a form nor JSON (@Consumes form and, since Keycloak 26.7,
    JSON: 415), organizations off (404), a mail server that cannot be reached (500 "Failed to send invite email"),
    a caller without manage-realm (403)."""
    env = realm
    org = await create_org(env)
    h = await env.admin_headers()
    unknown = await invite(env, "no-such-org", "invite-user", email="a@b.c")
    assert (unknown.status_code, unknown.json()) == (404, {"errorMessage": "Organization not found."})
    as_text = await env.http.post(
        f"{ORGS}/{org}/members/invite-user", content=b"a@b.c", headers={**h, "Content-Type": "text/plain"}
    )
    assert as_text.status_code == 415
    await update_realm(env.db, "test", smtp_server={"host": "127.0.0.1", "port": str(DOWN_PORT), "from": "a@b.c"})
    down = await invite(env, org, "invite-user", email="a@b.c")
    assert (down.status_code, down.json()) == (500, {"errorMessage": "Failed to send invite email"})
    assert (
        await env.http.put("/admin/realms/test", json={"organizationsEnabled": False}, headers=h)
    ).status_code == 204
    off = await invite(env, org, "invite-user", email="a@b.c")
    assert (off.status_code, off.json()) == (404, {"errorMessage": "Organizations not enabled for this realm."})
    assert mail.received == []

"""Stored organization invitations (Keycloak 26.4's OrganizationInvitationResource: ``GET …/invitations``,
``GET``/``DELETE …/invitations/{id}``, ``POST …/invitations/{id}/resend``): what is kept when a mail is sent, the
representation, the filters and paging, resend and delete with their admin events, and the 26.4 checks of
``invite-user`` (an address with a pending invitation is 409, an expired one is replaced)."""

from __future__ import annotations

import base64
import json

import pytest

from admin_support import admin_events, enable_admin_events
from mail_sink import Sink
from org_invitations import ORGS, create_org, enable, invite, stored
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
LIFESPAN = 12 * 3600  # actionTokenGeneratedByAdminLifespan


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


def _claims(link: str) -> dict[str, object]:
    """The action token's payload, read from the link's ``key`` (or ``token``) without checking it."""
    key = link.split("key=", 1)[-1].split("token=", 1)[-1].split("&", 1)[0]
    payload = key.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


async def test_a_sent_invitation_is_kept_without_its_link(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationRepresentation for a new address: names as given, the address in lower case, sent now,
    expiring after the admin lifespan, PENDING; the mailed link's token carries its id, but the link itself is
    not in the representation (Keycloak 26.6.7 / 26.7.3: ``inviteLink`` no longer returned)."""
    env = realm
    org = await create_org(env)
    now = env.clock.now()
    sent = await invite(env, org, "invite-user", email=" New@Example.org ", firstName="Homer", lastName="Simpson")
    assert sent.status_code == 204, sent.text
    [message] = mail.received
    [kept] = await stored(env, org)
    assert kept == {
        "id": kept["id"],
        "organizationId": org,
        "email": "new@example.org",
        "firstName": "Homer",
        "lastName": "Simpson",
        "sentDate": now,
        "expiresAt": now + LIFESPAN,
        "status": "PENDING",
    }
    claims = _claims(message.link())
    assert (claims["jti"], claims["exp"]) == (kept["id"], now + LIFESPAN)
    one = await env.http.get(f"{ORGS}/{org}/invitations/{kept['id']}", headers=await env.admin_headers())
    assert (one.status_code, one.json()) == (200, kept)


async def test_an_existing_user_is_kept_with_the_users_own_names(realm: Env, mail: Sink) -> None:
    env = realm
    org = await create_org(env)
    user = await seed_user(env.db, env.clock, "test", "bart", email="bart@example.org", first_name="Bart")
    assert (await invite(env, org, "invite-existing-user", id=user.id)).status_code == 204
    [kept] = await stored(env, org)
    assert (kept["email"], kept["firstName"], kept.get("lastName")) == ("bart@example.org", "Bart", user.last_name)
    assert "inviteLink" not in kept
    [message] = mail.received
    assert message.link().startswith("http://localhost/realms/test/login-actions/action-token?key=")
    assert _claims(message.link())["jti"] == kept["id"]


async def test_a_pending_invitation_is_409_and_an_expired_one_is_replaced(realm: Env, mail: Sink) -> None:
    """inviteUser: getByEmail finds a pending invitation (409 "User already has a pending invitation") or an expired
    one, which goes before the new one is made; the listing's status follows the clock."""
    env = realm
    org = await create_org(env)
    assert (await invite(env, org, "invite-user", email="a@example.org")).status_code == 204
    again = await invite(env, org, "invite-user", email="A@example.org")
    assert (again.status_code, again.json()) == (409, {"errorMessage": "User already has a pending invitation"})
    [first] = await stored(env, org)
    env.clock.advance(LIFESPAN + 1)
    assert [i["status"] for i in await stored(env, org)] == ["EXPIRED"]
    assert [i["id"] for i in await stored(env, org, status="EXPIRED")] == [first["id"]]
    assert await stored(env, org, status="PENDING") == []
    assert (await invite(env, org, "invite-user", email="a@example.org")).status_code == 204
    [second] = await stored(env, org)
    assert second["id"] != first["id"] and second["status"] == "PENDING"
    assert len(mail.received) == 2


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"email": "not-an-address"}, "Invalid email format"),
        ({"email": "a@b@c"}, "Invalid email format"),
        ({"email": " "}, "Email is required to invite a member"),
    ],
)
async def test_invite_user_refuses_a_bad_address_and_keeps_nothing(
    realm: Env, mail: Sink, form: dict[str, str], message: str
) -> None:
    org = await create_org(realm)
    refused = await invite(realm, org, "invite-user", **form)
    assert (refused.status_code, refused.json()) == (400, {"errorMessage": message})
    assert await stored(realm, org) == [] and mail.received == []


async def test_the_listing_filters_and_pages(realm: Env, mail: Sink) -> None:
    """getInvitations: email, firstName and lastName match a part of their field without case (Keycloak 26.7's
    OrganizationInvitationManagementTest#testInvitationEmailSearch; whole values before session 53), search a part
    of any;
    first/max page the list ordered by id, with no bound by default."""
    env = realm
    org = await create_org(env)
    people = [("ann@example.org", "Ann", "Lee"), ("bob@example.org", "Bob", "Marley"), ("cy@other.net", "Cy", "Lee")]
    for email, first, last in people:
        assert (await invite(env, org, "invite-user", email=email, firstName=first, lastName=last)).status_code == 204
    everyone = await stored(env, org)
    assert [i["id"] for i in everyone] == sorted(i["id"] for i in everyone) and len(everyone) == 3

    def emails(found: list[dict[str, object]]) -> set[object]:
        return {i["email"] for i in found}

    assert emails(await stored(env, org, email="BOB@example.org")) == {"bob@example.org"}
    assert emails(await stored(env, org, email="bob")) == {"bob@example.org"}
    assert emails(await stored(env, org, email="example.net")) == set()
    assert emails(await stored(env, org, lastName="lee")) == {"ann@example.org", "cy@other.net"}
    assert emails(await stored(env, org, firstName="ann", lastName="Lee")) == {"ann@example.org"}
    assert emails(await stored(env, org, search="EXAMPLE")) == {"ann@example.org", "bob@example.org"}
    assert emails(await stored(env, org, search="marl")) == {"bob@example.org"}
    assert emails(await stored(env, org, search="%")) == set()
    assert [i["id"] for i in await stored(env, org, first=1, max=1)] == [everyone[1]["id"]]
    assert len(await stored(env, org, first=-5, max=2147483647)) == 3
    assert len(await stored(env, org, max=-1)) == 3
    assert await stored(env, org, first=7) == []


async def test_resend_replaces_the_invitation_and_mails_a_new_link(realm: Env, mail: Sink) -> None:
    """resendInvitation: the invitation removed and its address invited again (ACTION at the resend path)."""
    env = realm
    await enable_admin_events(env, clear=True)
    org = await create_org(env)
    assert (
        await invite(env, org, "invite-user", email="c@example.org", firstName="C", lastName="D")
    ).status_code == 204
    [old] = await stored(env, org)
    env.clock.advance(60)
    url = f"{ORGS}/{org}/invitations/{old['id']}/resend"
    resent = await env.http.post(url, headers=await env.admin_headers())
    assert (resent.status_code, resent.content) == (204, b"")
    [new] = await stored(env, org)
    assert new["id"] != old["id"] and new["sentDate"] == old["sentDate"] + 60
    assert (new["email"], new["firstName"], new["lastName"]) == ("c@example.org", "C", "D")
    assert [m.recipients for m in mail.received] == [["c@example.org"], ["c@example.org"]]
    assert _claims(mail.received[1].link())["jti"] == new["id"] != old["id"] == _claims(mail.received[0].link())["jti"]
    assert "inviteLink" not in new
    event = (await admin_events(env))[0]  # the newest
    assert (event["operationType"], event["resourceType"]) == ("ACTION", "ORGANIZATION_MEMBERSHIP")
    assert event["resourcePath"] == f"organizations/{org}/invitations/{old['id']}/resend"
    gone = await env.http.post(url, headers=await env.admin_headers())
    assert (gone.status_code, gone.json()) == (404, {"errorMessage": "Invitation not found"})


async def test_delete_removes_the_invitation_with_an_admin_event(realm: Env, mail: Sink) -> None:
    env = realm
    await enable_admin_events(env, clear=True)
    org = await create_org(env)
    assert (await invite(env, org, "invite-user", email="e@example.org")).status_code == 204
    [kept] = await stored(env, org)
    url = f"{ORGS}/{org}/invitations/{kept['id']}"
    deleted = await env.http.delete(url, headers=await env.admin_headers())
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert await stored(env, org) == []
    event = (await admin_events(env))[0]  # the newest
    assert (event["operationType"], event["resourceType"]) == ("DELETE", "ORGANIZATION_MEMBERSHIP")
    assert event["resourcePath"] == f"organizations/{org}/invitations/{kept['id']}" and "representation" not in event
    for method in ("GET", "DELETE"):
        again = await env.http.request(method, url, headers=await env.admin_headers())
        assert (again.status_code, again.json()) == (404, {"errorMessage": "Invitation not found"})
    # the address may be invited anew at once
    assert (await invite(env, org, "invite-user", email="e@example.org")).status_code == 204

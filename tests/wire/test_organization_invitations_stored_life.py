"""Stored organization invitations: where one ends (its link accepted by an existing user, a registration through
it, its organization deleted; a mail that could not be sent keeps none) and hostile calls: another
organization's invitation, malformed ids and paging values, an unknown status, a caller without manage-realm."""

from __future__ import annotations

import pytest

from admin_support import forbidden, realm_admin
from mail_sink import DOWN_PORT, Sink
from org_invitations import ORGS, create_org, enable, invite, proceed, stored
from register_port import register
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
NOT_FOUND = {"errorMessage": "Invitation not found"}


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


async def _count(env: Env) -> int:
    async with env.db.transaction(write=False) as tx:
        return await tx.org_invitations.count_all()


async def test_an_accepted_link_takes_its_invitation_away(realm: Env, mail: Sink) -> None:
    """The confirmed link makes the member and removes the invitation the link's id names; the other invitation of
    the organization stays."""
    env = realm
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@myemail.com")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    assert (await invite(env, org, "invite-user", email="someone@else.org")).status_code == 204
    confirm = await env.http.get(mail.received[0].link())
    assert [i["email"] for i in await stored(env, org)].count("invited@myemail.com") == 1  # asking joins nobody
    assert (await env.http.get(proceed(confirm.text))).status_code == 302
    assert [i["email"] for i in await stored(env, org)] == ["someone@else.org"]


async def test_a_registration_through_the_link_takes_its_invitation_away(realm: Env, mail: Sink) -> None:
    env = realm
    org = await create_org(env)
    assert (await invite(env, org, "invite-user", email="newbie@email.org")).status_code == 204
    page = await env.http.get(mail.received[0].link())
    done = await register(env, page, "New", "Bie", "newbie@email.org", "newbie", "password", "password")
    assert done.status_code == 302, done.text[:800]
    assert await stored(env, org) == []


async def test_an_organizations_deletion_takes_its_invitations(realm: Env, mail: Sink) -> None:
    env = realm
    org, kept = await create_org(env), await create_org(env, name="kept", domains=[])
    assert (await invite(env, org, "invite-user", email="a@example.org")).status_code == 204
    assert (await invite(env, kept, "invite-user", email="a@example.org")).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{org}", headers=await env.admin_headers())).status_code == 204
    assert await _count(env) == 1 and len(await stored(env, kept)) == 1


async def test_a_mail_that_cannot_be_sent_keeps_no_invitation(realm: Env, mail: Sink) -> None:
    env = realm
    org = await create_org(env)
    assert (await invite(env, org, "invite-user", email="a@example.org")).status_code == 204
    [first] = await stored(env, org)
    await update_realm(env.db, "test", smtp_server={"host": "127.0.0.1", "port": str(DOWN_PORT), "from": "a@b.c"})
    down = await env.http.post(f"{ORGS}/{org}/invitations/{first['id']}/resend", headers=await env.admin_headers())
    assert (down.status_code, down.json()) == (500, {"errorMessage": "Failed to send invite email"})
    assert await stored(env, org) == [first]  # the resend's removal is not kept either
    user = (await seed_user(env.db, env.clock, "test", "u", email="u@example.org")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 500
    assert await _count(env) == 1


async def test_another_organizations_invitation_and_malformed_ids_are_not_found(realm: Env, mail: Sink) -> None:
    env = realm
    h = await env.admin_headers()
    org, other = await create_org(env), await create_org(env, name="other", domains=[])
    assert (await invite(env, other, "invite-user", email="a@example.org")).status_code == 204
    [theirs] = await stored(env, other)
    ids = [theirs["id"], "no-such-id", "%20", "a" * 5000, "..%2F..%2F" + theirs["id"], "' or 1=1 --"]
    for bad in ids:
        base = f"{ORGS}/{org}/invitations/{bad}"
        for answer in (
            await env.http.get(base, headers=h),
            await env.http.delete(base, headers=h),
            await env.http.post(base + "/resend", headers=h),
        ):
            assert answer.status_code == 404, (bad, answer.text)
            if "%2F" not in bad:  # a decoded slash matches no route at all: RESTEasy's own 404
                assert answer.json() == NOT_FOUND, answer.text
    # a ';' in the path is refused before routing since Keycloak 26.6 ("Rejecting URL paths with semicolons")
    semicolon = await env.http.get(f"{ORGS}/{org}/invitations/'; drop table x; --", headers=h)
    assert semicolon.status_code == 400 and semicolon.json()["error"] == "missingNormalization", semicolon.text
    assert [i["id"] for i in await stored(env, other)] == [theirs["id"]] and len(mail.received) == 1
    gone = await env.http.get(f"/admin/realms/master/organizations/{other}/invitations", headers=h)
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        (
            {"status": "pending"},
            400,
            {
                "errorMessage": "No enum constant org.keycloak.representations.idm."
                "OrganizationInvitationRepresentation.Status.pending"
            },
        ),
        (
            {"status": "REVOKED"},
            400,
            {
                "errorMessage": "No enum constant org.keycloak.representations.idm."
                "OrganizationInvitationRepresentation.Status.REVOKED"
            },
        ),
        ({"max": "99999999999"}, 404, {"error": "HTTP 404 Not Found"}),
        ({"first": "x"}, 404, {"error": "HTTP 404 Not Found"}),
        ({"first": "-1", "max": "2147483647"}, 200, []),
    ],
)
async def test_bad_listing_parameters_are_refused_without_a_500(
    realm: Env, mail: Sink, params: dict[str, str], status: int, body: object
) -> None:
    org = await create_org(realm)
    answer = await realm.http.get(f"{ORGS}/{org}/invitations", params=params, headers=await realm.admin_headers())
    assert (answer.status_code, answer.json()) == (status, body)


async def test_invitations_need_manage_realm(realm: Env, mail: Sink) -> None:
    """OrganizationsResource's manage-realm: a viewing admin may neither list, read, resend nor delete."""
    env = realm
    org = await create_org(env)
    assert (await invite(env, org, "invite-user", email="a@example.org")).status_code == 204
    [kept] = await stored(env, org)
    viewer = await realm_admin(env, "viewer", "view-realm", "view-users", "manage-users")
    one = f"{ORGS}/{org}/invitations/{kept['id']}"
    forbidden(await env.http.get(f"{ORGS}/{org}/invitations", headers=viewer))
    forbidden(await env.http.get(one, headers=viewer))
    forbidden(await env.http.delete(one, headers=viewer))
    forbidden(await env.http.post(one + "/resend", headers=viewer))
    assert await stored(env, org) == [kept] and len(mail.received) == 1
    manager = await realm_admin(env, "manager", "manage-realm")
    assert (await env.http.delete(one, headers=manager)).status_code == 204

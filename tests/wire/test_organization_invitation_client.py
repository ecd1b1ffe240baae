"""An organization invitation for a client other than ``account`` (keycloak#48535; Keycloak 27.0's "Organization
Redirect URL now validated against the account client"): ``client_id`` in the query of ``invite-user`` and
``invite-existing-user`` makes the link the client's, and the invitee lands on the client's home URL, the
organization's Redirect URL ignored; an unknown or disabled client invites nobody."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mail_sink import Sink
from org_invitations import ORGS, create_org, enable, proceed, stored
from register_port import register
from support import seed_client, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
HOME = "http://shop.example/home"
ORG_REDIRECT = "http://elsewhere.example/landing"


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await enable(env, mail)
    await seed_client(env.db, "test", "shop", public=True, base_url=HOME, redirect_uris=("http://shop.example/*",))
    return env


async def _invite(env: Env, org: str, path: str, client_id: str | None, **form: str) -> httpx.Response:
    params = {"client_id": client_id} if client_id is not None else {}
    url = f"{ORGS}/{org}/members/{path}"
    return await env.http.post(url, params=params, data=form, headers=await env.admin_headers())


async def test_an_existing_user_invited_for_a_client_lands_on_its_home_not_the_org_redirect(
    realm: Env, mail: Sink
) -> None:
    """invite-existing-user takes ``client_id`` (Keycloak 27.0): the confirmed link sends the new member to the
    client's home URL, although the organization has a Redirect URL the account client would allow."""
    env = realm
    org = await create_org(env, redirectUrl=ORG_REDIRECT)
    user = await seed_user(env.db, env.clock, "test", "bart", email="bart@example.org", first_name="B", last_name="S")
    assert (await _invite(env, org, "invite-existing-user", "shop", id=user.id)).status_code == 204
    [message] = mail.received
    info = await env.http.get(message.link())
    assert info.status_code == 200, info.text
    joined = await env.http.get(proceed(info.text))
    assert joined.status_code == 302, joined.text
    assert joined.headers["location"] == HOME


async def test_a_new_user_s_registration_link_is_the_client_s_and_its_code_goes_home(realm: Env, mail: Sink) -> None:
    """invite-user with ``client_id``: the registrations link names the client, and the registration's code goes
    to the client's home URL."""
    env = realm
    org = await create_org(env, redirectUrl=ORG_REDIRECT)
    sent = await _invite(env, org, "invite-user", "shop", email="lisa@neworg.org", firstName="Lisa", lastName="S")
    assert sent.status_code == 204, sent.text
    [message] = mail.received
    link = message.link()
    assert parse_qs(urlsplit(link).query)["client_id"] == ["shop"]
    page = await env.http.get(link)
    done = await register(env, page, "Lisa", "S", "lisa@neworg.org", "lisa", "password", "password")
    assert done.status_code == 302, done.text[:800]
    location = httpx.URL(done.headers["location"])
    assert str(location.copy_with(query=None)) == HOME and location.params["code"]


@pytest.mark.parametrize("path", ["invite-user", "invite-existing-user"])
async def test_an_unknown_or_disabled_client_invites_nobody(realm: Env, mail: Sink, path: str) -> None:
    """An unknown client is 400 ``Client doesn't exist``, a disabled one 400 ``Client is not enabled``, a client
    with neither a home URL nor a single redirect URI 400 ``Unable to resolve a redirect uri for the client``; no
    mail, no invitation. A blank ``client_id`` is the account client."""
    env = realm
    await seed_client(env.db, "test", "off", public=True, enabled=False, base_url=HOME)
    await seed_client(
        env.db, "test", "nowhere", public=True, redirect_uris=("http://a.example/*", "http://b.example/*")
    )
    org = await create_org(env)
    user = await seed_user(env.db, env.clock, "test", "bart", email="bart@example.org", first_name="B", last_name="S")
    form = {"email": "bart@example.org"} if path == "invite-user" else {"id": user.id}
    answers = {
        "no-such-client": "Client doesn't exist",
        "off": "Client is not enabled",
        "nowhere": "Unable to resolve a redirect uri for the client",
    }
    for client_id, message in answers.items():
        refused = await _invite(env, org, path, client_id, **form)
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"errorMessage": message}
    assert mail.received == [] and await stored(env, org) == []
    assert (await _invite(env, org, path, "", **form)).status_code == 204
    assert parse_qs(urlsplit(mail.received[0].link()).query).get("client_id") in (None, ["account"])


async def test_a_resend_invites_for_the_client_the_invitation_was_sent_for(realm: Env, mail: Sink) -> None:
    """resendInvitation keeps the invitation's client (Keycloak 27.0 reads it back from the stored link's action
    token): the resent registration link names ``shop`` again and the registration's code goes to its home; the
    invitation's representation shows no client (OrganizationInvitationRepresentation has no such field)."""
    env = realm
    org = await create_org(env, redirectUrl=ORG_REDIRECT)
    sent = await _invite(env, org, "invite-user", "shop", email="lisa@neworg.org", firstName="Lisa", lastName="S")
    assert sent.status_code == 204, sent.text
    [first] = await stored(env, org)
    assert "clientId" not in first and "client_id" not in first, first
    url = f"{ORGS}/{org}/invitations/{first['id']}/resend"
    again = await env.http.post(url, headers=await env.admin_headers())
    assert again.status_code == 204, again.text
    [_, message] = mail.received
    link = message.link()
    assert parse_qs(urlsplit(link).query)["client_id"] == ["shop"]
    page = await env.http.get(link)
    done = await register(env, page, "Lisa", "S", "lisa@neworg.org", "lisa", "password", "password")
    assert done.status_code == 302, done.text[:800]
    assert str(httpx.URL(done.headers["location"]).copy_with(query=None)) == HOME


async def test_an_existing_users_resent_link_still_lands_on_the_clients_home(realm: Env, mail: Sink) -> None:
    """invite-existing-user for ``shop``, then resent: the resent link's confirmation sends the member to the
    client's home URL, not to the organization's Redirect URL (the account client's choice)."""
    env = realm
    org = await create_org(env, redirectUrl=ORG_REDIRECT)
    user = await seed_user(env.db, env.clock, "test", "bart", email="bart@example.org", first_name="B", last_name="S")
    assert (await _invite(env, org, "invite-existing-user", "shop", id=user.id)).status_code == 204
    [first] = await stored(env, org)
    again = await env.http.post(f"{ORGS}/{org}/invitations/{first['id']}/resend", headers=await env.admin_headers())
    assert again.status_code == 204, again.text
    [_, message] = mail.received
    info = await env.http.get(message.link())
    assert info.status_code == 200, info.text
    joined = await env.http.get(proceed(info.text))
    assert (joined.status_code, joined.headers.get("location")) == (302, HOME), joined.text

"""An attacker's sweep of session 58's organization invitations bound to a client (``client_id`` in the query of
``invite-user`` / ``invite-existing-user``, keycloak#48535, Keycloak 27.0). What was tried, all held:

- another realm's ``clientId``, or a client's internal id, names no client of this realm: 400 ``Client doesn't
  exist`` (the lookup is the realm's ``getClientByClientId``), no mail;
- a client disabled after the invitation went out: the link is LoginActionsService.handleActionToken's "Login
  requester not enabled" page and joins nobody;
- a client's home URL cannot be made a script: ``baseUrl`` / ``rootUrl`` ``javascript:`` (any case) is refused by
  client validation (DefaultClientValidationProvider.validateUrls), so no invitation can land there;
- the link's signed token cannot be pointed elsewhere: a ``client_id`` changed in the link's URL does not move the
  invitee, who lands on the invitation's client's home URL.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from mail_sink import Sink
from org_invitations import ORGS, create_org, enable, member, proceed, stored
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
HOME = "http://shop.example/home"


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await enable(env, mail)
    await seed_client(env.db, "test", "shop", public=True, base_url=HOME, redirect_uris=("http://shop.example/*",))
    await seed_client(env.db, "test", "evil", public=True, base_url="http://evil.example/", redirect_uris=("*",))
    return env


async def _invite(env: Env, org: str, client_id: str, user_id: str) -> httpx.Response:
    url = f"{ORGS}/{org}/members/invite-existing-user"
    return await env.http.post(
        url, params={"client_id": client_id}, data={"id": user_id}, headers=await env.admin_headers()
    )


async def _bart(env: Env) -> str:
    user = await seed_user(env.db, env.clock, "test", "bart", email="bart@example.org", first_name="B", last_name="S")
    return user.id


async def test_another_realms_client_or_an_internal_id_names_no_client(realm: Env, mail: Sink) -> None:
    await seed_realm(realm.db, realm.clock, "other")
    await seed_client(realm.db, "other", "elsewhere", public=True, base_url="http://other.example/")
    shop = (
        await realm.http.get(
            "/admin/realms/test/clients", params={"clientId": "shop"}, headers=await realm.admin_headers()
        )
    ).json()[0]["id"]
    org, user = await create_org(realm), await _bart(realm)
    for client_id in ("elsewhere", shop, "SHOP", " shop"):
        refused = await _invite(realm, org, client_id, user)
        assert refused.status_code == 400, (client_id, refused.text)
        assert refused.json() == {"errorMessage": "Client doesn't exist"}
    assert mail.received == [] and await stored(realm, org) == []


async def test_a_client_disabled_after_the_invitation_joins_nobody(realm: Env, mail: Sink) -> None:
    org, user = await create_org(realm), await _bart(realm)
    assert (await _invite(realm, org, "shop", user)).status_code == 204
    h = await realm.admin_headers()
    rep = (await realm.http.get("/admin/realms/test/clients", params={"clientId": "shop"}, headers=h)).json()[0]
    assert (
        await realm.http.put(f"/admin/realms/test/clients/{rep['id']}", json={**rep, "enabled": False}, headers=h)
    ).status_code == 204
    page = await realm.http.get(mail.received[-1].link())
    assert "Login requester not enabled" in page.text, page.text[:800]
    assert "kc-proceed" not in page.text
    assert await member(realm.http, org, user) is None


@pytest.mark.parametrize("field", ["baseUrl", "rootUrl"])
@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", "JaVaScRiPt:alert(1)", "data:text/html,x"])
async def test_a_clients_home_cannot_be_made_a_script(realm: Env, field: str, url: str) -> None:
    h = await realm.admin_headers()
    rep = (await realm.http.get("/admin/realms/test/clients", params={"clientId": "shop"}, headers=h)).json()[0]
    changed = await realm.http.put(f"/admin/realms/test/clients/{rep['id']}", json={**rep, field: url}, headers=h)
    assert changed.status_code == 400, changed.text
    assert (await realm.http.get(f"/admin/realms/test/clients/{rep['id']}", headers=h)).json().get(field) == rep.get(
        field
    )


async def test_a_client_id_changed_in_the_link_does_not_move_the_invitee(realm: Env, mail: Sink) -> None:
    org, user = await create_org(realm), await _bart(realm)
    assert (await _invite(realm, org, "shop", user)).status_code == 204
    link = urlsplit(mail.received[-1].link())
    query = {k: v[0] for k, v in parse_qs(link.query).items()} | {"client_id": "evil"}
    page = await realm.http.get(link._replace(query=urlencode(query)).geturl())
    assert page.status_code == 200, page.text[:800]
    assert "kc-proceed" in page.text, page.text[:800]  # the token names its client; the URL's is only the page's
    assert "evil.example" not in page.text
    joined = await realm.http.get(proceed(page.text))
    assert joined.status_code == 302, joined.text[:800]
    assert joined.headers["location"] == HOME

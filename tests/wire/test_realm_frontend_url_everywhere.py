"""A realm's ``frontendUrl`` attribute on every surface that builds a URL for that realm.

Keycloak's HostnameV2Provider puts the session context's realm's ``frontendUrl`` before ``--hostname`` for every
FRONTEND URL (and for ADMIN and BACKEND ones where they fall back to it). The context realm is set wherever a
resource resolves the path's realm: RealmsResource for ``/realms/{realm}/…`` (login pages, login actions, e-mail
links, the device page, logout, the account console and REST API, client registration),
RealmsAdminResource.getRealmAdmin for ``/admin/realms/{realm}/…`` (the client installation's ``auth-server-url``,
execute-actions-email and send-verify-email links, ``Location`` headers), AdminRoot for the admin console at
``/admin/{realm}/console``; before that, AdminRoot makes the admin token's realm the context realm while it checks
the token (so the token's ``iss`` is compared with the token realm's own URL), and it stays so on ``/admin/realms``. Each test below asserts the frontend URL on one surface, and that a realm without the
attribute keeps the request's URL there.

The frontend URL used has no path and plain HTTP, so that the test client can follow a link by its path alone and
the cookies stay those of the request's host.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

import ports
from browser_flow import form_action, form_fields, start
from console_support import ORIGIN, csrf, sign_in
from mail_sink import Sink
from receiver import receiver
from support import claims, password_grant, seed_client, seed_realm, seed_user, token_url, update_client, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

FRONT = "http://front.example:8180"
LOCAL = "http://localhost"  # the test client's own base URL: what a realm without the attribute keeps
HTML = {"Accept": "text/html,application/xhtml+xml"}


async def _realms(env: Env, mail: Sink | None = None) -> dict[str, str]:
    """Realms ``test`` (``frontendUrl`` = FRONT) and ``other`` (none), each with the browser client ``app`` and
    ``user1``, reset-password and registration on, mail going to ``mail``; their admin headers."""
    for name in ("test", "other"):
        await seed_realm(env.db, env.clock, name)
        smtp = mail.settings() if mail is not None else {}
        await update_realm(env.db, name, reset_password_allowed=True, registration_allowed=True, smtp_server=smtp)
        await seed_client(env.db, name, "app", redirect_uris=("http://127.0.0.1:9999/*",))
        await seed_user(env.db, env.clock, name, "user1")
    admin = await env.admin_headers()
    put = await env.http.put("/admin/realms/test", json={"attributes": {"frontendUrl": FRONT}}, headers=admin)
    assert put.status_code == 204, put.text
    return admin


def _base(realm: str) -> str:
    return FRONT if realm == "test" else LOCAL


def _path(url: str) -> str:
    """An absolute link as the test client follows it: its path and query on the client's own host."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def _user_id(env: Env, admin: dict[str, str], realm: str) -> str:
    found = (await env.http.get(f"/admin/realms/{realm}/users", params={"username": "user1"}, headers=admin)).json()
    return str(found[0]["id"])


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_discovery_document_and_token_iss_follow_the_frontend_url(env: Env, realm: str) -> None:
    await _realms(env)
    doc = (await env.http.get(f"/realms/{realm}/.well-known/openid-configuration")).json()
    assert doc["issuer"] == f"{_base(realm)}/realms/{realm}"
    assert doc["authorization_endpoint"] == f"{_base(realm)}/realms/{realm}/protocol/openid-connect/auth"
    assert doc["end_session_endpoint"] == f"{_base(realm)}/realms/{realm}/protocol/openid-connect/logout"
    grant = {"grant_type": "password", "username": "user1", "password": "password"}
    tokens = await env.http.post(token_url(realm), data=grant, auth=("app", "secret"))
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["access_token"])["iss"] == doc["issuer"]


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_login_page_form_action_and_links_follow_the_frontend_url(env: Env, realm: str) -> None:
    await _realms(env)
    page = await start(env.http, realm, "app")
    assert page.status_code == 200, page.text[:300]
    assert form_action(page.text).startswith(f"{_base(realm)}/realms/{realm}/login-actions/authenticate?")
    links = set(re.findall(r'href="([^"]*/login-actions/[^"?]*)', page.text))
    assert links == {
        f"{_base(realm)}/realms/{realm}/login-actions/reset-credentials",
        f"{_base(realm)}/realms/{realm}/login-actions/registration",
    }, links


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_reset_credentials_email_link_follows_the_frontend_url(env: Env, mail: Sink, realm: str) -> None:
    await _realms(env, mail)
    page = await start(env.http, realm, "app")
    reset = re.search(r'href="([^"]*/login-actions/reset-credentials[^"]*)"', page.text)
    assert reset, page.text[:500]
    form = await env.http.get(_path(reset.group(1).replace("&amp;", "&")))
    assert form.status_code == 200, form.text[:300]
    assert form_action(form.text).startswith(f"{_base(realm)}/realms/{realm}/login-actions/reset-credentials?")
    sent = await env.http.post(_path(form_action(form.text)), data={**form_fields(form.text), "username": "user1"})
    assert sent.status_code == 200, sent.text[:300]
    [message] = mail.received
    assert message.link().startswith(f"{_base(realm)}/realms/{realm}/login-actions/action-token?key="), message.link()


@pytest.mark.parametrize("realm", ["test", "other"])
@pytest.mark.parametrize("what", ["execute-actions-email", "send-verify-email"])
async def test_admin_sent_email_links_follow_the_frontend_url(env: Env, mail: Sink, realm: str, what: str) -> None:
    """UserEmailTest.testEmailLinkBasedOnRealmFrontEndUrl, and the same for send-verify-email."""
    admin = await _realms(env, mail)
    user_id = await _user_id(env, admin, realm)
    body = ["UPDATE_PASSWORD"] if what == "execute-actions-email" else None
    sent = await env.http.put(f"/admin/realms/{realm}/users/{user_id}/{what}", json=body, headers=admin)
    assert sent.status_code == 204, sent.text
    [message] = mail.received
    assert message.link().startswith(f"{_base(realm)}/realms/{realm}/login-actions/action-token?key="), message.link()
    followed = await env.http.get(_path(message.link()))
    assert followed.status_code == 200, followed.text[:300]


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_account_console_signs_in_at_the_frontend_url(env: Env, realm: str) -> None:
    await _realms(env)
    signin = await env.http.get(f"/realms/{realm}/account/", headers=HTML)
    assert signin.status_code == 302, signin.text[:300]
    location = signin.headers["location"]
    assert location.startswith(f"{_base(realm)}/realms/{realm}/protocol/openid-connect/auth?"), location
    query = parse_qs(urlsplit(location).query)
    assert query["redirect_uri"] == [f"{_base(realm)}/realms/{realm}/account/callback"]


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_account_rest_api_accepts_the_tokens_the_realm_issues(env: Env, realm: str) -> None:
    """The Account REST API checks a token's ``iss`` against the realm's own URL, the frontend URL included."""
    await _realms(env)
    grant = {"grant_type": "password", "username": "user1", "password": "password", "scope": "openid"}
    tokens = await env.http.post(token_url(realm), data=grant, auth=("app", "secret"))
    assert claims(tokens.json()["access_token"])["iss"] == f"{_base(realm)}/realms/{realm}"
    bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}", "Accept": "application/json"}
    account = await env.http.get(f"/realms/{realm}/account", headers=bearer)
    assert account.status_code == 200, account.text
    assert account.json()["username"] == "user1"


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_client_installation_auth_server_url_follows_the_frontend_url(env: Env, realm: str) -> None:
    admin = await _realms(env)
    found = await env.http.get(f"/admin/realms/{realm}/clients", params={"clientId": "app"}, headers=admin)
    uuid = found.json()[0]["id"]
    url = f"/admin/realms/{realm}/clients/{uuid}/installation/providers/keycloak-oidc-keycloak-json"
    installation = await env.http.get(url, headers=admin)
    assert installation.status_code == 200, installation.text
    assert json.loads(installation.text)["auth-server-url"] == f"{_base(realm)}/"


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_admin_console_of_the_realm_signs_in_at_the_frontend_url(env: Env, realm: str) -> None:
    await _realms(env)
    signin = await env.http.get(f"/admin/{realm}/console/", headers=HTML)
    assert signin.status_code == 302, signin.text[:300]
    location = signin.headers["location"]
    assert location.startswith(f"{_base(realm)}/realms/{realm}/protocol/openid-connect/auth?"), location
    query = parse_qs(urlsplit(location).query)
    assert query["redirect_uri"] == [f"{_base(realm)}/admin/{realm}/console/callback"]


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_logout_confirmation_posts_to_the_frontend_url(env: Env, realm: str) -> None:
    await _realms(env)
    page = await env.http.get(token_url(realm, "logout"))
    assert page.status_code == 200, page.text[:300]
    assert form_action(page.text).startswith(f"{_base(realm)}/realms/{realm}/protocol/openid-connect/logout"), page.text


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_device_verification_uris_follow_the_frontend_url(env: Env, realm: str) -> None:
    admin = await _realms(env)
    device = {
        "clientId": "tv",
        "publicClient": True,
        "attributes": {"oauth2.device.authorization.grant.enabled": "true"},
    }
    created = await env.http.post(f"/admin/realms/{realm}/clients", json=device, headers=admin)
    assert created.status_code == 201, created.text
    answer = await env.http.post(token_url(realm, "auth/device"), data={"client_id": "tv"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["verification_uri"] == f"{_base(realm)}/realms/{realm}/device"
    assert answer.json()["verification_uri_complete"].startswith(f"{_base(realm)}/realms/{realm}/device?user_code=")


async def test_admin_tokens_are_checked_against_their_own_realms_frontend_url(env: Env) -> None:
    """AdminRoot makes the token's realm the context realm for the bearer check: a master token whose ``iss`` is
    master's frontend URL administers ``test`` (which has another) and ``other`` (which has none)."""
    await _realms(env)
    admin = await env.admin_headers()
    master_front = "http://master-front.example"
    put = await env.http.put("/admin/realms/master", json={"attributes": {"frontendUrl": master_front}}, headers=admin)
    assert put.status_code == 204, put.text
    env.forget_admin_token()  # the one kept was issued at the server's URL
    fresh = await env.admin_token()
    assert claims(fresh)["iss"] == f"{master_front}/realms/master"
    bearer = {"Authorization": f"Bearer {fresh}"}
    for path in ("/admin/realms/test", "/admin/realms/other", "/admin/realms/master", "/admin/realms"):
        response = await env.http.get(path, headers=bearer)
        assert response.status_code == 200, (path, response.text)
    stale = await env.http.get("/admin/realms/test", headers=admin)  # issued by the server's URL before the change
    assert stale.status_code == 401, stale.text


async def test_admin_api_locations_follow_the_context_realm(env: Env) -> None:
    """A created resource's ``Location`` is built on the context realm's URL: the path's realm under
    ``/admin/realms/{realm}`` (getRealmAdmin), the admin token's realm on ``/admin/realms`` itself (AdminRoot)."""
    await _realms(env)
    admin = await env.admin_headers()
    master_front = "http://master-front.example"
    put = await env.http.put("/admin/realms/master", json={"attributes": {"frontendUrl": master_front}}, headers=admin)
    assert put.status_code == 204, put.text
    env.forget_admin_token()  # the one kept was issued at the server's URL
    bearer = {"Authorization": f"Bearer {await env.admin_token()}"}
    for realm, base in (("test", FRONT), ("other", LOCAL)):
        user = await env.http.post(f"/admin/realms/{realm}/users", json={"username": "user2"}, headers=bearer)
        assert user.status_code == 201, user.text
        assert user.headers["location"].startswith(f"{base}/admin/realms/{realm}/users/"), user.headers["location"]
    third = await env.http.post("/admin/realms", json={"realm": "third", "enabled": True}, headers=bearer)
    assert third.status_code == 201, third.text
    assert third.headers["location"] == f"{master_front}/admin/realms/third"


@pytest.mark.parametrize("realm", ["test", "other"])
async def test_client_registration_urls_follow_the_frontend_url(env: Env, realm: str) -> None:
    admin = await _realms(env)
    initial = await env.http.post(f"/admin/realms/{realm}/clients-initial-access", json={"count": 1}, headers=admin)
    assert initial.status_code == 201, initial.text
    bearer = {"Authorization": f"Bearer {initial.json()['token']}"}
    rep = {"redirect_uris": ["http://127.0.0.1:9999/cb"]}
    registered = await env.http.post(f"/realms/{realm}/clients-registrations/openid-connect", json=rep, headers=bearer)
    assert registered.status_code == 201, registered.text
    prefix = f"{_base(realm)}/realms/{realm}/clients-registrations/openid-connect/"
    assert registered.headers["location"].startswith(prefix), registered.headers["location"]
    assert registered.json()["registration_client_uri"].startswith(prefix)


async def test_logout_tokens_name_the_ended_sessions_realm_url_when_the_console_ends_them(env: Env) -> None:
    """The master admin's console signs out sessions of ``test`` and ``other``: each logout token's ``iss`` is
    that realm's own issuer, noted on the client session at login (TokenManager.initLogoutToken), not the URL of
    the console's realm."""
    await _realms(env)
    with receiver(port=ports.free_port()) as rx:
        sids = {}
        for realm in ("test", "other"):
            await update_client(env.db, realm, "app", attributes={"backchannel.logout.url": f"{rx.url}/{realm}"})
            tokens = await password_grant(env.http, realm, "app")
            sids[realm] = claims(tokens.json()["access_token"])["sid"]
        async with client_at(env, "127.0.0.3") as http:
            await sign_in(http, "/admin/master/console/", "admin", "admin")
            for realm, sid in sids.items():
                here = f"/admin/master/console/{realm}/sessions"
                form = {"csrf_token": csrf(await http.get(here, headers=HTML)), "offline": "false", "confirmed": "yes"}
                ended = await http.post(f"{here}/{sid}/sign-out", data=form, headers=ORIGIN)
                assert ended.status_code == 303, ended.text[:300]
        await env.drain()
        received = {r.path: parse_qs(r.body)["logout_token"][0] for r in await rx.wait_for(2)}
    assert {path: claims(token)["iss"] for path, token in received.items()} == {
        "/test": f"{FRONT}/realms/test",
        "/other": f"{LOCAL}/realms/other",
    }


async def test_console_push_resolves_admin_urls_on_the_pushed_realms_url(env: Env) -> None:
    """The console's not-before push for realm ``pushed`` fills ``${authBaseUrl}`` in a client's admin URL with
    that realm's frontend URL (here the receiver), as POST /admin/realms/pushed/push-revocation does."""
    await _realms(env)
    with receiver(port=ports.free_port()) as rx:
        await seed_realm(env.db, env.clock, "pushed", attributes={"frontendUrl": rx.url})
        await seed_client(env.db, "pushed", "app", admin_url="${authBaseUrl}/app")
        async with client_at(env, "127.0.0.3") as http:
            await sign_in(http, "/admin/master/console/", "admin", "admin")
            here = "/admin/master/console/pushed/revocation"
            form = {"csrf_token": csrf(await http.get(here, headers=HTML)), "confirmed": "yes"}
            pushed = await http.post(f"{here}/push", data=form, headers=ORIGIN)
            assert pushed.status_code == 303, pushed.text[:300]
            page = await http.get(pushed.headers["location"], headers=HTML)
            assert "Pushed to 1 admin URL(s)." in page.text, page.text[:1000]
        [request] = await rx.wait_for(1)
    assert request.path == "/app/k_push_not_before"

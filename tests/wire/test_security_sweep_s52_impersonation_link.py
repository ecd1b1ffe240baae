"""Security sweep s52: the impersonation link (web/impersonation_link.py, Keycloak's ImpersonateActionTokenHandler)
attacked as the security review attacks older code: the link's key confused with other tokens (an SSO cookie, a
bearer, a refresh token), replayed in parallel, pointed elsewhere by extra parameters, re-signed naming another
user's session, and the call itself by callers holding less than the ``impersonation`` role of the realm."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import start
from doorkeep.email import action_tokens
from support import claims, grant_client_roles, password_grant, seed_client, seed_user, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
ACCOUNT = "http://localhost/realms/test/account"
PATH = "/realms/test/login-actions/action-token"


async def _link(env: Env, user_id: str, headers: dict[str, str] | None = None) -> str:
    response = await env.http.post(
        f"{REALM}/users/{user_id}/impersonation", headers=headers or await env.admin_headers()
    )
    assert response.status_code == 200, response.text
    return str(response.json()["redirect"])


def _key(link: str) -> str:
    return parse_qs(urlsplit(link).query)["key"][0]


def _identity_set(response: httpx.Response) -> bool:
    return any(
        c.startswith("KEYCLOAK_IDENTITY=") and not c.startswith("KEYCLOAK_IDENTITY=;")
        for c in response.headers.get_list("set-cookie")
    )


async def _sessions(env: Env, user_id: str) -> list[dict[str, Any]]:
    response = await env.http.get(f"{REALM}/users/{user_id}/sessions", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def test_the_links_key_is_no_sso_cookie(realm: Env) -> None:
    """The key is signed with the realm's HMAC key as the identity cookie is; set as KEYCLOAK_IDENTITY it signs
    nobody in (prompt=none answers login_required), so a leaked link cannot be replayed as a cookie."""
    await seed_client(realm.db, "test", "web", redirect_uris=("http://127.0.0.1:9999/*",))
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    key = _key(await _link(realm, user.id))
    realm.http.cookies.clear()
    realm.http.cookies.set("KEYCLOAK_IDENTITY", key, domain="localhost.local", path="/realms/test/")
    answer = await start(realm.http, "test", "web", prompt="none")
    assert answer.status_code == 302, answer.text
    assert "error=login_required" in answer.headers["location"]
    realm.http.cookies.clear()
    opened = await realm.http.get(PATH, params={"key": key})  # the control: the real cookie does sign in
    identity = [c for c in opened.headers.get_list("set-cookie") if c.startswith("KEYCLOAK_IDENTITY=ey")][-1]
    realm.http.cookies.clear()
    realm.http.cookies.set("KEYCLOAK_IDENTITY", identity.split("=", 1)[1].split(";")[0], domain="localhost.local",
                           path="/realms/test/")  # fmt: skip
    answer = await start(realm.http, "test", "web", prompt="none")
    assert "code=" in answer.headers["location"], answer.headers["location"]


async def test_the_links_key_is_no_bearer_and_no_refresh_token(realm: Env) -> None:
    """Token confusion: the key is refused as a bearer on userinfo, the account API and the admin API, and as a
    refresh token at the token endpoint."""
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    key = _key(await _link(realm, user.id))
    bearer = {"Authorization": f"Bearer {key}"}
    userinfo = await realm.http.get("/realms/test/protocol/openid-connect/userinfo", headers=bearer)
    assert userinfo.status_code == 401, userinfo.text
    account = await realm.http.get("/realms/test/account", headers=bearer | {"Accept": "application/json"})
    assert account.status_code == 401, account.text
    admin = await realm.http.get(f"{REALM}/users", headers=bearer)
    assert admin.status_code == 401, admin.text
    refreshed = await realm.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": key, "client_id": "app", "client_secret": "secret"},
    )
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant", refreshed.text
    realm.http.cookies.clear()
    assert (await realm.http.get(f"{PATH}?key={key}")).status_code == 302  # none of these spent the link


async def test_parallel_openings_of_one_link_set_the_cookies_once(realm: Env) -> None:
    """canUseTokenRepeatedly false under a race: of four browsers opening the link at once (two app instances),
    exactly one gets the session's cookies."""
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    key = _key(await _link(realm, user.id))
    browsers = [client_at(realm, f"10.0.0.{n}") for n in range(1, 5)]
    try:
        answers = await asyncio.gather(*(b.get(PATH, params={"key": key}) for b in browsers))
    finally:
        for browser in browsers:
            await browser.aclose()
    assert sorted(a.status_code for a in answers) == [302, 400, 400, 400], [a.status_code for a in answers]
    assert sum(_identity_set(a) for a in answers) == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"redirect_uri": "https://evil.example/"},
        {"client_id": "app", "redirect_uri": "https://evil.example/"},
        {"reduri": "https://evil.example/"},
        {"kc_action": "x", "execution": "https://evil.example/"},
    ],
)
async def test_extra_parameters_do_not_move_the_links_redirect(realm: Env, extra: dict[str, str]) -> None:
    """No open redirect through the link: only the signed ``reduri`` decides where the browser goes."""
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    key = _key(await _link(realm, user.id))
    realm.http.cookies.clear()
    opened = await realm.http.get(PATH, params={"key": key, **extra})
    assert opened.status_code == 302 and opened.headers["location"] == ACCOUNT, opened.text


async def _resign(env: Env, key: str, **changes: Any) -> str:
    """The link's token with ``changes``, signed again with the realm's key: what a link the server minted for
    another purpose looks like (the signature is not the defence tested here)."""
    codec = env.apps[0].state.doorkeep.services.codec
    body = claims(key) | changes
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        return str(await codec.sign_internal(tx, found.id, body, env.clock.now()))


async def test_a_link_naming_another_users_session_is_refused(realm: Env) -> None:
    """The session the link hands over must be its own user's: a token whose ``sid`` is another user's online
    session (here the administrator's own login in realm test) sets no cookie and leaves that session alone."""
    await seed_client(realm.db, "test", "web", redirect_uris=("http://127.0.0.1:9999/*",))
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    other = await seed_user(realm.db, realm.clock, "test", "other")
    tokens = (await password_grant(realm.http, "test", "app", "other", "password")).json()
    other_sid = claims(tokens["access_token"])["sid"]
    key = await _resign(realm, _key(await _link(realm, victim.id)), sid=other_sid, nonce="n2")
    realm.http.cookies.clear()
    opened = await realm.http.get(PATH, params={"key": key})
    assert opened.status_code == 400 and not _identity_set(opened), opened.text
    assert [s["id"] for s in await _sessions(realm, other.id)] == [other_sid]


async def test_a_link_of_another_type_naming_a_session_is_not_an_impersonation(realm: Env) -> None:
    """A token of another action (verify-email) carrying a ``sid`` goes to its own handler: no SSO cookie."""
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    key = _key(await _link(realm, victim.id))
    [session] = await _sessions(realm, victim.id)
    forged = await _resign(
        realm, key, typ=action_tokens.VERIFY_EMAIL, azp="app", eml=victim.email, sid=session["id"], nonce="n3"
    )
    realm.http.cookies.clear()
    opened = await realm.http.get(PATH, params={"key": forged})
    assert not _identity_set(opened), opened.headers.get_list("set-cookie")
    assert opened.status_code in (200, 400) and "location" not in opened.headers, opened.status_code


async def test_a_link_of_a_deleted_user_is_refused(realm: Env) -> None:
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _link(realm, victim.id)
    deleted = await realm.http.delete(f"{REALM}/users/{victim.id}", headers=await realm.admin_headers())
    assert deleted.status_code == 204, deleted.text
    realm.http.cookies.clear()
    opened = await realm.http.get(PATH, params={"key": _key(link)})
    assert opened.status_code == 404 and "User not found" in opened.text and not _identity_set(opened)


async def test_a_link_in_a_realm_disabled_meanwhile_is_refused(realm: Env) -> None:
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _link(realm, victim.id)
    await update_realm(realm.db, "test", enabled=False)
    realm.http.cookies.clear()
    opened = await realm.http.get(PATH, params={"key": _key(link)})
    assert opened.status_code in (400, 403, 404) and not _identity_set(opened), opened.status_code


async def _caller(env: Env, name: str, *roles: str) -> dict[str, str]:
    """A user of realm test holding these realm-management roles, and its bearer header."""
    user = await seed_user(env.db, env.clock, "test", name)
    if roles:
        await grant_client_roles(env.db, user, "realm-management", *roles)
    token = (await password_grant(env.http, "test", "app", name, "password")).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("roles", [(), ("manage-users",), ("view-users", "query-users"), ("manage-realm",)])
async def test_a_caller_without_the_impersonation_role_gets_no_link(realm: Env, roles: tuple[str, ...]) -> None:
    """UserPermissions.requireImpersonate: manage-users (or any role but impersonation) is not enough; no session
    is made and no cookie set."""
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    headers = await _caller(realm, "helpdesk", *roles)
    answer = await realm.http.post(f"{REALM}/users/{victim.id}/impersonation", headers=headers)
    assert answer.status_code == 403, answer.text
    assert not _identity_set(answer)
    assert await _sessions(realm, victim.id) == []


async def test_the_impersonation_role_alone_suffices_as_in_keycloak(realm: Env) -> None:
    """Keycloak asks only for the impersonation role (no fine-grained permissions in Doorkeep): the link works, and
    the session made is the victim's, named with its impersonator."""
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    headers = await _caller(realm, "support", "impersonation")
    link = await _link(realm, victim.id, headers)
    assert claims(_key(link))["impersonator"] == "support"
    realm.http.cookies.clear()
    assert (await realm.http.get(PATH, params={"key": _key(link)})).status_code == 302


async def test_a_realm_admin_cannot_impersonate_a_master_user(realm: Env) -> None:
    """Realm isolation: realm-admin of realm test gets 403 on master's users, the bootstrap admin included (it would
    be every realm's administrator), and no master session is made."""
    headers = await _caller(realm, "tadmin", "realm-admin")
    master_admin = {"Authorization": f"Bearer {await realm.admin_token()}"}
    found = await realm.http.get("/admin/realms/master/users?username=admin&exact=true", headers=master_admin)
    [admin] = found.json()
    sessions = f"/admin/realms/master/users/{admin['id']}/sessions"
    before = {s["id"] for s in (await realm.http.get(sessions, headers=master_admin)).json()}
    answer = await realm.http.post(f"/admin/realms/master/users/{admin['id']}/impersonation", headers=headers)
    assert answer.status_code == 403, answer.text
    assert not _identity_set(answer)
    after = {s["id"] for s in (await realm.http.get(sessions, headers=master_admin)).json()}
    assert after == before


async def test_a_link_of_realm_test_opened_on_master_does_not_sign_in_there(realm: Env) -> None:
    """A token signed by realm test's key, its ``iss`` rewritten to master's and re-signed by test: master refuses it
    (another key), so no master cookie is ever set from another realm's link."""
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    key = _key(await _link(realm, victim.id))
    forged = await _resign(realm, key, iss="http://localhost/realms/master", aud="http://localhost/realms/master")
    realm.http.cookies.clear()
    opened = await realm.http.get("/realms/master/login-actions/action-token", params={"key": forged})
    assert opened.status_code == 400 and not _identity_set(opened)


async def test_the_admin_answer_holds_no_secret_but_the_link(realm: Env) -> None:
    """The call answers only ``sameRealm`` and ``redirect``: no session id, no token."""
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    response = await realm.http.post(f"{REALM}/users/{victim.id}/impersonation", headers=await realm.admin_headers())
    assert set(response.json()) == {"sameRealm", "redirect"}


async def test_the_link_over_plain_http_where_the_realm_requires_https_sets_no_cookie(realm: Env) -> None:
    """sslRequired ``all`` (LoginActionsService.checkSsl): a link opened over plain HTTP from a public address is
    the 'HTTPS required' page, and no SSO cookie travels in clear; the link is not spent."""
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    key = _key(await _link(realm, victim.id))
    await update_realm(realm.db, "test", ssl_required="all")
    browser = client_at(realm, "203.0.113.5")
    try:
        opened = await browser.get(PATH, params={"key": key})
    finally:
        await browser.aclose()
    assert opened.status_code == 400 and "HTTPS required" in opened.text
    assert opened.headers.get_list("set-cookie") == []
    await update_realm(realm.db, "test", ssl_required="external")
    realm.http.cookies.clear()
    assert (await realm.http.get(PATH, params={"key": key})).status_code == 302


async def test_a_fixed_auth_session_cookie_does_not_name_the_impersonated_session(realm: Env) -> None:
    """Session fixation: a browser carrying an AUTH_SESSION_ID an attacker chose (any root id, or the id of the
    attacker's own login) opens the link; the SSO cookie names the session the impersonation made, never the fixed
    id, and no session of that id exists afterwards."""
    victim = await seed_user(realm.db, realm.clock, "test", "victim")
    key = _key(await _link(realm, victim.id))
    [made] = await _sessions(realm, victim.id)
    realm.http.cookies.clear()
    fixed = "attacker-fixed-root-id"
    realm.http.cookies.set("AUTH_SESSION_ID", fixed, domain="localhost.local", path="/realms/test/")
    opened = await realm.http.get(PATH, params={"key": key})
    assert opened.status_code == 302, opened.text
    identity = [c for c in opened.headers.get_list("set-cookie") if c.startswith("KEYCLOAK_IDENTITY=ey")][-1]
    assert claims(identity.split("=", 1)[1].split(";")[0])["sid"] == made["id"] != fixed
    assert [s["id"] for s in await _sessions(realm, victim.id)] == [made["id"]]

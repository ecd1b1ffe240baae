"""The Account Console's pages over HTTP: applications with offline access and Remove access, devices and
sessions with sign-out, personal info with Keycloak's validation in words."""

from __future__ import annotations

import re

import pytest

from console_support import HTML, act, sign_in
from support import assert_error, password_grant, refresh, seed_user, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"
DEVICES = f"{ACCOUNT}/account-security/device-activity"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"


async def offline_token(env: Env) -> str:
    form = {
        "grant_type": "password",
        "client_id": "app",
        "client_secret": "secret",
        "username": "user1",
        "password": "password",
        "scope": "openid offline_access",
    }
    response = await env.http.post(token_url("test"), data=form, headers={"User-Agent": CHROME})
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def test_applications_show_the_offline_grant_with_device_ip_dates_and_scopes(realm: Env) -> None:
    await offline_token(realm)
    page = await sign_in(realm.http, f"{ACCOUNT}/applications")
    assert page.status_code == 200
    card = page.text[page.text.index("<dd>app</dd>") - 400 :]
    assert "Offline access</span>" in card
    assert "<dt>IP address</dt><dd>127.0.0.1</dd>" in card
    assert re.search(r"<dt>Device</dt><dd>Chrome/[0-9.]+ on Linux", card), card[:1500]
    assert re.search(r"<dt>Scopes</dt><dd>[^<]*offline_access", card)
    assert re.search(r"<dt>Granted</dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d UTC</dd>", card)
    assert 'aria-label="Remove access of app"' in card


async def test_removing_access_asks_first_then_kills_the_offline_token_at_once(realm: Env) -> None:
    token = await offline_token(realm)
    await sign_in(realm.http, f"{ACCOUNT}/applications")
    confirm = await realm.http.get(f"{ACCOUNT}/applications/app/remove", headers=HTML)
    assert confirm.status_code == 200 and "Remove the access of app?" in confirm.text
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200  # nothing happened yet
    done = await act(realm.http, confirm, f"{ACCOUNT}/applications/app/remove")
    assert done.status_code == 303 and done.headers["location"] == f"{ACCOUNT}/applications"
    shown = await realm.http.get(done.headers["location"], headers=HTML)
    assert "Access of app removed." in shown.text
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant")


async def test_removing_access_of_an_unknown_client_says_so(realm: Env) -> None:
    page = await sign_in(realm.http, f"{ACCOUNT}/applications")
    done = await act(realm.http, page, f"{ACCOUNT}/applications/nope/remove")
    shown = await realm.http.get(done.headers["location"], headers=HTML)
    assert "No client with clientId: nope found." in shown.text


async def test_devices_list_online_and_offline_sessions_and_sign_one_out(realm: Env) -> None:
    other = (await password_grant(realm.http, "test", "app")).json()["refresh_token"]
    await offline_token(realm)
    page = await sign_in(realm.http, DEVICES)
    assert "This session</span>" in page.text
    assert page.text.count("/online/") == 1  # the other session can be signed out; this one cannot
    assert page.text.count("/offline/") == 1
    link = re.search(r'href="(/realms/test/account/account-security/device-activity/online/[^"]+/sign-out)"', page.text)
    assert link
    confirm = await realm.http.get(link.group(1), headers=HTML)
    assert "Sign out this session?" in confirm.text
    done = await act(realm.http, confirm, link.group(1))
    assert "Signed out." in (await realm.http.get(done.headers["location"], headers=HTML)).text
    assert_error(await refresh(realm.http, "test", "app", other), 400, "invalid_grant")


async def test_revoking_an_offline_session_on_the_devices_page_kills_its_token(realm: Env) -> None:
    token = await offline_token(realm)
    page = await sign_in(realm.http, DEVICES)
    link = re.search(
        r'href="(/realms/test/account/account-security/device-activity/offline/[^"]+/sign-out)"', page.text
    )
    assert link
    done = await act(realm.http, page, link.group(1))
    assert "Offline session revoked." in (await realm.http.get(done.headers["location"], headers=HTML)).text
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant")


async def test_sign_out_everywhere_else_keeps_only_this_session(realm: Env) -> None:
    """Offline access ends too, as in Keycloak 26.5's account console (PR #45112)."""
    other = (await password_grant(realm.http, "test", "app")).json()["refresh_token"]
    offline = await offline_token(realm)
    page = await sign_in(realm.http, DEVICES)
    confirm = await realm.http.get(f"{DEVICES}/sign-out-others", headers=HTML)
    assert "offline access of applications included" in confirm.text
    done = await act(realm.http, page, f"{DEVICES}/sign-out-others")
    shown = await realm.http.get(done.headers["location"], headers=HTML)
    assert shown.status_code == 200 and "Signed out of every other session." in shown.text
    assert_error(await refresh(realm.http, "test", "app", other), 400, "invalid_grant")
    assert_error(await refresh(realm.http, "test", "app", offline), 400, "invalid_grant")


async def test_an_invalid_email_is_refused_with_keycloaks_message_in_words(realm: Env) -> None:
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    response = await act(realm.http, page, f"{ACCOUNT}/", email="not-an-email", firstName="Ada", lastName="L")
    assert response.status_code == 400
    assert 'id="email-error">Invalid email address.</p>' in response.text
    assert 'aria-invalid="true"' in response.text and 'value="not-an-email"' in response.text


async def test_a_name_with_a_forbidden_character_is_refused_in_words(realm: Env) -> None:
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    response = await act(realm.http, page, f"{ACCOUNT}/", email="", firstName="<b>", lastName="L")
    assert response.status_code == 400
    assert "First name contains invalid character." in response.text
    assert "&lt;b&gt;" in response.text and "<b>" not in response.text.split("<main")[1]


async def test_an_email_taken_by_another_user_is_refused_in_words(realm: Env) -> None:
    await seed_user(realm.db, realm.clock, "test", "user2", email="taken@example.com")
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    response = await act(realm.http, page, f"{ACCOUNT}/", email="taken@example.com", firstName="A", lastName="B")
    assert response.status_code == 400 and "Email already exists." in response.text


async def test_a_user_without_manage_account_sees_a_read_only_profile_and_cannot_remove_access(realm: Env) -> None:
    await seed_user(realm.db, realm.clock, "test", "viewer", default_roles=False)
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        account = await tx.clients.get_by_client_id(test.id, "account")
        user = await tx.users.get_by_username(test.id, "viewer")
        assert account is not None and user is not None
        role = next(r for r in await tx.roles.list_client_roles(account.id) if r.name == "view-profile")
        await tx.users.grant_roles(user.id, [role.id])
    page = await sign_in(realm.http, f"{ACCOUNT}/", username="viewer")
    assert page.status_code == 200 and "readonly" in page.text and ">Save</button>" not in page.text
    refused = await act(realm.http, page, f"{ACCOUNT}/", email="x@example.com", firstName="A", lastName="B")
    assert refused.status_code == 400 and "lacks the role it needs" in refused.text

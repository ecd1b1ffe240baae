"""Users → a user's Details and Credentials tabs and the Impersonate action of the Admin Console, over HTTP
against the real app (both engines): the writes are the REST API's (``PUT users/{id}``, ``PUT
reset-password``, ``DELETE credentials/{id}``, ``POST impersonation``), with its checks, error texts,
permissions and admin events."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from support import assert_error, password_grant, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
USERS = "/admin/test/console/test/users"
REALM = "/admin/realms/test"
FORM = {**ORIGIN, "Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def user1(env: Env) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        found = await tx.users.get_by_username(realm.id, "user1")
        assert found is not None
        return found.id


async def rest(env: Env, path: str) -> Any:
    response = await env.http.get(REALM + path, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def post(http: httpx.AsyncClient, path: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    page = await http.get(f"{USERS}", headers=HTML)
    return await http.post(path, content=urlencode([("csrf_token", csrf(page)), *pairs]), headers=FORM)


async def test_the_user_page_opens_on_details_and_saving_it_is_the_rest_put(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    uid = await user1(realm)
    opened = await admin.get(f"{USERS}/{uid}", headers=HTML)
    assert opened.status_code == 303 and opened.headers["location"].endswith(f"/users/{uid}/details")
    page = await admin.get(opened.headers["location"], headers=HTML)
    assert page.status_code == 200 and 'name="firstName"' in page.text and "Terms and Conditions" in page.text
    fields = [
        ("enabled", "on"),
        ("firstName", "Ada"),
        ("lastName", "Lovelace"),
        ("email", "ada@example.com"),
        ("requiredActions", "CONFIGURE_TOTP"),
        ("requiredActions", "VERIFY_EMAIL"),
    ]
    refused = await post(
        admin, f"{USERS}/{uid}/details", [(k, "<Lovelace>" if k == "lastName" else v) for k, v in fields]
    )
    assert refused.status_code == 400 and "lastName: error-person-name-invalid-character" in refused.text
    assert 'value="&lt;Lovelace&gt;"' in refused.text and "<Lovelace>" not in refused.text
    saved = await post(admin, f"{USERS}/{uid}/details", fields)
    assert saved.status_code == 303, saved.text[:500]
    rep = await rest(realm, f"/users/{uid}")
    assert (rep["firstName"], rep["lastName"], rep["email"], rep["emailVerified"], rep["enabled"]) == (
        "Ada",
        "Lovelace",
        "ada@example.com",
        False,
        True,
    )
    assert rep["requiredActions"] == ["CONFIGURE_TOTP", "VERIFY_EMAIL"]
    shown = await admin.get(f"{USERS}/{uid}/details", headers=HTML)
    assert 'value="Lovelace"' in shown.text and "The user has been saved." in shown.text


async def test_a_taken_email_is_refused_with_the_rest_apis_text_and_nothing_is_saved(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await seed_user(realm.db, realm.clock, "test", "user2", email="taken@example.com")
    uid = await user1(realm)
    before = await rest(realm, f"/users/{uid}")
    refused = await post(admin, f"{USERS}/{uid}/details", [("enabled", "on"), ("email", "taken@example.com")])
    assert refused.status_code == 400 and "User exists with same email" in refused.text
    bad = await post(admin, f"{USERS}/{uid}/details", [("enabled", "on"), ("email", "not-an-email")])
    assert bad.status_code == 400 and "email: error-invalid-email" in bad.text
    assert await rest(realm, f"/users/{uid}") == before


async def test_disabling_a_user_in_the_console_stops_their_sign_in(realm: Env, admin: httpx.AsyncClient) -> None:
    uid = await user1(realm)
    assert (await post(admin, f"{USERS}/{uid}/details", [("firstName", "x")])).status_code == 303
    assert_error(await password_grant(realm.http, "test", "app"), 400, "invalid_grant", "Account disabled")


async def test_credentials_are_listed_a_temporary_password_is_set_and_a_credential_deleted(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    uid = await user1(realm)
    tab = await admin.get(f"{USERS}/{uid}/credentials", headers=HTML)
    assert tab.status_code == 200 and ">password<" in tab.text and "Reset password" in tab.text
    mismatch = await post(
        admin,
        f"{USERS}/{uid}/credentials/reset-password",
        [("password", "N3w-pass"), ("passwordConfirmation", "other")],
    )
    assert mismatch.status_code == 400 and "Passwords do not match." in mismatch.text
    empty = await post(
        admin, f"{USERS}/{uid}/credentials/reset-password", [("password", " "), ("passwordConfirmation", " ")]
    )
    assert empty.status_code == 400 and "Empty password not allowed" in empty.text
    done = await post(
        admin,
        f"{USERS}/{uid}/credentials/reset-password",
        [("password", "N3w-pass"), ("passwordConfirmation", "N3w-pass"), ("temporary", "on")],
    )
    assert done.status_code == 303
    assert (await rest(realm, f"/users/{uid}"))["requiredActions"] == ["UPDATE_PASSWORD"]
    assert_error(await password_grant(realm.http, "test", "app"), 400, "invalid_grant", "Invalid user credentials")
    [credential] = await rest(realm, f"/users/{uid}/credentials")
    path = f"{USERS}/{uid}/credentials/{credential['id']}/delete"
    confirm = await post(admin, path, [])
    assert confirm.status_code == 200 and "Delete this credential of user1?" in confirm.text
    assert (await post(admin, path, [("confirmed", "yes")])).status_code == 303
    assert await rest(realm, f"/users/{uid}/credentials") == []
    missing = await post(admin, path, [("confirmed", "yes")])
    assert missing.status_code == 404 and "Credential not found" in missing.text


async def test_a_view_users_administrator_reads_details_and_credentials_and_cannot_write(realm: Env) -> None:
    """Keycloak 22 let view-users read a user's credentials (UserResource.credentials went from requireManage to
    requireView, keycloak/keycloak#19587): the tab lists them, without Delete or the Reset password form."""
    uid = await user1(realm)
    await make_admin(realm, "test", "watcher", "view-users")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(f"{USERS}/{uid}/details", headers=HTML)
        assert page.status_code == 200 and "<fieldset disabled>" in page.text and ">Impersonate<" not in page.text
        tab = await http.get(f"{USERS}/{uid}/credentials", headers=HTML)
        assert tab.status_code == 200 and ">password</td>" in tab.text, tab.text
        assert "Reset password" not in tab.text and "/delete" not in tab.text
        for path, fields in (
            (f"{USERS}/{uid}/details", [("firstName", "x")]),
            (f"{USERS}/{uid}/credentials/reset-password", [("password", "a"), ("passwordConfirmation", "a")]),
            (f"{USERS}/{uid}/impersonate", [("confirmed", "yes")]),
        ):
            refused = await post(http, path, fields)
            assert refused.status_code == 403, path
    assert (await rest(realm, f"/users/{uid}"))["enabled"] is True


async def test_impersonate_asks_first_then_opens_the_account_console_as_the_user(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    uid = await user1(realm)
    page = await admin.get(f"{USERS}/{uid}/details", headers=HTML)
    assert ">Impersonate</button>" in page.text
    confirm = await post(admin, f"{USERS}/{uid}/impersonate", [])
    assert confirm.status_code == 200 and "Are you sure you want to log in as this user?" in confirm.text
    done = await post(admin, f"{USERS}/{uid}/impersonate", [("confirmed", "yes")])
    link = "http://localhost/realms/test/login-actions/action-token?key="  # web/impersonation_link.py
    assert done.status_code == 303 and done.headers["location"].startswith(link)
    cookies = done.headers.get_list("set-cookie")
    assert any(c.startswith("KEYCLOAK_IDENTITY=") and "Path=/realms/test/" in c for c in cookies), cookies
    sessions = await rest(realm, f"/users/{uid}/sessions")
    assert len(sessions) == 1 and sessions[0]["ipAddress"] == "127.0.0.2"
    events = await rest(realm, "/admin-events")
    assert events == []  # admin events are off in this realm: nothing recorded, as the REST call


async def test_impersonating_a_service_account_is_refused_with_the_rest_apis_text(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    from support import seed_client

    await seed_client(realm.db, "test", "robot", service_accounts=True)
    [robot] = (
        await realm.http.get(
            f"{REALM}/users", params={"username": "service-account-robot"}, headers=await realm.admin_headers()
        )
    ).json()
    refused = await post(admin, f"{USERS}/{robot['id']}/impersonate", [("confirmed", "yes")])
    assert refused.status_code == 400 and "Service accounts cannot be impersonated" in refused.text
    assert re.search("KEYCLOAK_IDENTITY=[^;]+", ";".join(refused.headers.get_list("set-cookie"))) is None


async def test_each_user_write_records_the_admin_event_its_rest_call_records(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    headers = await realm.admin_headers()
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(f"{REALM}/events/config", json=config, headers=headers)).status_code == 204
    uid = await user1(realm)
    [credential] = await rest(realm, f"/users/{uid}/credentials")
    assert (await post(admin, f"{USERS}/{uid}/details", [("enabled", "on"), ("firstName", "Ada")])).status_code == 303
    reset = [("password", "N3w-pass"), ("passwordConfirmation", "N3w-pass")]
    assert (await post(admin, f"{USERS}/{uid}/credentials/reset-password", reset)).status_code == 303
    [credential] = await rest(realm, f"/users/{uid}/credentials")
    deleted = await post(admin, f"{USERS}/{uid}/credentials/{credential['id']}/delete", [("confirmed", "yes")])
    assert deleted.status_code == 303
    assert (await post(admin, f"{USERS}/{uid}/impersonate", [("confirmed", "yes")])).status_code == 303
    events = [e for e in await rest(realm, "/admin-events") if e["resourceType"] == "USER"]
    assert [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in events] == [
        ("ACTION", "USER", f"users/{uid}/credentials/{credential['id']}"),
        ("ACTION", "USER", f"users/{uid}/reset-password"),
        ("UPDATE", "USER", f"users/{uid}"),
    ]
    assert "representation" not in events[1]  # the password is never recorded
    assert json.loads(events[2]["representation"])["firstName"] == "Ada"

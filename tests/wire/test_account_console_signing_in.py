"""Account Console → Account security → Signing in: the credentials as ``GET /account/credentials`` reports
them, "Update" and "Set up" as a sign-in to the console with ``kc_action`` (Keycloak's SigningIn.tsx calls
``login({action})``) coming back with the outcome, "Delete" of an OTP device too (``delete_credential:{id}``)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import form_action, form_fields
from console_support import HTML, ORIGIN, act, sign_in
from doorkeep.model import Credential
from support import password_grant, update_realm
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account"
SIGNING_IN = f"{ACCOUNT}/account-security/signing-in"
DEVICE_SECRET = "abcdefghijABCDEFGHIJ"


async def user_id(env: Env) -> str:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        return user.id


async def otp_devices(env: Env) -> list[Credential]:
    uid = await user_id(env)
    async with env.db.transaction(write=False) as tx:
        return [c for c in await tx.users.credentials(uid) if c.type == "otp"]


async def add_device(env: Env, label: str) -> str:
    data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
    created = env.clock.now() * 1000
    cred = Credential("otp-1", await user_id(env), "otp", {"value": DEVICE_SECRET}, data, created, label)
    async with env.db.transaction() as tx:
        await tx.users.add_credential(cred)
    return cred.id


async def events(env: Env, type: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[type])


def query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code in (302, 303), (response.status_code, response.text[:300])
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


async def start_action(env: Env, page: httpx.Response, action: str) -> httpx.Response:
    """The console's "Update" / "Set up" button, then the authorization request it redirects to."""
    started = await act(env.http, page, f"{SIGNING_IN}/action", action=action)
    params = query(started)
    assert (params["client_id"], params["kc_action"]) == ("account-console", action)
    assert params["redirect_uri"].endswith(f"{ACCOUNT}/callback") and params["code_challenge_method"] == "S256"
    return await env.http.get(started.headers["location"])


async def back_to_console(env: Env, response: httpx.Response) -> tuple[dict[str, str], httpx.Response]:
    """The login's redirect to the console's callback, and the page the callback then shows."""
    params = query(response)
    callback = await env.http.get(response.headers["location"])
    assert callback.status_code == 302 and callback.headers["location"] == SIGNING_IN, callback.text[:300]
    return params, await env.http.get(SIGNING_IN, headers=HTML)


async def test_signing_in_lists_the_password_and_no_authenticator(realm: Env) -> None:
    page = await sign_in(realm.http, SIGNING_IN)
    assert page.status_code == 200 and 'aria-current="page">Signing in<' in page.text
    assert "<h2" in page.text and "Basic authentication</h2>" in page.text
    assert "Two-factor authentication</h2>" in page.text
    assert ">Password</h3>" in page.text and "Sign in by entering your password." in page.text
    assert re.search(
        r"<td data-label=\"Name\">My password</td>\s*<td data-label=\"Created\"><strong>Created</strong> "
        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\.</td>",
        page.text,
    )
    assert 'name="action" value="UPDATE_PASSWORD"' in page.text and 'id="password-update"' in page.text
    assert "Authenticator application is not set up." in page.text
    assert "Set up Authenticator application</button>" in page.text


async def test_delete_is_a_kc_action_sign_in_that_removes_the_device_once_confirmed(realm: Env) -> None:
    """SigningIn.tsx's Delete: ``login({action: "delete_credential:" + id})``, then delete-credential.ftl."""
    await update_realm(realm.db, "test", events_enabled=True)
    await sign_in(realm.http, SIGNING_IN)
    cred = await add_device(realm, "phone")
    page = await realm.http.get(SIGNING_IN, headers=HTML)
    row = page.text[page.text.index(f'id="cred-{cred}"') :]
    assert '<td data-label="Name">phone</td>' in row and 'aria-label="Delete phone"' in row
    assert f'name="action" value="delete_credential:{cred}"' in row
    forged = {"csrf_token": "x", "action": f"delete_credential:{cred}"}
    refused = await realm.http.post(f"{SIGNING_IN}/action", data=forged, headers=ORIGIN)
    assert refused.status_code == 403 and await otp_devices(realm) != []
    confirm = await start_action(realm, page, f"delete_credential:{cred}")
    assert confirm.status_code == 200 and '<h1 id="kc-page-title">Delete phone</h1>' in confirm.text
    done = await realm.http.post(form_action(confirm.text), data={**form_fields(confirm.text), "accept": "yes"})
    params, shown = await back_to_console(realm, done)
    assert (params["kc_action"], params["kc_action_status"]) == ("delete_credential", "success")
    assert "The credential has been removed." in shown.text and "Authenticator application is not set up." in shown.text
    assert await otp_devices(realm) == []
    [removed] = await events(realm, "REMOVE_TOTP")
    assert (removed.client_id, removed.details["credential_id"], removed.details["credential_user_label"]) == (
        "account-console",
        cred,
        "phone",
    )


async def test_delete_starts_only_for_a_credential_signing_in_offers_to_delete(realm: Env) -> None:
    page = await sign_in(realm.http, SIGNING_IN)
    async with realm.db.transaction(write=False) as tx:
        [password] = [c.id for c in await tx.users.credentials(await user_id(realm))]
    for action in (f"delete_credential:{password}", "delete_credential:nosuch", "delete_credential:"):
        refused = await act(realm.http, page, f"{SIGNING_IN}/action", action=action)
        assert refused.status_code == 303 and refused.headers["location"] == SIGNING_IN


async def test_set_up_authenticator_is_a_kc_action_sign_in_that_comes_back_with_the_device(realm: Env) -> None:
    page = await sign_in(realm.http, SIGNING_IN)
    setup = await start_action(realm, page, "CONFIGURE_TOTP")
    assert setup.status_code == 200 and 'name="cancel-aia"' in setup.text  # over the SSO session: no login form
    secret = re.search(r'name="totpSecret" value="([^"]+)"', setup.text)
    assert secret
    data = {**form_fields(setup.text), "totp": totp(secret.group(1).encode(), realm.clock.now()), "userLabel": "phone"}
    params, shown = await back_to_console(realm, await realm.http.post(form_action(setup.text), data=data))
    assert (params["kc_action"], params["kc_action_status"]) == ("CONFIGURE_TOTP", "success")
    assert "Your authenticator application has been set up." in shown.text
    assert '<td data-label="Name">phone</td>' in shown.text
    assert [c.user_label for c in await otp_devices(realm)] == ["phone"]


async def test_update_password_comes_back_with_the_new_password_or_nothing_when_cancelled(realm: Env) -> None:
    page = await sign_in(realm.http, SIGNING_IN)
    form = await start_action(realm, page, "UPDATE_PASSWORD")
    cancelled = await realm.http.post(form_action(form.text), data={**form_fields(form.text), "cancel-aia": "true"})
    params, shown = await back_to_console(realm, cancelled)
    assert params["kc_action_status"] == "cancelled" and 'class="flash' not in shown.text
    form = await start_action(realm, shown, "UPDATE_PASSWORD")
    new = {"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"}
    params, shown = await back_to_console(
        realm, await realm.http.post(form_action(form.text), data={**form_fields(form.text), **new})
    )
    assert params["kc_action_status"] == "success" and "Your password has been updated." in shown.text
    assert (await password_grant(realm.http, "test", "app", "user1", "N3w-pass!")).status_code == 200


async def test_only_the_credential_actions_can_be_started(realm: Env) -> None:
    page = await sign_in(realm.http, SIGNING_IN)
    refused = await act(realm.http, page, f"{SIGNING_IN}/action", action="delete_account")
    assert refused.status_code == 303 and refused.headers["location"] == SIGNING_IN
    assert "There is no such action." in (await realm.http.get(SIGNING_IN, headers=HTML)).text

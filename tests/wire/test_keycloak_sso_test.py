"""Keycloak's SSOTest (tests/base/src/test/java/org/keycloak/tests/forms/SSOTest.java, the newest copy) over HTTP:
a second login in the same browser joins the SSO session through KEYCLOAK_IDENTITY without a form, two browsers
hold two sessions, a required action added meanwhile runs on the SSO login, and a code cannot be spliced from
another session's. The set-up is in ``tests/sso_port.py``; the test user's password is ``password``.
"""

from __future__ import annotations

import pytest

import sso_port
from browser_flow import code_from, start, submit
from keycloak_port import admin_headers, poll, update_user
from login_test_realm import APP, is_login_page, login, open_login_form
from sso_port import browser, events_of, logout_form, token
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on the realm imported anew (sso_port.kc).
anyio_backend, shared_env, env, kc = sso_port.anyio_backend, sso_port.shared_env, sso_port.env, sso_port.kc
USER = "test-user@localhost"


async def test_login_success(kc: Env) -> None:
    """SSOTest.loginSuccess: the second authorization request answers with a code at once, in the same session
    (LOGIN event), with acr 0 and the first login's auth_time; after the session is deleted the form is back
    and the login makes a new session."""
    first = code_from(await login(kc, await open_login_form(kc), USER))
    (login1,) = await events_of(kc, "LOGIN")
    session1 = login1["sessionId"]
    id_token = claims((await token(kc.http, first["code"]))["id_token"])
    assert id_token["acr"] == "1"
    await poll(kc)  # CODE_TO_TOKEN

    again = await open_login_form(kc)
    assert again.status_code == 302
    (login2,) = await events_of(kc, "LOGIN")
    assert (login2["clientId"], login2["sessionId"]) == (APP, session1)
    id_token2 = claims((await token(kc.http, code_from(again)["code"]))["id_token"])
    assert id_token2["acr"] == "0"
    assert id_token2["auth_time"] == id_token["auth_time"]  # authenticated through the SSO cookie

    gone = await kc.http.delete(f"/admin/realms/test/sessions/{session1}", headers=await admin_headers(kc))
    assert gone.status_code == 204, gone.text
    await poll(kc)
    page = await open_login_form(kc)
    assert is_login_page(page)
    code_from(await login(kc, page, USER))
    (login3,) = await events_of(kc, "LOGIN")
    assert login3["sessionId"] != session1


async def test_multiple_sessions(kc: Env) -> None:
    """SSOTest.multipleSessions: the same user in two browsers has two sessions; logging out one leaves the
    other's SSO working, until it is logged out too."""
    code1 = code_from(await login(kc, await open_login_form(kc), USER))["code"]
    (login1,) = await events_of(kc, "LOGIN")
    async with browser(kc) as second:
        page2 = await start(second, "test", APP)
        code2 = code_from(await submit(second, page2, username=USER, password="password"))["code"]
        (login2,) = await events_of(kc, "LOGIN")
        assert login1["sessionId"] != login2["sessionId"]

        tokens1 = await token(kc.http, code1)
        await poll(kc)  # CODE_TO_TOKEN
        assert (await logout_form(kc.http, tokens1["id_token"])).status_code == 302
        (logout1,) = await events_of(kc, "LOGOUT")
        assert logout1["sessionId"] == login1["sessionId"]
        assert is_login_page(await open_login_form(kc))

        sso = await start(second, "test", APP)
        assert sso.status_code == 302 and sso.headers["location"].startswith("http://127.0.0.1:9999/callback")
        (login3,) = await events_of(kc, "LOGIN")
        assert login3["sessionId"] == login2["sessionId"]

        tokens2 = await token(second, code2)
        await poll(kc)
        assert (await logout_form(second, tokens2["id_token"])).status_code == 302
        (logout2,) = await events_of(kc, "LOGOUT")
        assert logout2["sessionId"] == login2["sessionId"]
        assert is_login_page(await start(second, "test", APP))


async def test_login_with_required_action_added_in_the_meantime(kc: Env) -> None:
    """SSOTest.loginWithRequiredActionAddedInTheMeantime: UPDATE_PASSWORD added after the login is asked on the
    SSO login; UPDATE_PASSWORD and UPDATE_CREDENTIAL (credential_type password), then LOGIN in the same session."""
    code_from(await login(kc, await open_login_form(kc), USER))
    (login1,) = await events_of(kc, "LOGIN")
    await update_user(kc, USER, requiredActions=["UPDATE_PASSWORD"])
    await poll(kc)

    page = await open_login_form(kc)
    assert page.status_code == 200 and 'name="password-new"' in page.text, page.text[:500]
    code_from(await submit(kc.http, page, **{"password-new": "password", "password-confirm": "password"}))
    found = await poll(kc)
    by_type = {event["type"]: event for event in found}
    for kind in ("UPDATE_PASSWORD", "UPDATE_CREDENTIAL"):
        assert by_type[kind]["details"]["credential_type"] == "password", found
    assert found[-1]["type"] == "LOGIN", found
    assert (found[-1]["clientId"], found[-1]["sessionId"]) == (APP, login1["sessionId"])


async def test_fail_if_using_code_from_a_different_session(kc: Env) -> None:
    """SSOTest.failIfUsingCodeFromADifferentSession: Keycloak's code is ``uuid.authSessionId.clientUuid`` and the
    test splices the first session's part into the second code. Doorkeep's code is one opaque random value, so
    the splice is the second code's first half with the first code's second half: refused with 400."""
    first = code_from(await login(kc, await open_login_form(kc), USER))["code"]
    async with browser(kc) as second:
        page = await start(second, "test", APP)
        other = code_from(await submit(second, page, username="john-doh@localhost", password="password"))["code"]
        half = len(other) // 2
        form = {"grant_type": "authorization_code", "code": other[:half] + first[half:]}
        form["redirect_uri"] = "http://127.0.0.1:9999/callback"
        response = await second.post("/realms/test/protocol/openid-connect/token", data=form, auth=(APP, "password"))
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_grant"

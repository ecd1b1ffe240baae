"""The Conditional OTP Form (``auth-conditional-otp-form``, oauth/conditional_otp.py) on two processes of one
database: its config changed through one process decides the very next login on the other.

The flow is AbstractCustomAuthFlowOTPTest.setConditionalOTPForm's (the username and password form, then the
Conditional OTP Form, both REQUIRED, bound as the browser flow). Each change goes through node 0 and the login after it
through node 1, whose caches were warmed by a login under the config before: the default outcome, the skip role
(granted, then the config changed again), the force header pattern, the config removed. On SQLite (two processes on
one file) and PostgreSQL (two workers of one server).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, form_action
from otp_port import APP, USER, is_config_totp_page, is_login_totp_page, otp_credential, realm_rep, user_rep
from worker_pair import Browser, Pair, new_realm, path

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

FLOW = "ConditionalOTPFlow"
FORM = "auth-conditional-otp-form"
WITHOUT_OTP = "no-otp-user@localhost"
ROLE = "otp_role"
NAMES = {"firstName": "Test", "lastName": "User", "emailVerified": True}  # no Verify Profile in the way


def _realm(pair: Pair) -> str:
    rep = realm_rep(
        users=[
            user_rep(USER, otp_credential("abcdefghijABCDEFGHIJ"), **NAMES),
            user_rep(WITHOUT_OTP, **NAMES),
        ],
        roles={"realm": [{"name": ROLE}]},
    )
    return new_realm(pair, rep)


def _conditional_otp_flow(pair: Pair, realm: str, config: dict[str, str]) -> str:
    """setConditionalOTPForm through node 0; the id of the form's config."""
    auth = path(realm, "authentication")
    flow = {"alias": FLOW, "description": "", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    pair.admin(0, "POST", f"{auth}/flows", flow, 201)
    for provider in ("auth-username-password-form", FORM):
        pair.admin(0, "POST", f"{auth}/flows/{FLOW}/executions/execution", {"provider": provider}, 201)
    executions = pair.admin(0, "GET", f"{auth}/flows/{FLOW}/executions", status=200).json()
    for execution in executions:
        pair.admin(0, "PUT", f"{auth}/flows/{FLOW}/executions", {**execution, "requirement": "REQUIRED"}, 202)
    pair.admin(0, "PUT", path(realm), {"browserFlow": FLOW}, 204)
    (form,) = [e for e in executions if e.get("providerId") == FORM]
    made = pair.admin(0, "POST", f"{auth}/executions/{form['id']}/config", {"alias": "otp", "config": config}, 201)
    return made.headers["location"].rsplit("/", 1)[1]


def _set_config(pair: Pair, realm: str, config_id: str, config: dict[str, str]) -> None:
    """The form's config replaced through node 0."""
    url = f"{path(realm, 'authentication', 'config')}/{config_id}"
    pair.admin(0, "PUT", url, {"id": config_id, "alias": "otp", "config": config}, 204)


def _login(pair: Pair, node: int, realm: str, username: str = USER, **headers: str) -> httpx.Response:
    """A fresh browser's login through ``node`` (every request with ``headers``): where the password leads (its
    redirects within the server followed)."""
    browser = Browser(pair)
    query = {"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    page = browser.get(node, f"/realms/{realm}/protocol/openid-connect/auth", query, headers)
    assert page.status_code == 200 and 'id="kc-form-login"' in page.text, page.text[:500]
    form = {"username": username, "password": "password"}
    return browser.follow(node, browser.post(node, form_action(page.text), form, headers=headers), REDIRECT)


def _signed_in(answer: httpx.Response) -> bool:
    return answer.status_code == 302 and answer.headers["location"].startswith(REDIRECT + "?")


def _outcomes(pair: Pair, realm: str, **headers: str) -> list[str]:
    """What the password leads to on node 1, then node 0: ``in`` (no OTP form), ``otp`` (the OTP form)."""
    found: list[str] = []
    for node in (1, 0):
        answer = _login(pair, node, realm, **headers)
        assert _signed_in(answer) or is_login_totp_page(answer), (answer.headers.get("location"), answer.text[:500])
        found.append("in" if _signed_in(answer) else "otp")
    return found


def test_a_conditional_otp_config_changed_through_one_process_decides_the_next_login_on_the_other(pair: Pair) -> None:
    realm = _realm(pair)
    config_id = _conditional_otp_flow(pair, realm, {"defaultOtpOutcome": "skip"})
    assert _outcomes(pair, realm) == ["in", "in"]

    _set_config(pair, realm, config_id, {"defaultOtpOutcome": "force"})
    assert _outcomes(pair, realm) == ["otp", "otp"]

    _set_config(pair, realm, config_id, {"skipOtpRole": ROLE, "defaultOtpOutcome": "force"})
    assert _outcomes(pair, realm) == ["otp", "otp"]
    users = pair.admin(0, "GET", f"{path(realm, 'users')}?username={USER}&exact=true", status=200).json()
    role: dict[str, Any] = pair.admin(0, "GET", path(realm, "roles", ROLE), status=200).json()
    pair.admin(0, "POST", path(realm, "users", users[0]["id"], "role-mappings", "realm"), [role], 204)
    assert _outcomes(pair, realm) == ["in", "in"]
    _set_config(pair, realm, config_id, {"forceOtpRole": ROLE, "defaultOtpOutcome": "skip"})
    assert _outcomes(pair, realm) == ["otp", "otp"]

    _set_config(pair, realm, config_id, {"forceOtpForHeaderPattern": "X-Second-Factor: .*yes.*"})
    assert _outcomes(pair, realm, **{"X-Second-Factor": "yes please"}) == ["otp", "otp"]
    _set_config(pair, realm, config_id, {"forceOtpForHeaderPattern": "X-Other: .*", "defaultOtpOutcome": "skip"})
    assert _outcomes(pair, realm, **{"X-Second-Factor": "yes please"}) == ["in", "in"]

    pair.admin(0, "DELETE", f"{path(realm, 'authentication', 'config')}/{config_id}", status=204)
    assert _outcomes(pair, realm) == ["otp", "otp"]  # no config: every vote abstains, the form runs


def test_the_setup_of_otp_asked_of_a_user_without_one_follows_a_change_made_on_the_other_process(pair: Pair) -> None:
    """isOTPRequired (``setup_wanted``): the default outcome ``skip`` asks nothing of a user without OTP, ``force``
    sends them to Configure OTP, each the next login on node 1 after the change through node 0."""
    realm = _realm(pair)
    config_id = _conditional_otp_flow(pair, realm, {"defaultOtpOutcome": "skip"})
    assert _signed_in(_login(pair, 1, realm, WITHOUT_OTP))
    _set_config(pair, realm, config_id, {"defaultOtpOutcome": "force"})
    assert is_config_totp_page(_login(pair, 1, realm, WITHOUT_OTP))
    _set_config(pair, realm, config_id, {"defaultOtpOutcome": "skip"})
    assert _signed_in(_login(pair, 1, realm, WITHOUT_OTP))

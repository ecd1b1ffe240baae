"""oidc-client-ts 3.5 (``UserManager``, code flow with PKCE) in headless Chromium against a real Doorkeep, the app on
``localhost`` like Doorkeep (one site): sign-in by redirect and by popup, the profile and userinfo, renewal by refresh
token (automatic, and offline after the SSO session ended) and by the ``prompt=none`` iframe, revocation,
``signoutRedirect`` and ``signoutSilent``, and the session monitor (``check_session_iframe``) noticing a logout in
another tab. Across sites: test_oidc_client_ts_cross_site_in_chromium.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_client_ts_support import (
    CLIENT_ID,
    NO_REFRESH_CLIENT_ID,
    PASSWORD,
    USERNAME,
    SpaStage,
    call,
    claims,
    sign_in,
    spa_stage,
    start,
    user,
)
from playwright.sync_api import Page, Request

pytestmark = [pytest.mark.browser, pytest.mark.interop]


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpaStage]:
    with spa_stage(tmp_path_factory.mktemp("oidc-client-ts")) as made:
        yield made


@pytest.fixture(scope="module")
def realm(stage: SpaStage) -> str:
    return stage.create_realm()


def requests_to(page: Page, path_end: str) -> list[Request]:
    """Every request the page (its frames included) makes from now on to a URL whose path ends ``path_end``."""
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request) if urlsplit(request.url).path.endswith(path_end) else None)
    return seen


def form(request: Request) -> dict[str, list[str]]:
    return parse_qs(request.post_data or "")


def refresh_with(stage: SpaStage, realm: str, refresh_token: str) -> requests.Response:
    """A refresh grant of the ``spa`` client outside the browser, as another holder of the token would try."""
    return requests.post(
        f"{stage.server.base_url}/realms/{realm}/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": refresh_token},
        timeout=10,
    )


def test_sign_in_redirect_uses_pkce_and_the_callback_stores_the_profile_claims(
    page: Page, stage: SpaStage, realm: str
) -> None:
    authorizations = requests_to(page, "/protocol/openid-connect/auth")
    exchanges = requests_to(page, "/protocol/openid-connect/token")
    userinfo = requests_to(page, "/protocol/openid-connect/userinfo")
    signed_in = sign_in(page, stage.settings(realm, loadUserInfo=True))
    query = parse_qs(urlsplit(authorizations[0].url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"]
    assert form(exchanges[0])["grant_type"] == ["authorization_code"]
    assert len(form(exchanges[0])["code_verifier"][0]) >= 43
    profile = signed_in["profile"]
    assert profile["iss"] == f"{stage.auth_origin}/realms/{realm}"
    assert profile["preferred_username"] == USERNAME
    assert (profile["name"], profile["given_name"], profile["family_name"]) == ("Alice Liddell", "Alice", "Liddell")
    assert (profile["email"], profile["email_verified"]) == ("alice@example.org", True)
    assert signed_in["token_type"] == "Bearer"
    assert signed_in["session_state"] == claims(signed_in["id_token"])["sid"]
    assert set(signed_in["scope"].split()) >= {"openid", "profile", "email"}
    assert claims(signed_in["refresh_token"])["typ"] == "Refresh"
    assert [request.method for request in userinfo] == ["GET"]  # loadUserInfo: merged into the profile, over CORS


def test_automatic_silent_renew_refreshes_with_the_refresh_token(page: Page, stage: SpaStage, realm: str) -> None:
    # Doorkeep's access tokens live 300 s; announcing their expiry 298 s early makes the library renew at once.
    settings = stage.settings(realm, automaticSilentRenew=True, accessTokenExpiringNotificationTimeInSeconds=298)
    first = sign_in(page, settings)
    refreshes = requests_to(page, "/protocol/openid-connect/token")
    page.wait_for_function("events.filter((name) => name === 'UserLoaded').length >= 2", timeout=15000)
    renewed = user(page)
    assert renewed["access_token"] != first["access_token"]
    assert renewed["profile"]["sub"] == first["profile"]["sub"]
    assert form(refreshes[0])["grant_type"] == ["refresh_token"]
    assert "SilentRenewError" not in page.evaluate("events")


def test_signin_silent_without_a_refresh_token_uses_prompt_none_in_an_iframe(
    page: Page, stage: SpaStage, realm: str
) -> None:
    """The app on ``localhost`` like Doorkeep: the iframe is same-site, it carries the SSO cookies."""
    first = sign_in(page, stage.settings(realm, client_id=NO_REFRESH_CLIENT_ID))
    assert "refresh_token" not in first
    authorizations = requests_to(page, "/protocol/openid-connect/auth")
    renewed = call(page, "mgr.signinSilent().then((u) => u.toStorageString())")
    assert "error" not in renewed, renewed
    assert parse_qs(urlsplit(authorizations[0].url).query)["prompt"] == ["none"]
    assert authorizations[0].frame != page.main_frame
    again = user(page)
    assert again["access_token"] != first["access_token"]
    assert again["session_state"] == first["session_state"]


def test_offline_access_gives_an_offline_token_that_renews(page: Page, stage: SpaStage, realm: str) -> None:
    signed_in = sign_in(page, stage.settings(realm, scope="openid profile offline_access"))
    assert "offline_access" in signed_in["scope"].split()
    assert claims(signed_in["refresh_token"])["typ"] == "Offline"
    assert "exp" not in claims(signed_in["refresh_token"])
    offline = {session["id"] for session in stage.user_sessions(realm, offline_client=CLIENT_ID)}
    assert claims(signed_in["access_token"])["sid"] in offline
    renewed = call(page, "mgr.signinSilent().then((u) => u.toStorageString())")
    assert "error" not in renewed, renewed
    now = user(page)
    assert now["access_token"] != signed_in["access_token"]
    assert claims(now["refresh_token"])["typ"] == "Offline"
    assert claims(now["access_token"])["sid"] == claims(signed_in["access_token"])["sid"]

    # The browser's SSO session ends in another tab: the offline token still renews, as offline access is for.
    other = page.context.new_page()
    logout = f"{stage.auth_origin}/realms/{realm}/protocol/openid-connect/logout"
    other.goto(f"{logout}?client_id={CLIENT_ID}&id_token_hint={now['id_token']}")
    other.wait_for_load_state()
    assert call(page, "mgr.querySessionStatus()").get("code") == "login_required"
    after_logout = call(page, "mgr.signinSilent().then((u) => u.toStorageString())")
    assert "error" not in after_logout, after_logout
    assert claims(user(page)["refresh_token"])["typ"] == "Offline"


def test_signin_popup_with_the_fragment_response_mode_then_signout_silent(
    page: Page, stage: SpaStage, realm: str
) -> None:
    """signinPopup (Doorkeep's login form in a popup window, the code in the fragment) and signoutSilent (the end
    session endpoint in an iframe, with id_token_hint and the popup's post-logout URI)."""
    start(page, stage.settings(realm, response_mode="fragment"))
    with page.expect_popup() as opened:
        page.evaluate("() => { globalThis.popup = mgr.signinPopup().then((u) => u.toStorageString()); }")
    popup = opened.value
    popup.get_by_role("textbox", name="Username or email").fill(USERNAME)
    popup.get_by_role("textbox", name="Password").fill(PASSWORD)
    popup.get_by_role("button", name="Sign In").click()
    signed_in = json.loads(page.evaluate("globalThis.popup"))
    assert signed_in["profile"]["preferred_username"] == USERNAME
    assert signed_in["session_state"] in {session["id"] for session in stage.user_sessions(realm)}

    logouts = requests_to(page, "/protocol/openid-connect/logout")
    signed_out = call(page, "mgr.signoutSilent()")
    assert "error" not in signed_out, signed_out
    assert parse_qs(urlsplit(logouts[0].url).query)["id_token_hint"] == [signed_in["id_token"]]
    assert logouts[0].frame != page.main_frame
    assert signed_in["session_state"] not in {session["id"] for session in stage.user_sessions(realm)}
    assert user(page) == {}


def test_revoke_tokens_revokes_the_refresh_token_at_doorkeep(page: Page, stage: SpaStage, realm: str) -> None:
    signed_in = sign_in(page, stage.settings(realm, scope="openid offline_access"))
    revocations = requests_to(page, "/protocol/openid-connect/revoke")
    revoked = call(page, "mgr.revokeTokens(['access_token', 'refresh_token'])")
    assert "error" not in revoked, revoked
    assert sorted(form(request)["token_type_hint"][0] for request in revocations) == ["access_token", "refresh_token"]
    refused = refresh_with(stage, realm, signed_in["refresh_token"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    offline = {session["id"] for session in stage.user_sessions(realm, offline_client=CLIENT_ID)}
    assert claims(signed_in["access_token"])["sid"] not in offline


def test_signout_redirect_sends_the_id_token_hint_and_comes_back(page: Page, stage: SpaStage, realm: str) -> None:
    settings = stage.settings(realm, revokeTokensOnSignout=True)
    signed_in = sign_in(page, settings)
    sid = signed_in["session_state"]
    assert sid in {session["id"] for session in stage.user_sessions(realm)}
    logouts = requests_to(page, "/protocol/openid-connect/logout")
    revocations = requests_to(page, "/protocol/openid-connect/revoke")
    page.evaluate("() => { void mgr.signoutRedirect({state: 'bye'}); }")
    page.wait_for_function("document.title === 'logged-out' || document.title === 'error'", timeout=15000)
    assert page.title() == "logged-out", page.inner_text("#out")
    query = parse_qs(urlsplit(logouts[0].url).query)
    assert query["id_token_hint"] == [signed_in["id_token"]]
    assert query["post_logout_redirect_uri"] == [settings["post_logout_redirect_uri"]]
    assert parse_qs(urlsplit(page.url).query)["state"] != []
    assert len(revocations) == 2
    assert sid not in {session["id"] for session in stage.user_sessions(realm)}
    assert user(page) == {}


def test_session_monitor_signs_the_app_out_after_a_logout_in_another_tab(
    page: Page, stage: SpaStage, realm: str
) -> None:
    settings = stage.settings(realm, monitorSession=True, checkSessionIntervalInSeconds=1)
    signed_in = sign_in(page, settings)
    status: dict[str, Any] = call(page, "mgr.querySessionStatus()")["value"]
    assert status == {"session_state": signed_in["session_state"], "sub": signed_in["profile"]["sub"]}
    page.wait_for_function("answers.filter((answer) => answer === 'unchanged').length >= 2", timeout=15000)
    assert "UserSignedOut" not in page.evaluate("events")

    other = page.context.new_page()
    logout = f"{stage.auth_origin}/realms/{realm}/protocol/openid-connect/logout"
    other.goto(f"{logout}?client_id={CLIENT_ID}&id_token_hint={signed_in['id_token']}")
    other.wait_for_load_state()
    assert signed_in["session_state"] not in {session["id"] for session in stage.user_sessions(realm)}
    page.wait_for_function("events.includes('UserSignedOut')", timeout=15000)
    assert "changed" in page.evaluate("answers")

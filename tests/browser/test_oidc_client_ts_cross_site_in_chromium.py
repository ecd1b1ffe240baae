"""oidc-client-ts across sites in headless Chromium: the app on ``http://127.0.0.1``, Doorkeep on ``localhost``, so
Doorkeep's iframes (``prompt=none`` renewal, ``check_session_iframe``) are third-party. In a browser that allows
third-party cookies (this Chromium blocks them by default, and then no server's iframe carries any), Doorkeep over
HTTPS serves both as Keycloak does; over plain HTTP its cookies are SameSite=Lax and the iframe finds no session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_client_ts_support import (
    NO_REFRESH_CLIENT_ID,
    SpaStage,
    call,
    sign_in,
    spa_stage,
    third_party_cookies_allowed,
    user,
)
from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.interop]


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpaStage]:
    with spa_stage(tmp_path_factory.mktemp("oidc-client-ts-http")) as made:
        yield made


@pytest.fixture
def allowing_page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """A page whose browser profile allows third-party cookies, which this Chromium blocks by default (there, no
    cross-site iframe of any server carries cookies)."""
    with third_party_cookies_allowed(browser, tmp_path / "profile") as made:
        yield made


def test_signin_silent_across_sites_over_plain_http_finds_no_session(allowing_page: Page, stage: SpaStage) -> None:
    """The app on ``127.0.0.1``, Doorkeep on ``localhost``, third-party cookies allowed: over plain HTTP Doorkeep's
    SSO cookies are SameSite=Lax (web/cookies.py: Doorkeep, unlike Keycloak's SecureContextResolver, does not
    count ``http://localhost`` as a secure context), so the cross-site iframe carries none and ``prompt=none``
    answers ``login_required``, which the library passes on. Keycloak would renew here."""
    realm = stage.create_realm()
    sign_in(allowing_page, stage.settings(realm, client_id=NO_REFRESH_CLIENT_ID, app_host="127.0.0.1"))
    renewed = call(allowing_page, "mgr.signinSilent()")
    assert renewed.get("code") == "login_required", renewed


@pytest.fixture(scope="module")
def https_stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpaStage]:
    with spa_stage(tmp_path_factory.mktemp("oidc-client-ts-https"), https=True) as made:
        yield made


def test_signin_silent_and_the_session_monitor_work_across_sites_over_https(
    allowing_page: Page, https_stage: SpaStage
) -> None:
    """Doorkeep over HTTPS sends its SSO cookies ``SameSite=None; Secure``: in a browser that allows third-party
    cookies, the app on another site (``http://127.0.0.1``) renews in the iframe, and the check-session iframe reads
    its cookie ("unchanged", no sign-out event), as with Keycloak."""
    realm = https_stage.create_realm()
    settings = https_stage.settings(
        realm,
        client_id=NO_REFRESH_CLIENT_ID,
        app_host="127.0.0.1",
        monitorSession=True,
        checkSessionIntervalInSeconds=1,
    )
    first = sign_in(allowing_page, settings)
    renewed = call(allowing_page, "mgr.signinSilent().then((u) => u.toStorageString())")
    assert "error" not in renewed, renewed
    assert user(allowing_page)["access_token"] != first["access_token"]
    allowing_page.wait_for_function("answers.filter((answer) => answer === 'unchanged').length >= 2", timeout=15000)
    assert "error" not in allowing_page.evaluate("answers")
    assert "UserSignedOut" not in allowing_page.evaluate("events")
    allowing_page.evaluate("() => { void mgr.signoutRedirect(); }")
    allowing_page.wait_for_function("document.title === 'logged-out'", timeout=15000)

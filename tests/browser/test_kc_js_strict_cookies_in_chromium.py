"""keycloak-js's "cross origin" project (keycloak/keycloak-js ``test/playwright.config.ts``: the app and Keycloak on
different sites, third-party cookies refused), in Chromium against Doorkeep: the ``strictCookies`` branches of the
login and silent-sso specs. The 3p-cookies check answers "unsupported", so the adapter warns, leaves the login
status iframe out, and check-sso falls back from the hidden iframe to a full-page redirect (or, with the fallback
off, finds nobody signed in).

Upstream blocks third-party cookies in Firefox (``network.cookie.cookieBehavior: 1``); here Chromium does, by the
profile setting a user picks ("Block third-party cookies": ``profile.cookie_controls_mode`` 1 in the profile's
``Preferences``), in a persistent context made per test. Doorkeep is reached as ``localhost`` and the app as
``127.0.0.1``: two sites, both secure origins. ``test_the_browser_blocks_cookies_in_frames_from_another_site``
proves the profile blocks, against the same setting switched off.

Beyond upstream, Doorkeep's iframe pages as Keycloak 26 serves them (3p-cookies-step1, login-status-iframe.ftl):
step1 asks the Storage Access API and, refused, answers at once without placing a test cookie or loading step2;
the login-status iframe answers "error" when it cannot read cookies, and after a refused ``/init`` asks no more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from chromium_support import CHROMIUM, FLAGS
from kc_js_support import (
    CLIENT_ID,
    THIRD_PARTY_WARNING,
    KcJsStage,
    TestBed,
    bed,
    kc_js_stage,
    log_in,
    shared_realm,
)
from playwright.sync_api import Page, Playwright, sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.interop]
__all__ = ["bed", "shared_realm"]

BLOCK, ALLOW = 1, 0  # profile.cookie_controls_mode: Chromium's "Block third-party cookies" setting, on or off
# Frame a page of another site, as keycloak-js frames Doorkeep's (same sandbox), and post it each message in turn:
# its answers, in order.
FRAME_AND_ASK = """async ([src, messages]) => {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-storage-access-by-user-activation allow-scripts allow-same-origin');
  await new Promise((loaded) => { frame.onload = loaded; frame.src = src; document.body.appendChild(frame); });
  const answers = [];
  for (const message of messages) {
    answers.push(await new Promise((resolve) => {
      const listener = (event) => {
        if (event.source === frame.contentWindow) { removeEventListener('message', listener); resolve(event.data); }
      };
      addEventListener('message', listener);
      frame.contentWindow.postMessage(message, new URL(src).origin);
    }));
  }
  return answers;
}"""
FRAME_PROBE = """(src) => new Promise((resolve) => {
  const frame = document.createElement('iframe');
  addEventListener('message', (event) => { if (event.source === frame.contentWindow) resolve(event.data); });
  frame.src = src;
  document.body.appendChild(frame);
})"""


@contextmanager
def chromium_profile(pw: Playwright, directory: Path, cookie_controls_mode: int) -> Iterator[Page]:
    """A page of Chromium on a profile of its own whose third-party cookie setting is ``cookie_controls_mode``."""
    (directory / "Default").mkdir(parents=True)
    preferences = {"profile": {"cookie_controls_mode": cookie_controls_mode}}
    (directory / "Default" / "Preferences").write_text(json.dumps(preferences))
    context = pw.chromium.launch_persistent_context(
        directory, executable_path=CHROMIUM, args=FLAGS, headless=True, viewport={"width": 1200, "height": 800}
    )
    try:
        yield context.pages[0] if context.pages else context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def pw() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KcJsStage]:
    """Doorkeep as ``localhost``, the app as ``127.0.0.1``: another site (upstream's APP_URL_CROSS_ORIGIN)."""
    with kc_js_stage(tmp_path_factory.mktemp("kc-js-strict"), app_host="127.0.0.1") as made:
        yield made


@pytest.fixture
def page(pw: Playwright, tmp_path: Path) -> Iterator[Page]:
    """The test's page, in a Chromium profile that blocks third-party cookies (upstream's ``strictCookies``)."""
    with chromium_profile(pw, tmp_path / "profile", BLOCK) as made:
        yield made


@pytest.mark.parametrize(("mode", "expected"), [(BLOCK, "blocked"), (ALLOW, "kept")], ids=["blocking", "allowing"])
def test_the_browser_blocks_cookies_in_frames_from_another_site(
    pw: Playwright, tmp_path: Path, stage: KcJsStage, mode: int, expected: str
) -> None:
    """The profile setting is what blocks: a frame from ``localhost`` in the app's page on ``127.0.0.1`` cannot keep
    the cookie it places, while the same profile with the setting off can."""
    with chromium_profile(pw, tmp_path / "profile", mode) as probe:
        probe.goto(stage.app_url)
        other_site = f"http://localhost:{stage.app_port}/cookie-probe.html"
        assert probe.evaluate(FRAME_PROBE, other_site) == expected
        probe.goto(f"http://localhost:{stage.app_port}/")  # the same page from its own site keeps it either way
        assert probe.evaluate(FRAME_PROBE, other_site) == "kept"


def test_logs_in_and_checks_session_status(bed: TestBed) -> None:
    """login.spec ``logs in and checks session status``: the 3p-cookies check fails, so the adapter warns."""
    executor = bed.executor
    init = executor.default_init_options()
    executor.navigate_to_app()
    executor.initialize_adapter(init)
    log_in(executor, init)
    assert any(THIRD_PARTY_WARNING in text for text in executor.console_messages()), executor.console_messages()
    # Beyond upstream: the adapter did not set up the login status iframe.
    assert executor.page.locator('iframe[title="keycloak-session-iframe"]').count() == 0


def test_logs_in_and_out_with_onload_set_to_check_sso(bed: TestBed) -> None:
    """login.spec ``check-sso`` under strict cookies: no iframe can tell, so init redirects with prompt=none."""
    executor = bed.executor
    init = executor.default_init_options(onLoad="check-sso")
    executor.navigate_to_app()
    assert executor.initialize_adapter(init, should_redirect=True) is False
    log_in(executor, init)
    executor.reload()
    assert executor.initialize_adapter(init, should_redirect=True) is True


@pytest.mark.parametrize("more", [{}, {"checkLoginIframe": False}], ids=["default", "login-iframe-disabled"])
def test_logs_in_with_a_silent_sso_redirect(bed: TestBed, more: dict[str, object]) -> None:
    """silent-sso.spec: the silent check-sso iframe is given up for a full-page redirect (silentCheckSsoFallback)."""
    executor = bed.executor
    init = executor.default_init_options(
        onLoad="check-sso", silentCheckSsoRedirectUri=executor.silent_sso_redirect_url(), **more
    )
    executor.navigate_to_app()
    assert executor.initialize_adapter(init, should_redirect=True) is False
    log_in(executor, init)
    executor.reload()
    assert executor.initialize_adapter(init, should_redirect=True) is True


def test_logs_in_with_a_silent_sso_redirect_and_fallback_disabled(bed: TestBed) -> None:
    """silent-sso.spec: without the fallback the hidden iframe carries no cookie, so after a reload nobody is
    signed in, and no redirect happens."""
    executor = bed.executor
    init = executor.default_init_options(
        onLoad="check-sso", silentCheckSsoRedirectUri=executor.silent_sso_redirect_url(), silentCheckSsoFallback=False
    )
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    log_in(executor, init)
    executor.reload()
    assert executor.initialize_adapter(init) is False


@pytest.mark.parametrize(
    ("mode", "verdict", "asks_step2"),
    [(BLOCK, "unsupported", False), (ALLOW, "supported", True)],
    ids=["blocking", "allowing"],
)
def test_step1_answers_without_a_test_cookie_when_storage_access_is_refused(
    pw: Playwright,
    tmp_path: Path,
    stage: KcJsStage,
    shared_realm: tuple[str, str],
    mode: int,
    verdict: str,
    asks_step2: bool,
) -> None:
    """3p-cookies-step1 (Keycloak 24+): refused storage access is "unsupported" at once, step2 never loaded; granted,
    the test cookie goes through step2, which finds it."""
    with chromium_profile(pw, tmp_path / "profile", mode) as other:
        asked: list[str] = []
        other.on("request", lambda request: asked.append(request.url))
        other.goto(stage.app_url)
        step1 = f"{stage.auth_server_url}realms/{shared_realm[0]}/protocol/openid-connect/3p-cookies/step1.html"
        assert other.evaluate(FRAME_PROBE, step1) == verdict
        assert any(url.endswith("/3p-cookies/step2.html") for url in asked) is asks_step2, asked


def test_the_login_status_iframe_answers_error_when_it_cannot_read_cookies(bed: TestBed) -> None:
    """login-status-iframe.ftl: without storage access the session cookie is out of reach, so "error" (keycloak-js
    ignores it) and never "changed" (which would sign the application out); /init is not even asked."""
    executor = bed.executor
    init = executor.default_init_options()
    executor.navigate_to_app()
    executor.initialize_adapter(init)
    log_in(executor, init)
    asked: list[str] = []
    executor.page.on("request", lambda request: asked.append(request.url))
    iframe = f"{bed.stage.auth_server_url}realms/{bed.realm}/protocol/openid-connect/login-status-iframe.html"
    message = f"{CLIENT_ID} {executor.prop('sessionId')}"
    assert executor.page.evaluate(FRAME_AND_ASK, [iframe, [message]]) == ["error"]
    assert not any("/login-status-iframe.html/init" in url for url in asked), asked


def test_the_login_status_iframe_asks_init_no_more_after_a_refusal(
    pw: Playwright, tmp_path: Path, stage: KcJsStage, shared_realm: tuple[str, str]
) -> None:
    """login-status-iframe.ftl's preventAdditionalRequests: once ``/init`` refused, every later message is "error"
    and the frame asks nothing more, even for a client that may use it (a fresh frame asks, and gets through)."""
    with chromium_profile(pw, tmp_path / "profile", ALLOW) as other:
        asked: list[str] = []
        other.on("request", lambda request: asked.append(request.url))
        other.goto(stage.app_url)
        iframe = f"{stage.auth_server_url}realms/{shared_realm[0]}/protocol/openid-connect/login-status-iframe.html"
        answers = other.evaluate(FRAME_AND_ASK, [iframe, ["no-such-client state", f"{CLIENT_ID} state"]])
        assert answers == ["error", "error"]
        assert sum("/login-status-iframe.html/init" in url for url in asked) == 1, asked
        assert other.evaluate(FRAME_AND_ASK, [iframe, [f"{CLIENT_ID} state"]]) == ["changed"]  # no session cookie

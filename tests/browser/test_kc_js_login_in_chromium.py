"""keycloak-js's login spec (keycloak/keycloak-js ``test/tests/login.spec.ts``), in Chromium against Doorkeep: log
in and out every way the adapter offers (default, adapter config URL, generic OpenID provider, no options, no
PKCE, POST logout, login-required, check-sso), and the session status iframe and third-party cookie check."""

from __future__ import annotations

import pytest
from kc_js_support import (
    CLIENT_ID,
    THIRD_PARTY_WARNING,
    TestBed,
    bed,
    fresh_bed,
    log_in,
    shared_realm,
    stage,
)

pytestmark = [pytest.mark.browser, pytest.mark.interop]
__all__ = ["bed", "fresh_bed", "shared_realm", "stage"]


def log_in_and_out(bed: TestBed, init: dict[str, object] | None, config: dict[str, str] | str | None = None) -> None:
    executor = bed.executor
    executor.navigate_to_app()
    if config is not None:
        executor.instantiate_adapter(config)
    assert executor.initialize_adapter(init) is False
    assert executor.is_authenticated() is False
    executor.login()
    executor.submit_login_form()
    if config is not None:
        executor.instantiate_adapter(config)
    assert executor.initialize_adapter(init) is True
    assert executor.is_authenticated() is True
    executor.logout()
    if config is not None:
        executor.instantiate_adapter(config)
    assert executor.initialize_adapter(init) is False
    assert executor.is_authenticated() is False


def test_logs_in_and_out_with_default_configuration(bed: TestBed) -> None:
    log_in_and_out(bed, bed.executor.default_init_options())


def test_logs_in_and_out_using_a_url_to_the_adapter_config(bed: TestBed) -> None:
    log_in_and_out(
        bed, bed.executor.default_init_options(), f"{bed.stage.app_url}adapter-config.json?realm={bed.realm}"
    )


def test_logs_in_and_out_using_a_generic_openid_provider(bed: TestBed) -> None:
    provider = {"clientId": CLIENT_ID, "oidcProvider": f"{bed.stage.auth_server_url}realms/{bed.realm}"}
    log_in_and_out(bed, bed.executor.default_init_options(), provider)


def test_logs_in_and_out_without_initialization_options(bed: TestBed) -> None:
    log_in_and_out(bed, None)


def test_logs_in_and_out_without_pkce(bed: TestBed) -> None:
    log_in_and_out(bed, bed.executor.default_init_options(pkceMethod=False))


def test_logs_in_and_out_with_post_logout_configured_at_initialization(bed: TestBed) -> None:
    log_in_and_out(bed, bed.executor.default_init_options(logoutMethod="POST"))


def test_logs_in_and_out_with_post_logout_configured_at_logout(bed: TestBed) -> None:
    executor = bed.executor
    init = executor.default_init_options()
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    log_in(executor, init)
    executor.logout({"logoutMethod": "POST"})
    assert executor.initialize_adapter(init) is False


def test_logs_in_and_checks_session_status(bed: TestBed) -> None:
    executor = bed.executor
    init = executor.default_init_options()
    executor.navigate_to_app()
    executor.initialize_adapter(init)
    executor.login()
    executor.submit_login_form()
    executor.initialize_adapter(init)
    # Doorkeep's 3p-cookies/step1.html and step2.html found the cookie they set: no warning.
    assert not any(THIRD_PARTY_WARNING in text for text in executor.console_messages()), executor.console_messages()
    # Beyond upstream: the session iframe was set up and answers "unchanged" for the adapter's session.
    unchanged = executor.page.evaluate(
        """() => new Promise((resolve) => {
          const frame = document.querySelector('iframe[title="keycloak-session-iframe"]');
          addEventListener('message', (event) => { if (event.source === frame.contentWindow) resolve(event.data); });
          frame.contentWindow.postMessage(`${keycloak.clientId} ${keycloak.sessionId}`, new URL(frame.src).origin);
        })"""
    )
    assert unchanged == "unchanged"


def test_logs_in_and_out_with_onload_set_to_login_required(bed: TestBed) -> None:
    executor = bed.executor
    init = executor.default_init_options(onLoad="login-required")
    executor.navigate_to_app()
    assert executor.initialize_adapter(init, should_redirect=True) is False
    executor.submit_login_form()
    assert executor.initialize_adapter(init) is True
    executor.logout()
    assert executor.initialize_adapter(init, should_redirect=True) is False


def test_logs_in_and_out_with_onload_set_to_check_sso(bed: TestBed) -> None:
    executor = bed.executor
    init = executor.default_init_options(onLoad="check-sso")
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    log_in(executor, init)
    # A reload has no token: the iframe says "changed" and the adapter redirects with prompt=none.
    executor.reload()
    assert executor.initialize_adapter(init, should_redirect=True) is True


def test_the_login_status_iframe_answers_only_the_client_and_origin_it_accepted_first(bed: TestBed) -> None:
    """login-status-iframe.ftl: once ``/init`` accepted one client and origin, a message naming another client is
    "error", even a client whose web origins hold the app's (the frame never asks ``/init`` again)."""
    other = {"clientId": "second-js-client", "publicClient": True, "webOrigins": [bed.stage.app_origin]}
    if not bed.stage.admin("GET", f"/{bed.realm}/clients?clientId=second-js-client").json():
        bed.stage.admin("POST", f"/{bed.realm}/clients", other)
    executor = bed.executor
    init = executor.default_init_options()
    executor.navigate_to_app()
    executor.initialize_adapter(init)
    log_in(executor, init)
    answers = executor.page.evaluate(
        """async ([first, second]) => {
          const frame = document.querySelector('iframe[title="keycloak-session-iframe"]');
          const ask = (message) => new Promise((resolve) => {
            const listener = (event) => {
              if (event.source === frame.contentWindow) { removeEventListener('message', listener); resolve(event.data); }
            };
            addEventListener('message', listener);
            frame.contentWindow.postMessage(message, new URL(frame.src).origin);
          });
          return [await ask(first), await ask(second)];
        }""",
        [f"{CLIENT_ID} {executor.prop('sessionId')}", f"second-js-client {executor.prop('sessionId')}"],
    )
    assert answers == ["unchanged", "error"]

"""keycloak-js's silent-sso, scope and login-with-redirect specs (keycloak/keycloak-js ``test/tests``), in Chromium
against Doorkeep: check-sso through ``silent-check-sso.html`` in a hidden iframe (with the login iframe, without it,
without the fallback), the scopes asked for at init or at login reaching the token, and a redirect service
between the app and Doorkeep."""

from __future__ import annotations

import pytest
from kc_js_support import REDIRECT_SERVICE_HOST, TestBed, bed, fresh_bed, log_in, shared_realm, stage

pytestmark = [pytest.mark.browser, pytest.mark.interop]
__all__ = ["bed", "fresh_bed", "shared_realm", "stage"]


def test_logs_in_with_a_redirect_service_between_the_application_and_auth_server(fresh_bed: TestBed) -> None:
    bed = fresh_bed
    service = bed.stage.redirect_service_origin
    bed.update_client(redirectUris=[f"{bed.stage.app_origin}/*", f"{service}/*"])
    init = bed.executor.default_init_options(redirectUri=f"{service}/?origin={bed.stage.app_origin}")
    bed.executor.navigate_to_app()
    assert bed.executor.initialize_adapter(init) is False
    assert bed.executor.is_authenticated() is False
    visited: list[str] = []
    bed.executor.page.on("request", lambda request: visited.append(request.url))
    log_in(bed.executor, init)
    assert bed.executor.is_authenticated() is True
    assert any(REDIRECT_SERVICE_HOST in url for url in visited)  # the code went through the service


@pytest.mark.parametrize("at", ["init", "login"])
def test_logs_in_and_obtains_the_scopes_passed_in(bed: TestBed, at: str) -> None:
    """scope.spec: at initialization (with login-required) and at login."""
    executor = bed.executor
    scope = "openid profile email phone"
    executor.navigate_to_app()
    if at == "init":
        init = executor.default_init_options(onLoad="login-required", scope=scope)
        assert executor.initialize_adapter(init, should_redirect=True) is False
    else:
        init = executor.default_init_options()
        assert executor.initialize_adapter(init) is False
        executor.login({"scope": scope})
    executor.submit_login_form()
    assert executor.initialize_adapter(init) is True
    granted = executor.prop("tokenParsed")["scope"].split()
    assert {"openid", "profile", "email", "phone"} <= set(granted), granted


@pytest.mark.parametrize(
    "more",
    [{}, {"checkLoginIframe": False}, {"silentCheckSsoFallback": False}],
    ids=["default", "login-iframe-disabled", "fallback-disabled"],
)
def test_logs_in_with_a_silent_sso_redirect(bed: TestBed, more: dict[str, object]) -> None:
    """silent-sso.spec: check-sso through silent-check-sso.html in a hidden iframe, no page redirect."""
    executor = bed.executor
    init = executor.default_init_options(
        onLoad="check-sso", silentCheckSsoRedirectUri=executor.silent_sso_redirect_url(), **more
    )
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    log_in(executor, init)
    executor.reload()
    assert executor.initialize_adapter(init) is True  # the iframe got the code with prompt=none
    assert executor.prop("tokenParsed")["preferred_username"] == "test-user@localhost"

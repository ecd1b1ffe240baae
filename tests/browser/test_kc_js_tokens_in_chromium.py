"""keycloak-js's token, user-info, user-profile and implicit-flow specs (keycloak/keycloak-js ``test/tests``), in
Chromium against Doorkeep: refreshing (with and without the login iframe, only when close to expiry),
``loadUserInfo`` and ``loadUserProfile`` across origins, and the implicit flow with Doorkeep's errors for a flow
the client does not allow and for ``response_mode=query``."""

from __future__ import annotations

import re

import pytest
from kc_js_support import (
    AUTHORIZED_USERNAME,
    CLIENT_ID,
    AdapterError,
    TestBed,
    bed,
    fresh_bed,
    log_in,
    shared_realm,
    stage,
)

pytestmark = [pytest.mark.browser, pytest.mark.interop]
__all__ = ["bed", "fresh_bed", "shared_realm", "stage"]
NOT_AUTHENTICATED = "Unable to build authorization header, token is not set, make sure the user is authenticated."


@pytest.mark.parametrize("more", [{}, {"checkLoginIframe": False}], ids=["default", "login-iframe-disabled"])
def test_refreshes_a_token(bed: TestBed, more: dict[str, object]) -> None:
    executor = bed.executor
    init = executor.default_init_options(**more)
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    with pytest.raises(AdapterError, match=re.escape("Unable to update token, no refresh token available.")):
        executor.update_token(9999)
    log_in(executor, init)
    old = executor.prop("token")
    assert executor.update_token(9999) is True
    assert executor.prop("token") != old  # Beyond upstream: a new access token from Doorkeep's token endpoint


def test_refreshes_a_token_only_if_outside_of_expiry(fresh_bed: TestBed) -> None:
    executor = fresh_bed.executor
    init = executor.default_init_options()
    fresh_bed.update_realm(accessTokenLifespan=35)
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    log_in(executor, init)
    assert executor.update_token(30) is False
    executor.add_time_skew(-5)
    assert executor.update_token(30) is True


def test_loads_the_user_info(bed: TestBed) -> None:
    executor = bed.executor
    init = executor.default_init_options()
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    with pytest.raises(AdapterError, match=re.escape(NOT_AUTHENTICATED)):
        executor.load_user_info()
    log_in(executor, init)
    assert executor.prop("userInfo") is None
    assert executor.load_user_info()["email"] == AUTHORIZED_USERNAME
    assert executor.prop("userInfo")["email"] == AUTHORIZED_USERNAME


def test_loads_the_user_profile(bed: TestBed) -> None:
    executor = bed.executor
    init = executor.default_init_options()
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    with pytest.raises(AdapterError, match=re.escape(NOT_AUTHENTICATED)):
        executor.load_user_profile()
    log_in(executor, init)
    assert executor.prop("profile") is None
    assert executor.load_user_profile()["username"] == AUTHORIZED_USERNAME
    assert executor.prop("profile")["username"] == AUTHORIZED_USERNAME


def test_throws_loading_the_user_profile_using_a_generic_openid_provider(bed: TestBed) -> None:
    executor = bed.executor
    config = {"clientId": CLIENT_ID, "oidcProvider": f"{bed.stage.auth_server_url}realms/{bed.realm}"}
    init = executor.default_init_options()
    executor.navigate_to_app()
    executor.instantiate_adapter(config)
    executor.initialize_adapter(init)
    executor.login()
    executor.submit_login_form()
    executor.instantiate_adapter(config)
    executor.initialize_adapter(init)
    with pytest.raises(AdapterError, match="Unable to load user profile, make sure the adapter is not configured"):
        executor.load_user_profile()


def test_logs_in_with_an_implicit_flow(fresh_bed: TestBed) -> None:
    executor = fresh_bed.executor
    implicit = executor.default_init_options(flow="implicit")
    standard = executor.default_init_options(flow="standard")
    executor.navigate_to_app()
    assert executor.initialize_adapter(implicit) is False
    executor.login()
    with pytest.raises(AdapterError) as refused:
        executor.initialize_adapter(implicit)
    assert refused.value.payload["error"] == "unauthorized_client"
    assert refused.value.payload["error_description"] == (
        "Client is not allowed to initiate browser login with given response_type. "
        "Implicit flow is disabled for the client."
    )
    fresh_bed.update_client(implicitFlowEnabled=True, standardFlowEnabled=False)
    executor.reload()
    assert executor.initialize_adapter(standard) is False
    executor.login()
    with pytest.raises(AdapterError) as refused:
        executor.initialize_adapter(standard)
    assert refused.value.payload["error"] == "unauthorized_client"
    assert refused.value.payload["error_description"] == (
        "Client is not allowed to initiate browser login with given response_type. "
        "Standard flow is disabled for the client."
    )
    executor.reload()
    assert executor.initialize_adapter(implicit) is False
    log_in(executor, implicit)


def test_does_not_allow_query_response_mode_with_an_implicit_flow(fresh_bed: TestBed) -> None:
    executor = fresh_bed.executor
    init = executor.default_init_options(flow="implicit", responseMode="query")
    fresh_bed.update_client(implicitFlowEnabled=True, standardFlowEnabled=False)
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    executor.login()
    with pytest.raises(AdapterError) as refused:
        executor.initialize_adapter(init)
    assert refused.value.payload["error"] == "invalid_request"
    assert refused.value.payload["error_description"] == "Response_mode 'query' not allowed for implicit or hybrid flow"


def test_fails_refreshing_a_token_for_an_implicit_flow(fresh_bed: TestBed) -> None:
    executor = fresh_bed.executor
    init = executor.default_init_options(flow="implicit")
    fresh_bed.update_client(implicitFlowEnabled=True, standardFlowEnabled=False)
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    log_in(executor, init)
    with pytest.raises(AdapterError):
        executor.update_token(9999)


def test_expires_the_access_token_with_an_implicit_flow(fresh_bed: TestBed) -> None:
    executor = fresh_bed.executor
    fresh_bed.update_realm(accessTokenLifespanForImplicitFlow=3)
    fresh_bed.update_client(implicitFlowEnabled=True, standardFlowEnabled=False)
    init = executor.default_init_options(flow="implicit")
    executor.navigate_to_app()
    assert executor.initialize_adapter(init) is False
    log_in(executor, init)
    assert executor.is_token_expired() is False
    executor.add_time_skew(-5)
    assert executor.is_token_expired() is True

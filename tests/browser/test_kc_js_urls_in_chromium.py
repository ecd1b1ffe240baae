"""keycloak-js's init, login-url, register-url, logout-url and account-url specs (keycloak/keycloak-js
``test/tests``), in Chromium against Doorkeep: the URLs the adapter builds from Doorkeep's realm, and the
``registrations``, ``logout`` and ``account`` endpoints they point at answer."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from kc_js_support import AUTHORIZED_USERNAME, CLIENT_ID, AdapterError, TestBed, bed, fresh_bed, shared_realm, stage

pytestmark = [pytest.mark.browser, pytest.mark.interop]
__all__ = ["bed", "fresh_bed", "shared_realm", "stage"]

ALL_OPTIONS: dict[str, object] = {
    "scope": "openid profile email",
    "prompt": "none",
    "maxAge": 3600,
    "loginHint": AUTHORIZED_USERNAME,
    "idpHint": "facebook",
    "locale": "nl-NL nl",
    "acr": {"values": ["foo", "bar"], "essential": False},
    "acrValues": "2fa",
}
ACR_CLAIMS = '{"id_token":{"acr":{"values":["foo","bar"],"essential":false}}}'


def params(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def ready(bed: TestBed, **init: object) -> None:
    bed.executor.navigate_to_app()
    bed.executor.initialize_adapter(bed.executor.default_init_options(**init))


def test_throws_when_initializing_multiple_times(bed: TestBed) -> None:
    bed.executor.navigate_to_app()
    bed.executor.initialize_adapter()
    with pytest.raises(AdapterError, match=re.escape("A 'Keycloak' instance can only be initialized once.")):
        bed.executor.initialize_adapter()


def test_creates_a_login_url_with_all_options(bed: TestBed) -> None:
    ready(bed)
    redirect_uri = bed.stage.app_origin + "/foo/bar"
    url = bed.executor.create_login_url({**ALL_OPTIONS, "redirectUri": redirect_uri, "action": "UPDATE_PASSWORD"})
    query = params(url)
    assert urlsplit(url).path == f"/realms/{bed.realm}/protocol/openid-connect/auth"
    assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == redirect_uri
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert query["response_mode"] == "fragment" and query["response_type"] == "code"
    assert query["scope"] == "openid profile email" and query["prompt"] == "none" and query["max_age"] == "3600"
    assert query["login_hint"] == AUTHORIZED_USERNAME and query["kc_idp_hint"] == "facebook"
    assert query["kc_action"] == "UPDATE_PASSWORD" and query["ui_locales"] == "nl-NL nl"
    assert query["claims"] == ACR_CLAIMS and query["acr_values"] == "2fa"
    assert query["code_challenge_method"] == "S256"


def test_creates_a_login_url_with_default_options(bed: TestBed) -> None:
    ready(bed)
    url = bed.executor.create_login_url()
    query = params(url)
    assert urlsplit(url).path == f"/realms/{bed.realm}/protocol/openid-connect/auth"
    assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == bed.stage.app_url
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert query["response_mode"] == "fragment" and query["response_type"] == "code" and query["scope"] == "openid"
    absent = ("prompt", "max_age", "login_hint", "kc_idp_hint", "kc_action", "ui_locales", "claims", "acr_values")
    assert not set(absent) & set(query), query
    assert query["code_challenge_method"] == "S256"
    # Beyond upstream: Doorkeep's authorization endpoint takes this URL and shows the login form.
    page = bed.executor.page
    page.goto(url)
    assert page.get_by_role("textbox", name="Username or email").is_visible()


def test_creates_a_login_url_to_the_registration_page(bed: TestBed) -> None:
    ready(bed)
    url = bed.executor.create_login_url({"action": "register"})
    assert urlsplit(url).path == f"/realms/{bed.realm}/protocol/openid-connect/registrations"
    assert "kc_action" not in params(url)


def test_creates_a_login_url_using_the_redirect_url_passed_during_initialization(bed: TestBed) -> None:
    redirect_uri = bed.stage.app_origin + "/foo/bar"
    ready(bed, redirectUri=redirect_uri)
    assert params(bed.executor.create_login_url())["redirect_uri"] == redirect_uri


def test_creates_a_login_url_using_the_scope_passed_during_initialization(bed: TestBed) -> None:
    ready(bed, scope="openid profile email")
    assert params(bed.executor.create_login_url())["scope"] == "openid profile email"


def test_creates_a_login_url_with_the_openid_scope_appended_if_omitted(bed: TestBed) -> None:
    ready(bed, scope="profile email openidlike")
    assert params(bed.executor.create_login_url())["scope"] == "openid profile email openidlike"


def test_creates_a_login_url_using_the_response_mode_passed_during_initialization(bed: TestBed) -> None:
    ready(bed, responseMode="query")
    assert params(bed.executor.create_login_url())["response_mode"] == "query"


def test_creates_a_login_url_based_on_the_flow_passed_during_initialization(bed: TestBed) -> None:
    ready(bed, flow="implicit")
    assert params(bed.executor.create_login_url())["response_type"] == "id_token token"


def test_creates_a_login_url_with_a_max_age_of_0(bed: TestBed) -> None:
    ready(bed)
    assert params(bed.executor.create_login_url({"maxAge": 0}))["max_age"] == "0"


def test_creates_a_registration_url_with_all_options(bed: TestBed) -> None:
    ready(bed)
    redirect_uri = bed.stage.app_origin + "/foo/bar"
    url = bed.executor.create_register_url({**ALL_OPTIONS, "redirectUri": redirect_uri})
    query = params(url)
    assert urlsplit(url).path == f"/realms/{bed.realm}/protocol/openid-connect/registrations"
    assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == redirect_uri
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert query["response_mode"] == "fragment" and query["response_type"] == "code"
    assert query["scope"] == "openid profile email" and query["prompt"] == "none" and query["max_age"] == "3600"
    assert query["login_hint"] == AUTHORIZED_USERNAME and query["kc_idp_hint"] == "facebook"
    assert "kc_action" not in query and query["ui_locales"] == "nl-NL nl"
    assert query["claims"] == ACR_CLAIMS and query["acr_values"] == "2fa"
    assert query["code_challenge_method"] == "S256"


def test_creates_a_registration_url_with_default_options(fresh_bed: TestBed) -> None:
    bed = fresh_bed
    ready(bed)
    url = bed.executor.create_register_url()
    query = params(url)
    assert urlsplit(url).path == f"/realms/{bed.realm}/protocol/openid-connect/registrations"
    assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == bed.stage.app_url
    assert query["response_mode"] == "fragment" and query["response_type"] == "code" and query["scope"] == "openid"
    absent = ("prompt", "max_age", "login_hint", "kc_idp_hint", "kc_action", "ui_locales", "claims", "acr_values")
    assert not set(absent) & set(query), query
    assert query["code_challenge_method"] == "S256"
    # Beyond upstream: with registration allowed, Doorkeep's registrations endpoint shows the form.
    bed.update_realm(registrationAllowed=True)
    page = bed.executor.page
    page.goto(url)
    page.wait_for_selector("#kc-register-form", timeout=15000)


def test_creates_a_logout_url_with_all_options(bed: TestBed) -> None:
    ready(bed)
    redirect_uri = bed.stage.app_origin + "/foo/bar"
    url = bed.executor.create_logout_url({"logoutMethod": "GET", "redirectUri": redirect_uri})
    query = params(url)
    assert urlsplit(url).path == f"/realms/{bed.realm}/protocol/openid-connect/logout"
    assert query["client_id"] == CLIENT_ID and query["post_logout_redirect_uri"] == redirect_uri
    assert "id_token_hint" not in query


def test_creates_a_logout_url_with_default_options(bed: TestBed) -> None:
    ready(bed)
    url = bed.executor.create_logout_url()
    query = params(url)
    assert urlsplit(url).path == f"/realms/{bed.realm}/protocol/openid-connect/logout"
    assert query["client_id"] == CLIENT_ID and query["post_logout_redirect_uri"] == bed.stage.app_url
    assert "id_token_hint" not in query


def test_creates_a_logout_url_with_post_method(bed: TestBed) -> None:
    ready(bed)
    url = bed.executor.create_logout_url({"logoutMethod": "POST", "redirectUri": bed.stage.app_origin + "/foo/bar"})
    assert urlsplit(url).path == f"/realms/{bed.realm}/protocol/openid-connect/logout"
    assert params(url) == {}


def test_creates_a_logout_url_using_the_redirect_url_passed_during_initialization(bed: TestBed) -> None:
    redirect_uri = bed.stage.app_origin + "/foo/bar"
    ready(bed, redirectUri=redirect_uri)
    assert params(bed.executor.create_logout_url())["post_logout_redirect_uri"] == redirect_uri


def test_creates_a_logout_url_with_the_id_token_hint_when_authenticated(bed: TestBed) -> None:
    bed.executor.navigate_to_app()
    bed.executor.initialize_adapter()
    bed.executor.login()
    bed.executor.submit_login_form()
    bed.executor.initialize_adapter()
    hint = params(bed.executor.create_logout_url())["id_token_hint"]
    assert hint.count(".") == 2  # the ID token the adapter holds
    assert hint == bed.executor.prop("idToken")


def test_creates_an_account_url_with_all_options(bed: TestBed) -> None:
    ready(bed)
    redirect_uri = bed.stage.app_origin + "/foo/bar"
    url = bed.executor.create_account_url({"redirectUri": redirect_uri})
    assert urlsplit(url).path == f"/realms/{bed.realm}/account"
    assert params(url) == {"referrer": CLIENT_ID, "referrer_uri": redirect_uri}


def test_creates_an_account_url_with_default_options(bed: TestBed) -> None:
    ready(bed)
    url = bed.executor.create_account_url()
    assert urlsplit(url).path == f"/realms/{bed.realm}/account"
    assert params(url) == {"referrer": CLIENT_ID, "referrer_uri": bed.stage.app_url}
    # Beyond upstream: Doorkeep's account console answers the URL (its sign-in starts from there).
    assert requests.get(url, timeout=10).status_code == 200


def test_throws_creating_an_account_url_using_a_generic_openid_provider(bed: TestBed) -> None:
    bed.executor.navigate_to_app()
    provider = f"{bed.stage.auth_server_url}realms/{bed.realm}"
    bed.executor.instantiate_adapter({"clientId": CLIENT_ID, "oidcProvider": provider})
    bed.executor.initialize_adapter(bed.executor.default_init_options())
    with pytest.raises(AdapterError, match="Unable to create account URL, make sure the adapter is not configured"):
        bed.executor.create_account_url()

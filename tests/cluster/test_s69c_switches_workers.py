"""Session 68's switches, each changed through one process and obeyed by the other at its very next request (on
SQLite, two processes on one file; on PostgreSQL, two workers of one server; node 1 warmed by a request under the
old setting first):

- an identity provider's ``allowAdminRoleMapping`` (broker/admin_role_mapping.py, IdentityProviderMapperAdminRole-
  BrokerLoginTest): a Hardcoded Role mapper's ``realm-management.manage-realm`` granted at a first broker login only
  while it is on;
- an identity provider's ``sendIdTokenOnLogout`` (broker/provider_logout.py, OIDCIdentityProvider.
  keycloakInitiatedBrowserLogout): the provider's ID token in the browser's redirect to its ``logoutUrl`` only while
  it is not ``false``;
- the User Session Count Limiter's config in the bound direct grant flow (UserSessionLimitsDirectGrantTest): the
  client limit raised, then lowered again;
- an organization's domains (oauth/login_organization.py, OrganizationAuthenticator): the address typed at the
  identity-first page goes to the organization's provider (bound to ``ANY`` of its domains) only while its domain is
  the organization's.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from broker_support import query
from browser_flow import REDIRECT, form_action, form_fields
from fake_idp import FakeIdp
from otp_port import APP, SECRET, USER, realm_rep, user_rep
from worker_broker import ALIAS, app_tokens, provider_answer, to_provider
from worker_pair import Browser, Pair, new_realm, path

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

NAMES = {"firstName": "Test", "lastName": "User", "emailVerified": True}
MANAGE_REALM = "manage-realm"
LIMITER = "user-session-limits"
DIRECT = "direct grant session limits"
TOO_MANY = "This account has too many sessions"
EMAIL_MATCH = "kc.org.broker.redirect.mode.email-matches"


def _claims_for(idp: FakeIdp, name: str) -> None:
    """The provider's next ID token: user ``name`` (a first broker login each time: no Review Profile asked)."""
    changes = {"sub": f"{name}-sub", "preferred_username": name, "email": f"{name}@idp.example"}
    idp.id_token = lambda nonce: idp.signed(idp.claims(int(time.time()), nonce=nonce, **changes))


def _brokered(pair: Pair, node: int, realm: str, idp: FakeIdp, name: str) -> tuple[Browser, dict[str, Any]]:
    """``name`` signed in through provider ``kc`` by a fresh browser, every request through ``node``: the browser
    and the app's token response."""
    _claims_for(idp, name)
    browser = Browser(pair)
    params = to_provider(browser, node, realm, idp)
    done = provider_answer(browser, node, realm, params["state"], f"code-{name}")
    return browser, app_tokens(pair, node, realm, done)


def _provider_realm(pair: Pair, idp: FakeIdp, rep: dict[str, Any] | None = None, **config: str) -> str:
    realm = new_realm(pair, rep or realm_rep())
    pair.admin(0, "POST", path(realm, "identity-provider", "instances"), idp.rep(ALIAS, **config), 201)
    return realm


def _set_provider(pair: Pair, realm: str, **config: str) -> None:
    """The provider read, ``config`` put into its config, written back, all through node 0."""
    url = path(realm, "identity-provider", "instances", ALIAS)
    rep = pair.admin(0, "GET", url, status=200).json()
    rep["config"].update(config)
    pair.admin(0, "PUT", url, rep, 204)


def _manages_realm(pair: Pair, realm: str, name: str) -> bool:
    (user,) = pair.admin(0, "GET", f"{path(realm, 'users')}?username={name}&exact=true", status=200).json()
    mappings = pair.admin(0, "GET", path(realm, "users", user["id"], "role-mappings"), status=200).json()
    held = mappings.get("clientMappings", {}).get("realm-management", {}).get("mappings", [])
    return MANAGE_REALM in {role["name"] for role in held}


def test_allow_admin_role_mapping_switched_through_one_process_holds_on_the_other(pair: Pair, idp: FakeIdp) -> None:
    realm = _provider_realm(pair, idp, allowAdminRoleMapping="true")
    mapper = {
        "name": "grant-manage-realm",
        "identityProviderAlias": ALIAS,
        "identityProviderMapper": "oidc-hardcoded-role-idp-mapper",
        "config": {"role": f"realm-management.{MANAGE_REALM}", "syncMode": "INHERIT"},
    }
    pair.admin(0, "POST", path(realm, "identity-provider", "instances", ALIAS, "mappers"), mapper, 201)
    _brokered(pair, 1, realm, idp, "first")
    assert _manages_realm(pair, realm, "first")
    _set_provider(pair, realm, allowAdminRoleMapping="false")
    _brokered(pair, 1, realm, idp, "second")
    assert not _manages_realm(pair, realm, "second")
    _set_provider(pair, realm, allowAdminRoleMapping="true")
    _brokered(pair, 1, realm, idp, "third")
    assert _manages_realm(pair, realm, "third")


def _logout(browser: Browser, node: int, realm: str, tokens: dict[str, Any], idp: FakeIdp) -> dict[str, str]:
    """RP-initiated logout through ``node`` with the app's ID token: the query of the redirect to the provider."""
    params = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": REDIRECT}
    answer = browser.get(node, f"/realms/{realm}/protocol/openid-connect/logout", params)
    location = answer.headers.get("location", "")
    assert answer.status_code == 302 and location.startswith(f"{idp.base}/logout?"), (location, answer.text[:800])
    return query(location)


def test_send_id_token_on_logout_switched_through_one_process_holds_on_the_other(pair: Pair, idp: FakeIdp) -> None:
    rep = realm_rep()
    rep["clients"][0]["attributes"] = {"post.logout.redirect.uris": "+"}
    realm = _provider_realm(pair, idp, rep, logoutUrl=f"{idp.base}/logout")
    browser, tokens = _brokered(pair, 1, realm, idp, "first")
    sent = _logout(browser, 1, realm, tokens, idp)
    assert sent["id_token_hint"] and sent["post_logout_redirect_uri"].endswith(
        f"/broker/{ALIAS}/endpoint/logout_response"
    )
    _set_provider(pair, realm, sendIdTokenOnLogout="false")
    browser, tokens = _brokered(pair, 1, realm, idp, "second")
    sent = _logout(browser, 1, realm, tokens, idp)
    assert "id_token_hint" not in sent and sent["state"]
    _set_provider(pair, realm, sendIdTokenOnLogout="true")
    browser, tokens = _brokered(pair, 1, realm, idp, "third")
    assert _logout(browser, 1, realm, tokens, idp)["id_token_hint"]


def _password_grant(pair: Pair, node: int, realm: str) -> httpx.Response:
    form = {
        "grant_type": "password",
        "client_id": APP,
        "client_secret": SECRET,
        "username": USER,
        "password": "password",
    }
    return pair.form(node, f"/realms/{realm}/protocol/openid-connect/token", form)


def _limiter_config(pair: Pair, realm: str) -> str:
    """The direct grant flow copied with the limiter (deny past one session of the client) and bound, through node
    0; the limiter config's URL."""
    auth = path(realm, "authentication")
    pair.admin(0, "POST", f"{auth}/flows/direct%20grant/copy", {"newName": DIRECT}, 201)
    flow = f"{auth}/flows/{path(DIRECT)[1:]}/executions"
    pair.admin(0, "POST", f"{flow}/execution", {"provider": LIMITER}, 201)
    (limiter,) = [e for e in pair.admin(0, "GET", flow, status=200).json() if e.get("providerId") == LIMITER]
    pair.admin(0, "PUT", flow, {**limiter, "requirement": "REQUIRED"}, 202)
    config = {"behavior": "Deny new session", "userRealmLimit": "0", "userClientLimit": "1", "errorMessage": TOO_MANY}
    made = pair.admin(
        0, "POST", f"{auth}/executions/{limiter['id']}/config", {"alias": "limits", "config": config}, 201
    )
    pair.admin(0, "PUT", path(realm), {"directGrantFlow": DIRECT}, 204)
    return f"{auth}/config/{made.headers['location'].rsplit('/', 1)[1]}"


def _set_limit(pair: Pair, url: str, limit: str) -> None:
    config = pair.admin(0, "GET", url, status=200).json()
    pair.admin(0, "PUT", url, {**config, "config": {**config["config"], "userClientLimit": limit}}, 204)


def test_a_session_limit_changed_through_one_process_holds_on_the_other(pair: Pair) -> None:
    realm = new_realm(pair, realm_rep(users=[user_rep(USER, **NAMES)]))
    config = _limiter_config(pair, realm)
    assert _password_grant(pair, 1, realm).status_code == 200
    refused = _password_grant(pair, 1, realm)
    assert (refused.status_code, refused.json()) == (403, {"error": TOO_MANY}), refused.text
    _set_limit(pair, config, "3")
    assert [_password_grant(pair, 1, realm).status_code for _ in range(2)] == [200, 200]
    assert _password_grant(pair, 1, realm).status_code == 403  # three sessions held
    _set_limit(pair, config, "4")
    assert _password_grant(pair, 1, realm).status_code == 200
    _set_limit(pair, config, "1")
    assert _password_grant(pair, 1, realm).status_code == 403


def _typed(pair: Pair, node: int, realm: str, address: str) -> httpx.Response:
    """The identity-first page of the app's login through ``node``, ``address`` typed: its answer."""
    browser = Browser(pair)
    auth = {"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    page = browser.get(node, f"/realms/{realm}/protocol/openid-connect/auth", auth)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:800]
    return browser.post(node, form_action(page.text), {**form_fields(page.text), "username": address})


def _to_provider(answer: httpx.Response) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code == 303 and location.split("?")[0].endswith(f"/broker/{ALIAS}/login")


def test_an_organization_domain_changed_through_one_process_routes_the_next_login_on_the_other(
    pair: Pair, idp: FakeIdp
) -> None:
    realm = _provider_realm(
        pair, idp, realm_rep(organizationsEnabled=True), **{"kc.org.domain": "ANY", EMAIL_MATCH: "true"}
    )
    org = {"name": "acme", "alias": "acme", "domains": [{"name": "acme.example"}]}
    made = pair.admin(0, "POST", path(realm, "organizations"), org, 201)
    org_url = path(realm, "organizations", made.headers["location"].rsplit("/", 1)[1])
    pair.admin(0, "POST", f"{org_url}/identity-providers", ALIAS, 204)
    assert _to_provider(_typed(pair, 1, realm, "new@acme.example"))
    assert not _to_provider(_typed(pair, 1, realm, "new@beta.example"))
    stored = pair.admin(0, "GET", org_url, status=200).json()
    pair.admin(0, "PUT", org_url, {**stored, "domains": [{"name": "beta.example"}]}, 204)
    moved = _typed(pair, 1, realm, "new@acme.example")
    assert moved.status_code == 200 and 'name="password"' in moved.text, moved.text[:800]
    assert _to_provider(_typed(pair, 1, realm, "new@beta.example"))

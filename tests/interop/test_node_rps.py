"""Node.js framework relying parties (npm, tests/node_rps) in express apps against a real ``doorkeep start-dev``.

Auth.js (@auth/express 0.12 on @auth/core 0.41) with its built-in Keycloak provider on ``issuer: <realm URL>``,
JWT sessions, the documented refresh-token rotation in its jwt callback and a federated sign-out to the end-session
endpoint with ``id_token_hint``; passport-openidconnect 0.1 with the realm's endpoints; openid-client 6's Passport
strategy on discovery (and through PAR), refreshing with ``refreshTokenGrant``, reading userinfo, revoking the offline
token. The test plays the browser with httpx and a cookie jar (Auth.js's CSRF token and its PKCE, state and nonce
cookies, Passport's session, Doorkeep's login and consent forms), then reads what the app keeps (Auth.js's
``/auth/session``, Passport's ``req.user`` at ``/me``). Every client asks for ``offline_access`` and needs consent;
the realm revokes used refresh tokens, so a second refresh works only with the token the first one returned.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from interop.node_rps_support import (
    APPS,
    REALM,
    Setup,
    browser,
    claims,
    query_of,
    realm,
    start_app,
    through_doorkeep,
)
from interop.server import DoorkeepProcess, free_port

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    workdir = tmp_path_factory.mktemp("node-rps")
    realm_file = workdir / "realm.json"
    doorkeep = DoorkeepProcess(workdir / "doorkeep", import_realms=[realm_file])
    taken = {doorkeep.port, doorkeep.management_port}
    ports: dict[str, int] = {}
    for client_id in APPS:
        ports[client_id] = next(p for p in iter(free_port, 0) if p not in taken)
        taken.add(ports[client_id])
    urls = {c: f"http://127.0.0.1:{p}" for c, p in ports.items()}
    realm_file.write_text(json.dumps(realm(urls)))
    logs = {c: workdir / f"{c}.log" for c in APPS}
    doorkeep.start()
    apps: list[subprocess.Popen[str]] = []
    try:
        issuer = f"{doorkeep.base_url}/realms/{REALM}"
        apps = [start_app(script, issuer, ports[c], c, logs[c]) for c, script in APPS.items()]
        for client_id, app in zip(APPS, apps, strict=True):
            assert app.stdout is not None
            assert app.stdout.readline().strip() == "ready", logs[client_id].read_text()
        yield Setup(doorkeep, urls, logs)
    finally:
        for app in apps:
            app.terminate()
            app.wait(10)
            assert app.stdout is not None
            app.stdout.close()
        doorkeep.stop()


# Auth.js


def authjs_sign_in(
    setup: Setup, b: httpx.Client, username: str, provider: str = "keycloak", consent: str = "accept"
) -> httpx.Response:
    """Auth.js's sign-in as its page does it: the CSRF token, a POST to /auth/signin/{provider}, Doorkeep, then the
    callback: the callback's answer."""
    app = setup.urls["authjs-app"]
    csrf = b.get(f"{app}/auth/csrf")
    assert csrf.status_code == 200, setup.failure(csrf.text)
    data = {"csrfToken": csrf.json()["csrfToken"], "callbackUrl": f"{app}/"}
    to_doorkeep = b.post(f"{app}/auth/signin/{provider}", data=data)
    back = through_doorkeep(setup, b, to_doorkeep, username, consent)
    assert back.startswith(f"{app}/auth/callback/{provider}?"), back
    return b.get(back)


def authjs_session(setup: Setup, b: httpx.Client) -> dict[str, Any]:
    response = b.get(f"{setup.urls['authjs-app']}/auth/session")
    assert response.status_code == 200, setup.failure(response.text)
    return dict(response.json() or {})


def test_authjs_keycloak_provider_asks_doorkeep_for_a_code_with_pkce_and_the_realms_endpoints(setup: Setup) -> None:
    app = setup.urls["authjs-app"]
    with browser() as b:
        csrf = b.get(f"{app}/auth/csrf").json()["csrfToken"]
        to_doorkeep = b.post(f"{app}/auth/signin/keycloak", data={"csrfToken": csrf, "callbackUrl": f"{app}/"})
        assert to_doorkeep.status_code == 302, setup.failure(to_doorkeep.text)
        # the PKCE verifier, state and nonce cookies Auth.js checks at the callback
        assert {"authjs.pkce.code_verifier", "authjs.state", "authjs.nonce"} <= set(b.cookies.keys()), b.cookies
    query = query_of(to_doorkeep.headers["location"])
    assert query["client_id"] == "authjs-app" and query["response_type"] == "code"
    assert query["scope"] == "openid profile email offline_access"
    assert query["code_challenge_method"] == "S256" and query["redirect_uri"] == f"{app}/auth/callback/keycloak"
    assert {"state", "nonce", "code_challenge"} <= query.keys()


def test_authjs_signs_in_and_its_session_holds_the_id_tokens_user_and_an_offline_token(setup: Setup) -> None:
    with browser() as b:
        done = authjs_sign_in(setup, b, "alice")
        assert done.status_code == 302 and done.headers["location"] == f"{setup.urls['authjs-app']}/", setup.failure(
            done.text
        )
        session = authjs_session(setup, b)
    assert session["user"] == {"name": "Alice Liddell", "email": "alice@example.com"}, session
    assert session["username"] == "alice" and "error" not in session
    assert session["access_token"]["azp"] == "authjs-app" and "offline_access" in session["access_token"]["scope"]
    assert session["refresh_token"] == {"typ": "Offline"}
    # the ID token verified against the realm's JWKS (jose) by the app
    assert session["sid"] == session["access_token"]["sid"] == session["id_token"]["verified_sid"]


def test_authjs_refreshes_in_its_jwt_callback_and_carries_each_rotated_refresh_token(setup: Setup) -> None:
    """The realm revokes used refresh tokens: the second refresh succeeds only with the token of the first."""
    with browser() as b:
        authjs_sign_in(setup, b, "alice")
        first = authjs_session(setup, b)
        seen = [first]
        for _ in range(2):
            time.sleep(2.1)  # the access token (two seconds) has expired: the jwt callback refreshes
            seen.append(authjs_session(setup, b))
    assert [s.get("error") for s in seen] == [None, None, None], setup.failure(str(seen))
    assert [s["refreshes"] - first["refreshes"] for s in seen] == [0, 1, 2]
    assert len({s["access_token"]["iat"] for s in seen}) == 3
    assert {s["access_token"]["sid"] for s in seen} == {s["id_token"]["verified_sid"] for s in seen} == {first["sid"]}
    assert [s["refresh_token"] for s in seen] == [{"typ": "Offline"}] * 3
    assert len(setup.events("authjs-app", "REFRESH_TOKEN")) >= 2


def test_authjs_reports_a_refresh_error_once_the_offline_token_is_revoked(setup: Setup) -> None:
    with browser() as b, setup.admin() as admin:
        authjs_sign_in(setup, b, "carol")
        assert authjs_session(setup, b).get("error") is None
        revoked = admin.delete(f"/users/{setup.user_id(admin, 'carol')}/consents/authjs-app")
        assert revoked.status_code == 204, revoked.text
        time.sleep(2.1)
        session = authjs_session(setup, b)
    assert session["error"] == "RefreshTokenError" and session["refresh_error"] == "invalid_grant", session


def test_authjs_federated_logout_ends_the_session_at_doorkeep_and_keeps_the_offline_session(setup: Setup) -> None:
    app = setup.urls["authjs-app"]
    with browser() as b, setup.admin() as admin:
        authjs_sign_in(setup, b, "alice")
        sid = authjs_session(setup, b)["sid"]
        logout = b.get(f"{app}/federated-logout")
        assert logout.status_code == 302, setup.failure(logout.text)
        end = logout.headers["location"]
        assert end.startswith(f"{setup.issuer}/protocol/openid-connect/logout?"), end
        assert claims(query_of(end)["id_token_hint"])["sid"] == sid
        done = b.get(end)
        assert done.status_code == 302 and done.headers["location"] == f"{app}/", done.text[:500]
        assert authjs_session(setup, b) == {}
        user = setup.user_id(admin, "alice")
        assert sid not in {s["id"] for s in admin.get(f"/users/{user}/sessions").json()}
        offline = admin.get(f"/users/{user}/offline-sessions/{setup.client_uuid(admin, 'authjs-app')}").json()
        assert sid in {s["id"] for s in offline}, offline


def test_authjs_shows_its_error_page_when_the_user_denies_consent(setup: Setup) -> None:
    with browser() as b:
        done = authjs_sign_in(setup, b, "carol", consent="cancel")
        assert done.status_code == 302, setup.failure(done.text)
        # Auth.js sends an OAuthCallbackError (the provider's error=access_denied) to its sign-in page, not pages.error
        assert done.headers["location"] == f"{setup.urls['authjs-app']}/auth/signin?error=OAuthCallbackError"
        assert authjs_session(setup, b) == {}
    assert any(e.get("error") == "rejected_by_user" for e in setup.events("authjs-app", "LOGIN_ERROR"))


def test_authjs_shows_its_error_page_when_its_client_secret_is_wrong(setup: Setup) -> None:
    with browser() as b:
        done = authjs_sign_in(setup, b, "alice", provider="keycloak-wrong-secret")
        assert done.status_code == 302, setup.failure(done.text)
        # Auth.js reports an error of the token request as a configuration error
        assert done.headers["location"] == f"{setup.urls['authjs-app']}/auth-failed?error=Configuration", done.headers
        assert authjs_session(setup, b) == {}
    errors = setup.events("authjs-app", "CODE_TO_TOKEN_ERROR")
    assert any(e.get("error") == "invalid_client_credentials" for e in errors), errors


# Passport: passport-openidconnect and openid-client/passport


def passport_sign_in(
    setup: Setup, b: httpx.Client, client_id: str, strategy: str, username: str, consent: str = "accept"
) -> httpx.Response:
    app = setup.urls[client_id]
    back = through_doorkeep(setup, b, b.get(f"{app}/login/{strategy}"), username, consent)
    assert back.startswith(f"{app}/callback/{strategy}?"), back
    return b.get(back)


PASSPORTS = [("passport-app", "oidc"), ("openid-client-app", "oc")]


def test_passport_openidconnect_asks_with_state_nonce_and_max_age_which_its_id_token_check_needs(setup: Setup) -> None:
    """It then requires the ID token's nonce and an auth_time within max_age (the sign-in tests pass through it)."""
    with browser() as b:
        to_doorkeep = b.get(f"{setup.urls['passport-app']}/login/oidc")
    assert to_doorkeep.status_code == 302, setup.failure(to_doorkeep.text)
    query = query_of(to_doorkeep.headers["location"])
    assert {"state", "nonce"} <= query.keys() and query["max_age"] == "600", query
    assert query["scope"] == "openid profile email offline_access" and query["client_id"] == "passport-app"


@pytest.mark.parametrize(("client_id", "strategy"), PASSPORTS)
def test_passport_signs_in_and_req_user_holds_the_id_tokens_claims(setup: Setup, client_id: str, strategy: str) -> None:
    app = setup.urls[client_id]
    with browser() as b:
        done = passport_sign_in(setup, b, client_id, strategy, "alice")
        assert done.status_code == 302 and done.headers["location"] == "/me", setup.failure(done.text)
        me = b.get(f"{app}/me")
    assert me.status_code == 200, setup.failure(me.text)
    user = me.json()
    assert user["refresh_token"] == {"typ": "Offline"}
    if strategy == "oidc":  # passport-openidconnect's profile, from the ID token and userinfo
        assert user["issuer"] == setup.issuer and user["username"] == "alice"
        assert user["displayName"] == "Alice Liddell" and user["emails"] == [{"value": "alice@example.com"}]
        assert user["name"] == {"familyName": "Liddell", "givenName": "Alice"}
        assert user["id_token"]["nonce"] is True and "offline_access" in user["access_token"]["scope"]
    else:  # openid-client's validated ID token claims
        assert user["username"] == "alice" and user["name"] == "Alice Liddell" and user["email"] == "alice@example.com"
        assert "offline_access" in user["scope"].split()


def test_openid_client_passport_signs_in_through_a_pushed_authorization_request(setup: Setup) -> None:
    app = setup.urls["openid-client-app"]
    with browser() as b:
        to_doorkeep = b.get(f"{app}/login/oc-par")
        assert to_doorkeep.status_code == 302, setup.failure(to_doorkeep.text)
        query = query_of(to_doorkeep.headers["location"])
        assert query.keys() == {"client_id", "request_uri"}, query
        assert query["request_uri"].startswith("urn:ietf:params:oauth:request_uri:")
        back = through_doorkeep(setup, b, to_doorkeep, "alice", "accept")
        done = b.get(back)
        assert done.status_code == 302 and done.headers["location"] == "/me", setup.failure(done.text)
        assert b.get(f"{app}/me").json()["username"] == "alice"


def test_openid_client_fetches_userinfo_whose_sub_matches_the_id_token(setup: Setup) -> None:
    app = setup.urls["openid-client-app"]
    with browser() as b:
        passport_sign_in(setup, b, "openid-client-app", "oc", "alice")
        me = b.get(f"{app}/me").json()
        userinfo = b.get(f"{app}/userinfo")
    assert userinfo.status_code == 200, setup.failure(userinfo.text)
    assert userinfo.json()["sub"] == me["sub"] and userinfo.json()["preferred_username"] == "alice"
    assert userinfo.json()["email"] == "alice@example.com" and userinfo.json()["name"] == "Alice Liddell"


def test_openid_client_passport_refreshes_and_validates_the_new_id_token(setup: Setup) -> None:
    app = setup.urls["openid-client-app"]
    with browser() as b:
        passport_sign_in(setup, b, "openid-client-app", "oc", "alice")
        sid = b.get(f"{app}/me").json()["sid"]
        for _ in range(2):  # the realm revokes used refresh tokens: the second needs the first's new token
            refreshed = b.post(f"{app}/refresh")
            assert refreshed.status_code == 200, setup.failure(refreshed.text)
            assert refreshed.json() == {"sid": sid, "rotated": True}


def test_openid_client_revokes_the_offline_token_and_doorkeep_ends_its_offline_session(setup: Setup) -> None:
    """The consent stays (Keycloak's revocation endpoint keeps the consent record): dave, whom no other test asks."""
    app = setup.urls["openid-client-app"]
    with browser() as b, setup.admin() as admin:
        passport_sign_in(setup, b, "openid-client-app", "oc", "dave")
        sid = b.get(f"{app}/me").json()["sid"]
        offline = (
            f"/users/{setup.user_id(admin, 'dave')}/offline-sessions/{setup.client_uuid(admin, 'openid-client-app')}"
        )
        assert sid in {s["id"] for s in admin.get(offline).json()}
        revoked = b.post(f"{app}/revoke")
        assert revoked.status_code == 200, setup.failure(revoked.text)
        assert sid not in {s["id"] for s in admin.get(offline).json()}
        refreshed = b.post(f"{app}/refresh")
    assert refreshed.status_code == 500 and refreshed.json()["code"] == "invalid_grant", refreshed.text


@pytest.mark.parametrize(("client_id", "strategy"), PASSPORTS)
def test_passport_logout_sends_the_id_token_hint_and_doorkeep_returns_to_the_app(
    setup: Setup, client_id: str, strategy: str
) -> None:
    app = setup.urls[client_id]
    with browser() as b:
        passport_sign_in(setup, b, client_id, strategy, "alice")
        logout = b.get(f"{app}/logout")
        assert logout.status_code == 302, setup.failure(logout.text)
        end = logout.headers["location"]
        assert claims(query_of(end)["id_token_hint"])["azp"] == client_id
        done = b.get(end)
        assert done.status_code == 302 and done.headers["location"] == f"{app}/", done.text[:500]
        assert b.get(f"{app}/me").status_code == 401


@pytest.mark.parametrize(("client_id", "strategy"), PASSPORTS)
def test_passport_fails_the_login_when_the_user_denies_consent(setup: Setup, client_id: str, strategy: str) -> None:
    app = setup.urls[client_id]
    with browser() as b:
        back = through_doorkeep(setup, b, b.get(f"{app}/login/{strategy}"), "carol", "cancel")
        assert back.startswith(f"{app}/callback/{strategy}?"), back
        # openid-client sends no state when discovery advertises PKCE (S256), so none comes back
        sent = {"error", "iss"} | ({"state"} if strategy == "oidc" else set())
        assert query_of(back).keys() == sent and query_of(back)["error"] == "access_denied", back
        done = b.get(back)
        assert done.status_code == 302 and done.headers["location"] == "/failed", setup.failure(done.text)
        failed = b.get(f"{app}/failed")
        assert b.get(f"{app}/me").status_code == 401
    # passport-openidconnect fails with the error_description, which Keycloak's consent denial does not send
    # (OIDCLoginProtocol.sendError: error=access_denied and the state); openid-client falls back to the error
    assert failed.status_code == 403, failed.text
    assert failed.json()["failed"] == ([] if strategy == "oidc" else ["access_denied"]), failed.text


@pytest.mark.parametrize(("client_id", "strategy"), PASSPORTS)
def test_passport_shows_doorkeeps_error_when_the_client_secret_is_wrong(
    setup: Setup, client_id: str, strategy: str
) -> None:
    app = setup.urls[client_id]
    with browser() as b:
        done = passport_sign_in(setup, b, client_id, f"{strategy}-wrong-secret", "alice")
        assert b.get(f"{app}/me").status_code == 401
    # Doorkeep's 401 unauthorized_client from the token endpoint, as each library reports it
    assert done.status_code == 500, setup.failure(done.text)
    assert done.json()["code"] == "unauthorized_client", done.text

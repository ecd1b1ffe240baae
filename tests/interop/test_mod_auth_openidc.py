"""Apache httpd with mod_auth_openidc 2.4 (Debian's libapache2-mod-auth-openidc), a relying party nobody here wrote,
in front of a real ``doorkeep start-dev`` over HTTPS, as it is put in front of Keycloak.

One Apache serves two virtual hosts: the relying party (``AuthType openid-connect``: PKCE, ``openid
offline_access``, refresh, RP-initiated and back-channel logout) with an OAuth 2.0 resource server checking bearer
tokens at Doorkeep's introspection endpoint (``AuthType oauth20``), and a second resource server checking them
against Doorkeep's JWKS. A browser is played by an httpx client with a cookie jar.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import form_action, form_fields
from interop.apache_httpd import ApacheProcess
from interop.server import DoorkeepProcess, free_port, self_signed_certificate

pytestmark = pytest.mark.interop
REALM = "apache"
PASSPHRASE = "mod-auth-openidc-test-passphrase"  # encrypts its cookies and cache; not a Doorkeep secret


class Setup:
    """Doorkeep, the Apache in front of it, and the ports and URLs both sides know."""

    def __init__(self, doorkeep: DoorkeepProcess, apache: ApacheProcess, rp_port: int, rs_port: int) -> None:
        self.doorkeep, self.apache = doorkeep, apache
        self.rp = f"http://127.0.0.1:{rp_port}"
        self.rs = f"http://127.0.0.1:{rs_port}"
        self.issuer = f"{doorkeep.base_url}/realms/{REALM}"

    def browser(self) -> httpx.Client:
        return httpx.Client(verify=self.doorkeep.ssl_context() or True, timeout=15)

    def admin(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.doorkeep.admin_token()}"}
        base = f"{self.doorkeep.base_url}/admin/realms/{REALM}"
        return httpx.Client(base_url=base, headers=headers, verify=self.doorkeep.ssl_context() or True, timeout=15)

    def service_token(self, client_id: str) -> str:
        """An access token of a service account, for the resource servers."""
        response = httpx.post(
            f"{self.issuer}/protocol/openid-connect/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, f"{client_id}-secret"),
            verify=self.doorkeep.ssl_context() or True,
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def failure(self, what: str) -> str:
        return f"{what}\n--- apache error log ---\n{self.apache.log()}"


def realm(rp: str) -> dict[str, Any]:
    """The realm: the relying party, the resource server that introspects, two service clients whose tokens name
    it in ``aud`` (the second's live one second), and a user with the default roles (``offline_access``): a user
    of an imported realm gets none unless listed, as in Keycloak (``addUser(..., addDefaultRoles=false)``)."""
    audience = {
        "name": "resource server audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.client.audience": "apache-rs", "access.token.claim": "true"},
    }
    service = {"enabled": True, "standardFlowEnabled": False, "serviceAccountsEnabled": True}
    return {
        "realm": REALM,
        "enabled": True,
        "accessTokenLifespan": 60,
        "clients": [
            {
                "clientId": "apache-rp",
                "secret": "apache-rp-secret",
                "redirectUris": [f"{rp}/protected/redirect_uri", f"{rp}/loggedout.html"],
                "frontchannelLogout": False,
                "attributes": {
                    "pkce.code.challenge.method": "S256",
                    "post.logout.redirect.uris": "+",
                    "backchannel.logout.url": f"{rp}/protected/redirect_uri?logout=backchannel",
                    "backchannel.logout.session.required": "true",
                },
            },
            {"clientId": "apache-rs", "secret": "apache-rs-secret", "standardFlowEnabled": False},
            {"clientId": "bearer-app", "secret": "bearer-app-secret", "protocolMappers": [audience], **service},
            {
                "clientId": "bearer-short",
                "secret": "bearer-short-secret",
                "attributes": {"access.token.lifespan": "1"},
                "protocolMappers": [audience],
                **service,
            },
        ],
        "users": [
            {
                "username": "alice",
                "enabled": True,
                "email": "alice@example.com",
                "emailVerified": True,
                "firstName": "Alice",
                "lastName": "Liddell",
                "realmRoles": [f"default-roles-{REALM}"],
                "credentials": [{"type": "password", "value": "alice-password", "temporary": False}],
            }
        ],
    }


def apache_body(issuer: str, rp_port: int, rs_port: int, ca: Path) -> str:
    rp = f"http://127.0.0.1:{rp_port}"
    echo = 'Header always set X-Remote-User "expr=%{REMOTE_USER}"\n'
    return f"""OIDCCABundlePath {ca}
<VirtualHost 127.0.0.1:{rp_port}>
OIDCProviderMetadataURL {issuer}/.well-known/openid-configuration
OIDCClientID apache-rp
OIDCClientSecret apache-rp-secret
OIDCRedirectURI {rp}/protected/redirect_uri
OIDCCryptoPassphrase {PASSPHRASE}
OIDCPKCEMethod S256
OIDCScope "openid offline_access"
OIDCRemoteUserClaim preferred_username
OIDCRefreshAccessTokenBeforeExpiry 58
OIDCInfoHook iat access_token access_token_expires refresh_token session
OIDCOAuthIntrospectionEndpoint {issuer}/protocol/openid-connect/token/introspect
OIDCOAuthClientID apache-rs
OIDCOAuthClientSecret apache-rs-secret
OIDCOAuthRemoteUserClaim preferred_username
<Location /protected>
AuthType openid-connect
Require valid-user
{echo}Header always set X-Claim-Email "expr=%{{req:OIDC_CLAIM_email}}"
</Location>
<Location /api>
AuthType oauth20
Require valid-user
{echo}</Location>
</VirtualHost>
<VirtualHost 127.0.0.1:{rs_port}>
OIDCCryptoPassphrase {PASSPHRASE}
OIDCOAuthVerifyJwksUri {issuer}/protocol/openid-connect/certs
OIDCOAuthRemoteUserClaim preferred_username
<Location /api>
AuthType oauth20
Require valid-user
{echo}</Location>
</VirtualHost>
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    workdir = tmp_path_factory.mktemp("mod-auth-openidc")
    tls = self_signed_certificate(workdir / "tls")
    realm_file = workdir / "realm.json"
    doorkeep = DoorkeepProcess(workdir / "doorkeep", import_realms=[realm_file], tls=tls)
    taken = {doorkeep.port, doorkeep.management_port}
    rp_port = next(p for p in iter(free_port, 0) if p not in taken)
    rs_port = next(p for p in iter(free_port, 0) if p not in taken | {rp_port})
    realm_file.write_text(json.dumps(realm(f"http://127.0.0.1:{rp_port}")))
    issuer = f"{doorkeep.base_url}/realms/{REALM}"
    apache = ApacheProcess(workdir / "apache", [rp_port, rs_port], "")
    apache.body = apache_body(issuer, rp_port, rs_port, apache.public_copy(tls[0]))
    apache.document("protected/index.html", "the protected page\n")
    apache.document("loggedout.html", "logged out\n")
    apache.document("api/index.html", "the api\n")
    doorkeep.start()
    try:
        apache.start()
        yield Setup(doorkeep, apache, rp_port, rs_port)
    finally:
        apache.stop()
        doorkeep.stop()


def claims(jwt: str) -> dict[str, Any]:
    body = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))


def log_in(setup: Setup, browser: httpx.Client) -> httpx.Response:
    """Ask Apache for the protected page, sign in at Doorkeep, follow the redirects back: the page."""
    to_doorkeep = browser.get(f"{setup.rp}/protected/")
    assert to_doorkeep.status_code == 302, setup.failure(to_doorkeep.text)
    form = browser.get(to_doorkeep.headers["location"])
    assert form.status_code == 200 and 'name="password"' in form.text, form.text[:500]
    fields = {**form_fields(form.text), "username": "alice", "password": "alice-password"}
    callback = browser.post(form_action(form.text), data=fields)
    assert callback.status_code == 302, callback.text[:500]
    assert callback.headers["location"].startswith(f"{setup.rp}/protected/redirect_uri?")
    back = browser.get(callback.headers["location"])
    assert back.status_code == 302, setup.failure(back.text)
    assert back.headers["location"] == f"{setup.rp}/protected/"
    return browser.get(back.headers["location"])


def session_info(setup: Setup, browser: httpx.Client) -> dict[str, Any]:
    """mod_auth_openidc's session as its info hook shows it (tokens included)."""
    info = browser.get(f"{setup.rp}/protected/redirect_uri", params={"info": "json"})
    assert info.status_code == 200, setup.failure(info.text)
    return dict(info.json())


def test_a_protected_path_sends_the_browser_to_doorkeep_with_pkce_and_the_offline_scope(setup: Setup) -> None:
    with setup.browser() as browser:
        response = browser.get(f"{setup.rp}/protected/")
    assert response.status_code == 302, setup.failure(response.text)
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{setup.issuer}/protocol/openid-connect/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["client_id"] == "apache-rp"
    assert query["response_type"] == "code"
    assert query["scope"].split() == ["openid", "offline_access"]
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"] == f"{setup.rp}/protected/redirect_uri"


def test_after_signing_in_at_doorkeep_apache_serves_the_page_with_the_users_claims(setup: Setup) -> None:
    with setup.browser() as browser:
        page = log_in(setup, browser)
        assert page.status_code == 200, setup.failure(page.text)
        assert page.text == "the protected page\n"
        assert page.headers["x-remote-user"] == "alice"
        assert page.headers["x-claim-email"] == "alice@example.com"
        info = session_info(setup, browser)
    access = claims(info["access_token"])
    assert access["iss"] == setup.issuer and access["azp"] == "apache-rp"
    assert "offline_access" in access["scope"].split()
    assert claims(info["refresh_token"])["typ"] == "Offline"


def test_mod_auth_openidc_refreshes_with_the_offline_token_before_the_access_token_expires(setup: Setup) -> None:
    """``OIDCRefreshAccessTokenBeforeExpiry 58`` with 60 s access tokens: a request 2 s after sign-in refreshes;
    so does the refresh hook of the redirect URI. Each refresh answers a new access token and an Offline token."""
    with setup.browser() as browser:
        assert log_in(setup, browser).status_code == 200
        first = session_info(setup, browser)
        time.sleep(2.2)
        page = browser.get(f"{setup.rp}/protected/")
        assert page.status_code == 200, setup.failure(page.text)
        second = session_info(setup, browser)
        assert second["access_token"] != first["access_token"], setup.failure("no refresh before expiry")
        assert claims(second["refresh_token"])["typ"] == "Offline"

        hook = browser.get(
            f"{setup.rp}/protected/redirect_uri",
            params={"refresh": f"{setup.rp}/protected/", "access_token": second["access_token"]},
        )
        assert hook.status_code == 302, setup.failure(hook.text)
        assert hook.headers["location"] == f"{setup.rp}/protected/"
        third = session_info(setup, browser)
    assert third["access_token"] != second["access_token"]
    assert claims(third["access_token"])["sid"] == claims(first["access_token"])["sid"]
    assert claims(third["refresh_token"])["typ"] == "Offline"


def offline_sessions(admin: httpx.Client) -> list[str]:
    """The ids of alice's offline sessions with the relying party, as Doorkeep's admin API lists them."""
    user = admin.get("/users", params={"username": "alice", "exact": "true"}).json()[0]["id"]
    client = admin.get("/clients", params={"clientId": "apache-rp"}).json()[0]["id"]
    listed = admin.get(f"/users/{user}/offline-sessions/{client}")
    assert listed.status_code == 200, listed.text
    return [session["id"] for session in listed.json()]


def test_rp_initiated_logout_ends_the_apache_session_and_revokes_the_offline_token(setup: Setup) -> None:
    """mod_auth_openidc revokes its tokens at Doorkeep's revocation endpoint, then sends the browser to the end
    session endpoint with the ID token as hint; Doorkeep sends it back to the post-logout redirect URI. (A first
    login with ``offline_access`` leaves no online session to end at Doorkeep: KEYCLOAK.md section 4.3.)"""
    with setup.browser() as browser, setup.admin() as admin:
        assert log_in(setup, browser).status_code == 200
        sid = claims(session_info(setup, browser)["access_token"])["sid"]
        assert sid in offline_sessions(admin)
        logout = browser.get(f"{setup.rp}/protected/redirect_uri", params={"logout": f"{setup.rp}/loggedout.html"})
        assert logout.status_code == 302, setup.failure(logout.text)
        end_session = urlsplit(logout.headers["location"])
        assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == (
            f"{setup.issuer}/protocol/openid-connect/logout"
        )
        query = {k: v[0] for k, v in parse_qs(end_session.query).items()}
        assert claims(query["id_token_hint"])["typ"] == "ID"
        assert query["post_logout_redirect_uri"] == f"{setup.rp}/loggedout.html"

        done = browser.get(logout.headers["location"])
        assert done.status_code == 302, done.text[:500]
        assert done.headers["location"].startswith(f"{setup.rp}/loggedout.html")
        again = browser.get(f"{setup.rp}/protected/")
        assert again.status_code == 302, "Apache still serves the page after logout"
        assert sid not in offline_sessions(admin), "the offline session outlived mod_auth_openidc's revocation"


def test_back_channel_logout_from_doorkeep_ends_the_apache_session(setup: Setup) -> None:
    """The admin ends the user's (offline) session at Doorkeep; Doorkeep posts a logout token to the redirect URI's
    ``?logout=backchannel``, and mod_auth_openidc drops its session: the page asks for a login again."""
    with setup.browser() as browser, setup.admin() as admin:
        assert log_in(setup, browser).status_code == 200
        sid = claims(session_info(setup, browser)["access_token"])["sid"]
        assert browser.get(f"{setup.rp}/protected/").status_code == 200
        ended = admin.delete(f"/sessions/{sid}", params={"isOffline": "true"})
        assert ended.status_code == 204, (ended.request.url, ended.text)
        deadline = time.monotonic() + 10
        while (page := browser.get(f"{setup.rp}/protected/")).status_code == 200 and time.monotonic() < deadline:
            time.sleep(0.1)  # the logout token goes out after Doorkeep's transaction commits
    assert page.status_code == 302, setup.failure("Apache still serves the page after the back-channel logout")
    assert page.headers["location"].startswith(f"{setup.issuer}/protocol/openid-connect/auth?")


def bearer(url: str, token: str) -> httpx.Response:
    return httpx.get(url, headers={"Authorization": f"Bearer {token}"})


def forged(token: str) -> str:
    head, body, signature = token.split(".")
    return f"{head}.{body}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"


@pytest.mark.parametrize("server", ["introspection", "jwks"])
def test_the_resource_server_accepts_a_doorkeep_bearer_token_and_refuses_a_forged_or_expired_one(
    setup: Setup, server: str
) -> None:
    api = f"{setup.rp if server == 'introspection' else setup.rs}/api/"
    token = setup.service_token("bearer-app")
    accepted = bearer(api, token)
    assert accepted.status_code == 200, setup.failure(accepted.text)
    assert accepted.text == "the api\n"
    assert accepted.headers["x-remote-user"] == "service-account-bearer-app"

    assert bearer(api, forged(token)).status_code == 401
    short = setup.service_token("bearer-short")
    assert claims(short)["exp"] - claims(short)["iat"] == 1
    time.sleep(2.1)
    expired = bearer(api, short)
    assert expired.status_code == 401, setup.failure("an expired token was accepted")
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]


def test_the_introspecting_resource_server_refuses_a_revoked_token(setup: Setup) -> None:
    token = setup.service_token("bearer-app")
    api = f"{setup.rp}/api/"
    assert bearer(api, token).status_code == 200
    revoked = httpx.post(
        f"{setup.issuer}/protocol/openid-connect/revoke",
        data={"token": token, "token_type_hint": "access_token"},
        auth=("bearer-app", "bearer-app-secret"),
        verify=setup.doorkeep.ssl_context() or True,
    )
    assert revoked.status_code == 200, revoked.text
    refused = bearer(api, token)
    assert refused.status_code == 401, setup.failure("a revoked token was accepted")

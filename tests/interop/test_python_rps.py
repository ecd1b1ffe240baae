"""Two Python relying parties nobody here wrote, against a real ``doorkeep start-dev``: ``oic`` (pyoidc, the
OpenID-certified Python RP: discovery, dynamic registration, code flow with PKCE, ID token verification, userinfo,
refresh, end-session) and ``requests-oauthlib`` (``OAuth2Session``: code flow with PKCE, offline access, automatic
refresh with a token updater, client credentials). The login form is a browser's: httpx with a cookie jar."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from oauthlib.oauth2 import BackendApplicationClient
from oic import rndstr
from oic.oic import Client
from oic.oic.message import AccessTokenResponse, AuthorizationResponse, OpenIDSchema, RegistrationResponse
from oic.utils.authn.client import CLIENT_AUTHN_METHOD
from oic.utils.keyio import KeyJar
from requests_oauthlib import OAuth2Session

from browser_flow import form_action, form_fields
from interop.rp_realm import AdminRealm
from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop

REDIRECT = "http://127.0.0.1:9/callback"  # never reached: the code is read from Doorkeep's 302
CLIENT_ID, SECRET = "python-rp", "python-rp-secret"
SERVICE_ID, SERVICE_SECRET = "python-service", "python-service-secret"
USERNAME, PASSWORD = "bob", "bob-password"


class Realm(AdminRealm):
    """A realm of the module's server with the user ``bob``, the confidential client ``python-rp`` (code flow,
    PKCE S256 enforced, this redirect URI) and the service-account client ``python-service``."""

    def __init__(self, server: DoorkeepProcess) -> None:
        super().__init__(server, "rp")
        self.admin(
            "POST",
            f"/{self.name}/users",
            {
                "username": USERNAME,
                "enabled": True,
                "firstName": "Bob",
                "lastName": "Builder",
                "email": "bob@example.org",
                "emailVerified": True,
                "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
            },
        )
        rp = {
            "clientId": CLIENT_ID,
            "secret": SECRET,
            "redirectUris": [REDIRECT],
            "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"},
        }
        self.admin("POST", f"/{self.name}/clients", rp)
        service = {"clientId": SERVICE_ID, "secret": SERVICE_SECRET, "serviceAccountsEnabled": True}
        self.admin("POST", f"/{self.name}/clients", {**service, "standardFlowEnabled": False})


@pytest.fixture(scope="module")
def realm(module_server: DoorkeepProcess) -> Realm:
    return Realm(module_server)


@pytest.fixture(autouse=True)
def oauthlib_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """oauthlib refuses ``http://`` URLs unless told the transport is a test's loopback, and raises when the granted
    scope is wider than the requested one, which Keycloak's always is (the client's default scopes, ``profile``
    and ``email``, join it: TokenManager answers the client session's scope string); requests-oauthlib's users
    against Keycloak set OAUTHLIB_RELAX_TOKEN_SCOPE for that."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setenv("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=20) as client:
        yield client


def log_in(browser: httpx.Client, authorization_url: str) -> str:
    """Open ``authorization_url`` in the browser, fill Doorkeep's login form as ``bob``, and return the query of
    the redirect back to the client (not followed)."""
    page = browser.get(authorization_url)
    assert page.status_code == 200, page.text[:500]
    answer = browser.post(
        form_action(page.text), data={**form_fields(page.text), "username": USERNAME, "password": PASSWORD}
    )
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["location"]
    assert location.startswith(REDIRECT), location
    return urlsplit(location).query


def pyoidc_client(realm: Realm, client_id: str = CLIENT_ID, secret: str = SECRET) -> Client:
    """pyoidc's RP with the realm's discovered configuration (its issuer checked, its JWKS loaded) and a client."""
    client = Client(client_authn_method=CLIENT_AUTHN_METHOD, keyjar=KeyJar(verify_ssl=False))
    client.provider_config(realm.issuer)
    client.store_registration_info(
        RegistrationResponse(client_id=client_id, client_secret=secret, redirect_uris=[REDIRECT])
    )
    client.redirect_uris = [REDIRECT]
    return client


def pyoidc_sign_in(
    client: Client,
    browser: httpx.Client,
    scope: str = "openid profile email",
    authn_method: str = "client_secret_basic",
) -> tuple[str, Any]:
    """pyoidc's code flow with PKCE and a nonce: the state and the token response, its ID token verified."""
    state, nonce = rndstr(), rndstr()
    pkce, verifier = client.add_code_challenge()
    request = client.construct_AuthorizationRequest(
        request_args={
            "client_id": client.client_id,
            "response_type": "code",
            "scope": scope.split(),
            "nonce": nonce,
            "state": state,
            "redirect_uri": REDIRECT,
            **pkce,
        }
    )
    query = log_in(browser, request.request(client.authorization_endpoint))
    response = client.parse_response(AuthorizationResponse, info=query, sformat="urlencoded")
    assert isinstance(response, AuthorizationResponse)
    assert response["state"] == state
    assert response["iss"] == realm_issuer(client)
    tokens = client.do_access_token_request(
        state=state,
        request_args={"code": response["code"], "code_verifier": verifier, "redirect_uri": REDIRECT},
        authn_method=authn_method,
    )
    assert isinstance(tokens, AccessTokenResponse), tokens
    assert tokens["id_token"]["nonce"] == nonce
    return state, tokens


def realm_issuer(client: Client) -> str:
    return str(client.provider_info["issuer"])


def test_pyoidc_discovers_signs_in_with_pkce_verifies_the_id_token_and_reads_userinfo(
    realm: Realm, browser: httpx.Client
) -> None:
    client = pyoidc_client(realm)
    assert realm_issuer(client) == realm.issuer
    state, tokens = pyoidc_sign_in(client, browser)
    id_token = tokens["id_token"]  # pyoidc checked its signature (the JWKS), iss, aud, exp, iat and the nonce
    # but not at_hash (pyoidc 1.7 verifies the token response's ID token with check_hash off): checked here
    digest = hashlib.sha256(tokens["access_token"].encode()).digest()[:16]
    assert id_token["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert id_token["iss"] == realm.issuer
    assert id_token["aud"] == [CLIENT_ID]
    assert id_token["azp"] == CLIENT_ID
    assert id_token.jws_header["alg"] == "RS256"
    userinfo = client.do_user_info_request(state=state)
    assert isinstance(userinfo, OpenIDSchema), userinfo
    assert userinfo["sub"] == id_token["sub"]
    assert (userinfo["preferred_username"], userinfo["email"], userinfo["name"]) == (
        USERNAME,
        "bob@example.org",
        "Bob Builder",
    )
    posted = client.do_user_info_request(state=state, method="POST", behavior="token_in_message_body")
    assert posted.to_dict() == userinfo.to_dict()  # the token in the form instead of the Authorization header


def test_pyoidc_refreshes_and_ends_the_session_with_the_id_token_hint(realm: Realm, browser: httpx.Client) -> None:
    client = pyoidc_client(realm)
    state, tokens = pyoidc_sign_in(client, browser)
    refreshed = client.do_access_token_refresh(state=state, authn_method="client_secret_post")
    assert isinstance(refreshed, AccessTokenResponse), refreshed
    assert refreshed["access_token"] != tokens["access_token"]
    assert refreshed["id_token"]["sub"] == tokens["id_token"]["sub"]  # the refreshed ID token verified too
    sid = tokens["id_token"]["sid"]
    assert sid in realm.session_ids(USERNAME)

    end = client.construct_EndSessionRequest(
        state=state, request_args={"post_logout_redirect_uri": REDIRECT, "state": "bye"}
    )
    assert end["id_token_hint"]
    answer = browser.get(end.request(client.provider_info["end_session_endpoint"]))
    assert answer.status_code == 302, answer.text[:500]
    assert parse_qs(urlsplit(answer.headers["location"]).query) == {"state": ["bye"]}
    assert sid not in realm.session_ids(USERNAME)


def test_pyoidc_registers_a_client_dynamically_with_an_initial_access_token(
    realm: Realm, browser: httpx.Client
) -> None:
    initial = realm.admin("POST", f"/{realm.name}/clients-initial-access", {"count": 1, "expiration": 60}).json()
    client = Client(client_authn_method=CLIENT_AUTHN_METHOD)
    client.provider_config(realm.issuer)
    registered = client.register(
        client.provider_info["registration_endpoint"],
        registration_token=initial["token"],
        redirect_uris=[REDIRECT],
        client_name="pyoidc registered",
        token_endpoint_auth_method="client_secret_basic",
    )
    assert isinstance(registered, RegistrationResponse), registered
    assert registered["client_id"] and registered["client_secret"]
    assert registered["registration_access_token"]
    assert client.client_id == registered["client_id"]
    _, tokens = pyoidc_sign_in(client, browser)
    assert tokens["id_token"]["aud"] == [registered["client_id"]]
    read = client.registration_read()  # registration_client_uri with the registration access token
    assert isinstance(read, RegistrationResponse), read
    assert (read["client_id"], read["redirect_uris"]) == (registered["client_id"], [REDIRECT])


def test_pyoidc_authenticates_with_a_client_secret_jwt(realm: Realm, browser: httpx.Client) -> None:
    """client_secret_jwt (an HS256 assertion whose audience is the token endpoint, as pyoidc signs it) for the code
    exchange of a client whose authenticator is Keycloak's ``client-secret-jwt``."""
    secret = "jwt-rp-secret-" + "x" * 32
    client_id = f"jwt-rp-{uuid.uuid4().hex[:8]}"
    realm.admin(
        "POST",
        f"/{realm.name}/clients",
        {
            "clientId": client_id,
            "secret": secret,
            "clientAuthenticatorType": "client-secret-jwt",
            "redirectUris": [REDIRECT],
        },
    )
    client = pyoidc_client(realm, client_id, secret)
    _, tokens = pyoidc_sign_in(client, browser, authn_method="client_secret_jwt")
    assert tokens["id_token"]["azp"] == client_id
    # (pyoidc 1.7's refresh cannot sign one: ClientSecretJWT.construct reads an authn_endpoint its refresh omits)


def test_requests_oauthlib_signs_in_with_pkce_and_refreshes_an_offline_token_itself(
    realm: Realm, browser: httpx.Client
) -> None:
    token_url = f"{realm.issuer}/protocol/openid-connect/token"
    updates: list[dict[str, Any]] = []
    session = OAuth2Session(
        CLIENT_ID,
        redirect_uri=REDIRECT,
        scope=["openid", "offline_access"],
        pkce="S256",
        auto_refresh_url=token_url,
        auto_refresh_kwargs={"client_id": CLIENT_ID, "client_secret": SECRET},
        token_updater=updates.append,
    )
    authorization_url, _ = session.authorization_url(f"{realm.issuer}/protocol/openid-connect/auth")
    query = log_in(browser, authorization_url)
    token = session.fetch_token(
        token_url,
        authorization_response=f"{REDIRECT}?{query}",
        client_secret=SECRET,
        include_client_id=True,
    )
    assert token["refresh_expires_in"] == 0  # an offline token, with no exp
    assert "offline_access" in token["scope"]
    sid = token["session_state"]
    assert sid in realm.session_ids(USERNAME, offline_client=CLIENT_ID)

    session.token = {**token, "expires_at": time.time() - 1}  # as if it had expired
    userinfo = session.get(f"{realm.issuer}/protocol/openid-connect/userinfo", timeout=10)
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["preferred_username"] == USERNAME
    assert len(updates) == 1  # the session refreshed before the call and handed the new token over
    assert updates[0]["access_token"] != token["access_token"]
    assert updates[0]["session_state"] == sid


def test_requests_oauthlib_client_credentials(realm: Realm) -> None:
    """A service account's token (client_secret_basic, as requests-oauthlib sends it), then userinfo: refused with
    Keycloak's 403 ``insufficient_scope`` without the ``openid`` scope (UserInfoEndpoint), answered with it."""
    token_url = f"{realm.issuer}/protocol/openid-connect/token"
    userinfo_url = f"{realm.issuer}/protocol/openid-connect/userinfo"
    plain = OAuth2Session(client=BackendApplicationClient(client_id=SERVICE_ID))
    token = plain.fetch_token(token_url, client_id=SERVICE_ID, client_secret=SERVICE_SECRET)
    assert token["token_type"].lower() == "bearer"
    assert "refresh_token" not in token
    refused = plain.get(userinfo_url, timeout=10)
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]  # OAuth2Error: no body

    oidc = OAuth2Session(client=BackendApplicationClient(client_id=SERVICE_ID, scope=["openid"]))
    oidc.fetch_token(token_url, client_id=SERVICE_ID, client_secret=SERVICE_SECRET)
    userinfo = oidc.get(userinfo_url, timeout=10)
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["preferred_username"] == f"service-account-{SERVICE_ID}"

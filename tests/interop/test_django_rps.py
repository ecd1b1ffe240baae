"""Django relying parties nobody here wrote, against a real ``doorkeep start-dev``: mozilla-django-oidc (code flow
with PKCE, the ID token against the JWKS in RS256 and ES256, userinfo, its SessionRefresh middleware's
``prompt=none``, logout through the end-session endpoint with ``id_token_hint``), django-allauth's ``openid_connect``
provider (discovery, PKCE, offline tokens stored, its ID token verification against the JWKS) and python-social-auth
(``OpenIdConnectAuth``: PKCE, nonce, at_hash, the JWKS, a refreshed offline token; ``KeycloakOAuth2``: the access
token verified with the realm's ``public_key``). The Django project is ``django_rp_settings``'s, served by Django's test
``Client``; the Doorkeep login form is a browser's, httpx with a cookie jar."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import django
import httpx
import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from social_core.exceptions import AuthResponseError

from browser_flow import form_action, form_fields
from interop.django_rp_settings import HOST, settings_for
from interop.rp_realm import AdminRealm
from interop.server import DoorkeepProcess

pytestmark = [
    pytest.mark.interop,
    # social-core imports python3-openid 3.2.0 (its OpenID 2 store, unused here), which imports defusedxml's
    # deprecated cElementTree: a warning of third-party code, raised once at Django's set-up
    pytest.mark.filterwarnings("ignore:defusedxml.cElementTree is deprecated:DeprecationWarning"),
]

USERNAME, PASSWORD, EMAIL = "bob", "bob-password", "bob@example.org"
ES256 = {"id.token.signed.response.alg": "ES256"}
OWN_AUDIENCE = {
    "name": "own audience",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-audience-mapper",
    "config": {"included.client.audience": "keycloak-rp", "access.token.claim": "true"},
}
PASSWORD_GRANT = {"directAccessGrantsEnabled": True}  # an app's own ID tokens for allauth's token authentication
SETUP: dict[str, dict[str, Any]] = {  # what each client of the realm has besides the common part
    "mozilla": {},
    "mozilla-es": {"attributes": {**ES256, "user.info.response.signature.alg": "ES256"}},
    "allauth": PASSWORD_GRANT,
    "es": {**PASSWORD_GRANT, "attributes": ES256},
    "oidc": {},
    # KeycloakOAuth2 sends no code challenge, and checks that its access token names it in ``aud``
    "keycloak": {"attributes": {"pkce.code.challenge.method": ""}, "protocolMappers": [OWN_AUDIENCE]},
}
CLIENTS = {name: (f"{name}-rp", f"{name}-rp-secret") for name in SETUP}


class Realm(AdminRealm):
    """A realm of the module's server: ``bob``, and the confidential clients of SETUP (any ``testserver`` redirect,
    PKCE S256 enforced unless said otherwise)."""

    def __init__(self, server: DoorkeepProcess) -> None:
        super().__init__(server, "django")
        user = {"username": USERNAME, "enabled": True, "firstName": "Bob", "lastName": "Builder", "email": EMAIL}
        password = {"type": "password", "value": PASSWORD, "temporary": False}
        self.admin("POST", f"/{self.name}/users", {**user, "emailVerified": True, "credentials": [password]})
        for name, (client_id, secret) in CLIENTS.items():
            common = {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"}
            setup = SETUP[name]
            client = {"clientId": client_id, "secret": secret, "redirectUris": [f"{HOST}/*"], **setup}
            self.admin(
                "POST", f"/{self.name}/clients", {**client, "attributes": {**common, **setup.get("attributes", {})}}
            )

    def token(self, client: str, **form: str) -> dict[str, Any]:
        """The token endpoint's answer to ``form`` from ``client`` (a key of CLIENTS), which must be a 200."""
        client_id, secret = CLIENTS[client]
        url = f"{self.issuer}/protocol/openid-connect/token"
        answer = requests.post(url, data={**form, "client_id": client_id, "client_secret": secret}, timeout=20)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


@pytest.fixture(scope="module")
def realm(module_server: DoorkeepProcess, tmp_path_factory: pytest.TempPathFactory) -> Realm:
    """The realm, and the Django project set up for it (once a process: Django's settings are global)."""
    realm = Realm(module_server)
    public_key = requests.get(realm.issuer, timeout=20).json()["public_key"]
    database = tmp_path_factory.mktemp("django") / "db.sqlite3"
    assert not settings.configured, "one Django project a process"
    settings.configure(**settings_for(realm.issuer, database, {**CLIENTS, "allauth-es": CLIENTS["es"]}, public_key))
    django.setup()
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    return realm


@pytest.fixture
def site(realm: Realm) -> Client:
    """A browser's view of the Django project, with no Django user left from another test (each library would
    otherwise find ``bob`` another one made)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()
    return Client()


@pytest.fixture
def browser() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=20) as client:
        yield client


def at_doorkeep(browser: httpx.Client, authorization_url: str) -> str:
    """Open ``authorization_url``, fill Doorkeep's login form as ``bob`` if it shows one, and return where Doorkeep
    sends the browser back (not followed)."""
    page = browser.get(authorization_url)
    if page.status_code == 200:
        fields = {**form_fields(page.text), "username": USERNAME, "password": PASSWORD}
        page = browser.post(form_action(page.text), data=fields)
    assert page.status_code == 302, page.text[:500]
    location = page.headers["location"]
    assert location.startswith(f"{HOST}/"), location
    return location


def sign_in(site: Client, browser: httpx.Client, start: str, realm: Realm) -> tuple[dict[str, list[str]], Any]:
    """Start the library's sign-in at ``start`` (with a POST for social-auth, whose begin view takes no GET), log in
    at Doorkeep, and hand its redirect to the library's callback: the authorization request's parameters and the
    callback's response."""
    begun = site.post(start) if start.startswith("/social/") else site.get(start)
    assert begun.status_code == 302, begun.content[:500]
    authorization_url = begun["Location"]
    assert authorization_url.startswith(f"{realm.issuer}/protocol/openid-connect/auth?"), authorization_url
    callback = at_doorkeep(browser, authorization_url)
    assert "code" in parse_qs(urlsplit(callback).query), callback
    return parse_qs(urlsplit(authorization_url).query), site.get(callback)


def whoami(site: Client) -> dict[str, Any]:
    answer = site.get("/whoami/")
    assert answer.status_code == 200, answer.status_code
    return dict(answer.json())


BOB = {"username": USERNAME, "email": EMAIL, "first_name": "Bob", "last_name": "Builder"}


def test_mozilla_django_oidc_signs_in_with_pkce_and_makes_the_user_from_userinfo(
    site: Client, browser: httpx.Client, realm: Realm
) -> None:
    request, answer = sign_in(site, browser, "/oidc/authenticate/?next=/whoami/", realm)
    assert request["code_challenge_method"] == ["S256"] and request["nonce"]
    assert answer.status_code == 302 and answer["Location"] == "/whoami/"  # its nonce, the JWKS and userinfo passed
    assert whoami(site) == BOB
    id_token = site.session["oidc_id_token"]
    assert jwt.get_unverified_header(id_token)["alg"] == "RS256"
    claims = jwt.decode(id_token, options={"verify_signature": False})
    assert (claims["iss"], claims["aud"], claims["nonce"]) == (realm.issuer, CLIENTS["mozilla"][0], request["nonce"][0])


def test_mozilla_django_oidc_verifies_an_es256_id_token_and_refuses_an_unexpected_algorithm(
    site: Client, browser: httpx.Client, realm: Realm
) -> None:
    """mozilla-es-rp signs its ID tokens and its userinfo (``application/jwt``, which mozilla-django-oidc verifies
    like the ID token) with ES256."""
    with override_settings(OIDC_RP_CLIENT_ID=CLIENTS["mozilla-es"][0], OIDC_RP_CLIENT_SECRET=CLIENTS["mozilla-es"][1]):
        with override_settings(OIDC_RP_SIGN_ALGO="ES256"):
            _, answer = sign_in(site, browser, "/oidc/authenticate/", realm)
            assert answer.status_code == 302 and answer["Location"] == "/whoami/"
            assert jwt.get_unverified_header(site.session["oidc_id_token"])["alg"] == "ES256"
            assert whoami(site) == BOB
            userinfo = requests.get(
                f"{realm.issuer}/protocol/openid-connect/userinfo",
                headers={"Authorization": f"Bearer {site.session['oidc_access_token']}"},
                timeout=20,
            )
            assert userinfo.headers["content-type"] == "application/jwt"
            assert jwt.get_unverified_header(userinfo.text)["alg"] == "ES256"
        site.logout()
        _, refused = sign_in(site, browser, "/oidc/authenticate/", realm)  # still RS256 expected
        assert refused.status_code == 400  # SuspiciousOperation: the provider's alg is not OIDC_RP_SIGN_ALGO
        assert site.get("/whoami/").status_code == 401


def test_mozilla_django_oidc_session_refresh_renews_silently_with_prompt_none(
    site: Client, browser: httpx.Client, realm: Realm
) -> None:
    sign_in(site, browser, "/oidc/authenticate/", realm)
    first_id_token = site.session["oidc_id_token"]
    session = site.session
    session["oidc_id_token_expiration"] = 0  # as if OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS had passed
    session.save()
    renew = site.get("/whoami/")
    assert renew.status_code == 302
    query = parse_qs(urlsplit(renew["Location"]).query)
    assert query["prompt"] == ["none"] and query["code_challenge_method"] == ["S256"]
    silent = browser.get(renew["Location"])  # Doorkeep's SSO session answers at once, with no form
    assert silent.status_code == 302, silent.text[:500]
    callback = silent.headers["location"]
    assert "code" in parse_qs(urlsplit(callback).query), callback
    back = site.get(callback)
    assert back.status_code == 302 and back["Location"] == "/whoami/"
    assert site.session["oidc_id_token"] != first_id_token
    assert site.session["oidc_id_token_expiration"] > time.time()
    assert whoami(site) == BOB


def test_mozilla_django_oidc_logout_ends_the_doorkeep_session_with_the_id_token_hint(
    site: Client, browser: httpx.Client, realm: Realm
) -> None:
    sign_in(site, browser, "/oidc/authenticate/", realm)
    sid = jwt.decode(site.session["oidc_id_token"], options={"verify_signature": False})["sid"]
    assert sid in realm.session_ids(USERNAME)
    logout = site.post("/oidc/logout/")
    assert logout.status_code == 302
    end_session = logout["Location"]
    assert end_session.startswith(f"{realm.issuer}/protocol/openid-connect/logout?id_token_hint=")
    answer = browser.get(end_session)
    assert answer.status_code == 302 and answer.headers["location"] == f"{HOST}/"
    assert sid not in realm.session_ids(USERNAME)
    assert site.get("/whoami/").status_code == 401

    # signed in again, the session refresh now meets no Doorkeep session: login_required, and Django's ends too
    sign_in(site, browser, "/oidc/authenticate/", realm)
    sid = jwt.decode(site.session["oidc_id_token"], options={"verify_signature": False})["sid"]
    realm.admin("DELETE", f"/{realm.name}/sessions/{sid}")  # an admin ends it
    session = site.session
    session["oidc_id_token_expiration"] = 0
    session.save()
    renew = site.get("/whoami/")
    refused = browser.get(renew["Location"])
    assert refused.status_code == 302, refused.text[:300]
    assert parse_qs(urlsplit(refused.headers["location"]).query)["error"] == ["login_required"]
    site.get(refused.headers["location"])
    assert site.get("/whoami/").status_code == 401


def test_allauth_signs_in_with_pkce_and_stores_an_offline_refresh_token(
    site: Client, browser: httpx.Client, realm: Realm
) -> None:
    from allauth.socialaccount.models import SocialAccount, SocialToken

    request, answer = sign_in(site, browser, "/accounts/oidc/doorkeep/login/", realm)
    assert request["code_challenge_method"] == ["S256"]
    assert set(request["scope"][0].split()) == {"openid", "profile", "email", "offline_access"}
    assert answer.status_code == 302 and answer["Location"] == "/whoami/", answer.content[:500]
    assert whoami(site) == BOB
    account = SocialAccount.objects.get(provider="doorkeep")
    assert account.uid == account.extra_data["id_token"]["sub"] == account.extra_data["userinfo"]["sub"]
    assert account.extra_data["userinfo"]["name"] == "Bob Builder"
    token = SocialToken.objects.get(account=account)
    offline = jwt.decode(token.token_secret, options={"verify_signature": False})
    assert offline["typ"] == "Offline"
    assert offline["sid"] in realm.session_ids(USERNAME, offline_client=CLIENTS["allauth"][0])
    refreshed = realm.token("allauth", grant_type="refresh_token", refresh_token=token.token_secret)
    assert refreshed["refresh_expires_in"] == 0  # offline again


def test_allauth_verifies_id_tokens_against_the_jwks_in_rs256_and_es256(site: Client, realm: Realm) -> None:
    """allauth's token authentication (an app hands it an ID token, as its headless API does): the signature against
    the realm's JWKS, the issuer and the audience. (Its code flow checks the issuer, audience and expiry of the ID
    token it fetched itself but not its signature, as OIDC Core 3.1.3.7 allows over TLS.)"""
    from allauth.socialaccount.adapter import get_adapter
    from django.core.exceptions import ValidationError

    request = RequestFactory().get("/")
    password = {"grant_type": "password", "username": USERNAME, "password": PASSWORD, "scope": "openid"}
    for app, client, alg in (("doorkeep", "allauth", "RS256"), ("doorkeep-es", "es", "ES256")):
        id_token = realm.token(client, **password)["id_token"]
        assert jwt.get_unverified_header(id_token)["alg"] == alg
        login = get_adapter().get_provider(request, app).verify_token(request, {"id_token": id_token})
        assert login.account.uid == jwt.decode(id_token, options={"verify_signature": False})["sub"]
        assert login.user.email == EMAIL

    head, payload, signature = id_token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(ValidationError):
        get_adapter().get_provider(request, "doorkeep-es").verify_token(request, {"id_token": forged})
    with pytest.raises(ValidationError):  # es-rp's ID token handed to allauth-rp's app: not its audience
        get_adapter().get_provider(request, "doorkeep").verify_token(request, {"id_token": id_token})


def test_social_auth_openid_connect_signs_in_with_pkce_and_refreshes_its_offline_token(
    site: Client, browser: httpx.Client, realm: Realm
) -> None:
    from social_django.models import UserSocialAuth
    from social_django.utils import load_strategy

    request, answer = sign_in(site, browser, "/social/login/oidc/", realm)
    assert request["code_challenge_method"] == ["S256"] and request["nonce"]
    assert "offline_access" in request["scope"][0].split()
    assert answer.status_code == 302 and answer["Location"] == "/whoami/", answer.content[:500]
    assert whoami(site) == BOB
    social = UserSocialAuth.objects.get(provider="oidc")
    offline = jwt.decode(social.extra_data["refresh_token"], options={"verify_signature": False})
    assert social.uid == offline["sub"] and offline["typ"] == "Offline"
    assert offline["sid"] in realm.session_ids(USERNAME, offline_client=CLIENTS["oidc"][0])

    before = dict(social.extra_data)
    social.refresh_token(load_strategy())  # the refreshed ID token verified too: signature, at_hash, continuity
    social.refresh_from_db()
    assert social.extra_data["access_token"] != before["access_token"]
    assert social.extra_data["id_token"] != before["id_token"]


def test_social_auth_openid_connect_verifies_es256_only_when_told_to(
    site: Client, browser: httpx.Client, realm: Realm
) -> None:
    es = {"SOCIAL_AUTH_OIDC_KEY": CLIENTS["es"][0], "SOCIAL_AUTH_OIDC_SECRET": CLIENTS["es"][1]}
    with override_settings(**es, SOCIAL_AUTH_OIDC_JWT_ALGORITHMS=["ES256"]):
        _, answer = sign_in(site, browser, "/social/login/oidc/", realm)
        assert answer.status_code == 302 and answer["Location"] == "/whoami/", answer.content[:500]
        assert whoami(site) == BOB
    site.logout()
    with override_settings(**es), pytest.raises(AuthResponseError) as refused:  # RS256 expected, its default
        sign_in(site, browser, "/social/login/oidc/", realm)
    assert refused.value.code == "invalid_signature"


def test_social_auth_keycloak_backend_verifies_the_access_token_with_the_realm_public_key(
    site: Client, browser: httpx.Client, realm: Realm
) -> None:
    from social_django.models import UserSocialAuth
    from social_django.utils import load_strategy

    _, answer = sign_in(site, browser, "/social/login/keycloak/", realm)
    assert answer.status_code == 302 and answer["Location"] == "/whoami/", answer.content[:500]
    assert whoami(site) == BOB
    social = UserSocialAuth.objects.get(provider="keycloak")
    assert social.uid == EMAIL  # SOCIAL_AUTH_KEYCLOAK_ID_KEY
    before = social.extra_data["access_token"]
    social.refresh_token(load_strategy())
    social.refresh_from_db()
    assert social.extra_data["access_token"] != before

    site.logout()
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    der = other_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    not_the_realms = override_settings(SOCIAL_AUTH_KEYCLOAK_PUBLIC_KEY=base64.b64encode(der).decode())
    with not_the_realms, pytest.raises(AuthResponseError) as refused:
        sign_in(site, browser, "/social/login/keycloak/", realm)
    assert refused.value.code == "invalid_signature"

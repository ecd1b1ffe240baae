"""python-keycloak 7.1.1's own ``tests/test_keycloak_openid.py`` and ``tests/test_pkce_flow.py``, ported to a real
``doorkeep start-dev`` (one server per module, SQLite, or PostgreSQL with ``DOORKEEP_WIRE_ENGINE=postgresql``).

Each function is named after the upstream test it ports; the realm, clients and users are set up through
Doorkeep's admin REST API the way upstream's ``tests/conftest.py`` sets them up in Keycloak (a random realm per
test, a random client, a random user with a password). Upstream runs Keycloak with ``--features=
admin-fine-grained-authz:v1,token-exchange:v1``; Doorkeep reproduces Keycloak 26's defaults, where both are off,
so where an upstream expectation needs them the port asserts Keycloak 26's default answer and says so.

Not ported, because Doorkeep has no Authorization Services (no ``authz/resource-server`` admin API, no UMA
``uma-ticket`` grant, no ``requesting_party_token`` introspection provider), which upstream's
``oid_with_credentials_authz`` fixture needs before any of these runs:
``test_entitlement``, ``test_load_authorization_config``, ``test_get_policies``, ``test_get_permissions``,
``test_uma_permissions``, ``test_has_uma_access`` and their ``test_a_*`` variants.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from inspect import iscoroutinefunction, signature
from typing import Any
from unittest import mock

import jwcrypto.jwk
import jwcrypto.jws
import jwcrypto.jwt
import pytest
import requests
from keycloak import KeycloakAdmin, KeycloakOpenID
from keycloak.authorization import Authorization
from keycloak.connection import ConnectionManager
from keycloak.exceptions import KeycloakAuthenticationError, KeycloakPostError, KeycloakRPTNotFound
from keycloak.pkce_utils import generate_code_challenge, generate_code_verifier

from interop.python_keycloak_support import admin_of, body_of, client_with_user, new_realm, public_client
from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess

pytestmark = pytest.mark.interop

Credentials = tuple[KeycloakOpenID, str, str]

# conftest's token(): the keys of a password grant's answer (Keycloak's AccessTokenResponse with an ID token)
TOKEN_RESPONSE = {
    "access_token": mock.ANY,
    "expires_in": mock.ANY,
    "id_token": mock.ANY,
    "not-before-policy": 0,
    "refresh_expires_in": mock.ANY,
    "refresh_token": mock.ANY,
    "scope": mock.ANY,
    "session_state": mock.ANY,
    "token_type": "Bearer",
}

# upstream's test_well_known list: every key Keycloak 26's discovery document has
WELL_KNOWN_KEYS = [
    "acr_values_supported",
    "authorization_encryption_alg_values_supported",
    "authorization_encryption_enc_values_supported",
    "authorization_endpoint",
    "authorization_signing_alg_values_supported",
    "backchannel_authentication_endpoint",
    "backchannel_authentication_request_signing_alg_values_supported",
    "backchannel_logout_session_supported",
    "backchannel_logout_supported",
    "backchannel_token_delivery_modes_supported",
    "check_session_iframe",
    "claim_types_supported",
    "claims_parameter_supported",
    "claims_supported",
    "code_challenge_methods_supported",
    "device_authorization_endpoint",
    "end_session_endpoint",
    "frontchannel_logout_session_supported",
    "frontchannel_logout_supported",
    "grant_types_supported",
    "id_token_encryption_alg_values_supported",
    "id_token_encryption_enc_values_supported",
    "id_token_signing_alg_values_supported",
    "introspection_endpoint",
    "introspection_endpoint_auth_methods_supported",
    "introspection_endpoint_auth_signing_alg_values_supported",
    "issuer",
    "jwks_uri",
    "mtls_endpoint_aliases",
    "pushed_authorization_request_endpoint",
    "registration_endpoint",
    "request_object_encryption_alg_values_supported",
    "request_object_encryption_enc_values_supported",
    "request_object_signing_alg_values_supported",
    "request_parameter_supported",
    "request_uri_parameter_supported",
    "require_pushed_authorization_requests",
    "require_request_uri_registration",
    "response_modes_supported",
    "response_types_supported",
    "revocation_endpoint",
    "revocation_endpoint_auth_methods_supported",
    "revocation_endpoint_auth_signing_alg_values_supported",
    "scopes_supported",
    "subject_types_supported",
    "tls_client_certificate_bound_access_tokens",
    "token_endpoint",
    "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg_values_supported",
    "userinfo_encryption_alg_values_supported",
    "userinfo_encryption_enc_values_supported",
    "userinfo_endpoint",
    "userinfo_signing_alg_values_supported",
]

# Keycloak lists nothing Doorkeep does not serve (CIBA is served since oauth/ciba/): every key is there.
NOT_ADVERTISED: set[str] = set()

# Keycloak 26 with token-exchange:v1 off: StandardTokenExchangeProvider.supports refuses impersonation first
REQUESTED_SUBJECT_REFUSED = {
    "error": "invalid_request",
    "error_description": "Parameter 'requested_subject' is not supported for standard token exchange",
}
# UserInfoEndpoint once logout ended the session: 401, OAuth2Error.json(false)'s empty body, the error in the bearer
# challenge, described by findValidSessionForAccessToken's Errors code (Keycloak 26's invalidToken(getError()))
SESSION_GONE = 'error="invalid_token", error_description="user_session_not_found"'


@pytest.fixture
def server(module_server: DoorkeepProcess) -> DoorkeepProcess:
    return module_server


@pytest.fixture
def admin(server: DoorkeepProcess) -> KeycloakAdmin:
    return admin_of(server)


@pytest.fixture
def realm(server: DoorkeepProcess) -> str:
    return new_realm(server)


@pytest.fixture
def oid(server: DoorkeepProcess, realm: str) -> KeycloakOpenID:
    return public_client(server, realm)


@pytest.fixture
def oid_with_credentials(server: DoorkeepProcess, realm: str) -> Credentials:
    return client_with_user(server, realm)


@pytest.fixture
def oid_with_credentials_device(server: DoorkeepProcess, realm: str) -> Credentials:
    return client_with_user(server, realm, {"oauth2.device.authorization.grant.enabled": True})


# The async tests' clients: python-keycloak's httpx AsyncClient binds to the test's event loop, so it is closed
# in that loop at teardown (an unclosed transport is a ResourceWarning, an error here).
@pytest.fixture
async def a_admin(admin: KeycloakAdmin) -> AsyncIterator[KeycloakAdmin]:
    yield admin
    await admin.connection.aclose()
    await admin.connection.keycloak_openid.connection.aclose()  # the one that fetched the admin's token


@pytest.fixture
async def a_oid(oid: KeycloakOpenID) -> AsyncIterator[KeycloakOpenID]:
    yield oid
    await oid.connection.aclose()


@pytest.fixture
async def a_oid_with_credentials(oid_with_credentials: Credentials) -> AsyncIterator[Credentials]:
    yield oid_with_credentials
    await oid_with_credentials[0].connection.aclose()


@pytest.fixture
async def a_oid_with_credentials_device(oid_with_credentials_device: Credentials) -> AsyncIterator[Credentials]:
    yield oid_with_credentials_device
    await oid_with_credentials_device[0].connection.aclose()


def userinfo_of(username: str) -> dict[str, Any]:
    return {
        "email": f"{username}@test.test",
        "email_verified": True,
        "family_name": "last",
        "given_name": "first",
        "name": "first last",
        "preferred_username": username,
        "sub": mock.ANY,
    }


def assert_session_gone(
    server: DoorkeepProcess, oid: KeycloakOpenID, refused: KeycloakAuthenticationError, token: str
) -> None:
    """python-keycloak's error carries the status and the (empty) body; the challenge is read with a raw call."""
    assert (refused.response_code, refused.response_body) == (401, b"")
    url = f"{server.base_url}/realms/{oid.realm_name}/protocol/openid-connect/userinfo"
    answer = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == f'Bearer realm="{oid.realm_name}", {SESSION_GONE}'


def realm_admin(admin: KeycloakAdmin, oid: KeycloakOpenID) -> tuple[KeycloakAdmin, str]:
    """The admin on the client's realm, and the client's internal id."""
    admin.change_current_realm(oid.realm_name)
    client_uuid = admin.get_client_id(oid.client_id)
    assert client_uuid is not None
    return admin, client_uuid


def set_client_attributes(admin: KeycloakAdmin, oid: KeycloakOpenID, attributes: dict[str, str]) -> None:
    admin, client_uuid = realm_admin(admin, oid)
    client = admin.get_client(client_uuid)
    client["attributes"].update(attributes)
    assert admin.update_client(client_uuid, client) == {}


def grant_impersonation(admin: KeycloakAdmin, oid: KeycloakOpenID, username: str) -> None:
    """Upstream's step before the exchange: realm-management's ``impersonation`` role for the user."""
    admin.change_current_realm(oid.realm_name)
    user_id = admin.get_user_id(username)
    management = admin.get_client_id("realm-management")
    assert user_id is not None and management is not None
    role = admin.get_client_role(management, "impersonation")
    admin.assign_client_role(user_id=user_id, client_id=management, roles=[role])


def pem_key(public_key: str) -> jwcrypto.jwk.JWK:
    return jwcrypto.jwk.JWK.from_pem(f"-----BEGIN PUBLIC KEY-----\n{public_key}\n-----END PUBLIC KEY-----".encode())


def auth_url_of(server: DoorkeepProcess, oid: KeycloakOpenID) -> str:
    return (
        f"{server.base_url}/realms/{oid.realm_name}/protocol/openid-connect/auth?client_id={oid.client_id}"
        "&response_type=code&redirect_uri=http://test.test/*&scope=email&state=&nonce="
    )


def device_answer(server: DoorkeepProcess, oid: KeycloakOpenID, answer: dict[str, Any]) -> dict[str, Any]:
    """Upstream's expectation, its ``http://localhost:8081`` (the Keycloak it starts) being this server."""
    device = f"{server.base_url}/realms/{oid.realm_name}/device"
    return {
        "device_code": mock.ANY,
        "user_code": mock.ANY,
        "verification_uri": device,
        "verification_uri_complete": f"{device}?user_code={answer['user_code']}",
        "expires_in": 600,
        "interval": 5,
    }


def test_keycloak_openid_init(server: DoorkeepProcess) -> None:
    oid = KeycloakOpenID(server_url=server.base_url, realm_name="master", client_id="admin-cli", pool_maxsize=5)
    assert oid.client_id == "admin-cli"
    assert oid.client_secret_key is None
    assert oid.realm_name == "master"
    assert isinstance(oid.connection, ConnectionManager)
    assert isinstance(oid.authorization, Authorization)
    assert oid.connection.pool_maxsize == 5
    assert (
        KeycloakOpenID(server_url=server.base_url, realm_name="master", client_id="x").connection.pool_maxsize is None
    )


def test_well_known(oid: KeycloakOpenID) -> None:
    document = oid.well_known()
    assert {key for key in WELL_KNOWN_KEYS if key not in document} == NOT_ADVERTISED


def test_auth_url(server: DoorkeepProcess, oid: KeycloakOpenID) -> None:
    assert oid.auth_url(redirect_uri="http://test.test/*") == auth_url_of(server, oid)


def test_token(oid_with_credentials: Credentials) -> None:
    oid, username, password = oid_with_credentials
    assert oid.token(username=username, password=password) == TOKEN_RESPONSE
    assert oid.token(username=username, password=password, totp=123456) == TOKEN_RESPONSE  # no OTP: ignored
    assert oid.token(username=username, password=password, extra_param="foo") == TOKEN_RESPONSE


def test_client_signed_response(admin: KeycloakAdmin, oid_with_credentials: Credentials) -> None:
    oid, username, password = oid_with_credentials
    set_client_attributes(admin, oid, {"user.info.response.signature.alg": "ES256"})
    token = oid.token(username, password)
    signed = oid.userinfo(token["access_token"])
    assert isinstance(signed, bytes)  # application/jwt
    claims = oid.decode_token(signed.decode())  # verified with the realm's (new) ES256 key from its certs
    assert claims["preferred_username"] == username
    assert claims["aud"] == oid.client_id


def test_exchange_token(oid_with_credentials: Credentials, admin: KeycloakAdmin) -> None:
    # Upstream impersonates through token-exchange:v1, a preview feature it switches on; Keycloak 26's default
    # (standard token exchange V2 only) refuses ``requested_subject`` before anything else, as asserted here.
    oid, username, password = oid_with_credentials
    grant_impersonation(admin, oid, username)
    token = oid.token(username=username, password=password)
    assert oid.userinfo(token=token["access_token"]) == userinfo_of(username)
    with pytest.raises(KeycloakPostError) as refused:
        oid.exchange_token(token=token["access_token"], audience=oid.client_id, subject=username)
    assert refused.value.response_code == 400
    assert body_of(refused.value) == REQUESTED_SUBJECT_REFUSED


def test_logout(server: DoorkeepProcess, oid_with_credentials: Credentials) -> None:
    oid, username, password = oid_with_credentials
    token = oid.token(username=username, password=password)
    assert oid.userinfo(token=token["access_token"]) != {}
    assert oid.logout(refresh_token=token["refresh_token"]) == {}
    with pytest.raises(KeycloakAuthenticationError) as refused:
        oid.userinfo(token=token["access_token"])
    assert_session_gone(server, oid, refused.value, token["access_token"])


def test_certs(oid: KeycloakOpenID) -> None:
    # Keycloak's new realm has two: rsa-generated (sig, RS256) and rsa-enc-generated (enc, RSA-OAEP).
    keys = oid.certs()["keys"]
    assert sorted((key["use"], key["alg"], key["kty"]) for key in keys) == [
        ("enc", "RSA-OAEP", "RSA"),
        ("sig", "RS256", "RSA"),
    ]


def test_public_key(oid: KeycloakOpenID) -> None:
    signing = next(key for key in oid.certs()["keys"] if key["use"] == "sig")
    assert pem_key(oid.public_key())["n"] == signing["n"]  # the realm's RS256 key, as the realm page shows it


def test_introspect(oid_with_credentials: Credentials) -> None:
    oid, username, password = oid_with_credentials
    token = oid.token(username=username, password=password)
    assert oid.introspect(token=token["access_token"])["active"]
    assert oid.introspect(token=token["access_token"], rpt="some", token_type_hint="requesting_party_token") == {
        "active": False
    }
    with pytest.raises(KeycloakRPTNotFound):  # python-keycloak's own check: no RPT, no request
        oid.introspect(token=token["access_token"], token_type_hint="requesting_party_token")
    # beyond upstream: the RPT provider on an active token answers a few of its claims, no roles, no user
    access = oid.decode_token(token["access_token"], validate=False)
    as_rpt = oid.introspect(token="-", rpt=token["access_token"], token_type_hint="requesting_party_token")
    assert as_rpt == {
        **{k: access[k] for k in ("jti", "exp", "iat", "aud", "typ", "acr") if k in access},
        "active": True,
    }


def test_decode_token(oid_with_credentials: Credentials) -> None:
    oid, username, password = oid_with_credentials
    token = oid.token(username=username, password=password)
    access = oid.decode_token(token=token["access_token"])
    assert access == oid.decode_token(token=token["access_token"], validate=False)
    assert access["preferred_username"] == username, access
    assert oid.decode_token(token=token["refresh_token"], validate=False)["typ"] == "Refresh"


def test_decode_token_invalid_token(oid_with_credentials: Credentials) -> None:
    oid, username, password = oid_with_credentials
    access_token = oid.token(username=username, password=password)["access_token"]
    decoded = oid.decode_token(token=access_token)
    key = pem_key(oid.public_key())
    tampered = access_token + "a"
    with pytest.raises(jwcrypto.jwt.JWTMissingKey):  # no key of the realm's JWKS verifies it
        oid.decode_token(token=tampered, validate=True)
    with pytest.raises(jwcrypto.jws.InvalidJWSSignature):
        oid.decode_token(token=tampered, validate=True, key=key)
    assert oid.decode_token(token=tampered, validate=False) == decoded
    assert oid.decode_token(token=tampered, validate=False, key=key) == decoded


def test_device(server: DoorkeepProcess, oid_with_credentials_device: Credentials) -> None:
    oid, _, _ = oid_with_credentials_device
    answer = oid.device()
    assert answer == device_answer(server, oid, answer)


@pytest.mark.anyio
async def test_a_well_known(a_oid: KeycloakOpenID) -> None:
    document = await a_oid.a_well_known()
    assert {key for key in WELL_KNOWN_KEYS if key not in document} == NOT_ADVERTISED


@pytest.mark.anyio
async def test_a_auth_url(server: DoorkeepProcess, a_oid: KeycloakOpenID) -> None:
    assert await a_oid.a_auth_url(redirect_uri="http://test.test/*") == auth_url_of(server, a_oid)


@pytest.mark.anyio
async def test_a_token(a_oid_with_credentials: Credentials) -> None:
    oid, username, password = a_oid_with_credentials
    assert await oid.a_token(username=username, password=password) == TOKEN_RESPONSE
    assert await oid.a_token(username=username, password=password, totp=123456) == TOKEN_RESPONSE
    assert await oid.a_token(username=username, password=password, extra_param="foo") == TOKEN_RESPONSE


@pytest.mark.anyio
async def test_a_client_signed_response(a_admin: KeycloakAdmin, a_oid_with_credentials: Credentials) -> None:
    oid, username, password = a_oid_with_credentials
    await a_admin.a_change_current_realm(oid.realm_name)
    client_uuid = await a_admin.a_get_client_id(oid.client_id)
    assert client_uuid is not None
    client = await a_admin.a_get_client(client_id=client_uuid)
    client["attributes"]["user.info.response.signature.alg"] = "ES256"
    await a_admin.a_update_client(client_id=client_uuid, payload=client)
    token = await oid.a_token(username, password)
    signed = await oid.a_userinfo(token["access_token"])
    assert isinstance(signed, bytes)
    assert (await oid.a_decode_token(signed.decode()))["preferred_username"] == username


@pytest.mark.anyio
async def test_a_exchange_token(a_oid_with_credentials: Credentials, a_admin: KeycloakAdmin) -> None:
    # as test_exchange_token: Keycloak 26's default refuses the impersonation upstream's preview feature allows
    oid, username, password = a_oid_with_credentials
    grant_impersonation(a_admin, oid, username)
    token = await oid.a_token(username=username, password=password)
    assert await oid.a_userinfo(token=token["access_token"]) == userinfo_of(username)
    with pytest.raises(KeycloakPostError) as refused:
        await oid.a_exchange_token(token=token["access_token"], audience=oid.client_id, subject=username)
    assert refused.value.response_code == 400
    assert body_of(refused.value) == REQUESTED_SUBJECT_REFUSED


@pytest.mark.anyio
async def test_a_logout(server: DoorkeepProcess, a_oid_with_credentials: Credentials) -> None:
    oid, username, password = a_oid_with_credentials
    token = await oid.a_token(username=username, password=password)
    assert await oid.a_userinfo(token=token["access_token"]) != {}
    assert await oid.a_logout(refresh_token=token["refresh_token"]) == {}
    with pytest.raises(KeycloakAuthenticationError) as refused:
        await oid.a_userinfo(token=token["access_token"])
    assert_session_gone(server, oid, refused.value, token["access_token"])


@pytest.mark.anyio
async def test_a_certs(a_oid: KeycloakOpenID) -> None:
    assert len((await a_oid.a_certs())["keys"]) == 2  # as test_certs: the signing key and the RSA-OAEP one


@pytest.mark.anyio
async def test_a_public_key(a_oid: KeycloakOpenID) -> None:
    assert pem_key(await a_oid.a_public_key())["kty"] == "RSA"


@pytest.mark.anyio
async def test_a_introspect(a_oid_with_credentials: Credentials) -> None:
    oid, username, password = a_oid_with_credentials
    token = await oid.a_token(username=username, password=password)
    assert (await oid.a_introspect(token=token["access_token"]))["active"]
    inactive = await oid.a_introspect(token=token["access_token"], rpt="some", token_type_hint="requesting_party_token")
    assert inactive == {"active": False}
    with pytest.raises(KeycloakRPTNotFound):
        await oid.a_introspect(token=token["access_token"], token_type_hint="requesting_party_token")


@pytest.mark.anyio
async def test_a_decode_token(a_oid_with_credentials: Credentials) -> None:
    oid, username, password = a_oid_with_credentials
    token = await oid.a_token(username=username, password=password)
    access = await oid.a_decode_token(token=token["access_token"])
    assert access == await oid.a_decode_token(token=token["access_token"], validate=False)
    assert access["preferred_username"] == username, access
    assert (await oid.a_decode_token(token=token["refresh_token"], validate=False))["typ"] == "Refresh"


@pytest.mark.anyio
async def test_a_decode_token_invalid_token(a_oid_with_credentials: Credentials) -> None:
    oid, username, password = a_oid_with_credentials
    access_token = (await oid.a_token(username=username, password=password))["access_token"]
    decoded = await oid.a_decode_token(token=access_token)
    key = pem_key(await oid.a_public_key())
    tampered = access_token + "a"
    with pytest.raises(jwcrypto.jwt.JWTMissingKey):
        await oid.a_decode_token(token=tampered, validate=True)
    with pytest.raises(jwcrypto.jws.InvalidJWSSignature):
        await oid.a_decode_token(token=tampered, validate=True, key=key)
    assert await oid.a_decode_token(token=tampered, validate=False) == decoded
    assert await oid.a_decode_token(token=tampered, validate=False, key=key) == decoded


@pytest.mark.anyio
async def test_a_device(server: DoorkeepProcess, a_oid_with_credentials_device: Credentials) -> None:
    oid, _, _ = a_oid_with_credentials_device
    answer = await oid.a_device()
    assert answer == device_answer(server, oid, answer)


def test_counter_part() -> None:
    """Every public method of KeycloakOpenID has an ``a_`` twin with the same parameters (no server needed)."""
    methods = [name for name in dir(KeycloakOpenID) if callable(getattr(KeycloakOpenID, name))]
    sync = [name for name in methods if not name.startswith(("a_", "_"))]
    for name in sync:
        assert f"a_{name}" in methods, name
        twin = signature(getattr(KeycloakOpenID, f"a_{name}")).parameters
        assert signature(getattr(KeycloakOpenID, name)).parameters == twin, name
    for name in methods:
        if iscoroutinefunction(getattr(KeycloakOpenID, name)) and not name[2:].startswith("_"):
            assert name[2:] in sync, name


def test_other_signing_methods(admin: KeycloakAdmin, oid_with_credentials: Credentials) -> None:
    oid, username, password = oid_with_credentials
    set_client_attributes(
        admin,
        oid,
        {
            "access.token.signed.response.alg": "RS512",
            "id.token.signed.response.alg": "RS512",
            "userinfo.signed.response.alg": "RS512",
        },
    )
    token = oid.token(username, password)
    claims = oid.decode_token(token["access_token"])  # verified with the realm's RS512 key, now in its certs
    assert claims["preferred_username"] == username
    assert jwcrypto.jws.JWS.from_jose_token(token["access_token"]).jose_header["alg"] == "RS512"


@pytest.mark.anyio
async def test_a_other_signing_methods(a_admin: KeycloakAdmin, a_oid_with_credentials: Credentials) -> None:
    oid, username, password = a_oid_with_credentials
    await a_admin.a_change_current_realm(oid.realm_name)
    client_uuid = await a_admin.a_get_client_id(oid.client_id)
    assert client_uuid is not None
    client = await a_admin.a_get_client(client_uuid)
    client["attributes"].update(
        {
            "access.token.signed.response.alg": "RS512",
            "id.token.signed.response.alg": "RS512",
            "userinfo.signed.response.alg": "RS512",
        }
    )
    assert await a_admin.a_update_client(client_uuid, client) == {}
    token = await oid.a_token(username, password)
    assert (await oid.a_decode_token(token["access_token"]))["preferred_username"] == username


@pytest.fixture
def pkce_client(admin: KeycloakAdmin) -> Iterator[str]:
    """test_pkce_flow's public client in master, deleted afterwards (master is shared by the module)."""
    admin.change_current_realm("master")
    client_uuid = admin.create_client(
        {
            "clientId": "pkce-test",
            "enabled": True,
            "publicClient": True,
            "standardFlowEnabled": True,
            "directAccessGrantsEnabled": False,
            "serviceAccountsEnabled": False,
            "implicitFlowEnabled": False,
            "redirectUris": ["http://test.test/callback"],
            "webOrigins": ["*"],
        }
    )
    yield "pkce-test"
    admin.delete_client(client_uuid)


def test_pkce_auth_url_and_token(server: DoorkeepProcess, pkce_client: str) -> None:
    oid = KeycloakOpenID(server_url=server.base_url, realm_name="master", client_id=pkce_client)
    verifier = generate_code_verifier()
    challenge, method = generate_code_challenge(verifier)
    url = oid.auth_url(
        redirect_uri="http://test.test/callback",
        code_challenge=challenge,
        code_challenge_method=method,
        scope="openid%20email",
    )
    assert f"code_challenge={challenge}" in url
    assert f"code_challenge_method={method}" in url

    with requests.Session() as browser:
        page = browser.get(url, allow_redirects=False, timeout=10)
        assert page.status_code == 200
        # upstream scrapes Keycloak's login form this way, action then method, and posts the action as it
        # stands in the HTML (``&amp;`` and all): the session code must come first in its query
        action = re.findall(r"action=\"(.*)\" method", page.text)[0]
        logged_in = browser.post(
            action,
            data={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
    assert logged_in.status_code == 302, logged_in.text
    code = urllib.parse.parse_qs(logged_in.headers["Location"])["code"][0]

    token = oid.token(
        grant_type="authorization_code", code=code, redirect_uri="http://test.test/callback", code_verifier=verifier
    )
    info = oid.userinfo(token["access_token"])
    assert isinstance(info, dict) and info["preferred_username"] == ADMIN_USERNAME

"""Keycloak's MutualTLSClientTest (the ``client-x509`` client authenticator, RFC 8705 §2.1 ``tls_client_auth``),
ported method by method (testsuite/integration-arquillian/tests/base/.../client/MutualTLSClientTest.java).

The app runs behind the nginx lookup (tests/mtls_port.py): "a client with the default keystore" sends
``client.jks``'s certificate and its intermediate CA as nginx forwards them, "the other keystore" sends
``other_client.jks``'s, "the OBB keystore" ``test-user-obb``'s. The user signs in with the browser flow first,
then the code is exchanged by the client authenticating with its certificate alone (no secret).

Beside the eleven Java methods, ``test_failed_client_invocation_with_proper_certificate_and_incorrect_ca_subject_dn``
ports the method of that name that Keycloak's newer test framework adds (AbstractMutualTLSClientTest), for the
``x509.casubjectdn`` attribute.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import mtls_port
from browser_flow import REDIRECT, code_from, start, submit
from group_port import fresh_realm
from keycloak_port import update_client
from mtls_port import (
    CA_DN,
    DEFAULT_DN,
    INTERMEDIATE_DN,
    OBB,
    presenting,
    with_default_certificate,
    with_other_certificate,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = mtls_port.anyio_backend, mtls_port.shared_env, mtls_port.env

CLIENT_ID = "confidential-x509"
DISABLED_CLIENT_ID = "confidential-disabled-x509"
EXACT_SUBJECT_DN_CLIENT_ID = "confidential-subjectdn-x509"
ISSUER_SUBJECT_DN_CLIENT_ID = "confidential-issuer-subjectdn-x509"
OBB_SUBJECT_DN_CLIENT_ID = "obb-subjectdn-x509"
USER = "keycloak-user@localhost"
TOKEN = "/realms/test/protocol/openid-connect/token"


def _client(client_id: str, **attributes: str) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "serviceAccountsEnabled": True,
        "redirectUris": [f"{REDIRECT.split('?')[0]}*"],
        "clientAuthenticatorType": "client-x509",
        "attributes": attributes,
    }


def realm_rep() -> dict[str, Any]:
    exact = {"x509.allow.regex.pattern.comparison": "false"}
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "clients": [
            _client(CLIENT_ID, **{"x509.subjectdn": "(.*?)(?:$)"}),
            _client(DISABLED_CLIENT_ID, **{"x509.subjectdn": "(.*?)(?:$)"}),
            _client(EXACT_SUBJECT_DN_CLIENT_ID, **{"x509.subjectdn": DEFAULT_DN, **exact}),
            _client(ISSUER_SUBJECT_DN_CLIENT_ID, **{"x509.subjectdn": INTERMEDIATE_DN, **exact}),
            _client(OBB_SUBJECT_DN_CLIENT_ID, **exact),
        ],
        "users": [
            {
                "username": USER,
                "enabled": True,
                "email": USER,
                "firstName": "Keycloak",
                "lastName": "User",
                "credentials": [{"type": "password", "value": "password"}],
            }
        ],
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    await fresh_realm(env, realm_rep())
    return env


async def login(env: Env, client_id: str) -> str:
    """``login(clientId)``: the user signs in to the client in a fresh browser; the code."""
    env.http.cookies.clear()
    page = await start(env.http, "test", client_id)
    sent = code_from(await submit(env.http, page, username=USER, password="password"))
    assert "code" in sent, sent
    return sent["code"]


async def token_request(env: Env, client_id: str, code: str, headers: dict[str, str]) -> httpx.Response:
    """``doAccessTokenRequest(code)`` with the given keystore: ``client_id`` in the form, no secret."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": client_id}
    return await env.http.post(TOKEN, data=data, headers=headers)


async def login_and_get_access_token_response(env: Env, client_id: str, headers: dict[str, str]) -> httpx.Response:
    return await token_request(env, client_id, await login(env, client_id), headers)


def assert_token_obtained(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]


def assert_token_not_obtained(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert "access_token" not in response.json()
    assert response.json()["error"] == "invalid_client"


async def test_successful_client_invocation_with_proper_certificate(kc: Env) -> None:
    """testSuccessfulClientInvocationWithProperCertificate: any subject matches ``(.*?)(?:$)``."""
    response = await login_and_get_access_token_response(kc, CLIENT_ID, with_default_certificate())
    assert_token_obtained(response)


async def test_successful_client_invocation_with_proper_certificate_and_subject_dn(kc: Env) -> None:
    """testSuccessfulClientInvocationWithProperCertificateAndSubjectDN: the exact subject DN."""
    response = await login_and_get_access_token_response(kc, EXACT_SUBJECT_DN_CLIENT_ID, with_default_certificate())
    assert_token_obtained(response)


async def test_failed_client_invocation_with_issuer_certificate_and_subject_dn(kc: Env) -> None:
    """testFailedClientInvocationWithIssuerCertificateAndSubjectDN: the expected DN is the intermediate CA's, second
    in the chain: only the first certificate counts."""
    response = await login_and_get_access_token_response(kc, ISSUER_SUBJECT_DN_CLIENT_ID, with_default_certificate())
    assert_token_not_obtained(response)


async def test_successful_client_invocation_with_client_id_in_query_params(kc: Env) -> None:
    """testSuccessfulClientInvocationWithClientIdInQueryParams: ``client_id`` in the token URL's query only."""
    code = await login(kc, CLIENT_ID)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    response = await kc.http.post(f"{TOKEN}?client_id={CLIENT_ID}", data=data, headers=with_default_certificate())
    assert_token_obtained(response)


async def test_failed_client_invocation_with_proper_certificate_and_wrong_subject_dn(kc: Env) -> None:
    """testFailedClientInvocationWithProperCertificateAndWrongSubjectDN: the other keystore's subject."""
    response = await login_and_get_access_token_response(kc, EXACT_SUBJECT_DN_CLIENT_ID, with_other_certificate())
    assert_token_not_obtained(response)


async def test_failed_client_invocation_without_certificate_certificate(kc: Env) -> None:
    """testFailedClientInvocationWithoutCertificateCertificate: no certificate, 401."""
    response = await login_and_get_access_token_response(kc, CLIENT_ID, {})
    assert_token_not_obtained(response)


async def test_failed_client_invocation_with_disabled_client(kc: Env) -> None:
    """testFailedClientInvocationWithDisabledClient: the client disabled between login and token request."""
    code = await login(kc, DISABLED_CLIENT_ID)
    await update_client(kc, DISABLED_CLIENT_ID, enabled=False)
    response = await token_request(kc, DISABLED_CLIENT_ID, code, with_default_certificate())
    assert_token_not_obtained(response)


async def _obb(env: Env, expected_subject_dn: str) -> httpx.Response:
    """testClientInvocationWithOBBClient: the client's ``x509.subjectdn`` set, then the OBB keystore's certificate."""
    await update_client(env, OBB_SUBJECT_DN_CLIENT_ID, attributes={"x509.subjectdn": expected_subject_dn})
    return await login_and_get_access_token_response(env, OBB_SUBJECT_DN_CLIENT_ID, presenting(OBB))


async def test_client_invocation_with_obb_client_rfc2553_resolved_attributes(kc: Env) -> None:
    """testClientInvocationWithOBBClient_rfc2553_resolvedAttributes: the attribute names spelled out."""
    assert_token_obtained(
        await _obb(
            kc,
            "CN=Foo,JURISDICTIONCOUNTRYNAME=BR,BUSINESSCATEGORY=Business Entity,SERIALNUMBER=2009,OU=My Org Unit,"
            "O=Red Hat,L=Boston,ST=MA,C=US",
        )
    )


async def test_client_invocation_with_obb_client_rfc2553_unresolved_attributes(kc: Env) -> None:
    """testClientInvocationWithOBBClient_rfc2553_unresolvedAttributes: dotted OIDs with ``#hex`` DER values."""
    assert_token_obtained(
        await _obb(
            kc,
            "CN=Foo,1.3.6.1.4.1.311.60.2.1.3=#13024252,2.5.4.15=#130f427573696e65737320456e74697479,"
            "2.5.4.5=#130432303039,OU=My Org Unit,O=Red Hat,L=Boston,ST=MA,C=US",
        )
    )


async def test_client_invocation_with_obb_client_rfc2553_invalid_subject_dn(kc: Env) -> None:
    """testClientInvocationWithOBBClient_rfc2553_invalidSubjectDN: another serial number, 401."""
    assert_token_not_obtained(
        await _obb(
            kc,
            "CN=Foo,1.3.6.1.4.1.311.60.2.1.3=#13024252,2.5.4.15=#130f427573696e65737320456e74697479,"
            "2.5.4.5=#130e3037323337333733303030313230,OU=My Org Unit,O=Red Hat,L=Boston,ST=MA,C=US",
        )
    )


async def test_client_invocation_with_obb_client_rfc1779(kc: Env) -> None:
    """testClientInvocationWithOBBClient_rfc1779: the names separated by ``, ``."""
    assert_token_obtained(
        await _obb(
            kc,
            "CN=Foo, JURISDICTIONCOUNTRYNAME=BR, BUSINESSCATEGORY=Business Entity, SERIALNUMBER=2009, "
            "OU=My Org Unit, O=Red Hat, L=Boston, ST=MA, C=US",
        )
    )


async def test_failed_client_invocation_with_proper_certificate_and_incorrect_ca_subject_dn(kc: Env) -> None:
    """testFailedClientInvocationWithProperCertificateAndIncorrectCASubjectDN (AbstractMutualTLSClientTest): with
    ``x509.casubjectdn`` the chain must lead to that CA; the right one passes, another one is 401."""
    await update_client(kc, EXACT_SUBJECT_DN_CLIENT_ID, attributes={"x509.casubjectdn": CA_DN})
    assert_token_obtained(
        await login_and_get_access_token_response(kc, EXACT_SUBJECT_DN_CLIENT_ID, with_default_certificate())
    )
    other_ca = "EMAILADDRESS=contact@other.org,CN=Keycloak CA,OU=Keycloak,O=Red Hat,L=Boston,ST=MA,C=US"
    await update_client(kc, EXACT_SUBJECT_DN_CLIENT_ID, attributes={"x509.casubjectdn": other_ca})
    assert_token_not_obtained(
        await login_and_get_access_token_response(kc, EXACT_SUBJECT_DN_CLIENT_ID, with_default_certificate())
    )

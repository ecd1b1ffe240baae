"""Keycloak's ClientProtocolValidationTest (tests/base/.../tests/admin/client/, the new test framework): a client's
``protocol`` must name a login protocol that may serve clients (DefaultClientValidationProvider.validateProtocol,
through ValidationUtil.validateClient: 400 ``invalid_input``): an unknown one is "Invalid protocol: …", ``oid4vc``
(the OID4VC_VCI feature's, which the Java class turns on) "Protocol 'oid4vc' cannot be used as a client protocol";
none defaults to openid-connect, and saml is accepted on create and update."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENTS = "/admin/realms/test/clients"


async def _call(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    return await env.http.request(method, path, json=body, headers=await env.admin_headers())


async def _created(env: Env, client_id: str, protocol: str | None) -> str:
    response = await _call(env, "POST", CLIENTS, {"clientId": client_id, "protocol": protocol})
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("client_id", "protocol"),
    [
        pytest.param("test-oidc-client", "openid-connect", id="testCreateClientWithValidProtocol"),
        pytest.param("test-saml-client", "saml", id="testCreateClientWithSamlProtocol"),
    ],
)
async def test_create_client_with_a_protocol(realm: Env, client_id: str, protocol: str) -> None:
    """ClientProtocolValidationTest#testCreateClientWithValidProtocol, #testCreateClientWithSamlProtocol"""
    uuid = await _created(realm, client_id, protocol)
    assert (await _call(realm, "DELETE", f"{CLIENTS}/{uuid}")).status_code == 204


async def test_create_client_with_null_protocol(realm: Env) -> None:
    """ClientProtocolValidationTest#testCreateClientWithNullProtocol: it defaults to openid-connect."""
    uuid = await _created(realm, "test-null-protocol-client", None)
    assert (await _call(realm, "GET", f"{CLIENTS}/{uuid}")).json()["protocol"] == "openid-connect"


@pytest.mark.parametrize(
    ("protocol", "description"),
    [
        pytest.param(
            "invalid-protocol-xyz", "Invalid protocol: invalid-protocol-xyz", id="testCreateClientWithInvalidProtocol"
        ),
        pytest.param(
            "oid4vc", "Protocol 'oid4vc' cannot be used as a client protocol", id="testCreateClientWithOid4vcProtocol"
        ),
    ],
)
async def test_create_client_with_a_refused_protocol(realm: Env, protocol: str, description: str) -> None:
    """ClientProtocolValidationTest#testCreateClientWithInvalidProtocol, #testCreateClientWithOid4vcProtocol"""
    response = await _call(realm, "POST", CLIENTS, {"clientId": "test-refused", "protocol": protocol})
    assert (response.status_code, response.json()) == (
        400,
        {"error": "invalid_input", "error_description": description},
    )
    assert (await _call(realm, "GET", CLIENTS + "?clientId=test-refused")).json() == []


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [
        pytest.param("invalid-protocol-abc", "Invalid protocol", id="testUpdateClientWithInvalidProtocol"),
        pytest.param("oid4vc", "cannot be used as a client protocol", id="testUpdateClientWithOid4vcProtocol"),
    ],
)
async def test_update_client_with_a_refused_protocol(realm: Env, protocol: str, expected: str) -> None:
    """ClientProtocolValidationTest#testUpdateClientWithInvalidProtocol, #testUpdateClientWithOid4vcProtocol: the
    client keeps its protocol."""
    uuid = await _created(realm, "test-update-protocol", "openid-connect")
    rep = (await _call(realm, "GET", f"{CLIENTS}/{uuid}")).json()
    response = await _call(realm, "PUT", f"{CLIENTS}/{uuid}", {**rep, "protocol": protocol})
    assert response.status_code == 400 and expected in response.text, response.text
    assert (await _call(realm, "GET", f"{CLIENTS}/{uuid}")).json()["protocol"] == "openid-connect"


async def test_update_client_with_valid_protocol(realm: Env) -> None:
    """ClientProtocolValidationTest#testUpdateClientWithValidProtocol: openid-connect to saml."""
    uuid = await _created(realm, "test-update-valid", "openid-connect")
    rep = (await _call(realm, "GET", f"{CLIENTS}/{uuid}")).json()
    assert (await _call(realm, "PUT", f"{CLIENTS}/{uuid}", {**rep, "protocol": "saml"})).status_code == 204
    assert (await _call(realm, "GET", f"{CLIENTS}/{uuid}")).json()["protocol"] == "saml"

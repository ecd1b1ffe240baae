"""Keycloak's ClientScopeTests (testsuite/integration-arquillian/tests/base/.../testsuite/client/ClientScopeTests.java
@3a72f060), one test per Java method: the protocol a new client scope names, as ClientScopeResource.
validateClientScopeProtocol checks it (admin/scope_validation.py): none is 400 "Unexpected protocol";
``openid-connect``, ``saml`` and ``oid4vc`` (which the check admits though no login protocol of that name is
registered) are created, and the Java test removes each again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from keycloak_port import ADMIN, admin_headers, forget, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    await import_realm(env, {"realm": "test", "enabled": True})
    yield env
    forget(env)


def _scope(protocol: str | None) -> dict[str, Any]:
    return {
        "name": "test-client-scope",
        "description": "test-client-scope-description",
        "protocol": protocol,
        "attributes": {"test-attribute": "test-value"},
    }


async def _create_and_remove(env: Env, protocol: str) -> None:
    """``createClientScope``: 201 with the new scope's Location, then the cleanup's delete."""
    headers = await admin_headers(env)
    created = await env.http.post(f"{ADMIN}/client-scopes", json=_scope(protocol), headers=headers)
    assert created.status_code == 201, created.text
    scope_id = created.headers["location"].rsplit("/", 1)[1]
    stored = await env.http.get(f"{ADMIN}/client-scopes/{scope_id}", headers=headers)
    assert stored.status_code == 200 and stored.json()["protocol"] == protocol, stored.text
    assert stored.json()["attributes"] == {"test-attribute": "test-value"}
    removed = await env.http.delete(f"{ADMIN}/client-scopes/{scope_id}", headers=headers)
    assert removed.status_code == 204, removed.text


async def test_create_client_scope_without_protocol(kc: Env) -> None:
    """ClientScopeTests.createClientScopeWithoutProtocol"""
    response = await kc.http.post(f"{ADMIN}/client-scopes", json=_scope(None), headers=await admin_headers(kc))
    assert response.status_code == 400, response.text
    assert "Unexpected protocol" in response.text


async def test_create_client_scope_with_open_id_protocol(kc: Env) -> None:
    """ClientScopeTests.createClientScopeWithOpenIdProtocol"""
    await _create_and_remove(kc, "openid-connect")


async def test_create_client_scope_with_saml_protocol(kc: Env) -> None:
    """ClientScopeTests.createClientScopeWithSamlProtocol"""
    await _create_and_remove(kc, "saml")


async def test_create_client_scope_with_open_id4_vci_protocol(kc: Env) -> None:
    """ClientScopeTests.createClientScopeWithOpenId4VCIProtocol"""
    await _create_and_remove(kc, "oid4vc")

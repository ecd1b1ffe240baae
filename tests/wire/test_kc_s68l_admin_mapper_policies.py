"""Keycloak 26.8's client policies on the admin API's protocol mapper CRUD (issue #50131, pull request #50205):
AdminProtocolMapperClientPolicyTest and AllowedProtocolMappersClientPolicyTest (tests/base/.../tests/client/policies/),
one test per Java method. A client's mapper create, bulk create, update and delete are the events
REGISTER_, UPDATE_ and UNREGISTER_PROTOCOL_MAPPER; a client scope's mappers are not judged; the client conditions
judge the mapper's client. A refusal is 400 ``{"error", "error_description"}`` and writes nothing.

Not ported: AdminProtocolMapperClientPolicyTest.persistPolicyAdjustedMapperRepresentations runs the test-only
TrackEventsClientPolicyExecutor (keycloak-tests-custom-providers), which Doorkeep does not ship."""

from __future__ import annotations

from typing import Any

import pytest

import client_policies_port
import group_port
from client_policies_port import apply_executors, condition, executor, realm_fixture, suffixed
from keycloak_port import admin_headers, get
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture()
no_policies = client_policies_port.no_policies

REJECTED = {"error": "invalid_request", "error_description": "Request not allowed"}
NOT_ALLOWED = {"error": "invalid_registration", "error_description": "ProtocolMapper type not allowed"}


def _mapper(name: str, attribute: str) -> dict[str, Any]:
    config = {"user.attribute": attribute, "claim.name": name, "jsonType.label": "String", "access.token.claim": "true"}
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": config,
    }


async def _client(env: Env, name: str, protocol: str = "openid-connect") -> str:
    rep = {"clientId": suffixed(name), "protocol": protocol, "publicClient": True}
    response = await call(env, "POST", "/clients", rep)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def _scope(env: Env, name: str) -> str:
    response = await call(env, "POST", "/client-scopes", {"name": suffixed(name), "protocol": "openid-connect"})
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def _create(env: Env, base: str, mapper: dict[str, Any]) -> str:
    response = await call(env, "POST", f"{base}/protocol-mappers/models", mapper)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def _names(env: Env, base: str) -> set[str]:
    return {m["name"] for m in await get(env, f"{base}/protocol-mappers/models")}


async def _refused(env: Env, method: str, path: str, body: Any = None, answer: dict[str, str] = REJECTED) -> None:
    response = await call(env, method, path, body)
    assert response.status_code == 400, response.text
    assert response.json() == answer


def _by_admin() -> list[dict[str, Any]]:
    return [condition("client-updater-context", {"update-client-source": ["ByAuthenticatedUser"]})]


async def test_reject_protocol_mapper_create_update_and_delete(env: Env) -> None:
    """AdminProtocolMapperClientPolicyTest.rejectProtocolMapperCreateUpdateAndDelete"""
    base = f"/clients/{await _client(env, 'policy-mapper-client')}"
    existing = await _create(env, base, _mapper("existing-mapper", "email"))
    await apply_executors(env, executor("reject-request"), conditions=_by_admin())

    await _refused(env, "POST", f"{base}/protocol-mappers/models", _mapper("created-mapper", "firstName"))
    assert "created-mapper" not in await _names(env, base)

    updated = {**_mapper("updated-mapper", "lastName"), "id": existing}
    await _refused(env, "PUT", f"{base}/protocol-mappers/models/{existing}", updated)
    assert (await get(env, f"{base}/protocol-mappers/models/{existing}"))["name"] == "existing-mapper"

    await _refused(env, "DELETE", f"{base}/protocol-mappers/models/{existing}")
    assert (await get(env, f"{base}/protocol-mappers/models/{existing}"))["id"] == existing


async def test_reject_protocol_mapper_bulk_create(env: Env) -> None:
    """AdminProtocolMapperClientPolicyTest.rejectProtocolMapperBulkCreate"""
    base = f"/clients/{await _client(env, 'policy-mapper-bulk-client')}"
    await apply_executors(env, executor("reject-request"))
    bulk = [_mapper("bulk-mapper-one", "firstName"), _mapper("bulk-mapper-two", "lastName")]
    await _refused(env, "POST", f"{base}/protocol-mappers/add-models", bulk)
    assert not {"bulk-mapper-one", "bulk-mapper-two"} & await _names(env, base)


async def test_do_not_apply_client_policy_to_client_scope_protocol_mapper_crud(env: Env) -> None:
    """AdminProtocolMapperClientPolicyTest.doNotApplyClientPolicyToClientScopeProtocolMapperCrud"""
    base = f"/client-scopes/{await _scope(env, 'scope-mapper-crud')}"
    await apply_executors(env, executor("reject-request"))
    existing = await _create(env, base, _mapper("scope-existing-mapper", "email"))
    await _create(env, base, _mapper("scope-created-mapper", "firstName"))
    bulk = [_mapper("scope-bulk-one", "lastName"), _mapper("scope-bulk-two", "username")]
    assert (await call(env, "POST", f"{base}/protocol-mappers/add-models", bulk)).status_code == 204

    updated = dict(await get(env, f"{base}/protocol-mappers/models/{existing}"))
    updated["name"] = "scope-updated-mapper"
    updated["config"]["user.attribute"] = "username"
    assert (await call(env, "PUT", f"{base}/protocol-mappers/models/{existing}", updated)).status_code == 204
    assert (await get(env, f"{base}/protocol-mappers/models/{existing}"))["name"] == "scope-updated-mapper"

    assert (await call(env, "DELETE", f"{base}/protocol-mappers/models/{existing}")).status_code == 204
    assert "scope-updated-mapper" not in await _names(env, base)


async def test_apply_target_client_protocol_condition_with_client_scope_semantics(env: Env) -> None:
    """AdminProtocolMapperClientPolicyTest.applyTargetClientProtocolConditionWithClientScopeSemantics: the
    client-type condition judges the mapper's client; a client scope's mapper is not judged at all."""
    oidc = f"/clients/{await _client(env, 'target-oidc-mapper-client')}"
    saml = f"/clients/{await _client(env, 'target-saml-mapper-client', 'saml')}"
    scope = f"/client-scopes/{await _scope(env, 'target-mapper-scope')}"
    only_oidc = [condition("client-type", {"protocol": "openid-connect"})]
    await apply_executors(env, executor("reject-request"), conditions=only_oidc)

    await _refused(env, "POST", f"{oidc}/protocol-mappers/models", _mapper("rejected-target-mapper", "email"))
    assert "rejected-target-mapper" not in await _names(env, oidc)
    await _create(env, saml, _mapper("allowed-saml-target-mapper", "email"))
    await _create(env, scope, _mapper("allowed-scope-target-mapper", "email"))


def _hardcoded_role() -> dict[str, Any]:
    return {
        "name": "Hardcoded foo role",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-role-mapper",
        "config": {"role": "foo-role"},
    }


def _full_name() -> dict[str, Any]:
    return {"name": "Full name", "protocol": "openid-connect", "protocolMapper": "oidc-full-name-mapper", "config": {}}


async def _allow_full_name_only(env: Env) -> str:
    """The @BeforeEach: allowed-protocol-mappers with oidc-full-name-mapper only, for any client; and the
    TestClient (public, its redirect URI)."""
    allowed = {"allowed-protocol-mapper-types": ["oidc-full-name-mapper"]}
    await apply_executors(env, executor("allowed-protocol-mappers", allowed))
    rep = {
        "clientId": suffixed("allowed-protocol-mappers-test-client"),
        "protocol": "openid-connect",
        "publicClient": True,
        "redirectUris": ["http://localhost:8080/*"],
    }
    response = await call(env, "POST", "/clients", rep)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def test_admin_protocol_mapper_create_rejected(env: Env) -> None:
    """AllowedProtocolMappersClientPolicyTest.testAdminProtocolMapperCreateRejected"""
    cid = await _allow_full_name_only(env)
    await _refused(env, "POST", f"/clients/{cid}/protocol-mappers/models", _hardcoded_role(), NOT_ALLOWED)
    assert "Hardcoded foo role" not in await _names(env, f"/clients/{cid}")


async def test_admin_protocol_mapper_create_allowed(env: Env) -> None:
    """AllowedProtocolMappersClientPolicyTest.testAdminProtocolMapperCreateAllowed"""
    cid = await _allow_full_name_only(env)
    await _create(env, f"/clients/{cid}", _full_name())


async def test_admin_client_update_with_disallowed_mapper_rejected(env: Env) -> None:
    """AllowedProtocolMappersClientPolicyTest.testAdminClientUpdateWithDisallowedMapperRejected; and, from
    ProtocolMapperPolicyValidator, a stored mapper of another type sent back unchanged passes, changed it does
    not, and an id the client lacks is named."""
    cid = await _allow_full_name_only(env)
    rep = dict(await get(env, f"/clients/{cid}"))
    await _refused(env, "PUT", f"/clients/{cid}", {**rep, "protocolMappers": [_hardcoded_role()]}, NOT_ALLOWED)
    assert "Hardcoded foo role" not in await _names(env, f"/clients/{cid}")

    await client_policies_port.clear_policies(env)
    mid = await _create(env, f"/clients/{cid}", _hardcoded_role())
    await apply_executors(env, executor("allowed-protocol-mappers", {"allowed-protocol-mapper-types": ["x"]}))
    stored = dict(await get(env, f"/clients/{cid}"))
    assert (await call(env, "PUT", f"/clients/{cid}", stored)).status_code == 204
    renamed = {**stored["protocolMappers"][0], "name": "Renamed foo role"}
    put_mapper = f"/clients/{cid}/protocol-mappers/models/{mid}"
    assert (await call(env, "PUT", put_mapper, renamed)).status_code == 204
    changed = {**renamed, "config": {"role": "bar-role"}}
    await _refused(env, "PUT", put_mapper, changed, NOT_ALLOWED)
    unknown = {**_hardcoded_role(), "id": "no-such-mapper"}
    missing = {
        "error": "invalid_registration",
        "error_description": "No existing mapper model found for id 'no-such-mapper'",
    }
    await _refused(env, "POST", f"/clients/{cid}/protocol-mappers/models", unknown, missing)


async def test_allowed_protocol_mappers_in_serverinfo(env: Env) -> None:
    """AllowedProtocolMappersExecutorFactory: the executor, its help text and its one property listing the
    server's mapper types."""
    info = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    types = info.json()["componentTypes"]["org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider"]
    found = next(t for t in types if t["id"] == "allowed-protocol-mappers")
    assert found["helpText"].startswith("When present, it allows to specify whitelist of protocol mapper types")
    [prop] = found["properties"]
    assert prop["name"] == "allowed-protocol-mapper-types" and prop["type"] == "MultivaluedList"
    assert {"oidc-full-name-mapper", "oidc-hardcoded-role-mapper"} <= set(prop["options"])


async def test_unmerged_resource_indicator_providers_refused(env: Env) -> None:
    """ResourceIndicatorMapperTest and SecureResourceIndicatorExecutorTest (all methods) test Keycloak pull request
    #45739's ``oidc-resource-indicator-mapper`` and ``secure-resource-indicator-check`` executor, closed unmerged in
    favour of the RESOURCE_INDICATORS post-processor (pull request #46763, docs/keycloak-configuration.md): no Keycloak
    release has them, so Doorkeep refuses both as unknown providers, as Keycloak main does."""
    profile = client_policies_port.profile("p", "", executor("secure-resource-indicator-check"))
    response = await call(env, "PUT", "/client-policies/profiles", {"profiles": [profile]})
    assert response.status_code == 400, response.text
    base = f"/clients/{await _client(env, 'resource-indicator-client')}"
    mapper = {
        "name": "resource-indicator",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-resource-indicator-mapper",
    }
    assert (await call(env, "POST", f"{base}/protocol-mappers/models", mapper)).status_code == 404

"""Keycloak 26.8's client policies on the admin API's scope mappings and client certificates:
AdminScopeMappingClientPolicyTest and AdminClientCertificateClientPolicyTest (tests/base/.../tests/client/policies/),
one test per Java method; and AdminRoleMappingClientPolicyTest's rule for a group's role mappings
(RoleMapperAssignmentContext covers users and groups). A scope mapping added or removed on a client scope or a
client is REGISTER_ or UNREGISTER_SCOPE_MAPPING, judged once its roles are found (a missing role stays 404); a key
pair or certificate generated, uploaded or generated for download is UPDATE_CLIENT_CERTIFICATE, the client
conditions judging that client. A refusal is 400 ``{"error", "error_description"}`` and changes nothing.

Not ported: the scope-mapping methods' first step, an administrator with only query-clients and a fine-grained
(admin permissions v2) MANAGE permission refused with 403 before the policy runs: Doorkeep stores
``adminPermissionsEnabled`` but has no fine-grained admin permissions (docs/keycloak-26-changes.md, 26.2).
AdminClientCertificateClientPolicyTest.omitRawJwksFromPolicyContext is a unit test of the context class: Doorkeep's
policy context never carries the uploaded key material."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import client_policies_port
import group_port
from client_policies_port import (
    BY_ADMIN,
    REJECTED,
    apply_executors,
    condition,
    created_id,
    executor,
    new_client,
    new_client_role,
    new_realm_role,
    realm_fixture,
    role_names,
    suffixed,
)
from keycloak_port import ADMIN, admin_headers, get
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture()
no_policies = client_policies_port.no_policies

CERTS = "certificates/jwt.credential"


async def _scope(env: Env, name: str) -> str:
    return await created_id(env, "/client-scopes", {"name": suffixed(name), "protocol": "openid-connect"})


async def _refused(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == REJECTED


async def test_reject_realm_scope_mapping_add_and_remove(env: Env) -> None:
    """AdminScopeMappingClientPolicyTest.rejectRealmScopeMappingAddAndRemove"""
    to_add, to_remove = await new_realm_role(env, "scope-add-role"), await new_realm_role(env, "scope-remove-role")
    empty = f"/client-scopes/{await _scope(env, 'scope-add')}/scope-mappings/realm"
    mapped = f"/client-scopes/{await _scope(env, 'scope-remove')}/scope-mappings/realm"
    assert (await call(env, "POST", mapped, [to_remove])).status_code == 204
    await apply_executors(env, executor("reject-request"))

    await _refused(await call(env, "POST", empty, [to_add]))
    assert to_add["name"] not in await role_names(env, empty)
    missing = {"name": suffixed("missing-scope-add-role"), "id": "missing-scope-add-role-id"}
    assert (await call(env, "POST", empty, [missing])).status_code == 404
    await _refused(await call(env, "DELETE", mapped, [to_remove]))
    assert to_remove["name"] in await role_names(env, mapped)
    await _refused(await call(env, "DELETE", mapped))  # without a body: every mapping of the kind
    assert to_remove["name"] in await role_names(env, mapped)


async def test_reject_client_scope_mapping_add_and_remove(env: Env) -> None:
    """AdminScopeMappingClientPolicyTest.rejectClientScopeMappingAddAndRemove; and the same on a client's own
    scope mappings (ScopeMappedResource serves both)."""
    cid = await new_client(env, "scope-role-client")
    owner = await new_client(env, "scope-owner")
    to_add, to_remove = (
        await new_client_role(env, cid, "client-scope-add"),
        await new_client_role(env, cid, "client-rm"),
    )
    empty = f"/client-scopes/{await _scope(env, 'client-scope-add')}/scope-mappings/clients/{cid}"
    mapped = f"/client-scopes/{await _scope(env, 'client-scope-remove')}/scope-mappings/clients/{cid}"
    assert (await call(env, "POST", mapped, [to_remove])).status_code == 204
    await apply_executors(env, executor("reject-request"))

    await _refused(await call(env, "POST", empty, [to_add]))
    assert to_add["name"] not in await role_names(env, empty)
    missing = {"name": suffixed("missing-client-scope-add-role")}
    assert (await call(env, "POST", empty, [missing])).status_code == 404
    await _refused(await call(env, "DELETE", mapped, [to_remove]))
    assert to_remove["name"] in await role_names(env, mapped)

    own = f"/clients/{owner}/scope-mappings/clients/{cid}"
    await _refused(await call(env, "POST", own, [to_add]))
    assert to_add["name"] not in await role_names(env, own)


async def test_group_role_mapping_policies(env: Env) -> None:
    """AdminRoleMappingClientPolicyTest's rules for a group (RoleMapperAssignmentContext's role mapper is a user
    or a group): refused by the updater condition; a realm role's mapping skips a client condition."""
    gid = await created_id(env, "/groups", {"name": suffixed("policy-group")})
    realm_role = await new_realm_role(env, "group-realm-role")
    cid = await new_client(env, "group-role-client")
    client_role = await new_client_role(env, cid, "group-client-role")
    path = f"/groups/{gid}/role-mappings/realm"
    await apply_executors(env, executor("reject-request"), conditions=[BY_ADMIN])
    await _refused(await call(env, "POST", path, [realm_role]))
    assert realm_role["name"] not in await role_names(env, path)

    await apply_executors(
        env, executor("reject-request"), conditions=[condition("client-type", {"protocol": "openid-connect"})]
    )
    assert (await call(env, "POST", path, [realm_role])).status_code == 204
    client_path = f"/groups/{gid}/role-mappings/clients/{cid}"
    await _refused(await call(env, "POST", client_path, [client_role]))
    assert client_role["name"] not in await role_names(env, client_path)


async def _certs(env: Env, name: str, protocol: str = "openid-connect") -> str:
    cid = await new_client(env, name, protocol, public=False)
    return f"/clients/{cid}/{CERTS}"


async def _generate(env: Env, base: str) -> httpx.Response:
    return await call(env, "POST", f"{base}/generate")


async def _unchanged(env: Env, base: str, original: dict[str, Any]) -> None:
    now = await get(env, base)
    assert now.get("certificate") == original.get("certificate")
    assert "privateKey" not in now  # Keycloak 26.8 keeps no client private key (PR 51612)


async def _upload(env: Env, base: str, path: str, pem: str) -> httpx.Response:
    files = {"file": ("file", pem.encode("ascii"), "application/octet-stream")}
    headers = await admin_headers(env)
    return await env.http.post(
        f"{ADMIN}{base}/{path}", data={"keystoreFormat": "Certificate PEM"}, files=files, headers=headers
    )


async def test_reject_certificate_generate(env: Env) -> None:
    """AdminClientCertificateClientPolicyTest.rejectCertificateGenerate"""
    base = await _certs(env, "certificate-generate-client")
    original = (await _generate(env, base)).json()
    await apply_executors(env, executor("reject-request"))
    await _refused(await _generate(env, base))
    await _unchanged(env, base, original)


async def test_apply_target_client_protocol_condition(env: Env) -> None:
    """AdminClientCertificateClientPolicyTest.applyTargetClientProtocolCondition"""
    oidc = await _certs(env, "certificate-target-oidc-client")
    saml = await _certs(env, "certificate-target-saml-client", "saml")
    original = (await _generate(env, oidc)).json()
    await apply_executors(
        env, executor("reject-request"), conditions=[condition("client-type", {"protocol": "openid-connect"})]
    )
    await _refused(await _generate(env, oidc))
    await _unchanged(env, oidc, original)
    generated = await _generate(env, saml)
    assert generated.status_code == 200 and generated.json()["certificate"]


async def test_apply_authenticated_updater_condition(env: Env) -> None:
    """AdminClientCertificateClientPolicyTest.applyAuthenticatedUpdaterCondition"""
    base = await _certs(env, "certificate-updater-client")
    original = (await _generate(env, base)).json()
    await apply_executors(env, executor("reject-request"), conditions=[BY_ADMIN])
    await _refused(await _generate(env, base))
    await _unchanged(env, base, original)


async def test_reject_certificate_upload(env: Env) -> None:
    """AdminClientCertificateClientPolicyTest.rejectCertificateUpload (``upload-certificate``)"""
    base = await _certs(env, "certificate-upload-client")
    original = (await _generate(env, base)).json()
    await apply_executors(env, executor("reject-request"))
    await _refused(await _upload(env, base, "upload-certificate", original["certificate"]))
    await _unchanged(env, base, original)


async def test_reject_certificate_upload_jks(env: Env) -> None:
    """AdminClientCertificateClientPolicyTest.rejectCertificateUploadJks (``upload``)"""
    base = await _certs(env, "certificate-upload-jks-client")
    original = (await _generate(env, base)).json()
    await apply_executors(env, executor("reject-request"))
    await _refused(await _upload(env, base, "upload", original["certificate"]))
    await _unchanged(env, base, original)


async def test_reject_certificate_generate_and_download(env: Env) -> None:
    """AdminClientCertificateClientPolicyTest.rejectCertificateGenerateAndDownload"""
    base = await _certs(env, "certificate-gen-download-client")
    original = (await _generate(env, base)).json()
    await apply_executors(env, executor("reject-request"))
    config = {"format": "PKCS12", "keyAlias": "alias", "keyPassword": "keyPass", "storePassword": "storePass"}
    await _refused(await call(env, "POST", f"{base}/generate-and-download", config))
    await _unchanged(env, base, original)

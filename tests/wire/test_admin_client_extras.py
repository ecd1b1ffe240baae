"""The client admin endpoints Keycloak's admin-client specs call besides CRUD: scope mappings available and
composite, client scope evaluation, registered nodes, key pair certificates and keystores, installation files,
users-management-permissions and sub-component-types, with Keycloak's errors for bad input."""

from __future__ import annotations

import hashlib
import struct
from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def make_client(realm: Env, headers: dict[str, str], **rep: Any) -> str:
    created = await realm.http.post(f"{REALM}/clients", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    return created.headers["location"].rsplit("/", 1)[1]


async def realm_role(realm: Env, headers: dict[str, str], name: str, *children: str) -> dict[str, Any]:
    assert (await realm.http.post(f"{REALM}/roles", json={"name": name}, headers=headers)).status_code == 201
    if children:
        reps = [(await realm.http.get(f"{REALM}/roles/{c}", headers=headers)).json() for c in children]
        composite = await realm.http.post(f"{REALM}/roles/{name}/composites", json=reps, headers=headers)
        assert composite.status_code == 204, composite.text
    role: dict[str, Any] = (await realm.http.get(f"{REALM}/roles/{name}", headers=headers)).json()
    return role


async def names(realm: Env, url: str, headers: dict[str, str]) -> set[str]:
    response = await realm.http.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return {r["name"] for r in response.json()}


async def test_available_and_composite_scope_mappings_follow_the_clients_effective_scope(realm: Env) -> None:
    headers = await realm.admin_headers()
    await realm_role(realm, headers, "reader")
    boss = await realm_role(realm, headers, "boss", "reader")
    limited = await make_client(realm, headers, clientId="limited", fullScopeAllowed=False)
    base = f"{REALM}/clients/{limited}/scope-mappings/realm"
    assert (await realm.http.post(base, json=[boss], headers=headers)).status_code == 204
    available = await names(realm, f"{base}/available", headers)
    assert "reader" in available and "boss" not in available
    assert await names(realm, f"{base}/composite", headers) == {"boss", "reader"}
    full = await make_client(realm, headers, clientId="full")
    everything = await names(realm, f"{REALM}/roles", headers)
    assert await names(realm, f"{REALM}/clients/{full}/scope-mappings/realm/composite", headers) == everything
    scope = await realm.http.post(
        f"{REALM}/client-scopes", json={"name": "s1", "protocol": "openid-connect"}, headers=headers
    )
    scope_id = scope.headers["location"].rsplit("/", 1)[1]
    scope_base = f"{REALM}/client-scopes/{scope_id}/scope-mappings/realm"
    assert (await realm.http.post(scope_base, json=[boss], headers=headers)).status_code == 204
    assert await names(realm, f"{scope_base}/composite", headers) == {"boss", "reader"}
    assert (
        await realm.http.get(f"{REALM}/client-scopes/nope/scope-mappings/realm/available", headers=headers)
    ).status_code == 404


async def test_scope_evaluation_lists_mappers_granted_roles_and_example_tokens(realm: Env) -> None:
    headers = await realm.admin_headers()
    await realm_role(realm, headers, "reader")
    await realm_role(realm, headers, "hidden")
    limited = await make_client(realm, headers, clientId="limited", fullScopeAllowed=False)
    reader = (await realm.http.get(f"{REALM}/roles/reader", headers=headers)).json()
    await realm.http.post(f"{REALM}/clients/{limited}/scope-mappings/realm", json=[reader], headers=headers)
    evaluate = f"{REALM}/clients/{limited}/evaluate-scopes"
    mappers = (await realm.http.get(f"{evaluate}/protocol-mappers", params={"scope": "openid"}, headers=headers)).json()
    assert {m["containerType"] for m in mappers} == {"client-scope"} and len(mappers) > 10
    assert {"mapperId", "mapperName", "containerId", "containerName", "containerType", "protocolMapper"} == set(
        mappers[0]
    )
    assert await names(realm, f"{evaluate}/scope-mappings/test/granted", headers) == {"reader"}
    assert {"hidden", "reader"} & await names(realm, f"{evaluate}/scope-mappings/test/not-granted", headers) == {
        "hidden"
    }
    missing = await realm.http.get(f"{evaluate}/scope-mappings/nowhere/granted", headers=headers)
    assert (missing.status_code, missing.json()) == (404, {"error": "Role Container not found"})
    users = (await realm.http.get(f"{REALM}/users", params={"username": "user1"}, headers=headers)).json()
    query = {"scope": "openid", "userId": users[0]["id"]}
    hidden = (await realm.http.get(f"{REALM}/roles/hidden", headers=headers)).json()
    mapped = await realm.http.post(
        f"{REALM}/users/{users[0]['id']}/role-mappings/realm", json=[reader, hidden], headers=headers
    )
    assert mapped.status_code == 204
    access = (await realm.http.get(f"{evaluate}/generate-example-access-token", params=query, headers=headers)).json()
    assert access["typ"] == "Bearer" and access["azp"] == "limited" and access["preferred_username"] == "user1"
    assert access["realm_access"] == {"roles": ["reader"]}  # "hidden" is the user's, not in the client's scope
    id_token = (await realm.http.get(f"{evaluate}/generate-example-id-token", params=query, headers=headers)).json()
    assert id_token["typ"] == "ID" and id_token["aud"] == "limited"
    userinfo = (await realm.http.get(f"{evaluate}/generate-example-userinfo", params=query, headers=headers)).json()
    assert userinfo["sub"] == users[0]["id"] and userinfo["preferred_username"] == "user1"
    for params, error in (({}, "No userId provided"), ({"userId": "nobody"}, "No user found")):
        refused = await realm.http.get(f"{evaluate}/generate-example-access-token", params=params, headers=headers)
        assert (refused.status_code, refused.json()) == (404, {"error": error})
    sessions = await realm.http.get(f"{REALM}/clients/{limited}/user-sessions", headers=headers)
    assert sessions.json() == []  # the example session is never stored


async def test_nodes_are_registered_listed_and_unregistered(realm: Env) -> None:
    headers = await realm.admin_headers()
    client = await make_client(realm, headers, clientId="clustered")
    nodes = f"{REALM}/clients/{client}/nodes"
    assert (await realm.http.post(nodes, json={"node": "10.0.0.1"}, headers=headers)).status_code == 204
    rep = (await realm.http.get(f"{REALM}/clients/{client}", headers=headers)).json()
    assert list(rep["registeredNodes"]) == ["10.0.0.1"] and isinstance(rep["registeredNodes"]["10.0.0.1"], int)
    assert not any(k.startswith("doorkeep.") for k in rep["attributes"])
    rep["description"] = "kept"  # a full update keeps the nodes
    assert (await realm.http.put(f"{REALM}/clients/{client}", json=rep, headers=headers)).status_code == 204
    no_node = await realm.http.post(nodes, json={}, headers=headers)
    assert (no_node.status_code, no_node.json()) == (400, {"error": "Node not found in params"})
    assert (await realm.http.delete(f"{nodes}/10.0.0.1", headers=headers)).status_code == 204
    unknown = await realm.http.delete(f"{nodes}/10.0.0.1", headers=headers)
    assert (unknown.status_code, unknown.json()) == (404, {"error": "Client does not have node "})
    assert "registeredNodes" not in (await realm.http.get(f"{REALM}/clients/{client}", headers=headers)).json()


def jks_entries(data: bytes, store_password: str) -> list[tuple[int, str]]:
    """(tag, alias) of each entry of a JKS file whose trailing SHA-1 matches ``store_password``."""
    body, digest = data[:-20], data[-20:]
    assert hashlib.sha1(store_password.encode("utf-16-be") + b"Mighty Aphrodite" + body).digest() == digest
    magic, version, count = struct.unpack(">III", body[:12])
    assert (magic, version) == (0xFEEDFEED, 2)
    out, at = [], 12
    for _ in range(count):
        (tag,) = struct.unpack(">I", body[at : at + 4])
        (size,) = struct.unpack(">H", body[at + 4 : at + 6])
        alias = body[at + 6 : at + 6 + size].decode()
        at += 6 + size + 8
        if tag == 1:
            (key_size,) = struct.unpack(">I", body[at : at + 4])
            at += 4 + key_size + 4  # the protected key, then a chain of one certificate
        (type_size,) = struct.unpack(">H", body[at : at + 2])
        (cert_size,) = struct.unpack(">I", body[at + 2 + type_size : at + 6 + type_size])
        at += 6 + type_size + cert_size
        out.append((tag, alias))
    assert at == len(body)
    return out


async def test_certificates_are_generated_kept_and_downloaded_as_keystores(realm: Env) -> None:
    headers = await realm.admin_headers()
    client = await make_client(realm, headers, clientId="signer")
    certs = f"{REALM}/clients/{client}/certificates/jwt.credential"
    config = {"format": "JKS", "keyAlias": "Mine", "keyPassword": "kp", "storePassword": "sp", "keySize": 2048}
    nothing = await realm.http.post(f"{certs}/download", json=config, headers=headers)
    assert (nothing.status_code, nothing.json()) == (404, {"error": "keypair not generated for client"})
    made = await realm.http.post(f"{certs}/generate-and-download", json=config, headers=headers)
    assert made.status_code == 200 and made.headers["content-type"] == "application/octet-stream"
    assert jks_entries(made.content, "sp") == [(1, "mine"), (2, "test")]
    kept = (await realm.http.get(certs, headers=headers)).json()
    assert set(kept) == {"certificate"}  # generate-and-download keeps no private key
    generated = (await realm.http.post(f"{certs}/generate", headers=headers)).json()
    assert set(generated) == {"certificate"}  # Keycloak 26.8: the private key neither kept nor answered
    assert (await realm.http.get(certs, headers=headers)).json() == generated
    download = {"realmCertificate": False, "storePassword": "sp", "keyPassword": "kp"}
    assert jks_entries((await realm.http.post(f"{certs}/download", json=download, headers=headers)).content, "sp") == [
        (2, "signer")
    ]  # the certificate only, as a trusted-certificate entry
    no_key_password = await realm.http.post(f"{certs}/download", json={"storePassword": "sp"}, headers=headers)
    assert no_key_password.status_code == 200  # no key in the store: no key password needed
    refusals = [
        ({**download, "format": "BCFKS"}, 406, "Not supported keystore format"),
        ({"keyPassword": "kp"}, 400, "password-missing"),
        ({**download, "keyPassword": 5}, 400, "invalid_input"),
    ]
    for body, status, error in refusals:
        refused = await realm.http.post(f"{certs}/download", json=body, headers=headers)
        assert refused.status_code == status and error in refused.json()["error"], (body, refused.text)
    too_big = await realm.http.post(
        f"{certs}/generate-and-download", json={**config, "keySize": 100000}, headers=headers
    )
    assert too_big.status_code == 400


async def test_installation_file_and_small_answers(realm: Env) -> None:
    headers = await realm.admin_headers()
    client = await make_client(realm, headers, clientId="war-app", secret="s3cr3t")
    await realm.http.post(f"{REALM}/clients/{client}/roles", json={"name": "user"}, headers=headers)
    xml = await realm.http.get(
        f"{REALM}/clients/{client}/installation/providers/keycloak-oidc-jboss-subsystem", headers=headers
    )
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("text/plain")
    assert '<credential name="secret">s3cr3t</credential>' in xml.text
    assert "<resource>war-app</resource>" in xml.text and "<use-resource-role-mappings>true" in xml.text
    assert "<verify-token-audience>true</verify-token-audience>" in xml.text
    unknown = await realm.http.get(f"{REALM}/clients/{client}/installation/providers/nope", headers=headers)
    assert (unknown.status_code, unknown.json()) == (404, {"error": "Unknown Provider"})
    assert (
        await realm.http.delete(f"{REALM}/clients/{client}/client-secret/rotated", headers=headers)
    ).status_code == 204
    permissions = await realm.http.get(f"{REALM}/users-management-permissions", headers=headers)
    assert permissions.json() == {"enabled": False}
    keys = (
        await realm.http.get(f"{REALM}/components", params={"type": "org.keycloak.keys.KeyProvider"}, headers=headers)
    ).json()
    sub = f"{REALM}/components/{keys[0]['id']}/sub-component-types"
    listed = await realm.http.get(sub, params={"type": "org.keycloak.keys.KeyProvider"}, headers=headers)
    assert "rsa-generated" in {t["id"] for t in listed.json()}
    assert (await realm.http.get(sub, params={"type": "x.Unknown"}, headers=headers)).json() == []
    no_type = await realm.http.get(sub, headers=headers)
    assert (no_type.status_code, no_type.json()) == (400, {"error": "must specify a subtype"})
    no_parent = await realm.http.get(
        f"{REALM}/components/nope/sub-component-types", params={"type": "x"}, headers=headers
    )
    assert (no_parent.status_code, no_parent.json()) == (404, {"error": "Could not find parent component"})


async def test_admin_events_of_nodes_and_certificates_name_what_keycloak_records_and_no_secret(realm: Env) -> None:
    headers = await realm.admin_headers()
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(f"{REALM}/events/config", json=config, headers=headers)).status_code == 204
    client = await make_client(realm, headers, clientId="audited")
    base = f"{REALM}/clients/{client}"
    await realm.http.post(f"{base}/nodes", json={"node": "n1"}, headers=headers)
    await realm.http.delete(f"{base}/nodes/n1", headers=headers)
    certs = f"{base}/certificates/jwt.credential"
    generated = (await realm.http.post(f"{certs}/generate", headers=headers)).json()
    keystore = {"keyPassword": "kp-secret", "storePassword": "sp-secret", "realmCertificate": False}
    assert (await realm.http.post(f"{certs}/download", json=keystore, headers=headers)).status_code == 200
    made = await realm.http.post(f"{certs}/generate-and-download", json={**keystore, "keySize": 2048}, headers=headers)
    assert made.status_code == 200
    assert (await realm.http.delete(f"{base}/client-secret/rotated", headers=headers)).status_code == 204
    listed = (await realm.http.get(f"{REALM}/admin-events", params={"max": 20}, headers=headers)).json()
    seen = [
        (e["operationType"], e["resourceType"], e["resourcePath"].removeprefix(f"clients/{client}")) for e in listed
    ]
    assert seen[:5] == [
        ("DELETE", "CLIENT", "/client-secret/rotated"),
        ("ACTION", "CLIENT", "/certificates/jwt.credential/generate-and-download"),
        ("ACTION", "CLIENT", "/certificates/jwt.credential/generate"),
        ("DELETE", "CLUSTER_NODE", "/nodes/n1"),
        ("CREATE", "CLUSTER_NODE", "/nodes/n1"),
    ]
    assert listed[2]["representation"] == f'{{"certificate":"{generated["certificate"]}"}}'
    assert "representation" not in listed[4] and listed[0]["representation"] == '{"type":"secret"}'
    text = str(listed)
    assert "privateKey" not in text and "kp-secret" not in text and "sp-secret" not in text

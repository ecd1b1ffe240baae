"""The admin endpoints tools call first: serverinfo, a realm's keys, users/count, roles/{role}/users, and
Keycloak's JSON answers (501, 404, 405) for what Doorkeep does not route."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from admin_support import make_admin
from doorkeep.oauth.mappers.types import HANDLERS, NONCE_MAPPER, TRANSFORMS
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def test_serverinfo_answers_the_fields_tools_read(realm: Env) -> None:
    response = await realm.http.get("/admin/serverinfo", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    info = response.json()
    assert info["systemInfo"]["version"].startswith("26.")
    assert info["systemInfo"]["uptimeMillis"] >= 0 and "serverTime" in info["systemInfo"]
    assert {"name": "keycloak", "locales": ["en"]} in info["themes"]["login"]
    assert "openid-connect" in info["providers"]["login-protocol"]["providers"]
    mapper_ids = {m["id"] for m in info["protocolMapperTypes"]["openid-connect"]}
    assert {"oidc-usermodel-attribute-mapper", "oidc-audience-mapper", "oidc-hardcoded-claim-mapper"} <= mapper_ids
    assert all(m["protocolMapper"] in mapper_ids for m in info["builtinProtocolMappers"]["openid-connect"])
    assert {"length", "notUsername", "passwordHistory"} <= {p["id"] for p in info["passwordPolicies"]}
    assert {"CREATE", "UPDATE", "DELETE", "ACTION"} == set(info["enums"]["operationType"])
    assert "USER_SESSION" in info["enums"]["resourceType"] and "LOGIN" in info["enums"]["eventType"]


async def test_serverinfo_lists_every_mapper_type_doorkeep_applies_and_no_other(realm: Env) -> None:
    """protocolMapperTypes (ServerInfoAdminResource.toProtocolMapperTypeRepresentation): one entry per mapper type
    Doorkeep applies to tokens, the role transforms and the nonce mapper included, each in the Token mapper
    category; the amr and nonce types as AmrProtocolMapper and NonceBackwardsCompatibleMapper describe them."""
    response = await realm.http.get("/admin/serverinfo", headers=await realm.admin_headers())
    info = response.json()
    types = {t["id"]: t for t in info["protocolMapperTypes"]["openid-connect"]}
    assert set(types) == {*HANDLERS, *TRANSFORMS, NONCE_MAPPER}
    assert set(info["providers"]["protocol-mapper"]["providers"]) == set(types)
    assert {t["category"] for t in types.values()} == {"Token mapper"}
    amr = types["oidc-amr-mapper"]
    assert (amr["name"], amr["helpText"], amr["priority"]) == (
        "Authentication Method Reference (AMR)",
        "Add authentication method reference (AMR) to the token.",
        0,
    )
    assert [p["name"] for p in amr["properties"]] == ["id.token.claim", "access.token.claim", "lightweight.claim"]
    nonce = types["oidc-nonce-backwards-compatible-mapper"]
    assert (nonce["name"], nonce["helpText"], nonce["properties"]) == (
        "Nonce backwards compatible",
        "Adds the nonce claim to Access, Refresh and ID token",
        [],
    )
    renamed = types["oidc-role-name-mapper"]
    assert renamed["priority"] == 10 and [p["name"] for p in renamed["properties"]] == ["role", "new.role.name"]
    assert [p["type"] for p in types["oidc-hardcoded-role-mapper"]["properties"]] == ["Role"]


async def test_serverinfo_needs_an_administrator(realm: Env) -> None:
    assert (await realm.http.get("/admin/serverinfo")).status_code == 401
    _, plain_user = await make_admin(realm, "test", "plainuser")
    assert (await realm.http.get("/admin/serverinfo", headers=plain_user)).status_code == 403
    _, realm_admin = await make_admin(realm, "test", "viewer", "view-realm")
    assert (await realm.http.get("/admin/serverinfo", headers=realm_admin)).status_code == 200


async def test_keys_list_the_realms_keys_with_public_parts_and_never_private_ones(realm: Env) -> None:
    headers = await realm.admin_headers()
    await realm.http.get("/realms/test/protocol/openid-connect/certs")  # the realm's keys exist once used
    response = await realm.http.get(f"{REALM}/keys", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        stored = await tx.keys.list(test.id)
    by_kid = {k["kid"]: k for k in body["keys"]}
    assert set(by_kid) == {k.kid for k in stored}
    for key in stored:
        listed = by_kid[key.kid]
        encrypting = key.algorithm in ("RSA-OAEP", "AES")  # rsa-enc-generated and aes-generated, as Keycloak's
        assert listed["algorithm"] == key.algorithm and listed["use"] == ("ENC" if encrypting else "SIG")
        assert listed["status"] == key.status.upper() and listed["providerPriority"] == key.priority
        assert key.private not in response.text
        if key.algorithm in ("HS512", "AES"):
            assert listed["type"] == "OCT" and "publicKey" not in listed
        else:
            cert = x509.load_der_x509_certificate(base64.b64decode(listed["certificate"]))
            spki = cert.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            assert base64.b64encode(spki).decode() == listed["publicKey"]
            assert cert.subject.rfc4514_string() == "CN=test"
        if key.status == "active":
            assert body["active"][key.algorithm] == key.kid
    again = (await realm.http.get(f"{REALM}/keys", headers=headers)).json()
    assert again == body


async def test_keys_need_view_realm(realm: Env) -> None:
    _, users_admin = await make_admin(realm, "test", "usersadmin", "view-users")
    assert (await realm.http.get(f"{REALM}/keys", headers=users_admin)).status_code == 403
    assert (await realm.http.get("/admin/realms/nowhere/keys", headers=await realm.admin_headers())).json() == {
        "error": "Realm not found."
    }


async def test_users_count_applies_keycloak_search_filters(realm: Env) -> None:
    headers = await realm.admin_headers()
    await seed_user(realm.db, realm.clock, "test", "alice")
    await seed_user(realm.db, realm.clock, "test", "alicia")
    assert (await realm.http.get(f"{REALM}/users/count", headers=headers)).json() == 3
    assert (await realm.http.get(f"{REALM}/users/count", params={"search": "ali"}, headers=headers)).json() == 2
    assert (
        await realm.http.get(f"{REALM}/users/count", params={"username": "alice", "exact": "true"}, headers=headers)
    ).json() == 1


async def test_role_members_are_paged_with_first_and_max(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/roles", json={"name": "reader"}, headers=headers)).status_code == 201
    role = (await realm.http.get(f"{REALM}/roles/reader", headers=headers)).json()
    for name in ("anna", "bert", "cleo"):
        user = await seed_user(realm.db, realm.clock, "test", name)
        mapped = await realm.http.post(f"{REALM}/users/{user.id}/role-mappings/realm", json=[role], headers=headers)
        assert mapped.status_code == 204
    members = await realm.http.get(f"{REALM}/roles/reader/users", params={"first": 1, "max": 1}, headers=headers)
    assert [u["username"] for u in members.json()] == ["bert"]


async def test_a_keycloak_path_doorkeep_lacks_is_a_deliberate_501_in_keycloak_json(realm: Env) -> None:
    headers = await realm.admin_headers()
    for path in (
        f"{REALM}/users/some-id/unmanagedAttributes",
        f"{REALM}/clients/some-id/authz/resource-server",
    ):
        response = await realm.http.get(path, headers=headers)
        assert response.status_code == 501, path
        assert response.json()["error"] == "HTTP 501 Not Implemented"


async def test_unknown_paths_are_json_404s_and_wrong_methods_json_405s(realm: Env) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.get(f"{REALM}/no-such-thing", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"] == "Unable to find matching target resource method"
    assert (await realm.http.get(f"{REALM}/users/x/no-such-thing", headers=headers)).status_code == 404
    for path in (
        "/admin/realms/0%2F/clients",
        f"{REALM}/users/a%2Fb/sessions",
        f"{REALM}/clients/some-id/default-client-scopes/..%2F..",  # a dot segment names nothing either
        f"{REALM}/clients/.%2Fx/protocol-mappers",
        f"{REALM}/clients/some-id/scope-mappings/clients/%3Cb%3Ex%3C%2Fb%3E",  # a decoded "/" adds a segment
        f"{REALM}/group-by-path/%0A0",  # a control character
    ):
        headers = await realm.admin_headers()  # a decoded "/" leaves an empty segment: nothing, not a missing feature
        for method in ("GET", "POST"):
            response = await realm.http.request(method, path, headers=headers, json={})
            assert response.status_code == 404, (method, path, response.text)
            assert response.json()["error"] == "Unable to find matching target resource method"
    # an empty segment is refused before routing (Keycloak 26's RejectNonNormalizedPathFilter), not a 404
    response = await realm.http.get("/admin/realms/test//clients", headers=await realm.admin_headers())
    assert response.status_code == 400 and response.json()["error"] == "missingNormalization", response.text
    response = await realm.http.patch(f"{REALM}/users/count", headers=await realm.admin_headers())
    assert response.status_code == 405 and response.json()["error"] == "HTTP 405 Method Not Allowed"
    assert "GET" in response.headers["allow"]

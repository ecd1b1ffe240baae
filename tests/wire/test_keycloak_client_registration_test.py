"""Keycloak's ClientRegistrationTest (tests/base/.../tests/client/ClientRegistrationTest.java, formerly
testsuite/integration-arquillian/.../testsuite/client/ClientRegistrationTest.java), ported one method to one
test over HTTP against the default provider (``/realms/test/clients-registrations/default``).
AbstractClientRegistrationTest's ClientRegistrationRealmConfig (the users ``manage-clients``, ``create-clients``
and ``no-access``, the public client ``myclient-test``) is imported once on one module-wide app
(group_port.shared_env) and the clients a test registered are removed before the next (the Java cleanup); the
Java ``reg`` client is client_registration_port.Registration.

Initial access tokens, registration access tokens, the default policies and parse errors are in
test_client_registration.py (InitialAccessTokenTest, RegistrationAccessTokenTest).

The copies of the Java class differ; the newest (no ``registerOid4vcClientShouldBeRejected``, which moved to a
class of its own) is followed: a redirect URI's fragment is "Redirect URIs must not contain an URI fragment".
Where a client is registered with ``optionalClientScopes`` only (``updateClientScopes``,
``registerClientAsAdminWithScope``), ``basic`` is its one default scope, as the arquillian copy expects:
AbstractClientRegistrationProvider.create gives optional scopes without default ones the default ``basic``
before the policies and createClient see them.

Left out, with the reason:

- ``testSamlSpecificUrls``: SAML clients; Doorkeep has no SAML protocol.
- ``testUpdateAuthorizationSettings``: authorization services (resource servers, policies); Doorkeep has none.
- ``registerOid4vcClientShouldBeRejected``: the admin API's create of a client with protocol ``oid4vc`` is a 400
  in Keycloak (DefaultClientValidationProvider's protocol check, keycloak#48872); Doorkeep does not check a
  client's protocol yet, so this is left for that change rather than ported against a 201.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import group_port
from client_registration_port import CLIENT_ID, CLIENT_SECRET, REGISTRATION_REALM, Registration, body, build_client
from group_port import fresh_realm
from keycloak_port import admin_headers
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ADMIN = "/admin/realms/test"


@pytest.fixture(scope="module")
async def tokens(shared_env: Env) -> dict[str, str]:
    """ClientRegistrationRealmConfig imported once for the module; the users' tokens, minted once each."""
    await fresh_realm(shared_env, REGISTRATION_REALM)
    return {}


@pytest.fixture
async def reg(env: Env, tokens: dict[str, str]) -> Registration:
    """The Java ``reg``, on the module's realm with the clients earlier tests registered removed again (the
    Java test's cleanup)."""
    headers = await admin_headers(env)
    for client in body(await env.http.get(f"{ADMIN}/clients", headers=headers)):
        if (
            client["clientId"] == CLIENT_ID
            or client["clientId"] == "myclient"
            or client["clientId"].startswith("test-")
        ):
            gone = await env.http.delete(f"{ADMIN}/clients/{client['id']}", headers=headers)
            assert gone.status_code == 204, gone.text
    return Registration(env, tokens=tokens)


async def admin_get(env: Env, path: str) -> Any:
    return await env.http.get(ADMIN + path, headers=await admin_headers(env))


async def register_client(reg: Registration, client: dict[str, Any] | None = None) -> dict[str, Any]:
    """``registerClient``: created through the service, then read back through the admin API."""
    created: dict[str, Any] = body(await reg.create(client or build_client()), 201)
    assert created["clientId"] == CLIENT_ID
    stored = body(await admin_get(reg.env, f"/clients/{created['id']}"))
    assert stored["clientId"] == CLIENT_ID
    return created


async def register_client_as_admin(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    await register_client(reg)


async def service_account_users(env: Env, client_id: str) -> list[Any]:
    found: list[Any] = body(
        await env.http.get(
            f"{ADMIN}/users",
            params={"username": f"service-account-{client_id}", "exact": "true"},
            headers=await admin_headers(env),
        )
    )
    return found


async def delete_client(reg: Registration, client: dict[str, Any]) -> None:
    """``deleteClient``: deleted through the service, gone from the admin API."""
    assert (await reg.delete(CLIENT_ID)).status_code == 204
    assert (await admin_get(reg.env, f"/clients/{client['id']}")).status_code == 404


async def test_register_client_as_admin(reg: Registration) -> None:
    await register_client_as_admin(reg)


async def test_with_service_account(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    rep = await register_client(reg, {**build_client(), "serviceAccountsEnabled": True})
    user = body(await admin_get(reg.env, f"/clients/{rep['id']}/service-account-user"))
    await delete_client(reg, rep)
    assert (await admin_get(reg.env, f"/users/{user['id']}")).status_code == 404


async def test_update_service_account(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    await register_client(reg)
    client = body(await reg.get(CLIENT_ID))
    assert client["serviceAccountsEnabled"] is False
    assert await service_account_users(reg.env, CLIENT_ID) == []
    client = body(await reg.update({**client, "serviceAccountsEnabled": True}))
    assert client["serviceAccountsEnabled"] is True
    assert await service_account_users(reg.env, CLIENT_ID) != []
    client = body(await reg.update({**client, "serviceAccountsEnabled": False}))
    assert client["serviceAccountsEnabled"] is False
    assert await service_account_users(reg.env, CLIENT_ID) == []


async def test_register_client_in_master_realm(env: Env, reg: Registration) -> None:
    master = Registration(env, "master")
    master.token = await env.admin_token()
    created = body(await master.create({"clientId": CLIENT_ID, "secret": CLIENT_SECRET}), 201)
    removed = await env.http.delete(f"/admin/realms/master/clients/{created['id']}", headers=await admin_headers(env))
    assert removed.status_code == 204


async def test_register_client_without_protocol(reg: Registration) -> None:
    await reg.auth_as("create-clients")
    assert (await register_client(reg))["protocol"] == "openid-connect"


async def test_register_client_as_admin_with_create_only(reg: Registration) -> None:
    await reg.auth_as("create-clients")
    await register_client(reg)


async def test_register_client_as_admin_with_no_access(reg: Registration) -> None:
    await reg.auth_as("no-access")
    assert (await reg.create(build_client())).status_code == 403


async def test_register_client_using_revoked_token(env: Env, reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    myclient = {"clientId": "myclient", "serviceAccountsEnabled": True, "secret": "password"}
    body(await reg.create({**myclient, "directAccessGrantsEnabled": True}), 201)
    form = {"grant_type": "password", "client_id": "myclient", "client_secret": "password"}
    granted = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={**form, "username": "manage-clients", "password": "password"},
    )
    bearer = body(granted)["access_token"]
    revoke = {"token": bearer, "token_type_hint": "access_token", "client_id": "myclient", "client_secret": "password"}
    assert (await env.http.post("/realms/test/protocol/openid-connect/revoke", data=revoke)).status_code == 200
    reg.token = bearer
    response = await reg.create({**build_client(), "serviceAccountsEnabled": True})
    assert_error(response, 401, "invalid_token", "Failed decode token")


async def test_register_client_with_non_ascii_chars(reg: Registration) -> None:
    await reg.auth_as("create-clients")
    assert (await register_client(reg, {**build_client(), "name": "Cli\u00ebnt"}))["name"] == "Cli\u00ebnt"


async def test_client_with_default_roles(reg: Registration) -> None:
    await reg.auth_as("create-clients")
    client = {**build_client(), "defaultRoles": ["test-default-role"]}
    assert (await register_client(reg, client))["defaultRoles"] == ["test-default-role"]
    await reg.auth_as("manage-clients")
    assert body(await reg.get(CLIENT_ID))["defaultRoles"] == ["test-default-role"]
    updated = body(await reg.update({**client, "defaultRoles": ["test-default-role1", "test-default-role2"]}))
    assert sorted(updated["defaultRoles"]) == ["test-default-role1", "test-default-role2"]


async def test_update_client_scopes(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    created = await register_client(reg, {**build_client(), "optionalClientScopes": ["address"]})
    assert set(created["optionalClientScopes"]) == {"address"}
    assert set(created["defaultClientScopes"]) == {"basic"}
    obtained = body(await reg.get(CLIENT_ID))
    assert set(obtained["optionalClientScopes"]) == {"address"}
    assert set(obtained["defaultClientScopes"]) == {"basic"}
    updated = body(await reg.update({**obtained, "optionalClientScopes": ["address", "phone"]}))
    assert set(updated["optionalClientScopes"]) == {"address", "phone"}
    assert set(updated["defaultClientScopes"]) == {"basic"}


async def expect_validation_errors(
    reg: Registration, rep: dict[str, Any], register: bool, redirect_uris: bool, *expected: str | None
) -> None:
    """``registerOrUpdateClientExpectingValidationErrors``: a 400 whose description lists exactly these
    errors, joined by ``; ``, as ``invalid_redirect_uri`` or ``invalid_client_metadata``."""
    response = await (reg.create(rep) if register else reg.update(rep))
    assert response.status_code == 400, (response.status_code, response.text)
    error = response.json()
    assert sorted(error["error_description"].split("; ")) == sorted(e for e in expected if e is not None), error
    assert error["error"] == ("invalid_redirect_uri" if redirect_uris else "invalid_client_metadata")


async def client_uri_validation(
    reg: Registration,
    root_error: str | None,
    base_error: str | None,
    backchannel_error: str | None,
    redirect_error: str | None,
    *urls: str,
) -> None:
    """``testClientUriValidation``, for a registration and then for an update."""
    for register in (True, False):
        if register:
            await reg.auth_as("create-clients")
            rep = build_client()
        else:
            await register_client_as_admin(reg)
            rep = body(await reg.get(CLIENT_ID))
        for url in urls:
            checks: list[tuple[str, str | None, bool]] = [
                ("rootUrl", root_error, False),
                ("baseUrl", base_error, False),
                ("backchannel", backchannel_error, False),
                ("redirectUris", redirect_error, True),
            ]
            for field, error, redirect in checks:
                if error is None:
                    continue
                if field == "backchannel":
                    attributes = {**rep.get("attributes", {}), "backchannel.logout.url": url}
                    changed = {**rep, "attributes": attributes}
                else:
                    changed = {**rep, field: [url] if redirect else url}
                await expect_validation_errors(reg, changed, register, redirect, error)
            every = dict(rep)
            if root_error is not None:
                every["rootUrl"] = url
            if base_error is not None:
                every["baseUrl"] = url
            if redirect_error is not None:
                every["redirectUris"] = [url]
            await expect_validation_errors(
                reg, every, register, redirect_error is not None, root_error, base_error, redirect_error
            )


async def test_invalid_url_client_validation(reg: Registration) -> None:
    await client_uri_validation(
        reg,
        "Root URL is not a valid URL",
        "Base URL is not a valid URL",
        "Backchannel logout URL is not a valid URL",
        None,
        "invalid",
        "myapp://some-fake-app",
    )


async def test_illegal_scheme_client_validation(reg: Registration) -> None:
    await client_uri_validation(
        reg,
        "Root URL uses an illegal scheme",
        "Base URL uses an illegal scheme",
        "Backchannel logout URL uses an illegal scheme",
        "A redirect URI uses an illegal scheme",
        "data:text/html;base64,PHNjcmlwdD5jb25maXJtKGRvY3VtZW50LmRvbWFpbik7PC9zY3JpcHQ+",
        "javascript:confirm(document.domain)/*",
    )


async def test_fragment_prohibited_client_validation(reg: Registration) -> None:
    await client_uri_validation(
        reg,
        "Root URL must not contain an URL fragment",
        None,
        None,
        "Redirect URIs must not contain an URI fragment",
        "http://redhat.com/abcd#someFragment",
    )


async def test_get_client_as_admin(reg: Registration) -> None:
    await register_client_as_admin(reg)
    assert body(await reg.get(CLIENT_ID))["clientId"] == CLIENT_ID


async def test_get_client_as_admin_with_create_only(reg: Registration) -> None:
    await register_client_as_admin(reg)
    await reg.auth_as("create-clients")
    assert (await reg.get(CLIENT_ID)).status_code == 403


async def test_get_client_as_admin_with_no_access(reg: Registration) -> None:
    await register_client_as_admin(reg)
    await reg.auth_as("no-access")
    assert (await reg.get(CLIENT_ID)).status_code == 403


async def test_get_client_not_found(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    assert (await reg.get("invalid")).status_code == 404  # the Java client answers null on a 404


async def test_get_client_not_found_no_access(reg: Registration) -> None:
    await reg.auth_as("no-access")
    assert (await reg.get("invalid")).status_code == 403


async def update_client(reg: Registration) -> int:
    """``updateClient``: the redirect URIs set to one and read back; the first failing status, or 200."""
    got = await reg.get(CLIENT_ID)
    if got.status_code != 200:
        return got.status_code
    updated = await reg.update({**got.json(), "redirectUris": ["http://localhost:8080/app"]})
    if updated.status_code != 200:
        return updated.status_code
    assert body(await reg.get(CLIENT_ID))["redirectUris"] == ["http://localhost:8080/app"]
    return 200


async def test_update_client_as_admin(reg: Registration) -> None:
    await register_client_as_admin(reg)
    await reg.auth_as("manage-clients")
    assert await update_client(reg) == 200


async def test_update_client_secret(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    await register_client(reg)
    client = body(await reg.get(CLIENT_ID))
    assert client["secret"]
    body(await reg.update({**client, "secret": "mysecret"}))
    assert body(await reg.get(CLIENT_ID))["secret"] == "mysecret"


def with_mapper(client: dict[str, Any], name: str) -> dict[str, Any]:
    """``addProtocolMapper``: one user-attribute mapper as the client's only protocol mapper."""
    config = {
        "userinfo.token.claim": "true",
        "user.attribute": "someAttribute",
        "id.token.claim": "true",
        "access.token.claim": "true",
        "claim.name": "someClaimName",
        "jsonType.label": "long",
    }
    mapper = {"name": name, "protocol": "openid-connect", "protocolMapper": "oidc-usermodel-attribute-mapper"}
    return {**client, "protocolMappers": [{**mapper, "config": config}]}


async def test_add_client_protcol_mappers(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    await register_client(reg)
    client = body(await reg.get(CLIENT_ID))
    body(await reg.update(with_mapper(client, "mapperA")))
    assert len(body(await reg.get(CLIENT_ID))["protocolMappers"]) == 1


async def test_remove_client_protcol_mappers(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    await register_client(reg, with_mapper(build_client(), "mapperA"))
    client = body(await reg.get(CLIENT_ID))
    body(await reg.update({**client, "protocolMappers": []}))
    assert body(await reg.get(CLIENT_ID)).get("protocolMappers") is None


async def test_update_client_protcol_mappers(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    await register_client(reg, with_mapper(build_client(), "mapperA"))
    client = body(await reg.get(CLIENT_ID))
    client["protocolMappers"][0]["config"]["claim.name"] = "updatedClaimName"
    body(await reg.update(client))
    mapper = body(await reg.get(CLIENT_ID))["protocolMappers"][0]
    assert mapper["config"]["claim.name"] == "updatedClaimName"


async def test_update_client_as_admin_with_create_only(reg: Registration) -> None:
    await reg.auth_as("create-clients")
    assert await update_client(reg) == 403


async def test_update_client_as_admin_with_no_access(reg: Registration) -> None:
    await reg.auth_as("no-access")
    assert await update_client(reg) == 403


async def test_update_client_not_found(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    assert (await reg.update({"clientId": "invalid"})).status_code == 404


async def test_update_client_with_non_ascii_chars(reg: Registration) -> None:
    await reg.auth_as("create-clients")
    await register_client(reg)
    await reg.auth_as("manage-clients")
    client = body(await reg.get(CLIENT_ID))
    assert body(await reg.update({**client, "name": "Cli\u00ebnt"}))["name"] == "Cli\u00ebnt"


async def test_delete_client_as_admin(reg: Registration) -> None:
    await reg.auth_as("create-clients")
    client = await register_client(reg)
    await reg.auth_as("manage-clients")
    await delete_client(reg, client)


async def test_delete_client_as_admin_with_create_only(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    await register_client(reg)
    await reg.auth_as("create-clients")
    assert (await reg.delete(CLIENT_ID)).status_code == 403


async def test_delete_client_as_admin_with_no_access(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    await register_client(reg)
    await reg.auth_as("no-access")
    assert (await reg.delete(CLIENT_ID)).status_code == 403


async def test_register_client_as_admin_with_scope(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    created = body(await reg.create({**build_client(), "optionalClientScopes": ["address", "phone"]}), 201)
    client = body(await admin_get(reg.env, f"/clients/{created['id']}"))
    assert client["clientId"] == CLIENT_ID
    await delete_client(reg, created)
    assert set(client["optionalClientScopes"]) == {"address", "phone"}
    assert set(client["defaultClientScopes"]) == {"basic"}


async def test_register_client_as_admin_without_scope(reg: Registration) -> None:
    def oidc_names(scopes: list[dict[str, Any]]) -> set[str]:
        return {s["name"] for s in scopes if s.get("protocol") == "openid-connect"}

    defaults = oidc_names(body(await admin_get(reg.env, "/default-default-client-scopes")))
    optionals = oidc_names(body(await admin_get(reg.env, "/default-optional-client-scopes")))
    await reg.auth_as("manage-clients")
    created = body(await reg.create(build_client()), 201)
    client = body(await admin_get(reg.env, f"/clients/{created['id']}"))
    assert set(client["defaultClientScopes"]) == defaults
    assert set(client["optionalClientScopes"]) == optionals


async def test_register_client_as_admin_with_not_defined_scope(reg: Registration) -> None:
    await reg.auth_as("manage-clients")
    response = await reg.create({**build_client(), "optionalClientScopes": ["notdefinedscope", "phone"]})
    assert response.status_code == 403


async def test_register_client_with_wrong_characters(env: Env) -> None:
    response = await env.http.post(
        "/realms/master/clients-registrations/openid-connect",
        content=b'{"<img src=alert(1)>":1}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].split(";")[0].strip() == "application/json"
    assert 'Unrecognized field \\"<img src=alert(1)>\\"' in response.text


async def test_register_multiple_clients(env: Env, reg: Registration) -> None:
    created = await env.http.post(
        f"{ADMIN}/clients-initial-access", json={"count": 2, "expiration": 10000}, headers=await admin_headers(env)
    )
    token = body(created, 201)["token"]

    async def one(j: int) -> bool:
        response = await env.http.post(
            reg.url, json={"clientId": f"test-{j}"}, headers={"Authorization": f"Bearer {token}"}
        )
        return response.status_code == 201 and response.json()["clientId"] == f"test-{j}"

    assert sum(await asyncio.gather(*(one(j) for j in range(10)))) == 2


async def test_register_with_lightweight_access_token_and_transient_session(env: Env, reg: Registration) -> None:
    master = "/admin/realms/master"
    headers = await admin_headers(env)
    admin_client = {
        "clientId": "test-admin-client",
        "secret": "test-admin-client",
        "serviceAccountsEnabled": True,
        "attributes": {"client.use.lightweight.access.token.enabled": "true"},
    }
    made = await env.http.post(f"{master}/clients", json=admin_client, headers=headers)
    assert made.status_code == 201, made.text
    admin_uuid = made.headers["location"].rsplit("/", 1)[1]
    account = body(await env.http.get(f"{master}/clients/{admin_uuid}/service-account-user", headers=headers))
    role = body(await env.http.get(f"{master}/roles/admin", headers=headers))
    mapped = await env.http.post(f"{master}/users/{account['id']}/role-mappings/realm", json=[role], headers=headers)
    assert mapped.status_code == 204, mapped.text
    granted = await env.http.post(
        "/realms/master/protocol/openid-connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "test-admin-client",
            "client_secret": "test-admin-client",
        },
    )
    master_reg = Registration(env, "master")
    master_reg.token = body(granted)["access_token"]
    created = body(await master_reg.create({"clientId": CLIENT_ID, "secret": CLIENT_SECRET}), 201)
    for uuid in (admin_uuid, created["id"]):
        assert (await env.http.delete(f"{master}/clients/{uuid}", headers=headers)).status_code == 204

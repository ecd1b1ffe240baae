"""Keycloak's ClientTest (testsuite/integration-arquillian/.../admin/ClientTest.java, moved to
tests/base/.../tests/admin/client/), ported one method to one test over HTTP: the realm of AbstractAdminTest is
imported anew for each test on one app for the module (client_test_port), every call made as master's admin,
with the admin events the Java test asserts.

The methods the newest ClientTest adds (getRealmClients, createBearerOnlyClientVerifyWithSecret, the client id
checks, removeClientWithDependentCompositeRoles, testAddNodeWithReservedCharacter, the duplicate mapper of
updateClientWithProtocolMapper, testClientSessionTimeoutValidation) are in test_kc_port4_clients.py.

Ported elsewhere, not repeated here: ``scopes`` in test_keycloak_scope_mapping_test.py; the internal clients
that cannot be deleted (``removeInternalClientExpectingBadRequestException``) in
test_admin_clients_keycloak_parity.py; the client-secret, registration access token, service-account roles,
sessions, and default/optional client scopes in test_keycloak_client_test_extras.py.

Left out, with the reason: ``testSamlSpecificUrls`` (SAML, which Doorkeep lacks); the old suite's ``deleteDefaultRole``
(a client's ``defaultRoles``, gone from Keycloak since default roles became the realm's composite role
``default-roles-{realm}``; the newest ClientTest's version over that composite is in test_kc_port4_clients.py); ``createClientValidation`` / ``updateClientValidation`` of the old suite (their
"Invalid URL in rootUrl" texts are Keycloak 11's; the messages of Keycloak 26 are checked by
``test_invalid_url_client_validation``).
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from browser_flow import REDIRECT, exchange
from browser_flow import login as browser_login
from client_test_port import (
    DEFAULT_CLIENTS,
    MASKED,
    REALM,
    USER,
    assert_client,
    client_ids,
    create_app_client,
    create_client,
)
from group_port import fresh_realm
from ports import free_port
from receiver import receiver
from role_port import assert_event, call, create, ok, poll_events
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

BACKCHANNEL = "backchannel.logout.url"


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await fresh_realm(env, REALM)


async def test_get_clients(env: Env, realm_id: str) -> None:
    assert await client_ids(env) == DEFAULT_CLIENTS


async def test_create_client_verify_with_secret(env: Env, realm_id: str) -> None:
    client_uuid = (await create_client(env, realm_id))["id"]
    stored = await ok(env, "GET", f"/clients/{client_uuid}")
    assert stored["secret"]
    assert await client_ids(env) == DEFAULT_CLIENTS | {"my-app"}


async def test_create_client_verify(env: Env, realm_id: str) -> None:
    client_uuid = (await create_client(env, realm_id))["id"]
    assert (await call(env, "GET", f"/clients/{client_uuid}")).status_code == 200
    assert await client_ids(env) == DEFAULT_CLIENTS | {"my-app"}


async def _expect_errors(env: Env, rep: dict[str, Any], create_it: bool, *expected: str | None) -> None:
    """``createOrUpdateClientExpectingValidationErrors``: 400 ``invalid_input``, the description the set of
    the expected messages joined by ``; ``."""
    if create_it:
        response = await call(env, "POST", "/clients", rep)
        assert "location" not in response.headers
    else:
        response = await call(env, "PUT", f"/clients/{rep['id']}", rep)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_input"
    assert sorted(body["error_description"].split("; ")) == sorted(m for m in expected if m is not None)


async def _client_uri_validation(
    env: Env,
    realm_id: str,
    root: str | None,
    base: str | None,
    backchannel: str | None,
    redirect: str | None,
    *urls: str,
) -> None:
    """``testClientUriValidation``: each URL in each field alone, then in all of them at once; on create
    (``my-app2``) and on update of ``createClient``'s client."""
    for create_it in (True, False):
        rep: dict[str, Any] = (
            {"clientId": "my-app2", "enabled": True} if create_it else await create_client(env, realm_id)
        )
        for url in urls:
            if root:
                await _expect_errors(env, {**rep, "rootUrl": url}, create_it, root)
            if base:
                await _expect_errors(env, {**rep, "baseUrl": url}, create_it, base)
            if backchannel:
                await _expect_errors(env, {**rep, "attributes": {BACKCHANNEL: url}}, create_it, backchannel)
            if redirect:
                await _expect_errors(env, {**rep, "redirectUris": [url]}, create_it, redirect)
            every = {
                **rep,
                **({"rootUrl": url} if root else {}),
                **({"baseUrl": url} if base else {}),
                **({"redirectUris": [url]} if redirect else {}),
            }
            await _expect_errors(env, every, create_it, root, base, redirect)
        if not create_it:
            stored = await ok(env, "GET", f"/clients/{rep['id']}")
            assert stored.get("rootUrl") is None and stored.get("baseUrl") is None
    assert await poll_events(env) == []  # nothing refused was recorded


async def test_invalid_url_client_validation(env: Env, realm_id: str) -> None:
    await _client_uri_validation(
        env,
        realm_id,
        "Root URL is not a valid URL",
        "Base URL is not a valid URL",
        "Backchannel logout URL is not a valid URL",
        None,
        "invalid",
        "myapp://some-fake-app",
    )


async def test_illegal_scheme_client_validation(env: Env, realm_id: str) -> None:
    await _client_uri_validation(
        env,
        realm_id,
        "Root URL uses an illegal scheme",
        "Base URL uses an illegal scheme",
        "Backchannel logout URL uses an illegal scheme",
        "A redirect URI uses an illegal scheme",
        "data:text/html;base64,PHNjcmlwdD5jb25maXJtKGRvY3VtZW50LmRvbWFpbik7PC9zY3JpcHQ+",
        "javascript:confirm(document.domain)/*",
    )


async def test_create_duplicate_client(env: Env, realm_id: str) -> None:
    """ClientsResource.createClient's ModelDuplicateException: 409 "Client my-app already exists"."""
    await create_client(env, realm_id)
    response = await call(env, "POST", "/clients", {"clientId": "my-app"})
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Client my-app already exists"}
    assert await poll_events(env) == []


async def test_remove_client(env: Env, realm_id: str) -> None:
    client_uuid = (await create_client(env, realm_id))["id"]
    assert await ok(env, "GET", "/clients", clientId="my-app")
    await ok(env, "DELETE", f"/clients/{client_uuid}")
    assert await ok(env, "GET", "/clients", clientId="my-app") == []
    await assert_event(env, realm_id, "DELETE", f"clients/{client_uuid}", "CLIENT")


async def test_get_client_representation(env: Env, realm_id: str) -> None:
    client_uuid = (await create_client(env, realm_id))["id"]
    rep = await ok(env, "GET", f"/clients/{client_uuid}")
    assert (rep["id"], rep["clientId"], rep["enabled"]) == (client_uuid, "my-app", True)


async def test_get_client_description(env: Env, realm_id: str) -> None:
    """KEYCLOAK-1918."""
    client_uuid = (await create_client(env, realm_id))["id"]
    rep = await ok(env, "GET", f"/clients/{client_uuid}")
    assert (rep["id"], rep["description"]) == (client_uuid, "my-app description")


async def test_get_client_sessions(env: Env) -> None:
    """In the realm ``test`` of testrealm.json: a password grant and a browser login of ``test-app`` make two
    user sessions, each with that one client."""
    app = {
        "clientId": "test-app",
        "secret": "password",
        "directAccessGrantsEnabled": True,
        "redirectUris": ["http://127.0.0.1:9999/*"],
    }
    await fresh_realm(env, {**REALM, "clients": [app]})
    form = {"grant_type": "password", "client_id": "test-app", "client_secret": "password"}
    response = await env.http.post(
        "/realms/test/protocol/openid-connect/token", data={**form, "username": USER, "password": "password"}
    )
    assert response.status_code == 200, response.text
    env.http.cookies.clear()
    code = (await browser_login(env.http, "test", "test-app", USER, "password"))["code"]
    env.http.cookies.clear()
    assert (await exchange(env.http, "test", "test-app", code, "password")).status_code == 200

    (found,) = await ok(env, "GET", "/clients", clientId="test-app")
    assert await ok(env, "GET", f"/clients/{found['id']}/session-count") == {"count": 2}
    sessions = await ok(env, "GET", f"/clients/{found['id']}/user-sessions", first=0, max=100)
    assert len(sessions) == 2
    assert len(sessions[0]["clients"]) == 1


async def test_get_all_clients(env: Env, realm_id: str) -> None:
    assert await ok(env, "GET", "/clients")


async def test_get_all_clients_search_and_pagination(env: Env, realm_id: str) -> None:
    for i in range(1, 11):
        await create(env, "/clients", {"clientId": f"ccx-{i:02d}"})

    async def page(first: int, most: int) -> list[str]:
        found = await ok(env, "GET", "/clients", clientId="ccx-", search="true", first=first, max=most)
        return [c["clientId"] for c in found]

    assert await page(0, 100) == [f"ccx-{i:02d}" for i in range(1, 11)]
    assert await page(0, 5) == [f"ccx-{i:02d}" for i in range(1, 6)]
    assert await page(5, 5) == [f"ccx-{i:02d}" for i in range(6, 11)]


async def test_get_client_by_id(env: Env, realm_id: str) -> None:
    await create_client(env, realm_id)
    (rep,) = await ok(env, "GET", "/clients", clientId="my-app")
    assert_client(rep, await ok(env, "GET", f"/clients/{rep['id']}"))


async def test_test_protocol_mappers(env: Env, realm_id: str) -> None:
    """``protocolMappersTest``: no built-in mappers on a new client; ``foo`` created, read, updated and
    deleted, each with its PROTOCOL_MAPPER event."""
    client_uuid = (await create_client(env, realm_id))["id"]
    mappers = f"/clients/{client_uuid}/protocol-mappers/models"
    names = {m["name"] for m in await ok(env, "GET", mappers)}
    assert not names & {"email", "username", "foo"}

    foo: dict[str, Any] = {
        "name": "foo",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
    }
    mapper_id = await create(env, mappers, foo)
    path = f"clients/{client_uuid}/protocol-mappers/models/{mapper_id}"
    await assert_event(env, realm_id, "CREATE", path, "PROTOCOL_MAPPER", foo)
    foo = await ok(env, "GET", f"{mappers}/{mapper_id}")
    assert foo["name"] == "foo"

    await ok(env, "PUT", f"{mappers}/{mapper_id}", foo)
    await assert_event(env, realm_id, "UPDATE", path, "PROTOCOL_MAPPER", foo)

    await ok(env, "DELETE", f"{mappers}/{mapper_id}")
    await assert_event(env, realm_id, "DELETE", path, "PROTOCOL_MAPPER")
    assert (await call(env, "GET", f"{mappers}/{mapper_id}")).status_code == 404


async def test_update_client(env: Env, realm_id: str) -> None:
    client = await create_client(env, realm_id)
    new: dict[str, Any] = {"id": client["id"], "clientId": client["clientId"], "baseUrl": "http://baseurl"}
    await ok(env, "PUT", f"/clients/{client['id']}", new)
    await assert_event(env, realm_id, "UPDATE", f"clients/{client['id']}", "CLIENT", new)
    assert_client(client, await ok(env, "GET", f"/clients/{client['id']}"))

    new["secret"] = "new-secret"
    await ok(env, "PUT", f"/clients/{client['id']}", new)
    # the recorded representation has the secret masked (StripSecretsUtils)
    await assert_event(env, realm_id, "UPDATE", f"clients/{client['id']}", "CLIENT", {**new, "secret": MASKED})
    assert_client(client, await ok(env, "GET", f"/clients/{client['id']}"))


async def test_update_client_with_protocol_mapper(env: Env, realm_id: str) -> None:
    foo = {"name": "foo", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-claim-mapper"}
    client_uuid = await create(env, "/clients", {"clientId": "my-app", "protocolMappers": [foo]})
    client = await ok(env, "GET", f"/clients/{client_uuid}")
    mappers = client["protocolMappers"]
    assert [m["name"] for m in mappers] == ["foo"]

    bar = {"name": "bar", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-role-mapper"}
    new = {"id": client_uuid, "clientId": "my-app", "protocolMappers": [*mappers, bar]}
    await ok(env, "PUT", f"/clients/{client_uuid}", new)
    stored = await ok(env, "GET", f"/clients/{client_uuid}")
    assert_client(client, stored)


async def test_service_account(env: Env, realm_id: str) -> None:
    client_uuid = await create(env, "/clients", {"clientId": "serviceClient", "serviceAccountsEnabled": True})
    user = await ok(env, "GET", f"/clients/{client_uuid}/service-account-user")
    assert user["username"] == "service-account-serviceclient"
    assert "email" not in user  # KEYCLOAK-11197: no placeholder e-mail


def _assert_uri_fragment_error(response: Any) -> None:
    assert response.status_code == 400, response.text
    body = response.json()  # Keycloak 26: the messages in the description of an ``invalid_input``
    assert body["error"] == "invalid_input"
    assert "Redirect URIs must not contain an URI fragment" in body["error_description"]
    assert "Root URL must not contain an URL fragment" in body["error_description"]


async def test_create_client_with_fragments(env: Env, realm_id: str) -> None:
    """KEYCLOAK-3421."""
    rep = {
        "clientId": "client-with-fragment",
        "rootUrl": "http://localhost/base#someFragment",
        "redirectUris": [
            "http://localhost/auth",
            "http://localhost/auth#fragment",
            "http://localhost/auth*",
            "/relative",
        ],
    }
    _assert_uri_fragment_error(await call(env, "POST", "/clients", rep))


async def test_update_client_with_fragments(env: Env, realm_id: str) -> None:
    """KEYCLOAK-3421."""
    rep = {"clientId": "client-with-fragment", "redirectUris": ["http://localhost/auth", "http://localhost/auth*"]}
    client_uuid = await create(env, "/clients", rep)
    client = await ok(env, "GET", f"/clients/{client_uuid}")
    client["rootUrl"] = "http://localhost/base#someFragment"
    client["redirectUris"] += ["http://localhost/auth#fragment", "/relative"]
    _assert_uri_fragment_error(await call(env, "PUT", f"/clients/{client_uuid}", client))


async def test_push_revocation(env: Env, realm_id: str) -> None:
    """The test app's admin URL gets a PushNotBeforeAction with the client's notBefore; the ACTION event
    carries no representation (ClientResource.pushRevocation)."""
    with receiver(port=free_port()) as app:
        client = await create_app_client(env, realm_id, f"{app.url}/app/admin", REDIRECT)
        result = await ok(env, "POST", f"/clients/{client['id']}/push-revocation")
        assert result == {"successRequests": [f"{app.url}/app/admin"]}
        (pushed,) = app.requests
    assert pushed.path == "/app/admin/k_push_not_before"
    assert claims(pushed.body)["notBefore"] == client["notBefore"]
    (event,) = await poll_events(env)
    assert (event["operationType"], event["resourceType"]) == ("ACTION", "CLIENT")
    assert event["resourcePath"] == f"clients/{client['id']}/push-revocation"


async def test_nodes(env: Env, realm_id: str) -> None:
    """Two nodes registered, ``test-nodes-available`` posts a TestAvailabilityAction to each node's copy of
    the admin URL (the host replaced): 127.0.0.1 answers, ``invalid`` does not; the last is unregistered."""
    with receiver(port=free_port()) as app:
        port = app.url.rsplit(":", 1)[1]
        client = await create_app_client(env, realm_id, f"{app.url}/app/admin", REDIRECT)
        client_uuid = client["id"]
        await ok(env, "POST", f"/clients/{client_uuid}/nodes", {"node": "127.0.0.1"})
        await ok(env, "POST", f"/clients/{client_uuid}/nodes", {"node": "invalid"})
        events = [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in await poll_events(env)]
        assert events == [
            ("CREATE", "CLUSTER_NODE", f"clients/{client_uuid}/nodes/127.0.0.1"),
            ("CREATE", "CLUSTER_NODE", f"clients/{client_uuid}/nodes/invalid"),
        ]

        result = await ok(env, "GET", f"/clients/{client_uuid}/test-nodes-available")
        assert result == {
            "successRequests": [f"http://127.0.0.1:{port}/app/admin"],
            "failedRequests": [f"http://invalid:{port}/app/admin"],
        }
        path = f"clients/{client_uuid}/test-nodes-available"
        await assert_event(env, realm_id, "ACTION", path, "CLUSTER_NODE", result)
        (tested,) = app.requests
    assert tested.path == "/app/admin/k_test_available"
    action = claims(tested.body)
    assert (action["resource"], action["action"]) == ("test-app", "TEST_AVAILABILITY")
    assert "notBefore" not in action

    assert len((await ok(env, "GET", f"/clients/{client_uuid}"))["registeredNodes"]) == 2
    await ok(env, "DELETE", f"/clients/{client_uuid}/nodes/invalid")
    await assert_event(env, realm_id, "DELETE", f"clients/{client_uuid}/nodes/invalid", "CLUSTER_NODE")
    assert len((await ok(env, "GET", f"/clients/{client_uuid}"))["registeredNodes"]) == 1


async def test_offline_user_sessions(env: Env, realm_id: str) -> None:
    client = await create_app_client(env, realm_id, "http://127.0.0.1:9/app/admin", "http://127.0.0.1:9999/*")
    client_uuid = client["id"]
    user_id = await create(env, "/users", {"username": "testuser", "enabled": True})  # UserBuilder
    password = {"type": "password", "value": "password", "temporary": False}
    await ok(env, "PUT", f"/users/{user_id}/reset-password", password)

    assert await ok(env, "GET", f"/clients/{client_uuid}/offline-session-count") == {"count": 0}
    assert await ok(env, "GET", f"/users/{user_id}/offline-sessions/{client_uuid}") == []

    env.http.cookies.clear()
    code = (await browser_login(env.http, "test", "test-app", "testuser", "password", scope="openid offline_access"))[
        "code"
    ]
    env.http.cookies.clear()
    assert (await exchange(env.http, "test", "test-app", code, "secret")).status_code == 200

    assert await ok(env, "GET", f"/clients/{client_uuid}/offline-session-count") == {"count": 1}
    offline = await ok(env, "GET", f"/clients/{client_uuid}/offline-sessions", first=0, max=100)
    assert len(offline) == 1 and offline[0]["username"] == "testuser"
    (of_user,) = await ok(env, "GET", f"/users/{user_id}/offline-sessions/{client_uuid}")
    for key in ("id", "userId", "username", "clients"):  # assertOfflineSession
        assert offline[0][key] == of_user[key], key

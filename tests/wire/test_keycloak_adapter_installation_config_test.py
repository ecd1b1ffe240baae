"""Keycloak's AdapterInstallationConfigTest (testsuite/.../client/AdapterInstallationConfigTest.java), every
method, each named after the Java one: the client registration service's ``install`` provider
(AdapterInstallationClientRegistrationProvider, ``GET /realms/{realm}/clients-registrations/install/{clientId}``)
answers a client's adapter configuration (ClientManager.toInstallationRepresentation) to the holder of its
registration access token, to the confidential client itself (its id and secret, ClientRegistrationAuth's
authenticatePublicClient) and to anyone for a public client. The Java ``@Before`` registers the three clients
through the default provider as ``manage-clients`` (AbstractClientRegistrationTest.createClient); the realm is
client_registration_port's ClientRegistrationRealmConfig. Where the Java test reads the parsed AdapterConfig,
these read the JSON whole. Beyond the Java class: the provider's other methods answer 405. Not ported: nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import group_port
from client_registration_port import REGISTRATION_REALM, Registration, body
from group_port import fresh_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

SECRET = "RegistrationAccessTokenTestClientSecret"
INSTALL = "/realms/test/clients-registrations/install"


def client_rep(client_id: str, *, public: bool = False) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "enabled": True,
        "clientId": client_id,
        "publicClient": public,
        "registrationAccessToken": "RegistrationAccessTokenTestRegistrationAccessToken",
        "rootUrl": "http://root",
    }
    return rep if public else {**rep, "secret": SECRET}


@pytest.fixture(scope="module")
async def clients(shared_env: Env) -> dict[str, dict[str, Any]]:
    """The Java ``@Before``: ``client``, ``client2`` and ``clientPublic`` registered as manage-clients."""
    await fresh_realm(shared_env, REGISTRATION_REALM)
    reg = Registration(shared_env)
    await reg.auth_as("manage-clients")
    made = {}
    for name, rep in (
        ("client", client_rep("RegistrationAccessTokenTest")),
        ("client2", client_rep("RegistrationAccessTokenTest2")),
        ("public", client_rep("RegistrationAccessTokenTestPublic", public=True)),
    ):
        made[name] = body(await reg.create(rep), 201)
    return made


@pytest.fixture
def env(shared_env: Env, clients: dict[str, dict[str, Any]]) -> Env:
    return shared_env


async def adapter_config(env: Env, client_id: str, **kw: Any) -> httpx.Response:
    """``reg.getAdapterConfig(clientId)`` with the given auth (a bearer token, Basic credentials, or none)."""
    return await env.http.get(f"{INSTALL}/{client_id}", **kw)


async def test_get_config_with_registration_access_token(env: Env, clients: dict[str, dict[str, Any]]) -> None:
    """getConfigWithRegistrationAccessToken."""
    client = clients["client"]
    token = client["registrationAccessToken"]
    answer = await adapter_config(env, client["clientId"], headers={"Authorization": f"Bearer {token}"})
    assert body(answer)["resource"] == client["clientId"]


async def test_get_config(env: Env, clients: dict[str, dict[str, Any]]) -> None:
    """getConfig: the client authenticated by its id and secret reads its own configuration."""
    client_id = clients["client"]["clientId"]
    answer = await adapter_config(env, client_id, auth=(client_id, SECRET))
    assert answer.headers["content-type"].startswith("application/json")
    assert body(answer) == {
        "realm": "test",
        "auth-server-url": "http://localhost/",
        "ssl-required": "external",
        "resource": client_id,
        "credentials": {"secret": SECRET},
        "confidential-port": 0,
    }


async def test_get_config_missing_secret(env: Env, clients: dict[str, dict[str, Any]]) -> None:
    """getConfigMissingSecret: a confidential client's configuration needs the client's authentication."""
    answer = await adapter_config(env, clients["client"]["clientId"])
    assert answer.status_code == 401, answer.text
    assert answer.json() == {"error": "invalid_token", "error_description": "Failed to authenticate client"}


async def test_get_config_wrong_client(env: Env, clients: dict[str, dict[str, Any]]) -> None:
    """getConfigWrongClient: one client authenticated cannot read another's."""
    client_id = clients["client"]["clientId"]
    answer = await adapter_config(env, clients["client2"]["clientId"], auth=(client_id, SECRET))
    assert answer.status_code == 401, answer.text
    assert answer.json() == {"error": "invalid_token", "error_description": "Different client authenticated"}


async def test_get_config_public_client(env: Env, clients: dict[str, dict[str, Any]]) -> None:
    """getConfigPublicClient: no credentials at all."""
    client_id = clients["public"]["clientId"]
    assert body(await adapter_config(env, client_id)) == {
        "realm": "test",
        "auth-server-url": "http://localhost/",
        "ssl-required": "external",
        "resource": client_id,
        "public-client": True,
        "confidential-port": 0,
    }


async def test_the_install_provider_only_reads(env: Env, clients: dict[str, dict[str, Any]]) -> None:
    client_id = clients["public"]["clientId"]
    for method in ("PUT", "DELETE"):
        answer = await env.http.request(method, f"{INSTALL}/{client_id}", json={"clientId": client_id})
        assert answer.status_code == 405, (method, answer.text)
    assert (await env.http.post(INSTALL, json={"clientId": "x"})).status_code == 405

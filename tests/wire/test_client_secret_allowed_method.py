"""Keycloak 26.6's "Client secret authentication method": dynamic registration keeps the
``token_endpoint_auth_method`` ``client_secret_post`` (not the default ``client_secret_basic``) in the client
attribute ``client.secret.authentication.allowed.method``, answers it back, and the token endpoint then refuses the
secret sent the other way (ClientIdAndSecretAuthenticator: 401 ``unauthorized_client``, "Invalid method used to get
client secret. Client requires method '…' to obtain client secret from the request"). Without the attribute, as
for a client registered naming no method, either way works."""

from __future__ import annotations

import base64
from typing import Any

import pytest

import group_port
from client_registration_port import REGISTRATION_REALM, body
from group_port import fresh_realm
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ADMIN = "/admin/realms/test"
REG = "/realms/test/clients-registrations/openid-connect"
TOKEN = "/realms/test/protocol/openid-connect/token"
ATTRIBUTE = "client.secret.authentication.allowed.method"


def _refused(required: str) -> dict[str, str]:
    return {
        "error": "unauthorized_client",
        "error_description": f"Invalid method used to get client secret. Client requires method '{required}' "
        "to obtain client secret from the request",
    }


@pytest.fixture(scope="module")
async def realm_ready(shared_env: Env) -> None:
    await fresh_realm(shared_env, REGISTRATION_REALM)


async def _register(env: Env, method: str | None) -> dict[str, Any]:
    headers = await admin_headers(env)
    made = await env.http.post(f"{ADMIN}/clients-initial-access", json={"expiration": 0, "count": 1}, headers=headers)
    rep: dict[str, Any] = {"client_name": "secret-method", "grant_types": ["client_credentials"]}
    if method is not None:
        rep["token_endpoint_auth_method"] = method
    registered = await env.http.post(REG, json=rep, headers={"Authorization": f"Bearer {body(made, 201)['token']}"})
    created: dict[str, Any] = body(registered, 201)
    return created


async def _by_basic(env: Env, client: dict[str, Any]) -> Any:
    pair = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()
    return await env.http.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {pair}"}
    )


async def _by_post(env: Env, client: dict[str, Any]) -> Any:
    form = {"grant_type": "client_credentials", "client_id": client["client_id"]}
    return await env.http.post(TOKEN, data={**form, "client_secret": client["client_secret"]})


async def _attribute(env: Env, client_id: str) -> str | None:
    headers = await admin_headers(env)
    (found,) = body(await env.http.get(f"{ADMIN}/clients", params={"clientId": client_id}, headers=headers))
    value: str | None = found.get("attributes", {}).get(ATTRIBUTE)
    return value


async def test_a_client_registered_for_client_secret_post_may_not_send_its_secret_by_basic(
    env: Env, realm_ready: None
) -> None:
    client = await _register(env, "client_secret_post")
    assert client["token_endpoint_auth_method"] == "client_secret_post"
    assert await _attribute(env, client["client_id"]) == "client_secret_post"
    refused = await _by_basic(env, client)
    assert (refused.status_code, refused.json()) == (401, _refused("client_secret_post"))
    assert (await _by_post(env, client)).status_code == 200


async def test_a_client_registered_for_client_secret_basic_takes_its_secret_either_way(
    env: Env, realm_ready: None
) -> None:
    """client_secret_basic is the metadata's default, answered back by every read: it pins nothing, so that an
    update echoing the read (ClientPoliciesTest's updateClientDynamically) leaves the client as it was."""
    client = await _register(env, "client_secret_basic")
    assert client["token_endpoint_auth_method"] == "client_secret_basic"
    assert await _attribute(env, client["client_id"]) is None
    assert (await _by_post(env, client)).status_code == 200
    assert (await _by_basic(env, client)).status_code == 200


async def test_a_client_registered_without_a_method_takes_its_secret_either_way(env: Env, realm_ready: None) -> None:
    client = await _register(env, None)
    assert client["token_endpoint_auth_method"] == "client_secret_basic"
    assert await _attribute(env, client["client_id"]) is None
    assert (await _by_basic(env, client)).status_code == 200
    assert (await _by_post(env, client)).status_code == 200


async def test_a_wrong_secret_sent_the_allowed_way_is_still_invalid_credentials(env: Env, realm_ready: None) -> None:
    client = await _register(env, "client_secret_post")
    wrong = await _by_post(env, {**client, "client_secret": "not-it"})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "unauthorized_client")
    assert wrong.json()["error_description"] == "Invalid client or Invalid client credentials"


async def test_a_post_client_cannot_slip_its_basic_secret_past_an_empty_form_secret(
    env: Env, realm_ready: None
) -> None:
    """Hostile variants for a client pinned to client_secret_post: the form's ``client_secret`` wins over the Basic
    header even when empty (refused, not authenticated by the header's secret), and a wrong Basic secret beside the
    right form secret does not stop the form's."""
    client = await _register(env, "client_secret_post")
    pair = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()
    basic = {"Authorization": f"Basic {pair}"}
    emptied = await env.http.post(TOKEN, data={"grant_type": "client_credentials", "client_secret": ""}, headers=basic)
    assert emptied.status_code == 401 and emptied.json()["error"] == "unauthorized_client", emptied.text
    assert "access_token" not in emptied.json()
    wrong = base64.b64encode(f"{client['client_id']}:not-the-secret".encode()).decode()
    form = {"grant_type": "client_credentials", "client_secret": client["client_secret"]}
    assert (await env.http.post(TOKEN, data=form, headers={"Authorization": f"Basic {wrong}"})).status_code == 200


async def test_an_update_echoing_the_read_keeps_each_clients_method(env: Env, realm_ready: None) -> None:
    """updateClientDynamically sends the read back: a post client stays pinned to post, a basic one stays open."""
    for method, kept in (("client_secret_post", "client_secret_post"), ("client_secret_basic", None)):
        client = await _register(env, method)
        token = {"Authorization": f"Bearer {client['registration_access_token']}"}
        read = body(await env.http.get(f"{REG}/{client['client_id']}", headers=token), 200)
        updated = body(await env.http.put(f"{REG}/{client['client_id']}", json=read, headers=token), 200)
        assert updated["token_endpoint_auth_method"] == method
        assert await _attribute(env, client["client_id"]) == kept

"""Keycloak 26.5's check that a client session cannot be set to outlive the SSO session (issues #41019,
#44910; PRs #44601 and #44968): a client's ``client.session.idle.timeout`` / ``client.session.max.lifespan``
above the realm's SSO idle / max is a 400 client validation error on create and update (admin REST and
client registration), and a realm update whose ``clientSessionIdleTimeout`` / ``clientSessionMaxLifespan``
exceeds them is a 400 ``errorMessage`` (RealmUpdateTest.testRealmClientSessionTimeoutValidation). With
remember-me on, the larger of the SSO and remember-me values is the limit. One app for the module; each test
starts from a freshly imported realm ``test``.

A realm imported whole (``POST /admin/realms``) runs the same client check against its own SSO values
(DefaultExportImportManager.createClients: ``"Invalid client <clientId>: <errors joined by '; '>"``, a
RuntimeException Keycloak answers with a 500; Doorkeep answers it as its other import problems, a 400
``errorMessage``). A partial import creates each client through the admin API's create, so it is refused as
on create.

Not ported: the offline timeouts, which Keycloak does not compare (OfflineTokenTest's
refreshTokenUserClientMaxLifespanGreaterThanSession still sets a client offline max above the realm's).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import group_port
from realm_port import admin, managed_realm, representation
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

IDLE = "Client session idle timeout cannot exceed realm SSO session idle timeout."
MAX = "Client session max lifespan cannot exceed realm SSO session max lifespan."
REMEMBERED_IDLE = (
    "Client session idle timeout cannot exceed realm SSO session idle timeout and RememberMe idle timeout."
)
REG = "/realms/test/clients-registrations/default"


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await managed_realm(env)


def refused(response: httpx.Response, key: str, message: str, description: str | None = None) -> None:
    assert response.status_code == 400, response.text
    expected: dict[str, Any] = {key: message}
    if description is not None:
        expected["error_description"] = description
    assert response.json() == expected


async def _client(env: Env, client_id: str) -> dict[str, Any]:
    found = await admin(env, "GET", "/test/clients", clientId=client_id)
    (client,) = found.json()
    assert isinstance(client, dict)
    return client


async def test_a_client_idle_or_max_above_the_sso_values_is_refused_on_create(env: Env, realm_id: str) -> None:
    """The realm's defaults: SSO idle 1800, max 36000. Equal is allowed; one second more is not, and both
    faults are named, joined as ValidationResult joins them."""
    rep = {"clientId": "equal", "attributes": {"client.session.idle.timeout": "1800"}}
    assert (await admin(env, "POST", "/test/clients", rep)).status_code == 201
    rep = {"clientId": "idle", "attributes": {"client.session.idle.timeout": "1801"}}
    refused(await admin(env, "POST", "/test/clients", rep), "error", "invalid_input", IDLE)
    attributes = {"client.session.idle.timeout": "1801", "client.session.max.lifespan": "36001"}
    response = await admin(env, "POST", "/test/clients", {"clientId": "both", "attributes": attributes})
    refused(response, "error", "invalid_input", f"{IDLE}; {MAX}")
    assert (await admin(env, "GET", "/test/clients", clientId="idle")).json() == []


async def test_a_client_update_above_the_sso_max_is_refused_and_nothing_changes(env: Env, realm_id: str) -> None:
    assert (await admin(env, "POST", "/test/clients", {"clientId": "app"})).status_code == 201
    client = await _client(env, "app")
    client["attributes"] = {**client["attributes"], "client.session.max.lifespan": "36001"}
    refused(await admin(env, "PUT", f"/test/clients/{client['id']}", client), "error", "invalid_input", MAX)
    assert "client.session.max.lifespan" not in (await _client(env, "app"))["attributes"]
    client["attributes"]["client.session.max.lifespan"] = "0"  # 0 inherits the realm's value
    assert (await admin(env, "PUT", f"/test/clients/{client['id']}", client)).status_code == 204


async def test_remember_me_raises_the_client_limit_to_its_own_values(env: Env, realm_id: str) -> None:
    settings = {"rememberMe": True, "ssoSessionIdleTimeoutRememberMe": 7200, "ssoSessionMaxLifespanRememberMe": 72000}
    assert (await admin(env, "PUT", "/test", settings)).status_code == 204
    attributes = {"client.session.idle.timeout": "7200", "client.session.max.lifespan": "72000"}
    assert (await admin(env, "POST", "/test/clients", {"clientId": "a", "attributes": attributes})).status_code == 201
    attributes = {"client.session.idle.timeout": "7201"}
    response = await admin(env, "POST", "/test/clients", {"clientId": "b", "attributes": attributes})
    refused(response, "error", "invalid_input", REMEMBERED_IDLE)


async def test_client_registration_refuses_it_as_invalid_client_metadata(env: Env, realm_id: str) -> None:
    token = (await admin(env, "POST", "/test/clients-initial-access", {})).json()["token"]
    rep = {"clientId": "reg", "attributes": {"client.session.idle.timeout": "1801"}}
    response = await env.http.post(REG, json=rep, headers={"Authorization": f"Bearer {token}"})
    refused(response, "error", "invalid_client_metadata", IDLE)


async def test_realm_client_session_timeout_validation(env: Env, realm_id: str) -> None:
    """RealmUpdateTest.testRealmClientSessionTimeoutValidation: the realm's client session idle/max above its
    SSO values is refused, with remember-me against the larger of both; the values sent equal to the limit
    pass, and nothing is stored by a refused update."""
    base = {"ssoSessionIdleTimeout": 1800, "ssoSessionMaxLifespan": 36000}
    response = await admin(env, "PUT", "/test", {**base, "clientSessionIdleTimeout": 1801})
    refused(response, "errorMessage", IDLE)
    response = await admin(env, "PUT", "/test", {**base, "clientSessionMaxLifespan": 36001})
    refused(response, "errorMessage", MAX)
    response = await admin(env, "PUT", "/test", {"ssoSessionIdleTimeout": 600, "clientSessionIdleTimeout": 900})
    refused(response, "errorMessage", IDLE)
    assert (await representation(env))["ssoSessionIdleTimeout"] == 1800
    remember = {"rememberMe": True, "ssoSessionIdleTimeoutRememberMe": 3600, "ssoSessionMaxLifespanRememberMe": 40000}
    assert (await admin(env, "PUT", "/test", {**remember, "clientSessionIdleTimeout": 3600})).status_code == 204
    response = await admin(env, "PUT", "/test", {**remember, "clientSessionIdleTimeout": 3601})
    refused(
        response, "errorMessage", "Client session idle timeout cannot exceed realm SSO or Remember Me idle timeout."
    )
    response = await admin(env, "PUT", "/test", {**remember, "clientSessionMaxLifespan": 40001})
    refused(
        response, "errorMessage", "Client session max lifespan cannot exceed realm SSO or Remember Me max lifespan."
    )
    stored = await representation(env)
    assert (stored["clientSessionIdleTimeout"], stored["clientSessionMaxLifespan"]) == (3600, 0)


async def test_a_realm_update_without_the_client_values_is_not_checked(env: Env, realm_id: str) -> None:
    """Only what the representation carries is checked (Keycloak validates the object being updated): a
    lower SSO idle sent alone passes even though the stored client session idle now exceeds it."""
    assert (await admin(env, "PUT", "/test", {"clientSessionIdleTimeout": 1200})).status_code == 204
    assert (await admin(env, "PUT", "/test", {"ssoSessionIdleTimeout": 600})).status_code == 204


async def test_a_realm_import_refuses_a_client_above_its_sso_values(env: Env, realm_id: str) -> None:
    """Checked against the imported realm's own values (SSO idle 600 here), both faults named; nothing is
    created. With remember-me, the remember-me values raise the limit, as on create."""
    attributes = {"client.session.idle.timeout": "601", "client.session.max.lifespan": "36001"}
    rep = {"realm": "limits", "ssoSessionIdleTimeout": 600, "clients": [{"clientId": "app", "attributes": attributes}]}
    refused(await admin(env, "POST", "", rep), "errorMessage", f"Invalid client app: {IDLE}; {MAX}")
    assert (await admin(env, "GET", "/limits")).status_code == 404
    remembered = {
        **rep,
        "rememberMe": True,
        "ssoSessionIdleTimeoutRememberMe": 601,
        "ssoSessionMaxLifespanRememberMe": 36001,
    }
    assert (await admin(env, "POST", "", remembered)).status_code == 201
    assert (await admin(env, "DELETE", "/limits")).status_code == 204


async def test_a_partial_import_refuses_a_client_above_the_sso_values(env: Env, realm_id: str) -> None:
    rep = {
        "ifResourceExists": "FAIL",
        "clients": [{"clientId": "p", "attributes": {"client.session.idle.timeout": "1801"}}],
    }
    refused(await admin(env, "POST", "/test/partialImport", rep), "error", "invalid_input", IDLE)
    assert (await admin(env, "GET", "/test/clients", clientId="p")).json() == []

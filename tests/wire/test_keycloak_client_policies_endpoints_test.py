"""The client-policy events of the token endpoints a client calls without a login (ClientPoliciesTest's
testExtendedClientPolicyIntefacesFor... methods for TOKEN_INTROSPECT, TOKEN_REVOKE, USERINFO_REQUEST and
LOGOUT_REQUEST, whose TestRaiseExeptionExecutor, a test-only provider, is the ``reject-request`` executor here;
and ClientPoliciesExecutorTest.testRejectRequestExecutor at the authorization endpoint).

Each refusal is answered as its Keycloak endpoint answers a ClientPolicyException: introspection 400
``invalid_request`` (throwErrorResponseException, after an event with the executor's error), revocation and the
refresh-token logout the executor's error with Cors, userinfo the executor's error in the ``WWW-Authenticate``
challenge, and the authorization endpoint an error page before it looks the client up. Each event records
``reason`` ``client_policy_error``, ``client_policy_error`` and ``client_policy_error_detail``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import client_policies_port
import group_port
from browser_flow import code_from, exchange, start, submit
from client_policies_port import (
    USER,
    apply_executors,
    clear_policies,
    executor,
    realm_fixture,
    realm_with_test_user,
    suffixed,
)
from keycloak_port import get
from role_port import call
from support import audience_rep
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

OIDC = "/realms/test/protocol/openid-connect"
REQUEST_NOT_ALLOWED = "Request not allowed"
POLICY_ERROR = {
    "reason": "client_policy_error",
    "client_policy_error": "invalid_request",
    "client_policy_error_detail": REQUEST_NOT_ALLOWED,
}


def realm_rep() -> dict[str, Any]:
    # INTROSPECT_TOKEN and USER_INFO_REQUEST are not saved by default (EventType.isSaveByDefault)
    kept = ["LOGIN_ERROR", "INTROSPECT_TOKEN_ERROR", "REVOKE_GRANT_ERROR", "USER_INFO_REQUEST_ERROR", "LOGOUT_ERROR"]
    return realm_with_test_user(enabledEventTypes=kept)


env = realm_fixture(realm_rep)
no_policies = client_policies_port.no_policies


async def reject(env: Env, *conditions: dict[str, Any]) -> None:
    """The reject-request executor under a policy with ``conditions`` (any-client when none)."""
    await apply_executors(env, executor("reject-request"), conditions=list(conditions) or None)


async def confidential_client(env: Env) -> str:
    client_id = suffixed("Beta-App")
    rep = {
        "clientId": client_id,
        "secret": "secretBeta",
        "redirectUris": ["http://127.0.0.1:9999/callback"],
        # it introspects its own tokens: Keycloak 26.6.2 answers only a client in the token's audience
        "protocolMappers": [audience_rep(client_id)],
    }
    response = await call(env, "POST", "/clients", rep)
    assert response.status_code == 201, response.text
    return client_id


async def login(env: Env, client_id: str) -> dict[str, Any]:
    """A browser login and the code exchanged: the token response."""
    env.http.cookies.clear()
    page = await start(env.http, "test", client_id)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    tokens = await exchange(env.http, "test", client_id, code, "secretBeta")
    assert tokens.status_code == 200, tokens.text
    return dict(tokens.json())


async def latest(env: Env, kind: str) -> dict[str, Any]:
    (event, *_) = await get(env, "/events", type=kind)
    return dict(event)


async def introspect(env: Env, client_id: str, token: str) -> httpx.Response:
    form = {"token": token, "client_id": client_id, "client_secret": "secretBeta"}
    return await env.http.post(f"{OIDC}/token/introspect", data=form)


async def revoke(env: Env, client_id: str, token: str) -> httpx.Response:
    form = {"token": token, "token_type_hint": "refresh_token", "client_id": client_id, "client_secret": "secretBeta"}
    return await env.http.post(f"{OIDC}/revoke", data=form)


async def userinfo(env: Env, token: str) -> httpx.Response:
    return await env.http.get(f"{OIDC}/userinfo", headers={"Authorization": f"Bearer {token}"})


async def logout(env: Env, client_id: str, refresh_token: str | None) -> httpx.Response:
    form = {"client_id": client_id, "client_secret": "secretBeta"}
    if refresh_token is not None:
        form["refresh_token"] = refresh_token
    return await env.http.post(f"{OIDC}/logout", data=form)


async def test_reject_request_executor(env: Env) -> None:
    """testRejectRequestExecutor: the authorization request ends on an error page before the client is looked up
    (PRE_AUTHORIZATION_REQUEST, LOGIN_ERROR without a client); without the policy the login goes through."""
    client_id = await confidential_client(env)
    await reject(env)
    env.http.cookies.clear()
    page = await start(env.http, "test", client_id)
    assert page.status_code == 400 and "location" not in page.headers, page.status_code
    assert REQUEST_NOT_ALLOWED in page.text
    event = await latest(env, "LOGIN_ERROR")
    assert event["error"] == "invalid_request" and "clientId" not in event and "userId" not in event, event
    assert event["details"] == POLICY_ERROR, event
    await clear_policies(env)  # revertToBuiltinProfiles
    await login(env, client_id)


async def test_extended_client_policy_intefaces_for_token_introspect(env: Env) -> None:
    """TOKEN_INTROSPECT: 400 ``invalid_request`` with the executor's detail; INTROSPECT_TOKEN_ERROR with the
    executor's error and the policy details, then throwErrorResponseException's with ``detail``."""
    client_id = await confidential_client(env)
    tokens = await login(env, client_id)
    await reject(env)
    refused = await introspect(env, client_id, tokens["access_token"])
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_request", "error_description": REQUEST_NOT_ALLOWED}
    second, first, *_ = await get(env, "/events", type="INTROSPECT_TOKEN_ERROR")
    assert first["clientId"] == client_id and first["error"] == "invalid_request", first
    assert POLICY_ERROR.items() <= first["details"].items(), first
    assert second["details"]["detail"] == REQUEST_NOT_ALLOWED, second
    await clear_policies(env)  # revertToBuiltinProfiles
    answered = await introspect(env, client_id, tokens["access_token"])
    assert answered.status_code == 200 and answered.json()["active"] is True, answered.text


async def test_extended_client_policy_intefaces_for_token_revoke(env: Env) -> None:
    """TOKEN_REVOKE: the executor's error and detail (400); REVOKE_GRANT_ERROR with the policy details; the token
    is not revoked."""
    client_id = await confidential_client(env)
    tokens = await login(env, client_id)
    await reject(env)
    refused = await revoke(env, client_id, tokens["refresh_token"])
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_request", "error_description": REQUEST_NOT_ALLOWED}
    event = await latest(env, "REVOKE_GRANT_ERROR")
    assert event["clientId"] == client_id and event["error"] == "invalid_request", event
    assert POLICY_ERROR.items() <= event["details"].items(), event
    await clear_policies(env)  # revertToBuiltinProfiles
    still = await introspect(env, client_id, tokens["access_token"])
    assert still.json()["active"] is True, still.text
    assert (await revoke(env, client_id, tokens["refresh_token"])).status_code == 200


async def test_extended_client_policy_intefaces_for_userinfo_request(env: Env) -> None:
    """USERINFO_REQUEST: before the token is looked at, the executor's error in the challenge (400);
    USER_INFO_REQUEST_ERROR with the policy details and no client."""
    client_id = await confidential_client(env)
    tokens = await login(env, client_id)
    await reject(env)
    refused = await userinfo(env, tokens["access_token"])
    assert refused.status_code == 400, refused.text
    challenge = refused.headers["www-authenticate"]
    assert 'error="invalid_request"' in challenge and REQUEST_NOT_ALLOWED in challenge, challenge
    event = await latest(env, "USER_INFO_REQUEST_ERROR")
    assert event["error"] == "invalid_request" and "clientId" not in event, event
    assert POLICY_ERROR.items() <= event["details"].items(), event
    await clear_policies(env)  # revertToBuiltinProfiles
    assert (await userinfo(env, tokens["access_token"])).status_code == 200


async def test_extended_client_policy_intefaces_for_logout_request(env: Env) -> None:
    """LOGOUT_REQUEST of the refresh-token logout (a form without ``refresh_token`` is a browser logout):
    the executor's error (400); LOGOUT_ERROR with the policy details; the session stays."""
    client_id = await confidential_client(env)
    tokens = await login(env, client_id)
    await reject(env)
    refused = await logout(env, client_id, tokens["refresh_token"])
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_request", "error_description": REQUEST_NOT_ALLOWED}
    event = await latest(env, "LOGOUT_ERROR")
    assert event["clientId"] == client_id and event["error"] == "invalid_request", event
    assert POLICY_ERROR.items() <= event["details"].items(), event
    await clear_policies(env)  # revertToBuiltinProfiles
    assert (await introspect(env, client_id, tokens["access_token"])).json()["active"] is True
    assert (await logout(env, client_id, tokens["refresh_token"])).status_code == 204


async def test_client_access_type_condition_judges_the_caller(env: Env) -> None:
    """ClientAccessTypeCondition votes at TOKEN_INTROSPECT, TOKEN_REVOKE and LOGOUT_REQUEST on the authenticated
    caller: a policy for public clients leaves a confidential one alone. At USERINFO_REQUEST no client is known
    yet, so it votes no there too."""
    client_id = await confidential_client(env)
    tokens = await login(env, client_id)
    await reject(env, {"condition": "client-access-type", "configuration": {"type": ["public"]}})
    assert (await introspect(env, client_id, tokens["access_token"])).status_code == 200
    assert (await userinfo(env, tokens["access_token"])).status_code == 200
    await reject(env, {"condition": "client-access-type", "configuration": {"type": ["confidential"]}})
    assert (await introspect(env, client_id, tokens["access_token"])).status_code == 400
    assert (await revoke(env, client_id, tokens["refresh_token"])).status_code == 400
    assert (await logout(env, client_id, tokens["refresh_token"])).status_code == 400
    assert (await userinfo(env, tokens["access_token"])).status_code == 200


async def test_client_roles_condition_judges_the_caller(env: Env) -> None:
    """ClientRolesCondition votes at TOKEN_INTROSPECT, TOKEN_REVOKE, USERINFO_REQUEST and LOGOUT_REQUEST on the
    client of the request: the caller with the role is refused, and userinfo (no client known) is not."""
    client_id = await confidential_client(env)
    (found,) = await get(env, "/clients", clientId=client_id)
    role = await call(env, "POST", f"/clients/{found['id']}/roles", {"name": "sample-client-role"})
    assert role.status_code == 201, role.text
    tokens = await login(env, client_id)
    await reject(env, {"condition": "client-roles", "configuration": {"roles": ["sample-client-role"]}})
    assert (await introspect(env, client_id, tokens["access_token"])).status_code == 400
    assert (await revoke(env, client_id, tokens["refresh_token"])).status_code == 400
    assert (await logout(env, client_id, tokens["refresh_token"])).status_code == 400
    assert (await userinfo(env, tokens["access_token"])).status_code == 200
    await reject(env, {"condition": "client-roles", "configuration": {"roles": ["other-role"]}})
    assert (await introspect(env, client_id, tokens["access_token"])).status_code == 200

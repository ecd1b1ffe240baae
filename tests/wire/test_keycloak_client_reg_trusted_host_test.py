"""Keycloak's ClientRegTrustedHostTest (testsuite .../admin/ClientRegTrustedHostTest.java), its one method
ported to Keycloak 26, on one module-wide app with the realm ``test`` imported anew (admin events on).

The Java test manages ``/admin/realms/test/clients-trusted-hosts``, the ClientRegistrationTrustedHostResource
of Keycloak 2.x: hosts with a ``count`` of anonymous registrations each. Keycloak 2.5 replaced it with client
registration policies, and Keycloak 26 has no such resource: the path answers RESTEasy's 404. Its successor is
the realm's anonymous "Trusted Hosts" policy, a component (TrustedHostClientRegistrationPolicyFactory,
``trusted-hosts``) managed through ``components``; the port runs the Java test's steps there: hosts added
(CREATE/UPDATE admin events on ``components/{id}``), read back, one removed, the policy deleted (DELETE event),
and what each step lets an anonymous registration from 127.0.0.1 do. IP literals stand for the Java test's
``localhost1`` and ``localhost2`` so that no name lookup is needed. There is no per-host count any more.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, assert_event, call, clear_events, ok
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

POLICY = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
REG = "/realms/test/clients-registrations/default"
HOST_NOT_TRUSTED = "Policy 'Trusted Hosts' rejected request to client-registration service. Details: Host not trusted."
NO_METHOD = "Unable to find matching target resource method"  # RESTEasy's 404 for a path no resource serves


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await fresh_realm(env, TEST_REALM)


@pytest.fixture
async def anonymous(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    """The app called from 127.0.0.1 without a token."""
    transport = httpx.ASGITransport(app=env.apps[0], raise_app_exceptions=False, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


async def trusted_hosts_policy(env: Env) -> dict[str, Any]:
    (policy,) = await ok(env, "GET", "/components", type=POLICY, name="Trusted Hosts")
    assert policy["subType"] == "anonymous" and policy["providerId"] == "trusted-hosts"
    found: dict[str, Any] = policy
    return found


async def test_initial_access_tokens(env: Env, realm_id: str, anonymous: httpx.AsyncClient) -> None:
    # the Keycloak 2.x resource is gone
    rep = {"hostName": "localhost1", "count": 5}
    gone = await call(env, "POST", "/clients-trusted-hosts", rep)
    assert (gone.status_code, gone.json()["error"]) == (404, NO_METHOD)
    gone = await call(env, "GET", "/clients-trusted-hosts/localhost1")
    assert (gone.status_code, gone.json()["error"]) == (404, NO_METHOD)
    await clear_events(env)

    policy = await trusted_hosts_policy(env)
    # DefaultClientRegistrationPolicies: both checks on, no host listed
    assert policy["config"] == {
        "host-sending-registration-request-must-match": ["true"],
        "client-uris-must-match": ["true"],
    }
    refused = await anonymous.post(REG, json={"clientId": "c0"})
    assert_error(refused, 403, "insufficient_scope", HOST_NOT_TRUSTED)

    # "localhost1" and "localhost2" trusted: still not the caller's host
    policy["config"]["trusted-hosts"] = ["10.9.9.1", "10.9.9.2"]
    assert (await call(env, "PUT", f"/components/{policy['id']}", policy)).status_code == 204
    await assert_event(env, realm_id, "UPDATE", f"components/{policy['id']}", "COMPONENT", {"name": "Trusted Hosts"})
    assert (await trusted_hosts_policy(env))["config"]["trusted-hosts"] == ["10.9.9.1", "10.9.9.2"]
    assert_error(await anonymous.post(REG, json={"clientId": "c1"}), 403, "insufficient_scope", HOST_NOT_TRUSTED)

    # the caller's host added, then removed again
    policy["config"]["trusted-hosts"] = ["10.9.9.1", "127.0.0.1"]
    assert (await call(env, "PUT", f"/components/{policy['id']}", policy)).status_code == 204
    await clear_events(env)
    made = await anonymous.post(REG, json={"clientId": "c2"})
    assert made.status_code == 201, made.text
    policy["config"]["trusted-hosts"] = ["10.9.9.2"]
    assert (await call(env, "PUT", f"/components/{policy['id']}", policy)).status_code == 204
    await assert_event(env, realm_id, "UPDATE", f"components/{policy['id']}", "COMPONENT")
    assert_error(await anonymous.post(REG, json={"clientId": "c3"}), 403, "insufficient_scope", HOST_NOT_TRUSTED)

    # the policy deleted: no host check is left for anonymous registrations
    assert (await call(env, "DELETE", f"/components/{policy['id']}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"components/{policy['id']}", "COMPONENT")
    assert await ok(env, "GET", "/components", type=POLICY, name="Trusted Hosts") == []
    made = await anonymous.post(REG, json={"clientId": "c4"})
    assert made.status_code == 201, made.text

    # a trusted-hosts policy created anew (the Java test's create): CREATE event, and it checks again
    created = await call(env, "POST", "/components", {**policy, "id": None, "name": "localhost1"})
    assert created.status_code == 201, created.text
    new_id = created.headers["location"].rsplit("/", 1)[1]
    await assert_event(env, realm_id, "CREATE", f"components/{new_id}", "COMPONENT", {"name": "localhost1"})
    assert_error(
        await anonymous.post(REG, json={"clientId": "c5"}),
        403,
        "insufficient_scope",
        HOST_NOT_TRUSTED.replace("'Trusted Hosts'", "'localhost1'"),
    )

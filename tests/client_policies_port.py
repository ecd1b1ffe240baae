"""Shared set-up of the wire ports of Keycloak's client policies tests (AbstractClientPoliciesTest and
ClientPoliciesUtil): the realm ``test`` of their ``addTestRealms`` (testrealm.json's user and ``topGroup``, the
``manage-clients`` and ``create-clients`` users), the profile and policy builders, the admin and dynamic
registration helpers, the browser logins that succeed or that a PKCE policy sends back, and the fixtures the test
modules share (``realm_fixture`` for ``env``, ``no_policies``): a module takes them into its namespace, as
``env = realm_fixture(realm_rep)`` and ``no_policies = client_policies_port.no_policies``."""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import httpx
import pytest

from browser_flow import REDIRECT, code_from, exchange, start, submit
from client_registration_port import Registration
from group_port import fresh_realm
from keycloak_port import get, put
from role_port import call
from wire_env import Env

USER = "test-user@localhost"
PROFILE_NAME, POLICY_NAME, SAMPLE_CLIENT_ROLE = "MyProfile", "MyPolicy", "sample-client-role"
SAMPLE_CLIENT_SCOPE = "sample-client-scope"
# the global profiles Keycloak 26 ships (keycloak-default-client-profiles.json); its tests compare them as a set
GLOBAL_PROFILE_NAMES = [
    "fapi-1-baseline",
    "fapi-1-advanced",
    "fapi-ciba",
    "fapi-2-security-profile",
    "fapi-2-message-signing",
    "oauth-2-1-for-confidential-client",
    "oauth-2-1-for-public-client",
    "saml-security-profile",
    "fapi-2-dpop-security-profile",
    "fapi-2-dpop-message-signing",
]
_SUFFIX = itertools.count()


def _user(username: str, email: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": email,
        "emailVerified": email is not None,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password"}],
        **extra,
    }


def realm_rep() -> dict[str, Any]:
    """``addTestRealms``: the test user, ``manage-clients`` (realm-management manage-clients) and
    ``create-clients`` (create-client, member of ``topGroup``), with testrealm.json's group tree."""
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "eventsEnabled": True,
        "groups": [{"name": "topGroup", "subGroups": [{"name": "level2group"}]}],
        "users": [
            _user(USER, USER),
            _user("manage-clients", clientRoles={"realm-management": ["manage-clients"]}),
            _user("create-clients", clientRoles={"realm-management": ["create-client"]}, groups=["/topGroup"]),
        ],
    }


def realm_with_test_user(**extra: Any) -> dict[str, Any]:
    """The realm ``test`` with testrealm.json's test user alone (the ports whose Java class needs no other user),
    ``extra`` added to it."""
    users = [_user(USER, USER)]
    return {"realm": "test", "enabled": True, "sslRequired": "external", "eventsEnabled": True, "users": users, **extra}


def realm_fixture(
    make: Callable[[], dict[str, Any]] = realm_rep, *, scope: Literal["module", "function"] = "module"
) -> Any:
    """A test module's ``env`` fixture: the module's shared app with the realm ``make()`` builds, imported afresh
    (group_port.fresh_realm) once a module, or before every test with ``scope="function"``."""

    @pytest.fixture(scope=scope)
    async def env(shared_env: Env) -> Env:
        await fresh_realm(shared_env, make())
        return shared_env

    return env


async def clear_policies(env: Env) -> None:
    """No realm policy, no realm profile (the policies first: they name the profiles)."""
    await put(env, "/client-policies/policies", {"policies": []})
    await put(env, "/client-policies/profiles", {"profiles": []})


@pytest.fixture(autouse=True)
async def no_policies(env: Env) -> AsyncIterator[None]:
    """Fresh cookies before each test; after it, the realm's policies and profiles cleared, as the Java classes'
    ``@After`` reverts to the built-in ones."""
    env.http.cookies.clear()
    yield
    await clear_policies(env)


async def apply_executors(
    env: Env,
    *executors: dict[str, Any],
    conditions: list[dict[str, Any]] | None = None,
    descriptions: tuple[str, str] = ("", ""),
) -> None:
    """updateProfiles and updatePolicies as most methods do them: the profile PROFILE_NAME of ``executors``, and the
    enabled policy POLICY_NAME applying it under ``conditions`` (any-client when None); ``descriptions``, the
    profile's and the policy's."""
    await update_profiles(env, profile(PROFILE_NAME, descriptions[0], *executors))
    chosen = [condition("any-client")] if conditions is None else conditions
    await update_policies(env, policy(POLICY_NAME, descriptions[1], True, chosen, [PROFILE_NAME]))


async def add_client_role(env: Env, cid: str, name: str) -> None:
    response = await call(env, "POST", f"/clients/{cid}/roles", {"name": name})
    assert response.status_code == 201, response.text


def suffixed(name: str) -> str:
    """``generateSuffixedName``."""
    return f"{name}-{next(_SUFFIX)}"


def executor(provider: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"executor": provider, "configuration": config or {}}


def condition(provider: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"condition": provider, "configuration": config or {}}


def profile(name: str, description: str, *executors: dict[str, Any]) -> dict[str, Any]:
    """ClientProfileBuilder.createProfile(...).addExecutor(...)."""
    return {"name": name, "description": description, "executors": list(executors)}


def policy(
    name: str, description: str, enabled: bool | None, conditions: list[dict[str, Any]], profiles: list[str]
) -> dict[str, Any]:
    """ClientPolicyBuilder.createPolicy(...).addCondition(...).addProfile(...); ``enabled`` None is left out."""
    out: dict[str, Any] = {"name": name, "description": description}
    if enabled is not None:
        out["enabled"] = enabled
    return {**out, "conditions": conditions, "profiles": profiles}


async def update_profiles(env: Env, *profiles: dict[str, Any]) -> None:
    await put(env, "/client-policies/profiles", {"profiles": list(profiles)})


async def update_policies(env: Env, *policies: dict[str, Any]) -> None:
    await put(env, "/client-policies/policies", {"policies": list(policies)})


async def revert(env: Env) -> None:
    """``revertToBuiltinProfiles`` / ``revertToBuiltinPolicies`` (the policies first: they name the profiles)."""
    await put(env, "/client-policies/policies", {})
    await put(env, "/client-policies/profiles", {})


def secure_client_authenticator(allowed: list[str], default: str | None) -> dict[str, Any]:
    """createSecureClientAuthenticatorExecutorConfig."""
    config: dict[str, Any] = {"allowed-client-authenticators": allowed}
    if default is not None:
        config["default-client-authenticator"] = default
    return executor("secure-client-authenticator", config)


def pkce_enforcer(auto_configure: bool) -> dict[str, Any]:
    """createPKCEEnforceExecutorConfig."""
    return executor("pkce-enforcer", {"auto-configure": auto_configure})


class ClientPolicyRefused(Exception):
    """AbstractClientPoliciesTest's ClientPolicyException: the 400 body's ``error`` and ``error_description``."""

    def __init__(self, body: dict[str, str]) -> None:
        super().__init__(body.get("error"))
        self.error = body.get("error")
        self.description = body.get("error_description")


async def create_client_by_admin(env: Env, client_id: str, **fields: Any) -> str:
    """``createClientByAdmin``: a confidential client with service accounts and the test redirect URI; its id."""
    rep: dict[str, Any] = {
        "clientId": client_id,
        "name": client_id,
        "protocol": "openid-connect",
        "bearerOnly": False,
        "publicClient": False,
        "serviceAccountsEnabled": True,
        "redirectUris": [REDIRECT],
        "attributes": {},
        **fields,
    }
    response = await call(env, "POST", "/clients", rep)
    if response.status_code == 400:
        raise ClientPolicyRefused(response.json())
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def get_client_by_admin(env: Env, cid: str) -> dict[str, Any]:
    return dict(await get(env, f"/clients/{cid}"))


async def update_client_by_admin(env: Env, cid: str, **fields: Any) -> None:
    """``updateClientByAdmin``: the client's representation read, changed and sent back."""
    rep = await get_client_by_admin(env, cid)
    rep.update(fields)
    response = await call(env, "PUT", f"/clients/{cid}", rep)
    if response.status_code == 400:
        raise ClientPolicyRefused(response.json())
    assert response.status_code == 204, response.text


async def create_client_dynamically(env: Env, registration: Registration, name: str, **metadata: Any) -> str:
    """``createClientDynamically`` through the OIDC registration endpoint under ``registration``'s token: the
    new client's id; ClientPolicyRefused for a 400 (the Java client's ``Failed to send request``)."""
    response = await registration.env.http.post(
        "/realms/test/clients-registrations/openid-connect",
        json={"client_name": name, "redirect_uris": [REDIRECT], **metadata},
        headers=registration.headers(),
    )
    if response.status_code == 400:
        raise ClientPolicyRefused(response.json())
    assert response.status_code == 201, response.text
    (rep,) = await get(env, "/clients", clientId=response.json()["client_id"])
    return str(rep["id"])


async def open_login_form(env: Env, client_id: str, **params: str) -> httpx.Response:
    env.http.cookies.clear()
    return await start(env.http, "test", client_id, **params)


async def successful_login_and_logout(env: Env, client_id: str, secret: str | None, **params: str) -> None:
    """``successfulLoginAndLogout``: a browser login whose code the client exchanges."""
    page = await open_login_form(env, client_id, **params)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    tokens = await exchange(env.http, "test", client_id, code, secret)
    assert tokens.status_code == 200, tokens.text


async def successful_login_and_logout_with_pkce(env: Env, client_id: str, secret: str) -> None:
    """``successfulLoginAndLogoutWithPKCE``: the same with an S256 challenge and its verifier."""
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" * 2
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    page = await open_login_form(env, client_id, code_challenge=challenge, code_challenge_method="S256")
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    tokens = await exchange(env.http, "test", client_id, code, secret, code_verifier=verifier)
    assert tokens.status_code == 200, tokens.text


async def fail_login_by_not_following_pkce(env: Env, client_id: str, **params: str) -> None:
    """``failLoginByNotFollowingPKCE``: the authorization request sent back to the client with the executor's
    refusal, and a LOGIN_ERROR naming it (``expectClientPolicyError``)."""
    response = await open_login_form(env, client_id, **params)
    back = code_from(response)
    assert back["error"] == "invalid_request", back
    assert back["error_description"] == "Missing parameter: code_challenge_method", back
    (event, *_) = await get(env, "/events", type="LOGIN_ERROR", client=client_id)
    assert event["details"]["client_policy_error_detail"] == "Missing parameter: code_challenge_method", event


# --- The admin API's client policies (AdminRoleMappingClientPolicyTest, AdminScopeMappingClientPolicyTest,
# AdminClientCertificateClientPolicyTest): a refusal, the condition they share, the objects they make

REJECTED = {"error": "invalid_request", "error_description": "Request not allowed"}
BY_ADMIN = condition("client-updater-context", {"update-client-source": ["ByAuthenticatedUser"]})


async def created_id(env: Env, path: str, rep: dict[str, Any]) -> str:
    """``rep`` POSTed to realm ``test``'s admin ``path`` (201); the new object's id."""
    response = await call(env, "POST", path, rep)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def new_client(env: Env, name: str, protocol: str = "openid-connect", public: bool = True) -> str:
    return await created_id(env, "/clients", {"clientId": suffixed(name), "protocol": protocol, "publicClient": public})


async def new_realm_role(env: Env, name: str) -> dict[str, Any]:
    role = suffixed(name)
    assert (await call(env, "POST", "/roles", {"name": role})).status_code == 201
    return dict(await get(env, f"/roles/{role}"))


async def new_client_role(env: Env, cid: str, name: str) -> dict[str, Any]:
    role = suffixed(name)
    assert (await call(env, "POST", f"/clients/{cid}/roles", {"name": role})).status_code == 201
    return dict(await get(env, f"/clients/{cid}/roles/{role}"))


async def role_names(env: Env, path: str) -> set[str]:
    return {r["name"] for r in await get(env, path)}

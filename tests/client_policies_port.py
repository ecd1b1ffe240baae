"""Shared set-up of the wire ports of Keycloak's client policies tests (AbstractClientPoliciesTest and
ClientPoliciesUtil): the realm ``test`` of their ``addTestRealms`` (testrealm.json's user and ``topGroup``, the
``manage-clients`` and ``create-clients`` users), the profile and policy builders, the admin and dynamic
registration helpers, and the browser logins that succeed or that a PKCE policy sends back."""

from __future__ import annotations

import base64
import hashlib
import itertools
from typing import Any

import httpx

from browser_flow import REDIRECT, code_from, exchange, start, submit
from client_registration_port import Registration
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


FAPI1_BASELINE = "fapi-1-baseline"
BASELINE_DESCRIPTION = (
    "Client profile, which enforce clients to conform 'Financial-grade API Security Profile 1.0 - Part 1: Baseline'"
    " specification."
)
BASELINE_EXECUTORS = [
    "secure-session",
    "pkce-enforcer",
    "secure-client-authenticator",
    "secure-client-uris",
    "consent-required",
    "full-scope-disabled",
]
JWT_ONLY = secure_client_authenticator(["client-jwt"], "client-jwt")
# setupValidProfilesAndPolicies' "lack-of-builtin-field-test-profile": the executors without a configuration are
# added with ``null`` by the Java builder, here with an empty one.
LACKING_EXECUTORS = [
    JWT_ONLY,
    executor("holder-of-key-enforcer", {"auto-configure": True}),
    *(
        executor(name)
        for name in (
            "secure-client-uris",
            "secure-request-object",
            "secure-response-type",
            "secure-session",
            "secure-signature-algorithm",
            "secure-signature-algorithm-signed-jwt",
        )
    ),
]


async def profiles_with_globals(env: Env) -> dict[str, Any]:
    return dict(await get(env, "/client-policies/profiles", **{"include-global-profiles": "true"}))


async def policies(env: Env) -> dict[str, Any]:
    return dict(await get(env, "/client-policies/policies"))


def named(reps: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (rep,) = [r for r in reps if r["name"] == name]
    return rep


def executor_names(rep: dict[str, Any]) -> list[str]:
    return [e["executor"] for e in rep["executors"]]


def condition_names(rep: dict[str, Any]) -> list[str]:
    return [c["condition"] for c in rep["conditions"]]


async def setup_valid_profiles_and_policies(env: Env) -> None:
    """setupValidProfilesAndPolicies."""
    ordinal = profile("ordinal-test-profile", "The profile that can be loaded.", JWT_ONLY)
    lacking = profile(
        "lack-of-builtin-field-test-profile",
        "Without builtin field that is treated as builtin=false.",
        *LACKING_EXECUTORS,
    )
    await put(env, "/client-policies/profiles", {"profiles": [ordinal, lacking]})
    new_policy = policy(
        "new-policy",
        "duplicated profiles are ignored.",
        True,
        [
            condition("client-access-type", {"type": ["public", "bearer-only"]}),
            condition("client-roles", {"roles": [SAMPLE_CLIENT_ROLE]}),
            condition("client-scopes", {"type": "Optional", "scopes": [SAMPLE_CLIENT_SCOPE]}),
        ],
        ["ordinal-test-profile", "lack-of-builtin-field-test-profile"],
    )
    lacking_policy = policy(
        "lack-of-builtin-field-test-policy",
        "Without builtin field that is treated as builtin=false.",
        None,
        [
            condition("client-updater-context", {"update-client-source": ["ByAuthenticatedUser"]}),
            condition("client-updater-source-groups", {"groups": ["topGroup"]}),
            condition("client-updater-source-host", {"trusted-hosts": ["localhost", "127.0.0.1"]}),
            condition("client-updater-source-roles", {"roles": ["create-client"]}),
        ],
        ["lack-of-builtin-field-test-profile"],
    )
    await put(env, "/client-policies/policies", {"policies": [new_policy, lacking_policy]})


async def assert_expected_loaded_profiles(env: Env, ordinal_description: str) -> None:
    """assertExpectedLoadedProfiles."""
    reps = await profiles_with_globals(env)
    assert {p["name"] for p in reps["globalProfiles"]} == set(GLOBAL_PROFILE_NAMES)
    assert [p["name"] for p in reps["profiles"]] == ["ordinal-test-profile", "lack-of-builtin-field-test-profile"]
    baseline = named(reps["globalProfiles"], FAPI1_BASELINE)
    assert (baseline["description"], executor_names(baseline)) == (BASELINE_DESCRIPTION, BASELINE_EXECUTORS)
    ordinal = named(reps["profiles"], "ordinal-test-profile")
    assert ordinal["description"] == ordinal_description
    assert ordinal["executors"] == [JWT_ONLY]
    lacking = named(reps["profiles"], "lack-of-builtin-field-test-profile")
    assert lacking["description"] == "Without builtin field that is treated as builtin=false."
    assert lacking["executors"] == LACKING_EXECUTORS


async def assert_expected_loaded_policies(env: Env, description: str, enabled: bool) -> None:
    """assertExpectedLoadedPolicies."""
    reps = (await policies(env))["policies"]
    assert [p["name"] for p in reps] == ["new-policy", "lack-of-builtin-field-test-policy"]
    new = named(reps, "new-policy")
    assert (new["description"], new["enabled"]) == (description, enabled)
    assert new["profiles"] == ["ordinal-test-profile", "lack-of-builtin-field-test-profile"]
    assert new["conditions"] == [
        condition("client-access-type", {"type": ["public", "bearer-only"]}),
        condition("client-roles", {"roles": [SAMPLE_CLIENT_ROLE]}),
        condition("client-scopes", {"type": "Optional", "scopes": [SAMPLE_CLIENT_SCOPE]}),
    ]
    lacking = named(reps, "lack-of-builtin-field-test-policy")
    assert lacking["enabled"] is False and lacking["profiles"] == ["lack-of-builtin-field-test-profile"]
    assert condition_names(lacking) == [
        "client-updater-context",
        "client-updater-source-groups",
        "client-updater-source-host",
        "client-updater-source-roles",
    ]
    assert lacking["conditions"][2]["configuration"] == {"trusted-hosts": ["localhost", "127.0.0.1"]}
    assert lacking["conditions"][3]["configuration"] == {"roles": ["create-client"]}

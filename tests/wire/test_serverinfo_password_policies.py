"""``GET /admin/serverinfo``'s ``passwordPolicies`` (ServerInfoAdminResource.setPasswordPolicies): one
PasswordPolicyTypeRepresentation per password policy Doorkeep enforces, with the id, display name, config type,
default value and multipleSupported of Keycloak 26's PasswordPolicyProviderFactory of it; what the Admin
Console's Password policy tab offers and fills in when a policy is added."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from doorkeep.users import password_policy
from flow_builder import admin
from keycloak_port import admin_headers
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio
# Each factory's getId, getDisplayName, getConfigType, getDefaultConfigValue, isMultiplSupported.
EXPECTED = {
    "length": ("Minimum Length", "int", "8", False),
    "maxLength": ("Maximum Length", "int", "64", False),
    "digits": ("Digits", "int", "1", False),
    "lowerCase": ("Lowercase Characters", "int", "1", False),
    "upperCase": ("Uppercase Characters", "int", "1", False),
    "specialChars": ("Special Characters", "int", "1", False),
    "notUsername": ("Not Username", None, None, False),
    "notContainsUsername": ("Not Contains Username", None, None, False),
    "notEmail": ("Not Email", None, None, False),
    "regexPattern": ("Regular Expression", "String", "", True),
    "passwordHistory": ("Not Recently Used", "int", "3", False),
    "passwordAge": ("Not Recently Used (In Days)", "int", "30", False),
    "forceExpiredPasswordChange": ("Expire Password", "String", "365", False),
    "hashAlgorithm": ("Hashing Algorithm", "String", "argon2", False),
    "hashIterations": ("Hashing Iterations", "int", "-1", False),
    "maxAuthAge": ("Maximum Authentication Age", "int", "300", False),
    "recoveryCodesWarningThreshold": ("Recovery Codes Warning Threshold", "int", "4", False),
    "passwordBlacklist": ("Password Blacklist", "String", "", False),  # DenylistPasswordPolicyProviderFactory
}


async def policies_of(env: Env, http: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await http.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["passwordPolicies"]
    return found


async def test_every_enforced_policy_is_listed_with_its_factorys_values(env: Env) -> None:
    listed = await policies_of(env, env.http)
    assert {p["id"] for p in listed} == set(EXPECTED)
    for policy in listed:
        name, config_type, default, multiple = EXPECTED[policy["id"]]
        expected = {"id": policy["id"], "displayName": name, "multipleSupported": multiple}
        expected |= {"configType": config_type} if config_type is not None else {}
        expected |= {"defaultValue": default} if default is not None else {}
        assert policy == expected  # a null type or default left out, as Keycloak's NON_NULL JSON
    assert [p["displayName"] for p in listed] == sorted(p["displayName"] for p in listed)


async def test_every_policy_doorkeep_parses_is_listed() -> None:
    """A policy added to users/password_policy.py shows up here, or this fails."""
    assert set(password_policy.PARSERS) == set(EXPECTED)


async def test_each_policy_as_the_console_adds_it_is_accepted(env: Env) -> None:
    """The Admin Console writes an added policy as ``id(defaultValue)``, a bare id without a default; each listed
    one, alone and all together, is a policy the realm takes and answers back. The regular expression's default
    is empty: the administrator types one (empty, it is refused, as RegexPatternsPasswordPolicyProvider.parseConfig does);
    so is the denylist's, whose file name the administrator types."""
    listed = await policies_of(env, env.http)
    typed = {"regexPattern": "[a-z]+", "passwordBlacklist": "common-passwords.txt"}
    written = [
        p["id"] if "defaultValue" not in p else f"{p['id']}({typed.get(p['id'], p['defaultValue'])})" for p in listed
    ]
    for entry in [*written, " and ".join(written)]:
        await admin(env, "PUT", "/admin/realms/master", {"passwordPolicy": entry}, 204)
        rep = (await admin(env, "GET", "/admin/realms/master", status=200)).json()
        assert rep["passwordPolicy"] == entry
    await admin(env, "PUT", "/admin/realms/master", {"passwordPolicy": "regexPattern()"}, 400)
    await admin(env, "PUT", "/admin/realms/master", {"passwordPolicy": ""}, 204)


async def test_the_recovery_codes_threshold_is_not_listed_with_the_feature_off(env: Env) -> None:
    """RecoveryCodesWarningThresholdPasswordPolicyProviderFactory is supported only with RECOVERY_CODES on."""
    off = dataclasses.replace(env, settings=dataclasses.replace(env.settings, features_disabled="recovery-codes"))
    async with another_worker(off) as http:
        listed = await policies_of(env, http)
    assert {p["id"] for p in listed} == set(EXPECTED) - {"recoveryCodesWarningThreshold"}


async def test_password_policy_providers_are_listed_under_their_spi(env: Env) -> None:
    response = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    spi = response.json()["providers"]["password-policy"]
    assert spi["internal"] is True and set(spi["providers"]) == set(EXPECTED)


async def test_enums_are_sorted_and_identity_providers_carry_their_group(env: Env) -> None:
    """ServerInfoAdminResource.createEnumsMap sorts each enum's names (Collections.sort); setIdentityProviders
    puts each IdentityProvider factory in the "User-defined" group (``groupName``), which the Admin Console's
    identity-provider picker groups by."""
    response = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    info = response.json()
    assert info["enums"]["operationType"] == ["ACTION", "CREATE", "DELETE", "UPDATE"]
    for name in ("eventType", "resourceType"):
        assert info["enums"][name] == sorted(info["enums"][name]), name
    assert [(p["groupName"], p["id"]) for p in info["identityProviders"]] == [
        ("User-defined", "jwt-authorization-grant"),  # its feature on by default (Keycloak 26.6)
        ("User-defined", "keycloak-oidc"),
        ("User-defined", "oauth2"),
        ("User-defined", "oidc"),
    ]
    assert info["socialProviders"] == [
        {"id": "bitbucket", "name": "BitBucket"},
        {"id": "facebook", "name": "Facebook"},
        {"id": "github", "name": "GitHub"},
        {"id": "gitlab", "name": "GitLab"},
        {"id": "google", "name": "Google"},
        {"id": "linkedin-openid-connect", "name": "LinkedIn"},
        {"id": "microsoft", "name": "Microsoft"},
        {"id": "openshift-v3", "name": "Openshift v3"},
        {"id": "openshift-v4", "name": "Openshift v4"},
        {"id": "paypal", "name": "PayPal"},
        {"id": "stackoverflow", "name": "StackOverflow"},
    ]


async def test_builtin_protocol_mappers_are_the_built_in_scopes_mappers(env: Env) -> None:
    """builtinProtocolMappers (OIDCLoginProtocolFactory.getBuiltinMappers): every mapper Keycloak's built-in scopes
    take from it, with the same type and config as the realm's scope carries (what the Admin Console's "Add
    predefined mapper" creates); not the organization and service-account scopes' own."""
    headers = await admin_headers(env)
    info = (await env.http.get("/admin/serverinfo", headers=headers)).json()
    builtins = {m["name"]: m for m in info["builtinProtocolMappers"]["openid-connect"]}
    assert set(builtins) == {
        "username", "email", "email verified", "given name", "family name", "middle name", "nickname", "profile",
        "picture", "website", "gender", "birthdate", "zoneinfo", "updated at", "locale", "full name", "address",
        "phone number", "phone number verified", "realm roles", "client roles", "audience resolve",
        "allowed web origins", "upn", "groups", "acr loa level", "sub", "auth_time",
    }  # fmt: skip
    scopes = (await env.http.get("/admin/realms/master/client-scopes", headers=headers)).json()
    in_scopes = {m["name"]: m for s in scopes for m in s.get("protocolMappers", []) if m["name"] in builtins}
    assert set(in_scopes) == set(builtins)
    for name, mapper in builtins.items():
        assert mapper == {
            "name": name,
            "protocol": "openid-connect",
            "protocolMapper": in_scopes[name]["protocolMapper"],
            "consentRequired": False,
            "config": in_scopes[name]["config"],
        }
    assert builtins["updated at"]["config"]["jsonType.label"] == "long"

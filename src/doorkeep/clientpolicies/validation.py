"""Validating a realm's client profiles and policies before they are stored (Keycloak's
ClientPoliciesUtil.getValidatedClientProfilesForUpdate and getValidatedClientPoliciesForUpdate), with
Keycloak's messages, which the admin API answers as a 400 ``{"errorMessage": …}``."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies import (
    catalogue,
    conditions,
    executors_grant_audience,
    executors_jwt_claim,
    executors_session,
    executors_uri_patterns,
    executors_uris,
    secret_rotation,
)
from doorkeep.clientpolicies.config_values import flag_or_none, string_list

BAD_EXECUTOR = (
    "proposed client profile contains the executor, which does not have valid provider, or has invalid configuration."
)


class ClientPolicyError(ValueError):
    """A client profiles or policies representation Keycloak would refuse; ``str()`` is Keycloak's message."""


def _objects(value: Any, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ClientPolicyError(f"invalid {what}: expected a list of objects")
    return value


def _valid_executor_config(provider: str, config: Any) -> bool:
    """The executor's Configuration.validateConfig, and Jackson's conversion of the configuration."""
    if config is None:
        return True
    if not isinstance(config, dict):
        return False
    try:
        flag_or_none(config, "auto-configure")
        if provider == "secure-client-authenticator":
            allowed = string_list(config.get("allowed-client-authenticators"))
            default = config.get("default-client-authenticator")
            if default is not None and not isinstance(default, str):
                return False
            if allowed is not None and not set(allowed) <= catalogue.CLIENT_AUTHENTICATORS:
                return False
            return default is None or allowed is None or default in allowed
        if provider == secret_rotation.PROVIDER_ID:
            return secret_rotation.valid_config(config)
        if provider == executors_jwt_claim.PROVIDER_ID:
            return executors_jwt_claim.valid_config(config)
        if provider == executors_grant_audience.PROVIDER_ID:  # Configuration: a String
            return not isinstance(config.get(executors_grant_audience.ALLOWED_AUDIENCE), (list, dict))
        if provider == "allowed-protocol-mappers":  # Configuration: a List<String>
            string_list(config.get("allowed-protocol-mapper-types"))
        if provider == "secure-signature-algorithm":
            default = config.get("default-algorithm")
            return default is None or isinstance(default, str)
        if provider in _FAPI_FLAGS or provider in _FAPI_INTEGERS:
            return _valid_fapi_config(provider, config)
        if provider == "auth-flow-enforcer":  # Configuration: a String and an Integer (Jackson's coercions)
            alias, level = config.get("auth-flow-alias"), config.get("auth-flow-loa")
            return (alias is None or isinstance(alias, str)) and (level is None or type(level) is int)
        if provider == "dpop-bind-enforcer":
            flag_or_none(config, "enforce-authorization-code-binding-to-dpop")
            flag_or_none(config, "allow-only-refresh-token-binding")
        if provider == "secure-redirect-uris-enforcer":
            executors_uris.valid_redirect_config(config)
        if provider == "secure-client-uris":
            flag_or_none(config, executors_uris.ALLOW_HTTP_ON_LOCALHOST)
        if provider == executors_uri_patterns.PROVIDER_ID:
            executors_uri_patterns.valid_config(config)
        executors_session.valid_session_config(provider, config)
    except ValueError:
        return False
    return True


# Jackson's binding of the FAPI executors' configurations (executors_fapi.py): Boolean and Integer fields
_FAPI_FLAGS = {
    "secure-signature-algorithm-signed-jwt": ("require-client-assertion",),
    "secure-request-object": ("verify-nbf", "encryption-required"),
    "holder-of-key-enforcer": (),
}
_FAPI_INTEGERS = {"secure-request-object": ("available-period", "allowed-clock-skew")}


def _valid_fapi_config(provider: str, config: dict[str, Any]) -> bool:
    """A Boolean field takes a boolean or its text; an Integer one a whole number or its text (Jackson's coercion
    of a JSON string); ``default-algorithm`` a string (an unknown one falls back to PS256, not refused)."""
    for key in _FAPI_FLAGS.get(provider, ()):
        flag_or_none(config, key)
    for key in _FAPI_INTEGERS.get(provider, ()):
        value = config.get(key)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            continue
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return False
    return True


def _executor(rep: dict[str, Any]) -> dict[str, Any]:
    provider = rep.get("executor")
    config = rep.get("configuration")
    if provider not in catalogue.EXECUTORS or not _valid_executor_config(str(provider), config):
        raise ClientPolicyError(BAD_EXECUTOR)
    out: dict[str, Any] = {"executor": provider}
    if config is not None:
        out["configuration"] = config
    return out


def profiles_for_update(rep: dict[str, Any]) -> dict[str, Any]:
    """The ClientProfilesRepresentation to store (without ``globalProfiles``), or ClientPolicyError."""
    proposed = _objects(rep.get("profiles"), "profiles")
    if any(not isinstance(p.get("name"), str) or not p.get("name") for p in proposed):
        raise ClientPolicyError("client profile without its name not allowed.")
    names = [p["name"] for p in proposed]
    if len(names) != len(set(names)):
        raise ClientPolicyError("proposed client profile name duplicated.")
    sent_globals = rep.get("globalProfiles")
    if sent_globals and sent_globals != catalogue.global_profiles():
        raise ClientPolicyError("Global profiles cannot be updated")
    global_names = catalogue.global_profile_names()
    for name in names:
        if name in global_names:
            raise ClientPolicyError(f"Proposed profile name '{name}' is duplicated as a global profile")
    profiles: list[dict[str, Any]] = []
    for profile in proposed:
        out: dict[str, Any] = {"name": profile["name"]}
        if isinstance(profile.get("description"), str):
            out["description"] = profile["description"]
        if profile.get("executors") is not None:
            out["executors"] = [_executor(e) for e in _objects(profile["executors"], "executors")]
        profiles.append(out)
    return {"profiles": profiles}


# the list-of-strings fields of the conditions' configurations (Jackson binds each to a List<String>)
_CONDITION_LISTS = {
    "client-access-type": ("type",),
    "client-roles": ("roles",),
    "client-scopes": ("scopes",),
    "client-updater-context": ("update-client-source",),
    "client-updater-source-groups": ("groups",),
    "client-updater-source-host": ("trusted-hosts",),
    "client-updater-source-roles": ("roles",),
    "grant-type": ("grantTypes", "grant_types"),
    "identity-provider-alias": ("identity_provider_aliases",),
}
# the String fields (a JSON array or object there fails Jackson's conversion)
_CONDITION_STRINGS = {"client-type": ("protocol",), "acr-condition": ("acr-property",), "client-scopes": ("type",)}


def _condition_problem(provider: str, config: dict[str, Any], scope_names: frozenset[str] | None) -> str | None:
    """What Jackson's conversion or the factory's validateConfiguration finds wrong with ``config``, if anything."""
    try:
        for key in _CONDITION_LISTS.get(provider, ()):
            string_list(config.get(key))
        flag_or_none(config, "is-negative-logic")
        for key in _CONDITION_STRINGS.get(provider, ()):
            if config.get(key) is not None and not isinstance(config[key], str):
                raise ValueError(f"{key}: expected a string")
        if provider == "client-attributes":
            conditions.attribute_pairs(config)
    except ValueError as problem:
        return str(problem)
    if provider == "client-scopes" and scope_names is not None:
        # ClientScopesConditionFactory.validateConfiguration: every scope must be one of the realm's
        scopes = string_list(config.get("scopes"))
        if scopes is not None and not set(scopes) <= scope_names:
            return f"Client scopes not allowed: [{', '.join(scopes)}]"
    return None


def _condition(policy_name: str, rep: dict[str, Any], scope_names: frozenset[str] | None) -> dict[str, Any]:
    provider = rep.get("condition")
    if provider not in catalogue.CONDITIONS:
        raise ClientPolicyError(f"Policy {policy_name} contains invalid condition {provider}")
    config = rep.get("configuration")
    if config is not None and not isinstance(config, dict):
        raise ClientPolicyError(f"Invalid {provider} configuration - expected an object")
    problem = None if config is None else _condition_problem(str(provider), config, scope_names)
    if problem is not None:
        raise ClientPolicyError(f"Invalid {provider} configuration - {problem}")
    out: dict[str, Any] = {"condition": provider}
    if config is not None:
        out["configuration"] = config
    return out


def policies_for_update(
    rep: dict[str, Any], realm_profiles: list[dict[str, Any]], scope_names: frozenset[str] | None = None
) -> dict[str, Any]:
    """The ClientPoliciesRepresentation to store (without ``globalPolicies``), or ClientPolicyError;
    ``realm_profiles`` are the realm's stored profiles, which the policies may name besides the global ones;
    ``scope_names`` the realm's client scopes a client-scopes condition may name (None: not checked)."""
    sent_globals = rep.get("globalPolicies")
    if sent_globals and sent_globals != catalogue.global_policies():
        raise ClientPolicyError("Global policies cannot be updated")
    proposed = _objects(rep.get("policies"), "policies")
    names = [p.get("name") for p in proposed]
    if len(names) != len(set(map(str, names))):
        raise ClientPolicyError("proposed client policy name duplicated")
    known = {p["name"]: p for p in [*realm_profiles, *catalogue.global_profiles()]}
    policies: list[dict[str, Any]] = []
    for policy in proposed:
        name = policy.get("name")
        if not isinstance(name, str):
            raise ClientPolicyError("client policy without name not allowed")
        out: dict[str, Any] = {"name": name}
        if isinstance(policy.get("description"), str):
            out["description"] = policy["description"]
        out["enabled"] = policy.get("enabled") is True
        out["conditions"] = [_condition(name, c, scope_names) for c in _objects(policy.get("conditions"), "conditions")]
        try:
            profiles = string_list(policy.get("profiles")) or []
        except ValueError:
            raise ClientPolicyError(f"Policy {name} contains invalid profile {policy.get('profiles')}") from None
        if len(profiles) != len(set(profiles)):
            raise ClientPolicyError(f"Policy {name} contains duplicated profiles")
        for profile in profiles:
            # Keycloak's check is the name alone; Doorkeep also refuses a global profile it cannot enforce whole.
            if profile not in known or catalogue.unsupported_executors(known[profile]):
                raise ClientPolicyError(f"Policy {name} contains invalid profile {profile}")
        out["profiles"] = profiles
        policies.append(out)
    return {"policies": policies}

"""What Doorkeep's client policies know: the built-in (global) profiles and the providers it runs.

The global profiles are Keycloak 26's ``keycloak-default-client-profiles.json`` (the default security
profile), copied as data beside this module; Keycloak's default security profile names no global policies
(``"client-policies": null``), so ``include-global-policies=true`` adds an empty list. Doorkeep runs a subset
of Keycloak's executors and conditions (``EXECUTORS``, ``CONDITIONS``); a profile naming another one is refused
as Keycloak refuses an executor it has no provider for, and so is a policy that would enable a global profile
holding one (``unsupported_executors``): enforcing part of a security profile silently would be worse than
refusing it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

PROFILES_ATTRIBUTE = "client-policies.profiles"  # Constants.CLIENT_PROFILES: the realm attribute Keycloak uses
POLICIES_ATTRIBUTE = "client-policies.policies"  # Constants.CLIENT_POLICIES

EXECUTORS = frozenset(
    {
        "pkce-enforcer",
        "secure-redirect-uris-enforcer",
        "secure-client-uris",
        "secure-response-type",
        "secure-session",
        "secure-logout",
        "reject-request",
        "secure-client-uris-pattern",
        "dpop-bind-enforcer",
        "confidential-client",
        "full-scope-disabled",
        "consent-required",
        "reject-implicit-grant",
        "reject-ropc-grant",
        "secure-client-authenticator",
        "use-lightweight-access-token",
        "secret-rotation",
        "secure-signature-algorithm",
        "secure-signature-algorithm-signed-jwt",
        "secure-request-object",
        "secure-par-content",
        "secure-client-authentication-assertion",
        "holder-of-key-enforcer",
        "secure-ciba-session",
        "secure-ciba-signed-authn-req",
        "secure-ciba-req-sig-algorithm",
        "auth-flow-enforcer",
        "jwt-claim-enforcer",
        "downscope-assertion-grant-enforcer",
        "allowed-protocol-mappers",
        "jwt-authorization-grant-audience",
    }
)
"""Executor provider ids Doorkeep enforces."""

CONDITIONS = frozenset(
    {
        "acr-condition",
        "any-client",
        "client-access-type",
        "client-attributes",
        "client-roles",
        "client-scopes",
        "client-type",
        "client-updater-context",
        "client-updater-source-groups",
        "client-updater-source-host",
        "client-updater-source-roles",
        "grant-type",
        "identity-provider-alias",
    }
)
"""Condition provider ids Doorkeep evaluates."""

CLIENT_AUTHENTICATORS = frozenset({"client-secret", "client-jwt", "client-secret-jwt", "client-x509", "federated-jwt"})
"""The client authenticator provider ids secure-client-authenticator may name (Keycloak's ClientAuthenticators)."""


@functools.cache
def _global_profiles() -> tuple[str, ...]:
    text = resources.files(__package__).joinpath("keycloak-default-client-profiles.json").read_text("utf-8")
    return tuple(json.dumps(p) for p in json.loads(text)["profiles"])


def global_profiles() -> list[dict[str, Any]]:
    """Keycloak's built-in client profiles, a fresh copy each call."""
    return [json.loads(p) for p in _global_profiles()]


@functools.cache
def global_profiles_read_only() -> tuple[dict[str, Any], ...]:
    """The same, parsed once and shared: for the engine, which only reads them on every request."""
    return tuple(global_profiles())


def global_profile_names() -> frozenset[str]:
    return frozenset(p["name"] for p in global_profiles())


def global_policies() -> list[dict[str, Any]]:
    """Keycloak's default security profile has no global policies."""
    return []


def unsupported_executors(profile: dict[str, Any]) -> list[str]:
    """The executors of ``profile`` Doorkeep does not run."""
    executors = profile.get("executors") or []
    return [str(e.get("executor")) for e in executors if isinstance(e, dict) and e.get("executor") not in EXECUTORS]

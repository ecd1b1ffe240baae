"""Whether a realm file's ``clientProfiles`` / ``clientPolicies`` is in the shape Keycloak's Jackson reads.

RealmRepresentation.getParsedClientProfiles / getParsedClientPolicies convert the JSON into
ClientProfilesRepresentation / ClientPoliciesRepresentation; a property those classes lack or a value of the
wrong kind fails the conversion, and Keycloak then logs "Failed to deserialize client profiles in the realm ...
Fallback to return empty profiles" and imports the realm without them (the profiles left as they are, the
policies set up as for a new realm). Keycloak 13's preview format (``{"secure-reqobj-executor": {}}``
executors, ``builtin``, ``enable``), which Keycloak 14 changed, is the shape real files have.
"""

from __future__ import annotations

from typing import Any

# class -> {property: kind}; kinds: "text" (a JSON scalar), "bool", "json" (any), "texts", or a class for a list
_CLASSES: dict[str, dict[str, str]] = {
    "profiles": {"profiles": "profile", "globalProfiles": "profile"},
    "profile": {"name": "text", "description": "text", "executors": "executor"},
    "executor": {"executor": "text", "configuration": "json"},
    "policies": {"policies": "policy", "globalPolicies": "policy"},
    "policy": {
        "name": "text",
        "description": "text",
        "enabled": "bool",
        "conditions": "condition",
        "profiles": "texts",
    },
    "condition": {"condition": "text", "configuration": "json"},
}


def _fits(value: Any, kind: str) -> bool:
    if value is None or kind == "json":
        return True
    if kind == "text":
        return not isinstance(value, dict | list)
    if kind == "bool":
        return isinstance(value, bool) or value in ("true", "false")
    if not isinstance(value, list):
        return False
    if kind == "texts":
        return all(_fits(item, "text") for item in value)
    return all(_object_fits(item, kind) for item in value)


def _object_fits(value: Any, cls: str) -> bool:
    if value is None:
        return True
    if not isinstance(value, dict):
        return False
    known = _CLASSES[cls]
    return all(key in known and _fits(item, known[key]) for key, item in value.items())


def readable(key: str, value: Any) -> bool:
    """True when ``value`` (the realm's ``clientProfiles`` or ``clientPolicies``) converts as in Keycloak."""
    return _object_fits(value, "profiles" if key == "clientProfiles" else "policies")

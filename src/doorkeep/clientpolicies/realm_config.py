"""A realm's client profiles and policies: kept as JSON in the realm attributes Keycloak uses
(``client-policies.profiles``, ``client-policies.policies``), shown as RealmRepresentation's ``clientProfiles``
and ``clientPolicies`` (ModelToRepresentation: in the admin API's realm and in an export alike), never among
its ``attributes``; set from a realm import or a realm update that carries them, validated as the
``client-policies`` resources validate them (DefaultClientPolicyManager.updateRealmModelFromRepresentation)."""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
from typing import Any

from doorkeep import numbers
from doorkeep.clientpolicies import catalogue, validation
from doorkeep.model import Realm

ATTRIBUTES = frozenset({catalogue.PROFILES_ATTRIBUTE, catalogue.POLICIES_ATTRIBUTE})


@functools.lru_cache(maxsize=256)
def _parsed(raw: str) -> Any:
    """The stored JSON, parsed once per distinct value: every protocol request of a realm with policies reads it
    (issue #8). Shared between callers: read it, never change it (``_stored`` hands out copies)."""
    try:
        return numbers.loads(raw)
    except ValueError:
        return None


def stored_items(realm: Realm, attribute: str, key: str) -> list[dict[str, Any]]:
    """The stored profiles or policies, read-only (the engine's view; see ``_parsed``)."""
    raw = realm.attributes.get(attribute)
    parsed = _parsed(raw) if isinstance(raw, str) else None
    if isinstance(parsed, dict) and isinstance(parsed.get(key), list):
        return [item for item in parsed[key] if isinstance(item, dict)]
    return []


def _stored(realm: Realm, attribute: str, key: str) -> dict[str, Any]:
    raw = realm.attributes.get(attribute)
    parsed = _parsed(raw) if isinstance(raw, str) else None
    if isinstance(parsed, dict) and isinstance(parsed.get(key), list):
        return copy.deepcopy(parsed)
    return {key: []}


def profiles_of(realm: Realm, *, include_global: bool = False) -> dict[str, Any]:
    """ClientProfilesRepresentation: the realm's profiles, with ``globalProfiles`` when asked."""
    out = _stored(realm, catalogue.PROFILES_ATTRIBUTE, "profiles")
    if include_global:
        out["globalProfiles"] = catalogue.global_profiles()
    return out


def policies_of(realm: Realm, *, include_global: bool = False) -> dict[str, Any]:
    """ClientPoliciesRepresentation: the realm's policies, with ``globalPolicies`` when asked."""
    out = _stored(realm, catalogue.POLICIES_ATTRIBUTE, "policies")
    if include_global:
        out["globalPolicies"] = catalogue.global_policies()
    return out


def _with(realm: Realm, attribute: str, value: dict[str, Any]) -> Realm:
    return dataclasses.replace(realm, attributes={**realm.attributes, attribute: json.dumps(value)})


def with_profiles(realm: Realm, rep: dict[str, Any]) -> Realm:
    """``realm`` with the profiles of ``rep`` stored; ClientPolicyError when Keycloak would refuse them."""
    return _with(realm, catalogue.PROFILES_ATTRIBUTE, validation.profiles_for_update(rep))


def with_policies(realm: Realm, rep: dict[str, Any], scope_names: frozenset[str] | None = None) -> Realm:
    """``realm`` with the policies of ``rep`` stored; ClientPolicyError when Keycloak would refuse them
    (``scope_names``: the realm's client scopes, which a client-scopes condition must name)."""
    stored = validation.policies_for_update(rep, profiles_of(realm)["profiles"], scope_names)
    return _with(realm, catalogue.POLICIES_ATTRIBUTE, stored)


def from_representation(realm: Realm, rep: dict[str, Any], scope_names: frozenset[str] | None = None) -> Realm:
    """``realm`` with a RealmRepresentation's ``clientProfiles`` then ``clientPolicies`` applied (absent or
    null: left as they are); ClientPolicyError when either is refused (``scope_names`` as with_policies)."""
    for key in ("clientProfiles", "clientPolicies"):
        value = rep.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise validation.ClientPolicyError(f"{key}: expected an object")
        realm = with_profiles(realm, value) if key == "clientProfiles" else with_policies(realm, value, scope_names)
    return realm


def representation_fields(realm: Realm) -> dict[str, Any]:
    """RealmRepresentation's ``clientProfiles`` and ``clientPolicies`` (without the global ones)."""
    return {"clientProfiles": profiles_of(realm), "clientPolicies": policies_of(realm)}

"""The ``components`` of a realm file: the key providers (key material included), the client registration
policies, and the declarative user profile, validated as ``PUT users/profile`` validates it; every other
component type is named in the import's warning."""

from __future__ import annotations

from typing import Any

from doorkeep.admin import user_profile as up_config
from doorkeep.admin import user_profile_checks as up_checks
from doorkeep.clientreg.policy_components import POLICY_TYPE
from doorkeep.keys import components
from doorkeep.model import Realm
from doorkeep.realms.exportimport.plan import at, fail, is_empty, obj


def key_components(rep: dict[str, Any], base: str) -> list[dict[str, Any]]:
    """``components["org.keycloak.keys.KeyProvider"]``: the realm's key providers, key material included
    (component types other than these and the client registration policies are skipped)."""
    return listed_components(rep, base, components.KEY_PROVIDER) or []


USER_STORAGE = "org.keycloak.storage.UserStorageProvider"  # LDAP, Kerberos and custom user federation


def skipped_components(rep: dict[str, Any]) -> set[str]:
    """The component types of the file import passes over, for its warning (key providers, client registration
    policies and the user profile are read)."""
    found = rep.get("components")
    if not isinstance(found, dict):
        return set()
    read = {components.KEY_PROVIDER, POLICY_TYPE, up_config.COMPONENT_TYPE}
    out = set()
    for kind, listed in found.items():
        if kind in read or is_empty(listed):
            continue
        why = "user federation: Doorkeep keeps its users itself" if kind == USER_STORAGE else "not read"
        out.add(f"components.{kind} ({why})")
    return out


def listed_components(rep: dict[str, Any], base: str, kind: str) -> list[dict[str, Any]] | None:
    """``components[kind]`` of the file, None when it has none of that type."""
    found = rep.get("components")
    if found is None:
        return None
    listed = obj(found, at(base, "components")).get(kind)
    if listed is None:
        return None
    if not isinstance(listed, list) or not all(isinstance(item, dict) for item in listed):
        fail(at(base, f"components.{kind}"), "expected a list of objects")
    return listed


def with_user_profile(realm: Realm, rep: dict[str, Any], base: str) -> Realm:
    """The ``declarative-user-profile`` component's configuration, if the file has one, validated as
    ``PUT users/profile`` validates it (the realm's client scopes are not known yet, so scope names pass)."""
    kind = up_config.COMPONENT_TYPE
    try:
        config = up_config.imported_config(listed_components(rep, base, kind))
    except up_config.InvalidConfig as problem:
        fail(at(base, f"components.{kind}"), str(problem))
    if config is None:
        return realm
    scopes = {str(s.get("name")) for s in rep.get("clientScopes") or [] if isinstance(s, dict)}
    if found := up_checks.errors(config, scopes | _scope_names_of(config)):
        fail(at(base, f"components.{kind}"), up_checks.message(found))
    return up_config.with_config(realm, config)


def _scope_names_of(config: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for attribute in config.get("attributes") or []:
        for part in ("required", "selector"):
            names.update((attribute.get(part) or {}).get("scopes") or [])
    return names

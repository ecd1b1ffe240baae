"""The realm's user profile configuration (UPConfig) as Keycloak 26 serves it at ``users/profile``.

A realm starts with Keycloak's built-in default (``keycloak-default-user-profile.json``: username, email,
firstName, lastName with their validators and permissions, and the ``user-metadata`` group). ``PUT
users/profile`` replaces it with any configuration UPConfigUtils.validate accepts (``user_profile_checks``):
custom attributes with their validations, permissions, required roles, groups and annotations, and the
``unmanagedAttributePolicy`` (ENABLED, ADMIN_EDIT, ADMIN_VIEW; absent means disabled). Keycloak keeps a
changed configuration in the realm's ``declarative-user-profile`` component (config
``kc.user.profile.config``); Doorkeep keeps the same JSON in an internal realm attribute, which the realm's
representation does not show and realm export writes as that component. A configuration equal to the default
is not stored. The configuration as stored is Jackson's form of the UPConfig sent (``normalized``): null
fields dropped, ``multivalued`` always present, permissions with both ``view`` and ``edit``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

from doorkeep import numbers
from doorkeep.model import Realm

CONFIG_ATTRIBUTE = "doorkeep.userProfile.config"
"""The realm attribute holding a changed configuration's JSON; internal, left out of RealmRepresentation."""
POLICY_ATTRIBUTE = "doorkeep.userProfile.unmanagedAttributePolicy"
"""Where earlier releases kept the policy alone; still read, replaced by CONFIG_ATTRIBUTE on the next PUT."""
DECLARED_ATTRIBUTE = "doorkeep.userProfile.declared"
"""Set once the realm is given a configuration (any ``PUT users/profile``, or an imported component), even one
equal to the default: from then on the unmanaged attribute policy applies (``users.unmanaged``)."""
INTERNAL_ATTRIBUTES = (CONFIG_ATTRIBUTE, POLICY_ATTRIBUTE, DECLARED_ATTRIBUTE)
POLICIES = ("ENABLED", "ADMIN_EDIT", "ADMIN_VIEW")  # UPConfig.UnmanagedAttributePolicy
POLICY_KEY = "unmanagedAttributePolicy"
UPCONFIG_PROPERTIES = frozenset(["attributes", "groups", POLICY_KEY])  # UPConfig's, for Jackson's unknown-field check
COMPONENT_TYPE = "org.keycloak.userprofile.UserProfileProvider"
PROVIDER_ID = "declarative-user-profile"
COMPONENT_CONFIG_KEY = "kc.user.profile.config"


class InvalidConfig(ValueError):
    """A body that is no UPConfig (Jackson cannot read it)."""


_BOTH = {"view": ["admin", "user"], "edit": ["admin", "user"]}
_USER_REQUIRED = {"roles": ["user"]}


def _name_attribute(name: str) -> dict[str, Any]:
    """firstName and lastName: the same rules under two names."""
    return {
        "name": name,
        "displayName": f"${{{name}}}",
        "validations": {"length": {"max": 255}, "person-name-prohibited-characters": {}},
        "required": _USER_REQUIRED,
        "permissions": _BOTH,
        "multivalued": False,
    }


DEFAULT_CONFIG: dict[str, Any] = {
    "attributes": [
        {
            "name": "username",
            "displayName": "${username}",
            "validations": {
                "length": {"min": 3, "max": 255},
                "username-prohibited-characters": {},
                "up-username-not-idn-homograph": {},
            },
            "permissions": _BOTH,
            "multivalued": False,
        },
        {
            "name": "email",
            "displayName": "${email}",
            "validations": {"email": {}, "length": {"max": 255}},
            "required": _USER_REQUIRED,
            "permissions": _BOTH,
            "multivalued": False,
        },
        _name_attribute("firstName"),
        _name_attribute("lastName"),
    ],
    "groups": [
        {
            "name": "user-metadata",
            "displayHeader": "User metadata",
            "displayDescription": "Attributes, which refer to user metadata",
        }
    ],
}


def default_validations(name: str) -> dict[str, Any]:
    """The validations the default configuration gives the root attribute ``name`` (empty if it has none)."""
    attribute: dict[str, Any] = next((a for a in DEFAULT_CONFIG["attributes"] if a["name"] == name), {})
    return dict(attribute.get("validations") or {})


def default_config() -> dict[str, Any]:
    """A fresh copy of the default UPConfig, safe for a caller to change."""
    return copy.deepcopy(DEFAULT_CONFIG)


ADMIN_REALM = "master"  # Config.getAdminRealm()


def master_default_config() -> dict[str, Any]:
    """The master realm's UPConfig as ApplianceBootstrap.createMasterRealm stores it: "more relaxed", no attribute
    but the username required (so VERIFY_PROFILE never stops an administrator without names or e-mail)."""
    config = default_config()
    for attribute in config["attributes"]:
        if attribute["name"] != "username":
            attribute.pop("required", None)
    return config


def config_of(realm: Realm) -> dict[str, Any]:
    """The realm's UPConfig: the stored one, else the default (with a policy an earlier release stored); the
    master realm's default is ``master_default_config``."""
    raw = realm.attributes.get(CONFIG_ATTRIBUTE)
    if isinstance(raw, str) and raw:
        loaded = json.loads(raw)
        if isinstance(loaded, dict):
            return loaded
    config = master_default_config() if realm.name == ADMIN_REALM else default_config()
    policy = realm.attributes.get(POLICY_ATTRIBUTE)
    if policy in POLICIES:
        config[POLICY_KEY] = policy
    return config


def unmanaged_policy(realm: Realm) -> str | None:
    """The realm's unmanaged attribute policy (None: disabled)."""
    policy = config_of(realm).get(POLICY_KEY)
    return policy if policy in POLICIES else None


def enforced(realm: Realm) -> bool:
    """Whether the realm was ever given a configuration, so applies its unmanaged attribute policy; a realm that
    never was stores and shows every attribute (a deliberate difference from Keycloak 26, ``users.unmanaged``)."""
    return any(realm.attributes.get(k) for k in (DECLARED_ATTRIBUTE, CONFIG_ATTRIBUTE, POLICY_ATTRIBUTE))


def with_config(realm: Realm, config: dict[str, Any] | None) -> Realm:
    """``realm`` with ``config`` stored (None, or the default, goes back to the default) and marked as given a
    configuration."""
    attributes = {k: v for k, v in realm.attributes.items() if k not in (CONFIG_ATTRIBUTE, POLICY_ATTRIBUTE)}
    attributes[DECLARED_ATTRIBUTE] = "true"
    default = master_default_config() if realm.name == ADMIN_REALM else DEFAULT_CONFIG
    if config is not None and config != default:
        attributes[CONFIG_ATTRIBUTE] = json.dumps(config, separators=(",", ":"))
    return dataclasses.replace(realm, attributes=attributes)


# --- Jackson's reading of a UPConfig --------------------------------------------------------------
def _typed(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if value is not None and (not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)):
        raise InvalidConfig(f"Cannot parse the user profile configuration: '{where}' has the wrong type")
    return value


def _strings(value: Any, where: str) -> list[str] | None:
    _typed(value, list, where)
    if value is not None and not all(isinstance(v, str) for v in value):
        raise InvalidConfig(f"Cannot parse the user profile configuration: '{where}' must be a list of strings")
    return None if value is None else list(dict.fromkeys(value))


_JAVA_TRIM = "".join(map(chr, range(0x21)))  # String.trim: every character up to and including the space


def _trimmed(value: str | None) -> str | None:
    """UPAttribute.setName and setGroup trim what they are given (Keycloak 26): ``"email "`` is ``email``."""
    return None if value is None else value.strip(_JAVA_TRIM)


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _item(rep: Any, where: str) -> dict[str, Any]:
    """An attribute or group of the configuration: an object (a null one, which Jackson lets into the list, has
    no name Keycloak's validateConfiguration could read; refused as the wrong type, not a NullPointerException)."""
    if not isinstance(rep, dict):
        raise InvalidConfig(f"Cannot parse the user profile configuration: '{where}' has the wrong type")
    return rep


def _attribute(rep: Any, index: int) -> dict[str, Any]:
    where = f"attributes[{index}]"
    rep = _item(rep, where)
    validations = _typed(rep.get("validations"), dict, f"{where}.validations")
    if validations is not None:
        for key, value in validations.items():
            _typed(value, dict, f"{where}.validations.{key}")
        validations = {k: (v if v is not None else {}) for k, v in validations.items()}
    permissions = _typed(rep.get("permissions"), dict, f"{where}.permissions")
    if permissions is not None:
        permissions = {
            "view": _strings(permissions.get("view"), f"{where}.permissions.view") or [],
            "edit": _strings(permissions.get("edit"), f"{where}.permissions.edit") or [],
        }
    required = _typed(rep.get("required"), dict, f"{where}.required")
    if required is not None:
        required = _compact({k: _strings(required.get(k), f"{where}.required.{k}") for k in ("roles", "scopes")})
    selector = _typed(rep.get("selector"), dict, f"{where}.selector")
    if selector is not None:
        selector = _compact({"scopes": _strings(selector.get("scopes"), f"{where}.selector.scopes")})
    return _compact(
        {
            "name": _trimmed(_typed(rep.get("name"), str, f"{where}.name")),
            "displayName": _typed(rep.get("displayName"), str, f"{where}.displayName"),
            "validations": validations,
            "annotations": _typed(rep.get("annotations"), dict, f"{where}.annotations"),
            "required": required,
            "permissions": permissions,
            "selector": selector,
            "group": _trimmed(_typed(rep.get("group"), str, f"{where}.group")),
            "multivalued": bool(_typed(rep.get("multivalued"), bool, f"{where}.multivalued")),
            "defaultValue": _typed(rep.get("defaultValue"), str, f"{where}.defaultValue"),
        }
    )


def _group(rep: Any, index: int) -> dict[str, Any]:
    where = f"groups[{index}]"
    rep = _item(rep, where)
    return _compact(
        {
            "name": _typed(rep.get("name"), str, f"{where}.name"),
            "displayHeader": _typed(rep.get("displayHeader"), str, f"{where}.displayHeader"),
            "displayDescription": _typed(rep.get("displayDescription"), str, f"{where}.displayDescription"),
            "annotations": _typed(rep.get("annotations"), dict, f"{where}.annotations"),
        }
    )


def normalized(body: Any) -> dict[str, Any]:
    """The UPConfig ``body`` as Jackson reads it and writes it back; InvalidConfig when it cannot."""
    _typed(body, dict, "UPConfig")
    attributes = _typed(body.get("attributes"), list, "attributes")
    groups = _typed(body.get("groups"), list, "groups")
    policy = body.get(POLICY_KEY)
    if policy is not None and policy not in POLICIES:
        raise InvalidConfig(f"unknown {POLICY_KEY}: expected one of {', '.join(POLICIES)}")
    config: dict[str, Any] = {}
    if attributes is not None:
        config["attributes"] = [_attribute(a, i) for i, a in enumerate(attributes)]
    config["groups"] = [_group(g, i) for i, g in enumerate(groups or [])]
    if policy is not None:
        config[POLICY_KEY] = policy
    return config


# --- realm export and import ------------------------------------------------------------------------
def export_components(realm: Realm) -> list[dict[str, Any]]:
    """``components["org.keycloak.userprofile.UserProfileProvider"]``: the one component of a realm whose
    configuration was set (Keycloak has none while the built-in default is in force)."""
    raw = realm.attributes.get(CONFIG_ATTRIBUTE)
    if not isinstance(raw, str) or not raw:
        if not enforced(realm):
            return []
        raw = json.dumps(config_of(realm), separators=(",", ":"))
    return [{"providerId": PROVIDER_ID, "subComponents": {}, "config": {COMPONENT_CONFIG_KEY: [raw]}}]


def imported_config(components: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The configuration a realm file's ``declarative-user-profile`` component holds, None for none."""
    for component in components or []:
        if component.get("providerId") != PROVIDER_ID:
            continue
        config = component.get("config")
        values = config.get(COMPONENT_CONFIG_KEY) if isinstance(config, dict) else None
        raw = values[0] if isinstance(values, list) and values else values
        if isinstance(raw, str) and raw.strip():
            try:
                return normalized(numbers.loads(raw))  # bounded nesting: never a RecursionError
            except ValueError as problem:
                raise InvalidConfig(f"invalid {COMPONENT_CONFIG_KEY}: {problem}") from None
    return None

"""The realm's user profile configuration (UPConfig) as Keycloak 26 serves it at ``users/profile``.

Doorkeep's user profile is Keycloak's built-in default (``keycloak-default-user-profile.json``:
username, email, firstName, lastName with their validators and permissions, and the ``user-metadata``
group). The one part a realm may change is ``unmanagedAttributePolicy`` (UPConfig's enum: ENABLED,
ADMIN_EDIT, ADMIN_VIEW; absent means disabled), kept as a realm attribute that the realm's representation
does not show (Keycloak keeps the whole configuration in a component, not in the realm's attributes).
Any other change to the configuration is refused.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from doorkeep.model import Realm

POLICY_ATTRIBUTE = "doorkeep.userProfile.unmanagedAttributePolicy"
"""The realm attribute holding the policy; internal, left out of RealmRepresentation.attributes."""
POLICIES = ("ENABLED", "ADMIN_EDIT", "ADMIN_VIEW")  # UPConfig.UnmanagedAttributePolicy
POLICY_KEY = "unmanagedAttributePolicy"


class UnsupportedChange(ValueError):
    """A configuration that changes more than the unmanaged attribute policy, or names no known policy."""


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


def default_config() -> dict[str, Any]:
    """A fresh copy of the default UPConfig, safe for a caller to change."""
    return copy.deepcopy(DEFAULT_CONFIG)


def unmanaged_policy(realm: Realm) -> str | None:
    """The realm's unmanaged attribute policy (None: disabled)."""
    policy = realm.attributes.get(POLICY_ATTRIBUTE)
    return policy if policy in POLICIES else None


def config_of(realm: Realm) -> dict[str, Any]:
    """The realm's UPConfig: the default, with its unmanaged attribute policy when one is set."""
    config = default_config()
    policy = unmanaged_policy(realm)
    if policy is not None:
        config[POLICY_KEY] = policy
    return config


def policy_of(body: Any) -> str | None:
    """The unmanaged attribute policy a PUT ``users/profile`` body sets (None: disabled); UnsupportedChange
    when the body is not the default configuration apart from that policy."""
    if not isinstance(body, dict):
        raise UnsupportedChange("expected a user profile configuration")
    rest = {k: v for k, v in body.items() if k != POLICY_KEY}
    if rest != default_config():
        raise UnsupportedChange("Doorkeep serves Keycloak's default user profile only; it cannot be changed")
    policy = body.get(POLICY_KEY)
    if policy is not None and policy not in POLICIES:
        raise UnsupportedChange(f"unknown {POLICY_KEY}: expected one of {', '.join(POLICIES)}")
    return policy if isinstance(policy, str) else None


def with_policy(realm: Realm, policy: str | None) -> Realm:
    """``realm`` with ``policy`` stored (None removes it)."""
    attributes = {k: v for k, v in realm.attributes.items() if k != POLICY_ATTRIBUTE}
    if policy is not None:
        attributes[POLICY_ATTRIBUTE] = policy
    return dataclasses.replace(realm, attributes=attributes)

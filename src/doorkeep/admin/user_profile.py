"""The realm's user profile configuration (UPConfig) as Keycloak 26 serves it at ``users/profile``.

Doorkeep has no configurable user profile: every realm has Keycloak's built-in default
(``keycloak-default-user-profile.json``: username, email, firstName, lastName with their validators and
permissions, and the ``user-metadata`` group; no ``unmanagedAttributePolicy``), so that is what a client
reading the configuration gets. Changing it is not implemented.
"""

from __future__ import annotations

import copy
from typing import Any

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

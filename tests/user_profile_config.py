"""Keycloak 26's default user profile configuration (keycloak-default-user-profile.json) as ``GET
/admin/realms/{realm}/users/profile`` answers it: username, email, firstName and lastName, and the
``user-metadata`` group. The wire tests' expected value, and the base of their custom configurations."""

from __future__ import annotations

from typing import Any

BOTH = {"view": ["admin", "user"], "edit": ["admin", "user"]}  # admin and user may view and edit
METADATA_GROUP = {
    "name": "user-metadata",
    "displayHeader": "User metadata",
    "displayDescription": "Attributes, which refer to user metadata",
}


def name_attribute(name: str) -> dict[str, Any]:
    """``firstName`` / ``lastName``: required for users, at most 255 characters, no prohibited characters."""
    return {
        "name": name,
        "displayName": f"${{{name}}}",
        "validations": {"length": {"max": 255}, "person-name-prohibited-characters": {}},
        "required": {"roles": ["user"]},
        "permissions": BOTH,
        "multivalued": False,
    }


DEFAULT_PROFILE: dict[str, Any] = {
    "attributes": [
        {
            "name": "username",
            "displayName": "${username}",
            "validations": {
                "length": {"min": 3, "max": 255},
                "username-prohibited-characters": {},
                "up-username-not-idn-homograph": {},
            },
            "permissions": BOTH,
            "multivalued": False,
        },
        {
            "name": "email",
            "displayName": "${email}",
            "validations": {"email": {}, "length": {"max": 255}},
            "required": {"roles": ["user"]},
            "permissions": BOTH,
            "multivalued": False,
        },
        name_attribute("firstName"),
        name_attribute("lastName"),
    ],
    "groups": [METADATA_GROUP],
}

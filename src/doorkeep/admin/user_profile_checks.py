"""UPConfigUtils.validate: why Keycloak 26 refuses a user profile configuration.

The messages are Keycloak's, in its order: per attribute (blank or duplicate name, a name outside
``[a-zA-Z0-9._-]``, each validation's validator and its configuration, roles other than ``admin`` and ``user``
in permissions and required, unknown client scopes in required and selector, an unknown group, annotations
``inputOptions`` and ``inputOptionLabels`` of the wrong shape), then username and email that may not be
removed, then groups without a name. ``PUT users/profile`` answers them as ComponentValidationException's
message, the list as Java's ``List.toString`` writes it (``[a, b]``).
"""

from __future__ import annotations

import re
from typing import Any

from doorkeep.users import validators

PSEUDO_ROLES = ("admin", "user")
_NAME = re.compile(r"[a-zA-Z0-9._\-]+")


def _roles(roles: list[str] | None, field: str, name: str | None) -> list[str]:
    return [
        f"'{field}' configuration for attribute '{name}' contains unsupported role '{role}'"
        for role in roles or []
        if role not in PSEUDO_ROLES
    ]


def _scopes(scopes: list[str] | None, field: str, name: str | None, known: set[str]) -> list[str]:
    return [
        f"'{field}' configuration for attribute '{name}' contains unsupported scope '{scope}'"
        for scope in scopes or []
        if scope not in known
    ]


def _validations(attribute: dict[str, Any], name: str | None) -> list[str]:
    found: list[str] = []
    for validator, config in (attribute.get("validations") or {}).items():
        if not validator.strip():
            found.append(f"Validation without validator id is defined for attribute '{name}'")
        elif validator not in validators.KNOWN:
            found.append(f"Validator '{validator}' defined for attribute '{name}' doesn't exist")
        elif problems := validators.config_errors(validator, config):
            shown = "".join(p + ", " for p in problems)
            found.append(f"Validator '{validator}' defined for attribute '{name}' has incorrect configuration: {shown}")
    return found


def _attribute(attribute: dict[str, Any], groups: set[str | None], seen: set[str], scopes: set[str]) -> list[str]:
    name = attribute.get("name")
    found: list[str] = []
    if name is None or not name.strip():
        found.append("Attribute configuration without 'name' is not allowed")
    elif name in seen:
        found.append(f"Attribute configuration already exists with 'name':'{name}'")
    else:
        seen.add(name)
        if _NAME.fullmatch(name) is None:
            found.append(
                f"Invalid attribute name (only letters, numbers and '.' '_' '-' special characters allowed): {name}'"
            )
    found.extend(_validations(attribute, name))
    permissions = attribute.get("permissions")
    if permissions is not None:
        found.extend(_roles(permissions.get("view"), "permissions.view", name))
        found.extend(_roles(permissions.get("edit"), "permissions.edit", name))
    required = attribute.get("required")
    if required is not None:
        found.extend(_roles(required.get("roles"), "required.roles", name))
        found.extend(_scopes(required.get("scopes"), "required.scopes", name, scopes))
    selector = attribute.get("selector")
    if selector is not None:
        found.extend(_scopes(selector.get("scopes"), "selector.scopes", name, scopes))
    group = attribute.get("group")
    if group is not None and group not in groups:
        found.append(f"Attribute '{name}' references unknown group '{group}'")
    annotations = attribute.get("annotations") or {}
    if "inputOptions" in annotations and not isinstance(annotations["inputOptions"], list):
        found.append(f"Annotation 'inputOptions' configured for attribute '{name}' must be an array of values!'")
    if "inputOptionLabels" in annotations and not isinstance(annotations["inputOptionLabels"], dict):
        found.append(f"Annotation 'inputOptionLabels' configured for attribute '{name}' must be an object!'")
    return found


def errors(config: dict[str, Any], client_scopes: set[str]) -> list[str]:
    """Every reason to refuse ``config`` (a ``user_profile.normalized`` UPConfig), given the realm's client
    scope names; empty when it is valid."""
    groups = {g.get("name") for g in config.get("groups", [])}
    found: list[str] = []
    attributes = config.get("attributes")
    if attributes is not None:
        seen: set[str] = set()
        for attribute in attributes:
            found.extend(_attribute(attribute, groups, seen, client_scopes))
        names = [a.get("name") for a in attributes]
        found.extend(f"The attribute '{n}' can not be removed" for n in ("username", "email") if n not in names)
    nameless = sum(1 for g in config.get("groups", []) if g.get("name") is None)
    if nameless:
        found.append(f"Name is mandatory for groups, found {nameless} group(s) without name.")
    return found


def message(found: list[str]) -> str:
    """Java's ``List.toString`` of the errors, ComponentValidationException's message."""
    return "[" + ", ".join(found) + "]"

"""The Username Template Importer (Keycloak's UsernameTemplateMapper, ``oidc-username-idp-mapper``): its
``template`` formats a username from ``${ALIAS}``, ``${UUID}`` and ``${CLAIM.name}`` (a nested claim by ``.``),
each optionally transformed by ``| uppercase``, ``| lowercase`` or ``| localpart`` (an unknown transformer is
ignored), and ``target`` says where it goes: the new user's username (LOCAL, the default), or the identity's id or
username at the provider, which the link is looked up by (BROKER_ID, BROKER_USERNAME). A claim the provider did not
send leaves the whole result empty, as Keycloak 26 does.

Substituted values are inserted as they are: never read as a pattern nor as a template again.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable
from typing import Any

from doorkeep.broker.oidc import Identity

TEMPLATE, TARGET = "template", "target"
DEFAULT_TEMPLATE = "${ALIAS}.${CLAIM.preferred_username}"
_SUBSTITUTION = re.compile(r"\$\{([^}]+?)(?:\s*\|\s*(\S+)\s*)?\}")  # UsernameTemplateMapper.SUBSTITUTION


def _localpart(value: str) -> str:
    """getEmailLocalPart: what comes before the last ``@``."""
    index = value.rfind("@")
    return value[:index] if index >= 0 else value


def _same(value: str) -> str:
    return value


TRANSFORMERS: dict[str, Callable[[str], str]] = {
    "uppercase": str.upper,
    "lowercase": str.lower,
    "localpart": _localpart,
}


def render(template: str, alias: str, claim: Callable[[str], Any]) -> str:
    """setUserNameFromTemplate: the template with its substitutions; empty when a claim is missing."""
    unresolved = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal unresolved
        variable, name = match.group(1), match.group(2)
        transform = TRANSFORMERS.get(name, _same) if name else _same
        if variable == "ALIAS":
            return transform(alias)
        if variable == "UUID":
            return transform(str(uuid.uuid4()))
        if variable.startswith("CLAIM."):
            value = claim(variable[len("CLAIM.") :])
            if value is None:
                unresolved = True
                return ""
            if isinstance(value, list) and len(value) == 1:  # a one-item list is its item, not "[x]"
                value = value[0]
            return transform(_text(value))
        return variable

    rendered = _SUBSTITUTION.sub(substitute, template)
    return "" if unresolved else rendered


def _text(value: Any) -> str:
    """The value as Java's toString writes it (a list as ``[a, b]``)."""
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else str(value)


def target(config: dict[str, Any]) -> str:
    """UsernameTemplateMapper.getTarget: LOCAL unless a known target is named."""
    named = config.get(TARGET)
    return named if named in ("LOCAL", "BROKER_ID", "BROKER_USERNAME") else "LOCAL"


def apply(identity: Identity, alias: str, config: dict[str, Any], claim: Callable[[str], Any]) -> Identity:
    """preprocessFederatedIdentity: the rendered username set where ``target`` says."""
    username = render(str(config.get(TEMPLATE) or ""), alias, claim)
    where = target(config)
    if where == "BROKER_ID":
        return dataclasses.replace(identity, id=username)
    if where == "BROKER_USERNAME":
        return dataclasses.replace(identity, username=username)
    return dataclasses.replace(identity, model_username=username)

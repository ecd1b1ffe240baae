"""Keycloak's OIDCAttributeMapperHelper: where a mapped value goes and what JSON type it takes, and
``MapperInput``, everything a mapper reads."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from doorkeep.model import Client, Group, Role, User, UserSession

ACCESS, ID, USERINFO, INTROSPECTION = "access", "id", "userinfo", "introspection"
FLAGS = {
    ACCESS: "access.token.claim",
    ID: "id.token.claim",
    USERINFO: "userinfo.token.claim",
    INTROSPECTION: "introspection.token.claim",
}
AUDIENCE = "aud"  # the mapped audiences, a list the caller merges into the token's ``aud``


@dataclass(frozen=True)
class MapperInput:
    """What the mappers of one token read."""

    client: Client
    user: User
    session: UserSession | None
    roles: list[Role]  # the effective roles in the client's scope
    role_clients: dict[str, str]  # client UUID -> clientId, for client roles
    groups: tuple[Group, ...] = ()  # the user's direct groups
    ancestors: dict[str, Group] = field(default_factory=dict)  # every group above them, by id
    acr: str = "1"
    origins: list[str] = field(default_factory=list)


# Mapper types that do not implement every token interface (Keycloak's OIDCIDTokenMapper,
def split_claim_path(name: str) -> list[str]:
    """``a.b`` -> ["a", "b"]; ``a\\.b`` -> ["a.b"] (splitClaimPath)."""
    return list(_split_claim_path(name))


@functools.lru_cache(maxsize=1024)  # a pure function of the name, asked by every mapper of every token
def _split_claim_path(name: str) -> tuple[str, ...]:
    return tuple(part.replace("\\.", ".") for part in re.split(r"(?<!\\)\.", name))


def _convert(json_type: str | None, value: Any) -> Any:
    """convertToType; a value that does not convert is kept as it is."""
    try:
        if json_type == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).lower()
            return text == "true" if text in ("true", "false") else value
        if json_type in ("long", "int"):
            return value if isinstance(value, int) and not isinstance(value, bool) else int(str(value))
        if json_type == "String":
            return str(value).lower() if isinstance(value, bool) else str(value)
        if json_type == "JSON":
            return json.loads(value) if isinstance(value, str) else value
    except (ValueError, TypeError):
        return value
    return value


def map_value(config: dict[str, str], value: Any) -> Any:
    """mapAttributeValue: None or an empty list gives no claim; lists keep all (multivalued) or the first."""
    if value is None:
        return None
    json_type = config.get("jsonType.label")
    if isinstance(value, (list, tuple, set)):
        values = list(value)
        if not values:
            return None
        if config.get("multivalued") == "true":
            return [_convert(json_type, v) for v in values]
        value = values[0]
    return _convert(json_type, value)


def map_claim(claims: dict[str, Any], config: dict[str, str], value: Any, name: str | None = None) -> None:
    """Put ``value`` at the (possibly nested) claim name; multivalued values merge into an existing list."""
    value = map_value(config, value)
    claim = name if name is not None else config.get("claim.name")
    if value is None or not claim:
        return
    *parents, last = split_claim_path(claim)
    target = claims
    for part in parents:
        nested = target.get(part)
        if not isinstance(nested, dict):
            nested = {}
            target[part] = nested
        target = nested
    existing = target.get(last)
    if isinstance(existing, list) and isinstance(value, list):
        target[last] = existing + [v for v in value if v not in existing]
    else:
        target[last] = value

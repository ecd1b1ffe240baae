"""Keycloak's OIDCAttributeMapperHelper: where a mapped value goes and what JSON type it takes, and
``MapperInput``, everything a mapper reads."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from doorkeep.model import Client, Group, Role, User, UserSession
from doorkeep.numbers import loads
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_claims import RoleClaims

ACCESS, ID, USERINFO, INTROSPECTION = "access", "id", "userinfo", "introspection"
RESPONSE = "response"  # the token endpoint's JSON answer (OIDCAccessTokenResponseMapper)
FLAGS = {
    ACCESS: "access.token.claim",
    ID: "id.token.claim",
    USERINFO: "userinfo.token.claim",
    INTROSPECTION: "introspection.token.claim",
    RESPONSE: "access.tokenResponse.claim",  # INCLUDE_IN_ACCESS_TOKEN_RESPONSE
}
AUDIENCE = "aud"  # the mapped audiences, a list the caller merges into the token's ``aud``


@dataclass(frozen=True)
class RoleNames:
    """The role names a token's role mappers see (Keycloak's RoleResolveUtil): realm roles, and client roles
    by clientId. The role-name and hardcoded-role mappers change these names, not the user's roles."""

    realm: frozenset[str] = frozenset()
    clients: Mapping[str, frozenset[str]] = field(default_factory=dict)  # by clientId; a set may be empty

    @classmethod
    def of(cls, roles: list[Role], role_clients: dict[str, str]) -> RoleNames:
        """A role whose client is gone is left out (RoleResolveUtil.addToToken)."""
        clients: dict[str, set[str]] = {}
        for role in roles:
            client_id = role_clients.get(role.client_id) if role.client_id else None
            if client_id is not None:
                clients.setdefault(client_id, set()).add(role.name)
        realm = frozenset(r.name for r in roles if r.client_id is None)
        return cls(realm, {c: frozenset(names) for c, names in clients.items()})

    def holds(self, client_id: str | None, name: str) -> bool:
        return name in (self.realm if client_id is None else self.clients.get(client_id, frozenset()))

    def without(self, client_ids: frozenset[str]) -> RoleNames:
        """These names less those of the given clients."""
        if not client_ids & self.clients.keys():
            return self
        return RoleNames(self.realm, {c: names for c, names in self.clients.items() if c not in client_ids})

    def changed(self, client_id: str | None, name: str, *, add: bool) -> RoleNames:
        """These names with ``name`` added to (or removed from) the realm's or ``client_id``'s set."""
        if client_id is None:
            return RoleNames(self.realm | {name} if add else self.realm - {name}, self.clients)
        names = self.clients.get(client_id, frozenset())
        return RoleNames(self.realm, {**self.clients, client_id: names | {name} if add else names - {name}})


def parse_role(role: str) -> tuple[str | None, str]:
    """KeycloakModelUtils.parseRole: ``client.role`` split at the last dot; no dot is a realm role."""
    client_id, dot, name = role.rpartition(".")
    return (client_id, name) if dot else (None, role)


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
    renamed: RoleNames | None = None  # the role names once this token's role-name/hardcoded-role mappers ran
    notes: Mapping[str, str] = field(default_factory=dict)  # a transient session's notes (no ``session``)
    organizations: tuple[Organization, ...] = ()  # those the granted organization scope maps (organizations.scope)
    # the paths of the user's groups in each of those organizations, by organization id (with the group mapper)
    organization_groups: Mapping[str, list[str]] = field(default_factory=dict)
    # each mapped organization's role claims, by organization id, and the membership mapper's claim name (with the
    # organization role membership mapper: organizations.role_claims)
    organization_roles: Mapping[str, RoleClaims] = field(default_factory=dict)
    organization_claim: str | None = None
    # the clients an audience or hardcoded-role mapper names, by clientId: True enabled, False disabled, absent when
    # no such client (mappers/context.py named_clients)
    named_clients: Mapping[str, bool] = field(default_factory=dict)
    # the client session's notes, read only under a client-session-note mapper (context.client_notes)
    client_notes: Mapping[str, str] = field(default_factory=dict)

    @functools.cached_property
    def role_names(self) -> RoleNames:
        """The names the role mappers read, worked out once for all the tokens of a grant."""
        return self.renamed if self.renamed is not None else RoleNames.of(self.roles, self.role_clients)


def split_claim_path(name: str) -> list[str]:
    """``a.b`` -> ["a", "b"]; ``a\\.b`` -> ["a.b"]; ``a\\\\b`` -> ["a\\b"] (splitClaimPath)."""
    return list(_split_claim_path(name))


# OIDCAttributeMapperHelper: a component is characters other than backslash and dot, or any character
# escaped by a backslash, up to an unescaped dot; the escapes are then undone.
_CLAIM_COMPONENT = re.compile(r"((?:\\.|[^\\.])+?)\.")
_BACKSLASHED = re.compile(r"\\(.)")


@functools.lru_cache(maxsize=1024)  # a pure function of the name, asked by every mapper of every token
def _split_claim_path(name: str) -> tuple[str, ...]:
    parts: list[str] = []
    start = 0
    while (m := _CLAIM_COMPONENT.match(name, start)) is not None:
        parts.append(_BACKSLASHED.sub(r"\1", m.group(1)))
        start = m.end()
    if len(name) > start:
        parts.append(_BACKSLASHED.sub(r"\1", name[start:]))
    return tuple(parts)


def escape_claim_component(text: str) -> str:
    """A value put into a claim path as one component: its backslashes and dots escaped, as
    AbstractUserRoleMappingMapper escapes a client id for ``${client_id}``."""
    return text.replace("\\", "\\\\").replace(".", "\\.")


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
            return loads(value) if isinstance(value, str) else value  # bounded nesting
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


def subject(value: Any) -> str:
    """A mapped ``sub`` as the token's subject: OIDCAttributeMapperHelper's setter takes ``value.toString()``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(subject(v) for v in value) + "]"
    return str(value)


def access_subject(mapped: dict[str, Any], user_id: str, transient: bool) -> str | None:
    """An access token's ``sub``, taken out of ``mapped``: what a mapper wrote (the ``basic`` scope's Subject
    mapper since Keycloak 25), else the user's id for a transient session only (TokenManager.initToken), so an
    access token of a client without the ``basic`` scope has no subject."""
    value = mapped.pop("sub", user_id if transient else None)
    return None if value is None else subject(value)


def _java_string(value: Any) -> str:
    """Object.toString of a mapped value, as the ``aud`` setter writes each one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def map_claim(
    claims: dict[str, Any], config: dict[str, str], value: Any, name: str | None = None, *, roles: bool = False
) -> None:
    """Put ``value`` at the (possibly nested) claim name. A multivalued mapper adds its values to a claim another
    mapper wrote (OIDCAttributeMapperHelper.mapClaim), a single-valued one replaces it; ``roles`` is
    AbstractUserRoleMappingMapper.mapClaim, which adds a list of names to an existing list and replaces anything
    else."""
    value = map_value(config, value)
    claim = name if name is not None else config.get("claim.name")
    if value is None or not claim:
        return
    *parents, last = split_claim_path(claim)
    if (parents[0] if parents else last) == AUDIENCE:  # OIDCAttributeMapperHelper's property setter for ``aud``
        if not parents:  # token.audience(...): the mapped values replace the audience so far
            claims[AUDIENCE] = [_java_string(v) for v in (value if isinstance(value, list) else [value])]
        return  # "aud.x": more than one level in a setter, ignored
    target = claims
    for part in parents:
        nested = target.get(part)
        if not isinstance(nested, dict):
            nested = {}
            target[part] = nested
        target = nested
    existing = target.get(last)
    if roles:
        merge = isinstance(existing, list) and isinstance(value, list)
    else:
        merge = existing is not None and config.get("multivalued") == "true"
    target[last] = _merged(existing, value) if merge else value


def _merged(existing: Any, value: Any) -> list[Any]:
    """The existing claim as a collection (a lone value becomes one) with each new value it lacks added."""
    merged = list(existing) if isinstance(existing, list) else [existing]
    for v in value if isinstance(value, list) else [value]:
        if v not in merged:
            merged.append(v)
    return merged

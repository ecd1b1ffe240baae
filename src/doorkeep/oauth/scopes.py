"""Requested scopes → granted client scopes (KEYCLOAK.md §2.1 #7, §3.3, §6.1 #9).

A client always gets its default client scopes; an optional one only when requested. ``openid``
is not a client scope but is echoed. Anything else unknown makes the request invalid. Of those, a user is
granted a client scope with role scope mappings only if they hold one of its roles (``permitted``).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.errors import INVALID_SCOPES, InvalidScope, WebApplicationError
from doorkeep.model import Client, ClientScope, User
from doorkeep.oauth.roles import user_roles
from doorkeep.organizations import scope as organization_scope

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

OPENID = "openid"
OFFLINE_ACCESS = "offline_access"
ANY_ON_REFRESH = "ANY organization scope is not allowed in this context"  # OrganizationScope.ALL's name resolver


def split(scope_param: str | None) -> list[str]:
    return [s for s in (scope_param or "").split(" ") if s]


def names_as_sent(scope_param: str) -> list[str]:
    """The names as TokenManager.parseScopeParameter reads them (Java's ``String.split(" ")``): a parameter without
    a space is one name, even the empty one; trailing empty names are dropped, inner and leading ones kept."""
    if " " not in scope_param:
        return [scope_param]
    names = scope_param.split(" ")
    while names and not names[-1]:
        names.pop()
    return names


def check_names(scope_param: str | None) -> None:
    """TokenManager.isValidScope refuses an empty name as no client scope of the client: an empty ``scope``, a
    leading space or two spaces in a row are invalid_scope, while a missing parameter, trailing spaces or spaces
    alone are not."""
    if scope_param is not None and "" in names_as_sent(scope_param):
        raise InvalidScope(INVALID_SCOPES.format(scope_param))


@dataclass(frozen=True)
class GrantedScopes:
    """The client scopes granted to one client session, plus whether ``openid`` was asked for."""

    scopes: tuple[ClientScope, ...]
    openid: bool

    @property
    def names(self) -> set[str]:
        return {s.name for s in self.scopes}

    @property
    def offline(self) -> bool:
        return OFFLINE_ACCESS in self.names

    def token_scope(self) -> str:
        """The ``scope`` claim of access tokens and responses: only include-in-token-scope scopes."""
        return self._token_scope

    def full_scope(self) -> str:
        """The ``scope`` claim of refresh tokens: every granted scope (S1 getScopeString(true))."""
        return self._full_scope

    # Worked out once per object: a grant asks two or three times, and client_credentials keeps the object.
    @functools.cached_property
    def _token_scope(self) -> str:
        names = sorted(s.name for s in self.scopes if s.include_in_token_scope)
        return " ".join(([OPENID] if self.openid else []) + names)

    @functools.cached_property
    def _full_scope(self) -> str:
        names = sorted(s.name for s in self.scopes)
        return " ".join(([OPENID] if self.openid else []) + names)


async def client_scopes(tx: Tx, client: Client) -> list[tuple[ClientScope, bool]]:
    return await tx.config.client_scopes(client)


async def resolve(tx: Tx, client: Client, scope_param: str | None) -> GrantedScopes:
    """Grant the client's default scopes plus the requested optional ones, or raise invalid_scope."""
    requested = split(scope_param)
    linked = await client_scopes(tx, client)
    by_name = {scope.name: (scope, default) for scope, default in linked}
    dynamic = _dynamic(requested, linked)
    spelled = {d.name for found in dynamic.values() for d in found}
    unknown = [n for n in requested if n != OPENID and n not in by_name and n not in spelled]
    if (
        unknown
        or (dynamic and _mixed(requested, by_name, dynamic))
        or await _names_no_organization(tx, client, spelled)
    ):
        raise InvalidScope(INVALID_SCOPES.format(scope_param or ""))
    return GrantedScopes(_granted(linked, set(requested), dynamic), OPENID in requested)


async def _names_no_organization(tx: Tx, client: Client, spelled: set[str]) -> bool:
    """Whether an ``organization:<alias>`` asked for names no enabled organization of the realm: Keycloak's
    OrganizationScope.toClientScope gives SINGLE no client scope when it resolves no organization (its value
    validator), so TokenManager.isValidScope, which asks it with no user yet, refuses the request
    (OrganizationOIDCProtocolMapperTest#testMultipleOrganizationScopes). ANY and ALL are always valid."""
    specific = (name for name in spelled if organization_scope.kind(name) == "SPECIFIC")
    aliases = {name.partition(organization_scope.SEPARATOR)[2] for name in specific}
    if not aliases:
        return False
    realm = await tx.realms.get(client.realm_id)
    if realm is None or not realm.organizations_enabled:
        return True
    enabled = {org.alias for org in await tx.organizations.realm_organizations(realm.id) if org.enabled}
    return not aliases <= enabled


def _mixed(
    requested: list[str], by_name: dict[str, tuple[ClientScope, bool]], dynamic: dict[str, tuple[ClientScope, ...]]
) -> bool:
    """An organization scope asked for in two kinds at once (``organization`` with ``organization:<alias>`` or
    ``organization:*``, or an alias with ``*``), which Keycloak's OrganizationScope refuses."""
    for base, found in dynamic.items():
        names = [d.name for d in found] + ([base] if base in requested and base in by_name else [])
        if organization_scope.mixed(names):
            return True
    return False


def _dynamic(names: list[str], linked: list[tuple[ClientScope, bool]]) -> dict[str, tuple[ClientScope, ...]]:
    """The ``organization:<value>`` requests among ``names``, by the name of the client scope they decorate (several
    aliases of one scope each decorate it)."""
    scopes = {scope.name: scope for scope, _ in linked}
    out: dict[str, tuple[ClientScope, ...]] = {}
    for name in names:
        if name not in scopes and (found := organization_scope.dynamic(name, scopes)) is not None:
            base = name.partition(organization_scope.SEPARATOR)[0]
            if name not in {d.name for d in out.get(base, ())}:
                out[base] = (*out.get(base, ()), found)
    return out


def _granted(
    linked: list[tuple[ClientScope, bool]], requested: set[str], dynamic: dict[str, tuple[ClientScope, ...]]
) -> tuple[ClientScope, ...]:
    """The defaults and the requested optional scopes; an organization scope asked for with a value in its
    requested spelling (each of them) instead of its own."""
    out: list[ClientScope] = []
    for scope, default in linked:
        if scope.name in dynamic:
            out.extend(dynamic[scope.name])
        elif default or scope.name in requested:
            out.append(scope)
    return tuple(out)


async def permitted(
    tx: Tx,
    user: User,
    granted: GrantedScopes,
    audience: frozenset[str] | None = None,
    *,
    offline_by_role: bool = False,
) -> GrantedScopes:
    """The granted scopes ``user`` may have (DefaultClientSessionContext.isClientScopePermittedForUser): a client
    scope with role scope mappings only if its roles and the user's, composites and groups expanded, meet; one
    that is not is left out of the token scope, its mappers and its role scope. ``offline_access`` is left to
    the offline check, which answers Keycloak's own error for a user without that role, unless
    ``offline_by_role``: a grant with no such check (token exchange) judges it by its role mappings too.

    ``audience``: the client UUIDs a token exchange asked for (REQUESTED_AUDIENCE_CLIENTS); a scope's
    client roles of any other client then do not count."""
    mine: set[str] | None = None
    kept: list[ClientScope] = []
    for scope in granted.scopes:
        judged = offline_by_role or scope.name != OFFLINE_ACCESS
        mapped = await tx.config.scope_role_ids(user.realm_id, [scope.id]) if judged else None
        if mapped:
            mine = await user_roles(tx, user) if mine is None else mine
            roles = await tx.config.expand(user.realm_id, mapped)
            if audience is not None:
                outside = await tx.config.roles(user.realm_id, roles)
                roles = roles - {r.id for r in outside if r.client_id is not None and r.client_id not in audience}
            if not roles & mine:
                continue
        kept.append(scope)
    return granted if len(kept) == len(granted.scopes) else GrantedScopes(tuple(kept), granted.openid)


async def check_requested(tx: Tx, client: Client, scope_param: str) -> None:
    """OAuth2GrantTypeBase.getRequestedScopes for a refresh: every requested scope must be one of the client's
    (TokenManager.isValidScope), whether or not the refresh token holds it; else invalid_scope."""
    check_names(scope_param)
    linked = await client_scopes(tx, client)
    names = {scope.name for scope, _ in linked}
    dynamic = {d.name for found in _dynamic(split(scope_param), linked).values() for d in found}
    if any(name != OPENID and name not in names and name not in dynamic for name in split(scope_param)):
        raise InvalidScope(INVALID_SCOPES.format(scope_param))
    if await _names_no_organization(tx, client, dynamic):
        raise InvalidScope(INVALID_SCOPES.format(scope_param))


async def narrow(tx: Tx, client: Client, original: GrantedScopes, scope_param: str) -> GrantedScopes:
    """Scope narrowing on refresh (Keycloak's transformScopes): keep the original grant's scopes that were
    requested, plus the defaults. A requested scope the grant lacks is ignored, never added. An organization scope
    takes the spelling OrganizationScope.resolveName gives it (``organization:*`` narrowed to an alias; an alias or
    ANY kept when ``*`` is asked; ANY after ``*`` refused with Keycloak's BadRequestException)."""
    asked = split(scope_param)
    requested = set(asked)
    defaults = {scope.name for scope, default in await client_scopes(tx, client) if default}
    kept: list[ClientScope] = []
    for scope in original.scopes:
        if scope.name in defaults or not organization_scope.maps_organizations(scope):
            if scope.name in requested or scope.name in defaults:
                kept.append(scope)
            continue
        try:
            name = organization_scope.refreshed(scope.name, asked)
        except organization_scope.AnyOnRefresh:
            raise WebApplicationError(ANY_ON_REFRESH) from None
        if name is not None and name not in {s.name for s in kept}:
            kept.append(dataclasses.replace(scope, name=name))
    return GrantedScopes(tuple(kept), original.openid and OPENID in requested)


async def from_names(tx: Tx, client: Client, full_scope: str) -> GrantedScopes:
    """Rebuild granted scopes from a token's ``scope`` claim against the client's current scopes, as
    TokenManager.getRequestedClientScopes does for a refresh (DefaultClientSessionContext
    .fromClientSessionAndScopeParameter): every default scope the client has now, even one linked after the
    token was issued, plus the optional ones the claim names. Unknown names are ignored, never an error."""
    names = split(full_scope)
    linked = await client_scopes(tx, client)
    return GrantedScopes(_granted(linked, set(names), _dynamic(names, linked)), OPENID in names)

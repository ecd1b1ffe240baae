"""Gathering what a token's protocol mappers read: the client's and the granted scopes' mappers,
the roles' clients, and the user's groups when a mapper looks at them (one query, none when the
realm has no groups). Mappers themselves come from the cached client and client scopes.

Userinfo and introspection rebuild this from a token's ``scope`` (``session_input``), so they see the
configuration and the user as they are now, not as they were when the token was minted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from doorkeep.model import Client, ClientScope, ClientSession, Group, ProtocolMapper, Role, User, UserSession
from doorkeep.oauth import scopes as scopeset
from doorkeep.oauth.claims import allowed_origins
from doorkeep.oauth.mappers.claims import MapperInput
from doorkeep.oauth.mappers.helper import parse_role
from doorkeep.oauth.roles import effective_roles
from doorkeep.organizations import role_claims
from doorkeep.organizations import scope as organization_scope
from doorkeep.organizations.model import Organization

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

READS_GROUPS = frozenset({"oidc-group-membership-mapper", "oidc-usermodel-attribute-mapper"})
CLIENT_SESSION_NOTE_MAPPER = "oidc-clientsessionmodel-note-mapper"
ORGANIZATION_MAPPERS = frozenset({organization_scope.MAPPER, organization_scope.GROUP_MAPPER, role_claims.MAPPER})


def token_mappers(client: Client, scopes: tuple[ClientScope, ...]) -> list[ProtocolMapper]:
    """The mappers of the granted client scopes, then the client's own (its dedicated scope); a client scope granted
    in several spellings (``organization:a organization:b``) runs its mappers once."""
    out: list[ProtocolMapper] = []
    seen: set[str] = set()
    for scope in scopes:
        if scope.id not in seen:
            seen.add(scope.id)
            out.extend(scope.protocol_mappers)
    out.extend(client.protocol_mappers)
    return out


async def role_clients(tx: Tx, realm_id: str, roles: list[Role]) -> dict[str, str]:
    """clientId of every enabled client owning one of the roles, by client UUID: a disabled client's roles are
    left out of the token, as a removed one's (its resource_access, and the audience they resolve to)."""
    out: dict[str, str] = {}
    for client_uuid in sorted({r.client_id for r in roles if r.client_id}):
        client = await tx.config.client_by_uuid(realm_id, client_uuid)
        if client and client.enabled:
            out[client_uuid] = client.client_id
    return out


async def named_clients(tx: Tx, realm_id: str, mappers: list[ProtocolMapper]) -> dict[str, bool]:
    """Whether each client an audience mapper (``included.client.audience``) or a hardcoded-role mapper names is
    enabled; a name without a client is left out. No lookup without such mappers."""
    names: set[str] = set()
    for m in mappers:
        if m.mapper == "oidc-audience-mapper" and m.config.get("included.client.audience"):
            names.add(m.config["included.client.audience"])
        elif m.mapper == "oidc-hardcoded-role-mapper" and m.config.get("role"):
            client_id = parse_role(m.config["role"])[0]
            if client_id is not None:
                names.add(client_id)
    out: dict[str, bool] = {}
    for name in sorted(names):
        client = await tx.config.client(realm_id, name)
        if client is not None:
            out[name] = client.enabled
    return out


async def mapper_input(
    tx: Tx,
    client: Client,
    user: User,
    session: UserSession | None,
    roles: list[Role],
    mappers: list[ProtocolMapper],
    acr: str = "1",
    *,
    base_url: str,
    notes: Mapping[str, str] | None = None,
    scopes: tuple[ClientScope, ...] = (),
    picked: str | None = None,
    client_session: ClientSession | None = None,
) -> MapperInput:
    """What the mappers read; ``client_session``: the grant's own, when it has it (else read when a mapper needs it)."""
    groups: tuple[Group, ...] = ()
    ancestors: dict[str, Group] = {}
    if any(m.mapper in READS_GROUPS for m in mappers) and await tx.config.has_groups(user.realm_id):
        found = await tx.groups.of_user(user.id)
        groups, ancestors = tuple(found), await tx.groups.ancestors(found)
    organizations = await _organizations(tx, user, mappers, scopes, picked)
    return MapperInput(
        client=client,
        user=user,
        session=session,
        roles=roles,
        role_clients=await role_clients(tx, user.realm_id, roles),
        groups=groups,
        ancestors=ancestors,
        acr=acr,
        origins=allowed_origins(client, base_url),
        notes=notes or {},
        organizations=organizations,
        organization_groups=await _organization_groups(tx, user, mappers, organizations),
        organization_roles=await _organization_roles(tx, client, user, mappers, organizations, scopes),
        organization_claim=_organization_claim(mappers),
        named_clients=await named_clients(tx, user.realm_id, mappers),
        client_notes=await client_notes(tx, client, session, mappers, client_session),
    )


async def _organizations(
    tx: Tx, user: User, mappers: list[ProtocolMapper], scopes: tuple[ClientScope, ...], picked: str | None
) -> tuple[Organization, ...]:
    """The organizations the granted organization scope maps for ``user`` (``picked``: the organization the login
    picked); none (and no query) without an organization mapper, or while the realm has organizations off."""
    if not any(m.mapper in ORGANIZATION_MAPPERS for m in mappers):
        return ()
    realm = await tx.realms.get(user.realm_id)
    if realm is None or not realm.organizations_enabled:
        return ()
    names = [s.name for s in scopes if organization_scope.maps_organizations(s)]
    return organization_scope.resolve(names, await tx.organizations.of_user(user.id), picked)


async def _organization_groups(
    tx: Tx, user: User, mappers: list[ProtocolMapper], organizations: tuple[Organization, ...]
) -> dict[str, list[str]]:
    """The paths of the user's groups in each mapped organization; none (and no query) without the Organization
    Group Membership mapper."""
    if not organizations or not any(m.mapper == organization_scope.GROUP_MAPPER for m in mappers):
        return {}
    return {org.id: await tx.organization_groups.paths_of_member(org.id, user.id) for org in organizations}


def _organization_claim(mappers: list[ProtocolMapper]) -> str | None:
    """The claim name of the granted Organization Membership mapper (its getEffectiveModel: ``organization`` when
    unset), where the organization role mapper writes; None without one."""
    for m in mappers:
        if m.mapper == organization_scope.MAPPER:
            return m.config.get("claim.name") or "organization"
    return None


async def _organization_roles(
    tx: Tx,
    client: Client,
    user: User,
    mappers: list[ProtocolMapper],
    organizations: tuple[Organization, ...],
    scopes: tuple[ClientScope, ...],
) -> dict[str, role_claims.RoleClaims]:
    """Each mapped organization's role claims; none (and no query) without the Organization Role Membership mapper
    and the membership mapper it writes beside."""
    if not organizations or not any(m.mapper == role_claims.MAPPER for m in mappers):
        return {}
    if _organization_claim(mappers) is None:
        return {}
    in_scope = await role_claims.scope_role_ids(tx, client, scopes)
    return {org.id: await role_claims.resolve(tx, org, user.id, in_scope) for org in organizations}


async def session_input(
    tx: Tx, client: Client, user: User, session: UserSession | None, scope: str, acr: str, *, base_url: str
) -> tuple[list[ProtocolMapper], MapperInput]:
    """DefaultClientSessionContext.fromClientSessionAndScopeParameter: the client's default scopes plus the
    optional ones ``scope`` names, those the user is permitted, their roles and mappers."""
    linked = (await scopeset.from_names(tx, client, scope)).scopes  # organization:<value> as requested
    granted = (await scopeset.permitted(tx, user, scopeset.GrantedScopes(linked, False))).scopes
    roles = await effective_roles(tx, user, client, granted)
    mappers = token_mappers(client, granted)
    picked = await _picked(tx, client, session, mappers)
    return mappers, await mapper_input(
        tx, client, user, session, roles, mappers, acr, base_url=base_url, scopes=granted, picked=picked
    )


async def client_notes(
    tx: Tx,
    client: Client,
    session: UserSession | None,
    mappers: list[ProtocolMapper],
    known: ClientSession | None = None,
) -> dict[str, str]:
    """The client session's string notes and ``startedAt`` (AuthenticatedClientSessionModel.STARTED_AT_NOTE, kept
    here as its ``started``), for ClientSessionNoteMapper; none (and no query) without one, or without a session.
    ``known``: the grant's client session (the model Keycloak's mapper reads), so it is not read again."""
    if session is None or not any(m.mapper == CLIENT_SESSION_NOTE_MAPPER for m in mappers):
        return {}
    found = known if known is not None else await tx.sessions.get_client_session(session.id, session.offline, client.id)
    if found is None:
        return {}
    notes = {k: v for k, v in found.notes.items() if isinstance(v, str)}
    return {**notes, "startedAt": str(found.started)}


async def _picked(tx: Tx, client: Client, session: UserSession | None, mappers: list[ProtocolMapper]) -> str | None:
    """The organization the login picked, from the client session's note (read only under an organization mapper)."""
    if session is None or not any(m.mapper in ORGANIZATION_MAPPERS for m in mappers):
        return None
    found = await tx.sessions.get_client_session(session.id, session.offline, client.id)
    return picked_of(found)


def picked_of(client_session: ClientSession | None) -> str | None:
    """The ``kc.org`` note of a client session: the organization its login picked on select-organization.ftl."""
    value = client_session.notes.get(organization_scope.NOTE) if client_session is not None else None
    return value if isinstance(value, str) else None

"""The protocol mapper types Doorkeep applies, each as Keycloak's mapper class of that id does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from doorkeep.model import AUTH_TIME_NOTE, Group, ProtocolMapper, User
from doorkeep.oauth.mappers.helper import (
    AUDIENCE,
    MapperInput,
    RoleNames,
    escape_claim_component,
    map_claim,
    parse_role,
    split_claim_path,
)
from doorkeep.oauth.mappers.pairwise import PAIRWISE_MAPPER, apply_sub
from doorkeep.organizations import role_claims

USER_PROPERTIES = {
    "username": "username",
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "emailVerified": "email_verified",
    "enabled": "enabled",
    "id": "id",
    "createdTimestamp": "created_timestamp",
}


# NonceBackwardsCompatibleMapper (Keycloak 25+): the client's ``nonce`` in the access token again, and so in the
# refresh token made from it and in the tokens of every refresh (TokenManager reads it back from the refresh
# token). It writes no claim of its own config, so issue.access_claims applies it, not HANDLERS.
NONCE_MAPPER = "oidc-nonce-backwards-compatible-mapper"

PROPERTY_ATTRIBUTES = ("username", "email", "firstName", "lastName")  # attributes read from the user's columns


def user_property(user: User, name: str) -> str | None:
    """ProtocolMapperUtils.getUserModelValue: the property as a string (booleans ``true``/``false``)."""
    attr = USER_PROPERTIES.get(name)
    value = getattr(user, attr) if attr else None
    if value is None:
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)


def _values(raw: Any) -> list[str]:
    if raw is None:
        return []
    return [str(v) for v in raw] if isinstance(raw, (list, tuple)) else [str(raw)]


def user_attribute(data: MapperInput, name: str, aggregate: bool = False) -> list[str]:
    """KeycloakModelUtils.resolveAttribute: the user's values, else (or also, aggregated) those of
    their groups, a group without the attribute inheriting its parent's."""
    user = data.user
    if name in PROPERTY_ATTRIBUTES:
        own = _values(user_property(user, name))
    else:
        own = _values(user.attributes.get(name))
    if own and not aggregate:
        return own
    found = list(own)
    for group in data.groups:
        values = _group_attribute(data, group, name, aggregate)
        if values and not aggregate:
            return values
        found.extend(v for v in values if v not in found)
    return found


def _group_attribute(data: MapperInput, group: Group | None, name: str, aggregate: bool) -> list[str]:
    """resolveAttribute(group): the group's values; without them, or aggregated, its parent's too."""
    found: list[str] = []
    seen: set[str] = set()
    while group is not None and group.id not in seen:
        seen.add(group.id)
        found.extend(v for v in _values(group.attributes.get(name)) if v not in found)
        if found and not aggregate:
            return found
        group = data.ancestors.get(group.parent_id) if group.parent_id else None
    return found


def _attribute(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    values = user_attribute(data, m.config.get("user.attribute", ""), m.config.get("aggregate.attrs") == "true")
    if values:  # no value gives no claim (map_value), and most attribute mappers find none
        map_claim(claims, m.config, values)


def _property(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    map_claim(claims, m.config, user_property(data.user, m.config.get("user.attribute", "")))


def _hardcoded(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    map_claim(claims, m.config, m.config.get("claim.value"))


def _full_name(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    parts = [p for p in (data.user.first_name, data.user.last_name) if p]
    if parts:
        claims["name"] = " ".join(parts)


def _realm_roles(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    prefix = m.config.get("usermodel.realmRoleMapping.rolePrefix") or ""
    names = sorted(prefix + name for name in data.role_names.realm)
    _role_claim(claims, m.config, names, m.config.get("claim.name"))


def _client_roles(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    only = m.config.get("usermodel.clientRoleMapping.clientId") or None
    prefix = m.config.get("usermodel.clientRoleMapping.rolePrefix") or ""
    name = m.config.get("claim.name")
    for client_id, names in sorted(data.role_names.clients.items()):
        if only is None or client_id == only:
            claim = name.replace("${client_id}", escape_claim_component(client_id)) if name else None
            # A ``${client_id}`` in the prefix names the role's client, as is (UserClientRoleMappingMapperTest's
            # ``${client_id}::`` gives ``test-app::customer-user``; KEYCLOAK-14954).
            own = prefix.replace("${client_id}", client_id)
            _role_claim(claims, m.config, sorted(own + n for n in names), claim)


def _role_claim(claims: dict[str, Any], config: dict[str, str], names: list[str], claim: str | None) -> None:
    """AbstractUserRoleMappingMapper.setClaim: through mapAttributeValue, so a list when multivalued, else one
    role name (Keycloak 23+, #20218; before, the list's Java toString). Keycloak's names are a set, so which
    one is not fixed; here the first by name."""
    if names and claim:
        map_claim(claims, config, names, claim, roles=True)


def _groups(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """GroupMembershipMapper: full paths only where ``full.path`` is "true" (useFullPath), else the names; the
    config property's default of "true" is the admin console's to fill in, not the mapper's."""
    full = m.config.get("full.path") == "true"
    membership = [g.path if full else g.name for g in data.groups]
    map_claim(claims, {**m.config, "multivalued": "true"}, membership)


def _audience(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """AudienceProtocolMapper: the included client, only while it exists and is enabled (AudienceDisabledClientTest),
    else the custom audience as it is."""
    client = m.config.get("included.client.audience")
    if client:
        if data.named_clients.get(client, False):
            _add_audience(claims, client)
        return
    custom = m.config.get("included.custom.audience")
    if custom:
        _add_audience(claims, custom)


def _audience_resolve(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    for client_id, names in sorted(data.role_names.clients.items()):
        if names and client_id != data.client.client_id:
            _add_audience(claims, client_id)


def _add_audience(claims: dict[str, Any], value: str) -> None:
    audience = claims.setdefault(AUDIENCE, [])
    if value not in audience:
        audience.append(value)


def _session_note(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    note = m.config.get("user.session.note", "")
    if data.session is None:  # a transient session: only the notes its grant wrote (no AUTH_TIME)
        map_claim(claims, m.config, data.notes.get(note))
        return
    value = str(data.session.auth_time) if note == AUTH_TIME_NOTE else data.session.notes.get(note)
    map_claim(claims, m.config, value)


def _client_session_note(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """ClientSessionNoteMapper: the client session's note ``client.session.note``; nothing when it has none."""
    value = data.client_notes.get(m.config.get("client.session.note", ""))
    if value is not None:
        map_claim(claims, m.config, value)


def _sub(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    claims["sub"] = data.user.id


def _acr(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    claims["acr"] = data.acr


def _amr(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """AmrProtocolMapper: the ``default.reference.value`` of each execution the login completed (within its
    ``default.reference.maxAge``), always a list. Doorkeep runs Keycloak's built-in flows, whose executions carry
    no such config (a bound flow given one is refused, realms/flow_support.py), so the list is empty, as
    Keycloak's is for such a flow."""
    claims["amr"] = []


def _origins(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    if data.origins:
        claims["allowed-origins"] = list(data.origins)


def _address(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """AddressMapper: each part from the user's first value of its attribute (``user.attribute.<part>``, the
    part's own name by default), never a group's; the claim is there even empty (an AddressClaimSet)."""
    address: dict[str, str] = {}
    for part in ("formatted", "street", "locality", "region", "postal_code", "country"):
        name = m.config.get(f"user.attribute.{part}")
        name = part if name is None else name
        values = _values(
            user_property(data.user, name) if name in PROPERTY_ATTRIBUTES else data.user.attributes.get(name)
        )
        if values:
            address["street_address" if part == "street" else part] = values[0]
    claims["address"] = address


def _hardcoded_role(roles: RoleNames, m: ProtocolMapper) -> RoleNames:
    """HardcodedRole: the role's name is added, whether or not such a role (or client) exists."""
    role = m.config.get("role")
    if role is None:
        return roles
    return roles.changed(*parse_role(role), add=True)


def _rename_role(roles: RoleNames, m: ProtocolMapper) -> RoleNames:
    """RoleNameMapper: a role the token holds moves to its new name, which may be another client's or the realm's."""
    role, new_name = m.config.get("role"), m.config.get("new.role.name")
    if role is None or new_name is None:
        return roles
    client_id, name = parse_role(role)
    if not roles.holds(client_id, name):
        return roles
    return roles.changed(client_id, name, add=False).changed(*parse_role(new_name), add=True)


def _organization(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """OrganizationMembershipMapper with its getEffectiveModel: ``organization`` (claim name), String and
    multivalued by default; single-valued gives the first alias; ``addOrganizationId`` / ``addOrganizationAttributes``
    make a JSON map of alias to ``id`` and attributes; otherwise the aliases."""
    orgs = data.organizations
    if not orgs:
        return
    config = {**m.config}
    config.setdefault("jsonType.label", "String")
    config.setdefault("claim.name", "organization")
    config.setdefault("multivalued", "true")
    multivalued = config["multivalued"] == "true"
    with_id = multivalued and config.get("addOrganizationId") == "true"
    with_attributes = multivalued and config.get("addOrganizationAttributes") == "true"
    if not multivalued:
        map_claim(claims, config, orgs[0].alias)
        return
    value: dict[str, dict[str, Any]] = {}
    for org in orgs:
        entry: dict[str, Any] = {k: list(v) for k, v in org.attributes.items()} if with_attributes else {}
        if with_id:
            entry["id"] = org.id  # the organization's id wins over an attribute named ``id``
        value[org.alias] = entry
    if with_id or with_attributes or config["jsonType.label"] == "JSON":
        map_claim(claims, {**config, "jsonType.label": "JSON", "multivalued": "false"}, value)
    else:
        map_claim(claims, config, list(value))


def _organization_groups(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """OrganizationGroupMembershipMapper (Keycloak 26.6): the ``organization`` claim becomes a map of alias to
    entry (a list or a single alias the membership mapper wrote is turned into one), each mapped enabled
    organization's entry getting ``groups``, the paths of the user's groups in it. It runs after the membership
    mapper (priority 10)."""
    if not data.organizations:
        return
    current = claims.get("organization")
    if isinstance(current, dict):
        value: dict[str, Any] = current
    else:
        aliases = current if isinstance(current, list) else [current] if isinstance(current, str) else []
        value = {str(alias): {} for alias in aliases}
    for org in data.organizations:
        if org.enabled:
            entry = value.get(org.alias)
            entry = entry if isinstance(entry, dict) else {}
            entry["groups"] = list(data.organization_groups.get(org.id, []))
            value[org.alias] = entry
    claims["organization"] = value


def _organization_roles(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """OrganizationRoleMembershipMapper (Keycloak main after 26.8.0): in the membership mapper's claim, turned into a
    map of alias to entry, each mapped organization where the user holds roles gets ``roles``, ``realm_access`` and
    ``resource_access`` (organizations.role_claims). It runs after the membership and group mappers (priority 20)."""
    if data.organization_claim is None or not data.organization_roles:
        return
    value: dict[str, Any] | None = None
    for org in data.organizations:
        found = data.organization_roles.get(org.id)
        if found is None or found.empty():
            continue
        if value is None:
            value = role_claims.organization_map(claims, split_claim_path(data.organization_claim))
        entry = value.get(org.alias)
        if not isinstance(entry, dict):
            entry = {}
            value[org.alias] = entry
        role_claims.add_to_entry(entry, found)


Handler = Callable[[dict[str, Any], ProtocolMapper, MapperInput], None]
# Mappers that change the role names the role mappers then read (Keycloak runs them first, by priority).
RoleTransform = Callable[[RoleNames, ProtocolMapper], RoleNames]
TRANSFORMS: dict[str, RoleTransform] = {
    "oidc-role-name-mapper": _rename_role,
    "oidc-hardcoded-role-mapper": _hardcoded_role,
}
# ProtocolMapperUtils' priorities (getPriority); every other type is 0. Mappers run sorted by them, stably.
PRIORITIES = {
    "oidc-sub-mapper": -10,
    "oidc-role-name-mapper": 10,
    "oidc-hardcoded-role-mapper": 20,
    "oidc-audience-resolve-mapper": 30,
    "oidc-usermodel-realm-role-mapper": 40,
    "oidc-usermodel-client-role-mapper": 40,
    "oidc-organization-group-membership-mapper": 10,  # after the membership mapper
    role_claims.MAPPER: 20,  # after the group membership mapper
}
HANDLERS: dict[str, Handler] = {
    "oidc-usermodel-attribute-mapper": _attribute,
    "oidc-usermodel-property-mapper": _property,
    "oidc-hardcoded-claim-mapper": _hardcoded,
    "oidc-full-name-mapper": _full_name,
    "oidc-usermodel-realm-role-mapper": _realm_roles,
    "oidc-usermodel-client-role-mapper": _client_roles,
    "oidc-group-membership-mapper": _groups,
    "oidc-audience-mapper": _audience,
    "oidc-audience-resolve-mapper": _audience_resolve,
    "oidc-usersessionmodel-note-mapper": _session_note,
    "oidc-clientsessionmodel-note-mapper": _client_session_note,
    "oidc-sub-mapper": _sub,
    "oidc-acr-mapper": _acr,
    "oidc-amr-mapper": _amr,
    "oidc-allowed-origins-mapper": _origins,
    "oidc-address-mapper": _address,
    "oidc-organization-membership-mapper": _organization,
    "oidc-organization-group-membership-mapper": _organization_groups,
    role_claims.MAPPER: _organization_roles,
    PAIRWISE_MAPPER: apply_sub,
}


def step(handler: Handler, mapper: ProtocolMapper) -> Handler:
    """``handler`` for ``mapper``, specialised once per cached plan (claims._plan). A user-attribute mapper
    gives no claim when the user has no such attribute and no group to inherit one from, which is most
    mappers of Keycloak's ``profile`` scope for most users: that case is answered without the lookups."""
    name = mapper.config.get("user.attribute", "")
    if handler is not _attribute or name in PROPERTY_ATTRIBUTES:
        return handler

    def attribute(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
        if data.groups or name in data.user.attributes:
            _attribute(claims, m, data)

    return attribute

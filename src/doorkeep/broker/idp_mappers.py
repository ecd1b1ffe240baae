"""The identity provider's mappers applied to the brokered identity and its user (Keycloak's IdentityProviderMapper
and IdentityBrokerService): ``preprocess`` before any decision (preprocessFederatedIdentity: the identity's e-mail,
names and user attributes), ``import_new_user`` once the first broker login created the user (importNewUser), and
``update_brokered_user`` on a later login or when the identity was linked to an existing account
(updateFederatedIdentity: each mapper by its effective sync mode, IdentityProviderMapperSyncModeDelegate).

The sync modes: the mapper's own (IMPORT, LEGACY, FORCE), or the provider's for INHERIT; LEGACY when unset. IMPORT
does nothing after the first login, LEGACY what each mapper's updateBrokeredUserLegacy does (a Claim to Role mapper
takes back its role when the claim no longer matches; the Hardcoded Role, External Role to Role, Username Template
and social JSON mappers nothing; the others keep AbstractIdentityProviderMapper's, which is updateBrokeredUser), FORCE
each mapper's updateBrokeredUser.
A provider in FORCE also updates the user and its link first (broker/force_sync.py).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import time
from typing import TYPE_CHECKING, Any

from doorkeep import numbers
from doorkeep.broker import admin_role_mapping, force_sync, idp_group_mappers, social, username_template
from doorkeep.broker import idp_mapper_types as types
from doorkeep.broker.force_sync import fits
from doorkeep.broker.oidc import Config, Identity
from doorkeep.model import JSON, Realm, Role, User
from doorkeep.users import admin_regex

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
MAX_CLIENT_LOOKUPS = 4  # KeycloakModelUtils.MAX_CLIENT_LOOKUPS_DURING_ROLE_RESOLVE
BASIC = {"email": "email", "firstname": "first_name", "lastname": "last_name"}  # UserAttributeMapper's properties
FIELDS = {
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
}  # UserModel.EMAIL, FIRST_NAME, LAST_NAME
USERNAME = "username"  # UserModel.USERNAME
_DOT = re.compile(r"(?<!\\)\.")


def _mappers(realm: Realm, config: Config) -> list[JSON]:
    return types.of_provider(realm.identity_provider_mappers, config.alias)


def claim_value(identity: Identity, claim: str | None) -> Any:
    """AbstractClaimMapper.getClaimValue: the claim, nested by ``.`` (``\\.`` a literal dot), of the validated
    access token first (a keycloak-oidc provider's, or one with ``isAccessTokenJWT``), then of the ID token and
    userinfo the provider gave."""
    if not claim:
        return None
    found = _nested(identity.access_claims, claim)
    return found if found is not None else _nested(identity.claims, claim)


def _nested(claims: dict[str, Any], claim: str) -> Any:
    found: Any = claims
    for part in _DOT.split(claim):
        if not isinstance(found, dict):
            return None
        found = found.get(part.replace("\\.", "."))
    return found


def _values(value: Any) -> list[str]:
    """UserAttributeMapper.toList: a list's non-null items, else the value itself, as strings."""
    items = value if isinstance(value, list) else [value]
    return [_text(v) for v in items if v is not None]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else str(value)


def value_equals(desired: str | None, value: Any) -> bool:
    """AbstractClaimMapper.valueEquals: a string equal to the value, a number or boolean equal once parsed, or a
    list holding such an item."""
    if desired is None:
        return False
    if isinstance(value, list):
        return any(value_equals(desired, v) for v in value)
    if isinstance(value, bool):
        return desired.lower() == str(value).lower()
    if isinstance(value, int | float):
        try:
            return float(desired) == float(value)
        except ValueError:
            return False
    return isinstance(value, str) and value == desired


def preprocess(realm: Realm, config: Config, identity: Identity) -> Identity:
    """preprocessFederatedIdentity of each mapper: a Username Template sets the new user's username or the
    identity's id or username there; a Hardcoded Attribute or an Attribute Importer sets the identity's e-mail or
    names, or a user attribute the first broker login gives the new user."""
    for mapper in _mappers(realm, config):
        kind, c = mapper["identityProviderMapper"], mapper["config"]
        if kind == types.USERNAME_TEMPLATE:
            identity = username_template.apply(identity, config.alias, c, functools.partial(claim_value, identity))
        elif kind == types.HARDCODED_ATTRIBUTE and c.get("attribute"):
            value = c.get("attribute.value")
            identity = _with_attribute(identity, c["attribute"], [value] if value is not None else [])
        elif imported := _imported(identity, mapper):
            name, values = imported
            basic = BASIC.get(name.lower())
            if basic is not None:
                if values:
                    named: dict[str, Any] = {basic: values[0]}
                    identity = dataclasses.replace(identity, **named)
            elif values or kind == types.USER_ATTRIBUTE:
                identity = _with_attribute(identity, name, values)
    return identity


def _imported(identity: Identity, mapper: JSON) -> tuple[str, list[str]] | None:
    """An Attribute Importer's user attribute and the values it takes from the identity: UserAttributeMapper's
    ``claim`` (ID token and userinfo) or, for a social provider, AbstractJsonUserAttributeMapper's ``jsonField`` (a
    path into the profile); None for another mapper or one without its attribute."""
    kind, c = mapper["identityProviderMapper"], mapper["config"]
    if kind == types.USER_ATTRIBUTE and c.get("user.attribute"):
        return c["user.attribute"], _values(claim_value(identity, c.get("claim")))
    if kind in types.JSON_ATTRIBUTE and (c.get("userAttribute") or "").strip():
        found = social.json_value(identity.claims, c.get("jsonField") or "")
        values = found if isinstance(found, list) else [] if found is None else [found]
        return c["userAttribute"].strip(), values
    return None


def _with_attribute(identity: Identity, name: str, values: list[str]) -> Identity:
    return dataclasses.replace(identity, attributes={**identity.attributes, name: values})


async def role_of(tx: Tx, realm: Realm, name: str | None) -> Role | None:
    """KeycloakModelUtils.getRoleFromString: ``clientId.role`` tried at each dot from the left, else a realm role."""
    if not name:
        return None
    dot, lookups = name.find("."), 0
    while dot >= 0 and lookups < MAX_CLIENT_LOOKUPS:
        lookups += 1
        client = await tx.config.client(realm.id, name[:dot])
        if client is not None:
            return await tx.roles.get_client_role(client.id, name[dot + 1 :])
        dot = name.find(".", dot + 1)
    return await tx.roles.get_realm_role(realm.id, name)


async def _role(tx: Tx, realm: Realm, mapper: JSON) -> Role | None:
    role = await role_of(tx, realm, mapper["config"].get("role"))
    if role is None:  # AbstractClaimToRoleMapper.getRole: a warning, the mapper does nothing
        log.warning("realm %s: mapper %s names no role of the realm", realm.name, mapper["name"])
    return role


async def _grant(tx: Tx, realm: Realm, config: Config, user: User, role: Role) -> bool:
    """Grant ``role`` unless it is an admin role the provider may not hand out (isAdminRoleGrantAllowed)."""
    if not await admin_role_mapping.may_grant(tx, realm.name, config.alias, config.allow_admin_role_mapping, role):
        return False
    await tx.users.grant_roles(user.id, [role.id])
    return True


CLAIM_ROLES = (types.CLAIM_TO_ROLE, types.ADVANCED_CLAIM_TO_ROLE)  # AbstractClaimToRoleMapper's
GROUP_MAPPERS = (types.HARDCODED_GROUP, types.ADVANCED_CLAIM_TO_GROUP)  # AbstractClaimToGroupMapper's
ADVANCED = (types.ADVANCED_CLAIM_TO_ROLE, types.ADVANCED_CLAIM_TO_GROUP)
# the mappers without an updateBrokeredUserLegacy of their own: AbstractIdentityProviderMapper's runs
# updateBrokeredUser, so LEGACY updates them as FORCE does
LEGACY_AS_FORCE = (types.USER_ATTRIBUTE, types.HARDCODED_ATTRIBUTE, *GROUP_MAPPERS)


def applies(mapper: JSON, identity: Identity) -> bool:
    """ClaimToRoleMapper.applies: the claim has the value; AdvancedClaimToRoleMapper.applies and
    AdvancedClaimToGroupMapper.applies: every claim of ``claims`` has its value, equal or
    (``are.claim.values.regex``) matching it whole; HardcodedGroupMapper.applies: always."""
    c, kind = mapper["config"], mapper["identityProviderMapper"]
    if kind == types.HARDCODED_GROUP:
        return True
    if kind == types.EXTERNAL_ROLE_TO_ROLE:
        return _has_external_role(identity, str(c.get("external.role") or ""))
    if kind in ADVANCED:
        regex = str(c.get("are.claim.values.regex") or "").lower() == "true"
        pairs = advanced_claims(c.get("claims"))
        match = _Budget().matches if regex else value_equals
        return pairs is not None and all(match(value, claim_value(identity, key)) for key, value in pairs)
    return value_equals(c.get("claim.value"), claim_value(identity, c.get("claim")))


def _has_external_role(identity: Identity, external: str) -> bool:
    """ExternalKeycloakRoleToRoleMapper.hasRole: ``client.role`` (KeycloakModelUtils.parseRole, at the last dot)
    in the access token's ``resource_access``, a bare name in its ``realm_access``."""
    client, dot, name = external.rpartition(".")
    path = ("resource_access", client, "roles") if dot else ("realm_access", "roles")
    found: Any = identity.access_claims
    for part in path:
        found = found.get(part) if isinstance(found, dict) else None
    return value_equals(name, found)


def advanced_claims(raw: Any) -> list[tuple[str, str]] | None:
    """IdentityProviderMapperModel.getConfigMap (MapperTypeSerializer.deserialize): the JSON list of
    ``{"key", "value"}`` pairs, a key given twice asking for both values; none when unset. None when it is not
    such a list (Keycloak fails that login; here the mapper does not apply)."""
    if raw is None:
        return []
    try:
        parsed = numbers.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if not isinstance(parsed, list):
        return None
    pairs = [(p.get("key"), p.get("value")) for p in parsed if isinstance(p, dict)]
    if len(pairs) != len(parsed) or any(not isinstance(k, str) or not isinstance(v, str) for k, v in pairs):
        return None
    return [(str(k), str(v)) for k, v in pairs]


MAX_MATCHED = 4096  # the longest claim value a regex is tried on
PATTERN_SECONDS = 0.5  # what one mapper's patterns may take over all its claims' values; ordinary ones take µs


class _Budget:
    """The time left for one mapper's pattern matches (AdvancedClaimToRoleMapper / AdvancedClaimToGroupMapper)."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + PATTERN_SECONDS

    def matches(self, pattern: str, value: Any) -> bool:
        return matches_regex(pattern, value, self)


def matches_regex(pattern: str, value: Any, budget: _Budget | None = None) -> bool:
    """RegexUtils.valueMatchesRegex: the whole value (or an item of a list) matches; a pattern that does not
    compile matches nothing. Keycloak's ``Pattern.matches`` has no limit, and the provider (or the user at it)
    chooses the claim values: here the administrator's pattern runs on the ``regex`` engine (users.admin_regex:
    one that would compile for hours matches nothing) within PATTERN_SECONDS for the whole mapper, so a pattern
    such as ``(a+)+`` and a crafted value cannot hold the server; a match past the budget is no match."""
    budget = budget or _Budget()
    if isinstance(value, list):
        return any(matches_regex(pattern, v, budget) for v in value)
    if value is None:
        return False
    text = _text(value)
    left = budget.deadline - time.monotonic()
    if len(text) > MAX_MATCHED or left <= 0:
        return False
    try:
        return admin_regex.compiled(pattern).fullmatch(text, timeout=left) is not None
    except admin_regex.UnsafePattern:
        return False
    except TimeoutError:
        # neither the pattern nor the value is logged: the value is the provider's
        log.warning("an identity provider mapper's pattern ran past %s s; no match", PATTERN_SECONDS)
        budget.deadline = 0.0
        return False


async def import_new_user(tx: Tx, realm: Realm, config: Config, identity: Identity, user: User) -> User:
    """importNewUser of each mapper, for the user the first broker login just created: a Hardcoded Role grants
    its role, a Claim to Role its role when the claim has the value, a group mapper its group when it applies."""
    for mapper in _mappers(realm, config):
        kind = mapper["identityProviderMapper"]
        if kind in GROUP_MAPPERS:
            matched = applies(mapper, identity)
            await idp_group_mappers.import_new_user(tx, realm, config, mapper, user.id, matched)
        elif kind == types.HARDCODED_ROLE or (
            kind in (*CLAIM_ROLES, types.EXTERNAL_ROLE_TO_ROLE) and applies(mapper, identity)
        ):
            role = await _role(tx, realm, mapper)
            if role is not None:
                await _grant(tx, realm, config, user, role)
    return user


def effective_mode(config: Config, mapper: JSON) -> str:
    """IdentityProviderMapperSyncModeDelegate.combineIdpAndMapperSyncMode."""
    mode = mapper["config"].get(types.SYNC_MODE) or "LEGACY"
    return config.sync_mode if mode == "INHERIT" else mode


async def update_brokered_user(
    tx: Tx,
    realm: Realm,
    config: Config,
    identity: Identity,
    user: User,
    *,
    first: bool = False,
    email_changed: bool = False,
) -> User:
    """updateFederatedIdentity: the identity's basic attributes and username when the provider is in FORCE, then
    each mapper by its effective sync mode. ``first``: the identity just linked to an existing account
    (afterFirstBrokerLogin updates such a user as a later login does); ``email_changed``: the review page changed
    the e-mail (UPDATE_PROFILE_EMAIL_CHANGED)."""
    changed = user
    if config.sync_mode == "FORCE":
        changed = await force_sync.update(tx, realm, config, identity, user, email_changed)
    granted: set[str] = set()
    assigned: set[str] = set()  # BrokeredIdentityContext's mapper-assigned groups
    for mapper in _mappers(realm, config):
        mode, kind, c = effective_mode(config, mapper), mapper["identityProviderMapper"], mapper["config"]
        if mode == "IMPORT":
            continue
        if kind in CLAIM_ROLES:
            role = await _role(tx, realm, mapper)
            if role is None or role.id in granted:  # KEYCLOAK-8730: a role another mapper granted stays
                continue
            if applies(mapper, identity) and mode == "FORCE":
                if await _grant(tx, realm, config, user, role):
                    granted.add(role.id)
            elif not applies(mapper, identity):
                await tx.users.revoke_roles(user.id, [role.id])
        elif mode != "FORCE" and kind not in LEGACY_AS_FORCE:
            continue  # LEGACY: the other mappers' updateBrokeredUserLegacy does nothing
        elif kind == types.EXTERNAL_ROLE_TO_ROLE:  # updateBrokeredUser: granted while the token holds the role
            role = await _role(tx, realm, mapper)
            if role is not None and applies(mapper, identity):
                await _grant(tx, realm, config, user, role)
            elif role is not None:
                await tx.users.revoke_roles(user.id, [role.id])
        elif kind == types.USERNAME_TEMPLATE:
            changed = await _forced_username(tx, realm, changed, mapper, identity)
        elif kind in GROUP_MAPPERS:
            matched = applies(mapper, identity)
            await idp_group_mappers.update_brokered_user(tx, realm, config, mapper, user.id, matched, assigned)
        elif kind == types.HARDCODED_ROLE:
            role = await _role(tx, realm, mapper)
            if role is not None:
                await _grant(tx, realm, config, user, role)
        elif kind == types.HARDCODED_ATTRIBUTE and c.get("attribute") == USERNAME:
            changed = await _hardcoded_username(tx, realm, changed, mapper)
        elif kind == types.HARDCODED_ATTRIBUTE and c.get("attribute"):
            value = c.get("attribute.value")
            changed = _set_attribute(changed, c["attribute"], [value] if value is not None else [])
        elif imported := _imported(identity, mapper):
            name, values = imported
            basic = BASIC.get(name.lower())
            if basic is not None:
                if values and fits(basic, values[0]):
                    forced: dict[str, Any] = {basic: values[0].lower() if basic == "email" else values[0]}
                    changed = dataclasses.replace(changed, **forced)
            else:
                changed = _set_attribute(changed, name, values)
    changed = await force_sync.unique_email(tx, realm, user, changed)
    if changed != user:
        await tx.users.update(changed)
    return changed


async def _forced_username(tx: Tx, realm: Realm, user: User, mapper: JSON, identity: Identity) -> User:
    """UsernameTemplateMapper.updateBrokeredUser: LOCAL, and the realm not naming users by e-mail, renames the user
    to the template's username (lower case), unless it is empty or another user of the realm has it."""
    if username_template.target(mapper["config"]) != "LOCAL" or realm.registration_email_as_username:
        return user
    return await _renamed(tx, realm, user, mapper, identity.model_username)


async def _renamed(tx: Tx, realm: Realm, user: User, mapper: JSON, raw: str | None) -> User:
    """The user renamed to ``raw`` (trimmed, lower case), unless it is empty, the same, not a valid username, or
    another user of the realm has it."""
    wanted = (raw or "").strip().lower()
    if not wanted or wanted == user.username or not fits("username", wanted):
        return user
    if await tx.users.get_by_username(realm.id, wanted) is not None:
        log.warning("realm %s: mapper %s: the username is another user's, not changed", realm.name, mapper["name"])
        return user
    return dataclasses.replace(user, username=wanted)


async def _hardcoded_username(tx: Tx, realm: Realm, user: User, mapper: JSON) -> User:
    """HardcodedAttributeMapper naming ``username``: UserAdapter.setSingleAttribute renames the user (setUsername, in
    lower case); an empty value, or a username another user of the realm has, leaves the user as it was."""
    return await _renamed(tx, realm, user, mapper, mapper["config"].get("attribute.value"))


def _set_attribute(user: User, name: str, values: list[str]) -> User:
    """UserModel.setAttribute (setSingleAttribute for one value); no values remove it. ``firstName``, ``lastName``
    and ``email`` are the user's fields, as UserAdapter.setAttribute writes them (setEmail: blank is none, lower
    case)."""
    field = FIELDS.get(name)
    if field is not None:
        value = values[0] if values else None
        if field == "email":
            value = value.strip().lower() or None if value is not None else None
        if value is not None and not fits(field, value):
            return user
        named: dict[str, Any] = {field: value}
        return dataclasses.replace(user, **named)
    attributes = {k: list(v) for k, v in user.attributes.items() if k != name}
    if values:
        attributes[name] = values
    return dataclasses.replace(user, attributes=attributes)

"""Keycloak representations → domain objects for the admin API, with Keycloak's input rules.

Builds on ``doorkeep.admin.representations`` (partial updates: absent or null fields keep their value) and
adds what the admin API needs on top: realm names, client attribute merging and validation,
roles, client scopes, and role references in request bodies.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from doorkeep import policy
from doorkeep.admin import session_note_mappers
from doorkeep.admin.group_mapper_json import mappers_from_json
from doorkeep.admin.representations import (
    CLIENT_FIELDS,
    DISPLAY_NAME_HTML,
    INTERNAL_REALM_ATTRIBUTES,
    REALM_CLIENT,
    REALM_FIELDS,
    RepresentationError,
    apply,
    email_rules,
    negative_brute_force,
    with_registered_nodes,
    without_validated,
)
from doorkeep.admin.reserved_chars import locale_message, reserved_message
from doorkeep.admin.stored_text import refuse_nul
from doorkeep.clientpolicies import realm_config as client_policies
from doorkeep.clientpolicies.readable import readable as readable_policies
from doorkeep.clientpolicies.validation import ClientPolicyError
from doorkeep.errors import AdminError
from doorkeep.model import Client, ClientScope, Realm, Role
from doorkeep.numbers import INT_MAX, parse_int
from doorkeep.oauth import backchannel as bc
from doorkeep.oauth.claims import default_web_origins
from doorkeep.realms import flow_support
from doorkeep.realms.provisioning import new_id
from doorkeep.sessions import revocation_triggers
from doorkeep.sessions.ended import BACKCHANNEL_URL
from doorkeep.users import password_policy, webauthn_policy
from doorkeep.web.admin.common import invalid_input

_Owner = TypeVar("_Owner", Realm, Client)
RESERVED_NAME_CHARS = '/\\<>;%?&#"'
SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]+")  # ClientScopeResource.scopeNamePattern
MAX_REUSE = "refresh.token.max.reuse"
REVOKE = "revoke.refresh.token"
CLIENT_SCALARS = {k: v for k, v in CLIENT_FIELDS.items() if k != "attributes"}
OIDC = "openid-connect"


def _str(rep: dict[str, Any], key: str) -> str | None:
    value = rep.get(key)
    if value is not None and not isinstance(value, str):
        raise RepresentationError(f"{key}: expected a string")
    return value


def _name(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise AdminError(400, f"{what} name cannot be empty")
    for char in RESERVED_NAME_CHARS:
        if char in value:
            raise AdminError(400, f"Character '{char}' not allowed.")
    return value


def _realm_name(value: str | None) -> str:
    """A realm's name or id: not blank, then ReservedCharValidator.validate's message for the first reserved character
    in it (RealmManager.importRealm, RealmAdminResource.updateRealm), then Doorkeep's own refusals (``<``, ``>``,
    ``%``, ``"``, which Keycloak lets through)."""
    if value is not None and value.strip() and (message := reserved_message(value)) is not None:
        raise AdminError(400, message)
    return _name(value, "Realm")


def _check_locales(rep: dict[str, Any]) -> None:
    """ReservedCharValidator.validateLocales over ``supportedLocales``, after the name, on create and update."""
    if (message := locale_message(rep.get("supportedLocales"))) is not None:
        raise AdminError(400, message)


# --- realms ------------------------------------------------------------------------------------
def new_realm(rep: dict[str, Any], disabled: frozenset[str] = frozenset()) -> Realm:
    """A RealmRepresentation for creation. As in Keycloak, ``enabled`` is false unless given. ``disabled``: the
    server's disabled features (a policy of one is not found)."""
    realm_id = _str(rep, "id")
    if realm_id:  # the id is a path segment and a key too, checked first as importRealm does
        _realm_name(realm_id)
    name = _realm_name(_str(rep, "realm"))
    _check_locales(rep)
    base = Realm(id=realm_id or new_id(), name=name, enabled=False)
    realm: Realm = email_rules(apply(base, rep, REALM_FIELDS), rep)
    realm = _with_display_name_html(dataclasses.replace(realm, attributes=without_validated(realm.attributes)), rep)
    _check_grace(realm.attributes.get(policy.GRACE_REALM_ATTRIBUTE), policy.GRACE_REALM_ATTRIBUTE)
    realm = _with_webauthn(realm, rep)
    return _valid_policy(_valid_triggers(_valid_brute_force(_with_client_policies(realm, rep), rep)), disabled)


def updated_realm(
    realm: Realm, rep: dict[str, Any], scope_names: frozenset[str] | None = None, disabled: frozenset[str] = frozenset()
) -> Realm:
    """A partial RealmRepresentation applied to ``realm``; ``realm`` (the name) may rename it. ``scope_names``:
    the realm's client scopes, which a client policy's client-scopes condition must name (None: not checked);
    ``disabled``: the server's disabled features."""
    name = _str(rep, "realm")
    updated: Realm = email_rules(apply(realm, rep, REALM_FIELDS), rep)
    kept = {k: v for k, v in realm.attributes.items() if k in INTERNAL_REALM_ATTRIBUTES}
    # the representation never shows them, so a new ``attributes`` neither removes nor writes them
    updated = dataclasses.replace(updated, attributes={**without_validated(updated.attributes), **kept})
    updated = _with_display_name_html(updated, rep)
    if name is not None and name != realm.name:
        updated = dataclasses.replace(updated, name=_realm_name(name))
    _check_locales(rep)
    _check_grace(updated.attributes.get(policy.GRACE_REALM_ATTRIBUTE), policy.GRACE_REALM_ATTRIBUTE)
    updated = flow_support.with_bindings(updated, rep)
    updated = _with_webauthn(updated, rep, update=True)
    checked = _valid_triggers(_valid_brute_force(_with_client_policies(updated, rep, scope_names), rep))
    return _valid_policy(checked, disabled)


POLICY_KEYS = ("clientProfiles", "clientPolicies")


def _with_client_policies(realm: Realm, rep: dict[str, Any], scope_names: frozenset[str] | None = None) -> Realm:
    """The representation's ``clientProfiles`` and ``clientPolicies``, refused as the client-policies resources
    refuse them (400 with Keycloak's message). One Keycloak's Jackson cannot convert (Keycloak 13's preview format,
    a property the classes lack) counts as absent, as RealmRepresentation.getParsedClientProfiles /
    getParsedClientPolicies answer null for it: a new realm gets the defaults, an update keeps what is stored."""
    rep = {k: v for k, v in rep.items() if k not in POLICY_KEYS or v is None or readable_policies(k, v)}
    try:
        return client_policies.from_representation(realm, rep, scope_names)
    except ClientPolicyError as problem:
        raise AdminError(400, str(problem)) from None


def _with_webauthn(realm: Realm, rep: dict[str, Any], *, update: bool = False) -> Realm:
    """The WebAuthn policies: built from a new realm's representation (a field left out takes its default), and on an
    update rebuilt only where the representation names the policy's relying party entity, as
    DefaultExportImportManager's importRealm and updateRealm do (``webauthn_policy.updated``)."""
    try:
        policies = webauthn_policy.updated(realm, rep) if update else webauthn_policy.from_representation(rep)
        return dataclasses.replace(realm, webauthn_policies=policies)
    except webauthn_policy.PolicyFieldError as problem:
        raise RepresentationError(str(problem)) from None


def _with_display_name_html(realm: Realm, rep: dict[str, Any]) -> Realm:
    """``displayNameHtml``, which Keycloak's RealmAdapter stores as a realm attribute; null leaves it as it is."""
    html = _str(rep, DISPLAY_NAME_HTML)
    if html is None:
        return realm
    return dataclasses.replace(realm, attributes={**realm.attributes, DISPLAY_NAME_HTML: html})


def _valid_brute_force(realm: Realm, rep: dict[str, Any]) -> Realm:
    """A negative Brute Force Detection number is a 400 (representations.negative_brute_force)."""
    if (negative := negative_brute_force(realm, rep)) is not None:
        raise AdminError(400, negative[1])
    return realm


def _valid_policy(realm: Realm, disabled: frozenset[str]) -> Realm:
    """``passwordPolicy`` parsed as Keycloak's PasswordPolicy.parse does, and stored as it writes it back: an
    unknown policy (or one of a disabled feature) or a bad config is RealmAdminResource's 400 with the
    ModelException's message."""
    try:
        policy = password_policy.parse(realm.password_policy, disabled)
    except password_policy.PolicyConfigError as problem:
        raise AdminError(400, str(problem)) from None
    return dataclasses.replace(realm, password_policy=policy.as_string())


def _valid_triggers(owner: _Owner) -> _Owner:
    """400 for an unknown revocation trigger or value (sessions/revocation_triggers.py)."""
    problem = revocation_triggers.invalid(owner.attributes)
    if problem is not None:
        raise invalid_input(problem)
    return owner


def _check_grace(value: Any, name: str) -> None:
    """The refresh grace period (issue #13): blank or absent (off / inherit), else 0 to 120 seconds."""
    if value is not None and str(value).strip() and policy.parse_grace_period(value) is None:
        raise invalid_input(f"Invalid value for {name}: expected a whole number of seconds from 0 to 120")


# --- clients -----------------------------------------------------------------------------------
def new_client(realm: Realm, rep: dict[str, Any]) -> Client:
    client_id = _str(rep, "clientId")
    if not client_id:
        raise invalid_input("Client ID is required")
    base = Client(id=_str(rep, "id") or new_id(), realm_id=realm.id, client_id=client_id)
    client = _with_attributes(apply(base, rep, CLIENT_SCALARS), rep.get("attributes"))
    client = _with_given_nodes(default_web_origins(rep, client), rep.get("registeredNodes"))
    return _oidc_client_defaults(client, rep) if rep.get("protocol") == OIDC else client


def _with_given_nodes(client: Client, raw: Any) -> Client:
    """RepresentationToModel.createClient registers the representation's ``registeredNodes`` (host -> time in
    seconds), so a client's JSON read back makes the same client again (ClientModelTest.json); updateClient
    ignores them."""
    if raw is None:
        return client
    if not isinstance(raw, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw.values()):
        raise RepresentationError("registeredNodes: expected an object of host names to integers")
    return with_registered_nodes(client, {str(k): int(v) for k, v in raw.items()}) if raw else client


def _oidc_client_defaults(client: Client, rep: dict[str, Any]) -> Client:
    """OIDCLoginProtocolFactory.setupClientDefaults, which Keycloak's ClientManager.createClient runs only when
    the representation names its protocol (a realm import never does): a client that says neither
    ``publicClient`` nor ``bearerOnly`` is public (no secret); ``directAccessGrantsEnabled`` not given is true
    (the model's own default is false); ``adminUrl`` not given is the ``rootUrl``; then the logout defaults."""
    changes: dict[str, Any] = {}
    if rep.get("publicClient") is None:
        changes["public_client"] = True
        if rep.get("bearerOnly") is None:
            changes["secret"] = None
    if rep.get("directAccessGrantsEnabled") is None and rep.get("directGrantsOnly") is None:
        changes["direct_access_grants_enabled"] = True
    if rep.get("adminUrl") is None and rep.get("rootUrl") is not None:
        changes["admin_url"] = client.root_url
    return _oidc_logout_defaults(dataclasses.replace(client, **changes), rep)


def _oidc_logout_defaults(client: Client, rep: dict[str, Any]) -> Client:
    """The logout part of setupClientDefaults. ``frontchannelLogout`` not given stays false, the model's
    default; with no backchannel URL given, the session is required and offline tokens are not revoked,
    whatever the representation said of those two."""
    given = rep.get("attributes")
    if isinstance(given, dict) and given.get(BACKCHANNEL_URL) is not None:
        return client
    defaults = {bc.SESSION_REQUIRED: "true", bc.REVOKE_OFFLINE: "false"}
    return dataclasses.replace(client, attributes={**client.attributes, **defaults})


def updated_client(client: Client, rep: dict[str, Any]) -> Client:
    if rep.get("clientId") == "":
        raise invalid_input("Client ID is required")
    return _with_attributes(apply(client, rep, CLIENT_SCALARS), rep.get("attributes"))


def _with_attributes(client: Client, raw: Any) -> Client:
    """Merge attributes as Keycloak does: given keys are set, null or blank values removed. ``realm_client`` is
    the representation's, computed for each (ModelToRepresentation.isRealmClient): a sent one is not kept."""
    attributes = _merge_attributes(client.attributes, raw)
    attributes.pop(REALM_CLIENT, None)
    _check_rotation_override(attributes)
    _check_grace(attributes.get(policy.GRACE_CLIENT_ATTRIBUTE), policy.GRACE_CLIENT_ATTRIBUTE)
    return _valid_triggers(dataclasses.replace(client, attributes=attributes))


def _check_rotation_override(attributes: dict[str, Any]) -> None:
    """DefaultClientValidationProvider's checks of the per-client rotation override (KEYCLOAK.md §5.2; Keycloak PR
    51798): blank inherits the realm's; otherwise the max reuse is a count ≥ 0 and the revocation switch ``true``
    or ``false`` in any case, a malformed one refused rather than read as "false" (RefreshTokenRevokeClientOverride-
    Test.invalidOverridesAreRejectedByClientValidation)."""
    reuse = attributes.get(MAX_REUSE, "").strip()
    if reuse and parse_int(reuse, 0, INT_MAX) is None:
        raise invalid_input("Refresh token max reuse must be a non-negative integer.")
    revoke = attributes.get(REVOKE, "").strip()
    if revoke and revoke.lower() not in ("true", "false"):
        raise invalid_input("Revoke refresh token must be either 'true' or 'false'.")


def _merge_attributes(current: dict[str, Any], raw: Any) -> dict[str, Any]:
    if raw is None:
        return dict(current)
    if not isinstance(raw, dict):
        raise RepresentationError("attributes: expected an object")
    merged = dict(current)
    for key, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            merged.pop(key, None)
        elif isinstance(value, bool):
            merged[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            merged[key] = str(value)
        else:
            raise RepresentationError(f"attributes.{key}: expected a string")
    return merged


def scope_names(rep: dict[str, Any], key: str) -> list[str] | None:
    """``defaultClientScopes`` / ``optionalClientScopes``: a list of scope names, or None."""
    value = rep.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RepresentationError(f"{key}: expected a list of strings")
    return value


# --- roles -------------------------------------------------------------------------------------
ROLE_HAS_NO_NAME = "role has no name"  # RoleContainerResource.createRole, RoleResource.updateRole


def new_role(realm_id: str, client_uuid: str | None, rep: dict[str, Any]) -> Role:
    name = _str(rep, "name")
    if not name:
        raise AdminError(400, ROLE_HAS_NO_NAME, key="error")
    return Role(
        id=new_id(),
        realm_id=realm_id,
        name=name,
        client_id=client_uuid,
        description=_str(rep, "description"),
        attributes=_role_attributes(rep) or {},
    )


def updated_role(role: Role, rep: dict[str, Any]) -> Role:
    """The role as Keycloak's RoleResource.updateRole leaves it: the name is required (400 when blank), the
    description always taken from the representation (absent or null clears it), the attributes replaced only
    when given."""
    name, description, attributes = _str(rep, "name"), _str(rep, "description"), _role_attributes(rep)
    if name is None or not name.strip():
        raise AdminError(400, ROLE_HAS_NO_NAME, key="error")
    return dataclasses.replace(
        role,
        name=name,
        description=description,
        attributes=role.attributes if attributes is None else attributes,
    )


def _role_attributes(rep: dict[str, Any]) -> dict[str, Any] | None:
    raw = rep.get("attributes")
    if raw is None:
        return None
    if not isinstance(raw, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in raw.values()
    ):
        raise RepresentationError("attributes: expected an object of string lists")
    return {str(k): list(v) for k, v in raw.items()}


def role_refs(reps: list[dict[str, Any]]) -> list[tuple[str | None, str | None]]:
    """(id, name) of each RoleRepresentation in a request body."""
    return [(_str(rep, "id"), _str(rep, "name")) for rep in reps]


# --- client scopes -----------------------------------------------------------------------------
def new_scope(realm_id: str, rep: dict[str, Any]) -> ClientScope:
    name = _scope_name(_str(rep, "name"))
    mappers = mappers_from_json(rep.get("protocolMappers"), "protocolMappers")
    refuse_nul([m.name for m in mappers])  # as web/admin/mappers.py's _valid
    session_note_mappers.check(mappers)
    return ClientScope(
        id=_str(rep, "id") or new_id(),
        realm_id=realm_id,
        name=name,
        description=_str(rep, "description"),
        protocol=_str(rep, "protocol") or "openid-connect",
        attributes=_merge_attributes({}, rep.get("attributes")),
        protocol_mappers=mappers,
    )


def updated_scope(scope: ClientScope, rep: dict[str, Any]) -> ClientScope:
    name, description, protocol = _str(rep, "name"), _str(rep, "description"), _str(rep, "protocol")
    return dataclasses.replace(
        scope,
        name=scope.name if name is None else _scope_name(name),
        description=scope.description if description is None else description,
        protocol=protocol or scope.protocol,
        attributes=_merge_attributes(scope.attributes, rep.get("attributes")),
    )


def _scope_name(name: str | None) -> str:
    """A scope name is a ``scope-token`` of RFC 6749 §3.3 (Keycloak's ``scopeNamePattern``): one or more
    printable ASCII characters but space, ``"`` and ``\\``. Keycloak answers 500 for an absent name."""
    if name is None:
        raise AdminError(400, "Client scope name cannot be empty")
    if not SCOPE_TOKEN.fullmatch(name):
        raise AdminError(400, f'Unexpected name "{name}" for ClientScope')
    return _name(name, "Client scope")  # and none of Doorkeep's reserved characters (hardening)

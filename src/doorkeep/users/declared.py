"""The custom attributes a realm's user profile configuration declares, as Keycloak 26 manages them.

DeclarativeUserProfileProvider.decorateUserProfileForCache and DefaultAttributes for every attribute of the
UPConfig other than username, email, firstName and lastName (whose rules live in ``users.profile`` and
``users.account_profile``). A context is the admin API's USER_API (role ``admin``) or one of the user's own
(ACCOUNT, UPDATE_PROFILE, REGISTRATION, IDP_REVIEW; role ``user``): an attribute is editable there when its
``permissions.edit`` names the context's role, viewable when ``permissions.view`` does or it is editable (no
permissions: neither); required when ``required`` names the role or no role and no scope at all (never for a
service account). Required scopes and ``selector`` scopes depend on the client scopes an authentication
requests; only registration knows them (``for_scopes``): elsewhere an attribute required only by scope is optional,
and a selector never hides an attribute.

``values`` is DefaultAttributes.normalizeAttributes (a value not sent is the user's own where the context may
not edit it, else empty; an empty value takes the ``defaultValue``), ``errors`` the validation (the configured
validators, then AttributeRequiredByMetadataValidator, ImmutableAttributeValidator, MultiValueValidator for a
single-valued attribute and DefaultAttributes' length ≤ 2048 where no length validator is configured),
``written`` what DefaultUserProfile stores (editable attributes only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from doorkeep.users import profile, validators

USER_API, ACCOUNT, UPDATE_PROFILE, REGISTRATION = "USER_API", "ACCOUNT", "UPDATE_PROFILE", "REGISTRATION"
IDP_REVIEW = "IDP_REVIEW"  # the first broker login's Review Profile (IdpReviewProfileAuthenticator)
WRITABLE_ONLY = frozenset({REGISTRATION, IDP_REVIEW})  # RegisterBean and IdpReviewProfileBean: init(session, true)
ROOT = frozenset({"username", "email", "firstName", "lastName"})
REQUIRED = "error-user-attribute-required"
READ_ONLY = "error-user-attribute-read-only"
DEFAULT_MAX_LENGTH = {"min": 0, "max": 2048}  # DefaultAttributes.DEFAULT_MAX_LENGTH_ATTRIBUTES
_IGNORE_EMPTY = {"ignore.empty.value": True}

Values = dict[str, list[str]]


def custom(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The configuration's attributes other than the four root ones, in its order."""
    return [a for a in config.get("attributes") or [] if a.get("name") not in ROOT]


def names(config: dict[str, Any]) -> frozenset[str]:
    return frozenset(str(a["name"]) for a in custom(config))


def _role(context: str) -> str:
    return "admin" if context == USER_API else "user"


def can_edit(attribute: dict[str, Any], context: str) -> bool:
    permissions = attribute.get("permissions")
    return permissions is not None and _role(context) in (permissions.get("edit") or [])


def can_view(attribute: dict[str, Any], context: str) -> bool:
    permissions = attribute.get("permissions")
    if permissions is None:
        return False
    return _role(context) in (permissions.get("view") or []) or can_edit(attribute, context)


def is_required(attribute: dict[str, Any], context: str, *, service_account: bool = False) -> bool:
    required = attribute.get("required")
    if required is None or service_account:
        return False
    roles, scopes = required.get("roles") or [], required.get("scopes") or []
    if scopes:  # only by the scopes an authentication requests, which Doorkeep's profile does not know
        return False
    return not roles or _role(context) in roles


def display_name(attribute: dict[str, Any], default: str | None = None) -> str:
    """AttributeMetadata.getAttributeDisplayName: the configured one, else ``default`` (what the built-in
    metadata of username and email holds), else the attribute's name."""
    shown = attribute.get("displayName")
    return str(shown) if isinstance(shown, str) and shown.strip() else (default or str(attribute["name"]))


def as_values(value: Any) -> list[str]:
    """A value of a representation's ``attributes`` as StringListMapDeserializer reads it: a list's items, or
    the value alone, each as Jackson's ``asText`` (``as_text``); nulls dropped."""
    items = value if isinstance(value, list) else [value]
    return [as_text(v) for v in items if v is not None]


def as_text(value: Any) -> str:
    """Jackson's ``JsonNode.asText``: a string as it is, a boolean ``true``/``false``, a number its digits, an
    object or array ``""`` (a blank value, which no attribute keeps)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return ""
    return str(value)


def values(config: dict[str, Any], context: str, sent: dict[str, Any] | None, current: Values | None) -> Values:
    """The declared attributes' values after normalisation (``current``: the user's attributes, None for a
    new user)."""
    found: Values = {}
    for attribute in custom(config):
        name = attribute["name"]
        if sent is not None and name in sent:
            found[name] = as_values(sent[name])
        elif current is not None and not can_edit(attribute, context):
            found[name] = list(current.get(name, []))
        else:
            found[name] = []
        if not found[name] and attribute.get("defaultValue") is not None:
            found[name] = [str(attribute["defaultValue"])]
    return found


def _validator_errors(attribute: dict[str, Any], context: str, given: list[str], service_account: bool) -> list[Any]:
    name, required = attribute["name"], is_required(attribute, context, service_account=service_account)
    configured = attribute.get("validations") or {}
    found = []
    for validator, config in configured.items():
        found.extend(validators.check(validator, name, given, config, required=required))
    blank = not given or any(not v.strip() for v in given)
    if attribute.get("required") is not None and required and can_edit(attribute, context) and blank:
        found.append({"field": name, "errorMessage": REQUIRED, "params": [name]})
    return found


def root_errors(config: dict[str, Any], context: str, name: str, value: str | None) -> list[dict[str, Any]]:
    """firstName or lastName as the configuration declares it: its validators, then its ``required`` for the
    context's role (none when the configuration leaves the attribute out)."""
    attribute = next((a for a in config.get("attributes") or [] if a.get("name") == name), None)
    if attribute is None:
        return []
    return _validator_errors(attribute, context, [] if value is None else [value], False)


def customised_root_errors(
    config: dict[str, Any], context: str, name: str, value: str, defaults: dict[str, Any]
) -> list[dict[str, Any]] | None:
    """username or email checked by the validators the configuration gives it, when they are not the default
    configuration's ``defaults`` (whose rules ``users.profile`` applies without reading the configuration): a
    ``length`` of 4–20 on username refuses ``usr`` as Keycloak's DeclarativeUserProfile does. None when the
    configuration keeps the defaults or leaves the attribute out. Past 255 characters (the stored column's size) the
    value is too long even when no configured validator says so: a 400, never a write that fails."""
    attribute = next((a for a in config.get("attributes") or [] if a.get("name") == name), None)
    if attribute is None or (attribute.get("validations") or {}) == defaults:
        return None
    found = _validator_errors(attribute, context, [value], False)
    if not found and len(value.strip()) > profile.MAX_LENGTH:  # whatever is configured, the column holds 255
        found.append({"field": name, "errorMessage": profile.TOO_LONG, "params": [name, None, profile.MAX_LENGTH]})
    return found


def errors(
    config: dict[str, Any], context: str, found: Values, current: Values | None, *, service_account: bool = False
) -> list[dict[str, Any]]:
    """Every validation error of the declared attributes, attribute by attribute in the configuration's
    order. An attribute the context may not edit that keeps the user's (even invalid) value is not refused."""
    out: list[dict[str, Any]] = []
    for attribute in custom(config):
        name = attribute["name"]
        given = found.get(name, [])
        editable = can_edit(attribute, context)
        mine = None if current is None else list(current.get(name, []))
        problems = _validator_errors(attribute, context, given, service_account)
        if mine is not None and not editable and given != mine and not (not mine and all(not v.strip() for v in given)):
            problems.append({"field": name, "errorMessage": READ_ONLY, "params": [name]})
        configured = attribute.get("validations") or {}
        required = is_required(attribute, context, service_account=service_account)
        if not attribute.get("multivalued") and validators.MULTIVALUED not in configured:
            problems.extend(validators.multivalued(name, given, {"max": 1}, required=required))
        if validators.LENGTH not in configured:
            problems.extend(validators.check(validators.LENGTH, name, given, DEFAULT_MAX_LENGTH))
        if (
            problems
            and mine is not None
            and not editable
            and [v for v in mine if v.strip()] == [v for v in given if v.strip()]
        ):
            continue  # DefaultAttributes.validate: a read-only value the user already had stays
        out.extend(problems)
    return out


def written(
    config: dict[str, Any], context: str, found: Values, base: dict[str, Any], current: Values | None
) -> dict[str, Any]:
    """The user's attributes after the update: ``base`` (the unmanaged attributes kept) without any declared
    attribute, then each declared one the context may edit with its new values, each other with the user's."""
    out = {k: v for k, v in base.items() if k not in names(config)}
    for attribute in custom(config):
        name = attribute["name"]
        kept = found.get(name, []) if can_edit(attribute, context) else (current or {}).get(name, [])
        kept = [v for v in kept if v.strip()]  # DefaultUserProfile stores no blank value
        if kept:
            out[name] = list(kept)
    return out


def shown(config: dict[str, Any], context: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """A user's attributes as the context may see them: declared attributes it may not view left out."""
    hidden = {a["name"] for a in custom(config) if not can_view(a, context)}
    return {k: v for k, v in attributes.items() if k not in hidden}


def validators_metadata(configured: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The validators as userProfileMetadata shows them: each configured one with ``ignore.empty.value``."""
    return {k: {**(v or {}), **_IGNORE_EMPTY} for k, v in (configured or {}).items()}


def metadata(config: dict[str, Any], context: str, *, service_account: bool = False) -> list[dict[str, Any]]:
    """UserProfileAttributeMetadata of each declared attribute the context may view."""
    out = []
    for attribute in custom(config):
        if not can_view(attribute, context):
            continue
        entry: dict[str, Any] = {
            "name": attribute["name"],
            "displayName": display_name(attribute),
            "required": is_required(attribute, context, service_account=service_account),
            "readOnly": not can_edit(attribute, context),
        }
        if attribute.get("annotations"):
            entry["annotations"] = attribute["annotations"]
        entry["validators"] = validators_metadata(attribute.get("validations"))
        if attribute.get("group") is not None:
            entry["group"] = attribute["group"]
        entry["multivalued"] = bool(attribute.get("multivalued"))
        if attribute.get("defaultValue") is not None:
            entry["defaultValue"] = attribute["defaultValue"]
        out.append(entry)
    return out


# --- the login forms (register.ftl, login-update-profile.ftl) ----------------------------------------
def form_fields(config: dict[str, Any], context: str) -> list[dict[str, str]]:
    """The declared attributes a form of the user's shows (those the user may view), each with its label (the
    display name, ``${key}`` left for the page to resolve), ``readonly`` ("true" where the user may not edit
    it: user-profile-commons.ftl renders it ``disabled`` with its value, "" otherwise; the REGISTRATION and
    IDP_REVIEW forms show no read-only attribute at all) and, for the first
    attribute of a group, the group's header (user-profile-commons.ftl's group headers)."""
    groups = {g.get("name"): g for g in config.get("groups") or []}
    out: list[dict[str, str]] = []
    last: str | None = None
    for attribute in custom(config):
        if not can_view(attribute, context) or (context in WRITABLE_ONLY and not can_edit(attribute, context)):
            continue  # the registration and review forms leave out what the user may not write (no user yet)
        group = attribute.get("group")
        header = ""
        if group is not None and group != last:
            header = str(groups.get(group, {}).get("displayHeader") or group)
        last = group
        readonly = "" if can_edit(attribute, context) else "true"
        multivalued = "true" if attribute.get("multivalued") else ""
        label = display_name(attribute)
        field = {"name": attribute["name"], "label": label, "header": header, "readonly": readonly}
        out.append({**field, "multivalued": multivalued})
    return out


def from_form(
    config: dict[str, Any],
    context: str,
    read: Callable[[str], str | None],
    read_all: Callable[[str], list[str]] | None = None,
) -> dict[str, Any]:
    """The values a form posted for the declared attributes the user may edit (``read``: the form's getter;
    a missing input is an empty value); a read-only one is never read, whatever is posted under its name. A
    multivalued one takes every non-blank value posted under its name (``read_all``; the page has an input
    per value)."""
    out: dict[str, Any] = {}
    for field in form_fields(config, context):
        name = field["name"]
        if field["readonly"]:
            continue
        if field["multivalued"] and read_all is not None:
            out[name] = [v for v in read_all(name) if v.strip()]
        else:
            out[name] = read(name) or ""
    return out


def shown_values(config: dict[str, Any], context: str, attributes: dict[str, Any]) -> dict[str, str]:
    """The first value of each declared attribute a form shows read-only, as the page renders it."""
    out: dict[str, str] = {}
    for field in form_fields(config, context):
        found = as_values(attributes.get(field["name"]))
        if field["readonly"] and found:
            out[field["name"]] = found[0]
    return out


# --- the client scopes an authentication requests (AttributeMetadata's selector and required scopes) ----------
def for_scopes(config: dict[str, Any], scopes: frozenset[str]) -> dict[str, Any]:
    """The configuration as an authentication requesting the client scopes ``scopes`` sees it
    (DeclarativeUserProfileProvider's requestedScopePredicate): an attribute whose ``selector.scopes`` names none
    of them is left out (neither shown nor validated nor written); a ``required`` naming scopes holds only where
    one of them is requested (then for its roles, as any other), else the attribute is optional."""
    out: list[dict[str, Any]] = []
    for attribute in config.get("attributes") or []:
        selector = (attribute.get("selector") or {}).get("scopes") or []
        if selector and not scopes.intersection(selector):
            continue
        required = attribute.get("required")
        needed = (required or {}).get("scopes") or []
        if needed:
            kept = {k: v for k, v in required.items() if k != "scopes"}
            attribute = {**attribute, "required": kept if scopes.intersection(needed) else None}
            if attribute["required"] is None:
                del attribute["required"]
        out.append(attribute)
    return {**config, "attributes": out}

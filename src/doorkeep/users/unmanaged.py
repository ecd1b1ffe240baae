"""Unmanaged attributes: a user's attributes the realm's user profile does not declare, as
``UPConfig.unmanagedAttributePolicy`` lets each context see and change them (Keycloak 26's DefaultAttributes:
isAllowUnmanagedAttribute, isAllowEditUnmanagedAttribute and createUnmanagedAttributeMetadata).

- no policy (disabled): no context sees them; a value sent is dropped; those the user has are kept, unseen;
- ENABLED: every context sees and changes them;
- ADMIN_EDIT: the admin API sees and changes them; the user's own contexts do not see them;
- ADMIN_VIEW: the admin API sees them read-only (a value sent is ignored, the user's kept); the user does not.

Doorkeep applies the policy only in a realm whose configuration was set (``PUT users/profile``, or a realm
file's ``declarative-user-profile`` component). A realm never given one keeps the lenient behaviour of earlier
releases (``admin.user_profile.enforced`` is false; callers then skip this module): the admin API stores and
returns every attribute. This is a deliberate difference from Keycloak 26, where a realm without a
configuration has the policy disabled.

``locale``, ``disabledReason`` and ``is_temporary_admin`` are never treated as unmanaged: Keycloak shows the
first as a root attribute and always adds the other two to the representation. ``locale`` may be read and
written only while the realm has internationalization on (DeclarativeUserProfileProviderFactory gives it
``isInternationalizationEnabled`` as both conditions, whatever the configuration): with it off the admin API
neither shows it nor changes it (``locale_unwritable``), in every realm.
"""

from __future__ import annotations

from typing import Any

from doorkeep.users import declared

ENABLED, ADMIN_EDIT, ADMIN_VIEW = "ENABLED", "ADMIN_EDIT", "ADMIN_VIEW"
EXEMPT = frozenset({"locale", "disabledReason", "is_temporary_admin"})


def can_view(policy: str | None, context: str) -> bool:
    if policy == ENABLED:
        return True
    return policy in (ADMIN_EDIT, ADMIN_VIEW) and context == declared.USER_API


def can_edit(policy: str | None, context: str) -> bool:
    return policy == ENABLED or (policy == ADMIN_EDIT and context == declared.USER_API)


def is_unmanaged(config: dict[str, Any], name: str) -> bool:
    return name not in declared.ROOT and name not in EXEMPT and name not in declared.names(config)


def only(config: dict[str, Any], attributes: dict[str, Any] | None) -> dict[str, Any]:
    """The unmanaged part of ``attributes``."""
    return {k: v for k, v in (attributes or {}).items() if is_unmanaged(config, k)}


def shown(config: dict[str, Any], policy: str | None, context: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """``attributes`` without the unmanaged ones the context may not see."""
    if can_view(policy, context):
        return dict(attributes)
    return {k: v for k, v in attributes.items() if not is_unmanaged(config, k)}


def locale_unwritable(attributes: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """``attributes`` with the user's own ``locale`` (none for a new user) in place of one sent: the realm's
    internationalization is off, so the attribute is read-only and DefaultUserProfile skips it."""
    out = {k: v for k, v in attributes.items() if k != "locale"}
    if current and "locale" in current:
        out["locale"] = current["locale"]
    return out


def sent_for_validation(
    config: dict[str, Any], policy: str | None, context: str, sent: dict[str, Any] | None
) -> dict[str, Any]:
    """The unmanaged attributes of a request the profile holds, so validates (DefaultAttributes.normalizeAttributes
    keeps them only where the context sees them)."""
    return only(config, sent) if can_view(policy, context) else {}


def kept(
    config: dict[str, Any],
    policy: str | None,
    context: str,
    sent: dict[str, Any] | None,
    current: dict[str, Any],
    *,
    absent_removes: bool = False,
) -> dict[str, Any]:
    """The unmanaged attributes a user has after an update: those sent where the context may change them, else
    the user's own untouched (DefaultUserProfile skips read-only ones and never removes them). No ``attributes``
    sent keeps the user's (the admin API's ``update(false)``) or, with ``absent_removes``, removes them (the
    Account API's ``update(true)``)."""
    if can_edit(policy, context) and (sent is not None or absent_removes):
        out = {k: [v for v in declared.as_values(values) if v.strip()] for k, values in only(config, sent).items()}
        return {k: v for k, v in out.items() if v}  # an all-blank value removes the attribute
    return only(config, current)


def replaced(config: dict[str, Any], attributes: dict[str, Any], unmanaged: dict[str, Any]) -> dict[str, Any]:
    """``attributes`` with its unmanaged part replaced by ``unmanaged``."""
    return {**{k: v for k, v in attributes.items() if not is_unmanaged(config, k)}, **unmanaged}


# --- the update-profile page (login-update-profile.ftl) -----------------------------------------------
PAGE_FIELDS = frozenset({"session_code", "cancel-aia"})
"""The page's own inputs, never attributes (Keycloak keeps the session code in the URL)."""


def form_fields(
    config: dict[str, Any], policy: str | None, context: str, attributes: dict[str, Any]
) -> list[dict[str, str]]:
    """The user's unmanaged attributes the page shows as inputs after the declared ones (ENABLED only; the
    attribute's name is its label), as ``declared.form_fields`` describes a field."""
    if not can_edit(policy, context):
        return []
    blank = {"header": "", "readonly": "", "multivalued": ""}
    return [{"name": name, "label": name, **blank} for name in sorted(only(config, attributes))]


def posted(config: dict[str, Any], policy: str | None, context: str, form: dict[str, str]) -> dict[str, str]:
    """The unmanaged attributes a form posted where the context may change them: every field that is neither
    the page's own nor an attribute the profile manages (UpdateProfile builds the profile from the form)."""
    if not can_edit(policy, context):
        return {}
    return {k: v for k, v in form.items() if k not in PAGE_FIELDS and is_unmanaged(config, k)}


def updated(config: dict[str, Any], sent: dict[str, str], current: dict[str, Any]) -> dict[str, Any]:
    """The user's unmanaged attributes after the page's ``update(false)``: each one posted set, a blank one
    removed, the others kept."""
    out = only(config, current)
    for name, value in sent.items():
        if value.strip():
            out[name] = [value]
        else:
            out.pop(name, None)
    return out

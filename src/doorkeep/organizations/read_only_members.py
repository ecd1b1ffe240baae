"""Read-only organization members (Keycloak 26's UserStorageManager.validateUser).

A MANAGED member of a disabled organization, or of any organization while the realm's organizations are off
(Organizations.isReadOnlyOrganizationMember), is handed out wrapped in a ReadOnlyUserModelDelegate built with
``enabled=false``: it reads disabled, so it cannot sign in, refresh, use its tokens or SSO session, and every
setter throws a ReadOnlyException, which UserResource.updateUser answers 400 with its message. The store computes
``User.read_only`` on every read of a user (store/users.py ``READ_ONLY``); this module names the write an admin
update would make first, as Keycloak's order of writes meets it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from doorkeep.errors import AdminError
from doorkeep.model import UPDATE_PASSWORD, User

# ReadOnlyUserModelDelegate.readOnlyException
MESSAGE = "The user is read-only. Not possible to write '{}' when updating user '{}'."
_NAMED = (("username", "username"), ("email", "email"), ("first_name", "firstName"), ("last_name", "lastName"))


def refused_update(user: User, updated: User, rep: dict[str, Any], actions: Collection[str]) -> AdminError | None:
    """The 400 a ``PUT users/{id}`` of a read-only user answers, or None for a user that is not read-only or an
    update that writes nothing the delegate guards (a password alone: credentials are not the user model's).

    UserResource.updateUser writes, after validation: the profile's changed attributes (``setAttribute`` /
    ``removeAttribute``: "attribute(name)"), then updateUserFromRep's ``enabled`` and ``emailVerified`` whenever
    sent, then each required action provider by id when ``requiredActions`` is sent (add or remove, both refused),
    then UPDATE_PASSWORD for a temporary password. ``actions``: the required action ids Keycloak would walk."""
    if not user.read_only:
        return None
    detail = _first_write(user, updated, rep, actions)
    return None if detail is None else AdminError(400, MESSAGE.format(detail, user.username))


def _first_write(user: User, updated: User, rep: dict[str, Any], actions: Collection[str]) -> str | None:
    for field, name in _NAMED:
        if getattr(user, field) != getattr(updated, field):
            return f"attribute({name})"
    changed = sorted(
        k for k in {*user.attributes, *updated.attributes} if user.attributes.get(k) != updated.attributes.get(k)
    )
    if changed:
        return f"attribute({changed[0]})"
    if rep.get("enabled") is not None:
        return "enabled"
    if rep.get("emailVerified") is not None:
        return "emailVerified"
    if rep.get("requiredActions") is not None and actions:
        return f"required action {min(actions)}"
    credentials = rep.get("credentials")
    if isinstance(credentials, list) and any(_temporary_password(c) for c in credentials):
        return f"required action {UPDATE_PASSWORD}"
    return None


def _temporary_password(credential: Any) -> bool:
    return isinstance(credential, dict) and credential.get("type") == "password" and credential.get("temporary") is True

"""Read-only organization members (Keycloak 26's UserStorageManager.validateUser).

A MANAGED member of a disabled organization, or of any organization while the realm's organizations are off
(Organizations.isReadOnlyOrganizationMember), is handed out wrapped in a ReadOnlyUserModelDelegate built with
``enabled=false``: it reads disabled, so it cannot sign in, refresh, use its tokens or SSO session, and every
setter throws a ReadOnlyException, which UserResource.updateUser answers 400 with its message. The store computes
``User.read_only`` on every read of a user (store/users.py ``READ_ONLY``); this module names the write an admin
update would make first, as Keycloak's order of writes meets it, and refuses the other writes the delegate throws
for (grantRole, deleteRoleMapping, joinGroup, leaveGroup, add/removeRequiredAction), each before anything is written.

RoleMapperResource and ClientRoleMappingsResource catch the exception (``ModelException | ReadOnlyException``) and
answer ``ErrorResponseException("invalid_request", "Could not add user role mappings!", 400)`` and its siblings.
Elsewhere it escapes the resource (UserResource.joinGroup and removeMembership, resetPassword's required-action
step, a role-mapping DELETE without a body) and KeycloakErrorHandler answers a generic 500 ``unknown_error``; Doorkeep
answers those 400 with the delegate's own message, as updateUser does (never a 500, as for a service account's
password in web/admin/users_ops.py). Credentials are not the user model's: their own writes (remove a credential,
its label, its order) pass, as UserCredentialManager checks only for a service account.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from doorkeep.errors import AdminError
from doorkeep.model import UPDATE_PASSWORD, Group, User

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

# ReadOnlyUserModelDelegate.readOnlyException
MESSAGE = "The user is read-only. Not possible to write '{}' when updating user '{}'."
_NAMED = (("username", "username"), ("email", "email"), ("first_name", "firstName"), ("last_name", "lastName"))


def write_refused(user: User, detail: str) -> AdminError:
    """ReadOnlyUserModelDelegate.readOnlyException for ``detail``, answered 400 ``errorMessage``."""
    return AdminError(400, MESSAGE.format(detail, user.username))


def refuse_required_action(user: User, action: str) -> None:
    """add/removeRequiredAction (UserResource.resetPassword's last step, either way): refused for a read-only user."""
    if user.read_only:
        raise write_refused(user, f"required action {action}")


def refuse_group(user: User, group_name: str) -> None:
    """joinGroup / leaveGroup, called only when the membership would change: refused for a read-only user."""
    if user.read_only:
        raise write_refused(user, f"group mapping for group {group_name}")


async def refuse_group_change(tx: Tx, user: User, group: Group, *, joining: bool) -> None:
    """A realm group join or leave, where UserResource calls joinGroup / leaveGroup: a join when the user is not yet
    a direct member (RoleUtils.isDirectMember), a leave when the user is a member of the group or of a group below
    it (UserModel.isMemberOf). Nothing is read for a user who is not read-only."""
    if not user.read_only:
        return
    held = await tx.groups.of_user(user.id)
    direct = any(g.id == group.id for g in held)
    changes = not direct if joining else direct or group.id in await tx.groups.ancestors(held)
    if changes:
        refuse_group(user, group.name)


def refuse_role_removal(user: User, role_name: str) -> None:
    """deleteRoleMapping as a role-mapping DELETE without a body meets it, outside the resource's catch."""
    if user.read_only:
        raise write_refused(user, f"role mapping for role {role_name}")


# RoleMapperResource (realm roles) and ClientRoleMappingsResource (a client's): by grant, then by per-client.
_MAPPING_REFUSALS = {
    (True, False): "Could not add user role mappings!",
    (False, False): "Could not remove user role mappings!",
    (True, True): "Could not add user role or group mappings!",
    (False, True): "Could not remove user or group role mappings!",
}


def refuse_mapping(user: User, *, grant: bool, per_client: bool) -> None:
    """grantRole / deleteRoleMapping of a listed role (after its lookup and the caller's requireMapRole): the
    resources' catch answers ``{"error": "invalid_request", "error_description": …}`` 400 for a read-only user."""
    if user.read_only:
        description = _MAPPING_REFUSALS[(grant, per_client)]
        raise AdminError(400, "invalid_request", key="error", description=description)


def refused_update(user: User, updated: User, rep: dict[str, Any], actions: Collection[str]) -> AdminError | None:
    """The 400 a ``PUT users/{id}`` of a read-only user answers, or None for a user that is not read-only or an
    update that writes nothing the delegate guards (a password alone: credentials are not the user model's).

    UserResource.updateUser writes, after validation: the profile's changed attributes (``setAttribute`` /
    ``removeAttribute``: "attribute(name)"), then updateUserFromRep's ``enabled``, ``emailVerified`` and
    ``federationLink`` whenever sent, then each required action provider by id when ``requiredActions`` is sent
    (add or remove, both refused), then UPDATE_PASSWORD for a temporary password. ``actions``: the required action
    ids Keycloak would walk."""
    if not user.read_only:
        return None
    detail = _first_write(user, updated, rep, actions)
    return None if detail is None else write_refused(user, detail)


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
    if rep.get("federationLink") is not None:  # setFederationLink, though Doorkeep keeps no federation link
        return "federationLink"
    if rep.get("requiredActions") is not None and actions:
        return f"required action {min(actions)}"
    credentials = rep.get("credentials")
    if isinstance(credentials, list) and any(_temporary_password(c) for c in credentials):
        return f"required action {UPDATE_PASSWORD}"
    return None


def _temporary_password(credential: Any) -> bool:
    return isinstance(credential, dict) and credential.get("type") == "password" and credential.get("temporary") is True

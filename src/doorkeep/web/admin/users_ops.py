"""Admin operations on users and their role mappings (KEYCLOAK.md §9.2; Keycloak's UsersResource,
UserResource, RoleMapperResource and ClientRoleMappingsResource).

Operations only: the request plumbing (the transaction, the caller, the realm, errors) is
``web.handlers`` and ``web.admin.common``, shared with every admin resource and the Account API.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep.admin import operations
from doorkeep.admin import user_profile as up_config
from doorkeep.admin.groups import normalized_path
from doorkeep.admin.representations import (
    USER_FIELDS,
    RepresentationError,
    apply,
    is_true,
    role_brief_json,
    role_to_json,
)
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.errors import AdminError
from doorkeep.model import UPDATE_PASSWORD, Client, Group, Realm, Role, User, with_password_update
from doorkeep.oauth.roles import direct_and_group_role_ids
from doorkeep.organizations import member_email, read_only_members
from doorkeep.realms import provisioning
from doorkeep.realms.bootstrap import set_password
from doorkeep.realms.required_actions import default_actions
from doorkeep.sessions import revocation_triggers as rt
from doorkeep.sessions import triggered
from doorkeep.users import (
    account_profile,
    brute_force,
    credential_label,
    declared,
    federated_links,
    read_only,
    unmanaged,
)
from doorkeep.users.credentials import retention
from doorkeep.users.profile import ProfileError, check_attributes, validate
from doorkeep.users.read_only import Names
from doorkeep.web.admin import common
from doorkeep.web.admin.auth import AdminIdentity
from doorkeep.web.admin.user_credential_reps import (
    apply_credentials,
    check_policy,
    new_passwords,
    representation_credentials,
)

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

# Keycloak ignores required actions no provider knows about.
KNOWN_ACTIONS = frozenset(
    {
        "CONFIGURE_TOTP",
        "TERMS_AND_CONDITIONS",
        "UPDATE_PASSWORD",
        "UPDATE_PROFILE",
        "VERIFY_EMAIL",
        "VERIFY_PROFILE",
        "UPDATE_EMAIL",
        "CONFIGURE_RECOVERY_AUTHN_CODES",
        "delete_account",
        "delete_credential",
        "update_user_locale",
        "webauthn-register",
        "webauthn-register-passwordless",
        "idp_link",
    }
)
# What a UserRepresentation may change on create; an update also leaves createdTimestamp alone.
CREATE_FIELDS = {k: v for k, v in USER_FIELDS.items() if k not in ("username", "notBefore")}
UPDATE_FIELDS = {k: v for k, v in CREATE_FIELDS.items() if k != "createdTimestamp"}


# Keycloak 26's ImmutableAttributeValidator on a username the realm does not let an administrator change.
READ_ONLY_USERNAME = {"field": "username", "errorMessage": "error-user-attribute-read-only", "params": ["username"]}

not_found = common.not_found  # one definition, shared with the other admin modules
bad_request = common.bad_request


# --- users -------------------------------------------------------------------------------------
def _representation(user: User, rep: dict[str, Any], fields: dict[str, str]) -> User:
    try:
        user = apply(user, rep, fields)
    except RepresentationError:
        raise bad_request() from None
    email = user.email.strip().lower() if user.email and user.email.strip() else None
    actions = tuple(a for a in dict.fromkeys(user.required_actions) if a in KNOWN_ACTIONS)
    return dataclasses.replace(user, email=email, required_actions=actions)


DUPLICATE_USER = "User exists with same username or email"


async def _check_email_free(tx: Tx, realm: Realm, email: str | None, user: User | None) -> None:
    """Keycloak 26's DuplicateEmailValidator, for a new user or a changed address only: another holder is
    "User exists with same email"; several holders (stored while duplicates were allowed) make JPA's
    getUserByEmail throw ModelDuplicateException, which createUser and updateUser answer with
    "User exists with same username or email"."""
    if not email or realm.duplicate_emails_allowed or (user is not None and user.email == email):
        return
    holders = await tx.users.ids_with_email(realm.id, email)
    if len(holders) > 1:
        raise AdminError(409, DUPLICATE_USER)
    if holders and (user is None or holders[0] != user.id):
        raise AdminError(409, "User exists with same email")
    if realm.login_with_email_allowed:  # the address may not be another user's username either (#27297)
        named = await tx.users.get_by_username(realm.id, email)
        if named is not None and (user is None or named.id != user.id):
            raise AdminError(409, "User exists with same email")


async def _check_username_free(tx: Tx, realm: Realm, username: str, user: User | None) -> None:
    """Keycloak 26's duplicate-username checks for a new or changed username: another user's username is
    "User exists with same username"; with loginWithEmailAllowed (and duplicate e-mails refused) so is
    another user's e-mail address, which a login by e-mail would otherwise confuse with it (#27297). With
    registrationEmailAsUsername the username is the e-mail, which the e-mail check covers."""
    if await tx.users.get_by_username(realm.id, username) is not None:
        raise AdminError(409, "User exists with same username")
    cross_checked = realm.login_with_email_allowed and not realm.duplicate_emails_allowed
    if cross_checked and not realm.registration_email_as_username:
        holders = await tx.users.ids_with_email(realm.id, username)
        if any(user is None or holder != user.id for holder in holders):
            raise AdminError(409, "User exists with same username")


def _profile_errors(
    realm: Realm, rep: dict[str, Any], config: dict[str, Any], username: str | None, user: User | None
) -> list[Any]:
    """The USER_API profile's errors in Keycloak's attribute order: username and e-mail (``users.profile``),
    firstName and lastName as the configuration declares them (a name the PUT leaves out keeps the user's, so
    only a requirement can fail it), then the unmanaged custom attributes (the declared ones are
    ``users.declared``'s)."""
    found: list[Any] = []
    for name, value in (("username", username), ("email", rep.get("email"))):
        own = validate({name: value})
        if isinstance(value, str) and value:
            defaults = up_config.default_validations(name)
            configured = declared.customised_root_errors(config, declared.USER_API, name, value, defaults)
            own = own if configured is None else configured
        found += own
    for name, field in (("firstName", "first_name"), ("lastName", "last_name")):
        sent = rep.get(name)
        if isinstance(sent, str):
            found += declared.root_errors(config, declared.USER_API, name, sent)
        else:
            kept = getattr(user, field) if user is not None else None
            checked = declared.root_errors(config, declared.USER_API, name, kept)
            found += [e for e in checked if e["errorMessage"] == declared.REQUIRED]
    return found + check_attributes(_unmanaged_checked(realm, config, _sent_attributes(rep)))


async def _member_email_errors(tx: Tx, realm: Realm, user: User, rep: dict[str, Any], errors: list[Any]) -> list[Any]:
    """OrganizationMemberValidator in the USER_API context: a MANAGED member's e-mail held to the domain of the
    organization's provider they are linked through (the e-mail's own errors first)."""
    email = rep.get("email")
    if not isinstance(email, str) or not email.strip() or any(e["field"] == "email" for e in errors):
        return []
    return await member_email.managed_errors(tx, realm, user, email.strip())


def _unmanaged_checked(realm: Realm, config: dict[str, Any], sent: dict[str, Any] | None) -> dict[str, Any]:
    """The unmanaged attributes sent that the profile holds, so validates (DefaultAttributes' length ≤ 2048):
    all of them in a realm never given a configuration, else those the policy lets the admin API see."""
    if not up_config.enforced(realm):
        return {k: v for k, v in (sent or {}).items() if k not in declared.names(config)}
    return unmanaged.sent_for_validation(config, up_config.unmanaged_policy(realm), declared.USER_API, sent)


def _with_unmanaged(
    realm: Realm, config: dict[str, Any], attributes: dict[str, Any], sent: dict[str, Any] | None, current: Any
) -> dict[str, Any]:
    """The attributes to store with the unmanaged ones as the realm's policy lets the admin API change them
    (``users.unmanaged``); a realm never given a configuration stores them as sent."""
    if not up_config.enforced(realm):
        return attributes
    policy = up_config.unmanaged_policy(realm)
    kept = unmanaged.kept(config, policy, declared.USER_API, sent, current or {})
    return unmanaged.replaced(config, attributes, kept)


def _locale_checked(realm: Realm, attributes: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """``attributes`` with the user's own ``locale`` kept while the realm's internationalization is off (its
    write condition in the USER_API profile, ``users.unmanaged``)."""
    return attributes if realm.internationalization_enabled else unmanaged.locale_unwritable(attributes, current)


def _sent_attributes(rep: dict[str, Any]) -> dict[str, Any] | None:
    attributes = rep.get("attributes")
    return attributes if isinstance(attributes, dict) else None


def _read_only_errors(
    realm: Realm, config: dict[str, Any], fixed: Names, found: dict[str, Any], sent: dict[str, Any] | None, current: Any
) -> list[dict[str, Any]]:
    """The admin read-only attributes (``users.read_only``) the request changes: among the declared ones' values
    and the unmanaged ones sent that the profile holds (all of them where the admin API takes unmanaged
    attributes, as a realm never given a configuration does; else those the user has)."""
    taken = not up_config.enforced(realm) or unmanaged.can_view(up_config.unmanaged_policy(realm), declared.USER_API)
    others = {k: v for k, v in (sent or {}).items() if unmanaged.is_unmanaged(config, k)}
    return read_only.refused(fixed, {**found, **read_only.held(fixed, others, current, unmanaged=taken)}, current)


async def create_user(
    tx: Tx,
    realm: Realm,
    rep: Any,
    now: int,
    caller: AdminIdentity,
    *,
    email_as_username: bool = True,
    default_actions_added: bool = True,
    fixed: Names | None,
    user_id: str | None = None,
) -> User:
    """``POST /users``: a new user (disabled unless ``enabled: true``) with the realm's default roles and its
    enabled default required actions (JpaUserProvider.addUser), to which the representation's add.

    With registrationEmailAsUsername, the user profile names the user by its e-mail when one is sent
    (Keycloak 26's DefaultAttributes); a partial import (``email_as_username=False``) keeps the username, and
    gets no default actions (``default_actions_added=False``), as RepresentationToModel.createUser does
    (``addUser(…, false, false)``). ``fixed``: the admin read-only attributes, which a new user may not be
    given (None: a partial import, which stores them as RepresentationToModel.createUser does). ``user_id``: the
    new user's id (a partial import keeps the one the representation gives), else a new one."""
    if rep is None:
        raise bad_request()
    if not isinstance(rep, dict):
        raise common.MISMATCHED_INPUT  # ``[]`` is no UserRepresentation: Jackson's MismatchedInputException
    username = rep.get("username")
    if email_as_username and realm.registration_email_as_username and isinstance(rep.get("email"), str):
        username = rep["email"]  # DefaultAttributes: the e-mail, even a blank one, is the username
    if not isinstance(username, str) or not username.strip():
        raise AdminError(400, "User name is missing")
    await _check_username_free(tx, realm, username.strip(), None)
    user = User(
        id=user_id or provisioning.new_id(),
        realm_id=realm.id,
        username=username.strip().lower(),
        enabled=False,
        created_timestamp=now * 1000,
    )
    user = _representation(user, rep, CREATE_FIELDS)
    if default_actions_added:
        actions = tuple(dict.fromkeys(default_actions(realm) + user.required_actions))
        user = dataclasses.replace(user, required_actions=actions)
    creds = representation_credentials(rep)
    config = up_config.config_of(realm)
    found = declared.values(config, declared.USER_API, _sent_attributes(rep), None)
    errors = _profile_errors(realm, rep, config, username, None)
    errors += declared.errors(config, declared.USER_API, found, None)
    if fixed is not None:
        errors += _read_only_errors(realm, config, fixed, found, _sent_attributes(rep), None)
    if errors:
        raise ProfileError(errors, shrink=True)
    attributes = declared.written(config, declared.USER_API, found, user.attributes, None)
    attributes = _with_unmanaged(realm, config, attributes, _sent_attributes(rep), None)
    if fixed is not None:  # not a partial import: RepresentationToModel.createUser stores the locale as sent
        attributes = _locale_checked(realm, attributes, None)
    user = dataclasses.replace(
        user, attributes=attributes if fixed is None else read_only.pinned(fixed, attributes, None)
    )
    await _check_email_free(tx, realm, user.email, None)
    groups = await _groups_by_path(tx, realm, rep.get("groups"))
    for group in groups:  # as PUT users/{id}/groups/{groupId} checks: the caller may give the group's roles
        await caller.require_membership(tx, group)
    await check_policy(tx, realm, user, new_passwords(creds), now)
    links = await federated_links.for_new_user(tx, realm.id, rep.get("federatedIdentities"))
    # UsersResource.createUser's ModelDuplicateException: a namesake created meanwhile, met at the unique index
    await tx.refused_as(
        provisioning.create_user(tx, realm, user), AdminError(409, "User exists with same username or email")
    )
    await federated_links.add(tx, realm.id, user.id, links)  # RepresentationToModel.createFederatedIdentities
    for group in groups:
        await tx.groups.join(user.id, group.id)
    updated = await apply_credentials(tx, user, creds, now, policy=realm.password_policy, kept=retention(realm, now))
    if updated != user:
        await tx.users.update(updated)
    return updated


async def _groups_by_path(tx: Tx, realm: Realm, paths: Any) -> list[Group]:
    """The groups a new user's ``groups`` names by path (Keycloak's createGroups: ``/parent/child``,
    the leading slash optional), found before anything is written; an unknown path is a 400 with Keycloak's
    text (Keycloak itself answers it with a 500)."""
    if paths is None:
        return []
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise bad_request()
    by_path = {g.path: g for g in await tx.groups.realm_groups(realm.id)}
    found: dict[str, Group] = {}
    for path in paths:
        group = by_path.get(normalized_path(path))
        if group is None:
            raise AdminError(400, f"Unable to find group specified by path: {path}")
        found.setdefault(group.id, group)
    return list(found.values())


def _new_username(realm: Realm, user: User, rep: dict[str, Any]) -> str | None:
    """The username a PUT asks for, lower-cased as Keycloak 26's DefaultAttributes normalises it, if it
    differs from the user's (absent, null or blank keeps it). With registrationEmailAsUsername the e-mail
    sent, else the user's own, is the username when there is one; a blank e-mail sent is a missing name. Not for
    a service account, whose e-mail never names it (ServiceAccountAttributes.setUserName does nothing)."""
    username = rep.get("username")
    if realm.registration_email_as_username and user.service_account_client_id is None:
        email = rep.get("email")
        if isinstance(email, str) and not email.strip():
            raise AdminError(400, "User name is missing")
        username = _email_of(user, rep) or username
    if not isinstance(username, str) or not username.strip() or username.strip().lower() == user.username:
        return None
    return username.strip().lower()


def _username_editable(realm: Realm, user: User, username: str, rep: dict[str, Any]) -> bool:
    """Keycloak 26's editUsernameCondition for an existing user of the USER_API context (false with
    registrationEmailAsUsername), except that ImmutableAttributeValidator lets a username equal to the
    e-mail through when the e-mail is the username. A service account's username is read-only
    (ServiceAccountAttributes.isReadOnly). The username's configured permissions add their write condition for
    the ``admin`` role (DeclarativeUserProfileProvider.decorateUserProfileForCache)."""
    if user.service_account_client_id is not None:
        return False
    if realm.registration_email_as_username:
        return username == _email_of(user, rep)
    return realm.edit_username_allowed and account_profile.username_permissions(realm, declared.USER_API)[1]


def _email_of(user: User, rep: dict[str, Any]) -> str | None:
    """The e-mail a PUT leaves the user with, as the duplicate checks compare it (stripped, lower case)."""
    email = rep.get("email")
    if isinstance(email, str):
        return email.strip().lower() or None
    return user.email


async def update_user(tx: Tx, realm: Realm, user: User, rep: Any, now: int, fixed: Names) -> None:
    """``PUT /users/{id}``: a partial update; absent or null fields keep their value.

    A new username must be free (DuplicateUsernameValidator, a 409 first) and, unless the realm allows
    editing usernames, is refused by Keycloak's ImmutableAttributeValidator ("error-user-attribute-read-only",
    after the username's own profile errors); repeating the name in another case changes nothing. An
    attribute ``fixed`` names (the admin read-only attributes, ``users.read_only``) is refused if changed and
    otherwise stays the user's, sent or not."""
    if not isinstance(rep, dict):
        raise bad_request()
    username = _new_username(realm, user, rep)
    if username is not None:
        await _check_username_free(tx, realm, username, user)
    name_frozen = username is not None and not _username_editable(realm, user, username, rep)
    renamed = user if username is None or name_frozen else dataclasses.replace(user, username=username)
    updated = _representation(renamed, rep, UPDATE_FIELDS)
    creds = representation_credentials(rep)
    config, current = up_config.config_of(realm), dict(user.attributes)
    # UserResource.updateUser: without ``attributes`` the user's own are validated (and kept)
    sent = _sent_attributes(rep)
    found = declared.values(config, declared.USER_API, current if sent is None else sent, current)
    errors = _profile_errors(realm, rep, config, username, user)
    at = sum(e["field"] in ("username", "email") for e in errors)  # the member's e-mail check follows the e-mail's
    errors[at:at] = await _member_email_errors(tx, realm, user, rep, errors)
    if name_frozen:  # after the username's errors, before the other attributes'
        errors.insert(sum(e["field"] == "username" for e in errors), READ_ONLY_USERNAME)
    service_account = user.service_account_client_id is not None
    errors += declared.errors(config, declared.USER_API, found, current, service_account=service_account)
    errors += _read_only_errors(realm, config, fixed, found, sent, current)
    if errors:
        raise ProfileError(errors, shrink=True)
    attributes = declared.written(config, declared.USER_API, found, updated.attributes, current)
    attributes = read_only.pinned(fixed, _with_unmanaged(realm, config, attributes, sent, current), current)
    attributes = _locale_checked(realm, attributes, current)
    updated = dataclasses.replace(updated, attributes=attributes)
    await _check_email_free(tx, realm, updated.email, user)
    if (refused := read_only_members.refused_update(user, updated, rep, KNOWN_ACTIONS)) is not None:
        raise refused  # a read-only organization member (organizations/read_only_members.py)
    if creds and user.service_account_client_id:
        # Keycloak's UserCredentialManager throws for a service-account user ("You can not manage credentials
        # for this user") and updateUser's catch-all answers it so; the transaction is rolled back.
        raise AdminError(400, "Could not update user!")
    await check_policy(tx, realm, updated, new_passwords(creds), now)  # the user as updated: its new name and email
    updated = await apply_credentials(tx, updated, creds, now, policy=realm.password_policy, kept=retention(realm, now))
    if is_true(rep.get("enabled")):  # re-enabling releases a brute-force lockout
        updated = await brute_force.enabled_by_admin(tx, realm, user, updated, now)
    await tx.users.update(updated)
    if new_passwords(creds):
        await triggered.end_for_user(tx, realm, user.id, rt.PASSWORD_CHANGE, now=now)
    if user.enabled and not updated.enabled:
        await triggered.end_for_user(tx, realm, user.id, rt.USER_DISABLED, now=now)


async def reset_password(tx: Tx, realm: Realm, user: User, rep: Any, now: int) -> None:
    """``PUT /users/{id}/reset-password``: a temporary password adds UPDATE_PASSWORD, a permanent one drops it."""
    value = rep.get("value") if isinstance(rep, dict) else None
    if value is None:
        raise bad_request("No password provided")
    if not isinstance(value, str):
        raise bad_request()
    if not value.strip():
        raise bad_request("Empty password not allowed")
    if user.service_account_client_id:
        # Keycloak's credential manager refuses it too, but the exception escapes resetPassword's catches and
        # becomes a generic 500; Doorkeep answers a 400 with the refusal's own text instead (never a 500).
        raise AdminError(400, "You can not manage credentials for this user")
    await check_policy(tx, realm, user, [value], now)
    # resetPassword then adds (temporary) or removes UPDATE_PASSWORD: a read-only member's delegate refuses both
    read_only_members.refuse_required_action(user, UPDATE_PASSWORD)
    await set_password(tx, user, value, now, policy=realm.password_policy, kept=retention(realm, now))
    updated = with_password_update(user, is_true(rep.get("temporary")))
    if updated != user:
        await tx.users.update(updated)
    await triggered.end_for_user(tx, realm, user.id, rt.PASSWORD_CHANGE, now=now)


# --- role mappings -----------------------------------------------------------------------------
async def role_mappings(tx: Tx, realm: Realm, user: User) -> dict[str, Any]:
    """MappingsRepresentation: direct realm roles and, per clientId, direct client roles (empty parts omitted),
    brief as RoleMapperResource.getRoleMappings renders them."""
    realm_roles: list[dict[str, Any]] = []
    by_client: dict[str, dict[str, Any]] = {}
    for role in await tx.roles.get_many(await tx.users.role_ids(user.id)):
        if role.client_id is None:
            realm_roles.append(role_brief_json(role, realm.id))
            continue
        client = await tx.clients.get(role.client_id)
        if client is None:
            continue
        entry = by_client.setdefault(client.client_id, {"id": client.id, "client": client.client_id, "mappings": []})
        entry["mappings"].append(role_brief_json(role, client.id))
    out: dict[str, Any] = {}
    if realm_roles:
        out["realmMappings"] = realm_roles
    if by_client:
        out["clientMappings"] = by_client
    return out


async def role_list(
    tx: Tx,
    realm: Realm,
    user: User,
    client: Client | None,
    kind: str,
    caller: AdminIdentity | None = None,
    *,
    brief: bool = True,
) -> list[dict[str, Any]]:
    """Realm roles (or one client's roles) that are mapped directly, effective (composites expanded), or
    available (not mapped, and the ``caller`` may map them, as Keycloak filters with canMapRole). Brief, as
    RoleMapperResource and ClientRoleMappingsResource render them; only ``composite`` honours
    ``briefRepresentation=false``."""
    direct = await tx.users.role_ids(user.id)
    pool = await (tx.roles.list_client_roles(client.id) if client else tx.roles.list_realm_roles(realm.id))
    if kind == "composite":
        effective = await tx.roles.expand(await direct_and_group_role_ids(tx, user))
        chosen = [r for r in pool if r.id in effective]
    elif kind == "available":
        chosen = [r for r in pool if r.id not in direct and caller is not None and await caller.may_map(tx, realm, r)]
    else:
        chosen = [r for r in pool if r.id in direct]
    container = client.id if client else realm.id
    render = role_to_json if kind == "composite" and not brief else role_brief_json
    return [render(r, container) for r in chosen]


async def change_mappings(
    tx: Tx, realm: Realm, user: User, client: Client | None, body: Any, grant: bool, caller: AdminIdentity
) -> None:
    """POST grants the listed roles; DELETE revokes them, or every mapping of that kind when the body is empty.

    Both ways, each role must be the caller's to hand out (Keycloak's requireMapRole): 403 otherwise. Then the
    realm's client policies judge the change (Keycloak 26.8's REGISTER_ROLE_MAPPING, UNREGISTER_ROLE_MAPPING; the
    client conditions see the roles' client, none for realm roles): 400 when an executor refuses.
    """
    event = Event.REGISTER_ROLE_MAPPING if grant else Event.UNREGISTER_ROLE_MAPPING
    if body is None and not grant:
        owner = client.id if client else None
        mapped = [r for r in await tx.roles.get_many(await tx.users.role_ids(user.id)) if r.client_id == owner]
        for role in mapped:
            await caller.require_grant(tx, role)
            read_only_members.refuse_role_removal(user, role.name)
        await client_policies.on_admin_change(tx, realm, event, client, user=caller.user)
        await tx.users.revoke_roles(user.id, [r.id for r in mapped])
        return
    if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
        raise common.NOT_A_LIST_OF_OBJECTS
    roles: list[Role] = []
    for rep in body:  # Keycloak checks each role as it finds it: 404 or 403 in the order given
        role = await operations.mapped_role(tx, realm, client, rep)
        await caller.require_grant(tx, role)
        read_only_members.refuse_mapping(user, grant=grant, per_client=client is not None)
        roles.append(role)
    await client_policies.on_admin_change(tx, realm, event, client, user=caller.user)
    if grant:
        await tx.users.grant_roles(user.id, [r.id for r in roles])
    else:
        await tx.users.revoke_roles(user.id, [r.id for r in roles])


# UserResource.setCredentialUserLabel's own refusals, before the credential store's (users/credential_label.py).
CREDENTIAL_NOT_FOUND = "Credential not found"
MISSING_LABEL = common.RestError(400, "missingCredentialLabel", "Credential label must not be empty")


async def set_credential_label(tx: Tx, user: User, credential_id: str, label: str) -> None:
    """``PUT users/{id}/credentials/{credentialId}/userLabel``: the user's own credential only (404
    otherwise); a blank label is a 400; then the store's update (too long a label a 400, one another credential
    of the same type already bears a 409 ``conflict``)."""
    stored = await tx.users.credentials(user.id)
    found = next((c for c in stored if c.id == credential_id), None)
    if found is None:
        raise not_found(CREDENTIAL_NOT_FOUND)
    if not label.strip():
        raise MISSING_LABEL
    await credential_label.write(tx, user.id, stored, found, label)

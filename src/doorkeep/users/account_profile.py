"""The user profile's root attributes in the ACCOUNT context, as ``GET``/``POST /realms/{r}/account`` use it
(and its metadata in the admin API's USER_API context, for ``GET users/{id}?userProfileMetadata=true`` and
``users/profile/metadata``).

The realm's configuration (``admin.user_profile``; Keycloak 26's ``keycloak-default-user-profile.json`` until
changed: username, email, firstName, lastName, the last three required for the ``user`` role, one group
``user-metadata``) decides the names' validators and requirement, the e-mail's requirement, the display names
and the groups; the declared custom attributes are ``users.declared``'s. Username and e-mail keep
DeclarativeUserProfileProviderFactory's
``editUsernameCondition`` and ``editEmailCondition``: the username is editable only when the realm allows
editing usernames and does not use the e-mail as username (and its configured permissions let the context's role
edit it: ``username_permissions``); the e-mail is read-only when the e-mail is the
username and usernames may not be edited. ``metadata`` is UserProfileUtil.createUserProfileMetadata;
``normalize`` and ``errors`` are DefaultAttributes.normalizeAttributes and validate with the validators of
the ACCOUNT profile (UsernameMutationValidator, DuplicateUsernameValidator, BlankAttributeValidator,
DuplicateEmailValidator, AttributeRequiredByMetadataValidator and the configured ones).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.admin import user_profile as up_config
from doorkeep.model import Realm, User
from doorkeep.organizations import member_email
from doorkeep.realms import required_actions
from doorkeep.users import declared, locale_attribute, profile

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ATTRIBUTES = ("username", "email", "firstName", "lastName")
# The display names the default metadata gives username and email (createDefaultProfile), which a configuration
# without one keeps; firstName and lastName have none there, so theirs is their name
# (RequiredActionUpdateProfileWithUserProfileTest.testDisplayName).
BUILT_IN_DISPLAY_NAMES = {"username": "${username}", "email": "${email}"}
DISPLAY_NAMES = {name: "${" + name + "}" for name in ATTRIBUTES}
REQUIRED = "error-user-attribute-required"
MISSING_EMAIL = "missingEmailMessage"
READ_ONLY_USERNAME = "readOnlyUsernameMessage"
USERNAME_EXISTS = "usernameExistsMessage"
EMAIL_EXISTS = "emailExistsMessage"
UPDATE_EMAIL = "UPDATE_EMAIL"


def username_editable(realm: Realm) -> bool:
    """editUsernameCondition for an existing user outside registration."""
    return realm.edit_username_allowed and not realm.registration_email_as_username


def root_permissions(realm: Realm, name: str, context: str) -> tuple[bool, bool]:
    """Whether the configured permissions of a root attribute let the context's role (``declared``: ``admin`` in
    USER_API, ``user`` elsewhere) view and edit it, as DeclarativeUserProfileProvider.decorateUserProfileForCache
    builds its read and write conditions. Username and e-mail are built in: their permissions are added to their
    own conditions (readUsernameCondition, editEmailCondition, ...), and none (no ``permissions``, or both lists
    empty) make both always true. The names are not: they exist only where the configuration declares them, and
    then follow their permissions alone (none, or empty lists: neither viewable nor editable), the view
    permission including the edit one (createViewAllowedPredicate)."""
    attributes = up_config.config_of(realm).get("attributes") or []
    rep: dict[str, Any] | None = next((a for a in attributes if a.get("name") == name), None)
    if name in ("username", "email"):
        permissions = (rep or {}).get("permissions")
        if not isinstance(permissions, dict) or not (permissions.get("view") or permissions.get("edit")):
            return True, True
    if rep is None:
        return False, False
    return declared.can_view(rep, context), declared.can_edit(rep, context)


def username_permissions(realm: Realm, context: str) -> tuple[bool, bool]:
    """``root_permissions`` of the username."""
    return root_permissions(realm, "username", context)


def readable(realm: Realm, context: str) -> frozenset[str]:
    """The root attributes the context's role may view (DefaultAttributes.getReadable of username, email,
    firstName and lastName): UserProfile.toRepresentation leaves the others out of a user's representation."""
    return frozenset(name for name in ATTRIBUTES if root_permissions(realm, name, context)[0])


def username_locked(realm: Realm, context: str = declared.ACCOUNT) -> bool:
    """The realm lets the user edit the username (``username_editable``) but its configured permissions do not:
    a changed username is then refused by ImmutableAttributeValidator ("error-user-attribute-read-only")."""
    return username_editable(realm) and not username_permissions(realm, context)[1]


def username_shown(realm: Realm) -> bool:
    """The UPDATE_PROFILE page's username: readUsernameCondition (the realm lets users edit usernames that are not
    their e-mail) and the configured permissions' read condition."""
    return username_editable(realm) and username_permissions(realm, declared.UPDATE_PROFILE)[0]


def update_email_enabled(realm: Realm) -> bool:
    """UpdateEmail.isEnabled: the realm's UPDATE_EMAIL required action is registered and enabled (the
    update-email feature is on in a default Keycloak 26 server)."""
    return any(a.alias == UPDATE_EMAIL and a.enabled for a in required_actions.of(realm))


def email_editable(realm: Realm) -> bool:
    """editEmailCondition in the ACCOUNT (and UPDATE_PROFILE) context: never while UPDATE_EMAIL is enabled,
    which then is the way to change it (AccountRestServiceTest.testEmailWhenUpdateEmailEnabled)."""
    if update_email_enabled(realm):
        return False
    return not (realm.registration_email_as_username and not realm.edit_username_allowed)


def update_email_offered(realm: Realm) -> bool:
    """The account console's "Update email" (PersonalInfo.tsx: the update-email action enabled, unless the e-mail
    is a username the user may not edit)."""
    return update_email_enabled(realm) and (not realm.registration_email_as_username or realm.edit_username_allowed)


def email_settable(realm: Realm) -> bool:
    """editEmailCondition and readEmailCondition in the UPDATE_PROFILE context while UPDATE_EMAIL is enabled: a
    user without an e-mail sets one on the update-profile page, unless the configuration keeps it from the user
    (once set, only UPDATE_EMAIL changes it)."""
    if not update_email_enabled(realm):
        return False
    config = up_config.config_of(realm)
    rep = next((a for a in config.get("attributes") or [] if a.get("name") == "email"), {"name": "email"})
    return rep.get("permissions") is None or declared.can_edit(rep, declared.ACCOUNT)


def email_open(realm: Realm, user: User) -> bool:
    """``email_settable`` for this user: one without an e-mail."""
    return _blank(user.email) and email_settable(realm)


def read_only(realm: Realm, *, admin: bool = False, user: User | None = None) -> dict[str, bool]:
    """Which attributes the context may not change. The USER_API context (``admin``) shares the username's
    editUsernameCondition for an existing user; its editEmailCondition is always true. The username's configured
    permissions add their write condition (``username_permissions``). ``user``: the UPDATE_PROFILE context's, whose
    e-mail ``email_open`` may open."""
    context = declared.USER_API if admin else declared.ACCOUNT
    return {
        "username": not username_editable(realm) or not username_permissions(realm, context)[1],
        "email": not admin and not email_editable(realm) and not (user is not None and email_open(realm, user)),
        "firstName": False,
        "lastName": False,
    }


def metadata(
    realm: Realm, *, admin: bool = False, new_user: bool = False, scopes: frozenset[str] | None = None
) -> dict[str, Any]:
    """``userProfileMetadata`` (UserProfileUtil.createUserProfileMetadata) of the realm's configuration: the
    username is required unless the e-mail is the username (DeclarativeUserProfileProvider's required predicate
    of the username); the e-mail when the configuration requires it for the context's role or the e-mail is the
    username; the names when the configuration requires them for the role, so in the ACCOUNT context and not in
    the admin API's USER_API context (``admin``; UPConfigUtils.isRoleForContext asks for the ``admin`` role
    there). The root attributes the configuration leaves out are left out; the declared ones the context may
    view follow (``users.declared``), after the built-in ``locale`` while internationalization is on
    (``users.locale_attribute``), then the configuration's groups. ``new_user``: the metadata of
    ``users/profile/metadata``, for a user not yet created (editUsernameCondition: the username is editable
    unless the e-mail is the username). ``scopes``: the client scopes of the caller's token, which the attributes'
    ``selector`` and ``required`` scopes are matched against (DeclarativeUserProfileProvider.requestedScopePredicate
    reads AuthenticationManager.getRequestedScopes, the bearer token's outside a login). The configured
    permissions of the root attributes hide them from a context that may not view them and make them read-only for
    one that may not edit them, on top of the username's and e-mail's own conditions (``root_permissions``)."""
    config = up_config.config_of(realm)
    if scopes is not None:
        config = declared.for_scopes(config, scopes)
    context = declared.USER_API if admin else declared.ACCOUNT
    flags = read_only(realm, admin=admin)
    if new_user:
        flags["username"] = realm.registration_email_as_username or not username_permissions(realm, context)[1]
    by_name = {a.get("name"): a for a in config.get("attributes") or []}
    attributes = []
    for name in ATTRIBUTES:
        rep = by_name.get(name)
        if rep is None:
            continue
        view, edit = root_permissions(realm, name, context)
        if not view:
            continue
        if name == "username":
            required = not realm.registration_email_as_username
        elif name == "email":
            required = email_required(config, realm, context)
        else:
            required = declared.is_required(rep, context)
        entry: dict[str, Any] = {
            "name": name,
            "displayName": declared.display_name(rep, BUILT_IN_DISPLAY_NAMES.get(name)),
            "required": required,
            "readOnly": flags[name] or not edit,
        }
        if rep.get("annotations"):
            entry["annotations"] = rep["annotations"]
        entry["validators"] = declared.validators_metadata(rep.get("validations"))
        if rep.get("group") is not None:
            entry["group"] = rep["group"]
        entry["multivalued"] = bool(rep.get("multivalued"))
        attributes.append(entry)
    attributes.extend(declared.metadata(config, context))
    order = {a.get("name"): i for i, a in enumerate(config.get("attributes") or [])}
    attributes.sort(key=lambda entry: order.get(entry["name"], len(order)))  # the GUI order: the configuration's
    attributes[:0] = locale_attribute.metadata(realm, config)  # GUI order -1: before the configured ones
    return {"attributes": attributes, "groups": [dict(g) for g in config.get("groups") or []]}


def locked(realm: Realm) -> frozenset[str]:
    """The e-mail and names the user's contexts (ACCOUNT, UPDATE_PROFILE: both the ``user`` role) may not edit
    by the configured permissions: ImmutableAttributeValidator refuses a change to them
    ("error-user-attribute-read-only"), and DefaultAttributes.normalizeAttributes keeps the user's value when the
    request leaves them out (``isIncludeAttributeIfNotProvided``)."""
    by_name = {a.get("name"): a for a in up_config.config_of(realm).get("attributes") or []}
    return frozenset(
        name
        for name in ("email", "firstName", "lastName")
        if by_name.get(name) is not None and not root_permissions(realm, name, declared.ACCOUNT)[1]
    )


def current(user: User) -> dict[str, str | None]:
    return {"username": user.username, "email": user.email, "firstName": user.first_name, "lastName": user.last_name}


def normalize(realm: Realm, user: User, rep: dict[str, Any], *, update_profile: bool = False) -> dict[str, str | None]:
    """The values after DefaultAttributes.normalizeAttributes: a null or absent attribute is empty unless it
    is read-only (then the user's value); a read-only e-mail is the user's whatever is sent (DefaultUserProfile
    writes no read-only attribute: AccountRestServiceTest.testEditUsernameAllowed); the username is
    lower-cased, the user's own when not sent, and the e-mail when the e-mail is the username; ``update_profile``:
    the UPDATE_PROFILE context's (``read_only``'s ``user``). Names and an e-mail the configured permissions keep
    from the user (``locked``), or whose permissions hide them from the user (``readable``: not on the user's
    forms), are the user's when not sent."""
    flags, mine = read_only(realm, user=user if update_profile else None), current(user)
    fixed = locked(realm) | (frozenset(ATTRIBUTES) - readable(realm, declared.ACCOUNT))
    values: dict[str, str | None] = {}
    for name in ATTRIBUTES:
        sent = rep.get(name)
        values[name] = sent if isinstance(sent, str) else (mine[name] if flags[name] or name in fixed else None)
    if flags["email"]:
        values["email"] = mine["email"]
    username = rep.get("username")
    values["username"] = username.lower() if isinstance(username, str) and username else user.username
    if realm.registration_email_as_username and isinstance(rep.get("email"), str):
        values["username"] = values["email"]
    return values


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _error(field: str, message: str, *params: Any) -> dict[str, Any]:
    return {"field": field, "errorMessage": message, "params": [field, *params]}


async def errors(
    tx: Tx,
    realm: Realm,
    user: User,
    rep: dict[str, Any],
    values: dict[str, str | None],
    *,
    update_profile: bool = False,
) -> list[dict[str, Any]]:
    """Every validation error of the update, attribute by attribute in the profile's order; ``params``
    start with the attribute's name (``display_params`` turns it into the display name)."""
    flags = read_only(realm, user=user if update_profile else None)
    found: list[dict[str, Any]] = []
    username = values["username"] or user.username
    if username.lower() != user.username and await _username_taken(tx, realm, user, username):
        found.append(_error("username", USERNAME_EXISTS))
    # the username that follows the e-mail is no edit of the username (testEditUsernameAllowed's last step)
    if not realm.edit_username_allowed and not realm.registration_email_as_username and username != user.username:
        found.append(_error("username", READ_ONLY_USERNAME))
    found.extend(profile.validate({"username": username}))
    if username.lower() != user.username and username_locked(realm):  # ImmutableAttributeValidator
        found.append({"field": "username", "errorMessage": declared.READ_ONLY, "params": ["username"]})
    email = values["email"]
    if isinstance(rep.get("email"), str) and _blank(email):
        found.append(_error("email", MISSING_EMAIL))
    changed = email is not None and not _blank(email) and email.lower() != (user.email or "").lower()
    if changed and email is not None and await _email_taken(tx, realm, user, email.strip()):
        found.append(_error("email", EMAIL_EXISTS))
    shape = profile.validate({"email": email})
    found.extend(shape or (await member_email.managed_errors(tx, realm, user, email.strip()) if email else []))
    config = up_config.config_of(realm)
    if not shape and email is not None and not _blank(email):  # the configuration's own e-mail validators
        found.extend(declared.root_errors(config, declared.ACCOUNT, "email", email.strip()))
    if _blank(email) and not flags["email"] and email_required(config, realm, declared.ACCOUNT):
        found.append(_error("email", REQUIRED))
    fixed = locked(realm)
    for name in ("firstName", "lastName"):  # as the configuration declares them (required for ``user``)
        if name not in fixed:
            found.extend(declared.root_errors(config, declared.ACCOUNT, name, values[name]))
    mine = current(user)
    for name in sorted(fixed, key=ATTRIBUTES.index):
        if not _same(name, mine[name], values[name]):
            found.append({"field": name, "errorMessage": declared.READ_ONLY, "params": [name]})
    return found


def _same(name: str, existing: str | None, sent: str | None) -> bool:
    """ImmutableAttributeValidator's comparison: a blank value is none, the e-mail ignores case."""
    if existing is None or sent is None or _blank(existing) or _blank(sent):
        return _blank(existing) and _blank(sent)
    return existing.lower() == sent.lower() if name == "email" else existing == sent


async def _username_taken(tx: Tx, realm: Realm, user: User, username: str) -> bool:
    """DuplicateUsernameValidator: another user's username, or, where users log in with their e-mail and
    e-mails are unique, another user's e-mail (#27297; the admin API's rule too)."""
    other = await tx.users.get_by_username(realm.id, username.strip().lower())
    if other is not None and other.id != user.id:
        return True
    if (
        realm.login_with_email_allowed
        and not realm.duplicate_emails_allowed
        and not realm.registration_email_as_username
    ):
        return any(h != user.id for h in await tx.users.ids_with_email(realm.id, username.strip().lower()))
    return False


async def _email_taken(tx: Tx, realm: Realm, user: User, email: str) -> bool:
    """DuplicateEmailValidator: another user's e-mail, or, where users log in with their e-mail, another
    user's username (#27297), unless the realm allows duplicate e-mails."""
    if realm.duplicate_emails_allowed:
        return False
    if any(h != user.id for h in await tx.users.ids_with_email(realm.id, email)):
        return True
    if realm.login_with_email_allowed:
        other = await tx.users.get_by_username(realm.id, email.lower())
        return other is not None and other.id != user.id
    return False


def email_required(config: dict[str, Any], realm: Realm, context: str) -> bool:
    """EmailRequiredPredicate: the configuration requires it for the context's role, or it is the username."""
    rep = next((a for a in config.get("attributes") or [] if a.get("name") == "email"), {"name": "email"})
    return declared.is_required(rep, context) or realm.registration_email_as_username


def changes(realm: Realm, user: User, values: dict[str, str | None], *, update_profile: bool = False) -> dict[str, Any]:
    """The user's fields a valid update sets: the names, a new e-mail (then unverified) where it may be
    edited, and a new username where it may be edited or follows the e-mail that is the username. The
    Account REST API and the UPDATE_PROFILE required action both write these. An emptied name is no name
    (null), as Keycloak stores it (RequiredActionUpdateProfileWithUserProfileTest.testOptionalAttribute)."""
    flags = read_only(realm, user=user if update_profile else None)
    found: dict[str, Any] = {"first_name": values["firstName"] or None, "last_name": values["lastName"] or None}
    email = (values["email"] or "").strip().lower() or None
    if not flags["email"] and email != user.email:
        found.update(email=email, email_verified=False)
    username = (values["username"] or user.username).strip().lower()
    if username != user.username and (not flags["username"] or realm.registration_email_as_username):
        found["username"] = username
    return found


_DETAIL_NAMES = {"username": "username", "email": "email", "firstName": "first_name", "lastName": "last_name"}


def change_details(before: User, after: User) -> dict[str, str]:
    """EventAuditingAttributeChangeListener: ``previous_<x>`` and ``updated_<x>`` for each attribute the update
    changed (``first_name``, ``last_name``, ``email``; another attribute under its own name), a missing value
    left out as EventBuilder leaves out an empty one."""
    old, new = current(before), current(after)
    found: dict[str, str] = {}
    for name in ATTRIBUTES:
        if old[name] == new[name]:
            continue
        for prefix, value in (("previous_", old[name]), ("updated_", new[name])):
            if value is not None:
                found[prefix + _DETAIL_NAMES[name]] = value
    for name in sorted(set(before.attributes) | set(after.attributes)):  # the custom attributes written
        was, now = declared.as_values(before.attributes.get(name)), declared.as_values(after.attributes.get(name))
        if was == now:
            continue
        for prefix, values in (("previous_", was), ("updated_", now)):
            if values:  # EventBuilder.detail(key, Collection): the values joined with "::", none left out
                found[prefix + name] = "::".join(values)
    return found


def display_params(error: dict[str, Any], names: dict[str, str] | None = None) -> dict[str, Any]:
    """AccountRestService.validationErrorParamsToString: the first parameter becomes the attribute's display
    name (``${firstName}``, or a declared attribute's from ``names``); the others are strings, nulls kept."""
    params = list(error.get("params") or [])
    if params and params[0] is not None:
        shown = {**DISPLAY_NAMES, **(names or {})}
        params[0] = shown.get(str(params[0]), str(params[0]))
    return {**error, "params": [p if p is None else str(p) for p in params]}


def status(found: list[dict[str, Any]]) -> int:
    """409 when a duplicate was found (DuplicateUsernameValidator, DuplicateEmailValidator), else 400."""
    return 409 if any(e["errorMessage"] in (USERNAME_EXISTS, EMAIL_EXISTS) for e in found) else 400

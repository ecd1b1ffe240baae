"""Self-registration: Keycloak's registration form (register.ftl) and its form actions.

RegistrationUserCreation validates the user profile's REGISTRATION context (username unless the e-mail is
the username; the e-mail, required unless the realm's configuration makes it optional or not the user's to
write; first and last name as the configuration declares them; the declared attributes the user may edit, as
``users.declared`` validates them) as the configuration stands for the client scopes the authorization
request asks for (``declared.for_scopes``), RegistrationPassword the password and its
confirmation and the realm's policy, RegistrationTermsAndConditions the terms checkbox where the flow runs it
(oauth/registration_terms.py); every action validates, and the first failing one names the
REGISTER_ERROR (``email_in_use``, ``username_in_use``, else ``invalid_registration``), the page showing the
first error of each field (FormAuthenticationFlow.processAction). On success the user is created enabled
with the realm's default roles and groups (and, under ``unmanagedAttributePolicy`` ENABLED, the undeclared
attributes the form posted), REGISTER is recorded, and the login finishes as any other: a
fresh session and a code back to the client (LOGIN).

A tab that already has a user (the "Forgot Password?" form chose one: ``reset_credentials.fork``) gets no
registration form: RegistrationUserCreation.checkNotOtherUserAuthenticating answers "Action expired. Please
continue with login now." with REGISTER_ERROR ``generic_authentication_error`` (``other_user``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep import events
from doorkeep.admin import user_profile as up_config
from doorkeep.model import UPDATE_PASSWORD, AuthSession, Client, Realm, User
from doorkeep.oauth import (
    loa,
    login_completion,
    login_events,
    login_outcomes,
    profile_scopes,
    registration_password,
    registration_terms,
    reset_credentials,
)
from doorkeep.oauth import (
    registration_invitation as invitation,
)
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.oauth.profile_check import field_errors
from doorkeep.realms import provisioning
from doorkeep.realms.bootstrap import set_password
from doorkeep.realms.required_actions import default_actions
from doorkeep.users import declared, profile, read_only, unmanaged
from doorkeep.users.credentials import enforce_policy
from doorkeep.users.password_policy import PolicyViolation

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form, Services
    from doorkeep.store.tx import Tx

NOT_ALLOWED = "Registration not allowed"  # Messages.REGISTRATION_NOT_ALLOWED
PROFILE_FIELDS = ("firstName", "lastName", "email", "username")
USERNAME_EXISTS, EMAIL_EXISTS = "usernameExistsMessage", "emailExistsMessage"
PASSWORD_MISSING = "Please specify password."  # missingPasswordMessage
PASSWORD_CONFIRM = "Password confirmation doesn't match."  # invalidPasswordConfirmMessage
EXPIRED_ACTION = "Action expired. Please continue with login now."  # Messages.EXPIRED_ACTION
REG = declared.REGISTRATION


def _error(field: str, key: str) -> dict[str, Any]:
    return {"field": field, "errorMessage": key, "params": [field]}


requested_scopes = profile_scopes.requested  # the client scopes the registration's authentication requests
profile_config = profile_scopes.config  # the realm's user profile configuration as the registration sees it


def email_shown(realm: Realm, config: dict[str, Any]) -> bool:
    """register.ftl shows the e-mail where it is the username, else where the user may write it (the
    registration form leaves out a read-only attribute)."""
    attribute = _email_attribute(config)
    return realm.registration_email_as_username or attribute is None or declared.can_edit(attribute, REG)


def _email_attribute(config: dict[str, Any]) -> dict[str, Any] | None:
    return next((a for a in config.get("attributes") or [] if a.get("name") == "email"), None)


def _email_rules(realm: Realm, config: dict[str, Any]) -> tuple[bool, bool]:
    """(editable, required) of the e-mail at registration: always both where it is the username; else as the
    configuration declares it (no declaration: Keycloak's default, both), required only where editable
    (AttributeRequiredByMetadataValidator skips an attribute the user may not write)."""
    attribute = _email_attribute(config)
    if realm.registration_email_as_username or attribute is None:
        return True, True
    editable = declared.can_edit(attribute, REG)
    required = attribute.get("required") is not None and declared.is_required(attribute, REG)
    return editable, editable and required


async def _profile_errors(
    tx: Tx, realm: Realm, config: dict[str, Any], username: str, email: str, names: dict[str, str]
) -> list[dict[str, Any]]:
    """The REGISTRATION context's validators, attribute by attribute (username, email, firstName, lastName)."""
    found: list[dict[str, Any]] = []
    email_required = _email_rules(realm, config)[1]
    if not realm.registration_email_as_username:
        if not username.strip():
            found.append(_error("username", "missingUsernameMessage"))
        elif (bad := profile.check_username(username)) is not None:
            found.append(bad)
        elif await tx.users.get_by_username(realm.id, username.strip().lower()) is not None:
            found.append(_error("username", USERNAME_EXISTS))
    if not email.strip():
        if email_required:
            found.append(_error("email", "missingEmailMessage"))
    elif (bad := profile.check_email(email)) is not None:
        found.append(bad)
    elif await _email_taken(tx, realm, email.strip().lower()):
        found.append(_error("email", EMAIL_EXISTS))
    for name in ("firstName", "lastName"):  # as the realm's user profile declares them
        found.extend(declared.root_errors(config, declared.REGISTRATION, name, names[name]))
    return found


async def _email_taken(tx: Tx, realm: Realm, email: str) -> bool:
    """DuplicateEmailValidator (unless duplicate e-mails are allowed); where the e-mail is the username, a
    user of that name also holds it."""
    if realm.registration_email_as_username and await tx.users.get_by_username(realm.id, email) is not None:
        return True
    return not realm.duplicate_emails_allowed and bool(await tx.users.ids_with_email(realm.id, email))


async def _password_errors(
    tx: Tx, realm: Realm, candidate: User, password: str, confirm: str, now: int
) -> dict[str, str]:
    """RegistrationPassword.validate: missing, then not confirmed; the policy is asked whenever a password
    was typed, and its error shows on the password field unless one is already there."""
    shown: dict[str, str] = {}
    if not password.strip():
        shown["password"] = PASSWORD_MISSING
    elif password != confirm:
        shown["password-confirm"] = PASSWORD_CONFIRM
    if password:
        try:
            await enforce_policy(tx, realm, candidate, password, now)
        except PolicyViolation as refused:
            shown.setdefault("password", refused.text)
    return shown


async def register(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    form: Form,
    browser: login_outcomes.Browser,
    locale: str | None = None,
) -> login_outcomes.Outcome:
    """The registration form's POST: validate everything, then create, record and log the user in."""
    invited = await invitation.of_request(tx, services, realm, request)
    if isinstance(invited, login_outcomes.Refused):
        return invited
    config = profile_config(realm, await requested_scopes(tx, client, request))
    typed = {name: form.get(name) or "" for name in PROFILE_FIELDS}
    if not _email_rules(realm, config)[0]:
        typed["email"] = ""  # an e-mail the user may not write is never read from the form
    if realm.registration_email_as_username:
        typed["username"] = typed["email"]
    username = typed["username"].strip().lower()
    email = typed["email"].strip().lower()
    found = await _profile_errors(tx, realm, config, typed["username"], typed["email"], typed)
    if invited is not None and typed["email"].strip() != invited[0].email:  # validateOrganizationInvitation
        found.insert(0, _error("email", invitation.EMAIL_MISMATCH))
    sent = declared.from_form(config, declared.REGISTRATION, form.get)
    chosen = declared.values(config, declared.REGISTRATION, sent, None)
    found.extend(declared.errors(config, declared.REGISTRATION, chosen, None))
    # the server's read-only attributes (users.read_only): a new user may not be given one
    found.extend(read_only.refused(services.read_only.user, {**chosen, **_unmanaged(realm, form)}, None))
    typed.update(sent)
    candidate = User(id="", realm_id=realm.id, username=username, email=email or None)
    password = form.get("password") or ""
    labels = {f["name"]: f["label"] for f in declared.form_fields(config, declared.REGISTRATION)}
    shown = field_errors(found, labels)
    confirm = form.get("password-confirm") or ""
    deferred = registration_password.deferred(realm)  # no password on the form: none is checked nor ever stored
    checked = {} if deferred else await _password_errors(tx, realm, candidate, password, confirm, services.clock.now())
    for field, text in {**checked, **registration_terms.errors(realm, form)}.items():
        shown.setdefault(field, text)
    details = {
        "auth_method": "openid-connect",
        "auth_type": "code",
        "redirect_uri": request.redirect_uri or None,
        "register_method": "form",
        "code_id": login_events.code_id(request, browser),  # SessionCodeChecks.initialVerify
        "username": username or None,
        "email": email or None,
        "first_name": typed["firstName"] or None,
        "last_name": typed["lastName"] or None,
    }
    if shown:
        keys = {e["errorMessage"] for e in found}
        error = "email_in_use" if EMAIL_EXISTS in keys else "username_in_use" if USERNAME_EXISTS in keys else None
        error = "invalid_token" if invitation.EMAIL_MISMATCH in keys else error
        await _record(tx, services, realm, client, browser, details, None, error or "invalid_registration")
        return login_outcomes.NeedRegistration(typed, shown)
    extra = _unmanaged(realm, form)
    candidate = dataclasses.replace(
        candidate, attributes=declared.written(config, declared.REGISTRATION, chosen, extra, None)
    )
    # AcrNotFulfilledException: a registration is an active login at level 1 and no more (not the flow
    # auth-flow-enforcer picked); an essential acr above it ends on the error page and no user is made
    # (LevelOfAssuranceEssentialAcrTest, AcrAuthFlowTest#testRegistrationDoesNotReachAuthFlowLoaEssential).
    registered = dataclasses.replace(request, loa_level=loa.NO_LOA, loa_recorded=False, flow_loa=None)
    detail = loa.unfulfilled(registered, loa.requested_level(client, realm, request))
    if detail is not None:
        site = LoginSite(tx, services, realm, client, request, browser)
        await login_events.step_error(
            site, None, "generic_authentication_error", {"authentication_error_detail": detail}
        )
        return login_outcomes.Refused(loa.ACR_NOT_FULFILLED)
    user = await _create(tx, services, realm, candidate, form, typed, None if deferred else password, locale)
    if invited is not None:  # RegistrationUserCreation.addOrganizationMember: MANAGED, then to the token's URI
        request = await invitation.join(tx, invited, user, request, client, browser.base_url)
        details = {**details, "org_id": invited[1].id}
    # RegistrationUserCreation.success: the event names the username and e-mail as typed; EventBuilder.detail
    # drops an empty value (an e-mail the form does not ask for: UIRealmResourceTest's read-only e-mail)
    typed_name = typed["email"] if realm.registration_email_as_username else typed["username"]
    typed_details = {**details, "username": typed_name or None, "email": typed["email"] or None}
    await _record(tx, services, realm, client, browser, typed_details, user, None)
    # a registration is not the flow auth-flow-enforcer picked: it reaches none of that flow's level
    fresh = dataclasses.replace(request, user_session_id=None, sso_login=False, flow_loa=None)
    return await login_completion.proceed(StepContext(tx, services, realm, client, fresh, user, browser))


FORM_FIELDS = frozenset(
    {*PROFILE_FIELDS, "password", "password-confirm", "register", "locale", registration_terms.FIELD}
)
"""register.ftl's own inputs, never unmanaged attributes (nor is a password ever stored as one)."""


def _unmanaged(realm: Realm, form: Form) -> dict[str, Any]:
    """The unmanaged attributes the form posted, kept where the realm's policy lets the user write them
    (ENABLED: DefaultAttributes.normalizeAttributes keeps every attribute sent in the REGISTRATION context)."""
    if not up_config.enforced(realm):
        return {}
    policy = up_config.unmanaged_policy(realm)
    posted = {k: form.get(k) or "" for k in form.keys() if k not in FORM_FIELDS}  # noqa: SIM118 (a Form)
    declared_all = up_config.config_of(realm)  # an attribute no requested scope selects is still not unmanaged
    found = {k: [v for v in form.all(k) if v.strip()] for k in unmanaged.posted(declared_all, policy, REG, posted)}
    return {k: v for k, v in found.items() if v}  # DefaultUserProfile stores no blank value


async def other_user(
    tx: Tx, services: Services, realm: Realm, auth_session: AuthSession, browser: login_outcomes.Browser
) -> str | None:
    """RegistrationUserCreation.checkNotOtherUserAuthenticating, as the registration form is built: a tab whose
    user was already chosen (``reset_credentials.CHOSEN_USER_NOTE``) records REGISTER_ERROR
    ``generic_authentication_error`` with ``existing_username`` and ``authentication_error_detail`` (the
    AuthenticationFlowException's detail, AuthenticationProcessor.handleBrowserException) and gets the error
    page's text; any other tab None."""
    name = auth_session.notes.get(reset_credentials.CHOSEN_USER_NOTE)
    client = await tx.clients.get(auth_session.client_id)
    if not isinstance(name, str) or client is None:
        return None
    request = AuthRequest.from_json(auth_session.request)
    details: dict[str, str | None] = {
        "auth_method": "openid-connect",
        "auth_type": "code",
        "redirect_uri": request.redirect_uri or None,
        "code_id": request.user_session_id or auth_session.id,  # SessionCodeChecks.initialVerify
        "existing_username": name,
        "authentication_error_detail": "different_user_authenticating",
    }
    await _record(tx, services, realm, client, browser, details, None, "generic_authentication_error")
    return EXPIRED_ACTION


async def _create(
    tx: Tx,
    services: Services,
    realm: Realm,
    candidate: User,
    form: Form,
    typed: dict[str, str],
    password: str | None,
    locale: str | None,
) -> User:
    """The user as UserProfile.create leaves it: enabled, e-mail unverified, the page's locale kept where the
    realm is internationalized (RegisterTest.registerUserSuccess), VERIFY_EMAIL required where the realm
    verifies e-mails; the realm's default roles and groups (``provisioning.create_user``), then the password,
    or, where the form asked for none (``registration_password.deferred``), UPDATE_PASSWORD
    (RegistrationPassword.success); the terms accepted on the form recorded (``registration_terms.accept``)."""
    now = services.clock.now()
    verify: tuple[str, ...] = ("VERIFY_EMAIL",) if realm.verify_email else ()
    verify += (UPDATE_PASSWORD,) if password is None else ()
    attributes = dict(candidate.attributes)  # the declared attributes the form set
    if realm.internationalization_enabled and locale:
        attributes["locale"] = [locale]
    # JpaUserProvider.addUser: the realm's enabled default actions; VERIFY_EMAIL when the realm asks for it.
    actions = tuple(dict.fromkeys(default_actions(realm) + verify))
    attributes, actions = registration_terms.accept(realm, form, attributes, actions, now)
    user = dataclasses.replace(
        candidate,
        id=provisioning.new_id(),
        first_name=typed["firstName"].strip() or None,
        last_name=typed["lastName"].strip() or None,
        created_timestamp=now * 1000,
        attributes=attributes,
        required_actions=actions,
    )
    await provisioning.create_user(tx, realm, user)
    if password is not None:
        await set_password(tx, user, password, now, policy=realm.password_policy)
    return user


async def _record(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    browser: login_outcomes.Browser,
    details: dict[str, str | None],
    user: User | None,
    error: str | None,
) -> None:
    await events.record(
        tx,
        realm,
        "REGISTER_ERROR" if error else "REGISTER",
        now=services.clock.now(),
        client_id=client.client_id,
        user_id=user.id if user else None,
        ip=browser.ip_address,
        error=error,
        details=details,
    )

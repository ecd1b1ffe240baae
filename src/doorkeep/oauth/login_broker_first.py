"""Keycloak's default first broker login flow for an identity no user is linked to yet
(DefaultAuthenticationFlows.firstBrokerLoginFlow):

1. Review Profile (IdpReviewProfileAuthenticator): the brokered profile shown for review when its execution's
   ``update.profile.on.first.login`` is ``on``, or ``missing`` (the default) and the profile is not valid, or the
   user asked for it from "Account already exists"; ``off`` or a DISABLED execution never shows it.
2. Create User If Unique (IdpCreateUserIfUniqueAuthenticator): no user has the e-mail (unless the realm allows
   shared e-mails) nor the username: the user is created and linked.
3. Otherwise Confirm Link Existing Account (IdpConfirmLinkAuthenticator): "Review profile" goes back to step 1,
   "Add to existing account" goes on to the account verification options: Verify Existing Account by Email
   (IdpEmailVerificationAuthenticator, oauth/login_broker_email.py), else Verify Existing Account by
   Re-authentication (IdpUsernamePasswordForm): the account's password; then the link.
4. (An automatic linking flow, realms/broker_flow_plan.py, replaces 2 and 3: the existing account is linked at once,
   oauth/login_broker_auto_link.py, and with Detect Existing Broker User an identity matching none is refused.)
5. First Broker Login - Conditional Organization (idp-add-organization-member): a user created or linked through
   an organization's provider becomes its MANAGED member (organizations/brokers.py).

The identity waits on the tab as its ``brokered`` note (SerializedBrokeredIdentityContext); the handlers are
web/broker_first_login.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from doorkeep import events
from doorkeep.admin import user_profile as up_config
from doorkeep.broker import first_login, idp_mappers, oidc
from doorkeep.broker import providers as idp
from doorkeep.email.action_tokens import STALE_CODE
from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST
from doorkeep.model import JSON, AuthSession, Realm, User
from doorkeep.oauth import broker_sync_events, login_broker_auto_link, login_broker_email, login_broker_review
from doorkeep.oauth import registration_invitation as invitation
from doorkeep.oauth.broker_steps import (
    CONFIRM_STEP,
    EMAIL_STEP,
    REAUTH_STEP,
    REVIEW_STEP,
    SELECT_STEP,
    UNEXPECTED,
    Continue,
    Decision,
    Page,
    finish,
    identity_of,
    record,
    to_context,
)
from doorkeep.oauth.login_outcomes import Refused
from doorkeep.oauth.login_password import ACCOUNT_DISABLED, INVALID_CREDENTIALS, USERNAME_EXISTS, form_username
from doorkeep.oauth.login_step import LoginSite
from doorkeep.oauth.profile_check import MISSING_USERNAME, field_errors
from doorkeep.organizations import brokers, member_email
from doorkeep.organizations.model import UNMANAGED
from doorkeep.realms import auth_flows as af
from doorkeep.realms import broker_flow_plan, flow_model, flow_plan, flow_support
from doorkeep.users import account_profile, brute_force, declared, profile
from doorkeep.users.credentials import SharedEmail, Verdict, check_password, find_login_user

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

REVIEW_PROFILE = "idp-review-profile"  # IdpReviewProfileAuthenticatorFactory.PROVIDER_ID
MODE = "update.profile.on.first.login"  # IdpReviewProfileAuthenticatorFactory.UPDATE_PROFILE_ON_FIRST_LOGIN
MISSING, ON, OFF = "missing", "on", "off"  # IdentityProviderRepresentation.UPFLM_*
ENFORCE = "enforceUpdateProfile"  # AbstractIdpAuthenticator.ENFORCE_UPDATE_PROFILE
EMAIL_CHANGED, USERNAME_CHANGED = login_broker_email.EMAIL_CHANGED, login_broker_email.USERNAME_CHANGED
LINK_ACCOUNT, UPDATE_PROFILE = "linkAccount", "updateProfile"  # login-idp-link-confirm.ftl's submitAction values
FIELDS = ("username", "email", "firstName", "lastName")
IDP_REVIEW = "IDP_REVIEW"  # UserProfileContext.IDP_REVIEW, the UPDATE_PROFILE event's context
UNEXPECTED_EVENT_ERROR = "identityProviderUnexpectedErrorMessage"  # Messages.IDENTITY_PROVIDER_UNEXPECTED_ERROR


def review_runs(realm: Realm, alias: str) -> bool:
    """Whether provider ``alias``'s first broker login flow runs Review Profile (an execution not DISABLED): without
    it IdpConfirmLinkAuthenticator hides "Review profile" (``hideReviewButton``: no successful review execution)."""
    flows = flow_model.of(realm)
    flow = flow_support.first_login_flow(realm, flows, alias)
    if flow is None:
        return True
    step = next((e for e in flows.children(flow.id) if e.authenticator == REVIEW_PROFILE), None)
    return step is not None and step.requirement != af.DIS


def review_mode(realm: Realm, alias: str) -> str:
    """The Review Profile execution of provider ``alias``'s first broker login flow: its
    ``update.profile.on.first.login`` (``missing`` when unset), ``off`` when the execution is DISABLED or missing
    from the flow."""
    flows = flow_model.of(realm)
    flow = flow_support.first_login_flow(realm, flows, alias)
    if flow is None:
        return MISSING
    step = next((e for e in flows.children(flow.id) if e.authenticator == REVIEW_PROFILE), None)
    if step is None or step.requirement == af.DIS:
        return OFF
    config = flows.config(step.config_id)
    mode = config.config.get(MODE) if config is not None else None
    return mode if mode in (MISSING, ON, OFF) else MISSING


def profile_of(context: JSON) -> dict[str, str]:
    """The brokered profile the review shows: its username the one the new user would get (a username template's)."""
    profile = {name: str(context.get(name) or "") for name in FIELDS}
    if isinstance(context.get("modelUsername"), str):
        profile["username"] = context["modelUsername"]
    return profile


def review_username(realm: Realm) -> tuple[bool, bool]:
    """Whether the review shows the username and lets it be edited: readUsernameCondition and
    editUsernameCondition of IDP_REVIEW (unless the e-mail is the username) with the configured permissions' read
    and write conditions for the ``user`` role (``account_profile.username_permissions``); a changed username
    that may not be edited is refused (ImmutableAttributeValidator, the brokered identity being the user)."""
    view, edit = account_profile.username_permissions(realm, declared.ACCOUNT)
    own = not realm.registration_email_as_username
    return own and view, own and edit


def review_errors(
    realm: Realm,
    values: dict[str, str],
    alias: str,
    config: dict[str, Any] | None = None,
    routed: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The root attributes validated as the IDP_REVIEW context validates them (the realm's user profile: username,
    an e-mail the configuration requires, valid, of the domain an organization's provider ``alias`` is bound to,
    the names as declared; ``config``: the configuration as the login's requested scopes see it; ``routed``: the
    organization's domains routing to the provider, member_email.routed_domains)."""
    config = up_config.config_of(realm) if config is None else config
    found: list[dict[str, Any]] = []
    if not realm.registration_email_as_username:
        if not values["username"].strip():
            found.append({"field": "username", "errorMessage": MISSING_USERNAME, "params": ["username"]})
        else:
            found.extend(profile.validate({"username": values["username"]}))
    email = values["email"].strip()
    if not email:
        if account_profile.email_required(config, realm, declared.ACCOUNT):
            found.append({"field": "email", "errorMessage": account_profile.MISSING_EMAIL, "params": ["email"]})
    else:
        found.extend(profile.validate({"email": email}) or member_email.review_errors(realm, alias, email, routed))
    for name in ("firstName", "lastName"):
        found.extend(declared.root_errors(config, declared.IDP_REVIEW, name, values[name].strip() or None))
    return found


async def _routed(site: LoginSite, alias: str) -> tuple[str, ...]:
    """The domains routing to the provider that the review holds the e-mail to (the login's organization's)."""
    org_id = site.request.organization_context
    return await member_email.login_routed_domains(site.tx, site.realm, alias, org_id)


async def begin(site: LoginSite, tab: AuthSession, config: oidc.Config, brokered: oidc.Identity) -> Decision | None:
    """IdentityBrokerService.authenticated for an identity without a link: IDENTITY_PROVIDER_FIRST_LOGIN, then the
    first broker login flow from its top."""
    await record(site, None, "IDENTITY_PROVIDER_FIRST_LOGIN", config.alias, brokered)
    return await _from_review(site, tab.id, to_context(config, brokered))


async def _from_review(site: LoginSite, tab_id: str, context: JSON) -> Decision | None:
    """IdpReviewProfileAuthenticator.requiresUpdateProfilePage: the page, else straight on (``missing``: the page
    where the brokered profile, root and declared attributes, is not valid as it stands)."""
    mode = review_mode(site.realm, str(context["alias"]))
    wanted = bool(context.get(ENFORCE)) or mode == ON
    if not wanted and mode == MISSING:
        config = await login_broker_review.config_for(site.tx, site.realm, site.client, site.request)
        routed = await _routed(site, str(context["alias"]))
        wanted = bool(
            review_errors(site.realm, profile_of(context), str(context["alias"]), config, routed)
            or login_broker_review.invalid(config, context)
        )
    if wanted:
        return Page(REVIEW_STEP, context)
    return await _create_or_confirm(site, tab_id, context)


async def _create_or_confirm(site: LoginSite, tab_id: str, context: JSON) -> Decision | None:
    """IdpCreateUserIfUniqueAuthenticator, else IdpConfirmLinkAuthenticator's page; None when the provider was
    removed meanwhile."""
    brokered = identity_of(context)
    provider = idp.by_alias(site.realm, str(context["alias"]))
    if provider is None:
        return None
    config = oidc.Config.of(provider)
    plan = plan_of(site.realm, config.alias)
    if plan is None:
        return Continue(Refused(UNEXPECTED), site.request)
    if not first_login.username_fits(site.realm, brokered):  # keycloak#50903: resetFlow with ENFORCE_UPDATE_PROFILE
        return Page(REVIEW_STEP, context | {ENFORCE: True})
    clash = await first_login.existing(site.tx, site.realm, brokered)
    if clash is None and not plan.create:
        return await login_broker_auto_link.unknown_user(site, config.alias, brokered)
    if clash is None:
        if not first_login.fits_columns(site.realm, brokered):
            alias, identity = config.alias, brokered.username
            await login_broker_auto_link.first_login_error(site, "invalid_user_credentials", alias, identity)
            return Continue(Refused(UNEXPECTED_ERROR_HANDLING_REQUEST), site.request)
        if context.get(EMAIL_CHANGED):  # an e-mail typed on the review page is not the provider's to vouch for
            config = dataclasses.replace(config, trust_email=False)
        now = site.services.clock.now()
        user = await first_login.create(site.tx, site.realm, config, brokered, now)
        user = await idp_mappers.import_new_user(site.tx, site.realm, config, brokered, user)
        more = {"register_method": "broker", "email": user.email}
        await record(site, user, "REGISTER", config.alias, brokered, more)
        site = await _join_organizations(site, config.alias, brokered, user)
        return await finish(site, tab_id, user, config.alias, brokered.username, brokered.token)
    linking = {"existing": clash.user.id, "attribute": clash.attribute, "value": clash.value}
    if plan.existing == broker_flow_plan.AUTO:
        if (refusal := await login_broker_auto_link.refusal(site, config.alias, brokered, clash.user)) is not None:
            return refusal
        return await _link_existing(site, tab_id, context | linking, clash.user)
    return Page(CONFIRM_STEP, context | linking)


def plan_of(realm: Realm, alias: str) -> broker_flow_plan.BrokerPlan | None:
    """What provider ``alias``'s first broker login flow runs; None for a flow Doorkeep cannot run (binding refuses
    one, so only a flow broken some other way), which ends the login rather than half-running it."""
    flows = flow_model.of(realm)
    flow = flow_support.first_login_flow(realm, flows, alias)
    if flow is None:
        return broker_flow_plan.DEFAULT
    try:
        return flow_support.broker_plan(flows, flow)
    except flow_plan.Unsupported:
        return None


async def confirm(site: LoginSite, tab_id: str, context: JSON, action: str) -> Decision | None:
    """IdpConfirmLinkAuthenticator.action: "Review profile" restarts the flow with the review enforced, which shows
    the review page again whatever its mode (the account it matched forgotten), or, with Review Profile DISABLED
    (the button hidden, the value posted anyway), comes straight back to "Account already exists"; "Add to
    existing account" asks for that account's password. None: an unknown action."""
    if action == UPDATE_PROFILE:
        kept = {k: v for k, v in context.items() if k not in ("existing", "attribute", "value")}
        if not review_runs(site.realm, str(context["alias"])):
            return await _create_or_confirm(site, tab_id, kept)
        return Page(REVIEW_STEP, kept | {ENFORCE: True})
    if action == LINK_ACCOUNT:
        return await verify_existing(site, tab_id, context)
    return None


async def verify_existing(site: LoginSite, tab_id: str, context: JSON) -> Decision | None:
    """The account verification options: the e-mailed link (oauth/login_broker_email.py) or the password form;
    once the link was followed, the identity is linked. None when the account or the provider is gone."""
    user = await site.tx.users.get(str(context["existing"]))
    if user is None:
        return None
    if login_broker_email.revoked(context):  # the identity unlinked meanwhile: the proof is gone
        return Continue(Refused(STALE_CODE), site.request)
    decision = login_broker_email.verify(site.realm, context, user.email)
    return decision if decision is not None else await _link_existing(site, tab_id, context, user)


async def choose(site: LoginSite, tab_id: str, context: JSON, execution: str | None) -> Decision | None:
    """The e-mail page's "Try Another Way" list answered (DefaultAuthenticationFlow.processAction): no pick shows it
    again; the e-mail step runs again (the page, nothing sent twice, or the link once followed); the password form;
    any other execution is "Requested authentication execution is not allowed": IDENTITY_PROVIDER_FIRST_LOGIN_ERROR
    ``invalid_user_credentials`` and the 400 page, ending the login."""
    if execution is None:
        return Page(SELECT_STEP, context)
    step = login_broker_email.picked(site.realm, context, execution)
    if step == EMAIL_STEP:
        return await verify_existing(site, tab_id, context)
    if step == REAUTH_STEP:
        return Page(REAUTH_STEP, context)
    alias, identity = str(context["alias"]), str(context["username"])
    await login_broker_auto_link.first_login_error(site, "invalid_user_credentials", alias, identity)
    return Continue(Refused(UNEXPECTED_ERROR_HANDLING_REQUEST), site.request)


async def review(
    site: LoginSite,
    tab_id: str,
    context: JSON,
    form: Callable[[str], str | None],
    form_all: Callable[[str], list[str]],
) -> Decision | None:
    """IdpReviewProfileAuthenticator.actionImpl: the posted profile, root and declared attributes
    (oauth/login_broker_review.py), validated (the page again with its errors and the values typed), else kept as
    the brokered identity's, UPDATE_PROFILE (context IDP_REVIEW) and, for a new e-mail, UPDATE_EMAIL recorded; the
    flow goes on to create the user or to "Account already exists"."""
    config = await login_broker_review.config_for(site.tx, site.realm, site.client, site.request)
    declared_part = login_broker_review.posted(config, context, form, form_all)
    before = profile_of(context)
    typed = {name: (form(name) or "").strip() for name in FIELDS}
    if site.realm.registration_email_as_username:
        typed["username"] = typed["email"] or before["username"]
    elif form("username") is None:  # attributes.putIfAbsent(USERNAME, ...)
        typed["username"] = before["username"]
    routed = await _routed(site, str(context["alias"]))
    found = review_errors(site.realm, typed, str(context["alias"]), config, routed)
    renamed = form("username") is not None and typed["username"].lower() != before["username"].lower()
    if renamed and not site.realm.registration_email_as_username and not review_username(site.realm)[1]:
        found.append({"field": "username", "errorMessage": declared.READ_ONLY, "params": ["username"]})
    found.extend(declared_part.found)
    if found:
        errors = field_errors(found, login_broker_review.labels(config))
        values = typed | declared_part.values
        return Page(REVIEW_STEP, context, values=values, errors=errors, lists=declared_part.lists)
    changed = typed["email"].lower() != before["email"].lower()
    updated = context | {k: v or None for k, v in typed.items()} | {ENFORCE: True, "modelUsername": typed["username"]}
    # the page's e-mail and names are the user's: a mapper's attribute of a root name no longer overrides them
    updated["attributes"] = {k: v for k, v in declared_part.attributes.items() if k not in FIELDS}
    if changed:
        updated[EMAIL_CHANGED] = True
    if typed["username"] != before["username"]:
        updated[USERNAME_CHANGED] = True
    brokered = identity_of(updated)
    alias = str(context["alias"])
    if changed:
        more = {"context": IDP_REVIEW, "previous_email": before["email"] or None, "updated_email": typed["email"]}
        await record(site, None, "UPDATE_EMAIL", alias, brokered, more)
    more = {"context": IDP_REVIEW, "updated_email": typed["email"] or None}
    await record(site, None, "UPDATE_PROFILE", alias, brokered, more)
    return await _create_or_confirm(site, tab_id, updated)


async def reauth_user(tx: Tx, realm: Realm, typed: str) -> User | None:
    """The user the re-authentication form names (AbstractUsernameFormAuthenticator.getUserFromForm): the typed
    username, trimmed, looked up by name or e-mail as the login form does; raises SharedEmail for an e-mail several
    users share. Not the account the flow matched: IdpUsernamePasswordForm leaves the prefilled username editable
    and validates whoever is typed (KEYCLOAK-12870), so the identity goes to the user whose password was proved."""
    username = form_username(typed)
    return await find_login_user(tx, realm.id, username, realm.login_with_email_allowed) if username else None


async def reauthenticate(
    site: LoginSite, tab_id: str, context: JSON, typed: str | None, password: str, verdict: Verdict | None
) -> Decision | None:
    """IdpUsernamePasswordForm: the username (prefilled with the matched account's, still editable) and its
    password, as the login form checks them (Brute Force Detection refuses a locked user and counts misses); right,
    the identity is linked to that user (FEDERATED_IDENTITY_LINK) and the login goes on as that user, never as one
    whose password was not given. A miss is the generic "Invalid username or password.": the form inherits
    AbstractUsernameFormAuthenticator.getDefaultChallengeMessage, Messages.INVALID_USER since keycloak@b137016c;
    each refusal is the flow's IDENTITY_PROVIDER_FIRST_LOGIN_ERROR (``user_not_found``, ``username_in_use``,
    ``user_temporarily_disabled``, ``invalid_user_credentials``, ``user_disabled``) with the typed ``username``.
    None when the provider is gone."""
    tx, services = site.tx, site.services
    alias, identity = str(context["alias"]), str(context["username"])
    if idp.by_alias(site.realm, alias) is None:
        return None
    username = form_username(typed or "")
    named = {"username": username} if username else {}
    try:
        user = await reauth_user(tx, site.realm, username)
    except SharedEmail:  # setDuplicateUserChallenge, as on the login form
        await login_broker_auto_link.first_login_error(site, "username_in_use", alias, identity, **named)
        return Page(REAUTH_STEP, context, error=USERNAME_EXISTS)
    if user is None:  # testInvalidUser: dummyHash, USER_NOT_FOUND
        await check_password(tx, None, password, verdict, realm=site.realm)
        await login_broker_auto_link.first_login_error(site, "user_not_found", alias, identity, **named)
        return Page(REAUTH_STEP, context, error=INVALID_CREDENTIALS)
    refused = await brute_force.refusal(tx, site.realm, user, services.clock.now())
    if refused is not None:
        await login_broker_auto_link.first_login_error(site, refused, alias, identity, user.id, **named)
        return Page(REAUTH_STEP, context, error=INVALID_CREDENTIALS)
    if not await check_password(tx, user, password, verdict, realm=site.realm):
        if user.enabled and password:  # Keycloak counts no empty form password
            now = services.clock.now_ms()
            await brute_force.failed_login(tx, site.realm, user, site.browser.ip_address, now, attempted=username)
        error = "invalid_user_credentials"
        await login_broker_auto_link.first_login_error(site, error, alias, identity, user.id, **named)
        return Page(REAUTH_STEP, context, error=INVALID_CREDENTIALS)
    if not user.enabled:
        await login_broker_auto_link.first_login_error(site, "user_disabled", alias, identity, user.id, **named)
        return Page(REAUTH_STEP, context, error=ACCOUNT_DISABLED)
    return await _link_existing(site, tab_id, context, user)


async def _link_existing(site: LoginSite, tab_id: str, context: JSON, user: User) -> Decision | None:
    """The identity linked to the verified existing account (FEDERATED_IDENTITY_LINK, the mappers run as for a
    first login), and the login goes on as that user. None when the provider is gone."""
    tx = site.tx
    provider = idp.by_alias(site.realm, str(context["alias"]))
    if provider is None:
        return None
    config = oidc.Config.of(provider)
    brokered = identity_of(context)
    if any(f.alias == config.alias for f in await tx.federated.of_user(user.id)):
        return await _already_linked(site, config.alias, brokered, user)
    await first_login.link(tx, site.realm, config, brokered, user)
    changed = bool(context.get(EMAIL_CHANGED))
    updated = await idp_mappers.update_brokered_user(
        tx, site.realm, config, brokered, user, first=True, email_changed=changed
    )
    # afterFirstBrokerLogin records the link before updateFederatedIdentity, naming the user as it was
    await record(site, user, "FEDERATED_IDENTITY_LINK", config.alias, brokered)
    await broker_sync_events.record_first_link(site, config.alias, brokered, user, updated)
    site = await _join_organizations(site, config.alias, brokered, updated)
    return await finish(site, tab_id, updated, config.alias, brokered.username, brokered.token)


async def _join_organizations(site: LoginSite, alias: str, brokered: oidc.Identity, user: User) -> LoginSite:
    """idp-add-organization-member: a pending invitation the login started from (the user's e-mail the invited
    one) joins its organization whichever provider was used, records INVITE_ORG (``username``, ``org_id``) and
    sends the code to the invitation's URI; without one, the provider's links decide (organizations/brokers.py)."""
    invited = await invitation.pending_for(site.tx, site.services, site.realm, site.request, user.email)
    if invited is None:
        await brokers.join_through(site.tx, site.realm, alias, user.id, user.email)
        return site
    base = site.browser.base_url
    request = await invitation.join(site.tx, invited, user, site.request, site.client, base, UNMANAGED)
    await record(site, user, "INVITE_ORG", alias, brokered, {"org_id": invited[1].id})
    return dataclasses.replace(site, request=request)


async def _already_linked(site: LoginSite, alias: str, brokered: oidc.Identity, user: User) -> Decision:
    """The verified user already holds a link to the provider (another of its identities): Keycloak's
    afterFirstBrokerLogin adds the link regardless, its store refuses a second link of the user to the provider
    (JpaUserProvider.addFederatedIdentity's flush), and the method's ``catch (Exception e)`` answers
    redirectToErrorPage: IDENTITY_PROVIDER_LOGIN_ERROR ``identityProviderUnexpectedErrorMessage`` with the user, and
    the "Unexpected error when authenticating with identity provider" page that ends the login. Keycloak answers it
    with 500 (a database error it caught); here it is a refusal the person's own input caused, so 400 (no answer of
    Doorkeep's to input is a 500). The existing link is kept as it is; nothing is linked."""
    await events.record(
        site.tx,
        site.realm,
        "IDENTITY_PROVIDER_LOGIN_ERROR",
        now=site.services.clock.now(),
        client_id=site.client.client_id,
        user_id=user.id,
        ip=site.browser.ip_address,
        error=UNEXPECTED_EVENT_ERROR,
        details={
            "identity_provider": alias,
            "identity_provider_identity": brokered.username,
            "username": user.username,
        },
    )
    return Continue(Refused(UNEXPECTED, 400), site.request)

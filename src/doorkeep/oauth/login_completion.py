"""The end of the browser login, whichever step got there: the SSO session it was pinned to, the user's
locale, the required actions one by one, the consent screen, then the code (or a device approved) and the
LOGIN event (AuthenticationProcessor.attachSession, AuthenticationManager.nextRequiredAction and
redirectAfterSuccessfulFlow).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.broker import provider_logout
from doorkeep.errors import UNEXPECTED_ERROR_HANDLING_REQUEST, OAuthError
from doorkeep.model import AUTH_TIME_NOTE, Client, Realm, User, UserSession
from doorkeep.oauth import (
    account_actions,
    authorize,
    device_verification,
    front_channel,
    jarm,
    loa,
    login_broker_post,
    login_events,
    required_actions,
    response_types,
    token_encryption,
    update_email,
    verify_profile,
)
from doorkeep.oauth import consent as consent_screen
from doorkeep.oauth import logout as rp_logout
from doorkeep.oauth.authorize import AuthRequest, has_prompt
from doorkeep.oauth.login_outcomes import (
    AccountUpdated,
    DeviceDone,
    Done,
    NeedConsent,
    NeedEmailVerification,
    NeedLogin,
    NeedPasswordUpdate,
    NeedProfileUpdate,
    NeedRecoverySetup,
    NeedTerms,
    NeedTotpSetup,
    NeedWebAuthnRegister,
    Outcome,
    Refused,
)
from doorkeep.oauth.login_step import StepContext
from doorkeep.sessions import attach, resume
from doorkeep.users import account_profile, brute_force, declared, webauthn
from doorkeep.users import locale as user_locale

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

SKIP_IF_EXISTS = "skip_if_exists"
# The credential a WebAuthn registration action looks for under ``skip_if_exists``: WebAuthnRegister.getCredentialType
# and WebAuthnPasswordlessRegister's override of it.
KEY_TYPES = {
    required_actions.WEBAUTHN_REGISTER: webauthn.TYPE,
    required_actions.WEBAUTHN_REGISTER_PASSWORDLESS: webauthn.PASSWORDLESS_TYPE,
}
DIFFERENT_USER = "You are already authenticated as different user '{}' in this session. Please log out first."


async def proceed(ctx: StepContext, *, remember_me: bool = False, consented: bool = False) -> Outcome:
    """``finish`` after a step of the login's forms, in the SSO session the request was ``pinned`` to while it is
    still valid (else a new one). As AuthenticationProcessor.attachSession, a valid session of another user
    ends the login on an error page; the login counts as fresh unless that session's cookie authenticated it."""
    session = await _pinned_session(ctx)
    new_id = None
    if session is None:  # no SSO session: the one the root authentication session's id names, if any
        now = ctx.services.clock.now()
        point = await attach.for_root(ctx.tx, ctx.realm, ctx.user.id, ctx.browser.auth_session_id, now)
        session, new_id = point.session, point.new_id
        if point.other_user is not None:
            return await _different_user(ctx, point.other_user)
    if session is not None and session.user_id != ctx.user.id:
        return await _different_user(ctx, session.user_id)
    fresh = not (ctx.request.sso_login and session is not None)
    return await finish(ctx, session, fresh=fresh, remember_me=remember_me, consented=consented, new_id=new_id)


async def _different_user(ctx: StepContext, other_id: str) -> Outcome:
    """attachSession's refusal: LOGIN_ERROR ``different_user_authenticated`` naming the session's user by id
    (``existing_user``), then the error page naming them by username."""
    await login_events.different_user(ctx, other_id)
    other = await ctx.tx.users.get(other_id)
    return Refused(DIFFERENT_USER.format(other.username if other else ""))


async def _pinned_session(ctx: StepContext) -> UserSession | None:
    if ctx.request.user_session_id is None:
        return None
    now = ctx.services.clock.now()
    try:
        return await resume.user_session(ctx.tx, ctx.realm, ctx.request.user_session_id, False, now, write=False)
    except OAuthError:
        return None


async def finish(
    ctx: StepContext,
    session: UserSession | None,
    *,
    fresh: bool,
    remember_me: bool = False,
    consented: bool = False,
    new_id: str | None = None,
) -> Outcome:
    """The user's locale pick stored, then required actions, then consent (unless the user ``consented`` just
    now), then the code; a new session takes ``new_id`` (the root authentication session's). The pick is
    Keycloak's ``update_user_locale`` required action, whose triggers run first whenever a login reaches its
    required actions, an SSO login included."""
    tx, services, realm, client, browser = ctx.tx, ctx.services, ctx.realm, ctx.client, ctx.browser
    ctx = dataclasses.replace(ctx, request=loa.with_flow_level(ctx.request))  # the flow is through
    if ctx.request.kc_locale is not None:
        now = services.clock.now()
        picked = await user_locale.update_users_locale(
            tx, realm, ctx.user, ctx.request.kc_locale, now=now, client_id=client.client_id, ip=browser.ip_address
        )
        ctx = dataclasses.replace(ctx, user=picked)
    ctx = await triggered(ctx)
    # In the order of the realm's required action priorities, then kc_action's; disabled ones are passed over.
    page, ctx = await _action_page(ctx)
    if page is None and ctx.request.broker_continuation is not None:
        page, ctx = await _post_broker_login(ctx)
    if page is not None:
        return page
    request, user = ctx.request, ctx.user
    if required_actions.unhandled(realm, user):
        return NeedLogin("Account is not fully set up")
    if request.end_after_actions:
        back = None if await skips_link(tx, realm, client) else client_base(client)
        return AccountUpdated(user.id, request.redirect_uri or back)
    missing = None if consented else await consent_screen.missing_consent(tx, client, user, request)
    if missing is not None:
        offered = tuple(i.id for i in await consent_screen.screen_items(tx, client, user, request))
        return NeedConsent(user.id, missing, request, offered)
    persisted = client.consent_required and not consented and not has_prompt(request, "consent")
    persisted = persisted and await tx.sessions.get_consent(user.id, client.id) is not None
    consent = consent_screen.event_detail(consented=consented, persisted=persisted)
    if fresh and session is not None:  # a re-authentication: the session's AUTH_TIME note moves
        notes = {**session.notes, AUTH_TIME_NOTE: str(services.clock.now())}
        await tx.sessions.update_user_session_notes(session.id, False, notes)
        session = dataclasses.replace(session, notes=notes)
    try:
        outcome = await _issue(ctx, session, remember_me, consent, fresh=fresh, new_id=new_id)
    except attach.HeldByAnother as held:  # another user's login in another tab took the root's id meanwhile
        return await _different_user(ctx, held.user_id)
    if isinstance(outcome, Done | DeviceDone) and (levels := loa.session_note(request)) is not None:
        # ConditionalLoaAuthenticator.onTopFlowSuccess: the levels reached, kept for the session's later logins
        notes = {**outcome.session.notes, loa.LOA_MAP_NOTE: levels}
        await tx.sessions.update_user_session_notes(outcome.session.id, False, notes)
    if isinstance(outcome, Done | DeviceDone) and request.identity_provider is not None:
        await _note_provider(ctx, outcome.session, request)
    return outcome


async def _post_broker_login(ctx: StepContext) -> tuple[Outcome | None, StepContext]:
    """The provider's post broker login flow of a broker login the browser flow continued after (its steps after
    the redirector, then the required actions they left, are through: Keycloak's BROKER_CONTINUATION_PBL_PENDING
    in finishedRequiredActions), then the required actions that flow leaves (its CONFIGURE_TOTP)."""
    alias = ctx.request.broker_continuation
    assert alias is not None
    ctx = dataclasses.replace(ctx, request=dataclasses.replace(ctx.request, broker_continuation=None))
    page, ctx = await login_broker_post.run(ctx, alias)
    if page is not None:
        return page, ctx
    return await _action_page(ctx)


async def triggered(ctx: StepContext) -> StepContext:
    """AuthenticationManager.evaluateRequiredActionTriggers, run whenever a login reaches its required actions (a
    passive one's nextRequiredAction included): VerifyEmail's, UpdateEmail's and VerifyUserProfile's, the first
    two written on the user, the last on the login (``verify_profile.trigger``)."""
    realm = ctx.realm
    triggered_user = update_email.trigger(realm, required_actions.verify_email_trigger(realm, ctx.user))
    if triggered_user is not ctx.user:
        ctx = dataclasses.replace(ctx, user=triggered_user)
        await ctx.tx.users.update(triggered_user)
    return await verify_profile.trigger(ctx)


async def _note_provider(ctx: StepContext, session: UserSession, request: AuthRequest) -> None:
    """IdentityBrokerService.finishBrokerAuthentication: the session notes its provider (and the provider's ID
    token) for the logout (broker/provider_logout.py)."""
    tx = ctx.tx
    current = await tx.sessions.get_user_session(session.id, False)
    alias, name = request.identity_provider or "", request.identity_provider_identity
    noted = provider_logout.session_notes(alias, name, request.identity_provider_id_token)
    base = {k: v for k, v in (current or session).notes.items() if k != provider_logout.ID_TOKEN_NOTE}
    await tx.sessions.update_user_session_notes(session.id, False, {**base, **noted})
    if request.identity_provider_session is not None:
        await tx.broker_sessions.note(session.id, request.identity_provider_session)


async def _issue(
    ctx: StepContext, session: UserSession | None, remember_me: bool, consent: str, *, fresh: bool, new_id: str | None
) -> Outcome:
    """The code (or the device approved) in ``session``, else in a new one taking ``new_id``."""
    request, realm, browser = ctx.request, ctx.realm, ctx.browser
    if request.device_user_code is not None:
        return await _approve_device(ctx, session, remember_me, consent, fresh=fresh, new_id=new_id)
    if request.pushed_request is not None and not await ctx.tx.pushed_requests.spend(request.pushed_request):
        # OIDCLoginProtocol.authenticationComplete: another login with this request_uri ended first (or it was
        # refused since); AuthenticationFlowException INTERNAL_ERROR, which handleBrowserException ends the login on
        await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
        return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST)
    try:
        if response_types.is_jwt(request.response_mode):  # the JARM key first: nothing is written without it
            await jarm.response_encrypter(ctx.services, ctx.client)
        response = await front_channel.respond(
            ctx.tx,
            ctx.services,
            realm,
            ctx.client,
            ctx.user,
            request,
            ip_address=browser.ip_address,
            session=session,
            fresh_login=fresh,
            remember_me=remember_me and realm.remember_me,
            user_agent=browser.user_agent,
            new_id=new_id,
        )
    except token_encryption.EncryptionKeyMissing:  # "can not get encryption KEK" (an ID token or the JARM response)
        # AuthenticationProcessor.handleBrowserException: the protocol's RuntimeException ends the login
        await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
        return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST)
    if request.kc_action_status is not None:
        done = request.kc_action_done
        response = dataclasses.replace(response, kc_action=done, kc_action_status=request.kc_action_status)
    await _logged_in(ctx, response.session, consent)
    # an organization invitation's registration sends the code to the invitation's URI (authSession.setRedirectUri)
    redirect = request.redirect_uri if request.invitation is not None else None
    return Done(response.session, response, redirect)


async def skips_link(tx: Tx, realm: Realm, client: Client) -> bool:
    """SystemClientUtil.checkSkipLink: no "Back to Application" for the system client (``logout.system_client``:
    ``account`` while it is enabled, otherwise ``_system``), whose base URL is account management."""
    if client.client_id not in ("account", "_system"):
        return False
    return client.client_id == await rp_logout.system_client(tx, realm)


def client_base(client: Client) -> str | None:
    """The info and error pages' "Back to Application": the client's base URL, resolved against its root URL
    (ResolveRelative.resolveRelativeUri)."""
    base = client.base_url
    if base and base.startswith("/") and client.root_url:
        return client.root_url.rstrip("/") + base
    return base or None


async def _action_page(ctx: StepContext) -> tuple[Outcome | None, StepContext]:
    """The page of the next required action (None: none is left) and the step with the request as it then
    stands. A challenge that passes over its action (delete_credential naming no credential of the user) answers
    ``error`` and the next action runs (AuthenticationManager.executeAction's IGNORE). An action whose feature is
    off (CONFIGURE_RECOVERY_AUTHN_CODES without recovery-codes) is not registered in a realm on Keycloak's
    defaults: a user's is passed over, a ``kc_action`` answered ``error``; one a realm registered itself has no
    factory, and the login ends on Keycloak's unexpected-error page (handleBrowserException)."""
    off = required_actions.unavailable(ctx.services.disabled_features)
    ignored = frozenset[str]()
    while True:
        action, request = required_actions.next_action(ctx.realm, ctx.user, ctx.request, ignored, off)
        ctx = dataclasses.replace(ctx, request=request)
        if action is None:
            return None, ctx
        if required_actions.not_deployed(action, off):
            await login_events.login_event(ctx, ctx.user.username, error="invalid_user_credentials")
            return Refused(UNEXPECTED_ERROR_HANDLING_REQUEST), ctx
        if required_actions.passes_at_once(ctx.user, action):
            ctx = await _passed(ctx, action)
            continue
        if action in KEY_TYPES and await _key_exists_skip(ctx, KEY_TYPES[action]):
            ctx = await _passed(ctx, action)
            continue
        if action == required_actions.UPDATE_EMAIL and update_email.email_read_only(ctx.realm):
            ctx = await _dropped(ctx, action)
            continue
        if action == required_actions.VERIFY_PROFILE:
            verify_page = await verify_profile.challenge(ctx)
            if verify_page is None:
                ctx = await _passed(ctx, action)
                continue
            return verify_page, ctx
        if action not in account_actions.ACTIONS:
            return action_page(ctx.user, request, action), ctx
        page = await account_actions.challenge(ctx, action)
        if page is not None:
            return page, ctx
        ignored |= {action}
        ctx = dataclasses.replace(ctx, request=required_actions.settled(request, action, required_actions.ERROR))


async def _key_exists_skip(ctx: StepContext, key_type: str) -> bool:
    """WebAuthnRegister.requiredActionChallenge: ``kc_action=webauthn-register:skip_if_exists`` (or
    ``webauthn-register-passwordless:skip_if_exists``) succeeds without a page for a user who has a credential of
    the action's type (Constants.KC_ACTION_PARAMETER_SKIP_IF_EXISTS)."""
    if ctx.request.kc_action_parameter != SKIP_IF_EXISTS:
        return False
    return any(c.type == key_type for c in await ctx.tx.users.credentials(ctx.user.id))


async def _passed(ctx: StepContext, action: str) -> StepContext:
    """An action whose challenge succeeded without a page: CUSTOM_REQUIRED_ACTION naming it, and the action
    gone from the user and the login (AuthenticationManager.executeAction's SUCCESS)."""
    await login_events.record(ctx, "CUSTOM_REQUIRED_ACTION", more={"custom_required_action": action})
    user = dataclasses.replace(ctx.user, required_actions=tuple(a for a in ctx.user.required_actions if a != action))
    if user.required_actions != ctx.user.required_actions:
        await ctx.tx.users.update(user)
    request = required_actions.settled(required_actions.leaving(ctx.request, action), action, required_actions.SUCCESS)
    return dataclasses.replace(ctx, user=user, request=request)


async def _dropped(ctx: StepContext, action: str) -> StepContext:
    """UpdateEmail.requiredActionChallenge with an e-mail the user may not edit: the action leaves the user
    without a page or an event, and the login goes on."""
    user = dataclasses.replace(ctx.user, required_actions=tuple(a for a in ctx.user.required_actions if a != action))
    if user.required_actions != ctx.user.required_actions:
        await ctx.tx.users.update(user)
    request = required_actions.settled(required_actions.leaving(ctx.request, action), action, required_actions.ERROR)
    return dataclasses.replace(ctx, user=user, request=request)


def action_page(user: User, request: AuthRequest, action: str) -> Outcome:
    """The page of a required action, with the cancel button when the client asked for it."""
    cancel = required_actions.app_initiated(request, user, action)
    if action in (required_actions.UPDATE_PROFILE, required_actions.VERIFY_PROFILE):
        values = {k: v[0] for k, v in user.attributes.items() if isinstance(v, list) and v and isinstance(v[0], str)}
        values |= {k: v or "" for k, v in account_profile.current(user).items()}  # and the declared attributes'
        lists = {k: declared.as_values(v) for k, v in user.attributes.items()}
        no_email = not user.email
        return NeedProfileUpdate(user.id, values, {}, cancel, request, lists, no_email, action)
    if action == required_actions.TERMS_AND_CONDITIONS:
        return NeedTerms(user.id, request)
    if action == required_actions.CONFIGURE_TOTP:
        return NeedTotpSetup(user.id, cancel=cancel, request=request)
    if action == required_actions.CONFIGURE_RECOVERY_AUTHN_CODES:
        return NeedRecoverySetup(user.id, cancel, request)
    if action == required_actions.VERIFY_EMAIL:
        return NeedEmailVerification(user.id, request, cancel=cancel)
    if action in (required_actions.WEBAUTHN_REGISTER, required_actions.WEBAUTHN_REGISTER_PASSWORDLESS):
        passwordless = action == required_actions.WEBAUTHN_REGISTER_PASSWORDLESS
        return NeedWebAuthnRegister(user.id, cancel=cancel, request=request, passwordless=passwordless)
    if action == required_actions.UPDATE_EMAIL:
        return update_email.page(user, request)
    return NeedPasswordUpdate(user.id, cancel=cancel, request=request)


async def _approve_device(
    ctx: StepContext,
    session: UserSession | None,
    remember_me: bool,
    consent: str,
    *,
    fresh: bool,
    new_id: str | None,
) -> Outcome:
    """The device flow's end: the session and client session, then the device authorization approved. The client
    session notes the login's level (1 fresh, 0 by the SSO cookie) for the device tokens' ``acr``."""
    request, realm = ctx.request, ctx.realm
    assert request.device_user_code is not None
    now = ctx.services.clock.now()
    session = await authorize.attach_client(
        ctx.tx,
        realm,
        ctx.client,
        ctx.user,
        request,
        now=now,
        ip_address=ctx.browser.ip_address,
        session=session,
        remember_me=remember_me and realm.remember_me,
        user_agent=ctx.browser.user_agent,
        fresh_login=fresh,
        new_id=new_id,
    )
    approved = await device_verification.approve(ctx.tx, realm, request.device_user_code, session.id, now)
    await _logged_in(ctx, session, consent)
    return DeviceDone(session, approved)


async def _logged_in(ctx: StepContext, session: UserSession, consent: str) -> None:
    """The LOGIN event of a login that ended in ``session`` (a code issued, or a device approved), with its
    ``consent`` detail; and AuthenticationManager.logSuccess (in redirectAfterSuccessfulFlow): the user's failed
    logins are cleared only once the whole flow is through, its OTP form, required actions and consent included,
    whichever flow authenticated the user (a reset-credentials link too, BruteForceTest.testResetPassword)."""
    await brute_force.successful_login(ctx.tx, ctx.realm, ctx.user)
    await login_events.login_event(
        ctx,
        session.login_username,
        session_id=session.id,
        remember_me=session.remember_me,
        extra={**ctx.event_details, "consent": consent, **_brokered(ctx.request)},
    )


def _brokered(request: AuthRequest) -> dict[str, str]:
    """A brokered login's LOGIN event names the identity provider and the user's name there."""
    if request.identity_provider is None:
        return {}
    return {
        "identity_provider": request.identity_provider,
        "identity_provider_identity": request.identity_provider_identity or "",
    }

"""What the identity provider's answer decides (Keycloak's AbstractOAuth2IdentityProvider.Endpoint.authResponse and
IdentityBrokerService.authenticated): the state checked against the tab's note, good for one answer; a refusal
brings back the login page; a linked user logs in (a disabled one, or one Brute Force Detection locked for now, gets
the login page's error: IdentityBrokerService.validateUser), the provider's
mappers applied as their sync mode asks; a new identity goes through the first broker login
(oauth/login_broker_first.py). And the Identity Provider Redirector's choice of a provider (``redirector_target``).

The web handlers (web/broker.py) find the tab and make the calls to the provider between two transactions.
"""

from __future__ import annotations

import base64
import hmac
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.broker import first_login, idp_mappers, oidc
from doorkeep.broker import providers as idp
from doorkeep.model import AuthSession, Client, Realm
from doorkeep.oauth import broker_sync_events, flow_gates, login_broker_first, login_events
from doorkeep.oauth.auth_request import has_prompt
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.broker_steps import NOTE, UNEXPECTED, Continue, Decision, error_event, finish, without
from doorkeep.oauth.login_outcomes import Done, Failed, NeedLogin, Refused
from doorkeep.oauth.login_password import ACCOUNT_DISABLED, INVALID_CREDENTIALS
from doorkeep.oauth.login_step import LoginSite
from doorkeep.users import brute_force

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class StateParts:
    """IdentityBrokerState.encoded: what a state names: the tab, the client (``client_key``: its id's 16 bytes when
    that id is a UUID, else its ``client_id``) and the login request's redirect (client_data.py), absent for a
    provider that ``requiresShortStateParameter``."""

    tab_id: str
    client_key: bytes
    client_data: str | None

    def client_uuid(self) -> str | None:
        """The client id the key spells, if it is a UUID's bytes."""
        return str(uuid.UUID(bytes=self.client_key)) if len(self.client_key) == 16 else None

    def client_id(self) -> str | None:
        """The ``client_id`` the key spells, when it is not a UUID of an existing client (the caller's lookup)."""
        try:
            return self.client_key.decode()
        except UnicodeDecodeError:
            return None


def encode_state(secret: str, tab_id: str, client: Client, data: str | None) -> str:
    """IdentityBrokerState.decoded: ``{secret}.{tab}.{client}[.{client_data}]``, the client as the base64url of its
    id's 16 bytes when that id is a UUID, else of its ``client_id``."""
    try:
        raw = uuid.UUID(client.id).bytes
    except ValueError:
        raw = client.client_id.encode()
    encoded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    value = f"{secret}.{tab_id}.{encoded}"
    return value if data is None else f"{value}.{data}"


def state_parts(value: str) -> StateParts | None:
    """The parts of a state ``encode_state`` made; None when it names no tab or client."""
    parts = value.split(".", 3)
    if len(parts) < 3 or not all(parts[:3]):
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except ValueError:  # binascii.Error
        return None
    return StateParts(parts[1], raw, parts[3] if len(parts) == 4 else None)


def state_matches(tab: AuthSession, alias: str, state_value: str) -> bool:
    """The answer's state is the one the tab's login sent to this provider (compared in constant time)."""
    note = tab.notes.get(NOTE)
    if not isinstance(note, dict) or note.get("alias") != alias:
        return False
    return hmac.compare_digest(str(note.get("state")).encode(), state_value.encode())


def noted(tab: AuthSession) -> dict[str, Any]:
    note = tab.notes.get(NOTE)
    return note if isinstance(note, dict) else {}


async def forget_note(tx: Tx, tab: AuthSession) -> None:
    """The state is good for one answer."""
    await tx.flows.advance_auth_session(tab.id, tab.user_id, tab.step, tab.form_token, without(tab.notes, NOTE))


AUTHENTICATION_EXPIRED = "authentication_expired"  # Constants.AUTHENTICATION_EXPIRED_MESSAGE


def asks_retry(error: str | None, description: str | None) -> bool:
    """AbstractOAuth2IdentityProvider.Endpoint.authResponse: ``temporarily_unavailable`` with the description
    ``authentication_expired`` (the provider's tab was gone while the browser was signed in there) retries the login
    at the provider (callback.retryLogin) instead of failing it."""
    return error == "temporarily_unavailable" and description == AUTHENTICATION_EXPIRED


# The provider's errors IdentityBrokerService.checkPassiveLoginError sends on to the client (PASSIVE_LOGIN_REQUIRED,
# PASSIVE_INTERACTION_REQUIRED): the answer to a ``prompt=none`` forwarded to it.
PASSIVE_ERRORS = ("login_required", "interaction_required")


async def refused(site: LoginSite, tab: AuthSession, alias: str, error: str | None, usable: bool) -> Continue:
    """The provider refused (``access_denied``: the user cancelled, the login page again with "Access denied when
    authenticating with <provider>", as IdentityBrokerService.cancelled), answered a passive login's
    ``login_required`` or ``interaction_required`` (back to the client's redirect URI, as checkPassiveLoginError),
    or failed (the login page with "Unexpected
    error…", as its ``error``)."""
    await forget_note(site.tx, tab)
    if usable and error in PASSIVE_ERRORS:
        await error_event(site, "identity_provider_error", identity_provider=alias, reason=error)
        return Continue(Failed(str(error), ""), site.request)
    # cancelled: browserAuthentication forwards "Access denied when authenticating with <provider>" to the flow,
    # whose login form shows it (KcOidcBrokerIdpLinkActionTest.testConsumerReauthentication)
    message = ACCESS_DENIED_WHEN_IDP_AUTH.format(idp.display_name(site.realm, alias))
    if not usable or error != "access_denied":
        message = UNEXPECTED
        await error_event(site, "identity_provider_error", identity_provider=alias, reason=error)
    if _without_form(site):  # no login page to go back to: the flow ends on the forwarded message
        return Continue(Refused(message), site.request)
    return Continue(NeedLogin(error=message), site.request)


# Messages.ACCESS_DENIED_WHEN_IDP_AUTH, what IdentityBrokerService.cancelled forwards to the browser flow
ACCESS_DENIED_WHEN_IDP_AUTH = "Access denied when authenticating with {}"


def _without_form(site: LoginSite) -> bool:
    """Whether the browser flow has no sign-in form (``Plan.broker_only``). Keycloak runs the flow again with the
    provider's error forwarded: its redirector steps aside (a forwarded error), the flow ends with no user and
    AuthenticationProcessor.authenticateOnly answers with the forwarded message on a 400 error page."""
    try:
        plan = flow_gates.plan(site.realm, site.client, flow_gates.BROWSER, site.request.requested_flow)
    except flow_gates.CannotRun:
        return False
    return plan.broker_only


async def authenticated(
    site: LoginSite, tab: AuthSession, state_value: str, config: oidc.Config, brokered: oidc.Identity
) -> Decision | None:
    """IdentityBrokerService.authenticated: the linked user logs in; a new identity runs the first broker login.
    None when the state was used meanwhile (by another answer)."""
    if noted(tab).get("state") != state_value:
        return None
    await forget_note(site.tx, tab)
    realm: Realm = site.realm
    brokered = idp_mappers.preprocess(realm, config, brokered)
    user = await first_login.linked_user(site.tx, realm, config, brokered)
    if user is None:
        return await login_broker_first.begin(site, tab, config, brokered)
    if not user.enabled:  # validateUser: ErrorPage.error, 400
        await error_event(site, "user_disabled", identity_provider=config.alias)
        return Continue(Refused(ACCOUNT_DISABLED), site.request)
    if realm.brute_force_protected and brute_force.temporarily_locked(  # validateUser's isTemporarilyDisabled
        await site.tx.login_failures.get(realm.id, user.id), site.services.clock.now()
    ):
        await error_event(site, brute_force.USER_TEMPORARILY_DISABLED, identity_provider=config.alias)
        return Continue(Refused(ACCOUNT_DISABLED), site.request)
    await first_login.refresh_token(site.tx, config, brokered, user)
    updated = await idp_mappers.update_brokered_user(site.tx, realm, config, brokered, user)
    await broker_sync_events.record(site, config.alias, brokered, user, updated)
    return await finish(site, tab.id, updated, config.alias, brokered.username, brokered.token)


def passive(decision: Decision | None, request: AuthRequest) -> Decision | None:
    """A ``prompt=none`` forwarded to the provider (FORWARDED_PASSIVE_LOGIN; only such a login reaches a provider with
    it): whatever page the login would now show, the first broker login's, a required action's or the consent
    screen, is ``interaction_required`` at the client's redirect URI instead (IdentityBrokerService's authenticateOnly
    override and its required-action check: PASSIVE_INTERACTION_REQUIRED)."""
    if decision is None or not has_prompt(request, "none"):
        return decision
    if isinstance(decision, Continue) and isinstance(decision.outcome, Done | Failed | Refused):
        return decision
    return Continue(Failed("interaction_required", ""), request)


def accepts_prompt_none(realm: Realm, alias: str) -> bool:
    """The provider's ``acceptsPromptNoneForwardFromClient``: a client's ``prompt=none`` with no session here goes on
    to it (IdentityProviderAuthenticator.redirect) instead of ending in ``login_required``."""
    provider = idp.by_alias(realm, alias)
    return provider is not None and str((provider.get("config") or {}).get(ACCEPTS_PROMPT_NONE)).lower() == "true"


ACCEPTS_PROMPT_NONE = "acceptsPromptNoneForwardFromClient"


async def no_provider(site: LoginSite) -> Refused | None:
    """A browser flow without a sign-in form whose redirector sends the login to no provider: the redirector is
    "attempted" (DefaultAuthenticationFlow.processResult records ATTEMPTED, REQUIRED or not), its sub-flow fails, the
    top flow ends with no user: AuthenticationProcessor.authenticateOnly's UNKNOWN_USER, LOGIN_ERROR
    ``user_not_found`` and "Invalid username or password." (400); also the answer to a login form posted in such a
    flow. None for a flow with a sign-in form (the redirector's sub-flow beside it fails over to that form)."""
    if not _without_form(site):
        return None
    await login_events.step_error(site, None, USER_NOT_FOUND, {})
    return Refused(INVALID_CREDENTIALS)


USER_NOT_FOUND = "user_not_found"  # Errors.USER_NOT_FOUND


def redirector_target(realm: Realm, client: Client, request: AuthRequest, hint_sent: bool) -> str | None:
    """IdentityProviderAuthenticator.authenticate, when the browser flow runs the Identity Provider Redirector before
    its sign-in form: the provider ``kc_idp_hint`` names (sent empty: none, and no default either), else the one its
    config's ``defaultProvider`` names; only an existing, enabled provider (else the redirector is "attempted" and
    the login page shows). None: no redirect."""
    try:
        plan = flow_gates.plan(realm, client, flow_gates.BROWSER, request.requested_flow)
    except flow_gates.CannotRun:
        return None  # the login page answers with the flow's error
    if not plan.redirector:
        return None
    alias = request.kc_idp_hint if hint_sent or request.kc_idp_hint else plan.default_provider
    provider = idp.by_alias(realm, alias) if alias else None
    return alias if provider is not None and idp.runs(provider) else None

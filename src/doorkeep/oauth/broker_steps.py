"""What the identity brokering steps share (oauth/login_broker.py, oauth/login_broker_first.py): the tab's notes,
the texts of Keycloak's Messages, the brokered identity as the first broker login keeps it on the tab
(SerializedBrokeredIdentityContext), the events (AbstractOAuth2IdentityProvider's, IdentityBrokerService's), and
the brokered user's way into Doorkeep's login completion.

No HTTP framework and no SQL here: the web handlers (web/broker*.py) find the tab, call these and render.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from doorkeep import events
from doorkeep.broker import oidc, provider_logout
from doorkeep.model import JSON, User
from doorkeep.oauth import login_broker_post, login_completion, login_gates
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_events import code_id
from doorkeep.oauth.login_outcomes import Outcome
from doorkeep.oauth.login_step import LoginSite, StepContext

NOTE = "broker"  # the tab's note: the provider's alias, the state, the nonce, the PKCE verifier
CONTEXT = "brokered"  # the tab's note during a first broker login: the identity and the account it matches
# The first broker login's pages, by the execution that shows them (DefaultAuthenticationFlows.firstBrokerLoginFlow).
REVIEW_STEP = "idp-review-profile"
CONFIRM_STEP, REAUTH_STEP = "idp-confirm-link", "idp-username-password-form"
EMAIL_STEP = "idp-email-verification"
SELECT_STEP = "select-authenticator"  # the e-mail page's "Try Another Way" list (select-authenticator.ftl)
STEPS = (REVIEW_STEP, CONFIRM_STEP, EMAIL_STEP, REAUTH_STEP, SELECT_STEP)
INVALID_REQUEST = "Invalid Request"  # Messages.INVALID_REQUEST
EXPIRED = "Your login attempt timed out.  Login will start from the beginning."  # Messages.LOGIN_TIMEOUT
UNEXPECTED = "Unexpected error when authenticating with identity provider"
MISSING_STATE = "Missing state parameter in response from identity provider."
NOT_PROCEEDING = "Could not proceed with authentication request to identity provider."
NOT_SENT = (
    "Could not send authentication request to identity provider."  # Messages.COULD_NOT_SEND_AUTHENTICATION_REQUEST
)


@dataclass(frozen=True)
class Page:
    """A first broker login page to show for ``step``: ``context`` is kept on the tab as its note; ``error`` the
    password form's message; ``values``, ``lists`` (every value of a multivalued attribute) and ``errors`` the review
    form's typed values and field errors; ``send``: the e-mail page's link is to be mailed first."""

    step: str
    context: JSON
    error: str | None = None
    values: dict[str, str] | None = None
    errors: dict[str, str] | None = None
    send: bool = False
    lists: dict[str, list[str]] | None = None


@dataclass(frozen=True)
class Continue:
    """The login goes on with ``outcome`` (a page of the login, the code, an error), for ``request``."""

    outcome: Outcome
    request: AuthRequest


Decision = Page | Continue


def to_context(config: oidc.Config, brokered: oidc.Identity) -> JSON:
    """SerializedBrokeredIdentityContext: the brokered identity as the tab's note keeps it."""
    return {
        "alias": config.alias,
        "id": brokered.id,
        "username": brokered.username,
        "email": brokered.email,
        "firstName": brokered.first_name,
        "lastName": brokered.last_name,
        "token": brokered.token,
        "claims": dict(brokered.claims),
        "attributes": {k: list(v) for k, v in brokered.attributes.items()},
        "modelUsername": brokered.model_username,
        "accessClaims": dict(brokered.access_claims),
    }


def identity_of(context: JSON) -> oidc.Identity:
    """The brokered identity back from the tab's note."""

    def text(key: str) -> str | None:
        value = context.get(key)
        return value if isinstance(value, str) and value else None

    claims, attributes = context.get("claims"), context.get("attributes")
    return oidc.Identity(
        str(context["id"]),
        str(context["username"]),
        text("email"),
        text("firstName"),
        text("lastName"),
        text("token"),
        claims if isinstance(claims, dict) else {},
        {str(k): [str(x) for x in v] for k, v in attributes.items()} if isinstance(attributes, dict) else {},
        context.get("modelUsername") if isinstance(context.get("modelUsername"), str) else None,
        access_claims=access if isinstance(access := context.get("accessClaims"), dict) else {},
    )


# The events LoginActionsService.brokerLoginFlow's builder records: the flow's own, and IdpReviewProfileAuthenticator's.
FLOW_EVENTS = frozenset({"IDENTITY_PROVIDER_FIRST_LOGIN", "UPDATE_PROFILE", "UPDATE_EMAIL"})
# The events of IdentityBrokerService.afterFirstBrokerLogin's own request: its builder holds SessionCodeChecks' code_id
# (the root authentication session, set again there), the provider and its username, and no redirect URI.
AFTER_FIRST_LOGIN = frozenset({"REGISTER", "FEDERATED_IDENTITY_LINK"})


async def error_event(site: LoginSite, error: str, **details: str | None) -> None:
    """IDENTITY_PROVIDER_LOGIN_ERROR, as AbstractOAuth2IdentityProvider and IdentityBrokerService record it."""
    await events.record(
        site.tx,
        site.realm,
        "IDENTITY_PROVIDER_LOGIN_ERROR",
        now=site.services.clock.now(),
        client_id=site.client.client_id,
        ip=site.browser.ip_address,
        error=error,
        details=details,
    )


async def record(
    site: LoginSite,
    user: User | None,
    kind: str,
    alias: str,
    brokered: oidc.Identity,
    more: dict[str, str | None] | None = None,
) -> None:
    """An event of the broker login (IDENTITY_PROVIDER_FIRST_LOGIN, REGISTER, FEDERATED_IDENTITY_LINK ...). Those the
    first broker login flow's own event builder records (FLOW_EVENTS) carry the provider session as
    ``identity_provider_broker_session_id``, which LoginActionsService.brokerLoginFlow sets on it; REGISTER and the
    linking FEDERATED_IDENTITY_LINK come from afterFirstBrokerLogin's request, whose builder has no such detail, nor
    the redirect URI, and has the ``code_id`` (AFTER_FIRST_LOGIN)."""
    session = provider_logout.broker_session_of(alias, brokered.token) if kind in FLOW_EVENTS else None
    after = kind in AFTER_FIRST_LOGIN
    await events.record(
        site.tx,
        site.realm,
        kind,
        now=site.services.clock.now(),
        client_id=site.client.client_id,
        user_id=user.id if user else None,
        ip=site.browser.ip_address,
        details={
            "identity_provider": alias,
            "identity_provider_identity": brokered.username,
            "redirect_uri": None if after else site.request.redirect_uri or None,
            "code_id": code_id(site.request, site.browser) if after else None,
            "username": user.username if user else brokered.username,
            "identity_provider_broker_session_id": session,
            **(more or {}),
        },
    )


async def finish(
    site: LoginSite, tab_id: str, user: User, alias: str, identity: str | None, token_response: str | None = None
) -> Continue:
    """The brokered user is the login's user: the provider's post broker login flow, then Doorkeep's completion
    (required actions, consent, the code), the provider noted on the login for its LOGIN event and, with its ID
    token, for the session's logout."""
    login = dataclasses.replace(
        site.request,
        identity_provider=alias,
        identity_provider_identity=identity,
        identity_provider_id_token=provider_logout.id_token_of(token_response),
        identity_provider_session=provider_logout.broker_session_of(alias, token_response),
    )
    ctx = StepContext(site.tx, site.services, site.realm, site.client, login, user, site.browser)
    page, ctx = await _after_broker(ctx, alias)
    await site.tx.flows.replace_auth_request(tab_id, ctx.request.to_json())
    if page is not None:
        return Continue(page, ctx.request)
    return Continue(await login_completion.proceed(ctx), ctx.request)


async def _after_broker(ctx: StepContext, alias: str) -> tuple[Outcome | None, StepContext]:
    """The provider's post broker login flow, at once; or, when the browser flow has no sign-in form, the flow's
    steps after its Identity Provider Redirector (Keycloak's browser flow continuation after the broker login), the
    post broker login flow noted (``broker_continuation``) to run once those steps and the required actions they
    leave are through (oauth/login_completion.finish)."""
    if not login_gates.broker_continues(ctx):
        return await login_broker_post.run(ctx, alias)
    ctx = dataclasses.replace(ctx, request=dataclasses.replace(ctx.request, broker_continuation=alias))
    return await login_gates.after(ctx, 0, done=False)


def without(notes: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in notes.items() if k not in keys}

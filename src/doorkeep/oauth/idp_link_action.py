"""The ``idp_link`` application-initiated action (Keycloak 26's IdpLinkAction, ``kc_action=idp_link:{alias}``): a
page asks the signed-in user to confirm, Continue sends the browser to the provider (web/login_responses.py), and
the provider's answer (web/broker.py) links its identity to the login's user as performAccountLinking does, then
the login goes on with ``kc_action_status`` success, or ends on an error page.

The challenge passes over the action (``kc_action_status=error``, a FEDERATED_IDENTITY_LINK_ERROR event) when the
alias names no provider of the realm or the user holds neither ``manage-account`` nor ``manage-account-links``.
"""

from __future__ import annotations

import dataclasses

from doorkeep.broker import idp_mappers, linking, oidc, provider_logout
from doorkeep.broker import providers as idp
from doorkeep.model import User
from doorkeep.oauth import broker_sync_events, login_completion, login_events, login_outcomes, required_actions
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import Outcome
from doorkeep.oauth.login_step import StepContext

IDP_LINK = required_actions.IDP_LINK
LINKED = "FEDERATED_IDENTITY_LINK"


async def _error(ctx: StepContext, error: str, alias: str | None) -> None:
    await login_events.record(ctx, f"{LINKED}_ERROR", error=error, more={"identity_provider": alias})


def page(request: AuthRequest, user: User) -> login_outcomes.NeedIdpLink:
    """link-idp-action.ftl for the provider ``kc_action`` names (its display name is the web's to draw)."""
    return login_outcomes.NeedIdpLink(user.id, request.kc_action_parameter or "", request)


async def challenge(ctx: StepContext) -> Outcome | None:
    """requiredActionChallenge: the page, or None (passed over) for an unknown provider or a user who may not
    link accounts."""
    alias = ctx.request.kc_action_parameter
    if not alias or idp.by_alias(ctx.realm, alias) is None:
        await _error(ctx, "unknown_identity_provider", alias)
        return None
    if not await linking.may_link(ctx.tx, ctx.realm, ctx.user):
        await _error(ctx, "not_allowed", alias)
        return None
    return page(ctx.request, ctx.user)


async def cancelled(ctx: StepContext, alias: str) -> tuple[Outcome, AuthRequest]:
    """IdentityBrokerService.cancelled while the action links (the provider answered ``access_denied``: its user
    refused): IDP_LINK_STATUS CANCELLED, so processAction cancels the action (FEDERATED_IDENTITY_LINK_ERROR
    ``rejected_by_user``) and the login goes on with ``kc_action_status=cancelled``, nothing linked."""
    await _error(ctx, "rejected_by_user", alias)
    request = required_actions.settled(ctx.request, IDP_LINK, required_actions.CANCELLED)
    return await login_completion.proceed(dataclasses.replace(ctx, request=request)), request


def submit(ctx: StepContext) -> Outcome:
    """processAction's first half: the user confirmed, the browser goes to the provider."""
    return login_outcomes.ToIdpLink(ctx.user.id, ctx.request.kc_action_parameter or "", ctx.request)


async def finish(ctx: StepContext, config: oidc.Config, brokered: oidc.Identity) -> tuple[Outcome, AuthRequest]:
    """performAccountLinking for the action, then processAction's second half: linked, the login goes on with the
    action's success; refused, the error page (400, or 403 for a user who may no longer link)."""
    brokered = idp_mappers.preprocess(ctx.realm, config, brokered)
    linked = await linking.attach(ctx.tx, ctx.realm, config, brokered, ctx.user)
    if isinstance(linked, linking.Refused):
        await _error(ctx, linked.error or "", config.alias)
        return login_outcomes.Refused(linked.shown(), linked.status), ctx.request
    await broker_sync_events.record(ctx, config.alias, brokered, ctx.user, linked)  # updateFederatedIdentity's
    more = {
        "identity_provider": config.alias,
        "identity_provider_identity": brokered.username,
        # the callback's builder (IdentityBrokerService.authenticated) names the provider session
        "identity_provider_broker_session_id": provider_logout.broker_session_of(config.alias, brokered.token),
    }
    ctx = dataclasses.replace(ctx, user=linked)  # as the mappers left it
    await login_events.record(ctx, LINKED, more=more)
    request = required_actions.settled(ctx.request, IDP_LINK, required_actions.SUCCESS)
    return await login_completion.proceed(dataclasses.replace(ctx, request=request)), request

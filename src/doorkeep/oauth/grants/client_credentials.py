"""Client credentials for service accounts (RFC 6749 §4.4; KEYCLOAK.md §2.4).

Without ``client_credentials.use_refresh_token=true`` the session is transient: nothing is stored,
the access token has no ``sid`` and the response has no refresh token or session_state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event, RequestFacts
from doorkeep.errors import (
    CC_BEARER_ONLY,
    CC_DISABLED,
    CC_NO_USER,
    CC_PUBLIC,
    CC_USER_DISABLED,
    InvalidRequest,
    InvalidScope,
    OAuthError,
    UnauthorizedClient,
)
from doorkeep.model import ISSUER_NOTE, Client, User
from doorkeep.oauth import claims as claimset
from doorkeep.oauth import issue
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.grants.common import bind_resource, issue_new_session_tokens, require_offline_allowed
from doorkeep.oauth.issue import GrantContext, TransientGrant
from doorkeep.oauth.mappers import lightweight
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.roles import effective_roles
from doorkeep.sessions import service

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.oauth.scopes import GrantedScopes
    from doorkeep.store.config_cache import ServiceAccount
    from doorkeep.store.tx import Tx

GRANT_TYPE = "client_credentials"


def _refused(err: OAuthError, username: str | None = None, user_id: str | None = None) -> OAuthError:
    """A refusal whose CLIENT_LOGIN_ERROR carries Keycloak's ``reason`` detail (the description), and the
    service account's username and id once the grant has found it (event.detail(USERNAME), event.user)."""
    err.event_details["reason"] = err.description
    if username is not None:
        err.event_details["username"] = username
        err.event_user = user_id
    return err


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Minted:
    if client.bearer_only:
        raise _refused(UnauthorizedClient(CC_BEARER_ONLY, event_error="invalid_client"))
    if client.public_client:
        raise _refused(UnauthorizedClient(CC_PUBLIC, event_error="invalid_client"))
    if not client.service_accounts_enabled:
        raise _refused(UnauthorizedClient(CC_DISABLED, event_error="invalid_client"))
    account = await tx.config.service_account(client)  # kept per process while no user changes
    user = account.user
    if user is None:
        raise _refused(InvalidRequest(CC_NO_USER, status=401, event_error="user_not_found"))
    if not user.enabled:
        disabled = InvalidRequest(CC_USER_DISABLED.format(user.username), status=401, event_error="user_disabled")
        raise _refused(disabled, user.username, user.id)
    try:
        return await _tokens(tx, services, req, client, account, user)
    except OAuthError as err:  # every later refusal names the service account, as event.user(clientUser) does
        err.event_details.setdefault("username", user.username)
        err.event_user = err.event_user or user.id
        raise


async def _requested(tx: Tx, client: Client, user: User, scope_param: str) -> GrantedScopes:
    """getRequestedScopes: an unknown scope is ``invalid_scope`` to the caller, but Errors.INVALID_REQUEST
    with the reason "Invalid scopes: <scope>" in the event."""
    try:
        return await scope_rules.permitted(tx, user, await scope_rules.resolve(tx, client, scope_param))
    except InvalidScope as err:
        err.event_error = "invalid_request"
        raise _refused(err) from None


async def _policies(tx: Tx, req: OAuthRequest, client: Client) -> Client:
    """ClientPolicyEvent.SERVICE_ACCOUNT_TOKEN_REQUEST, once the requested scopes are known (a refusal is 400
    with the executor's error, the event's reason ``client_policy_error``): the client as the executors leave
    it (lightweight access tokens); nothing to do, and nothing read, while the realm enables no policy (issue #8:
    this grant is the hot path)."""
    event = Event.SERVICE_ACCOUNT_TOKEN_REQUEST
    facts = RequestFacts(issuer=req.issuer, certificates=req.client_certificates)
    scope = req.form.get("scope")
    verdict = await client_policies.on_request(tx, req.realm, event, client, req.form, scope=scope, request=facts)
    return lightweight.for_request(client, verdict.lightweight_access_token)


async def _tokens(
    tx: Tx, services: Services, req: OAuthRequest, client: Client, account: ServiceAccount, user: User
) -> Minted:
    realm = req.realm
    tx.users.prefetched_role_ids(user.id, set(account.role_ids))
    try:  # an empty name (``scope=``, two spaces) is refused before any kept grant is looked up
        scope_rules.check_names(req.form.get("scope"))
    except InvalidScope as err:
        err.event_error = "invalid_request"
        raise _refused(err) from None
    scope_param = req.form.get("scope") or ""
    # ClientCredentialsGrantType.useRefreshToken: this attribute alone, not "use.refresh.tokens" as well.
    use_refresh = client.attr_bool("client_credentials.use_refresh_token", False)
    notes = claimset.service_account_notes(client, req.ip_address)
    if not use_refresh:  # a transient session: everything but the time, the ids and the caller's notes is kept
        kept = account.grant(scope_param, TransientGrant)
        if kept.scopes is None:
            kept.scopes = await _requested(tx, client, user, scope_param)
        client = await _policies(tx, req, client)
        if kept.roles is None:
            kept.roles = await effective_roles(tx, user, client, kept.scopes.scopes)
        ctx = GrantContext(realm, client, user, None, None, kept.scopes, kept.roles, GRANT_TYPE, kept=kept, notes=notes)
        ctx = await bind_resource(tx, services, req, ctx)  # resource-indicators
        return await issue.mint(tx, services, req, ctx, None)
    granted = await _requested(tx, client, user, scope_param)
    client = await _policies(tx, req, client)
    roles = await effective_roles(tx, user, client, granted.scopes)
    probe = GrantContext(realm, client, user, None, None, granted, roles, GRANT_TYPE)
    if granted.offline:
        require_offline_allowed(probe)
    probe = await bind_resource(tx, services, req, probe)  # resource-indicators: before the session is written
    us, cs = await service.start_online(
        tx,
        realm,
        user,
        client,
        scope_param=scope_param,
        now=services.clock.now(),
        ip_address=req.ip_address,
        auth_method="openid-connect",
        notes={"grant_type": GRANT_TYPE, service.FIRST_OFFLINE_ACCESS: "true", ISSUER_NOTE: req.issuer},
        session_notes=notes,
    )
    ctx = GrantContext(realm, client, user, us, cs, granted, roles, GRANT_TYPE, resource=probe.resource)
    return await issue_new_session_tokens(tx, services, req, ctx, use_refresh=True, remove_online_when_offline=True)

"""The client-policy events of the endpoints that judge a request before (or without) a client session: the
authorization endpoint before it looks the client up (PRE_AUTHORIZATION_REQUEST, AuthorizationEndpoint.process),
token introspection (TOKEN_INTROSPECT), revocation (TOKEN_REVOKE), userinfo (USERINFO_REQUEST) and the logout
with a refresh token (LOGOUT_REQUEST). Each endpoint answers a refusal in its own way, so ``refusal`` hands the
ClientPolicyViolation back rather than raising it; ``pre_authorization`` raises Keycloak's error page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep.clientpolicies import engine
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, Params, PolicyContext, RequestFacts
from doorkeep.clientpolicies.enforce import CLIENT_POLICY_ERROR, PreAuthorizationRefusal, client_facts, oauth_error
from doorkeep.model import Client, Realm

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def active(realm: Realm) -> bool:
    """Whether the realm enables a policy: a caller skips gathering what a run would look at otherwise."""
    return engine.has_policies(realm)


def event_details(violation: ClientPolicyViolation) -> dict[str, str]:
    """What the endpoints' event records of a refusal (Details.REASON, CLIENT_POLICY_ERROR and its detail)."""
    return {
        "reason": CLIENT_POLICY_ERROR,
        CLIENT_POLICY_ERROR: violation.error,
        "client_policy_error_detail": violation.description,
    }


def as_oauth_error(violation: ClientPolicyViolation) -> e.OAuthError:
    """CorsErrorResponseException(cors, error, detail, status): the executor's own error code, detail and status."""
    return oauth_error(violation)


async def pre_authorization(tx: Tx, realm: Realm, named: Client | None, params: Params) -> None:
    """PRE_AUTHORIZATION_REQUEST, before checkClient: ``named``, the client the request's client_id names (None:
    no such client), is the context's (secure-redirect-uris-enforcer reads it; client-access-type abstains). A
    refusal is a 400 error page whose LOGIN_ERROR names no client."""
    if not engine.has_policies(realm):
        return
    facts = None if named is None else await client_facts(tx, named)
    context = PolicyContext(Event.PRE_AUTHORIZATION_REQUEST, client=facts, params=params)
    try:
        engine.run(realm, context)
    except ClientPolicyViolation as violation:
        page = PreAuthorizationRefusal(violation.description, event_error=violation.error)
        page.event_details.update(event_details(violation))
        raise page from None


async def refusal(
    tx: Tx,
    realm: Realm,
    event: Event,
    client: Client | None,
    params: Params,
    *,
    http_method: str | None = None,
    certificates: tuple[Any, ...] = (),
) -> ClientPolicyViolation | None:
    """Run the policies on ``event`` of ``client`` (the authenticated caller; None where Keycloak knows none yet,
    at userinfo): the executor's refusal, or None when they let the request through. ``certificates``: the
    client's certificate chain (mTLS), which holder-of-key-enforcer checks a token's binding against."""
    if not engine.has_policies(realm):
        return None
    facts = None if client is None else await client_facts(tx, client)
    request = RequestFacts(certificates=certificates)
    context = PolicyContext(event, client=facts, params=params, http_method=http_method, request=request)
    try:
        engine.run(realm, context)
    except ClientPolicyViolation as violation:
        return violation
    return None

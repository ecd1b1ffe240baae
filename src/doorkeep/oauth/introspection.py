"""Token introspection (RFC 7662) of access, refresh and offline tokens (KEYCLOAK.md §6.3, S18).

As Keycloak's TokenIntrospectionEndpoint: every client-authentication failure is one answer,
401 invalid_request "Authentication failed."; ``token_type_hint`` picks the provider
(``access_token`` when absent, ``refresh_token``, or ``requesting_party_token``; anything else is refused). The
refresh_token provider refuses any token but a refresh or offline one and checks refresh-token reuse; the
access_token provider takes a refresh or an ID token too, without the reuse check (it has no verifyTokenReuse). The
checks, and the reason each failure records, are oauth/introspection_checks.py.

Keycloak 26.6.2: only a client in a token's audience sees it active (``aud``, or for a lightweight token the
rebuilt token's); a refresh or offline token only to its own client (26.8). A client introspecting tokens meant for
others needs an audience mapper on the issuing client, or, deprecated, the server option
``allow-token-introspection-without-audience-check`` or its own attribute
``allow.token.introspection.without.audience.check``.

The requesting_party_token provider (RPTIntrospectionProvider, there while the default-on authorization feature
is) runs the access_token provider's checks and answers an active token with a few of its own claims only.

The other two answer with the token rebuilt as ``transformAccessToken`` does: its basic claims and
what the mappers that feed introspection give now (``issue.introspected_claims``), then ``client_id``,
``username``, ``token_type`` and ``active``.

Keycloak 25+: when the request's ``Accept`` header is exactly ``application/jwt`` and the *calling* client has
``client.introspection.response.allow.jwt.claim.enabled`` true, an active answer also carries ``jwt``: that
rebuilt token signed as an access token (``session.tokens().encode``: the caller's
``access.token.signed.response.alg``, else the realm's default). The answer stays JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events
from doorkeep.clientpolicies import enforce_endpoints
from doorkeep.clientpolicies.context import Event
from doorkeep.errors import OAuthError
from doorkeep.oauth import actor, admin_role_claims, issue
from doorkeep.oauth import introspection_checks as checks
from doorkeep.oauth.endpoint_events import RequestEvents
from doorkeep.oauth.mappers import claims as mappings
from doorkeep.oauth.mappers.context import session_input
from doorkeep.tokens import unverified

if TYPE_CHECKING:
    from doorkeep.model import Client, User, UserSession
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

INACTIVE: dict[str, Any] = {"active": False}
ACCESS_TOKEN, REFRESH_TOKEN = "access_token", "refresh_token"  # the providers' ids
RPT = "requesting_party_token"
# The claims RPTIntrospectionProvider copies into its metadata AccessToken, in Jackson's order (JsonWebToken's
# fields, then IDToken's acr); the token's realm_access and resource_access are left out, and Doorkeep's tokens
# carry no ``authorization`` claim, so no ``permissions`` follow.
RPT_CLAIMS = ("jti", "exp", "nbf", "iat", "aud", "typ", "acr")
APPLICATION_JWT = "application/jwt"  # org.keycloak.utils.MediaType.APPLICATION_JWT
JWT_CLAIM_ENABLED = "client.introspection.response.allow.jwt.claim.enabled"  # Constants.SUPPORT_JWT_CLAIM_...


async def introspect(tx: Tx, services: Services, req: OAuthRequest, accept: str | None = None) -> dict[str, Any]:
    """``accept``: the request's Accept header as RESTEasy's getHeaderString gives it (several joined by ",")."""
    refusals = RequestEvents(tx, req, "INTROSPECT_TOKEN", services.clock.now())
    client = await _authorize(refusals)
    found = await _introspect(tx, services, req, client, refusals)
    if not isinstance(found, Active):
        return found
    if req.form.get("token_type_hint") == RPT:
        claims = (unverified(req.form.get("token") or "") or ({}, {}))[1]
        return {**{k: claims[k] for k in RPT_CLAIMS if claims.get(k) is not None}, "active": True}
    answer = dict(found.answer)
    if accept == APPLICATION_JWT and client.attr_bool(JWT_CLAIM_ENABLED):
        alg = issue.signature_alg(req.realm, client, "access.token.signed.response.alg")
        answer["jwt"] = await services.codec.sign(tx, req.realm.id, found.token, alg, services.clock.now())
    return answer


@dataclass(frozen=True)
class Active:
    """An active token's answer, and the token as ``transformAccessToken`` rebuilt it (what ``jwt`` signs)."""

    answer: dict[str, Any]
    token: dict[str, Any]


async def _introspect(
    tx: Tx, services: Services, req: OAuthRequest, client: Client, refusals: RequestEvents
) -> dict[str, Any] | Active:
    if req.form.has_duplicates():
        raise await refusals.refuse(e.InvalidRequest(e.DUPLICATED_PARAMETER))
    hint = req.form.get("token_type_hint")
    token = req.form.get("token")
    if token is None:  # an empty token is introspected, and is inactive
        raise await refusals.refuse(e.InvalidRequest(e.INTROSPECTION_NO_TOKEN))
    hint = ACCESS_TOKEN if hint is None else hint
    if hint not in (ACCESS_TOKEN, REFRESH_TOKEN, RPT):
        raise await refusals.refuse(e.InvalidRequest(e.INTROSPECTION_UNSUPPORTED_HINT.format(hint)))
    # TOKEN_INTROSPECT: the refusal's own error event, then throwErrorResponseException's invalid_request one
    violation = await enforce_endpoints.refusal(tx, req.realm, Event.TOKEN_INTROSPECT, client, req.form)
    if violation is not None:
        await refusals.error(violation.error, **enforce_endpoints.event_details(violation))
        raise await refusals.refuse(e.InvalidRequest(violation.description, status=400))
    try:
        found = await checks.checked(tx, services, req, token, client, refresh_hint=hint == REFRESH_TOKEN)
    except checks.Refused as refused:
        await _failed(tx, services, req, client, refused)
        return INACTIVE
    out = await _active(tx, found.claims, found.client, found.user, found.session, req.base_url, req.realm.name)
    try:
        checks.audience(services, client, found, out.token)
    except checks.Refused as refused:
        await _failed(tx, services, req, client, refused)
        return INACTIVE
    await _record(tx, services, req, client, found.user.id, out.answer)
    return out


async def _authorize(refusals: RequestEvents) -> Client:
    """TokenIntrospectionEndpoint.authorizeClient: a failed authentication (unknown, disabled or
    wrong secret alike) becomes "Authentication failed.", a second error event after the flow's; the
    protocol and public-client refusals are ErrorResponseExceptions, which it lets through. No Cors."""
    try:
        client = await refusals.client(cors=False)
    except OAuthError as err:
        if refusals.caller is not None:  # another protocol: an ErrorResponseException, not "Authentication failed."
            raise
        failed = e.InvalidRequest(e.INTROSPECTION_AUTH_FAILED, status=401, event_error=err.event_error)
        raise await refusals.refuse(failed) from err
    if client.public_client:
        raise await refusals.refuse(e.InvalidRequest(e.INTROSPECTION_NOT_ALLOWED, status=403))
    return client


async def _active(
    tx: Tx,
    token: dict[str, Any],
    client: Client,
    user: User,
    session: UserSession | None,
    base_url: str,
    realm_name: str,
) -> Active:
    """The answer for an active token: the token rebuilt from the client session context its ``scope``
    gives, then the fields the provider adds (an empty scope is left out; a mapped ``username`` stays)."""
    rebuilt = await transform_access_token(tx, token, client, user, session, base_url, realm_name)
    out = dict(rebuilt)
    if isinstance(out.get("scope"), str) and not out["scope"].strip():
        del out["scope"]
    out["client_id"] = out.get("azp")
    # getPreferredUsername() is never set by a mapper (they write "other claims"): the user's username.
    out.setdefault("username", user.username)
    act = actor.claim(session)  # Keycloak 26.8: the administrator's id and username (the username alone before)
    if act is not None:
        out[actor.ACT] = act
    out.update(token_type=out.get("typ"), active=True)
    return Active(out, rebuilt)


async def transform_access_token(
    tx: Tx,
    token: dict[str, Any],
    client: Client,
    user: User,
    session: UserSession | None,
    base_url: str,
    realm_name: str,
) -> dict[str, Any]:
    """AccessTokenIntrospectionProvider.transformAccessToken: the token rebuilt from the client session context
    its ``scope`` gives, with the claims of the mappers that feed introspection (what fills a lightweight token
    back in, here and for the Account REST API). Admin roles the user does not hold are taken out as from a
    minted access token (admin_role_claims; Keycloak runs its post-processor on minted tokens only)."""
    mappers, data = await session_input(
        tx, client, user, session, str(token.get("scope", "")), str(token.get("acr", "1")), base_url=base_url
    )
    mapped = mappings.apply(mappers, data, mappings.INTROSPECTION)
    await admin_role_claims.post_process(tx, realm_name, client, user, data.roles, data.role_clients, mapped)
    return issue.introspected_claims(token, mapped)


async def _record(
    tx: Tx, services: Services, req: OAuthRequest, caller: Client, user_id: str, active: dict[str, Any]
) -> None:
    """INTROSPECT_TOKEN, by the calling client, about the token's user (the session's, not a mapped
    ``sub``) and session."""
    await events.record(
        tx,
        req.realm,
        "INTROSPECT_TOKEN",
        now=services.clock.now(),
        client_id=caller.client_id,
        user_id=user_id,
        session_id=active.get("sid"),
        ip=req.ip_address,
        details={"client_auth_method": events.client_auth_method(caller)},
    )


async def _failed(tx: Tx, services: Services, req: OAuthRequest, caller: Client, refused: checks.Refused) -> None:
    """INTROSPECT_TOKEN_ERROR for a token found inactive: the token's id, type and ``azp`` once its signature
    held, its session once the session was looked up, its user once found, and the check's reason."""
    claims = refused.claims
    details = (
        {}
        if claims is None
        else {
            "token_id": claims.get("jti"),
            "token_type": claims.get("typ"),
            "token_issued_for": claims.get("azp"),
        }
    )
    details["reason"] = refused.reason
    details["client_auth_method"] = events.client_auth_method(caller)  # the caller authenticated first
    await events.record(
        tx,
        req.realm,
        "INTROSPECT_TOKEN_ERROR",
        now=services.clock.now(),
        client_id=caller.client_id,
        user_id=refused.user_id,
        session_id=refused.session_id,
        ip=req.ip_address,
        error=refused.error,
        details=details,
    )

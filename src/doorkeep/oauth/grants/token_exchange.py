"""Standard token exchange (RFC 8693), as Keycloak 26.2+ serves it ("token exchange V2").

Keycloak's TokenExchangeGrantType picks StandardTokenExchangeProvider (the legacy V1 provider, with
impersonation through ``requested_subject`` and identity brokering, is a preview feature that is off);
its ``supports`` refusals come first, then AbstractTokenExchangeProvider.exchangeClientToClient's steps in
order. A confidential client with ``standard.token.exchange.enabled`` trades an access token whose
audience names it (or that was issued to it) for a token of its own in the same user session: an access
token, an ID token, or with ``standard.token.exchange.enableRefreshRequestedTokenType`` = SAME_SESSION a
refresh token too. Nothing is written until every check has passed; the refresh token type writes a client
session for the requester, then the refresh token's record; the other types use the requester's client session
if it has one, else one that lives for this request only (jti ``nt``/``ft``). A client session that outlives
the request is noted with the subject's client (oauth/exchange_chain.py), so that revoking the subject's
token revokes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import java_order
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.model import ISSUER_NOTE, Client, ClientSession
from doorkeep.oauth import access, dpop, exchange_chain, issue, mtls
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.exchange_settings import REFRESH_ENABLED, enabled
from doorkeep.oauth.grants.common import issue_new_session_tokens
from doorkeep.oauth.issue import GrantContext
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.roles import effective_roles
from doorkeep.sessions import resume, service

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form, OAuthRequest, Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
MULTIVALUED = frozenset({"audience", "resource"})  # TokenExchangeGrantType.getSupportedMultivaluedRequestParameters

ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
REFRESH_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:refresh_token"
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"
SAML2_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:saml2"
TOKEN_TYPE_NA = "N_A"  # TokenUtil.TOKEN_TYPE_NA: an ID token is no bearer token


@dataclass
class _Trail:
    """What Keycloak's EventBuilder knows by the time a step fails: a refusal's event carries it."""

    details: dict[str, str] = field(default_factory=lambda: {"auth_method": "token_exchange"})
    user_id: str | None = None
    session_id: str | None = None


def _refused(err: e.OAuthError, reason: str, **details: str) -> e.OAuthError:
    err.event_details = {"reason": reason, **details}
    return err


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Minted:
    trail = _Trail()
    try:
        return await _exchange(tx, services, req, client, trail)
    except e.OAuthError as err:
        err.event_details = {**trail.details, **err.event_details}
        err.event_user, err.event_session = trail.user_id, trail.session_id
        raise


def _check_supported(form: Form, client: Client) -> None:
    """StandardTokenExchangeProvider.supports: with no other provider on, its reason is the answer."""
    for param, reason in (
        ("requested_subject", e.TE_REQUESTED_SUBJECT),  # impersonation: V1 only
        ("requested_issuer", e.TE_REQUESTED_ISSUER),
        ("subject_issuer", e.TE_SUBJECT_ISSUER),
    ):
        if form.get(param) is not None:
            raise _refused(e.InvalidRequest(reason), reason)
    if not enabled(client):
        raise _refused(e.InvalidRequest(e.TE_NOT_ENABLED), e.TE_NOT_ENABLED)
    if form.get("subject_token") is None:
        raise _refused(e.InvalidRequest(e.TE_NO_SUBJECT_TOKEN), e.TE_NO_SUBJECT_TOKEN)
    subject_type = form.get("subject_token_type")
    if subject_type is None:
        raise _refused(e.InvalidRequest(e.TE_NO_SUBJECT_TOKEN_TYPE), e.TE_NO_SUBJECT_TOKEN_TYPE)
    if subject_type != ACCESS_TOKEN_TYPE:
        raise _refused(e.InvalidRequest(e.TE_ACCESS_TOKENS_ONLY), e.TE_ACCESS_TOKENS_ONLY)


async def _subject(tx: Tx, services: Services, req: OAuthRequest, client: Client, trail: _Trail) -> access.ValidAccess:
    """processSubjectToken: the access token verified as userinfo verifies one, a sender-constrained one
    refused, then its user and session named."""
    requested = req.form.get("requested_token_type")
    if requested is not None:
        trail.details["requested_token_type"] = requested
    try:
        valid = await access.validate(tx, services, req.realm, req.issuer, req.form.get("subject_token") or "")
    except access.InvalidAccess as err:
        failed = e.InvalidRequest(e.INVALID_TOKEN, event_error="invalid_token", detail=str(err))
        raise _refused(failed, "subject_token validation failure") from None
    # validateSenderConstrainedToken (RFC 7800 ``cnf``), before the event knows the user
    if valid.claims.get("cnf") is not None:
        _check_sender_constraint(valid.claims, req, client)
    trail.user_id = valid.user.id
    trail.details["username"] = valid.user.username
    sid = valid.claims.get("sid")
    trail.session_id = None if sid is None else str(sid)
    trail.details["subject_token_client_id"] = str(valid.claims.get("azp", ""))
    return valid


def _requested_token_type(form: Form, client: Client) -> str:
    """StandardTokenExchangeProvider.getRequestedTokenType: access token by default; a refresh token only for a
    client that uses refresh tokens and allows them here."""
    requested = form.get("requested_token_type")
    if requested is None:
        return ACCESS_TOKEN_TYPE
    if requested in (ACCESS_TOKEN_TYPE, ID_TOKEN_TYPE, SAML2_TOKEN_TYPE):
        return requested
    if (
        requested == REFRESH_TOKEN_TYPE
        and client.attr_bool("use.refresh.tokens", True)
        and client.attr(REFRESH_ENABLED, "NO") == "SAME_SESSION"
    ):
        return requested
    raise _refused(e.InvalidRequest(e.TE_TYPE_UNSUPPORTED), e.TE_TYPE_UNSUPPORTED)


async def _audience_clients(tx: Tx, req: OAuthRequest, client: Client) -> list[Client]:
    """getTargetAudienceClients, then validateAudience's checks of the requester and of each target."""
    targets: list[Client] = []
    for audience in req.form.all("audience"):
        target = await tx.config.client(req.realm.id, audience)
        if target is None:
            failed = e.InvalidClient(e.TE_AUDIENCE_NOT_FOUND, status=400, event_error="client_not_found")
            raise _refused(failed, "audience not found", audience=audience)
        targets.append(target)
    if client.public_client:
        raise _refused(e.InvalidClient(e.TE_PUBLIC_CLIENT, status=400), e.TE_PUBLIC_CLIENT)
    for target in targets or [client]:
        if not target.enabled:
            failed = e.InvalidClient(e.CLIENT_DISABLED, status=400, event_error="client_disabled")
            raise _refused(failed, "audience client disabled", audience=target.client_id)
    return targets


def _check_holder_or_audience(claims: dict[str, object], client: Client) -> None:
    """A token issued to another client must name the requester in its ``aud``
    (forbiddenIfClientIsNotWithinTokenAudience)."""
    if claims.get("azp") == client.client_id:
        return
    aud = claims.get("aud")
    if client.client_id not in ([aud] if isinstance(aud, str) else (aud if isinstance(aud, list) else [])):
        failed = e.AccessDenied(e.TE_NOT_IN_AUDIENCE, event_error="not_allowed")
        raise _refused(failed, "client is not within the token audience")


async def _requested_scopes(tx: Tx, client: Client, scope_param: str | None) -> scope_rules.GrantedScopes:
    """getRequestedScope: the requester's default scopes and the optional ones asked for (TokenManager.isValidScope)."""
    try:
        scope_rules.check_names(scope_param)
        return await scope_rules.resolve(tx, client, scope_param)
    except e.InvalidScope as err:
        raise _refused(e.InvalidScope(err.description, event_error="invalid_request"), err.description) from None


async def _exchange(tx: Tx, services: Services, req: OAuthRequest, client: Client, trail: _Trail) -> Minted:
    form = req.form
    _check_supported(form, client)
    # TokenExchangeGrantType: the policies run once a provider supports the request, before it looks at the
    # subject token (a refusal's event: reason client_policy_error, as enforce.oauth_error records it)
    policies = await client_policies.on_request(
        tx, req.realm, Event.TOKEN_EXCHANGE_REQUEST, client, form, scope=form.get("scope")
    )
    valid = await _subject(tx, services, req, client, trail)
    requested = _requested_token_type(form, client)
    trail.details["requested_token_type"] = requested
    targets = await _audience_clients(tx, req, client)
    _check_holder_or_audience(valid.claims, client)
    scope_param = form.get("scope")
    granted = await _requested_scopes(tx, client, scope_param)
    if policies.restricted_scopes is not None:  # downscope-assertion-grant-enforcer: getRestrictedScopes
        restricted = policies.restricted_scopes
        granted = scope_rules.GrantedScopes(tuple(s for s in granted.scopes if s.name in restricted), granted.openid)
    if requested == SAML2_TOKEN_TYPE:  # exchangeClientToSAML2Client
        raise _refused(e.InvalidRequest(e.TE_TYPE_UNSUPPORTED), e.TE_TYPE_UNSUPPORTED)
    return await _to_oidc_client(tx, services, req, client, valid, requested, targets, granted, trail)


async def _to_oidc_client(
    tx: Tx,
    services: Services,
    req: OAuthRequest,
    client: Client,
    valid: access.ValidAccess,
    requested: str,
    targets: list[Client],
    granted: scope_rules.GrantedScopes,
    trail: _Trail,
) -> Minted:
    """exchangeClientToOIDCClient: the requester's client session in the subject's user session, the
    remaining refusals, then the tokens."""
    now = services.clock.now()
    us, user = valid.session, valid.user
    refresh = requested == REFRESH_TOKEN_TYPE
    if refresh and (us is None or us.offline):  # a transient or offline session would need a new one
        raise _refused(e.InvalidRequest(e.TE_NEW_SESSION_NEEDED), e.TE_NEW_SESSION_NEEDED)
    scope_param = req.form.get("scope") or ""
    cs: ClientSession | None = None
    transient_client = False
    if us is not None:
        # An offline subject gets a transient copy of its session, which holds no client session yet.
        cs = None if us.offline else await tx.sessions.get_client_session(us.id, False, client.id)
        if cs is None:  # attachAuthenticationSession: persisted below for a refresh token, else transient
            cs = ClientSession(us.id, us.offline, client.id, now, now, notes={"scope": scope_param})
            transient_client = not refresh
    audience = tuple(t.client_id for t in targets) if targets else None
    # the client session context's scopes: offline_access only for a user with its role, so that a user without
    # it gets no offline_access in the token rather than the refusal of a refresh token below
    audience_ids = frozenset(t.id for t in targets) if targets else None
    granted = await scope_rules.permitted(tx, user, granted, audience_ids, offline_by_role=True)
    if refresh and granted.offline:
        raise _refused(e.InvalidRequest(e.TE_OFFLINE_SCOPE), e.TE_OFFLINE_SCOPE)
    if not await resume.consent_still_available(tx, client, user, granted):
        reason = e.TE_MISSING_CONSENTS.format(client.client_id)
        raise _refused(e.InvalidScope(reason, event_error="consent_denied"), reason)
    roles = await effective_roles(tx, user, client, granted.scopes)
    ctx = GrantContext(
        req.realm,
        client,
        user,
        us,
        cs,
        granted,
        roles,
        GRANT_TYPE,
        transient_client=transient_client,
        requested_audience=audience,
    )
    id_only = requested == ID_TOKEN_TYPE
    minted = await issue.mint(tx, services, req, ctx, None, with_id_token=True if id_only else None)
    aud = _audience_of(minted)
    _check_requested_audiences(aud, req.form.all("audience"))
    # ---- validated: from here on write (a refresh token only), then issue ----
    if refresh:
        assert us is not None and cs is not None
        if await tx.sessions.get_client_session(us.id, False, client.id) is None:
            cs = await service.add_client(
                tx, us, client, scope_param=scope_param, now=now, notes={ISSUER_NOTE: req.issuer}
            )
            ctx = replace(ctx, client_session=cs)
        minted = await issue_new_session_tokens(
            tx, services, req, ctx, use_refresh=True, remove_online_when_offline=False
        )
    if us is not None and not us.offline and (refresh or not transient_client):
        await exchange_chain.record(tx, us, client, valid.claims)  # on a client session that outlives this
    if id_only:  # RFC 8693 §2.2.1: the ID token goes in ``access_token``
        id_token = minted.unsigned["id_token"]
        claims = {k: v for k, v in id_token.claims.items() if k != "at_hash"}  # no generateAccessTokenHash
        minted = replace(minted, unsigned={"access_token": replace(id_token, claims=claims)}, token_type=TOKEN_TYPE_NA)
    details = dict(trail.details)
    if aud:
        details["audience"] = " ".join(aud)
    return replace(minted, issued_token_type=requested, event_details=details)


def _audience_of(minted: Minted) -> list[str]:
    aud = minted.unsigned["access_token"].claims.get("aud")
    return [aud] if isinstance(aud, str) else list(aud or [])


def _check_requested_audiences(aud: list[str], requested: list[str]) -> None:
    """checkRequestedAudiences (TokenUtils.checkRequestedAudiences): every audience asked for must be in the
    token; the missing ones are named, comma-separated, in the order of the HashSet copied from the request."""
    if requested and len(aud) < len(requested):
        ordered = java_order.hash_order(requested, java_order.copied_capacity(len(requested)))
        missing = ", ".join(a for a in ordered if a not in aud)
        if missing:
            reason = e.TE_AUDIENCE_NOT_AVAILABLE.format(missing)
            raise _refused(e.InvalidRequest(reason), reason)


def _check_sender_constraint(claims: dict[str, Any], req: OAuthRequest, client: Client) -> None:
    """validateSenderConstrainedToken: a token bound to a key (RFC 7800 ``cnf``) is exchanged only by the client it
    was issued to, whatever proof comes with it; then a certificate-bound one only over that certificate
    (MtlsHoKTokenUtil) and a DPoP-bound one only with a proof of its key (DPoPUtil.validateBinding)."""
    if claims.get("azp") != client.client_id:
        raise _refused(e.InvalidRequest(e.TE_SENDER_CONSTRAINED), e.TE_SENDER_CONSTRAINED)
    cnf = claims["cnf"]
    certificate_bound = isinstance(cnf, dict) and cnf.get(mtls.THUMBPRINT) is not None
    if certificate_bound and not mtls.bound_to(claims, req.client_certificates):
        raise e.InvalidRequest(mtls.MISMATCH)  # Keycloak names no event error here; the default one is recorded
    if dpop.bound_thumbprint(claims) is None:
        return
    message = "DPoP proof is missing"
    if req.dpop is not None:
        try:
            dpop.check_binding(claims, req.dpop)
            return
        except dpop.InvalidProof as err:
            message = err.message
    raise _refused(e.InvalidRequest(message, event_error="invalid_dpop_proof"), message)

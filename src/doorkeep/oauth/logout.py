"""Non-browser logout with a refresh token (KEYCLOAK.md §8.3; S17 logoutToken), and the session
side of the browser's RP-initiated logout.

An expired or stale (not-before) refresh token is still accepted. Repeated parameters are not refused:
Keycloak's logoutToken reads the first value. An offline token revokes the whole offline session and
the same-id online one; an online refresh token ends the online session only. Success is 204.
Each ended session is a LOGOUT event.

A public client's DPoP-bound refresh token needs a proof of its key, as at the refresh grant: verifyRefreshToken's
DPoP step refuses it with ``invalid_grant`` "DPoP proof is missing" or "DPoP confirmation doesn't match DPoP
proof" (LOGOUT_ERROR ``invalid_token``), and a ``DPoP`` header is checked as the token endpoint checks it (400
``invalid_request``, event error ``invalid_dpop_proof``). Keycloak 26's LogoutEndpoint never reads that header,
so there even a good proof is "missing" (keycloak#50306, a regression of #36475; the fix, PR #50528, adds
DPoPUtil.handleDPoPHeader before verifyRefreshToken). Doorkeep follows the fix and the documented intent ("A
logout request ... with a holder-of-key refresh token" is verified for public clients): every refusal answers as
Keycloak does; only a matching proof logs out where Keycloak 26 still refuses.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import events
from doorkeep.broker import provider_logout
from doorkeep.clientpolicies import enforce_endpoints
from doorkeep.clientpolicies.context import Event
from doorkeep.oauth import dpop, mtls, refresh_tokens
from doorkeep.oauth.client_auth import authorize_client, event_naming
from doorkeep.sessions import resume, service

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from doorkeep.model import Client, Realm, UserSession
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


async def logout_with_refresh_token(
    tx: Tx, services: Services, req: OAuthRequest
) -> provider_logout.Backchannel | None:
    """LogoutEndpoint.logoutToken: the refresh token's session ended; for an online one whose identity provider
    logs out back-channel, that call (AuthenticationManager.backchannelLogout), to make once this is committed."""
    client = await authorize_client(tx, req)
    if client.bearer_only:
        raise e.InvalidClient(e.BEARER_ONLY, status=400)
    _, assertion = await event_naming(tx, req, client)  # the client authentication flow's details
    details = {**assertion, "client_auth_method": events.client_auth_method(client)}
    token = req.form.get("refresh_token")
    if token is not None:  # LOGOUT_REQUEST, once the "No refresh token" check passed
        violation = await enforce_endpoints.refusal(
            tx,
            req.realm,
            Event.LOGOUT_REQUEST,
            client,
            req.form,
            http_method=req.method,
            certificates=req.client_certificates,
        )
        if violation is not None:
            await _logout_error(
                tx, services, req, client, violation.error, {**details, **enforce_endpoints.event_details(violation)}
            )
            raise enforce_endpoints.as_oauth_error(violation)
    req = await _dpop_proof(tx, services, req, client, token, details)
    try:
        session = await _session_to_end(tx, services, req, client, token)
    except e.OAuthError as err:
        # logoutToken: LOGOUT_ERROR invalid_token, with the verification's description as the reason
        reason = {} if token is None else {"reason": err.description}
        error = "not_allowed" if err.description == mtls.MISMATCH else "invalid_token"  # KEYCLOAK-6771
        await _logout_error(tx, services, req, client, error, {**details, **reason})
        raise
    if session is None:
        return None
    plan = None if session.offline else provider_logout.backchannel_plan(req.realm, session)
    await service.end_with_online(tx, session.id, session.offline)
    await events.record(
        tx,
        req.realm,
        "LOGOUT",
        now=services.clock.now(),
        client_id=client.client_id,
        user_id=session.user_id,
        session_id=session.id,
        ip=req.ip_address,
        details=details,
    )
    return plan


async def _dpop_proof(
    tx: Tx, services: Services, req: OAuthRequest, client: Client, token: str | None, details: dict[str, str]
) -> OAuthRequest:
    """DPoPUtil.handleDPoPHeader as the fix of keycloak#50306 calls it (after the "No refresh token" check, before
    verifyRefreshToken): a ``DPoP`` header is validated for this URL; a refused one is 400 ``invalid_request``."""
    if token is None or req.dpop_header is None:
        return req
    try:
        proof = await dpop.validate(tx, req.dpop_header, uri=req.url, method=req.method, now=services.clock.now())
    except dpop.InvalidProof as err:
        await _logout_error(tx, services, req, client, "invalid_dpop_proof", {**details, "reason": err.message})
        raise e.InvalidRequest(err.message) from None
    return dataclasses.replace(req, dpop=proof)


async def _logout_error(
    tx: Tx, services: Services, req: OAuthRequest, client: Client, error: str, details: dict[str, str]
) -> None:
    await events.record(
        tx,
        req.realm,
        "LOGOUT_ERROR",
        now=services.clock.now(),
        client_id=client.client_id,
        ip=req.ip_address,
        error=error,
        details=details,
    )


async def _session_to_end(
    tx: Tx, services: Services, req: OAuthRequest, client: Client, token: str | None
) -> UserSession | None:
    """verifyRefreshToken without the expiry checks, then the token's session (None: already gone) and
    checkTokenIssuedAt."""
    if token is None:  # only an absent one: an empty token fails as "Invalid refresh token"
        raise e.InvalidRequest(e.NO_REFRESH_TOKEN)
    claims = await refresh_tokens.decode(tx, services, req, token)
    refresh_tokens.check_binding(claims, req, client, services.clock.now(), check_expiration=False)
    refresh_tokens.check_certificate(claims, req, client)
    refresh_tokens.check_dpop(claims, req, client)
    session = await tx.sessions.get_user_session(claims.sid, claims.offline)
    if session is not None and issued_before_session(claims.iat, session):
        raise e.InvalidGrant(e.ISSUED_BEFORE_SESSION_LOGOUT)
    return session


async def end_browser_sessions(
    tx: Tx,
    realm: Realm,
    session_ids: Iterable[str],
    *,
    now: int,
    client_id: str | None,
    ip: str,
    redirect_uri: str | None = None,
) -> None:
    """RP-initiated logout: remove these online sessions, a LOGOUT event for each that existed."""
    for session_id in session_ids:
        session = await tx.sessions.get_user_session(session_id, False)
        await service.end(tx, session_id, False)
        if session is not None:
            await events.record(
                tx,
                realm,
                "LOGOUT",
                now=now,
                client_id=client_id,
                user_id=session.user_id,
                session_id=session.id,
                ip=ip,
                details={"redirect_uri": redirect_uri},
            )


def hint_refusal(claims: Mapping[str, object] | None, issuer: str) -> str | None:
    """LogoutEndpoint's ``id_token_hint`` check, verifyIDTokenSignature then TokenVerifier's TokenTypeCheck(["ID"]):
    the LOGOUT_ERROR reason (VerificationException's message), or None for an ID token of this realm."""
    if claims is None or claims.get("iss") != issuer:
        return e.INVALID_ID_TOKEN
    typ = claims.get("typ")
    if isinstance(typ, str) and typ.lower() == "id":  # equalsIgnoreCase
        return None
    return f"Token type is incorrect. Expected '[ID]' but was '{'null' if typ is None else typ}'"


async def hinted_session(tx: Tx, realm: Realm, sid: str, now: int) -> UserSession | None:
    """doBrowserLogout: the online session an ``id_token_hint`` names, when it is there and within its lifetimes
    (an expired one is removed on the way).

    Never an offline session: Keycloak looked one up here from commit 88069cd (issue #40398) and removed it
    again (PR #46479, issue #46379; 26.4.11, 26.5.6, 26.6.0), so a hint naming only an offline session finds
    nothing, and RP-initiated logout never ends an offline session."""
    try:
        return await resume.user_session(tx, realm, sid, False, now, write=True)
    except e.OAuthError:
        return None


def issued_before_session(iat: int, session: UserSession) -> bool:
    """LogoutEndpoint.checkTokenIssuedAt: the ID token is older than the session it names (one second of slack)."""
    return iat + 1 < session.started


async def system_client(tx: Tx, realm: Realm) -> str:
    """SystemClientUtil.getSystemClient: the client a logout naming none is recorded for."""
    account = await tx.clients.get_by_client_id(realm.id, "account")
    return "account" if account is not None and account.enabled else "_system"


async def record_error(
    tx: Tx, realm: Realm, error: str, *, now: int, client_id: str | None, ip: str, details: dict[str, str]
) -> None:
    """LOGOUT_ERROR of a refused browser logout, with LogoutEndpoint's ``error`` and details."""
    await events.record(tx, realm, "LOGOUT_ERROR", now=now, client_id=client_id, ip=ip, error=error, details=details)

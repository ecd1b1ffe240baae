"""The authorization_code grant (RFC 6749 §4.1.3, RFC 7636; KEYCLOAK.md §2.2).

A code works once. A second use is refused and also detaches the client session the first
exchange created (RFC 6749 §4.1.2: revoke tokens issued from a reused code).

The checks keep the order of Keycloak's OAuth2CodeParser.parseCode and AuthorizationCodeGrantType:
a code whose user session is gone, or that is used or expired, is "Code not valid" (Keycloak keeps
codes in a single-use store that drops them when they expire, so its "Code is expired" branch is
never reached); a live code whose user session no longer holds its client is "User session not found".
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event, RequestFacts
from doorkeep.model import ADAPTER_HOST_NOTE, ADAPTER_STATE_NOTE, Client, ClientSession, StoredCode, UserSession
from doorkeep.oauth import backchannel, pkce
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.authorize import code_hash
from doorkeep.oauth.grants.common import bind_resource, issue_new_session_tokens, require_offline_allowed
from doorkeep.oauth.issue import GrantContext
from doorkeep.oauth.mappers import lightweight
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.roles import effective_roles
from doorkeep.sessions import service
from doorkeep.sessions.resume import consent_still_available

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = "authorization_code"
REDIRECT_MISMATCH = (
    "Parameter 'redirect_uri' did not match originally saved redirect URI used in initial OIDC request. "
    "Saved redirectUri: {}, redirectUri parameter: {}"
)


DPOP_MISSING = "DPoP proof is missing"


def _refused(err: e.OAuthError, reason: str | None = None) -> e.OAuthError:
    """A refusal whose event carries Keycloak's ``reason`` detail (its description unless given)."""
    err.event_details["reason"] = err.description if reason is None else reason
    return err


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Minted:
    code = req.form.get("code")
    if code is None:  # an empty ``code`` is a code, and no valid one (OAuth2CodeParser: "Code not valid")
        raise _refused(e.InvalidRequest(e.MISSING_CODE, event_error="invalid_code"))
    trail: dict[str, str] = {}
    try:
        return await _exchange(tx, services, req, client, code, trail)
    except e.OAuthError as err:
        # The failure event names what Keycloak's event builder knew by then: the code's session and code id
        # (OAuth2CodeParser.parseCode sets both first), then the user (event.user once the user is found).
        if "session" in trail:
            err.event_session = err.event_session or trail["session"]
            err.event_details.setdefault("code_id", trail["session"])
        err.event_user = err.event_user or trail.get("user")
        raise


async def _exchange(
    tx: Tx, services: Services, req: OAuthRequest, client: Client, code: str, trail: dict[str, str]
) -> Minted:
    now = services.clock.now()
    stored, us, cs = await _parse_code(tx, req, code, now, trail)
    if cs is None:  # the code is live, but its client was detached from the session since
        raise e.InvalidGrant(e.USER_SESSION_NOT_FOUND, event_error="user_session_not_found")
    data = stored.data
    user = await tx.users.get(us.user_id)
    if user is None:
        raise e.InvalidGrant(e.USER_NOT_FOUND, event_error="user_not_found")
    trail["user"] = user.id
    if not user.enabled:
        raise e.InvalidGrant(e.USER_DISABLED, event_error="user_disabled")
    _check_redirect_uri(data.get("redirect_uri"), req.form.get("redirect_uri"))
    if stored.client_id != client.id:
        raise _refused(e.InvalidGrant(e.CODE_CLIENT_MISMATCH, event_error="invalid_client"))
    if not client.standard_flow_enabled:
        raise _refused(e.InvalidGrant(e.CODE_EXCHANGE_NOT_ALLOWED, event_error="not_allowed"))
    if not policy.user_session_valid(req.realm, us, now):
        raise _refused(e.InvalidGrant(e.SESSION_NOT_ACTIVE, event_error="user_session_not_found"))
    pkce.verify(data.get("code_challenge"), data.get("code_challenge_method"), req.form.get("code_verifier"))
    _check_dpop_jkt(data.get("dpop_jkt"), req)
    scope = str(data.get("scope") or "")
    event, proof = Event.TOKEN_REQUEST, _proof(req)
    facts = RequestFacts(issuer=req.issuer, certificates=req.client_certificates)
    try:
        verdict = await client_policies.on_request(
            tx, req.realm, event, client, req.form, scope=scope, dpop_proof=proof, now=now, request=facts
        )
    except e.OAuthError as err:
        # AuthorizationCodeGrantType: a refusal is invalid_grant with the executor's detail, its event the error.
        # A missing DPoP proof keeps its own error, as DPoPTest sees it (Keycloak's proof check answers first).
        if err.description == DPOP_MISSING:
            raise
        refused = e.InvalidGrant(err.description, event_error=err.error)
        refused.event_details.update(err.event_details)
        raise refused from None
    if verdict.bind_only_refresh_token:
        req = dataclasses.replace(req, dpop_refresh_only=True)  # the access token stays a Bearer one
    client = lightweight.for_request(client, verdict.lightweight_access_token)
    scope_param = str(data.get("scope") or "")
    try:
        granted = await scope_rules.resolve(tx, client, scope_param)
    except e.OAuthError:
        raise _refused(e.InvalidScope(e.CONSENT_NO_LONGER, event_error="not_allowed")) from None
    granted = await scope_rules.permitted(tx, user, granted)
    if not await consent_still_available(tx, client, user, granted):
        raise _refused(e.InvalidScope(e.CONSENT_NO_LONGER, event_error="not_allowed"))
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
        nonce=data.get("nonce"),
        acr=str(data.get("acr") or "1"),
    )
    use_refresh = client.attr_bool("use.refresh.tokens", True)
    if use_refresh and granted.offline:
        require_offline_allowed(ctx)
    # the last check (resource-indicators): the code's resource, from its authorization request; nothing below refuses
    resource = data.get("resource")
    ctx = await bind_resource(
        tx, services, req, ctx, original=resource if isinstance(resource, str) else None, continues=True
    )
    remove_online = cs.notes.get(service.FIRST_OFFLINE_ACCESS) == "true"
    # updateClientSession: the adapter session the request names (keycloak-connect's ``client_session_state``),
    # for the LogoutAction that tells the adapter when this session ends (sessions/ended.py)
    adapter = req.form.get(ADAPTER_STATE_NOTE), req.form.get(ADAPTER_HOST_NOTE)
    notes = backchannel.adapter_notes(cs.notes, *adapter) or dict(cs.notes)
    if remove_online:
        notes = {k: v for k, v in notes.items() if k != service.FIRST_OFFLINE_ACCESS}
    if notes != cs.notes:
        await tx.sessions.update_client_session_notes(us.id, False, client.id, notes)
        cs = dataclasses.replace(cs, notes=notes)
        ctx = dataclasses.replace(ctx, client_session=cs)
    return await issue_new_session_tokens(
        tx, services, req, ctx, use_refresh=use_refresh, remove_online_when_offline=remove_online
    )


def _check_redirect_uri(saved: object, given: str | None) -> None:
    """RFC 6749 §4.1.3: the ``redirect_uri`` must be the one the authorization request sent, if it sent one
    (the code keeps None otherwise, and then any value passes, as Keycloak's code data keeps the raw parameter).
    A ``session_state`` query parameter the saved URI lacks is dropped first (Keycloak's KEYCLOAK-4478
    compatibility with old adapters)."""
    if not isinstance(saved, str):
        return
    if given is not None and "session_state=" in given and "session_state=" not in saved:
        given = _without_session_state(given)
    if saved != given:
        raise _refused(
            e.InvalidGrant(e.INCORRECT_REDIRECT_URI, event_error="invalid_redirect_uri"),
            REDIRECT_MISMATCH.format(saved, "null" if given is None else given),  # Java's String.format
        )


def _without_session_state(uri: str) -> str:
    parts = urlsplit(uri)
    kept = [p for p in parts.query.split("&") if p and p.split("=", 1)[0] != "session_state"]
    return urlunsplit(parts._replace(query="&".join(kept)))


async def _parse_code(
    tx: Tx, req: OAuthRequest, code: str, now: int, trail: dict[str, str]
) -> tuple[StoredCode, UserSession, ClientSession | None]:
    """Keycloak's OAuth2CodeParser.parseCode: the code, its user session and the client session it
    was issued into (None when detached since); "Code not valid" when any of the first two is missing,
    or the code was used or has expired, and then the client session is detached (a reused code)."""
    stored, claimed = await tx.flows.claim_code(code_hash(code), req.realm.id)
    if stored is None:
        raise e.InvalidGrant(e.CODE_NOT_VALID, event_error="invalid_code")
    trail["session"] = stored.user_session_id
    # Both rows locked, the user session's first: the order of every grant, login and logout (store/sessions.py).
    us = await tx.sessions.lock_user_session(stored.user_session_id, False)
    if us is None:
        raise e.InvalidGrant(e.CODE_NOT_VALID, event_error="invalid_code", detail="user session not found")
    cs = await tx.sessions.lock_client_session(us.id, False, stored.client_id)
    if not claimed or stored.expires <= now:
        if cs is not None:
            await tx.sessions.detach_client_session(us.id, False, stored.client_id)
        detail = "code used twice" if not claimed else "code expired"
        raise e.InvalidGrant(e.CODE_NOT_VALID, event_error="invalid_code", detail=detail)
    return stored, us, cs


def _proof(req: OAuthRequest) -> bool:
    return req.dpop is not None or req.dpop_header is not None


def _check_dpop_jkt(jkt: object, req: OAuthRequest) -> None:
    """DPoPUtil.validateDPoPJkt: a code asked for with ``dpop_jkt`` is exchanged only with a proof of that key."""
    if not isinstance(jkt, str):
        return
    message = None
    if req.dpop is None:
        message = "DPoP Proof missing"
    elif req.dpop.thumbprint != jkt:
        message = "DPoP Proof public key thumbprint does not match dpop_jkt"
    if message is not None:
        raise _refused(e.InvalidRequest(message))

"""The device_code grant (RFC 8628 §3.4–3.5), as Keycloak 26's ``DeviceGrantType.process``.

Keycloak's order of checks is kept, and so is its one write before the last refusals: an approved code
is removed as soon as its user session is found, so a code works once whatever follows. A pending code
answers ``authorization_pending`` with no event; polling again within the interval answers ``slow_down``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.model import DEVICE_DENIED, DEVICE_PENDING, Client
from doorkeep.oauth import acr, device_codes, pkce
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.grants.common import bind_resource, issue_new_session_tokens, require_offline_allowed
from doorkeep.oauth.issue import GrantContext
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.roles import effective_roles
from doorkeep.sessions import service
from doorkeep.sessions.resume import check_consent
from doorkeep.users import brute_force

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = device_codes.GRANT_TYPE


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Minted:
    if not device_codes.grant_enabled(client):
        raise e.InvalidGrant(e.DEVICE_GRANT_NOT_ALLOWED, event_error="not_allowed")
    device_code = req.form.get("device_code")
    if device_code is None:
        raise e.InvalidRequest(e.MISSING_DEVICE_CODE, event_error="invalid_oauth2_device_code")
    now = services.clock.now()
    key = device_codes.digest(device_code)
    stored = await tx.device_codes.by_device_code(key, now)
    if stored is not None and (stored.realm_id != req.realm.id or stored.data.get("ciba")):
        stored = None  # another realm's, or a CIBA request kept in the same store (oauth/ciba/)
    if stored is not None and stored.client_id != client.id:
        raise e.InvalidGrant(e.DEVICE_CODE_OTHER_CLIENT, event_error="invalid_oauth2_device_code")
    if stored is None:
        raise e.InvalidGrant(e.DEVICE_CODE_NOT_VALID, event_error="invalid_oauth2_device_code")
    if now > stored.expires:
        raise e.ExpiredToken(e.DEVICE_CODE_EXPIRED, event_error="expired_oauth2_device_code")
    if not await tx.device_codes.claim_poll(key, now):
        raise e.SlowDown(e.SLOW_DOWN, event_error="slow_down")
    if stored.status == DEVICE_DENIED:
        raise e.AccessDenied(e.DEVICE_DENIED, status=400, event_error="access_denied")
    if stored.status == DEVICE_PENDING:
        raise e.AuthorizationPending(e.DEVICE_PENDING, event_error="")  # Keycloak records no event
    pkce.verify(
        stored.data.get("code_challenge"), stored.data.get("code_challenge_method"), req.form.get("code_verifier")
    )
    assert stored.user_session_id is not None
    us = await tx.sessions.get_user_session(stored.user_session_id, False)
    if us is None:
        raise e.AuthorizationPending(e.DEVICE_SESSION_PENDING, event_error="")
    if not await tx.device_codes.consume(key):  # single use: a concurrent request took it first
        raise e.InvalidGrant(e.DEVICE_CODE_NOT_VALID, event_error="invalid_oauth2_device_code")
    sid = {"code_id": us.id}
    user = await tx.users.get(us.user_id)
    if user is None:
        raise _with_session(e.InvalidGrant(e.USER_NOT_FOUND, event_error="user_not_found"), us.id, sid)
    if not user.enabled:
        raise _with_session(e.InvalidGrant(e.USER_DISABLED, event_error="user_disabled"), us.id, sid)
    # A lock brute force detection put on the user after the code was approved (CVE-2026-88770, issue 52783;
    # DeviceGrantBruteForceTest): getDisabledByBruteForceEventError's error, Keycloak's generic description.
    locked = await brute_force.refusal(tx, req.realm, user, now)
    if locked is not None:
        raise _with_session(e.InvalidGrant(e.INVALID_USER_CREDENTIALS, event_error=locked), us.id, sid)
    cs = await tx.sessions.get_client_session(us.id, False, client.id)
    if cs is None:
        raise _with_session(e.InvalidGrant(e.AUTH_ERROR, event_error="invalid_code"), us.id, sid)
    if not policy.user_session_valid(req.realm, us, now):
        raise _with_session(e.InvalidGrant(e.SESSION_NOT_ACTIVE, event_error="user_session_not_found"), us.id, sid)
    try:  # DeviceTokenRequestContext: a refusal is invalid_grant with the executor's detail, its event the error
        await client_policies.on_request(tx, req.realm, Event.DEVICE_TOKEN_REQUEST, client, req.form)
    except e.OAuthError as refused:
        failure = e.InvalidGrant(refused.description, event_error=refused.error)
        failure.event_details = refused.event_details
        raise _with_session(failure, us.id, sid) from None
    try:
        granted = await scope_rules.resolve(tx, client, stored.scope)
    except e.OAuthError:  # a requested scope is no longer the client's
        raise e.InvalidScope(e.CONSENT_NO_LONGER, event_error="not_allowed") from None
    granted = await scope_rules.permitted(tx, user, granted)
    await check_consent(tx, client, user, granted)
    roles = await effective_roles(tx, user, client, granted.scopes)
    nonce = stored.data.get("nonce")
    # AcrProtocolMapper.getAcr on the client session of the verification's browser login: its level, named
    # through the client's default ACR values and LoA map (DeviceEndpoint notes no claims nor acr_values)
    named = acr.refreshed_acr(client, req.realm, cs.notes)
    ctx = GrantContext(req.realm, client, user, us, cs, granted, roles, GRANT_TYPE, nonce=nonce, acr=named)
    use_refresh = client.attr_bool("use.refresh.tokens", True)
    if use_refresh and granted.offline:
        require_offline_allowed(ctx)
    ctx = await bind_resource(tx, services, req, ctx)  # resource-indicators: the last check, nothing below refuses
    remove_online = cs.notes.get(service.FIRST_OFFLINE_ACCESS) == "true"
    if remove_online:
        notes = {k: v for k, v in cs.notes.items() if k != service.FIRST_OFFLINE_ACCESS}
        await tx.sessions.update_client_session_notes(us.id, False, client.id, notes)
        ctx = dataclasses.replace(ctx, client_session=dataclasses.replace(cs, notes=notes))
    return await issue_new_session_tokens(
        tx, services, req, ctx, use_refresh=use_refresh, remove_online_when_offline=remove_online
    )


def _with_session(err: e.OAuthError, session_id: str, details: dict[str, str]) -> e.OAuthError:
    """The failure event names the user session the code was approved for (Keycloak's ``event.session``)."""
    err.event_session = session_id
    err.event_details.update(details)
    return err

"""The CIBA grant (CIBA Core §10.1, ``urn:openid:params:grant-type:ciba``), as Keycloak 26's CibaGrantType, poll
mode: the client presents its ``auth_req_id`` until the authentication device has answered.

Keycloak's order is kept: the grant enabled, the parameter, the auth_req_id readable, the client policies
(BACKCHANNEL_TOKEN_REQUEST, whose refusal is always ``invalid_grant``), the request found and the client's own,
then expired, polled too early, denied, pending. An approved request makes a new user session for the user and
grants consent to the scopes it asked for (the user approved on the device), and is removed: it works once."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event, RequestFacts
from doorkeep.model import DEVICE_DENIED, DEVICE_PENDING, ISSUER_NOTE, Client, Consent, Realm, User
from doorkeep.oauth import consent as consent_screen
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.ciba import auth_req_id, callback, config
from doorkeep.oauth.grants.common import bind_resource, issue_new_session_tokens, require_offline_allowed
from doorkeep.oauth.issue import GrantContext
from doorkeep.oauth.mappers import lightweight
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.roles import effective_roles
from doorkeep.oauth.scopes import GrantedScopes
from doorkeep.sessions import service
from doorkeep.sessions.resume import check_consent
from doorkeep.users import brute_force

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = config.GRANT_TYPE
CALLBACK_NOTE_PREFIX = "ciba_callback_response_param_"  # CibaGrantType.ADDITIONAL_CALLBACK_PARAMS_PREFIX
REQUEST_NOTE_PREFIX = "ciba_backchannel_request_param_"  # ADDITIONAL_BACKCHANNEL_REQ_PARAMS_PREFIX
# The claims of the auth_req_id that are no additional parameter of the request
_OWN_CLAIMS = frozenset(
    {"exp", "iat", "jti", "iss", "aud", "sub", "azp", "typ", "scope", "binding_message", "acr_values"}
) | {auth_req_id.AUTH_RESULT_ID}
CONSENT_GRANTED = "consent_granted"


def _reason(err: e.OAuthError, reason: str) -> e.OAuthError:
    err.event_details["reason"] = reason
    return err


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Minted:
    if not config.grant_enabled(client):
        message = "Client not allowed OIDC CIBA Grant"
        raise _reason(e.InvalidGrant(message, event_error="not_allowed"), message)
    handle = req.form.get("auth_req_id")
    if handle is None:
        message = "Missing parameter: auth_req_id"
        raise _reason(e.InvalidRequest(message, event_error="invalid_code"), message)
    now = services.clock.now()
    claims = await auth_req_id.deserialize(tx, services.keyring, req.realm.id, handle, now)
    if claims is None:
        raise e.InvalidGrant("Invalid Auth Req ID", event_error="")
    try:
        verdict = await client_policies.on_request(
            tx,
            req.realm,
            Event.BACKCHANNEL_TOKEN_REQUEST,
            client,
            req.form,
            scope=str(claims.get("scope") or ""),
            request=RequestFacts(issuer=req.issuer, certificates=req.client_certificates),  # holder-of-key-enforcer's
        )
    except e.OAuthError as refused:  # always invalid_grant here; the event keeps the executor's error
        failure = e.InvalidGrant(refused.description, event_error=refused.error)
        failure.event_details = refused.event_details
        raise failure from None
    key = auth_req_id.request_key(str(claims["jti"]))
    stored = await tx.device_codes.by_device_code(key, now)
    if stored is not None and (stored.realm_id != req.realm.id or not stored.data.get("ciba")):
        stored = None
    if stored is not None and stored.client_id != client.id:  # DeviceGrantType.getDeviceByDeviceCode
        message = "unauthorized client"
        raise _reason(e.InvalidGrant(message, event_error="invalid_oauth2_device_code"), message)
    if stored is None:
        raise e.InvalidGrant("Invalid auth_req_id", event_error="")
    if now > stored.expires:
        raise e.ExpiredToken("authentication timed out", event_error="")
    if not await tx.device_codes.claim_poll(key, now):
        raise e.SlowDown("too early to access", event_error="")
    if stored.status == DEVICE_DENIED:
        raise e.AccessDenied("not authorized", status=400, event_error="")
    if stored.status == DEVICE_PENDING:
        raise e.AuthorizationPending(
            "The authorization request is still pending as the end-user hasn't yet been authenticated.", event_error=""
        )
    client = lightweight.for_request(client, verdict.lightweight_access_token)  # use-lightweight-access-token
    user = await _user(tx, req.realm, str(claims["sub"]), now)
    scope_param = stored.scope
    granted = await scope_rules.permitted(tx, user, await _granted(tx, client, scope_param))
    roles = await effective_roles(tx, user, client, granted.scopes)
    use_refresh = client.attr_bool("use.refresh.tokens", True)
    probe = GrantContext(req.realm, client, user, None, None, granted, roles, GRANT_TYPE)
    if use_refresh and granted.offline:
        require_offline_allowed(probe)  # validated before the session is written
    probe = await bind_resource(tx, services, req, probe)  # resource-indicators
    await _grant_consent(tx, client, user, granted, now)
    await check_consent(tx, client, user, granted)  # verifyConsentStillAvailable, after the consent above
    notes: dict[str, object] = {ISSUER_NOTE: req.issuer}
    callback_params = stored.data.get(callback.CALLBACK_PARAMS) or {}
    notes.update({CALLBACK_NOTE_PREFIX + k: str(v) for k, v in dict(callback_params).items()})
    notes.update({REQUEST_NOTE_PREFIX + k: str(v) for k, v in claims.items() if k not in _OWN_CLAIMS})
    if scope_rules.OFFLINE_ACCESS in scope_rules.split(scope_param):
        notes[service.FIRST_OFFLINE_ACCESS] = "true"
    if not await tx.device_codes.consume(key):  # single use: a concurrent request took it first
        raise e.InvalidGrant("Invalid auth_req_id", event_error="")
    us, cs = await service.start_online(
        tx, req.realm, user, client, scope_param=scope_param, now=now, ip_address=req.ip_address,
        notes=notes, user_agent=req.user_agent,
    )  # fmt: skip
    ctx = GrantContext(req.realm, client, user, us, cs, granted, roles, GRANT_TYPE, resource=probe.resource)
    minted = await issue_new_session_tokens(
        tx, services, req, ctx, use_refresh=use_refresh, remove_online_when_offline=True
    )
    details = {**minted.event_details, "consent": CONSENT_GRANTED, "code_id": us.id}
    return dataclasses.replace(minted, event_details=details)


async def _user(tx: Tx, realm: Realm, user_id: str, now: int) -> User:
    """createUserSession's checks of the user the request named; then, beyond Keycloak's CibaGrantType, a lock
    brute force detection put on the user after the device approved, refused as the device grant refuses it
    (DeviceGrantType's fix for CVE-2026-88770, DeviceGrantBruteForceTest): the lock's event error, the generic
    description."""
    user = await tx.users.get(user_id)
    if user is None:
        raise e.InvalidGrant("Could not identify user", event_error="username_missing")
    if not user.enabled:
        raise e.InvalidGrant("User disabled", event_error="user_disabled")
    locked = await brute_force.refusal(tx, realm, user, now)
    if locked is not None:
        raise e.InvalidGrant(e.INVALID_USER_CREDENTIALS, event_error=locked)
    if user.required_actions:
        message = "Account is not fully set up"
        raise _reason(e.InvalidGrant(message, event_error="resolve_required_actions"), message)
    return user


async def _granted(tx: Tx, client: Client, scope_param: str) -> GrantedScopes:
    """The client scopes of the request's scope (TokenManager.getRequestedClientScopes): unknown names dropped."""
    return await scope_rules.from_names(tx, client, scope_param)


async def _grant_consent(tx: Tx, client: Client, user: User, granted: GrantedScopes, now: int) -> None:
    """The user approved on the authentication device: a consent for the client (made if none) holding every
    consent-screen scope of the request."""
    existing = await tx.sessions.get_consent(user.id, client.id)
    held = set(existing.granted_scopes) if existing else set()
    wanted = held | {s.id for s in granted.scopes if consent_screen.scope_shown(s)}
    if existing is None or wanted != held:
        now_ms = now * 1000
        created = existing.created_date if existing else now_ms
        await tx.sessions.save_consent(Consent(user.id, client.id, tuple(sorted(wanted)), created, now_ms))

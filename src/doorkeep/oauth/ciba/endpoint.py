"""The backchannel authentication endpoint (CIBA Core §7), as Keycloak 26's BackchannelAuthenticationEndpoint.

``authorize`` validates in Keycloak's order and builds the request, its auth_req_id and the authentication
channel's bearer token; the web layer then asks the authentication device (``channel``) outside any
transaction, and only when the device accepted does ``store`` keep the request (Keycloak's
storeAuthenticationRequest). Every failure of the client's authentication, and the grant not enabled, answer 401
with the error they would have had (``authorizeClient`` rethrows them so); they and a client policy's refusal
are the endpoint's LOGIN_ERROR events, the other refusals record none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Backchannel, Event
from doorkeep.errors import OAuthError
from doorkeep.model import DeviceCode, User
from doorkeep.oauth import consent
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.ciba import auth_req_id, channel, config
from doorkeep.oauth.ciba.request_params import BackchannelRequest, parse_request
from doorkeep.oauth.client_auth import authorize_client, event_naming
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.issue import signature_alg
from doorkeep.users.credentials import SharedEmail, find_login_user

if TYPE_CHECKING:
    from doorkeep.model import Client, Realm
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

LOGIN = "LOGIN"  # the endpoint's event (event.event(EventType.LOGIN))
BINDING_MESSAGE = re.compile(r"[a-zA-Z0-9\-._+/!?#]{1,50}")
BAD_BINDING_MESSAGE = (
    "the binding_message value has to be max 50 characters in length and must contain only basic plain-text "
    "characters without spaces"
)
MAX_NOTIFICATION_TOKEN = 1024


class InvalidBindingMessage(OAuthError):
    """OAuthErrorException.INVALID_BINDING_MESSAGE (CIBA Core §13)."""

    error = "invalid_binding_message"


@dataclass(frozen=True)
class Prepared:
    """An accepted request, before the authentication device is asked."""

    realm: Realm
    client: Client
    user: User
    claims: dict[str, Any]
    auth_req_id: str
    bearer: str  # the authentication channel's bearer token
    channel_request: dict[str, Any]
    notification_token: str | None

    def body(self) -> dict[str, Any]:
        """The acknowledgement (CIBA Core §7.3): the realm policy's lifetime; ``interval`` only when positive."""
        ciba = config.policy(self.realm)
        answer: dict[str, Any] = {"auth_req_id": self.auth_req_id, "expires_in": ciba.expires_in}
        if ciba.interval > 0:
            answer["interval"] = ciba.interval
        return answer


async def authorize(tx: Tx, services: Services, req: OAuthRequest) -> Prepared:
    """Validate the request (events as Keycloak records them) and build what the device is sent."""
    client: Client | None = None
    try:
        try:
            client = await authorize_client(tx, req, cors=False)  # no Cors: no web origins check either
            _allowed(client)
        except OAuthError as err:
            err.status = 401  # authorizeClient: any refusal of authenticateClient() becomes UNAUTHORIZED
            raise
        return await _accept(tx, services, req, client)
    except OAuthError as err:
        if err.event_error:
            named, assertion = await event_naming(tx, req, client)
            details = {**assertion, **err.event_details}
            if client is not None:
                details["client_auth_method"] = events.client_auth_method(client)
            await events.record(
                tx,
                req.realm,
                f"{LOGIN}_ERROR",
                now=services.clock.now(),
                client_id=named,
                ip=req.ip_address,
                error=err.event_error,
                details=details,
            )
        raise


def _allowed(client: Client) -> None:
    """AbstractCibaEndpoint.authenticateClient after the client authenticated as at the token endpoint: not
    bearer-only, with the CIBA grant enabled."""
    if client.bearer_only:
        raise e.InvalidClient(e.BEARER_ONLY, status=400, event_error="")
    if not config.grant_enabled(client):
        raise e.InvalidGrant("Client not allowed OIDC CIBA Grant", event_error="not_allowed")


async def _accept(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Prepared:
    realm = req.realm
    ciba = config.policy(realm)
    keys = req.client_keys or ClientKeys(services.clock)
    params = await parse_request(req.form, client, keys, req.base_url)
    user = await _user(tx, realm, params, ciba.user_hint)
    scope = params.get("scope")
    if scope is None:
        raise e.InvalidRequest("missing parameter : scope", event_error="")
    if not await _valid_scope(tx, client, user, scope):
        raise e.InvalidScope(e.INVALID_SCOPES.format(scope), event_error="")
    binding = params.get("binding_message")
    if binding is not None and not BINDING_MESSAGE.fullmatch(binding):
        raise InvalidBindingMessage(BAD_BINDING_MESSAGE, event_error="")
    now = services.clock.now()
    expires_in = params.requested_expiry if params.requested_expiry is not None else ciba.expires_in
    shown = [s.name for s, default in await scope_rules.client_scopes(tx, client) if default and consent.scope_shown(s)]
    full_scope = " ".join([scope, *shown])
    notification = _notification_token(realm, client, params)
    if params.get("user_code") is not None:
        raise e.InvalidRequest("User code not supported", event_error="")
    await _client_policies(tx, req, client, params, now)
    request_id, result_id = auth_req_id.new_id(), auth_req_id.new_id()
    claims: dict[str, Any] = {
        "exp": now + expires_in,
        "iat": now,
        "jti": request_id,
        "iss": req.issuer,
        "aud": req.issuer,
        "sub": user.id,
        "azp": client.client_id,
        "scope": full_scope,
        auth_req_id.AUTH_RESULT_ID: result_id,
    }
    if binding is not None:
        claims["binding_message"] = binding
    if (acr := params.get("acr_values")) is not None:
        claims["acr_values"] = acr
    claims.update({k: v for k, v in params.additional.items() if k not in claims})
    handle = await auth_req_id.serialize(tx, services.keyring, realm.id, claims, now)
    bearer_claims = channel.bearer_claims(claims, client)
    alg = signature_alg(realm, client, "access.token.signed.response.alg")
    bearer = await services.codec.sign(tx, realm.id, bearer_claims, alg, now)
    channel_request = channel.request_body(claims, user, client, params.additional)
    return Prepared(realm, client, user, claims, handle, bearer, channel_request, notification)


async def _user(tx: Tx, realm: Realm, params: BackchannelRequest, hint: str) -> User:
    """resolveUser with DefaultCIBALoginUserResolver: ``login_hint`` is a username or (with e-mail login) an
    e-mail; the resolver finds nobody by ``id_token_hint`` or ``login_hint_token``."""
    if hint not in (config.LOGIN_HINT, config.ID_TOKEN_HINT, config.LOGIN_HINT_TOKEN):
        raise e.InvalidRequest("invalid user hint", event_error="")
    given = params.get(hint)
    if given is None:
        raise e.InvalidRequest(f"missing parameter : {hint}", event_error="")
    user = None
    if hint == config.LOGIN_HINT and "\x00" not in given:  # PostgreSQL takes no NUL: no user has one
        try:
            user = await find_login_user(tx, realm.id, given, realm.login_with_email_allowed)
        except SharedEmail:
            user = None
    if user is None or not user.enabled:
        raise e.InvalidRequest("invalid user", event_error="")
    return user


async def _valid_scope(tx: Tx, client: Client, user: User, scope: str) -> bool:
    """TokenManager.isValidScope(session, scope, client, user): every requested name is ``openid`` or a client
    scope of the client the user may have."""
    try:
        scope_rules.check_names(scope)
        granted = await scope_rules.resolve(tx, client, scope)
    except OAuthError:
        return False
    kept = {s.name for s in (await scope_rules.permitted(tx, user, granted)).scopes}
    return all(n == scope_rules.OPENID or n in kept for n in scope_rules.split(scope))


def _notification_token(realm: Realm, client: Client, params: BackchannelRequest) -> str | None:
    """The ping mode's client_notification_token: required there, refused in poll mode, at most 1024 long."""
    token = params.get("client_notification_token")
    ping = config.delivery_mode(realm, client) == config.PING
    if token is not None:
        if not ping:
            raise e.InvalidRequest("Client Notification token supported only for the ping mode", event_error="")
        if len(token) > MAX_NOTIFICATION_TOKEN:
            raise e.InvalidRequest("Client Notification token length is limited to 1024 characters", event_error="")
    elif ping:
        raise e.InvalidRequest("Client Notification token needs to be provided with the ping mode", event_error="")
    return token


async def _client_policies(tx: Tx, req: OAuthRequest, client: Client, params: BackchannelRequest, now: int) -> None:
    """BACKCHANNEL_AUTHENTICATION_REQUEST: a refusal is 400 with the executor's error, recorded as LOGIN_ERROR."""
    await client_policies.on_request(
        tx,
        req.realm,
        Event.BACKCHANNEL_AUTHENTICATION_REQUEST,
        client,
        req.form,
        scope=req.form.get("scope"),
        backchannel=Backchannel(params.get("binding_message"), params.signed, req.issuer, client.client_id),
        now=now,
    )


async def store(tx: Tx, services: Services, prepared: Prepared) -> None:
    """storeAuthenticationRequest: the request kept (pending) under its id and its auth result id, for the
    realm policy's lifetime plus interval plus 10 seconds, so a late poll still learns ``expired_token``."""
    ciba = config.policy(prepared.realm)
    now = services.clock.now()
    claims = prepared.claims
    data: dict[str, Any] = {"ciba": True, "request_id": claims["jti"]}
    if prepared.notification_token is not None:
        data["client_notification_token"] = prepared.notification_token
        data["auth_req_id"] = prepared.auth_req_id  # the ping mode's notification carries it
    stored = DeviceCode(
        realm_id=prepared.realm.id,
        client_id=prepared.client.id,
        scope=str(claims["scope"]),
        expires=now + ciba.expires_in,
        interval=ciba.interval,
        keep_until=now + ciba.expires_in + ciba.interval + config.KEEP_EXTRA,
        data=data,
    )
    request_key = auth_req_id.request_key(str(claims["jti"]))
    await tx.device_codes.create(request_key, auth_req_id.result_key(str(claims[auth_req_id.AUTH_RESULT_ID])), stored)

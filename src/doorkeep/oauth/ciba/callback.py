"""The authentication channel's callback (Keycloak's BackchannelAuthenticationCallbackEndpoint): the
authentication device, holding the bearer token it was sent, reports ``SUCCEED``, ``UNAUTHORIZED`` or
``CANCELLED`` for the request that token names. Its events are LOGIN_ERRORs: a token that does not verify
(``invalid_token``, no client), no status (``invalid_request``), the user's refusal (``consent_denied``) or
cancellation (``not_allowed``); an approval records none (the grant's AUTHREQID_TO_TOKEN does)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events
from doorkeep.model import DEVICE_PENDING, Client
from doorkeep.oauth.ciba import auth_req_id, config

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

LOGIN_ERROR = "LOGIN_ERROR"
SUCCEED, UNAUTHORIZED, CANCELLED = "SUCCEED", "UNAUTHORIZED", "CANCELLED"
STATUSES = (SUCCEED, UNAUTHORIZED, CANCELLED)
INVALID_TOKEN = "Invalid token"
INVALID_STATUS = "Invalid authentication status"
CALLBACK_PARAMS = "callback_params"  # the stored request's data: the device's extra response parameters


@dataclass(frozen=True)
class Notification:
    """The ping mode's client notification (CIBA Core §10.2), sent once the callback's transaction committed."""

    endpoint: str | None
    token: str
    auth_req_id: str


@dataclass(frozen=True)
class Reported:
    """A callback taken: the client, and the notification to send in the ping mode."""

    client: Client
    notification: Notification | None


@dataclass(frozen=True)
class DeviceAnswer:
    """AuthenticationChannelResponse: the status (None when absent or null) and the other members."""

    status: str | None
    params: dict[str, str]


def read_answer(body: Any) -> DeviceAnswer:
    """Jackson's reading of the JSON body: an object whose ``status`` is null or one of the three; anything else
    is refused before the token is looked at."""
    if not isinstance(body, dict):
        raise e.InvalidRequest(INVALID_STATUS, event_error="")
    status = body.get("status")
    if status is not None and status not in STATUSES:
        raise e.InvalidRequest(INVALID_STATUS, event_error="")
    params = {str(k): v if isinstance(v, str) else str(v) for k, v in body.items() if k != "status" and v is not None}
    return DeviceAnswer(status, params)


async def _event(tx: Tx, realm: Realm, now: int, ip: str, error: str, client: Client | None = None) -> None:
    await events.record(
        tx, realm, LOGIN_ERROR, now=now, client_id=client.client_id if client else None, ip=ip, error=error
    )


async def report(
    tx: Tx, services: Services, realm: Realm, issuer: str, bearer: str | None, answer: DeviceAnswer, ip: str
) -> Reported:
    """processAuthenticationChannelResult: verify the bearer token and the request it names, then record the
    device's answer on the request."""
    now = services.clock.now()
    if bearer is None:
        raise e.InvalidToken(INVALID_TOKEN, status=401, event_error="")
    claims = await services.codec.verify(tx, realm.id, bearer, internal=False)
    if claims is None or not _valid(claims, issuer, now):
        await _event(tx, realm, now, ip, "invalid_token")
        raise e.InvalidToken(INVALID_TOKEN, status=403, event_error="")
    result_key = auth_req_id.result_key(str(claims["jti"]))
    stored = await tx.device_codes.by_user_code(realm.id, result_key, now)
    if stored is None or not stored.data.get("ciba"):
        raise e.InvalidToken(INVALID_TOKEN, status=403, event_error="")
    request_key = auth_req_id.request_key(str(stored.data.get("request_id", "")))
    if stored.status != DEVICE_PENDING:  # cancelRequest: a second answer ends the request
        await tx.device_codes.remove(request_key)
        raise e.InvalidToken(INVALID_TOKEN, status=403, event_error="")
    azp = claims.get("azp")
    issued_for = await tx.config.client(realm.id, azp) if isinstance(azp, str) else None
    if issued_for is None or not issued_for.enabled:
        raise e.InvalidRequest("Invalid token recipient", event_error="")
    if stored.client_id != issued_for.id:
        raise e.InvalidRequest("Token recipient mismatch", event_error="")
    if answer.status is None:
        await _event(tx, realm, now, ip, "invalid_request", issued_for)
        raise e.InvalidRequest(INVALID_STATUS, event_error="")
    if answer.status == SUCCEED:
        data = {**stored.data, CALLBACK_PARAMS: answer.params}
        await tx.device_codes.approve_backchannel(realm.id, result_key, data, now)
    else:
        await _event(tx, realm, now, ip, "not_allowed" if answer.status == CANCELLED else "consent_denied", issued_for)
        await tx.device_codes.deny(realm.id, result_key, now)
    notification = None
    if config.delivery_mode(realm, issued_for) == config.PING:
        endpoint = issued_for.attr(config.NOTIFICATION_ENDPOINT) or None
        token = str(stored.data.get("client_notification_token") or "")
        notification = Notification(endpoint, token, str(stored.data.get("auth_req_id") or ""))
    return Reported(issued_for, notification)


def _valid(claims: dict[str, Any], issuer: str, now: int) -> bool:
    """TokenVerifier's default checks with the realm URL, ``checkActive`` and the audience: a Bearer token of
    this realm with a subject and an id, for the realm itself, not expired nor early."""
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    exp, nbf = claims.get("exp"), claims.get("nbf")
    return (
        claims.get("iss") == issuer
        and issuer in audiences
        and claims.get("typ") == "Bearer"
        and isinstance(claims.get("sub"), str)
        and isinstance(claims.get("jti"), str)
        and not (isinstance(exp, int | float) and exp != 0 and now > exp)
        and not (isinstance(nbf, int | float) and now < nbf)
    )

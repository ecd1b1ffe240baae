"""User events: what Keycloak's EventBuilder records, and which of them its event store keeps.

An event is saved when the realm's ``eventsEnabled`` is on and its type is in ``enabledEventTypes``
or, when that list is empty, is one Keycloak saves by default (REFRESH_TOKEN, INTROSPECT_TOKEN and
USER_INFO_REQUEST are not). Events are written in the request's transaction; OAuth errors commit
it too, so the ``*_ERROR`` events of failed requests stick. Error strings are the values of
Keycloak's ``org.keycloak.events.Errors``, detail keys those of its ``Details``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from doorkeep import observe, policy
from doorkeep.errors import OAuthError
from doorkeep.model import Client, Event, Realm
from doorkeep.tokens import unverified

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest
    from doorkeep.oauth.minted import Minted
    from doorkeep.store.tx import Tx


def event_id() -> str:
    """A UUIDv7 (RFC 9562, sub-millisecond precision in ``rand_a``): ids sort by creation, so events
    stamped in the same second (``time`` has the clock's whole seconds) still list newest first."""
    ns = time.time_ns()
    ms, sub_ms = divmod(ns, 1_000_000)
    value = (ms & (2**48 - 1)) << 80 | 0x7 << 76 | (sub_ms * 4096 // 1_000_000) << 64
    value |= 0b10 << 62 | uuid.uuid4().int & (2**62 - 1)
    return str(uuid.UUID(int=value))


def _with_errors(names: str) -> tuple[str, ...]:
    return tuple(t for name in names.split() for t in (name, f"{name}_ERROR"))


# Keycloak's EventType values saved when enabledEventTypes is empty, in declaration order: what
# GET events/config reports then. Three types are saved by default but their errors are not.
SAVED_BY_DEFAULT: tuple[str, ...] = (
    *_with_errors("""LOGIN REGISTER LOGOUT CODE_TO_TOKEN CLIENT_LOGIN FEDERATED_IDENTITY_LINK
        REMOVE_FEDERATED_IDENTITY UPDATE_EMAIL UPDATE_PROFILE UPDATE_PASSWORD UPDATE_TOTP VERIFY_EMAIL
        VERIFY_PROFILE REMOVE_TOTP GRANT_CONSENT UPDATE_CONSENT REVOKE_GRANT SEND_VERIFY_EMAIL SEND_RESET_PASSWORD
        SEND_IDENTITY_PROVIDER_LINK RESET_PASSWORD RESTART_AUTHENTICATION IDENTITY_PROVIDER_LINK_ACCOUNT
        IDENTITY_PROVIDER_FIRST_LOGIN IDENTITY_PROVIDER_POST_LOGIN IMPERSONATE CUSTOM_REQUIRED_ACTION
        EXECUTE_ACTIONS EXECUTE_ACTION_TOKEN CLIENT_REGISTER CLIENT_UPDATE CLIENT_DELETE
        CLIENT_INITIATED_ACCOUNT_LINKING TOKEN_EXCHANGE OAUTH2_DEVICE_AUTH OAUTH2_DEVICE_VERIFY_USER_CODE
        OAUTH2_DEVICE_CODE_TO_TOKEN AUTHREQID_TO_TOKEN"""),
    "PERMISSION_TOKEN",
    *_with_errors("DELETE_ACCOUNT"),
    "USER_DISABLED_BY_PERMANENT_LOCKOUT",
    "USER_DISABLED_BY_TEMPORARY_LOCKOUT",
    *_with_errors("OAUTH2_EXTENSION_GRANT JWT_BEARER"),
    # Keycloak 26's successor of UPDATE_PASSWORD / UPDATE_TOTP, saved by default: the newest SSOTest polls it
    # after a required password update with no enabledEventTypes set. Its place in the list is not verified.
    *_with_errors("UPDATE_CREDENTIAL"),
    # and of REMOVE_TOTP (the Account REST removing any credential, a WebAuthn key included), saved by default too
    *_with_errors("REMOVE_CREDENTIAL"),
    # Keycloak 26's organization invitation accepted (InviteOrgActionTokenHandler), saved by default
    *_with_errors("INVITE_ORG"),
    # Keycloak 26.6's JWT authorization grant (JWTAuthorizationGrantType.getEventType), saved by default as the
    # token endpoint's other grant events are; its saveByDefault and place in the list are not verified.
    *_with_errors("JWT_AUTHORIZATION_GRANT"),
)
NOT_SAVED_BY_DEFAULT: tuple[str, ...] = (
    *_with_errors("""REFRESH_TOKEN VALIDATE_ACCESS_TOKEN INTROSPECT_TOKEN INVALID_SIGNATURE REGISTER_NODE
        UNREGISTER_NODE USER_INFO_REQUEST IDENTITY_PROVIDER_LOGIN IDENTITY_PROVIDER_RESPONSE
        IDENTITY_PROVIDER_RETRIEVE_TOKEN CLIENT_INFO PUSHED_AUTHORIZATION_REQUEST"""),
    "PERMISSION_TOKEN_ERROR",
    "USER_DISABLED_BY_PERMANENT_LOCKOUT_ERROR",
    "USER_DISABLED_BY_TEMPORARY_LOCKOUT_ERROR",
)
EVENT_TYPES = frozenset(SAVED_BY_DEFAULT + NOT_SAVED_BY_DEFAULT)
_DEFAULT = frozenset(SAVED_BY_DEFAULT)

# The token endpoint's event per grant type; the Errors value of a failure is the error's ``event_error``.
TOKEN_EVENTS = {
    "password": "LOGIN",
    "client_credentials": "CLIENT_LOGIN",
    "authorization_code": "CODE_TO_TOKEN",
    "refresh_token": "REFRESH_TOKEN",
    "urn:ietf:params:oauth:grant-type:device_code": "OAUTH2_DEVICE_CODE_TO_TOKEN",
    "urn:ietf:params:oauth:grant-type:token-exchange": "TOKEN_EXCHANGE",
    "urn:openid:params:grant-type:ciba": "AUTHREQID_TO_TOKEN",  # CibaGrantType.getEventType
    "urn:ietf:params:oauth:grant-type:jwt-bearer": "JWT_AUTHORIZATION_GRANT",  # JWTAuthorizationGrantType
}


def client_auth_method(client: Client) -> str:
    """Details.CLIENT_AUTH_METHOD: the id of the authenticator that authenticated the client (processFlow),
    client-secret for a public client."""
    return "client-secret" if client.public_client else client.client_authenticator_type


MAX_TEXT = 255
# The user and session id columns hold a UUID (the store's VARCHAR(36)): a longer value, which no Doorkeep id is, is
# cut to fit as Keycloak's JPA store cuts what exceeds its columns (EventStoreProviderTest.lengthExceedLimit), rather
# than PostgreSQL refusing the row and the event failing its request.
MAX_ID = 36
MAX_DETAIL = 16384  # characters of one detail value kept (Keycloak: unbounded by default)


def saved(realm: Realm, type: str) -> bool:
    """Whether the realm's event store keeps an event of this type."""
    if not realm.events_enabled:
        return False
    return type in realm.enabled_event_types if realm.enabled_event_types else type in _DEFAULT


def listened(tx: Tx, realm: Realm, type: str) -> bool:
    """Whether the realm's ``email`` event listener mails an event of this type, saved or not (Keycloak's listeners
    hear every event; ``eventsEnabled`` governs the store alone)."""
    mailer = tx.event_mailer
    return mailer is not None and mailer.listens(realm, type)


def heard(tx: Tx, realm: Realm, type: str) -> bool:
    """Whether anyone takes an event of this type: the store, the ``email`` listener or the user event metrics
    (event_metrics.py), so that an event nobody takes is not even built."""
    counting = observe.current().user_events
    return saved(realm, type) or listened(tx, realm, type) or (counting is not None and counting.counts(type))


def _text(value: object) -> str:
    """A value as the event store keeps it: text, its NULs dropped (a request may send one, as
    ``client_id=%00``; PostgreSQL refuses it in a text, and the event must not fail the answer)."""
    return str(value).replace("\x00", "")


def _clip(value: object, size: int = MAX_TEXT) -> str | None:
    """A column value: at most ``size`` long (the columns are VARCHAR(255), as Keycloak's EVENT_ENTITY's, but for
    the user and session ids: VARCHAR(36), MAX_ID)."""
    return None if value is None else _text(value)[:size]


async def record(
    tx: Tx,
    realm: Realm,
    type: str,
    *,
    now: int,
    client_id: str | None = None,
    user_id: str | None = None,
    session_id: str | None = None,
    ip: str | None = None,
    error: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Store one event if the realm keeps events of this type (``now`` in seconds, stored in ms), and hand it to the
    realm's ``email`` listener if it mails this type (email/event_mail.py)."""
    one = {"client_id": client_id, "user_id": user_id, "session_id": session_id, "ip": ip, "error": error}
    await record_many(tx, realm, type, now=now, each=[{**one, "details": details}])


async def record_many(tx: Tx, realm: Realm, type: str, *, now: int, each: Sequence[Mapping[str, Any]]) -> None:
    """``record`` of one event of this type per mapping of ``record``'s other keyword arguments, in their order,
    stored in one statement (a logout of every session of a user records one per session)."""
    counting = observe.current().user_events
    if counting is not None:
        aliases = [str(p.get("alias")) for p in realm.identity_providers]
        for one in each:
            labels = counting.labels(
                realm.name,
                aliases,
                type,
                error=one.get("error"),
                client_id=one.get("client_id"),
                details=one.get("details"),
            )
            if labels is not None:
                tx.counted_events.append(labels)
    mailer = tx.event_mailer
    if mailer is not None and mailer.listens(realm, type):
        for one in each:
            if one.get("user_id") is not None:
                details = one.get("details") or {}
                await mailer.collect(
                    tx, realm, type, user_id=one["user_id"], seconds=now, ip=one.get("ip"), details=details
                )
    if not saved(realm, type) or not each:
        return
    await tx.events.add_many([_event(realm, type, now, **one) for one in each])


def _event(
    realm: Realm,
    type: str,
    now: int,
    *,
    client_id: str | None = None,
    user_id: str | None = None,
    session_id: str | None = None,
    ip: str | None = None,
    error: str | None = None,
    details: dict[str, Any] | None = None,
) -> Event:
    # Details are kept whole as Keycloak's JPA store does with its default max-detail-length 0
    # (LoginTest.loginWithLongRedirectUri reads a 2500-character redirect_uri back from the event), up to
    # MAX_DETAIL characters each, so that one request cannot make the store keep whatever it sends. A null or
    # empty value is no detail at all: EventBuilder.detail ignores both (an empty ``requested_token_type``).
    kept = {k: _text(v)[:MAX_DETAIL] for k, v in (details or {}).items() if v is not None and v != ""}
    return Event(
        id=event_id(),
        realm_id=realm.id,
        time=now * 1000,
        type=type,
        client_id=_clip(client_id),
        user_id=_clip(user_id, MAX_ID),
        session_id=_clip(session_id, MAX_ID),
        ip_address=_clip(ip),
        error=_clip(error),
        details=kept,
    )


def _claims(token: Any) -> dict[str, Any]:
    """The claims of a token presented (not minted) by the client, unverified: for the reuse event only."""
    parsed = unverified(token) if isinstance(token, str) else None
    return parsed[1] if parsed else {}


async def token_issued(
    tx: Tx,
    req: OAuthRequest,
    grant_type: str,
    client: Client,
    minted: Minted,
    now: int,
    assertion: dict[str, str] | None = None,
) -> None:
    """LOGIN, CLIENT_LOGIN, CODE_TO_TOKEN or REFRESH_TOKEN for a token response just built (from what
    the minting reports, without decoding the tokens again); ``assertion`` the client assertion's details."""
    type = TOKEN_EVENTS[grant_type]
    if not heard(tx, req.realm, type):
        return
    user_id, sid = minted.user_id, minted.session_id
    details: dict[str, Any] = {"grant_type": grant_type}
    if grant_type == "password":
        details.update(auth_method="openid-connect", username=_event_username(req.form.get("username")))
    elif grant_type == "client_credentials":
        user = await tx.users.get(user_id)
        details["username"] = user.username if user else None
    elif grant_type in ("authorization_code", "urn:ietf:params:oauth:grant-type:device_code"):
        details["code_id"] = sid
    details.update(assertion or {})
    details.update(minted.event_details)
    details.update(token_id=minted.access_jti, scope=minted.scope, client_auth_method=client_auth_method(client))
    if minted.refreshed is not None:
        details.update(
            refresh_token_id=minted.refreshed.jti,
            refresh_token_type=minted.refreshed.typ,
            refresh_token_sub=minted.refreshed.sub,
            updated_refresh_token_id=minted.refresh_jti,
        )
    elif minted.refresh_jti is not None:
        details.update(refresh_token_id=minted.refresh_jti, refresh_token_type=minted.refresh_type)
    await record(
        tx,
        req.realm,
        type,
        now=now,
        client_id=client.client_id,
        user_id=user_id,
        session_id=sid,
        ip=req.ip_address,
        details=details,
    )


MAX_USERNAME_LENGTH = 255  # Validation.MAX_USERNAME_LENGTH


def typed_username(value: str | None) -> str | None:
    """The direct grant's ``username`` as ValidateUsername reads it (Keycloak 26.8, PR 51129): Java's ``trim``
    (every character up to U+0020 off both ends); None when that leaves nothing."""
    trimmed = (value or "").strip("".join(map(chr, range(0x21))))
    return trimmed or None


def password_flow_details(req: OAuthRequest, client: Client | None = None) -> dict[str, str | None]:
    """What the direct grant's event builder holds while its flow runs: the grant type, the flow's auth method,
    the username ValidateUsername read and (``client``) the method that authenticated the client."""
    username = _event_username(req.form.get("username"))
    found: dict[str, str | None] = {"grant_type": "password", "auth_method": "openid-connect", "username": username}
    if client is not None:
        found["client_auth_method"] = client_auth_method(client)
    return found


def _event_username(value: str | None) -> str | None:
    """The username detail ValidateUsername sets: only a typed one within the length cap."""
    typed = typed_username(value)
    return typed if typed is not None and len(typed.encode("utf-16-le")) // 2 <= MAX_USERNAME_LENGTH else None


async def token_failed(
    tx: Tx,
    req: OAuthRequest,
    grant_type: str,
    client: Client | None,
    client_id: str | None,
    err: OAuthError,
    now: int,
) -> None:
    """The ``*_ERROR`` event of a failed token request. ``client`` is None if client authentication failed."""
    type = TOKEN_EVENTS[grant_type] + "_ERROR"
    if not heard(tx, req.realm, type):
        return
    error = err.event_error
    details: dict[str, Any] = {"grant_type": grant_type}
    if grant_type == "password":  # the user only where the grant's flow had found one (err.event_user)
        details.update(password_flow_details(req))
    session_id = err.event_session
    user_id = err.event_user
    details.update(err.event_details)
    if client is not None:  # set by the client authentication flow, before the grant could fail
        details["client_auth_method"] = client_auth_method(client)
    if err.detail in (policy.REUSED, policy.CHAIN_REVOKED):  # issue #13: which chain died, seen from where
        old = _claims(req.form.get("refresh_token"))
        user_id, session_id = old.get("sub"), old.get("sid")
        details.update(reason=err.detail, refresh_token_id=old.get("jti"), user_agent=req.user_agent or None)
    await record(
        tx,
        req.realm,
        type,
        now=now,
        client_id=client.client_id if client else client_id,
        user_id=user_id,
        session_id=session_id,
        ip=req.ip_address,
        error=error,
        details=details,
    )

"""Pure lifetime and rotation rules, exactly as Keycloak computes them (KEYCLOAK.md §3.2, §5.3, §6.3).

Every function takes the realm, client and session values it needs and returns epoch seconds
(or -1 for "never"). Keycloak computes in milliseconds and truncates; in whole seconds the result
is the same. Idle skew is 0: sessions are persistent (Keycloak 26 default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from doorkeep.model import Client, ClientSession, Realm, RefreshFamily, UserSession
from doorkeep.numbers import INT_MAX, LONG_MAX, parse_int

DEFAULT_SSO_IDLE = 1800
DEFAULT_SSO_MAX = 36000
DEFAULT_OFFLINE_IDLE = 2592000
DEFAULT_OFFLINE_MAX = 5184000
IDLE_SKEW = 0
# JsonWebToken.isActive()'s default allowed clock skew on ``nbf`` since Keycloak 26.6 (#45620, FAPI 2.0 §5.3.2.1):
# a token is accepted up to 10 s before its not-before time; a caller with its own skew passes it instead
NBF_SKEW = 10
NEVER = -1


def _or_default(value: int, default: int) -> int:
    return value if value > 0 else default


def client_attr_timeout(client: Client | None, key: str, high: int = LONG_MAX) -> int:
    """A client timeout attribute when a positive integer up to ``high``, else -1 (blank or junk means unset).

    SessionExpirationUtils.getClientAttributeTimeout hands the session timeouts to ``Long.parseLong`` untrimmed,
    so blanks around the digits make it junk too ("unset"), not the number, while a value above 2^31-1 is a
    valid long and counts. Keycloak's millisecond sums overflow past about 9.2e15 s (292 million years), ending
    the session at once; Doorkeep's whole-second arithmetic has no such edge. ``access.token.lifespan`` is read
    with ``Integer.parseInt`` (callers pass ``high=INT_MAX``)."""
    if client is None:
        return -1
    value = parse_int(str(client.attributes.get(key)), 1, high)
    return value if value is not None else -1


def sso_idle(realm: Realm, remember_me: bool = False) -> int:
    idle = _or_default(realm.sso_session_idle_timeout, DEFAULT_SSO_IDLE)
    if remember_me:
        idle = max(idle, realm.sso_session_idle_timeout_remember_me)
    return idle


def sso_max(realm: Realm, remember_me: bool = False) -> int:
    lifespan = _or_default(realm.sso_session_max_lifespan, DEFAULT_SSO_MAX)
    if remember_me:
        lifespan = max(lifespan, realm.sso_session_max_lifespan_remember_me)
    return lifespan


def offline_idle(realm: Realm) -> int:
    return _or_default(realm.offline_session_idle_timeout, DEFAULT_OFFLINE_IDLE)


def offline_max(realm: Realm) -> int:
    return _or_default(realm.offline_session_max_lifespan, DEFAULT_OFFLINE_MAX)


def user_session_max(realm: Realm, offline: bool, remember_me: bool, started: int) -> int:
    """When the user session reaches its maximum lifespan, or -1 if it has none."""
    if offline:
        return started + offline_max(realm) if realm.offline_session_max_lifespan_enabled else NEVER
    return started + sso_max(realm, remember_me)


def user_session_idle(realm: Realm, offline: bool, remember_me: bool, last_refresh: int) -> int:
    """When the user session goes idle if not refreshed."""
    if offline:
        return last_refresh + offline_idle(realm)
    return last_refresh + sso_idle(realm, remember_me)


def client_session_max(
    realm: Realm, client: Client | None, offline: bool, remember_me: bool, cs_started: int, us_started: int
) -> int:
    """When the client session reaches its maximum lifespan, or -1 if it has none."""
    if offline:
        attr = client_attr_timeout(client, "client.offline.session.max.lifespan")
        if not (realm.offline_session_max_lifespan_enabled or attr > 0):
            return NEVER
        if attr > 0:
            lifespan = attr
        elif realm.client_offline_session_max_lifespan > 0:
            lifespan = realm.client_offline_session_max_lifespan
        else:
            lifespan = offline_max(realm)
        ts = cs_started + lifespan
        us_max = user_session_max(realm, True, remember_me, us_started)
        return min(ts, us_max) if us_max > 0 else ts
    attr = client_attr_timeout(client, "client.session.max.lifespan")
    if attr > 0:
        lifespan = attr
    elif realm.client_session_max_lifespan > 0:
        lifespan = realm.client_session_max_lifespan
    else:
        lifespan = sso_max(realm, remember_me)
    return min(cs_started + lifespan, user_session_max(realm, False, remember_me, us_started))


def client_session_idle(
    realm: Realm, client: Client | None, offline: bool, remember_me: bool, cs_timestamp: int
) -> int:
    """When the client session goes idle if not refreshed."""
    if offline:
        attr = client_attr_timeout(client, "client.offline.session.idle.timeout")
        if attr > 0:
            return cs_timestamp + attr
        if realm.client_offline_session_idle_timeout > 0:
            return cs_timestamp + realm.client_offline_session_idle_timeout
        return cs_timestamp + offline_idle(realm)
    attr = client_attr_timeout(client, "client.session.idle.timeout")
    if attr > 0:
        return cs_timestamp + attr
    if realm.client_session_idle_timeout > 0:
        return cs_timestamp + realm.client_session_idle_timeout
    return cs_timestamp + sso_idle(realm, remember_me)


def token_expired(exp: object, now: int) -> bool:
    """JsonWebToken.isExpired: ``exp`` absent or 0 never expires, and a token is still valid in the very
    second of its ``exp`` (``now > exp``). An ``exp`` that is not a whole number cannot be read: expired."""
    if exp is None:
        return False
    if not isinstance(exp, int) or isinstance(exp, bool):
        return True
    return exp != 0 and now > exp


def token_not_before(nbf: object, now: int, skew: int = 0) -> bool:
    """JsonWebToken.isNotBefore(skew): ``nbf`` absent, or reached once ``skew`` seconds are added to now."""
    if nbf is None:
        return True
    if not isinstance(nbf, int) or isinstance(nbf, bool):
        return False
    return now + skew >= nbf


def token_active(claims: Mapping[str, Any], now: int, skew: int = NBF_SKEW) -> bool:
    """JsonWebToken.isActive(), TokenVerifier.IS_ACTIVE: not expired and not before ``nbf`` with 10 s of skew
    (Keycloak 26.6's default; it was 0 before).

    The skew only ever moves ``nbf`` (client assertions allow 15 s); ``exp`` is exact. Every check of a
    token's own lifetime (access, refresh, offline, action, client-registration tokens and client
    assertions) goes through here; sessions have their own, stricter rule in ``is_valid``."""
    return not token_expired(claims.get("exp"), now) and token_not_before(claims.get("nbf"), now, skew)


def is_valid(idle_ts: int, max_ts: int, now: int) -> bool:
    """Keycloak's isSessionValid / isClientSessionValid: ``idle > now - skew`` and ``max > now``, both strict.

    Unlike a token's ``exp``, a session is already over in the second its idle or max timestamp names.
    Keycloak compares milliseconds (``idle_ts * 1000 > currentTimeMillis``), which for whole-second
    timestamps is exactly ``idle_ts > now`` in seconds. The skew is 0 under persistent user sessions
    (Keycloak 26's default); ``IDLE_TIMEOUT_WINDOW_SECONDS`` (120) applies only without them."""
    return idle_ts > now - IDLE_SKEW and (max_ts == NEVER or max_ts > now)


BROKER_NOTE = "identity_provider"  # Details.IDENTITY_PROVIDER: the provider a brokered login came through


def user_session_valid(realm: Realm, us: UserSession, now: int) -> bool:
    """Keycloak's isSessionValid / isOfflineSessionValid of a stored user session (online or offline by
    ``us.offline``); a remember-me session dies with the realm's Remember Me, a brokered one with its provider
    (SessionValidationManager: the ``identity_provider`` note names a provider the realm no longer has)."""
    if us.remember_me and not realm.remember_me:
        return False
    broker = us.notes.get(BROKER_NOTE)
    if broker is not None and not any(p.get("alias") == broker for p in realm.identity_providers):
        return False
    return is_valid(
        user_session_idle(realm, us.offline, us.remember_me, us.last_session_refresh),
        user_session_max(realm, us.offline, us.remember_me, us.started),
        now,
    )


def client_session_valid(realm: Realm, client: Client | None, us: UserSession, cs: ClientSession, now: int) -> bool:
    """Keycloak's isClientSessionValid: the client session's idle and max (the client's overrides, capped by
    the user session's), within the user session ``us`` it belongs to."""
    return is_valid(
        client_session_idle(realm, client, us.offline, us.remember_me, cs.timestamp),
        client_session_max(realm, client, us.offline, us.remember_me, cs.started, us.started),
        now,
    )


def refresh_token_exp(realm: Realm, client: Client | None, us: UserSession, cs: ClientSession, now: int) -> int | None:
    """The ``exp`` of a refresh token minted ``now`` for ``cs`` (S2 getExpiration: the client session's idle
    counted from now, capped by its max), or None when the token carries no exp.

    Offline tokens carry an exp only when the realm's Offline Session Max Limited is on.
    """
    if us.offline and not realm.offline_session_max_lifespan_enabled:
        return None
    idle = client_session_idle(realm, client, us.offline, us.remember_me, now)
    cap = client_session_max(realm, client, us.offline, us.remember_me, cs.started, us.started)
    return min(idle, cap) if cap > 0 else idle


def access_token_exp(
    realm: Realm,
    client: Client,
    offline: bool,
    remember_me: bool,
    now: int,
    cs_started: int,
    us_started: int,
    implicit_flow: bool = False,
) -> int:
    """The access token's ``exp`` (S1 getTokenExpiration), capped by the client session's max.

    The lifespan is the client's ``access.token.lifespan`` when set, else the realm's; the implicit
    flow's tokens always take the realm's ``accessTokenLifespanForImplicitFlow``. -1 means "until the
    SSO session max".
    """
    raw = str(client.attributes.get("access.token.lifespan", "")).strip()
    lifespan = -1 if raw == "-1" else parse_int(raw, 1, INT_MAX) or realm.access_token_lifespan
    if implicit_flow:
        lifespan = realm.access_token_lifespan_for_implicit_flow
    if lifespan == -1:
        exp = us_started + sso_max(realm, remember_me)
    else:
        exp = now + lifespan
    cap = client_session_max(realm, client, offline, remember_me, cs_started, us_started)
    return min(exp, cap) if cap > 0 else exp


def effective_not_before(realm: Realm, client: Client | None, user_not_before: int = 0) -> int:
    return max(realm.not_before, client.not_before if client else 0, user_not_before)


def revoke_refresh_token(realm: Realm, client: Client | None) -> bool:
    """Whether rotation is in force: the client override (blank = inherit) or the realm setting."""
    if client is not None:
        raw = str(client.attributes.get("revoke.refresh.token", "")).strip().lower()
        if raw in ("true", "false"):
            return raw == "true"
    return realm.revoke_refresh_token


def refresh_token_max_reuse(realm: Realm, client: Client | None) -> int:
    if client is not None:
        reuse = parse_int(str(client.attributes.get("refresh.token.max.reuse", "")).strip(), 0, INT_MAX)
        if reuse is not None:
            return reuse
    return realm.refresh_token_max_reuse


# Refresh grace period (issue #13 item 1; docs/refresh-grace-period.md): 0 (off, Keycloak) to 120 seconds.
GRACE_REALM_ATTRIBUTE = "refreshTokenGracePeriod"  # realm attribute
GRACE_CLIENT_ATTRIBUTE = "refresh.token.grace.period"  # client attribute; blank or absent inherits
GRACE_MAX = 120
# The private reasons of a refused refresh under a grace period, for the REFRESH_TOKEN_ERROR event.
REUSED = "refresh_token_reused"
CHAIN_REVOKED = "refresh_token_chain_revoked"


def parse_grace_period(raw: object) -> int | None:
    """A grace period as stored (``"30"``) or sent: a whole number of seconds from 0 to 120, else None."""
    return parse_int(raw.strip() if isinstance(raw, str) else raw, 0, GRACE_MAX)


def refresh_grace_period(realm: Realm, client: Client | None) -> int:
    """The grace period in force: the client override (blank inherits) or the realm's; 0 is off."""
    if client is not None:
        raw = str(client.attributes.get(GRACE_CLIENT_ATTRIBUTE, "")).strip()
        if raw:
            return parse_grace_period(raw) or 0
    return parse_grace_period(str(realm.attributes.get(GRACE_REALM_ATTRIBUTE, ""))) or 0


def grace_replay(token_jti: str, family: RefreshFamily, grace: int, now: int) -> bool:
    """Whether a refused presentation is a retry the grace period answers with the same successor.

    It is when the token is the one just rotated away (still the family's current token, so its
    successor has not been used), that successor is known, and the window since it was minted is open.
    A successor minted after ``now`` was read is inside the window too: ``now`` is taken when the request
    arrives, before it waits on the client-session lock held by the request that minted the successor.
    """
    return (
        grace > 0
        and not family.revoked
        and family.current_jti == token_jti
        and family.latest_jti is not None
        and family.latest_iat is not None
        and now <= family.latest_iat + grace
        and not token_expired(family.latest_exp, now)  # never hand out an expired token
    )


@dataclass(frozen=True)
class ReuseVerdict:
    """The outcome of the rotation check: an error description, or the family's new state."""

    error: str | None
    current_jti: str | None
    use_count: int


def reuse_verdict(token_jti: str, token_iat: int, family: RefreshFamily, max_reuse: int) -> ReuseVerdict:
    """Keycloak's validateTokenReuse (KEYCLOAK.md §6.3) as a pure function of the token and its family."""
    current_jti, latest_jti = family.current_jti, family.latest_jti
    last_refresh, use_count = family.last_refresh, family.use_count
    stale = ReuseVerdict("Stale token", current_jti, use_count)
    if current_jti is not None and token_jti != current_jti:
        if latest_jti is not None:
            if token_jti != latest_jti and token_iat <= last_refresh:
                return stale
        elif token_iat < last_refresh:
            return stale
    if token_jti != current_jti:
        current_jti, use_count = token_jti, 0
    if use_count > max_reuse:
        return ReuseVerdict("Maximum allowed refresh token reuse exceeded", current_jti, use_count)
    return ReuseVerdict(None, current_jti, use_count + 1)

"""The ``secret-rotation`` client-policy executor (Keycloak's ClientSecretRotationExecutor, a preview feature of
Keycloak 26) and the client attributes it keeps (OIDCClientSecretConfigWrapper, ClientSecretConstants).

A confidential client under the policy has a secret that expires ``expiration-period`` seconds after it was
made. When it is created the expiry is set; an update of a client whose secret expired (or has no expiry)
rotates it: a new secret, and the old one kept as the *rotated* secret for ``rotated-expiration-period``
seconds (0: not kept). Regenerating the secret always rotates it. An update through the client registration
service rotates it too once the remaining time falls within ``remaining-rotation-period``. The client
authenticator accepts the rotated secret until it expires and refuses a main secret past its expiry. An admin
update or a regenerated secret that no enabled policy rotates drops the expiry and the rotated secret
(ClientResource's ``removeClientSecretRotationInfo``).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from doorkeep.clientpolicies.context import Event, PolicyContext

PROVIDER_ID = "secret-rotation"
EXPIRATION_PERIOD = "expiration-period"
ROTATED_EXPIRATION_PERIOD = "rotated-expiration-period"
REMAINING_ROTATION_PERIOD = "remaining-rotation-period"
DAY = 86_400
DEFAULTS = {EXPIRATION_PERIOD: 30 * DAY, REMAINING_ROTATION_PERIOD: 10 * DAY, ROTATED_EXPIRATION_PERIOD: 2 * DAY}

CREATION_TIME = "client.secret.creation.time"
EXPIRATION_TIME = "client.secret.expiration.time"
ROTATED_SECRET = "client.secret.rotated"
ROTATED_CREATION_TIME = "client.secret.rotated.creation.time"
ROTATED_EXPIRATION_TIME = "client.secret.rotated.expiration.time"
ROTATED_KEYS = (ROTATED_SECRET, ROTATED_CREATION_TIME, ROTATED_EXPIRATION_TIME)


def _period(value: Any) -> int | None:
    """A period as Jackson binds an Integer: a number or a numeric string; None when absent or unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def valid_config(config: dict[str, Any]) -> bool:
    """Configuration.validateConfig: the three periods given, the expiry positive, neither other one longer."""
    expiration, rotated, remaining = (
        _period(config.get(k)) for k in (EXPIRATION_PERIOD, ROTATED_EXPIRATION_PERIOD, REMAINING_ROTATION_PERIOD)
    )
    if expiration is None or rotated is None or remaining is None:
        return False
    return expiration > 0 and rotated <= expiration and remaining <= expiration


def _periods(config: dict[str, Any]) -> tuple[int, int, int]:
    """(expiration, rotated expiration, remaining) with Keycloak's defaults for what is absent."""
    values = [_period(config.get(k)) for k in (EXPIRATION_PERIOD, ROTATED_EXPIRATION_PERIOD, REMAINING_ROTATION_PERIOD)]
    expiration, rotated, remaining = (
        DEFAULTS[k] if v is None else v
        for k, v in zip((EXPIRATION_PERIOD, ROTATED_EXPIRATION_PERIOD, REMAINING_ROTATION_PERIOD), values, strict=True)
    )
    return expiration, rotated, remaining


def _time(attributes: Mapping[str, Any], key: str) -> int:
    value = _period(attributes.get(key))
    return 0 if value is None else value


def secret_expired(attributes: Mapping[str, Any], now: int) -> bool:
    """isClientSecretExpired: an expiry is set and lies in the past."""
    expiry = _time(attributes, EXPIRATION_TIME)
    return 0 < expiry < now


def live_rotated_secret(attributes: Mapping[str, Any], now: int) -> str | None:
    """The rotated secret while it is valid: set with its creation time (hasRotatedSecret) and its expiry not
    past (isClientRotatedSecretExpired: no expiry counts as expired)."""
    rotated = str(attributes.get(ROTATED_SECRET) or "").strip()
    if not rotated or not str(attributes.get(ROTATED_CREATION_TIME) or "").strip():
        return None
    if not str(attributes.get(ROTATED_EXPIRATION_TIME) or "").strip():
        return None
    if _time(attributes, ROTATED_EXPIRATION_TIME) < now:
        return None
    return str(attributes[ROTATED_SECRET])


def rotated_secret_matches(attributes: Mapping[str, Any], given: str, now: int) -> bool:
    """validateRotatedSecret: the client's valid rotated secret is the one given."""
    rotated = live_rotated_secret(attributes, now)
    return rotated is not None and hmac.compare_digest(given.encode(), rotated.encode())


def without_rotation(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """removeClientSecretRotationInfo: the expiry and the rotated secret gone."""
    return {k: v for k, v in attributes.items() if k not in (EXPIRATION_TIME, *ROTATED_KEYS)}


def _keep_rotated(attributes: dict[str, Any], secret: str | None, rotated_period: int, now: int) -> None:
    """updateRotateSecret: the old secret kept for ``rotated_period`` seconds, or no rotated secret at all."""
    for key in ROTATED_KEYS:
        attributes.pop(key, None)
    if rotated_period > 0 and secret:
        attributes[ROTATED_SECRET] = secret
        attributes[ROTATED_CREATION_TIME] = str(now)
        attributes[ROTATED_EXPIRATION_TIME] = str(now + rotated_period)


def _renewed(attributes: dict[str, Any], expiration: int, now: int) -> None:
    """updateClientConfigProperties: the secret made now, expiring ``expiration`` seconds later."""
    attributes[CREATION_TIME] = str(now)
    attributes[EXPIRATION_TIME] = str(now + expiration)


def _on_client_written(config: dict[str, Any], context: PolicyContext) -> None:
    target, new_secret = context.target, context.new_secret
    assert target is not None and new_secret is not None, "REGISTERED and UPDATED carry the written client"
    attributes: dict[str, Any] = target.setdefault("attributes", {})
    expiration, rotated_period, remaining = _periods(config)
    now = context.now
    if context.rotating_from is not None:  # ClientSecretRotationContext: the admin regenerated the secret
        _keep_rotated(attributes, context.rotating_from, rotated_period, now)
        _renewed(attributes, expiration, now)
        return
    expiry = _time(attributes, EXPIRATION_TIME)
    if expiry <= 0:  # no expiry yet: the policy's first look at this client
        attributes[EXPIRATION_TIME] = str(now + expiration)
        return
    due = secret_expired(attributes, now)
    if not due and context.dynamic and context.event is Event.UPDATED:  # DynamicClientUpdatedContext
        due = now >= expiry - remaining
    if due:
        _keep_rotated(attributes, target.get("secret"), rotated_period, now)
        target["secret"] = new_secret()
        _renewed(attributes, expiration, now)


def executor(config: dict[str, Any], context: PolicyContext) -> None:
    """ClientSecretRotationExecutor.executeOnEvent, for a confidential client only; it never refuses. On the
    authorization and token requests it asks for an expiry to be set on a client that has none."""
    client = context.client
    if client is None or client.public or client.bearer_only:
        return
    context.secret_rotation_enabled = True
    if context.event in (Event.REGISTERED, Event.UPDATED):
        _on_client_written(config, context)
    elif context.event in (Event.AUTHORIZATION_REQUEST, Event.TOKEN_REQUEST) and not client.secret_expires:
        context.secret_expiration = context.now + _periods(config)[0]

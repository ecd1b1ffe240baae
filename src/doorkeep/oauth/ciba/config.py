"""Keycloak's CibaConfig: the realm's CIBA policy (realm attributes, with Keycloak's defaults) and the client
attributes that enable the grant and choose its delivery mode and request signing algorithm."""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.model import Client, Realm
from doorkeep.numbers import parse_int

# realm attributes (CibaConfig.CIBA_*)
DELIVERY_MODE = "cibaBackchannelTokenDeliveryMode"
EXPIRES_IN = "cibaExpiresIn"
INTERVAL = "cibaInterval"
USER_HINT = "cibaAuthRequestedUserHint"
# client attributes
GRANT_ENABLED = "oidc.ciba.grant.enabled"
CLIENT_DELIVERY_MODE = "ciba.backchannel.token.delivery.mode"
SIGNING_ALG = "ciba.backchannel.auth.request.signing.alg"
NOTIFICATION_ENDPOINT = "ciba.backchannel.client.notification.endpoint"

POLL, PING = "poll", "ping"
LOGIN_HINT, ID_TOKEN_HINT, LOGIN_HINT_TOKEN = "login_hint", "id_token_hint", "login_hint_token"
GRANT_TYPE = "urn:openid:params:grant-type:ciba"
DEFAULT_EXPIRES_IN = 120
DEFAULT_INTERVAL = 5
# Keycloak keeps a request this much longer than its expiry plus interval, so a late poll learns expired_token.
KEEP_EXTRA = 10


@dataclass(frozen=True)
class CibaPolicy:
    """The realm's CIBA policy as CibaConfig reads it: a blank value is the default."""

    delivery_mode: str = POLL
    expires_in: int = DEFAULT_EXPIRES_IN
    interval: int = DEFAULT_INTERVAL
    user_hint: str = LOGIN_HINT

    def representation(self) -> dict[str, str]:
        """What ModelToRepresentation puts into the realm's ``attributes``, set or not."""
        return {
            DELIVERY_MODE: self.delivery_mode,
            EXPIRES_IN: str(self.expires_in),
            INTERVAL: str(self.interval),
            USER_HINT: self.user_hint,
        }


def _text(realm: Realm, name: str) -> str:
    value = realm.attributes.get(name)
    return "" if value is None else str(value)


def _number(realm: Realm, name: str, default: int) -> int:
    raw = _text(realm, name).strip()
    value = parse_int(raw) if raw else None
    return default if value is None else value


def policy(realm: Realm) -> CibaPolicy:
    """``realm.getCibaPolicy()``."""
    mode = _text(realm, DELIVERY_MODE)
    return CibaPolicy(
        delivery_mode=mode if mode.strip() else POLL,
        expires_in=_number(realm, EXPIRES_IN, DEFAULT_EXPIRES_IN),
        interval=_number(realm, INTERVAL, DEFAULT_INTERVAL),
        user_hint=_text(realm, USER_HINT) if realm.attributes.get(USER_HINT) is not None else LOGIN_HINT,
    )


def grant_enabled(client: Client) -> bool:
    """``isOIDCCIBAGrantEnabled``: Java's Boolean.parseBoolean of the attribute (absent is off)."""
    return client.attr(GRANT_ENABLED).lower() == "true"


def delivery_mode(realm: Realm, client: Client) -> str:
    """``getBackchannelTokenDeliveryMode(client)``: the client's non-blank mode, else the realm's."""
    mode = client.attr(CLIENT_DELIVERY_MODE)
    return mode if mode.strip() else policy(realm).delivery_mode

"""The device and user codes of the OAuth 2.0 Device Authorization Grant (RFC 8628 §3.2, §6.1).

Keycloak's ``OAuth2DeviceConfig`` decides who may use the grant and for how long; its
``DefaultOAuth2DeviceUserCodeProvider`` makes user codes: eight upper-case letters, shown ``XXXX-XXXX``
and read back without the dash in any case. Both codes are stored as SHA-256 hashes only.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import string

from doorkeep.model import Client, Realm
from doorkeep.numbers import parse_int

GRANT_ENABLED = "oauth2.device.authorization.grant.enabled"
LIFESPAN_ATTR = "oauth2.device.code.lifespan"
INTERVAL_ATTR = "oauth2.device.polling.interval"
# A realm attribute naming a shorter verification URI to show the user (DeviceEndpoint.SHORT_VERIFICATION_URI).
SHORT_VERIFICATION_URI = "shortVerificationUri"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
USER_CODE_LENGTH = 8
# Keycloak keeps a device code this long past its expiry, so a late poll is told expired_token.
KEEP_EXTRA = 10


def grant_enabled(client: Client) -> bool:
    """Java's ``Boolean.parseBoolean`` of the attribute: absent (the default of new and imported clients) is off."""
    return client.attr(GRANT_ENABLED).lower() == "true"


def _setting(client: Client, attribute: str, realm_value: int) -> int:
    """The client's non-blank attribute, else the realm's setting."""
    raw = client.attr(attribute).strip()
    value = parse_int(raw) if raw else None
    return realm_value if value is None else value


def lifespan(realm: Realm, client: Client) -> int:
    return _setting(client, LIFESPAN_ATTR, realm.oauth2_device_code_lifespan)


def interval(realm: Realm, client: Client) -> int:
    return _setting(client, INTERVAL_ATTR, realm.oauth2_device_polling_interval)


def new_device_code() -> str:
    """32 random bytes, base64url without padding (Keycloak's ``Base64Url.encode(randomBytes())``)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()


def new_user_code() -> str:
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(USER_CODE_LENGTH))


def display(user_code: str) -> str:
    return f"{user_code[:4]}-{user_code[4:]}"


def normalise(typed: str) -> str:
    """What the user typed, as stored: dashes dropped, upper case (the provider's ``format``)."""
    return typed.replace("-", "").upper()


def digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()

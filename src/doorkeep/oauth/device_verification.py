"""The user's side of the device flow (RFC 8628 §3.3), as Keycloak 26's ``DeviceEndpoint.verifyUserCode``
and ``DeviceGrantType.approveOAuth2DeviceAuthorization`` / ``denyOAuth2DeviceAuthorization``.

A user code that is known, pending and not expired starts a browser login for the client that asked
for it; the login ends in the consent screen (Keycloak asks consent for a device whatever the client's
``consentRequired``), then approves or denies the device authorization.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import DEVICE_DENIED, DEVICE_PENDING, Client, Realm
from doorkeep.oauth import device_codes
from doorkeep.oauth.authorize import AuthRequest

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

EVENT = "OAUTH2_DEVICE_VERIFY_USER_CODE"
# Keycloak's login theme messages (messages_en.properties).
TITLE = "Device Login"
INSTRUCTION = "Enter the code provided by your device and click Submit"
INVALID_USER_CODE = "Invalid code, please try again."
EXPIRED_USER_CODE = "The code has expired. Please go back to your device and try connecting again."
COMPLETE_HEADER = "Device Login Successful"
COMPLETE = "You may close this browser window and go back to your device."
FAILED_HEADER = "Device Login Failed"
FAILED = "You may close this browser window and go back to your device and try connecting again."
CONSENT_DENIED = "Consent denied for connecting the device."
# The status page's ``error`` parameter → its message (DeviceEndpoint.status).
STATUS_MESSAGES = {"access_denied": CONSENT_DENIED, "expired_token": EXPIRED_USER_CODE}


async def verify_user_code(tx: Tx, realm: Realm, typed: str, now: int, ip: str) -> tuple[Client, AuthRequest] | str:
    """The client and the login request for a usable user code, or the message for the code page."""
    user_code = device_codes.normalise(typed)
    found = await tx.device_codes.by_user_code(realm.id, device_codes.digest(user_code), now)
    problem: tuple[str, str] | None = None
    if found is None:
        problem = INVALID_USER_CODE, "device code not found (it may already have been used)"
    elif found.status == DEVICE_DENIED:
        problem = INVALID_USER_CODE, "device code denied"
    elif found.status != DEVICE_PENDING:
        problem = INVALID_USER_CODE, "device code already used and not yet deleted"
    elif now > found.expires:
        problem = EXPIRED_USER_CODE, "device code expired"
    client = await tx.clients.get(found.client_id) if found is not None and problem is None else None
    if problem is None and (client is None or not client.enabled):
        problem = INVALID_USER_CODE, "client not found or disabled"
    if problem is not None or found is None or client is None:
        message, reason = problem or (INVALID_USER_CODE, "")
        await events.record(
            tx, realm, f"{EVENT}_ERROR", now=now, ip=ip, error="invalid_oauth2_user_code", details={"reason": reason}
        )
        return message
    await events.record(tx, realm, EVENT, now=now, client_id=client.client_id, ip=ip, details={"scope": found.scope})
    request = AuthRequest(
        client_id=client.client_id,
        redirect_uri="",
        response_type="",
        response_mode="",
        scope=found.scope,
        nonce=found.data.get("nonce"),
        device_user_code=user_code,
    )
    return client, request


async def approve(tx: Tx, realm: Realm, user_code: str, session_id: str, now: int) -> bool:
    """Approve for this user session; False when the authorization is gone meanwhile (then: expired)."""
    return await tx.device_codes.approve(realm.id, device_codes.digest(user_code), session_id, now)


async def denied(tx: Tx, realm: Realm, user_code: str, now: int) -> bool:
    """DeviceGrantType.isDeviceCodeDeniedForDeviceVerificationFlow: the user already said no to this code."""
    found = await tx.device_codes.by_user_code(realm.id, device_codes.digest(user_code), now)
    return found is not None and found.status == DEVICE_DENIED


async def deny(tx: Tx, realm: Realm, user_code: str, now: int) -> bool:
    """The user said no at the consent screen (again, after the back button, is still a success: Keycloak's
    ``denyUserCode`` rewrites the stored code); False when the authorization is gone or approved meanwhile."""
    return await tx.device_codes.deny(realm.id, device_codes.digest(user_code), now)

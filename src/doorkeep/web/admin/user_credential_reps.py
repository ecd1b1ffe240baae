"""The ``credentials`` of a UserRepresentation sent to the admin API (UsersResource.createUser,
UserResource.updateUser, resetPassword): read and checked before anything is written, the realm's password
policy applied to new passwords, then stored (RepresentationToModel.createCredentials)."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from doorkeep.admin.representations import is_true
from doorkeep.errors import AdminError
from doorkeep.model import Credential, PasswordRetention, Realm, User, with_password_update
from doorkeep.realms import provisioning
from doorkeep.realms.bootstrap import set_password
from doorkeep.users import recovery_codes, webauthn
from doorkeep.users.credentials import enforce_policy
from doorkeep.users.password_policy import PolicyViolation
from doorkeep.web.admin.common import bad_request

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def representation_credentials(rep: dict[str, Any]) -> list[dict[str, Any]]:
    """The representation's ``credentials`` list, checked before anything is written."""
    creds = rep.get("credentials")
    if creds is None:
        return []
    if not isinstance(creds, list) or not all(isinstance(c, dict) for c in creds):
        raise bad_request()
    return creds


def new_passwords(creds: list[dict[str, Any]]) -> list[str]:
    """The passwords ``credentials`` sets (Keycloak's createCredentials: any credential with a non-empty value is a
    password, whatever its ``type`` says)."""
    return [c["value"] for c in creds if isinstance(c.get("value"), str) and c["value"]]


async def check_policy(tx: Tx, realm: Realm, user: User, passwords: list[str], now: int) -> None:
    """The realm's password policy, before anything is written: Keycloak's PasswordPolicyNotMetException
    answer, ``{"error": <message key>, "error_description": <English text>}`` (UserResource.resetPassword,
    UsersResource.createUser, UserResource.updateUser)."""
    for password in passwords:
        try:
            await enforce_policy(tx, realm, user, password, now)
        except PolicyViolation as refused:
            raise AdminError(400, refused.key, key="error", description=refused.text) from None


def stored_hash(cred: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A password given as a stored hash rather than a ``value`` (RepresentationToModel.createCredentials'
    createCredentialThroughProvider): ``secretData`` and ``credentialData`` as JSON strings, or the pre-12
    ``hashedSaltedValue`` / ``salt`` / ``hashIterations`` / ``algorithm``. Stored as given, whatever the
    algorithm: one no hash provider knows simply never verifies, as in Keycloak."""
    if cred.get("type") != "password" or cred.get("value") is not None:
        return None
    try:
        if cred.get("secretData") is not None or cred.get("credentialData") is not None:
            secret, data = json.loads(cred["secretData"]), json.loads(cred["credentialData"])
        elif cred.get("hashedSaltedValue") is not None:
            secret = {"value": cred["hashedSaltedValue"], "salt": cred.get("salt") or ""}
            data = {"hashIterations": cred.get("hashIterations") or 27500, "algorithm": cred.get("algorithm")}
        else:
            return None
    except (KeyError, TypeError, ValueError):
        raise bad_request() from None
    if not isinstance(secret, dict) or not isinstance(data, dict) or not isinstance(secret.get("value"), str):
        raise bad_request()
    return secret, data


def otp_device(cred: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """An authenticator app given as ``secretData`` and ``credentialData`` (createCredentialThroughProvider into
    OTPCredentialProvider.createCredential): stored as given, ``secretEncoding`` included. What Keycloak could
    not read as OTPSecretData / OTPCredentialData (its 500) is a 400 here."""
    if cred.get("type") != "otp" or cred.get("value"):
        return None
    try:
        secret, data = json.loads(cred["secretData"]), json.loads(cred["credentialData"])
    except (KeyError, TypeError, ValueError):
        raise bad_request() from None
    if not isinstance(secret, dict) or not isinstance(data, dict) or not isinstance(secret.get("value"), str):
        raise bad_request()
    numbers = [data.get(k, 0) for k in ("digits", "counter", "period")]
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        raise bad_request()
    if not isinstance(data.get("subType"), str) or not isinstance(data.get("algorithm", ""), str):
        raise bad_request()
    return secret, data


def security_key(cred: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A WebAuthn key (``webauthn``, or a ``webauthn-passwordless`` passkey) given as ``credentialData`` and an
    optional ``secretData`` (createCredentialThroughProvider into WebAuthn(Passwordless)CredentialProvider): stored
    as given. What Keycloak could not read as WebAuthnCredentialData (its 500) is a 400 here."""
    if cred.get("type") not in (webauthn.TYPE, webauthn.PASSWORDLESS_TYPE) or cred.get("value"):
        return None
    try:
        data = json.loads(cred["credentialData"])
        secret = json.loads(cred["secretData"]) if cred.get("secretData") is not None else {}
    except (KeyError, TypeError, ValueError):
        raise bad_request() from None
    if not isinstance(secret, dict) or not isinstance(data, dict):
        raise bad_request()
    return secret, data


def recovery_set(cred: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Recovery codes given as ``secretData`` (their numbered SHA-512 digests) and ``credentialData``
    (createCredentialThroughProvider into RecoveryAuthnCodesCredentialProvider): stored as given. What Keycloak
    could not read as RecoveryAuthnCodesSecretData (its 500) is a 400 here."""
    if cred.get("type") != recovery_codes.TYPE or cred.get("value"):
        return None
    try:
        secret, data = json.loads(cred["secretData"]), json.loads(cred["credentialData"])
    except (KeyError, TypeError, ValueError):
        raise bad_request() from None
    if not isinstance(secret, dict) or not isinstance(data, dict) or not isinstance(secret.get("codes"), list):
        raise bad_request()
    return secret, data


async def apply_credentials(
    tx: Tx, user: User, creds: list[dict[str, Any]], now: int, *, policy: str | None, kept: PasswordRetention
) -> User:
    """``credentials: [{"type": "password", "value": .., "temporary": ..}]``: set the password; a stored hash
    (``stored_hash``), an OTP device (``otp_device``), a WebAuthn key (``security_key``) or recovery codes
    (``recovery_set``) is kept with its ``createdDate`` and ``userLabel``. The old password joins the history
    ``kept`` as the realm's policy says (PasswordCredentialProvider.createCredential)."""
    for cred in creds:
        value = cred.get("value")
        hashed = stored_hash(cred)
        if hashed is not None:
            created = cred.get("createdDate")
            label = cred.get("userLabel")
            await tx.users.set_password(
                Credential(
                    provisioning.new_id(),
                    user.id,
                    "password",
                    hashed[0],
                    hashed[1],
                    created if isinstance(created, int) and not isinstance(created, bool) else now * 1000,
                    label if isinstance(label, str) else None,
                ),
                kept,
            )
        elif (device := otp_device(cred)) is not None:
            created, label = cred.get("createdDate"), cred.get("userLabel")
            when = created if isinstance(created, int) and not isinstance(created, bool) else now * 1000
            otp = Credential(
                provisioning.new_id(), user.id, "otp", *device, when, label if isinstance(label, str) else None
            )
            await tx.users.add_credential(otp)
        elif (key := security_key(cred) or recovery_set(cred)) is not None:
            created, label = cred.get("createdDate"), cred.get("userLabel")
            when = created if isinstance(created, int) and not isinstance(created, bool) else now * 1000
            kind = str(cred["type"])
            await tx.users.add_credential(
                Credential(provisioning.new_id(), user.id, kind, *key, when, label if isinstance(label, str) else None)
            )
        elif isinstance(value, str) and value:  # createCredentials: a value is a password, whatever the type
            await set_password(tx, user, value, now, policy=policy, kept=kept)
            if is_true(cred.get("temporary")):
                user = with_password_update(user, True)
    actions = tuple(dict.fromkeys(user.required_actions))
    return dataclasses.replace(user, required_actions=actions)

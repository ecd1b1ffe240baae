"""The WebAuthn pages of the login: webauthn-register.ftl (the WebAuthnRegister required action), webauthn-
authenticate.ftl (the WebAuthnAuthenticator step) and webauthn-error.ftl (either's error, with "Try again").

Each page's script calls the browser's WebAuthn API with the options Keycloak's templates build from the form's
attributes, then posts the answer Base64url-encoded in Keycloak's form fields (``clientDataJSON``,
``attestationObject``, ``publicKeyCredentialId``, ``transports``, ``authenticatorLabel``; ``authenticatorData``,
``signature``, ``credentialId``, ``userHandle``; ``error`` when the API failed). The options go to the script as
JSON in a ``<script type="application/json">`` element, so no value is ever spliced into code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from doorkeep.console.i18n import ENGLISH, Language
from doorkeep.console.templating import render
from doorkeep.users.webauthn_policy import NOT_SPECIFIED, Policy


def _json(value: object) -> Markup:
    """JSON safe inside a ``<script>`` element (``<``, ``>`` and ``&`` escaped)."""
    text = json.dumps(value, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@dataclass(frozen=True)
class Registration:
    """WebAuthnRegister.requiredActionChallenge's form attributes."""

    challenge: str
    user_id: str  # Base64url of the user id's UTF-8 bytes
    username: str
    rp_id: str
    exclude_credential_ids: Sequence[str]  # Base64url


def register(
    realm_display: str,
    action: str,
    form_token: str,
    policy: Policy,
    options: Registration,
    *,
    cancel: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """webauthn-register.ftl: the ``register`` form of hidden fields with the "Sign out from other devices" box
    (``logout-sessions``, unchecked), the Register button that runs navigator.credentials.create(), and
    ``cancelWebAuthnAIA`` (``cancel-aia``) when the client asked."""
    selection: dict[str, object] = {}
    if policy.authenticator_attachment != NOT_SPECIFIED:
        selection["authenticatorAttachment"] = policy.authenticator_attachment
    if policy.require_resident_key != NOT_SPECIFIED:
        selection["requireResidentKey"] = policy.require_resident_key == "Yes"
    if policy.user_verification_requirement != NOT_SPECIFIED:
        selection["userVerification"] = policy.user_verification_requirement
    data = {
        "challenge": options.challenge,
        "userId": options.user_id,
        "username": options.username,
        "rpEntityName": policy.rp_entity_name,
        "rpId": options.rp_id,
        "algorithms": policy.cose_algorithms,
        "attestation": policy.attestation_conveyance_preference,
        "authenticatorSelection": selection,
        "timeout": policy.create_timeout * 1000,
        "excludeCredentialIds": list(options.exclude_credential_ids),
        "unsupported": ui.text("webauthn-unsupported-browser-text"),
    }
    return render(
        "login/webauthn_register.html",
        title=ui.text("webauthn-registration-title"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        options=_json(data),
        cancel=cancel,
        ui=ui,
    )


def authenticate(
    realm_display: str,
    action: str,
    form_token: str,
    policy: Policy,
    *,
    challenge: str,
    rp_id: str,
    credentials: Sequence[tuple[str, str]],
    display_labels: bool = True,
    username: str = "",
    restart: str = "",
    ui: Language = ENGLISH,
    another: str = "",
) -> str:
    """webauthn-authenticate.ftl for an identified user: the user's keys listed (``credentials``: Base64url id and
    label; not for passkeys: ``shouldDisplayAuthenticators``), the ``webauth`` form of hidden fields, and the
    button that runs navigator.credentials.get(); ``another``: where "Try Another Way" posts (none: no link)."""
    data = {
        "challenge": challenge,
        "rpId": rp_id,
        "allowCredentials": [cid for cid, _ in credentials],
        "userVerification": policy.user_verification_requirement,
        "timeout": policy.create_timeout * 1000,
        "unsupported": ui.text("webauthn-unsupported-browser-text"),
    }
    return render(
        "login/webauthn_authenticate.html",
        title=ui.text("webauthn-login-title"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        options=_json(data),
        labels=[label for _, label in credentials] if display_labels else [],
        username=username,
        restart=restart,
        ui=ui,
        another=another,
    )


def error(
    realm_display: str, action: str, form_token: str, message: str, *, cancel: bool = False, ui: Language = ENGLISH
) -> str:
    """webauthn-error.ftl: the error, and "Try again" posting ``isSetRetry=retry`` to the same step (and
    ``cancel-aia`` for a registration the client asked for)."""
    return render(
        "login/webauthn_error.html",
        title=ui.text("webauthn-error-title"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        error=message,
        cancel=cancel,
        ui=ui,
    )


def passkeys(
    *, challenge: str, rp_id: str, policy: Policy, allow: Sequence[str], identified: bool, ui: Language = ENGLISH
) -> Markup:
    """passkeys.ftl's ``conditionalUIData`` arguments for the login form's script (``isUserIdentified``,
    ``challenge``, ``userVerification``, ``rpId``, ``createTimeout``, the policy's ``mediation``, the
    unsupported-browser messages), with the known user's passkeys as ``allowCredentials``."""
    return _json(
        {
            "isUserIdentified": identified,
            "challenge": challenge,
            "rpId": rp_id,
            "allowCredentials": list(allow),
            "userVerification": policy.user_verification_requirement,
            "timeout": policy.create_timeout * 1000,
            "mediation": policy.mediation,
            "unsupported": ui.text("webauthn-unsupported-browser-text"),
        }
    )

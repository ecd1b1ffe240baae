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
from doorkeep.console.java_dates import medium_short
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
    selection |= policy.resident_key_selection
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


@dataclass(frozen=True)
class Listed:
    """One of the user's keys on webauthn-authenticate.ftl (WebAuthnAuthenticatorBean): its credential id
    (Base64url), label, transports as registered and creation time (ms)."""

    credential_id: str
    label: str | None = None
    transports: Sequence[str] = ()
    created: int = 0


# TransportsBean.Transport: a registered transport's message key (AuthenticatorTransport's value to the key)
_TRANSPORT_KEYS = {"usb": "usb", "nfc": "nfc", "ble": "bluetooth", "internal": "internal"}
# the order Java's HashSet<String> of those keys iterates in (their hash buckets), where a key has several
_HASH_ORDER = ("internal", "bluetooth", "usb", "nfc", "unknown")


def transport_keys(transports: Sequence[str]) -> list[str]:
    """TransportsBean.convertFromSet: the message keys of the transports (``unknown`` for none, or one not
    known), one each."""
    keys = {_TRANSPORT_KEYS.get(t, "unknown") for t in transports if t} or {"unknown"}
    return [key for key in _HASH_ORDER if key in keys]


def _shown(key: Listed, ui: Language) -> dict[str, object]:
    """What the list shows of ``key``: its label (msg(label): a message key's text; "label missing" when
    empty), its transports' names and its creation in the page's language."""
    label = key.label or "label missing"
    return {
        "label": ui.text(label) if ui.has(label) else label,
        "transports": [ui.text(k) for k in transport_keys(key.transports)],
        "created": medium_short(key.created, ui.tag),
    }


def authenticate(
    realm_display: str,
    action: str,
    form_token: str,
    policy: Policy,
    *,
    challenge: str,
    rp_id: str,
    credentials: Sequence[Listed],
    display_labels: bool = True,
    username: str = "",
    restart: str = "",
    ui: Language = ENGLISH,
    another: str = "",
) -> str:
    """webauthn-authenticate.ftl for an identified user: the user's keys listed with their label, transports and
    creation date (not for passkeys: ``shouldDisplayAuthenticators``; "Available Passkeys" above more than one),
    the ``webauth`` form of hidden fields, and the button that runs navigator.credentials.get(); ``another``:
    where "Try Another Way" posts (none: no link)."""
    data = {
        "challenge": challenge,
        "rpId": rp_id,
        "allowCredentials": [key.credential_id for key in credentials],
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
        authenticators=[_shown(key, ui) for key in credentials] if display_labels else [],
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

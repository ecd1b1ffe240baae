"""The pages of the required actions the user answers during a login: verifying the e-mail, setting up an
authenticator app, updating the password or the e-mail, accepting the terms, deleting a credential or the
account (Keycloak's login-verify-email.ftl, login-config-totp.ftl, login-update-password.ftl, update-email.ftl,
terms.ftl, delete-credential.ftl, delete-account-confirm.ftl), rendered with autoescape."""

from __future__ import annotations

from dataclasses import dataclass

import segno

from doorkeep.console.i18n import ENGLISH, Language
from doorkeep.console.templating import render
from doorkeep.users import otp


@dataclass(frozen=True)
class VerifyEmailForm:
    """login-verify-email.ftl's form of an application-initiated VERIFY_EMAIL (``isAppInitiatedAction``): it
    posts to ``action`` with ``form_token``; ``sent``: the e-mail went in this login (``verifyEmail``), so the
    button resends it."""

    action: str
    form_token: str
    sent: bool


def verify_email(
    realm_display: str,
    email: str,
    resend: str,
    *,
    cooldown: int | None = None,
    form: VerifyEmailForm | None = None,
    ui: Language = ENGLISH,
) -> str:
    """login-verify-email.ftl: where the mail went, and the link that sends it again, under the warning
    verifyEmailMessage; ``cooldown``: a resend refused, the seconds left in the error message instead
    (emailVerifySendCooldown); ``form``: the client asked for the action, so a button sends (or resends) the
    e-mail and another cancels, in place of the link."""
    return render(
        "login/verify_email.html",
        title=ui.text("emailVerifyTitle"),
        realm_display=realm_display,
        email=email,
        resend=resend,
        error=ui.text("emailVerifySendCooldown", cooldown) if cooldown is not None else None,
        form=form,
        ui=ui,
    )


def config_totp(
    realm_display: str,
    action: str,
    form_token: str,
    policy: otp.Policy,
    key_uri: str,
    secret: str,
    *,
    has_otp: bool,
    error: str | None = None,
    cancel: bool = False,
    mode: str | None = None,
    mode_urls: tuple[str, str] = ("", ""),
    ui: Language = ENGLISH,
) -> str:
    """login-config-totp.ftl: the apps, then the QR code of the ``otpauth://`` URI (an SVG ``data:`` URI drawn by
    segno) with the "Unable to scan?" link, or (``mode`` ``manual``) the same secret as text in Keycloak's groups
    of four with the policy's settings and the "Scan QR-Code?" link (``mode_urls``: the manual and the QR view);
    then the ``totp`` and ``userLabel`` fields (the device name required once the user has an OTP credential),
    the ``mode`` kept in a hidden field, the "Sign out from other devices" box (unchecked, as since Keycloak
    26.3), and ``cancelTOTPBtn`` (``cancel-aia``) when the client asked for the setup (``isAppInitiatedAction``)."""
    qr = segno.make(key_uri, error="m").svg_data_uri(scale=4, border=2)
    return render(
        "login/config_totp.html",
        title=ui.text("loginTotpTitle"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        policy=policy,
        algorithm=otp.algorithm_key(policy),
        apps=otp.supported_applications(policy),
        qr=qr,
        encoded=otp.encoded(secret),
        secret=secret,
        label_required=has_otp,
        error=error,
        cancel=cancel,
        mode=mode,
        manual_url=mode_urls[0],
        qr_url=mode_urls[1],
        ui=ui,
    )


def update_password(
    realm_display: str,
    action: str,
    form_token: str,
    error: str | None = None,
    *,
    cancel: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """login-update-password.ftl; ``cancel``: the client asked for it, so it may be cancelled (``cancel-aia``)."""
    return render(
        "login/update_password.html",
        title=ui.text("updatePasswordTitle"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        error=error,
        cancel=cancel,
        ui=ui,
    )


def update_email(
    realm_display: str,
    action: str,
    form_token: str,
    email: str,
    *,
    error: str | None = None,
    pending: str | None = None,
    cancel: bool = False,
    cooldown: int | None = None,
    ui: Language = ENGLISH,
) -> str:
    """update-email.ftl: the new address and "Sign out from other devices"; ``pending``: the address whose link
    is awaited (emailVerificationPending); ``cancel``: the client asked for it (``cancel-aia``); ``cooldown``:
    the seconds before another link may go (emailVerifySendCooldown, the page's error)."""
    return render(
        "login/update_email.html",
        title=ui.text("updateEmailTitle"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        email=email,
        error=error,
        pending=pending,
        cancel=cancel,
        cooldown=cooldown,
        ui=ui,
    )


def terms(realm_display: str, action: str, form_token: str, *, ui: Language = ENGLISH) -> str:
    """terms.ftl: the realm's terms (Keycloak's placeholder text), accept or decline."""
    return render(
        "login/terms.html",
        title=ui.text("termsTitle"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        ui=ui,
    )


def delete_credential(realm_display: str, action: str, form_token: str, label: str, *, ui: Language = ENGLISH) -> str:
    """delete-credential.ftl: "Delete {label}", confirmed with ``accept`` or declined with ``cancel-aia``."""
    return render(
        "login/delete_credential.html",
        title=ui.text("deleteCredentialTitle", label),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        label=label,
        ui=ui,
    )


def delete_account(
    realm_display: str,
    action: str,
    form_token: str,
    *,
    error: str | None = None,
    cancel: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """delete-account-confirm.ftl: what deleting implies, "Confirm deletion", and ``cancel-aia`` when the client
    asked for it (``triggered_from_aia``)."""
    return render(
        "login/delete_account.html",
        title=ui.text("deleteAccountConfirm"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        error=error,
        cancel=cancel,
        ui=ui,
    )

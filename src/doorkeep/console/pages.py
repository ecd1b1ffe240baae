"""The login pages, rendered from Jinja2 templates (``templates/login/``, ``templates/protocol/``) with autoescape:
every dynamic value is escaped.

Each login page is rendered in a ``Language`` (``console.i18n``): its texts, ``<html lang>`` and the locale
dropdown; English by default.

This module holds the pages of signing in and granting access: the login form, the reset-password request, the
OTP step, the consent screen, the device verification page and the identity-provider link pages. The others sit
beside it, and are importable from here too: ``required_action_pages``, ``profile_pages`` (update the profile,
register), ``message_pages`` (error, info, expired, code) and ``protocol_pages`` (logout, form_post, static)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.console.i18n import ENGLISH, Language
from doorkeep.console.message_pages import action_info, error, info, installed_app, page_expired
from doorkeep.console.messages import en
from doorkeep.console.profile_pages import ROOT_AUTOCOMPLETE, register, update_profile
from doorkeep.console.protocol_pages import (
    FORM_POST_SCRIPT,
    form_post,
    frontchannel_logout,
    logout_confirm,
    static_page,
)
from doorkeep.console.required_action_pages import (
    VerifyEmailForm,
    config_totp,
    delete_account,
    delete_credential,
    terms,
    update_email,
    update_password,
    verify_email,
)
from doorkeep.console.templating import render

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# The pages importable from here before they moved to the modules beside it.
__all__ = [
    "CONSENT_TEXTS",
    "FORM_POST_SCRIPT",
    "ROOT_AUTOCOMPLETE",
    "VerifyEmailForm",
    "action_info",
    "config_totp",
    "consent",
    "delete_account",
    "delete_credential",
    "device_code",
    "error",
    "form_post",
    "frontchannel_logout",
    "idp_link_confirm",
    "idp_link_email",
    "info",
    "installed_app",
    "login",
    "login_otp",
    "logout_confirm",
    "page_expired",
    "register",
    "reset_password",
    "static_page",
    "terms",
    "update_email",
    "update_password",
    "update_profile",
    "username_label",
    "verify_email",
]

# The consent-screen texts in English, as the Account REST API's ``displayText`` resolves them.
CONSENT_TEXTS = {f"${{{key}}}": text for key, text in en.MESSAGES.items() if key.endswith("ScopeConsentText")}


def login(
    realm_display: str,
    action: str,
    form_token: str,
    *,
    username: str = "",
    error: str | None = None,
    remember_me: bool = False,
    remember_me_checked: bool = False,
    reauthenticate: bool = False,
    register: str | None = None,
    reset: str | None = None,
    success: str | None = None,
    username_label: str = "usernameOrEmail",
    restart: str | None = None,
    ui: Language = ENGLISH,
    providers: Sequence[Mapping[str, str]] = (),
    info: str | None = None,
    stage: str = "",
    passkeys: str | None = None,
    another: str = "",
) -> str:
    """The login form (``reset``: the "Forgot Password?" link, ``success``: a message such as the reset
    e-mail's, ``info``: the message key of a forwarded info message); for a re-authentication it names the known
    user instead of asking for one, with the "Restart login" link ``restart`` beside it (template.ftl's
    ``reset-login``), and has no Remember me box (login.ftl's ``usernameHidden``); ``providers`` are the buttons
    of the realm's identity providers (``alias``, ``name``, ``url``, login.ftl's ``social.providers``). Its title
    is Keycloak's ``loginTitle`` ("Sign in to <realm>"), as i18n/LoginPageTest.acceptLanguageHeader reads it.
    ``stage``: an identity-first login's page, ``username`` (login-username.ftl: no password field) or
    ``password`` (login-password.ftl: the known user's password, with "Forgot Password?"). ``passkeys``: the
    options of passkeys.ftl's conditional UI (console/webauthn_pages.py ``passkeys``), None without it;
    ``another``: where "Try Another Way" posts (identity-first's choice of the password or the passkey), "": no link."""
    return render(
        "login/login.html",
        title=ui.text("loginTitle", realm_display),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        username=username,
        error=error,
        remember_me=remember_me,
        remember_me_checked=remember_me_checked,
        reauthenticate=reauthenticate,
        info=info,
        restart=restart,
        register=register,
        reset=reset,
        success=success,
        username_label=username_label,
        ui=ui,
        providers=providers,
        stage=stage,
        passkeys=passkeys,
        another=another,
    )


def username_label(login_with_email_allowed: bool, registration_email_as_username: bool) -> str:
    """login.ftl's label of the username field: ``username`` without loginWithEmailAllowed, ``email`` when users
    are named by their e-mail, ``usernameOrEmail`` otherwise."""
    if not login_with_email_allowed:
        return "username"
    return "email" if registration_email_as_username else "usernameOrEmail"


def reset_password(
    realm_display: str,
    action: str,
    form_token: str,
    *,
    login_url: str,
    with_email: bool,
    username: str = "",
    error: str | None = None,
    duplicate_emails: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """login-reset-password.ftl: the username (or e-mail, with loginWithEmailAllowed) to send the link to; the
    instruction names only the username while the realm allows duplicate e-mails."""
    return render(
        "login/reset_password.html",
        title=ui.text("emailForgotTitle"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        login_url=login_url,
        with_email=with_email,
        username=username,
        error=error,
        instruction="emailInstructionUsername" if duplicate_emails else "emailInstruction",
        ui=ui,
    )


def login_otp(
    realm_display: str,
    action: str,
    form_token: str,
    credentials: Sequence[tuple[str, str | None]],
    selected: str,
    error: str | None = None,
    *,
    username: str = "",
    restart: str = "",
    ui: Language = ENGLISH,
    info: str | None = None,
    another: str = "",
) -> str:
    """login-otp.ftl: the ``otp`` field, and a radio button per OTP credential (``selectedCredentialId``,
    labelled by its device name) when the user has more than one; above the form, template.ftl's attempted
    ``username`` with its "Restart login" link (``restart``: ``url.loginRestartFlowUrl``), and a forwarded info
    message (``info``, its message key); below it, template.ftl's "Try Another Way" posting to ``another``."""
    return render(
        "login/login_otp.html",
        title=ui.text("loginTitle", realm_display),
        realm_display=realm_display,
        username=username,
        restart=restart,
        action=action,
        form_token=form_token,
        credentials=[(cid, label or "unnamed") for cid, label in credentials] if len(credentials) > 1 else [],
        selected=selected,
        error=error,
        info=info,
        ui=ui,
        another=another,
    )


def consent(
    realm_display: str,
    action: str,
    form_token: str,
    client_name: str,
    scope_texts: list[str],
    *,
    client_links: Mapping[str, str] | None = None,
    ui: Language = ENGLISH,
) -> str:
    """The consent screen; a ``${key}`` scope text is the consent text of that key in the page's language.
    ``client_links`` are the client's ``logoUri``, ``tosUri`` and ``policyUri`` attributes, shown as
    login-oauth-grant.ftl shows them: the logo above the title, the two links under the scopes."""
    links = client_links or {}
    return render(
        "login/consent.html",
        title=ui.text("oauthGrantTitle", ui.display(client_name)),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        client_name=ui.display(client_name),
        scope_texts=[ui.display(t) for t in scope_texts],
        logo_uri=links.get("logoUri"),
        tos_uri=links.get("tosUri"),
        policy_uri=links.get("policyUri"),
        ui=ui,
    )


def device_code(realm_display: str, action: str, error: str | None = None, *, ui: Language = ENGLISH) -> str:
    """The device verification page: where the user types the code the device shows (RFC 8628 §3.3)."""
    return render(
        "login/device_code.html",
        title=ui.text("oauth2DeviceVerificationTitle"),
        realm_display=realm_display,
        action=action,
        error=error,
        ui=ui,
    )


def idp_link_confirm(
    realm_display: str,
    action: str,
    form_token: str,
    attribute: str,
    value: str,
    *,
    ui: Language = ENGLISH,
    hide_review: bool = False,
) -> str:
    """login-idp-link-confirm.ftl: "Account already exists", the account it matched as the page's error message
    (IdpConfirmLinkAuthenticator: ``setError``), "Review profile" (not with ``hide_review``, the template's
    ``hideReviewButton``) and "Add to existing account"."""
    return render(
        "login/idp_link_confirm.html",
        title=ui.text("confirmLinkIdpTitle"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        attribute=attribute,
        value=value,
        ui=ui,
        hide_review=hide_review,
    )


def idp_link_email(
    realm_display: str,
    action: str,
    provider: str,
    idp_username: str,
    *,
    form_token: str = "",
    another: str | None = None,
    ui: Language = ENGLISH,
) -> str:
    """login-idp-link-email.ftl: the link to ``provider``'s account ``idp_username`` was e-mailed; both "Click here"
    links are the login action (``url.loginAction``): the e-mail again, or on once the link was followed;
    ``another``: template.ftl's "Try Another Way" form (the step has an ALTERNATIVE)."""
    return render(
        "login/idp_link_email.html",
        form_token=form_token,
        another=another,
        title=ui.text("emailLinkIdpTitle", provider),
        realm_display=realm_display,
        action=action,
        provider=provider,
        idp_username=idp_username,
        ui=ui,
    )

"""The login, consent, logout, error and form_post pages, rendered from Jinja2 templates
(``templates/login/``, ``templates/protocol/``) with autoescape: every dynamic value is escaped.

Each login page is rendered in a ``Language`` (``console.i18n``): its texts, ``<html lang>`` and the locale
dropdown; English by default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import segno
from markupsafe import Markup

from doorkeep.console.i18n import ENGLISH, Language
from doorkeep.console.messages import en
from doorkeep.console.templating import render
from doorkeep.users import otp, profile_form

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from doorkeep.oauth.frontchannel_logout import Notice

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


def update_profile(
    realm_display: str,
    action: str,
    form_token: str,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    username_editable: bool,
    email_editable: bool,
    username_shown: bool | None = None,
    names: dict[str, tuple[bool, bool]] | None = None,
    cancel: bool = False,
    extra: list[dict[str, str]] | None = None,
    lists: dict[str, list[str]] | None = None,
    labels: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    review: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """login-update-profile.ftl (``review``: idp-review-user-profile.ftl, the first broker login's Review Profile,
    under its own title and without the info message): the user profile's fields the user may see (``extra``: the
    declared ones, ``users.declared.form_fields``; a read-only one rendered ``disabled`` with its value), each with
    its first error; a multivalued one has an input per value (``lists``); ``labels``: the root fields' labels where the
    configuration gives them. The fields follow ``config``'s order, groups and input types
    (``users.profile_form``). ``username_shown``: the username may be seen though not edited (then ``disabled``);
    by default it is shown only where it may be edited. ``names``: whether the user may view and edit firstName and
    lastName (``users.account_profile.root_permissions``; by default both), one seen but not editable ``disabled``."""
    seen = username_editable if username_shown is None else username_shown
    names = names or {}
    view = {n: names.get(n, (True, True))[0] for n in ("firstName", "lastName")}
    roots = _roots({"username": seen, "email": email_editable, **view}, labels or {})
    if seen and not username_editable:
        roots["username"]["readonly"] = "true"
    for name in (n for n in view if view[n] and not names.get(n, (True, True))[1]):
        roots[name]["readonly"] = "true"
    fields = profile_form.ordered(config or {}, list(extra or []), roots)
    return render(
        "login/update_profile.html",
        title=ui.text("loginIdpReviewProfileTitle" if review else "loginProfileTitle"),
        review=review,
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        values=values,
        errors=errors,
        username_editable=username_editable,
        email_editable=email_editable,
        cancel=cancel,
        extra=extra or [],
        lists=lists or {},
        labels=labels or {},
        fields=fields,
        helper=_helper_html,
        ui=ui,
    )


ROOT_AUTOCOMPLETE = {"username": "username", "email": "email", "firstName": "given-name", "lastName": "family-name"}


def _roots(shown: dict[str, bool], labels: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The root attributes a form shows, as ``profile_form.ordered`` takes them (a label the profile names, else
    the page's own message)."""
    roots: dict[str, dict[str, Any]] = {}
    for name, complete in ROOT_AUTOCOMPLETE.items():
        if shown[name]:
            label = labels.get(name) or "${" + name + "}"
            roots[name] = {"name": name, "label": label, "readonly": "", "multivalued": "", "autocomplete": complete}
    return roots


def _helper_html(text: str, ui: Language) -> Markup:
    """A helper text annotation (``${key}`` resolved) as the little HTML it may hold."""
    if text.startswith("${") and text.endswith("}"):
        text = ui.text(text[2:-1])
    return Markup(profile_form.helper_html(text))  # escaped, but for a few inline tags


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


def register(
    realm_display: str,
    action: str,
    form_token: str,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    email_as_username: bool,
    login_url: str,
    extra: list[dict[str, str]] | None = None,
    email_shown: bool = True,
    labels: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    heading: str | None = None,
    passwords: bool = True,
    terms: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """register.ftl (``heading``: its ``messageHeader`` where one is set; ``passwords``: its
    ``passwordRequired``, false where the password is set after the e-mail is verified; ``terms``: its
    ``termsAcceptanceRequired``, the terms and their checkbox after the fields): the values typed (never the
    passwords) and the first error of each field; ``extra``: the declared attributes' fields
    (``users.declared.form_fields``; a read-only one rendered ``disabled``);
    ``email_shown``: false where the user may not see the e-mail; ``labels``: the root fields' labels where the
    user profile names them (else the page's own). The fields follow ``config`` (``users.profile_form``), the
    passwords after the username (after the e-mail where it is the username)."""
    shown = {"username": not email_as_username, "email": email_shown, "firstName": True, "lastName": True}
    fields = profile_form.ordered(config or {}, list(extra or []), _roots(shown, labels or {}))
    return render(
        "login/register.html",
        title=heading or ui.text("registerTitle"),
        heading=heading,
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        values=values,
        errors=errors,
        email_as_username=email_as_username,
        email_shown=email_shown,
        labels=labels or {},
        login_url=login_url,
        extra=extra or [],
        fields=fields,
        helper=_helper_html,
        password_after=("email" if email_as_username else "username") if passwords else None,
        terms=terms,
        ui=ui,
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
    realm_display: str, action: str, form_token: str, attribute: str, value: str, *, ui: Language = ENGLISH
) -> str:
    """login-idp-link-confirm.ftl: "Account already exists", the account it matched as the page's error message
    (IdpConfirmLinkAuthenticator: ``setError``), "Review profile" and "Add to existing account"."""
    return render(
        "login/idp_link_confirm.html",
        title=ui.text("confirmLinkIdpTitle"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        attribute=attribute,
        value=value,
        ui=ui,
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


def error(realm_display: str, text: str, *, ui: Language = ENGLISH, back_uri: str | None = None) -> str:
    """error.ftl: the message, and "Back to Application" when the request named a client with a base URL."""
    title = ui.text("pageTitleError")
    return render("login/error.html", title=title, realm_display=realm_display, text=text, ui=ui, back_uri=back_uri)


def page_expired(realm_display: str, restart_uri: str, continue_uri: str, *, ui: Language = ENGLISH) -> str:
    """login-page-expired.ftl: "Page has expired", with "Click here" to restart the login and to continue it."""
    title = ui.text("pageExpiredTitle")
    return render(
        "login/page_expired.html",
        title=title,
        realm_display=realm_display,
        restart_uri=restart_uri,
        continue_uri=continue_uri,
        ui=ui,
    )


def installed_app(realm_display: str, code: str | None, error: str | None, *, ui: Language = ENGLISH) -> str:
    """code.ftl: the code to copy into an installed application, or the error it got (shown as text)."""
    title = ui.text("codeSuccessTitle") if code else ui.text("codeErrorTitle", error or "")
    return render("login/code.html", title=title, realm_display=realm_display, code=code, error=error, ui=ui)


def info(realm_display: str, title: str, text: str, *, action_uri: str | None = None, ui: Language = ENGLISH) -> str:
    """info.ftl: the message as its instruction, then "» Click here to proceed" when ``actionUri`` is set."""
    return render(
        "login/info.html",
        title=ui.translate(title),
        realm_display=realm_display,
        text=text,
        action_uri=action_uri,
        ui=ui,
    )


def action_info(
    realm_display: str,
    text: str,
    *,
    action_uri: str | None = None,
    back_uri: str | None = None,
    required_actions: Sequence[str] = (),
    header: str | None = None,
    ui: Language = ENGLISH,
) -> str:
    """Keycloak's info.ftl for an e-mailed link: the message, the actions it will run, then "» Click here to
    proceed" (``actionUri``) or "« Back to Application" (``pageRedirectUri``); ``header``: the page's
    ``messageHeader`` as its title, in place of the message."""
    return render(
        "login/action_info.html",
        title=header or text,
        realm_display=realm_display,
        text=text,
        action_uri=action_uri,
        back_uri=back_uri,
        required_actions=list(required_actions),
        ui=ui,
    )


def frontchannel_logout(
    realm_display: str, framed: Sequence[Notice], redirect: str | None, *, ui: Language = ENGLISH
) -> str:
    """Keycloak's frontchannel-logout.ftl: an iframe per front-channel client, then on to ``redirect``."""
    return render(
        "login/frontchannel_logout.html",
        title=ui.text("frontchannel-logout.title"),
        realm_display=realm_display,
        framed=framed,
        redirect=redirect,
        ui=ui,
    )


def logout_confirm(
    realm_display: str, action: str, form_token: str, hidden: dict[str, str], *, ui: Language = ENGLISH
) -> str:
    return render(
        "login/logout_confirm.html",
        title=ui.text("logoutConfirmTitle"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        hidden=hidden,
        ui=ui,
    )


# The form_post page's only script; its CSP allows exactly this text (by hash).
FORM_POST_SCRIPT = "document.forms[0].submit();"


def form_post(redirect_uri: str, params: dict[str, str]) -> str:
    """OAuth 2.0 Form Post Response Mode: an auto-submitting form."""
    return render("protocol/form_post.html", redirect_uri=redirect_uri, params=params, script=FORM_POST_SCRIPT)


def static_page(name: str) -> str:
    """A page with nothing dynamic in it (``templates/protocol/<name>``)."""
    return render(f"protocol/{name}")

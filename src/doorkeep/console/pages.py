"""The login, consent, logout, error and form_post pages, rendered from Jinja2 templates
(``templates/login/``, ``templates/protocol/``) with autoescape: every dynamic value is escaped."""

from __future__ import annotations

from doorkeep.console.templating import render

CONSENT_TEXTS = {
    "${profileScopeConsentText}": "User profile",
    "${emailScopeConsentText}": "Email address",
    "${addressScopeConsentText}": "Address",
    "${phoneScopeConsentText}": "Phone number",
    "${offlineAccessScopeConsentText}": "Offline Access",
    "${rolesScopeConsentText}": "User roles",
    "${organizationScopeConsentText}": "Organization",
}


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
) -> str:
    """The login form; for a re-authentication it names the known user instead of asking for one, and has no
    Remember me box (login.ftl's ``usernameHidden``)."""
    return render(
        "login/login.html",
        title="Sign in",
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        username=username,
        error=error,
        remember_me=remember_me,
        remember_me_checked=remember_me_checked,
        reauthenticate=reauthenticate,
    )


def update_password(realm_display: str, action: str, form_token: str, error: str | None = None) -> str:
    return render(
        "login/update_password.html",
        title="Update password",
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        error=error,
    )


def consent(realm_display: str, action: str, form_token: str, client_name: str, scope_texts: list[str]) -> str:
    return render(
        "login/consent.html",
        title="Grant access",
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        client_name=client_name,
        scope_texts=[CONSENT_TEXTS.get(t, t) for t in scope_texts],
    )


def device_code(realm_display: str, action: str, error: str | None = None) -> str:
    """The device verification page: where the user types the code the device shows (RFC 8628 §3.3)."""
    return render(
        "login/device_code.html", title="Device Login", realm_display=realm_display, action=action, error=error
    )


def error(realm_display: str, text: str) -> str:
    return render("login/error.html", title="Error", realm_display=realm_display, text=text)


def info(realm_display: str, title: str, text: str) -> str:
    return render("login/info.html", title=title, realm_display=realm_display, text=text)


def logout_confirm(realm_display: str, action: str, form_token: str, hidden: dict[str, str]) -> str:
    return render(
        "login/logout_confirm.html",
        title="Logging out",
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        hidden=hidden,
    )


# The form_post page's only script; its CSP allows exactly this text (by hash).
FORM_POST_SCRIPT = "document.forms[0].submit();"


def form_post(redirect_uri: str, params: dict[str, str]) -> str:
    """OAuth 2.0 Form Post Response Mode: an auto-submitting form."""
    return render("protocol/form_post.html", redirect_uri=redirect_uri, params=params, script=FORM_POST_SCRIPT)


def static_page(name: str) -> str:
    """A page with nothing dynamic in it (``templates/protocol/<name>``)."""
    return render(f"protocol/{name}")

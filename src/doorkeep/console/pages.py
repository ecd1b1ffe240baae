"""HTML for the login, consent, logout and error pages. Every dynamic value is escaped here."""

from __future__ import annotations

from html import escape

CONSENT_TEXTS = {
    "${profileScopeConsentText}": "User profile",
    "${emailScopeConsentText}": "Email address",
    "${addressScopeConsentText}": "Address",
    "${phoneScopeConsentText}": "Phone number",
    "${offlineAccessScopeConsentText}": "Offline Access",
    "${rolesScopeConsentText}": "User roles",
    "${organizationScopeConsentText}": "Organization",
}

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f3f4f6;margin:0;color:#111}
main{max-width:380px;margin:8vh auto;background:#fff;padding:2rem 2.2rem;border-radius:10px;
box-shadow:0 2px 14px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 .4rem} .realm{color:#6b7280;font-size:.9rem;margin-bottom:1.4rem}
label{display:block;font-size:.9rem;margin:.9rem 0 .3rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #d1d5db;
border-radius:6px;font-size:1rem}
button{margin-top:1.3rem;width:100%;padding:.7rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;
font-size:1rem;cursor:pointer} button.secondary{background:#e5e7eb;color:#111}
.error{background:#fee2e2;color:#991b1b;padding:.6rem .8rem;border-radius:6px;font-size:.9rem}
.info{background:#e0f2fe;color:#075985;padding:.6rem .8rem;border-radius:6px;font-size:.9rem}
ul{padding-left:1.2rem} .remember{display:flex;gap:.4rem;align-items:center;margin-top:.8rem;font-size:.9rem}
"""


def page(title: str, realm_display: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
        f"<div class=\"realm\">{escape(realm_display)}</div>{body}</main></body></html>"
    )


def message(kind: str, text: str | None) -> str:
    return f'<div id="input-error" class="{kind}">{escape(text)}</div>' if text else ""


def login(realm_display: str, action: str, form_token: str, *, username: str = "", error: str | None = None,
          remember_me: bool = False) -> str:
    remember = (
        '<label class="remember"><input type="checkbox" id="rememberMe" name="rememberMe"> Remember me</label>'
        if remember_me else ""
    )
    body = (
        f"<h1 id=\"kc-page-title\">Sign in to your account</h1>{message('error', error)}"
        f"<form id=\"kc-form-login\" method=\"post\" action=\"{escape(action)}\">"
        f"<input type=\"hidden\" name=\"session_code\" value=\"{escape(form_token)}\">"
        "<label for=\"username\">Username or email</label>"
        f"<input type=\"text\" id=\"username\" name=\"username\" value=\"{escape(username)}\" autofocus "
        "autocomplete=\"username\">"
        "<label for=\"password\">Password</label>"
        "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\">"
        f"{remember}<button type=\"submit\" id=\"kc-login\" name=\"login\">Sign In</button></form>"
    )
    return page("Sign in", realm_display, body)


def update_password(realm_display: str, action: str, form_token: str, error: str | None = None) -> str:
    body = (
        f"<h1 id=\"kc-page-title\">Update password</h1>{message('info', 'You need to change your password.')}"
        f"{message('error', error)}"
        f"<form id=\"kc-passwd-update-form\" method=\"post\" action=\"{escape(action)}\">"
        f"<input type=\"hidden\" name=\"session_code\" value=\"{escape(form_token)}\">"
        "<label for=\"password-new\">New password</label>"
        "<input type=\"password\" id=\"password-new\" name=\"password-new\" autocomplete=\"new-password\">"
        "<label for=\"password-confirm\">Confirm password</label>"
        "<input type=\"password\" id=\"password-confirm\" name=\"password-confirm\" autocomplete=\"new-password\">"
        "<button type=\"submit\" id=\"kc-submit\">Submit</button></form>"
    )
    return page("Update password", realm_display, body)


def consent(realm_display: str, action: str, form_token: str, client_name: str, scope_texts: list[str]) -> str:
    items = "".join(f"<li>{escape(CONSENT_TEXTS.get(t, t))}</li>" for t in scope_texts)
    body = (
        f"<h1 id=\"kc-page-title\">Grant access to {escape(client_name)}</h1>"
        f"<p>{escape(client_name)} would like to:</p><ul id=\"kc-oauth\">{items}</ul>"
        f"<form method=\"post\" action=\"{escape(action)}\">"
        f"<input type=\"hidden\" name=\"session_code\" value=\"{escape(form_token)}\">"
        "<button type=\"submit\" id=\"kc-login\" name=\"accept\" value=\"yes\">Yes</button>"
        "<button type=\"submit\" class=\"secondary\" id=\"kc-cancel\" name=\"cancel\" value=\"no\">No</button>"
        "</form>"
    )
    return page("Grant access", realm_display, body)


def error(realm_display: str, text: str) -> str:
    return page("Error", realm_display,
                f"<h1 id=\"kc-page-title\">We are sorry...</h1><p id=\"kc-error-message\" class=\"error\">"
                f"{escape(text)}</p>")


def info(realm_display: str, title: str, text: str) -> str:
    body = f"<h1 id=\"kc-page-title\">{escape(title)}</h1><p class=\"info\">{escape(text)}</p>"
    return page(title, realm_display, body)


def logout_confirm(realm_display: str, action: str, form_token: str, hidden: dict[str, str]) -> str:
    fields = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in hidden.items())
    body = (
        "<h1 id=\"kc-page-title\">Logging out</h1><p>Do you want to log out?</p>"
        f"<form method=\"post\" action=\"{escape(action)}\">"
        f"<input type=\"hidden\" name=\"session_code\" value=\"{escape(form_token)}\">{fields}"
        "<input type=\"hidden\" name=\"confirm\" value=\"true\">"
        "<button type=\"submit\" id=\"kc-logout\" name=\"confirmLogout\">Logout</button></form>"
    )
    return page("Logging out", realm_display, body)


# The form_post page's only script; its CSP allows exactly this text (by hash).
FORM_POST_SCRIPT = "document.forms[0].submit();"


def form_post(redirect_uri: str, params: dict[str, str]) -> str:
    """OAuth 2.0 Form Post Response Mode: an auto-submitting form."""
    fields = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items())
    return (
        "<!DOCTYPE html><html><head><title>Submit This Form</title></head><body>"
        f"<form method=\"post\" action=\"{escape(redirect_uri)}\">{fields}"
        "<noscript><button type=\"submit\">Continue</button></noscript></form>"
        f"<script>{FORM_POST_SCRIPT}</script></body></html>"
    )

"""The pages that only tell the user something, with at most a link on: the error page, "Page has expired", the
installed application's code, and the info pages (Keycloak's error.ftl, login-page-expired.ftl, code.ftl,
info.ftl), rendered with autoescape."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.console.i18n import ENGLISH, Language
from doorkeep.console.templating import render

if TYPE_CHECKING:
    from collections.abc import Sequence


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

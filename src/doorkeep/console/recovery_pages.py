"""The login pages of recovery authentication codes and of "Try Another Way": login-recovery-authn-code-input.ftl,
login-recovery-authn-code-config.ftl and select-authenticator.ftl, rendered with autoescape; and the organization
step's select-organization.ftl."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.console.i18n import ENGLISH, Language
from doorkeep.console.templating import render

if TYPE_CHECKING:
    from collections.abc import Sequence


def recovery_code(
    realm_display: str,
    action: str,
    form_token: str,
    number: int,
    *,
    error: str | None = None,
    username: str = "",
    restart: str = "",
    another: str = "",
    ui: Language = ENGLISH,
) -> str:
    """The page asking for the code number ``number`` in ``recoveryCodeInput``; ``error``: a message key;
    ``another``: where "Try Another Way" posts (none: no link)."""
    return render(
        "login/login_recovery_code.html",
        title=ui.text("auth-recovery-code-header"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        number=number,
        error=error,
        username=username,
        restart=restart,
        another=another,
        ui=ui,
    )


def select_authenticator(
    realm_display: str,
    action: str,
    form_token: str,
    options: Sequence[tuple[str, str, str]],
    *,
    username: str = "",
    restart: str = "",
    ui: Language = ENGLISH,
) -> str:
    """The list of steps to choose from: a button per ``(execution id, display name key, help text key)``, each
    posting its ``authenticationExecution``."""
    return render(
        "login/select_authenticator.html",
        title=ui.text("loginChooseAuthenticator"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        options=list(options),
        username=username,
        restart=restart,
        ui=ui,
    )


def select_organization(
    realm_display: str,
    action: str,
    form_token: str,
    organizations: Sequence[tuple[str, str]],
    *,
    ui: Language = ENGLISH,
) -> str:
    """select-organization.ftl: a button per ``(alias, name)`` of the user's organizations, posting ``kc.org``."""
    return render(
        "login/select_organization.html",
        title=ui.text("loginTitle", realm_display),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        organizations=list(organizations),
        ui=ui,
    )


def recovery_codes_setup(
    realm_display: str,
    action: str,
    form_token: str,
    codes: Sequence[str],
    generated_at: str,
    *,
    cancel: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """CONFIGURE_RECOVERY_AUTHN_CODES's page: the codes (grouped for reading), the "I have saved these codes"
    box, "Sign out from other devices", and ``cancel-aia`` when the client asked for the action."""
    return render(
        "login/recovery_codes_setup.html",
        title=ui.text("recovery-code-config-header"),
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        codes=list(codes),
        generated_at=generated_at,
        cancel=cancel,
        ui=ui,
    )

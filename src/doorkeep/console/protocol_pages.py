"""The pages of the protocol's own endpoints rather than of a login: the logout confirmation and the front-channel
logout (logout-confirm.ftl, frontchannel-logout.ftl), the form_post response mode's auto-submitting form, and the
static pages of ``templates/protocol/``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.console.i18n import ENGLISH, Language
from doorkeep.console.templating import render

if TYPE_CHECKING:
    from collections.abc import Sequence

    from doorkeep.oauth.frontchannel_logout import Notice


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

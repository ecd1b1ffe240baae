"""Account Console → Account security → Linked accounts (Keycloak 26's LinkedAccounts.tsx and AccountRow.tsx): the
providers the user is linked to and those they may link (users/linked_accounts.py), "Link account" as a sign-in to
this console with ``kc_action=idp_link:{alias}`` (AccountRow's ``login({action})``; the provider's round trip, then
back here), and "Unlink account" after a confirm step, as ``DELETE /account/linked-accounts/{alias}`` does it
(broker/account_links.unlink: manage-account, never the last way in of a user without a password)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.broker import account_links
from doorkeep.broker.linking import MANAGE_LINKS
from doorkeep.oauth.required_actions import IDP_LINK
from doorkeep.users import linked_accounts
from doorkeep.users.account import MANAGE_ACCOUNT
from doorkeep.web.console import signin
from doorkeep.web.console.account_base import CONSOLE, LINKED, Refused, as_user, said
from doorkeep.web.console.base import Page

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx
    from doorkeep.users.account import Caller


async def _found(tx: Tx, caller: Caller) -> dict[str, Any]:
    lists = await linked_accounts.console_lists(tx, caller)
    may_link = bool(caller.roles & {MANAGE_ACCOUNT, MANAGE_LINKS})
    return {"lists": lists, "may_link": may_link, "may_unlink": MANAGE_ACCOUNT in caller.roles}


@CONSOLE.page(LINKED)
async def linked(page: Page) -> Response:
    try:
        found = await as_user(page, _found)
    except Refused as refused:
        return page.error(said(page, refused), refused.err.status)
    return page.render(
        "console/account/linked_accounts.html", title=page.speech.t("linkedAccounts"), path=LINKED, **found
    )


@CONSOLE.action(LINKED + "/{alias:str}/link")
async def link(page: Page) -> Response:
    """ "Link account": only for a provider the page offers to link, for a user holding manage-account or
    manage-account-links (IdpLinkAction's check); the login asks the user to confirm, goes to
    the provider and comes back here with ``kc_action_status``. The POST carries the console's CSRF token."""
    alias = page.request.path_params["alias"]
    try:
        found = await as_user(page, _found)
    except Refused as refused:
        return page.redirect(LINKED, flash=said(page, refused), kind="error")
    if not found["may_link"]:  # what the idp_link action would refuse, refused before the round trip
        return page.redirect(LINKED, flash=page.speech.t("notAllowed"), kind="error")
    if not any(rep["providerAlias"] == alias for rep in found["lists"].unlinked):
        return page.redirect(LINKED, flash=page.speech.t("noSuchAction"), kind="error")
    return await signin.start(page.request, page.realm, CONSOLE.spec, page.url(LINKED), kc_action=f"{IDP_LINK}:{alias}")


@CONSOLE.page(LINKED + "/{alias:str}/unlink")
async def confirm_unlink(page: Page) -> Response:
    alias = page.request.path_params["alias"]
    t = page.speech.t
    return page.confirm(
        title=t("unLink"),
        button=t("unLink"),
        cancel=LINKED,
        question=t("unLinkQuestion", alias),
        action=f"{LINKED}/{quote(alias, safe='')}/unlink",
    )


@CONSOLE.action(LINKED + "/{alias:str}/unlink")
async def unlink(page: Page) -> Response:
    alias = page.request.path_params["alias"]
    try:
        await as_user(page, lambda tx, caller: account_links.unlink(tx, caller, alias), write=True)
    except Refused as refused:
        text = page.speech.t(_REFUSALS[refused.text]) if refused.text in _REFUSALS else said(page, refused)
        return page.redirect(LINKED, flash=text, kind="error")
    return page.redirect(LINKED, flash=page.speech.t("unLinkSuccess"))


# The unlink's refusals that the account theme translates (LinkedAccountsResource.translateErrorMessage), by text
_REFUSALS = {
    account_links.LAST_PROVIDER.message: "federatedIdentityRemovingLastProviderMessage",
    account_links.LINK_NOT_ACTIVE.message: "federatedIdentityNotActiveMessage",
    account_links.PROVIDER_NOT_FOUND.message: "identityProviderNotFoundMessage",
}

"""Account Console → Organizations (Keycloak 26's account Organizations.tsx): the organizations the signed-in user
belongs to, as ``GET /account/organizations`` lists them (users/account_resources.organizations: manage-account or
view-profile). Shown in the navigation while the realm has organizations on; read-only, as Keycloak's page is.
A request asking for JSON (or carrying a Bearer token) at that URL still gets the REST answer."""

from __future__ import annotations

from starlette.responses import Response

from doorkeep.users import account_resources
from doorkeep.web import account as rest
from doorkeep.web.console.account_base import CONSOLE, ORGANIZATIONS, Refused, as_user, said
from doorkeep.web.console.base import Page


@CONSOLE.page(ORGANIZATIONS, json=rest.organizations)  # the same URL as the Account REST's list
async def organizations(page: Page) -> Response:
    if not page.realm.organizations_enabled:
        return page.error(page.speech.t("noSuchAction"), 404)
    try:
        found = await as_user(page, account_resources.organizations)
    except Refused as refused:
        return page.error(said(page, refused), refused.err.status)
    return page.render(
        "console/account/organizations.html",
        title=page.speech.t("organizations"),
        organizations=found,
    )

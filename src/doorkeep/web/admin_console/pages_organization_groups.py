"""Page: Organizations → an organization's Groups tab (Keycloak 26.6): its group tree, each group with its path and
number of members, searchable by name. Groups are made and changed through the Admin REST (``organizations/{id}/
groups``); this tab only shows them."""

from __future__ import annotations

from starlette.responses import Response

from doorkeep.web.admin_console import views_organization_groups as views
from doorkeep.web.admin_console.console import ADMIN, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.pages_organizations import ONE, org_tab
from doorkeep.web.admin_console.views_organizations import organization
from doorkeep.web.console.base import Page


@ADMIN.page("/{target}" + ONE + "/groups")
async def listing(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        search = page.request.query_params.get("search", "").strip()[:255]
        found = await views.groups(c, org, search)
        return await org_tab(page, c, org, "Groups", "admin/organization_groups.html", found=found, search=search)

    return await run(page, work)

"""Pages: Organizations → an organization's Members tab (list, Add realm users, Remove after a confirm step)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.errors import AdminError
from doorkeep.web.admin_console import views_organization_members as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.pages_organizations import ONE, here, org_tab
from doorkeep.web.admin_console.views_organizations import organization
from doorkeep.web.console.base import Page

TAB = "/members"


@ADMIN.page("/{target}" + ONE + TAB)
async def members(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        found = await views.members(c, org, search, first, size)
        return await org_tab(
            page, c, org, "Members", "admin/organization_members.html", page_=found, search=search, adding=False
        )

    return await run(page, work)


@ADMIN.page("/{target}" + ONE + TAB + "/add")
async def add_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        found = await views.candidates(c, org, search, first, size)
        return await org_tab(
            page, c, org, "Members", "admin/organization_members.html", page_=found, search=search, adding=True
        )

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + TAB + "/add")
async def add(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        try:
            added = await views.add(c, org, page.form.all("id"))
        except AdminError as err:
            return page.redirect(here(c, org, TAB + "/add"), flash=err.message, kind="error")
        return page.redirect(here(c, org, TAB), flash=f"Added to {org.name}: {', '.join(added)}.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + TAB + "/{user}/remove")
async def remove(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        user_id = page.request.path_params["user"]
        back = here(c, org, TAB)
        if not confirmed(page):
            return page.confirm(
                title="Remove member?",
                question=f"Remove this user from the organization {org.name}? The user stays in the realm.",
                action=f"{back}/{quote(user_id, safe='')}/remove",
                button="Remove",
                cancel=back,
                fields={"confirmed": "yes"},
            )
        try:
            await views.remove(c, org, user_id)
        except AdminError as err:
            return page.redirect(back, flash=err.message, kind="error")
        return page.redirect(back, flash="The member has been removed.")

    return await run(page, work, write=True)

"""Pages: Organizations → an organization's Domains tab (the domains with their routing, Edit)."""

from __future__ import annotations

from starlette.responses import Response

from doorkeep.organizations.model import Organization
from doorkeep.web.admin_console import views_organization_domains as views
from doorkeep.web.admin_console.console import ADMIN, fields, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_organizations import ONE, here, org_tab
from doorkeep.web.admin_console.views_organizations import organization
from doorkeep.web.console.base import Page

TAB = "/domains"


async def _tab(page: Page, c: Console, org: Organization, form: FormState, status: int = 200) -> Response:
    return await org_tab(
        page,
        c,
        org,
        "Domains",
        "admin/organization_domains.html",
        status=status,
        form=form,
        domains=views.rows(c, org),
        providers=views.providers(c, org),
    )


@ADMIN.page("/{target}" + ONE + TAB)
async def domains(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        return await _tab(page, c, org, views.form_of(org, page.request.query_params.get("edit", "")))

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + TAB + "/save")
async def save(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        try:
            name = await views.save(c, org, fields(page))
        except FormErrors as err:
            return await _tab(page, c, org, err.state, 400)
        return page.redirect(here(c, org, TAB), flash=f"The domain {name} has been saved.")

    return await run(page, work, write=True)

"""Pages: Organizations → an organization's Identity providers tab (list, Link identity provider, Unlink after a
confirm step)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.broker import providers as idp
from doorkeep.organizations.model import Organization
from doorkeep.web.admin_console import views_organization_idps as views
from doorkeep.web.admin_console.console import ADMIN, fields, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_organizations import ONE, after_confirming, here, org_tab
from doorkeep.web.admin_console.views_organizations import organization
from doorkeep.web.console.base import Page

TAB = "/identity-providers"


async def _tab(page: Page, c: Console, org: Organization, form: FormState, status: int = 200) -> Response:
    linked = views.tab(c, org)
    return await org_tab(
        page,
        c,
        org,
        "Identity providers",
        "admin/organization_idps.html",
        status=status,
        form=form,
        linked=linked,
        available=views.offered(c, org),
        links=views.links(c, org),
        editable=c.can(views.MANAGE_IDPS),
    )


@ADMIN.page("/{target}" + ONE + TAB)
async def providers(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        editing = page.request.query_params.get("edit", "")
        rows = views.tab(c, org)
        form = views.form_of(rows, editing, views.links(c, org).get(editing)) if editing else views.form_of([], "")
        return await _tab(page, c, org, form)

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + TAB + "/link")
async def link(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        try:
            alias = await views.link(c, org, fields(page))
        except FormErrors as err:
            return await _tab(page, c, org, err.state, 400)
        name = idp.display_name(c.realm, alias)
        return page.redirect(here(c, org, TAB), flash=f"{name} is linked to {org.name} as shown.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + TAB + "/{alias}/unlink")
async def unlink(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        alias = page.request.path_params["alias"]
        back = here(c, org, TAB)
        name = idp.display_name(c.realm, alias)
        return await after_confirming(
            page,
            title="Unlink identity provider?",
            question=f"Unlink {name} from {org.name}? It stays in the realm.",
            action=f"{back}/{quote(alias, safe='')}/unlink",
            back=back,
            write=lambda: views.unlink(c, org, alias),
            done="The identity provider has been unlinked.",
        )

    return await run(page, work, write=True)

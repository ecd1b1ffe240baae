"""Pages: Users → a user's Identity provider links tab (list, Link account, Unlink after a confirm step)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import User
from doorkeep.web.admin_console import views_user_links as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_users import user_path, user_tab
from doorkeep.web.admin_console.views_users import user
from doorkeep.web.console.base import Page

TAB = "/identity-provider-links"


async def _tab(page: Page, c: Console, u: User, form: FormState, status: int = 200) -> Response:
    linked, available = await views.tab(c, u)
    return await user_tab(
        page,
        c,
        u,
        "Identity provider links",
        "admin/user_links.html",
        status=status,
        form=form,
        linked=linked,
        available=available,
        editable=c.can("manage-users"),
        here=user_path(c, u, TAB),
    )


@ADMIN.page("/{target}/users/{id}" + TAB)
async def links(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await user(c, page.request.path_params["id"])
        return await _tab(page, c, u, FormState())

    return await run(page, work)


@ADMIN.action("/{target}/users/{id}" + TAB + "/link")
async def link(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await user(c, page.request.path_params["id"])
        try:
            alias = await views.link(c, u, fields(page))
        except FormErrors as err:
            return await _tab(page, c, u, err.state, 400)
        name = idp.display_name(c.realm, alias)
        return page.redirect(user_path(c, u, TAB), flash=f"{u.username} is linked to {name}.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}/users/{id}" + TAB + "/{alias}/unlink")
async def unlink(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await user(c, page.request.path_params["id"])
        c.require("manage-users")
        alias = page.request.path_params["alias"]
        here = user_path(c, u, TAB)
        name = idp.display_name(c.realm, alias)
        if not confirmed(page):
            return page.confirm(
                title=f"Unlink account from {name}?",
                question=f"Are you sure you want to permanently unlink this account from {name}?",
                action=f"{here}/{quote(alias, safe='')}/unlink",
                button="Unlink",
                cancel=here,
                fields={"confirmed": "yes"},
            )
        try:
            await views.unlink(c, u, alias)
        except AdminError as err:
            return page.redirect(here, flash=err.message, kind="error")
        return page.redirect(here, flash="The provider link has been removed.")

    return await run(page, work, write=True)

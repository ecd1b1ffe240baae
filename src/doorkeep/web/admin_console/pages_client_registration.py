"""Pages: Clients → Client registration (the realm's initial access tokens: create, shown once; list; delete)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.web.admin_console import views_client_registration as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, render, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.forms import FormErrors, FormState, shown
from doorkeep.web.admin_console.pages_clients import NO_STORE
from doorkeep.web.console.base import Page

HERE = "/client-registration"


async def _show(page: Page, c: Console, form: FormState, status: int = 200, **context: Any) -> Response:
    first, size = paging(page.request.query_params)
    return await render(
        page,
        c,
        "admin/client_registration.html",
        title="Clients",
        section="Clients",
        status=status,
        tabs=[("Clients list", f"/{quote(c.realm.name, safe='')}/clients"), ("Client registration", _here(c))],
        tab="Client registration",
        form=form,
        expiration=views.EXPIRATION,
        page_=await views.tokens(c, first, size),
        editable=c.can("manage-clients"),
        **context,
    )


def _here(c: Console) -> str:
    return f"/{quote(c.realm.name, safe='')}{HERE}"


def _empty() -> FormState:
    return FormState({views.EXPIRATION.name: shown(86400), views.COUNT: "1"})


@ADMIN.page("/{target}" + HERE)
async def client_registration(page: Page) -> Response:
    async def work(c: Console) -> Response:
        return await _show(page, c, _empty())

    return await run(page, work)


@ADMIN.action("/{target}" + HERE + "/create")
async def create(page: Page) -> Response:
    async def work(c: Console) -> Response:
        try:
            made = await views.create(c, page.request, fields(page))
        except FormErrors as err:
            return await _show(page, c, err.state, 400)
        response = await _show(page, c, _empty(), created=made)  # the token, this once: never cached
        response.headers.update(NO_STORE)
        return response

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + HERE + "/{id}/delete")
async def delete(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-clients")
        token_id = page.request.path_params["id"]
        if not confirmed(page):
            return page.confirm(
                title="Delete initial access token?",
                question="Delete this initial access token? Clients can no longer register with it.",
                action=f"{_here(c)}/{quote(token_id, safe='')}/delete",
                button="Delete",
                cancel=_here(c),
                fields={"confirmed": "yes"},
            )
        await views.delete(c, token_id)
        return page.redirect(_here(c), flash="Initial access token deleted.")

    return await run(page, work, write=True)

"""Pages: Clients (list and search), and per client Settings, Sessions, Offline Access, Advanced and its secret."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.model import Client
from doorkeep.web.admin_console import request_object_fields
from doorkeep.web.admin_console import views_clients as views
from doorkeep.web.admin_console.console import ADMIN, fields, render, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.views_sessions import client_sessions
from doorkeep.web.console.base import Page

TABS = (
    ("Settings", ""),
    ("Sessions", "/sessions"),
    ("Offline Access", "/offline-access"),
    ("Advanced", "/advanced"),
    ("Revocation triggers", "/revocation-triggers"),  # pages_revocation_triggers.py
)
NO_STORE = {"Cache-Control": "no-store"}


@ADMIN.page("/{target}/clients")
async def clients(page: Page) -> Response:
    async def work(c: Console) -> Response:
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        found = await views.list_clients(c, search, first, size)
        return await render(
            page,
            c,
            "admin/clients.html",
            title="Clients",
            section="Clients",
            page_=found,
            search=search,
            may_list=c.can("view-clients"),
        )

    return await run(page, work)


def _path(c: Console, cl: Client, tab: str = "") -> str:
    return f"/{quote(c.realm.name, safe='')}/clients/{quote(cl.id, safe='')}{tab}"


async def _tab(
    page: Page, c: Console, cl: Client, tab: str, template: str, status: int = 200, **context: Any
) -> Response:
    return await render(
        page,
        c,
        template,
        title=f"Client {cl.client_id}",
        section="Clients",
        status=status,
        client=cl,
        tabs=[(label, _path(c, cl, p)) for label, p in TABS],
        tab=tab,
        **context,
    )


async def _settings(
    page: Page, c: Console, cl: Client, form: FormState, *, secret: str | None = None, status: int = 200
) -> Response:
    response = await _tab(
        page,
        c,
        cl,
        "Settings",
        "admin/client_settings.html",
        status,
        form=form,
        editable=c.can("manage-clients"),
        secret=secret,
        has_secret=not (cl.public_client or cl.bearer_only),
    )
    if secret is not None:
        response.headers.update(NO_STORE)
    return response


@ADMIN.page("/{target}/clients/{id}")
async def settings(page: Page) -> Response:
    async def work(c: Console) -> Response:
        cl = await views.client(c, page.request.path_params["id"])
        return await _settings(page, c, cl, views.settings_form(cl))

    return await run(page, work)


@ADMIN.action("/{target}/clients/{id}")
async def save_settings(page: Page) -> Response:
    async def work(c: Console) -> Response:
        cl = await views.client(c, page.request.path_params["id"])
        c.require("manage-clients")
        new = views.read_settings(cl, fields(page))
        try:
            views.check_settings(new)
            await views.save(c, cl, new)
        except FormErrors as err:
            state_ = FormState(views.settings_form(new).values, err.state.errors)
            return await _settings(page, c, cl, state_, status=400)
        return page.redirect(_path(c, cl), flash="Client settings saved.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}/clients/{id}/secret")
async def show_secret(page: Page) -> Response:
    """The secret is shown only on this explicit (CSRF-protected) request, in a masked field, never cached."""

    async def work(c: Console) -> Response:
        cl = await views.client(c, page.request.path_params["id"])
        return await _settings(page, c, cl, views.settings_form(cl), secret=await views.secret(c, cl) or "")

    return await run(page, work)


def _sessions_tab(label: str, offline: bool) -> None:
    path = dict(TABS)[label]

    async def tab(page: Page) -> Response:
        async def work(c: Console) -> Response:
            cl = await views.client(c, page.request.path_params["id"])
            first, size = paging(page.request.query_params)
            found = await client_sessions(c, cl, offline, first, size)
            return await _tab(
                page,
                c,
                cl,
                label,
                "admin/client_sessions.html",
                page_=found,
                offline=offline,
                here=_path(c, cl, path),
                may_sign_out=c.can("manage-users"),
            )

        return await run(page, work)

    ADMIN.page("/{target}/clients/{id}" + path)(tab)


_sessions_tab("Sessions", False)
_sessions_tab("Offline Access", True)


@ADMIN.page("/{target}/clients/{id}/advanced")
async def advanced(page: Page) -> Response:
    async def work(c: Console) -> Response:
        cl = await views.client(c, page.request.path_params["id"])
        return await _tab(
            page,
            c,
            cl,
            "Advanced",
            "admin/client_advanced.html",
            form=views.advanced_form(cl),
            fields=views.ADVANCED,
            editable=c.can("manage-clients"),
            request_object_algs=request_object_fields.ALGORITHMS,
            request_object_required=request_object_fields.REQUIRED_CHOICES,
        )

    return await run(page, work)


@ADMIN.action("/{target}/clients/{id}/advanced")
async def save_advanced(page: Page) -> Response:
    async def work(c: Console) -> Response:
        cl = await views.client(c, page.request.path_params["id"])
        c.require("manage-clients")
        try:
            await views.save(c, cl, views.read_advanced(cl, fields(page)))
        except FormErrors as err:
            return await _tab(
                page,
                c,
                cl,
                "Advanced",
                "admin/client_advanced.html",
                400,
                form=err.state,
                fields=views.ADVANCED,
                editable=True,
                request_object_algs=request_object_fields.ALGORITHMS,
                request_object_required=request_object_fields.REQUIRED_CHOICES,
            )
        return page.redirect(_path(c, cl, "/advanced"), flash="Advanced settings saved.")

    return await run(page, work, write=True)

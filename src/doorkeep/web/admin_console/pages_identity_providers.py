"""Pages: Identity providers (view-identity-providers to read, manage-identity-providers to change, as
``identity-provider/instances``): the list, adding an OpenID Connect provider (by its fields, or prefilled from
its discovery document as ``import-config`` reads it), an OAuth v2 or a GitHub one (``add?type=``), a provider's
settings, its Enabled switch and deleting it; its mappers are pages_idp_mappers.py."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.broker import admin_writes
from doorkeep.errors import AdminError
from doorkeep.model import JSON
from doorkeep.web.admin_console import views_identity_providers as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, render, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.broker_links import broker_url
from doorkeep.web.console.base import Page
from doorkeep.web.http import base_url

LIST = "/identity-providers"
ADD = LIST + "/add"
ONE = LIST + "/instances/{alias}"
SECTION = "Identity providers"


def here(c: Console, path: str = LIST, alias: str = "") -> str:
    return f"/{quote(c.realm.name, safe='')}" + path.replace("{alias}", quote(alias, safe=""))


def provider_tabs(c: Console, alias: str) -> list[tuple[str, str]]:
    return [("Settings", here(c, ONE, alias)), ("Mappers", here(c, ONE + "/mappers", alias))]


@ADMIN.page("/{target}" + LIST)
async def provider_list(page: Page) -> Response:
    async def work(c: Console) -> Response:
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        found = await views.listed(c, search, first, size)
        return await render(
            page,
            c,
            "admin/identity_providers.html",
            title=SECTION,
            section=SECTION,
            page_=found,
            search=search,
            types=dict(views.TYPES),
            editable=c.can(views.MANAGE),
        )

    return await run(page, work)


async def _form(page: Page, c: Console, form: FormState, old: JSON | None, status: int = 200, **more: str) -> Response:
    alias = "" if old is None else str(old["alias"])
    kind = str(form.values.get("providerId") or "oidc")
    # the type a new provider may still change to: between the two OpenID Connect types, which share their settings
    types = [t for t in views.TYPES if t[0] == kind or (kind in views.OIDC_TYPES and t[0] in views.OIDC_TYPES)]
    return await render(
        page,
        c,
        "admin/identity_provider.html",
        title=SECTION if old is None else f"Identity provider {alias}",
        section=SECTION,
        status=status,
        form=form,
        old=old,
        types=types,
        type_name=dict(views.TYPES).get(kind, kind),
        oidc=kind in views.OIDC_TYPES,
        # Keycloak's RedirectUrl field: where the provider sends the browser back, this server's broker endpoint
        redirect_uri=broker_url(page.request, c.realm, alias, "endpoint") if old else "",
        broker_base=f"{base_url(page.request)}/realms/{quote(c.realm.name, safe='')}/broker",
        switches=views.SWITCHES,
        config=views.config_for(kind),
        advanced=views.advanced_for(kind),
        auth_methods=views.AUTH_METHODS,
        editable=c.can(views.MANAGE),
        **({"tabs": provider_tabs(c, alias), "tab": "Settings"} if old else {}),
        **more,
    )


@ADMIN.page("/{target}" + ADD)
async def add_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require(views.MANAGE)
        kind = page.request.query_params.get("type", "oidc")
        return await _form(
            page, c, views.form_of(None, provider_id=kind if kind in dict(views.TYPES) else "oidc"), None
        )

    return await run(page, work)


@ADMIN.action("/{target}" + ADD)
async def add_provider(page: Page) -> Response:
    async def work(c: Console) -> Response:
        try:
            made = await views.create(c, fields(page))
        except FormErrors as err:
            return await _form(page, c, err.state, None, 400)
        return page.redirect(here(c, ONE, made["alias"]), flash=f"Identity provider {made['alias']} added.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ADD + "/discover")
async def discover(page: Page) -> Response:
    """The add form prefilled from the discovery document (``import-config``): the caller checked first, the
    document fetched outside any transaction, nothing stored."""
    typed = fields(page)
    from_url = typed.get("discoveryUrl", "").strip()

    async def check(c: Console) -> Response:
        c.require(views.MANAGE)
        return Response(status_code=204)

    checked = await run(page, check)
    if checked.status_code != 204:
        return checked
    found: dict[str, str] = {}
    problem = ""
    try:
        found = await admin_writes.discover(from_url)
    except AdminError as err:
        problem = f"Could not read the discovery document: {err.description or err.message}"

    async def show(c: Console) -> Response:
        form = views.form_of(None, found)
        form.values |= {k: typed.get(k, "").strip() for k in ("alias", "displayName", "providerId", "clientId")}
        if problem:
            form.errors["discoveryUrl"] = problem
        return await _form(page, c, form, None, 400 if problem else 200, discovery_url=from_url)

    return await run(page, show)


@ADMIN.page("/{target}" + ONE)
async def edit_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        old = views.stored(c, page.request.path_params["alias"])
        return await _form(page, c, views.form_of(old), old)

    return await run(page, work)


@ADMIN.action("/{target}" + ONE)
async def save_provider(page: Page) -> Response:
    async def work(c: Console) -> Response:
        old = views.stored(c, page.request.path_params["alias"])
        try:
            await views.update(c, old, fields(page))
        except FormErrors as err:
            return await _form(page, c, err.state, old, 400)
        return page.redirect(here(c, ONE, old["alias"]), flash=f"Identity provider {old['alias']} saved.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + "/switch")
async def switch_provider(page: Page) -> Response:
    on = fields(page).get("enabled") == "true"

    async def work(c: Console) -> Response:
        old = views.stored(c, page.request.path_params["alias"])
        try:
            await views.switch(c, old, on)
        except AdminError as err:
            return page.error(err.description or err.message, err.status)
        state = "enabled" if on else "disabled"
        return page.redirect(here(c), flash=f"Identity provider {old['alias']} {state}.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + "/delete")
async def delete_provider(page: Page) -> Response:
    async def work(c: Console) -> Response:
        old = views.stored(c, page.request.path_params["alias"])
        c.require(views.MANAGE)
        alias = str(old["alias"])
        if not confirmed(page):
            return page.confirm(
                title="Delete provider?",
                question=f"Delete the identity provider {alias}? Its mappers and its users' links to it go too.",
                action=here(c, ONE + "/delete", alias),
                button="Delete",
                cancel=here(c, ONE, alias),
                fields={"confirmed": "yes"},
            )
        await views.delete(c, old)
        return page.redirect(here(c), flash=f"Identity provider {alias} deleted.")

    return await run(page, work, write=True)

"""Pages: Identity providers → a provider's Mappers (view-identity-providers to read, manage-identity-providers to
change, as the provider's ``mappers`` resource): the list, adding a mapper of a type Doorkeep runs, deleting one."""

from __future__ import annotations

from starlette.responses import Response

from doorkeep.model import JSON
from doorkeep.web.admin_console import views_identity_providers as providers
from doorkeep.web.admin_console import views_idp_mappers as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, render, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_identity_providers import ONE, SECTION, here, provider_tabs
from doorkeep.web.console.base import Page

MAPPERS = ONE + "/mappers"


@ADMIN.page("/{target}" + MAPPERS)
async def mapper_list(page: Page) -> Response:
    async def work(c: Console) -> Response:
        provider = providers.stored(c, page.request.path_params["alias"])
        return await render(
            page,
            c,
            "admin/idp_mappers.html",
            title=f"Identity provider {provider['alias']}",
            section=SECTION,
            tabs=provider_tabs(c, provider["alias"]),
            tab="Mappers",
            provider=provider,
            mappers=views.mappers(c, provider),
            type_names=dict(views.type_names()),
            editable=c.can(providers.MANAGE),
        )

    return await run(page, work)


async def _add_form(page: Page, c: Console, provider: JSON, kind: str, form: FormState, status: int = 200) -> Response:
    return await render(
        page,
        c,
        "admin/idp_mapper_add.html",
        title=f"Add mapper to {provider['alias']}",
        section=SECTION,
        status=status,
        provider=provider,
        kind=kind,
        type_name=dict(views.type_names())[kind],
        props=views.props(kind),
        sync_modes=views.SYNC_MODES,
        organizations=await views.organizations(c, provider, kind),
        form=form,
    )


@ADMIN.page("/{target}" + MAPPERS + "/add/{kind}")
async def add_mapper_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        provider = providers.stored(c, page.request.path_params["alias"])
        c.require(providers.MANAGE)
        kind = page.request.path_params["kind"]
        return await _add_form(page, c, provider, kind, views.new_form(kind))

    return await run(page, work)


@ADMIN.action("/{target}" + MAPPERS + "/add/{kind}")
async def add_mapper(page: Page) -> Response:
    async def work(c: Console) -> Response:
        provider = providers.stored(c, page.request.path_params["alias"])
        kind = page.request.path_params["kind"]
        try:
            made = await views.add(c, provider, kind, fields(page))
        except FormErrors as err:
            return await _add_form(page, c, provider, kind, err.state, 400)
        return page.redirect(here(c, MAPPERS, provider["alias"]), flash=f"Mapper {made['name']} added.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + MAPPERS + "/{id}/delete")
async def delete_mapper(page: Page) -> Response:
    async def work(c: Console) -> Response:
        provider = providers.stored(c, page.request.path_params["alias"])
        found = views.mapper(c, provider, page.request.path_params["id"])
        c.require(providers.MANAGE)
        listing = here(c, MAPPERS, provider["alias"])
        if not confirmed(page):
            return page.confirm(
                title="Delete mapper?",
                question=f"Delete the mapper {found['name']} of {provider['alias']}?",
                action=f"{listing}/{found['id']}/delete",
                button="Delete",
                cancel=listing,
                fields={"confirmed": "yes"},
            )
        await views.delete(c, provider, found)
        return page.redirect(listing, flash=f"Mapper {found['name']} deleted.")

    return await run(page, work, write=True)

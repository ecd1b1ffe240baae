"""Pages: Realm settings → Keys (the key list) and Keys → Providers (add, edit, delete a key provider)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.model import RealmKey
from doorkeep.web.admin_console import views_keys as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_realm import realm_settings_page
from doorkeep.web.console.base import Page
from doorkeep.web.http import state

KEYS = "/realm-settings/keys"
PROVIDERS = KEYS + "/providers"


def _here(c: Console, path: str = "") -> str:
    return f"/{quote(c.realm.name, safe='')}{path}"


async def _show(page: Page, c: Console, template: str, sub: str, status: int = 200, **context: Any) -> Response:
    return await realm_settings_page(page, c, template, "Keys", status, sub=sub, addable=views.ADDABLE, **context)


def _forget(page: Page, written: list[str], response: Response) -> Response:
    """After a successful write this process drops its parsed keys of the realm at once, as the REST calls do
    (the others follow the realm's config version the write advanced)."""
    if written and response.status_code < 400:
        state(page.request).services.keyring.forget(written[0])
    return response


@ADMIN.page("/{target}" + KEYS)
async def key_list(page: Page) -> Response:
    async def work(c: Console) -> Response:
        return await _show(page, c, "admin/realm_keys_tab.html", "Keys list", rows=await views.key_list(c))

    return await run(page, work)


@ADMIN.page("/{target}" + PROVIDERS)
async def provider_list(page: Page) -> Response:
    async def work(c: Console) -> Response:
        found = await views.provider_list(c)
        return await _show(page, c, "admin/realm_key_providers.html", "Providers", providers=found)

    return await run(page, work)


async def _provider_form(
    page: Page, c: Console, form: FormState, provider_id: str, key: RealmKey | None, status: int = 200
) -> Response:
    declared = views.props(provider_id) if key is None else views.EDITABLE
    return await _show(
        page,
        c,
        "admin/realm_key_provider.html",
        "Providers",
        status,
        form=form,
        provider_id=provider_id,
        key=key,
        props=declared,
        switches=views.SWITCHES,
        texts=views.TEXTS,
    )


@ADMIN.page("/{target}" + PROVIDERS + "/new/{provider}")
async def new_provider(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        provider_id = page.request.path_params["provider"]
        return await _provider_form(page, c, views.new_form(provider_id), provider_id, None)

    return await run(page, work)


@ADMIN.action("/{target}" + PROVIDERS + "/new/{provider}")
async def add_provider(page: Page) -> Response:
    written: list[str] = []

    async def work(c: Console) -> Response:
        provider_id = page.request.path_params["provider"]
        try:
            key = await views.create(c, provider_id, fields(page))
        except FormErrors as err:
            return await _provider_form(page, c, err.state, provider_id, None, 400)
        written.append(c.realm.id)
        return page.redirect(_here(c, PROVIDERS), flash=f"Key provider {key.name or key.provider_id} added.")

    return _forget(page, written, await run(page, work, write=True))


@ADMIN.page("/{target}" + PROVIDERS + "/{id}")
async def edit_provider(page: Page) -> Response:
    async def work(c: Console) -> Response:
        key = await views.provider(c, page.request.path_params["id"])
        return await _provider_form(page, c, views.edit_form(key), key.provider_id, key)

    return await run(page, work)


@ADMIN.action("/{target}" + PROVIDERS + "/{id}")
async def save_provider(page: Page) -> Response:
    written: list[str] = []

    async def work(c: Console) -> Response:
        key = await views.provider(c, page.request.path_params["id"])
        try:
            saved = await views.update(c, key, fields(page))
        except FormErrors as err:
            return await _provider_form(page, c, err.state, key.provider_id, key, 400)
        written.append(c.realm.id)
        return page.redirect(_here(c, PROVIDERS), flash=f"Key provider {saved.name or saved.provider_id} saved.")

    return _forget(page, written, await run(page, work, write=True))


@ADMIN.action("/{target}" + PROVIDERS + "/{id}/delete")
async def delete_provider(page: Page) -> Response:
    written: list[str] = []

    async def work(c: Console) -> Response:
        key = await views.provider(c, page.request.path_params["id"])
        c.require("manage-realm")
        name = key.name or key.provider_id
        here = _here(c, PROVIDERS)
        if not confirmed(page):
            return page.confirm(
                title="Delete key provider?",
                question=f"Delete the key provider {name} and its key? Tokens signed with the key no longer verify.",
                action=f"{here}/{quote(key.component_id, safe='')}/delete",
                button="Delete",
                cancel=here,
                fields={"confirmed": "yes"},
            )
        await views.delete(c, key)
        written.append(c.realm.id)
        return page.redirect(here, flash=f"Key provider {name} deleted.")

    return _forget(page, written, await run(page, work, write=True))

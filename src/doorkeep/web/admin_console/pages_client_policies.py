"""Pages: Realm settings → Client policies, its Profiles and Policies sub-tabs (list, JSON editor, create, edit,
delete, a policy's Enabled switch; a profile's executors and a policy's conditions: add, edit, delete). An entry
is named by the ``name`` query parameter, an executor or condition by its ``index`` in the entry."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from starlette.responses import Response

from doorkeep.web.admin_console import views_client_policies as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, run
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_realm import realm_settings_page
from doorkeep.web.console.base import Page

HERE = "/realm-settings/client-policies"
KIND = HERE + "/{kind}"


def tab_path(c: Console, kind: views.Kind, tail: str = "", **query: object) -> str:
    """A path of this tab (for ``page.redirect`` and ``page.confirm``), its query encoded."""
    params = urlencode({k: v for k, v in query.items() if v is not None})
    return f"/{quote(c.realm.name, safe='')}{HERE}/{kind.key}{tail}" + (f"?{params}" if params else "")


def kind_param(page: Page) -> views.Kind:
    return views.kind_of(page.request.path_params["kind"])


def name_param(page: Page) -> str:
    return page.request.query_params.get("name", "")


def posted(page: Page) -> dict[str, list[str]]:
    return {key: page.form.all(key) for key in page.form.keys()}  # noqa: SIM118 - Form is not a dict


async def show(page: Page, c: Console, template: str, kind: views.Kind, status: int = 200, **context: Any) -> Response:
    return await realm_settings_page(
        page, c, template, "Client policies", status, kind=kind, tab_base=HERE + "/" + kind.key, **context
    )


@ADMIN.page("/{target}" + KIND)
async def entry_list(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind = kind_param(page)
        entries = views.document(c, kind)[kind.key]
        shown = views.global_entries(kind) if kind is views.PROFILES else []
        return await show(page, c, "admin/client_policies.html", kind, entries=entries, globals_=shown)

    return await run(page, work)


async def _json(page: Page, c: Console, kind: views.Kind, form: FormState, status: int = 200) -> Response:
    return await show(page, c, "admin/client_policies_json.html", kind, status, form=form)


@ADMIN.page("/{target}" + KIND + "/json")
async def json_editor(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind = kind_param(page)
        return await _json(page, c, kind, FormState({"json": views.json_text(c, kind)}))

    return await run(page, work)


@ADMIN.action("/{target}" + KIND + "/json")
async def save_json(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind = kind_param(page)
        try:
            await views.save_json(c, kind, page.form.get("json") or "")
        except FormErrors as err:
            return await _json(page, c, kind, err.state, 400)
        return page.redirect(tab_path(c, kind, "/json"), flash=f"Client {kind.key} updated")

    return await run(page, work, write=True)


async def _entry(
    page: Page, c: Console, kind: views.Kind, found: views.Found | None, form: FormState, status: int = 200
) -> Response:
    names = [p["name"] for p in views.global_entries(views.PROFILES) + views.document(c, views.PROFILES)["profiles"]]
    return await show(
        page,
        c,
        "admin/client_policy_entry.html",
        kind,
        status,
        found=found,
        form=form,
        items=views.items_of(kind, found) if found else [],
        types=kind.types(),
        profile_names=names,
    )


@ADMIN.page("/{target}" + KIND + "/new")
async def new_entry(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        return await _entry(page, c, kind_param(page), None, views.header_form({}))

    return await run(page, work)


async def _write_entry(page: Page, *, existing: bool) -> Response:
    """Create a profile or policy, or save the one named: its name, description (and a policy's profiles)."""

    async def work(c: Console) -> Response:
        kind = kind_param(page)
        found = views.find(c, kind, name_param(page)) if existing else None
        try:
            name = await views.save_header(c, kind, found, posted(page))
        except FormErrors as err:
            return await _entry(page, c, kind, found, err.state, 400)
        flash = f"Client {kind.one} updated" if existing else f"New client {kind.one} created"
        return page.redirect(tab_path(c, kind, "/edit", name=name), flash=flash)

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + KIND + "/new")
async def create_entry(page: Page) -> Response:
    return await _write_entry(page, existing=False)


@ADMIN.page("/{target}" + KIND + "/edit")
async def entry_detail(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind = kind_param(page)
        found = views.find(c, kind, name_param(page))
        return await _entry(page, c, kind, found, views.header_form(found.entry))

    return await run(page, work)


@ADMIN.action("/{target}" + KIND + "/edit")
async def save_entry(page: Page) -> Response:
    return await _write_entry(page, existing=True)


def _refused(page: Page, err: FormErrors) -> Response:
    return page.error(str(err), 400)


@ADMIN.action("/{target}" + KIND + "/delete")
async def delete_entry(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        kind, name = kind_param(page), name_param(page)
        found = views.find(c, kind, name)
        if not confirmed(page):
            return page.confirm(
                title=f"Delete client {kind.one}?",
                question=f"Delete the client {kind.one} {name}?",
                action=tab_path(c, kind, "/delete", name=name),
                button="Delete",
                cancel=tab_path(c, kind),
                fields={"confirmed": "yes"},
            )
        try:
            await views.delete(c, kind, found)
        except FormErrors as err:
            return _refused(page, err)
        return page.redirect(tab_path(c, kind), flash=f"Client {kind.one} deleted")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + KIND + "/switch")
async def switch_policy(page: Page) -> Response:
    async def work(c: Console) -> Response:
        if kind_param(page) is not views.POLICIES:
            raise Missing("Only a policy is enabled or disabled.")
        found = views.find(c, views.POLICIES, name_param(page))
        try:
            await views.switch(c, found, page.form.get("enabled") == "true")
        except FormErrors as err:
            return _refused(page, err)
        return page.redirect(tab_path(c, views.POLICIES), flash="Client policy updated")

    return await run(page, work, write=True)

"""Pages: a client profile's executors and a client policy's conditions (ExecutorForm, NewClientPolicyCondition):
add one of a type serverinfo lists, edit its configuration, delete it. The entry is the ``name`` query parameter,
the type ``type``, an existing one its ``index``."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from doorkeep.web.admin_console import client_policy_fields as component
from doorkeep.web.admin_console import views_client_policies as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, run
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_client_policies import KIND, kind_param, name_param, posted, show, tab_path
from doorkeep.web.console.base import Page

ITEMS = KIND + "/items"


def _type(kind: views.Kind, raw: str) -> dict[str, Any]:
    found = kind.types().get(raw)
    if found is None:
        raise Missing(f"No such {kind.item_key} type.")
    return found


async def _form(
    page: Page, c: Console, found: views.Found, type_: dict[str, Any], form: FormState, status: int = 200, **more: Any
) -> Response:
    kind = kind_param(page)
    return await show(
        page, c, "admin/client_policy_item.html", kind, status, found=found, type_=type_, form=form, **more
    )


@ADMIN.page("/{target}" + ITEMS + "/new")
async def new_item(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        kind = kind_param(page)
        found, type_ = views.find(c, kind, name_param(page)), _type(kind, page.request.query_params.get("type", ""))
        return await _form(page, c, found, type_, component.form_of(type_["properties"], None))

    return await run(page, work)


@ADMIN.action("/{target}" + ITEMS + "/new")
async def add_item(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind = kind_param(page)
        found, type_ = views.find(c, kind, name_param(page)), _type(kind, page.request.query_params.get("type", ""))
        try:
            await views.save_item(c, kind, found, type_["id"], None, posted(page))
        except FormErrors as err:
            return await _form(page, c, found, type_, err.state, 400)
        return page.redirect(tab_path(c, kind, "/edit", name=name_param(page)), flash=f"{kind.item_key.title()} added")

    return await run(page, work, write=True)


def _existing(page: Page, c: Console) -> tuple[views.Kind, views.Found, int, dict[str, Any]]:
    kind = kind_param(page)
    found = views.find(c, kind, name_param(page))
    index, item = views.item_at(kind, found, page.request.query_params.get("index", ""))
    return kind, found, index, item


@ADMIN.page("/{target}" + ITEMS + "/edit")
async def item_detail(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind, found, index, item = _existing(page, c)
        type_ = _type(kind, str(item.get(kind.item_key)))
        config = item.get("configuration")
        form = component.form_of(type_["properties"], config if isinstance(config, dict) else {})
        return await _form(page, c, found, type_, form, index=index)

    return await run(page, work)


@ADMIN.action("/{target}" + ITEMS + "/edit")
async def save_item(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind, found, index, item = _existing(page, c)
        type_ = _type(kind, str(item.get(kind.item_key)))
        try:
            await views.save_item(c, kind, found, type_["id"], index, posted(page))
        except FormErrors as err:
            return await _form(page, c, found, type_, err.state, 400, index=index)
        return page.redirect(
            tab_path(c, kind, "/edit", name=name_param(page)), flash=f"{kind.item_key.title()} updated"
        )

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ITEMS + "/delete")
async def delete_item(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        kind, found, index, item = _existing(page, c)
        name = name_param(page)
        if not confirmed(page):
            return page.confirm(
                title=f"Delete {kind.item_key}?",
                question=f"Delete the {kind.item_key} {item.get(kind.item_key)} of the client {kind.one} {name}?",
                action=tab_path(c, kind, "/items/delete", name=name, index=index),
                button="Delete",
                cancel=tab_path(c, kind, "/edit", name=name),
                fields={"confirmed": "yes"},
            )
        try:
            await views.delete_item(c, kind, found, index)
        except FormErrors as err:
            return page.error(str(err), 400)
        return page.redirect(tab_path(c, kind, "/edit", name=name), flash=f"{kind.item_key.title()} deleted")

    return await run(page, work, write=True)

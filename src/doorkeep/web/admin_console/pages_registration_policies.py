"""Pages: Clients → Client registration → Anonymous / Authenticated access policies (the realm's client
registration policy components: list, add, edit, delete; view-realm to read, manage-realm to change)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.clientreg import policy_components as pc
from doorkeep.model import RegistrationPolicy
from doorkeep.web.admin_console import views_registration_policies as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, render, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_client_registration import HERE
from doorkeep.web.console.base import Page

LIST = HERE + "/policies/{sub}"
ONE = HERE + "/policy/{id}"


def _url(c: Console, path: str) -> str:
    return f"/{quote(c.realm.name, safe='')}{path}"


def _list_url(c: Console, kind: str) -> str:
    return _url(c, LIST.format(sub=kind))


async def _render(page: Page, c: Console, template: str, kind: str, status: int = 200, **context: Any) -> Response:
    return await render(
        page,
        c,
        template,
        title="Clients",
        section="Clients",
        status=status,
        tabs=[("Clients list", _url(c, "/clients")), ("Client registration", _url(c, HERE))],
        tab="Client registration",
        sub=views.SUB_TYPES[kind],
        kind=kind,
        editable=c.can("manage-realm"),
        **context,
    )


def _form(page: Page) -> dict[str, list[str]]:
    """The posted form with every value of each field (the ticked choices of a list)."""
    return {key: page.form.all(key) for key in page.form.keys()}  # noqa: SIM118 - Form is not a dict


@ADMIN.page("/{target}" + LIST)
async def policy_list(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind = views.sub_type(page.request.path_params["sub"])
        listed = await views.listed(c, kind)
        return await _render(
            page, c, "admin/registration_policies.html", kind, policies=listed, providers=views.PROVIDER_NAMES
        )

    return await run(page, work)


async def _edit(
    page: Page, c: Console, kind: str, provider_id: str, form: FormState, policy: RegistrationPolicy | None, status: int
) -> Response:
    action = ONE.format(id=quote(policy.id, safe="")) if policy else LIST.format(sub=kind) + f"/new/{provider_id}"
    return await _render(
        page,
        c,
        "admin/registration_policy.html",
        kind,
        status,
        form=form,
        fields=await views.fields_of(c, provider_id),
        provider_id=provider_id,
        provider_name=views.PROVIDER_NAMES.get(provider_id, provider_id),
        policy=policy,
        action=action,
    )


@ADMIN.page("/{target}" + LIST + "/new/{provider}")
async def new_policy(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        kind, provider_id = views.sub_type(page.request.path_params["sub"]), page.request.path_params["provider"]
        form = views.new_form(provider_id, await views.fields_of(c, provider_id))
        return await _edit(page, c, kind, provider_id, form, None, 200)

    return await run(page, work)


@ADMIN.action("/{target}" + LIST + "/new/{provider}")
async def create_policy(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind, provider_id = views.sub_type(page.request.path_params["sub"]), page.request.path_params["provider"]
        try:
            await views.create(c, kind, provider_id, _form(page))
        except FormErrors as err:
            return await _edit(page, c, kind, provider_id, err.state, None, 400)
        return page.redirect(_list_url(c, kind), flash="New client policy created")

    return await run(page, work, write=True)


def _kind(policy: RegistrationPolicy) -> str:
    return policy.sub_type if policy.sub_type in views.SUB_TYPES else pc.ANONYMOUS


@ADMIN.page("/{target}" + ONE)
async def policy_detail(page: Page) -> Response:
    async def work(c: Console) -> Response:
        policy = await views.stored(c, page.request.path_params["id"])
        shown = await views.fields_of(c, policy.provider_id)
        form = views.form_of(policy.name, policy.config, shown, policy.provider_id)
        return await _edit(page, c, _kind(policy), policy.provider_id, form, policy, 200)

    return await run(page, work)


@ADMIN.action("/{target}" + ONE)
async def save_policy(page: Page) -> Response:
    async def work(c: Console) -> Response:
        policy = await views.stored(c, page.request.path_params["id"])
        try:
            await views.update(c, policy, _form(page))
        except FormErrors as err:
            return await _edit(page, c, _kind(policy), policy.provider_id, err.state, policy, 400)
        return page.redirect(_list_url(c, _kind(policy)), flash="Client policy updated")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + "/delete")
async def delete_policy(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        policy = await views.stored(c, page.request.path_params["id"])
        if not confirmed(page):
            return page.confirm(
                title="Delete client policy?",
                question=f"Delete the client registration policy {policy.name}?",
                action=_url(c, ONE.format(id=quote(policy.id, safe=""))) + "/delete",
                button="Delete",
                cancel=_list_url(c, _kind(policy)),
                fields={"confirmed": "yes"},
            )
        await views.delete(c, policy)
        return page.redirect(_list_url(c, _kind(policy)), flash="Client policy deleted")

    return await run(page, work, write=True)

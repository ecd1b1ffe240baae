"""Pages: Authentication → Flows, the list and a flow's own actions (create, duplicate, edit, bind, delete),
as Keycloak's console offers them (AuthenticationSection.tsx, CreateFlow.tsx, DuplicateFlowModal.tsx,
EditFlowModal.tsx, BindFlowDialog.tsx); its dialogs are pages here. view-realm reads, manage-realm changes
(views_flows.py, views_flow_writes.py); a refusal of the REST function is shown in Keycloak's words. The
execution tree's actions are pages_flow_steps.py's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.errors import AdminError
from doorkeep.realms.auth_flows import BASIC
from doorkeep.realms.flow_model import AuthFlow, FlowSet
from doorkeep.web.admin_console import views_flow_writes as writes
from doorkeep.web.admin_console import views_flows as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.forms import FormState
from doorkeep.web.admin_console.pages_authentication import FLOWS, tab_page
from doorkeep.web.console.base import Page

CREATE = "/authentication/create-flow"
FLOW = FLOWS + "/{id}"
UPDATED = "Flow successfully updated"  # updateFlowSuccess


def flows_path(c: Console) -> str:
    return f"/{quote(c.realm.name, safe='')}{FLOWS}"


def flow_path(c: Console, flow: AuthFlow) -> str:
    return f"{flows_path(c)}/{quote(flow.id, safe='')}"


def message(err: AdminError) -> str:
    return err.description or err.message


async def _tab(page: Page, c: Console, template: str, status: int = 200, **context: Any) -> Response:
    return await tab_page(page, c, template, "Flows", status, **context)


@ADMIN.page("/{target}" + FLOWS)
async def flows(page: Page) -> Response:
    async def work(c: Console) -> Response:
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        found = await views.listing(c, search, first, size)
        return await _tab(page, c, "admin/flows.html", page_=found, search=search)

    return await run(page, work)


async def _create_form(page: Page, c: Console, form: FormState, status: int = 200) -> Response:
    c.require("manage-realm")
    return await _tab(page, c, "admin/flow_create.html", status, form=form, types=views.TOP_LEVEL_TYPES)


@ADMIN.page("/{target}" + CREATE)
async def create_form(page: Page) -> Response:
    return await run(page, lambda c: _create_form(page, c, FormState({"providerId": BASIC})))


@ADMIN.action("/{target}" + CREATE)
async def create(page: Page) -> Response:
    form = fields(page)
    typed = {k: form.get(k, "") for k in ("alias", "description", "providerId")}

    async def work(c: Console) -> Response:
        try:
            flow = await writes.create(c, typed["alias"].strip(), typed["description"], typed["providerId"])
        except AdminError as err:
            state = FormState(dict(typed), {"alias": f"Could not create flow: {message(err)}"})
            return await _create_form(page, c, state, err.status)
        return page.redirect(flow_path(c, flow), flash="Flow created")  # flowCreatedSuccess

    return await run(page, work, write=True)


@ADMIN.page("/{target}" + FLOW)
async def flow_details(page: Page) -> Response:
    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, page.request.path_params["id"])
        return await _details(page, c, flows, flow)

    return await run(page, work)


async def _details(page: Page, c: Console, flows: FlowSet, flow: AuthFlow) -> Response:
    return await _tab(
        page,
        c,
        "admin/flow.html",
        flow=flow,
        used=await views.flow_used_by(c, flow),
        steps=views.steps(flows, flow),
        requirements=views.REQUIREMENTS,
        kinds=views.KINDS,
        here=flow_path(c, flow),
        bind_note=views.bind_note(flows, flow),
    )


async def _duplicate_form(page: Page, c: Console, flow: AuthFlow, form: FormState, status: int = 200) -> Response:
    c.require("manage-realm")
    return await _tab(page, c, "admin/flow_duplicate.html", status, flow=flow, form=form, here=flow_path(c, flow))


@ADMIN.page("/{target}" + FLOW + "/duplicate")
async def duplicate_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        _, flow = views.top_flow(c, page.request.path_params["id"])
        copy_of = FormState({"alias": f"Copy of {flow.alias}", "description": flow.description or ""})  # copyOf
        return await _duplicate_form(page, c, flow, copy_of)

    return await run(page, work)


@ADMIN.action("/{target}" + FLOW + "/duplicate")
async def duplicate(page: Page) -> Response:
    form = fields(page)
    typed = {"alias": form.get("alias", ""), "description": form.get("description", "")}

    async def work(c: Console) -> Response:
        _, flow = views.top_flow(c, page.request.path_params["id"])
        try:
            copy = await writes.duplicate(c, flow, typed["alias"].strip(), typed["description"])
        except AdminError as err:
            state = FormState(dict(typed), {"alias": f"Could not duplicate flow: {message(err)}"})
            return await _duplicate_form(page, c, flow, state, err.status)
        return page.redirect(flow_path(c, copy), flash="Flow successfully duplicated")  # copyFlowSuccess

    return await run(page, work, write=True)


async def _edit_form(page: Page, c: Console, flow: AuthFlow, form: FormState, status: int = 200) -> Response:
    c.require("manage-realm")
    return await _tab(page, c, "admin/flow_edit.html", status, flow=flow, form=form, here=flow_path(c, flow))


@ADMIN.page("/{target}" + FLOW + "/edit")
async def edit_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        _, flow = views.top_flow(c, page.request.path_params["id"])
        return await _edit_form(page, c, flow, FormState({"alias": flow.alias, "description": flow.description or ""}))

    return await run(page, work)


@ADMIN.action("/{target}" + FLOW + "/edit")
async def edit(page: Page) -> Response:
    form = fields(page)
    typed = {"alias": form.get("alias", ""), "description": form.get("description", "")}

    async def work(c: Console) -> Response:
        _, flow = views.top_flow(c, page.request.path_params["id"])
        try:
            await writes.edit_info(c, flow, typed["alias"].strip(), typed["description"])
        except AdminError as err:
            state = FormState(dict(typed), {"alias": f"Could not update flow: {message(err)}"})  # updateFlowError
            return await _edit_form(page, c, flow, state, err.status)
        return page.redirect(flow_path(c, flow), flash=UPDATED)

    return await run(page, work, write=True)


async def _bind_form(
    page: Page, c: Console, flows: FlowSet, flow: AuthFlow, chosen: str, error: str | None = None, status: int = 200
) -> Response:
    c.require("manage-realm")
    return await _tab(
        page,
        c,
        "admin/flow_bind.html",
        status,
        flow=flow,
        choices=views.choices(flows, flow),
        chosen=chosen,
        error=error,
        here=flow_path(c, flow),
    )


@ADMIN.page("/{target}" + FLOW + "/bind")
async def bind_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, page.request.path_params["id"])
        return await _bind_form(page, c, flows, flow, views.BINDABLE[0])

    return await run(page, work)


@ADMIN.action("/{target}" + FLOW + "/bind")
async def bind(page: Page) -> Response:
    binding = fields(page).get("bindingType", "")

    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, page.request.path_params["id"])
        try:
            await writes.bind(c, flow, binding)
        except AdminError as err:
            error = f"Could not update flow: {message(err)}"  # updateFlowError
            return await _bind_form(page, c, flows, flow, binding, error, err.status)
        return page.redirect(flow_path(c, flow), flash=UPDATED)

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + FLOW + "/delete")
async def delete(page: Page) -> Response:
    async def work(c: Console) -> Response:
        _, flow = views.top_flow(c, page.request.path_params["id"])
        c.require("manage-realm")
        if not confirmed(page):
            return page.confirm(
                title="Delete flow?",  # deleteConfirmFlow, deleteConfirmFlowMessage
                question=f'Are you sure you want to permanently delete the flow "{flow.alias}".',
                action=f"{flow_path(c, flow)}/delete",
                button="Delete",
                cancel=flow_path(c, flow),
                fields={"confirmed": "yes"},
            )
        try:
            await writes.delete(c, flow)
        except AdminError as err:
            return page.error(f"Could not delete flow: {message(err)}", err.status)  # deleteFlowError
        return page.redirect(flows_path(c), flash="Flow successfully deleted")  # deleteFlowSuccess

    return await run(page, work, write=True)

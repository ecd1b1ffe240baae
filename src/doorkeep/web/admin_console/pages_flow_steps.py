"""Pages: a flow's execution tree changed, as Keycloak's FlowDetails offers it: add a step, a condition or a
sub-flow (AddStepModal, AddSubFlowModal: a page each here), a step's requirement, up and down (the moves its
drag and drop makes) and delete. manage-realm; every change is a CSRF-protected POST through the REST
functions (views_flow_writes.py), back to the flow with Keycloak's alert, or its error in words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.errors import AdminError
from doorkeep.realms.auth_flows import BASIC
from doorkeep.realms.flow_model import AuthFlow, FlowSet
from doorkeep.web.admin_console import views_flow_writes as writes
from doorkeep.web.admin_console import views_flows as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, run
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormState
from doorkeep.web.admin_console.pages_authentication import tab_page
from doorkeep.web.admin_console.pages_flows import FLOW, UPDATED, flow_path, message
from doorkeep.web.console.base import Page

STEP = FLOW + "/executions/{execution}"


def _kind(value: str) -> str:
    if value not in views.KINDS:
        raise Missing(f"No step kind {value}.")
    return value


async def _add_form(
    page: Page, c: Console, flows: FlowSet, flow: AuthFlow, to: str, kind: str, form: FormState, status: int = 200
) -> Response:
    c.require("manage-realm")
    parent = views.target(flows, flow, to)
    return await tab_page(
        page,
        c,
        "admin/flow_add.html",
        "Flows",
        status,
        flow=flow,
        parent=parent,
        kind=kind,
        heading=views.KINDS[kind],
        providers=views.providers(parent, kind) if kind != "flow" else [],
        types=views.SUB_FLOW_TYPES,
        form=form,
        here=flow_path(c, flow),
    )


@ADMIN.page("/{target}" + FLOW + "/add")
async def add_form(page: Page) -> Response:
    query = page.request.query_params

    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, page.request.path_params["id"])
        form = FormState({"type": BASIC})
        return await _add_form(page, c, flows, flow, query.get("to", flow.alias), _kind(query.get("kind", "")), form)

    return await run(page, work)


@ADMIN.action("/{target}" + FLOW + "/add")
async def add(page: Page) -> Response:
    form = fields(page)
    to = form.get("to", "")
    typed = {k: form.get(k, "") for k in ("provider", "alias", "description", "type")}

    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, page.request.path_params["id"])
        kind = _kind(form.get("kind", ""))
        c.require("manage-realm")
        views.target(flows, flow, to)  # a flow of this tree, as the form names it
        try:
            if kind == "flow":
                await writes.add_sub_flow(c, to, typed["alias"].strip(), typed["description"], typed["type"])
            else:
                await writes.add_execution(c, to, typed["provider"])
        except AdminError as err:
            state = FormState(dict(typed), {"alias": f"Could not update flow: {message(err)}"})  # updateFlowError
            return await _add_form(page, c, flows, flow, to, kind, state, err.status)
        return page.redirect(flow_path(c, flow), flash=UPDATED)

    return await run(page, work, write=True)


async def _change(page: Page, change: Callable[[Console, AuthFlow, str], Awaitable[None]]) -> Response:
    """One change of a step of the flow, then back to the flow; a refusal is the REST function's message."""
    params = page.request.path_params

    async def work(c: Console) -> Response:
        _, flow = views.top_flow(c, params["id"])
        try:
            await change(c, flow, params["execution"])
        except AdminError as err:
            return page.error(f"Could not update flow: {message(err)}", err.status)
        return page.redirect(flow_path(c, flow), flash=UPDATED)

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + STEP + "/requirement")
async def requirement(page: Page) -> Response:
    chosen = fields(page).get("requirement", "")
    return await _change(page, lambda c, flow, e: writes.set_requirement(c, flow, e, chosen))


@ADMIN.action("/{target}" + STEP + "/raise-priority")
async def raise_priority(page: Page) -> Response:
    return await _change(page, lambda c, _, e: writes.move(c, e, "raise-priority"))


@ADMIN.action("/{target}" + STEP + "/lower-priority")
async def lower_priority(page: Page) -> Response:
    return await _change(page, lambda c, _, e: writes.move(c, e, "lower-priority"))


@ADMIN.action("/{target}" + STEP + "/delete")
async def delete_step(page: Page) -> Response:
    params = page.request.path_params

    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, params["id"])
        c.require("manage-realm")
        here = flow_path(c, flow)
        if not confirmed(page):
            step = next((s for s in views.steps(flows, flow) if s.row["id"] == params["execution"]), None)
            if step is None:
                raise Missing("Illegal execution")
            name = str(step.row["displayName"])
            return page.confirm(
                title="Delete execution?",  # deleteConfirmExecution, deleteConfirmExecutionMessage
                question=f'Are you sure you want to permanently delete the execution "{name}".',
                action=f"{here}/executions/{quote(params['execution'], safe='')}/delete",
                button="Delete",
                cancel=here,
                fields={"confirmed": "yes"},
            )
        try:
            await writes.remove(c, params["execution"])
        except AdminError as err:
            return page.error(f"Could not delete execution: {message(err)}", err.status)  # deleteExecutionError
        return page.redirect(here, flash="Execution successfully deleted")  # deleteExecutionSuccess

    return await run(page, work, write=True)


async def _config_form(
    page: Page, c: Console, flows: FlowSet, flow: AuthFlow, form: FormState | None = None, status: int = 200
) -> Response:
    c.require("manage-realm")
    found = views.step_config(flows, flow, page.request.path_params["execution"])
    alias = found.config.alias if found.config is not None else ""
    return await tab_page(
        page,
        c,
        "admin/flow_config.html",
        "Flows",
        status,
        flow=flow,
        found=found,
        form=form or FormState({"alias": alias or ""}),
        here=flow_path(c, flow),
    )


@ADMIN.page("/{target}" + STEP + "/config")
async def config_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, page.request.path_params["id"])
        return await _config_form(page, c, flows, flow)

    return await run(page, work)


@ADMIN.action("/{target}" + STEP + "/config")
async def save_config(page: Page) -> Response:
    """ExecutionConfigModal's save; its alias is required, as the modal requires it."""
    params = page.request.path_params

    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, params["id"])
        c.require("manage-realm")  # newExecutionConfig / updateAuthenticatorConfig: before the lookup
        found = views.step_config(flows, flow, params["execution"])
        values = views.typed_config(found.props, page.form)
        alias = (page.form.get("alias") or "").strip() if found.config is None else (found.config.alias or "")
        typed = FormState({"alias": alias, **{f"config.{k}": v for k, v in values.items()}})
        try:
            if not alias and found.config is None:
                raise AdminError(400, "Alias: Required field")
            await writes.save_config(c, params["execution"], alias, values)
        except AdminError as err:
            typed.errors["alias"] = f"Could not save the execution config: {message(err)}"  # configSaveError
            return await _config_form(page, c, flows, flow, typed, err.status)
        return page.redirect(flow_path(c, flow), flash="Successfully saved the execution config")  # configSaveSuccess

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + STEP + "/config/clear")
async def clear_config(page: Page) -> Response:
    params = page.request.path_params

    async def work(c: Console) -> Response:
        flows, flow = views.top_flow(c, params["id"])
        # AuthenticationManagementResource.removeAuthenticatorConfig: requireManageRealm before the lookup
        c.require("manage-realm")
        found = views.step_config(flows, flow, params["execution"])
        if found.config is None:
            raise Missing("Could not find authenticator config")
        try:
            await writes.clear_config(c, found.config.id)
        except AdminError as err:
            return page.error(f"Could not save the execution config: {message(err)}", err.status)
        return page.redirect(flow_path(c, flow), flash=UPDATED)

    return await run(page, work, write=True)

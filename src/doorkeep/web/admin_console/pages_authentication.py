"""Pages: Authentication → Required actions and Policies → OTP policy (view-realm to read, manage-realm to
change, as ``authentication/required-actions`` and ``GET``/``PUT /admin/realms/{realm}``); the section's tabs,
Flows first (pages_flows.py), as Keycloak's console opens the section on it, the WebAuthn policies last
(pages_webauthn_policy.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.errors import AdminError
from doorkeep.web.admin_console import views_otp as views
from doorkeep.web.admin_console import views_realm
from doorkeep.web.admin_console import views_required_actions as actions
from doorkeep.web.admin_console import views_webauthn_policy as webauthn_tabs
from doorkeep.web.admin_console.console import ADMIN, fields, render, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.console.base import Page
from doorkeep.web.http import state

FLOWS = "/authentication/flows"
OTP = "/authentication/policies/otp"
REQUIRED = "/authentication/required-actions"
SAVED = "Updated required action successfully"  # Keycloak's updatedRequiredActionSuccess
CONFIG_SAVED = "Configuration of required action saved successfully"


async def tab_page(page: Page, c: Console, template: str, tab: str, status: int = 200, **context: Any) -> Response:
    realm = f"/{quote(c.realm.name, safe='')}"
    return await render(
        page,
        c,
        template,
        title="Authentication",
        section="Authentication",
        status=status,
        tabs=[
            ("Flows", realm + FLOWS),
            ("Required actions", realm + REQUIRED),
            ("OTP policy", realm + OTP),
            *((t.title, realm + t.path) for t in webauthn_tabs.TABS),
        ],
        tab=tab,
        editable=c.can("manage-realm"),
        **context,
    )


async def _show(page: Page, c: Console, form: FormState, status: int = 200) -> Response:
    return await tab_page(
        page, c, "admin/otp_policy.html", "OTP policy", status, form=form, choices=views.CHOICES, numbers=views.NUMBERS
    )


@ADMIN.page("/{target}" + OTP)
async def otp_policy(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("view-realm")
        return await _show(page, c, views.otp_form(c.realm))

    return await run(page, work)


@ADMIN.action("/{target}" + OTP)
async def save_otp_policy(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        try:
            await views_realm.save(c, views.read_otp(c.realm, fields(page)))
        except FormErrors as err:
            return await _show(page, c, err.state, 400)
        return page.redirect(f"/{quote(c.realm.name, safe='')}{OTP}", flash="OTP policy saved.")

    return await run(page, work, write=True)


@ADMIN.page("/{target}" + REQUIRED)
async def required_actions(page: Page) -> Response:
    async def work(c: Console) -> Response:
        rows = actions.rows(c, _disabled(page))
        return await tab_page(
            page, c, "admin/required_actions.html", "Required actions", rows=rows, switches=actions.SWITCHES
        )

    return await run(page, work)


async def _change(page: Page, change: Callable[[Console], Awaitable[None]]) -> Response:
    """Run one change of the tab, then back to it; a refusal of the REST call is its message."""

    async def work(c: Console) -> Response:
        try:
            await change(c)
        except AdminError as err:
            return page.error(err.description or err.message, err.status)
        return page.redirect(f"/{quote(c.realm.name, safe='')}{REQUIRED}", flash=SAVED)

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + REQUIRED + "/{alias}/switch")
async def switch_required_action(page: Page) -> Response:
    alias, form = page.request.path_params["alias"], fields(page)
    return await _change(page, lambda c: actions.switch(c, alias, form.get("field", ""), form.get("on") == "true"))


@ADMIN.action("/{target}" + REQUIRED + "/{alias}/raise-priority")
async def raise_required_action(page: Page) -> Response:
    alias = page.request.path_params["alias"]
    return await _change(page, lambda c: actions.move(c, alias, "raise-priority"))


@ADMIN.action("/{target}" + REQUIRED + "/{alias}/lower-priority")
async def lower_required_action(page: Page) -> Response:
    alias = page.request.path_params["alias"]
    return await _change(page, lambda c: actions.move(c, alias, "lower-priority"))


@ADMIN.action("/{target}/authentication/register-required-action")
async def register_required_action(page: Page) -> Response:
    provider_id = fields(page).get("providerId", "")
    return await _change(page, lambda c: actions.register(c, provider_id))


def _disabled(page: Page) -> frozenset[str]:
    return state(page.request).services.disabled_features


async def _config_page(page: Page, c: Console, form: FormState, status: int = 200) -> Response:
    found = actions.config(c, page.request.path_params["alias"], _disabled(page))
    return await tab_page(
        page, c, "admin/required_action_config.html", "Required actions", status, found=found, form=form
    )


@ADMIN.page("/{target}" + REQUIRED + "/{alias}/config")
async def required_action_config(page: Page) -> Response:
    return await run(page, lambda c: _config_page(page, c, FormState()))


@ADMIN.action("/{target}" + REQUIRED + "/{alias}/config")
async def save_required_action_config(page: Page) -> Response:
    """RequiredActionConfigModal's Save; a value validateConfig refuses is shown at its field."""

    async def work(c: Console) -> Response:
        try:
            await actions.configure(c, page.request.path_params["alias"], page.form, _disabled(page))
        except FormErrors as err:
            return await _config_page(page, c, err.state, 400)
        return page.redirect(f"/{quote(c.realm.name, safe='')}{REQUIRED}", flash=CONFIG_SAVED)

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + REQUIRED + "/{alias}/config/clear")
async def clear_required_action_config(page: Page) -> Response:
    alias = page.request.path_params["alias"]
    return await _change(page, lambda c: actions.clear(c, alias, _disabled(page)))

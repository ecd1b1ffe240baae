"""Pages: Authentication → Policies → OTP policy (view-realm to read, manage-realm to save, as ``GET``/``PUT
/admin/realms/{realm}``). Keycloak's Required actions tab is not here: Doorkeep's REST API has no
``authentication/required-actions`` yet."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.web.admin_console import views_otp as views
from doorkeep.web.admin_console import views_realm
from doorkeep.web.admin_console.console import ADMIN, fields, render, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.console.base import Page

OTP = "/authentication/policies/otp"


async def _show(page: Page, c: Console, form: FormState, status: int = 200) -> Response:
    return await render(
        page,
        c,
        "admin/otp_policy.html",
        title="Authentication",
        section="Authentication",
        status=status,
        tabs=[("OTP policy", f"/{quote(c.realm.name, safe='')}{OTP}")],
        tab="OTP policy",
        form=form,
        choices=views.CHOICES,
        numbers=views.NUMBERS,
        editable=c.can("manage-realm"),
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

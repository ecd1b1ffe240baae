"""Pages: Authentication → Policies → Webauthn Policy and Webauthn Passwordless Policy (view-realm to read,
manage-realm to save, as ``GET``/``PUT /admin/realms/{realm}``)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.web.admin_console import views_realm
from doorkeep.web.admin_console import views_webauthn_policy as views
from doorkeep.web.admin_console.console import ADMIN, fields, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_authentication import tab_page
from doorkeep.web.console.base import Page

SAVED = "Updated webauthn policies successfully"  # Keycloak's webAuthnUpdateSuccess


async def _show(page: Page, c: Console, tab: views.Tab, form: FormState, status: int = 200) -> Response:
    return await tab_page(
        page,
        c,
        "admin/webauthn_policy.html",
        tab.title,
        status,
        form=form,
        policy=tab,
        choices=views.choices(c.realm, tab),
        selects=views.selects(tab),
        lists=views.LISTS,
        max_timeout=views.MAX_TIMEOUT,
    )


def _tab(tab: views.Tab) -> None:
    async def show(page: Page) -> Response:
        async def work(c: Console) -> Response:
            c.require("view-realm")
            return await _show(page, c, tab, views.policy_form(c.realm, tab))

        return await run(page, work)

    async def save(page: Page) -> Response:
        async def work(c: Console) -> Response:
            c.require("manage-realm")
            algorithms = page.form.all("SignatureAlgorithms")
            try:
                await views_realm.save(c, views.read_policy(c.realm, tab, fields(page), algorithms))
            except FormErrors as err:
                return await _show(page, c, tab, err.state, 400)
            return page.redirect(f"/{quote(c.realm.name, safe='')}{tab.path}", flash=SAVED)

        return await run(page, work, write=True)

    ADMIN.page("/{target}" + tab.path)(show)
    ADMIN.action("/{target}" + tab.path)(save)


for _tab_spec in views.TABS:
    _tab(_tab_spec)

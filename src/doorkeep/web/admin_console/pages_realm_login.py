"""Pages: Realm settings, the Login and Localization tabs (view-realm to read, manage-realm to save,
as ``GET``/``PUT /admin/realms/{realm}``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.model import Realm
from doorkeep.web.admin_console import views_realm
from doorkeep.web.admin_console import views_realm_login as views
from doorkeep.web.admin_console.console import ADMIN, fields, render, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_realm import realm_tabs
from doorkeep.web.console.base import Page

Reader = Callable[[Realm, Page], Realm]


async def _show(page: Page, c: Console, tab: str, form: FormState, status: int = 200) -> Response:
    return await render(
        page,
        c,
        "admin/realm_login_tab.html" if tab == "Login" else "admin/realm_localization_tab.html",
        title="Realm settings",
        section="Realm settings",
        status=status,
        tabs=realm_tabs(c),
        tab=tab,
        form=form,
        switches=views.LOGIN,
        locales=views.locales(c.realm),
        editable=c.can("manage-realm"),
    )


def _login(realm: Realm, page: Page) -> Realm:
    return views.read_login(realm, fields(page))


def _localization(realm: Realm, page: Page) -> Realm:
    return views.read_localization(realm, fields(page), page.form.all(views.SUPPORTED))


TAB_PAGES: Mapping[str, tuple[str, Callable[[Realm], FormState], Reader]] = {
    "Login": ("/realm-settings/login", views.login_form, _login),
    "Localization": ("/realm-settings/localization", views.localization_form, _localization),
}


def _tab(tab: str) -> None:
    path, shown, read = TAB_PAGES[tab]

    async def show(page: Page) -> Response:
        async def work(c: Console) -> Response:
            c.require("view-realm")
            return await _show(page, c, tab, shown(c.realm))

        return await run(page, work)

    async def save(page: Page) -> Response:
        async def work(c: Console) -> Response:
            c.require("manage-realm")
            try:
                await views_realm.save(c, read(c.realm, page))
            except FormErrors as err:
                return await _show(page, c, tab, err.state, 400)
            return page.redirect(f"/{quote(c.realm.name, safe='')}{path}", flash=f"{tab} settings saved.")

        return await run(page, work, write=True)

    ADMIN.page("/{target}" + path)(show)
    ADMIN.action("/{target}" + path)(save)


for _name in TAB_PAGES:
    _tab(_name)

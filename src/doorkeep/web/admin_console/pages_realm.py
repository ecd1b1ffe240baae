"""Pages: the start page, Realm settings (Sessions and Tokens tabs) and Revocation."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from doorkeep.model import Client
from doorkeep.oauth import backchannel
from doorkeep.web.admin.audit import Change
from doorkeep.web.admin_console import views_realm as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, record_outcome, render, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.views_sessions import realm_counts
from doorkeep.web.console.base import Page
from doorkeep.web.http import realm_base_url, state

TABS = (("Sessions", "/realm-settings/sessions"), ("Tokens", "/realm-settings/tokens"))
# Every tab of Realm settings, in Keycloak's order of them (the Login and Localization tabs: pages_realm_login).
ALL_TABS = (
    ("Login", "/realm-settings/login"),
    *TABS,
    ("Keys", "/realm-settings/keys"),
    ("Localization", "/realm-settings/localization"),
    ("Client policies", "/realm-settings/client-policies/profiles"),
)


def realm_tabs(c: Console) -> list[tuple[str, str]]:
    """The Realm settings tabs of this realm's console, as (label, path)."""
    return [(label, f"/{quote(c.realm.name, safe='')}{path}") for label, path in ALL_TABS]


@ADMIN.page("/")
async def start(page: Page) -> Response:
    """The console's own realm; for a master user who administers only other realms, the first of them."""

    async def work(c: Console) -> Response:
        return RedirectResponse(page.url("/" + quote(c.realm.name, safe="") + "/"), 303)

    return await run(page, work)


@ADMIN.page("/{target}/")
async def overview(page: Page) -> Response:
    async def work(c: Console) -> Response:
        counts = await realm_counts(c) if c.can("view-realm") else None
        return await render(
            page, c, "admin/overview.html", title=c.realm.display_name or c.realm.name, section="", counts=counts
        )

    return await run(page, work)


async def realm_settings_page(
    page: Page, c: Console, template: str, tab: str, status: int = 200, **context: Any
) -> Response:
    """A page of one Realm settings tab, editable with manage-realm."""
    return await render(
        page,
        c,
        template,
        title="Realm settings",
        section="Realm settings",
        status=status,
        tabs=realm_tabs(c),
        tab=tab,
        editable=c.can("manage-realm"),
        **context,
    )


async def _show(page: Page, c: Console, tab: str, state_: FormState, status: int = 200) -> Response:
    template = "admin/realm_sessions_tab.html" if tab == "Sessions" else "admin/realm_tokens_tab.html"
    return await realm_settings_page(
        page,
        c,
        template,
        tab,
        status,
        form=state_,
        fields=views.SESSIONS,
        access=views.ACCESS_TOKEN,
        device_code=views.DEVICE_CODE,
    )


@ADMIN.page("/{target}/realm-settings/sessions")
async def sessions_tab(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("view-realm")
        return await _show(page, c, "Sessions", views.sessions_form(c.realm))

    return await run(page, work)


@ADMIN.page("/{target}/realm-settings/tokens")
async def tokens_tab(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("view-realm")
        return await _show(page, c, "Tokens", views.tokens_form(c.realm))

    return await run(page, work)


def _save(tab: str) -> None:
    path = dict(TABS)[tab]
    read = views.read_sessions if tab == "Sessions" else views.read_tokens

    async def action(page: Page) -> Response:
        async def work(c: Console) -> Response:
            c.require("manage-realm")
            try:
                await views.save(c, read(c.realm, fields(page)))
            except FormErrors as err:
                return await _show(page, c, tab, err.state, 400)
            return page.redirect(f"/{quote(c.realm.name, safe='')}{path}", flash=f"{tab} settings saved.")

        return await run(page, work, write=True)

    ADMIN.action("/{target}" + path)(action)


_save("Sessions")
_save("Tokens")


@ADMIN.page("/{target}/revocation")
async def revocation(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("view-realm")
        return await render(
            page,
            c,
            "admin/revocation.html",
            title="Revocation",
            section="Revocation",
            not_before=c.realm.not_before,
            editable=c.can("manage-realm"),
        )

    return await run(page, work)


QUESTIONS = {
    "set-to-now": (
        "Set not-before to now?",
        "Every token issued before now stops working: access, refresh "
        "and offline tokens of every user of this realm. Users must sign in again.",
        "Set to now",
    ),
    "clear": (
        "Clear not-before?",
        "Tokens issued before the current not-before time are accepted again, unless they have expired.",
        "Clear",
    ),
    "push": (
        "Push the not-before policy?",
        "Each client with an admin URL is sent this realm's not-before time.",
        "Push",
    ),
}


def _revocation_action(kind: str) -> None:
    async def action(page: Page) -> Response:
        push: list[tuple[str, Console, list[Client]]] = []  # (page path, the console, the realm's clients)

        async def work(c: Console) -> Response:
            c.require("manage-realm")
            here = f"/{quote(c.realm.name, safe='')}/revocation"
            if not confirmed(page):
                title, question, button = QUESTIONS[kind]
                return page.confirm(
                    title=title,
                    question=question,
                    action=f"{here}/{kind}",
                    button=button,
                    cancel=here,
                    fields={"confirmed": "yes"},
                )
            if kind == "push":  # sent after this transaction, its event recorded then, as the REST endpoint does
                push.append((here, c, await c.tx.clients.list(c.realm.id)))
                return page.redirect(here)
            realm = await views.set_not_before(c, c.now if kind == "set-to-now" else 0)
            text = (
                "Not-before set to now: earlier tokens no longer work." if realm.not_before else "Not-before cleared."
            )
            return page.redirect(here, flash=text)

        response = await run(page, work, write=True)
        if not push:
            return response
        here, console, clients = push[0]
        result = await state(page.request).notifier.admin_action(
            realm_base_url(page.request, console.realm),  # the REST call it stands for has that realm as context
            console.realm.id,
            clients,
            console.realm.not_before,
            backchannel.PUSH_NOT_BEFORE,
        )
        await record_outcome(page, console, Change("POST", ("push-revocation",), result))
        sent, failed = result.get("successRequests", []), result.get("failedRequests", [])
        if not sent and not failed:
            return page.redirect(here, flash="No client has an admin URL: there was nothing to push.", kind="info")
        text = f"Pushed to {len(sent)} admin URL(s)." + (f" Failed: {', '.join(failed)}." if failed else "")
        return page.redirect(here, flash=text, kind="error" if failed else "success")

    ADMIN.action(f"/{{target}}/revocation/{kind}")(action)


for _kind in QUESTIONS:
    _revocation_action(_kind)

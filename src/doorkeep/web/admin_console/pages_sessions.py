"""Pages: the realm's Sessions (online and offline, with counts), signing one session out, and Events."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.web.admin_console import views_events
from doorkeep.web.admin_console.console import ADMIN, confirmed, render, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.pages_admin_events import event_tabs
from doorkeep.web.admin_console.views_sessions import client_counts, realm_counts, realm_sessions, sign_out
from doorkeep.web.console.base import Page


@ADMIN.page("/{target}/sessions")
async def sessions(page: Page) -> Response:
    async def work(c: Console) -> Response:
        kind = page.request.query_params.get("type")
        offline = kind == "offline"
        first, size = paging(page.request.query_params)
        counts = await realm_counts(c)
        if kind == "clients":  # its own tab: a count over every session of the realm, paid only when asked
            return await render(
                page,
                c,
                "admin/sessions_by_client.html",
                title="Sessions",
                section="Sessions",
                counts=counts,
                rows=await client_counts(c),
            )
        found = await realm_sessions(c, offline, first, size)
        here = f"/{quote(c.realm.name, safe='')}/sessions" + ("?type=offline" if offline else "")
        return await render(
            page,
            c,
            "admin/sessions.html",
            title="Sessions",
            section="Sessions",
            counts=counts,
            page_=found,
            offline=offline,
            here=here,
            may_sign_out=c.can("manage-users"),
            may_view_clients=c.can("view-clients"),
        )

    return await run(page, work)


@ADMIN.action("/{target}/sessions/{sid}/sign-out")
async def sign_out_session(page: Page) -> Response:
    """Sign one session out (offline: revoke its offline tokens); back to the page the button was on."""

    async def work(c: Console) -> Response:
        offline = page.form.get("offline") == "true"
        prefix = f"/{quote(c.realm.name, safe='')}/"
        back = page.form.get("back") or prefix + "sessions"
        if not back.startswith(prefix) or "//" in back or "\\" in back:
            back = prefix + "sessions"
        sid = page.request.path_params["sid"]
        c.require("manage-users")  # refused before the confirm step: no question about what they may not do
        if not confirmed(page):
            what = "offline session (its offline tokens stop working)" if offline else "session"
            return page.confirm(
                title="Sign out?",
                button="Sign out" if not offline else "Revoke",
                question=f"End this {what}?",
                action=f"{prefix}sessions/{quote(sid, safe='')}/sign-out",
                cancel=back,
                fields={"offline": "true" if offline else "false", "back": back, "confirmed": "yes"},
            )
        row = await sign_out(c, sid, offline)
        kind = "Offline session" if offline else "Session"
        return page.redirect(back, flash=f"{kind} of {row.username} ended.")

    return await run(page, work, write=True)


@ADMIN.page("/{target}/events")
async def events(page: Page) -> Response:
    async def work(c: Console) -> Response:
        first, size = paging(page.request.query_params)
        filters, found = await views_events.user_events(c, page.request.query_params, first, size)
        return await render(
            page,
            c,
            "admin/events.html",
            title="Events",
            section="Events",
            tabs=event_tabs(c),
            tab="User events",
            filters=filters,
            page_=found,
            types=views_events.event_types(),
            status=400 if filters.errors else 200,
        )

    return await run(page, work)

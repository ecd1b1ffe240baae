"""Pages: Users (list and search), and per user Consents (with Revoke) and Sessions (with sign-out)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from starlette.responses import Response

from doorkeep.broker import provider_logout
from doorkeep.model import User
from doorkeep.web.admin_console import views_users as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, render, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.views_sessions import sign_out_user, user_sessions
from doorkeep.web.console.base import Page

TABS = (
    ("Details", "/details"),
    ("Credentials", "/credentials"),
    ("Consents", "/consents"),
    ("Identity provider links", "/identity-provider-links"),
    ("Sessions", "/sessions"),
)
OFFLINE = "o"  # the Sessions tab pages its offline sessions by ``ofirst`` and ``omax``, its online ones by ``first``


@ADMIN.page("/{target}/users")
async def users(page: Page) -> Response:
    async def work(c: Console) -> Response:
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        found = await views.list_users(c, search, first, size)
        return await render(page, c, "admin/users.html", title="Users", section="Users", page_=found, search=search)

    return await run(page, work)


def user_path(c: Console, u: User, tab: str = "") -> str:
    return f"/{quote(c.realm.name, safe='')}/users/{quote(u.id, safe='')}{tab}"


async def user_tab(page: Page, c: Console, u: User, tab: str, template: str, **context: Any) -> Response:
    return await render(
        page,
        c,
        template,
        title=f"User {u.username}",
        section="Users",
        user_=u,
        tabs=[(label, user_path(c, u, p)) for label, p in TABS],
        tab=tab,
        **context,
    )


@ADMIN.page("/{target}/users/{id}")
async def user(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await views.user(c, page.request.path_params["id"])
        return page.redirect(user_path(c, u, "/details"))

    return await run(page, work)


@ADMIN.page("/{target}/users/{id}/consents")
async def consents(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await views.user(c, page.request.path_params["id"])
        return await user_tab(
            page,
            c,
            u,
            "Consents",
            "admin/user_consents.html",
            consents=await views.consents(c, u),
            may_revoke=c.can("manage-users"),
            revoke=user_path(c, u, "/consents/revoke"),
        )

    return await run(page, work)


@ADMIN.action("/{target}/users/{id}/consents/revoke")
async def revoke(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await views.user(c, page.request.path_params["id"])
        client_id = page.form.get("client") or ""
        back = user_path(c, u, "/consents")
        c.require("manage-users")  # refused before the confirm step, as the sign-out below
        if not confirmed(page):
            return page.confirm(
                title="Revoke consent?",
                button="Revoke",
                action=user_path(c, u, "/consents/revoke"),
                cancel=back,
                question=f"Revoke {u.username}'s consent to {client_id}? Its offline tokens stop working at once "
                "and the user is signed out of it.",
                fields={"client": client_id, "confirmed": "yes"},
            )
        await views.revoke(c, u, client_id)
        return page.redirect(back, flash=f"Revoked {client_id}: its consent and offline tokens are gone.")

    return await run(page, work, write=True)


@ADMIN.page("/{target}/users/{id}/sessions")
async def sessions(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await views.user(c, page.request.path_params["id"])
        params = page.request.query_params
        online, offline = await user_sessions(c, u, paging(params), paging(params, OFFLINE))
        online_at = {"first": online.first, "max": online.size}
        offline_at = {OFFLINE + "first": offline.first, OFFLINE + "max": offline.size}
        return await user_tab(
            page,
            c,
            u,
            "Sessions",
            "admin/user_sessions.html",
            online=online,
            offline=offline,
            online_at=online_at,  # each pager keeps the other list's page
            offline_at=offline_at,
            prefix=OFFLINE,
            here=user_path(c, u, "/sessions") + "?" + urlencode(online_at | offline_at),  # where a sign-out returns
            may_sign_out=c.can("manage-users"),
            may_view_clients=c.can("view-clients"),
            sign_out_all=user_path(c, u, "/sign-out"),
        )

    return await run(page, work)


@ADMIN.action("/{target}/users/{id}/sign-out")
async def sign_out_all(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await views.user(c, page.request.path_params["id"])
        back = user_path(c, u, "/sessions")
        c.require("manage-users")  # refused before the confirm step: no question about what they may not do
        if not confirmed(page):
            return page.confirm(
                title="Sign out everywhere?",
                button="Sign out",
                action=user_path(c, u, "/sign-out"),
                cancel=back,
                question=f"Sign {u.username} out of every browser session? Refresh and offline tokens issued "
                "until now stop working; offline sessions stay listed until they expire.",
                fields={"confirmed": "yes"},
            )
        plans.extend(await sign_out_user(c, u))
        return page.redirect(back, flash=f"{u.username} is signed out of every session.")

    plans: list[provider_logout.Backchannel] = []
    response = await run(page, work, write=True)
    for plan in plans:  # the identity providers of the ended sessions, once committed
        await provider_logout.call(plan)
    return response

"""Pages: Users → a user's Details tab (with Impersonate) and Credentials tab (reset password, delete)."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from doorkeep.errors import AdminError
from doorkeep.model import User
from doorkeep.web.admin import impersonation
from doorkeep.web.admin_console import views_user_details as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_users import user_path, user_tab
from doorkeep.web.admin_console.views_users import user
from doorkeep.web.console.base import Page


async def _details(page: Page, c: Console, u: User, form: FormState, status: int = 200) -> Response:
    return await user_tab(
        page,
        c,
        u,
        "Details",
        "admin/user_details.html",
        status=status,
        form=form,
        actions=views.ACTIONS,
        texts=views.TEXTS,
        switches=views.SWITCHES,
        editable=c.can("manage-users"),
        may_impersonate=c.can("impersonation"),
    )


async def _credentials(page: Page, c: Console, u: User, form: FormState, status: int = 200) -> Response:
    return await user_tab(
        page,
        c,
        u,
        "Credentials",
        "admin/user_credentials.html",
        status=status,
        form=form,
        credentials=await views.credentials(c, u),
    )


@ADMIN.page("/{target}/users/{id}/details")
async def details(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await user(c, page.request.path_params["id"])
        return await _details(page, c, u, views.details_form(u))

    return await run(page, work)


@ADMIN.action("/{target}/users/{id}/details")
async def save_details(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await user(c, page.request.path_params["id"])
        try:
            await views.save_details(c, u, fields(page), page.form.all("requiredActions"))
        except FormErrors as err:
            return await _details(page, c, u, err.state, 400)
        return page.redirect(user_path(c, u, "/details"), flash="The user has been saved.")

    return await run(page, work, write=True)


@ADMIN.page("/{target}/users/{id}/credentials")
async def credentials(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await user(c, page.request.path_params["id"])
        return await _credentials(page, c, u, FormState({"temporary": True}))

    return await run(page, work)


@ADMIN.action("/{target}/users/{id}/credentials/reset-password")
async def reset_password(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await user(c, page.request.path_params["id"])
        try:
            await views.reset_password(c, u, fields(page))
        except FormErrors as err:
            return await _credentials(page, c, u, err.state, 400)
        return page.redirect(user_path(c, u, "/credentials"), flash="The password has been reset.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}/users/{id}/credentials/{credential}/delete")
async def delete_credential(page: Page) -> Response:
    async def work(c: Console) -> Response:
        u = await user(c, page.request.path_params["id"])
        c.require("manage-users")
        credential_id = page.request.path_params["credential"]
        here = user_path(c, u, "/credentials")
        if not confirmed(page):
            return page.confirm(
                title="Delete credential?",
                question=f"Delete this credential of {u.username}? They can no longer sign in with it.",
                action=f"{here}/{quote(credential_id, safe='')}/delete",
                button="Delete",
                cancel=here,
                fields={"confirmed": "yes"},
            )
        found = await views.delete_credential(c, u, credential_id)
        return page.redirect(here, flash=f"The {found.type} credential has been deleted.")

    return await run(page, work, write=True)


IMPERSONATE = (
    "Are you sure you want to log in as this user? If this user is in the same realm as you, your current "
    "login session will be logged out before you are logged in as this user."
)  # Keycloak's impersonateConfirm


@ADMIN.action("/{target}/users/{id}/impersonate")
async def impersonate(page: Page) -> Response:
    """``POST users/{id}/impersonation`` (its checks, its session, its cookies), then the browser goes to the
    redirect it answers, as Keycloak's console opens it."""

    async def work(c: Console) -> Response:
        user_id = page.request.path_params["id"]
        here = f"/{quote(c.realm.name, safe='')}/users/{quote(user_id, safe='')}"
        if not confirmed(page):
            c.require("impersonation")
            return page.confirm(
                title="Impersonate user?",
                question=IMPERSONATE,
                action=f"{here}/impersonate",
                button="Impersonate",
                cancel=f"{here}/details",
                fields={"confirmed": "yes"},
            )
        sid = page.claims.get("sid")  # the console's session: ended first in the administrator's own realm
        caller = dataclasses.replace(c.identity, session_id=str(sid) if sid else None)
        try:
            started = await impersonation.start(page.request, c.tx, caller, c.realm, user_id, c.now)
        except AdminError as err:
            text = "You need the impersonation role of this realm for this action." if err.status == 403 else None
            return page.error(text or err.description or err.message, err.status)
        response = RedirectResponse(started.redirect, 303)
        await impersonation.set_cookies(page.request, c.tx, c.realm, started, response)
        c.changed("POST", "users", user_id, "impersonation")
        return response

    return await run(page, work, write=True)

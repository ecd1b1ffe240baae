"""Page: bulk revocation of offline sessions (``/{realm}/offline-sessions/revoke``): the criteria form,
Preview (count and sample, nothing changes), then Revoke behind a confirm step. docs/bulk-revocation.md."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.admin.bulk_revoke import CriteriaError
from doorkeep.web.admin_console import views_bulk_revoke as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, render, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.console.base import Page

PATH = "/offline-sessions/revoke"


def _here(c: Console, suffix: str = "") -> str:
    return f"/{quote(c.realm.name, safe='')}{PATH}{suffix}"


async def _form(
    page: Page, c: Console, form: dict[str, str], *, error: str = "", found: views.Preview | None = None
) -> Response:
    return await render(
        page,
        c,
        "admin/bulk_revoke.html",
        title="Bulk revocation of offline sessions",
        section="Sessions",
        status=400 if error else 200,
        form=form,
        error=error,
        found=found,
        preview_action=_here(c, "/preview"),
        revoke_action=_here(c, "/run"),
        may_revoke=c.can("manage-users"),
    )


@ADMIN.page("/{target}" + PATH)
async def bulk_revoke(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-users")
        query = page.request.query_params  # a link may fill criteria in (a client's Offline Access tab: ?client=)
        return await _form(page, c, {key: query[key][:255] for key in views.FIELDS if query.get(key)})

    return await run(page, work)


@ADMIN.action("/{target}" + PATH + "/preview")
async def preview(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-users")  # before the criteria are read, as the REST call checks the caller first
        form = {key: value for key, value in fields(page).items() if key in views.FIELDS}
        try:
            found = await views.preview(c, views.criteria_of(form, dry_run=True))
        except CriteriaError as err:
            return await _form(page, c, form, error=str(err))
        return await _form(page, c, form, found=found)

    return await run(page, work)


@ADMIN.action("/{target}" + PATH + "/run")
async def revoke(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-users")  # before the criteria are read and the confirm step is offered
        form = {key: value for key, value in fields(page).items() if key in views.FIELDS}
        try:
            criteria = views.criteria_of(form, dry_run=False)
            if not confirmed(page):
                found = await views.preview(c, criteria)
                return page.confirm(
                    title="Revoke offline sessions?",
                    button="Revoke",
                    action=_here(c, "/run"),
                    cancel=_here(c),
                    question=f"End the {found.count} offline session(s) matching these criteria? Their offline "
                    "tokens stop working at once.",
                    fields={**form, "confirmed": "yes"},
                )
            ended = await views.revoke(c, form)
        except CriteriaError as err:
            return await _form(page, c, form, error=str(err))
        return page.redirect(_here(c), flash=f"Ended {ended} offline session(s).")

    return await run(page, work, write=True)

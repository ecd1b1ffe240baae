"""Pages: the Events section's Admin events tab (Keycloak's console: Events → Admin events) and its settings."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.admin.admin_events import OPERATION_TYPES, RESOURCE_TYPES
from doorkeep.web.admin_console import views_admin_events as views
from doorkeep.web.admin_console.console import ADMIN, render, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.console.base import Page

EVENT_TABS = (("User events", "/events"), ("Admin events", "/events/admin-events"))


def event_tabs(c: Console) -> list[tuple[str, str]]:
    return [(label, f"/{quote(c.realm.name, safe='')}{path}") for label, path in EVENT_TABS]


@ADMIN.page("/{target}/events/admin-events")
async def admin_events(page: Page) -> Response:
    async def work(c: Console) -> Response:
        first, size = paging(page.request.query_params)
        filters, found = await views.admin_events(c, page.request.query_params, first, size)
        return await render(
            page,
            c,
            "admin/admin_events.html",
            title="Events",
            section="Events",
            tabs=event_tabs(c),
            tab="Admin events",
            filters=filters,
            page_=found,
            operation_types=OPERATION_TYPES,
            resource_types=RESOURCE_TYPES,
            pretty=views.pretty,
            realm=c.realm,
            editable=c.can("manage-events"),
            status=400 if filters.errors else 200,
        )

    return await run(page, work)


@ADMIN.action("/{target}/events/admin-events/settings")
async def save_settings(page: Page) -> Response:
    """Save events / Include representation, stored as given (as ``PUT /events/config`` does)."""

    async def work(c: Console) -> Response:
        enabled = page.form.get("adminEventsEnabled") == "on"
        details = page.form.get("adminEventsDetailsEnabled") == "on"
        await views.save_settings(c, enabled, details)
        return page.redirect(
            f"/{quote(c.realm.name, safe='')}/events/admin-events", flash="Admin events settings saved."
        )

    return await run(page, work, write=True)

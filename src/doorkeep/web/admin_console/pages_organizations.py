"""Pages: Organizations (manage-organizations or manage-realm, as the Admin REST's ``organizations``): the list
with search and paging, Create organization, an organization's Settings and Attributes tabs and Delete; its
Members tab is pages_organization_members.py, its Roles tab pages_organization_roles.py, its Identity providers tab
pages_organization_idps.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.errors import AdminError
from doorkeep.organizations.model import Organization
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin_console import views_organizations as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, fields, render, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.console.base import Page

LIST = "/organizations"
NEW = LIST + "/new"
ONE = LIST + "/{id}"
SECTION = "Organizations"
TABS = (
    ("Settings", "/settings"),
    ("Attributes", "/attributes"),
    ("Members", "/members"),
    ("Roles", "/roles"),
    ("Invitations", "/invitations"),
    ("Groups", "/groups"),
    ("Identity providers", "/identity-providers"),
    ("Domains", "/domains"),
)
VIEWABLE = (("Roles", "/roles"),)  # the tabs view-organizations opens (read only)


def here(c: Console, org: Organization | None = None, tab: str = "") -> str:
    """The console path of the list, or of one organization's ``tab``."""
    base = f"/{quote(c.realm.name, safe='')}{LIST}"
    return base if org is None else f"{base}/{quote(org.id, safe='')}{tab}"


async def org_tab(page: Page, c: Console, org: Organization, tab: str, template: str, **context: Any) -> Response:
    """One tab of an organization's page; whoever may only view organizations is shown the tabs it may open (Roles)."""
    shown = TABS if access.identity_can(c.identity, c.realm, access.MANAGE) else VIEWABLE
    return await render(
        page,
        c,
        template,
        title=f"Organization {org.name}",
        section=SECTION,
        org=org,
        tabs=[(label, here(c, org, path)) for label, path in shown],
        tab=tab,
        **context,
    )


async def after_confirming(
    page: Page,
    *,
    title: str,
    question: str,
    action: str,
    back: str,
    write: Callable[[], Awaitable[None]],
    done: str,
    then: str | None = None,
) -> Response:
    """A destructive action: the confirm step first (Cancel goes ``back``), then ``write`` and a redirect to ``then``
    (else ``back``) saying ``done``; the write's refusal (the REST call's) is a flash on ``back``."""
    if not confirmed(page):
        button = title.split(" ", 1)[0]
        fields = {"confirmed": "yes"}
        return page.confirm(title=title, question=question, action=action, button=button, cancel=back, fields=fields)
    try:
        await write()
    except AdminError as err:
        return page.redirect(back, flash=err.message, kind="error")
    return page.redirect(then or back, flash=done)


@ADMIN.page("/{target}" + LIST)
async def organization_list(page: Page) -> Response:
    async def work(c: Console) -> Response:
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        found = await views.listed(c, search, first, size)
        return await render(
            page, c, "admin/organizations.html", title=SECTION, section=SECTION, page_=found, search=search
        )

    return await run(page, work)


async def _new(page: Page, c: Console, form: FormState, status: int = 200) -> Response:
    return await render(
        page, c, "admin/organization.html", title="Create organization", section=SECTION, status=status, form=form
    )


@ADMIN.page("/{target}" + NEW)
async def new_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        views.require(c)
        return await _new(page, c, views.form_of(None))

    return await run(page, work)


@ADMIN.action("/{target}" + NEW)
async def create(page: Page) -> Response:
    async def work(c: Console) -> Response:
        try:
            org = await views.create(c, fields(page))
        except FormErrors as err:
            return await _new(page, c, err.state, 400)
        return page.redirect(here(c, org, "/settings"), flash=f"Organization {org.name} created.")

    return await run(page, work, write=True)


@ADMIN.page("/{target}" + ONE)
async def organization(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, page.request.path_params["id"])
        return page.redirect(here(c, org, "/settings"))

    return await run(page, work)


async def _settings(page: Page, c: Console, org: Organization, form: FormState, status: int = 200) -> Response:
    return await org_tab(page, c, org, "Settings", "admin/organization.html", form=form, status=status)


@ADMIN.page("/{target}" + ONE + "/settings")
async def settings(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, page.request.path_params["id"])
        return await _settings(page, c, org, views.form_of(org))

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + "/settings")
async def save(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, page.request.path_params["id"])
        try:
            saved = await views.update(c, org, fields(page))
        except FormErrors as err:
            return await _settings(page, c, org, err.state, 400)
        return page.redirect(here(c, org, "/settings"), flash=f"Organization {saved.name} saved.")

    return await run(page, work, write=True)


@ADMIN.page("/{target}" + ONE + "/attributes")
async def attributes(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, page.request.path_params["id"])
        rows = views.attribute_rows(org)
        return await org_tab(page, c, org, "Attributes", "admin/organization_attributes.html", rows=rows)

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + "/attributes")
async def save_attributes(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, page.request.path_params["id"])
        await views.set_attributes(c, org, page.form.all("key"), page.form.all("value"))
        return page.redirect(here(c, org, "/attributes"), flash="The attributes have been saved.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + "/delete")
async def delete(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, page.request.path_params["id"])
        return await after_confirming(
            page,
            title="Delete organization?",
            question=f"Delete the organization {org.name}? Its members stay in the realm, no longer its members.",
            action=here(c, org, "/delete"),
            back=here(c, org, "/settings"),
            write=lambda: views.delete(c, org),
            done=f"Organization {org.name} deleted.",
            then=here(c),
        )

    return await run(page, work, write=True)

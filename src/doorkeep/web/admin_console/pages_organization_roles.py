"""Pages: Organizations → an organization's Roles tab (Keycloak's main branch after 26.8.0): the roles (search,
paging), Create role, a role's Details, Associated roles, Attributes and Users in role tabs, Delete after a confirm
step; and a member's organization roles (Members → Role mapping). The rules are views_organization_roles.py's."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.errors import AdminError
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin_console import views_organization_roles as views
from doorkeep.web.admin_console.console import ADMIN, fields, run
from doorkeep.web.admin_console.context import Console, page_of, paging
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_organizations import ONE, after_confirming, here, org_tab
from doorkeep.web.console.base import Page

TAB = "/roles"
ROLE = TAB + "/{role}"
MEMBER = "/members/{user}/roles"
ROLE_TABS = (
    ("Details", "/details"),
    ("Associated roles", "/associated-roles"),
    ("Attributes", "/attributes"),
    ("Users in role", "/users-in-role"),
)


def _q(value: str) -> str:
    return quote(value, safe="")


def role_here(c: Console, org: Organization, found: OrganizationRole, tab: str = "/details") -> str:
    return here(c, org, f"{TAB}/{_q(found.id)}{tab}")


def _params(page: Page, name: str) -> str:
    return str(page.request.path_params[name])


def _search(page: Page) -> str:
    return page.request.query_params.get("search", "").strip()[:255]


async def _loaded(page: Page, c: Console, need: str = access.VIEW) -> tuple[Organization, OrganizationRole]:
    org = await views.organization(c, _params(page, "id"), need)
    return org, await views.role(c, org, _params(page, "role"))


async def role_tab(
    page: Page, c: Console, org: Organization, found: OrganizationRole, tab: str, template: str, **context: Any
) -> Response:
    """One tab of a role's page (the default role has no Attributes or Users in role tab, as Keycloak's)."""
    shown = [
        (label, path) for label, path in ROLE_TABS if not found.default or path in ("/details", "/associated-roles")
    ]
    tabs = [(label, role_here(c, org, found, path)) for label, path in shown]
    if c.can("view-events"):  # Keycloak's Admin events tab: the role's own path
        resource = quote(f"organizations/{org.id}/roles/{found.id}", safe="")
        tabs.append(("Admin events", f"/{_q(c.realm.name)}/events/admin-events?resourcePath={resource}"))
    return await org_tab(
        page,
        c,
        org,
        "Roles",
        template,
        role=found,
        role_tabs=tabs,
        role_tab=tab,
        can_manage=views.can(c, access.MANAGE),
        **context,
    )


@ADMIN.page("/{target}" + ONE + TAB)
async def listing(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, _params(page, "id"))
        search = _search(page)
        first, size = paging(page.request.query_params)
        found = await views.listed(c, org, search, first, size)
        can_manage = views.can(c, access.MANAGE)
        return await org_tab(
            page, c, org, "Roles", "admin/organization_roles.html", page_=found, search=search, can_manage=can_manage
        )

    return await run(page, work)


async def _new(page: Page, c: Console, org: Organization, form: FormState, status: int = 200) -> Response:
    return await org_tab(page, c, org, "Roles", "admin/organization_role_new.html", form=form, status=status)


@ADMIN.page("/{target}" + ONE + TAB + "/new")
async def new_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, _params(page, "id"), access.MANAGE)
        return await _new(page, c, org, views.form_of(None))

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + TAB + "/new")
async def create(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, _params(page, "id"), access.MANAGE)
        try:
            made = await views.create(c, org, fields(page))
        except FormErrors as err:
            return await _new(page, c, org, err.state, 400)
        return page.redirect(role_here(c, org, made), flash="Role created")

    return await run(page, work, write=True)


async def _details(
    page: Page, c: Console, org: Organization, found: OrganizationRole, form: FormState, status: int = 200
) -> Response:
    return await role_tab(page, c, org, found, "Details", "admin/organization_role.html", form=form, status=status)


@ADMIN.page("/{target}" + ONE + ROLE + "/details")
async def details(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c)
        return await _details(page, c, org, found, views.form_of(found))

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + ROLE + "/details")
async def save(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        try:
            await views.update(c, org, found, fields(page))
        except FormErrors as err:
            return await _details(page, c, org, found, err.state, 400)
        return page.redirect(role_here(c, org, found), flash="The role has been saved")

    return await run(page, work, write=True)


@ADMIN.page("/{target}" + ONE + ROLE + "/attributes")
async def attributes(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c)
        rows = views.attribute_rows(found)
        return await role_tab(page, c, org, found, "Attributes", "admin/organization_role_attributes.html", rows=rows)

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + ROLE + "/attributes")
async def save_attributes(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        back = role_here(c, org, found, "/attributes")
        try:
            await views.set_attributes(c, org, found, page.form.all("key"), page.form.all("value"))
        except AdminError as err:
            return page.redirect(back, flash=err.message, kind="error")
        return page.redirect(back, flash="The role has been saved")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + ROLE + "/delete")
async def delete(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        return await after_confirming(
            page,
            title="Delete role?",
            question=f"Delete the role {found.name} of the organization {org.name}? Its members lose it.",
            action=role_here(c, org, found, "/delete"),
            back=role_here(c, org, found),
            write=lambda: views.delete(c, org, found),
            done="The role has been deleted",
            then=here(c, org, TAB),
        )

    return await run(page, work, write=True)


# --- Associated roles ----------------------------------------------------------------------------------------------
@ADMIN.page("/{target}" + ONE + ROLE + "/associated-roles")
async def associated(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c)
        search = _search(page)
        first, size = paging(page.request.query_params)
        rows = await views.composites(c, found, search)
        shown = page_of(rows[first : first + size + 1], first, size, len(rows))
        template = "admin/organization_role_composites.html"
        return await role_tab(
            page, c, org, found, "Associated roles", template, rows=shown.items, page_=shown, search=search, adding=""
        )

    return await run(page, work)


@ADMIN.page("/{target}" + ONE + ROLE + "/associated-roles/add")
async def add_associated_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        source = page.request.query_params.get("source", "")
        source = source if source in views.SOURCES else views.SOURCES[0]
        search = _search(page)
        rows = await views.available(c, org, found, source, search)
        template = "admin/organization_role_composites.html"
        return await role_tab(
            page,
            c,
            org,
            found,
            "Associated roles",
            template,
            rows=rows,
            search=search,
            adding=source,
            sources=views.SOURCES,
        )

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + ROLE + "/associated-roles/add")
async def add_associated(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        back = role_here(c, org, found, "/associated-roles")
        try:
            await views.add_composites(c, org, found, page.form.all("id"))
        except AdminError as err:
            return page.redirect(back + "/add", flash=err.message, kind="error")
        return page.redirect(back, flash="Associated roles have been added")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + ROLE + "/associated-roles/{child}/remove")
async def remove_associated(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        child = _params(page, "child")
        back = role_here(c, org, found, "/associated-roles")
        return await after_confirming(
            page,
            title="Remove associated role?",
            question=f"Remove this associated role from the role {found.name}?",
            action=f"{back}/{_q(child)}/remove",
            back=back,
            write=lambda: views.remove_composite(c, org, found, child),
            done="The associated role has been removed",
        )

    return await run(page, work, write=True)


# --- Users in role -------------------------------------------------------------------------------------------------
@ADMIN.page("/{target}" + ONE + ROLE + "/users-in-role")
async def users(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c)
        first, size = paging(page.request.query_params)
        held = await views.holders(c, found, first, size)
        template = "admin/organization_role_users.html"
        return await role_tab(
            page, c, org, found, "Users in role", template, page_=held, may_map=views.may_map(c), adding=False
        )

    return await run(page, work)


@ADMIN.page("/{target}" + ONE + ROLE + "/users-in-role/add")
async def add_users_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        search = _search(page)
        found_users = await views.candidates(c, org, found, search)
        template = "admin/organization_role_users.html"
        return await role_tab(
            page, c, org, found, "Users in role", template, candidates=found_users, search=search, adding=True
        )

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + ROLE + "/users-in-role/add")
async def add_users(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        back = role_here(c, org, found, "/users-in-role")
        try:
            added = await views.grant(c, org, found, page.form.all("id"))
        except AdminError as err:
            return page.redirect(back + "/add", flash=err.message, kind="error")
        names = ", ".join(u.username for u in added)
        return page.redirect(back, flash=f"Role {found.name} given to {names}.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + ROLE + "/users-in-role/{user}/remove")
async def remove_user(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org, found = await _loaded(page, c, access.MANAGE)
        user_id = _params(page, "user")
        back = role_here(c, org, found, "/users-in-role")
        return await after_confirming(
            page,
            title="Remove user from role?",
            question=f"Take the role {found.name} from this user? The user stays a member of {org.name}.",
            action=f"{back}/{_q(user_id)}/remove",
            back=back,
            write=lambda: _revoked(c, org, found, user_id),
            done="The user has been removed from the role",
        )

    return await run(page, work, write=True)


async def _revoked(c: Console, org: Organization, found: OrganizationRole, user_id: str) -> None:
    await views.revoke(c, org, found, user_id)


# --- a member's role mapping ---------------------------------------------------------------------------------------
@ADMIN.page("/{target}" + ONE + MEMBER)
async def member_roles(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, _params(page, "id"))
        user = await views.member(c, org, _params(page, "user"))
        inherited = page.request.query_params.get("inherited") == "on"
        rows = await views.member_roles(c, org, user, inherited)
        return await org_tab(
            page,
            c,
            org,
            "Members",
            "admin/organization_member_roles.html",
            member=user,
            rows=rows,
            inherited=inherited,
            may_map=views.may_map(c),
            assigning=None,
        )

    return await run(page, work)


@ADMIN.page("/{target}" + ONE + MEMBER + "/assign")
async def assign_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, _params(page, "id"), access.MANAGE)
        user = await views.member(c, org, _params(page, "user"))
        c.require("manage-users")
        choices = await views.assignable(c, org, user)
        return await org_tab(
            page, c, org, "Members", "admin/organization_member_roles.html", member=user, assigning=choices
        )

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + MEMBER + "/assign")
async def assign(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, _params(page, "id"), access.MANAGE)
        user = await views.member(c, org, _params(page, "user"))
        back = here(c, org, f"/members/{_q(user.id)}/roles")
        try:
            await views.assign(c, org, user, page.form.all("id"))
        except AdminError as err:
            return page.redirect(back + "/assign", flash=err.message, kind="error")
        return page.redirect(back, flash="Role mapping updated")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + MEMBER + "/{role}/unassign")
async def unassign(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await views.organization(c, _params(page, "id"), access.MANAGE)
        user = await views.member(c, org, _params(page, "user"))
        role_id = _params(page, "role")
        back = here(c, org, f"/members/{_q(user.id)}/roles")
        return await after_confirming(
            page,
            title="Unassign role?",
            question=f"Take this organization role from {user.username}?",
            action=f"{back}/{_q(role_id)}/unassign",
            back=back,
            write=lambda: _unassigned(c, org, user.id, role_id),
            done="Role mapping updated",
        )

    return await run(page, work, write=True)


async def _unassigned(c: Console, org: Organization, user_id: str, role_id: str) -> None:
    user = await views.member(c, org, user_id)
    await views.unassign(c, org, user, role_id)

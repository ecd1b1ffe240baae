"""Pages: Organizations → an organization's Members tab (list, Add realm users, Invite member, Remove after a
confirm step)."""

from __future__ import annotations

import dataclasses
import logging
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.email import smtp
from doorkeep.errors import AdminError
from doorkeep.organizations import invitation_mail, invitations, stored_invitations
from doorkeep.organizations.model import Organization
from doorkeep.organizations.writes import MEMBERSHIP
from doorkeep.web.admin.audit import Change
from doorkeep.web.admin_console import views_organization_members as views
from doorkeep.web.admin_console.console import ADMIN, fields, record, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.pages_organizations import ONE, after_confirming, here, org_tab
from doorkeep.web.admin_console.views_organizations import organization
from doorkeep.web.console.base import Page
from doorkeep.web.http import issuer, state, transaction

TAB = "/members"
log = logging.getLogger(__name__)


@ADMIN.page("/{target}" + ONE + TAB)
async def members(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        kind = page.request.query_params.get("membershipType", "")
        found = await views.members(c, org, search, kind, first, size)
        return await org_tab(
            page,
            c,
            org,
            "Members",
            "admin/organization_members.html",
            page_=found,
            search=search,
            kind=kind if kind in views.KINDS else "",
            kinds=views.KINDS,
            adding=False,
        )

    return await run(page, work)


@ADMIN.page("/{target}" + ONE + TAB + "/add")
async def add_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        search = page.request.query_params.get("search", "").strip()[:255]
        first, size = paging(page.request.query_params)
        found = await views.candidates(c, org, search, first, size)
        return await org_tab(
            page, c, org, "Members", "admin/organization_members.html", page_=found, search=search, kind="", adding=True
        )

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + TAB + "/add")
async def add(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        try:
            added = await views.add(c, org, page.form.all("id"))
        except AdminError as err:
            return page.redirect(here(c, org, TAB + "/add"), flash=err.message, kind="error")
        return page.redirect(here(c, org, TAB), flash=f"Added to {org.name}: {', '.join(added)}.")

    return await run(page, work, write=True)


@ADMIN.action("/{target}" + ONE + TAB + "/{user}/remove")
async def remove(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        c.require("manage-users")  # removing a member asks it, as the REST call does (Keycloak 26.7)
        user_id = page.request.path_params["user"]
        back = here(c, org, TAB)
        return await after_confirming(
            page,
            title="Remove member?",
            question=f"Remove this user from the organization {org.name}? The user stays in the realm.",
            action=f"{back}/{quote(user_id, safe='')}/remove",
            back=back,
            write=lambda: views.remove(c, org, user_id),
            done="The member has been removed.",
        )

    return await run(page, work, write=True)


async def _invite_form(page: Page, c: Console, org_id: str, form: FormState, status: int = 200) -> Response:
    org = await organization(c, org_id)
    return await org_tab(page, c, org, "Members", "admin/organization_invite.html", form=form, status=status)


@ADMIN.page("/{target}" + ONE + TAB + "/invite")
async def invite_form(page: Page) -> Response:
    async def work(c: Console) -> Response:
        return await _invite_form(page, c, page.request.path_params["id"], FormState())

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + TAB + "/invite")
async def invite(page: Page) -> Response:
    """The checks, the token and the mail in a reading transaction; the mail sent after it; the admin event
    (ACTION ORGANIZATION_MEMBERSHIP at ``members/invite-user``) recorded once it is sent, as the REST call does."""
    services = state(page.request).services
    made: dict[str, object] = {}

    async def prepare(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        try:
            prepared = await views.invitation(c, org, fields(page), services, issuer(page.request, c.realm.name))
        except FormErrors as err:
            return await _invite_form(page, c, org.id, err.state, 400)
        made.update(console=c, org=org, prepared=prepared)
        return Response(status_code=204)

    answered = await run(page, prepare)
    if answered.status_code != 204:
        return answered
    c, org, prepared = made["console"], made["org"], made["prepared"]
    assert isinstance(c, Console) and isinstance(org, Organization) and isinstance(prepared, invitation_mail.Prepared)
    segments = ("organizations", org.id, "members", "invite-user")
    if not await deliver(page, c, prepared, segments):
        return page.redirect(here(c, org, TAB + "/invite"), flash=invitations.SEND_FAILED, kind="error")
    return page.redirect(here(c, org, TAB), flash=f"Invitation sent to {prepared.mail.to}.")


async def deliver(page: Page, c: Console, prepared: invitation_mail.Prepared, segments: tuple[str, ...]) -> bool:
    """Send the prepared invitation's mail; once sent, store the invitation and record the REST call's ACTION
    ORGANIZATION_MEMBERSHIP event at ``segments`` in a transaction of their own. False: the mail was not sent."""
    try:
        await state(page.request).send_mail(c.realm, c.realm.smtp_server, prepared.mail)
    except smtp.EmailError as err:
        log.error("Failed to send email: %s", err)  # ServicesLogger.failedToSendEmail, never the link
        return False
    change = Change("POST", segments, None, MEMBERSHIP, "ACTION")
    async with transaction(page.request) as tx:
        await stored_invitations.save(tx, prepared)
        await record(page, dataclasses.replace(c, tx=tx, changes=[change]))
    return True

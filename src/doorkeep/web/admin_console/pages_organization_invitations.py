"""Pages: Organizations → an organization's Invitations tab (Keycloak 26.4's Invitations: the stored invitations
with search and a status filter, Resend invitation, Delete invitation after a confirm step)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.errors import AdminError
from doorkeep.organizations import invitation_mail, invitations
from doorkeep.web.admin_console import views_organization_invitations as views
from doorkeep.web.admin_console.console import ADMIN, run
from doorkeep.web.admin_console.context import Console, paging
from doorkeep.web.admin_console.pages_organization_members import deliver
from doorkeep.web.admin_console.pages_organizations import ONE, after_confirming, here, org_tab
from doorkeep.web.admin_console.views_organizations import organization
from doorkeep.web.console.base import Page
from doorkeep.web.http import issuer, state

TAB = "/invitations"


@ADMIN.page("/{target}" + ONE + TAB)
async def listing(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        search = page.request.query_params.get("search", "").strip()[:255]
        status = page.request.query_params.get("status", "")
        first, size = paging(page.request.query_params)
        found = await views.invitations(c, org, search, status, first, size)
        shown = status if status in views.STATUSES else ""
        template = "admin/organization_invitations.html"
        context = {"page_": found, "search": search, "chosen": shown, "statuses": views.STATUSES}
        return await org_tab(page, c, org, "Invitations", template, **context)

    return await run(page, work)


@ADMIN.action("/{target}" + ONE + TAB + "/{inv}/resend")
async def resend(page: Page) -> Response:
    """The checks and the new mail in a reading transaction; sent after it; the invitation replaced and the REST
    call's ACTION event recorded once sent."""
    services, invitation_id = state(page.request).services, page.request.path_params["inv"]
    made: dict[str, object] = {}

    async def prepare(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        try:
            made["prepared"] = await views.resend(c, org, invitation_id, services, issuer(page.request, c.realm.name))
        except AdminError as err:
            return page.redirect(here(c, org, TAB), flash=err.message, kind="error")
        made.update(console=c, back=here(c, org, TAB))
        return Response(status_code=204)

    answered = await run(page, prepare)
    if answered.status_code != 204:
        return answered
    c, back, prepared = made["console"], str(made["back"]), made["prepared"]
    assert isinstance(c, Console) and isinstance(prepared, invitation_mail.Prepared)
    segments = ("organizations", prepared.invitation.organization_id, "invitations", invitation_id, "resend")
    if not await deliver(page, c, prepared, segments):
        return page.redirect(back, flash=invitations.SEND_FAILED, kind="error")
    return page.redirect(back, flash=f"Invitation sent again to {prepared.mail.to}.")


@ADMIN.action("/{target}" + ONE + TAB + "/{inv}/delete")
async def delete(page: Page) -> Response:
    async def work(c: Console) -> Response:
        org = await organization(c, page.request.path_params["id"])
        invitation_id = page.request.path_params["inv"]
        back = here(c, org, TAB)
        return await after_confirming(
            page,
            title="Delete invitation?",
            question=f"Delete this invitation to {org.name}? A link already sent will no longer work.",
            action=f"{back}/{quote(invitation_id, safe='')}/delete",
            back=back,
            write=lambda: views.delete(c, org, invitation_id),
            done="The invitation has been deleted.",
        )

    return await run(page, work, write=True)

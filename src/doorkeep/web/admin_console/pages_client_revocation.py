"""A client's revocation policy on its Advanced tab (Keycloak's AdvancedTab "Revocation" panel): the client's
not-before with **Set to now**, **Clear** and **Push**, each after a confirm step.

Set to now and Clear store the client as Keycloak's console does (``PUT clients/{id}`` with ``notBefore``
changed, recorded as that PUT); every token the client holds that was issued before the time is refused, its
offline tokens included. Push sends ``k_push_not_before`` to the client's admin URL after the transaction, as
``POST clients/{id}/push-revocation`` does, which records no admin event (ClientResource.pushRevocation).
"""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.model import Client
from doorkeep.oauth import backchannel
from doorkeep.web.admin_console import views_clients as views
from doorkeep.web.admin_console.console import ADMIN, confirmed, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.console.base import Page
from doorkeep.web.http import realm_base_url, state

QUESTIONS = {
    "set-to-now": (
        "Set the client's not-before to now?",
        "Every token of {client} issued before now stops working: access, refresh and offline tokens of "
        "every user. Its users must sign in to it again.",
        "Set to now",
    ),
    "clear": (
        "Clear the client's not-before?",
        "Tokens of {client} issued before its current not-before time are accepted again, unless they have "
        "expired or the realm's not-before refuses them.",
        "Clear",
    ),
    "push": (
        "Push the client's not-before?",
        "The admin URL of {client} is sent its not-before time.",
        "Push",
    ),
}


def _client(c: Console, cl: Client) -> str:
    return f"/{quote(c.realm.name, safe='')}/clients/{quote(cl.id, safe='')}"


def _action(kind: str) -> None:
    async def action(page: Page) -> Response:
        push: list[tuple[str, Console, Client]] = []

        async def work(c: Console) -> Response:
            cl = await views.client(c, page.request.path_params["id"])
            c.require("manage-clients")
            back = _client(c, cl) + "/advanced"
            if not confirmed(page):
                title, question, button = QUESTIONS[kind]
                return page.confirm(
                    title=title,
                    question=question.format(client=cl.client_id),
                    action=_client(c, cl) + f"/revocation/{kind}",
                    button=button,
                    cancel=back,
                    fields={"confirmed": "yes"},
                )
            if kind == "push":  # sent once this transaction has ended, as the REST endpoint does
                push.append((back, c, cl))
                return page.redirect(back)
            saved = await views.save(c, cl, dataclasses.replace(cl, not_before=c.now if kind == "set-to-now" else 0))
            text = (
                f"Not-before of {cl.client_id} set to now: its earlier tokens no longer work."
                if saved.not_before
                else f"Not-before of {cl.client_id} cleared."
            )
            return page.redirect(back, flash=text)

        response = await run(page, work, write=True)
        if not push:
            return response
        back, console, cl = push[0]
        result = await state(page.request).notifier.admin_action(
            realm_base_url(page.request, console.realm),
            console.realm.id,
            [cl],
            cl.not_before,  # the client's own, as the REST call sends it (pushClientRevocationPolicy)
            backchannel.PUSH_NOT_BEFORE,
        )
        sent, failed = result.get("successRequests", []), result.get("failedRequests", [])
        if not sent and not failed:
            return page.redirect(back, flash=f"{cl.client_id} has no admin URL: nothing was pushed.", kind="info")
        if failed:
            return page.redirect(back, flash=f"Push failed: {', '.join(failed)}.", kind="error")
        return page.redirect(back, flash=f"Pushed to {', '.join(sent)}.")

    ADMIN.action(f"/{{target}}/clients/{{id}}/revocation/{kind}")(action)


for _kind in QUESTIONS:
    _action(_kind)

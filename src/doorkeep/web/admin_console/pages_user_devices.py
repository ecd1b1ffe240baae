"""Action: on a user's Sessions tab, "Remove all other devices": end every offline session of the user
but the one chosen (all of them when none is), after a confirm step; as
``DELETE /admin/realms/{r}/users/{id}/offline-sessions?keep=`` does. docs/offline-devices.md."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from doorkeep.users.offline_devices import end_other_offline
from doorkeep.web.admin_console import views_users
from doorkeep.web.admin_console.console import ADMIN, confirmed, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.console.base import Page


@ADMIN.action("/{target}/users/{id}/offline-sessions/remove-others")
async def remove_other_devices(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-users")
        user = await views_users.user(c, page.request.path_params["id"])
        base = f"/{quote(c.realm.name, safe='')}/users/{quote(user.id, safe='')}"
        keep = page.form.get("keep") or ""
        if not confirmed(page):
            kept = "the chosen one" if keep else "none"
            return page.confirm(
                title="Remove all other devices?",
                button="Remove",
                action=f"{base}/offline-sessions/remove-others",
                cancel=f"{base}/sessions",
                question=f"End every offline session of {user.username} but {kept}? Their offline tokens "
                "stop working at once.",
                fields={"keep": keep, "confirmed": "yes"},
            )
        ended = await end_other_offline(c.tx, user.id, keep or None)
        c.changed("DELETE", "users", user.id, "offline-sessions")
        return page.redirect(f"{base}/sessions", flash=f"Ended {ended} offline session(s) of {user.username}.")

    return await run(page, work, write=True)

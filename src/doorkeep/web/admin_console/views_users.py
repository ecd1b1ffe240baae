"""Users: list and search, and per user the Consents tab (granted scopes, the "Offline Token" grant, Revoke).

Reads need view-users, revoking manage-users, as ``GET``/``DELETE users/{id}/consents``. The consents
are those the REST API lists (``web.admin.sessions``), and revoking is ``service.revoke_grant``, the
operation behind both the admin and the account API: the consent goes and the client's offline tokens
stop working at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.admin import user_search
from doorkeep.model import User
from doorkeep.sessions import triggered
from doorkeep.web.admin import sessions as admin_sessions
from doorkeep.web.admin_console.context import Console, Missing, Page, page_of
from doorkeep.web.admin_console.views_sessions import live

OFFLINE_TOKEN = admin_sessions.OFFLINE_TOKEN


@dataclass(frozen=True)
class ConsentRow:
    client_id: str
    scopes: tuple[str, ...]
    created: int | None  # epoch ms, None for an offline grant without a stored consent
    updated: int | None
    offline_token: bool


async def list_users(c: Console, search: str, first: int, size: int) -> Page[User]:
    """Users by username; ``search`` as Keycloak's (prefix of username, e-mail or names, ``*`` wildcard)."""
    c.require("view-users")
    params = {"search": search} if search else {}
    found = await user_search.list_users(c.tx, c.realm, params, first, size + 1)
    return page_of(found, first, size)


async def user(c: Console, user_id: str) -> User:
    c.require("view-users")
    found = await c.tx.users.get(user_id)
    if found is None or found.realm_id != c.realm.id:
        raise Missing("User not found")
    return found


async def consents(c: Console, u: User) -> list[ConsentRow]:
    c.require("view-users")
    if not c.can("view-clients"):  # the REST listing's rule: consents name clients (UserSessionClientVisibilityTest)
        return []
    filters = {False: await live(c, False), True: await live(c, True)}
    items = await admin_sessions._consents(c.tx, u, filters)  # the REST listing itself
    return [
        ConsentRow(
            str(i["clientId"]),
            tuple(i["grantedClientScopes"]),
            i["createdDate"],
            i["lastUpdatedDate"],
            any(g["key"] == OFFLINE_TOKEN for g in i["additionalGrants"]),
        )
        for i in items
    ]


async def revoke(c: Console, u: User, client_id: str) -> None:
    """Revoke the user's consent and offline tokens for this client, as ``DELETE users/{id}/consents/{clientId}``."""
    c.require("manage-users")
    cl = await c.tx.clients.get_by_client_id(c.realm.id, client_id)
    if cl is None:
        raise Missing("Client not found")
    if not await triggered.revoke_grant(c.tx, c.realm, u.id, cl, await live(c, True)):
        raise Missing("Consent nor offline token not found")
    c.changed("DELETE", "users", u.id, "consents", client_id)

"""Users → a user's Identity provider links tab, as Keycloak's console shows it (UserIdentityProviderLinks.tsx):
the linked providers and those available to link, "Link account" (a provider of this realm, the user's id and
username there) and "Unlink", through broker/user_links.py as ``users/{id}/federated-identity`` does; each write is
recorded as that REST call. View-users sees the tab, manage-users changes it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from doorkeep.broker import providers as idp
from doorkeep.broker import user_links
from doorkeep.errors import AdminError
from doorkeep.model import User
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState

REQUIRED = "Required field"  # Keycloak's console: required


@dataclass(frozen=True)
class Row:
    alias: str
    name: str  # the provider's display name
    account_id: str
    username: str


async def tab(c: Console, u: User) -> tuple[list[Row], list[tuple[str, str]]]:
    """The user's links (``GET federated-identity``) and the realm's providers not linked yet (alias, name)."""
    c.require("view-users")
    linked = [
        Row(f.alias, idp.display_name(c.realm, f.alias), f.federated_user_id or "", f.federated_username or "")
        for f in await user_links.of_user(c.tx, c.realm, u)
    ]
    mine = {r.alias for r in linked}
    available = [(str(p["alias"]), idp.display_name(c.realm, p["alias"])) for p in idp.all_of(c.realm)]
    return linked, [(alias, name) for alias, name in available if alias not in mine]


async def link(c: Console, u: User, form: Mapping[str, str]) -> str:
    """``POST federated-identity/{alias}`` with ``{identityProvider, userId, userName}``; the alias linked. Only a
    provider of this realm is offered, and only one of those is accepted here."""
    c.require("manage-users")
    alias, account_id, username = (form.get(k, "").strip() for k in ("identityProvider", "userId", "userName"))
    typed = FormState({"identityProvider": alias, "userId": account_id, "userName": username})
    if idp.by_alias(c.realm, alias) is None:
        typed.errors["identityProvider"] = "Choose an identity provider of this realm."
    for name in ("userId", "userName"):
        if not typed.values[name]:
            typed.errors[name] = REQUIRED
    if typed.errors:
        raise FormErrors(typed)
    try:
        await user_links.link(c.tx, c.realm, u, alias, account_id, username)
    except AdminError as err:
        typed.errors["form"] = err.message
        raise FormErrors(typed) from None
    rep = {"identityProvider": alias, "userId": account_id, "userName": username}
    c.changed("POST", "users", u.id, "federated-identity", alias, body=rep)
    return alias


async def unlink(c: Console, u: User, alias: str) -> None:
    """``DELETE federated-identity/{alias}``; a link the user does not have is the REST call's 404."""
    c.require("manage-users")
    await user_links.unlink(c.tx, u, alias)
    c.changed("DELETE", "users", u.id, "federated-identity", alias)

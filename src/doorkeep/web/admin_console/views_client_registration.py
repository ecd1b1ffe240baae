"""Clients → Client registration: the realm's initial access tokens, as Keycloak's console shows them
(InitialAccessTokenList, CreateInitialAccessToken).

Listing needs view-clients, creating and deleting manage-clients, as ClientInitialAccessResource checks.
Creating is ``initial_access.issue``, the function behind ``POST clients-initial-access``: its checks, its
error texts, and the token shown this once (never stored). Each write is recorded as its REST call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from doorkeep.errors import AdminError
from doorkeep.model import InitialAccess
from doorkeep.web.admin import initial_access
from doorkeep.web.admin_console.context import Console, Page, page_of
from doorkeep.web.admin_console.forms import FormErrors, FormState, TimeField, read_time
from doorkeep.web.admin_console.timefields import FieldError, whole_number

EXPIRATION = TimeField("expiration", "Expiration", "", "How long the token may be used; 0 never expires.")
COUNT = "count"


async def tokens(c: Console, first: int, size: int) -> Page[InitialAccess]:
    """``GET clients-initial-access`` (view-clients), a page of it. The store lists a realm's tokens whole, as
    the REST call answers them; a realm keeps few (each is made by hand), so the page is cut here."""
    c.require("view-clients")
    listed = await c.tx.initial_access.list(c.realm.id)
    return page_of(listed[first : first + size + 1], first, size, len(listed))


async def create(c: Console, request: Request, form: Mapping[str, str]) -> dict[str, Any]:
    """``POST clients-initial-access`` with ``{expiration, count}`` (manage-clients); the presentation with
    the token, recorded without it."""
    c.require("manage-clients")
    typed = FormState({COUNT: form.get(COUNT, "").strip()})
    expiration = read_time(form, EXPIRATION, typed)
    count: int | None = None
    try:
        count = whole_number(COUNT, "Count", form.get(COUNT) or "1")
    except FieldError as err:
        typed.errors[err.field] = str(err)
    if typed.errors or count is None:
        raise FormErrors(typed)
    rep = {"expiration": expiration or 0, "count": count}
    try:
        made = await initial_access.issue(request, c.tx, c.realm, rep, c.now)
    except AdminError as err:
        typed.errors["form"] = err.description or err.message
        raise FormErrors(typed) from None
    c.changed("POST", "clients-initial-access", str(made["id"]), body=rep)
    return made


async def delete(c: Console, token_id: str) -> None:
    """``DELETE clients-initial-access/{id}`` (manage-clients): 204 whether or not it existed, as Keycloak."""
    c.require("manage-clients")
    await c.tx.initial_access.delete(c.realm.id, token_id)
    c.changed("DELETE", "clients-initial-access", token_id)

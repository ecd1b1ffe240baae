"""Pages: the revocation-trigger policy (issue #13 3(a)) — the realm's on Revocation › Revocation triggers,
a client's overrides on its Revocation triggers tab. Each row spells out its effect.

Both forms store attributes as ``PUT /admin/realms/{realm}`` and ``PUT clients/{id}`` do: choosing
Keycloak's value (realm) or "Inherit" (client) removes the attribute.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from doorkeep.model import Client
from doorkeep.sessions import revocation_triggers as rt
from doorkeep.web.admin_console import views_clients, views_realm
from doorkeep.web.admin_console.console import ADMIN, fields, render, run
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.pages_clients import TABS as CLIENT_TABS
from doorkeep.web.console.base import Page

INHERIT = ""
TAB = "Revocation triggers"


@dataclasses.dataclass(frozen=True)
class Row:
    trigger: rt.Trigger
    selected: str  # the stored value, or INHERIT on a client without an override
    effect: str
    overridden_by: tuple[str, ...] = ()  # realm page: clientIds with their own setting


def _choose(form: Mapping[str, str], attributes: dict[str, Any], *, client: bool) -> dict[str, Any] | None:
    """The attributes with the form's choices applied; None if a choice is not one of the values."""
    out = dict(attributes)
    for trigger in rt.TRIGGERS:
        value = form.get(trigger.name, INHERIT if client else trigger.default.value)
        if value not in rt.VALUES and not (client and value == INHERIT):
            return None
        if value == INHERIT or (not client and value == trigger.default.value):
            out.pop(trigger.attribute, None)
        else:
            out[trigger.attribute] = value
    return out


async def _realm_rows(c: Console) -> list[Row]:
    clients = await c.tx.clients.list(c.realm.id)
    rows = []
    for trigger in rt.TRIGGERS:
        value = rt.realm_value(trigger, c.realm.attributes)
        by = tuple(sorted(cl.client_id for cl in clients if rt.client_override(trigger, cl.attributes) is not None))
        rows.append(Row(trigger, value.value, rt.effect(trigger, value), by))
    return rows


def _client_rows(c: Console, cl: Client) -> list[Row]:
    rows = []
    for trigger in rt.TRIGGERS:
        override = rt.client_override(trigger, cl.attributes)
        value = rt.resolve(trigger, c.realm.attributes, cl.attributes)
        rows.append(Row(trigger, override.value if override else INHERIT, rt.effect(trigger, value)))
    return rows


async def _realm_page(page: Page, c: Console, error: str | None = None, status: int = 200) -> Response:
    return await render(
        page,
        c,
        "admin/revocation_triggers.html",
        title="Revocation triggers",
        section="Revocation",
        status=status,
        rows=await _realm_rows(c),
        values=rt.VALUES,
        error=error,
        editable=c.can("manage-realm"),
    )


@ADMIN.page("/{target}/revocation/triggers")
async def realm_triggers(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("view-realm")
        return await _realm_page(page, c)

    return await run(page, work)


@ADMIN.action("/{target}/revocation/triggers")
async def save_realm_triggers(page: Page) -> Response:
    async def work(c: Console) -> Response:
        c.require("manage-realm")
        attributes = _choose(fields(page), c.realm.attributes, client=False)
        if attributes is None:
            return await _realm_page(page, c, "Choose none, online, offline or both for each trigger.", 400)
        await views_realm.save(c, dataclasses.replace(c.realm, attributes=attributes))
        here = f"/{quote(c.realm.name, safe='')}/revocation/triggers"
        return page.redirect(here, flash="Revocation triggers saved.")

    return await run(page, work, write=True)


def _client_path(c: Console, cl: Client, tab: str = "") -> str:
    return f"/{quote(c.realm.name, safe='')}/clients/{quote(cl.id, safe='')}{tab}"


async def _client_page(page: Page, c: Console, cl: Client, error: str | None = None, status: int = 200) -> Response:
    return await render(
        page,
        c,
        "admin/client_revocation_triggers.html",
        title=f"Client {cl.client_id}",
        section="Clients",
        status=status,
        client=cl,
        tabs=[(label, _client_path(c, cl, p)) for label, p in CLIENT_TABS],
        tab=TAB,
        rows=_client_rows(c, cl),
        values=rt.VALUES,
        error=error,
        editable=c.can("manage-clients"),
    )


@ADMIN.page("/{target}/clients/{id}/revocation-triggers")
async def client_triggers(page: Page) -> Response:
    async def work(c: Console) -> Response:
        return await _client_page(page, c, await views_clients.client(c, page.request.path_params["id"]))

    return await run(page, work)


@ADMIN.action("/{target}/clients/{id}/revocation-triggers")
async def save_client_triggers(page: Page) -> Response:
    async def work(c: Console) -> Response:
        cl = await views_clients.client(c, page.request.path_params["id"])
        c.require("manage-clients")
        attributes = _choose(fields(page), cl.attributes, client=True)
        if attributes is None:
            return await _client_page(page, c, cl, "Choose Inherit, none, online, offline or both.", 400)
        await views_clients.save(c, cl, dataclasses.replace(cl, attributes=attributes))
        return page.redirect(_client_path(c, cl, "/revocation-triggers"), flash="Revocation triggers saved.")

    return await run(page, work, write=True)

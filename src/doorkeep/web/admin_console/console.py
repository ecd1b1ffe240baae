"""The Admin Console on the shared console base: its OIDC client, its URL space, and one transaction per page.

``/admin/{realm}/console/`` signs in to ``{realm}`` as ``security-admin-console`` (the base does the
code + PKCE sign-in, CSRF, confirm step and flash). Pages live under ``/{target}/…``: the realm they
administer, the sign-in realm for a realm administrator, any realm for the master admin.

Every write records the admin event of the Admin REST call it equals (``Console.changed``), in the page's
transaction and only when the page answers without an error, with ``authDetails`` naming the sign-in realm,
this console's client (``security-admin-console`` of that realm, as Keycloak's console appears), the
administrator and the IP address: ``web.admin.audit.store``, the REST APIs' own recording.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from starlette.responses import Response

from doorkeep.model import Realm
from doorkeep.web import handlers
from doorkeep.web.admin import audit
from doorkeep.web.admin.auth import AdminIdentity, identity_of
from doorkeep.web.admin_console.context import Console, Missing, Refused, administers, console_for, realms_of
from doorkeep.web.console.base import Console as Base
from doorkeep.web.console.base import NavItem, Page
from doorkeep.web.console.signin import Spec
from doorkeep.web.http import base_url, client_ip, state, transaction

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

CLIENT_ID = "security-admin-console"
ADMIN = Base(Spec(CLIENT_ID, "/admin/{realm}/console", admin=True), title="Admin Console", nav=[NavItem("Realms", "/")])
NOT_ADMIN = (
    "You are signed in as {user}, who holds no administration roles in realm {realm}. "
    "Ask an administrator for realm-management roles, or sign out and sign in as another user."
)
# The console's sections, in the order of its navigation: (label, path under /{target}, role to see it).
SECTIONS = (
    ("Realm settings", "/realm-settings/sessions", "view-realm"),
    ("Revocation", "/revocation", "view-realm"),
    ("Clients", "/clients", "view-clients"),
    ("Users", "/users", "view-users"),
    ("Sessions", "/sessions", "view-realm"),
    ("Authentication", "/authentication/flows", "view-realm"),
    ("Identity providers", "/identity-providers", "view-identity-providers"),
    ("Organizations", "/organizations", "manage-organizations"),  # manage-realm holds it (web.admin.auth.IMPLIED)
    ("Events", "/events", "view-events"),
)
# Sections shown only for the realms that have what they are about (Keycloak's PageNav: Organizations while the
# realm has organizationsEnabled).
SHOWN_WHEN: dict[str, Callable[[Realm], bool]] = {"/organizations": lambda realm: realm.organizations_enabled}
Work = Callable[[Console], Awaitable[Response]]


def _always(realm: Realm) -> bool:
    return True


async def _subject(tx: Tx, claims: dict[str, Any]) -> str:
    """The administrator's user id: the token's ``sub``, or, for a console client without the ``basic`` scope
    (whose access tokens carry none), the user of the token's session."""
    if isinstance(claims.get("sub"), str):
        return str(claims["sub"])
    session = await tx.sessions.get_user_session(str(claims.get("sid", "")), False)
    return session.user_id if session is not None else ""


async def run(page: Page, work: Work, *, write: bool = False) -> Response:
    """Load the administrator and the realm of the URL, run ``work`` in one transaction, render refusals."""
    request = page.request
    now = state(request).services.clock.now()

    async def load(tx: Tx) -> Response:
        user = await tx.users.get(await _subject(tx, page.claims))
        if user is None or user.realm_id != page.realm.id or not user.enabled:
            raise Refused("Your account is no longer active. Sign out and sign in again.")
        identity = await identity_of(tx, user, page.realm)
        if not identity.administers_any:
            raise Refused(NOT_ADMIN.format(user=user.username, realm=page.realm.name))
        target = request.path_params.get("target") or await _landing(tx, identity, page.realm)
        console = await console_for(tx, identity, target, now, client_ip(request), base_url(request))
        response = await work(console)
        if response.status_code >= 400:
            raise _Refusal(response)  # a form shown again with its errors: nothing the page wrote first stays
        if console.changes:
            await record(page, console)
        return response

    try:  # the REST APIs' one rule (web/handlers.py): a refusal rolls back whatever the page wrote
        return await handlers.unit_of_work(request, load, write=write)
    except _Refusal as refused:
        return refused.response
    except (Refused, Missing) as err:
        return page.error(str(err), err.status)


async def _landing(tx: Tx, identity: AdminIdentity, realm: Realm) -> str:
    """The realm the console opens on: the sign-in realm, or, for a master user who administers only other realms
    (through master's ``<realm>-realm`` roles), the first of those."""
    if administers(identity, realm):
        return realm.name
    return next((r.name for r in await realms_of(tx, identity)), realm.name)


class _Refusal(Exception):
    """A page that answers with an error status: raised out of the transaction so that it rolls back."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def record_outcome(page: Page, c: Console, change: audit.Change) -> None:
    """Store the admin event of a write whose representation is known only after its commit (a push's
    GlobalRequestResult), in a transaction of its own, as ``audit.record_outcome`` does for the REST call."""
    async with transaction(page.request) as tx:
        await record(page, dataclasses.replace(c, tx=tx, changes=[change]))


async def record(page: Page, c: Console) -> None:
    """Store the admin events of the page's writes as their REST calls record them, the caller being this
    console's client of the sign-in realm (Keycloak: the token's client, ``security-admin-console``)."""
    client = await c.tx.clients.get_by_client_id(page.realm.id, CLIENT_ID)
    identity = dataclasses.replace(c.identity, client_uuid=client.id if client else "")
    now_ms = state(page.request).services.clock.now_ms()
    for change in c.changes:
        await audit.store(c.tx, identity, c.realm, change, client_ip(page.request), now_ms)


async def render(
    page: Page, c: Console, template: str, *, title: str, section: str, status: int = 200, **context: Any
) -> Response:
    """A console page with the realm switcher and the sections the caller's roles allow."""
    prefix = "/" + quote(c.realm.name, safe="")
    sections = [
        (label, page.url(prefix + path), label == section)
        for label, path, role in SECTIONS
        if c.can(role) and SHOWN_WHEN.get(path, _always)(c.realm)
    ]
    realms = [r.name for r in await realms_of(c.tx, c.identity)]

    def link(path: str = "", **query: object) -> str:
        """A URL of this realm's console; empty query values are left out."""
        params = {k: v for k, v in query.items() if v not in (None, "")}
        return page.url(prefix + path) + ("?" + urlencode(params, doseq=True) if params else "")

    return page.render(
        template,
        title=title,
        status=status,
        target=c.realm.name,
        realms=realms,
        sections=sections,
        link=link,
        can=c.can,
        now=c.now,
        **context,
    )


def fields(page: Page) -> dict[str, str]:
    """The posted form as a plain mapping (the first value of each field)."""
    return {key: page.form.get(key) or "" for key in page.form.keys()}  # noqa: SIM118 - Form is not a dict


def confirmed(page: Page) -> bool:
    """The confirm step's second post carries ``confirmed=yes``."""
    return page.form.get("confirmed") == "yes"

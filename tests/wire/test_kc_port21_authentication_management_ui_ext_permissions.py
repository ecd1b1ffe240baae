"""Keycloak's AuthenticationManagementUiExtPermissionsTest (tests/base/.../admin/authentication/), over HTTP against
the real app: what uses an authentication flow is shown only to an administrator who may see it. Keycloak's
``ui-ext/authentication-management`` endpoints need only view-realm, so the clients they report as overriding a flow
are filtered by the caller's client view permission (issue #50983: a realm viewer could list client ids that client
RBAC hides). Doorkeep's console renders the same facts server-side: the Flows list's "Used by" column
(``ui-ext/authentication-management/flows``) and a flow's own page (the paginated ``{type}/{id}`` list that
UsedBy.tsx opens). Each test names the Java method it ports.

Not ported:
- The identity-provider halves of each method (``idp-flow`` bound as an identity provider's post-broker-login flow,
  SPECIFIC_PROVIDERS, the 403 of ``idp/{id}`` without view-identity-providers): Doorkeep's flows list reports no
  identity-provider usage at all (views_flows.py), so there is nothing to hide.
- fineGrainedViewerSeesPermittedClientBeyondCapAndPage: fine-grained admin permissions (v2) are not in Doorkeep.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from admin_support import client_uuid, make_admin
from console_support import HTML, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test"
LIST = f"{CONSOLE}/authentication/flows"
REST = "/admin/realms/test"
HIDDEN_CLIENT = "app"  # the wire realm's client, standing in for Keycloak's ``hidden-client``


async def rest(env: Env, method: str, path: str, body: object = None) -> httpx.Response:
    response = await env.http.request(method, f"{REST}{path}", json=body, headers=await env.admin_headers())
    assert response.status_code < 300, response.text
    return response


@pytest.fixture
async def client_flow(realm: Env) -> str:
    """The ``client-flow`` of Keycloak's realm config, bound as ``app``'s browser flow override (bindBrowserFlow);
    a copy of ``browser``, since Doorkeep refuses to bind a flow it cannot run."""
    await rest(realm, "POST", "/authentication/flows/browser/copy", {"newName": "client-flow"})
    flows = (await rest(realm, "GET", "/authentication/flows")).json()
    flow_id = str(next(f["id"] for f in flows if f["alias"] == "client-flow"))
    app = await client_uuid(realm, "test", HIDDEN_CLIENT)
    client = (await rest(realm, "GET", f"/clients/{app}")).json()
    client["authenticationFlowBindingOverrides"] = {"browser": flow_id}
    await rest(realm, "PUT", f"/clients/{app}", client)
    return flow_id


async def console_as(env: Env, username: str, *roles: str) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(env, "test", username, *roles)
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", username)
        yield http


@pytest.fixture
async def flow_viewer(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """Keycloak's ``flow-viewer``: view-realm only."""
    async for http in console_as(realm, "flow-viewer", "view-realm"):
        yield http


@pytest.fixture
async def full_viewer(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """Keycloak's ``full-viewer``: view-realm and view-clients (view-identity-providers has nothing to show here)."""
    async for http in console_as(realm, "full-viewer", "view-realm", "view-clients", "view-identity-providers"):
        yield http


def row(page: str, alias: str) -> str:
    start = page.index(f">{alias}</a>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


async def test_flow_summary_hides_clients_without_view_permission(
    flow_viewer: httpx.AsyncClient, client_flow: str
) -> None:
    """flowSummaryHidesClientsAndIdpsWithoutViewPermission: the flow has no ``usedBy`` for a view-realm viewer, so
    the list shows it as not in use and names no client."""
    page = await flow_viewer.get(LIST, headers=HTML)
    assert page.status_code == 200
    used = row(page.text, "client-flow")
    assert "Not in use" in used, used
    assert "Specific clients" not in used and HIDDEN_CLIENT not in used.split("client-flow</a>", 1)[1]


async def test_flow_summary_shows_clients_with_view_permission(
    full_viewer: httpx.AsyncClient, client_flow: str
) -> None:
    """flowSummaryShowsClientsAndIdpsWithViewPermission: SPECIFIC_CLIENTS naming the overriding client."""
    page = await full_viewer.get(LIST, headers=HTML)
    used = row(page.text, "client-flow")
    assert "Specific clients" in used and f">{HIDDEN_CLIENT}</a>" in used


async def test_used_by_list_hides_clients_without_view_permission(
    flow_viewer: httpx.AsyncClient, client_flow: str
) -> None:
    """usedByListHidesClientsAndIdpsWithoutViewPermission: the ``clients/{id}`` list is empty (200) for a viewer
    without view-clients; here, the flow's own page names no client."""
    page = await flow_viewer.get(f"{LIST}/{client_flow}", headers=HTML)
    assert page.status_code == 200
    used_by = page.text[page.text.index("Used by:") : page.text.index("</p>", page.text.index("Used by:"))]
    assert "Not in use" in used_by and "Specific clients" not in used_by and HIDDEN_CLIENT not in used_by


async def test_used_by_list_shows_clients_with_view_permission(
    full_viewer: httpx.AsyncClient, client_flow: str
) -> None:
    """usedByListShowsClientsAndIdpsWithViewPermission: one client, ``hidden-client``."""
    page = await full_viewer.get(f"{LIST}/{client_flow}", headers=HTML)
    used_by = page.text[page.text.index("Used by:") : page.text.index("</p>", page.text.index("Used by:"))]
    assert "Specific clients" in used_by and used_by.count("</a>") == 1 and f">{HIDDEN_CLIENT}</a>" in used_by


async def test_manage_clients_counts_as_view_permission(realm: Env, client_flow: str) -> None:
    """Keycloak's ``auth.clients().canView()`` holds for manage-clients too: such an administrator sees the client."""
    async for http in console_as(realm, "client-manager", "view-realm", "manage-clients"):
        used = row((await http.get(LIST, headers=HTML)).text, "client-flow")
        assert "Specific clients" in used and f">{HIDDEN_CLIENT}</a>" in used

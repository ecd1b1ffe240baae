"""``GET clients`` for a realm administrator holding query-clients (or query-users) but not view-clients: Keycloak
26.x's ClientsResource.getClients (26.0's in-line filter, and 26.2+'s getClientModels) passes requireList
(ClientPermissions.canList: canView() or hasOneAdminRole(QUERY_CLIENTS, QUERY_USERS)), then keeps only the clients
canView(client) allows (view-clients, manage-clients, or fine-grained permissions, which Doorkeep has not): an empty
list, whether all, one clientId, a search or ``q``. Without either role, 403. A ``q`` naming an attribute the
server cannot search is still its 400, as searchClientByAttributes runs before the filter."""

from __future__ import annotations

import pytest

from admin_support import make_admin
from support import seed_client, seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
CLIENTS = "/admin/realms/test/clients"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", attributes={"saml_idp_initiated_sso_url_name": "app"})
    return env


@pytest.mark.parametrize("role", ["query-clients", "query-users"])
@pytest.mark.parametrize(
    "params",
    [{}, {"clientId": "app"}, {"clientId": "ap", "search": "true"}, {"q": "saml_idp_initiated_sso_url_name:app"}],
)
async def test_a_lister_who_may_not_view_clients_sees_none(realm: Env, role: str, params: dict[str, str]) -> None:
    _, lister = await make_admin(realm, "test", "lister", role)
    listed = await realm.http.get(CLIENTS, params=params, headers=lister)
    assert (listed.status_code, listed.json()) == (200, [])
    _, viewer = await make_admin(realm, "test", "viewer", "view-clients")
    assert "app" in [c["clientId"] for c in (await realm.http.get(CLIENTS, params=params, headers=viewer)).json()]


async def test_a_caller_who_may_not_list_is_refused_and_a_bad_q_is_400_first(realm: Env) -> None:
    _, nobody = await make_admin(realm, "test", "nobody")
    assert (await realm.http.get(CLIENTS, headers=nobody)).status_code == 403
    _, lister = await make_admin(realm, "test", "lister", "query-clients")
    bad = await realm.http.get(CLIENTS, params={"q": "env:prod"}, headers=lister)
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_request")

"""WelcomePageWithServiceAccountTest (tests/base/.../tests/welcomepage/): master's admin user deleted while a service
account (a client's) remains in master. A service account is a master user to WelcomeResource
(ApplianceBootstrap.isNoMasterUser counts every user), so ``/`` still sends local and remote browsers to the Admin
Console, and the first-admin form creates nothing (the Java test's run-on-server createMasterRealmAdminUser with
``initialUser`` refused while the service account exists).
"""

from __future__ import annotations

import pytest

from flow_builder import admin
from support import seed_client
from welcome_support import delete_master_users, master_usernames
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

REMOTE = "192.0.2.61"
ADMIN_CONSOLE = "http://localhost/admin/"


@pytest.fixture
async def service_account_only(env: Env) -> Env:
    """master with a client's service account and, once its admin user is deleted, no other user."""
    client = await seed_client(env.db, "master", "bootstrap-client", service_accounts=True)
    path = f"/admin/realms/master/clients/{client.id}/service-account-user"
    assert (await admin(env, "GET", path, status=200)).json()["username"] == "service-account-bootstrap-client"
    await delete_master_users(env)
    return env


@pytest.mark.parametrize("peer", ["127.0.0.1", REMOTE])
async def test_access_with_only_a_service_account_goes_to_the_admin_console(
    service_account_only: Env, peer: str
) -> None:
    """#localAccessWithServiceAccount and #remoteAccessWithServiceAccount: the 302 to the Admin Console, no form."""
    assert await master_usernames(service_account_only) == []
    async with client_at(service_account_only, peer) as http:
        response = await http.get("/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == ADMIN_CONSOLE
    assert "WELCOME_STATE_CHECKER" not in response.headers.get("set-cookie", "")


async def test_the_first_admin_form_creates_nothing_beside_a_service_account(service_account_only: Env) -> None:
    """#createAdminUser: creating master's initial admin is refused while the service account exists: the POST is
    the redirect again and no user is created."""
    form = {"username": "admin2", "password": "pw", "passwordConfirmation": "pw", "stateChecker": "x"}
    response = await service_account_only.http.post("/", data=form, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == ADMIN_CONSOLE
    assert await master_usernames(service_account_only) == []

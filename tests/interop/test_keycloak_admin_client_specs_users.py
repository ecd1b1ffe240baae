"""Keycloak's own specs of its npm admin client (js/libs/keycloak-admin-client/test/*.spec.ts in
keycloak/keycloak), ported to ``node:test`` in tests/admin_client/specs/, run by Node against a real
``doorkeep start-dev``: users, groups, group membership, roles, attack detection, the token helper,
whoami and server info. One test per spec file, each on a fresh server (the specs count master's users
and groups); on SQLite, or on PostgreSQL with DOORKEEP_WIRE_ENGINE=postgresql. A failing spec fails
the test with Node's report. What each port leaves out or changes, and why, heads its spec file."""

from __future__ import annotations

import pytest

from interop.admin_client_specs import assert_passed, run_spec, start_spec_server
from interop.server import DoorkeepProcess, StartServer

pytestmark = pytest.mark.interop

SPEC_FILES = ("users", "groups", "groupUser", "roles", "attackDetection", "auth", "whoAmI", "serverInfo")
FIRST_PORT = 18440  # this file's servers listen on 18440-18499, 20 ports per xdist worker


@pytest.fixture
def server(request: pytest.FixtureRequest, start_server: StartServer) -> DoorkeepProcess:
    return start_spec_server(request, start_server, FIRST_PORT)


@pytest.mark.parametrize("spec", SPEC_FILES)
def test_keycloak_admin_client_spec_passes_against_doorkeep(server: DoorkeepProcess, spec: str) -> None:
    assert_passed(run_spec(server.base_url, spec), spec)

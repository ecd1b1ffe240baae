"""docs/organizations.md's worked example, run as written: organizations on, Acme with a domain and user1 as its
member, the ``organization`` scope with Keycloak's membership mapper; then the documented token request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli
from interop.docs_examples import claims, demo_cli, run_example
from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop


@pytest.fixture
def cli(tmp_path: Path, engine_server: DoorkeepProcess) -> Iterator[Cli]:
    with demo_cli(tmp_path, engine_server) as cli:
        yield cli


def token(server: DoorkeepProcess, scope: str) -> dict[str, object]:
    # curl -d grant_type=password -d client_id=offline-access-portal -d client_secret=password \
    #      -d username=user1 -d password=password -d scope='openid organization' …/realms/demo/…/token
    response = httpx.post(
        f"{server.base_url}/realms/demo/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "offline-access-portal",
            "client_secret": "password",
            "username": "user1",
            "password": "password",
            "scope": scope,
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])


def test_the_documented_organization_reaches_the_token(
    engine_server: DoorkeepProcess, cli: Cli, tmp_path: Path
) -> None:
    out = run_example(cli, engine_server, "organizations.md", "organizations", tmp_path)
    assert out.strip() == '"user1","UNMANAGED"'
    org = cli.ok("get", "organizations", "-r", "demo", "-q", "search=acme", "-q", "briefRepresentation=false").json()
    assert [(o["alias"], o["domains"], o["attributes"]) for o in org] == [
        ("acme", [{"name": "acme.example", "verified": False, "autoRedirect": False}], {"tier": ["gold"]})
    ]

    access = token(engine_server, "openid organization")
    assert "organization" in str(access["scope"]).split() and access["organization"] == ["acme"]
    assert token(engine_server, "openid organization:acme")["organization"] == ["acme"]
    assert "organization" not in token(engine_server, "openid")

    # "With the mapper's addOrganizationAttributes set to "true" the claim is a map of alias to attributes"
    scope = cli.ok("get", "client-scopes", "-r", "demo", "--fields", "id,name").json()
    scope_id = next(s["id"] for s in scope if s["name"] == "organization")
    mapper = cli.ok("get", f"client-scopes/{scope_id}/protocol-mappers/models", "-r", "demo").json()[0]
    edit = ["-s", 'config."addOrganizationAttributes"="true"']
    cli.ok("update", f"client-scopes/{scope_id}/protocol-mappers/models/{mapper['id']}", "-r", "demo", *edit)
    assert token(engine_server, "openid organization")["organization"] == {"acme": {"tier": ["gold"]}}

"""docs/step-up.md's worked example, run as written: Keycloak's step-up browser flow built with ``doorkeep admin``
and bound, then the documented logins: ``silver`` asks for the password and names ``silver``; ``gold`` over that
SSO session goes straight to the (first-time) OTP step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli
from interop.docs_examples import (
    APP_REDIRECT,
    authorize,
    claims,
    demo_cli,
    form_action,
    redirect_params,
    run_example,
)
from interop.server import DoorkeepProcess
from login_client import followed

pytestmark = pytest.mark.interop


@pytest.fixture
def cli(tmp_path: Path, engine_server: DoorkeepProcess) -> Iterator[Cli]:
    with demo_cli(tmp_path, engine_server, app=True) as cli:
        yield cli


def test_the_documented_step_up_flow_asks_each_level_once(
    engine_server: DoorkeepProcess, cli: Cli, tmp_path: Path
) -> None:
    run_example(cli, engine_server, "step-up.md", "step-up", tmp_path)
    rows = cli.ok("get", "authentication/flows/step-up/executions", "-r", "demo", "--fields", "displayName,level")
    assert [(r["displayName"], r["level"]) for r in rows.json()] == [
        ("Cookie", 0),
        ("step-up forms", 0),
        ("step-up level 1", 1),
        ("Condition - Level of Authentication", 2),
        ("Username Password Form", 2),
        ("step-up level 2", 1),
        ("Condition - Level of Authentication", 2),
        ("OTP Form", 2),
    ]
    discovery = httpx.get(f"{engine_server.base_url}/realms/demo/.well-known/openid-configuration").json()
    assert discovery["acr_values_supported"] == ["silver", "gold", "0", "1", "2"]

    with httpx.Client(timeout=30) as http:
        page = authorize(http, engine_server, "demo", "app", acr_values="silver")
        assert 'name="password"' in page.text
        done = http.post(form_action(page), data={"username": "user1", "password": "password"})
        tokens = http.post(
            f"{engine_server.base_url}/realms/demo/protocol/openid-connect/token",
            data={
                "grant_type": "authorization_code",
                "client_id": "app",
                "code": redirect_params(done)["code"],
                "redirect_uri": APP_REDIRECT,
            },
        ).json()
        assert claims(tokens["id_token"])["acr"] == "silver"
        assert claims(tokens["access_token"])["acr"] == "silver"

        gold = followed(http, authorize(http, engine_server, "demo", "app", acr_values="gold"))
        assert gold.status_code == 200 and 'name="password"' not in gold.text
        assert "<title>Mobile Authenticator Setup</title>" in gold.text  # user1 has no OTP yet

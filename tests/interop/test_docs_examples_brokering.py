"""docs/identity-brokering.md's worked example, run as written: realm ``corp`` of the same server as the
provider, the ``corp`` identity provider created from its discovery document with ``doorkeep admin``, then
alice's whole sign-in through ``kc_idp_hint`` and her link."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli
from interop.docs_examples import authorize, demo_cli, form_action, redirect_params, run_example
from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop
PAGE = "identity-brokering.md"


@pytest.fixture
def cli(tmp_path: Path, engine_server: DoorkeepProcess) -> Iterator[Cli]:
    with demo_cli(tmp_path, engine_server, realms=("demo", "corp")) as cli:
        yield cli


def test_the_documented_provider_signs_alice_in_and_links_her(
    engine_server: DoorkeepProcess, cli: Cli, tmp_path: Path
) -> None:
    run_example(cli, engine_server, PAGE, "broker-provider-side", tmp_path)
    out = run_example(cli, engine_server, PAGE, "broker-create", tmp_path)
    assert out.strip() == '"corp","Corp SSO",true'
    stored = cli.ok("get", "identity-provider/instances/corp", "-r", "demo").json()
    assert stored["config"]["clientSecret"] == "**********" and stored["config"]["pkceEnabled"] == "true"
    assert stored["config"]["jwksUrl"] == f"{engine_server.base_url}/realms/corp/protocol/openid-connect/certs"

    # "doorkeep admin update identity-provider/instances/corp -s displayName=Corp … keeps it" (the secret): the
    # sign-in below exchanges the code with the stored secret
    cli.ok("update", "identity-provider/instances/corp", "-r", "demo", "-s", "displayName=Corp SSO")

    with httpx.Client(timeout=30) as http:
        login_page = authorize(http, engine_server, "demo", "offline-access-portal")
        assert login_page.status_code == 200 and "Corp SSO" in login_page.text  # the provider's button
        hinted = authorize(http, engine_server, "demo", "offline-access-portal", kc_idp_hint="corp")
        # the Identity Provider Redirector's 303 to the broker's login URL, which redirects to the provider
        assert hinted.status_code == 303 and "/realms/demo/broker/corp/login?" in hinted.headers["location"]
        upstream = http.get(httpx.URL(str(hinted.url)).join(hinted.headers["location"])).headers["location"]
        assert upstream.startswith(f"{engine_server.base_url}/realms/corp/protocol/openid-connect/auth?")
        assert "client_id=demo-broker" in upstream and "code_challenge_method=S256" in upstream
        corp_login = http.get(upstream)
        back = http.post(form_action(corp_login), data={"username": "alice", "password": "alice-password"})
        assert back.headers["location"].startswith(f"{engine_server.base_url}/realms/demo/broker/corp/endpoint?")
        assert redirect_params(http.get(back.headers["location"]))["code"]

    user = cli.ok("get", "users", "-r", "demo", "-q", "username=alice", "--fields", "id,email").json()
    assert [u["email"] for u in user] == ["alice@corp.example"]
    links = cli.ok("get", f"users/{user[0]['id']}/federated-identity", "-r", "demo").json()
    assert [(link["identityProvider"], link["userName"]) for link in links] == [("corp", "alice")]

"""docs/client-policies.md's worked example, run as written: a realm profile with ``pkce-enforcer`` and a policy
for public clients, put with ``doorkeep admin``; then the refused authorization request the page shows, the
auto-configured client and the built-in profiles it lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli
from interop.docs_examples import authorize, demo_cli, redirect_params, run_example
from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop


@pytest.fixture
def cli(tmp_path: Path, engine_server: DoorkeepProcess) -> Iterator[Cli]:
    with demo_cli(tmp_path, engine_server, app=True) as cli:
        yield cli


def test_the_documented_policy_makes_public_clients_use_pkce(
    engine_server: DoorkeepProcess, cli: Cli, tmp_path: Path
) -> None:
    out = run_example(cli, engine_server, "client-policies.md", "client-policies", tmp_path)
    assert '"name" : "public clients use PKCE"' in out and '"profiles" : [ "pkce-s256" ]' in out

    with httpx.Client(timeout=30) as http:
        refused = redirect_params(authorize(http, engine_server, "demo", "app"))
        assert (refused["error"], refused["error_description"]) == (
            "invalid_request",
            "Missing parameter: code_challenge_method",
        )
        # the confidential portal is not selected by the policy
        assert authorize(http, engine_server, "demo", "offline-access-portal").status_code == 200

    cli.ok("create", "clients", "-r", "demo", "-s", "clientId=later", "-s", "publicClient=true")
    later = cli.ok("get", "clients", "-r", "demo", "-q", "clientId=later", "--fields", "attributes").json()[0]
    assert later["attributes"]["pkce.code.challenge.method"] == "S256"  # auto-configure

    listed = cli.ok(
        "get",
        "client-policies/profiles",
        "-r",
        "demo",
        "-q",
        "include-global-profiles=true",
        "--fields",
        "globalProfiles(name,description)",
    ).json()
    names = [p["name"] for p in listed["globalProfiles"]]
    assert {"fapi-2-security-profile", "oauth-2-1-for-public-client", "oauth-2-1-for-confidential-client"} <= set(names)

    # "name the built-in profile: "profiles": ["oauth-2-1-for-public-client"]"
    body = (
        '{"policies": [{"name": "oauth 2.1", "enabled": true, "conditions": [{"condition": "client-access-type",'
        ' "configuration": {"type": ["public"]}}], "profiles": ["oauth-2-1-for-public-client"]}]}'
    )
    cli.ok("update", "client-policies/policies", "-r", "demo", "-b", body)
    # and the SAML profile, which holds executors Doorkeep does not run, is refused
    saml = body.replace("oauth-2-1-for-public-client", "saml-security-profile")
    assert cli.fails("update", "client-policies/policies", "-r", "demo", "-b", saml)

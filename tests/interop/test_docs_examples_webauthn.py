"""docs/webauthn.md's worked example, run as written: the WebAuthn policy and a browser flow with the WebAuthn
Authenticator after the password, built with ``doorkeep admin`` and bound; user1's login reaches the
registration page with the policy's options. (tests/wire/test_webauthn_*.py register and use a key.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli
from interop.docs_examples import authorize, demo_cli, form_action, run_example
from interop.server import DoorkeepProcess
from login_client import followed

pytestmark = pytest.mark.interop


@pytest.fixture
def cli(tmp_path: Path, engine_server: DoorkeepProcess) -> Iterator[Cli]:
    with demo_cli(tmp_path, engine_server, app=True) as cli:
        yield cli


def test_the_documented_flow_asks_for_a_security_key_after_the_password(
    engine_server: DoorkeepProcess, cli: Cli, tmp_path: Path
) -> None:
    run_example(cli, engine_server, "webauthn.md", "webauthn", tmp_path)
    realm = cli.ok("get", "realms/demo", "--fields", "browserFlow,webAuthnPolicyRpEntityName").json()
    assert realm == {"browserFlow": "browser with key", "webAuthnPolicyRpEntityName": "Demo portal"}

    with httpx.Client(timeout=30) as http:
        page = authorize(http, engine_server, "demo", "app")
        posted = http.post(form_action(page), data={"username": "user1", "password": "password"})
        register = followed(http, posted)  # Keycloak's 302 to the required action's page
    assert register.status_code == 200 and "<title>Passkey Registration</title>" in register.text
    start = register.text.find('{"challenge":')
    assert start >= 0, register.text
    options, _ = json.JSONDecoder().raw_decode(register.text, start)  # the page's options object
    assert options["rpEntityName"] == "Demo portal" and options["algorithms"] == [-7, -257]  # ES256, RS256
    assert options["authenticatorSelection"] == {"userVerification": "preferred"}


def test_a_choice_between_otp_and_a_security_key_is_bound_as_the_page_says(cli: Cli) -> None:
    """webauthn.md: "The WebAuthn Authenticator beside the OTP Form … as ALTERNATIVE steps of the 2FA sub-flow"
    binds (a copy of the browser flow, its WebAuthn Authenticator made ALTERNATIVE)."""
    cli.ok("create", "authentication/flows/browser/copy", "-r", "demo", "-s", "newName=choice")
    rows = cli.ok("get", "authentication/flows/choice/executions", "-r", "demo", "--fields", "id,displayName").json()
    key = next(r["id"] for r in rows if r["displayName"] == "WebAuthn Authenticator")
    body = json.dumps({"id": key, "requirement": "ALTERNATIVE"})
    cli.ok("update", "authentication/flows/choice/executions", "-r", "demo", "-b", body)
    cli.ok("update", "realms/demo", "-s", "browserFlow=choice")
    assert cli.ok("get", "realms/demo", "--fields", "browserFlow").json() == {"browserFlow": "choice"}

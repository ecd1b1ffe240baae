"""Running the documentation's examples as they are written: a ``<!-- example: NAME -->`` shell block of a page
under docs/ runs in bash against a real server, with ``doorkeep`` on the PATH, the CLI logged in as the master
admin, and ``http://localhost:8080`` (the address of ``make run`` the pages use) replaced by the server's."""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import subprocess
from base64 import urlsafe_b64decode
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from interop.admin_cli_support import Cli
from interop.server import DEMO_REALM, DOORKEEP, DoorkeepProcess

DOCS = Path(__file__).resolve().parents[2] / "docs"
DOCUMENTED_SERVER = "http://localhost:8080"
APP_REDIRECT = "http://localhost:3000/"


def example(page: str, name: str) -> str:
    """The shell block following ``<!-- example: name -->`` in docs/``page``."""
    text = (DOCS / page).read_text("utf-8")
    found = re.search(rf"<!-- example: {re.escape(name)} -->\n```sh\n(.*?)```", text, re.S)
    assert found is not None, f"docs/{page} has no example {name}"
    return found.group(1)


def run_example(cli: Cli, server: DoorkeepProcess, page: str, name: str, workdir: Path) -> str:
    """Run the example with bash -eu (any failing command fails the test); its standard output."""
    script = example(page, name).replace(DOCUMENTED_SERVER, server.base_url)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
    environ["DOORKEEP_ADMIN_CONFIG"] = str(cli.config)
    environ["PATH"] = f"{DOORKEEP.parent}{os.pathsep}{environ.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-eu", "-c", script],
        capture_output=True,
        text=True,
        env=environ,
        cwd=workdir,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"docs/{page} example {name} failed:\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def demo_realm(cli: Cli, server: DoorkeepProcess) -> None:
    """The demo realm of ``make run`` (examples/demo-realm.json), created through the CLI, which the pages use."""
    cli.log_in(server.base_url)
    cli.ok("create", "realms", "-f", str(DEMO_REALM))


@contextlib.contextmanager
def demo_cli(
    tmp_path: Path, server: DoorkeepProcess, *, app: bool = False, realms: tuple[str, ...] = ("demo",)
) -> Iterator[Cli]:
    """The CLI logged in to ``server`` with the demo realm (and ``app`` when asked for) created; ``realms`` (the
    demo realm and those the example makes) deleted after."""
    cli = Cli(tmp_path / "admin.config")
    demo_realm(cli, server)
    if app:
        public_app(cli)
    try:
        yield cli
    finally:
        for realm in realms:
            cli("delete", f"realms/{realm}")


def public_app(cli: Cli, realm: str = "demo") -> None:
    """A public client ``app`` redirecting to http://localhost:3000/ (an application under test)."""
    cli.ok(
        "create",
        "clients",
        "-r",
        realm,
        "-s",
        "clientId=app",
        "-s",
        "publicClient=true",
        "-s",
        f'redirectUris=["{APP_REDIRECT}*"]',
    )


def form_action(page: httpx.Response) -> str:
    """The action URL of the page's (first) form."""
    found = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert found is not None, page.text
    return html.unescape(found.group(1))


def authorize(http: httpx.Client, server: DoorkeepProcess, realm: str, client: str, **params: str) -> httpx.Response:
    query = {"client_id": client, "response_type": "code", "scope": "openid", "redirect_uri": APP_REDIRECT, **params}
    return http.get(f"{server.base_url}/realms/{realm}/protocol/openid-connect/auth", params=query)


def redirect_params(response: httpx.Response) -> dict[str, str]:
    """The query of a redirect to the application."""
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(APP_REDIRECT), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    found: dict[str, Any] = json.loads(urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return found

"""Session 63's ``doorkeep reg`` (kcreg.sh) against a hostile server and a hostile reader of its files.

A real ``doorkeep reg`` / ``doorkeep admin`` process talks to a small HTTP server in this process that answers
what an attacker's (or a broken) server would: JSON nested past Python's recursion limit, a redirect to another
host. The CLI must answer one line and exit 1 (never a traceback), never send the bearer token anywhere but the
server it was given, and never print the token.
"""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import certifi
import pytest

from interop.admin_cli_support import Cli
from interop.kcreg_port_support import Reg

TOKEN = "s64-hostile-bearer-token"
DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


@dataclass
class Hostile:
    """What the server answers (status, body, extra headers) and the requests it saw (method, path, auth)."""

    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    yield from _serve(Hostile())


@pytest.fixture
def elsewhere() -> Iterator[Hostile]:
    """A second host (127.0.0.2) a redirect points at."""
    yield from _serve(Hostile(), host="127.0.0.2")


def _serve(state: Hostile, host: str = "127.0.0.1") -> Iterator[Hostile]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            state.seen.append((self.command, self.path, self.headers.get("Authorization")))
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            for name, value in state.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer((host, 0), Handler)
    state.url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def reg(tmp_path: Path) -> Reg:
    return Reg(tmp_path / "reg.config")


def _get(reg: Reg, server: str) -> tuple[int, str]:
    run = reg("get", "victim-app", "--no-config", "--server", server, "--realm", "r", "-t", TOKEN)
    return run.code, run.out + run.err


def test_a_client_answer_nested_past_the_recursion_limit_is_one_line_not_a_traceback(
    reg: Reg, hostile: Hostile
) -> None:
    hostile.body = DEEP_ARRAY
    code, output = _get(reg, hostile.url)  # Reg asserts no "Traceback" on stderr
    assert (code, output.strip()) == (1, "Failed to process HTTP response")


def test_an_error_body_nested_past_the_recursion_limit_is_one_line_not_a_traceback(reg: Reg, hostile: Hostile) -> None:
    hostile.status, hostile.body = 400, DEEP_OBJECT
    code, output = _get(reg, hostile.url)
    assert (code, output.strip()) == (1, "Failed to read error response - JSON nested too deeply")


def test_create_reading_a_deep_answer_stores_no_token_and_says_one_line(reg: Reg, hostile: Hostile) -> None:
    hostile.status, hostile.body = 201, DEEP_ARRAY
    run = reg("create", "-s", "clientId=x", "--server", hostile.url, "--realm", "r", "-t", TOKEN)
    assert (run.code, run.err.strip()) == (1, "Failed to process HTTP response")
    assert not reg.config.exists() or TOKEN not in reg.config.read_text()


def test_admin_login_answered_with_deep_json_is_one_line_not_a_traceback(tmp_path: Path, hostile: Hostile) -> None:
    """The admin CLI shares the reader: ``config credentials`` against a server answering the token request with
    JSON nested 100,000 deep."""
    hostile.body = DEEP_OBJECT
    cli = Cli(tmp_path / "admin.config")
    run = cli("config", "credentials", "--server", hostile.url, "--realm", "master", "--user", "u", "--password", "p")
    assert "Traceback" not in run.err
    assert run.code == 1
    token_url = f"{hostile.url}/realms/master/protocol/openid-connect/token"
    assert run.err.strip().splitlines()[-1] == f"Error receiving response: {token_url} did not answer with a token"


def test_a_redirect_to_another_host_is_not_followed_so_the_token_stays_home(
    reg: Reg, hostile: Hostile, elsewhere: Hostile
) -> None:
    hostile.status, hostile.body = 307, b""
    hostile.headers = {"Location": f"{elsewhere.url}/realms/r/clients-registrations/default/victim-app"}
    code, output = _get(reg, hostile.url)
    assert code == 1
    assert elsewhere.seen == []
    assert hostile.seen == [("GET", "/realms/r/clients-registrations/default/victim-app", f"Bearer {TOKEN}")]
    assert TOKEN not in output


def test_a_refusal_names_the_server_words_but_never_the_token(reg: Reg, hostile: Hostile) -> None:
    hostile.status, hostile.body = 401, b'{"error":"invalid_token","error_description":"Invalid token"}'
    code, output = _get(reg, hostile.url)
    assert (code, output.strip()) == (1, "Invalid token [invalid_token]")
    assert TOKEN not in output


def test_the_token_given_by_stdin_is_not_in_the_process_arguments_or_output(reg: Reg, hostile: Hostile) -> None:
    """kcreg's ``-t -`` reads the initial access token from stdin; the request carries it, the output does not."""
    hostile.status, hostile.body = 401, b'{"error":"invalid_token"}'
    run = reg(
        "create", "-s", "clientId=x", "--server", hostile.url, "--realm", "r", "--no-config", "-t", "-", stdin=TOKEN
    )
    assert run.code == 1
    assert [auth for _, _, auth in hostile.seen] == [f"Bearer {TOKEN}"]
    assert TOKEN not in run.out + run.err


def test_a_new_config_directory_is_private_and_the_file_owner_only(tmp_path: Path) -> None:
    reg = Reg(tmp_path / "fresh" / "nested" / "reg.config")
    reg.ok("config", "initial-token", "--server", "http://127.0.0.1:1", "--realm", "r", TOKEN)
    assert stat.S_IMODE(reg.config.stat().st_mode) == 0o600
    assert stat.S_IMODE(reg.config.parent.stat().st_mode) == 0o700
    assert reg.realm_entry("http://127.0.0.1:1", "r")["initialToken"] == TOKEN


@pytest.mark.parametrize(
    "content", ["not a certificate\n", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
)
def test_a_truststore_holding_no_certificate_is_kcreg_s_one_line(reg: Reg, tmp_path: Path, content: str) -> None:
    """kcreg's setupTruststore: "Failed to load truststore: FILE" (a keystore that does not load), given by option
    or by ``config truststore``; nothing is sent."""
    bad = tmp_path / "bad.pem"
    bad.write_text(content)
    args = ("get", "victim-app", "--server", "https://127.0.0.1:1", "--realm", "r", "-t", TOKEN)
    run = reg(*args, "--no-config", "--truststore", str(bad))
    assert (run.code, run.err.strip()) == (1, f"Failed to load truststore: {bad}")
    reg.ok("config", "truststore", str(bad))
    run = reg(*args)
    assert (run.code, run.err.strip()) == (1, f"Failed to load truststore: {bad}")


def test_a_truststore_that_is_a_directory_is_refused_the_same_way(reg: Reg, tmp_path: Path) -> None:
    args = ("get", "x", "--no-config", "--server", "https://127.0.0.1:1", "--realm", "r", "-t", TOKEN)
    run = reg(*args, "--truststore", str(tmp_path))
    assert (run.code, run.err.strip()) == (1, f"Failed to load truststore: {tmp_path}")


def test_a_pem_bundle_loads_and_the_command_goes_on_to_the_server(reg: Reg) -> None:
    """The control: a real CA bundle (certifi's) loads; the command fails only at the closed port."""
    run = reg("get", "x", "--no-config", "--server", "https://127.0.0.1:1", "--realm", "r", "-t", TOKEN,
              "--truststore", certifi.where())  # fmt: skip
    assert run.code == 1 and run.err.startswith("Failed to send request - "), run.err

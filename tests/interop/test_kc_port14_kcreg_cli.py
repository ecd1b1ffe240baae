"""Keycloak 26's KcRegTest and KcRegConfigTest (testsuite/.../cli/registration), the methods that need no
server, transcribed method by method against ``doorkeep reg`` (each test names its Java method).

Each asserts what the Java method asserts: exit status, stdout/stderr, the usage line, the config file.
``kcreg.sh`` is ``doorkeep reg``. Differences kept: the top-level help is click's (``Usage: doorkeep reg
[OPTIONS] COMMAND [ARGS]...``) where kcreg prints "Keycloak Client Registration CLI", as the kcadm port keeps
it; picocli's suggestion line ("Did you mean …" / "Possible solutions: …") comes from a closeness measure of
our own, so the tests check the first and the last stderr line and allow it between them.
Not ported: testUserLoginWithDefaultConfigInteractive, testClientLoginWithDefaultConfigInteractive and the
prompted half of testRegistrationToken (a TTY; test_admin_cli.py covers the shared prompt).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interop.kcreg_port_support import Reg

pytestmark = pytest.mark.interop
CMD = "doorkeep reg"
TRY = "for more information on the available options."
SERVER = "http://localhost:8080/auth"


@pytest.fixture
def reg(tmp_path: Path) -> Reg:
    return Reg(tmp_path / "home" / ".doorkeep" / "reg.config")


NO_ARGS = [
    ((), f"Usage: {CMD} [OPTIONS] COMMAND [ARGS]..."),
    (("config",), f"Usage: {CMD} config SUB_COMMAND [ARGUMENTS]"),
    (("config", "credentials"), f"Usage: {CMD} config credentials --server SERVER_URL --realm REALM [ARGUMENTS]"),
    (
        ("config", "initial-token"),
        f"Usage: {CMD} config initial-token --server SERVER --realm REALM [--delete | TOKEN] [ARGUMENTS]",
    ),
    (
        ("config", "registration-token"),
        f"Usage: {CMD} config registration-token --server SERVER --realm REALM --client CLIENT [--delete | TOKEN]"
        " [ARGUMENTS]",
    ),
    (
        ("config", "truststore"),
        f"Usage: {CMD} config truststore [TRUSTSTORE | --delete] [--trustpass PASSWORD] [ARGUMENTS]",
    ),
    (("create",), f"Usage: {CMD} create [ARGUMENTS]"),
    (("get",), f"Usage: {CMD} get CLIENT [ARGUMENTS]"),
    (("update",), f"Usage: {CMD} update CLIENT [ARGUMENTS]"),
    (("delete",), f"Usage: {CMD} delete CLIENT [ARGUMENTS]"),
    (("update-token",), f"Usage: {CMD} update-token CLIENT [ARGUMENTS]"),
]


@pytest.mark.parametrize(("args", "usage"), NO_ARGS)
def test_no_args(reg: Reg, args: tuple[str, ...], usage: str) -> None:
    """testNoArgs: nothing to do prints the help on stdout, exit status 2, nothing on stderr."""
    run = reg(*args)
    assert (run.code, run.err) == (2, "")
    assert run.out.splitlines()[0] == usage and len(run.out.splitlines()) > 10
    assert not reg.config.exists()


def test_no_args_attrs_and_help(reg: Reg) -> None:
    """testNoArgs: ``attrs`` lists the default format's attributes; ``help`` is the help with exit status 0."""
    run = reg("attrs")
    assert run.code == 0 and len(run.out.splitlines()) > 10
    assert run.out.splitlines()[0] == "Attributes for default format:"
    run = reg("help")
    assert (run.code, run.err) == (0, "") and run.out.splitlines()[0] == NO_ARGS[0][1]


@pytest.mark.parametrize(
    ("args", "usage"),
    [(("--help",), NO_ARGS[0][1])]
    + [((*args, "--help"), usage) for args, usage in NO_ARGS[1:]]
    + [(("attrs", "--help"), f"Usage: {CMD} attrs [ATTRIBUTE] [ARGUMENTS]")],
)
def test_help_global_option(reg: Reg, args: tuple[str, ...], usage: str) -> None:
    """testHelpGlobalOption: --help on every command, exit status 0, nothing on stderr."""
    run = reg(*args)
    assert (run.code, run.err) == (0, "") and run.out.splitlines()[0] == usage


@pytest.mark.parametrize(
    ("args", "message", "command"),
    [
        (("nonexistent",), "Unmatched argument at index 0: 'nonexistent'", ""),  # testBadCommand
        (("--nonexistent",), "Unknown option: '--nonexistent'", ""),  # testBadOptionInPlaceOfCommand
        (("get", "my_client", "--nonexistent"), "Unknown option: '--nonexistent'", " get"),  # testBadOption
    ],
)
def test_bad_command_and_options(reg: Reg, args: tuple[str, ...], message: str, command: str) -> None:
    """testBadCommand, testBadOptionInPlaceOfCommand, testBadOption: exit status 2, picocli's message, the Try line."""
    run = reg(*args)
    assert (run.code, run.out) == (2, "")
    err = run.err.splitlines()
    assert err[0] == message and err[-1] == f"Try '{CMD}{command} --help' {TRY}" and len(err) in (2, 3)


def test_credentials_server_and_realm_with_default_config(reg: Reg) -> None:
    """testCredentialsServerAndRealmWithDefaultConfig: only --server and --realm: saved, no login, no output."""
    run = reg("config", "credentials", "--server", SERVER, "--realm", "master")
    assert (run.code, run.out, run.err) == (0, "", "")
    assert (reg.stored()["serverUrl"], reg.stored()["realm"]) == (SERVER, "master")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--realm", "master", "--user", "admin", "--password", "admin"), "Required option not specified: --server"),
        (("--server", SERVER, "--user", "admin", "--password", "admin"), "Required option not specified: --realm"),
        (
            ("--no-config", "--server", SERVER, "--realm", "master", "--user", "admin", "--password", "admin"),
            "Unsupported option: --no-config",
        ),
    ],
    ids=[
        "testCredentialsNoServerWithDefaultConfig",
        "testCredentialsNoRealmWithDefaultConfig",
        "testCredentialsWithNoConfig",
    ],
)
def test_credentials_refused(reg: Reg, args: tuple[str, ...], message: str) -> None:
    run = reg("config", "credentials", *args)
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines() == [message, f"Try '{CMD} config credentials --help' {TRY}"]


def test_registration_token(tmp_path: Path) -> None:
    """KcRegConfigTest.testRegistrationToken (without the prompted step)."""
    reg = Reg(tmp_path / "custom.config")
    base = ["config", "registration-token", "--config", str(reg.config)]
    try_line = f"Try '{CMD} config registration-token --help' {TRY}"
    for extra, message in [
        ([], "Required option not specified: --server"),
        (["--server", SERVER], "Required option not specified: --realm"),
        (["--server", SERVER, "--realm", "test"], "Required option not specified: --client"),
    ]:
        run = reg(*base, *extra)
        assert (run.code, run.out, run.err.splitlines()) == (2, "", [message, try_line])
    run = reg(*base, "--server", SERVER, "--realm", "test", "--client", "my_client", "NEWTOKEN")
    assert (run.code, run.out, run.err) == (0, "", "")
    assert reg.registration_token(SERVER, "test", "my_client") == "NEWTOKEN"
    run = reg(*base, "--server", SERVER, "--realm", "test", "--client", "nonexistent", "--delete")
    assert (run.code, run.out, run.err) == (0, "", "")
    run = reg(*base, "--server", SERVER, "--realm", "test", "--client", "my_client", "--delete")
    assert (run.code, run.out, run.err) == (0, "", "")
    assert "my_client" not in reg.realm_entry(SERVER, "test").get("clients", {})


def test_no_config_option(reg: Reg) -> None:
    """KcRegConfigTest.testNoConfigOption: the two token commands refuse --no-config as bad input."""
    for args, command in [
        (("registration-token", "--no-config", "--server", SERVER, "--realm", "test", "--client", "my_client",
          "--delete"), "registration-token"),
        (("initial-token", "--no-config", "--server", SERVER, "--realm", "test", "--delete"), "initial-token"),
    ]:  # fmt: skip
        run = reg("config", *args)
        assert (run.code, run.out) == (2, "")
        assert run.err.splitlines() == ["Unsupported option: --no-config", f"Try '{CMD} config {command} --help' {TRY}"]
    assert not reg.config.exists()


def test_attrs_types_are_kcregs(reg: Reg) -> None:
    """AttrsCmd with ReflectionUtil.getTypeString: lists are ``array (string)``, maps ``object (string, …)``."""
    listed = {line.split()[0]: " ".join(line.split()[1:]) for line in reg.ok("attrs").out.splitlines()[1:]}
    assert listed["redirectUris"] == "array (string)" and listed["defaultRoles"] == "array (string)"
    assert listed["attributes"] == "object (string, string)" and listed["registeredNodes"] == "object (string, int)"
    assert listed["protocolMappers"] == "array (object)" and listed["access"] == "object (string, boolean)"
    oidc = reg.ok("attrs", "-e", "oidc").out.splitlines()
    assert oidc[0] == "Attributes for openid-connect format:"
    assert {line.split()[0]: line.split()[-1] for line in oidc[1:]}["client_secret_expires_at"] == "long"
    assert json.dumps(reg.ok("attrs", "publicClient").out.split()) == '["publicClient", "boolean"]'

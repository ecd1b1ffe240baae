"""The command line: help, and the refusals of ``start`` (DESIGN §1)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_logging import restore_logging  # noqa: F401  (autouse: start-dev configures logging)
from doorkeep.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env or {})
    return result.exit_code, result.output


def test_help_lists_every_command() -> None:
    code, out = run("--help")
    assert code == 0
    for command in ("start-dev", "start", "import", "export"):
        assert command in out


def test_help_summarises_every_command_without_cutting_it_off() -> None:
    """Click cut the docstrings' first sentences at 45 characters ("Export a realm as Keycloak realm JSON (users
    and...")."""
    code, out = run("--help")
    commands = out.split("Commands:")[1]
    assert code == 0 and "..." not in commands
    assert "start-dev              Development server: SQLite, plain HTTP, admin/admin" in commands
    assert "admin                  kcadm-style client of a running server" in commands


@pytest.mark.parametrize("command", ["start-dev", "start"])
def test_server_help_documents_options_and_their_environment_variables(command: str) -> None:
    code, out = run(command, "--help")
    assert code == 0
    for flag, env in [
        ("--http-port", "DOORKEEP_HTTP_PORT"),
        ("--http-host", "DOORKEEP_HTTP_HOST"),
        ("--db-url", "DOORKEEP_DB_URL"),
        ("--import-realm", "DOORKEEP_IMPORT_REALM"),
    ]:
        assert flag in out and env in out


def test_start_refuses_workers_on_sqlite(tmp_path: Path) -> None:
    code, out = run(
        "start", "--hostname", "https://id.example", "--db-url", f"sqlite:///{tmp_path}/x.db", "--workers", "2"
    )
    assert code != 0
    assert "PostgreSQL" in out


def test_start_refuses_plain_http_off_loopback(tmp_path: Path) -> None:
    code, out = run(
        "start", "--hostname", "https://id.example", "--db-url", f"sqlite:///{tmp_path}/x.db", "--http-host", "0.0.0.0"
    )
    assert code != 0
    assert "--http-enabled true" in out


def test_start_refuses_plain_http_on_an_open_management_port_off_loopback(tmp_path: Path) -> None:
    args = ("start", "--hostname", "https://id.example", "--db-url", f"sqlite:///{tmp_path}/x.db", "--http-port", "1")
    code, out = run(*args, "--http-management-host", "0.0.0.0", "--metrics-enabled", "true")
    assert code != 0 and "plain HTTP on a non-loopback address" in out
    code, out = run(*args, "--http-management-host", "0.0.0.0")  # nothing exposed: the port stays closed
    assert code != 0 and "plain HTTP" not in out and "DOORKEEP_BOOTSTRAP_ADMIN_USERNAME" in out


def test_start_refuses_a_first_start_without_a_bootstrap_admin(tmp_path: Path) -> None:
    code, out = run(
        "start", "--hostname", "https://id.example", "--db-url", f"sqlite:///{tmp_path}/x.db", "--http-port", "1"
    )
    assert code != 0
    assert "DOORKEEP_BOOTSTRAP_ADMIN_USERNAME" in out


def test_start_refuses_to_run_without_a_hostname_as_keycloak_does(tmp_path: Path) -> None:
    code, out = run("start", "--db-url", f"sqlite:///{tmp_path}/x.db", "--http-port", "1")
    assert code != 0
    assert "hostname is not configured; either configure hostname, or set hostname-strict to false" in out
    assert not (tmp_path / "x.db").exists()  # refused before touching the database


@pytest.mark.parametrize("env", [{}, {"DOORKEEP_HOSTNAME_STRICT": "true"}])
def test_start_refuses_an_empty_hostname(tmp_path: Path, env: dict[str, str]) -> None:
    code, out = run("start", "--hostname", "", "--db-url", f"sqlite:///{tmp_path}/x.db", env=env)
    assert code != 0
    assert "hostname is not configured" in out


@pytest.mark.parametrize(
    "args, env",
    [
        (["--hostname-strict", "false"], {}),
        ([], {"DOORKEEP_HOSTNAME_STRICT": "false"}),
        ([], {"DOORKEEP_HOSTNAME": "https://id.example"}),
    ],
)
def test_start_accepts_a_hostname_or_an_explicit_non_strict_hostname(
    tmp_path: Path,
    args: list[str],
    env: dict[str, str],
) -> None:
    code, out = run("start", *args, "--db-url", f"sqlite:///{tmp_path}/x.db", "--http-port", "1", env=env)
    assert code != 0
    assert "hostname is not configured" not in out
    assert "DOORKEEP_BOOTSTRAP_ADMIN_USERNAME" in out  # it got past the hostname check to the next one


def test_start_dev_needs_no_hostname_unless_strict_is_asked_for(tmp_path: Path) -> None:
    code, out = run("start-dev", "--hostname-strict", "true", "--db-url", f"sqlite:///{tmp_path}/x.db")
    assert code != 0
    assert "hostname is not configured" in out


def test_start_help_documents_hostname_strict() -> None:
    code, out = run("start", "--help")
    assert code == 0
    assert "--hostname-strict" in out and "DOORKEEP_HOSTNAME_STRICT" in out


@pytest.mark.parametrize("level", ["verbose", "info,doorkeep:loud"])
def test_an_unknown_log_level_is_refused(level: str) -> None:
    code, out = run("start-dev", "--log-level", level)
    assert code == 2
    assert "--log-level" in out


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_export_writes_its_file_readable_by_the_owner_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    target = tmp_path / "demo.json"
    target.write_text("old")
    os.chmod(target, 0o644)  # an existing file is tightened too
    code, out = run("import", "--file", str(Path(__file__).parents[2] / "examples" / "demo-realm.json"), "--db-url", db)
    assert code == 0, out
    code, out = run("export", "--realm", "demo", "--file", str(target), "--db-url", db)
    assert code == 0, out
    assert _mode(target) == 0o600
    assert json.loads(target.read_text())["realm"] == "demo"
    fresh = tmp_path / "fresh.json"
    assert run("export", "--realm", "demo", "--file", str(fresh), "--db-url", db)[0] == 0
    assert _mode(fresh) == 0o600


def test_export_to_a_dash_writes_the_realm_to_standard_output_and_the_summary_to_standard_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--file -`` wrote a file named ``-``."""
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path}/x.db"
    assert (
        run("import", "--file", str(Path(__file__).parents[2] / "examples" / "demo-realm.json"), "--db-url", db)[0] == 0
    )
    result = CliRunner().invoke(main, ["export", "--realm", "demo", "--file", "-", "--db-url", db])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["realm"] == "demo"
    assert result.stderr.startswith("exported demo (1 users, ") and " clients) to standard output in " in result.stderr
    assert not (tmp_path / "-").exists()


def test_the_sqlite_database_and_its_wal_are_created_owner_only(tmp_path: Path) -> None:
    code, out = run(
        "import",
        "--file",
        str(Path(__file__).parents[2] / "examples" / "demo-realm.json"),
        "--db-url",
        f"sqlite:///{tmp_path}/x.db",
    )
    assert code == 0, out
    assert _mode(tmp_path / "x.db") == 0o600
    with sqlite3.connect(tmp_path / "x.db") as conn:  # open in WAL mode: SQLite creates -wal and -shm
        conn.execute("SELECT count(*) FROM realms").fetchone()
        for suffix in ("-wal", "-shm"):
            extra = tmp_path / f"x.db{suffix}"
            assert extra.exists() and _mode(extra) == 0o600, suffix


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    db.touch()
    os.chmod(db, 0o644)
    code, out = run(
        "import",
        "--file",
        str(Path(__file__).parents[2] / "examples" / "demo-realm.json"),
        "--db-url",
        f"sqlite:///{db}",
    )
    assert code == 0, out
    assert _mode(db) == 0o600


def test_the_default_data_directory_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = run("import", "--file", str(Path(__file__).parents[2] / "examples" / "demo-realm.json"))
    assert code == 0, out
    assert _mode(tmp_path / "data") == 0o700
    assert _mode(tmp_path / "data" / "doorkeep.db") == 0o600


def test_proxy_trusted_addresses_must_be_addresses_or_networks(tmp_path: Path) -> None:
    code, out = run(
        "start-dev",
        "--proxy-headers",
        "xforwarded",
        "--proxy-trusted-addresses",
        "10.0.0.0/8,proxy.lan",
        "--db-url",
        f"sqlite:///{tmp_path}/x.db",
    )
    assert code == 2
    assert "proxy.lan" in out and "--proxy-trusted-addresses" in out


DEMO_FILE = str(Path(__file__).parents[2] / "examples" / "demo-realm.json")


def _add_sessions(db: Path, online: int, offline: int) -> None:
    """Sessions of the demo realm, written as a running server would have left them."""
    with sqlite3.connect(db) as conn:
        (realm_id,) = conn.execute("SELECT id FROM realms WHERE name = 'demo'").fetchone()
        (user_id,) = conn.execute("SELECT id FROM users WHERE realm_id = ?", (realm_id,)).fetchone()
        columns = [row[1] for row in conn.execute("PRAGMA table_info(user_sessions)")]
        for i, is_offline in enumerate([False] * online + [True] * offline):
            values = {"id": f"s{i}", "realm_id": realm_id, "user_id": user_id, "offline": is_offline}
            row = {c: values.get(c, 0) for c in columns}
            conn.execute(
                f"INSERT INTO user_sessions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )


def _sessions(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM user_sessions").fetchone()[0])


def test_reimporting_a_realm_with_sessions_is_refused_unless_override_true(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert run("import", "--file", DEMO_FILE, "--db-url", f"sqlite:///{db}")[0] == 0
    _add_sessions(db, online=2, offline=3)

    code, out = run("import", "--file", DEMO_FILE, "--db-url", f"sqlite:///{db}")
    assert code == 1
    assert "realm 'demo' has 2 online and 3 offline sessions" in out and "--override true" in out
    assert "Traceback" not in out and _sessions(db) == 5  # nothing replaced

    code, out = run("import", "--file", DEMO_FILE, "--db-url", f"sqlite:///{db}", "--override", "false")
    assert code == 0 and "imported nothing" in out and _sessions(db) == 5

    code, out = run("import", "--file", DEMO_FILE, "--db-url", f"sqlite:///{db}", "--override", "true")
    assert code == 0, out
    assert "ended 2 online and 3 offline sessions of realm 'demo'" in out and "imported demo" in out
    assert _sessions(db) == 0


def test_reimporting_a_realm_without_sessions_replaces_it_as_keycloak_does(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    assert run("import", "--file", DEMO_FILE, "--db-url", db)[0] == 0
    code, out = run("import", "--file", DEMO_FILE, "--db-url", db)
    assert code == 0 and out.startswith("imported demo (") and len(out.splitlines()) == 1


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_override_takes_true_or_false(tmp_path: Path, value: str) -> None:
    code, out = run("import", "--file", DEMO_FILE, "--db-url", f"sqlite:///{tmp_path}/x.db", "--override", value)
    assert code == 2 and "--override" in out


# --- start-up that explains itself (issue 9 item 10) -----------------------------------------------


def test_version() -> None:
    from doorkeep import __version__

    for flag in ("--version", "-V"):
        code, out = run(flag)
        assert code == 0 and out.strip() == f"Doorkeep {__version__}"


@pytest.mark.parametrize("command", ["start-dev", "start"])
@pytest.mark.parametrize(
    "args, named",
    [
        (["--http-port", "0"], "--http-port"),
        (["--http-port", "65536"], "--http-port"),
        (["--http-port", "-1"], "--http-port"),
        (["--http-port", "http"], "--http-port"),
        (["--workers", "0"], "--workers"),
        (["--db-url", "mysql://u:p@h/db"], "--db-url"),
        (["--db-url", "not a url"], "--db-url"),
        (["--db-url", "://"], "--db-url"),
        (["--https-certificate-file", "/nonexistent/cert.pem"], "--https-certificate-file"),
        (["--https-certificate-key-file", "/nonexistent/key.pem"], "--https-certificate-key-file"),
        (["--import-realm", "/nonexistent/realm.json"], "--import-realm"),
        (["--log-level", "loud"], "--log-level"),
    ],
)
def test_invalid_options_fail_with_one_clear_line(
    tmp_path: Path,
    command: str,
    args: list[str],
    named: str,
) -> None:
    result = CliRunner().invoke(main, [command, "--hostname", "https://id.example", *args], env={})
    assert result.exit_code == 2
    assert named in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "data").exists()


def test_an_unreadable_import_file_is_refused(tmp_path: Path) -> None:
    realm = tmp_path / "realm.json"
    realm.write_text("{}")
    os.chmod(realm, 0)
    if os.access(realm, os.R_OK):  # root reads anything; the check still names a directory
        realm = tmp_path
    code, out = run("start-dev", "--import-realm", str(realm), "--db-url", f"sqlite:///{tmp_path}/x.db")
    assert code == 2 and "--import-realm" in out
    code, out = run("import", "--file", str(realm), "--db-url", f"sqlite:///{tmp_path}/x.db")
    assert code != 0 and "Traceback" not in out


@pytest.mark.parametrize("command", ["start-dev", "start"])
def test_more_workers_than_one_need_postgresql_in_both_modes(tmp_path: Path, command: str) -> None:
    code, out = run(
        command, "--hostname", "https://id.example", "--db-url", f"sqlite:///{tmp_path}/x.db", "--workers", "2"
    )
    assert code == 2 and "PostgreSQL" in out and "Traceback" not in out
    assert not (tmp_path / "x.db").exists()


def test_a_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    code, out = run("start-dev", "--https-certificate-file", str(cert), "--db-url", f"sqlite:///{tmp_path}/x.db")
    assert code == 2 and "--https-certificate-key-file" in out


def test_an_unreachable_database_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    code, out = run("start-dev", "--db-url", "postgresql://u:hunter2@127.0.0.1:1/db", "--http-port", "18601")
    assert code == 1
    assert out.count("\n") <= 2 and "Error: cannot start" in out and "Traceback" not in out
    assert "hunter2" not in out


@pytest.mark.parametrize("command", ["start-dev", "start", "show-config"])
def test_help_groups_options_as_keycloak_does(command: str) -> None:
    code, out = run(command, "--help")
    assert code == 0
    headings = [line.rstrip(":") for line in out.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert headings == [
        "Cache",
        "Database",
        "Hostname",
        "HTTP(S)",
        "Health",
        "Management",
        "Metrics",
        "Proxy",
        "Vault",
        "Logging",
        "Import",
        "Bootstrap Admin",
        "Other",
    ]
    http = out.index("HTTP(S):")
    assert http < out.index("--http-port") < out.index("Proxy:")
    assert out.index("Database:") < out.index("--db-url") < out.index("Hostname:")
    hostname = out.index("Hostname:")
    for flag in ("--hostname-admin", "--hostname-backchannel-dynamic"):
        assert hostname < out.index(flag) < http
    assert http < out.index("--http-relative-path") < out.index("Management:")
    assert out.index("Management:") < out.index("--http-management-relative-path") < out.index("Metrics:")


def test_show_config_prints_the_effective_configuration_with_secrets_masked(tmp_path: Path) -> None:
    code, out = run(
        "show-config",
        "--db-url",
        "postgresql://doorkeep:p@ss/w0rd@db.example/doorkeep",
        "--http-port",
        "9443",
        env={"DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD": "hunter2", "DOORKEEP_BOOTSTRAP_ADMIN_USERNAME": "root"},
    )
    assert code == 0, out
    assert "Current Mode: production" in out
    assert "http-port = 9443 (command line)" in out and "http-host = 127.0.0.1 (default)" in out
    assert "bootstrap-admin-username = root (environment)" in out
    assert "bootstrap-admin-password = ******* (environment)" in out
    assert "hostname-strict = true (default)" in out
    assert "hunter2" not in out and "p@ss" not in out and "w0rd" not in out
    assert not (tmp_path / "data").exists()


def test_show_config_in_development_mode_shows_the_dev_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = run("show-config", "--dev")
    assert code == 0, out
    assert "Current Mode: development" in out and "hostname-strict = false" in out
    assert f"db-url = sqlite:///{tmp_path}/data/doorkeep.db" in out
    assert "bootstrap-admin-password = *******" in out and "= admin (default)" in out
    assert not (tmp_path / "data").exists()  # showing changes nothing


def test_the_bootstrap_admin_can_be_given_as_options(tmp_path: Path) -> None:
    code, out = run(
        "start",
        "--hostname",
        "https://id.example",
        "--db-url",
        f"sqlite:///{tmp_path}/x.db",
        "--http-port",
        "1",
        "--bootstrap-admin-username",
        "root",
    )
    assert code != 0 and "DOORKEEP_BOOTSTRAP_ADMIN" in out  # a username alone is not enough


@pytest.mark.parametrize(
    "url, shown",
    [
        ("postgresql://u:pw@h/db", "postgresql://u:*******@h/db"),
        ("postgresql://u:p@s/s:w@h:5432/db", "postgresql://u:*******@h:5432/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        (
            "postgresql://h/db?user=u&password=pw&sslmode=require",
            "postgresql://h/db?user=u&password=*******&sslmode=require",
        ),
        ("sqlite:///data/doorkeep.db", "sqlite:///data/doorkeep.db"),
    ],
)
def test_database_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    from doorkeep.server.option_groups import mask_url

    assert mask_url(url) == shown


@pytest.mark.parametrize(
    "command", [["import", "--file", DEMO_FILE], ["export", "--realm", "demo", "--file", "x.json"]]
)
def test_offline_commands_refuse_bad_database_urls_in_one_line(tmp_path: Path, command: list[str]) -> None:
    code, out = run(*command, "--db-url", "mysql://u:p@h/db")
    assert code == 2 and "--db-url" in out and "Traceback" not in out
    code, out = run(*command, "--db-url", "postgresql://u:hunter2@127.0.0.1:1/db")
    assert code == 1 and "Error: cannot open the database" in out and "hunter2" not in out
    assert "Traceback" not in out and out.count("\n") == 1


def test_start_dev_says_admin_admin_when_it_creates_the_master_realm_with_it_and_not_on_later_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from doorkeep.server import serving

    served: list[int] = []
    monkeypatch.setattr(serving, "bind", lambda settings: [])
    monkeypatch.setattr(serving, "run", lambda settings, level, sockets: served.append(settings.http_port))
    db = f"sqlite:///{tmp_path}/x.db"
    bad = run("start-dev", "--db-url", db, "--proxy-trusted-addresses", "proxy.lan")
    first = run("start-dev", "--db-url", db)
    again = run("start-dev", "--db-url", db)
    assert bad[0] == 2 and "admin/admin" not in bad[1]  # the refusal comes alone
    assert first[0] == 0 and "WARNING: the master realm's admin is admin/admin: development only!" in first[1]
    assert again[0] == 0 and "admin/admin" not in again[1]
    assert served == [8080, 8080]


def test_ctrl_c_ends_the_server_with_130_and_no_aborted_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn shuts down on SIGINT, then raises KeyboardInterrupt again; click turned it into "Aborted!", exit 1."""
    from doorkeep.server import serving

    def interrupted(settings: object, level: str, sockets: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(serving, "bind", lambda settings: [])
    monkeypatch.setattr(serving, "run", interrupted)
    code, out = run("start-dev", "--db-url", f"sqlite:///{tmp_path}/x.db")
    assert code == 130 and "Aborted" not in out


def _pem_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed EC certificate and its unencrypted key, as PEM files."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=36500))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.mark.parametrize("command", ["start-dev", "start"])
def test_a_tls_file_that_is_no_pem_or_a_key_of_another_certificate_is_one_line_before_the_database(
    tmp_path: Path, command: str
) -> None:
    """uvicorn answered both with a traceback, after the database was made."""
    cert, _key = _pem_pair(tmp_path, "one")
    _cert, other_key = _pem_pair(tmp_path, "two")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    base = [command, "--hostname", "https://id.example", "--db-url", f"sqlite:///{tmp_path}/x.db"]
    for certificate, key, said in [
        (junk, junk, "expected a PEM certificate (chain) and its unencrypted PEM key"),
        (cert, junk, "expected a PEM certificate (chain) and its unencrypted PEM key"),
        (cert, other_key, "the key is not the certificate's"),
    ]:
        code, out = run(*base, "--https-certificate-file", str(certificate), "--https-certificate-key-file", str(key))
        assert code == 2 and "Traceback" not in out, out
        assert out.strip().splitlines()[-1] == (
            f"Error: --https-certificate-file {certificate}, --https-certificate-key-file {key}: {said}"
        )
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    "command", [["start-dev"], ["start", "--hostname", "https://id.example"], ["export", "--realm", "x", "--file", "o"]]
)
def test_a_sqlite_file_in_a_missing_folder_is_one_line_naming_the_folder(tmp_path: Path, command: list[str]) -> None:
    """SQLite said only "unable to open database file"."""
    missing = tmp_path / "no" / "such"
    code, out = run(*command, "--db-url", f"sqlite:///{missing}/doorkeep.db")
    assert code == 2 and "Traceback" not in out
    assert (
        out.strip().splitlines()[-1] == f"Error: --db-url: the folder of the SQLite database does not exist: {missing}"
    )
    assert not (tmp_path / "no").exists()

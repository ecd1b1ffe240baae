"""Keycloak's configuration onto Doorkeep's options: KC_* variables, Keycloak spellings, JDBC URLs (issue #12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from doorkeep.cli import main
from doorkeep.server import keycloak_options as kc_options
from doorkeep.server.keycloak_group import known_options
from doorkeep.server.keycloak_options import KeycloakConfigError, database_url, jdbc_to_url, translate

KNOWN = known_options(main.commands["start"])


def run(args: list[str], env: dict[str, str], cwd: Path = Path("/nowhere")) -> kc_options.Translated:
    return translate(args, env, KNOWN, cwd)


def test_kc_variables_with_doorkeeps_names_become_defaults_of_the_same_options() -> None:
    done = run(
        [],
        {
            "KC_HTTP_PORT": "9090",
            "KC_HOSTNAME": "id.example.com",
            "KC_PROXY_HEADERS": "xforwarded",
            "KC_BOOTSTRAP_ADMIN_USERNAME": "boss",
            "KC_BOOTSTRAP_ADMIN_PASSWORD": "pw",
            "KC_LOG_LEVEL": "debug",
            "KC_METRICS_ENABLED": "true",
            "KC_HTTP_HOST": "0.0.0.0",
        },
    )
    assert done.defaults == {
        "http_port": "9090",
        "hostname": "id.example.com",
        "proxy_headers": "xforwarded",
        "bootstrap_admin_username": "boss",
        "bootstrap_admin_password": "pw",
        "log_level": "debug",
        "metrics_enabled": "true",
        "http_host": "0.0.0.0",
    }
    assert done.ignored == [] and done.args == []


def test_a_doorkeep_variable_wins_over_its_kc_twin() -> None:
    assert run([], {"KC_HTTP_PORT": "9090", "DOORKEEP_HTTP_PORT": "8181"}).defaults == {}


@pytest.mark.parametrize(
    ("jdbc", "url"),
    [
        ("jdbc:postgresql://db:5432/keycloak", "postgresql://kc:s%40cret@db:5432/keycloak"),
        ("jdbc:postgresql://db/kc?sslmode=verify-full", "postgresql://kc:s%40cret@db/kc?ssl=verify-full"),
        ("jdbc:postgresql://db/kc?ssl=true", "postgresql://kc:s%40cret@db/kc?ssl=require"),
    ],
)
def test_a_jdbc_url_becomes_a_postgresql_url_with_the_credentials(jdbc: str, url: str) -> None:
    assert jdbc_to_url(jdbc, "kc", "s@cret", []) == url


def test_credentials_inside_the_jdbc_url_are_used_and_unknown_properties_named() -> None:
    ignored: list[str] = []
    assert (
        jdbc_to_url("jdbc:postgresql://db/kc?user=u&password=p&currentSchema=x", None, None, ignored)
        == "postgresql://u:p@db/kc"
    )
    assert ignored == ["db-url property 'currentSchema'"]


def test_kc_db_postgres_without_a_url_builds_one_from_host_port_and_database() -> None:
    parts = {"db": "postgres", "db-url-host": "pg", "db-url-port": "5433", "db-username": "kc"}
    assert database_url(parts, []) == "postgresql://kc@pg:5433/keycloak"


def test_dev_file_keeps_doorkeeps_sqlite_default_and_other_vendors_are_refused() -> None:
    assert database_url({"db": "dev-file"}, []) is None
    ignored: list[str] = []
    assert database_url({"db": "dev-mem"}, ignored) is None and "dev-mem" in ignored[0]
    with pytest.raises(KeycloakConfigError, match="database vendor 'mysql'"):
        database_url({"db": "mysql", "db-url": "jdbc:mysql://x/db"}, [])


def test_database_options_on_the_command_line_fold_into_one_db_url() -> None:
    done = run(
        ["--db=postgres", "--db-url", "jdbc:postgresql://h/d", "--db-username", "u", "--db-password", "p"],
        {"KC_DB_USERNAME": "ignored-because-the-command-line-wins"},
    )
    assert done.args == ["--db-url", "postgresql://u:p@h/d"]


def test_kc_db_variables_become_the_db_url_default() -> None:
    done = run(
        [],
        {"KC_DB": "postgres", "KC_DB_URL": "jdbc:postgresql://h:5432/d", "KC_DB_USERNAME": "u", "KC_DB_PASSWORD": "p"},
    )
    assert done.defaults == {"db_url": "postgresql://u:p@h:5432/d"}


def test_options_doorkeep_lacks_are_named_and_dropped_with_their_values_but_typos_reach_click() -> None:
    done = run(
        ["--cache-stack", "tcp", "--http-port", "8081", "--optimized", "--spi-x-y=z", "--htpp-port", "1"],
        {"KC_CACHE_STACK": "kubernetes", "KC_RUN_IN_CONTAINER": "true"},
    )
    assert done.ignored == ["--cache-stack", "--spi-x-y", "KC_CACHE_STACK"]
    assert done.args == ["--http-port", "8081", "--optimized", "--htpp-port", "1"]  # start's own, a no-op


def test_keycloaks_default_values_are_accepted_silently() -> None:
    done = run(["--cache", "local", "--http-management-scheme", "inherited"], {"KC_LOG": "console"})
    assert done.ignored == [] and done.args == []


def test_health_and_the_management_interface_options_are_doorkeeps_own() -> None:
    done = run(
        ["--health-enabled", "true", "--legacy-observability-interface", "false"],
        {"KC_HTTP_MANAGEMENT_PORT": "9100", "KC_HTTP_MANAGEMENT_RELATIVE_PATH": "/management"},
    )
    assert done.ignored == [] and done.args == ["--health-enabled", "true", "--legacy-observability-interface", "false"]
    assert done.defaults == {"http_management_port": "9100", "http_management_relative_path": "/management"}


def test_management_tls_options_doorkeep_lacks_are_named_as_ignored() -> None:
    done = run(["--http-management-scheme", "http", "--https-management-certificate-file", "m.pem"], {})
    assert done.ignored == ["--http-management-scheme", "--https-management-certificate-file"] and done.args == []


def test_import_realm_without_a_file_imports_every_json_of_data_import(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "import"
    folder.mkdir(parents=True)
    for name in ("b.json", "a.json", "notes.txt"):
        (folder / name).write_text("{}")
    done = run(["--import-realm", "--http-port", "1"], {}, cwd=tmp_path)
    assert done.args == [
        "--http-port",
        "1",
        "--import-realm",
        str(folder / "a.json"),
        "--import-realm",
        str(folder / "b.json"),
    ]
    assert run(["--import-realm", "x.json"], {}, cwd=tmp_path).args == ["--import-realm", "x.json"]
    elsewhere = run(["--import-realm"], {"DOORKEEP_IMPORT_DIR": str(tmp_path / "none")}, cwd=tmp_path)
    assert elsewhere.args == [] and "no realm files" in elsewhere.notes[0]


def test_https_port_is_the_listening_port_when_tls_files_are_given() -> None:
    tls = run(["--https-port", "8443", "--https-certificate-file", "c.pem"], {})
    assert tls.defaults == {"http_port": "8443"}
    assert run([], {"KC_HTTPS_PORT": "8443"}).ignored[0].startswith("https-port")


def test_show_config_reports_kc_values_and_warns_about_the_rest(tmp_path: Path) -> None:
    env = {
        "KC_DB": "postgres",
        "KC_DB_URL": "jdbc:postgresql://db:5432/kc",
        "KC_DB_USERNAME": "kc",
        "KC_DB_PASSWORD": "hunter2-secret",
        "KC_HOSTNAME": "id.example.com",
        "KC_FEATURES": "preview",
        "KC_CACHE_STACK": "kubernetes",
    }
    result = CliRunner().invoke(main, ["show-config"], env=env)
    assert result.exit_code == 0, result.output
    assert "db-url = postgresql://kc:*******@db:5432/kc (environment, KC_*)" in result.output
    assert "hostname = id.example.com (environment, KC_*)" in result.output
    assert "features = preview (environment, KC_*)" in result.output
    assert "ignored: KC_CACHE_STACK" in result.output and "hunter2-secret" not in result.output


def test_an_unsupported_database_vendor_is_one_line_and_exit_one() -> None:
    result = CliRunner().invoke(main, ["start-dev"], env={"KC_DB": "oracle"})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: database vendor 'oracle' (--db / KC_DB) is not supported: Doorkeep runs on PostgreSQL (postgres) "
        "or SQLite (dev-file)"
    ]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--proxy", "edge"],
            "Error: --proxy was removed in Keycloak 26: use --proxy-headers xforwarded (or forwarded)",
        ),
        (
            ["--proxy=reencrypt"],
            "Error: --proxy was removed in Keycloak 26: use --proxy-headers xforwarded (or forwarded)",
        ),
        (
            ["--hostname-url", "https://id.example"],
            "Error: --hostname-url was removed in Keycloak 26: use --hostname with the full URL",
        ),
        (
            ["--hostname-strict-backchannel=true"],
            "Error: --hostname-strict-backchannel was removed in Keycloak 26: use --hostname-backchannel-dynamic",
        ),
    ],
)
def test_an_option_keycloak_26_removed_is_refused_on_the_command_line_naming_its_replacement(
    args: list[str], line: str
) -> None:
    """Keycloak 26 answers "Unknown option" to hostname v1's options and --proxy; ignoring them with a warning would
    leave a proxy's headers unread where the operator meant them to count."""
    result = CliRunner().invoke(main, ["start", *args])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [line]


def test_a_kc_variable_keycloak_26_removed_is_named_with_its_replacement_and_ignored() -> None:
    done = run([], {"KC_PROXY": "edge", "KC_HOSTNAME_ADMIN_URL": "https://admin.example", "KC_HTTP_PORT": "9090"})
    assert done.ignored == [
        "KC_HOSTNAME_ADMIN_URL (removed in Keycloak 26: use --hostname-admin)",
        "KC_PROXY (removed in Keycloak 26: use --proxy-headers xforwarded (or forwarded))",
    ]
    assert done.defaults == {"http_port": "9090"} and done.args == []


@pytest.mark.parametrize(
    ("args", "env", "hint"),
    [
        (["--http-port", "abc"], {}, "'--http-port'"),
        ([], {"DOORKEEP_HTTP_PORT": "abc"}, "'--http-port' (env var: 'DOORKEEP_HTTP_PORT')"),
        ([], {"KC_HTTP_PORT": "abc"}, "'--http-port' (env var: 'KC_HTTP_PORT')"),
        ([], {"KC_LOG_LEVEL": "verbose"}, "'--log-level' (env var: 'KC_LOG_LEVEL')"),
    ],
)
def test_a_refused_value_is_named_by_where_it_came_from(args: list[str], env: dict[str, str], hint: str) -> None:
    """Click named DOORKEEP_HTTP_PORT for a bad KC_HTTP_PORT or a bad --http-port alike."""
    result = CliRunner().invoke(main, ["start-dev", *args], env=env)
    assert result.exit_code == 2
    assert f"Error: Invalid value for {hint}: " in result.output, result.output


def test_a_database_option_without_its_value_is_left_for_click_to_refuse() -> None:
    assert run(["--db-url"], {}).args == ["--db-url"]
    result = CliRunner().invoke(main, ["start-dev", "--db-url"])
    assert result.exit_code == 2 and "'--db-url' requires an argument" in result.output


def test_features_and_features_disabled_are_doorkeeps_own_options() -> None:
    """--features turns on the opt-in features Doorkeep implements (resource-indicators); its other names are
    warned about when the option is read, not refused (test_features_enabled)."""
    done = run(["--features-disabled", "impersonation", "--features", "x"], {"KC_FEATURES_DISABLED": "impersonation"})
    assert done.ignored == []
    assert done.args == ["--features-disabled", "impersonation", "--features", "x"]
    assert done.defaults == {"features_disabled": "impersonation"}
    assert run([], {"KC_FEATURES": "resource-indicators"}).defaults == {"features": "resource-indicators"}


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--features-disabled", "impersonaton"], {}),  # a misspelt name would leave impersonation on
        (["--features-disabled", "impersonation,token-exchange"], {}),
        ([], {"KC_FEATURES_DISABLED": "admin-fine-grained-authz"}),
    ],
)
def test_an_unknown_disabled_feature_stops_the_start_with_its_name(args: list[str], env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["start-dev", *args], env=env)
    assert result.exit_code == 2, result.output
    assert "unrecognized feature; Doorkeep knows account, impersonation" in result.output


def test_relative_path_and_hostname_v2_variables_set_doorkeeps_options() -> None:
    done = run(
        [],
        {
            "KC_HTTP_RELATIVE_PATH": "/auth",
            "KC_HOSTNAME": "https://id.example.com/auth",
            "KC_HOSTNAME_ADMIN": "https://admin.example.com",
            "KC_HOSTNAME_BACKCHANNEL_DYNAMIC": "true",
            "KC_HTTP_MANAGEMENT_RELATIVE_PATH": "/auth",
        },
    )
    assert done.defaults == {
        "http_relative_path": "/auth",
        "hostname": "https://id.example.com/auth",
        "hostname_admin": "https://admin.example.com",
        "hostname_backchannel_dynamic": "true",
        "http_management_relative_path": "/auth",
    }
    assert done.ignored == [] and done.args == []


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["export", "--dir", "/backup", "--realm", "demo"], "--dir"),
        (["export", "--realm", "demo", "--file", "x.json", "--users", "different_files"], "--users=different_files"),
        (["export", "--realm", "demo", "--file", "x.json", "--users-per-file", "50"], "--users-per-file"),
    ],
)
def test_kc_sh_import_and_exports_directory_form_is_one_line_saying_what_doorkeep_does(
    args: list[str], named: str
) -> None:
    """click answered "No such option '--dir'. Did you mean '--db-url'?"."""
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {named}: {kc_options.ONE_FILE}"]


def test_users_in_the_realm_file_is_what_doorkeep_exports_so_it_is_accepted(tmp_path: Path) -> None:
    known = known_options(main.commands["export"])
    done = translate(
        ["--realm", "demo", "--users", "realm_file", "--file", "x.json"], {}, known, tmp_path, server=False
    )
    assert done.args == ["--realm", "demo", "--file", "x.json"] and done.ignored == []


def test_a_feature_doorkeep_does_not_implement_is_named_in_a_warning_and_ignored() -> None:
    """--features: resource-indicators turns on; token-exchange (Keycloak's, not Doorkeep's) is warned about."""
    result = CliRunner().invoke(main, ["show-config"], env={"KC_FEATURES": "token-exchange,resource-indicators"})
    assert result.exit_code == 0, result.output
    assert "WARNING: Keycloak features Doorkeep does not implement, ignored: token-exchange\n" in result.output
    assert "features = token-exchange,resource-indicators (environment, KC_*)" in result.output

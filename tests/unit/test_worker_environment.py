"""What the parent process hands uvicorn's workers: settings without the bootstrap password (review I4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_logging import restore_logging  # noqa: F401  (autouse: the server configures logging)
from doorkeep.cli import _addresses
from doorkeep.server.workers import SETTINGS_ENV, prepare_environment, public_settings, settings_from, settings_json
from doorkeep.settings import Settings


def test_workers_environment_carries_no_bootstrap_password() -> None:
    settings = Settings(
        db_url="postgresql://dk:dbpw@db/dk",
        bootstrap_admin_username="admin",
        bootstrap_admin_password="b00tstrap-pw",
        workers=4,
        import_realms=("a.json",),
    )
    text = settings_json(settings)
    assert "b00tstrap-pw" not in text
    raw = json.loads(text)
    assert raw["bootstrap_admin_password"] is None
    assert raw["db_url"] == "postgresql://dk:dbpw@db/dk"  # workers connect to the database themselves
    raw["import_realms"] = tuple(raw["import_realms"])
    assert Settings(**raw) == Settings(**{**raw, "bootstrap_admin_password": None})


def test_the_worker_environment_drops_the_bootstrap_password_variable_too() -> None:
    environ = {
        "DOORKEEP_BOOTSTRAP_ADMIN_USERNAME": "admin",
        "DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD": "b00tstrap-pw",
        "DOORKEEP_DB_URL": "postgresql://dk:dbpw@db/dk",
        "PATH": "/usr/bin",
    }
    settings = Settings(
        db_url="postgresql://dk:dbpw@db/dk",
        bootstrap_admin_username="admin",
        bootstrap_admin_password="b00tstrap-pw",
        workers=2,
    )
    prepare_environment(settings, environ)
    assert not any("b00tstrap-pw" in value for value in environ.values())
    assert "DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD" not in environ
    assert environ["PATH"] == "/usr/bin" and environ["DOORKEEP_DB_URL"] == "postgresql://dk:dbpw@db/dk"
    assert json.loads(environ[SETTINGS_ENV])["bootstrap_admin_username"] == "admin"


def test_a_worker_builds_its_app_from_the_copied_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from doorkeep.cli import app_factory

    settings = Settings(db_url=f"sqlite:///{tmp_path}/w.db", bootstrap_admin_password="pw", log_level="warning")
    monkeypatch.setenv(SETTINGS_ENV, settings_json(settings))
    app = app_factory()
    assert app.state.doorkeep.settings.bootstrap_admin_password is None
    assert app.state.doorkeep.settings.db_url == settings.db_url


def test_proxy_trusted_addresses_reach_the_workers() -> None:
    trusted = _addresses(" 10.0.0.1, 192.168.0.0/16 ,::1,")
    assert trusted == ("10.0.0.1", "192.168.0.0/16", "::1")
    environ: dict[str, str] = {}
    prepare_environment(Settings(proxy_trusted_addresses=trusted), environ)
    assert settings_from(environ).proxy_trusted_addresses == trusted


def test_the_settings_debug_line_shows_no_password() -> None:
    shown = json.dumps(
        public_settings(
            Settings(db_url="postgresql://dk:s3cr3t-db@db:5432/dk", bootstrap_admin_password="b00tstrap-pw")
        )
    )
    assert "s3cr3t-db" not in shown and "b00tstrap-pw" not in shown
    assert "postgresql://dk:***@db:5432/dk" in shown


@pytest.mark.parametrize("password", ["pa/ss", "a:b/c", "x?y#z", "/lead", "p%40ss"])
def test_the_settings_debug_line_hides_passwords_sqlalchemy_accepts(password: str) -> None:
    from sqlalchemy.engine import make_url

    url = f"postgresql+asyncpg://dk:{password}@db:5432/dk"
    assert make_url(url).password is not None
    shown = public_settings(Settings(db_url=url))["db_url"]
    assert shown == "postgresql+asyncpg://dk:***@db:5432/dk"


def test_the_settings_debug_line_keeps_a_url_without_password() -> None:
    assert public_settings(Settings(db_url="postgresql://db:5432/dk"))["db_url"] == "postgresql://db:5432/dk"
    assert public_settings(Settings(db_url="postgresql://dk@db/dk"))["db_url"] == "postgresql://dk@db/dk"


def test_client_searchable_attributes_are_read_as_keycloaks_array_and_reach_the_workers() -> None:
    """``--spi-client-jpa-searchable-attributes``: comma-separated, each name trimmed (Config.getArray)."""
    from doorkeep.cli import _settings

    searchable = _settings(
        False, spi_client_jpa_searchable_attributes=' url , test "123",,org'
    ).client_searchable_attributes
    assert searchable == ("url", 'test "123"', "org")
    environ: dict[str, str] = {}
    prepare_environment(Settings(client_searchable_attributes=searchable), environ)
    assert settings_from(environ).client_searchable_attributes == searchable


def test_group_searchable_attributes_are_read_as_keycloaks_array_and_reach_the_workers() -> None:
    """``--spi-group-jpa-searchable-attributes``: comma-separated, each name trimmed (Config.getArray)."""
    from doorkeep.cli import _settings

    settings = _settings(False, spi_group_jpa_searchable_attributes=' url , test "123",,org')
    assert settings.group_searchable_attributes == ("url", 'test "123"', "org")
    assert settings.client_searchable_attributes == ()
    environ: dict[str, str] = {}
    prepare_environment(settings, environ)
    assert settings_from(environ).group_searchable_attributes == ("url", 'test "123"', "org")


def test_read_only_attributes_are_read_as_keycloaks_arrays_and_reach_the_workers() -> None:
    """``--spi-user-profile-declarative-user-profile-read-only-attributes`` and its ``admin-`` twin (and their
    ``--spi-user-profile--declarative-user-profile--…`` spellings): comma-separated, each name trimmed."""
    from doorkeep.cli import _settings

    settings = _settings(
        False,
        spi_user_profile_declarative_user_profile_read_only_attributes=" deniedFoo, deniedBar*,,a/b ",
        spi_user_profile_declarative_user_profile_admin_read_only_attributes="deniedSomeAdmin",
    )
    assert settings.user_profile_read_only_attributes == ("deniedFoo", "deniedBar*", "a/b")
    assert settings.user_profile_admin_read_only_attributes == ("deniedSomeAdmin",)
    environ: dict[str, str] = {}
    prepare_environment(settings, environ)
    assert settings_from(environ).user_profile_read_only_attributes == ("deniedFoo", "deniedBar*", "a/b")
    assert settings_from(environ).user_profile_admin_read_only_attributes == ("deniedSomeAdmin",)


def test_cors_allowed_headers_are_read_as_keycloaks_array_and_reach_the_workers() -> None:
    """``--spi-cors-default-allowed-headers`` (DefaultCorsFactory's ``allowedHeaders``, CustomCorsAllowedHeadersTest):
    comma-separated, each name trimmed."""
    from doorkeep.cli import _settings

    settings = _settings(False, spi_cors_default_allowed_headers=" uber-trace-id, x-b3-traceid,, ")
    assert settings.cors_allowed_headers == ("uber-trace-id", "x-b3-traceid")
    environ: dict[str, str] = {}
    prepare_environment(settings, environ)
    assert settings_from(environ).cors_allowed_headers == ("uber-trace-id", "x-b3-traceid")

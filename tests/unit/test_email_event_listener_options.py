"""The ``email`` event listener's rules (EmailEventListenerProviderFactory.init, FreeMarkerEmailTemplateProvider
.sendEvent) and its options ``--spi-events-listener-email-include-events`` / ``-exclude-events``: both Keycloak 26
spellings, the ``KC_*`` variable, a name that is no event type refused at start, the workers' copy."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from doorkeep import cli
from doorkeep.email.event_mail import DEFAULT_EVENTS, event_message, included, java_date
from doorkeep.events import EVENT_TYPES
from doorkeep.model import Realm, User
from doorkeep.server.workers import prepare_environment, settings_from
from doorkeep.settings import Settings

INCLUDE = "--spi-events-listener-email-include-events"
EXCLUDE = "--spi-events-listener-email-exclude-events"


def _started(monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None) -> Settings:
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", "sqlite:////tmp/x.db", *args], env=env or {})
    assert result.exit_code == 0, result.output
    return seen[0]


def test_the_default_set_is_keycloaks_supported_events() -> None:
    """SUPPORTED_EVENTS of the newest factory: the four old types and their two Keycloak 26 successors."""
    assert included(None, (), EVENT_TYPES) == {
        "LOGIN_ERROR",
        "UPDATE_PASSWORD",
        "REMOVE_TOTP",
        "UPDATE_TOTP",
        "UPDATE_CREDENTIAL",
        "REMOVE_CREDENTIAL",
    }
    assert set(DEFAULT_EVENTS) <= EVENT_TYPES


def test_include_replaces_exclude_removes_any_case() -> None:
    assert included(("login", "Update_Password"), ("update_password",), EVENT_TYPES) == {"LOGIN"}
    assert included(None, ("login_error", "remove_totp"), EVENT_TYPES) == set(DEFAULT_EVENTS) - {
        "LOGIN_ERROR",
        "REMOVE_TOTP",
    }


def test_a_name_that_is_no_event_type_is_refused() -> None:
    """EventType.valueOf throws: Keycloak does not start."""
    with pytest.raises(ValueError, match="NOPE"):
        included(("nope",), (), EVENT_TYPES)
    with pytest.raises(ValueError, match="LOGINERROR"):
        included(None, ("loginerror",), EVENT_TYPES)


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_date_is_javas_date_to_string(utc: None) -> None:
    """MessageFormat writes the FreeMarker date it is handed by its toString: java.util.Date.toString()."""
    assert java_date(1_796_434_214) == "Sat Dec 05 01:30:14 UTC 2026"
    assert java_date(0) == "Thu Jan 01 00:00:00 UTC 1970"


def test_the_credential_templates_name_the_type_or_unknown(utc: None) -> None:
    """event-update_credential.ftl / event-remove_credential.ftl: ``credential_type`` detail, else ``unknown``; the
    lockout templates print the date alone; a type without a template gives no mail."""
    realm, user = Realm(id="r", name="test"), User(id="u", realm_id="r", username="u", email="u@x.org")
    removed = event_message(realm, user, "REMOVE_CREDENTIAL", 0, "10.0.0.1", {"credential_type": "otp"})
    assert removed is not None and removed.subject == "Remove credential" and removed.to == "u@x.org"
    assert removed.text.startswith("Credential otp was removed from your account on Thu Jan 01 00:00:00 UTC 1970 from")
    updated = event_message(realm, user, "UPDATE_CREDENTIAL", 0, None, {})
    assert updated is not None
    assert updated.text.startswith("Your unknown credential was changed on Thu Jan 01 00:00:00 UTC 1970 from null.")
    locked = event_message(realm, user, "USER_DISABLED_BY_TEMPORARY_LOCKOUT", 0, "10.0.0.1", {})
    assert locked is not None and "multiple failed attempts on Thu Jan 01 00:00:00 UTC 1970." in locked.text
    assert event_message(realm, user, "LOGIN", 0, None, {}) is None


def test_unset_the_listener_mails_the_default_set(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _started(monkeypatch)
    assert settings.email_include_events is None and settings.email_exclude_events == ()


@pytest.mark.parametrize("spelling", ["-", "--"])
def test_both_keycloak_spellings_are_read_as_arrays(monkeypatch: pytest.MonkeyPatch, spelling: str) -> None:
    include = INCLUDE.replace("-listener-email-", f"-listener{spelling}email{spelling}")
    exclude = EXCLUDE.replace("-listener-email-", f"-listener{spelling}email{spelling}")
    settings = _started(monkeypatch, f"{include}= login_error, update_password,,", f"{exclude}=update_password")
    assert settings.email_include_events == ("login_error", "update_password")
    assert settings.email_exclude_events == ("update_password",)


def test_the_kc_variable_sets_the_included_events(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"KC_SPI_EVENTS_LISTENER_EMAIL_INCLUDE_EVENTS": "LOGIN_ERROR"}
    assert _started(monkeypatch, env=env).email_include_events == ("LOGIN_ERROR",)


def test_an_unknown_event_type_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: None)
    args = ["start-dev", "--db-url", "sqlite:////tmp/x.db", f"{EXCLUDE}=login_error,not_an_event"]
    result = CliRunner().invoke(cli.main, args, env={})
    assert result.exit_code == 2 and "not_an_event: not an event type" in result.output


def test_the_help_says_what_they_do() -> None:
    result = CliRunner().invoke(cli.main, ["start", "--help"], env={}, terminal_width=400)
    assert result.exit_code == 0
    assert INCLUDE in result.output and EXCLUDE in result.output
    assert "email event listener" in result.output


def test_the_lists_reach_the_workers() -> None:
    for settings in (
        Settings(email_include_events=("LOGIN_ERROR",), email_exclude_events=("update_totp",)),
        Settings(),
    ):
        environ: dict[str, str] = {}
        prepare_environment(settings, environ)
        copied = settings_from(environ)
        assert copied.email_include_events == settings.email_include_events
        assert copied.email_exclude_events == settings.email_exclude_events

"""``--spi-ciba-auth-channel-ciba-http-auth-channel-http-authentication-channel-uri`` (Keycloak's
HttpAuthenticationChannelProviderFactory option), in Keycloak 26's two spellings and as a ``KC_*`` variable,
reaches the settings the CIBA endpoint reads (web/ciba.py); unset, there is none."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from doorkeep import cli
from doorkeep.settings import Settings

URI = "https://device.example/ciba"


def _started(monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None) -> Settings:
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", "sqlite:////tmp/x.db", *args], env=env or {})
    assert result.exit_code == 0, result.output
    return seen[0]


def test_unset_there_is_no_authentication_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _started(monkeypatch).ciba_auth_channel_uri is None


@pytest.mark.parametrize(
    "flag",
    [
        "--spi-ciba-auth-channel-ciba-http-auth-channel-http-authentication-channel-uri",
        "--spi-ciba-auth-channel--ciba-http-auth-channel--http-authentication-channel-uri",
    ],
)
def test_both_keycloak_spellings_set_the_channel(monkeypatch: pytest.MonkeyPatch, flag: str) -> None:
    assert _started(monkeypatch, f"{flag}={URI}").ciba_auth_channel_uri == URI


def test_the_kc_variable_sets_the_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"KC_SPI_CIBA_AUTH_CHANNEL_CIBA_HTTP_AUTH_CHANNEL_HTTP_AUTHENTICATION_CHANNEL_URI": URI}
    assert _started(monkeypatch, env=env).ciba_auth_channel_uri == URI

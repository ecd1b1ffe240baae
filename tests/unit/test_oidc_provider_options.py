"""The OpenID Connect login protocol's server options (Keycloak 26.6-26.8's OIDCLoginProtocolFactory /
OIDCProviderConfig): a Keycloak start command or ``KC_SPI_*`` variables carrying them start Doorkeep, and each
reaches the ``ProviderConfig`` the core reads, with Keycloak's defaults when unset."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from doorkeep import app, cli
from doorkeep.clock import SystemClock
from doorkeep.model import Client
from doorkeep.oauth import provider_config
from doorkeep.oauth.provider_config import ProviderConfig
from doorkeep.server import workers
from doorkeep.settings import Settings

NEW = "--spi-login-protocol--openid-connect--"
LEGACY = "--spi-login-protocol-openid-connect-"


def _started(monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None) -> Settings:
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", "sqlite:////tmp/x.db", *args], env=env or {})
    assert result.exit_code == 0, result.output
    assert "openid-connect" not in result.output  # none of them is named as ignored
    return seen[0]


def _config(settings: Settings) -> ProviderConfig:
    return app.build_services(SystemClock(), settings).oidc


def test_unset_every_option_has_keycloaks_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _config(_started(monkeypatch)) == ProviderConfig()
    assert ProviderConfig().max_length("login_hint") == 255 and ProviderConfig().max_length("state") == 4000
    assert ProviderConfig().max_length("subject_token", token=True) == 20000
    assert ProviderConfig().fail_fast(token=True) and not ProviderConfig().fail_fast(token=False)


def test_a_keycloak_start_command_with_every_option_starts_and_sets_them(monkeypatch: pytest.MonkeyPatch) -> None:
    args = [
        f"{NEW}allow-client-initiated-account-linking=true",
        f"{LEGACY}allow-oidc-params-in-redirect-uris=true",
        f"{NEW}allow-initiating-idp-logout-param=true",
        f"{NEW}allow-multiple-audiences-for-jwt-client-authentication=true",
        f"{NEW}allow-token-introspection-without-audience-check=true",
        f"{NEW}allow-userinfo-with-lightweight-access-token=true",
        f"{NEW}req-params-default-max-size=100",
        f"{NEW}req-token-params-default-max-size=200",
        f"{NEW}req-params-max-size--login_hint=300",
        f"{LEGACY}req-params-max-size--nonce",
        "12",
        f"{NEW}add-req-params-max-number=7",
        f"{NEW}add-req-params-max-size=8",
        f"{NEW}add-req-params-max-overall-size=9",
        f"{NEW}add-req-params-fail-fast=true",
        f"{NEW}add-req-token-params-fail-fast=false",
    ]
    config = _config(_started(monkeypatch, *args))
    assert config == ProviderConfig(
        allow_client_initiated_account_linking=True,
        allow_oidc_params_in_redirect_uris=True,
        allow_initiating_idp_logout_param=True,
        allow_multiple_audiences_for_jwt_client_authentication=True,
        allow_token_introspection_without_audience_check=True,
        allow_userinfo_with_lightweight_access_token=True,
        req_params_default_max_size=100,
        req_token_params_default_max_size=200,
        req_params_max_sizes={"login_hint": 300, "nonce": 12},
        add_req_params_max_number=7,
        add_req_params_max_size=8,
        add_req_params_max_overall_size=9,
        add_req_params_fail_fast=True,
        add_req_token_params_fail_fast=False,
    )
    assert config.max_length("login_hint") == 300 and config.max_length("state") == 100


def test_kc_spi_variables_set_them_and_the_command_line_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "KC_SPI_LOGIN_PROTOCOL__OPENID_CONNECT__ALLOW_CLIENT_INITIATED_ACCOUNT_LINKING": "true",
        "KC_SPI_LOGIN_PROTOCOL__OPENID_CONNECT__REQ_PARAMS_MAX_SIZE__LOGIN_HINT": "400",
        "KC_SPI_LOGIN_PROTOCOL__OPENID_CONNECT__REQ_PARAMS_MAX_SIZE__STATE": "50",
    }
    settings = _started(monkeypatch, f"{NEW}req-params-max-size--state=60", env=env)
    config = _config(settings)
    assert config.allow_client_initiated_account_linking
    assert config.req_params_max_sizes == {"login_hint": 400, "state": 60}
    environ: dict[str, str] = {}
    workers.prepare_environment(settings, environ)
    assert _config(workers.settings_from(environ)) == config  # the workers read the same


def test_a_size_that_is_no_number_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_serve", lambda _settings, **_: None)
    bad = CliRunner().invoke(cli.main, ["start-dev", f"{NEW}req-params-max-size--state=lots"], env={})
    assert bad.exit_code == 2 and "expected NAME=CHARS" in bad.output


def test_each_deprecated_switch_that_is_on_is_warned_about_at_start() -> None:
    """OIDCLoginProtocolFactory.init's warnings: none by default; one per deprecated switch turned on."""
    assert provider_config.warnings(ProviderConfig()) == []
    on = ProviderConfig(
        allow_client_initiated_account_linking=True,
        allow_oidc_params_in_redirect_uris=True,
        allow_initiating_idp_logout_param=True,
        allow_multiple_audiences_for_jwt_client_authentication=True,
        allow_token_introspection_without_audience_check=True,
        allow_userinfo_with_lightweight_access_token=True,
    )
    said = " | ".join(provider_config.warnings(on))
    for name in (
        "kc_action=idp_link",
        "allow-oidc-params-in-redirect-uris",
        "initiating_idp",
        "multiple audiences",
        "allow-token-introspection-without-audience-check=false",
        "allow-userinfo-with-lightweight-access-token=false",
    ):
        assert name in said


def _client(client_id: str, **attributes: str) -> Client:
    return Client(id=client_id, realm_id="r", client_id=client_id, attributes=dict(attributes))


def test_introspection_skips_the_audience_by_the_server_option_or_the_callers_own_attribute() -> None:
    """26.6.2's verifyAudience escape hatches, each named as its per-request warning names it."""
    plain, switched = _client("rs"), _client("rs", **{provider_config.CLIENT_INTROSPECTS_WITHOUT_AUDIENCE: "TRUE"})
    assert ProviderConfig().introspection_without_audience(plain) is None
    assert (
        ProviderConfig().introspection_without_audience(
            _client("rs", **{"allow.token.introspection.without.audience.check": "yes"})
        )
        is None
    )
    assert ProviderConfig().introspection_without_audience(switched) == "per-client setting on 'rs'"
    server = ProviderConfig(allow_token_introspection_without_audience_check=True)
    assert server.introspection_without_audience(plain) == provider_config.SERVER_WIDE


def test_userinfo_takes_a_lightweight_token_by_the_server_option_or_the_issuers_attribute() -> None:
    plain, switched = _client("app"), _client("app", **{provider_config.CLIENT_USERINFO_LIGHTWEIGHT: "true"})
    assert ProviderConfig().userinfo_with_lightweight(plain) is None
    assert ProviderConfig().userinfo_with_lightweight(switched) == "per-client setting on 'app'"
    server = ProviderConfig(allow_userinfo_with_lightweight_access_token=True)
    assert server.userinfo_with_lightweight(plain) == provider_config.SERVER_WIDE


def test_the_26_7_2_post_logout_option_folded_into_the_redirect_uris_one_is_only_warned_about(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """26.7.2's ``allow-oidc-params-in-post-logout-redirect-uri`` is gone from 26.7.3's OIDCLoginProtocolFactory
    (``allow-oidc-params-in-redirect-uris`` covers both URIs): the start goes on, naming it as ignored."""
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    flag = f"{NEW}allow-oidc-params-in-post-logout-redirect-uri=true"
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", "sqlite:////tmp/x.db", flag], env={})
    assert result.exit_code == 0, result.output
    assert (
        "ignored: --spi-login-protocol--openid-connect--allow-oidc-params-in-post-logout-redirect-uri" in result.output
    )
    assert not _config(seen[0]).allow_oidc_params_in_redirect_uris

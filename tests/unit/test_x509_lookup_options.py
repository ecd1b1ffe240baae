"""``--spi-x509cert-lookup-provider`` and its providers' options, in Keycloak 26's two spellings and as ``KC_*``
variables, reach the settings (oauth/certificate_lookup.py reads them); the default provider is ``default``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from doorkeep import cli
from doorkeep.server.workers import prepare_environment, settings_from
from doorkeep.settings import Settings


def _started(monkeypatch: pytest.MonkeyPatch, *args: str, env: dict[str, str] | None = None) -> Settings:
    seen: list[Settings] = []
    monkeypatch.setattr(cli, "_serve", lambda settings, **_: seen.append(settings))
    result = CliRunner().invoke(cli.main, ["start-dev", "--db-url", "sqlite:////tmp/x.db", *args], env=env or {})
    assert result.exit_code == 0, result.output
    return seen[0]


def test_the_default_provider_reads_no_header(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _started(monkeypatch)
    assert settings.x509cert_lookup_provider == "default" and settings.x509cert_lookup_options == {}


def test_keycloak_26_double_dash_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _started(
        monkeypatch,
        "--spi-x509cert-lookup--provider=nginx",
        "--spi-x509cert-lookup--nginx--ssl-client-cert=SSL_CLIENT_CERT",
        "--spi-x509cert-lookup--nginx--certificate-chain-length=10",
        "--spi-x509cert-lookup--nginx--trust-proxy-verification=true",
    )
    assert settings.x509cert_lookup_provider == "nginx"
    assert settings.x509cert_lookup_options == {
        "nginx-ssl-client-cert": "SSL_CLIENT_CERT",
        "nginx-certificate-chain-length": "10",
        "nginx-trust-proxy-verification": "true",
    }


def test_the_single_dash_spellings_and_kc_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _started(
        monkeypatch,
        "--spi-x509cert-lookup-provider",
        "haproxy",
        "--spi-x509cert-lookup-haproxy-ssl-cert-chain-prefix",
        "CERT_CHAIN",
        env={"KC_SPI_X509CERT_LOOKUP_HAPROXY_SSL_CLIENT_CERT": "SSL_CLIENT_CERT"},
    )
    assert settings.x509cert_lookup_provider == "haproxy"
    assert settings.x509cert_lookup_options == {
        "haproxy-ssl-client-cert": "SSL_CLIENT_CERT",
        "haproxy-ssl-cert-chain-prefix": "CERT_CHAIN",
    }


def test_an_unknown_provider_is_refused() -> None:
    result = CliRunner().invoke(cli.main, ["start-dev", "--spi-x509cert-lookup-provider", "caddy"], env={})
    assert result.exit_code == 2 and "caddy" in result.output


def test_the_lookup_reaches_the_workers() -> None:
    environ: dict[str, str] = {}
    options = {"envoy-x": "y", "nginx-ssl-client-cert": "ssl-client-cert"}
    prepare_environment(Settings(x509cert_lookup_provider="nginx", x509cert_lookup_options=options), environ)
    copied = settings_from(environ)
    assert copied.x509cert_lookup_provider == "nginx" and copied.x509cert_lookup_options == options

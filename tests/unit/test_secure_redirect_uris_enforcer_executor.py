"""Keycloak's unit SecureRedirectUrisEnforcerExecutorTest (services/src/test/.../clientpolicy/executor/): the
``secure-redirect-uris-enforcer`` executor's judgement of one URI (verifyRedirectUri), each test named after the
Java method; the configuration grows as the Java ``enable`` calls make it grow."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.clientpolicies.context import ClientPolicyViolation
from doorkeep.clientpolicies.executors_uris import (
    ERR_GENERAL,
    ERR_LOOPBACK,
    ERR_PRIVATESCHEME,
    verify_redirect_uri,
)

ERR_NORMALURI = ERR_GENERAL
IPV4, IPV6 = "allow-ipv4-loopback-address", "allow-ipv6-loopback-address"
PRIVATE, HTTP, WILDCARD = "allow-private-use-uri-scheme", "allow-http-scheme", "allow-wildcard-context-path"
OAUTH21, OPEN, DOMAINS = "oauth-2-1-compliant", "allow-open-redirect", "allow-permitted-domains"


def check_fail(config: dict[str, Any], uri: str, parameter: bool, detail: str) -> None:
    with pytest.raises(ClientPolicyViolation) as refused:
        verify_redirect_uri(config, uri, parameter)
    assert (refused.value.error, refused.value.description) == ("invalid_request", detail), uri


def check_success(config: dict[str, Any], uri: str, parameter: bool) -> None:
    verify_redirect_uri(config, uri, parameter)


def test_fail_uri_syntax() -> None:
    """failUriSyntax."""
    check_fail({}, "https://keycloak.org\n", False, ERR_GENERAL)
    check_fail({}, "Collins'&1=1;--", False, ERR_GENERAL)


def test_fail_validate_private_use_uri_scheme() -> None:
    """failValidatePrivateUseUriScheme."""
    config: dict[str, Any] = {}
    check_fail(config, "myapp:/oauth.redirect", False, ERR_PRIVATESCHEME)
    config[PRIVATE] = True
    check_fail(config, "myapp.example.com:/*", False, ERR_PRIVATESCHEME)
    config[WILDCARD] = True
    check_fail(config, "myapp.example.com:/*/abc/*/efg", False, ERR_PRIVATESCHEME)
    config[OAUTH21] = True
    for uri in ("myapp:/oauth.redirect#pinpoint", "myapp.example.com:/oauth.redirect/*", "myapp:/oauth.redirect"):
        check_fail(config, uri, False, ERR_PRIVATESCHEME)


def test_success_validate_private_use_uri_scheme() -> None:
    """successValidatePrivateUseUriScheme."""
    config: dict[str, Any] = {PRIVATE: True}
    check_success(config, "com.example.app:/oauth2redirect/example-provider", False)
    check_success(config, "com.example.app:51004/oauth2redirect/example-provider", False)
    config[WILDCARD] = True
    check_success(config, "myapp.example.com:/*", False)
    config[OAUTH21] = True
    check_success(config, "com.example.app:/oauth2redirect/example-provider", False)


def test_fail_validate_ipv4_loopback_address() -> None:
    """failValidateIPv4LoopbackAddress."""
    config: dict[str, Any] = {}
    check_fail(config, "https://127.0.0.1/auth/admin", False, ERR_LOOPBACK)
    config[IPV4] = True
    for uri in ("http://127.0.0.1:8080/auth/admin", "https://127.0.0.1:8080/*"):
        check_fail(config, uri, False, ERR_LOOPBACK)
    config[WILDCARD] = True
    check_fail(config, "https://127.0.0.1:8080/*/efg/*/abc", False, ERR_LOOPBACK)
    config[HTTP] = config[OAUTH21] = True
    for uri in ("http://127.0.0.1:8080/auth/admin", "http://127.0.0.1/*", "http://127.0.0.1/auth/admin#fragment"):
        check_fail(config, uri, False, ERR_LOOPBACK)
    for uri in (
        "http://127.0.0.1:123456/oauth2redirect/example-provider",
        "http://127.0.0.1/oauth2redirect/example-provider",
    ):
        check_fail(config, uri, True, ERR_LOOPBACK)


def test_success_vali_ipv4_loopback_address() -> None:
    """successValiIPv4LoopbackAddress."""
    config: dict[str, Any] = {IPV4: True}
    check_success(config, "https://127.0.0.1:8443", False)
    check_success(config, "https://localhost/auth/admin", False)
    config[WILDCARD] = True
    check_success(config, "https://localhost/*", False)
    config[HTTP] = True
    check_success(config, "http://127.0.0.1:8080/oauth2redirect", False)
    config[OAUTH21] = True
    check_success(config, "http://127.0.0.1/oauth2redirect/example-provider", False)
    check_success(config, "http://127.0.0.1:43321/oauth2redirect/example-provider", True)


def test_fail_validate_ipv6_loopback_address() -> None:
    """failValidateIPv6LoopbackAddress."""
    config: dict[str, Any] = {}
    check_fail(config, "https://[::1]:9999/oauth2redirect/example-provider", False, ERR_LOOPBACK)
    config[IPV6] = True
    check_fail(config, "http://[::1]:9999/oauth2redirect/example-provider", False, ERR_LOOPBACK)
    check_fail(config, "https://[::1]:9999/*", False, ERR_LOOPBACK)
    config[WILDCARD] = True
    check_fail(config, "https://[::1]/*/efg/*/abc", False, ERR_LOOPBACK)
    config[HTTP] = config[OAUTH21] = True
    for uri in (
        "http://[::1]:8080/auth/admin",
        "http://[::1]/*",
        "http://[::1]/auth/admin#fragment",
        "https://[0:0:0:0:0:0:0:1]:8080",
    ):
        check_fail(config, uri, False, ERR_LOOPBACK)
    for uri in ("http://[::1]:123456/oauth2redirect/example-provider", "http://[::1]/oauth2redirect/example-provider"):
        check_fail(config, uri, True, ERR_LOOPBACK)


def test_success_vali_ipv6_loopback_address() -> None:
    """successValiIPv6LoopbackAddress."""
    config: dict[str, Any] = {IPV6: True}
    check_success(config, "https://[::1]/oauth2redirect/example-provider", False)
    check_success(config, "https://[::1]:8443", False)
    config[WILDCARD] = True
    check_success(config, "https://[::1]/*", False)
    config[HTTP] = True
    check_success(config, "http://[::1]:8080/oauth2redirect", False)
    config[OAUTH21] = True
    check_success(config, "http://[::1]/oauth2redirect/example-provider", False)
    check_success(config, "http://[::1]:43321/oauth2redirect/example-provider", True)


def test_fail_normal_uri() -> None:
    """failNormalUri."""
    config: dict[str, Any] = {}
    check_fail(config, "http://192.168.1.211:9088/oauth2redirect/example-provider/test", False, ERR_NORMALURI)
    config[WILDCARD] = True
    check_fail(config, "https://192.168.1.211/*/efg/*/abc", False, ERR_NORMALURI)
    config[HTTP] = True
    config[DOMAINS] = ["oauth.redirect", "((dev|test)-)*example.org"]
    check_fail(config, "http://192.168.1.211/oauth2redirect/example-provider/test", False, ERR_NORMALURI)
    config[OAUTH21] = True
    for uri in (
        "http://dev-example.com/auth/callback",
        "https://test-example.com:8443/*",
        "https://oauth.redirect:8443/auth/callback#fragment",
    ):
        check_fail(config, uri, True, ERR_NORMALURI)


def test_success_normal_uri() -> None:
    """successNormalUri."""
    config: dict[str, Any] = {}
    for uri in (
        "https://example.org/realms/master",
        "https://192.168.1.211:9088/oauth2redirect/example-provider/test",
        "https://192.168.1.211/",
    ):
        check_success(config, uri, False)
    config[WILDCARD] = True
    check_success(config, "https://example.org/*", False)
    config[HTTP] = True
    config[DOMAINS] = ["oauth.redirect", "((dev|test)-)*example.org"]
    check_success(config, "http://test-example.org:8080/*", False)
    config[OAUTH21] = True
    check_success(config, "https://dev-example.org:8080/redirect", False)


def test_success_all_configuration_enabled() -> None:
    """successAllConfigurationEnabled (all but allow-open-redirect)."""
    config: dict[str, Any] = dict.fromkeys((WILDCARD, IPV4, IPV6, HTTP, PRIVATE), True)
    config[DOMAINS] = ["oauth.redirect", "((dev|test)-)*example.org"]
    for uri in (
        "http://127.0.0.1/*/realms/master",
        "http://[::1]/*/realms/master",
        "myapp.example.com://oauth.redirect",
        "https://test-example.org/*/auth/admin",
    ):
        check_success(config, uri, False)


def test_success_all_configuration_disabled() -> None:
    """successAllConfigurationDisabled."""
    config: dict[str, Any] = dict.fromkeys((WILDCARD, IPV4, IPV6, HTTP, PRIVATE, OPEN), False)
    for uri in (
        "https://keycloak.org/sso/silent-callback.html",
        "https://example.org/auth/realms/master/broker/oidc/endpoint",
        "https://192.168.8.1:12345/auth/realms/master/broker/oidc/endpoint",
    ):
        check_success(config, uri, False)


def test_a_domain_pattern_that_does_not_compile_matches_nothing() -> None:
    """Java would throw PatternSyntaxException; Doorkeep refuses the URI as matching no permitted domain."""
    check_fail({DOMAINS: ["(unclosed"]}, "https://example.org/cb", False, ERR_NORMALURI)

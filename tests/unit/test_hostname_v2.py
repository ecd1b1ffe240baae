"""doorkeep.hostname: Keycloak's hostname v2 rules and start-time checks, as pure functions."""

from __future__ import annotations

import pytest

from doorkeep import hostname
from doorkeep.hostname import HostnameError, configure

ORIGIN = "http://10.0.0.5:8080"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"hostname": None, "strict": True}, hostname.NOT_CONFIGURED),
        ({"hostname": "", "strict": True}, hostname.NOT_CONFIGURED),
        ({"hostname": "htt://id.example.com"}, hostname.INVALID_HOSTNAME),
        ({"hostname": "id.example.com:8443"}, hostname.INVALID_HOSTNAME),  # a port makes it neither
        ({"hostname": "id.example.com/auth"}, hostname.INVALID_HOSTNAME),
        ({"hostname": "id_example.com"}, hostname.INVALID_HOSTNAME),
        ({"hostname": "https://user@id.example.com"}, hostname.INVALID_HOSTNAME),
        ({"hostname": "https://id.example.com?x=1"}, hostname.INVALID_HOSTNAME),
        ({"hostname": "https://id.example.com#x"}, hostname.INVALID_HOSTNAME),
        ({"hostname": "https://id.example.com:port"}, hostname.INVALID_HOSTNAME),
        ({"hostname": "id.example.com", "admin": "htt://admin.example.com"}, hostname.INVALID_ADMIN),
        ({"hostname": "id.example.com", "admin": "https://admin.example.com"}, hostname.ADMIN_NEEDS_URL),
        ({"hostname": None, "backchannel_dynamic": True}, hostname.DYNAMIC_WITHOUT_HOSTNAME),
        ({"hostname": "id.example.com", "backchannel_dynamic": True}, hostname.DYNAMIC_NEEDS_URL),
    ],
)
def test_refusals_carry_keycloaks_messages(options: dict[str, object], message: str) -> None:
    with pytest.raises(HostnameError) as refused:
        configure(**options)  # type: ignore[arg-type]
    assert str(refused.value) == message


@pytest.mark.parametrize("plain", ["id.example.com", "localhost", "127.0.0.1", "[::1]", "127.0.0.1.nip.io"])
def test_plain_hostnames_are_accepted(plain: str) -> None:
    assert configure(plain).host == plain


def test_a_full_url_fixes_everything_and_loses_its_default_port_and_trailing_slash() -> None:
    urls = configure("https://id.example.com:443/auth/", http_relative_path="/other")
    assert urls.frontend(ORIGIN) == "https://id.example.com/auth"
    assert urls.backend(ORIGIN) == urls.admin(ORIGIN) == "https://id.example.com/auth"


def test_a_plain_hostname_keeps_the_requests_scheme_port_and_relative_path() -> None:
    urls = configure("id.example.com", http_relative_path="auth/")
    assert urls.frontend(ORIGIN) == "http://id.example.com:8080/auth"
    assert urls.frontend("https://10.0.0.5:443") == "https://id.example.com/auth"
    assert urls.frontend("http://[::1]:8080") == "http://id.example.com:8080/auth"


def test_no_hostname_is_the_request_with_the_relative_path() -> None:
    assert configure(None, http_relative_path="/auth").frontend("http://localhost:80") == "http://localhost/auth"
    assert configure(None, http_relative_path="/").frontend(ORIGIN) == ORIGIN


def test_the_dynamic_backchannel_follows_a_request_that_did_not_reach_the_frontend() -> None:
    urls = configure("https://id.example.com", backchannel_dynamic=True, http_relative_path="/auth")
    assert urls.backend(ORIGIN) == "http://10.0.0.5:8080/auth"
    assert urls.backend("https://id.example.com:443") == "https://id.example.com"  # the frontend itself
    assert urls.frontend(ORIGIN) == "https://id.example.com"


def test_the_admin_url_is_its_own_or_the_frontends() -> None:
    urls = configure("https://id.example.com", admin="https://admin.example.com:8443/")
    assert urls.admin(ORIGIN) == "https://admin.example.com:8443"
    assert configure("https://id.example.com").admin(ORIGIN) == "https://id.example.com"


@pytest.mark.parametrize(
    ("given", "prefix"), [(None, ""), ("/", ""), ("/auth", "/auth"), ("auth/", "/auth"), ("/a/b/", "/a/b")]
)
def test_the_relative_path_becomes_a_prefix(given: str | None, prefix: str) -> None:
    assert hostname.relative_path(given) == prefix


def test_a_realms_frontend_url_comes_first_and_the_others_follow_it() -> None:
    realm = hostname.realm_frontend("https://realm.example.com:443/sso/")
    assert realm == "https://realm.example.com/sso"
    urls = configure("https://id.example.com", backchannel_dynamic=True)
    assert urls.frontend(ORIGIN, realm) == realm and urls.admin(ORIGIN, realm) == realm
    assert urls.backend(ORIGIN, realm) == "http://10.0.0.5:8080"  # dynamic: not a request to the realm's URL
    assert urls.backend("https://realm.example.com", realm) == realm
    assert configure("id.example.com").backend(ORIGIN, realm) == realm


@pytest.mark.parametrize("value", ["", "  ", "realm.example.com", "ftp://realm.example.com", "https://"])
def test_a_realm_frontend_url_that_is_no_http_url_is_passed_over(value: str) -> None:
    assert hostname.realm_frontend(value) is None


@pytest.mark.parametrize(
    ("header", "prefix"),
    [
        (None, ""),
        ("", ""),
        ("/", ""),
        ("//", ""),
        ("/kc", "/kc"),
        ("/kc/", "/kc"),
        ("kc", "/kc"),
        ("/a/b/", "/a/b"),
        ("/a?b", ""),
        ("/a#b", ""),
        ("/a b", ""),
        ("/a\tb", ""),
    ],
)
def test_x_forwarded_prefix_is_read_as_quarkus_reads_it(header: str | None, prefix: str) -> None:
    """ForwardedParser.appendPrefixToUri: one leading and one trailing slash off, a slash before the rest; what is
    not a URL path counts as no prefix."""
    assert hostname.forwarded_prefix(header) == prefix


def test_the_prefix_goes_before_the_relative_path_unless_a_hostname_url_replaces_the_base() -> None:
    relative = hostname.configure(None, http_relative_path="/auth")
    assert relative.frontend("http://h:80", prefix="/kc") == "http://h/kc/auth"
    assert hostname.configure("id.example").frontend("https://h:8443", prefix="/kc") == "https://id.example:8443/kc"
    assert hostname.configure("https://id.example/x").frontend("http://h", prefix="/kc") == "https://id.example/x"
    dynamic = hostname.configure("https://id.example", backchannel_dynamic=True)
    assert dynamic.backend("http://10.0.0.2:8080", prefix="/kc") == "http://10.0.0.2:8080/kc"

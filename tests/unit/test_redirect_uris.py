"""The redirect-URI validator (Keycloak 26's RedirectUtils.verifyRedirectUri) against hostile and honest URIs."""

from __future__ import annotations

import pytest

from doorkeep.model import Client
from doorkeep.oauth import redirect_uris
from doorkeep.oauth.provider_config import CLIENT_ALLOWS_PARAMS, ProviderConfig
from doorkeep.oauth.redirect_uris import has_dot_segment, verify
from doorkeep.oauth.uri_syntax import parse

BASE = "http://127.0.0.1:8080"
LOOSE = ["http://localhost:*", "http://127.0.0.1:*"]  # the old demo realm's patterns
APP = ["https://app.example/cb/*"]

HOSTILE_AGAINST_LOOSE = [
    # userinfo: the browser goes to the host after "@"
    "http://localhost:@evil.example/cb",
    "http://localhost:x@evil.example/",
    "http://localhost:8080@evil.example/",
    "http://127.0.0.1:@evil.example/",
    "http://localhost:8080:x@evil.example/",
    "http://localhost:8080%40evil.example/",
    "http://localhost:8080@evil.example@localhost/",
    "http://LOCALHOST:@evil.example/",
    "http://localhost:3000%2f@evil.example/",
    "http://localhost:3000\\@evil.example/",
    # dot-segments in any spelling
    "http://localhost:8080/../../evil",
    "http://localhost:8080/%2e%2e/%2e%2e/x",
    "http://localhost:8080/%2E%2e/x",
    "http://localhost:8080/.%2e/x",
    "http://localhost:8080/a%2f..%2fb",
    "http://localhost:8080/a%2F..%2Fb",
    "http://localhost:8080/a%5c..%5cb",
    "http://localhost:8080/a/..",
    "http://localhost:8080/a/%2e%2e",
    "http://localhost:8080/a/..;/b",
    "http://localhost:8080/a/%252e%252e/b",
    # does not parse: backslash, spaces, controls, bad percent-encoding, invalid host or port
    "http://localhost:3000\\..\\x",
    "http://localhost:3000/a b",
    " http://localhost:3000/",
    "http://localhost:3000/\t",
    "http://localhost:3000/\r\nLocation: http://evil.example/",
    "http://localhost:3000/%zz",
    "http://localhost:3000/%2",
    "http://localhost:99999/",
    "http://localhost:3000.evil.example/",
    "http://localhost:-1/",
    "http://localhost:３０００/",
    "http://localhost:3000/\u202e",
    "http://localhost:3000/<script>",
    "http://localhost:3000/{x}",
    "http://localhost:3000/a#b#c",
    "http://[::1/",
    "http://localhost:3000/[x]",
    # no host: browsers send these to "evil.example"
    "http:///localhost:3000",
    "http:evil.example",
    "http:/evil.example",
    "//evil.example/x",
    "",
]


@pytest.mark.parametrize("uri", HOSTILE_AGAINST_LOOSE)
def test_a_hostile_uri_never_matches_a_wildcard_pattern(uri: str) -> None:
    assert verify(uri, LOOSE, None, BASE) is None


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost:3000/cb",
        "http://localhost:3000",
        "http://127.0.0.1:9999/callback?x=1",
        "http://localhost:3000/cb?next=http://evil.example/../x",
        "http://localhost:3000/a/./b",
        "http://localhost:3000/a..b/",
        "http://localhost:3000/...",
        "http://localhost:3000/cb#fragment",
    ],
)
def test_honest_uris_match_a_wildcard_pattern(uri: str) -> None:
    assert verify(uri, LOOSE, None, BASE) == uri


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example/cb/../admin",
        "https://app.example/cb/%2e%2e/admin",
        "https://app.example/cb%2f..%2fadmin",
        "https://app.example/cbx",
        "https://app.example/c",
        "https://user@app.example/cb/x",
        "http://app.example/cb/x",
        "https://app.example.evil.example/cb/x",
        "https://app.example:443@evil.example/cb/x",
    ],
)
def test_a_path_wildcard_cannot_be_escaped(uri: str) -> None:
    assert verify(uri, APP, None, BASE) is None


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example/cb",
        "https://app.example/cb/",
        "https://app.example/cb/x/y?q=1",
        "https://APP.example/cb/x",
        "HTTPS://app.example/cb/x",
    ],
)
def test_a_path_wildcard_matches_its_prefix_ignoring_the_query(uri: str) -> None:
    assert verify(uri, APP, None, BASE) == uri


def test_a_wildcard_pattern_with_a_query_is_compared_exactly() -> None:
    assert verify("https://app.example/cb?x=1", ["https://app.example/cb?x=*"], None, BASE) is None
    assert (
        verify("https://app.example/cb?x=*", ["https://app.example/cb?x=*"], None, BASE) == "https://app.example/cb?x=*"
    )


def test_userinfo_is_accepted_only_when_registered_exactly() -> None:
    assert verify("https://u@app.example/cb", ["https://u@app.example/cb"], None, BASE) == "https://u@app.example/cb"
    assert verify("https://u@app.example/cb", ["https://u@app.example/*"], None, BASE) is None
    assert verify("https://U@app.example/cb", ["https://U@App.example/cb"], None, BASE) == "https://U@app.example/cb"


@pytest.mark.parametrize(
    "uri",
    [
        "javascript:alert(document.domain)//",
        "JaVaScRiPt:alert(1)",
        "javascript://localhost:3000/%0aalert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "DATA:text/html,x",
        "vbscript:msgbox(1)",
        "\tjavascript:alert(1)",
        "\njavascript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x00javascript:alert(1)",
    ],
)
@pytest.mark.parametrize(
    "patterns", [["*"], ["javascript:*"], ["data:*"], ["vbscript:*"], ["JaVaScRiPt:*"], ["*", "javascript:alert(1)"]]
)
def test_script_schemes_are_never_honoured_even_if_registered(uri: str, patterns: list[str]) -> None:
    assert verify(uri, patterns, None, BASE) is None
    assert verify(uri, [*patterns, uri], None, BASE) is None


@pytest.mark.parametrize(
    ("uri", "patterns", "expected"),
    [
        ("myapp://cb", ["*"], False),  # "*" is a full wildcard for http(s) only
        ("myapp://cb", ["myapp:*"], True),
        ("myapp://cb", ["myapp://*"], True),
        ("myapp://cb", ["myapp://cb"], True),
        ("myapp://cb", ["other:*", "*"], False),
        ("myapp://cb", ["myapp:*", "*"], True),
        ("MyApp://cb", ["myapp:*"], True),  # schemes are case-insensitive
        ("myappx://cb", ["myapp:*"], False),
        ("com.example.app:/oauth2redirect", ["com.example.app:/oauth2redirect"], True),
        ("com.example.app:/oauth2redirect", ["*"], False),
        ("myapp:///cb", ["myapp:*"], True),
        ("ftp://files.example/x", ["*"], False),
        ("file:///etc/passwd", ["*"], False),
        ("https://any.example/x", ["*"], True),
        ("http://any.example/x?y#z", ["*"], True),
        ("https://user:pw@any.example/x", ["*"], True),  # Keycloak: "*" matches even where prefix wildcards are off
    ],
)
def test_another_scheme_needs_a_pattern_starting_with_it(uri: str, patterns: list[str], expected: bool) -> None:
    assert (verify(uri, patterns, None, BASE) == uri) is expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("http://[::1]:3000/cb", True),
        ("http://[::1]/cb", True),
        ("http://[::1%25eth0]:3000/cb", False),
        ("http://[::g]:3000/cb", False),
        ("http://[v1.x]/cb", False),
        ("http://[::1]x/cb", False),
    ],
)
def test_ipv6_hosts(uri: str, expected: bool) -> None:
    assert (verify(uri, ["http://[::1]/*"], None, BASE) == uri) is expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("http://localhost:3000/cb", True),
        ("http://127.0.0.1:53124/cb", True),
        ("http://[::1]:8/cb", True),
        ("http://localhost/cb", True),
        ("https://localhost:3000/cb", False),
        ("http://app.example:3000/cb", False),
        ("http://localhost:3000@evil.example/cb", False),
        ("http://localhost:3000/other", False),
    ],
)
def test_loopback_redirects_may_use_any_port(uri: str, expected: bool) -> None:
    """RFC 8252 §7.3, as Keycloak 26 does for http loopback hosts."""
    patterns = [
        "http://localhost/cb",
        "http://127.0.0.1/cb",
        "http://[::1]/cb",
        "https://localhost/cb",
        "http://app.example/cb",
    ]
    assert (verify(uri, patterns, None, BASE) == uri) is expected


@pytest.mark.parametrize(
    ("uri", "patterns", "expected"),
    [
        ("http://example.com:80/cb", ["http://example.com/cb"], True),  # browsers drop default ports
        ("http://example.com/cb", ["http://example.com:80/cb"], True),
        ("https://example.com:443/cb", ["https://example.com/*"], True),
        ("https://example.com:/cb", ["https://example.com/*"], True),
        ("https://example.com/cb", ["https://example.com:443/*"], True),
        ("https://example.com:80/cb", ["https://example.com/*"], False),
        ("http://example.com:443/cb", ["http://example.com/*"], False),
        ("https://example.com:8443/cb", ["https://example.com/*"], False),
        ("http://EXAMPLE.com/cb", ["http://example.com/cb"], True),  # hosts compare case-insensitively
        ("http://example.com/CB", ["http://example.com/cb"], False),  # paths do not
        ("http://example.com/cb", ["http://Example.COM/cb"], True),
        ("http://example.com/cb/", ["http://example.com/cb"], False),
        ("http://example.com/%63b", ["http://example.com/cb"], False),
    ],
)
def test_exact_patterns(uri: str, patterns: list[str], expected: bool) -> None:
    assert (verify(uri, patterns, None, BASE) == uri) is expected


def test_relative_patterns_resolve_against_the_root_url_or_the_server() -> None:
    assert verify("https://app.example/cb", ["/cb"], "https://app.example", BASE) == "https://app.example/cb"
    assert verify("https://app.example/x/y", ["/x/*"], "https://app.example/", BASE) == "https://app.example/x/y"
    assert verify("http://127.0.0.1:8080/cb", ["/cb"], None, BASE) == "http://127.0.0.1:8080/cb"
    assert verify("http://127.0.0.1:8080/cb", ["/cb"], "${authBaseUrl}", BASE) == "http://127.0.0.1:8080/cb"
    assert verify("https://evil.example/cb", ["/cb"], "https://app.example", BASE) is None
    assert verify("https://app.example/x/../y", ["/x/*"], "https://app.example", BASE) is None


def test_a_relative_request_is_honoured_only_by_a_full_wildcard_and_made_absolute() -> None:
    assert verify("/cb", ["*"], "https://app.example", BASE) == "https://app.example/cb"
    assert verify("/cb", ["/cb"], "https://app.example", BASE) is None
    assert verify("cb", ["*"], "https://app.example", BASE) is None


def test_no_registered_uri_allows_nothing() -> None:
    assert verify("https://app.example/cb", [], None, BASE) is None
    assert verify("https://app.example/cb", ["+"], None, BASE) is None


def client(redirects: tuple[str, ...], **attributes: str) -> Client:
    return Client(id="c", realm_id="r", client_id="app", redirect_uris=redirects, attributes=dict(attributes))


def test_the_authorization_endpoint_accepts_fragments_and_defaults_only_to_a_safe_single_uri() -> None:
    app = client(("https://app.example/*",))
    assert redirect_uris.resolve("https://app.example/cb#x", app, BASE) == "https://app.example/cb#x"
    assert redirect_uris.resolve("https://app.example/cb#x", client(("https://app.example/cb",)), BASE) is None
    assert redirect_uris.resolve("https://app.example/cb", app, BASE) == "https://app.example/cb"
    assert redirect_uris.resolve(None, app, BASE) == "https://app.example"  # Keycloak cuts "/*" off
    assert redirect_uris.resolve(None, app, BASE, required=True) is None
    assert redirect_uris.resolve(None, client(("https://app.example/cb",)), BASE) == "https://app.example/cb"
    assert redirect_uris.resolve(None, client(("https://app.example/cb", "https://app.example/x")), BASE) is None
    assert redirect_uris.resolve(None, client(("https://app.example*",)), BASE) is None
    assert redirect_uris.resolve(None, client(("/cb",)), BASE) == "http://127.0.0.1:8080/cb"
    assert redirect_uris.resolve(None, client(("javascript:alert(1)",)), BASE) is None
    assert redirect_uris.resolve(None, client(("https://app.example/a b",)), BASE) is None
    assert redirect_uris.matches("https://app.example/cb", app, BASE)
    assert redirect_uris.matches("https://app.example/cb#x", app, BASE)
    assert not redirect_uris.matches("https://app.example@evil.example/", app, BASE)


@pytest.mark.parametrize(
    ("attribute", "uri", "expected"),
    [
        ("", "https://app.example/cb", True),  # unset: the redirect URIs
        ("+", "https://app.example/cb", True),
        ("+", "https://app.example:@evil.example/", False),
        ("https://other.example/bye", "https://app.example/cb", False),
        ("https://other.example/bye", "https://other.example/bye", True),
        ("+##https://other.example/*", "https://other.example/x", True),
        ("+##https://other.example/*", "https://other.example/x/../../y", False),
        ("https://other.example/*", "https://other.example@evil.example/", False),
        ("*", "javascript:alert(1)", False),
        ("*", "myapp://x", False),
        ("myapp:*", "myapp://x", True),
        ("-", "https://app.example/cb", False),  # "-": none at all, not even the redirect URIs
        ("-", "-", False),  # the marker is never a URI itself
        ("-", "https://app.example/cb/../../evil", False),
    ],
)
def test_post_logout_redirect_uris(attribute: str, uri: str, expected: bool) -> None:
    app = client(("https://app.example/*",), **({"post.logout.redirect.uris": attribute} if attribute else {}))
    assert (redirect_uris.post_logout(uri, app, BASE) == uri) is expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/../b", True),
        ("/..", True),
        ("..", True),
        ("/a/%2e%2e/b", True),
        ("/a%2F%2E%2E%2Fb", True),
        ("/a\\..\\b", True),
        ("/a/..;x", True),
        ("/a/%25%32%65%25%32%65/b", True),
        ("/a/%252E%252E/b", True),
        ("/a/%25252E%25252E/", False),  # three times encoded: no dot once decoded (Keycloak #48978)
        ("/a/%2525252525252E%2525252525252E/", False),
        ("/..%09/x", True),  # the encoded tab, line ends and NUL end a segment too (issue #48978)
        ("/..%0a/x", True),
        ("/..%0D/x", True),
        ("/a/..%00", True),
        ("/a/%2e%2e%0A", True),
        ("/a/..%0b/x", False),
        ("/a/.../b", False),
        ("/a..b", False),
        ("/a/./b", False),
        ("/a/..b", False),
        ("", False),
    ],
)
def test_dot_segments_in_every_spelling(path: str, expected: bool) -> None:
    assert has_dot_segment(path) is expected


def test_the_parser_lowercases_scheme_and_host_only() -> None:
    uri = parse("HTTPS://User@App.Example:8443/Path?Q=1#F")
    assert uri is not None
    assert (uri.scheme, uri.userinfo, uri.host, uri.port, uri.path, uri.query, uri.fragment) == (
        "https",
        "User",
        "app.example",
        "8443",
        "/Path",
        "Q=1",
        "F",
    )
    assert uri.normalised() == "https://user@app.example:8443/Path?Q=1#F"


@pytest.mark.parametrize(
    ("uri", "patterns", "expected"),
    [
        ("https://app.example/cb#x", ["https://app.example/*"], True),
        ("https://app.example#x", ["https://app.example/*"], True),  # the prefix without its "/"
        ("https://app.example/cb#x?y", ["https://app.example/cb/*"], False),  # Keycloak cuts at "?" first
        ("https://app.example/cb?y#x", ["https://app.example/cb/*"], True),
        ("https://app.example/cb#x", ["https://app.example/cb#*"], False),  # "#" in a pattern: no wildcard
        ("https://app.example/cb#x", ["https://app.example/cb#x"], True),
        ("https://app.example/cb#x", ["https://app.example/cb"], False),
        ("https://evil.example#@app.example/", ["https://app.example/*"], False),
        ("https://app.example/a/..#x", ["https://app.example/a/*"], False),
    ],
)
def test_a_fragment_is_allowed_but_never_part_of_the_prefix(uri: str, patterns: list[str], expected: bool) -> None:
    assert (verify(uri, patterns, None, BASE) == uri) is expected


@pytest.mark.parametrize(
    ("target", "in_fragment", "expected"),
    [
        ("https://a.example/cb", False, "https://a.example/cb?code=c&state=s"),
        ("https://a.example/cb?x=1", False, "https://a.example/cb?x=1&code=c&state=s"),
        ("https://a.example/cb#k=v", False, "https://a.example/cb?code=c&state=s#k=v"),
        ("https://a.example/cb?x=1#k", False, "https://a.example/cb?x=1&code=c&state=s#k"),
        ("https://a.example/cb", True, "https://a.example/cb#code=c&state=s"),
        ("https://a.example/cb#k=v", True, "https://a.example/cb#k=v&code=c&state=s"),
        ("https://a.example/cb?x=1#", True, "https://a.example/cb?x=1#&code=c&state=s"),
    ],
)
def test_response_parameters_go_where_keycloak_puts_them(target: str, in_fragment: bool, expected: str) -> None:
    assert redirect_uris.with_params(target, {"code": "c", "state": "s"}, in_fragment=in_fragment) == expected


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost/cb?code=ATTACKER",
        "http://localhost/cb?x=1&state=forged",
        "http://localhost/cb?iss=http://evil",
        "http://localhost/cb?CODE=x",
        "http://localhost/cb?Session_State=x",
        "http://localhost/cb?response=x",
        "http://localhost/cb?kc_action=x",
        "http://localhost/cb?kc_action_status=x",
        "http://localhost/cb?error=x",
        "http://localhost/cb?error_description",
        "http://localhost/cb?st%61te=x",
        "http://localhost/cb?id%5Ftoken=x",
        "http://localhost/cb#&code=ATTACKER&state=forged",
        "http://localhost/cb#id_token=x",
        "http://localhost/cb#a=1&iss=x",
        "http://localhost/cb#access_token=x",
        "http://localhost/cb#token_type=x",
        "http://localhost/cb#expires_in=1",
    ],
)
def test_a_redirect_uri_already_carrying_a_response_parameter_is_refused(uri: str) -> None:
    """RedirectUtils.containsForbiddenOidcParameters (Keycloak 26.4.14+, issues #49430 and #51286)."""
    star = client(("http://localhost/*",))
    assert redirect_uris.resolve(uri, star, BASE) is None
    assert verify(uri, ["*"], None, BASE) is None
    # the 26.7.3 escape hatch (allow-oidc-params-in-redirect-uris, allow.oidc.params.in.redirect.uris): matched as
    # if it carried none; the registered patterns still decide
    assert redirect_uris.resolve(uri, star, BASE, allow_params=True) == uri
    assert redirect_uris.resolve(uri, client(("https://app.example/*",)), BASE, allow_params=True) is None


def test_the_server_option_or_the_client_attribute_allows_them() -> None:
    plain, opted = client(("http://localhost/*",)), client(("http://localhost/*",), **{CLIENT_ALLOWS_PARAMS: "TRUE"})
    assert not ProviderConfig().params_in_redirect_uris(plain)
    assert ProviderConfig().params_in_redirect_uris(opted)
    assert not ProviderConfig().params_in_redirect_uris(client((), **{CLIENT_ALLOWS_PARAMS: "yes"}))
    assert ProviderConfig(allow_oidc_params_in_redirect_uris=True).params_in_redirect_uris(plain)


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost/cb?codes=1&stat=2&x_state=3",
        "http://localhost/cb?scope=openid",
        "http://localhost/cb#section-code",
        "http://localhost/cb?a=code&b=state",
    ],
)
def test_other_parameters_and_values_naming_them_are_kept(uri: str) -> None:
    assert redirect_uris.resolve(uri, client(("http://localhost/*",)), BASE) == uri


def test_logout_refuses_response_parameters_unless_allowed_and_then_replaces_the_state() -> None:
    """Keycloak 26.7.3 (CVE-2026-18209) refuses them in post_logout_redirect_uri too (26.6.7's #51712 fix had let
    logout take them); allow-oidc-params-in-redirect-uris or the client attribute lets them through again, and
    logout's own ``state`` then replaces theirs."""
    star = client(("http://localhost/*",))
    for uri in (
        "http://localhost/x?state=evil&code=1",
        "http://localhost/x#session_state=1",
        "http://localhost/x?ISS=a",
    ):
        assert redirect_uris.post_logout(uri, star, BASE) is None
        assert redirect_uris.post_logout(uri, star, BASE, allow_params=True) == uri
    assert redirect_uris.post_logout("http://localhost/x?a=state", star, BASE) == "http://localhost/x?a=state"
    assert redirect_uris.with_state("http://localhost/x?state=evil", "s") == "http://localhost/x?state=s"
    assert redirect_uris.with_state("http://localhost/x?a=1&st%61te=e&state=f&b#k", "s") == (
        "http://localhost/x?a=1&b&state=s#k"
    )
    assert redirect_uris.with_state("http://localhost/x?State=e", "s") == "http://localhost/x?State=e&state=s"
    assert redirect_uris.with_state("http://localhost/x", "s t") == "http://localhost/x?state=s+t"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        # RedirectUtilsTest.testWildcards / testUserInfo: a "*" ending the authority stands after it
        ("https://test", True),
        ("https://test/something", True),
        ("https://test.evil.com", False),
        ("https://testa.com", False),
        ("https://test:8443/x", False),
        ("https://test.com", True),
        ("https://test.com:4443/", True),
        ("https://test.com/lala", True),
        ("https://test.com.evil/", False),
        ("https://test@other.com", False),
        ("custom2:custom", True),
        ("custom3://custom", True),
        ("custom3:/test", False),
    ],
)
def test_an_authority_wildcard_is_a_port_or_whole_authority_wildcard_or_none(uri: str, expected: bool) -> None:
    patterns = ["https://test*", "https://test.com:*", "https://test.com/*", "custom2:*", "custom3://*"]
    assert (redirect_uris.verify(uri, patterns, None, BASE) is not None) is expected


def test_the_wildcard_prefix_of_a_pattern() -> None:
    assert redirect_uris.wildcard_prefix("https://app*") == "https://app/"
    assert redirect_uris.wildcard_prefix("http://localhost:*") == "http://localhost:"
    assert redirect_uris.wildcard_prefix("custom://*") == "custom://"
    assert redirect_uris.wildcard_prefix("https://app/x*") == "https://app/x"
    assert redirect_uris.wildcard_prefix("myapp:*") == "myapp:"
    assert redirect_uris.wildcard_prefix("https://app/?x=*") is None
    assert redirect_uris.wildcard_prefix("https://app/cb") is None

"""An attacker's sweep of session 58's OIDC endpoints' Origin check (DefaultCors.checkOrigin: exact string
comparison with the client's resolved web origins, ``*`` any, else the request's own origin) and the request
parameter limits (OIDCProviderConfig, CVE-2026-4634). Variants beyond those tests/unit/test_origin_check.py has,
all held:

- an IDN origin and its punycode, a trailing dot, an explicit default port, an upper-case scheme, a scheme-relative
  or path-carrying value: each compared as written, so only the exact registered spelling passes;
- ``+`` over a port-wildcard redirect URI (``http://localhost:*``): no origin at all. Keycloak's
  UriUtils.getOrigin keeps ``http://localhost:*`` as the "origin", which no browser sends (the sweep found Doorkeep
  letting any decimal port through; fixed in session 59);
- ``null`` (a sandboxed or file page) passes only ``*``;
- the parameter limits: repeated values count together, a name's own limit wins over the default, ``login_hint``
  is 255, a token parameter over 20000 fails fast (invalid_request, no event) whatever the ordinary fail-fast says,
  and an ordinary one is dropped unless fail-fast is on.
"""

from __future__ import annotations

import pytest

from doorkeep import errors as e
from doorkeep.model import Client, Realm
from doorkeep.oauth import parameter_limits
from doorkeep.oauth.context import Form, OAuthRequest
from doorkeep.oauth.origin_check import origin_refused
from doorkeep.oauth.provider_config import ProviderConfig

ISSUER = "https://sso.example/realms/r"


def _refused(origin: str, *web_origins: str, redirects: tuple[str, ...] = ("https://spa.example/cb",)) -> bool:
    req = OAuthRequest(realm=Realm(id="r", name="r"), issuer=ISSUER, form=Form([]), origin=origin)
    client = Client(id="c", realm_id="r", client_id="app", redirect_uris=redirects, web_origins=web_origins)
    return origin_refused(req, client)


@pytest.mark.parametrize(
    "origin",
    [
        "https://xn--bcher-kva.example",  # the punycode of a registered IDN origin
        "https://spa.example.",  # a trailing dot
        "https://spa.example:443",  # the default port written out
        "HTTPS://spa.example",
        "//spa.example",
        "https://spa.example/cb",
        " https://spa.example",
        "https://spa.example ",
        "null",
    ],
)
def test_only_the_exact_registered_spelling_passes(origin: str) -> None:
    assert _refused(origin, "https://spa.example", "https://bücher.example")
    assert not _refused("https://spa.example", "https://spa.example", "https://bücher.example")
    assert not _refused("https://bücher.example", "https://spa.example", "https://bücher.example")


@pytest.mark.parametrize(
    ("origin", "refused"),
    [
        ("http://localhost:3000", True),
        ("http://localhost:65535", True),
        ("http://localhost:٣٠٠٠", True),  # Arabic-Indic digits are decimal to str.isdecimal, not to a browser
        ("http://localhost:+80", True),
        ("http://localhost:-1", True),
        ("http://localhost:", True),
        ("http://localhost", True),
        ("http://localhost:80@evil.example", True),
        ("http://localhost:80.evil.example", True),
        ("http://localhost:80/", True),
        ("https://localhost:3000", True),
        ("http://LOCALHOST:3000", True),
    ],
)
def test_plus_over_a_port_wildcard_allows_no_origin(origin: str, refused: bool) -> None:
    assert _refused(origin, "+", redirects=("http://localhost:*",)) is refused


def test_null_passes_star_only() -> None:
    assert not _refused("null", "*")
    assert _refused("null", "+", redirects=("http://localhost:*", "https://spa.example/*"))


def _form(**values: str | list[str]) -> Form:
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        pairs += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return Form(pairs)


def test_repeated_values_count_together() -> None:
    form = _form(grant_type="urn:ietf:params:oauth:grant-type:token-exchange", audience=["a" * 2500, "b" * 2500])
    kept = parameter_limits.within_limits(form, "urn:ietf:params:oauth:grant-type:token-exchange")
    assert kept.all("audience") == [] and kept.get("grant_type") is not None


def test_a_names_own_limit_and_login_hints_255() -> None:
    oidc = ProviderConfig(req_params_max_sizes={"scope": 10})
    kept = parameter_limits.within_limits(_form(scope="openid email", nonce="n" * 100), "password", oidc)
    assert kept.get("scope") is None and kept.get("nonce") == "n" * 100
    assert parameter_limits.within_limit("login_hint", "u" * 255) == "u" * 255
    assert parameter_limits.within_limit("login_hint", "u" * 256) is None


@pytest.mark.parametrize("ordinary_fail_fast", [False, True])
def test_a_long_token_parameter_fails_fast_whatever_the_ordinary_switch(ordinary_fail_fast: bool) -> None:
    oidc = ProviderConfig(add_req_params_fail_fast=ordinary_fail_fast)
    form = _form(grant_type="refresh_token", refresh_token="t" * 20001)
    with pytest.raises(e.InvalidRequest) as refused:
        parameter_limits.within_limits(form, "refresh_token", oidc)
    assert refused.value.event_error == ""  # TokenEndpoint.checkParameters: no event
    assert parameter_limits.within_limits(_form(refresh_token="t" * 20000), "refresh_token", oidc).get("refresh_token")


def test_an_ordinary_long_parameter_is_dropped_unless_fail_fast() -> None:
    form = _form(grant_type="password", scope="s" * 4001)
    assert parameter_limits.within_limits(form, "password").get("scope") is None
    with pytest.raises(e.InvalidRequest):
        parameter_limits.within_limits(form, "password", ProviderConfig(add_req_params_fail_fast=True))
    with pytest.raises(e.FatalRequest):
        parameter_limits.within_limit("scope", "s" * 4001, ProviderConfig(add_req_params_fail_fast=True))

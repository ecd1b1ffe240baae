"""The social providers' own parts (broker/social.py, through broker/oidc.Config): the endpoints each provider's
constructor sets, Google's extra parameters and hosted-domain check, and how each provider's profile becomes the
brokered user (GitHubIdentityProvider, FacebookIdentityProvider, MicrosoftIdentityProvider, OAuth2IdentityProvider,
AbstractJsonUserAttributeMapper.getJsonValue, BrokeredIdentityContext.setName). The logins over HTTP are in
tests/wire/test_broker_github.py, test_broker_oauth2.py and test_broker_social_redirects.py."""

from __future__ import annotations

import asyncio
from typing import Any

import jwt
import pytest

from doorkeep.broker import oidc, social
from doorkeep.broker.calls import BrokerError


def _config(provider_id: str, **config: str) -> oidc.Config:
    return oidc.Config.of({"alias": provider_id, "providerId": provider_id, "config": {"clientId": "c", **config}})


def test_each_provider_gets_its_endpoints() -> None:
    google = _config("google", authorizationUrl="https://evil.example/auth", issuer="https://evil.example")
    assert google.authorization_url == "https://accounts.google.com/o/oauth2/v2/auth"  # fixed, as the constructor
    assert (google.issuer, google.jwks_url) == (
        "https://accounts.google.com",
        "https://www.googleapis.com/oauth2/v3/certs",
    )
    assert google.use_jwks_url and oidc.scope(google) == "openid profile email"
    assert oidc.scope(_config("google", defaultScope="email")) == "openid email"
    microsoft = _config("microsoft", tenantId=" contoso ")
    assert microsoft.authorization_url == "https://login.microsoftonline.com/contoso/oauth2/v2.0/authorize"
    assert microsoft.token_url == "https://login.microsoftonline.com/contoso/oauth2/v2.0/token"
    assert _config("microsoft").token_url == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    assert oidc.scope(microsoft) == "User.read"
    facebook = _config("facebook", fetchedFields="birthday")
    assert facebook.userinfo_url == "https://graph.facebook.com/me?fields=id,name,email,first_name,last_name,birthday"
    assert oidc.scope(facebook) == "email"
    github = _config("github", baseUrl="https://ghe.example/", apiUrl="https://ghe.example/api/v3")
    assert (github.authorization_url, github.userinfo_url) == (
        "https://ghe.example/login/oauth/authorize",
        "https://ghe.example/api/v3/user",
    )
    assert _config("github").token_url == "https://github.com/login/oauth/access_token"
    assert oidc.scope(_config("oauth2")) == "" and oidc.scope(_config("oauth2", defaultScope="read")) == "read"


def test_google_sends_its_hosted_domain_and_offline_access() -> None:
    started = oidc.start(
        _config("google", hostedDomain="example.org", offlineAccess="true"), "https://rp/cb", "s", None
    )
    assert "hd=example.org" in started.url and "access_type=offline" in started.url
    plain = oidc.start(_config("google"), "https://rp/cb", "s", None)
    assert "hd=" not in plain.url and "access_type" not in plain.url


def _id_token(**claims: Any) -> str:
    base = {"iss": "https://accounts.google.com", "aud": "c", "sub": "1", "exp": 2_000_000_000, "nonce": "n"}
    return jwt.encode(base | claims, "k" * 32, algorithm="HS256")


def test_google_checks_the_hosted_domain_of_the_id_token() -> None:
    """GoogleIdentityProvider.validateToken: ``*`` or none accepts any; else ``hd`` must be one of the domains."""
    now = 1_900_000_000

    def claims(config: oidc.Config, token: str) -> dict[str, Any]:
        return asyncio.run(oidc.id_token_claims(config, token, "n", now))

    assert claims(_config("google"), _id_token())["sub"] == "1"
    assert claims(_config("google", hostedDomain="*"), _id_token())["sub"] == "1"
    domains = _config("google", hostedDomain="a.example,b.example")
    assert claims(domains, _id_token(hd="b.example"))["hd"] == "b.example"
    with pytest.raises(BrokerError, match="Hosted domain does not match"):
        claims(domains, _id_token(hd="c.example"))
    with pytest.raises(BrokerError, match="does not contain hosted domain"):
        claims(domains, _id_token())


def test_profiles_become_users() -> None:
    fields = social.fields
    assert fields("github", {}, {"id": 7, "login": "octo", "name": "Mona Lisa Octocat", "email": "o@x.org"}) == {
        "id": "7",
        "username": "octo",
        "email": "o@x.org",
        "first_name": "Mona Lisa",
        "last_name": "Octocat",
    }
    assert fields("facebook", {}, {"id": "9", "email": "f@x.org", "first_name": "F"}) == {
        "id": "9",
        "username": "f@x.org",
        "email": "f@x.org",
        "first_name": "F",
        "last_name": "",
    }
    ms = fields("microsoft", {}, {"id": "m1", "mail": None, "userPrincipalName": "u@contoso.com", "givenName": "U"})
    assert (ms["username"], ms["email"], ms["first_name"], ms["last_name"]) == (
        "u@contoso.com",
        "u@contoso.com",
        "U",
        None,
    )
    odd = fields("microsoft", {}, {"id": "m2", "userPrincipalName": "not-an-address"})
    assert (odd["username"], odd["email"]) == ("m2", None)
    assert fields("oauth2", {"userIDClaim": "uid"}, {"uid": 5, "email": "e@x.org", "name": "A B C"}) == {
        "id": "5",
        "username": "e@x.org",
        "email": "e@x.org",
        "first_name": "A B",
        "last_name": "C",
    }
    given = fields("oauth2", {}, {"sub": "s", "given_name": "G", "name": "Not Used"})
    assert (given["first_name"], given["last_name"], given["username"]) == ("G", None, "s")


def test_json_paths() -> None:
    profile = {"a": {"b": [" x ", 3, "y"], "c": 4, "d": True}, "e": None, "f": "  "}
    value = social.json_value
    assert value(profile, "a.b") == [" x ", "y"] and value(profile, "a.b[0]") == "x"
    assert value(profile, "a.c") == "4" and value(profile, "a.d") == "true"
    for path in ("e", "f", "missing", ".a", "a.", "[0]", "a.b[9]", "a.b[x]"):
        assert value(profile, path) is None, path
    assert value(profile, "a") == '{"b":[" x ",3,"y"],"c":4,"d":true}'


def test_a_token_answer_may_be_form_encoded_but_needs_an_access_token() -> None:
    assert social.token_response(b"access_token=t&scope=user%3Aemail")["scope"] == "user:email"
    assert social.access_token({"access_token": "t"}) == "t"
    with pytest.raises(BrokerError, match="No access token"):
        social.access_token({"error": "bad_verification_code"})
    with pytest.raises(BrokerError):
        social.token_response(b"\xff\xfe")


def test_gitlab_asks_read_user_and_reads_its_profile() -> None:
    """GitLabIdentityProvider: ``read_user`` added to a plain ``openid`` scope; the user from ``/api/v4/user``."""
    gitlab = _config("gitlab")
    assert (gitlab.authorization_url, gitlab.userinfo_url) == (
        "https://gitlab.com/oauth/authorize",
        "https://gitlab.com/api/v4/user",
    )
    assert oidc.scope(gitlab) == "openid read_user" and oidc.scope(_config("gitlab", defaultScope="openid")) == (
        "openid read_user"
    )
    assert oidc.scope(_config("gitlab", defaultScope="openid email")) == "openid email"
    got = social.fields("gitlab", {}, {"id": 11, "username": "gl", "name": "Git Lab", "email": "g@x.org"})
    assert got == {"id": "11", "username": "gl", "email": "g@x.org", "first_name": "Git", "last_name": "Lab"}

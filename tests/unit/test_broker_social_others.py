"""Keycloak's other social providers (broker/social_others.py, through broker/social.py and broker/oidc.Config): the
endpoints and scopes each constructor sets (BitbucketIdentityProvider, LinkedInOIDCIdentityProviderFactory,
PayPalIdentityProvider, StackoverflowIdentityProvider, OpenshiftV3IdentityProvider; OpenshiftV4IdentityProvider's
metadata), how each profile becomes the brokered user, and hostile or malformed answers, each a BrokerError (the
login's error page), never a crash. The profiles are asked of a stand-in served on 127.0.0.1. The logins over
HTTP are in tests/wire/test_broker_openshift.py and test_broker_social_redirects.py."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from doorkeep.broker import oidc, social, social_others
from doorkeep.broker.calls import BrokerError
from served_app import serving

pytestmark = pytest.mark.anyio
TOKEN = "tok(en))"


def _config(provider_id: str, **config: str) -> oidc.Config:
    return oidc.Config.of({"alias": provider_id, "providerId": provider_id, "config": {"clientId": "c", **config}})


def test_bitbucket_paypal_and_stackoverflow_endpoints_and_scopes() -> None:
    bitbucket = _config("bitbucket", authorizationUrl="https://evil.example/auth")
    assert (bitbucket.authorization_url, bitbucket.token_url) == (
        "https://bitbucket.org/site/oauth2/authorize",
        "https://bitbucket.org/site/oauth2/access_token",
    )
    assert bitbucket.oauth2_only and oidc.scope(bitbucket) == "account"
    assert oidc.scope(_config("bitbucket", defaultScope=" ")) == "account email"  # the constructor's blank check
    assert oidc.scope(_config("bitbucket", defaultScope="repository")) == "repository"
    live, sandbox = _config("paypal"), _config("paypal", sandbox="TRUE")
    assert (live.authorization_url, live.token_url, live.userinfo_url) == (
        "https://www.paypal.com/signin/authorize",
        "https://api.paypal.com/v1/identity/openidconnect/tokenservice",
        "https://api.paypal.com/v1/oauth2/token/userinfo?schema=openid",
    )
    assert (sandbox.authorization_url, sandbox.token_url, sandbox.userinfo_url) == (
        "https://www.sandbox.paypal.com/signin/authorize",
        "https://api.sandbox.paypal.com/v1/identity/openidconnect/tokenservice",
        "https://api.sandbox.paypal.com/v1/oauth2/token/userinfo?schema=openid",
    )
    assert _config("paypal", sandbox="yes").authorization_url == live.authorization_url
    assert oidc.scope(live) == "openid profile email"
    stack = _config("stackoverflow", key="k")
    assert (stack.authorization_url, stack.token_url) == (
        "https://stackexchange.com/oauth",
        "https://stackexchange.com/oauth/access_token",
    )
    assert oidc.scope(stack) == ""


def test_linkedin_is_an_oidc_provider_with_linkedins_endpoints_keys_and_no_nonce() -> None:
    linkedin = _config("linkedin-openid-connect", issuer="https://evil.example", validateSignature="false")
    assert not linkedin.oauth2_only
    assert (linkedin.authorization_url, linkedin.token_url, linkedin.userinfo_url) == (
        "https://www.linkedin.com/oauth/v2/authorization",
        "https://www.linkedin.com/oauth/v2/accessToken",
        "https://api.linkedin.com/v2/userinfo",
    )
    assert (linkedin.issuer, linkedin.jwks_url) == (
        "https://www.linkedin.com/oauth",
        "https://www.linkedin.com/oauth/openid/jwks",
    )
    assert linkedin.validate_signature and linkedin.use_jwks_url and linkedin.disable_nonce
    assert oidc.scope(linkedin) == "openid profile email"
    started = oidc.start(linkedin, "https://rp/cb", "s", None)
    assert "nonce=" not in started.url and "scope=openid+profile+email" in started.url


def test_openshift_urls_come_from_the_base_url() -> None:
    v3 = _config("openshift-v3", baseUrl="https://ocp.example:8443")
    assert (v3.authorization_url, v3.token_url, v3.userinfo_url) == (
        "https://ocp.example:8443/oauth/authorize",
        "https://ocp.example:8443/oauth/token",
        "https://ocp.example:8443/oapi/v1/users/~",
    )
    assert oidc.scope(v3) == "user:info"
    assert _config("openshift-v3").token_url == "https://api.preview.openshift.com/oauth/token"
    v4 = _config("openshift-v4", baseUrl="https://api.ocp.example:6443", authorizationUrl="https://evil.example/a")
    assert v4.userinfo_url == "https://api.ocp.example:6443/apis/user.openshift.io/v1/users/~"
    assert (v4.authorization_url, v4.token_url) == ("", "")  # read from the server (oidc.prepared), never stored
    assert social.discovers("openshift-v4") and not social.discovers("openshift-v3")


def test_profiles_become_users() -> None:
    fields = social.fields
    bitbucket = {"type": "user", "account_id": "5b1", "username": "bb", "display_name": "Bit Bucket", "email": "b@x"}
    assert fields("bitbucket", {}, bitbucket) == {
        "id": "5b1",
        "username": "bb",
        "email": "b@x",
        "first_name": "Bit",
        "last_name": "Bucket",
    }
    paypal = fields("paypal", {}, {"user_id": "https://www.paypal.com/webapps/auth/identity/user/x", "email": "p@x"})
    assert (paypal["id"], paypal["username"], paypal["email"]) == (
        "https://www.paypal.com/webapps/auth/identity/user/x",
        "p@x",
        "p@x",
    )
    stack = {
        "user_id": 22656,
        "link": "https://stackoverflow.com/users/22656/jon-skeet",
        "display_name": "Jon &amp; Co",
    }
    assert fields("stackoverflow", {}, stack) == {
        "id": "22656",
        "username": "jon-skeet",
        "email": None,
        "first_name": "Jon &",
        "last_name": "Co",
    }
    user = {"metadata": {"uid": "u-1", "name": "dev"}, "fullName": "Dev Eloper", "groups": ["a"]}
    for kind in ("openshift-v4", "openshift-v3"):
        assert fields(kind, {}, user) == {
            "id": "u-1",
            "username": "dev",
            "email": None,
            "first_name": "Dev",
            "last_name": "Eloper",
        }
    admin = {"metadata": {"name": "kube:admin"}}
    assert fields("openshift-v4", {}, admin)["id"] == "kube:admin"  # kube:admin has no uid
    assert fields("openshift-v3", {}, admin)["id"] is None
    assert fields("openshift-v4", {}, {"metadata": {"name": "someone"}})["id"] is None
    for odd in ({}, {"metadata": "x"}, {"metadata": [1]}, {"metadata": None}):
        assert fields("openshift-v4", {}, odd)["id"] is None, odd


def test_stackoverflow_names_and_links() -> None:
    """unescapeHtml3: the four named escapes and numeric ones of 2 to 6 characters; extractUsernameFromProfileURL:
    the path's third segment, URL-decoded."""
    unescape = social_others.unescape_html3
    assert unescape("O&#39;Brien &quot;Bob&quot; &lt;b&gt;") == 'O\'Brien "Bob" <b>'
    assert unescape("&#x263A; &#X41; &#65536;") == "\u263a A \U00010000"
    kept_as_written = ("&eacute;", "&a;", "&amp", "&#;", "&#x;", "&#x1F600;", "&#0;", "&#xD800;", "&#x_1;", "&", "&&")
    for kept in (*kept_as_written, "a & b", "&#1234567;", "&#1114112;"):
        assert unescape(kept) == kept, kept
    assert unescape("&a&amp;") == "&a&"  # the scan goes on from the next '&'
    assert unescape(None) is None
    link = social_others.username_of_link
    assert link("https://stackoverflow.com/users/1/j%C3%B6rg+x") == "jörg x"
    for none in (None, "", " ", "https://stackoverflow.com", "https://stackoverflow.com/users/1", "http://[::1"):
        assert link(none) is None, none


@contextlib.asynccontextmanager
async def _answering(answers: dict[str, tuple[int, Any]]) -> AsyncIterator[tuple[str, list[str]]]:
    """A stand-in answering each path with (status, body): a body of bytes as it is, anything else as JSON."""
    asked: list[str] = []

    async def answer(request: Request) -> Response:
        asked.append(str(request.url.path) + ("?" + request.url.query if request.url.query else ""))
        status, body = answers.get(request.url.path, (404, {"message": "not found"}))
        if isinstance(body, bytes):
            return Response(body, status, media_type="text/html")
        return JSONResponse(body, status)

    async with serving(Starlette(routes=[Route("/{path:path}", answer)])) as base:
        yield base, asked


class Stand:
    """The stand-in's base URL, the paths (with queries) it was asked, and its answers, which a test may change."""

    def __init__(self, base: str, asked: list[str], answers: dict[str, tuple[int, Any]]) -> None:
        self.base, self.asked, self.answers = base, asked, answers

    async def profile(self, provider_id: str, **config: str) -> dict[str, Any]:
        urls = {key: self.base + value if value.startswith("/") else value for key, value in config.items()}
        return await social.profile(provider_id, urls, TOKEN)


@contextlib.asynccontextmanager
async def _stand() -> AsyncIterator[Stand]:
    answers: dict[str, tuple[int, Any]] = {}
    async with _answering(answers) as (base, asked):
        yield Stand(base, asked, answers)


async def test_bitbucket_reads_the_account_and_its_first_email() -> None:
    account = {"type": "user", "account_id": "a1", "username": "bb"}
    emails = {"values": [{"type": "email", "email": "first@x", "is_primary": False}, {"type": "email", "email": "p"}]}
    urls = {"userInfoUrl": "/2.0/user", "emailUrl": "/2.0/user/emails"}
    async with _stand() as stand:
        stand.answers |= {"/2.0/user": (200, account), "/2.0/user/emails": (200, emails)}
        found = await stand.profile("bitbucket", **urls)
        assert found["email"] == "first@x"  # values[0], as BitbucketIdentityProvider takes it
        for broken in ((500, b"<html>"), (200, {"values": "x"}), (200, [1]), (200, {"values": [{"type": "other"}]})):
            stand.answers["/2.0/user/emails"] = broken
            quiet = await stand.profile("bitbucket", **urls)
            assert "email" not in quiet and social.fields("bitbucket", {}, quiet)["email"] is None  # the login goes on
        for refused in ({"type": "error", "error": {"message": "Bad token"}}, {"type": "team"}, {}, [account], "user"):
            stand.answers["/2.0/user"] = (200, refused)
            with pytest.raises(BrokerError, match="account information from bitbucket"):
                await stand.profile("bitbucket", **urls)


async def test_stackoverflow_asks_with_token_and_key_in_the_query_and_reads_items_0() -> None:
    me = {"items": [{"user_id": 7, "display_name": "Q"}], "has_more": False}
    url = "/2.2/me?order=desc&sort=name&site=stackoverflow"
    async with _stand() as stand:
        stand.answers["/2.2/me"] = (200, me)
        found = await stand.profile("stackoverflow", userInfoUrl=url, key="k&y")
        await stand.profile("stackoverflow", userInfoUrl=url)
        assert found == {"user_id": 7, "display_name": "Q"}
        assert stand.asked == [
            url + "&access_token=tok(en))&key=k%26y",
            url + "&access_token=tok(en))&key=null",  # getKey() as it is
        ]
        broken_answers: tuple[tuple[int, Any], ...] = (
            (200, {"items": []}),
            (200, {"items": [3]}),
            (200, {"error_id": 403}),
            (200, b"<a>"),
            (400, me),
        )
        for broken in broken_answers:
            stand.answers["/2.2/me"] = broken
            with pytest.raises(BrokerError):
                await stand.profile("stackoverflow", userInfoUrl=url)


async def test_a_profile_that_is_no_json_object_or_an_error_status_is_refused() -> None:
    good = {"user_id": "u", "metadata": {"uid": "u"}}
    async with _stand() as stand:
        for provider_id in ("paypal", "openshift-v4", "openshift-v3"):
            stand.answers["/me"] = (200, good)
            assert await stand.profile(provider_id, userInfoUrl="/me") == good
            for broken in ((200, b"<html>not json"), (200, [good]), (200, "text"), (401, good), (200, b"[" * 5000)):
                stand.answers["/me"] = broken
                with pytest.raises(BrokerError):
                    await stand.profile(provider_id, userInfoUrl="/me")


async def test_openshift_4_reads_its_endpoints_from_the_metadata() -> None:
    metadata = {"issuer": "x", "authorization_endpoint": "https://o/authorize", "token_endpoint": "https://o/token"}
    path = "/.well-known/oauth-authorization-server"
    async with _stand() as stand:
        provider = {"alias": "os", "providerId": "openshift-v4", "config": {"baseUrl": stand.base}}
        stand.answers[path] = (200, metadata)
        ready = await oidc.prepared(provider)
        assert isinstance(ready, oidc.Config) and stand.asked == [path]
        assert (ready.authorization_url, ready.token_url) == ("https://o/authorize", "https://o/token")
        assert ready.userinfo_url == stand.base + "/apis/user.openshift.io/v1/users/~"
        broken_answers = (
            (500, metadata),
            (200, b"<html>"),
            (200, [metadata]),
            (200, {"token_endpoint": "https://o/token"}),
            (200, {**metadata, "authorization_endpoint": "javascript:alert(1)"}),
            (200, {**metadata, "token_endpoint": 3}),
        )
        for broken in broken_answers:
            stand.answers[path] = broken
            failed = await oidc.prepared(provider)
            assert isinstance(failed, BrokerError) and "Could not initialize oAuth metadata" in str(failed), broken
    nowhere = await oidc.prepared({"alias": "os", "providerId": "openshift-v4", "config": {"baseUrl": "nope://x"}})
    assert isinstance(nowhere, BrokerError)
    plain = await oidc.prepared({"alias": "gh", "providerId": "github", "config": {}})
    assert isinstance(plain, oidc.Config) and plain.token_url == "https://github.com/login/oauth/access_token"

"""Logging in with GitHub (Keycloak's GitHubIdentityProvider, GitHubIdentityProviderFactory and
GitHubUserAttributeMapper), end to end over real HTTP: the provider's ``baseUrl`` and ``apiUrl`` name a GitHub
Enterprise stand-in on 127.0.0.1 (tests/fake_github.py), as a GitHub Enterprise realm would name its server.

The authorization request carries GitHub's default scope ``user:email``; the code is exchanged at
``{baseUrl}/login/oauth/access_token``; the user is GitHub's ``/user`` profile (``id``, ``login``, ``name``, and the
primary address of ``/user/emails`` when the profile shows none). Also the admin API's side: the provider stored
as given, its mapper types, the JSON attribute mapper."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import browser, served, through_button, user_named
from browser_flow import REDIRECT, form_action, form_fields
from fake_github import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, FakeGithub, fake_github
from flow_builder import admin
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
INSTANCES = "/admin/realms/test/identity-provider/instances"


async def _add(env: Env, hub: FakeGithub, **changes: Any) -> None:
    await admin(env, "POST", INSTANCES, hub.rep() | changes, status=201)


async def _through_github(http: Any, hub: FakeGithub, broker_base: str) -> Any:
    """The login page's GitHub button, the redirect to GitHub checked, and GitHub's answer at the broker endpoint."""
    authorize = hub.base + "/login/oauth/authorize"
    return await through_button(
        http, broker_base, "github", authorize, "user:email", CLIENT_ID, "gh-code", CLIENT_SECRET
    )


async def _finish(http: Any, answer: Any) -> Any:
    """Past the review-profile page if the first broker login shows it; the redirect to the app."""
    if answer.status_code == 200 and 'name="lastName"' in answer.text:
        answer = await http.post(form_action(answer.text), data=form_fields(answer.text))
    return answer


async def test_first_login_makes_the_user_from_the_profile_and_the_second_finds_the_link(env: Env) -> None:
    """GitHubIdentityProvider.doGetFederatedIdentity: the user's id, login and name from ``/user``, the primary
    address from ``/user/emails`` (the profile has none); the code exchanged with the client's id and secret; the
    access token sent as a bearer token; a second login finds the link and makes no user."""
    async with served(env) as broker, fake_github() as hub:
        await _add(env, hub, trustEmail=True)
        async with browser(broker) as http:
            done = await _finish(http, await _through_github(http, hub, broker.base))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        [sent] = hub.token_requests
        assert sent["grant_type"] == "authorization_code" and sent["code"] == "gh-code"
        assert (sent["client_id"], sent["client_secret"]) == (CLIENT_ID, CLIENT_SECRET)
        assert sent["redirect_uri"] == f"{broker.base}/realms/test/broker/github/endpoint"
        assert hub.fetched == [
            ("/api/v3/user", f"Bearer {ACCESS_TOKEN}"),
            ("/api/v3/user/emails", f"Bearer {ACCESS_TOKEN}"),
        ]
        user = await user_named(env, "octocat")
        assert user is not None
        assert (user["email"], user["firstName"], user["lastName"]) == ("octocat@example.org", "The", "Octocat")
        links = (
            await admin(env, "GET", f"/admin/realms/test/users/{user['id']}/federated-identity", status=200)
        ).json()
        assert links == [{"identityProvider": "github", "userId": "583231", "userName": "octocat"}]
        async with browser(broker) as http:
            again = await _through_github(http, hub, broker.base)
            assert again.status_code == 302 and again.headers["location"].startswith(REDIRECT), again.text
        users = (await admin(env, "GET", "/admin/realms/test/users?search=octo", status=200)).json()
        assert [u["username"] for u in users] == ["octocat"]


async def test_a_profile_address_is_used_and_a_form_encoded_token_answer_is_read(env: Env) -> None:
    """The profile's own ``email`` is taken without asking ``/user/emails``; a token response in GitHub's
    form-encoded shape (AbstractOAuth2IdentityProvider.extractTokenFromResponse) is read as well as JSON."""
    async with served(env) as broker, fake_github() as hub:
        hub.form_encoded = True
        hub.profile = {"login": "hubot", "id": 42, "name": "Hubot Robot", "email": "hubot@example.org"}
        await _add(env, hub)
        async with browser(broker) as http:
            done = await _finish(http, await _through_github(http, hub, broker.base))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert [path for path, _ in hub.fetched] == ["/api/v3/user"]
        user = await user_named(env, "hubot")
        assert user is not None and user["email"] == "hubot@example.org"


async def test_no_primary_address_is_an_error_and_makes_no_user(env: Env) -> None:
    """GitHubIdentityProvider.searchEmail: no address marked primary fails the login (IdentityBrokerService's error
    page, 502 "Unexpected error when authenticating with identity provider"), and no user is made."""
    async with served(env) as broker, fake_github() as hub:
        hub.emails = [{"email": "x@example.org", "primary": False, "verified": True}]
        await _add(env, hub)
        async with browser(broker) as http:
            answer = await _through_github(http, hub, broker.base)
            assert answer.status_code == 502, answer.text
            assert "Unexpected error when authenticating with identity provider" in answer.text
        assert await user_named(env, "octocat") is None


async def test_a_wrong_client_secret_is_an_error(env: Env) -> None:
    """GitHub answers a wrong secret with 200 and no access token: "No access token available in OAuth server
    response", the 502 error page, nothing fetched with a token."""
    async with served(env) as broker, fake_github() as hub:
        await _add(env, hub, config=hub.rep()["config"] | {"clientSecret": "wrong"})
        async with browser(broker) as http:
            answer = await _through_github(http, hub, broker.base)
            assert answer.status_code == 502 and "Unexpected error" in answer.text, answer.text
        assert hub.fetched == []


async def test_the_json_attribute_mapper_imports_profile_fields(env: Env) -> None:
    """GitHubUserAttributeMapper (AbstractJsonUserAttributeMapper.getJsonValue): a dotted path into the profile,
    ``[i]`` an array's item, an array of texts as several values; ``email`` sets the user's address."""
    async with served(env) as broker, fake_github() as hub:
        hub.profile |= {"company": " GitHub ", "plan": {"name": "pro"}, "orgs": ["a", "b"], "blog": ""}
        await _add(env, hub)
        for name, field in (("company", "company"), ("plan", "plan.name"), ("orgs", "orgs"), ("first", "orgs[1]")):
            rep = {
                "name": name,
                "identityProviderAlias": "github",
                "identityProviderMapper": "github-user-attribute-mapper",
                "config": {"jsonField": field, "userAttribute": name, "syncMode": "INHERIT"},
            }
            await admin(env, "POST", f"{INSTANCES}/github/mappers", rep, status=201)
        blank = {
            "name": "blog",
            "identityProviderAlias": "github",
            "identityProviderMapper": "github-user-attribute-mapper",
            "config": {"jsonField": "blog", "userAttribute": "blog"},
        }
        await admin(env, "POST", f"{INSTANCES}/github/mappers", blank, status=201)
        async with browser(broker) as http:
            done = await _finish(http, await _through_github(http, hub, broker.base))
            assert done.status_code == 302, done.text
        user = await user_named(env, "octocat")
        assert user is not None
        attributes = user.get("attributes", {})
        assert attributes.get("company") == ["GitHub"] and attributes.get("plan") == ["pro"]
        assert attributes.get("orgs") == ["a", "b"] and attributes.get("first") == ["b"]
        assert "blog" not in attributes


async def test_the_admin_api_keeps_a_github_provider_as_given(env: Env) -> None:
    """A ``github`` provider is stored (it was a 501): its config as sent, the secret masked, no URL added; its
    mapper types are those GitHub's mappers name (getCompatibleProviders): the hardcoded ones, the username
    template and the JSON attribute mapper, not the OpenID Connect claim mappers, which an ``oidc`` provider keeps
    without the GitHub one."""
    await seed_login_realm(env.db, env.clock)
    rep = {"providerId": "github", "alias": "github", "config": {"clientId": "test", "clientSecret": "test"}}
    await admin(env, "POST", INSTANCES, rep, status=201)
    got = (await admin(env, "GET", f"{INSTANCES}/github", status=200)).json()
    assert got["providerId"] == "github"
    assert got["config"] == {"clientId": "test", "clientSecret": "**********"}
    kinds = set((await admin(env, "GET", f"{INSTANCES}/github/mapper-types", status=200)).json())
    assert kinds == {
        "hardcoded-attribute-idp-mapper",
        "oidc-hardcoded-role-idp-mapper",
        "oidc-hardcoded-group-idp-mapper",
        "oidc-username-idp-mapper",
        "github-user-attribute-mapper",
    }
    oidc = {"providerId": "oidc", "alias": "corp", "config": {"clientId": "c", "clientSecret": "s"}}
    await admin(env, "POST", INSTANCES, oidc, status=201)
    oidc_kinds = set((await admin(env, "GET", f"{INSTANCES}/corp/mapper-types", status=200)).json())
    assert "github-user-attribute-mapper" not in oidc_kinds and "oidc-user-attribute-idp-mapper" in oidc_kinds
    saml = await admin(env, "POST", INSTANCES, rep | {"providerId": "saml", "alias": "s"})
    assert saml.status_code == 501, saml.text


@pytest.mark.parametrize(
    "profile",
    [
        {"login": "mallory", "id": None, "email": "m@example.org"},
        {"login": "mallory", "email": "m@example.org"},
        ["not", "an", "object"],
        {
            "login": "mallory",
            "id": 1,
            "email": "m@example.org",
            "deep": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
        },
    ],
)
async def test_a_hostile_profile_makes_no_user(env: Env, profile: Any) -> None:
    """A provider answering a profile with no id, or no object at all, fails the login (502) and makes no user; deep
    nesting is read without a crash (bounded parser) and the login goes on to the review page."""
    async with served(env) as broker, fake_github() as hub:
        hub.profile = profile
        await _add(env, hub)
        async with browser(broker) as http:
            answer = await _finish(http, await _through_github(http, hub, broker.base))
        if isinstance(profile, dict) and profile.get("id") is not None:  # no name: the review page, no crash
            assert answer.status_code == 200 and "kc-idp-review-profile-form" in answer.text, answer.text
        else:
            assert answer.status_code == 502 and "Unexpected error" in answer.text, answer.text
            assert await user_named(env, "mallory") is None

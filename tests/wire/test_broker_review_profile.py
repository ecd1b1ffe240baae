"""The first broker login's Review Profile (IdpReviewProfileAuthenticator, idp-review-user-profile.ftl) and the two
buttons of "Account already exists" (IdpConfirmLinkAuthenticator), over real HTTP with another realm of the same
server as the provider (AbstractFirstBrokerLoginTest, KcOidcFirstBrokerLoginTest, IdpReviewProfileAuthenticatorTest)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from broker_support import Broker, broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

FLOW = quote("first broker login", safe="")


async def _review_mode(broker: Broker, mode: str) -> None:
    """The Review Profile execution's ``update.profile.on.first.login``, set as the admin console sets it."""
    env = broker.env
    headers = await env.admin_headers()
    base = "/admin/realms/test/authentication"
    rows = (await env.http.get(f"{base}/flows/{FLOW}/executions", headers=headers)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config_id = review["authenticationConfig"]
    config = (await env.http.get(f"{base}/config/{config_id}", headers=headers)).json()
    config["config"]["update.profile.on.first.login"] = mode
    put = await env.http.put(f"{base}/config/{config_id}", json=config, headers=headers)
    assert put.status_code == 204, put.text


async def _user(env: Env, username: str) -> dict[str, Any]:
    headers = await env.admin_headers()
    found = await env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    [user] = found.json()
    result: dict[str, Any] = user
    return result


async def _events(env: Env, kind: str) -> list[dict[str, Any]]:
    got = await env.http.get("/admin/realms/test/events", params={"type": kind}, headers=await env.admin_headers())
    result: list[dict[str, Any]] = got.json()
    return result


async def test_review_profile_on_shows_the_page_and_keeps_the_edits(env: Env) -> None:
    """testUpdateProfileOn (``on``): the page shows the provider's profile even when it is complete; a blank
    required field is refused with the values kept; the edited profile makes the user (UPDATE_PROFILE, context
    IDP_REVIEW; a changed e-mail is not verified even from a trusted provider, UPDATE_EMAIL recorded)."""
    async with served(env) as broker:
        await broker.add_provider(trustEmail=True)
        await _review_mode(broker, "on")
        async with browser(broker) as http:
            review = await broker_login(http)
            assert review.status_code == 200, review.text
            assert "Update Account Information" in review.text and 'id="kc-idp-review-profile-form"' in review.text
            assert 'value="alice@example.org"' in review.text and 'value="Alice"' in review.text
            fields = {**form_fields(review.text), "username": "alice", "email": "alice2@example.org"}
            blank = await http.post(form_action(review.text), data={**fields, "firstName": "", "lastName": "Liddell"})
            assert blank.status_code == 200 and "Please specify this field." in blank.text
            assert 'value="alice2@example.org"' in blank.text
            fields = {**form_fields(blank.text), "username": "alice", "email": "alice2@example.org"}
            done = await http.post(form_action(blank.text), data={**fields, "firstName": "Al", "lastName": "Liddell"})
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        user = await _user(env, "alice")
        assert (user["email"], user["firstName"], user["lastName"]) == ("alice2@example.org", "Al", "Liddell")
        assert user["emailVerified"] is False
        [updated] = await _events(env, "UPDATE_PROFILE")
        assert updated["details"]["context"] == "IDP_REVIEW"
        assert updated["details"]["updated_email"] == "alice2@example.org"
        [email] = await _events(env, "UPDATE_EMAIL")
        assert email["details"]["previous_email"] == "alice@example.org"


async def test_review_profile_off_and_missing(env: Env) -> None:
    """``off`` never shows the page, even for a profile without a last name; ``missing`` (the default) shows it
    for such a profile only, and an unchanged e-mail of a trusted provider stays verified."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "provider", "bob", email="bob@example.org", last_name=None)
        await broker.add_provider(trustEmail=True)
        await _review_mode(broker, "off")
        async with browser(broker) as http:
            done = await broker_login(http, "bob")
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert (await _user(env, "bob")).get("lastName") is None
        await _review_mode(broker, "missing")
        async with browser(broker) as http:
            done = await broker_login(http)  # alice's profile is complete: no page
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert (await _user(env, "alice"))["emailVerified"] is True
        assert await _events(env, "UPDATE_PROFILE") == []


async def test_account_exists_review_profile_then_a_new_account(env: Env) -> None:
    """testLinkAccountByReviewProfile's other way: "Review profile" on "Account already exists" shows the review
    page whatever its mode; a new e-mail and username then make a new user instead of linking the existing one."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await broker.add_provider()
        async with browser(broker) as http:
            confirm = await broker_login(http)
            assert confirm.status_code == 200 and "Account already exists" in confirm.text
            assert 'value="updateProfile"' in confirm.text and "Review profile" in confirm.text
            unknown = await http.post(
                form_action(confirm.text), data={**form_fields(confirm.text), "submitAction": "x"}
            )
            assert unknown.status_code == 400
            review = await http.post(
                form_action(confirm.text), data={**form_fields(confirm.text), "submitAction": "updateProfile"}
            )
            assert review.status_code == 200 and "Update Account Information" in review.text, review.text
            fields = {"username": "alice-new", "email": "alice-new@example.org", "firstName": "A", "lastName": "B"}
            done = await http.post(form_action(review.text), data={**form_fields(review.text), **fields})
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert (await _user(env, "alice-new"))["email"] == "alice-new@example.org"
        headers = await env.admin_headers()
        local = await _user(env, "alice-local")
        links = await env.http.get(f"/admin/realms/test/users/{local['id']}/federated-identity", headers=headers)
        assert links.json() == []


async def test_review_profile_to_an_existing_email_asks_to_link(env: Env) -> None:
    """An e-mail typed on the review page that an account has leads to "Account already exists" for it, then to
    that account's password and the link."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "carol", "carol-pass", email="carol@example.org")
        await broker.add_provider()
        await _review_mode(broker, "on")
        async with browser(broker) as http:
            review = await broker_login(http)
            fields = {"username": "alice", "email": "carol@example.org", "firstName": "A", "lastName": "B"}
            confirm = await http.post(form_action(review.text), data={**form_fields(review.text), **fields})
            assert confirm.status_code == 200 and "User with email carol@example.org already exists" in confirm.text
            reauth = await http.post(
                form_action(confirm.text), data={**form_fields(confirm.text), "submitAction": "linkAccount"}
            )
            assert "carol" in reauth.text
            done = await http.post(
                form_action(reauth.text), data={**typed_fields(reauth.text), "password": "carol-pass"}
            )
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        carol = await _user(env, "carol")
        headers = await env.admin_headers()
        links = await env.http.get(f"/admin/realms/test/users/{carol['id']}/federated-identity", headers=headers)
        assert [link["identityProvider"] for link in links.json()] == ["kc"]


async def test_a_disabled_review_profile_execution_never_shows_the_page(env: Env) -> None:
    """The Review Profile execution DISABLED in the first broker login flow (the flow stays runnable): a profile
    without a last name makes the user at once."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "provider", "bob", email="bob@example.org", last_name=None)
        await broker.add_provider()
        headers = await env.admin_headers()
        base = "/admin/realms/test/authentication"
        rows = (await env.http.get(f"{base}/flows/{FLOW}/executions", headers=headers)).json()
        [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
        put = await env.http.put(
            f"{base}/flows/{FLOW}/executions", json={**review, "requirement": "DISABLED"}, headers=headers
        )
        assert put.status_code == 202, put.text
        async with browser(broker) as http:
            done = await broker_login(http, "bob")
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text

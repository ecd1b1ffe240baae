"""AbstractFirstBrokerLoginTest's re-authentication methods (KcOidcFirstBrokerLoginTest), over real HTTP: the
"Verify Existing Account by Re-authentication" form (IdpUsernamePasswordForm) prefills the matched account's username
but leaves it editable, and links the identity to whichever user's password is proved, never to another one
(KEYCLOAK-12870: testLinkAccountByReauthenticationWithUsernameAndPassword)."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest

from broker_email_support import add_to_existing, click, ready
from broker_support import ALIAS, Broker, broker_login, browser, query, served
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from mail_sink import Sink
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

INVALID = "Invalid username or password."


async def _links(broker: Broker, username: str) -> list[str]:
    headers = await broker.env.admin_headers()
    found = await broker.env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    assert len(found.json()) == 1, found.text
    got = await broker.env.http.get(
        f"/admin/realms/test/users/{found.json()[0]['id']}/federated-identity", headers=headers
    )
    return [link["identityProvider"] for link in got.json()]


async def _errors(broker: Broker) -> list[dict[str, Any]]:
    got = await broker.env.http.get(
        "/admin/realms/test/events",
        params={"type": "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR"},
        headers=await broker.env.admin_headers(),
    )
    found: list[dict[str, Any]] = got.json()
    return found


async def _reauth_page(http: httpx.AsyncClient) -> httpx.Response:
    """ "Account already exists" (alice@example.org is alice-local's e-mail), then "Add to existing account"."""
    confirm = await broker_login(http)
    assert confirm.status_code == 200 and "Account already exists" in confirm.text, confirm.text
    data = {**form_fields(confirm.text), "submitAction": "linkAccount"}
    reauth = await http.post(form_action(confirm.text), data=data)
    assert reauth.status_code == 200 and f"Authenticate to link your account with {ALIAS}" in reauth.text
    return reauth


async def _username(http: httpx.AsyncClient, code: str) -> str:
    data = {"grant_type": "authorization_code", "code": code, "client_id": "app", "client_secret": "secret"}
    answer = await http.post("/realms/test/protocol/openid-connect/token", data=data | {"redirect_uri": REDIRECT})
    assert answer.status_code == 200, answer.text
    return str(jwt.decode(answer.json()["access_token"], options={"verify_signature": False})["preferred_username"])


async def test_link_account_by_reauthentication_with_username_and_password(env: Env) -> None:
    """testLinkAccountByReauthenticationWithUsernameAndPassword: the username field holds the matched account's
    name and can be changed; another user's name and password link the identity to that user, not to the account
    the e-mail matched, and the login goes on as that user."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await seed_user(env.db, env.clock, "test", "foobar", "foobar-pass", email="foo@bar.baz")
        await broker.add_provider()
        async with browser(broker) as http:
            reauth = await _reauth_page(http)
            assert typed_fields(reauth.text)["username"] == "alice-local"  # prefilled, an input: editable
            data = {**typed_fields(reauth.text), "username": " foobar ", "password": "foobar-pass"}
            done = await http.post(form_action(reauth.text), data=data)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            assert await _username(http, query(done.headers["location"])["code"]) == "foobar"
        assert await _links(broker, "alice-local") == []
        assert await _links(broker, "foobar") == [ALIAS]


async def test_reauthentication_links_only_the_user_whose_password_was_given(env: Env) -> None:
    """The security side of the editable username: the matched account's password typed under another user's name
    proves nothing about that user (``invalid_user_credentials``, that user on the event), an unknown name is
    ``user_not_found``; both keep the form, prefilled with the matched account again, and link nobody. The matched
    account's own name and password then link it."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await seed_user(env.db, env.clock, "test", "foobar", "foobar-pass", email="foo@bar.baz")
        await broker.add_provider()
        await update_realm(env.db, "test", enabled_event_types=("IDENTITY_PROVIDER_FIRST_LOGIN_ERROR",))
        async with browser(broker) as http:
            reauth = await _reauth_page(http)
            data = {**typed_fields(reauth.text), "username": "foobar", "password": "local-pass"}
            wrong = await http.post(form_action(reauth.text), data=data)
            assert wrong.status_code == 200 and INVALID in wrong.text, wrong.text
            assert typed_fields(wrong.text)["username"] == "alice-local"
            data = {**typed_fields(wrong.text), "username": "nobody", "password": "local-pass"}
            unknown = await http.post(form_action(wrong.text), data=data)
            assert unknown.status_code == 200 and INVALID in unknown.text, unknown.text
            assert await _links(broker, "alice-local") == [] and await _links(broker, "foobar") == []
            errors = await _errors(broker)
            assert [(e["error"], e["details"]["username"]) for e in errors] == [
                ("user_not_found", "nobody"),
                ("invalid_user_credentials", "foobar"),
            ]
            assert errors[0].get("userId") is None and errors[1]["userId"] is not None
            assert errors[1]["details"]["identity_provider"] == ALIAS
            data = {**typed_fields(unknown.text), "password": "local-pass"}
            done = await http.post(form_action(unknown.text), data=data)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            assert await _username(http, query(done.headers["location"])["code"]) == "alice-local"
        assert await _links(broker, "alice-local") == [ALIAS]
        assert await _links(broker, "foobar") == []


async def test_link_account_review_disabled(env: Env) -> None:
    """testLinkAccountReviewDisabled: Review Profile DISABLED in the first broker login flow, no review page and
    "Account already exists" without its "Review profile" button (IdpConfirmLinkAuthenticator's
    ``hideReviewButton``: no review execution succeeded); ``updateProfile`` posted anyway restarts the flow, which
    skips the review and asks again; "Add to existing account", the password, the link."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await broker.add_provider()
        headers = await env.admin_headers()
        base = "/admin/realms/test/authentication/flows/first%20broker%20login/executions"
        rows = (await env.http.get(base, headers=headers)).json()
        [row] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
        put = await env.http.put(base, json={**row, "requirement": "DISABLED"}, headers=headers)
        assert put.status_code == 202, put.text
        async with browser(broker) as http:
            confirm = await broker_login(http)
            assert confirm.status_code == 200 and "Account already exists" in confirm.text, confirm.text
            assert 'value="linkAccount"' in confirm.text and 'value="updateProfile"' not in confirm.text
            data = {**form_fields(confirm.text), "submitAction": "updateProfile"}
            again = await http.post(form_action(confirm.text), data=data)
            assert again.status_code == 200 and "Account already exists" in again.text, again.text
            assert 'value="updateProfile"' not in again.text and "kc-idp-review-profile-form" not in again.text
            data = {**form_fields(again.text), "submitAction": "linkAccount"}
            reauth = await http.post(form_action(again.text), data=data)
            assert f"Authenticate to link your account with {ALIAS}" in reauth.text, reauth.text
            done = await http.post(
                form_action(reauth.text), data={**typed_fields(reauth.text), "password": "local-pass"}
            )
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert await _links(broker, "alice-local") == [ALIAS]


async def test_the_review_button_stays_with_review_profile_off(env: Env) -> None:
    """The other side of ``hideReviewButton``: Review Profile ``off`` still runs (and succeeds without a page), so
    "Review profile" is offered and, posted, shows the review page (the review enforced)."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await broker.add_provider()
        headers = await env.admin_headers()
        base = "/admin/realms/test/authentication"
        rows = (await env.http.get(f"{base}/flows/first%20broker%20login/executions", headers=headers)).json()
        [row] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
        config = (await env.http.get(f"{base}/config/{row['authenticationConfig']}", headers=headers)).json()
        config["config"]["update.profile.on.first.login"] = "off"
        put = await env.http.put(f"{base}/config/{config['id']}", json=config, headers=headers)
        assert put.status_code == 204, put.text
        async with browser(broker) as http:
            confirm = await broker_login(http)
            assert confirm.status_code == 200 and 'value="updateProfile"' in confirm.text, confirm.text
            data = {**form_fields(confirm.text), "submitAction": "updateProfile"}
            review = await http.post(form_action(confirm.text), data=data)
            assert review.status_code == 200 and "kc-idp-review-profile-form" in review.text, review.text


async def _review_on(env: Env) -> None:
    headers = await env.admin_headers()
    base = "/admin/realms/test/authentication"
    rows = (await env.http.get(f"{base}/flows/first%20broker%20login/executions", headers=headers)).json()
    [row] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await env.http.get(f"{base}/config/{row['authenticationConfig']}", headers=headers)).json()
    config["config"]["update.profile.on.first.login"] = "on"
    put = await env.http.put(f"{base}/config/{config['id']}", json=config, headers=headers)
    assert put.status_code == 204, put.text


async def test_fix_duplications_by_review_profile(env: Env) -> None:
    """testFixDuplicationsByReviewProfile and testErrorExistingUserWithUpdateProfile: the e-mail matches an account
    ("User with email ... already exists."), "Review profile", a new e-mail but an existing username ("User with
    username consumer already exists."), "Review profile" again, both free: the user is created as reviewed."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "consumer", "password", email="alice@example.org")
        await broker.add_provider()
        await _review_on(env)
        names = {"firstName": "FirstName", "lastName": "LastName"}
        async with browser(broker) as http:
            review = await broker_login(http)
            assert review.status_code == 200 and "kc-idp-review-profile-form" in review.text, review.text
            data = {**typed_fields(review.text), "email": "alice@example.org", **names}
            confirm = await http.post(form_action(review.text), data=data)
            assert "User with email alice@example.org already exists. How do you want to continue?" in confirm.text
            data = {**form_fields(confirm.text), "submitAction": "updateProfile"}
            review = await http.post(form_action(confirm.text), data=data)
            assert "kc-idp-review-profile-form" in review.text, review.text
            data = {**typed_fields(review.text), "username": "consumer", "email": "test@localhost.com", **names}
            confirm = await http.post(form_action(review.text), data=data)
            assert "User with username consumer already exists. How do you want to continue?" in confirm.text
            data = {**form_fields(confirm.text), "submitAction": "updateProfile"}
            review = await http.post(form_action(confirm.text), data=data)
            data = {**typed_fields(review.text), "username": "test", "email": "test@localhost.com", **names}
            done = await http.post(form_action(review.text), data=data)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        headers = await env.admin_headers()
        got = await env.http.get(
            "/admin/realms/test/users", params={"username": "test", "exact": "true"}, headers=headers
        )
        [user] = got.json()
        assert (user["firstName"], user["lastName"], user["email"]) == ("FirstName", "LastName", "test@localhost.com")
        assert await _links(broker, "test") == [ALIAS] and await _links(broker, "consumer") == []


async def test_link_account_modifying_email_linking_by_email_not_allowed(env: Env, mail: Sink) -> None:
    """testLinkAccountModifyingEmailLinkingByEmailNotAllowed: with an SMTP server, an e-mail typed on the review
    page that matches an account is not the provider's to vouch for: "Add to existing account" asks for the
    password, no link is mailed."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="local@example.org")
        await update_realm(env.db, "test", smtp_server=mail.settings())
        await broker.add_provider()
        await _review_on(env)
        async with browser(broker) as http:
            review = await broker_login(http)
            assert "kc-idp-review-profile-form" in review.text, review.text
            data = {**typed_fields(review.text), "email": "local@example.org", "firstName": "F", "lastName": "L"}
            confirm = await http.post(form_action(review.text), data=data)
            assert "User with email local@example.org already exists." in confirm.text, confirm.text
            data = {**form_fields(confirm.text), "submitAction": "linkAccount"}
            reauth = await http.post(form_action(confirm.text), data=data)
            assert f"Authenticate to link your account with {ALIAS}" in reauth.text, reauth.text
            done = await http.post(
                form_action(reauth.text), data={**typed_fields(reauth.text), "password": "local-pass"}
            )
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert mail.received == []
        assert await _links(broker, "alice-local") == [ALIAS]


async def test_verify_email_in_new_browser_with_preserve_client(env: Env, mail: Sink) -> None:
    """testVerifyEmailInNewBrowserWithPreserveClient: the mailed link opened in another browser asks for a
    confirmation whose "Click here to proceed" names the login's client; followed, the user is sent back to the
    first browser (nothing linked yet). The address stays unverified: since Keycloak 26.8 (keycloak#50946) only an
    e-mail verification verifies it."""
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            page = await add_to_existing(http)
            assert page.status_code == 200, page.text
            async with browser(broker) as other:
                asked = await other.get(mail.received[0].link())
                proceed = click(asked, "kc-proceed")
                assert "client_id=app" in proceed and "» Click here to proceed" in asked.text
                told = await other.get(proceed)
                assert "You successfully verified your email. Please go back to your original browser and continue" in (
                    told.text
                )
        headers = await env.admin_headers()
        got = await env.http.get("/admin/realms/test/users", params={"username": "alice-local"}, headers=headers)
        assert got.json()[0]["emailVerified"] is False
        assert await _links(broker, "alice-local") == []

"""The identity brokering steps of a login judged against the Login timeout, as Keycloak's LoginActionsService.
brokerLoginFlow does for ``first-broker-login`` and ``post-broker-login`` (SessionCodeChecks.
verifyActiveAndValidAction(AUTHENTICATE, ClientSessionCode.ActionType.LOGIN): accessCodeLifespanLogin from the root
authentication session's last step, before the brokered context is read). Past it, while the login itself lives on
(here 300 s, the Login Action timeout, the longest code lifespan): the flow's ``*_ERROR`` ``expired_code``
(IDENTITY_PROVIDER_FIRST_LOGIN, IDENTITY_PROVIDER_POST_LOGIN), AuthenticationProcessor.resetFlow (the brokered
identity forgotten) and a 302 to the tab's login form saying the login timed out, from which the login goes on.
IdentityBrokerService judges the provider button and the provider's answer alike (parseSessionCode), recording
IDENTITY_PROVIDER_LOGIN_ERROR; its redirect to the provider moves the timestamp (ClientSessionCode.setAction).

Over real HTTP with realm ``provider`` of the same server as the upstream provider (tests/broker_support.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from broker_post_flow import alice_with_otp
from broker_support import SAVED, Broker, broker_login, browser, button, provider_login, served, start_login
from browser_flow import REDIRECT, followed, form_action, form_fields
from flow_builder import events, is_otp_form, totp
from login_test_realm import LOGIN_TIMEOUT, error, is_login_page
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

LOGIN = 60  # the Login timeout these tests set; the login itself lives the 300 s Login Action timeout
FLOW = quote("first broker login", safe="")
ERRORS = ("IDENTITY_PROVIDER_FIRST_LOGIN_ERROR", "IDENTITY_PROVIDER_POST_LOGIN_ERROR", "IDENTITY_PROVIDER_LOGIN_ERROR")


async def timed(broker: Broker) -> None:
    """Realm ``test`` with a 60 s Login timeout, saving the brokering steps' error events too."""
    await update_realm(broker.env.db, "test", access_code_lifespan_login=LOGIN, enabled_event_types=(*SAVED, *ERRORS))


async def review_always(broker: Broker) -> None:
    """Provider ``kc`` whose first broker login always shows Review Profile (``update.profile.on.first.login``)."""
    await broker.add_provider()
    env, base = broker.env, "/admin/realms/test/authentication"
    headers = await env.admin_headers()
    rows = (await env.http.get(f"{base}/flows/{FLOW}/executions", headers=headers)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await env.http.get(f"{base}/config/{review['authenticationConfig']}", headers=headers)).json()
    config["config"]["update.profile.on.first.login"] = "on"
    put = await env.http.put(f"{base}/config/{config['id']}", json=config, headers=headers)
    assert put.status_code == 204, put.text


async def error_events(env: Env) -> list[tuple[str, str | None, dict[str, Any]]]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = await tx.events.find(test.id)
    return [(e.type, e.error, e.details) for e in found if e.type.endswith("_ERROR")]


def is_review(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-idp-review-profile-form"' in page.text


async def post_review(http: httpx.AsyncClient, review: httpx.Response) -> httpx.Response:
    fields = {**form_fields(review.text), "username": "alice", "email": "alice@example.org"}
    return await http.post(form_action(review.text), data={**fields, "firstName": "Alice", "lastName": "Liddell"})


async def through_provider_again(http: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    """The login form's provider button, the provider's SSO session answering at once: the broker endpoint's page."""
    to_provider = await http.get(button(page))
    assert to_provider.status_code == 302, to_provider.text
    answered = await http.get(to_provider.headers["location"])
    assert answered.status_code == 302, answered.text[:1500]
    return await http.get(answered.headers["location"])


async def timed_out_to_login_form(env: Env, http: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    """resetFlow's 302 to the same tab's login form, which says the login timed out."""
    location = httpx.URL(answer.headers.get("location", ""))
    assert answer.status_code == 302 and location.path.endswith("/login-actions/authenticate"), answer.text[:1500]
    page = await followed(http, answer)
    assert is_login_page(page) and error(page) == LOGIN_TIMEOUT, page.text[:1500]
    return page


async def test_the_first_broker_login_page_past_the_login_timeout_resets_the_login(env: Env) -> None:
    """Review Profile posted 60 s after it was shown: IDENTITY_PROVIDER_FIRST_LOGIN_ERROR ``expired_code`` (no
    identity provider named yet: brokerLoginFlow adds it after the checks), no user made, the tab's login form saying
    the login timed out; through the provider again, the review and then the code."""
    async with served(env) as broker:
        await review_always(broker)
        await timed(broker)
        async with browser(broker) as http:
            review = await broker_login(http)
            assert is_review(review), review.text[:1500]
            tab = httpx.URL(form_action(review.text)).params["tab_id"]
            env.clock.advance(LOGIN)
            page = await timed_out_to_login_form(env, http, await post_review(http, review))
            assert httpx.URL(form_action(page.text)).params["tab_id"] == tab  # the tab reset, not a new one
            found = [(t, e, sorted(d)) for t, e, d in await error_events(env)]
            assert found == [("IDENTITY_PROVIDER_FIRST_LOGIN_ERROR", "expired_code", ["code_id"])]
            headers = await env.admin_headers()
            users = await env.http.get("/admin/realms/test/users", params={"username": "alice"}, headers=headers)
            assert users.json() == []
            again = await through_provider_again(http, page)
            assert is_review(again), again.text[:1500]
            done = await post_review(http, again)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:1500]


async def test_the_first_broker_login_page_within_the_login_timeout_is_answered(env: Env) -> None:
    """A second short of the Login timeout, the review makes the user and the login ends with the code."""
    async with served(env) as broker:
        await review_always(broker)
        await timed(broker)
        async with browser(broker) as http:
            review = await broker_login(http)
            assert is_review(review), review.text[:1500]
            env.clock.advance(LOGIN - 1)
            done = await post_review(http, review)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:1500]
        assert await error_events(env) == []


async def test_the_post_broker_login_otp_form_past_the_login_timeout_resets_the_login(env: Env) -> None:
    """The post broker login flow's OTP form posted 60 s after it was shown: IDENTITY_PROVIDER_POST_LOGIN_ERROR
    ``expired_code`` (not the browser login's LOGIN_ERROR), the tab's login form saying the login timed out; through
    the provider again, the OTP form again and then the code."""
    async with served(env) as broker:
        await alice_with_otp(broker)
        await timed(broker)
        async with browser(broker) as http:
            otp_form = await broker_login(http)
            assert is_otp_form(otp_form), otp_form.text[:1500]
            env.clock.advance(LOGIN)
            code = {**form_fields(otp_form.text), "otp": totp(env.clock.now())}
            page = await timed_out_to_login_form(env, http, await http.post(form_action(otp_form.text), data=code))
            found = [(t, e) for t, e, _ in await error_events(env)]
            assert found == [("IDENTITY_PROVIDER_POST_LOGIN_ERROR", "expired_code")]
            again = await through_provider_again(http, page)
            assert is_otp_form(again), again.text[:1500]
            code = {**form_fields(again.text), "otp": totp(env.clock.now())}
            done = await http.post(form_action(again.text), data=code)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:1500]


async def test_the_reset_login_forgets_the_provider_it_came_through(env: Env) -> None:
    """resetFlow clears the user session notes and auth notes the provider's answer left (the identity provider,
    the post broker login flow under way): alice, signing in with her password at the timed-out tab's login form,
    gets the browser flow's OTP form, and her LOGIN names no identity provider; the post broker login flow does not
    run again."""
    async with served(env) as broker:
        await alice_with_otp(broker)
        await timed(broker)
        headers = await env.admin_headers()
        [alice] = (await env.http.get("/admin/realms/test/users", params={"username": "alice"}, headers=headers)).json()
        password = {"type": "password", "value": "password", "temporary": False}
        reset = await env.http.put(
            f"/admin/realms/test/users/{alice['id']}/reset-password", json=password, headers=headers
        )
        assert reset.status_code == 204, reset.text
        async with browser(broker) as http:
            otp_form = await broker_login(http)
            assert is_otp_form(otp_form), otp_form.text[:1500]
            env.clock.advance(LOGIN)
            code = {**form_fields(otp_form.text), "otp": totp(env.clock.now())}
            page = await timed_out_to_login_form(env, http, await http.post(form_action(otp_form.text), data=code))
            post_logins = len(await events(env, "IDENTITY_PROVIDER_POST_LOGIN"))
            signed = await http.post(
                form_action(page.text), data={**form_fields(page.text), "username": "alice", "password": "password"}
            )
            assert is_otp_form(signed), signed.text[:1500]
            env.clock.advance(30)  # a code of the next period: the one above was not spent, but keep it plain
            code = {**form_fields(signed.text), "otp": totp(env.clock.now())}
            done = await http.post(form_action(signed.text), data=code)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:1500]
        login = max(await events(env, "LOGIN"), key=lambda e: e.time)  # the password login's
        assert "identity_provider" not in login.details, login.details
        assert len(await events(env, "IDENTITY_PROVIDER_POST_LOGIN")) == post_logins


async def test_the_provider_button_past_the_login_timeout_resets_the_login(env: Env) -> None:
    """IdentityBrokerService.performLogin checks the login page's code as its forms are: the button pressed 60 s
    after the page was shown is IDENTITY_PROVIDER_LOGIN_ERROR ``expired_code`` and the login form again, saying the
    login timed out, not the provider."""
    async with served(env) as broker:
        await broker.add_provider()
        await timed(broker)
        async with browser(broker) as http:
            page = await start_login(http)
            assert is_login_page(page), page.text[:1500]
            env.clock.advance(LOGIN)
            again = await timed_out_to_login_form(env, http, await http.get(button(page)))
            assert [(t, e) for t, e, _ in await error_events(env)] == [
                ("IDENTITY_PROVIDER_LOGIN_ERROR", "expired_code")
            ]
            done = await http.get(await provider_login(http, await http.get(button(again))))
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:1500]


async def test_the_providers_answer_past_the_login_timeout_resets_the_login(env: Env) -> None:
    """The provider's answer (AbstractOAuth2IdentityProvider.Endpoint.authResponse: getAndVerifyAuthenticationSession
    before the code is exchanged) 60 s after the browser was sent there: IDENTITY_PROVIDER_LOGIN_ERROR
    ``expired_code``, no user made, the login form saying the login timed out; the same answer again is refused (the
    reset forgot the provider's state)."""
    async with served(env) as broker:
        await broker.add_provider()
        await timed(broker)
        async with browser(broker) as http:
            to_provider = await http.get(button(await start_login(http)))
            env.clock.advance(LOGIN)
            answer = await provider_login(http, to_provider)
            await timed_out_to_login_form(env, http, await http.get(answer))
            assert [(t, e) for t, e, _ in await error_events(env)] == [
                ("IDENTITY_PROVIDER_LOGIN_ERROR", "expired_code")
            ]
            replayed = await http.get(answer)
            assert replayed.status_code == 400 and "location" not in replayed.headers, replayed.text[:1500]
        headers = await env.admin_headers()
        users = await env.http.get("/admin/realms/test/users", params={"username": "alice"}, headers=headers)
        assert users.json() == []


async def test_the_provider_button_moves_the_login_timeout_for_the_answer(env: Env) -> None:
    """The redirect to the provider moves the root's timestamp (ClientSessionCode.setAction): the button pressed at
    50 s and the answer 59 s later (109 s after the login page) go on with the login."""
    async with served(env) as broker:
        await broker.add_provider()
        await timed(broker)
        async with browser(broker) as http:
            page = await start_login(http)
            env.clock.advance(50)
            to_provider = await http.get(button(page))
            env.clock.advance(LOGIN - 1)
            done = await http.get(await provider_login(http, to_provider))
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:1500]
        assert await error_events(env) == []

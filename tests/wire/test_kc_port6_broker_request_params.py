"""What a client's authorization request passes on to an OpenID Connect identity provider, ported from Keycloak's
broker tests (tests/base/.../tests/broker/, keycloak@6b3c5721 and @4421fd54) over real HTTP, the provider another
realm of the same server (tests/broker_support.py) or a FakeIdp where the Java test uses a provider that misbehaves:

* KcOidcBrokerLoginHintTest (loginUser, loginHintWithExistingUser) and KcOidcBrokerNoLoginHintTest: ``login_hint``
  goes on only with the provider's ``loginHint``, and the provider's form shows it.
* KcOidcBrokerAcrParameterTest: ``acr_values`` goes on (``forwardParameters`` unset forwards it).
* KcOidcBrokerParameterForwardTest: the ``forwardParameters`` named, from the request's additional parameters or
  its ``acr_values``/``claims``, URL-encoded; one not sent or not named does not go.
* KcOidcBrokerPassMaxAgeTest (loginWithExistingUser, testEnforceReAuthenticationWhenMaxAgeIsSet): with
  ``passMaxAge`` the client's ``max_age`` goes on, the provider signs the user in again, and an ID token whose
  ``auth_time`` is older fails the login.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus, urlsplit

import httpx
import pytest

from broker_support import (
    ALIAS,
    browser,
    button,
    callback,
    provider_login,
    query,
    served,
    served_with_fake,
    start_login,
    user_named,
)
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from fake_idp import FakeIdp
from flow_builder import admin
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER_AUTH = "/realms/provider/protocol/openid-connect/auth"


async def test_login_hint_goes_to_the_provider_with_login_hint_on(env: Env) -> None:
    """KcOidcBrokerLoginHintTest.loginUser: the client's ``login_hint`` is in the provider's URL and fills its
    username field; the password alone signs alice in and the first broker login makes her user."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(loginHint="true")["config"])
        async with browser(broker) as http:
            page = await start_login(http, login_hint="alice@example.org")
            sent = await http.get(button(page))
            assert sent.status_code == 302, sent.text
            assert urlsplit(sent.headers["location"]).path == PROVIDER_AUTH
            assert query(sent.headers["location"])["login_hint"] == "alice@example.org"
            form = await http.get(sent.headers["location"])
            assert 'value="alice@example.org"' in form.text, "the provider's username field is filled"
            fields = {**form_fields(form.text), "username": "alice@example.org", "password": "password"}
            back = await http.post(form_action(form.text), data=fields)
            assert back.status_code == 302, back.text
            done = await http.get(back.headers["location"])
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        user = await user_named(env, "alice")
        assert user is not None and user["email"] == "alice@example.org"


async def test_login_hint_stays_home_without_login_hint(env: Env) -> None:
    """KcOidcBrokerNoLoginHintTest: the provider's ``loginHint`` off, the client's ``login_hint`` is not sent on."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http, login_hint="alice@example.org")
            sent = await http.get(button(page))
            assert "login_hint" not in query(sent.headers["location"])


async def test_login_hint_and_idp_hint_link_an_existing_account(env: Env) -> None:
    """KcOidcBrokerLoginHintTest.loginHintWithExistingUser: ``login_hint`` with ``kc_idp_hint`` goes straight to the
    provider's form, filled in; the e-mail belongs to a user of the consumer: "Account already exists", the link,
    that user's password, and the login ends at the application."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await broker.add_provider(config=broker.provider_rep(loginHint="true")["config"])
        async with browser(broker) as http:
            hinted = await start_login(http, login_hint="alice@example.org", kc_idp_hint=ALIAS)
            assert hinted.status_code == 303, hinted.text
            sent = await http.get(hinted.headers["location"])
            assert query(sent.headers["location"])["login_hint"] == "alice@example.org"
            confirm = await http.get(await provider_login(http, sent))
            assert confirm.status_code == 200 and "Account already exists" in confirm.text, confirm.text
            reauth = await http.post(
                form_action(confirm.text), data={**form_fields(confirm.text), "submitAction": "linkAccount"}
            )
            assert reauth.status_code == 200 and "alice-local" in reauth.text, reauth.text
            done = await http.post(
                form_action(reauth.text), data={**typed_fields(reauth.text), "password": "local-pass"}
            )
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_acr_values_go_to_the_provider(env: Env) -> None:
    """KcOidcBrokerAcrParameterTest.loginUser: ``acr_values=3`` of the client's request is in the provider's URL,
    and the login through the provider goes on."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http, acr_values="3")
            sent = await http.get(button(page))
            assert "acr_values=3" in sent.headers["location"]
            done = await http.get(await provider_login(http, sent))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_forward_parameters_name_what_goes_to_the_provider(env: Env) -> None:
    """KcOidcBrokerParameterForwardTest.loginUser: ``forwardParameters`` "forwarded_parameter, parameter_not_set,
    acr_values, claims,forwarded_encoded": the named parameters sent go on, URL-encoded; one named but not sent, and
    one sent but not named, do not."""
    claims = '{"userinfo":{"http://itsme.services/v2/claim/BENationalNumber":null,"spaced_value":"with space"}}'
    named = "forwarded_parameter, parameter_not_set, acr_values, claims,forwarded_encoded"
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(forwardParameters=named)["config"])
        async with browser(broker) as http:
            page = await start_login(
                http,
                forwarded_parameter="forwarded_value",
                parameter_not_forwarded="value",
                acr_values="phr",
                claims=claims,
                forwarded_encoded="encoded value",
            )
            sent = await http.get(button(page))
            location = sent.headers["location"]
            assert urlsplit(location).path == PROVIDER_AUTH
            assert "forwarded_parameter=forwarded_value" in location
            assert "acr_values=phr" in location
            assert "claims=" + quote_plus(claims) in location
            assert "forwarded_encoded=" + quote_plus("encoded value") in location
            assert "parameter_not_set" not in location and "parameter_not_forwarded" not in location
            done = await http.get(await provider_login(http, sent))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_max_age_makes_the_provider_sign_the_user_in_again(env: Env) -> None:
    """KcOidcBrokerPassMaxAgeTest.loginWithExistingUser: with ``passMaxAge`` a login that asks ``max_age=1`` two
    seconds after the first shows the consumer's form, and its provider button sends ``max_age=1`` on, so the
    provider shows its own form again instead of its SSO session answering."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(passMaxAge="true")["config"])
        async with browser(broker) as http:
            page = await start_login(http)
            first = await http.get(button(page))
            assert "max_age" not in query(first.headers["location"])
            done = await http.get(await provider_login(http, first))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            env.clock.advance(2)
            again = await start_login(http, max_age="1")
            assert again.status_code == 200 and "kc-form-login" in again.text, "the consumer asks again"
            sent = await http.get(button(again))
            assert query(sent.headers["location"])["max_age"] == "1"
            form = await http.get(sent.headers["location"])
            assert form.status_code == 200 and "kc-form-login" in form.text, "the provider asks again"
            fields = {**form_fields(form.text), "username": "alice", "password": "password"}
            back = await http.post(form_action(form.text), data=fields)
            assert back.status_code == 302, back.text
            done = await http.get(back.headers["location"])
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_an_id_token_older_than_max_age_fails_the_login(env: Env) -> None:
    """KcOidcBrokerPassMaxAgeTest.testEnforceReAuthenticationWhenMaxAgeIsSet: a provider that ignores ``max_age``
    answers an ID token whose ``auth_time`` is older: "Unexpected error when authenticating with identity
    provider" (OIDCIdentityProvider.isAuthTimeExpired), no user made; one signed in within it passes."""
    async with served_with_fake(env) as (broker, idp):
        path = f"/admin/realms/test/identity-provider/instances/{ALIAS}"
        rep = (await admin(env, "GET", path, status=200)).json()
        await admin(env, "PUT", path, rep | {"config": rep["config"] | {"passMaxAge": "true"}}, 204)
        now = env.clock.now()
        async with browser(broker) as http:
            params = await _to_fake(http, idp, max_age="1")
            assert params["max_age"] == "1"
            idp.id_token = lambda nonce: idp.signed(idp.claims(now, auth_time=now - 2))
            failed = await callback(http, params["state"])
            assert failed.status_code == 502, failed.text
            assert "Unexpected error when authenticating with identity provider" in failed.text
        assert await user_named(env, "mallory") is None
        async with browser(broker) as http:
            params = await _to_fake(http, idp, max_age="1")
            idp.id_token = lambda nonce: idp.signed(idp.claims(now, auth_time=now))
            passed = await callback(http, params["state"])
            assert passed.status_code in (200, 302), passed.text
            assert "Unexpected error" not in passed.text


async def _to_fake(http: httpx.AsyncClient, idp: FakeIdp, **asked: str) -> dict[str, str]:
    """The login page's provider button for a request with ``asked``: the query of the redirect to the FakeIdp."""
    page = await start_login(http, **asked)
    sent = await http.get(button(page))
    assert sent.status_code == 302 and sent.headers["location"].startswith(idp.base + "/auth?"), sent.text
    params = query(sent.headers["location"])
    idp.nonce = params["nonce"]
    return params


async def test_forwarded_parameters_never_replace_the_brokers_own(env: Env) -> None:
    """Hostile: ``forwardParameters`` naming the protocol's own parameters, and a request sending them as extra ones.
    The provider gets the broker's ``state``, ``nonce``, ``redirect_uri``, ``client_id``, ``response_type`` and
    ``scope`` (each once), never the client's, so the callback's state and nonce checks and the code's destination
    stay the broker's."""
    named = "state, nonce, redirect_uri, client_id, response_type, scope, evil"
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(forwardParameters=named)["config"])
        async with browser(broker) as http:
            page = await start_login(http, nonce="client-nonce", evil="x")
            sent = await http.get(button(page))
            location = sent.headers["location"]
            assert urlsplit(location).path == PROVIDER_AUTH
            sent_query = parse_qsl(urlsplit(location).query)
            names = [k for k, _ in sent_query]
            for own in ("state", "nonce", "redirect_uri", "client_id", "response_type", "scope"):
                assert names.count(own) == 1, sent_query
            values = dict(sent_query)
            assert values["nonce"] != "client-nonce" and values["state"] != "st4te", sent_query
            assert "/broker/" in values["redirect_uri"] and values["redirect_uri"] != REDIRECT, sent_query
            assert values["evil"] == "x"

"""What a provider in FORCE sync and its mappers change on a user when its identity is linked, and the events of it.

Keycloak's IdentityBrokerService runs updateFederatedIdentity, and with it BrokeredUserChangeTracker (the sync events
of KcOidcBrokerSyncEventTest: UPDATE_EMAIL, then UPDATE_PROFILE, the context ``IDP_SYNC``), on each of its paths: a
later login, afterFirstBrokerLogin's link to an existing account, and performAccountLinking (a client-initiated link at
``/broker/{alias}/link``, the ``idp_link`` action). The tracker clones the request's event builder:

- the provider's answer (``authenticated``): the client, SessionCodeChecks' ``code_id`` (the root authentication
  session; a link's is the SSO session's id, clientInitiatedAccountLinking creating its root under it), the redirect
  URI, the provider, the provider's username and its session (``identity_provider_broker_session_id``);
- afterFirstBrokerLogin's request: the ``code_id``, the provider and its username, no redirect URI nor provider
  session.

performAccountLinking names the user in FEDERATED_IDENTITY_LINK after updateFederatedIdentity (the username a mapper
gave); afterFirstBrokerLogin records FEDERATED_IDENTITY_LINK before it (the username the account had).
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import httpx
import jwt
import pytest

from broker_email_support import add_to_existing, ready
from broker_support import (
    ALIAS,
    Broker,
    alice_after_login,
    broker_login,
    browser,
    provider_login,
    served,
    user_named,
)
from browser_flow import REDIRECT, exchange, form_action, form_fields, login, start
from flow_builder import admin
from mail_sink import Sink
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

IDP = f"/admin/realms/test/identity-provider/instances/{ALIAS}"
SYNC = ("UPDATE_EMAIL", "UPDATE_PROFILE")
LINKED = "FEDERATED_IDENTITY_LINK"
ORDERED = (*SYNC, LINKED)


async def _forced(broker: Broker, *, rename_to: str | None = None) -> None:
    """The provider in FORCE, trusting e-mails; with ``rename_to``, a Hardcoded Attribute mapper naming the user."""
    await broker.add_provider(trustEmail=True, config=broker.provider_rep()["config"] | {"syncMode": "FORCE"})
    if rename_to is not None:
        config = {"syncMode": "INHERIT", "attribute": "username", "attribute.value": rename_to}
        rep = {
            "name": "rename",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "hardcoded-attribute-idp-mapper",
        }
        await admin(broker.env, "POST", f"{IDP}/mappers", rep | {"config": config}, status=201)


async def _events(env: Env) -> list[dict[str, Any]]:
    """The consumer realm's sync and link events, oldest first."""
    found = (await admin(env, "GET", "/admin/realms/test/events?max=200", status=200)).json()
    return [e for e in reversed(found) if e["type"] in ORDERED]


async def _signed_in(http: httpx.AsyncClient) -> str:
    code = (await login(http, "test", "app", "user1"))["code"]
    token = await exchange(http, "test", "app", code)
    assert token.status_code == 200, token.text
    sid: str = jwt.decode(token.json()["access_token"], options={"verify_signature": False})["sid"]
    return sid


def _link_params(sid: str) -> dict[str, str]:
    nonce = str(uuid.uuid4())
    digest = hashlib.sha256(f"{nonce}{sid}app{ALIAS}".encode()).digest()
    hashed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return {"client_id": "app", "redirect_uri": REDIRECT, "nonce": nonce, "hash": hashed}


def _answer_builder(event: dict[str, Any], code_id: str | None = None) -> None:
    """The details IdentityBrokerService.authenticated's builder gives every event cloned from it."""
    details = event["details"]
    assert event["clientId"] == "app"
    assert details["identity_provider"] == ALIAS and details["identity_provider_identity"] == "alice"
    assert details["redirect_uri"].startswith(REDIRECT), details
    assert details["identity_provider_broker_session_id"].startswith(f"{ALIAS}."), details
    assert details["code_id"], details
    if code_id is not None:
        assert details["code_id"] == code_id


@pytest.mark.server_options(oidc_allow_client_initiated_account_linking=True)
async def test_a_client_initiated_link_reports_what_the_provider_changed(env: Env) -> None:
    """performAccountLinking -> updateFederatedIdentity: the FORCE sync's new e-mail (UPDATE_EMAIL) and first name and
    the mapper's username (UPDATE_PROFILE) are reported, then FEDERATED_IDENTITY_LINK names the renamed user."""
    async with served(env) as broker:
        await _forced(broker, rename_to="linked-user")
        before = await user_named(env, "user1")
        assert before is not None
        async with browser(broker) as http:
            sid = await _signed_in(http)
            to_provider = await http.get(f"/realms/test/broker/{ALIAS}/link", params=_link_params(sid))
            assert to_provider.status_code == 302, to_provider.text
            done = await http.get(await provider_login(http, to_provider))
            assert (done.status_code, done.headers["location"]) == (302, REDIRECT), done.text
        user = await user_named(env, "linked-user")
        assert user is not None and user["id"] == before["id"]
        assert (user["email"], user["firstName"]) == ("alice@example.org", "Alice")
        found = await _events(env)
        assert [e["type"] for e in found] == ["UPDATE_EMAIL", "UPDATE_PROFILE", LINKED], found
        email, profile, linked = found
        for event in (email, profile):
            _answer_builder(event, code_id=sid)
            assert event["userId"] == user["id"]
            assert event["details"]["context"] == "IDP_SYNC"
            assert event["details"]["username"] == "linked-user"
        assert email["details"]["previous_email"] == "user1@example.com"
        assert email["details"]["updated_email"] == "alice@example.org"
        assert profile["details"]["previous_first_name"] == "User1"
        assert profile["details"]["updated_first_name"] == "Alice"
        assert profile["details"]["previous_username"] == "user1"
        assert profile["details"]["updated_username"] == "linked-user"
        assert not {"previous_email", "updated_email"} & set(profile["details"])
        assert linked["details"]["username"] == "linked-user", linked


@pytest.mark.server_options(oidc_allow_client_initiated_account_linking=True)
async def test_a_link_that_changes_nothing_reports_nothing(env: Env) -> None:
    """The provider in IMPORT: updateFederatedIdentity changes nothing, FEDERATED_IDENTITY_LINK alone."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            sid = await _signed_in(http)
            to_provider = await http.get(f"/realms/test/broker/{ALIAS}/link", params=_link_params(sid))
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302, done.text
        found = await _events(env)
        assert [e["type"] for e in found] == [LINKED], found
        assert found[0]["details"]["username"] == "user1"


async def test_the_idp_link_action_reports_what_the_provider_changed(env: Env) -> None:
    """The ``idp_link`` action's link runs performAccountLinking too: the sync events, then FEDERATED_IDENTITY_LINK
    naming the renamed user."""
    async with served(env) as broker:
        await _forced(broker, rename_to="linked-user")
        async with browser(broker) as http:
            await login(http, "test", "app")
            page = await start(http, "test", "app", kc_action=f"idp_link:{ALIAS}")
            assert page.status_code == 200, page.text
            to_provider = await http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        user = await user_named(env, "linked-user")
        assert user is not None and user["email"] == "alice@example.org"
        found = await _events(env)
        assert [e["type"] for e in found] == ["UPDATE_EMAIL", "UPDATE_PROFILE", LINKED], found
        for event in found[:2]:
            _answer_builder(event)
            assert event["details"]["context"] == "IDP_SYNC" and event["details"]["username"] == "linked-user"
        assert found[1]["details"]["updated_username"] == "linked-user"
        assert found[2]["details"]["username"] == "linked-user"


async def test_a_later_login_reports_with_the_answer_builders_details(env: Env) -> None:
    """A later login's sync events are clones of the IDENTITY_PROVIDER_LOGIN builder: they carry its ``code_id``
    and the provider's session besides the redirect URI and the provider (KcOidcBrokerSyncEventTest checks the
    context, the username and the provider; these are the rest of what Keycloak's events hold)."""
    async with served(env) as broker:
        await _forced(broker)
        await alice_after_login(broker)
        found = (await admin(env, "GET", "/admin/realms/provider/users?username=alice&exact=true", status=200)).json()
        path = f"/admin/realms/provider/users/{found[0]['id']}"
        rep = (await admin(env, "GET", path, status=200)).json()
        await admin(env, "PUT", path, {**rep, "firstName": "Changed"}, status=204)
        await alice_after_login(broker)
        found = [e for e in await _events(env) if e["type"] in SYNC]
        assert [e["type"] for e in found] == ["UPDATE_PROFILE"], found
        _answer_builder(found[0])
        assert found[0]["details"]["previous_first_name"] == "Alice"
        assert found[0]["details"]["updated_first_name"] == "Changed"


async def test_the_first_login_link_names_the_account_as_it_was(env: Env, mail: Sink) -> None:
    """afterFirstBrokerLogin: FEDERATED_IDENTITY_LINK is recorded before updateFederatedIdentity renames the account,
    so it names ``alice-local``; the UPDATE_PROFILE after it names ``renamed`` and carries afterFirstBrokerLogin's
    builder: the ``code_id``, the provider and its username, no redirect URI or provider session."""
    async with served(env) as broker:
        await ready(broker, mail)
        rep = (await admin(env, "GET", IDP, status=200)).json()
        await admin(env, "PUT", IDP, {**rep, "config": {**rep["config"], "syncMode": "FORCE"}}, status=204)
        config = {"syncMode": "INHERIT", "attribute": "username", "attribute.value": "renamed"}
        mapper = {
            "name": "rename",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "hardcoded-attribute-idp-mapper",
        }
        await admin(env, "POST", f"{IDP}/mappers", mapper | {"config": config}, status=201)
        async with browser(broker) as http:
            await add_to_existing(http)
            done = await http.get(mail.received[-1].link())
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        user = await user_named(env, "renamed")
        assert user is not None
        found = await _events(env)
        kinds = [e["type"] for e in found]
        assert kinds == [LINKED, "UPDATE_PROFILE"], kinds
        linked, profile = found
        assert linked["details"]["username"] == "alice-local", linked
        assert profile["details"]["username"] == "renamed"
        assert profile["details"]["previous_username"] == "alice-local"
        assert profile["details"]["identity_provider"] == ALIAS
        assert profile["details"]["identity_provider_identity"] == "alice"
        assert profile["details"]["code_id"]
        assert "redirect_uri" not in profile["details"], profile
        assert "identity_provider_broker_session_id" not in profile["details"], profile


async def test_after_first_broker_login_events_carry_its_builders_details(env: Env, mail: Sink) -> None:
    """REGISTER (a new user) and FEDERATED_IDENTITY_LINK (an existing account) come from afterFirstBrokerLogin's
    builder: the ``code_id``, the provider and its username, the user; no redirect URI nor provider session."""
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            await add_to_existing(http)
            done = await http.get(mail.received[-1].link())
        assert done.status_code == 302, done.text
        await seed_user(env.db, env.clock, "provider", "bob", email="bob@example.org", first_name="Bob")
        async with browser(broker) as http:
            done = await broker_login(http, "bob")
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]
        found = (await admin(env, "GET", "/admin/realms/test/events?max=200", status=200)).json()
        [linked] = [e for e in found if e["type"] == LINKED]
        [registered] = [e for e in found if e["type"] == "REGISTER"]
        assert linked["details"]["username"] == "alice-local"
        assert registered["details"]["username"] == "bob" and registered["details"]["register_method"] == "broker"
        for event in (linked, registered):
            details = event["details"]
            assert event["clientId"] == "app"
            assert details["identity_provider"] == ALIAS and details["code_id"], event
            assert "redirect_uri" not in details and "identity_provider_broker_session_id" not in details, event

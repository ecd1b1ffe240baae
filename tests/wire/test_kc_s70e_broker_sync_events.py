"""KcOidcBrokerSyncEventTest and its AbstractBrokerSyncEventTest (tests/base/.../tests/broker/): a later login through a
provider in FORCE sync that changes the linked user records what it changed, as Keycloak's BrokeredUserChangeTracker
does: a new e-mail as UPDATE_EMAIL, every other change in one UPDATE_PROFILE, with ``previous_*``/``updated_*``
details, the context ``IDP_SYNC``, the username, the provider's alias and the provider's username; nothing when the
stored values did not change. The provider realm sends its user's ``department`` attribute as a claim; the consumer
maps it onto its user with a User Attribute mapper (``oidc-user-attribute-idp-mapper``).

A Hardcoded Attribute mapper naming ``email``, ``firstName``, ``lastName`` or ``username`` writes the user's field, as
Keycloak's UserAdapter.setAttribute does (the e-mail and the username in lower case), not a custom attribute of that
name.
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_email_support import add_to_existing, ready
from broker_support import ALIAS, Broker, alice_after_login, broker_login, browser, served, user_named
from browser_flow import REDIRECT
from flow_builder import admin
from mail_sink import Sink
from wire_env import Env

pytestmark = pytest.mark.anyio

DEPARTMENT = "department"
CHANGED_EMAIL = "changed@example.com"
IDP = f"/admin/realms/test/identity-provider/instances/{ALIAS}"
SYNC_EVENTS = ("UPDATE_PROFILE", "UPDATE_EMAIL")


async def _unmanaged_attributes(env: Env, realm: str) -> None:
    """UserProfileUtil.enableUnmanagedAttributes."""
    path = f"/admin/realms/{realm}/users/profile"
    profile = (await admin(env, "GET", path, status=200)).json()
    await admin(env, "PUT", path, {**profile, "unmanagedAttributePolicy": "ENABLED"}, status=200)


async def _provider_user(env: Env, **changes: Any) -> None:
    """updateProviderUser: alice of the provider realm, with ``changes`` (``attributes`` replaced whole)."""
    found = (await admin(env, "GET", "/admin/realms/provider/users?username=alice&exact=true", status=200)).json()
    path = f"/admin/realms/provider/users/{found[0]['id']}"
    rep = (await admin(env, "GET", path, status=200)).json()
    await admin(env, "PUT", path, {**rep, **changes}, status=204)


async def _idp_mapper(env: Env, name: str, kind: str, config: dict[str, str]) -> None:
    rep = {"name": name, "identityProviderAlias": ALIAS, "identityProviderMapper": kind}
    await admin(env, "POST", f"{IDP}/mappers", rep | {"config": {"syncMode": "INHERIT", **config}}, status=201)


async def _set_up(broker: Broker) -> None:
    """The realms of KcOidcBrokerSyncEventTest: the provider's client sends ``department`` in its tokens, the consumer's
    provider is in FORCE, trusts e-mails and maps ``department``; alice's department is ``sales``."""
    env = broker.env
    clients = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    claim = {"user.attribute": DEPARTMENT, "claim.name": DEPARTMENT, "jsonType.label": "String"}
    flags = {"id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true"}
    mapper = {"name": DEPARTMENT, "protocol": "openid-connect", "protocolMapper": "oidc-usermodel-attribute-mapper"}
    path = f"/admin/realms/provider/clients/{clients[0]['id']}/protocol-mappers/models"
    await admin(env, "POST", path, mapper | {"config": claim | flags}, status=201)
    await broker.add_provider(
        trustEmail=True, config=broker.provider_rep()["config"] | {"syncMode": "FORCE", "defaultScope": "openid"}
    )
    await _idp_mapper(
        env, DEPARTMENT, "oidc-user-attribute-idp-mapper", {"claim": DEPARTMENT, "user.attribute": DEPARTMENT}
    )
    for realm in ("provider", "test"):
        await _unmanaged_attributes(env, realm)
    await _provider_user(env, firstName="Test", lastName="User", attributes={DEPARTMENT: ["sales"]})


async def _sync_events(env: Env) -> list[dict[str, Any]]:
    found = (await admin(env, "GET", "/admin/realms/test/events?max=100", status=200)).json()
    return [e for e in reversed(found) if e["type"] in SYNC_EVENTS]


async def _login_again(broker: Broker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """loginThroughBroker after a first login: the sync events of that second login alone, and the consumer's user."""
    before = len(await _sync_events(broker.env))
    user = await alice_after_login(broker)
    return (await _sync_events(broker.env))[before:], user


def _assert_sync_event(event: dict[str, Any], kind: str, user: dict[str, Any]) -> dict[str, str]:
    """assertSyncEvent: the event's type, user and the details every sync event has; its details."""
    assert event["type"] == kind
    assert event["userId"] == user["id"]
    details: dict[str, str] = event["details"]
    assert details["context"] == "IDP_SYNC"
    assert details["username"] == user["username"]
    assert details["identity_provider"] == ALIAS
    assert details["identity_provider_identity"] == "alice"
    return details


async def test_changed_attributes_reported_in_single_event(env: Env) -> None:
    """#testChangedAttributesReportedInSingleEvent: a first name and an attribute changed, one UPDATE_PROFILE."""
    async with served(env) as broker:
        await _set_up(broker)
        await alice_after_login(broker)
        await _provider_user(env, firstName="Changed", attributes={DEPARTMENT: ["engineering"]})
        found, user = await _login_again(broker)
        assert len(found) == 1, found
        details = _assert_sync_event(found[0], "UPDATE_PROFILE", user)
        assert details["previous_first_name"] == "Test" and details["updated_first_name"] == "Changed"
        assert details["previous_department"] == "sales" and details["updated_department"] == "engineering"
        assert user["firstName"] == "Changed"
        assert user["attributes"][DEPARTMENT] == ["engineering"]


async def test_removed_attribute_reported(env: Env) -> None:
    """#testRemovedAttributeReported: the attribute the provider no longer sends, its previous value and no updated one."""
    async with served(env) as broker:
        await _set_up(broker)
        await alice_after_login(broker)
        await _provider_user(env, attributes={})
        found, user = await _login_again(broker)
        assert len(found) == 1, found
        details = _assert_sync_event(found[0], "UPDATE_PROFILE", user)
        assert details["previous_department"] == "sales"
        assert "updated_department" not in details
        assert DEPARTMENT not in (user.get("attributes") or {})


async def test_changed_email_reported_as_update_email(env: Env) -> None:
    """#testChangedEmailReportedAsUpdateEmail."""
    async with served(env) as broker:
        await _set_up(broker)
        await alice_after_login(broker)
        await _provider_user(env, email=CHANGED_EMAIL)
        found, user = await _login_again(broker)
        assert len(found) == 1, found
        details = _assert_sync_event(found[0], "UPDATE_EMAIL", user)
        assert details["previous_email"] == "alice@example.org"
        assert details["updated_email"] == CHANGED_EMAIL
        assert user["email"] == CHANGED_EMAIL


async def test_changed_email_and_other_attributes_reported_in_separate_events(env: Env) -> None:
    """#testChangedEmailAndOtherAttributesReportedInSeparateEvents: UPDATE_EMAIL with the e-mail alone, then
    UPDATE_PROFILE with the rest."""
    async with served(env) as broker:
        await _set_up(broker)
        await alice_after_login(broker)
        await _provider_user(env, email=CHANGED_EMAIL, attributes={DEPARTMENT: ["engineering"]})
        found, user = await _login_again(broker)
        assert [e["type"] for e in found] == ["UPDATE_EMAIL", "UPDATE_PROFILE"], found
        email = _assert_sync_event(found[0], "UPDATE_EMAIL", user)
        assert email["previous_email"] == "alice@example.org" and email["updated_email"] == CHANGED_EMAIL
        assert not {"previous_department", "updated_department"} & set(email)
        profile = _assert_sync_event(found[1], "UPDATE_PROFILE", user)
        assert profile["previous_department"] == "sales" and profile["updated_department"] == "engineering"
        assert not {"previous_email", "updated_email"} & set(profile)


async def test_legacy_sync_mode_reported(env: Env) -> None:
    """#testLegacySyncModeReported: the provider turned to LEGACY, the User Attribute mapper still updates the
    attribute, and that is reported."""
    async with served(env) as broker:
        await _set_up(broker)
        await alice_after_login(broker)
        rep = (await admin(env, "GET", IDP, status=200)).json()
        await admin(env, "PUT", IDP, {**rep, "config": {**rep["config"], "syncMode": "LEGACY"}}, status=204)
        await _provider_user(env, attributes={DEPARTMENT: ["engineering"]})
        found, user = await _login_again(broker)
        assert len(found) == 1, found
        details = _assert_sync_event(found[0], "UPDATE_PROFILE", user)
        assert details["previous_department"] == "sales" and details["updated_department"] == "engineering"


async def _mixed_case_email(env: Env) -> None:
    """addMixedCaseEmailMapper: the e-mail set in another case at each login, stored in lower case."""
    config = {"attribute": "email", "attribute.value": "Alice@Example.org"}
    await _idp_mapper(env, "mixed-case-email", "hardcoded-attribute-idp-mapper", config)


async def test_no_event_if_stored_values_unchanged(env: Env) -> None:
    """#testNoEventIfStoredValuesUnchanged: nothing changed as stored, no event."""
    async with served(env) as broker:
        await _set_up(broker)
        await alice_after_login(broker)
        await _mixed_case_email(env)
        found, user = await _login_again(broker)
        assert found == []
        assert user["email"] == "alice@example.org"
        assert "email" not in (user.get("attributes") or {})


async def test_normalized_email_not_reported_with_other_changes(env: Env) -> None:
    """#testNormalizedEmailNotReportedWithOtherChanges: the first name reported, the e-mail (same once stored) not."""
    async with served(env) as broker:
        await _set_up(broker)
        await alice_after_login(broker)
        await _mixed_case_email(env)
        await _provider_user(env, firstName="Changed")
        found, user = await _login_again(broker)
        assert len(found) == 1, found
        details = _assert_sync_event(found[0], "UPDATE_PROFILE", user)
        assert details["previous_first_name"] == "Test" and details["updated_first_name"] == "Changed"
        assert not {"previous_email", "updated_email"} & set(details)
        assert user["email"] == "alice@example.org"


async def test_changed_username_reported(env: Env) -> None:
    """#testChangedUsernameReported: a Hardcoded Attribute mapper renames the user; the event names the new username
    and carries the previous one."""
    async with served(env) as broker:
        await _set_up(broker)
        first = await alice_after_login(broker)
        config = {"attribute": "username", "attribute.value": "renamed"}
        await _idp_mapper(env, "renamed-username", "hardcoded-attribute-idp-mapper", config)
        before = len(await _sync_events(env))
        await alice_after_login_renamed(broker)
        found = (await _sync_events(env))[before:]
        renamed = await user_named(env, "renamed")
        assert renamed is not None and renamed["id"] == first["id"]
        assert "username" not in (renamed.get("attributes") or {})
        assert len(found) == 1, found
        details = _assert_sync_event(found[0], "UPDATE_PROFILE", renamed)
        assert details["previous_username"] == "alice" and details["updated_username"] == "renamed"


async def alice_after_login_renamed(broker: Broker) -> None:
    """loginThroughBroker without the lookup by the previous username."""
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]


async def test_linking_an_existing_account_reports_what_the_provider_changed(env: Env, mail: Sink) -> None:
    """afterFirstBrokerLogin's updateFederatedIdentity for an existing account the identity was just linked to (here
    through the e-mailed link): FEDERATED_IDENTITY_LINK, then the UPDATE_PROFILE of what the provider in FORCE
    changed (the first name the account did not have)."""
    async with served(env) as broker:
        await ready(broker, mail)
        rep = (await admin(env, "GET", IDP, status=200)).json()
        await admin(env, "PUT", IDP, {**rep, "config": {**rep["config"], "syncMode": "FORCE"}}, status=204)
        async with browser(broker) as http:
            await add_to_existing(http)
            done = await http.get(mail.received[-1].link())
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        user = await user_named(env, "alice-local")
        assert user is not None and user["firstName"] == "Alice"
        found = (await admin(env, "GET", "/admin/realms/test/events?max=100", status=200)).json()
        kinds = [e["type"] for e in reversed(found)]
        assert kinds.index("FEDERATED_IDENTITY_LINK") < kinds.index("UPDATE_PROFILE"), kinds
        [event] = [e for e in found if e["type"] == "UPDATE_PROFILE"]
        details = _assert_sync_event(event, "UPDATE_PROFILE", user)
        assert details["updated_first_name"] == "Alice" and details.get("previous_first_name") != "Alice"
        assert "UPDATE_EMAIL" not in kinds

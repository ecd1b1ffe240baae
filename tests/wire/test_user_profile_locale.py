"""The built-in ``locale`` attribute of the user profile's ACCOUNT and USER_API contexts (Keycloak 26's
DeclarativeUserProfileProviderFactory: GUI order -1, no display name, no validators, never required, readable
and writable only while the realm's internationalization is on), over the Account REST API and the admin API's
``userProfileMetadata``, on AbstractRestServiceTest's realm ``test`` (internationalization off at import).

Beyond AccountRestServiceTest.testManageUserLocaleAttribute (ported in test_keycloak_account_rest_service_test):
the exact metadata entry and its place, the admin API's two metadata answers, a stored locale kept while
internationalization is off, and the UPDATE_PROFILE event's locale details.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from account_rest_service_port import account_realm, call, token
from keycloak_port import get, poll, put, update_realm, user_id
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

# UserProfileAttributeMetadata of the factory's locale, with Jackson's NON_NULL (no displayName, annotations, group)
LOCALE = {"name": "locale", "required": False, "readOnly": False, "validators": {}, "multivalued": False}
USERNAME = "test-user@localhost"


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await account_realm(env)


async def _account(env: Env, access: str) -> dict[str, Any]:
    response = await call(env, "GET", "", access)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def _post(env: Env, access: str, rep: dict[str, Any]) -> None:
    response = await call(env, "POST", "", access, rep)
    assert response.status_code == 204, response.text


def _names(metadata: dict[str, Any]) -> list[str]:
    return [a["name"] for a in metadata["attributes"]]


async def test_account_metadata_lists_locale_first_only_while_internationalization_is_on(
    env: Env, realm_id: str
) -> None:
    access = await token(env)
    assert "locale" not in _names((await _account(env, access))["userProfileMetadata"])
    await update_realm(env, internationalizationEnabled=True)
    metadata = (await _account(env, access))["userProfileMetadata"]
    assert metadata["attributes"][0] == LOCALE, metadata
    assert _names(metadata)[1:] == ["username", "email", "firstName", "lastName"]


async def test_admin_metadata_lists_locale_first_only_while_internationalization_is_on(env: Env, realm_id: str) -> None:
    uid = await user_id(env, USERNAME)
    for internationalization in (False, True):
        await update_realm(env, internationalizationEnabled=internationalization)
        of_user = (await get(env, f"/users/{uid}", userProfileMetadata="true"))["userProfileMetadata"]
        of_new_user = await get(env, "/users/profile/metadata")
        for metadata in (of_user, of_new_user):
            if internationalization:
                assert metadata["attributes"][0] == LOCALE, metadata
            else:
                assert "locale" not in _names(metadata), metadata


async def test_stored_locale_is_hidden_and_kept_while_internationalization_is_off(env: Env, realm_id: str) -> None:
    uid = await user_id(env, USERNAME)
    await update_realm(env, internationalizationEnabled=True)
    rep = await get(env, f"/users/{uid}")
    await put(env, f"/users/{uid}", {**rep, "attributes": {"locale": ["de"]}})
    access = await token(env)
    assert (await _account(env, access))["attributes"] == {"locale": ["de"]}

    await update_realm(env, internationalizationEnabled=False)
    user = await _account(env, access)
    assert "attributes" not in user, user
    await _post(env, access, {**user, "attributes": {"locale": ["pt_BR"]}})  # neither written nor removed
    await _post(env, access, user)

    await update_realm(env, internationalizationEnabled=True)
    assert (await _account(env, access))["attributes"] == {"locale": ["de"]}


async def test_a_locale_change_is_audited_as_an_attribute_change(env: Env, realm_id: str) -> None:
    await update_realm(env, internationalizationEnabled=True, eventsEnabled=True)
    access = await token(env)
    user = await _account(env, access)
    await poll(env)
    await _post(env, access, {**user, "attributes": {"locale": [" ", "pt_BR"]}})
    [event] = await poll(env)
    assert (event["type"], event["details"]) == ("UPDATE_PROFILE", {"context": "ACCOUNT", "updated_locale": "pt_BR"})
    assert (await _account(env, access))["attributes"] == {"locale": ["pt_BR"]}

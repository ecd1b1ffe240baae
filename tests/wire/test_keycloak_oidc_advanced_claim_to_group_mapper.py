"""Keycloak's OidcAdvancedClaimToGroupMapperTest (testsuite broker): the Advanced Claim to Group identity provider
mapper (``oidc-advanced-group-idp-mapper``) at logins through a provider that is another realm of the same server,
one test per method of the class and of the classes it inherits (AbstractAdvancedGroupMapperTest,
AbstractGroupMapperTest). Keycloak's two user attributes of the provider realm, sent as claims by its protocol
mappers, are here the claims the provider sends anyway: ``email`` (alice@example.org) for the first and
``given_name`` (alice's first name) for the second; ``updateUser`` changes the first name. The mapper is created in
IMPORT unless the method names a sync mode (createAdvancedGroupMapper)."""

from __future__ import annotations

import json

import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
MAPPERS = f"{ADMIN}/identity-provider/instances/{ALIAS}/mappers"
GROUP = "mapper-test"  # AbstractGroupMapperTest.MAPPER_TEST_GROUP_NAME
GROUP_PATH = f"/{GROUP}"
MISSING_PATH = "/mapper-test-not-existing"
FIRST, SECOND = "email", "given_name"  # KcOidcBrokerConfiguration.ATTRIBUTE_TO_MAP_NAME and _NAME_2
VALUE_1, VALUE_2 = "alice@example.org", "value 2"


def _claims(first: str, second: str) -> str:
    return json.dumps([{"key": FIRST, "value": first}, {"key": SECOND, "value": second}])


CLAIMS = _claims(VALUE_1, VALUE_2)  # CLAIMS_OR_ATTRIBUTES
CLAIMS_REGEX = _claims("al.*", VALUE_2)  # CLAIMS_OR_ATTRIBUTES_REGEX ("va.*" on Keycloak's "value 1")


async def _setup(env: Env) -> str:
    """addMapperTestGroupToConsumerRealm: the group ``mapper-test`` of the consumer realm; its id."""
    return await _group(env, GROUP)


async def _mapper(env: Env, claims: str, regex: bool, mode: str, path: str) -> str:
    """OidcAdvancedClaimToGroupMapperTest.createMapperInIdp: the mapper's id."""
    config = {"syncMode": mode, "claims": claims, "are.claim.values.regex": str(regex).lower(), "group": path}
    rep = {
        "name": "advanced-claim-to-group-mapper",
        "identityProviderMapper": "oidc-advanced-group-idp-mapper",
        "identityProviderAlias": ALIAS,
        "config": config,
    }
    made = await env.http.post(MAPPERS, json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _second_claim(env: Env, value: str) -> None:
    """createUserInProviderRealm / updateUser: the provider's user sends ``value`` as the second claim."""
    await update_user(env.db, "provider", "alice", first_name=value)


async def _login(broker: Broker) -> None:
    """logInAsUserInIDP(ForTheFirstTime)AndAssertSuccess: alice through the provider back to the app."""
    async with browser(broker) as http:
        done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def _group_paths(env: Env) -> list[str]:
    headers = await env.admin_headers()
    found = await env.http.get(f"{ADMIN}/users", params={"username": "alice", "exact": "true"}, headers=headers)
    [user] = found.json()
    groups = await env.http.get(f"{ADMIN}/users/{user['id']}/groups", headers=headers)
    return [g["path"] for g in groups.json()]


async def _scenario(broker: Broker, claims: str, regex: bool, second: str, path: str = GROUP_PATH) -> list[str]:
    """A provider with the mapper (IMPORT), alice sending ``second``, her first login: her groups' paths."""
    await broker.add_provider()
    await _mapper(broker.env, claims, regex, "IMPORT", path)
    await _second_claim(broker.env, second)
    await _login(broker)
    return await _group_paths(broker.env)


async def _twice(broker: Broker, mode: str, after_first: bool, then: str, path: str = GROUP_PATH) -> list[str]:
    """AbstractGroupMapperTest.loginAsUserTwiceWithMapper: alice matching at her first login (the mapper made
    before it, or after it when ``after_first``), then sending ``then`` as the second claim at her next login."""
    env = broker.env
    await broker.add_provider()
    if not after_first:
        await _mapper(env, CLAIMS, False, mode, path)
    await _second_claim(env, VALUE_2)
    await _login(broker)
    assert (await _group_paths(env) == [GROUP_PATH]) is (not after_first)
    if after_first:
        await _mapper(env, CLAIMS, False, mode, path)
    await _second_claim(env, then)
    await _login(broker)
    return await _group_paths(env)


async def test_all_values_match(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert await _scenario(broker, CLAIMS, False, VALUE_2) == [GROUP_PATH]


async def test_values_mismatch(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert GROUP_PATH not in await _scenario(broker, CLAIMS, False, "value mismatch")


async def test_values_match_if_no_claims_specified(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert await _scenario(broker, "[]", False, "some value") == [GROUP_PATH]


async def test_all_values_match_regex(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert await _scenario(broker, CLAIMS_REGEX, True, VALUE_2) == [GROUP_PATH]


async def test_values_mismatch_regex(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        mismatch = _claims("mismatch.*", VALUE_2)  # Keycloak's user sends "mismatch" for the regex "va.*"
        assert GROUP_PATH not in await _scenario(broker, mismatch, True, VALUE_2)


async def test_update_brokered_user_mismatch_leaves_group(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert GROUP_PATH not in await _twice(broker, "FORCE", False, "value mismatch")


async def test_update_brokered_user_mismatch_does_not_leave_group_in_import_mode(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert await _twice(broker, "IMPORT", False, "value mismatch") == [GROUP_PATH]


async def test_update_brokered_user_match_doesnt_leave_group(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert await _twice(broker, "FORCE", False, VALUE_2) == [GROUP_PATH]


async def test_try_to_update_brokered_user_with_missing_group_does_not_break_login(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert await _twice(broker, "FORCE", True, VALUE_2, MISSING_PATH) == []


async def test_update_brokered_user_is_assigned_to_group_in_force_mode_when_creating_the_mapper_after_first_login(
    env: Env,
) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert await _twice(broker, "FORCE", True, VALUE_2) == [GROUP_PATH]


async def test_try_to_create_brokered_user_with_non_existing_group_does_not_break_login(env: Env) -> None:
    async with served(env) as broker:
        await _setup(env)
        assert await _scenario(broker, CLAIMS, False, VALUE_2, MISSING_PATH) == []


async def _group(env: Env, name: str) -> str:
    """A new top-level group of the consumer realm: its id."""
    made = await env.http.post(f"{ADMIN}/groups", json={"name": name}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _moved(env: Env, group_id: str, parent: str | None) -> None:
    """The group moved under ``parent`` (or to the top level), as realm.groups().group(p).subGroup(rep) does."""
    headers = await env.admin_headers()
    rep = (await env.http.get(f"{ADMIN}/groups/{group_id}", headers=headers)).json()
    url = f"{ADMIN}/groups" + (f"/{parent}/children" if parent else "")
    moved = await env.http.post(url, json=rep, headers=headers)
    assert moved.status_code in (201, 204), moved.text


async def _renamed(env: Env, group_id: str, name: str) -> None:
    headers = await env.admin_headers()
    rep = (await env.http.get(f"{ADMIN}/groups/{group_id}", headers=headers)).json()
    assert (
        await env.http.put(f"{ADMIN}/groups/{group_id}", json={**rep, "name": name}, headers=headers)
    ).status_code == 204


async def _follows(broker: Broker, mapper_id: str, expected: str) -> None:
    """assertMapperHasExpectedPathAndSucceeds: the mapper names the group's new path, and alice lands there."""
    env = broker.env
    found = await env.http.get(f"{MAPPERS}/{mapper_id}", headers=await env.admin_headers())
    assert found.json()["config"]["group"] == expected
    await _login(broker)
    assert await _group_paths(env) == [expected]


async def _matching_mapper(broker: Broker, path: str) -> str:
    """setupScenarioWithGroupPath: the mapper (IMPORT, matching claims) at ``path``, alice matching."""
    await broker.add_provider()
    mapper_id = await _mapper(broker.env, CLAIMS, False, "IMPORT", path)
    await _second_claim(broker.env, VALUE_2)
    return mapper_id


async def test_mapper_still_works_when_top_level_group_is_converted_to_sub_group(env: Env) -> None:
    async with served(env) as broker:
        mapped = await _setup(env)
        mapper_id = await _matching_mapper(broker, GROUP_PATH)
        await _moved(env, mapped, await _group(env, "new-parent"))
        await _follows(broker, mapper_id, f"/new-parent/{GROUP}")


async def test_mapper_still_works_when_sub_group_changes_parent(env: Env) -> None:
    async with served(env) as broker:
        mapped = await _setup(env)
        await _moved(env, mapped, await _group(env, "parent-group"))
        mapper_id = await _matching_mapper(broker, f"/parent-group/{GROUP}")
        await _moved(env, mapped, await _group(env, "new-parent-group"))
        await _follows(broker, mapper_id, f"/new-parent-group/{GROUP}")


async def test_mapper_still_works_when_sub_group_is_converted_to_top_level_group(env: Env) -> None:
    async with served(env) as broker:
        mapped = await _setup(env)
        await _moved(env, mapped, await _group(env, "parent-group"))
        mapper_id = await _matching_mapper(broker, f"/parent-group/{GROUP}")
        await _moved(env, mapped, None)
        await _follows(broker, mapper_id, GROUP_PATH)


async def test_mapper_still_works_when_group_is_renamed(env: Env) -> None:
    async with served(env) as broker:
        mapped = await _setup(env)
        mapper_id = await _matching_mapper(broker, GROUP_PATH)
        await _renamed(env, mapped, f"new-name-{GROUP}")
        await _follows(broker, mapper_id, f"/new-name-{GROUP}")


async def test_mapper_still_works_when_ancestor_group_is_renamed(env: Env) -> None:
    async with served(env) as broker:
        mapped = await _setup(env)
        top, mid = await _group(env, "top-level"), await _group(env, "mid-level")
        await _moved(env, mid, top)
        await _moved(env, mapped, mid)
        mapper_id = await _matching_mapper(broker, f"/top-level/mid-level/{GROUP}")
        await _renamed(env, top, "new-name-top-level")
        await _follows(broker, mapper_id, f"/new-name-top-level/mid-level/{GROUP}")

"""The Account REST's ``GET linked-accounts`` with ``linked``, ``search``, ``first`` and ``max`` (Keycloak 26's
LinkedAccountsResource.linkedAccounts, LinkedAccountsRestServiceTest): ``linked=true`` the user's links to enabled
providers shown ALWAYS or WHEN_LINKED, ``linked=false`` the enabled realm-level providers shown ALWAYS not linked
yet; ``search`` exact (``"name"``), contains (``*name*``) or prefix, on the alias or the display name; paged after
sorting. Without ``linked`` the compatibility answer; junk numbers are JAX-RS's 404."""

from __future__ import annotations

from typing import Any

import pytest

from link_support import link, provider
from support import password_grant, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
URL = "/realms/test/account/linked-accounts"
PROVIDERS = (
    provider("corp", displayName="Corporate SSO", config={"guiOrder": "1"}),
    provider("github-ish", displayName="Another IdP"),
    provider("gitlab-ish", displayName="Code host"),
    provider("never", config={"showInAccountConsole": "NEVER"}),
    provider("when-linked", config={"showInAccountConsole": "WHEN_LINKED"}),
    provider("when-linked-2", config={"showInAccountConsole": "WHEN_LINKED"}),
    provider("off", enabled=False),
    provider("org-owned", organizationId="org-1"),
)


@pytest.fixture
async def headers(realm: Env) -> dict[str, str]:
    """user1 linked to ``corp``, ``when-linked`` and ``never``; their bearer token."""
    await update_realm(realm.db, "test", identity_providers=PROVIDERS)
    for alias in ("corp", "when-linked", "never"):
        await link(realm, "user1", alias)
    answer = await password_grant(realm.http, "test", "app", "user1")
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def aliases(env: Env, headers: dict[str, str], **params: Any) -> list[str]:
    got = await env.http.get(URL, params=params, headers=headers)
    assert got.status_code == 200, got.text
    return [rep["providerAlias"] for rep in got.json()]


async def test_linked_true_and_false_are_the_two_lists(realm: Env, headers: dict[str, str]) -> None:
    assert await aliases(realm, headers, linked="true") == ["corp", "when-linked"]
    assert await aliases(realm, headers, linked="false") == ["github-ish", "gitlab-ish"]
    assert await aliases(realm, headers, linked="junk") == ["github-ish", "gitlab-ish"]  # Boolean.valueOf
    everything = await aliases(realm, headers)
    assert everything == ["corp", "github-ish", "gitlab-ish", "when-linked"]


async def test_search_is_exact_contains_or_prefix_on_alias_or_display_name(realm: Env, headers: dict[str, str]) -> None:
    assert await aliases(realm, headers, linked="false", search="git") == ["github-ish", "gitlab-ish"]
    assert await aliases(realm, headers, linked="false", search="git*") == ["github-ish", "gitlab-ish"]
    assert await aliases(realm, headers, linked="false", search="*lab*") == ["gitlab-ish"]
    assert await aliases(realm, headers, linked="false", search="Code") == ["gitlab-ish"]  # the display name
    assert await aliases(realm, headers, linked="false", search='"github"') == []
    assert await aliases(realm, headers, linked="false", search='"github-ish"') == ["github-ish"]
    assert await aliases(realm, headers, linked="true", search="*SSO*") == ["corp"]
    assert await aliases(realm, headers, linked="true", search="ish") == []
    for hostile in ("%", "_", "'", "*", '"', "\\", "*.*", "(a+)+$"):
        await aliases(realm, headers, linked="false", search=hostile)  # no pattern language: never a 500


async def test_first_and_max_page_the_sorted_list(realm: Env, headers: dict[str, str]) -> None:
    assert await aliases(realm, headers, linked="false", first="1", max="1") == ["gitlab-ish"]
    assert await aliases(realm, headers, linked="false", first="0", max="1") == ["github-ish"]
    assert await aliases(realm, headers, linked="true", first="5") == []
    assert await aliases(realm, headers, linked="true", max="-1") == ["corp", "when-linked"]
    for junk in ("x", "1.5", "99999999999"):
        got = await realm.http.get(URL, params={"linked": "false", "first": junk}, headers=headers)
        assert got.status_code == 404, junk


async def test_without_a_valid_token_nothing_is_listed(realm: Env, headers: dict[str, str]) -> None:
    assert (await realm.http.get(URL, params={"linked": "true"})).status_code == 401
    forged = {"Authorization": headers["Authorization"][:-4] + "AAAA"}
    assert (await realm.http.get(URL, params={"linked": "true"}, headers=forged)).status_code == 401

"""The Username Template Importer and the Advanced Claim to Role mapper at logins through a provider that is another
realm of the same server (UsernameTemplateMapper, AdvancedClaimToRoleMapper; KcOidcUsernameTemplateMapperTest,
OidcAdvancedClaimToRoleMapperTest), and their ``mapper-types`` entries."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = f"/admin/realms/test/identity-provider/instances/{ALIAS}"


def mapper(name: str, kind: str, **config: str) -> dict[str, Any]:
    return {"name": name, "identityProviderAlias": ALIAS, "identityProviderMapper": kind, "config": config}


async def _add(broker: Broker, rep: dict[str, Any]) -> str:
    made = await broker.env.http.post(f"{BASE}/mappers", json=rep, headers=await broker.env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _users(env: Env) -> list[dict[str, Any]]:
    found = await env.http.get("/admin/realms/test/users", headers=await env.admin_headers())
    result: list[dict[str, Any]] = [u for u in found.json() if u["username"] != "user1"]
    return result


async def _links(env: Env, user_id: str) -> list[dict[str, Any]]:
    got = await env.http.get(
        f"/admin/realms/test/users/{user_id}/federated-identity", headers=await env.admin_headers()
    )
    result: list[dict[str, Any]] = got.json()
    return result


async def _login(broker: Broker) -> httpx.Response:
    async with browser(broker) as http:
        return await broker_login(http)


async def _realm_roles(env: Env, user_id: str) -> set[str]:
    got = await env.http.get(
        f"/admin/realms/test/users/{user_id}/role-mappings/realm", headers=await env.admin_headers()
    )
    return {r["name"] for r in got.json()}


async def test_mapper_types_list_both_with_keycloaks_properties(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        found = (await env.http.get(f"{BASE}/mapper-types", headers=await env.admin_headers())).json()
        template = found["oidc-username-idp-mapper"]
        assert (template["name"], template["category"], template["helpText"]) == (
            "Username Template Importer",
            "Preprocessor",
            "Format the username to import.",
        )
        [tpl, target] = template["properties"]
        assert (tpl["name"], tpl["type"], tpl["defaultValue"]) == (
            "template",
            "String",
            "${ALIAS}.${CLAIM.preferred_username}",
        )
        assert "|uppercase or |lowercase" in tpl["helpText"]
        assert (target["name"], target["type"], target["defaultValue"]) == ("target", "List", "LOCAL")
        assert target["options"] == ["LOCAL", "BROKER_ID", "BROKER_USERNAME"]
        advanced = found["oidc-advanced-role-idp-mapper"]
        assert (advanced["name"], advanced["category"]) == ("Advanced Claim to Role", "Role Importer")
        assert [(p["name"], p["type"]) for p in advanced["properties"]] == [
            ("claims", "Map"),
            ("are.claim.values.regex", "boolean"),
            ("role", "Role"),
        ]


async def test_a_local_template_names_the_new_user_and_the_link_keeps_the_providers_name(env: Env) -> None:
    """LOCAL: the new user's username is the template's (lower case); the link's userName stays the provider's."""
    async with served(env) as broker:
        await broker.add_provider()
        await _add(broker, mapper("name", "oidc-username-idp-mapper", template="${ALIAS}.${CLAIM.email | localpart}"))
        done = await _login(broker)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        [user] = await _users(env)
        assert user["username"] == "kc.alice"
        [link] = await _links(env, user["id"])
        assert link["userName"] == "alice"


async def test_broker_id_and_broker_username_targets_change_the_link(env: Env) -> None:
    """BROKER_ID: the identity's id at the provider, which the link is found by; BROKER_USERNAME: its username there."""
    async with served(env) as broker:
        await broker.add_provider()
        await _add(broker, mapper("id", "oidc-username-idp-mapper", template="${CLAIM.email}", target="BROKER_ID"))
        template = "${CLAIM.given_name | uppercase}"
        await _add(broker, mapper("name", "oidc-username-idp-mapper", template=template, target="BROKER_USERNAME"))
        done = await _login(broker)
        assert done.status_code == 302, done.text
        [user] = await _users(env)
        assert user["username"] == "alice"  # the model username follows the broker username: ALICE, lower case
        [link] = await _links(env, user["id"])
        assert (link["userId"], link["userName"]) == ("alice@example.org", "ALICE")
        again = await _login(broker)  # found again by the templated id: no second user
        assert again.status_code == 302, again.text
        assert len(await _users(env)) == 1


async def test_a_template_with_markup_or_path_characters_is_not_taken_as_a_username(env: Env) -> None:
    """A claim full of markup and path characters: the Review Profile page (``missing``) shows the username, escaped,
    as invalid, and no user is made of it; a missing claim leaves the template empty."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", last_name="<b>x</b>/../${ALIAS}")
        await broker.add_provider()
        await _add(broker, mapper("name", "oidc-username-idp-mapper", template="${CLAIM.family_name}"))
        page = await _login(broker)
        assert page.status_code == 200, page.text
        assert "Update Account Information" in page.text
        assert "<b>x</b>" not in page.text and "&lt;b&gt;x&lt;/b&gt;/../${ALIAS}" in page.text
        assert await _users(env) == []


async def test_advanced_claim_to_role_needs_every_claim(env: Env) -> None:
    """importNewUser: all claims matching (exactly, or as whole-value regexes) grant the role; one claim off, not."""
    async with served(env) as broker:
        await broker.add_provider()
        headers = await env.admin_headers()
        for role in ("exact", "regex", "partial", "off"):
            made = await env.http.post("/admin/realms/test/roles", json={"name": role}, headers=headers)
            assert made.status_code == 201, made.text

        def claims(*pairs: tuple[str, str]) -> str:
            return json.dumps([{"key": k, "value": v} for k, v in pairs])

        exact = claims(("email", "alice@example.org"), ("given_name", "Alice"))
        await _add(broker, mapper("exact", "oidc-advanced-role-idp-mapper", claims=exact, role="exact"))
        regex = claims(("email", r".*@example\.org"), ("preferred_username", "al.*"))
        config = {"claims": regex, "are.claim.values.regex": "true", "role": "regex"}
        await _add(broker, mapper("regex", "oidc-advanced-role-idp-mapper", **config))
        partial = claims(("email", "example.org"))  # a regex must match the whole value
        config = {"claims": partial, "are.claim.values.regex": "true", "role": "partial"}
        await _add(broker, mapper("partial", "oidc-advanced-role-idp-mapper", **config))
        off = claims(("email", "alice@example.org"), ("given_name", "Bob"))
        await _add(broker, mapper("off", "oidc-advanced-role-idp-mapper", claims=off, role="off"))
        done = await _login(broker)
        assert done.status_code == 302, done.text
        [user] = await _users(env)
        roles = await _realm_roles(env, user["id"])
        assert {"exact", "regex"} <= roles and not {"partial", "off"} & roles

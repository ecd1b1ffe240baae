"""Admin REST clients, client scopes, roles and groups: answers checked against Keycloak 26's source."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid
from support import seed_client, seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
CLIENTS = f"{REALM}/clients"
AUTH = "/realms/test/protocol/openid-connect/auth"


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    return await env.admin_headers()


async def _client_ids(env: Env, headers: dict[str, str]) -> set[str]:
    listed: list[dict[str, Any]] = (await env.http.get(CLIENTS, headers=headers)).json()
    return {c["clientId"] for c in listed}


# --- finding 1: internal clients (ClientManager.removeClient, Constants.defaultClients) -------------------
@pytest.mark.parametrize("client_id", ["account", "admin-cli", "broker", "realm-management", "security-admin-console"])
async def test_deleting_an_internal_client_answers_400_and_keeps_it(env: Env, client_id: str) -> None:
    headers = await _setup(env)
    uuid = await client_uuid(env, "test", client_id)
    response = await env.http.delete(f"{CLIENTS}/{uuid}", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Could not delete client"}
    assert client_id in await _client_ids(env, headers)


async def test_account_console_is_not_internal_and_can_be_deleted(env: Env) -> None:
    headers = await _setup(env)
    uuid = await client_uuid(env, "test", "account-console")
    assert (await env.http.delete(f"{CLIENTS}/{uuid}", headers=headers)).status_code == 204
    assert "account-console" not in await _client_ids(env, headers)


# --- finding 2: DefaultClientValidationProvider (validateUrls, checkUri, checkUriLogo, validateJwks) -------
async def test_a_relative_path_redirect_uri_is_stored_as_keycloak_stores_it(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(CLIENTS, headers=headers, json={"clientId": "rel", "redirectUris": ["invalid"]})
    assert response.status_code == 201, response.text
    uuid = response.headers["location"].rsplit("/", 1)[-1]
    assert (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()["redirectUris"] == ["invalid"]


@pytest.mark.parametrize("pattern", ["invalid", "h*", "invalid*"])
async def test_a_relative_path_redirect_pattern_matches_no_redirect_uri(env: Env, pattern: str) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "rel", public=True, redirect_uris=(pattern,))
    for uri in ("https://h.example/cb", "invalid", "/invalid", "http://localhost/invalid"):
        params = {"client_id": "rel", "response_type": "code", "redirect_uri": uri}
        response = await env.http.get(AUTH, params=params)
        assert response.status_code == 400 and "location" not in response.headers, uri
        assert "Invalid parameter: redirect_uri" in response.text, uri


BAD_ATTRIBUTE_URLS: list[tuple[dict[str, str], str]] = [
    ({"logoUri": "javascript:alert(1)"}, "Logo URL uses an illegal scheme"),
    ({"logoUri": "https://app.example/a b"}, "Logo URL is not a valid URL"),
    ({"policyUri": "javascript:alert(1)"}, "Policy URL uses an illegal scheme"),
    ({"policyUri": "data:text/html,x"}, "Policy URL uses an illegal scheme"),
    ({"policyUri": "/policy"}, "Policy URL is not a valid URL"),
    ({"policyUri": "myapp://policy"}, "Policy URL is not a valid URL"),
    ({"tosUri": "javascript:alert(1)"}, "Terms of service URL uses an illegal scheme"),
    ({"tosUri": "tos.html"}, "Terms of service URL is not a valid URL"),
    ({"use.jwks.url": "true", "use.jwks.string": "TRUE"}, "Illegal to use both jwks_uri and jwks_string"),
    (
        {"logoUri": "javascript:x", "policyUri": "javascript:y", "tosUri": "javascript:z"},
        "Logo URL uses an illegal scheme; Policy URL uses an illegal scheme; Terms of service URL uses an illegal scheme",
    ),
]


@pytest.mark.parametrize(("attributes", "message"), BAD_ATTRIBUTE_URLS)
async def test_bad_logo_policy_tos_and_jwks_attributes_answer_400_on_create_and_update(
    env: Env, attributes: dict[str, str], message: str
) -> None:
    headers = await _setup(env)
    response = await env.http.post(CLIENTS, headers=headers, json={"clientId": "bad", "attributes": attributes})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_input", "error_description": message}
    assert "bad" not in await _client_ids(env, headers)
    uuid = await client_uuid(env, "test", "account-console")
    before = (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()
    updated = {**before, "attributes": {**before["attributes"], **attributes}}
    response = await env.http.put(f"{CLIENTS}/{uuid}", headers=headers, json=updated)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_input", "error_description": message}
    assert (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json() == before


async def test_good_logo_policy_and_tos_urls_are_stored(env: Env) -> None:
    headers = await _setup(env)
    attributes = {
        "logoUri": "data:image/png;base64,iVBORw0KGgo=",  # checkUriLogo refuses javascript: only
        "policyUri": "https://app.example/policy",
        "tosUri": "https://app.example/tos",
        "use.jwks.url": "true",
        "use.jwks.string": "false",
    }
    response = await env.http.post(CLIENTS, headers=headers, json={"clientId": "ok", "attributes": attributes})
    assert response.status_code == 201, response.text
    uuid = response.headers["location"].rsplit("/", 1)[-1]
    stored = (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()["attributes"]
    assert {k: stored[k] for k in attributes} == attributes
    relative_logo = {"clientId": "ok2", "attributes": {"logoUri": "logo.png"}}
    assert (await env.http.post(CLIENTS, headers=headers, json=relative_logo)).status_code == 201


# --- finding 3: ClientScopeResource.validateClientScopeName (scopeNamePattern) ---------------------------
SCOPES = f"{REALM}/client-scopes"


@pytest.mark.parametrize("name", ["マルチバイト", "", " ", "a b", 'a"b', "a\\b", "tab\there"])
async def test_a_scope_name_outside_the_scope_token_charset_answers_400_on_create_and_update(
    env: Env, name: str
) -> None:
    headers = await _setup(env)
    expected = {"errorMessage": f'Unexpected name "{name}" for ClientScope'}
    response = await env.http.post(SCOPES, headers=headers, json={"name": name, "protocol": "openid-connect"})
    assert response.status_code == 400 and response.json() == expected
    listed = (await env.http.get(SCOPES, headers=headers)).json()
    assert name not in {s["name"] for s in listed}
    created = await env.http.post(SCOPES, headers=headers, json={"name": "scope1", "protocol": "openid-connect"})
    uuid = created.headers["location"].rsplit("/", 1)[-1]
    before = (await env.http.get(f"{SCOPES}/{uuid}", headers=headers)).json()
    response = await env.http.put(f"{SCOPES}/{uuid}", headers=headers, json={**before, "name": name})
    assert response.status_code == 400 and response.json() == expected
    assert (await env.http.get(f"{SCOPES}/{uuid}", headers=headers)).json()["name"] == "scope1"


async def test_a_scope_token_name_with_punctuation_is_accepted(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(SCOPES, headers=headers, json={"name": "api:read!~", "protocol": "openid-connect"})
    assert response.status_code == 201, response.text


# --- finding 4: RepresentationToModel.toModel(ProtocolMapperRepresentation) drops empty config values ------
HARDCODED = {"name": "hard", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-claim-mapper"}


@pytest.mark.parametrize("owner", ["client-scope", "client"])
async def test_empty_mapper_config_values_are_dropped_on_create_and_update(env: Env, owner: str) -> None:
    headers = await _setup(env)
    if owner == "client":
        base = f"{CLIENTS}/{await client_uuid(env, 'test', 'account-console')}"
    else:
        created = await env.http.post(SCOPES, headers=headers, json={"name": "s", "protocol": "openid-connect"})
        base = f"{SCOPES}/{created.headers['location'].rsplit('/', 1)[-1]}"
    config = {"claim.name": "c", "claim.value": "v", "jsonType.label": ""}
    response = await env.http.post(
        f"{base}/protocol-mappers/models", headers=headers, json={**HARDCODED, "config": config}
    )
    assert response.status_code == 201, response.text
    url = f"{base}/protocol-mappers/models/{response.headers['location'].rsplit('/', 1)[-1]}"
    stored = (await env.http.get(url, headers=headers)).json()
    assert stored["config"] == {"claim.name": "c", "claim.value": "v"}
    stored["config"] = {"claim.name": "c", "claim.value": "w", "access.token.claim": ""}
    assert (await env.http.put(url, headers=headers, json=stored)).status_code == 204
    assert (await env.http.get(url, headers=headers)).json()["config"] == {"claim.name": "c", "claim.value": "w"}


# --- finding 5: q= attribute search (ClientsResource.getClients, GroupsResource.getGroups) ------------------
GROUPS = f"{REALM}/groups"


async def test_clients_q_matches_searchable_attributes_exactly_by_client_id_and_pages(env: Env) -> None:
    headers = await _setup(env)
    for client_id, issuer in (("c-b", "idp"), ("c-a", "idp"), ("c-c", "IDP"), ("c-d", "idp2")):
        rep = {"clientId": client_id, "attributes": {"jwt.credential.issuer": issuer, "jwt.credential.sub": "s"}}
        assert (await env.http.post(CLIENTS, headers=headers, json=rep)).status_code == 201

    async def found(**params: str) -> list[str]:
        response = await env.http.get(CLIENTS, headers=headers, params=params)
        assert response.status_code == 200, response.text
        return [c["clientId"] for c in response.json()]

    assert await found(q="jwt.credential.issuer:idp") == ["c-a", "c-b"]
    assert await found(q='jwt.credential.issuer:"idp" jwt.credential.sub:s', clientId="c-d") == ["c-a", "c-b"]
    assert await found(q="jwt.credential.issuer:idp jwt.credential.sub:x") == []
    assert await found(q="jwt.credential.issuer:idp", first="1", max="5") == ["c-b"]


async def test_clients_q_naming_an_unsearchable_attribute_answers_400(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.get(CLIENTS, headers=headers, params={"q": "pkce.code.challenge.method:S256"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Attributes [pkce.code.challenge.method] not allowed for search",
    }


async def _group(env: Env, headers: dict[str, str], name: str, parent: str | None = None, **attrs: str) -> str:
    url = f"{GROUPS}/{parent}/children" if parent else GROUPS
    rep = {"name": name, "attributes": {k.replace("_", "."): [v] for k, v in attrs.items()}}
    response = await env.http.post(url, headers=headers, json=rep)
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def test_groups_q_finds_groups_of_any_depth_by_exact_attribute_value(env: Env) -> None:
    headers = await _setup(env)
    top = await _group(env, headers, "top", team="a")
    await _group(env, headers, "child", top, team="b")
    await _group(env, headers, "other", team="b")
    await _group(env, headers, "upper", team="B")

    async def listed(**params: str) -> list[dict[str, Any]]:
        response = await env.http.get(GROUPS, headers=headers, params=params)
        assert response.status_code == 200, response.text
        body: list[dict[str, Any]] = response.json()
        return body

    tree = await listed(q="team:b")
    assert [g["name"] for g in tree] == ["other", "top"]
    assert [g["name"] for g in tree[1]["subGroups"]] == ["child"]
    flat = await listed(q="team:b", populateHierarchy="false")
    assert [(g["name"], g["path"]) for g in flat] == [("child", "/top/child"), ("other", "/other")]
    assert [g["name"] for g in await listed(q="team:b", first="1", max="1")] == ["other"]
    assert await listed(q="team:c") == []
    assert [g["name"] for g in await listed(q="team:a", search="nothing")] == ["top"]  # q wins over search


# --- finding 6: role-mapping listings are brief (RoleMapperResource, ClientRoleMappingsResource) ------------
ROLES = f"{REALM}/roles"


async def _role_with_attributes(env: Env, headers: dict[str, str]) -> dict[str, Any]:
    rep = {"name": "tagged", "description": "d", "attributes": {"k": ["v"]}}
    assert (await env.http.post(ROLES, headers=headers, json=rep)).status_code == 201
    role: dict[str, Any] = (await env.http.get(f"{ROLES}/tagged", headers=headers)).json()
    assert role["attributes"] == {"k": ["v"]}
    return role


@pytest.mark.parametrize("owner", ["users", "groups"])
async def test_role_mapping_listings_leave_out_attributes_but_composite_can_show_them(env: Env, owner: str) -> None:
    headers = await _setup(env)
    role = await _role_with_attributes(env, headers)
    if owner == "users":
        created = await env.http.post(f"{REALM}/users", headers=headers, json={"username": "user1", "enabled": True})
        assert created.status_code == 201, created.text
    else:
        created = await env.http.post(GROUPS, headers=headers, json={"name": "g1"})
    base = f"{REALM}/{owner}/{created.headers['location'].rsplit('/', 1)[-1]}/role-mappings"
    ref = {"id": role["id"], "name": "tagged"}
    assert (await env.http.post(f"{base}/realm", headers=headers, json=[ref])).status_code == 204
    brief = {k: v for k, v in role.items() if k != "attributes"}

    async def listed(url: str, **params: str) -> Any:
        response = await env.http.get(url, headers=headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    mappings = (await listed(base))["realmMappings"]  # a user also holds default-roles-test
    assert brief in mappings and all("attributes" not in r for r in mappings)
    direct = await listed(f"{base}/realm")
    assert brief in direct and all("attributes" not in r for r in direct)
    assert brief in await listed(f"{base}/realm/composite")
    assert role in await listed(f"{base}/realm/composite", briefRepresentation="false")
    assert all("attributes" not in r for r in await listed(f"{base}/realm/available"))
    account = await client_uuid(env, "test", "account")
    client_roles = await listed(f"{base}/clients/{account}/available")
    assert client_roles and all("attributes" not in r for r in client_roles)


# --- finding 7: RoleContainerResource.getUsersInRole / getGroupsInRole -----------------------------------
async def test_role_members_carry_no_access_block(env: Env) -> None:
    headers = await _setup(env)
    role = await _role_with_attributes(env, headers)
    created = await env.http.post(f"{REALM}/users", headers=headers, json={"username": "user1", "enabled": True})
    user = created.headers["location"].rsplit("/", 1)[-1]
    ref = {"id": role["id"], "name": "tagged"}
    assert (
        await env.http.post(f"{REALM}/users/{user}/role-mappings/realm", headers=headers, json=[ref])
    ).status_code == 204
    members = (await env.http.get(f"{ROLES}/tagged/users", headers=headers)).json()
    assert [m["username"] for m in members] == ["user1"] and "access" not in members[0]


async def test_groups_in_role_lists_direct_holders_by_name_paged(env: Env) -> None:
    headers = await _setup(env)
    role = await _role_with_attributes(env, headers)
    parent = await _group(env, headers, "zeta", team="t")
    ids = {
        "zeta": parent,
        "alpha": await _group(env, headers, "alpha", parent),
        "mid": await _group(env, headers, "mid"),
    }
    await _group(env, headers, "unmapped")
    ref = {"id": role["id"], "name": "tagged"}
    for group_id in ids.values():
        url = f"{GROUPS}/{group_id}/role-mappings/realm"
        assert (await env.http.post(url, headers=headers, json=[ref])).status_code == 204

    async def listed(**params: str) -> list[dict[str, Any]]:
        response = await env.http.get(f"{ROLES}/tagged/groups", headers=headers, params=params)
        assert response.status_code == 200, response.text
        body: list[dict[str, Any]] = response.json()
        return body

    brief = await listed()
    assert [(g["name"], g["path"]) for g in brief] == [("alpha", "/zeta/alpha"), ("mid", "/mid"), ("zeta", "/zeta")]
    assert all("attributes" not in g and "access" not in g for g in brief)
    assert [g["name"] for g in await listed(first="1", max="1")] == ["mid"]
    full = await listed(briefRepresentation="false")
    assert full[2]["attributes"] == {"team": ["t"]} and full[2]["realmRoles"] == ["tagged"]
    missing = await env.http.get(f"{ROLES}/nothing/groups", headers=headers)
    assert missing.status_code == 404


# --- OIDCLoginProtocolFactory.setupClientDefaults: run by ClientManager.createClient when protocol is named ----
async def _created(env: Env, headers: dict[str, str], rep: dict[str, Any]) -> dict[str, Any]:
    response = await env.http.post(CLIENTS, headers=headers, json=rep)
    assert response.status_code == 201, response.text
    uuid = response.headers["location"].rsplit("/", 1)[-1]
    client: dict[str, Any] = (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()
    return client


async def test_a_client_naming_the_oidc_protocol_gets_keycloaks_protocol_defaults(env: Env) -> None:
    headers = await _setup(env)
    named = await _created(
        env, headers, {"clientId": "named", "protocol": "openid-connect", "rootUrl": "https://app.example"}
    )
    assert (named["publicClient"], named["directAccessGrantsEnabled"], named["standardFlowEnabled"]) == (
        True,
        True,
        True,
    )
    assert named["adminUrl"] == "https://app.example"
    confidential = await _created(
        env, headers, {"clientId": "conf", "protocol": "openid-connect", "publicClient": False, "secret": "s3"}
    )
    assert (confidential["publicClient"], confidential["directAccessGrantsEnabled"]) == (False, True)
    refused = await _created(
        env, headers, {"clientId": "off", "protocol": "openid-connect", "directAccessGrantsEnabled": False}
    )
    assert refused["directAccessGrantsEnabled"] is False


async def test_a_client_without_a_protocol_keeps_the_models_defaults(env: Env) -> None:
    headers = await _setup(env)
    plain = await _created(env, headers, {"clientId": "plain", "rootUrl": "https://app.example"})
    assert (plain["publicClient"], plain["directAccessGrantsEnabled"]) == (False, False)
    assert "adminUrl" not in plain or plain["adminUrl"] in (None, "")

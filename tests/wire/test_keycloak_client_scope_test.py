"""Keycloak 26's ClientScopeTest (tests/base/.../tests/admin/client/ClientScopeTest.java with its
AbstractClientScopeTest), ported one Java test method to one pytest of the same name: client scopes, the
realm's default client scopes, a client's default and optional ones and scope mappings through
``/admin/realms/test/...``, with the admin events Keycloak records for each call.

Already tested elsewhere, so not repeated here:

* ``testAddFailureWithInvalidScopeName`` and ``testUpdateFailureWithInvalidScopeName`` (400 ``Unexpected name
  "マルチバイト" for ClientScope`` on create and on update): test_admin_clients_keycloak_parity.py,
  ``test_a_scope_name_outside_the_scope_token_charset_answers_400_on_create_and_update``.

``createClientScopeWithOpenIdProtocol`` is parametrised over ``openid-connect``, ``saml`` and ``oid4vc`` as the
Java one is: Keycloak accepts the three (ClientScopeResource.validateClientScopeProtocol adds ``oid4vc`` to the
registered login protocols). These two tests are also the port of the older testsuite's ClientScopeTests
(testsuite/.../client/ClientScopeTests.java), whose four methods are createClientScopeWithoutProtocol and
createClientScopeWith{OpenId,Saml,OpenId4VCI}Protocol, the last three the parametrised test's cases. The realm here is ``test``, so its default role is ``default-roles-test`` where
Keycloak's managed realm has ``default-roles-default``.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from client_scope_port import (
    assert_event,
    call,
    create_client,
    create_scope,
    created_id,
    names,
    ok,
    poll,
    remove_scope,
    scope_id_named,
    setup,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

OIDC = "openid-connect"
DEFAULT_ROLES = "default-roles-test"


@pytest.fixture
async def realm(env: Env) -> Env:
    await setup(env)
    return env


def scope(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "protocol": OIDC, **fields}


async def create_realm_role(env: Env, name: str) -> dict[str, Any]:
    rep = {"name": name}
    await ok(env, "POST", "/roles", rep, status=201)
    assert_event(await poll(env), "CREATE", f"roles/{name}", "REALM_ROLE", rep)
    role: dict[str, Any] = await ok(env, "GET", f"/roles/{name}", status=200)
    return role


async def scope_names(env: Env, path: str) -> list[str]:
    return names(await ok(env, "GET", path, status=200))


async def role_names(env: Env, path: str) -> set[str]:
    """``assertNames``: the names of the roles listed (the Java helper compares them as a set)."""
    return set(await scope_names(env, path))


async def test_add_duplicated_client_scope(realm: Env) -> None:
    await create_scope(realm, scope("scope1"))
    response = await call(realm, "POST", "/client-scopes", scope("scope1"))
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Client Scope scope1 already exists"}


async def test_get_unknown_scope(realm: Env) -> None:
    response = await call(realm, "GET", f"/client-scopes/{uuid.uuid4()}")
    assert response.status_code == 404 and response.json() == {"error": "Could not find client scope"}


async def test_remove_client_scope(realm: Env) -> None:
    scope1 = await create_scope(realm, scope("scope1"))
    assert "scope1" in await scope_names(realm, "/client-scopes")
    scope2 = await create_scope(realm, scope("scope2"))
    assert "scope2" in await scope_names(realm, "/client-scopes")

    await remove_scope(realm, scope1)
    listed = await scope_names(realm, "/client-scopes")
    assert "scope1" not in listed and "scope2" in listed

    await remove_scope(realm, scope2)
    listed = await scope_names(realm, "/client-scopes")
    assert "scope1" not in listed and "scope2" not in listed


async def test_update_scope_scope(realm: Env) -> None:
    attrs = {"someAttr": "someAttrValue", "emptyAttr": ""}
    scope1 = await create_scope(realm, scope("scope1", description="scope1-desc", attributes=attrs))
    rep = await ok(realm, "GET", f"/client-scopes/{scope1}", status=200)
    assert (rep["name"], rep["description"], rep["protocol"]) == ("scope1", "scope1-desc", OIDC)
    assert rep["attributes"]["someAttr"] == "someAttrValue"
    assert not rep["attributes"].get("emptyAttr", "").strip()  # ObjectUtil.isBlank

    rep.update(name="scope1-updated", description="scope1-desc-updated", protocol="saml")
    rep["attributes"]["emptyAttr"] = "someValue"
    await ok(realm, "PUT", f"/client-scopes/{scope1}", rep)
    assert_event(await poll(realm), "UPDATE", f"client-scopes/{scope1}", "CLIENT_SCOPE", rep)

    rep = await ok(realm, "GET", f"/client-scopes/{scope1}", status=200)
    assert (rep["name"], rep["description"], rep["protocol"]) == ("scope1-updated", "scope1-desc-updated", "saml")
    assert rep["attributes"]["someAttr"] == "someAttrValue"
    assert rep["attributes"]["emptyAttr"] == "someValue"


async def test_rename_scope(realm: Env) -> None:
    await create_scope(realm, scope("scope1", description="scope1-desc"))
    scope2_rep = scope("scope2", description="scope2-desc")
    scope2 = await create_scope(realm, scope2_rep)
    response = await call(realm, "PUT", f"/client-scopes/{scope2}", {**scope2_rep, "name": "scope1"})
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Client Scope scope1 already exists"}


async def test_scopes(realm: Env) -> None:
    composite = await create_realm_role(realm, "realm-composite")
    child = await create_realm_role(realm, "realm-child")
    await ok(realm, "POST", "/roles/realm-composite/composites", [child])
    assert_event(await poll(realm), "CREATE", "roles/realm-composite/composites", "REALM_ROLE", [child])

    scope_id = await create_scope(realm, scope("bar-scope"))
    [account] = await ok(realm, "GET", "/clients", status=200, clientId="account")
    view_profile = await ok(realm, "GET", f"/clients/{account['id']}/roles/view-profile", status=200)
    mappings = f"/client-scopes/{scope_id}/scope-mappings"
    realm_level, client_level = f"{mappings}/realm", f"{mappings}/clients/{account['id']}"

    await ok(realm, "POST", realm_level, [composite])
    assert_event(await poll(realm), "CREATE", realm_level[1:], "REALM_SCOPE_MAPPING", [composite])
    await ok(realm, "POST", client_level, [view_profile])
    assert_event(await poll(realm), "CREATE", client_level[1:], "CLIENT_SCOPE_MAPPING", [view_profile])

    assert await role_names(realm, realm_level) == {"realm-composite"}
    available = {"realm-child", "offline_access", "uma_authorization", DEFAULT_ROLES}
    assert await role_names(realm, f"{realm_level}/available") == available
    assert await role_names(realm, f"{realm_level}/composite") == {"realm-composite", "realm-child"}
    assert await role_names(realm, client_level) == {"view-profile"}
    everything = await ok(realm, "GET", mappings, status=200)
    assert names(everything["realmMappings"]) == ["realm-composite"]
    assert names(everything["clientMappings"]["account"]["mappings"]) == ["view-profile"]

    await ok(realm, "DELETE", realm_level, [composite])
    assert_event(await poll(realm), "DELETE", realm_level[1:], "REALM_SCOPE_MAPPING", [composite])
    await ok(realm, "DELETE", client_level, [view_profile])
    assert_event(await poll(realm), "DELETE", client_level[1:], "CLIENT_SCOPE_MAPPING", [view_profile])

    assert await role_names(realm, realm_level) == set()
    assert await role_names(realm, f"{realm_level}/available") == available | {"realm-composite"}
    assert await role_names(realm, f"{realm_level}/composite") == set()
    assert await role_names(realm, client_level) == set()


async def test_roles_can_be_added_to_scope_even_when_they_are_already_indirectly_assigned(realm: Env) -> None:
    """KEYCLOAK-10603."""
    scope_id = await create_scope(realm, scope("my-scope"))
    await create_realm_role(realm, "realm-composite")
    child = await create_realm_role(realm, "realm-child")
    await ok(realm, "POST", "/roles/realm-composite/composites", [child])
    event = await poll(realm)
    assert (event["operationType"], event["resourceType"]) == ("CREATE", "REALM_ROLE")

    container = await create_client(realm, {"clientId": "role-container-client"})
    await ok(realm, "POST", f"/clients/{container}/roles", {"name": "client-composite"}, status=201)
    await ok(realm, "POST", f"/clients/{container}/roles", {"name": "client-child"}, status=201)
    client_child = await ok(realm, "GET", f"/clients/{container}/roles/client-child", status=200)
    await ok(realm, "POST", f"/clients/{container}/roles/client-composite/composites", [client_child])

    mappings = f"/client-scopes/{scope_id}/scope-mappings"
    realm_level, client_level = f"{mappings}/realm", f"{mappings}/clients/{container}"
    await ok(realm, "POST", realm_level, [await ok(realm, "GET", "/roles/realm-composite", status=200)])
    client_composite = await ok(realm, "GET", f"/clients/{container}/roles/client-composite", status=200)
    await ok(realm, "POST", client_level, [client_composite])

    builtin = {"offline_access", "uma_authorization", DEFAULT_ROLES}
    assert await role_names(realm, realm_level) == {"realm-composite"}
    assert await role_names(realm, f"{realm_level}/available") == builtin | {"realm-child"}
    assert await role_names(realm, f"{realm_level}/composite") == {"realm-composite", "realm-child"}
    assert await role_names(realm, client_level) == {"client-composite"}
    assert await role_names(realm, f"{client_level}/available") == {"client-child"}
    assert await role_names(realm, f"{client_level}/composite") == {"client-composite", "client-child"}

    # Direct assignments of roles the scope already has through the composites.
    await ok(realm, "POST", realm_level, [await ok(realm, "GET", "/roles/realm-child", status=200)])
    await ok(realm, "POST", client_level, [client_child])

    assert await role_names(realm, realm_level) == {"realm-composite", "realm-child"}
    assert await role_names(realm, f"{realm_level}/available") == builtin
    assert await role_names(realm, f"{realm_level}/composite") == {"realm-composite", "realm-child"}
    assert await role_names(realm, client_level) == {"client-composite", "client-child"}
    assert await role_names(realm, f"{client_level}/available") == set()
    assert await role_names(realm, f"{client_level}/composite") == {"client-composite", "client-child"}


async def test_remove_scoped_role(realm: Env) -> None:
    """KEYCLOAK-2809: deleting a realm role removes it from the scope mappings."""
    role = await create_realm_role(realm, "foo-role")
    scope_id = await create_scope(realm, scope("bar-scope"))
    realm_level = f"/client-scopes/{scope_id}/scope-mappings/realm"
    await ok(realm, "POST", realm_level, [role])
    assert_event(await poll(realm), "CREATE", realm_level[1:], "REALM_SCOPE_MAPPING", [role])
    assert names(await ok(realm, "GET", realm_level, status=200)) == ["foo-role"]

    await ok(realm, "DELETE", "/roles/foo-role")
    assert_event(await poll(realm), "DELETE", "roles/foo-role", "REALM_ROLE")
    assert await ok(realm, "GET", realm_level, status=200) == []


async def test_remove_client_scope_in_use(realm: Env) -> None:
    scope_id = await create_scope(realm, scope("foo-scope"))
    client = {"clientId": "bar-client", "name": "bar-client", "protocol": OIDC, "defaultClientScopes": ["foo-scope"]}
    await ok(realm, "POST", "/clients", client, status=201)
    await poll(realm)  # adminEvents.skip()
    await remove_scope(realm, scope_id)


async def test_realm_default_client_scopes(realm: Env) -> None:
    scope_def = await create_scope(realm, scope("scope-def"))
    scope_opt = await create_scope(realm, scope("scope-opt"))

    await ok(realm, "PUT", f"/default-default-client-scopes/{scope_def}")
    assert_event(await poll(realm), "CREATE", f"default-default-client-scopes/{scope_def}", "CLIENT_SCOPE")
    await ok(realm, "PUT", f"/default-optional-client-scopes/{scope_opt}")
    assert_event(await poll(realm), "CREATE", f"default-optional-client-scopes/{scope_opt}", "CLIENT_SCOPE")

    defaults = await scope_names(realm, "/default-default-client-scopes")
    optionals = await scope_names(realm, "/default-optional-client-scopes")
    assert "scope-def" in defaults and "scope-def" not in optionals
    assert "scope-opt" not in defaults and "scope-opt" in optionals

    client = await create_client(realm, {"clientId": "bar-client", "protocol": OIDC})
    defaults = await scope_names(realm, f"/clients/{client}/default-client-scopes")
    optionals = await scope_names(realm, f"/clients/{client}/optional-client-scopes")
    assert "scope-def" in defaults and "scope-def" not in optionals
    assert "scope-opt" not in defaults and "scope-opt" in optionals

    await ok(realm, "DELETE", f"/default-default-client-scopes/{scope_def}")
    assert_event(await poll(realm), "DELETE", f"default-default-client-scopes/{scope_def}", "CLIENT_SCOPE")
    await ok(realm, "DELETE", f"/default-optional-client-scopes/{scope_opt}")
    assert_event(await poll(realm), "DELETE", f"default-optional-client-scopes/{scope_opt}", "CLIENT_SCOPE")

    defaults = await scope_names(realm, "/default-default-client-scopes")
    optionals = await scope_names(realm, "/default-optional-client-scopes")
    assert not {"scope-def", "scope-opt"} & {*defaults, *optionals}

    client2 = await create_client(realm, {"clientId": "bar-client-2", "protocol": OIDC})
    defaults = await scope_names(realm, f"/clients/{client2}/default-client-scopes")
    optionals = await scope_names(realm, f"/clients/{client2}/optional-client-scopes")
    assert not {"scope-def", "scope-opt"} & {*defaults, *optionals}


async def test_default_optional_client_scope_can_be_assigned_to_client_as_default_scope(realm: Env) -> None:
    """KEYCLOAK-9999: a client created with ``defaultClientScopes`` gets those, and no realm optional ones."""
    optional = await create_scope(realm, scope("optional-client-scope"))
    await ok(realm, "PUT", f"/default-optional-client-scopes/{optional}")
    assert_event(await poll(realm), "CREATE", f"default-optional-client-scopes/{optional}", "CLIENT_SCOPE")
    assert "optional-client-scope" in await scope_names(realm, "/default-optional-client-scopes")

    client = await create_client(realm, {"clientId": "test-client", "defaultClientScopes": ["optional-client-scope"]})
    assert "optional-client-scope" in await scope_names(realm, f"/clients/{client}/default-client-scopes")
    assert await scope_names(realm, f"/clients/{client}/optional-client-scopes") == []

    await ok(realm, "DELETE", f"/default-optional-client-scopes/{optional}")
    assert_event(await poll(realm), "DELETE", f"default-optional-client-scopes/{optional}", "CLIENT_SCOPE")


async def test_scopes_remain_after_client_update(realm: Env) -> None:
    """KEYCLOAK-18332: a client PUT leaves the client's default and optional scopes as they are."""
    scope_def = await create_scope(realm, scope("scope-def"))
    scope_opt = await create_scope(realm, scope("scope-opt"))
    await ok(realm, "PUT", f"/default-default-client-scopes/{scope_def}")
    assert_event(await poll(realm), "CREATE", f"default-default-client-scopes/{scope_def}", "CLIENT_SCOPE")
    await ok(realm, "PUT", f"/default-optional-client-scopes/{scope_opt}")
    assert_event(await poll(realm), "CREATE", f"default-optional-client-scopes/{scope_opt}", "CLIENT_SCOPE")

    client = await create_client(realm, {"clientId": "bar-client", "protocol": OIDC})
    assert "scope-def" in await scope_names(realm, f"/clients/{client}/default-client-scopes")
    assert "scope-opt" in await scope_names(realm, f"/clients/{client}/optional-client-scopes")

    await ok(realm, "DELETE", f"/clients/{client}/default-client-scopes/{scope_def}")
    await ok(realm, "DELETE", f"/clients/{client}/optional-client-scopes/{scope_opt}")
    expected_defaults = await scope_names(realm, f"/clients/{client}/default-client-scopes")
    expected_optionals = await scope_names(realm, f"/clients/{client}/optional-client-scopes")
    assert "scope-def" not in expected_defaults and "scope-opt" not in expected_optionals

    rep = await ok(realm, "GET", f"/clients/{client}", status=200)
    await ok(realm, "PUT", f"/clients/{client}", {**rep, "description": "desc"})
    assert await scope_names(realm, f"/clients/{client}/default-client-scopes") == expected_defaults
    assert await scope_names(realm, f"/clients/{client}/optional-client-scopes") == expected_optionals


async def test_update_protocol_mappers(realm: Env) -> None:
    """KEYCLOAK-5863: the config values sent empty are dropped, and stay dropped through an update."""
    scope_id = await create_scope(realm, scope("testUpdateProtocolMappers"))
    mapper = {
        "name": "test",
        "protocol": OIDC,
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {"user.attribute": "test", "claim.name": "", "jsonType.label": ""},
    }
    models = f"/client-scopes/{scope_id}/protocol-mappers/models"
    mapper_id = created_id(await call(realm, "POST", models, mapper))
    mapper = await ok(realm, "GET", f"{models}/{mapper_id}", status=200)
    mapper["config"]["claim.name"] = "claim"
    await ok(realm, "PUT", f"{models}/{mapper_id}", mapper)

    [listed] = await ok(realm, "GET", models, status=200)
    assert listed["config"] == {"user.attribute": "test", "claim.name": "claim"}


async def test_update_client_with_default_scope_assigned_as_optional_and_opposite(realm: Env) -> None:
    client_rep: dict[str, Any] = {"clientId": "bar-client", "protocol": OIDC}
    client = await create_client(realm, client_rep)
    scope_def = await create_scope(realm, scope("scope-def"))
    scope_opt = await create_scope(realm, scope("scope-opt"))

    await ok(realm, "PUT", f"/clients/{client}/optional-client-scopes/{scope_def}")
    await ok(realm, "PUT", f"/clients/{client}/default-client-scopes/{scope_opt}")
    await ok(realm, "PUT", f"/default-default-client-scopes/{scope_def}")
    await ok(realm, "PUT", f"/default-optional-client-scopes/{scope_opt}")

    # It used to throw ModelDuplicateException.
    await ok(realm, "PUT", f"/clients/{client}", {**client_rep, "description": "new_description"})


async def test_create_dynamic_scope_with_feature_disabled_and_is_dynamic_scope_true(realm: Env) -> None:
    attributes = {"is.dynamic.scope": "true", "dynamic.scope.regexp": ""}
    response = await call(realm, "POST", "/client-scopes", scope("non-dynamic-scope-def2", attributes=attributes))
    assert response.status_code == 400
    assert response.json()["errorMessage"] == 'Unexpected value "true" for attribute is.dynamic.scope in ClientScope'


async def test_create_dynamic_scope_with_feature_disabled_and_non_empty_dynamic_scope_regexp(realm: Env) -> None:
    attributes = {"is.dynamic.scope": "false", "dynamic.scope.regexp": "not-empty"}
    response = await call(realm, "POST", "/client-scopes", scope("non-dynamic-scope-def3", attributes=attributes))
    assert response.status_code == 400
    expected = 'Unexpected value "not-empty" for attribute dynamic.scope.regexp in ClientScope'
    assert response.json()["errorMessage"] == expected


async def test_delete_all_client_scopes_must_fail(realm: Env) -> None:
    listed = await ok(realm, "GET", "/client-scopes", status=200)
    for each in listed[:-1]:
        await remove_scope(realm, each["id"])
    last = await call(realm, "DELETE", f"/client-scopes/{listed[-1]['id']}")
    assert last.status_code == 403
    assert last.json() == {"errorMessage": "You are not allowed to delete all the client scopes."}
    assert names(await ok(realm, "GET", "/client-scopes", status=200)) == [listed[-1]["name"]]


async def test_create_client_scope_without_protocol(realm: Env) -> None:
    rep = {"name": "test-client-scope", "description": "test-client-scope-description"}
    response = await call(realm, "POST", "/client-scopes", {**rep, "attributes": {"test-attribute": "test-value"}})
    assert response.status_code == 400
    assert "Unexpected protocol" in response.text


@pytest.mark.parametrize("protocol", [OIDC, "saml", "oid4vc"])
async def test_create_client_scope_with_open_id_protocol(realm: Env, protocol: str) -> None:
    rep = {
        "name": "test-client-scope",
        "description": "test-client-scope-description",
        "protocol": protocol,
        "attributes": {"test-attribute": "test-value"},
    }
    response = await call(realm, "POST", "/client-scopes", rep)
    assert response.status_code == 201, response.text
    assert response.headers.get("location")
    await ok(realm, "DELETE", f"/client-scopes/{created_id(response)}")


async def test_an_update_never_makes_a_scope_dynamic_and_says_first_when_a_client_has_it_as_default(
    realm: Env,
) -> None:
    """Beyond the Java class: ClientScopeResource.update runs validateDynamicScopeUpdate, whose default-scope check
    comes before the feature-disabled ones of validateDynamicClientScope."""
    client = await create_client(realm, {"clientId": "bar-client", "protocol": OIDC})
    assert "profile" in await scope_names(realm, f"/clients/{client}/default-client-scopes")
    profile = await scope_id_named(realm, "profile")
    rep = await ok(realm, "GET", f"/client-scopes/{profile}", status=200)
    response = await call(
        realm, "PUT", f"/client-scopes/{profile}", {**rep, "attributes": {"is.dynamic.scope": "TRUE"}}
    )
    assert response.status_code == 400
    expected = "This Client Scope can't be made dynamic as it's assigned to a Client as a Default Scope"
    assert response.json() == {"errorMessage": expected}

    lonely = await create_scope(realm, scope("lonely"))
    for attributes, message in (
        ({"is.dynamic.scope": "true"}, 'Unexpected value "true" for attribute is.dynamic.scope in ClientScope'),
        ({"dynamic.scope.regexp": "x:*"}, 'Unexpected value "x:*" for attribute dynamic.scope.regexp in ClientScope'),
    ):
        response = await call(realm, "PUT", f"/client-scopes/{lonely}", scope("lonely", attributes=attributes))
        assert response.status_code == 400 and response.json() == {"errorMessage": message}
    stored = await ok(realm, "GET", f"/client-scopes/{lonely}", status=200)
    assert not {"is.dynamic.scope", "dynamic.scope.regexp"} & set(stored["attributes"])
    assert await ok(realm, "GET", f"/client-scopes/{profile}", status=200) == rep

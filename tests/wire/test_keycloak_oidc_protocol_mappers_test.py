"""Wire port of Keycloak's ``org.keycloak.testsuite.oauth.OIDCProtocolMappersTest``
(testsuite/integration-arquillian/tests/base/src/test/java/org/keycloak/testsuite/oauth/, the jakarta-era
version with ``testSingleValuedRoleMapping``, ``testHardcodeRoleAll`` and the static ``test:create`` scopes).

One test per Java method, named after it (``testTokenMapping`` → ``test_token_mapping``). The realm is ``testrealm.json``'s part the test reads
(``oidc_mappers_realm``); mappers are created through the admin API with Keycloak's mapper types and config
keys (``ProtocolMapperUtil``); ``browserLogin`` is the authorization code flow. Each test starts from a
fresh realm, so the Java ``finally`` blocks that undo a change are left out unless they assert something.
``test_mappers_keycloak_parity.py`` checks narrower points of ``testTokenMapping`` and
``testTokenPropertiesMapping`` (role mapper order, introspection); both methods are ported whole here.

Left out, with the reason:

* ``testTokenScriptMapping`` and the two script mappers of ``testTokenMapping`` (with the 4xx for a script
  that does not compile): Doorkeep has no script mappers (``oidc-script-based-protocol-mapper``, the
  SCRIPTS feature).
* ``executeTokenMappersOnDynamicScopes``: Doorkeep has no dynamic scopes (the DYNAMIC_SCOPES feature,
  ``is.dynamic.scope`` / ``dynamic.scope.regexp``).

Ported with a difference: ``test-app-authz`` carries authorization settings in Keycloak; Doorkeep has no
authorization services, so here it is a plain confidential client. The roles
``testUserGroupRoleToAttributeMappersNotScopedOtherApp`` asserts do not depend on those settings.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from oidc_mappers_realm import (
    APP,
    AUTHZ_APP,
    ORIGIN,
    RICH,
    SCOPE_APP,
    USER,
    add_mappers,
    address_mapper,
    browser_login,
    claim_mapper,
    client_role_mapper,
    client_uuid,
    create_group,
    get,
    group_by_path,
    hardcoded_claim,
    hardcoded_role,
    import_realm,
    join_group,
    password_login,
    property_mapper,
    realm_role_mapper,
    role_name,
    scope_id,
    scope_mapper,
    send,
    set_attributes,
    user_id,
    userinfo,
)
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio

JSON_ATTRIBUTE = '{"a": 1, "b": 2, "c": [{"a": 1, "b": 2}], "d": {"a": 1, "b": 2}}'
JSON_ATTRIBUTE_2 = '{"a": 3, "b": 4, "c": [{"a": 1, "b": 2}], "d": {"a": 1, "b": 2}}'
ACCOUNT_ROLES = ["manage-account", "manage-account-links", "view-profile"]


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


def roles_custom(id_token: str) -> dict[str, Any]:
    custom = claims(id_token)["roles-custom"]
    assert isinstance(custom, dict), custom
    return custom


async def role_mappers(env: Env, *mappers: dict[str, Any], client_id: str = APP) -> None:
    await add_mappers(env, *mappers, client_id=client_id)


# --- testTokenMapping -----------------------------------------------------------------------------------


async def test_token_mapping(kc: Env) -> None:
    attributes: dict[str, list[str | None]] = {
        "street": ["5 Yawkey Way"],
        "locality": ["Boston"],
        "region_some": ["MA"],  # mapped to region under a custom attribute name
        "postal_code": ["02115"],
        "country": ["USA"],
        "formatted": ["6 Foo Street"],
        "phone": ["617-777-6666"],
        "multi1": ["abc", "bcd"],
        "multi2": ["abc", "cde"],
        "departments": ["finance", "development"],
        "json-attribute": [JSON_ATTRIBUTE],
        "json-attribute-multi": [JSON_ATTRIBUTE, JSON_ATTRIBUTE_2],
    }
    await set_attributes(kc, attributes)
    address = address_mapper(True, True, True, True)
    address["config"]["user.attribute.region"] = "region_some"
    address["config"]["user.attribute.country"] = "country_some"
    del address["config"]["user.attribute.postal_code"]  # the attribute name defaults to the claim's
    await add_mappers(
        kc,
        address,
        hardcoded_claim("hard", "hard", "coded", "String", True, True, True),
        hardcoded_claim("hard-nested", "nested.hard", "coded-nested", "String", True, True, True),
        claim_mapper("custom phone", "phone", "home_phone", "String", True, True, True, True),
        claim_mapper("nested phone", "phone", "home.phone", "String", True, True, True, True),
        claim_mapper("dotted phone", "phone", "home\\.phone", "String", True, True, True, True),
        claim_mapper("departments", "departments", "department", "String", True, True, True, True),
        claim_mapper("multi1", "multi1", "multi", "String", True, True, True, True),
        claim_mapper("multi2", "multi2", "multi", "String", True, True, True, True),
        claim_mapper("firstDepartment", "departments", "firstDepartment", "String", True, True, True, False),
        hardcoded_role("hard-realm", "hardcoded"),
        hardcoded_role("hard-app", "app.hardcoded"),
        role_name("rename-app-role", "test-app.customer-user", "realm-user"),
        claim_mapper(
            "json-attribute-mapper", "json-attribute", "claim-from-json-attribute", "JSON", True, True, True, False
        ),
        claim_mapper(
            "json-attribute-mapper-multi",
            "json-attribute-multi",
            "claim-from-json-attribute-multi",
            "JSON",
            True,
            True,
            True,
            True,
        ),
    )

    body = await browser_login(kc)
    id_token = claims(body["id_token"])
    expected_address = {"street_address": "5 Yawkey Way", "locality": "Boston", "region": "MA", "postal_code": "02115"}
    # country is absent: its attribute name became "country_some", and the user has "country"
    assert id_token["address"] == {**expected_address, "formatted": "6 Foo Street"}
    assert id_token["name"] == "Tom Brady"
    assert id_token["home_phone"] == ["617-777-6666"]
    assert id_token["home.phone"] == ["617-777-6666"]
    assert id_token["hard"] == "coded"
    assert id_token["nested"] == {"hard": "coded-nested"}
    assert id_token["home"] == {"phone": ["617-777-6666"]}
    assert sorted(id_token["department"]) == ["development", "finance"]
    assert id_token["firstDepartment"] in ("finance", "development")
    json_claim = id_token["claim-from-json-attribute"]
    assert isinstance(json_claim["a"], int) and isinstance(json_claim["c"], list) and isinstance(json_claim["d"], dict)
    json_claims = id_token["claim-from-json-attribute-multi"]
    assert len(json_claims) == 2 and isinstance(json_claims[0]["a"], int)
    assert isinstance(json_claims[1]["c"], list) and isinstance(json_claims[1]["d"], dict)

    access = claims(body["access_token"])
    assert access["name"] == "Tom Brady"
    assert access["address"] == {**expected_address, "formatted": "6 Foo Street"}
    assert access["home_phone"] == ["617-777-6666"]
    assert access["hard"] == "coded"
    assert access["nested"] == {"hard": "coded-nested"}
    assert access["home"] == {"phone": ["617-777-6666"]}
    assert "hardcoded" in access["realm_access"]["roles"] and "realm-user" in access["realm_access"]["roles"]
    assert "test-app" not in access["resource_access"]  # its only role was renamed into the realm
    assert "hardcoded" in access["resource_access"]["app"]["roles"]
    assert sorted(access["aud"]) == ["account", "app"]  # AudienceResolve
    assert access["allowed-origins"] == [ORIGIN]  # the origins of the redirect URIs (no webOrigins given)
    json_claim = access["claim-from-json-attribute"]
    assert isinstance(json_claim["a"], int) and isinstance(json_claim["c"], list) and isinstance(json_claim["d"], dict)
    assert sorted(access["multi"]) == ["abc", "bcd", "cde"]  # two mappers' values in one claim

    # undo the mappers: none of their claims is left
    uuid = await client_uuid(kc)
    for model in await get(kc, f"/clients/{uuid}/protocol-mappers/models"):
        await send(kc, "DELETE", f"/clients/{uuid}/protocol-mappers/models/{model['id']}")
    id_token = claims((await browser_login(kc))["id_token"])
    for claim in ("address", "home_phone", "hard", "nested", "department"):
        assert claim not in id_token, claim


async def test_token_properties_mapping(kc: Env) -> None:
    await set_attributes(kc, {"userid": ["123456789"], "useraud": ["test-app", "other"]})
    await add_mappers(
        kc,
        claim_mapper("userid-as-sub", "userid", "sub", "String", False, True, True, False),
        claim_mapper("useraud", "useraud", "aud", "String", True, True, True, True),
        hardcoded_claim("website-hardcoded", "website", "http://localhost", "String", True, True, True),
        hardcoded_claim("iat-hardcoded", "iat", "123", "long", True, False, True),
    )
    body = await browser_login(kc)
    id_token = claims(body["id_token"])
    assert id_token["sub"] == "123456789"
    assert id_token["website"] == "http://localhost"
    assert {"test-app", "other"} <= set(id_token["aud"])

    access = claims(body["access_token"])
    assert access["sub"] == await user_id(kc)  # the sub mapper does not feed the access token
    assert access["website"] == "http://localhost"
    assert {"test-app", "other"} <= set(access["aud"])
    assert access["iat"] != 123  # a mapper does not change iat

    # userinfo takes the ID token's mappers (no userinfo flag: it follows id.token.claim)
    info = await userinfo(kc, body["access_token"])
    assert info["sub"] == "123456789"
    assert (info["email"], info["preferred_username"]) == (USER, USER)
    assert (info["family_name"], info["given_name"]) == ("Brady", "Tom")
    assert info["website"] == "http://localhost"


async def _property_mapper_with_profile_scope(env: Env, *, optional: bool) -> None:
    await add_mappers(env, property_mapper("test-property-mapper", "email", "claim-name", True, True, True))
    uuid = await client_uuid(env)
    profile = await scope_id(env, "profile")
    assert profile in [s["id"] for s in await get(env, f"/clients/{uuid}/default-client-scopes")]
    if optional:
        await send(env, "DELETE", f"/clients/{uuid}/default-client-scopes/{profile}")
        await send(env, "PUT", f"/clients/{uuid}/optional-client-scopes/{profile}")
    body = await browser_login(env, scope="openid profile")
    assert "profile" in body["scope"].split()
    assert claims(body["id_token"])["claim-name"] == USER
    assert claims(body["access_token"])["claim-name"] == USER


async def test_claim_from_user_property_mapper_with_optional_profile_scope(kc: Env) -> None:
    """``oauth.scope("profile")``: Keycloak's OAuthClient adds ``openid``; the profile scope, now optional,
    is asked for, and the client's own mapper feeds both tokens."""
    await _property_mapper_with_profile_scope(kc, optional=True)


async def test_claim_from_user_property_mapper_with_default_profile_scope(kc: Env) -> None:
    await _property_mapper_with_profile_scope(kc, optional=False)


async def test_null_or_empty_token_mapping(kc: Env) -> None:
    await set_attributes(kc, {"empty": [""], "null": [None]})
    await add_mappers(
        kc,
        claim_mapper("empty", "empty", "empty", "String", True, True, True, False),
        claim_mapper("null", "null", "null", "String", True, True, True, False),
    )
    body = await browser_login(kc)
    id_token = claims(body["id_token"])
    assert id_token.get("empty") in (None, "")
    assert "null" not in id_token
    claims(body["access_token"])

    uuid = await client_uuid(kc)
    for model in await get(kc, f"/clients/{uuid}/protocol-mappers/models"):
        await send(kc, "DELETE", f"/clients/{uuid}/protocol-mappers/models/{model['id']}")
    id_token = claims((await browser_login(kc))["id_token"])
    assert "address" not in id_token and "empty" not in id_token and "null" not in id_token


# --- role mappers ---------------------------------------------------------------------------------------


async def test_user_role_to_attribute_mappers(kc: Env) -> None:
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True),
        client_role_mapper(APP, None, "Client roles mapper", "roles-custom.test-app", True, True, True),
    )
    custom = roles_custom((await browser_login(kc))["id_token"])
    assert set(custom) == {"realm", "test-app"}
    assert sorted(custom["realm"]) == ["pref.offline_access", "pref.user"]
    assert custom["test-app"] == ["customer-user"]


async def test_user_roles_moved_from_access_token_properties(kc: Env) -> None:
    """KEYCLOAK-8481: the roles scope's mappers moved to ``custom.roles``: no realm_access or resource_access
    left in the access token's JSON, every role (and a hardcoded one) in the new claim."""
    for name in ("realm roles", "client roles"):
        models, found = await scope_mapper(kc, "roles", name)
        found["config"]["claim.name"] = "custom.roles"
        await send(kc, "PUT", f"{models}/{found['id']}", found)
    models, _ = await scope_mapper(kc, "roles", "realm roles")
    await send(kc, "POST", models, hardcoded_role("hard-realm", "hardcoded"), status=201)

    body = await browser_login(kc)
    payload = body["access_token"].split(".")[1]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "realm_access" not in raw and "resource_access" not in raw
    access = json.loads(raw)
    assert sorted(access["custom"]["roles"]) == sorted(
        ["offline_access", "user", "customer-user", "hardcoded", *ACCOUNT_ROLES]
    )
    assert access["aud"] == "account"


async def test_roles_and_allowed_origins_removed_from_access_token(kc: Env) -> None:
    uuid = await client_uuid(kc)
    for scope in ("web-origins", "roles"):
        await send(kc, "DELETE", f"/clients/{uuid}/default-client-scopes/{await scope_id(kc, scope)}")
    body = await browser_login(kc)
    access = claims(body["access_token"])
    assert "allowed-origins" not in access
    assert "realm_access" not in access and "resource_access" not in access
    assert access["azp"] == APP and APP not in access.get("aud", [])  # the client is its azp, not its audience
    id_token = claims(body["id_token"])
    assert id_token["azp"] == APP and id_token["aud"] == APP


async def test_user_role_to_attribute_mappers_with_multi_valued_roles(kc: Env) -> None:
    """KEYCLOAK-4205: multivalued role mappers give JSON arrays."""
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True, True),
        client_role_mapper(APP, None, "Client roles mapper", "roles-custom.test-app", True, True, True, True),
    )
    custom = roles_custom((await browser_login(kc))["id_token"])
    assert set(custom) == {"realm", "test-app"}
    assert isinstance(custom["realm"], list) and isinstance(custom["test-app"], list)
    assert sorted(custom["realm"]) == ["pref.offline_access", "pref.user"]
    assert custom["test-app"] == ["customer-user"]


async def test_user_role_to_attribute_mappers_with_full_scope_disabled(kc: Env) -> None:
    """KEYCLOAK-5259: without full scope, only the scoped realm role and the client's own roles."""
    uuid = await client_uuid(kc)
    rep = await get(kc, f"/clients/{uuid}")
    await send(kc, "PUT", f"/clients/{uuid}", {**rep, "fullScopeAllowed": False})
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True, True),
        client_role_mapper(APP, None, "Client roles mapper", "roles-custom.test-app", True, True, True, True),
    )
    custom = roles_custom((await browser_login(kc))["id_token"])
    assert set(custom) == {"realm", "test-app"}
    assert custom["realm"] == ["pref.user"]
    assert custom["test-app"] == ["customer-user"]


async def test_role_mapper_with_role_inherited_from_more_groups(kc: Env) -> None:
    """KEYCLOAK-8148: a role from two groups appears once."""
    await role_mappers(
        kc, client_role_mapper(APP, None, "Client roles mapper", "roles-custom.test-app", True, True, True)
    )
    await join_group(kc, await group_by_path(kc, "/topGroup/level2group2"), "level2GroupUser")
    custom = roles_custom((await browser_login(kc, "level2GroupUser"))["id_token"])
    assert set(custom) == {APP}
    assert custom[APP] == ["customer-user"]


RICH_REALM_ROLES = [
    "pref.admin",
    "pref.user",
    "pref.customer-user-premium",
    "pref.realm-composite-role",
    "pref.sample-realm-role",
]


async def test_user_group_role_to_attribute_mappers(kc: Env) -> None:
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True),
        client_role_mapper(APP, "ta.", "Client roles mapper", "roles-custom.test-app", True, True, True),
    )
    custom = roles_custom((await browser_login(kc, RICH))["id_token"])
    assert set(custom) == {"realm", APP}
    assert sorted(custom["realm"]) == sorted(RICH_REALM_ROLES)
    expected = ["ta.customer-user", "ta.customer-admin-composite-role", "ta.customer-admin", "ta.sample-client-role"]
    assert sorted(custom[APP]) == sorted(expected)


async def test_user_group_role_to_attribute_mappers_not_scoped_other_app(kc: Env) -> None:
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True),
        client_role_mapper(AUTHZ_APP, None, "Client roles mapper", f"roles-custom.{AUTHZ_APP}", True, True, True),
        client_id=AUTHZ_APP,
    )
    custom = roles_custom((await browser_login(kc, RICH, AUTHZ_APP))["id_token"])
    assert set(custom) == {"realm"}  # test-app-authz has no client roles
    assert sorted(custom["realm"]) == sorted(RICH_REALM_ROLES)


async def test_user_group_role_to_attribute_mappers_scoped(kc: Env) -> None:
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True),
        client_role_mapper(SCOPE_APP, None, "Client roles mapper", "roles-custom.test-app-scope", True, True, True),
        client_id=SCOPE_APP,
    )
    custom = roles_custom((await browser_login(kc, RICH, SCOPE_APP))["id_token"])
    assert set(custom) == {"realm", SCOPE_APP}
    assert sorted(custom["realm"]) == ["pref.admin", "pref.customer-user-premium", "pref.user"]
    assert sorted(custom[SCOPE_APP]) == ["test-app-allowed-by-scope", "test-app-disallowed-by-scope"]


async def test_user_group_role_to_attribute_mappers_scoped_client_not_set(kc: Env) -> None:
    """No client id: every client's roles go to the one claim, merged."""
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True),
        client_role_mapper(None, None, "Client roles mapper", "roles-custom.test-app-scope", True, True, True),
        client_id=SCOPE_APP,
    )
    custom = roles_custom((await browser_login(kc, RICH, SCOPE_APP))["id_token"])
    assert set(custom) == {"realm", SCOPE_APP}
    assert sorted(custom["realm"]) == ["pref.admin", "pref.customer-user-premium", "pref.user"]
    assert sorted(custom[SCOPE_APP]) == sorted(
        ["test-app-allowed-by-scope", "test-app-disallowed-by-scope", "customer-admin-composite-role", "customer-admin"]
    )


async def test_single_valued_role_mapping(kc: Env) -> None:
    """Keycloak 23+ (#20218): a role mapper that is not multivalued gives one role name, not a list's text.
    Keycloak's roles are a set, so which one is not fixed."""
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True, False),
        client_role_mapper(None, None, "Client roles mapper", "roles-custom.test-app-scope", True, True, True, False),
        client_id=SCOPE_APP,
    )
    custom = roles_custom((await browser_login(kc, RICH, SCOPE_APP))["id_token"])
    assert set(custom) == {"realm", SCOPE_APP}
    assert custom["realm"] in ("pref.admin", "pref.user", "pref.customer-user-premium")
    assert custom[SCOPE_APP] in ("test-app-allowed-by-scope", "test-app-disallowed-by-scope")


async def test_user_group_role_to_attribute_mappers_scoped_with_different_client(kc: Env) -> None:
    await role_mappers(
        kc,
        realm_role_mapper("pref.", "Realm roles mapper", "roles-custom.realm", True, True, True),
        client_role_mapper(APP, None, "Client roles mapper", "roles-custom.test-app", True, True, True),
        client_id=SCOPE_APP,
    )
    custom = roles_custom((await browser_login(kc, RICH, SCOPE_APP))["id_token"])
    assert set(custom) == {"realm", APP}
    assert sorted(custom["realm"]) == ["pref.admin", "pref.customer-user-premium", "pref.user"]
    assert sorted(custom[APP]) == ["customer-admin", "customer-admin-composite-role"]


# --- group attributes (UserAttributeMapper with multivalued / aggregate.attrs) -----------------------------


async def _group_value(
    env: Env,
    multivalued: bool,
    aggregate: bool,
    *groups: tuple[str, list[str] | None],
    user_values: bool = False,
    nested: bool = False,
) -> Any:
    """The user (with values of their own or not) joins the groups (or, ``nested``, only the last one, a
    subgroup of the first); a ``group-value`` mapper; the ID token's ``group-value`` claim."""
    if user_values:
        await set_attributes(env, {"group-value": ["user-value1", "user-value2"]})
    ids: list[str] = []
    for name, values in groups:
        parent = ids[0] if nested and ids else None
        ids.append(await create_group(env, name, parent, **({"group-value": values} if values else {})))
    for group in ids[-1:] if nested else ids:
        await join_group(env, group)
    await add_mappers(
        env,
        claim_mapper("group-value", "group-value", "group-value", "String", True, True, True, multivalued, aggregate),
    )
    id_token = claims((await browser_login(env))["id_token"])
    return id_token["group-value"]


GROUP1 = ("group1", ["value1", "value2"])
GROUP2 = ("group2", ["value2", "value3"])


async def test_group_attribute_user_one_group_no_multivalue_no_aggregate(kc: Env) -> None:
    assert await _group_value(kc, False, False, GROUP1, user_values=True) in ("user-value1", "user-value2")


async def test_group_attribute_user_one_group_multivalue_no_aggregate(kc: Env) -> None:
    found = await _group_value(kc, True, False, GROUP1, user_values=True)
    assert sorted(found) == ["user-value1", "user-value2"]


async def test_group_attribute_user_one_group_multivalue_aggregate(kc: Env) -> None:
    found = await _group_value(kc, True, True, GROUP1, user_values=True)
    assert sorted(found) == ["user-value1", "user-value2", "value1", "value2"]


async def test_group_attribute_one_group_no_multivalue_no_aggregate(kc: Env) -> None:
    assert await _group_value(kc, False, False, GROUP1) in ("value1", "value2")


async def test_group_attribute_one_group_multi_value_no_aggregate(kc: Env) -> None:
    assert sorted(await _group_value(kc, True, False, GROUP1)) == ["value1", "value2"]


async def test_group_attribute_one_group_multi_value_aggregate(kc: Env) -> None:
    assert sorted(await _group_value(kc, True, True, GROUP1)) == ["value1", "value2"]


async def test_group_attribute_two_group_no_multivalue_no_aggregate(kc: Env) -> None:
    assert await _group_value(kc, False, False, GROUP1, GROUP2) in ("value1", "value2", "value3")


async def test_group_attribute_two_group_multi_value_no_aggregate(kc: Env) -> None:
    """Not aggregated: one group's values, whichever comes first."""
    assert sorted(await _group_value(kc, True, False, GROUP1, GROUP2)) in (["value1", "value2"], ["value2", "value3"])


async def test_group_attribute_two_group_multi_value_aggregate(kc: Env) -> None:
    assert sorted(await _group_value(kc, True, True, GROUP1, GROUP2)) == ["value1", "value2", "value3"]


async def test_group_attribute_two_group_hierarchy_no_multivalue_no_aggregate_from_parent(kc: Env) -> None:
    """KEYCLOAK-17252: a subgroup without the attribute inherits its parent's."""
    assert await _group_value(kc, False, False, GROUP1, ("group2", None), nested=True) in ("value1", "value2")


async def test_group_attribute_two_group_hierarchy_no_multivalue_no_aggregate_from_child(kc: Env) -> None:
    found = await _group_value(kc, False, False, GROUP1, ("group2", ["value3", "value4"]), nested=True)
    assert found in ("value3", "value4")


async def test_group_attribute_two_group_hierarchy_multi_value_no_aggregate(kc: Env) -> None:
    """Not aggregated: the subgroup's own values hide its parent's."""
    assert sorted(await _group_value(kc, True, False, GROUP1, GROUP2, nested=True)) == ["value2", "value3"]


async def test_group_attribute_two_group_hierarchy_multi_value_aggregate(kc: Env) -> None:
    """Aggregated: the user's values, the subgroup's and its parent's, each once."""
    found = await _group_value(kc, True, True, GROUP1, GROUP2, user_values=True, nested=True)
    assert sorted(found) == ["user-value1", "user-value2", "value1", "value2", "value3"]


# --- hardcoded role and role name mappers in every token --------------------------------------------------


async def _roles_mappers_in_all_tokens(env: Env) -> None:
    """``modifyScopeRolesMapperToBeIncludedInAll``: the roles scope's two mappers feed access, ID and userinfo."""
    for name in ("realm roles", "client roles"):
        models, found = await scope_mapper(env, "roles", name)
        flags = ("userinfo.token.claim", "access.token.claim", "id.token.claim")
        found["config"] |= dict.fromkeys(flags, "true")
        await send(env, "PUT", f"{models}/{found['id']}", found)


def _realm_roles(token: dict[str, Any]) -> list[str]:
    return list(token["realm_access"]["roles"])


def _client_roles(token: dict[str, Any], client_id: str) -> list[str]:
    return list(token["resource_access"][client_id]["roles"])


async def test_hardcode_role_all(kc: Env) -> None:
    """HardcodedRole runs for the access token and userinfo (the ID token shares the access token's roles):
    the role mappers then put the hardcoded roles in all three."""
    await add_mappers(
        kc, hardcoded_role("hardcoded-realm", "hardcoded"), hardcoded_role("hardcoded-app", "test-app.hardcoded")
    )
    await _roles_mappers_in_all_tokens(kc)
    body = await browser_login(kc)
    info = await userinfo(kc, body["access_token"])
    assert info["preferred_username"] == USER
    for token in (claims(body["access_token"]), claims(body["id_token"]), info):
        assert "hardcoded" in _realm_roles(token)
        assert "hardcoded" in _client_roles(token, APP)


async def test_role_name_mapper_all(kc: Env) -> None:
    await add_mappers(
        kc,
        role_name("rename-realm-role", "user", "realm-user"),
        role_name("rename-app-role", "test-app.customer-user", "test-app.test-app-user"),
    )
    await _roles_mappers_in_all_tokens(kc)
    body = await browser_login(kc)
    info = await userinfo(kc, body["access_token"])
    assert info["preferred_username"] == USER
    for token in (claims(body["access_token"]), claims(body["id_token"]), info):
        assert "realm-user" in _realm_roles(token) and "user" not in _realm_roles(token)
        assert "test-app-user" in _client_roles(token, APP) and "customer-user" not in _client_roles(token, APP)


# --- static scopes whose names look like dynamic scopes ---------------------------------------------------


async def _client_scope(env: Env, name: str, claim: str, value: str, default: bool) -> None:
    """``createClientScope``: an OIDC client scope with one hardcoded claim, linked to test-app."""
    mapper = hardcoded_claim(f"{name}from-scope-mapper", claim, value, "String", True, True, True)
    rep = {"name": name, "protocol": "openid-connect", "protocolMappers": [mapper]}
    created = await send(env, "POST", "/client-scopes", rep, status=201)
    scope = created.headers["location"].rsplit("/", 1)[1]
    kind = "default" if default else "optional"
    await send(env, "PUT", f"/clients/{await client_uuid(env)}/{kind}-client-scopes/{scope}")


async def _name_client_test(env: Env) -> None:
    uuid = await client_uuid(env)
    rep = await get(env, f"/clients/{uuid}")
    await send(env, "PUT", f"/clients/{uuid}", {**rep, "name": "test"})


async def test_static_scope_using_dynamic_scope_format_with_dedicated_mappers(kc: Env) -> None:
    await _name_client_test(kc)
    await _client_scope(kc, "test:create-mapper", "from-mapper", "value", False)
    await add_mappers(
        kc, hardcoded_claim("from-dedicated-mapper", "from-dedicated-mapper", "value", "String", True, True, True)
    )
    body = await password_login(kc, scope="openid test:create-mapper")
    assert "test:create-mapper" in body["scope"].split()
    id_token, access = claims(body["id_token"]), claims(body["access_token"])
    assert "test:create-mapper" in access["scope"].split()
    for token in (id_token, access):
        assert token["from-mapper"] == "value"  # the client scope's mapper
        assert token["from-dedicated-mapper"] == "value"  # the client's own


async def test_static_scope_using_dynamic_scope_format_prefixed_with_scope_as_default_scope(kc: Env) -> None:
    await _name_client_test(kc)
    await _client_scope(kc, "test", "from-scope-mapper", "value", True)
    await _client_scope(kc, "test:create", "from-dynamic-scope", "value", True)
    body = await password_login(kc, scope="openid test:create")
    assert "test:create" in body["scope"].split()
    access = claims(body["access_token"])
    assert "test:create" in access["scope"].split()
    assert access["from-dynamic-scope"] == "value" and access["from-scope-mapper"] == "value"


async def test_static_scope_using_dynamic_scope_format_prefixed_with_scope_as_optional_scope(kc: Env) -> None:
    await _name_client_test(kc)
    await _client_scope(kc, "test", "from-scope-mapper", "value", False)
    await _client_scope(kc, "test:create", "from-dynamic-scope", "value", False)
    body = await password_login(kc, scope="openid test:create")
    assert "test:create" in body["scope"].split()
    access = claims(body["access_token"])
    assert "test:create" in access["scope"].split()
    assert access["from-dynamic-scope"] == "value"

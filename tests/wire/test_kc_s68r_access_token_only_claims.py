"""KcOidcAccessTokenOnlyClaimsUserAttributeMapperTest (tests/base): the seven of AbstractUserAttributeMapperTest's ten
methods that test_kc_s68d_access_token_only_claims.py does not port. As in Keycloak, every protocol mapper of the
provider's client (KcOidcBrokerConfiguration.createProviderClients: e-mail, ``user-attribute``,
``user-attribute-2``, the nested claim ``nested.email``, the claim ``dotted\\.email`` with a dot in its name and a
JSON claim) puts its claim in the access token only, and the consumer's provider has OidcUserAttributeMapperTest's
four Attribute Importers, all in the sync mode under test. After each login the consumer's user is checked as
assertUserAttributes does: exactly the mapped attributes of the non-empty provider attributes (none at all when
there are none), each with the provider's values, and the e-mail."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from flow_builder import admin
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER_CLIENTS = "/admin/realms/provider/clients"
MAPPERS = f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers"
ATTRIBUTE = "user-attribute"  # KcOidcBrokerConfiguration.ATTRIBUTE_TO_MAP_NAME
MAPPED = "mapped-user-attribute"  # AbstractUserAttributeMapperTest.MAPPED_ATTRIBUTE_NAME
EMAIL = "alice@example.org"
OTHER_EMAIL = "other_email@redhat.com"
PROTECTED = {"email", "firstName", "lastName"}
# ATTRIBUTE_NAME_TRANSLATION: the provider's attribute and the consumer's attribute it is mapped to
TRANSLATION = {ATTRIBUTE: MAPPED, "nested.email": "nested.email", "dotted.email": "dotted.email"}
Attributes = dict[str, list[str]]


def _claim_mapper(name: str, kind: str, claim: str, attribute: str = "", **config: str) -> dict[str, Any]:
    """A protocol mapper of the provider's client, its String claim in the access token only."""
    config |= {"claim.name": claim, "jsonType.label": config.get("jsonType.label", "String")}
    config |= {"access.token.claim": "true", "id.token.claim": "false", "userinfo.token.claim": "false"}
    if attribute:
        config["user.attribute"] = attribute
    return {"name": name, "protocol": "openid-connect", "protocolMapper": kind, "config": config}


USER_ATTRIBUTE = "oidc-usermodel-attribute-mapper"
PROVIDER_MAPPERS = (
    _claim_mapper("email", "oidc-usermodel-property-mapper", "email", "email"),
    _claim_mapper("attribute - name", USER_ATTRIBUTE, ATTRIBUTE, ATTRIBUTE, multivalued="true"),
    _claim_mapper("attribute - name - 2", USER_ATTRIBUTE, "user-attribute-2", "user-attribute-2", multivalued="true"),
    _claim_mapper("attribute - nested claim", USER_ATTRIBUTE, "nested.email", "nested.email"),
    _claim_mapper("attribute - claim with dot in name", USER_ATTRIBUTE, "dotted\\.email", "dotted.email"),
    _claim_mapper(
        "json-mapper",
        "oidc-hardcoded-claim-mapper",
        "user-claim",
        **{"jsonType.label": "JSON", "claim.value": '{"test": "value"}'},
    ),
)
# OidcUserAttributeMapperTest.createIdentityProviderMappers: (name, claim, user attribute)
IMPORTERS = (
    ("attribute-mapper", ATTRIBUTE, MAPPED),
    ("attribute-mapper-email", "email", "email"),
    ("nested-attribute-mapper-email", "nested.email", "nested.email"),
    ("dotted-attribute-mapper-email", "dotted\\.email", "dotted.email"),
)


async def _provider_client_claims(broker: Broker) -> None:
    [client] = (await admin(broker.env, "GET", f"{PROVIDER_CLIENTS}?clientId=broker-app", status=200)).json()
    models = f"{PROVIDER_CLIENTS}/{client['id']}/protocol-mappers/models"
    for mapper in PROVIDER_MAPPERS:
        await admin(broker.env, "POST", models, mapper, status=201)


async def _importers(broker: Broker, sync_mode: str) -> None:
    for name, claim, attribute in IMPORTERS:
        config = {"syncMode": sync_mode, "claim": claim, "user.attribute": attribute}
        rep = {"name": name, "identityProviderMapper": "oidc-user-attribute-idp-mapper", "identityProviderAlias": ALIAS}
        await admin(broker.env, "POST", MAPPERS, rep | {"config": config}, status=201)


async def _provider_user(env: Env, attrs: Attributes) -> None:
    """The provider's alice with ``attrs``: the e-mail from ``email``, every other non-null list an attribute."""
    plain = {name: values for name, values in attrs.items() if name not in PROTECTED}
    email = attrs["email"][0] if "email" in attrs else None
    await update_user(env.db, "provider", "alice", attributes=plain, **({"email": email} if email else {}))


async def _consumer_user(env: Env, email: str) -> dict[str, Any]:
    """AbstractIdentityProviderMapperTest.findUser: the one brokered user (beside the realm's own user1), named and
    addressed as the provider's."""
    users = (await admin(env, "GET", "/admin/realms/test/users", status=200)).json()
    [user] = [u for u in users if u["username"] != "user1"]
    assert (user["username"], user.get("email")) == ("alice", email), user
    found: dict[str, Any] = user
    return found


def _assert_attributes(attrs: Attributes, user: dict[str, Any]) -> None:
    """AbstractUserAttributeMapperTest.assertUserAttributes."""
    mapped = {TRANSLATION[name] for name, values in attrs.items() if values and name not in PROTECTED}
    if not mapped:
        assert user.get("attributes") is None, f"no attributes expected: {user.get('attributes')}"
    else:
        got = user.get("attributes")
        assert got is not None and set(got) == mapped, got
        for name, values in attrs.items():
            if TRANSLATION.get(name) in mapped:
                assert sorted(got[TRANSLATION[name]]) == sorted(values), (name, got)
    if "email" in attrs:
        assert user.get("email") == attrs["email"][0]


async def _signs_in(broker: Broker) -> None:
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]


async def _value_mapping(env: Env, sync_mode: str, initial: Attributes, modified: Attributes) -> None:
    """AbstractUserAttributeMapperTest.testValueMapping: IMPORT keeps the first login's attributes, FORCE and LEGACY
    take the provider's changes."""
    asserted = initial if sync_mode == "IMPORT" else modified
    async with served(env) as broker:
        await broker.add_provider()
        await _provider_client_claims(broker)
        await _importers(broker, sync_mode)
        await _provider_user(env, initial)
        await _signs_in(broker)
        _assert_attributes(initial, await _consumer_user(env, EMAIL))
        await _provider_user(env, {name: values for name, values in modified.items() if values is not None})
        await _signs_in(broker)
        email = modified["email"][0] if "email" in modified else EMAIL
        _assert_attributes(asserted, await _consumer_user(env, email))


async def test_basic_mapping_email(env: Env) -> None:
    """testBasicMappingEmail (FORCE): the e-mail, the nested claim and the claim with a dot, all changed."""
    await _value_mapping(
        env,
        "FORCE",
        {"email": [EMAIL], "nested.email": [EMAIL], "dotted.email": [EMAIL]},
        {"email": [OTHER_EMAIL], "nested.email": [OTHER_EMAIL], "dotted.email": [OTHER_EMAIL]},
    )


async def test_attribute_gets_modified_in_sync_mode_force(env: Env) -> None:
    """testBasicMappingAttributeGetsModifiedInSyncModeForce: the provider's attribute emptied, the mapped one gone."""
    await _value_mapping(env, "FORCE", {ATTRIBUTE: ["value 1"]}, {ATTRIBUTE: []})


async def test_attribute_gets_removed_in_sync_mode_force(env: Env) -> None:
    """testBasicMappingAttributeGetsRemovedInSyncModeForce: the provider's attribute removed, the mapped one gone."""
    await _value_mapping(env, "FORCE", {ATTRIBUTE: ["value 1"]}, {})


async def test_multiple_values_are_modified_in_sync_mode_legacy(env: Env) -> None:
    """testBasicMappingAttributeWithMultipleValuesIsModifiedInSyncModeLegacy: an Attribute Importer's LEGACY
    (updateBrokeredUserLegacy) takes the provider's new values as FORCE does."""
    await _value_mapping(
        env, "LEGACY", {ATTRIBUTE: ["value 1", "value 2"]}, {ATTRIBUTE: ["second value", "second value 2"]}
    )


async def test_multiple_values_are_not_modified_in_sync_mode_import(env: Env) -> None:
    """testBasicMappingAttributeWithMultipleValuesDoesNotGetModifiedInSyncModeImport."""
    await _value_mapping(
        env, "IMPORT", {ATTRIBUTE: ["value 1", "value 2"]}, {ATTRIBUTE: ["second value", "second value 2"]}
    )


async def test_multiple_values_are_added_in_sync_mode_force(env: Env) -> None:
    """testBasicMappingAttributeWithMultipleValuesGetsAddedInSyncModeForce: no attribute at the first login (the
    user has none at all), both values after the second."""
    await _value_mapping(env, "FORCE", {}, {ATTRIBUTE: ["second value", "second value 2"]})


async def test_multiple_values_are_not_added_in_sync_mode_import(env: Env) -> None:
    """testBasicMappingAttributeWithMultipleValuesDoesNotGetAddedInSyncModeImport: still no attribute at all."""
    await _value_mapping(env, "IMPORT", {}, {ATTRIBUTE: ["second value", "second value 2"]})


async def test_hardcoded_attribute_added_later_is_set_in_sync_mode_legacy(env: Env) -> None:
    """Not in the Java class: HardcodedAttributeMapper has no updateBrokeredUserLegacy of its own, so
    AbstractIdentityProviderMapper's runs its updateBrokeredUser, and LEGACY sets the attribute at the next login as
    FORCE does (HardcodedUserAttributeMapperTest covers FORCE and IMPORT)."""
    async with served(env) as broker:
        await broker.add_provider()
        await _signs_in(broker)
        assert (await _consumer_user(env, EMAIL)).get("attributes") is None
        config = {"syncMode": "LEGACY", "attribute": "hardcoded", "attribute.value": "value"}
        rep = {"name": "hardcoded", "identityProviderMapper": "hardcoded-attribute-idp-mapper"}
        await admin(env, "POST", MAPPERS, rep | {"identityProviderAlias": ALIAS, "config": config}, status=201)
        await _signs_in(broker)
        assert (await _consumer_user(env, EMAIL)).get("attributes") == {"hardcoded": ["value"]}

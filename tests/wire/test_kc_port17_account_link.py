"""Keycloak's AccountLinkTest (tests/base/.../tests/broker/AccountLinkTest.java @63e3cb10): realm ``child`` brokers
realm ``parent-idp`` (BrokerTestTools.createKcOidcBroker: a ``keycloak-oidc`` provider of alias ``parent-idp``),
and the child's user ``child`` is linked to the parent's user ``parent`` through the Admin REST API
(AccountHelper.addIdentityProvider: ``POST users/{id}/federated-identity/{alias}``), unlinked, and unlinked by the
provider's removal. ``runOnServer``'s store checks read Doorkeep's store directly.

Ported: ``testAccountLink``, ``testDeleteIdentityOnProviderRemoval``.

Not ported:
- ``testAccountLinkWithUserStorageProvider`` (``@Ignore`` in the new framework, keycloak#20441) and
  ``testDeleteFederatedUserFederatedIdentityOnProviderRemoval``: both need a user storage provider (Keycloak's
  PassThroughFederatedUserStorageProvider, UserMapStorage); Doorkeep has no user federation. The second's point,
  the provider's removal deleting its links, is ``testDeleteIdentityOnProviderRemoval``'s here.
- The arquillian version's browser steps (the old account console's federated identity page, ``remove-link-``
  buttons) went with that console; the new framework's version, ported here, links through the Admin REST API.
"""

from __future__ import annotations

from typing import Any

import pytest

from flow_builder import admin
from support import seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

CHILD_IDP = "child"
PARENT_IDP = "parent-idp"
PARENT_USERNAME = "parent"


async def _before_broker_test(env: Env) -> str:
    """beforeBrokerTest: the two realms, their users (password ``password``), the child's provider for the parent;
    the parent user's id."""
    await seed_realm(env.db, env.clock, CHILD_IDP)
    await seed_realm(env.db, env.clock, PARENT_IDP)
    parent = await seed_user(env.db, env.clock, PARENT_IDP, PARENT_USERNAME)
    await seed_user(env.db, env.clock, CHILD_IDP, "child")
    oidc = f"http://localhost/realms/{PARENT_IDP}/protocol/openid-connect"
    rep = {
        "alias": PARENT_IDP,
        "providerId": "keycloak-oidc",
        "enabled": True,
        "config": {
            "clientId": CHILD_IDP,
            "clientSecret": "secret",
            "authorizationUrl": f"{oidc}/auth",
            "tokenUrl": f"{oidc}/token",
            "logoutUrl": f"{oidc}/logout",
            "userInfoUrl": f"{oidc}/userinfo",
            "issuer": f"http://localhost/realms/{PARENT_IDP}",
            "jwksUrl": f"{oidc}/certs",
            "validateSignature": "true",
            "useJwksUrl": "true",
            "clientAuthMethod": "client_secret_post",
            "syncMode": "IMPORT",
        },
    }
    await admin(env, "POST", f"/admin/realms/{CHILD_IDP}/identity-provider/instances", rep, 201)
    return parent.id


async def _user_id(env: Env, realm: str, username: str) -> str:
    found = await admin(env, "GET", f"/admin/realms/{realm}/users?username={username}&exact=true", status=200)
    [user] = found.json()
    user_id: str = user["id"]
    return user_id


async def _identities(env: Env, user_id: str) -> list[dict[str, Any]]:
    got = await admin(env, "GET", f"/admin/realms/{CHILD_IDP}/users/{user_id}/federated-identity", status=200)
    found: list[dict[str, Any]] = got.json()
    return found


async def _stored_links(env: Env, username: str) -> list[str]:
    """runOnServer's getFederatedIdentitiesStream: the links the store keeps, whether or not the API lists them."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name(CHILD_IDP)
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        return [link.alias for link in await tx.federated.of_user(user.id)]


async def _assert_federated_identity(env: Env, parent_id: str) -> str:
    """assertFederatedIdentity: the link made through the Admin REST API (204), then listed; the child's id."""
    child = await _user_id(env, CHILD_IDP, "child")
    link = {"identityProvider": PARENT_IDP, "userId": parent_id, "userName": PARENT_USERNAME}
    await admin(env, "POST", f"/admin/realms/{CHILD_IDP}/users/{child}/federated-identity/{PARENT_IDP}", link, 204)
    assert [i["identityProvider"] for i in await _identities(env, child)] == [PARENT_IDP]
    return child


async def test_account_link(env: Env) -> None:
    """AccountLinkTest.testAccountLink: linked through the Admin REST API, then unlinked
    (AccountHelper.deleteIdentityProvider: ``DELETE users/{id}/federated-identity/{alias}``)."""
    parent_id = await _before_broker_test(env)
    child = await _assert_federated_identity(env, parent_id)
    [identity] = await _identities(env, child)
    assert identity == {"identityProvider": PARENT_IDP, "userId": parent_id, "userName": PARENT_USERNAME}

    await admin(env, "DELETE", f"/admin/realms/{CHILD_IDP}/users/{child}/federated-identity/{PARENT_IDP}", None, 204)
    assert await _identities(env, child) == []
    assert await _stored_links(env, "child") == []


async def test_delete_identity_on_provider_removal(env: Env) -> None:
    """AccountLinkTest.testDeleteIdentityOnProviderRemoval: removing the provider removes the users' links to it,
    from the API's listing and from the store (checkEmptyFederatedIdentities). Added: a provider of the same alias
    made again does not bring the old link back, since it is gone rather than hidden."""
    parent_id = await _before_broker_test(env)
    child = await _assert_federated_identity(env, parent_id)
    assert await _identities(env, child) != []

    await admin(env, "DELETE", f"/admin/realms/{CHILD_IDP}/identity-provider/instances/{PARENT_IDP}", None, 204)
    assert await _identities(env, child) == []
    assert await _stored_links(env, "child") == []

    config = {"clientId": "c", "authorizationUrl": "http://localhost/a", "tokenUrl": "http://localhost/t"}
    again = {"alias": PARENT_IDP, "providerId": "oidc", "enabled": True, "config": config}
    await admin(env, "POST", f"/admin/realms/{CHILD_IDP}/identity-provider/instances", again, 201)
    assert await _identities(env, child) == []

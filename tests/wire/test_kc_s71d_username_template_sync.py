"""KcOidcUsernameTemplateMapperTest and its AbstractUsernameTemplateMapperTest (tests/base/.../tests/broker/): a Username
Template Importer ``${ALIAS}-${CLAIM.user-attribute}`` names the new user from the provider's multivalued claim; a
later login renames the user to the template's new value only in FORCE (UsernameTemplateMapper.updateBrokeredUser),
not in IMPORT nor LEGACY (its updateBrokeredUserLegacy does nothing). The provider's client puts its user's
``user-attribute`` in its tokens as KcOidcBrokerConfiguration's ``attribute - name`` mapper does."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served, user_named
from browser_flow import REDIRECT
from flow_builder import admin
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ATTRIBUTE = "user-attribute"  # KcOidcBrokerConfiguration.ATTRIBUTE_TO_MAP_NAME


async def _set_up(broker: Broker, sync_mode: str) -> None:
    env = broker.env
    [client] = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    config = {"claim.name": ATTRIBUTE, "user.attribute": ATTRIBUTE, "jsonType.label": "String", "multivalued": "true"}
    config |= {"id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true"}
    mapper = {
        "name": "attribute - name",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
    }
    models = f"/admin/realms/provider/clients/{client['id']}/protocol-mappers/models"
    await admin(env, "POST", models, mapper | {"config": config}, status=201)
    await broker.add_provider()
    template = {"syncMode": sync_mode, "template": "${ALIAS}-${CLAIM.user-attribute}"}
    rep: dict[str, Any] = {"name": "oidc-username-template-mapper", "identityProviderAlias": ALIAS}
    rep |= {"identityProviderMapper": "oidc-username-idp-mapper", "config": template}
    await admin(env, "POST", f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers", rep, status=201)


async def _login(broker: Broker) -> None:
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]


async def _twice(broker: Broker, sync_mode: str) -> str:
    """loginAsUserTwiceWithMapper: the first login names the user from ``customusername``; the provider's attribute
    becomes ``newname``; the name the user has after the second login."""
    env = broker.env
    await _set_up(broker, sync_mode)
    await update_user(env.db, "provider", "alice", attributes={ATTRIBUTE: ["customusername"]})
    await _login(broker)
    first = await user_named(env, f"{ALIAS}-customusername")
    assert first is not None and first["email"] == "alice@example.org", first
    await update_user(env.db, "provider", "alice", attributes={ATTRIBUTE: ["newname"]})
    await _login(broker)
    users = [
        u for u in (await admin(env, "GET", "/admin/realms/test/users", status=200)).json() if u["id"] == first["id"]
    ]
    assert len(users) == 1
    name: str = users[0]["username"]
    return name


async def test_username_gets_inserted_from_claim(env: Env) -> None:
    """#testUsernameGetsInsertedFromClaim (IMPORT): named from the claim, not renamed afterwards."""
    async with served(env) as broker:
        assert await _twice(broker, "IMPORT") == f"{ALIAS}-customusername"


async def test_username_gets_updated_from_claim_in_force_mode(env: Env) -> None:
    """#testUsernameGetsUpdatedFromClaimInForceMode."""
    async with served(env) as broker:
        assert await _twice(broker, "FORCE") == f"{ALIAS}-newname"


async def test_username_does_not_get_updated_in_legacy_mode(env: Env) -> None:
    """#testUsernameDoesNotGetUpdatedInLegacyMode."""
    async with served(env) as broker:
        assert await _twice(broker, "LEGACY") == f"{ALIAS}-customusername"

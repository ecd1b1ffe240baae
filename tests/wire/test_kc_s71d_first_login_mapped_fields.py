"""The first broker login's new user and what the provider's mappers put on the brokered identity.

HardcodedAttributeMapper.preprocessFederatedIdentity puts its attribute on the identity (BrokeredIdentityContext
.setUserAttribute), whatever its name; IdpCreateUserIfUniqueAuthenticator then sets each of the identity's attributes
on the new user with UserModel.setAttribute, in name order, ``username`` skipped. UserAdapter.setAttribute writes
``email`` (lower case), ``firstName`` and ``lastName`` as the user's fields, so Keycloak's new user has the mapper's
e-mail and names and no attribute of those names.

checkExistingUser looks at the identity's e-mail (BrokeredIdentityContext.getEmail): an Attribute Importer naming
``email`` sets it (UserAttributeMapper.preprocessFederatedIdentity -> setEmail), so an address another user holds
leads to "Account already exists"; a Hardcoded Attribute does not, and Keycloak's write of that address then breaks
its unique e-mail constraint (the login fails with an unexpected error). Doorkeep's deliberate difference: the new
user is created with the identity's own e-mail, never a second holder of an address (as force_sync.unique_email
does for a later login, test_hostile_s70h_broker_sync_link_proof.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served, user_named
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

IDP = f"/admin/realms/test/identity-provider/instances/{ALIAS}"
TAKEN = "holder@example.com"


async def _hardcoded(env: Env, attribute: str, value: str) -> None:
    config = {"syncMode": "INHERIT", "attribute": attribute, "attribute.value": value}
    rep = {
        "name": attribute,
        "identityProviderAlias": ALIAS,
        "identityProviderMapper": "hardcoded-attribute-idp-mapper",
    }
    await admin(env, "POST", f"{IDP}/mappers", rep | {"config": config}, status=201)


async def _new_user(broker: Broker) -> dict[str, Any]:
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]
    user = await user_named(broker.env, "alice")
    assert user is not None
    return user


async def test_hardcoded_root_attributes_are_the_new_users_fields(env: Env) -> None:
    """A Hardcoded Attribute naming ``email``, ``firstName`` or ``lastName`` gives the new user that e-mail (in lower
    case) and those names; one naming ``username`` is skipped; none is kept as an attribute of that name, and an
    attribute of another name is."""
    async with served(env) as broker:
        await broker.add_provider()
        for attribute, value in (
            ("email", "Hard@Example.org"),
            ("firstName", "Hardy"),
            ("lastName", "Coded"),
            ("username", "someone-else"),
            ("dept", "sales"),
        ):
            await _hardcoded(env, attribute, value)
        user = await _new_user(broker)
        assert (user["email"], user["firstName"], user["lastName"]) == ("hard@example.org", "Hardy", "Coded"), user
        assert user["username"] == "alice"
        assert user.get("attributes") == {"dept": ["sales"]}, user


async def test_a_hardcoded_email_another_user_holds_is_not_given_to_the_new_user(env: Env) -> None:
    """The realm does not allow duplicate e-mails; the mapper's address is another user's. The new user is created
    with the provider's e-mail (checkExistingUser found it free), the holder keeps its address alone."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "holder", email=TAKEN)
        await broker.add_provider()
        await _hardcoded(env, "email", TAKEN.upper())
        user = await _new_user(broker)
        assert user["email"] == "alice@example.org", user
        found = (await admin(env, "GET", f"/admin/realms/test/users?email={TAKEN}&exact=true", status=200)).json()
        assert [u["username"] for u in found] == ["holder"]


async def test_a_hardcoded_email_may_be_shared_where_the_realm_allows_it(env: Env) -> None:
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "holder", email=TAKEN)
        rep = (await admin(env, "GET", "/admin/realms/test", status=200)).json()
        await admin(env, "PUT", "/admin/realms/test", {**rep, "duplicateEmailsAllowed": True}, status=204)
        await broker.add_provider()
        await _hardcoded(env, "email", TAKEN)
        user = await _new_user(broker)
        assert user["email"] == TAKEN


async def test_an_imported_email_another_user_holds_finds_the_existing_account(env: Env) -> None:
    """An Attribute Importer naming ``email`` sets the identity's e-mail: checkExistingUser finds the holder, the
    first broker login asks whether to add the identity to that account, and no user is created."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "holder", email=TAKEN)
        clients = (await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
        claim = {"claim.name": "work_email", "claim.value": TAKEN, "jsonType.label": "String"}
        flags = {"id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true"}
        mapper = {"name": "work", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-claim-mapper"}
        path = f"/admin/realms/provider/clients/{clients[0]['id']}/protocol-mappers/models"
        await admin(env, "POST", path, mapper | {"config": claim | flags}, status=201)
        await broker.add_provider()
        config = {"syncMode": "INHERIT", "claim": "work_email", "user.attribute": "email"}
        rep = {
            "name": "work",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "oidc-user-attribute-idp-mapper",
        }
        await admin(env, "POST", f"{IDP}/mappers", rep | {"config": config}, status=201)
        async with browser(broker) as http:
            confirm = await broker_login(http)
        assert confirm.status_code == 200 and "Account already exists" in confirm.text, confirm.text[:2000]
        assert f"User with email {TAKEN} already exists." in confirm.text
        assert await user_named(env, "alice") is None


async def _review_on(broker: Broker) -> None:
    """The Review Profile execution set to ``on``: the page is shown whatever the identity holds."""
    env = broker.env
    base = "/admin/realms/test/authentication"
    rows = (await admin(env, "GET", f"{base}/flows/first%20broker%20login/executions", status=200)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await admin(env, "GET", f"{base}/config/{review['authenticationConfig']}", status=200)).json()
    config["config"]["update.profile.on.first.login"] = "on"
    await admin(env, "PUT", f"{base}/config/{review['authenticationConfig']}", config, status=204)


async def test_the_review_pages_values_win_over_a_hardcoded_root_attribute(env: Env) -> None:
    """The Review Profile page shown: the e-mail and names the user confirms there are the new user's, a Hardcoded
    Attribute of the same name does not overwrite them afterwards."""
    async with served(env) as broker:
        await broker.add_provider()
        await _review_on(broker)
        await _hardcoded(env, "email", "hard@example.org")
        await _hardcoded(env, "lastName", "Coded")
        async with browser(broker) as http:
            page = await broker_login(http)
            assert page.status_code == 200 and 'id="email"' in page.text, page.text[:2000]
            fields = {**form_fields(page.text), "email": "typed@example.org", "firstName": "Al", "lastName": "Typed"}
            done = await http.post(form_action(page.text), data=fields)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]
        user = await user_named(env, "alice")
        assert user is not None
        assert (user["email"], user["firstName"], user["lastName"]) == ("typed@example.org", "Al", "Typed"), user
        assert not {"email", "lastName"} & set(user.get("attributes") or {}), user

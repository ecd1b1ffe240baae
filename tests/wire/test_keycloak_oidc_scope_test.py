"""Wire port of Keycloak's ``org.keycloak.testsuite.oidc.OIDCScopeTest``
(testsuite/integration-arquillian/tests/base/src/test/java/org/keycloak/testsuite/oidc/OIDCScopeTest.java
@032dfc16, with AbstractOIDCScopeTest's ``sendTokenRequest`` in ``oidc_scope_realm``).

One test per Java method, named after it. The realm is the one ``configureTestRealm`` builds (john with the
realm roles ``role-1`` / ``role-2``, his address and phone attributes, the composite ``role-parent``, the
group ``group-role-1`` and one user per role), imported through the admin API; every test starts from a
fresh realm, so the Java ``Revert`` blocks and the ``@After`` consent removal are left out.

Already ported elsewhere, so referenced rather than repeated:

* ``testClientDisplayedOnConsentScreen`` and ``testClientDisplayedOnConsentScreenWithEmptyConsentText``
  (KEYCLOAK-7855): ``test_consent_screen_parity.py`` (``test_the_client_is_listed_with_its_consent_text``,
  ``test_a_blank_consent_text_falls_back_to_the_client_id_and_the_scope_name``) lists the client by its
  consent text, else its clientId, and the scope by its name when its consent text is blank.
* ``test_client_scope_role_permissions.py`` covers the direct-role half of ``testClientScopesPermissions``
  over the password grant and a refresh; the whole method, with composite roles and groups over the code
  flow, is ported here.

No method needs a feature Doorkeep leaves out (SAML, brokering, client policies, dynamic scopes).
"""

from __future__ import annotations

from typing import Any

import pytest

from keycloak_port import client_uuid, delete, get, poll, post, put, user_id
from oidc_scope_realm import (
    Tokens,
    accept,
    base_realm,
    create_client_scope,
    do_login,
    expect_login,
    grants,
    import_test_realm,
    logout,
    refresh,
    send_token_request,
)
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

PROFILE, EMAIL, ROLES, PHONE = "User profile", "Email address", "User roles", "Phone number"


def realm_rep() -> dict[str, Any]:
    """OIDCScopeTest.configureTestRealm on top of testrealm.json."""
    rep = base_realm()
    rep["roles"]["realm"] += [
        {"name": "role-1"},
        {"name": "role-2"},
        {"name": "role-parent", "composite": True, "composites": {"realm": ["role-1"]}},
    ]
    rep["groups"] = [{"name": "group-role-1", "path": "/group-role-1", "realmRoles": ["role-1"]}]
    john = {
        "username": "john",
        "enabled": True,
        "email": "john@email.cz",
        "emailVerified": True,
        "firstName": "John",
        "lastName": "Doe",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "realmRoles": ["role-1", "role-2"],
        "clientRoles": {"account": ["manage-account", "view-profile"]},
        "attributes": {
            "street": ["Elm 5"],
            "phoneNumber": ["111-222-333"],
            "phoneNumberVerified": ["true"],
            "updatedAt": ["1643282255"],
        },
    }
    password = [{"type": "password", "value": "password", "temporary": False}]
    others: list[dict[str, Any]] = [
        {"username": "role-1-user", "enabled": True, "credentials": password, "realmRoles": ["role-1"]},
        {"username": "role-2-user", "enabled": True, "credentials": password, "realmRoles": ["role-2"]},
        {"username": "role-parent-user", "enabled": True, "credentials": password, "realmRoles": ["role-parent"]},
        {"username": "group-role-1-user", "enabled": True, "credentials": password, "groups": ["/group-role-1"]},
    ]
    rep["users"] = [john, *others]
    return rep


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_test_realm(env, realm_rep())


async def scope_id(env: Env, name: str) -> str:
    """``AdminApiUtil.findClientScopeByName(realm, name)``'s id."""
    return str(next(s["id"] for s in await get(env, "/client-scopes") if s["name"] == name))


def assert_profile(token: dict[str, Any], claims_in: bool) -> None:
    names = ("preferred_username", "given_name", "family_name", "name", "updated_at")
    if claims_in:
        assert [token.get(n) for n in names] == ["john", "John", "Doe", "John Doe", 1643282255], token
    else:
        assert not set(names) & set(token), token


def assert_email(token: dict[str, Any], claims_in: bool) -> None:
    if claims_in:
        assert (token.get("email"), token.get("email_verified")) == ("john@email.cz", True), token
    else:
        assert "email" not in token and "email_verified" not in token, token


def assert_address(token: dict[str, Any], claims_in: bool) -> None:
    if claims_in:
        assert token["address"]["street_address"] == "Elm 5", token
    else:
        assert "address" not in token, token


def assert_phone(token: dict[str, Any], claims_in: bool) -> None:
    if claims_in:
        assert (token.get("phone_number"), token.get("phone_number_verified")) == ("111-222-333", True), token
    else:
        assert "phone_number" not in token and "phone_number_verified" not in token, token


def assert_microprofile(token: dict[str, Any], claims_in: bool) -> None:
    if claims_in:
        assert token["upn"] == "john", token
        assert {"role-1", "role-2"} <= set(token["groups"]), token
    else:
        assert "upn" not in token and "groups" not in token, token


def assert_claims(tokens: Tokens, *, profile: bool, email: bool, address: bool, phone: bool) -> None:
    assert_profile(tokens.id_token, profile)
    assert_email(tokens.id_token, email)
    assert_address(tokens.id_token, address)
    assert_phone(tokens.id_token, phone)


async def test_builtin_optional_scopes(kc: Env) -> None:
    """OIDCScopeTest.testBuiltinOptionalScopes: without a scope parameter only the default scopes' claims
    (profile, email); asking for the optional address, phone and microprofile-jwt adds theirs."""
    uid = await user_id(kc, "john")
    redirect = await do_login(kc)
    tokens = await send_token_request(kc, redirect, await expect_login(kc, uid), "openid email profile")
    assert_claims(tokens, profile=True, email=True, address=False, phone=False)
    assert_microprofile(tokens.id_token, False)
    assert_microprofile(tokens.access_token, False)
    await logout(kc, tokens, uid)

    redirect = await do_login(kc, scope="openid address phone microprofile-jwt")
    login = await expect_login(kc, uid)
    tokens = await send_token_request(kc, redirect, login, "openid email profile address phone microprofile-jwt")
    assert_claims(tokens, profile=True, email=True, address=True, phone=True)
    assert_microprofile(tokens.id_token, True)
    assert_microprofile(tokens.access_token, True)


async def test_remove_scopes(kc: Env) -> None:
    """OIDCScopeTest.testRemoveScopes: with ``profile`` moved to the optional scopes and ``email`` unlinked, a
    login without a scope parameter carries neither; asking for ``profile`` brings its claims back."""
    uid, app = await user_id(kc, "john"), await client_uuid(kc, "test-app")
    profile, email = await scope_id(kc, "profile"), await scope_id(kc, "email")
    await delete(kc, f"/clients/{app}/default-client-scopes/{profile}")
    await delete(kc, f"/clients/{app}/default-client-scopes/{email}")
    await put(kc, f"/clients/{app}/optional-client-scopes/{profile}", None)

    redirect = await do_login(kc)
    tokens = await send_token_request(kc, redirect, await expect_login(kc, uid), "openid")
    assert_claims(tokens, profile=False, email=False, address=False, phone=False)
    await logout(kc, tokens, uid)

    redirect = await do_login(kc, scope="openid profile")
    tokens = await send_token_request(kc, redirect, await expect_login(kc, uid), "openid profile")
    assert_claims(tokens, profile=True, email=False, address=False, phone=False)


async def test_optional_scopes_with_consent_required(kc: Env) -> None:
    """OIDCScopeTest.testOptionalScopesWithConsentRequired: the consent screen lists the default scopes; asked
    for later, the optional ``address`` (display on consent screen off) is granted without being listed and
    only ``phone`` is asked for."""
    uid = await user_id(kc, "john")
    address = await get(kc, f"/client-scopes/{await scope_id(kc, 'address')}")
    address["attributes"]["display.on.consent.screen"] = "false"
    await put(kc, f"/client-scopes/{address['id']}", address)

    page = await do_login(kc, client_id="third-party")
    assert grants(page) == sorted([PROFILE, EMAIL, ROLES])
    redirect = await accept(kc, page)
    login = await expect_login(kc, uid, "third-party", consent="consent_granted")
    tokens = await send_token_request(kc, redirect, login, "openid email profile", "third-party")
    assert_claims(tokens, profile=True, email=True, address=False, phone=False)
    await logout(kc, tokens, uid, "third-party")

    page = await do_login(kc, client_id="third-party", scope="openid address phone")
    assert grants(page) == [PHONE]
    redirect = await accept(kc, page)
    login = await expect_login(kc, uid, "third-party", consent="consent_granted")
    tokens = await send_token_request(kc, redirect, login, "openid email profile address phone", "third-party")
    assert_claims(tokens, profile=True, email=True, address=True, phone=True)


async def test_refresh_token_with_consent_required(kc: Env) -> None:
    """OIDCScopeTest.testRefreshTokenWithConsentRequired: a consent-required client refreshes while the consent
    stands; once the admin revokes it, the refresh answers 400 and a REFRESH_TOKEN_ERROR without a user."""
    uid = await user_id(kc, "john")
    page = await do_login(kc, client_id="third-party")
    assert grants(page) == sorted([PROFILE, EMAIL, ROLES])
    redirect = await accept(kc, page)
    login = await expect_login(kc, uid, "third-party", consent="consent_granted")
    tokens = await send_token_request(kc, redirect, login, "openid email profile", "third-party")
    first_refresh_id = claims(tokens.refresh_token)["jti"]
    assert_claims(tokens, profile=True, email=True, address=False, phone=False)

    refreshed = await refresh(kc, tokens.refresh_token, "third-party")
    assert refreshed.status_code == 200, refreshed.text
    id_token = claims(refreshed.json()["id_token"])
    again = Tokens(id_token, claims(refreshed.json()["access_token"]), refreshed.json()["refresh_token"])
    assert_claims(again, profile=True, email=True, address=False, phone=False)
    [event] = await poll(kc)
    assert (event["type"], event["userId"], event["clientId"]) == ("REFRESH_TOKEN", uid, "third-party"), event
    assert (event["sessionId"], event["details"]["refresh_token_id"]) == (id_token["sid"], first_refresh_id)

    await delete(kc, f"/users/{uid}/consents/third-party")
    assert await get(kc, f"/users/{uid}/consents") == []
    await poll(kc)
    refused = await refresh(kc, again.refresh_token, "third-party")
    assert refused.status_code == 400, refused.text
    [event] = await poll(kc)
    assert (event["type"], event["error"], event["clientId"]) == ("REFRESH_TOKEN_ERROR", "invalid_token", "third-party")
    assert event.get("userId") is None and event["sessionId"] == id_token["sid"], event


async def test_two_refresh_tokens_with_different_scopes(kc: Env) -> None:
    """OIDCScopeTest.testTwoRefreshTokensWithDifferentScopes (KEYCLOAK-6170): two code flows in one SSO session,
    each asking for another optional scope mapped to one realm role, give refresh tokens that each keep their
    own role when refreshed without a scope parameter."""
    uid, app = await user_id(kc, "john"), await client_uuid(kc, "test-app")
    ids = {}
    for n in ("1", "2"):
        ids[n] = await create_client_scope(kc, f"scope-role-{n}")
        role = await get(kc, f"/roles/role-{n}")
        await post(kc, f"/client-scopes/{ids[n]}/scope-mappings/realm", [role])
    rep = await get(kc, f"/clients/{app}")
    await put(kc, f"/clients/{app}", {**rep, "fullScopeAllowed": False})
    for n in ("1", "2"):
        await put(kc, f"/clients/{app}/optional-client-scopes/{ids[n]}", None)

    redirect = await do_login(kc, scope="scope-role-1")
    tokens1 = await send_token_request(kc, redirect, await expect_login(kc, uid), "openid email profile scope-role-1")
    assert tokens1.access_token["realm_access"]["roles"] == ["role-1"]

    redirect = await do_login(kc, scope="scope-role-2")  # the SSO session answers without the form
    assert redirect.request.method == "GET", redirect.request
    tokens2 = await send_token_request(kc, redirect, await expect_login(kc, uid), "openid email profile scope-role-2")
    assert tokens2.access_token["realm_access"]["roles"] == ["role-2"]

    for tokens, role in ((tokens1, "role-1"), (tokens2, "role-2")):
        response = await refresh(kc, tokens.refresh_token)
        assert response.status_code == 200, response.text
        assert claims(response.json()["access_token"])["realm_access"]["roles"] == [role]


async def login_and_client_scopes_permissions(env: Env, username: str, role_scopes: str, *roles: str) -> None:
    """OIDCScopeTest.testLoginAndClientScopesPermissions: the scopes granted and the realm roles in the token."""
    uid = await user_id(env, username)
    redirect = await do_login(env, username)
    tokens = await send_token_request(
        env, redirect, await expect_login(env, uid), f"openid email profile {role_scopes}"
    )
    assert sorted(tokens.access_token["realm_access"]["roles"]) == sorted(roles)
    await logout(env, tokens, uid)


async def test_client_scopes_permissions(kc: Env) -> None:
    """OIDCScopeTest.testClientScopesPermissions: a default client scope scoped to a role applies only to a user
    who holds the role, directly, through a composite role or through a group."""
    app = await client_uuid(kc, "test-app")
    for name, role in (("scope-role-1", "role-1"), ("scope-role-parent", "role-parent")):
        created = await create_client_scope(kc, name)
        await post(kc, f"/client-scopes/{created}/scope-mappings/realm", [await get(kc, f"/roles/{role}")])
        await put(kc, f"/clients/{app}/default-client-scopes/{created}", None)

    await login_and_client_scopes_permissions(kc, "role-1-user", "scope-role-1 scope-role-parent", "role-1")
    await login_and_client_scopes_permissions(kc, "role-2-user", "", "role-2")
    both = ("role-1", "role-parent")
    await login_and_client_scopes_permissions(kc, "role-parent-user", "scope-role-1 scope-role-parent", *both)
    await login_and_client_scopes_permissions(kc, "group-role-1-user", "scope-role-1 scope-role-parent", "role-1")


def long_scope(count: int) -> str:
    return "openid" + "".join(f" s{i}" for i in range(count))


async def test_lengthy_scope_parameter(kc: Env) -> None:
    """OIDCScopeTest.testLengthyScopeParameter: a scope parameter over 4000 characters is ignored (no ``openid``
    in the token); one just under is validated, and its unknown scopes are ``invalid_scope``."""
    assert len(long_scope(1000)) > 4000 > len(long_scope(800))
    response = await password_grant(kc.http, "test", "test-app", "john", secret="password", scope=long_scope(1000))
    assert response.status_code == 200, response.text
    assert "openid" not in claims(response.json()["access_token"])["scope"].split()

    response = await password_grant(kc.http, "test", "test-app", "john", secret="password", scope=long_scope(800))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_scope"

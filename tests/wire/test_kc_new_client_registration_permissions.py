"""Port of Keycloak's ``ClientRegistrationPermissionsTest`` (tests/base, org.keycloak.tests.client): a client
registered through the registration service maps the user's first and last name (``manage-users``,
``manage-clients``) into ``resource_access.realm-management.roles`` of its tokens; such a token still gets no
more from the registration service than its user holds (ClientRegistrationAuth.hasRole: 403), and once the
user holds ``manage-clients`` and loses it again, the same token is refused again.

Every method is ported (user property and user attribute mappers, roles unavailable and available), with the
Java class's token assertions: the registration with an initial access token succeeds (201, mappers and all), and
the token's ``resource_access.realm-management.roles`` is empty while the user lacks the roles and holds
``manage-clients`` once granted (Keycloak 26.4.14's AdminRoleTokenPostProcessor, doorkeep.oauth.admin_role_claims).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from client_registration_port import CLIENT_ID, CLIENT_SECRET, REGISTRATION_REALM, build_client
from keycloak_port import import_realm
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
DEFAULT = "/realms/test/clients-registrations/default"
USER = "perm-test-user"


def roles_mapper(kind: str, name: str, attribute: str) -> dict[str, Any]:
    """UserPropertyMapper / UserAttributeMapper.createClaimMapper into ``resource_access.realm-management.roles``,
    multivalued, in every token."""
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": kind,
        "config": {
            "user.attribute": attribute,  # ProtocolMapperUtils.USER_ATTRIBUTE, for both kinds
            "claim.name": "resource_access.realm-management.roles",
            "jsonType.label": "String",
            "id.token.claim": "true",
            "access.token.claim": "true",
            "userinfo.token.claim": "true",
            "multivalued": "true",
        },
    }


async def registration_realm(env: Env) -> None:
    """AbstractClientRegistrationTest's realm with UserWithoutRoles: names that read as admin roles."""
    rep: dict[str, Any] = copy.deepcopy(REGISTRATION_REALM)
    rep["users"].append(
        {
            "username": USER,
            "firstName": "manage-users",
            "lastName": "manage-clients",
            "email": "perm-test-user@localhost",
            "emailVerified": True,
            "enabled": True,
            "credentials": [{"type": "password", "value": "password"}],
        }
    )
    await import_realm(env, rep)


async def register_client_with(env: Env, kind: str) -> None:
    """The client ``test-client`` with both mappers, registered with an initial access token."""
    iat = await env.http.post(
        f"{ADMIN}/clients-initial-access", json={"expiration": 0, "count": 10}, headers=await env.admin_headers()
    )
    assert iat.status_code == 201, iat.text
    client = {
        **build_client(),
        "directAccessGrantsEnabled": True,
        "protocolMappers": [
            roles_mapper(kind, "OIDC firstName to role mapper", "firstName"),
            roles_mapper(kind, "OIDC lastName to role mapper", "lastName"),
        ],
    }
    created = await env.http.post(DEFAULT, json=client, headers={"Authorization": f"Bearer {iat.json()['token']}"})
    assert created.status_code == 201, created.text
    assert created.json()["registrationAccessToken"]


async def users_token(env: Env) -> tuple[dict[str, str], list[str]]:
    """The user's bearer header from the registered client, and its token's ``realm-management`` roles."""
    response = await password_grant(env.http, "test", CLIENT_ID, USER, secret=CLIENT_SECRET)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    roles = claims(token)["resource_access"]["realm-management"]["roles"]
    return {"Authorization": f"Bearer {token}"}, roles


async def manage_clients_role(env: Env) -> tuple[str, str, dict[str, Any]]:
    """The user's id, realm-management's id and its ``manage-clients`` role."""
    admin = await env.admin_headers()
    (user,) = (await env.http.get(f"{ADMIN}/users", params={"username": USER, "exact": "true"}, headers=admin)).json()
    (management,) = (
        await env.http.get(f"{ADMIN}/clients", params={"clientId": "realm-management"}, headers=admin)
    ).json()
    role = await env.http.get(f"{ADMIN}/clients/{management['id']}/roles/manage-clients", headers=admin)
    assert role.status_code == 200, role.text
    return str(user["id"]), str(management["id"]), role.json()


MAPPERS = [
    pytest.param("oidc-usermodel-property-mapper", id="UserPropertyMapper"),
    pytest.param("oidc-usermodel-attribute-mapper", id="UserAttributeMapper"),
]


@pytest.mark.parametrize("kind", MAPPERS)
async def test_mapped_role_names_give_no_access_the_user_lacks(env: Env, kind: str) -> None:
    """testUserPropertyMapper_rolesUnavailableOnUser, testUserAttributeMapper_rolesUnavailableOnUser."""
    await registration_realm(env)
    await register_client_with(env, kind)
    token, roles = await users_token(env)
    assert roles == [], f"mapped admin role names the user lacks reached the token: {roles}"
    refused = await env.http.get(f"{DEFAULT}/realm-management", headers=token)
    assert refused.status_code == 403, refused.text


@pytest.mark.parametrize("kind", MAPPERS)
async def test_the_users_real_role_counts_and_stops_counting_once_taken(env: Env, kind: str) -> None:
    """testUserPropertyMapper_rolesAvailableOnUser, testUserAttributeMapper_rolesAvailableOnUser."""
    await registration_realm(env)
    await register_client_with(env, kind)
    user_id, management_id, role = await manage_clients_role(env)
    mappings = f"{ADMIN}/users/{user_id}/role-mappings/clients/{management_id}"
    added = await env.http.post(mappings, json=[role], headers=await env.admin_headers())
    assert added.status_code == 204, added.text
    token, roles = await users_token(env)
    assert "manage-clients" in roles and "manage-users" not in roles, roles
    allowed = await env.http.get(f"{DEFAULT}/realm-management", headers=token)
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["clientId"] == "realm-management"
    removed = await env.http.request("DELETE", mappings, json=[role], headers=await env.admin_headers())
    assert removed.status_code == 204, removed.text
    refused = await env.http.get(f"{DEFAULT}/realm-management", headers=token)
    assert refused.status_code == 403, refused.text

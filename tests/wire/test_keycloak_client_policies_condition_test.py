"""Keycloak's ClientPoliciesConditionTest (testsuite/.../client/policies/ClientPoliciesConditionTest.java): each
condition provider chooses the clients (or the requests) a profile's executors act on. The realm is
``addTestRealms``' (tests/client_policies_port.py); admin writes come from 127.0.0.1 and dynamic registrations
carry the ``create-clients`` or ``manage-clients`` user's token, as ``authCreateClients`` / ``authManageClients``.

Beside the Java methods, Doorkeep's own tests of the grant-type condition (ClientPoliciesTest's
testClientGrantTypeCondition needs Keycloak's test-only test-raise-exception executor), of a client-attributes
condition on an update, of the client-type (ClientProtocolCondition) and acr-condition conditions, and of the
condition configurations the admin API refuses.

Not ported:
  testAnyClientCondition: not here but beside the other secure-session ports, in
  tests/wire/test_keycloak_client_policies_executor_session_test.py;
  testClientAccessTypeCondition: its first half needs secure-session too; the PKCE half is ported as
  test_client_access_type_condition_with_pkce;
  testClientPolicyTriggeredForServiceAccountRequest: Keycloak's test-only test-raise-exception executor.
"""

from __future__ import annotations

from typing import Any

import pytest

import client_policies_port
import group_port
from client_policies_port import (
    POLICY_NAME,
    PROFILE_NAME,
    USER,
    ClientPolicyRefused,
    condition,
    create_client_by_admin,
    create_client_dynamically,
    executor,
    fail_login_by_not_following_pkce,
    get_client_by_admin,
    pkce_enforcer,
    policy,
    profile,
    realm_fixture,
    realm_rep,
    revert,
    secure_client_authenticator,
    successful_login_and_logout,
    successful_login_and_logout_with_pkce,
    suffixed,
    update_client_by_admin,
    update_policies,
    update_profiles,
)
from client_registration_port import Registration
from keycloak_port import get
from role_port import call
from support import claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture(realm_rep)
no_policies = client_policies_port.no_policies

SECRET = "secret"
ERR_INVALID_METADATA = "invalid_client_metadata"


@pytest.fixture
def registration(env: Env) -> Registration:
    return Registration(env)


async def one_policy(env: Env, the_condition: dict[str, Any], *executors: dict[str, Any]) -> None:
    await update_profiles(env, profile(PROFILE_NAME, "Le Premier Profil", *executors))
    await update_policies(env, policy(POLICY_NAME, "La Premiere Politique", True, [the_condition], [PROFILE_NAME]))


async def test_client_update_source_hosts_condition(env: Env) -> None:
    """testClientUpdateSourceHostsCondition: from a trusted host the client-secret default is refused; when
    the only trusted host is elsewhere, the same client is created."""
    not_secret = secure_client_authenticator(["client-jwt", "client-secret-jwt", "client-x509"], None)
    await one_policy(
        env, condition("client-updater-source-host", {"trusted-hosts": ["localhost", "127.0.0.1"]}), not_secret
    )
    client_id = suffixed("test-app")
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, client_id, secret=SECRET)
    assert refused.value.error == ERR_INVALID_METADATA
    await update_policies(
        env,
        policy(
            POLICY_NAME,
            "Aktualizovana Prvni Politika",
            True,
            [condition("client-updater-source-host", {"trusted-hosts": ["example.com"]})],
            [PROFILE_NAME],
        ),
    )
    await create_client_by_admin(env, client_id, secret=SECRET)


async def test_client_update_source_groups_condition(env: Env, registration: Registration) -> None:
    """testClientUpdateSourceGroupsCondition: a member of topGroup registers under the policy (refused: only
    client-jwt allowed); manage-clients, in no group, registers freely."""
    await one_policy(
        env,
        condition("client-updater-source-groups", {"groups": ["topGroup"]}),
        secure_client_authenticator(["client-jwt"], None),
    )
    await registration.auth_as("create-clients")
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_dynamically(env, registration, suffixed("test-app"))
    assert refused.value.error == ERR_INVALID_METADATA
    await registration.auth_as("manage-clients")
    await create_client_dynamically(env, registration, suffixed("test-app"))


async def test_client_update_source_roles_condition(env: Env, registration: Registration) -> None:
    """testClientUpdateSourceRolesCondition: the holder of realm-management.create-client is refused (only
    client-secret-jwt allowed); manage-clients is not that role's holder and registers."""
    await one_policy(
        env,
        condition("client-updater-source-roles", {"roles": ["realm-management.create-client"]}),
        secure_client_authenticator(["client-secret-jwt"], None),
    )
    await registration.auth_as("create-clients")
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_dynamically(env, registration, suffixed("test-app"))
    assert refused.value.error == ERR_INVALID_METADATA
    await registration.auth_as("manage-clients")
    await create_client_dynamically(env, registration, suffixed("test-app"))


async def test_client_scopes_optional_condition(env: Env) -> None:
    """testClientScopesOptionalCondition: only a request for one of the optional scopes named needs PKCE."""
    scopes = {"type": "Optional", "scopes": ["offline_access", "microprofile-jwt"]}
    await one_policy(env, condition("client-scopes", scopes), pkce_enforcer(True))
    client_id = suffixed("test-app")
    await create_client_by_admin(env, client_id, secret=SECRET)
    await successful_login_and_logout(env, client_id, SECRET, scope="openid address phone")
    await fail_login_by_not_following_pkce(env, client_id, scope="openid microprofile-jwt profile")
    await fail_login_by_not_following_pkce(env, client_id, scope="openid microprofile-jwt profile")
    await successful_login_and_logout_with_pkce(env, client_id, SECRET)


async def test_client_scopes_any_condition(env: Env) -> None:
    """testClientScopesAnyCondition: ``Any`` matches a requested optional scope or a default scope of the
    client; without its ``email`` default scope the client logs in without PKCE for other scopes."""
    await one_policy(
        env, condition("client-scopes", {"type": "Any", "scopes": ["email", "microprofile-jwt"]}), pkce_enforcer(True)
    )
    client_id = suffixed("test-app")
    cid = await create_client_by_admin(env, client_id, secret=SECRET)
    (email,) = [s for s in await get(env, "/default-default-client-scopes") if s["name"] == "email"]
    removed = await call(env, "DELETE", f"/clients/{cid}/default-client-scopes/{email['id']}")
    assert removed.status_code == 204, removed.text
    await successful_login_and_logout(env, client_id, SECRET, scope="openid address phone")
    await fail_login_by_not_following_pkce(env, client_id, scope="openid microprofile-jwt profile")
    added = await call(env, "PUT", f"/clients/{cid}/default-client-scopes/{email['id']}")
    assert added.status_code == 204, added.text
    await fail_login_by_not_following_pkce(env, client_id)
    await successful_login_and_logout_with_pkce(env, client_id, SECRET)


async def test_client_scopes_condition_validation(env: Env) -> None:
    """testClientScopesConditionValidation: no scopes is accepted; a scope the realm lacks is refused with
    ClientScopesConditionFactory's message."""
    await update_profiles(env, profile(PROFILE_NAME, "Het Eerste Profiel", pkce_enforcer(True)))
    empty = condition("client-scopes", {"type": "Any"})
    await update_policies(env, policy(POLICY_NAME, "test", True, [empty], [PROFILE_NAME]))
    fake = condition("client-scopes", {"type": "Any", "scopes": ["fake-client-scope"]})
    body = {"policies": [policy(POLICY_NAME, "test", True, [fake], [PROFILE_NAME])]}
    response = await call(env, "PUT", "/client-policies/policies", body)
    assert response.status_code == 400, response.text
    message = "Invalid client-scopes configuration - Client scopes not allowed: [fake-client-scope]"
    assert response.json() == {"errorMessage": message}


def attributes_condition(**pairs: str) -> dict[str, Any]:
    """createClientAttributesConditionConfig: MapperTypeSerializer's JSON string of key/value pairs."""
    import json

    return condition(
        "client-attributes", {"attributes": json.dumps([{"key": k, "value": v} for k, v in pairs.items()])}
    )


async def test_client_attributes_condition(env: Env) -> None:
    """testClientAttributesCondition: the client with attr1=Apple and attr2=Orange needs PKCE, the one whose
    attr2 is Peach does not."""
    await one_policy(env, attributes_condition(attr1="Apple", attr2="Orange"), pkce_enforcer(True))
    alpha, beta = suffixed("Alpha-App"), suffixed("Beta-App")
    await create_client_by_admin(
        env, alpha, secret=SECRET, attributes={"attr1": "Apple", "attr2": "Orange", "attr3": "Banana"}
    )
    await create_client_by_admin(
        env, beta, secret=SECRET, attributes={"attr1": "Apple", "attr2": "Peach", "attr3": "Banana"}
    )
    await successful_login_and_logout(env, beta, SECRET)
    await fail_login_by_not_following_pkce(env, alpha)
    await successful_login_and_logout_with_pkce(env, alpha, SECRET)


async def test_client_attributes_condition_judges_the_stored_client_on_update(env: Env) -> None:
    """ClientAttributesCondition votes on UPDATE by the stored client's attributes (not on REGISTER): a client
    registered with the attribute is refused a client-secret authenticator when it is next updated."""
    not_secret = secure_client_authenticator(["client-jwt"], None)
    await one_policy(env, attributes_condition(tier="gold"), not_secret)
    cid = await create_client_by_admin(env, suffixed("Gold-App"), secret=SECRET, attributes={"tier": "gold"})
    plain = await create_client_by_admin(env, suffixed("Plain-App"), secret=SECRET, attributes={"tier": "tin"})
    with pytest.raises(ClientPolicyRefused) as refused:
        await update_client_by_admin(env, cid, description="changed")
    assert refused.value.error == ERR_INVALID_METADATA
    await update_client_by_admin(env, plain, description="changed")


async def test_client_access_type_condition_with_pkce(env: Env, registration: Registration) -> None:
    """testClientAccessTypeCondition, its PKCE half: a check-only pkce-enforcer refuses a confidential client
    without PKCE, an enforcing one sets S256 on a dynamically registered client, and a later check-only update
    to ``plain`` is refused and leaves S256 stored."""
    confidential = condition("client-access-type", {"type": ["confidential"]})
    await one_policy(env, confidential, pkce_enforcer(False))
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, suffixed("Gamma-App"), secret="secretGamma")
    assert (refused.value.error, refused.value.description) == (
        ERR_INVALID_METADATA,
        "Invalid client metadata: code_challenge_method",
    )
    await update_profiles(env, profile(PROFILE_NAME, "El Primer Perfil", pkce_enforcer(True)))
    await registration.auth_as("create-clients")
    cid = await create_client_dynamically(env, registration, suffixed("Gamma-App"), client_secret="secretGamma")
    assert (await get_client_by_admin(env, cid))["attributes"]["pkce.code.challenge.method"] == "S256"
    await update_profiles(env, profile(PROFILE_NAME, "El Primer Perfil", pkce_enforcer(False)))
    with pytest.raises(ClientPolicyRefused) as again:
        await update_client_by_admin(env, cid, attributes={"pkce.code.challenge.method": "plain"})
    assert again.value.description == "Invalid client metadata: code_challenge_method"
    assert (await get_client_by_admin(env, cid))["attributes"]["pkce.code.challenge.method"] == "S256"


async def test_grant_type_condition_chooses_the_authorization_code_flow(env: Env) -> None:
    """grant-type ``authorization_code`` puts a code login under the PKCE executor; ``implicit`` does not."""
    client_id = suffixed("test-app")
    await create_client_by_admin(env, client_id, secret=SECRET)
    await one_policy(env, condition("grant-type", {"grantTypes": ["implicit"]}), pkce_enforcer(False))
    await successful_login_and_logout(env, client_id, SECRET)
    await one_policy(env, condition("grant-type", {"grantTypes": ["authorization_code"]}), pkce_enforcer(False))
    await fail_login_by_not_following_pkce(env, client_id)


def lightweight(token_response: Any) -> bool:
    assert token_response.status_code == 200, token_response.text
    return "preferred_username" not in claims(token_response.json()["access_token"])


async def test_grant_type_condition_chooses_token_grants(env: Env) -> None:
    """grant-type names the token grants (``password``, ``refresh_token``, ``client_credentials``): the
    use-lightweight-access-token executor acts on the named grant only (and a client credentials token is
    full again once the policy is gone)."""
    client_id = suffixed("test-app")
    await create_client_by_admin(env, client_id, secret=SECRET, directAccessGrantsEnabled=True)
    light = executor("use-lightweight-access-token")

    async def by_password() -> Any:
        return await password_grant(env.http, "test", client_id, USER, secret=SECRET)

    async def by_client_credentials() -> Any:
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": SECRET}
        return await env.http.post("/realms/test/protocol/openid-connect/token", data=form)

    await one_policy(env, condition("grant-type", {"grantTypes": ["refresh_token"]}), light)
    first = await by_password()
    assert not lightweight(first)
    assert lightweight(await refresh(env.http, "test", client_id, first.json()["refresh_token"], secret=SECRET))
    assert not lightweight(await by_client_credentials())
    await one_policy(env, condition("grant-type", {"grantTypes": ["password", "client_credentials"]}), light)
    assert lightweight(await by_password())
    assert lightweight(await by_client_credentials())
    await revert(env)
    assert not lightweight(await by_client_credentials())


async def test_condition_configurations_of_the_wrong_shape_are_refused(env: Env) -> None:
    """A condition's list field that is not a list of strings, or client-attributes that are not key/value
    pairs, is refused with a 400 naming the condition, never stored nor a 500."""
    await update_profiles(env, profile(PROFILE_NAME, "p", pkce_enforcer(True)))
    for bad in (
        condition("client-updater-source-groups", {"groups": 7}),
        condition("client-updater-source-roles", {"roles": {"a": 1}}),
        condition("client-updater-source-host", {"trusted-hosts": [1, 2]}),
        condition("grant-type", {"grantTypes": [True]}),
        condition("client-attributes", {"attributes": '[{"key": 1}]'}),
        condition("client-attributes", {"attributes": "not json"}),
        condition("client-attributes", {"attributes": [{"key": "tier", "value": "gold"}]}),
        condition("client-type", {"protocol": ["openid-connect"]}),
        condition("acr-condition", {"acr-property": 2}),
    ):
        response = await call(
            env,
            "PUT",
            "/client-policies/policies",
            {"policies": [policy(POLICY_NAME, "d", True, [bad], [PROFILE_NAME])]},
        )
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["errorMessage"].startswith(f"Invalid {bad['condition']} configuration - "), response.text
    assert (await get(env, "/client-policies/policies"))["policies"] == []


async def test_client_type_condition_chooses_clients_by_protocol(env: Env) -> None:
    """ClientProtocolCondition (``client-type``): a policy for ``saml`` clients leaves an OpenID Connect client
    alone; one for ``openid-connect`` puts its logins under the PKCE executor."""
    client_id = suffixed("test-app")
    await create_client_by_admin(env, client_id, secret=SECRET)
    await one_policy(env, condition("client-type", {"protocol": "saml"}), pkce_enforcer(False))
    await successful_login_and_logout(env, client_id, SECRET)
    await one_policy(env, condition("client-type", {"protocol": "openid-connect"}), pkce_enforcer(False))
    await fail_login_by_not_following_pkce(env, client_id)


async def test_client_type_condition_judges_the_proposed_protocol_on_register(env: Env) -> None:
    """At REGISTER the condition reads the representation's ``protocol``: a check-only pkce-enforcer refuses
    the new OpenID Connect client without PKCE, and a client sent without a protocol too, which is stored as
    OpenID Connect's. Keycloak 26.6.7 moved this (keycloak#51202, pull request #51736): before it a client without
    a protocol was not judged (NO) and slipped past the policy."""
    await one_policy(env, condition("client-type", {"protocol": "openid-connect"}), pkce_enforcer(False))
    for protocol in ({}, {"protocol": None}):
        with pytest.raises(ClientPolicyRefused) as refused:
            await create_client_by_admin(env, suffixed("test-app"), secret=SECRET, **protocol)
        assert refused.value.description == "Invalid client metadata: code_challenge_method"
    await create_client_by_admin(env, suffixed("test-app"), secret=SECRET, protocol="saml")


async def test_acr_condition_chooses_requests_asking_for_the_acr(env: Env) -> None:
    """AcrCondition (``acr-condition``): an authorization request asking for ``gold``, by ``acr_values`` or by
    the claims parameter, needs PKCE; one asking for another level, or none, does not."""
    client_id = suffixed("test-app")
    await create_client_by_admin(env, client_id, secret=SECRET)
    await one_policy(env, condition("acr-condition", {"acr-property": "gold"}), pkce_enforcer(False))
    await successful_login_and_logout(env, client_id, SECRET)
    await successful_login_and_logout(env, client_id, SECRET, acr_values="silver")
    await fail_login_by_not_following_pkce(env, client_id, acr_values="silver gold")
    claims_param = '{"id_token": {"acr": {"essential": false, "values": ["gold"]}}}'
    await fail_login_by_not_following_pkce(env, client_id, claims=claims_param)


async def test_realm_update_refuses_a_client_scopes_condition_naming_an_unknown_scope(env: Env) -> None:
    """PUT of the realm representation runs the same validation as PUT client-policies/policies: a client-scopes
    condition naming a scope the realm lacks is refused with ClientScopesConditionFactory's message, and a known
    one is stored."""
    await update_profiles(env, profile(PROFILE_NAME, "p", pkce_enforcer(True)))
    fake = condition("client-scopes", {"type": "Any", "scopes": ["fake-client-scope"]})
    body = {"clientPolicies": {"policies": [policy(POLICY_NAME, "test", True, [fake], [PROFILE_NAME])]}}
    response = await call(env, "PUT", "", body)
    assert response.status_code == 400, response.text
    message = "Invalid client-scopes configuration - Client scopes not allowed: [fake-client-scope]"
    assert response.json() == {"errorMessage": message}
    assert (await get(env, "/client-policies/policies"))["policies"] == []
    known = condition("client-scopes", {"type": "Any", "scopes": ["email"]})
    body = {"clientPolicies": {"policies": [policy(POLICY_NAME, "test", True, [known], [PROFILE_NAME])]}}
    assert (await call(env, "PUT", "", body)).status_code == 204
    assert (await get(env, "/client-policies/policies"))["policies"][0]["conditions"] == [known]


async def test_client_update_source_host_matches_a_trusted_domain_by_reverse_lookup(env: Env) -> None:
    """A ``*.domain`` trusted host matches when the request's address resolves back to a name ending with the
    domain (verifyHostInTrustedDomains): 127.0.0.1 is ``localhost``, so ``*.localhost`` matches and
    ``*.example.com`` does not."""
    not_secret = secure_client_authenticator(["client-jwt"], None)
    await one_policy(env, condition("client-updater-source-host", {"trusted-hosts": ["*.localhost"]}), not_secret)
    with pytest.raises(ClientPolicyRefused):
        await create_client_by_admin(env, suffixed("test-app"), secret=SECRET)
    await one_policy(env, condition("client-updater-source-host", {"trusted-hosts": ["*.example.com"]}), not_secret)
    await create_client_by_admin(env, suffixed("test-app"), secret=SECRET)


async def test_client_update_source_groups_by_path_and_not_for_another_realms_admin(
    env: Env, registration: Registration
) -> None:
    """A leading ``/`` names a group by its path; a bare name is a top-level group only (``level2group`` names
    none); the master realm's administrator is in none of this realm's groups."""
    only_jwt = secure_client_authenticator(["client-jwt"], None)
    await one_policy(env, condition("client-updater-source-groups", {"groups": ["/topGroup"]}), only_jwt)
    await registration.auth_as("create-clients")
    with pytest.raises(ClientPolicyRefused):
        await create_client_dynamically(env, registration, suffixed("test-app"))
    await create_client_by_admin(env, suffixed("test-app"), secret=SECRET)
    await one_policy(env, condition("client-updater-source-groups", {"groups": ["level2group"]}), only_jwt)
    await create_client_dynamically(env, registration, suffixed("test-app"))


ROTATION = executor(
    "secret-rotation",
    {"expiration-period": 3600, "rotated-expiration-period": 600, "remaining-rotation-period": 300},
)
EXPIRES = "client.secret.expiration.time"


async def test_updater_source_groups_condition_votes_on_the_registered_client(
    env: Env, registration: Registration
) -> None:
    """ClientUpdaterSourceGroupsCondition votes on REGISTERED too: secret-rotation (which acts on the written
    client) gives an expiry to the client the topGroup member registers, not to manage-clients' one."""
    await one_policy(env, condition("client-updater-source-groups", {"groups": ["topGroup"]}), ROTATION)
    await registration.auth_as("create-clients")
    grouped = await create_client_dynamically(env, registration, suffixed("test-app"))
    assert EXPIRES in (await get_client_by_admin(env, grouped))["attributes"]
    await registration.auth_as("manage-clients")
    other = await create_client_dynamically(env, registration, suffixed("test-app"))
    assert EXPIRES not in (await get_client_by_admin(env, other))["attributes"]


async def test_updater_context_attributes_and_type_conditions_vote_on_the_written_client(env: Env) -> None:
    """client-updater-context, client-attributes and client-type vote on REGISTERED and UPDATED as Keycloak's do:
    with all three in the policy, secret-rotation gives the admin's new client with the attribute an expiry, and
    one without it none until an update gives it the attribute."""
    conditions = [
        condition("client-updater-context", {"update-client-source": ["ByAuthenticatedUser"]}),
        attributes_condition(tier="gold"),
        condition("client-type", {"protocol": "openid-connect"}),
    ]
    await update_profiles(env, profile(PROFILE_NAME, "rotation", ROTATION))
    await update_policies(env, policy(POLICY_NAME, "written", True, conditions, [PROFILE_NAME]))
    gold = await create_client_by_admin(env, suffixed("Gold-App"), secret=SECRET, attributes={"tier": "gold"})
    assert EXPIRES in (await get_client_by_admin(env, gold))["attributes"]
    tin = await create_client_by_admin(env, suffixed("Tin-App"), secret=SECRET, attributes={"tier": "tin"})
    assert EXPIRES not in (await get_client_by_admin(env, tin))["attributes"]
    await update_client_by_admin(env, tin, attributes={"tier": "gold"})
    assert EXPIRES in (await get_client_by_admin(env, tin))["attributes"]

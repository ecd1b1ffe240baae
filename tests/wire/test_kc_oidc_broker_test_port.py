"""KcOidcBrokerTest (testsuite/.../broker/KcOidcBrokerTest.java), the methods no other file ports: a provider in
FORCE sync copies the provider's e-mail and names onto the user at each later login, its new e-mail verified only
when the provider is trusted (IdentityBrokerService.setEmail), a new provider username written onto the link, an
e-mail that differs only in case left alone (setDiffAttrToConsumer ignores case); the broker endpoint of an alias
the realm has no provider for is Keycloak's 404 (testIdPNotFound)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from broker_support import ALIAS, Broker, broker_login, broker_tokens, browser, served, user_named
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _link(env: Env, user_id: str) -> dict[str, Any]:
    got = (await admin(env, "GET", f"/admin/realms/test/users/{user_id}/federated-identity", status=200)).json()
    assert len(got) == 1 and got[0]["identityProvider"] == ALIAS, got
    link: dict[str, Any] = got[0]
    return link


async def _rename_at_provider(broker: Broker, user_id: str, **changes: Any) -> None:
    """The provider realm's user changed as its admin would (the provider realm allows username edits)."""
    async with broker.env.db.transaction() as tx:
        user = await tx.users.get(user_id)
        assert user is not None
        await tx.users.update(dataclasses.replace(user, **changes))


async def _check_updated_user_attributes(env: Env, force: bool, trust: bool) -> None:
    """checkUpdatedUserAttributesIdP: demo-user's first login makes the user (its e-mail verified when the provider
    is trusted); the admin then marks it verified; the provider's user gets a new username, names and e-mail; the
    next login copies those onto the user only in FORCE, keeping the local username, writes the new provider
    username onto the link, and leaves the e-mail verified unless FORCE changed it for an untrusted provider."""
    async with served(env) as broker:
        await broker.add_provider(
            trustEmail=trust, config=broker.provider_rep(syncMode="FORCE" if force else "IMPORT")["config"]
        )
        provider_user = await seed_user(
            env.db,
            env.clock,
            "provider",
            "demo-user",
            first_name="John",
            last_name="Doe",
            email="mail@example.com",
            email_verified=True,
        )
        async with browser(broker) as http:
            await broker_tokens(http, "demo-user")
        user = await user_named(env, "demo-user")
        assert user is not None and user["emailVerified"] is trust, user
        link = await _link(env, user["id"])
        assert link["userId"] == provider_user.id and link["userName"] == "demo-user"
        await admin(env, "PUT", f"/admin/realms/test/users/{user['id']}", user | {"emailVerified": True}, status=204)

        await _rename_at_provider(
            broker,
            provider_user.id,
            username="demo-user-new",
            first_name="Jack",
            last_name="Doee",
            email="mail123@example.com",
            email_verified=True,
        )
        async with browser(broker) as http:
            await broker_tokens(http, "demo-user-new")
        after = await user_named(env, "demo-user")
        assert after is not None and after["id"] == user["id"], "the local username stays, even in FORCE"
        assert after["email"] == ("mail123@example.com" if force else "mail@example.com")
        assert after["firstName"] == ("Jack" if force else "John")
        assert after["lastName"] == ("Doee" if force else "Doe")
        assert after["emailVerified"] is (not force or trust), after
        link = await _link(env, user["id"])
        assert link["userId"] == provider_user.id
        assert link["userName"] == ("demo-user-new" if force else "demo-user")


async def test_id_p_force_sync_user_attributes(env: Env) -> None:
    """testIdPForceSyncUserAttributes: FORCE, untrusted: the new e-mail is no longer verified."""
    await _check_updated_user_attributes(env, force=True, trust=False)


async def test_id_p_force_sync_trust_email_user_attributes(env: Env) -> None:
    """testIdPForceSyncTrustEmailUserAttributes: FORCE, trusted: the new e-mail is verified."""
    await _check_updated_user_attributes(env, force=True, trust=True)


async def test_id_p_not_force_sync_user_attributes(env: Env) -> None:
    """testIdPNotForceSyncUserAttributes: IMPORT leaves the user and its link as the first login made them."""
    await _check_updated_user_attributes(env, force=False, trust=False)


async def test_id_p_not_force_sync_trust_email_user_attributes(env: Env) -> None:
    """testIdPNotForceSyncTrustEmailUserAttributes."""
    await _check_updated_user_attributes(env, force=False, trust=True)


async def test_updated_email_attribute_same_value_different_case_stays_verified(env: Env) -> None:
    """checkUpdatedEmailAttributeIdPSameValueDifferentCase: FORCE, untrusted; the provider now gives the same
    e-mail in capitals: no change, so the e-mail the admin verified stays verified."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(syncMode="FORCE")["config"])
        provider_user = await seed_user(
            env.db,
            env.clock,
            "provider",
            "demo-user",
            first_name="John",
            last_name="Doe",
            email="mail@example.com",
            email_verified=True,
        )
        async with browser(broker) as http:
            await broker_tokens(http, "demo-user")
        user = await user_named(env, "demo-user")
        assert user is not None and user["emailVerified"] is False
        await admin(env, "PUT", f"/admin/realms/test/users/{user['id']}", user | {"emailVerified": True}, status=204)
        await _rename_at_provider(broker, provider_user.id, email="MAIL@EXAMPLE.COM")
        async with browser(broker) as http:
            await broker_tokens(http, "demo-user")
        after = await user_named(env, "demo-user")
        assert after is not None and after["emailVerified"] is True and after["email"] == "mail@example.com"


async def _alice_verified(broker: Broker, verified: bool) -> None:
    async with broker.env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("provider")
        assert realm is not None
        alice = await tx.users.get_by_username(realm.id, "alice")
        assert alice is not None
        await tx.users.update(dataclasses.replace(alice, email_verified=verified))


async def _trusted_with_verify_email(broker: Broker, sync_mode: str) -> None:
    """The consumer realm verifies e-mails; the provider trusted, in ``sync_mode``; alice's e-mail verified there."""
    await update_realm(broker.env.db, "test", verify_email=True)
    await broker.add_provider(trustEmail=True, config=broker.provider_rep(syncMode=sync_mode)["config"])
    await _alice_verified(broker, True)


async def test_trust_email_based_on_email_verified_claim_sync_mode_force(env: Env) -> None:
    """testTrustEmailBasedOnEmailVerifiedClaimSyncModeForce: a trusted provider in FORCE: the ID token's
    ``email_verified`` decides at each login whether the user's e-mail is verified
    (OIDCIdentityProvider.setEmailVerified), so an e-mail the provider stops vouching for must be verified here
    before the login ends, and is verified again once the provider vouches for it again."""
    async with served(env) as broker:
        await _trusted_with_verify_email(broker, "FORCE")
        async with browser(broker) as http:
            await broker_tokens(http)
        user = await user_named(env, "alice")
        assert user is not None and user["emailVerified"] is True and user["requiredActions"] == []

        await _alice_verified(broker, False)
        async with browser(broker) as http:
            stopped = await broker_login(http)
        assert not (stopped.status_code == 302 and stopped.headers["location"].startswith(REDIRECT)), stopped.text
        user = await user_named(env, "alice")
        assert user is not None and user["emailVerified"] is False

        await _alice_verified(broker, True)
        async with browser(broker) as http:
            await broker_tokens(http)
        user = await user_named(env, "alice")
        assert user is not None and user["emailVerified"] is True


async def test_trust_email_based_on_email_verified_claim_sync_mode_import(env: Env) -> None:
    """testTrustEmailBasedOnEmailVerifiedClaimSyncModeImport: in IMPORT a later login leaves the e-mail verified
    though the provider no longer vouches for it, and goes straight back to the application."""
    async with served(env) as broker:
        await _trusted_with_verify_email(broker, "IMPORT")
        async with browser(broker) as http:
            await broker_tokens(http)
        await _alice_verified(broker, False)
        async with browser(broker) as http:
            await broker_tokens(http)
        user = await user_named(env, "alice")
        assert user is not None and user["emailVerified"] is True


async def test_force_sync_renames_the_user_where_the_realm_lets_users_edit_their_username(env: Env) -> None:
    """AbstractIdentityProvider.updateUsername: in FORCE, a realm that lets users edit their username renames the
    user to the provider's new username (lower case), unless another user of the realm has it; a realm naming users
    by e-mail renames it to the provider's e-mail."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(syncMode="FORCE")["config"])
        async with browser(broker) as http:
            await broker_tokens(http)
        user = await user_named(env, "alice")
        assert user is not None
        await update_realm(env.db, "test", edit_username_allowed=True)
        async with env.db.transaction() as tx:
            realm = await tx.realms.get_by_name("provider")
            assert realm is not None
            alice = await tx.users.get_by_username(realm.id, "alice")
            assert alice is not None
            await tx.users.update(dataclasses.replace(alice, username="alice-new"))
        async with browser(broker) as http:
            await broker_tokens(http, "alice-new")
        renamed = await user_named(env, "alice-new")
        assert renamed is not None and renamed["id"] == user["id"]

        await seed_user(env.db, env.clock, "test", "alice-taken")
        await _rename_at_provider(broker, alice.id, username="Alice-Taken")
        async with browser(broker) as http:
            await broker_tokens(http, "alice-taken")
        kept = await user_named(env, "alice-new")
        assert kept is not None and kept["id"] == user["id"], "a username another user has is left alone"

        await update_realm(env.db, "test", registration_email_as_username=True)
        async with browser(broker) as http:
            await broker_tokens(http, "alice-taken")
        by_email = await user_named(env, "alice@example.org")
        assert by_email is not None and by_email["id"] == user["id"]


async def _hardcoded_claim(env: Env, name: str, value: str) -> None:
    """The provider's client ``broker-app`` puts ``name`` = ``value`` in its ID tokens."""
    found = await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)
    mapper = {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {"claim.name": name, "claim.value": value, "jsonType.label": "String", "id.token.claim": "true"},
    }
    path = f"/admin/realms/provider/clients/{found.json()[0]['id']}/protocol-mappers/models"
    await admin(env, "POST", path, mapper, status=201)


async def _filtered(broker: Broker, name: str, value: str) -> None:
    config = broker.provider_rep(filteredByClaim="true", claimFilterName=name, claimFilterValue=value)["config"]
    await broker.add_provider(config=config)
    await _hardcoded_claim(broker.env, "user-attribute", "attribute-value")


@pytest.mark.parametrize("value", ["attribute-value", ".*-value"])
async def test_login_with_claim_filter(env: Env, value: str) -> None:
    """loginWithClaimFilter, loginWithClaimRegexpFilter: an ID token whose claim matches the filter's value, as
    itself or as a regular expression over the whole value, lets the user in."""
    async with served(env) as broker:
        await _filtered(broker, "user-attribute", value)
        async with browser(broker) as http:
            await broker_tokens(http)
        assert await user_named(env, "alice") is not None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("hardcoded-missing-claim", "hardcoded-missing-claim-value"),
        ("user-attribute", "attribute"),
        ("user-attribute", "("),
    ],
)
async def test_deny_login_with_claim_filter(env: Env, name: str, value: str) -> None:
    """denyLoginWithClaimFilter: a claim the ID token lacks, or whose value does not match the whole filter value
    (an invalid pattern matches nothing), is Keycloak's 502 page with the unmatched-essential-claim message and an
    IDENTITY_PROVIDER_LOGIN_ERROR; no user is made."""
    async with served(env) as broker:
        await _filtered(broker, name, value)
        async with browser(broker) as http:
            page = await broker_login(http)
        assert page.status_code == 502, page.text
        assert (
            "The ID token issued by the identity provider does not match the configured essential claim. Please "
            "contact your administrator." in page.text
        )
        assert await user_named(env, "alice") is None
        events = (await admin(env, "GET", "/admin/realms/test/events", status=200)).json()
        assert events[0]["type"] == "IDENTITY_PROVIDER_LOGIN_ERROR"
        assert events[0]["error"] == "identity_provider_login_failure"
        assert events[0]["details"]["identity_provider"] == ALIAS


async def test_idp_removed_after_login_invalidates_user_session(env: Env) -> None:
    """testIdpRemovedAfterLoginInvalidatesUserSession: a user session (and an offline one) brokered through a
    provider the realm then removes is no longer valid (SessionValidationManager.isSessionValid: its
    ``identity_provider`` note names no provider): its refresh token and offline token are refused, its SSO cookie
    no longer signs in, and the user's logout still works."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as other:
            offline = await broker_tokens(other, scope="openid offline_access")
        async with browser(broker) as http:
            tokens = await broker_tokens(http)
            await admin(env, "DELETE", f"/admin/realms/test/identity-provider/instances/{ALIAS}", status=204)
            for refresh in (tokens["refresh_token"], offline["refresh_token"]):
                data = {"grant_type": "refresh_token", "refresh_token": refresh}
                answer = await http.post(
                    "/realms/test/protocol/openid-connect/token",
                    data=data | {"client_id": "app", "client_secret": "secret"},
                )
                assert answer.status_code == 400, answer.text
                assert answer.json()["error"] == "invalid_grant", answer.text
            again = await http.get(
                "/realms/test/protocol/openid-connect/auth",
                params={"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"},
            )
            assert again.status_code == 200 and 'id="social-' not in again.text, "the login page, no button"
        user = await user_named(env, "alice")
        assert user is not None
        await admin(env, "POST", f"/admin/realms/test/users/{user['id']}/logout", status=204)


@pytest.mark.parametrize(("email", "actions"), [("updated@keycloak.org", ["VERIFY_EMAIL"]), ("alice@example.org", [])])
async def test_verify_email_when_update_profile_and_email_verified_at_idp(
    env: Env, email: str, actions: list[str]
) -> None:
    """testVerifyEmailWhenUpdateProfileAndEmailVerifiedAtIdP and ...SameEmailAndEmailVerifiedAtIdP: a trusted
    provider in FORCE that verified alice's e-mail, the realm verifying e-mails, the review page shown: an e-mail
    changed there must be verified here (the user gets VERIFY_EMAIL), the provider's own e-mail kept needs
    nothing."""
    async with served(env) as broker:
        await _trusted_with_verify_email(broker, "FORCE")
        await _review_on(env)
        async with browser(broker) as http:
            review = await broker_login(http)
            assert review.status_code == 200 and 'id="kc-idp-review-profile-form"' in review.text, review.text
            fields = {**form_fields(review.text), "username": "alice", "email": email}
            await http.post(form_action(review.text), data={**fields, "firstName": "FirstName", "lastName": "LastName"})
        user = await user_named(env, "alice")
        assert user is not None and user["email"] == email
        assert user["requiredActions"] == actions, user
        assert user["emailVerified"] is (not actions)


async def _review_on(env: Env) -> None:
    base = "/admin/realms/test/authentication"
    rows = (await admin(env, "GET", f"{base}/flows/first%20broker%20login/executions", status=200)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await admin(env, "GET", f"{base}/config/{review['authenticationConfig']}", status=200)).json()
    config["config"]["update.profile.on.first.login"] = "on"
    await admin(env, "PUT", f"{base}/config/{config['id']}", config, status=204)


async def test_id_p_not_found(env: Env) -> None:
    """testIdPNotFound: ``/broker/not-exists/endpoint`` of a realm without that provider is 404, "Page not found"
    for a browser and, for any other client, KeycloakErrorHandler's JSON carrying the NotFoundException's message
    (IdentityBrokerService.getEndpoint turns getIdentityProvider's "Identity Provider [alias] not found." into it)."""
    link = "/realms/test/broker/not-exists/endpoint"
    async with served(env):
        page = await env.http.get(link, headers={"Accept": "text/html"})
        assert page.status_code == 404 and "Page not found" in page.text
        answer = await env.http.get(link)
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        assert answer.json() == {
            "error": "Identity Provider [not-exists] not found.",
            "error_description": "For more on this error consult the server log at the debug level.",
        }

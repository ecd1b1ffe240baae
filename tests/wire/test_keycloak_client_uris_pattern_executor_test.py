"""Keycloak's old-testsuite client/policies/ClientUrisPatternExecutorTest over the Admin REST API and the OIDC
client registration endpoint: the ``secure-client-uris-pattern`` executor (SecureClientUrisPatternExecutor) under
an any-client policy, ``allowed-patterns`` ``^https://trusted\\.com.*`` and one ``client-uri-fields`` entry at a
time. A client whose chosen field holds a URI the pattern matches is made; one with ``http://untrusted.com/...``
there is refused with ``invalid_client_metadata`` / "Invalid <field>", on create and on update, by the admin and
by dynamic registration (anonymous, the Trusted Hosts policy removed, as the class does); a pattern that does not
compile, or none, refuses any URI.

Not ported: testFieldsDynamically's ``sectorIdentifierUri`` case (the testsuite's own app serves the sector
identifier document)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import client_policies_port
import group_port
from browser_flow import REDIRECT
from client_policies_port import (
    ClientPolicyRefused,
    apply_executors,
    create_client_by_admin,
    executor,
    realm_fixture,
    realm_with_test_user,
    suffixed,
    update_client_by_admin,
)
from keycloak_port import delete, get
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture(realm_with_test_user, scope="function")
no_policies = client_policies_port.no_policies

SAFE_PATTERN = r"^https://trusted\.com.*"
VALID_URL, INVALID_URL = "https://trusted.com/callback", "http://untrusted.com/callback"
OIDC_REGISTRATION = "/realms/test/clients-registrations/openid-connect"
# testFieldsByAdmin: the executor's field name, and where the ClientRepresentation carries it
ADMIN_FIELDS: list[tuple[str, str]] = [
    ("rootUrl", "rootUrl"),
    ("adminUrl", "adminUrl"),
    ("baseUrl", "baseUrl"),
    ("redirectUris", "redirectUris"),
    ("webOrigins", "webOrigins"),
    ("jwksUri", "attributes.jwks.url"),
    ("requestUris", "attributes.request.uris"),
    ("backchannelLogoutUrl", "attributes.backchannel.logout.url"),
    ("postLogoutRedirectUris", "attributes.post.logout.redirect.uris"),
    ("cibaClientNotificationEndpoint", "attributes.ciba.backchannel.client.notification.endpoint"),
    ("logoUri", "attributes.logoUri"),
    ("policyUri", "attributes.policyUri"),
    ("tosUri", "attributes.tosUri"),
]
# testFieldsDynamically: the executor's field name and the OIDCClientRepresentation's member
DYNAMIC_FIELDS: list[tuple[str, str]] = [
    ("baseUrl", "client_uri"),
    ("redirectUris", "redirect_uris"),
    ("jwksUri", "jwks_uri"),
    ("logoUri", "logo_uri"),
    ("policyUri", "policy_uri"),
    ("backchannelLogoutUrl", "backchannel_logout_uri"),
]
LISTS = {"redirectUris", "webOrigins", "redirect_uris"}


async def setup_policy(env: Env, patterns: list[str], fields: list[str] | None) -> None:
    """``setupPolicy``: the executor's configuration (``client-uri-fields`` left out when None)."""
    config: dict[str, Any] = {"allowed-patterns": patterns}
    if fields is not None:
        config["client-uri-fields"] = fields
    await apply_executors(env, executor("secure-client-uris-pattern", config))


def admin_fields(where: str, value: str) -> dict[str, Any]:
    """The ClientRepresentation fields that put ``value`` where ``where`` names."""
    if where.startswith("attributes."):
        return {"attributes": {where.removeprefix("attributes."): value}}
    return {where: [value] if where in LISTS else value}


async def refused_by_admin(env: Env, client_id: str, field: str, fields: dict[str, Any]) -> None:
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, client_id, **fields)
    assert (refused.value.error, refused.value.description) == ("invalid_client_metadata", f"Invalid {field}")


@pytest.mark.parametrize(("field", "where"), ADMIN_FIELDS, ids=[f for f, _ in ADMIN_FIELDS])
async def test_fields_by_admin(env: Env, field: str, where: str) -> None:
    """ClientUrisPatternExecutorTest#testFieldsByAdmin (``testFieldByAdmin`` for each field): the trusted URI is
    accepted; the untrusted one refused on create and on update, the client left as it was."""
    await setup_policy(env, [SAFE_PATTERN], [field])
    valid_id = suffixed(f"valid-{field}")
    cid = await create_client_by_admin(env, valid_id, **admin_fields(where, VALID_URL))
    await refused_by_admin(env, suffixed(f"invalid-{field}"), field, admin_fields(where, INVALID_URL))
    assert await get(env, "/clients", clientId=suffixed(f"invalid-{field}")) == []
    with pytest.raises(ClientPolicyRefused) as refused:
        await update_client_by_admin(env, cid, **admin_fields(where, INVALID_URL))
    assert (refused.value.error, refused.value.description) == ("invalid_client_metadata", f"Invalid {field}")
    kept = await get(env, f"/clients/{cid}")
    assert INVALID_URL not in str(kept), kept


async def without_trusted_hosts(env: Env) -> None:
    """The Trusted Hosts registration policy removed, so that anyone may register (the class's first step)."""
    policies = await get(
        env, "/components", type="org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
    )
    for component in policies:
        if component["providerId"] == "trusted-hosts":
            await delete(env, f"/components/{component['id']}")


async def register(env: Env, name: str, member: str, value: str) -> httpx.Response:
    body: dict[str, Any] = {"client_name": name, "redirect_uris": [REDIRECT]}
    body[member] = [value] if member in LISTS else value
    return await env.http.post(OIDC_REGISTRATION, json=body)


@pytest.mark.parametrize(("field", "member"), DYNAMIC_FIELDS, ids=[f for f, _ in DYNAMIC_FIELDS])
async def test_fields_dynamically(env: Env, field: str, member: str) -> None:
    """ClientUrisPatternExecutorTest#testFieldsDynamically (``testFieldDynamically`` for each field but the sector
    identifier): the trusted URI registers; the untrusted one is refused (400, the Java client's "Failed to send
    request") on registration and on the registered client's update."""
    await without_trusted_hosts(env)
    await setup_policy(env, [SAFE_PATTERN], [field])
    made = await register(env, suffixed(f"valid-{field}"), member, VALID_URL)
    assert made.status_code == 201, made.text
    refused = await register(env, suffixed(f"invalid-{field}"), member, INVALID_URL)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "invalid_client_metadata", refused.text
    registered = made.json()
    headers = {"Authorization": f"Bearer {registered['registration_access_token']}"}
    url = f"{OIDC_REGISTRATION}/{registered['client_id']}"
    current = (await env.http.get(url, headers=headers)).json()
    changed = {**current, member: [INVALID_URL] if member in LISTS else INVALID_URL}
    update = await env.http.put(url, json=changed, headers=headers)
    assert update.status_code == 400, update.text
    assert update.json()["error"] == "invalid_client_metadata", update.text


@pytest.mark.parametrize("patterns", [["("], []], ids=["invalid", "empty"])
async def test_pattern_configuration_refusing_every_uri(env: Env, patterns: list[str]) -> None:
    """ClientUrisPatternExecutorTest#testInvalidPatternConfiguration and #testEmptyPatternConfiguration: no
    pattern that compiles, every field judged: a client with a root URL is refused as invalid client metadata."""
    await setup_policy(env, patterns, None)
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, suffixed("invalid-config"), rootUrl="invalid-url")
    assert refused.value.error == "invalid_client_metadata"


@pytest.mark.parametrize("member", ["logo_uri", "policy_uri", "tos_uri"])
async def test_registered_page_links_are_kept_and_validated(env: Env, member: str) -> None:
    """DescriptionConverter.toInternal keeps ``logo_uri``, ``policy_uri`` and ``tos_uri`` as the client's
    ``logoUri``, ``policyUri`` and ``tosUri`` (the executor above judges them; Doorkeep dropped them before), and
    client validation refuses a ``javascript:`` one as it does through the Admin REST API."""
    await without_trusted_hosts(env)
    attribute = {"logo_uri": "logoUri", "policy_uri": "policyUri", "tos_uri": "tosUri"}[member]
    made = await register(env, suffixed("links"), member, VALID_URL)
    assert made.status_code == 201, made.text
    (client,) = await get(env, "/clients", clientId=made.json()["client_id"])
    assert client["attributes"][attribute] == VALID_URL
    hostile = await register(env, suffixed("hostile"), member, "javascript:alert(1)")
    assert hostile.status_code == 400, hostile.text
    assert hostile.json()["error"] == "invalid_client_metadata", hostile.text

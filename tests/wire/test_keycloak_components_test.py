"""Wire port of Keycloak's ``org.keycloak.tests.admin.ComponentsTest`` (tests/base/src/test/java/org/keycloak/tests/
admin/): ``/admin/realms/{realm}/components`` create, read, query, update, rename and delete, as ComponentResource,
RepresentationToModel.toModel / updateComponent and ModelToRepresentation.toRepresentation treat any component.

The Java class works on ``test-component``, a provider of the testsuite's own SPI (TestComponentProvider from
keycloak-tests-custom-providers, deployed into the test server) that declares ``required`` (required), ``number``
(a number), ``val1``..``val3`` and a secret ``secret``. Doorkeep has no such test SPI: it keeps key providers and
client registration policies as components. Each test therefore runs on the real component whose declared
properties play the same part, with the same assertions on the generic behaviour:

* ``max-clients`` (a ClientRegistrationPolicy whose one property ``max-clients`` is required and a number) stands
  for ``required`` and ``number``;
* ``allowed-protocol-mappers`` (two declared properties its factory never refuses, the multivalued
  ``allowed-protocol-mapper-types`` and ``consent-required-for-all-mappers``) stands for ``val1``..``val3``;
* the imported ``rsa`` key provider, whose ``privateKey`` is a secret property, stands for ``secret``.

Realm ``test`` (admin events with representations on) is imported once for the module on one app
(group_port.shared_env); the Java realm's per-method lifecycle becomes each test's own component names.

Not ported, with the reason:

* ``testConcurrencyWithChildren``: components created under another component (``parentId`` a component's id).
  Doorkeep's component types sit directly under the realm and have no sub-components.
* ``testSecretConfig``'s last step, a secret of ``${vault.value}`` kept verbatim: Doorkeep has no vault, and the
  one secret property it keeps (an RSA private key) is validated as a key.
"""

from __future__ import annotations

import asyncio
import random
import string
import uuid
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import group_port
from group_port import fresh_realm
from role_port import call, ok, poll_events
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

POLICY = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
MAX = "max-clients"
MAPPERS = "allowed-protocol-mappers"
TYPES, CONSENT = "allowed-protocol-mapper-types", "consent-required-for-all-mappers"
SECRET_VALUE = "**********"  # ComponentRepresentation.SECRET_VALUE


@pytest.fixture(scope="module")
async def realm_id(shared_env: Env) -> str:
    rep = {"realm": "test", "enabled": True, "adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    return await fresh_realm(shared_env, rep)


@pytest.fixture
async def env(shared_env: Env, realm_id: str) -> Env:
    await poll_events(shared_env)
    return shared_env


def component(realm_id: str, name: str, provider_id: str = MAX, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """``createComponentRepresentation``: the realm as parent, subType ``foo``, the config given."""
    return {
        "name": name,
        "parentId": realm_id,
        "providerId": provider_id,
        "providerType": POLICY,
        "subType": "foo",
        "config": config or {},
    }


async def add(env: Env, rep: dict[str, Any]) -> httpx.Response:
    return await call(env, "POST", "/components", rep)


async def create_component(env: Env, rep: dict[str, Any]) -> str:
    """``createComponent``: 201, the id from the Location."""
    response = await add(env, rep)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def read(env: Env, component_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await ok(env, "GET", f"/components/{component_id}")
    return found


async def update(env: Env, component_id: str, rep: dict[str, Any]) -> None:
    await ok(env, "PUT", f"/components/{component_id}", rep)


async def query(env: Env, **params: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await ok(env, "GET", "/components", **params)
    return found


async def assert_create_error(env: Env, rep: dict[str, Any], error: str) -> None:
    """``createComponentAndAssertError``: an ErrorRepresentation with that ``errorMessage``."""
    response = await add(env, rep)
    assert response.status_code == 400, response.text
    assert response.json()["errorMessage"] == error


async def delete_all(env: Env, prefix: str) -> None:
    for found in await query(env, type=POLICY):
        if found["name"].startswith(prefix):
            await ok(env, "DELETE", f"/components/{found['id']}")


async def create_and_delete(env: Env, realm_id: str, i: int) -> None:
    """``CreateAndDeleteComponent``: created (``required`` set), then read and removed."""
    component_id = await create_component(env, component(realm_id, f"concurrent-{i}", config={MAX: ["10"]}))
    assert (await read(env, component_id))["name"] == f"concurrent-{i}"
    await ok(env, "DELETE", f"/components/{component_id}")


async def test_concurrency_without_children(env: Env, realm_id: str) -> None:
    """testConcurrencyWithoutChildren: 20 creations and deletions, four at a time, all finish (and none is left)."""
    gate = asyncio.Semaphore(4)

    async def task(i: int) -> None:
        async with gate:
            await create_and_delete(env, realm_id, i)

    await asyncio.wait_for(asyncio.gather(*(task(i) for i in range(20))), timeout=100)
    assert not [c for c in await query(env, type=POLICY) if c["name"].startswith("concurrent-")]


async def test_not_deadlocked(env: Env, realm_id: str) -> None:
    """testNotDeadlocked: each creation is seen at once by the query of the realm's components of that type (20
    rounds, not the Java test's 50: the wire suite runs twice in CI, and the rounds are alike)."""
    for i in range(20):
        await create_component(env, component(realm_id, f"test-{i}", config={MAX: ["100"]}))
        listed = await query(env, parent=realm_id, type=POLICY)
        assert len([c for c in listed if c["name"].startswith("test-")]) == i + 1
    await delete_all(env, "test-")


async def test_create_validation(env: Env, realm_id: str) -> None:
    """testCreateValidation: the provider's validateConfiguration runs on create: required, then a number."""
    rep = component(realm_id, "mycomponent")
    await assert_create_error(env, rep, "'max-clients.label' is required")
    rep["config"] = {MAX: ["invalid"]}
    await assert_create_error(env, rep, "'max-clients.label' should be a number")


async def test_create_empty_values(env: Env, realm_id: str) -> None:
    """testCreateEmptyValues: an empty string, a null and an empty list are not stored; the subType is."""
    config = {TYPES: ["oidc-full-name-mapper"], CONSENT: [""], "val2": None, "val3": []}
    component_id = await create_component(env, component(realm_id, "empty-values", MAPPERS, config))
    returned = await read(env, component_id)
    assert returned["subType"] == "foo"
    assert returned["config"] == {TYPES: ["oidc-full-name-mapper"]}


async def test_create_without_given_id(env: Env, realm_id: str) -> None:
    rep = component(realm_id, "without-id", config={MAX: ["5"]})
    rep["id"] = None
    assert await create_component(env, rep)


async def test_create_with_given_id(env: Env, realm_id: str) -> None:
    rep = component(realm_id, "with-id", config={MAX: ["5"]})
    rep["id"] = str(uuid.uuid4())
    assert await create_component(env, rep) == rep["id"]


async def test_fail_create_with_long_name(env: Env, realm_id: str) -> None:
    """failCreateWithLongName: a 35-character name fits the column (Keycloak's 500 branch is a database limit
    the name does not reach), so the component is there."""
    name = "invalid" * 5
    response = await add(env, component(realm_id, name, config={MAX: ["5"]}))
    assert response.status_code == 201, response.text
    assert (await read(env, response.headers["location"].rsplit("/", 1)[-1]))["name"] == name


async def test_update(env: Env, realm_id: str) -> None:
    """testUpdate: a value replaced, an undeclared key ignored, and a declared key removed when sent as null, as
    an empty string and as an empty list."""
    config = {TYPES: ["oidc-full-name-mapper", "oidc-address-mapper"], CONSENT: ["true"]}
    component_id = await create_component(env, component(realm_id, "updated", MAPPERS, config))
    returned = await read(env, component_id)
    assert returned["config"] == config

    returned["config"][TYPES] = ["saml-role-list-mapper"]
    returned["config"]["not-a-config-key"] = ["ten"]
    returned["config"][CONSENT] = [None]  # putSingle(key, null)
    await update(env, component_id, returned)
    returned = await read(env, component_id)
    assert returned["config"] == {TYPES: ["saml-role-list-mapper"]}

    returned["config"] = {TYPES: [""], CONSENT: ["false"]}  # addFirst(key, ""): an empty string first
    await update(env, component_id, returned)
    returned = await read(env, component_id)
    assert returned["config"] == {CONSENT: ["false"]}

    returned["config"][CONSENT] = []
    await update(env, component_id, returned)
    assert (await read(env, component_id))["config"] == {}


async def test_rename(env: Env, realm_id: str) -> None:
    rep = component(realm_id, "mycomponent-rename", config={MAX: ["5"]})
    component_id = await create_component(env, rep)
    assert (await read(env, component_id))["name"] == "mycomponent-rename"
    rep["name"] = "myupdatedcomponent"
    await update(env, component_id, rep)
    assert (await read(env, component_id))["name"] == "myupdatedcomponent"


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    encoding, fmt = serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(encoding, fmt, serialization.NoEncryption()).decode()


async def _kid(env: Env, component_id: str) -> str:
    keys = (await ok(env, "GET", "/keys"))["keys"]
    (found,) = [k for k in keys if k["providerId"] == component_id]
    return str(found["kid"])


async def test_secret_config(env: Env, realm_id: str) -> None:
    """testSecretConfig: a secret property is stored, shown as ``**********``, kept out of the admin events,
    kept by an update that sends the mask back, and replaced by one that sends a new value."""
    secret = _pem()
    rep = {
        "name": "mycomponent-secret",
        "parentId": realm_id,
        "providerId": "rsa",
        "providerType": KEY_PROVIDER,
        "config": {"privateKey": [secret], "priority": ["100"]},
    }
    component_id = await create_component(env, rep)
    returned = await read(env, component_id)
    assert returned["config"]["privateKey"] == [SECRET_VALUE]
    (event,) = await poll_events(env)
    assert secret not in event["representation"] and "BEGIN" not in event["representation"]
    assert SECRET_VALUE in event["representation"]
    kid = await _kid(env, component_id)  # the key stored: the runOnServer details

    returned["config"]["priority"] = ["200"]
    await update(env, component_id, returned)
    returned2 = await read(env, component_id)
    assert returned2["config"]["privateKey"] == [SECRET_VALUE]
    (event,) = await poll_events(env)
    assert "BEGIN" not in event["representation"] and SECRET_VALUE in event["representation"]
    assert await _kid(env, component_id) == kid  # not replaced by the mask

    returned2["config"]["privateKey"] = [_pem()]
    returned2["config"]["certificate"] = [""]  # the old key's certificate would not match the new key
    await update(env, component_id, returned2)
    assert await _kid(env, component_id) != kid  # updated
    (returned3,) = [c for c in await query(env) if c["id"] == component_id]
    assert returned3["config"]["privateKey"] == [SECRET_VALUE]
    await ok(env, "DELETE", f"/components/{component_id}")


async def _long_value(env: Env, realm_id: str, name: str, value: str) -> None:
    component_id = await create_component(env, component(realm_id, name, MAPPERS, config={TYPES: [value]}))
    returned = await read(env, component_id)
    assert returned["config"] == {TYPES: [value]}


async def test_create_long_value(env: Env, realm_id: str) -> None:
    """testCreateLongValue: a 5000-character value comes back whole."""
    value = "".join(random.choices(string.ascii_letters + string.digits, k=5000))
    await _long_value(env, realm_id, "long-value", value)


async def test_long_value_in_component_config_ascii(env: Env, realm_id: str) -> None:
    await _long_value(env, realm_id, "long-ascii", "0123456789" * 400)


async def test_long_value_in_component_config_ext_latin(env: Env, realm_id: str) -> None:
    """4000 extended-Latin characters, stored and read back unchanged on either database."""
    await _long_value(env, realm_id, "long-ext-latin", "ěščřžýíŮÍÁ" * 400)

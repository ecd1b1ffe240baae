"""Security sweep s60 (hostile input on both engines): admin writes with a value of the wrong JSON type.

An identity provider whose ``providerId`` is an array or an object was a 500 "unknown_error" (a TypeError: the id was
looked up in a set). IdentityProviderRepresentation.providerId is a ``String``: Jackson cannot bind an array or an
object to it (MismatchedInputException, which Keycloak 26's KeycloakMismatchedInputExceptionHandler answers 400
"Cannot parse the JSON"), and binds a number or a boolean as its text, which then names no provider."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
INSTANCES = "/admin/realms/test/identity-provider/instances"
CONFIG = {
    "clientId": "x",
    "clientSecret": "y",
    "authorizationUrl": "https://idp.example/",
    "tokenUrl": "https://idp.example/",
}


@pytest.mark.parametrize("provider_id", [["oidc"], [], {"oidc": "oidc"}], ids=["array", "empty-array", "object"])
async def test_an_identity_provider_id_that_is_no_string_cannot_be_parsed(realm: Env, provider_id: object) -> None:
    headers = await realm.admin_headers()
    rep = {"alias": "wrong-type", "providerId": provider_id, "config": CONFIG}
    answer = await realm.http.post(INSTANCES, json=rep, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "unknown_error", "error_description": "Cannot parse the JSON"}
    created = await realm.http.post(INSTANCES, json={**rep, "providerId": "oidc"}, headers=headers)
    assert created.status_code == 201, created.text
    update = await realm.http.put(f"{INSTANCES}/wrong-type", json=rep, headers=headers)
    assert update.status_code == 400, update.text
    assert update.json() == {"error": "unknown_error", "error_description": "Cannot parse the JSON"}


@pytest.mark.parametrize(("provider_id", "named"), [(5, "5"), (True, "true")])
async def test_an_identity_provider_id_that_is_a_number_is_read_as_its_text(
    realm: Env, provider_id: object, named: str
) -> None:
    headers = await realm.admin_headers()
    rep = {"alias": "scalar", "providerId": provider_id, "config": CONFIG}
    answer = await realm.http.post(INSTANCES, json=rep, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"errorMessage": f"Invalid identity provider id [{named}]"}

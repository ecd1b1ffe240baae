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


BAD_INPUT = {"error": "invalid_request", "error_description": "Invalid input"}
# The same create on both engines: PostgreSQL refuses a NUL in these text columns and a name longer than their
# VARCHAR(255), which the last line of defence answers 400 "Invalid input"; SQLite stored both, and a client, role,
# group or organization was made there that PostgreSQL refused (a client scope's name is refused on both already).
UNSTORABLE = [
    ("clients", {"clientId": "nul\x00client"}, "clients?clientId=nul"),
    ("roles", {"name": "nul\x00role"}, "roles?search=nul"),
    ("roles", {"name": "described", "description": "a\x00b"}, "roles?search=described"),
    ("groups", {"name": "nul\x00group"}, "groups?search=nul"),
    ("organizations", {"name": "o" * 300, "domains": [{"name": "long.example"}]}, "organizations?search=ooo"),
    ("organizations", {"name": "org", "alias": "a\x00b", "domains": [{"name": "nul.example"}]}, "organizations"),
]


@pytest.mark.parametrize(
    ("kind", "rep", "listing"), UNSTORABLE, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(UNSTORABLE)]
)
async def test_a_name_postgresql_cannot_keep_is_invalid_input_on_both_engines(
    realm: Env, kind: str, rep: dict[str, object], listing: str | None
) -> None:
    headers = await realm.admin_headers()
    if kind == "organizations":
        await realm.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=headers)
    answer = await realm.http.post(f"/admin/realms/test/{kind}", json=rep, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json() == BAD_INPUT
    if listing is not None:
        found = (await realm.http.get(f"/admin/realms/test/{listing}", headers=headers)).json()
        assert found == [], found

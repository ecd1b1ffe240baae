"""Keycloak's UserSessionNoteMapperValidationTest (tests/base/.../tests/admin/client/, the new test framework): a
User Session Note mapper (OIDC ``user.session.note``, SAML ``note``) may not copy the notes in which a brokered
login keeps the identity provider's credentials (FEDERATED_ACCESS_TOKEN, FEDERATED_REFRESH_TOKEN,
FEDERATED_TOKEN_EXPIRATION, FEDERATED_ID_TOKEN, in any case, alone or with ``:alias``) into tokens: 400 "… cannot
be mapped" on every path that writes a mapper (the mapper endpoints, a client's or a client scope's
representation, a realm import), nothing stored; any other note, one merely containing or starting with such a
name, or none, is accepted.

Realm ``test`` with the OIDC client ``note-mapper-validation-client`` and the SAML client
``note-mapper-validation-saml-client``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
NOTES = ("FEDERATED_ACCESS_TOKEN", "FEDERATED_REFRESH_TOKEN", "FEDERATED_TOKEN_EXPIRATION", "FEDERATED_ID_TOKEN")
BLOCKED = [v for n in NOTES for v in (n, f"{n}:google", n.lower(), n[0] + n[1:].lower())]


def _note_mapper(name: str, note: str | None) -> dict[str, Any]:
    config = {"claim.name": "leaked_token", "jsonType.label": "String", "access.token.claim": "true"}
    if note is not None:
        config["user.session.note"] = note
    return {
        "protocol": "openid-connect",
        "name": name,
        "protocolMapper": "oidc-usersessionmodel-note-mapper",
        "config": config,
    }


async def _call(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    return await env.http.request(method, path, json=body, headers=await env.admin_headers())


async def _client(env: Env, client_id: str, protocol: str = "openid-connect") -> str:
    response = await _call(env, "POST", f"{REALM}/clients", {"clientId": client_id, "protocol": protocol})
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def _mappers(env: Env) -> str:
    """The OIDC client's ``protocol-mappers`` URL."""
    return f"{REALM}/clients/{await _client(env, 'note-mapper-validation-client')}/protocol-mappers"


def _refused(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert "cannot be mapped" in response.json()["error"]


async def _created_note(env: Env, mappers: str, name: str, note: str | None) -> str | None:
    """``createMapper``: created, then the stored note read back."""
    response = await _call(env, "POST", f"{mappers}/models", _note_mapper(name, note))
    assert response.status_code == 201, response.text
    stored = await _call(env, "GET", response.headers["location"].replace("/admin/realms/test", REALM, 1))
    config: dict[str, str] = stored.json()["config"]
    return config.get("user.session.note")


@pytest.mark.parametrize("note", BLOCKED)
async def test_should_reject_broker_credential_note(realm: Env, note: str) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectBrokerCredentialNote"""
    _refused(await _call(realm, "POST", f"{await _mappers(realm)}/models", _note_mapper("blocked-note-mapper", note)))


async def test_should_reject_update_to_blocked_note_name(realm: Env) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectUpdateToBlockedNoteName: the stored note is kept."""
    mappers = await _mappers(realm)
    created = await _call(realm, "POST", f"{mappers}/models", _note_mapper("safe-note-mapper", "my_custom_note"))
    mapper_id = created.headers["location"].rsplit("/", 1)[-1]
    existing = (await _call(realm, "GET", f"{mappers}/models/{mapper_id}")).json()
    existing["config"]["user.session.note"] = "FEDERATED_ACCESS_TOKEN"
    _refused(await _call(realm, "PUT", f"{mappers}/models/{mapper_id}", existing))
    kept = (await _call(realm, "GET", f"{mappers}/models/{mapper_id}")).json()
    assert kept["config"]["user.session.note"] == "my_custom_note"


async def test_should_reject_blocked_note_via_add_models(realm: Env) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectBlockedNoteViaAddModels"""
    body = [_note_mapper("bulk-blocker", "FEDERATED_ACCESS_TOKEN")]
    _refused(await _call(realm, "POST", f"{await _mappers(realm)}/add-models", body))


async def test_should_reject_blocked_note_on_client_update(realm: Env) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectBlockedNoteOnClientUpdate: the path a delegated admin with
    manage on one client could take; the mapper is not stored."""
    mappers = await _mappers(realm)
    client_url = mappers.removesuffix("/protocol-mappers")
    rep = (await _call(realm, "GET", client_url)).json()
    rep["protocolMappers"] = [_note_mapper("inline-update-blocker", "FEDERATED_ACCESS_TOKEN")]
    assert (await _call(realm, "PUT", client_url, rep)).status_code == 400
    names = [m["name"] for m in (await _call(realm, "GET", f"{mappers}/models")).json()]
    assert "inline-update-blocker" not in names


async def test_should_reject_blocked_note_on_client_create(realm: Env) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectBlockedNoteOnClientCreate"""
    rep = {
        "clientId": "inline-create-blocker-client",
        "protocol": "openid-connect",
        "protocolMappers": [_note_mapper("inline-create-blocker", "FEDERATED_ACCESS_TOKEN")],
    }
    assert (await _call(realm, "POST", f"{REALM}/clients", rep)).status_code == 400


async def test_should_reject_blocked_note_on_realm_import(realm: Env) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectBlockedNoteOnRealmImport: the message names the client."""
    client = {
        "clientId": "imported-blocker-client",
        "protocol": "openid-connect",
        "protocolMappers": [_note_mapper("imported-blocker", "FEDERATED_ACCESS_TOKEN")],
    }
    response = await _call(realm, "POST", "/admin/realms", {"realm": "note-mapper-import-realm", "clients": [client]})
    assert response.status_code == 400, response.text
    assert "imported-blocker-client" in response.json()["errorMessage"]


async def test_should_reject_blocked_note_on_client_scope_create(realm: Env) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectBlockedNoteOnClientScopeCreate: the scope is not left."""
    rep = {
        "name": "inline-create-blocker-scope",
        "protocol": "openid-connect",
        "protocolMappers": [_note_mapper("scope-create-blocker", "FEDERATED_ACCESS_TOKEN")],
    }
    assert (await _call(realm, "POST", f"{REALM}/client-scopes", rep)).status_code == 400
    names = [s["name"] for s in (await _call(realm, "GET", f"{REALM}/client-scopes")).json()]
    assert "inline-create-blocker-scope" not in names


async def test_should_reject_blocked_note_on_client_scope_realm_import(realm: Env) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectBlockedNoteOnClientScopeRealmImport: the message names the
    scope and no realm is left half-built."""
    scope = {
        "name": "imported-blocker-scope",
        "protocol": "openid-connect",
        "protocolMappers": [_note_mapper("imported-scope-blocker", "FEDERATED_ACCESS_TOKEN")],
    }
    rep = {"realm": "note-mapper-scope-import-realm", "clientScopes": [scope]}
    response = await _call(realm, "POST", "/admin/realms", rep)
    assert response.status_code == 400, response.text
    assert "imported-blocker-scope" in response.json()["errorMessage"]
    realms = [r["realm"] for r in (await _call(realm, "GET", "/admin/realms")).json()]
    assert "note-mapper-scope-import-realm" not in realms


async def test_should_reject_blocked_note_on_saml_mapper(realm: Env) -> None:
    """UserSessionNoteMapperValidationTest#shouldRejectBlockedNoteOnSamlMapper: the SAML mapper's ``note``."""
    saml = await _client(realm, "note-mapper-validation-saml-client", "saml")
    rep = {
        "protocol": "saml",
        "name": "saml-blocker",
        "protocolMapper": "saml-user-session-note-mapper",
        "config": {"note": "FEDERATED_ACCESS_TOKEN"},
    }
    _refused(await _call(realm, "POST", f"{REALM}/clients/{saml}/protocol-mappers/models", rep))


@pytest.mark.parametrize(
    ("name", "note"),
    [
        pytest.param("app-note-mapper", "my_app_session_note", id="shouldAllowOrdinaryApplicationNote"),
        pytest.param(
            "substring-note", "my_FEDERATED_ACCESS_TOKEN_copy", id="shouldAllowNoteNameThatContainsKeywordAsSubstring"
        ),
        pytest.param("prefix-note", "FEDERATED_ACCESS_TOKEN_BACKUP", id="shouldAllowNoteNameWithBlockedNameAsPrefix"),
        pytest.param("no-note-mapper", None, id="shouldAllowMapperWithoutNoteName"),
    ],
)
async def test_allowed(realm: Env, name: str, note: str | None) -> None:
    """UserSessionNoteMapperValidationTest#shouldAllowOrdinaryApplicationNote,
    #shouldAllowNoteNameThatContainsKeywordAsSubstring, #shouldAllowNoteNameWithBlockedNameAsPrefix,
    #shouldAllowMapperWithoutNoteName"""
    assert await _created_note(realm, await _mappers(realm), name, note) == note

"""broker/well_known_sync.py: which fields a discovery document overwrites, what a reload request overrides, and
how an attempt is stamped (Keycloak's OIDC provider well-known sync, PR #47899)."""

from __future__ import annotations

import pytest

from doorkeep.broker import well_known_sync as sync

pytestmark = pytest.mark.anyio

DOCUMENT = {
    "issuer": "https://op.example",
    "authorization_endpoint": "https://op.example/auth",
    "token_endpoint": "https://op.example/token",
    "end_session_endpoint": "https://op.example/logout",
    "userinfo_endpoint": "https://op.example/userinfo",
    "introspection_endpoint": "https://op.example/introspect",
    "jwks_uri": "https://op.example/certs",
}


def test_an_unset_inclusion_list_syncs_every_field_and_unknown_names_are_ignored() -> None:
    assert sync.included({}) == list(sync.SYNCED)
    assert sync.included({"includedWellKnownFields": ""}) == list(sync.SYNCED)
    assert sync.included({"includedWellKnownFields": "tokenUrl##clientSecret##issuer"}) == ["tokenUrl", "issuer"]


def test_only_included_fields_the_document_has_are_overwritten() -> None:
    config = {"includedWellKnownFields": "tokenUrl##logoutUrl", "tokenUrl": "old", "logoutUrl": "mine"}
    out = sync.applied(config, {"token_endpoint": "https://op.example/token", "end_session_endpoint": 7})
    assert out["tokenUrl"] == "https://op.example/token"
    assert out["logoutUrl"] == "mine"  # not a string in the document: kept
    assert "authorizationUrl" not in out and "validateSignature" not in out


def test_a_synced_jwks_uri_turns_on_signature_checks_by_it() -> None:
    out = sync.applied({"includedWellKnownFields": "jwksUrl", "validateSignature": "false"}, DOCUMENT)
    assert out["jwksUrl"] == "https://op.example/certs"
    assert out["validateSignature"] == "true" and out["useJwksUrl"] == "true"


def test_a_reload_request_overrides_the_url_the_list_and_the_switch() -> None:
    config = {"metadataDescriptorUrl": "a", "includedWellKnownFields": "issuer", "reloadEnabled": "true"}
    out = sync.overridden(config, {"includedWellKnownFields": "tokenUrl", "reloadEnabled": False})
    assert out == {"metadataDescriptorUrl": "a", "includedWellKnownFields": "tokenUrl", "reloadEnabled": "false"}
    assert sync.overridden(config, {"metadataDescriptorUrl": None, "reloadEnabled": "yes"}) == config


def test_only_oidc_providers_created_with_reload_enabled_and_a_url_are_synced_on_create() -> None:
    config = {"reloadEnabled": "true", "metadataDescriptorUrl": "https://op.example/.well-known/openid-configuration"}
    assert sync.due_on_create({"providerId": "oidc", "config": config})
    assert sync.due_on_create({"providerId": "keycloak-oidc", "config": config})
    assert not sync.due_on_create({"providerId": "google", "config": config})
    assert not sync.due_on_create({"providerId": "oidc", "config": config | {"reloadEnabled": "false"}})
    assert not sync.due_on_create({"providerId": "oidc", "config": {"reloadEnabled": "true"}})


async def test_a_good_sync_clears_the_last_error_and_a_failed_one_changes_no_field() -> None:
    ticks = iter([1000, 1250])
    calls: list[str] = []

    async def fetch(url: str) -> bytes:
        calls.append(url)
        return b'{"authorization_endpoint": "https://op.example/auth"}'

    timed = sync.TimedFetch(fetch, lambda: next(ticks))
    config = {"metadataDescriptorUrl": "https://op.example/wk", "wellKnownLastSyncError": "earlier"}
    good = await sync.synced(config, timed, timed, 5000)
    assert calls == ["https://op.example/wk"]
    assert good["authorizationUrl"] == "https://op.example/auth"
    assert good["wellKnownLastSyncAttempt"] == "5000" and good["wellKnownLastSyncAttemptDuration"] == "250"
    assert "wellKnownLastSyncError" not in good

    async def failing(url: str) -> bytes:
        raise ValueError("HTTP status 500")

    failed_timed = sync.TimedFetch(failing, lambda: 0)
    failed = await sync.synced(config | {"authorizationUrl": "kept"}, failed_timed, failed_timed, 6000)
    assert failed["authorizationUrl"] == "kept"
    assert failed["wellKnownLastSyncError"] == "Failed to load the discovery document: HTTP status 500"
    assert failed["wellKnownLastSyncAttempt"] == "6000" and failed["wellKnownLastSyncAttemptDuration"] == "0"


@pytest.mark.parametrize("raw", [b"[]", b"not json", b"\xff", b"[" * 200 + b"]" * 200])
def test_a_document_that_is_not_a_json_object_is_a_value_error(raw: bytes) -> None:
    with pytest.raises(ValueError):
        sync.document_of(raw)

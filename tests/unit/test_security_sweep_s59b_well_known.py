"""Security sweep (session 59, second pass) of an identity provider's well-known sync (broker/well_known_sync.py)
with a hostile discovery document."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.broker import well_known_sync as sync

STORED = {
    "authorizationUrl": "https://idp.example/auth",
    "tokenUrl": "https://idp.example/token",
    "jwksUrl": "https://idp.example/jwks",
    "clientId": "doorkeep",
    "clientSecret": "s3cret",
    "enabled": "true",
    "validateSignature": "false",
    "useJwksUrl": "false",
}


@pytest.mark.parametrize(
    "value",
    ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,x", "//evil.example/x", "https://", "gopher://h/x"],
)
def test_an_endpoint_that_is_no_web_url_leaves_the_stored_one(value: str) -> None:
    """FIXED: such a value was stored as the provider's endpoint (a jwks_uri also switched signature checks on);
    an administrator's PUT of it is ``The url [...] is malformed``, so a document may not store it either."""
    document = {"jwks_uri": value, "authorization_endpoint": value, "token_endpoint": "https://idp.example/t2"}
    out = sync.applied(dict(STORED), document)
    assert out["jwksUrl"] == STORED["jwksUrl"] and out["authorizationUrl"] == STORED["authorizationUrl"]
    assert out["validateSignature"] == "false" and out["useJwksUrl"] == "false"
    assert out["tokenUrl"] == "https://idp.example/t2"


@pytest.mark.parametrize("value", [1, 1.5, True, None, [], ["https://x.example/"], {"u": "https://x.example/"}, ""])
def test_a_field_of_the_wrong_type_is_skipped(value: Any) -> None:
    """Held: only a non-empty string replaces a stored field."""
    out = sync.applied(dict(STORED), {"token_endpoint": value, "issuer": value})
    assert out["tokenUrl"] == STORED["tokenUrl"] and "issuer" not in out


def test_a_document_cannot_reach_settings_outside_the_synced_fields() -> None:
    """Held: members named like other settings, and included fields naming them, change nothing."""
    config = dict(STORED) | {sync.INCLUDED: "clientSecret##enabled##alias##tokenUrl"}
    document = {"clientSecret": "x", "client_secret": "x", "enabled": "false", "alias": "other", "tokenUrl": "x"}
    out = sync.applied(config, document)
    assert {k: out[k] for k in STORED} == STORED
    body = {"clientSecret": "x", sync.INCLUDED: "clientSecret", sync.RELOAD_ENABLED: "TRUE"}
    overridden = sync.overridden(dict(STORED), body)
    assert overridden["clientSecret"] == "s3cret" and overridden[sync.RELOAD_ENABLED] == "true"
    assert sync.included(overridden) == []


@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"null", b"<html>", b"{", b"[" * 5000 + b"]" * 5000])
def test_a_document_that_is_no_json_object_is_a_value_error(raw: bytes) -> None:
    """Held: recorded as the sync's error, nothing changed (no 500)."""
    with pytest.raises(ValueError):
        sync.document_of(raw)

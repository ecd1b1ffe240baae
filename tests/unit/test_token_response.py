"""The token response is typed and keeps Keycloak's field order; the minted facts travel with it."""

from __future__ import annotations

import base64
import hashlib

import jwt

from doorkeep.keys.material import HMAC_ALG, generate, load
from doorkeep.oauth.minted import Minted, Unsigned

KEY = load(generate("realm", HMAC_ALG, 0))


def _minted(*, refresh: bool, id_token: bool, session: str | None) -> Minted:
    unsigned = {"access_token": Unsigned({"exp": 400, "jti": "onrtac:a"}, KEY, HMAC_ALG)}
    if refresh:
        unsigned["refresh_token"] = Unsigned({"iat": 100, "jti": "r", "typ": "Refresh"}, KEY, HMAC_ALG)
    if id_token:
        unsigned["id_token"] = Unsigned({"typ": "ID", "at_hash": ""}, KEY, HMAC_ALG)
    return Minted(
        user_id="u",
        session_id=session,
        access_jti="onrtac:a",
        expires_in=300,
        token_type="Bearer",
        not_before_policy=0,
        scope="openid profile",
        unsigned=unsigned,
        refresh_jti="r" if refresh else None,
        refresh_type="Refresh" if refresh else None,
        refresh_expires_in=1800 if refresh else 0,
    )


def test_a_full_response_lists_its_fields_in_keycloaks_order() -> None:
    body = _minted(refresh=True, id_token=True, session="s").response()
    assert list(body) == [
        "access_token",
        "expires_in",
        "refresh_expires_in",
        "refresh_token",
        "token_type",
        "id_token",
        "not-before-policy",
        "session_state",
        "scope",
    ]
    assert (body["expires_in"], body["refresh_expires_in"], body["session_state"]) == (300, 1800, "s")


def test_a_transient_response_has_no_refresh_token_id_token_or_session_state() -> None:
    body = _minted(refresh=False, id_token=False, session=None).response()
    assert list(body) == [
        "access_token",
        "expires_in",
        "refresh_expires_in",
        "token_type",
        "not-before-policy",
        "scope",
    ]
    assert body["refresh_expires_in"] == 0


def test_the_id_token_hashes_the_access_token_signed_with_it() -> None:
    body = _minted(refresh=False, id_token=True, session="s").response()
    id_claims = jwt.decode(body["id_token"], KEY.verifying, algorithms=[HMAC_ALG])
    digest = hashlib.sha512(body["access_token"].encode()).digest()
    assert id_claims["at_hash"] == base64.urlsafe_b64encode(digest[:32]).rstrip(b"=").decode()

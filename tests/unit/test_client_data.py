"""ClientData, the client's redirect carried in login-actions URLs (``client_data``)."""

from __future__ import annotations

import base64
import json

import pytest

from doorkeep.oauth import client_data
from doorkeep.oauth.auth_request import AuthRequest


def test_it_is_unpadded_base64url_json_with_keycloaks_member_names_and_no_empty_member() -> None:
    request = AuthRequest("app", "https://app.example/cb?x=1", "code", "query", "openid", state=None)
    encoded = client_data.encode(request)
    assert "=" not in encoded
    decoded = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert decoded == {"ru": "https://app.example/cb?x=1", "rt": "code", "rm": "query"}
    assert client_data.decode(encoded) == client_data.ClientData("https://app.example/cb?x=1", "code", "query", None)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "%%%",
        "bm90IGpzb24",
        base64.urlsafe_b64encode(b"[1]").decode(),
        base64.urlsafe_b64encode(b'{"ru":1}').decode(),
    ],
)
def test_anything_else_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        client_data.decode(value)


def test_an_over_long_value_is_refused_before_decoding() -> None:
    with pytest.raises(ValueError):
        client_data.decode("A" * (client_data.MAX_LENGTH + 1))

"""Security sweep s49 (review L1, deep JSON): parsers of JSON that callers or remote parties send, each of which
caught only ValueError, raised RecursionError on a thousand nested brackets: a 500. Each now reads through
numbers.loads (bounded nesting, ValueError) and answers as for any malformed JSON. tests/wire/
test_security_sweep_s49_deep_json.py covers the two reachable without credentials over the wire."""

from __future__ import annotations

import base64
import os

import pytest

from doorkeep.broker.calls import BrokerError, bounded_json
from doorkeep.clientreg import converters
from doorkeep.keys import jwe_direct
from doorkeep.oauth import acr, client_data
from doorkeep.oauth.mappers import helper

DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def test_the_claims_parameter_is_invalid_and_ignored() -> None:
    assert acr.required_values(DEEP) == [] and acr.required_values(DEEP_OBJECT) == []


def test_client_data_is_not_client_data() -> None:
    with pytest.raises(ValueError):
        client_data.decode(_b64(DEEP)[: client_data.MAX_LENGTH])


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_providers_answer_is_no_json(document: str) -> None:
    with pytest.raises(BrokerError):
        bounded_json(document.encode(), "userinfo")


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_client_description_is_unsupported(document: str) -> None:
    with pytest.raises(converters.UnsupportedDescription):
        converters._object(document)


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_json_typed_claim_keeps_its_text(document: str) -> None:
    assert helper._convert("JSON", document) == document


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_jwe_whose_header_nests_deeply_is_none(document: str) -> None:
    key = os.urandom(16)
    assert jwe_direct.decrypt(key, key, f"{_b64(document)}..{_b64('iv')}.{_b64('ct')}.{_b64('tag')}") is None

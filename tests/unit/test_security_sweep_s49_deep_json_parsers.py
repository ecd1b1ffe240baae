"""Security sweep s49 (review L1, deep JSON): parsers of JSON that callers or remote parties send, each of which
caught only ValueError, raised RecursionError on a thousand nested brackets: a 500. Each now reads through
numbers.loads (bounded nesting, ValueError) and answers as for any malformed JSON. tests/wire/
test_security_sweep_s49_deep_json.py covers the two reachable without credentials over the wire."""

from __future__ import annotations

import base64
import os

import pytest

from doorkeep.admin import representations
from doorkeep.broker import idp_mappers
from doorkeep.broker.calls import BrokerError, bounded_json
from doorkeep.clientpolicies import conditions
from doorkeep.clientreg import converters
from doorkeep.keys import jwe_direct
from doorkeep.model import Client, Realm
from doorkeep.oauth import acr, client_data, loa
from doorkeep.oauth.mappers import helper
from doorkeep.users import credential_label

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


# Stored configuration an administrator (or a client's registration) writes, read on every request that uses it: a
# deeply nested value was a RecursionError (a 500 on each token request of that client); now it is unreadable.


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_deeply_nested_acr_to_loa_map_is_no_map(document: str) -> None:
    client = Client(id="c", realm_id="r", client_id="app", attributes={acr.ACR_LOA_MAP: document})
    assert acr.loa_map(client, Realm(id="r", name="r")) == {}


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_deeply_nested_loa_note_is_none(document: str) -> None:
    assert loa.read_map(document) is None


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_deeply_nested_advanced_mappers_claims_apply_to_no_login(document: str) -> None:
    assert idp_mappers.advanced_claims(document) is None


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_deeply_nested_registered_nodes_are_none(document: str) -> None:
    client = Client(id="c", realm_id="r", client_id="app", attributes={representations.REGISTERED_NODES: document})
    assert representations.registered_nodes(client) == {}


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_deeply_nested_attributes_condition_is_refused(document: str) -> None:
    with pytest.raises(ValueError):
        conditions.attribute_pairs({"attributes": document})


@pytest.mark.parametrize("document", [DEEP, DEEP_OBJECT])
def test_a_deeply_nested_credential_label_body_is_no_label(document: str) -> None:
    """PUT /account/credentials/{id}/label, open to any user with manage-account: the 400 invalidRequestMessage."""
    with pytest.raises(ValueError):
        credential_label.json_label(document)

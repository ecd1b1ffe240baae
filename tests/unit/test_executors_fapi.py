"""The FAPI executors' pure parts (clientpolicies/executors_fapi.py, executors_request_object.py): what they read of
hostile input, where the wire tests cannot reach every shape."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from doorkeep.clientpolicies.context import ClientFacts, ClientPolicyViolation, Event, PolicyContext, RequestFacts
from doorkeep.clientpolicies.executors_fapi import (
    default_algorithm,
    secure_client_authentication_assertion,
    secure_signature_algorithm,
    secure_signature_algorithm_signed_jwt,
)
from doorkeep.clientpolicies.executors_request_object import as_long, as_text, secure_par_content

ISSUER = "http://localhost/realms/test"


def _segment(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _jws(header: Any, claims: Any) -> str:
    return f"{_segment(header)}.{_segment(claims)}.c2ln"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), (" 7 ", 7), ("12.9", 12), ("x", 0), (None, 0), ([1], 0), (True, 1), ("1e999", 2**63 - 1)],
)
def test_as_long_reads_as_jackson_does(value: Any, expected: int) -> None:
    assert as_long(value) == expected


def test_as_text_of_containers_is_empty() -> None:
    assert (as_text({"a": 1}), as_text([1]), as_text(60), as_text(False)) == ("", "", "60", "false")


def test_default_algorithm_falls_back_to_ps256() -> None:
    assert default_algorithm({"default-algorithm": "ES384"}) == "ES384"
    assert default_algorithm({"default-algorithm": "RS512"}) == default_algorithm({}) == "PS256"


def test_signature_algorithms_of_a_dynamic_registration_leave_the_access_token_alone() -> None:
    rep: dict[str, Any] = {"attributes": {}}
    context = PolicyContext(Event.REGISTER, proposed=rep)
    context.dynamic = True
    secure_signature_algorithm({}, context)
    assert "access.token.signed.response.alg" not in rep["attributes"]
    assert rep["attributes"]["id.token.signed.response.alg"] == "PS256"


@pytest.mark.parametrize(
    ("assertion", "description"),
    [
        ("not-a-jws", "not allowed input format."),
        (_jws({"alg": "XX1"}, {}), "not allowed input format."),
        (_jws({"alg": "RS256"}, {}), "not allowed signature algorithm."),
        ("!!!.e30.", "not allowed input format."),
    ],
)
def test_signed_jwt_refusals(assertion: str, description: str) -> None:
    context = PolicyContext(Event.TOKEN_REQUEST, params={"client_assertion": assertion})
    with pytest.raises(ClientPolicyViolation) as refused:
        secure_signature_algorithm_signed_jwt({}, context)
    assert (refused.value.error, refused.value.description) == ("invalid_request", description)


@pytest.mark.parametrize(
    ("claims", "description"),
    [
        ({"aud": [ISSUER, ISSUER + "/x"]}, "invalid audience in client assertion"),
        ({"aud": {"a": 1}}, "invalid client assertion"),
        ([1, 2], "invalid client assertion"),
        ({}, "invalid audience in client assertion"),
    ],
)
def test_client_assertion_audience(claims: Any, description: str) -> None:
    form = {"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    form["client_assertion"] = _jws({"alg": "PS256"}, claims)
    client = ClientFacts(public=False, bearer_only=False)
    context = PolicyContext(Event.TOKEN_REQUEST, client=client, params=form, request=RequestFacts(issuer=ISSUER))
    with pytest.raises(ClientPolicyViolation) as refused:
        secure_client_authentication_assertion({}, context)
    assert refused.value.description == description
    ok = PolicyContext(Event.TOKEN_REQUEST, client=client, request=RequestFacts(issuer=ISSUER))
    ok.params = {**form, "client_assertion": _jws({"alg": "PS256"}, {"aud": ISSUER})}
    secure_client_authentication_assertion({}, ok)


def test_par_content_names() -> None:
    query = {"client_id": "app", "request_uri": "URN:IETF:PARAMS:OAUTH:REQUEST_URI:abc", "state": "s"}
    context = PolicyContext(Event.PRE_AUTHORIZATION_REQUEST, params=query)
    context.request = RequestFacts(query=query, pushed_names=frozenset({"client_id", "state"}))
    secure_par_content({}, context)
    context.request = RequestFacts(query=query, pushed_names=frozenset({"client_id"}))
    with pytest.raises(ClientPolicyViolation, match="PAR request did not include necessary parameters"):
        secure_par_content({}, context)

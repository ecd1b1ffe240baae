"""The jwt-claim-enforcer and downscope-assertion-grant-enforcer executors (clientpolicies/executors_jwt_claim.py,
executors_downscope.py) on the inputs the wire port does not send: tokens that are no JWS, claims that are no string
or number, patterns that do not compile, and Java's HashSet order in downscope's message."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.clientpolicies.executors_downscope import executor as downscope
from doorkeep.clientpolicies.executors_downscope import java_set
from doorkeep.clientpolicies.executors_jwt_claim import ACCESS_TOKEN_TYPE, executor, valid_config


def _jws(payload: Any) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJub25lIn0.{body}.c2ln"


def _exchange(token: str, token_type: str = ACCESS_TOKEN_TYPE, **extra: str) -> PolicyContext:
    params = {"subject_token": token, "subject_token_type": token_type, **extra}
    return PolicyContext(Event.TOKEN_EXCHANGE_REQUEST, params=params)


def _refusal(config: dict[str, Any], context: PolicyContext) -> str:
    with pytest.raises(ClientPolicyViolation) as refused:
        executor(config, context)
    assert refused.value.error == "invalid_request"
    return refused.value.description


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c.d", "eyJ9.!!!.sig", _jws(["a", "list"])])
def test_a_subject_token_that_is_no_jws_of_an_object_is_not_valid(token: str) -> None:
    assert _refusal({"claim-name": "sub"}, _exchange(token)) == "JWT is not valid"


def test_only_an_access_token_subject_is_looked_at() -> None:
    context = _exchange(_jws({"sub": "x"}), "urn:ietf:params:oauth:token-type:id_token")
    assert (
        _refusal({"claim-name": "sub"}, context) == "Parameter 'subject_token' should be access_token for the executor"
    )


def test_a_configuration_without_a_claim_name_is_invalid_at_use() -> None:
    assert _refusal({}, _exchange(_jws({"sub": "x"}))) == "Invalid configuration"


@pytest.mark.parametrize("value", [True, ["a"], {"a": 1}])
def test_only_string_and_number_claims_are_compared(value: Any) -> None:
    config = {"claim-name": "c", "allowed-value": ".*"}
    assert _refusal(config, _exchange(_jws({"c": value}))) == "Value type for claim 'c' not allowed"


def test_a_number_claim_is_matched_as_its_text() -> None:
    executor({"claim-name": "n", "allowed-value": "4[0-9]"}, _exchange(_jws({"n": 42})))
    assert _refusal({"claim-name": "n", "allowed-value": "4"}, _exchange(_jws({"n": 42}))) == (
        "Value for claim 'n' not allowed"
    )


def test_a_pattern_that_does_not_compile_matches_nothing() -> None:
    config = {"claim-name": "c", "allowed-value": "("}
    assert _refusal(config, _exchange(_jws({"c": "("}))) == "Value for claim 'c' not allowed"


def test_a_blank_allowed_value_asks_only_for_the_claim() -> None:
    executor({"claim-name": "c", "allowed-value": "  "}, _exchange(_jws({"c": ["any", "shape"]})))


def test_other_events_pass() -> None:
    executor({"claim-name": "c"}, PolicyContext(Event.TOKEN_REQUEST))


def test_the_configuration_binds_scalars_only() -> None:
    assert valid_config({"claim-name": "c", "allowed-value": 5})
    assert not valid_config({"claim-name": ["c"]})
    assert not valid_config({"allowed-value": {"x": 1}})


def test_downscope_prints_scope_sets_as_java_hash_sets_do() -> None:
    """Keycloak's own message for the subject token "email profile optional-scope2" (StandardBaseTokenExchange-
    ClientPoliciesV2Test) whatever order the names come in; a name alone is itself."""
    for order in (["email", "profile", "optional-scope2"], ["optional-scope2", "email", "profile"]):
        assert java_set(order) == "[optional-scope2, profile, email]"
    assert java_set(["basic"], inserted=2) == "[basic]"


def test_downscope_refuses_a_scope_the_subject_token_lacks() -> None:
    context = _exchange(_jws({"scope": "email profile"}), scope="profile offline_access")
    with pytest.raises(ClientPolicyViolation) as refused:
        downscope({}, context)
    assert refused.value.error == "invalid_scope"
    assert (
        refused.value.description == "Scopes [offline_access] not present in the initial access token [profile, email]"
    )


def test_downscope_restricts_to_the_token_scopes() -> None:
    context = _exchange(_jws({"scope": "email"}))
    downscope({}, context)
    assert context.restricted_scopes == frozenset({"email"})


def test_downscope_takes_only_a_token_whose_scope_is_text() -> None:
    with pytest.raises(ClientPolicyViolation) as refused:
        downscope({}, _exchange(_jws({"scope": ["email"]})))
    assert refused.value.description == "Assertion contains an invalid access token"

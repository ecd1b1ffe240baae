"""The authorization request parser's length limits (AuthzEndpointRequestParser.getAndValidateParameter): a
parameter it reads that is over its limit is ignored, in the query and in a request object alike."""

from __future__ import annotations

import pytest

from doorkeep import errors as e
from doorkeep.errors import FatalRequest, InvalidRequest
from doorkeep.oauth import parameter_limits, request_parser
from doorkeep.oauth.context import Form
from doorkeep.oauth.provider_config import ProviderConfig

LONG = "x" * 4001


def test_the_query_keeps_parameters_up_to_their_limit_and_drops_longer_ones() -> None:
    form = Form([("client_id", "app"), ("scope", "x" * 4000), ("state", LONG), ("login_hint", "h" * 256)])
    kept = request_parser.first_values(form)
    assert kept.get("scope") == "x" * 4000
    assert kept.get("state") is None and kept.get("login_hint") is None
    assert kept.get("client_id") == "app"


def test_parameters_the_parser_does_not_read_and_max_age_have_no_limit_here() -> None:
    kept = request_parser.first_values(Form([("extra", LONG), ("max_age", "1" * 4001)]))
    assert kept.get("extra") == LONG and kept.get("max_age") == "1" * 4001


def test_an_over_long_request_object_value_leaves_the_query_value_in_place() -> None:
    merged = request_parser.merged(Form([("client_id", "app"), ("state", "q")]), {"state": LONG, "nonce": "n"})
    assert merged.params.get("state") == "q" and merged.params.get("nonce") == "n"


def test_an_over_long_value_of_a_pushed_request_object_is_absent() -> None:
    merged = request_parser.merged(Form([("state", "q")]), {"state": LONG}, replace_all=True)
    assert merged.params.get("state") is None


def test_an_over_long_response_type_counts_as_missing_for_an_openid_request() -> None:
    problem = request_parser.query_problem(Form([("response_type", LONG)]), response_type_required=True)
    assert problem == "Missing parameter: response_type"


def test_the_server_options_set_the_limits_per_parameter_and_by_default() -> None:
    """``req-params-max-size--<name>`` beats login_hint's built-in 255, which beats ``req-params-default-max-size``."""
    oidc = ProviderConfig(req_params_default_max_size=10, req_params_max_sizes={"login_hint": 300, "nonce": 2})
    form = Form([("state", "s" * 11), ("scope", "o" * 10), ("login_hint", "h" * 300), ("nonce", "nnn")])
    kept = request_parser.first_values(form, oidc)
    assert kept.get("state") is None and kept.get("nonce") is None
    assert kept.get("scope") == "o" * 10 and kept.get("login_hint") == "h" * 300


def test_fail_fast_turns_an_over_long_parameter_into_the_parsers_invalid_request() -> None:
    """``add-req-params-fail-fast``: AuthzEndpointRequestParser throws, and the processor's catch-all answers
    the "Invalid Request" page."""
    oidc = ProviderConfig(add_req_params_fail_fast=True)
    with pytest.raises(FatalRequest) as refused:
        request_parser.first_values(Form([("state", LONG)]), oidc)
    assert refused.value.description == e.AUTHZ_INVALID_REQUEST
    assert request_parser.first_values(Form([("state", "x" * 4000)]), oidc).get("state") == "x" * 4000


def test_the_token_endpoint_drops_or_refuses_as_the_fail_fast_switches_say() -> None:
    form = Form([("grant_type", "refresh_token"), ("refresh_token", "r" * 20001), ("scope", LONG)])
    with pytest.raises(InvalidRequest) as refused:
        parameter_limits.within_limits(form, "refresh_token")
    assert refused.value.description == "The size of OIDC parameter 'refresh_token' is longer than allowed."
    lenient = ProviderConfig(add_req_token_params_fail_fast=False)
    kept = parameter_limits.within_limits(form, "refresh_token", lenient)
    assert kept.keys() == ["grant_type"]
    strict = ProviderConfig(add_req_params_fail_fast=True, req_token_params_default_max_size=30000)
    with pytest.raises(InvalidRequest) as scope:
        parameter_limits.within_limits(form, "refresh_token", strict)
    assert scope.value.description == "The size of OIDC parameter 'scope' is longer than allowed."


def test_known_parameters_are_the_ones_read_and_keycloaks_others() -> None:
    """KNOWN_PARAMS (never an additional parameter) holds every parameter the parser reads, and exactly these."""
    known = request_parser.KNOWN_PARAMS
    assert set(request_parser.READ) <= known
    assert known == {
        "client_id", "response_type", "response_mode", "redirect_uri", "state", "scope", "login_hint", "prompt",
        "kc_idp_hint", "kc_action", "nonce", "max_age", "ui_locales", "request", "request_uri", "claims", "acr_values",
        "code_challenge", "code_challenge_method", "dpop_jkt", "client_assertion_type", "client_assertion",
        "client_secret", "resource",
    }  # fmt: skip

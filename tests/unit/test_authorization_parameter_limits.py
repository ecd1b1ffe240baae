"""The authorization request parser's length limits (AuthzEndpointRequestParser.getAndValidateParameter): a
parameter it reads that is over its limit is ignored, in the query and in a request object alike."""

from __future__ import annotations

from doorkeep.oauth import request_parser
from doorkeep.oauth.context import Form

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

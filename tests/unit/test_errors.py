"""Errors are types: each OAuth error code knows its status, whether it may be redirected and its event error."""

from __future__ import annotations

import pytest

from doorkeep import errors
from doorkeep.errors import (
    AccessDenied,
    BearerError,
    FatalRequest,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    InvalidToken,
    NotAllowed,
    OAuthError,
    ServerError,
    TemporarilyUnavailable,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    UnsupportedTokenType,
)

# code, Keycloak's usual status, may it go back to the client's redirect URI
TABLE: list[tuple[type[OAuthError], str, int, bool]] = [
    (InvalidRequest, "invalid_request", 400, True),
    (FatalRequest, "invalid_request", 400, False),
    (InvalidClient, "invalid_client", 401, False),
    (InvalidGrant, "invalid_grant", 400, True),
    (UnauthorizedClient, "unauthorized_client", 401, True),
    (UnsupportedGrantType, "unsupported_grant_type", 400, True),
    (UnsupportedResponseType, "unsupported_response_type", 400, True),
    (UnsupportedTokenType, "unsupported_token_type", 400, True),
    (InvalidScope, "invalid_scope", 400, True),
    (AccessDenied, "access_denied", 403, True),
    (InvalidToken, "invalid_token", 401, True),
    (NotAllowed, "not_allowed", 400, True),
    (ServerError, "server_error", 500, True),
    (TemporarilyUnavailable, "temporarily_unavailable", 503, True),
]


@pytest.mark.parametrize(("cls", "code", "status", "redirectable"), TABLE, ids=lambda v: getattr(v, "__name__", None))
def test_each_error_class_knows_its_code_status_and_whether_it_may_be_redirected(
    cls: type[OAuthError], code: str, status: int, redirectable: bool
) -> None:
    err = cls("some description")
    assert (err.error, err.status, err.redirectable) == (code, status, redirectable)
    assert err.body() == {"error": code, "error_description": "some description"}


@pytest.mark.parametrize("cls", [row[0] for row in TABLE], ids=lambda c: c.__name__)
def test_the_event_error_is_the_code_unless_the_raise_site_says_otherwise(cls: type[OAuthError]) -> None:
    assert cls("x").event_error == cls.error
    assert cls("x", event_error="user_disabled").event_error == "user_disabled"


def test_a_raise_site_overrides_the_status_as_keycloak_does() -> None:
    err = InvalidClient(errors.BEARER_ONLY, status=400)
    assert err.status == 400
    assert InvalidClient(errors.BEARER_ONLY).status == 401


def test_the_private_detail_never_reaches_the_response_body() -> None:
    err = InvalidGrant(errors.INVALID_USER_CREDENTIALS, status=401, detail="wrong password for user alice")
    assert "wrong password" not in repr(err.body())
    assert "wrong password" not in str(err)
    assert err.detail == "wrong password for user alice"


def test_every_oauth_error_code_has_exactly_one_class() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, OAuthError)]
    codes = [c.error for c in classes if c is not OAuthError and c is not FatalRequest]
    assert len(codes) == len(set(codes)), codes


def test_a_bearer_error_answers_with_the_typed_error_it_wraps() -> None:
    wrapped = BearerError(InvalidRequest("Token not provided", status=401))
    assert (wrapped.error, wrapped.description, wrapped.status) == ("invalid_request", "Token not provided", 401)


def test_a_bearer_error_without_a_cause_is_keycloaks_bare_unauthorized() -> None:
    bare = BearerError()
    assert (bare.error, bare.description, bare.status) == (None, None, 401)


def test_each_raise_builds_a_new_error_so_no_traceback_is_shared() -> None:
    def refuse() -> None:
        raise InvalidGrant(errors.STALE_TOKEN)

    caught = []
    for _ in range(2):
        with pytest.raises(InvalidGrant) as info:
            refuse()
        caught.append(info.value)
    assert caught[0] is not caught[1]

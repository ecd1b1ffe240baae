"""The SMTP login's token request (email/smtp_tokens.py) is bounded as every outbound call to an administrator's URL:
an answer past MAX_ANSWER_BYTES is no token (the mail then fails as for any token failure), one within it is."""

from __future__ import annotations

import pytest

import smtp_token_stub
from doorkeep.clock import FakeClock
from doorkeep.email import smtp_tokens

pytestmark = pytest.mark.anyio
token_endpoint = smtp_token_stub.token_endpoint


def settings(url: str) -> dict[str, str]:
    return {"authTokenUrl": url, "authTokenClientId": "test-smtp-client-I", "authTokenClientSecret": "secret"}


async def test_an_answer_within_the_limit_gives_its_token(token_endpoint: smtp_token_stub.TokenEndpoint) -> None:
    token_endpoint.padding = smtp_tokens.MAX_ANSWER_BYTES // 2
    tokens = smtp_tokens.SmtpTokens(FakeClock(1_700_000_000))
    assert await tokens.token("realm", settings(token_endpoint.url)) == "token-1"


async def test_an_oversized_answer_is_no_token(token_endpoint: smtp_token_stub.TokenEndpoint) -> None:
    token_endpoint.padding = smtp_tokens.MAX_ANSWER_BYTES
    tokens = smtp_tokens.SmtpTokens(FakeClock(1_700_000_000))
    with pytest.raises(smtp_tokens.TokenUnavailable, match="TooLarge"):
        await tokens.token("realm", settings(token_endpoint.url))


async def test_a_refused_grant_and_a_bad_url_name_no_secret(token_endpoint: smtp_token_stub.TokenEndpoint) -> None:
    tokens = smtp_tokens.SmtpTokens(FakeClock(1_700_000_000))
    refused = {**settings(token_endpoint.url), "authTokenClientSecret": "wrong-secret"}
    with pytest.raises(smtp_tokens.TokenUnavailable) as caught:
        await tokens.token("realm", refused)
    assert "wrong-secret" not in str(caught.value) and "HTTP 401" in str(caught.value)
    with pytest.raises(smtp_tokens.TokenUnavailable) as bad:
        await tokens.token("realm", settings("http://[::1"))
    assert str(bad.value) == "token request failed: InvalidURL"

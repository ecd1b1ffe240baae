"""Review M4 for what sessions 68-70 added: with every logger Doorkeep writes to at its lowest level, the JWT
authorization grant (a token, a replay, a forged signature), federated client authentication (a token, a forged
assertion, a replay) and an organization invitation (mailed, followed, accepted) leave no secret in any log record
(the raw records, before the handler's redaction filter) nor in any error answer: not the assertion (nor its signed
part), the tokens issued for it, the invitation's action token, the client secret or a cookie's value."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from debug_logs import LOGGERS
from fake_idp import ATTACKER_KEY, fake_idp
from federated_client_support import EXTERNAL, IDP_ALIAS, INTERNAL, default_token, federated_realm, grant, signed
from jwt_grant_setup import grant_realm
from mail_sink import Sink
from org_invitations import create_org, enable, invite, member, proceed
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


@contextlib.contextmanager
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Level 1 (below DEBUG and uvicorn's TRACE) on the root and on each logger a request path writes to."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(caplog.at_level(1))
        for name in LOGGERS:
            stack.enter_context(caplog.at_level(1, logger=name))
        yield


def _server_side(record: logging.LogRecord, own: str) -> str:
    """A record as the server wrote it; the test client's own request lines are left out."""
    if record.name.startswith(("httpx", "httpcore")) and own.rstrip("/") in record.getMessage():
        return ""
    return f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {record.__dict__!r}"


class Seen:
    """The secrets a flow handled, and every error answer it got."""

    def __init__(self, *secrets: str) -> None:
        self.secrets: list[str] = list(secrets)
        self.errors: list[str] = []

    def answer(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            self.errors.append(response.text)
        return response

    def tokens(self, response: httpx.Response) -> None:
        assert response.status_code == 200, response.text
        body = response.json()
        self.secrets += [body[k] for k in ("access_token", "refresh_token", "id_token") if body.get(k)]

    def cookies(self, http: httpx.AsyncClient) -> None:
        self.secrets += [c.value for c in http.cookies.jar if c.value and len(c.value) > 8]

    def check(self, caplog: pytest.LogCaptureFixture, env: Env, errors: int) -> None:
        assert caplog.records  # the lowest level was on
        logged = "\n".join(_server_side(r, str(env.http.base_url)) for r in caplog.records)
        assert len(self.errors) >= errors, self.errors
        for value in self.secrets:
            assert value not in logged, value[:20]
            assert all(value not in error for error in self.errors), value[:20]
            if value.count(".") == 2:  # a JWT: not even its signed part
                assert value.rsplit(".", 1)[0] not in logged, value[:20]
                assert all(value.rsplit(".", 1)[0] not in error for error in self.errors), value[:20]


async def test_the_jwt_authorization_grant_logs_no_assertion_nor_token(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    async with grant_realm(realm) as ag:
        seen = Seen("secret")
        with everything_logged(caplog):
            assertion = ag.assertion()
            forged = ag.idp.signed(ag.claims(), key=ATTACKER_KEY)
            seen.secrets += [assertion, forged]
            seen.tokens(await ag.post(assertion))
            seen.answer(await ag.post(assertion))  # replayed
            seen.answer(await ag.post(forged))
            seen.answer(await ag.post(ag.assertion(), secret="wrong-secret-7f3a"))
            seen.answer(await ag.post(ag.assertion(), client="test-public", secret=None, scope="openid"))
        seen.check(caplog, realm, errors=3)


async def test_federated_client_authentication_logs_no_assertion_nor_token(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    async with fake_idp() as provider:
        await federated_realm(realm, provider.rep(IDP_ALIAS, supportsClientAssertions="true"))
        seen = Seen()
        with everything_logged(caplog):
            assertion = signed(default_token(realm, provider))
            forged = signed(default_token(realm, provider), key=ATTACKER_KEY)
            wrong_subject = signed(default_token(realm, provider, sub=EXTERNAL + "-x"))
            seen.secrets += [assertion, forged, wrong_subject]
            seen.tokens(await grant(realm, assertion))
            seen.answer(await grant(realm, assertion))  # replayed
            seen.answer(await grant(realm, forged))
            seen.answer(await grant(realm, wrong_subject, client_id=INTERNAL))
        seen.check(caplog, realm, errors=3)


async def test_an_organization_invitation_logs_no_action_token(
    env: Env, mail: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    await enable(env, mail)
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@neworg.org")).id
    seen = Seen()
    with everything_logged(caplog):
        assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
        link = mail.received[-1].link()
        seen.secrets += parse_qs(urlsplit(link).query)["key"]
        confirm = await env.http.get(link)
        assert confirm.status_code == 200, confirm.text[:300]
        joined = await env.http.get(proceed(confirm.text))
        assert joined.status_code < 400, joined.text[:300]
        seen.cookies(env.http)
        seen.answer(await env.http.get(link))  # spent
        seen.answer(await env.http.get(link.replace("key=", "key=x")))  # mangled
    assert await member(env.http, org, user) is not None
    seen.check(caplog, env, errors=0)

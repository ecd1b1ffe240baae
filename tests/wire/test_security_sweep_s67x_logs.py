"""Security sweep s67x (review M4 for what sessions 62-67 added): with every logger Doorkeep writes to at its
lowest level (below TRACE), the forgot-credentials reset ended with a new password, a DPoP-bound code exchange, a
standard token exchange asking for a refresh token, a pushed authorization request used up at login, an admin
reset-password-email, credential-registrators, and the logout confirmation leave no secret in any log record
(the raw records, before the handler's redaction filter) nor in any error answer: not the new password, the
client secret, a code, a token (nor its signed part), a DPoP proof, the email's action token, the PAR
``request_uri`` or a cookie's value."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import REDIRECT, code_from, form_action, form_fields, start, submit
from debug_logs import LOGGERS
from dpop_port import ProofKey
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
OIDC = "/realms/test/protocol/openid-connect"
TOKEN = f"{OIDC}/token"
SECRET = "s67x-client-secret-5d1e"
NEW_PASSWORD = "s67x-New-pw-c0ffee"
EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"
REFRESH = "urn:ietf:params:oauth:token-type:refresh_token"


@contextlib.contextmanager
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Level 1 (Keycloak's ALL, below uvicorn's TRACE) on the root and on each logger a request path writes to."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(caplog.at_level(1))
        for name in LOGGERS:
            stack.enter_context(caplog.at_level(1, logger=name))
        yield


@pytest.fixture
async def mailed(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, reset_password_allowed=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    attributes = {"standard.token.exchange.enabled": "true", "standard.token.exchange.enableRefreshRequestedTokenType":
                  "SAME_SESSION"}  # fmt: skip
    await seed_client(env.db, "test", "app", secret=SECRET, redirect_uris=("http://127.0.0.1:9999/*",),
                      attributes=attributes)  # fmt: skip
    await seed_user(env.db, env.clock, "test", "user1")
    return env


def _server_side(record: logging.LogRecord, own: str) -> str:
    """A record as the server wrote it: its message, arguments and traceback; the test's own client's request lines
    (httpx's, for requests to the app under test) are left out, the server's outbound requests are not."""
    if record.name.startswith(("httpx", "httpcore")) and own.rstrip("/") in record.getMessage():
        return ""
    return f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {record.__dict__!r}"


class Seen:
    """The secrets a flow handled, and every error answer it got."""

    def __init__(self) -> None:
        self.secrets: list[str] = [SECRET, NEW_PASSWORD]
        self.errors: list[str] = []

    def answer(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            self.errors.append(response.text)
        return response

    def tokens(self, response: httpx.Response) -> dict[str, str]:
        assert response.status_code == 200, response.text
        body = response.json()
        self.secrets += [body[k] for k in ("access_token", "refresh_token", "id_token") if body.get(k)]
        return dict(body)

    def cookies(self, http: httpx.AsyncClient) -> None:
        self.secrets += [c.value for c in http.cookies.jar if c.value and len(c.value) > 8]


async def test_the_newest_flows_log_and_answer_no_secret_at_the_lowest_level(
    mailed: Env, mail: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    env, seen = mailed, Seen()
    key = ProofKey("ec")
    with everything_logged(caplog):
        # forgot-credentials: the form, the mail's action token, the new password, the code at the client
        request = {"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid",
                   "state": "s1"}  # fmt: skip
        page = await env.http.get(f"{OIDC}/forgot-credentials", params=request)
        assert page.status_code == 200, page.text[:300]
        asked = await env.http.post(form_action(page.text), data={**form_fields(page.text), "username": "user1"})
        assert asked.status_code == 200, asked.text[:300]
        [sent] = mail.received
        seen.secrets += parse_qs(urlsplit(sent.link()).query)["key"]
        form = await env.http.get(sent.link())
        fields = {**form_fields(form.text), "password-new": NEW_PASSWORD, "password-confirm": NEW_PASSWORD}
        done = await env.http.post(form_action(form.text), data=fields)
        code = code_from(done)["code"]
        seen.secrets.append(code)
        seen.cookies(env.http)
        # the code, exchanged with a DPoP proof; once more (refused); then a refresh-type token exchange
        proof = key.proof("POST", f"http://localhost{TOKEN}", env.clock.now())
        seen.secrets.append(proof)
        data = {"grant_type": "authorization_code", "code": code, "client_id": "app", "client_secret": SECRET,
                "redirect_uri": REDIRECT}  # fmt: skip
        tokens = seen.tokens(await env.http.post(TOKEN, data=data, headers={"DPoP": proof}))
        seen.answer(await env.http.post(TOKEN, data=data, headers={"DPoP": proof}))
        traded = {"grant_type": EXCHANGE, "client_id": "app", "client_secret": SECRET, "subject_token_type": ACCESS,
                  "subject_token": tokens["access_token"], "requested_token_type": REFRESH}  # fmt: skip
        seen.answer(await env.http.post(TOKEN, data=traded))
        bearer_traded = {**traded, "requested_token_type": ACCESS}
        seen.answer(await env.http.post(TOKEN, data=bearer_traded))
        # a pushed authorization request, used up by the login, then pushed again with a wrong secret
        pushed = await env.http.post(f"{OIDC}/ext/par/request", data={**request, "client_secret": SECRET})
        assert pushed.status_code == 201, pushed.text
        request_uri = pushed.json()["request_uri"]
        seen.secrets.append(request_uri)
        env.http.cookies.clear()
        page = await start(env.http, "test", "app", request_uri=request_uri)
        code = code_from(await submit(env.http, page, username="user1", password=NEW_PASSWORD))["code"]
        seen.secrets.append(code)
        seen.cookies(env.http)
        seen.tokens(await env.http.post(TOKEN, data={**data, "code": code}))
        again = await env.http.get(f"{OIDC}/auth", params={"client_id": "app", "request_uri": request_uri})
        seen.answer(again)
        seen.answer(await env.http.post(f"{OIDC}/ext/par/request", data={**request, "client_secret": SECRET + "x"}))
        # the logout confirmation, its form posted back
        confirm = await env.http.get(f"{OIDC}/logout")
        assert confirm.status_code == 200, confirm.text[:300]
        confirmed = await env.http.post(form_action(confirm.text), data={**form_fields(confirm.text),
                                                                          "confirmLogout": "Logout"})  # fmt: skip
        assert confirmed.status_code < 400, confirmed.text[:300]
        # the admin's reset-password-email and credential-registrators
        admin = await env.admin_headers()
        seen.secrets.append(admin["Authorization"].split()[1])
        users = await env.http.get("/admin/realms/test/users", params={"username": "user1"}, headers=admin)
        user = users.json()[0]["id"]
        reset = await env.http.put(
            f"/admin/realms/test/users/{user}/reset-password-email",
            params={"client_id": "app", "redirect_uri": REDIRECT},
            headers=admin,
        )
        assert reset.status_code == 204, reset.text
        seen.secrets += parse_qs(urlsplit(mail.received[-1].link()).query)["key"]
        registrators = await env.http.get("/admin/realms/test/credential-registrators", headers=admin)
        assert registrators.status_code == 200, registrators.text
    assert caplog.records  # the lowest level was on
    logged = "\n".join(_server_side(r, str(env.http.base_url)) for r in caplog.records)
    assert len(seen.errors) >= 3, seen.errors
    for value in seen.secrets:
        assert value not in logged, value[:20]
        assert all(value not in error for error in seen.errors), value[:20]
        if value.count(".") == 2:  # a JWT: not even its signed part
            assert value.rsplit(".", 1)[0] not in logged, value[:20]

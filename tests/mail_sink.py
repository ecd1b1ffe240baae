"""A real SMTP server in the test process (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import inspect
import re
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import pytest

import ports
from support import seed_mail_realm

if TYPE_CHECKING:
    from wire_env import Env


def free_port() -> int:
    """A port nothing listens on now: the kernel's pick, or one in ``DOORKEEP_TEST_PORTS`` when a run shares
    the machine (ports.free_port), so parallel test workers never share one."""
    return ports.free_port()


DOWN_PORT = free_port()  # nothing listens here (bound and released at import)


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())

    def link(self) -> str:
        """The one link of the text part."""
        found = re.findall(r"https?://\S+", self.part("plain"))
        assert len(found) == 1, found
        return str(found[0])


@dataclass
class Sink:
    """Accepts SMTPUTF8 and offers AUTH (PLAIN, LOGIN, XOAUTH2) without TLS, as the Java tests' GreenMail does;
    a login succeeds only with the pair ``credentials`` set, an XOAUTH2 one only as ``token_credentials`` says
    (none by default: every login fails)."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    login: tuple[str, str] | None = None
    logins: list[str] = field(default_factory=list)  # the user of each login attempt
    token_login: tuple[str, Callable[[str], bool | Awaitable[bool]]] | None = None
    tokens: list[str] = field(default_factory=list)  # the bearer token of each XOAUTH2 attempt
    # While ``release`` is set to an unset Event, a message's DATA is answered only once it is set; ``holding`` is set
    # when one waits (a slow mail server, for the tests of what the sender holds meanwhile).
    release: threading.Event | None = None
    holding: threading.Event = field(default_factory=threading.Event)

    def hold(self) -> threading.Event:
        """From now on, each message waits until the returned Event is set (``holding`` tells when one waits)."""
        self.release = threading.Event()
        return self.release

    def credentials(self, user: str, password: str) -> None:
        """GreenMail's ``credentials(user, password)``: the one pair a login may use."""
        self.login = (user, password)

    def token_credentials(self, user: str, accept: Callable[[str], bool | Awaitable[bool]]) -> None:
        """GreenMail's ``credentials(user, token -> ...)``: XOAUTH2 logins of ``user`` whose token ``accept``s; an
        ``accept`` that returns an awaitable is awaited on the sink's event loop, where it may wait for another
        login (as the Java test's callbacks block on latches)."""
        self.token_login = (user, accept)

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> Any:
        """SASL XOAUTH2 with its initial response: ``user=U^Aauth=Bearer T^A^A``, base64."""
        from aiosmtpd.smtp import AuthResult

        try:
            fields = dict(
                part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01") if "=" in part
            )
        except (IndexError, ValueError):
            return AuthResult(success=False, handled=False)
        user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
        self.tokens.append(token)
        ok = self.token_login is not None and self.token_login[0] == user
        if ok and self.token_login is not None:
            verdict = self.token_login[1](token)  # a coroutine may hold the login (on the sink's own event loop)
            ok = bool(await verdict) if inspect.isawaitable(verdict) else bool(verdict)
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 235 or 535 itself

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append(user)
        return AuthResult(success=self.login == (user, password), handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.release is not None:
            self.holding.set()
            await asyncio.to_thread(self.release.wait, 30)  # 30 s: only so that a broken test cannot hang
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def settings(self, **extra: str) -> dict[str, str]:
        return {"host": "127.0.0.1", "port": str(self.port), "from": "auth@example.com", **extra}


@pytest.fixture
def mail() -> Iterator[Sink]:
    """The sink on a free port; aiosmtpd is imported here, so only the tests that use it need it installed."""
    from aiosmtpd.controller import Controller

    sink = Sink(port=free_port())
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=sink.port,
        enable_SMTPUTF8=True,
        authenticator=sink.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
async def mail_realm(env: Env, mail: Sink) -> Env:
    """Realm ``test`` mailing through the sink, with client ``app`` and user ``user1`` (support.seed_mail_realm); a
    test module takes it as its realm: ``realm = mail_sink.mail_realm``."""
    await seed_mail_realm(env.db, env.clock, mail.settings())
    return env

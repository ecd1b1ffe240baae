"""Running uvicorn so that "listening" is printed only once the port is bound."""

from __future__ import annotations

import re
import signal
import socket
import sys
import threading
from types import FrameType

import click
import uvicorn
from uvicorn.supervisors import Multiprocess

from doorkeep.server import draining, management
from doorkeep.server.coalescing import CoalescingHttpToolsProtocol
from doorkeep.settings import Settings


def _announce(settings: Settings) -> None:
    scheme = "https" if settings.https_certificate_file else "http"
    click.echo(f"Doorkeep listening on {scheme}://{settings.http_host}:{settings.http_port}", err=True)
    plan = management.interface(settings)
    if plan is not None:  # Keycloak's line; the management port has the main port's TLS
        click.echo(f"Management interface listening on {scheme}://{plan.host}:{plan.port}", err=True)


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that says "listening" after its sockets are bound, not before."""

    def __init__(self, config: uvicorn.Config, settings: Settings) -> None:
        super().__init__(config)
        self._settings = settings

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            _announce(self._settings)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """SIGTERM: keep serving for ``--shutdown-delay`` (readiness DOWN), then uvicorn's graceful shutdown."""
        delay = self._settings.shutdown_delay
        if sig != signal.SIGTERM or delay <= 0 or draining.active() or self.should_exit:
            super().handle_exit(sig, frame)
            return
        draining.start()
        timer = threading.Timer(delay, super().handle_exit, (sig, frame))
        timer.daemon = True
        timer.start()


class _DelayingSupervisor(Multiprocess):
    """The worker supervisor: on SIGTERM it waits ``--shutdown-delay``, then stops the workers, each of
    which finishes its in-flight requests within ``--shutdown-timeout``."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], delay: float) -> None:
        super().__init__(config, sockets=sockets)
        self._delay = delay

    def handle_term(self) -> None:
        if self._delay > 0 and not self.should_exit.is_set():
            self.should_exit.wait(self._delay)  # a second signal does not shorten it; the workers keep serving
        super().handle_term()


def bind(settings: Settings) -> list[socket.socket]:
    """Bind and listen on the main port and, when it is open, the management port, now: a taken port is one
    clear line before anything else."""
    sockets = [_listen(settings.http_host, settings.http_port, "")]
    plan = management.interface(settings)
    if plan is not None:
        try:
            sockets.append(_listen(plan.host, plan.port, " (management interface, --http-management-port)"))
        except click.ClickException:
            sockets[0].close()
            raise
    return sockets


def _listen(host: str, port: int, what: str) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, _, _, _, address = infos[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}{what}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}{what}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def run(settings: Settings, log_level: int, sockets: list[socket.socket]) -> None:
    """Serve on ``sockets`` (from ``bind``); "listening" is printed once the server accepts connections."""
    config = uvicorn.Config(
        "doorkeep.cli:app_factory",
        factory=True,
        host=settings.http_host,
        port=settings.http_port,
        workers=settings.workers if settings.workers > 1 else None,
        loop="uvloop",
        http=CoalescingHttpToolsProtocol,  # httptools, a response in one write (server/coalescing.py)
        ssl_certfile=settings.https_certificate_file,
        ssl_keyfile=settings.https_certificate_key_file,
        log_level=log_level,
        log_config=None,
        access_log=settings.http_access_log_enabled,
        proxy_headers=False,
        server_header=False,
        # uvicorn waits forever for a falsy timeout; it only hands the number to asyncio.wait_for
        timeout_graceful_shutdown=settings.shutdown_timeout or 0.001,  # type: ignore[arg-type]
    )
    try:
        if settings.workers > 1:
            _announce(settings)  # bound and listening: the workers accept from this socket
            _DelayingSupervisor(config, sockets, settings.shutdown_delay).run()
        else:
            _AnnouncingServer(config, settings).run(sockets=sockets)
    except SystemExit as exc:  # uvicorn exits 3 when it cannot start; it logged why
        if exc.code:
            click.echo(f"Error: cannot serve on {settings.http_host}:{settings.http_port}", err=True)
            sys.exit(1)
        raise
    finally:
        for sock in sockets:
            sock.close()


_DRIVER_PREFIX = re.compile(r"^\([\w.]+\) ")  # SQLAlchemy's "(sqlalchemy.dialects.postgresql.asyncpg.Error) "


def describe(exc: BaseException, db_url: str | None = None) -> str:
    """One line for a start-up failure: the exception's message without a traceback. A PostgreSQL server that
    cannot be reached or refuses the connection is named ("… (PostgreSQL at host:5432)"), without the driver's
    class names (``gaierror``, ``(sqlalchemy.dialects.postgresql.asyncpg.Error)``)."""
    from sqlalchemy.exc import DBAPIError

    text = str(exc).strip().splitlines()
    server = _postgresql_server(db_url)
    if server and isinstance(exc, DBAPIError) and text:  # database "x" does not exist, password failed, ...
        return f"{_DRIVER_PREFIX.sub('', text[0])} ({server})"
    if server and isinstance(exc, OSError):  # refused, unknown host, timed out
        return f"{exc.strerror or (text[0] if text else type(exc).__name__)} ({server})"
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _postgresql_server(db_url: str | None) -> str | None:
    """``PostgreSQL at host:port`` of a PostgreSQL URL, else None."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(db_url or "")
    except (ArgumentError, ValueError):
        return None
    if not url.get_backend_name().startswith("postgres"):
        return None
    host = (url.host or "localhost").rpartition("@")[2]  # an "@" left unencoded in the password: the rest is no host
    return f"PostgreSQL at {host}:{url.port or 5432}"

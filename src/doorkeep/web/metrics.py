"""Prometheus metrics (``--metrics-enabled true``): the observer, the request middleware and ``/metrics``.

Per request the cost is one histogram observation (``http_server_requests_seconds``, whose ``_count``
is the request counter) plus, on the token endpoint, one or two counter increments. Session counts are
a gauge refreshed by at most one ``COUNT`` every ``SESSION_GAUGE_SECONDS``, never one per scrape.
With ``PROMETHEUS_MULTIPROC_DIR`` set (``--workers N``), every worker writes its values there and a
scrape served by any worker aggregates them (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import base64
import json
import os
import time
from typing import Any
from urllib.parse import parse_qsl

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from doorkeep import observe
from doorkeep.event_metrics import UserEventMetrics
from doorkeep.store import tables
from doorkeep.store.database import Database
from doorkeep.web.http import state
from doorkeep.web.unavailable import database_unavailable

SESSION_GAUGE_SECONDS = 30.0
GRANTS = frozenset(
    {
        "password",
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:token-exchange",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:openid:params:grant-type:ciba",
        "urn:ietf:params:oauth:grant-type:uma-ticket",
    }
)
FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class PrometheusObserver(observe.Observer):
    """Every Doorkeep metric, in its own registry (one per app; several apps may share a process in tests)."""

    def __init__(self, user_events: UserEventMetrics | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self.user_events = user_events
        self.user_events_counter = (
            None
            if user_events is None
            else Counter("keycloak_user_events", "Keycloak user events", user_events.label_names, registry=reg)
        )
        self.requests = Histogram(
            "http_server_requests_seconds",
            "HTTP requests by method, route template and status (Keycloak's name)",
            ["method", "uri", "status", "outcome"],
            buckets=FAST,
            registry=reg,
        )
        self.tokens = Counter(
            "doorkeep_tokens_issued", "Tokens issued by the token endpoint", ["grant_type", "token_type"], registry=reg
        )
        self.refresh_failures = Counter(
            "doorkeep_refresh_failures", "Failed refresh_token grants", ["error", "reason"], registry=reg
        )
        self.sessions = Gauge(
            "doorkeep_sessions",
            "User sessions stored, by kind (online, offline)",
            ["kind"],
            multiprocess_mode="mostrecent",
            registry=reg,
        )
        self.pool_checked_out = Gauge(
            "doorkeep_db_pool_checked_out", "Database connections in use", multiprocess_mode="livesum", registry=reg
        )
        self.pool_size = Gauge(
            "doorkeep_db_pool_size",
            "Database connections the pool keeps (per process)",
            multiprocess_mode="livesum",
            registry=reg,
        )
        self.transactions = Histogram(
            "doorkeep_db_transaction_seconds", "Duration of one unit of work", ["mode"], buckets=FAST, registry=reg
        )
        self.password_hash = Histogram(
            "doorkeep_password_hash_seconds",
            "Time to hash or verify a password",
            ["algorithm"],
            buckets=FAST,
            registry=reg,
        )
        self._sessions_at = -SESSION_GAUGE_SECONDS

    def user_event(self, labels: tuple[str, ...]) -> None:
        if self.user_events_counter is not None:
            self.user_events_counter.labels(*labels).inc()

    def password_hashed(self, algorithm: str, seconds: float) -> None:
        self.password_hash.labels(algorithm).observe(seconds)

    def transaction(self, write: bool, seconds: float) -> None:
        self.transactions.labels("write" if write else "read").observe(seconds)

    def report_pool_size(self, db: Database) -> None:
        """The connections the database keeps between transactions; those in use come from
        ``connections_in_use`` (the database keeps idle connections itself: SQLAlchemy's pool events
        would count them as in use)."""
        self.pool_size.set(db.pool_size)

    def connections_in_use(self, change: int) -> None:
        self.pool_checked_out.inc(change)

    def token_answer(self, form_body: bytes, status: int, body: bytes | memoryview) -> None:
        """Count what a token-endpoint answer issued, or why a refresh failed."""
        grant_type = _grant(form_body)
        body = bytes(body)
        if status == 200:
            answer = json.loads(body)
            self.tokens.labels(grant_type, "access").inc()
            refresh = answer.get("refresh_token")
            if isinstance(refresh, str):
                self.tokens.labels(grant_type, _typ(refresh)).inc()
            if "id_token" in answer:
                self.tokens.labels(grant_type, "id").inc()
        elif grant_type == "refresh_token":
            answer = json.loads(body) if body.startswith(b"{") else {}
            reason = str(answer.get("error_description", "")).split(":", 1)[0][:80]
            self.refresh_failures.labels(str(answer.get("error", status)), reason).inc()

    async def refresh_sessions(self, db: Database) -> None:
        """Recount sessions when the last count is older than ``SESSION_GAUGE_SECONDS``."""
        now = time.monotonic()
        if now - self._sessions_at < SESSION_GAUGE_SECONDS:
            return
        self._sessions_at = now
        us = tables.user_sessions
        async with db.engine.connect() as conn:
            rows = (await conn.execute(select(us.c.offline, func.count()).group_by(us.c.offline))).all()
        counts = {bool(offline): int(n) for offline, n in rows}
        self.sessions.labels("online").set(counts.get(False, 0))
        self.sessions.labels("offline").set(counts.get(True, 0))

    def exposition(self) -> bytes:
        folder = multiprocess_dir()
        if folder is None:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        multiprocess.MultiProcessCollector(merged, path=folder)  # type: ignore[no-untyped-call]
        return generate_latest(merged)


def _grant(form_body: bytes) -> str:
    """The form's grant_type if it is one Doorkeep knows (a label never takes arbitrary input)."""
    for key, value in parse_qsl(form_body.decode("utf-8", "replace")):
        if key == "grant_type":
            return value if value in GRANTS else "other"
    return "none"


def _typ(refresh_token: str) -> str:
    """``offline`` or ``refresh``, from the refresh token's ``typ`` claim (payload read, not verified)."""
    try:
        payload = refresh_token.split(".")[1]
        claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return "refresh"
    return "offline" if claims.get("typ") == "Offline" else "refresh"


class RequestMetrics:
    """ASGI middleware: one observation per HTTP request, labelled by the matched route's template."""

    def __init__(self, app: ASGIApp, observer: PrometheusObserver) -> None:
        self.app = app
        self.observer = observer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            uri = getattr(route, "path", None) or ("NOT_FOUND" if status == 404 else "UNKNOWN")
            outcome = "SUCCESS" if status < 400 else "CLIENT_ERROR" if status < 500 else "SERVER_ERROR"
            if 300 <= status < 400:
                outcome = "REDIRECTION"
            self.observer.requests.labels(scope["method"], uri, str(status), outcome).observe(
                time.perf_counter() - started
            )


async def endpoint(request: Request) -> Response:
    """``GET /metrics``: 404 unless metrics are enabled, as Keycloak answers without ``--metrics-enabled``."""
    observer = observe.current()
    st = state(request)
    if not st.settings.metrics_enabled or not isinstance(observer, PrometheusObserver):
        return Response("Not Found", 404, media_type="text/plain")
    try:
        await observer.refresh_sessions(st.db)
    except Exception as exc:  # the counters live in memory: an outage leaves the last session count
        if not database_unavailable(exc):
            raise
    return Response(observer.exposition(), media_type=CONTENT_TYPE_LATEST)

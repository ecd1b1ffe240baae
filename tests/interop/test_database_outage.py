"""A real server on PostgreSQL: the database goes away (503 + Retry-After, ready DOWN) and comes back
(Doorkeep recovers by itself, no restart). Metrics stay scrapable throughout."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from interop.server import DoorkeepProcess
from pg import ThrowawayPostgres

pytestmark = [pytest.mark.postgres, pytest.mark.interop]
PORT = 18610


class MetricsServer(DoorkeepProcess):
    def command(self) -> list[str]:
        return [*super().command(), "--metrics-enabled", "true"]


@pytest.fixture
def pg() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres()  # of its own: this test stops and restarts it
    server.start()
    try:
        server.create_database("outage")
        yield server
    finally:
        server.stop()


def call(url: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=15) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def admin_token(base: str) -> tuple[int, dict[str, str], bytes]:
    return call(
        f"{base}/realms/master/protocol/openid-connect/token",
        {"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"},
    )


def test_outage_answers_503_and_recovers_when_postgresql_returns(pg: ThrowawayPostgres, tmp_path: Path) -> None:
    server = MetricsServer(tmp_path, port=PORT, db_url=pg.url("outage"))
    server.start()
    try:
        base = server.base_url
        assert admin_token(base)[0] == 200
        assert call(f"{base}/health/ready")[0] == 200

        pg.pause()
        status, headers, body = admin_token(base)
        assert status == 503, body
        assert headers["retry-after"].isdigit()
        assert json.loads(body)["error"] == "temporarily_unavailable"
        status, headers, body = call(f"{base}/health/ready")
        assert status == 503 and json.loads(body)["status"] == "DOWN"
        assert call(f"{base}/realms/master/.well-known/openid-configuration")[0] == 503
        assert call(f"{base}/health/live")[0] == 200
        assert call(f"{base}/metrics")[0] == 200  # counters live in memory: the scrape still answers

        pg.resume()
        deadline = time.monotonic() + 20
        statuses = []
        while time.monotonic() < deadline:
            statuses.append(admin_token(base)[0])
            if statuses[-1] == 200:
                break
            time.sleep(0.5)
        assert statuses[-1] == 200, statuses
        assert all(s in (200, 503) for s in statuses), statuses  # never a 500 on the way back
        assert call(f"{base}/health/ready")[0] == 200
        metrics = call(f"{base}/metrics")[2].decode()
        assert 'status="503"' in metrics and "doorkeep_db_transaction_seconds_count" in metrics
        assert server.running
        assert "Traceback" not in server.output()
    finally:
        server.stop()


def test_the_outage_page_links_its_stylesheet_under_the_relative_path(pg: ThrowawayPostgres, tmp_path: Path) -> None:
    """The 503 page of a browser endpoint is drawn without a realm: its stylesheet is still under /auth."""
    server = DoorkeepProcess(tmp_path, db_url=pg.url("outage"), relative_path="/auth")
    server.start()
    try:
        assert admin_token(server.base_url)[0] == 200
        pg.pause()
        try:
            status, headers, body = call(f"{server.base_url}/realms/master/protocol/openid-connect/auth")
        finally:
            pg.resume()
        assert status == 503 and headers["content-type"].startswith("text/html"), body
        assert b'href="/auth/resources/console/login.css"' in body, body
    finally:
        server.stop()


class TwoWorkers(MetricsServer):
    def command(self) -> list[str]:
        return [*super().command(), "--workers", "2"]


def test_two_workers_share_one_metrics_view(pg: ThrowawayPostgres, tmp_path: Path) -> None:
    """prometheus_client's multiprocess mode: whichever worker answers the scrape counts every worker's work."""
    server = TwoWorkers(tmp_path, port=PORT + 1, db_url=pg.url("outage"))
    server.start()
    try:
        base = server.base_url
        for _ in range(8):
            assert admin_token(base)[0] == 200
        for _ in range(4):  # each scrape lands on either worker; all of them see the 8 tokens
            text = call(f"{base}/metrics")[2].decode()
            line = next(
                x
                for x in text.splitlines()
                if x.startswith("doorkeep_tokens_issued_total{") and 'token_type="access"' in x
            )
            assert float(line.rsplit(" ", 1)[1]) == 8.0
    finally:
        server.stop()

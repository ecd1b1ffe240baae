"""Side-by-side throughput with wrk: Doorkeep against node-oidc-provider, and against the crypto floor.

Doorkeep (and the peer) run pinned to core 0, wrk to core 1, keep-alive, the same Lua scripts for both.
Rates are taken in alternating runs, so that the ratios compare figures from the same minutes of a
shared machine. See bench/README.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import statistics
import tempfile
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import floor
import peer
import seed as seeding
import stack
import wrk_runner
from harness import Server

from doorkeep.model import Client, User
from doorkeep.realms import provisioning
from doorkeep.realms.bootstrap import set_password
from doorkeep.store.database import Database

CC_CLIENT, CC_SECRET = "bench-cc", "bench-cc-secret"
ROTATE_CLIENT, ROTATE_SECRET = "bench-rotate", "bench-rotate-secret"
ES_REALM = "bench-es"
SERVER_CORE, LOAD_CORE = "0", "1"


@dataclasses.dataclass(frozen=True)
class Plan:
    seconds: float
    rounds: int
    connections: int


async def seed_more(db_url: str) -> None:
    """Next to seed.seed's realm: a client_credentials client without refresh tokens, a client with
    rotation (Revoke Refresh Token, max reuse 0), and an ES256 realm with the same client and user."""
    import time

    now = int(time.time())
    db = Database(db_url)
    try:
        async with db.transaction() as tx:
            realm = await tx.realms.get_by_name(seeding.REALM)
            assert realm is not None
            await provisioning.create_client(
                tx,
                realm,
                Client(
                    id=provisioning.new_id(),
                    realm_id=realm.id,
                    client_id=CC_CLIENT,
                    secret=CC_SECRET,
                    service_accounts_enabled=True,
                    standard_flow_enabled=False,
                ),
                now=now,
            )
            await provisioning.create_client(
                tx,
                realm,
                Client(
                    id=provisioning.new_id(),
                    realm_id=realm.id,
                    client_id=ROTATE_CLIENT,
                    secret=ROTATE_SECRET,
                    direct_access_grants_enabled=True,
                    attributes={"revoke.refresh.token": "true", "refresh.token.max.reuse": "0"},
                ),
                now=now,
            )
            es = await provisioning.create_realm(tx, ES_REALM, now, default_signature_algorithm="ES256")
            await provisioning.create_client(
                tx,
                es,
                Client(
                    id=provisioning.new_id(),
                    realm_id=es.id,
                    client_id=seeding.CLIENT_ID,
                    secret=seeding.CLIENT_SECRET,
                    direct_access_grants_enabled=True,
                ),
                now=now,
            )
            user = await provisioning.create_user(
                tx,
                es,
                User(
                    id=provisioning.new_id(),
                    realm_id=es.id,
                    username=seeding.USERNAME,
                    email_verified=True,
                    email=f"{seeding.USERNAME}@example.com",
                    first_name="Bench",
                    last_name="User",
                    created_timestamp=now * 1000,
                ),
            )
            await set_password(tx, user, seeding.PASSWORD, now, policy=realm.password_policy)
    finally:
        await db.dispose()


def _form(**fields: str) -> str:
    return urllib.parse.urlencode(fields)


def _offline_tokens(server: Server, realm: str, client: str, secret: str, count: int) -> list[str]:
    import httpx

    tokens = []
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        for _ in range(count):
            response = http.post(
                f"/realms/{realm}/protocol/openid-connect/token",
                data=seeding.offline_login_form(client, secret),
            )
            response.raise_for_status()
            tokens.append(str(response.json()["refresh_token"]))
    return tokens


def _token_url(base: str, realm: str) -> str:
    return f"{base}/realms/{realm}/protocol/openid-connect/token"


def _fixed(url: str, body: str, plan: Plan) -> wrk_runner.WrkResult:
    return wrk_runner.run(
        url,
        "form.lua",
        {"BENCH_BODY": body},
        seconds=plan.seconds,
        connections=plan.connections,
        threads=1,
        core=LOAD_CORE,
    )


def _rotating(
    url: str, body: str, tokens: list[str], plan: Plan, workdir: Path, rotate: bool = True
) -> wrk_runner.WrkResult:
    """One token per connection: each request sends the one the previous answer returned, or (``rotate``
    False) the connection's first token every time."""
    path = workdir / "tokens.txt"
    path.write_text("\n".join(tokens) + "\n")
    return wrk_runner.run(
        url,
        "rotate.lua",
        {"BENCH_BODY": body, "BENCH_TOKENS": str(path), "BENCH_ROTATE": "1" if rotate else "0"},
        seconds=plan.seconds,
        connections=plan.connections,
        threads=plan.connections,
        core=LOAD_CORE,
    )


def _row(name: str, results: list[wrk_runner.WrkResult], reference: float | None = None, label: str = "") -> float:
    rate = statistics.median(r.rate for r in results)
    errors = sum(r.non_200 for r in results)
    p50 = statistics.median(r.p50_ms for r in results)
    p99 = max(r.p99_ms for r in results)
    ratio = f"{rate / reference:6.2f}  {label}" if reference else ""
    print(f"{name:<60} {rate:>9.0f} {p50:>7.1f} {p99:>7.1f} {errors:>6}   {ratio}", flush=True)
    return rate


HEADER = f"{'scenario':<60} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'non200':>6}   ratio"


def _alternate(plan: Plan, runs: list[Callable[[], wrk_runner.WrkResult]]) -> list[list[wrk_runner.WrkResult]]:
    """Each run ``plan.rounds`` times, interleaved (A B A B ...)."""
    results: list[list[wrk_runner.WrkResult]] = [[] for _ in runs]
    for _ in range(plan.rounds):
        for slot, run in enumerate(runs):
            results[slot].append(run())
    return results


def client_credentials_vs_peer(server: Server, plan: Plan, workdir: Path) -> None:
    """Doorkeep, node-oidc-provider and the stack's ceiling (bench/stack_app.py), alternating."""
    body = _form(grant_type="client_credentials", client_id=CC_CLIENT, client_secret=CC_SECRET)
    with contextlib.ExitStack() as started:
        other = peer.Peer(CC_CLIENT, CC_SECRET, SERVER_CORE)
        started.callback(other.stop)
        ceiling = stack.Stack(CC_SECRET, SERVER_CORE, workdir)
        started.callback(ceiling.stop)
        ours, theirs, least = _alternate(
            plan,
            [
                lambda: _fixed(_token_url(server.base_url, seeding.REALM), body, plan),
                lambda: _fixed(f"{other.base_url}/token", body, plan),
                lambda: _fixed(f"{ceiling.base_url}/token", body, plan),
            ],
        )
    peer_rate = _row(f"node-oidc-provider {peer.version()} client_credentials", theirs)
    _row("Doorkeep client_credentials (RS256, no refresh token)", ours, peer_rate, "× node-oidc-provider")
    _row("the stack's ceiling: uvicorn + Starlette, 1 SQLite read, 1 sign", least, peer_rate, "× node-oidc-provider")


def refreshes(
    server: Server, plan: Plan, workdir: Path, primitives: dict[str, float], label: str, ceiling: bool = False
) -> None:
    """Offline refresh, scope openid offline_access: rotation off (one token, reused; and one per connection)
    and on (chains). With ``ceiling``, the rotation-off runs alternate with the stack's ceiling for a refresh."""
    url = _token_url(server.base_url, seeding.REALM)
    fixed_token = _offline_tokens(server, seeding.REALM, seeding.CLIENT_ID, seeding.CLIENT_SECRET, 1)[0]
    off_body = _form(
        grant_type="refresh_token",
        refresh_token=fixed_token,
        client_id=seeding.CLIENT_ID,
        client_secret=seeding.CLIENT_SECRET,
    )
    on_body = _form(grant_type="refresh_token", client_id=ROTATE_CLIENT, client_secret=ROTATE_SECRET)
    floor_rate = 1 / floor.refresh_floor(primitives, "RS256")
    if ceiling:
        with contextlib.ExitStack() as started:
            least = stack.Stack(CC_SECRET, SERVER_CORE, workdir)
            started.callback(least.stop)
            token = (workdir / "stack.db.refresh").read_text()
            ceiling_body = _form(
                grant_type="refresh_token", refresh_token=token, client_id="bench-app", client_secret=CC_SECRET
            )
            off, least_runs = _alternate(
                plan,
                [lambda: _fixed(url, off_body, plan), lambda: _fixed(f"{least.base_url}/refresh", ceiling_body, plan)],
            )
    else:
        off = [_fixed(url, off_body, plan) for _ in range(plan.rounds)]
    _row(f"{label} refresh, rotation off", off, floor_rate, "of the RS256 floor")
    if ceiling:
        _row("the stack's ceiling for this refresh (bench/stack_app.py)", least_runs, floor_rate, "of the RS256 floor")
    # A fleet refreshes many sessions, each one at a time: one session per connection, as the rotation rows do.
    # The row above hammers one session from every connection, whose row lock then serialises the workers.
    sessions_body = _form(grant_type="refresh_token", client_id=seeding.CLIENT_ID, client_secret=seeding.CLIENT_SECRET)
    per_connection = _offline_tokens(server, seeding.REALM, seeding.CLIENT_ID, seeding.CLIENT_SECRET, plan.connections)
    spread = [_rotating(url, sessions_body, per_connection, plan, workdir, rotate=False) for _ in range(plan.rounds)]
    _row(f"{label} refresh, rotation off, {plan.connections} sessions", spread, floor_rate, "of the RS256 floor")
    on = []
    for _ in range(plan.rounds):
        chains = _offline_tokens(server, seeding.REALM, ROTATE_CLIENT, ROTATE_SECRET, plan.connections)
        on.append(_rotating(url, on_body, chains, plan, workdir))
    _row(f"{label} refresh, rotation on (max reuse 0)", on, floor_rate, "of the RS256 floor")


def es256_refresh(server: Server, plan: Plan, workdir: Path, primitives: dict[str, float]) -> None:
    token = _offline_tokens(server, ES_REALM, seeding.CLIENT_ID, seeding.CLIENT_SECRET, 1)[0]
    body = _form(
        grant_type="refresh_token",
        refresh_token=token,
        client_id=seeding.CLIENT_ID,
        client_secret=seeding.CLIENT_SECRET,
    )
    with contextlib.ExitStack() as started:
        least = stack.Stack(CC_SECRET, SERVER_CORE, workdir)
        started.callback(least.stop)
        ceiling_body = _form(
            grant_type="refresh_token",
            refresh_token=(workdir / "stack.db.refresh").read_text(),
            client_id="bench-app",
            client_secret=CC_SECRET,
        )
        raw_dir = workdir / "raw"
        raw = stack.Stack(CC_SECRET, SERVER_CORE, raw_dir, app="raw_app")
        started.callback(raw.stop)
        raw_body = _form(
            grant_type="refresh_token",
            refresh_token=(raw_dir / "stack.db.refresh").read_text(),
            client_id="bench-app",
            client_secret=CC_SECRET,
        )
        bare = stack.Bare(SERVER_CORE)
        started.callback(bare.stop)
        results, least_runs, raw_runs, bare_runs = _alternate(
            plan,
            [
                lambda: _fixed(_token_url(server.base_url, ES_REALM), body, plan),
                lambda: _fixed(f"{least.base_url}/refresh-es256", ceiling_body, plan),
                lambda: _fixed(f"{raw.base_url}/refresh-es256", raw_body, plan),
                lambda: _fixed(f"{bare.base_url}/token", body, plan),
            ],
        )
    seconds = floor.refresh_floor(primitives, "ES256")
    _row("SQLite ES256 realm refresh, rotation off", results, 1 / seconds, "of the ES256 floor")
    _row("the stack's ceiling for this refresh (bench/stack_app.py)", least_runs, 1 / seconds, "of the ES256 floor")
    _row("  the same without Starlette (stack_app.raw_app)", raw_runs, 1 / seconds, "of the ES256 floor")
    # What a request costs before any endpoint work, plus the floor's cryptography: the best any Python
    # endpoint served by uvicorn can do, with no form, no SQL, no claims and no JSON of its own.
    bare_rate = _row("uvicorn alone, a constant answer (bench/bare_app.py)", bare_runs)
    bound = seconds / (1 / bare_rate + seconds)
    name = "  uvicorn alone + the ES256 floor: the bound for any endpoint"
    print(f"{name:<60} {'':>33}   {bound:6.2f}  of the ES256 floor")


def print_floor(primitives: dict[str, float]) -> None:
    parts = ", ".join(f"{name} {seconds * 1e6:.0f} µs" for name, seconds in primitives.items())
    print(f"crypto floor, timed in this process just now: {parts}")
    for alg in ("RS256", "ES256"):
        seconds = floor.refresh_floor(primitives, alg)
        print(
            f"  refresh with {alg} (2 {alg} signs + HS512 sign + HS512 verify): {seconds * 1e6:.0f} µs "
            f"= {1 / seconds:.0f} req/s on one core"
        )
    print(f"  client_credentials (1 RS256 sign): {floor.client_credentials_floor(primitives) * 1e6:.0f} µs")


def side_by_side(plan: Plan, postgres: bool) -> None:
    print(
        f"\n== Side by side with wrk (server on core {SERVER_CORE}, wrk on core {LOAD_CORE}, "
        f"{plan.connections} keep-alive connections, {plan.rounds} × {plan.seconds:.0f} s each, median) =="
    )
    primitives = floor.primitives()
    print_floor(primitives)
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="doorkeep-bench-side-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        asyncio.run(seeding.seed(db_url))
        asyncio.run(seed_more(db_url))
        server = Server(Path(tmp), db_url, core=SERVER_CORE)
        server.start()
        try:
            client_credentials_vs_peer(server, plan, Path(tmp))
            refreshes(server, plan, Path(tmp), primitives, "SQLite, 1 process,", ceiling=True)
            es256_refresh(server, plan, Path(tmp), primitives)
        finally:
            server.stop()
    if postgres:
        for workers in (1, 2):
            _postgres(plan, primitives, workers)


def _postgres(plan: Plan, primitives: dict[str, float], workers: int) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from pg import ThrowawayPostgres

    with ThrowawayPostgres() as pg, tempfile.TemporaryDirectory(prefix="doorkeep-bench-side-pg-") as tmp:
        pg.create_database("bench")
        db_url = pg.url("bench")
        asyncio.run(seeding.seed(db_url))
        asyncio.run(seed_more(db_url))
        # One worker shares core 0 with nothing; two workers get both cores (PostgreSQL is not pinned).
        server = Server(Path(tmp), db_url, workers=workers, core=SERVER_CORE if workers == 1 else None)
        server.start()
        try:
            refreshes(server, plan, Path(tmp), primitives, f"PostgreSQL, --workers {workers},")
        finally:
            server.stop()

"""How far a faster grant could take an offline refresh: Doorkeep, Doorkeep with a free grant, the stack's ceiling.

    .venv/bin/python bench/grant_bound.py [--seconds 5] [--rounds 3]

Three servers on core 0, wrk on core 1, alternated (A B C A B C ...), each hammered with one offline token,
rotation off, SQLite, as side.py's rotation-off row: Doorkeep; Doorkeep whose grant is free after its first call
(bench/free_grant_server.py: the same HTTP layer, transaction, realm read, response and signatures); the stack's
ceiling (bench/stack_app.py). Each is printed as a fraction of the RS256 refresh floor timed in the same run, and
the grant's cost per request is derived from the first two rates. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

import floor
import seed as seeding
import side
import stack
from harness import Server

HERE = Path(__file__).resolve().parent


class FreeGrantServer(Server):
    """``doorkeep start-dev`` through bench/free_grant_server.py."""

    def command(self) -> list[str]:
        cmd = super().command()
        at = cmd.index("start-dev")
        return [*cmd[: at - 1], sys.executable, str(HERE / "free_grant_server.py"), *cmd[at:]]


def _refresh_body(server: Server) -> str:
    token = side._offline_tokens(server, seeding.REALM, seeding.CLIENT_ID, seeding.CLIENT_SECRET, 1)[0]
    return side._form(
        grant_type="refresh_token",
        refresh_token=token,
        client_id=seeding.CLIENT_ID,
        client_secret=seeding.CLIENT_SECRET,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    plan = side.Plan(seconds=args.seconds, rounds=args.rounds, connections=args.connections)
    primitives = floor.primitives()
    side.print_floor(primitives)
    floor_rate = 1 / floor.refresh_floor(primitives, "RS256")
    with tempfile.TemporaryDirectory(prefix="doorkeep-bench-bound-") as tmp:
        work = Path(tmp)
        db_url = f"sqlite:///{work / 'bench.db'}"
        asyncio.run(seeding.seed(db_url))
        asyncio.run(side.seed_more(db_url))
        real = Server(work / "real", db_url, core=side.SERVER_CORE)
        free = FreeGrantServer(work / "free", db_url, core=side.SERVER_CORE)
        least = None
        try:
            real.start()
            free.start()
            least = stack.Stack(side.CC_SECRET, side.SERVER_CORE, work)
            real_body, free_body = _refresh_body(real), _refresh_body(free)
            token = (work / "stack.db.refresh").read_text()
            least_body = side._form(
                grant_type="refresh_token", refresh_token=token, client_id="bench-app", client_secret=side.CC_SECRET
            )
            url = least.base_url
            runs = side._alternate(
                plan,
                [
                    lambda: side._fixed(side._token_url(real.base_url, seeding.REALM), real_body, plan),
                    lambda: side._fixed(side._token_url(free.base_url, seeding.REALM), free_body, plan),
                    lambda: side._fixed(f"{url}/refresh", least_body, plan),
                ],
            )
        finally:
            for server in (real, free, least):
                if server is not None:
                    server.stop()
    print(side.HEADER, flush=True)
    ours = side._row("Doorkeep SQLite refresh, rotation off", runs[0], floor_rate, "of the RS256 floor")
    bound = side._row("the same with a free grant (bench/free_grant_server.py)", runs[1], floor_rate, "of the floor")
    side._row("the stack's ceiling for this refresh (bench/stack_app.py)", runs[2], floor_rate, "of the floor")
    grant_us = (1 / ours - 1 / bound) * 1e6
    target_us = (1 / (0.6 * floor_rate) - 1 / bound) * 1e6
    print(
        f"\nThe grant costs {grant_us:.0f} µs a request on the server's core; at 0.6 of the floor it may cost "
        f"{target_us:.0f} µs (median rates of {len(runs[0])} rounds: {statistics.median(r.rate for r in runs[0]):.0f}"
        f" and {statistics.median(r.rate for r in runs[1]):.0f} req/s)."
    )


if __name__ == "__main__":
    main()

"""A separate process using doorkeep-keeper, for the race and crash tests.

    python keeper_worker.py STORE_DIR TOKEN_ENDPOINT ISSUER SUBJECT [--go FILE] [--die-before-store]

Prints the access token it obtained as JSON ``{"access_token": ...}`` or ``{"error": TypeName}``.
``--die-before-store`` SIGKILLs this process right after the server answered a refresh, before the new
token is written: the worst moment for a crash.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from doorkeep_keeper import FileStore, Keeper, KeeperError, StoredGrant, TokenKey

CLIENT_ID, CLIENT_SECRET = "offline-access-portal", "password"


class DiesBeforeStoring(FileStore):
    def save(self, grant: StoredGrant) -> None:
        if grant.refreshing_since is None and grant.refresh_count > 0:  # the successor, fresh from the server
            os.kill(os.getpid(), signal.SIGKILL)
        super().save(grant)


def main(argv: list[str]) -> int:
    store_dir, endpoint, issuer, subject = argv[:4]
    go = Path(argv[argv.index("--go") + 1]) if "--go" in argv else None
    store = DiesBeforeStoring(store_dir) if "--die-before-store" in argv else FileStore(store_dir)
    keeper = Keeper(store, token_endpoint=endpoint, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    while go is not None and not go.exists():
        time.sleep(0.005)
    try:
        print(json.dumps({"access_token": keeper.access_token(TokenKey(issuer, CLIENT_ID, subject))}))
    except KeeperError as exc:
        print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
    finally:
        keeper.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

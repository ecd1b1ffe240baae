"""node-oidc-provider 9, the peer of the client-credentials benchmark, from npm into a scratch folder.

The folder (``bench/.scratch/oidc-provider``, not committed) gets ``npm install oidc-provider@9`` once,
and a copy of ``bench/peer/oidc-provider.mjs`` (ES modules resolve packages next to the importing file).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from harness import Listener, free_port
from wrk_runner import pinned

HERE = Path(__file__).resolve().parent
SCRATCH = HERE / ".scratch" / "oidc-provider"
VERSION = "9"


def install() -> Path:
    if not (SCRATCH / "node_modules" / "oidc-provider").is_dir():
        SCRATCH.mkdir(parents=True, exist_ok=True)
        (SCRATCH / "package.json").write_text('{"name": "doorkeep-bench-peer", "private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", f"oidc-provider@{VERSION}"],
            cwd=SCRATCH,
            check=True,
        )
    shutil.copy(HERE / "peer" / "oidc-provider.mjs", SCRATCH / "oidc-provider.mjs")
    return SCRATCH


def version() -> str:
    import json

    return str(json.loads((SCRATCH / "node_modules" / "oidc-provider" / "package.json").read_text())["version"])


class Peer(Listener):
    """The provider listening on 127.0.0.1, pinned to ``core``; stopped by its own PID."""

    def __init__(self, client_id: str, client_secret: str, core: str | None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        folder = install()
        command = pinned(core, ["node", "oidc-provider.mjs", str(self.port), client_id, client_secret])
        super().__init__(command, f"{self.base_url}/.well-known/openid-configuration", "node-oidc-provider", cwd=folder)

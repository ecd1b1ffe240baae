"""The TLS context of Doorkeep's outbound HTTPS calls (identity providers, backchannel logout, CIBA, JWKS).

httpx builds a new context for each client it makes, and loading the CA bundle into it took ~50 ms of CPU
(more on a loaded machine): a broker login's token and profile calls paid it each time. One context, made
once, serves every call; it is made again only when ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` (the trust store
httpx reads from the environment) changes.
"""

from __future__ import annotations

import functools
import os
import ssl


def context() -> ssl.SSLContext:
    """The context every outbound client verifies servers with."""
    return _made(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _made(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    del cert_file, cert_dir  # the cache's key: httpx reads both from the environment itself
    import httpx  # here, as its callers import it: a server that never calls out does not load it

    return httpx.create_ssl_context()

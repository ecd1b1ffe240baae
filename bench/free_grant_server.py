"""``doorkeep start-dev`` whose token grant costs nothing after its first call: a benchmark's bound, never a server.

bench/grant_bound.py starts this next to a real Doorkeep. The first token request runs the real grant; every
later one gets that answer again with new ``iat``, ``exp`` and ``jti`` (the tokens are still signed, the
response still built, the transaction still opened and the realm still read). So the rate it reaches is what
Doorkeep would reach if its grant (client authentication, the refresh token's check, the session's read,
Keycloak's checks, the claims) were free: the bound on what any change to the grant can give.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

from doorkeep.oauth import token_endpoint
from doorkeep.oauth.minted import Minted
from doorkeep.tokens import new_id

_first: list[Minted] = []
_real_grant = token_endpoint.grant_tokens


async def _free_grant(tx: Any, services: Any, req: Any) -> Minted:
    if not _first:
        _first.append(await _real_grant(tx, services, req))
        return _first[0]
    now = services.clock.now()
    unsigned = {}
    for name, token in _first[0].unsigned.items():
        claims = {**token.claims, "iat": now, "exp": now + 300, "jti": new_id()}
        unsigned[name] = dataclasses.replace(token, claims=claims)
    return dataclasses.replace(_first[0], unsigned=unsigned)


if __name__ == "__main__":
    token_endpoint.grant_tokens = _free_grant
    from doorkeep.cli import main

    sys.argv[0] = "doorkeep"
    main()

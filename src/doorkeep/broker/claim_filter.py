"""An OpenID Connect provider's claim filter (``filteredByClaim``, ``claimFilterName``, ``claimFilterValue``):
OIDCIdentityProvider.getFederatedIdentity lets a user in only when the ID token has the claim and one of its
values (each item of a list, as text) matches the filter value, a regular expression matching the whole value.
Anything else is UnmatchedClaim, whose page says "The ID token issued by the identity provider does not match the
configured essential claim." (IDENTITY_PROVIDER_UNMATCHED_ESSENTIAL_CLAIM_ERROR); no user is made or linked.

The administrator writes the pattern and the provider chooses the values, so the pattern runs on the ``regex``
engine (users.admin_regex) within PATTERN_SECONDS over all the values; a pattern that cannot compile, a value
longer than MAX_MATCHED or a match past the time matches nothing. Neither the values nor the pattern are logged.
"""

from __future__ import annotations

import json
import time
from typing import Any

from doorkeep.broker.calls import BrokerError
from doorkeep.model import JSON
from doorkeep.users import admin_regex

# Messages.IDENTITY_PROVIDER_UNMATCHED_ESSENTIAL_CLAIM_ERROR's English text (the page translates it)
UNMATCHED = (
    "The ID token issued by the identity provider does not match the configured essential claim. Please contact your"
    " administrator."
)
PATTERN_SECONDS = 0.5
MAX_MATCHED = 4096


class UnmatchedClaim(BrokerError):
    """IdentityBrokerException with the unmatched-essential-claim message code."""


def check(config: JSON, id_token: dict[str, Any]) -> None:
    """Nothing when the provider filters on no claim or the ID token passes; UnmatchedClaim otherwise."""
    if str(config.get("filteredByClaim")).lower() != "true":
        return
    name, pattern = str(config.get("claimFilterName") or ""), str(config.get("claimFilterValue") or "")
    if name not in id_token:
        raise UnmatchedClaim(f"Claim {name} not found")
    found = id_token[name]
    values = [_text(v) for v in found] if isinstance(found, list) else [_text(found)]
    if not _any_matches(pattern, values):
        raise UnmatchedClaim(f"Unmatched claim value for {name}.")


def _text(value: Any) -> str:
    """Objects.toString of a JSON value: text as it is, ``true``/``false``, ``null``, numbers and the rest as
    JSON writes them."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def _any_matches(pattern: str, values: list[str]) -> bool:
    try:
        compiled = admin_regex.compiled(pattern)
    except admin_regex.UnsafePattern:
        return False
    deadline = time.monotonic() + PATTERN_SECONDS
    for value in values:
        left = deadline - time.monotonic()
        if len(value) > MAX_MATCHED or left <= 0:
            continue
        try:
            if compiled.fullmatch(value, timeout=left) is not None:
                return True
        except TimeoutError:
            return False
    return False

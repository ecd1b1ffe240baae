"""Regular expressions a realm administrator configures in client-policy executors (secure-client-uris-pattern's
``allowed-patterns``, secure-redirect-uris-enforcer's ``allow-permitted-domains``), matched against text anyone
may send: the URIs of an anonymous dynamic client registration, the host of an authorization request's
``redirect_uri``.

Keycloak matches them with ``String.matches`` and no limit, so a pattern such as ``(a+)+$`` and a crafted URI hold
a worker thread for ever. Here the patterns run on the ``regex`` engine (``users.admin_regex``: a pattern that
would compile for hours is invalid, as one that does not compile is) under one time budget for the whole
executor run; a match that runs past what is left of it does not match, so the URI is refused as one no pattern
allows, and once the budget is spent nothing more matches. Ordinary patterns take microseconds.
"""

from __future__ import annotations

import logging
import time

import regex

from doorkeep.users import admin_regex

_log = logging.getLogger(__name__)

# Seconds all the pattern matches of one executor run may take together.
BUDGET_SECONDS = 0.5


def compiled(pattern: str) -> regex.Pattern[str] | None:
    """``pattern`` compiled; None when it is invalid (Keycloak ignores such a pattern) or unsafe to compile."""
    try:
        return admin_regex.compiled(pattern)
    except admin_regex.UnsafePattern:
        return None


class PatternBudget:
    """The time left for one executor run's matches."""

    def __init__(self, seconds: float = BUDGET_SECONDS) -> None:
        self._deadline = time.monotonic() + seconds

    def fullmatch(self, pattern: regex.Pattern[str], text: str) -> bool:
        """Whether ``pattern`` matches the whole of ``text`` within the budget (False once it is spent)."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            return pattern.fullmatch(text, timeout=left) is not None
        except TimeoutError:
            # neither the pattern's text nor the value is logged: the value is the caller's
            _log.warning("a client-policy pattern ran past its time budget; the value is refused")
            self._deadline = 0.0
            return False

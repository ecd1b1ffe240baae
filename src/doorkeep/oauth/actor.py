"""The administrator behind an impersonation session, as Keycloak 26.8's tokens, introspection and events show it
(release notes 26.8.0 "Impersonation audit improvements", issue #51489 / pull request #51492).

The admin impersonation endpoint (admin/impersonation.py) writes the session notes ``IMPERSONATOR_ID`` and
``IMPERSONATOR_USERNAME``. Every access and ID token minted from such a session carries RFC 8693's ``act`` claim
(TokenManager.setActClaimFromImpersonator): the administrator's user id as ``sub`` and their username as
``preferred_username``, whatever the protocol mappers say (the release notes: always present, cannot be disabled).
Introspection shows the same object (since 26.8: ``act.sub`` had been the username, alone). The token events of
the session (CODE_TO_TOKEN, REFRESH_TOKEN) carry the details ``impersonator`` and ``impersonator_id``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doorkeep.model import UserSession

# Keycloak's ImpersonationSessionNote values, the user-session notes naming the administrator.
IMPERSONATOR_ID = "IMPERSONATOR_ID"
IMPERSONATOR_USERNAME = "IMPERSONATOR_USERNAME"
ACT = "act"  # RFC 8693 §4.1


def _notes(session: UserSession | None) -> tuple[str, str | None] | None:
    """The administrator's id and username, for a session the impersonation endpoint started."""
    if session is None:
        return None
    admin_id = session.notes.get(IMPERSONATOR_ID)
    if not isinstance(admin_id, str) or not admin_id:
        return None
    username = session.notes.get(IMPERSONATOR_USERNAME)
    return admin_id, username if isinstance(username, str) else None


def claim(session: UserSession | None) -> dict[str, str] | None:
    """The ``act`` claim of a token of ``session``; None for a session the user started."""
    found = _notes(session)
    if found is None:
        return None
    admin_id, username = found
    return {"sub": admin_id} if username is None else {"sub": admin_id, "preferred_username": username}


def event_details(session: UserSession | None) -> dict[str, str]:
    """Details.IMPERSONATOR and ``impersonator_id`` for a token event of ``session``; none for a session the user
    started."""
    found = _notes(session)
    if found is None:
        return {}
    admin_id, username = found
    named = {} if username is None else {"impersonator": username}
    return {**named, "impersonator_id": admin_id}

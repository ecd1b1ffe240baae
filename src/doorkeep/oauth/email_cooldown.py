"""The cooldown between two verification e-mails (Keycloak 26's EmailCooldownManager): each e-mail VERIFY_EMAIL
sends starts it for the user (a single-use entry ``verify-email-cooldown-<user id>``, shared by every session),
for the required action's ``emailResendCooldownSeconds`` (30 by default, and for a value Java cannot parse); a
resend asked for within it is refused on the page, with the seconds left, no e-mail and no event.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from doorkeep.model import Realm
from doorkeep.realms import required_actions as registered

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

KEY_PREFIX = "verify-email-cooldown-"  # VerifyEmail.EMAIL_RESEND_COOLDOWN_KEY_PREFIX
SETTING = "emailResendCooldownSeconds"
DEFAULT_SECONDS = 30
MESSAGE = "emailVerifySendCooldown"  # Messages.COOLDOWN_VERIFICATION_EMAIL
_JAVA_LONG = re.compile(r"[+-]?[0-9]{1,18}")  # what Long.parseLong reads (no blanks, no underscores)


def seconds(realm: Realm, alias: str) -> int:
    """getCooldownInSeconds: the action's configured cooldown, else the default (Long.parseLong's failure too)."""
    action = registered.by_alias(realm, alias)
    value = action.config.get(SETTING, str(DEFAULT_SECONDS)) if action is not None else str(DEFAULT_SECONDS)
    return int(value) if _JAVA_LONG.fullmatch(value) else DEFAULT_SECONDS


async def remaining(tx: Tx, user_id: str, now: int, *, prefix: str = KEY_PREFIX) -> int | None:
    """retrieveCooldownEntry: the seconds the user must still wait, None when none (never zero); ``prefix``:
    the action's key prefix (UpdateEmail's ``update-email-cooldown-``)."""
    expires = await tx.action_tokens.expiry(prefix + user_id)
    left = expires - now if expires is not None else 0
    return left if left > 0 else None


async def start(tx: Tx, realm: Realm, alias: str, user_id: str, now: int, *, prefix: str = KEY_PREFIX) -> None:
    """addCooldownEntry: the cooldown starts (again) with the e-mail being sent."""
    await tx.action_tokens.put(prefix + user_id, now + seconds(realm, alias))

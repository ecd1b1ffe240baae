"""UpdateTotp's ``add-recovery-codes`` (Keycloak 26): with it on in the CONFIGURE_TOTP action's config, a user who
just configured OTP must set up recovery codes next (the CONFIGURE_RECOVERY_AUTHN_CODES required action is added
to them), unless they already have codes or that action is already on them. Keycloak skips it (and only logs why)
while no flow uses recovery codes (an execution of the recovery codes form that is not DISABLED, in a flow not
DISABLED itself nor below a DISABLED sub-flow) or while the CONFIGURE_RECOVERY_AUTHN_CODES action is not enabled.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.model import Realm, User
from doorkeep.oauth import required_actions
from doorkeep.realms import flow_model
from doorkeep.realms import required_actions as registered
from doorkeep.users import otp, recovery_codes

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ADD_RECOVERY_CODES = "add-recovery-codes"  # UpdateTotp.ADD_RECOVERY_CODES
DISABLED = "DISABLED"


def _used_in_a_flow(realm: Realm) -> bool:
    """isRecoveryCodesEnabledInAuthenticationFlow, with isFlowEffectivelyDisabled for each execution's flow."""
    flows = flow_model.of(realm)
    as_step = {e.flow_id: e for e in flows.executions if e.flow_id is not None}

    def effectively_disabled(flow_id: str) -> bool:
        seen: set[str] = set()
        while flow_id in as_step and flow_id not in seen:
            seen.add(flow_id)
            step = as_step[flow_id]
            if step.requirement == DISABLED:
                return True
            flow_id = step.parent_id
        return False

    return any(
        e.authenticator == recovery_codes.AUTHENTICATOR and e.requirement != DISABLED
        for e in flows.executions
        if not effectively_disabled(e.parent_id)
    )


async def after_totp(tx: Tx, realm: Realm, user: User, disabled: frozenset[str]) -> User:
    """The user once UpdateTotp.processAction has looked at ``add-recovery-codes``, for the caller to store."""
    totp = registered.by_alias(realm, otp.CONFIGURE_TOTP)
    if totp is None or totp.config.get(ADD_RECOVERY_CODES, "false").lower() != "true":
        return user
    codes = registered.by_alias(realm, recovery_codes.CONFIGURE)
    if codes is None or not codes.enabled or recovery_codes.CONFIGURE in required_actions.unavailable(disabled):
        return user
    if recovery_codes.CONFIGURE in user.required_actions or not _used_in_a_flow(realm):
        return user
    if any(c.type == recovery_codes.TYPE for c in await tx.users.credentials(user.id)):
        return user
    return dataclasses.replace(user, required_actions=(*user.required_actions, recovery_codes.CONFIGURE))

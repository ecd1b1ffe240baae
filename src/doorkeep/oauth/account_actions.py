"""The required actions that take something away: Keycloak 26's DeleteCredentialAction and DeleteAccount.

DeleteCredentialAction (``kc_action=delete_credential:{id}``, as the Account Console's Delete asks): its
challenge shows delete-credential.ftl for a credential of the user, named by its label or else its type; with
no id, or an id that is not one of the user's credentials, it records CUSTOM_REQUIRED_ACTION_ERROR
(``missing_credential_id``, ``credential_not_found``) and is passed over (``kc_action_status=error``). Confirmed,
CredentialDeleteHelper.removeCredential removes it unless its type is not removable (the password; an OTP
device and a security key are): REMOVE_TOTP
for an OTP credential, then REMOVE_CREDENTIAL; refused, an error page and REMOVE_CREDENTIAL_ERROR
(``delete_credential_failed`` with the reason). The level of authentication the credential's type asks is
asked before the page (oauth/loa.py ``kc_action_level``); there are no federated users, so the ``<type>-id``
placeholder ids name no credential.

DeleteAccount (``kc_action=delete_account``, disabled in a new realm): only a user with the ``account`` client's
``delete-account`` role gets delete-account-confirm.ftl (else error.ftl, "deletingAccountForbidden");
confirmed, the user is removed (their sessions with them) and DELETE_ACCOUNT recorded, and the login ends on
info.ftl's "User deleted successfully". Its max auth age is 0: every kc_action asks for the password again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from doorkeep.model import Credential, Realm, User
from doorkeep.oauth import login_events, login_outcomes, required_actions
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import Outcome
from doorkeep.oauth.login_step import StepContext
from doorkeep.oauth.required_actions import DELETE_ACCOUNT, DELETE_CREDENTIAL, IDP_LINK
from doorkeep.oauth.roles import user_roles
from doorkeep.users import otp, recovery_codes, webauthn

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ACTIONS = frozenset({DELETE_CREDENTIAL, DELETE_ACCOUNT, IDP_LINK})  # idp_link: oauth/idp_link_action.py
ACCOUNT_CLIENT, DELETE_ACCOUNT_ROLE = "account", "delete-account"  # AccountRoles.DELETE_ACCOUNT
# messages_en.properties: Messages.DELETE_ACCOUNT_LACK_PRIVILEDGES, and info.ftl's text once the user is gone
FORBIDDEN = "You do not have enough permissions to delete your own account, contact admin."
DELETED = "User deleted successfully"
NOT_REMOVABLE = "Credential type cannot be removed"  # CredentialDeleteHelper's BadRequestException
NOT_FOUND = "Credential not found"  # its NotFoundException

# the credential types whose provider removes them (CredentialTypeMetadata.removeable, as the Account API's)
REMOVABLE = frozenset({otp.TYPE, webauthn.TYPE, recovery_codes.TYPE})


async def may_delete_account(tx: Tx, realm: Realm, user: User) -> bool:
    """DeleteAccount.clientHasDeleteAccountRole: the user has the ``account`` client's ``delete-account`` role
    (directly, through a group or a composite)."""
    account = await tx.clients.get_by_client_id(realm.id, ACCOUNT_CLIENT)
    role = await tx.roles.get_client_role(account.id, DELETE_ACCOUNT_ROLE) if account is not None else None
    return role is not None and role.id in await user_roles(tx, user)


async def _credential(tx: Tx, user: User, credential_id: str | None) -> Credential | None:
    """``getStoredCredentialById``: one of this user's credentials."""
    if credential_id is None:
        return None
    return next((c for c in await tx.users.credentials(user.id) if c.id == credential_id), None)


async def page(tx: Tx, request: AuthRequest, user: User, action: str) -> Outcome:
    """The action's page shown again (another language); its checks were made when it was first shown."""
    if action == IDP_LINK:
        from doorkeep.oauth import idp_link_action

        return idp_link_action.page(request, user)
    if action == DELETE_ACCOUNT:
        return login_outcomes.NeedDeleteAccount(user.id, cancel=_from_aia(request, user), request=request)
    found = await _credential(tx, user, request.kc_action_parameter)
    if found is None:  # gone since the page was first shown: the POST answers "Credential not found"
        return login_outcomes.NeedDeleteCredential(user.id, request.kc_action_parameter or "", request)
    label = found.user_label if (found.user_label or "").strip() else None  # StringUtil.isNotBlank
    return login_outcomes.NeedDeleteCredential(user.id, label or found.type, request)


def _from_aia(request: AuthRequest, user: User) -> bool:
    return required_actions.app_initiated(request, user, DELETE_ACCOUNT)


async def challenge(ctx: StepContext, action: str) -> Outcome | None:
    """requiredActionChallenge: the page, or None when the action is passed over (its error recorded)."""
    tx, request, user = ctx.tx, ctx.request, ctx.user
    if action == IDP_LINK:
        from doorkeep.oauth import idp_link_action

        return await idp_link_action.challenge(ctx)
    if action == DELETE_ACCOUNT:
        if not await may_delete_account(tx, ctx.realm, user):
            return login_outcomes.Refused(FORBIDDEN, 200)  # error.ftl drawn as the challenge
        return await page(tx, request, user, action)
    credential_id = request.kc_action_parameter
    if credential_id is None:
        await _record(ctx, "CUSTOM_REQUIRED_ACTION_ERROR", error="missing_credential_id")
        return None
    if await _credential(tx, user, credential_id) is None:
        details = {"credential_id": credential_id}
        await _record(ctx, "CUSTOM_REQUIRED_ACTION_ERROR", error="credential_not_found", details=details)
        return None
    return await page(tx, request, user, action)


async def submit(ctx: StepContext, action: str) -> Outcome | StepContext:
    """processAction of delete_credential or delete_account (the ``cancel-aia`` button is handled before): the
    page's answer, or the step to go on with once the credential is gone."""
    if action == IDP_LINK:
        from doorkeep.oauth import idp_link_action

        return idp_link_action.submit(ctx)
    if action == DELETE_ACCOUNT:
        return await delete_account(ctx)
    return await delete_credential(ctx)


async def delete_credential(ctx: StepContext) -> Outcome | StepContext:
    """DeleteCredentialAction.processAction: REMOVE_CREDENTIAL (and the deprecated REMOVE_TOTP, sent first) with
    the credential's type, id and label; a refusal is an error page (400) ending the login. Done, the step with
    the user and request as they now stand, for the login to go on."""
    user = ctx.user
    found = await _credential(ctx.tx, user, ctx.request.kc_action_parameter)
    details: dict[str, str | None] = {}
    types = ["REMOVE_CREDENTIAL"]
    if found is not None:
        details = {"credential_type": found.type, "credential_id": found.id, "credential_user_label": found.user_label}
        types = ["REMOVE_TOTP", "REMOVE_CREDENTIAL"] if found.type == otp.TYPE else types
    refusal = NOT_FOUND if found is None else (NOT_REMOVABLE if found.type not in REMOVABLE else None)
    if refusal is not None:  # never an OTP credential: REMOVE_TOTP_ERROR, sent after it, does not arise
        details["reason"] = refusal
        await _record(ctx, "REMOVE_CREDENTIAL_ERROR", error="delete_credential_failed", details=details)
        return login_outcomes.Refused(refusal)
    assert found is not None
    await ctx.tx.users.delete_credential(user.id, found.id)
    for type in types:
        await _record(ctx, type, details=details)
    user = dataclasses.replace(user, required_actions=tuple(a for a in user.required_actions if a != DELETE_CREDENTIAL))
    await ctx.tx.users.update(user)
    request = required_actions.settled(ctx.request, DELETE_CREDENTIAL, required_actions.SUCCESS)
    return dataclasses.replace(ctx, request=request, user=user)


async def delete_account(ctx: StepContext) -> Outcome:
    """DeleteAccount.processAction: without the role, DELETE_ACCOUNT_ERROR and the page again with the error;
    else the user removed (UserManager.removeUser: sessions, consents and credentials with them) and
    DELETE_ACCOUNT recorded."""
    user = ctx.user
    if not await may_delete_account(ctx.tx, ctx.realm, user):
        reason = {"reason": "does not have the required roles for user deletion"}
        await _record(ctx, "DELETE_ACCOUNT_ERROR", error="user_delete_error", details=reason)
        return login_outcomes.NeedDeleteAccount(user.id, _from_aia(ctx.request, user), FORBIDDEN, ctx.request)
    await ctx.tx.users.delete(user.id)
    await _record(ctx, "DELETE_ACCOUNT")
    return login_outcomes.AccountDeleted()


async def _record(
    ctx: StepContext,
    type: str,
    *,
    error: str | None = None,
    details: Mapping[str, str | None] | None = None,
) -> None:
    """The action's event: the login's details and ``custom_required_action`` (LoginActionsService's event)."""
    action = DELETE_ACCOUNT if type.startswith("DELETE_ACCOUNT") else DELETE_CREDENTIAL
    await login_events.record(ctx, type, error=error, more={"custom_required_action": action, **(details or {})})

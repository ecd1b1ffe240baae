"""The smaller Account REST resources: credentials, groups and supported locales
(the linked accounts are users/linked_accounts.py).

Keycloak 26's AccountCredentialResource (``credentialTypes``, ``removeCredential``) and AccountRestService's
``groupMemberships`` and ``supportedLocales``. Doorkeep's credential types are the password
(PasswordCredentialProvider's metadata: not removable), the one-time password
(OTPCredentialProvider's: removable, set up by CONFIGURE_TOTP), recovery authentication codes
(RecoveryAuthnCodesCredentialProvider's: removable, set up by CONFIGURE_RECOVERY_AUTHN_CODES, with how many are used)
the two-factor security key (WebAuthnCredentialProvider's: removable, set up by webauthn-register) and the passkey
(WebAuthnPasswordlessCredentialProvider's: removable, set up by webauthn-register-passwordless), in
CredentialTypeMetadata's order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep import events, features
from doorkeep.admin.group_mapper_json import group_to_json
from doorkeep.admin.representations import credential_to_json
from doorkeep.errors import AdminError
from doorkeep.model import Credential
from doorkeep.numbers import parse_int
from doorkeep.oauth import acr
from doorkeep.realms import flow_levels
from doorkeep.realms import required_actions as registered
from doorkeep.realms.flow_model import of as flows_of
from doorkeep.users import otp, recovery_codes, webauthn
from doorkeep.users.account import MANAGE_ACCOUNT, VIEW_PROFILE, Caller

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

PASSWORD = "password"
VIEW_GROUPS = "view-groups"
UPDATE_PASSWORD = "UPDATE_PASSWORD"
DELETE_CREDENTIAL = "delete_credential"
NOT_REMOVABLE = AdminError(400, "Credential type cannot be removed", key="error")
NO_LOA = AdminError(403, "No LoA on the token", key="error")  # AccountCredentialResource's ForbiddenExceptions
UNSUPPORTED_ACR = AdminError(403, "Unsupported acr on the token", key="error")
NOT_FOUND = AdminError(404, "Credential not found", key="error")


def _password_container(configured: bool) -> dict[str, Any]:
    """PasswordCredentialProvider.getCredentialTypeMetadata: update when a password is set, else create."""
    action = "updateAction" if configured else "createAction"
    return {
        "type": PASSWORD,
        "category": "basic-authentication",
        "displayName": "password-display-name",
        "helptext": "password-help-text",
        "iconCssClass": "kcAuthenticatorPasswordClass",
        action: UPDATE_PASSWORD,
        "removeable": False,
    }


def _otp_container() -> dict[str, Any]:
    """OTPCredentialProvider.getCredentialTypeMetadata: the CONFIGURE_TOTP create action."""
    return {
        "type": otp.TYPE,
        "category": "two-factor",
        "displayName": "otp-display-name",
        "helptext": "otp-help-text",
        "iconCssClass": "kcAuthenticatorOTPClass",
        "createAction": otp.CONFIGURE_TOTP,
        "removeable": True,
    }


def _webauthn_container() -> dict[str, Any]:
    """WebAuthnCredentialProvider.getCredentialTypeMetadata: the webauthn-register create action."""
    return {
        "type": webauthn.TYPE,
        "category": "two-factor",
        "displayName": "webauthn-display-name",
        "helptext": "webauthn-help-text",
        "iconCssClass": "kcAuthenticatorWebAuthnClass",
        "createAction": webauthn.REGISTER,
        "removeable": True,
    }


def _passwordless_container() -> dict[str, Any]:
    """WebAuthnPasswordlessCredentialProvider.getCredentialTypeMetadata: a passkey, the
    webauthn-register-passwordless create action."""
    return {
        "type": webauthn.PASSWORDLESS_TYPE,
        "category": "passwordless",
        "displayName": "webauthn-passwordless-display-name",
        "helptext": "webauthn-passwordless-help-text",
        "iconCssClass": "kcAuthenticatorWebAuthnPasswordlessClass",
        "createAction": webauthn.REGISTER_PASSWORDLESS,
        "removeable": True,
    }


def _recovery_container() -> dict[str, Any]:
    """RecoveryAuthnCodesCredentialProvider.getCredentialTypeMetadata: the CONFIGURE_RECOVERY_AUTHN_CODES create
    action, whether the user has codes or not (a new set replaces the old one)."""
    return {
        "type": recovery_codes.TYPE,
        "category": "two-factor",
        "displayName": "recovery-authn-codes-display-name",
        "helptext": "recovery-authn-codes-help-text",
        "iconCssClass": "kcAuthenticatorRecoveryAuthnCodesClass",
        "createAction": recovery_codes.CONFIGURE,
        "removeable": True,
    }


WEBAUTHN_AUTHENTICATOR = "webauthn-authenticator"
PASSWORDLESS_AUTHENTICATOR = "webauthn-authenticator-passwordless"
_CONTAINERS = {
    otp.TYPE: _otp_container,
    webauthn.TYPE: _webauthn_container,
    webauthn.PASSWORDLESS_TYPE: _passwordless_container,
    recovery_codes.TYPE: _recovery_container,
}
# CredentialTypeMetadata's order: by category (basic, two-factor, passwordless), then by display name (otp-,
# recovery-authn-codes-, webauthn-)
_TYPES = (PASSWORD, otp.TYPE, recovery_codes.TYPE, webauthn.TYPE, webauthn.PASSWORDLESS_TYPE)
# the types listed only while an execution of their authenticator is enabled in one of the realm's flows
_AUTHENTICATORS = {
    webauthn.TYPE: WEBAUTHN_AUTHENTICATOR,
    webauthn.PASSWORDLESS_TYPE: PASSWORDLESS_AUTHENTICATOR,
    recovery_codes.TYPE: recovery_codes.AUTHENTICATOR,
}


async def credentials(
    tx: Tx, caller: Caller, type_: str | None, user_credentials: bool, disabled: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """``GET /account/credentials[?type=][&user-credentials=false]``: the password, OTP, recovery codes and WebAuthn
    types, each with the user's credentials of it (secrets left out) unless ``user-credentials=false``;
    ``disabled``: the server's features turned off (recovery codes)."""
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_PROFILE)
    mine = await tx.users.credentials(caller.user.id)  # by priority (getStoredCredentialsByTypeStream)
    enabled = registered.applicable(caller.realm)
    out = []
    for kind in _TYPES:
        if type_ is not None and type_ != kind:
            continue
        if kind in _AUTHENTICATORS and not _in_a_flow(caller, _AUTHENTICATORS[kind]):
            continue
        if kind == recovery_codes.TYPE and features.RECOVERY_CODES in disabled:
            continue
        stored = [c for c in mine if c.type == kind]
        container = _password_container(bool(stored)) if kind == PASSWORD else _CONTAINERS[kind]()
        for action in ("createAction", "updateAction"):  # CredentialTypeMetadataBuilder.build: only enabled ones
            if container.get(action) is not None and container[action] not in enabled:
                del container[action]
        # issue 30204: a type is offered for removal only while the delete_credential action is enabled
        container["removeable"] = container["removeable"] and DELETE_CREDENTIAL in enabled
        if user_credentials:
            if not stored and "createAction" not in container and "updateAction" not in container:
                continue  # nothing to show and nothing the user could set up
            container["userCredentialMetadatas"] = [_metadata(caller, c) for c in stored]
        out.append(container)
    return out


def _metadata(caller: Caller, cred: Credential) -> dict[str, Any]:
    """A CredentialMetadata: the credential (secrets left out) and, for recovery codes, how many are used and a
    warning once few are left (RecoveryAuthnCodesCredentialProvider.getCredentialMetadata)."""
    extra = recovery_codes.metadata(caller.realm, cred) if cred.type == recovery_codes.TYPE else {}
    return {**extra, "credential": credential_to_json(cred)}


def _in_a_flow(caller: Caller, authenticator: str) -> bool:
    """AccountCredentialResource.getEnabledCredentialTypes: a credential type is listed while an execution of its
    authenticator is not DISABLED in one of the realm's flows (Keycloak's default flows have WebAuthn disabled)."""
    return any(
        e.authenticator == authenticator and e.requirement != "DISABLED" for e in flows_of(caller.realm).executions
    )


async def remove_credential(tx: Tx, caller: Caller, credential_id: str) -> None:
    """``DELETE /account/credentials/{id}``: CredentialDeleteHelper.removeCredential; the password type is
    not removable (400), an unknown id is 404."""
    caller.require_one_of(MANAGE_ACCOUNT)
    found = next((c for c in await tx.users.credentials(caller.user.id) if c.id == credential_id), None)
    if found is None:
        raise NOT_FOUND
    if found.type not in _CONTAINERS:
        raise NOT_REMOVABLE
    _require_level(caller, found.type)
    await tx.users.delete_credential(caller.user.id, credential_id)
    details = {
        "selected_credential_id": found.id,
        "credential_user_label": found.user_label,
        "credential_type": found.type,
    }
    kinds = ("REMOVE_TOTP", "REMOVE_CREDENTIAL") if found.type == otp.TYPE else ("REMOVE_CREDENTIAL",)
    for type in kinds:  # the deprecated event first, as Keycloak 26 sends them
        await events.record(
            tx, caller.realm, type, now=caller.now, client_id="account", user_id=caller.user.id, details=details
        )


def _require_level(caller: Caller, credential_type: str) -> None:
    """CredentialDeleteHelper.checkAuthenticatedLoASufficientForCredentialRemove: the token's level
    (AccountCredentialResource.getCurrentAuthenticatedLevel: its ``acr`` through the client's ACR-to-LoA map, else
    as a number; 403 without one) must reach the level at which the browser flow checks the credential's type."""
    override = caller.client.flow_overrides.get("browser") if caller.client is not None else None
    wanted = flow_levels.removal_level(caller.realm, override, credential_type)
    if caller.acr is None:
        raise NO_LOA
    levels = acr.loa_map(caller.client, caller.realm) if caller.client is not None else {}
    current = levels.get(caller.acr, parse_int(caller.acr))
    if current is None:
        raise UNSUPPORTED_ACR
    if current < wanted:
        message = f"Insufficient level of authentication for removing credential of type '{credential_type}'."
        raise AdminError(403, message, key="error")


async def groups(tx: Tx, caller: Caller, brief: bool) -> list[dict[str, Any]]:
    """``GET /account/groups``: the user's direct groups (manage-account or view-groups)."""
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_GROUPS)
    return [group_to_json(g, brief=brief) for g in await tx.groups.of_user(caller.user.id)]


async def organizations(tx: Tx, caller: Caller) -> list[dict[str, Any]]:
    """``GET /account/organizations`` (Keycloak 26's account OrganizationsResource, manage-account or view-profile):
    the user's organizations as the account representation has them, the domains by name only. ``enabled`` is the
    OrganizationModel's, false for every one while the realm has organizations off."""
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_PROFILE)
    out = []
    for org in await tx.organizations.of_user(caller.user.id):
        rep: dict[str, Any] = {"id": org.id, "name": org.name, "alias": org.alias}
        if org.description is not None:
            rep["description"] = org.description
        rep["enabled"] = org.enabled and caller.realm.organizations_enabled
        rep["domains"] = [d.name for d in org.domains]
        out.append(rep)
    return out


def supported_locales(caller: Caller) -> list[str]:
    """``GET /account/supportedLocales``: the realm's supported locales; no role is needed."""
    return list(caller.realm.supported_locales)

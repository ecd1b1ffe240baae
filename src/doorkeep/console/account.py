"""What the Account Console shows, without HTTP: the Account REST operations (``users.account``) plus the
details a person needs to judge an offline grant (when granted and last used, from which device and IP,
with which scopes), the credentials of Signing in, and Keycloak's English messages for profile errors.

Every change goes through the same core functions as the Account REST API: removing an application's
access is ``users.account.revoke_consent`` (its offline tokens stop working at once), signing a session out
is ``users.account.logout_session`` for an online one and ``sessions.service.end`` for an offline one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.console.account_language import ENGLISH, Speech
from doorkeep.errors import AdminError
from doorkeep.model import UserSession
from doorkeep.oauth import redirect_uris
from doorkeep.sessions import device, service
from doorkeep.sessions.liveness import realm_filter
from doorkeep.users import account as ops
from doorkeep.users import account_resources
from doorkeep.users.profile import ProfileError

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

FIELD_NAMES = frozenset({"username", "email", "firstName", "lastName"})  # their display names are catalog keys


def field_errors(err: AdminError, speech: Speech = ENGLISH) -> dict[str, str]:
    """``{field: message in words}`` for a profile error (in ``speech``'s language, the attribute's display
    name for ``{0}``); ``{"": message}`` for anything else."""
    errors: list[dict[str, Any]] = []
    if isinstance(err, ProfileError):
        errors = err.errors
    out: dict[str, str] = {}
    for error in errors:
        field = str(error.get("field", ""))
        name = speech.t(field) if field in FIELD_NAMES else field
        params = [name, *(error.get("params") or [])[1:]]
        key = str(error.get("errorMessage"))
        out.setdefault(field, speech.t(key, *(str(p) for p in params + [""] * 3)))
    return out or {"": err.message}


# The credential types' keys as the Account REST names them, which the account-ui translates (their texts, as
# Keycloak's account-ui messages: console/messages/account.py); "password" names an unlabelled password.
CREDENTIAL_TEXTS = frozenset(
    {
        "basic-authentication",
        "two-factor",
        "passwordless",
        "password-display-name",
        "password-help-text",
        "otp-display-name",
        "otp-help-text",
        "webauthn-display-name",
        "webauthn-help-text",
        "webauthn-passwordless-display-name",
        "webauthn-passwordless-help-text",
        "recovery-authn-codes-display-name",
        "recovery-authn-codes-help-text",
        "password",
    }
)
# The actions Signing in may start (the credential types' createAction and updateAction).
CREDENTIAL_ACTIONS = frozenset(
    {
        account_resources.UPDATE_PASSWORD,
        "CONFIGURE_TOTP",
        "webauthn-register",
        "webauthn-register-passwordless",
        "CONFIGURE_RECOVERY_AUTHN_CODES",
    }
)


@dataclass(frozen=True)
class StoredCredential:
    """One of the user's credentials as Signing in lists it: its label (else its type's name) and creation."""

    id: str
    label: str
    created: int  # seconds


@dataclass(frozen=True)
class CredentialType:
    """A credential type of ``GET /account/credentials``, with the user's credentials of it."""

    type: str
    title: str
    help: str
    create_action: str | None
    update_action: str | None
    removable: bool
    credentials: tuple[StoredCredential, ...]


async def signing_in(tx: Tx, caller: ops.Caller, speech: Speech = ENGLISH) -> list[tuple[str, list[CredentialType]]]:
    """Account security → Signing in (account-ui SigningIn.tsx): the Account REST's credential types, grouped
    by category in their order, each type's texts in words (in ``speech``'s language)."""

    def _text(key: str) -> str:
        return speech.t(key) if key in CREDENTIAL_TEXTS else key

    groups: dict[str, list[CredentialType]] = {}
    for container in await account_resources.credentials(tx, caller, None, True):
        title = _text(str(container["displayName"]))
        kind = str(container["type"])
        unlabelled = _text(kind) if kind in CREDENTIAL_TEXTS else title  # Keycloak has no text for "otp"
        rows = tuple(
            StoredCredential(
                str(meta["credential"]["id"]),
                meta["credential"].get("userLabel") or unlabelled,
                int(meta["credential"].get("createdDate") or 0) // 1000,
            )
            for meta in container["userCredentialMetadatas"]
        )
        found = CredentialType(
            str(container["type"]),
            title,
            _text(str(container["helptext"])),
            container.get("createAction"),
            container.get("updateAction"),
            bool(container["removeable"]),
            rows,
        )
        groups.setdefault(_text(str(container["category"])), []).append(found)
    return list(groups.items())


@dataclass(frozen=True)
class Grant:
    """One client session of the user (online or offline), as the Applications and Devices pages show it."""

    client_id: str
    offline: bool
    session_id: str
    granted: int
    last_used: int
    ip_address: str
    device: str
    scopes: tuple[str, ...]


def device_text(session: UserSession) -> str:
    """``Chrome/120.0 on Linux`` from the session's notes; Keycloak's "Other/Unknown" when absent."""
    device = ops._device(session)
    return f"{device['browser']} on {device['os']}" + (
        "" if device["osVersion"] == ops.UNKNOWN else f" {device['osVersion']}"
    )


async def sessions_of(tx: Tx, caller: ops.Caller, offline: bool) -> list[tuple[UserSession, list[Grant]]]:
    """The user's live sessions of one kind, each with its client sessions (newest session first)."""
    caller.require_one_of(ops.MANAGE_ACCOUNT, ops.VIEW_PROFILE)
    live = await realm_filter(tx, caller.realm, offline, caller.now)
    out = []
    for session in await tx.sessions.user_sessions_of(caller.user.id, offline, live):
        grants = []
        for cs in await tx.sessions.client_sessions(session.id, offline, live):
            client = await tx.clients.get(cs.client_id)
            if client is None:
                continue
            grants.append(
                Grant(
                    client.client_id,
                    offline,
                    session.id,
                    cs.started,
                    max(cs.timestamp, cs.started),
                    session.ip_address,
                    device.label_of(session.notes) if offline else device_text(session),
                    tuple(s for s in cs.scope_param.split() if s),
                )
            )
        out.append((session, grants))
    out.sort(key=lambda item: item[0].started, reverse=True)
    return out


async def applications(tx: Tx, caller: ops.Caller) -> list[tuple[dict[str, Any], list[Grant]]]:
    """The Account REST's applications, each with its offline grants (device, IP, dates, scopes)."""
    apps = await ops.applications(tx, caller, None)
    offline: dict[str, list[Grant]] = {}
    for _, grants in await sessions_of(tx, caller, True):
        for grant in grants:
            offline.setdefault(grant.client_id, []).append(grant)
    return [(app, offline.get(str(app["clientId"]), [])) for app in apps]


async def sign_out_session(tx: Tx, caller: ops.Caller, session_id: str, offline: bool) -> bool:
    """End one of the user's sessions: online as ``DELETE /account/sessions/{id}``; offline revoked."""
    if not offline:
        found = await tx.sessions.get_user_session(session_id, False)
        await ops.logout_session(tx, caller, session_id)
        return found is not None and found.user_id == caller.user.id
    caller.require_one_of(ops.MANAGE_ACCOUNT)
    session = await tx.sessions.get_user_session(session_id, True)
    if session is None or session.user_id != caller.user.id:
        return False
    return await service.end(tx, session.id, True)


async def referrer(
    tx: Tx, realm_id: str, client_id: str | None, uri: str | None, base_url: str
) -> dict[str, str] | None:
    """AccountConsole's "Back to" link: the ``referrer`` client's name (its clientId when blank) and
    ``referrer_uri`` when it is one of that client's redirect URIs (RedirectUtils.verifyRedirectUri), else
    the client's effective base URL; None when the client is unknown or no URI is left."""
    if not client_id:
        return None
    client = await tx.clients.get_by_client_id(realm_id, client_id)
    if client is None:
        return None
    if uri is not None:
        target = redirect_uris.verify(uri, client.redirect_uris, client.root_url, base_url)
    else:
        target = ops.effective_url(client, base_url)
    if target is None:
        return None
    return {"name": (client.name or "").strip() or client_id, "uri": target}

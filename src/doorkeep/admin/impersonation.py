"""Impersonation: an administrator starts a browser session as another user (Keycloak 26's
``UserResource.impersonate``, ``POST /admin/realms/{realm}/users/{id}/impersonation``).

The new user session has no client in it yet; the browser that receives its SSO cookies signs in to
the Account Console (or any client) through it. Its ``IMPERSONATOR_ID`` and ``IMPERSONATOR_USERNAME``
notes are what the "Impersonator User ID" and "Impersonator Username" session-note mappers put into
tokens as ``impersonator.id`` and ``impersonator.username``; no default scope carries them. Since Keycloak 26.8
every token of the session names the administrator in its ``act`` claim (oauth/actor.py).
Keycloak records no admin event for the call, only the user event ``IMPERSONATE``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.errors import AdminError
from doorkeep.model import Realm, User, UserSession
from doorkeep.oauth.actor import IMPERSONATOR_ID, IMPERSONATOR_USERNAME
from doorkeep.sessions import service

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

AUTH_METHOD = "impersonate"  # the session's authMethod, as UserResource.impersonate creates it
USER_DISABLED = AdminError(400, "User is disabled")
SERVICE_ACCOUNT = AdminError(400, "Service accounts cannot be impersonated")


@dataclass(frozen=True)
class Impersonator:
    """Who asks: the administrator, the realm their token is from, and that token's session (``sid``)."""

    user: User
    realm: Realm
    session_id: str | None


@dataclass(frozen=True)
class Impersonation:
    """The session started as the user, and whether the administrator's own session was ended for it."""

    session: UserSession
    same_realm: bool


def check(user: User) -> None:
    """What Keycloak refuses after the ``impersonation`` role check: a disabled user, then a service account."""
    if not user.enabled:
        raise USER_DISABLED
    if user.service_account_client_id:
        raise SERVICE_ACCOUNT


async def impersonate(tx: Tx, realm: Realm, user: User, admin: Impersonator, *, ip: str, now: int) -> Impersonation:
    """Start an online session as ``user``. An administrator of the same realm whose token has a session
    is logged out of it first (the browser can hold one session per realm), which ``same_realm`` tells."""
    check(user)
    same_realm = admin.realm.id == realm.id and admin.session_id is not None
    if same_realm and admin.session_id is not None:
        await service.end(tx, admin.session_id, False)
    session = UserSession(
        id=str(uuid.uuid4()),
        realm_id=realm.id,
        user_id=user.id,
        offline=False,
        login_username=user.username,
        ip_address=ip,
        auth_method=AUTH_METHOD,
        remember_me=False,
        started=now,
        last_session_refresh=now,
        notes={IMPERSONATOR_ID: admin.user.id, IMPERSONATOR_USERNAME: admin.user.username},
    )
    await tx.sessions.create_user_session(session)
    await events.record(
        tx,
        realm,
        "IMPERSONATE",
        now=now,
        user_id=user.id,
        session_id=session.id,
        ip=ip,
        details={"impersonator_realm": admin.realm.name, "impersonator": admin.user.username},
    )
    return Impersonation(session, same_realm)

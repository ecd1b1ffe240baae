"""What a finished login gives the client: the user session joined or started, the client attached to it,
and a single-use authorization code (RFC 6749 §4.1.2), stored by its hash only."""

from __future__ import annotations

import functools
import hashlib
import secrets
from typing import TYPE_CHECKING

from doorkeep.model import ISSUER_NOTE, Client, Realm, StoredCode, User, UserSession
from doorkeep.oauth import acr
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.auth_request import AuthRequest
from doorkeep.organizations import scope as organization_scope
from doorkeep.sessions import attach, service

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def attach_client(
    tx: Tx,
    realm: Realm,
    client: Client,
    user: User,
    request: AuthRequest,
    *,
    now: int,
    ip_address: str,
    session: UserSession | None,
    remember_me: bool = False,
    user_agent: str = "",
    fresh_login: bool = True,
    new_id: str | None = None,
) -> UserSession:
    """Create (with ``new_id``, else a random id) or join the user session and attach the client: what a
    finished login gives the client."""
    redirect_uri = request.redirect_uri or None
    created = session is None
    if session is None:
        start = functools.partial(_start, tx, realm, client, user, request, now, ip_address, remember_me, user_agent)
        try:
            session = await start(new_id)
        except service.IdTaken as taken:  # another tab's login took the root's id first: as if a moment later
            session = await attach.after_race(tx, realm, user.id, taken.session_id, now)
            created = session is None
            session = session or await start(None)
    had_clients = not created and bool(await tx.sessions.client_sessions(session.id, False))
    notes: dict[str, object] = {"nonce": request.nonce} if request.nonce else {}
    notes.update(acr.session_notes(request, fresh_login))
    if request.issuer:  # Keycloak notes the authorization request's issuer for the logout token's iss
        notes[ISSUER_NOTE] = request.issuer
    if request.organization:  # the organization picked on select-organization.ftl (the kc.org client note)
        notes[organization_scope.NOTE] = request.organization
    if created and not had_clients and scope_rules.OFFLINE_ACCESS in scope_rules.split(request.scope):
        notes[service.FIRST_OFFLINE_ACCESS] = "true"
    if created:
        await service.add_client(
            tx, session, client, scope_param=request.scope, now=now, redirect_uri=redirect_uri, notes=notes
        )
    else:
        await service.join_client(
            tx, realm, session, client, scope_param=request.scope, now=now, redirect_uri=redirect_uri, notes=notes
        )
    return session


async def _start(
    tx: Tx,
    realm: Realm,
    client: Client,
    user: User,
    request: AuthRequest,
    now: int,
    ip_address: str,
    remember_me: bool,
    user_agent: str,
    new_id: str | None,
) -> UserSession:
    """A new online session (``new_id``, else a random id) with the client in it; IdTaken if ``new_id`` went."""
    session, _ = await service.start_online(
        tx,
        realm,
        user,
        client,
        scope_param=request.scope,
        now=now,
        ip_address=ip_address,
        login_username=request.attempted_username,
        remember_me=remember_me,
        redirect_uri=request.redirect_uri or None,
        user_agent=user_agent,
        session_id=new_id,
    )
    return session


async def store_code(
    tx: Tx,
    realm: Realm,
    client: Client,
    user: User,
    session: UserSession,
    request: AuthRequest,
    *,
    now: int,
    fresh_login: bool,
) -> str:
    """A single-use code for the client attached to ``session`` (``attach_client``), stored by its hash."""
    code = secrets.token_urlsafe(32)
    data = {
        "redirect_uri": (request.redirect_uri_param or request.redirect_uri) if request.redirect_uri_sent else None,
        "scope": request.scope,
        "nonce": request.nonce,
        "code_challenge": request.code_challenge,
        "code_challenge_method": request.code_challenge_method,
        "dpop_jkt": request.dpop_jkt,
        "acr": acr.login_acr(client, realm, request, fresh_login),
        "user_id": user.id,
    }
    if request.resource is not None:  # the resource-indicators feature: OAuth2Code's resource
        data["resource"] = request.resource
    await tx.flows.save_code(
        code_hash(code),
        StoredCode(realm.id, client.id, session.id, data, now + max(realm.access_code_lifespan, 1), False),
    )
    return code

"""Test helpers: seed realms, clients and users straight through the store, and talk to the app."""

from __future__ import annotations

import base64
import dataclasses
import uuid
from typing import Any

import httpx

from doorkeep.clock import FakeClock
from doorkeep.model import Client, ProtocolMapper, Realm, User
from doorkeep.realms import provisioning, required_actions
from doorkeep.realms.bootstrap import set_password
from doorkeep.store.database import Database


async def seed_realm(db: Database, clock: FakeClock, name: str = "test", **settings: Any) -> Realm:
    async with db.transaction() as tx:
        return await provisioning.create_realm(tx, name, clock.now(), **settings)


async def seed_test_realm(db: Database, clock: FakeClock) -> None:
    """Realm ``test`` with the confidential client ``app`` (secret ``secret``) and ``user1`` / ``password``: what
    the wire tests' ``realm`` fixture provides."""
    await seed_realm(db, clock)
    await seed_client(db, "test", "app")
    await seed_user(db, clock, "test", "user1")


async def seed_mail_realm(db: Database, clock: FakeClock, smtp: dict[str, str], **user: Any) -> None:
    """Realm ``test`` (events saved) sending its mail through ``smtp``, client ``app`` (redirect URIs
    ``http://127.0.0.1:9999/*``) and user ``user1`` (``user``: more of its fields)."""
    await seed_realm(db, clock, events_enabled=True)
    await update_realm(db, "test", smtp_server=smtp)
    await seed_client(db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(db, clock, "test", "user1", **user)


async def update_realm(db: Database, name: str, **changes: Any) -> Realm:
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(name)
        assert realm is not None
        realm = dataclasses.replace(realm, **changes)
        await tx.realms.update(realm)
        return realm


async def without_verify_profile(db: Database, name: str) -> Realm:
    """The realm's VERIFY_PROFILE disabled, as Keycloak's tests disable it where a realm's users have no names
    (AbstractKeycloakTest.removeVerifyProfileAtImport, the broker tests' relaxProviderProfileVerification)."""
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(name)
        assert realm is not None
        actions = [
            dataclasses.replace(a, enabled=False, default_action=False) if a.alias == "VERIFY_PROFILE" else a
            for a in required_actions.of(realm)
        ]
        realm = required_actions.with_actions(realm, actions)
        await tx.realms.update(realm)
        return realm


async def seed_client(
    db: Database,
    realm_name: str,
    client_id: str,
    *,
    secret: str | None = "secret",
    public: bool = False,
    direct: bool = True,
    service_accounts: bool = False,
    attributes: dict[str, str] | None = None,
    **kw: Any,
) -> Client:
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(realm_name)
        assert realm is not None
        client = Client(
            id=str(uuid.uuid4()),
            realm_id=realm.id,
            client_id=client_id,
            secret=None if public else secret,
            public_client=public,
            direct_access_grants_enabled=direct,
            service_accounts_enabled=service_accounts,
            attributes=dict(attributes or {}),
            **kw,
        )
        return await provisioning.create_client(tx, realm, client, now=FakeClock().now())


async def update_client(db: Database, realm_name: str, client_id: str, **changes: Any) -> Client:
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(realm_name)
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        assert client is not None
        client = dataclasses.replace(client, **changes)
        await tx.clients.update(client)
        return client


async def seed_user(
    db: Database,
    clock: FakeClock,
    realm_name: str,
    username: str,
    password: str = "password",
    *,
    realm_roles: tuple[str, ...] = (),
    default_roles: bool = True,
    **kw: Any,
) -> User:
    kw.setdefault("email", f"{username}@example.com")
    kw.setdefault("first_name", username.title())
    kw.setdefault("last_name", "Tester")
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(realm_name)
        assert realm is not None
        user = User(
            id=str(uuid.uuid4()), realm_id=realm.id, username=username, created_timestamp=clock.now() * 1000, **kw
        )
        await provisioning.create_user(tx, realm, user, default_roles=default_roles)
        await set_password(tx, user, password, clock.now(), policy=realm.password_policy)
        for name in realm_roles:
            role = await tx.roles.get_realm_role(realm.id, name)
            assert role is not None, name
            await tx.users.grant_roles(user.id, [role.id])
        return user


async def seed_login_realm(db: Database, clock: FakeClock, *, events: bool = False) -> None:
    """Realm ``test`` (saving events when ``events``) with the browser client ``app``, redirecting under
    ``http://127.0.0.1:9999/``, and ``user1`` with the password ``password``: what a browser-login test starts
    from."""
    await seed_realm(db, clock)
    if events:
        await update_realm(db, "test", events_enabled=True)
    await seed_client(db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(db, clock, "test", "user1")


async def grant_client_roles(db: Database, user: User, client_id: str, *names: str) -> None:
    """``user`` granted these roles of their realm's client ``client_id``."""
    async with db.transaction() as tx:
        client = await tx.clients.get_by_client_id(user.realm_id, client_id)
        assert client is not None, client_id
        for name in names:
            role = await tx.roles.get_client_role(client.id, name)
            assert role is not None, name
            await tx.users.grant_roles(user.id, [role.id])


def audience_rep(audience: str) -> dict[str, Any]:
    """The representation of an ``oidc-audience-mapper`` putting the client ``audience`` in access tokens (for a
    client's ``protocolMappers`` in realm JSON): what ``add_audience`` stores."""
    config = {"included.client.audience": audience, "access.token.claim": "true", "introspection.token.claim": "true"}
    return {
        "name": f"{audience} audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": config,
    }


async def add_audience(db: Database, realm_name: str, client_id: str, audience: str | None = None) -> None:
    """An ``oidc-audience-mapper`` on ``client_id`` putting the client ``audience`` (the client itself by default)
    in its access tokens' ``aud``: since Keycloak 26.6.2 an introspection answers ``active`` only to a client in
    the token's audience (the upgrading note's migration path: "add audience protocol mapper")."""
    audience = audience or client_id
    config = {"included.client.audience": audience, "access.token.claim": "true", "introspection.token.claim": "true"}
    mapper = ProtocolMapper(
        id=str(uuid.uuid4()), name=f"{audience} audience", mapper="oidc-audience-mapper", config=config
    )
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(realm_name)
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        assert client is not None, client_id
        await tx.mappers.add(realm.id, client.id, mapper, client=True)


async def update_user(db: Database, realm_name: str, username: str, **changes: Any) -> User:
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(realm_name)
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        user = dataclasses.replace(user, **changes)
        await tx.users.update(user)
        return user


def token_url(realm: str, path: str = "token") -> str:
    return f"/realms/{realm}/protocol/openid-connect/{path}"


async def password_grant(
    http: httpx.AsyncClient,
    realm: str,
    client_id: str,
    username: str = "user1",
    password: str = "password",
    *,
    secret: str | None = "secret",
    scope: str | None = None,
    **extra: str,
) -> httpx.Response:
    form = {"grant_type": "password", "client_id": client_id, "username": username, "password": password, **extra}
    if secret is not None:
        form["client_secret"] = secret
    if scope is not None:
        form["scope"] = scope
    return await http.post(token_url(realm), data=form)


async def refresh(
    http: httpx.AsyncClient,
    realm: str,
    client_id: str,
    refresh_token: str,
    *,
    secret: str | None = "secret",
    **extra: str,
) -> httpx.Response:
    form = {"grant_type": "refresh_token", "client_id": client_id, "refresh_token": refresh_token, **extra}
    if secret is not None:
        form["client_secret"] = secret
    return await http.post(token_url(realm), data=form)


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWS, unverified (tests check signatures elsewhere)."""
    import base64
    import json

    part = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


async def offline_timestamps(db: Database, token: str, client_id: str = "app") -> tuple[int, int]:
    """The offline user session's last refresh and ``client_id``'s client session timestamp, of ``token``'s session."""
    sid = claims(token)["sid"]
    async with db.transaction(write=False) as tx:
        us = await tx.sessions.get_user_session(sid, True)
        app = await tx.clients.get_by_client_id(us.realm_id, client_id) if us is not None else None
        cs = await tx.sessions.get_client_session(sid, True, app.id) if app is not None else None
    assert us is not None and cs is not None
    return us.last_session_refresh, cs.timestamp


def header(token: str) -> dict[str, Any]:
    import base64
    import json

    part = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def assert_error(response: httpx.Response, status: int, error: str, description: str | None = None) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["error"] == error, body
    if description is not None:
        assert body["error_description"] == description, body


def auth_session_id(cookie: object) -> str:
    """The root authentication session an AUTH_SESSION_ID cookie names: base64url of ``id.signature``, as
    Keycloak's AuthenticationSessionManager.signAndEncodeToBase64AuthSessionId writes it."""
    text = str(cookie)
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode().rpartition(".")[0]

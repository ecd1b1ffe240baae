"""RealmRepo, ClientScopeRepo and ClientRepo keep every field and enforce their unique names."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.model import Client, ClientScope, ProtocolMapper, Realm
from doorkeep.store.database import Database
from store_factories import add_client, add_realm, new_id

pytestmark = pytest.mark.anyio


def full_realm() -> Realm:
    """A realm where no field keeps its default, so a dropped field shows."""
    return Realm(
        id=new_id(),
        name="full",
        enabled=False,
        display_name="Full Realm",
        ssl_required="all",
        default_signature_algorithm="ES256",
        access_token_lifespan=301,
        access_token_lifespan_for_implicit_flow=902,
        access_code_lifespan=63,
        access_code_lifespan_user_action=304,
        access_code_lifespan_login=1805,
        sso_session_idle_timeout=1806,
        sso_session_max_lifespan=36007,
        sso_session_idle_timeout_remember_me=8,
        sso_session_max_lifespan_remember_me=9,
        offline_session_idle_timeout=2592010,
        offline_session_max_lifespan_enabled=True,
        offline_session_max_lifespan=5184011,
        client_session_idle_timeout=12,
        client_session_max_lifespan=13,
        client_offline_session_idle_timeout=14,
        client_offline_session_max_lifespan=15,
        revoke_refresh_token=True,
        refresh_token_max_reuse=2,
        not_before=1700000000,
        remember_me=True,
        events_enabled=True,
        registration_allowed=True,
        login_with_email_allowed=False,
        duplicate_emails_allowed=True,
        reset_password_allowed=True,
        verify_email=True,
        edit_username_allowed=True,
        brute_force_protected=True,
        attributes={"frontendUrl": "https://id.example", "nested": {"list": [1, "two", None], "flag": True}},
    )


def full_client(realm: Realm) -> Client:
    return Client(
        id=new_id(),
        realm_id=realm.id,
        client_id="full-app",
        name="Full App",
        description="every field set",
        enabled=False,
        secret="s3cret",
        public_client=True,
        bearer_only=True,
        protocol="openid-connect",
        root_url="https://app.example",
        base_url="/home",
        admin_url="https://app.example/admin",
        redirect_uris=("https://app.example/cb", "https://app.example/*"),
        web_origins=("+", "https://x.example"),
        standard_flow_enabled=False,
        implicit_flow_enabled=True,
        direct_access_grants_enabled=True,
        service_accounts_enabled=True,
        consent_required=True,
        full_scope_allowed=False,
        always_display_in_console=True,
        frontchannel_logout=False,
        not_before=42,
        attributes={"pkce.code.challenge.method": "S256", "client.offline.session.idle.timeout": "60"},
    )


async def test_a_realm_round_trips_every_field_by_id_and_by_name(db: Database) -> None:
    realm = full_realm()
    async with db.transaction() as tx:
        await tx.realms.create(realm)
    async with db.transaction(write=False) as tx:
        assert await tx.realms.get(realm.id) == realm
        assert await tx.realms.get_by_name("full") == realm
        assert await tx.realms.get(new_id()) is None
        assert await tx.realms.get_by_name("missing") is None


async def test_a_realm_update_replaces_every_field(db: Database) -> None:
    async with db.transaction() as tx:
        plain = await add_realm(tx, "plain")
    changed = dataclasses.replace(full_realm(), id=plain.id, name="renamed")
    async with db.transaction() as tx:
        await tx.realms.update(changed)
    async with db.transaction() as tx:
        stored = await tx.realms.get(plain.id)
        assert stored is not None and dataclasses.replace(stored, config_version=0) == changed
        assert await tx.realms.get_by_name("plain") is None


async def test_realms_are_listed_by_name_and_deleted_by_id(db: Database) -> None:
    async with db.transaction() as tx:
        beta = await add_realm(tx, "beta")
        alpha = await add_realm(tx, "alpha")
    async with db.transaction() as tx:
        assert [r.name for r in await tx.realms.list()] == ["alpha", "beta"]
        await tx.realms.delete(beta.id)
    async with db.transaction() as tx:
        assert await tx.realms.list() == [alpha]


async def test_a_duplicate_realm_name_raises_and_the_transaction_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        await add_realm(tx, "taken")
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await add_realm(tx, "innocent")
            await add_realm(tx, "taken")
    async with db.transaction() as tx:
        assert await tx.realms.get_by_name("innocent") is None
        assert [r.name for r in await tx.realms.list()] == ["taken"]


async def test_a_client_scope_round_trips_attributes_and_protocol_mappers_as_a_tuple(db: Database) -> None:
    mapper = ProtocolMapper(
        id=new_id(), name="email", mapper="oidc-usermodel-property-mapper", config={"claim.name": "email"}
    )
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        scope = ClientScope(
            id=new_id(),
            realm_id=realm.id,
            name="email",
            description="Email address",
            protocol="openid-connect",
            attributes={"include.in.token.scope": "false"},
            protocol_mappers=(mapper, ProtocolMapper(id=new_id(), name="verified", mapper="x")),
        )
        await tx.scopes.create(scope)
    async with db.transaction() as tx:
        stored = await tx.scopes.get(scope.id)
        assert stored == scope
        assert stored is not None and isinstance(stored.protocol_mappers, tuple)
        assert stored.include_in_token_scope is False
        assert await tx.scopes.get_by_name(realm.id, "email") == scope
        assert await tx.scopes.get_by_name(realm.id, "profile") is None


async def test_client_scopes_are_updated_listed_by_name_and_deleted(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        profile = ClientScope(id=new_id(), realm_id=realm.id, name="profile")
        email = ClientScope(id=new_id(), realm_id=realm.id, name="email")
        for scope in (profile, email, ClientScope(id=new_id(), realm_id=other.id, name="roles")):
            await tx.scopes.create(scope)
    renamed = dataclasses.replace(profile, name="zprofile", description="now last")
    async with db.transaction() as tx:
        await tx.scopes.update(renamed)
        assert await tx.scopes.list(realm.id) == [email, renamed]
        await tx.scopes.delete(email.id)
    async with db.transaction() as tx:
        assert await tx.scopes.list(realm.id) == [renamed]


async def test_a_duplicate_client_scope_name_in_a_realm_raises_and_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        await tx.scopes.create(ClientScope(id=new_id(), realm_id=realm.id, name="email"))
        await tx.scopes.create(ClientScope(id=new_id(), realm_id=other.id, name="email"))  # other realm: fine
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.scopes.create(ClientScope(id=new_id(), realm_id=realm.id, name="phone"))
            await tx.scopes.create(ClientScope(id=new_id(), realm_id=realm.id, name="email"))
    async with db.transaction() as tx:
        assert [s.name for s in await tx.scopes.list(realm.id)] == ["email"]


async def test_realm_default_scopes_are_set_switched_and_removed(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        email = ClientScope(id=new_id(), realm_id=realm.id, name="email")
        phone = ClientScope(id=new_id(), realm_id=realm.id, name="phone")
        await tx.scopes.create(email)
        await tx.scopes.create(phone)
        await tx.realms.set_default_scope(realm.id, phone.id, False)
        await tx.realms.set_default_scope(realm.id, email.id, False)
        await tx.realms.set_default_scope(realm.id, email.id, True)  # switching replaces, never duplicates
    async with db.transaction() as tx:
        assert await tx.realms.default_scopes(realm.id) == [(email, True), (phone, False)]
        await tx.realms.remove_default_scope(realm.id, phone.id)
        await tx.scopes.delete(email.id)
    async with db.transaction() as tx:
        assert await tx.realms.default_scopes(realm.id) == []


async def test_a_client_round_trips_every_field_with_tuples_and_attributes(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = full_client(realm)
        await tx.clients.create(client)
    async with db.transaction() as tx:
        stored = await tx.clients.get(client.id)
        assert stored == client
        assert stored is not None and isinstance(stored.redirect_uris, tuple)
        assert isinstance(stored.web_origins, tuple)
        assert await tx.clients.get_by_client_id(realm.id, "full-app") == client
        assert await tx.clients.get_by_client_id(realm.id, "other") is None
        assert await tx.clients.get(new_id()) is None


async def test_a_client_update_replaces_every_field(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        plain = await add_client(tx, realm, "plain")
    changed = dataclasses.replace(full_client(realm), id=plain.id, client_id="renamed")
    async with db.transaction() as tx:
        await tx.clients.update(changed)
    async with db.transaction() as tx:
        assert await tx.clients.get(plain.id) == changed
        assert await tx.clients.get_by_client_id(realm.id, "plain") is None


async def test_clients_are_listed_by_client_id_searched_and_paged(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        for name in ("web-app", "Admin-CLI", "account", "mobile-app"):
            await add_client(tx, realm, name)
        await add_client(tx, other, "web-app-elsewhere")
    async with db.transaction() as tx:
        names = [c.client_id for c in await tx.clients.list(realm.id)]
        assert names == sorted(names) and len(names) == 4
        assert [c.client_id for c in await tx.clients.list(realm.id, client_id="web-app")] == ["web-app"]
        assert await tx.clients.list(realm.id, client_id="APP") == []
        found = await tx.clients.list(realm.id, client_id="APP", search=True)
        assert [c.client_id for c in found] == ["mobile-app", "web-app"]
        assert [c.client_id for c in await tx.clients.list(realm.id, client_id="admin", search=True)] == ["Admin-CLI"]
        assert [c.client_id for c in await tx.clients.list(realm.id, first=1, max_results=2)] == names[1:3]
        assert [c.client_id for c in await tx.clients.list(realm.id, first=3, max_results=10)] == names[3:]
        assert await tx.clients.list(realm.id, max_results=0) == []


async def test_client_search_takes_percent_underscore_and_backslash_literally(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        for name in ("plain", "with_underscore", "with%percent", "back\\slash", "aXb"):
            await add_client(tx, realm, name)
    async with db.transaction() as tx:

        async def search(term: str) -> list[str]:
            return [c.client_id for c in await tx.clients.list(realm.id, client_id=term, search=True)]

        assert await search("%") == ["with%percent"]
        assert await search("_") == ["with_underscore"]
        assert await search("a_b") == []
        assert await search("\\") == ["back\\slash"]
        assert await search("h%p") == ["with%percent"]


async def test_a_duplicate_client_id_in_a_realm_raises_and_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        await add_client(tx, realm, "app")
        await add_client(tx, other, "app")  # the same clientId in another realm is fine
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await add_client(tx, realm, "innocent")
            await add_client(tx, realm, "app")
    async with db.transaction() as tx:
        assert [c.client_id for c in await tx.clients.list(realm.id)] == ["app"]


async def test_client_scope_links_are_linked_switched_and_unlinked(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        email = ClientScope(id=new_id(), realm_id=realm.id, name="email")
        roles = ClientScope(id=new_id(), realm_id=realm.id, name="roles")
        await tx.scopes.create(email)
        await tx.scopes.create(roles)
        await tx.clients.link_scope(client.id, roles.id, True)
        await tx.clients.link_scope(client.id, email.id, True)
        await tx.clients.link_scope(client.id, email.id, False)  # relinking switches default -> optional
    async with db.transaction() as tx:
        assert await tx.clients.scopes(client.id) == [(email, False), (roles, True)]
        await tx.clients.unlink_scope(client.id, email.id)
        await tx.clients.unlink_scope(client.id, email.id)  # unlinking twice is harmless
    async with db.transaction() as tx:
        assert await tx.clients.scopes(client.id) == [(roles, True)]
        await tx.scopes.delete(roles.id)
    async with db.transaction() as tx:
        assert await tx.clients.scopes(client.id) == []


async def test_the_default_role_id_is_written_by_its_own_method_and_kept_by_every_realm_update(db: Database) -> None:
    """RealmRepo.set_default_role pins the id; an update of a realm read before it (a stale object, as an admin
    request holds) or one naming another id keeps what is stored, with flows written or not."""
    async with db.transaction() as tx:
        realm = await add_realm(tx, "pinned")
    async with db.transaction() as tx:
        await tx.realms.set_default_role(realm.id, "role-1")
    for flows in (False, True):
        async with db.transaction() as tx:
            await tx.realms.update(dataclasses.replace(realm, display_name=f"flows {flows}"), flows=flows)
            await tx.realms.update(dataclasses.replace(realm, default_role_id="forged", display_name="x"), flows=flows)
        async with db.transaction(write=False) as tx:
            stored = await tx.realms.get(realm.id)
            assert stored is not None and (stored.default_role_id, stored.display_name) == ("role-1", "x")
    async with db.transaction() as tx:
        await tx.realms.set_default_role(realm.id, "role-2")
        await tx.realms.set_default_role(new_id(), "role-3")  # no such realm: nothing written, no error
    async with db.transaction(write=False) as tx:
        stored = await tx.realms.get(realm.id)
        assert stored is not None and stored.default_role_id == "role-2"

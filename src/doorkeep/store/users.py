"""Users, their credentials and role mappings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Select, bindparam, delete, exists, false, func, insert, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from doorkeep.model import JSON, NO_HISTORY, Client, Credential, PasswordRetention, User
from doorkeep.organizations.model import MANAGED
from doorkeep.store import advisory
from doorkeep.store.prepared import Prepared
from doorkeep.store.rows import from_row, to_config
from doorkeep.store.tables import (
    credentials,
    organization_members,
    organizations,
    password_history,
    realms,
    user_role_mappings,
    users,
)

USER_COLS = ("id", "realm_id", "username", "email", "enabled", "service_account_client_id", "not_before")
# Keycloak 26's UserStorageManager.validateUser wraps a MANAGED member of a disabled organization, or of any
# organization while the realm's organizations are off (isReadOnlyOrganizationMember), in a
# ReadOnlyUserModelDelegate that reads disabled and refuses writes. Here a correlated EXISTS beside the user's
# columns in every read of users: no statement of its own (the refresh's joined read carries it too), and for a
# user in no organization one probe of ix_organization_members_user.
_OM, _ORG = organization_members.c, organizations.c
_SWITCH_ON = func.coalesce(realms.c.config["organizations_enabled"].as_boolean(), false())
READ_ONLY = (
    exists()
    .where(_OM.user_id == users.c.id, _OM.membership_type == MANAGED, _ORG.id == _OM.organization_id)
    .where(realms.c.id == _ORG.realm_id, or_(_ORG.enabled.is_(False), not_(_SWITCH_ON)))
    .label("read_only")
)
USERS = (users, READ_ONLY)  # what a read of users selects: ``select(*USERS)``, then ``user_from``
# Read by every token request: built once (SQLAlchemy reuses their cache keys and compiled forms).
_USER_BY_ID = Prepared(select(*USERS).where(users.c.id == bindparam("id")))
_SERVICE_ACCOUNT = Prepared(
    select(*USERS).where(users.c.realm_id == bindparam("realm"), users.c.service_account_client_id == bindparam("cid"))
)


def user_from(row: Any) -> User:
    """The user of a row read with ``USERS``: a read-only organization member's ``enabled`` reads False."""
    user = from_row(User, row, USER_COLS)
    return dataclasses.replace(user, enabled=False, read_only=True) if row._mapping["read_only"] else user


PRIORITY_DIFFERENCE = 10  # JpaUserCredentialStore.PRIORITY_DIFFERENCE
_CREDENTIAL_COLUMNS = [c for c in credentials.c if c.name != "priority"]  # the Credential dataclass's fields
_ROLE_IDS = Prepared(select(user_role_mappings.c.role_id).where(user_role_mappings.c.user_id == bindparam("id")))


class UserRepo:
    def __init__(self, conn: AsyncConnection, *, hold: bool = False) -> None:
        self._c = conn
        self._hold = hold
        self._prefetched: tuple[str, set[str]] | None = None

    async def get(self, user_id: str) -> User | None:
        row = (await _USER_BY_ID.execute(self._c, {"id": user_id})).first()
        return user_from(row) if row else None

    async def held(self, user_id: str) -> User | None:
        """``get``, the row then held till the transaction ends (FOR NO KEY UPDATE in a writing PostgreSQL
        transaction; SQLite's writers are serial already): a write under the user (a credential, a role mapping, a
        membership) cannot meet a user deleted meanwhile at its foreign key, and one that waited for that deletion
        finds no user. Not FOR KEY SHARE: two holders deleting the user would each wait for the other's share."""
        if not self._hold:
            return await self.get(user_id)
        query = select(*USERS).where(users.c.id == user_id).with_for_update(of=users, key_share=True)
        row = (await self._c.execute(query)).first()
        return user_from(row) if row else None

    async def get_many(self, user_ids: list[str]) -> dict[str, User]:
        """The users with these ids (absent ones left out), in a few statements."""
        found: dict[str, User] = {}
        for at in range(0, len(user_ids), 500):
            for row in await self._c.execute(select(*USERS).where(users.c.id.in_(user_ids[at : at + 500]))):
                user = user_from(row)
                found[user.id] = user
        return found

    async def get_by_username(self, realm_id: str, username: str) -> User | None:
        if "\x00" in username:  # no user has one (PostgreSQL refuses a NUL in a text): unknown on both engines
            return None
        row = (
            await self._c.execute(
                select(*USERS).where(users.c.realm_id == realm_id, users.c.username == username.lower())
            )
        ).first()
        return user_from(row) if row else None

    async def get_by_email(self, realm_id: str, email: str) -> User | None:
        if "\x00" in email:  # as get_by_username
            return None
        rows = (
            await self._c.execute(
                select(*USERS).where(users.c.realm_id == realm_id, func.lower(users.c.email) == email.lower())
            )
        ).all()
        return user_from(rows[0]) if len(rows) == 1 else None

    async def ids_with_email(self, realm_id: str, email: str, *, limit: int = 2) -> list[str]:
        """Ids of the realm's users holding this e-mail address (any case), at most ``limit`` of them: the
        duplicate checks must see every holder, where ``get_by_email`` answers only a single one."""
        if "\x00" in email:  # as get_by_username
            return []
        query = select(users.c.id).where(users.c.realm_id == realm_id, func.lower(users.c.email) == email.lower())
        return [row.id for row in await self._c.execute(query.order_by(users.c.id).limit(limit))]

    async def get_service_account(self, client: Client) -> User | None:
        """The client's service-account user (read through the index on realm and client)."""
        row = (await _SERVICE_ACCOUNT.execute(self._c, {"realm": client.realm_id, "cid": client.id})).first()
        return user_from(row) if row else None

    async def search(self, realm_id: str, *, first: int = 0, max_results: int = 100) -> list[User]:
        """The realm's users (not service accounts) by username, paged in the statement (Keycloak's
        first/max: a negative bound is no bound). Filtering is ``search_candidates``."""
        query = _people(select(*USERS), realm_id).order_by(users.c.username)
        return [user_from(r) for r in await self._c.execute(_paged(query, first, max_results))]

    async def search_candidates(
        self, realm_id: str, needles: Iterable[str], fields: Mapping[str, str] | None = None
    ) -> list[User]:
        """The realm's users (not service accounts), by username, whose username, e-mail, first or last name
        contains each of ``needles``, and each field named in ``fields`` (``username``, ``email``,
        ``first_name``, ``last_name``) its own needle, once lower-cased: a superset of what the admin
        ``search`` and field queries find, narrowed in the statement so that the caller's exact match reads
        these users only, not the realm's.

        Needles are lower-case ASCII. SQL's ``lower()`` folds ASCII only, and the two characters whose
        Python ``lower()`` yields an ASCII letter (``_FOLD``) are replaced first, so every value Python
        would match is among the rows."""
        query = _people(select(*USERS), realm_id)
        columns = {
            "username": users.c.username,
            "email": users.c.email,
            **{key: users.c.config[key].as_string() for key in _NAME_KEYS},
        }
        for needle in needles:
            query = query.where(or_(*(_folded(c).contains(needle, autoescape=True) for c in columns.values())))
        for name, needle in (fields or {}).items():
            query = query.where(_folded(columns[name]).contains(needle, autoescape=True))
        return [user_from(r) for r in await self._c.execute(query.order_by(users.c.username))]

    async def disabled(self, realm_id: str) -> list[User]:
        """The realm's disabled users (not service accounts): those a permanent lockout may have disabled."""
        query = _people(select(*USERS), realm_id).where(users.c.enabled.is_(False)).order_by(users.c.username)
        return [user_from(r) for r in await self._c.execute(query)]

    async def count(self, realm_id: str) -> int:
        query = _people(select(func.count()).select_from(users), realm_id)
        return int((await self._c.execute(query)).scalar_one())

    async def any_in(self, realm_id: str) -> bool:
        """Whether the realm has a user, a service account counting as one (Keycloak's ``getUsersCount(realm,
        true) > 0``): one probe of the realm's index, not a count."""
        query = select(exists().where(users.c.realm_id == realm_id))
        return bool((await self._c.execute(query)).scalar_one())

    async def serialize_initial(self, realm_id: str) -> None:
        """Queue this transaction behind any other creating the realm's initial user (or, in master, any admin
        ``bootstrap-admin`` adds: realms/temporary_admin.py) until it ends, so that its ``any_in`` then reads what
        they committed: two creations at once make one user, not two. SQLite writers
        are serial already; in a writing PostgreSQL transaction a transaction-scoped advisory lock
        (login_failures.serialize), which leaves the realm's row to the writers that only reference it."""
        if not self._hold:
            return
        await advisory.hold(self._c, f"doorkeep.initial_user:{realm_id}")

    async def create(self, user: User) -> None:
        await self._c.execute(insert(users), self._values(user))

    async def update(self, user: User) -> None:
        """Write the user's row. A read-only organization member's stored ``enabled`` is not written (what it reads
        is computed, see ``READ_ONLY``); the callers that must refuse its writes check ``read_only`` first."""
        values = self._values(user)
        if user.read_only:
            del values["enabled"]
        await self._c.execute(update(users).where(users.c.id == user.id).values(**values))

    async def delete(self, user_id: str) -> None:
        await self._c.execute(delete(users).where(users.c.id == user_id))

    @staticmethod
    def _values(user: User) -> dict[str, object]:
        return {
            "id": user.id,
            "realm_id": user.realm_id,
            "username": user.username.lower(),
            "email": user.email,
            "enabled": user.enabled,
            "service_account_client_id": user.service_account_client_id,
            "not_before": user.not_before,
            "config": to_config(user, (*USER_COLS, "read_only")),
        }

    # --- credentials -------------------------------------------------------------------------
    # Keycloak's CREDENTIAL.PRIORITY (JpaUserCredentialStore): a user's credentials are listed by it; a new one
    # goes last at the last priority plus PRIORITY_DIFFERENCE, and a new order renumbers them 10, 20, 30 …
    async def credentials(self, user_id: str) -> list[Credential]:
        """The user's credentials by priority (oldest first among equals)."""
        query = (
            select(*_CREDENTIAL_COLUMNS)
            .where(credentials.c.user_id == user_id)
            .order_by(credentials.c.priority, credentials.c.created_date, credentials.c.id)
        )
        return [Credential(**dict(r._mapping)) for r in await self._c.execute(query)]

    async def password(self, user_id: str) -> Credential | None:
        for cred in await self.credentials(user_id):
            if cred.type == "password":
                return cred
        return None

    async def set_password(self, cred: Credential, kept: PasswordRetention = NO_HISTORY) -> None:
        """Replace the user's password credential; a new password keeps the old one's place in the list.

        PasswordCredentialProvider.createCredential: when ``kept`` keeps any history the old hash moves to it (with
        its own created date); then the history not kept is removed, "if both history policies are set, more
        restrictive policy wins": a hash goes unless it is among the newest ``kept.newest``, created since
        ``kept.since``, or the one just moved (none is kept without either policy)."""
        old = credentials.c.user_id == cred.user_id, credentials.c.type == "password"
        previous = (await self._c.execute(select(*_CREDENTIAL_COLUMNS, credentials.c.priority).where(*old))).all()
        priority = min((row.priority for row in previous), default=None)
        moved = None
        if kept.moves and previous:
            first = previous[0]
            row = {"user_id": cred.user_id, "secret_data": first.secret_data, "credential_data": first.credential_data}
            inserted = await self._c.execute(insert(password_history), {**row, "created_date": first.created_date})
            moved = inserted.inserted_primary_key[0] if inserted.inserted_primary_key else None
        await self._trim_password_history(cred.user_id, kept, moved)
        await self._c.execute(delete(credentials).where(*old))
        priority = priority if priority is not None else await self._next_priority(cred.user_id)
        await self._c.execute(insert(credentials), {**cred.__dict__, "priority": priority})

    async def _trim_password_history(self, user_id: str, kept: PasswordRetention, moved: int | None) -> None:
        mine = password_history.c.user_id == user_id
        newest = select(password_history.c.id).where(mine)
        newest = newest.order_by(password_history.c.created_date.desc(), password_history.c.id.desc())
        keep = {row.id for row in await self._c.execute(newest.limit(kept.newest))} if kept.newest > 0 else set()
        if moved is not None:
            keep.add(moved)
        query = delete(password_history).where(mine)
        if kept.since is not None:  # passwordAgePredicate: only a hash created before the cut-off goes
            query = query.where(password_history.c.created_date < kept.since)
        await self._c.execute(query.where(password_history.c.id.not_in(keep)) if keep else query)

    async def add_password_history(
        self, user_id: str, secret_data: Any, credential_data: Any, created_date: int
    ) -> None:
        """One previous password hash as a realm file gives it (Keycloak imports ``password-history`` credentials
        as stored)."""
        row = {"user_id": user_id, "secret_data": secret_data, "credential_data": credential_data}
        await self._c.execute(insert(password_history), {**row, "created_date": created_date})

    async def exported_password_history(self, user_id: str) -> list[tuple[Any, Any, int]]:
        """Every previous password hash of the user (``secret_data``, ``credential_data``, ``created_date``), in
        the order they were kept: a realm export's ``password-history`` credentials."""
        query = (
            select(password_history.c.secret_data, password_history.c.credential_data, password_history.c.created_date)
            .where(password_history.c.user_id == user_id)
            .order_by(password_history.c.id)
        )
        return [(row.secret_data, row.credential_data, row.created_date) for row in await self._c.execute(query)]

    async def password_history(self, user_id: str, limit: int) -> list[tuple[Any, Any]]:
        """The user's ``limit`` newest previous password hashes (``secret_data``, ``credential_data``), newest first
        (HistoryPasswordPolicyProvider.getRecent: by created date, descending)."""
        if limit <= 0:
            return []
        query = (
            select(password_history.c.secret_data, password_history.c.credential_data)
            .where(password_history.c.user_id == user_id)
            .order_by(password_history.c.created_date.desc(), password_history.c.id.desc())
            .limit(limit)
        )
        return [(row.secret_data, row.credential_data) for row in await self._c.execute(query)]

    async def password_history_since(self, user_id: str, since: int) -> list[tuple[Any, Any]]:
        """The user's previous password hashes created after ``since`` (ms), newest first (AgePasswordPolicyProvider:
        ``getCreatedDate() > passwordMaxAgeMillis``)."""
        query = (
            select(password_history.c.secret_data, password_history.c.credential_data)
            .where(password_history.c.user_id == user_id, password_history.c.created_date > since)
            .order_by(password_history.c.created_date.desc(), password_history.c.id.desc())
        )
        return [(row.secret_data, row.credential_data) for row in await self._c.execute(query)]

    async def add_credential(self, cred: Credential) -> None:
        """Store one more credential (an OTP device beside the others), last in the user's list."""
        priority = await self._next_priority(cred.user_id)
        await self._c.execute(insert(credentials), {**cred.__dict__, "priority": priority})

    async def _next_priority(self, user_id: str) -> int:
        query = select(func.max(credentials.c.priority)).where(credentials.c.user_id == user_id)
        last = (await self._c.execute(query)).scalar()
        return (last or 0) + PRIORITY_DIFFERENCE

    async def order_credentials(self, user_id: str, ordered_ids: list[str]) -> None:
        """Renumber the user's credentials in this order (10, 20, 30 …), writing only the rows that change
        (JpaUserCredentialStore.moveCredentialTo's last step)."""
        for place, credential_id in enumerate(ordered_ids, start=1):
            priority = place * PRIORITY_DIFFERENCE
            await self._c.execute(
                update(credentials)
                .where(
                    credentials.c.user_id == user_id,
                    credentials.c.id == credential_id,
                    credentials.c.priority != priority,
                )
                .values(priority=priority)
            )

    async def rehash_password(self, credential_id: str, secret_data: JSON, credential_data: JSON) -> None:
        """The password credential hashed again at a login (PasswordCredentialProvider.rehashPasswordIfRequired):
        the same id, created date, label and place; only the hash and its parameters change."""
        query = update(credentials).where(credentials.c.id == credential_id, credentials.c.type == "password")
        await self._c.execute(query.values(secret_data=secret_data, credential_data=credential_data))

    async def update_credential_data(self, credential_id: str, data: dict[str, object]) -> None:
        """Replace a credential's ``credentialData`` (a HOTP credential's counter moving on)."""
        await self._c.execute(update(credentials).where(credentials.c.id == credential_id).values(credential_data=data))

    async def lock_credential(self, credential_id: str) -> Credential | None:
        """One credential, its row locked for the rest of the transaction (a recovery code spent once)."""
        query = select(*_CREDENTIAL_COLUMNS).where(credentials.c.id == credential_id).with_for_update()
        row = (await self._c.execute(query)).first()
        return Credential(**dict(row._mapping)) if row is not None else None

    async def update_credential_secret(self, credential_id: str, secret_data: JSON, credential_data: JSON) -> None:
        """Replace a credential's secret and data in place (a recovery code removed from its set)."""
        query = update(credentials).where(credentials.c.id == credential_id)
        await self._c.execute(query.values(secret_data=secret_data, credential_data=credential_data))

    async def holding_credential(self, user_ids: list[str], credential_type: str) -> set[str]:
        """Which of these users hold at least one credential of this type, in a few statements."""
        found: set[str] = set()
        for at in range(0, len(user_ids), 500):
            query = select(credentials.c.user_id).where(
                credentials.c.user_id.in_(user_ids[at : at + 500]), credentials.c.type == credential_type
            )
            found.update(row.user_id for row in await self._c.execute(query.distinct()))
        return found

    async def set_credential_label(self, user_id: str, credential_id: str, label: str | None) -> None:
        """Rename one of the user's credentials (its ``userLabel``)."""
        await self._c.execute(
            update(credentials)
            .where(credentials.c.user_id == user_id, credentials.c.id == credential_id)
            .values(user_label=label)
        )

    async def delete_credential(self, user_id: str, credential_id: str) -> bool:
        result = await self._c.execute(
            delete(credentials).where(credentials.c.user_id == user_id, credentials.c.id == credential_id)
        )
        return bool(result.rowcount)

    # --- role mappings -----------------------------------------------------------------------
    def prefetched_role_ids(self, user_id: str, role_ids: set[str]) -> None:
        """The user's role ids, read in this transaction by a joined statement (store/resume_read.py):
        the next ``role_ids`` of that user takes them instead of asking again (once; a grant or a
        revoke in between drops them)."""
        self._prefetched = (user_id, role_ids)

    async def role_ids(self, user_id: str) -> set[str]:
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is not None and prefetched[0] == user_id:
            return set(prefetched[1])
        return {r.role_id for r in await _ROLE_IDS.execute(self._c, {"id": user_id})}

    async def holding_role(self, realm_id: str, role_id: str, first: int = 0, max_results: int = -1) -> list[User]:
        """Users of the realm mapped to the role directly (service accounts included), by username, paged
        as Keycloak pages (a negative ``first`` or ``max_results`` is no bound) in the statement itself."""
        query = (
            select(*USERS)
            .join(user_role_mappings, user_role_mappings.c.user_id == users.c.id)
            .where(user_role_mappings.c.role_id == role_id, users.c.realm_id == realm_id)
            .order_by(users.c.username)
        )
        return [user_from(r) for r in await self._c.execute(_paged(query, first, max_results))]

    async def grant_roles(self, user_id: str, role_ids: Iterable[str]) -> None:
        self._prefetched = None
        have = await self.role_ids(user_id)
        rows = [{"user_id": user_id, "role_id": r} for r in dict.fromkeys(role_ids) if r not in have]
        if rows:
            await self._c.execute(insert(user_role_mappings), rows)

    async def revoke_roles(self, user_id: str, role_ids: Iterable[str]) -> None:
        self._prefetched = None
        await self._c.execute(
            delete(user_role_mappings).where(
                user_role_mappings.c.user_id == user_id, user_role_mappings.c.role_id.in_(list(role_ids))
            )
        )


def _people(query: Select, realm_id: str) -> Select:  # type: ignore[type-arg]
    """``query`` kept to the realm's users that are not service accounts."""
    return query.where(users.c.realm_id == realm_id, users.c.service_account_client_id.is_(None))


def _paged(query: Select, first: int, max_results: int) -> Select:  # type: ignore[type-arg]
    """Keycloak's first/max in SQL: a negative ``first`` starts at 0, a negative ``max_results`` has no limit."""
    if first > 0:
        query = query.offset(first)
    return query.limit(max_results) if max_results >= 0 else query


_NAME_KEYS = ("first_name", "last_name")  # kept in the row's JSON
# The only characters whose Python lower() holds an ASCII letter: İ (to "i" and a combining dot) and the Kelvin sign.
_FOLD = (("\u0130", "i"), ("\u212a", "k"))


def _folded(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """``column`` lower-cased in SQL, with ``_FOLD`` applied first (NULL as empty)."""
    folded: ColumnElement[Any] = func.coalesce(column, "")
    for char, ascii_letter in _FOLD:
        folded = func.replace(folded, char, ascii_letter)
    return func.lower(folded)

"""The unit of work handed to the core: one connection, one transaction, narrow repositories."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import SessionEnded
from doorkeep.store.admin_events import AdminEventRepo
from doorkeep.store.bulk_sessions import BulkSessionRepo
from doorkeep.store.config_cache import CachedConfig, ConfigCache
from doorkeep.store.events import EventRepo
from doorkeep.store.flows import FlowRepo
from doorkeep.store.groups import GroupRepo
from doorkeep.store.keys import KeyRepo, RevokedTokenRepo
from doorkeep.store.login_failures import LoginFailureRepo
from doorkeep.store.mappers import MapperRepo
from doorkeep.store.realms import ClientRepo, ClientScopeRepo, RealmRepo
from doorkeep.store.resume_read import ResumeRead
from doorkeep.store.roles import RoleRepo
from doorkeep.store.session_views import SessionViewRepo
from doorkeep.store.sessions import SessionRepo
from doorkeep.store.users import UserRepo


class Tx:
    def __init__(self, conn: AsyncConnection, is_sqlite: bool, cache: ConfigCache | None = None) -> None:
        self.realms = RealmRepo(conn)
        self.clients = ClientRepo(conn)
        self.scopes = ClientScopeRepo(conn)
        self.roles = RoleRepo(conn)
        self.users = UserRepo(conn)
        self.groups = GroupRepo(conn)
        self.mappers = MapperRepo(conn)
        self.sessions = SessionRepo(conn, is_sqlite)
        self.resume = ResumeRead(conn, is_sqlite, self.users)  # a refresh's session, user and client session at once
        self.session_views = SessionViewRepo(conn)  # the admin session reads (issue #8)
        self.bulk = BulkSessionRepo(conn)  # bulk offline-session revocation (issue #13)
        self.keys = KeyRepo(conn)
        self.revoked = RevokedTokenRepo(conn)
        self.flows = FlowRepo(conn)
        self.config = CachedConfig(cache or ConfigCache(), self)
        self.events = EventRepo(conn)
        self.admin_events = AdminEventRepo(conn)
        self.login_failures = LoginFailureRepo(conn, is_sqlite)
        # Actions to run once the transaction has committed (cache invalidation, notifications).
        self.after_commit: list[Callable[[], None]] = []
        # Client sessions ended by a logout, for backchannel logout once committed (sessions/ended.py).
        self.ended: list[SessionEnded] = []

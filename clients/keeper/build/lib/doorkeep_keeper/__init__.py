"""doorkeep-keeper: keep an application's offline tokens, refresh them once at a time, never lose one.

from doorkeep_keeper import Keeper, FileStore, TokenKey, ConsentRequired
"""

from doorkeep_keeper.errors import (
    ConsentRequired,
    KeeperError,
    RefreshAnswerLost,
    RefreshRejected,
    ServerUnavailable,
)
from doorkeep_keeper.grant import StoredGrant, TokenKey
from doorkeep_keeper.keeper import Keeper
from doorkeep_keeper.stores import FileStore, SqliteStore, TokenStore

__all__ = [
    "ConsentRequired",
    "FileStore",
    "Keeper",
    "KeeperError",
    "RefreshAnswerLost",
    "RefreshRejected",
    "ServerUnavailable",
    "SqliteStore",
    "StoredGrant",
    "TokenKey",
    "TokenStore",
]

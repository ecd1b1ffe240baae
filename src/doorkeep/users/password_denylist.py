"""Keycloak's ``passwordBlacklist(<file>)`` policy (DenylistPasswordPolicyProviderFactory and its provider).

A denylist is a text file of passwords, one per line, in the denylists folder: ``data/password-blacklists/``
under the working directory (Keycloak's ``$KC_HOME/data/password-blacklists/``), or the folder
``--spi-password-policy-password-blacklist-blacklists-path`` names. The policy's config is the file's name; a
name with a slash is refused (``<name> must not contain slashes!``), so the policy reads nothing outside the
folder. A password is refused when its lower-case form is a line of the file in lower case, as Keycloak's
``contains(password.toLowerCase())`` over the lower-cased lines, with the message
``invalidPasswordBlacklistedMessage``.

Keycloak keeps a Bloom filter (false positives at ``falsePositiveProbability``, 0.0001); Doorkeep keeps a sorted
array of each line's 64-bit BLAKE2b digest, 8 bytes a password, looked up by bisection: a false positive needs a
64-bit collision. The file is read at the first check and read again when its size or modification time has
changed, looked at no more often than every ``--spi-password-policy-password-blacklist-check-interval-seconds``
(Keycloak's checkIntervalSeconds, 60; 0: never); a failed reload keeps the list it had, as Keycloak's does. At most
``MAX_LISTS`` names are kept (Keycloak keeps one per file it found; Doorkeep also remembers missing ones, so a realm
administrator setting name after name must not grow the server's memory without end).

Where Keycloak refuses to parse a policy naming a file it cannot find (an error of the realm update), Doorkeep
accepts and keeps it, so that a realm exported from a Keycloak whose folder held the file imports, and logs a
warning: the policy refuses nothing until the file is there (it is looked for again at each interval). Log lines
name the list and the folder, never a password; the name, which a realm administrator types, is logged with its
unprintable characters escaped (``shown``), so a line break or a terminal escape in it cannot forge a log line.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

_log = logging.getLogger(__name__)

DEFAULT_FOLDER = Path("data") / "password-blacklists"
DEFAULT_CHECK_INTERVAL = 60  # DenylistPasswordPolicyProviderFactory.DEFAULT_CHECK_INTERVAL_SECONDS
MESSAGE_KEY = "invalidPasswordBlacklistedMessage"  # DenylistPasswordPolicyProvider.ERROR_MESSAGE


class DenylistNameError(ValueError):
    """The policy's config cannot name a denylist; the text is Keycloak's."""


@dataclass(frozen=True)
class Listed:
    """A parsed ``passwordBlacklist`` config: the denylist's file name."""

    name: str


@dataclass
class _Folder:
    path: Path = DEFAULT_FOLDER
    check_interval: float = DEFAULT_CHECK_INTERVAL


_folder = _Folder()
MAX_LISTS = 256  # lists kept in memory at once: a realm administrator names them, so their number is bounded
_lists: dict[tuple[Path, str], _Denylist] = {}
_lock = threading.Lock()


def configure(path: str | None, check_interval: int | None = None) -> None:
    """Where the denylists are (None: ``data/password-blacklists``) and how often a file is looked at again."""
    with _lock:
        _folder.path = Path(path) if path else DEFAULT_FOLDER
        _folder.check_interval = DEFAULT_CHECK_INTERVAL if check_interval is None else max(0, check_interval)


def parse(value: str | None) -> Listed | None:
    """DenylistPasswordPolicyProvider.parseConfig: the list's name, trimmed; no config, no list."""
    if value is None or not value.strip():
        return None
    name = value.strip()
    if "/" in name or "\\" in name:
        raise DenylistNameError(f"{name} must not contain slashes!")
    if name in (".", "..") or "\x00" in name:
        raise DenylistNameError(f"Password denylist {name} not found!")
    _denylist(name)  # read it now, so a missing file is logged when the policy is set
    return Listed(name)


def refuses(listed: Listed, password: str) -> bool:
    """Is ``password`` (in lower case) on the list? A list whose file is missing refuses nothing."""
    return _denylist(listed.name).contains(password)


def shown(name: str) -> str:
    """``name`` as a log line may hold it: each unprintable character (line breaks, escapes, NUL, U+2028) as
    ``\\x..`` / ``\\u....``, the rest as typed."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in name)


def _digest(text: str) -> int:
    data = text.lower().encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def _denylist(name: str) -> _Denylist:
    with _lock:
        key = (_folder.path, name)
        found = _lists.get(key)
        if found is None:
            _make_room()
            found = _lists[key] = _Denylist(_folder.path / name, _folder.check_interval)
    return found


def _make_room() -> None:
    """Below MAX_LISTS, by forgetting the names whose file was never found first, then the oldest named: a list
    forgotten is read again when a policy next asks for it."""
    if len(_lists) < MAX_LISTS:
        return
    for key in [k for k, listed in _lists.items() if listed.stamp is None]:
        del _lists[key]
    while len(_lists) >= MAX_LISTS:
        del _lists[next(iter(_lists))]


class _Denylist:
    """One file's digests, read again when the file changes."""

    def __init__(self, path: Path, check_interval: float) -> None:
        self.path = path
        self.check_interval = check_interval
        self.digests: array[int] = array("Q")
        self.stamp: tuple[int, int] | None = None  # (size, mtime_ns) of the file read
        self.checked = float("-inf")
        self.warned = False
        self.lock = threading.Lock()
        self._refresh()

    def contains(self, password: str) -> bool:
        if self.check_interval > 0 and time.monotonic() - self.checked >= self.check_interval:
            self._refresh()
        digests, wanted = self.digests, _digest(password)
        i = bisect_left(digests, wanted)
        return i < len(digests) and digests[i] == wanted

    def _refresh(self) -> None:
        with self.lock:
            self.checked = time.monotonic()
            try:
                status = self.path.stat()
            except OSError:
                status = None
            if status is None or not self.path.is_file():
                if self.stamp is None and not self.warned:
                    self.warned = True
                    _log.warning(
                        "password denylist %s not found in %s: the passwordBlacklist policy refuses nothing until "
                        "it is there",
                        shown(self.path.name),
                        shown(str(self.path.parent)),
                    )
                return
            stamp = (status.st_size, status.st_mtime_ns)
            if stamp == self.stamp:
                return
            try:
                self.digests = _read(self.path)
            except OSError as problem:
                _log.warning(
                    "password denylist %s could not be read (%s); keeping the list read before",
                    shown(self.path.name),
                    problem.strerror,
                )
                return
            self.stamp, self.warned = stamp, False
            _log.info("password denylist %s read: %d passwords", shown(self.path.name), len(self.digests))


def _read(path: Path) -> array[int]:
    """Each line's digest (lines as Java's BufferedReader.lines splits them: \\n, \\r\\n or \\r), sorted."""
    found: array[int] = array("Q")
    with path.open(encoding="utf-8", errors="replace", newline=None) as lines:
        for line in lines:
            found.append(_digest(line[:-1] if line.endswith("\n") else line))
    return array("Q", sorted(set(found)))

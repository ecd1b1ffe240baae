"""Realm import and export in Keycloak's realm-export JSON (``kc.sh export`` / ``--import-realm``).

Import validates the whole file before writing (``parse``): a problem is an ``ImportError_``
naming its place (``users[3].credentials[0].value: expected a string``) and nothing is stored.
Then one transaction replaces the realm of that name, or leaves it alone with ``skip_existing``
(server start). Fields Doorkeep does not model are skipped with one warning line (logger
``doorkeep.import``). As in Keycloak, an imported realm or user is disabled unless the file says
``"enabled": true``, and a user gets only the roles the file gives it.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doorkeep import numbers
from doorkeep.clientreg import policy_components
from doorkeep.clock import Clock
from doorkeep.keys import component_files
from doorkeep.keys.components import KEY_PROVIDER
from doorkeep.realms.exportimport import export
from doorkeep.realms.exportimport.parse import parse_realm
from doorkeep.realms.exportimport.plan import ImportError_ as ImportError_
from doorkeep.realms.exportimport.plan import RealmPlan, fail
from doorkeep.realms.exportimport.progress import SILENT, Progress
from doorkeep.realms.exportimport.write import hash_passwords, write_realm
from doorkeep.users import federated_links

if TYPE_CHECKING:
    from doorkeep.store.database import Database
    from doorkeep.store.tx import Tx

log = logging.getLogger("doorkeep.import")


async def import_realm(tx: Tx, data: dict[str, Any], now: int, *, skip_existing: bool) -> str | None:
    """Import one realm representation inside ``tx``; the realm's name, or None when left alone."""
    return await _import_plan(tx, parse_realm(data), now, skip_existing=skip_existing)


async def _import_plan(
    tx: Tx,
    plan: RealmPlan,
    now: int,
    *,
    skip_existing: bool,
    progress: Progress = SILENT,
) -> str | None:
    name = plan.realm.name
    existing = await tx.realms.get_by_name(name)
    if existing is not None:
        if skip_existing:
            log.info("realm %r already exists; not imported", name)
            return None
        await tx.realms.delete(existing.id)
    if plan.unknown:
        log.warning("realm %r: skipped fields Doorkeep does not support: %s", name, ", ".join(sorted(plan.unknown)))
    links = (link for up in plan.users for link in up.links)
    if unknown := federated_links.unknown_aliases(links, plan.realm.identity_providers):
        log.warning("realm %r: users linked to providers it lacks (kept): %s", name, ", ".join(sorted(unknown)))
    await hash_passwords(plan, progress)
    await write_realm(tx, plan, now, progress)
    log.info("imported realm %r (%d users, %d clients)", name, len(plan.users), len(plan.clients))
    return name


def _read(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportError_(f"cannot read the file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ImportError_("not UTF-8 text") from None
    try:
        return numbers.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise ImportError_(str(exc)) from None


def _load(path: str) -> list[RealmPlan]:
    data = _read(path)
    if not isinstance(data, list):  # one realm, or a list of realms as a whole-server export writes
        return [parse_realm(data)]
    plans = [parse_realm(item, f"[{i}]") for i, item in enumerate(data)]
    for i, plan in enumerate(plans):
        if any(p.realm.name == plan.realm.name for p in plans[:i]):
            fail(f"[{i}].realm", f"realm '{plan.realm.name}' appears twice")
    return plans


REALM_SUFFIX = "-realm.json"


def _loaded(path: Path) -> Any:
    try:
        return _read(str(path))
    except ImportError_ as exc:
        raise ImportError_(f"{path}: {exc}") from None


def _load_dir(directory: str) -> list[RealmPlan]:
    """DirImportProvider: every ``<realm>-realm.json`` of the directory (master first), each with the users of its
    ``<realm>-users-N.json`` files (and ``<realm>-federated-users-N.json``'s ``federatedUsers``, which Doorkeep
    lacks and names in the warning), as ``kc.sh export --dir`` splits a realm."""
    root = Path(directory)
    if not root.is_dir():
        raise ImportError_(f"{directory}: not a directory")
    names = sorted(p.name[: -len(REALM_SUFFIX)] for p in root.glob(f"*{REALM_SUFFIX}"))
    if not names:
        raise ImportError_(f"{directory}: no realm file (<realm>{REALM_SUFFIX})")
    names.sort(key=lambda n: n != "master")  # DirImportProvider imports the master realm first
    plans: list[RealmPlan] = []
    for name in names:
        path = root / f"{name}{REALM_SUFFIX}"
        rep = _loaded(path)
        if not isinstance(rep, dict):
            raise ImportError_(f"{path}: top level: expected an object")
        rep = dict(rep)
        for kind, key in (("users", "users"), ("federated-users", "federatedUsers")):
            for part in _parts(root, name, kind):
                more = _loaded(part)
                if not isinstance(more, dict) or not isinstance(more.get(key, []), list):
                    raise ImportError_(f"{part}: expected an object with a list of {key}")
                rep[key] = [*(rep.get(key) or []), *more.get(key, [])]
        try:
            plans.append(parse_realm(rep))
        except ImportError_ as exc:
            raise ImportError_(f"{path}: {exc}") from None
    return plans


def _parts(root: Path, realm: str, kind: str) -> list[Path]:
    """The realm's ``<realm>-<kind>-N.json`` files in the order of N: DirImportProvider's ``name.matches(realmName +
    "-users-[0-9]+\\.json")``, the realm's name taken literally (not as a pattern), so another realm's file whose
    name only starts so (``<realm>-users-x-realm.json``) or a backup beside them adds nobody to this realm."""
    pattern = re.compile(re.escape(f"{realm}-{kind}-") + r"([0-9]+)\.json")
    found = [(match, path) for path in root.iterdir() if (match := pattern.fullmatch(path.name))]
    return [path for match, path in sorted(found, key=lambda item: (int(item[0].group(1)), item[1].name))]


class SessionsWouldEnd(ImportError_):
    """Replacing a realm would end its sessions, and the caller did not ask for that explicitly."""


async def import_file(
    db: Database,
    path: str,
    clock: Clock,
    *,
    skip_existing: bool,
    keep_sessions: bool = False,
    ended: dict[str, tuple[int, int]] | None = None,
    progress: Progress = SILENT,
    counts: dict[str, tuple[int, int]] | None = None,
) -> list[str]:
    """Import every realm of a file in one transaction; the names of the realms imported.

    With ``keep_sessions`` a realm that would be replaced while it has sessions stops the import
    (``SessionsWouldEnd``, nothing written). ``ended`` receives, per replaced realm with sessions,
    the numbers of online and offline sessions that ended with it; ``counts`` the numbers of users and
    clients of each realm imported. ``progress`` hears of password hashing and user writing.
    ``path`` is a directory for ``kc.sh import --dir``'s layout (``_load_dir``).
    """
    if Path(path).is_dir():
        plans = _load_dir(path)
    else:
        try:
            plans = _load(path)
        except ImportError_ as exc:
            raise ImportError_(f"{path}: {exc}") from None
    sessions: dict[str, tuple[int, int]] = {}
    async with db.transaction(write=False) as tx:
        existing: set[str] = set()
        for p in plans:
            realm = await tx.realms.get_by_name(p.realm.name)
            if realm is None:
                continue
            existing.add(p.realm.name)
            online = await tx.sessions.count_realm_sessions(realm.id, False)
            offline = await tx.sessions.count_realm_sessions(realm.id, True)
            if online or offline:
                sessions[p.realm.name] = (online, offline)
    if not skip_existing and keep_sessions and sessions:
        busy, (online, offline) = next(iter(sessions.items()))
        raise SessionsWouldEnd(
            f"realm '{busy}' has {online} online and {offline} offline sessions; "
            "importing would end them: run again with --override true to replace it"
        )
    if ended is not None and not skip_existing:
        ended.update(sessions)
    for plan in plans:  # hash before the writing transaction opens
        if not (skip_existing and plan.realm.name in existing):
            await hash_passwords(plan, progress)
    imported: list[str] = []
    async with db.transaction() as tx:
        for plan in plans:
            name = await _import_plan(tx, plan, clock.now(), skip_existing=skip_existing, progress=progress)
            if name is not None:
                imported.append(name)
                if counts is not None:
                    counts[name] = (len(plan.users), len(plan.clients))
    return imported


async def export_realm(db: Database, realm_name: str, progress: Progress = SILENT) -> dict[str, Any]:
    """The realm as Keycloak's realm-export JSON, users and hashed credentials included."""
    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name(realm_name)
        if realm is None:
            raise ImportError_(f"realm '{realm_name}' not found")
        out = await export.realm_representation(tx, realm, progress)
        policies = [policy_components.export(p) for p in await tx.registration_policies.list(realm.id)]
        out["components"] = {
            **out.get("components", {}),
            policy_components.POLICY_TYPE: policies,
            KEY_PROVIDER: [component_files.export(k, realm.name) for k in await tx.keys.list(realm.id)],
        }
        return out

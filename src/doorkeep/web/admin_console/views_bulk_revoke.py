"""The Admin Console's bulk revocation of offline sessions: the criteria of
``POST /admin/realms/{r}/offline-sessions/revoke`` as a form, a preview (the dry run's count and sample)
and the real run, through the same resolution and matching as the REST endpoint (``web.admin.bulk_revoke``).

Dates in the form are ISO dates or date-times (UTC unless they name a zone) or epoch seconds. The preview
needs manage-users, as the dry run does. The console's run ends every match in the page's one transaction
(the REST endpoint, for very large sets, commits in batches of ``BATCH``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from doorkeep.admin.bulk_revoke import Criteria, CriteriaError, parse
from doorkeep.errors import AdminError
from doorkeep.sessions import service
from doorkeep.web.admin import bulk_revoke as rest
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.views_sessions import SessionRow, _Rows

FIELDS = ("client", "user", "startedBefore", "lastAccessBefore", "ipAddress", "deviceLabel")


@dataclass(frozen=True)
class Preview:
    count: int
    sample: list[SessionRow]


def _epoch(name: str, value: str) -> int:
    text = value.strip()
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CriteriaError(f"{name} must be a date, a date-time or epoch seconds") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def criteria_of(form: dict[str, str], *, dry_run: bool) -> Criteria:
    """The criteria of the form's non-empty fields (CriteriaError with the REST endpoint's messages)."""
    return parse(body_of(form, dry_run=dry_run))


def body_of(form: dict[str, str], *, dry_run: bool) -> dict[str, object]:
    """The form's non-empty fields as the REST endpoint's request body."""
    body: dict[str, object] = {"dryRun": dry_run}
    given = {key: form.get(key, "").strip() for key in FIELDS}
    if given["client"]:
        body["clientId"] = given["client"]
    if given["user"]:
        body["username"] = given["user"]
    for key in ("startedBefore", "lastAccessBefore"):
        if given[key]:
            body[key] = _epoch(key, given[key])
    for key in ("ipAddress", "deviceLabel"):
        if given[key]:
            body[key] = given[key]
    return body


async def preview(c: Console, criteria: Criteria) -> Preview:
    """The count and a sample of what the run would end (nothing changes)."""
    c.require("manage-users")
    try:
        target, live = await rest.resolve(c.tx, c.realm, criteria, c.now)
    except AdminError as err:
        raise CriteriaError(err.message) from None
    count, sample = await rest.count_and_sample(c.tx, target, live)
    rows = _Rows(c, live, await c.tx.clients.list(c.realm.id))
    found = [await c.tx.sessions.get_user_session(sid, True) for sid in sample]
    return Preview(count, await rows.build([us for us in found if us is not None]))


async def revoke(c: Console, form: dict[str, str]) -> int:
    """End every offline session matching the form (with its same-id online one, as the REST run); how many.
    Recorded as the REST run, its body the representation."""
    c.require("manage-users")
    body = body_of(form, dry_run=False)
    criteria = parse(body)
    try:
        target, live = await rest.resolve(c.tx, c.realm, criteria, c.now)
    except AdminError as err:
        raise CriteriaError(err.message) from None
    ended = 0
    cursor: str | None = ""
    while cursor is not None:
        ids, cursor = await rest.matching(c.tx, target, live, cursor)
        ended += len(await service.end_each(c.tx, ids, True, with_online=True))
    c.changed("POST", "offline-sessions", "revoke", body=body)
    return ended

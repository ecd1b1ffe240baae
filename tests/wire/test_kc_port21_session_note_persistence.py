"""Keycloak's SessionNotePersistenceTest (tests/base/.../tests/session/): a note removed from a persistent client
session must be gone from the database, not only from the cached session. Keycloak drives its session model on the
server (run-on-server); here the same moments come from the real app over HTTP and the stored row is read back in
a transaction of its own, on SQLite and PostgreSQL: a client's second login into the same SSO session writes the
client session's notes anew (Keycloak's attachAuthenticationSession), and a login after the client session expired
restarts it (restartClientSession). The note is the authorization request's ``nonce``, which a login without one
must not leave behind. Each test names the Java method it ports.

Not ported: testUserSessionNoteRemovalIsPersisted, testUserSessionRestartClearsPersistedNotes and
testUserSessionNoteSetToNullIsRemovedFromDatabase call ``UserSessionModel.removeNote``, ``setNote(name, null)``
and ``restartSession`` directly; no request of Doorkeep's removes a single user-session note or restarts a user
session in place (a login over an invalid SSO session starts a new session), so there is no HTTP moment to port.
"""

from __future__ import annotations

import pytest

from browser_flow import REDIRECT, exchange, login
from doorkeep.model import ClientSession
from support import update_client
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
async def browser_client(realm: Env) -> None:
    """``app`` accepts the browser flow's redirect URI."""
    await update_client(realm.db, "test", "app", redirect_uris=(REDIRECT,))


async def signed_in(env: Env, **params: str) -> str:
    """A login of ``app`` in the browser's SSO session and its code exchanged: the user session's id."""
    code = (await login(env.http, "test", "app", **params))["code"]
    tokens = await exchange(env.http, "test", "app", code)
    assert tokens.status_code == 200, tokens.text
    return str(tokens.json()["session_state"])


async def stored(env: Env, session_id: str) -> ClientSession:
    """The client session of ``app`` as the database holds it, read in a transaction of its own."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        app = await tx.clients.get_by_client_id(realm.id, "app")
        assert app is not None
        found = await tx.sessions.get_client_session(session_id, False, app.id)
    assert found is not None
    return found


async def test_client_session_note_removal_is_persisted(realm: Env) -> None:
    """testClientSessionNoteRemovalIsPersisted: the note written by the first login is gone from the stored
    client session once the second login (same SSO session, no nonce) has replaced the notes."""
    first = await signed_in(realm, nonce="note-to-remove")
    assert (await stored(realm, first)).notes.get("nonce") == "note-to-remove"  # sanity: setting it persisted
    second = await signed_in(realm)
    assert second == first  # the same user session, joined over SSO
    assert "nonce" not in (await stored(realm, second)).notes


async def test_client_session_restart_clears_persisted_notes(realm: Env) -> None:
    """testClientSessionRestartClearsPersistedNotes: a login after the client session idled out (the user session
    still valid) restarts it: a new start time, and none of the previous login's notes in the database."""
    await update_client(realm.db, "test", "app", attributes={"client.session.idle.timeout": "60"})
    first = await signed_in(realm, nonce="note-before-restart")
    before = await stored(realm, first)
    assert before.notes.get("nonce") == "note-before-restart"
    realm.clock.advance(120)  # past the client's idle timeout, within the realm's SSO idle
    second = await signed_in(realm)
    assert second == first
    after = await stored(realm, second)
    assert after.started == realm.clock.now() > before.started  # restart writes a new start
    assert "nonce" not in after.notes

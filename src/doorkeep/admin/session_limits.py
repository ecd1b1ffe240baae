"""Client session timeouts may not outlive the SSO session (Keycloak 26.5, issues #41019 and #44910).

A client session ends with its user session, so a client session idle or max above the realm's SSO values
only misleads. Keycloak 26.5 refuses it in three places:

* a client's ``client.session.idle.timeout`` / ``client.session.max.lifespan`` attributes, on create and
  update (PR #44601, a client validation error: 400 ``invalid_input`` with the message as description; the
  messages as the newest ClientTest pins them, ending in a period and, with remember-me on, naming its
  timeouts: "... idle timeout and RememberMe idle timeout.", "... max lifespan and RememberMe Max span.");
* the same attributes of a client in a realm imported whole (``POST /admin/realms``, the CLI import):
  DefaultExportImportManager.createClients runs that client validation against the realm's SSO values and
  fails with ``"Invalid client <clientId>: <errors joined by '; '>"`` (``invalid_client``); Doorkeep answers
  it as its other import problems, 400 with that ``errorMessage``, where Keycloak's RuntimeException is a 500;
* the realm's ``clientSessionIdleTimeout`` / ``clientSessionMaxLifespan`` on ``PUT /admin/realms/{realm}``
  (PR #44968, DefaultExportImportManager.updateRealm's ModelException: 400 ``errorMessage``), checked only
  when the representation carries them. With remember-me on, the larger of the SSO and remember-me values is
  the limit and the message names both.

The offline timeouts are not compared: Keycloak's OfflineTokenTest still sets a client offline max above
the realm's offline max. 0 (or a blank attribute) means "inherit" and is never refused.
"""

from __future__ import annotations

from collections.abc import Mapping

from doorkeep.model import Client, Realm
from doorkeep.policy import client_attr_timeout

CLIENT_IDLE = "Client session idle timeout cannot exceed realm SSO session idle timeout."
CLIENT_MAX = "Client session max lifespan cannot exceed realm SSO session max lifespan."
CLIENT_IDLE_REMEMBER_ME = (
    "Client session idle timeout cannot exceed realm SSO session idle timeout and RememberMe idle timeout."
)
CLIENT_MAX_REMEMBER_ME = (
    "Client session max lifespan cannot exceed realm SSO session max lifespan and RememberMe Max span."
)
REALM_IDLE = "Client session idle timeout cannot exceed realm SSO session idle timeout."
REALM_MAX = "Client session max lifespan cannot exceed realm SSO session max lifespan."
REALM_IDLE_REMEMBER_ME = "Client session idle timeout cannot exceed realm SSO or Remember Me idle timeout."
REALM_MAX_REMEMBER_ME = "Client session max lifespan cannot exceed realm SSO or Remember Me max lifespan."


def _allowed(realm: Realm) -> tuple[int, int]:
    """The largest client session idle and max the realm admits (its raw values, as Keycloak compares)."""
    idle, most = realm.sso_session_idle_timeout, realm.sso_session_max_lifespan
    if realm.remember_me:
        idle = max(idle, realm.sso_session_idle_timeout_remember_me)
        most = max(most, realm.sso_session_max_lifespan_remember_me)
    return idle, most


def client_problems(realm: Realm, client: Client) -> list[str]:
    """The client validation errors of ``client``'s session timeout attributes, in Keycloak's order; with
    remember-me on, the messages name its timeouts too (ClientTest.testClientSessionTimeoutValidation)."""
    idle, most = _allowed(realm)
    problems = []
    if client_attr_timeout(client, "client.session.idle.timeout") > idle:
        problems.append(CLIENT_IDLE_REMEMBER_ME if realm.remember_me else CLIENT_IDLE)
    if client_attr_timeout(client, "client.session.max.lifespan") > most:
        problems.append(CLIENT_MAX_REMEMBER_ME if realm.remember_me else CLIENT_MAX)
    return problems


def invalid_client(client_id: str, problems: list[str]) -> str:
    """The import-time failure: ``"Invalid client " + clientId + ": " + ValidationResult.getAllErrorsAsString()``."""
    return f"Invalid client {client_id}: {'; '.join(problems)}"


# The realm fields the check reads: a form that changes none of them is not checked.
_REALM_FIELDS = (
    "client_session_idle_timeout",
    "client_session_max_lifespan",
    "sso_session_idle_timeout",
    "sso_session_max_lifespan",
    "sso_session_idle_timeout_remember_me",
    "sso_session_max_lifespan_remember_me",
    "remember_me",
)


def realm_problem(old: Realm, new: Realm, rep: Mapping[str, object] | None) -> tuple[str, str] | None:
    """The representation key at fault and the error of a realm update whose client session idle or max
    exceeds the SSO values. With ``rep`` only the values it carries are checked; without (the admin console's
    forms) both, once the update changes any of the values compared."""
    if rep is None and all(getattr(old, f) == getattr(new, f) for f in _REALM_FIELDS):
        return None
    idle, most = _allowed(new)
    if (rep is None or rep.get("clientSessionIdleTimeout") is not None) and new.client_session_idle_timeout > idle:
        return "clientSessionIdleTimeout", REALM_IDLE_REMEMBER_ME if new.remember_me else REALM_IDLE
    if (rep is None or rep.get("clientSessionMaxLifespan") is not None) and new.client_session_max_lifespan > most:
        return "clientSessionMaxLifespan", REALM_MAX_REMEMBER_ME if new.remember_me else REALM_MAX
    return None

"""What a client may not give itself through client registration (Keycloak's DcrSsfPrivilegeEscalationTest).

A registration or update through the registration service stores no ``ssf.*`` attribute (the Shared Signals
receiver's settings) and no ``allow.token.introspection.without.audience.check`` (26.6.2's escape from the
introspection audience check: a client holding it may introspect any token of the realm). They are dropped
silently, the rest of the representation is stored; what an administrator set on the client stays.

Through the ``default`` provider, a caller that is not an administrator's bearer token (an initial access token,
a registration access token, or none) may not turn on ``serviceAccountsEnabled`` or
``authorizationServicesEnabled``: 400 ``invalid_client_metadata``, nothing written. A client whose service
account an administrator enabled keeps it, and may send the flag back as it read it. The OpenID Connect
provider's ``client_credentials`` grant type is not judged here: the stored test covers the ``default`` provider
only.
"""

from __future__ import annotations

from typing import Any

from doorkeep.model import Client
from doorkeep.oauth.provider_config import CLIENT_INTROSPECTS_WITHOUT_AUDIENCE

SSF_PREFIX = "ssf."
STRIPPED = frozenset({CLIENT_INTROSPECTS_WITHOUT_AUDIENCE})
# The descriptions are Doorkeep's: the stored test asserts only the status.
NO_SERVICE_ACCOUNT = "Service accounts cannot be enabled through client registration"
NO_AUTHORIZATION = "Authorization services cannot be enabled through client registration"


def without_privileged_attributes(rep: dict[str, Any]) -> dict[str, Any]:
    """``rep`` without the attributes registration may not set (a copy when it had any)."""
    attributes = rep.get("attributes")
    if not isinstance(attributes, dict):
        return rep
    kept = {k: v for k, v in attributes.items() if k not in STRIPPED and not str(k).startswith(SSF_PREFIX)}
    return rep if len(kept) == len(attributes) else {**rep, "attributes": kept}


def _turns_on(rep: dict[str, Any], key: str, held: bool) -> bool:
    value = rep.get(key)
    on = value is True or (isinstance(value, str) and value.lower() == "true")
    return on and not held


def refusal(rep: dict[str, Any], client: Client | None) -> str | None:
    """Why an unprivileged registration (``client`` None) or update of ``client`` is refused, or None."""
    if _turns_on(rep, "serviceAccountsEnabled", client is not None and client.service_accounts_enabled):
        return NO_SERVICE_ACCOUNT
    if _turns_on(rep, "authorizationServicesEnabled", False):  # Doorkeep keeps no resource servers
        return NO_AUTHORIZATION
    return None

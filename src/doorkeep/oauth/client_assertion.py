"""JWT client authentication (RFC 7523 §2.2): Keycloak's client-jwt and client-secret-jwt authenticators.

Only the parameter checks of AbstractJWTClientValidator so far: a client configured for a JWT
authenticator is refused with Keycloak's answer when it sends no assertion (a secret, say), and no
assertion authenticates yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.errors import InvalidClient, OAuthError
from doorkeep.model import Client

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest
    from doorkeep.store.tx import Tx

CLIENT_JWT = "client-jwt"
CLIENT_SECRET_JWT = "client-secret-jwt"
AUTHENTICATORS = (CLIENT_JWT, CLIENT_SECRET_JWT)  # after client-secret, in Keycloak's "clients" flow
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class Attempted:
    """The authenticator neither succeeded nor failed (``context.attempted()`` and nothing else)."""


@dataclass(frozen=True)
class Outcome:
    client: Client | None  # the client the authenticator named, if it got that far
    result: Client | OAuthError | Attempted


@dataclass(frozen=True)
class State:
    """ClientAssertionState: the assertion parameters, read once per request."""

    assertion_type: str | None
    assertion: str | None


def claimed_subject(req: OAuthRequest) -> str | None:
    return None


async def read_state(tx: Tx, req: OAuthRequest) -> State:
    return State(req.form.get("client_assertion_type"), req.form.get("client_assertion"))


def _failure(description: str) -> InvalidClient:
    """AbstractJWTClientValidator.failure: 400 invalid_client, the description as is."""
    return InvalidClient(description, status=400, event_error="invalid_client_credentials")


async def run(
    tx: Tx, req: OAuthRequest, authenticator: str, state: State, found: Client | None, *, record: bool
) -> Outcome:
    """One JWT authenticator's outcome for this request."""
    if state.assertion_type is None:
        return Outcome(None, _failure("Parameter client_assertion_type is missing"))
    if state.assertion_type != JWT_BEARER:
        return Outcome(
            None,
            _failure(
                f"Parameter client_assertion_type has value '{state.assertion_type}' but expected is '{JWT_BEARER}'"
            ),
        )
    if state.assertion is None:
        return Outcome(None, _failure("client_assertion parameter missing"))
    return Outcome(None, Attempted())

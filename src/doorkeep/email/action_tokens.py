"""Action tokens: the signed links Keycloak e-mails (DefaultActionToken and its subclasses).

A token is a JWT the realm signs with its HMAC key, as Keycloak's ``session.tokens().encode`` does for the
INTERNAL category (HS512, header ``typ: JWT``). Its ``typ`` claim names the action (``execute-actions``,
``verify-email``, ``reset-credentials``), ``sub`` the user, ``azp`` the client, ``iss`` and ``aud`` the
realm's issuer, ``nonce`` the random part of its single-use key; ``rqac``, ``reduri``, ``eml`` and ``asid``
are ExecuteActionsActionToken's, VerifyEmailActionToken's and the authentication session's, ``oldEmail``,
``newEmail`` and ``logoutSessions`` UpdateEmailActionToken's (the second,
confirmed link of an execute-actions e-mail), ``idpu`` and ``idpa`` IdpVerifyAccountLinkActionToken's (the
brokered username and the provider's alias of a first broker login), ``org_id`` InviteOrgActionToken's
(``ORGIVT``: its ``sub`` is absent for an invitation to register, whose link goes to the registrations
endpoint instead), ``impersonator``, ``impersonatorId``, ``impersonatorRealm`` ImpersonateActionToken's (with
``sid``, the session the impersonation made).

``read`` checks as LoginActionsService.handleActionToken does before any handler runs: a key at all, a
known action, the signature, the issuer and ``exp`` (still valid in the second it expires, JsonWebToken's
isExpired); each refusal carries Keycloak's event error and page text.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import policy, tokens

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

EXECUTE_ACTIONS = "execute-actions"
VERIFY_EMAIL = "verify-email"
RESET_CREDENTIALS = "reset-credentials"
UPDATE_EMAIL = "update-email"  # UpdateEmailActionToken.TOKEN_TYPE
INVITE_ORG = "ORGIVT"  # InviteOrgActionToken.TOKEN_TYPE
IDP_VERIFY_ACCOUNT = "idp-verify-account-via-email"  # IdpVerifyAccountLinkActionToken.TOKEN_TYPE
IMPERSONATE = "impersonate"  # ImpersonateActionToken.TOKEN_TYPE
# Messages the action-token pages show (Keycloak's Messages constants, English login theme).
INVALID_REQUEST = "Invalid Request"
INVALID_CODE = "An error occurred, please login again through your application."
EXPIRED_NO_SESSION = "Action expired."
NOT_ACTIVE = "Token is not active"  # TokenVerifier.IS_ACTIVE's TokenNotActiveException message
EXPIRED_ACTION = "Action expired. Please continue with login now."
STALE_VERIFY_EMAIL = (
    "The link you clicked is an old stale link and is no longer valid. Maybe you have already verified your email."
)
RESET_NOT_ALLOWED = "Reset Credential not allowed"
INVALID_EMAIL = "Invalid email address."  # Messages.INVALID_EMAIL
STALE_INVITE_ORG = "The link you clicked is no longer valid. Contact your organization administrator."
STALE_CODE = "This page is no longer valid, please go back to your application and sign in again"  # Messages.STALE_CODE
# Each handler's default page text and event error (AbstractActionTokenHandler's constructor arguments), and
# the event type its later checks record.
HANDLERS: dict[str, tuple[str, str, str]] = {
    EXECUTE_ACTIONS: (INVALID_CODE, "not_allowed", "EXECUTE_ACTIONS"),
    VERIFY_EMAIL: (STALE_VERIFY_EMAIL, "invalid_token", "VERIFY_EMAIL"),
    RESET_CREDENTIALS: (RESET_NOT_ALLOWED, "not_allowed", "RESET_PASSWORD"),
    UPDATE_EMAIL: (STALE_VERIFY_EMAIL, "invalid_token", "EXECUTE_ACTIONS"),
    INVITE_ORG: (STALE_INVITE_ORG, "invalid_token", "INVITE_ORG"),
    IDP_VERIFY_ACCOUNT: (STALE_CODE, "invalid_token", "IDENTITY_PROVIDER_LINK_ACCOUNT"),
    IMPERSONATE: (INVALID_CODE, "invalid_token", "IMPERSONATE"),
}


@dataclass(frozen=True)
class ActionToken:
    action: str
    user_id: str
    expires: int
    client_id: str
    nonce: str
    issued_at: int
    email: str | None = None
    redirect_uri: str | None = None
    required_actions: tuple[str, ...] = ()
    auth_session_id: str | None = None
    token_id: str = ""
    # VerifyEmailActionToken's compound original authentication session (``oasid``): the login that sent the
    # link, kept when a confirmation page hands the link to a fresh session; None for a link an admin sent.
    original_auth_session_id: str | None = None
    # UpdateEmailActionToken's ``oldEmail``, ``newEmail`` and ``logoutSessions`` (true, or left out)
    old_email: str | None = None
    new_email: str | None = None
    logout_sessions: bool = False
    org_id: str | None = None  # InviteOrgActionToken's ``org_id``
    idp_username: str | None = None  # IdpVerifyAccountLinkActionToken's ``idpu``
    idp_alias: str | None = None  # IdpVerifyAccountLinkActionToken's ``idpa``
    # ImpersonateActionToken's ``impersonator``, ``impersonatorId`` and ``impersonatorRealm``, and the session the
    # impersonation made (``sid``: Doorkeep makes it when the link is asked for, web/impersonation_link.py)
    impersonator: str | None = None
    impersonator_id: str | None = None
    impersonator_realm: str | None = None
    session_id: str | None = None

    @property
    def single_use_key(self) -> str:
        """DefaultActionTokenKey.serializeKey: user, expiry, nonce and action."""
        return f"{self.user_id}.{self.expires}.{self.nonce}.{self.action}"

    def claims(self, issuer: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "exp": self.expires,
            "iat": self.issued_at,
            "jti": self.token_id or str(uuid.uuid4()),
            "iss": issuer,
            "aud": issuer,
            "sub": self.user_id,
            "typ": self.action,
            "azp": self.client_id,
            "nonce": self.nonce,
        }
        optional = {
            "eml": self.email,
            "reduri": self.redirect_uri,
            "asid": self.auth_session_id,
            "oasid": self.original_auth_session_id,
            "oldEmail": self.old_email,
            "newEmail": self.new_email,
            "logoutSessions": True if self.logout_sessions else None,
            "org_id": self.org_id,
            "idpu": self.idp_username,
            "idpa": self.idp_alias,
            "impersonator": self.impersonator,
            "impersonatorId": self.impersonator_id,
            "impersonatorRealm": self.impersonator_realm,
            "sid": self.session_id,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        if not self.user_id:  # an invitation to register: InMemoryUserAdapter has no id yet
            del out["sub"]
        if not self.client_id:  # ImpersonateActionToken: issued for no client
            del out["azp"]
        if self.action == EXECUTE_ACTIONS:
            out["rqac"] = list(self.required_actions)
        return out


def key_expiry(key: str) -> int:
    """The expiry a ``single_use_key`` names (its second field), for how long the spent key is kept."""
    parts = key.split(".")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def new(action: str, user_id: str, client_id: str, now: int, lifespan: int, **extra: Any) -> ActionToken:
    """A fresh token of ``action`` expiring ``lifespan`` seconds from ``now``, with a new nonce."""
    return ActionToken(action, user_id, now + lifespan, client_id, str(uuid.uuid4()), now, **extra)


async def serialize(tx: Tx, services: Services, realm_id: str, issuer: str, token: ActionToken) -> str:
    return await services.codec.sign_internal(tx, realm_id, token.claims(issuer), token.issued_at)


@dataclass(frozen=True)
class Refusal:
    """Why a link is refused: the page text (400), the event's error, and whether the token had expired.
    ``reason``: the event's ``reason`` detail (handleActionTokenVerificationException records the exception's
    message: the message key of an explained refusal, else the verifier's own text), None where Doorkeep does not
    reproduce it."""

    text: str
    error: str
    action: str | None = None
    user_id: str | None = None
    expired: bool = False
    token_id: str | None = None
    reason: str | None = None


def _str(claims: dict[str, Any], key: str) -> str | None:
    value = claims.get(key)
    return value if isinstance(value, str) else None


async def read(tx: Tx, services: Services, realm_id: str, issuer: str, key: str | None) -> ActionToken | Refusal:
    """The token of an ``action-token?key=`` link, or why it is refused."""
    if not key:  # ExplainedTokenVerificationException(null, NOT_ALLOWED, Messages.INVALID_REQUEST)
        return Refusal(INVALID_REQUEST, "not_allowed", reason="invalidRequestMessage")
    unverified = tokens.unverified(key)
    if unverified is None:
        return Refusal(INVALID_CODE, "invalid_code")
    _, body = unverified
    action, user_id, token_id = _str(body, "typ"), _str(body, "sub"), _str(body, "jti")
    if action not in HANDLERS:  # resolveActionTokenHandler's VerificationException
        reason = "Action token operation not set" if action is None else "Invalid action token operation"
        return Refusal(INVALID_CODE, "invalid_code", user_id=user_id, token_id=token_id, reason=reason)
    default_text, default_error, _ = HANDLERS[action]
    refused = Refusal(default_text, default_error, action, user_id, token_id=token_id)
    claims = await services.codec.verify(tx, realm_id, key, internal=True)
    if claims is None or claims.get("iss") != issuer or user_id is None:
        return refused
    expires = claims.get("exp")
    if not isinstance(expires, int) or not policy.token_active(claims, services.clock.now()):
        return Refusal(
            EXPIRED_NO_SESSION, "expired_code", action, user_id, expired=True, token_id=token_id, reason=NOT_ACTIVE
        )
    actions = claims.get("rqac") or []
    return ActionToken(
        action=action,
        user_id=user_id,
        expires=expires,
        client_id=_str(claims, "azp") or "",
        nonce=_str(claims, "nonce") or "",
        issued_at=int(claims.get("iat") or 0),
        email=_str(claims, "eml"),
        redirect_uri=_str(claims, "reduri"),
        required_actions=tuple(a for a in actions if isinstance(a, str)),
        auth_session_id=_str(claims, "asid"),
        token_id=_str(claims, "jti") or "",
        original_auth_session_id=_str(claims, "oasid"),
        old_email=_str(claims, "oldEmail"),
        new_email=_str(claims, "newEmail"),
        logout_sessions=claims.get("logoutSessions") is True,
        org_id=_str(claims, "org_id"),
        idp_username=_str(claims, "idpu"),
        idp_alias=_str(claims, "idpa"),
        impersonator=_str(claims, "impersonator"),
        impersonator_id=_str(claims, "impersonatorId"),
        impersonator_realm=_str(claims, "impersonatorRealm"),
        session_id=_str(claims, "sid"),
    )

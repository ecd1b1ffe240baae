"""What the client's authorization request passes on to an identity provider (Keycloak 26's
AbstractOAuth2IdentityProvider.createAuthorizationUrl with appendForwardedParameters, and
OIDCIdentityProvider.createAuthorizationUrl's ``max_age``), and the parameters the authorization endpoint keeps
for it (oauth/request_parser.additional, the ``client_request_param_`` client notes).

* ``login_hint`` with the provider's ``loginHint``; ``ui_locales`` (the login's language) with ``uiLocales``.
* ``prompt``: the provider's own, else the client's.
* ``max_age`` with ``passMaxAge``; the ID token's ``auth_time`` must then be within it (``auth_time_expired``).
* ``forwardParameters`` (comma-separated, ``acr_values`` when unset): each name's value among the request's
  additional parameters, else among the client notes of that name (``claims``, ``acr_values``, ``nonce`` ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from doorkeep.oauth.auth_request import AuthRequest

DEFAULT_FORWARDED = "acr_values"  # appendForwardedParameters when ``forwardParameters`` is unset


def _client_note(asked: AuthRequest, name: str) -> str | None:
    """AuthenticationSessionModel.getClientNote(name) for the notes AuthorizationEndpoint sets from the request."""
    notes: dict[str, Any] = {
        "response_type": asked.response_type,
        "redirect_uri": asked.redirect_uri_param,
        "iss": asked.issuer,
        "state": asked.state,
        "nonce": asked.nonce,
        "max_age": None if asked.max_age is None else str(asked.max_age),
        "scope": asked.scope,
        "login_hint": asked.login_hint,
        "prompt": asked.prompt,
        "kc_idp_hint": asked.kc_idp_hint or None,
        "kc_action": asked.kc_action,
        "response_mode": asked.response_mode,
        "claims": asked.claims,
        "acr_values": asked.acr_values,
        "code_challenge": asked.code_challenge,
        "code_challenge_method": asked.code_challenge_method,
    }
    value = notes.get(name)
    return value if isinstance(value, str) else None


def params(config: Mapping[str, Any], asked: AuthRequest | None, locale: str | None) -> dict[str, str]:
    """The query parameters the client's request adds to the redirect to the provider (``config``: the provider's
    config map)."""
    out: dict[str, str] = {}
    if asked is None:
        return out

    def flag(key: str) -> bool:
        return str(config.get(key) or "").lower() == "true"

    if flag("loginHint") and asked.login_hint is not None:
        out["login_hint"] = asked.login_hint
    if flag("uiLocales") and locale:
        out["ui_locales"] = locale
    prompt = config.get("prompt") or asked.prompt
    if prompt:
        out["prompt"] = str(prompt)
    if flag("passMaxAge") and asked.max_age is not None:
        out["max_age"] = str(asked.max_age)
    extra = dict(asked.additional_params)
    configured = config.get("forwardParameters")
    names = str(configured if configured is not None else DEFAULT_FORWARDED)
    for raw in names.split(","):
        name = raw.strip()
        value = extra.get(name) or _client_note(asked, name)
        if name and value:
            out[name] = value
    return out


def auth_time_expired(
    config: Mapping[str, Any], asked: AuthRequest | None, claims: Mapping[str, Any], now: int
) -> bool:
    """OIDCIdentityProvider.isAuthTimeExpired, asked only with ``passMaxAge``: the provider did not sign the user in
    again within the client's ``max_age`` (no ``auth_time`` counts as 0)."""
    if str(config.get("passMaxAge") or "").lower() != "true" or asked is None or asked.max_age is None:
        return False
    auth_time = claims.get("auth_time", 0)
    try:
        at = int(str(auth_time)) if not isinstance(auth_time, bool) else 0
    except ValueError:
        at = 0
    return at + asked.max_age < now

"""Claim sets of access, ID and userinfo responses, from the granted client scopes (KEYCLOAK.md §3).

Keycloak computes claims with protocol mappers attached to client scopes; Doorkeep implements the
built-in scopes' mappers by scope name: ``basic`` (sub, auth_time), ``profile``, ``email``,
``roles`` (realm_access, resource_access, audience), ``web-origins`` (allowed-origins), ``acr``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from doorkeep.model import Client, Role, User


def profile_claims(user: User) -> dict[str, Any]:
    claims: dict[str, Any] = {}
    name = " ".join(p for p in (user.first_name, user.last_name) if p)
    if name:
        claims["name"] = name
    claims["preferred_username"] = user.username
    if user.first_name:
        claims["given_name"] = user.first_name
    if user.last_name:
        claims["family_name"] = user.last_name
    return claims


def email_claims(user: User) -> dict[str, Any]:
    claims: dict[str, Any] = {"email_verified": user.email_verified}
    if user.email:
        claims["email"] = user.email
    return claims


def user_claims(user: User, scope_names: set[str]) -> dict[str, Any]:
    """Profile and e-mail claims, shared by access tokens, ID tokens and userinfo."""
    claims: dict[str, Any] = {}
    if "email" in scope_names:
        claims.update(email_claims(user))
    if "profile" in scope_names:
        claims.update(profile_claims(user))
    return claims


def role_claims(roles: list[Role], client_ids: dict[str, str], own_client_id: str) -> dict[str, Any]:
    """realm_access, resource_access and the audience of clients whose roles the token carries."""
    claims: dict[str, Any] = {}
    realm_roles = sorted(r.name for r in roles if r.client_id is None)
    if realm_roles:
        claims["realm_access"] = {"roles": realm_roles}
    resource: dict[str, dict[str, list[str]]] = {}
    for role in roles:
        if role.client_id is not None and role.client_id in client_ids:
            resource.setdefault(client_ids[role.client_id], {"roles": []})["roles"].append(role.name)
    for entry in resource.values():
        entry["roles"].sort()
    if resource:
        claims["resource_access"] = dict(sorted(resource.items()))
    audience = sorted(cid for cid in resource if cid != own_client_id)
    if audience:
        claims["aud"] = audience[0] if len(audience) == 1 else audience
    return claims


def origin(uri: str) -> str | None:
    parts = urlsplit(uri)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def allowed_origins(client: Client) -> list[str]:
    """Web origins, with ``+`` expanded to the origins of the redirect URIs."""
    out: list[str] = []
    for entry in client.web_origins:
        if entry == "+":
            out.extend(o for o in (origin(u) for u in client.redirect_uris) if o and "*" not in o)
        elif entry:
            out.append(entry)
    return sorted(dict.fromkeys(out))


def origin_allowed(client: Client, candidate: str) -> bool:
    """Whether a browser origin may call us for this client: its web origins, ``*``, or ``+`` (the
    redirect URIs' origins, a trailing ``*`` in a redirect URI matching any port or path)."""
    for entry in client.web_origins:
        if entry in ("*", candidate):
            return True
        if entry == "+" and any(_redirect_origin(uri, candidate) for uri in client.redirect_uris):
            return True
    return False


def _redirect_origin(pattern: str, candidate: str) -> bool:
    """Whether ``candidate`` is the origin of a redirect URI pattern: ``scheme://host[:port]`` ending at
    the pattern's first ``/``, or any port for a port wildcard (``http://localhost:*``). A wildcard inside
    the host (``https://app.example*``) matches no origin."""
    prefix = pattern[:-1] if pattern.endswith("*") else None
    if prefix is not None and prefix.endswith(":") and "//" in prefix and "/" not in prefix.split("//", 1)[1]:
        port = candidate[len(prefix):]
        return candidate.startswith(prefix) and port.isascii() and port.isdecimal()
    return origin(pattern) == candidate and "*" not in candidate


def service_account_claims(client: Client, ip_address: str) -> dict[str, Any]:
    return {"client_id": client.client_id, "clientHost": ip_address, "clientAddress": ip_address}

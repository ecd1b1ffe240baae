"""The identity providers Keycloak ships besides OpenID Connect that Doorkeep runs: GitHub (GitHubIdentityProvider,
``github``), Google (GoogleIdentityProvider, ``google``), Facebook (FacebookIdentityProvider, ``facebook``),
Microsoft (MicrosoftIdentityProvider, ``microsoft``), GitLab (GitLabIdentityProvider, ``gitlab``) and the generic OAuth
v2 provider (OAuth2IdentityProvider, ``oauth2``) here; Bitbucket, LinkedIn, PayPal, Stack Overflow and OpenShift 3 and
4 in broker/social_others.py, which the functions of this module dispatch to.

Google is an OpenID Connect provider with fixed endpoints, run by broker/oidc.py like any other (its ID token checked
against Google's keys and issuer), with its ``hostedDomain`` and ``offlineAccess`` settings. The others speak plain
OAuth 2.0: the browser goes to an authorization endpoint and the code is exchanged as an OpenID Connect provider's
is, but no ID token comes back; who the user is comes from a profile endpoint read with the access token
(AbstractOAuth2IdentityProvider.getFederatedIdentity, then each provider's doGetFederatedIdentity).

- **GitHub**: ``{baseUrl}/login/oauth/authorize`` and ``…/access_token``, the profile at ``{apiUrl}/user`` and, when
  it shows no e-mail, the primary address of ``{apiUrl}/user/emails``; ``baseUrl`` (``https://github.com``) and
  ``apiUrl`` (``https://api.github.com``) may name a GitHub Enterprise server. Scope ``user:email`` by default.
- **Facebook**: the Graph API's ``/me`` with its ``id,name,email,first_name,last_name`` fields and ``fetchedFields``.
- **Microsoft**: the ``tenantId``'s (``common``) Microsoft identity platform endpoints, the Graph API's ``/me``.
- **GitLab** (``gitlab``, gitlab.com): an OpenID Connect login (scope ``openid read_user``) whose ID token is checked
  as any provider's, then the user read from ``/api/v4/user`` (``id``, ``username``, ``name``, ``email``).
- **OAuth v2**: the configured URLs; the profile at ``userInfoUrl`` must be JSON; the id, username, e-mail and
  names are read from the claims its config names (``userIDClaim`` … ``familyNameClaim``), by default ``sub``,
  ``preferred_username``, ``email``, ``given_name``, ``family_name`` and ``name``. No scope by default.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from doorkeep.broker import social_others as others
from doorkeep.broker.calls import BrokerError, bounded_json
from doorkeep.broker.profile_json import get_json as _get
from doorkeep.broker.profile_json import json_property as json_property  # re-exported
from doorkeep.broker.profile_json import split_name as split_name  # re-exported

GITHUB, GOOGLE, FACEBOOK, MICROSOFT, OAUTH2 = "github", "google", "facebook", "microsoft", "oauth2"
GITLAB = "gitlab"
OAUTH2_ONLY = (GITHUB, FACEBOOK, MICROSOFT, OAUTH2, *others.OAUTH2_ONLY)  # no ID token: the user is the profile
PROFILE_AFTER_ID_TOKEN = (GITLAB,)  # an ID token checked, then the user read from the profile
IDS = (GITHUB, FACEBOOK, MICROSOFT, OAUTH2, GOOGLE, GITLAB, *others.IDS)
# SocialIdentityProviderFactory's that Doorkeep runs, by id (all of IDS but the generic OAuth v2 provider)
SOCIAL = tuple(sorted(p for p in IDS if p != OAUTH2))
# The names the admin API's serverinfo gives the factories (getName).
NAMES = {
    GITHUB: "GitHub",
    GITLAB: "GitLab",
    GOOGLE: "Google",
    FACEBOOK: "Facebook",
    MICROSOFT: "Microsoft",
    OAUTH2: "OAuth v2",
    **others.NAMES,
}
# each provider's getDefaultScopes
DEFAULT_SCOPES = {GITHUB: "user:email", FACEBOOK: "email", MICROSOFT: "User.read", OAUTH2: "", **others.DEFAULT_SCOPES}
GITHUB_BASE_URL = "https://github.com"
GITHUB_API_URL = "https://api.github.com"
EMAIL_URL = "emailUrl"  # GitHubIdentityProvider.EMAIL_URL_KEY
GOOGLE_URLS = {  # GoogleIdentityProvider's constants, set on its config by its constructor
    "authorizationUrl": "https://accounts.google.com/o/oauth2/v2/auth",
    "tokenUrl": "https://oauth2.googleapis.com/token",
    "userInfoUrl": "https://openidconnect.googleapis.com/v1/userinfo",
    "jwksUrl": "https://www.googleapis.com/oauth2/v3/certs",
    "issuer": "https://accounts.google.com",
    "useJwksUrl": "true",
}
GOOGLE_SCOPE = "openid profile email"
FACEBOOK_PROFILE = "https://graph.facebook.com/me?fields=id,name,email,first_name,last_name"
MICROSOFT_LOGIN = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/"
MICROSOFT_PROFILE = "https://graph.microsoft.com/v1.0/me/"
# OAuth2IdentityProviderConfig's claim names and their defaults
CLAIMS = {
    "userIDClaim": "sub",
    "userNameClaim": "preferred_username",
    "emailClaim": "email",
    "fullNameClaim": "name",
    "givenNameClaim": "given_name",
    "familyNameClaim": "family_name",
}
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+$")  # Validation.isEmailValid, loosely
_INDEX = re.compile(r"^(.*)\[\s*(\d+)\s*\]$")


def _url(config: dict[str, str], key: str, default: str) -> str:
    """GitHubIdentityProvider.getUrlFromConfig: the configured URL, else the default, without a trailing slash."""
    url = config.get(key) or ""
    url = url if url.strip() else default
    return url[:-1] if url.endswith("/") else url


def endpoints(provider_id: str, config: dict[str, str]) -> dict[str, str]:
    """The settings a provider's constructor sets on its config: GitHub's URLs from ``baseUrl`` and ``apiUrl``,
    Google's endpoints, keys and issuer (and its default scope), Facebook's and Microsoft's endpoints; the OAuth v2
    provider uses its config as it is."""
    if provider_id == GITHUB:
        base, api = _url(config, "baseUrl", GITHUB_BASE_URL), _url(config, "apiUrl", GITHUB_API_URL)
        return {
            "authorizationUrl": base + "/login/oauth/authorize",
            "tokenUrl": base + "/login/oauth/access_token",
            "userInfoUrl": api + "/user",
            EMAIL_URL: api + "/user/emails",
        }
    if provider_id == GOOGLE:
        return GOOGLE_URLS | ({} if (config.get("defaultScope") or "").strip() else {"defaultScope": GOOGLE_SCOPE})
    if provider_id == FACEBOOK:
        fields = (config.get("fetchedFields") or "").strip()
        return {
            "authorizationUrl": "https://graph.facebook.com/oauth/authorize",
            "tokenUrl": "https://graph.facebook.com/oauth/access_token",
            "userInfoUrl": FACEBOOK_PROFILE + ("," + fields if fields else ""),
        }
    if provider_id == GITLAB:  # GitLabIdentityProvider: ``read_user`` added to a plain ``openid``
        scope = (config.get("defaultScope") or "").strip()
        return {
            "authorizationUrl": "https://gitlab.com/oauth/authorize",
            "tokenUrl": "https://gitlab.com/oauth/token",
            "userInfoUrl": "https://gitlab.com/api/v4/user",
        } | ({"defaultScope": "read_user"} if scope in ("", "openid") else {})
    if provider_id == MICROSOFT:
        login = MICROSOFT_LOGIN.format(tenant=(config.get("tenantId") or "").strip() or "common")
        return {"authorizationUrl": login + "authorize", "tokenUrl": login + "token", "userInfoUrl": MICROSOFT_PROFILE}
    return others.endpoints(provider_id, config)


async def discover(provider_id: str, config: dict[str, str]) -> dict[str, str]:
    """The endpoints a provider reads from its server each time it is used (OpenShift 4's metadata), or nothing;
    BrokerError when they cannot be read."""
    return await others.discover(provider_id, config)


def discovers(provider_id: str) -> bool:
    return provider_id in others.DISCOVERED


def authorization_params(provider_id: str, config: dict[str, str]) -> dict[str, str]:
    """GoogleIdentityProvider.createAuthorizationUrl's own parameters: ``hd`` (the hosted domain) and
    ``access_type=offline``."""
    if provider_id != GOOGLE:
        return {}
    out = {"hd": config["hostedDomain"]} if config.get("hostedDomain") else {}
    if (config.get("offlineAccess") or "").lower() == "true":
        out["access_type"] = "offline"
    return out


def check_id_token(provider_id: str, config: dict[str, str], claims: dict[str, Any]) -> None:
    """GoogleIdentityProvider.validateToken: with a hosted domain other than ``*``, the ID token's ``hd`` must be one
    of the configured (comma-separated) domains."""
    wanted = config.get("hostedDomain") if provider_id == GOOGLE else None
    if not wanted or wanted == "*":
        return
    got = claims.get("hd")
    if got is None:
        raise BrokerError("Identity token does not contain hosted domain parameter.")
    if got not in wanted.split(","):
        raise BrokerError("Hosted domain does not match.")


def validate(provider_id: str, config: dict[str, str]) -> str | None:
    """OAuth2IdentityProviderFactory's config validation: why the OAuth v2 provider cannot be stored, or None."""
    if provider_id == OAUTH2 and not (config.get("userInfoUrl") or "").strip():
        return "User Info URL not provided"
    return None


def access_token(tokens: dict[str, Any]) -> str:
    """AbstractOAuth2IdentityProvider.getFederatedIdentity: the access token of the token response."""
    token = tokens.get("access_token")
    if not isinstance(token, str) or not token:
        raise BrokerError("No access token available in OAuth server response")
    return token


def token_response(body: bytes) -> dict[str, Any]:
    """extractTokenFromResponse: a JSON object, or (GitHub without ``Accept: application/json``) a form-encoded
    body."""
    if body.lstrip().startswith(b"{"):
        return bounded_json(body, "token response")
    try:
        return dict(parse_qsl(body.decode("ascii"), strict_parsing=True))
    except (UnicodeDecodeError, ValueError):
        raise BrokerError("token response is neither JSON nor a form") from None


def json_value(profile: Any, path: str) -> str | list[str] | None:
    """AbstractJsonUserAttributeMapper.getJsonValue: a field by a dotted path, ``name[i]`` taking an array's item; a
    text or number as trimmed text (blank: None), an array as its texts (none: None)."""
    path = path.strip()
    if not path or path.startswith(".") or path.endswith(".") or path.startswith("["):
        return None
    node = profile
    for part in path.split("."):
        index = -1
        if part.endswith("]"):
            found = _INDEX.match(part)
            if found is None:
                return None
            part, index = found.group(1).strip(), int(found.group(2))
        if not isinstance(node, dict):
            return None
        node = node.get(part)
        if index > -1 and isinstance(node, list):
            node = node[index] if index < len(node) else None
        if node is None:
            return None
        if isinstance(node, list):
            texts = [item for item in node if isinstance(item, str)]
            return texts or None
    if isinstance(node, dict):
        return json.dumps(node, separators=(",", ":"))
    text = str(node).lower() if isinstance(node, bool) else str(node)
    return text.strip() or None


async def profile(provider_id: str, config: dict[str, str], token: str) -> dict[str, Any]:
    """doGetFederatedIdentity's profile request; for GitHub, the primary e-mail added when the profile has none."""
    url = config.get("userInfoUrl") or ""
    if provider_id == GITHUB:
        found = await _get(url, token, "github profile request")
        if not isinstance(found, dict):
            raise BrokerError("Profile could not be retrieved from the github endpoint")
        if json_property(found, "email") is None:
            found = {**found, "email": await _github_primary_email(config.get(EMAIL_URL) or "", token)}
        return found
    if provider_id in others.OAUTH2_ONLY:
        return await others.profile(provider_id, config, token)
    if provider_id in (FACEBOOK, MICROSOFT, GITLAB):
        found = await _get(url, token, f"{provider_id} profile request")
        if not isinstance(found, dict) or found.get("error") is not None:
            raise BrokerError(f"Could not obtain user profile from {NAMES[provider_id]}")
        return found
    found = await _get(url, token, "user profile request", json_only=True)
    if not isinstance(found, dict):
        raise BrokerError("Error while fetching user profile")
    return found


async def _github_primary_email(url: str, token: str) -> str:
    """GitHubIdentityProvider.searchEmail: the address marked primary; none is a failure."""
    emails = await _get(url, token, "github e-mail request")
    for item in emails if isinstance(emails, list) else []:
        if isinstance(item, dict) and item.get("primary") in (True, "true"):
            address = json_property(item, "email")
            if address is not None:
                return address
    raise BrokerError("Primary email from github is not found in the user's email list.")


def fields(provider_id: str, config: dict[str, str], found: dict[str, Any]) -> dict[str, str | None]:
    """extractIdentityFromProfile (GitHub) or OAuth2IdentityProvider.doGetFederatedIdentity: the id, username,
    e-mail and names the profile gives."""
    if provider_id in others.OAUTH2_ONLY:
        return others.fields(provider_id, config, found)
    if provider_id == GITHUB:
        first, last = split_name(json_property(found, "name"))
        user_id = json_property(found, "id")
        return {
            "id": user_id,
            "username": json_property(found, "login") or user_id,
            "email": json_property(found, "email"),
            "first_name": first,
            "last_name": last,
        }

    if provider_id == GITLAB:  # GitLabIdentityProvider.gitlabExtractFromProfile
        user_id, email = json_property(found, "id"), json_property(found, "email")
        first, last = split_name(json_property(found, "name"))
        return {
            "id": user_id,
            "username": json_property(found, "username") or email or user_id,
            "email": email,
            "first_name": first,
            "last_name": last,
        }
    if provider_id == FACEBOOK:  # FacebookIdentityProvider.extractIdentityFromProfile
        user_id, email = json_property(found, "id"), json_property(found, "email")
        return {
            "id": user_id,
            "username": json_property(found, "username") or email or user_id,
            "email": email,
            "first_name": json_property(found, "first_name"),
            "last_name": json_property(found, "last_name") or "",
        }
    if provider_id == MICROSOFT:  # MicrosoftIdentityProvider.extractIdentityFromProfile
        user_id, email = json_property(found, "id"), json_property(found, "mail")
        principal = json_property(found, "userPrincipalName")
        if email is None and principal is not None and _EMAIL.match(principal):
            email = principal
        return {
            "id": user_id,
            "username": email or user_id,
            "email": email,
            "first_name": json_property(found, "givenName"),
            "last_name": json_property(found, "surname"),
        }

    def claim(key: str) -> str | None:
        return json_property(found, config.get(key) or CLAIMS[key])

    user_id, email = claim("userIDClaim"), claim("emailClaim")
    first, last = claim("givenNameClaim"), claim("familyNameClaim")
    if first is None and last is None:
        first, last = split_name(claim("fullNameClaim"))
    return {
        "id": user_id,
        "username": claim("userNameClaim") or email or user_id,
        "email": email,
        "first_name": first,
        "last_name": last,
    }

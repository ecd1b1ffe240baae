"""Keycloak's other social providers that Doorkeep runs, each as its Keycloak 26 class does (broker/social.py
dispatches to this module): Bitbucket (BitbucketIdentityProvider, ``bitbucket``), LinkedIn
(LinkedInOIDCIdentityProvider, ``linkedin-openid-connect``), PayPal (PayPalIdentityProvider, ``paypal``), Stack
Overflow (StackoverflowIdentityProvider, ``stackoverflow``) and OpenShift (OpenshiftV4IdentityProvider,
``openshift-v4``; OpenshiftV3IdentityProvider, ``openshift-v3``).

- **Bitbucket**: bitbucket.org's fixed OAuth endpoints, scope ``account`` (``account email`` when the configured scope
  is blank but not empty); the user is ``/2.0/user`` (``account_id``, ``username``, ``display_name``, its ``type``
  must be ``user``), the e-mail the first entry of ``/2.0/user/emails`` when that is of type ``email`` (a failure
  there only leaves the e-mail out).
- **LinkedIn**: an OpenID Connect provider with the endpoints, keys and issuer of LinkedIn's discovery document
  (which Keycloak reads once and keeps), signatures always checked, no nonce (LinkedIn does not return it), scope
  ``openid profile email``; run by broker/oidc.py like Google.
- **PayPal**: ``sandbox`` chooses paypal.com's or sandbox.paypal.com's endpoints; the user is the OpenID userinfo
  (``user_id``, ``email`` as the username and address, ``name``); scope ``openid profile email``.
- **Stack Overflow**: stackexchange.com's endpoints, no scope; the profile is ``/2.2/me`` asked with the access token
  and the application's ``key`` as query parameters (no bearer header); the user is ``items[0]``: ``user_id``, the
  username the third segment of its ``link``, the name its ``display_name`` with HTML 3 escapes undone; no e-mail.
- **OpenShift 4**: ``baseUrl`` (https://api.preview.openshift.com when unset); the authorization and token endpoints
  come from ``{baseUrl}/.well-known/oauth-authorization-server``, read each time the provider is used (as Keycloak's
  constructor reads it), outside any writing transaction (the ``idp_link`` action's Continue, decided inside one, is
  rolled back, the metadata read, and run again: fetch_outside.py); the user is ``{baseUrl}/apis/user.openshift.io/v1/
  users/~``: ``metadata.uid`` (``metadata.name`` for ``kube:admin``, which has none), ``metadata.name`` the
  username, ``fullName`` the name. ``groups`` is not read: it stays in the profile for the JSON attribute mapper.
- **OpenShift 3**: ``{baseUrl}/oauth/authorize``, ``/oauth/token`` and ``/oapi/v1/users/~``; the user as above
  without the ``kube:admin`` case.

``twitter`` (OAuth 1.0a) and ``instagram`` (deprecated in Keycloak) stay stored but never run
(broker/providers.STORED_ONLY).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from doorkeep.broker.calls import BrokerError
from doorkeep.broker.profile_json import get_json, json_property, split_name

BITBUCKET, LINKEDIN, PAYPAL = "bitbucket", "linkedin-openid-connect", "paypal"
STACKOVERFLOW, OPENSHIFT_V4, OPENSHIFT_V3 = "stackoverflow", "openshift-v4", "openshift-v3"
OAUTH2_ONLY = (BITBUCKET, PAYPAL, STACKOVERFLOW, OPENSHIFT_V4, OPENSHIFT_V3)  # the user is the profile
IDS = (*OAUTH2_ONLY, LINKEDIN)
DISCOVERED = (OPENSHIFT_V4,)  # endpoints read from the provider before each use (``discover``)
# each factory's getName
NAMES = {
    BITBUCKET: "BitBucket",
    LINKEDIN: "LinkedIn",
    PAYPAL: "PayPal",
    STACKOVERFLOW: "StackOverflow",
    OPENSHIFT_V4: "Openshift v4",
    OPENSHIFT_V3: "Openshift v3",
}
# each provider's getDefaultScopes, which AbstractOAuth2IdentityProvider's constructor sets when none is configured
DEFAULT_SCOPES = {
    BITBUCKET: "account",
    PAYPAL: "openid profile email",
    STACKOVERFLOW: "",
    OPENSHIFT_V4: "user:info",
    OPENSHIFT_V3: "user:info",
}
EMAIL_URL = "emailUrl"
BITBUCKET_URLS = {
    "authorizationUrl": "https://bitbucket.org/site/oauth2/authorize",
    "tokenUrl": "https://bitbucket.org/site/oauth2/access_token",
    "userInfoUrl": "https://api.bitbucket.org/2.0/user",
    EMAIL_URL: "https://api.bitbucket.org/2.0/user/emails",
}
LINKEDIN_URLS = {  # https://www.linkedin.com/oauth/.well-known/openid-configuration, as the factory sets it
    "issuer": "https://www.linkedin.com/oauth",
    "authorizationUrl": "https://www.linkedin.com/oauth/v2/authorization",
    "tokenUrl": "https://www.linkedin.com/oauth/v2/accessToken",
    "userInfoUrl": "https://api.linkedin.com/v2/userinfo",
    "jwksUrl": "https://www.linkedin.com/oauth/openid/jwks",
    "useJwksUrl": "true",
    "validateSignature": "true",
    "disableNonce": "true",
}
LINKEDIN_SCOPE = "openid profile email"
PAYPAL_API = ("https://api.paypal.com/v1", "https://api.sandbox.paypal.com/v1")
PAYPAL_AUTH = ("https://www.paypal.com/signin/authorize", "https://www.sandbox.paypal.com/signin/authorize")
STACKOVERFLOW_PROFILE = "https://api.stackexchange.com/2.2/me?order=desc&sort=name&site=stackoverflow"
OPENSHIFT_BASE_URL = "https://api.preview.openshift.com"
OPENSHIFT_METADATA = "/.well-known/oauth-authorization-server"
KUBE_ADMIN = "kube:admin"  # OpenshiftV4IdentityProvider.KUBEADM_NAME: the user with no uid
_SAFE = "()*!'~"  # a Stack Exchange token's ``(`` and ``)`` go into the query as Keycloak sends them


def sandbox(config: dict[str, str]) -> bool:
    """PayPalIdentityProviderConfig.targetSandbox: ``sandbox`` is Boolean.valueOf's ``true`` (any case)."""
    return (config.get("sandbox") or "").lower() == "true"


def _base_url(config: dict[str, str]) -> str:
    """The OpenShift configs' getBaseUrl, else the default (Optional.ofNullable: an empty one is dropped on store)."""
    return config.get("baseUrl") or OPENSHIFT_BASE_URL


def endpoints(provider_id: str, config: dict[str, str]) -> dict[str, str]:
    """What each provider's constructor (LinkedIn's: its factory) sets on its config."""
    if provider_id == BITBUCKET:
        scope = config.get("defaultScope") or ""
        return BITBUCKET_URLS | ({"defaultScope": "account email"} if scope and not scope.strip() else {})
    if provider_id == LINKEDIN:
        return LINKEDIN_URLS | ({} if (config.get("defaultScope") or "").strip() else {"defaultScope": LINKEDIN_SCOPE})
    if provider_id == PAYPAL:
        api = PAYPAL_API[sandbox(config)]
        return {
            "authorizationUrl": PAYPAL_AUTH[sandbox(config)],
            "tokenUrl": api + "/identity/openidconnect/tokenservice",
            "userInfoUrl": api + "/oauth2/token/userinfo?schema=openid",
        }
    if provider_id == STACKOVERFLOW:
        return {
            "authorizationUrl": "https://stackexchange.com/oauth",
            "tokenUrl": "https://stackexchange.com/oauth/access_token",
            "userInfoUrl": STACKOVERFLOW_PROFILE,
        }
    if provider_id == OPENSHIFT_V4:  # the other two come from the server's metadata (``discover``)
        return {
            "authorizationUrl": "",
            "tokenUrl": "",
            "userInfoUrl": _base_url(config) + "/apis/user.openshift.io/v1/users/~",
        }
    if provider_id == OPENSHIFT_V3:
        base = _base_url(config)
        return {
            "authorizationUrl": base + "/oauth/authorize",
            "tokenUrl": base + "/oauth/token",
            "userInfoUrl": base + "/oapi/v1/users/~",
        }
    return {}


async def discover(provider_id: str, config: dict[str, str]) -> dict[str, str]:
    """OpenshiftV4IdentityProvider.getAuthJson: the authorization and token endpoints of
    ``{baseUrl}/.well-known/oauth-authorization-server`` (a 200 JSON object); any failure is Keycloak's "Could not
    initialize oAuth metadata". Other providers: nothing to read."""
    if provider_id not in DISCOVERED:
        return {}
    what = "openshift metadata request"
    try:
        found = await get_json(_base_url(config) + OPENSHIFT_METADATA, None, what)
    except BrokerError as err:
        raise BrokerError(f"Could not initialize oAuth metadata: {err}") from None
    urls = {}
    for key, name in (("authorizationUrl", "authorization_endpoint"), ("tokenUrl", "token_endpoint")):
        value = found.get(name) if isinstance(found, dict) else None
        if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
            raise BrokerError(f"Could not initialize oAuth metadata: no {name}")
        urls[key] = value
    return urls


async def profile(provider_id: str, config: dict[str, str], token: str) -> dict[str, Any]:
    """doGetFederatedIdentity's profile request; for Bitbucket, with the e-mail of ``/2.0/user/emails``."""
    if provider_id == BITBUCKET:
        return await _bitbucket(config, token)
    if provider_id == STACKOVERFLOW:
        key = config.get("key") or "null"  # Keycloak appends getKey() as it is: ``null`` when unset
        query = f"&access_token={quote(token, safe=_SAFE)}&key={quote(key, safe=_SAFE)}"
        url = (config.get("userInfoUrl") or STACKOVERFLOW_PROFILE) + query
        found = await get_json(url, None, "stackoverflow profile request")
        items = found.get("items") if isinstance(found, dict) else None
        first = items[0] if isinstance(items, list) and items else None
        if not isinstance(first, dict):
            raise BrokerError("Could not obtain user profile from Stackoverflow: no items[0]")
        return first  # what the mappers read (storeUserProfileForMapper(user, profile = items[0], ...))
    what = "paypal" if provider_id == PAYPAL else "Openshift"
    found = await get_json(config.get("userInfoUrl") or "", token, f"{provider_id} profile request")
    if not isinstance(found, dict):
        raise BrokerError(f"Could not obtain user profile from {what}.")
    return found


async def _bitbucket(config: dict[str, str], token: str) -> dict[str, Any]:
    """BitbucketIdentityProvider.doGetFederatedIdentity: the account (``type`` ``user``), then its e-mail."""
    answer = await get_json(config.get("userInfoUrl") or "", token, "bitbucket profile request")
    found: dict[str, Any] = answer if isinstance(answer, dict) else {}
    kind = json_property(found, "type")
    if kind == "error":
        error = found.get("error")
        message = json_property(error, "message") if isinstance(error, dict) else None
        detail = f"  Error: {message}" if error is not None else ""
        raise BrokerError(f"Could not obtain account information from bitbucket.{detail}")
    if kind != "user":
        raise BrokerError("Could not obtain account information from bitbucket.")
    try:
        emails = await get_json(config.get(EMAIL_URL) or "", token, "bitbucket e-mail request")
    except BrokerError:  # extractUserInfo: "failed to get email from BitBucket", the login goes on
        return found
    entry = emails.get("values") if isinstance(emails, dict) else None
    entry = entry[0] if isinstance(entry, list) and entry else entry
    if isinstance(entry, dict) and json_property(entry, "type") == "email":
        return {**found, "email": json_property(entry, "email")}
    return found


def fields(provider_id: str, config: dict[str, str], found: dict[str, Any]) -> dict[str, str | None]:
    """extractIdentityFromProfile / extractUserContext: the id, username, e-mail and names the profile gives."""
    if provider_id == BITBUCKET:
        first, last = split_name(json_property(found, "display_name"))
        return _user(
            json_property(found, "account_id"), json_property(found, "username"), found.get("email"), first, last
        )
    if provider_id == PAYPAL:
        email = json_property(found, "email")
        first, last = split_name(json_property(found, "name"))
        return _user(json_property(found, "user_id"), email, email, first, last)
    if provider_id == STACKOVERFLOW:
        first, last = split_name(unescape_html3(json_property(found, "display_name")))
        username = username_of_link(json_property(found, "link"))
        return _user(json_property(found, "user_id"), username, None, first, last)
    metadata = found.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    user_id, name = json_property(metadata, "uid"), json_property(metadata, "name")
    if user_id is None and provider_id == OPENSHIFT_V4 and name == KUBE_ADMIN:
        user_id = name
    first, last = split_name(json_property(found, "fullName"))
    return _user(user_id, name, None, first, last)


def _user(
    user_id: str | None, username: str | None, email: Any, first: str | None, last: str | None
) -> dict[str, str | None]:
    return {
        "id": user_id,
        "username": username,
        "email": email if isinstance(email, str) else None,
        "first_name": first,
        "last_name": last,
    }


def username_of_link(link: str | None) -> str | None:
    """StackoverflowIdentityProvider.extractUsernameFromProfileURL: the third segment of the link's path
    (``/users/{id}/{name}``), URL-decoded; None when there is none."""
    if link is None or not link.strip():
        return None
    try:
        path = urlsplit(link).path
    except ValueError:
        return None
    if len(path) <= 1 or not path.strip():
        return None
    parts = path.removeprefix("/").split("/")
    while parts and not parts[-1]:  # Java's String.split drops trailing empty strings
        parts.pop()
    return unquote(parts[2].replace("+", " ")) if len(parts) >= 3 else None


_NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}
_MIN_ESCAPE, _MAX_ESCAPE = 2, 6
_NUMBER = {10: re.compile(r"[0-9]+"), 16: re.compile(r"[0-9a-fA-F]+")}


def unescape_html3(text: str | None) -> str | None:
    """StackoverflowIdentityProvider.unescapeHtml3: ``&quot;``, ``&amp;``, ``&lt;``, ``&gt;`` and numeric escapes
    of 2 to 6 characters undone, anything else kept as written (a code point no text may hold stays too)."""
    if text is None:
        return None
    out: list[str] = []
    start = i = 0
    while (amp := text.find("&", i)) != -1:
        end = text.find(";", amp + 1, amp + 2 + _MAX_ESCAPE)
        value = _entity(text[amp + 1 : end]) if end - amp - 1 >= _MIN_ESCAPE else None
        if value is None:
            i = amp + 1
            continue
        out += [text[start:amp], value]
        start = i = end + 1
    return "".join(out) + text[start:]


def _entity(body: str) -> str | None:
    if not body.startswith("#"):
        return _NAMED.get(body)
    radix = 16 if body[1:2] in ("x", "X") else 10
    digits = body[2:] if radix == 16 else body[1:]
    if not _NUMBER[radix].fullmatch(digits):
        return None
    point = int(digits, radix)
    if point == 0 or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
        return None
    return chr(point)

"""Identity providers: the list (search, paging), a provider's settings (add, edit, enable, delete), as Keycloak's
console shows an OpenID Connect, OAuth v2 or social provider (IdentityProvidersSection, AddOpenIdConnect,
AddOAuth2, AddIdentityProvider for a social one, DetailSettings): each type with its own settings.

The form is read into the IdentityProviderRepresentation Keycloak's console sends; the writes are
``broker.admin_writes``', the functions behind ``identity-provider/instances``, with their checks and texts, and
are recorded as those calls. An edit sends the stored representation with the form's fields over it, so the
settings the page does not show are kept; a blank client secret sends the mask, which keeps the stored secret.
Reading needs view-identity-providers, writing manage-identity-providers; turning ``allowAdminRoleMapping`` on
needs manage-realm too (IdentityProviderResource's check), its refusal the form's error.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from doorkeep.broker import admin_role_mapping
from doorkeep.broker import admin_writes as writes
from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import JSON
from doorkeep.web.admin_console.context import Console, Missing, Page, page_of
from doorkeep.web.admin_console.forms import FormErrors, FormState, checkbox

VIEW, MANAGE = "view-identity-providers", "manage-identity-providers"
TYPES = (
    ("oidc", "OpenID Connect v1.0"),
    ("keycloak-oidc", "Keycloak OpenID Connect"),
    ("oauth2", "OAuth v2"),
    ("github", "GitHub"),
    ("google", "Google"),
    ("facebook", "Facebook"),
    ("microsoft", "Microsoft"),
    ("gitlab", "GitLab"),
    ("bitbucket", "BitBucket"),
    ("linkedin-openid-connect", "LinkedIn"),
    ("paypal", "PayPal"),
    ("stackoverflow", "StackOverflow"),
    ("openshift-v4", "Openshift v4"),
    ("openshift-v3", "Openshift v3"),
)
OIDC_TYPES = frozenset({"oidc", "keycloak-oidc"})
AUTH_METHODS = (
    ("client_secret_post", "Client secret sent as post"),
    ("client_secret_basic", "Client secret as basic auth"),
)
SWITCHES = (
    ("enabled", "Enabled", "Users may sign in with this provider."),
    ("trustEmail", "Trust Email", "The e-mail address the provider gives is taken as verified."),
    ("hideOnLogin", "Hide on login page", "The login page shows no button for it (kc_idp_hint still works)."),
)


@dataclass(frozen=True)
class ConfigField:
    """A ``config`` entry of the form: its key, label, help and input kind (text, url, secret, check, select)."""

    name: str
    label: str
    help: str
    kind: str = "url"
    default: str = ""  # the stored value an unset entry means


CONFIG = (
    ConfigField("authorizationUrl", "Authorization URL", "The provider's authorization endpoint."),
    ConfigField("tokenUrl", "Token URL", "The provider's token endpoint."),
    ConfigField("userInfoUrl", "User Info URL", "The provider's userinfo endpoint (optional)."),
    ConfigField("logoutUrl", "Logout URL", "The provider's end session endpoint (optional)."),
    ConfigField("issuer", "Issuer", "The issuer the provider's ID tokens must name.", "text"),
    ConfigField("jwksUrl", "JWKS URL", "Where the keys that sign the provider's ID tokens are read."),
    ConfigField("validateSignature", "Validate Signatures", "Check the ID token's signature.", "check"),
    ConfigField("useJwksUrl", "Use JWKS URL", "Read the signing keys from the JWKS URL.", "check"),
    ConfigField("clientId", "Client ID", "This realm's client at the provider.", "text"),
    ConfigField("clientSecret", "Client Secret", "Left blank on an existing provider: the stored one.", "secret"),
    ConfigField(
        "clientAuthMethod", "Client authentication", "How the client authenticates at the token URL.", "select"
    ),
    ConfigField("defaultScope", "Scopes", "The scopes asked for, separated by spaces (default: openid).", "text"),
    ConfigField("pkceEnabled", "Use PKCE", "Send a PKCE challenge (S256) with the authorization request.", "check"),
)
_CLIENT = CONFIG[8:11]  # the client id, its secret and how it authenticates
_CLAIMS = tuple(
    ConfigField(key, label, f"The userinfo member holding the user's {what} (default: {default}).", "text")
    for key, label, what, default in (
        ("userIDClaim", "ID Claim", "unique id", "sub"),
        ("userNameClaim", "Username Claim", "username", "preferred_username"),
        ("emailClaim", "Email Claim", "e-mail address", "email"),
        ("fullNameClaim", "Full name Claim", "full name, read when neither name below is given", "name"),
        ("givenNameClaim", "Given name Claim", "first name", "given_name"),
        ("familyNameClaim", "Family name Claim", "last name", "family_name"),
    )
)
OAUTH2_CONFIG = (
    CONFIG[0],
    CONFIG[1],
    ConfigField("userInfoUrl", "User Info URL", "The provider's user profile endpoint, answering JSON (required)."),
    *_CLIENT,
    ConfigField("defaultScope", "Scopes", "The scopes asked for, separated by spaces (default: none).", "text"),
    CONFIG[-1],
    *_CLAIMS,
)
GITHUB_CONFIG = (
    *_CLIENT[:2],
    ConfigField("defaultScope", "Scopes", "The scopes asked for, separated by spaces (default: user:email).", "text"),
    ConfigField("baseUrl", "Base URL", "A GitHub Enterprise server's URL (default: https://github.com)."),
    ConfigField("apiUrl", "API URL", "A GitHub Enterprise server's API URL (default: https://api.github.com)."),
)


# The switches Keycloak's console shows under "Advanced": the logout ones for an OpenID Connect provider
# (ExtendedNonDiscoverySettings), the short state for it and an OAuth v2 one (ExtendedOAuth2Settings), and
# allowAdminRoleMapping (Keycloak 26.8) for every provider, with Advanced settings' other switches
_LOGOUT = (
    ConfigField(
        "sendIdTokenOnLogout",
        "Send 'id_token_hint' in logout requests",
        "Send the ID token the provider issued as id_token_hint when logging out there.",
        "check",
        "true",
    ),
    ConfigField(
        "sendClientIdOnLogout",
        "Send 'client_id' in logout requests",
        "Send this realm's client ID as client_id when logging out there.",
        "check",
    ),
)
_SHORT_STATE = ConfigField(
    "requiresShortStateParameter",
    "Requires short state parameter",
    "Keep the state sent to the provider short: no client data in it (for providers limiting its length).",
    "check",
)
_ADMIN_ROLES = ConfigField(
    admin_role_mapping.KEY,
    "Allow admin role mapping",
    "This provider's mappers may hand out admin roles. Turning it on needs the manage-realm role.",
    "check",
)


def advanced_for(provider_id: object) -> tuple[ConfigField, ...]:
    """The Advanced settings switches the form shows for a provider of this type."""
    if provider_id in OIDC_TYPES:
        return (*_LOGOUT, _SHORT_STATE, _ADMIN_ROLES)
    return (_SHORT_STATE, _ADMIN_ROLES) if provider_id == "oauth2" else (_ADMIN_ROLES,)


def _scopes(default: str) -> ConfigField:
    return ConfigField(
        "defaultScope", "Scopes", f"The scopes asked for, separated by spaces (default: {default}).", "text"
    )


SOCIAL_CONFIG = {
    "github": GITHUB_CONFIG,
    "google": (
        *_CLIENT[:2],
        _scopes("openid profile email"),
        ConfigField(
            "hostedDomain",
            "Hosted domain",
            "Only users of these Google Workspace domains (comma-separated; * any).",
            "text",
        ),
        ConfigField(
            "offlineAccess", "Request refresh token", "Ask Google for a refresh token (access_type=offline).", "check"
        ),
    ),
    "facebook": (
        *_CLIENT[:2],
        _scopes("email"),
        ConfigField("fetchedFields", "Additional user's profile fields", "More /me fields, comma-separated.", "text"),
    ),
    "gitlab": (*_CLIENT[:2], _scopes("openid read_user")),
    "microsoft": (
        *_CLIENT[:2],
        _scopes("User.read"),
        ConfigField("tenantId", "Tenant ID", "The Microsoft Entra tenant (default: common).", "text"),
    ),
    "bitbucket": (*_CLIENT[:2], _scopes("account")),
    "linkedin-openid-connect": (*_CLIENT[:2], _scopes("openid profile email")),
    "paypal": (
        *_CLIENT[:2],
        _scopes("openid profile email"),
        ConfigField("sandbox", "Target Sandbox", "Use PayPal's sandbox instead of its live service.", "check"),
    ),
    "stackoverflow": (
        *_CLIENT[:2],
        _scopes("none"),
        ConfigField("key", "Key", "The Key obtained from Stack Overflow client registration.", "text"),
    ),
    **{
        provider_id: (
            *_CLIENT[:2],
            _scopes("user:info"),
            ConfigField(
                "baseUrl", "Base URL", "The OpenShift API server (default: https://api.preview.openshift.com)."
            ),
        )
        for provider_id in ("openshift-v4", "openshift-v3")
    },
}


def config_for(provider_id: object) -> tuple[ConfigField, ...]:
    """The settings the form shows for a provider of this type."""
    if isinstance(provider_id, str) and provider_id in SOCIAL_CONFIG:
        return SOCIAL_CONFIG[provider_id]
    return OAUTH2_CONFIG if provider_id == "oauth2" else CONFIG


async def listed(c: Console, search: str, first: int, size: int) -> Page[JSON]:
    """``GET identity-provider/instances?search=&first=&max=`` (view-identity-providers)."""
    c.require(VIEW)
    found = idp.search(idp.all_of(c.realm), search or None)
    return page_of(found[first : first + size + 1], first, size, len(found))


def stored(c: Console, alias: str) -> JSON:
    """The provider ``alias`` (view-identity-providers); a missing page without one."""
    c.require(VIEW)
    provider = idp.by_alias(c.realm, alias)
    if provider is None:
        raise Missing("Identity provider not found.")
    return provider


def form_of(provider: JSON | None, discovered: Mapping[str, str] | None = None, provider_id: str = "oidc") -> FormState:
    """The form of a stored provider (its secret not shown), or of a new one of ``provider_id``'s type, prefilled
    from a discovery document."""
    fresh: JSON = {"providerId": provider_id, "enabled": True, "config": {"clientAuthMethod": "client_secret_post"}}
    rep = provider or fresh
    config: dict[str, Any] = {**rep.get("config", {}), **(discovered or {})}
    values: dict[str, object] = {key: rep.get(key, "") for key in ("alias", "displayName", "providerId")}
    values |= {key: bool(rep.get(key)) for key, _, _ in SWITCHES}
    for spec in (*config_for(rep.get("providerId")), *advanced_for(rep.get("providerId"))):
        value = config.get(spec.name, spec.default)
        values[spec.name] = value == "true" if spec.kind == "check" else ("" if spec.kind == "secret" else value)
    values["metadataDescriptorUrl"] = config.get("metadataDescriptorUrl", "")
    return FormState(values)


def _read(form: Mapping[str, str], old: JSON | None) -> tuple[FormState, JSON]:
    """What was typed, and the representation it makes (an edit: the stored one with the form's fields over it)."""
    typed = FormState({key: form.get(key, "").strip() for key in ("alias", "displayName", "providerId")})
    rep: JSON = copy.deepcopy(old) if old is not None else {}
    rep |= {"displayName": typed.values["displayName"]}
    if old is None:
        rep |= {"alias": typed.values["alias"], "providerId": typed.values["providerId"]}
    for key, _, _ in SWITCHES:
        typed.values[key] = rep[key] = checkbox(form, key)
    config: dict[str, str] = dict(rep.get("config", {}))
    for spec in advanced_for(rep.get("providerId")):
        typed.values[spec.name] = on = checkbox(form, spec.name)
        if on != (config.get(spec.name, spec.default) == "true"):  # an unchanged (or unset) switch is left as is
            config[spec.name] = "true" if on else "false"
    for spec in config_for(rep.get("providerId")):
        if spec.kind == "check":
            typed.values[spec.name] = on = checkbox(form, spec.name)
            config[spec.name] = "true" if on else "false"
            continue
        value = form.get(spec.name, "").strip()
        typed.values[spec.name] = "" if spec.kind == "secret" else value
        if spec.kind == "secret" and not value and old is not None:
            value = idp.SECRET_VALUE  # Keycloak's console sends the mask back: the stored secret is kept
        config[spec.name] = value
    metadata = form.get("metadataDescriptorUrl", "").strip()
    typed.values["metadataDescriptorUrl"] = metadata
    if metadata:
        config["metadataDescriptorUrl"] = metadata
    rep["config"] = config
    return typed, rep


def _may_switch(c: Console, typed: FormState, rep: JSON, old: JSON | None) -> None:
    """Turning ``allowAdminRoleMapping`` on needs manage-realm (Keycloak answers others 403): the form's error."""
    if admin_role_mapping.turned_on(rep, old) and not c.can(admin_role_mapping.ENABLER):
        typed.errors[admin_role_mapping.KEY] = (
            f"Only an administrator with the {admin_role_mapping.ENABLER} role may turn on Allow admin role mapping."
        )
        raise FormErrors(typed)


async def _refusing(typed: FormState, write: Awaitable[JSON]) -> JSON:
    """The write's result; its refusal (Keycloak's 400, 409 or 501 text) as the form's error."""
    try:
        return await write
    except AdminError as err:
        typed.errors["form"] = err.description or err.message
        raise FormErrors(typed) from None


async def create(c: Console, form: Mapping[str, str]) -> JSON:
    """``POST identity-provider/instances`` (manage-identity-providers), recorded as that call."""
    c.require(MANAGE)
    typed, rep = _read(form, None)
    if typed.values["providerId"] not in {v for v, _ in TYPES}:
        typed.errors["providerId"] = f"Unknown provider type: {typed.values['providerId']}"
        raise FormErrors(typed)
    _may_switch(c, typed, rep, None)
    provider = await _refusing(typed, writes.create_provider(c.tx, c.realm.id, rep))
    c.changed("POST", "identity-provider", "instances", provider["alias"], body=provider)
    return provider


async def update(c: Console, old: JSON, form: Mapping[str, str]) -> JSON:
    """``PUT identity-provider/instances/{alias}`` with the whole representation (manage-identity-providers)."""
    c.require(MANAGE)
    typed, rep = _read(form, idp.masked(old))
    typed.values |= {"alias": old["alias"], "providerId": old["providerId"]}
    _may_switch(c, typed, rep, old)
    saved = await _refusing(typed, writes.update_provider(c.tx, c.realm.id, old, rep))
    c.changed("PUT", "identity-provider", "instances", old["alias"], body=rep)
    return saved


async def switch(c: Console, old: JSON, on: bool) -> None:
    """The list's Enabled switch: the PUT of the stored representation with ``enabled`` changed."""
    c.require(MANAGE)
    rep = {**idp.masked(old), "enabled": on}
    await writes.update_provider(c.tx, c.realm.id, old, rep)
    c.changed("PUT", "identity-provider", "instances", old["alias"], body=rep)


async def delete(c: Console, old: JSON) -> None:
    """``DELETE identity-provider/instances/{alias}`` (manage-identity-providers): its mappers and links go too."""
    c.require(MANAGE)
    await writes.delete_provider(c.tx, c.realm.id, old)
    c.changed("DELETE", "identity-provider", "instances", old["alias"])

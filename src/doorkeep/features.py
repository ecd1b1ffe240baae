"""The Keycloak features ``--features-disabled`` turns off (Keycloak's Profile.Feature, all DEFAULT ones in 26, or
on Keycloak's main).

Each is named as Keycloak's option names it (``device-flow``, optionally versioned: ``ciba:v1``) and reported in
serverinfo's ``profileInfo.disabledFeatures`` under its Profile.Feature enum name (``DEVICE_FLOW``), as
ProfileInfoRepresentation does, and in its ``features`` list with Keycloak's label and type (Keycloak lists its
other features there too; Doorkeep only these, the ones it implements and can turn off). What turning one off
changes, as in Keycloak:

- ``impersonation``: ``users/{id}/impersonation`` answers 501 (ProfileHelper.requireFeature).
- ``ciba``: CibaGrantTypeFactory and CibaRootEndpoint are not supported, so the token endpoint refuses the CIBA
  grant as an unsupported grant_type and ``ext/ciba/...`` is 404; discovery drops the grant type but, as
  OIDCWellKnownProvider does, still names the backchannel authentication endpoint.
- ``jwt-authorization-grant`` (DEFAULT since Keycloak 26.6): JWTAuthorizationGrantTypeFactory is not supported, so
  the token endpoint refuses ``urn:ietf:params:oauth:grant-type:jwt-bearer`` as an unsupported grant_type and
  discovery drops it (oauth/grants/jwt_authorization.py).
- ``par``: ParRootEndpoint is not supported: ``ext/par/request`` is 404 (discovery still names it, as Keycloak's).
- ``device-flow``: AuthorizationEndpoint.authorizeDevice returns no resource (404), DeviceGrantTypeFactory is not
  supported, and discovery omits ``device_authorization_endpoint`` (and its mTLS alias).
- ``account`` (ACCOUNT_V3, versioned ``account:v3``; it depends on ACCOUNT_API, which Doorkeep does not switch):
  no AccountResourceProvider is supported, so AccountLoader throws NotFoundException for a browser at
  ``/realms/{realm}/account`` and every Account Console page (a 404, the error page for a browser); the Account
  REST API (a JSON Accept or body, or a bearer token) still answers (AccountConsoleDisabledTest).
- ``recovery-codes`` (DEFAULT since Keycloak 26.4; PREVIEW before): RecoveryAuthnCodesAction, the recovery code
  authenticator and its credential provider are not supported: the CONFIGURE_RECOVERY_AUTHN_CODES action is not
  offered nor run (a ``kc_action`` for it answers ``error``, or ends the login where the realm registered the
  action itself: oauth/required_actions.py), the login never asks for a code, the Account API lists no
  recovery codes type, and neither serverinfo's authenticator providers nor ``authentication/authenticator-
  providers`` name ``auth-recovery-authn-code-form``.
- ``client-secret-rotation`` (CLIENT_SECRET_ROTATION: PREVIEW in the 26.7 line, DEFAULT on Keycloak's main since
  PR #51891; Doorkeep has always run it): a client's rotated secret no longer authenticates it, with the client
  secret or a client_secret_jwt signed with it (OIDCClientSecretConfigWrapper.hasRotatedSecret gated by the
  feature, keycloak#50855, 26.6.6 / 26.7.2), and ``GET …/client-secret/rotated`` finds none (404); ``DELETE`` still
  removes the stored attributes.

``--features`` turns on the features that are off unless named (Keycloak's experimental and preview ones) that
Doorkeep implements: ``resource-indicators`` (RESOURCE_INDICATORS, EXPERIMENTAL in Keycloak 26.6-26.8: RFC 8707's
``resource`` parameter, oauth/resource_indicators.py). Every feature Doorkeep has besides is always on, so naming
one there changes nothing; a name Doorkeep does not implement is named in a warning at start and ignored.
"""

from __future__ import annotations

ACCOUNT = "account"
IMPERSONATION = "impersonation"
JWT_AUTHORIZATION_GRANT = "jwt-authorization-grant"
CIBA = "ciba"
PAR = "par"
CLIENT_SECRET_ROTATION = "client-secret-rotation"
DEVICE_FLOW = "device-flow"
RECOVERY_CODES = "recovery-codes"
RESOURCE_INDICATORS = "resource-indicators"

# option name → Profile.Feature enum name, in Profile.Feature's order
KNOWN: dict[str, str] = {
    ACCOUNT: "ACCOUNT_V3",
    IMPERSONATION: "IMPERSONATION",
    JWT_AUTHORIZATION_GRANT: "JWT_AUTHORIZATION_GRANT",
    CIBA: "CIBA",
    PAR: "PAR",
    CLIENT_SECRET_ROTATION: "CLIENT_SECRET_ROTATION",
    DEVICE_FLOW: "DEVICE_FLOW",
    RECOVERY_CODES: "RECOVERY_CODES",
}
VERSION = ":v1"  # each of these features has one version; Keycloak accepts ``name:v1`` for it
VERSIONS = {ACCOUNT: ":v3"}  # those whose one version is not v1
DEPENDENCIES = {ACCOUNT: ["ACCOUNT_API"]}  # Profile.Feature's dependencies, by enum name
# Profile.Feature's label and Type of each (DEFAULT: client-secret-rotation as on Keycloak's main, the others in 26's
# current release too)
LABELS: dict[str, str] = {
    ACCOUNT: "Account Console version 3",
    IMPERSONATION: "Ability for admins to impersonate users",
    JWT_AUTHORIZATION_GRANT: "JWT Profile for Oauth 2.0 Authorization Grant",
    CIBA: "OpenID Connect Client Initiated Backchannel Authentication (CIBA)",
    PAR: "OAuth 2.0 Pushed Authorization Requests (PAR)",
    CLIENT_SECRET_ROTATION: "Client Secret Rotation",
    DEVICE_FLOW: "OAuth 2.0 Device Authorization Grant",
    RECOVERY_CODES: "Recovery codes",
}
TYPE = "DEFAULT"  # FeatureRepresentation's FeatureType
# The features off unless --features names them, each with its one version (Profile.Feature's)
OPT_IN: dict[str, str] = {RESOURCE_INDICATORS: ":v1"}
PREVIEW = "preview"  # Keycloak's --features preview: every PREVIEW feature; none of Doorkeep's opt-in ones is one


def parse(value: str | None) -> tuple[frozenset[str], list[str]]:
    """The features a comma-separated ``--features-disabled`` names, and the names that are no known feature."""
    known: set[str] = set()
    unknown: list[str] = []
    for raw in (value or "").split(","):
        name = raw.strip()
        if not name:
            continue
        bare, colon, version = name.partition(":")
        if bare in KNOWN and (not colon or f":{version}" == VERSIONS.get(bare, VERSION)):
            known.add(bare)
        else:
            unknown.append(name)
    return frozenset(known), unknown


def parse_enabled(value: str | None) -> tuple[frozenset[str], list[str]]:
    """The opt-in features a comma-separated ``--features`` turns on, and the names Doorkeep does not implement
    (a feature it always has, named there, is neither)."""
    enabled: set[str] = set()
    unknown: list[str] = []
    for raw in (value or "").split(","):
        name = raw.strip()
        bare, colon, version = name.partition(":")
        if bare in OPT_IN and (not colon or f":{version}" == OPT_IN[bare]):
            enabled.add(bare)
        elif name and name != PREVIEW and parse(name)[1]:
            unknown.append(name)
    return frozenset(enabled), unknown


def enum_names(disabled: frozenset[str]) -> list[str]:
    """ProfileInfoRepresentation's ``disabledFeatures``: the Profile.Feature names, in the enum's order."""
    return [enum for name, enum in KNOWN.items() if name in disabled]


def representations(disabled: frozenset[str]) -> list[dict[str, object]]:
    """ServerInfoAdminResource's ``features``: a FeatureRepresentation (name, label, type, enabled, dependencies)
    per feature Doorkeep knows, in Profile.Feature's order; ``enabled`` is false exactly for those
    ``profileInfo.disabledFeatures`` names."""
    return [
        {
            "name": enum,
            "label": LABELS[name],
            "type": TYPE,
            "enabled": name not in disabled,
            "dependencies": DEPENDENCIES.get(name, []),
        }
        for name, enum in KNOWN.items()
    ]

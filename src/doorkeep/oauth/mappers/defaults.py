"""The protocol mappers Keycloak 26 gives its built-in client scopes (``OIDCLoginProtocolFactory``).

A realm created here, or imported from a file whose built-in scope carries no ``protocolMappers``
key, gets these; tokens then carry exactly the claims Keycloak's default realm issues.
"""

from __future__ import annotations

import uuid

from doorkeep.model import ProtocolMapper

ALL = ("id.token.claim", "access.token.claim", "userinfo.token.claim", "introspection.token.claim")
ACCESS = ("access.token.claim", "introspection.token.claim")


def _flags(on: tuple[str, ...]) -> dict[str, str]:
    return {key: "true" for key in on}


def _client_note(name: str, note: str) -> tuple[str, str, dict[str, str]]:
    """One of the ``service_account`` scope's mappers: a user-session note the client-credentials grant writes,
    in the access and ID tokens and introspection, not userinfo (UserSessionNoteMapper.createClaimMapper)."""
    config = {**_flags(("id.token.claim", *ACCESS)), "user.session.note": note, "claim.name": note}
    return name, "oidc-usersessionmodel-note-mapper", config | {"jsonType.label": "String"}


def _attribute(
    name: str, attribute: str, claim: str, json_type: str = "String", mapper: str = "oidc-usermodel-attribute-mapper"
) -> tuple[str, str, dict[str, str]]:
    return name, mapper, {**_flags(ALL), "user.attribute": attribute, "claim.name": claim, "jsonType.label": json_type}


_SPECS: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    "profile": [
        _attribute("profile", "profile", "profile"),
        ("full name", "oidc-full-name-mapper", _flags(ALL)),
        _attribute("given name", "firstName", "given_name"),
        _attribute("family name", "lastName", "family_name"),
        _attribute("middle name", "middleName", "middle_name"),
        _attribute("nickname", "nickname", "nickname"),
        _attribute("username", "username", "preferred_username"),
        _attribute("picture", "picture", "picture"),
        _attribute("website", "website", "website"),
        _attribute("gender", "gender", "gender"),
        _attribute("birthdate", "birthdate", "birthdate"),
        _attribute("zoneinfo", "zoneinfo", "zoneinfo"),
        _attribute("locale", "locale", "locale"),
        _attribute("updated at", "updatedAt", "updated_at", "long"),
    ],
    "email": [
        _attribute("email", "email", "email"),
        _attribute("email verified", "emailVerified", "email_verified", "boolean", "oidc-usermodel-property-mapper"),
    ],
    "address": [
        (
            "address",
            "oidc-address-mapper",
            {
                **_flags(ALL),
                "user.attribute.formatted": "formatted",
                "user.attribute.street": "street",
                "user.attribute.locality": "locality",
                "user.attribute.region": "region",
                "user.attribute.postal_code": "postal_code",
                "user.attribute.country": "country",
            },
        )
    ],
    "phone": [
        _attribute("phone number", "phoneNumber", "phone_number"),
        _attribute("phone number verified", "phoneNumberVerified", "phone_number_verified", "boolean"),
    ],
    "roles": [
        (
            "realm roles",
            "oidc-usermodel-realm-role-mapper",
            {
                **_flags(ACCESS),
                "user.attribute": "foo",
                "claim.name": "realm_access.roles",
                "jsonType.label": "String",
                "multivalued": "true",
            },
        ),
        (
            "client roles",
            "oidc-usermodel-client-role-mapper",
            {
                **_flags(ACCESS),
                "user.attribute": "foo",
                "claim.name": "resource_access.${client_id}.roles",
                "jsonType.label": "String",
                "multivalued": "true",
            },
        ),
        ("audience resolve", "oidc-audience-resolve-mapper", _flags(ACCESS)),
    ],
    "web-origins": [("allowed web origins", "oidc-allowed-origins-mapper", _flags(ACCESS))],
    "microprofile-jwt": [
        _attribute("upn", "username", "upn", mapper="oidc-usermodel-property-mapper"),
        (
            "groups",
            "oidc-usermodel-realm-role-mapper",
            {
                **_flags(ALL),
                "user.attribute": "foo",
                "claim.name": "groups",
                "jsonType.label": "String",
                "multivalued": "true",
            },
        ),
    ],
    "organization": [  # OrganizationMembershipMapper.create(ORGANIZATION, true, true, true)
        (
            "organization",
            "oidc-organization-membership-mapper",
            {**_flags(ALL), "claim.name": "organization", "jsonType.label": "String", "multivalued": "true"},
        ),
    ],
    "service_account": [
        _client_note("Client ID", "client_id"),
        _client_note("Client Host", "clientHost"),
        _client_note("Client IP Address", "clientAddress"),
    ],
    "acr": [("acr loa level", "oidc-acr-mapper", _flags(("id.token.claim", *ACCESS)))],
    "basic": [
        ("sub", "oidc-sub-mapper", _flags(ACCESS)),
        (
            "auth_time",
            "oidc-usersessionmodel-note-mapper",
            {
                **_flags(("id.token.claim", *ACCESS)),
                "userinfo.token.claim": "false",
                "user.session.note": "AUTH_TIME",
                "claim.name": "auth_time",
                "jsonType.label": "long",
            },
        ),
    ],
}


def builtin_mappers(scope_name: str) -> tuple[ProtocolMapper, ...]:
    """Fresh copies (new ids) of the default mappers of a built-in scope; () for any other name."""
    return tuple(
        ProtocolMapper(id=str(uuid.uuid4()), name=name, mapper=kind, config=dict(config))
        for name, kind, config in _SPECS.get(scope_name, [])
    )


def locale_mapper() -> ProtocolMapper:
    """A fresh copy of the ``locale`` builtin, which RealmManager.setupAdminConsoleLocaleMapper gives the realm's
    ``security-admin-console`` (on creating a realm and after importing one, unless it has a ``locale`` mapper)."""
    [mapper] = [m for m in builtin_mappers("profile") if m.name == "locale"]
    return mapper


# The scopes whose mappers are OIDCLoginProtocolFactory's builtins (createDefaultClientScopesImpl adds
# builtins.get(...) to them); the organization and service-account scopes' mappers are made in the scope only.
BUILTIN_SCOPES = ("profile", "email", "address", "phone", "roles", "web-origins", "microprofile-jwt", "acr", "basic")


def builtins() -> list[tuple[str, str, dict[str, str]]]:
    """OIDCLoginProtocolFactory.getBuiltinMappers as Doorkeep applies them: (name, mapper type, config) of each
    mapper the built-in scopes take from it (serverinfo's ``builtinProtocolMappers``). Kerberos' delegation
    credential, the impersonator notes and the token-exchange delegation mappers are not among them."""
    return [(name, kind, dict(config)) for scope in BUILTIN_SCOPES for name, kind, config in _SPECS[scope]]

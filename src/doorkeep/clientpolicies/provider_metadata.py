"""What ``GET /admin/serverinfo`` tells of the client-policy executors (``componentTypes`` under Keycloak's
ClientPolicyExecutorProvider interface): each factory's id, help text and configuration properties
(ProviderConfigProperty as ConfigPropertyRepresentation), copied from Keycloak 26's ``*ExecutorFactory`` classes.
``EXECUTOR_TYPES`` grows one entry per executor module."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.executors_uri_patterns import ALL_FIELDS as URI_FIELDS

EXECUTOR_PROVIDER = "org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider"
# ProviderConfigProperty's type names
BOOLEAN, MULTIVALUED_STRING, MULTIVALUED_LIST = "boolean", "MultivaluedString", "MultivaluedList"


def _property(name: str, label: str, help_text: str, kind: str = BOOLEAN) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "label": label, "helpText": help_text, "type": kind}
    if kind == BOOLEAN:
        out["defaultValue"] = False
    return {**out, "secret": False, "required": False, "readOnly": False}


_REDIRECT_URIS = [
    _property(
        "allow-ipv4-loopback-address",
        "Allow IPv4 loopback address",
        "If ON, then the executor allows IPv4 loopback address as a valid redirect uri. "
        "For example, 'http://127.0.0.1:{port}/{path}' . ",
    ),
    _property(
        "allow-ipv6-loopback-address",
        "Allow IPv6 loopback address",
        "If ON, then the executor allows IPv6 loopback address as a valid redirect uri. "
        "For example, 'http://[::1]:{port}/{path}' . ",
    ),
    _property(
        "allow-private-use-uri-scheme",
        "Allow private use URI scheme",
        "If ON, then the executor allows a private-use URI scheme (aka custom URL scheme) as a valid redirect uri. "
        "For example, an app that controls the domain name 'app.example.com' can use 'com.example.app' as their "
        "scheme.",
    ),
    _property(
        "allow-http-scheme", "Allow http scheme", "If On, then the executor allows http scheme as a valid redirect uri."
    ),
    _property(
        "allow-wildcard-context-path",
        "Allow wildcard in context-path",
        "If ON, then it will allow wildcard in context-path uris. For example, domain.example.com/*",
    ),
    _property(
        "allow-permitted-domains",
        "Allow permitted domains",
        "If some domains are filled, the redirect uri host must match one of registered domains. If not filled, then "
        "all domains are possible to use. The domains are checked by using regex. For example use pattern like this "
        "'(.*)\\\\.example\\\\.org' if you want clients to register redirect-uris only from domain 'example.org'."
        "Don't forget to use escaping of special characters like dots as otherwise dot is interpreted as any character "
        "in regex!",
        MULTIVALUED_STRING,
    ),
    _property(
        "oauth-2-1-compliant",
        "OAuth 2.1 Compliant",
        "If On, then the executor checks and matches the uri by following OAuth 2.1 specification. This means that "
        "for example URL fragments, wildcard redirect uris or URL using 'localhost' are not allowed.",
    ),
    _property(
        "allow-open-redirect",
        "Allow open redirect",
        "If ON, then the executor does not verify a redirect uri even if its other setting is ON. "
        "WARNING: This is insecure and should be used with care as open redirects are bad practice.",
    ),
]

EXECUTOR_TYPES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "secure-redirect-uris-enforcer": (
        "On registering and updating a client, this executor only allows a valid redirect uri. On receiving an "
        "authorization request, this executor checks whether a redirect uri parameter matches registered redirect "
        "uris in the way that depends on the executor's setting.",
        _REDIRECT_URIS,
    ),
    "secure-client-uris": ("It prohibits the client registering/specifying http scheme URI.", []),
    "secure-response-type": (
        "The executor checks whether the client sent its authorization request with code id_token or code id_token "
        "token in its response type by following Financial-grade API Security Profile : Read and Write API Security "
        "Profile.",
        [],
    ),
    "secure-session": (
        "To prevent CSRF, it refuses the client's authorization request which lacks 'nonce' parameter in OIDC flow "
        "or 'state' parameter in OAuth2 grant.",
        [],
    ),
    "secure-logout": (
        "Enforces certain constraints on how clients should support logout.",
        [
            _property(
                "allow-front-channel-logout",
                "Allow Front-Channel Logout",
                "If On, then front-channel logout should be allowed. Otherwise, clients should favor other logout "
                "mechanisms such as back-channel logout.",
            )
        ],
    ),
    "reject-request": ("It rejects all requests from clients.", []),
    "secure-client-uris-pattern": (
        "Enforces security policies on client URIs by validating them against regex patterns. If a URI does not "
        "match any configured pattern, the request is rejected.",
        [
            _property(
                "allowed-patterns",
                "Allowed URI Patterns",
                "A client URI is considered valid ONLY if it matches at least one of these regex patterns. If no valid "
                "patterns are configured, validation will fail for any URI.",
                MULTIVALUED_STRING,
            ),
            {
                **_property(
                    "client-uri-fields",
                    "Client URI Fields to validate",
                    "Select the specific client URI fields to validate. If no fields are selected, ALL known URI "
                    "fields listed above will be validated by default.",
                    MULTIVALUED_LIST,
                ),
                "options": list(URI_FIELDS),
            },
        ],
    ),
}


def executor_component_types() -> list[dict[str, Any]]:
    """ComponentTypeRepresentations of the executors listed, in id order."""
    return [
        {"id": pid, "helpText": text, "properties": [dict(p) for p in props], "metadata": {}}
        for pid, (text, props) in sorted(EXECUTOR_TYPES.items())
    ]

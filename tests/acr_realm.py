"""The realm of Keycloak's AcrAuthFlowTest (``AcrAuthFlowRealmConfig`` with its user and client configs), shared by
the wire tests of the ``acr`` claim: see tests/wire/test_keycloak_acr_auth_flow_test.py."""

from __future__ import annotations

from typing import Any

CLIENT = "acr-client"
SECRET = "password"
PASSWORD = "password"
TOTP_SECRET = "totpsecret"
ACR_LOA_MAP = '{"default":1,"acr-password":2,"acr-otp":3}'


def _user(username: str) -> dict[str, Any]:
    return {
        "username": username,
        "email": f"{username}@email.com",
        "firstName": username,
        "lastName": username,
        "enabled": True,
        "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
    }


def acr_realm() -> dict[str, Any]:
    """``AcrAuthFlowRealmConfig``, ``AcrUserConfig``, ``NoOtpUserConfig`` and ``AcrClientConfig``."""
    mapper = {
        "name": "acr-test-mapper",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-acr-mapper",
        "config": {"id.token.claim": "true", "access.token.claim": "true"},
    }
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "otpPolicyCodeReusable": True,
        "clientScopes": [
            {
                "name": "acr-test-scope",
                "protocol": "openid-connect",
                "attributes": {"include.in.token.scope": "false", "display.on.consent.screen": "false"},
                "protocolMappers": [mapper],
            }
        ],
        "defaultDefaultClientScopes": ["acr-test-scope"],
        "clients": [
            {
                "clientId": CLIENT,
                "secret": SECRET,
                "redirectUris": ["*"],
                "serviceAccountsEnabled": True,
                "directAccessGrantsEnabled": True,
                "attributes": {"acr.loa.map": ACR_LOA_MAP},
                "defaultClientScopes": ["acr-test-scope"],
            }
        ],
        "users": [_user("test-user"), _user("no-otp-user")],
    }

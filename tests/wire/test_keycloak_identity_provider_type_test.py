"""Keycloak's IdentityProviderTypeTest (tests/base/.../tests/admin/identityprovider/IdentityProviderTypeTest.java,
stored at 219684bd), ported over HTTP: ``GET identity-provider/instances`` with ``type`` (an IdentityProviderType)
or ``capability`` (an IdentityProviderCapability), which IdentityProvidersResource.getIdentityProviders turns into
an IdentityProviderQuery; the provider types each finds are IdentityProviderTypeUtil.listFactoriesByType's (the
interfaces of the provider's class; social providers are only looked for under USER_AUTHENTICATION and
JWT_AUTHORIZATION_GRANT).

The Java realm has ``myoidc``, ``myspiffe`` and ``mysaml``; Doorkeep refuses the ``spiffe`` and ``saml`` types (501),
so the port's realm has ``myoidc`` beside providers Doorkeep does store whose classes differ: ``mygithub`` (a
social AbstractOAuth2IdentityProvider: user authentication only), ``mygoogle`` (a social OIDCIdentityProvider: also
the JWT authorization grant) and ``myoauth2`` (the generic OAuth v2 provider: also external token exchange).
``testDefaultsToUserAuthenticationProviders`` reads the store's default query on the server
(``session.identityProviders().getAllStream()``), which no HTTP call makes: not ported.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from keycloak_port import ADMIN, admin_headers
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]
# One app for the module (group_port.shared_env), each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

URL = f"{ADMIN}/identity-provider/instances"
ALL = {"myoidc", "mygithub", "mygoogle", "myoauth2"}


def provider(alias: str, provider_id: str, **config: str) -> dict[str, Any]:
    """IdentityProviderBuilder.create().providerId(...).alias(...).build(): enabled, a client to log in as."""
    return {
        "alias": alias,
        "providerId": provider_id,
        "enabled": True,
        "config": {"clientId": alias, "clientSecret": "secret", **config},
    }


@pytest.fixture
async def realm(env: Env) -> AsyncIterator[None]:
    """MyRealm, with the providers the module docstring names."""
    oauth2 = {
        "authorizationUrl": "https://oauth2.example/authorize",
        "tokenUrl": "https://oauth2.example/token",
        "userInfoUrl": "https://oauth2.example/userinfo",
    }
    providers = [
        provider("myoidc", "oidc", **oauth2),
        provider("mygithub", "github"),
        provider("mygoogle", "google"),
        provider("myoauth2", "oauth2", **oauth2),
    ]
    await group_port.fresh_realm(env, {"realm": "test", "enabled": True, "identityProviders": providers})
    yield


async def get_idps(env: Env, kind: str | None = None, capability: str | None = None) -> Any:
    """``getIdps``: ``find(type, capability, null, null, 0, 100)`` (a null parameter is not sent)."""
    params: dict[str, str | int] = {"first": 0, "max": 100}
    params |= {"type": kind} if kind is not None else {}
    params |= {"capability": capability} if capability is not None else {}
    return await env.http.get(URL, params=params, headers=await admin_headers(env))


async def aliases(env: Env, kind: str | None = None, capability: str | None = None) -> set[str]:
    response = await get_idps(env, kind, capability)
    assert response.status_code == 200, response.text
    return {p["alias"] for p in response.json()}


async def test_filter_by_type(env: Env) -> None:
    """IdentityProviderTypeTest#testFilterByType: no type and ANY list every provider; USER_AUTHENTICATION the
    ones a user logs in with (all here, as SAML's in the Java realm, not SPIFFE's); CLIENT_ASSERTION the OIDC one
    (and SPIFFE's in the Java realm), no social provider. Also EXCHANGE_EXTERNAL_TOKEN and JWT_AUTHORIZATION_GRANT,
    which the Java method leaves out, for the classes that tell them apart."""
    assert await aliases(env) == ALL
    assert await aliases(env, "ANY") == ALL
    assert await aliases(env, "USER_AUTHENTICATION") == ALL
    assert await aliases(env, "CLIENT_ASSERTION") == {"myoidc"}
    assert await aliases(env, "EXCHANGE_EXTERNAL_TOKEN") == {"myoidc", "myoauth2"}
    assert await aliases(env, "JWT_AUTHORIZATION_GRANT") == {"myoidc", "mygoogle"}


async def test_filter_by_capability(env: Env) -> None:
    """IdentityProviderTypeTest#testFilterByCapability: USER_LINKING, the types that have it (user authentication,
    external token exchange, the JWT authorization grant): every provider here (SPIFFE's alone has none in the
    Java realm). A ``type`` given with it wins, as getIdentityProviders reads ``type`` first."""
    assert await aliases(env, capability="USER_LINKING") == ALL
    assert await aliases(env, "CLIENT_ASSERTION", "USER_LINKING") == {"myoidc"}


async def test_unknown_type_or_capability_is_refused(env: Env) -> None:
    """Not a Java method: a name that is no constant fails IdentityProviderType.valueOf (case matters) or
    IdentityProviderCapability.valueOf; Doorkeep answers the exception's message as a 400."""
    for kind, capability, message in (
        ("user_authentication", None, "No enum constant org.keycloak.models.IdentityProviderType.user_authentication"),
        ("", None, "No enum constant org.keycloak.models.IdentityProviderType."),
        (None, "LINKING", "No enum constant org.keycloak.models.IdentityProviderCapability.LINKING"),
    ):
        response = await get_idps(env, kind, capability)
        assert response.status_code == 400, response.text
        assert response.json()["errorMessage"] == message

"""Wire port of Keycloak's OIDCClientRegistrationDefaultSignatureTest (testsuite/.../client/): a client registered
without ``id_token_signed_response_alg`` is answered with the realm's ``defaultSignatureAlgorithm`` while its
``id.token.signed.response.alg`` attribute stays unset (it follows the realm); one it asks for is kept; asking
for none again follows the realm's new default; with the realm back on RS256 the metadata leaves it out.

Beyond the Java method: the ID token such a client gets is signed with the realm's default (ES512).
"""

from __future__ import annotations

import pytest

from oidc_registration_port import (
    created,
    initial_token,
    keycloak_client,
    registration_realm,
    set_default_signature_algorithm,
    update,
)
from support import header, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
ATTRIBUTE = "id.token.signed.response.alg"


def create_rep() -> dict[str, object]:
    return {
        "client_name": "RegistrationAccessTokenTest",
        "client_uri": "http://root",
        "redirect_uris": ["http://redirect"],
        "frontchannel_logout_uri": "http://frontchannel",
        "frontchannel_logout_session_required": True,
    }


async def test_id_token_signed_response(env: Env) -> None:
    """testIdTokenSignedResponse."""
    await registration_realm(env)
    token = await initial_token(env)
    await set_default_signature_algorithm(env, "ES512")

    response = await created(env, create_rep(), token)
    assert response["id_token_signed_response_alg"] == "ES512"
    assert ATTRIBUTE not in (await keycloak_client(env, response["client_id"]))["attributes"]

    response["id_token_signed_response_alg"] = "ES256"
    updated = await update(env, response)
    assert updated["id_token_signed_response_alg"] == "ES256"
    assert (await keycloak_client(env, updated["client_id"]))["attributes"][ATTRIBUTE] == "ES256"

    await set_default_signature_algorithm(env, "ES384")
    del updated["id_token_signed_response_alg"]
    response = await update(env, updated)
    assert response["id_token_signed_response_alg"] == "ES384"

    await set_default_signature_algorithm(env, "RS256")
    del response["id_token_signed_response_alg"]
    updated = await update(env, response)
    assert "id_token_signed_response_alg" not in updated
    assert ATTRIBUTE not in (await keycloak_client(env, updated["client_id"]))["attributes"]


async def test_a_registered_client_without_an_algorithm_gets_id_tokens_in_the_realm_default(env: Env) -> None:
    """Not a Java method: the answer's algorithm is the one the client's ID tokens are signed with."""
    await registration_realm(env)
    await set_default_signature_algorithm(env, "ES512")
    rep = {**create_rep(), "grant_types": ["password", "authorization_code"]}
    response = await created(env, rep, await initial_token(env))
    assert response["id_token_signed_response_alg"] == "ES512"
    tokens = await password_grant(
        env.http, "test", response["client_id"], "test-user", secret=response["client_secret"], scope="openid"
    )
    assert tokens.status_code == 200, tokens.text
    assert header(tokens.json()["id_token"])["alg"] == "ES512"

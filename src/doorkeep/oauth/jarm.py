"""JWT Secured Authorization Response Mode (JARM, OpenID FAPI JARM §2, §4) as Keycloak 26 builds it: the
authorization response (or error) sent as one signed ``response`` JWT in the query, the fragment or a form_post
page (``OIDCRedirectUriBuilder.JWTRedirectUriBuilder``, ``AuthorizationResponseToken``).

The JWT's claims are ``exp`` (now plus the realm's access code lifespan), ``iss`` (the realm's issuer) and ``aud``
(the client's id), then every parameter the plain mode would have sent (``code``, ``state``, ``session_state``,
``iss``, tokens, or ``error`` and ``error_description``), for errors as for answers. It is signed with the
client's ``authorization.signed.response.alg``, else the realm's default algorithm, else RS256
(``DefaultTokenManager.signatureAlgorithm(AUTHORIZATION_RESPONSE)``). An algorithm no realm key of Doorkeep's
signs with (HS*, a misspelling) falls back to the realm's default rather than failing the login.

With both ``authorization.encrypted.response.alg`` and ``.enc`` set, the signed JWT is then encrypted to the
client's key, a nested JWT (``encodeAndEncrypt`` of TokenCategory.AUTHORIZATION_RESPONSE, oauth/token_encryption.py);
the key is found when the signer is made, so that a client without one fails before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.keys import material
from doorkeep.keys.material import LoadedKey
from doorkeep.model import Client, Realm
from doorkeep.oauth import token_encryption
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.issue import signature_alg
from doorkeep.oauth.token_encryption import Encrypter
from doorkeep.tokens import encode

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

SIGNED_ALG = "authorization.signed.response.alg"  # OIDCConfigAttributes.AUTHORIZATION_SIGNED_RESPONSE_ALG
SIGNED_KID = "authorization.signed.response.kid"  # AUTHORIZATION_SIGNED_RESPONSE_KID (26.8) [UNVERIFIED string]
RESPONSE = "response"  # the one parameter a JARM mode sends


@dataclass(frozen=True)
class ResponseSigner:
    """What signs one client's authorization response, its key loaded in the transaction so that signing
    needs no database (the implicit flow's response is completed after the commit)."""

    key: LoadedKey
    alg: str
    issuer: str
    audience: str
    exp: int
    encrypter: Encrypter | None = None

    def sign(self, params: Mapping[str, str]) -> str:
        """The ``response`` JWT: Keycloak's ``exp``, ``iss``, ``aud``, then the parameters in their order; encrypted
        to the client's key when it asks for that."""
        claims: dict[str, Any] = {"exp": self.exp, "iss": self.issuer, "aud": self.audience}
        claims.update(params)  # a sent ``iss`` is the same issuer: one claim, not Keycloak's duplicate
        signed = encode(self.key, claims, self.alg)
        return signed if self.encrypter is None else self.encrypter.encrypt(signed)


async def signer(tx: Tx, services: Services, realm: Realm, client: Client, issuer: str) -> ResponseSigner:
    """The signer of ``client``'s JARM responses, with the key for its algorithm (created on first need) and the
    client's encryption key when it asks for encryption (EncryptionKeyMissing without one)."""
    encrypter = await response_encrypter(services, client)
    now = services.clock.now()
    alg = signature_alg(realm, client, SIGNED_ALG)
    if alg not in material.ASYMMETRIC:  # no realm key signs it (Keycloak fails on a null SignatureProvider)
        alg = realm.default_signature_algorithm or "RS256"
    kid = client.attributes.get(SIGNED_KID)  # OIDCSigningKeySelectionTest.testAuthorizationResponseSigningKey
    key = await services.keyring.signing_key(tx, realm.id, alg, now, kid if isinstance(kid, str) and kid else None)
    return ResponseSigner(key, alg, issuer, client.client_id, now + realm.access_code_lifespan, encrypter)


async def response_encrypter(services: Services, client: Client) -> Encrypter | None:
    """The encrypter of ``client``'s JARM responses, None when it asks for none."""
    keys = services.client_keys or ClientKeys(services.clock)
    return await token_encryption.encrypter(keys, client, token_encryption.AUTHORIZATION)

"""What every protocol function receives: injected services and the parsed request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from doorkeep.clock import Clock
from doorkeep.keys.ring import KeyRing
from doorkeep.model import Client, Realm
from doorkeep.oauth import provider_config
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.provider_config import ProviderConfig
from doorkeep.tokens import TokenCodec
from doorkeep.users import read_only
from doorkeep.users.read_only import ReadOnlyAttributes
from doorkeep.vault import NONE as NO_VAULT
from doorkeep.vault import Vault

if TYPE_CHECKING:
    from cryptography import x509

    from doorkeep.oauth.dpop import Proof
    from doorkeep.users.credentials import Verdict


@dataclass(frozen=True)
class Services:
    """Per-process dependencies, built once in the composition root."""

    clock: Clock
    keyring: KeyRing
    codec: TokenCodec
    client_keys: ClientKeys | None = None  # JWK sets of clients' jwks.url (oauth/client_keys.py)
    read_only: ReadOnlyAttributes = read_only.BUILT_IN  # the attributes users and admins may not change
    disabled_features: frozenset[str] = frozenset()  # --features-disabled (doorkeep.features)
    enabled_features: frozenset[str] = frozenset()  # --features: the features off unless named (doorkeep.features)
    oidc: ProviderConfig = provider_config.DEFAULT  # --spi-login-protocol--openid-connect--* (OIDCProviderConfig)
    vault: Vault = NO_VAULT  # --vault and its options (doorkeep.vault)


class Form:
    """Form parameters with repeated keys kept, so duplicates can be refused."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for key, value in pairs:
            self._values.setdefault(key, []).append(value)

    @classmethod
    def parse(cls, body: bytes) -> Form:
        """Parse ``application/x-www-form-urlencoded`` (invalid UTF-8 raises ValueError)."""
        text = body.decode("utf-8")
        return cls(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"))

    def get(self, key: str) -> str | None:
        values = self._values.get(key)
        return values[0] if values else None

    def all(self, key: str) -> list[str]:
        return list(self._values.get(key, ()))

    def non_empty(self, key: str) -> str | None:
        value = self.get(key)
        return value if value else None

    def has_duplicates(self, ignoring: frozenset[str] = frozenset()) -> bool:
        """Whether a parameter (other than those ``ignoring``) is given more than once."""
        return any(len(v) > 1 for k, v in self._values.items() if k not in ignoring)

    def keys(self) -> list[str]:
        return list(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values


@dataclass
class CorsReach:
    """Which browser origins may read the answer, narrowed as the endpoint's checks pass, as Keycloak's ``Cors``
    builder is: none at first (a request refused before the client is looked at gets no CORS headers), any
    origin once client authentication is under way (``allowAllOrigins``: its failures are readable everywhere),
    then the authenticated client's web origins (``checkAllowedOrigins(session, client)``, which since Keycloak 26.6.3
    also refuses another origin's request: oauth/origin_check.py)."""

    anyone: bool = False
    client: Client | None = None

    def allow_all(self) -> None:
        self.anyone, self.client = True, None

    def allow_client(self, client: Client) -> None:
        self.anyone, self.client = False, client


@dataclass(frozen=True)
class OAuthRequest:
    """A protocol request as the core sees it."""

    realm: Realm
    issuer: str
    form: Form
    authorization: str | None = None
    method: str = "POST"  # GET carries its parameters in the query string, POST in the form body
    ip_address: str = "127.0.0.1"
    user_agent: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    origin: str | None = None  # the ``Origin`` header: a CORS request's (oauth/origin_check.py)
    # (credential id, matches) from checking the password before the writing transaction began;
    # argon2 then runs outside SQLite's write lock. Re-checked against the credential id inside.
    password_verdict: Verdict | None = None
    # Clients' public keys and the clock for JWT client authentication (the process's, from Services).
    client_keys: ClientKeys | None = None
    cors: CorsReach = field(default_factory=CorsReach, compare=False)  # shared by the copies of this request
    # DPoP (oauth/dpop.py): the ``DPoP`` header, this request's URL without its query (what a proof's ``htu``
    # names), and the proof once the token endpoint verified it.
    dpop_header: str | None = None
    url: str = ""
    dpop: Proof | None = None
    dpop_refresh_only: bool = False  # dpop-bind-enforcer's allow-only-refresh-token-binding: the access token unbound
    # Mutual TLS behind a proxy (oauth/certificate_lookup.py): the client's certificate chain the configured lookup
    # provider read, first the client's own (empty: none), and the query's ``client_id`` (client-x509 reads it).
    client_certificates: tuple[x509.Certificate, ...] = ()
    query_client_id: str | None = None
    oidc: ProviderConfig = provider_config.DEFAULT  # the server's OIDCProviderConfig (Services.oidc)
    vault: Vault = NO_VAULT  # the server's vault (Services.vault): ${vault.<key>} client secrets
    rotated_secrets: bool = True  # the client-secret-rotation feature on: a rotated secret authenticates (features.py)

    def secret(self, value: str | None) -> str | None:
        """A secret of this realm as Keycloak's VaultTranscriber reads it: a ``${vault.<key>}`` from the vault."""
        return self.vault.secret(self.realm.name, value)

    @property
    def base_url(self) -> str:
        """The server's ``scheme://host[:port]`` this request came to: relative redirect URIs resolve against it."""
        return self.issuer.removesuffix(f"/realms/{self.realm.name}")

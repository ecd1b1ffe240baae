"""The realm-import plan: a validated realm file in model terms, and the typed JSON readers.

``parse`` reads Keycloak's realm JSON into a ``RealmPlan`` with these readers, failing with
an ``ImportError_`` that names the place in the file; ``write`` writes the plan.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, NoReturn

from doorkeep import numbers
from doorkeep.model import JSON, Client, ClientScope, Realm, Role, User
from doorkeep.realms import management, provisioning
from doorkeep.users import passwords, webauthn
from doorkeep.users.federated_links import Link

# (owning clientId or None for a realm role, role name, place in the file)
RoleRef = tuple[str | None, str, str]


@dataclass
class RolePlan:
    role: Role  # id is the file's id or ""; realm and client ids are filled in when written
    client: str | None  # the owning clientId, None for a realm role
    composites: list[RoleRef] = field(default_factory=list)


@dataclass
class ClientPlan:
    client: Client
    default_scopes: list[str] | None  # None (both): the realm's default scopes, as Keycloak links them
    optional_scopes: list[str] | None
    template_scope: str | None = None  # a Keycloak 2.x-3.x client's ``clientTemplate``, linked as a default scope


@dataclass
class PasswordPlan:
    """A password credential: Keycloak's stored form, or a plain value still to be hashed."""

    id: str | None
    created_date: int | None
    user_label: str | None
    secret_data: JSON | None = field(default=None, repr=False)
    credential_data: JSON | None = None
    plain: str | None = field(default=None, repr=False)


@dataclass
class OtpPlan:
    """An OTP device (Keycloak's ``otp`` credential: its secret and OTPCredentialData) or a security key (``kind``
    ``webauthn``: WebAuthnCredentialData), stored as they are."""

    id: str | None
    created_date: int | None
    user_label: str | None
    secret_data: JSON = field(repr=False)
    credential_data: JSON
    kind: str = "otp"


@dataclass
class UserPlan:
    user: User
    service_account_of: str | None  # clientId
    roles: list[RoleRef]
    password: PasswordPlan | None
    groups: list[str] = field(default_factory=list)  # group paths (``/a/b``)
    otps: list[OtpPlan] = field(default_factory=list)  # in the file's order, which is their priority
    # ``password-history`` credentials (secretData, credentialData, createdDate), in the file's order.
    history: list[tuple[JSON, JSON, int | None]] = field(default_factory=list, repr=False)
    links: list[Link] = field(default_factory=list)  # ``federatedIdentities``: links to identity providers
    # how many of ``otps`` come before the password in the file: the password takes its place in the priority
    password_place: int = 0


@dataclass
class GroupPlan:
    """A group of the file; parents come before their subgroups."""

    id: str
    name: str
    path: str
    parent_path: str | None
    description: str | None
    attributes: dict[str, list[str]]
    roles: list[RoleRef]


@dataclass
class ScopeMappingPlan:
    client: str | None  # the owner: a clientId ...
    scope: str | None  # ... or a client scope name
    roles: list[RoleRef]


@dataclass
class RealmPlan:
    realm: Realm
    default_role: str
    roles: list[RolePlan]
    scopes: list[ClientScope]
    default_scopes: list[str] | None  # defaultDefaultClientScopes; None: Keycloak's built-in choice
    optional_scopes: list[str] | None  # defaultOptionalClientScopes
    clients: list[ClientPlan]
    scope_mappings: list[ScopeMappingPlan]
    users: list[UserPlan]
    unknown: set[str]  # fields skipped, indices collapsed ("clients[].protocolMappers")
    groups: list[GroupPlan] = field(default_factory=list)
    default_groups: list[str] = field(default_factory=list)  # paths
    # components["org.keycloak.keys.KeyProvider"] as the file has them (ComponentExportRepresentation)
    key_components: list[dict[str, Any]] = field(default_factory=list)
    # components["...ClientRegistrationPolicy"]: None when the file lists none (the realm gets the defaults)
    policy_components: list[dict[str, Any]] | None = None
    before_25: bool = False  # written by Keycloak before 25 (or unversioned): MigrateTo25_0_0 applies
    organizations: list[dict[str, Any]] = field(default_factory=list)  # as the file has them (organizations.py)


def builtin_client_roles(realm_name: str) -> dict[str, set[str]]:
    """Roles of the built-in clients of ``realm_name``, for clients the file does not list (the realm's own
    management client is ``realm-management``, or ``master-realm`` in master)."""
    out: dict[str, set[str]] = {client_id: set() for client_id in provisioning.builtin_client_ids(realm_name)}
    out["account"] = set(provisioning.ACCOUNT_ROLES)
    out[management.client_id_for(realm_name)] = set(provisioning.management_role_names(realm_name))
    return out


class ImportError_(Exception):
    """A realm file that cannot be imported; the message names the place in the file."""


def fail(where: str, message: str) -> NoReturn:
    raise ImportError_(f"{where}: {message}")


def at(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


def is_empty(value: Any) -> bool:
    """An unknown field with this value carries nothing worth a warning."""
    return value is None or value is False or value == "" or value == [] or value == {}


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        fail(where, "expected an object")
    return value


def as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        fail(where, "expected a list")
    return value


def get_obj(rep: dict[str, Any], key: str, base: str) -> dict[str, Any]:
    return {} if rep.get(key) is None else obj(rep[key], at(base, key))


def get_list(rep: dict[str, Any], key: str, base: str) -> list[Any]:
    return [] if rep.get(key) is None else as_list(rep[key], at(base, key))


def opt_str(rep: dict[str, Any], key: str, base: str) -> str | None:
    value = rep.get(key)
    if value is not None and not isinstance(value, str):
        fail(at(base, key), "expected a string")
    return value


def req_str(rep: dict[str, Any], key: str, base: str) -> str:
    value = opt_str(rep, key, base)
    if not value:
        fail(at(base, key), "missing" if value is None else "expected a non-empty string")
    return value


def opt_int(
    rep: dict[str, Any], key: str, base: str, low: int = numbers.LONG_MIN, high: int = numbers.LONG_MAX
) -> int | None:
    value = rep.get(key)
    if value is not None and (not isinstance(value, int) or numbers.parse_int(value, low, high) is None):
        fail(
            at(base, key),
            "expected a number" if not isinstance(value, int) or isinstance(value, bool) else "number out of range",
        )
    return value


def str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(where, "expected a list of strings")
    return value


def string_map(value: Any, where: str) -> dict[str, str]:
    """Keycloak's Map<String, String> attributes (scalars are read as their string form)."""
    out: dict[str, str] = {}
    for key, item in obj(value or {}, where).items():
        if isinstance(item, dict | list):
            fail(at(where, key), "expected a string")
        if item is not None:
            out[key] = ("true" if item else "false") if isinstance(item, bool) else str(item)
    return out


def list_map(value: Any, where: str) -> dict[str, list[str]]:
    """Keycloak's Map<String, List<String>> attributes (a single string counts as a list of one)."""
    out: dict[str, list[str]] = {}
    for key, item in obj(value or {}, where).items():
        out[key] = [item] if isinstance(item, str) else str_list(item, at(where, key))
    return out


def _b64(value: Any, where: str) -> None:
    try:
        base64.b64decode(str(value) + "=" * (-len(str(value)) % 4), validate=True)
    except (binascii.Error, ValueError):
        fail(where, "expected base64")


def json_field(cred: dict[str, Any], key: str, cw: str) -> dict[str, Any]:
    """Keycloak writes secretData and credentialData as JSON text inside a JSON string."""
    raw = cred.get(key)
    if not isinstance(raw, str):
        fail(at(cw, key), "expected a string holding a JSON object")
    try:
        value = numbers.loads(raw)
    except json.JSONDecodeError as exc:
        fail(at(cw, key), f"invalid JSON at column {exc.colno}: {exc.msg}")
    except ValueError as exc:
        fail(at(cw, key), str(exc))
    return obj(value, at(cw, key))


OTP_ALGORITHMS = ("HmacSHA1", "HmacSHA256", "HmacSHA512")


def check_otp(secret: dict[str, Any], data: dict[str, Any], cw: str) -> None:
    """An OTP credential Doorkeep can verify: a secret, and OTPCredentialData of a TOTP or HOTP device. Keycloak's
    OTP policy offers the three algorithms and 6 or 8 digits; HmacOTP computes at most 8 digits. A HOTP device's
    ``period`` is not read (OTPCredentialModel.createHOTP stores 0); ``secretEncoding`` is absent or BASE32."""
    if not isinstance(secret.get("value"), str) or not secret["value"]:
        fail(at(cw, "secretData"), 'expected a non-empty "value"')
    if data.get("subType") not in ("totp", "hotp"):
        fail(at(cw, "credentialData"), '"subType" must be "totp" or "hotp"')
    if data.get("algorithm", "HmacSHA1") not in OTP_ALGORITHMS:
        fail(at(cw, "credentialData"), f'"algorithm" must be one of {", ".join(OTP_ALGORITHMS)}')
    encoding = data.get("secretEncoding")
    if encoding is not None and (not isinstance(encoding, str) or encoding.upper() != "BASE32"):
        fail(at(cw, "credentialData"), '"secretEncoding" must be BASE32 or absent')
    checked = [("digits", 1, 8), ("counter", 0, numbers.INT_MAX)]
    if data["subType"] == "totp":
        checked.append(("period", 1, numbers.INT_MAX))
    for key, low, high in checked:
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            fail(at(cw, "credentialData"), f'"{key}" must be a whole number from {low} to {high}')


def check_webauthn(data: dict[str, Any], cw: str) -> None:
    """A security key Doorkeep can verify: WebAuthnCredentialData's ``credentialId`` and ``credentialPublicKey``
    (standard Base64) and its ``counter``."""
    for key in ("credentialId", "credentialPublicKey"):
        if not isinstance(data.get(key), str) or not data[key]:
            fail(at(cw, "credentialData"), f'expected a non-empty "{key}"')
        _b64(data[key], at(cw, f"credentialData.{key}"))
    counter = data.get("counter", 0)
    if isinstance(counter, bool) or not isinstance(counter, int) or not 0 <= counter <= 2**32 - 1:
        fail(at(cw, "credentialData"), '"counter" must be a whole number from 0 to 4294967295')
    key = data["credentialPublicKey"]
    problem = webauthn.public_key_problem(base64.b64decode(key + "=" * (-len(key) % 4)))
    if problem is not None:
        fail(at(cw, "credentialData.credentialPublicKey"), problem)


def check_recovery_codes(secret: dict[str, Any], cw: str) -> None:
    """Recovery codes Doorkeep can check: RecoveryAuthnCodesSecretData's ``codes``, each a ``number`` and the
    Base64 of a SHA-512 digest (``encodedHashedValue``)."""
    codes = secret.get("codes")
    if not isinstance(codes, list) or not codes:
        fail(at(cw, "secretData"), 'expected a non-empty list of "codes"')
    for k, code in enumerate(codes):
        where = at(cw, f"secretData.codes[{k}]")
        number = code.get("number") if isinstance(code, dict) else None
        value = code.get("encodedHashedValue") if isinstance(code, dict) else None
        if isinstance(number, bool) or not isinstance(number, int) or not isinstance(value, str):
            fail(where, 'expected a whole "number" and an "encodedHashedValue"')
        try:
            digest = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            digest = b""
        if len(digest) != 64:
            fail(where, '"encodedHashedValue" must be the Base64 of a SHA-512 digest')


def check_hash(secret: dict[str, Any], data: dict[str, Any], cw: str) -> None:
    if not isinstance(secret.get("value"), str) or not secret["value"]:
        fail(at(cw, "secretData.value"), "expected a string")
    _b64(secret["value"], at(cw, "secretData.value"))
    if not isinstance(secret.get("salt", ""), str):
        fail(at(cw, "secretData.salt"), "expected a string")
    _b64(secret.get("salt", ""), at(cw, "secretData.salt"))
    algorithm = data.get("algorithm")
    if not isinstance(algorithm, str):
        fail(at(cw, "credentialData.algorithm"), "expected a string")
    if not passwords.supported(data):
        fail(
            at(cw, "credentialData.algorithm"),
            f"unsupported password hash '{algorithm}' (argon2, pbkdf2-sha256, pbkdf2-sha512 or pbkdf2)",
        )
    iterations = data.get("hashIterations")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        fail(at(cw, "credentialData.hashIterations"), "expected a positive number")

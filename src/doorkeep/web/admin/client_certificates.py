"""Admin REST: a client's key pair and certificate under an attribute prefix (Keycloak's
ClientAttributeCertificateResource, ``/admin/realms/{realm}/clients/{id}/certificates/{attr}``).

``GET`` shows the CertificateRepresentation (view-clients); ``POST …/generate`` makes a new RSA pair and keeps and
answers its certificate (manage-clients); ``POST …/download`` serves the kept certificate as a JKS or PKCS12 keystore
(view-clients), and ``POST …/generate-and-download`` makes a pair, serves it and keeps only the certificate
(manage-clients). Keycloak 26.8 keeps no client private key (keycloak#49239, PR 51612: not stored by ``generate`` nor
``upload``, stripped from ``GET``, the downloaded keystore holding only the certificate; the three generating or
downloading calls deprecated). ``generate`` answers what ``GET`` then shows, as Keycloak's own tests of it still
assert (the admin client's "generate key and updated info", CredentialsTest.testGetCertificateResource): no key,
so only ``generate-and-download`` ever hands one out. A KeyStoreConfig names the
format, the key alias (default: the clientId), the key and store passwords, and whether the realm's active RS256
certificate goes in too (``realmCertificate``, default true, under ``realmAlias``, default the realm's name). The
RSA key is made between two transactions (it takes a while): the first checks the caller,
the client and the config, the second keeps the result.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import certificate_upload, keystores
from doorkeep.admin import client_certificates as certs
from doorkeep.admin.keys_metadata import keys_metadata
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.errors import AdminError
from doorkeep.model import Client
from doorkeep.web import multipart
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import RealmCall, RestError, invalid_input, not_found, ok, read_object, run_realm
from doorkeep.web.http import BodyTooLarge

BASE = "/{realm}/clients/{id}/certificates/{attr}"
NO_PAIR = not_found("keypair not generated for client")
SUPPORTED = f"Not supported keystore format. Supported keystore formats: [{', '.join(keystores.FORMATS)}]"


def _missing(what: str, action: str) -> RestError:
    return RestError(400, "password-missing", f"Need to specify a {what} password for jks {action}")


def _config(rep: dict[str, Any]) -> dict[str, Any]:
    """The KeyStoreConfig: strings, a boolean and two positive integers; the format upper-cased (JKS unless given)."""
    out: dict[str, Any] = {}
    for name in ("format", "keyAlias", "keyPassword", "storePassword", "realmAlias"):
        value = rep.get(name)
        if value is not None and not isinstance(value, str):
            raise invalid_input(f"{name}: expected a string")
        out[name] = value
    if rep.get("realmCertificate") is not None and not isinstance(rep["realmCertificate"], bool):
        raise invalid_input("realmCertificate: expected a boolean")
    out["realmCertificate"] = rep.get("realmCertificate") is not False
    out["format"] = (out["format"] or "JKS").upper()
    if out["format"] not in keystores.FORMATS:
        raise AdminError(406, SUPPORTED, key="error")  # NotAcceptableException
    key_size, validity = rep.get("keySize"), rep.get("validity")
    if key_size not in (None, 0) and (not isinstance(key_size, int) or not 2048 <= key_size <= 8192):
        raise invalid_input("keySize: expected a key size from 2048 to 8192 bits")
    if validity not in (None, 0) and (not isinstance(validity, int) or not 0 < validity <= 100):
        raise invalid_input("validity: expected a number of years from 1 to 100")
    out["keySize"] = key_size or certs.DEFAULT_KEY_SIZE
    out["validity"] = validity or certs.DEFAULT_YEARS
    return out


async def _store(call: RealmCall, client: Client, config: dict[str, Any], pair: certs.KeyPair) -> bytes:
    """The keystore of ``pair`` (its private key when it has one) and, if asked, the realm's RS256 certificate."""
    entries: list[keystores.KeyEntry | keystores.CertificateEntry] = []
    alias = config["keyAlias"] or client.client_id
    cert = base64.b64decode(pair.certificate)
    if pair.private_key:
        private = base64.b64decode(pair.private_key)
        entries.append(keystores.KeyEntry(alias, private, cert, config["keyPassword"].strip()))
    else:
        entries.append(keystores.CertificateEntry(alias, cert))
    if config["realmCertificate"]:
        meta = keys_metadata(await call.tx.keys.list(call.realm.id), call.realm.name, call.now)
        kid = meta["active"].get("RS256")
        realm_cert = next((k.get("certificate") for k in meta["keys"] if k["kid"] == kid), None)
        if realm_cert:
            realm_alias = config["realmAlias"] or call.realm.name
            entries.append(keystores.CertificateEntry(realm_alias, base64.b64decode(realm_cert)))
    return keystores.keystore(config["format"], config["storePassword"].strip(), entries, call.now * 1000)


def _keystore_response(data: bytes) -> Response:
    return Response(data, media_type="application/octet-stream")


async def key_info(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("view-clients")
        return ok(certs.info(client, request.path_params["attr"]))

    return await run_realm(request, work, write=False)


async def download(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("view-clients")
        audit.unchanged(request)  # a download changes nothing: no admin event, as getKeystore records none
        config = _config(await read_object(request))
        kept = certs.info(client, request.path_params["attr"])  # never a private key (Keycloak 26.8)
        if "certificate" not in kept:
            raise NO_PAIR
        if config["storePassword"] is None:
            raise _missing("store", "download")
        pair = certs.KeyPair("", kept["certificate"])
        return _keystore_response(await _store(call, client, config, pair))

    return await run_realm(request, work, write=False)


async def _policies(call: RealmCall, client: Client) -> None:
    """Keycloak 26.8's UPDATE_CLIENT_CERTIFICATE (ClientCertificateContext): the realm's client policies judge the
    client whose key pair or certificate is generated or uploaded; 400 when an executor refuses, nothing kept."""
    event = Event.UPDATE_CLIENT_CERTIFICATE
    await client_policies.on_admin_change(call.tx, call.realm, event, client, user=call.identity.user)


def generate(with_download: bool) -> Callable[[Request], Awaitable[Response]]:
    """``generate`` (the certificate kept and answered as a CertificateRepresentation) or ``generate-and-download``
    (the pair answered as a keystore, the certificate kept); the private key is never kept."""

    async def endpoint(request: Request) -> Response:
        checked: dict[str, Any] = {}

        async def check(call: RealmCall) -> Response:
            client = await call.client(request.path_params["id"])
            call.require("manage-clients")
            config = _config(await read_object(request)) if with_download else {}
            if with_download and config["keyPassword"] is None:
                raise RestError(
                    400, "password-missing", "Need to specify a key password for jks generation and download"
                )
            if with_download and config["storePassword"] is None:
                raise RestError(
                    400, "password-missing", "Need to specify a store password for jks generation and download"
                )
            await _policies(call, client)  # before a key is made
            checked.update(client_id=client.client_id, config=config, now=call.now)
            audit.unchanged(request)  # this transaction only checks; ``keep`` records the event
            return ok({})

        answer = await run_realm(request, check, write=False)
        if not checked:
            return answer
        audit.counted_again(request)
        config = checked["config"]
        size, years = config.get("keySize", certs.DEFAULT_KEY_SIZE), config.get("validity", certs.DEFAULT_YEARS)
        pair = await anyio.to_thread.run_sync(lambda: certs.generate(checked["client_id"], checked["now"], size, years))

        async def keep(call: RealmCall) -> Response:
            client = await call.client(request.path_params["id"])
            call.require("manage-clients")
            prefix = request.path_params["attr"]
            # Keycloak's event carries the CertificateRepresentation; Doorkeep's never the private key.
            audit.represent(request, {"certificate": pair.certificate})
            updated = certs.with_certificate(client, prefix, pair.certificate)
            await call.tx.clients.update(updated)
            if not with_download:  # what GET shows now: the key is not kept, nor answered
                return ok(certs.info(updated, prefix))
            return _keystore_response(await _store(call, client, config, pair))

        return await run_realm(request, keep)

    return endpoint


NOT_IN_KEYSTORE = RestError(
    400, "certificate-not-found", "Certificate or key with given alias not found in the keystore"
)


def _bad_request(message: str) -> AdminError:
    """A JAX-RS BadRequestException(message): ``{"error": message}``."""
    return AdminError(400, message, key="error")


async def _parts(request: Request) -> dict[str, bytes]:
    try:
        return await multipart.read_parts(request)
    except BodyTooLarge:
        raise AdminError(413, "Request entity too large", key="error") from None
    except multipart.NotMultipart:  # RESTEasy's @Consumes(MULTIPART_FORM_DATA)
        raise AdminError(415, "HTTP 415 Unsupported Media Type", key="error") from None
    except multipart.Malformed:
        raise _bad_request("HTTP 400 Bad Request") from None


def upload(certificate_only: bool) -> Callable[[Request], Awaitable[Response]]:
    """``upload`` (a certificate or public key, with the private key a keystore holds) or ``upload-certificate``
    (the same without the private key); answers the CertificateRepresentation read, not the stored state."""

    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            client = await call.client(request.path_params["id"])
            call.require("manage-clients")
            parts = await _parts(request)
            prefix = request.path_params["attr"]
            try:
                updated, rep = certificate_upload.read(parts, client, prefix, keep_private=not certificate_only)
            except certificate_upload.UploadRefused as exc:
                raise _bad_request(str(exc)) from None
            except certs.CertificateNotFound:
                raise NOT_IN_KEYSTORE from None
            except keystores.KeystoreError as exc:
                raise _bad_request(str(exc)) from None
            await _policies(call, client)
            await call.tx.clients.update(updated)
            audit.represent(request, {k: v for k, v in rep.items() if k != "privateKey"})  # never the private key
            return ok(rep)

        return await run_realm(request, work)

    return endpoint


ROUTES = [
    Route(BASE, key_info, methods=["GET"]),
    Route(BASE + "/upload", upload(False), methods=["POST"]),
    Route(BASE + "/upload-certificate", upload(True), methods=["POST"]),
    Route(BASE + "/generate", generate(False), methods=["POST"]),
    Route(BASE + "/download", download, methods=["POST"]),
    Route(BASE + "/generate-and-download", generate(True), methods=["POST"]),
]

"""Admin REST: a client's installation files and its rotated secret (Keycloak's ClientResource).

``GET …/clients/{id}/installation/providers/{providerId}`` (view-clients) renders an installation file as
text/plain (admin/installation.py: keycloak.json, the JBoss subsystem XML or its CLI script); an unknown provider is 404
"Unknown Provider". A caller without manage-clients reads the client's secret in it masked (``**********``), as the
client's representation shows it to such a caller ("Viewing the client secret through the Admin REST API requires
manage-clients", keycloak#51733); Keycloak's ClientResource.getInstallationProvider still renders it whole.
``DELETE …/clients/{id}/client-secret/rotated`` (invalidateRotatedSecret, manage-clients)
forgets the rotated secret (the ``client.secret.rotated*`` attributes), 204 whether there was one or not;
``GET`` of it (getClientRotatedSecret, manage-clients: 403 before the not-found check) answers it as a
``secret`` credential when the client has one (OIDCClientSecretConfigWrapper.hasRotatedSecret: the secret and its
creation time both set, as the secret-rotation client-policy executor leaves them,
clientpolicies/secret_rotation.py, and the client-secret-rotation feature on: keycloak#50855), else 404 "Client does
not have a rotated secret".
"""

from __future__ import annotations

import dataclasses

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from doorkeep import features
from doorkeep.admin import installation
from doorkeep.admin.admin_event_rules import SECRET_VALUE
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import RealmCall, RestError, no_content, not_found, run_realm
from doorkeep.web.http import base_url, json_response, state

ONE = "/{realm}/clients/{id}"
UNKNOWN_PROVIDER = not_found("Unknown Provider")
NO_ROTATED_SECRET = not_found("Client does not have a rotated secret")
AUDIENCE_MAPPER = "oidc-audience-mapper"
ROTATED = ("client.secret.rotated", "client.secret.rotated.creation.time", "client.secret.rotated.expiration.time")


async def installation_provider(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("view-clients")
        if client.secret and not call.can("manage-clients"):  # the secret masked, as GET clients/{id} shows it
            client = dataclasses.replace(client, secret=SECRET_VALUE)
        elif client.secret:  # getAdapterConfiguration: a ${vault.<key>} secret as the vault has it, else as stored
            vault = state(request).services.vault
            client = dataclasses.replace(client, secret=vault.secret_or_stored(call.realm.name, client.secret))
        provider = request.path_params["provider"]
        if provider in installation.NOT_RENDERED:
            raise RestError(501, "HTTP 501 Not Implemented", f"Doorkeep does not implement GET {request.url.path}")
        render = installation.RENDERERS.get(provider)
        if render is None:
            raise UNKNOWN_PROVIDER
        has_roles = bool(await call.tx.roles.list_client_roles(client.id))
        audience = has_roles or any(
            m.mapper == AUDIENCE_MAPPER and m.config.get("included.client.audience") == client.client_id
            for scope in await call.tx.scopes.list(call.realm.id)
            for m in scope.protocol_mappers
        )
        text = render(call.realm, client, base_url(request) + "/", has_roles=has_roles, audience=audience)
        return PlainTextResponse(text)

    return await run_realm(request, work, write=False)


async def rotated_secret(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")
        secret, created = (str(client.attributes.get(key) or "").strip() for key in ROTATED[:2])
        if not (secret and created) or features.CLIENT_SECRET_ROTATION in state(request).services.disabled_features:
            raise NO_ROTATED_SECRET
        return json_response({"type": "secret", "value": str(client.attributes[ROTATED[0]])})

    return await run_realm(request, work, write=False)


async def invalidate_rotated_secret(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")
        rotated = client.attributes.get(ROTATED[0])
        # Keycloak's DELETE event carries the rotated secret as a CredentialRepresentation, its value masked
        audit.represent(request, {"type": "secret", **({"value": SECRET_VALUE} if rotated else {})})
        if any(key in client.attributes for key in ROTATED):
            kept = {k: v for k, v in client.attributes.items() if k not in ROTATED}
            await call.tx.clients.update(dataclasses.replace(client, attributes=kept))
        return no_content()

    return await run_realm(request, work)


ROUTES = [
    Route(ONE + "/installation/providers/{provider}", installation_provider, methods=["GET"]),
    Route(ONE + "/client-secret/rotated", rotated_secret, methods=["GET"]),
    Route(ONE + "/client-secret/rotated", invalidate_rotated_secret, methods=["DELETE"]),
]

"""``doorkeep reg``: kcreg's ``create``, ``get``, ``update``, ``delete``, ``update-token``, ``attrs`` and ``help``.

Each command that the server answers with a client stores the registration access token it carries under the
clientId, replacing the one just used (Keycloak rotates it on every registration call), so the next ``get``,
``update`` or ``delete`` of that client works without a login. ``create`` prints kcreg's "Registered new client
with client_id '…'" on stderr, or the clientId (``-i``), or the client (``-o``, ``-c`` compact).
"""

from __future__ import annotations

from typing import Any

import click

from doorkeep.admincli import attributes, http, jackson
from doorkeep.admincli.errors import AdminCliError, AdminUsageError
from doorkeep.admincli.options import exclusive
from doorkeep.admincli.responses import write_out
from doorkeep.admincli.usage import help_command
from doorkeep.regcli import access, documents, endpoints
from doorkeep.regcli.config_commands import config_group
from doorkeep.regcli.documents import Document
from doorkeep.regcli.endpoints import Endpoint
from doorkeep.regcli.framing import RegGroup
from doorkeep.regcli.representations import PROPERTIES

CLIENT_OPTION_WARN = "You're using what looks like an OPTION as CLIENT: {}"


@click.group("reg", cls=RegGroup, short_help="kcreg-style client registration client of a running server")
def reg() -> None:
    """Register clients with a running Doorkeep or Keycloak server's client registration service, as kcreg.sh does."""


def _endpoint(ctx: click.Context, name: str | None) -> Endpoint | None:
    try:
        return endpoints.of(name) if name is not None else None
    except endpoints.UnknownEndpoint as exc:
        raise AdminUsageError(str(exc), ctx) from None


def _client_id(ctx: click.Context, client_id: str | None, what: str = "CLIENT") -> str:
    if client_id is None:
        raise AdminUsageError(f"{what} not specified", ctx)
    if client_id.startswith("-"):
        click.echo(CLIENT_OPTION_WARN.format(client_id), err=True)
    return client_id


def _operations(ctx: click.Context, sets: tuple[str, ...], deletes: tuple[str, ...] = ()) -> list[attributes.Operation]:
    try:
        return [attributes.parse_set(s) for s in sets] + [attributes.parse_delete(d) for d in deletes]
    except AdminCliError as exc:
        raise AdminUsageError(exc.message, ctx) from None


def _print(value: Any, compressed: bool) -> None:
    write_out(jackson.dumps(value, pretty=not compressed) + "\n")


def _json(response: Any) -> dict[str, Any]:
    try:
        body = http.parse(response)
    except ValueError:
        raise AdminCliError("Failed to process HTTP response") from None
    if not isinstance(body, dict):
        raise AdminCliError("Failed to process HTTP response")
    return body


def _token_of(body: dict[str, Any], endpoint: Endpoint) -> tuple[str | None, str | None]:
    """(clientId, registration access token) of a client as the endpoint's format names them."""
    if endpoint is endpoints.OIDC:
        return body.get("client_id"), body.get("registration_access_token")
    return body.get("clientId"), body.get("registrationAccessToken")


@reg.command("create")
@access.options
@click.option("-e", "--endpoint", "endpoint_name", default=None, metavar="TYPE", help="default, oidc or saml2.")
@click.option("-f", "--file", "file", default=None, metavar="FILENAME", help="Client document; - reads stdin.")
@click.option("-s", "--set", "sets", multiple=True, metavar="NAME=VALUE", help="Set an attribute.")
@click.option("-o", "--output", "output", is_flag=True, help="Print the new client's configuration.")
@click.option("-c", "--compressed", is_flag=True, help="Don't pretty print the output.")
@click.option("-i", "--clientId", "return_client_id", is_flag=True, help="Print only the new clientId.")
@click.pass_context
def create(
    ctx: click.Context,
    /,
    endpoint_name: str | None,
    file: str | None,
    sets: tuple[str, ...],
    output: bool,
    compressed: bool,
    return_client_id: bool,
    **kwargs: Any,
) -> None:
    """Register a new client (with an Initial Access Token if one is given or configured)."""
    opts = access.gather(kwargs)
    operations = _operations(ctx, sets)
    if file is None and not operations:
        raise AdminUsageError("No file nor attribute values specified", ctx)
    exclusive(ctx, "Options -o and -i are mutually exclusive", output, return_client_id)
    if opts.token == "-":
        opts = access.RegOptions(**{**opts.__dict__, "token": _read_token("Initial Access Token")})
    requested = _endpoint(ctx, endpoint_name)
    document = documents.read(file, requested) if file is not None else Document(None)
    if requested is not None and document.endpoint not in (None, requested):
        raise AdminCliError(
            f"Requested endpoint type not compatible with detected configuration format: {document.endpoint.name}"
        )
    document.endpoint = document.endpoint or requested or endpoints.DEFAULT
    if operations:
        document = documents.with_attributes(document, operations)
    assert document.endpoint is not None
    endpoint = document.endpoint
    with access.session(opts, lambda store, server, realm: store.initial_token(server, realm)) as reg_session:
        url = reg_session.url(endpoint.provider)
        if document.text is not None:
            response = reg_session.send("POST", url, content=document.text, headers={"Content-Type": "application/xml"})
            click.echo(f"Response from server: {response.text}")
            return
        response = reg_session.send("POST", url, json=document.body or {})
        body = _json(response)
        client_id, token = _token_of(body, endpoint)
        if return_client_id:
            click.echo(client_id)
        elif output:
            _print(body, compressed)
        else:
            click.echo(f"Registered new client with client_id '{client_id}'", err=True)
        reg_session.save_token(client_id, token)


def _read_token(kind: str) -> str:
    from doorkeep.admincli.auth import prompt

    return prompt(kind)


@reg.command("get")
@click.argument("client_arg", required=False, metavar="CLIENT")
@access.options
@click.option("-c", "--compressed", is_flag=True, help="Don't pretty print the output.")
@click.option("-e", "--endpoint", "endpoint_name", default=None, metavar="TYPE", help="default, oidc or install.")
@click.pass_context
def get(
    ctx: click.Context, /, client_arg: str | None, compressed: bool, endpoint_name: str | None, **kwargs: Any
) -> None:
    """Print a client's configuration: Keycloak's format, OIDC's, or the adapter configuration."""
    opts = access.gather(kwargs)
    client = _client_id(ctx, client_arg)
    endpoint = _endpoint(ctx, endpoint_name) or endpoints.DEFAULT
    with access.session(opts, lambda store, server, realm: store.registration_token(server, realm, client)) as s:
        response = s.send("GET", s.url(endpoint.provider, client))
        if endpoint is endpoints.SAML2:
            write_out(response.text + "\n")
            return
        body = _json(response)
        _print({k: v for k, v in body.items() if v is not None}, compressed)
        if endpoint in (endpoints.DEFAULT, endpoints.OIDC):
            s.save_token(*_token_of(body, endpoint))


@reg.command("update")
@click.argument("client_arg", required=False, metavar="CLIENT")
@access.options
@click.option("-e", "--endpoint", "endpoint_name", default=None, metavar="TYPE", help="default or oidc.")
@click.option("-f", "--file", "file", default=None, metavar="FILENAME", help="Client document; - reads stdin.")
@click.option("-s", "--set", "sets", multiple=True, metavar="KEY=VALUE", help="Set an attribute (KEY+=VALUE appends).")
@click.option("-d", "--delete", "deletes", multiple=True, metavar="NAME", help="Delete an attribute or array item.")
@click.option("-m", "--merge", "merge_mode", is_flag=True, help="Merge the new values over the server's copy.")
@click.option("-o", "--output", "output", is_flag=True, help="Print the updated client's configuration.")
@click.option("-c", "--compressed", is_flag=True, help="Don't pretty print the output.")
@click.pass_context
def update(
    ctx: click.Context,
    /,
    client_arg: str | None,
    endpoint_name: str | None,
    file: str | None,
    sets: tuple[str, ...],
    deletes: tuple[str, ...],
    merge_mode: bool,
    output: bool,
    compressed: bool,
    **kwargs: Any,
) -> None:
    """Update a client: from -f, or the server's copy with -s/-d applied (kcreg's merge)."""
    opts = access.gather(kwargs)
    client = _client_id(ctx, client_arg, "CLIENT_ID")
    operations = _operations(ctx, sets, deletes)
    if file is None and not operations:
        raise AdminUsageError("No file nor attribute values specified", ctx)
    merge_mode = merge_mode or file is None
    document = documents.read(file, _endpoint(ctx, endpoint_name)) if file is not None else Document(None)
    endpoint = document.endpoint or _endpoint(ctx, endpoint_name) or endpoints.DEFAULT
    if endpoint not in (endpoints.DEFAULT, endpoints.OIDC):
        raise AdminCliError(f"Update not supported for endpoint type: {endpoint.provider}")
    document.endpoint = endpoint
    token = opts.token or _token_from(operations, endpoint) or document.registration_access_token
    if opts.token is None and _token_from(operations, endpoint) is None and _deletes_token(operations, endpoint):
        token = None
    opts = access.RegOptions(**{**opts.__dict__, "token": token})
    with access.session(opts, lambda store, server, realm: store.registration_token(server, realm, client)) as s:
        url = s.url(endpoint.provider, client)
        body = document.body or {}
        if merge_mode:
            remote = _json(s.send("GET", url))
            fresh = _token_of(remote, endpoint)[1]
            if fresh is not None:  # the token the GET returned: the one the PUT must carry (optimistic locking)
                s.token = fresh
                s.save_token(client, fresh)
            body = documents.merged_over(document, remote)
        if operations:
            body = documents.with_attributes(Document(endpoint, body), operations).body or {}
        updated = _json(s.send("PUT", url, json=body))
        if output:
            _print({k: v for k, v in updated.items() if v is not None}, compressed)
        s.save_token(client, _token_of(updated, endpoint)[1])


def _token_key(endpoint: Endpoint) -> str:
    return "registration_access_token" if endpoint is endpoints.OIDC else "registrationAccessToken"


def _token_from(operations: list[attributes.Operation], endpoint: Endpoint) -> str | None:
    """kcreg reads ``-s registrationAccessToken=…`` as the token to use."""
    for op in operations:
        if len(op.components) == 1 and op.components[0].name == _token_key(endpoint):
            return op.value
    return None


def _deletes_token(operations: list[attributes.Operation], endpoint: Endpoint) -> bool:
    """``-d registrationAccessToken`` mutes the document's token (kcreg then uses the stored one or the session)."""
    return any(
        op.value is None and len(op.components) == 1 and op.components[0].name == _token_key(endpoint)
        for op in operations
    )


@reg.command("delete")
@click.argument("client_arg", required=False, metavar="CLIENT")
@access.options
@click.pass_context
def delete(ctx: click.Context, /, client_arg: str | None, **kwargs: Any) -> None:
    """Delete a client; its stored registration access token goes with it."""
    opts = access.gather(kwargs)
    client = _client_id(ctx, client_arg)
    with access.session(opts, lambda store, server, realm: store.registration_token(server, realm, client)) as s:
        s.send("DELETE", s.url(endpoints.DEFAULT.provider, client))
        s.store.forget_registration_token(s.server, s.realm, client)


@reg.command("update-token")
@click.argument("client_arg", required=False, metavar="CLIENT")
@access.options
@click.pass_context
def update_token(ctx: click.Context, /, client_arg: str | None, **kwargs: Any) -> None:
    """Have the server issue a new registration access token (needs an admin's session); store it, or print it
    with --no-config."""
    opts = access.gather(kwargs)
    client = _client_id(ctx, client_arg)
    with access.session(opts, None, session_only=True) as s:
        url = f"{s.server}/admin/realms/{s.realm}/clients"
        listed = http.json_body(url, s.send("GET", url, params={"clientId": client}))
        found = (
            [c for c in listed if isinstance(c, dict) and c.get("clientId") == client]
            if isinstance(listed, list)
            else []
        )
        if not found:
            raise AdminCliError(f"No client found for: {client}")
        rep = _json(
            s.send("POST", f"{s.server}/admin/realms/{s.realm}/clients/{found[0]['id']}/registration-access-token")
        )
        if s.store.file is None:
            click.echo(rep.get("registrationAccessToken"))
        else:
            s.save_token(rep.get("clientId"), rep.get("registrationAccessToken"))


@reg.command("attrs")
@click.argument("attr", required=False, metavar="ATTRIBUTE")
@click.option("-e", "--endpoint", "endpoint_name", default=None, metavar="TYPE", help="default or oidc.")
@click.pass_context
def attrs(ctx: click.Context, /, attr: str | None, endpoint_name: str | None) -> None:
    """List the attributes of a client document (default format unless -e oidc)."""
    endpoint = _endpoint(ctx, endpoint_name) or endpoints.DEFAULT
    if endpoint not in (endpoints.DEFAULT, endpoints.OIDC):
        raise AdminUsageError(f"Endpoint not supported: {endpoint.name.upper()}", ctx)
    properties = PROPERTIES[endpoint.provider]
    if attr is None:
        click.echo(f"Attributes for {endpoint.provider} format:")
        for name, kind in properties.items():
            click.echo(f"  {name:<40} {kind}")
        return
    if attr not in properties:
        raise AdminCliError(f"No such attribute: {attr}")
    click.echo(f"{attr:<40} {properties[attr]}")


reg.add_command(config_group)
reg.add_command(help_command)

"""``doorkeep admin``: kcadm's ``config credentials``, ``get``, ``create``, ``update`` and ``delete``.

Paths follow kcadm: ``realms/demo/clients`` from the admin root, ``clients`` under ``-r`` (default: the
realm logged into). JSON is printed by default; ``create`` prints kcadm's "Created new client with id
'…'" on stderr, or only the id with ``-i``. ``update`` sends GET, merge, PUT when only ``-s``/``-d`` are
given (kcadm's rule; ``--merge`` forces it with ``-f``, ``--no-merge`` turns it off).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import httpx

from doorkeep.admincli import (
    attributes,
    auth,
    bulk,
    config,
    http,
    passwords,
    paths,
    responses,
    roles,
    session,
    shortcuts,
    usage,
)
from doorkeep.admincli.api import Api, connect
from doorkeep.admincli.errors import AdminCliError, AdminUsageError
from doorkeep.admincli.options import AdminGroup, F, config_path, exclusive


@click.group("admin", cls=AdminGroup, short_help="kcadm-style client of a running server")
def admin() -> None:
    """Administer a running Doorkeep or Keycloak server over its Admin REST API, as kcadm.sh does."""


@admin.group("config")
def config_group() -> None:
    """Set up the CLI: log in with 'config credentials'."""


@config_group.command("credentials")
@click.option("--server", default=None, help="Server URL, e.g. http://localhost:8080.")
@click.option("--realm", default=None, help="Realm to log into (master for the server's admin).")
@click.option("--user", default=None, help="Username (password grant); omit for a service account.")
@click.option("--password", default=None, help="The user's password; else $KC_CLI_PASSWORD, else prompted for.")
@click.option("--client", "client_id", default=None, help="Client to log in with (default: admin-cli).")
@click.option("--secret", default=None, help="The client's secret; else $KC_CLI_CLIENT_SECRET, else prompted for.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Credentials file (default: ~/.doorkeep/admin.config).",
)
@click.option("--status", is_flag=True, help="Say whether the stored login is still valid; changes nothing.")
@click.option("--no-config", is_flag=True, hidden=True)  # kcadm refuses it here: "Unsupported option"
@click.pass_context
def credentials(
    ctx: click.Context,
    server: str | None,
    realm: str | None,
    user: str | None,
    password: str | None,
    client_id: str | None,
    secret: str | None,
    config_file: Path | None,
    status: bool,
    no_config: bool,
) -> None:
    """Log in and keep the tokens (file mode 0600); with only --server and --realm, just remember those."""
    if no_config:
        raise AdminUsageError("Unsupported option: --no-config", ctx)
    if status:  # kcadm: the other options are ignored
        click.echo(session.status(config.load(config_path(config_file)), session.now_ms()))
        return
    if server is None:
        raise AdminUsageError("Required option not specified: --server", ctx)
    server = server.rstrip("/")
    if not server.startswith(("http://", "https://")) or len(server.split("://", 1)[1]) == 0:
        raise AdminCliError(f"Invalid server endpoint url: {server}")
    if realm is None:
        raise AdminUsageError("Required option not specified: --realm", ctx)
    with http.client() as client:
        login = auth.log_in(client, server, realm, client_id, user=user, password=password, secret=secret)
    path = config_path(config_file)
    stored = config.load(path)
    if login is None:  # kcadm: "if only server and realm are set, just save config and be done"
        stored.server_url, stored.realm = server, realm
    else:
        stored.set_login(server, realm, login)
    config.save(path, stored)


def _queries(ctx: click.Context, values: tuple[str, ...]) -> list[tuple[str, str]]:
    """kcadm's ``-q NAME=VALUE`` (``parseKeyVal``: bad input without ``=``)."""
    return [_key_value(ctx, v) for v in values]


def _key_value(ctx: click.Context, text: str) -> tuple[str, str]:
    try:
        return attributes.split_key_value(text)
    except AdminCliError as exc:
        raise AdminUsageError(exc.message, ctx) from None


def request_options(func: F) -> F:
    """What every kcadm request command takes: auth, ``-r``, ``-q``, ``-h NAME=VALUE`` headers."""
    for decorator in reversed(
        [
            auth.auth_options,
            click.option("-r", "--target-realm", "realm", default=None, help="Realm a relative path refers to."),
            click.option("-q", "--query", "queries", multiple=True, metavar="NAME=VALUE", help="Query parameter."),
            click.option("-h", "--header", "headers", multiple=True, metavar="NAME=VALUE", help="Request header."),
        ]
    ):
        func = decorator(func)
    return func


def output_options(func: F) -> F:
    """kcadm's ``-F/--fields``, ``-H/--print-headers`` and ``-c/--compressed``."""
    for decorator in reversed(
        [
            click.option("-F", "--fields", default=None, help="Fields to print, e.g. id,clientId,attributes(a,b)."),
            click.option("-H", "--print-headers", is_flag=True, help="Print the response status and headers."),
            click.option("-c", "--compressed", is_flag=True, help="Print the JSON as the server sent it."),
        ]
    ):
        func = decorator(func)
    return func


def _headers(ctx: click.Context, values: tuple[str, ...]) -> dict[str, str]:
    return dict(_key_value(ctx, v) for v in values)


@admin.command("get")
@click.argument("path", required=False, metavar="ENDPOINT_URI")
@request_options
@output_options
@click.option("--format", "fmt", default="json", show_default=True, help="Output format: json, csv (or table).")
@click.option("--noquotes", is_flag=True, help="CSV without quotes around strings.")
@click.option("-o", "--offset", type=int, default=None, help="Index of the first result (adds first=).")
@click.option("-l", "--limit", type=int, default=None, help="Most results to return (adds max=).")
@click.pass_context
def get(
    ctx: click.Context,
    /,
    path: str | None,
    realm: str | None,
    queries: tuple[str, ...],
    headers: tuple[str, ...],
    fields: str | None,
    print_headers: bool,
    compressed: bool,
    fmt: str,
    noquotes: bool,
    offset: int | None,
    limit: int | None,
    **auth_kwargs: Any,
) -> None:
    """GET a resource and print it."""
    opts = auth.gather(auth_kwargs)
    target = _resource(ctx, path, fmt)
    query = _queries(ctx, queries) + [(k, str(v)) for k, v in (("first", offset), ("max", limit)) if v is not None]
    with connect(opts, realm, _headers(ctx, headers)) as api:
        url = api.url(target, query)
        response = api.send("GET", url, check=False)
        responses.print_status(response, print_headers)
        http.check(url, response)
        if print_headers:
            click.echo("")
    responses.emit(response, fields, fmt, not noquotes, compressed)


def _resource(ctx: click.Context, path: str | None, fmt: str) -> str:
    if path is None:
        raise AdminUsageError("Resource URI not specified", ctx)
    if fmt.lower() not in ("json", "csv", "table"):
        raise AdminUsageError(f"Unsupported output format: {fmt}", ctx)
    return path


def read_document(source: str) -> Any:
    """``-f FILE`` or ``-f -`` (stdin), parsed as JSON, with kcadm's messages."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    except FileNotFoundError:
        raise AdminCliError(f"File not found: {source}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminCliError(f"Failed to read {source}: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_document(text)


def parse_document(text: str) -> Any:
    if not text.strip():
        raise AdminCliError("Document provided by --file option is empty")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise AdminCliError(f"Not a valid JSON document - {exc}") from None


def _body(document: Any, operations: list[attributes.Operation]) -> Any:
    if not operations:
        return document
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise AdminCliError(f"Not a JSON object: {json.dumps(document)[:80]}")
    return attributes.apply(document, operations)


def body_options(func: F) -> F:
    for decorator in reversed(
        [
            click.option(
                "-s",
                "--set",
                "sets",
                multiple=True,
                metavar="NAME=VALUE",
                help="Set an attribute: name=value, nested a.b=c, JSON values, name+=item appends.",
            ),
            click.option("-f", "--file", "file", default=None, metavar="FILE", help="JSON document; - reads stdin."),
            click.option("-b", "--body", default=None, metavar="CONTENT", help="The body (JSON) on the command line."),
            click.option("-o", "--output", "print_result", is_flag=True, help="Print the resulting resource."),
        ]
    ):
        func = decorator(func)
    return func


def _document(ctx: click.Context, file: str | None, body: str | None) -> Any:
    exclusive(ctx, "Options --body and --file are mutually exclusive", body is not None, file is not None)
    if file is not None:
        return read_document(file)
    return parse_document(body) if body is not None else None


def _set_ops(ctx: click.Context, sets: tuple[str, ...]) -> list[attributes.Operation]:
    try:
        return [attributes.parse_set(s) for s in sets]
    except AdminCliError as exc:
        if exc.message.startswith("Invalid key=value"):
            raise AdminUsageError(exc.message, ctx) from None
        raise


@admin.command("create")
@click.argument("path", required=False, metavar="ENDPOINT_URI")
@request_options
@body_options
@output_options
@click.option("-i", "--id", "return_id", is_flag=True, help="Print only the id of the new resource.")
@click.pass_context
def create(
    ctx: click.Context,
    /,
    path: str | None,
    realm: str | None,
    queries: tuple[str, ...],
    headers: tuple[str, ...],
    sets: tuple[str, ...],
    file: str | None,
    body: str | None,
    print_result: bool,
    fields: str | None,
    print_headers: bool,
    compressed: bool,
    return_id: bool,
    **auth_kwargs: Any,
) -> None:
    """POST a new resource built from -f/-b and -s."""
    opts = auth.gather(auth_kwargs)
    target = _resource(ctx, path, "json")
    exclusive(ctx, "Options -o and -i are mutually exclusive", print_result, return_id)
    operations = _set_ops(ctx, sets)
    document = _body(_document(ctx, file, body), operations)
    with connect(opts, realm, _headers(ctx, headers)) as api:
        url = api.url(target, _queries(ctx, queries))
        response = api.send("POST", url, document, check=False)
        responses.print_status(response, print_headers)
        http.check(url, response)
        if print_headers:
            click.echo("")
        location = response.headers.get("Location")
        new_id = paths.last_component(location) if location else None
        if new_id and return_id:
            click.echo(new_id)
        elif new_id and not print_result:
            click.echo(f"Created new {paths.type_name(url)} with id '{new_id}'", err=True)
        if print_result:
            _print_result(api, target, url, response, new_id, fields, compressed)


def _print_result(
    api: Api, target: str, url: str, response: httpx.Response, new_id: str | None, fields: str | None, compressed: bool
) -> None:
    """kcadm's ``-o``: the resource as the server now has it (fetched again after 204 or a Location)."""
    if (response.status_code == 204 or new_id) and target != "clients-initial-access":
        fetch = f"{url.split('?', 1)[0]}/{new_id}" if new_id else url
        response = api.send("GET", fetch, check=False)
    responses.emit(response, fields, "json", True, compressed)


@admin.command("update")
@click.argument("path", required=False, metavar="ENDPOINT_URI")
@request_options
@body_options
@output_options
@click.option("-d", "--delete", "deletes", multiple=True, metavar="NAME", help="Remove an attribute.")
@click.option("-m", "--merge", "merge_mode", is_flag=True, help="GET, merge -f/-s over it, then PUT.")
@click.option("-n", "--no-merge", is_flag=True, help="PUT exactly -f/-s, without reading the resource first.")
@click.pass_context
def update(
    ctx: click.Context,
    /,
    path: str | None,
    realm: str | None,
    queries: tuple[str, ...],
    headers: tuple[str, ...],
    sets: tuple[str, ...],
    file: str | None,
    body: str | None,
    print_result: bool,
    fields: str | None,
    print_headers: bool,
    compressed: bool,
    deletes: tuple[str, ...],
    merge_mode: bool,
    no_merge: bool,
    **auth_kwargs: Any,
) -> None:
    """PUT a resource: by default the server's copy with -s/-d applied."""
    opts = auth.gather(auth_kwargs)
    target = _resource(ctx, path, "json")
    exclusive(ctx, "Options --merge and --no-merge are mutually exclusive", merge_mode, no_merge)
    operations = _set_ops(ctx, sets) + [attributes.parse_delete(d) for d in deletes]
    document = _document(ctx, file, body)
    merge_mode = merge_mode or (file is None and bool(operations) and not no_merge)
    with connect(opts, realm, _headers(ctx, headers)) as api:
        url = api.url(target, _queries(ctx, queries))
        if merge_mode:
            remote = api.get(url)
            if not isinstance(remote, dict) or not isinstance(document or {}, dict):
                raise AdminCliError("Not a JSON object: only objects can be merged")
            document = attributes.merge(document or {}, remote)
        document = _body(document, operations)
        response = api.send("PUT", url, document if document is not None else {}, check=False)
        responses.print_status(response, print_headers)
        http.check(url, response)
        if print_headers:
            click.echo("")
        if print_result:
            _print_result(api, target, url, response, None, fields, compressed)


@admin.command("delete")
@click.argument("path", required=False, metavar="ENDPOINT_URI")
@request_options
@output_options
@click.pass_context
def delete(
    ctx: click.Context,
    /,
    path: str | None,
    realm: str | None,
    queries: tuple[str, ...],
    headers: tuple[str, ...],
    fields: str | None,
    print_headers: bool,
    compressed: bool,
    **auth_kwargs: Any,
) -> None:
    """DELETE a resource."""
    opts = auth.gather(auth_kwargs)
    target = _resource(ctx, path, "json")
    with connect(opts, realm, _headers(ctx, headers)) as api:
        url = api.url(target, _queries(ctx, queries))
        response = api.send("DELETE", url, check=False)
        responses.print_status(response, print_headers)
        http.check(url, response)


for _command in [
    *shortcuts.COMMANDS,
    bulk.revoke_offline_sessions,
    *roles.COMMANDS,
    passwords.set_password,
    usage.help_command,
]:
    admin.add_command(_command)

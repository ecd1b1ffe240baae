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

from doorkeep.admincli import attributes, bulk, config, http, output, paths, session, shortcuts
from doorkeep.admincli.api import Api, connect
from doorkeep.admincli.errors import AdminCliError
from doorkeep.admincli.options import FORMATS, F, common, config_path


@click.group("admin", context_settings={"help_option_names": ["-h", "--help"]})
def admin() -> None:
    """Administer a running Doorkeep or Keycloak server over its Admin REST API, as kcadm.sh does."""


@admin.group("config")
def config_group() -> None:
    """Set up the CLI: log in with 'config credentials'."""


@config_group.command("credentials")
@click.option("--server", required=True, help="Server URL, e.g. http://localhost:8080.")
@click.option("--realm", required=True, help="Realm to log into (master for the server's admin).")
@click.option("--user", default=None, help="Username (password grant); omit for a service account.")
@click.option("--password", default=None, help="The user's password; prompted for when omitted.")
@click.option("--client", "client_id", default="admin-cli", show_default=True, help="Client to log in with.")
@click.option("--secret", default=None, help="The client's secret (a confidential client or service account).")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Credentials file (default: ~/.doorkeep/admin.config).",
)
def credentials(
    server: str,
    realm: str,
    user: str | None,
    password: str | None,
    client_id: str,
    secret: str | None,
    config_file: Path | None,
) -> None:
    """Log in and keep the tokens (file mode 0600) for the commands that follow."""
    server = server.rstrip("/")
    if not server.startswith(("http://", "https://")):
        raise AdminCliError(f"Invalid server URL: {server} (expected http:// or https://)")
    if user is not None and password is None:
        password = click.prompt("Enter password", hide_input=True, err=True)
    if user is None and secret is None:
        secret = click.prompt("Enter client secret", hide_input=True, err=True)
    who = f"user {user}" if user is not None else f"service-account-{client_id}"
    click.echo(f"Logging into {server} as {who} of realm {realm}", err=True)
    with http.client() as client:
        login = session.log_in(client, server, realm, client_id, user=user, password=password, secret=secret)
    path = config_path(config_file)
    stored = config.load(path)
    stored.set_login(server, realm, login)
    config.save(path, stored)


def _queries(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """kcadm's ``-q``: ``name=value``; a bare word is a ``search`` term."""
    return [attributes.split_key_value(v) if "=" in v else ("search", v) for v in values]


@admin.command("get")
@click.argument("path")
@common
@click.option("-q", "--query", "queries", multiple=True, metavar="NAME=VALUE", help="Query parameter (repeatable).")
@click.option("--fields", default=None, help="Fields to keep, e.g. id,clientId,attributes(a,b).")
@click.option("--format", "fmt", type=FORMATS, default="json", show_default=True, help="Output format.")
@click.option("--noquotes", is_flag=True, help="CSV without quotes.")
@click.option("--offset", type=click.IntRange(min=0), default=None, help="Index of the first result (first=).")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Most results to return (max=).")
def get(
    path: str,
    realm: str | None,
    config_file: Path | None,
    queries: tuple[str, ...],
    fields: str | None,
    fmt: str,
    noquotes: bool,
    offset: int | None,
    limit: int | None,
) -> None:
    """GET a resource and print it."""
    selected = output.parse_fields(fields) if fields else None
    query = _queries(queries) + [(k, str(v)) for k, v in (("first", offset), ("max", limit)) if v is not None]
    with connect(config_path(config_file), realm) as api:
        value = api.get(path, query)
    columns = list(selected) if selected else None
    click.echo(output.render(output.select(value, selected), fmt, columns, quote=not noquotes))


def read_document(source: str) -> Any:
    """``-f FILE`` or ``-f -`` (stdin), parsed as JSON, with kcadm's messages."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    except FileNotFoundError:
        raise AdminCliError(f"File not found: {source}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminCliError(f"Failed to read {source}: {getattr(exc, 'strerror', None) or exc}") from None
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
            click.option("-o", "--output", "print_result", is_flag=True, help="Print the resulting resource."),
            click.option("--fields", default=None, help="With -o: fields to print."),
        ]
    ):
        func = decorator(func)
    return func


@admin.command("create")
@click.argument("path")
@common
@body_options
@click.option("-i", "--id", "return_id", is_flag=True, help="Print only the id of the new resource.")
def create(
    path: str,
    realm: str | None,
    config_file: Path | None,
    sets: tuple[str, ...],
    file: str | None,
    print_result: bool,
    fields: str | None,
    return_id: bool,
) -> None:
    """POST a new resource built from -f and -s."""
    if print_result and return_id:
        raise AdminCliError("Options -o and -i are mutually exclusive")
    operations = [attributes.parse_set(s) for s in sets]
    body = _body(read_document(file) if file else None, operations)
    with connect(config_path(config_file), realm) as api:
        url = api.url(path)
        response = api.send("POST", url, body if body is not None else {})
        location = response.headers.get("Location")
        new_id = paths.last_component(location) if location else None
        if new_id and return_id:
            click.echo(new_id)
        elif new_id and not print_result:
            click.echo(f"Created new {paths.type_name(url)} with id '{new_id}'", err=True)
        if print_result:
            _print_result(api, f"{url}/{new_id}" if new_id else url, response, fields)


def _print_result(api: Api, url: str, response: httpx.Response, fields: str | None) -> None:
    """kcadm's ``-o``: the resource as the server now has it."""
    value = (
        api.get(url)
        if response.status_code == 204 or response.headers.get("Location")
        else http.json_body(url, response)
    )
    click.echo(output.render(output.select(value, output.parse_fields(fields) if fields else None), "json"))


@admin.command("update")
@click.argument("path")
@common
@body_options
@click.option("-d", "--delete", "deletes", multiple=True, metavar="NAME", help="Remove an attribute.")
@click.option("--merge", "merge_mode", is_flag=True, help="GET, merge -f/-s over it, then PUT.")
@click.option("--no-merge", is_flag=True, help="PUT exactly -f/-s, without reading the resource first.")
def update(
    path: str,
    realm: str | None,
    config_file: Path | None,
    sets: tuple[str, ...],
    file: str | None,
    print_result: bool,
    fields: str | None,
    deletes: tuple[str, ...],
    merge_mode: bool,
    no_merge: bool,
) -> None:
    """PUT a resource: by default the server's copy with -s/-d applied."""
    if merge_mode and no_merge:
        raise AdminCliError("Options --merge and --no-merge are mutually exclusive")
    operations = [attributes.parse_set(s) for s in sets] + [attributes.parse_delete(d) for d in deletes]
    document = read_document(file) if file else None
    merge_mode = merge_mode or (file is None and bool(operations) and not no_merge)
    with connect(config_path(config_file), realm) as api:
        url = api.url(path)
        if merge_mode:
            remote = api.get(url)
            if not isinstance(remote, dict) or not isinstance(document or {}, dict):
                raise AdminCliError("Not a JSON object: only objects can be merged")
            document = attributes.merge(document or {}, remote)
        body = _body(document, operations)
        response = api.send("PUT", url, body if body is not None else {})
        if print_result:
            _print_result(api, url, response, fields)


@admin.command("delete")
@click.argument("path")
@common
@click.option("-q", "--query", "queries", multiple=True, metavar="NAME=VALUE", help="Query parameter (repeatable).")
def delete(path: str, realm: str | None, config_file: Path | None, queries: tuple[str, ...]) -> None:
    """DELETE a resource."""
    with connect(config_path(config_file), realm) as api:
        api.send("DELETE", api.url(path, _queries(queries)))


for _command in [*shortcuts.COMMANDS, bulk.revoke_offline_sessions]:
    admin.add_command(_command)

"""Printing a response as kcadm's request commands do (``AbstractRequestCmd.process``): ``-H`` headers,
Jackson's JSON or kcadm's CSV, ``-c`` as sent, ``-F`` fields."""

from __future__ import annotations

import click
import httpx

from doorkeep.admincli import http, output
from doorkeep.admincli.errors import AdminCliError


def print_status(response: httpx.Response, print_headers: bool) -> None:
    """kcadm's ``-H``: the status line and the headers, then an empty line, before the body."""
    if print_headers:
        click.echo(f"HTTP/1.1 {response.status_code} {response.reason_phrase}")
        for name, value in response.headers.multi_items():
            click.echo(f"{name}: {value}")


def emit(response: httpx.Response, fields: str | None, fmt: str, quote: bool, compressed: bool) -> None:
    """kcadm's output of a response body (``AbstractRequestCmd.process``).

    JSON is printed with Jackson's pretty printer and no final newline; kcadm then ends the line on
    stderr, so that a script capturing stdout gets the document alone.
    """
    is_json = response.headers.get("content-type", "").split(";", 1)[0].strip() == "application/json"
    if not is_json or compressed:
        if fmt != "json" or fields is not None:
            why = "compressed" if compressed else "not json"
            click.echo(f"Cannot create CSV nor filter returned fields because the response is {why}", err=True)
            return
        write_out(response.text)
        return
    try:
        value = http.parse(response) if response.content else None
    except ValueError as exc:
        raise AdminCliError(f"Error processing results: {exc}") from None
    selected = output.parse_fields(fields) if fields else None
    value = output.select(value, selected)
    if fmt == "json":
        write_out(output.render(value, "json") if response.content else "")
    else:
        columns = list(selected) if selected else None
        text = output.render(value, fmt, columns, quote=quote)
        write_out(text + "\n" if text else "")


def write_out(text: str) -> None:
    click.echo(text, nl=False)
    if text and not text.endswith(("\n", "\r")):
        click.echo("", err=True)

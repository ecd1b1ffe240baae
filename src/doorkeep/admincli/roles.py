"""kcadm's ``add-roles``, ``remove-roles`` and ``get-roles`` (``AddRolesCmd``, ``RemoveRolesCmd``, ``GetRolesCmd``).

The target is a user (``--uusername``/``--uid``), a group (``--gname``/``--gpath``/``--gid``) or a composite
role (``--rname``/``--rid``); ``--cclientid``/``--cid`` makes the roles client roles. Roles are found by
exact name or id among the realm's (or the client's) roles and POSTed to, or DELETEd from, the target's
role mappings (a composite role's ``roles-by-id/{id}/composites``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from doorkeep.admincli import auth, http, lookups, responses
from doorkeep.admincli.api import Api, connect
from doorkeep.admincli.errors import AdminCliError, AdminUsageError
from doorkeep.admincli.options import AdminCommand, F

NO_TARGET = (
    "No user nor group nor composite role specified. Use --uusername / --uid to specify user or --gname / --gid /"
    " --gpath to specify group or --rname / --rid to specify a composite role"
)


@dataclass(frozen=True)
class Target:
    uusername: str | None = None
    uid: str | None = None
    gname: str | None = None
    gpath: str | None = None
    gid: str | None = None
    rname: str | None = None
    rid: str | None = None
    cclientid: str | None = None
    cid: str | None = None

    @property
    def user(self) -> bool:
        return self.uid is not None or self.uusername is not None

    @property
    def group(self) -> bool:
        return self.gid is not None or self.gname is not None or self.gpath is not None

    @property
    def composite(self) -> bool:
        return self.rid is not None or self.rname is not None

    @property
    def client(self) -> bool:
        return self.cid is not None or self.cclientid is not None


def target_options(func: F) -> F:
    names = [
        ("--uusername", "Target user's 'username'."),
        ("--uid", "Target user's 'id'."),
        ("--gname", "Target group's 'name'."),
        ("--gpath", "Target group's 'path'."),
        ("--gid", "Target group's 'id'."),
        ("--rname", "Composite role's 'name'."),
        ("--rid", "Composite role's 'id'."),
        ("--cclientid", "Client's 'clientId' (client roles)."),
        ("--cid", "Client's 'id' (client roles)."),
    ]
    for name, text in reversed(names):
        func = click.option(name, default=None, help=text)(func)
    return auth.auth_options(click.option("-r", "--target-realm", "realm", default=None, help="Target realm.")(func))


def gather_target(kwargs: dict[str, Any]) -> Target:
    fields = ("uusername", "uid", "gname", "gpath", "gid", "rname", "rid", "cclientid", "cid")
    return Target(**{name: kwargs.pop(name, None) for name in fields})


def check_target(ctx: click.Context, t: Target, *, part: int) -> None:
    """The incompatibilities kcadm refuses, in its order and words (bad input, exit 2).

    Part 0 is what kcadm checks before it looks for roles to add or remove, part 1 the rest.
    """
    rules = [
        (t.uid is not None and t.uusername is not None, "--uid and --uusername are mutually exclusive"),
        (
            sum(v is not None for v in (t.gid, t.gname, t.gpath)) > 1,
            "--gid, --gname and --gpath are mutually exclusive",
        ),
        (t.cid is not None and t.cclientid is not None, "--cid and --cclientid are mutually exclusive"),
        (t.rid is not None and t.rname is not None, "--rid and --rname are mutually exclusive"),
        (t.user and t.group, "--uusername / --uid can't be used at the same time as --gname / --gid / --gpath"),
        (t.user and t.composite, "--uusername / --uid can't be used at the same time as --rname / --rid"),
        (t.group and t.composite, "--rname / --rid can't be used at the same time as --gname / --gid / --gpath"),
    ]
    for broken, text in rules[:2] if part == 0 else rules[2:]:
        if broken:
            raise AdminUsageError(f"Incompatible options: {text}", ctx)


def client_uuid(api: Api, t: Target) -> str | None:
    if t.cid is not None:
        return t.cid
    return lookups.client_id(api, t.cclientid) if t.cclientid is not None else None


def mappings_path(api: Api, t: Target, cid: str | None) -> str:
    """The target's role mappings: ``users/{id}/role-mappings/{realm|clients/{cid}}`` and the like."""
    kind = f"clients/{cid}" if cid else "realm"
    if t.user:
        return f"users/{t.uid or lookups.user_id(api, str(t.uusername))}/role-mappings/{kind}"
    if t.group:
        return f"groups/{group_uuid(api, t)}/role-mappings/{kind}"
    return f"roles-by-id/{t.rid or lookups.role_id(api, str(t.rname))}/composites"


def group_uuid(api: Api, t: Target) -> str:
    if t.gname is not None:
        return lookups.group_id_by_name(api, t.gname)
    if t.gpath is not None:
        return lookups.group_id_by_path(api, t.gpath)
    return str(t.gid)


def pick_roles(api: Api, cid: str | None, names: tuple[str, ...], ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The realm's (or the client's) roles named or identified, each once (kcadm's ``getRoleRepresentations``)."""
    defined = api.get(f"clients/{cid}/roles" if cid else "roles") or []
    picked: dict[str, dict[str, Any]] = {}
    for attr, values in (("name", names), ("id", ids)):
        for value in values:
            role = lookups.exact_match(defined, value, attr)
            if role is None:
                raise AdminCliError(f"Role not found for {attr}: {value}")
            picked[str(role.get("id"))] = role
    return list(picked.values())


def _change(
    ctx: click.Context, method: str, verb: str, names: tuple[str, ...], ids: tuple[str, ...], kwargs: dict[str, Any]
) -> None:
    realm = kwargs.pop("realm")
    target = gather_target(kwargs)
    opts = auth.gather(kwargs)
    check_target(ctx, target, part=0)
    if not names and not ids:
        raise AdminUsageError(
            f"No role to {verb} specified. Use --rolename or --roleid to specify roles to {verb}", ctx
        )
    check_target(ctx, target, part=1)
    if not (target.user or target.group or target.composite):
        raise AdminUsageError(NO_TARGET, ctx)
    with connect(opts, realm) as api:
        cid = client_uuid(api, target)
        path = mappings_path(api, target, cid)
        roles = pick_roles(api, cid, names, ids)
        api.send(method, api.url(path), roles)


def role_list_options(func: F) -> F:
    func = click.option("--roleid", "role_ids", multiple=True, help="Role's 'id' (repeatable).")(func)
    return click.option("--rolename", "role_names", multiple=True, help="Role's 'name' (repeatable).")(func)


@click.command("add-roles", cls=AdminCommand)
@target_options
@role_list_options
@click.pass_context
def add_roles(ctx: click.Context, /, role_names: tuple[str, ...], role_ids: tuple[str, ...], **kwargs: Any) -> None:
    """Add realm or client roles to a user, a group or a composite role."""
    _change(ctx, "POST", "add", role_names, role_ids, kwargs)


@click.command("remove-roles", cls=AdminCommand)
@target_options
@role_list_options
@click.pass_context
def remove_roles(ctx: click.Context, /, role_names: tuple[str, ...], role_ids: tuple[str, ...], **kwargs: Any) -> None:
    """Remove realm or client roles from a user, a group or a composite role."""
    _change(ctx, "DELETE", "remove", role_names, role_ids, kwargs)


@click.command("get-roles", cls=AdminCommand)
@target_options
@click.option("--rolename", default=None, help="Only this role (by 'name').")
@click.option("--roleid", default=None, help="Only this role (by 'id').")
@click.option("--available", is_flag=True, help="Only roles not yet given to the user or group.")
@click.option("--effective", is_flag=True, help="Assigned roles with those they include.")
@click.option("--all", "all_clients", is_flag=True, help="Client roles of every client besides realm roles.")
@click.option("-F", "--fields", default=None, help="Fields to print.")
@click.option("-H", "--print-headers", is_flag=True, help="Print the response status and headers.")
@click.option("-c", "--compressed", is_flag=True, help="Print the JSON as the server sent it.")
@click.option("--format", "fmt", default="json", help="Output format: json, csv (or table).")
@click.option("--noquotes", is_flag=True, help="CSV without quotes around strings.")
@click.pass_context
def get_roles(
    ctx: click.Context,
    /,
    rolename: str | None,
    roleid: str | None,
    available: bool,
    effective: bool,
    all_clients: bool,
    fields: str | None,
    print_headers: bool,
    compressed: bool,
    fmt: str,
    noquotes: bool,
    **kwargs: Any,
) -> None:
    """List the roles of a realm, a client, a user, a group or a composite role (GetRolesCmd)."""
    realm = kwargs.pop("realm")
    t = gather_target(kwargs)
    opts = auth.gather(kwargs)
    check_target(ctx, t, part=0)
    if roleid is not None and rolename is not None:
        raise AdminUsageError("Incompatible options: --roleid and --rolename are mutually exclusive", ctx)
    check_target(ctx, t, part=1)
    if all_clients and effective:
        raise AdminUsageError("Incompatible options: --all can't be used at the same time as --effective", ctx)
    if all_clients and available:
        raise AdminUsageError("Incompatible options: --all can't be used at the same time as --available", ctx)
    with connect(opts, realm) as api:
        url = api.url(_roles_path(ctx, api, t, rolename, roleid, available, effective, all_clients))
        response = api.send("GET", url, check=False)
        responses.print_status(response, print_headers)
        http.check(url, response)
        if print_headers:
            click.echo("")
    responses.emit(response, fields, fmt, not noquotes, compressed)


def _roles_path(
    ctx: click.Context,
    api: Api,
    t: Target,
    rolename: str | None,
    roleid: str | None,
    available: bool,
    effective: bool,
    all_clients: bool,
) -> str:
    cid = client_uuid(api, t)
    if t.user or t.group:
        kind = f"clients/{cid}" if cid else "realm"
        base = mappings_path(api, t, None).rsplit("/", 1)[0]  # …/role-mappings
        if available:
            return f"{base}/{kind}/available"
        if effective:
            return f"{base}/{kind}/composite"
        return base if all_clients and not cid else f"{base}/{kind}"
    if t.composite:
        if available:
            hint = (
                f" --cid {cid}' for full list of client roles for that client"
                if cid
                else "' for full list of realm roles"
            )
            raise AdminUsageError(
                f"Option --available not supported with composite roles. Try '{auth.CMD} get-roles{hint}", ctx
            )
        if effective:
            raise AdminUsageError("Option --effective not supported with composite roles.", ctx)
        role = f"roles/{t.rname}" if t.rname is not None else f"roles-by-id/{t.rid}"
        if cid:
            return f"{role}/composites/clients/{cid}"
        return f"{role}/composites" if all_clients else f"{role}/composites/realm"
    prefix = f"clients/{cid}/roles" if cid else "roles"
    if rolename is None and roleid is not None:
        rolename = _role_name(api, prefix, roleid)
    return f"{prefix}/{rolename}" if rolename is not None else prefix


def _role_name(api: Api, prefix: str, roleid: str) -> str:
    """``getAttrForType(..., "id", rid, "name")``: the role's name from its id."""
    found = lookups.exact_match(api.get(prefix, [("id", roleid), *lookups.FIRST_TWO]) or [], roleid, "id")
    if found is None:
        raise AdminCliError(f"Role not found for id: {roleid}")
    return str(found["name"])


COMMANDS = [add_roles, remove_roles, get_roles]

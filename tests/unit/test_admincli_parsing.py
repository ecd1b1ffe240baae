"""``doorkeep admin``'s pure parts: kcadm's path convention, ``-s``/``-d`` edits, the update merge, ``--fields``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from doorkeep.admincli import attributes, output, paths
from doorkeep.admincli.errors import AdminCliError

SERVER = "http://localhost:8080"


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("realms", f"{SERVER}/admin/realms"),
        ("realms/demo/clients", f"{SERVER}/admin/realms/demo/clients"),
        ("clients", f"{SERVER}/admin/realms/demo/clients"),
        ("/users/42/consents", f"{SERVER}/admin/realms/demo/users/42/consents"),
        ("serverinfo", f"{SERVER}/admin/serverinfo"),
        ("https://other/admin/realms/x", "https://other/admin/realms/x"),
        # the paths of identity brokering, organizations and flows go under -r's realm like any other
        ("identity-provider/instances/corp", f"{SERVER}/admin/realms/demo/identity-provider/instances/corp"),
        ("organizations/7/members", f"{SERVER}/admin/realms/demo/organizations/7/members"),
        (
            "authentication/flows/step up/executions",
            f"{SERVER}/admin/realms/demo/authentication/flows/step up/executions",
        ),
        ("client-policies/policies", f"{SERVER}/admin/realms/demo/client-policies/policies"),
    ],
)
def test_paths_resolve_as_kcadm_resolves_them(path: str, url: str) -> None:
    assert paths.resource_url(SERVER + "/", "demo", path) == url


def test_the_created_type_is_the_last_path_component_without_its_plural_s() -> None:
    assert paths.type_name(f"{SERVER}/admin/realms/demo/clients") == "client"
    assert paths.type_name(f"{SERVER}/admin/realms") == "realm"
    assert paths.type_name(f"{SERVER}/admin/realms/demo/roles/") == "role"
    # kcadm's wording for the new resources: "Created new instance with id 'corp'", "… new flow …"
    assert paths.type_name(f"{SERVER}/admin/realms/demo/identity-provider/instances") == "instance"
    assert paths.type_name(f"{SERVER}/admin/realms/demo/authentication/flows/x/executions/flow") == "flow"


def test_query_parameters_are_encoded_and_appended() -> None:
    assert paths.with_query("http://h/a", [("clientId", "a b"), ("max", "2")]) == "http://h/a?clientId=a+b&max=2"
    assert paths.with_query("http://h/a?x=1", [("y", "2")]) == "http://h/a?x=1&y=2"


def edit(*sets: str, document: dict[str, object] | None = None) -> dict[str, object]:
    return attributes.apply(document if document is not None else {}, [attributes.parse_set(s) for s in sets])


def test_set_values_are_json_when_they_parse_and_strings_otherwise() -> None:
    assert edit("enabled=true", "count=3", "name=demo app", "quoted='x'", "empty=") == {
        "enabled": True,
        "count": 3,
        "name": "demo app",
        "quoted": "x",
        "empty": "",
    }


def test_nan_and_infinity_are_strings_as_jackson_refuses_them_as_numbers() -> None:
    # json.loads takes them, and json.dumps then fails with a traceback ("Out of range float values").
    assert edit("lastName=NaN", "a=Infinity", "b=-Infinity", "c=[NaN]") == {
        "lastName": "NaN",
        "a": "Infinity",
        "b": "-Infinity",
        "c": "[NaN]",
    }


def test_set_takes_a_json_array_and_nested_attribute_keys() -> None:
    assert edit('redirectUris=["https://a/*","https://b/*"]', "attributes.pkce.code.challenge.method=S256") == {
        "redirectUris": ["https://a/*", "https://b/*"],
        "attributes": {"pkce": {"code": {"challenge": {"method": "S256"}}}},
    }


def test_a_quoted_key_component_keeps_its_dots() -> None:
    assert edit('attributes."pkce.code.challenge.method"=S256') == {
        "attributes": {"pkce.code.challenge.method": "S256"}
    }


def test_plus_appends_and_an_index_sets_one_item() -> None:
    assert edit("uris+=a", "uris+=b", "uris[3]=d", document={"uris": ["x"]}) == {"uris": ["x", "a", "b", "d"]}


def test_delete_removes_an_attribute_or_an_array_item() -> None:
    ops = [attributes.parse_delete("attributes.a"), attributes.parse_delete("uris[0]")]
    assert attributes.apply({"attributes": {"a": "1", "b": "2"}, "uris": ["x", "y"]}, ops) == {
        "attributes": {"b": "2"},
        "uris": ["y"],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("noequals", "Invalid key=value parameter: [noequals]"),
        ("=value", "Invalid key=value parameter: [=value]"),
        (".a=1", "Invalid attribute key: .a (at position 1)"),
        ("a.=1", "Invalid attribute key: a. (at position 2)"),
        ("a[x]=1", "Invalid attribute key: a[x] (Invalid array index: '[x]')"),
        ('"a=1', 'Invalid attribute key: "a (at position 2)'),
    ],
)
def test_a_malformed_set_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(AdminCliError) as caught:
        attributes.parse_set(text)
    assert caught.value.message == message


def test_update_merges_local_over_remote_deeply_and_replaces_arrays() -> None:
    remote = {"clientId": "app", "attributes": {"a": "1", "b": "2"}, "redirectUris": ["x"], "enabled": True}
    local = {"attributes": {"b": "3"}, "redirectUris": ["y", "z"], "enabled": False}
    assert attributes.merge(local, remote) == {
        "clientId": "app",
        "attributes": {"a": "1", "b": "3"},
        "redirectUris": ["y", "z"],
        "enabled": False,
    }


def test_merging_a_scalar_over_an_object_is_refused() -> None:
    with pytest.raises(AdminCliError, match="incompatible type - attributes"):
        attributes.merge({"attributes": "x"}, {"attributes": {}})


def test_fields_keep_only_the_named_fields_of_each_object() -> None:
    fields = output.parse_fields("id, clientId,attributes(a)")
    rows = [{"id": "1", "clientId": "app", "secret": "s", "attributes": {"a": "x", "b": "y"}}, {"id": "2"}]
    assert output.select(rows, fields) == [{"id": "1", "clientId": "app", "attributes": {"a": "x"}}, {"id": "2"}]


def test_a_table_aligns_its_columns_and_csv_is_kcadms_json_scalars() -> None:
    rows = [{"clientId": "account", "enabled": True}, {"clientId": "a", "enabled": False}]
    assert output.render(rows, "table") == "CLIENTID  ENABLED\naccount   true\na         false"
    # OutputUtil.printAsCsv: strings as JSON text, other scalars bare, no header
    assert output.render(rows, "csv") == '"account",true\n"a",false'
    assert output.render(rows, "csv", quote=False) == "account,true\na,false"


def test_csv_flattens_nested_values_leaves_absent_fields_empty_and_escapes_as_json() -> None:
    row = {"id": 'a "b"', "uris": ["x", "y"], "attributes": {"n": 1, "z": None}}
    assert output.render(row, "csv") == '"a \\"b\\"","x","y",1,null'
    assert output.render([row], "csv", ["missing", "id"]) == ',"a \\"b\\""'


def test_json_is_printed_as_jacksons_pretty_printer_prints_it() -> None:
    value = {"a": 1, "b": [1, 2], "c": [{"x": {}}], "d": [], "e": "q\u001f", "f": None, "g": 1e20, "h": 2.0}
    assert output.render(value, "json") == (
        '{\n  "a" : 1,\n  "b" : [ 1, 2 ],\n  "c" : [ {\n    "x" : { }\n  } ],\n  "d" : [ ],\n'
        '  "e" : "q\\u001F",\n  "f" : null,\n  "g" : 1.0E20,\n  "h" : 2.0\n}'
    )


def test_the_admin_cli_imports_nothing_of_the_server() -> None:
    """It is a client of the HTTP API, so it works against Keycloak as well."""
    package = Path(attributes.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("doorkeep"):
                assert node.module.startswith("doorkeep.admincli"), f"{path.name} imports {node.module}"

"""``GET /users?search=…`` narrows the realm's users in SQL before the exact match (issue #8: at 1,000,000
users the search read every user). The narrowing must never drop a user the search finds: names and
addresses with characters whose lower case differs between Python and SQL, LIKE's own wildcards, quoted
and starred terms, several terms, and non-ASCII terms that the database does not narrow at all."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.admin.user_search import _needle, _search_term
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
USERS = "/admin/realms/test/users"

PEOPLE: list[tuple[str, dict[str, Any]]] = [
    ("anna", {"first_name": "Anna", "last_name": "Smith", "email": "Anna.Smith@Example.COM"}),
    ("u-tr", {"first_name": "\u0130so", "last_name": "Kaya", "email": None}),  # İ: "i" and a dot in Python
    ("u-kv", {"first_name": "Lord", "last_name": "\u212aelvin", "email": "lk@example.com"}),  # the Kelvin sign
    ("emile", {"first_name": "\u00c9mile", "last_name": "Zola", "email": "\u00e9mile@example.fr"}),
    ("zoe", {"first_name": "Zo\u00eb", "last_name": "ANDERS", "email": "ZOE@MAIL.EXAMPLE"}),
    ("a_b%c", {"first_name": "Percent", "last_name": "Under", "email": "odd@example.com"}),
    ("axbyc", {"first_name": "Plain", "last_name": "Letters", "email": "plain@example.com"}),
    ("bert", {"first_name": "Bert", "last_name": "Annabel", "email": "bert@example.com"}),
]
TERMS = [
    "an",
    "i",
    "is",
    "\u0130s",
    "kel",
    "\u212ael",
    "\u00e9m",
    "\u00c9MILE",
    "zo",
    "zo\u00eb",
    "a_b%",
    "a_b",
    "*bel",
    "*_*",
    "%",
    '"anna"',
    '"annabel"',
    "an smi",
    "an *bel",
    "*",
    "*ail",
    "example",
    "mail.example",
    "nobody",
    "a\x00b",  # hostile: PostgreSQL refuses a NUL in a text; never narrowed, never an error
    "\x00",
    "x" * 20_000,
    "*%*_*" * 500,
]


def _expected(term_text: str) -> list[str]:
    """Keycloak's search over every user, in Python: which usernames it finds, in username order."""
    found = []
    for username, fields in sorted(PEOPLE):
        values = [username, fields["email"], fields["first_name"], fields["last_name"]]
        if all(any(_search_term(term)((value or "").lower()) for value in values) for term in term_text.split()):
            found.append(username)
    return found


async def test_a_narrowed_search_finds_exactly_what_a_search_over_every_user_finds(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "robot", service_accounts=True)  # never listed by a search
    for username, fields in PEOPLE:
        await seed_user(env.db, env.clock, "test", username, **fields)
    headers = await env.admin_headers()
    pinned = {"an": ["anna", "bert", "zoe"], "is": [], "kel": ["u-kv"], "a_b%": ["a_b%c"], "i": ["u-tr"]}
    for term_text in TERMS:
        response = await env.http.get(USERS, params={"search": term_text}, headers=headers)
        assert response.status_code == 200, (term_text[:20], response.text)
        body = response.json()
        found = [user["username"] for user in body]
        assert found == _expected(term_text), term_text
        assert found == pinned.get(term_text, found), term_text
        count = await env.http.get(f"{USERS}/count", params={"search": term_text}, headers=headers)
        assert count.json() == len(found), term_text
    paged = await env.http.get(USERS, params={"search": "example", "first": "1", "max": "2"}, headers=headers)
    assert [user["username"] for user in paged.json()] == _expected("example")[1:3]


FIELD_QUERIES: list[dict[str, str]] = [
    {"firstName": "i"},
    {"firstName": "\u0130so"},
    {"lastName": "kel"},
    {"lastName": "\u212aelvin", "exact": "true"},
    {"lastName": "kelvin", "exact": "true"},
    {"email": "example.com"},
    {"email": "zoe@mail.example", "exact": "true"},
    {"email": "\u00e9mile"},
    {"username": "a_b%"},
    {"username": "_"},
    {"username": "service"},
    {"username": "robot"},
    {"firstName": "an", "lastName": "smi"},
    {"firstName": "ANNA", "exact": "true"},
    {"lastName": "anders"},
    {"username": "a\x00"},  # hostile, as in TERMS
    {"firstName": "\x00", "exact": "true"},
    {"email": "@" * 20_000},
]


def _field_expected(params: dict[str, str]) -> list[str]:
    """Keycloak's field query over every user, service accounts included, in Python."""
    exact = params.get("exact") == "true"
    people = [*PEOPLE, ("service-account-robot", {"email": None, "first_name": None, "last_name": None})]
    found = []
    for username, fields in sorted(people):
        values = {"username": username, "email": fields["email"], "firstName": fields["first_name"]}
        values["lastName"] = fields["last_name"]
        if all(
            (have == want if exact else want in have)
            for name, want in ((n, v.lower()) for n, v in params.items() if n in values)
            for have in [(values[name] or "").lower()]
        ):
            found.append(username)
    return found


async def test_a_narrowed_field_query_finds_exactly_what_a_query_over_every_user_finds(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "robot", service_accounts=True)  # listed by field queries
    for username, fields in PEOPLE:
        await seed_user(env.db, env.clock, "test", username, **fields)
    headers = await env.admin_headers()
    pinned = {"i": ["axbyc", "emile", "u-tr"], "kel": ["u-kv"], "robot": ["service-account-robot"], "anders": ["zoe"]}
    for params in FIELD_QUERIES:
        response = await env.http.get(USERS, params=params, headers=headers)
        assert response.status_code == 200, (params.keys(), response.text)
        found = [user["username"] for user in response.json()]
        assert found == _field_expected(params), params
        for value in params.values():
            assert found == pinned.get(value, found), params


def test_the_needle_is_the_longest_fixed_piece_and_only_ascii() -> None:
    assert _needle("An") == "an"
    assert _needle("*bel") == "bel"
    assert _needle("ab*cdef*g") == "cdef"
    assert _needle('"Anna"') == "anna"
    assert _needle("*") is None
    assert _needle('""') is None
    assert _needle("\u00e9mile") is None  # the database would not fold it as Python does
    assert _needle("\u0130s") is None
    assert _needle("a\x00b") is None  # PostgreSQL refuses a NUL in a text

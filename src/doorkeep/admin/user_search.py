"""``GET /admin/realms/{realm}/users`` and ``/users/count``: which users a query selects, as Keycloak 26's
UsersResource decides it.

``search=id:…`` finds users by id; ``search`` (optionally with ``enabled`` and ``emailVerified``) matches
username, email, first and last name by prefix, ``*`` a wildcard, ``"…"`` exact; any field parameter
(``username``, ``email``, ``firstName``, ``lastName``, ``emailVerified``, ``enabled``, ``exact``, ``idpAlias``,
``idpUserId``, or a ``q`` holding some ``key:value``) makes a field query, which also finds service-account
users; no parameter lists everyone else. The ``q`` pairs join the field parameters in one map, as in
Keycloak: ``username``, ``email``, ``firstName`` and ``lastName`` keys are the user's fields, ``enabled`` and
``emailVerified`` its flags, any other key a custom attribute (equal unless ``exact=false``, containing then);
``idpAlias`` and ``idpUserId`` keep the users holding a link to that provider, of that provider-side user id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from doorkeep.admin import operations
from doorkeep.admin.representations import USER_FIELDS
from doorkeep.model import Realm, User

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

# The query parameters that make ``GET /users`` a field query (Keycloak 26's UsersResource.getUsers), besides a
# ``q`` holding some pair; ``GET /users/count`` (getUsersCount) leaves out the last three, which it still applies
# once another one made the field query (Keycloak 26.4 puts idpAlias and idpUserId in its query map).
FIELD_QUERY = (
    "lastName",
    "firstName",
    "email",
    "username",
    "emailVerified",
    "enabled",
    "idpAlias",
    "idpUserId",
    "exact",
)
COUNT_FIELD_QUERY = FIELD_QUERY[:6]
# UserModel's keys a field query compares with the user's own columns rather than its attributes.
TEXT_FIELDS = ("username", "email", "firstName", "lastName")
FLAGS = ("enabled", "emailVerified")
LONG_VALUE = 255  # JPA keeps a longer attribute value as a long value, searched by its hash only


def _search_term(term: str) -> Callable[[str], bool]:
    """Keycloak's ``search`` term: prefix match, ``*`` a wildcard, ``"x"`` an exact match.

    Keycloak turns ``a*b`` into ``LIKE 'a%b%'``. That pattern always ends in a wildcard, so finding each
    piece at its leftmost place after the previous one decides it: plain ``str.find``, linear in the
    value for each piece, with no regular expression that could backtrack.
    """
    term = term.lower()
    if len(term) >= 2 and term[0] == term[-1] == '"':
        exact = term[1:-1]
        return lambda value: value == exact
    head, *rest = term.split("*")
    pieces = [piece for piece in rest if piece]

    def match(value: str) -> bool:
        if not value.startswith(head):
            return False
        at = len(head)
        for piece in pieces:
            found = value.find(piece, at)
            if found < 0:
                return False
            at = found + len(piece)
        return True

    return match


def _narrowing(text: str) -> str | None:
    """``text`` if the database may narrow users by it: ASCII, whose case its ``lower()`` folds as Python
    does, and no NUL, which PostgreSQL refuses in a text (a search for one matches nobody on both engines,
    in Python)."""
    return text if text and text.isascii() and "\x00" not in text else None


def _needle(term: str) -> str | None:
    """A text every value matching ``term`` contains once lower-cased: its longest fixed piece (the
    quoted text of an exact term), if the database may narrow by it."""
    term = term.lower()
    pieces = [term[1:-1]] if len(term) >= 2 and term[0] == term[-1] == '"' else term.split("*")
    return _narrowing(max(pieces, key=len))


def _field_needles(query: dict[str, str]) -> dict[str, str]:
    """For a field query: each text field's value lower-cased, which that field contains when it matches
    (exactly or not), if the database may narrow by it."""
    needles = {}
    for param in TEXT_FIELDS:
        value = _narrowing(query.get(param, "").lower())
        if value is not None:
            needles[USER_FIELDS[param]] = value
    return needles


def _flag(params: dict[str, str], name: str) -> bool | None:
    """A Boolean query parameter as JAX-RS reads it: absent None, "true" in any case true, else false."""
    raw = params.get(name)
    return None if raw is None else raw.strip().lower() == "true"


EXACT_KEY = "keycloak.session.realm.users.query.exact"  # UserModel.EXACT, the ``exact`` flag's map key
# UserModel.IDP_ALIAS and IDP_USER_ID, the map keys of the ``idpAlias`` and ``idpUserId`` parameters
IDP_KEYS = (
    ("keycloak.session.realm.users.query.idp_alias", "idpAlias"),
    ("keycloak.session.realm.users.query.idp_user_id", "idpUserId"),
)


def query_fields(q: str) -> dict[str, str]:
    """Keycloak's ``q`` (SearchQueryUtils): blank-separated ``key:value`` pairs, either side optionally
    double-quoted (a backslash escapes inside quotes). A double quote opens a quoted side only where the side
    begins; inside an unquoted one it is an ordinary character (``org:Test_"x"`` is ``Test_"x"``). One pass
    over the text: no backtracking regex."""
    fields: dict[str, str] = {}
    sides: list[list[str]] = [[]]
    quoted = escaped = False
    for ch in q + " ":
        if escaped:
            sides[-1].append(ch)
            escaped = False
        elif quoted:
            if ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
            else:
                sides[-1].append(ch)
        elif ch == '"' and not sides[-1]:
            quoted = True
        elif ch == ":" and len(sides) == 1:
            sides.append([])
        elif ch.isspace():
            if len(sides) == 2 and sides[0] and sides[1]:
                fields["".join(sides[0])] = "".join(sides[1])
            sides = [[]]
        else:
            sides[-1].append(ch)
    return fields


def _field_query(params: dict[str, str]) -> dict[str, str]:
    """The attribute map of Keycloak's field query: the field and flag parameters (a flag as JAX-RS reads a
    ``Boolean``), then the ``q`` pairs over them (UsersResource's ``putAll``), so a ``q`` key naming a field
    or flag is that field or flag, and any other key a custom attribute."""
    query = {name: params[name] for name in TEXT_FIELDS if name in params}
    for name in FLAGS:
        flag = _flag(params, name)
        if flag is not None:
            query[name] = "true" if flag else "false"
    return {**query, **query_fields(params.get("q", ""))}


def _text_matches(have: str | None, wanted: str, exact: bool) -> bool:
    """A field or attribute value against a query value, lower-cased: equal or containing. A NULL column
    matches nothing, and a value longer than 255 characters (Keycloak's long value, compared by its
    lower-case hash) only an equal one."""
    if have is None:
        return False
    have, wanted = have.lower(), wanted.lower()
    return have == wanted if exact or max(len(have), len(wanted)) > LONG_VALUE else wanted in have


def _matches_fields(user: User, query: dict[str, str], exact: bool | None) -> bool:
    """JpaUserProvider's predicates for a field query: a text field contains the value (equals it with
    ``exact=true``); a flag is the value read as Java's ``Boolean.valueOf``; a custom attribute, named
    exactly, has a value equal to it (containing it with ``exact=false``), case-insensitively."""
    for key, wanted in query.items():
        if key in TEXT_FIELDS:
            matched = _text_matches(getattr(user, USER_FIELDS[key]), wanted, exact is True)
        elif key in FLAGS:
            matched = getattr(user, USER_FIELDS[key]) == (wanted.lower() == "true")
        else:
            values = user.attributes.get(key)
            values = values if isinstance(values, list) else [values]
            matched = any(isinstance(v, str) and _text_matches(v, wanted, exact is not False) for v in values)
        if not matched:
            return False
    return True


async def list_users(
    tx: Tx, realm: Realm, params: dict[str, str], first: int, max_results: int, *, count: bool = False
) -> list[User]:
    """``GET /users`` as Keycloak 26's UsersResource: ``search:id:…``; ``search`` (with ``enabled``) over
    username, email, first and last name; field queries (service accounts included); else everyone.
    ``count``: the users ``GET /users/count`` counts, which getUsersCount selects with fewer parameters."""
    search = params.get("search")
    enabled = _flag(params, "enabled")
    field_query = COUNT_FIELD_QUERY if count else FIELD_QUERY
    if search is not None and search.startswith("id:"):
        # getUsers splits the ids on blanks, in the order given; getUsersCount takes the rest as one id.
        ids = [search[3:].strip()] if count else search[3:].split()
        users = await tx.users.get_many(ids)
        found = [u for u in map(users.get, ids) if u and u.realm_id == realm.id and not u.service_account_client_id]
    elif search is not None:
        terms = search.split()
        needles = [needle for needle in map(_needle, terms) if needle is not None]
        found = await tx.users.search_candidates(realm.id, needles)  # a superset, narrowed in SQL
        for term in terms:
            match = _search_term(term)
            found = [
                u
                for u in found
                if any(match((v or "").lower()) for v in (u.username, u.email, u.first_name, u.last_name))
            ]
        verified = _flag(params, "emailVerified")  # UsersResource passes both flags along with the search
        found = [u for u in found if enabled in (None, u.enabled) and verified in (None, u.email_verified)]
    elif query_fields(params.get("q", "")) or any(name in params for name in field_query):
        query, exact = _field_query(params), _flag(params, "exact")
        if EXACT_KEY in query:  # a q pair naming UserModel.EXACT is the flag: UsersResource's putAll sets it
            exact = query.pop(EXACT_KEY).strip().lower() == "true"
        # idpAlias / idpUserId, or q pairs naming UserModel.IDP_ALIAS / IDP_USER_ID over them
        alias, idp_user = (query.pop(key, params.get(name)) for key, name in IDP_KEYS)
        everyone = await operations.realm_users(tx, realm, service_accounts=True, narrowed=_field_needles(query))
        found = [u for u in everyone if _matches_fields(u, query, exact)]
        if alias is not None or idp_user is not None:
            linked = await tx.federated.users_linked(realm.id, alias, idp_user)
            found = [u for u in found if u.id in linked]
    else:  # everyone but service accounts: the statement pages (the console's user list at 1,000,000 users)
        return await tx.users.search(realm.id, first=first, max_results=max_results)
    start = max(first, 0)
    return found[start : start + max_results] if max_results >= 0 else found[start:]


async def brute_force_users(tx: Tx, realm: Realm, params: dict[str, str], first: int, max_results: int) -> list[User]:
    """admin-ui-ext BruteForceUsersResource.searchUser's users, its own copy of the search: ``search=id:…`` is one
    id (the rest, trimmed; a service account too, unpaged), a ``search`` takes ``enabled`` along but not
    ``emailVerified``; field queries and the plain list as ``GET /users`` selects them."""
    search = params.get("search")
    if search is not None and search.startswith("id:"):
        user = await tx.users.get(search[3:].strip())
        return [user] if user is not None and user.realm_id == realm.id else []
    if search is not None:
        params = {k: v for k, v in params.items() if k != "emailVerified"}
    return await list_users(tx, realm, params, first, max_results)

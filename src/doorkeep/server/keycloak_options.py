"""Keycloak's configuration, understood: ``KC_*`` variables and Keycloak's option spellings (issue #12).

A small, table-driven translation applied before click parses a server command. Keycloak's names that
Doorkeep shares (``--http-port`` ⇔ ``KC_HTTP_PORT``) map onto Doorkeep's option of the same name; the
database options (``KC_DB``, ``KC_DB_URL`` in JDBC form, ``KC_DB_USERNAME``, …) are folded into one
``--db-url``; ``--import-realm`` without a file imports every ``*.json`` of ``data/import/`` as Keycloak
does. Anything Keycloak has and Doorkeep does not is named in a warning (names only, never values).

Precedence is Keycloak's: the command line, then the environment (``DOORKEEP_*`` before ``KC_*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

from doorkeep.server import logs

IMPORT_DIR_ENV = "DOORKEEP_IMPORT_DIR"
DEFAULT_IMPORT_DIR = Path("data") / "import"

DB_OPTIONS = (
    "db",
    "db-url",
    "db-username",
    "db-password",
    "db-url-host",
    "db-url-port",
    "db-url-database",
    "db-url-properties",
)
# Keycloak options with a meaning in Doorkeep but another spelling or form; handled one by one below.
SPECIAL = (*DB_OPTIONS, "https-port", "import-realm")
# Keycloak's values that Doorkeep already behaves like: accepted without a word.
DEFAULTS_OK: dict[str, frozenset[str]] = {
    "http-management-scheme": frozenset({"inherited"}),  # the management port has the main port's TLS
    "log": frozenset({"console"}),
    "db-schema": frozenset({"public"}),
    "cache": frozenset({"local"}),
    "db": frozenset({"dev-file"}),
}
# Option families of Keycloak: an unknown --name in one of them is Keycloak's, so warned about, not refused.
KEYCLOAK_PREFIXES = (
    "db",
    "http",
    "https",
    "hostname",
    "proxy",
    "log",
    "cache",
    "spi-",
    "features",
    "health",
    "metrics",
    "transaction",
    "vault",
    "tracing",
    "truststore",
    "bootstrap-admin",
    "config-",
    "tls-",
    "optimized",
    "verbose",
    "import-realm",
    "management",
    "event-metrics",
    "telemetry",
)
# Options Keycloak 26 removed (hostname v1, and the proxy mode that proxy-headers replaced), each with what replaced
# it. Keycloak 26 refuses them on the command line ("Unknown option"), so Doorkeep does, naming the replacement; as
# KC_* variables Keycloak ignores them, and Doorkeep names them in its warning with the replacement.
REMOVED: dict[str, str] = {
    "proxy": "--proxy-headers xforwarded (or forwarded)",
    "hostname-url": "--hostname with the full URL",
    "hostname-admin-url": "--hostname-admin",
    "hostname-path": "--hostname with the full URL",
    "hostname-port": "--hostname with the full URL",
    "hostname-strict-https": "--hostname with an https:// URL",
    "hostname-strict-backchannel": "--hostname-backchannel-dynamic",
}
# kc.sh import/export's directory form and users strategy: Doorkeep reads and writes one realm file, users inside it
# (Keycloak's ``--users realm_file``/``same_file``, accepted without a word); the rest is refused with the way to go.
USERS_IN_FILE = frozenset({"realm_file", "same_file"})
ONE_FILE = (
    "Doorkeep exports one realm JSON file, users included (export --realm R --file F); import reads such a file "
    "(--file F) or kc.sh export --dir's directory (--dir D); start --import-realm imports every *.json of "
    "data/import/"
)
# OIDCLoginProtocolFactory's req-params-max-size--<name>: one option per OIDC parameter, so no fixed flag; each
# becomes Doorkeep's repeatable --oidc-req-params-max-size <name>=<chars> (settings.PARAM_SIZE_FLAG).
PARAM_SIZE_PREFIXES = (
    "spi-login-protocol--openid-connect--req-params-max-size--",
    "spi-login-protocol-openid-connect-req-params-max-size--",
)
PARAM_SIZE_FLAG = "--oidc-req-params-max-size"
# Keycloak 26.1+'s log-level-<category> options (--log-level-org.keycloak=debug, KC_LOG_LEVEL_ORG_KEYCLOAK=debug):
# each is folded into --log-level as "<category>:<level>" after what --log-level says, so it takes precedence.
LOG_CATEGORY_PREFIX = "log-level-"
IGNORED_ENV = frozenset({"KC_RUN_IN_CONTAINER", "KC_HOME_DIR"})  # set by Keycloak's image, not options
SUPPORTED_DB = {"postgres": "postgresql", "dev-file": "sqlite"}


class KeycloakConfigError(ValueError):
    """A Keycloak setting Doorkeep cannot honour at all (another database vendor): one line, then exit."""


@dataclass
class Translated:
    args: list[str]
    defaults: dict[str, str | list[str]] = field(default_factory=dict)  # Doorkeep option name → value from KC_*
    ignored: list[str] = field(default_factory=list)  # Keycloak names Doorkeep does not implement
    notes: list[str] = field(default_factory=list)


def env_option(name: str) -> str:
    """``KC_DB_URL_HOST`` → ``db-url-host``."""
    return name[3:].lower().replace("_", "-")


def env_name(flag: str) -> str:
    """``--http-port`` → ``KC_HTTP_PORT``."""
    return "KC_" + flag.lstrip("-").upper().replace("-", "_")


def jdbc_to_url(jdbc: str, username: str | None, password: str | None, ignored: list[str]) -> str:
    """``jdbc:postgresql://host:5432/db?sslmode=require`` → ``postgresql://user:pw@host:5432/db?ssl=require``."""
    url = jdbc.removeprefix("jdbc:")
    scheme, _, rest = url.partition("://")
    if scheme in ("postgres", "postgresql"):
        scheme = "postgresql"
    elif scheme != "sqlite":
        raise KeycloakConfigError(f"database URL of '{scheme}': Doorkeep runs on PostgreSQL or SQLite")
    location, _, query = rest.partition("?")
    params = dict(parse_qsl(query.replace(";", "&"), keep_blank_values=True))
    username = username or params.pop("user", None)
    password = password or params.pop("password", None)
    kept: dict[str, str] = {}
    for key, value in params.items():
        if key == "sslmode":
            kept["ssl"] = value
        elif key == "ssl":
            kept["ssl"] = "require" if value.lower() in ("true", "") else value
        else:
            ignored.append(f"db-url property '{key}'")
    userinfo = quote(username, safe="") if username else ""
    if userinfo and password:
        userinfo += ":" + quote(password, safe="")
    if userinfo and "@" not in location:
        location = f"{userinfo}@{location}"
    return f"{scheme}://{location}" + (f"?{urlencode(kept)}" if kept else "")


def database_url(parts: Mapping[str, str], ignored: list[str]) -> str | None:
    """Doorkeep's ``--db-url`` from Keycloak's ``db*`` options; None when they leave Doorkeep's default."""
    vendor = parts.get("db")
    url = parts.get("db-url")
    if vendor is not None and vendor not in SUPPORTED_DB and vendor != "dev-mem":
        raise KeycloakConfigError(
            f"database vendor '{vendor}' (--db / KC_DB) is not supported: "
            "Doorkeep runs on PostgreSQL (postgres) or SQLite (dev-file)"
        )
    if vendor == "dev-mem":
        ignored.append("db=dev-mem (Doorkeep has no in-memory database; the dev-file SQLite database is used)")
        return None
    if vendor == "dev-file" and (url is None or url.startswith("jdbc:h2")):
        return None
    user, password = parts.get("db-username"), parts.get("db-password")
    if url is None and vendor != "postgres":
        return None
    if url is None:
        props = parts.get("db-url-properties", "")
        url = (
            f"jdbc:postgresql://{parts.get('db-url-host', 'localhost')}:{parts.get('db-url-port', '5432')}/"
            f"{parts.get('db-url-database', 'keycloak')}{props}"
        )
    if url.startswith("jdbc:"):
        return jdbc_to_url(url, user, password, ignored)
    if user and "://" in url and "@" not in url.split("://", 1)[1].split("/", 1)[0]:
        scheme, rest = url.split("://", 1)
        secret = f":{quote(password, safe='')}" if password else ""
        return f"{scheme}://{quote(user, safe='')}{secret}@{rest}"
    return url


def import_files(directory: Path) -> list[str]:
    """Keycloak's ``--import-realm``: every ``*.json`` of the import directory, in name order."""
    return sorted(str(p) for p in directory.glob("*.json") if p.is_file()) if directory.is_dir() else []


def param_size_name(name: str) -> str | None:
    """The OIDC parameter a ``req-params-max-size--<name>`` option names, in its protocol spelling (``login_hint``:
    an environment variable's ``LOGIN_HINT`` arrives as ``login-hint``), or None for any other option."""
    for prefix in PARAM_SIZE_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :].replace("-", "_")
    return None


def removed(name: str) -> str:
    """What became of an option Keycloak 26 removed: ``removed in Keycloak 26: use <its replacement>``."""
    return f"removed in Keycloak 26: use {REMOVED[name]}"


def is_keycloak_option(name: str) -> bool:
    return name.startswith(KEYCLOAK_PREFIXES)


def import_dir(environ: Mapping[str, str], cwd: Path) -> Path:
    configured = environ.get(IMPORT_DIR_ENV)
    return Path(configured) if configured else cwd / DEFAULT_IMPORT_DIR


@dataclass(frozen=True)
class Known:
    """One of the command's own options: its parameter name, environment variable, repeatability."""

    param: str
    envvar: str | None = None
    multiple: bool = False


def translate(
    args: list[str], environ: Mapping[str, str], known: Mapping[str, Known], cwd: Path, *, server: bool = True
) -> Translated:
    """Keycloak's spellings in ``args`` and ``KC_*`` in ``environ`` onto the command's own options.

    ``known`` maps the command's long option names (without dashes) to their parameters. ``server``
    False (import, export) considers the database options only.
    """
    out = Translated(args=[])
    categories: list[str] = []  # "<category>:<level>" of the log-level-<category> options, environment first
    db_cli: dict[str, str] = {}
    https_port: list[str] = []
    import_flag = False
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            out.args += args[i:]
            break
        name, eq, inline = token[2:].partition("=") if token.startswith("--") else ("", "", "")
        value: str | None = inline if eq else None
        if not eq and i + 1 < len(args) and not args[i + 1].startswith("-"):
            value = args[i + 1]
        consumed = 0 if eq or value is None else 1
        if not name or (name in known and name not in DB_OPTIONS and name != "import-realm"):
            out.args.append(token)
            consumed = 0
        elif name in DB_OPTIONS or (name in SPECIAL and value is None and name != "import-realm"):
            if value is None:  # click says the option needs a value
                out.args.append(token)
            else:
                db_cli[name] = value
        elif name == "import-realm" and server:
            if value is None:
                import_flag = True
            else:  # the file form of Doorkeep: the path is click's to check
                out.args += ["--import-realm", value]
        elif name == "https-port" and server and value is not None:
            https_port.append(value)
        elif not server and "file" in known and name in ("dir", "users", "users-per-file"):
            if name != "users" or (value or "").lower() not in USERS_IN_FILE:
                raise KeycloakConfigError(f"--{name}{'=' + value if name == 'users' and value else ''}: {ONE_FILE}")
        elif name in REMOVED and server:
            raise KeycloakConfigError(f"--{name} was {removed(name)}")
        elif name in DEFAULTS_OK and (value or "").lower() in DEFAULTS_OK[name]:
            pass
        elif server and name.startswith(LOG_CATEGORY_PREFIX) and name not in known:
            categories.append(log_category(f"--{name}", name.removeprefix(LOG_CATEGORY_PREFIX), value))
        elif server and value is not None and param_size_name(name) is not None:
            out.args += [PARAM_SIZE_FLAG, f"{param_size_name(name)}={value}"]
        elif is_keycloak_option(name) and server:
            out.ignored.append(f"--{name}")
        else:  # not Keycloak's either: click answers "No such option"
            out.args.append(token)
            consumed = 0
        i += 1 + consumed
    sizes_from_cli = out.args
    out.args = []
    db_env = _environment(environ, known, out, https_port, server, categories)
    out.args += sizes_from_cli  # after the environment's param sizes: the command line's win
    if categories:
        _fold_log_categories(out, environ, categories)
    _database(db_cli, db_env, environ, out)
    if https_port:
        _https_port(https_port[0], args, environ, out)
    if import_flag:
        directory = import_dir(environ, cwd)
        files = import_files(directory)
        out.args += [part for path in files for part in ("--import-realm", path)]
        if not files:
            out.notes.append(f"--import-realm: no realm files (*.json) in {directory}")
    return out


def _environment(
    environ: Mapping[str, str],
    known: Mapping[str, Known],
    out: Translated,
    https_port: list[str],
    server: bool,
    categories: list[str],
) -> dict[str, str]:
    db_env: dict[str, str] = {}
    from_env: list[str] = []
    for key in sorted(environ):
        if not key.startswith("KC_") or key in IGNORED_ENV:
            continue
        name, value = env_option(key), environ[key]
        if name in DB_OPTIONS:
            db_env[name] = value
        elif not server:
            continue
        elif name == "https-port":
            https_port.append(value)
        elif name in DEFAULTS_OK and value.lower() in DEFAULTS_OK[name]:
            continue
        elif name in REMOVED:
            out.ignored.append(f"{key} ({removed(name)})")
        elif param_size_name(name) is not None:
            out.args += [PARAM_SIZE_FLAG, f"{param_size_name(name)}={value}"]
        elif name.startswith(LOG_CATEGORY_PREFIX) and name not in known:  # KC_LOG_LEVEL_ORG_KEYCLOAK: org.keycloak
            category = name.removeprefix(LOG_CATEGORY_PREFIX).replace("-", ".")
            from_env.append(log_category(key, category, value))
        elif name in known and name != "import-realm":
            option = known[name]
            if option.envvar is None or option.envvar not in environ:  # DOORKEEP_* wins over KC_*
                out.defaults[option.param] = [v for v in value.split(",") if v] if option.multiple else value
        else:
            out.ignored.append(key)
    categories[:0] = from_env  # before the command line's, which win
    return db_env


def _database(db_cli: dict[str, str], db_env: dict[str, str], environ: Mapping[str, str], out: Translated) -> None:
    if db_cli:
        url = database_url({**db_env, **db_cli}, out.ignored)
        if url:
            out.args += ["--db-url", url]
    elif db_env and "DOORKEEP_DB_URL" not in environ:
        url = database_url(db_env, out.ignored)
        if url:
            out.defaults["db_url"] = url


def _https_port(port: str, args: list[str], environ: Mapping[str, str], out: Translated) -> None:
    """Doorkeep serves HTTPS on --http-port: Keycloak's https-port becomes it when TLS files are given."""
    tls = any(a.startswith("--https-certificate-file") for a in args) or any(
        k in environ for k in ("DOORKEEP_HTTPS_CERTIFICATE_FILE", "KC_HTTPS_CERTIFICATE_FILE")
    )
    given = (
        any(a.startswith("--http-port") for a in args) or "http_port" in out.defaults or "DOORKEEP_HTTP_PORT" in environ
    )
    if tls and not given:
        out.defaults["http_port"] = port
    elif not tls:
        out.ignored.append("https-port (no --https-certificate-file: Doorkeep serves plain HTTP on --http-port)")


def log_category(given: str, category: str, level: str | None) -> str:
    """``<category>:<level>`` of one log-level-<category> option, its level checked as Keycloak checks it."""
    try:
        logs.level_name(level or "")
    except ValueError:
        raise KeycloakConfigError(
            f"Invalid value for option '{given}': {level or ''}. "
            f"Expected values are (case insensitive): {', '.join(logs.KEYCLOAK_LEVELS)}"
        ) from None
    return f"{category}:{level}"


def _fold_log_categories(out: Translated, environ: Mapping[str, str], categories: list[str]) -> None:
    """Append the categories to the --log-level in force (command line, DOORKEEP_LOG_LEVEL, KC_LOG_LEVEL, info)."""
    base, kept, i = None, [], 0
    while i < len(out.args):
        token = out.args[i]
        if token == "--log-level" and i + 1 < len(out.args):
            base, i = out.args[i + 1], i + 2
            continue
        if token.startswith("--log-level="):
            base = token.partition("=")[2]
        else:
            kept.append(token)
        i += 1
    if base is None and "DOORKEEP_LOG_LEVEL" not in environ and "log_level" in out.defaults:
        out.defaults["log_level"] = ",".join([str(out.defaults["log_level"]), *categories])  # stays KC_LOG_LEVEL's
        return
    base = base if base is not None else environ.get("DOORKEEP_LOG_LEVEL", "info")
    out.args = [*kept, "--log-level", ",".join([base, *categories])]

"""Logging, configured in one place: one handler on the root logger for Doorkeep and uvicorn alike, in one
format (text, or JSON lines with ``--log-format json``), behind one redaction filter.

uvicorn's error and access loggers propagate to that handler (uvicorn is started with ``log_config=None``),
so ``--http-access-log-enabled true`` lines share the format and the filter; the access line's query
string keeps its parameter names and loses every value (``?code=***&state=***``).

Only Doorkeep's own loggers (``doorkeep.*``) and uvicorn's follow the level the operator asks for.
Database drivers log every statement with its bind parameters at DEBUG (realm private keys, HMAC
keys, client secrets, password hashes), so they stay at WARNING whatever the level. Keycloak does the
same: its debug logging does not print bind parameters. Whatever still reaches a handler passes
through ``RedactingFilter``, which masks tokens, private keys, password hashes and the values of
secret-looking keys (DESIGN §4: nothing logs a token, a password, a secret or a code).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FORMATS = ("text", "json")
# Keycloak's --log-console-output values, and Doorkeep's own.
FORMAT_NAMES = {"default": "text", "text": "text", "json": "json"}
ACCESS_LOGGER = "uvicorn.access"
MASK = "***"
FOLLOW_LEVEL = ("doorkeep", "uvicorn")
# Loggers that print SQL with parameters, or request bodies, when set to DEBUG or INFO.
PINNED_AT_WARNING = (
    "aiosqlite",
    "sqlalchemy",
    "asyncpg",
    "alembic",
    "multipart",
    "python_multipart",
    "httpx",
    "httpcore",
    "asyncio",
)

TRACE = 5  # uvicorn's extra level below DEBUG
OFF = logging.CRITICAL + 10  # Keycloak's (JBoss) OFF: above every level, so nothing is written
ALL = 1  # Keycloak's ALL: below every level (0 would mean "inherit" to Python's logging)
# Keycloak's levels (LoggingOptions.Level, any case), java.util.logging's names JBoss also takes, and uvicorn's.
KEYCLOAK_LEVELS = ("off", "fatal", "error", "warn", "info", "debug", "trace", "all")
LEVELS = {
    "off": OFF,
    "all": ALL,
    "severe": logging.ERROR,
    "config": (logging.INFO + logging.DEBUG) // 2,
    "fine": logging.DEBUG,
    "finer": (logging.DEBUG + TRACE) // 2,
    "finest": TRACE,
    "trace": TRACE,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "fatal": logging.CRITICAL,
}
UVICORN_NAMES = {"warn": "warning", "fatal": "critical"}

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,4}")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)", re.S)
_HASH = re.compile(r"\$(?:argon2(?:id|i|d)|pbkdf2[\w-]*|2[abxy]|scrypt|sha(?:256|512)?)\$[^\s'\"`;)}\]]+")
_WORDS = (
    r"password|passwd|secret|token|credential|authorization|cookie|salt|private[_-]?key|code[_-]?verifier"
    r"|session[_-]?code|device[_-]?code|user[_-]?code|auth_session_id|keycloak_\w+|csrf|hint|api[_-]?key"
)
# A whole word (never backtracked into: linear time on any input) that contains one of _WORDS, or is code/key.
_KEY = r"(?<![\w.-])(?:(?=[\w.-]*?(?:" + _WORDS + r"))[\w.-]++|(?:code|key)(?![\w.-]))"
_QUOTED = r"b?\"(?:[^\"\\]|\\.)*\"|b?'(?:[^'\\]|\\.)*'"
# key=value, key: value, "key": "value", 'key': 'value', Authorization: Bearer xyz, and header tuples
# as uvicorn's trace log prints them: (b'authorization', b'Bearer xyz').
_PAIR = re.compile(
    r"(?P<key>b?(?P<q>[\"'])" + _KEY + r"(?P=q)|" + _KEY + r")"
    r"(?P<sep>\s*[:=]\s*|(?(q),\s*|(?!)))"
    r"(?P<value>" + _QUOTED + r"|(?:bearer|basic|dpop)\s+[^\s\"',&;]+|[^\s\"',&;)}\]]+)",
    re.I,
)


def _mask_pair(match: re.Match[str]) -> str:
    value = match["value"]
    if value in ("null", "None", "true", "false", "True", "False", '""', "''"):
        return match[0]  # nothing secret to hide
    if value[:1] == "b" and value[1:2] in ("'", '"'):
        masked = "b" + value[1] + MASK + value[1]
    elif value[:1] in "\"'":
        masked = value[0] + MASK + value[0]
    elif " " in value:  # an Authorization scheme: keep the scheme, drop the credential
        masked = value.split(None, 1)[0] + " " + MASK
    else:
        masked = MASK
    return match["key"] + match["sep"] + masked


_QUERY_VALUE = re.compile(r"([?&][^=&\s\"#]*=)[^&\s\"#]*")


def redact_query(path: str) -> str:
    """A request path with every query parameter's value masked: ``/cb?code=***&state=***``."""
    head, sep, query = path.partition("?")
    return head + sep + _QUERY_VALUE.sub(lambda m: m[1] + MASK, "?" + query)[1:] if sep else path


def redact(text: str, *, by_key: bool = True) -> str:
    """Mask private keys, JWTs, password hashes and (``by_key``) the values of secret-looking keys in ``text``."""
    text = _PEM.sub("[private key " + MASK + "]", text)
    text = _JWT.sub(MASK, text)
    text = _HASH.sub(MASK, text)
    return _PAIR.sub(_mask_pair, text) if by_key else text


# A record logged with ``extra={DECLARED_PUBLIC: True}`` has had its secrets masked by declaration (the settings
# line: workers.public_settings): its keys are not guessed at ("password_blacklists_check_interval": 60 is no
# password), only the value patterns (private keys, JWTs, hashes) are still masked.
DECLARED_PUBLIC = "doorkeep_declared_public"


class RedactingFilter(logging.Filter):
    """Rewrite each record's message, traceback and stack text through ``redact`` before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name == ACCESS_LOGGER and isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], redact_query(args[2]), *args[3:])  # uvicorn's full_path
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: show the template, never the arguments
            message, record.args = str(record.msg), None
        clean = redact(message, by_key=not getattr(record, DECLARED_PUBLIC, False))
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _DoorkeepHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one handler Doorkeep installs on the root logger (recognised so set-up can run twice).

    It writes to whatever ``sys.stderr`` is when a record arrives, as ``logging.lastResort`` does.
    """

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the field names of Keycloak's ``--log-console-output=json``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "loggerName": record.name,
            "message": record.getMessage(),
            "processId": record.process,
            "threadName": record.threadName,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["stackTrace"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def formatter(name: str) -> logging.Formatter:
    """The formatter of ``--log-format`` (``text``, ``json``, or Keycloak's ``default``)."""
    return JsonFormatter() if FORMAT_NAMES.get(name, name) == "json" else logging.Formatter(FORMAT)


def parse(spec: str) -> tuple[str, dict[str, str]]:
    """Keycloak's ``--log-level`` syntax: ``info`` or ``info,doorkeep.web:debug``: the root level, then categories
    (a category alone leaves the root at info; a later entry wins). Level names in any case.

    Returns the root level's name and the categories' levels; raises ValueError with Keycloak's message.
    """
    root, categories = "info", {}
    for entry in (part.strip() for part in spec.split(",")):
        parts = entry.split(":")
        if len(parts) > 2 or (len(parts) == 2 and not parts[0].strip()):
            raise ValueError(
                f"Invalid log category format: {entry}. The format is 'category:level' such as 'org.keycloak:debug'."
            )
        level = level_name(parts[-1])
        if len(parts) == 2:
            categories[parts[0].strip()] = level
        else:
            root = level
    return root, categories


def level_name(given: str) -> str:
    """One level as Keycloak reads it (any case); ValueError with Keycloak's message for anything else."""
    level = given.strip().lower()
    if level not in LEVELS:
        raise ValueError(f"Invalid log level: {given}. Possible values are: {', '.join(KEYCLOAK_LEVELS)}.")
    return UVICORN_NAMES.get(level, level)


def _pinned(name: str) -> bool:
    return any(name == pinned or name.startswith(pinned + ".") for pinned in PINNED_AT_WARNING)


def installed() -> bool:
    """Whether this process already logs through Doorkeep's handler."""
    return any(isinstance(h, _DoorkeepHandler) for h in logging.getLogger().handlers)


def _children(name: str) -> list[logging.Logger]:
    """The loggers already made below ``name`` (``uvicorn.error`` below ``uvicorn``)."""
    prefix = name + "."
    known = list(logging.Logger.manager.loggerDict.items())
    return [found for key, found in known if key.startswith(prefix) and isinstance(found, logging.Logger)]


def configure(spec: str, output: str = "text") -> None:
    """Send every log record to stderr through the redaction filter, in the ``output`` format (text or json);
    only ours and uvicorn's follow the level.

    A category names its own level (``doorkeep.store:debug``), except the pinned database loggers.
    """
    level, categories = parse(spec)
    numeric = LEVELS[level]
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _DoorkeepHandler)]:
        root.removeHandler(old)
    handler = _DoorkeepHandler()
    handler.setFormatter(formatter(output))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(max(numeric, logging.WARNING))
    for name in FOLLOW_LEVEL:
        logging.getLogger(name).setLevel(numeric)
        for child in _children(name):  # a level uvicorn (or an earlier configure) set on one: follow ours again
            child.setLevel(logging.NOTSET)
    for name in PINNED_AT_WARNING:  # at WARNING, or quieter when the level is above it (off)
        logging.getLogger(name).setLevel(max(numeric, logging.WARNING))
    for name, category_level in categories.items():
        if _pinned(name):
            logging.getLogger("doorkeep").warning("log category %s stays at WARNING: it prints secrets", name)
        else:
            logging.getLogger(name).setLevel(LEVELS[category_level])

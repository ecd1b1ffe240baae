"""The redaction filter (the backstop behind quiet database loggers) and which loggers follow --log-level."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from doorkeep.server import logs
from doorkeep.server.logs import RedactingFilter, redact

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLXBhcnQtaGVyZQ"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----"


@pytest.mark.parametrize(
    "text, secret",
    [
        (f"token {JWT} issued", JWT),
        (f"refresh {JWT[:30]}", JWT[:30]),  # a truncated JWT
        ("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..iv.ct.tag", "eyJhbGciOiJkaXIi"),  # JWE
        (f"key={PEM}", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
        (f"('k1', 'RS256', {PEM!r})", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),  # repr'd with \\n escapes
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtruncated", "MIIEowIBAAKCAQEAtruncated"),
        ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\n-----END EC PRIVATE KEY-----", "MHcCAQEEI"),
        ("hash $argon2id$v=19$m=7168,t=5,p=1$c2FsdA$aGFzaA stored", "c2FsdA$aGFzaA"),
        ("hash $pbkdf2-sha256$27500$c2FsdA$aGFzaA", "c2FsdA$aGFzaA"),
        ("password=hunter2&username=bob", "hunter2"),
        ("client_secret=s3cr3t-value grant_type=password", "s3cr3t-value"),
        ("refresh_token=abc.def.ghi", "abc.def.ghi"),
        ("access_token=opaque-123", "opaque-123"),
        ("code=4f1c0a5e.b6f2.4e1a&state=x", "4f1c0a5e.b6f2.4e1a"),
        ("GET /cb?session_code=AbCdEf123&tab_id=1", "AbCdEf123"),
        ("id_token_hint=hint-value-xyz", "hint-value-xyz"),
        ("code_verifier=verifier-abcdef", "verifier-abcdef"),
        ("grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=dc-abcdef", "dc-abcdef"),
        ("GET /realms/test/device?user_code=WXYZ-ABCD", "WXYZ-ABCD"),
        ("device_user_code=WXYZABCD", "WXYZABCD"),
        ('{"secret": "password"}', '"password"'),
        ('{"client_secret":"s3cr3t"}', "s3cr3t"),
        ('{"value": "x", "secretData": "{\\"value\\":\\"aGFzaA==\\"}"}', "aGFzaA=="),
        ("{'password': 'hunter2', 'user': 'bob'}", "hunter2"),
        ('{"Password" : "Hunter2"}', "Hunter2"),
        ("Authorization: Bearer opaque-bearer-token", "opaque-bearer-token"),
        ("authorization=Basic YWRtaW46YWRtaW4=", "YWRtaW46YWRtaW4="),
        ("headers={'authorization': 'Bearer abc123'}", "abc123"),
        ("password-new=NewPass1! password-confirm=NewPass1!", "NewPass1!"),
        ("DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD=topsecret", "topsecret"),
        ("salt=c2FsdHNhbHQ=", "c2FsdHNhbHQ="),
        ("private_key: abcdefgh", "abcdefgh"),
        ('"refresh_token": "ey-not-jwt-opaque"', "ey-not-jwt-opaque"),
        ("[(b'host', b'x'), (b'authorization', b'Basic YWRtaW46YWRtaW4=')]", "YWRtaW46YWRtaW4="),  # uvicorn trace
        ("(b'cookie', b'AUTH_SESSION_ID=abc.node1; KEYCLOAK_SESSION=realm/user/sid')", "abc.node1"),
        ("Cookie: AUTH_SESSION_ID=abc.node1; KEYCLOAK_IDENTITY=opaque", "opaque"),
        ("'query_string': b'session_code=sc-123&execution=e&client_id=app'", "sc-123"),
        ("('code', 'abc-code-value')", "abc-code-value"),
        ("DOORKEEP_LOGOUT_CSRF=csrf-value", "csrf-value"),
    ],
)
def test_redact_masks_every_kind_of_secret(text: str, secret: str) -> None:
    clean = redact(text)
    assert secret not in clean, clean
    assert logs.MASK in clean or "[private key" in clean


@pytest.mark.parametrize(
    "text",
    [
        "imported realm 'demo' (1 users, 2 clients)",
        "GET /realms/demo/protocol/openid-connect/token -> 200",
        "removed 3 expired sessions",
        '{"bootstrap_admin_password": null, "workers": 1}',
    ],
)
def test_redact_leaves_ordinary_lines_alone(text: str) -> None:
    assert redact(text) == text


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    logger = logging.getLogger("doorkeep.test-redaction")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)


def test_the_filter_redacts_arguments_tracebacks_and_stacks(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.debug("params %s", ("k1", "HS512", {"client_secret": "cs-123"}))
    logger.info("token %s", JWT)
    try:
        raise ValueError(f"bad password=pw-in-exception {JWT}")
    except ValueError:
        logger.exception("failed")
    logger.warning("here access_token=at-in-stack", stack_info=True)
    out = stream.getvalue()
    for secret in ("cs-123", JWT, "pw-in-exception", "at-in-stack"):
        assert secret not in out
    assert "ValueError" in out and "Traceback" in out and "params" in out


def test_a_bad_format_string_does_not_print_its_arguments(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.error("two %s %s", "password-as-arg")
    assert "password-as-arg" not in stream.getvalue()


@pytest.fixture
def clean_logging() -> Iterator[None]:
    root = logging.getLogger()
    names = (*logs.FOLLOW_LEVEL, *logs.PINNED_AT_WARNING, "sqlalchemy.engine", "doorkeep.store")
    saved = (list(root.handlers), root.level, {n: logging.getLogger(n).level for n in names})
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("clean_logging")
def test_only_doorkeep_and_uvicorn_follow_the_level_drivers_stay_at_warning() -> None:
    logs.configure("debug")
    assert logging.getLogger("doorkeep.store").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("uvicorn.error").getEffectiveLevel() == logging.DEBUG
    for name in ("aiosqlite", "sqlalchemy.engine.Engine", "asyncpg", "alembic.runtime.migration", "some.library"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    logs.configure("trace")
    assert logging.getLogger("aiosqlite").getEffectiveLevel() == logging.WARNING


@pytest.mark.usefixtures("clean_logging")
def test_a_level_left_on_a_uvicorn_logger_follows_the_configured_level_again() -> None:
    """uvicorn sets ``uvicorn.error``'s own level when it starts; a later configure makes it follow ours again (an
    earlier server in the same process left WARNING there and the debug level did not reach it)."""
    error = logging.getLogger("uvicorn.error")
    saved = error.level
    try:
        error.setLevel(logging.WARNING)
        logs.configure("debug")
        assert error.getEffectiveLevel() == logging.DEBUG
    finally:
        error.setLevel(saved)


@pytest.mark.usefixtures("clean_logging")
def test_configuring_twice_installs_one_redacting_handler(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("info")
    logs.configure("info")
    ours = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactingFilter) for f in h.filters)]
    assert len(ours) == 1
    logging.getLogger("doorkeep.x").info("client_secret=abc-123 issued %s", JWT)
    err = capsys.readouterr().err
    assert "client_secret=***" in err and "abc-123" not in err and JWT not in err


@pytest.mark.parametrize(
    "text",
    [
        "token" * 20000,
        "password=" * 20000,
        "a." * 50000,
        '"a",' * 30000,
        "-----BEGIN " + "A " * 50000,
        "x" * 50000 + "secret" + "y" * 50000,
    ],
)
def test_redact_runs_in_linear_time_on_hostile_lines(text: str) -> None:
    """These took minutes with a backtracking key pattern (each would hang the suite if that came back)."""
    clean = redact(text)
    assert len(clean) <= len(text) + 8


@pytest.mark.anyio
async def test_sql_errors_never_carry_bind_parameters(tmp_path: Path) -> None:
    from sqlalchemy.exc import IntegrityError

    from doorkeep.realms import provisioning
    from doorkeep.store.database import Database

    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        await db.migrate()
        async with db.transaction() as tx:
            await provisioning.create_realm(tx, "realm-name-param", 1)
        with pytest.raises(IntegrityError) as caught:
            async with db.transaction() as tx:
                await provisioning.create_realm(tx, "realm-name-param", 1)
    finally:
        await db.dispose()
    assert "realm-name-param" not in str(caught.value)
    assert "parameters hidden" in str(caught.value)


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("info", ("info", {})),
        ("DEBUG", ("debug", {})),
        ("warn", ("warning", {})),
        ("fatal", ("critical", {})),
        ("info,doorkeep.web:debug", ("info", {"doorkeep.web": "debug"})),
        ("doorkeep.store:trace,error", ("error", {"doorkeep.store": "trace"})),
        ("INFO,org.keycloak.events:DEBUG", ("info", {"org.keycloak.events": "debug"})),
    ],
)
def test_keycloak_log_level_syntax_is_understood(spec: str, expected: tuple[str, dict[str, str]]) -> None:
    assert logs.parse(spec) == expected


@pytest.mark.parametrize("spec", ["verbose", "", "info,", ":debug", "info,doorkeep:loud"])
def test_a_bad_log_level_is_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        logs.parse(spec)


@pytest.mark.usefixtures("clean_logging")
def test_a_category_cannot_lift_a_database_driver_above_warning() -> None:
    logs.configure("info,sqlalchemy.engine:debug,aiosqlite:trace,doorkeep.store:debug")
    assert not logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.INFO)
    assert not logging.getLogger("aiosqlite").isEnabledFor(logging.INFO)
    assert logging.getLogger("doorkeep.store").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("doorkeep.web").isEnabledFor(logging.DEBUG)
